/* test_lint_phone.c — what lint takes for a phone number in running text,
 * and what it leaves alone (counts, dates, years). */
#include "ktest.h"

#include "kiosk-pack/lint_phone.h"

#include <string.h>

/* Whether the number at the start of s, after before, is taken for a phone
 * number; *num gets what was taken. */
static int phone(const char *before, const char *s, size_t *used)
{
  return lint_phone_at(before, strlen(before), s, strlen(s), used);
}

static void test_phone_numbers(void **state)
{
  (void)state;
  size_t used;
  assert_true(phone("Звоните: ", "+992 900 800 800.", &used));
  assert_int_equal(used, strlen("+992 900 800 800"));
  assert_true(phone("Call ", "8 800 080 8000 for free", &used));
  assert_int_equal(used, strlen("8 800 080 8000"));
  assert_true(phone("", "(0312) 62-25-48", &used));
  assert_true(phone("Горячая линия ", "11616", &used));
  assert_true(phone("call the hotline on ", "1899", &used));
}

static void test_not_phone_numbers(void **state)
{
  (void)state;
  size_t used;
  assert_false(phone("получили ", "3 186 мигрантов", &used));
  assert_false(phone("", "76 698 случаев", &used));
  assert_false(phone("", "1 234 567 people", &used));
  assert_false(phone("from ", "10.07.2020", &used));
  assert_false(phone("on ", "2020-07-10", &used));
  assert_false(phone("hotline since ", "2020", &used));
  assert_false(phone("", "92 years", &used));
  assert_false(phone("caa-network.org/archives/", "19520", &used));
  assert_false(phone("", "+7", &used));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_phone_numbers),
    cmocka_unit_test(test_not_phone_numbers),
};
KTEST_MAIN(tests)
