/* Unit tests for render/layout: fitting, continuation parts, screen sizes,
 * and the checks that need no golden image. */
#include "ktest.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/page.h"
#include "render/fonts.h"
#include "render/layout.h"

static struct fonts *fonts;

static const int sizes[5][2] = {{1920, 1080}, {1080, 1920}, {1280, 720}, {1024, 600}, {800, 480}};

static int setup(void **state)
{
  (void)state;
  struct kerr e;
  if (TTF_Init() != 0)
    return -1;
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  return fonts_open(NULL, &fonts, &e) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  fonts_close(fonts);
  IMG_Quit();
  TTF_Quit();
  return 0;
}

static struct page *parse(const char *md)
{
  struct page *p;
  struct kerr e;
  assert_int_equal(page_parse(md, strlen(md), "pages/t.en.md", &p, &e), 0);
  return p;
}

static struct layout *lay(const struct page *p, int w, int h, int part)
{
  struct layout_input in = {p, KIOSK_TEST_SOURCE_DIR "/content-packs/bulletin-2020-07", w, h,
                            {0, 0, 0, 0}, "en"};
  struct layout *l;
  struct kerr e;
  assert_int_equal(layout_page(fonts, &in, part, &l, &e), 0);
  return l;
}

static void assert_all_inside(const struct layout *l)
{
  for (size_t i = 0; i < l->n_boxes; i++) {
    SDL_Rect r = l->boxes[i].r;
    assert_true(r.x >= 0 && r.y >= 0 && r.x + r.w <= l->w && r.y + r.h <= l->h);
  }
}

/* No two content boxes of different blocks overlap (cards hold their own
 * text, so a block's boxes may overlap each other). */
static void assert_no_overlap(const struct layout *l)
{
  for (size_t i = 0; i < l->n_boxes; i++)
    for (size_t j = i + 1; j < l->n_boxes; j++) {
      const struct box *a = &l->boxes[i], *b = &l->boxes[j];
      if (a->block < 0 || b->block < 0 || a->block == b->block)
        continue;
      SDL_Rect x;
      if (SDL_IntersectRect(&a->r, &b->r, &x))
        fail_msg("boxes of blocks %d and %d overlap at %d,%d", a->block, b->block, x.x, x.y);
    }
}

static void test_readable_minimum_by_screen(void **state)
{
  (void)state;
  assert_int_equal(layout_min_body_px(1920, 1080), 36);
  assert_int_equal(layout_min_body_px(1080, 1920), 36);
  assert_int_equal(layout_min_body_px(800, 480), 16);
  assert_true(layout_max_body_px(1920, 1080) > layout_min_body_px(1920, 1080));
}

static void test_short_page_uses_largest_size(void **state)
{
  (void)state;
  struct page *p = parse("# Hotlines\n\nCall any time.\n");
  struct layout *l = lay(p, 1920, 1080, 0);
  assert_int_equal(l->n_parts, 1);
  assert_int_equal(l->body_px, layout_max_body_px(1920, 1080));
  assert_int_equal(l->n_problems, 0);
  layout_free(l);
  page_free(p);
}

static void test_long_page_shrinks_then_continues(void **state)
{
  (void)state;
  char md[20000] = "# A long page\n\n";
  for (int i = 0; i < 40; i++)
    strcat(md, "- Migrants can ask questions and get advice from the hotline at any time of day.\n");
  struct page *p = parse(md);
  struct layout *l = lay(p, 1280, 720, 0);
  assert_true(l->n_parts >= 2);
  assert_int_equal(l->body_px, l->min_px);
  int parts = l->n_parts;
  layout_free(l);
  for (int part = 0; part < parts; part++) {
    l = lay(p, 1280, 720, part);
    assert_int_equal(l->part, part);
    assert_all_inside(l);
    assert_no_overlap(l);
    assert_int_equal(l->n_problems, 0);
    /* Every part starts with the heading. */
    int heading = 0;
    for (size_t i = 0; i < l->n_boxes; i++)
      if (l->boxes[i].block == 0 && l->boxes[i].kind == BOX_TEXT)
        heading = 1;
    assert_true(heading);
    layout_free(l);
  }
  page_free(p);
}

static void test_every_size_every_block(void **state)
{
  (void)state;
  struct page *p = parse("---\nlayout: image-left\n---\n# Returning home\n## Direct help\n\n"
                         "IOM missions in Central Asia assisted **3,186** vulnerable migrants.\n\n"
                         "- one\n- two\n\n"
                         "```stats\n76,698 | Cases\n30,759 | Recovered\n470 | Deaths\n```\n\n"
                         "![Illustration](../media/returning-home.jpg)\n");
  for (int i = 0; i < 5; i++) {
    struct layout *l = lay(p, sizes[i][0], sizes[i][1], 0);
    assert_int_equal(l->n_problems, 0);
    assert_all_inside(l);
    assert_no_overlap(l);
    int image = 0;
    for (size_t k = 0; k < l->n_boxes; k++)
      if (l->boxes[k].kind == BOX_IMAGE)
        image = 1;
    assert_true(image);
    layout_free(l);
  }
  page_free(p);
}

static void test_hotline_numbers_whole_and_largest(void **state)
{
  (void)state;
  struct page *p = parse("# Hotlines\n\n```hotlines\nKazakhstan | 11616 | phone\n"
                         "Tajikistan | +992 900 800 800 | mobile\n```\n");
  for (int i = 0; i < 5; i++) {
    struct layout *l = lay(p, sizes[i][0], sizes[i][1], 0);
    int found = 0, heading_px = 0, number_px = 0;
    for (size_t k = 0; k < l->n_boxes; k++) {
      const struct box *b = &l->boxes[k];
      if (b->kind != BOX_TEXT)
        continue;
      if (b->block == 0)
        heading_px = b->px;
      if (!strcmp(b->text, "+992 900 800 800")) {
        found = 1;
        number_px = b->px;
      }
    }
    assert_true(found); /* one run: the number was not split */
    assert_true(number_px >= heading_px);
    assert_int_equal(l->n_problems, 0);
    layout_free(l);
  }
  page_free(p);
}

static void test_missing_image_reported_page_still_laid_out(void **state)
{
  (void)state;
  struct page *p = parse("# Title\n\nText.\n\n![Lost picture](../media/nope.jpg)\n");
  struct layout *l = lay(p, 1920, 1080, 0);
  assert_int_equal(l->n_problems, 1);
  assert_non_null(strstr(l->problems[0].msg, "media/nope.jpg"));
  int caption = 0;
  for (size_t k = 0; k < l->n_boxes; k++)
    if (l->boxes[k].kind == BOX_TEXT && strstr(l->boxes[k].text, "Lost"))
      caption = 1;
  assert_true(caption);
  layout_free(l);
  page_free(p);
}

static void test_uncovered_character_reported(void **state)
{
  (void)state;
  struct page *p = parse("# Title\n\nHan \xE4\xB8\xAD.\n");
  struct layout *l = lay(p, 1920, 1080, 0);
  assert_int_equal(l->n_problems, 1);
  assert_string_equal(l->problems[0].msg, "pages/t.en.md: 1 character is not covered by any font");
  layout_free(l);
  page_free(p);
}

static void test_link_gets_qr_code(void **state)
{
  (void)state;
  struct page *p = parse("# Source\n\nSee [the figures](https://caa-network.org/archives/19520) and "
                         "[again](https://caa-network.org/archives/19520).\n");
  struct layout *l = lay(p, 1920, 1080, 0);
  int qr = 0, label = 0;
  for (size_t k = 0; k < l->n_boxes; k++) {
    if (l->boxes[k].kind == BOX_QR) {
      qr++;
      assert_string_equal(l->boxes[k].text, "https://caa-network.org/archives/19520");
    }
    if (l->boxes[k].kind == BOX_TEXT && !strcmp(l->boxes[k].text, "caa-network.org/archives/19520"))
      label = 1;
  }
  assert_int_equal(qr, 1); /* one code per address */
  assert_true(label);
  assert_int_equal(l->n_problems, 0);
  layout_free(l);
  page_free(p);
}

static void test_table_fits_every_size(void **state)
{
  (void)state;
  struct page *p = parse("# Figures\n\n| Country | Cases | Recovered |\n|---|---|---|\n"
                         "| Kazakhstan | 76,698 | 30,759 |\n| Kyrgyzstan | 1 | 2 |\n");
  for (int i = 0; i < 5; i++) {
    struct layout *l = lay(p, sizes[i][0], sizes[i][1], 0);
    assert_int_equal(l->n_problems, 0);
    assert_all_inside(l);
    int cells = 0;
    for (size_t k = 0; k < l->n_boxes; k++)
      if (l->boxes[k].kind == BOX_TEXT && l->boxes[k].block == 1)
        cells++;
    assert_true(cells >= 9);
    layout_free(l);
  }
  page_free(p);
}

static void test_rtl_page_mirrors(void **state)
{
  (void)state;
  struct page *p = parse("# \xD8\xAE\xD8\xB7\n\n- \xD8\xB3\xD9\x84\xD8\xA7\xD9\x85\n");
  struct layout_input in = {p, ".", 1920, 1080, {0, 0, 0, 0}, "fa"};
  struct layout *l;
  struct kerr e;
  assert_int_equal(layout_page(fonts, &in, 0, &l, &e), 0);
  /* The heading and the list text hug the right margin; the bullet is at
   * the right of its text. */
  int right_edge = 0, bullet_x = -1, item_x = -1;
  for (size_t k = 0; k < l->n_boxes; k++) {
    const struct box *b = &l->boxes[k];
    if (b->kind != BOX_TEXT || b->block < 0)
      continue;
    if (b->block == 0 && b->r.x + b->r.w > right_edge)
      right_edge = b->r.x + b->r.w;
    if (b->block == 1 && !strcmp(b->text, "\xE2\x80\xA2"))
      bullet_x = b->r.x;
    else if (b->block == 1)
      item_x = b->r.x;
  }
  assert_true(right_edge > 1920 - 1920 / 20);
  assert_true(bullet_x > item_x);
  layout_free(l);
  page_free(p);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_link_gets_qr_code),
    cmocka_unit_test(test_table_fits_every_size),
    cmocka_unit_test(test_rtl_page_mirrors),
    cmocka_unit_test(test_readable_minimum_by_screen),
    cmocka_unit_test(test_short_page_uses_largest_size),
    cmocka_unit_test(test_long_page_shrinks_then_continues),
    cmocka_unit_test(test_every_size_every_block),
    cmocka_unit_test(test_hotline_numbers_whole_and_largest),
    cmocka_unit_test(test_missing_image_reported_page_still_laid_out),
    cmocka_unit_test(test_uncovered_character_reported),
};

int main(int argc, char **argv)
{
  if (argc > 1)
    cmocka_set_test_filter(argv[1]);
  return cmocka_run_group_tests(tests, setup, teardown);
}
