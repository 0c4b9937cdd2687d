/* player.h — renders the slides of the rotation: every deck entry, split
 * into its continuation parts, painted ahead of time. */
#ifndef KIOSK_RENDER_PLAYER_H
#define KIOSK_RENDER_PLAYER_H

#include <SDL.h>
#include <stddef.h>

#include "core/deck.h"
#include "render/fonts.h"

struct slide {
  size_t entry; /* deck entry; (size_t)-1 for the built-in page */
  int part, n_parts;
  int duration_ms;
  int problems;      /* layout and page problems met */
  SDL_Surface *surf; /* owned; free with slide_clear() */
};

struct player;

/* The player keeps pointers to deck and fonts; both must outlive it.
 * Returns a new player; free with player_free(). */
struct player *player_new(const struct deck *d, struct fonts *f);
void player_free(struct player *p);

/* Paints the slide (entry, part) at w×h into out. A page that cannot be
 * read or drawn is reported (KERR_PAGE, e says why) and out is empty. With
 * an empty deck, paints the built-in page. */
int player_render(struct player *p, size_t entry, int part, int w, int h, struct slide *out,
                  struct kerr *e);

/* The same page in two languages side by side (entry and entry2), with
 * one band, when the screen is wide enough (player_pair_fits()); else
 * just entry. */
int player_render_pair(struct player *p, size_t entry, size_t entry2, int part, int w, int h,
                       struct slide *out, struct kerr *e);
int player_pair_fits(int w, int h);

void slide_clear(struct slide *s);

/* Where the kiosk stands: the site's country picks the band's hotlines
 * (NULL or "" = every pack's), offset_s turns UTC into local time for the
 * clock, and the clock is hidden while it is not trusted. */
void player_set_site(struct player *p, const char *country, int offset_s);
void player_set_clock_trusted(struct player *p, int trusted);

/* Hotlines from the configuration: shown in the band when no pack gives
 * one for the site, and on the built-in page. The array is borrowed. */
struct config_hotline;
void player_set_fallback_hotlines(struct player *p, const struct config_hotline *h, size_t n);
/* A note for staff the built-in page shows instead of "no content is
 * installed yet" (why nothing is shown, what to bring); NULL or "" for
 * none. Copied. */
void player_set_notice(struct player *p, const char *text);

/* Paints the band of s again (the clock moved on). */
void player_refresh_band(struct player *p, struct slide *s, int shift_x);

/* Total problems reported so far (for --strict). */
int player_problems(const struct player *p);

#endif
