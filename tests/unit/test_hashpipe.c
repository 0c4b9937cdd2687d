/* Unit tests for core/hashpipe: members hashed and written by the workers
 * come out byte for byte, in order, with their hashes checked; the
 * earliest member that fails is the one reported; a write that fails is
 * reported as such; a pipe closed in the middle of a member gives it up
 * without leaking (the sanitizer build checks that). */
#include "ktest.h"
#include "ktmp.h"

#include "core/hashpipe.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_MEMBERS 7

/* Member i: (i + 1) * 100003 bytes of a pattern that depends on i, so a
 * chunk written to the wrong file or out of order shows. */
static size_t member_size(int i)
{
  return (size_t)(i + 1) * 100003u;
}

static unsigned char member_byte(int i, size_t k)
{
  return (unsigned char)(k * 31u + (size_t)i * 7u + k / 251u);
}

static void member_hash(int i, unsigned char *h)
{
  crypto_generichash_state hs;
  crypto_generichash_init(&hs, NULL, 0, MANIFEST_HASH_BYTES);
  for (size_t k = 0; k < member_size(i); k++) {
    unsigned char b = member_byte(i, k);
    crypto_generichash_update(&hs, &b, 1);
  }
  crypto_generichash_final(&hs, h, MANIFEST_HASH_BYTES);
}

/* Feeds member i in chunks of odd sizes (never a whole buffer), then ends it. */
static int feed(struct hashpipe *hp, int i)
{
  size_t done = 0, n = member_size(i);
  while (done < n) {
    unsigned char *buf = hashpipe_buf(hp);
    if (!buf)
      return -1;
    size_t len = n - done < 77777 ? n - done : 77777;
    for (size_t k = 0; k < len; k++)
      buf[k] = member_byte(i, done + k);
    hashpipe_push(hp, len);
    done += len;
  }
  hashpipe_end(hp);
  return 0;
}

static void test_members_written_and_checked(void **state)
{
  (void)state;
  char dir[256];
  ktmp_mkdtemp(dir, sizeof dir, "hashpipe");
  struct hashpipe *hp;
  struct kerr e;
  assert_int_equal(hashpipe_open(&hp, &e), 0);
  for (int i = 0; i < N_MEMBERS; i++) {
    char path[300];
    snprintf(path, sizeof path, "%s/m%d", dir, i);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    unsigned char h[MANIFEST_HASH_BYTES];
    member_hash(i, h);
    assert_int_equal(hashpipe_begin(hp, (size_t)i, h, fd), 0);
    assert_int_equal(feed(hp, i), 0);
  }
  struct hashpipe_failure f;
  assert_int_equal(hashpipe_finish(hp, &f), 0);
  assert_int_equal(f.fault, HASHPIPE_OK);
  hashpipe_close(hp);
  for (int i = 0; i < N_MEMBERS; i++) {
    char path[300];
    snprintf(path, sizeof path, "%s/m%d", dir, i);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t k = 0;
    int c;
    while ((c = fgetc(fp)) != EOF) {
      assert_int_equal((unsigned char)c, member_byte(i, k));
      k++;
    }
    fclose(fp);
    assert_int_equal(k, member_size(i));
    unlink(path);
  }
  rmdir(dir);
}

static void test_earliest_failure_reported(void **state)
{
  (void)state;
  struct hashpipe *hp;
  struct kerr e;
  assert_int_equal(hashpipe_open(&hp, &e), 0);
  int stopped = 0;
  for (int i = 0; i < N_MEMBERS && !stopped; i++) {
    unsigned char h[MANIFEST_HASH_BYTES];
    member_hash(i, h);
    if (i == 2 || i == 5)
      h[0] ^= 1; /* members 2 and 5 do not match */
    if (hashpipe_begin(hp, (size_t)(100 + i), h, -1) != 0 || feed(hp, i) != 0)
      stopped = 1; /* the pipe may notice member 2 early: stop reading */
  }
  struct hashpipe_failure f;
  assert_int_equal(hashpipe_finish(hp, &f), 1);
  assert_int_equal(f.fault, HASHPIPE_HASH);
  assert_int_equal(f.tag, 102);
  hashpipe_close(hp);
}

static void test_write_failure(void **state)
{
  (void)state;
  char dir[256], path[300];
  ktmp_mkdtemp(dir, sizeof dir, "hashpipe-ro");
  snprintf(path, sizeof path, "%s/ro", dir);
  ktmp_write_file(path, "", 0);
  int fd = open(path, O_RDONLY); /* writing to it fails with EBADF */
  assert_true(fd >= 0);
  struct hashpipe *hp;
  struct kerr e;
  assert_int_equal(hashpipe_open(&hp, &e), 0);
  unsigned char h[MANIFEST_HASH_BYTES];
  member_hash(0, h);
  assert_int_equal(hashpipe_begin(hp, 9, h, fd), 0);
  feed(hp, 0);
  struct hashpipe_failure f;
  assert_int_equal(hashpipe_finish(hp, &f), 1);
  assert_int_equal(f.fault, HASHPIPE_WRITE);
  assert_int_equal(f.tag, 9);
  assert_int_equal(f.err, EBADF);
  /* Once a member failed, no more are taken (and their file is closed). */
  int fd2 = open(path, O_RDONLY);
  assert_true(fd2 >= 0);
  assert_int_equal(hashpipe_begin(hp, 10, h, fd2), -1);
  assert_int_equal(fcntl(fd2, F_GETFD), -1);
  hashpipe_close(hp);
  ktmp_remove(dir);
}

static void test_close_in_the_middle(void **state)
{
  (void)state;
  struct hashpipe *hp;
  struct kerr e;
  assert_int_equal(hashpipe_open(&hp, &e), 0);
  unsigned char h[MANIFEST_HASH_BYTES];
  member_hash(3, h);
  int fd = open("/dev/null", O_WRONLY);
  assert_true(fd >= 0);
  assert_int_equal(hashpipe_begin(hp, 3, h, fd), 0);
  unsigned char *buf = hashpipe_buf(hp);
  assert_non_null(buf);
  memset(buf, 1, 1000);
  hashpipe_push(hp, 1000);
  assert_non_null(hashpipe_buf(hp)); /* taken, never pushed */
  hashpipe_close(hp);
  assert_int_equal(fcntl(fd, F_GETFD), -1); /* the pipe closed the member's file */
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_members_written_and_checked),
    cmocka_unit_test(test_earliest_failure_reported),
    cmocka_unit_test(test_write_failure),
    cmocka_unit_test(test_close_in_the_middle),
};
KTEST_MAIN(tests)
