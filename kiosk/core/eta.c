/* eta.c — bytes done, rate and time left (see eta.h). */
#include "core/eta.h"

#include <inttypes.h>
#include <stdio.h>

void eta_start(struct eta *t, uint64_t now_ms)
{
  t->start_ms = now_ms;
}

double eta_rate(const struct eta *t, uint64_t done, uint64_t now_ms)
{
  uint64_t ms = now_ms > t->start_ms ? now_ms - t->start_ms : 0;
  if (ms < 1000 || done == 0)
    return 0;
  return (double)done * 1000.0 / (double)ms;
}

long eta_left_s(const struct eta *t, uint64_t done, uint64_t total, uint64_t now_ms)
{
  double rate = eta_rate(t, done, now_ms);
  if (rate <= 0 || done > total)
    return -1;
  return (long)((double)(total - done) / rate + 0.5);
}

/* Sizes in MiB or GiB, as the kiosk's other messages (core/units.h). */
static void fmt_size(uint64_t n, int gb, char *buf, size_t cap)
{
  if (gb)
    snprintf(buf, cap, "%.2f", (double)n / (double)(UINT64_C(1) << 30));
  else
    snprintf(buf, cap, "%.1f", (double)n / (double)(UINT64_C(1) << 20));
}

void eta_format(const struct eta *t, uint64_t done, uint64_t total, uint64_t now_ms, int words,
                char *buf, size_t cap)
{
  int gb = total >= (UINT64_C(10) << 30);
  const char *unit = gb ? "GiB" : "MiB";
  char d[32], n[32];
  fmt_size(done, gb, d, sizeof d);
  fmt_size(total, gb, n, sizeof n);
  int len = snprintf(buf, cap, words ? "%s of %s %s" : "%s/%s %s", d, n, unit);
  double rate = eta_rate(t, done, now_ms);
  long left = eta_left_s(t, done, total, now_ms);
  if (len < 0 || (size_t)len >= cap || total < ETA_BIG_BYTES || rate <= 0 || left < 0)
    return;
  char r[32], l[32];
  snprintf(r, sizeof r, "%.1f MiB/s", rate / 1048576.0);
  if (words) {
    if (left >= 3600)
      snprintf(l, sizeof l, "%ld h %ld min", left / 3600, left % 3600 / 60);
    else if (left >= 60)
      snprintf(l, sizeof l, "%ld min %ld s", left / 60, left % 60);
    else
      snprintf(l, sizeof l, "%ld s", left);
    snprintf(buf + len, cap - (size_t)len, ", %s, %s left", r, l);
  } else {
    if (left >= 3600)
      snprintf(l, sizeof l, "%ld:%02ld:%02ld", left / 3600, left % 3600 / 60, left % 60);
    else
      snprintf(l, sizeof l, "%ld:%02ld", left / 60, left % 60);
    snprintf(buf + len, cap - (size_t)len, " · %s · %s", r, l);
  }
}
