/* lint_po.h — lint's checks of translations kept with PO files: a text
 * the translator marked fuzzy, one whose source text changed since it was
 * translated, one not translated (see catalog.h for the record these come
 * from). Each is a warning on the language page's line: the pack still
 * builds, and the kiosk shows that page in the source language until the
 * translation is confirmed. */
#ifndef KIOSK_TOOLS_LINT_PO_H
#define KIOSK_TOOLS_LINT_PO_H

struct lint_report;

/* Checks src/po/<lang>.po against the source pages of src and adds what it
 * finds to r. Returns 0, or KERR_NOMEM. A source without po/ has nothing
 * to check. */
int lint_po_check(const char *src, struct lint_report *r);

#endif
