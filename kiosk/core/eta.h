/* eta.h — how far a long copy has gone: bytes done, rate and time left,
 * for the staff card and kiosk-pack's progress line. The rate is the
 * average since the start, which steadies quickly and does not jump with
 * each chunk; nothing is estimated until a second has passed. */
#ifndef KIOSK_CORE_ETA_H
#define KIOSK_CORE_ETA_H

#include <stddef.h>
#include <stdint.h>

/* Below this many bytes a copy is over too soon for a rate to mean
 * anything: eta_format() then gives only the bytes. */
#define ETA_BIG_BYTES (UINT64_C(32) << 20)

struct eta {
  uint64_t start_ms;
};

/* Starts timing at now_ms (a monotonic clock in milliseconds). */
void eta_start(struct eta *t, uint64_t now_ms);

/* Bytes per second so far, 0 while not yet known. */
double eta_rate(const struct eta *t, uint64_t done, uint64_t now_ms);

/* Seconds left at the rate so far, -1 while not yet known. */
long eta_left_s(const struct eta *t, uint64_t done, uint64_t total, uint64_t now_ms);

/* Writes the progress in words, "120.0 of 512.0 MB, 38.2 MB/s, 11 s left"
 * (words = 1), or in the compact form every language can read,
 * "120.0/512.0 MB · 38.2 MB/s · 0:11" (words = 0); just the bytes while
 * the rate is not known or total is below ETA_BIG_BYTES. */
void eta_format(const struct eta *t, uint64_t done, uint64_t total, uint64_t now_ms, int words,
                char *buf, size_t cap);

#endif
