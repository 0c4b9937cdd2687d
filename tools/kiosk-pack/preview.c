/* preview.c — what the content team sees before signing: every page, in
 * every language, at every screen size, drawn by the kiosk's own player
 * (app/player.c: page_load → layout_page → paint_layout → band) into
 * software surfaces, so no display is needed and nothing is drawn
 * differently from the wall. Each size also gets a contact sheet: all its
 * pictures as thumbnails in a grid, named, with the ones the kiosk would
 * complain about framed in red, to be taken in at a glance. */
#include "kiosk-pack/preview.h"

#include "core/clock.h"
#include "core/grow.h"
#include "render/player.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "render/images.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define THUMB_LONG 320 /* a thumbnail's long side, pixels */
#define SHEET_PAD 16
#define LABEL_PX 15
#define TITLE_PX 24
#define PREVIEW_CLOCK 1594373400 /* 2020-07-10 09:30:00 UTC: the band shows 09:30 */

static const SDL_Color C_SHEET = {0xE4, 0xE6, 0xE9, 0xFF};
static const SDL_Color C_INK = {0x1C, 0x1C, 0x1C, 0xFF};
static const SDL_Color C_MUTED = {0x55, 0x55, 0x55, 0xFF};
static const SDL_Color C_FRAME = {0x9A, 0xA0, 0xA6, 0xFF};
static const SDL_Color C_PROBLEM = {0xC6, 0x28, 0x28, 0xFF};

struct thumb {
  SDL_Surface *s;  /* NULL: the page could not be drawn */
  char label[160]; /* "02-covid.ru" */
  char note[80];   /* "part 2 of 3", "cannot be drawn", ... */
  int problem;
};

struct thumbs {
  struct thumb *v;
  size_t n, cap;
};

static void thumbs_clear(struct thumbs *t)
{
  for (size_t i = 0; i < t->n; i++)
    SDL_FreeSurface(t->v[i].s);
  free(t->v);
  memset(t, 0, sizeof *t);
}

static struct thumb *thumbs_add(struct thumbs *t)
{
  struct thumb *v = grow_array(t->v, t->n + 1, &t->cap, sizeof *v, 32);
  if (!v)
    return NULL;
  t->v = v;
  struct thumb *x = &t->v[t->n++];
  memset(x, 0, sizeof *x);
  return x;
}

/* The thumbnail of a page: src shrunk to w×h by averaging each block of
 * source pixels (sharper than a stretch, and no aliasing of small text). */
static SDL_Surface *shrink(SDL_Surface *src, int w, int h)
{
  SDL_Surface *in = SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_XRGB8888, 0);
  SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_XRGB8888);
  if (!in || !out) {
    SDL_FreeSurface(in);
    SDL_FreeSurface(out);
    return NULL;
  }
  for (int y = 0; y < h; y++) {
    int y0 = (int)((long)y * in->h / h), y1 = (int)((long)(y + 1) * in->h / h);
    if (y1 <= y0)
      y1 = y0 + 1;
    Uint32 *row = (Uint32 *)((Uint8 *)out->pixels + (size_t)y * (size_t)out->pitch);
    for (int x = 0; x < w; x++) {
      int x0 = (int)((long)x * in->w / w), x1 = (int)((long)(x + 1) * in->w / w);
      if (x1 <= x0)
        x1 = x0 + 1;
      unsigned long r = 0, g = 0, b = 0, n = 0;
      for (int sy = y0; sy < y1; sy++) {
        const Uint32 *sp =
            (const Uint32 *)((const Uint8 *)in->pixels + (size_t)sy * (size_t)in->pitch);
        for (int sx = x0; sx < x1; sx++) {
          Uint32 p = sp[sx];
          r += (p >> 16) & 0xFF;
          g += (p >> 8) & 0xFF;
          b += p & 0xFF;
          n++;
        }
      }
      row[x] = 0xFF000000u | (Uint32)((r / n) << 16) | (Uint32)((g / n) << 8) | (Uint32)(b / n);
    }
  }
  SDL_FreeSurface(in);
  return out;
}

static Uint32 rgb(const SDL_Surface *s, SDL_Color c)
{
  return SDL_MapRGB(s->format, c.r, c.g, c.b);
}

/* Writes text with the kiosk's fonts at (x, y), cut at max_w. */
static void put_text(struct fonts *f, SDL_Surface *dst, const char *text, int px,
                     enum fonts_style style, SDL_Color c, int x, int y, int max_w)
{
  if (!text || !*text)
    return;
  TTF_Font *font = fonts_face(f, 0, style, px);
  SDL_Surface *t = font ? TTF_RenderUTF8_Blended(font, text, c) : NULL;
  if (!t)
    return;
  SDL_Rect clip = {x, y, max_w, t->h};
  SDL_SetClipRect(dst, &clip);
  SDL_Rect at = {x, y, 0, 0};
  SDL_BlitSurface(t, NULL, dst, &at);
  SDL_SetClipRect(dst, NULL);
  SDL_FreeSurface(t);
}

static void frame(SDL_Surface *s, SDL_Rect r, int width, SDL_Color c)
{
  Uint32 col = rgb(s, c);
  SDL_Rect sides[4] = {
      {r.x - width, r.y - width, r.w + 2 * width, width},
      {r.x - width, r.y + r.h, r.w + 2 * width, width},
      {r.x - width, r.y, width, r.h},
      {r.x + r.w, r.y, width, r.h},
  };
  for (int i = 0; i < 4; i++)
    SDL_FillRect(s, &sides[i], col);
}

/* The contact sheet of one size: a title, then the thumbnails in rows. */
static int write_sheet(struct fonts *f, const struct thumbs *t, int w, int h, const char *title,
                       const char *path, struct kerr *e)
{
  int tw = w >= h ? THUMB_LONG : THUMB_LONG * w / h;
  int th = w >= h ? THUMB_LONG * h / w : THUMB_LONG;
  int cols = w >= h ? 6 : 10;
  if ((size_t)cols > t->n)
    cols = t->n ? (int)t->n : 1;
  int rows = (int)((t->n + (size_t)cols - 1) / (size_t)cols);
  int label_h = 2 * (LABEL_PX * 3 / 2);
  int cell_w = tw + SHEET_PAD, cell_h = th + label_h + SHEET_PAD;
  int head_h = TITLE_PX * 2 + SHEET_PAD;
  int sw = SHEET_PAD + cols * cell_w, sh = head_h + rows * cell_h + SHEET_PAD;
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, sw, sh, 32, SDL_PIXELFORMAT_XRGB8888);
  if (!s)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory for the contact sheet", path);
  SDL_FillRect(s, NULL, rgb(s, C_SHEET));
  char head[512];
  snprintf(head, sizeof head, "%s \xC2\xB7 %dx%d \xC2\xB7 %zu picture%s", title ? title : "", w, h,
           t->n, t->n == 1 ? "" : "s");
  put_text(f, s, head, TITLE_PX, FONTS_BOLD, C_INK, SHEET_PAD, SHEET_PAD, sw - 2 * SHEET_PAD);
  for (size_t i = 0; i < t->n; i++) {
    const struct thumb *x = &t->v[i];
    int cx = SHEET_PAD + (int)(i % (size_t)cols) * cell_w;
    int cy = head_h + (int)(i / (size_t)cols) * cell_h;
    SDL_Rect r = {cx, cy, tw, th};
    if (x->s)
      SDL_BlitSurface(x->s, NULL, s, &r);
    else
      SDL_FillRect(s, &r, rgb(s, (SDL_Color){0xFF, 0xFF, 0xFF, 0xFF}));
    if (x->problem)
      frame(s, (SDL_Rect){cx, cy, tw, th}, 3, C_PROBLEM);
    else
      frame(s, (SDL_Rect){cx, cy, tw, th}, 1, C_FRAME);
    put_text(f, s, x->label, LABEL_PX, FONTS_BOLD, C_INK, cx, cy + th + 4, tw);
    put_text(f, s, x->note, LABEL_PX, FONTS_REGULAR, x->problem ? C_PROBLEM : C_MUTED, cx,
             cy + th + 4 + LABEL_PX * 3 / 2, tw);
  }
  int rc = 0;
  if (IMG_SavePNG(s, path) != 0)
    rc = kerr_set(e, KERR_IO, "%s: cannot write the contact sheet (%s)", path, IMG_GetError());
  SDL_FreeSurface(s);
  return rc;
}

static int lang_wanted(const struct preview_opts *o, const char *lang)
{
  if (!o->langs)
    return 1;
  for (size_t i = 0; i < o->n_langs; i++)
    if (!strcmp(o->langs[i], lang))
      return 1;
  return 0;
}

/* Renders every part of one entry at one size into dir; adds a thumbnail
 * per part. Returns 0, 1 when the page could not be drawn (said once on
 * stderr), or a KERR code for a file that cannot be written. */
static int render_entry(struct player *pl, const struct deck_entry *en, size_t entry, int w, int h,
                        const char *dir, struct thumbs *t, struct preview_result *res,
                        int say_failure, struct kerr *e)
{
  int tw = w >= h ? THUMB_LONG : THUMB_LONG * w / h;
  int th = w >= h ? THUMB_LONG * h / w : THUMB_LONG;
  int n_parts = 1;
  for (int part = 0; part < n_parts; part++) {
    struct slide sl;
    struct kerr re;
    kerr_clear(&re);
    struct thumb *x = thumbs_add(t);
    if (!x)
      return kerr_set(e, KERR_NOMEM, "out of memory");
    snprintf(x->label, sizeof x->label, "%s.%s", en->name, en->lang);
    if (player_render(pl, entry, part, w, h, &sl, &re) != 0 || !sl.surf) {
      if (say_failure)
        fprintf(stderr, "kiosk-pack preview: %s\n", re.msg);
      snprintf(x->note, sizeof x->note, "cannot be drawn");
      x->problem = 1;
      slide_clear(&sl);
      return 1;
    }
    n_parts = sl.n_parts;
    char path[4400];
    char suffix[32] = "";
    if (n_parts > 1) {
      snprintf(suffix, sizeof suffix, "-part%d", part + 1);
      snprintf(x->note, sizeof x->note, "part %d of %d", part + 1, n_parts);
    }
    snprintf(path, sizeof path, "%s/%s.%s%s.png", dir, en->name, en->lang, suffix);
    if (IMG_SavePNG(sl.surf, path) != 0) {
      int rc = kerr_set(e, KERR_IO, "%s: cannot write (%s)", path, IMG_GetError());
      slide_clear(&sl);
      return rc;
    }
    res->pictures++;
    if (sl.problems) {
      x->problem = 1;
      res->problems++;
      size_t k = strlen(x->note);
      snprintf(x->note + k, sizeof x->note - k, "%sproblems: run lint", k ? " \xC2\xB7 " : "");
    }
    x->s = shrink(sl.surf, tw, th);
    slide_clear(&sl);
  }
  return 0;
}

int preview_deck(const struct deck *d, struct fonts *f, const struct preview_opts *o,
                 struct preview_result *res, struct kerr *e)
{
  memset(res, 0, sizeof *res);
  const struct lint_size *sizes = o->sizes ? o->sizes : lint_sizes;
  size_t n_sizes = o->sizes ? o->n_sizes : LINT_N_SIZES;
  int rc = fsutil_mkdir_p(o->out, 0755, e);
  if (rc)
    return rc;
  struct player *pl = player_new(d, f);
  if (!pl)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  /* All hotlines of the pack in the band (no site country), and a still
   * clock, so the same source always gives the same pictures. */
  player_set_site(pl, NULL, 0);
  player_set_clock_trusted(pl, 1);
  clock_setup(PREVIEW_CLOCK, 1e-9);
  /* The player logs each problem; here they are counted and shown on the
   * contact sheet instead, and lint explains them. */
  log_set_quiet(1);

  size_t n_entries = 0;
  for (size_t i = 0; i < deck_count(d); i++)
    n_entries += lang_wanted(o, deck_get(d, i)->lang);
  size_t total = n_entries * n_sizes, done = 0;
  unsigned char *failed_once = calloc(deck_count(d) + 1, 1);
  if (!failed_once) {
    player_free(pl);
    log_set_quiet(0);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  for (size_t s = 0; s < n_sizes && rc == 0; s++) {
    int w = sizes[s].w, h = sizes[s].h;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%dx%d", o->out, w, h);
    if ((rc = fsutil_mkdir_p(dir, 0755, e)))
      break;
    struct thumbs t = {0};
    for (size_t i = 0; i < deck_count(d) && rc == 0; i++) {
      const struct deck_entry *en = deck_get(d, i);
      if (!lang_wanted(o, en->lang))
        continue;
      done++;
      if (o->progress) {
        printf("\rRendering %zu/%zu: %s.%s at %dx%d\033[K", done, total, en->name, en->lang, w, h);
        fflush(stdout);
      }
      int r = render_entry(pl, en, i, w, h, dir, &t, res, !failed_once[i], e);
      if (r == 1) {
        res->failed += !failed_once[i];
        failed_once[i] = 1;
      } else if (r) {
        rc = r;
      } else {
        res->rendered++;
      }
    }
    if (rc == 0) {
      char path[4400];
      snprintf(path, sizeof path, "%s/contact-%dx%d.png", o->out, w, h);
      rc = write_sheet(f, &t, w, h, o->title, path, e);
      if (rc == 0)
        res->sheets++;
    }
    thumbs_clear(&t);
  }
  images_flush();
  if (o->progress) {
    fputs("\r\033[K", stdout);
    fflush(stdout);
  }
  free(failed_once);
  player_free(pl);
  log_set_quiet(0);
  clock_setup(0, 1.0);
  return rc;
}
