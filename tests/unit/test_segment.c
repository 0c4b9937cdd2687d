/* test_segment.c — a page cut into translatable texts: every kind of text
 * is found with its line, numbers and addresses are not, and putting the
 * texts back gives the page byte for byte. */
#include "ktest.h"

#include "kiosk-pack/segment.h"

#include <stdlib.h>
#include <string.h>

static const char page[] = "---\n"
                           "duration: 20\n"
                           "---\n"
                           "# Title\n"
                           "## Sub *title*\n"
                           "\n"
                           "First paragraph\n"
                           "on two lines.\n"
                           "\n"
                           "- one item\n"
                           "- 2020\n"
                           "1. numbered\n"
                           "\n"
                           "> a quote\n"
                           "\n"
                           "| Country | Cases |\n"
                           "|---|---:|\n"
                           "| Kazakhstan | 1 234 |\n"
                           "\n"
                           "![A road](../media/road.jpg)\n"
                           "\n"
                           "```stats\n"
                           "76 698 | Cases\n"
                           "```\n"
                           "\n"
                           "```hotlines\n"
                           "Tajikistan | +992 900 800 800 | mobile\n"
                           "```\n"
                           "\n"
                           "```contacts\n"
                           "Kazakhstan | iom@example.org\n"
                           "```\n"
                           "\n"
                           "```qr\n"
                           "https://example.org | Our site\n"
                           "```\n"
                           "\n"
                           "Setext heading\n"
                           "==============\n"
                           "\n"
                           "12 345\n"
                           "\n"
                           "https://example.org\n";

struct want {
  enum seg_kind kind;
  int line;
  const char *text;
};

static const struct want wants[] = {
    {SEG_HEADING, 4, "Title"},
    {SEG_HEADING, 5, "Sub *title*"},
    {SEG_PARAGRAPH, 7, "First paragraph\non two lines."},
    {SEG_LIST_ITEM, 10, "one item"},
    {SEG_LIST_ITEM, 12, "numbered"},
    {SEG_QUOTE, 14, "a quote"},
    {SEG_TABLE_CELL, 16, "Country"},
    {SEG_TABLE_CELL, 16, "Cases"},
    {SEG_TABLE_CELL, 18, "Kazakhstan"},
    {SEG_CAPTION, 20, "A road"},
    {SEG_STATS_LABEL, 23, "Cases"},
    {SEG_HOTLINE, 27, "Tajikistan"},
    {SEG_CONTACT, 31, "Kazakhstan"},
    {SEG_QR_LABEL, 35, "Our site"},
    {SEG_HEADING, 38, "Setext heading"},
};

static void test_every_kind(void **state)
{
  (void)state;
  struct seg_page p;
  assert_int_equal(seg_split(page, strlen(page), &p), 0);
  size_t n = sizeof wants / sizeof *wants;
  assert_int_equal(p.n, n);
  for (size_t i = 0; i < n; i++) {
    const struct seg_unit *u = &p.v[i];
    assert_int_equal(u->kind, wants[i].kind);
    assert_int_equal(u->line, wants[i].line);
    assert_int_equal(u->end - u->start, strlen(wants[i].text));
    assert_memory_equal(page + u->start, wants[i].text, u->end - u->start);
  }
  assert_string_equal(p.v[10].note, "76 698");
  assert_string_equal(p.v[11].note, "+992 900 800 800");
  assert_string_equal(p.v[12].note, "iom@example.org");
  assert_string_equal(p.v[9].note, "../media/road.jpg");
  assert_int_equal(p.v[8].level, 2); /* the separator row is not a row */
  assert_int_equal(p.v[8].column, 1);
  seg_page_free(&p);
}

static void test_compose_round_trip(void **state)
{
  (void)state;
  struct seg_page p;
  assert_int_equal(seg_split(page, strlen(page), &p), 0);
  size_t n;
  char *same = seg_compose(page, strlen(page), &p, NULL, &n);
  assert_non_null(same);
  assert_int_equal(n, strlen(page));
  assert_memory_equal(same, page, n);
  free(same);

  const char **repl = calloc(p.n, sizeof *repl);
  assert_non_null(repl);
  repl[0] = "Заголовок";
  repl[11] = "Таджикистан";
  char *tr = seg_compose(page, strlen(page), &p, repl, &n);
  assert_non_null(tr);
  assert_non_null(strstr(tr, "\n# Заголовок\n"));
  assert_non_null(strstr(tr, "\nТаджикистан | +992 900 800 800 | mobile\n"));
  struct seg_page q;
  assert_int_equal(seg_split(tr, n, &q), 0);
  assert_true(seg_aligned(&p, &q));
  seg_page_free(&q);
  free(tr);
  free(repl);
  seg_page_free(&p);
}

static void test_letters(void **state)
{
  (void)state;
  assert_false(seg_has_letter("76 698", 6));
  assert_false(seg_has_letter("— 12:30 …", strlen("— 12:30 …")));
  assert_true(seg_has_letter("Дари", strlen("Дари")));
  assert_true(seg_has_letter("خط کمک", strlen("خط کمک")));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_kind),
    cmocka_unit_test(test_compose_round_trip),
    cmocka_unit_test(test_letters),
};
KTEST_MAIN(tests)
