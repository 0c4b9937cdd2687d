/* text.c — breaks styled text into lines.
 *
 * The text is cut into pieces, each a stretch of one style and one font
 * family (chosen by glyph coverage, so Cyrillic, Latin and Arabic script
 * each get a font that has them). Words are runs of pieces between break
 * opportunities (spaces; a no-break space U+00A0 joins). Lines are filled
 * greedily; a word wider than the whole line is the only thing ever cut
 * mid-word, and that is reported as overflow so the layout can shrink the
 * text instead. Adjacent pieces of the same font on a line are merged into
 * one run, so shaping sees whole phrases and painting draws few surfaces. */
#include "render/text.h"

#include <stdlib.h>
#include <string.h>

struct piece {
  const char *s;   /* into the span text */
  size_t n;
  unsigned flags;
  int fam;
  int space_before; /* a breakable space precedes this piece */
  int word_start;   /* first piece of a word */
  int w;
};

static int utf8_decode(const char *s, size_t n, uint32_t *cp)
{
  const unsigned char *u = (const unsigned char *)s;
  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  }
  int len = (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3 : (u[0] & 0xF8) == 0xF0 ? 4 : 1;
  if ((size_t)len > n || len == 1) {
    *cp = 0xFFFD;
    return 1;
  }
  uint32_t v = u[0] & (0x7F >> len);
  for (int i = 1; i < len; i++) {
    if ((u[i] & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    v = (v << 6) | (u[i] & 0x3F);
  }
  *cp = v;
  return len;
}

static int is_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'; }

/* Characters that take the font of their neighbours rather than forcing a
 * family change (spaces, digits and common punctuation exist in every
 * family we ship). */
static int is_neutral(uint32_t cp)
{
  return cp < 0x80 ? !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') : cp == 0xA0;
}

static enum fonts_style style_of(unsigned flags)
{
  int s = ((flags & PAGE_SPAN_BOLD) ? FONTS_BOLD : 0) | ((flags & PAGE_SPAN_ITALIC) ? FONTS_ITALIC : 0);
  return (enum fonts_style)s;
}

static int measure(TTF_Font *font, const char *s, size_t n, int *w)
{
  char tmp[512];
  char *buf = n < sizeof tmp ? tmp : malloc(n + 1);
  if (!buf)
    return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  int h = 0;
  *w = 0;
  int rc = TTF_SizeUTF8(font, buf, w, &h);
  if (buf != tmp)
    free(buf);
  return rc;
}

struct builder {
  struct piece *pieces;
  size_t n, cap;
  int missing;
};

static int add_piece(struct builder *b, const char *s, size_t n, unsigned flags, int fam,
                     int space_before, int word_start)
{
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    struct piece *np = realloc(b->pieces, cap * sizeof *np);
    if (!np)
      return -1;
    b->pieces = np;
    b->cap = cap;
  }
  b->pieces[b->n++] = (struct piece){s, n, flags, fam, space_before, word_start, 0};
  return 0;
}

/* Cuts one span into pieces. *pending_space carries a space across spans;
 * *in_word says whether the previous span ended inside a word. */
static int split_span(struct fonts *f, struct builder *b, const char *s, unsigned flags,
                      int *pending_space, int *in_word, int *fam_ctx)
{
  size_t len = strlen(s);
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    int cl = utf8_decode(s + i, len - i, &cp);
    if (is_space(cp)) {
      *pending_space = 1;
      *in_word = 0;
      i += (size_t)cl;
      continue;
    }
    /* A stretch of non-space characters in one family. */
    size_t start = i;
    int fam = -2;
    while (i < len) {
      cl = utf8_decode(s + i, len - i, &cp);
      if (is_space(cp))
        break;
      int cfam;
      if (is_neutral(cp)) {
        cfam = fam != -2 ? fam : *fam_ctx;
      } else {
        cfam = fonts_family_for(f, cp);
        if (cfam < 0) {
          b->missing++;
          cfam = fam != -2 ? fam : 0;
        }
      }
      if (fam == -2)
        fam = cfam;
      else if (cfam != fam)
        break;
      i += (size_t)cl;
    }
    if (fam < 0)
      fam = 0;
    *fam_ctx = fam;
    int word_start = !*in_word;
    if (add_piece(b, s + start, i - start, flags, fam, *pending_space && word_start, word_start))
      return -1;
    *pending_space = 0;
    *in_word = 1;
  }
  return 0;
}

static int push_run(struct text_block *out, size_t *cap, const char *s, size_t n,
                    TTF_Font *font, unsigned flags, int x, int w)
{
  if (out->n_runs == *cap) {
    size_t nc = *cap ? *cap * 2 : 32;
    struct text_run *nr = realloc(out->runs, nc * sizeof *nr);
    if (!nr)
      return -1;
    out->runs = nr;
    *cap = nc;
  }
  char *t = malloc(n + 1);
  if (!t)
    return -1;
  memcpy(t, s, n);
  t[n] = '\0';
  out->runs[out->n_runs++] = (struct text_run){t, font, x, 0, w, TTF_FontHeight(font), flags};
  return 0;
}

void text_block_free(struct text_block *b)
{
  if (!b)
    return;
  for (size_t i = 0; i < b->n_runs; i++)
    free(b->runs[i].text);
  free(b->runs);
  free(b->lines);
  memset(b, 0, sizeof *b);
}

/* Emits the pieces [first, last) as one line at y, merging neighbours that
 * share a font into single runs (with the space between them). */
static int emit_line(struct fonts *f, const struct text_style *st, struct builder *b, size_t first,
                     size_t last, int y, int max_w, struct text_block *out, size_t *run_cap,
                     size_t *line_cap)
{
  size_t run0 = out->n_runs;
  int x = 0, asc = 0, desc = 0;
  size_t i = first;
  while (i < last) {
    struct piece *p = &b->pieces[i];
    TTF_Font *font = fonts_face(f, p->fam, style_of(p->flags | st->flags), st->px);
    /* Join pieces with the same font: build the run text. */
    size_t j = i + 1;
    size_t n = p->n;
    while (j < last && b->pieces[j].fam == p->fam && b->pieces[j].flags == p->flags) {
      n += b->pieces[j].n + (b->pieces[j].space_before ? 1 : 0);
      j++;
    }
    char *t = malloc(n + 2);
    if (!t)
      return -1;
    size_t o = 0;
    if (i > first && p->space_before)
      x += 0; /* the space is accounted in the previous run's trailing gap */
    for (size_t k = i; k < j; k++) {
      if (k > i && b->pieces[k].space_before)
        t[o++] = ' ';
      memcpy(t + o, b->pieces[k].s, b->pieces[k].n);
      o += b->pieces[k].n;
    }
    if (i > first && p->space_before) {
      int sw = 0;
      measure(font, " ", 1, &sw);
      x += sw;
    }
    int w = 0;
    measure(font, t, o, &w);
    int rc = push_run(out, run_cap, t, o, font, p->flags | st->flags, x, w);
    free(t);
    if (rc)
      return -1;
    x += w;
    if (TTF_FontAscent(font) > asc)
      asc = TTF_FontAscent(font);
    if (-TTF_FontDescent(font) > desc)
      desc = -TTF_FontDescent(font);
    i = j;
  }
  int line_h = (int)((float)(asc + desc) * st->line_spacing + 0.5f);
  int lead = (line_h - (asc + desc)) / 2;
  int shift = st->align == TEXT_ALIGN_CENTER ? (max_w - x) / 2 : st->align == TEXT_ALIGN_END ? max_w - x : 0;
  if (shift < 0)
    shift = 0;
  for (size_t r = run0; r < out->n_runs; r++) {
    out->runs[r].x += shift;
    out->runs[r].y = y + lead + asc - TTF_FontAscent(out->runs[r].font);
  }
  if (out->n_lines == *line_cap) {
    size_t nc = *line_cap ? *line_cap * 2 : 8;
    struct text_line *nl = realloc(out->lines, nc * sizeof *nl);
    if (!nl)
      return -1;
    out->lines = nl;
    *line_cap = nc;
  }
  out->lines[out->n_lines++] = (struct text_line){run0, out->n_runs - run0, y, line_h, x};
  if (x > out->width)
    out->width = x;
  return line_h;
}

/* Splits piece k, which is wider than max_w on its own, at the last
 * character boundary that fits. The remainder becomes a new piece after it. */
static int cut_piece(struct fonts *f, const struct text_style *st, struct builder *b, size_t k,
                     int max_w)
{
  struct piece *p = &b->pieces[k];
  TTF_Font *font = fonts_face(f, p->fam, style_of(p->flags | st->flags), st->px);
  size_t best = 0;
  size_t i = 0;
  while (i < p->n) {
    uint32_t cp;
    size_t next = i + (size_t)utf8_decode(p->s + i, p->n - i, &cp);
    int w = 0;
    measure(font, p->s, next, &w);
    if (w > max_w && best > 0)
      break;
    best = next;
    i = next;
  }
  if (best >= p->n)
    return 0;
  struct piece rest = *p;
  rest.s += best;
  rest.n -= best;
  rest.space_before = 0;
  rest.word_start = 1;
  p->n = best;
  if (add_piece(b, "", 0, 0, 0, 0, 0))
    return -1;
  memmove(&b->pieces[k + 2], &b->pieces[k + 1], (b->n - k - 2) * sizeof *b->pieces);
  b->pieces[k + 1] = rest;
  return 1;
}

int text_layout(struct fonts *f, const struct page_span *spans, size_t n_spans,
                const struct text_style *st, int max_w, struct text_block *out,
                struct kerr *e)
{
  memset(out, 0, sizeof *out);
  struct builder b = {0};
  int pending_space = 0, in_word = 0, fam_ctx = 0;
  for (size_t i = 0; i < n_spans; i++)
    if (split_span(f, &b, spans[i].text, spans[i].flags, &pending_space, &in_word, &fam_ctx)) {
      free(b.pieces);
      return kerr_set(e, KERR_NOMEM, "out of memory laying out text");
    }
  out->missing = b.missing;

  size_t run_cap = 0, line_cap = 0;
  int y = 0;
  size_t line_start = 0;
  int line_w = 0;
  size_t k = 0;
  int rc = 0;
  while (k < b.n && rc >= 0) {
    /* The word starting at k: pieces up to the next word start. */
    size_t end = k + 1;
    while (end < b.n && !b.pieces[end].word_start)
      end++;
    int word_w = 0;
    for (size_t i = k; i < end; i++) {
      struct piece *p = &b.pieces[i];
      if (!p->w) {
        TTF_Font *font = fonts_face(f, p->fam, style_of(p->flags | st->flags), st->px);
        measure(font, p->s, p->n, &p->w);
      }
      word_w += p->w;
    }
    int space_w = 0;
    if (k > line_start && b.pieces[k].space_before) {
      TTF_Font *font = fonts_face(f, b.pieces[k].fam, style_of(b.pieces[k].flags | st->flags), st->px);
      measure(font, " ", 1, &space_w);
    }
    if (k > line_start && line_w + space_w + word_w > max_w) {
      rc = emit_line(f, st, &b, line_start, k, y, max_w, out, &run_cap, &line_cap);
      if (rc < 0)
        break;
      y += rc;
      line_start = k;
      line_w = 0;
      continue;
    }
    if (k == line_start && word_w > max_w) {
      /* A single word wider than the line: cut it (the layout treats this
       * as a reason to shrink). */
      out->overflow = 1;
      size_t at = k;
      int acc = 0;
      while (at < end && acc + b.pieces[at].w <= max_w)
        acc += b.pieces[at++].w;
      if (at == end)
        at = end - 1;
      int cut = cut_piece(f, st, &b, at, max_w - acc);
      if (cut < 0) {
        rc = -1;
        break;
      }
      b.pieces[at].w = 0;
      if (cut) {
        b.pieces[at + 1].w = 0;
        rc = emit_line(f, st, &b, line_start, at + 1, y, max_w, out, &run_cap, &line_cap);
        if (rc < 0)
          break;
        y += rc;
        line_start = at + 1;
        k = at + 1;
        line_w = 0;
        continue;
      }
    }
    line_w += space_w + word_w;
    k = end;
  }
  if (rc >= 0 && line_start < b.n) {
    rc = emit_line(f, st, &b, line_start, b.n, y, max_w, out, &run_cap, &line_cap);
    if (rc >= 0)
      y += rc;
  }
  free(b.pieces);
  if (rc < 0) {
    text_block_free(out);
    return kerr_set(e, KERR_NOMEM, "out of memory laying out text");
  }
  out->height = y;
  return 0;
}

int text_layout_plain(struct fonts *f, const char *s, const struct text_style *style,
                      int max_w, struct text_block *out, struct kerr *e)
{
  struct page_span span = {(char *)s, 0, NULL};
  return text_layout(f, &span, 1, style, max_w, out, e);
}
