/* cmd_po.c — `kiosk-pack po export|import`: the pack's texts as gettext PO
 * files and back.
 *
 * Export writes one entry per text of the source language (catalog.h),
 * with its page and line as the reference and a note saying what it is;
 * numbers, phone numbers and addresses are never entries. A language's
 * translation of a text is the same text of its page when that page has
 * the same blocks as the source page.
 *
 * Import puts each translation back in its place: into the language page
 * when it has the same blocks as the source page (so what is only in that
 * page — its own front matter, its own way of writing a number — is kept),
 * else into a copy of the source page. Every file is read and checked
 * before the first byte is written, and a page whose bytes would not
 * change is not touched: export then import changes nothing. The PO file
 * taken is kept as SRC/po/<lang>.po, the record lint and build read to
 * tell an up-to-date translation from an out-of-date one. */
#include "kiosk-pack/cmd_po.h"
#include "kiosk-pack/catalog.h"
#include "kiosk-pack/cli.h"
#include "kiosk-pack/lint_phone.h"

#include "core/fsutil.h"
#include "core/manifest.h"
#include "core/page.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gettext-po.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PO_FILE_MAX (16u << 20)

static void say(FILE *msgs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(FILE *msgs, const char *fmt, ...)
{
  if (!msgs)
    return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(msgs, fmt, ap);
  va_end(ap);
  fputc('\n', msgs);
}

/* A language page of the source folder, cut into texts. */
struct lang_page {
  int exists;
  char *text;
  size_t len;
  struct seg_page seg;
  int aligned; /* same blocks as the source page */
};

static void lang_page_free(struct lang_page *lp)
{
  free(lp->text);
  seg_page_free(&lp->seg);
  memset(lp, 0, sizeof *lp);
}

static int lang_page_read(const struct catalog *c, size_t p, const char *lang, struct lang_page *lp,
                          struct kerr *e)
{
  memset(lp, 0, sizeof *lp);
  char path[4400];
  snprintf(path, sizeof path, "%s/pages/%s.%s.md", c->src, c->m->pages[p], lang);
  int rc = fsutil_read_file(path, PAGE_MAX_BYTES, "page", &lp->text, &lp->len, e);
  if (rc == KERR_NOENT)
    return 0;
  if (rc)
    return rc;
  lp->exists = 1;
  if (seg_split(lp->text, lp->len, &lp->seg))
    return kerr_set(e, KERR_NOMEM, "out of memory");
  lp->aligned = seg_aligned(&c->pages[p].seg, &lp->seg);
  return 0;
}

/* ------------------------------------------------------------- writing */

static void w_xerror(int severity, po_message_t message, const char *filename, size_t lineno,
                     size_t column, int multiline_p, const char *text)
{
  (void)severity, (void)message, (void)filename, (void)lineno, (void)column, (void)multiline_p;
  fprintf(stderr, "kiosk-pack po: %s\n", text);
}

static void w_xerror2(int severity, po_message_t m1, const char *f1, size_t l1, size_t c1, int ml1,
                      const char *t1, po_message_t m2, const char *f2, size_t l2, size_t c2,
                      int ml2, const char *t2)
{
  (void)m2, (void)f2, (void)l2, (void)c2, (void)ml2, (void)t2;
  w_xerror(severity, m1, f1, l1, c1, ml1, t1);
}

/* One language's column of the catalog: msgstr, fuzzy and previous msgid
 * for every entry. */
struct column {
  char **msgstr; /* NULL: untranslated; owned */
  int *fuzzy;
  const char **prev;
};

static int write_po(const struct catalog *c, const char *lang, const struct column *col, int out_fd,
                    const char *out_dir, const char *name, struct kerr *e)
{
  po_file_t f = po_file_create();
  po_message_iterator_t it = po_message_iterator(f, NULL);
  char header[800], when[40];
  cli_fmt_time(c->m->created, when, sizeof when); /* "2020-07-10 00:00 UTC" */
  char *utc = strstr(when, " UTC");
  if (utc)
    snprintf(utc, sizeof when - (size_t)(utc - when), "+0000");
  snprintf(header, sizeof header,
           "Project-Id-Version: %s %llu\n"
           "POT-Creation-Date: %s\n"
           "PO-Revision-Date: %s\n"
           "Last-Translator: \n"
           "Language-Team: \n"
           "Language: %s\n"
           "MIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=UTF-8\n"
           "Content-Transfer-Encoding: 8bit\n"
           "X-Source-Language: %s\n",
           c->m->id, (unsigned long long)c->m->version, when, when, lang ? lang : "", c->source);
  po_message_t h = po_message_create();
  po_message_set_msgid(h, "");
  po_message_set_msgstr(h, header);
  po_message_set_extracted_comments(
      h,
      lang ? "Texts of the pack's pages. Translate each text as it is; numbers, phone\n"
             "numbers and addresses are not here: they stay as they are."
           : "Template: every text of the pack's pages, in the source language.");
  po_message_insert(it, h);
  for (size_t i = 0; i < c->n; i++) {
    const struct catalog_entry *en = &c->v[i];
    po_message_t m = po_message_create();
    po_message_set_msgctxt(m, en->ctxt);
    po_message_set_msgid(m, en->msgid);
    po_message_set_msgstr(m, col && col->msgstr[i] ? col->msgstr[i] : "");
    po_message_set_extracted_comments(m, en->comment);
    po_message_add_filepos(m, c->pages[en->page].rel,
                           (size_t)c->pages[en->page].seg.v[en->unit].line);
    if (col && col->fuzzy[i]) {
      po_message_set_fuzzy(m, 1);
      if (col->prev[i])
        po_message_set_prev_msgid(m, col->prev[i]);
    }
    po_message_insert(it, m);
  }
  po_message_iterator_free(it);
  /* gettext writes by name: into a temporary beside the target, then
   * fsync and rename. */
  char tmp[4400], path[4400];
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp", out_dir, name);
  snprintf(path, sizeof path, "%s/%s", out_dir, name);
  struct po_xerror_handler wh = {w_xerror, w_xerror2};
  po_file_t wr = po_file_write(f, tmp, &wh);
  po_file_free(f);
  int rc = 0;
  if (!wr) {
    rc = kerr_set(e, KERR_IO, "%s: could not be written", path);
  } else if ((rc = fsutil_fsync_at(out_fd, strrchr(tmp, '/') + 1, e)) == 0) {
    if (renameat(out_fd, strrchr(tmp, '/') + 1, out_fd, name) != 0)
      rc = kerr_errno(e, KERR_IO, errno, "%s: could not be written", path);
    else
      rc = fsutil_fsync_fd(out_fd, out_dir, e);
  }
  if (rc)
    unlinkat(out_fd, strrchr(tmp, '/') + 1, 0);
  return rc;
}

/* The record's message with the same source text, translated. */
static const struct catalog_msg *same_text(const struct catalog_po *rec, const char *msgid)
{
  for (size_t i = 0; rec && i < rec->n; i++)
    if (!strcmp(rec->v[i].msgid, msgid) && *rec->v[i].msgstr)
      return &rec->v[i];
  return NULL;
}

static int export_lang(const struct catalog *c, const char *lang, int out_fd, const char *out_dir,
                       FILE *msgs, struct kerr *e)
{
  struct catalog_po *rec = NULL;
  int rc = catalog_record(c, lang, &rec, e);
  if (rc)
    return rc;
  struct column col;
  col.msgstr = calloc(c->n ? c->n : 1, sizeof *col.msgstr);
  col.fuzzy = calloc(c->n ? c->n : 1, sizeof *col.fuzzy);
  col.prev = calloc(c->n ? c->n : 1, sizeof *col.prev);
  struct lang_page *lps = calloc(c->m->n_pages, sizeof *lps);
  size_t n_done = 0, n_fuzzy = 0;
  if (!col.msgstr || !col.fuzzy || !col.prev || !lps) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
    goto out;
  }
  for (size_t p = 0; p < c->m->n_pages; p++) {
    if ((rc = lang_page_read(c, p, lang, &lps[p], e)))
      goto out;
    if (lps[p].exists && !lps[p].aligned)
      say(msgs,
          "warning: %s/pages/%s.%s.md does not have the same blocks as %s (%zu texts "
          "against %zu), so its texts cannot be matched: they are left out of %s.po — make "
          "the page follow the %s page, or have it translated again",
          c->src, c->m->pages[p], lang, c->pages[p].rel, lps[p].seg.n, c->pages[p].seg.n, lang,
          c->source);
  }
  for (size_t i = 0; i < c->n; i++) {
    const struct catalog_entry *en = &c->v[i];
    const struct lang_page *lp = &lps[en->page];
    char *from_page = NULL;
    if (lp->aligned) {
      const struct seg_unit *u = &lp->seg.v[en->unit];
      from_page = strndup(lp->text + u->start, u->end - u->start);
      if (!from_page) {
        rc = kerr_set(e, KERR_NOMEM, "out of memory");
        goto out;
      }
    }
    const struct catalog_msg *rm = catalog_po_find(rec, en->ctxt);
    const struct catalog_msg *same;
    const char *kept = NULL; /* a translation from the record */
    if (!rec) {
      /* No record: the pages are taken as they are. */
    } else if (rm && !strcmp(rm->msgid, en->msgid)) {
      kept = rm->msgstr;
      col.fuzzy[i] = rm->fuzzy;
      col.prev[i] = rm->prev_msgid;
    } else if ((same = same_text(rec, en->msgid))) {
      /* The text moved (a paragraph was added before it): its translation
       * moves with it. */
      free(from_page);
      from_page = NULL;
      kept = same->msgstr;
      col.fuzzy[i] = same->fuzzy;
      col.prev[i] = same->prev_msgid;
    } else if (rm) {
      /* The source text changed since it was translated. */
      kept = rm->msgstr;
      col.fuzzy[i] = 1;
      col.prev[i] = rm->msgid;
    } else {
      /* New since the record: a matching page text is only a guess. */
      col.fuzzy[i] = 1;
    }
    if (!from_page && kept && *kept && !(from_page = strdup(kept))) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory");
      goto out;
    }
    col.msgstr[i] = from_page;
    if (!from_page)
      col.fuzzy[i] = 0, col.prev[i] = NULL;
    n_done += col.msgstr[i] != NULL;
    n_fuzzy += col.fuzzy[i] != 0;
  }
  char name[80];
  snprintf(name, sizeof name, "%s.po", lang);
  rc = write_po(c, lang, &col, out_fd, out_dir, name, e);
  if (!rc)
    say(msgs, "%s/%s: %zu of %zu texts translated, %zu fuzzy", out_dir, name, n_done, c->n,
        n_fuzzy);
out:
  for (size_t i = 0; col.msgstr && i < c->n; i++)
    free(col.msgstr[i]);
  free(col.msgstr);
  free(col.fuzzy);
  free(col.prev);
  for (size_t p = 0; lps && p < c->m->n_pages; p++)
    lang_page_free(&lps[p]);
  free(lps);
  catalog_po_free(rec);
  return rc;
}

int cmd_po_export(const char *src, const char *out_dir, FILE *msgs, struct kerr *e)
{
  struct catalog *c = NULL;
  int rc = catalog_open(src, &c, e);
  if (rc)
    return rc;
  if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot make the folder", out_dir);
    catalog_free(c);
    return rc;
  }
  int fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot open the folder", out_dir);
    catalog_free(c);
    return rc;
  }
  /* The record of what was translated must not be overwritten by the
   * files going out. */
  char rec_dir[4200];
  struct stat a, b;
  snprintf(rec_dir, sizeof rec_dir, "%s/" CATALOG_PO_DIR, c->src);
  if (fstat(fd, &a) == 0 && stat(rec_dir, &b) == 0 && a.st_dev == b.st_dev &&
      a.st_ino == b.st_ino) {
    close(fd);
    rc = kerr_set(e, KERR_USAGE,
                  "%s is the pack's own record of the translations — export "
                  "into another folder, for example %s-po",
                  out_dir, c->src);
    catalog_free(c);
    return rc;
  }
  char name[MANIFEST_ID_MAX + 8];
  snprintf(name, sizeof name, "%s.pot", c->m->id);
  rc = write_po(c, NULL, NULL, fd, out_dir, name, e);
  if (!rc)
    say(msgs, "%s/%s: %zu texts from %zu pages (%s)", out_dir, name, c->n, c->m->n_pages,
        c->source);
  for (size_t l = 1; rc == 0 && l < c->m->n_languages; l++)
    rc = export_lang(c, c->m->languages[l], fd, out_dir, msgs, e);
  close(fd);
  catalog_free(c);
  return rc;
}

/* ------------------------------------------------------------- import */

struct incoming {
  struct catalog_po *po;
  char *bytes; /* the file as it came, for the record */
  size_t len;
  size_t lang;  /* index in m->languages */
  char **pages; /* new text per page, NULL: unchanged */
  size_t *page_len;
  size_t n_written, n_same, n_untranslated, n_fuzzy, n_unknown;
};

static void incoming_free(struct incoming *in, size_t n_pages)
{
  catalog_po_free(in->po);
  free(in->bytes);
  for (size_t p = 0; in->pages && p < n_pages; p++)
    free(in->pages[p]);
  free(in->pages);
  free(in->page_len);
}

static int has_unescaped_pipe(const char *s)
{
  for (; *s; s++) {
    if (*s == '\\' && s[1]) {
      s++;
      continue;
    }
    if (*s == '|')
      return 1;
  }
  return 0;
}

/* Whether a translation can stand in its place: one line where the source
 * has one, no '|' inside a row, no empty line inside a paragraph. */
static int check_translation(const struct catalog_entry *en, const struct seg_unit *u,
                             const struct catalog_po *po, const struct catalog_msg *m,
                             struct kerr *e)
{
  const char *why = NULL;
  if (seg_kind_one_line(u->kind) && strchr(m->msgstr, '\n'))
    why = "must stay on one line";
  else if (seg_kind_in_row(u->kind) && has_unescaped_pipe(m->msgstr))
    why = "must not contain '|', which would split its row";
  else if (strstr(m->msgstr, "\n\n") || strstr(m->msgstr, "\n\r\n"))
    why = "must not contain an empty line, which would make two paragraphs of it";
  else if (m->msgstr[strspn(m->msgstr, " \t\r\n")] == '\0')
    why = "is only spaces";
  if (!why) {
    /* A phone number of the source text must come through unchanged: a
     * wrong digit on the wall sends people to a stranger. */
    size_t at = 0, st, len, n = strlen(en->msgid);
    while (lint_phone_next(en->msgid, n, &at, &st, &len)) {
      char num[64];
      snprintf(num, sizeof num, "%.*s", (int)len, en->msgid + st);
      if (!strstr(m->msgstr, num))
        return kerr_set(e, KERR_PARSE,
                        "%s:%d: the translation of %s leaves out or changes the "
                        "phone number «%.*s» of the source text — phone numbers stay exactly as "
                        "they are; correct it in the PO file and import again",
                        po->path, m->line, en->ctxt, (int)len, en->msgid + st);
    }
    return 0;
  }
  return kerr_set(e, KERR_PARSE,
                  "%s:%d: the translation of %s (%s) %s — correct it in the PO "
                  "file and import again",
                  po->path, m->line, en->ctxt, seg_kind_name(u->kind), why);
}

static int prepare_lang(const struct catalog *c, struct incoming *in, struct kerr *e)
{
  const char *lang = c->m->languages[in->lang];
  size_t np = c->m->n_pages;
  in->pages = calloc(np, sizeof *in->pages);
  in->page_len = calloc(np, sizeof *in->page_len);
  const char **repl = calloc(c->n ? c->n : 1, sizeof *repl);
  int rc = 0;
  if (!in->pages || !in->page_len || !repl) {
    free(repl);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < in->po->n; i++)
    if (!in->po->v[i].ctxt || !catalog_find(c, in->po->v[i].ctxt))
      in->n_unknown++;
  for (size_t p = 0; p < np && !rc; p++) {
    const struct catalog_page *sp = &c->pages[p];
    size_t first = 0;
    while (first < c->n && c->v[first].page != p)
      first++;
    size_t n_tr = 0;
    const struct catalog_msg **msgs = calloc(sp->seg.n ? sp->seg.n : 1, sizeof *msgs);
    if (!msgs) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory");
      break;
    }
    for (size_t k = 0; k < sp->seg.n && !rc; k++) {
      const struct catalog_entry *en = &c->v[first + k];
      const struct catalog_msg *m = catalog_po_find(in->po, en->ctxt);
      repl[k] = NULL;
      if (!m || !*m->msgstr)
        continue;
      if ((rc = check_translation(en, &sp->seg.v[k], in->po, m, e)))
        break;
      repl[k] = m->msgstr;
      msgs[k] = m;
      n_tr++;
      in->n_fuzzy += m->fuzzy || strcmp(m->msgid, en->msgid) != 0;
    }
    in->n_untranslated += sp->seg.n - n_tr;
    if (rc) {
      free(msgs);
      break;
    }
    struct lang_page lp;
    if ((rc = lang_page_read(c, p, lang, &lp, e))) {
      free(msgs);
      break;
    }
    /* Nothing translated: an existing page is left as it is; a missing one
     * starts as a copy of the source page, which the pack shows until the
     * translation comes (build and lint read the record for that). */
    if (n_tr == 0 && sp->seg.n > 0 && lp.exists) {
      lang_page_free(&lp);
      free(msgs);
      continue;
    }
    const char *base = lp.aligned ? lp.text : sp->text;
    size_t base_len = lp.aligned ? lp.len : sp->len;
    const struct seg_page *bseg = lp.aligned ? &lp.seg : &sp->seg;
    size_t n;
    char *out = seg_compose(base, base_len, bseg, repl, &n);
    if (!out) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory");
    } else {
      /* The page must come back with the same texts in the same blocks,
       * or the next export could not match it. */
      struct seg_page check;
      if (seg_split(out, n, &check)) {
        rc = kerr_set(e, KERR_NOMEM, "out of memory");
      } else {
        for (size_t k = 0; k < sp->seg.n && !rc; k++) {
          int ok = seg_aligned(&check, &sp->seg);
          if (ok && repl[k]) {
            const struct seg_unit *u = &check.v[k];
            ok = u->end - u->start == strlen(repl[k]) &&
                !memcmp(out + u->start, repl[k], u->end - u->start);
          }
          if (!ok) {
            const struct catalog_msg *m = msgs[k];
            size_t bad = k;
            /* Name the first translation that moved things, if any. */
            while (!m && bad < sp->seg.n)
              m = msgs[bad++];
            rc = kerr_set(e, KERR_PARSE,
                          "%s:%d: the translation of %s would change the blocks "
                          "of pages/%s.%s.md (a line starting with '#', '-', '>', '|' or a "
                          "number and a dot starts a new block) — reword it so that it is "
                          "plain text and import again",
                          in->po->path, m ? m->line : 0, m ? m->ctxt : c->v[first + k].ctxt,
                          c->m->pages[p], lang);
          }
        }
        seg_page_free(&check);
      }
      if (!rc && lp.exists && n == lp.len && !memcmp(out, lp.text, n)) {
        free(out);
        in->n_same++;
      } else if (!rc) {
        in->pages[p] = out;
        in->page_len[p] = n;
        in->n_written++;
      } else {
        free(out);
      }
    }
    lang_page_free(&lp);
    free(msgs);
  }
  free(repl);
  return rc;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.po files of dir, sorted. */
static int list_po(const char *dir, char ***out, size_t *n, struct kerr *e)
{
  *out = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (!d)
    return errno == ENOENT || errno == ENOTDIR
        ? kerr_set(e, KERR_NOENT,
                   "%s: no such folder — give the folder that holds "
                   "the translated .po files",
                   dir)
        : kerr_errno(e, KERR_IO, errno, "%s: cannot read the folder", dir);
  size_t cap = 0;
  struct dirent *de;
  int rc = 0;
  while ((de = readdir(d))) {
    size_t k = strlen(de->d_name);
    if (de->d_name[0] == '.' || k < 4 || strcmp(de->d_name + k - 3, ".po"))
      continue;
    if (*n == cap) {
      cap = cap ? 2 * cap : 16;
      char **v = realloc(*out, cap * sizeof *v);
      if (!v) {
        rc = KERR_NOMEM;
        break;
      }
      *out = v;
    }
    size_t len = strlen(dir) + k + 2;
    if (!((*out)[*n] = malloc(len))) {
      rc = KERR_NOMEM;
      break;
    }
    snprintf((*out)[*n], len, "%s/%s", dir, de->d_name);
    (*n)++;
  }
  closedir(d);
  if (rc) {
    for (size_t i = 0; i < *n; i++)
      free((*out)[i]);
    free(*out);
    *out = NULL;
    *n = 0;
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  if (*n)
    qsort(*out, *n, sizeof **out, cmp_str);
  return 0;
}

static void lang_list(const struct catalog *c, char *buf, size_t cap)
{
  buf[0] = '\0';
  for (size_t i = 0; i < c->m->n_languages; i++) {
    size_t k = strlen(buf);
    snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", c->m->languages[i]);
  }
}

static int write_lang(const struct catalog *c, const struct incoming *in, int pages_fd, int po_fd,
                      struct kerr *e)
{
  const char *lang = c->m->languages[in->lang];
  for (size_t p = 0; p < c->m->n_pages; p++) {
    if (!in->pages[p])
      continue;
    char name[MANIFEST_PATH_MAX + 32];
    snprintf(name, sizeof name, "%s.%s.md", c->m->pages[p], lang);
    int rc = fsutil_write_atomic_at(pages_fd, name, in->pages[p], in->page_len[p], e);
    if (rc) {
      kerr_prefix(e, "%s/pages", c->src);
      return rc;
    }
  }
  char name[80];
  snprintf(name, sizeof name, "%s.po", lang);
  int rc = fsutil_write_atomic_at(po_fd, name, in->bytes, in->len, e);
  if (rc)
    kerr_prefix(e, "%s/" CATALOG_PO_DIR, c->src);
  return rc;
}

int cmd_po_import(const char *dir, const char *src, FILE *msgs, struct kerr *e)
{
  struct catalog *c = NULL;
  int rc = catalog_open(src, &c, e);
  if (rc)
    return rc;
  char **files = NULL;
  size_t n_files = 0;
  struct incoming *in = NULL;
  int src_fd = -1, pages_fd = -1, po_fd = -1;
  if ((rc = list_po(dir, &files, &n_files, e)))
    goto out;
  if (n_files == 0) {
    rc = kerr_set(e, KERR_NOENT,
                  "%s: no .po files — give the folder with the translated "
                  "<language>.po files (kiosk-pack po export wrote them)",
                  dir);
    goto out;
  }
  in = calloc(n_files, sizeof *in);
  if (!in) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
    goto out;
  }
  char langs[400];
  lang_list(c, langs, sizeof langs);
  /* Everything is read and checked first. */
  for (size_t f = 0; f < n_files; f++) {
    if ((rc = fsutil_read_file(files[f], PO_FILE_MAX, "PO file", &in[f].bytes, &in[f].len, e)))
      goto out;
    if ((rc = catalog_po_read(files[f], &in[f].po, e)))
      goto out;
    const char *lang = in[f].po->lang;
    size_t l = 0;
    while (l < c->m->n_languages && strcmp(c->m->languages[l], lang))
      l++;
    if (l == c->m->n_languages) {
      rc = kerr_set(e, KERR_PARSE,
                    "%s: is a translation into \"%s\", which the pack does not "
                    "have (its languages: %s) — add \"%s\" to \"languages\" in %s/pack.json "
                    "first, or leave this file out; nothing was written",
                    files[f], lang, langs, lang, c->src);
      goto out;
    }
    if (l == 0) {
      rc = kerr_set(e, KERR_PARSE,
                    "%s: is in \"%s\", the language the pages are translated "
                    "from — edit the %s pages themselves; nothing was written",
                    files[f], lang, lang);
      goto out;
    }
    for (size_t g = 0; g < f; g++)
      if (in[g].lang == l) {
        rc = kerr_set(e, KERR_PARSE,
                      "%s and %s are both translations into \"%s\" — keep "
                      "one of them; nothing was written",
                      files[g], files[f], lang);
        goto out;
      }
    in[f].lang = l;
    if ((rc = prepare_lang(c, &in[f], e))) {
      if (rc == KERR_PARSE)
        kerr_prefix(e, "nothing was written");
      goto out;
    }
  }
  /* Then written. */
  src_fd = open(c->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (src_fd < 0) {
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot open", c->src);
    goto out;
  }
  if ((rc = fsutil_open_dir_at(src_fd, "pages", 0, 0, &pages_fd, e)) ||
      (rc = fsutil_open_dir_at(src_fd, CATALOG_PO_DIR, 1, 0755, &po_fd, e))) {
    kerr_prefix(e, "%s", c->src);
    goto out;
  }
  for (size_t f = 0; f < n_files; f++) {
    if ((rc = write_lang(c, &in[f], pages_fd, po_fd, e)))
      goto out;
    struct incoming *x = &in[f];
    say(msgs,
        "%s: %zu page%s written, %zu unchanged; %zu of %zu texts translated, %zu fuzzy or "
        "out of date%s",
        x->po->path, x->n_written, x->n_written == 1 ? "" : "s", x->n_same,
        c->n - x->n_untranslated, c->n, x->n_fuzzy,
        x->n_unknown ? " (some entries match no text of the pack any more; not used)" : "");
  }
out:
  if (pages_fd >= 0)
    close(pages_fd);
  if (po_fd >= 0)
    close(po_fd);
  if (src_fd >= 0)
    close(src_fd);
  for (size_t f = 0; in && f < n_files; f++)
    incoming_free(&in[f], c->m->n_pages);
  free(in);
  for (size_t f = 0; f < n_files; f++)
    free(files[f]);
  free(files);
  catalog_free(c);
  return rc;
}

/* ------------------------------------------------------------ command */

static void po_usage(FILE *out)
{
  fputs("Usage: kiosk-pack po export SRCDIR --out DIR\n"
        "       kiosk-pack po import DIR --into SRCDIR\n"
        "\n"
        "export writes DIR/<id>.pot (every text of the pages in the pack's first\n"
        "language) and DIR/<language>.po for each other language, with the\n"
        "translations the pages already have. Send the .po files to the\n"
        "translators (Poedit, Weblate, Crowdin...). Numbers, phone numbers and\n"
        "addresses are not in them: they stay as in the source pages.\n"
        "\n"
        "import reads the translated DIR/*.po files, checks them all, and writes\n"
        "the language pages back into SRCDIR/pages/ (and keeps each file as\n"
        "SRCDIR/po/<language>.po, which lint and build read to find translations\n"
        "that are out of date). A file that is wrong is reported with its line,\n"
        "and then nothing is written.\n",
        out);
}

int cmd_po(int argc, char **argv)
{
  if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    po_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? CLI_ERROR : CLI_OK;
  }
  const char *sub = argv[1];
  if (strcmp(sub, "export") && strcmp(sub, "import")) {
    fprintf(stderr, "kiosk-pack po: unknown subcommand '%s' — use export or import\n", sub);
    return CLI_ERROR;
  }
  int exp = !strcmp(sub, "export");
  const char *flag = exp ? "--out" : "--into";
  const char *pos = NULL, *val = NULL;
  const struct cli_opt opts[] = {{flag, &val, NULL}, {NULL, NULL, NULL}};
  const struct cli_args spec = {exp ? "po export" : "po import", exp ? "SRCDIR" : "DIR", opts,
                                po_usage};
  int parsed = cli_parse(&spec, argc - 1, argv + 1, &pos);
  if (parsed != CLI_PARSED)
    return parsed;
  if (!pos || !val) {
    fprintf(stderr, "kiosk-pack po %s: %s is missing\n", sub,
            !pos      ? (exp ? "SRCDIR" : "DIR")
                : exp ? "--out DIR"
                      : "--into SRCDIR");
    po_usage(stderr);
    return CLI_ERROR;
  }
  struct kerr e;
  kerr_clear(&e);
  int rc = exp ? cmd_po_export(pos, val, stdout, &e) : cmd_po_import(pos, val, stdout, &e);
  if (rc) {
    fprintf(stderr, "kiosk-pack po %s: %s\n", sub, e.msg);
    return rc == KERR_PARSE || rc == KERR_MANIFEST ? CLI_REFUSED : cli_exit_code(rc);
  }
  return CLI_OK;
}
