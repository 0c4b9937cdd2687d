/* scrub.h — the background check of the pack store.
 *
 * One low-priority thread reads installed packs back and hashes them
 * against their signed lists, so that the kiosk never does it before its
 * first page or on the display thread. It first takes the versions the
 * quick check at start (or a keyring update) marked to re-check, as fast
 * as a nice-19, idle-I/O thread gets to go; then it goes round the whole
 * store so that every installed version is read in full at least once per
 * period (SD-card rot changes bytes without changing sizes or times), at a
 * gentle rate. While the display thread holds it (during a transition) it
 * pauses between chunks. A damaged version falls back as store.h says; the
 * changed callback then tells the kiosk to rebuild its rotation. */
#ifndef KIOSK_CORE_SCRUB_H
#define KIOSK_CORE_SCRUB_H

#include <stdint.h>

#include "core/err.h"

struct store;
struct scrub;

/* The slowest a routine pass reads, whatever the period: a small store is
 * still read through within minutes, not spread over a week. */
#define SCRUB_MIN_RATE_BYTES_S (UINT64_C(1) << 20)

struct scrub_params {
  struct store *store; /* shared; must outlive the scrub */
  uint64_t period_ms;  /* each version is read in full at least this often */
  /* Called on the scrub thread when a pack fell back or has nothing left
   * to show (may be NULL). Must not block. */
  void (*changed)(void *ctx);
  void *ctx;
};

/* Starts the thread. Returns a new scrub; stop and free it with
 * scrub_stop(). */
int scrub_start(const struct scrub_params *p, struct scrub **out, struct kerr *e);

/* Pauses the reading (on != 0) until released (on == 0): the display
 * thread holds it while a transition draws. Never waits on the disk. */
void scrub_hold(struct scrub *sc, int on);

/* Looks at the store again now (after versions were marked to re-check). */
void scrub_wake(struct scrub *sc);

/* Stops the thread (a check in progress stops at its next chunk and
 * changes nothing) and frees sc. Accepts NULL. */
void scrub_stop(struct scrub *sc);

#endif
