/* shotcheck — checks a screenshot of a kiosk page without a golden image.
 *
 *   shotcheck PNG WIDTH HEIGHT
 *
 * Fails (exit 1, with the reason) unless the picture is exactly WIDTHxHEIGHT,
 * has the page background in its outer margin strip (nothing drawn to the
 * edge, so nothing was cut off there), has the footer band along the
 * bottom, and has ink (text or pictures) in the top part of the content
 * area, where every page's heading goes, and over at least 1 % of the
 * content area. Prints a one-line summary. */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>

static Uint32 get(SDL_Surface *s, int x, int y)
{
  Uint8 *p = (Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch + (size_t)x * 4;
  Uint32 v;
  SDL_memcpy(&v, p, 4);
  Uint8 r, g, b;
  SDL_GetRGB(v, s->format, &r, &g, &b);
  return ((Uint32)r << 16) | ((Uint32)g << 8) | b;
}

static int near(Uint32 a, Uint32 b)
{
  int dr = (int)((a >> 16) & 255) - (int)((b >> 16) & 255);
  int dg = (int)((a >> 8) & 255) - (int)((b >> 8) & 255);
  int db = (int)(a & 255) - (int)(b & 255);
  return abs(dr) + abs(dg) + abs(db) < 24;
}

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: shotcheck PNG WIDTH HEIGHT\n");
    return 2;
  }
  int want_w = atoi(argv[2]), want_h = atoi(argv[3]);
  SDL_Surface *raw = IMG_Load(argv[1]);
  if (!raw) {
    fprintf(stderr, "%s: cannot read: %s\n", argv[1], IMG_GetError());
    return 1;
  }
  SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_XRGB8888, 0);
  SDL_FreeSurface(raw);
  if (!s)
    return 2;
  int fail = 0;
  if (s->w != want_w || s->h != want_h) {
    fprintf(stderr, "%s: size %dx%d, expected %dx%d\n", argv[1], s->w, s->h, want_w, want_h);
    SDL_FreeSurface(s);
    return 1;
  }
  int side = s->w < s->h ? s->w : s->h;
  int margin = side * 45 / 1000;
  int foot = side / 10 > 64 ? side / 10 : 64; /* the band, as layout_band_height() */
  Uint32 bg = get(s, 1, 1);
  Uint32 band = get(s, 1, s->h - 2);
  if (near(bg, band)) {
    fprintf(stderr, "%s: no footer band at the bottom\n", argv[1]);
    fail = 1;
  }
  /* Outer margin strip (1/2 of the margin) must be pure background. */
  int strip = margin / 2;
  long edge_ink = 0;
  for (int y = 0; y < s->h - foot; y++)
    for (int x = 0; x < s->w; x++)
      if ((y < strip || x < strip || x >= s->w - strip) && !near(get(s, x, y), bg))
        edge_ink++;
  if (edge_ink) {
    fprintf(stderr, "%s: %ld pixels drawn in the outer margin — something reaches the edge\n",
            argv[1], edge_ink);
    fail = 1;
  }
  /* Ink in the heading zone and over the content area. */
  long ink = 0, head_ink = 0, area = 0;
  int head_bottom = margin + side / 8;
  for (int y = margin; y < s->h - foot - margin; y++)
    for (int x = margin; x < s->w - margin; x++) {
      area++;
      if (!near(get(s, x, y), bg)) {
        ink++;
        if (y < head_bottom)
          head_ink++;
      }
    }
  if (head_ink < 200) {
    fprintf(stderr, "%s: no heading at the top of the page\n", argv[1]);
    fail = 1;
  }
  if (ink * 100 < area) {
    fprintf(stderr, "%s: page is nearly blank (%.2f %% ink)\n", argv[1], 100.0 * ink / area);
    fail = 1;
  }
  printf("%s: %dx%d, %.1f %% ink, heading ink %ld px, edges clean: %s\n", argv[1], s->w, s->h,
         100.0 * ink / area, head_ink, edge_ink ? "no" : "yes");
  SDL_FreeSurface(s);
  return fail;
}
