/* inbox.h — noticing USB sticks, and finding what is on them.
 *
 * Two halves. The WATCHER tells the install thread when a stick comes or
 * goes and when the kiosk's inbox folder changed; the SCANNER lists the
 * candidate files on one stick. Neither opens a pack: what a file really is
 * is decided later by the pack reader (pack.h), which verifies it.
 *
 * Where sticks are looked for:
 *
 *   - mount roots (config usb_roots; default /media, /run/media, /mnt):
 *     every mount point that is a root itself or lies below one, at any
 *     depth (/media/usb0, /run/media/anna/STICK, /mnt), is a stick. Changes
 *     are noticed through /proc/self/mountinfo, which the kernel marks with
 *     POLLPRI when the mount table changes (proc(5)). autofs placeholders
 *     are not sticks: the real filesystem is mounted over them.
 *   - folder roots (`--usb-root DIR`, for tests and for previews on a
 *     laptop): every immediate subfolder of DIR is a stick, DIR itself is
 *     not. That is the shape of /media/<label>, and it lets a test insert and
 *     remove several sticks without a mount. Subfolders whose names start
 *     with "." are ignored, so build a stick as DIR/.tmp-x and rename it to
 *     DIR/x: it appears whole. Symlinked subfolders are ignored.
 *   - the inbox folder (packs delivered by other means, e.g. scp): reported
 *     as "changed" when a file in it was written, moved in or out, or
 *     deleted. It is not a stick; scan it with inbox_scan() like one.
 *
 * Optional parts degrade with one warning each: without /proc/self/mountinfo
 * mount roots are not watched; without inotify, folder roots and the inbox
 * are compared against the last look every time inbox_watch_events() runs,
 * and inbox_watch_rescan_ms() tells the caller to call it periodically.
 *
 * Not thread-safe: one thread (the install thread) owns a watcher. */
#ifndef KIOSK_CORE_INBOX_H
#define KIOSK_CORE_INBOX_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/manifest.h"

#define INBOX_PATH_MAX 4096
#define INBOX_NAME_MAX 256
#define INBOX_MAX_ROOTS 16             /* mount roots plus folder roots */
#define INBOX_MAX_STICKS 64            /* subfolders of one folder root */
#define INBOX_MOUNTINFO_MAX (4u << 20) /* bytes of mountinfo read */
#define INBOX_RESCAN_MS 2000           /* period when something is unwatched */
#define INBOX_MAX_CANDIDATES 200       /* candidate files listed per folder */
#define INBOX_MAX_DIR_ENTRIES 500000   /* names read per folder on a stick */
#define INBOX_SHOWN_MAX 512            /* a name escaped for logs and screen */
#define INBOX_KIOSK_FOLDER "kiosk"     /* the one subfolder that is scanned */

struct inbox_watch;

enum inbox_event_kind {
  INBOX_STICK_ADDED = 1, /* path: the stick's root folder */
  INBOX_STICK_REMOVED,   /* path: the stick's root folder (gone) */
  INBOX_CHANGED,         /* path: the inbox folder; scan it again */
};

struct inbox_event {
  enum inbox_event_kind kind;
  char path[INBOX_PATH_MAX];
};

/* Starts watching. roots (n_roots of them, may be 0) are mount roots;
 * inbox_dir (may be NULL) is the inbox folder, which need not exist yet
 * (it is then watched once it appears, by rescanning). Nothing is reported
 * yet: the first inbox_watch_events() reports every stick already present
 * as added and the inbox (if any) as changed, so a stick inserted while the
 * kiosk was off is handled too. Missing mountinfo or inotify only warn.
 * KERR_INVAL for more than INBOX_MAX_ROOTS roots or a relative path. On
 * success *out is a new watcher; close with inbox_watch_close(). */
int inbox_watch_open(const char *const *roots, size_t n_roots, const char *inbox_dir,
                     struct inbox_watch **out, struct kerr *e);

/* Adds a folder root: each immediate subfolder of dir is a stick (see
 * above). dir must exist. Call before the first inbox_watch_events(). */
int inbox_watch_add_folder(struct inbox_watch *w, const char *dir, struct kerr *e);

/* An fd to poll() for POLLIN from the install thread; when it is readable,
 * call inbox_watch_events(). -1 if nothing could be watched (then rely on
 * inbox_watch_rescan_ms()). Owned by the watcher. */
int inbox_watch_fd(const struct inbox_watch *w);

/* How often to call inbox_watch_events() even while the fd stays quiet:
 * -1 when the fd is enough, else INBOX_RESCAN_MS because some part could
 * not be watched (no inotify, no mountinfo, or the inbox folder does not
 * exist yet). */
int inbox_watch_rescan_ms(const struct inbox_watch *w);

/* Reads what changed since the last call (never blocks): sticks removed
 * first, then sticks added (in path order), then at most one INBOX_CHANGED.
 * *events is a new array of *n events (NULL when 0); free with free().
 * Returns 0, or KERR_NOMEM. A failure to read mountinfo or a folder root is
 * logged and treated as "no change". */
int inbox_watch_events(struct inbox_watch *w, struct inbox_event **events, size_t *n,
                       struct kerr *e);

/* Accepts NULL and half-built watchers. */
void inbox_watch_close(struct inbox_watch *w);

/* --- mount table, exposed for tests ------------------------------------ */

/* One stick: its path and an identity: the mount id for a mount (which
 * the watcher replaces by the kernel's never-reused 64-bit id on Linux 6.8
 * and later), the inode for a folder stick. The same path with a new
 * identity is another stick, pulled out and replaced while the caller was
 * busy. */
struct inbox_mount {
  char *path;
  uint64_t id;
};

/* A list of distinct mount points, sorted by path. */
struct inbox_mounts {
  struct inbox_mount *v;
  size_t n;
};

/* Parses len bytes of /proc/self/mountinfo text and fills out with the
 * mount points (octal escapes such as \040 decoded) that lie below one of
 * the roots or equal one, skipping autofs entries and malformed lines. A
 * mount exactly at a root counts only when it is a whole filesystem that
 * is not a memory one (mountinfo root "/", not tmpfs, ramfs or overlay):
 * a service sandbox's bind of /media over itself, or a tmpfs holding the
 * mount points, is not a stick. A point mounted over twice is listed once,
 * with the later (top) mount's id.
 * A root "/" is refused by the watcher but works here. Returns 0 or
 * KERR_NOMEM; free out with inbox_mounts_free(). */
int inbox_mountinfo_parse(const char *text, size_t len, const char *const *roots, size_t n_roots,
                          struct inbox_mounts *out, struct kerr *e);

/* The events that turn before into after: INBOX_STICK_REMOVED for each
 * path only in before, then INBOX_STICK_ADDED for each only in after, each
 * in path order; a path in both with a different id is both removed and
 * added. *events is a new array (NULL when *n is 0). 0 or
 * KERR_NOMEM. */
int inbox_mounts_diff(const struct inbox_mounts *before, const struct inbox_mounts *after,
                      struct inbox_event **events, size_t *n, struct kerr *e);

/* Accepts NULL and an empty list; leaves it empty. */
void inbox_mounts_free(struct inbox_mounts *m);

/* --- scanning a stick --------------------------------------------------- */

enum inbox_kind {
  INBOX_KEYRING = 1, /* "*.kkeys": a keyring update; listed first */
  INBOX_PACK,        /* "*.kpack" */
};

enum inbox_copy {
  INBOX_COPY_NEWEST = 0, /* install this one */
  INBOX_COPY_OLDER,      /* a newer version of the same id is listed first */
  INBOX_COPY_DUPLICATE,  /* the same id and version is listed first */
};

/* One candidate file. The id and version come from the file NAME
 * ("<id>-<version>.kpack", split at the last "-") and are only a hint for
 * ordering: the verified manifest decides, so every copy is tried (an
 * "older" copy after the newest is refused quickly, from its signed head,
 * and a damaged or forged "newest" cannot hide a good older one). A name that does not parse has
 * id_hint "" and version_hint 0 and is always INBOX_COPY_NEWEST. */
struct inbox_candidate {
  enum inbox_kind kind;
  enum inbox_copy copy;
  char path[INBOX_PATH_MAX]; /* root + "/" + rel, to open */
  char rel[INBOX_NAME_MAX + sizeof INBOX_KIOSK_FOLDER + 1];
  /* "bulletin-12.kpack", "kiosk/x-3.kpack" */
  char id_hint[MANIFEST_ID_MAX + 1];
  uint64_t version_hint;
  uint64_t newest_hint; /* for OLDER/DUPLICATE: the version that wins */
  uint64_t size;        /* bytes, when scanned */
};

/* What a stick holds, in install order: keyring updates first (by name,
 * since a new key may be needed to verify the packs), then packs grouped by
 * id hint (ids in name order, packs without a hint last) with the newest
 * version of each id first. */
struct inbox_scan {
  struct inbox_candidate *items;
  size_t n;
  size_t n_links;   /* candidate names that are symlinks: skipped */
  size_t n_special; /* candidate names that are not regular files */
  int truncated;    /* more than INBOX_MAX_CANDIDATES (or entries): the
                         rest was not looked at */
};

/* Lists the candidates in root: "*.kpack" and "*.kkeys" (case-insensitive
 * suffix; names starting with "." such as macOS "._x.kpack" are ignored)
 * at the top level and in a top-level folder named "kiosk" (any case),
 * never deeper. Each of these folders gives at most INBOX_MAX_CANDIDATES
 * candidates and has at most INBOX_MAX_DIR_ENTRIES names read; only names
 * with those suffixes are looked at more closely, so a stick with 100,000
 * other files is still scanned in well under a second, and junk at the top
 * cannot hide the kiosk folder. Symlinks are never followed (the kiosk folder itself must
 * not be one) and files that are not regular are skipped and counted.
 * Opening root follows symlinks (the caller chose it). Returns 0 (an empty
 * stick is fine), KERR_NOENT/KERR_IO if root cannot be read, or KERR_NOMEM.
 * Free out with inbox_scan_free(). */
int inbox_scan(const char *root, struct inbox_scan *out, struct kerr *e);

/* Accepts NULL and an empty scan; leaves it empty. */
void inbox_scan_free(struct inbox_scan *s);

/* Opens candidate c of the stick at root for reading, once, so that
 * nothing is looked up by name after this: the kiosk folder and the file
 * are opened with O_NOFOLLOW, the file with O_NONBLOCK (a FIFO or device
 * swapped in since the scan can neither block nor be read), and fstat() of
 * the open descriptor must say it is a regular file. Read the pack from
 * *fd only (pack_install_fd()); close it after. *size (may be NULL) is its
 * size. Returns 0, or KERR_NOENT (gone), KERR_TYPE (a symlink, FIFO,
 * device, folder) or KERR_IO, with a message that names c->rel escaped
 * and says it was skipped. */
int inbox_open_candidate(const char *root, const struct inbox_candidate *c, int *fd, uint64_t *size,
                         struct kerr *e);

/* Splits a file name "<id>-<version>.<ext>" (ext any suffix after the last
 * ".") into its id (must pass manifest_id_ok) and version (digits, no
 * leading zero, at most MANIFEST_MAX_VERSION). Returns 1 and fills id (of
 * MANIFEST_ID_MAX + 1 bytes) and *version, or 0 if it does not parse. */
int inbox_name_hint(const char *name, char *id, uint64_t *version);

#endif
