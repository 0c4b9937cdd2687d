/* band.h — the band along the bottom of every page: the hotlines for the
 * site's country, the time, and where the viewer is in the rotation. It
 * is painted onto a page that is already drawn, so the clock can change
 * each minute without laying the page out again. */
#ifndef KIOSK_RENDER_BAND_H
#define KIOSK_RENDER_BAND_H

#include <SDL.h>
#include <stddef.h>

#include "render/fonts.h"

struct band_hotline {
  const char *label;  /* e.g. "Hotline · Kazakhstan", in the language on screen */
  const char *number; /* e.g. "11616" */
};

struct band_input {
  const struct band_hotline *hotlines;
  size_t n_hotlines;
  const char *clock;    /* "14:05", or NULL when the clock is not trusted */
  const char *position; /* "3 / 8", "3 / 8 · 1/2" */
  const char *lang;     /* language on screen (right-to-left mirrors the band) */
  int shift_x;          /* burn-in shift of the band's content, pixels */
};

/* Paints the band into the bottom layout_band_height() pixels of page.
 * Hotlines that do not fit are left out (the first ones are kept); the
 * number is never shrunk below legibility nor cut. Returns how many
 * hotlines were shown. */
int band_paint(struct fonts *f, SDL_Surface *page, const struct band_input *in);

#endif
