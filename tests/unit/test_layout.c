/* Unit tests for render/layout: fitting, continuation parts, screen sizes,
 * and the checks that need no golden image. */
#include "kfonts.h"
#include "ktest.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/page.h"
#include "render/fonts.h"
#include "render/images.h"
#include "render/layout.h"
#include "render/text.h"

static const int sizes[5][2] = {{1920, 1080}, {1080, 1920}, {1280, 720}, {1024, 600}, {800, 480}};

static struct page *parse(const char *md)
{
  struct page *p;
  struct kerr e;
  assert_int_equal(page_parse(md, strlen(md), "pages/t.en.md", &p, &e), 0);
  return p;
}

static struct layout *lay(const struct page *p, int w, int h, int part)
{
  struct layout_input in = {p,
                            KIOSK_TEST_SOURCE_DIR "/content-packs/bulletin-2020-07",
                            w,
                            h,
                            {0, 0, 0, 0},
                            "en",
                            images_size_at};
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
    strcat(md,
           "- Migrants can ask questions and get advice from the hotline at any time of day.\n");
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

/* The caller says how big a picture is; layout reads no file itself. */
static int fake_calls;
static int fake_size(const char *root, const char *src, int *w, int *h)
{
  fake_calls++;
  if (strcmp(root, "/nonexistent") || strcmp(src, "media/drawn.png"))
    return -1;
  *w = 800;
  *h = 600;
  return 0;
}

static void test_picture_sizes_come_from_the_caller(void **state)
{
  (void)state;
  struct page *p = parse("# Title\n\nText.\n\n![A picture](../media/drawn.png)\n");
  struct layout_input in = {p, "/nonexistent", 1280, 720, {0, 0, 0, 0}, "en", fake_size};
  struct layout *l;
  struct kerr e;
  fake_calls = 0;
  assert_int_equal(layout_page(fonts, &in, 0, &l, &e), 0);
  assert_true(fake_calls > 0);
  assert_int_equal(l->n_problems, 0);
  int image = 0;
  for (size_t k = 0; k < l->n_boxes; k++)
    if (l->boxes[k].kind == BOX_IMAGE) {
      image = 1;
      int d = l->boxes[k].r.w * 600 - l->boxes[k].r.h * 800; /* its shape kept, to a pixel */
      assert_true(d > -1600 && d < 1600);
    }
  assert_true(image);
  layout_free(l);
  /* Without a size function every picture counts as missing. */
  in.image_size = NULL;
  assert_int_equal(layout_page(fonts, &in, 0, &l, &e), 0);
  assert_int_equal(l->n_problems, 1);
  assert_non_null(strstr(l->problems[0].msg, "media/drawn.png"));
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
  struct page *p =
      parse("# Source\n\nSee [the figures](https://caa-network.org/archives/19520) and "
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
  struct layout_input in = {p, ".", 1920, 1080, {0, 0, 0, 0}, "fa", images_size_at};
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

/* "پاسپورت همیشه نزد خودتان بماند." and "هرگز پاسپورت خود را گرو ندهید." */
#define DARI_1                                                                                     \
  "\xD9\xBE\xD8\xA7\xD8\xB3\xD9\xBE\xD9\x88\xD8\xB1\xD8\xAA \xD9\x87\xD9\x85\xDB\x8C\xD8\xB4\xD9\x87 \xD9\x86\xD8\xB2\xD8\xAF \xD8\xAE\xD9\x88\xD8\xAF\xD8\xAA\xD8\xA7\xD9\x86 \xD8\xA8\xD9\x85\xD8\xA7\xD9\x86\xD8\xAF."
#define DARI_2                                                                                     \
  "\xD9\x87\xD8\xB1\xDA\xAF\xD8\xB2 \xD9\xBE\xD8\xA7\xD8\xB3\xD9\xBE\xD9\x88\xD8\xB1\xD8\xAA \xD8\xAE\xD9\x88\xD8\xAF \xD8\xB1\xD8\xA7 \xDA\xAF\xD8\xB1\xD9\x88 \xD9\x86\xD8\xAF\xD9\x87\xDB\x8C\xD8\xAF."

static struct layout *lay_lang(const struct page *p, int w, int h, int part, const char *lang)
{
  struct layout_input in = {p,
                            KIOSK_TEST_SOURCE_DIR "/content-packs/bulletin-2020-07",
                            w,
                            h,
                            {0, 0, 0, 0},
                            lang,
                            images_size_at};
  struct layout *l;
  struct kerr e;
  assert_int_equal(layout_page(fonts, &in, part, &l, &e), 0);
  return l;
}

/* Leftmost and rightmost x of the text boxes of a block; 0 if none. */
static int block_span(const struct layout *l, int block, int *left, int *right)
{
  int n = 0;
  *left = 1 << 30;
  *right = -1;
  for (size_t k = 0; k < l->n_boxes; k++) {
    const struct box *b = &l->boxes[k];
    if (b->kind != BOX_TEXT || b->block != block)
      continue;
    n++;
    if (b->r.x < *left)
      *left = b->r.x;
    if (b->r.x + b->r.w > *right)
      *right = b->r.x + b->r.w;
  }
  return n;
}

static void test_base_direction_first_strong(void **state)
{
  (void)state;
  struct page_span dari = {DARI_1, 0, NULL}, en = {"Embassy", 0, NULL};
  struct page_span num = {"+992 900 800 800", 0, NULL};
  struct page_span mixed[2] = {{"12. ", 0, NULL}, {DARI_2, 0, NULL}};
  /* An isolated stretch is skipped (P2): the first strong letter outside it
   * is Latin. */
  struct page_span iso = {"\xE2\x81\xA7" DARI_2 "\xE2\x81\xA9 Embassy", 0, NULL};
  assert_int_equal(text_base_rtl(&dari, 1, 0), 1);
  assert_int_equal(text_base_rtl(&en, 1, 1), 0);
  assert_int_equal(text_base_rtl(&num, 1, 1), 1);
  assert_int_equal(text_base_rtl(&num, 1, 0), 0);
  assert_int_equal(text_base_rtl(mixed, 2, 0), 1);
  assert_int_equal(text_base_rtl(&iso, 1, 1), 0);
}

/* An English page quoting Dari: the Dari paragraph and list item hug the
 * right edge, the bullet at their right; the English ones the left; the
 * page frame (table columns) stays left to right, each cell aligned by its
 * own text. A Dari page quoting English mirrors all of it. */
static void test_paragraph_direction_from_its_text(void **state)
{
  (void)state;
  const char *md_en = "# Documents\n\nYour passport stays with you.\n\n" DARI_1 "\n\n"
                      "- Never give your passport as a deposit.\n- " DARI_2 "\n\n"
                      "| English | Dari |\n|---|---|\n| Embassy | " DARI_2 " |\n";
  const char *md_fa = "# " DARI_2 "\n\n" DARI_1 "\n\nYour passport stays with you.\n\n"
                      "- " DARI_2 "\n- Never give your passport as a deposit.\n";
  for (int s = 0; s < 5; s++) {
    int w = sizes[s][0], h = sizes[s][1];
    int margin = (w < h ? w : h) * 45 / 1000;
    struct page *p = parse(md_en);
    struct layout *l = lay_lang(p, w, h, 0, "en");
    int left, right;
    assert_true(block_span(l, 1, &left, &right) > 0);
    assert_int_equal(left, margin);
    assert_true(block_span(l, 2, &left, &right) > 0);
    assert_true(right >= w - margin - 2 && left > margin);
    int bl, br, il, ir;
    assert_true(block_span(l, 3, &bl, &br) > 0 && block_span(l, 4, &il, &ir) > 0);
    assert_true(bl == margin);
    assert_true(ir >= w - margin - 2 && il > margin);
    /* Each item's marker sits on its own start side. */
    for (size_t k = 0; k < l->n_boxes; k++)
      if (l->boxes[k].kind == BOX_TEXT && !strcmp(l->boxes[k].text, "\xE2\x80\xA2")) {
        if (l->boxes[k].block == 3)
          assert_true(l->boxes[k].r.x < w / 4);
        else
          assert_true(l->boxes[k].r.x > w * 3 / 4);
      }
    /* Table: "Embassy" in the left column, its Dari neighbour right-aligned
     * in the right column, at the table's right edge. */
    int emb_x = -1, dari_right = -1;
    for (size_t k = 0; k < l->n_boxes; k++) {
      const struct box *b = &l->boxes[k];
      if (b->kind == BOX_TEXT && b->block == 5 && !strcmp(b->text, "Embassy"))
        emb_x = b->r.x;
      if (b->kind == BOX_TEXT && b->block == 5 && b->rtl && b->r.x + b->r.w > dari_right)
        dari_right = b->r.x + b->r.w;
    }
    assert_true(emb_x >= margin && emb_x < w / 4);
    assert_true(dari_right > w - margin - w / 20);
    assert_int_equal(l->n_problems, 0);
    layout_free(l);
    page_free(p);

    p = parse(md_fa);
    l = lay_lang(p, w, h, 0, "fa");
    assert_true(block_span(l, 1, &left, &right) > 0);
    assert_true(right >= w - margin - 2);
    assert_true(block_span(l, 2, &left, &right) > 0);
    assert_int_equal(left, margin);
    assert_true(block_span(l, 4, &il, &ir) > 0);
    assert_int_equal(il, margin);
    assert_int_equal(l->n_problems, 0);
    layout_free(l);
    page_free(p);
  }
}

/* A Dari caption under a picture on an English page is right-aligned. */
static void test_caption_direction_from_its_text(void **state)
{
  (void)state;
  struct page *p = parse("# Campaigns\n\nText.\n\n![" DARI_2 "](../media/campaigns.jpg)\n");
  struct layout *l = lay_lang(p, 1080, 1920, 0, "en");
  int img_right = -1;
  for (size_t k = 0; k < l->n_boxes; k++)
    if (l->boxes[k].kind == BOX_IMAGE)
      img_right = l->boxes[k].r.x + l->boxes[k].r.w;
  int left, right;
  assert_true(block_span(l, 2, &left, &right) > 0);
  assert_true(img_right > 0);
  assert_true(right >= img_right - 2);
  assert_true(left > 1080 / 3);
  assert_int_equal(l->n_problems, 0);
  layout_free(l);
  page_free(p);
}

/* Numbers from 10 on: one number column for the whole list, as wide as
 * its widest number, numbers right-aligned against the text (left-aligned,
 * on the right, in a right-to-left list); every number on one line. */
static void test_number_column_fits_widest(void **state)
{
  (void)state;
  char md[2048] = "# Steps\n\n";
  for (int n = 1; n <= 12; n++) {
    char line[64];
    snprintf(line, sizeof line, "%d. %s\n", n, n % 2 ? "Check the pay." : "Keep a copy.");
    strcat(md, line);
  }
  char md_fa[4096] = "# Steps\n\n";
  for (int n = 1; n <= 12; n++) {
    char line[256];
    snprintf(line, sizeof line, "%d. %s\n", n, DARI_2);
    strcat(md_fa, line);
  }
  for (int rtl = 0; rtl < 2; rtl++)
    for (int s = 0; s < 5; s++) {
      struct page *p = parse(rtl ? md_fa : md);
      struct layout *first = lay_lang(p, sizes[s][0], sizes[s][1], 0, rtl ? "fa" : "en");
      int parts = first->n_parts;
      layout_free(first);
      int edge = -1, numbers = 0;
      for (int part = 0; part < parts; part++) {
        struct layout *l = lay_lang(p, sizes[s][0], sizes[s][1], part, rtl ? "fa" : "en");
        assert_int_equal(l->n_problems, 0);
        for (int blk = 1; blk <= 12; blk++) {
          /* The number's boxes (digits and its dot may be two runs in a
           * right-to-left item): all on one line, never "10" on one line
           * and "." on the next. */
          int nl = 1 << 30, nr = -1, ny = -1, tl = 1 << 30, tr = -1, found = 0;
          for (size_t k = 0; k < l->n_boxes; k++) {
            const struct box *bx = &l->boxes[k];
            if (bx->kind != BOX_TEXT || bx->block != blk)
              continue;
            found = 1;
            if (strspn(bx->text, "0123456789.") == strlen(bx->text)) {
              if (ny < 0)
                ny = bx->r.y;
              assert_int_equal(bx->r.y, ny);
              if (bx->r.x < nl)
                nl = bx->r.x;
              if (bx->r.x + bx->r.w > nr)
                nr = bx->r.x + bx->r.w;
            } else {
              if (bx->r.x < tl)
                tl = bx->r.x;
              if (bx->r.x + bx->r.w > tr)
                tr = bx->r.x + bx->r.w;
            }
          }
          if (!found)
            continue; /* on another part */
          assert_true(ny >= 0);
          numbers++;
          int e = rtl ? nl : nr;
          if (edge < 0)
            edge = e;
          assert_true(abs(e - edge) <= 1);
          /* The item's text starts past the number. */
          if (rtl)
            assert_true(tr < nl);
          else
            assert_true(tl > nr);
        }
        layout_free(l);
      }
      assert_int_equal(numbers, 12);
      page_free(p);
    }
}

/* A number that cannot fit the widest column allowed is a problem. */
static void test_number_too_wide_reported(void **state)
{
  (void)state;
  struct page *p = parse("# Steps\n\n123456789. Check the pay.\n123456790. Keep a copy.\n");
  struct layout *l = lay(p, 800, 480, 0);
  int found = 0;
  for (size_t k = 0; k < l->n_problems; k++)
    if (strstr(l->problems[k].msg,
               "pages/t.en.md: list number '123456789.' does not fit its column"))
      found = 1;
  for (size_t k = 0; !found && k < l->n_problems; k++)
    print_message("problem: %s\n", l->problems[k].msg);
  assert_true(found);
  layout_free(l);
  page_free(p);
}

/* The blocks with content on one part, in order (chrome and the repeated
 * header excluded): fills seen[] with 1 for each block present. Returns
 * the last block on the part, -1 if none. */
static int blocks_on_part(const struct layout *l, int *seen, int n_seen, int skip_header)
{
  int last = -1, last_y = -1;
  for (size_t k = 0; k < l->n_boxes; k++) {
    const struct box *b = &l->boxes[k];
    if (b->block < 0 || b->block >= n_seen || b->block < skip_header)
      continue;
    seen[b->block] = 1;
    if (b->r.y > last_y) {
      last_y = b->r.y;
      last = b->block;
    }
  }
  return last;
}

/* A list that needs two parts is shared out between them: as many items
 * on each (give or take one), never one alone. */
static void test_parts_balanced(void **state)
{
  (void)state;
  char md[4096] = "# Before you leave\n\n";
  for (int n = 1; n <= 19; n++) {
    char line[80];
    snprintf(line, sizeof line, "- Step %d: keep a copy of the contract.\n", n);
    strcat(md, line);
  }
  struct page *p = parse(md);
  int split = 0;
  for (int s = 0; s < 5; s++) {
    struct layout *l = lay(p, sizes[s][0], sizes[s][1], 0);
    int parts = l->n_parts;
    layout_free(l);
    if (parts < 2)
      continue;
    int lo = 1 << 30, hi = 0, total = 0;
    for (int part = 0; part < parts; part++) {
      l = lay(p, sizes[s][0], sizes[s][1], part);
      assert_int_equal(l->n_problems, 0);
      int seen[32] = {0};
      blocks_on_part(l, seen, 32, 1);
      int items = 0;
      for (int b = 1; b < 32; b++)
        items += seen[b];
      if (items < lo)
        lo = items;
      if (items > hi)
        hi = items;
      total += items;
      layout_free(l);
    }
    assert_int_equal(total, 19);
    assert_true(lo >= 2);
    assert_true(hi - lo <= 1);
    split++;
  }
  assert_true(split >= 2);
  page_free(p);
}

/* A heading never ends a part: it goes with the block that follows. */
static void test_heading_stays_with_next_block(void **state)
{
  (void)state;
  char md[8192] = "# Before you leave\n\n";
  for (int n = 1; n <= 6; n++) {
    char para[400];
    snprintf(
        para, sizeof para,
        "## Step %d\n\nCheck the job offer: is the employer real? Ask people who have worked "
        "there. Tell your family where you are going: the city, the address, the employer.\n\n",
        n);
    strcat(md, para);
  }
  struct page *p = parse(md);
  int split = 0;
  for (int s = 0; s < 5; s++) {
    struct layout *l = lay(p, sizes[s][0], sizes[s][1], 0);
    int parts = l->n_parts;
    layout_free(l);
    for (int part = 0; part + 1 < parts; part++) {
      l = lay(p, sizes[s][0], sizes[s][1], part);
      assert_int_equal(l->n_problems, 0);
      int seen[32] = {0};
      int last = blocks_on_part(l, seen, 32, 1);
      assert_true(last > 0);
      assert_int_not_equal(p->blocks[last].type, PAGE_HEADING);
      split = 1;
      layout_free(l);
    }
  }
  assert_true(split);
  page_free(p);
}

/* When one item must stand alone on a continuation part (two table rows,
 * each more than half the screen), strict mode says so. */
static void test_lone_item_reported(void **state)
{
  (void)state;
  char md[8192] = "# Documents\n\n| Step |\n|---|\n";
  for (int r = 0; r < 2; r++) {
    strcat(md, "|");
    for (int k = 0; k < 16; k++)
      strcat(md, " Leave copies of your passport and contract with your family.");
    strcat(md, " |\n");
  }
  struct page *p = parse(md);
  struct layout *l = lay(p, 800, 480, 1);
  assert_int_equal(l->n_parts, 2);
  for (size_t k = 0; k < l->n_problems; k++)
    print_message("problem: %s\n", l->problems[k].msg);
  assert_int_equal(l->n_problems, 0); /* said with the first part only */
  layout_free(l);
  l = lay(p, 800, 480, 0);
  int found = 0;
  for (size_t k = 0; k < l->n_problems; k++)
    if (!strcmp(l->problems[k].msg, "pages/t.en.md: part 2 of 2 holds a single item alone"))
      found = 1;
  assert_true(found);
  layout_free(l);
  page_free(p);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parts_balanced),
    cmocka_unit_test(test_heading_stays_with_next_block),
    cmocka_unit_test(test_lone_item_reported),
    cmocka_unit_test(test_base_direction_first_strong),
    cmocka_unit_test(test_paragraph_direction_from_its_text),
    cmocka_unit_test(test_caption_direction_from_its_text),
    cmocka_unit_test(test_number_column_fits_widest),
    cmocka_unit_test(test_number_too_wide_reported),
    cmocka_unit_test(test_link_gets_qr_code),
    cmocka_unit_test(test_table_fits_every_size),
    cmocka_unit_test(test_rtl_page_mirrors),
    cmocka_unit_test(test_readable_minimum_by_screen),
    cmocka_unit_test(test_short_page_uses_largest_size),
    cmocka_unit_test(test_long_page_shrinks_then_continues),
    cmocka_unit_test(test_every_size_every_block),
    cmocka_unit_test(test_hotline_numbers_whole_and_largest),
    cmocka_unit_test(test_missing_image_reported_page_still_laid_out),
    cmocka_unit_test(test_picture_sizes_come_from_the_caller),
    cmocka_unit_test(test_uncovered_character_reported),
};

KFONTS_MAIN(tests)
