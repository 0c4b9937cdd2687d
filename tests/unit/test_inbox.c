/* Unit tests for core/inbox: the stick scanner (what is a candidate, the
 * newest-first order with older copies marked, symlinks and special files
 * refused, the count bound), the mountinfo parser and diff on fixture
 * texts, and the watcher on folder roots, on the inbox and, where this
 * process may make a private mount namespace, on a real tmpfs mount. */
#define _GNU_SOURCE /* unshare() for the real-mount test */
#include "ktest.h"

#include "core/fsutil.h"
#include "core/inbox.h"
#include "ktmp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static void scan(const char *root, struct inbox_scan *s)
{
  struct kerr e;
  int rc = inbox_scan(root, s, &e);
  if (rc)
    fprintf(stderr, "inbox_scan: %s\n", e.msg);
  assert_int_equal(rc, 0);
}

/* --- file names --------------------------------------------------------- */

static void test_name_hint(void **state)
{
  (void)state;
  char id[MANIFEST_ID_MAX + 1];
  uint64_t v;
  assert_true(inbox_name_hint("bulletin-2020-07-12.kpack", id, &v));
  assert_string_equal(id, "bulletin-2020-07");
  assert_int_equal(v, 12);
  assert_true(inbox_name_hint("Hotlines-3.KPACK", id, &v));
  assert_string_equal(id, "hotlines");
  assert_int_equal(v, 3);
  assert_false(inbox_name_hint("bulletin.kpack", id, &v));
  assert_false(inbox_name_hint("bulletin-.kpack", id, &v));
  assert_false(inbox_name_hint("bulletin-07a.kpack", id, &v));
  assert_false(inbox_name_hint("bulletin-007.kpack", id, &v));
  assert_false(inbox_name_hint("-5.kpack", id, &v));
  assert_false(inbox_name_hint("b_x-5.kpack", id, &v));
  assert_false(inbox_name_hint("b-99999999999999999.kpack", id, &v));
}

/* --- scanning ----------------------------------------------------------- */

static void test_scan_one_pack(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  ktmp_put(t.fd, "safe-migration-4.kpack", "x");
  struct inbox_scan s;
  scan(t.path, &s);
  assert_int_equal(s.n, 1);
  assert_int_equal(s.items[0].kind, INBOX_PACK);
  assert_int_equal(s.items[0].copy, INBOX_COPY_NEWEST);
  assert_string_equal(s.items[0].rel, "safe-migration-4.kpack");
  assert_string_equal(s.items[0].id_hint, "safe-migration");
  assert_int_equal(s.items[0].version_hint, 4);
  assert_int_equal(s.items[0].size, 1);
  char want[128];
  ktmp_path(&t, "safe-migration-4.kpack", want, sizeof want);
  assert_string_equal(s.items[0].path, want);
  assert_false(s.truncated);
  inbox_scan_free(&s);
  ktmp_drop(&t);
}

/* 20 packs of 4 ids, several versions each, some in kiosk/, one duplicate:
 * each id's newest comes first and the rest are marked. */
static void test_scan_twenty_packs(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  assert_int_equal(mkdirat(t.fd, "kiosk", 0755), 0);
  static const char *const names[20] = {"bulletin-2020-07-3.kpack",
                                        "bulletin-2020-07-12.kpack",
                                        "bulletin-2020-07-9.kpack",
                                        "kiosk/bulletin-2020-07-11.kpack",
                                        "bulletin-2020-07-1.kpack",
                                        "hotlines-central-asia-2.kpack",
                                        "hotlines-central-asia-10.kpack",
                                        "kiosk/hotlines-central-asia-7.kpack",
                                        "hotlines-central-asia-1.kpack",
                                        "safe-migration-5.kpack",
                                        "kiosk/safe-migration-5.kpack",
                                        "safe-migration-4.kpack",
                                        "safe-migration-6.kpack",
                                        "safe-migration-2.kpack",
                                        "alerts-100.kpack",
                                        "alerts-99.kpack",
                                        "kiosk/alerts-101.kpack",
                                        "alerts-1.kpack",
                                        "kiosk/alerts-50.kpack",
                                        "alerts-98.kpack"};
  for (int i = 0; i < 20; i++)
    ktmp_put(t.fd, names[i], "pack");
  struct inbox_scan s;
  scan(t.path, &s);
  assert_int_equal(s.n, 20);

  struct {
    const char *rel;
    enum inbox_copy copy;
  } want[20] = {
      {"kiosk/alerts-101.kpack", INBOX_COPY_NEWEST},
      {"alerts-100.kpack", INBOX_COPY_OLDER},
      {"alerts-99.kpack", INBOX_COPY_OLDER},
      {"alerts-98.kpack", INBOX_COPY_OLDER},
      {"kiosk/alerts-50.kpack", INBOX_COPY_OLDER},
      {"alerts-1.kpack", INBOX_COPY_OLDER},
      {"bulletin-2020-07-12.kpack", INBOX_COPY_NEWEST},
      {"kiosk/bulletin-2020-07-11.kpack", INBOX_COPY_OLDER},
      {"bulletin-2020-07-9.kpack", INBOX_COPY_OLDER},
      {"bulletin-2020-07-3.kpack", INBOX_COPY_OLDER},
      {"bulletin-2020-07-1.kpack", INBOX_COPY_OLDER},
      {"hotlines-central-asia-10.kpack", INBOX_COPY_NEWEST},
      {"kiosk/hotlines-central-asia-7.kpack", INBOX_COPY_OLDER},
      {"hotlines-central-asia-2.kpack", INBOX_COPY_OLDER},
      {"hotlines-central-asia-1.kpack", INBOX_COPY_OLDER},
      {"safe-migration-6.kpack", INBOX_COPY_NEWEST},
      {"safe-migration-5.kpack", INBOX_COPY_OLDER},
      {"kiosk/safe-migration-5.kpack", INBOX_COPY_DUPLICATE},
      {"safe-migration-4.kpack", INBOX_COPY_OLDER},
      {"safe-migration-2.kpack", INBOX_COPY_OLDER},
  };
  size_t newest = 0;
  for (size_t i = 0; i < 20; i++) {
    assert_string_equal(s.items[i].rel, want[i].rel);
    assert_int_equal(s.items[i].copy, want[i].copy);
    if (s.items[i].copy == INBOX_COPY_NEWEST)
      newest++;
    else
      assert_true(s.items[i].newest_hint > 0);
  }
  assert_int_equal(newest, 4);
  assert_int_equal(s.items[1].newest_hint, 101);
  assert_int_equal(s.items[17].newest_hint, 6);
  inbox_scan_free(&s);
  ktmp_drop(&t);
}

static void test_scan_only_junk(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  ktmp_put(t.fd, "photo.jpg", "x");
  ktmp_put(t.fd, "notes.txt", "x");
  ktmp_put(t.fd, "pack.kpack.txt", "x");
  ktmp_put(t.fd, "kpack", "x");
  ktmp_put(t.fd, ".kpack", "x");
  ktmp_put(t.fd, "._bulletin-3.kpack", "x"); /* macOS AppleDouble shadow */
  assert_int_equal(mkdirat(t.fd, "System Volume Information", 0755), 0);
  assert_int_equal(mkdirat(t.fd, "other", 0755), 0);
  ktmp_put(t.fd, "other/bulletin-3.kpack", "x"); /* not a place we look */
  struct inbox_scan s;
  scan(t.path, &s);
  assert_int_equal(s.n, 0);
  assert_null(s.items);
  assert_int_equal(s.n_links + s.n_special, 0);
  inbox_scan_free(&s);
  ktmp_drop(&t);
}

static void test_scan_kiosk_subfolder(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  assert_int_equal(mkdirat(t.fd, "KIOSK", 0755), 0); /* any case */
  assert_int_equal(mkdirat(t.fd, "KIOSK/deeper", 0755), 0);
  ktmp_put(t.fd, "KIOSK/hotlines-2.kpack", "x");
  ktmp_put(t.fd, "KIOSK/keys-3.kkeys", "x");
  ktmp_put(t.fd, "KIOSK/readme.txt", "x");
  ktmp_put(t.fd, "KIOSK/deeper/hotlines-9.kpack", "x"); /* never descended */
  ktmp_put(t.fd, "top-1.kkeys", "x");
  struct inbox_scan s;
  scan(t.path, &s);
  assert_int_equal(s.n, 3);
  /* Keyring updates first, by name; then packs. */
  assert_int_equal(s.items[0].kind, INBOX_KEYRING);
  assert_string_equal(s.items[0].rel, "KIOSK/keys-3.kkeys");
  assert_int_equal(s.items[1].kind, INBOX_KEYRING);
  assert_string_equal(s.items[1].rel, "top-1.kkeys");
  assert_int_equal(s.items[2].kind, INBOX_PACK);
  assert_string_equal(s.items[2].rel, "KIOSK/hotlines-2.kpack");
  assert_int_equal(s.items[2].version_hint, 2);
  inbox_scan_free(&s);
  ktmp_drop(&t);
}

static void test_scan_symlink_refused(void **state)
{
  (void)state;
  struct ktmp t, out;
  ktmp_make(&t, "inbox");
  ktmp_make(&out, "inbox");
  ktmp_put(out.fd, "secret-1.kpack", "x");
  assert_int_equal(mkdirat(out.fd, "k", 0755), 0);
  ktmp_put(out.fd, "k/other-1.kpack", "x");
  char target[128];
  ktmp_path(&out, "secret-1.kpack", target, sizeof target);
  assert_int_equal(symlinkat(target, t.fd, "secret-1.kpack"), 0);
  assert_int_equal(symlinkat("/etc/passwd", t.fd, "passwd-1.kkeys"), 0);
  ktmp_path(&out, "k", target, sizeof target);
  assert_int_equal(symlinkat(target, t.fd, "kiosk"), 0); /* folder link */
  assert_int_equal(mkfifoat(t.fd, "fifo-1.kpack", 0644), 0);
  assert_int_equal(mkdirat(t.fd, "dir-1.kpack", 0755), 0);
  ktmp_put(t.fd, "real-1.kpack", "x");
  struct inbox_scan s;
  scan(t.path, &s);
  assert_int_equal(s.n, 1);
  assert_string_equal(s.items[0].rel, "real-1.kpack");
  assert_int_equal(s.n_links, 3);
  assert_int_equal(s.n_special, 2);
  inbox_scan_free(&s);
  ktmp_drop(&t);
  ktmp_drop(&out);
}

static void test_scan_count_bound(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  char name[64];
  for (int i = 1; i <= INBOX_MAX_CANDIDATES + 50; i++) {
    snprintf(name, sizeof name, "p%03d-1.kpack", i);
    ktmp_put(t.fd, name, "x");
  }
  struct inbox_scan s;
  scan(t.path, &s);
  assert_int_equal(s.n, INBOX_MAX_CANDIDATES);
  assert_true(s.truncated);
  inbox_scan_free(&s);
  ktmp_drop(&t);
}

/* Junk at the top cannot hide the kiosk folder or a pack at the top: the
 * kiosk folder is found among every name, and each folder has its own
 * candidate bound. */
static void test_scan_kiosk_behind_junk(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  char name[64];
  for (int i = 1; i <= INBOX_MAX_CANDIDATES + 20; i++) {
    snprintf(name, sizeof name, "aaa%03d-1.kpack", i);
    ktmp_put(t.fd, name, "x");
  }
  assert_int_equal(mkdirat(t.fd, "zzkiosk-not", 0755), 0);
  assert_int_equal(mkdirat(t.fd, "KIOSK", 0755), 0);
  ktmp_put(t.fd, "KIOSK/news-3.kpack", "x");
  struct inbox_scan s;
  scan(t.path, &s);
  assert_true(s.truncated);
  assert_int_equal(s.n, INBOX_MAX_CANDIDATES + 1);
  int found = 0;
  for (size_t i = 0; i < s.n; i++)
    found += strcmp(s.items[i].rel, "KIOSK/news-3.kpack") == 0;
  assert_int_equal(found, 1);
  inbox_scan_free(&s);
  ktmp_drop(&t);
}

/* A stick with 100,000 other files still yields the packs at the top and
 * in kiosk/. */
static void test_scan_hundred_thousand_files(void **state)
{
  (void)state;
  struct ktmp t;
  /* In memory where there is a tmpfs: 100,000 files on disk take long. */
  struct stat shm;
  ktmp_make_in(
      &t, stat("/dev/shm", &shm) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : ktmp_base(),
      "inbox");
  char name[64];
  for (int i = 0; i < 50000; i++) {
    snprintf(name, sizeof name, "photo-%06d.jpg", i);
    int fd = openat(t.fd, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    close(fd);
  }
  ktmp_put(t.fd, "top-2.kpack", "x");
  assert_int_equal(mkdirat(t.fd, "kiosk", 0755), 0);
  int kfd = openat(t.fd, "kiosk", O_RDONLY | O_DIRECTORY);
  assert_true(kfd >= 0);
  for (int i = 0; i < 50000; i++) {
    snprintf(name, sizeof name, "note-%06d.txt", i);
    int fd = openat(kfd, name, O_WRONLY | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    close(fd);
  }
  ktmp_put(kfd, "news-3.kpack", "x");
  close(kfd);
  struct inbox_scan s;
  scan(t.path, &s);
  assert_false(s.truncated);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.items[0].rel, "kiosk/news-3.kpack");
  assert_string_equal(s.items[1].rel, "top-2.kpack");
  inbox_scan_free(&s);
  ktmp_drop(&t);
}

/* Opening a candidate: a regular file gives an fd and its size (even 0); a
 * FIFO put in its place since the scan neither blocks nor is read; a
 * symlink, a folder or a kiosk folder turned into a symlink is refused;
 * every message names the file escaped. */
static void test_open_candidate(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  assert_int_equal(mkdirat(t.fd, "kiosk", 0755), 0);
  ktmp_put(t.fd, "kiosk/news-3.kpack", "pack bytes");
  ktmp_put(t.fd, "empty-1.kpack", "");
  struct inbox_scan s;
  scan(t.path, &s);
  assert_int_equal(s.n, 2);
  const struct inbox_candidate *news = &s.items[1], *empty = &s.items[0];
  assert_string_equal(news->rel, "kiosk/news-3.kpack");
  assert_string_equal(empty->rel, "empty-1.kpack");

  int fd;
  uint64_t size = 99;
  struct kerr e;
  assert_int_equal(inbox_open_candidate(t.path, news, &fd, &size, &e), 0);
  assert_int_equal(size, 10);
  char buf[16];
  assert_int_equal(read(fd, buf, sizeof buf), 10);
  assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
  close(fd);
  assert_int_equal(inbox_open_candidate(t.path, empty, &fd, &size, &e), 0);
  assert_int_equal(size, 0);
  close(fd);

  /* Swapped for a FIFO with no writer: must not block. */
  assert_int_equal(unlinkat(t.fd, "kiosk/news-3.kpack", 0), 0);
  assert_int_equal(mkfifoat(t.fd, "kiosk/news-3.kpack", 0644), 0);
  assert_int_equal(inbox_open_candidate(t.path, news, &fd, NULL, &e), KERR_TYPE);
  assert_int_equal(fd, -1);
  assert_non_null(strstr(e.msg, "kiosk/news-3.kpack: is a named pipe, not a file — skipped"));

  /* Swapped for a symlink to a real pack elsewhere. */
  assert_int_equal(unlinkat(t.fd, "kiosk/news-3.kpack", 0), 0);
  assert_int_equal(symlinkat("/etc/passwd", t.fd, "kiosk/news-3.kpack"), 0);
  assert_int_equal(inbox_open_candidate(t.path, news, &fd, NULL, &e), KERR_TYPE);
  assert_non_null(strstr(e.msg, "is a symbolic link"));

  /* The kiosk folder swapped for a symlink to another folder. */
  assert_int_equal(mkdirat(t.fd, "elsewhere", 0755), 0);
  ktmp_put(t.fd, "elsewhere/news-3.kpack", "pack bytes");
  assert_int_equal(renameat(t.fd, "kiosk", t.fd, "old"), 0);
  assert_int_equal(symlinkat("elsewhere", t.fd, "kiosk"), 0);
  assert_true(inbox_open_candidate(t.path, news, &fd, NULL, &e) < 0);
  assert_int_equal(fd, -1);

  /* Gone. */
  assert_int_equal(unlinkat(t.fd, "empty-1.kpack", 0), 0);
  assert_int_equal(inbox_open_candidate(t.path, empty, &fd, NULL, &e), KERR_NOENT);

  /* A name with a newline and an escape sequence comes out escaped. */
  struct inbox_candidate evil = *empty;
  snprintf(evil.rel, sizeof evil.rel, "a\nb\x1b[2J\xff.kpack");
  assert_int_equal(inbox_open_candidate(t.path, &evil, &fd, NULL, &e), KERR_NOENT);
  assert_non_null(strstr(e.msg, "a\\nb\\x1B[2J\\xFF.kpack: has gone"));
  assert_null(strchr(e.msg, '\n'));
  inbox_scan_free(&s);
  ktmp_drop(&t);
}

static void test_scan_missing_root(void **state)
{
  (void)state;
  struct inbox_scan s;
  struct kerr e;
  assert_int_equal(inbox_scan("/nonexistent/stick", &s, &e), KERR_NOENT);
  assert_non_null(strstr(e.msg, "/nonexistent/stick"));
  assert_int_equal(s.n, 0);
}

/* --- mountinfo ---------------------------------------------------------- */

static const char fixture_before[] =
    "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
    "23 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n"
    "24 22 0:22 / /run rw,nosuid,nodev shared:2 - tmpfs tmpfs rw,mode=755\n"
    "40 22 8:17 / /media/usb0 rw,relatime shared:30 - vfat /dev/sdb1 rw\n"
    "41 22 0:50 / /mediax rw shared:31 - tmpfs tmpfs rw\n"
    "42 24 8:33 / /run/media/anna/MY\\040STICK rw shared:32 - exfat /dev/sdc1 rw\n"
    "43 22 0:51 / /mnt rw shared:33 - autofs systemd-1 rw,fd=40\n"
    "garbage line without enough fields\n"
    "44 22 8:49 / /mnt/backup rw - ext4\n"; /* too short: no source */

static const char fixture_after[] =
    "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
    "24 22 0:22 / /run rw,nosuid,nodev shared:2 - tmpfs tmpfs rw,mode=755\n"
    "41 22 0:50 / /mediax rw shared:31 - tmpfs tmpfs rw\n"
    "42 24 8:33 / /run/media/anna/MY\\040STICK rw shared:32 - exfat /dev/sdc1 rw\n"
    "43 22 0:51 / /mnt rw shared:33 - autofs systemd-1 rw,fd=40\n"
    "45 43 8:65 / /mnt rw,relatime shared:34 - vfat /dev/sde1 rw\n"
    "46 22 8:81 / /media/usb1 rw master:2 - vfat /dev/sdf1 rw\n"
    "47 46 8:82 / /media/usb1 rw master:2 - vfat /dev/sdf2 rw\n"        /* stacked */
    "48 22 8:97 / /media/a/b/c/deep rw shared:35 - ntfs3 /dev/sdg1 rw"; /* no
                                                              final newline */

static const char *const fixture_roots[] = {"/media", "/run/media", "/mnt"};

static void test_mountinfo_parse(void **state)
{
  (void)state;
  struct inbox_mounts m;
  struct kerr e;
  assert_int_equal(
      inbox_mountinfo_parse(fixture_before, sizeof fixture_before - 1, fixture_roots, 3, &m, &e),
      0);
  assert_int_equal(m.n, 2);
  assert_string_equal(m.v[0].path, "/media/usb0");
  assert_string_equal(m.v[1].path, "/run/media/anna/MY STICK");
  inbox_mounts_free(&m);

  assert_int_equal(
      inbox_mountinfo_parse(fixture_after, sizeof fixture_after - 1, fixture_roots, 3, &m, &e), 0);
  assert_int_equal(m.n, 4);
  assert_string_equal(m.v[0].path, "/media/a/b/c/deep");
  assert_string_equal(m.v[1].path, "/media/usb1");
  assert_int_equal(m.v[1].id, 47);          /* the top one of two */
  assert_string_equal(m.v[2].path, "/mnt"); /* a root may itself be one */
  assert_int_equal(m.v[2].id, 45);
  assert_string_equal(m.v[3].path, "/run/media/anna/MY STICK");
  inbox_mounts_free(&m);

  /* At a root: a bind of the roots' own folder (a sandbox's ReadWritePaths)
   * or a tmpfs holding the mount points is not a stick; a whole vfat is.
   * Below a root, a tmpfs still counts (tests mount one as a stick). */
  static const char at_roots[] = "22 1 8:2 / / rw - ext4 /dev/sda2 rw\n"
                                 "60 22 8:2 /media /media rw - ext4 /dev/sda2 rw\n"
                                 "61 22 0:60 / /run/media rw - tmpfs tmpfs rw\n"
                                 "62 22 0:61 / /mnt rw - overlay overlay rw\n"
                                 "63 61 0:62 / /run/media/kiosk rw - tmpfs tmpfs rw\n"
                                 "64 60 8:17 / /media/usb0 rw - vfat /dev/sdb1 rw\n";
  assert_int_equal(inbox_mountinfo_parse(at_roots, sizeof at_roots - 1, fixture_roots, 3, &m, &e),
                   0);
  assert_int_equal(m.n, 2);
  assert_string_equal(m.v[0].path, "/media/usb0");
  assert_string_equal(m.v[1].path, "/run/media/kiosk");
  inbox_mounts_free(&m);
  static const char stick_at_root[] = "22 1 8:2 / / rw - ext4 /dev/sda2 rw\n"
                                      "65 22 8:33 / /media rw - exfat /dev/sdc1 rw\n";
  assert_int_equal(
      inbox_mountinfo_parse(stick_at_root, sizeof stick_at_root - 1, fixture_roots, 3, &m, &e), 0);
  assert_int_equal(m.n, 1);
  assert_string_equal(m.v[0].path, "/media");
  inbox_mounts_free(&m);

  /* No roots: nothing is a stick. Empty text: nothing either. */
  assert_int_equal(inbox_mountinfo_parse(fixture_after, sizeof fixture_after - 1, NULL, 0, &m, &e),
                   0);
  assert_int_equal(m.n, 0);
  inbox_mounts_free(&m);
  assert_int_equal(inbox_mountinfo_parse("", 0, fixture_roots, 3, &m, &e), 0);
  assert_int_equal(m.n, 0);
  inbox_mounts_free(&m);
}

static void test_mountinfo_diff(void **state)
{
  (void)state;
  struct inbox_mounts a, b;
  struct kerr e;
  assert_int_equal(
      inbox_mountinfo_parse(fixture_before, sizeof fixture_before - 1, fixture_roots, 3, &a, &e),
      0);
  assert_int_equal(
      inbox_mountinfo_parse(fixture_after, sizeof fixture_after - 1, fixture_roots, 3, &b, &e), 0);
  struct inbox_event *ev;
  size_t n;
  assert_int_equal(inbox_mounts_diff(&a, &b, &ev, &n, &e), 0);
  assert_int_equal(n, 4);
  assert_int_equal(ev[0].kind, INBOX_STICK_REMOVED);
  assert_string_equal(ev[0].path, "/media/usb0");
  assert_int_equal(ev[1].kind, INBOX_STICK_ADDED);
  assert_string_equal(ev[1].path, "/media/a/b/c/deep");
  assert_int_equal(ev[2].kind, INBOX_STICK_ADDED);
  assert_string_equal(ev[2].path, "/media/usb1");
  assert_int_equal(ev[3].kind, INBOX_STICK_ADDED);
  assert_string_equal(ev[3].path, "/mnt");
  free(ev);
  /* No change, no events. */
  assert_int_equal(inbox_mounts_diff(&b, &b, &ev, &n, &e), 0);
  assert_int_equal(n, 0);
  assert_null(ev);
  /* The same place, another stick (new mount id): removed, then added. */
  static const char swapped[] =
      "40 22 8:17 / /media/usb0 rw,relatime shared:30 - vfat /dev/sdb1 rw\n";
  static const char swapped2[] =
      "52 22 8:33 / /media/usb0 rw,relatime shared:30 - vfat /dev/sdc1 rw\n";
  inbox_mounts_free(&a);
  inbox_mounts_free(&b);
  assert_int_equal(inbox_mountinfo_parse(swapped, sizeof swapped - 1, fixture_roots, 3, &a, &e), 0);
  assert_int_equal(inbox_mountinfo_parse(swapped2, sizeof swapped2 - 1, fixture_roots, 3, &b, &e),
                   0);
  assert_int_equal(inbox_mounts_diff(&a, &b, &ev, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_int_equal(ev[0].kind, INBOX_STICK_REMOVED);
  assert_string_equal(ev[0].path, "/media/usb0");
  assert_int_equal(ev[1].kind, INBOX_STICK_ADDED);
  assert_string_equal(ev[1].path, "/media/usb0");
  free(ev);
  inbox_mounts_free(&a);
  inbox_mounts_free(&b);
}

/* --- the watcher -------------------------------------------------------- */

static size_t events(struct inbox_watch *w, struct inbox_event **ev)
{
  size_t n;
  struct kerr e;
  assert_int_equal(inbox_watch_events(w, ev, &n, &e), 0);
  return n;
}

/* Waits up to ms for the watcher's fd; 1 if it became readable. */
static int wait_fd(struct inbox_watch *w, int ms)
{
  struct pollfd p = {.fd = inbox_watch_fd(w), .events = POLLIN};
  if (p.fd < 0)
    return 0;
  return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void test_watch_refuses_bad_roots(void **state)
{
  (void)state;
  struct inbox_watch *w;
  struct kerr e;
  const char *slash[] = {"/"};
  assert_int_equal(inbox_watch_open(slash, 1, NULL, &w, &e), KERR_INVAL);
  assert_null(w);
  assert_non_null(strstr(e.msg, "every mounted filesystem"));
  const char *rel[] = {"media"};
  assert_int_equal(inbox_watch_open(rel, 1, NULL, &w, &e), KERR_INVAL);
  assert_non_null(strstr(e.msg, "not an absolute path"));
}

static void test_watch_folder_root(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  assert_int_equal(mkdirat(t.fd, "usb", 0755), 0);
  assert_int_equal(mkdirat(t.fd, "usb/present", 0755), 0);
  assert_int_equal(mkdirat(t.fd, "usb/.hidden", 0755), 0);
  ktmp_put(t.fd, "usb/file-not-a-stick", "x");
  assert_int_equal(mkdirat(t.fd, "inbox", 0755), 0);
  char usb[128], inbox[128], p[256];
  ktmp_path(&t, "usb/", usb, sizeof usb); /* trailing slash is fine */
  ktmp_path(&t, "inbox", inbox, sizeof inbox);

  struct inbox_watch *w;
  struct kerr e;
  assert_int_equal(inbox_watch_open(NULL, 0, inbox, &w, &e), 0);
  assert_int_equal(inbox_watch_add_folder(w, usb, &e), 0);
  int have_fd = inbox_watch_fd(w) >= 0;
  printf("watcher: %s\n",
         have_fd ? "inotify (poll fd)"
                 : "rescanning "
                   "(no inotify)");
  if (have_fd)
    assert_int_equal(inbox_watch_rescan_ms(w), -1);

  /* First call: what is already there. */
  struct inbox_event *ev;
  size_t n = events(w, &ev);
  assert_int_equal(n, 2);
  ktmp_path(&t, "usb/present", p, sizeof p);
  assert_int_equal(ev[0].kind, INBOX_STICK_ADDED);
  assert_string_equal(ev[0].path, p);
  assert_int_equal(ev[1].kind, INBOX_CHANGED);
  assert_string_equal(ev[1].path, inbox);
  free(ev);
  assert_int_equal(events(w, &ev), 0);
  if (have_fd)
    assert_false(wait_fd(w, 0));

  /* A stick built aside and renamed in appears whole. */
  assert_int_equal(mkdirat(t.fd, "usb/.tmp-b", 0755), 0);
  ktmp_put(t.fd, "usb/.tmp-b/x-1.kpack", "x");
  if (have_fd)
    (void)wait_fd(w, 0); /* hidden: may wake us, reports nothing */
  assert_int_equal(events(w, &ev), 0);
  assert_int_equal(renameat(t.fd, "usb/.tmp-b", t.fd, "usb/b"), 0);
  if (have_fd)
    assert_true(wait_fd(w, 2000));
  n = events(w, &ev);
  assert_int_equal(n, 1);
  ktmp_path(&t, "usb/b", p, sizeof p);
  assert_int_equal(ev[0].kind, INBOX_STICK_ADDED);
  assert_string_equal(ev[0].path, p);
  free(ev);

  /* Removing one, and a file in the inbox, in one go. */
  assert_int_equal(fsutil_remove_tree_at(t.fd, "usb/present", &e), 0);
  ktmp_put(t.fd, "inbox/hotlines-2.kpack", "x");
  if (have_fd)
    assert_true(wait_fd(w, 2000));
  n = events(w, &ev);
  assert_int_equal(n, 2);
  ktmp_path(&t, "usb/present", p, sizeof p);
  assert_int_equal(ev[0].kind, INBOX_STICK_REMOVED);
  assert_string_equal(ev[0].path, p);
  assert_int_equal(ev[1].kind, INBOX_CHANGED);
  free(ev);
  assert_int_equal(events(w, &ev), 0);

  /* Replaced between two looks: removed, then added. */
  assert_int_equal(renameat(t.fd, "usb/b", t.fd, "old-b"), 0);
  assert_int_equal(mkdirat(t.fd, "usb/b", 0755), 0);
  n = events(w, &ev);
  assert_int_equal(n, 2);
  assert_int_equal(ev[0].kind, INBOX_STICK_REMOVED);
  assert_int_equal(ev[1].kind, INBOX_STICK_ADDED);
  free(ev);
  inbox_watch_close(w);
  ktmp_drop(&t);
}

static void test_watch_inbox_appears_later(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  char inbox[128];
  ktmp_path(&t, "inbox", inbox, sizeof inbox);
  struct inbox_watch *w;
  struct kerr e;
  assert_int_equal(inbox_watch_open(NULL, 0, inbox, &w, &e), 0);
  /* Not there yet: the caller is told to rescan. */
  assert_int_equal(inbox_watch_rescan_ms(w), INBOX_RESCAN_MS);
  struct inbox_event *ev;
  assert_int_equal(events(w, &ev), 1); /* first call: look at it */
  free(ev);
  assert_int_equal(events(w, &ev), 0);
  assert_int_equal(mkdirat(t.fd, "inbox", 0755), 0);
  ktmp_put(t.fd, "inbox/a-1.kpack", "x");
  assert_int_equal(events(w, &ev), 1);
  assert_int_equal(ev[0].kind, INBOX_CHANGED);
  free(ev);
  if (inbox_watch_fd(w) >= 0) {
    /* Watched now: a new file wakes the fd. */
    assert_int_equal(inbox_watch_rescan_ms(w), -1);
    ktmp_put(t.fd, "inbox/b-1.kpack", "x");
    assert_true(wait_fd(w, 2000));
    assert_int_equal(events(w, &ev), 1);
    free(ev);
  }
  inbox_watch_close(w);
  ktmp_drop(&t);
}

/* A real mount in a private mount namespace, when this process may make
 * one (root, and not forbidden by a container); otherwise says so and
 * checks only that mountinfo is watched. */
static void test_watch_real_mount(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "inbox");
  assert_int_equal(mkdirat(t.fd, "media", 0755), 0);
  assert_int_equal(mkdirat(t.fd, "media/user", 0755), 0);
  assert_int_equal(mkdirat(t.fd, "media/user/STICK", 0755), 0);
  assert_int_equal(mkdirat(t.fd, "elsewhere", 0755), 0);
  char root[128], stick[160], other[160];
  ktmp_path(&t, "media", root, sizeof root);
  ktmp_path(&t, "media/user/STICK", stick, sizeof stick);
  ktmp_path(&t, "elsewhere", other, sizeof other);

  const char *why = NULL;
  if (geteuid() != 0)
    why = "not running as root";
  else if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    why = strerror(errno);
  if (why) {
    printf("real mount: SKIPPED (no private mount namespace: %s); the "
           "mountinfo parser is covered by fixtures\n",
           why);
    ktmp_drop(&t);
    return;
  }
  printf("real mount: tmpfs in a private mount namespace\n");
  const char *roots[] = {root};
  struct inbox_watch *w;
  struct kerr e;
  assert_int_equal(inbox_watch_open(roots, 1, NULL, &w, &e), 0);
  assert_true(inbox_watch_fd(w) >= 0);
  assert_int_equal(inbox_watch_rescan_ms(w), -1);
  struct inbox_event *ev;
  assert_int_equal(events(w, &ev), 0);

  assert_int_equal(mount("tmpfs", stick, "tmpfs", 0, "size=64k"), 0);
  assert_true(wait_fd(w, 2000));
  assert_int_equal(events(w, &ev), 1);
  assert_int_equal(ev[0].kind, INBOX_STICK_ADDED);
  assert_string_equal(ev[0].path, stick);
  free(ev);
  /* Quiet afterwards: the wake-up does not repeat. */
  assert_false(wait_fd(w, 100));

  /* A mount outside the roots wakes us but is not a stick. */
  assert_int_equal(mount("tmpfs", other, "tmpfs", 0, "size=64k"), 0);
  (void)wait_fd(w, 1000);
  assert_int_equal(events(w, &ev), 0);

  /* Pulled out and another put in while the caller was busy: the same
   * path, a new mount. */
  assert_int_equal(umount2(stick, 0), 0);
  assert_int_equal(mount("tmpfs", stick, "tmpfs", 0, "size=64k"), 0);
  assert_true(wait_fd(w, 2000));
  struct statx sx;
  if (statx(AT_FDCWD, "/", 0, 0x4000U /* STATX_MNT_ID_UNIQUE */, &sx) == 0 &&
      (sx.stx_mask & 0x4000U)) {
    assert_int_equal(events(w, &ev), 2);
    assert_int_equal(ev[0].kind, INBOX_STICK_REMOVED);
    assert_int_equal(ev[1].kind, INBOX_STICK_ADDED);
    assert_string_equal(ev[1].path, stick);
    free(ev);
  } else {
    printf("swapped stick: SKIPPED (kernel before 6.8 reuses mount ids)\n");
    size_t n = events(w, &ev);
    assert_true(n == 0 || n == 2);
    free(ev);
  }

  assert_int_equal(umount2(stick, 0), 0);
  assert_true(wait_fd(w, 2000));
  assert_int_equal(events(w, &ev), 1);
  assert_int_equal(ev[0].kind, INBOX_STICK_REMOVED);
  assert_string_equal(ev[0].path, stick);
  free(ev);
  inbox_watch_close(w);
  assert_int_equal(umount2(other, 0), 0);
  ktmp_drop(&t);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_name_hint),
    cmocka_unit_test(test_scan_one_pack),
    cmocka_unit_test(test_scan_twenty_packs),
    cmocka_unit_test(test_scan_only_junk),
    cmocka_unit_test(test_scan_kiosk_subfolder),
    cmocka_unit_test(test_scan_symlink_refused),
    cmocka_unit_test(test_scan_count_bound),
    cmocka_unit_test(test_scan_missing_root),
    cmocka_unit_test(test_scan_kiosk_behind_junk),
    cmocka_unit_test(test_scan_hundred_thousand_files),
    cmocka_unit_test(test_open_candidate),
    cmocka_unit_test(test_mountinfo_parse),
    cmocka_unit_test(test_mountinfo_diff),
    cmocka_unit_test(test_watch_refuses_bad_roots),
    cmocka_unit_test(test_watch_folder_root),
    cmocka_unit_test(test_watch_inbox_appears_later),
    cmocka_unit_test(test_watch_real_mount),
};

KTEST_MAIN(tests)
