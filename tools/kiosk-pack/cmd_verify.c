/* cmd_verify.c — `kiosk-pack verify PACK --trusted PATH`: checks a pack
 * exactly as a kiosk would before installing it (signature by a trusted
 * key, expiry against this computer's clock, every member against the
 * signed list) and writes nothing. PATH is a .pub file or a folder of them.
 * The verdict is one line naming the pack file: on stdout when it
 * verifies, on stderr when it is refused. */
#include "kiosk-pack/cmd_verify.h"
#include "kiosk-pack/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void verify_usage(FILE *out)
{
  fputs("Usage: kiosk-pack verify PACK --trusted PATH\n"
        "\n"
        "Checks PACK as a kiosk would: signed by a key in PATH (a .pub file or a\n"
        "folder of them), not expired, and every file whole. Writes nothing.\n",
        out);
}

int cmd_verify(int argc, char **argv)
{
  const char *pack = NULL, *trusted = NULL;
  const struct cli_opt opts[] = {{"--trusted", &trusted, NULL}, {NULL, NULL, NULL}};
  const struct cli_args spec = {"verify", "PACK", opts, verify_usage};
  int parsed = cli_parse(&spec, argc, argv, &pack);
  if (parsed != CLI_PARSED)
    return parsed;
  if (!pack || !trusted) {
    fprintf(stderr, "kiosk-pack verify: %s is missing\n",
            !pack ? "PACK" : "--trusted PATH (a .pub file or a folder of them)");
    verify_usage(stderr);
    return CLI_ERROR;
  }
  struct sig_trust *trust;
  int status = cli_load_trust("verify", NULL, trusted, &trust);
  if (status != CLI_OK)
    return status;
  status = cli_check_pack("verify", pack, NULL, trust);
  sig_trust_free(trust);
  return status;
}
