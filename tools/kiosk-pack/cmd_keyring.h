/* cmd_keyring.h — `kiosk-pack keyring build|install|status|inspect`:
 * signed keyring updates that add and revoke signing keys in the field
 * (format: kiosk/core/keyring.c). */
#ifndef KIOSK_TOOLS_CMD_KEYRING_H
#define KIOSK_TOOLS_CMD_KEYRING_H

#include "core/err.h"
#include "kiosk-pack/cmd_build.h"

#include <stddef.h>
#include <stdint.h>

struct cmd_keyring_build_opts {
  uint64_t version;       /* the update's version, 1 or more */
  const char *const *add; /* minisign .pub files whose keys to add */
  size_t n_add;
  const char *const *revoke; /* key ids (16 hex digits) to revoke */
  size_t n_revoke;
  const char *base;             /* an earlier update whose lists to repeat,
                                 or NULL */
  const char *key;              /* a root key to sign with, NAME.key */
  const char *const *more_keys; /* further root keys to sign with (k of n,
                                   or the new root set of a rotation) */
  size_t n_more_keys;
  const char *const *roots; /* .pub files: the complete new root set, or
                                 n_roots 0 to keep the kiosks' root set */
  size_t n_roots;
  unsigned threshold;     /* root signatures updates need from now on;
                                 0: unchanged */
  int64_t time_floor;     /* a root-signed reset of the kiosks' time
                                 floor (unix seconds); 0: none */
  const char *out;        /* a file, or a folder for
                                 keyring-<version>.kkeys; NULL: that name in
                                 the current folder */
  const char *passphrase; /* NULL: $KIOSK_PACK_PASSPHRASE or asked */
  int64_t created;        /* unix seconds; 0: now */
  enum cmd_build_compress compress;
};

/* Builds the update described by o, signs it with every key given
 * (trusted comment "kkeyring format=2 version=<version>"), writes it
 * atomically and reads it back with the keys' public halves as roots. The path written goes into out_path
 * (cap bytes). Refuses (KERR_USAGE / KERR_MANIFEST / KERR_REVOKED) an
 * update that would both add and revoke a key, revoke the key it is signed
 * with, add a key the base revoked, or have a version not newer than the
 * base. Returns 0 or a KERR code with e saying what to do; on failure
 * nothing is written. */
int cmd_keyring_build(const struct cmd_keyring_build_opts *o, char *out_path, size_t cap,
                      struct kerr *e);

/* Adds a signature by the root key key_path (passphrase as in
 * cmd_keyring_build_opts) to the update at path, which is rewritten
 * atomically; an update already signed by that key is left as it is.
 * Returns 0 or a KERR code with e saying what to do. */
int cmd_keyring_sign(const char *path, const char *key_path, const char *passphrase,
                     struct kerr *e);

/* Runs the command; argv[0] is "keyring". Returns the exit status: 0 ok
 * (installed or already installed), 1 refused, 2 usage or system error. */
int cmd_keyring(int argc, char **argv);

#endif
