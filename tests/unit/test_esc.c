/* Unit tests for core/esc: names from sticks and mount tables come out as
 * one printable UTF-8 line; Cyrillic and Arabic-script names unchanged. */
#include "ktest.h"

#include "core/esc.h"

#include <string.h>

static const char *esc(const char *raw)
{
  static char out[256];
  return esc_name(raw, out, sizeof out);
}

static void test_plain_names_unchanged(void **state)
{
  (void)state;
  assert_string_equal(esc("news-3.kpack"), "news-3.kpack");
  assert_string_equal(esc("Отчёт июль.kpack"), "Отчёт июль.kpack");
  assert_string_equal(esc("پوشه/خبر.kpack"), "پوشه/خبر.kpack");
  assert_string_equal(esc("/media/anna/MY STICK"), "/media/anna/MY STICK");
  assert_string_equal(esc(""), "");
  assert_string_equal(esc(NULL), "(none)");
}

static void test_controls_escaped(void **state)
{
  (void)state;
  assert_string_equal(esc("a\nb"), "a\\nb");
  assert_string_equal(esc("a\r\tb"), "a\\r\\tb");
  assert_string_equal(esc("\x1b[2J"), "\\x1B[2J");
  assert_string_equal(esc("x\x7fy\x01"), "x\\x7Fy\\x01");
  assert_string_equal(esc("back\\slash"), "back\\\\slash");
  /* A forged log line stays inside the one it is in. */
  const char *forged = "x.kpack\n2026-12-03 00:00:00 info  screen says: Installed";
  assert_null(strchr(esc(forged), '\n'));
}

static void test_bad_utf8_escaped(void **state)
{
  (void)state;
  assert_string_equal(esc("a\xff"
                          "b"),
                      "a\\xFFb");
  assert_string_equal(esc("\xc0\xaf"), "\\xC0\\xAF");                   /* overlong "/" */
  assert_string_equal(esc("\xed\xa0\x80"), "\\xED\\xA0\\x80");          /* a surrogate */
  assert_string_equal(esc("\xf4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80"); /* > U+10FFFF */
  assert_string_equal(esc("\xd0"), "\\xD0");                            /* cut short */
  assert_string_equal(esc("\x80x"), "\\x80x");                          /* stray */
}

static void test_bidi_and_separators_escaped(void **state)
{
  (void)state;
  /* U+202E RIGHT-TO-LEFT OVERRIDE: "kcap.exe" would read as "exe.pack". */
  assert_string_equal(esc("news\xe2\x80\xae"
                          "kcap.kpack"),
                      "news\\u{202E}kcap.kpack");
  assert_string_equal(esc("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u{2066}x\\u{2069}");
  assert_string_equal(esc("a\xe2\x80\xa8"
                          "b"),
                      "a\\u{2028}b");
  assert_string_equal(esc("\xc2\x85"), "\\u{0085}");
  assert_string_equal(esc("\xd8\x9c"), "\\u{061C}");
}

static void test_cut_never_splits(void **state)
{
  (void)state;
  char out[12];
  assert_string_equal(esc_name("abcdefghijklmnop", out, sizeof out), "abcdefgh...");
  assert_string_equal(esc_name("abcdefghijk", out, sizeof out), "abcdefghijk");
  assert_string_equal(esc_name("abcdef\n\n\n", out, sizeof out), "abcdef\\n...");
  /* Two-byte letters are never cut in half. */
  esc_name("жжжжжжжжж", out, sizeof out);
  assert_string_equal(out, "жжжж...");
  char tiny[4];
  assert_string_equal(esc_name("abcdef", tiny, sizeof tiny), "...");
}

static void test_line_keeps_backslashes(void **state)
{
  (void)state;
  char out[64];
  assert_string_equal(esc_line("x\\ny\nz", out, sizeof out), "x\\ny\\nz");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_plain_names_unchanged),
    cmocka_unit_test(test_controls_escaped),
    cmocka_unit_test(test_bad_utf8_escaped),
    cmocka_unit_test(test_bidi_and_separators_escaped),
    cmocka_unit_test(test_cut_never_splits),
    cmocka_unit_test(test_line_keeps_backslashes),
};

KTEST_MAIN(tests)
