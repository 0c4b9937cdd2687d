/* paint.h — draws a layout's boxes into pixels. */
#ifndef KIOSK_RENDER_PAINT_H
#define KIOSK_RENDER_PAINT_H

#include <SDL.h>

#include "render/layout.h"

/* Returns a new opaque XRGB8888 surface of the layout's size (free with
 * SDL_FreeSurface()). A box that cannot be drawn (an unreadable image) is
 * left out and counted in *failed (may be NULL); the rest is drawn. */
int paint_layout(const struct layout *l, SDL_Surface **out, int *failed, struct kerr *e);

/* Draws n boxes onto s (any 32-bit surface), in order. Boxes that cannot
 * be drawn are added to *failed (may be NULL). */
int paint_boxes(struct fonts *f, SDL_Surface *s, const struct box *boxes, size_t n, int *failed);

#endif
