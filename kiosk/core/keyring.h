/* keyring.h — signed keyring updates: which keys sign packs, and which
 * keys may change that (verify only; the builder lives in tools/kiosk-pack).
 *
 * Keys come in two kinds, as in TUF and RAUC. Root keys (their secret
 * halves kept offline) sign keyring updates and nothing else; the first
 * root set is the minisign keys in the kiosk's trusted-keys folder.
 * Signing keys sign packs and nothing else; they are named by root-signed
 * keyring updates, keyring-<version>.kkeys. An update is accepted only
 * when at least k of the current root keys signed it (k, the threshold,
 * is set by the updates themselves; 1 until one says otherwise), only when
 * its version is newer than the last update installed, and never when it
 * revokes a key that signed it. An update may replace the root set (a
 * rotation): then it must also carry k' signatures of the new set. The
 * format is in keyring.c's opening comment.
 *
 * What was accepted is persisted in the store folder, under
 * <store>/keyring/: the signing keys, the root set after a rotation, the
 * threshold and every revocation (state.json, the commit point, replaced
 * atomically) and the bytes of the last accepted update. The highest
 * version is the anti-rollback floor. Revocations are kept forever, also
 * against the trusted-keys folder: a revoked key is not trusted again even
 * if its .pub file is still in the folder, and no later update can add it
 * back.
 *
 * Everyone who checks a pack must use the signing set that
 * keyring_load_trust() builds: the signing keys named by the installed
 * keyring, minus revocations. A kiosk on which no root-signed keyring was
 * ever installed has only its folder keys; until the first one it accepts
 * packs signed by them (and by keys a format 1 update added), as before
 * root keys existed.
 *
 * Every call returns 0 or a negative KERR_* code and fills e (may be NULL)
 * with a sentence for people that starts with the update's file name. */
#ifndef KIOSK_CORE_KEYRING_H
#define KIOSK_CORE_KEYRING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sig.h"

#define KEYRING_FORMAT 2
#define KEYRING_DOC_NAME "keyring.json"
#define KEYRING_SIG_NAME "keyring.json.minisig"
/* Signatures after the first are keyring.json.<n>.minisig, n = 2, 3, ... */
#define KEYRING_MAX_SIGS 8
#define KEYRING_MAX_ROOTS 16
#define KEYRING_SUFFIX ".kkeys"
#define KEYRING_MAX_BYTES (128u * 1024u) /* keyring.json */
#define KEYRING_SIG_MAX_BYTES 4096u      /* keyring.json.minisig */
#define KEYRING_MAX_KEYS                                                                           \
  1024 /* "add" and "revoke", each; also
                                             the persisted totals */
/* Versions are whole numbers a JSON reader holds exactly: 2^53 and above
 * are refused (a double cannot tell 2^53 from 2^53 + 1). */
#define KEYRING_MAX_VERSION ((UINT64_C(1) << 53) - 1)
#define KEYRING_DIR "keyring" /* under the store folder */
/* Room for "kkeyring format=2 version=<version>" and its NUL. */
#define KEYRING_COMMENT_BUFSZ 64
#define KEYRING_FILE_NAME_MAX 256

/* A keyring document: an update as signed, or the persisted state (then
 * version is the highest installed, 0 when none, and add / revoke are the
 * effective totals). Free with keyring_doc_free(). */
struct keyring_doc {
  int format; /* 2; a state may still be 1 (before root keys) */
  uint64_t version;
  int64_t created;          /* unix seconds, UTC */
  unsigned threshold;       /* root signatures an update needs from now on;
                                0 in an update: unchanged */
  int has_roots;            /* an update: replaces the root set; a state:
                                the set was rotated away from the folder */
  struct sig_pubkey *roots; /* the new root set (has_roots) */
  size_t n_roots;
  struct sig_pubkey *add; /* signing keys to trust, in the order given */
  size_t n_add;
  uint64_t *revoke; /* key ids never to trust again */
  size_t n_revoke;
  int has_time_floor;     /* an update: a root-signed reset of the time */
  int64_t time_floor;     /* floor to this (unix seconds, UTC) */
  unsigned char hash[32]; /* BLAKE2b-256 of the exact keyring.json bytes
                                (for the state: of the last update) */
};

/* Accepts NULL. */
void keyring_doc_free(struct keyring_doc *d);

/* Parses and validates len bytes of keyring.json. name starts the
 * messages. On success *out is a new document (free with
 * keyring_doc_free()). KERR_PARSE (not JSON), KERR_MANIFEST (a field is
 * wrong, unknown or repeated; a key both added and revoked), KERR_FORMAT
 * ("format" is not 1), KERR_LIMIT, KERR_TOOBIG or KERR_NOMEM. */
int keyring_doc_parse(const char *json, size_t len, const char *name, struct keyring_doc **out,
                      struct kerr *e);

/* The keyring.json text for d (keys in the order given, ids in uppercase),
 * ending in a newline, as a new NUL-terminated string (free with free()).
 * d->created is written as RFC 3339 UTC. 0 or KERR_NOMEM / KERR_LIMIT. */
int keyring_doc_format(const struct keyring_doc *d, char **out, struct kerr *e);

/* "kkeyring format=2 version=<version>" into buf (KEYRING_COMMENT_BUFSZ
 * bytes): the trusted comment every signature must carry. */
void keyring_trusted_comment(uint64_t version, char *buf, size_t cap);

/* The outcome of a call, for the screen and for exit codes. */
enum keyring_status {
  KEYRING_STATUS_NONE = 0,   /* not decided */
  KEYRING_STATUS_VERIFIED,   /* whole and signed by a trusted key */
  KEYRING_STATUS_INSTALLED,  /* accepted and persisted now */
  KEYRING_STATUS_UP_TO_DATE, /* this exact update is already installed */
  KEYRING_STATUS_OLDER,      /* not newer than the installed keyring */
  KEYRING_STATUS_REFUSED,    /* failed a check: format, signature, content */
  KEYRING_STATUS_FAILED,     /* could not read the file or write the store */
};

/* What a call found, filled as far as it got. Plain data. */
struct keyring_result {
  enum keyring_status status;
  char file[KEYRING_FILE_NAME_MAX]; /* "keyring-3.kkeys" */
  char msg[1024];                   /* one sentence for people: the error, or what was
                          done */
  int has_key_id;
  char key_id[SIG_KEYID_BUFSZ]; /* the key the signature names */
  int signature_ok;             /* enough root signatures verified, comments agree */
  size_t n_signatures;          /* root signatures that verified */
  uint64_t version;             /* of the update, once its signature verified */
  uint64_t had_version;         /* keyring_install: installed before, 0 if none */
  size_t n_add, n_revoke;       /* in the update */
  size_t n_trusted;             /* keyring_install: keys trusted afterwards */
  int has_time_floor;           /* keyring_install: the update, now installed, resets
                          the time floor (the caller applies it to the
                          store: store_reset_time_floor()) */
  int64_t time_floor;
};

/* "installed", "up to date", "refused", ... for logs and JSON. */
const char *keyring_status_name(enum keyring_status status);

/* Reads the update at path and checks it completely against trust, taken
 * as the root set with a threshold of 1: a signature by a key in trust
 * (not revoked by the update itself; for a rotation also one by the new
 * set), the trusted comments and the document. Writes nothing. On success *doc (doc
 * may be NULL) is the verified document (free with keyring_doc_free()) and
 * out->status is KEYRING_STATUS_VERIFIED; otherwise a negative KERR_* code
 * with e and out->msg saying why. */
int keyring_verify(const char *path, const struct sig_trust *trust, struct keyring_doc **doc,
                   struct keyring_result *out, struct kerr *e);

/* Reads the update at path WITHOUT trusting it: the key id the signature
 * names and the document it claims (the signature is not checked). For
 * showing what a file is. *doc as for keyring_verify(). */
int keyring_inspect(const char *path, struct keyring_doc **doc, struct keyring_result *out,
                    struct kerr *e);

/* The members of the update at path as the kiosk reads them (their form
 * checked, nothing trusted): *doc, the exact keyring.json bytes, and
 * sigs[0..*n_sigs), the signature texts, as new NUL-terminated strings
 * (free each with free()); sigs has room for KEYRING_MAX_SIGS. For tools
 * that add a signature. */
int keyring_read_members(const char *path, char **doc, char **sigs, size_t *n_sigs, struct kerr *e);

/* Installs the update at path into the store folder store_dir (created if
 * missing): verifies it with the root set of store_dir and keys_dir and
 * the installed threshold, refuses a version not newer than the installed
 * one (KERR_OLDER), a signature by a signing key (KERR_UNTRUSTED), an
 * added key that was ever revoked (KERR_REVOKED) or that is also a root
 * key or clashes with one (KERR_INVAL), an update that would leave fewer
 * root keys than its threshold, then persists the new state atomically. Returns 0 when the update is now
 * installed: out->status INSTALLED, or UP_TO_DATE when this exact update
 * already was (nothing changed). Otherwise a negative KERR_* code, nothing
 * persisted has changed, and e and out->msg say why. Installs into one
 * store folder are serialised by a lock (KERR_STORE if held elsewhere). */
int keyring_install(const char *path, const char *store_dir, const char *keys_dir,
                    struct keyring_result *out, struct kerr *e);

/* As keyring_install(), for the update open on fd (borrowed: read from
 * offset 0 through a duplicate, never reopened by name; name, such as its
 * path on the stick, only names it in messages). cancel may be NULL; set
 * non-zero from another thread it ends the reading: KERR_INVAL with
 * "<file>: cancelled — nothing was changed", and nothing persisted has
 * changed. */
int keyring_install_fd(int fd, const char *name, const char *store_dir, const char *keys_dir,
                       const atomic_int *cancel, struct keyring_result *out, struct kerr *e);

/* Builds the set of keys that may sign packs: the signing keys named by
 * the installed keyring, minus every revoked key id, which stays
 * remembered as revoked in the set (sig_trust_add() of it fails,
 * signatures by it fail with KERR_REVOKED). On a kiosk where no format 2
 * keyring was ever installed: the keys in keys_dir (a folder of .pub files
 * or one .pub file; may be NULL) plus keys a format 1 update added. A
 * missing store_dir or keyring state is no error. With a format 2
 * keyring the root set must load too (see keyring_load_roots()), else its
 * error. A damaged state is
 * KERR_STORE — the set is not built, so revoked keys cannot come back
 * through a damaged file. A keys_dir that cannot be used is an error
 * unless updates added keys (then a warning is logged). KERR_NOENT when
 * no key is left. On success *out is a new set; free with
 * sig_trust_free(). */
int keyring_load_trust(const char *store_dir, const char *keys_dir, struct sig_trust **out,
                       struct kerr *e);

/* The root set keyring updates are checked with: keys_dir's keys, or the
 * set of the last rotation, minus revocations; *threshold the signatures
 * an update needs. Errors as keyring_load_trust(). *out is new; free with
 * sig_trust_free(). */
int keyring_load_roots(const char *store_dir, const char *keys_dir, struct sig_trust **out,
                       unsigned *threshold, struct kerr *e);

/* The persisted state of store_dir as a document: version 0 and empty
 * lists when no update was ever installed. KERR_STORE when damaged. *out is
 * new; free with keyring_doc_free(). */
int keyring_state(const char *store_dir, struct keyring_doc **out, struct kerr *e);

#endif
