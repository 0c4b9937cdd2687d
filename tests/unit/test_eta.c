/* Unit tests for core/eta: the rate and time left of a long copy, and the
 * two ways of writing them. */
#include "ktest.h"

#include "core/eta.h"

#include <string.h>

#define MB (UINT64_C(1) << 20)

static void test_nothing_known_in_the_first_second(void **state)
{
  (void)state;
  struct eta t;
  eta_start(&t, 5000);
  assert_true(eta_rate(&t, 10 * MB, 5999) == 0);
  assert_int_equal(eta_left_s(&t, 10 * MB, 100 * MB, 5999), -1);
  char buf[128];
  eta_format(&t, 10 * MB, 100 * MB, 5999, 1, buf, sizeof buf);
  assert_string_equal(buf, "10.0 of 100.0 MB");
}

static void test_rate_and_time_left(void **state)
{
  (void)state;
  struct eta t;
  eta_start(&t, 1000);
  /* 120 MB in 4 s: 30 MB/s, 392 MB to go: 13 s. */
  assert_true(eta_rate(&t, 120 * MB, 5000) == 30.0 * (double)MB);
  assert_int_equal(eta_left_s(&t, 120 * MB, 512 * MB, 5000), 13);
  char buf[128];
  eta_format(&t, 120 * MB, 512 * MB, 5000, 1, buf, sizeof buf);
  assert_string_equal(buf, "120.0 of 512.0 MB, 30.0 MB/s, 13 s left");
  eta_format(&t, 120 * MB, 512 * MB, 5000, 0, buf, sizeof buf);
  assert_string_equal(buf, "120.0/512.0 MB · 30.0 MB/s · 0:13");
  /* 4 GiB at 2 MB/s: over half an hour. */
  eta_format(&t, 8 * MB, 4096 * MB, 5000, 1, buf, sizeof buf);
  assert_string_equal(buf, "8.0 of 4096.0 MB, 2.0 MB/s, 34 min 4 s left");
  eta_format(&t, 8 * MB, 4096 * MB, 5000, 0, buf, sizeof buf);
  assert_string_equal(buf, "8.0/4096.0 MB · 2.0 MB/s · 34:04");
  eta_format(&t, 1 * MB, 16384 * MB, 5000, 1, buf, sizeof buf);
  assert_string_equal(buf, "0.00 of 16.00 GB, 0.2 MB/s, 18 h 12 min left");
}

static void test_small_copies_show_bytes_only(void **state)
{
  (void)state;
  struct eta t;
  eta_start(&t, 0);
  char buf[128];
  eta_format(&t, 1 * MB, 20 * MB, 10000, 1, buf, sizeof buf);
  assert_string_equal(buf, "1.0 of 20.0 MB");
  /* A buffer too small is cut, never overrun. */
  char tiny[8];
  eta_format(&t, 120 * MB, 512 * MB, 10000, 1, tiny, sizeof tiny);
  assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_nothing_known_in_the_first_second),
    cmocka_unit_test(test_rate_and_time_left),
    cmocka_unit_test(test_small_copies_show_bytes_only),
};
KTEST_MAIN(tests)
