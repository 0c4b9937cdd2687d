/* inbox.c — noticing USB sticks and listing what is on them.
 *
 * The watcher promises to tell the install thread, within one poll() wake-up,
 * that a stick was mounted or unmounted under a configured root, that a
 * test's folder stick appeared or vanished, or that the inbox folder
 * changed; and to keep working, with one warning, when the kernel lacks one
 * of the ways to notice (then the caller rescans periodically).
 *
 * It never trusts the poll() wake-up itself: every inbox_watch_events()
 * re-reads the whole mount table, re-lists every folder root and takes a
 * fingerprint of the inbox, and reports only the difference from the last
 * call. That makes it immune to a lost or doubled wake-up. (A lost one is a
 * real risk: the kernel clears mountinfo's POLLPRI mark in whichever poll
 * sees it first, which may be epoll's own readiness check.)
 *
 * The scanner promises to look only where a technician puts packs (the top
 * of the stick and its kiosk/ folder), never to follow a symlink or open
 * anything but a regular file, and to stop at a fixed number of candidates,
 * so a strange or hostile stick cannot hold up the install thread. */
#define _GNU_SOURCE /* statx(): Linux-only module (inotify, epoll) anyway */
#include "core/inbox.h"
#include "core/decimal.h"
#include "core/grow.h"
#include "core/esc.h"
#include "core/log.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define MOUNTINFO_PATH "/proc/self/mountinfo"
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U /* Linux 6.8 */
#endif
#define INBOX_FP_MAX_ENTRIES 4096

/* --- growing lists ------------------------------------------------------ */

struct evvec {
  struct inbox_event *v;
  size_t n, cap;
};

static int ev_push(struct evvec *ev, enum inbox_event_kind kind, const char *path, struct kerr *e)
{
  struct inbox_event *v = grow_array(ev->v, ev->n + 1, &ev->cap, sizeof *v, 4);
  if (!v)
    return kerr_set(e, KERR_NOMEM, "out of memory listing USB events");
  ev->v = v;
  struct inbox_event *x = &ev->v[ev->n++];
  memset(x, 0, sizeof *x);
  x->kind = kind;
  snprintf(x->path, sizeof x->path, "%s", path);
  return 0;
}

static int cmp_mount(const void *a, const void *b)
{
  return strcmp(((const struct inbox_mount *)a)->path, ((const struct inbox_mount *)b)->path);
}

/* Adds path with identity id to m; a path already there (a mount stacked
 * on the same point) takes the new id, since the later mount is on top.
 * Unsorted until mounts_finish(). */
static int mounts_add(struct inbox_mounts *m, size_t *cap, const char *path, uint64_t id)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp(m->v[i].path, path) == 0) {
      m->v[i].id = id;
      return 0;
    }
  struct inbox_mount *v = grow_array(m->v, m->n + 1, cap, sizeof *v, 8);
  if (!v)
    return KERR_NOMEM;
  m->v = v;
  char *copy = strdup(path);
  if (!copy)
    return KERR_NOMEM;
  m->v[m->n].path = copy;
  m->v[m->n].id = id;
  m->n++;
  return 0;
}

static void mounts_finish(struct inbox_mounts *m)
{
  if (m->n > 1)
    qsort(m->v, m->n, sizeof *m->v, cmp_mount);
}

void inbox_mounts_free(struct inbox_mounts *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->n; i++)
    free(m->v[i].path);
  free(m->v);
  m->v = NULL;
  m->n = 0;
}

/* --- mountinfo ---------------------------------------------------------- */

/* 1 if path is root or lies below it. */
static int under_root(const char *path, const char *root)
{
  size_t len = strlen(root);
  if (len == 1 && root[0] == '/')
    return path[0] == '/';
  return strncmp(path, root, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/* Whether a mount exactly at a root may be a stick: one whose whole
 * filesystem is mounted there (mountinfo's root field "/"), not a bind of
 * a folder (a service sandbox binds the roots' own folders over
 * themselves: root "/media"), and not a memory filesystem (a tmpfs put
 * over /media to hold mount points). Below a root every mount counts. */
static int stick_like(const char *root, size_t root_len, const char *fstype, size_t type_len)
{
  static const char *const memory[] = {"tmpfs", "ramfs", "overlay"};
  if (root_len != 1 || root[0] != '/')
    return 0;
  for (size_t i = 0; i < sizeof memory / sizeof *memory; i++)
    if (type_len == strlen(memory[i]) && memcmp(fstype, memory[i], type_len) == 0)
      return 0;
  return 1;
}

/* Decodes mountinfo's octal escapes (\040 space, \011 tab, \012 newline,
 * \134 backslash) of the len bytes at s into out (cap bytes). 0, or -1 if
 * it does not fit or contains a NUL. */
static int unescape(const char *s, size_t len, char *out, size_t cap)
{
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int c = (unsigned char)s[i];
    if (c == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      c = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
      i += 3;
    }
    if (c == 0 || o + 1 >= cap)
      return -1;
    out[o++] = (char)c;
  }
  out[o] = '\0';
  return 0;
}

/* Splits line (len bytes, no newline) at spaces into at most max fields. */
static size_t split_fields(const char *line, size_t len, const char **f, size_t *flen, size_t max)
{
  size_t n = 0, i = 0;
  while (i < len && n < max) {
    while (i < len && line[i] == ' ')
      i++;
    if (i == len)
      break;
    size_t start = i;
    while (i < len && line[i] != ' ')
      i++;
    f[n] = line + start;
    flen[n] = i - start;
    n++;
  }
  return n;
}

int inbox_mountinfo_parse(const char *text, size_t len, const char *const *roots, size_t n_roots,
                          struct inbox_mounts *out, struct kerr *e)
{
  memset(out, 0, sizeof *out);
  size_t cap = 0;
  size_t pos = 0;
  char mp[INBOX_PATH_MAX];
  while (pos < len) {
    const char *line = text + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t llen = nl ? (size_t)(nl - line) : len - pos;
    pos += llen + (nl ? 1 : 0);

    /* id parent maj:min root mountpoint options [optional...] - fstype
     * source superoptions */
    const char *f[64];
    size_t fl[64];
    size_t nf = split_fields(line, llen, f, fl, 64);
    if (nf < 8)
      continue;
    size_t sep = 0;
    for (size_t i = 6; i < nf; i++)
      if (fl[i] == 1 && f[i][0] == '-') {
        sep = i;
        break;
      }
    if (sep == 0 || sep + 3 > nf) /* fstype, source, super options */
      continue;
    if (fl[sep + 1] == 6 && memcmp(f[sep + 1], "autofs", 6) == 0)
      continue;
    if (unescape(f[4], fl[4], mp, sizeof mp) != 0 || mp[0] != '/')
      continue;
    char *end;
    unsigned long long id = strtoull(f[0], &end, 10);
    if (end == f[0])
      continue;
    for (size_t r = 0; r < n_roots; r++) {
      if (under_root(mp, roots[r])) {
        if (strcmp(mp, roots[r]) == 0 && !stick_like(f[3], fl[3], f[sep + 1], fl[sep + 1]))
          break; /* the roots' own folder, not a stick */
        if (mounts_add(out, &cap, mp, (uint64_t)id) != 0) {
          inbox_mounts_free(out);
          return kerr_set(e, KERR_NOMEM,
                          "out of memory reading the mount "
                          "table");
        }
        break;
      }
    }
  }
  mounts_finish(out);
  return 0;
}

/* Appends to rm and add the removals and additions from before to after.
 * The same path with a new identity is a stick pulled out and another put
 * in while we were busy: removed, then added. */
static int diff_into(const struct inbox_mounts *before, const struct inbox_mounts *after,
                     struct evvec *rm, struct evvec *add, struct kerr *e)
{
  size_t i = 0, j = 0;
  while (i < before->n || j < after->n) {
    int c;
    if (i == before->n)
      c = 1;
    else if (j == after->n)
      c = -1;
    else
      c = strcmp(before->v[i].path, after->v[j].path);
    int rc = 0;
    if (c < 0) {
      rc = ev_push(rm, INBOX_STICK_REMOVED, before->v[i++].path, e);
    } else if (c > 0) {
      rc = ev_push(add, INBOX_STICK_ADDED, after->v[j++].path, e);
    } else {
      if (before->v[i].id != after->v[j].id &&
          (rc = ev_push(rm, INBOX_STICK_REMOVED, before->v[i].path, e)) == 0)
        rc = ev_push(add, INBOX_STICK_ADDED, after->v[j].path, e);
      i++, j++;
    }
    if (rc)
      return rc;
  }
  return 0;
}

/* Moves the events of b to the end of a. */
static int ev_concat(struct evvec *a, struct evvec *b, struct kerr *e)
{
  for (size_t i = 0; i < b->n; i++) {
    int rc = ev_push(a, b->v[i].kind, b->v[i].path, e);
    if (rc)
      return rc;
  }
  free(b->v);
  memset(b, 0, sizeof *b);
  return 0;
}

int inbox_mounts_diff(const struct inbox_mounts *before, const struct inbox_mounts *after,
                      struct inbox_event **events, size_t *n, struct kerr *e)
{
  struct evvec rm = {0}, add = {0};
  *events = NULL;
  *n = 0;
  int rc = diff_into(before, after, &rm, &add, e);
  if (rc == 0)
    rc = ev_concat(&rm, &add, e);
  free(add.v);
  if (rc) {
    free(rm.v);
    return rc;
  }
  *events = rm.v;
  *n = rm.n;
  return 0;
}

/* --- the watcher -------------------------------------------------------- */

struct folder_root {
  char *path;
  int wd;
  struct inbox_mounts known; /* its subfolders reported so far */
};

struct inbox_watch {
  char **roots; /* mount roots, normalized */
  size_t n_roots;
  struct folder_root folders[INBOX_MAX_ROOTS];
  size_t n_folders;
  char *inbox; /* NULL if none */
  int inbox_wd;
  uint64_t inbox_fp;         /* fingerprint at the last report */
  int mi_fd;                 /* /proc/self/mountinfo, -1 if unavailable */
  int in_fd;                 /* inotify, -1 if unavailable */
  int ep_fd;                 /* epoll over mi_fd and in_fd */
  int mi_polled, in_polled;  /* added to ep_fd */
  struct inbox_mounts known; /* mounted sticks reported so far */
  int mounts_read;           /* mountinfo was read at least once */
  int started;               /* first inbox_watch_events() done */
  int warned_inbox;
  int warned_mounts;
};

void inbox_watch_close(struct inbox_watch *w)
{
  if (!w)
    return;
  if (w->ep_fd >= 0)
    close(w->ep_fd);
  if (w->in_fd >= 0)
    close(w->in_fd);
  if (w->mi_fd >= 0)
    close(w->mi_fd);
  for (size_t i = 0; i < w->n_roots; i++)
    free(w->roots[i]);
  free(w->roots);
  for (size_t i = 0; i < w->n_folders; i++) {
    free(w->folders[i].path);
    inbox_mounts_free(&w->folders[i].known);
  }
  free(w->inbox);
  inbox_mounts_free(&w->known);
  free(w);
}

/* A copy of path without trailing slashes; NULL if relative or too long. */
static char *normalize(const char *path, struct kerr *e, const char *what)
{
  if (!path || path[0] != '/') {
    kerr_set(e, KERR_INVAL,
             "%s \"%s\" is not an absolute path — give the "
             "full path, starting with /",
             what, path ? path : "");
    return NULL;
  }
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/')
    len--;
  if (len >= INBOX_PATH_MAX - INBOX_NAME_MAX - 16) {
    kerr_set(e, KERR_INVAL, "%s \"%.64s...\" is too long", what, path);
    return NULL;
  }
  char *s = strndup(path, len);
  if (!s)
    kerr_set(e, KERR_NOMEM, "out of memory");
  return s;
}

static uint32_t inbox_mask(void)
{
  return IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF |
      IN_ONLYDIR;
}

static uint32_t folder_mask(void)
{
  return IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF |
      IN_ONLYDIR;
}

/* Starts the inotify watch on the inbox if possible and not yet done. */
static void watch_inbox(struct inbox_watch *w)
{
  if (!w->inbox || w->in_fd < 0 || w->inbox_wd >= 0)
    return;
  w->inbox_wd = inotify_add_watch(w->in_fd, w->inbox, inbox_mask());
  if (w->inbox_wd < 0 && !w->warned_inbox) {
    w->warned_inbox = 1;
    log_warn("inbox %s cannot be watched yet (%s); looking at it every %d s "
             "instead",
             w->inbox, strerror(errno), INBOX_RESCAN_MS / 1000);
  }
}

int inbox_watch_open(const char *const *roots, size_t n_roots, const char *inbox_dir,
                     struct inbox_watch **out, struct kerr *e)
{
  *out = NULL;
  if (n_roots > INBOX_MAX_ROOTS)
    return kerr_set(e, KERR_INVAL,
                    "%zu USB roots given; at most %d are "
                    "supported — list fewer folders",
                    n_roots, INBOX_MAX_ROOTS);
  struct inbox_watch *w = calloc(1, sizeof *w);
  if (!w)
    return kerr_set(e, KERR_NOMEM, "out of memory starting the USB watch");
  w->mi_fd = w->in_fd = w->ep_fd = w->inbox_wd = -1;
  int rc = KERR_NOMEM;

  if (n_roots) {
    w->roots = calloc(n_roots, sizeof *w->roots);
    if (!w->roots) {
      kerr_set(e, KERR_NOMEM, "out of memory starting the USB watch");
      goto fail;
    }
  }
  for (size_t i = 0; i < n_roots; i++) {
    w->roots[i] = normalize(roots[i], e, "USB root");
    if (!w->roots[i]) {
      rc = e ? e->code : KERR_INVAL;
      goto fail;
    }
    w->n_roots = i + 1;
    if (strcmp(w->roots[i], "/") == 0) {
      rc = kerr_set(e, KERR_INVAL,
                    "USB root \"/\" would make every mounted "
                    "filesystem a stick — name the folder sticks are "
                    "mounted under, such as /media");
      goto fail;
    }
  }
  if (inbox_dir) {
    w->inbox = normalize(inbox_dir, e, "inbox folder");
    if (!w->inbox) {
      rc = e ? e->code : KERR_INVAL;
      goto fail;
    }
  }

  /* Every part below is optional: warn once and carry on. */
  if (w->n_roots) {
    w->mi_fd = open(MOUNTINFO_PATH, O_RDONLY | O_CLOEXEC);
    if (w->mi_fd < 0)
      log_warn("USB sticks will not be noticed by mounting: cannot open %s "
               "(%s); only folder roots and the inbox are watched",
               MOUNTINFO_PATH, strerror(errno));
  }
  w->in_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->in_fd < 0)
    log_warn("inotify is not available (%s): the inbox and test folders "
             "are looked at every %d s instead",
             strerror(errno), INBOX_RESCAN_MS / 1000);
  w->ep_fd = epoll_create1(EPOLL_CLOEXEC);
  if (w->ep_fd < 0) {
    log_warn("epoll is not available (%s): USB sticks are looked for every "
             "%d s instead",
             strerror(errno), INBOX_RESCAN_MS / 1000);
  } else {
    struct epoll_event ev = {.events = EPOLLPRI | EPOLLERR};
    if (w->mi_fd >= 0) {
      ev.data.fd = w->mi_fd;
      if (epoll_ctl(w->ep_fd, EPOLL_CTL_ADD, w->mi_fd, &ev) == 0)
        w->mi_polled = 1;
      else /* still read at every rescan */
        log_warn("cannot watch %s (%s): USB sticks are looked for every "
                 "%d s instead",
                 MOUNTINFO_PATH, strerror(errno), INBOX_RESCAN_MS / 1000);
    }
    if (w->in_fd >= 0) {
      ev.events = EPOLLIN;
      ev.data.fd = w->in_fd;
      if (epoll_ctl(w->ep_fd, EPOLL_CTL_ADD, w->in_fd, &ev) == 0) {
        w->in_polled = 1;
      } else {
        log_warn("cannot watch inotify (%s): the inbox is looked at every "
                 "%d s instead",
                 strerror(errno), INBOX_RESCAN_MS / 1000);
        close(w->in_fd);
        w->in_fd = -1;
      }
    }
  }
  watch_inbox(w);
  *out = w;
  return 0;

fail:
  inbox_watch_close(w);
  return rc;
}

int inbox_watch_add_folder(struct inbox_watch *w, const char *dir, struct kerr *e)
{
  if (w->n_folders == INBOX_MAX_ROOTS)
    return kerr_set(e, KERR_INVAL, "too many USB folders; at most %d", INBOX_MAX_ROOTS);
  char *path = normalize(dir, e, "USB folder");
  if (!path)
    return e ? e->code : KERR_INVAL;
  struct stat st;
  int err = stat(path, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
  if (err) {
    free(path);
    return kerr_errno(e, err == ENOENT ? KERR_NOENT : KERR_IO, err,
                      "USB folder %s cannot be used — create it as a folder "
                      "first",
                      dir);
  }
  struct folder_root *f = &w->folders[w->n_folders++];
  memset(f, 0, sizeof *f);
  f->path = path;
  f->wd = -1;
  if (w->in_fd >= 0) {
    f->wd = inotify_add_watch(w->in_fd, path, folder_mask());
    if (f->wd < 0)
      log_warn("USB folder %s cannot be watched (%s); looking at it every "
               "%d s instead",
               path, strerror(errno), INBOX_RESCAN_MS / 1000);
  }
  return 0;
}

int inbox_watch_fd(const struct inbox_watch *w)
{
  return w->mi_polled || w->in_polled ? w->ep_fd : -1;
}

int inbox_watch_rescan_ms(const struct inbox_watch *w)
{
  if (w->n_roots && !w->mi_polled)
    return INBOX_RESCAN_MS;
  if (w->inbox && (!w->in_polled || w->inbox_wd < 0))
    return INBOX_RESCAN_MS;
  for (size_t i = 0; i < w->n_folders; i++)
    if (!w->in_polled || w->folders[i].wd < 0)
      return INBOX_RESCAN_MS;
  return -1;
}

/* Gives each mount the kernel's never-reused 64-bit mount id (Linux 6.8
 * and later) instead of mountinfo's, which the kernel hands out again as
 * soon as it is free: with it, a stick pulled out and another mounted at
 * the same place between two looks is told apart. On older kernels such a
 * swap is seen only if the new mount got another id. */
static void unique_ids(struct inbox_mounts *m)
{
  for (size_t i = 0; i < m->n; i++) {
    struct statx sx;
    if (statx(AT_FDCWD, m->v[i].path, AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID_UNIQUE,
              &sx) == 0 &&
        (sx.stx_mask & STATX_MNT_ID_UNIQUE))
      m->v[i].id = sx.stx_mnt_id;
  }
}

/* Reads the whole mount table into a new buffer. 0 or KERR_IO/NOMEM. */
static int read_mountinfo(int fd, char **out, size_t *len)
{
  if (lseek(fd, 0, SEEK_SET) != 0)
    return KERR_IO;
  size_t cap = 16384, n = 0;
  char *buf = malloc(cap);
  if (!buf)
    return KERR_NOMEM;
  for (;;) {
    if (n == cap) {
      if (cap >= INBOX_MOUNTINFO_MAX)
        break; /* a giant table: use what we have */
      cap *= 2;
      char *b = realloc(buf, cap);
      if (!b) {
        free(buf);
        return KERR_NOMEM;
      }
      buf = b;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(buf);
      return KERR_IO;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  *out = buf;
  *len = n;
  return 0;
}

/* The immediate, non-hidden, non-symlink subfolders of dir. */
static int list_subfolders(const char *dir, struct inbox_mounts *out)
{
  memset(out, 0, sizeof *out);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return KERR_IO;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return KERR_IO;
  }
  size_t cap = 0;
  int rc = 0;
  char path[INBOX_PATH_MAX];
  struct dirent *de;
  while ((de = readdir(d)) != NULL && out->n < INBOX_MAX_STICKS) {
    if (de->d_name[0] == '.')
      continue;
    struct stat st;
    if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
      continue;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
      continue;
    if ((rc = mounts_add(out, &cap, path, (uint64_t)st.st_ino)) != 0)
      break;
  }
  closedir(d);
  if (rc)
    inbox_mounts_free(out);
  else
    mounts_finish(out);
  return rc;
}

/* FNV-1a over the names, sizes, times and inodes of the inbox's entries:
 * changes whenever a file is added, removed, replaced or rewritten. A
 * missing inbox has fingerprint 0. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= UINT64_C(1099511628211);
  }
  return h;
}

static uint64_t inbox_fingerprint(const char *dir)
{
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return 0;
  }
  /* Order-independent: sum of per-entry hashes. */
  uint64_t sum = 1;
  size_t count = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && count++ < INBOX_FP_MAX_ENTRIES) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    struct stat st;
    if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
      continue;
    uint64_t h = UINT64_C(14695981039346656037);
    h = fnv(h, de->d_name, strlen(de->d_name));
    int64_t v[5] = {(int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec, (int64_t)st.st_mtim.tv_nsec,
                    (int64_t)st.st_ino, (int64_t)st.st_mode};
    h = fnv(h, v, sizeof v);
    sum += h;
  }
  closedir(d);
  return sum;
}

static int cmp_event(const void *a, const void *b)
{
  return strcmp(((const struct inbox_event *)a)->path, ((const struct inbox_event *)b)->path);
}

/* Empties the wake-up sources: the epoll ready list and the inotify queue
 * (noting watches the kernel dropped, so they are set up again). */
static void drain(struct inbox_watch *w)
{
  if (w->ep_fd >= 0) {
    struct epoll_event evs[4];
    while (epoll_wait(w->ep_fd, evs, 4, 0) == 4)
      ;
  }
  if (w->in_fd < 0)
    return;
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t r = read(w->in_fd, buf, sizeof buf);
    if (r <= 0)
      break;
    for (char *p = buf; p < buf + r;) {
      const struct inotify_event *ie = (const struct inotify_event *)p;
      if (ie->mask & IN_IGNORED) {
        if (ie->wd == w->inbox_wd)
          w->inbox_wd = -1;
        for (size_t i = 0; i < w->n_folders; i++)
          if (ie->wd == w->folders[i].wd)
            w->folders[i].wd = -1;
      }
      p += sizeof *ie + ie->len;
    }
  }
}

int inbox_watch_events(struct inbox_watch *w, struct inbox_event **events, size_t *n,
                       struct kerr *e)
{
  *events = NULL;
  *n = 0;
  drain(w);
  struct evvec rm = {0}, add = {0};
  int rc = 0;

  if (w->mi_fd >= 0) {
    char *text = NULL;
    size_t len = 0;
    int r = read_mountinfo(w->mi_fd, &text, &len);
    struct inbox_mounts now = {0};
    if (r == 0)
      r = inbox_mountinfo_parse(text, len, (const char *const *)w->roots, w->n_roots, &now, e);
    free(text);
    if (r == KERR_NOMEM) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory reading the mount table");
      goto done;
    }
    if (r != 0) {
      if (!w->warned_mounts)
        log_warn("could not read %s; USB sticks are unchanged for now", MOUNTINFO_PATH);
      w->warned_mounts = 1;
    } else {
      w->warned_mounts = 0;
      unique_ids(&now);
      rc = diff_into(&w->known, &now, &rm, &add, e);
      inbox_mounts_free(&w->known);
      w->known = now;
      if (rc)
        goto done;
    }
  }

  for (size_t i = 0; i < w->n_folders; i++) {
    struct folder_root *f = &w->folders[i];
    if (f->wd < 0 && w->in_fd >= 0)
      f->wd = inotify_add_watch(w->in_fd, f->path, folder_mask());
    struct inbox_mounts now;
    int r = list_subfolders(f->path, &now);
    if (r == KERR_NOMEM) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory listing %s", f->path);
      goto done;
    }
    if (r != 0)
      continue; /* folder gone: its sticks are kept until it comes back */
    rc = diff_into(&f->known, &now, &rm, &add, e);
    inbox_mounts_free(&f->known);
    f->known = now;
    if (rc)
      goto done;
  }

  /* Each source is in path order; several sources need a sort. */
  if (rm.n > 1)
    qsort(rm.v, rm.n, sizeof *rm.v, cmp_event);
  if (add.n > 1)
    qsort(add.v, add.n, sizeof *add.v, cmp_event);
  if ((rc = ev_concat(&rm, &add, e)) != 0)
    goto done;

  if (w->inbox) {
    watch_inbox(w);
    uint64_t fp = inbox_fingerprint(w->inbox);
    if (!w->started || fp != w->inbox_fp) {
      w->inbox_fp = fp;
      if ((rc = ev_push(&rm, INBOX_CHANGED, w->inbox, e)) != 0)
        goto done;
    }
  }
  w->started = 1;

done:
  free(add.v);
  if (rc || rm.n == 0) {
    free(rm.v);
    return rc;
  }
  *events = rm.v;
  *n = rm.n;
  return 0;
}

/* --- scanning a stick --------------------------------------------------- */

int inbox_name_hint(const char *name, char *id, uint64_t *version)
{
  const char *dot = strrchr(name, '.');
  if (!dot)
    return 0;
  const char *dash = NULL;
  for (const char *p = name; p < dot; p++)
    if (*p == '-')
      dash = p;
  if (!dash || dash == name)
    return 0;
  size_t idlen = (size_t)(dash - name);
  if (idlen > MANIFEST_ID_MAX)
    return 0;
  const char *v = dash + 1;
  size_t vlen = (size_t)(dot - v);
  uint64_t ver;
  if (vlen > 16 || v[0] == '0' || decimal_u64(v, vlen, &ver) != 0)
    return 0;
  if (ver > MANIFEST_MAX_VERSION)
    return 0;
  char buf[MANIFEST_ID_MAX + 1];
  for (size_t i = 0; i < idlen; i++)
    buf[i] = (char)tolower((unsigned char)name[i]);
  buf[idlen] = '\0';
  if (!manifest_id_ok(buf))
    return 0;
  memcpy(id, buf, idlen + 1);
  *version = ver;
  return 1;
}

static int has_suffix(const char *name, const char *suffix)
{
  size_t n = strlen(name), s = strlen(suffix);
  return n > s && strcasecmp(name + n - s, suffix) == 0;
}

void inbox_scan_free(struct inbox_scan *s)
{
  if (!s)
    return;
  free(s->items);
  memset(s, 0, sizeof *s);
}

struct scanner {
  struct inbox_scan *out;
  size_t cap;
  size_t in_folder; /* candidates listed from the folder being scanned */
  const char *root;
  char shown_root[INBOX_SHOWN_MAX]; /* root, escaped for the log */
};

/* Looks at one name in the folder dfd ("" or "kiosk/" in prefix). */
static int scan_name(struct scanner *sc, int dfd, const char *prefix, const char *name,
                     struct kerr *e)
{
  enum inbox_kind kind;
  if (has_suffix(name, ".kpack"))
    kind = INBOX_PACK;
  else if (has_suffix(name, ".kkeys"))
    kind = INBOX_KEYRING;
  else
    return 0;
  struct stat st;
  if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return 0; /* vanished: the stick changes under us; fine */
  if (S_ISLNK(st.st_mode)) {
    if (++sc->out->n_links <= 3) { /* a hostile stick may hold thousands */
      char shown[INBOX_SHOWN_MAX];
      log_info("%s: %s%s is a symbolic link and is not used", sc->shown_root, prefix,
               esc_name(name, shown, sizeof shown));
    }
    return 0;
  }
  if (!S_ISREG(st.st_mode)) {
    sc->out->n_special++;
    return 0;
  }
  struct inbox_scan *out = sc->out;
  if (sc->in_folder == INBOX_MAX_CANDIDATES) {
    out->truncated = 1;
    return 1; /* stop this folder */
  }
  struct inbox_candidate *v = grow_array(out->items, out->n + 1, &sc->cap, sizeof *v, 16);
  if (!v)
    return kerr_set(e, KERR_NOMEM, "out of memory listing %s", sc->root);
  out->items = v;
  struct inbox_candidate *c = &out->items[out->n];
  memset(c, 0, sizeof *c);
  c->kind = kind;
  snprintf(c->rel, sizeof c->rel, "%s%s", prefix, name);
  if ((size_t)snprintf(c->path, sizeof c->path, "%s/%s", sc->root, c->rel) >= sizeof c->path)
    return 0; /* cannot be opened by path: skip */
  c->size = (uint64_t)st.st_size;
  if (!inbox_name_hint(name, c->id_hint, &c->version_hint)) {
    c->id_hint[0] = '\0';
    c->version_hint = 0;
  }
  out->n++;
  sc->in_folder++;
  return 0;
}

/* Scans the open folder dfd (takes ownership). Returns <0 on error, else 0
 * (out->truncated says whether a bound was reached in it). kiosk_dirs
 * collects names of top-level folders called "kiosk" when not NULL: they
 * are looked for among every name the folder holds, up to
 * INBOX_MAX_DIR_ENTRIES, even after the candidate bound was reached. */
static int scan_dir(struct scanner *sc, int dfd, const char *prefix,
                    char (*kiosk_dirs)[INBOX_NAME_MAX], size_t *n_kiosk, struct kerr *e)
{
  DIR *d = fdopendir(dfd);
  if (!d) {
    int err = errno;
    close(dfd);
    return kerr_errno(e, KERR_IO, err, "could not list %s/%s", sc->shown_root, prefix);
  }
  size_t seen = 0;
  int rc = 0, full = 0;
  struct dirent *de;
  sc->in_folder = 0;
  errno = 0;
  while ((de = readdir(d)) != NULL) {
    if (++seen > INBOX_MAX_DIR_ENTRIES) {
      sc->out->truncated = 1;
      break;
    }
    const char *name = de->d_name;
    if (name[0] == '.')
      continue; /* ".", "..", hidden files, macOS "._x.kpack" */
    if (kiosk_dirs && strcasecmp(name, INBOX_KIOSK_FOLDER) == 0) {
      struct stat st;
      if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode)) {
          sc->out->n_links++;
          log_info("%s: %s is a symbolic link and is not used", sc->shown_root, INBOX_KIOSK_FOLDER);
        } else if (S_ISDIR(st.st_mode) && *n_kiosk < 4) {
          snprintf(kiosk_dirs[(*n_kiosk)++], INBOX_NAME_MAX, "%s", name);
        }
      }
      continue;
    }
    if (full)
      continue; /* still looking for the kiosk folder */
    rc = scan_name(sc, dirfd(d), prefix, name, e);
    if (rc < 0)
      break;
    if (rc == 1) {
      rc = 0;
      full = 1;
      if (!kiosk_dirs)
        break;
    }
  }
  closedir(d);
  return rc;
}

static int cmp_candidate(const void *pa, const void *pb)
{
  const struct inbox_candidate *a = pa, *b = pb;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  if (a->kind == INBOX_PACK) {
    int ha = a->id_hint[0] != '\0', hb = b->id_hint[0] != '\0';
    if (ha != hb)
      return ha ? -1 : 1;
    int c = strcmp(a->id_hint, b->id_hint);
    if (c)
      return c;
    if (a->version_hint != b->version_hint)
      return a->version_hint > b->version_hint ? -1 : 1;
  } else {
    return strcmp(a->rel, b->rel);
  }
  /* Same id and version: the copy at the top of the stick first. */
  int da = strchr(a->rel, '/') != NULL, db = strchr(b->rel, '/') != NULL;
  if (da != db)
    return da ? 1 : -1;
  return strcmp(a->rel, b->rel);
}

int inbox_scan(const char *root, struct inbox_scan *out, struct kerr *e)
{
  memset(out, 0, sizeof *out);
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    char shown[INBOX_SHOWN_MAX];
    return kerr_errno(e, err == ENOENT ? KERR_NOENT : KERR_IO, err,
                      "could not open the stick at %s — take it out and "
                      "insert it again",
                      esc_name(root, shown, sizeof shown));
  }
  struct scanner sc = {.out = out, .root = root};
  esc_name(root, sc.shown_root, sizeof sc.shown_root);
  char kiosk_dirs[4][INBOX_NAME_MAX];
  size_t n_kiosk = 0;
  int topfd = dup(fd);
  int rc = topfd < 0 ? kerr_errno(e, KERR_IO, errno, "could not list %s", sc.shown_root)
                     : scan_dir(&sc, topfd, "", kiosk_dirs, &n_kiosk, e);
  for (size_t i = 0; i < n_kiosk && rc == 0; i++) {
    int kfd = openat(fd, kiosk_dirs[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (kfd < 0)
      continue; /* replaced since we looked: ignore */
    char prefix[INBOX_NAME_MAX + 2];
    int w = snprintf(prefix, sizeof prefix, "%s/", kiosk_dirs[i]);
    if (w < 0 || (size_t)w >= sizeof prefix) { /* cannot happen: names are shorter */
      close(kfd);
      continue;
    }
    rc = scan_dir(&sc, kfd, prefix, NULL, NULL, e);
  }
  close(fd);
  if (rc < 0) {
    inbox_scan_free(out);
    return rc;
  }

  if (out->n > 1)
    qsort(out->items, out->n, sizeof *out->items, cmp_candidate);
  for (size_t i = 0; i < out->n; i++) {
    struct inbox_candidate *c = &out->items[i];
    if (c->kind != INBOX_PACK || !c->id_hint[0] || i == 0)
      continue;
    const struct inbox_candidate *p = &out->items[i - 1];
    if (p->kind != INBOX_PACK || strcmp(p->id_hint, c->id_hint) != 0)
      continue;
    /* p is the newest of this id, or itself a copy naming the newest. */
    uint64_t newest = p->copy == INBOX_COPY_NEWEST ? p->version_hint : p->newest_hint;
    c->newest_hint = newest;
    c->copy = c->version_hint == p->version_hint ? INBOX_COPY_DUPLICATE : INBOX_COPY_OLDER;
  }
  if (out->truncated)
    log_warn("%s: more than %d candidate files or %d names in a folder; the "
             "rest were not looked at",
             sc.shown_root, INBOX_MAX_CANDIDATES, INBOX_MAX_DIR_ENTRIES);
  return 0;
}

/* Opens one folder below dirfd without following a symlink. */
static int open_sub(int dirfd, const char *name)
{
  return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int inbox_open_candidate(const char *root, const struct inbox_candidate *c, int *fd, uint64_t *size,
                         struct kerr *e)
{
  *fd = -1;
  char shown[INBOX_SHOWN_MAX];
  esc_name(c->rel, shown, sizeof shown);
  int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno,
                      "%s: the stick can no longer be read", shown);
  int dfd = rootfd;
  const char *base = c->rel;
  const char *slash = strchr(c->rel, '/');
  if (slash) {
    char dir[INBOX_NAME_MAX];
    size_t len = (size_t)(slash - c->rel);
    if (len == 0 || len >= sizeof dir || strchr(slash + 1, '/')) {
      close(rootfd);
      return kerr_set(e, KERR_INVAL, "%s: not a name the scan gives", shown);
    }
    memcpy(dir, c->rel, len);
    dir[len] = '\0';
    dfd = open_sub(rootfd, dir);
    int err = errno;
    close(rootfd);
    if (dfd < 0)
      return kerr_errno(e, err == ENOENT ? KERR_NOENT : KERR_IO, err,
                        "%s: its folder has gone or is no longer a folder "
                        "— skipped",
                        shown);
    base = slash + 1;
  }
  /* O_NONBLOCK: a FIFO or device put in place of the file since the scan
   * opens at once instead of waiting for a writer; it is then refused. */
  int f = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  int err = errno;
  close(dfd);
  if (f < 0) {
    if (err == ELOOP)
      return kerr_set(e, KERR_TYPE,
                      "%s: is a symbolic link — skipped; "
                      "copy the file itself onto the stick",
                      shown);
    if (err == ENOENT)
      return kerr_set(e, KERR_NOENT,
                      "%s: has gone from the stick — "
                      "skipped",
                      shown);
    return kerr_errno(e, KERR_IO, err,
                      "%s: could not be opened — skipped; "
                      "copy it onto the stick again",
                      shown);
  }
  struct stat st;
  if (fstat(f, &st) != 0) {
    err = errno;
    close(f);
    return kerr_errno(e, KERR_IO, err, "%s: could not be read — skipped", shown);
  }
  if (!S_ISREG(st.st_mode)) {
    close(f);
    return kerr_set(e, KERR_TYPE, "%s: is %s, not a file — skipped", shown,
                    S_ISDIR(st.st_mode)        ? "a folder"
                        : S_ISFIFO(st.st_mode) ? "a named pipe"
                        : S_ISSOCK(st.st_mode) ? "a socket"
                                               : "a device");
  }
  /* Reads from now on may block as reads of a file do. */
  int fl = fcntl(f, F_GETFL);
  if (fl >= 0)
    (void)fcntl(f, F_SETFL, fl & ~O_NONBLOCK);
  *fd = f;
  if (size)
    *size = (uint64_t)st.st_size;
  return 0;
}
