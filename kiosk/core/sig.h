/* sig.h — minisign-compatible signature verification (verify only).
 *
 * The kiosk links this module; it holds no signing and no secret-key code
 * (that lives in tools/kiosk-pack/keys.c). It reads minisign public keys and
 * `.minisig` signatures, keeps a set of trusted keys, and verifies a message
 * the way `minisign -V -H` does: the prehashed algorithm "ED" only (Ed25519
 * over the BLAKE2b-512 hash of the message), then the global signature over
 * the signature bytes and the trusted comment. The legacy algorithm "Ed" is
 * refused.
 *
 * Every call that can fail returns 0 or a negative KERR_* code and fills
 * `e` (which may be NULL) with a sentence for people. `name` is the file the
 * reader knows (a .kpack, a .pub, a .minisig) and starts every message. */
#ifndef KIOSK_CORE_SIG_H
#define KIOSK_CORE_SIG_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

/* A key id is minisign's 8-byte key number read as a little-endian integer;
 * it prints as 16 uppercase hex digits, e.g. "180F395E82E0112A". */
#define SIG_KEYID_HEX_LEN 16
#define SIG_KEYID_BUFSZ (SIG_KEYID_HEX_LEN + 1)

#define SIG_PUBKEY_BYTES 32

/* Longest trusted comment accepted, in bytes: what `minisign -V` 0.11 reads
 * (its 8192-byte line buffer less "trusted comment: " and the newline).
 * Note that `minisign -S` 0.11 itself only writes comments up to 4077 bytes. */
#define SIG_TRUSTED_COMMENT_MAX 8173

/* Largest .minisig and .pub file accepted, in bytes. */
#define SIG_MINISIG_FILE_MAX 12288
#define SIG_PUBKEY_FILE_MAX 8192

/* Room for a formatted .pub file (sig_pubkey_format). */
#define SIG_PUBKEY_TEXT_BUFSZ 128

/* The 8-byte little-endian numbers of minisign's formats (key ids, and in
 * a secret key file the scrypt limits): read from or written to p. */
uint64_t sig_le64_load(const unsigned char p[8]);
void sig_le64_store(unsigned char p[8], uint64_t v);

/* "180F395E82E0112A" into out. Never fails. */
void sig_keyid_format(uint64_t key_id, char out[SIG_KEYID_BUFSZ]);

/* Parses 16 hex digits (either case, nothing else) into *key_id.
 * KERR_INVAL if text is not exactly that. */
int sig_keyid_parse(const char *text, uint64_t *key_id, struct kerr *e);

/* ---- Public keys ------------------------------------------------------ */

/* A minisign public key. Plain data, not secret: callers may copy it. */
struct sig_pubkey {
  uint64_t key_id;
  unsigned char key[SIG_PUBKEY_BYTES]; /* Ed25519 public key */
};

/* Parses a public key from text[0..len): either the two-line .pub file
 * ("untrusted comment: ..." then base64) or the bare base64 string that
 * `minisign -P` takes. Blank lines after the key are allowed, nothing else.
 * KERR_PARSE with the line and what was expected if malformed. */
int sig_pubkey_parse(const char *text, size_t len, const char *name, struct sig_pubkey *out,
                     struct kerr *e);

/* Reads and parses the .pub file at path (at most SIG_PUBKEY_FILE_MAX
 * bytes). KERR_NOENT / KERR_IO / KERR_TOOBIG / KERR_PARSE. */
int sig_pubkey_load(const char *path, struct sig_pubkey *out, struct kerr *e);

/* Writes the .pub file text minisign writes ("untrusted comment: minisign
 * public key <ID>\n<base64>\n") into out, NUL-terminated. Returns the text
 * length, or KERR_INVAL if outsz < SIG_PUBKEY_TEXT_BUFSZ. */
int sig_pubkey_format(const struct sig_pubkey *pk, char *out, size_t outsz);

/* ---- The set of trusted keys ------------------------------------------ */

struct sig_trust;

/* Returns a new, empty set (nothing is trusted); free with sig_trust_free().
 * NULL when out of memory. */
struct sig_trust *sig_trust_new(void);

/* Frees t; NULL is fine. */
void sig_trust_free(struct sig_trust *t);

/* Trusts pk. Adding a key already in the set is a no-op. Refused:
 * a revoked key id (KERR_REVOKED), a key id already trusted with a
 * different key (KERR_INVAL). pk is copied. */
int sig_trust_add(struct sig_trust *t, const struct sig_pubkey *pk, struct kerr *e);

/* Stops trusting key_id and remembers it as revoked: later sig_trust_add()
 * of that id is refused, and signatures by it fail with KERR_REVOKED.
 * Revoking an id not in the set still records it. 0 or KERR_NOMEM. */
int sig_trust_revoke(struct sig_trust *t, uint64_t key_id, struct kerr *e);

/* 1 if key_id is trusted (present and not revoked), else 0. */
int sig_trust_contains(const struct sig_trust *t, uint64_t key_id);

/* 1 if key_id was revoked (sig_trust_revoke()), else 0. */
int sig_trust_revoked(const struct sig_trust *t, uint64_t key_id);

/* Number of trusted keys. */
size_t sig_trust_count(const struct sig_trust *t);

/* Adds the key in the single .pub file at path. Any problem with the file
 * is an error (the caller named this file, so it must be good). */
int sig_trust_load_file(struct sig_trust *t, const char *path, struct kerr *e);

/* Adds every "*.pub" file (not starting with '.') in folder dir, in name
 * order. A bad file does not fail the load: it is skipped and a warning
 * naming the file is logged, so one stray file on a kiosk cannot lock out
 * every other key. Returns the number of .pub files whose key is now trusted
 * (> 0), KERR_NOENT / KERR_IO if the folder cannot be read, or KERR_NOENT if
 * it holds no usable key at all (the message says how many were skipped). */
int sig_trust_load_dir(struct sig_trust *t, const char *dir, struct kerr *e);

/* sig_trust_load_dir() if path is a folder, else sig_trust_load_file()
 * (returning 1 on success). */
int sig_trust_load(struct sig_trust *t, const char *path, struct kerr *e);

/* ---- Signatures ------------------------------------------------------- */

/* A parsed .minisig, not yet verified. */
struct sig_minisig;

/* Parses a .minisig from text[0..len) (at most SIG_MINISIG_FILE_MAX bytes):
 *   untrusted comment: <text>
 *   <base64 of "ED" + key id (8) + Ed25519 signature (64)>
 *   trusted comment: <text>
 *   <base64 of the global signature (64)>
 * Lines end in "\n" (a "\r" before it is ignored, as minisign does); the
 * last newline is optional; only blank lines may follow. Malformed text is
 * KERR_SIG with the line number and what was expected; a legacy "Ed"
 * signature is KERR_SIG saying it is refused. On success *out is a new
 * signature; free with sig_minisig_free(). */
int sig_minisig_parse(const char *text, size_t len, const char *name, struct sig_minisig **out,
                      struct kerr *e);

/* Frees s; NULL is fine. */
void sig_minisig_free(struct sig_minisig *s);

/* The key id the signature claims (not yet verified). */
uint64_t sig_minisig_key_id(const struct sig_minisig *s);

/* What a successful verification tells the caller. Plain data, about
 * 8 KiB: fine on a thread's stack, or embed it. */
struct sig_verified {
  uint64_t key_id;
  char trusted_comment[SIG_TRUSTED_COMMENT_MAX + 1]; /* NUL-terminated */
};

/* Verifies sig over msg[0..msg_len) with the keys in t:
 *   KERR_REVOKED   the key id was revoked,
 *   KERR_UNTRUSTED the key id is not in t,
 *   KERR_BADSIG    the signature does not match the message, or the global
 *                  signature does not match the trusted comment.
 * On success fills *out (may be NULL). */
int sig_verify_parsed(const struct sig_trust *t, const struct sig_minisig *sig, const void *msg,
                      size_t msg_len, const char *name, struct sig_verified *out, struct kerr *e);

/* sig_minisig_parse() then sig_verify_parsed(): the one call most callers
 * need. */
int sig_verify(const struct sig_trust *t, const void *msg, size_t msg_len, const char *sig_text,
               size_t sig_len, const char *name, struct sig_verified *out, struct kerr *e);

/* ---- Streaming verification, for messages read in pieces -------------- */

/* Hashing state for one message. */
struct sig_stream;

/* Returns a new stream ready for sig_stream_update(); free with
 * sig_stream_free(). NULL when out of memory. */
struct sig_stream *sig_stream_new(void);

/* Feeds the next len bytes of the message. Never fails; after
 * sig_stream_final() further bytes are ignored. */
void sig_stream_update(struct sig_stream *s, const void *data, size_t len);

/* Ends the message and verifies it against sig exactly as
 * sig_verify_parsed() does. The stream is spent afterwards: a second final
 * is refused with KERR_INVAL. Free it with sig_stream_free(). */
int sig_stream_final(struct sig_stream *s, const struct sig_trust *t, const struct sig_minisig *sig,
                     const char *name, struct sig_verified *out, struct kerr *e);

/* Frees s; NULL is fine. */
void sig_stream_free(struct sig_stream *s);

#endif
