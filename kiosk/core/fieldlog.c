/* fieldlog.c — copies the kiosk's logs and a status report onto a stick.
 *
 * Promises (see fieldlog.h): when fieldlog_write() returns 0 the three files
 * are complete and flushed to the stick, so it may be pulled out; whatever
 * happens, nothing on the stick outside kiosk-logs/<site-id>/ is changed,
 * and inside it only playlog.csv, status.txt, kiosk.log and their temporary
 * names ".<name>.tmp" are ever written or removed.
 *
 * Order of work: check the stick is writable; make the two folders (never
 * through a symlink); write all three temporaries and fsync each; only then
 * rename them over the old files and fsync the folder (and its parents when
 * we made them). A failure before the renames leaves the old logs exactly
 * as they were and removes every temporary; a full or read-only stick gets
 * a sentence that says so. The stick may be FAT, which has no symlinks,
 * ownership or permissions worth keeping: files are made 0644. */
#include "core/fieldlog.h"
#include "core/esc.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/playlog.h"
#include "core/units.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define COPY_BUF_BYTES 65536
#define STATUS_MAX_BYTES (256u * 1024u)
#define CLOCK_SLACK_S 60
#define LOG_LINE_MAX 2048

static fieldlog_io_hook *io_hook;
static void *io_hook_ctx;

void fieldlog_set_io_hook(fieldlog_io_hook *hook, void *ctx)
{
  io_hook = hook;
  io_hook_ctx = ctx;
}

/* 0, or the errno the test hook wants this step to fail with. */
static int hook(enum fieldlog_op op, const char *name)
{
  return io_hook ? io_hook(io_hook_ctx, op, name) : 0;
}

enum { F_PLAY, F_STATUS, F_LOG, N_FILES };
static const char *const file_names[N_FILES] = {"playlog.csv", "status.txt", "kiosk.log"};
static const char *const tmp_names[N_FILES] = {".playlog.csv.tmp", ".status.txt.tmp",
                                               ".kiosk.log.tmp"};

/* Turns an errno from the stick into the sentence field staff read. */
static int stick_error(struct kerr *e, int err, const char *what)
{
  if (err == EROFS)
    return kerr_set(e, KERR_IO,
                    "the stick is read-only — logs were not "
                    "copied (slide its lock switch off, or use another "
                    "stick)");
  if (err == ENOSPC
#ifdef EDQUOT
      || err == EDQUOT
#endif
  )
    return kerr_set(e, KERR_NOSPACE,
                    "the stick is full — logs were not "
                    "copied (make room on it, or use another stick)");
  return kerr_errno(e, KERR_IO, err,
                    "could not write %s on the stick — "
                    "logs were not copied; try another stick",
                    what);
}

int fieldlog_site_id_ok(const char *s)
{
  size_t n = strlen(s);
  if (n == 0 || n > FIELDLOG_SITE_MAX || s[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

/* --- a small buffered writer that reports the first errno --------------- */

struct out {
  int fd;
  int err;
  const char *name;
  uint64_t total;
  size_t n;
  char buf[COPY_BUF_BYTES];
};

static void out_flush(struct out *o)
{
  if (o->err == 0 && o->n) {
    o->err = hook(FIELDLOG_OP_WRITE, o->name);
    size_t off = 0;
    while (o->err == 0 && off < o->n) {
      ssize_t w = write(o->fd, o->buf + off, o->n - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        o->err = errno;
      else if (w == 0)
        o->err = ENOSPC;
      else
        off += (size_t)w;
    }
    o->total += off;
  }
  o->n = 0;
}

static void out_put(struct out *o, const void *p, size_t len)
{
  const char *s = p;
  while (len && o->err == 0) {
    size_t room = sizeof o->buf - o->n;
    size_t k = len < room ? len : room;
    memcpy(o->buf + o->n, s, k);
    o->n += k;
    s += k;
    len -= k;
    if (o->n == sizeof o->buf)
      out_flush(o);
  }
}

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_printf(struct out *o, const char *fmt, ...)
{
  char line[2048];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  out_put(o, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* --- the pieces of status.txt ------------------------------------------- */

void fieldlog_clock_text(int64_t clock_now, int64_t time_floor, char *buf, size_t cap)
{
  if (time_floor <= 0 || clock_now >= time_floor - CLOCK_SLACK_S) {
    snprintf(buf, cap, "clock OK");
    return;
  }
  int64_t d = time_floor - clock_now;
  int64_t v;
  const char *unit;
  if (d >= 86400) {
    v = d / 86400;
    unit = "day";
  } else if (d >= 3600) {
    v = d / 3600;
    unit = "hour";
  } else {
    v = d / 60;
    unit = "minute";
  }
  snprintf(buf, cap, "clock is behind the last known time by %" PRId64 " %s%s — set the clock", v,
           unit, v == 1 ? "" : "s");
}

static void format_stamp(int64_t t, char *buf, size_t cap)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (t <= 0 || !gmtime_r(&tt, &tm) || strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
    snprintf(buf, cap, "unknown");
}

static void format_uptime(uint64_t ms, char *buf, size_t cap)
{
  uint64_t s = ms / 1000;
  uint64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
  if (d)
    snprintf(buf, cap, "%" PRIu64 " day%s %" PRIu64 " h %" PRIu64 " min", d, d == 1 ? "" : "s", h,
             m);
  else if (h)
    snprintf(buf, cap, "%" PRIu64 " h %" PRIu64 " min", h, m);
  else
    snprintf(buf, cap, "%" PRIu64 " min %" PRIu64 " s", m, s % 60);
}

/* Copies s into out as one printable line (newlines and control
 * characters become spaces). */
static void one_line(const char *s, char *out, size_t cap)
{
  size_t n = 0;
  for (; s && s[n] && n + 1 < cap; n++) {
    unsigned char c = (unsigned char)s[n];
    out[n] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
  }
  out[n] = '\0';
}

/* The end of the kiosk log, starting at a line boundary. */
struct log_tail {
  char *text;
  size_t len;
  int cut; /* older lines were left out */
  int err; /* errno reading it, 0 if fine or no log */
};

static void read_log_tail(const char *path, uint64_t max, struct log_tail *t)
{
  memset(t, 0, sizeof *t);
  if (!path || !path[0])
    return;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    t->err = fd < 0 ? errno : EINVAL;
    if (fd >= 0)
      close(fd);
    return;
  }
  uint64_t size = (uint64_t)st.st_size;
  uint64_t start = size > max ? size - max : 0;
  size_t want = (size_t)(size - start);
  t->text = malloc(want + 1);
  if (!t->text) {
    t->err = ENOMEM;
    close(fd);
    return;
  }
  size_t got = 0;
  while (got < want) {
    ssize_t r = pread(fd, t->text + got, want - got, (off_t)(start + got));
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    got += (size_t)r;
  }
  close(fd);
  size_t skip = 0;
  if (start > 0) { /* drop the partial first line */
    t->cut = 1;
    char *nl = memchr(t->text, '\n', got);
    skip = nl ? (size_t)(nl - t->text) + 1 : got;
  }
  memmove(t->text, t->text + skip, got - skip);
  t->len = got - skip;
  t->text[t->len] = '\0';
}

/* Writes the last n "error" and "warn" lines of the log tail. Log lines
 * look like "2026-11-28 02:10:11 error page: ..." (see log.c). */
static void put_problems(struct out *o, const struct log_tail *t, size_t n)
{
  size_t *starts = calloc(n, sizeof *starts);
  size_t *lens = calloc(n, sizeof *lens);
  size_t count = 0;
  if (!starts || !lens) {
    out_printf(o, "  (out of memory)\n");
    free(starts);
    free(lens);
    return;
  }
  for (size_t pos = 0; pos < t->len;) {
    const char *line = t->text + pos;
    const char *nl = memchr(line, '\n', t->len - pos);
    size_t ll = nl ? (size_t)(nl - line) : t->len - pos;
    if (ll > 25 && (memcmp(line + 20, "error", 5) == 0 || memcmp(line + 20, "warn ", 5) == 0)) {
      starts[count % n] = pos;
      lens[count % n] = ll;
      count++;
    }
    pos += ll + 1;
  }
  if (count == 0)
    out_printf(o, "  none\n");
  size_t first = count > n ? count - n : 0;
  for (size_t i = first; i < count; i++) {
    size_t ll = lens[i % n] < LOG_LINE_MAX ? lens[i % n] : LOG_LINE_MAX;
    out_put(o, "  ", 2);
    out_put(o, t->text + starts[i % n], ll);
    out_put(o, "\n", 1);
  }
  free(starts);
  free(lens);
}

static void put_status(struct out *o, const char *site_id, const struct fieldlog_info *in,
                       const struct log_tail *tail, const struct playlog_stats *play, int play_ok)
{
  char buf[512], a[64], b[64];
  format_stamp(in->clock_now, a, sizeof a);
  out_printf(o, "Kiosk status, written %s (by the kiosk's clock)\n\n", a);
  one_line(in->site_name, buf, sizeof buf);
  if (buf[0])
    out_printf(o, "Site:        %s (%s)\n", site_id, buf);
  else
    out_printf(o, "Site:        %s\n", site_id);
  one_line(in->country, buf, sizeof buf);
  if (buf[0])
    out_printf(o, "Country:     %s\n", buf);
  one_line(in->software_version ? in->software_version : "unknown", buf, sizeof buf);
  out_printf(o, "Software:    kiosk %s\n", buf);
  out_printf(o, "Format:      %d\n", FIELDLOG_STATUS_FORMAT);
  format_uptime(in->uptime_ms, buf, sizeof buf);
  out_printf(o, "Uptime:      %s\n", buf);

  fieldlog_clock_text(in->clock_now, in->time_floor, buf, sizeof buf);
  out_printf(o, "Clock:       %s\n", buf);
  format_stamp(in->time_floor, b, sizeof b);
  out_printf(o, "             kiosk clock %s, last known time %s\n", a, b);

  uint64_t free_b;
  if (in->store_dir && fsutil_free_bytes(in->store_dir, &free_b, NULL) == 0) {
    units_bytes(free_b, buf, sizeof buf);
    out_printf(o, "Free space:  %s on the pack store (%s)\n", buf, in->store_dir);
  } else {
    out_printf(o, "Free space:  unknown\n");
  }

  out_printf(o, "\nInstalled packs: %zu\n", in->n_packs);
  for (size_t i = 0; i < in->n_packs; i++) {
    const struct fieldlog_pack *p = &in->packs[i];
    char title[FIELDLOG_TITLE_MAX];
    one_line(p->title, title, sizeof title);
    if (p->current == 0)
      out_printf(o,
                 "  %s: nothing to show (damaged; no good previous "
                 "version) — bring the pack again\n",
                 p->id);
    else {
      char exp[96] = "";
      if (p->expires > 0) {
        format_stamp(p->expires, b, sizeof b);
        snprintf(exp, sizeof exp, " (expires %s)", b);
      }
      if (p->previous)
        out_printf(o, "  %s: version %" PRIu64 " (previous %" PRIu64 ")%s%s%s%s\n", p->id,
                   p->current, p->previous, title[0] ? " \"" : "", title, title[0] ? "\"" : "",
                   exp);
      else
        out_printf(o, "  %s: version %" PRIu64 "%s%s%s%s\n", p->id, p->current,
                   title[0] ? " \"" : "", title, title[0] ? "\"" : "", exp);
    }
  }
  if (in->n_packs == 0)
    out_printf(o, "  none — the kiosk shows its built-in page\n");

  if (!in->playlog_dir)
    out_printf(o, "\nPlay log: none kept\n");
  else if (!play_ok)
    out_printf(o, "\nPlay log: could not be read\n");
  else
    out_printf(
        o, "\nPlay log: %" PRIu64 " line%s in playlog.csv (%" PRIu64 " damaged line%s left out)\n",
        play->lines, play->lines == 1 ? "" : "s", play->skipped, play->skipped == 1 ? "" : "s");

  size_t n = in->problem_lines ? in->problem_lines : FIELDLOG_DEFAULT_PROBLEM_LINES;
  out_printf(o,
             "\nRecent problems (the last %zu errors and warnings in the "
             "kiosk log%s):\n",
             n, tail->cut ? "'s copied part" : "");
  if (!in->log_path)
    out_printf(o, "  no log file is kept\n");
  else if (tail->err)
    out_printf(o, "  the log %s could not be read: %s\n", in->log_path, strerror(tail->err));
  else
    put_problems(o, tail, n);
}

/* --- writing ------------------------------------------------------------ */

/* Opens folder name under dirfd, creating it if missing (*made says so).
 * Never through a symlink. Returns 0 or an errno (ENOTDIR for a file or
 * link in the way). */
static int open_folder(int dirfd, const char *name, int *fd, int *made)
{
  *made = 0;
  for (int attempt = 0; attempt < 2; attempt++) {
    *fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (*fd >= 0)
      return 0;
    if (errno == ELOOP)
      return ENOTDIR;
    if (errno != ENOENT || attempt)
      return errno;
    int err = hook(FIELDLOG_OP_MKDIR, name);
    if (err == 0 && mkdirat(dirfd, name, 0755) != 0 && errno != EEXIST)
      err = errno;
    if (err)
      return err;
    *made = 1;
  }
  return ENOENT;
}

static int sync_fd(int fd, const char *name)
{
  int err = hook(FIELDLOG_OP_FSYNC, name);
  if (err == 0 && fsync(fd) != 0 && errno != EINVAL)
    err = errno;
  return err;
}

/* Creates the temporary for file i in sfd (removing a stale one of ours),
 * returning 0 or an errno. */
static int create_tmp(int sfd, int i, int *fd)
{
  int err = hook(FIELDLOG_OP_CREATE, tmp_names[i]);
  if (err)
    return err;
  (void)unlinkat(sfd, tmp_names[i], 0); /* left by an earlier power cut */
  *fd = openat(sfd, tmp_names[i], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  return *fd < 0 ? errno : 0;
}

static int play_line(void *ctx, const struct playlog_entry *en)
{
  struct out *o = ctx;
  out_put(o, en->line, en->line_len);
  out_put(o, "\n", 1);
  return o->err ? 1 : 0;
}

int fieldlog_write(const char *stick_root, const char *site_id, const struct fieldlog_info *info,
                   struct fieldlog_result *result, struct kerr *e)
{
  struct fieldlog_result local;
  struct fieldlog_result *res = result ? result : &local;
  struct kerr le;
  if (!e)
    e = &le; /* res->msg repeats the sentence */
  memset(res, 0, sizeof *res);
  if (!site_id || !fieldlog_site_id_ok(site_id))
    return kerr_set(e, KERR_INVAL,
                    "site id \"%s\" cannot name a folder on "
                    "the stick — use letters, digits, \".\", \"_\" and \"-\" "
                    "in [site] id",
                    site_id ? site_id : "");
  snprintf(res->folder, sizeof res->folder, "%s/%s", FIELDLOG_DIR, site_id);

  int rootfd = -1, topfd = -1, sfd = -1;
  int made_top = 0, made_site = 0;
  int fds[N_FILES] = {-1, -1, -1};
  int have_tmp[N_FILES] = {0};
  uint64_t sizes[N_FILES] = {0};
  struct out *o = NULL;
  struct log_tail tail = {0};
  int rc = 0, err;

  char shown_root[512]; /* the mount point comes from outside: escaped */
  esc_name(stick_root, shown_root, sizeof shown_root);
  rootfd = open(stick_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) {
    rc = kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno,
                    "could not open the stick at %s — logs were not copied; "
                    "take it out and insert it again",
                    shown_root);
    goto out;
  }
  /* Read-only: say so before trying anything. */
  struct statvfs vfs;
  err = hook(FIELDLOG_OP_CHECK_RO, stick_root);
  if (err == 0 && fstatvfs(rootfd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
    err = EROFS;
  if (err) {
    rc = stick_error(e, err, "the logs");
    goto out;
  }

  if ((err = open_folder(rootfd, FIELDLOG_DIR, &topfd, &made_top)) != 0) {
    rc = err == ENOTDIR ? kerr_set(e, KERR_PATH,
                                   "%s on the stick is not a folder — "
                                   "logs were not copied; rename it, or use another "
                                   "stick",
                                   FIELDLOG_DIR)
                        : stick_error(e, err, FIELDLOG_DIR);
    goto out;
  }
  if ((err = open_folder(topfd, site_id, &sfd, &made_site)) != 0) {
    rc = err == ENOTDIR ? kerr_set(e, KERR_PATH,
                                   "%s on the stick is not a folder — "
                                   "logs were not copied; rename it, or use another "
                                   "stick",
                                   res->folder)
                        : stick_error(e, err, res->folder);
    goto out;
  }

  o = malloc(sizeof *o);
  if (!o) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory copying the logs");
    goto out;
  }
  read_log_tail(info->log_path,
                info->log_max_bytes ? info->log_max_bytes : FIELDLOG_DEFAULT_LOG_BYTES, &tail);

  /* 1. Every temporary, written and flushed. */
  struct playlog_stats play = {0};
  int play_ok = 0;
  for (int i = 0; i < N_FILES; i++) {
    if ((err = create_tmp(sfd, i, &fds[i])) != 0) {
      rc = stick_error(e, err, file_names[i]);
      goto out;
    }
    have_tmp[i] = 1;
    memset(o, 0, offsetof(struct out, buf));
    o->fd = fds[i];
    o->name = tmp_names[i];
    if (i == F_PLAY) {
      out_put(o, PLAYLOG_HEADER "\n", sizeof PLAYLOG_HEADER);
      if (info->playlog_dir) {
        struct kerr pe;
        int r = playlog_read(info->playlog_dir, play_line, o, &play, &pe);
        play_ok = r >= 0 && o->err == 0;
        if (r < 0 && o->err == 0)
          log_warn("%s — status.txt says so", pe.msg);
      }
    } else if (i == F_STATUS) {
      put_status(o, site_id, info, &tail, &play, play_ok);
    } else if (tail.text) {
      out_put(o, tail.text, tail.len);
    }
    out_flush(o);
    sizes[i] = o->total;
    err = o->err;
    if (err == 0)
      err = sync_fd(fds[i], tmp_names[i]);
    if (close(fds[i]) != 0 && err == 0)
      err = errno; /* FUSE and network filesystems report here */
    fds[i] = -1;
    if (err) {
      rc = stick_error(e, err, file_names[i]);
      goto out;
    }
  }

  /* 2. Publish: rename each over the old file, then flush the folder. */
  for (int i = 0; i < N_FILES; i++) {
    err = hook(FIELDLOG_OP_RENAME, file_names[i]);
    if (err == 0 && renameat(sfd, tmp_names[i], sfd, file_names[i]) != 0)
      err = errno;
    if (err) {
      rc = stick_error(e, err, file_names[i]);
      goto out;
    }
    have_tmp[i] = 0;
    res->files++;
    res->bytes += sizes[i];
  }
  err = sync_fd(sfd, res->folder);
  if (err == 0 && made_site)
    err = sync_fd(topfd, FIELDLOG_DIR);
  if (err == 0 && made_top)
    err = sync_fd(rootfd, stick_root);
  if (err) {
    rc = stick_error(e, err, res->folder);
    goto out;
  }
  res->play_lines = play.lines;
  res->play_skipped = play.skipped;
  char size_text[64];
  units_bytes(res->bytes, size_text, sizeof size_text);
  snprintf(res->msg, sizeof res->msg,
           "Logs copied to %s on the stick (%zu "
           "files, %s).",
           res->folder, res->files, size_text);
  log_info("%s: %s", shown_root, res->msg);

out:
  for (int i = 0; i < N_FILES; i++) {
    if (fds[i] >= 0)
      close(fds[i]);
    if (have_tmp[i])
      (void)unlinkat(sfd, tmp_names[i], 0);
  }
  /* Folders we made and left empty go again: a failed copy leaves the
   * stick as it was. (rmdir removes only empty folders.) */
  if (rc && made_site && topfd >= 0)
    (void)unlinkat(topfd, site_id, AT_REMOVEDIR);
  if (rc && made_top && rootfd >= 0)
    (void)unlinkat(rootfd, FIELDLOG_DIR, AT_REMOVEDIR);
  if (rc) {
    res->files = 0;
    res->bytes = 0;
    const char *why = e->msg;
    size_t len = strnlen(why, sizeof res->msg - 1);
    memcpy(res->msg, why, len);
    res->msg[len] = '\0';
  }
  if (sfd >= 0)
    close(sfd);
  if (topfd >= 0)
    close(topfd);
  if (rootfd >= 0)
    close(rootfd);
  free(tail.text);
  free(o);
  return rc;
}

int fieldlog_packs_from_store(struct store *s, const char *lang, struct fieldlog_pack **out,
                              size_t *n, struct kerr *e)
{
  *out = NULL;
  *n = 0;
  struct store_pack_info *list = NULL;
  size_t count = 0;
  int rc = store_list(s, &list, &count, e);
  if (rc)
    return rc;
  struct fieldlog_pack *packs = calloc(count ? count : 1, sizeof *packs);
  if (!packs) {
    free(list);
    return kerr_set(e, KERR_NOMEM, "out of memory listing packs");
  }
  for (size_t i = 0; i < count; i++) {
    snprintf(packs[i].id, sizeof packs[i].id, "%s", list[i].id);
    packs[i].current = list[i].current;
    packs[i].previous = list[i].previous;
    struct manifest *m = NULL;
    if (list[i].current && store_current_manifest(s, list[i].id, &m, NULL) == 0) {
      snprintf(packs[i].title, sizeof packs[i].title, "%s", manifest_title(m, lang));
      packs[i].expires = m->has_expires ? m->expires : 0;
      manifest_free(m);
    }
  }
  free(list);
  *out = packs;
  *n = count;
  return 0;
}
