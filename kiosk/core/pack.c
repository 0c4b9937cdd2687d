/* pack.c — the one reader of .kpack files: verify, install, inspect.
 *
 * This module promises that what it installs is exactly what a trusted key
 * signed, whole, and that a bad pack changes nothing. It reads a pack in one
 * streaming pass with fixed buffers and never lets libarchive write to disk:
 * every byte it installs went through its own hash first.
 *
 * Reading is core/sarchive's, the one reader of signed archives (the
 * chained libarchive readers, the byte budget, cancellation, the signed
 * head). This file adds what is a pack's own: the manifest and its
 * signature checked before anything parses it; members_stream() checks
 * every later entry against the signed list of {path, size, BLAKE2b-256},
 * hashes (and optionally stages) its bytes, and raises the byte budget to
 * what that list allows and no more. run() strings them together. */
#include "core/pack.h"
#include "core/sarchive.h"
#include "core/esc.h"
#include "core/hashpipe.h"
#include "core/log.h"
#include "core/units.h"

#include "core/arclib.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Room per tar entry for its header and extension records (pax, GNU long
 * names): generous, since the sizes of these are not signed. */
#define ENTRY_OVERHEAD 4096u
/* Tar bytes the head may take: pack.json, the signature, their headers,
 * and a chunk of read-ahead. */
#define HEAD_BUDGET                                                                                \
  ((uint64_t)MANIFEST_MAX_BYTES + PACK_SIG_MAX_BYTES + 16u * ENTRY_OVERHEAD + 2u * PACK_BUF_BYTES)
/* The end-of-archive blocks, record padding and read-ahead. */
#define TAIL_SLACK (UINT64_C(1) << 20)
#define PROGRESS_STEP (UINT64_C(1) << 20)
#define SHOWN_NAME_MAX 160

/* ------------------------------------------------------------- helpers */

/* An untrusted name (from an archive or a stick), escaped for a message. */
static void show_name(const char *raw, char *out, size_t cap)
{
  sarchive_show_name(raw, out, cap);
}

static void fmt_time(int64_t t, char *buf, size_t cap)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm) || strftime(buf, cap, "%Y-%m-%d %H:%M UTC", &tm) == 0)
    snprintf(buf, cap, "%" PRId64 " (unix time)", t);
}

void pack_trusted_comment(const char *id, uint64_t version, char *buf, size_t cap)
{
  snprintf(buf, cap, "kpack id=%s version=%" PRIu64, id, version);
}

const char *pack_status_name(enum pack_status status)
{
  switch (status) {
  case PACK_STATUS_NONE: return "not checked";
  case PACK_STATUS_VERIFIED: return "verified";
  case PACK_STATUS_INSTALLED: return "installed";
  case PACK_STATUS_UP_TO_DATE: return "up to date";
  case PACK_STATUS_OLDER: return "older";
  case PACK_STATUS_EXPIRED: return "expired";
  case PACK_STATUS_REFUSED: return "refused";
  case PACK_STATUS_NO_SPACE: return "no space";
  case PACK_STATUS_FAILED: return "failed";
  case PACK_STATUS_CANCELLED: return "cancelled";
  }
  return "unknown";
}

/* --------------------------------------------------------------- reader */

/* A pack, for core/sarchive's messages and limits. */
static const struct sarchive_kind pack_kind = {
    .not_a = "not a kiosk pack",
    .made_by = "a pack is the .kpack file made by 'kiosk-pack build'; ask the "
               "content team for it",
    .ask_for = "ask the content team for the .kpack file made by 'kiosk-pack "
               "build'",
    .made_by_short = "a pack made by 'kiosk-pack build'",
    .noun = "pack",
    .doc_name = PACK_MANIFEST_NAME,
    .sig_name = PACK_SIG_NAME,
    .bad_type = "; a pack may hold regular files only — refused; ask the "
                "content team to rebuild it with kiosk-pack build",
    .too_big = "ask the content team to rebuild the pack",
    .too_much = "its signed list allows",
    .other_doc = NULL,
    .other_is = NULL,
    .head_budget = HEAD_BUDGET,
};

enum kind { KIND_FILE, KIND_DIR, KIND_OTHER };

/* What an entry is; for KIND_OTHER, *what describes it for a message. */
static enum kind entry_kind(struct archive_entry *ent, const char **what)
{
  *what = sarchive_not_regular(ent);
  if (!*what)
    return KIND_FILE;
  if (arclib()->entry_filetype(ent) == AE_IFDIR && !arclib()->entry_hardlink(ent) &&
      arclib()->entry_sparse_count(ent) == 0)
    return KIND_DIR;
  return KIND_OTHER;
}

static int refuse_type(struct sarchive *r, const char *shown, const char *what, struct kerr *e)
{
  return kerr_set(e, KERR_TYPE, "%s: %s is %s%s", r->file, shown, what, pack_kind.bad_type);
}

/* ----------------------------------------------------------------- head */

/* The signed head (pack.json and its signature), and what verifying it
 * told. */
struct head {
  struct sarchive_head s;
  struct sig_verified verified;
};

static void head_free(struct head *h)
{
  sarchive_head_free(&h->s);
  memset(h, 0, sizeof *h);
}

/* Verifies the manifest's bytes against the parsed signature with trust. */
static int head_verify(struct sarchive *r, struct head *h, const struct sig_trust *trust,
                       struct kerr *e)
{
  return sig_verify_parsed(trust, h->s.parsed, h->s.doc, h->s.doc_len, r->file, &h->verified, e);
}

/* -------------------------------------------------------------- members */

/* The members an archive must hold after its head, as a signed list. */
struct member_list {
  const struct manifest_file *files; /* in the listed order */
  size_t n;
  uint64_t total; /* sum of sizes */
  /* The listed file with exactly this path, or NULL. */
  const struct manifest_file *(*find)(const void *ctx, const char *path);
  const void *ctx;
};

static const struct manifest_file *find_in_manifest(const void *ctx, const char *path)
{
  return manifest_find_file(ctx, path);
}

struct progress_state {
  const struct pack_progress *p;
  uint64_t total, reported;
  int any;
};

static void progress_report(struct progress_state *ps, uint64_t done, int force)
{
  if (!ps->p || !ps->p->fn)
    return;
  if (!force && ps->any && done - ps->reported < PROGRESS_STEP)
    return;
  if (ps->any && done == ps->reported)
    return;
  ps->p->fn(ps->p->ctx, done, ps->total);
  ps->reported = done;
  ps->any = 1;
}

/* Whether name (without a trailing '/') is the folder of a listed file. */
static int is_parent_folder(const struct member_list *list, const char *name, size_t len)
{
  if (len == 0)
    return 0;
  for (size_t i = 0; i < list->n; i++) {
    const char *p = list->files[i].path;
    if (strncmp(p, name, len) == 0 && p[len] == '/')
      return 1;
  }
  return 0;
}

/* Reads one listed member into the hash pipe, which hashes it and, when
 * it was given a file, writes it — the same bytes. Returns 0 when the
 * member had exactly its declared size, 1 when a worker reported a
 * failure (the caller asks the pipe which), or a KERR code. */
static int member_copy(struct sarchive *r, const struct manifest_file *f, const char *shown,
                       struct hashpipe *hp, uint64_t *done_all, struct progress_state *ps,
                       struct kerr *e)
{
  uint64_t done = 0;
  for (int ended = 0; !ended;) {
    if (r->cancel && atomic_load(r->cancel)) {
      r->cancelled = 1;
      return sarchive_fail(r, shown, e);
    }
    unsigned char *buf = hashpipe_buf(hp);
    if (!buf)
      return 1;
    /* One byte more than is left, to notice a member that is too long. */
    uint64_t left = f->size - done;
    size_t cap = left >= HASHPIPE_CHUNK ? HASHPIPE_CHUNK : (size_t)left + 1, fill = 0;
    while (fill < cap) {
      la_ssize_t n = arclib()->read_data(r->tar, buf + fill, cap - fill);
      if (n < 0)
        return sarchive_fail(r, shown, e);
      if (n == 0) {
        ended = 1;
        break;
      }
      fill += (size_t)n;
    }
    if ((uint64_t)fill > left)
      return kerr_set(e, KERR_MEMBER,
                      "%s: %s has more bytes than the "
                      "signed list says (%" PRIu64 ") — the pack was changed "
                      "after signing; get a fresh copy",
                      r->file, shown, f->size);
    hashpipe_push(hp, fill);
    done += (uint64_t)fill;
    *done_all += (uint64_t)fill;
    progress_report(ps, *done_all, 0);
  }
  if (done < f->size)
    return kerr_set(e, KERR_TRUNCATED,
                    "%s: ends in the middle of %s (%" PRIu64 " of %" PRIu64
                    " bytes) — the copy is incomplete; "
                    "copy the pack again",
                    r->file, shown, done, f->size);
  hashpipe_end(hp);
  progress_report(ps, *done_all, 1);
  return 0;
}

/* The message for a member the hash pipe found wrong. */
static int pipe_failure(struct sarchive *r, const struct member_list *list,
                        const struct hashpipe_failure *f, struct kerr *e)
{
  char shown[SHOWN_NAME_MAX];
  show_name(list->files[f->tag].path, shown, sizeof shown);
  if (f->fault == HASHPIPE_HASH)
    return kerr_set(e, KERR_HASH,
                    "%s: %s does not match the signed list "
                    "(its BLAKE2b-256 hash differs) — the pack was changed or "
                    "damaged after signing; get a fresh copy",
                    r->file, shown);
  if (f->err == ENOSPC || f->err == EDQUOT)
    return kerr_set(e, KERR_NOSPACE,
                    "%s: the kiosk ran out of space while "
                    "installing %s — nothing was changed; free some space or "
                    "use a bigger SD card",
                    r->file, shown);
  if (f->err == ENOMEM)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", r->file);
  return kerr_errno(e, KERR_IO, f->err,
                    "%s: could not write %s into the "
                    "pack store",
                    r->file, shown);
}

/* Checks every entry after the head against list, hashing each member
 * and, when stage is not NULL, writing it into the stage. Every listed
 * file must come exactly once; harmless folder entries are skipped (see
 * pack.h); anything else is refused. */
static int members_stream(struct sarchive *r, const struct member_list *list,
                          const struct pack_progress *progress, struct store_stage *stage,
                          struct kerr *e)
{
  int rc = 0;
  unsigned char *seen = calloc(list->n ? list->n : 1, 1);
  char(*dirs)[MANIFEST_PATH_MAX + 1] = NULL;
  size_t n_dirs = 0, n_seen = 0;
  uint64_t done_all = 0;
  struct progress_state ps = {progress, list->total, 0, 0};
  struct hashpipe *hp = NULL;
  if (!seen)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", r->file);
  if ((rc = hashpipe_open(&hp, e))) {
    kerr_prefix(e, "%s", r->file);
    free(seen);
    return rc;
  }

  /* From now on the stream may hold the listed files and a little more. */
  uint64_t allow =
      HEAD_BUDGET + TAIL_SLACK + (list->n + PACK_MAX_DIR_ENTRIES + 2) * (uint64_t)ENTRY_OVERHEAD;
  for (size_t i = 0; i < list->n; i++)
    allow += (list->files[i].size + 511) & ~(uint64_t)511;
  sarchive_set_budget(r, allow);
  size_t max_entries = list->n + 2 + PACK_MAX_DIR_ENTRIES;
  progress_report(&ps, 0, 1);

  for (;;) {
    struct archive_entry *ent;
    rc = sarchive_next(r, &ent, e);
    if (rc < 0)
      goto out;
    if (rc == 1) {
      rc = 0;
      break;
    }
    const char *path = arclib()->entry_pathname(ent);
    char shown[SHOWN_NAME_MAX];
    show_name(path, shown, sizeof shown);
    if (r->entries > max_entries) {
      rc = kerr_set(e, KERR_LIMIT,
                    "%s: has more entries than the %zu its "
                    "signed list allows — refused; get a fresh copy",
                    r->file, max_entries);
      goto out;
    }
    if (n_seen == list->n) {
      rc = kerr_set(e, KERR_MEMBER,
                    "%s: has an extra entry \"%s\" after all "
                    "the files of its signed list — the pack was changed "
                    "after signing; get a fresh copy",
                    r->file, shown);
      goto out;
    }
    const char *what;
    enum kind kind = entry_kind(ent, &what);
    if (kind == KIND_OTHER) {
      rc = refuse_type(r, shown, what, e);
      goto out;
    }
    if (kind == KIND_DIR) {
      size_t len = path ? strlen(path) : 0;
      if (len > 0 && path[len - 1] == '/')
        len--;
      int ok = path && len <= MANIFEST_PATH_MAX && arclib()->entry_size(ent) == 0 &&
          is_parent_folder(list, path, len);
      for (size_t i = 0; ok && i < n_dirs; i++)
        if (strlen(dirs[i]) == len && memcmp(dirs[i], path, len) == 0) {
          rc = kerr_set(e, KERR_MEMBER,
                        "%s: has the folder entry \"%s\" "
                        "twice — the pack is damaged; get a fresh copy",
                        r->file, shown);
          goto out;
        }
      if (!ok) {
        rc = kerr_set(e, KERR_TYPE,
                      "%s: has a folder entry \"%s\" that is "
                      "not the folder of any listed file — refused; ask the "
                      "content team to rebuild it with kiosk-pack build",
                      r->file, shown);
        goto out;
      }
      if (n_dirs == PACK_MAX_DIR_ENTRIES) {
        rc = kerr_set(e, KERR_LIMIT,
                      "%s: has more than %d folder entries — "
                      "refused; ask the content team to rebuild it with "
                      "kiosk-pack build",
                      r->file, PACK_MAX_DIR_ENTRIES);
        goto out;
      }
      if (!dirs && !(dirs = calloc(PACK_MAX_DIR_ENTRIES, sizeof *dirs))) {
        rc = kerr_set(e, KERR_NOMEM, "%s: out of memory", r->file);
        goto out;
      }
      memcpy(dirs[n_dirs], path, len);
      dirs[n_dirs++][len] = '\0';
      continue;
    }

    const struct manifest_file *f = path ? list->find(list->ctx, path) : NULL;
    if (!f) {
      struct kerr pe;
      if (path && (!strcmp(path, PACK_MANIFEST_NAME) || !strcmp(path, PACK_SIG_NAME)))
        rc = kerr_set(e, KERR_MEMBER,
                      "%s: holds %s twice — the pack was "
                      "changed after signing; get a fresh copy",
                      r->file, shown);
      else if (!path || manifest_path_ok(path, &pe) != 0)
        rc = kerr_set(e, KERR_PATH,
                      "%s: holds a file with an unsafe name, "
                      "\"%s\" — refused; get a fresh copy",
                      r->file, shown);
      else
        rc = kerr_set(e, KERR_MEMBER,
                      "%s: holds %s, which its signed list "
                      "does not name — the pack was changed after signing; "
                      "get a fresh copy",
                      r->file, shown);
      goto out;
    }
    size_t idx = (size_t)(f - list->files);
    if (seen[idx]) {
      rc = kerr_set(e, KERR_MEMBER,
                    "%s: holds %s twice — the pack was "
                    "changed after signing; get a fresh copy",
                    r->file, shown);
      goto out;
    }
    la_int64_t hsize = arclib()->entry_size(ent);
    if (!arclib()->entry_size_is_set(ent) || hsize < 0 || (uint64_t)hsize != f->size) {
      rc = kerr_set(e, KERR_MEMBER,
                    "%s: %s is %" PRId64 " bytes, but the "
                    "signed list says %" PRIu64 " — the pack was changed "
                    "after signing; get a fresh copy",
                    r->file, shown, (int64_t)hsize, f->size);
      goto out;
    }
    int fd = -1;
    if (stage) {
      rc = store_stage_create(stage, f->path, &fd, e);
      if (rc) {
        kerr_prefix(e, "%s", r->file);
        goto out;
      }
    }
    if (hashpipe_begin(hp, idx, f->blake2b, fd) != 0) {
      rc = 1;
      goto out;
    }
    rc = member_copy(r, f, shown, hp, &done_all, &ps, e);
    if (rc)
      goto out;
    seen[idx] = 1;
    n_seen++;
  }
  if (n_seen < list->n) {
    for (size_t i = 0; i < list->n; i++)
      if (!seen[i]) {
        char shown[SHOWN_NAME_MAX];
        show_name(list->files[i].path, shown, sizeof shown);
        rc = kerr_set(e, KERR_MEMBER,
                      "%s: %s is in the signed list but "
                      "missing from the pack — the pack is incomplete; get a "
                      "fresh copy",
                      r->file, shown);
        break;
      }
    goto out;
  }
out:
  /* Every member read so far must be hashed (and written) before the
   * answer; a member found wrong there came before whatever the reader
   * stopped at, so its failure is the one to tell. */
  if (!r->cancelled) {
    struct hashpipe_failure hf;
    if (hashpipe_finish(hp, &hf))
      rc = pipe_failure(r, list, &hf, e);
    else if (rc == 1)
      rc = kerr_set(e, KERR_IO, "%s: the hashing stopped unexpectedly", r->file);
    else if (rc == 0)
      progress_report(&ps, list->total, 1);
  }
  hashpipe_close(hp);
  free(seen);
  free(dirs);
  return rc;
}

/* ------------------------------------------------------------ the pass */

static void result_from_manifest(struct pack_result *out, struct manifest *m)
{
  out->manifest = m;
  out->has_manifest = 1;
  memcpy(out->id, m->id, sizeof out->id);
  out->version = m->version;
  snprintf(out->title, sizeof out->title, "%s", manifest_title(m, "en"));
  out->created = m->created;
  out->has_valid_from = m->has_valid_from;
  out->valid_from = m->valid_from;
  out->has_expires = m->has_expires;
  out->expires = m->expires;
  out->n_files = m->n_files;
  out->bytes = m->total_bytes;
}

static void result_start(struct pack_result *out, const char *path)
{
  memset(out, 0, sizeof *out);
  sarchive_file_name(path, out->file, sizeof out->file);
}

/* Parses the verified manifest bytes and checks the trusted comment. */
static int pack_manifest(struct sarchive *r, struct head *h, struct manifest **out, struct kerr *e)
{
  struct kerr me;
  int rc = manifest_parse(h->s.doc, h->s.doc_len, MANIFEST_PACK, out, &me);
  if (rc)
    return kerr_set(e, rc,
                    "%s: %s — the pack is signed but its list is not "
                    "valid; ask the content team to rebuild it with "
                    "kiosk-pack build",
                    r->file, me.msg);
  char want[PACK_COMMENT_BUFSZ];
  pack_trusted_comment((*out)->id, (*out)->version, want, sizeof want);
  if (strcmp(h->verified.trusted_comment, want) != 0) {
    char got[SHOWN_NAME_MAX];
    show_name(h->verified.trusted_comment, got, sizeof got);
    return kerr_set(e, KERR_SIG,
                    "%s: the signature is for \"%s\", but the "
                    "pack is \"%s\" — it was signed for another pack or "
                    "without kiosk-pack; ask the content team to rebuild it "
                    "with kiosk-pack build",
                    r->file, got, want);
  }
  return 0;
}

static enum pack_status status_of(int rc)
{
  switch (rc) {
  case KERR_OLDER: return PACK_STATUS_OLDER;
  case KERR_EXPIRED: return PACK_STATUS_EXPIRED;
  case KERR_NOSPACE: return PACK_STATUS_NO_SPACE;
  case KERR_IO:
  case KERR_NOMEM:
  case KERR_NOENT:
  case KERR_STORE: return PACK_STATUS_FAILED;
  default: return PACK_STATUS_REFUSED;
  }
}

/* The message for a version the store refused. */
static int version_refused(struct sarchive *r, struct store *st, const struct manifest *m, int rc,
                           struct pack_result *out, struct kerr *e)
{
  struct store_pack_info info;
  struct kerr ie;
  if (store_info(st, m->id, &info, &ie) != 0)
    memset(&info, 0, sizeof info);
  out->had_version = info.floor;
  if (rc == KERR_SAME) {
    out->status = PACK_STATUS_UP_TO_DATE;
    return kerr_set(e, KERR_SAME,
                    "%s: %s version %" PRIu64 " is already "
                    "installed — nothing to do",
                    r->file, m->id, m->version);
  }
  if (info.floor > m->version) {
    if (info.current == info.floor)
      return kerr_set(e, KERR_OLDER,
                      "%s: version %" PRIu64 " is older than "
                      "the installed version %" PRIu64 " — nothing changed",
                      r->file, m->version, info.floor);
    return kerr_set(e, KERR_OLDER,
                    "%s: version %" PRIu64 " is older than "
                    "version %" PRIu64 ", which this kiosk already had — "
                    "nothing changed; older packs are refused so that "
                    "outdated information cannot come back",
                    r->file, m->version, info.floor);
  }
  return kerr_set(e, KERR_OLDER,
                  "%s: version %" PRIu64 " was already "
                  "installed with different contents — nothing changed; ask "
                  "the content team to publish it as version %" PRIu64,
                  r->file, m->version, m->version + 1);
}

/* One pass over the pack at path (or open on fd, when fd >= 0): verify
 * it, and install it when st is not NULL. */
static int run(const char *path, int fd, struct store *st, const struct sig_trust *trust,
               const struct pack_progress *progress, struct pack_result *out, struct kerr *e)
{
  struct sarchive *r = NULL;
  struct head *h = NULL;
  struct store_stage *stage = NULL;
  struct manifest *m = NULL;
  int rc;

  if (sodium_init() < 0) {
    rc = kerr_set(e, KERR_IO,
                  "%s: the crypto library (libsodium) could not "
                  "start",
                  out->file);
    goto done;
  }
  if (!trust || sig_trust_count(trust) == 0) {
    rc = kerr_set(e, KERR_UNTRUSTED,
                  "%s: no trusted keys are set up, so no "
                  "pack can be accepted — copy the content team's .pub key "
                  "into the trusted-keys folder",
                  out->file);
    goto done;
  }
  if ((rc = sarchive_open(path, fd, &pack_kind, progress ? progress->cancel : NULL, &r, e)))
    goto done;
  h = calloc(1, sizeof *h);
  if (!h) {
    rc = kerr_set(e, KERR_NOMEM, "%s: out of memory", out->file);
    goto done;
  }
  rc = sarchive_head_read(r, MANIFEST_MAX_BYTES, &h->s, e);
  if (h->s.parsed) {
    out->has_key_id = 1;
    sig_keyid_format(sig_minisig_key_id(h->s.parsed), out->key_id);
  }
  if (rc || (rc = head_verify(r, h, trust, e)))
    goto done;
  if ((rc = pack_manifest(r, h, &m, e))) {
    if (m)
      result_from_manifest(out, m);
    goto done;
  }
  result_from_manifest(out, m);
  out->signature_ok = 1;

  /* Expiry, judged against the store's time floor when there is one. */
  int64_t now = st ? store_effective_now(st, (int64_t)time(NULL)) : (int64_t)time(NULL);
  if (m->has_expires && now >= m->expires) {
    char exp[48], nowt[48];
    fmt_time(m->expires, exp, sizeof exp);
    fmt_time(now, nowt, sizeof nowt);
    rc = kerr_set(e, KERR_EXPIRED,
                  "%s: expired on %s (the %s date is %s) — "
                  "ask the content team for a current pack",
                  r->file, exp, st ? "kiosk's" : "current", nowt);
    goto done;
  }
  out->not_yet_valid = m->has_valid_from && now < m->valid_from;

  if (st) {
    struct kerr se;
    /* Versions a revoked key pushed up must not keep this pack out. */
    if (store_forget_revoked(st, trust, &se) != 0)
      log_warn("%s", se.msg);
    rc = store_stage_begin(st, m, &stage, &se);
    if (rc == KERR_SAME || rc == KERR_OLDER) {
      rc = version_refused(r, st, m, rc, out, e);
      goto done;
    }
    if (rc) {
      rc = kerr_set(e, rc, "%s: %s", r->file, se.msg);
      goto done;
    }
    struct store_pack_info info;
    if (store_info(st, m->id, &info, &se) == 0)
      out->had_version = info.floor;
  }

  struct member_list list = {m->files, m->n_files, m->total_bytes, find_in_manifest, m};
  if ((rc = members_stream(r, &list, progress, stage, e)))
    goto done;
  out->contents_ok = 1;

  char size[32], when[96] = "";
  units_bytes(m->total_bytes, size, sizeof size);
  if (out->not_yet_valid) {
    char vf[48];
    fmt_time(m->valid_from, vf, sizeof vf);
    snprintf(when, sizeof when, "; it will be shown from %s", vf);
  }
  if (stage) {
    if ((rc = store_stage_put_meta(stage, h->s.doc, h->s.doc_len, h->s.sig, h->s.sig_len, e))) {
      kerr_prefix(e, "%s", r->file);
      goto done;
    }
    rc = store_stage_commit(stage, e); /* frees the stage in every case */
    stage = NULL;
    if (rc) {
      kerr_prefix(e, "%s", r->file);
      goto done;
    }
    out->status = PACK_STATUS_INSTALLED;
    snprintf(out->msg, sizeof out->msg,
             "%s: installed %s version %" PRIu64 " (\"%s\"), %zu files, %s%s", r->file, m->id,
             m->version, out->title, m->n_files, size, when);
  } else {
    out->status = PACK_STATUS_VERIFIED;
    /* A very long file name or title is cut at the end of the message. */
    int n = snprintf(out->msg, sizeof out->msg,
                     "%s: verified — %s version %" PRIu64
                     " (\"%s\"), signed by trusted key %s; all %zu files (%s) match "
                     "the signed list%s",
                     r->file, m->id, m->version, out->title, out->key_id, m->n_files, size, when);
    (void)n;
  }
  rc = 0;

done:
  if (stage)
    store_stage_abort(stage);
  int cancelled = r && r->cancelled;
  sarchive_close(r);
  if (h)
    head_free(h);
  free(h);
  if (!out->manifest)
    manifest_free(m);
  if (rc == KERR_SAME) {
    snprintf(out->msg, sizeof out->msg, "%s", e->msg);
    return 0;
  }
  if (rc) {
    if (out->status == PACK_STATUS_NONE)
      out->status = cancelled ? PACK_STATUS_CANCELLED : status_of(rc);
    snprintf(out->msg, sizeof out->msg, "%s", e->msg);
  }
  return rc;
}

int pack_verify(const char *path, const struct sig_trust *trust,
                const struct pack_progress *progress, struct pack_result *out, struct kerr *e)
{
  struct kerr local;
  if (!e)
    e = &local;
  kerr_clear(e);
  result_start(out, path);
  return run(path, -1, NULL, trust, progress, out, e);
}

static int install(const char *path, int fd, struct store *st, const struct sig_trust *trust,
                   const struct pack_progress *progress, struct pack_result *out, struct kerr *e)
{
  struct kerr local;
  if (!e)
    e = &local;
  kerr_clear(e);
  result_start(out, path);
  if (!st) {
    out->status = PACK_STATUS_FAILED;
    int rc = kerr_set(e, KERR_INVAL, "%s: no pack store given", out->file);
    snprintf(out->msg, sizeof out->msg, "%s", e->msg);
    return rc;
  }
  return run(path, fd, st, trust, progress, out, e);
}

int pack_install(const char *path, struct store *st, const struct sig_trust *trust,
                 const struct pack_progress *progress, struct pack_result *out, struct kerr *e)
{
  return install(path, -1, st, trust, progress, out, e);
}

int pack_install_fd(int fd, const char *name, struct store *st, const struct sig_trust *trust,
                    const struct pack_progress *progress, struct pack_result *out, struct kerr *e)
{
  if (fd < 0) { /* never fall back to opening the name */
    result_start(out, name);
    out->status = PACK_STATUS_FAILED;
    int rc = kerr_set(e, KERR_INVAL, "%s: no open file given", out->file);
    snprintf(out->msg, sizeof out->msg, "%s", e->msg);
    return rc;
  }
  return install(name, fd, st, trust, progress, out, e);
}

int pack_inspect(const char *path, const struct sig_trust *trust, struct pack_result *out,
                 struct kerr *e)
{
  struct kerr local;
  if (!e)
    e = &local;
  kerr_clear(e);
  result_start(out, path);
  struct sarchive *r = NULL;
  struct head *h = calloc(1, sizeof *h);
  struct manifest *m = NULL;
  int rc;
  if (!h) {
    rc = kerr_set(e, KERR_NOMEM, "%s: out of memory", out->file);
    goto fail;
  }
  if ((rc = sarchive_open(path, -1, &pack_kind, NULL, &r, e)))
    goto fail;
  /* A malformed signature still lets us show what the pack claims. */
  struct kerr se;
  kerr_clear(&se);
  int sig_rc = sarchive_head_read(r, MANIFEST_MAX_BYTES, &h->s, &se);
  if (!h->s.doc) {
    rc = kerr_set(e, sig_rc, "%s", se.msg);
    goto fail;
  }
  if (h->s.parsed) {
    out->has_key_id = 1;
    sig_keyid_format(sig_minisig_key_id(h->s.parsed), out->key_id);
  }
  struct kerr me;
  rc = manifest_parse(h->s.doc, h->s.doc_len, MANIFEST_PACK, &m, &me);
  if (rc) {
    rc = kerr_set(e, rc,
                  "%s: %s — ask the content team to rebuild the pack "
                  "with kiosk-pack build",
                  out->file, me.msg);
    goto fail;
  }
  result_from_manifest(out, m);
  sarchive_close(r);
  r = NULL;
  head_free(h);
  free(h);
  h = NULL;
  if (sig_rc)
    snprintf(out->msg, sizeof out->msg, "%s", se.msg);
  else
    snprintf(out->msg, sizeof out->msg,
             "%s: not verified (no trusted keys "
             "given)",
             out->file);
  if (trust) {
    struct pack_result *v = malloc(sizeof *v);
    if (!v) {
      rc = kerr_set(e, KERR_NOMEM, "%s: out of memory", out->file);
      goto fail;
    }
    pack_verify(path, trust, NULL, v, NULL);
    if (v->signature_ok && v->manifest) {
      /* Take what was verified over what was claimed. */
      pack_result_free(out);
      *out = *v;
    } else {
      out->status = v->status;
      out->signature_ok = 0;
      out->contents_ok = 0;
      memcpy(out->msg, v->msg, sizeof out->msg);
      pack_result_free(v);
    }
    free(v);
  }
  return 0;
fail:
  sarchive_close(r);
  if (h)
    head_free(h);
  free(h);
  snprintf(out->msg, sizeof out->msg, "%s", e->msg);
  out->status = status_of(rc);
  return rc;
}

void pack_result_free(struct pack_result *out)
{
  if (!out)
    return;
  manifest_free(out->manifest);
  memset(out, 0, sizeof *out);
}

int pack_check_meta(void *ctx, const char *id, uint64_t version, const char *json, size_t json_len,
                    const char *sig, size_t sig_len, struct kerr *e)
{
  const struct sig_trust *trust = ctx;
  char name[MANIFEST_ID_MAX + 40];
  snprintf(name, sizeof name, "%s version %" PRIu64, id, version);
  struct sig_verified *v = malloc(sizeof *v);
  if (!v)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", name);
  int rc = sig_verify(trust, json, json_len, sig, sig_len, name, v, e);
  if (rc == 0) {
    char want[PACK_COMMENT_BUFSZ];
    pack_trusted_comment(id, version, want, sizeof want);
    if (strcmp(v->trusted_comment, want) != 0) {
      char got[SHOWN_NAME_MAX];
      show_name(v->trusted_comment, got, sizeof got);
      rc = kerr_set(e, KERR_SIG,
                    "%s: the signature is for \"%s\", not "
                    "\"%s\"",
                    name, got, want);
    }
  }
  free(v);
  return rc;
}
