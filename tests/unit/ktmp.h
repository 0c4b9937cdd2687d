/* ktmp.h — temporary folders for unit tests.
 *
 * ktmp_make() makes a fresh folder under $TMPDIR (or /tmp) named after the
 * test, and opens it; ktmp_drop() removes it with everything in it (never
 * following a symlink out of it). Every unit test that needs a folder uses
 * these, so none writes outside its own folder or leaves one behind. */
#ifndef KIOSK_TESTS_KTMP_H
#define KIOSK_TESTS_KTMP_H

#include <fcntl.h>
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

static inline void ktmp_make(struct ktmp *t, const char *name)
{
  const char *base = getenv("TMPDIR");
  if (!base || !*base)
    base = "/tmp";
  snprintf(t->path, sizeof t->path, "%s/kiosk-%s-XXXXXX", base, name);
  assert_non_null(mkdtemp(t->path));
  t->fd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(t->fd >= 0);
}

/* path/rel into buf (cap bytes); the test fails if it does not fit. */
static inline const char *ktmp_path(const struct ktmp *t, const char *rel, char *buf, size_t cap)
{
  int n = snprintf(buf, cap, "%s/%s", t->path, rel);
  assert_true(n > 0 && (size_t)n < cap);
  return buf;
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
