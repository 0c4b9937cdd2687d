/* Unit tests for core/playlog: lines as written, fields made safe, rotation
 * at the size limit keeping one old file, torn and malformed lines skipped
 * by readers and healed by the next writer, and the copy for the stick. */
#include "ktest.h"
#include "ktmp.h"

#include "core/fsutil.h"
#include "core/playlog.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void append_raw(int dirfd, const char *name, const char *bytes, size_t len)
{
  int fd = openat(dirfd, name, O_WRONLY | O_APPEND | O_CREAT, 0644);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, bytes, len), (ssize_t)len);
  close(fd);
}

/* Collects what a read passes on. */
struct seen {
  size_t n;
  char lines[64][PLAYLOG_LINE_MAX];
  uint64_t versions[64];
  uint64_t last_ms;
  int64_t first_time;
};

static int collect(void *ctx, const struct playlog_entry *en)
{
  struct seen *s = ctx;
  if (s->n == 0)
    s->first_time = en->time;
  if (s->n < 64) {
    snprintf(s->lines[s->n], sizeof s->lines[s->n], "%.*s", (int)en->line_len, en->line);
    s->versions[s->n] = en->version;
  }
  s->last_ms = en->shown_ms;
  s->n++;
  return 0;
}

static int count_only(void *ctx, const struct playlog_entry *en)
{
  (void)en;
  (*(size_t *)ctx)++;
  return 0;
}

static void test_append_and_read(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "playlog");
  struct playlog *p;
  struct kerr e;
  assert_int_equal(playlog_open(t.path, 0, &p, &e), 0);
  /* 2020-07-10T08:30:00Z */
  assert_int_equal(
      playlog_append(p, 1594369800, "bulletin-2020-07", 12, "hotlines", "ky", 15000, &e), 0);
  assert_int_equal(playlog_append(p, 1594369815, "safe-migration", 3, "intro", "ru", 7450, &e), 0);
  playlog_close(p);

  size_t len;
  char *text = ktmp_slurp(t.fd, PLAYLOG_NAME, &len);
  assert_string_equal(text,
                      PLAYLOG_HEADER "\n"
                                     "2020-07-10T08:30:00Z,bulletin-2020-07,12,hotlines,ky,"
                                     "15.0\n"
                                     "2020-07-10T08:30:15Z,safe-migration,3,intro,ru,7.4\n");
  free(text);

  struct seen s = {0};
  struct playlog_stats st;
  assert_int_equal(playlog_read(t.path, collect, &s, &st, &e), 0);
  assert_int_equal(s.n, 2);
  assert_int_equal(st.lines, 2);
  assert_int_equal(st.skipped, 0);
  assert_int_equal(s.first_time, 1594369800);
  assert_int_equal(s.versions[0], 12);
  assert_int_equal(s.last_ms, 7400);

  /* Reopening appends; the header is not repeated. */
  assert_int_equal(playlog_open(t.path, 0, &p, &e), 0);
  assert_int_equal(playlog_append(p, 1594369822, "safe-migration", 3, "intro", "en", 1000, &e), 0);
  playlog_close(p);
  text = ktmp_slurp(t.fd, PLAYLOG_NAME, &len);
  assert_null(strstr(strstr(text, "\n"), PLAYLOG_HEADER));
  free(text);
  ktmp_drop(&t);
}

static void test_fields_made_safe(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "playlog");
  struct playlog *p;
  struct kerr e;
  assert_int_equal(playlog_open(t.path, 0, &p, &e), 0);
  assert_int_equal(playlog_append(p, 0, "a,b", 1, "line\nbreak", "", 0, &e), 0);
  char longer[400];
  memset(longer, 'x', sizeof longer - 1);
  longer[sizeof longer - 1] = '\0';
  longer[PLAYLOG_FIELD_MAX - 2] = (char)0xD0; /* a 2-byte UTF-8 sequence */
  longer[PLAYLOG_FIELD_MAX - 1] = (char)0x96; /* cut in the middle */
  assert_int_equal(playlog_append(p, 0, "p\"q", 2, longer, NULL, 5, &e), 0);
  playlog_close(p);
  struct seen s = {0};
  struct playlog_stats st;
  assert_int_equal(playlog_read(t.path, collect, &s, &st, &e), 0);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.lines[0], "1970-01-01T00:00:00Z,a_b,1,line_break,-,0.0");
  assert_non_null(strstr(s.lines[1], ",p_q,2,xxx"));
  assert_null(strchr(s.lines[1], (char)0xD0)); /* no half character */
  assert_int_equal(st.skipped, 0);
  ktmp_drop(&t);
}

static void test_rotate(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "playlog");
  struct playlog *p;
  struct kerr e;
  assert_int_equal(playlog_open(t.path, PLAYLOG_MIN_KIB, &p, &e), 0);
  /* Each line is 56 bytes; 4 KiB holds about 72. Write 400. */
  const int total = 400;
  for (int i = 0; i < total; i++)
    assert_int_equal(playlog_append(p, 1600000000 + i, "bulletin-2020-07", (uint64_t)i, "hotlines",
                                    "ky", 15000, &e),
                     0);
  playlog_close(p);
  struct stat a, b;
  assert_int_equal(fstatat(t.fd, PLAYLOG_NAME, &a, 0), 0);
  assert_int_equal(fstatat(t.fd, PLAYLOG_OLD_NAME, &b, 0), 0);
  assert_true(a.st_size <= PLAYLOG_MIN_KIB * 1024);
  assert_true(b.st_size <= PLAYLOG_MIN_KIB * 1024);
  assert_true(b.st_size > PLAYLOG_MIN_KIB * 1024 - 100); /* was full */
  /* Only these two files: one old file is kept. */
  size_t files = 0;
  int dfd = dup(t.fd);
  DIR *d = fdopendir(dfd);
  struct dirent *de;
  while ((de = readdir(d)) != NULL)
    files += de->d_name[0] != '.';
  closedir(d);
  assert_int_equal(files, 2);

  /* Reading gives the newest lines, oldest first and in order, ending
   * with the last one written; each file starts with the header. */
  size_t len;
  char *text = ktmp_slurp(t.fd, PLAYLOG_OLD_NAME, &len);
  assert_memory_equal(text, PLAYLOG_HEADER "\n", sizeof PLAYLOG_HEADER);
  free(text);
  struct seen s = {0};
  struct playlog_stats st;
  assert_int_equal(playlog_read(t.path, collect, &s, &st, &e), 0);
  assert_true(s.n > 100 && s.n < (size_t)total);
  assert_int_equal(st.skipped, 0);
  for (size_t i = 1; i < 64 && i < s.n; i++)
    assert_int_equal(s.versions[i], s.versions[i - 1] + 1);
  size_t n = 0;
  assert_int_equal(playlog_read(t.path, count_only, &n, NULL, &e), 0);
  assert_int_equal(n, s.n);
  assert_int_equal(s.versions[0] + s.n, (uint64_t)total);
  ktmp_drop(&t);
}

/* A power cut mid-line: the torn tail is skipped, and the next writer
 * starts a fresh line so its own line is not glued onto the torn one. */
static void test_torn_line(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "playlog");
  struct playlog *p;
  struct kerr e;
  assert_int_equal(playlog_open(t.path, 0, &p, &e), 0);
  assert_int_equal(playlog_append(p, 1594369800, "a", 1, "p", "en", 1000, &e), 0);
  playlog_close(p);
  static const char torn[] = "2020-07-10T08:30:01Z,a,1,p,e";
  append_raw(t.fd, PLAYLOG_NAME, torn, sizeof torn - 1);

  struct seen s = {0};
  struct playlog_stats st;
  assert_int_equal(playlog_read(t.path, collect, &s, &st, &e), 0);
  assert_int_equal(s.n, 1);
  assert_int_equal(st.skipped, 1);

  assert_int_equal(playlog_open(t.path, 0, &p, &e), 0);
  assert_int_equal(playlog_append(p, 1594369900, "b", 2, "q", "ky", 2000, &e), 0);
  playlog_close(p);
  memset(&s, 0, sizeof s);
  assert_int_equal(playlog_read(t.path, collect, &s, &st, &e), 0);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.lines[1], "2020-07-10T08:31:40Z,b,2,q,ky,2.0");
  assert_int_equal(st.skipped, 1); /* the torn one, now on its own line */
  ktmp_drop(&t);
}

static void test_malformed_lines_skipped(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "playlog");
  static const char text[] =
      PLAYLOG_HEADER "\n"
                     "2020-07-10T08:30:00Z,a,1,p,en,1.0\n"       /* good */
                     "2020-07-10T08:30:00Z,a,1,p,en\n"           /* 5 fields */
                     "2020-07-10T08:30:00Z,a,1,p,en,1.0,extra\n" /* 7 fields */
                     "2020-07-10 08:30:00,a,1,p,en,1.0\n"        /* bad time */
                     "2020-13-10T08:30:00Z,a,1,p,en,1.0\n"       /* month 13 */
                     "2020-07-10T08:30:00Z,a,v1,p,en,1.0\n"      /* bad version */
                     "2020-07-10T08:30:00Z,a,1,p,en,1.x\n"       /* bad seconds */
                     "2020-07-10T08:30:00Z,,1,p,en,1.0\n"        /* empty id */
                     "\n"                                        /* empty line */
                     "2020-07-10T08:30:02Z,b,2,p,ky,3\n";        /* good */
  append_raw(t.fd, PLAYLOG_NAME, text, sizeof text - 1);
  /* What some filesystems show after a power cut: zeros, then the next
   * writer's line. */
  static const char zeros[] = "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
                              "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\n";
  append_raw(t.fd, PLAYLOG_NAME, zeros, sizeof zeros - 1);
  static const char glued[] = "\0\0\0\0"
                              "2020-07-10T08:30:03Z,c,3,p,ky,3\n";
  append_raw(t.fd, PLAYLOG_NAME, glued, sizeof glued - 1);
  char big[PLAYLOG_LINE_MAX * 3];
  memset(big, 'y', sizeof big);
  big[sizeof big - 1] = '\n';
  append_raw(t.fd, PLAYLOG_NAME, big, sizeof big);

  struct seen s = {0};
  struct playlog_stats st;
  struct kerr e;
  assert_int_equal(playlog_read(t.path, collect, &s, &st, &e), 0);
  assert_int_equal(s.n, 2);
  assert_string_equal(s.lines[0], "2020-07-10T08:30:00Z,a,1,p,en,1.0");
  assert_string_equal(s.lines[1], "2020-07-10T08:30:02Z,b,2,p,ky,3");
  assert_int_equal(s.last_ms, 3000);
  assert_int_equal(st.skipped, 10);
  ktmp_drop(&t);
}

static void test_copy_fd(void **state)
{
  (void)state;
  struct ktmp t, out;
  ktmp_make(&t, "playlog");
  ktmp_make(&out, "playlog");
  struct playlog *p;
  struct kerr e;
  assert_int_equal(playlog_open(t.path, PLAYLOG_MIN_KIB, &p, &e), 0);
  for (int i = 0; i < 100; i++)
    assert_int_equal(playlog_append(p, 1600000000 + i, "x", 1, "p", "en", 1000, &e), 0);
  playlog_close(p);
  append_raw(t.fd, PLAYLOG_NAME, "2020-07", 7); /* torn */
  int fd = openat(out.fd, "copy.csv", O_WRONLY | O_CREAT | O_EXCL, 0644);
  assert_true(fd >= 0);
  struct playlog_stats st;
  assert_int_equal(playlog_copy_fd(t.path, fd, &st, &e), 0);
  close(fd);
  size_t len;
  char *text = ktmp_slurp(out.fd, "copy.csv", &len);
  /* One header, then every good line of both files. */
  assert_memory_equal(text, PLAYLOG_HEADER "\n", sizeof PLAYLOG_HEADER);
  assert_null(strstr(text + 1, PLAYLOG_HEADER));
  size_t lines = 0;
  for (size_t i = 0; i < len; i++)
    lines += text[i] == '\n';
  assert_int_equal(lines, st.lines + 1);
  assert_int_equal(st.lines, 100); /* 100 lines fit in two 4 KiB files */
  assert_int_equal(st.skipped, 1);
  assert_int_equal(text[len - 1], '\n');
  assert_null(strstr(text, "2020-07"));
  free(text);
  ktmp_drop(&t);
  ktmp_drop(&out);
}

static void test_read_missing(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "playlog");
  struct seen s = {0};
  struct playlog_stats st;
  struct kerr e;
  assert_int_equal(playlog_read(t.path, collect, &s, &st, &e), 0);
  assert_int_equal(s.n, 0);
  assert_int_equal(playlog_read("/nonexistent/logs", collect, &s, &st, &e), KERR_NOENT);
  struct playlog *p;
  assert_int_equal(playlog_open("/nonexistent/logs", 0, &p, &e), KERR_NOENT);
  assert_null(p);
  assert_non_null(strstr(e.msg, "/nonexistent/logs"));
  ktmp_drop(&t);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_append_and_read),
    cmocka_unit_test(test_fields_made_safe),
    cmocka_unit_test(test_rotate),
    cmocka_unit_test(test_torn_line),
    cmocka_unit_test(test_malformed_lines_skipped),
    cmocka_unit_test(test_copy_fd),
    cmocka_unit_test(test_read_missing),
};

KTEST_MAIN(tests)
