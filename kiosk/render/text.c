/* text.c — breaks styled text into lines.
 *
 * The text is cut into pieces, each a stretch of one style and one font
 * family (chosen by glyph coverage, so Cyrillic, Latin and Arabic script
 * each get a font that has them). Words are runs of pieces between break
 * opportunities (spaces; a no-break space U+00A0 joins). Lines are filled
 * greedily; a word wider than the whole line is the only thing ever cut
 * mid-word, and that is reported as overflow so the layout can shrink the
 * text instead. Adjacent pieces of the same font on a line are merged into
 * one run, so shaping sees whole phrases and painting draws few surfaces.
 *
 * Right-to-left text (Dari) goes through the Unicode bidi algorithm
 * (fribidi): every character gets an embedding level, pieces are also cut
 * where the level changes, lines are broken in logical order and each line
 * is then reordered for display (rule L2). A run at an odd level is shaped
 * right to left by HarfBuzz; numbers and Latin inside it keep their own
 * direction. */
#include "render/text.h"
#include "core/grow.h"
#include "core/utf8.h"

#include <fribidi.h>
#include <stdlib.h>
#include <string.h>

struct piece {
  const char *s; /* into the span text */
  size_t n;
  unsigned flags;
  int fam;
  int space_before; /* a breakable space precedes this piece */
  int space_level;  /* the bidi level of that space */
  int word_start;   /* first piece of a word */
  int w;
  int level; /* bidi embedding level; odd = right to left */
};

static int is_space(uint32_t cp)
{
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
}

static int is_digit(uint32_t cp)
{
  return cp >= '0' && cp <= '9';
}

/* A space between two digits groups a number ("+992 900 800 800",
 * "560 000"): it never breaks a line. */
static int is_group_space(const char *s, size_t len, size_t i)
{
  return s[i] == ' ' && i > 0 && i + 1 < len && is_digit((unsigned char)s[i - 1]) &&
      is_digit((unsigned char)s[i + 1]);
}

/* Characters that take the font of their neighbours rather than forcing a
 * family change (spaces, digits and common punctuation exist in every
 * family we ship). */
static int is_neutral(uint32_t cp)
{
  return cp < 0x80 ? !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') : cp == 0xA0;
}

/* Invisible format characters (zero-width non-joiner in Dari words, soft
 * hyphen, joiners, marks) belong to the run they sit in, whatever font
 * covers them. */
static int is_format(uint32_t cp)
{
  return cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF ||
      (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static enum fonts_style style_of(unsigned flags)
{
  int s =
      ((flags & PAGE_SPAN_BOLD) ? FONTS_BOLD : 0) | ((flags & PAGE_SPAN_ITALIC) ? FONTS_ITALIC : 0);
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
  const FriBidiLevel *levels; /* per code point of the whole text */
  size_t cp_index;            /* code point being read */
  int space_level;            /* level of the last space read */
  int base_rtl;               /* the paragraph's base direction */
};

/* Sets the shaping direction of font for a run. */
static void set_dir(TTF_Font *font, int rtl)
{
  TTF_SetFontDirection(font, rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
}

static int add_piece(struct builder *b, const char *s, size_t n, unsigned flags, int fam,
                     int space_before, int word_start, int level)
{
  struct piece *np = grow_array(b->pieces, b->n + 1, &b->cap, sizeof *np, 64);
  if (!np)
    return -1;
  b->pieces = np;
  b->pieces[b->n++] =
      (struct piece){s, n, flags, fam, space_before, b->space_level, word_start, 0, level};
  return 0;
}

/* Cuts one span into pieces. *pending_space carries a space across spans;
 * *in_word says whether the previous span ended inside a word. */
static int level_at(const struct builder *b, size_t cp)
{
  return b->levels ? b->levels[cp] : 0;
}

static int split_span(struct fonts *f, struct builder *b, const char *s, unsigned flags,
                      int *pending_space, int *in_word, int *fam_ctx)
{
  size_t len = strlen(s);
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    int cl = (int)utf8_next(s + i, len - i, &cp);
    if (is_space(cp) && !is_group_space(s, len, i)) {
      *pending_space = 1;
      *in_word = 0;
      b->space_level = level_at(b, b->cp_index);
      i += (size_t)cl;
      b->cp_index++;
      continue;
    }
    /* A stretch of non-space characters in one family and one level. */
    size_t start = i;
    int fam = -2;
    int level = level_at(b, b->cp_index);
    while (i < len) {
      cl = (int)utf8_next(s + i, len - i, &cp);
      if ((is_space(cp) && !is_group_space(s, len, i)) || level_at(b, b->cp_index) != level)
        break;
      int cfam;
      if (is_format(cp) ||
          (is_neutral(cp) && fonts_family_covers(f, fam != -2 ? fam : *fam_ctx, cp))) {
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
      b->cp_index++;
    }
    if (fam < 0)
      fam = 0;
    *fam_ctx = fam;
    int word_start = !*in_word;
    if (add_piece(b, s + start, i - start, flags, fam, *pending_space && word_start, word_start,
                  level))
      return -1;
    *pending_space = 0;
    *in_word = 1;
  }
  return 0;
}

static int push_run(struct text_block *out, size_t *cap, const char *s, size_t n, TTF_Font *font,
                    int fam, unsigned flags, int x, int w, int rtl)
{
  struct text_run *nr = grow_array(out->runs, out->n_runs + 1, cap, sizeof *nr, 32);
  if (!nr)
    return -1;
  out->runs = nr;
  char *t = malloc(n + 1);
  if (!t)
    return -1;
  memcpy(t, s, n);
  t[n] = '\0';
  out->runs[out->n_runs++] = (struct text_run){
      t, font, fam, (int)style_of(flags), x, 0, w, TTF_FontHeight(font), flags, rtl, 0};
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

/* A line is reordered as tokens: pieces, and the spaces between them,
 * each with its bidi level, so a space lands where the bidi algorithm puts
 * it (between a Dari word and a Latin phrase, say), not where it was in
 * the text. */
struct token {
  size_t piece; /* the piece, or the piece the space precedes */
  int space;    /* 1 for a space */
  int level;
};

/* Visual order of tokens (bidi rule L2): from the highest level down to
 * the lowest odd one, reverse every stretch at that level or above. */
static void visual_order(struct token *t, size_t n)
{
  int max = 0, min_odd = 255;
  for (size_t i = 0; i < n; i++) {
    if (t[i].level > max)
      max = t[i].level;
    if ((t[i].level & 1) && t[i].level < min_odd)
      min_odd = t[i].level;
  }
  for (int lv = max; lv >= min_odd && lv > 0; lv--)
    for (size_t i = 0; i < n;) {
      if (t[i].level < lv) {
        i++;
        continue;
      }
      size_t j = i;
      while (j < n && t[j].level >= lv)
        j++;
      for (size_t a = i, z = j - 1; a < z; a++, z--) {
        struct token x = t[a];
        t[a] = t[z];
        t[z] = x;
      }
      i = j;
    }
}

/* Emits the pieces [first, last) as one line at y, in visual order,
 * merging neighbours that share font, style and direction (and follow each
 * other in the text) into single runs. */
static int emit_line(struct fonts *f, const struct text_style *st, struct builder *b, size_t first,
                     size_t last, int y, int max_w, struct text_block *out, size_t *run_cap,
                     size_t *line_cap)
{
  size_t run0 = out->n_runs;
  int x = 0, asc = 0, desc = 0;
  size_t cap = 2 * (last - first);
  struct token tok_buf[128];
  struct token *order = cap <= 128 ? tok_buf : malloc(cap * sizeof *order);
  if (!order)
    return -1;
  size_t n = 0;
  for (size_t k = first; k < last; k++) {
    if (k > first && b->pieces[k].space_before)
      order[n++] = (struct token){k, 1, b->levels ? b->pieces[k].space_level : 0};
    order[n++] = (struct token){k, 0, b->pieces[k].level};
  }
  visual_order(order, n);
  TTF_Font *last_font = fonts_face(f, 0, style_of(st->flags), st->px);
  size_t i = 0;
  while (i < n) {
    if (order[i].space) {
      int sw = 0;
      set_dir(last_font, 0);
      measure(last_font, " ", 1, &sw);
      x += sw;
      i++;
      continue;
    }
    struct piece *p = &b->pieces[order[i].piece];
    int rtl = p->level & 1;
    TTF_Font *font = fonts_face(f, p->fam, style_of(p->flags | st->flags), st->px);
    /* Extend the run while the next visual piece continues it in the text,
     * with or without the one space between them. */
    size_t j = i + 1, end_piece = order[i].piece;
    for (;;) {
      if (rtl ? end_piece == first : end_piece + 1 >= last)
        break;
      size_t want = rtl ? end_piece - 1 : end_piece + 1;
      size_t k = j;
      if (k < n && order[k].space && order[k].piece == (rtl ? end_piece : want) &&
          order[k].level == p->level)
        k++;
      if (k >= n || order[k].space)
        break;
      const struct piece *q = &b->pieces[order[k].piece];
      if (order[k].piece != want || q->fam != p->fam || q->flags != p->flags ||
          q->level != p->level)
        break;
      /* A space inside the run must be the one between these two pieces. */
      if (k > j && !b->pieces[rtl ? end_piece : want].space_before)
        break;
      if (k == j && b->pieces[rtl ? end_piece : want].space_before)
        break; /* the space went elsewhere */
      end_piece = order[k].piece;
      j = k + 1;
    }
    /* The run's text in logical order. */
    size_t lo = rtl ? end_piece : order[i].piece, hi = rtl ? order[i].piece : end_piece;
    size_t len = 0;
    for (size_t k = lo; k <= hi; k++)
      len += b->pieces[k].n + 1;
    char *t = malloc(len + 1);
    if (!t) {
      if (order != tok_buf)
        free(order);
      return -1;
    }
    size_t o = 0;
    for (size_t k = lo; k <= hi; k++) {
      if (k > lo && b->pieces[k].space_before)
        t[o++] = ' ';
      memcpy(t + o, b->pieces[k].s, b->pieces[k].n);
      o += b->pieces[k].n;
    }
    set_dir(font, rtl);
    int w = 0;
    measure(font, t, o, &w);
    int rc = push_run(out, run_cap, t, o, font, p->fam, p->flags | st->flags, x, w, rtl);
    free(t);
    if (rc) {
      if (order != tok_buf)
        free(order);
      return -1;
    }
    x += w;
    /* The line box uses each family's own share of its font's height:
     * Arabic faces reserve room for stacked marks that Dari rarely uses. */
    int pct = fonts_line_pct(f, p->fam);
    int fa = TTF_FontAscent(font) * pct / 100, fd = -TTF_FontDescent(font) * pct / 100;
    out->runs[out->n_runs - 1].h = fa + fd;
    out->runs[out->n_runs - 1].baseline = fa; /* provisional: offset from the box top */
    if (fa > asc)
      asc = fa;
    if (fd > desc)
      desc = fd;
    last_font = font;
    i = j;
  }
  if (order != tok_buf)
    free(order);
  int line_h = (int)((float)(asc + desc) * st->line_spacing + 0.5f);
  int lead = (line_h - (asc + desc)) / 2;
  enum text_align align = st->align;
  if (b->base_rtl && align == TEXT_ALIGN_START)
    align = TEXT_ALIGN_END;
  else if (b->base_rtl && align == TEXT_ALIGN_END)
    align = TEXT_ALIGN_START;
  int shift = align == TEXT_ALIGN_CENTER ? (max_w - x) / 2
      : align == TEXT_ALIGN_END          ? max_w - x
                                         : 0;
  if (shift < 0)
    shift = 0;
  for (size_t r = run0; r < out->n_runs; r++) {
    out->runs[r].x += shift;
    out->runs[r].y = y + lead + asc - out->runs[r].baseline;
    out->runs[r].baseline = y + lead + asc;
  }
  struct text_line *nl = grow_array(out->lines, out->n_lines + 1, line_cap, sizeof *nl, 8);
  if (!nl)
    return -1;
  out->lines = nl;
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
  set_dir(font, p->level & 1);
  size_t best = 0;
  size_t i = 0;
  while (i < p->n) {
    uint32_t cp;
    size_t next = i + utf8_next(p->s + i, p->n - i, &cp);
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
  if (add_piece(b, "", 0, 0, 0, 0, 0, 0))
    return -1;
  memmove(&b->pieces[k + 2], &b->pieces[k + 1], (b->n - k - 2) * sizeof *b->pieces);
  b->pieces[k + 1] = rest;
  return 1;
}

static int is_rtl_cp(uint32_t cp)
{
  return cp >= 0x0590 && (cp <= 0x08FF || (cp >= 0xFB1D && cp <= 0xFEFC));
}

/* The code points of the spans as one paragraph: *out (free it) and its
 * length; *any_rtl tells whether one of them is a right-to-left letter.
 * Returns -1 when out of memory. */
static int decode_spans(const struct page_span *spans, size_t n_spans, FriBidiChar **out,
                        size_t *len_out, int *any_rtl)
{
  size_t n = 0;
  *out = NULL;
  *len_out = 0;
  *any_rtl = 0;
  for (size_t i = 0; i < n_spans; i++) {
    const char *s = spans[i].text;
    size_t len = strlen(s);
    for (size_t k = 0; k < len;) {
      uint32_t cp;
      k += utf8_next(s + k, len - k, &cp);
      n++;
      if (is_rtl_cp(cp))
        *any_rtl = 1;
    }
  }
  if (n == 0)
    return 0;
  FriBidiChar *text = malloc(n * sizeof *text);
  if (!text)
    return -1;
  size_t j = 0;
  for (size_t i = 0; i < n_spans; i++) {
    const char *s = spans[i].text;
    size_t len = strlen(s);
    for (size_t k = 0; k < len;) {
      uint32_t cp;
      k += utf8_next(s + k, len - k, &cp);
      text[j++] = cp;
    }
  }
  *out = text;
  *len_out = n;
  return 0;
}

/* Bidi types of text, with two local rules: a plus sign that starts a
 * phone number belongs to the number, so "+992 900 800 800" reads left to
 * right inside Dari text too; and a space between digits groups a number
 * the way a comma does ("900 800" is one number). */
static void bidi_types(const FriBidiChar *text, size_t n, FriBidiCharType *types)
{
  fribidi_get_bidi_types(text, (FriBidiStrIndex)n, types);
  for (size_t k = 0; k + 1 < n; k++) {
    if (text[k] == '+' && is_digit(text[k + 1]))
      types[k] = FRIBIDI_TYPE_EN;
    if (k > 0 && text[k] == ' ' && is_digit(text[k - 1]) && is_digit(text[k + 1]))
      types[k] = FRIBIDI_TYPE_CS;
  }
}

/* Rules P2-P3 on bidi types: the first L, R or AL that is not between an
 * isolate initiator and its matching PDI. (fribidi_get_par_direction()
 * of the fribidi in Debian 12 does not skip isolates.) */
static int base_of(const FriBidiCharType *types, size_t n, int fallback_rtl)
{
  int isolates = 0;
  for (size_t i = 0; i < n; i++) {
    FriBidiCharType t = types[i];
    if (t == FRIBIDI_TYPE_LRI || t == FRIBIDI_TYPE_RLI || t == FRIBIDI_TYPE_FSI)
      isolates++;
    else if (t == FRIBIDI_TYPE_PDI && isolates > 0)
      isolates--;
    else if (!isolates && (t == FRIBIDI_TYPE_LTR || t == FRIBIDI_TYPE_RTL || t == FRIBIDI_TYPE_AL))
      return t != FRIBIDI_TYPE_LTR;
  }
  return fallback_rtl;
}

int text_base_rtl(const struct page_span *spans, size_t n_spans, int fallback_rtl)
{
  FriBidiChar *text;
  size_t n;
  int any_rtl;
  if (decode_spans(spans, n_spans, &text, &n, &any_rtl) || n == 0)
    return fallback_rtl;
  int rtl = fallback_rtl;
  FriBidiCharType *types = malloc(n * sizeof *types);
  if (types) {
    bidi_types(text, n, types);
    rtl = base_of(types, n, fallback_rtl);
  }
  free(types);
  free(text);
  return rtl;
}

/* Bidi embedding levels of every code point of the spans, as one
 * paragraph: its base direction (*base_rtl) is st->rtl, or with
 * st->dir_auto its first strong character's. *out is NULL (all level 0)
 * for left-to-right text with no right-to-left character, the common
 * case. */
static int compute_levels(const struct page_span *spans, size_t n_spans,
                          const struct text_style *st, FriBidiLevel **out, int *base_rtl)
{
  *out = NULL;
  *base_rtl = st->rtl;
  FriBidiChar *text;
  size_t n;
  int any_rtl;
  if (decode_spans(spans, n_spans, &text, &n, &any_rtl))
    return -1;
  if (n == 0)
    return 0;
  if (!any_rtl && !st->rtl) {
    free(text); /* left to right throughout */
    return 0;
  }
  FriBidiCharType *types = malloc(n * sizeof *types);
  FriBidiBracketType *brackets = malloc(n * sizeof *brackets);
  FriBidiLevel *levels = malloc(n * sizeof *levels);
  int rc = -1;
  if (types && brackets && levels) {
    bidi_types(text, n, types);
    if (st->dir_auto)
      *base_rtl = base_of(types, n, st->rtl);
    rc = 0;
    if (any_rtl || *base_rtl) {
      fribidi_get_bracket_types(text, (FriBidiStrIndex)n, types, brackets);
      FriBidiParType base = *base_rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
      if (fribidi_get_par_embedding_levels_ex(types, brackets, (FriBidiStrIndex)n, &base, levels)) {
        *out = levels;
        levels = NULL;
      } else {
        rc = -1;
      }
    }
  }
  free(text);
  free(types);
  free(brackets);
  free(levels);
  return rc;
}

int text_layout(struct fonts *f, const struct page_span *spans, size_t n_spans,
                const struct text_style *st, int max_w, struct text_block *out, struct kerr *e)
{
  memset(out, 0, sizeof *out);
  struct builder b = {0};
  int pending_space = 0, in_word = 0, fam_ctx = 0;
  FriBidiLevel *levels = NULL;
  int base_rtl = st->rtl;
  if (compute_levels(spans, n_spans, st, &levels, &base_rtl)) {
    return kerr_set(e, KERR_NOMEM, "out of memory laying out text");
  }
  b.levels = levels;
  b.base_rtl = base_rtl;
  out->rtl = base_rtl;
  for (size_t i = 0; i < n_spans; i++)
    if (split_span(f, &b, spans[i].text, spans[i].flags, &pending_space, &in_word, &fam_ctx)) {
      free(b.pieces);
      free(levels);
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
        set_dir(font, p->level & 1);
        measure(font, p->s, p->n, &p->w);
      }
      word_w += p->w;
    }
    int space_w = 0;
    if (k > line_start && b.pieces[k].space_before) {
      TTF_Font *font =
          fonts_face(f, b.pieces[k].fam, style_of(b.pieces[k].flags | st->flags), st->px);
      set_dir(font, 0);
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
  free(levels);
  if (rc < 0) {
    text_block_free(out);
    return kerr_set(e, KERR_NOMEM, "out of memory laying out text");
  }
  out->height = y;
  return 0;
}

int text_layout_plain(struct fonts *f, const char *s, const struct text_style *style, int max_w,
                      struct text_block *out, struct kerr *e)
{
  struct page_span span = {(char *)s, 0, NULL};
  return text_layout(f, &span, 1, style, max_w, out, e);
}
