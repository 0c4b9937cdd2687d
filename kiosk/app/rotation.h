/* rotation.h — moving through the rotation: where the kiosk stands (a slot
 * of the content and a part of its page), the slide after and before it
 * (in every language, or only in the one a viewer chose), the languages a
 * viewer can choose from, and where a pack's pages begin. Pure functions
 * of the content: no drawing, no clock. */
#ifndef KIOSK_APP_ROTATION_H
#define KIOSK_APP_ROTATION_H

#include <stddef.h>

#include "app/content.h"

/* Where the rotation stands: a slot of the content and a part of its page. */
struct rotation_pos {
  size_t slot;
  int part;
};

/* The deck entry of slot (taken modulo the slot count); (size_t)-1 when
 * the rotation is empty. */
size_t rotation_entry(const struct content *c, size_t slot);

/* How long slot stands, in ms: its own duration when the rotation sets
 * one, else page_ms (what the page itself asks for). */
int rotation_duration_ms(const struct content *c, size_t slot, int page_ms);

/* Whether slot shows a page in lang (every slot when lang is NULL or ""). */
int rotation_slot_in(const struct content *c, size_t slot, const char *lang);

/* The slide after p, whose page has n_parts parts: its next part, else the
 * next slot (in lang when one is chosen; when no slot is in lang, simply
 * the next slot). An empty rotation stays at {0, 0}. */
struct rotation_pos rotation_next(const struct content *c, struct rotation_pos p, int n_parts,
                                  const char *lang);

/* The slide before p: its previous part, else the previous slot (in lang
 * when one is chosen), at its first part. */
struct rotation_pos rotation_prev(const struct content *c, struct rotation_pos p, const char *lang);

/* The languages of the rotation in the order they first appear, at most
 * max of them, into out (pointers into the deck). Returns how many. */
size_t rotation_langs(const struct content *c, const char **out, size_t max);

/* The first slot showing a page of the installed pack pack_id, or 0 when
 * there is none (or pack_id is NULL or ""). */
size_t rotation_first_of_pack(const struct content *c, const char *pack_id);

#endif
