/* cmd_po.h — `kiosk-pack po export SRC --out DIR` and `kiosk-pack po
 * import DIR --into SRC`: a pack's texts to and from gettext PO files, for
 * translators who work in Poedit, Weblate or Crowdin. */
#ifndef KIOSK_TOOLS_CMD_PO_H
#define KIOSK_TOOLS_CMD_PO_H

#include "core/err.h"

#include <stdio.h>

/* Writes DIR/<id>.pot and DIR/<lang>.po for every language but the first
 * (the source language), translations filled in from the language pages
 * and marked fuzzy where the record SRC/po/<lang>.po says the source text
 * changed since. Progress and warnings go to msgs (may be NULL). */
int cmd_po_export(const char *src, const char *out_dir, FILE *msgs, struct kerr *e);

/* Reads every .po file in DIR, checks them all (syntax, language, each
 * translation fits its place on the page), and only then writes the
 * language pages that changed and the record SRC/po/<lang>.po. On any
 * problem nothing is written and e names the file and line. */
int cmd_po_import(const char *dir, const char *src, FILE *msgs, struct kerr *e);

/* Runs the command; argv[0] is "po". Returns the exit status: 0 done,
 * 1 a PO file was refused, 2 usage or system error. */
int cmd_po(int argc, char **argv);

#endif
