/* chooser.h — the language chooser a viewer opens with a tap: one large
 * button per language, each written in its own name and script, across
 * the top of the page. */
#ifndef KIOSK_RENDER_CHOOSER_H
#define KIOSK_RENDER_CHOOSER_H

#include <SDL.h>
#include <stddef.h>

#include "render/fonts.h"

#define CHOOSER_MAX 12

/* The language's name in itself ("Қазақша", "دری"); the tag if unknown. */
const char *chooser_endonym(const char *lang);

/* Paints the chooser over the top of page for langs[0..n) (at most
 * CHOOSER_MAX), highlighting selected (-1: none), and fills rects[i] with
 * each button for hit testing. Returns the number of buttons. */
size_t chooser_paint(struct fonts *f, SDL_Surface *page, const char *const *langs, size_t n,
                     int selected, SDL_Rect *rects);

/* Index of the button at (x, y), or -1. */
int chooser_hit(const SDL_Rect *rects, size_t n, int x, int y);

#endif
