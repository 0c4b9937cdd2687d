/* catalog.c — the texts of a pack source and their translations in PO
 * files (catalog.h).
 *
 * PO files are read by gettext's own libgettextpo, so a file Poedit,
 * Weblate or Crowdin accepts is read the same way here, and a broken one
 * is reported with gettext's words and line. The library reports problems
 * through a handler and keeps going; ours collects the first one and the
 * read is then refused as a whole. */
#include "kiosk-pack/catalog.h"

#include "core/fsutil.h"
#include "core/manifest.h"
#include "core/page.h"
#include "core/deck.h"

#include <errno.h>
#include <fcntl.h>
#include <gettext-po.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PO_MAX_BYTES (16u << 20)

/* ------------------------------------------------------------- catalog */

void catalog_free(struct catalog *c)
{
  if (!c)
    return;
  for (size_t i = 0; c->pages && c->m && i < c->m->n_pages; i++) {
    free(c->pages[i].text);
    seg_page_free(&c->pages[i].seg);
  }
  free(c->pages);
  for (size_t i = 0; i < c->n; i++) {
    free(c->v[i].msgid);
    free(c->v[i].comment);
  }
  free(c->v);
  manifest_free(c->m);
  free(c->src);
  free(c);
}

/* At most max bytes of s, cut at a character boundary, with "…" when cut. */
static void shorten(const char *s, size_t n, size_t max, char *out, size_t cap)
{
  size_t k = n;
  if (k > max) {
    k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
      k--;
  }
  snprintf(out, cap, "%.*s%s", (int)k, s, k < n ? "…" : "");
  for (char *p = out; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
}

static char *make_comment(const char *page, const struct seg_unit *u, const char *under,
                          const char *msgid)
{
  char what[600];
  switch (u->kind) {
  case SEG_HEADING:
    if (u->level == 1)
      snprintf(what, sizeof what, "Title of page %s.", page);
    else
      snprintf(what, sizeof what, "Heading (level %d) of page %s.", u->level, page);
    break;
  case SEG_PARAGRAPH:
  case SEG_LIST_ITEM:
  case SEG_QUOTE:
    snprintf(what, sizeof what, "%s of page %s%s%s%s.",
             u->kind == SEG_PARAGRAPH       ? "Paragraph"
                 : u->kind == SEG_LIST_ITEM ? "List item"
                                            : "Quote",
             page, *under ? ", under «" : "", under, *under ? "»" : "");
    break;
  case SEG_TABLE_CELL:
    snprintf(what, sizeof what, "Table cell of page %s, row %d%s, column %d.", page, u->level,
             u->level == 1 ? " (the header)" : "", u->column);
    break;
  case SEG_CAPTION:
    snprintf(what, sizeof what, "Caption of the picture %s on page %s.", u->note, page);
    break;
  case SEG_STATS_LABEL:
    snprintf(what, sizeof what,
             "Label under the big number %s on page %s; the number stays as it is.", u->note, page);
    break;
  case SEG_HOTLINE:
    snprintf(what, sizeof what, "Country of the hotline %s on page %s; the number stays as it is.",
             u->note, page);
    break;
  case SEG_CONTACT:
    snprintf(what, sizeof what, "Country of the address %s on page %s; the address stays as it is.",
             u->note, page);
    break;
  case SEG_QR_LABEL:
    snprintf(what, sizeof what, "Text under the QR code for %s on page %s.", u->note, page);
    break;
  }
  char marks[200] = "";
  if (strpbrk(msgid, "*_`["))
    snprintf(marks, sizeof marks,
             "\nKeep the Markdown marks around the same words: **bold**, "
             "*italic*, [text](link).");
  char line[100] = "";
  if (seg_kind_one_line(u->kind))
    snprintf(line, sizeof line, "\nOne line, without '|'.");
  size_t n = strlen(what) + strlen(marks) + strlen(line) + 1;
  char *out = malloc(n);
  if (out)
    snprintf(out, n, "%s%s%s", what, marks, seg_kind_in_row(u->kind) ? line : "");
  return out;
}

static int add_page_entries(struct catalog *c, size_t pi, struct kerr *e)
{
  const struct catalog_page *cp = &c->pages[pi];
  const char *page = c->m->pages[pi];
  char under[200] = "";
  for (size_t i = 0; i < cp->seg.n; i++) {
    const struct seg_unit *u = &cp->seg.v[i];
    struct catalog_entry *en = &c->v[c->n];
    memset(en, 0, sizeof *en);
    snprintf(en->ctxt, sizeof en->ctxt, "%s/%zu", page, i + 1);
    en->page = pi;
    en->unit = i;
    en->msgid = strndup(cp->text + u->start, u->end - u->start);
    if (!en->msgid)
      return kerr_set(e, KERR_NOMEM, "out of memory");
    en->comment = make_comment(page, u, under, en->msgid);
    c->n++;
    if (!en->comment)
      return kerr_set(e, KERR_NOMEM, "out of memory");
    if (u->kind == SEG_HEADING)
      shorten(en->msgid, strlen(en->msgid), 60, under, sizeof under);
  }
  return 0;
}

int catalog_open(const char *src, struct catalog **out, struct kerr *e)
{
  *out = NULL;
  struct catalog *c = calloc(1, sizeof *c);
  if (!c || !(c->src = strdup(src))) {
    free(c);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  for (size_t n = strlen(c->src); n > 1 && c->src[n - 1] == '/'; n--)
    c->src[n - 1] = '\0';
  int rc, dirfd = -1;
  if ((rc = deck_read_source(c->src, &c->m, e)))
    goto fail;
  c->source = c->m->languages[0];
  c->pages = calloc(c->m->n_pages, sizeof *c->pages);
  if (!c->pages) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
    goto fail;
  }
  dirfd = open(c->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot open", c->src);
    goto fail;
  }
  size_t total = 0;
  for (size_t p = 0; p < c->m->n_pages; p++) {
    struct catalog_page *cp = &c->pages[p];
    snprintf(cp->rel, sizeof cp->rel, "pages/%s.%s.md", c->m->pages[p], c->source);
    if ((rc = fsutil_read_at(dirfd, cp->rel, PAGE_MAX_BYTES, &cp->text, &cp->len, e))) {
      if (rc == KERR_NOENT)
        rc = kerr_set(e, KERR_NOENT,
                      "%s/%s: not found — pages are translated from the "
                      "first language of pack.json (%s), so every page needs this file",
                      c->src, cp->rel, c->source);
      else
        kerr_prefix(e, "%s", c->src);
      goto fail;
    }
    if ((rc = seg_split(cp->text, cp->len, &cp->seg))) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory");
      goto fail;
    }
    total += cp->seg.n;
  }
  c->v = calloc(total ? total : 1, sizeof *c->v);
  if (!c->v) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
    goto fail;
  }
  for (size_t p = 0; p < c->m->n_pages; p++)
    if ((rc = add_page_entries(c, p, e)))
      goto fail;
  close(dirfd);
  *out = c;
  return 0;
fail:
  if (dirfd >= 0)
    close(dirfd);
  catalog_free(c);
  return rc;
}

const struct catalog_entry *catalog_find(const struct catalog *c, const char *ctxt)
{
  for (size_t i = 0; i < c->n; i++)
    if (!strcmp(c->v[i].ctxt, ctxt))
      return &c->v[i];
  return NULL;
}

int catalog_has_lang(const struct catalog *c, const char *lang)
{
  for (size_t i = 0; i < c->m->n_languages; i++)
    if (!strcmp(c->m->languages[i], lang))
      return 1;
  return 0;
}

/* ------------------------------------------------------------ PO files */

/* libgettextpo reports through a handler; the first error is kept. */
static struct kerr *po_err;
static int po_failed;

static void po_xerror(int severity, po_message_t message, const char *filename, size_t lineno,
                      size_t column, int multiline_p, const char *text)
{
  (void)message, (void)column, (void)multiline_p;
  if (severity == PO_SEVERITY_WARNING || po_failed)
    return;
  po_failed = 1;
  char msg[400];
  shorten(text, strlen(text), 300, msg, sizeof msg);
  if (filename && lineno != (size_t)-1)
    kerr_set(po_err, KERR_PARSE, "%s:%zu: %s — fix this line (Poedit or msgfmt -c shows it too)",
             filename, lineno, msg);
  else
    kerr_set(po_err, KERR_PARSE, "%s: %s", filename ? filename : "PO file", msg);
}

static void po_xerror2(int severity, po_message_t m1, const char *f1, size_t l1, size_t c1, int ml1,
                       const char *t1, po_message_t m2, const char *f2, size_t l2, size_t c2,
                       int ml2, const char *t2)
{
  (void)m2, (void)f2, (void)l2, (void)c2, (void)ml2, (void)t2;
  po_xerror(severity, m1, f1, l1, c1, ml1, t1);
}

void catalog_po_free(struct catalog_po *p)
{
  if (!p)
    return;
  for (size_t i = 0; i < p->n; i++) {
    free(p->v[i].ctxt);
    free(p->v[i].msgid);
    free(p->v[i].msgstr);
    free(p->v[i].prev_msgid);
  }
  free(p->v);
  free(p->path);
  free(p->lang);
  free(p);
}

/* The line of the msgctxt "ctxt" in the file's text, or 0. Contexts we
 * write are plain ASCII, so they appear in the file as they are. */
static int ctxt_line(const char *text, size_t len, const char *ctxt)
{
  char want[200];
  snprintf(want, sizeof want, "msgctxt \"%s\"", ctxt);
  size_t k = strlen(want);
  int line = 1;
  for (size_t i = 0; i < len; i++) {
    if ((i == 0 || text[i - 1] == '\n') && len - i >= k && !strncmp(text + i, want, k) &&
        (i + k == len || text[i + k] == '\n' || text[i + k] == '\r'))
      return line;
    if (text[i] == '\n')
      line++;
  }
  return 0;
}

static char *dup_or_null(const char *s)
{
  return s ? strdup(s) : NULL;
}

int catalog_po_read(const char *path, struct catalog_po **out, struct kerr *e)
{
  *out = NULL;
  /* The file is read once by us (bounded, no symlink) to find lines, and
   * handed to gettext by name. */
  char *text = NULL;
  size_t len = 0;
  int rc = fsutil_read_file(path, PO_MAX_BYTES, "PO file", &text, &len, e);
  if (rc)
    return rc;
  struct catalog_po *p = calloc(1, sizeof *p);
  if (!p || !(p->path = strdup(path))) {
    free(p);
    free(text);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  struct po_xerror_handler h = {po_xerror, po_xerror2};
  struct kerr pe;
  kerr_clear(&pe);
  po_err = &pe;
  po_failed = 0;
  po_file_t f = po_file_read(path, &h);
  po_err = NULL;
  if (!f || po_failed) {
    if (f)
      po_file_free(f);
    if (!po_failed)
      kerr_set(&pe, KERR_PARSE, "%s: cannot be read as a PO file", path);
    catalog_po_free(p);
    free(text);
    return kerr_set(e, KERR_PARSE, "%s", pe.msg);
  }
  const char *header = po_file_domain_header(f, NULL);
  char *lang = header ? po_header_field(header, "Language") : NULL;
  if (lang && *lang) {
    p->lang = lang;
  } else {
    free(lang);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    p->lang = n > 3 && !strcmp(base + n - 3, ".po") ? strndup(base, n - 3) : strdup(base);
  }
  size_t cap = 0;
  po_message_iterator_t it = po_message_iterator(f, NULL);
  po_message_t msg;
  int oom = !p->lang;
  while (!oom && (msg = po_next_message(it))) {
    if (po_message_is_obsolete(msg) || !*po_message_msgid(msg))
      continue;
    if (p->n == cap) {
      cap = cap ? 2 * cap : 64;
      struct catalog_msg *v = realloc(p->v, cap * sizeof *v);
      if (!v) {
        oom = 1;
        break;
      }
      p->v = v;
    }
    struct catalog_msg *m = &p->v[p->n++];
    memset(m, 0, sizeof *m);
    m->ctxt = dup_or_null(po_message_msgctxt(msg));
    m->msgid = strdup(po_message_msgid(msg));
    m->msgstr = strdup(po_message_msgstr(msg) ? po_message_msgstr(msg) : "");
    m->prev_msgid = dup_or_null(po_message_prev_msgid(msg));
    m->fuzzy = po_message_is_fuzzy(msg);
    m->line = m->ctxt ? ctxt_line(text, len, m->ctxt) : 0;
    if ((po_message_msgctxt(msg) && !m->ctxt) || !m->msgid || !m->msgstr ||
        (po_message_prev_msgid(msg) && !m->prev_msgid))
      oom = 1;
  }
  po_message_iterator_free(it);
  po_file_free(f);
  free(text);
  if (oom) {
    catalog_po_free(p);
    return kerr_set(e, KERR_NOMEM, "out of memory reading %s", path);
  }
  *out = p;
  return 0;
}

const struct catalog_msg *catalog_po_find(const struct catalog_po *p, const char *ctxt)
{
  for (size_t i = 0; p && i < p->n; i++)
    if (p->v[i].ctxt && !strcmp(p->v[i].ctxt, ctxt))
      return &p->v[i];
  return NULL;
}

int catalog_record(const struct catalog *c, const char *lang, struct catalog_po **out,
                   struct kerr *e)
{
  *out = NULL;
  char path[4400];
  snprintf(path, sizeof path, "%s/" CATALOG_PO_DIR "/%s.po", c->src, lang);
  struct stat sb;
  if (lstat(path, &sb) != 0 && errno == ENOENT)
    return 0;
  return catalog_po_read(path, out, e);
}

enum catalog_state catalog_state(const struct catalog *c, size_t i, const struct catalog_po *rec,
                                 const struct catalog_msg **msg)
{
  if (msg)
    *msg = NULL;
  if (!rec)
    return CATALOG_OK;
  const struct catalog_msg *m = catalog_po_find(rec, c->v[i].ctxt);
  if (msg)
    *msg = m;
  if (!m || !*m->msgstr)
    return CATALOG_MISSING;
  if (m->fuzzy)
    return CATALOG_FUZZY;
  if (strcmp(m->msgid, c->v[i].msgid))
    return CATALOG_STALE;
  return CATALOG_OK;
}

int catalog_page_ready(const struct catalog *c, size_t p, const struct catalog_po *rec,
                       int allow_fuzzy)
{
  for (size_t i = 0; i < c->n; i++) {
    if (c->v[i].page != p)
      continue;
    enum catalog_state s = catalog_state(c, i, rec, NULL);
    if (s == CATALOG_MISSING || (s != CATALOG_OK && !allow_fuzzy))
      return 0;
  }
  return 1;
}

/* ------------------------------------------------------------ for build */

void catalog_review_free(struct catalog_review *r)
{
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++)
    free(r->v[i].fallback);
  free(r->v);
  catalog_free(r->c);
  free(r);
}

int catalog_review(const char *src, int allow_fuzzy, struct catalog_review **out, struct kerr *e)
{
  *out = NULL;
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/" CATALOG_PO_DIR, src);
  struct stat sb;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return 0;
  struct catalog_review *r = calloc(1, sizeof *r);
  if (!r)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  int rc = catalog_open(src, &r->c, e);
  if (rc) {
    free(r);
    return rc;
  }
  const struct catalog *c = r->c;
  size_t nl = c->m->n_languages - 1, np = c->m->n_pages;
  r->v = calloc(nl ? nl : 1, sizeof *r->v);
  if (!r->v) {
    catalog_review_free(r);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  for (size_t l = 0; l < nl; l++) {
    struct catalog_lang_review *lr = &r->v[r->n++];
    lr->lang = c->m->languages[l + 1];
    lr->fallback = calloc(np, 1);
    struct catalog_po *rec = NULL;
    if (!lr->fallback) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory");
      break;
    }
    if ((rc = catalog_record(c, lr->lang, &rec, e)))
      break;
    if (!rec)
      continue;
    lr->has_record = 1;
    for (size_t i = 0; i < c->n; i++) {
      enum catalog_state st = catalog_state(c, i, rec, NULL);
      lr->n_fuzzy += st == CATALOG_FUZZY;
      lr->n_stale += st == CATALOG_STALE;
      lr->n_missing += st == CATALOG_MISSING;
    }
    for (size_t p = 0; p < np; p++)
      if (!catalog_page_ready(c, p, rec, allow_fuzzy)) {
        lr->fallback[p] = catalog_page_ready(c, p, rec, 1) ? 2 : 1;
        lr->n_fallback++;
      }
    catalog_po_free(rec);
  }
  if (rc) {
    catalog_review_free(r);
    return rc;
  }
  *out = r;
  return 0;
}
