/* jfield.h — reading the fields of a parsed JSON document.
 *
 * The loaders of signed documents (a pack's pack.json, keyring updates and
 * the installed keyring state) read their fields from cJSON the same way:
 * a whole number in a range or nothing and, for a field that is wrong,
 * one message that says what it must be and what was found. What was
 * found is shown escaped (esc_name), so a field can never forge a log
 * line. */
#ifndef KIOSK_CORE_JFIELD_H
#define KIOSK_CORE_JFIELD_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

struct cJSON;

/* The largest whole number a JSON number (a double) holds exactly: 2^53.
 * jfield_uint() never accepts more, whatever hi says. */
#define JFIELD_UINT_MAX (UINT64_C(1) << 53)

/* A buffer this size holds any jfield_describe() text. */
#define JFIELD_FOUND_MAX 100

/* What v is, for "(found ...)" in a message: "nothing" (v NULL), a string
 * quoted and escaped (at most about 60 bytes of it, cut with "..."), "a
 * list", "an object", or a number, true, false or null as JSON writes it.
 * Always ends with a NUL within cap. */
void jfield_describe(const struct cJSON *v, char *out, size_t cap);

/* Sets e to `WHERE: "FIELD" must be EXPECT (found ...)` (KERR_MANIFEST)
 * and returns that code. where names the document, field the field and
 * expect what it must be; found is what was there (NULL for nothing). */
int jfield_bad(struct kerr *e, const char *where, const char *field, const char *expect,
               const struct cJSON *found);

/* Reads a whole number in [lo, min(hi, JFIELD_UINT_MAX)] from v into *out.
 * Returns 0, or -1 (and leaves *out) when v is missing, not a number, not
 * whole, or out of the range. */
int jfield_uint(const struct cJSON *v, uint64_t lo, uint64_t hi, uint64_t *out);

#endif
