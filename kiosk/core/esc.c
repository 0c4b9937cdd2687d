/* esc.c — escaping names from sticks, mount tables and archives.
 *
 * Promises that the output holds only printable, valid UTF-8 with no line
 * breaks and no characters that change the direction of the text around
 * them, that it always ends with a NUL within the given size, and that
 * every byte of the input is either copied or escaped (so two different
 * names never look the same, except where cut with "..."). */
#include "core/esc.h"
#include "core/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int hides_text(uint32_t cp)
{
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
      (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
      cp == 0x2029;
}

/* Writes into tmp the escape of v: a backslash, 'x' and two hex digits,
 * or (wide) a backslash, "u{", four hex digits and "}" — as snprintf would,
 * without its cost on a name that is all bytes to escape. Returns the
 * length. */
static size_t hex_escape(char *tmp, uint32_t v, int wide)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  tmp[o++] = '\\';
  if (wide) {
    tmp[o++] = 'u';
    tmp[o++] = '{';
    for (int sh = 12; sh >= 0; sh -= 4)
      tmp[o++] = hex[(v >> sh) & 0xF];
    tmp[o++] = '}';
  } else {
    tmp[o++] = 'x';
    tmp[o++] = hex[(v >> 4) & 0xF];
    tmp[o++] = hex[v & 0xF];
  }
  tmp[o] = '\0';
  return o;
}

/* The escaped form of the character at s (n bytes left) into tmp (16
 * bytes): its length in *tl; returns the input bytes it takes. */
static size_t piece(const unsigned char *s, size_t n, int backslash, char *tmp, size_t *tl)
{
  uint32_t cp = 0;
  size_t k = utf8_decode(s, n, &cp);
  if (k == 0) {
    *tl = hex_escape(tmp, s[0], 0);
    return 1;
  }
  if (cp == '\\' && backslash)
    *tl = 2, memcpy(tmp, "\\\\", 2);
  else if (cp == '\n')
    *tl = 2, memcpy(tmp, "\\n", 2);
  else if (cp == '\r')
    *tl = 2, memcpy(tmp, "\\r", 2);
  else if (cp == '\t')
    *tl = 2, memcpy(tmp, "\\t", 2);
  else if (cp < 0x20 || cp == 0x7F)
    *tl = hex_escape(tmp, cp, 0);
  else if (hides_text(cp))
    *tl = hex_escape(tmp, cp, 1);
  else
    *tl = k, memcpy(tmp, s, k);
  return k;
}

static char *escape(const char *raw, char *out, size_t cap, int backslash)
{
  if (cap == 0)
    return out;
  if (!raw) {
    snprintf(out, cap, "(none)");
    return out;
  }
  const unsigned char *s = (const unsigned char *)raw;
  size_t n = strlen(raw), i = 0, o = 0, total = 0;
  char tmp[16];
  size_t tl;
  /* Whether it all fits; if not, room is kept for "..." and the NUL. */
  while (i < n && total < cap) {
    i += piece(s + i, n - i, backslash, tmp, &tl);
    total += tl;
  }
  size_t limit = total < cap ? cap - 1 : cap > 4 ? cap - 4 : 0;
  i = 0;
  while (i < n) {
    size_t k = piece(s + i, n - i, backslash, tmp, &tl);
    if (o + tl > limit)
      break;
    memcpy(out + o, tmp, tl);
    o += tl;
    i += k;
  }
  if (i < n) {
    size_t dots = cap - 1 - o < 3 ? cap - 1 - o : 3;
    memcpy(out + o, "...", dots);
    o += dots;
  }
  out[o] = '\0';
  return out;
}

char *esc_name(const char *raw, char *out, size_t cap)
{
  return escape(raw, out, cap, 1);
}

char *esc_line(const char *raw, char *out, size_t cap)
{
  return escape(raw, out, cap, 0);
}
