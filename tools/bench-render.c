/* kiosk-bench-render — times painting pages the way the kiosk does.
 *
 *   kiosk-bench-render WxH RUNS PACKDIR...
 *   kiosk-bench-render --image FILE W H RUNS
 *   kiosk-bench-render --card W H RUNS
 *
 * For every page of every pack (each language) it reads, lays out and
 * paints the first part RUNS times after one warm-up (glyph caches full;
 * the image is decoded and scaled in every run, as in the kiosk) and prints, in milliseconds, the
 * median over pages of each page's median, and the range over all runs.
 * --image times decoding and scaling one image; --card times one staff
 * card (a copy of the page, the card painted over it) as the kiosk makes
 * one for each message of a visit. */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/player.h"
#include "core/deck.h"
#include "render/fonts.h"
#include "render/images.h"
#include "render/overlay.h"

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Times decoding and scaling one image, as the kiosk does for a page. */
static int bench_image(const char *path, int w, int h, int runs)
{
  double *t = calloc((size_t)runs, sizeof *t);
  if (!t)
    return 2;
  for (int r = 0; r < runs; r++) {
    images_flush();
    SDL_Surface *s = NULL;
    struct kerr e;
    double t0 = now_ms();
    if (images_load_scaled(path, w, h, 0, &s, &e)) {
      fprintf(stderr, "kiosk-bench-render: %s\n", e.msg);
      free(t);
      return 1;
    }
    t[r] = now_ms() - t0;
    SDL_FreeSurface(s);
  }
  qsort(t, (size_t)runs, sizeof *t, cmp);
  printf("%.1f %.1f %.1f\n", t[runs / 2], t[0], t[runs - 1]);
  free(t);
  images_flush();
  return 0;
}

/* Times a staff card of three messages with a progress bar over a page of
 * w x h, the way staff_show makes it: copy the page, paint the card. */
static int bench_card(struct fonts *f, int w, int h, int runs)
{
  SDL_Surface *page = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_XRGB8888);
  double *t = calloc((size_t)runs, sizeof *t);
  if (!page || !t) {
    SDL_FreeSurface(page);
    free(t);
    return 2;
  }
  SDL_FillRect(page, NULL, SDL_MapRGB(page->format, 0xFA, 0xF9, 0xF6));
  const char *lines[] = {"Флешка: найден 1 пакет",
                         "USB stick: found 1 pack",
                         "Установлено: Безопасная миграция, версия 2",
                         "Installed Safe migration: what to know, version 2",
                         "Установка: Горячие линии (40 %)",
                         "Installing Hotlines (40 %)"};
  for (int r = -1; r < runs; r++) { /* one warm-up: glyph caches full */
    double t0 = now_ms();
    SDL_Surface *copy = SDL_ConvertSurface(page, page->format, 0);
    if (!copy) {
      fprintf(stderr, "kiosk-bench-render: %s\n", SDL_GetError());
      SDL_FreeSurface(page);
      free(t);
      return 1;
    }
    overlay_paint(f, copy, lines, 6, 4, 40);
    if (r >= 0)
      t[r] = now_ms() - t0;
    SDL_FreeSurface(copy);
  }
  qsort(t, (size_t)runs, sizeof *t, cmp);
  printf("%.1f %.1f %.1f\n", t[runs / 2], t[0], t[runs - 1]);
  free(t);
  SDL_FreeSurface(page);
  return 0;
}

int main(int argc, char **argv)
{
  int w, h, runs;
  if (argc == 6 && !strcmp(argv[1], "--image")) {
    IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
    int rc =
        bench_image(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]) > 0 ? atoi(argv[5]) : 1);
    IMG_Quit();
    return rc;
  }
  int card = argc == 5 && !strcmp(argv[1], "--card");
  if (card) {
    w = atoi(argv[2]);
    h = atoi(argv[3]);
    runs = atoi(argv[4]);
    if (w < 1 || h < 1 || runs < 1) {
      fprintf(stderr, "usage: kiosk-bench-render --card W H RUNS\n");
      return 2;
    }
  } else if (argc < 4 || sscanf(argv[1], "%dx%d", &w, &h) != 2 || (runs = atoi(argv[2])) < 1) {
    fprintf(stderr, "usage: kiosk-bench-render WxH RUNS PACKDIR...\n");
    return 2;
  }
  if (SDL_Init(SDL_INIT_EVENTS) || TTF_Init()) {
    fprintf(stderr, "kiosk-bench-render: cannot start SDL\n");
    return 2;
  }
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  struct kerr e;
  struct fonts *f = NULL;
  if (fonts_open(NULL, &f, &e)) {
    fprintf(stderr, "kiosk-bench-render: %s\n", e.msg);
    return 2;
  }
  if (card) {
    int rc = bench_card(f, w, h, runs);
    fonts_close(f);
    IMG_Quit();
    TTF_Quit();
    SDL_Quit();
    return rc;
  }
  struct deck *d = deck_new();
  for (int i = 3; i < argc; i++)
    if (deck_add_dir(d, argv[i], &e)) {
      fprintf(stderr, "kiosk-bench-render: %s\n", e.msg);
      return 2;
    }
  struct player *pl = player_new(d, f);
  size_t n = deck_count(d);
  double *med = calloc(n ? n : 1, sizeof *med);
  double *t = calloc((size_t)runs, sizeof *t);
  double lo = 1e9, hi = 0;
  for (size_t i = 0; i < n; i++) {
    struct slide s;
    if (player_render(pl, i, 0, w, h, &s, &e) == 0)
      slide_clear(&s);
    for (int r = 0; r < runs; r++) {
      images_flush(); /* the kiosk decodes each page's image afresh */
      double t0 = now_ms();
      if (player_render(pl, i, 0, w, h, &s, &e)) {
        fprintf(stderr, "kiosk-bench-render: %s\n", e.msg);
        return 1;
      }
      t[r] = now_ms() - t0;
      slide_clear(&s);
      if (t[r] < lo)
        lo = t[r];
      if (t[r] > hi)
        hi = t[r];
    }
    qsort(t, (size_t)runs, sizeof *t, cmp);
    med[i] = t[runs / 2];
  }
  qsort(med, n, sizeof *med, cmp);
  printf("%.1f %.1f %.1f %zu\n", n ? med[n / 2] : 0.0, n ? lo : 0.0, n ? hi : 0.0, n);
  free(t);
  free(med);
  player_free(pl);
  deck_free(d);
  fonts_close(f);
  images_flush();
  IMG_Quit();
  TTF_Quit();
  SDL_Quit();
  return 0;
}
