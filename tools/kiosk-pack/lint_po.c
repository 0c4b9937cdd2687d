/* lint_po.c — out-of-date and unconfirmed translations (lint_po.h).
 *
 * Each finding points at the line of the language page where the text is
 * (or, when that page does not follow the source page, at the source
 * page's line), names the PO entry's line in the record, and says what to
 * do. They are warnings: the pack still builds, and build shows such a
 * page in the source language unless told --allow-fuzzy. */
#include "kiosk-pack/lint_po.h"
#include "kiosk-pack/catalog.h"
#include "kiosk-pack/lint.h"

#include "core/fsutil.h"
#include "core/manifest.h"
#include "core/page.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The line of entry i in the language page, when that page follows the
 * source page; else 0. */
static int lang_line(const struct catalog *c, size_t i, const char *lang, char *rel, size_t cap)
{
  const struct catalog_entry *en = &c->v[i];
  snprintf(rel, cap, "pages/%s.%s.md", c->m->pages[en->page], lang);
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", c->src, rel);
  char *text = NULL;
  size_t len = 0;
  struct kerr e;
  if (fsutil_read_file(path, PAGE_MAX_BYTES, "page", &text, &len, &e))
    return 0;
  struct seg_page seg;
  int line = 0;
  if (seg_split(text, len, &seg) == 0) {
    if (seg_aligned(&seg, &c->pages[en->page].seg))
      line = seg.v[en->unit].line;
    seg_page_free(&seg);
  }
  free(text);
  return line;
}

static void shorten(const char *s, char *out, size_t cap)
{
  size_t n = strlen(s), k = n > 50 ? 50 : n;
  while (k > 0 && k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
    k--;
  snprintf(out, cap, "%.*s%s", (int)k, s, k < n ? "…" : "");
  for (char *p = out; *p; p++)
    if (*p == '\n')
      *p = ' ';
}

/* Texts of page p not translated into lang: one finding for the page. */
static int missing_on_page(const struct catalog *c, size_t p, const char *lang,
                           const struct catalog_po *rec, struct lint_report *r)
{
  size_t n = 0, missing = 0, first = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (c->v[i].page != p)
      continue;
    n++;
    if (catalog_state(c, i, rec, NULL) == CATALOG_MISSING && !missing++)
      first = i;
  }
  if (!missing)
    return 0;
  char rel[320], file[4400];
  int line = lang_line(c, first, lang, rel, sizeof rel);
  snprintf(file, sizeof file, "%s/%s", c->src, rel);
  return lint_report_add(r, LINT_WARNING, file, line,
                         "%zu of %zu texts not translated into %s (" CATALOG_PO_DIR "/%s.po) — "
                         "have %s.po translated and import it (kiosk-pack po export, then po "
                         "import); until then the kiosk shows page \"%s\" in %s",
                         missing, n, lang, lang, lang, c->m->pages[p], c->source);
}

static int check_lang(const struct catalog *c, const char *lang, const struct catalog_po *rec,
                      struct lint_report *r)
{
  size_t last_page = (size_t)-1;
  for (size_t i = 0; i < c->n; i++) {
    if (c->v[i].page != last_page) {
      last_page = c->v[i].page;
      int rc = missing_on_page(c, last_page, lang, rec, r);
      if (rc)
        return rc;
    }
    const struct catalog_msg *m;
    enum catalog_state s = catalog_state(c, i, rec, &m);
    if (s == CATALOG_OK || s == CATALOG_MISSING)
      continue;
    const struct catalog_entry *en = &c->v[i];
    char rel[320], file[4400], text[120], po[200];
    int line = lang_line(c, i, lang, rel, sizeof rel);
    if (!line) {
      snprintf(rel, sizeof rel, "%s", c->pages[en->page].rel);
      line = c->pages[en->page].seg.v[en->unit].line;
    }
    snprintf(file, sizeof file, "%s/%s", c->src, rel);
    shorten(en->msgid, text, sizeof text);
    if (m && m->line)
      snprintf(po, sizeof po, CATALOG_PO_DIR "/%s.po:%d", lang, m->line);
    else
      snprintf(po, sizeof po, CATALOG_PO_DIR "/%s.po", lang);
    int rc = 0;
    switch (s) {
    case CATALOG_FUZZY:
      rc = lint_report_add(r, LINT_WARNING, file, line,
                           "fuzzy translation of «%s» (%s): the translator marked it for review "
                           "— until it is confirmed in %s.po and imported, the kiosk shows page "
                           "\"%s\" in %s (build --allow-fuzzy shows it anyway)",
                           text, po, lang, c->m->pages[en->page], c->source);
      break;
    case CATALOG_STALE:
      rc = lint_report_add(r, LINT_WARNING, file, line,
                           "out-of-date translation: the %s text changed since it was translated "
                           "(%s has the old one), now «%s» — export the PO files (kiosk-pack po "
                           "export), have %s.po reviewed and import it; until then the kiosk "
                           "shows page \"%s\" in %s",
                           c->source, po, text, lang, c->m->pages[en->page], c->source);
      break;
    case CATALOG_MISSING:
    case CATALOG_OK: break;
    }
    if (rc)
      return rc;
  }
  return 0;
}

int lint_po_check(const char *src, struct lint_report *r)
{
  char dir[4200];
  snprintf(dir, sizeof dir, "%s/" CATALOG_PO_DIR, src);
  struct stat sb;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return 0;
  struct catalog *c = NULL;
  struct kerr e;
  int rc = catalog_open(src, &c, &e);
  if (rc)
    return rc == KERR_NOMEM ? rc : 0; /* the page checks already say why */
  for (size_t l = 1; l < c->m->n_languages && rc == 0; l++) {
    struct catalog_po *rec = NULL;
    int rrc = catalog_record(c, c->m->languages[l], &rec, &e);
    if (rrc == KERR_NOMEM) {
      rc = rrc;
    } else if (rrc) {
      char file[4400];
      snprintf(file, sizeof file, "%s/%s.po", dir, c->m->languages[l]);
      rc = lint_report_add(r, LINT_ERROR, file, 0,
                           "cannot be read: %s — import a corrected "
                           "file with kiosk-pack po import, or remove it",
                           e.msg);
    } else if (rec) {
      rc = check_lang(c, c->m->languages[l], rec, r);
    }
    catalog_po_free(rec);
  }
  /* A record for a language the pack no longer has is never used. */
  DIR *d = opendir(dir);
  struct dirent *de;
  while (rc == 0 && d && (de = readdir(d))) {
    size_t k = strlen(de->d_name);
    if (de->d_name[0] == '.' || k < 4 || strcmp(de->d_name + k - 3, ".po"))
      continue;
    char lang[64];
    snprintf(lang, sizeof lang, "%.*s", (int)(k - 3), de->d_name);
    if (!catalog_has_lang(c, lang) || !strcmp(lang, c->source)) {
      char file[4400];
      if (snprintf(file, sizeof file, "%s/%s", dir, de->d_name) >= (int)sizeof file)
        continue; /* a path this long cannot be the pack's own */
      rc = lint_report_add(r, LINT_WARNING, file, 0,
                           "\"%s\" is not a translated language of "
                           "pack.json, so this file is never used — remove it",
                           lang);
    }
  }
  if (d)
    closedir(d);
  catalog_free(c);
  return rc;
}
