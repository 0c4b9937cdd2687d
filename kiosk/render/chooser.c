/* chooser.c — the language chooser. Buttons share the width of the screen
 * in one or two rows, each at least a thumb wide (about 1/14 of the short
 * side tall); the labels are endonyms so every reader finds their own
 * language without reading any other. */
#include "render/chooser.h"

#include <stdlib.h>
#include <string.h>

#include "render/layout.h"
#include "render/paint.h"
#include "render/text.h"

static const struct {
  const char *tag, *name;
} endonyms[] = {
    {"ru", "Русский"},   {"kk", "Қазақша"},   {"ky", "Кыргызча"}, {"tg", "Тоҷикӣ"},
    {"uz", "Oʻzbekcha"}, {"tk", "Türkmençe"}, {"en", "English"},  {"fa", "دری"},
    {"prs", "دری"},      {"ps", "پښتو"},      {"ar", "العربية"},
};

const char *chooser_endonym(const char *lang)
{
  for (size_t i = 0; i < sizeof endonyms / sizeof endonyms[0]; i++)
    if (!strcmp(lang, endonyms[i].tag))
      return endonyms[i].name;
  return lang;
}

int chooser_hit(const SDL_Rect *rects, size_t n, int x, int y)
{
  SDL_Point p = {x, y};
  for (size_t i = 0; i < n; i++)
    if (SDL_PointInRect(&p, &rects[i]))
      return (int)i;
  return -1;
}

size_t chooser_paint(struct fonts *f, SDL_Surface *page, const char *const *langs, size_t n,
                     int selected, SDL_Rect *rects)
{
  if (n > CHOOSER_MAX)
    n = CHOOSER_MAX;
  if (!n)
    return 0;
  int w = page->w, h = page->h;
  int s = w < h ? w : h;
  int margin = s * 45 / 1000;
  int bh = s / 9;
  int gap = s / 60;
  /* One row if every name fits at a comfortable size, else two. */
  int px = bh * 36 / 100;
  int widest = 0; /* at 100 px */
  for (size_t i = 0; i < n; i++) {
    struct text_style st = {100, PAGE_SPAN_BOLD, TEXT_ALIGN_START, 1.0f, layout_lang_rtl(langs[i]),
                            0};
    struct text_block tb;
    if (text_layout_plain(f, chooser_endonym(langs[i]), &st, 1 << 20, &tb, NULL) == 0) {
      if (tb.width > widest)
        widest = tb.width;
      text_block_free(&tb);
    }
  }
  int per_row = (int)n, bw = 0;
  for (;;) {
    bw = (w - 2 * margin - gap * (per_row - 1)) / per_row;
    int fit = widest ? (bw - bh / 4) * 100 / widest : px;
    if (fit >= px * 3 / 4 || per_row == 1) {
      if (fit < px)
        px = fit;
      break;
    }
    per_row = (per_row + 1) / 2;
  }
  int rows = ((int)n + per_row - 1) / per_row;
  SDL_Rect panel = {0, 0, w, margin + rows * bh + (rows - 1) * gap + margin};
  SDL_FillRect(page, &panel, SDL_MapRGB(page->format, 0x0B, 0x2A, 0x4A));
  struct box boxes[CHOOSER_MAX * 4];
  size_t nb = 0;
  for (size_t i = 0; i < n; i++) {
    int row = (int)i / per_row, col = (int)i % per_row;
    SDL_Rect r = {margin + col * (bw + gap), margin + row * (bh + gap), bw, bh};
    rects[i] = r;
    struct box *b = &boxes[nb++];
    memset(b, 0, sizeof *b);
    b->kind = BOX_FILL;
    b->r = r;
    b->color = (int)i == selected ? (SDL_Color){0xFF, 0xFF, 0xFF, 0xFF}
                                  : (SDL_Color){0x1C, 0x4A, 0x78, 0xFF};
    b->block = -1;
    /* The label, centred. */
    int rtl = layout_lang_rtl(langs[i]);
    struct text_style st = {px, PAGE_SPAN_BOLD, TEXT_ALIGN_CENTER, 1.0f, rtl, 0};
    struct text_block tb;
    if (text_layout_plain(f, chooser_endonym(langs[i]), &st, bw - bh / 4, &tb, NULL) == 0) {
      int top = r.y + (bh - tb.height) / 2;
      for (size_t k = 0; k < tb.n_runs && nb < sizeof boxes / sizeof boxes[0]; k++) {
        const struct text_run *run = &tb.runs[k];
        struct box *t = &boxes[nb++];
        memset(t, 0, sizeof *t);
        t->kind = BOX_TEXT;
        t->r = (SDL_Rect){r.x + bh / 8 + run->x, top + run->y, run->w, run->h};
        t->baseline = top + run->baseline;
        t->color = (int)i == selected ? (SDL_Color){0x0B, 0x2A, 0x4A, 0xFF}
                                      : (SDL_Color){0xFF, 0xFF, 0xFF, 0xFF};
        t->fam = run->fam;
        t->style = run->style;
        t->px = px;
        t->rtl = run->rtl;
        t->text = strdup(run->text);
        t->block = -1;
      }
      text_block_free(&tb);
    }
  }
  paint_boxes(f, page, boxes, nb, NULL);
  for (size_t i = 0; i < nb; i++)
    free(boxes[i].text);
  return n;
}
