/* deck.h — the list of pages to show, in order: every page of every pack,
 * each in each of its languages in turn. */
#ifndef KIOSK_CORE_DECK_H
#define KIOSK_CORE_DECK_H

#include <stddef.h>

#include "core/err.h"

struct deck_entry {
  char *pack_id; /* the pack's id and version, for the play log */
  unsigned long long version;
  int has_accent;
  unsigned accent; /* 0xRRGGBB: the pack's accent colour */
  char *root;      /* the pack's folder */
  char *page;      /* page file relative to root: pages/<name>.<lang>.md */
  char *name;      /* page name */
  char *lang;
  char *title; /* the pack's title in lang */
  int pack;    /* index of the pack in the deck */
  int index;   /* position of the page within its pack, from 0 */
  int n_pages; /* pages in its pack */
};

struct deck;

/* A hotline for the band at the bottom of the screen, from a pack's
 * optional "band" list: {"country": "KZ", "number": "11616",
 * "label": {"en": "Hotline", "ru": "Горячая линия"}}. */
struct deck_hotline {
  char country[3];
  char *number;
  char **langs;  /* label languages */
  char **labels; /* label texts */
  size_t n_labels;
};

/* Returns a new, empty deck; free with deck_free(). NULL when out of memory. */
struct deck *deck_new(void);
void deck_free(struct deck *d);

/* Adds the pages of an unpacked pack source folder (its pack.json read in
 * source mode), each page in each language in turn. On error nothing is
 * added and e names the file. */
int deck_add_dir(struct deck *d, const char *dir, struct kerr *e);

struct manifest;

/* Reads and checks the pack.json of a source folder. Returns a new
 * manifest (free with manifest_free()), or a KERR code with e naming the
 * folder. */
int deck_read_source(const char *dir, struct manifest **out, struct kerr *e);

/* Adds the pages of a pack whose manifest is m and whose files are under
 * dir (an installed pack in the store, or a source folder). */
int deck_add_manifest(struct deck *d, const char *dir, const struct manifest *m, struct kerr *e);

size_t deck_count(const struct deck *d);

/* Hotlines for the band: those for country (all when country is NULL or
 * empty), in the order the packs give them, at most max. */
size_t deck_band(const struct deck *d, const char *country, const struct deck_hotline **out,
                 size_t max);

/* A hotline's label in lang, else in English, else the first; "" if none. */
const char *deck_hotline_label(const struct deck_hotline *h, const char *lang);
const struct deck_entry *deck_get(const struct deck *d, size_t i);

#endif
