/* grow.h — arrays and buffers that grow by doubling, one way everywhere.
 *
 * Every list the kiosk and kiosk-pack build up (pieces of text, boxes of
 * a page, findings, files of a pack) and every text written in pieces
 * (a keyring document, a stick's README) grows the same way: twice the
 * room when full, starting from a size that fits the usual case. */
#ifndef KIOSK_CORE_GROW_H
#define KIOSK_CORE_GROW_H

#include <stddef.h>

/* Makes room for at least need (>= 1) elements of elem bytes in the array
 * v, which has room for *cap: when it has not, doubles *cap (from first
 * when it is 0) until need fits and reallocates. Returns the array — v
 * itself when it had room — or NULL when out of memory or when the size
 * would not fit in a size_t; v is then unchanged and still the caller's.
 * Use as: p = grow_array(a->v, a->n + 1, &a->cap, sizeof *p, 16);
 * if (!p) fail; a->v = p; */
void *grow_array(void *v, size_t need, size_t *cap, size_t elem, size_t first);

/* A text that grows as it is written. Start from {0}; s is the text, NUL
 * terminated, once anything was added (NULL before), len its length; the
 * caller frees s. When memory runs out, failed is set and later calls do
 * nothing, so a writer checks once at the end. */
struct grow_text {
  char *s;
  size_t len, cap;
  int failed;
};

/* Adds printf(fmt, ...) to the end of t. */
void grow_printf(struct grow_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
