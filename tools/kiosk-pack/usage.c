/* usage.c — the help text of kiosk-pack, kept in one place so that --help,
 * usage errors and the README agree. */
#include "kiosk-pack/usage.h"

void usage_print(FILE *out)
{
  fputs("Usage: kiosk-pack COMMAND [OPTIONS]\n"
        "\n"
        "Builds, signs and checks content packs for the information kiosk.\n"
        "\n"
        "Commands:\n"
        "  keygen NAME [--unencrypted]     write NAME.pub and NAME.key (minisign formats)\n"
        "  build SRCDIR --key NAME.key [--out FILE] [--compress none|gzip|zstd]\n"
        "                                  build and sign <id>-<version>.kpack from a\n"
        "                                  source folder (gzip unless told otherwise)\n"
        "  verify PACK --trusted PATH      check a pack as a kiosk would; writes nothing\n"
        "  inspect PACK [--trusted PATH]   show what a pack holds (\"claimed\" unless verified)\n"
        "  install PACK --store DIR --trusted PATH\n"
        "                                  verify and install a pack into a pack store\n"
        "  status --store DIR [--trusted PATH] [--check] [--json]\n"
        "                                  list installed packs and check their files\n"
        "                                  (--check: read every byte again)\n"
        "  stick DIR --packs PACK|FOLDER... [--keyring FILE] [--trusted PATH]\n"
        "                                  prepare a USB stick for a field visit: newest\n"
        "                                  copy of each pack, read back, README.txt\n"
        "  report LOGS... --out report.html [--json FILE] [--csv DIR] [--packs PATH]\n"
        "                                  one picture of the fleet from the kiosk-logs\n"
        "                                  folders sticks brought home (report --help)\n"
        "  keyring SUBCOMMAND ...          rotate and revoke signing keys (keyring --help)\n"
        "  new DIR                         start a pack source: pack.json and one example\n"
        "                                  page of each layout and block\n"
        "  new DIR --from PREVIOUS         next month's issue from last month's source\n"
        "  lint SRCDIR [--size WxH,...]    check a pack source: fonts, fit, pictures,\n"
        "                                  translations, dates, reading time\n"
        "  import FILE --lang LL --into SRCDIR\n"
        "                                  a new pack source from a DOCX, ODT, HTML or\n"
        "                                  Markdown document: a page per heading (pandoc)\n"
        "  po export SRCDIR --out DIR      the pages' texts as gettext files for translators:\n"
        "                                  DIR/<id>.pot and DIR/<language>.po\n"
        "  po import DIR --into SRCDIR     write the translated .po files back as pages\n"
        "  preview SRCDIR|PACK --out DIR [--size WxH,...] [--lang xx,...] [--trusted PATH]\n"
        "                                  draw every page as the kiosk does, as PNGs\n"
        "                                  (a PACK is verified with --trusted first)\n"
        "\n"
        "PATH is a minisign .pub file or a folder of them. The passphrase of an\n"
        "encrypted key comes from $KIOSK_PACK_PASSPHRASE or is asked on the terminal.\n"
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
