/* Unit tests for core/utf8: strict decoding refuses what is not
 * well-formed; lenient decoding goes on with U+FFFD; encoding round-trips. */
#include "ktest.h"

#include <string.h>

#include "core/utf8.h"

static void test_decode_well_formed(void **state)
{
  (void)state;
  uint32_t cp;
  assert_int_equal(utf8_decode("A", 1, &cp), 1);
  assert_int_equal(cp, 'A');
  assert_int_equal(utf8_decode("\xD0\x96", 2, &cp), 2); /* Ж */
  assert_int_equal(cp, 0x416);
  assert_int_equal(utf8_decode("\xD9\x85", 2, &cp), 2); /* م */
  assert_int_equal(cp, 0x645);
  assert_int_equal(utf8_decode("\xE2\x82\xAC", 3, &cp), 3); /* € */
  assert_int_equal(cp, 0x20AC);
  assert_int_equal(utf8_decode("\xF0\x9F\x93\x9E", 4, &cp), 4); /* 📞 */
  assert_int_equal(cp, 0x1F4DE);
}

static void test_decode_refuses_malformed(void **state)
{
  (void)state;
  uint32_t cp = 7;
  assert_int_equal(utf8_decode("", 0, &cp), 0);
  assert_int_equal(utf8_decode("\x80", 1, &cp), 0);             /* stray continuation */
  assert_int_equal(utf8_decode("\xD0", 1, &cp), 0);             /* cut */
  assert_int_equal(utf8_decode("\xE2\x82", 2, &cp), 0);         /* cut */
  assert_int_equal(utf8_decode("\xC0\xAF", 2, &cp), 0);         /* overlong '/' */
  assert_int_equal(utf8_decode("\xE0\x80\xAF", 3, &cp), 0);     /* overlong */
  assert_int_equal(utf8_decode("\xED\xA0\x80", 3, &cp), 0);     /* surrogate */
  assert_int_equal(utf8_decode("\xF4\x90\x80\x80", 4, &cp), 0); /* above U+10FFFF */
  assert_int_equal(utf8_decode("\xFF", 1, &cp), 0);
  assert_int_equal(utf8_decode("\xD0\x41", 2, &cp), 0); /* not a continuation */
  assert_int_equal(cp, 7);                              /* untouched */
}

static void test_next_goes_on_with_replacement(void **state)
{
  (void)state;
  uint32_t cp;
  assert_int_equal(utf8_next("\xC0\xAFx", 3, &cp), 1);
  assert_int_equal(cp, 0xFFFD);
  assert_int_equal(utf8_next("\xD0\x96", 2, &cp), 2);
  assert_int_equal(cp, 0x416);
  const char *s = "a\xFF\xD0\x96";
  size_t i = 0, n = strlen(s), count = 0;
  while (i < n) {
    i += utf8_next(s + i, n - i, &cp);
    count++;
  }
  assert_int_equal(count, 3);
}

static void test_valid_and_encode_round_trip(void **state)
{
  (void)state;
  assert_true(utf8_valid("Горячая линия 11616 خط", strlen("Горячая линия 11616 خط")));
  assert_false(utf8_valid("ok\xC0\xAF", 4));
  static const uint32_t cps[] = {0x24, 0xA2, 0x416, 0x645, 0x20AC, 0xFFFD, 0x1F4DE, 0x10FFFF};
  for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
    char buf[4];
    uint32_t back;
    size_t k = utf8_encode(cps[i], buf);
    assert_int_equal(utf8_decode(buf, k, &back), k);
    assert_int_equal(back, cps[i]);
  }
}

/* Text to keep: well-formed, and no C0, DEL or C1 control characters. */
static void test_text_ok_refuses_controls_and_bad_bytes(void **state)
{
  (void)state;
  assert_true(utf8_text_ok(""));
  assert_true(utf8_text_ok("Bulletin · Бюллетень · بولتن"));
  assert_true(utf8_text_ok("\xC2\xA0")); /* U+00A0, just past C1 */
  assert_false(utf8_text_ok("line\nbreak"));
  assert_false(utf8_text_ok("tab\there"));
  assert_false(utf8_text_ok("del\x7F"));
  assert_false(utf8_text_ok("c1\xC2\x85"));      /* U+0085, next line */
  assert_false(utf8_text_ok("c1\xC2\x9F"));      /* U+009F */
  assert_false(utf8_text_ok("bad\xFF"));         /* not UTF-8 */
  assert_false(utf8_text_ok("over\xC0\xAF"));    /* overlong "/" */
  assert_false(utf8_text_ok("cut\xD0"));         /* a cut sequence */
  assert_false(utf8_text_ok("sur\xED\xA0\x80")); /* a surrogate */
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_decode_well_formed),
    cmocka_unit_test(test_decode_refuses_malformed),
    cmocka_unit_test(test_next_goes_on_with_replacement),
    cmocka_unit_test(test_valid_and_encode_round_trip),
    cmocka_unit_test(test_text_ok_refuses_controls_and_bad_bytes),
};

KTEST_MAIN(tests)
