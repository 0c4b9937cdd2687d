/* cmd_status.h — `kiosk-pack status --store DIR [--trusted PATH] [--json]`. */
#ifndef KIOSK_TOOLS_CMD_STATUS_H
#define KIOSK_TOOLS_CMD_STATUS_H

/* Runs the command; argv[0] is "status". Returns the exit status: 0 every
 * installed pack checks out, 1 some pack is damaged, 2 usage or system
 * error (such as no store at DIR). */
int cmd_status(int argc, char **argv);

#endif
