/* playlog.c — the append-only, bounded, crash-tolerant play log.
 *
 * Promises: appending is cheap (one write() per line, no fsync), the log
 * never grows past about twice its limit (one rotation is kept), and a power
 * cut at any instant costs at most the lines not yet written back by the
 * kernel plus one torn line, which every reader skips. Nothing else on disk
 * is ever touched: only playlog.csv and playlog.csv.1 in the folder given.
 *
 * Why a line can be torn, and how we cope: a write() of a line may reach the
 * disk only in part before a power cut; some filesystems then show zeros
 * past the last good byte. A reader therefore accepts only lines that end
 * in a newline and whose six fields all parse, and a writer that reopens a
 * file ending mid-line starts its first line with a newline. */
#include "core/playlog.h"
#include "core/decimal.h"
#include "core/clock.h"
#include "core/fsutil.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_BUF_BYTES 65536
#define OPEN_RETRIES 5

struct playlog {
  pthread_mutex_t mu;
  char dir[1024];
  int dirfd;
  int fd;        /* playlog.csv, O_APPEND */
  uint64_t size; /* bytes in playlog.csv as far as we know */
  uint64_t max_bytes;
  int need_newline; /* the file ends mid-line: start the next on a new one */
  int warned_rotate;
};

static int code_for(int err)
{
  return err == ENOSPC
#ifdef EDQUOT
          || err == EDQUOT
#endif
      ? KERR_NOSPACE
      : KERR_IO;
}

/* Opens dirfd/playlog.csv for appending and learns its size and whether it
 * ends mid-line. A new file gets the header. */
static int open_current(struct playlog *p, struct kerr *e)
{
  p->fd =
      openat(p->dirfd, PLAYLOG_NAME, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (p->fd < 0)
    return kerr_errno(e, code_for(errno), errno,
                      "%s/%s: could not open the "
                      "play log",
                      p->dir, PLAYLOG_NAME);
  struct stat st;
  if (fstat(p->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(p->fd);
    p->fd = -1;
    return kerr_set(e, KERR_IO,
                    "%s/%s: the play log is not a regular file "
                    "— remove it",
                    p->dir, PLAYLOG_NAME);
  }
  p->size = (uint64_t)st.st_size;
  p->need_newline = 0;
  if (p->size > 0) {
    char last;
    if (pread(p->fd, &last, 1, (off_t)(p->size - 1)) == 1 && last != '\n')
      p->need_newline = 1;
    return 0;
  }
  static const char header[] = PLAYLOG_HEADER "\n";
  size_t done = 0;
  int err = fsutil_write_all(p->fd, header, sizeof header - 1, &done);
  p->size += done;
  if (err) {
    p->need_newline = done > 0;
    return kerr_errno(e, code_for(err), err,
                      "%s/%s: could not write the "
                      "play log",
                      p->dir, PLAYLOG_NAME);
  }
  return 0;
}

int playlog_open(const char *dir, unsigned max_kib, struct playlog **out, struct kerr *e)
{
  *out = NULL;
  struct playlog *p = calloc(1, sizeof *p);
  if (!p)
    return kerr_set(e, KERR_NOMEM, "out of memory opening the play log");
  p->dirfd = p->fd = -1;
  pthread_mutex_init(&p->mu, NULL);
  snprintf(p->dir, sizeof p->dir, "%s", dir);
  if (max_kib == 0)
    max_kib = PLAYLOG_DEFAULT_KIB;
  if (max_kib < PLAYLOG_MIN_KIB)
    max_kib = PLAYLOG_MIN_KIB;
  p->max_bytes = (uint64_t)max_kib * 1024;
  p->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (p->dirfd < 0) {
    int rc = kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno,
                        "%s: could not open the play log folder — check "
                        "log_dir in the configuration",
                        dir);
    playlog_close(p);
    return rc;
  }
  int rc = open_current(p, e);
  if (rc) {
    playlog_close(p);
    return rc;
  }
  *out = p;
  return 0;
}

/* Moves playlog.csv to playlog.csv.1 and starts a new one. The old file is
 * fsynced first (once per rotation, not per line) so the rename never
 * publishes a file whose data is still only in memory. */
static int rotate(struct playlog *p, struct kerr *e)
{
  if (fsync(p->fd) != 0 && errno != EINVAL)
    log_debug("play log: fsync before rotation failed: %s", strerror(errno));
  if (renameat(p->dirfd, PLAYLOG_NAME, p->dirfd, PLAYLOG_OLD_NAME) != 0)
    return kerr_errno(e, code_for(errno), errno,
                      "%s/%s: could not rotate "
                      "the play log",
                      p->dir, PLAYLOG_NAME);
  close(p->fd);
  p->fd = -1;
  int rc = open_current(p, e);
  if (fsync(p->dirfd) != 0 && errno != EINVAL)
    log_debug("play log: fsync of %s failed: %s", p->dir, strerror(errno));
  return rc;
}

/* Copies s into out (cap bytes), making it safe for one CSV field. */
static void clean_field(const char *s, char *out, size_t cap)
{
  size_t n = 0;
  if (s) {
    for (; s[n] && n + 1 < cap; n++) {
      unsigned char c = (unsigned char)s[n];
      out[n] = (c < 0x20 || c == 0x7f || c == ',' || c == '"') ? '_' : (char)c;
    }
    if (s[n]) /* cut: do not leave half a UTF-8 sequence */
      while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
        n--;
    if (s[n] && n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
      n--;
  }
  if (n == 0)
    out[n++] = '-';
  out[n] = '\0';
}

int playlog_append(struct playlog *p, int64_t time, const char *pack_id, uint64_t version,
                   const char *page, const char *lang, uint64_t shown_ms, struct kerr *e)
{
  char id[PLAYLOG_FIELD_MAX], pg[PLAYLOG_FIELD_MAX], lg[PLAYLOG_FIELD_MAX];
  clean_field(pack_id, id, sizeof id);
  clean_field(page, pg, sizeof pg);
  clean_field(lang, lg, sizeof lg);
  char stamp[32];
  time_t t = (time_t)time;
  struct tm tm;
  if (!gmtime_r(&t, &tm) || strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
    snprintf(stamp, sizeof stamp, "1970-01-01T00:00:00Z");
  if (shown_ms > UINT64_C(1) << 50)
    shown_ms = UINT64_C(1) << 50;

  char line[PLAYLOG_LINE_MAX + 1];
  int n = snprintf(line, sizeof line, "\n%s,%s,%" PRIu64 ",%s,%s,%" PRIu64 ".%" PRIu64 "\n", stamp,
                   id, version, pg, lg, shown_ms / 1000, (shown_ms % 1000) / 100);
  if (n < 0 || (size_t)n >= sizeof line)
    return kerr_set(e, KERR_INVAL, "play log line too long");

  pthread_mutex_lock(&p->mu);
  int rc = 0;
  if (p->fd < 0 && (rc = open_current(p, e)) != 0)
    goto out;
  if (p->size + (size_t)n > p->max_bytes && p->size > sizeof PLAYLOG_HEADER) {
    rc = rotate(p, e);
    if (rc && p->fd < 0)
      goto out;
    if (rc) {
      if (!p->warned_rotate)
        log_warn("%s — the play log grows past its limit until this is "
                 "fixed",
                 e ? e->msg : "could not rotate the play log");
      p->warned_rotate = 1;
      rc = 0;
    }
  }
  const char *buf = p->need_newline ? line : line + 1;
  size_t len = (size_t)n - (p->need_newline ? 0 : 1);
  size_t done = 0;
  int err = fsutil_write_all(p->fd, buf, len, &done);
  p->size += done;
  if (err) {
    p->need_newline = done > 0 || p->need_newline;
    rc = kerr_errno(e, code_for(err), err,
                    "%s/%s: could not add to the "
                    "play log",
                    p->dir, PLAYLOG_NAME);
  } else {
    p->need_newline = 0;
  }
out:
  pthread_mutex_unlock(&p->mu);
  return rc;
}

int playlog_sync(struct playlog *p, struct kerr *e)
{
  pthread_mutex_lock(&p->mu);
  int rc = 0;
  if (p->fd >= 0 && fsync(p->fd) != 0 && errno != EINVAL)
    rc = kerr_errno(e, KERR_IO, errno, "%s/%s: could not flush the play log", p->dir, PLAYLOG_NAME);
  pthread_mutex_unlock(&p->mu);
  return rc;
}

void playlog_close(struct playlog *p)
{
  if (!p)
    return;
  if (p->fd >= 0) {
    (void)fsync(p->fd);
    close(p->fd);
  }
  if (p->dirfd >= 0)
    close(p->dirfd);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

/* --- reading ------------------------------------------------------------ */

static int digits(const char *s, size_t n, uint64_t *out)
{
  return n <= 18 && decimal_u64(s, n, out) == 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" exactly. */
static int parse_stamp(const char *s, size_t n, int64_t *out)
{
  uint64_t y, mo, d, h, mi, se;
  if (n != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s[19] != 'Z' || !digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
      !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
    return 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return 0;
  *out = clock_days_from_civil((int64_t)y, (unsigned)mo, (unsigned)d) * 86400 +
      (int64_t)(h * 3600 + mi * 60 + se);
  return 1;
}

static int text_field_ok(const char *s, size_t n)
{
  if (n == 0 || n >= PLAYLOG_FIELD_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f || c == '"')
      return 0;
  }
  return 1;
}

int playlog_parse_line(const char *line, size_t len, char *buf, size_t cap,
                       struct playlog_entry *entry)
{
  if (len + 1 > cap || len >= PLAYLOG_LINE_MAX)
    return 0;
  memcpy(buf, line, len);
  buf[len] = '\0';
  char *f[6];
  size_t fl[6];
  size_t nf = 0;
  char *start = buf;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || buf[i] == ',') {
      if (nf == 6)
        return 0; /* too many fields */
      f[nf] = start;
      fl[nf] = (size_t)(buf + i - start);
      nf++;
      buf[i] = '\0';
      start = buf + i + 1;
    }
  }
  if (nf != 6)
    return 0;
  memset(entry, 0, sizeof *entry);
  if (!parse_stamp(f[0], fl[0], &entry->time))
    return 0; /* also rejects the header */
  if (!text_field_ok(f[1], fl[1]) || !text_field_ok(f[3], fl[3]) || !text_field_ok(f[4], fl[4]) ||
      !digits(f[2], fl[2], &entry->version))
    return 0;
  /* seconds: digits, optionally "." and digits */
  char *dot = memchr(f[5], '.', fl[5]);
  size_t whole = dot ? (size_t)(dot - f[5]) : fl[5];
  uint64_t s = 0, frac = 0;
  if (!digits(f[5], whole, &s))
    return 0;
  if (dot) {
    size_t fn = fl[5] - whole - 1;
    if (!digits(dot + 1, fn, &frac))
      return 0;
    while (fn > 3) {
      frac /= 10;
      fn--;
    }
    while (fn < 3) {
      frac *= 10;
      fn++;
    }
  }
  entry->shown_ms = s * 1000 + frac;
  entry->pack_id = f[1];
  entry->page = f[3];
  entry->lang = f[4];
  entry->line = line;
  entry->line_len = len;
  return 1;
}

/* Reads up to limit bytes of fd line by line, calling fn for good lines.
 * The final bytes without a newline are a torn line: skipped. */
static int read_lines(int fd, uint64_t limit, playlog_line_fn *fn, void *ctx,
                      struct playlog_stats *st, const char *what, struct kerr *e)
{
  char *buf = malloc(READ_BUF_BYTES);
  char line[PLAYLOG_LINE_MAX];
  char scratch[PLAYLOG_LINE_MAX + 1];
  if (!buf)
    return kerr_set(e, KERR_NOMEM, "out of memory reading the play log");
  size_t ll = 0;
  int overlong = 0, rc = 0;
  uint64_t off = 0;
  while (off < limit) {
    size_t want = limit - off < READ_BUF_BYTES ? (size_t)(limit - off) : READ_BUF_BYTES;
    ssize_t r = pread(fd, buf, want, (off_t)off);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      rc = kerr_errno(e, KERR_IO, errno, "%s: could not read the play log", what);
      break;
    }
    if (r == 0)
      break;
    off += (uint64_t)r;
    for (ssize_t i = 0; i < r && rc == 0; i++) {
      char c = buf[i];
      if (c != '\n') {
        if (ll < sizeof line)
          line[ll++] = c;
        else
          overlong = 1;
        continue;
      }
      struct playlog_entry en;
      if (!overlong && playlog_parse_line(line, ll, scratch, sizeof scratch, &en)) {
        st->lines++;
        rc = fn(ctx, &en);
      } else if (!(ll == sizeof PLAYLOG_HEADER - 1 && memcmp(line, PLAYLOG_HEADER, ll) == 0) &&
                 ll > 0) {
        st->skipped++;
      }
      ll = 0;
      overlong = 0;
    }
    if (rc)
      break;
  }
  if (rc == 0 && (ll > 0 || overlong))
    st->skipped++; /* the torn last line */
  free(buf);
  return rc;
}

static int same_file(int fd, int dirfd, const char *name)
{
  struct stat a, b;
  int have = fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0;
  if (fd < 0)
    return !have;
  return have && fstat(fd, &a) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

int playlog_read(const char *dir, playlog_line_fn *fn, void *ctx, struct playlog_stats *stats,
                 struct kerr *e)
{
  struct playlog_stats local = {0};
  struct playlog_stats *st = stats ? stats : &local;
  memset(st, 0, sizeof *st);
  int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno,
                      "%s: could not open the play log folder", dir);
  /* Open the old file, then the current one, then check the old name
   * still is what we opened: if a rotation slipped in between, the
   * current file we hold would be new and the lines of the one in between
   * lost, so try again. */
  int fd_old = -1, fd_cur = -1;
  for (int attempt = 0; attempt < OPEN_RETRIES; attempt++) {
    fd_old = openat(dirfd, PLAYLOG_OLD_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    fd_cur = openat(dirfd, PLAYLOG_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (same_file(fd_old, dirfd, PLAYLOG_OLD_NAME))
      break;
    if (attempt + 1 == OPEN_RETRIES)
      break; /* rotating constantly: use what we have */
    if (fd_old >= 0)
      close(fd_old);
    if (fd_cur >= 0)
      close(fd_cur);
    fd_old = fd_cur = -1;
  }
  close(dirfd);

  int rc = 0;
  int fds[2] = {fd_old, fd_cur};
  const char *names[2] = {PLAYLOG_OLD_NAME, PLAYLOG_NAME};
  for (int i = 0; i < 2; i++) {
    if (fds[i] < 0)
      continue;
    struct stat sb;
    if (rc == 0 && fstat(fds[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
      char what[1100];
      snprintf(what, sizeof what, "%s/%s", dir, names[i]);
      rc = read_lines(fds[i], (uint64_t)sb.st_size, fn, ctx, st, what, e);
    }
    close(fds[i]);
  }
  return rc;
}

/* A write buffer in front of an fd, for copying many short lines. */
struct copy_out {
  int fd;
  int err;
  size_t n;
  char buf[READ_BUF_BYTES];
};

static void copy_flush(struct copy_out *o)
{
  if (o->err == 0 && o->n)
    o->err = fsutil_write_all(o->fd, o->buf, o->n, NULL);
  o->n = 0;
}

static void copy_put(struct copy_out *o, const char *s, size_t len)
{
  if (o->n + len > sizeof o->buf)
    copy_flush(o);
  memcpy(o->buf + o->n, s, len);
  o->n += len;
}

static int copy_line(void *ctx, const struct playlog_entry *en)
{
  struct copy_out *o = ctx;
  copy_put(o, en->line, en->line_len);
  copy_put(o, "\n", 1);
  return o->err ? 1 : 0;
}

int playlog_copy_fd(const char *dir, int fd, struct playlog_stats *stats, struct kerr *e)
{
  struct copy_out *o = malloc(sizeof *o);
  if (!o)
    return kerr_set(e, KERR_NOMEM, "out of memory copying the play log");
  o->fd = fd;
  o->err = 0;
  o->n = 0;
  copy_put(o, PLAYLOG_HEADER "\n", sizeof PLAYLOG_HEADER);
  int rc = playlog_read(dir, copy_line, o, stats, e);
  copy_flush(o);
  if (o->err)
    rc = kerr_errno(e, code_for(o->err), o->err,
                    "could not write the copy "
                    "of the play log");
  else if (rc > 0)
    rc = 0;
  free(o);
  return rc;
}
