/* cmd_sign_file.c — `kiosk-pack sign-file FILE --key NAME.key --comment TEXT`:
 * a hidden developer command that writes FILE.minisig with the prehashed
 * "ED" algorithm, as `minisign -S -t TEXT` would. It exists for the minisign
 * interop test and for debugging; packs are signed by the pack builder. */
#include "kiosk-pack/cmd_sign_file.h"
#include "kiosk-pack/cli.h"
#include "kiosk-pack/keys.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

static void sign_file_usage(FILE *out)
{
  fputs("Usage: kiosk-pack sign-file FILE --key NAME.key --comment TEXT\n"
        "\n"
        "Writes FILE.minisig, a minisign signature (algorithm ED) with TEXT as its\n"
        "trusted comment. The passphrase of an encrypted key comes from\n"
        "$" KEYS_PASSPHRASE_ENV " or is asked on the terminal.\n",
        out);
}

int cmd_sign_file(int argc, char **argv)
{
  const char *file = NULL, *key = NULL, *comment = NULL;
  const struct cli_opt opts[] = {
      {"--key", &key, NULL}, {"--comment", &comment, NULL}, {NULL, NULL, NULL}};
  const struct cli_args spec = {"sign-file", "FILE", opts, sign_file_usage};
  int parsed = cli_parse(&spec, argc, argv, &file);
  if (parsed != CLI_PARSED)
    return parsed;
  if (!file || !key || !comment) {
    fprintf(stderr, "kiosk-pack sign-file: FILE, --key and --comment are all needed\n");
    sign_file_usage(stderr);
    return 2;
  }
  if (sodium_init() < 0) {
    fprintf(stderr, "kiosk-pack sign-file: the crypto library (libsodium) could not start\n");
    return 2;
  }
  struct kerr e;
  kerr_clear(&e);
  struct keys_secret *sk = NULL;
  if (keys_secret_load(key, NULL, &sk, &e) != 0) {
    fprintf(stderr, "kiosk-pack sign-file: %s\n", e.msg);
    return 2;
  }
  int rc = keys_sign_file(sk, file, comment, &e);
  char id[SIG_KEYID_BUFSZ];
  sig_keyid_format(keys_secret_key_id(sk), id);
  keys_secret_free(sk);
  if (rc != 0) {
    fprintf(stderr, "kiosk-pack sign-file: %s\n", e.msg);
    return 2;
  }
  printf("Wrote %s.minisig (key %s)\n", file, id);
  return 0;
}
