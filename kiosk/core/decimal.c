/* decimal.c — see decimal.h. */
#include "core/decimal.h"

int decimal_u64(const char *s, size_t n, uint64_t *out)
{
  if (n == 0 || n > DECIMAL_U64_MAX_DIGITS)
    return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  *out = v;
  return 0;
}
