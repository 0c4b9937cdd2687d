/* Unit tests for core/timefloor: the rule that lets the time floor rise
 * only on evidence that deserves it. Times are unix seconds; the release
 * anchor is this build's, so the tests work relative to it. */
#include "ktest.h"

#include "core/timefloor.h"

#include <stdint.h>

#define DAY (INT64_C(86400))
#define Y1970 (INT64_C(86400))      /* 1970-01-02 */
#define Y2000 (INT64_C(946684800))  /* 2000-01-01 */
#define Y2099 (INT64_C(4070908800)) /* 2099-01-01 */

static void fresh(struct timefloor *t)
{
  assert_int_equal(timefloor_init(t, 0, 0), 1);
  assert_int_equal(t->floor, 0);
  assert_true(t->anchor == timefloor_release_time());
}

/* A board without a clock: 1970, 2000, 2099, a right reading, and back
 * and forth. Only the right reading raises the floor; the others are
 * judged by the floor. */
static void test_clock_back_and_forth(void **state)
{
  (void)state;
  struct timefloor t;
  fresh(&t);
  int64_t right = timefloor_release_time() + 30 * DAY;
  assert_true(timefloor_note_clock(&t, right));
  assert_true(t.floor == right);

  const int64_t wrong[] = {Y1970, Y2000, Y2099, Y1970, Y2099, Y2000};
  for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
    assert_false(timefloor_clock_plausible(&t, wrong[i]));
    assert_false(timefloor_note_clock(&t, wrong[i]));
    assert_true(timefloor_now(&t, wrong[i]) == right);
    assert_true(t.floor == right);
  }
  /* The clock comes right again, a day later: believed. */
  assert_true(timefloor_note_clock(&t, right + DAY));
  assert_true(timefloor_now(&t, right + DAY) == right + DAY);
  /* Up to two years past the anchor is believed; more is not. */
  int64_t edge = t.anchor + TIMEFLOOR_AHEAD_S;
  assert_true(timefloor_clock_plausible(&t, edge));
  assert_false(timefloor_clock_plausible(&t, edge + 1));
}

/* A signed pack with a typo'd "created" in 2062 is not believed, while a
 * right clock or a signed time near the anchor is. */
static void test_future_signed_time(void **state)
{
  (void)state;
  struct timefloor t;
  fresh(&t);
  int64_t now = timefloor_release_time() + 10 * DAY;
  int64_t y2062 = INT64_C(2903299200);
  assert_int_equal(timefloor_note_signed(&t, y2062, now), -1);
  assert_true(t.floor == 0);
  assert_int_equal(timefloor_note_signed(&t, y2062, 0), -1);
  /* A pack made last week raises floor and anchor. */
  assert_int_equal(timefloor_note_signed(&t, now - 7 * DAY, now), 1);
  assert_true(t.floor == now - 7 * DAY && t.anchor == now - 7 * DAY);
  /* An older pack changes nothing. */
  assert_int_equal(timefloor_note_signed(&t, now - 100 * DAY, now), 0);
  assert_true(t.floor == now - 7 * DAY);
  /* A kiosk that was off for three years: a new pack far past the anchor
   * is believed when the clock agrees with it. */
  int64_t later = t.anchor + 3 * 365 * DAY;
  assert_int_equal(timefloor_note_signed(&t, later, later + DAY), 1);
  assert_true(t.anchor == later);
  assert_true(timefloor_clock_plausible(&t, later + DAY));
}

/* A floor left by older software far past the anchor is not kept; a
 * root-signed reset moves the floor down as well as up. */
static void test_init_and_reset(void **state)
{
  (void)state;
  struct timefloor t;
  int64_t rel = timefloor_release_time();
  assert_int_equal(timefloor_init(&t, Y2099, 0), 1);
  assert_true(t.floor == rel);
  assert_int_equal(timefloor_init(&t, rel + DAY, rel), 0);
  assert_true(t.floor == rel + DAY);
  timefloor_reset(&t, rel + 400 * DAY);
  assert_true(t.floor == rel + 400 * DAY && t.anchor == rel + 400 * DAY);
  timefloor_reset(&t, rel - 5 * DAY);
  assert_true(t.floor == rel - 5 * DAY);
  assert_true(t.anchor == rel);
  assert_true(timefloor_now(&t, rel) == rel);
  assert_true(timefloor_now(&t, Y2099) == rel - 5 * DAY);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_clock_back_and_forth),
    cmocka_unit_test(test_future_signed_time),
    cmocka_unit_test(test_init_and_reset),
};

KTEST_MAIN(tests)
