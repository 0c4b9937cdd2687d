/* segment.c — cuts a page's Markdown into translatable units (segment.h).
 *
 * The cut is made line by line on the Markdown a kiosk page uses (front
 * matter, ATX and setext headings, paragraphs, list items, quotes, pipe
 * tables, pictures on a line of their own, fenced kiosk blocks), not on a
 * parsed tree: what matters here is the exact bytes, so that the skeleton
 * between units is kept as the author typed it and a page put back
 * together is the same page, byte for byte. A piece with no letter (a
 * number, a date) and an address (e-mail, web, phone link) is never a unit:
 * it stays as in the source language. */
#include "kiosk-pack/segment.h"
#include "core/utf8.h"

#include "core/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cut {
  const char *t;
  size_t len;
  struct seg_page *out;
  size_t cap;
  int nomem;
};

/* ------------------------------------------------------------- helpers */

int seg_has_letter(const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    i += utf8_next(u + i, n - i, &cp);
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
      return 1;
    /* Letters of other scripts; not the Latin-1 and general punctuation,
     * symbols, arrows, CJK punctuation or the replacement character. */
    if (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && !(cp >= 0x2000 && cp < 0x2C00) &&
        !(cp >= 0x3000 && cp < 0x3040) && cp != 0xFFFD && !(cp >= 0xFE00 && cp < 0xFE10) &&
        !(cp >= 0xFF00 && cp < 0xFF21))
      return 1;
  }
  return 0;
}

/* An e-mail or web address, or a phone link: one word with '@' or a
 * scheme. Never translated. */
static int is_address(const char *s, size_t n)
{
  if (memchr(s, ' ', n))
    return 0;
  if (memchr(s, '@', n))
    return 1;
  static const char *const schemes[] = {"http://", "https://", "mailto:", "tel:", "www."};
  for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
    size_t k = strlen(schemes[i]);
    if (n >= k && !strncmp(s, schemes[i], k))
      return 1;
  }
  return 0;
}

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

/* The end of the line starting at i (the index of its '\n', or len). */
static size_t line_end(const struct cut *c, size_t i)
{
  const char *nl = memchr(c->t + i, '\n', c->len - i);
  return nl ? (size_t)(nl - c->t) : c->len;
}

static size_t next_line(const struct cut *c, size_t i)
{
  size_t e = line_end(c, i);
  return e < c->len ? e + 1 : c->len;
}

static int blank(const struct cut *c, size_t i, size_t e)
{
  for (; i < e; i++)
    if (!is_space(c->t[i]))
      return 0;
  return 1;
}

static size_t skip_sp(const struct cut *c, size_t i, size_t e)
{
  while (i < e && is_space(c->t[i]))
    i++;
  return i;
}

static size_t trim_end(const struct cut *c, size_t s, size_t e)
{
  while (e > s && is_space(c->t[e - 1]))
    e--;
  return e;
}

static void add(struct cut *c, enum seg_kind kind, size_t s, size_t e, int line, int level,
                int column, const char *note, size_t note_len)
{
  if (c->nomem || e <= s || !seg_has_letter(c->t + s, e - s) || is_address(c->t + s, e - s))
    return;
  struct seg_page *p = c->out;
  if (p->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 16;
    struct seg_unit *v = realloc(p->v, cap * sizeof *v);
    if (!v) {
      c->nomem = 1;
      return;
    }
    p->v = v;
    c->cap = cap;
  }
  struct seg_unit *u = &p->v[p->n++];
  memset(u, 0, sizeof *u);
  u->kind = kind;
  u->start = s;
  u->end = e;
  u->line = line;
  u->level = level;
  u->column = column;
  if (note) {
    if (note_len >= sizeof u->note)
      note_len = sizeof u->note - 1;
    memcpy(u->note, note, note_len);
  }
}

/* ------------------------------------------------------ block starters */

static int fence_at(const struct cut *c, size_t i, size_t e, char *ch, size_t *n)
{
  i = skip_sp(c, i, e);
  if (i >= e || (c->t[i] != '`' && c->t[i] != '~'))
    return 0;
  size_t k = 0;
  while (i + k < e && c->t[i + k] == c->t[i])
    k++;
  if (k < 3)
    return 0;
  *ch = c->t[i];
  *n = k;
  return 1;
}

/* "# Title": the level, and where the text starts and ends. */
static int heading_at(const struct cut *c, size_t i, size_t e, size_t *ts, size_t *te)
{
  size_t j = i, sp = 0;
  while (j < e && c->t[j] == ' ' && sp < 4)
    j++, sp++;
  if (sp > 3)
    return 0;
  int level = 0;
  while (j < e && c->t[j] == '#')
    j++, level++;
  if (level < 1 || level > 6 || (j < e && !is_space(c->t[j])))
    return 0;
  size_t s = skip_sp(c, j, e);
  size_t t = trim_end(c, s, e);
  /* An optional closing run of '#' after a space. */
  size_t k = t;
  while (k > s && c->t[k - 1] == '#')
    k--;
  if (k < t && (k == s || is_space(c->t[k - 1])))
    t = trim_end(c, s, k);
  *ts = s;
  *te = t;
  return level;
}

/* "- item", "* item", "+ item", "1. item", "1) item": where the text starts. */
static int list_at(const struct cut *c, size_t i, size_t e, size_t *ts)
{
  size_t j = skip_sp(c, i, e);
  if (j >= e)
    return 0;
  if (c->t[j] == '-' || c->t[j] == '*' || c->t[j] == '+') {
    j++;
  } else {
    size_t d = 0;
    while (j < e && c->t[j] >= '0' && c->t[j] <= '9' && d < 10)
      j++, d++;
    if (d == 0 || d > 9 || j >= e || (c->t[j] != '.' && c->t[j] != ')'))
      return 0;
    j++;
  }
  if (j < e && c->t[j] != ' ' && c->t[j] != '\t')
    return 0;
  *ts = skip_sp(c, j, e);
  return 1;
}

static int rule_at(const struct cut *c, size_t i, size_t e)
{
  i = skip_sp(c, i, e);
  if (i >= e || (c->t[i] != '-' && c->t[i] != '*' && c->t[i] != '_'))
    return 0;
  char m = c->t[i];
  int k = 0;
  for (; i < e; i++) {
    if (c->t[i] == m)
      k++;
    else if (!is_space(c->t[i]))
      return 0;
  }
  return k >= 3;
}

static int quote_at(const struct cut *c, size_t i, size_t e)
{
  i = skip_sp(c, i, e);
  return i < e && c->t[i] == '>';
}

static int table_at(const struct cut *c, size_t i, size_t e)
{
  i = skip_sp(c, i, e);
  return i < e && c->t[i] == '|';
}

static int block_start(const struct cut *c, size_t i, size_t e)
{
  char ch;
  size_t n, ts, te;
  return fence_at(c, i, e, &ch, &n) || heading_at(c, i, e, &ts, &te) || list_at(c, i, e, &ts) ||
      rule_at(c, i, e) || quote_at(c, i, e) || table_at(c, i, e);
}

/* A setext underline: a line of only '=' or only '-' (with spaces). */
static int setext_at(const struct cut *c, size_t i, size_t e)
{
  i = skip_sp(c, i, e);
  if (i >= e || (c->t[i] != '=' && c->t[i] != '-'))
    return 0;
  char m = c->t[i];
  for (; i < e; i++)
    if (c->t[i] != m && !is_space(c->t[i]))
      return 0;
  return 1;
}

/* ------------------------------------------------------------- pieces */

/* Cells of one row between unescaped '|': cb(start, end, column). */
static void row_cells(struct cut *c, size_t s, size_t e, int line, int row, int table)
{
  size_t i = skip_sp(c, s, e);
  if (table && i < e && c->t[i] == '|')
    i++;
  int col = 1;
  size_t cs = i;
  for (;; i++) {
    if (i < e && c->t[i] == '\\' && i + 1 < e) {
      i++;
      continue;
    }
    if (i < e && c->t[i] != '|')
      continue;
    size_t a = skip_sp(c, cs, i), b = trim_end(c, a, i);
    if (table)
      add(c, SEG_TABLE_CELL, a, b, line, row, col, NULL, 0);
    col++;
    if (i >= e)
      break;
    cs = i + 1;
  }
}

/* The cells of a kiosk block row, trimmed: up to 4. */
static size_t block_cells(const struct cut *c, size_t s, size_t e, size_t *cs, size_t *ce)
{
  size_t n = 0, a = s;
  for (size_t i = s;; i++) {
    if (i < e && c->t[i] != '|')
      continue;
    if (n < 4) {
      size_t x = skip_sp(c, a, i);
      cs[n] = x;
      ce[n] = trim_end(c, x, i);
      n++;
    }
    if (i >= e)
      break;
    a = i + 1;
  }
  return n;
}

static void kiosk_block_line(struct cut *c, const char *name, size_t s, size_t e, int line)
{
  size_t cs[4], ce[4];
  size_t n = block_cells(c, s, e, cs, ce);
  if (!strcmp(name, "stats") && n >= 2)
    add(c, SEG_STATS_LABEL, cs[1], ce[1], line, 0, 0, c->t + cs[0], ce[0] - cs[0]);
  else if (!strcmp(name, "hotlines") && n >= 2)
    add(c, SEG_HOTLINE, cs[0], ce[0], line, 0, 0, c->t + cs[1], ce[1] - cs[1]);
  else if (!strcmp(name, "contacts") && n >= 2)
    add(c, SEG_CONTACT, cs[0], ce[0], line, 0, 0, c->t + cs[1], ce[1] - cs[1]);
  else if (!strcmp(name, "qr") && n >= 2)
    add(c, SEG_QR_LABEL, cs[1], ce[1], line, 0, 0, c->t + cs[0], ce[0] - cs[0]);
}

/* "![caption](media/x.jpg)" alone on its line: the caption's range. */
static int picture_at(const struct cut *c, size_t i, size_t e, size_t *as, size_t *ae, size_t *ss,
                      size_t *se)
{
  i = skip_sp(c, i, e);
  e = trim_end(c, i, e);
  if (e - i < 5 || c->t[i] != '!' || c->t[i + 1] != '[' || c->t[e - 1] != ')')
    return 0;
  size_t j = i + 2;
  int depth = 1;
  for (; j < e; j++) {
    if (c->t[j] == '\\') {
      j++;
      continue;
    }
    if (c->t[j] == '[')
      depth++;
    else if (c->t[j] == ']' && --depth == 0)
      break;
  }
  if (j + 1 >= e || c->t[j + 1] != '(')
    return 0;
  for (size_t k = j + 2; k < e - 1; k++)
    if (c->t[k] == ')' || c->t[k] == '(')
      return 0;
  *as = i + 2;
  *ae = j;
  *ss = j + 2;
  *se = e - 1;
  for (size_t k = *ss; k < *se; k++)
    if (c->t[k] == ' ') { /* a title after the path */
      *se = k;
      break;
    }
  return 1;
}

/* ------------------------------------------------------------ the cut */

static void cut_page(struct cut *c)
{
  size_t i = 0;
  int line = 1;
  /* Front matter: from a first line "---" to the next "---". */
  if (c->len >= 3 && !strncmp(c->t, "---", 3) && blank(c, 3, line_end(c, 0))) {
    size_t j = next_line(c, 0);
    int l = 2;
    while (j < c->len) {
      size_t e = line_end(c, j);
      size_t x = trim_end(c, j, e);
      if (x - j == 3 && !strncmp(c->t + j, "---", 3)) {
        i = next_line(c, j);
        line = l + 1;
        break;
      }
      j = next_line(c, j);
      l++;
    }
  }
  while (i < c->len && !c->nomem) {
    size_t e = line_end(c, i);
    char ch;
    size_t fn, ts, te;
    int level;
    if (blank(c, i, e)) {
      i = next_line(c, i);
      line++;
    } else if (fence_at(c, i, e, &ch, &fn)) {
      size_t k = skip_sp(c, i, e) + fn;
      size_t ns = skip_sp(c, k, e), ne = ns;
      while (ne < e && !is_space(c->t[ne]))
        ne++;
      char name[16] = "";
      if (ne - ns < sizeof name)
        memcpy(name, c->t + ns, ne - ns);
      i = next_line(c, i);
      line++;
      while (i < c->len) {
        size_t le = line_end(c, i);
        char ch2;
        size_t fn2;
        if (fence_at(c, i, le, &ch2, &fn2) && ch2 == ch && fn2 >= fn &&
            blank(c, skip_sp(c, i, le) + fn2, le)) {
          i = next_line(c, i);
          line++;
          break;
        }
        if (!blank(c, i, le))
          kiosk_block_line(c, name, skip_sp(c, i, le), trim_end(c, i, le), line);
        i = next_line(c, i);
        line++;
      }
    } else if (c->len - i >= 4 && !strncmp(c->t + skip_sp(c, i, e), "<!--", 4)) {
      /* An HTML comment: a note for editors, never shown. */
      const char *end = NULL;
      for (size_t k = i; k + 3 <= c->len; k++)
        if (!strncmp(c->t + k, "-->", 3)) {
          end = c->t + k;
          break;
        }
      size_t stop = end ? (size_t)(end - c->t) : c->len;
      while (i < c->len && i <= stop) {
        i = next_line(c, i);
        line++;
      }
    } else if ((level = heading_at(c, i, e, &ts, &te)) > 0) {
      add(c, SEG_HEADING, ts, te, line, level, 0, NULL, 0);
      i = next_line(c, i);
      line++;
    } else if (rule_at(c, i, e)) {
      i = next_line(c, i);
      line++;
    } else if (table_at(c, i, e)) {
      int row = 1;
      while (i < c->len) {
        size_t le = line_end(c, i);
        if (!table_at(c, i, le))
          break;
        int sep = 1;
        for (size_t k = i; k < le; k++)
          if (!strchr("|-: \t\r", c->t[k]))
            sep = 0;
        if (!sep)
          row_cells(c, i, trim_end(c, i, le), line, row++, 1);
        i = next_line(c, i);
        line++;
      }
    } else if (list_at(c, i, e, &ts) || quote_at(c, i, e)) {
      enum seg_kind kind = quote_at(c, i, e) ? SEG_QUOTE : SEG_LIST_ITEM;
      if (kind == SEG_QUOTE) {
        ts = skip_sp(c, i, e) + 1;
        if (ts < e && c->t[ts] == ' ')
          ts++;
      }
      int start_line = line;
      size_t last = trim_end(c, ts, e);
      i = next_line(c, i);
      line++;
      /* Continuation lines: not blank, not a new block (a quote goes on
       * while its lines start with '>'). */
      while (i < c->len) {
        size_t le = line_end(c, i);
        if (blank(c, i, le))
          break;
        if (block_start(c, i, le) &&
            !(kind == SEG_QUOTE && quote_at(c, i, le) &&
              !list_at(c, skip_sp(c, i, le) + 1, le, &te)))
          break;
        last = trim_end(c, i, le);
        i = next_line(c, i);
        line++;
      }
      add(c, kind, ts, last, start_line, 0, 0, NULL, 0);
    } else {
      size_t as, ae, ss, se;
      if (picture_at(c, i, e, &as, &ae, &ss, &se)) {
        size_t ne = next_line(c, i);
        if (ne >= c->len || blank(c, ne, line_end(c, ne))) {
          add(c, SEG_CAPTION, as, ae, line, 0, 0, c->t + ss, se - ss);
          i = ne;
          line++;
          continue;
        }
      }
      /* A paragraph, or a setext heading when an underline ends it. */
      int start_line = line;
      size_t s = skip_sp(c, i, e), last = trim_end(c, s, e);
      enum seg_kind kind = SEG_PARAGRAPH;
      i = next_line(c, i);
      line++;
      while (i < c->len) {
        size_t le = line_end(c, i);
        if (blank(c, i, le))
          break;
        if (setext_at(c, i, le)) {
          kind = SEG_HEADING;
          level = c->t[skip_sp(c, i, le)] == '=' ? 1 : 2;
          i = next_line(c, i);
          line++;
          break;
        }
        if (block_start(c, i, le))
          break;
        last = trim_end(c, i, le);
        i = next_line(c, i);
        line++;
      }
      add(c, kind, s, last, start_line, kind == SEG_HEADING ? level : 0, 0, NULL, 0);
    }
  }
}

int seg_split(const char *text, size_t len, struct seg_page *out)
{
  memset(out, 0, sizeof *out);
  struct cut c = {.t = text, .len = len, .out = out};
  cut_page(&c);
  if (c.nomem) {
    seg_page_free(out);
    return KERR_NOMEM;
  }
  return 0;
}

void seg_page_free(struct seg_page *p)
{
  if (!p)
    return;
  free(p->v);
  p->v = NULL;
  p->n = 0;
}

int seg_aligned(const struct seg_page *a, const struct seg_page *b)
{
  if (a->n != b->n)
    return 0;
  for (size_t i = 0; i < a->n; i++)
    if (a->v[i].kind != b->v[i].kind)
      return 0;
  return 1;
}

int seg_kind_one_line(enum seg_kind kind)
{
  return kind != SEG_PARAGRAPH && kind != SEG_LIST_ITEM && kind != SEG_QUOTE;
}

int seg_kind_in_row(enum seg_kind kind)
{
  return kind == SEG_TABLE_CELL || kind == SEG_STATS_LABEL || kind == SEG_HOTLINE ||
      kind == SEG_CONTACT || kind == SEG_QR_LABEL;
}

const char *seg_kind_name(enum seg_kind kind)
{
  switch (kind) {
  case SEG_HEADING: return "heading";
  case SEG_PARAGRAPH: return "paragraph";
  case SEG_LIST_ITEM: return "list item";
  case SEG_QUOTE: return "quote";
  case SEG_TABLE_CELL: return "table cell";
  case SEG_CAPTION: return "caption";
  case SEG_STATS_LABEL: return "label of a big number";
  case SEG_HOTLINE: return "country of a hotline";
  case SEG_CONTACT: return "country of a contact";
  case SEG_QR_LABEL: return "text under a QR code";
  }
  return "text";
}

char *seg_compose(const char *text, size_t len, const struct seg_page *p, const char *const *repl,
                  size_t *out_len)
{
  size_t n = len;
  for (size_t i = 0; i < p->n; i++)
    if (repl && repl[i])
      n += strlen(repl[i]);
  char *out = malloc(n + 1);
  if (!out)
    return NULL;
  size_t o = 0, at = 0;
  for (size_t i = 0; i < p->n; i++) {
    const struct seg_unit *u = &p->v[i];
    memcpy(out + o, text + at, u->start - at);
    o += u->start - at;
    if (repl && repl[i]) {
      size_t k = strlen(repl[i]);
      memcpy(out + o, repl[i], k);
      o += k;
    } else {
      memcpy(out + o, text + u->start, u->end - u->start);
      o += u->end - u->start;
    }
    at = u->end;
  }
  memcpy(out + o, text + at, len - at);
  o += len - at;
  out[o] = '\0';
  if (out_len)
    *out_len = o;
  return out;
}
