/* cmd_report.h — `kiosk-pack report LOGS... --out report.html
 * [--json FILE] [--csv DIR] [--packs PATH]... [--now TIME]`. */
#ifndef KIOSK_TOOLS_CMD_REPORT_H
#define KIOSK_TOOLS_CMD_REPORT_H

/* Runs the command; argv[0] is "report". Returns the exit status: 0 the
 * report was written (problems in the input are in it and on stderr), 2
 * usage or system error (an output file could not be written). */
int cmd_report(int argc, char **argv);

#endif
