/* store.c — installed packs on the kiosk's own filesystem.
 *
 * The store promises that a power cut or kill -9 at any instant leaves
 * exactly the old or the new version of a pack current, that an older
 * version never comes back (even after its folder is deleted), that a
 * corrupt current version falls back to the previous one, and that the
 * time floor moves only as core/timefloor.h rules (forward on evidence
 * that deserves it, back only by a root-signed reset). Layout under the
 * store folder:
 *
 *   lock                        flock()ed by the one process that writes
 *   packs/<id>/<version>/       one installed version, as verified:
 *       pack.json                 the exact signed manifest bytes
 *       pack.json.minisig         its signature, for re-verification
 *       seal                      what the last full check saw (below)
 *       pages/... media/... fonts/...   the member files
 *   state/<id>.state            which version is current (see below)
 *   time-floor                  the time floor: "<unix seconds>\n" then
 *                               "anchor <unix seconds>\n" (older kiosks
 *                               wrote the first line only)
 *   staging/<id>-<version>-<n>/ installs in progress; emptied at open
 *
 * A state file is a few lines of text, replaced only by an atomic rename:
 *
 *   kiosk-store-state 1
 *   id bulletin-2020-07
 *   current 12          (0: nothing to show)
 *   previous 11         (0: none)
 *   floor 12            (highest version ever installed: anti-rollback)
 *   floor-manifest <64 hex: BLAKE2b-256 of that version's pack.json>
 *   floor-base 9        (the part of the floor owed to no known key)
 *   floor-by <16 hex key id> 12     one per signing key (at most
 *                       STORE_FLOOR_KEYS): the highest version it signed
 *
 * The floor is the highest of floor-base and every floor-by. When the
 * trust set revokes a key (store_forget_revoked()), its floor-by line goes
 * and the floor falls back to what keys still trusted signed, so that a
 * stolen key's huge version numbers do not lock the owner's packs out.
 * States written before floor-by existed have neither line: their whole
 * floor is floor-base.
 *
 * The state file is the single commit point: a version folder that no state
 * names is a half-finished install, and store_open() deletes it, together
 * with staging and leftover temporaries. Commit order: fsync the staged
 * tree, rename it to packs/<id>/<version>, fsync packs/<id>, swap the state
 * file (fsync, rename, fsync state/), write the time floor, then delete
 * versions older than the previous one.
 *
 * A seal records what a version looked like when all its bytes were last
 * hashed and found to match (at install, then at each background check),
 * so that start-up need not read them all again:
 *
 *   kiosk-seal 1
 *   manifest <64 hex: BLAKE2b-256 of pack.json>
 *   checked <unix seconds of that full check>
 *   f <size> <mtime s.ns> <ctime s.ns> <path>     one per listed file,
 *                                                  in the manifest's order
 *
 * A quick check compares each file's size, mtime and ctime with its line
 * (one stat per file). A file whose size differs from its signed list is
 * damaged for certain; one whose times differ, or a missing or odd seal,
 * only means the version must be hashed again, which the kiosk does in the
 * background while it keeps showing it. Quiet damage with unchanged times
 * (SD-card rot) is what the background check finds: it reads every
 * installed version again over the configured period. The seal is written
 * inside the staged folder before the commit and replaced atomically after
 * a background check; it is never part of the signed contents. */
#include "core/store.h"
#include "core/decimal.h"
#include "core/grow.h"
#include "core/sig.h"
#include "core/timefloor.h"
#include "core/units.h"
#include "core/fsutil.h"
#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATE_MAGIC "kiosk-store-state 1"
#define STATE_MAX_BYTES 4096
#define SEAL_MAGIC "kiosk-seal 1"
#define SEAL_NAME "seal"

/* What is known about an installed version without reading it. */
struct vinfo {
  uint64_t version; /* 0: unused */
  uint64_t bytes;   /* 0 until a check has read its manifest */
  int64_t checked;  /* unix time of the last full check, 0 if unknown */
  int recheck;      /* to be hashed again as soon as possible */
};

/* The highest version one signing key installed of an id. */
struct floor_by {
  uint64_t key_id, version;
};

struct entry {
  char id[MANIFEST_ID_MAX + 1];
  uint64_t current, previous, floor;
  int has_floor_hash;
  unsigned char floor_hash[MANIFEST_HASH_BYTES];
  uint64_t floor_base;                   /* owed to no known key */
  struct floor_by fby[STORE_FLOOR_KEYS]; /* n_fby of them */
  size_t n_fby;
  struct vinfo vi[2]; /* of current and previous, in either order */
};

struct store {
  char *dir;
  int dirfd, packsfd, statefd, stagingfd, lockfd;
  int readonly;
  pthread_mutex_t mu; /* guards ents, n, time floor */
  struct entry *ents; /* sorted by id */
  size_t n, cap;
  struct timefloor tf; /* the time floor and its anchor */
  int64_t time_floor_disk, anchor_disk;
  uint64_t reserve;
  pthread_mutex_t vmu; /* held while verify is called or changed */
  store_verify_fn *verify;
  void *verify_ctx;
  unsigned long seq;
};

struct store_stage {
  struct store *s;
  const struct manifest *m;
  char name[MANIFEST_ID_MAX + 64]; /* staging/<name> */
  int fd;                          /* open on staging/<name> */
  int meta_done;
  int has_signer;
  uint64_t signer; /* the key id in pack.json.minisig */
};

/* ------------------------------------------------------------- helpers */

static void hex_encode(const unsigned char *b, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[b[i] >> 4];
    out[2 * i + 1] = digits[b[i] & 15];
  }
  out[2 * n] = '\0';
}

static int hex_decode(const char *s, unsigned char *out, size_t n)
{
  if (strlen(s) != 2 * n)
    return -1;
  for (size_t i = 0; i < 2 * n; i++) {
    char c = s[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0)
      return -1;
    if (i % 2 == 0)
      out[i / 2] = (unsigned char)(v << 4);
    else
      out[i / 2] |= (unsigned char)v;
  }
  return 0;
}

/* A version as written in the store: strict decimal (no sign, no leading
 * zeros), at most MANIFEST_MAX_VERSION. */
static int parse_u64(const char *s, uint64_t *out)
{
  uint64_t v;
  if ((s[0] == '0' && s[1]) || decimal_u64(s, strlen(s), &v) != 0)
    return -1;
  if (v > MANIFEST_MAX_VERSION)
    return -1;
  *out = v;
  return 0;
}

static void manifest_hash(const struct manifest *m, unsigned char *out)
{
  crypto_generichash(out, MANIFEST_HASH_BYTES, (const unsigned char *)m->raw, m->raw_len, NULL, 0);
}

static void copy_id(char *dst, const char *id)
{
  size_t n = strnlen(id, MANIFEST_ID_MAX);
  memcpy(dst, id, n);
  dst[n] = '\0';
}

static struct entry *find_entry(struct store *s, const char *id)
{
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->ents[i].id, id) == 0)
      return &s->ents[i];
  return NULL;
}

/* Adds a zeroed entry for id, keeping ents sorted. NULL if out of memory. */
static struct entry *add_entry(struct store *s, const char *id)
{
  struct entry *ne = grow_array(s->ents, s->n + 1, &s->cap, sizeof *ne, 8);
  if (!ne)
    return NULL;
  s->ents = ne;
  size_t at = 0;
  while (at < s->n && strcmp(s->ents[at].id, id) < 0)
    at++;
  memmove(&s->ents[at + 1], &s->ents[at], (s->n - at) * sizeof *s->ents);
  memset(&s->ents[at], 0, sizeof *s->ents);
  copy_id(s->ents[at].id, id);
  s->n++;
  return &s->ents[at];
}

/* The vinfo of version v in en, or NULL. */
static struct vinfo *vinfo_of(struct entry *en, uint64_t v)
{
  for (int i = 0; i < 2; i++)
    if (v && en->vi[i].version == v)
      return &en->vi[i];
  return NULL;
}

/* Makes en->vi describe en->current and en->previous again after they
 * changed, keeping what was known of each; a version not known before is
 * unknown (to re-check). */
static void vinfo_sync(struct entry *en)
{
  struct vinfo next[2];
  uint64_t want[2] = {en->current, en->previous};
  memset(next, 0, sizeof next);
  for (int i = 0; i < 2; i++) {
    const struct vinfo *old = vinfo_of(en, want[i]);
    if (old)
      next[i] = *old;
    else if (want[i])
      next[i] = (struct vinfo){want[i], 0, 0, 1};
  }
  memcpy(en->vi, next, sizeof next);
}

/* ---------------------------------------------------------- state files */

static int format_state(const struct entry *en, char *buf, size_t cap)
{
  char hex[2 * MANIFEST_HASH_BYTES + 1] = "";
  if (en->has_floor_hash)
    hex_encode(en->floor_hash, MANIFEST_HASH_BYTES, hex);
  int n = snprintf(buf, cap,
                   STATE_MAGIC "\nid %s\ncurrent %" PRIu64 "\nprevious %" PRIu64 "\nfloor %" PRIu64
                               "\n%s%s%sfloor-base %" PRIu64 "\n",
                   en->id, en->current, en->previous, en->floor,
                   en->has_floor_hash ? "floor-manifest " : "", hex, en->has_floor_hash ? "\n" : "",
                   en->floor_base);
  for (size_t i = 0; i < en->n_fby && n >= 0 && (size_t)n < cap; i++) {
    char kid[SIG_KEYID_BUFSZ];
    sig_keyid_format(en->fby[i].key_id, kid);
    int k =
        snprintf(buf + n, cap - (size_t)n, "floor-by %s %" PRIu64 "\n", kid, en->fby[i].version);
    n = k < 0 ? -1 : n + k;
  }
  return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* The floor as floor-base and floor-by say, never below what is installed. */
static uint64_t floor_of(const struct entry *en)
{
  uint64_t f = en->floor_base;
  for (size_t i = 0; i < en->n_fby; i++)
    if (en->fby[i].version > f)
      f = en->fby[i].version;
  if (en->current > f)
    f = en->current;
  if (en->previous > f)
    f = en->previous;
  return f;
}

/* Notes that key_id signed version v of en. With STORE_FLOOR_KEYS keys
 * known already, the one with the lowest version is folded into
 * floor-base (it can then no longer be forgotten: the safe side). */
static void floor_note(struct entry *en, uint64_t key_id, uint64_t v)
{
  for (size_t i = 0; i < en->n_fby; i++)
    if (en->fby[i].key_id == key_id) {
      if (v > en->fby[i].version)
        en->fby[i].version = v;
      return;
    }
  if (en->n_fby == STORE_FLOOR_KEYS) {
    size_t low = 0;
    for (size_t i = 1; i < en->n_fby; i++)
      if (en->fby[i].version < en->fby[low].version)
        low = i;
    if (en->fby[low].version > en->floor_base)
      en->floor_base = en->fby[low].version;
    en->fby[low] = en->fby[--en->n_fby];
  }
  en->fby[en->n_fby++] = (struct floor_by){key_id, v};
}

/* Parses a state file for id into en. -1 if it is damaged. */
static int parse_state(const char *id, char *text, struct entry *en)
{
  memset(en, 0, sizeof *en);
  copy_id(en->id, id);
  int have = 0;
  char *save = NULL;
  char *line = strtok_r(text, "\n", &save);
  if (!line || strcmp(line, STATE_MAGIC) != 0)
    return -1;
  while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
    char *sp = strchr(line, ' ');
    if (!sp)
      return -1;
    *sp = '\0';
    const char *key = line, *val = sp + 1;
    if (strcmp(key, "id") == 0) {
      if (strcmp(val, id) != 0)
        return -1;
    } else if (strcmp(key, "current") == 0) {
      if (parse_u64(val, &en->current))
        return -1;
      have |= 1;
    } else if (strcmp(key, "previous") == 0) {
      if (parse_u64(val, &en->previous))
        return -1;
      have |= 2;
    } else if (strcmp(key, "floor") == 0) {
      if (parse_u64(val, &en->floor))
        return -1;
      have |= 4;
    } else if (strcmp(key, "floor-manifest") == 0) {
      if (hex_decode(val, en->floor_hash, MANIFEST_HASH_BYTES))
        return -1;
      en->has_floor_hash = 1;
    } else if (strcmp(key, "floor-base") == 0) {
      if (parse_u64(val, &en->floor_base))
        return -1;
      have |= 8;
    } else if (strcmp(key, "floor-by") == 0) {
      char *v = strchr(val, ' ');
      uint64_t kid, ver;
      if (!v || en->n_fby == STORE_FLOOR_KEYS)
        return -1;
      *v++ = '\0';
      if (sig_keyid_parse(val, &kid, NULL) || parse_u64(v, &ver))
        return -1;
      for (size_t i = 0; i < en->n_fby; i++)
        if (en->fby[i].key_id == kid)
          return -1;
      en->fby[en->n_fby++] = (struct floor_by){kid, ver};
    } /* unknown keys: written by a newer kiosk, ignored */
  }
  if ((have & 7) != 7 || en->current > en->floor || en->previous > en->floor ||
      (en->previous && en->previous == en->current))
    return -1;
  if (!(have & 8)) {
    /* Written before floor-by existed: no key is known for any of it. */
    if (en->n_fby)
      return -1;
    en->floor_base = en->floor;
  }
  /* Above, not below: a version that fell back may still hold it up until
   * store_forget_revoked() looks again. */
  if (floor_of(en) > en->floor)
    return -1;
  return 0;
}

static int write_state(struct store *s, const struct entry *en, struct kerr *e)
{
  char buf[1024], name[MANIFEST_ID_MAX + 16];
  if (format_state(en, buf, sizeof buf) < 0)
    return kerr_set(e, KERR_STORE, "state of %s is too long to write", en->id);
  snprintf(name, sizeof name, "%s.state", en->id);
  int rc = fsutil_write_atomic_at(s->statefd, name, buf, strlen(buf), e);
  if (rc)
    kerr_prefix(e, "%s/state", s->dir);
  return rc;
}

static int write_time_floor(struct store *s, const struct timefloor *t, struct kerr *e)
{
  char buf[64];
  snprintf(buf, sizeof buf, "%" PRId64 "\nanchor %" PRId64 "\n", t->floor, t->anchor);
  int rc = fsutil_write_atomic_at(s->dirfd, "time-floor", buf, strlen(buf), e);
  if (rc) {
    kerr_prefix(e, "%s", s->dir);
    return rc;
  }
  s->time_floor_disk = t->floor;
  s->anchor_disk = t->anchor;
  return 0;
}

/* Rebuilds the state of id from the version folders present, after its
 * state file was found damaged. store_check() then verifies what it picks. */
static void recover_state(struct store *s, struct entry *en)
{
  uint64_t best = 0, second = 0;
  int fd;
  struct kerr e;
  if (s->packsfd >= 0 && fsutil_open_dir_at(s->packsfd, en->id, 0, 0, &fd, &e) == 0) {
    DIR *d = fdopendir(fd);
    if (!d) {
      close(fd);
    } else {
      struct dirent *de;
      while ((de = readdir(d)) != NULL) {
        uint64_t v;
        if (parse_u64(de->d_name, &v) || v == 0)
          continue;
        if (v > best) {
          second = best;
          best = v;
        } else if (v > second) {
          second = v;
        }
      }
      closedir(d);
    }
  }
  en->current = best;
  en->previous = second;
  en->floor = best;
  en->has_floor_hash = 0;
  en->floor_base = best;
  en->n_fby = 0;
  log_warn("store: the state file of pack %s was damaged; rebuilt it from "
           "the installed folders (current version %" PRIu64 ", previous %" PRIu64 ")",
           en->id, best, second);
  if (!s->readonly && write_state(s, en, &e) != 0)
    log_error("store: %s", e.msg);
}

static int load_states(struct store *s, struct kerr *e)
{
  if (s->statefd < 0)
    return 0;
  int fd = dup(s->statefd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0)
      close(fd);
    return kerr_errno(e, KERR_STORE, errno,
                      "%s/state: could not list the "
                      "folder",
                      s->dir);
  }
  rewinddir(d);
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    const char *nm = de->d_name;
    size_t len = strlen(nm);
    if (nm[0] == '.') {
      /* A temporary from an interrupted atomic write. */
      if (!s->readonly && len > 4 && strcmp(nm + len - 4, ".tmp") == 0)
        unlinkat(s->statefd, nm, 0);
      continue;
    }
    char id[MANIFEST_ID_MAX + 8];
    if (len < 7 || len - 6 > MANIFEST_ID_MAX || strcmp(nm + len - 6, ".state") != 0)
      continue;
    memcpy(id, nm, len - 6);
    id[len - 6] = '\0';
    if (!manifest_id_ok(id))
      continue;
    struct entry *en = add_entry(s, id);
    if (!en) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory loading the pack store");
      break;
    }
    char *text = NULL;
    size_t tlen;
    struct kerr re;
    struct entry parsed;
    if (fsutil_read_at(s->statefd, nm, STATE_MAX_BYTES, &text, &tlen, &re) == 0 &&
        strlen(text) == tlen && parse_state(id, text, &parsed) == 0) {
      *en = parsed;
    } else {
      recover_state(s, en);
    }
    vinfo_sync(en);
    free(text);
  }
  closedir(d);
  return rc;
}

/* Deletes every version folder of en that is neither current nor previous.
 * Returns how many were removed. */
static int prune_versions(struct store *s, const struct entry *en, int idfd, int with_faults)
{
  int fd = dup(idfd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0)
      close(fd);
    return 0;
  }
  int removed = 0;
  for (int again = 1; again;) {
    again = 0;
    rewinddir(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
        continue;
      uint64_t v;
      if (parse_u64(de->d_name, &v) == 0 && v != 0 && (v == en->current || v == en->previous))
        continue;
      char name[NAME_MAX + 1];
      snprintf(name, sizeof name, "%s", de->d_name);
      struct kerr e;
      if (fsutil_remove_tree_at(idfd, name, &e) != 0) {
        log_warn("store: could not delete %s/packs/%s/%s: %s", s->dir, en->id, name, e.msg);
        continue;
      }
      removed++;
      again = 1;
      if (with_faults)
        fsutil_fault_point("commit-pruned-one");
      break; /* the directory stream changed under us: list again */
    }
  }
  closedir(d);
  return removed;
}

/* At open: removes pack folders no state names (installs cut short before
 * their commit point) and versions older than the previous. */
static void remove_orphans(struct store *s)
{
  int fd = dup(s->packsfd);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (!d) {
    if (fd >= 0)
      close(fd);
    return;
  }
  for (int again = 1; again;) {
    again = 0;
    rewinddir(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
        continue;
      const struct entry *en = manifest_id_ok(de->d_name) ? find_entry(s, de->d_name) : NULL;
      char name[NAME_MAX + 1];
      snprintf(name, sizeof name, "%s", de->d_name);
      struct kerr e;
      if (!en) {
        log_info("store: removing %s/packs/%s, an install that was cut "
                 "short",
                 s->dir, name);
        if (fsutil_remove_tree_at(s->packsfd, name, &e) != 0) {
          log_warn("store: %s", e.msg);
          continue;
        }
        again = 1;
        break;
      }
      int idfd;
      if (fsutil_open_dir_at(s->packsfd, name, 0, 0, &idfd, &e) == 0) {
        if (prune_versions(s, en, idfd, 0) > 0)
          fsutil_fsync_fd(idfd, name, NULL);
        close(idfd);
      }
    }
  }
  closedir(d);
  fsutil_fsync_fd(s->packsfd, "packs", NULL);
}

/* The "created" time of version v of id, or 0 if unreadable. */
static int64_t created_of(struct store *s, const char *id, uint64_t v)
{
  char rel[MANIFEST_ID_MAX + 48], *json = NULL;
  size_t len;
  struct kerr e;
  struct manifest *m = NULL;
  int64_t t = 0;
  snprintf(rel, sizeof rel, "%s/%" PRIu64 "/pack.json", id, v);
  if (s->packsfd >= 0 &&
      fsutil_read_at(s->packsfd, rel, MANIFEST_MAX_BYTES, &json, &len, &e) == 0 &&
      manifest_parse(json, len, MANIFEST_PACK, &m, &e) == 0)
    t = m->created;
  manifest_free(m);
  free(json);
  return t;
}

static void load_time_floor(struct store *s)
{
  char *text = NULL;
  size_t len;
  struct kerr e;
  int64_t t = 0, anchor = 0;
  int have = 0;
  if (fsutil_read_at(s->dirfd, "time-floor", 64, &text, &len, &e) == 0) {
    char *end;
    long long v = strtoll(text, &end, 10);
    if (end != text && (*end == '\n' || *end == '\0') && v > 0) {
      t = v;
      have = 1;
      long long a;
      if (*end == '\n' && sscanf(end + 1, "anchor %lld", &a) == 1 && a > 0)
        anchor = a;
    } else {
      log_warn("store: %s/time-floor is damaged; rebuilding it from the "
               "installed packs",
               s->dir);
    }
  }
  free(text);
  s->time_floor_disk = t;
  s->anchor_disk = anchor;
  if (timefloor_init(&s->tf, t, anchor) && have && t > s->tf.floor)
    log_warn("store: %s/time-floor was %lld, far ahead of anything signed; "
             "it is %lld now",
             s->dir, (long long)t, (long long)s->tf.floor);
  /* The installed packs' "created" times count too (a crash may have come
   * between a commit and its floor), as the rule believes them: a typo'd
   * future date does not. */
  for (size_t i = 0; i < s->n; i++) {
    const struct entry *en = &s->ents[i];
    uint64_t vs[2] = {en->current, en->previous};
    for (int k = 0; k < 2; k++)
      if (vs[k] && timefloor_note_signed(&s->tf, created_of(s, en->id, vs[k]), 0) < 0)
        log_warn("store: %s version %" PRIu64 " says it was made far in the "
                 "future; the time floor does not follow it",
                 en->id, vs[k]);
  }
}

/* ---------------------------------------------------------- open/close */

static int open_sub(struct store *s, const char *name, int *fd, struct kerr *e)
{
  int rc = fsutil_open_dir_at(s->dirfd, name, !s->readonly, 0755, fd, e);
  if (rc == KERR_NOENT && s->readonly) {
    *fd = -1;
    return 0;
  }
  if (rc)
    kerr_prefix(e, "pack store %s", s->dir);
  return rc;
}

static int open_common(const char *dir, int readonly, struct store **out, struct kerr *e)
{
  *out = NULL;
  if (sodium_init() < 0)
    return kerr_set(e, KERR_STORE,
                    "could not start the crypto library "
                    "(libsodium)");
  struct store *s = calloc(1, sizeof *s);
  if (!s)
    return kerr_set(e, KERR_NOMEM, "out of memory opening the pack store");
  s->dirfd = s->packsfd = s->statefd = s->stagingfd = s->lockfd = -1;
  s->readonly = readonly;
  s->reserve = STORE_DEFAULT_RESERVE_BYTES;
  pthread_mutex_init(&s->mu, NULL);
  pthread_mutex_init(&s->vmu, NULL);
  int rc;
  s->dir = strdup(dir);
  if (!s->dir) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory opening the pack store");
    goto fail;
  }
  if (!readonly && fsutil_mkdir_p(dir, 0755, e)) {
    rc = KERR_STORE; /* as any other store folder that cannot be opened */
    if (e)
      e->code = rc;
    goto fail;
  }
  s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s->dirfd < 0) {
    rc = kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_STORE, errno,
                    "could not open the pack store %s", dir);
    goto fail;
  }
  if (!readonly) {
    s->lockfd = openat(s->dirfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (s->lockfd < 0) {
      rc = kerr_errno(e, KERR_STORE, errno, "could not create %s/lock", dir);
      goto fail;
    }
    if (flock(s->lockfd, LOCK_EX | LOCK_NB) != 0) {
      rc = kerr_set(e, KERR_STORE,
                    "the pack store %s is in use by another "
                    "kiosk program; stop it first (systemctl stop kiosk)",
                    dir);
      goto fail;
    }
    /* Staging left by a crash is never resumed: start it afresh. */
    if ((rc = fsutil_remove_tree_at(s->dirfd, "staging", e))) {
      kerr_prefix(e, "pack store %s: could not clear leftover staging", dir);
      goto fail;
    }
    unlinkat(s->dirfd, ".time-floor.tmp", 0);
  }
  if ((rc = open_sub(s, "packs", &s->packsfd, e)) || (rc = open_sub(s, "state", &s->statefd, e)))
    goto fail;
  if (!readonly) {
    if ((rc = open_sub(s, "staging", &s->stagingfd, e)))
      goto fail;
    if ((rc = fsutil_fsync_fd(s->dirfd, dir, e)))
      goto fail;
  }
  if ((rc = load_states(s, e)))
    goto fail;
  if (!readonly && s->packsfd >= 0)
    remove_orphans(s);
  load_time_floor(s);
  *out = s;
  return 0;
fail:
  store_close(s);
  return rc;
}

int store_open(const char *dir, struct store **out, struct kerr *e)
{
  return open_common(dir, 0, out, e);
}

int store_open_readonly(const char *dir, struct store **out, struct kerr *e)
{
  return open_common(dir, 1, out, e);
}

void store_close(struct store *s)
{
  if (!s)
    return;
  int fds[] = {s->packsfd, s->statefd, s->stagingfd, s->dirfd, s->lockfd};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    if (fds[i] >= 0)
      close(fds[i]); /* closing lockfd releases the flock */
  pthread_mutex_destroy(&s->mu);
  pthread_mutex_destroy(&s->vmu);
  free(s->ents);
  free(s->dir);
  free(s);
}

void store_set_reserve(struct store *s, uint64_t bytes)
{
  s->reserve = bytes;
}

void store_set_verifier(struct store *s, store_verify_fn *fn, void *ctx)
{
  pthread_mutex_lock(&s->vmu);
  s->verify = fn;
  s->verify_ctx = ctx;
  pthread_mutex_unlock(&s->vmu);
}

/* ------------------------------------------------------------- seals */

/* Opens dfd/path's folder without following symlinks and stats the file
 * in it, not following a final symlink either. 0 or -1 (errno set). */
static int stat_member(int dfd, const char *path, struct stat *sb)
{
  char dir[MANIFEST_PATH_MAX + 1];
  const char *slash = strrchr(path, '/');
  size_t dl = slash ? (size_t)(slash - path) : 0;
  memcpy(dir, path, dl);
  dir[dl] = '\0';
  int sub;
  if (fsutil_open_dir_at(dfd, dir, 0, 0, &sub, NULL) != 0) {
    errno = ENOENT;
    return -1;
  }
  int rc = fstatat(sub, slash ? slash + 1 : path, sb, AT_SYMLINK_NOFOLLOW);
  int err = errno;
  close(sub);
  errno = err;
  return rc;
}

/* The seal of the version in dfd described by m (whose pack.json bytes
 * are m->raw), checked at time checked, as a new string; NULL if a file
 * cannot be stat()ed or out of memory. */
static char *format_seal(int dfd, const struct manifest *m, int64_t checked)
{
  size_t cap = 256 + m->n_files * (MANIFEST_PATH_MAX + 96), len = 0;
  char *buf = malloc(cap);
  if (!buf)
    return NULL;
  unsigned char h[MANIFEST_HASH_BYTES];
  char hex[2 * MANIFEST_HASH_BYTES + 1];
  manifest_hash(m, h);
  hex_encode(h, sizeof h, hex);
  len +=
      (size_t)snprintf(buf, cap, SEAL_MAGIC "\nmanifest %s\nchecked %" PRId64 "\n", hex, checked);
  for (size_t i = 0; i < m->n_files; i++) {
    struct stat sb;
    if (stat_member(dfd, m->files[i].path, &sb) != 0) {
      free(buf);
      return NULL;
    }
    len += (size_t)snprintf(buf + len, cap - len, "f %" PRIu64 " %lld.%09ld %lld.%09ld %s\n",
                            (uint64_t)sb.st_size, (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec,
                            (long long)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec, m->files[i].path);
    if (len >= cap) {
      free(buf);
      return NULL;
    }
  }
  return buf;
}

/* Writes the seal of the staged version in dfd, checked now; the commit's
 * tree fsync makes it durable with the rest. */
static int stage_seal(int dfd, const struct manifest *m, struct kerr *e)
{
  char *text = format_seal(dfd, m, (int64_t)time(NULL));
  if (!text)
    return kerr_errno(e, KERR_IO, errno, "%s: could not note the staged files", m->id);
  int fd, rc = fsutil_create_at(dfd, SEAL_NAME, 0644, &fd, e);
  if (rc == 0) {
    size_t len = strlen(text), off = 0;
    while (off < len) {
      ssize_t w = write(fd, text + off, len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0) {
        rc = kerr_errno(e, KERR_IO, errno, "%s: could not write its seal", m->id);
        break;
      }
      off += (size_t)w;
    }
    close(fd);
  }
  free(text);
  return rc;
}

/* Parses "S.NS" into a timespec. -1 if malformed. */
static int parse_ts(const char *s, struct timespec *ts)
{
  char *end;
  errno = 0;
  long long sec = strtoll(s, &end, 10);
  if (errno || *end != '.')
    return -1;
  const char *ns = end + 1;
  long v = strtol(ns, &end, 10);
  if (errno || end - ns != 9 || *end || v < 0)
    return -1;
  ts->tv_sec = (time_t)sec;
  ts->tv_nsec = v;
  return 0;
}

/* The quick verdicts. */
enum quick { QUICK_SOUND, QUICK_RECHECK };

/* Compares the files of the version in dfd with m and its seal. Returns
 * QUICK_SOUND, QUICK_RECHECK (the seal is missing or does not match: hash
 * again), or KERR_CORRUPT with e naming a file that is missing or of the
 * wrong size. *checked is the seal's time (0 without one). */
static int quick_files(int dfd, const struct manifest *m, int64_t *checked, struct kerr *e)
{
  *checked = 0;
  char *seal = NULL;
  size_t slen = 0;
  struct kerr se;
  size_t cap = 256 + m->n_files * (MANIFEST_PATH_MAX + 96);
  int sealed = fsutil_read_at(dfd, SEAL_NAME, cap, &seal, &slen, &se) == 0 && strlen(seal) == slen;
  char *save = NULL, *line = sealed ? strtok_r(seal, "\n", &save) : NULL;
  if (!line || strcmp(line, SEAL_MAGIC) != 0)
    sealed = 0;
  if (sealed) {
    unsigned char h[MANIFEST_HASH_BYTES], want[MANIFEST_HASH_BYTES];
    manifest_hash(m, h);
    line = strtok_r(NULL, "\n", &save);
    if (!line || strncmp(line, "manifest ", 9) || hex_decode(line + 9, want, sizeof want) ||
        memcmp(h, want, sizeof h))
      sealed = 0;
  }
  if (sealed) {
    line = strtok_r(NULL, "\n", &save);
    long long t = 0;
    char *end = NULL;
    if (line && !strncmp(line, "checked ", 8))
      t = strtoll(line + 8, &end, 10);
    if (!end || *end || t <= 0)
      sealed = 0;
    else
      *checked = t;
  }
  int verdict = sealed ? QUICK_SOUND : QUICK_RECHECK;
  for (size_t i = 0; i < m->n_files; i++) {
    const struct manifest_file *f = &m->files[i];
    struct stat sb;
    if (stat_member(dfd, f->path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
      free(seal);
      return kerr_set(e, KERR_CORRUPT, "\"%s\" is missing", f->path);
    }
    if ((uint64_t)sb.st_size != f->size) {
      free(seal);
      return kerr_set(e, KERR_CORRUPT, "\"%s\" has the wrong size", f->path);
    }
    if (verdict != QUICK_SOUND)
      continue;
    /* "f <size> <mtime> <ctime> <path>" */
    line = strtok_r(NULL, "\n", &save);
    char *fields[4] = {0};
    char *p = line;
    for (int k = 0; k < 4 && p; k++) {
      if (k == 0 ? strncmp(p, "f ", 2) : 0)
        break;
      char *sp = strchr(k == 0 ? p + 2 : p, ' ');
      fields[k] = k == 0 ? p + 2 : p;
      if (!sp) {
        fields[k] = NULL;
        break;
      }
      *sp = '\0';
      p = sp + 1;
    }
    struct timespec mt, ct;
    uint64_t size;
    if (!fields[0] || !fields[2] || !p || parse_u64(fields[0], &size) || size != f->size ||
        parse_ts(fields[1], &mt) || parse_ts(fields[2], &ct) || strcmp(p, f->path) ||
        mt.tv_sec != sb.st_mtim.tv_sec || mt.tv_nsec != sb.st_mtim.tv_nsec ||
        ct.tv_sec != sb.st_ctim.tv_sec || ct.tv_nsec != sb.st_ctim.tv_nsec)
      verdict = QUICK_RECHECK;
  }
  free(seal);
  return verdict;
}

/* ------------------------------------------------- revoked signing keys */

/* 1 when version v of id was signed by a key that t revoked. */
static int signed_by_revoked(struct store *s, const char *id, uint64_t v, const struct sig_trust *t)
{
  char rel[MANIFEST_ID_MAX + 48], *text = NULL;
  size_t len = 0;
  struct kerr e;
  snprintf(rel, sizeof rel, "%s/%" PRIu64 "/pack.json.minisig", id, v);
  if (fsutil_read_at(s->packsfd, rel, STORE_MAX_SIG_BYTES, &text, &len, &e) != 0)
    return 0; /* unreadable: the check finds it damaged */
  struct sig_minisig *ms = NULL;
  int revoked = 0;
  if (sig_minisig_parse(text, len, rel, &ms, &e) == 0) {
    revoked = sig_trust_revoked(t, sig_minisig_key_id(ms));
    sig_minisig_free(ms);
  }
  free(text);
  return revoked;
}

int store_forget_revoked(struct store *s, const struct sig_trust *t, struct kerr *e)
{
  if (s->readonly || !t)
    return 0;
  int rc = 0;
  pthread_mutex_lock(&s->mu);
  for (size_t i = 0; i < s->n; i++) {
    struct entry *en = &s->ents[i];
    struct entry next = *en;
    size_t kept = 0;
    char gone[STORE_FLOOR_KEYS * (SIG_KEYID_BUFSZ + 2)] = "";
    for (size_t k = 0; k < en->n_fby; k++) {
      if (!sig_trust_revoked(t, en->fby[k].key_id)) {
        next.fby[kept++] = en->fby[k];
        continue;
      }
      char kid[SIG_KEYID_BUFSZ];
      sig_keyid_format(en->fby[k].key_id, kid);
      size_t at = strlen(gone);
      snprintf(gone + at, sizeof gone - at, "%s%s", at ? ", " : "", kid);
    }
    next.n_fby = kept;
    /* Nothing revoked here, and no floor held up by a version since gone. */
    if (kept == en->n_fby && en->floor == floor_of(en))
      continue;
    if (next.current && signed_by_revoked(s, en->id, next.current, t)) {
      next.current =
          next.previous && !signed_by_revoked(s, en->id, next.previous, t) ? next.previous : 0;
      next.previous = 0;
    } else if (next.previous && signed_by_revoked(s, en->id, next.previous, t)) {
      next.previous = 0;
    }
    vinfo_sync(&next);
    next.floor = floor_of(&next);
    if (next.floor != en->floor)
      next.has_floor_hash = 0; /* the hash was of a version no longer the floor */
    struct kerr we;
    if (write_state(s, &next, &we) != 0) {
      log_error("store: %s: could not forget the versions of a revoked key (%s); until the "
                "next install tries again, a pack of this id must be above the old version",
                en->id, we.msg);
      if (!rc)
        rc = kerr_set(e, we.code, "%s", we.msg);
      continue;
    }
    if (gone[0])
      log_warn("store: %s: versions signed by revoked key(s) %s no longer count; a pack above "
               "version %" PRIu64 " now installs",
               en->id, gone, next.floor);
    if (en->current != next.current)
      log_warn("store: %s: version %" PRIu64 " was signed by a revoked key and is not shown "
               "any more",
               en->id, en->current);
    *en = next;
  }
  pthread_mutex_unlock(&s->mu);
  return rc;
}

/* ------------------------------------------------------------- staging */

/* The version rule, with s->mu held. 0 if m may be installed. */
static int check_version(struct store *s, const struct manifest *m, struct kerr *e)
{
  const struct entry *en = find_entry(s, m->id);
  if (!en || m->version > en->floor)
    return 0;
  if (m->version == en->floor) {
    /* The highest version again: the same signed manifest is either what
     * is current ("already installed") or a repair of a version that was
     * found damaged; different bytes under the same number are refused. */
    int same;
    if (en->has_floor_hash) {
      unsigned char h[MANIFEST_HASH_BYTES];
      manifest_hash(m, h);
      same = memcmp(h, en->floor_hash, sizeof h) == 0;
    } else {
      /* A state rebuilt after damage has no hash: compare with the disk. */
      char rel[MANIFEST_ID_MAX + 48], *json = NULL;
      size_t len = 0;
      struct kerr re;
      snprintf(rel, sizeof rel, "%s/%" PRIu64 "/pack.json", m->id, m->version);
      same = en->current == m->version &&
          fsutil_read_at(s->packsfd, rel, MANIFEST_MAX_BYTES, &json, &len, &re) == 0 &&
          len == m->raw_len && memcmp(json, m->raw, len) == 0;
      free(json);
    }
    if (same && en->current == m->version)
      return kerr_set(e, KERR_SAME,
                      "%s version %" PRIu64 " is already "
                      "installed; nothing to do",
                      m->id, m->version);
    if (same)
      return 0;
    return kerr_set(e, KERR_OLDER,
                    "%s version %" PRIu64 " was already "
                    "installed with different contents; ask the content "
                    "team for a pack with a higher version number",
                    m->id, m->version);
  }
  return kerr_set(e, KERR_OLDER,
                  "%s version %" PRIu64 " is older than "
                  "version %" PRIu64 ", which this kiosk already had; older "
                  "packs are refused so that outdated information cannot "
                  "come back — ask the content team for a newer pack",
                  m->id, m->version, en->floor);
}

int store_stage_begin(struct store *s, const struct manifest *m, struct store_stage **out,
                      struct kerr *e)
{
  *out = NULL;
  if (s->readonly)
    return kerr_set(e, KERR_STORE,
                    "the pack store %s was opened read-only; "
                    "installing is not possible",
                    s->dir);
  if (m->format != MANIFEST_FORMAT || !m->raw)
    return kerr_set(e, KERR_INVAL,
                    "%s: the manifest was not read as a "
                    "signed pack",
                    m->id);
  pthread_mutex_lock(&s->mu);
  int rc = check_version(s, m, e);
  unsigned long seq = ++s->seq;
  pthread_mutex_unlock(&s->mu);
  if (rc)
    return rc;

  /* Room for the files, rounded up to filesystem blocks, and the reserve. */
  uint64_t need = m->total_bytes + (uint64_t)m->n_files * 4096 + m->raw_len + 65536, avail;
  if ((rc = fsutil_free_bytes_fd(s->dirfd, &avail, e))) {
    kerr_prefix(e, "pack store %s", s->dir);
    return rc;
  }
  if (avail < need || avail - need < s->reserve) {
    char a[32], n[32];
    units_bytes(need, n, sizeof n);
    units_bytes(avail > s->reserve ? avail - s->reserve : 0, a, sizeof a);
    return kerr_set(e, KERR_NOSPACE,
                    "not enough free space on the kiosk to "
                    "install %s version %" PRIu64 ": it needs %s and %s can "
                    "be used — ask the content team for a smaller pack or "
                    "fit a bigger SD card",
                    m->id, m->version, n, a);
  }

  struct store_stage *st = calloc(1, sizeof *st);
  if (!st)
    return kerr_set(e, KERR_NOMEM, "out of memory staging %s", m->id);
  st->s = s;
  st->m = m;
  st->fd = -1;
  snprintf(st->name, sizeof st->name, "%s-%" PRIu64 "-%lu", m->id, m->version, seq);
  if ((rc = fsutil_remove_tree_at(s->stagingfd, st->name, e)) ||
      (rc = fsutil_open_dir_at(s->stagingfd, st->name, 1, 0755, &st->fd, e))) {
    kerr_prefix(e, "%s/staging", s->dir);
    free(st);
    return rc;
  }
  fsutil_fault_point("stage-begin");
  *out = st;
  return 0;
}

int store_stage_create(struct store_stage *st, const char *relpath, int *fd, struct kerr *e)
{
  *fd = -1;
  int rc = manifest_path_ok(relpath, e);
  if (rc) {
    kerr_prefix(e, "%s", st->m->id);
    return rc;
  }
  if (!manifest_find_file(st->m, relpath))
    return kerr_set(e, KERR_MEMBER,
                    "%s: the file \"%s\" is not listed in "
                    "pack.json",
                    st->m->id, relpath);
  rc = fsutil_create_at(st->fd, relpath, 0644, fd, e);
  if (rc)
    kerr_prefix(e, "%s/staging/%s", st->s->dir, st->name);
  else
    fsutil_fault_point("stage-member-created");
  return rc;
}

static int put_file(struct store_stage *st, const char *name, const char *data, size_t len,
                    struct kerr *e)
{
  int fd;
  int rc = fsutil_create_at(st->fd, name, 0644, &fd, e);
  if (rc) {
    kerr_prefix(e, "%s/staging/%s", st->s->dir, st->name);
    return rc;
  }
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, data + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      int err = errno;
      close(fd);
      return kerr_errno(e, err == ENOSPC ? KERR_NOSPACE : KERR_IO, err,
                        "%s/staging/%s/%s: could not write", st->s->dir, st->name, name);
    }
    off += (size_t)w;
  }
  if (close(fd) != 0)
    return kerr_errno(e, KERR_IO, errno, "%s/staging/%s/%s: could not write", st->s->dir, st->name,
                      name);
  return 0;
}

int store_stage_put_meta(struct store_stage *st, const char *json, size_t json_len, const char *sig,
                         size_t sig_len, struct kerr *e)
{
  if (json_len != st->m->raw_len || memcmp(json, st->m->raw, json_len) != 0)
    return kerr_set(e, KERR_INVAL,
                    "%s: pack.json given to the store differs "
                    "from the one that was checked",
                    st->m->id);
  if (sig_len > STORE_MAX_SIG_BYTES)
    return kerr_set(e, KERR_SIG,
                    "%s: pack.json.minisig is %zu bytes; at "
                    "most %d are allowed",
                    st->m->id, sig_len, STORE_MAX_SIG_BYTES);
  int rc = put_file(st, "pack.json", json, json_len, e);
  if (rc == 0)
    rc = put_file(st, "pack.json.minisig", sig, sig_len, e);
  if (rc == 0) {
    /* The signer, for the floor it raises; a signature this store cannot
     * read (unit tests give the store stand-ins) raises floor-base
     * instead. */
    struct sig_minisig *ms = NULL;
    if (sig_minisig_parse(sig, sig_len, "pack.json.minisig", &ms, NULL) == 0) {
      st->has_signer = 1;
      st->signer = sig_minisig_key_id(ms);
      sig_minisig_free(ms);
    }
    st->meta_done = 1;
    fsutil_fault_point("stage-meta-written");
  }
  return rc;
}

/* Every listed file is in the stage, a regular file of its declared size. */
static int check_staged_sizes(struct store_stage *st, struct kerr *e)
{
  const struct manifest *m = st->m;
  for (size_t i = 0; i < m->n_files; i++) {
    const struct manifest_file *f = &m->files[i];
    char dir[MANIFEST_PATH_MAX + 1];
    const char *slash = strrchr(f->path, '/');
    size_t dl = (size_t)(slash - f->path);
    memcpy(dir, f->path, dl);
    dir[dl] = '\0';
    int dfd;
    struct stat sb;
    int ok = fsutil_open_dir_at(st->fd, dir, 0, 0, &dfd, NULL) == 0;
    if (ok) {
      ok = fstatat(dfd, slash + 1, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode);
      close(dfd);
    }
    if (!ok)
      return kerr_set(e, KERR_MEMBER,
                      "%s: the file \"%s\" listed in "
                      "pack.json was not found in the pack",
                      m->id, f->path);
    if ((uint64_t)sb.st_size != f->size)
      return kerr_set(e, KERR_MEMBER,
                      "%s: the file \"%s\" has %lld bytes "
                      "but pack.json says %" PRIu64,
                      m->id, f->path, (long long)sb.st_size, f->size);
  }
  return 0;
}

void store_stage_abort(struct store_stage *st)
{
  if (!st)
    return;
  if (st->fd >= 0)
    close(st->fd);
  struct kerr e;
  if (fsutil_remove_tree_at(st->s->stagingfd, st->name, &e) != 0)
    log_warn("store: could not remove %s/staging/%s (it will be removed at "
             "the next start): %s",
             st->s->dir, st->name, e.msg);
  free(st);
}

int store_stage_commit(struct store_stage *st, struct kerr *e)
{
  struct store *s = st->s;
  const struct manifest *m = st->m;
  char vname[24];
  snprintf(vname, sizeof vname, "%" PRIu64, m->version);
  int rc, idfd = -1, renamed = 0, locked = 0;

  if (!st->meta_done) {
    rc = kerr_set(e, KERR_INVAL,
                  "%s: pack.json was not staged before the "
                  "commit",
                  m->id);
    goto fail;
  }
  if ((rc = check_staged_sizes(st, e)) || (rc = stage_seal(st->fd, m, e)))
    goto fail;
  fsutil_fault_point("commit-begin");
  if ((rc = fsutil_fsync_tree_at(s->stagingfd, st->name, e))) {
    kerr_prefix(e, "%s/staging", s->dir);
    goto fail;
  }
  close(st->fd);
  st->fd = -1;
  fsutil_fault_point("commit-staged-synced");

  pthread_mutex_lock(&s->mu);
  locked = 1;
  /* Another stage of this id may have committed since ours began. */
  if ((rc = check_version(s, m, e)))
    goto fail;
  const struct entry *old = find_entry(s, m->id);
  struct entry next;
  memset(&next, 0, sizeof next);
  copy_id(next.id, m->id);
  if (old)
    next = *old;
  if ((rc = fsutil_open_dir_at(s->packsfd, m->id, 1, 0755, &idfd, e)) ||
      (rc = fsutil_fsync_fd(s->packsfd, "packs", e))) {
    kerr_prefix(e, "%s/packs", s->dir);
    goto fail;
  }
  fsutil_fault_point("commit-id-dir");
  /* A folder of this version that no state names is a half-finished or
   * damaged install of it: clear it out of the way. */
  if (next.current == m->version || next.previous == m->version) {
    rc = kerr_set(e, KERR_STORE,
                  "%s/packs/%s/%s is in use; cannot replace "
                  "it",
                  s->dir, m->id, vname);
    goto fail;
  }
  if ((rc = fsutil_remove_tree_at(idfd, vname, e))) {
    kerr_prefix(e, "%s/packs/%s", s->dir, m->id);
    goto fail;
  }
  fsutil_fault_point("commit-before-rename");
  if (renameat(s->stagingfd, st->name, idfd, vname) != 0) {
    rc = kerr_errno(e, KERR_IO, errno,
                    "%s: could not move the staged pack "
                    "into %s/packs/%s/%s",
                    m->id, s->dir, m->id, vname);
    goto fail;
  }
  renamed = 1;
  fsutil_fault_point("commit-renamed");
  if ((rc = fsutil_fsync_fd(idfd, m->id, e)) || (rc = fsutil_fsync_fd(s->stagingfd, "staging", e)))
    goto fail;
  fsutil_fault_point("commit-dirs-synced");

  /* The commit point: the new state names the new version. */
  next.previous = next.current;
  next.current = m->version;
  for (int i = 0; i < 2; i++)
    if (next.vi[i].version == m->version)
      next.vi[i].version = 0; /* a version found damaged, now replaced */
  vinfo_sync(&next);
  next.vi[0] = (struct vinfo){m->version, m->total_bytes, (int64_t)time(NULL), 0};
  if (st->has_signer)
    floor_note(&next, st->signer, m->version);
  else if (m->version > next.floor_base)
    next.floor_base = m->version;
  if (m->version >= next.floor) {
    next.has_floor_hash = 1;
    manifest_hash(m, next.floor_hash);
  }
  next.floor = floor_of(&next);
  if ((rc = write_state(s, &next, e)))
    goto fail;
  fsutil_fault_point("commit-state-written");
  struct entry *en = find_entry(s, m->id);
  if (!en)
    en = add_entry(s, m->id);
  if (en)
    *en = next;
  else
    log_error("store: out of memory noting that %s version %s is installed; "
              "it will show after a restart",
              m->id, vname);
  uint64_t prev = next.previous;

  /* Everything below is tidying: the install has happened. */
  if (timefloor_note_signed(&s->tf, m->created, (int64_t)time(NULL)) < 0)
    log_warn("store: %s version %s says it was made far in the future; the "
             "time floor does not follow it",
             m->id, vname);
  struct kerr te;
  if (write_time_floor(s, &s->tf, &te) != 0)
    log_warn("store: could not save the time floor: %s", te.msg);
  fsutil_fault_point("commit-time-floor-written");
  pthread_mutex_unlock(&s->mu);
  locked = 0;

  if (prune_versions(s, &next, idfd, 1) > 0)
    fsutil_fsync_fd(idfd, m->id, NULL);
  fsutil_fault_point("commit-done");
  close(idfd);
  free(st);
  if (prev)
    log_info("store: installed %s version %s; version %" PRIu64 " is kept "
             "as the fallback",
             m->id, vname, prev);
  else
    log_info("store: installed %s version %s", m->id, vname);
  return 0;

fail:
  if (renamed) {
    /* Not committed: take the unnamed version folder away again. */
    struct kerr re;
    if (fsutil_remove_tree_at(idfd, vname, &re) != 0)
      log_warn("store: %s", re.msg);
  }
  if (locked)
    pthread_mutex_unlock(&s->mu);
  if (idfd >= 0)
    close(idfd);
  store_stage_abort(st);
  return rc;
}

/* ------------------------------------------------------------ checking */

/* Streams fd through BLAKE2b-256 in chunks of buf, calling pace after each
 * one; KERR_CORRUPT if its type, size or hash differs from f, 1 if pace
 * stopped it. With pace (a background check), the pages read are dropped
 * from the page cache again so that the pages on screen keep theirs. */
static int check_file(int dfd, const struct manifest_file *f, unsigned char *buf,
                      store_pace_fn *pace, void *pace_ctx, struct kerr *e)
{
  char dir[MANIFEST_PATH_MAX + 1];
  const char *slash = strrchr(f->path, '/');
  size_t dl = slash ? (size_t)(slash - f->path) : 0;
  memcpy(dir, f->path, dl);
  dir[dl] = '\0';
  int sub, fd = -1;
  if (fsutil_open_dir_at(dfd, dir, 0, 0, &sub, NULL) == 0) {
    fd = openat(sub, slash ? slash + 1 : f->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    close(sub);
  }
  if (fd < 0)
    return kerr_set(e, KERR_CORRUPT, "\"%s\" is missing", f->path);
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size != f->size) {
    close(fd);
    return kerr_set(e, KERR_CORRUPT, "\"%s\" has the wrong size", f->path);
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  crypto_generichash_state hs;
  crypto_generichash_init(&hs, NULL, 0, MANIFEST_HASH_BYTES);
  uint64_t total = 0;
  for (;;) {
    ssize_t r = read(fd, buf, STORE_CHECK_CHUNK_BYTES);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int err = errno;
      close(fd);
      return kerr_errno(e, KERR_CORRUPT, err, "\"%s\" cannot be read", f->path);
    }
    if (r == 0)
      break;
    crypto_generichash_update(&hs, buf, (size_t)r);
    if (pace) {
      posix_fadvise(fd, (off_t)total, r, POSIX_FADV_DONTNEED);
      if (pace(pace_ctx, (uint64_t)r)) {
        close(fd);
        return 1;
      }
    }
    total += (uint64_t)r;
  }
  close(fd);
  unsigned char h[MANIFEST_HASH_BYTES];
  crypto_generichash_final(&hs, h, sizeof h);
  if (total != f->size || memcmp(h, f->blake2b, sizeof h) != 0)
    return kerr_set(e, KERR_CORRUPT,
                    "\"%s\" does not match its manifest "
                    "(damaged on the SD card?)",
                    f->path);
  return 0;
}

/* Opens version v of id: its folder (*dfd), pack.json parsed into *m,
 * which must name this id and version, and its signature re-verified when
 * a verifier is set. 0, or KERR_CORRUPT with e saying what is wrong. */
static int open_version(struct store *s, const char *id, uint64_t v, int *dfd, struct manifest **m,
                        struct kerr *e)
{
  char rel[MANIFEST_ID_MAX + 32];
  snprintf(rel, sizeof rel, "%s/%" PRIu64, id, v);
  *m = NULL;
  *dfd = -1;
  if (s->packsfd < 0 || fsutil_open_dir_at(s->packsfd, rel, 0, 0, dfd, NULL) != 0)
    return kerr_set(e, KERR_CORRUPT, "%s/packs/%s is missing", s->dir, rel);
  char *json = NULL, *sig = NULL;
  size_t jlen = 0, slen = 0;
  struct kerr me;
  int rc = 0;
  if (fsutil_read_at(*dfd, "pack.json", MANIFEST_MAX_BYTES, &json, &jlen, &me) != 0 ||
      manifest_parse(json, jlen, MANIFEST_PACK, m, &me) != 0) {
    rc = kerr_set(e, KERR_CORRUPT, "%s/packs/%s/pack.json is damaged (%s)", s->dir, rel, me.msg);
  } else if (strcmp((*m)->id, id) != 0 || (*m)->version != v) {
    rc = kerr_set(e, KERR_CORRUPT, "%s/packs/%s/pack.json names %s version %" PRIu64 " instead",
                  s->dir, rel, (*m)->id, (*m)->version);
  } else {
    pthread_mutex_lock(&s->vmu);
    if (s->verify &&
        (fsutil_read_at(*dfd, "pack.json.minisig", STORE_MAX_SIG_BYTES, &sig, &slen, &me) != 0 ||
         s->verify(s->verify_ctx, id, v, json, jlen, sig, slen, &me) != 0))
      rc = kerr_set(e, KERR_CORRUPT,
                    "%s/packs/%s: the signature no longer "
                    "checks out (%s)",
                    s->dir, rel, me.msg);
    pthread_mutex_unlock(&s->vmu);
  }
  free(json);
  free(sig);
  if (rc) {
    manifest_free(*m);
    *m = NULL;
    close(*dfd);
    *dfd = -1;
  }
  return rc;
}

/* Notes what a check found out about version v of id. */
static void note_checked(struct store *s, const char *id, uint64_t v, uint64_t bytes,
                         int64_t checked, int recheck)
{
  pthread_mutex_lock(&s->mu);
  struct entry *en = find_entry(s, id);
  struct vinfo *vi = en ? vinfo_of(en, v) : NULL;
  if (vi) {
    vi->bytes = bytes;
    if (checked)
      vi->checked = checked;
    vi->recheck = recheck;
  }
  pthread_mutex_unlock(&s->mu);
}

/* Checks version v of id fully. 0 if sound (its seal is written again),
 * 1 if pace stopped it, else KERR_CORRUPT with e naming the file. */
static int check_version_files(struct store *s, const char *id, uint64_t v, store_pace_fn *pace,
                               void *pace_ctx, struct kerr *e)
{
  int dfd, rc;
  struct manifest *m;
  if ((rc = open_version(s, id, v, &dfd, &m, e)))
    return rc;
  unsigned char *buf = malloc(STORE_CHECK_CHUNK_BYTES);
  if (!buf) {
    close(dfd);
    manifest_free(m);
    return kerr_set(e, KERR_NOMEM, "out of memory checking %s", id);
  }
  for (size_t i = 0; i < m->n_files && rc == 0; i++) {
    rc = check_file(dfd, &m->files[i], buf, pace, pace_ctx, e);
    if (rc < 0)
      kerr_prefix(e, "%s/packs/%s/%" PRIu64, s->dir, id, v);
  }
  free(buf);
  if (rc == 0) {
    int64_t now = (int64_t)time(NULL);
    note_checked(s, id, v, m->total_bytes, now, 0);
    char *seal = s->readonly ? NULL : format_seal(dfd, m, now);
    struct kerr we;
    if (seal && fsutil_write_atomic_at(dfd, SEAL_NAME, seal, strlen(seal), &we) != 0)
      log_warn("store: %s version %" PRIu64 ": could not note the check: %s", id, v, we.msg);
    free(seal);
  }
  close(dfd);
  manifest_free(m);
  return rc;
}

/* The quick check of version v of id: QUICK_SOUND, QUICK_RECHECK or
 * KERR_CORRUPT with e saying why. Notes what it found. */
static int quick_version(struct store *s, const char *id, uint64_t v, struct kerr *e)
{
  int dfd, rc;
  struct manifest *m;
  if ((rc = open_version(s, id, v, &dfd, &m, e)))
    return rc;
  int64_t checked;
  rc = quick_files(dfd, m, &checked, e);
  if (rc < 0)
    kerr_prefix(e, "%s/packs/%s/%" PRIu64, s->dir, id, v);
  else
    note_checked(s, id, v, m->total_bytes, checked, rc == QUICK_RECHECK);
  close(dfd);
  manifest_free(m);
  return rc;
}

/* Sets the state of id to (current, previous) if it is still (was_cur,
 * was_prev); writes it unless read-only. */
static void fall_back(struct store *s, const char *id, uint64_t was_cur, uint64_t cur,
                      uint64_t prev)
{
  pthread_mutex_lock(&s->mu);
  struct entry *en = find_entry(s, id);
  if (en && en->current == was_cur) {
    struct entry next = *en;
    next.current = cur;
    next.previous = prev;
    vinfo_sync(&next);
    struct kerr e;
    if (!s->readonly && write_state(s, &next, &e) != 0)
      log_error("store: could not save the fallback of %s: %s", id, e.msg);
    *en = next;
  }
  pthread_mutex_unlock(&s->mu);
}

/* What to do with version cur of id found damaged (ce says how): fall back
 * to prev if it passes the same kind of check. pace NULL and quick set: the
 * quick check. */
static int damaged_current(struct store *s, const char *id, uint64_t cur, uint64_t prev,
                           const struct kerr *ce, int quick, store_pace_fn *pace, void *pace_ctx,
                           struct kerr *e)
{
  log_warn("store: %s version %" PRIu64 " is damaged: %s", id, cur, ce->msg);
  if (prev) {
    struct kerr pe;
    int prc = quick ? quick_version(s, id, prev, &pe)
                    : check_version_files(s, id, prev, pace, pace_ctx, &pe);
    if (prc == 1 && !quick)
      return 1;
    if (prc >= 0) {
      fall_back(s, id, cur, prev, 0);
      log_warn("store: %s: showing the previous version %" PRIu64 " instead "
               "of version %" PRIu64 "; install version %" PRIu64 " again "
               "from a stick to repair it",
               id, prev, cur, cur);
      return kerr_set(e, KERR_CORRUPT,
                      "%s version %" PRIu64 " is damaged "
                      "(%s); showing version %" PRIu64 " instead — install "
                      "the pack again from a stick to repair it",
                      id, cur, ce->msg, prev);
    }
    log_warn("store: %s: the previous version %" PRIu64 " is damaged too: "
             "%s",
             id, prev, pe.msg);
  }
  fall_back(s, id, cur, 0, 0);
  log_warn("store: %s: nothing from this pack will be shown until it is "
           "installed again",
           id);
  return kerr_set(e, KERR_NOENT,
                  "%s version %" PRIu64 " is damaged (%s) and "
                  "no earlier version is available; nothing from this pack "
                  "will be shown — install it again from a stick",
                  id, cur, ce->msg);
}

/* The current and previous versions of id, or KERR_NOENT with e saying
 * why there is nothing to check. */
static int versions_of(struct store *s, const char *id, uint64_t *cur, uint64_t *prev,
                       struct kerr *e)
{
  pthread_mutex_lock(&s->mu);
  const struct entry *en = find_entry(s, id);
  *cur = en ? en->current : 0;
  *prev = en ? en->previous : 0;
  int known = en != NULL;
  pthread_mutex_unlock(&s->mu);
  if (!known)
    return kerr_set(e, KERR_NOENT, "no pack %s is installed", id);
  if (*cur == 0)
    return kerr_set(e, KERR_NOENT,
                    "pack %s has nothing to show: it was "
                    "found damaged earlier — install it again from a stick",
                    id);
  return 0;
}

int store_check(struct store *s, const char *id, struct kerr *e)
{
  uint64_t cur, prev;
  int rc = versions_of(s, id, &cur, &prev, e);
  if (rc)
    return rc;
  struct kerr ce;
  if (check_version_files(s, id, cur, NULL, NULL, &ce) == 0)
    return 0;
  return damaged_current(s, id, cur, prev, &ce, 0, NULL, NULL, e);
}

int store_check_quick(struct store *s, const char *id, struct kerr *e)
{
  uint64_t cur, prev;
  int rc = versions_of(s, id, &cur, &prev, e);
  if (rc)
    return rc;
  struct kerr ce;
  if (quick_version(s, id, cur, &ce) >= 0) {
    /* The fallback is looked at too, so that its size and seal are known;
     * one certainly damaged is no longer kept as the fallback. */
    struct kerr pe;
    if (prev && quick_version(s, id, prev, &pe) < 0) {
      log_warn("store: %s: the previous version %" PRIu64 " is damaged (%s); it is no "
               "longer kept as the fallback",
               id, prev, pe.msg);
      fall_back(s, id, cur, cur, 0);
    }
    return 0;
  }
  return damaged_current(s, id, cur, prev, &ce, 1, NULL, NULL, e);
}

int store_check_version(struct store *s, const char *id, uint64_t v, store_pace_fn *pace,
                        void *pace_ctx, struct kerr *e)
{
  uint64_t cur, prev;
  int rc = versions_of(s, id, &cur, &prev, e);
  if (rc == 0 && v != cur && v != prev)
    rc = kerr_set(e, KERR_INVAL, "%s version %" PRIu64 " is no longer installed", id, v);
  if (rc)
    return rc == KERR_NOENT ? KERR_INVAL : rc;
  struct kerr ce;
  rc = check_version_files(s, id, v, pace, pace_ctx, &ce);
  if (rc >= 0)
    return rc;
  if (v == cur)
    return damaged_current(s, id, cur, prev, &ce, 0, pace, pace_ctx, e);
  log_warn("store: %s: the previous version %" PRIu64 " is damaged (%s); it is no longer "
           "kept as the fallback",
           id, v, ce.msg);
  fall_back(s, id, cur, cur, 0);
  return kerr_set(e, KERR_CORRUPT, "%s: the previous version %" PRIu64 " is damaged (%s)", id, v,
                  ce.msg);
}

/* Runs check on every known id; each problem is logged. Returns how many
 * ids have something to show afterwards. */
static int check_every(struct store *s, int (*check)(struct store *, const char *, struct kerr *))
{
  struct store_pack_info *list;
  size_t n, showing = 0;
  struct kerr e;
  if (store_list(s, &list, &n, &e) != 0) {
    log_error("store: %s", e.msg);
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    int rc = check(s, list[i].id, &e);
    if (rc == 0 || rc == KERR_CORRUPT)
      showing++;
    else
      log_warn("store: %s", e.msg);
  }
  free(list);
  return (int)showing;
}

int store_check_all(struct store *s)
{
  return check_every(s, store_check);
}

int store_check_quick_all(struct store *s)
{
  return check_every(s, store_check_quick);
}

int store_versions(struct store *s, struct store_version **out, size_t *n, struct kerr *e)
{
  *out = NULL;
  *n = 0;
  pthread_mutex_lock(&s->mu);
  struct store_version *arr = calloc(2 * s->n + 1, sizeof *arr);
  if (!arr) {
    pthread_mutex_unlock(&s->mu);
    return kerr_set(e, KERR_NOMEM, "out of memory listing packs");
  }
  size_t k = 0;
  for (size_t i = 0; i < s->n; i++) {
    struct entry *en = &s->ents[i];
    uint64_t vs[2] = {en->current, en->previous};
    for (int j = 0; j < 2; j++) {
      const struct vinfo *vi = vinfo_of(en, vs[j]);
      if (!vi)
        continue;
      memcpy(arr[k].id, en->id, sizeof arr[k].id);
      arr[k].version = vi->version;
      arr[k].is_current = j == 0;
      arr[k].bytes = vi->bytes;
      arr[k].checked = vi->checked;
      arr[k].recheck = vi->recheck;
      k++;
    }
  }
  pthread_mutex_unlock(&s->mu);
  *out = arr;
  *n = k;
  return 0;
}

void store_mark_recheck_all(struct store *s)
{
  pthread_mutex_lock(&s->mu);
  for (size_t i = 0; i < s->n; i++)
    for (int j = 0; j < 2; j++)
      if (s->ents[i].vi[j].version)
        s->ents[i].vi[j].recheck = 1;
  pthread_mutex_unlock(&s->mu);
}

/* ------------------------------------------------------------- queries */

int store_list(struct store *s, struct store_pack_info **out, size_t *n, struct kerr *e)
{
  *out = NULL;
  *n = 0;
  pthread_mutex_lock(&s->mu);
  struct store_pack_info *arr = calloc(s->n ? s->n : 1, sizeof *arr);
  if (!arr) {
    pthread_mutex_unlock(&s->mu);
    return kerr_set(e, KERR_NOMEM, "out of memory listing packs");
  }
  for (size_t i = 0; i < s->n; i++) {
    memcpy(arr[i].id, s->ents[i].id, sizeof arr[i].id);
    arr[i].current = s->ents[i].current;
    arr[i].previous = s->ents[i].previous;
    arr[i].floor = s->ents[i].floor;
  }
  *n = s->n;
  pthread_mutex_unlock(&s->mu);
  *out = arr;
  return 0;
}

int store_info(struct store *s, const char *id, struct store_pack_info *out, struct kerr *e)
{
  pthread_mutex_lock(&s->mu);
  const struct entry *en = find_entry(s, id);
  if (en) {
    memcpy(out->id, en->id, sizeof out->id);
    out->current = en->current;
    out->previous = en->previous;
    out->floor = en->floor;
  }
  pthread_mutex_unlock(&s->mu);
  if (!en)
    return kerr_set(e, KERR_NOENT, "no pack %s is installed", id);
  return 0;
}

/* The current version of id, or KERR_NOENT. */
static int current_of(struct store *s, const char *id, uint64_t *v, struct kerr *e)
{
  pthread_mutex_lock(&s->mu);
  const struct entry *en = find_entry(s, id);
  *v = en ? en->current : 0;
  pthread_mutex_unlock(&s->mu);
  if (*v == 0)
    return kerr_set(e, KERR_NOENT, "pack %s has nothing installed to show", id);
  return 0;
}

int store_current_dir(struct store *s, const char *id, char *buf, size_t cap, struct kerr *e)
{
  uint64_t v;
  int rc = current_of(s, id, &v, e);
  if (rc)
    return rc;
  int n = snprintf(buf, cap, "%s/packs/%s/%" PRIu64, s->dir, id, v);
  if (n < 0 || (size_t)n >= cap)
    return kerr_set(e, KERR_INVAL,
                    "the folder name of pack %s is too long "
                    "for the buffer",
                    id);
  return 0;
}

int store_read_meta(struct store *s, const char *id, uint64_t version, char **json,
                    size_t *json_len, char **sig, size_t *sig_len, struct kerr *e)
{
  *json = *sig = NULL;
  *json_len = *sig_len = 0;
  if (!manifest_id_ok(id))
    return kerr_set(e, KERR_INVAL, "\"%s\" is not a pack id", id);
  int rc;
  if (version == 0 && (rc = current_of(s, id, &version, e)))
    return rc;
  char rel[MANIFEST_ID_MAX + 64];
  snprintf(rel, sizeof rel, "%s/%" PRIu64 "/pack.json", id, version);
  if (s->packsfd < 0)
    return kerr_set(e, KERR_NOENT, "the pack store %s is empty", s->dir);
  if ((rc = fsutil_read_at(s->packsfd, rel, MANIFEST_MAX_BYTES, json, json_len, e)))
    goto fail;
  snprintf(rel, sizeof rel, "%s/%" PRIu64 "/pack.json.minisig", id, version);
  if ((rc = fsutil_read_at(s->packsfd, rel, STORE_MAX_SIG_BYTES, sig, sig_len, e)))
    goto fail;
  return 0;
fail:
  kerr_prefix(e, "%s/packs", s->dir);
  free(*json);
  *json = NULL;
  *json_len = 0;
  return rc;
}

int store_current_manifest(struct store *s, const char *id, struct manifest **out, struct kerr *e)
{
  *out = NULL;
  uint64_t v;
  int rc = current_of(s, id, &v, e);
  if (rc)
    return rc;
  char rel[MANIFEST_ID_MAX + 48], *json = NULL;
  size_t len;
  snprintf(rel, sizeof rel, "%s/%" PRIu64 "/pack.json", id, v);
  if ((rc = fsutil_read_at(s->packsfd, rel, MANIFEST_MAX_BYTES, &json, &len, e)) ||
      (rc = manifest_parse(json, len, MANIFEST_PACK, out, e)))
    kerr_prefix(e, "%s/packs/%s", s->dir, rel);
  free(json);
  return rc;
}

/* ---------------------------------------------------- time floor rules */

int64_t store_time_floor(struct store *s)
{
  pthread_mutex_lock(&s->mu);
  int64_t t = s->tf.floor;
  pthread_mutex_unlock(&s->mu);
  return t;
}

int store_note_time(struct store *s, int64_t now, struct kerr *e)
{
  int rc = 0;
  pthread_mutex_lock(&s->mu);
  timefloor_note_clock(&s->tf, now);
  if (!s->readonly &&
      (s->tf.floor - s->time_floor_disk > STORE_TIME_FLOOR_STEP_S ||
       s->tf.floor < s->time_floor_disk || s->tf.anchor != s->anchor_disk))
    rc = write_time_floor(s, &s->tf, e);
  pthread_mutex_unlock(&s->mu);
  return rc;
}

int store_clock_plausible(struct store *s, int64_t clock_now)
{
  pthread_mutex_lock(&s->mu);
  int ok = timefloor_clock_plausible(&s->tf, clock_now);
  pthread_mutex_unlock(&s->mu);
  return ok;
}

int store_reset_time_floor(struct store *s, int64_t when, struct kerr *e)
{
  pthread_mutex_lock(&s->mu);
  timefloor_reset(&s->tf, when);
  int rc = s->readonly ? 0 : write_time_floor(s, &s->tf, e);
  pthread_mutex_unlock(&s->mu);
  return rc;
}

int64_t store_effective_now(struct store *s, int64_t clock_now)
{
  pthread_mutex_lock(&s->mu);
  int64_t t = timefloor_now(&s->tf, clock_now);
  pthread_mutex_unlock(&s->mu);
  return t;
}
