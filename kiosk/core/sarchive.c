/* sarchive.c — the one reader of signed archives (see sarchive.h): packs
 * and keyring updates both open, step through and read their heads here,
 * so that the rules for hostile files — the byte budget, cancellation, a
 * stick pulled mid-read (EIO, ESTALE, ENOMEDIUM), who owns the descriptor —
 * exist once. */
#include "core/sarchive.h"
#include "core/esc.h"

#include "core/arclib.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sarchive_show_name(const char *raw, char *out, size_t cap)
{
  if (!raw) {
    snprintf(out, cap, "(an entry without a readable name)");
    return;
  }
  esc_name(raw, out, cap < SARCHIVE_SHOWN_NAME_MAX ? cap : SARCHIVE_SHOWN_NAME_MAX);
}

void sarchive_file_name(const char *path, char *out, size_t cap)
{
  const char *base = strrchr(path, '/');
  base = (base && base[1]) ? base + 1 : path;
  sarchive_show_name(base, out, cap);
}

static int cancel_requested(const struct sarchive *a)
{
  return a->cancel && atomic_load(a->cancel) != 0;
}

/* The tar reader's read callback: the next block of the outer reader's
 * output, within the byte budget. */
static la_ssize_t chain_read(struct archive *ar, void *ctx, const void **out)
{
  struct sarchive *a = ctx;
  if (cancel_requested(a)) {
    a->cancelled = 1;
    arclib()->set_error(ar, ECANCELED, "cancelled");
    return -1;
  }
  const void *block;
  size_t size;
  la_int64_t offset;
  int rc = arclib()->read_data_block(a->outer, &block, &size, &offset);
  if (rc == ARCHIVE_EOF)
    return 0;
  if (rc < ARCHIVE_WARN) {
    const char *m = arclib()->error_string(a->outer);
    a->outer_failed = 1;
    a->outer_errno = arclib()->errno_of(a->outer);
    snprintf(a->outer_err, sizeof a->outer_err, "%s", m ? m : "read error");
    arclib()->set_error(ar, a->outer_errno ? a->outer_errno : EIO, "%s", a->outer_err);
    return -1;
  }
  if (size > a->budget - a->fed) {
    a->over_budget = 1;
    arclib()->set_error(ar, EFBIG, "more data than the archive may hold");
    return -1;
  }
  a->fed += size;
  *out = block;
  return (la_ssize_t)size;
}

/* What the first bytes of a file that is no signed archive look like. */
static const char *looks_like(const unsigned char *b, size_t n)
{
  static const struct {
    const char *magic;
    size_t len;
    const char *what;
  } table[] = {
      {"PK\x03\x04", 4, "a zip file"},
      {"PK\x05\x06", 4, "an empty zip file"},
      {"7z\xBC\xAF\x27\x1C", 6, "a 7-Zip file"},
      {"Rar!\x1A\x07", 6, "a RAR file"},
      {"\xFD"
       "7zXZ",
       5, "an xz-compressed file"},
      {"BZh", 3, "a bzip2-compressed file"},
      {"\x04\x22\x4D\x18", 4, "an lz4-compressed file"},
      {"\x1F\x9D", 2, "a compress (.Z) file"},
      {"070701", 6, "a cpio archive"},
      {"070702", 6, "a cpio archive"},
      {"070707", 6, "a cpio archive"},
      {"\xC7\x71", 2, "a cpio archive"},
      {"\x71\xC7", 2, "a cpio archive"},
      {"!<arch>\n", 8, "an ar archive (a .deb?)"},
      {"MSCF", 4, "a Windows cabinet file"},
      {"%PDF", 4, "a PDF document"},
      {"\x89PNG", 4, "a PNG image"},
      {"\xFF\xD8\xFF", 3, "a JPEG image"},
      {"\x7F"
       "ELF",
       4, "a program"},
      {"untrusted comment:", 18, "a minisign signature or key file"},
      {"{", 1, NULL}, /* JSON: said with the document's name */
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (n >= table[i].len && memcmp(b, table[i].magic, table[i].len) == 0)
      return table[i].what ? table[i].what : "{";
  return NULL;
}

/* "<file>: not a kiosk pack (<why>) — a pack is ..."; why NULL: what the
 * file looks like. */
static int not_this_kind(struct sarchive *a, const char *why, struct kerr *e)
{
  char desc[SARCHIVE_SHOWN_NAME_MAX + 96];
  if (why) {
    snprintf(desc, sizeof desc, "%s", why);
  } else {
    int filter = arclib()->filter_code(a->outer, 0);
    const char *what = looks_like(a->sniff, a->sniff_len);
    if (filter == ARCHIVE_FILTER_GZIP || filter == ARCHIVE_FILTER_ZSTD)
      snprintf(desc, sizeof desc,
               "it is %s-compressed, but not a tar file "
               "inside",
               filter == ARCHIVE_FILTER_GZIP ? "gzip" : "zstd");
    else if (what && !strcmp(what, "{"))
      snprintf(desc, sizeof desc,
               "it looks like a JSON text (a %s on its "
               "own?)",
               a->kind->doc_name);
    else if (what)
      snprintf(desc, sizeof desc, "it looks like %s", what);
    else
      snprintf(desc, sizeof desc,
               "it is not a tar file, plain or compressed "
               "with gzip or zstd");
  }
  return kerr_set(e, KERR_FORMAT, "%s: %s (%s) — %s", a->file, a->kind->not_a, desc,
                  a->kind->made_by);
}

int sarchive_fail(struct sarchive *a, const char *where, struct kerr *e)
{
  if (a->cancelled)
    return kerr_set(e, KERR_INVAL, "%s: cancelled — nothing was changed", a->file);
  if (a->over_budget)
    return kerr_set(e, KERR_LIMIT,
                    "%s: holds more data than %s (after %" PRIu64
                    " bytes) — refused; get a fresh copy",
                    a->file, a->kind->too_much, a->fed);
  const char *msg = a->outer_failed ? a->outer_err : arclib()->error_string(a->tar);
  int err = a->outer_failed ? a->outer_errno : arclib()->errno_of(a->tar);
  if (!msg)
    msg = "unknown error";
  char in[SARCHIVE_SHOWN_NAME_MAX + 16] = "";
  if (where)
    snprintf(in, sizeof in, " in %s", where);
  if (err == EIO || err == ENXIO || err == ENODEV || err == ESTALE || err == ENOMEDIUM)
    return kerr_set(e, KERR_IO,
                    "%s: could not be read%s (%s) — is the "
                    "stick still in? Copy the %s again",
                    a->file, in, msg, a->kind->noun);
  if (err == ENOMEM)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory reading the %s", a->file, a->kind->noun);
  if (strstr(msg, "runcated") || strstr(msg, "nexpected end") || strstr(msg, "premature end"))
    return kerr_set(e, KERR_TRUNCATED,
                    "%s: ends early%s — the copy is "
                    "incomplete; copy the %s again",
                    a->file, in, a->kind->noun);
  return kerr_set(e, KERR_FORMAT,
                  "%s: is damaged%s (%s) — get a fresh "
                  "copy",
                  a->file, in, msg);
}

void sarchive_close(struct sarchive *a)
{
  if (!a)
    return;
  if (a->tar)
    arclib()->read_free(a->tar);
  if (a->outer)
    arclib()->read_free(a->outer);
  if (a->fd >= 0)
    close(a->fd);
  free(a);
}

int sarchive_open(const char *path, int fd, const struct sarchive_kind *kind,
                  const atomic_int *cancel, struct sarchive **out, struct kerr *e)
{
  *out = NULL;
  struct sarchive *a = calloc(1, sizeof *a);
  if (!a)
    return kerr_set(e, KERR_NOMEM, "out of memory opening %s", path);
  a->fd = -1;
  a->kind = kind;
  a->cancel = cancel;
  a->budget = kind->head_budget;
  sarchive_file_name(path, a->file, sizeof a->file);
  int rc;
  struct kerr le;
  if (arclib_load(&le)) {
    rc = kerr_set(e, KERR_IO, "%s: cannot be read: %s", a->file, le.msg);
    goto fail;
  }

  if (fd >= 0) {
    a->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (a->fd < 0 || lseek(a->fd, 0, SEEK_SET) != 0) {
      rc = kerr_errno(e, KERR_IO, errno, "%s: could not be read", a->file);
      goto fail;
    }
  } else {
    a->fd = open(path, O_RDONLY | O_CLOEXEC);
  }
  if (a->fd < 0) {
    int err = errno;
    rc = err == ENOENT ? kerr_set(e, KERR_NOENT,
                                  "%s: not found — check the name and "
                                  "the folder",
                                  a->file)
                       : kerr_errno(e, KERR_IO, err, "%s: could not be opened", a->file);
    goto fail;
  }
  struct stat sb;
  if (fstat(a->fd, &sb) != 0) {
    rc = kerr_errno(e, KERR_IO, errno, "%s: could not be read", a->file);
    goto fail;
  }
  if (!S_ISREG(sb.st_mode)) {
    rc = not_this_kind(a,
                       S_ISDIR(sb.st_mode) ? "it is a folder, not a file"
                                           : "it is a special file, not a "
                                             "file",
                       e);
    goto fail;
  }
  if (sb.st_size == 0) {
    rc = kerr_set(e, KERR_TRUNCATED,
                  "%s: is empty (0 bytes) — the copy is "
                  "incomplete; copy the %s again",
                  a->file, kind->noun);
    goto fail;
  }
  ssize_t got;
  do
    got = pread(a->fd, a->sniff, sizeof a->sniff, 0);
  while (got < 0 && errno == EINTR);
  if (got < 0) {
    rc = kerr_errno(e, KERR_IO, errno,
                    "%s: could not be read — is the "
                    "stick still in?",
                    a->file);
    goto fail;
  }
  a->sniff_len = (size_t)got;

  a->outer = arclib()->read_new();
  a->tar = arclib()->read_new();
  if (!a->outer || !a->tar) {
    rc = kerr_set(e, KERR_NOMEM, "%s: out of memory", a->file);
    goto fail;
  }
  /* Only the built-in decoders: ARCHIVE_WARN would mean libarchive falls
   * back to running an external program, which we never want. */
  if (arclib()->read_support_format_raw(a->outer) != ARCHIVE_OK ||
      arclib()->read_support_filter_gzip(a->outer) != ARCHIVE_OK ||
      arclib()->read_support_filter_zstd(a->outer) != ARCHIVE_OK ||
      arclib()->read_support_format_tar(a->tar) != ARCHIVE_OK) {
    rc = kerr_set(e, KERR_IO,
                  "%s: this program's libarchive lacks built-in "
                  "gzip, zstd or tar support; it cannot read the %s",
                  a->file, kind->noun);
    goto fail;
  }
  struct archive_entry *ent;
  if (arclib()->read_open_fd(a->outer, a->fd, SARCHIVE_BUF_BYTES) != ARCHIVE_OK ||
      arclib()->read_next_header(a->outer, &ent) < ARCHIVE_WARN) {
    const char *m = arclib()->error_string(a->outer);
    a->outer_failed = 1;
    a->outer_errno = arclib()->errno_of(a->outer);
    snprintf(a->outer_err, sizeof a->outer_err, "%s", m ? m : "unreadable");
    rc = sarchive_fail(a, NULL, e);
    goto fail;
  }
  /* libarchive recognises the format while opening. */
  if (arclib()->read_open(a->tar, a, NULL, chain_read, NULL) != ARCHIVE_OK) {
    rc = a->cancelled || a->over_budget || a->outer_failed ? sarchive_fail(a, NULL, e)
                                                           : not_this_kind(a, NULL, e);
    goto fail;
  }
  *out = a;
  return 0;
fail:
  sarchive_close(a);
  return rc;
}

int sarchive_next(struct sarchive *a, struct archive_entry **ent, struct kerr *e)
{
  if (cancel_requested(a)) {
    a->cancelled = 1;
    return sarchive_fail(a, NULL, e);
  }
  int rc = arclib()->read_next_header(a->tar, ent);
  if (rc == ARCHIVE_EOF)
    return 1;
  /* ARCHIVE_WARN is, for tar, a name that does not convert to the current
   * locale: the raw bytes are kept and judged by the caller. */
  if (rc == ARCHIVE_OK || rc == ARCHIVE_WARN) {
    a->entries++;
    return 0;
  }
  return sarchive_fail(a, NULL, e);
}

void sarchive_set_budget(struct sarchive *a, uint64_t budget)
{
  a->budget = budget;
}

const char *sarchive_not_regular(struct archive_entry *ent)
{
  if (arclib()->entry_hardlink(ent))
    return "a hard link";
  if (arclib()->entry_sparse_count(ent) > 0)
    return "a sparse file";
  switch (arclib()->entry_filetype(ent)) {
  case AE_IFREG: return NULL;
  case AE_IFDIR: return "a folder";
  case AE_IFLNK: return "a symbolic link";
  case AE_IFCHR: return "a character device";
  case AE_IFBLK: return "a block device";
  case AE_IFIFO: return "a FIFO (named pipe)";
  case AE_IFSOCK: return "a socket";
  default: return "not a regular file";
  }
}

int sarchive_read_exact(struct sarchive *a, const char *shown, char *buf, size_t size,
                        struct kerr *e)
{
  size_t done = 0;
  while (done < size) {
    la_ssize_t n = arclib()->read_data(a->tar, buf + done, size - done);
    if (n < 0)
      return sarchive_fail(a, shown, e);
    if (n == 0)
      return kerr_set(e, KERR_TRUNCATED,
                      "%s: ends in the middle of %s — the "
                      "copy is incomplete; copy the %s again",
                      a->file, shown, a->kind->noun);
    done += (size_t)n;
  }
  /* Nothing may follow (the tar reader stops at the header's size, but we
   * do not rely on it). */
  unsigned char beyond;
  la_ssize_t n = arclib()->read_data(a->tar, &beyond, 1);
  if (n < 0)
    return sarchive_fail(a, shown, e);
  if (n > 0)
    return kerr_set(e, KERR_MEMBER,
                    "%s: %s is longer than its header says "
                    "— the %s is damaged; get a fresh copy",
                    a->file, shown, a->kind->noun);
  return 0;
}

int sarchive_read_member(struct sarchive *a, struct archive_entry *ent, const char *name,
                         size_t max, int first, char **out, size_t *len, struct kerr *e)
{
  const struct sarchive_kind *k = a->kind;
  int rc = ent ? 0 : sarchive_next(a, &ent, e);
  if (rc < 0)
    return rc;
  if (rc == 1)
    return first ? kerr_set(e, KERR_FORMAT,
                            "%s: %s (the tar file is empty) "
                            "— %s",
                            a->file, k->not_a, k->ask_for)
                 : kerr_set(e, KERR_SIG,
                            "%s: has no %s after %s — the %s "
                            "is not signed; ask the content team for a signed "
                            "%s",
                            a->file, name, k->doc_name, k->noun, k->noun);
  const char *path = arclib()->entry_pathname(ent);
  char shown[SARCHIVE_SHOWN_NAME_MAX];
  sarchive_show_name(path, shown, sizeof shown);
  if (!path || strcmp(path, name) != 0) {
    if (first && path && k->other_doc && strcmp(path, k->other_doc) == 0)
      return kerr_set(e, KERR_FORMAT, "%s: %s (%s) — %s", a->file, k->not_a, k->other_is,
                      k->made_by);
    if (first)
      return kerr_set(e, KERR_FORMAT,
                      "%s: %s (it starts with \"%s\" instead "
                      "of %s) — %s",
                      a->file, k->not_a, shown, name, k->ask_for);
    return kerr_set(e, KERR_SIG,
                    "%s: the second entry is \"%s\" instead of "
                    "the signature %s — the %s is not signed as it should "
                    "be; ask the content team for %s",
                    a->file, shown, name, k->noun, k->made_by_short);
  }
  const char *what = sarchive_not_regular(ent);
  if (what)
    return kerr_set(e, KERR_TYPE, "%s: %s is %s%s", a->file, name, what, k->bad_type);
  la_int64_t size = arclib()->entry_size(ent);
  if (!arclib()->entry_size_is_set(ent) || size < 0)
    return kerr_set(e, KERR_FORMAT,
                    "%s: %s has no size in its header — the "
                    "%s is damaged; get a fresh copy",
                    a->file, name, k->noun);
  if ((uint64_t)size > max)
    return kerr_set(e, first ? KERR_TOOBIG : KERR_SIG,
                    "%s: %s is %" PRId64 " bytes; at most %zu are allowed — refused; %s", a->file,
                    name, (int64_t)size, max, k->too_big);
  char *buf = malloc((size_t)size + 1);
  if (!buf)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory reading %s", a->file, name);
  rc = sarchive_read_exact(a, name, buf, (size_t)size, e);
  if (rc) {
    free(buf);
    return rc;
  }
  buf[size] = '\0';
  *out = buf;
  *len = (size_t)size;
  return 0;
}

int sarchive_parse_sig(struct sarchive *a, const char *member, const char *text, size_t len,
                       struct sig_minisig **out, struct kerr *e)
{
  char name[SARCHIVE_FILE_NAME_MAX + 64];
  snprintf(name, sizeof name, "%s: %s", a->file, member);
  int rc = sig_minisig_parse(text, len, name, out, e);
  if (rc && e && !strstr(e->msg, " — ")) {
    size_t n = strlen(e->msg);
    snprintf(e->msg + n, sizeof e->msg - n,
             " — the signature is damaged; "
             "get a fresh copy of the %s",
             a->kind->noun);
  }
  return rc;
}

int sarchive_head_read(struct sarchive *a, size_t doc_max, struct sarchive_head *h, struct kerr *e)
{
  int rc = sarchive_read_member(a, NULL, a->kind->doc_name, doc_max, 1, &h->doc, &h->doc_len, e);
  if (rc == 0)
    rc = sarchive_read_member(a, NULL, a->kind->sig_name, SARCHIVE_SIG_MAX_BYTES, 0, &h->sig,
                              &h->sig_len, e);
  if (rc == 0)
    rc = sarchive_parse_sig(a, a->kind->sig_name, h->sig, h->sig_len, &h->parsed, e);
  return rc;
}

void sarchive_head_free(struct sarchive_head *h)
{
  free(h->doc);
  free(h->sig);
  sig_minisig_free(h->parsed);
  memset(h, 0, sizeof *h);
}
