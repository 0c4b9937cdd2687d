/* store.h — the pack store on the kiosk's own filesystem.
 *
 * Installed packs live side by side, one folder per id and version, with the
 * previous version of each id kept as a fallback. A version becomes current
 * only through an atomic swap of a small state file, which also records the
 * highest version ever installed (the anti-rollback floor, kept even if the
 * pack folder is deleted). A power cut at any instant leaves exactly the old
 * or the new version current. See store.c for the layout on disk.
 *
 * Installing is a stage: store_stage_begin() checks version and free space,
 * the pack reader creates each member with store_stage_create() and writes
 * the bytes it hashed, store_stage_put_meta() stores pack.json and its
 * signature, and store_stage_commit() makes it current (or
 * store_stage_abort() throws it away).
 *
 * A store may be shared between threads (say, the install thread and the
 * display thread): the state is guarded by a mutex and queries return
 * copies. One stage per pack id at a time. Only one process may open a store
 * read-write; others may use store_open_readonly(). */
#ifndef KIOSK_CORE_STORE_H
#define KIOSK_CORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/manifest.h"

struct sig_trust;

struct store;
struct store_stage;

/* Free space kept in reserve beyond a pack's own size, for logs and the
 * play log. Changeable with store_set_reserve(). */
#define STORE_DEFAULT_RESERVE_BYTES (UINT64_C(16) << 20)
/* store_note_time() writes the time floor to disk only when it moved
 * forward by more than this, to spare the SD card. */
#define STORE_TIME_FLOOR_STEP_S 3600
#define STORE_MAX_SIG_BYTES 4096
/* Signing keys remembered per pack id for its anti-rollback floor. */
#define STORE_FLOOR_KEYS 8

/* What the store knows about one pack id. Versions are 0 when absent:
 * current == 0 means the id has nothing to show (its pack was found corrupt
 * and no valid fallback was left). floor is the highest version ever
 * installed; a new install must be newer than it. */
struct store_pack_info {
  char id[MANIFEST_ID_MAX + 1];
  uint64_t current;
  uint64_t previous;
  uint64_t floor;
};

/* Opens the store in dir, creating dir and its layout if missing, taking an
 * exclusive lock (KERR_STORE if another process holds it), removing
 * leftover staging and half-committed folders from a crash, and loading the
 * state of every pack id. Does not re-hash packs: call store_check() for
 * that. On success *out is a new store; close with store_close(). */
int store_open(const char *dir, struct store **out, struct kerr *e);

/* Opens an existing store for queries only (for a status command while the
 * kiosk runs): no lock, no clean-up, no writes. Staging returns KERR_STORE;
 * store_note_time() and store_check() change only what this process sees. */
int store_open_readonly(const char *dir, struct store **out, struct kerr *e);

/* Accepts NULL. Any stage still open must be aborted first. */
void store_close(struct store *s);

/* Free space to keep beyond a pack's size (default 16 MiB). */
void store_set_reserve(struct store *s, uint64_t bytes);

/* Optional hook that re-verifies the signature of an installed pack when
 * it is checked (quick or full): called with the exact bytes of pack.json and
 * pack.json.minisig of the version being checked. Return 0 if valid, else a
 * KERR code with e filled; a failure counts as corruption of that version. */
typedef int store_verify_fn(void *ctx, const char *id, uint64_t version, const char *json,
                            size_t json_len, const char *sig, size_t sig_len, struct kerr *e);
void store_set_verifier(struct store *s, store_verify_fn *fn, void *ctx);
/* Once store_set_verifier() returns, no check uses the old fn and ctx any
 * more (a check in another thread holds them under a lock): the old ctx
 * may be freed. */

/* --- installing -------------------------------------------------------- */

/* Starts installing the pack described by m (parsed with MANIFEST_PACK; it
 * must stay alive until commit or abort). Refuses with KERR_OLDER a version
 * not newer than the highest ever installed for m->id, KERR_SAME when this
 * exact manifest is already the current one ("already installed", not a
 * failure), KERR_NOSPACE when the filesystem lacks m->total_bytes plus the
 * reserve. (Re-installing the highest version with a byte-identical manifest
 * is allowed when it is not current, to repair a pack that was found
 * corrupt.) On success *out is a new stage. */
int store_stage_begin(struct store *s, const struct manifest *m, struct store_stage **out,
                      struct kerr *e);

/* Creates the member file relpath (which must pass manifest_path_ok() and be
 * listed in the manifest) in the staging folder, new and never through a
 * symlink; *fd is open for writing, the caller writes and closes it. */
int store_stage_create(struct store_stage *st, const char *relpath, int *fd, struct kerr *e);

/* Writes pack.json and pack.json.minisig into the stage. json must be the
 * exact bytes the stage's manifest was parsed from (KERR_INVAL otherwise). */
int store_stage_put_meta(struct store_stage *st, const char *json, size_t json_len, const char *sig,
                         size_t sig_len, struct kerr *e);

/* Checks every listed file is present with its declared size, fsyncs every
 * file and folder, renames the stage into place and atomically makes it
 * current (previous = the old current, floor = the new version), raises the
 * time floor to the pack's "created", then deletes versions older than the
 * previous. Frees st in every case: do not call store_stage_abort() after.
 * On failure nothing installed has changed. */
int store_stage_commit(struct store_stage *st, struct kerr *e);

/* Removes everything staged and frees st. Accepts NULL. Never fails. */
void store_stage_abort(struct store_stage *st);

/* A stolen signing key must not leave its version numbers behind: for
 * every pack id whose floor a key revoked in t raised, that key's part of
 * the floor is forgotten, an installed version it signed stops being
 * current or previous, and the floor falls back to the highest version
 * that keys not revoked installed (or that an older store recorded with no
 * key). The change is written at once and logged. Installing calls it
 * first (pack_install()), so a stick that brings a revoking keyring update
 * and the owner's pack installs both in one visit. 0, or a KERR code if a
 * state could not be written (that id keeps its floor). */
int store_forget_revoked(struct store *s, const struct sig_trust *t, struct kerr *e);

/* --- checking what is installed ----------------------------------------- */

/* What a check of installed files may cost. A full check reads and hashes
 * every byte; a quick check (at start, and after a keyring update) reads
 * only pack.json and its signature and compares each file's size, mtime and
 * ctime with the seal written when the version was last hashed in full (at
 * install, then by each background re-check): a version whose seal no
 * longer matches is marked "to re-check" and stays shown until the full
 * check in the background says otherwise. */

/* Called after each chunk of a full check with the bytes just read; a
 * nonzero return stops the check (the store is left as it was). It may
 * sleep: that is how a background check is paced and paused. */
typedef int store_pace_fn(void *ctx, uint64_t bytes);

/* The bytes read per chunk of a full check. */
#define STORE_CHECK_CHUNK_BYTES (256u * 1024u)

/* Re-checks the current version of id against its manifest: pack.json
 * parses and names this id and version, the verifier hook (if set) accepts
 * the signature, and every listed file has its size and BLAKE2b-256 hash.
 * Returns 0 if the current version is sound. If it is not, logs a warning
 * naming the file, checks the previous version the same way and, if sound,
 * makes it current (atomically) and returns KERR_CORRUPT with e saying so:
 * the id still has something to show. Without a sound previous it marks
 * the id as having nothing to show and returns KERR_NOENT with e naming
 * the damaged file. Also KERR_NOENT for an id with nothing to show. */
int store_check(struct store *s, const char *id, struct kerr *e);

/* Runs store_check() on every known id; each problem is logged. Returns
 * how many ids have something to show afterwards. Reads every byte: for
 * `kiosk-pack status --check`, never for the kiosk's display thread. */
int store_check_all(struct store *s);

/* The quick check of the current version of id (see above), with the same
 * results as store_check(): a version certainly damaged (a file missing or
 * of the wrong size, pack.json or its signature) falls back at once to the
 * previous version if that passes the quick check too. A version that
 * passes but whose seal does not match is marked to re-check. */
int store_check_quick(struct store *s, const char *id, struct kerr *e);

/* store_check_quick() on every known id (at start, before the first page,
 * and after a keyring update). Returns how many ids have something to show
 * afterwards. */
int store_check_quick_all(struct store *s);

/* An installed version the background check may look at. */
struct store_version {
  char id[MANIFEST_ID_MAX + 1];
  uint64_t version;
  int is_current;  /* else the previous version (the fallback) */
  uint64_t bytes;  /* its files' sizes added up (0 if not yet known) */
  int64_t checked; /* unix time of its last full check, 0 if unknown */
  int recheck;     /* marked to re-check as soon as possible */
};

/* A new array of the current and previous versions of every id; free with
 * free(). */
int store_versions(struct store *s, struct store_version **out, size_t *n, struct kerr *e);

/* Marks every installed version to re-check (after a keyring update). */
void store_mark_recheck_all(struct store *s);

/* Fully checks version v of id (its current or previous version), calling
 * pace (may be NULL) after each chunk. Sound: its seal is written again
 * with the time of this check and 0 is returned. Damaged current version:
 * as store_check() (falls back to the previous version if that passes a
 * full check: KERR_CORRUPT; else nothing to show: KERR_NOENT). Damaged
 * previous version: it is no longer kept as the fallback, KERR_CORRUPT.
 * Each finding is logged. Returns 1 when pace stopped the check (nothing
 * changed), and KERR_INVAL when v is no longer current or previous. */
int store_check_version(struct store *s, const char *id, uint64_t v, store_pace_fn *pace,
                        void *pace_ctx, struct kerr *e);

/* --- queries ----------------------------------------------------------- */

/* A new array of every known pack id (sorted by id), including ids with
 * nothing to show (current == 0); free with free(). */
int store_list(struct store *s, struct store_pack_info **out, size_t *n, struct kerr *e);

/* Info on one id; KERR_NOENT if the store has never seen it. */
int store_info(struct store *s, const char *id, struct store_pack_info *out, struct kerr *e);

/* The folder of the current version of id, "<dir>/packs/<id>/<version>",
 * into buf. KERR_NOENT if id has nothing to show. */
int store_current_dir(struct store *s, const char *id, char *buf, size_t cap, struct kerr *e);

/* The parsed manifest of the current version of id; free with
 * manifest_free(). KERR_NOENT if id has nothing to show. */
int store_current_manifest(struct store *s, const char *id, struct manifest **out, struct kerr *e);

/* The exact bytes of pack.json and pack.json.minisig of version of id
 * (0 means the current one), for re-verifying the signature. Both are new
 * NUL-terminated buffers; free with free(). */
int store_read_meta(struct store *s, const char *id, uint64_t version, char **json,
                    size_t *json_len, char **sig, size_t *sig_len, struct kerr *e);

/* --- time without a clock ---------------------------------------------- */

/* The persisted time floor (the rule is core/timefloor.h): plausible
 * clock readings and believable signed "created" times, in unix seconds. */
int64_t store_time_floor(struct store *s);

/* A clock reading: raises the floor to now when plausible. Persists it
 * when it moved forward by more than STORE_TIME_FLOOR_STEP_S since the last
 * write (commits always persist), or when reading it back changed it.
 * Returns 0 or a KERR code (the in-memory floor is raised anyway). */
int store_note_time(struct store *s, int64_t now, struct kerr *e);

/* 1 when clock_now is plausible against the floor and what was signed:
 * not behind the floor, not far past the newest signed time. */
int store_clock_plausible(struct store *s, int64_t clock_now);

/* A root-signed reset (a keyring update's "time_floor"): the floor and its
 * anchor become when, down as well as up, and are persisted. 0 or a KERR
 * code. */
int store_reset_time_floor(struct store *s, int64_t when, struct kerr *e);

/* The time to judge expiry by: the clock when plausible, else the floor. */
int64_t store_effective_now(struct store *s, int64_t clock_now);

#endif
