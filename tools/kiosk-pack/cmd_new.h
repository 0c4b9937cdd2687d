/* cmd_new.h — `kiosk-pack new DIR`: starts a pack source folder. */
#ifndef KIOSK_TOOLS_CMD_NEW_H
#define KIOSK_TOOLS_CMD_NEW_H

#include <stddef.h>

/* Makes a pack id from a folder name: lower case, runs of anything but
 * letters and digits become one dash, at most 64 bytes. Returns 0, or -1
 * when nothing usable is left. */
int cmd_new_id_from_name(const char *dir, char *id, size_t cap);

/* Runs the command; argv[0] is "new". Returns the exit status: 0 made,
 * 2 usage or system error (DIR exists and is not empty, cannot write). */
int cmd_new(int argc, char **argv);

#endif
