/* grow.c — see grow.h. Promises never to overflow a size while doubling
 * and never to lose the caller's array on failure. */
#include "core/grow.h"

#include <stdint.h>
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
