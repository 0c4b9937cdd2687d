/* cmd_preview.h — `kiosk-pack preview SRCDIR|PACK --out DIR [--size
 * WxH,...] [--lang xx,...] [--trusted PATH]`. */
#ifndef KIOSK_TOOLS_CMD_PREVIEW_H
#define KIOSK_TOOLS_CMD_PREVIEW_H

/* Runs the command; argv[0] is "preview". Returns the exit status: 0 every
 * page drawn, 1 a page could not be drawn or the pack did not verify,
 * 2 usage or system error. */
int cmd_preview(int argc, char **argv);

#endif
