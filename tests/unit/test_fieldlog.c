/* Unit tests for core/fieldlog: exactly three files appear in
 * kiosk-logs/<site-id>/ and nothing else on the stick changes (the stick is
 * listed before and after), what status.txt says, the log tail bound, and
 * the read-only and full sticks. Those two run on a real tmpfs mount in a
 * private mount namespace when the test may make one (root, unshare), and
 * always also with the injected I/O hook; each says which ran. */
#define _GNU_SOURCE /* unshare() */
#include "ktest.h"
#include "ktmp.h"

#include "core/fieldlog.h"
#include "core/fsutil.h"
#include "core/manifest.h"
#include "core/playlog.h"
#include "core/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define SITE "border-post-3"
#define NOW INT64_C(1594369800) /* 2020-07-10T08:30:00Z */

/* --- listing a stick ---------------------------------------------------- */

struct listing {
  char *text; /* sorted lines "path|kind|size|hash|mtime" */
  size_t len, cap;
};

static void list_add(struct listing *l, const char *line)
{
  size_t n = strlen(line);
  if (l->len + n + 2 > l->cap) {
    l->cap = (l->len + n + 2) * 2;
    l->text = realloc(l->text, l->cap);
    assert_non_null(l->text);
  }
  memcpy(l->text + l->len, line, n);
  l->len += n;
  l->text[l->len++] = '\n';
  l->text[l->len] = '\0';
}

static uint64_t hash_fd(int fd)
{
  uint64_t h = UINT64_C(14695981039346656037);
  char buf[4096];
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0)
    for (ssize_t i = 0; i < r; i++) {
      h ^= (unsigned char)buf[i];
      h *= UINT64_C(1099511628211);
    }
  return h;
}

/* Every entry under dirfd, with contents for files and targets for links.
 * Folders are listed without their times (adding an entry changes them). */
static void list_tree(int at, const char *prefix, struct listing *l)
{
  int fd = openat(at, ".", O_RDONLY | O_DIRECTORY);
  assert_true(fd >= 0);
  DIR *d = fdopendir(fd);
  assert_non_null(d);
  struct dirent *de;
  char line[1024], path[512];
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "%s%s", prefix, de->d_name);
    struct stat st;
    assert_int_equal(fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW), 0);
    if (S_ISDIR(st.st_mode)) {
      snprintf(line, sizeof line, "%s/|dir", path);
      list_add(l, line);
      int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY);
      assert_true(sub >= 0);
      char p2[520];
      snprintf(p2, sizeof p2, "%s/", path);
      list_tree(sub, p2, l);
      close(sub);
    } else if (S_ISLNK(st.st_mode)) {
      char target[256] = {0};
      assert_true(readlinkat(dirfd(d), de->d_name, target, sizeof target - 1) > 0);
      snprintf(line, sizeof line, "%s|link|%s", path, target);
      list_add(l, line);
    } else {
      int f = openat(dirfd(d), de->d_name, O_RDONLY);
      assert_true(f >= 0);
      snprintf(line, sizeof line, "%s|file|%lld|%016" PRIx64 "|%lld.%09ld", path,
               (long long)st.st_size, hash_fd(f), (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
      close(f);
      list_add(l, line);
    }
  }
  closedir(d);
}

static int cmp_line(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The listing of the tree at dirfd, one sorted line per entry. */
static char *listing(int dirfd)
{
  struct listing l = {0};
  list_add(&l, "/|root");
  list_tree(dirfd, "", &l);
  char *lines[512];
  size_t n = 0;
  for (char *p = strtok(l.text, "\n"); p; p = strtok(NULL, "\n")) {
    assert_true(n < 512);
    lines[n++] = p;
  }
  qsort(lines, n, sizeof *lines, cmp_line);
  char *out = calloc(1, l.len + 2);
  for (size_t i = 0; i < n; i++) {
    strcat(out, lines[i]);
    strcat(out, "\n");
  }
  free(l.text);
  return out;
}

/* 1 if text (lines ending in "\n") has a line equal to line. */
static int has_line(const char *text, const char *line)
{
  size_t n = strlen(line);
  for (const char *p = text; *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len == n && strncmp(p, line, n) == 0)
      return 1;
    p += len + (nl ? 1 : 0);
  }
  return 0;
}

/* The names (first field) of lines in after that are not in before. */
static void added_names(const char *before, const char *after, char *out, size_t cap)
{
  out[0] = '\0';
  char *copy = strdup(after);
  for (char *p = strtok(copy, "\n"); p; p = strtok(NULL, "\n")) {
    if (has_line(before, p))
      continue;
    char *bar = strchr(p, '|');
    size_t len = strlen(out);
    snprintf(out + len, cap - len, "%.*s ", (int)(bar - p), p);
  }
  free(copy);
}

/* Lines of before that are missing from after (changed or removed). */
static size_t lost_lines(const char *before, const char *after)
{
  size_t lost = 0;
  char *copy = strdup(before);
  for (char *p = strtok(copy, "\n"); p; p = strtok(NULL, "\n")) {
    if (!has_line(after, p)) {
      fprintf(stderr, "changed or gone: %s\n", p);
      lost++;
    }
  }
  free(copy);
  return lost;
}

/* --- the kiosk side ----------------------------------------------------- */

struct kiosk {
  struct ktmp dir; /* log dir, play log, store */
  char log_path[600];
  struct fieldlog_pack packs[3];
  struct fieldlog_info info;
};

static void kiosk_make(struct kiosk *k, int play_lines, size_t log_lines)
{
  memset(k, 0, sizeof *k);
  ktmp_make(&k->dir, "fieldlog");
  struct playlog *p;
  struct kerr e;
  assert_int_equal(playlog_open(k->dir.path, 4096, &p, &e), 0);
  for (int i = 0; i < play_lines; i++)
    assert_int_equal(playlog_append(p, NOW + i * 15, "bulletin-2020-07", 12, "hotlines",
                                    i % 2 ? "ky" : "ru", 15000, &e),
                     0);
  playlog_close(p);
  /* A power cut left half a line. */
  int fd = openat(k->dir.fd, PLAYLOG_NAME, O_WRONLY | O_APPEND);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "2020-07-10T09:00:00Z,bullet", 27), 27);
  close(fd);

  snprintf(k->log_path, sizeof k->log_path, "%s/kiosk.log", k->dir.path);
  FILE *f = fopen(k->log_path, "w");
  assert_non_null(f);
  for (size_t i = 0; i < log_lines; i++) {
    const char *level = i % 50 == 7 ? "error" : i % 50 == 9 ? "warn " : "info ";
    fprintf(f, "2020-07-10 08:%02zu:%02zu %s line %06zu of the kiosk log\n", i / 60 % 60, i % 60,
            level, i);
  }
  fclose(f);

  snprintf(k->packs[0].id, sizeof k->packs[0].id, "bulletin-2020-07");
  k->packs[0].current = 12;
  k->packs[0].previous = 11;
  snprintf(k->packs[0].title, sizeof k->packs[0].title, "July bulletin");
  snprintf(k->packs[1].id, sizeof k->packs[1].id, "hotlines-central-asia");
  k->packs[1].current = 1;
  snprintf(k->packs[1].title, sizeof k->packs[1].title, "Горячие линии");
  snprintf(k->packs[2].id, sizeof k->packs[2].id, "safe-migration");

  k->info.site_name = "Dostuk\nborder post";
  k->info.software_version = "0.1.0";
  k->info.packs = k->packs;
  k->info.n_packs = 3;
  k->info.store_dir = k->dir.path;
  k->info.uptime_ms = (UINT64_C(3) * 86400 + 4 * 3600 + 12 * 60) * 1000;
  k->info.log_path = k->log_path;
  k->info.playlog_dir = k->dir.path;
  k->info.time_floor = NOW;
  k->info.clock_now = NOW + 100;
}

static void kiosk_drop(struct kiosk *k)
{
  ktmp_drop(&k->dir);
}

/* A stick that already holds things that are not ours to touch. */
static void stick_fill(int fd)
{
  ktmp_put(fd, "bulletin-2020-07-12.kpack", "a pack");
  assert_int_equal(mkdirat(fd, "photos", 0755), 0);
  ktmp_put(fd, "photos/a.jpg", "jpeg");
  assert_int_equal(mkdirat(fd, FIELDLOG_DIR, 0755), 0);
  assert_int_equal(mkdirat(fd, FIELDLOG_DIR "/other-site", 0755), 0);
  ktmp_put(fd, FIELDLOG_DIR "/other-site/playlog.csv", "their log");
  assert_int_equal(mkdirat(fd, FIELDLOG_DIR "/" SITE, 0755), 0);
  ktmp_put(fd, FIELDLOG_DIR "/" SITE "/notes.txt", "a technician's note");
}

/* --- tests -------------------------------------------------------------- */

static void test_writes_expected_files(void **state)
{
  (void)state;
  struct kiosk k;
  kiosk_make(&k, 40, 100);
  struct ktmp stick;
  ktmp_make(&stick, "fieldlog");
  stick_fill(stick.fd);
  char *before = listing(stick.fd);

  struct fieldlog_result r;
  struct kerr e;
  int rc = fieldlog_write(stick.path, SITE, &k.info, &r, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
  assert_int_equal(r.files, 3);
  assert_string_equal(r.folder, FIELDLOG_DIR "/" SITE);
  assert_int_equal(r.play_lines, 40);
  assert_int_equal(r.play_skipped, 1);
  assert_non_null(strstr(r.msg, "Logs copied to kiosk-logs/" SITE));

  char *after = listing(stick.fd);
  char added[1024];
  added_names(before, after, added, sizeof added);
  /* Exactly our three files are new; the folder line is unchanged. */
  assert_string_equal(added,
                      FIELDLOG_DIR "/" SITE "/kiosk.log " FIELDLOG_DIR "/" SITE
                                   "/playlog.csv " FIELDLOG_DIR "/" SITE "/status.txt ");
  assert_int_equal(lost_lines(before, after), 0);

  int sfd = openat(stick.fd, FIELDLOG_DIR "/" SITE, O_RDONLY | O_DIRECTORY);
  assert_true(sfd >= 0);
  char *play = ktmp_slurp(sfd, "playlog.csv", NULL);
  assert_memory_equal(play, PLAYLOG_HEADER "\n", sizeof PLAYLOG_HEADER);
  assert_non_null(strstr(play,
                         "\n2020-07-10T08:30:00Z,bulletin-2020-07,12,"
                         "hotlines,ru,15.0\n"));
  assert_null(strstr(play, "bullet\n")); /* the torn line is dropped */
  free(play);
  char *log = ktmp_slurp(sfd, "kiosk.log", NULL);
  char *orig = ktmp_slurp(k.dir.fd, "kiosk.log", NULL);
  assert_string_equal(log, orig); /* small: copied whole */
  free(log);
  free(orig);
  close(sfd);

  /* Again: the files are replaced, nothing else appears. */
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, &r, &e), 0);
  char *again = listing(stick.fd);
  added_names(before, again, added, sizeof added);
  assert_string_equal(added,
                      FIELDLOG_DIR "/" SITE "/kiosk.log " FIELDLOG_DIR "/" SITE
                                   "/playlog.csv " FIELDLOG_DIR "/" SITE "/status.txt ");
  free(before);
  free(after);
  free(again);
  ktmp_drop(&stick);
  kiosk_drop(&k);
}

static void test_fresh_stick(void **state)
{
  (void)state;
  struct kiosk k;
  kiosk_make(&k, 3, 5);
  k.info.playlog_dir = NULL; /* and no play log kept */
  struct ktmp stick;
  ktmp_make(&stick, "fieldlog");
  char *before = listing(stick.fd);
  struct kerr e;
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, NULL, &e), 0);
  char *after = listing(stick.fd);
  char added[1024];
  added_names(before, after, added, sizeof added);
  /* Sorted as listing lines: "x/|dir" comes after "x/y|file". */
  assert_string_equal(added,
                      FIELDLOG_DIR "/" SITE "/kiosk.log " FIELDLOG_DIR "/" SITE
                                   "/playlog.csv " FIELDLOG_DIR "/" SITE "/status.txt " FIELDLOG_DIR
                                   "/" SITE "/ " FIELDLOG_DIR "/ ");
  int sfd = openat(stick.fd, FIELDLOG_DIR "/" SITE, O_RDONLY | O_DIRECTORY);
  char *play = ktmp_slurp(sfd, "playlog.csv", NULL);
  assert_string_equal(play, PLAYLOG_HEADER "\n");
  free(play);
  char *status = ktmp_slurp(sfd, "status.txt", NULL);
  assert_non_null(strstr(status, "Play log: none kept"));
  free(status);
  close(sfd);
  free(before);
  free(after);
  ktmp_drop(&stick);
  kiosk_drop(&k);
}

static void test_status_contents(void **state)
{
  (void)state;
  struct kiosk k;
  kiosk_make(&k, 10, 120);
  k.info.clock_now = NOW - 3 * 86400 - 5000; /* the board lost its clock */
  k.packs[2].current = 0;                    /* found damaged */
  k.info.problem_lines = 3;
  struct ktmp stick;
  ktmp_make(&stick, "fieldlog");
  struct kerr e;
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, NULL, &e), 0);
  int sfd = openat(stick.fd, FIELDLOG_DIR "/" SITE, O_RDONLY | O_DIRECTORY);
  char *s = ktmp_slurp(sfd, "status.txt", NULL);
  printf("%s", s);
  assert_non_null(strstr(s, "Site:        " SITE " (Dostuk border post)\n"));
  assert_non_null(strstr(s, "Software:    kiosk 0.1.0\nFormat:      1\n"));
  assert_null(strstr(s, "Country:")); /* none configured */
  assert_non_null(strstr(s, "Uptime:      3 days 4 h 12 min\n"));
  assert_non_null(strstr(s,
                         "Clock:       clock is behind the last known "
                         "time by 3 days — set the clock\n"));
  assert_non_null(strstr(s, "last known time 2020-07-10 08:30:00 UTC"));
  assert_non_null(strstr(s, "Free space:  "));
  assert_non_null(strstr(s, " on the pack store ("));
  assert_non_null(strstr(s, "Installed packs: 3\n"));
  assert_non_null(strstr(s,
                         "  bulletin-2020-07: version 12 (previous 11) "
                         "\"July bulletin\"\n"));
  assert_non_null(strstr(s,
                         "  hotlines-central-asia: version 1 "
                         "\"Горячие линии\"\n"));
  free(s);
  close(sfd);

  /* A country and an expiry date are given when known. */
  k.info.country = "KG";
  k.packs[1].expires = NOW + 30 * 86400;
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, NULL, &e), 0);
  sfd = openat(stick.fd, FIELDLOG_DIR "/" SITE, O_RDONLY | O_DIRECTORY);
  s = ktmp_slurp(sfd, "status.txt", NULL);
  assert_non_null(strstr(s, "\nCountry:     KG\nSoftware:"));
  assert_non_null(strstr(s,
                         "  hotlines-central-asia: version 1 "
                         "\"Горячие линии\" (expires 2020-08-09 08:30:00 "
                         "UTC)\n"));
  assert_non_null(strstr(s, "  safe-migration: nothing to show"));
  assert_non_null(strstr(s,
                         "Play log: 10 lines in playlog.csv (1 damaged "
                         "line left out)\n"));
  /* The last 3 problems, oldest first: lines 107 (error), 109 (warn) and
   * 59 (warn) are the last three of 7, 9, 57, 59, 107, 109. */
  char *probs = strstr(s, "Recent problems");
  assert_non_null(probs);
  assert_non_null(strstr(probs, "error line 000107"));
  assert_non_null(strstr(probs, "warn  line 000109"));
  assert_non_null(strstr(probs, "warn  line 000059"));
  assert_null(strstr(probs, "line 000057"));
  assert_null(strstr(probs, "info "));
  free(s);
  close(sfd);
  ktmp_drop(&stick);
  kiosk_drop(&k);
}

static void test_clock_text(void **state)
{
  (void)state;
  char buf[128];
  fieldlog_clock_text(NOW, NOW, buf, sizeof buf);
  assert_string_equal(buf, "clock OK");
  fieldlog_clock_text(NOW + 86400, NOW, buf, sizeof buf);
  assert_string_equal(buf, "clock OK");
  fieldlog_clock_text(NOW, 0, buf, sizeof buf);
  assert_string_equal(buf, "clock OK");
  fieldlog_clock_text(NOW - 30, NOW, buf, sizeof buf);
  assert_string_equal(buf, "clock OK"); /* within a minute */
  fieldlog_clock_text(NOW - 3 * 86400, NOW, buf, sizeof buf);
  assert_string_equal(buf,
                      "clock is behind the last known time by 3 days "
                      "— set the clock");
  fieldlog_clock_text(NOW - 3600, NOW, buf, sizeof buf);
  assert_string_equal(buf,
                      "clock is behind the last known time by 1 hour "
                      "— set the clock");
  fieldlog_clock_text(NOW - 600, NOW, buf, sizeof buf);
  assert_string_equal(buf,
                      "clock is behind the last known time by 10 "
                      "minutes — set the clock");
  /* Booted at 1970 with no real-time clock. */
  fieldlog_clock_text(0, NOW, buf, sizeof buf);
  assert_non_null(strstr(buf, "by 18453 days"));
}

static void test_log_tail_bounded(void **state)
{
  (void)state;
  struct kiosk k;
  kiosk_make(&k, 1, 12000); /* about 600 KiB of log */
  k.info.log_max_bytes = 64 * 1024;
  struct ktmp stick;
  ktmp_make(&stick, "fieldlog");
  struct kerr e;
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, NULL, &e), 0);
  int sfd = openat(stick.fd, FIELDLOG_DIR "/" SITE, O_RDONLY | O_DIRECTORY);
  char *log = ktmp_slurp(sfd, "kiosk.log", NULL);
  size_t len = strlen(log);
  assert_true(len <= 64 * 1024);
  assert_true(len > 60 * 1024);
  assert_memory_equal(log, "2020-07-10 ", 11); /* starts on a whole line */
  assert_non_null(strstr(log, "line 011999 of the kiosk log\n"));
  assert_int_equal(log[len - 1], '\n');
  free(log);
  char *s = ktmp_slurp(sfd, "status.txt", NULL);
  assert_non_null(strstr(s, "error line 011957"));
  assert_non_null(strstr(s, "in the kiosk log's copied part"));
  free(s);
  close(sfd);

  /* Default bound: 256 KiB. */
  k.info.log_max_bytes = 0;
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, NULL, &e), 0);
  log = ktmp_slurp(sfd = openat(stick.fd, FIELDLOG_DIR "/" SITE, O_RDONLY | O_DIRECTORY),
                   "kiosk.log", NULL);
  assert_true(strlen(log) <= FIELDLOG_DEFAULT_LOG_BYTES);
  assert_true(strlen(log) > FIELDLOG_DEFAULT_LOG_BYTES - 200);
  free(log);
  close(sfd);
  ktmp_drop(&stick);
  kiosk_drop(&k);
}

static void test_refuses_links_and_bad_site(void **state)
{
  (void)state;
  struct kiosk k;
  kiosk_make(&k, 1, 1);
  struct ktmp stick, outside;
  ktmp_make(&stick, "fieldlog");
  ktmp_make(&outside, "fieldlog");
  assert_int_equal(symlinkat(outside.path, stick.fd, FIELDLOG_DIR), 0);
  char *before = listing(outside.fd);
  struct kerr e;
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, NULL, &e), KERR_PATH);
  assert_non_null(strstr(e.msg, "kiosk-logs on the stick is not a folder"));
  char *after = listing(outside.fd);
  assert_string_equal(before, after);
  free(before);
  free(after);

  assert_int_equal(unlinkat(stick.fd, FIELDLOG_DIR, 0), 0);
  assert_int_equal(mkdirat(stick.fd, FIELDLOG_DIR, 0755), 0);
  assert_int_equal(symlinkat(outside.path, stick.fd, FIELDLOG_DIR "/" SITE), 0);
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, NULL, &e), KERR_PATH);
  assert_int_equal(fieldlog_write(stick.path, "../escape", &k.info, NULL, &e), KERR_INVAL);
  assert_int_equal(fieldlog_write(stick.path, ".hidden", &k.info, NULL, &e), KERR_INVAL);
  assert_int_equal(fieldlog_write(stick.path, "", &k.info, NULL, &e), KERR_INVAL);
  ktmp_drop(&stick);
  ktmp_drop(&outside);
  kiosk_drop(&k);
}

/* --- read-only and full sticks ------------------------------------------ */

/* A private mount namespace for real mounts, if this process may have one;
 * else why not, in why. */
static int private_mounts(const char **why)
{
  static int state; /* 0 unknown, 1 yes, -1 no */
  static char reason[128];
  if (state == 0) {
    state = -1;
    if (geteuid() != 0)
      snprintf(reason, sizeof reason, "not running as root");
    else if (unshare(CLONE_NEWNS) != 0)
      snprintf(reason, sizeof reason, "unshare: %s", strerror(errno));
    else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
      snprintf(reason, sizeof reason, "making mounts private: %s", strerror(errno));
    else
      state = 1;
  }
  *why = reason;
  return state == 1;
}

struct hook_plan {
  enum fieldlog_op op;
  int nth; /* fail the nth such step (1-based) */
  int err;
  int seen;
};

static int plan_hook(void *ctx, enum fieldlog_op op, const char *name)
{
  (void)name;
  struct hook_plan *p = ctx;
  if (op == p->op && ++p->seen == p->nth)
    return p->err;
  return 0;
}

static void expect_untouched(int fd, const char *before)
{
  char *after = listing(fd);
  assert_string_equal(before, after);
  free(after);
}

static void test_read_only_stick(void **state)
{
  (void)state;
  struct kiosk k;
  kiosk_make(&k, 5, 5);
  struct ktmp stick;
  ktmp_make(&stick, "fieldlog");
  struct kerr e;
  struct fieldlog_result r;

  const char *why;
  if (private_mounts(&why)) {
    assert_int_equal(mount("tmpfs", stick.path, "tmpfs", 0, "size=256k"), 0);
    int fd = open(stick.path, O_RDONLY | O_DIRECTORY);
    stick_fill(fd);
    close(fd);
    assert_int_equal(mount(NULL, stick.path, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
    fd = open(stick.path, O_RDONLY | O_DIRECTORY);
    char *before = listing(fd);
    assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, &r, &e), KERR_IO);
    assert_non_null(strstr(e.msg,
                           "the stick is read-only — logs were not "
                           "copied"));
    assert_string_equal(r.msg, e.msg);
    assert_int_equal(r.files, 0);
    expect_untouched(fd, before);
    free(before);
    close(fd);
    assert_int_equal(umount2(stick.path, 0), 0);
    printf("read-only stick: real read-only tmpfs mount (private mount "
           "namespace)\n");
  } else {
    printf("read-only stick: real mount SKIPPED (%s)\n", why);
  }

  /* Always also: the hook, as a stick whose write-protect switch the
   * statvfs flags miss (the first mkdir fails with EROFS). */
  stick_fill(stick.fd);
  assert_int_equal(fsutil_remove_tree_at(stick.fd, FIELDLOG_DIR, &e), 0);
  char *before = listing(stick.fd);
  struct hook_plan plan = {.op = FIELDLOG_OP_MKDIR, .nth = 1, .err = EROFS};
  fieldlog_set_io_hook(plan_hook, &plan);
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, &r, &e), KERR_IO);
  assert_non_null(strstr(e.msg, "the stick is read-only"));
  expect_untouched(stick.fd, before);
  plan = (struct hook_plan){.op = FIELDLOG_OP_CHECK_RO, .nth = 1, .err = EROFS};
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, &r, &e), KERR_IO);
  assert_non_null(strstr(e.msg, "the stick is read-only"));
  expect_untouched(stick.fd, before);
  fieldlog_set_io_hook(NULL, NULL);
  printf("read-only stick: simulated with the I/O hook\n");
  free(before);
  ktmp_drop(&stick);
  kiosk_drop(&k);
}

static void test_full_stick(void **state)
{
  (void)state;
  struct kiosk k;
  kiosk_make(&k, 3000, 50); /* a play log of about 150 KiB */
  struct ktmp stick;
  ktmp_make(&stick, "fieldlog");
  struct kerr e;
  struct fieldlog_result r;

  const char *why;
  if (private_mounts(&why)) {
    assert_int_equal(mount("tmpfs", stick.path, "tmpfs", 0, "size=64k"), 0);
    int fd = open(stick.path, O_RDONLY | O_DIRECTORY);
    stick_fill(fd);
    ktmp_put(fd, FIELDLOG_DIR "/" SITE "/status.txt", "the logs of last time");
    char *before = listing(fd);
    int rc = fieldlog_write(stick.path, SITE, &k.info, &r, &e);
    assert_int_equal(rc, KERR_NOSPACE);
    assert_non_null(strstr(e.msg,
                           "the stick is full — logs were not "
                           "copied"));
    expect_untouched(fd, before); /* no temporaries, old logs whole */
    free(before);

    /* Folders it made are taken away again. */
    assert_int_equal(fsutil_remove_tree_at(fd, FIELDLOG_DIR, &e), 0);
    before = listing(fd);
    assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, &r, &e), KERR_NOSPACE);
    expect_untouched(fd, before);
    free(before);
    close(fd);
    assert_int_equal(umount2(stick.path, 0), 0);
    printf("full stick: real 64 KiB tmpfs mount (private mount namespace)\n");
  } else {
    printf("full stick: real mount SKIPPED (%s)\n", why);
  }

  /* Always also: the hook failing each step in turn. */
  stick_fill(stick.fd);
  ktmp_put(stick.fd, FIELDLOG_DIR "/" SITE "/status.txt", "the logs of last time");
  char *before = listing(stick.fd);
  static const struct {
    enum fieldlog_op op;
    int nth;
  } steps[] = {{FIELDLOG_OP_CREATE, 1}, {FIELDLOG_OP_CREATE, 3}, {FIELDLOG_OP_WRITE, 1},
               {FIELDLOG_OP_WRITE, 3},  {FIELDLOG_OP_FSYNC, 2},  {FIELDLOG_OP_RENAME, 1}};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    struct hook_plan plan = {.op = steps[i].op, .nth = steps[i].nth, .err = ENOSPC};
    fieldlog_set_io_hook(plan_hook, &plan);
    assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, &r, &e), KERR_NOSPACE);
    assert_non_null(strstr(r.msg, "the stick is full"));
    expect_untouched(stick.fd, before);
  }
  /* Another error says what failed. */
  struct hook_plan plan = {.op = FIELDLOG_OP_WRITE, .nth = 1, .err = EIO};
  fieldlog_set_io_hook(plan_hook, &plan);
  assert_int_equal(fieldlog_write(stick.path, SITE, &k.info, &r, &e), KERR_IO);
  assert_non_null(strstr(e.msg, "could not write playlog.csv on the stick"));
  expect_untouched(stick.fd, before);
  fieldlog_set_io_hook(NULL, NULL);
  printf("full stick: simulated with the I/O hook\n");
  free(before);
  ktmp_drop(&stick);
  kiosk_drop(&k);
}

/* --- packs from the store ----------------------------------------------- */

static void install(struct store *s, const char *id, uint64_t v, const char *title)
{
  static const char page[] = "# page\n";
  char json[1024];
  snprintf(json, sizeof json,
           "{\"format\":1,\"id\":\"%s\",\"version\":%" PRIu64 ","
           "\"title\":{\"en\":\"%s\",\"ru\":\"ru %s\"},"
           "\"created\":\"2020-07-0%" PRIu64 "T00:00:00Z\","
           "\"languages\":[\"en\"],\"pages\":[\"p1\"],\"files\":[{\"path\":"
           "\"pages/p1.en.md\",\"size\":7,\"blake2b\":\"%s\"}]}",
           id, v, title, title, v,
           /* BLAKE2b-256 of "# page\n" is not checked at commit time */
           "0000000000000000000000000000000000000000000000000000000000000000");
  struct manifest *m;
  struct kerr e;
  int rc = manifest_parse(json, strlen(json), MANIFEST_PACK, &m, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
  struct store_stage *st;
  assert_int_equal(store_stage_begin(s, m, &st, &e), 0);
  int fd;
  assert_int_equal(store_stage_create(st, "pages/p1.en.md", &fd, &e), 0);
  assert_int_equal(write(fd, page, 7), 7);
  close(fd);
  assert_int_equal(store_stage_put_meta(st, json, strlen(json), "sig", 3, &e), 0);
  assert_int_equal(store_stage_commit(st, &e), 0);
  manifest_free(m);
}

static void test_packs_from_store(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "fieldlog");
  struct store *s;
  struct kerr e;
  assert_int_equal(store_open(t.path, &s, &e), 0);
  store_set_reserve(s, 0);
  install(s, "hotlines", 1, "Hotlines");
  install(s, "bulletin", 2, "Bulletin two");
  install(s, "bulletin", 3, "Bulletin three");
  struct fieldlog_pack *p;
  size_t n;
  assert_int_equal(fieldlog_packs_from_store(s, "ru", &p, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(p[0].id, "bulletin");
  assert_int_equal(p[0].current, 3);
  assert_int_equal(p[0].previous, 2);
  assert_string_equal(p[0].title, "ru Bulletin three");
  assert_string_equal(p[1].id, "hotlines");
  assert_int_equal(p[1].current, 1);
  assert_int_equal(p[1].previous, 0);
  free(p);
  store_close(s);
  ktmp_drop(&t);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_writes_expected_files), cmocka_unit_test(test_fresh_stick),
    cmocka_unit_test(test_status_contents),       cmocka_unit_test(test_clock_text),
    cmocka_unit_test(test_log_tail_bounded),      cmocka_unit_test(test_refuses_links_and_bad_site),
    cmocka_unit_test(test_read_only_stick),       cmocka_unit_test(test_full_stick),
    cmocka_unit_test(test_packs_from_store),
};

KTEST_MAIN(tests)
