/* text.h — lays out rich text (styled spans) into lines: fonts chosen by
 * glyph coverage, measured with SDL_ttf (HarfBuzz shaping), broken at word
 * boundaries. The result is a list of runs, each one font and one style,
 * with its position relative to the paragraph's top-left corner. */
#ifndef KIOSK_RENDER_TEXT_H
#define KIOSK_RENDER_TEXT_H

#include <SDL.h>
#include <stddef.h>

#include "core/page.h"
#include "render/fonts.h"

struct text_run {
  char *text;     /* UTF-8, owned */
  TTF_Font *font; /* owned by the font set; valid until the next text_layout() */
  int fam, style; /* to find the font again: fonts_face(fam, style, px) */
  int x, y;       /* top-left of the run's line box */
  int w, h;       /* width, and height of the line box */
  unsigned flags; /* PAGE_SPAN_* */
  int rtl;        /* shaped right to left */
  int baseline;   /* y of the baseline */
};

struct text_line {
  size_t first_run, n_runs;
  int y; /* top of the line box */
  int height;
  int width; /* of the ink */
};

struct text_block {
  struct text_run *runs;
  size_t n_runs;
  struct text_line *lines;
  size_t n_lines;
  int width, height; /* of the laid-out block */
  int missing;       /* code points no font covers */
  int overflow;      /* a word wider than the line had to be cut */
  int rtl;           /* the base direction the block was laid out in */
};

enum text_align { TEXT_ALIGN_START, TEXT_ALIGN_CENTER, TEXT_ALIGN_END };

struct text_style {
  int px;         /* font size in pixels */
  unsigned flags; /* PAGE_SPAN_BOLD etc. added to every span */
  enum text_align align;
  float line_spacing; /* line height as a multiple of the font's height */
  int rtl;            /* base direction right to left (Dari); START is then the right edge */
  int dir_auto;       /* base direction from the text's first strong character
                         * (Unicode bidi rules P2-P3); rtl only when it has none */
};

/* Lays out spans within max_w pixels. Returns 0 and fills out (free with
 * text_block_free()), or a KERR code. */
int text_layout(struct fonts *f, const struct page_span *spans, size_t n_spans,
                const struct text_style *style, int max_w, struct text_block *out, struct kerr *e);

/* Same for one plain string. */
int text_layout_plain(struct fonts *f, const char *s, const struct text_style *style, int max_w,
                      struct text_block *out, struct kerr *e);

void text_block_free(struct text_block *b);

/* The base direction of a paragraph made of spans, by Unicode bidi rules
 * P2-P3: 1 (right to left) or 0 after its first strong character outside
 * isolates, fallback_rtl when it has none (digits and punctuation only). */
int text_base_rtl(const struct page_span *spans, size_t n_spans, int fallback_rtl);

#endif
