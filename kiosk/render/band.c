/* band.c — paints the band: hotline numbers in bold white at about half
 * the band's height (readable from three metres at every screen size),
 * their labels above them, and the clock and the page position at the
 * other end. In right-to-left languages the band is mirrored. Hotlines are
 * placed one after another while they fit; a number is never cut. */
#include "render/band.h"

#include <stdlib.h>
#include <string.h>

#include "render/layout.h"
#include "render/paint.h"
#include "render/text.h"

static const SDL_Color C_TEXT = {0xFF, 0xFF, 0xFF, 0xFF};
static const SDL_Color C_LABEL = {0xC9, 0xD6, 0xE3, 0xFF}; /* 9:1 on the band */
static const SDL_Color C_SEP = {0x2C, 0x4C, 0x6E, 0xFF};

/* Lays out one line of text and appends its runs as boxes at (x, baseline
 * y) — x is the left edge. Returns the width, or -1. */
static int put(struct fonts *f, struct box *boxes, size_t *n, size_t cap, const char *s, int px,
               unsigned flags, int rtl, int x, int top, SDL_Color color, int measure_only)
{
  /* Laid out in a very wide box and placed by its own width: aligned to
   * the box's left edge in either direction. */
  struct text_style st = {px, flags, rtl ? TEXT_ALIGN_END : TEXT_ALIGN_START, 1.0f, rtl, 0};
  struct text_block tb;
  if (text_layout_plain(f, s, &st, 1 << 20, &tb, NULL))
    return -1;
  int w = tb.width;
  if (!measure_only && tb.n_lines)
    for (size_t r = 0; r < tb.lines[0].n_runs && *n < cap; r++) {
      const struct text_run *run = &tb.runs[tb.lines[0].first_run + r];
      struct box *b = &boxes[(*n)++];
      memset(b, 0, sizeof *b);
      (void)layout_text_box(b, run, x, top, color, px, -1);
    }
  text_block_free(&tb);
  return w;
}

int band_paint(struct fonts *f, SDL_Surface *page, const struct band_input *in)
{
  int w = page->w, h = page->h;
  int bh = layout_band_height(w, h);
  int top = h - bh;
  int margin = (w < h ? w : h) * 45 / 1000;
  int rtl = layout_lang_rtl(in->lang);
  SDL_Rect ground = {0, top, w, bh};
  SDL_Color bg = LAYOUT_BAND_BG;
  SDL_FillRect(page, &ground, SDL_MapRGB(page->format, bg.r, bg.g, bg.b));

  enum { CAP = 128 };
  struct box boxes[CAP];
  size_t n = 0;
  int num_px = bh * 46 / 100, label_px = bh * 24 / 100, side_px = bh * 30 / 100;
  int label_top = top + bh * 8 / 100;
  int num_top = label_top + label_px * 12 / 10;

  /* Clock and position at the end side. */
  int clock_w =
      in->clock ? put(f, boxes, &n, CAP, in->clock, num_px, PAGE_SPAN_BOLD, 0, 0, 0, C_TEXT, 1) : 0;
  int pos_w =
      in->position ? put(f, boxes, &n, CAP, in->position, side_px, 0, 0, 0, 0, C_LABEL, 1) : 0;
  int end_w = (clock_w > pos_w ? clock_w : pos_w);
  int end_x = rtl ? margin : w - margin - end_w;
  end_x += in->shift_x;
  if (in->clock)
    put(f, boxes, &n, CAP, in->clock, num_px, PAGE_SPAN_BOLD, 0,
        rtl ? end_x : end_x + end_w - clock_w, num_top, C_TEXT, 0);
  if (in->position)
    put(f, boxes, &n, CAP, in->position, side_px, 0, 0, rtl ? end_x : end_x + end_w - pos_w,
        label_top, C_LABEL, 0);

  /* Hotlines from the start side while they fit. */
  int avail = w - 2 * margin - end_w - margin;
  int x = margin + in->shift_x;
  int shown = 0;
  int gap = bh / 2;
  for (size_t i = 0; i < in->n_hotlines; i++) {
    const struct band_hotline *hl = &in->hotlines[i];
    int lw = put(f, boxes, &n, CAP, hl->label ? hl->label : "", label_px, 0, rtl, 0, 0, C_LABEL, 1);
    int nw = put(f, boxes, &n, CAP, hl->number ? hl->number : "", num_px, PAGE_SPAN_BOLD, 0, 0, 0,
                 C_TEXT, 1);
    int cw = lw > nw ? lw : nw;
    int used = x - margin - in->shift_x;
    if (used + cw > avail)
      break;
    if (shown) {
      /* A thin separator between hotlines. */
      struct box *sep = &boxes[n < CAP ? n++ : CAP - 1];
      memset(sep, 0, sizeof *sep);
      sep->kind = BOX_FILL;
      int sx = x - gap / 2;
      sep->r = (SDL_Rect){rtl ? w - sx - 2 : sx, top + bh / 5, 2, bh * 3 / 5};
      sep->color = C_SEP;
      sep->block = -1;
    }
    int bx = rtl ? w - x - cw : x;
    put(f, boxes, &n, CAP, hl->label ? hl->label : "", label_px, 0, rtl, rtl ? bx + cw - lw : bx,
        label_top, C_LABEL, 0);
    put(f, boxes, &n, CAP, hl->number ? hl->number : "", num_px, PAGE_SPAN_BOLD, 0,
        rtl ? bx + cw - nw : bx, num_top, C_TEXT, 0);
    x += cw + gap;
    shown++;
  }
  paint_boxes(f, page, boxes, n, NULL);
  for (size_t i = 0; i < n; i++)
    free(boxes[i].text);
  return shown;
}
