/* cmd_sign_file.h — `kiosk-pack sign-file FILE --key NAME.key --comment TEXT`,
 * a hidden developer command (not in --help) that writes FILE.minisig; the
 * minisign interop test uses it. Packs are signed by `kiosk-pack build`. */
#ifndef KIOSK_TOOLS_CMD_SIGN_FILE_H
#define KIOSK_TOOLS_CMD_SIGN_FILE_H

/* Runs the command; argv[0] is "sign-file". Returns the exit status:
 * 0 ok, 2 usage or system error. */
int cmd_sign_file(int argc, char **argv);

#endif
