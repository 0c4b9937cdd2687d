/* content.h — what the kiosk has to show: the packs in the store (a quick
 * check at start: signatures, and each file's size and times against the
 * seal of its last full check; full checks run in the background) and any unpacked source folders, filtered
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
  size_t entry;  /* deck entry */
  size_t entry2; /* side by side: the same page in a second language, else (size_t)-1 */
  int duration_s;
  int alert;
};

struct content {
  struct config cfg;
  struct deck *deck;
  struct store *store;     /* NULL without a store */
  struct sig_trust *trust; /* NULL without a store */
  struct content_slot *slots;
  size_t n_slots;
  int clock_trusted;
  /* Not empty when the keys to check installed packs with could not be
   * loaded (damaged keyring state, no usable trusted key, no signing key
   * left): then no installed pack is shown (fail closed), and this says
   * for staff what is wrong and what to bring. */
  char trust_problem[1536];
};

/* Opens the store (when store_dir is not NULL: created if missing, quickly
 * checked against its manifests, signatures and seals, falling back where
 * a file is certainly damaged), reads the source folders, and builds the rotation. Problems
 * with one pack are logged and that pack is left out; the kiosk always
 * gets a content (maybe empty: then it shows the built-in page). Returns a
 * new content; free with content_free(). */
int content_open(const struct config *cfg, const char *store_dir, const char *trusted,
                 const char *const *pack_dirs, size_t n_pack_dirs, int64_t clock_now,
                 struct content **out, struct kerr *e);

/* Builds the deck and rotation again (after an install, or each hour as
 * packs expire and start, or when the background check found damage). With
 * recheck (after a keyring update) the trusted keys are read again (when
 * that fails, no installed pack is shown; see trust_problem) and every
 * installed pack's signature is checked against them at once (quick);
 * their files are marked to be read again by the background check. On
 * failure the old rotation stays. */
int content_reload(struct content *c, int64_t clock_now, int recheck, struct kerr *e);

/* Starts the background check of the store (see core/scrub.h): call it
 * once the first page is on screen. changed is called on the check's
 * thread when a pack fell back or left the rotation (it must only wake the
 * display thread, which then calls content_reload()). A content without a
 * store has nothing to check: 0. */
int content_start_check(struct content *c, uint64_t period_ms, void (*changed)(void *ctx),
                        void *ctx, struct kerr *e);

/* Pauses the background check (on) or lets it go on (off); cheap, never
 * waits on the disk. For the display thread around transitions. */
void content_hold_check(struct content *c, int on);

void content_free(struct content *c);

#endif
