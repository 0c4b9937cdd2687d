/* kfonts.h — the kiosk's fonts for unit tests that lay out or draw text.
 *
 * KFONTS_MAIN(tests) runs the tests (the one named on the command line,
 * or all) with SDL_image and SDL_ttf started and the kiosk's fonts open in
 * `fonts` for the whole group, and everything closed again afterwards. */
#ifndef KIOSK_TESTS_KFONTS_H
#define KIOSK_TESTS_KFONTS_H

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "ktest.h"
#include "render/fonts.h"

static struct fonts *fonts;

static int kfonts_setup(void **state)
{
  (void)state;
  struct kerr e;
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  if (TTF_Init() != 0)
    return -1;
  return fonts_open(NULL, &fonts, &e) == 0 ? 0 : -1;
}

static int kfonts_teardown(void **state)
{
  (void)state;
  fonts_close(fonts);
  IMG_Quit();
  TTF_Quit();
  return 0;
}

#define KFONTS_MAIN(tests) KTEST_MAIN_GROUP(tests, kfonts_setup, kfonts_teardown)

#endif
