/* cmd_lint.h — `kiosk-pack lint SRCDIR [--size WxH,...]`. */
#ifndef KIOSK_TOOLS_CMD_LINT_H
#define KIOSK_TOOLS_CMD_LINT_H

/* Runs the command; argv[0] is "lint". Returns the exit status: 0 no
 * errors (warnings allowed), 1 lint found errors, 2 usage or system
 * error. */
int cmd_lint(int argc, char **argv);

#endif
