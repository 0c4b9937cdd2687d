/* units.c — see units.h. */
#include "core/units.h"

#include <inttypes.h>
#include <stdio.h>

char *units_bytes(uint64_t n, char *buf, size_t cap)
{
  static const char *const big[] = {"MiB", "GiB", "TiB", "PiB"};
  if (n < 1024) {
    snprintf(buf, cap, "%" PRIu64 " %s", n, n == 1 ? "byte" : "bytes");
    return buf;
  }
  if (n < (UINT64_C(1) << 20)) {
    snprintf(buf, cap, "%" PRIu64 " KiB", (n + 1023) / 1024);
    return buf;
  }
  unsigned u = 0;
  double v = (double)n / (double)(UINT64_C(1) << 20);
  while (v >= 1024.0 && u + 1 < sizeof big / sizeof big[0]) {
    v /= 1024.0;
    u++;
  }
  snprintf(buf, cap, "%.1f %s", v, big[u]);
  return buf;
}
