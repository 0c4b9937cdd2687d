/* fonts.h — the kiosk's fonts: faces by style, sizes on demand, and fallback
 * by glyph coverage (Latin/Cyrillic from Noto Sans, Arabic script from Noto
 * Sans Arabic; see fonts/README.md). */
#ifndef KIOSK_RENDER_FONTS_H
#define KIOSK_RENDER_FONTS_H

#include <SDL_ttf.h>
#include <stdint.h>

#include "core/err.h"

struct fonts;

enum fonts_style { FONTS_REGULAR = 0, FONTS_BOLD = 1, FONTS_ITALIC = 2, FONTS_BOLD_ITALIC = 3 };

/* Finds the font folder: dir if given, else $KIOSK_FONT_DIR, else the build
 * tree's copy, else the installed copy. Returns a new font set; free with
 * fonts_close(). TTF_Init() must have been called. */
int fonts_open(const char *dir, struct fonts **out, struct kerr *e);
void fonts_close(struct fonts *f);

/* The font of style at px pixels that covers code point cp, trying the
 * primary family first and then each fallback family. Falls back to the
 * primary family when nothing covers cp (*covered is then 0). The font is
 * owned by the set; it stays valid until fonts_close(). */
TTF_Font *fonts_get(struct fonts *f, enum fonts_style style, int px, uint32_t cp, int *covered);

/* Index of the family that covers cp (0 = primary), or -1 if none does. */
int fonts_family_for(struct fonts *f, uint32_t cp);

/* The font of family index fam (as returned by fonts_family_for), style and
 * size. Owned by the set. */
TTF_Font *fonts_face(struct fonts *f, int fam, enum fonts_style style, int px);

/* Adds a font a pack carries (a .ttf or .otf file) as one more family,
 * tried after the shipped ones for characters they lack. Adding the same
 * path again does nothing. Returns 0, or KERR_FONT / KERR_LIMIT. */
int fonts_add_file(struct fonts *f, const char *path, struct kerr *e);

/* Whether family fam has a glyph for cp. */
int fonts_family_covers(struct fonts *f, int fam, uint32_t cp);

/* Percentage of a family's font height that a line of it needs (Arabic
 * faces are drawn taller than their lines). */
int fonts_line_pct(const struct fonts *f, int fam);

/* Path of the folder the set was loaded from. */
const char *fonts_dir(const struct fonts *f);

#endif
