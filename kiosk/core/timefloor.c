/* timefloor.c — the time floor's rule (see timefloor.h). No I/O: the store
 * keeps the numbers on disk, the callers read the clock. */
#include "core/timefloor.h"

#ifndef KIOSK_RELEASE_TIME
#define KIOSK_RELEASE_TIME 0
#endif

int64_t timefloor_release_time(void)
{
  return (int64_t)KIOSK_RELEASE_TIME;
}

int timefloor_init(struct timefloor *t, int64_t floor, int64_t anchor)
{
  int changed = 0;
  int64_t release = timefloor_release_time();
  if (anchor < release) {
    anchor = release;
    changed = 1;
  }
  if (floor < 0) {
    floor = 0;
    changed = 1;
  }
  if (floor > anchor && floor - anchor > TIMEFLOOR_AHEAD_S) {
    /* Not what the rule would have believed: a wild clock or a typo'd
     * `created`, kept by older software. */
    floor = anchor;
    changed = 1;
  }
  t->floor = floor;
  t->anchor = anchor;
  return changed;
}

int timefloor_clock_plausible(const struct timefloor *t, int64_t clock)
{
  return clock >= t->floor && clock - t->anchor <= TIMEFLOOR_AHEAD_S;
}

int timefloor_note_clock(struct timefloor *t, int64_t clock)
{
  if (!timefloor_clock_plausible(t, clock) || clock <= t->floor)
    return 0;
  t->floor = clock;
  return 1;
}

int timefloor_note_signed(struct timefloor *t, int64_t signed_time, int64_t clock)
{
  if (signed_time <= t->anchor) {
    if (signed_time > t->floor)
      t->floor = signed_time;
    return 0;
  }
  int near = signed_time - t->anchor <= TIMEFLOOR_AHEAD_S;
  int agreed = clock >= signed_time && clock - signed_time <= TIMEFLOOR_AHEAD_S;
  if (!near && !agreed)
    return -1;
  t->anchor = signed_time;
  if (signed_time > t->floor)
    t->floor = signed_time;
  return 1;
}

void timefloor_reset(struct timefloor *t, int64_t when)
{
  t->floor = when > 0 ? when : 0;
  t->anchor = when > timefloor_release_time() ? when : timefloor_release_time();
}

int64_t timefloor_now(const struct timefloor *t, int64_t clock)
{
  return timefloor_clock_plausible(t, clock) ? clock : t->floor;
}
