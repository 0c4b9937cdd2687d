/* cmd_verify.h — `kiosk-pack verify PACK --trusted PATH`. */
#ifndef KIOSK_TOOLS_CMD_VERIFY_H
#define KIOSK_TOOLS_CMD_VERIFY_H

/* Runs the command; argv[0] is "verify". Returns the exit status: 0 the
 * pack verifies, 1 it is refused, 2 usage or system error. */
int cmd_verify(int argc, char **argv);

#endif
