/* cmd_install.h — `kiosk-pack install PACK --store DIR --trusted PATH`. */
#ifndef KIOSK_TOOLS_CMD_INSTALL_H
#define KIOSK_TOOLS_CMD_INSTALL_H

/* Runs the command; argv[0] is "install". Returns the exit status: 0
 * installed or already installed, 1 refused, 2 usage or system error. */
int cmd_install(int argc, char **argv);

#endif
