/* manifest.h — parse and validate a pack manifest (pack.json).
 *
 * A manifest names the pack (id, version, title, created), its validity
 * window, its audience, its pages and languages and, in a built pack, every
 * member file with its exact size and BLAKE2b-256 hash. A pack SOURCE folder
 * has the same pack.json without "format" and "files"; the builder adds them.
 *
 * The parsed manifest is a read-only public struct: the store, the pack
 * reader, the deck and the tools all read many fields. Do not modify it;
 * free it with manifest_free(). Every string is valid UTF-8 and
 * NUL-terminated. Unknown top-level keys are ignored (so a newer builder can
 * add fields an older kiosk skips); duplicate keys are refused. */
#ifndef KIOSK_CORE_MANIFEST_H
#define KIOSK_CORE_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define MANIFEST_FORMAT 1
#define MANIFEST_MAX_BYTES (1024u * 1024u) /* pack.json itself */
#define MANIFEST_MAX_FILES 10000
#define MANIFEST_MAX_PAGES 500
#define MANIFEST_MAX_TOTAL_BYTES (UINT64_C(4) << 30) /* sum of file sizes */
/* Versions a JSON reader holds exactly: 2^53 and above are refused (a
 * double cannot tell 2^53 from 2^53 + 1). */
#define MANIFEST_MAX_VERSION ((UINT64_C(1) << 53) - 1)
#define MANIFEST_ID_MAX 64    /* bytes, without the NUL */
#define MANIFEST_PATH_MAX 200 /* bytes, whole member path */
#define MANIFEST_COMPONENT_MAX 255
#define MANIFEST_HASH_BYTES 32 /* BLAKE2b-256 */

/* Flags for manifest_parse(). The default (0) is the strict signed-pack
 * mode: "format" must be 1, "files" is required, and every page file
 * pages/<name>.<lang>.md for every page and language must be listed. */
enum manifest_flags {
  MANIFEST_PACK = 0,
  MANIFEST_SOURCE = 1 << 0, /* a source folder: no "format", no "files" */
};

struct manifest_title {
  char *lang; /* "" when the title was given as a plain string */
  char *text;
};

struct manifest_file {
  char *path;                                 /* passed manifest_path_ok() */
  uint64_t size;                              /* exact size in bytes */
  unsigned char blake2b[MANIFEST_HASH_BYTES]; /* BLAKE2b-256 of the bytes */
};

struct manifest {
  int format; /* 1; 0 for a source manifest without "format" */
  char id[MANIFEST_ID_MAX + 1];
  uint64_t version; /* 1 .. 2^53 - 1 */
  struct manifest_title *titles;
  size_t n_titles; /* at least 1 */
  int64_t created; /* unix seconds, UTC */
  int has_valid_from;
  int64_t valid_from;
  int has_expires;
  int64_t expires;
  char (*countries)[3]; /* ISO 3166-1 alpha-2, uppercase; NULL if absent */
  size_t n_countries;   /* 0 means "every country" (field absent) */
  char **languages;
  size_t n_languages; /* at least 1 */
  int has_accent;
  uint32_t accent;             /* 0xRRGGBB */
  char **pages;                /* page names, in the order given */
  size_t n_pages;              /* 1 .. MANIFEST_MAX_PAGES */
  struct manifest_file *files; /* in the order given; empty in source mode */
  size_t n_files;
  uint64_t total_bytes; /* sum of files[].size */
  const char *raw;      /* copy of the exact bytes parsed (NUL-terminated) */
  size_t raw_len;       /* without the NUL */
};

/* Parses and validates len bytes of json (no NUL needed). flags is
 * MANIFEST_PACK or MANIFEST_SOURCE. On success returns 0 and *out is a new
 * manifest; free with manifest_free(). On failure returns KERR_TOOBIG (over
 * MANIFEST_MAX_BYTES), KERR_PARSE (not JSON), KERR_MANIFEST (a field is
 * wrong), KERR_PATH (an unsafe member path), KERR_LIMIT (too many files or
 * pages, or too many bytes), KERR_FORMAT ("format" is not 1) or
 * KERR_NOMEM, with e naming the field and what is expected, e.g.
 * `pack.json: "version" must be a whole number from 1 to 9007199254740991 (found "12")`,
 * and *out is NULL. The caller prefixes which pack it was (kerr_prefix) and
 * adds what to do. Paths are also checked for exact and case-only
 * duplicates and for a file that another path needs as a folder. */
int manifest_parse(const char *json, size_t len, int flags, struct manifest **out, struct kerr *e);

/* Accepts NULL. */
void manifest_free(struct manifest *m);

/* The title in lang; else the "en" title; else the first one. Never NULL
 * for a parsed manifest. lang may be NULL. */
const char *manifest_title(const struct manifest *m, const char *lang);

/* The listed file with exactly this path, or NULL. O(log n). Its index in
 * m->files is (f - m->files), handy for a "seen" bitmap. */
const struct manifest_file *manifest_find_file(const struct manifest *m, const char *path);

/* 0 if path is a safe member path: relative, under pages/, media/ or fonts/,
 * no "..", "." or empty components, no control characters or backslashes,
 * valid UTF-8, each component at most 255 bytes, the whole path at most 200
 * bytes. Otherwise KERR_PATH with e saying what is wrong. */
int manifest_path_ok(const char *path, struct kerr *e);

/* Parses an RFC 3339 date-time ("2020-07-10T00:00:00Z", or with a +hh:mm /
 * -hh:mm offset, optional fractional seconds, which are dropped) into unix
 * seconds. Returns 0 or KERR_PARSE. */
int manifest_parse_time(const char *s, int64_t *out);

/* Whether a pack id (^[a-z0-9][a-z0-9-]{0,63}$), a language tag
 * (^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$) or a page name
 * (^[a-z0-9][a-z0-9_-]{0,99}$) is well formed: 1 if so, else 0. */
int manifest_id_ok(const char *id);
int manifest_lang_ok(const char *lang);
int manifest_page_name_ok(const char *name);

#endif
