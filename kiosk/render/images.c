/* images.c — image decoding and high-quality scaling.
 *
 * Layout asks for an image's size and painting then asks for it at its
 * final size, so the last decoded image is kept (one only: a page shows one
 * or two images, and a 1600×900 photo is 5.5 MB decoded). Downscaling by
 * more than two halves the picture with a 2×2 box filter first, then
 * SDL_SoftStretchLinear does the rest: a plain bilinear stretch alone would
 * alias fine detail. */
#include "render/images.h"

#include <SDL_image.h>
#include <string.h>

static char cached_path[1024];
static SDL_Surface *cached;

void images_flush(void)
{
  SDL_FreeSurface(cached);
  cached = NULL;
  cached_path[0] = '\0';
}

static int decode(const char *path, struct kerr *e)
{
  if (cached && !strcmp(cached_path, path))
    return 0;
  images_flush();
  SDL_Surface *raw = IMG_Load(path);
  if (!raw)
    return kerr_set(e, KERR_PAGE, "%s: cannot read image (%s) — check the file is a JPEG or PNG",
                    path, IMG_GetError());
  SDL_Surface *conv = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
  SDL_FreeSurface(raw);
  if (!conv)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory converting image", path);
  cached = conv;
  snprintf(cached_path, sizeof cached_path, "%s", path);
  return 0;
}

int images_size(const char *path, int *w, int *h, struct kerr *e)
{
  int rc = decode(path, e);
  if (rc)
    return rc;
  *w = cached->w;
  *h = cached->h;
  return 0;
}

int images_size_at(const char *root, const char *src, int *w, int *h)
{
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", root, src) >= (int)sizeof path)
    return KERR_PATH;
  struct kerr e;
  return images_size(path, w, h, &e);
}

/* Halves src with a 2×2 box filter. Returns a new surface. */
static SDL_Surface *halve(SDL_Surface *src)
{
  int w = src->w / 2, h = src->h / 2;
  SDL_Surface *dst = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!dst)
    return NULL;
  for (int y = 0; y < h; y++) {
    const Uint8 *r0 = (const Uint8 *)src->pixels + (size_t)(2 * y) * (size_t)src->pitch;
    const Uint8 *r1 = r0 + src->pitch;
    Uint8 *d = (Uint8 *)dst->pixels + (size_t)y * (size_t)dst->pitch;
    for (int x = 0; x < w; x++) {
      for (int c = 0; c < 4; c++)
        d[4 * x + c] =
            (Uint8)((r0[8 * x + c] + r0[8 * x + 4 + c] + r1[8 * x + c] + r1[8 * x + 4 + c] + 2) /
                    4);
    }
  }
  return dst;
}

int images_load_scaled(const char *path, int w, int h, int cover, SDL_Surface **out, struct kerr *e)
{
  *out = NULL;
  if (w <= 0 || h <= 0)
    return kerr_set(e, KERR_INVAL, "%s: image box is empty", path);
  int rc = decode(path, e);
  if (rc)
    return rc;
  /* The source rectangle (cover crops) and the destination rectangle
   * (contain letterboxes). */
  double sx = (double)w / cached->w, sy = (double)h / cached->h;
  double s = cover ? (sx > sy ? sx : sy) : (sx < sy ? sx : sy);
  SDL_Rect srect = {0, 0, cached->w, cached->h};
  SDL_Rect drect = {0, 0, w, h};
  if (cover) {
    srect.w = (int)(w / s + 0.5);
    srect.h = (int)(h / s + 0.5);
    if (srect.w > cached->w)
      srect.w = cached->w;
    if (srect.h > cached->h)
      srect.h = cached->h;
    srect.x = (cached->w - srect.w) / 2;
    srect.y = (cached->h - srect.h) / 2;
  } else {
    drect.w = (int)(cached->w * s + 0.5);
    drect.h = (int)(cached->h * s + 0.5);
    if (drect.w < 1)
      drect.w = 1;
    if (drect.h < 1)
      drect.h = 1;
    drect.x = (w - drect.w) / 2;
    drect.y = (h - drect.h) / 2;
  }
  /* Crop first, then halve while more than twice too big. */
  SDL_Surface *work =
      SDL_CreateRGBSurfaceWithFormat(0, srect.w, srect.h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!work)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory scaling image", path);
  SDL_SetSurfaceBlendMode(cached, SDL_BLENDMODE_NONE);
  SDL_BlitSurface(cached, &srect, work, NULL);
  while (work->w >= 2 * drect.w && work->h >= 2 * drect.h && work->w >= 4 && work->h >= 4) {
    SDL_Surface *half = halve(work);
    SDL_FreeSurface(work);
    if (!half)
      return kerr_set(e, KERR_NOMEM, "%s: out of memory scaling image", path);
    work = half;
  }
  SDL_Surface *dst = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!dst) {
    SDL_FreeSurface(work);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory scaling image", path);
  }
  SDL_FillRect(dst, NULL, SDL_MapRGBA(dst->format, 0, 0, 0, 0));
  if (SDL_SoftStretchLinear(work, NULL, dst, &drect) != 0)
    SDL_BlitScaled(work, NULL, dst, &drect);
  SDL_FreeSurface(work);
  *out = dst;
  return 0;
}
