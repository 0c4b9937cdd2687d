/* cmd_import.h — `kiosk-pack import FILE --lang LL --into SRCDIR`: the
 * team's document (DOCX, ODT, HTML, Markdown) becomes a pack source,
 * converted by pandoc and cut into pages at its headings. */
#ifndef KIOSK_TOOLS_CMD_IMPORT_H
#define KIOSK_TOOLS_CMD_IMPORT_H

#include "core/err.h"

#include <stdio.h>

/* Makes the new pack source src from file (written in lang). On failure
 * nothing is left behind and e says why. */
int cmd_import_file(const char *file, const char *lang, const char *src, FILE *msgs,
                    struct kerr *e);

/* Runs the command; argv[0] is "import". Returns the exit status: 0 made,
 * 1 the document could not be read, 2 usage or system error. */
int cmd_import(int argc, char **argv);

#endif
