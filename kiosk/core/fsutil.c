/* fsutil.c — POSIX helpers that make the store's promises possible: fsync of
 * files and folders, atomic small-file replacement, creation of new files
 * that can never land outside the folder we created, removal of trees that
 * never follows a symlink, free-space queries, and the fault points that let
 * the crash tests kill the process between any two durable steps.
 *
 * Paths under a directory fd are walked one component at a time with
 * O_NOFOLLOW, so a symlink anywhere on the way is refused, never followed.
 * Nothing here exits, except a fault point when a test asked for it. */
#include "core/fsutil.h"
#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define MAX_TREE_DEPTH 128

static int code_for(int errnum)
{
  switch (errnum) {
  case ENOENT: return KERR_NOENT;
  case ENOSPC:
#ifdef EDQUOT
  case EDQUOT:
#endif
    return KERR_NOSPACE;
  case ENOMEM: return KERR_NOMEM;
  case ELOOP: return KERR_PATH;
  default: return KERR_IO;
  }
}

static int fail(struct kerr *e, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets e from errno: fmt says what we were doing, strerror what went wrong. */
static int fail(struct kerr *e, int errnum, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (errnum == ELOOP)
    return kerr_set(e, KERR_PATH,
                    "%s: it is a symbolic link, which is "
                    "never followed",
                    msg);
  return kerr_errno(e, code_for(errnum), errnum, "%s", msg);
}

int fsutil_fsync_fd(int fd, const char *what, struct kerr *e)
{
  if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
    return fail(e, errno, "could not flush \"%s\" to disk", what);
  return 0;
}

int fsutil_fsync_at(int dirfd, const char *name, struct kerr *e)
{
  int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail(e, errno, "could not open \"%s\" to flush it", name);
  int rc = fsutil_fsync_fd(fd, name, e);
  close(fd);
  return rc;
}

int fsutil_fsync_path(const char *path, struct kerr *e)
{
  return fsutil_fsync_at(AT_FDCWD, path, e);
}

static int fsync_tree(int dirfd, const char *name, int depth, struct kerr *e)
{
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return fail(e, errno, "could not look at \"%s\"", name);
  if (S_ISREG(st.st_mode))
    return fsutil_fsync_at(dirfd, name, e);
  if (!S_ISDIR(st.st_mode))
    return kerr_set(e, KERR_PATH,
                    "\"%s\" is not a regular file or folder "
                    "(a link or device?)",
                    name);
  if (depth > MAX_TREE_DEPTH)
    return kerr_set(e, KERR_PATH, "\"%s\" is nested too deeply", name);
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail(e, errno, "could not open folder \"%s\"", name);
  int dfd = dup(fd);
  DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
  if (!d) {
    int err = errno;
    if (dfd >= 0)
      close(dfd);
    close(fd);
    return fail(e, err, "could not list folder \"%s\"", name);
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    rc = fsync_tree(fd, de->d_name, depth + 1, e);
    if (rc)
      kerr_prefix(e, "%s", name);
  }
  if (rc == 0 && errno != 0)
    rc = fail(e, errno, "could not list folder \"%s\"", name);
  closedir(d);
  if (rc == 0)
    rc = fsutil_fsync_fd(fd, name, e);
  close(fd);
  return rc;
}

int fsutil_fsync_tree_at(int dirfd, const char *name, struct kerr *e)
{
  return fsync_tree(dirfd, name, 0, e);
}

int fsutil_write_all(int fd, const void *data, size_t len, size_t *done)
{
  const char *p = data;
  size_t off = 0;
  int err = 0;
  while (off < len) {
    ssize_t n = write(fd, p + off, len - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      err = n < 0 ? errno : ENOSPC;
      break;
    }
    off += (size_t)n;
  }
  if (done)
    *done = off;
  return err;
}

int fsutil_read_file(const char *path, size_t max, const char *what, char **out, size_t *out_len,
                     struct kerr *e)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno, "%s: cannot open the %s",
                      path, what);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return kerr_errno(e, KERR_IO, err, "%s: cannot read the %s", path, what);
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return kerr_set(e, KERR_IO, "%s: is not a regular file — expected a %s", path, what);
  }
  if (st.st_size < 0 || (uintmax_t)st.st_size > max) {
    close(fd);
    return kerr_set(e, KERR_TOOBIG,
                    "%s: is %jd bytes, more than the %zu a %s can have — is this the right file?",
                    path, (intmax_t)st.st_size, max, what);
  }
  /* Read at most max + 1 bytes whatever fstat said, so a file that grows
   * under us is still caught. */
  char *buf = malloc(max + 2);
  if (!buf) {
    close(fd);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory reading the %s", path, what);
  }
  size_t len = 0;
  for (;;) {
    ssize_t r = read(fd, buf + len, max + 1 - len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int err = errno;
      free(buf);
      close(fd);
      return kerr_errno(e, KERR_IO, err, "%s: cannot read the %s", path, what);
    }
    if (r == 0)
      break;
    len += (size_t)r;
    if (len > max) {
      free(buf);
      close(fd);
      return kerr_set(e, KERR_TOOBIG,
                      "%s: is more than the %zu bytes a %s can have — is this the right file?",
                      path, max, what);
    }
  }
  close(fd);
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  return 0;
}

int fsutil_mkdir_p(const char *path, mode_t mode, struct kerr *e)
{
  char buf[PATH_MAX];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
    return kerr_set(e, KERR_PATH, "folder name \"%.64s...\" is too long", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, mode) != 0 && errno != EEXIST)
      return kerr_errno(e, KERR_IO, errno, "could not create the folder %s", buf);
    *p = '/';
  }
  if (mkdir(buf, mode) != 0 && errno != EEXIST)
    return kerr_errno(e, KERR_IO, errno, "could not create the folder %s", buf);
  return 0;
}

int fsutil_write_atomic_at(int dirfd, const char *name, const void *data, size_t len,
                           struct kerr *e)
{
  char tmp[NAME_MAX + 1];
  if (snprintf(tmp, sizeof tmp, ".%s.tmp", name) >= (int)sizeof tmp || strchr(name, '/'))
    return kerr_set(e, KERR_PATH,
                    "cannot write \"%s\": the name must be a "
                    "short file name without \"/\"",
                    name);
  if (unlinkat(dirfd, tmp, 0) != 0 && errno != ENOENT)
    return fail(e, errno, "could not remove the leftover \"%s\"", tmp);
  int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail(e, errno, "could not create \"%s\"", tmp);
  int rc = 0;
  if ((errno = fsutil_write_all(fd, data, len, NULL)) != 0)
    rc = fail(e, errno, "could not write \"%s\"", tmp);
  if (rc == 0)
    rc = fsutil_fsync_fd(fd, tmp, e);
  if (close(fd) != 0 && rc == 0)
    rc = fail(e, errno, "could not write \"%s\"", tmp);
  if (rc == 0) {
    fsutil_fault_point("atomic-write-before-rename");
    if (renameat(dirfd, tmp, dirfd, name) != 0)
      rc = fail(e, errno, "could not put the new \"%s\" in place", name);
  }
  if (rc != 0) {
    unlinkat(dirfd, tmp, 0);
    return rc;
  }
  fsutil_fault_point("atomic-write-before-dir-sync");
  return fsutil_fsync_fd(dirfd, name, e);
}

/* Splits relpath into its folder part (copied into dir, "" if none) and
 * returns a pointer to the last component. */
static const char *split_path(const char *relpath, char *dir, size_t cap)
{
  const char *slash = strrchr(relpath, '/');
  if (!slash) {
    dir[0] = '\0';
    return relpath;
  }
  size_t n = (size_t)(slash - relpath);
  if (n >= cap)
    n = cap - 1;
  memcpy(dir, relpath, n);
  dir[n] = '\0';
  return slash + 1;
}

static int refuse_absolute(const char *relpath, struct kerr *e)
{
  return kerr_set(e, KERR_PATH,
                  "\"%s\" is absolute; a path relative to "
                  "its folder was expected",
                  relpath);
}

int fsutil_open_dir_at(int dirfd, const char *relpath, int create, mode_t mode, int *out,
                       struct kerr *e)
{
  *out = -1;
  if (relpath[0] == '/')
    return refuse_absolute(relpath, e);
  int cur = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cur < 0)
    return fail(e, errno, "could not open the folder holding \"%s\"", relpath);
  const char *p = relpath;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    char comp[NAME_MAX + 1];
    if (len > NAME_MAX) {
      close(cur);
      return kerr_set(e, KERR_PATH,
                      "\"%s\" has a folder name longer than "
                      "%d bytes",
                      relpath, NAME_MAX);
    }
    memcpy(comp, p, len);
    comp[len] = '\0';
    p += len + (slash ? 1 : 0);
    if (len == 0 || strcmp(comp, ".") == 0)
      continue;
    if (strcmp(comp, "..") == 0) {
      close(cur);
      return kerr_set(e, KERR_PATH, "\"%s\" contains \"..\"", relpath);
    }
    if (create && mkdirat(cur, comp, mode) != 0 && errno != EEXIST) {
      int err = errno;
      close(cur);
      return fail(e, err, "could not create folder \"%s\"", relpath);
    }
    int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = errno;
    close(cur);
    if (next < 0) {
      if (err == ELOOP || err == ENOTDIR)
        return kerr_set(e, KERR_PATH,
                        "\"%s\": \"%s\" is a link or a file, "
                        "not a folder",
                        relpath, comp);
      return fail(e, err, "could not open folder \"%s\"", relpath);
    }
    cur = next;
  }
  *out = cur;
  return 0;
}

int fsutil_mkdirs_at(int dirfd, const char *relpath, mode_t mode, struct kerr *e)
{
  int fd;
  int rc = fsutil_open_dir_at(dirfd, relpath, 1, mode, &fd, e);
  if (rc == 0)
    close(fd);
  return rc;
}

int fsutil_create_at(int dirfd, const char *relpath, mode_t mode, int *fd, struct kerr *e)
{
  *fd = -1;
  char dir[PATH_MAX];
  const char *base = split_path(relpath, dir, sizeof dir);
  if (relpath[0] == '/' || *base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    return kerr_set(e, KERR_PATH, "\"%s\" does not name a file", relpath);
  int dfd;
  int rc = fsutil_open_dir_at(dirfd, dir, 1, 0755, &dfd, e);
  if (rc)
    return rc;
  int f = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  int err = errno;
  close(dfd);
  if (f < 0) {
    if (err == EEXIST)
      return kerr_set(e, KERR_PATH, "\"%s\" already exists (listed twice?)", relpath);
    return fail(e, err, "could not create \"%s\"", relpath);
  }
  *fd = f;
  return 0;
}

int fsutil_read_at(int dirfd, const char *relpath, size_t max, char **out, size_t *len,
                   struct kerr *e)
{
  *out = NULL;
  *len = 0;
  if (relpath[0] == '/')
    return refuse_absolute(relpath, e);
  char dir[PATH_MAX];
  const char *base = split_path(relpath, dir, sizeof dir);
  int dfd;
  int rc = fsutil_open_dir_at(dirfd, dir, 0, 0, &dfd, e);
  if (rc)
    return rc;
  int fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  int err = errno;
  close(dfd);
  if (fd < 0)
    return fail(e, err, "could not open \"%s\"", relpath);
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return kerr_set(e, KERR_IO, "\"%s\" is not a regular file", relpath);
  }
  if ((uint64_t)st.st_size > max) {
    close(fd);
    return kerr_set(e, KERR_TOOBIG,
                    "\"%s\" is %lld bytes; at most %zu are "
                    "allowed",
                    relpath, (long long)st.st_size, max);
  }
  size_t cap = (size_t)st.st_size + 1, n = 0;
  char *buf = malloc(cap);
  if (!buf) {
    close(fd);
    return kerr_set(e, KERR_NOMEM, "out of memory reading \"%s\"", relpath);
  }
  for (;;) {
    if (n + 1 >= cap) {
      if (cap > max + 1) {
        free(buf);
        close(fd);
        return kerr_set(e, KERR_TOOBIG, "\"%s\" is bigger than %zu bytes", relpath, max);
      }
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        close(fd);
        return kerr_set(e, KERR_NOMEM, "out of memory reading \"%s\"", relpath);
      }
      buf = nb;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + n, cap - 1 - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      err = errno;
      free(buf);
      close(fd);
      return fail(e, err, "could not read \"%s\"", relpath);
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  close(fd);
  if (n > max) {
    free(buf);
    return kerr_set(e, KERR_TOOBIG, "\"%s\" is bigger than %zu bytes", relpath, max);
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

static int remove_tree(int at, const char *name, int depth, struct kerr *e)
{
  struct stat st;
  if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT)
      return 0;
    return fail(e, errno, "could not look at \"%s\"", name);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlinkat(at, name, 0) != 0 && errno != ENOENT)
      return fail(e, errno, "could not remove \"%s\"", name);
    return 0;
  }
  if (depth > MAX_TREE_DEPTH)
    return kerr_set(e, KERR_PATH, "\"%s\" is nested too deeply to remove", name);
  int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    /* Replaced by a link or a file since we looked: remove that instead. */
    if (errno == ELOOP || errno == ENOTDIR) {
      if (unlinkat(at, name, 0) != 0 && errno != ENOENT)
        return fail(e, errno, "could not remove \"%s\"", name);
      return 0;
    }
    if (errno == ENOENT)
      return 0;
    return fail(e, errno, "could not open folder \"%s\"", name);
  }
  DIR *d = fdopendir(fd);
  if (!d) {
    int err = errno;
    close(fd);
    return fail(e, err, "could not list folder \"%s\"", name);
  }
  int rc = 0;
  struct dirent *de;
  /* Removing entries while reading a directory stream may skip some, so
   * read it again until a pass removes nothing. */
  for (int removed = 1; rc == 0 && removed;) {
    removed = 0;
    rewinddir(d);
    while (rc == 0 && (de = readdir(d)) != NULL) {
      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
        continue;
      rc = remove_tree(dirfd(d), de->d_name, depth + 1, e);
      if (rc)
        kerr_prefix(e, "%s", name);
      removed = 1;
    }
  }
  closedir(d);
  if (rc)
    return rc;
  if (unlinkat(at, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
    return fail(e, errno, "could not remove folder \"%s\"", name);
  return 0;
}

int fsutil_remove_tree_at(int dirfd, const char *name, struct kerr *e)
{
  return remove_tree(dirfd, name, 0, e);
}

int fsutil_free_bytes_fd(int fd, uint64_t *out, struct kerr *e)
{
  struct statvfs sv;
  if (fstatvfs(fd, &sv) != 0)
    return fail(e, errno,
                "could not ask the filesystem how much space is "
                "free");
  *out = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
  return 0;
}

int fsutil_free_bytes(const char *path, uint64_t *out, struct kerr *e)
{
  struct statvfs sv;
  if (statvfs(path, &sv) != 0)
    return fail(e, errno, "could not ask how much space is free at \"%s\"", path);
  *out = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
  return 0;
}

/* ------------------------------------------------------ fault injection */

#define FAULT_NAMES 256
static long fault_override;
static long fault_reached;
static const char *fault_names[FAULT_NAMES];

void fsutil_fault_point(const char *name)
{
  long idx = ++fault_reached;
  if (idx <= FAULT_NAMES)
    fault_names[idx - 1] = name;
  long at = fault_override;
#if KIOSK_TEST_HOOKS
  if (getenv("KIOSK_FAULT_TRACE"))
    log_debug("fault point %ld: %s", idx, name);
  if (at <= 0) {
    const char *s = getenv("KIOSK_FAULT_AT");
    if (s && *s)
      at = strtol(s, NULL, 10);
  }
#endif
  if (at > 0 && idx == at) {
    /* A test asked for a power cut here: die without any cleanup. */
    fprintf(stderr, "fault injection: killed at point %ld (%s)\n", idx, name);
    kill(getpid(), SIGKILL);
  }
}

void fsutil_fault_set(long n)
{
  fault_override = n;
}
long fsutil_fault_count(void)
{
  return fault_reached;
}

const char *fsutil_fault_name(long i)
{
  return (i >= 0 && i < fault_reached && i < FAULT_NAMES) ? fault_names[i] : NULL;
}

void fsutil_fault_reset(void)
{
  fault_reached = 0;
  memset(fault_names, 0, sizeof fault_names);
}
