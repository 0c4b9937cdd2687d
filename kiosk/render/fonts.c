/* fonts.c — opens the kiosk's font families and hands out sized fonts.
 *
 * A family is a set of up to four style files; a style a family lacks falls
 * back to its regular face (SDL_ttf then synthesises nothing: the glyphs are
 * simply upright or regular). Fonts are opened lazily per (family, style,
 * size) and kept until the set is closed: a page uses a handful of sizes, so
 * the cache stays small, and the cache is bounded to FONTS_CACHE_MAX entries
 * all the same. Coverage is answered by a probe font per family.
 *
 * Each font file is read into memory once, when a face of it is first
 * needed, and every size is opened from that copy: FreeType then reads
 * memory instead of seeking and reading the file in small pieces for each
 * size, and a file no page uses (the italics, say) is never read. */
#include "render/fonts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fsutil.h"
#include "core/log.h"

#define FONTS_CACHE_MAX 96

struct family {
  const char *name;
  const char *files[4]; /* by enum fonts_style; NULL = use regular */
  const char *script;   /* ISO 15924 tag for shaping, NULL = guess */
  int line_pct;         /* share of the font's height a line box needs */
};

/* Order matters: the first family that covers a code point is used. */
static const struct family families[] = {
    {"Noto Sans",
     {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf",
      "NotoSans-BoldItalic.ttf"},
     NULL,
     100},
    {"Noto Sans Arabic",
     {"NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", NULL, NULL},
     "Arab",
     72},
};
#define N_FAMILIES ((int)(sizeof families / sizeof families[0]))

struct cached {
  int fam, style, px;
  TTF_Font *font;
};

/* Fonts a pack carries (.ttf or .otf files in its fonts folder): one face each, used for
 * every style, tried after the fonts the kiosk ships. */
#define FONTS_EXTRA_MAX 8

/* A font file held in memory: read once, shared by every size opened from
 * it, freed with the set. */
#define FONTS_FILES_MAX (N_FAMILIES * 4 + FONTS_EXTRA_MAX)
#define FONTS_FILE_MAX_BYTES (64u << 20) /* Noto's largest faces are a few MB */

struct font_file {
  char path[1200];
  char *data;
  size_t len;
};

struct fonts {
  char dir[1024];
  TTF_Font *probe[N_FAMILIES + FONTS_EXTRA_MAX];
  char extra[FONTS_EXTRA_MAX][1200];
  int n_extra;
  struct cached cache[FONTS_CACHE_MAX];
  int n_cache;
  int next_evict;
  struct font_file files[FONTS_FILES_MAX];
  int n_files;
};

static int dir_has_fonts(const char *dir)
{
  char path[1200];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, families[0].files[0]);
  return stat(path, &st) == 0;
}

static const char *pick_dir(const char *dir)
{
  if (dir)
    return dir;
  const char *env = getenv("KIOSK_FONT_DIR");
  if (env && *env)
    return env;
#ifdef KIOSK_BUILD_FONT_DIR
  if (dir_has_fonts(KIOSK_BUILD_FONT_DIR))
    return KIOSK_BUILD_FONT_DIR;
#endif
#ifdef KIOSK_INSTALLED_FONT_DIR
  if (dir_has_fonts(KIOSK_INSTALLED_FONT_DIR))
    return KIOSK_INSTALLED_FONT_DIR;
#endif
  return "fonts";
}

/* Opens path at px pixels from its copy in memory, reading the file the
 * first time. NULL with the reason in TTF_GetError(). */
static TTF_Font *open_file(struct fonts *f, const char *path, int px)
{
  struct font_file *ff = NULL;
  for (int i = 0; i < f->n_files && !ff; i++)
    if (!strcmp(f->files[i].path, path))
      ff = &f->files[i];
  if (!ff) {
    if (f->n_files >= FONTS_FILES_MAX) {
      TTF_SetError("too many font files");
      return NULL;
    }
    struct kerr e;
    ff = &f->files[f->n_files];
    if (fsutil_read_file(path, FONTS_FILE_MAX_BYTES, "font", &ff->data, &ff->len, &e)) {
      TTF_SetError("%s", e.msg);
      return NULL;
    }
    char *fit = realloc(ff->data, ff->len + 1); /* read with room for the largest */
    if (fit)
      ff->data = fit;
    snprintf(ff->path, sizeof ff->path, "%s", path);
    f->n_files++;
  }
  SDL_RWops *rw = SDL_RWFromConstMem(ff->data, (int)ff->len);
  return rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
}

static TTF_Font *open_face(struct fonts *f, int fam, int style, int px)
{
  if (fam >= N_FAMILIES) {
    TTF_Font *font = open_file(f, f->extra[fam - N_FAMILIES], px);
    if (font)
      TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    return font;
  }
  const char *file = families[fam].files[style];
  if (!file)
    file = families[fam].files[style & FONTS_BOLD];
  if (!file)
    file = families[fam].files[FONTS_REGULAR];
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", f->dir, file);
  TTF_Font *font = open_file(f, path, px);
  if (font) {
    TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    /* HarfBuzz picks the Arabic shaper (joining forms) from the script. */
    if (families[fam].script)
      TTF_SetFontScriptName(font, families[fam].script);
  }
  return font;
}

int fonts_open(const char *dir, struct fonts **out, struct kerr *e)
{
  *out = NULL;
  struct fonts *f = calloc(1, sizeof *f);
  if (!f)
    return kerr_set(e, KERR_NOMEM, "out of memory loading fonts");
  snprintf(f->dir, sizeof f->dir, "%s", pick_dir(dir));
  for (int i = 0; i < N_FAMILIES; i++) {
    f->probe[i] = open_face(f, i, FONTS_REGULAR, 16);
    if (!f->probe[i]) {
      int rc = kerr_set(e, KERR_FONT,
                        "%s/%s: cannot open font (%s) — reinstall the kiosk or pass --fonts DIR",
                        f->dir, families[i].files[0], TTF_GetError());
      fonts_close(f);
      return rc;
    }
  }
  *out = f;
  return 0;
}

void fonts_close(struct fonts *f)
{
  if (!f)
    return;
  for (int i = 0; i < f->n_cache; i++)
    TTF_CloseFont(f->cache[i].font);
  for (int i = 0; i < N_FAMILIES + f->n_extra; i++)
    if (f->probe[i])
      TTF_CloseFont(f->probe[i]);
  for (int i = 0; i < f->n_files; i++)
    free(f->files[i].data);
  free(f);
}

const char *fonts_dir(const struct fonts *f)
{
  return f->dir;
}

int fonts_add_file(struct fonts *f, const char *path, struct kerr *e)
{
  for (int i = 0; i < f->n_extra; i++)
    if (!strcmp(f->extra[i], path))
      return 0;
  if (f->n_extra >= FONTS_EXTRA_MAX)
    return kerr_set(e, KERR_LIMIT, "%s: the kiosk uses at most %d fonts from packs", path,
                    FONTS_EXTRA_MAX);
  TTF_Font *probe = open_file(f, path, 16);
  if (!probe)
    return kerr_set(e, KERR_FONT, "%s: cannot open font (%s) — the pack's own font is not used",
                    path, TTF_GetError());
  snprintf(f->extra[f->n_extra], sizeof f->extra[0], "%s", path);
  f->probe[N_FAMILIES + f->n_extra] = probe;
  f->n_extra++;
  return 0;
}

int fonts_family_covers(struct fonts *f, int fam, uint32_t cp)
{
  if (fam < 0 || fam >= N_FAMILIES + f->n_extra)
    return 0;
  return TTF_GlyphIsProvided32(f->probe[fam], cp) != 0;
}

int fonts_line_pct(const struct fonts *f, int fam)
{
  (void)f;
  return fam >= 0 && fam < N_FAMILIES ? families[fam].line_pct : 100;
}

int fonts_family_for(struct fonts *f, uint32_t cp)
{
  for (int i = 0; i < N_FAMILIES + f->n_extra; i++)
    if (TTF_GlyphIsProvided32(f->probe[i], cp))
      return i;
  return -1;
}

TTF_Font *fonts_face(struct fonts *f, int fam, enum fonts_style style, int px)
{
  if (fam < 0 || fam >= N_FAMILIES + f->n_extra)
    fam = 0;
  for (int i = 0; i < f->n_cache; i++)
    if (f->cache[i].fam == fam && f->cache[i].style == (int)style && f->cache[i].px == px)
      return f->cache[i].font;
  TTF_Font *font = open_face(f, fam, (int)style, px);
  if (!font) {
    log_warn("font %s at %d px could not be opened: %s",
             fam < N_FAMILIES ? families[fam].name : f->extra[fam - N_FAMILIES], px,
             TTF_GetError());
    return f->probe[fam];
  }
  struct cached *slot;
  if (f->n_cache < FONTS_CACHE_MAX) {
    slot = &f->cache[f->n_cache++];
  } else {
    /* Round-robin eviction: callers hold a font only within one text
     * layout (a handful of faces), never across calls: boxes keep the
     * family, style and size and look the font up again to paint. */
    slot = &f->cache[f->next_evict];
    f->next_evict = (f->next_evict + 1) % FONTS_CACHE_MAX;
    TTF_CloseFont(slot->font);
  }
  slot->fam = fam;
  slot->style = (int)style;
  slot->px = px;
  slot->font = font;
  return font;
}

TTF_Font *fonts_get(struct fonts *f, enum fonts_style style, int px, uint32_t cp, int *covered)
{
  int fam = fonts_family_for(f, cp);
  if (covered)
    *covered = fam >= 0;
  return fonts_face(f, fam < 0 ? 0 : fam, style, px);
}
