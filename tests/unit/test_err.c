/* Unit tests for core/err: names, sentences and message context. */
#include "ktest.h"

#include "core/err.h"

#include <errno.h>
#include <string.h>

static void test_names_and_sentences(void **state)
{
  (void)state;
  assert_string_equal(kerr_name(KERR_UNTRUSTED), "UNTRUSTED");
  assert_string_equal(kerr_str(KERR_UNTRUSTED), "not signed by a trusted key");
  assert_string_equal(kerr_name(0), "OK");
  assert_string_equal(kerr_name(-9999), "UNKNOWN");
  assert_string_equal(kerr_str(-9999), "unknown error");
}

static void test_set_returns_code_and_formats(void **state)
{
  (void)state;
  struct kerr e;
  assert_int_equal(kerr_set(&e, KERR_IO, "%s: line %d", "a.conf", 7), KERR_IO);
  assert_int_equal(e.code, KERR_IO);
  assert_string_equal(e.msg, "a.conf: line 7");
  assert_int_equal(kerr_set(NULL, KERR_PARSE, "ignored"), KERR_PARSE);
}

static void test_errno_and_prefix(void **state)
{
  (void)state;
  struct kerr e;
  kerr_errno(&e, KERR_NOENT, ENOENT, "cannot open %s", "x.md");
  assert_string_equal(e.msg, "cannot open x.md: No such file or directory");
  kerr_prefix(&e, "pack %s", "bulletin");
  assert_string_equal(e.msg, "pack bulletin: cannot open x.md: No such file or directory");
  kerr_clear(&e);
  assert_int_equal(e.code, 0);
  assert_string_equal(e.msg, "");
}

static void test_message_is_truncated_not_overflowed(void **state)
{
  (void)state;
  struct kerr e;
  char big[3000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  kerr_set(&e, KERR_INVAL, "%s", big);
  assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
  kerr_prefix(&e, "p");
  assert_int_equal(strlen(e.msg), sizeof e.msg - 1);
  assert_memory_equal(e.msg, "p: x", 4);
}

int main(int argc, char **argv);
static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_names_and_sentences),
    cmocka_unit_test(test_set_returns_code_and_formats),
    cmocka_unit_test(test_errno_and_prefix),
    cmocka_unit_test(test_message_is_truncated_not_overflowed),
};
KTEST_MAIN(tests)
