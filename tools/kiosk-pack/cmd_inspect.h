/* cmd_inspect.h — `kiosk-pack inspect PACK [--trusted PATH]`. */
#ifndef KIOSK_TOOLS_CMD_INSPECT_H
#define KIOSK_TOOLS_CMD_INSPECT_H

/* Runs the command; argv[0] is "inspect". Returns the exit status: 0 the
 * pack was read (and, with --trusted, verifies), 1 it is not a readable
 * pack or does not verify, 2 usage or system error. */
int cmd_inspect(int argc, char **argv);

#endif
