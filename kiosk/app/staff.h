/* staff.h — the staff card: what the screen says to field staff over the
 * pages during a visit (the last few things that happened, newest last,
 * each in the site's language and in English), fed by the install
 * thread's messages. */
#ifndef KIOSK_APP_STAFF_H
#define KIOSK_APP_STAFF_H

#include <stdint.h>

#include <SDL.h>

#include "app/field.h"
#include "app/screen.h"
#include "render/fonts.h"

#define STAFF_LINES 3

struct staff {
  int active;
  char lines[STAFF_LINES][2][512];
  int n;
  int last_is_progress;
  int progress;
  uint64_t until_ms; /* when a finished visit's card goes away */
  int reload;        /* packs were installed: rebuild the rotation */
  int recheck;       /* keys changed: check every installed pack again */
  char first_id[72]; /* the first pack installed: shown next */
  SDL_Surface *surf; /* the page with the card on it */
  int n_saved;       /* screenshots of the card written so far */
  uint64_t progress_saved_ms;
};

/* Takes the install thread's messages (fl may be NULL) into st. Returns 1
 * if the card changed. A finished visit's card stays 15 s; a visit in
 * progress stays until it finishes (or a minute of silence). */
int staff_take_messages(struct field *fl, struct staff *st);

/* Shows page with the card on it (or the page alone when no visit is on).
 * With shots (a folder), each card is saved too, as shots/staff-NNN.png —
 * a card with a progress bar at most every 5 s. */
void staff_show(struct staff *st, struct screen *scr, struct fonts *f, SDL_Surface *page,
                const char *shots);

/* Frees what st holds; st can be used again. */
void staff_clear(struct staff *st);

#endif
