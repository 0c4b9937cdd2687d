/* screen.c — owns the window and whatever draws into it.
 *
 * With a GPU (a DRM device exists) pages go through SDL's accelerated
 * renderer as textures, and a crossfade is two textured quads. Without one,
 * pages are copied straight into the window surface and transitions are
 * blended there by hand on opaque XRGB pixels, which costs a few
 * milliseconds a frame at 1080p on one core — far less than a software
 * renderer blending ARGB. The cursor is hidden and the screen saver kept
 * off, since nobody uses a mouse on a wall. */
#include "app/screen.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

struct screen {
  int headless;
  int w, h;
  SDL_Window *win;
  SDL_Renderer *ren;     /* GPU path only */
  SDL_Texture *tex;      /* GPU: the page on screen */
  SDL_Texture *tex_next; /* GPU: the incoming page */
  int tex_w, tex_h;
  SDL_Surface *page; /* the page on screen (not owned) */
  int dim;           /* 256 = full brightness */
  struct screen_stats stats;
};

/* Whether a DRM device exists (a GPU, or at least a display controller the
 * renderer can drive); KIOSK_RENDERER=software|gpu overrides. */
static int has_gpu(void)
{
  const char *force = getenv("KIOSK_RENDERER");
  if (force && !strcmp(force, "software"))
    return 0;
  if (force && !strcmp(force, "gpu"))
    return 1;
  DIR *d = opendir("/dev/dri");
  if (!d)
    return 0;
  int found = 0;
  struct dirent *de;
  while ((de = readdir(d)))
    if (!strncmp(de->d_name, "card", 4) || !strncmp(de->d_name, "renderD", 7))
      found = 1;
  closedir(d);
  return found;
}

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int screen_open(const struct opts *o, struct screen **out, struct kerr *e)
{
  *out = NULL;
  struct screen *s = calloc(1, sizeof *s);
  if (!s)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  s->dim = 256;
  if (o->headless) {
    s->headless = 1;
    s->w = o->size_w;
    s->h = o->size_h;
    *out = s;
    return 0;
  }
  Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI;
  int w = o->win_w ? o->win_w : 1280, h = o->win_h ? o->win_h : 720;
  if (o->fullscreen)
    flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
  else
    flags |= SDL_WINDOW_RESIZABLE;
  int gpu = has_gpu();
  if (!gpu) /* else SDL would back the window surface with a GL texture */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  s->win = SDL_CreateWindow("Information kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w,
                            h, flags);
  if (!s->win) {
    int rc = kerr_set(e, KERR_DISPLAY,
                      "cannot open a window (%s) — is a display connected? Use --headless "
                      "--size WxH to run without one",
                      SDL_GetError());
    screen_close(s);
    return rc;
  }
  if (gpu) {
    s->ren = SDL_CreateRenderer(s->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!s->ren)
      log_warn("no accelerated renderer (%s) — drawing in software", SDL_GetError());
  }
  if (s->ren) {
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(s->ren, &info) == 0)
      log_info("display: %s driver, %s renderer", SDL_GetCurrentVideoDriver(), info.name);
    SDL_GetRendererOutputSize(s->ren, &s->w, &s->h);
  } else {
    SDL_Surface *ws = SDL_GetWindowSurface(s->win);
    if (!ws) {
      int rc = kerr_set(e, KERR_DISPLAY, "cannot draw into the window: %s", SDL_GetError());
      screen_close(s);
      return rc;
    }
    log_info("display: %s driver, software drawing (%s)", SDL_GetCurrentVideoDriver(),
             SDL_GetPixelFormatName(ws->format->format));
    s->w = ws->w;
    s->h = ws->h;
  }
  SDL_ShowCursor(SDL_DISABLE);
  SDL_DisableScreenSaver();
  *out = s;
  return 0;
}

void screen_close(struct screen *s)
{
  if (!s)
    return;
  if (s->tex)
    SDL_DestroyTexture(s->tex);
  if (s->tex_next)
    SDL_DestroyTexture(s->tex_next);
  if (s->ren)
    SDL_DestroyRenderer(s->ren);
  if (s->win)
    SDL_DestroyWindow(s->win);
  free(s);
}

void screen_size(const struct screen *s, int *w, int *h)
{
  struct screen *m = (struct screen *)s;
  if (s->ren) {
    SDL_GetRendererOutputSize(s->ren, &m->w, &m->h);
  } else if (s->win) {
    SDL_Surface *ws = SDL_GetWindowSurface(s->win); /* re-created after a resize */
    if (ws) {
      m->w = ws->w;
      m->h = ws->h;
    }
  }
  *w = s->w;
  *h = s->h;
}

int screen_headless(const struct screen *s)
{
  return s->headless;
}
const struct screen_stats *screen_stats(const struct screen *s)
{
  return &s->stats;
}
void screen_set_dim(struct screen *s, int level)
{
  s->dim = level < 0 ? 0 : level > 256 ? 256 : level;
}

static int upload(struct screen *s, SDL_Texture **tex, SDL_Surface *page, struct kerr *e)
{
  if (!*tex || s->tex_w != page->w || s->tex_h != page->h) {
    if (*tex)
      SDL_DestroyTexture(*tex);
    *tex = SDL_CreateTexture(s->ren, page->format->format, SDL_TEXTUREACCESS_STREAMING, page->w,
                             page->h);
    if (!*tex)
      return kerr_set(e, KERR_DISPLAY, "cannot create a %dx%d texture: %s", page->w, page->h,
                      SDL_GetError());
    s->tex_w = page->w;
    s->tex_h = page->h;
  }
  SDL_UpdateTexture(*tex, NULL, page->pixels, page->pitch);
  return 0;
}

/* Copies src into the 32-bit dst, scaled in brightness by dim/256. */
static void copy_dim(SDL_Surface *dst, const SDL_Surface *src, const SDL_Rect *r, int dim)
{
  SDL_Rect all = {0, 0, src->w, src->h};
  SDL_Rect c;
  if (!SDL_IntersectRect(r ? r : &all, &all, &c))
    return;
  if (c.x + c.w > dst->w)
    c.w = dst->w - c.x;
  if (c.y + c.h > dst->h)
    c.h = dst->h - c.y;
  for (int y = c.y; y < c.y + c.h; y++) {
    const Uint32 *sp =
        (const Uint32 *)((const Uint8 *)src->pixels + (size_t)y * (size_t)src->pitch) + c.x;
    Uint32 *dp = (Uint32 *)((Uint8 *)dst->pixels + (size_t)y * (size_t)dst->pitch) + c.x;
    if (dim >= 256) {
      memcpy(dp, sp, (size_t)c.w * 4);
      continue;
    }
    for (int x = 0; x < c.w; x++) {
      Uint32 p = sp[x];
      Uint32 rb = ((p & 0xFF00FF) * (Uint32)dim >> 8) & 0xFF00FF;
      Uint32 g = ((p & 0x00FF00) * (Uint32)dim >> 8) & 0x00FF00;
      dp[x] = 0xFF000000u | rb | g;
    }
  }
}

/* Whether the window surface takes our XRGB pixels as they are. */
static int same_layout(const SDL_Surface *ws)
{
  Uint32 f = ws->format->format;
  return f == SDL_PIXELFORMAT_XRGB8888 || f == SDL_PIXELFORMAT_ARGB8888;
}

static void present_sw(struct screen *s, SDL_Surface *page, const SDL_Rect *rect)
{
  SDL_Surface *ws = SDL_GetWindowSurface(s->win);
  if (!ws)
    return;
  if (same_layout(ws) && ws->w == page->w && ws->h == page->h) {
    if (SDL_MUSTLOCK(ws))
      SDL_LockSurface(ws);
    copy_dim(ws, page, rect, s->dim);
    if (SDL_MUSTLOCK(ws))
      SDL_UnlockSurface(ws);
  } else {
    SDL_Rect r = rect ? *rect : (SDL_Rect){0, 0, page->w, page->h};
    SDL_BlitSurface(page, &r, ws, &r);
  }
  if (rect)
    SDL_UpdateWindowSurfaceRects(s->win, rect, 1);
  else
    SDL_UpdateWindowSurface(s->win);
}

static void present_gpu(struct screen *s)
{
  SDL_SetRenderDrawColor(s->ren, 0, 0, 0, 255);
  SDL_RenderClear(s->ren);
  SDL_SetTextureColorMod(s->tex, (Uint8)(s->dim >= 256 ? 255 : s->dim),
                         (Uint8)(s->dim >= 256 ? 255 : s->dim),
                         (Uint8)(s->dim >= 256 ? 255 : s->dim));
  SDL_RenderCopy(s->ren, s->tex, NULL, NULL);
  SDL_RenderPresent(s->ren);
}

int screen_show(struct screen *s, SDL_Surface *page, struct kerr *e)
{
  s->page = page;
  if (s->headless)
    return 0;
  if (s->ren) {
    int rc = upload(s, &s->tex, page, e);
    if (rc)
      return rc;
    present_gpu(s);
  } else {
    present_sw(s, page, NULL);
  }
  return 0;
}

void screen_refresh(struct screen *s, const SDL_Rect *rect)
{
  if (s->headless || !s->page)
    return;
  if (s->ren) {
    struct kerr e;
    if (upload(s, &s->tex, s->page, &e) == 0)
      present_gpu(s);
  } else {
    present_sw(s, s->page, rect);
  }
}

/* One crossfade frame: dst = a + (b - a) * t, t = al/256, two channels at
 * a time. */
static void blend(SDL_Surface *dst, const SDL_Surface *a, const SDL_Surface *b, Uint32 al, int dim)
{
  for (int y = 0; y < dst->h && y < a->h; y++) {
    const Uint32 *pa = (const Uint32 *)((const Uint8 *)a->pixels + (size_t)y * (size_t)a->pitch);
    const Uint32 *pb = (const Uint32 *)((const Uint8 *)b->pixels + (size_t)y * (size_t)b->pitch);
    Uint32 *pd = (Uint32 *)((Uint8 *)dst->pixels + (size_t)y * (size_t)dst->pitch);
    int n = dst->w < a->w ? dst->w : a->w;
    for (int x = 0; x < n; x++) {
      Uint32 ca = pa[x], cb = pb[x];
      Uint32 rb = (((ca & 0xFF00FF) * (256 - al) + (cb & 0xFF00FF) * al) >> 8) & 0xFF00FF;
      Uint32 g = (((ca & 0x00FF00) * (256 - al) + (cb & 0x00FF00) * al) >> 8) & 0x00FF00;
      Uint32 p = rb | g;
      if (dim < 256)
        p = (((p & 0xFF00FF) * (Uint32)dim >> 8) & 0xFF00FF) |
            (((p & 0x00FF00) * (Uint32)dim >> 8) & 0x00FF00);
      pd[x] = 0xFF000000u | p;
    }
  }
}

/* One slide frame: the old page moves left by off pixels, the new one
 * follows it in. */
static void slide(SDL_Surface *dst, const SDL_Surface *a, const SDL_Surface *b, int off)
{
  int w = dst->w < a->w ? dst->w : a->w;
  for (int y = 0; y < dst->h && y < a->h; y++) {
    const Uint8 *pa = (const Uint8 *)a->pixels + (size_t)y * (size_t)a->pitch;
    const Uint8 *pb = (const Uint8 *)b->pixels + (size_t)y * (size_t)b->pitch;
    Uint8 *pd = (Uint8 *)dst->pixels + (size_t)y * (size_t)dst->pitch;
    memcpy(pd, pa + (size_t)off * 4, (size_t)(w - off) * 4);
    memcpy(pd + (size_t)(w - off) * 4, pb, (size_t)off * 4);
  }
}

static void record(struct screen *s, double ms)
{
  s->stats.frame_ms[s->stats.frames % 4096] = ms;
  s->stats.frames++;
  s->stats.total_ms += ms;
}

int screen_transition(struct screen *s, SDL_Surface *next, enum screen_transition kind,
                      int duration_ms, struct kerr *e)
{
  SDL_Surface *from = s->page;
  if (s->headless || kind == SCREEN_CUT || duration_ms <= 0 || !from || from->w != next->w ||
      from->h != next->h)
    return screen_show(s, next, e);
  if (s->ren) {
    int rc = upload(s, &s->tex_next, next, e);
    if (rc)
      return rc;
  }
  SDL_Surface *ws = s->ren ? NULL : SDL_GetWindowSurface(s->win);
  if (!s->ren && (!ws || !same_layout(ws) || ws->w != next->w || ws->h != next->h))
    return screen_show(s, next, e);
  const double frame_ms = 1000.0 / 60.0;
  double start = now_ms();
  for (;;) {
    double t0 = now_ms();
    double t = (t0 - start) / duration_ms;
    if (t >= 1.0)
      break;
    /* Ease in and out: calmer than a linear move. */
    double k = t * t * (3.0 - 2.0 * t);
    if (s->ren) {
      SDL_RenderClear(s->ren);
      if (kind == SCREEN_CROSSFADE) {
        SDL_SetTextureBlendMode(s->tex_next, SDL_BLENDMODE_BLEND);
        SDL_SetTextureAlphaMod(s->tex_next, (Uint8)(k * 255));
        SDL_RenderCopy(s->ren, s->tex, NULL, NULL);
        SDL_RenderCopy(s->ren, s->tex_next, NULL, NULL);
      } else {
        int off = (int)(k * s->w);
        SDL_Rect ra = {-off, 0, s->w, s->h}, rb = {s->w - off, 0, s->w, s->h};
        SDL_RenderCopy(s->ren, s->tex, NULL, &ra);
        SDL_RenderCopy(s->ren, s->tex_next, NULL, &rb);
      }
      SDL_RenderPresent(s->ren); /* waits for vsync */
    } else {
      if (SDL_MUSTLOCK(ws))
        SDL_LockSurface(ws);
      if (kind == SCREEN_CROSSFADE)
        blend(ws, from, next, (Uint32)(k * 256), s->dim);
      else
        slide(ws, from, next, (int)(k * ws->w));
      if (SDL_MUSTLOCK(ws))
        SDL_UnlockSurface(ws);
      SDL_UpdateWindowSurface(s->win);
    }
    double spent = now_ms() - t0;
    record(s, spent);
    if (!s->ren && spent < frame_ms)
      SDL_Delay((Uint32)(frame_ms - spent));
    SDL_PumpEvents(); /* keep the window responsive; events wait in the queue */
  }
  s->stats.transitions++;
  s->stats.wall_ms += now_ms() - start;
  if (s->ren) {
    SDL_Texture *t = s->tex;
    s->tex = s->tex_next;
    s->tex_next = t;
  }
  s->page = next;
  if (s->ren)
    present_gpu(s);
  else
    present_sw(s, next, NULL);
  return 0;
}
