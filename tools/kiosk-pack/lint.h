/* lint.h — checks a pack source folder the way a careful reviewer would,
 * before anything is signed: pack.json, every page in every language, the
 * characters the kiosk's fonts can draw, how each page lays out at every
 * screen size, the pictures in media/, the validity window and whether each
 * page stays on screen long enough to be read.
 *
 * Every finding names a file and, where it has one, a line, and says what
 * to do. Errors are what the kiosk would show wrongly or refuse (a missing
 * translation or picture, a character no font has, an expired pack, a page
 * the parser could not understand); warnings are what a person should look
 * at (a page split into parts at some size, a picture far bigger than any
 * screen, a file no page uses, a page shown too briefly for its text, a
 * page mostly in another script than its language's).
 * `kiosk-pack lint` prints the findings; `kiosk-pack build` refuses a
 * source with errors through lint_gate(). */
#ifndef KIOSK_TOOLS_LINT_H
#define KIOSK_TOOLS_LINT_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct page;

/* A screen size in pixels. */
struct lint_size {
  int w, h;
};

/* The five screen sizes the kiosk is made for (DESIGN.md, "Pages"):
 * 1920x1080, 1080x1920, 1280x720, 1024x600, 800x480. */
#define LINT_N_SIZES 5
extern const struct lint_size lint_sizes[LINT_N_SIZES];

/* Reading-speed assumption for the duration check: a second-language
 * reader standing 3 m away reads about LINT_WORDS_PER_S words a second,
 * after LINT_NOTICE_S seconds to notice the page has changed and find
 * their language. */
#define LINT_WORDS_PER_S 3
#define LINT_NOTICE_S 3
/* Pictures bigger than this on their long side, or than this many bytes,
 * are far more than any kiosk screen needs. */
#define LINT_IMAGE_MAX_PX (2 * 1920)
#define LINT_IMAGE_MAX_BYTES (5u * 1024u * 1024u)

enum lint_severity { LINT_WARNING = 0, LINT_ERROR = 1 };

struct lint_finding {
  enum lint_severity severity;
  char *file; /* as a person finds it: "SRC/pages/02-covid.ru.md" */
  int line;   /* 1-based; 0 when it is about the whole file */
  char *msg;  /* one sentence: what is wrong, then what to do */
};

struct lint_report {
  struct lint_finding *v; /* in the order found: pack.json, the pages in
                               pack order, then media/ */
  size_t n, cap;
  size_t n_errors, n_warnings;
};

struct lint_opts {
  const struct lint_size *sizes; /* NULL: lint_sizes */
  size_t n_sizes;
  int64_t now;          /* unix seconds for the expiry check;
                                    0: this computer's clock */
  const char *font_dir; /* NULL: the kiosk's fonts (fonts_open) */
};

/* Checks the pack source folder src. o may be NULL for the defaults.
 * Returns 0 when the checks ran, whatever they found (out then holds the
 * findings; free with lint_report_free()), or a negative KERR code when
 * they could not run (src is not a folder, the kiosk's fonts are missing,
 * out of memory) with e saying why. Initialises SDL_ttf itself if the
 * caller has not. */
int lint_source(const char *src, const struct lint_opts *o, struct lint_report *out,
                struct kerr *e);

void lint_report_free(struct lint_report *r);

/* Adds a finding to r (file as a person finds it, line 0 for the whole
 * file). Returns 0 or KERR_NOMEM. */
int lint_report_add(struct lint_report *r, enum lint_severity sev, const char *file, int line,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Prints each finding as "file:line: error: message" ("file: warning:
 * message" when it has no line), one a line. */
void lint_report_print(const struct lint_report *r, FILE *out);

/* "0 errors, 1 warning" into buf. */
void lint_summary(const struct lint_report *r, char *buf, size_t cap);

/* For `kiosk-pack build`: lints src, prints the findings to stderr (none
 * when quiet), and returns 0 when there is no error. Otherwise returns
 * KERR_PAGE with e saying how many errors there are and what to do, or the
 * KERR code of a lint that could not run. */
int lint_gate(const char *src, int quiet, struct kerr *e);

/* Words a viewer reads on the page: every heading, paragraph, list item,
 * quote, caption and cell of a block or table. */
size_t lint_count_words(const struct page *p);

/* Seconds a page of n words needs on screen:
 * LINT_NOTICE_S + n / LINT_WORDS_PER_S, rounded up. */
int lint_reading_seconds(size_t n_words);

/* Parses "1920x1080,800x480" into a new array (free with free()). Returns
 * 0, or KERR_USAGE with e quoting the part that is not WxH (each side
 * from 320 to 8192). */
int lint_parse_sizes(const char *arg, struct lint_size **out, size_t *n, struct kerr *e);

#endif
