/* cmd_stick.h — `kiosk-pack stick DIR --packs P... [--keyring K]
 * [--trusted PATH]`: prepares a USB stick for a field visit. */
#ifndef KIOSK_TOOLS_CMD_STICK_H
#define KIOSK_TOOLS_CMD_STICK_H

/* Runs the command; argv[0] is "stick". Returns the exit status: 0 the
 * stick is ready, 1 a pack or keyring update was refused (nothing was
 * written), 2 usage or system error (the stick is full, read-only, or a
 * copy did not read back the same). */
int cmd_stick(int argc, char **argv);

#endif
