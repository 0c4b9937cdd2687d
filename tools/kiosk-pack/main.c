/* kiosk-pack — the content team's tool. main() parses the command name and
 * hands over to the command's function; every command returns an exit status
 * (0 ok, 1 refused or verification failed, 2 usage or system error). */
#include "kiosk-pack/cmd_build.h"
#include "kiosk-pack/cmd_import.h"
#include "kiosk-pack/cmd_inspect.h"
#include "kiosk-pack/cmd_install.h"
#include "kiosk-pack/cmd_keygen.h"
#include "kiosk-pack/cmd_keyring.h"
#include "kiosk-pack/cmd_lint.h"
#include "kiosk-pack/cmd_new.h"
#include "kiosk-pack/cmd_po.h"
#include "kiosk-pack/cmd_preview.h"
#include "kiosk-pack/cmd_report.h"
#include "kiosk-pack/cmd_sign_file.h"
#include "kiosk-pack/cmd_status.h"
#include "kiosk-pack/cmd_stick.h"
#include "kiosk-pack/cmd_verify.h"
#include "kiosk-pack/usage.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
  if (argc < 2) {
    usage_print(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage_print(stdout);
    return 0;
  }
  if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    usage_version(stdout);
    return 0;
  }
  if (!strcmp(cmd, "keygen"))
    return cmd_keygen(argc - 1, argv + 1);
  if (!strcmp(cmd, "build"))
    return cmd_build(argc - 1, argv + 1);
  if (!strcmp(cmd, "verify"))
    return cmd_verify(argc - 1, argv + 1);
  if (!strcmp(cmd, "inspect"))
    return cmd_inspect(argc - 1, argv + 1);
  if (!strcmp(cmd, "install"))
    return cmd_install(argc - 1, argv + 1);
  if (!strcmp(cmd, "status"))
    return cmd_status(argc - 1, argv + 1);
  if (!strcmp(cmd, "stick"))
    return cmd_stick(argc - 1, argv + 1);
  if (!strcmp(cmd, "report"))
    return cmd_report(argc - 1, argv + 1);
  if (!strcmp(cmd, "keyring"))
    return cmd_keyring(argc - 1, argv + 1);
  if (!strcmp(cmd, "preview"))
    return cmd_preview(argc - 1, argv + 1);
  if (!strcmp(cmd, "lint"))
    return cmd_lint(argc - 1, argv + 1);
  if (!strcmp(cmd, "new"))
    return cmd_new(argc - 1, argv + 1);
  if (!strcmp(cmd, "import"))
    return cmd_import(argc - 1, argv + 1);
  if (!strcmp(cmd, "po"))
    return cmd_po(argc - 1, argv + 1);
  if (!strcmp(cmd, "sign-file")) /* hidden: for tests and debugging */
    return cmd_sign_file(argc - 1, argv + 1);
  fprintf(stderr,
          "kiosk-pack: unknown command '%s' — run 'kiosk-pack --help' for the list of commands\n",
          cmd);
  return 2;
}
