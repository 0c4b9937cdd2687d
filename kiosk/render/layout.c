/* layout.c — turns a page into boxes for one screen size.
 *
 * Sizes come from the screen's short side: body text starts at 1/19 of it
 * and may shrink to 1/30 (36 px on a 1080-line screen: about 11 mm capitals
 * on a 43-inch panel, readable from three metres), never below 16 px. The
 * page is built as a column of flow items (a line of text, an image, a row
 * of statistics, a hotline card), each with the gap above it; items are
 * then filled into the content area. If they do not fit at the starting
 * size the size steps down; at the minimum, the rest flows onto
 * continuation parts that repeat the heading.
 *
 * Landscape pages with an image put it in a side column; portrait pages
 * (and layout: image-top) stack it under the heading. */
#include "render/layout.h"
#include "core/grow.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render/text.h"

/* The theme. Contrast on the page background: text 16:1, heading 11:1,
 * accent 6.6:1, muted 8.6:1; footer text 14:1 — all above WCAG AA. */
static const SDL_Color C_BG = {0xFB, 0xFA, 0xF7, 0xFF};
static const SDL_Color C_TEXT = {0x1C, 0x1C, 0x1C, 0xFF};
static const SDL_Color C_HEAD = {0x0B, 0x3A, 0x66, 0xFF};
static const SDL_Color C_ACCENT = {0x0B, 0x5C, 0xAD, 0xFF};
static const SDL_Color C_MUTED = {0x4A, 0x4A, 0x4A, 0xFF};
static const SDL_Color C_CARD = {0xEC, 0xF1, 0xF6, 0xFF};

int layout_lang_rtl(const char *lang)
{
  static const char *const rtl[] = {"fa", "prs", "ar", "ps", "ur", "he", "ug", NULL};
  if (!lang)
    return 0;
  for (int i = 0; rtl[i]; i++) {
    size_t n = strlen(rtl[i]);
    if (!strncmp(lang, rtl[i], n) && (lang[n] == '\0' || lang[n] == '-'))
      return 1;
  }
  return 0;
}

int layout_band_height(int w, int h)
{
  int s = w < h ? w : h;
  return s / 10 > 64 ? s / 10 : 64; /* hotline numbers stay legible on small screens */
}

int layout_min_body_px(int w, int h)
{
  int s = w < h ? w : h;
  int px = s / 30;
  return px < 16 ? 16 : px;
}

int layout_max_body_px(int w, int h)
{
  int s = w < h ? w : h;
  int px = s / 19;
  int min = layout_min_body_px(w, h);
  return px < min ? min : px;
}

/* WCAG contrast ratio of two colours. */
static double lum(SDL_Color c)
{
  double v[3] = {c.r / 255.0, c.g / 255.0, c.b / 255.0};
  for (int i = 0; i < 3; i++)
    v[i] = v[i] <= 0.03928 ? v[i] / 12.92 : pow((v[i] + 0.055) / 1.055, 2.4);
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

static double contrast(SDL_Color a, SDL_Color b)
{
  double la = lum(a), lb = lum(b);
  return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* A list of boxes that grows. */
struct boxes {
  struct box *v;
  size_t n, cap;
  int oom;
};

static struct box *boxes_add(struct boxes *b, enum box_kind kind, int block)
{
  struct box *nv = grow_array(b->v, b->n + 1, &b->cap, sizeof *nv, 32);
  if (!nv) {
    b->oom = 1;
    return NULL;
  }
  b->v = nv;
  struct box *x = &b->v[b->n++];
  memset(x, 0, sizeof *x);
  x->kind = kind;
  x->block = block;
  return x;
}

int layout_text_box(struct box *b, const struct text_run *run, int dx, int dy, SDL_Color color,
                    int px, int block)
{
  b->kind = BOX_TEXT;
  b->r = (SDL_Rect){dx + run->x, dy + run->y, run->w, run->h};
  b->baseline = dy + run->baseline;
  b->color = color;
  b->fam = run->fam;
  b->style = run->style;
  b->px = px;
  b->rtl = run->rtl;
  b->block = block;
  b->text = strdup(run->text);
  return b->text ? 0 : -1;
}

static void box_free_fields(struct box *x)
{
  free(x->text);
  free(x->path);
}

static void boxes_clear(struct boxes *b)
{
  for (size_t i = 0; i < b->n; i++)
    box_free_fields(&b->v[i]);
  free(b->v);
  memset(b, 0, sizeof *b);
}

/* One flow item: boxes relative to (column left, item top). */
struct item {
  struct boxes bx;
  int h;
  int gap;       /* space above, dropped at the top of a part */
  int keep_next; /* do not end a part after this item */
  int header;    /* repeated at the top of continuation parts */
};

struct items {
  struct item *v;
  size_t n, cap;
  int oom;
  int missing;     /* code points no font covers */
  int overflow;    /* a word had to be cut */
  char number[16]; /* the first list number wider than its column, "" if none */
};

static struct item *items_add(struct items *it, int gap)
{
  struct item *nv = grow_array(it->v, it->n + 1, &it->cap, sizeof *nv, 32);
  if (!nv) {
    it->oom = 1;
    return NULL;
  }
  it->v = nv;
  struct item *x = &it->v[it->n++];
  memset(x, 0, sizeof *x);
  x->gap = gap;
  return x;
}

static void items_clear(struct items *it)
{
  for (size_t i = 0; i < it->n; i++)
    boxes_clear(&it->v[i].bx);
  free(it->v);
  memset(it, 0, sizeof *it);
}

/* Adds the runs of lines [l0, l1) of tb to bx, shifted by (dx, dy - top of
 * line l0). */
static void add_lines(struct boxes *bx, const struct text_block *tb, size_t l0, size_t l1, int dx,
                      int dy, SDL_Color color, int px, int block)
{
  int top = tb->lines[l0].y;
  for (size_t l = l0; l < l1; l++) {
    const struct text_line *ln = &tb->lines[l];
    for (size_t r = ln->first_run; r < ln->first_run + ln->n_runs; r++) {
      const struct text_run *run = &tb->runs[r];
      if (!run->text[0])
        continue;
      struct box *x = boxes_add(bx, BOX_TEXT, block);
      if (!x)
        return;
      if (layout_text_box(x, run, dx, dy - top, color, px, block))
        bx->oom = 1;
    }
  }
}

/* Lays out text and adds it as one item per line (so a paragraph can split
 * across parts), or as a single item when whole is set. */
static int add_text(struct fonts *f, struct items *it, const struct page_span *spans, size_t n,
                    const struct text_style *st, int x, int w, SDL_Color color, int gap, int block,
                    int whole, struct kerr *e)
{
  struct text_block tb;
  int rc = text_layout(f, spans, n, st, w, &tb, e);
  if (rc)
    return rc;
  it->missing += tb.missing;
  it->overflow |= tb.overflow;
  if (whole) {
    struct item *item = items_add(it, gap);
    if (item) {
      add_lines(&item->bx, &tb, 0, tb.n_lines, x, 0, color, st->px, block);
      item->h = tb.height;
    }
  } else {
    for (size_t l = 0; l < tb.n_lines; l++) {
      struct item *item = items_add(it, l == 0 ? gap : 0);
      if (!item)
        break;
      add_lines(&item->bx, &tb, l, l + 1, x, 0, color, st->px, block);
      item->h = tb.lines[l].height;
      /* No single line alone at the foot or the head of a part. */
      item->keep_next = tb.n_lines > 1 && (l == 0 || l + 2 == tb.n_lines);
    }
  }
  text_block_free(&tb);
  return 0;
}

/* Places text into an existing item's box list at (x, y); returns its
 * height. */
static int put_text(struct fonts *f, struct items *it, struct boxes *bx, const char *s,
                    const struct text_style *st, int x, int y, int w, SDL_Color color, int block,
                    int *out_w, struct kerr *e)
{
  struct text_block tb;
  if (text_layout_plain(f, s, st, w, &tb, e))
    return -1;
  it->missing += tb.missing;
  it->overflow |= tb.overflow;
  if (tb.n_lines)
    add_lines(bx, &tb, 0, tb.n_lines, x, y, color, st->px, block);
  int h = tb.height;
  if (out_w)
    *out_w = tb.width;
  text_block_free(&tb);
  return h;
}

static struct text_style style(int px, unsigned flags, enum text_align align)
{
  return (struct text_style){px, flags, align, 1.25f, 0, 0};
}

struct ctx {
  struct fonts *f;
  const struct layout_input *in;
  int body;  /* body px */
  int col_w; /* width of the text column */
  int landscape;
  SDL_Color accent;
  int rtl; /* the page's language is written right to left */
};

/* A text style in the page's direction. */
static struct text_style sty(const struct ctx *c, int px, unsigned flags, enum text_align align)
{
  struct text_style st = style(px, flags, align);
  st.rtl = c->rtl;
  return st;
}

/* A text style for a paragraph, list item, table cell or caption: its
 * base direction comes from its own first strong character, the page's
 * only when it has none (a Dari sentence quoted on an English page reads
 * right to left and hugs the right edge). */
static struct text_style sty_auto(const struct ctx *c, int px, unsigned flags,
                                  enum text_align align)
{
  struct text_style st = sty(c, px, flags, align);
  st.dir_auto = 1;
  return st;
}

/* x of a box w wide placed at x from the start edge of the column: from
 * the left in left-to-right text, from the right in right-to-left text. */
static int mxd(const struct ctx *c, int rtl, int x, int w)
{
  return rtl ? c->col_w - x - w : x;
}

/* The same in the page's direction (the frame: cards, columns, images). */
static int mx(const struct ctx *c, int x, int w)
{
  return mxd(c, c->rtl, x, w);
}

/* Channel names of the hotlines block in the languages the kiosk serves;
 * an unknown channel is shown as written. */
static const struct {
  const char *key;
  const char *names[8]; /* en ru kk ky tg uz tk fa */
} channels[] = {
    {"phone", {"phone", "телефон", "телефон", "телефон", "телефон", "telefon", "telefon", "تلفن"}},
    {"mobile",
     {"mobile", "мобильный", "ұялы телефон", "мобилдик", "мобилӣ", "mobil", "mobil", "موبایل"}},
    {"whatsapp",
     {"WhatsApp", "WhatsApp", "WhatsApp", "WhatsApp", "WhatsApp", "WhatsApp", "WhatsApp",
      "واتس‌اپ"}},
    {"instagram",
     {"Instagram", "Instagram", "Instagram", "Instagram", "Instagram", "Instagram", "Instagram",
      "اینستاگرام"}},
    {"telegram",
     {"Telegram", "Telegram", "Telegram", "Telegram", "Telegram", "Telegram", "Telegram",
      "تلگرام"}},
};
static const char *const channel_langs[8] = {"en", "ru", "kk", "ky", "tg", "uz", "tk", "fa"};

static const char *channel_label(const char *ch, const char *lang)
{
  if (!ch || !*ch)
    return "";
  int li = 0;
  for (int i = 0; lang && i < 8; i++)
    if (!strcmp(lang, channel_langs[i]))
      li = i;
  for (size_t k = 0; k < sizeof channels / sizeof channels[0]; k++)
    if (!strcasecmp(ch, channels[k].key))
      return channels[k].names[li];
  return ch;
}

static int text_width(struct fonts *f, const char *s, int px, unsigned flags)
{
  struct text_style st = style(px, flags, TEXT_ALIGN_START);
  struct text_block tb;
  if (text_layout_plain(f, s, &st, 1 << 20, &tb, NULL))
    return 0;
  int w = tb.width;
  text_block_free(&tb);
  return w;
}

static int build_stats(struct ctx *c, struct items *it, const struct page_block *b, int bi,
                       struct kerr *e)
{
  int n = (int)b->n_rows;
  int cols = c->col_w > c->body * 24 ? 4 : c->col_w > c->body * 14 ? 3 : 2;
  if (cols > n)
    cols = n;
  int gutter = c->body;
  int cell_w = (c->col_w - gutter * (cols - 1)) / cols;
  int num_px = c->body * 2;
  for (int r0 = 0; r0 < n; r0 += cols) {
    struct item *item = items_add(it, r0 == 0 ? c->body : c->body / 2);
    if (!item)
      return KERR_NOMEM;
    int row_h = 0;
    int pad = c->body / 2;
    for (int k = 0; k < cols && r0 + k < n; k++) {
      const struct page_row *row = &b->rows[r0 + k];
      int x = k * (cell_w + gutter);
      struct box *card = boxes_add(&item->bx, BOX_FILL, bi);
      if (!card)
        return KERR_NOMEM;
      size_t card_i = item->bx.n - 1;
      struct text_style ns = sty(c, num_px, PAGE_SPAN_BOLD, TEXT_ALIGN_CENTER);
      struct text_style ls = sty(c, c->body * 9 / 10, 0, TEXT_ALIGN_CENTER);
      int h1 =
          put_text(c->f, it, &item->bx, row->n_cells > 0 ? row->cells[0] : "", &ns,
                   mx(c, x + pad, cell_w - 2 * pad), pad, cell_w - 2 * pad, c->accent, bi, NULL, e);
      if (h1 < 0)
        return KERR_NOMEM;
      int h2 = put_text(c->f, it, &item->bx, row->n_cells > 1 ? row->cells[1] : "", &ls,
                        mx(c, x + pad, cell_w - 2 * pad), pad + h1, cell_w - 2 * pad, C_TEXT, bi,
                        NULL, e);
      if (h2 < 0)
        return KERR_NOMEM;
      int h = pad + h1 + h2 + pad;
      if (h > row_h)
        row_h = h;
      item->bx.v[card_i].r = (SDL_Rect){mx(c, x, cell_w), 0, cell_w, 0};
      item->bx.v[card_i].color = C_CARD;
    }
    for (size_t i = 0; i < item->bx.n; i++)
      if (item->bx.v[i].kind == BOX_FILL)
        item->bx.v[i].r.h = row_h;
    item->h = row_h;
  }
  return 0;
}

/* Hotlines are the page's largest type. Cards go in a grid as wide as the
 * numbers allow; a number is never wrapped: the size shrinks until the
 * widest number fits its card (down to 1.2x body, then one card a row). */
static int build_hotlines(struct ctx *c, struct items *it, const struct page_block *b, int bi,
                          struct kerr *e)
{
  int pad = c->body * 2 / 3;
  int n = (int)b->n_rows;
  int gutter = c->body * 2 / 3;
  int widest = 0; /* at 100 px */
  for (int r = 0; r < n; r++) {
    int w =
        text_width(c->f, b->rows[r].n_cells > 1 ? b->rows[r].cells[1] : "", 100, PAGE_SPAN_BOLD);
    if (w > widest)
      widest = w;
  }
  int cols = 1, num_px = c->body * 2;
  for (int k = n < 3 ? n : 3; k >= 1; k--) {
    int cell = (c->col_w - gutter * (k - 1)) / k - 2 * pad;
    int px = widest ? cell * 100 / widest : num_px;
    if (px >= c->body * 17 / 10 || k == 1) {
      cols = k;
      num_px = px < c->body * 2 ? px : c->body * 2;
      break;
    }
  }
  if (num_px < c->body)
    num_px = c->body; /* reported as overflow by the text layout if it still does not fit */
  int cell_w = (c->col_w - gutter * (cols - 1)) / cols;
  for (int r0 = 0; r0 < n; r0 += cols) {
    struct item *item = items_add(it, r0 == 0 ? c->body : gutter);
    if (!item)
      return KERR_NOMEM;
    int row_h = 0;
    for (int k = 0; k < cols && r0 + k < n; k++) {
      const struct page_row *row = &b->rows[r0 + k];
      int x = k * (cell_w + gutter);
      if (!boxes_add(&item->bx, BOX_FILL, bi))
        return KERR_NOMEM;
      size_t card_i = item->bx.n - 1;
      item->bx.v[card_i].color = C_CARD;
      char head[512];
      const char *country = row->n_cells > 0 ? row->cells[0] : "";
      const char *ch = row->n_cells > 2 ? channel_label(row->cells[2], c->in->lang) : "";
      snprintf(head, sizeof head, "%s%s%s", country, *ch ? " \xC2\xB7 " : "", ch);
      struct text_style hs = sty(c, c->body, 0, TEXT_ALIGN_START);
      struct text_style ns = sty(c, num_px, PAGE_SPAN_BOLD, TEXT_ALIGN_START);
      ns.line_spacing = 1.1f;
      int inner = cell_w - 2 * pad;
      int h1 = put_text(c->f, it, &item->bx, head, &hs, mx(c, x + pad, inner), pad, inner, C_MUTED,
                        bi, NULL, e);
      if (h1 < 0)
        return KERR_NOMEM;
      int h2 = put_text(c->f, it, &item->bx, row->n_cells > 1 ? row->cells[1] : "", &ns,
                        mx(c, x + pad, inner), pad + h1, inner, c->accent, bi, NULL, e);
      if (h2 < 0)
        return KERR_NOMEM;
      int h = pad + h1 + h2 + pad;
      if (h > row_h)
        row_h = h;
      item->bx.v[card_i].r = (SDL_Rect){mx(c, x, cell_w), 0, cell_w, 0};
    }
    for (size_t i = 0; i < item->bx.n; i++)
      if (item->bx.v[i].kind == BOX_FILL)
        item->bx.v[i].r.h = row_h;
    item->h = row_h;
  }
  return 0;
}

static int build_contacts(struct ctx *c, struct items *it, const struct page_block *b, int bi,
                          struct kerr *e)
{
  for (size_t r = 0; r < b->n_rows; r++) {
    const struct page_row *row = &b->rows[r];
    struct item *item = items_add(it, r == 0 ? c->body : c->body / 3);
    if (!item)
      return KERR_NOMEM;
    struct text_style cs = sty(c, c->body, PAGE_SPAN_BOLD, TEXT_ALIGN_START);
    struct text_style ms = sty(c, c->body, 0, TEXT_ALIGN_START);
    const char *country = row->n_cells > 0 ? row->cells[0] : "";
    const char *mail = row->n_cells > 1 ? row->cells[1] : "";
    int cw = 0;
    int label_w = c->col_w * 2 / 5;
    int h1 = put_text(c->f, it, &item->bx, country, &cs, mx(c, 0, label_w - c->body / 2), 0,
                      label_w - c->body / 2, C_TEXT, bi, &cw, e);
    if (h1 < 0)
      return KERR_NOMEM;
    int h2 = put_text(c->f, it, &item->bx, mail, &ms, mx(c, label_w, c->col_w - label_w), 0,
                      c->col_w - label_w, c->accent, bi, NULL, e);
    if (h2 < 0)
      return KERR_NOMEM;
    item->h = h1 > h2 ? h1 : h2;
  }
  return 0;
}

static int build_qr(struct ctx *c, struct items *it, const struct page_block *b, int bi,
                    struct kerr *e)
{
  for (size_t r = 0; r < b->n_rows; r++) {
    const struct page_row *row = &b->rows[r];
    struct item *item = items_add(it, c->body);
    if (!item)
      return KERR_NOMEM;
    int side = c->body * 6;
    if (side > c->col_w / 2)
      side = c->col_w / 2;
    struct box *q = boxes_add(&item->bx, BOX_QR, bi);
    if (!q)
      return KERR_NOMEM;
    q->r = (SDL_Rect){mx(c, 0, side), 0, side, side};
    q->text = strdup(row->n_cells > 0 ? row->cells[0] : "");
    q->color = C_TEXT;
    struct text_style ls = sty(c, c->body, 0, TEXT_ALIGN_START);
    const char *label = row->n_cells > 1 ? row->cells[1] : row->n_cells > 0 ? row->cells[0] : "";
    int h =
        put_text(c->f, it, &item->bx, label, &ls, mx(c, side + c->body, c->col_w - side - c->body),
                 side / 2 - c->body, c->col_w - side - c->body, C_TEXT, bi, NULL, e);
    if (h < 0)
      return KERR_NOMEM;
    item->h = side;
  }
  return 0;
}

/* A table: columns as wide as their content needs, shrunk in proportion
 * when the total is too wide (cells then wrap at word boundaries); one flow
 * item per row so a long table continues on the next part. */
static int build_table(struct ctx *c, struct items *it, const struct page_block *b, int bi,
                       struct kerr *e)
{
  size_t ncols = 0;
  for (size_t r = 0; r < b->n_rows; r++)
    if (b->rows[r].n_cells > ncols)
      ncols = b->rows[r].n_cells;
  if (!ncols)
    return 0;
  if (ncols > 12)
    ncols = 12;
  int pad = c->body / 3;
  int natural[12] = {0};
  for (size_t r = 0; r < b->n_rows; r++)
    for (size_t k = 0; k < b->rows[r].n_cells && k < ncols; k++) {
      int w =
          text_width(c->f, b->rows[r].cells[k], c->body, (int)r < b->level ? PAGE_SPAN_BOLD : 0) +
          2 * pad;
      if (w > natural[k])
        natural[k] = w;
    }
  long total = 0;
  for (size_t k = 0; k < ncols; k++)
    total += natural[k];
  int widths[12];
  int avail = c->col_w;
  for (size_t k = 0; k < ncols; k++) {
    if (total <= avail)
      widths[k] = natural[k] + (int)((avail - total) * natural[k] / (total ? total : 1));
    else
      widths[k] = (int)((long)avail * natural[k] / total);
    if (widths[k] < 2 * pad + c->body)
      widths[k] = 2 * pad + c->body;
  }
  for (size_t r = 0; r < b->n_rows; r++) {
    int head = (int)r < b->level;
    struct item *item = items_add(it, r == 0 ? c->body * 3 / 5 : 0);
    if (!item)
      return KERR_NOMEM;
    item->keep_next = head; /* a header row stays with the rows it heads */
    struct box *bg = boxes_add(&item->bx, BOX_FILL, bi);
    if (!bg)
      return KERR_NOMEM;
    size_t bg_i = item->bx.n - 1;
    int x = 0, row_h = 0;
    struct text_style st = sty_auto(c, c->body, head ? PAGE_SPAN_BOLD : 0, TEXT_ALIGN_START);
    for (size_t k = 0; k < ncols; k++) {
      const char *cell = k < b->rows[r].n_cells ? b->rows[r].cells[k] : "";
      int inner = widths[k] - 2 * pad;
      int h = put_text(c->f, it, &item->bx, cell, &st, mx(c, x + pad, inner), pad, inner,
                       head ? C_HEAD : C_TEXT, bi, NULL, e);
      if (h < 0)
        return KERR_NOMEM;
      if (h + 2 * pad > row_h)
        row_h = h + 2 * pad;
      x += widths[k];
    }
    item->h = row_h;
    int w = x < c->col_w ? x : c->col_w;
    item->bx.v[bg_i].r = (SDL_Rect){mx(c, 0, w), 0, w, row_h};
    item->bx.v[bg_i].color = head || (r - (size_t)b->level) % 2 == 1 ? C_CARD : C_BG;
    if (head) {
      struct box *rule = boxes_add(&item->bx, BOX_FILL, bi);
      if (!rule)
        return KERR_NOMEM;
      int rh = c->body / 12 > 2 ? c->body / 12 : 2;
      rule->r = (SDL_Rect){mx(c, 0, w), row_h - rh, w, rh};
      rule->color = C_HEAD;
    }
  }
  return 0;
}

/* Whether href is something a phone can open from a QR code. */
static int scannable(const char *href)
{
  return href &&
      (!strncmp(href, "https://", 8) || !strncmp(href, "http://", 7) ||
       !strncmp(href, "mailto:", 7) || !strncmp(href, "tel:", 4));
}

/* Nobody can click a wall: each link of a block is shown again after it as
 * a QR code beside its address. */
static int add_link_codes(struct ctx *c, struct items *it, const struct page_block *b, int bi,
                          struct kerr *e)
{
  for (size_t i = 0; i < b->n_spans; i++) {
    const char *href = b->spans[i].href;
    if (!(b->spans[i].flags & PAGE_SPAN_LINK) || !scannable(href))
      continue;
    int dup = 0;
    for (size_t k = 0; k < i; k++)
      if (b->spans[k].href && !strcmp(b->spans[k].href, href))
        dup = 1;
    if (dup)
      continue;
    struct item *item = items_add(it, c->body / 2);
    if (!item)
      return KERR_NOMEM;
    int short_side = c->in->w < c->in->h ? c->in->w : c->in->h;
    int side = c->body * 4 > short_side / 5 ? c->body * 4 : short_side / 5;
    if (side > c->col_w / 2)
      side = c->col_w / 2;
    struct box *q = boxes_add(&item->bx, BOX_QR, bi);
    if (!q)
      return KERR_NOMEM;
    q->r = (SDL_Rect){mx(c, 0, side), 0, side, side};
    q->text = strdup(href);
    q->color = C_TEXT;
    const char *shown = href;
    if (!strncmp(shown, "https://", 8))
      shown += 8;
    else if (!strncmp(shown, "http://", 7))
      shown += 7;
    else if (!strncmp(shown, "mailto:", 7))
      shown += 7;
    else if (!strncmp(shown, "tel:", 4))
      shown += 4;
    struct text_style ls = sty(c, c->body, 0, TEXT_ALIGN_START);
    ls.rtl = 0; /* an address reads left to right */
    if (c->rtl)
      ls.align = TEXT_ALIGN_END;
    int lw = c->col_w - side - c->body;
    int h = put_text(c->f, it, &item->bx, shown, &ls, mx(c, side + c->body, lw), 0, lw, c->accent,
                     bi, NULL, e);
    if (h < 0)
      return KERR_NOMEM;
    /* Centre the address on the code. */
    for (size_t k = 0; k < item->bx.n; k++)
      if (item->bx.v[k].kind == BOX_TEXT) {
        item->bx.v[k].r.y += (side - h) / 2;
        item->bx.v[k].baseline += (side - h) / 2;
      }
    item->h = side > h ? side : h;
  }
  return 0;
}

static int find_image(const struct page *p)
{
  for (size_t i = 0; i < p->n_blocks; i++)
    if (p->blocks[i].type == PAGE_IMAGE && p->blocks[i].src && p->blocks[i].src[0])
      return (int)i;
  return -1;
}

/* Width of the widest number of the ordered list block i belongs to (the
 * run of list items around it, same nesting level): the largest number,
 * since digits have one width in the fonts we ship. */
static int list_number_width(const struct ctx *c, const struct page *p, size_t i)
{
  size_t a = i, z = i;
  while (a > 0 && p->blocks[a - 1].type == PAGE_LIST_ITEM)
    a--;
  while (z + 1 < p->n_blocks && p->blocks[z + 1].type == PAGE_LIST_ITEM)
    z++;
  int level = p->blocks[i].level;
  int widest = 0;
  int max_num = p->blocks[i].number, min_num = p->blocks[i].number;
  for (size_t k = a; k <= z; k++)
    if (p->blocks[k].ordered && p->blocks[k].level == level) {
      if (p->blocks[k].number > max_num)
        max_num = p->blocks[k].number;
      if (p->blocks[k].number < min_num)
        min_num = p->blocks[k].number;
    }
  char num[16];
  /* A negative start can be the wider one ("-10." against "9."). */
  int ends[2] = {max_num, min_num};
  for (int k = 0; k < 2; k++) {
    snprintf(num, sizeof num, "%d.", ends[k]);
    int w = text_width(c->f, num, c->body, PAGE_SPAN_BOLD);
    if (w > widest)
      widest = w;
  }
  return widest;
}

/* Image + caption as one item of width w and at most max_h tall. */
/* The size of the picture src, as the caller finds it. */
static int image_size(const struct layout_input *in, const char *src, int *w, int *h)
{
  if (!in->image_size || in->image_size(in->root, src, w, h) != 0 || *w <= 0 || *h <= 0)
    return -1;
  return 0;
}

static int build_image(struct ctx *c, struct items *it, const struct page_block *b, int bi, int w,
                       int max_h, int gap, struct kerr *e)
{
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", c->in->root, b->src);
  int iw = 0, ih = 0;
  struct item *item = items_add(it, gap);
  if (!item)
    return KERR_NOMEM;
  struct text_style cs = sty_auto(c, c->body * 4 / 5, PAGE_SPAN_ITALIC, TEXT_ALIGN_START);
  if (image_size(c->in, b->src, &iw, &ih) != 0) {
    /* Missing or broken image: say so in its place, readably. */
    (void)e;
    int h = put_text(c->f, it, &item->bx, b->caption && *b->caption ? b->caption : b->src, &cs, 0,
                     0, w, C_MUTED, bi, NULL, e);
    item->h = h > 0 ? h : 0;
    return 1; /* reported by the caller */
  }
  /* Caption height first, so the picture takes what remains. */
  struct text_block tb = {0};
  int cap_h = 0;
  if (b->caption && *b->caption) {
    if (text_layout_plain(c->f, b->caption, &cs, w, &tb, e) == 0)
      cap_h = tb.height + c->body / 3;
  }
  int img_h = (int)((double)w * ih / iw);
  int img_w = w;
  int cover = c->in->page->image_fit == PAGE_IMAGE_COVER;
  if (img_h > max_h - cap_h) {
    img_h = max_h - cap_h;
    if (img_h < c->body * 3)
      img_h = c->body * 3;
    /* Contain keeps the whole picture (narrower); cover keeps the width
     * and crops top and bottom. */
    if (!cover)
      img_w = (int)((double)img_h * iw / ih);
    if (img_w > w)
      img_w = w;
  }
  struct box *x = boxes_add(&item->bx, BOX_IMAGE, bi);
  if (x) {
    x->r = (SDL_Rect){mx(c, 0, img_w), 0, img_w, img_h};
    x->path = strdup(path);
    x->cover = cover;
  }
  if (tb.n_lines) {
    add_lines(&item->bx, &tb, 0, tb.n_lines, 0, img_h + c->body / 3, C_MUTED, cs.px, bi);
    it->missing += tb.missing;
  }
  text_block_free(&tb);
  item->h = img_h + cap_h;
  return 0;
}

/* Builds every flow item for the text column. The image, when it goes in a
 * side column, is skipped here. */
static int build_items(struct ctx *c, struct items *it, int side_image, int stack_image_max_h,
                       struct kerr *e)
{
  const struct page *p = c->in->page;
  int head_done = 0;
  int img = find_image(p);
  int hero_done = side_image || img < 0;
  for (size_t i = 0; i < p->n_blocks; i++) {
    const struct page_block *b = &p->blocks[i];
    int bi = (int)i;
    int rc = 0;
    /* Stacked: the page's first image goes right under the heading. */
    if (!hero_done && b->type != PAGE_HEADING) {
      hero_done = 1;
      rc = build_image(c, it, &p->blocks[img], img, c->col_w, stack_image_max_h,
                       it->n ? c->body * 3 / 4 : 0, e);
      if (rc < 0)
        return rc;
      rc = 0;
      /* The picture introduces the text: never alone at the foot of a part. */
      if (it->n)
        it->v[it->n - 1].keep_next = 1;
    }
    switch (b->type) {
    case PAGE_HEADING: {
      int lvl = b->level;
      int px = lvl <= 1 ? c->body * 8 / 5 : lvl == 2 ? c->body * 5 / 4 : c->body * 11 / 10;
      struct text_style st = sty_auto(c, px, PAGE_SPAN_BOLD, TEXT_ALIGN_START);
      st.line_spacing = 1.15f;
      int gap = it->n == 0 ? 0 : lvl <= 2 ? c->body : c->body * 3 / 4;
      rc = add_text(c->f, it, b->spans, b->n_spans, &st, 0, c->col_w, lvl <= 1 ? c->accent : C_HEAD,
                    gap, bi, 1, e);
      if (!rc && it->n) {
        it->v[it->n - 1].keep_next = 1;
        /* The opening heading(s) head every continuation part. */
        if (!head_done && (i == 0 || (i == 1 && p->blocks[0].type == PAGE_HEADING)))
          it->v[it->n - 1].header = 1;
      }
      break;
    }
    case PAGE_PARAGRAPH:
    case PAGE_QUOTE: {
      head_done = 1;
      struct text_style st =
          sty_auto(c, c->body, b->type == PAGE_QUOTE ? PAGE_SPAN_ITALIC : 0, TEXT_ALIGN_START);
      int brtl = text_base_rtl(b->spans, b->n_spans, c->rtl);
      int indent = b->type == PAGE_QUOTE ? c->body : 0;
      size_t first = it->n;
      rc = add_text(c->f, it, b->spans, b->n_spans, &st, mxd(c, brtl, indent, c->col_w - indent),
                    c->col_w - indent, b->type == PAGE_QUOTE ? C_MUTED : C_TEXT,
                    it->n ? c->body * 3 / 5 : 0, bi, 0, e);
      if (!rc && b->type == PAGE_QUOTE)
        for (size_t k = first; k < it->n; k++) {
          struct box *bar = boxes_add(&it->v[k].bx, BOX_FILL, bi);
          if (bar) {
            int bw = c->body / 6 > 2 ? c->body / 6 : 2;
            bar->r = (SDL_Rect){mxd(c, brtl, 0, bw), 0, bw, it->v[k].h};
            bar->color = c->accent;
          }
        }
      break;
    }
    case PAGE_LIST_ITEM: {
      head_done = 1;
      struct text_style st = sty_auto(c, c->body, 0, TEXT_ALIGN_START);
      /* The whole item, marker included, follows its own direction. */
      int brtl = text_base_rtl(b->spans, b->n_spans, c->rtl);
      int level = b->level > 0 ? b->level : 1;
      int indent = (level - 1) * c->body * 6 / 5;
      int hang = c->body * 6 / 5;
      int num_col = hang;
      char marker[16];
      if (b->ordered) {
        /* A number column as wide as the list's widest number, numbers
         * flush against the text; very long numbers are capped and
         * reported rather than allowed to eat the line. */
        snprintf(marker, sizeof marker, "%d.", b->number);
        int gap = c->body * 3 / 10;
        int widest = list_number_width(c, p, i);
        if (widest + gap > hang)
          hang = widest + gap;
        int cap = c->body * 4 < (c->col_w - indent) / 3 ? c->body * 4 : (c->col_w - indent) / 3;
        if (hang > cap)
          hang = cap;
        num_col = hang - gap;
      } else {
        snprintf(marker, sizeof marker, "%s", level == 1 ? "\xE2\x80\xA2" : "\xE2\x80\x93");
      }
      size_t first = it->n;
      int prev_list = i > 0 && p->blocks[i - 1].type == PAGE_LIST_ITEM;
      rc = add_text(c->f, it, b->spans, b->n_spans, &st,
                    mxd(c, brtl, indent + hang, c->col_w - indent - hang), c->col_w - indent - hang,
                    C_TEXT, it->n ? (prev_list ? c->body * 2 / 5 : c->body * 3 / 5) : 0, bi, 0, e);
      if (!rc && it->n > first) {
        struct text_style ms =
            sty(c, c->body, PAGE_SPAN_BOLD, b->ordered ? TEXT_ALIGN_END : TEXT_ALIGN_START);
        ms.rtl = brtl;
        int mw = 0;
        int overflow = it->overflow;
        put_text(c->f, it, &it->v[first].bx, marker, &ms, mxd(c, brtl, indent, num_col), 0, num_col,
                 c->accent, bi, &mw, e);
        if (b->ordered && (mw > num_col || (it->overflow && !overflow)) && !it->number[0])
          snprintf(it->number, sizeof it->number, "%s", marker);
      }
      break;
    }
    case PAGE_IMAGE:
      head_done = 1;
      if ((int)i == img)
        break; /* placed in the side column or under the heading */
      rc = build_image(c, it, b, bi, c->col_w, stack_image_max_h, it->n ? c->body : 0, e);
      if (rc > 0)
        rc = 0;
      break;
    case PAGE_STATS:
      head_done = 1;
      rc = build_stats(c, it, b, bi, e);
      break;
    case PAGE_HOTLINES:
      head_done = 1;
      rc = build_hotlines(c, it, b, bi, e);
      break;
    case PAGE_CONTACTS:
      head_done = 1;
      rc = build_contacts(c, it, b, bi, e);
      break;
    case PAGE_QR:
      head_done = 1;
      rc = build_qr(c, it, b, bi, e);
      break;
    case PAGE_TABLE:
      head_done = 1;
      rc = build_table(c, it, b, bi, e);
      break;
    case PAGE_RULE: {
      head_done = 1;
      struct item *item = items_add(it, c->body / 2);
      if (item) {
        struct box *x = boxes_add(&item->bx, BOX_FILL, bi);
        if (x) {
          x->r = (SDL_Rect){0, 0, c->col_w, c->body / 12 > 1 ? c->body / 12 : 1};
          x->color = C_MUTED;
        }
        item->h = c->body / 2;
      }
      break;
    }
    }
    if (rc >= 0 &&
        (b->type == PAGE_PARAGRAPH || b->type == PAGE_LIST_ITEM || b->type == PAGE_QUOTE))
      rc = add_link_codes(c, it, b, bi, e);
    if (rc < 0)
      return rc;
    if (it->oom)
      return kerr_set(e, KERR_NOMEM, "out of memory laying out the page");
  }
  for (size_t i = 0; i < it->n; i++)
    if (it->v[i].bx.oom)
      return kerr_set(e, KERR_NOMEM, "out of memory laying out the page");
  return 0;
}

/* Fills parts greedily, each at most cap pixels tall (a part holds at
 * least one item). Fills starts[] with the first item of each part and
 * returns the part count. Header items are repeated, so their height
 * counts on later parts too. With strict set, a part that can only end
 * after an item that must stay with the next one makes the cap fail
 * (returns max_parts + 1); else such a part is cut there all the same. */
static int fill_parts(const struct items *it, int cap, int header_h, size_t *starts, int max_parts,
                      int strict)
{
  int parts = 0;
  size_t i = 0;
  while (i < it->n && parts < max_parts) {
    starts[parts++] = i;
    int y = parts > 1 ? header_h : 0;
    int placed = 0;
    size_t last_ok = i; /* last index after which we may break */
    size_t j = i;
    for (; j < it->n; j++) {
      int gap = (placed || parts > 1) ? it->v[j].gap : 0;
      if (placed && y + gap + it->v[j].h > cap)
        break;
      y += gap + it->v[j].h;
      placed++;
      if (!it->v[j].keep_next)
        last_ok = j + 1;
    }
    if (j < it->n && last_ok > i && last_ok < j)
      j = last_ok;
    else if (strict && j < it->n && last_ok != j)
      return max_parts + 1;
    if (j == i)
      j = i + 1; /* an item taller than the page: it stands alone */
    i = j;
  }
  return i < it->n ? max_parts + 1 : parts;
}

/* Splits the items into parts of at most avail_h pixels: as few parts as
 * fit, of heights as similar as can be — the smallest part height for
 * which a greedy fill still needs no more parts — so a continuation part
 * never holds a last line on an empty screen when the lines can be shared
 * out. Fills starts[] and returns the part count; *forced tells whether
 * a part had to end after an item meant to stay with the next one (a
 * heading, the first line of a paragraph). */
static int paginate(const struct items *it, int avail_h, size_t *starts, int max_parts, int *forced)
{
  *forced = 0;
  int header_h = 0;
  for (size_t i = 0; i < it->n && it->v[i].header; i++)
    header_h += it->v[i].h + (i ? it->v[i].gap : 0);
  int parts = fill_parts(it, avail_h, header_h, starts, max_parts, 0);
  if (parts <= 1 || parts > max_parts)
    return parts > max_parts ? max_parts : parts;
  int lo = 1, hi = avail_h;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (fill_parts(it, mid, header_h, starts, max_parts, 1) <= parts)
      hi = mid;
    else
      lo = mid + 1;
  }
  if (fill_parts(it, hi, header_h, starts, max_parts, 1) <= parts)
    return fill_parts(it, hi, header_h, starts, max_parts, 1);
  *forced = 1;
  return fill_parts(it, avail_h, header_h, starts, max_parts, 0);
}

/* Block index of a flow item (-1 for none). */
static int item_block(const struct item *x)
{
  for (size_t k = 0; k < x->bx.n; k++)
    if (x->bx.v[k].block >= 0)
      return x->bx.v[k].block;
  return -1;
}

/* Whether the items [from, to) of a continuation part are one item
 * alone: a single line of text or table row, or the lines of a single
 * list item. (A picture, a row of cards or a code may stand alone.) */
static int lone_part(const struct items *it, const struct page *p, size_t from, size_t to)
{
  if (to <= from)
    return 0;
  int block = item_block(&it->v[from]);
  for (size_t i = from + 1; i < to; i++)
    if (item_block(&it->v[i]) != block)
      return 0;
  if (block < 0 || (size_t)block >= p->n_blocks)
    return 0;
  enum page_block_type t = p->blocks[block].type;
  if (t == PAGE_LIST_ITEM)
    return 1;
  return to - from == 1 && (t == PAGE_PARAGRAPH || t == PAGE_QUOTE || t == PAGE_TABLE);
}

static int total_height(const struct items *it)
{
  int y = 0;
  for (size_t i = 0; i < it->n; i++)
    y += (i ? it->v[i].gap : 0) + it->v[i].h;
  return y;
}

/* Scales every gap to pct percent: at the smallest size, tighter spacing
 * is better than a continuation part with two lines on it. */
static void scale_gaps(struct items *it, int pct)
{
  for (size_t i = 0; i < it->n; i++)
    it->v[i].gap = it->v[i].gap * pct / 100;
}

static void add_problem(struct layout *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add_problem(struct layout *l, const char *fmt, ...)
{
  struct layout_problem *np = realloc(l->problems, (l->n_problems + 1) * sizeof *np);
  if (!np)
    return;
  l->problems = np;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->problems[l->n_problems++].msg, sizeof np->msg, fmt, ap);
  va_end(ap);
}

void layout_free(struct layout *l)
{
  if (!l)
    return;
  for (size_t i = 0; i < l->n_boxes; i++)
    box_free_fields(&l->boxes[i]);
  free(l->boxes);
  free(l->problems);
  free(l);
}

/* Moves the boxes of item src into dst, offset by (dx, dy). */
static void place_item(struct boxes *dst, struct item *src, int dx, int dy, int copy)
{
  for (size_t k = 0; k < src->bx.n; k++) {
    struct box *x = boxes_add(dst, src->bx.v[k].kind, src->bx.v[k].block);
    if (!x)
      return;
    *x = src->bx.v[k];
    x->r.x += dx;
    x->r.y += dy;
    x->baseline += dy;
    if (copy) {
      x->text = src->bx.v[k].text ? strdup(src->bx.v[k].text) : NULL;
      x->path = src->bx.v[k].path ? strdup(src->bx.v[k].path) : NULL;
    } else {
      src->bx.v[k].text = NULL;
      src->bx.v[k].path = NULL;
    }
  }
}

/* Where things go on the page: margins, the text column, and the picture
 * beside it (when the page is wide enough and asks for one). */
struct frame {
  int content_x, content_y, content_w, content_h;
  int foot_h; /* the band along the bottom */
  int gutter; /* between the text and a side picture */
  int img;    /* the block of the page's first picture, or -1 */
  int side;   /* that picture stands beside the text (first part only) */
  int image_left;
  int side_w;
  int text_x;
};

/* A pack's accent, darkened until it reads on the page (WCAG AA, 4.5:1);
 * the default accent when the pack gives none. */
static SDL_Color readable_accent(SDL_Color a)
{
  if (!a.a)
    return C_ACCENT;
  while (contrast(a, C_BG) < 4.5 && (a.r | a.g | a.b))
    a = (SDL_Color){(Uint8)(a.r * 9 / 10), (Uint8)(a.g * 9 / 10), (Uint8)(a.b * 9 / 10), 255};
  return a;
}

static void frame_init(struct frame *fr, const struct ctx *c, const struct layout_input *in)
{
  const struct page *p = in->page;
  int s = in->w < in->h ? in->w : in->h;
  int margin = s * 45 / 1000;
  fr->foot_h = layout_band_height(in->w, in->h);
  fr->content_x = margin;
  fr->content_y = margin;
  fr->content_w = in->w - 2 * margin;
  fr->content_h = in->h - fr->foot_h - 2 * margin;
  fr->gutter = margin;
  fr->img = find_image(p);
  fr->side = fr->img >= 0 && c->landscape && p->layout != PAGE_LAYOUT_TEXT &&
      p->layout != PAGE_LAYOUT_IMAGE_TOP;
  /* image-left means the start side: the right in a right-to-left page. */
  fr->image_left = fr->side && ((p->layout == PAGE_LAYOUT_IMAGE_LEFT) != c->rtl);
  fr->side_w = fr->side ? (fr->content_w - fr->gutter) * 42 / 100 : 0;
  fr->text_x = fr->content_x;
}

/* The fitting loop: the largest body size at which the text fits on one
 * part; a side picture gives way to a stacked one before the text is
 * split into parts. When parts are needed even at the minimum size, the
 * largest size that needs no more of them (nor cuts where the minimum does
 * not) is taken, so each part is full of text big enough to read from
 * across the room rather than half empty at the minimum. Fills it (the
 * flow items at the chosen size), starts and *parts. */
static int fit(struct ctx *c, struct frame *fr, int min_px, struct items *it, size_t *starts,
               int *parts, struct kerr *e)
{
  int rc = 0;
  const struct layout_input *in = c->in;
  *parts = 1;
  for (int attempt = 0; attempt < 3; attempt++) {
    if (fr->side)
      fr->side_w = (fr->content_w - fr->gutter) * (attempt == 0 ? 42 : 32) / 100;
    c->col_w = fr->side ? fr->content_w - fr->gutter - fr->side_w : fr->content_w;
    fr->text_x = fr->content_x + (fr->image_left ? fr->side_w + fr->gutter : 0);
    int fitted = 0;
    int last = !fr->side || attempt == 2; /* the arrangement that goes into parts */
    struct {
      int body, parts, forced;
    } tried[16];
    int n_tried = 0;
    for (int body = layout_max_body_px(in->w, in->h);; body = body * 93 / 100) {
      if (body < min_px)
        body = min_px;
      c->body = body;
      items_clear(it);
      rc = build_items(c, it, fr->side, fr->content_h * 45 / 100, e);
      if (rc)
        break;
      if (total_height(it) <= fr->content_h && !it->overflow) {
        *parts = 1;
        starts[0] = 0;
        fitted = 1;
        break;
      }
      if (body == min_px) {
        scale_gaps(it, 55);
        if (total_height(it) <= fr->content_h && !it->overflow) {
          *parts = 1;
          starts[0] = 0;
          fitted = 1;
        }
        break;
      }
      if (last && !it->overflow && n_tried < 16) {
        tried[n_tried].body = body;
        tried[n_tried].parts = paginate(it, fr->content_h, starts, 64, &tried[n_tried].forced);
        n_tried++;
      }
    }
    if (rc || fitted)
      return rc;
    if (last) {
      int forced = 0;
      *parts = paginate(it, fr->content_h, starts, 64, &forced);
      for (int k = 0; k < n_tried; k++)
        if (tried[k].parts <= *parts && (!tried[k].forced || forced)) {
          c->body = tried[k].body;
          items_clear(it);
          rc = build_items(c, it, fr->side, fr->content_h * 45 / 100, e);
          if (!rc)
            *parts = paginate(it, fr->content_h, starts, 64, &forced);
          break;
        }
      return rc;
    }
    if (attempt == 1) {
      fr->side = 0;
      fr->image_left = 0;
    }
  }
  return rc;
}

/* The page's ground, the band's ground (band.c paints what is on it) and
 * the text column of this part (a continuation part repeats the page's
 * header first). Returns the bottom of the text. */
static int place_text(struct layout *l, struct boxes *bx, const struct frame *fr,
                      const struct items *it, const size_t *starts, int parts, int part)
{
  struct box *bg = boxes_add(bx, BOX_FILL, -1);
  if (bg) {
    bg->r = (SDL_Rect){0, 0, l->w, l->h};
    bg->color = C_BG;
  }
  struct box *band = boxes_add(bx, BOX_FILL, -1);
  if (band) {
    band->r = (SDL_Rect){0, l->h - fr->foot_h, l->w, fr->foot_h};
    band->color = LAYOUT_BAND_BG;
  }
  size_t from = starts[part];
  size_t to = part + 1 < parts ? starts[part + 1] : it->n;
  int y = fr->content_y;
  int used = 0;
  if (part > 0)
    for (size_t i = 0; i < it->n && it->v[i].header; i++) {
      y += (i ? it->v[i].gap : 0);
      place_item(bx, &it->v[i], fr->text_x, y, 1);
      y += it->v[i].h;
      used = 1;
    }
  for (size_t i = from; i < to; i++) {
    if (used)
      y += it->v[i].gap;
    place_item(bx, &it->v[i], fr->text_x, y, 0);
    y += it->v[i].h;
    used = 1;
  }
  return y;
}

/* The side picture on the first part, vertically centred on the text when
 * the text is short, else at the top; a narrower (portrait) picture is
 * centred in its column, its caption keeps the column. */
static void place_side_image(struct ctx *c, struct layout *l, struct boxes *bx,
                             const struct frame *fr, struct items *it, int text_bottom,
                             struct kerr *e)
{
  const struct page *p = c->in->page;
  struct items sit = {0};
  int body = c->body;
  c->col_w = fr->side_w;
  int rc = build_image(c, &sit, &p->blocks[fr->img], fr->img, fr->side_w, fr->content_h, 0, e);
  c->body = body;
  if (rc > 0)
    add_problem(l, "%s:%d: image '%s' is missing or unreadable", p->name, p->blocks[fr->img].line,
                p->blocks[fr->img].src);
  if (rc >= 0 && sit.n) {
    int sx = fr->image_left ? fr->content_x : fr->content_x + fr->content_w - fr->side_w;
    int text_h = text_bottom - fr->content_y;
    int sy = fr->content_y;
    if (sit.v[0].h < text_h)
      sy = fr->content_y + (text_h - sit.v[0].h) / 2;
    /* Only the picture moves to the middle; its caption keeps the
     * column's width and side. */
    for (size_t k = 0; k < sit.v[0].bx.n; k++) {
      struct box *b = &sit.v[0].bx.v[k];
      if (b->kind == BOX_IMAGE && b->r.w < fr->side_w)
        b->r.x = (fr->side_w - b->r.w) / 2;
    }
    place_item(bx, &sit.v[0], sx, sy, 0);
  }
  it->missing += sit.missing;
  items_clear(&sit);
}

/* What the text itself tells: characters no font covers, a list number
 * too wide for its column, pictures that cannot be read. */
static void check_items(struct layout *l, const struct layout_input *in, const struct frame *fr,
                        const struct items *it)
{
  const struct page *p = in->page;
  if (it->missing)
    add_problem(l, "%s: %d character%s not covered by any font", p->name, it->missing,
                it->missing == 1 ? " is" : "s are");
  if (it->number[0])
    add_problem(l, "%s: list number '%s' does not fit its column", p->name, it->number);
  for (size_t i = 0; i < p->n_blocks; i++)
    if (p->blocks[i].type == PAGE_IMAGE && p->blocks[i].src && (int)i != fr->img) {
      int w, h;
      if (image_size(in, p->blocks[i].src, &w, &h))
        add_problem(l, "%s:%d: image '%s' is missing or unreadable", p->name, p->blocks[i].line,
                    p->blocks[i].src);
    }
}

/* Checks that need no golden image: every box on the page, text above the
 * readable minimum, nothing in the band, no two blocks overlapping
 * (reported once). */
static void check_boxes(struct layout *l, const struct layout_input *in, const struct frame *fr)
{
  const char *name = in->page->name;
  for (size_t i = 0; i < l->n_boxes; i++) {
    SDL_Rect r = l->boxes[i].r;
    if (r.x < 0 || r.y < 0 || r.x + r.w > in->w || r.y + r.h > in->h)
      add_problem(l, "%s: a box (%d,%d %dx%d) lies outside the %dx%d page", name, r.x, r.y, r.w,
                  r.h, in->w, in->h);
    if (l->boxes[i].kind == BOX_TEXT && l->boxes[i].block >= 0 &&
        l->boxes[i].px < l->min_px * 4 / 5)
      add_problem(l, "%s: text at %d px is below the readable minimum of %d px", name,
                  l->boxes[i].px, l->min_px * 4 / 5);
    if (l->boxes[i].block >= 0 && l->boxes[i].kind != BOX_FILL && r.y + r.h > in->h - fr->foot_h)
      add_problem(l, "%s: content runs into the footer band", name);
  }
  for (size_t i = 0; i < l->n_boxes; i++)
    for (size_t j = i + 1; j < l->n_boxes; j++) {
      const struct box *a = &l->boxes[i], *b = &l->boxes[j];
      if (a->block < 0 || b->block < 0 || a->block == b->block)
        continue;
      SDL_Rect x;
      if (SDL_IntersectRect(&a->r, &b->r, &x)) {
        add_problem(l, "%s: two blocks overlap at %d,%d", name, x.x, x.y);
        return;
      }
    }
}

int layout_page(struct fonts *f, const struct layout_input *in, int part, struct layout **out,
                struct kerr *e)
{
  *out = NULL;
  const struct page *p = in->page;
  struct layout *l = calloc(1, sizeof *l);
  if (!l)
    return kerr_set(e, KERR_NOMEM, "out of memory laying out %s", p->name);
  l->fonts = f;
  l->w = in->w;
  l->h = in->h;
  l->min_px = layout_min_body_px(in->w, in->h);
  struct ctx c = {
      f, in, 0, 0, in->w * 4 >= in->h * 5, readable_accent(in->accent), layout_lang_rtl(in->lang)};
  struct frame fr;
  frame_init(&fr, &c, in);
  struct items it = {0};
  size_t starts[64];
  int parts = 1;
  int rc = fit(&c, &fr, l->min_px, &it, starts, &parts, e);
  if (rc) {
    items_clear(&it);
    layout_free(l);
    return rc;
  }
  l->body_px = c.body;
  l->n_parts = parts;
  l->part = part = part >= parts ? parts - 1 : part;
  /* Said once, with the first part (lint lays out only that one). */
  for (int k = 1; part == 0 && k < parts; k++)
    if (lone_part(&it, p, starts[k], k + 1 < parts ? starts[k + 1] : it.n))
      add_problem(l, "%s: part %d of %d holds a single item alone", p->name, k + 1, parts);
  struct boxes bx = {0};
  int text_bottom = place_text(l, &bx, &fr, &it, starts, parts, part);
  if (fr.side && part == 0)
    place_side_image(&c, l, &bx, &fr, &it, text_bottom, e);
  check_items(l, in, &fr, &it);
  items_clear(&it);
  if (bx.oom) {
    boxes_clear(&bx);
    layout_free(l);
    return kerr_set(e, KERR_NOMEM, "out of memory laying out %s", p->name);
  }
  l->boxes = bx.v;
  l->n_boxes = bx.n;
  check_boxes(l, in, &fr);
  *out = l;
  return 0;
}
