/* clock.c — monotonic and wall time. A fake wall clock (for tests and
 * previews) advances with the monotonic clock, times the speed factor. */
#include "core/clock.h"

#include <time.h>

static int64_t fake_start_s;
static uint64_t fake_origin_ms;
static double fake_speed = 1.0;

uint64_t clock_mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void clock_setup(int64_t fake_start, double speed)
{
  fake_start_s = fake_start;
  fake_origin_ms = clock_mono_ms();
  fake_speed = speed > 0 ? speed : 1.0;
}

int64_t clock_wall(void)
{
  if (!fake_start_s)
    return (int64_t)time(NULL);
  return fake_start_s + (int64_t)((double)(clock_mono_ms() - fake_origin_ms) * fake_speed / 1000.0);
}

int64_t clock_days_from_civil(int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}
