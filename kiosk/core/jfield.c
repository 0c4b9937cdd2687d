/* jfield.c — reading the fields of a parsed JSON document (see jfield.h).
 *
 * Promises that no reader accepts what it cannot represent exactly (a
 * number with a fraction, one above 2^53) and that what it writes into a
 * message is escaped and bounded. */
#include "core/jfield.h"
#include "core/esc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for a string's escaped beginning: esc_name() cuts it with "...". */
#define SHOWN_STRING_MAX 64

void jfield_describe(const cJSON *v, char *out, size_t cap)
{
  if (!v) {
    snprintf(out, cap, "nothing");
    return;
  }
  if (cJSON_IsString(v)) {
    char q[SHOWN_STRING_MAX];
    esc_name(v->valuestring, q, sizeof q);
    snprintf(out, cap, "\"%s\"", q);
    return;
  }
  if (cJSON_IsObject(v)) {
    snprintf(out, cap, "an object");
    return;
  }
  if (cJSON_IsArray(v)) {
    snprintf(out, cap, "a list");
    return;
  }
  if (cJSON_IsNumber(v)) {
    /* The shortest of 15 or 17 digits that reads back as the same
     * number: 1.5 stays 1.5, and 2^53 is not shown as 2^53 - 2. */
    snprintf(out, cap, "%.15g", v->valuedouble);
    if (strtod(out, NULL) != v->valuedouble)
      snprintf(out, cap, "%.17g", v->valuedouble);
    return;
  }
  if (cJSON_IsBool(v))
    snprintf(out, cap, "%s", cJSON_IsTrue(v) ? "true" : "false");
  else if (cJSON_IsNull(v))
    snprintf(out, cap, "null");
  else
    snprintf(out, cap, "a value");
}

int jfield_bad(struct kerr *e, const char *where, const char *field, const char *expect,
               const cJSON *found)
{
  char f[JFIELD_FOUND_MAX];
  jfield_describe(found, f, sizeof f);
  return kerr_set(e, KERR_MANIFEST, "%s: \"%s\" must be %s (found %s)", where, field, expect, f);
}

int jfield_uint(const cJSON *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
  if (!cJSON_IsNumber(v))
    return -1;
  if (hi > JFIELD_UINT_MAX)
    hi = JFIELD_UINT_MAX;
  double d = v->valuedouble;
  if (!(d >= (double)lo && d <= (double)hi) || floor(d) != d)
    return -1;
  *out = (uint64_t)d;
  return 0;
}
