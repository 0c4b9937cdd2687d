/* grow.c — see grow.h. Promises never to overflow a size while doubling
 * and never to lose the caller's array on failure. */
#include "core/grow.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *grow_array(void *v, size_t need, size_t *cap, size_t elem, size_t first)
{
  if (need <= *cap)
    return v;
  size_t c = *cap ? *cap : (first ? first : 1);
  while (c < need) {
    if (c > SIZE_MAX / 2)
      return NULL;
    c *= 2;
  }
  if (elem && c > SIZE_MAX / elem)
    return NULL;
  void *nv = realloc(v, c * elem);
  if (!nv)
    return NULL;
  *cap = c;
  return nv;
}

void grow_printf(struct grow_text *t, const char *fmt, ...)
{
  if (t->failed)
    return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      t->failed = 1;
      return;
    }
    if (t->s && (size_t)n < t->cap - t->len) {
      t->len += (size_t)n;
      return;
    }
    char *s = grow_array(t->s, t->len + (size_t)n + 1, &t->cap, 1, 1024);
    if (!s) {
      t->failed = 1;
      return;
    }
    t->s = s;
  }
}
