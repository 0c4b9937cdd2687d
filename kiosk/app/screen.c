/* screen.c — owns the window, the renderer and the texture of the page on
 * show. Headless screens have none of these: pages are only saved as PNG by
 * the caller. The renderer is accelerated where a GPU exists and SDL's
 * software renderer otherwise; the cursor is hidden and the screen saver
 * kept off, since nobody uses a mouse on a wall. */
#include "app/screen.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

struct screen {
  int headless;
  int w, h;
  SDL_Window *win;
  SDL_Renderer *ren;
  SDL_Texture *tex;
  int tex_w, tex_h;
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

int screen_open(const struct opts *o, struct screen **out, struct kerr *e)
{
  *out = NULL;
  struct screen *s = calloc(1, sizeof *s);
  if (!s)
    return kerr_set(e, KERR_NOMEM, "out of memory");
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
  s->win = SDL_CreateWindow("Information kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                            w, h, flags);
  if (!s->win) {
    int rc = kerr_set(e, KERR_DISPLAY,
                      "cannot open a window (%s) — is a display connected? Use --headless "
                      "--size WxH to run without one",
                      SDL_GetError());
    screen_close(s);
    return rc;
  }
  /* Without a GPU device, "accelerated" means Mesa's software GL, which
   * costs 100 MB and 130 ms to start and draws no faster than SDL's own
   * software renderer: use that instead. */
  int gpu = has_gpu();
  if (!gpu) /* else SDL backs the window surface with a GL texture anyway */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  if (gpu)
    s->ren = SDL_CreateRenderer(s->win, -1, SDL_RENDERER_ACCELERATED);
  if (!s->ren)
    s->ren = SDL_CreateRenderer(s->win, -1, SDL_RENDERER_SOFTWARE);
  if (!s->ren) {
    int rc = kerr_set(e, KERR_DISPLAY, "cannot create a renderer: %s", SDL_GetError());
    screen_close(s);
    return rc;
  }
  SDL_RendererInfo info;
  if (SDL_GetRendererInfo(s->ren, &info) == 0)
    log_info("display: %s driver, %s renderer", SDL_GetCurrentVideoDriver(), info.name);
  SDL_ShowCursor(SDL_DISABLE);
  SDL_DisableScreenSaver();
  SDL_GetRendererOutputSize(s->ren, &s->w, &s->h);
  *out = s;
  return 0;
}

void screen_close(struct screen *s)
{
  if (!s)
    return;
  if (s->tex)
    SDL_DestroyTexture(s->tex);
  if (s->ren)
    SDL_DestroyRenderer(s->ren);
  if (s->win)
    SDL_DestroyWindow(s->win);
  free(s);
}

void screen_size(const struct screen *s, int *w, int *h)
{
  if (s->ren)
    SDL_GetRendererOutputSize(s->ren, (int *)&s->w, (int *)&s->h);
  *w = s->w;
  *h = s->h;
}

int screen_headless(const struct screen *s) { return s->headless; }

int screen_show(struct screen *s, SDL_Surface *page, struct kerr *e)
{
  if (s->headless)
    return 0;
  if (!s->tex || s->tex_w != page->w || s->tex_h != page->h) {
    if (s->tex)
      SDL_DestroyTexture(s->tex);
    s->tex = SDL_CreateTexture(s->ren, page->format->format, SDL_TEXTUREACCESS_STREAMING,
                               page->w, page->h);
    if (!s->tex)
      return kerr_set(e, KERR_DISPLAY, "cannot create a %dx%d texture: %s", page->w, page->h,
                      SDL_GetError());
    s->tex_w = page->w;
    s->tex_h = page->h;
  }
  SDL_UpdateTexture(s->tex, NULL, page->pixels, page->pitch);
  screen_refresh(s);
  return 0;
}

void screen_refresh(struct screen *s)
{
  if (s->headless || !s->tex)
    return;
  SDL_SetRenderDrawColor(s->ren, 0, 0, 0, 255);
  SDL_RenderClear(s->ren);
  SDL_RenderCopy(s->ren, s->tex, NULL, NULL);
  SDL_RenderPresent(s->ren);
}
