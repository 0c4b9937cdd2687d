/* Unit tests for render/text: line breaking and font fallback. */
#include "kfonts.h"
#include "ktest.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/fonts.h"
#include "render/text.h"

static struct text_block lay(const char *s, int px, int max_w)
{
  struct text_style st = {px, 0, TEXT_ALIGN_START, 1.25f, 0, 0};
  struct text_block tb;
  struct kerr e;
  assert_int_equal(text_layout_plain(fonts, s, &st, max_w, &tb, &e), 0);
  return tb;
}

/* Joins the runs of a line with the spaces between them. */
static void line_text(const struct text_block *tb, size_t l, char *out, size_t n)
{
  out[0] = '\0';
  const struct text_line *ln = &tb->lines[l];
  for (size_t r = ln->first_run; r < ln->first_run + ln->n_runs; r++) {
    if (r > ln->first_run)
      strncat(out, " ", n - strlen(out) - 1);
    strncat(out, tb->runs[r].text, n - strlen(out) - 1);
  }
}

static void test_breaks_at_word_boundaries(void **state)
{
  (void)state;
  const char *s = "Migrants and the public can ask questions and get advice by phone";
  struct text_block tb = lay(s, 40, 500);
  assert_true(tb.n_lines >= 3);
  assert_false(tb.overflow);
  char joined[512] = "", line[256];
  for (size_t l = 0; l < tb.n_lines; l++) {
    line_text(&tb, l, line, sizeof line);
    assert_true(line[0] != ' ' && line[strlen(line) - 1] != ' ');
    assert_true(tb.lines[l].width <= 500);
    if (l)
      strcat(joined, " ");
    strcat(joined, line);
  }
  assert_string_equal(joined, s);
  /* Lines stack downwards without overlapping. */
  for (size_t l = 1; l < tb.n_lines; l++)
    assert_int_equal(tb.lines[l].y, tb.lines[l - 1].y + tb.lines[l - 1].height);
  text_block_free(&tb);
}

static void test_no_break_space_joins(void **state)
{
  (void)state;
  /* "+992 900 800 800" written with no-break spaces stays on one line. */
  struct text_block tb = lay("Call +992\xC2\xA0"
                             "900\xC2\xA0"
                             "800\xC2\xA0"
                             "800 now",
                             40, 380);
  int found = 0;
  for (size_t r = 0; r < tb.n_runs; r++)
    if (strstr(tb.runs[r].text,
               "+992\xC2\xA0"
               "900\xC2\xA0"
               "800\xC2\xA0"
               "800"))
      found = 1;
  assert_true(found);
  text_block_free(&tb);
}

static void test_long_word_reports_overflow(void **state)
{
  (void)state;
  struct text_block tb = lay("Supercalifragilisticexpialidocious", 60, 200);
  assert_true(tb.overflow);
  for (size_t l = 0; l < tb.n_lines; l++)
    assert_true(tb.lines[l].width <= 200);
  text_block_free(&tb);
}

static void test_central_asian_letters_covered(void **state)
{
  (void)state;
  const char *samples[] = {
      "Қазақстан: ә ғ қ ң ө ұ ү һ і",  /* Kazakh */
      "Кыргызстан: ң ө ү",             /* Kyrgyz */
      "Тоҷикистон: ғ ӣ қ ӯ ҳ ҷ",       /* Tajik */
      "Oʻzbekiston: oʻ gʻ sh ch",      /* Uzbek Latin */
      "Türkmenistan: ň ö ş ü ý ž ä ç", /* Turkmen */
      "افغانستان: پ چ ژ گ ی ۱۲۳",      /* Dari */
  };
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    struct text_block tb = lay(samples[i], 40, 2000);
    assert_int_equal(tb.missing, 0);
    text_block_free(&tb);
  }
}

static void test_fallback_picks_arabic_face(void **state)
{
  (void)state;
  assert_int_equal(fonts_family_for(fonts, 'A'), 0);
  assert_int_equal(fonts_family_for(fonts, 0x0416), 0); /* Ж */
  assert_int_equal(fonts_family_for(fonts, 0x067E), 1); /* پ */
  struct text_block tb = lay("Hotline خط تماس", 40, 2000);
  assert_true(tb.n_runs >= 2);
  assert_ptr_not_equal(tb.runs[0].font, tb.runs[tb.n_runs - 1].font);
  text_block_free(&tb);
}

static void test_uncovered_code_point_counted(void **state)
{
  (void)state;
  struct text_block tb = lay("Han \xE4\xB8\xAD and \xE4\xB8\xAD", 40, 2000);
  assert_int_equal(tb.missing, 2);
  text_block_free(&tb);
}

static void test_center_alignment(void **state)
{
  (void)state;
  struct text_style st = {40, 0, TEXT_ALIGN_CENTER, 1.25f, 0, 0};
  struct text_block tb;
  struct kerr e;
  assert_int_equal(text_layout_plain(fonts, "470", &st, 1000, &tb, &e), 0);
  int left = tb.runs[0].x, right = 1000 - (tb.runs[0].x + tb.runs[0].w);
  assert_true(abs(left - right) <= 1);
  text_block_free(&tb);
}

/* Dari: "salam 11616 donya". Right to left, the first word is at the right
 * edge, the number keeps its digit order, the line hugs the right edge. */
static void test_rtl_reorders_runs_and_keeps_numbers(void **state)
{
  (void)state;
  struct text_style st = {40, 0, TEXT_ALIGN_START, 1.25f, 1, 0};
  struct text_block tb;
  struct kerr e;
  const char *w1 = "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85"; /* salam */
  const char *w3 = "\xD8\xAF\xD9\x86\xDB\x8C\xD8\xA7"; /* donya */
  char text[128];
  snprintf(text, sizeof text, "%s 11616 %s", w1, w3);
  assert_int_equal(text_layout_plain(fonts, text, &st, 1000, &tb, &e), 0);
  assert_int_equal(tb.n_lines, 1);
  assert_int_equal(tb.n_runs, 3);
  assert_string_equal(tb.runs[0].text, w3);
  assert_true(tb.runs[0].rtl);
  assert_string_equal(tb.runs[1].text, "11616");
  assert_false(tb.runs[1].rtl);
  assert_string_equal(tb.runs[2].text, w1);
  assert_true(tb.runs[2].rtl);
  for (size_t i = 1; i < 3; i++)
    assert_true(tb.runs[i].x > tb.runs[i - 1].x + tb.runs[i - 1].w); /* spaces between */
  assert_int_equal(tb.runs[2].x + tb.runs[2].w, 1000);
  assert_int_equal(tb.missing, 0);
  text_block_free(&tb);
}

/* Latin inside a right-to-left paragraph stays one left-to-right run. */
static void test_rtl_with_latin_phrase(void **state)
{
  (void)state;
  struct text_style st = {40, 0, TEXT_ALIGN_START, 1.25f, 1, 0};
  struct text_block tb;
  struct kerr e;
  const char *w1 = "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85";
  char text[128];
  snprintf(text, sizeof text, "%s Hotline 1899", w1);
  assert_int_equal(text_layout_plain(fonts, text, &st, 1000, &tb, &e), 0);
  assert_int_equal(tb.n_runs, 2);
  assert_string_equal(tb.runs[0].text, "Hotline 1899");
  assert_string_equal(tb.runs[1].text, w1);
  text_block_free(&tb);
}

/* A phone number is never split across lines, and in right-to-left text
 * its digit groups stay in order. */
static void test_phone_number_kept_whole(void **state)
{
  (void)state;
  /* Narrow enough that the line must break next to the number. */
  struct text_block tb = lay("Call +992 900 800 800 today", 40, 360);
  assert_true(tb.n_lines >= 2);
  int whole = 0;
  for (size_t r = 0; r < tb.n_runs; r++)
    if (strstr(tb.runs[r].text, "+992 900 800 800"))
      whole = 1;
  assert_true(whole);
  assert_false(tb.overflow);
  text_block_free(&tb);
  struct text_style st = {40, 0, TEXT_ALIGN_START, 1.25f, 1, 0};
  struct kerr e;
  assert_int_equal(text_layout_plain(fonts, "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 +992 900 800 800",
                                     &st, 1000, &tb, &e),
                   0);
  assert_int_equal(tb.n_runs, 2);
  assert_string_equal(tb.runs[0].text, "+992 900 800 800");
  assert_false(tb.runs[0].rtl);
  text_block_free(&tb);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_phone_number_kept_whole),
    cmocka_unit_test(test_rtl_reorders_runs_and_keeps_numbers),
    cmocka_unit_test(test_rtl_with_latin_phrase),
    cmocka_unit_test(test_breaks_at_word_boundaries),
    cmocka_unit_test(test_no_break_space_joins),
    cmocka_unit_test(test_long_word_reports_overflow),
    cmocka_unit_test(test_central_asian_letters_covered),
    cmocka_unit_test(test_fallback_picks_arabic_face),
    cmocka_unit_test(test_uncovered_code_point_counted),
    cmocka_unit_test(test_center_alignment),
};

KFONTS_MAIN(tests)
