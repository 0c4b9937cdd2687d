/* lint_phone.h — lint's check for phone numbers written in running text.
 * A number a person might call belongs in a `hotlines` block, where the
 * kiosk shows it large and puts it on the band; in a paragraph it is easy
 * to miss. Nothing is changed: lint points at the number, a person
 * decides. */
#ifndef KIOSK_TOOLS_LINT_PHONE_H
#define KIOSK_TOOLS_LINT_PHONE_H

#include <stddef.h>

struct lint_report;

/* Looks for hotline-like numbers in the page text (outside front matter
 * and kiosk blocks) and adds a warning with the line for each to r; rel is
 * the page's path inside src. Returns 0, or KERR_NOMEM. */
int lint_phone_check(const char *src, const char *rel, const char *text, size_t len,
                     struct lint_report *r);

/* Whether the n bytes at s start a hotline-like number, given what comes
 * before it on its line (before, nb bytes). *used is how many bytes the
 * number takes. For tests. */
int lint_phone_at(const char *before, size_t nb, const char *s, size_t n, size_t *used);

/* The next hotline-like number in the n bytes of text s at or after byte
 * *at (the text before it on its line counts as context; link targets are
 * skipped). Returns 1 with the number at s + *start, *len bytes, and *at
 * moved past it; 0 when there is none. */
int lint_phone_next(const char *s, size_t n, size_t *at, size_t *start, size_t *len);

#endif
