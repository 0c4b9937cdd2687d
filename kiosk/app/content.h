/* content.h — what the kiosk has to show: the packs in the store (checked
 * at start, signatures and files) and any unpacked source folders, filtered
 * by the schedule (expiry against the time floor, the site's country and
 * languages), and the rotation built from them. */
#ifndef KIOSK_APP_CONTENT_H
#define KIOSK_APP_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/deck.h"
#include "core/err.h"

struct store;
struct sig_trust;

struct content_slot {
  size_t entry;     /* deck entry */
  size_t entry2;    /* side by side: the same page in a second language, else (size_t)-1 */
  int duration_s;
  int alert;
};

struct content {
  struct config cfg;
  struct deck *deck;
  struct store *store;       /* NULL without a store */
  struct sig_trust *trust;   /* NULL without a store */
  struct content_slot *slots;
  size_t n_slots;
  int clock_trusted;
};

/* Opens the store (when store_dir is not NULL: created if missing, checked
 * against its manifests and signatures, falling back where a file is
 * corrupt), reads the source folders, and builds the rotation. Problems
 * with one pack are logged and that pack is left out; the kiosk always
 * gets a content (maybe empty: then it shows the built-in page). Returns a
 * new content; free with content_free(). */
int content_open(const struct config *cfg, const char *store_dir, const char *trusted,
                 const char *const *pack_dirs, size_t n_pack_dirs, int64_t clock_now,
                 struct content **out, struct kerr *e);

/* Builds the deck and rotation again (after an install, or each hour as
 * packs expire and start). With recheck (after a keyring update) the
 * trusted keys are read again and every installed pack is checked against
 * them and its files — slow for big packs, so only then. On failure the
 * old rotation stays. */
int content_reload(struct content *c, int64_t clock_now, int recheck, struct kerr *e);

void content_free(struct content *c);

#endif
