/* cmd_install.c — `kiosk-pack install PACK --store DIR --trusted PATH`:
 * exactly what a kiosk does with a pack from a stick (pack_install): verify
 * it in one pass while staging its files, then make it current atomically.
 * The store at DIR is created if missing. A version that is already
 * current is "up to date" and not an error. The verdict is one line naming
 * the pack file: on stdout when the pack is now current, on stderr when it
 * was refused. */
#include "kiosk-pack/cmd_install.h"
#include "kiosk-pack/cli.h"

#include "core/log.h"
#include "core/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void install_usage(FILE *out)
{
  fputs("Usage: kiosk-pack install PACK --store DIR --trusted PATH\n"
        "\n"
        "Verifies PACK against the keys in PATH (a .pub file or a folder of them)\n"
        "and installs it into the pack store DIR, as the kiosk does. Older\n"
        "versions, expired and damaged packs are refused and change nothing.\n",
        out);
}

int cmd_install(int argc, char **argv)
{
  const char *pack = NULL, *trusted = NULL, *dir = NULL;
  const struct cli_opt opts[] = {
      {"--trusted", &trusted, NULL}, {"--store", &dir, NULL}, {NULL, NULL, NULL}};
  const struct cli_args spec = {"install", "PACK", opts, install_usage};
  int parsed = cli_parse(&spec, argc, argv, &pack);
  if (parsed != CLI_PARSED)
    return parsed;
  if (!pack || !trusted || !dir) {
    fprintf(stderr, "kiosk-pack install: %s is missing\n",
            !pack      ? "PACK"
                : !dir ? "--store DIR"
                       : "--trusted PATH (a .pub file or a folder of them)");
    install_usage(stderr);
    return CLI_ERROR;
  }
  /* The store's own info lines would repeat our verdict. */
  log_set_level(LOG_WARN);
  struct sig_trust *trust;
  int status = cli_load_trust("install", dir, trusted, &trust);
  if (status != CLI_OK)
    return status;
  struct store *st = NULL;
  struct kerr e;
  kerr_clear(&e);
  if (store_open(dir, &st, &e) != 0) {
    fprintf(stderr, "kiosk-pack install: %s\n", e.msg);
    sig_trust_free(trust);
    return CLI_ERROR;
  }
  status = cli_check_pack("install", pack, st, trust);
  store_close(st);
  sig_trust_free(trust);
  return status;
}
