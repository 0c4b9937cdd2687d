/* pack.h — read, verify and install a content pack (.kpack).
 *
 * A pack is a tar file (plain, gzip or zstd) whose first member is pack.json,
 * whose second is pack.json.minisig, and whose other members are exactly the
 * files pack.json lists (see DESIGN.md, "Pack format, version 1"). This
 * module is the one reader of that format, shared by the kiosk and by
 * kiosk-pack. It reads a pack in one streaming pass with fixed buffers:
 *
 *   1. pack.json (at most 1 MiB) and pack.json.minisig (at most 4 KiB) are
 *      read as bytes; the signature is checked against the trusted keys
 *      BEFORE the manifest is parsed; then the manifest is parsed and the
 *      trusted comment must be exactly "kpack id=<id> version=<version>";
 *   2. an expired pack is refused (judged against the store's time floor
 *      when installing); one not yet valid is accepted and said so;
 *   3. when installing, the store's version rule and free-space check run
 *      (store_stage_begin);
 *   4. every member is checked for type, name and declared size, then its
 *      bytes are hashed (BLAKE2b-256) and, when installing, written to the
 *      staging folder — the very bytes that were hashed. Reading stops the
 *      moment a member has more bytes than declared, and the whole
 *      decompressed stream is held to what the signed list allows, so a
 *      decompression bomb is cut short;
 *   5. at the end every listed file must have been seen exactly once; only
 *      then pack.json and its signature are staged and the stage committed.
 *
 * On any failure the stage is aborted: what is installed does not change.
 *
 * Entries accepted besides pack.json, its signature and the listed files:
 * a folder entry (such as "media/" written by a plain `tar`) whose name is
 * the parent folder of a listed file, empty, at most once each and at most
 * PACK_MAX_DIR_ENTRIES of them. It creates nothing: the store makes the
 * folders of the files it writes. Everything else is refused: symlinks,
 * hard links, devices, FIFOs, sockets, sparse files, other folders, names
 * the list does not have, duplicates.
 *
 * Every message starts with the pack file's name (without its folder) and
 * says what is wrong and what to do, e.g.
 *   bulletin-2020-07-12.kpack: media/photo.jpg is 2048 bytes, but the signed
 *   list says 1024 — the pack was changed after signing; get a fresh copy
 *
 * The calls are reentrant; several may run at once on different packs (the
 * store allows one stage per pack id at a time). */
#ifndef KIOSK_CORE_PACK_H
#define KIOSK_CORE_PACK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/manifest.h"
#include "core/sig.h"
#include "core/store.h"

#define PACK_MANIFEST_NAME "pack.json"
#define PACK_SIG_NAME "pack.json.minisig"
/* The signature member's size limit is the store's (4 KiB), not the 12 KiB
 * a .minisig file may have: a signature whose trusted comment is
 * "kpack id=<id> version=<version>" takes under 1.5 KiB, and verify must
 * not accept what install would then refuse. */
#define PACK_SIG_MAX_BYTES STORE_MAX_SIG_BYTES
#define PACK_BUF_BYTES (64u * 1024u) /* the copy buffer */
#define PACK_MAX_DIR_ENTRIES 256
/* Room for "kpack id=<id> version=<version>" and its NUL. */
#define PACK_COMMENT_BUFSZ (MANIFEST_ID_MAX + 48)
#define PACK_FILE_NAME_MAX 256 /* the pack's file name as messages show it */
#define PACK_TITLE_MAX 512

/* The outcome of a call, for the screen and for exit codes. */
enum pack_status {
  PACK_STATUS_NONE = 0,   /* not decided: not checked, or not readable */
  PACK_STATUS_VERIFIED,   /* whole and signed by a trusted key */
  PACK_STATUS_INSTALLED,  /* installed now and current */
  PACK_STATUS_UP_TO_DATE, /* this exact version is already current:
                              nothing changed, and that is fine */
  PACK_STATUS_OLDER,      /* not newer than what this kiosk already had */
  PACK_STATUS_EXPIRED,    /* past its "expires" */
  PACK_STATUS_REFUSED,    /* failed a check: format, signature, contents,
                              limits */
  PACK_STATUS_NO_SPACE,   /* the kiosk lacks room for it */
  PACK_STATUS_FAILED,     /* could not read the file or write the store */
  PACK_STATUS_CANCELLED,  /* stopped through the cancel flag */
};

/* Optional progress reporting and cancelling. fn (may be NULL) is called
 * with the member bytes done and the total the signed list declares: once
 * with done = 0 when the members start, then about every MiB and at the end
 * of each member, lastly with done == total. It runs on the caller's thread
 * and must not call back into this module. When *cancel (may be NULL)
 * becomes nonzero, the call stops at the next chunk with
 * PACK_STATUS_CANCELLED and changes nothing. */
struct pack_progress {
  void (*fn)(void *ctx, uint64_t done, uint64_t total);
  void *ctx;
  const atomic_int *cancel;
};

/* What a call found. Filled as far as the call got: file and msg always;
 * key_id once the signature was read; the manifest fields once pack.json
 * was parsed (after its signature verified, except for pack_inspect, which
 * reports what the pack claims). Free with pack_result_free(). */
struct pack_result {
  enum pack_status status;
  char file[PACK_FILE_NAME_MAX]; /* "bulletin-2020-07-12.kpack" */
  char msg[1024];                /* one sentence for people: the error, or what was done */

  int has_key_id;
  char key_id[SIG_KEYID_BUFSZ]; /* the key the signature names */
  int signature_ok;             /* 1: verified with a trusted key, comment agrees */
  int contents_ok;              /* 1: every member checked against the signed list */

  int has_manifest;
  char id[MANIFEST_ID_MAX + 1];
  uint64_t version;
  char title[PACK_TITLE_MAX + 1]; /* the "en" title, else the first */
  int64_t created;
  int has_valid_from, has_expires;
  int64_t valid_from, expires;
  size_t n_files;
  uint64_t bytes;       /* sum of the listed files' sizes */
  int not_yet_valid;    /* valid_from is later than now: installed, but the
                        deck will not show it until then */
  uint64_t had_version; /* pack_install: the version this kiosk had before
                           (its anti-rollback floor), 0 if none */

  /* The parsed pack.json (NULL if not reached), for titles in every
   * language, pages, languages, countries and the file list. Owned by the
   * result. For pack_inspect it is what the pack claims unless
   * signature_ok. */
  struct manifest *manifest;
};

/* Checks the pack at path completely (signature, expiry against the
 * system clock, every member) and writes nothing. trust must hold at least
 * one key. progress may be NULL. Returns 0 with out->status
 * PACK_STATUS_VERIFIED, or a negative KERR_* code with e and out->msg
 * saying why. out is overwritten: free an old result before reusing it. */
int pack_verify(const char *path, const struct sig_trust *trust,
                const struct pack_progress *progress, struct pack_result *out, struct kerr *e);

/* pack_verify() and, in the same pass, installs the pack into st (opened
 * read-write) and makes it current. Expiry is judged against
 * store_effective_now(st, time(NULL)). Returns 0 when the pack is now
 * current: out->status is PACK_STATUS_INSTALLED, or PACK_STATUS_UP_TO_DATE
 * when this exact version was already current (nothing changed). Otherwise
 * a negative KERR_* code (KERR_OLDER, KERR_EXPIRED, KERR_NOSPACE, ...),
 * nothing installed has changed, and e and out->msg say why. */
int pack_install(const char *path, struct store *st, const struct sig_trust *trust,
                 const struct pack_progress *progress, struct pack_result *out, struct kerr *e);

/* pack_install() of the file open on fd (read from offset 0; the fd is
 * borrowed, its offset changes), for a file opened once by the caller so
 * that nothing is looked up by name again: name only labels messages
 * (its last "/" component is shown). */
int pack_install_fd(int fd, const char *name, struct store *st, const struct sig_trust *trust,
                    const struct pack_progress *progress, struct pack_result *out, struct kerr *e);

/* Reads pack.json and its signature WITHOUT trusting them: fills out with
 * the key id the signature names and what the manifest claims. When trust
 * is not NULL it then runs pack_verify() and records the outcome
 * (out->signature_ok, out->contents_ok, out->status VERIFIED or why not in
 * out->msg); when NULL, out->status stays PACK_STATUS_NONE. Returns 0 when
 * the head could be read and the manifest parsed, even if verification
 * failed; a negative KERR_* code when the file is not a readable pack (out
 * still holds what was found, such as the key id). */
int pack_inspect(const char *path, const struct sig_trust *trust, struct pack_result *out,
                 struct kerr *e);

/* Frees what out owns (the manifest) and clears it. NULL is fine. */
void pack_result_free(struct pack_result *out);

/* "installed", "up to date", "refused", ... for logs and JSON. */
const char *pack_status_name(enum pack_status status);

/* The trusted comment a pack's signature must carry,
 * "kpack id=<id> version=<version>", into buf (PACK_COMMENT_BUFSZ bytes).
 * The builder signs with it; the reader demands it. */
void pack_trusted_comment(const char *id, uint64_t version, char *buf, size_t cap);

/* A store_verify_fn (see store.h) that re-checks an installed pack's
 * signature at store_check() time: ctx is a const struct sig_trust *. The
 * signature must verify with a trusted key and carry the trusted comment of
 * this id and version. Use: store_set_verifier(st, pack_check_meta, trust). */
int pack_check_meta(void *ctx, const char *id, uint64_t version, const char *json, size_t json_len,
                    const char *sig, size_t sig_len, struct kerr *e);

#endif
