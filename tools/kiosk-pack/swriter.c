/* swriter.c — the one writer of signed archives (see swriter.h). */
#include "kiosk-pack/swriter.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct swriter {
  struct archive *a;
  const char *what;
  int64_t mtime;
};

int swriter_fits_ustar(const char *path)
{
  size_t n = strlen(path);
  if (n <= 100)
    return 1;
  for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
    size_t pre = (size_t)(s - path), rest = n - pre - 1;
    if (pre <= 155 && rest <= 100 && rest > 0)
      return 1;
  }
  return 0;
}

/* A new writer with format and filter set, not yet open. */
static int start(enum cmd_build_compress compress, int ustar, const char *what, int64_t mtime,
                 struct swriter **out, struct kerr *e)
{
  *out = NULL;
  struct swriter *w = calloc(1, sizeof *w);
  if (w)
    w->a = archive_write_new();
  if (!w || !w->a) {
    free(w);
    return kerr_set(e, KERR_NOMEM, "out of memory writing the %s", what);
  }
  w->what = what;
  w->mtime = mtime > 0 ? mtime : 0;
  int r =
      ustar ? archive_write_set_format_ustar(w->a) : archive_write_set_format_pax_restricted(w->a);
  if (r == ARCHIVE_OK) {
    switch (compress) {
    case CMD_BUILD_GZIP:
      r = archive_write_add_filter_gzip(w->a);
      /* No time stamp in the gzip header: the same input gives the same
       * bytes. */
      if (r >= ARCHIVE_WARN)
        r = archive_write_set_options(w->a, "gzip:!timestamp") >= ARCHIVE_WARN ? ARCHIVE_OK
                                                                               : ARCHIVE_FATAL;
      break;
    case CMD_BUILD_ZSTD: r = archive_write_add_filter_zstd(w->a); break;
    case CMD_BUILD_NONE: r = archive_write_add_filter_none(w->a); break;
    }
  }
  if (r < ARCHIVE_WARN) {
    int rc =
        kerr_set(e, KERR_IO, "cannot start writing the %s: %s", what, archive_error_string(w->a));
    archive_write_free(w->a);
    free(w);
    return rc;
  }
  *out = w;
  return 0;
}

static int opened(struct swriter *w, int r, struct swriter **out, struct kerr *e)
{
  if (r != ARCHIVE_OK) {
    int rc = kerr_set(e, KERR_IO, "cannot start writing the %s: %s", w->what,
                      archive_error_string(w->a));
    archive_write_free(w->a);
    free(w);
    return rc;
  }
  *out = w;
  return 0;
}

int swriter_open_fd(int fd, enum cmd_build_compress compress, int ustar, const char *what,
                    int64_t mtime, struct swriter **out, struct kerr *e)
{
  struct swriter *w;
  int rc = start(compress, ustar, what, mtime, &w, e);
  if (rc)
    return rc;
  return opened(w, archive_write_open_fd(w->a, fd), out, e);
}

int swriter_open_memory(void *buf, size_t cap, size_t *used, enum cmd_build_compress compress,
                        int ustar, const char *what, int64_t mtime, struct swriter **out,
                        struct kerr *e)
{
  struct swriter *w;
  int rc = start(compress, ustar, what, mtime, &w, e);
  if (rc)
    return rc;
  return opened(w, archive_write_open_memory(w->a, buf, cap, used), out, e);
}

int swriter_header(struct swriter *w, const char *path, uint64_t size, struct kerr *e)
{
  struct archive_entry *ent = archive_entry_new();
  if (!ent)
    return kerr_set(e, KERR_NOMEM, "out of memory writing the %s", w->what);
  archive_entry_copy_pathname(ent, path);
  archive_entry_set_filetype(ent, AE_IFREG);
  archive_entry_set_perm(ent, 0644);
  archive_entry_set_size(ent, (la_int64_t)size);
  archive_entry_set_uid(ent, 0);
  archive_entry_set_gid(ent, 0);
  archive_entry_set_mtime(ent, (time_t)w->mtime, 0);
  int r = archive_write_header(w->a, ent);
  archive_entry_free(ent);
  /* ARCHIVE_WARN: a name libarchive could not convert to UTF-8 for a pax
   * header is written as raw bytes, which is what the reader compares. */
  if (r < ARCHIVE_WARN)
    return kerr_set(e, KERR_IO, "cannot write %s into the %s: %s", path, w->what,
                    archive_error_string(w->a));
  return 0;
}

int swriter_data(struct swriter *w, const void *data, size_t len, struct kerr *e)
{
  if (len && archive_write_data(w->a, data, len) != (la_ssize_t)len)
    return kerr_set(e, KERR_IO, "cannot write the %s: %s", w->what, archive_error_string(w->a));
  return 0;
}

int swriter_add(struct swriter *w, const char *path, const void *data, size_t len, struct kerr *e)
{
  int rc = swriter_header(w, path, len, e);
  if (rc == 0 && len && archive_write_data(w->a, data, len) != (la_ssize_t)len)
    rc = kerr_set(e, KERR_IO, "cannot write %s into the %s: %s", path, w->what,
                  archive_error_string(w->a));
  return rc;
}

int swriter_head(struct swriter *w, const char *doc_name, const char *doc,
                 const char *const *sig_names, const char *const *sigs, size_t n_sigs,
                 struct kerr *e)
{
  int rc = swriter_add(w, doc_name, doc, strlen(doc), e);
  for (size_t i = 0; rc == 0 && i < n_sigs; i++)
    rc = swriter_add(w, sig_names[i], sigs[i], strlen(sigs[i]), e);
  return rc;
}

int swriter_close(struct swriter *w, int failed, struct kerr *e)
{
  if (!w)
    return failed;
  int rc = failed;
  if (!failed && archive_write_close(w->a) != ARCHIVE_OK)
    rc = kerr_set(e, KERR_IO, "cannot finish writing the %s: %s", w->what,
                  archive_error_string(w->a));
  archive_write_free(w->a);
  free(w);
  return rc;
}
