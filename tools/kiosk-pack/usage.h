/* usage.h — kiosk-pack's help text and version line. */
#ifndef KIOSK_TOOLS_USAGE_H
#define KIOSK_TOOLS_USAGE_H

#include <stdio.h>

/* Prints the full help to out. */
void usage_print(FILE *out);

/* Prints "kiosk-pack VERSION" to out. */
void usage_version(FILE *out);

#endif
