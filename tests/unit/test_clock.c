/* Unit tests for core/clock: dates written as text become the right days. */
#include "ktest.h"

#include <time.h>

#include "core/clock.h"

static void test_days_from_civil_matches_timegm(void **state)
{
  (void)state;
  assert_int_equal(clock_days_from_civil(1970, 1, 1), 0);
  assert_int_equal(clock_days_from_civil(2020, 7, 10), 18453);
  assert_int_equal(clock_days_from_civil(1969, 12, 31), -1);
  /* Every first and last day of a month from 1900 to 2200 against libc. */
  for (int y = 1900; y <= 2200; y++)
    for (int m = 1; m <= 12; m++) {
      static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
      int ds[2] = {1, last};
      for (int k = 0; k < 2; k++) {
        struct tm tm = {0};
        tm.tm_year = y - 1900;
        tm.tm_mon = m - 1;
        tm.tm_mday = ds[k];
        assert_int_equal(clock_days_from_civil(y, (unsigned)m, (unsigned)ds[k]) * 86400,
                         (int64_t)timegm(&tm));
      }
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_days_from_civil_matches_timegm),
};

KTEST_MAIN(tests)
