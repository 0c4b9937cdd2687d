/* cmd_keygen.h — `kiosk-pack keygen NAME [--unencrypted]`. */
#ifndef KIOSK_TOOLS_CMD_KEYGEN_H
#define KIOSK_TOOLS_CMD_KEYGEN_H

/* Runs the command; argv[0] is "keygen". Returns the exit status:
 * 0 ok, 2 usage or system error. */
int cmd_keygen(int argc, char **argv);

#endif
