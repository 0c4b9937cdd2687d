/* Unit tests for core/eta: the rate and time left of a long copy, and the
 * two ways of writing them. */
#include "ktest.h"

#include "core/eta.h"

#include <string.h>

#define MiB (UINT64_C(1) << 20)

static void test_nothing_known_in_the_first_second(void **state)
{
  (void)state;
  struct eta t;
  eta_start(&t, 5000);
  assert_true(eta_rate(&t, 10 * MiB, 5999) == 0);
  assert_int_equal(eta_left_s(&t, 10 * MiB, 100 * MiB, 5999), -1);
  char buf[128];
  eta_format(&t, 10 * MiB, 100 * MiB, 5999, 1, buf, sizeof buf);
  assert_string_equal(buf, "10.0 of 100.0 MiB");
}

static void test_rate_and_time_left(void **state)
{
  (void)state;
  struct eta t;
  eta_start(&t, 1000);
  /* 120 MiB in 4 s: 30 MiB/s, 392 MiB to go: 13 s. */
  assert_true(eta_rate(&t, 120 * MiB, 5000) == 30.0 * (double)MiB);
  assert_int_equal(eta_left_s(&t, 120 * MiB, 512 * MiB, 5000), 13);
  char buf[128];
  eta_format(&t, 120 * MiB, 512 * MiB, 5000, 1, buf, sizeof buf);
  assert_string_equal(buf, "120.0 of 512.0 MiB, 30.0 MiB/s, 13 s left");
  eta_format(&t, 120 * MiB, 512 * MiB, 5000, 0, buf, sizeof buf);
  assert_string_equal(buf, "120.0/512.0 MiB · 30.0 MiB/s · 0:13");
  /* 4 GiB at 2 MiB/s: over half an hour. */
  eta_format(&t, 8 * MiB, 4096 * MiB, 5000, 1, buf, sizeof buf);
  assert_string_equal(buf, "8.0 of 4096.0 MiB, 2.0 MiB/s, 34 min 4 s left");
  eta_format(&t, 8 * MiB, 4096 * MiB, 5000, 0, buf, sizeof buf);
  assert_string_equal(buf, "8.0/4096.0 MiB · 2.0 MiB/s · 34:04");
  eta_format(&t, 1 * MiB, 16384 * MiB, 5000, 1, buf, sizeof buf);
  assert_string_equal(buf, "0.00 of 16.00 GiB, 0.2 MiB/s, 18 h 12 min left");
}

static void test_small_copies_show_bytes_only(void **state)
{
  (void)state;
  struct eta t;
  eta_start(&t, 0);
  char buf[128];
  eta_format(&t, 1 * MiB, 20 * MiB, 10000, 1, buf, sizeof buf);
  assert_string_equal(buf, "1.0 of 20.0 MiB");
  /* A buffer too small is cut, never overrun. */
  char tiny[8];
  eta_format(&t, 120 * MiB, 512 * MiB, 10000, 1, tiny, sizeof tiny);
  assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_nothing_known_in_the_first_second),
    cmocka_unit_test(test_rate_and_time_left),
    cmocka_unit_test(test_small_copies_show_bytes_only),
};
KTEST_MAIN(tests)
