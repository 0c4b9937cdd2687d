/* screen.h — where pages end up: a fullscreen or windowed SDL renderer, or
 * (headless) nothing but an optional PNG of each page. */
#ifndef KIOSK_APP_SCREEN_H
#define KIOSK_APP_SCREEN_H

#include <SDL.h>

#include "app/opts.h"
#include "core/err.h"

struct screen;

/* Opens the display the options ask for. Returns a new screen; free with
 * screen_close(). */
int screen_open(const struct opts *o, struct screen **out, struct kerr *e);
void screen_close(struct screen *s);

/* Current size in pixels (changes when a window is resized). */
void screen_size(const struct screen *s, int *w, int *h);

int screen_headless(const struct screen *s);

/* Shows page (same size as the screen). Keeps a texture of it so
 * screen_refresh() can redraw after an expose without repainting. */
int screen_show(struct screen *s, SDL_Surface *page, struct kerr *e);
void screen_refresh(struct screen *s);

#endif
