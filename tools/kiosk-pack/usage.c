/* usage.c — the help text of kiosk-pack, kept in one place so that --help,
 * usage errors and the README agree. */
#include "kiosk-pack/usage.h"

void usage_print(FILE *out)
{
  fputs(
      "Usage: kiosk-pack COMMAND [OPTIONS]\n"
      "\n"
      "Builds, signs and checks content packs for the information kiosk.\n"
      "\n"
      "Commands:\n"
      "  keygen NAME [--unencrypted]     write NAME.pub and NAME.key (minisign formats)\n"
      "\n"
      "Options:\n"
      "  -h, --help       show this help\n"
      "  -V, --version    show the version\n"
      "\n"
      "Exit status: 0 ok, 1 refused or verification failed, 2 usage or system error.\n",
      out);
}

void usage_version(FILE *out)
{
  fprintf(out, "kiosk-pack %s\n", KIOSK_VERSION);
}
