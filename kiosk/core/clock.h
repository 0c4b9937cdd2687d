/* clock.h — the kiosk's two clocks: monotonic milliseconds for timers, and
 * the wall clock (unix seconds) for the band, the time floor and schedules.
 * Tests can start the wall clock at a chosen time and run it faster. */
#ifndef KIOSK_CORE_CLOCK_H
#define KIOSK_CORE_CLOCK_H

#include <stdint.h>

/* fake_start: 0 for the real clock, else the wall time at start; speed
 * multiplies how fast a fake clock runs. */
void clock_setup(int64_t fake_start, double speed);

uint64_t clock_mono_ms(void);
int64_t clock_wall(void);

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12,
 * d 1..31; Howard Hinnant's algorithm): the one place dates written as
 * text (pack.json, the play log, the logs a report reads) become times. */
int64_t clock_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
