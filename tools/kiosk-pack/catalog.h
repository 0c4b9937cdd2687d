/* catalog.h — a pack source seen as translators see it: every text of
 * every page of the source language (the first of pack.json's
 * "languages"), each with a context, a reference and a note, and the
 * gettext PO files that hold its translations.
 *
 * An entry's context (msgctxt) is "<page>/<n>", n counting the page's
 * texts from 1, so an entry says exactly where its text goes. The record
 * of what each language was translated from is the PO file the last
 * `kiosk-pack po import` took, kept as SRC/po/<lang>.po: an entry whose
 * msgid is no longer the source text, or that the translator marked
 * fuzzy, is out of date; one without a translation is missing. Without
 * that file a language's pages are taken as they are. */
#ifndef KIOSK_TOOLS_CATALOG_H
#define KIOSK_TOOLS_CATALOG_H

#include "core/err.h"
#include "kiosk-pack/segment.h"

#include <stddef.h>

struct manifest;

/* The source folder's record of a language's translations. */
#define CATALOG_PO_DIR "po"

struct catalog_page {
  char rel[300]; /* pages/<page>.<source>.md */
  char *text;    /* the page, as read */
  size_t len;
  struct seg_page seg; /* its texts */
};

struct catalog_entry {
  char ctxt[120]; /* "<page>/<n>" */
  size_t page;    /* index in m->pages */
  size_t unit;    /* index in pages[page].seg */
  char *msgid;    /* the source text */
  char *comment;  /* for the translator: what and where it is */
};

struct catalog {
  char *src; /* the source folder */
  struct manifest *m;
  const char *source;         /* the source language: m->languages[0] */
  struct catalog_page *pages; /* m->n_pages, in pack order */
  struct catalog_entry *v;
  size_t n;
};

/* Reads src's pack.json and every page in the source language. Returns 0
 * and a new catalog (free with catalog_free()), or a KERR code with e
 * naming the file and what to do. */
int catalog_open(const char *src, struct catalog **out, struct kerr *e);
void catalog_free(struct catalog *c);

/* The entry with this context, or NULL. */
const struct catalog_entry *catalog_find(const struct catalog *c, const char *ctxt);

/* Whether lang is one of the pack's languages. */
int catalog_has_lang(const struct catalog *c, const char *lang);

/* ------------------------------------------------------------ PO files */

struct catalog_msg {
  char *ctxt; /* NULL when the entry has none */
  char *msgid;
  char *msgstr;     /* "" when untranslated */
  char *prev_msgid; /* "#| msgid": what it translated before; or NULL */
  int fuzzy;
  int line; /* of its msgctxt (or msgid) in the file */
};

struct catalog_po {
  char *path;
  char *lang;            /* from the header's Language:, else the file name */
  struct catalog_msg *v; /* without the header entry and obsolete ones */
  size_t n;
};

/* Reads a PO file with gettext's libgettextpo. A syntax error is
 * KERR_PARSE with e quoting "path:line: what gettext says"; nothing is
 * kept. Returns a new catalog_po (free with catalog_po_free()). */
int catalog_po_read(const char *path, struct catalog_po **out, struct kerr *e);
void catalog_po_free(struct catalog_po *p);

/* The message with this context, or NULL. */
const struct catalog_msg *catalog_po_find(const struct catalog_po *p, const char *ctxt);

/* The state of one text in one language. */
enum catalog_state {
  CATALOG_OK = 0,
  CATALOG_FUZZY,   /* the translator marked it for review */
  CATALOG_STALE,   /* the source text changed since it was translated */
  CATALOG_MISSING, /* no translation */
};

/* Reads the record SRC/po/<lang>.po. Returns 0 with *out NULL when there
 * is none (the language is not kept with PO files). */
int catalog_record(const struct catalog *c, const char *lang, struct catalog_po **out,
                   struct kerr *e);

/* The state of entry i against a record (NULL: CATALOG_OK), and the
 * record's message for it in *msg (may be NULL). */
enum catalog_state catalog_state(const struct catalog *c, size_t i, const struct catalog_po *rec,
                                 const struct catalog_msg **msg);

/* Whether page p in lang may be shown: every text CATALOG_OK. With
 * allow_fuzzy, fuzzy and stale texts are accepted too. */
int catalog_page_ready(const struct catalog *c, size_t p, const struct catalog_po *rec,
                       int allow_fuzzy);

/* --------------------------------------------------------- for build */

struct catalog_lang_review {
  const char *lang;
  int has_record; /* SRC/po/<lang>.po exists */
  size_t n_fuzzy, n_stale, n_missing;
  unsigned char *fallback; /* per page, shown in the source language:
                                1 a text is missing, 2 one is fuzzy or out
                                of date; 0 = shown as translated */
  size_t n_fallback;
};

struct catalog_review {
  struct catalog *c;
  struct catalog_lang_review *v; /* every language but the source */
  size_t n;
};

/* For each translated language with a record: how many texts are fuzzy,
 * out of date or missing, and which pages must be shown in the source
 * language (every page with a missing text; with fuzzy or out-of-date ones
 * too unless allow_fuzzy). Returns 0 with *out NULL when src has no po/
 * folder; else a new review (free with catalog_review_free()) or a KERR
 * code with e naming the file. */
int catalog_review(const char *src, int allow_fuzzy, struct catalog_review **out, struct kerr *e);
void catalog_review_free(struct catalog_review *r);

#endif
