/* screen.h — where pages end up: a fullscreen or windowed display (SDL's
 * renderer on a GPU, the window surface otherwise), or, headless, nowhere
 * but the PNGs the caller writes. Transitions between two painted pages
 * run here, frame by frame; nothing else draws every frame. */
#ifndef KIOSK_APP_SCREEN_H
#define KIOSK_APP_SCREEN_H

#include <SDL.h>

#include "app/opts.h"
#include "core/err.h"

struct screen;

enum screen_transition { SCREEN_CUT, SCREEN_CROSSFADE, SCREEN_SLIDE };

/* Frame times of the transitions run so far (for the benchmark). */
struct screen_stats {
  unsigned transitions;
  double wall_ms; /* time the transitions lasted */
  unsigned frames;
  double total_ms;       /* time spent drawing their frames */
  double frame_ms[4096]; /* the most recent frames' durations */
};

/* Opens the display the options ask for. Returns a new screen; free with
 * screen_close(). */
int screen_open(const struct opts *o, struct screen **out, struct kerr *e);
void screen_close(struct screen *s);

/* Current size in pixels (changes when a window is resized). */
void screen_size(const struct screen *s, int *w, int *h);
int screen_headless(const struct screen *s);

/* Shows page (same size as the screen) at once. The screen keeps a
 * reference to it for screen_refresh() until the next show. */
int screen_show(struct screen *s, SDL_Surface *page, struct kerr *e);

/* Shows page again (after an expose, or after its band was repainted).
 * rect limits the update (NULL: all). */
void screen_refresh(struct screen *s, const SDL_Rect *rect);

/* Moves from the page on screen to next over duration_ms, at the display's
 * pace (60 frames a second without vsync), then shows next. A cut or a
 * headless screen just shows next. */
int screen_transition(struct screen *s, SDL_Surface *next, enum screen_transition kind,
                      int duration_ms, struct kerr *e);

/* Night: pages are shown at level/256 brightness (256 = normal). */
void screen_set_dim(struct screen *s, int level);

const struct screen_stats *screen_stats(const struct screen *s);

#endif
