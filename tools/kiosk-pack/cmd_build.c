/* cmd_build.c — `kiosk-pack build`: a source folder becomes a signed pack.
 *
 * The source folder holds pack.json (a manifest without "format" and
 * "files") and the pack's files under pages/, media/ and fonts/. The
 * builder lists those files (refusing symlinks, special files and unsafe
 * names, skipping hidden files with a warning), hashes them, writes the
 * manifest with "format": 1 and the "files" list (the source's fields kept,
 * keys in a fixed order, files sorted by path, so the same source gives the
 * same manifest), signs it, and writes the tar in the normative member
 * order. Every member is hashed again as it is written, so a file that
 * changes during the build is caught rather than shipped with a wrong hash.
 * The finished pack is verified with the key's public half before the
 * command reports success. */
#include "kiosk-pack/cmd_build.h"
#include "kiosk-pack/swriter.h"
#include "kiosk-pack/catalog.h"
#include "kiosk-pack/lint.h"
#include "kiosk-pack/cli.h"
#include "kiosk-pack/keys.h"

#include "core/fsutil.h"
#include "core/grow.h"
#include "core/manifest.h"
#include "core/pack.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUF_BYTES (64u * 1024u)
#define MAX_DEPTH 32
#define PAGE_TEXT_MAX (4u << 20) /* pages read for the unused-media check */

struct srcfile {
  char *path;
  char *from; /* the file read for it, when not path itself: a page
                     shown in the source language (see translations()) */
  uint64_t size;
  unsigned char hash[MANIFEST_HASH_BYTES];
};

struct build {
  const struct cmd_build_opts *o;
  int srcfd;
  struct srcfile *files;
  size_t n, cap;
  unsigned char buf[BUF_BYTES];
};

static void warn(const struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const struct build *b, const char *fmt, ...)
{
  if (b->o->quiet)
    return;
  va_list ap;
  va_start(ap, fmt);
  fputs("kiosk-pack build: warning: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void build_free(struct build *b)
{
  for (size_t i = 0; i < b->n; i++) {
    free(b->files[i].path);
    free(b->files[i].from);
  }
  free(b->files);
  if (b->srcfd >= 0)
    close(b->srcfd);
}

/* ---------------------------------------------------- listing the files */

static int add_file(struct build *b, const char *path, struct kerr *e)
{
  if (b->n == MANIFEST_MAX_FILES)
    return kerr_set(e, KERR_LIMIT,
                    "%s: has more than %d files under pages/, "
                    "media/ and fonts/ — split it into several packs",
                    b->o->src, MANIFEST_MAX_FILES);
  struct srcfile *v = grow_array(b->files, b->n + 1, &b->cap, sizeof *v, 64);
  if (!v)
    return kerr_set(e, KERR_NOMEM, "out of memory listing %s", b->o->src);
  b->files = v;
  struct srcfile *f = &b->files[b->n];
  memset(f, 0, sizeof *f);
  f->path = strdup(path);
  if (!f->path)
    return kerr_set(e, KERR_NOMEM, "out of memory listing %s", b->o->src);
  b->n++;
  return 0;
}

/* Lists the regular files under dirfd (which is rel inside the source). */
static int scan_dir(struct build *b, int dirfd, const char *rel, int depth, struct kerr *e)
{
  const char *src = b->o->src;
  if (depth > MAX_DEPTH)
    return kerr_set(e, KERR_PATH, "%s/%s: folders are nested too deeply", src, rel);
  int fd = dup(dirfd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    int err = errno;
    if (fd >= 0)
      close(fd);
    return kerr_errno(e, KERR_IO, err, "%s/%s: cannot list the folder", src, rel);
  }
  int rc = 0;
  struct dirent *de;
  errno = 0;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    const char *name = de->d_name;
    if (!strcmp(name, ".") || !strcmp(name, ".."))
      continue;
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", rel, name) >= sizeof path) {
      rc = kerr_set(e, KERR_PATH, "%s/%s/...: a file name is too long", src, rel);
      break;
    }
    if (name[0] == '.') {
      warn(b, "%s/%s is a hidden file; it is left out of the pack", src, path);
      continue;
    }
    struct stat sb;
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
      rc = kerr_errno(e, KERR_IO, errno, "%s/%s: cannot read", src, path);
      break;
    }
    if (S_ISLNK(sb.st_mode)) {
      rc = kerr_set(e, KERR_TYPE,
                    "%s/%s is a symbolic link; a pack holds "
                    "regular files only — put the file itself there",
                    src, path);
    } else if (S_ISDIR(sb.st_mode)) {
      int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) {
        rc = kerr_errno(e, KERR_IO, errno, "%s/%s: cannot open the folder", src, path);
      } else {
        rc = scan_dir(b, sub, path, depth + 1, e);
        close(sub);
      }
    } else if (S_ISREG(sb.st_mode)) {
      struct kerr pe;
      if (manifest_path_ok(path, &pe) != 0)
        rc = kerr_set(e, KERR_PATH, "%s/%s: %s — rename it", src, path, pe.msg);
      else
        rc = add_file(b, path, e);
    } else {
      rc = kerr_set(e, KERR_TYPE,
                    "%s/%s is not a regular file (a device, "
                    "FIFO or socket); a pack holds regular files only — "
                    "remove it",
                    src, path);
    }
    errno = 0;
  }
  if (rc == 0 && errno != 0)
    rc = kerr_errno(e, KERR_IO, errno, "%s/%s: cannot list the folder", src, rel);
  closedir(d);
  return rc;
}

/* Lists pages/, media/ and fonts/ and warns about anything else. */
static int scan_source(struct build *b, struct kerr *e)
{
  const char *src = b->o->src;
  static const char *const tops[] = {"pages", "media", "fonts"};
  for (size_t i = 0; i < 3; i++) {
    struct stat sb;
    if (fstatat(b->srcfd, tops[i], &sb, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT)
        continue;
      return kerr_errno(e, KERR_IO, errno, "%s/%s: cannot read", src, tops[i]);
    }
    if (!S_ISDIR(sb.st_mode))
      return kerr_set(e, KERR_TYPE, "%s/%s must be a folder%s", src, tops[i],
                      S_ISLNK(sb.st_mode) ? " (it is a symbolic link; put "
                                            "the folder itself there)"
                                          : "");
    int fd = openat(b->srcfd, tops[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
      return kerr_errno(e, KERR_IO, errno, "%s/%s: cannot open the folder", src, tops[i]);
    int rc = scan_dir(b, fd, tops[i], 1, e);
    close(fd);
    if (rc)
      return rc;
  }
  /* Anything else at the top is left out; say so. */
  int fd = dup(b->srcfd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0)
      close(fd);
    return kerr_errno(e, KERR_IO, errno, "%s: cannot list the folder", src);
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    const char *n = de->d_name;
    if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "pack.json") || !strcmp(n, "pages") ||
        !strcmp(n, "media") || !strcmp(n, "fonts") ||
        !strcmp(n, CATALOG_PO_DIR)) /* translators' files: read, not packed */
      continue;
    warn(b,
         "%s/%s is left out of the pack (only pack.json, pages/, media/ "
         "and fonts/ go in)",
         src, n);
  }
  closedir(d);
  return 0;
}

static int cmp_srcfile(const void *a, const void *b)
{
  return strcmp(((const struct srcfile *)a)->path, ((const struct srcfile *)b)->path);
}

static struct srcfile *find_src(struct build *b, const char *path)
{
  struct srcfile key = {(char *)path, NULL, 0, {0}};
  return bsearch(&key, b->files, b->n, sizeof *b->files, cmp_srcfile);
}

/* Opens the source file path (relative to the source folder) for reading,
 * never through a symlink. */
static int open_src(struct build *b, const char *path, int *fd, struct kerr *e)
{
  char dir[MANIFEST_PATH_MAX + 1];
  const char *slash = strrchr(path, '/');
  size_t dl = (size_t)(slash - path);
  memcpy(dir, path, dl);
  dir[dl] = '\0';
  int dfd;
  int rc = fsutil_open_dir_at(b->srcfd, dir, 0, 0, &dfd, e);
  if (rc) {
    kerr_prefix(e, "%s", b->o->src);
    return rc;
  }
  *fd = openat(dfd, slash + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  int err = errno;
  close(dfd);
  if (*fd < 0)
    return kerr_errno(e, KERR_IO, err, "%s/%s: cannot open", b->o->src, path);
  struct stat sb;
  if (fstat(*fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    close(*fd);
    *fd = -1;
    return kerr_set(e, KERR_TYPE,
                    "%s/%s is no longer a regular file — "
                    "build again",
                    b->o->src, path);
  }
  return 0;
}

/* Streams a source file through BLAKE2b-256 and, when a is not NULL, into
 * the archive's current entry. */
static int stream_file(struct build *b, const char *path, struct swriter *a, uint64_t *size,
                       unsigned char *hash, struct kerr *e)
{
  int fd;
  int rc = open_src(b, path, &fd, e);
  if (rc)
    return rc;
  crypto_generichash_state hs;
  crypto_generichash_init(&hs, NULL, 0, MANIFEST_HASH_BYTES);
  uint64_t total = 0;
  for (;;) {
    ssize_t n = read(fd, b->buf, sizeof b->buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = kerr_errno(e, KERR_IO, errno, "%s/%s: cannot read", b->o->src, path);
      break;
    }
    if (n == 0)
      break;
    crypto_generichash_update(&hs, b->buf, (size_t)n);
    if (a) {
      if (total + (uint64_t)n > *size) {
        rc = kerr_set(e, KERR_IO,
                      "%s/%s grew while the pack was being "
                      "built — wait until it is complete, then build again",
                      b->o->src, path);
        break;
      }
      if ((rc = swriter_data(a, b->buf, (size_t)n, e)))
        break;
    }
    total += (uint64_t)n;
  }
  close(fd);
  if (rc)
    return rc;
  unsigned char h[MANIFEST_HASH_BYTES];
  crypto_generichash_final(&hs, h, sizeof h);
  if (a) {
    if (total != *size || memcmp(h, hash, sizeof h) != 0)
      return kerr_set(e, KERR_IO,
                      "%s/%s changed while the pack was being "
                      "built — wait until it is complete, then build again",
                      b->o->src, path);
    return 0;
  }
  *size = total;
  memcpy(hash, h, sizeof h);
  return 0;
}

/* ------------------------------------------------------- content checks */

/* Every page in every language needs its file; other .md files under
 * pages/ are never shown (warned). */
static int check_pages(struct build *b, const struct manifest *m, struct kerr *e)
{
  for (size_t p = 0; p < m->n_pages; p++)
    for (size_t l = 0; l < m->n_languages; l++) {
      char path[MANIFEST_PATH_MAX + 64];
      snprintf(path, sizeof path, "pages/%s.%s.md", m->pages[p], m->languages[l]);
      if (!find_src(b, path)) {
        char langs[256] = "";
        for (size_t i = 0; i < m->n_languages; i++) {
          size_t n = strlen(langs);
          snprintf(langs + n, sizeof langs - n, "%s%s", i ? ", " : "", m->languages[i]);
        }
        return kerr_set(e, KERR_MANIFEST,
                        "%s/%s is missing — every page "
                        "of pack.json needs a file in every language (%s)",
                        b->o->src, path, langs);
      }
    }
  for (size_t i = 0; i < b->n; i++) {
    const char *path = b->files[i].path;
    size_t n = strlen(path);
    if (strncmp(path, "pages/", 6) != 0 || strchr(path + 6, '/') || n < 9 ||
        strcmp(path + n - 3, ".md") != 0)
      continue;
    int used = 0;
    for (size_t p = 0; p < m->n_pages && !used; p++)
      for (size_t l = 0; l < m->n_languages && !used; l++) {
        char want[MANIFEST_PATH_MAX + 64];
        snprintf(want, sizeof want, "pages/%s.%s.md", m->pages[p], m->languages[l]);
        used = !strcmp(want, path);
      }
    if (!used)
      warn(b,
           "%s/%s is not a page of pack.json (see \"pages\" and "
           "\"languages\") — it is packed but never shown",
           b->o->src, path);
  }
  return 0;
}

/* Warns about files under media/ that no page mentions. */
static void check_media_used(struct build *b, const struct manifest *m)
{
  size_t n_texts = m->n_pages * m->n_languages;
  char **texts = calloc(n_texts ? n_texts : 1, sizeof *texts);
  if (!texts)
    return;
  size_t k = 0;
  for (size_t p = 0; p < m->n_pages; p++)
    for (size_t l = 0; l < m->n_languages; l++) {
      char path[MANIFEST_PATH_MAX + 64];
      size_t len;
      snprintf(path, sizeof path, "pages/%s.%s.md", m->pages[p], m->languages[l]);
      if (fsutil_read_at(b->srcfd, path, PAGE_TEXT_MAX, &texts[k], &len, NULL) != 0)
        texts[k] = NULL;
      k++;
    }
  for (size_t i = 0; i < b->n; i++) {
    const char *path = b->files[i].path;
    if (strncmp(path, "media/", 6) != 0)
      continue;
    int used = 0;
    for (size_t t = 0; t < n_texts && !used; t++)
      used = texts[t] && strstr(texts[t], path) != NULL;
    if (!used)
      warn(b,
           "%s/%s is not used by any page — it is packed anyway; remove "
           "it to keep the pack small",
           b->o->src, path);
  }
  for (size_t t = 0; t < n_texts; t++)
    free(texts[t]);
  free(texts);
}

/* --------------------------------------------------------- translations */

/* Translations kept with PO files (catalog.h): a page with a missing text,
 * or with a fuzzy or out-of-date one unless --allow-fuzzy, goes into the
 * pack as the source-language page, so the kiosk never shows an
 * unconfirmed translation; and "needs_review" for each such language says
 * how many texts wait for a translator (it is removed once none do). */
static int translations(struct build *b, cJSON *src, struct kerr *e)
{
  struct catalog_review *r = NULL;
  int rc = catalog_review(b->o->src, b->o->allow_fuzzy, &r, e);
  if (rc || !r)
    return rc;
  const struct manifest *m = r->c->m;
  for (size_t l = 0; l < r->n && rc == 0; l++) {
    const struct catalog_lang_review *lr = &r->v[l];
    if (!lr->has_record)
      continue;
    for (size_t p = 0; p < m->n_pages && rc == 0; p++) {
      if (!lr->fallback[p])
        continue;
      char path[MANIFEST_PATH_MAX + 64], from[MANIFEST_PATH_MAX + 64];
      snprintf(path, sizeof path, "pages/%s.%s.md", m->pages[p], lr->lang);
      snprintf(from, sizeof from, "pages/%s.%s.md", m->pages[p], r->c->source);
      struct srcfile *f = find_src(b, path);
      if (!f)
        continue;
      free(f->from);
      if (!(f->from = strdup(from)))
        rc = kerr_set(e, KERR_NOMEM, "out of memory");
      warn(b,
           "%s/%s: shown in %s — its %s translation is %s (kiosk-pack lint lists the "
           "texts)%s",
           b->o->src, path, r->c->source, lr->lang,
           lr->fallback[p] == 1 ? "not complete" : "fuzzy or out of date",
           lr->fallback[p] == 1 ? "" : "; build --allow-fuzzy to ship it anyway");
    }
    size_t waiting = lr->n_fuzzy + lr->n_stale + lr->n_missing;
    cJSON *nr = cJSON_GetObjectItemCaseSensitive(src, "needs_review");
    if (waiting) {
      char why[300];
      snprintf(why, sizeof why,
               "%zu of %zu texts wait for a translator (%zu fuzzy, %zu out "
               "of date, %zu not translated) in " CATALOG_PO_DIR "/%s.po",
               waiting, r->c->n, lr->n_fuzzy, lr->n_stale, lr->n_missing, lr->lang);
      if (!nr || !cJSON_IsObject(nr)) {
        cJSON_DeleteItemFromObjectCaseSensitive(src, "needs_review");
        nr = cJSON_AddObjectToObject(src, "needs_review");
      }
      cJSON *s = cJSON_CreateString(why);
      if (nr)
        cJSON_DeleteItemFromObjectCaseSensitive(nr, lr->lang);
      if (!nr || !s || !cJSON_AddItemToObject(nr, lr->lang, s)) {
        cJSON_Delete(s);
        rc = kerr_set(e, KERR_NOMEM, "out of memory");
      }
    } else if (nr && cJSON_IsObject(nr)) {
      cJSON_DeleteItemFromObjectCaseSensitive(nr, lr->lang);
      if (!nr->child)
        cJSON_DeleteItemFromObjectCaseSensitive(src, "needs_review");
    }
  }
  catalog_review_free(r);
  return rc;
}

/* ------------------------------------------------------------ manifest */

/* The built manifest: the source's fields in a fixed order, "format": 1
 * first and "files" last. Returns a new string ending in "\n". */
static int make_manifest(struct build *b, const cJSON *src, char **out, struct kerr *e)
{
  static const char *const order[] = {
      "id",      "version",   "title",     "created", "valid_from",
      "expires", "countries", "languages", "accent",  "pages",
  };
  const size_t n_order = sizeof order / sizeof order[0];
  *out = NULL;
  cJSON *root = cJSON_CreateObject();
  if (!root || !cJSON_AddNumberToObject(root, "format", MANIFEST_FORMAT))
    goto nomem;
  for (size_t i = 0; i < n_order; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, order[i]);
    if (v) {
      cJSON *c = cJSON_Duplicate(v, 1);
      if (!c || !cJSON_AddItemToObject(root, order[i], c)) {
        cJSON_Delete(c);
        goto nomem;
      }
    }
  }
  /* Fields this builder does not know, sorted by name: kept for a newer
   * kiosk to read (older ones ignore them). */
  size_t n_extra = 0;
  for (const cJSON *c = src->child; c; c = c->next)
    n_extra++;
  const char **extra = calloc(n_extra ? n_extra : 1, sizeof *extra);
  if (!extra)
    goto nomem;
  size_t k = 0;
  for (const cJSON *c = src->child; c; c = c->next) {
    int known = !strcmp(c->string, "format") || !strcmp(c->string, "files");
    for (size_t i = 0; i < n_order && !known; i++)
      known = !strcmp(c->string, order[i]);
    if (!known)
      extra[k++] = c->string;
  }
  for (size_t i = 1; i < k; i++) /* insertion sort: a handful of keys */
    for (size_t j = i; j > 0 && strcmp(extra[j - 1], extra[j]) > 0; j--) {
      const char *t = extra[j];
      extra[j] = extra[j - 1];
      extra[j - 1] = t;
    }
  for (size_t i = 0; i < k; i++) {
    cJSON *c = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(src, extra[i]), 1);
    if (!c || !cJSON_AddItemToObject(root, extra[i], c)) {
      cJSON_Delete(c);
      free(extra);
      goto nomem;
    }
  }
  free(extra);

  cJSON *files = cJSON_AddArrayToObject(root, "files");
  if (!files)
    goto nomem;
  for (size_t i = 0; i < b->n; i++) {
    char hex[2 * MANIFEST_HASH_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, b->files[i].hash, MANIFEST_HASH_BYTES);
    cJSON *f = cJSON_CreateObject();
    if (!f || !cJSON_AddItemToArray(files, f) ||
        !cJSON_AddStringToObject(f, "path", b->files[i].path) ||
        !cJSON_AddNumberToObject(f, "size", (double)b->files[i].size) ||
        !cJSON_AddStringToObject(f, "blake2b", hex))
      goto nomem;
  }
  char *text = cJSON_Print(root);
  cJSON_Delete(root);
  root = NULL;
  if (!text)
    goto nomem;
  size_t n = strlen(text);
  char *withnl = realloc(text, n + 2);
  if (!withnl) {
    free(text);
    goto nomem;
  }
  withnl[n] = '\n';
  withnl[n + 1] = '\0';
  *out = withnl;
  return 0;
nomem:
  cJSON_Delete(root);
  return kerr_set(e, KERR_NOMEM, "out of memory writing the manifest");
}

/* ------------------------------------------------------------- writing */

/* Writes the tar into fd (core/sarchive's form, through swriter):
 * pack.json, its signature, then every file. */
static int write_tar(struct build *b, int fd, const char *json, const char *sig, int64_t mtime,
                     struct kerr *e)
{
  int ustar = 1;
  for (size_t i = 0; i < b->n; i++)
    ustar = ustar && swriter_fits_ustar(b->files[i].path);
  struct swriter *w = NULL;
  int rc = swriter_open_fd(fd, b->o->compress, ustar, "pack", mtime, &w, e);
  if (rc)
    return rc;
  const char *sig_names[1] = {PACK_SIG_NAME}, *sigs[1] = {sig};
  rc = swriter_head(w, PACK_MANIFEST_NAME, json, sig_names, sigs, 1, e);
  for (size_t i = 0; rc == 0 && i < b->n; i++) {
    struct srcfile *f = &b->files[i];
    rc = swriter_header(w, f->path, f->size, e);
    if (rc == 0)
      rc = stream_file(b, f->from ? f->from : f->path, w, &f->size, f->hash, e);
  }
  return swriter_close(w, rc, e);
}

/* The output file: o->out, or <id>-<version>.kpack in o->out (a folder) or
 * in the current folder. */
static int out_path_for(const struct cmd_build_opts *o, const struct manifest *m, char *buf,
                        size_t cap, struct kerr *e)
{
  char name[MANIFEST_ID_MAX + 40];
  snprintf(name, sizeof name, "%s-%" PRIu64 ".kpack", m->id, m->version);
  return cli_out_path(o->out, name, buf, cap, e);
}

/* Writes the pack to path atomically: a temporary file beside it, fsync,
 * rename, fsync of the folder. */
static int write_pack_file(struct build *b, const char *path, const char *json, const char *sig,
                           int64_t mtime, struct kerr *e)
{
  size_t n = strlen(path);
  char *tmp = malloc(n + 32);
  char *dir = strdup(path);
  if (!tmp || !dir) {
    free(tmp);
    free(dir);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  const char *base = cli_basename(path);
  char *slash = strrchr(dir, '/');
  if (slash == dir)
    dir[1] = '\0';
  else if (slash)
    *slash = '\0';
  else
    strcpy(dir, ".");
  snprintf(tmp, n + 32, "%s/.%s.tmp-XXXXXX", dir, base);
  int rc = 0;
  int fd = mkstemp(tmp);
  if (fd < 0) {
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot create a file beside it", path);
    goto out;
  }
  (void)fchmod(fd, 0644);
  rc = write_tar(b, fd, json, sig, mtime, e);
  if (rc == 0 && fsync(fd) != 0)
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot write (fsync)", path);
  if (close(fd) != 0 && rc == 0)
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot write (close)", path);
  if (rc == 0 && rename(tmp, path) != 0)
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot put the file in place", path);
  if (rc) {
    unlink(tmp);
    goto out;
  }
  rc = fsutil_fsync_path(dir, e);
out:
  free(tmp);
  free(dir);
  return rc;
}

/* ---------------------------------------------------------------- build */

int cmd_build_pack(const struct cmd_build_opts *o, char *out_path, size_t cap, struct kerr *e)
{
  struct build *b = calloc(1, sizeof *b);
  if (!b)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  b->o = o;
  b->srcfd = -1;
  char *src_json = NULL, *json = NULL, *sig = NULL;
  size_t src_len = 0, sig_len = 0;
  struct manifest *sm = NULL, *pm = NULL;
  struct keys_secret *sk = NULL;
  struct sig_trust *trust = NULL;
  cJSON *src = NULL;
  int rc, written = 0;
  if (out_path && cap)
    out_path[0] = '\0';

  if (sodium_init() < 0) {
    rc = kerr_set(e, KERR_IO,
                  "the crypto library (libsodium) could not "
                  "start");
    goto out;
  }
  b->srcfd = open(o->src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (b->srcfd < 0) {
    rc = errno == ENOENT || errno == ENOTDIR
        ? kerr_set(e, KERR_NOENT,
                   "%s: no such folder — give the folder "
                   "that holds pack.json, pages/ and media/",
                   o->src)
        : kerr_errno(e, KERR_IO, errno, "%s: cannot open", o->src);
    goto out;
  }
  rc = fsutil_read_at(b->srcfd, "pack.json", MANIFEST_MAX_BYTES, &src_json, &src_len, e);
  if (rc) {
    if (rc == KERR_NOENT)
      rc = kerr_set(e, KERR_NOENT,
                    "%s/pack.json: not found — a pack source "
                    "folder needs pack.json",
                    o->src);
    else
      kerr_prefix(e, "%s", o->src);
    goto out;
  }
  if ((rc = manifest_parse(src_json, src_len, MANIFEST_SOURCE, &sm, e))) {
    kerr_prefix(e, "%s", o->src);
    goto out;
  }
  src = cJSON_ParseWithLength(src_json, src_len);
  if (!src) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory reading %s/pack.json", o->src);
    goto out;
  }
  if (cJSON_GetObjectItemCaseSensitive(src, "files")) {
    rc = kerr_set(e, KERR_MANIFEST,
                  "%s/pack.json: has a \"files\" list — "
                  "remove it; kiosk-pack build writes the list of files "
                  "itself",
                  o->src);
    goto out;
  }

  if ((rc = scan_source(b, e)))
    goto out;
  if (b->n)
    qsort(b->files, b->n, sizeof *b->files, cmp_srcfile);
  if ((rc = check_pages(b, sm, e)))
    goto out;
  check_media_used(b, sm);
  if ((rc = translations(b, src, e)))
    goto out;
  /* What lint calls an error never ships. */
  if (!o->no_lint && (rc = lint_gate(o->src, o->quiet, e)))
    goto out;

  /* The passphrase is asked before the long part, not after. */
  if ((rc = keys_secret_load(o->key, o->passphrase, &sk, e)))
    goto out;

  for (size_t i = 0; i < b->n; i++)
    if ((rc = stream_file(b, b->files[i].from ? b->files[i].from : b->files[i].path, NULL,
                          &b->files[i].size, b->files[i].hash, e)))
      goto out;

  if ((rc = make_manifest(b, src, &json, e)))
    goto out;
  struct kerr me;
  if ((rc = manifest_parse(json, strlen(json), MANIFEST_PACK, &pm, &me))) {
    rc = kerr_set(e, rc, "%s: the pack's manifest would not be valid: %s", o->src, me.msg);
    goto out;
  }
  char comment[PACK_COMMENT_BUFSZ];
  pack_trusted_comment(pm->id, pm->version, comment, sizeof comment);
  if ((rc = keys_sign(sk, json, strlen(json), comment, &sig, &sig_len, e)))
    goto out;

  char path[PATH_MAX];
  if ((rc = out_path_for(o, pm, path, sizeof path, e)))
    goto out;
  if ((rc = write_pack_file(b, path, json, sig, pm->created, e)))
    goto out;
  written = 1;

  /* Read it back as a kiosk would, with this key's public half. */
  struct sig_pubkey pub;
  keys_secret_public(sk, &pub);
  trust = sig_trust_new();
  if (!trust || sig_trust_add(trust, &pub, e) != 0) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory checking the pack");
    goto out;
  }
  struct pack_result *res = malloc(sizeof *res);
  if (!res) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory checking the pack");
    goto out;
  }
  struct kerr ve;
  int vrc = pack_verify(path, trust, NULL, res, &ve);
  /* An expired pack is well built; the kiosk will refuse it, and the
   * command says so. */
  if (vrc != 0 && vrc != KERR_EXPIRED)
    rc = kerr_set(e, KERR_IO,
                  "the pack just written does not verify (%s) — "
                  "this is a bug in kiosk-pack; please report it",
                  ve.msg);
  else if (vrc == KERR_EXPIRED)
    warn(b, "%s", ve.msg);
  pack_result_free(res);
  free(res);
  if (rc == 0 && out_path)
    snprintf(out_path, cap, "%s", path);
  if (rc && written)
    unlink(path);

out:
  cJSON_Delete(src);
  manifest_free(sm);
  manifest_free(pm);
  keys_secret_free(sk);
  sig_trust_free(trust);
  free(src_json);
  free(json);
  free(sig);
  build_free(b);
  free(b);
  return rc;
}

static void build_usage(FILE *out)
{
  fputs("Usage: kiosk-pack build SRCDIR --key NAME.key [--out FILE] "
        "[--compress none|gzip|zstd] [--allow-fuzzy]\n"
        "\n"
        "Builds a signed pack from the source folder SRCDIR (pack.json and the\n"
        "files under pages/, media/ and fonts/) and writes <id>-<version>.kpack\n"
        "in the current folder, or FILE (a folder there gets <id>-<version>.kpack).\n"
        "Compression is gzip unless told otherwise. The passphrase of an\n"
        "encrypted key comes from $" KEYS_PASSPHRASE_ENV " or is asked on the\n"
        "terminal.\n"
        "\n"
        "Translations kept with PO files (kiosk-pack po import): a page whose\n"
        "translation is incomplete, fuzzy or out of date goes into the pack in the\n"
        "source language, and \"needs_review\" says how many texts wait for a\n"
        "translator. --allow-fuzzy ships fuzzy and out-of-date translations as\n"
        "they are.\n",
        out);
}

int cmd_build(int argc, char **argv)
{
  struct cmd_build_opts o;
  memset(&o, 0, sizeof o);
  o.compress = CMD_BUILD_GZIP;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if ((!strcmp(a, "--key") || !strcmp(a, "--out") || !strcmp(a, "--compress")) && i + 1 < argc) {
      const char *v = argv[++i];
      if (!strcmp(a, "--key")) {
        o.key = v;
      } else if (!strcmp(a, "--out")) {
        o.out = v;
      } else if (!strcmp(v, "gzip")) {
        o.compress = CMD_BUILD_GZIP;
      } else if (!strcmp(v, "zstd")) {
        o.compress = CMD_BUILD_ZSTD;
      } else if (!strcmp(v, "none")) {
        o.compress = CMD_BUILD_NONE;
      } else {
        fprintf(stderr,
                "kiosk-pack build: --compress takes none, gzip or "
                "zstd (not '%s')\n",
                v);
        return CLI_ERROR;
      }
    } else if (!strcmp(a, "--allow-fuzzy")) {
      o.allow_fuzzy = 1;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      build_usage(stdout);
      return CLI_OK;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr,
              "kiosk-pack build: unknown option or missing value: "
              "'%s'\n",
              a);
      build_usage(stderr);
      return CLI_ERROR;
    } else if (!o.src) {
      o.src = a;
    } else {
      fprintf(stderr,
              "kiosk-pack build: one SRCDIR only ('%s' and '%s' "
              "given)\n",
              o.src, a);
      return CLI_ERROR;
    }
  }
  if (!o.src || !o.key) {
    fprintf(stderr, "kiosk-pack build: %s is missing\n", !o.src ? "SRCDIR" : "--key NAME.key");
    build_usage(stderr);
    return CLI_ERROR;
  }
  struct kerr e;
  kerr_clear(&e);
  char path[PATH_MAX];
  int rc = cmd_build_pack(&o, path, sizeof path, &e);
  if (rc) {
    fprintf(stderr, "kiosk-pack build: %s\n", e.msg);
    return cli_exit_code(rc);
  }
  /* Say what was written, from the pack itself. */
  struct pack_result *res = malloc(sizeof *res);
  if (res && pack_inspect(path, NULL, res, NULL) == 0) {
    char size[32];
    cli_fmt_bytes(res->bytes, size, sizeof size);
    printf("Wrote %s: %s version %" PRIu64 ", %zu files (%s), %s, signed with "
           "key %s\n",
           path, res->id, res->version, res->n_files, size,
           o.compress == CMD_BUILD_GZIP       ? "gzip"
               : o.compress == CMD_BUILD_ZSTD ? "zstd"
                                              : "uncompressed",
           res->key_id);
  } else {
    printf("Wrote %s\n", path);
  }
  pack_result_free(res);
  free(res);
  return CLI_OK;
}
