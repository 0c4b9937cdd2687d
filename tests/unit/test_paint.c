/* Unit tests for render/paint and render/images: boxes become the right
 * pixels, images are scaled to exactly the box, QR codes are drawn. */
#include "ktest.h"
#include "kpixel.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <string.h>

#include "render/images.h"
#include "render/paint.h"

#define SAMPLE_IMAGE                                                                               \
  KIOSK_TEST_SOURCE_DIR "/content-packs/bulletin-2020-07/media/returning-home.jpg"

static int setup(void **state)
{
  (void)state;
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  return TTF_Init();
}

static int teardown(void **state)
{
  (void)state;
  images_flush();
  IMG_Quit();
  TTF_Quit();
  return 0;
}

static void test_fill_boxes_in_order(void **state)
{
  (void)state;
  struct box boxes[2];
  memset(boxes, 0, sizeof boxes);
  boxes[0] = (struct box){
      .kind = BOX_FILL, .r = {0, 0, 100, 50}, .color = {255, 255, 255, 255}, .block = -1};
  boxes[1] = (struct box){
      .kind = BOX_FILL, .r = {10, 10, 20, 20}, .color = {0x0B, 0x2A, 0x4A, 255}, .block = 0};
  struct layout l = {.w = 100, .h = 50, .boxes = boxes, .n_boxes = 2};
  SDL_Surface *s;
  int failed;
  struct kerr e;
  assert_int_equal(paint_layout(&l, &s, &failed, &e), 0);
  assert_int_equal(failed, 0);
  assert_int_equal(s->w, 100);
  assert_int_equal(s->h, 50);
  assert_int_equal(s->format->format, SDL_PIXELFORMAT_XRGB8888);
  assert_int_equal(pixel_rgb(s, 5, 5), 0xFFFFFF);
  assert_int_equal(pixel_rgb(s, 15, 15), 0x0B2A4A);
  assert_int_equal(pixel_rgb(s, 30, 30), 0xFFFFFF); /* right/bottom edge exclusive */
  SDL_FreeSurface(s);
}

static void test_missing_image_counted_rest_drawn(void **state)
{
  (void)state;
  struct box boxes[2];
  memset(boxes, 0, sizeof boxes);
  boxes[0] =
      (struct box){.kind = BOX_FILL, .r = {0, 0, 64, 64}, .color = {200, 0, 0, 255}, .block = -1};
  boxes[1] =
      (struct box){.kind = BOX_IMAGE, .r = {0, 0, 32, 32}, .path = "/nonexistent.jpg", .block = 0};
  struct layout l = {.w = 64, .h = 64, .boxes = boxes, .n_boxes = 2};
  SDL_Surface *s;
  int failed;
  struct kerr e;
  assert_int_equal(paint_layout(&l, &s, &failed, &e), 0);
  assert_int_equal(failed, 1);
  assert_int_equal(pixel_rgb(s, 10, 10), 0xC80000);
  SDL_FreeSurface(s);
}

static void test_image_scaled_to_box(void **state)
{
  (void)state;
  int w, h;
  struct kerr e;
  assert_int_equal(images_size(SAMPLE_IMAGE, &w, &h, &e), 0);
  assert_int_equal(w, 1200);
  assert_int_equal(h, 900);
  SDL_Surface *s;
  /* Cover: fills the box, no transparent bars. */
  assert_int_equal(images_load_scaled(SAMPLE_IMAGE, 400, 100, 1, &s, &e), 0);
  assert_int_equal(s->w, 400);
  assert_int_equal(s->h, 100);
  Uint32 corner;
  memcpy(&corner, s->pixels, 4);
  assert_int_equal(corner >> 24, 0xFF);
  SDL_FreeSurface(s);
  /* Contain: bars left and right are transparent. */
  assert_int_equal(images_load_scaled(SAMPLE_IMAGE, 400, 100, 0, &s, &e), 0);
  memcpy(&corner, s->pixels, 4);
  assert_int_equal(corner >> 24, 0);
  Uint32 mid;
  memcpy(&mid, (Uint8 *)s->pixels + 50 * s->pitch + 200 * 4, 4);
  assert_int_equal(mid >> 24, 0xFF);
  SDL_FreeSurface(s);
}

static void test_unreadable_image_message(void **state)
{
  (void)state;
  int w, h;
  struct kerr e;
  assert_int_equal(images_size("/nonexistent/x.jpg", &w, &h, &e), KERR_PAGE);
  assert_non_null(strstr(e.msg, "/nonexistent/x.jpg: cannot read image"));
}

static void test_qr_drawn_with_quiet_zone(void **state)
{
  (void)state;
  struct box boxes[2];
  memset(boxes, 0, sizeof boxes);
  boxes[0] = (struct box){
      .kind = BOX_FILL, .r = {0, 0, 300, 300}, .color = {128, 128, 128, 255}, .block = -1};
  boxes[1] = (struct box){.kind = BOX_QR,
                          .r = {0, 0, 300, 300},
                          .color = {0, 0, 0, 255},
                          .text = "https://caa-network.org/archives/19520",
                          .block = 0};
  struct layout l = {.w = 300, .h = 300, .boxes = boxes, .n_boxes = 2};
  SDL_Surface *s;
  int failed;
  struct kerr e;
  assert_int_equal(paint_layout(&l, &s, &failed, &e), 0);
  assert_int_equal(failed, 0);
  long black = 0, white = 0;
  for (int y = 0; y < 300; y++)
    for (int x = 0; x < 300; x++) {
      Uint32 p = pixel_rgb(s, x, y);
      black += p == 0;
      white += p == 0xFFFFFF;
    }
  assert_true(black > 300 * 300 / 5);
  assert_true(white > 300 * 300 / 5);
  /* The code is a centred square with a white quiet zone: along the middle
   * row, the first non-grey pixel from the left is white. */
  int x = 0;
  while (x < 300 && pixel_rgb(s, x, 150) == 0x808080)
    x++;
  assert_true(x < 150);
  assert_int_equal(pixel_rgb(s, x, 150), 0xFFFFFF);
  SDL_FreeSurface(s);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fill_boxes_in_order),
    cmocka_unit_test(test_missing_image_counted_rest_drawn),
    cmocka_unit_test(test_image_scaled_to_box),
    cmocka_unit_test(test_unreadable_image_message),
    cmocka_unit_test(test_qr_drawn_with_quiet_zone),
};

int main(int argc, char **argv)
{
  if (argc > 1)
    cmocka_set_test_filter(argv[1]);
  return cmocka_run_group_tests(tests, setup, teardown);
}
