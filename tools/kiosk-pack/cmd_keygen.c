/* cmd_keygen.c — `kiosk-pack keygen NAME [--unencrypted]`: writes a new
 * minisign-compatible key pair, NAME.key (secret, 0600) and NAME.pub. The
 * passphrase comes from $KIOSK_PACK_PASSPHRASE or is asked twice on the
 * terminal. Existing files are never overwritten. */
#include "kiosk-pack/cmd_keygen.h"
#include "kiosk-pack/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

static void keygen_usage(FILE *out)
{
  fputs("Usage: kiosk-pack keygen NAME [--root] [--unencrypted]\n"
        "\n"
        "Writes NAME.key (the secret key) and NAME.pub (the public key) in minisign's\n"
        "formats. --root: a root key, whose .pub goes into every kiosk's trusted-keys\n"
        "folder and which signs keyring updates only (keep NAME.key offline); without\n"
        "it, a signing key for packs, named by a keyring update (kiosk-pack keyring\n"
        "build --add NAME.pub). The secret key is encrypted with a passphrase, taken from\n"
        "$" KEYS_PASSPHRASE_ENV " or asked twice on the terminal; --unencrypted\n"
        "writes it without one. Existing files are never overwritten.\n",
        out);
}

static int ends_with(const char *s, const char *suffix)
{
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

int cmd_keygen(int argc, char **argv)
{
  const char *name = NULL;
  int unencrypted = 0, root = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--unencrypted")) {
      unencrypted = 1;
    } else if (!strcmp(a, "--root")) {
      root = 1;
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      keygen_usage(stdout);
      return 0;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "kiosk-pack keygen: unknown option '%s'\n", a);
      keygen_usage(stderr);
      return 2;
    } else if (!name) {
      name = a;
    } else {
      fprintf(stderr, "kiosk-pack keygen: one NAME only ('%s' and '%s' given)\n", name, a);
      return 2;
    }
  }
  if (!name || !*name) {
    fprintf(stderr, "kiosk-pack keygen: NAME is missing\n");
    keygen_usage(stderr);
    return 2;
  }
  if (ends_with(name, ".key") || ends_with(name, ".pub") || ends_with(name, "/")) {
    fprintf(
        stderr,
        "kiosk-pack keygen: give NAME without .key or .pub (for example 'kiosk-pack keygen content-team-2026'); "
        "NAME.key and NAME.pub are written\n");
    return 2;
  }
  if (sodium_init() < 0) {
    fprintf(stderr, "kiosk-pack keygen: the crypto library (libsodium) could not start\n");
    return 2;
  }

  size_t n = strlen(name) + 5;
  char *key_path = malloc(n), *pub_path = malloc(n);
  char *pw = NULL;
  int status = 2;
  struct kerr e;
  kerr_clear(&e);
  if (!key_path || !pub_path) {
    fprintf(stderr, "kiosk-pack keygen: out of memory\n");
    goto out;
  }
  snprintf(key_path, n, "%s.key", name);
  snprintf(pub_path, n, "%s.pub", name);

  /* Check before asking for a passphrase; keys_generate checks again. */
  struct stat st;
  if (lstat(key_path, &st) == 0 || lstat(pub_path, &st) == 0) {
    fprintf(stderr,
            "kiosk-pack keygen: %s already exists — keygen never overwrites a key; "
            "choose another name or move the old files away\n",
            lstat(key_path, &st) == 0 ? key_path : pub_path);
    goto out;
  }

  if (!unencrypted) {
    pw = sodium_malloc(KEYS_PASSPHRASE_MAX + 1);
    if (!pw) {
      fprintf(stderr, "kiosk-pack keygen: out of memory\n");
      goto out;
    }
    if (keys_passphrase_read(key_path, 1, pw, KEYS_PASSPHRASE_MAX + 1, &e) != 0) {
      fprintf(stderr, "kiosk-pack keygen: %s\n", e.msg);
      goto out;
    }
    fprintf(stderr, "Deriving a key from the passphrase (a few seconds, 1 GiB of memory)...\n");
  }

  struct sig_pubkey pub;
  if (keys_generate(name, pw, NULL, &pub, &e) != 0) {
    fprintf(stderr, "kiosk-pack keygen: %s\n", e.msg);
    goto out;
  }
  char id[SIG_KEYID_BUFSZ];
  sig_keyid_format(pub.key_id, id);
  if (root)
    printf("Wrote a new root key pair (key %s):\n"
           "  %s  the secret key: keep it offline with a backup; it signs keyring updates only\n"
           "  %s  the public key: copy it into the trusted-keys folder of every kiosk\n"
           "Name the signing keys for packs with 'kiosk-pack keyring build --add SIGNING.pub "
           "--key %s'.\n",
           id, key_path, pub_path, key_path);
  else
    printf(
        "Wrote a new signing key pair (key %s):\n"
        "  %s  the secret key: keep it secret and keep a backup; whoever holds it can sign packs\n"
        "  %s  the public key: copy it into the trusted-keys folder of every kiosk\n"
        "  (kiosks with a keyring take it only once a root-signed keyring update names it:\n"
        "  'kiosk-pack keyring build --add %s --key ROOT.key')\n",
        id, key_path, pub_path, pub_path);
  if (unencrypted)
    printf("%s has no passphrase: keep it on an offline, encrypted disk.\n", key_path);
  status = 0;
out:
  sodium_free(pw);
  free(key_path);
  free(pub_path);
  return status;
}
