/* decimal.h — whole numbers written as decimal digits, read one way
 * everywhere: dates in manifests and logs, versions in file names, in the
 * store and on kiosk-pack's command line. Each caller keeps its own rules
 * on length, leading zeros and range; this only turns digits into a
 * number, never overflowing. */
#ifndef KIOSK_CORE_DECIMAL_H
#define KIOSK_CORE_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* The most digits decimal_u64() reads: 19 always fit in 64 bits. */
#define DECIMAL_U64_MAX_DIGITS 19

/* Reads exactly the n bytes at s as the digits 0-9 into *out. Returns 0,
 * or -1 (leaving *out) when n is 0 or above DECIMAL_U64_MAX_DIGITS, or
 * any byte is not a digit (no sign, no spaces). */
int decimal_u64(const char *s, size_t n, uint64_t *out);

#endif
