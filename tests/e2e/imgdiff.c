/* imgdiff — compares a rendered page with its golden image.
 *
 *   imgdiff ACTUAL.png GOLDEN.png [DIFF.png]
 *
 * Passes (exit 0) when both have the same size and at most 0.3 % of the
 * pixels differ by more than 48 in some channel: anti-aliasing and JPEG
 * decoding may move a little, a moved line or a missing word may not.
 * Prints the share of differing pixels; on failure writes DIFF.png (the
 * golden image with differing pixels in red) when given. */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>

static SDL_Surface *load(const char *path)
{
  SDL_Surface *raw = IMG_Load(path);
  if (!raw) {
    fprintf(stderr, "imgdiff: %s: %s\n", path, IMG_GetError());
    return NULL;
  }
  SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_XRGB8888, 0);
  SDL_FreeSurface(raw);
  return s;
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: imgdiff ACTUAL.png GOLDEN.png [DIFF.png]\n");
    return 2;
  }
  SDL_Surface *a = load(argv[1]), *g = load(argv[2]);
  if (!a || !g)
    return 2;
  if (a->w != g->w || a->h != g->h) {
    fprintf(stderr, "imgdiff: %s is %dx%d, golden %s is %dx%d\n", argv[1], a->w, a->h, argv[2],
            g->w, g->h);
    return 1;
  }
  long differ = 0;
  for (int y = 0; y < a->h; y++) {
    Uint8 *pa = (Uint8 *)a->pixels + (size_t)y * (size_t)a->pitch;
    Uint8 *pg = (Uint8 *)g->pixels + (size_t)y * (size_t)g->pitch;
    for (int x = 0; x < a->w; x++) {
      int d = 0;
      for (int c = 0; c < 3; c++) {
        int v = abs(pa[4 * x + c] - pg[4 * x + c]);
        if (v > d)
          d = v;
      }
      if (d > 48) {
        differ++;
        pg[4 * x + 0] = 0; /* mark in the golden copy, for DIFF.png */
        pg[4 * x + 1] = 0;
        pg[4 * x + 2] = 255;
      }
    }
  }
  double share = 100.0 * (double)differ / ((double)a->w * a->h);
  int ok = share <= 0.3;
  printf("%s: %.3f %% of pixels differ from %s%s\n", argv[1], share, argv[2], ok ? "" : " — FAIL");
  if (!ok && argc > 3)
    IMG_SavePNG(g, argv[3]);
  SDL_FreeSurface(a);
  SDL_FreeSurface(g);
  return ok ? 0 : 1;
}
