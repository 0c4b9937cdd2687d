/* timefloor.h — the time floor's rule: a lower bound on the true time that
 * rises only on evidence that deserves it, so that a board without a
 * real-time clock still refuses expired packs, and one wrong reading (a
 * board booting in 2099, a typo'd `created`) cannot expire everything for
 * good. Pure arithmetic; the store persists the two numbers.
 *
 * The rule (docs/DESIGN.md, "Time without a clock"):
 *   - anchor: the latest time vouched for by something signed — this
 *     software's release, a pack's `created`, a root-signed reset; it
 *     bounds what is believed, it is not itself a floor (the release is
 *     no evidence of how late it is now);
 *   - a clock reading is plausible when it is not behind the floor and
 *     not more than TIMEFLOOR_AHEAD_S past the anchor; only plausible
 *     readings raise the floor, and only they are used to judge expiry
 *     and time-of-day rules (otherwise the floor is the time);
 *   - a signed time raises floor and anchor when it is within
 *     TIMEFLOOR_AHEAD_S of the anchor, or when a plausible-looking clock
 *     (at or after it, within TIMEFLOOR_AHEAD_S) agrees with it; a signed
 *     time far ahead of both is not believed (the pack still installs);
 *   - a root-signed statement (a keyring update's "time_floor") sets floor
 *     and anchor to its time, down as well as up. */
#ifndef KIOSK_CORE_TIMEFLOOR_H
#define KIOSK_CORE_TIMEFLOOR_H

#include <stdint.h>

/* How far evidence may run ahead of the anchor on its own: two years, the
 * longest a kiosk is expected to go without a new signed pack. */
#define TIMEFLOOR_AHEAD_S (INT64_C(730) * 86400)

/* Unix seconds of this software's release (the build's SOURCE_DATE_EPOCH
 * or build date): the first anchor. */
int64_t timefloor_release_time(void);

struct timefloor {
  int64_t floor;  /* unix seconds, 0: unknown */
  int64_t anchor; /* latest signed time believed, at least the release */
};

/* A floor read back (floor and anchor as persisted; 0 for unknown): an
 * anchor below the release becomes the release, and a floor that the
 * rule would not have believed (past anchor + TIMEFLOOR_AHEAD_S, as an
 * older kiosk could persist) falls back to the anchor. Returns 1 when it
 * changed what was read. */
int timefloor_init(struct timefloor *t, int64_t floor, int64_t anchor);

/* 1 when clock is plausible (see above). */
int timefloor_clock_plausible(const struct timefloor *t, int64_t clock);

/* A clock reading: raises the floor when plausible. 1 when it rose. */
int timefloor_note_clock(struct timefloor *t, int64_t clock);

/* A signed time (a verified pack's `created`), with the clock as read
 * (0 when not known). 1 when believed (floor and anchor rose), 0 when not
 * needed (not later than the anchor), -1 when not believed. */
int timefloor_note_signed(struct timefloor *t, int64_t signed_time, int64_t clock);

/* A root-signed reset: floor and anchor become when. */
void timefloor_reset(struct timefloor *t, int64_t when);

/* The time to judge by: the clock when plausible, else the floor. */
int64_t timefloor_now(const struct timefloor *t, int64_t clock);

#endif
