/* preview.h — draws every page of a deck at chosen screen sizes with the
 * kiosk's own player (page → layout → paint → band), without a display:
 * one PNG per page part and one contact sheet per size. */
#ifndef KIOSK_TOOLS_PREVIEW_H
#define KIOSK_TOOLS_PREVIEW_H

#include "core/deck.h"
#include "core/err.h"
#include "kiosk-pack/lint.h"
#include "render/fonts.h"

#include <stddef.h>

struct preview_opts {
  const char *out;               /* folder; made if missing */
  const struct lint_size *sizes; /* NULL: lint_sizes (the kiosk's five) */
  size_t n_sizes;
  char **langs; /* NULL: every language of the deck */
  size_t n_langs;
  const char *title; /* heads each contact sheet, e.g. the id */
  int progress;      /* 1: a counter line on stdout, rewritten
                                     with \r (for a terminal) */
};

struct preview_result {
  size_t pictures; /* PNGs written, one per page part and size */
  size_t sheets;   /* contact sheets written */
  size_t rendered; /* (page, language, size) drawn */
  size_t failed;   /* (page, language) that could not be drawn */
  size_t problems; /* pictures with a problem the kiosk would log */
};

/* Draws every entry of d (in languages o->langs) at every size into
 * o->out/<W>x<H>/<page>.<lang>[-partN].png, and a contact sheet of them
 * all per size, o->out/contact-<W>x<H>.png: thumbnails in a grid with the
 * page and language under each, framed in red where the kiosk would log a
 * problem. A page that cannot be drawn is said on stderr (once) and counted
 * in res->failed; the others are still drawn. The band's clock shows 09:30
 * so the same source always gives the same pictures. TTF_Init() must have
 * been called. Returns 0, or a KERR code when a file cannot be written. */
int preview_deck(const struct deck *d, struct fonts *f, const struct preview_opts *o,
                 struct preview_result *res, struct kerr *e);

#endif
