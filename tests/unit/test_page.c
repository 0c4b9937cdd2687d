/* Unit tests for core/page: Markdown and front matter into the page model. */
#include "ktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/page.h"

static struct page *parse(const char *md)
{
  struct page *p = NULL;
  struct kerr e;
  assert_int_equal(page_parse(md, strlen(md), "pages/x.en.md", &p, &e), 0);
  assert_non_null(p);
  return p;
}

static void assert_text(const struct page_block *b, const char *want)
{
  char *t = page_block_text(b);
  assert_string_equal(t, want);
  free(t);
}

static void test_front_matter(void **state)
{
  (void)state;
  struct page *p = parse("---\nduration: 25\nlayout: image-left\nalert: true\n---\n# Title\n");
  assert_int_equal(p->duration_s, 25);
  assert_int_equal(p->layout, PAGE_LAYOUT_IMAGE_LEFT);
  assert_true(p->alert);
  assert_int_equal(p->n_problems, 0);
  assert_int_equal(p->n_blocks, 1);
  assert_int_equal(p->blocks[0].type, PAGE_HEADING);
  assert_int_equal(p->blocks[0].line, 0);
  page_free(p);
}

static void test_bad_front_matter_is_reported_with_line(void **state)
{
  (void)state;
  struct page *p = parse("---\nduration: forever\ncolour: red\nno colon here\n---\nText\n");
  assert_int_equal(p->duration_s, 0);
  assert_int_equal(p->n_problems, 3);
  assert_int_equal(p->problems[0].line, 2);
  assert_string_equal(p->problems[0].msg,
                      "duration 'forever' must be seconds between 3 and 600, e.g. 'duration: 20'");
  assert_int_equal(p->problems[1].line, 3);
  assert_int_equal(p->problems[2].line, 4);
  /* The page still has its content. */
  assert_int_equal(p->n_blocks, 1);
  assert_text(&p->blocks[0], "Text");
  page_free(p);
}

/* A list item whose text is followed by a heading inside it: the item's
 * spans are not leaked (found by fuzz_page; the sanitizer build checks). */
static void test_heading_inside_list_item(void **state)
{
  (void)state;
  struct page *p = parse("- *e*\n\t#");
  page_free(p);
  p = parse("- **a** b\n  # Title\n\ntext\n");
  assert_true(p->n_blocks >= 1);
  page_free(p);
}

/* A link left open at the very end of the file: md4c 0.4.8 reads the byte
 * after its input there (found by fuzz_page). The page ends right before a
 * page of memory that may not be read, so a read past it is a crash. */
static void test_open_link_at_end_of_buffer(void **state)
{
  (void)state;
  static const char *const srcs[] = {"[](", "# T\n\nSee [the site](", "[a](b"};
  long pg = sysconf(_SC_PAGESIZE);
  char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(m != MAP_FAILED);
  assert_int_equal(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
  for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
    size_t n = strlen(srcs[i]);
    char *at = m + pg - n;
    memcpy(at, srcs[i], n); /* no NUL: the next byte is the guard page */
    struct page *p = NULL;
    struct kerr e;
    assert_int_equal(page_parse(at, n, "pages/x.en.md", &p, &e), 0);
    assert_non_null(p);
    page_free(p);
  }
  munmap(m, (size_t)pg * 2);
}

/* Many problems: each one is kept, in order, with its own line (the
 * array grows past every doubling). */
static void test_many_problems_each_kept(void **state)
{
  (void)state;
  enum { BAD = 300 };
  char *src = malloc(16 + BAD * 16);
  assert_non_null(src);
  size_t len = (size_t)sprintf(src, "---\n");
  for (int i = 0; i < BAD; i++)
    len += (size_t)sprintf(src + len, "junk %d\n", i);
  sprintf(src + len, "---\nText\n");
  struct page *p = parse(src);
  assert_int_equal(p->n_problems, BAD);
  for (int i = 0; i < BAD; i++) {
    char want[64];
    snprintf(want, sizeof want, "front matter line 'junk %d' is not 'key: value'", i);
    assert_int_equal(p->problems[i].line, i + 2);
    assert_string_equal(p->problems[i].msg, want);
  }
  assert_int_equal(p->n_blocks, 1);
  page_free(p);
  free(src);
}

static void test_unclosed_front_matter(void **state)
{
  (void)state;
  struct page *p = parse("---\nduration: 10\n# Title\n");
  assert_true(p->n_problems >= 1);
  assert_string_equal(p->problems[p->n_problems - 1].msg,
                      "front matter starts with '---' but has no closing '---' line");
  page_free(p);
}

static void test_spans_bold_italic_merged(void **state)
{
  (void)state;
  struct page *p = parse("Helped **3,186 migrants** return *home* today.\n");
  assert_int_equal(p->n_blocks, 1);
  const struct page_block *b = &p->blocks[0];
  assert_int_equal(b->type, PAGE_PARAGRAPH);
  assert_int_equal(b->n_spans, 5);
  assert_string_equal(b->spans[1].text, "3,186 migrants");
  assert_int_equal(b->spans[1].flags, PAGE_SPAN_BOLD);
  assert_int_equal(b->spans[3].flags, PAGE_SPAN_ITALIC);
  assert_text(b, "Helped 3,186 migrants return home today.");
  page_free(p);
}

static void test_lists_nested_and_ordered(void **state)
{
  (void)state;
  struct page *p = parse("- one\n- two\n  - inner\n\n3. three\n4. four\n");
  assert_int_equal(p->n_blocks, 5);
  assert_int_equal(p->blocks[0].type, PAGE_LIST_ITEM);
  assert_int_equal(p->blocks[0].level, 1);
  assert_false(p->blocks[0].ordered);
  assert_text(&p->blocks[1], "two");
  assert_int_equal(p->blocks[2].level, 2);
  assert_text(&p->blocks[2], "inner");
  assert_true(p->blocks[3].ordered);
  assert_int_equal(p->blocks[3].number, 3);
  assert_int_equal(p->blocks[4].number, 4);
  page_free(p);
}

static void test_image_with_caption_resolved(void **state)
{
  (void)state;
  struct page *p = parse("Intro.\n\n![The border at dawn](../media/border.jpg)\n");
  assert_int_equal(p->n_blocks, 2);
  assert_int_equal(p->blocks[1].type, PAGE_IMAGE);
  assert_string_equal(p->blocks[1].src, "media/border.jpg");
  assert_string_equal(p->blocks[1].caption, "The border at dawn");
  assert_int_equal(p->blocks[1].line, 3);
  assert_int_equal(p->n_problems, 0);
  page_free(p);
}

static void test_image_outside_pack_refused(void **state)
{
  (void)state;
  struct page *p = parse("![x](../../etc/passwd)\n\n![y](/abs.jpg)\n\n![z](http://a/b.jpg)\n");
  assert_int_equal(p->n_problems, 3);
  for (size_t i = 0; i < p->n_blocks; i++)
    if (p->blocks[i].type == PAGE_IMAGE)
      assert_string_equal(p->blocks[i].src, "");
  page_free(p);
}

static void test_kiosk_blocks(void **state)
{
  (void)state;
  struct page *p = parse("```stats\n76,698 | Confirmed cases\n470 | Deaths\n```\n\n"
                         "```hotlines\nKazakhstan | 11616 | phone\n```\n\n"
                         "```contacts\nTajikistan | dushanbe@iom.int\n```\n");
  assert_int_equal(p->n_problems, 0);
  assert_int_equal(p->n_blocks, 3);
  assert_int_equal(p->blocks[0].type, PAGE_STATS);
  assert_int_equal(p->blocks[0].n_rows, 2);
  assert_string_equal(p->blocks[0].rows[0].cells[0], "76,698");
  assert_string_equal(p->blocks[0].rows[1].cells[1], "Deaths");
  assert_int_equal(p->blocks[1].type, PAGE_HOTLINES);
  assert_int_equal(p->blocks[1].rows[0].n_cells, 3);
  assert_string_equal(p->blocks[1].rows[0].cells[2], "phone");
  assert_int_equal(p->blocks[2].type, PAGE_CONTACTS);
  assert_string_equal(p->blocks[2].rows[0].cells[1], "dushanbe@iom.int");
  page_free(p);
}

static void test_unknown_block_kept_readable(void **state)
{
  (void)state;
  struct page *p = parse("# T\n\n```weather\nsunny\n```\n");
  assert_int_equal(p->n_problems, 1);
  assert_int_equal(p->problems[0].line, 3);
  assert_string_equal(
      p->problems[0].msg,
      "unknown block 'weather' — use one of stats, hotlines, contacts, qr (its text "
      "is shown as a plain paragraph)");
  assert_int_equal(p->n_blocks, 2);
  assert_int_equal(p->blocks[1].type, PAGE_PARAGRAPH);
  assert_text(&p->blocks[1], "sunny");
  page_free(p);
}

/* A fence without a language (found by fuzz_page: the parser copied from
 * md4c's NULL language text, undefined behaviour) is a plain paragraph. */
static void test_fence_without_language(void **state)
{
  (void)state;
  struct page *p = parse("# T\n\n```\nplain text\n```\n");
  assert_int_equal(p->n_blocks, 2);
  assert_int_equal(p->blocks[1].type, PAGE_PARAGRAPH);
  assert_text(&p->blocks[1], "plain text");
  page_free(p);
}

/* An image or a link with an empty target (found by fuzz_page: the parser
 * copied from md4c's NULL text) parses; the image is reported as missing
 * its file. */
static void test_empty_link_and_image_target(void **state)
{
  (void)state;
  struct page *p = parse("# T\n\nSee [the site]() and ![a photo]().\n");
  assert_true(p->n_blocks >= 2);
  page_free(p);
}

/* The bound on a page's text buffers leaves room for the largest page
 * growing the most (every byte a NUL, each shown as the 3-byte U+FFFD). */
static void test_largest_page_fits_text_bound(void **state)
{
  (void)state;
  size_t n = PAGE_MAX_BYTES;
  char *md = calloc(1, n);
  assert_non_null(md);
  memcpy(md, "# T\n\n", 5);
  struct page *p = NULL;
  struct kerr e;
  assert_int_equal(page_parse(md, n, "pages/x.en.md", &p, &e), 0);
  page_free(p);
  free(md);
}

static void test_bad_row_reported(void **state)
{
  (void)state;
  struct page *p = parse("```stats\n76,698\n```\n");
  assert_int_equal(p->n_problems, 1);
  assert_int_equal(p->problems[0].line, 2);
  assert_string_equal(p->problems[0].msg, "'stats' row has 1 part, expected number | label");
  page_free(p);
}

static void test_link_keeps_href(void **state)
{
  (void)state;
  struct page *p = parse("Source: [CAA network](https://caa-network.org/archives/19520).\n");
  const struct page_block *b = &p->blocks[0];
  assert_int_equal(b->n_spans, 3);
  assert_int_equal(b->spans[1].flags, PAGE_SPAN_LINK);
  assert_string_equal(b->spans[1].href, "https://caa-network.org/archives/19520");
  page_free(p);
}

static void test_empty_and_too_big(void **state)
{
  (void)state;
  struct page *p = parse("");
  assert_int_equal(p->n_blocks, 0);
  assert_int_equal(p->n_problems, 1);
  page_free(p);
  size_t n = PAGE_MAX_BYTES + 1;
  char *big = malloc(n);
  memset(big, 'a', n);
  struct kerr e;
  assert_int_equal(page_parse(big, n, "pages/big.en.md", &p, &e), KERR_TOOBIG);
  assert_null(p);
  free(big);
}

static void test_load_missing_file(void **state)
{
  (void)state;
  struct page *p;
  struct kerr e;
  assert_int_equal(page_load("/nonexistent", "pages/a.en.md", &p, &e), KERR_NOENT);
  assert_string_equal(e.msg,
                      "/nonexistent/pages/a.en.md: cannot open page: No such file or directory");
}

static void test_table_rows_and_header(void **state)
{
  (void)state;
  struct page *p =
      parse("| Country | Cases |\n|---|---|\n| Kazakhstan | **1** |\n| Tajikistan | 5 |\n");
  assert_int_equal(p->n_blocks, 1);
  const struct page_block *b = &p->blocks[0];
  assert_int_equal(b->type, PAGE_TABLE);
  assert_int_equal(b->level, 1);
  assert_int_equal(b->n_rows, 3);
  assert_string_equal(b->rows[0].cells[0], "Country");
  assert_string_equal(b->rows[1].cells[1], "1");
  assert_string_equal(b->rows[2].cells[0], "Tajikistan");
  assert_int_equal(p->n_problems, 0);
  page_free(p);
}

static void test_image_fit_front_matter(void **state)
{
  (void)state;
  struct page *p = parse("---\nimage: cover\n---\n# T\n");
  assert_int_equal(p->image_fit, PAGE_IMAGE_COVER);
  page_free(p);
  p = parse("---\nimage: stretch\n---\n# T\n");
  assert_int_equal(p->image_fit, PAGE_IMAGE_CONTAIN);
  assert_int_equal(p->n_problems, 1);
  assert_int_equal(p->problems[0].line, 2);
  page_free(p);
}

static void test_schedule_front_matter(void **state)
{
  (void)state;
  struct page *p = parse("---\nfrom: 2026-12-01T00:00:00Z\nuntil: 2027-01-01T00:00:00Z\n"
                         "hours: 22:00-06:00\ndays: mon-fri\ncountries: KZ, KG\n---\n# T\n");
  assert_int_equal(p->n_problems, 0);
  assert_true(p->has_from && p->has_until && p->has_hours);
  assert_int_equal(p->from, 1796083200LL);
  assert_int_equal(p->hours_start_min, 22 * 60);
  assert_int_equal(p->hours_end_min, 6 * 60);
  assert_int_equal(p->days, 0x1F);
  assert_int_equal(p->n_countries, 2);
  assert_string_equal(p->countries[1], "KG");
  page_free(p);
  p = parse("---\nfrom: tomorrow\nhours: 8-6\ncountries: Kazakhstan\n---\n# T\n");
  assert_int_equal(p->n_problems, 3);
  assert_int_equal(p->problems[0].line, 2);
  assert_int_equal(p->has_from, 0);
  assert_int_equal(p->n_countries, 0);
  page_free(p);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_many_problems_each_kept),
    cmocka_unit_test(test_open_link_at_end_of_buffer),
    cmocka_unit_test(test_heading_inside_list_item),
    cmocka_unit_test(test_schedule_front_matter),
    cmocka_unit_test(test_table_rows_and_header),
    cmocka_unit_test(test_image_fit_front_matter),
    cmocka_unit_test(test_front_matter),
    cmocka_unit_test(test_bad_front_matter_is_reported_with_line),
    cmocka_unit_test(test_unclosed_front_matter),
    cmocka_unit_test(test_spans_bold_italic_merged),
    cmocka_unit_test(test_lists_nested_and_ordered),
    cmocka_unit_test(test_image_with_caption_resolved),
    cmocka_unit_test(test_image_outside_pack_refused),
    cmocka_unit_test(test_kiosk_blocks),
    cmocka_unit_test(test_unknown_block_kept_readable),
    cmocka_unit_test(test_bad_row_reported),
    cmocka_unit_test(test_fence_without_language),
    cmocka_unit_test(test_empty_link_and_image_target),
    cmocka_unit_test(test_largest_page_fits_text_bound),
    cmocka_unit_test(test_link_keeps_href),
    cmocka_unit_test(test_empty_and_too_big),
    cmocka_unit_test(test_load_missing_file),
};
KTEST_MAIN(tests)
