/* Unit tests for render/overlay: the staff card sits above the hotline
 * band, the page behind it recedes (and fades into the card's top edge),
 * the band is left as it is, and long lines wrap inside the card. */
#include "kfonts.h"
#include "kpixel.h"

#include <string.h>

#include "render/layout.h"
#include "render/overlay.h"

enum { W = 1280, H = 800 };
#define PAGE_BG 0xFAF9F6u
#define INK 0x1E1E1Eu
#define BAND 0x0B2A4Au
#define CARD 0x0B2A4Au

static void fill(SDL_Surface *s, int x, int y, int w, int h, Uint32 rgb)
{
  SDL_Rect r = {x, y, w, h};
  SDL_FillRect(s, &r, SDL_MapRGB(s->format, rgb >> 16, (rgb >> 8) & 0xFF, rgb & 0xFF));
}

/* A page as the kiosk paints one: light background, a line of dark text
 * across the lower part, the dark hotline band with a white number. */
static SDL_Surface *page(void)
{
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_XRGB8888);
  assert_non_null(s);
  int band = layout_band_height(W, H);
  fill(s, 0, 0, W, H, PAGE_BG);
  fill(s, 40, H - band - 120, 900, 30, INK);
  fill(s, 0, H - band, W, band, BAND);
  fill(s, 40, H - band + 20, 200, 30, 0xFFFFFF);
  return s;
}

static int luma(Uint32 rgb)
{
  return (int)(((rgb >> 16) & 0xFF) * 3 + ((rgb >> 8) & 0xFF) * 6 + (rgb & 0xFF)) / 10;
}

/* The card's rows: the column just inside its right edge, from the band
 * upwards, while it has the card's blue. */
static void card_rows(SDL_Surface *s, int x, int *top, int *bottom)
{
  int band = layout_band_height(W, H);
  int y = H - band - 1;
  while (y > 0 && pixel_rgb(s, x, y) != CARD)
    y--;
  *bottom = y;
  while (y > 0 && pixel_rgb(s, x, y - 1) == CARD)
    y--;
  *top = y;
}

static void test_card_over_dimmed_page(void **state)
{
  (void)state;
  SDL_Surface *s = page();
  SDL_Surface *before = SDL_ConvertSurface(s, s->format, 0);
  const char *lines[] = {"Флешка: найден 1 пакет", "USB stick: found 1 pack",
                         "Журналы записаны на флешку. Флешку можно вынимать",
                         "Logs copied to the stick. You can remove the stick"};
  overlay_paint(fonts, s, lines, 4, 2, -1);
  int band = layout_band_height(W, H);
  int margin = H * 45 / 1000;

  /* The band and what is on it are exactly as they were. */
  for (int y = H - band; y < H; y += 3)
    for (int x = 0; x < W; x += 7)
      assert_int_equal(pixel_rgb(s, x, y), pixel_rgb(before, x, y));

  /* The card: its blue, between the page's top and the band. */
  int top, bottom;
  card_rows(s, W - margin - 2, &top, &bottom);
  assert_true(bottom < H - band);
  assert_true(top > margin);
  assert_true(bottom - top > 100);

  /* Above the card the page recedes: darker than it was, still lighter
   * than the card, and the line of text stays darker than its ground. */
  Uint32 bg = pixel_rgb(s, W / 2, 10), ink = pixel_rgb(s, 100, H - band - 105);
  assert_true(luma(bg) < luma(PAGE_BG) - 40);
  assert_true(luma(bg) > luma(CARD) + 60);
  assert_true(luma(ink) < luma(bg) - 60);
  /* The rows just above the card fade into it, within its width only. */
  assert_true(luma(pixel_rgb(s, W / 2, top - 2)) < luma(bg) - 40);
  assert_true(luma(pixel_rgb(s, W / 2, top - 2)) > luma(CARD));
  assert_int_equal(pixel_rgb(s, margin / 2, top - 2), bg);
  /* Below the card, above the band, too. */
  assert_true(luma(pixel_rgb(s, W / 2, H - band - 2)) < luma(PAGE_BG) - 40);

  /* The newest line is in white on the card. */
  int white = 0;
  for (int y = top; y <= bottom; y++)
    for (int x = margin; x < W - margin; x++)
      white += pixel_rgb(s, x, y) == 0xFFFFFF;
  assert_true(white > 200);
  SDL_FreeSurface(before);
  SDL_FreeSurface(s);
}

/* A line longer than the screen is wide wraps, and nothing of it lands
 * outside the card. */
static void test_long_line_wraps_inside_card(void **state)
{
  (void)state;
  SDL_Surface *s = page();
  char longl[600];
  snprintf(longl, sizeof longl, "%s",
           "Pack news-2026-11.kpack could not be read: the signature does not match the "
           "trusted keys of this kiosk. Bring a pack signed with the current key, or a "
           "root-signed keyring update, and insert the stick again");
  const char *lines[] = {"", longl};
  overlay_paint(fonts, s, lines, 2, 1, 40);
  int band = layout_band_height(W, H);
  int margin = H * 45 / 1000;
  int top, bottom;
  card_rows(s, W - margin - 2, &top, &bottom);
  /* Three lines or more at body size, and a progress bar. */
  assert_true(bottom - top > 3 * layout_min_body_px(W, H));
  for (int y = 0; y < H - band; y++) {
    if (y >= top && y <= bottom)
      continue;
    for (int x = 0; x < W; x += 2)
      assert_int_not_equal(pixel_rgb(s, x, y), 0xFFFFFF);
  }
  for (int y = top; y <= bottom; y++) {
    for (int x = 0; x < margin; x++)
      assert_int_not_equal(pixel_rgb(s, x, y), 0xFFFFFF);
    for (int x = W - margin; x < W; x++)
      assert_int_not_equal(pixel_rgb(s, x, y), 0xFFFFFF);
  }
  SDL_FreeSurface(s);
}

/* A surface whose channels are not in its low three bytes (RGBA) is
 * dimmed the same, one channel at a time. */
static void test_other_pixel_order_dimmed_alike(void **state)
{
  (void)state;
  SDL_Surface *x = page();
  SDL_Surface *r = SDL_ConvertSurfaceFormat(x, SDL_PIXELFORMAT_RGBA8888, 0);
  assert_non_null(r);
  const char *lines[] = {"USB stick: found 1 pack"};
  overlay_paint(fonts, x, lines, 1, 0, -1);
  overlay_paint(fonts, r, lines, 1, 0, -1);
  int margin = H * 45 / 1000, top, bottom;
  card_rows(x, W - margin - 2, &top, &bottom);
  assert_int_not_equal(pixel_rgb(r, W / 2, 10), PAGE_BG);
  /* Everything above the card: the dimmed page and the fade (the text on
   * the card is SDL_ttf's, blended its own way per format). */
  for (int y = 0; y < top; y++)
    for (int x0 = 0; x0 < W; x0 += 3)
      assert_int_equal(pixel_rgb(r, x0, y), pixel_rgb(x, x0, y));
  SDL_FreeSurface(r);
  SDL_FreeSurface(x);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_card_over_dimmed_page),
    cmocka_unit_test(test_long_line_wraps_inside_card),
    cmocka_unit_test(test_other_pixel_order_dimmed_alike),
};

KFONTS_MAIN(tests)
