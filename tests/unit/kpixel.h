/* kpixel.h — reading back what was painted, for unit tests that draw. */
#ifndef KIOSK_TESTS_KPIXEL_H
#define KIOSK_TESTS_KPIXEL_H

#include <SDL.h>
#include <string.h>

/* The colour at (x, y) of a 32-bit surface, as 0xRRGGBB. */
static inline Uint32 pixel_rgb(SDL_Surface *s, int x, int y)
{
  Uint32 v;
  memcpy(&v, (Uint8 *)s->pixels + y * s->pitch + x * 4, 4);
  Uint8 r, g, b;
  SDL_GetRGB(v, s->format, &r, &g, &b);
  return ((Uint32)r << 16) | ((Uint32)g << 8) | b;
}

#endif
