/* Unit tests for core/fsutil: safe creation under a directory fd (never
 * through a symlink), atomic writes, tree removal that does not follow
 * links, reads with a size cap, fsync of trees, and the fault points. */
#include "ktest.h"
#include "ktmp.h"

#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int exists(int dirfd, const char *name)
{
  struct stat st;
  return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void test_create_makes_folders(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "fsutil");
  struct kerr e;
  int fd;
  assert_int_equal(fsutil_create_at(t.fd, "media/a/b/c.png", 0644, &fd, &e), 0);
  assert_int_equal(write(fd, "xy", 2), 2);
  close(fd);
  struct stat st;
  assert_int_equal(fstatat(t.fd, "media/a/b/c.png", &st, 0), 0);
  assert_true(S_ISREG(st.st_mode));
  assert_int_equal(st.st_size, 2);
  /* O_EXCL: the same name again is refused, the file is untouched. */
  assert_int_equal(fsutil_create_at(t.fd, "media/a/b/c.png", 0644, &fd, &e), KERR_PATH);
  assert_non_null(strstr(e.msg, "already exists"));
  assert_int_equal(fd, -1);
  assert_int_equal(fstatat(t.fd, "media/a/b/c.png", &st, 0), 0);
  assert_int_equal(st.st_size, 2);
  ktmp_drop(&t);
}

static void test_create_refuses_symlinked_folder(void **state)
{
  (void)state;
  struct ktmp t, out;
  ktmp_make(&t, "fsutil");
  ktmp_make(&out, "fsutil");
  assert_int_equal(symlinkat(out.path, t.fd, "media"), 0);
  struct kerr e;
  int fd;
  assert_int_equal(fsutil_create_at(t.fd, "media/x.png", 0644, &fd, &e), KERR_PATH);
  assert_non_null(strstr(e.msg, "is a link or a file, not a folder"));
  assert_false(exists(out.fd, "x.png"));
  ktmp_drop(&t);
  ktmp_drop(&out);
}

static void test_create_refuses_symlinked_file(void **state)
{
  (void)state;
  struct ktmp t, out;
  ktmp_make(&t, "fsutil");
  ktmp_make(&out, "fsutil");
  char target[600];
  ktmp_path(&out, "victim", target, sizeof target);
  assert_int_equal(mkdirat(t.fd, "pages", 0755), 0);
  assert_int_equal(symlinkat(target, t.fd, "pages/a.md"), 0);
  struct kerr e;
  int fd;
  assert_true(fsutil_create_at(t.fd, "pages/a.md", 0644, &fd, &e) < 0);
  assert_false(exists(out.fd, "victim"));
  ktmp_drop(&t);
  ktmp_drop(&out);
}

static void test_open_dir_refuses_dotdot(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "fsutil");
  struct kerr e;
  int fd;
  assert_int_equal(fsutil_open_dir_at(t.fd, "a/../../b", 1, 0755, &fd, &e), KERR_PATH);
  assert_int_equal(fsutil_create_at(t.fd, "../escape", 0644, &fd, &e), KERR_PATH);
  assert_int_equal(fsutil_open_dir_at(t.fd, "/tmp", 0, 0, &fd, &e), KERR_PATH);
  assert_int_equal(fsutil_create_at(t.fd, "/tmp/x", 0644, &fd, &e), KERR_PATH);
  assert_int_equal(fsutil_create_at(t.fd, "/x", 0644, &fd, &e), KERR_PATH);
  assert_false(exists(t.fd, "x"));
  assert_int_equal(fsutil_open_dir_at(t.fd, "", 0, 0, &fd, &e), 0);
  close(fd);
  assert_int_equal(fsutil_open_dir_at(t.fd, "missing", 0, 0, &fd, &e), KERR_NOENT);
  assert_int_equal(fsutil_mkdirs_at(t.fd, "x/y/z", 0755, &e), 0);
  assert_int_equal(fsutil_mkdirs_at(t.fd, "x/y/z", 0755, &e), 0);
  assert_true(exists(t.fd, "x/y/z"));
  ktmp_drop(&t);
}

static void test_write_atomic(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "fsutil");
  struct kerr e;
  ktmp_put(t.fd, ".state.tmp", "leftover from a crash");
  assert_int_equal(fsutil_write_atomic_at(t.fd, "state", "one\n", 4, &e), 0);
  assert_false(exists(t.fd, ".state.tmp"));
  assert_int_equal(fsutil_write_atomic_at(t.fd, "state", "two!\n", 5, &e), 0);
  char *buf;
  size_t len;
  assert_int_equal(fsutil_read_at(t.fd, "state", 100, &buf, &len, &e), 0);
  assert_int_equal(len, 5);
  assert_string_equal(buf, "two!\n");
  free(buf);
  assert_false(exists(t.fd, ".state.tmp"));
  assert_int_equal(fsutil_write_atomic_at(t.fd, "a/b", "x", 1, &e), KERR_PATH);
  ktmp_drop(&t);
}

static void test_mkdir_p(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "fsutil");
  struct kerr e;
  char path[600];
  ktmp_path(&t, "a/b/c/", path, sizeof path);
  assert_int_equal(fsutil_mkdir_p(path, 0755, &e), 0);
  assert_true(exists(t.fd, "a/b/c"));
  assert_int_equal(fsutil_mkdir_p(path, 0755, &e), 0); /* already there */
  ktmp_put(t.fd, "file", "x");
  ktmp_path(&t, "file/sub", path, sizeof path);
  assert_int_equal(fsutil_mkdir_p(path, 0755, &e), KERR_IO);
  assert_non_null(strstr(e.msg, "/file/sub"));
  ktmp_drop(&t);
}

static void test_write_all_reports_short_writes(void **state)
{
  (void)state;
  int p[2];
  assert_int_equal(pipe(p), 0);
  size_t done = 99;
  assert_int_equal(fsutil_write_all(p[1], "hello", 5, &done), 0);
  assert_int_equal(done, 5);
  char buf[8] = {0};
  assert_int_equal(read(p[0], buf, sizeof buf), 5);
  assert_string_equal(buf, "hello");
  close(p[0]); /* nobody reads: the next write fails with EPIPE */
  signal(SIGPIPE, SIG_IGN);
  assert_int_equal(fsutil_write_all(p[1], "more", 4, &done), EPIPE);
  assert_int_equal(done, 0);
  close(p[1]);
}

static void test_read_limits(void **state)
{
  (void)state;
  struct ktmp t, out;
  ktmp_make(&t, "fsutil");
  ktmp_make(&out, "fsutil");
  struct kerr e;
  char *buf;
  size_t len;
  ktmp_put(t.fd, "f", "0123456789");
  assert_int_equal(fsutil_read_at(t.fd, "f", 9, &buf, &len, &e), KERR_TOOBIG);
  assert_null(buf);
  assert_int_equal(fsutil_read_at(t.fd, "f", 10, &buf, &len, &e), 0);
  assert_int_equal(len, 10);
  free(buf);
  ktmp_put(out.fd, "secret", "s");
  char target[600];
  ktmp_path(&out, "secret", target, sizeof target);
  assert_int_equal(symlinkat(target, t.fd, "link"), 0);
  assert_int_equal(fsutil_read_at(t.fd, "link", 10, &buf, &len, &e), KERR_PATH);
  assert_int_equal(fsutil_read_at(t.fd, "none", 10, &buf, &len, &e), KERR_NOENT);
  ktmp_drop(&t);
  ktmp_drop(&out);
}

static void test_remove_tree_keeps_link_targets(void **state)
{
  (void)state;
  struct ktmp t, out;
  ktmp_make(&t, "fsutil");
  ktmp_make(&out, "fsutil");
  ktmp_put(out.fd, "keep", "k");
  struct kerr e;
  assert_int_equal(fsutil_mkdirs_at(t.fd, "tree/a/b", 0755, &e), 0);
  for (int i = 0; i < 50; i++) {
    char n[32];
    snprintf(n, sizeof n, "tree/a/f%d", i);
    ktmp_put(t.fd, n, "x");
  }
  ktmp_put(t.fd, "tree/a/b/deep", "x");
  assert_int_equal(symlinkat(out.path, t.fd, "tree/link-to-dir"), 0);
  assert_int_equal(symlinkat("/nonexistent", t.fd, "tree/a/dangling"), 0);
  assert_int_equal(fsutil_remove_tree_at(t.fd, "tree", &e), 0);
  assert_false(exists(t.fd, "tree"));
  assert_true(exists(out.fd, "keep"));
  /* Missing is fine; a symlink at the top is removed, not followed. */
  assert_int_equal(fsutil_remove_tree_at(t.fd, "tree", &e), 0);
  assert_int_equal(symlinkat(out.path, t.fd, "top"), 0);
  assert_int_equal(fsutil_remove_tree_at(t.fd, "top", &e), 0);
  assert_false(exists(t.fd, "top"));
  assert_true(exists(out.fd, "keep"));
  ktmp_drop(&t);
  ktmp_drop(&out);
}

static void test_fsync_tree(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "fsutil");
  struct kerr e;
  int fd;
  assert_int_equal(fsutil_create_at(t.fd, "s/pages/a.md", 0644, &fd, &e), 0);
  close(fd);
  assert_int_equal(fsutil_create_at(t.fd, "s/media/x/y.png", 0644, &fd, &e), 0);
  close(fd);
  assert_int_equal(fsutil_fsync_tree_at(t.fd, "s", &e), 0);
  assert_int_equal(fsutil_fsync_at(t.fd, "s/pages/a.md", &e), 0);
  assert_int_equal(fsutil_fsync_path(t.path, &e), 0);
  assert_int_equal(fsutil_fsync_fd(t.fd, "tmp", &e), 0);
  assert_int_equal(symlinkat("/etc/passwd", t.fd, "s/media/evil"), 0);
  assert_int_equal(fsutil_fsync_tree_at(t.fd, "s", &e), KERR_PATH);
  assert_non_null(strstr(e.msg, "evil"));
  ktmp_drop(&t);
}

static void test_free_bytes(void **state)
{
  (void)state;
  struct kerr e;
  uint64_t a = 0, b = 0;
  assert_int_equal(fsutil_free_bytes("/tmp", &a, &e), 0);
  assert_true(a > 0);
  int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
  assert_int_equal(fsutil_free_bytes_fd(fd, &b, &e), 0);
  close(fd);
  assert_true(b > 0);
  assert_int_equal(fsutil_free_bytes("/nonexistent/x", &a, &e), KERR_NOENT);
}

static void test_fault_points_count(void **state)
{
  (void)state;
  unsetenv("KIOSK_FAULT_AT");
  fsutil_fault_reset();
  fsutil_fault_point("one");
  fsutil_fault_point("two");
  assert_int_equal(fsutil_fault_count(), 2);
  assert_string_equal(fsutil_fault_name(0), "one");
  assert_string_equal(fsutil_fault_name(1), "two");
  assert_null(fsutil_fault_name(2));
  fsutil_fault_reset();
  assert_int_equal(fsutil_fault_count(), 0);
}

/* fsutil_fault_set() kills at the n-th point; so does KIOSK_FAULT_AT, but
 * only in a build with the test hooks: without them the variable changes
 * nothing (see also e2e.release_hooks). */
static void test_fault_point_kills(void **state)
{
  (void)state;
  for (int how = 0; how < 2; how++) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      fsutil_fault_reset();
      if (how == 0)
        setenv("KIOSK_FAULT_AT", "2", 1);
      else
        fsutil_fault_set(2);
      fsutil_fault_point("first");
      fsutil_fault_point("second"); /* dies here */
      _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
#if !KIOSK_TEST_HOOKS
    if (how == 0) { /* the environment is not looked at */
      assert_true(WIFEXITED(status));
      assert_int_equal(WEXITSTATUS(status), 0);
      continue;
    }
#endif
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
  }
}

int main(int argc, char **argv);
static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_create_makes_folders),
    cmocka_unit_test(test_create_refuses_symlinked_folder),
    cmocka_unit_test(test_create_refuses_symlinked_file),
    cmocka_unit_test(test_open_dir_refuses_dotdot),
    cmocka_unit_test(test_write_atomic),
    cmocka_unit_test(test_mkdir_p),
    cmocka_unit_test(test_write_all_reports_short_writes),
    cmocka_unit_test(test_read_limits),
    cmocka_unit_test(test_remove_tree_keeps_link_targets),
    cmocka_unit_test(test_fsync_tree),
    cmocka_unit_test(test_free_bytes),
    cmocka_unit_test(test_fault_points_count),
    cmocka_unit_test(test_fault_point_kills),
};

KTEST_MAIN(tests)
