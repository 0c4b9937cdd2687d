/* utf8.h — reading and writing UTF-8, one way everywhere: the manifest,
 * page text, names from sticks, lint and the translators' files all
 * decode with these. */
#ifndef KIOSK_CORE_UTF8_H
#define KIOSK_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the character at s (n bytes left) strictly: returns its length
 * (1 to 4) with the code point in *cp, or 0 when the bytes there are not
 * well-formed UTF-8 (a stray continuation byte, a cut sequence, an
 * overlong form, a surrogate, a value above U+10FFFF) or n is 0. */
size_t utf8_decode(const void *s, size_t n, uint32_t *cp);

/* As utf8_decode(), for text that must go on whatever it holds: a byte
 * that does not start a well-formed character gives U+FFFD and a length
 * of 1. n must be at least 1. */
size_t utf8_next(const void *s, size_t n, uint32_t *cp);

/* Whether all n bytes of s are well-formed UTF-8. */
int utf8_valid(const char *s, size_t n);

/* Whether the string s is text to keep and show: well-formed UTF-8 with
 * no control characters (C0, DEL or C1). */
int utf8_text_ok(const char *s);

/* Writes cp (at most U+10FFFF) as UTF-8 into out (4 bytes; no NUL).
 * Returns how many bytes it wrote. */
size_t utf8_encode(uint32_t cp, char *out);

#endif
