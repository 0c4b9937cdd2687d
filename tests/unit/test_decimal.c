/* Unit tests for core/decimal: digits into a number, one way everywhere. */
#include "ktest.h"

#include "core/decimal.h"

static void test_reads_exactly_n_digits(void **state)
{
  (void)state;
  uint64_t v = 7;
  assert_int_equal(decimal_u64("2020-07", 4, &v), 0);
  assert_int_equal(v, 2020);
  assert_int_equal(decimal_u64("0", 1, &v), 0);
  assert_int_equal(v, 0);
  assert_int_equal(decimal_u64("007", 3, &v), 0); /* leading zeros are the caller's rule */
  assert_int_equal(v, 7);
  assert_int_equal(decimal_u64("9999999999999999999", 19, &v), 0);
  assert_true(v == UINT64_C(9999999999999999999));
}

static void test_refuses_what_is_not_digits(void **state)
{
  (void)state;
  uint64_t v = 42;
  assert_int_equal(decimal_u64("", 0, &v), -1);
  assert_int_equal(decimal_u64("12a", 3, &v), -1);
  assert_int_equal(decimal_u64("-1", 2, &v), -1);
  assert_int_equal(decimal_u64("+1", 2, &v), -1);
  assert_int_equal(decimal_u64(" 1", 2, &v), -1);
  assert_int_equal(decimal_u64("1.5", 3, &v), -1);
  /* 20 digits could overflow: refused, never wrapped. */
  assert_int_equal(decimal_u64("18446744073709551616", 20, &v), -1);
  assert_int_equal(v, 42);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_reads_exactly_n_digits),
    cmocka_unit_test(test_refuses_what_is_not_digits),
};

KTEST_MAIN(tests)
