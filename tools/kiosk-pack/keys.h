/* keys.h — the signing side: minisign-compatible key pairs and signatures.
 *
 * Only kiosk-pack links this; the kiosk verifies with core/sig.h and never
 * sees a secret key. Key files are byte-compatible with minisign 0.11: a key
 * made here works with `minisign -S`, and a key made by `minisign -G`
 * (encrypted or with -W) works here. Signatures use the prehashed algorithm
 * "ED" and verify with `minisign -V`. */
#ifndef KIOSK_TOOLS_KEYS_H
#define KIOSK_TOOLS_KEYS_H

#include "core/err.h"
#include "core/sig.h"

#include <stddef.h>
#include <stdint.h>

/* minisign's scrypt cost for a new encrypted key (libsodium's "sensitive"
 * limits): about 1 GiB of memory and a few seconds. */
#define KEYS_KDF_OPSLIMIT 33554432ULL
#define KEYS_KDF_MEMLIMIT 1073741824ULL

/* Longest passphrase, in bytes, as minisign reads it. */
#define KEYS_PASSPHRASE_MAX 1023

/* The environment variable that, when set, holds the passphrase. */
#define KEYS_PASSPHRASE_ENV "KIOSK_PACK_PASSPHRASE"

/* scrypt cost for keys_generate(); NULL there means minisign's defaults.
 * Lower values are for tests: minisign reads the cost from the key file, so
 * such keys stay compatible, only weaker. */
struct keys_kdf_limits {
  uint64_t opslimit;
  uint64_t memlimit;
};

/* Gets a passphrase for the key file key_path into buf (bufsz bytes, at
 * least KEYS_PASSPHRASE_MAX + 1): from $KIOSK_PACK_PASSPHRASE if set, else
 * asked on the terminal (/dev/tty) without echo — twice when confirm is
 * set, and then an empty passphrase is refused. KERR_USAGE with a clear
 * message when there is neither the variable nor a terminal; KERR_PASSPHRASE
 * when the two entries differ. The caller wipes buf (sodium_memzero). */
int keys_passphrase_read(const char *key_path, int confirm, char *buf, size_t bufsz,
                         struct kerr *e);

/* Makes a new key pair and writes NAME.pub (0644) and NAME.key (0600).
 * passphrase NULL writes an unencrypted secret key (like `minisign -G -W`);
 * otherwise it is encrypted with scrypt at limits (NULL: minisign's). Refuses
 * (KERR_IO, nothing written) if either file exists. Each file is written to a
 * temporary name beside it, fsynced and linked into place. On success fills
 * *pub_out (may be NULL) with the new public key. */
int keys_generate(const char *name, const char *passphrase, const struct keys_kdf_limits *limits,
                  struct sig_pubkey *pub_out, struct kerr *e);

/* A loaded secret key, kept in guarded memory (sodium_malloc). */
struct keys_secret;

/* Loads the secret key file at path (ours or minisign's). If the key is
 * encrypted, passphrase is used, or when NULL one is read with
 * keys_passphrase_read(). A wrong passphrase is KERR_PASSPHRASE ("wrong
 * passphrase for NAME.key — try again"), found by the key's checksum. On
 * success *out is a new key; free with keys_secret_free(). */
int keys_secret_load(const char *path, const char *passphrase, struct keys_secret **out,
                     struct kerr *e);

/* Wipes and frees sk; NULL is fine. */
void keys_secret_free(struct keys_secret *sk);

/* The key id and public half of sk. */
uint64_t keys_secret_key_id(const struct keys_secret *sk);
void keys_secret_public(const struct keys_secret *sk, struct sig_pubkey *out);

/* Signs msg[0..len) and returns the .minisig text in *out (NUL-terminated,
 * *out_len bytes without the NUL; free with free()). The trusted comment is
 * one line of at most SIG_TRUSTED_COMMENT_MAX bytes without CR, LF or NUL,
 * else KERR_INVAL. The signature is checked against the public key before it
 * is returned. */
int keys_sign(const struct keys_secret *sk, const void *msg, size_t len,
              const char *trusted_comment, char **out, size_t *out_len, struct kerr *e);

/* Signs the file at path and writes path.minisig atomically (temporary file
 * beside it, fsync, rename, fsync of the folder), replacing an older one.
 * The file is hashed as it is read, so it can be of any size. */
int keys_sign_file(const struct keys_secret *sk, const char *path, const char *trusted_comment,
                   struct kerr *e);

/* Writes data to path atomically: a temporary file beside it with mode,
 * fsync, then rename (or, when exclusive, link so that an existing path is
 * never replaced: KERR_IO "already exists"), then fsync of the folder. On
 * failure nothing is left behind. */
int keys_write_atomic(const char *path, const void *data, size_t len, unsigned mode, int exclusive,
                      struct kerr *e);

#endif
