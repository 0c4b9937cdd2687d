/* err.h — one table of error codes for the whole kiosk.
 *
 * Library calls return 0 or a negative KERR_* code. Where a person will read
 * the failure, the call also fills a struct kerr with a sentence that names
 * the file, what is wrong and what to do. */
#ifndef KIOSK_CORE_ERR_H
#define KIOSK_CORE_ERR_H

#include <stddef.h>

/* XX(name, number, sentence) */
#define KERR_MAP(XX)                                                                               \
  XX(NOMEM, -1, "out of memory")                                                                   \
  XX(IO, -2, "could not read or write a file")                                                     \
  XX(NOENT, -3, "file or folder not found")                                                        \
  XX(INVAL, -4, "invalid input")                                                                   \
  XX(USAGE, -5, "wrong command-line usage")                                                        \
  XX(CONFIG, -6, "invalid configuration")                                                          \
  XX(PARSE, -7, "could not parse the file")                                                        \
  XX(TOOBIG, -8, "file is too big")                                                                \
  XX(FORMAT, -9, "not a kiosk pack (unsupported format)")                                          \
  XX(SIG, -10, "signature is missing or malformed")                                                \
  XX(UNTRUSTED, -11, "not signed by a trusted key")                                                \
  XX(BADSIG, -12, "signature does not match (pack was changed)")                                   \
  XX(MANIFEST, -13, "manifest is malformed")                                                       \
  XX(MEMBER, -14, "pack contents do not match the manifest")                                       \
  XX(HASH, -15, "file contents do not match the manifest")                                         \
  XX(PATH, -16, "unsafe file name in pack")                                                        \
  XX(TYPE, -17, "unsupported entry type in pack")                                                  \
  XX(LIMIT, -18, "pack exceeds a safety limit")                                                    \
  XX(NOSPACE, -19, "not enough free space")                                                        \
  XX(OLDER, -20, "pack is not newer than the installed one")                                       \
  XX(SAME, -21, "already installed")                                                               \
  XX(EXPIRED, -22, "pack has expired")                                                             \
  XX(REVOKED, -23, "signing key has been revoked")                                                 \
  XX(STORE, -24, "the pack store is damaged")                                                      \
  XX(CORRUPT, -25, "installed file is corrupt")                                                    \
  XX(TRUNCATED, -26, "file is truncated")                                                          \
  XX(PASSPHRASE, -27, "wrong passphrase")                                                          \
  XX(FONT, -28, "font problem")                                                                    \
  XX(RENDER, -29, "could not draw the page")                                                       \
  XX(DISPLAY, -30, "could not open the display")                                                   \
  XX(PAGE, -31, "page problem")

enum kerr_code {
  KERR_OK = 0,
#define KERR_ENUM(name, num, text) KERR_##name = (num),
  KERR_MAP(KERR_ENUM)
#undef KERR_ENUM
};

/* An error with its context, written for the person who will read it. */
struct kerr {
  int code;
  char msg[1024];
};

/* Records code and a formatted message in e (which may be NULL) and returns
 * code, so callers can write `return kerr_set(e, KERR_IO, "...", ...);`. */
int kerr_set(struct kerr *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like kerr_set but appends strerror(errnum) to the message. */
int kerr_errno(struct kerr *e, int code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prefixes the message already in e with "prefix: ". */
void kerr_prefix(struct kerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void kerr_clear(struct kerr *e);

/* Short name for logs ("UNTRUSTED"), and a sentence for people. Unknown codes
 * give "UNKNOWN" and "unknown error". */
const char *kerr_name(int code);
const char *kerr_str(int code);

#endif
