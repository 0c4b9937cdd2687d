/* layout.h — places a page's blocks on a screen of a given size: picks the
 * type size (as large as fits, never below the readable minimum), columns in
 * landscape and a stack in portrait, and continuation parts when even the
 * minimum size does not fit. The result is a flat list of boxes that
 * paint.c draws; nothing in a layout depends on SDL's renderer. */
#ifndef KIOSK_RENDER_LAYOUT_H
#define KIOSK_RENDER_LAYOUT_H

#include <SDL.h>

#include "core/page.h"
#include "render/fonts.h"

enum box_kind { BOX_FILL, BOX_TEXT, BOX_IMAGE, BOX_QR };

struct box {
  enum box_kind kind;
  SDL_Rect r;
  SDL_Color color;
  int block;      /* index of the page block it belongs to; -1 for chrome */
  int fam, style; /* BOX_TEXT: font family index and enum fonts_style */
  char *text;     /* BOX_TEXT: UTF-8; BOX_QR: the encoded data; owned */
  char *path;     /* BOX_IMAGE: file path; owned */
  int cover;      /* BOX_IMAGE: crop to fill (else fit inside) */
  int px;         /* BOX_TEXT: font size, for the readability check */
  int rtl;        /* BOX_TEXT: shaped right to left */
  int baseline;   /* BOX_TEXT: y of the baseline (r is the line box) */
};

struct text_run;

/* Makes b the text box of run, moved by (dx, dy): its place and baseline,
 * font, size px and direction, with color and block, and a copy of its
 * text (owned by b). Returns 0, or -1 when the copy could not be made
 * (b->text is then NULL). */
int layout_text_box(struct box *b, const struct text_run *run, int dx, int dy, SDL_Color color,
                    int px, int block);

/* A problem found while laying out (for --strict and lint). */
struct layout_problem {
  char msg[300];
};

/* A picture's size in pixels, from root/src: 0, or nonzero when it is
 * missing or unreadable. Layout asks the caller (images_size_at() reads
 * the file's header) and never reads a file itself. */
typedef int (*layout_image_size_fn)(const char *root, const char *src, int *w, int *h);

struct layout_input {
  const struct page *page;
  const char *root;                /* pack folder: image paths are relative to it */
  int w, h;                        /* screen size in pixels */
  SDL_Color accent;                /* headings and numbers; {0} for the default */
  const char *lang;                /* language of the page, for built-in words */
  layout_image_size_fn image_size; /* NULL: every picture counts as missing */
};

struct layout {
  struct fonts *fonts; /* the set the text boxes' fonts come from */
  int w, h;
  int part, n_parts; /* continuation parts: 0-based part shown here */
  int body_px;       /* the body size chosen */
  int min_px;        /* the readable minimum for this screen */
  struct box *boxes;
  size_t n_boxes;
  struct layout_problem *problems;
  size_t n_problems;
};

/* The band along the bottom of every page (hotlines, clock, position):
 * its height for a screen of w×h, and its colour. Layout leaves it empty
 * for band.c to fill. */
int layout_band_height(int w, int h);
#define LAYOUT_BAND_BG ((SDL_Color){0x0B, 0x2A, 0x4A, 0xFF})

/* Whether a language (BCP 47 tag) is written right to left: fa (Dari and
 * Persian), prs, ar, ps, ur, he, ug. */
int layout_lang_rtl(const char *lang);

/* The smallest body text for a screen of w×h pixels. */
int layout_min_body_px(int w, int h);
/* The largest body size: short pages grow up to it. */
int layout_max_body_px(int w, int h);

/* Lays out part `part` of the page (0 for the first). Returns a new layout
 * (free with layout_free()); out->n_parts tells how many parts there are. */
int layout_page(struct fonts *f, const struct layout_input *in, int part, struct layout **out,
                struct kerr *e);

void layout_free(struct layout *l);

#endif
