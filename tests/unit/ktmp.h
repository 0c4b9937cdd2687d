/* ktmp.h — temporary folders for unit tests.
 *
 * ktmp_make() makes a fresh folder under $TMPDIR (or /tmp) named after the
 * test, and opens it; ktmp_drop() removes it with everything in it (never
 * following a symlink out of it). Every unit test that needs a folder uses
 * these, so none writes outside its own folder or leaves one behind. */
#ifndef KIOSK_TESTS_KTMP_H
#define KIOSK_TESTS_KTMP_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/fsutil.h"
#include "ktest.h"

struct ktmp {
  char path[512];
  int fd; /* open on path */
};

/* The folder temporary files go in: $TMPDIR, or /tmp. */
static inline const char *ktmp_base(void)
{
  const char *base = getenv("TMPDIR");
  return base && *base ? base : "/tmp";
}

/* Makes a fresh folder named after the test under base, and opens it. */
static inline void ktmp_make_in(struct ktmp *t, const char *base, const char *name)
{
  int n = snprintf(t->path, sizeof t->path, "%s/kiosk-%s-XXXXXX", base, name);
  assert_true(n > 0 && (size_t)n < sizeof t->path);
  assert_non_null(mkdtemp(t->path));
  t->fd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(t->fd >= 0);
}

static inline void ktmp_make(struct ktmp *t, const char *name)
{
  ktmp_make_in(t, ktmp_base(), name);
}

/* path/rel into buf (cap bytes); the test fails if it does not fit. */
static inline const char *ktmp_path(const struct ktmp *t, const char *rel, char *buf, size_t cap)
{
  int n = snprintf(buf, cap, "%s/%s", t->path, rel);
  assert_true(n > 0 && (size_t)n < cap);
  return buf;
}

/* Makes a fresh folder under $TMPDIR (or /tmp) into buf (cap bytes),
 * for fixtures that keep only its name. */
static inline void ktmp_mkdtemp(char *buf, size_t cap, const char *name)
{
  int n = snprintf(buf, cap, "%s/kiosk-%s-XXXXXX", ktmp_base(), name);
  assert_true(n > 0 && (size_t)n < cap);
  assert_non_null(mkdtemp(buf));
}

/* Removes the folder path with everything in it. */
static inline void ktmp_remove(const char *path)
{
  struct kerr e;
  assert_int_equal(fsutil_remove_tree_at(AT_FDCWD, path, &e), 0);
}

/* Writes len bytes of data as the file path (replacing it). */
static inline void ktmp_write_file(const char *path, const void *data, size_t len)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Writes the string text as the file path (replacing it). */
static inline void ktmp_write_text(const char *path, const char *text)
{
  ktmp_write_file(path, text, strlen(text));
}

/* Writes text as the file name in the folder dirfd (replacing it). */
static inline void ktmp_put(int dirfd, const char *name, const char *text)
{
  int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  assert_int_equal(close(fd), 0);
}

/* The whole file path as a new NUL-terminated buffer (free()), or NULL
 * when it is missing; *len its size (len may be NULL). */
static inline char *ktmp_read_file(const char *path, size_t *len)
{
  size_t n = 0;
  char *buf = NULL;
  FILE *f = fopen(path, "rb");
  if (f) {
    fseek(f, 0, SEEK_END);
    n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, n, f), n);
    fclose(f);
    buf[n] = '\0';
  }
  if (len)
    *len = n;
  return buf;
}

/* The whole file name in the folder dirfd as a new NUL-terminated buffer
 * (free()); the test fails if it cannot be read. *len its size (len may be
 * NULL). Not inlined: GCC 12 then takes the buffer for a local one
 * (-Wdangling-pointer). */
static __attribute__((unused, noinline)) char *ktmp_slurp(int dirfd, const char *name, size_t *len)
{
  char *buf = NULL;
  size_t n = 0;
  struct kerr e;
  int rc = fsutil_read_at(dirfd, name, 64u << 20, &buf, &n, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
  if (len)
    *len = n;
  return buf;
}

/* n deterministic filler bytes, different per seed (xorshift32). */
static inline void ktmp_fill(unsigned char *p, size_t n, unsigned seed)
{
  uint32_t x = 2463534242u ^ seed;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = (unsigned char)x;
  }
}

static inline void ktmp_drop(struct ktmp *t)
{
  if (t->fd >= 0)
    close(t->fd);
  t->fd = -1;
  struct kerr e;
  assert_int_equal(fsutil_remove_tree_at(AT_FDCWD, t->path, &e), 0);
}

#endif
