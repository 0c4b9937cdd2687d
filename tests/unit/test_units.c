/* Unit tests for core/units: one way of writing a size everywhere. */
#include "ktest.h"

#include "core/units.h"

#include <string.h>

static const char *b(uint64_t n)
{
  static char out[UNITS_BYTES_MAX];
  return units_bytes(n, out, sizeof out);
}

static void test_small_sizes_in_bytes(void **state)
{
  (void)state;
  assert_string_equal(b(0), "0 bytes");
  assert_string_equal(b(1), "1 byte");
  assert_string_equal(b(1023), "1023 bytes");
}

static void test_kib_rounded_up(void **state)
{
  (void)state;
  assert_string_equal(b(1024), "1 KiB");
  assert_string_equal(b(1025), "2 KiB");
  assert_string_equal(b((UINT64_C(1) << 20) - 1), "1024 KiB");
}

static void test_binary_units_with_one_decimal(void **state)
{
  (void)state;
  assert_string_equal(b(UINT64_C(1) << 20), "1.0 MiB");
  assert_string_equal(b(UINT64_C(8493465)), "8.1 MiB");
  assert_string_equal(b(UINT64_C(1) << 30), "1.0 GiB");
  assert_string_equal(b(UINT64_C(3) << 39), "1.5 TiB");
  assert_string_equal(b(UINT64_C(5) << 50), "5.0 PiB");
}

static void test_largest_fits_the_bound(void **state)
{
  (void)state;
  const char *s = b(UINT64_MAX);
  assert_string_equal(s, "16384.0 PiB");
  assert_true(strlen(s) < UNITS_BYTES_MAX);
  char small[6];
  units_bytes(UINT64_C(1) << 30, small, sizeof small);
  assert_int_equal(strlen(small), sizeof small - 1); /* cut, never overrun */
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_small_sizes_in_bytes),
    cmocka_unit_test(test_kib_rounded_up),
    cmocka_unit_test(test_binary_units_with_one_decimal),
    cmocka_unit_test(test_largest_fits_the_bound),
};

KTEST_MAIN(tests)
