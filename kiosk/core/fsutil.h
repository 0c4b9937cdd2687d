/* fsutil.h — small POSIX file helpers for the store and the pack reader.
 *
 * Everything that takes a relative path under a directory fd walks it one
 * component at a time with O_NOFOLLOW, so a symlink planted anywhere on the
 * way is refused rather than followed. All functions return 0 or a negative
 * KERR_* code (KERR_IO, KERR_NOENT, KERR_NOSPACE, KERR_PATH, KERR_NOMEM) and
 * fill e with a sentence naming the file; callers prefix where it lives.
 * Nothing here exits. */
#ifndef KIOSK_CORE_FSUTIL_H
#define KIOSK_CORE_FSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"

/* fsync an open fd (file or directory). what names it in the message. */
int fsutil_fsync_fd(int fd, const char *what, struct kerr *e);

/* fsync a file or directory by path, or relative to dirfd (AT_FDCWD is
 * fine). The last component is opened with O_NOFOLLOW. */
int fsutil_fsync_path(const char *path, struct kerr *e);
int fsutil_fsync_at(int dirfd, const char *name, struct kerr *e);

/* fsync every regular file and directory in the tree dirfd/name, deepest
 * first, the top directory last. Refuses (KERR_PATH) anything that is not a
 * regular file or directory, such as a symlink. */
int fsutil_fsync_tree_at(int dirfd, const char *name, struct kerr *e);

/* Writes len bytes to dirfd/name atomically: a temporary ".name.tmp"
 * beside it, fsync, rename over name, fsync dirfd. Readers see the old or
 * the new content, never a mixture. On error the temporary is removed. */
int fsutil_write_atomic_at(int dirfd, const char *name, const void *data, size_t len,
                           struct kerr *e);

/* Reads the whole regular file dirfd/relpath (O_NOFOLLOW at every step),
 * refusing files bigger than max bytes (KERR_TOOBIG). On success *out is a
 * new NUL-terminated buffer (free with free()) and *len its length. */
int fsutil_read_at(int dirfd, const char *relpath, size_t max, char **out, size_t *len,
                   struct kerr *e);

/* Removes dirfd/name and everything under it, never following symlinks
 * (a symlink is removed, not its target). A missing name is success. */
int fsutil_remove_tree_at(int dirfd, const char *name, struct kerr *e);

/* Opens the directory dirfd/relpath, walking each component with
 * O_DIRECTORY|O_NOFOLLOW; with create, missing components are made with
 * mode. *out is a new fd (close it). relpath "" or "." opens dirfd itself;
 * an absolute relpath or a ".." component is refused (KERR_PATH). */
int fsutil_open_dir_at(int dirfd, const char *relpath, int create, mode_t mode, int *out,
                       struct kerr *e);

/* Reads the whole file at a configured or given path (which may pass
 * through symlinks) into a new NUL-terminated buffer (free with free()):
 * opened once, checked to be a regular file with fstat, read to at most
 * max bytes even if it grows meanwhile. what says what the file should
 * be, for the message ("minisign public key", "pack description"). Fails
 * with KERR_NOENT, KERR_IO, KERR_TOOBIG or KERR_NOMEM; e may be NULL. */
int fsutil_read_file(const char *path, size_t max, const char *what, char **out, size_t *len,
                     struct kerr *e);

/* mkdir -p for a configured path (the store, the log folder, an output
 * folder), which may pass through symlinks such as /var -> /private/var:
 * the folder and its missing parents, mode for those it makes. Fails with
 * KERR_IO naming the folder that could not be made (KERR_PATH when the
 * name is too long). Not for names from outside: those go through
 * fsutil_mkdirs_at(). */
int fsutil_mkdir_p(const char *path, mode_t mode, struct kerr *e);

/* Writes all len bytes of data to fd, retrying short writes and EINTR.
 * Returns 0, or the errno of the failed write (ENOSPC for a write that
 * wrote nothing without one); *done, when not NULL, says how much went. */
int fsutil_write_all(int fd, const void *data, size_t len, size_t *done);

/* mkdir -p relpath under dirfd (never through a symlink). */
int fsutil_mkdirs_at(int dirfd, const char *relpath, mode_t mode, struct kerr *e);

/* Creates the new regular file dirfd/relpath with
 * O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, making intermediate
 * directories (mode 0755) as needed, each opened O_NOFOLLOW. An existing
 * file is an error (KERR_PATH). *fd is the new file's fd (close it). */
int fsutil_create_at(int dirfd, const char *relpath, mode_t mode, int *fd, struct kerr *e);

/* Bytes available to this user on the filesystem holding fd or path. */
int fsutil_free_bytes_fd(int fd, uint64_t *out, struct kerr *e);
int fsutil_free_bytes(const char *path, uint64_t *out, struct kerr *e);

/* Fault injection for the crash-consistency tests. Every durable step of
 * the store calls fsutil_fault_point("name"). When fsutil_fault_set(n) was
 * called with n > 0 (only tests do), the n-th point reached in this process
 * kills the process with SIGKILL, exactly like a power cut after the steps
 * before it. Otherwise a fault point only counts.
 *
 * In a build with the test hooks (CMake option KIOSK_TEST_HOOKS, which
 * tools/test turns on; off by default and in every release build) the
 * environment can do the same for a whole program: KIOSK_FAULT_AT=n acts
 * as fsutil_fault_set(n), and with KIOSK_FAULT_TRACE set every point
 * reached is logged at debug level. Without the hooks the program never
 * looks at these variables: no one who can set the environment of a
 * kiosk's service can make it die in the middle of an install. */
void fsutil_fault_point(const char *name);
/* Overrides KIOSK_FAULT_AT for this process (0 returns to the env, or to
 * "never" without the test hooks). */
void fsutil_fault_set(long n);
/* Points reached so far in this process, and the name of the i-th one
 * (0-based; the first 256 are remembered, NULL beyond). */
long fsutil_fault_count(void);
const char *fsutil_fault_name(long i);
void fsutil_fault_reset(void);

#endif
