/* Unit tests for core/log: one call is one line whatever the message
 * holds, and the file is rotated while running, within its byte limit. */
#include "ktest.h"

#include "core/fsutil.h"
#include "core/log.h"
#include "ktmp.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void make_dir(void)
{
  ktmp_mkdtemp(dir, sizeof dir, "log");
}

static void drop_dir(void)
{
  ktmp_remove(dir);
}

static size_t count(const char *s, char c)
{
  size_t n = 0;
  for (; *s; s++)
    n += *s == c;
  return n;
}

static void test_one_call_one_line(void **state)
{
  (void)state;
  make_dir();
  char path[300];
  snprintf(path, sizeof path, "%s/kiosk.log", dir);
  log_set_quiet(1);
  assert_int_equal(log_open_file(path), 0);
  log_info("USB stick at %s", "/media/x\n2026-12-03 00:00:00 info  screen says: Installed forged");
  log_info("name %s",
           "a\x1b[2J\xff\xe2\x80\xae"
           "b");
  log_close_file();
  size_t len;
  char *buf = ktmp_read_file(path, &len);
  assert_non_null(buf);
  assert_int_equal(count(buf, '\n'), 2);
  assert_non_null(strstr(buf, "/media/x\\n2026-12-03 00:00:00 info  screen says"));
  assert_non_null(strstr(buf, "a\\x1B[2J\\xFF\\u{202E}b"));
  free(buf);
  drop_dir();
}

static void test_rotated_while_running(void **state)
{
  (void)state;
  make_dir();
  char path[300], old[310];
  snprintf(path, sizeof path, "%s/kiosk.log", dir);
  snprintf(old, sizeof old, "%s.1", path);
  log_set_quiet(1);
  log_set_max_bytes(4096);
  assert_int_equal(log_open_file(path), 0);
  for (int i = 0; i < 1000; i++)
    log_info("line %04d of a long-running kiosk, with some words to fill it", i);
  struct stat st, so;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(stat(old, &so), 0);
  assert_true(st.st_size <= 4096 && st.st_size > 0);
  assert_true(so.st_size <= 4096 && so.st_size > 3000);
  /* The newest line is in the file; the older file holds the lines just
   * before, whole. */
  size_t len;
  char *buf = ktmp_read_file(path, &len);
  assert_non_null(buf);
  assert_non_null(strstr(buf, "line 0999 of"));
  assert_int_equal(buf[strlen(buf) - 1], '\n');
  free(buf);
  buf = ktmp_read_file(old, &len);
  assert_non_null(buf);
  assert_null(strstr(buf, "line 0000 of"));
  assert_int_equal(buf[strlen(buf) - 1], '\n');
  free(buf);
  log_close_file();

  /* A file already over the limit at open is rotated at once. */
  assert_int_equal(log_open_file(path), 0);
  log_close_file();
  int fd = open(path, O_WRONLY | O_APPEND);
  char big[5000];
  memset(big, 'x', sizeof big);
  assert_int_equal(write(fd, big, sizeof big), (ssize_t)sizeof big);
  close(fd);
  assert_int_equal(log_open_file(path), 0);
  log_info("after");
  log_close_file();
  assert_int_equal(stat(path, &st), 0);
  assert_true(st.st_size < 100);
  log_set_max_bytes(LOG_DEFAULT_MAX_BYTES);
  drop_dir();
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_one_call_one_line),
    cmocka_unit_test(test_rotated_while_running),
};

KTEST_MAIN(tests)
