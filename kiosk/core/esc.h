/* esc.h — making names from outside safe to show.
 *
 * A file name on a stick, a mount point from the mount table or a name in
 * an archive is chosen by whoever made the stick. Before such a name
 * reaches the log, the status file on the stick or the screen it goes
 * through esc_name(), so that it cannot start a new log line, move the
 * cursor, reorder the text around it (bidi controls) or carry bytes that
 * are not UTF-8. The result is still readable: "news-3.kpack",
 * "Отчёт.kpack" and "پوشه" come out unchanged. */
#ifndef KIOSK_CORE_ESC_H
#define KIOSK_CORE_ESC_H

#include <stddef.h>

/* The longest escape one input byte or character can become ("\u{202E}"),
 * so a buffer of ESC_MAX_GROWTH * n + 1 bytes always holds n input bytes. */
#define ESC_MAX_GROWTH 8

/* Copies raw into out (cap bytes, cap >= 8) with every byte that is not
 * part of printable UTF-8 written as an escape:
 *   "\\" for a backslash, "\n" "\r" "\t" for those controls, "\xNN" for any
 *   other control character (U+0000..U+001F, U+007F) and for each byte that
 *   is not valid UTF-8 (overlong forms, surrogates, stray continuation
 *   bytes, above U+10FFFF), "\u{XXXX}" for C1 controls (U+0080..U+009F),
 *   bidi controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069)
 *   and the line and paragraph separators (U+2028, U+2029).
 * A name that does not fit is cut at a character boundary and ends with
 * "..."; an escape is never cut in half. raw NULL gives "(none)". Returns
 * out. */
char *esc_name(const char *raw, char *out, size_t cap);

/* As esc_name(), for a whole line of text that may already hold escaped
 * names: backslashes are kept as they are, everything else as above. The
 * log uses it on every line, so no caller can split a log line. */
char *esc_line(const char *raw, char *out, size_t cap);

#endif
