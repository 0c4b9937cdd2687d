/* page.c — parses one Markdown page (CommonMark through md4c) with its front
 * matter into the page model of page.h.
 *
 * Front matter is a block of "key: value" lines between two "---" lines at
 * the very top. Fenced code blocks whose info string names a kiosk block
 * (stats, hotlines, contacts, qr) become those blocks, one row per line with
 * cells separated by '|'. An image alone in its paragraph becomes an image
 * block whose caption is the alt text. Whatever an author can get wrong is
 * recorded as a problem with its line, and the page still parses: a broken
 * page on the wall is shown as well as it can be, never crashes the kiosk. */
#include "core/page.h"
#include "core/grow.h"
#include "core/manifest.h"
#include "core/schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <md4c.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for root/relpath of a page. */
#define PAGE_PATH_MAX 2048
#define PAGE_PEEK_BYTES 4096 /* what page_peek() reads of a page */

/* A growable string. */
struct buf {
  char *s;
  size_t len, cap;
};

/* No text of a page can grow past this: a page is at most PAGE_MAX_BYTES
 * and a byte becomes at most 3 (U+FFFD for a NUL). Past it something is
 * wrong, and the parse fails as out of memory instead of asking for
 * gigabytes (fuzz_page once saw a 4 GiB request it could not reproduce). */
#define BUF_MAX_BYTES (4u * PAGE_MAX_BYTES)

static int buf_add(struct buf *b, const char *s, size_t n)
{
  if (n > BUF_MAX_BYTES || b->len + n + 1 > BUF_MAX_BYTES)
    return -1;
  char *ns = grow_array(b->s, b->len + n + 1, &b->cap, 1, 64);
  if (!ns)
    return -1;
  b->s = ns;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
  return 0;
}

static char *buf_take(struct buf *b)
{
  char *s = b->s ? b->s : strdup("");
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

struct parser {
  struct page *page;
  const char *src; /* the Markdown after the front matter */
  size_t src_len;
  int line_offset; /* lines taken by the front matter */
  int oom;

  /* The block being built. */
  struct page_block cur;
  int in_block;    /* collecting spans for cur */
  struct buf text; /* text of the span being built */
  unsigned flags;  /* current span flags */
  char *href;      /* current link target */
  int em_depth, strong_depth, link_depth;

  /* Images met inside the current paragraph. */
  int in_img;
  struct buf img_alt;
  char *img_src;
  int img_line;
  struct page_block *pending_imgs;
  size_t n_pending;

  /* Lists: a stack of (ordered, next number). */
  int list_ordered[16];
  int list_next[16];
  int list_depth;
  int quote_depth;
  int heading_level;

  /* Table being read: cells collect plain text. */
  int in_table, in_cell, in_head;
  struct page_block table;
  struct buf cell;

  /* Fenced kiosk block. */
  int in_code;
  char code_lang[32];
  int code_line;
  struct buf code;
};

static void add_problem(struct page *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_problem(struct page *p, int line, const char *fmt, ...)
{
  /* The array grows by doubling: room for 8, then 16, 32, ... (n is then
   * 0 or a power of two from 8 on), so that a page with many problems is
   * not copied once per problem. */
  size_t n = p->n_problems;
  if (n == 0 || (n >= 8 && (n & (n - 1)) == 0)) {
    size_t cap = n ? n * 2 : 8;
    struct page_problem *np = realloc(p->problems, cap * sizeof *np);
    if (!np)
      return;
    p->problems = np;
  }
  struct page_problem *pr = &p->problems[p->n_problems++];
  pr->line = line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pr->msg, sizeof pr->msg, fmt, ap);
  va_end(ap);
}

/* Line number (1-based, in the whole file) of a pointer into the source. */
static int line_of(const struct parser *ps, const char *ptr)
{
  if (!ptr || ptr < ps->src || ptr > ps->src + ps->src_len)
    return 0;
  int line = 1 + ps->line_offset;
  for (const char *c = ps->src; c < ptr; c++)
    if (*c == '\n')
      line++;
  return line;
}

static void free_block(struct page_block *b)
{
  for (size_t i = 0; i < b->n_spans; i++) {
    free(b->spans[i].text);
    free(b->spans[i].href);
  }
  free(b->spans);
  free(b->src);
  free(b->caption);
  for (size_t r = 0; r < b->n_rows; r++) {
    for (size_t c = 0; c < b->rows[r].n_cells; c++)
      free(b->rows[r].cells[c]);
    free(b->rows[r].cells);
  }
  free(b->rows);
  memset(b, 0, sizeof *b);
}

void page_free(struct page *p)
{
  if (!p)
    return;
  for (size_t i = 0; i < p->n_blocks; i++)
    free_block(&p->blocks[i]);
  free(p->blocks);
  free(p->problems);
  free(p->name);
  free(p);
}

static int push_block(struct parser *ps, struct page_block *b)
{
  struct page *p = ps->page;
  struct page_block *nb = realloc(p->blocks, (p->n_blocks + 1) * sizeof *nb);
  if (!nb) {
    free_block(b);
    ps->oom = 1;
    return -1;
  }
  p->blocks = nb;
  p->blocks[p->n_blocks++] = *b;
  memset(b, 0, sizeof *b);
  return 0;
}

/* Ends the span being collected and appends it to the current block. */
static void flush_span(struct parser *ps)
{
  if (!ps->in_block || ps->text.len == 0)
    return;
  struct page_block *b = &ps->cur;
  /* Merge with the previous span when the style is the same. */
  if (b->n_spans > 0) {
    struct page_span *last = &b->spans[b->n_spans - 1];
    int same_href =
        (!last->href && !ps->href) || (last->href && ps->href && !strcmp(last->href, ps->href));
    if (last->flags == ps->flags && same_href) {
      size_t ol = strlen(last->text);
      char *nt = realloc(last->text, ol + ps->text.len + 1);
      if (!nt) {
        ps->oom = 1;
        return;
      }
      memcpy(nt + ol, ps->text.s, ps->text.len + 1);
      last->text = nt;
      ps->text.len = 0;
      ps->text.s[0] = '\0';
      return;
    }
  }
  struct page_span *ns = realloc(b->spans, (b->n_spans + 1) * sizeof *ns);
  if (!ns) {
    ps->oom = 1;
    return;
  }
  b->spans = ns;
  struct page_span *s = &b->spans[b->n_spans++];
  s->flags = ps->flags;
  s->href = ps->href ? strdup(ps->href) : NULL;
  s->text = buf_take(&ps->text);
  if (!s->text || (ps->href && !s->href))
    ps->oom = 1;
}

static void begin_text_block(struct parser *ps, enum page_block_type type, int level)
{
  /* Spans collected since the last block ended (a list item's text before
   * a heading inside it) are dropped, not leaked. */
  free_block(&ps->cur);
  ps->cur.type = type;
  ps->cur.level = level;
  ps->in_block = 1;
  ps->flags = 0;
}

static int block_has_text(const struct page_block *b)
{
  for (size_t i = 0; i < b->n_spans; i++)
    for (const char *c = b->spans[i].text; *c; c++)
      if (*c != ' ' && *c != '\t' && *c != '\n')
        return 1;
  return 0;
}

/* Trims trailing spaces of the last span and leading spaces of the first. */
static void trim_spans(struct page_block *b)
{
  if (b->n_spans == 0)
    return;
  char *first = b->spans[0].text;
  size_t skip = strspn(first, " \t\n");
  memmove(first, first + skip, strlen(first + skip) + 1);
  char *last = b->spans[b->n_spans - 1].text;
  size_t n = strlen(last);
  while (n > 0 && (last[n - 1] == ' ' || last[n - 1] == '\t' || last[n - 1] == '\n'))
    last[--n] = '\0';
}

static void end_text_block(struct parser *ps)
{
  flush_span(ps);
  ps->in_block = 0;
  trim_spans(&ps->cur);
  if (block_has_text(&ps->cur))
    push_block(ps, &ps->cur);
  else
    free_block(&ps->cur);
  for (size_t i = 0; i < ps->n_pending; i++)
    push_block(ps, &ps->pending_imgs[i]);
  free(ps->pending_imgs);
  ps->pending_imgs = NULL;
  ps->n_pending = 0;
}

/* Resolves an image path written in the page (relative to the page's
 * folder, or to the pack root) to a path relative to the pack root.
 * Returns NULL when it would leave the pack or is not a plain relative
 * path. */
static char *resolve_src(const char *page_name, const char *src)
{
  if (!*src || src[0] == '/' || strstr(src, "://") || strchr(src, '\\'))
    return NULL;
  char joined[1024];
  const char *slash = strrchr(page_name, '/');
  int dir_len = slash ? (int)(slash - page_name) : 0;
  if (!strncmp(src, "media/", 6) || !strncmp(src, "fonts/", 6))
    dir_len = 0; /* already relative to the pack root */
  if (dir_len)
    snprintf(joined, sizeof joined, "%.*s/%s", dir_len, page_name, src);
  else
    snprintf(joined, sizeof joined, "%s", src);
  /* Normalise "." and ".." lexically. */
  char out[1024];
  size_t ol = 0;
  char *save = NULL;
  for (char *comp = strtok_r(joined, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
    if (!strcmp(comp, "."))
      continue;
    if (!strcmp(comp, "..")) {
      if (ol == 0)
        return NULL;
      while (ol > 0 && out[ol - 1] != '/')
        ol--;
      if (ol > 0)
        ol--;
      continue;
    }
    size_t cl = strlen(comp);
    if (ol + cl + 2 > sizeof out)
      return NULL;
    if (ol)
      out[ol++] = '/';
    memcpy(out + ol, comp, cl);
    ol += cl;
  }
  if (ol == 0)
    return NULL;
  out[ol] = '\0';
  return strdup(out);
}

static char *attr_dup(const MD_ATTRIBUTE *a)
{
  char *s = malloc(a->size + 1);
  if (!s)
    return NULL;
  if (a->size) /* an empty attribute ("[x]()") has no text at all */
    memcpy(s, a->text, a->size);
  s[a->size] = '\0';
  return s;
}

static char *trim_dup(const char *s, size_t n)
{
  while (n > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
    n--;
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

static const struct {
  const char *name;
  enum page_block_type type;
  size_t min_cells, max_cells;
  const char *form;
} kiosk_blocks[] = {
    {"stats", PAGE_STATS, 2, 2, "number | label"},
    {"hotlines", PAGE_HOTLINES, 2, 3, "country | number | channel"},
    {"contacts", PAGE_CONTACTS, 2, 2, "country | e-mail"},
    {"qr", PAGE_QR, 1, 2, "text or URL | label"},
};

/* Turns a finished fenced block into a kiosk block, or into a paragraph
 * with a problem when its name is unknown. */
static void end_code_block(struct parser *ps)
{
  const char *lang = ps->code_lang;
  int k = -1;
  for (size_t i = 0; i < sizeof kiosk_blocks / sizeof kiosk_blocks[0]; i++)
    if (!strcmp(lang, kiosk_blocks[i].name))
      k = (int)i;
  struct page_block b;
  memset(&b, 0, sizeof b);
  b.line = ps->code_line;
  const char *s = ps->code.s ? ps->code.s : "";
  if (k < 0) {
    add_problem(ps->page, ps->code_line,
                "unknown block '%s' — use one of stats, hotlines, contacts, qr "
                "(its text is shown as a plain paragraph)",
                *lang ? lang : "(no name)");
    b.type = PAGE_PARAGRAPH;
    b.spans = calloc(1, sizeof *b.spans);
    if (!b.spans) {
      ps->oom = 1;
      return;
    }
    b.n_spans = 1;
    b.spans[0].text = strdup(s);
    for (char *c = b.spans[0].text; c && *c; c++)
      if (*c == '\n')
        *c = ' ';
    trim_spans(&b);
    if (block_has_text(&b))
      push_block(ps, &b);
    else
      free_block(&b);
    return;
  }
  b.type = kiosk_blocks[k].type;
  int line = ps->code_line;
  const char *p = s;
  while (*p) {
    line++;
    const char *eol = strchr(p, '\n');
    size_t n = eol ? (size_t)(eol - p) : strlen(p);
    char *row_text = trim_dup(p, n);
    p += n + (eol ? 1 : 0);
    if (!row_text) {
      ps->oom = 1;
      break;
    }
    if (!*row_text) {
      free(row_text);
      continue;
    }
    struct page_row row = {0};
    char *save = NULL;
    for (char *c = row_text;; c = NULL) {
      char *cell = strtok_r(c, "|", &save);
      if (!cell)
        break;
      char **nc = realloc(row.cells, (row.n_cells + 1) * sizeof *nc);
      if (!nc)
        break;
      row.cells = nc;
      row.cells[row.n_cells++] = trim_dup(cell, strlen(cell));
    }
    free(row_text);
    if (row.n_cells < kiosk_blocks[k].min_cells || row.n_cells > kiosk_blocks[k].max_cells)
      add_problem(ps->page, line, "'%s' row has %zu part%s, expected %s", kiosk_blocks[k].name,
                  row.n_cells, row.n_cells == 1 ? "" : "s", kiosk_blocks[k].form);
    struct page_row *nr = realloc(b.rows, (b.n_rows + 1) * sizeof *nr);
    if (!nr) {
      for (size_t c = 0; c < row.n_cells; c++)
        free(row.cells[c]);
      free(row.cells);
      ps->oom = 1;
      break;
    }
    b.rows = nr;
    b.rows[b.n_rows++] = row;
  }
  if (b.n_rows == 0) {
    add_problem(ps->page, ps->code_line, "'%s' block is empty — write one row per line: %s",
                kiosk_blocks[k].name, kiosk_blocks[k].form);
    free_block(&b);
    return;
  }
  push_block(ps, &b);
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
  struct parser *ps = userdata;
  switch (type) {
  case MD_BLOCK_H:
    ps->heading_level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
    begin_text_block(ps, PAGE_HEADING, ps->heading_level);
    break;
  case MD_BLOCK_P:
    if (ps->in_block) /* a paragraph inside a list item */
      break;
    begin_text_block(ps, ps->quote_depth ? PAGE_QUOTE : PAGE_PARAGRAPH, 0);
    break;
  case MD_BLOCK_UL:
  case MD_BLOCK_OL:
    if (ps->in_block)
      end_text_block(ps); /* text of the parent item before a nested list */
    if (ps->list_depth < 16) {
      ps->list_ordered[ps->list_depth] = type == MD_BLOCK_OL;
      ps->list_next[ps->list_depth] =
          type == MD_BLOCK_OL ? (int)((MD_BLOCK_OL_DETAIL *)detail)->start : 0;
    }
    ps->list_depth++;
    break;
  case MD_BLOCK_LI: {
    int d = ps->list_depth > 16 ? 15 : ps->list_depth - 1;
    begin_text_block(ps, PAGE_LIST_ITEM, ps->list_depth);
    ps->cur.ordered = d >= 0 ? ps->list_ordered[d] : 0;
    ps->cur.number = d >= 0 ? ps->list_next[d]++ : 0;
    break;
  }
  case MD_BLOCK_QUOTE: ps->quote_depth++; break;
  case MD_BLOCK_HR: {
    struct page_block b;
    memset(&b, 0, sizeof b);
    b.type = PAGE_RULE;
    push_block(ps, &b);
    break;
  }
  case MD_BLOCK_CODE: {
    MD_BLOCK_CODE_DETAIL *d = detail;
    ps->in_code = 1;
    size_t n = d->lang.size < sizeof ps->code_lang - 1 ? d->lang.size : sizeof ps->code_lang - 1;
    if (n) /* a fence without a language has no text at all */
      memcpy(ps->code_lang, d->lang.text, n);
    ps->code_lang[n] = '\0';
    ps->code_line = d->info.text ? line_of(ps, d->info.text) : 0;
    ps->code.len = 0;
    if (ps->code.s)
      ps->code.s[0] = '\0';
    break;
  }
  case MD_BLOCK_HTML:
    add_problem(ps->page, 0, "raw HTML is not shown on the kiosk — write it as Markdown");
    break;
  case MD_BLOCK_TABLE:
    if (ps->in_block)
      end_text_block(ps);
    memset(&ps->table, 0, sizeof ps->table);
    ps->table.type = PAGE_TABLE;
    ps->in_table = 1;
    break;
  case MD_BLOCK_THEAD: ps->in_head = 1; break;
  case MD_BLOCK_TR: {
    if (!ps->in_table)
      break;
    struct page_row *nr = realloc(ps->table.rows, (ps->table.n_rows + 1) * sizeof *nr);
    if (!nr) {
      ps->oom = 1;
      break;
    }
    ps->table.rows = nr;
    memset(&nr[ps->table.n_rows++], 0, sizeof *nr);
    if (ps->in_head)
      ps->table.level++;
    break;
  }
  case MD_BLOCK_TH:
  case MD_BLOCK_TD:
    ps->in_cell = 1;
    ps->cell.len = 0;
    if (ps->cell.s)
      ps->cell.s[0] = '\0';
    break;
  default: break;
  }
  return 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
  (void)detail;
  struct parser *ps = userdata;
  switch (type) {
  case MD_BLOCK_H:
  case MD_BLOCK_LI:
    if (ps->in_block)
      end_text_block(ps);
    break;
  case MD_BLOCK_P:
    /* Inside a list item the item ends the block, not the paragraph, unless
     * it is a second paragraph in a loose list. */
    if (ps->in_block && ps->cur.type != PAGE_LIST_ITEM)
      end_text_block(ps);
    else if (ps->in_block && ps->cur.type == PAGE_LIST_ITEM) {
      flush_span(ps);
      if (block_has_text(&ps->cur)) {
        ps->text.len = 0;
        buf_add(&ps->text, " ", 1);
        flush_span(ps);
      }
    }
    break;
  case MD_BLOCK_UL:
  case MD_BLOCK_OL: ps->list_depth--; break;
  case MD_BLOCK_QUOTE: ps->quote_depth--; break;
  case MD_BLOCK_CODE:
    ps->in_code = 0;
    end_code_block(ps);
    break;
  case MD_BLOCK_THEAD: ps->in_head = 0; break;
  case MD_BLOCK_TH:
  case MD_BLOCK_TD: {
    ps->in_cell = 0;
    if (!ps->in_table || ps->table.n_rows == 0)
      break;
    struct page_row *row = &ps->table.rows[ps->table.n_rows - 1];
    char *cell = trim_dup(ps->cell.s ? ps->cell.s : "", ps->cell.len);
    char **nc = cell ? realloc(row->cells, (row->n_cells + 1) * sizeof *nc) : NULL;
    if (!nc) {
      free(cell);
      ps->oom = 1;
      break;
    }
    row->cells = nc;
    row->cells[row->n_cells++] = cell;
    break;
  }
  case MD_BLOCK_TABLE:
    ps->in_table = 0;
    if (ps->table.n_rows)
      push_block(ps, &ps->table);
    else
      free_block(&ps->table);
    break;
  default: break;
  }
  return 0;
}

static void update_flags(struct parser *ps)
{
  ps->flags = (ps->strong_depth ? PAGE_SPAN_BOLD : 0) | (ps->em_depth ? PAGE_SPAN_ITALIC : 0) |
      (ps->link_depth ? PAGE_SPAN_LINK : 0) | (ps->flags & PAGE_SPAN_CODE);
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
  struct parser *ps = userdata;
  if (ps->in_img)
    return 0; /* formatting inside alt text is flattened */
  flush_span(ps);
  switch (type) {
  case MD_SPAN_EM: ps->em_depth++; break;
  case MD_SPAN_STRONG: ps->strong_depth++; break;
  case MD_SPAN_CODE: ps->flags |= PAGE_SPAN_CODE; break;
  case MD_SPAN_A:
    ps->link_depth++;
    free(ps->href);
    ps->href = attr_dup(&((MD_SPAN_A_DETAIL *)detail)->href);
    break;
  case MD_SPAN_IMG: {
    MD_SPAN_IMG_DETAIL *d = detail;
    ps->in_img = 1;
    ps->img_alt.len = 0;
    free(ps->img_src);
    ps->img_src = attr_dup(&d->src);
    ps->img_line = line_of(ps, d->src.text);
    break;
  }
  default: break;
  }
  update_flags(ps);
  return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
  (void)detail;
  struct parser *ps = userdata;
  if (type == MD_SPAN_IMG && ps->in_img) {
    ps->in_img = 0;
    struct page_block b;
    memset(&b, 0, sizeof b);
    b.type = PAGE_IMAGE;
    b.line = ps->img_line;
    b.caption = trim_dup(ps->img_alt.s ? ps->img_alt.s : "", ps->img_alt.len);
    b.src = ps->img_src ? resolve_src(ps->page->name, ps->img_src) : NULL;
    if (!b.src) {
      add_problem(ps->page, ps->img_line,
                  "image '%s' is not a file inside the pack — put it in media/ and "
                  "write ../media/NAME",
                  ps->img_src ? ps->img_src : "");
      b.src = strdup("");
    }
    struct page_block *np = realloc(ps->pending_imgs, (ps->n_pending + 1) * sizeof *np);
    if (!np) {
      free_block(&b);
      ps->oom = 1;
      return 0;
    }
    ps->pending_imgs = np;
    ps->pending_imgs[ps->n_pending++] = b;
    if (!ps->in_block) /* an image outside any paragraph */
      end_text_block(ps);
    return 0;
  }
  if (ps->in_img)
    return 0;
  flush_span(ps);
  switch (type) {
  case MD_SPAN_EM: ps->em_depth--; break;
  case MD_SPAN_STRONG: ps->strong_depth--; break;
  case MD_SPAN_CODE: ps->flags &= ~(unsigned)PAGE_SPAN_CODE; break;
  case MD_SPAN_A:
    ps->link_depth--;
    if (!ps->link_depth) {
      free(ps->href);
      ps->href = NULL;
    }
    break;
  default: break;
  }
  update_flags(ps);
  return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
  struct parser *ps = userdata;
  if (ps->in_code) {
    if (buf_add(&ps->code, text, size))
      ps->oom = 1;
    return 0;
  }
  if (ps->in_cell) {
    const char *cs = (type == MD_TEXT_BR || type == MD_TEXT_SOFTBR) ? " " : text;
    if (buf_add(&ps->cell, cs, cs == text ? size : 1))
      ps->oom = 1;
    return 0;
  }
  if (ps->in_table)
    return 0;
  struct buf *dst = ps->in_img ? &ps->img_alt : &ps->text;
  const char *s = text;
  size_t n = size;
  if (type == MD_TEXT_BR || type == MD_TEXT_SOFTBR) {
    s = " ";
    n = 1;
  } else if (type == MD_TEXT_NULLCHAR) {
    s = "\xEF\xBF\xBD";
    n = 3;
  } else if (type == MD_TEXT_ENTITY) {
    /* The few entities authors actually type; others are kept verbatim. */
    static const struct {
      const char *name, *utf8;
    } ents[] = {{"&nbsp;", "\xC2\xA0"},
                {"&amp;", "&"},
                {"&lt;", "<"},
                {"&gt;", ">"},
                {"&quot;", "\""},
                {"&mdash;", "\xE2\x80\x94"},
                {"&ndash;", "\xE2\x80\x93"},
                {"&laquo;", "\xC2\xAB"},
                {"&raquo;", "\xC2\xBB"},
                {"&shy;", ""}};
    for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
      if (size == strlen(ents[i].name) && !memcmp(text, ents[i].name, size)) {
        s = ents[i].utf8;
        n = strlen(s);
      }
  }
  if (!ps->in_img && !ps->in_block) {
    /* Loose text outside a paragraph (e.g. in a table): keep it readable. */
    begin_text_block(ps, PAGE_PARAGRAPH, 0);
  }
  if (buf_add(dst, s, n))
    ps->oom = 1;
  return 0;
}

/* Reads the front matter at the top of text, if any. Returns the number of
 * bytes it occupies and sets *lines to the lines it spans. */
static size_t parse_front_matter(struct page *p, const char *text, size_t len, int *lines)
{
  *lines = 0;
  if (len < 3 || strncmp(text, "---", 3) || (len > 3 && text[3] != '\n' && text[3] != '\r'))
    return 0;
  const char *pos = memchr(text, '\n', len);
  if (!pos)
    return 0;
  pos++;
  int line = 2;
  const char *end = text + len;
  while (pos < end) {
    const char *eol = memchr(pos, '\n', (size_t)(end - pos));
    size_t n = eol ? (size_t)(eol - pos) : (size_t)(end - pos);
    char *l = trim_dup(pos, n);
    const char *next = eol ? eol + 1 : end;
    if (!l)
      return 0;
    if (!strcmp(l, "---")) {
      free(l);
      *lines = line;
      return (size_t)(next - text);
    }
    if (*l && *l != '#') {
      char *colon = strchr(l, ':');
      if (!colon) {
        add_problem(p, line, "front matter line '%s' is not 'key: value'", l);
      } else {
        *colon = '\0';
        char *key = trim_dup(l, strlen(l));
        char *val = trim_dup(colon + 1, strlen(colon + 1));
        if (key && val) {
          if (!strcmp(key, "duration")) {
            char *e;
            errno = 0;
            long v = strtol(val, &e, 10);
            if (*e == 's' && e[1] == '\0')
              e++;
            if (errno || e == val || *e || v < PAGE_DURATION_MIN_S || v > PAGE_DURATION_MAX_S)
              add_problem(p, line,
                          "duration '%s' must be seconds between %d and %d, e.g. 'duration: 20'",
                          val, PAGE_DURATION_MIN_S, PAGE_DURATION_MAX_S);
            else
              p->duration_s = (int)v;
          } else if (!strcmp(key, "layout")) {
            static const char *const names[] = {"auto", "text", "image-left", "image-right",
                                                "image-top"};
            int found = -1;
            for (int i = 0; i < 5; i++)
              if (!strcmp(val, names[i]))
                found = i;
            if (found < 0)
              add_problem(p, line,
                          "layout '%s' is unknown — use auto, text, image-left, "
                          "image-right or image-top",
                          val);
            else
              p->layout = (enum page_layout)found;
          } else if (!strcmp(key, "image")) {
            if (!strcmp(val, "cover"))
              p->image_fit = PAGE_IMAGE_COVER;
            else if (!strcmp(val, "contain"))
              p->image_fit = PAGE_IMAGE_CONTAIN;
            else
              add_problem(p, line,
                          "image '%s' must be cover (fill the box, crop the edges) or "
                          "contain (show the whole picture)",
                          val);
          } else if (!strcmp(key, "from") || !strcmp(key, "until")) {
            int64_t t;
            if (manifest_parse_time(val, &t)) {
              add_problem(p, line, "%s '%s' must be a date and time like 2026-12-01T00:00:00Z", key,
                          val);
            } else if (key[0] == 'f') {
              p->has_from = 1;
              p->from = t;
            } else {
              p->has_until = 1;
              p->until = t;
            }
          } else if (!strcmp(key, "hours")) {
            struct schedule_window w;
            memset(&w, 0, sizeof w);
            if (schedule_parse_hours(val, &w))
              add_problem(p, line, "hours '%s' must be HH:MM-HH:MM, e.g. 'hours: 08:00-18:00'",
                          val);
            else {
              p->has_hours = 1;
              p->hours_start_min = w.hours_start_min;
              p->hours_end_min = w.hours_end_min;
            }
          } else if (!strcmp(key, "days")) {
            unsigned d = 0;
            if (schedule_parse_days(val, &d))
              add_problem(p, line, "days '%s' must be weekdays like 'mon-fri' or 'sat,sun'", val);
            else
              p->days = d;
          } else if (!strcmp(key, "countries")) {
            /* "KZ, KG": two-letter codes, upper case. */
            char *save = NULL;
            for (char *c = strtok_r(val, ", ", &save); c; c = strtok_r(NULL, ", ", &save)) {
              if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z') {
                add_problem(p, line, "countries: '%s' is not a two-letter country code like KZ", c);
                continue;
              }
              if (p->n_countries < sizeof p->countries / sizeof p->countries[0])
                memcpy(p->countries[p->n_countries++], c, 3);
            }
          } else if (!strcmp(key, "alert")) {
            if (!strcmp(val, "true") || !strcmp(val, "yes"))
              p->alert = 1;
            else if (strcmp(val, "false") && strcmp(val, "no"))
              add_problem(p, line, "alert '%s' must be true or false", val);
          } else {
            add_problem(p, line,
                        "front matter key '%s' is unknown (known: duration, layout, "
                        "image, alert, from, until, hours, days, countries)",
                        key);
          }
        }
        free(key);
        free(val);
      }
    }
    free(l);
    pos = next;
    line++;
  }
  add_problem(p, 1, "front matter starts with '---' but has no closing '---' line");
  return 0;
}

#define PAGE_MD_PAD 64 /* zero bytes after the copy md4c reads */

int page_parse(const char *text, size_t len, const char *name, struct page **out, struct kerr *e)
{
  *out = NULL;
  if (len > PAGE_MAX_BYTES)
    return kerr_set(e, KERR_TOOBIG,
                    "%s: page is %zu bytes, more than the %d allowed — split it into several pages",
                    name, len, PAGE_MAX_BYTES);
  struct page *p = calloc(1, sizeof *p);
  if (!p || !(p->name = strdup(name))) {
    free(p);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", name);
  }
  int fm_lines = 0;
  size_t skip = parse_front_matter(p, text, len, &fm_lines);

  /* md4c 0.4.8 (Debian 12) can read a byte past the end of its input
   * (fixed upstream after that release; found by fuzz_page): it gets a
   * copy followed by zero bytes it may read, never the caller's buffer. */
  size_t md_len = len - skip;
  char *md = malloc(md_len + PAGE_MD_PAD);
  if (!md) {
    page_free(p);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", name);
  }
  if (md_len)
    memcpy(md, text + skip, md_len);
  memset(md + md_len, 0, PAGE_MD_PAD);

  struct parser ps;
  memset(&ps, 0, sizeof ps);
  ps.page = p;
  ps.src = md;
  ps.src_len = md_len;
  ps.line_offset = fm_lines;

  MD_PARSER parser;
  memset(&parser, 0, sizeof parser);
  parser.flags =
      MD_FLAG_NOHTML | MD_FLAG_PERMISSIVEEMAILAUTOLINKS | MD_FLAG_STRIKETHROUGH | MD_FLAG_TABLES;
  parser.enter_block = on_enter_block;
  parser.leave_block = on_leave_block;
  parser.enter_span = on_enter_span;
  parser.leave_span = on_leave_span;
  parser.text = on_text;
  int rc = md_parse(ps.src, (MD_SIZE)ps.src_len, &parser, &ps);
  if (ps.in_block)
    end_text_block(&ps);
  free(ps.text.s);
  free(ps.img_alt.s);
  free(ps.img_src);
  free(ps.href);
  free(ps.code.s);
  free(ps.cell.s);
  if (ps.in_table)
    free_block(&ps.table);
  for (size_t i = 0; i < ps.n_pending; i++)
    free_block(&ps.pending_imgs[i]);
  free(ps.pending_imgs);
  free_block(&ps.cur);
  free(md);
  if (ps.oom || rc != 0) {
    page_free(p);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory while reading the page", name);
  }
  if (p->n_blocks == 0)
    add_problem(p, 1, "page has no content");
  *out = p;
  return 0;
}

/* Opens root/relpath (its name into path) for page_load, page_peek and
 * page_prefetch. */
static int open_page(const char *root, const char *relpath, char path[PAGE_PATH_MAX], FILE **f,
                     struct kerr *e)
{
  snprintf(path, PAGE_PATH_MAX, "%s/%s", root, relpath);
  *f = fopen(path, "rbe");
  if (!*f)
    return kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno, "%s: cannot open page",
                      path);
  return 0;
}

int page_load(const char *root, const char *relpath, struct page **out, struct kerr *e)
{
  *out = NULL;
  char path[PAGE_PATH_MAX];
  FILE *f;
  int orc = open_page(root, relpath, path, &f, e);
  if (orc)
    return orc;
  char *data = malloc(PAGE_MAX_BYTES + 1);
  if (!data) {
    fclose(f);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", path);
  }
  size_t n = fread(data, 1, PAGE_MAX_BYTES + 1, f);
  int err = ferror(f);
  fclose(f);
  int rc;
  if (err)
    rc = kerr_set(e, KERR_IO, "%s: read error", path);
  else
    rc = page_parse(data, n, relpath, out, e);
  free(data);
  return rc;
}

void page_prefetch(const char *root, const char *relpath)
{
  char path[PAGE_PATH_MAX];
  FILE *f;
  struct kerr e;
  if (open_page(root, relpath, path, &f, &e) == 0) {
    (void)posix_fadvise(fileno(f), 0, PAGE_PEEK_BYTES, POSIX_FADV_WILLNEED);
    fclose(f);
  }
}

int page_peek(const char *root, const char *relpath, struct page **out, struct kerr *e)
{
  *out = NULL;
  char path[PAGE_PATH_MAX];
  FILE *f;
  int orc = open_page(root, relpath, path, &f, e);
  if (orc)
    return orc;
  char buf[PAGE_PEEK_BYTES];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  struct page *p = calloc(1, sizeof *p);
  if (!p || !(p->name = strdup(relpath))) {
    free(p);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", path);
  }
  int lines;
  parse_front_matter(p, buf, n, &lines);
  *out = p;
  return 0;
}

char *page_block_text(const struct page_block *b)
{
  struct buf out = {0};
  for (size_t i = 0; i < b->n_spans; i++)
    if (buf_add(&out, b->spans[i].text, strlen(b->spans[i].text))) {
      free(out.s);
      return NULL;
    }
  return buf_take(&out);
}
