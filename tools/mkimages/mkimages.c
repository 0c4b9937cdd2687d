/*
 * mkimages: draws the illustrative images of the sample content pack
 * content-packs/bulletin-2020-07 and writes them as JPEG files.
 *
 * The bulletin's own photographs are not available to us, so the pack shows
 * calm, flat illustrations instead: no text, no faces, simple shapes that read
 * from across a waiting room. Everything is drawn in software into a float
 * RGB canvas (anti-aliased signed-distance shapes, gradients, soft glows),
 * then dithered into an SDL_Surface and saved with IMG_SaveJPG. Every random
 * choice comes from a fixed seed, so the same build writes the same pictures.
 *
 * Usage: kiosk-mkimages OUTPUT-FOLDER
 * Exit codes: 0 all images written, 2 usage or system error.
 */
#define SDL_MAIN_HANDLED
#include <SDL.h>
#include <SDL_image.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265f
#define MAX_PTS 96
#define JPEG_QUALITY 85

/* ------------------------------------------------------------------ */
/* Colours and the canvas                                               */
/* ------------------------------------------------------------------ */

typedef struct {
  float r, g, b;
} Rgb;

typedef struct {
  int w, h;
  Rgb *px;
} Canvas;

static float clampf(float v, float lo, float hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

static float smoothstepf(float e0, float e1, float x)
{
  float t = clampf((x - e0) / (e1 - e0), 0.0f, 1.0f);
  return t * t * (3.0f - 2.0f * t);
}

static float mixf(float a, float b, float t)
{
  return a + (b - a) * t;
}

static Rgb hex(unsigned int v)
{
  Rgb c = {(float)((v >> 16) & 0xff) / 255.0f, (float)((v >> 8) & 0xff) / 255.0f,
           (float)(v & 0xff) / 255.0f};
  return c;
}

static Rgb mix(Rgb a, Rgb b, float t)
{
  Rgb c = {mixf(a.r, b.r, t), mixf(a.g, b.g, t), mixf(a.b, b.b, t)};
  return c;
}

/* Colour at t along a list of stops (positions ascending). */
static Rgb gradient_at(const float *pos, const Rgb *col, int n, float t)
{
  if (t <= pos[0])
    return col[0];
  for (int i = 1; i < n; i++)
    if (t <= pos[i])
      return mix(col[i - 1], col[i], smoothstepf(pos[i - 1], pos[i], t));
  return col[n - 1];
}

/* Returns 0, or -1 when out of memory. Free with canvas_free(). */
static int canvas_init(Canvas *cv, int w, int h)
{
  cv->w = w;
  cv->h = h;
  cv->px = calloc((size_t)w * (size_t)h, sizeof *cv->px);
  return cv->px ? 0 : -1;
}

static void canvas_free(Canvas *cv)
{
  free(cv->px);
  cv->px = NULL;
}

static void blend(Canvas *cv, int x, int y, Rgb c, float a)
{
  if (x < 0 || y < 0 || x >= cv->w || y >= cv->h || a <= 0.0f)
    return;
  Rgb *p = &cv->px[(size_t)y * (size_t)cv->w + (size_t)x];
  *p = mix(*p, c, a > 1.0f ? 1.0f : a);
}

/* ------------------------------------------------------------------ */
/* Deterministic noise                                                  */
/* ------------------------------------------------------------------ */

static uint32_t hash_u32(uint32_t x)
{
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

static float hash1(int i, uint32_t seed)
{
  return (float)(hash_u32((uint32_t)i * 0x9e3779b9U ^ seed) >> 8) / 16777216.0f;
}

static float hash2(int x, int y, uint32_t seed)
{
  return hash1(x + (int)(hash_u32((uint32_t)y ^ 0x5bd1e995U) & 0xffffff), seed);
}

static float noise1(float x, uint32_t seed)
{
  float fl = floorf(x);
  int i = (int)fl;
  float f = x - fl;
  float u = f * f * (3.0f - 2.0f * f);
  return mixf(hash1(i, seed), hash1(i + 1, seed), u);
}

static float fbm1(float x, uint32_t seed, int octaves)
{
  float sum = 0.0f, amp = 0.5f, norm = 0.0f;
  for (int o = 0; o < octaves; o++) {
    sum += amp * noise1(x, seed + (uint32_t)o * 101U);
    norm += amp;
    amp *= 0.5f;
    x *= 2.03f;
  }
  return sum / norm;
}

static float noise2(float x, float y, uint32_t seed)
{
  float fx = floorf(x), fy = floorf(y);
  int ix = (int)fx, iy = (int)fy;
  float tx = x - fx, ty = y - fy;
  float ux = tx * tx * (3.0f - 2.0f * tx);
  float uy = ty * ty * (3.0f - 2.0f * ty);
  float a = hash2(ix, iy, seed), b = hash2(ix + 1, iy, seed);
  float c = hash2(ix, iy + 1, seed), d = hash2(ix + 1, iy + 1, seed);
  return mixf(mixf(a, b, ux), mixf(c, d, ux), uy);
}

static float fbm2(float x, float y, uint32_t seed, int octaves)
{
  float sum = 0.0f, amp = 0.5f, norm = 0.0f;
  for (int o = 0; o < octaves; o++) {
    sum += amp * noise2(x, y, seed + (uint32_t)o * 131U);
    norm += amp;
    amp *= 0.5f;
    x *= 2.01f;
    y *= 2.01f;
  }
  return sum / norm;
}

static float hash3(int x, int y, int z, uint32_t seed)
{
  return hash2(x, y + (int)(hash_u32((uint32_t)z ^ 0x27d4eb2dU) & 0xffff), seed);
}

static float noise3(float x, float y, float z, uint32_t seed)
{
  float fx = floorf(x), fy = floorf(y), fz = floorf(z);
  int ix = (int)fx, iy = (int)fy, iz = (int)fz;
  float u[3] = {x - fx, y - fy, z - fz};
  float c[2][2][2];
  for (int k = 0; k < 3; k++)
    u[k] = u[k] * u[k] * (3.0f - 2.0f * u[k]);
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      for (int k = 0; k < 2; k++)
        c[i][j][k] = hash3(ix + i, iy + j, iz + k, seed);
  float a = mixf(mixf(c[0][0][0], c[1][0][0], u[0]), mixf(c[0][1][0], c[1][1][0], u[0]), u[1]);
  float b = mixf(mixf(c[0][0][1], c[1][0][1], u[0]), mixf(c[0][1][1], c[1][1][1], u[0]), u[1]);
  return mixf(a, b, u[2]);
}

static float fbm3(float x, float y, float z, uint32_t seed, int octaves)
{
  float sum = 0.0f, amp = 0.5f, norm = 0.0f;
  for (int o = 0; o < octaves; o++) {
    sum += amp * noise3(x, y, z, seed + (uint32_t)o * 151U);
    norm += amp;
    amp *= 0.5f;
    x *= 2.02f;
    y *= 2.02f;
    z *= 2.02f;
  }
  return sum / norm;
}

/* A small xorshift generator for placing things (stars, grille holes). */
typedef struct {
  uint32_t s;
} Rng;

static float rng_next(Rng *r)
{
  r->s ^= r->s << 13;
  r->s ^= r->s >> 17;
  r->s ^= r->s << 5;
  return (float)(r->s >> 8) / 16777216.0f;
}

/* ------------------------------------------------------------------ */
/* Paints                                                               */
/* ------------------------------------------------------------------ */

enum paint_kind { PAINT_SOLID, PAINT_LINEAR, PAINT_RADIAL, PAINT_SPLIT };

/*
 * SOLID: c0. LINEAR: c0 at (x0,y0) to c1 at (x1,y1). RADIAL: c0 at (x0,y0)
 * to c1 at distance r. SPLIT: two flat colours either side of the directed
 * line (x0,y0)->(x1,y1), with a one-pixel anti-aliased seam (two-tone
 * facets); for a line drawn down the screen, c0 is on the screen's left.
 */
typedef struct {
  enum paint_kind kind;
  Rgb c0, c1;
  float x0, y0, x1, y1, r;
} Paint;

static Paint solid(Rgb c)
{
  Paint p = {PAINT_SOLID, c, c, 0, 0, 0, 0, 0};
  return p;
}

static Paint linear(Rgb c0, float x0, float y0, Rgb c1, float x1, float y1)
{
  Paint p = {PAINT_LINEAR, c0, c1, x0, y0, x1, y1, 0};
  return p;
}

static Paint radial(Rgb c0, float cx, float cy, Rgb c1, float r)
{
  Paint p = {PAINT_RADIAL, c0, c1, cx, cy, 0, 0, r};
  return p;
}

static Paint split(Rgb left, Rgb right, float x0, float y0, float x1, float y1)
{
  Paint p = {PAINT_SPLIT, left, right, x0, y0, x1, y1, 0};
  return p;
}

static Rgb paint_at(const Paint *p, float x, float y)
{
  float dx, dy, len2, t;

  switch (p->kind) {
  case PAINT_LINEAR:
    dx = p->x1 - p->x0;
    dy = p->y1 - p->y0;
    len2 = dx * dx + dy * dy;
    t = len2 > 0 ? ((x - p->x0) * dx + (y - p->y0) * dy) / len2 : 0;
    return mix(p->c0, p->c1, clampf(t, 0.0f, 1.0f));
  case PAINT_RADIAL:
    t = hypotf(x - p->x0, y - p->y0) / p->r;
    return mix(p->c0, p->c1, clampf(t, 0.0f, 1.0f));
  case PAINT_SPLIT:
    dx = p->x1 - p->x0;
    dy = p->y1 - p->y0;
    /* Signed distance from the line: positive on c0's side. */
    t = (dx * (y - p->y0) - dy * (x - p->x0)) / hypotf(dx, dy);
    return mix(p->c1, p->c0, clampf(0.5f + t, 0.0f, 1.0f));
  case PAINT_SOLID:
  default: return p->c0;
  }
}

/* ------------------------------------------------------------------ */
/* Shapes as signed distance functions                                  */
/* ------------------------------------------------------------------ */

enum shape_kind {
  SHAPE_CIRCLE,
  SHAPE_ELLIPSE,
  SHAPE_BOX,
  SHAPE_POLY,
  SHAPE_POLYLINE,
  SHAPE_ARC,
  SHAPE_ELLIPSE_ARC
};

/*
 * One drawable shape. Fields used per kind:
 *   CIRCLE       cx cy rx
 *   ELLIPSE      cx cy rx ry angle
 *   BOX          cx cy rx ry (half sizes) angle round (corner radius)
 *   POLY         n pts (any simple polygon)
 *   POLYLINE     n pts width (round caps and joins)
 *   ARC          cx cy rx (radius) width a0 a1 (radians, a0 < a1)
 *   ELLIPSE_ARC  cx cy rx ry angle width half (1: local y >= 0 only,
 *                -1: local y <= 0 only, 0: whole ellipse)
 */
typedef struct {
  enum shape_kind kind;
  float cx, cy, rx, ry, angle, round, width, a0, a1;
  int half;
  int n;
  float pts[2 * MAX_PTS];
} Shape;

static Shape circle(float cx, float cy, float r)
{
  Shape s;
  memset(&s, 0, sizeof s);
  s.kind = SHAPE_CIRCLE;
  s.cx = cx;
  s.cy = cy;
  s.rx = r;
  return s;
}

static Shape ellipse(float cx, float cy, float rx, float ry, float angle)
{
  Shape s = circle(cx, cy, rx);
  s.kind = SHAPE_ELLIPSE;
  s.ry = ry;
  s.angle = angle;
  return s;
}

static Shape box(float cx, float cy, float hw, float hh, float angle, float round)
{
  Shape s = ellipse(cx, cy, hw, hh, angle);
  s.kind = SHAPE_BOX;
  s.round = round;
  return s;
}

static Shape arc(float cx, float cy, float r, float width, float a0, float a1)
{
  Shape s = circle(cx, cy, r);
  s.kind = SHAPE_ARC;
  s.width = width;
  s.a0 = a0;
  s.a1 = a1;
  return s;
}

static Shape ellipse_arc(float cx, float cy, float rx, float ry, float angle, float width, int half)
{
  Shape s = ellipse(cx, cy, rx, ry, angle);
  s.kind = SHAPE_ELLIPSE_ARC;
  s.width = width;
  s.half = half;
  return s;
}

/* pts holds n (x, y) pairs. */
static Shape poly(int n, const float *pts)
{
  Shape s;
  memset(&s, 0, sizeof s);
  s.kind = SHAPE_POLY;
  s.n = n > MAX_PTS ? MAX_PTS : n;
  memcpy(s.pts, pts, sizeof(float) * 2 * (size_t)s.n);
  return s;
}

static Shape polyline(int n, const float *pts, float width)
{
  Shape s = poly(n, pts);
  s.kind = SHAPE_POLYLINE;
  s.width = width;
  return s;
}

static Shape line(float ax, float ay, float bx, float by, float width)
{
  float p[4] = {ax, ay, bx, by};
  return polyline(2, p, width);
}

static float seg_dist(float px, float py, float ax, float ay, float bx, float by)
{
  float ex = bx - ax, ey = by - ay;
  float wx = px - ax, wy = py - ay;
  float l2 = ex * ex + ey * ey;
  float t = l2 > 0 ? clampf((wx * ex + wy * ey) / l2, 0.0f, 1.0f) : 0;
  return hypotf(wx - ex * t, wy - ey * t);
}

/* Approximate distance to an ellipse outline (first-order, exact enough
 * within a few pixels of the curve, which is all anti-aliasing needs). */
static float ellipse_dist(float lx, float ly, float rx, float ry)
{
  float X = lx / rx, Y = ly / ry;
  float k = sqrtf(X * X + Y * Y);
  if (k < 1e-6f)
    return -fminf(rx, ry);
  float gx = X / (rx * k), gy = Y / (ry * k);
  return (k - 1.0f) / sqrtf(gx * gx + gy * gy);
}

static float poly_dist(const Shape *s, float px, float py)
{
  const float *v = s->pts;
  int n = s->n;
  float d = (px - v[0]) * (px - v[0]) + (py - v[1]) * (py - v[1]);
  float sign = 1.0f;

  for (int i = 0, j = n - 1; i < n; j = i, i++) {
    float ex = v[2 * j] - v[2 * i], ey = v[2 * j + 1] - v[2 * i + 1];
    float wx = px - v[2 * i], wy = py - v[2 * i + 1];
    float l2 = ex * ex + ey * ey;
    float t = l2 > 0 ? clampf((wx * ex + wy * ey) / l2, 0.0f, 1.0f) : 0;
    float bx = wx - ex * t, by = wy - ey * t;
    d = fminf(d, bx * bx + by * by);
    int c1 = py >= v[2 * i + 1];
    int c2 = py < v[2 * j + 1];
    int c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3))
      sign = -sign;
  }
  return sign * sqrtf(d);
}

static float shape_dist(const Shape *s, float x, float y)
{
  float dx = x - s->cx, dy = y - s->cy;
  float c = cosf(s->angle), sn = sinf(s->angle);
  float lx = dx * c + dy * sn, ly = -dx * sn + dy * c;
  float d;

  switch (s->kind) {
  case SHAPE_CIRCLE: return hypotf(dx, dy) - s->rx;
  case SHAPE_ELLIPSE: return ellipse_dist(lx, ly, s->rx, s->ry);
  case SHAPE_BOX: {
    float qx = fabsf(lx) - (s->rx - s->round);
    float qy = fabsf(ly) - (s->ry - s->round);
    float ox = fmaxf(qx, 0.0f), oy = fmaxf(qy, 0.0f);
    return hypotf(ox, oy) + fminf(fmaxf(qx, qy), 0.0f) - s->round;
  }
  case SHAPE_POLY: return poly_dist(s, x, y);
  case SHAPE_POLYLINE:
    d = 1e9f;
    for (int i = 0; i + 1 < s->n; i++)
      d = fminf(
          d,
          seg_dist(x, y, s->pts[2 * i], s->pts[2 * i + 1], s->pts[2 * i + 2], s->pts[2 * i + 3]));
    if (s->n == 1)
      d = hypotf(x - s->pts[0], y - s->pts[1]);
    return d - s->width * 0.5f;
  case SHAPE_ARC: {
    float a = atan2f(dy, dx);
    while (a < s->a0)
      a += 2.0f * PI_F;
    if (a <= s->a1)
      return fabsf(hypotf(dx, dy) - s->rx) - s->width * 0.5f;
    float e0 = hypotf(dx - s->rx * cosf(s->a0), dy - s->rx * sinf(s->a0));
    float e1 = hypotf(dx - s->rx * cosf(s->a1), dy - s->rx * sinf(s->a1));
    return fminf(e0, e1) - s->width * 0.5f;
  }
  case SHAPE_ELLIPSE_ARC:
    d = fabsf(ellipse_dist(lx, ly, s->rx, s->ry)) - s->width * 0.5f;
    if (s->half > 0)
      d = fmaxf(d, -ly);
    else if (s->half < 0)
      d = fmaxf(d, ly);
    return d;
  }
  return 1e9f;
}

static void shape_bounds(const Shape *s, float pad, int *x0, int *y0, int *x1, int *y1)
{
  float minx, miny, maxx, maxy;

  if (s->kind == SHAPE_POLY || s->kind == SHAPE_POLYLINE) {
    minx = maxx = s->pts[0];
    miny = maxy = s->pts[1];
    for (int i = 1; i < s->n; i++) {
      minx = fminf(minx, s->pts[2 * i]);
      maxx = fmaxf(maxx, s->pts[2 * i]);
      miny = fminf(miny, s->pts[2 * i + 1]);
      maxy = fmaxf(maxy, s->pts[2 * i + 1]);
    }
    pad += s->width;
  } else {
    float r = fmaxf(s->rx, s->ry);
    if (s->kind == SHAPE_BOX)
      r = hypotf(s->rx, s->ry);
    r += s->width;
    minx = s->cx - r;
    maxx = s->cx + r;
    miny = s->cy - r;
    maxy = s->cy + r;
  }
  *x0 = (int)floorf(minx - pad);
  *y0 = (int)floorf(miny - pad);
  *x1 = (int)ceilf(maxx + pad);
  *y1 = (int)ceilf(maxy + pad);
}

/*
 * Paints a shape with the given paint and opacity. soft is the width in
 * pixels of the edge's fade: 1 for a crisp anti-aliased edge, more for a
 * blurred one (shadows, glows).
 */
static void fill(Canvas *cv, const Shape *s, const Paint *p, float alpha, float soft)
{
  int x0, y0, x1, y1;

  if (soft < 1.0f)
    soft = 1.0f;
  shape_bounds(s, soft + 2.0f, &x0, &y0, &x1, &y1);
  if (x0 < 0)
    x0 = 0;
  if (y0 < 0)
    y0 = 0;
  if (x1 > cv->w)
    x1 = cv->w;
  if (y1 > cv->h)
    y1 = cv->h;
  for (int y = y0; y < y1; y++) {
    for (int x = x0; x < x1; x++) {
      float fx = (float)x + 0.5f, fy = (float)y + 0.5f;
      float d = shape_dist(s, fx, fy);
      float cov =
          soft <= 1.0f ? clampf(0.5f - d, 0.0f, 1.0f) : smoothstepf(soft * 0.5f, -soft * 0.5f, d);
      if (cov > 0.0f)
        blend(cv, x, y, paint_at(p, fx, fy), alpha * cov);
    }
  }
}

static void fill_solid(Canvas *cv, Shape s, Rgb c)
{
  Paint p = solid(c);
  fill(cv, &s, &p, 1.0f, 1.0f);
}

static void fill_paint(Canvas *cv, Shape s, Paint p)
{
  fill(cv, &s, &p, 1.0f, 1.0f);
}

static void fill_alpha(Canvas *cv, Shape s, Rgb c, float alpha, float soft)
{
  Paint p = solid(c);
  fill(cv, &s, &p, alpha, soft);
}

/* A Gaussian glow of colour c, opacity amax at the centre, radius r. */
static void glow(Canvas *cv, float cx, float cy, float r, Rgb c, float amax)
{
  int x0 = (int)(cx - 3 * r), x1 = (int)(cx + 3 * r);
  int y0 = (int)(cy - 3 * r), y1 = (int)(cy + 3 * r);

  for (int y = y0 < 0 ? 0 : y0; y < y1 && y < cv->h; y++)
    for (int x = x0 < 0 ? 0 : x0; x < x1 && x < cv->w; x++) {
      float d = hypotf((float)x + 0.5f - cx, (float)y + 0.5f - cy) / r;
      blend(cv, x, y, c, amax * expf(-d * d));
    }
}

/* Fills the whole canvas with a vertical gradient through the stops
 * (positions in pixels from the top). */
static void fill_vertical(Canvas *cv, const float *pos, const Rgb *col, int n)
{
  for (int y = 0; y < cv->h; y++) {
    Rgb c = gradient_at(pos, col, n, (float)y + 0.5f);
    for (int x = 0; x < cv->w; x++)
      cv->px[(size_t)y * (size_t)cv->w + (size_t)x] = c;
  }
}

/* A skyline: everything below ridge(x) is land. */
typedef float (*RidgeFn)(const void *ctx, float x);

/* Fills the area under a ridge line down to the bottom of the canvas,
 * anti-aliased with four sub-samples across each column. */
static void fill_ridge(Canvas *cv, RidgeFn ridge, const void *ctx, const Paint *p, float alpha)
{
  for (int x = 0; x < cv->w; x++) {
    float r[4], top = 1e9f;
    for (int k = 0; k < 4; k++) {
      r[k] = ridge(ctx, (float)x + ((float)k + 0.5f) / 4.0f);
      top = fminf(top, r[k]);
    }
    int y0 = (int)floorf(top);
    for (int y = y0 < 0 ? 0 : y0; y < cv->h; y++) {
      float cov = 0.0f;
      for (int k = 0; k < 4; k++)
        cov += clampf((float)y + 1.0f - r[k], 0.0f, 1.0f);
      cov *= 0.25f;
      blend(cv, x, y, paint_at(p, (float)x + 0.5f, (float)y + 0.5f), alpha * cov);
    }
  }
}

/* ------------------------------------------------------------------ */
/* Saving                                                               */
/* ------------------------------------------------------------------ */

/* Dithers the canvas to 8 bits and writes it as JPEG. Returns 0 or -1 with
 * a message on stderr. */
static int canvas_save_jpg(const Canvas *cv, const char *path)
{
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, cv->w, cv->h, 24, SDL_PIXELFORMAT_RGB24);
  int rc = -1;

  if (!s) {
    fprintf(stderr, "mkimages: cannot make a %dx%d surface: %s\n", cv->w, cv->h, SDL_GetError());
    return -1;
  }
  if (SDL_LockSurface(s) != 0) {
    fprintf(stderr, "mkimages: cannot lock surface: %s\n", SDL_GetError());
    goto out;
  }
  for (int y = 0; y < cv->h; y++) {
    Uint8 *row = (Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch;
    for (int x = 0; x < cv->w; x++) {
      Rgb c = cv->px[(size_t)y * (size_t)cv->w + (size_t)x];
      float ch[3] = {c.r, c.g, c.b};
      for (int k = 0; k < 3; k++) {
        /* Triangular dither against gradient banding. */
        float d = hash2(x, y, 17U + (uint32_t)k) + hash2(x, y, 91U + (uint32_t)k) - 1.0f;
        float v = ch[k] * 255.0f + d + 0.5f;
        row[3 * x + k] = (Uint8)clampf(v, 0.0f, 255.0f);
      }
    }
  }
  SDL_UnlockSurface(s);
  if (IMG_SaveJPG(s, path, JPEG_QUALITY) != 0) {
    fprintf(stderr, "mkimages: cannot write %s: %s\n", path, IMG_GetError());
    goto out;
  }
  rc = 0;
out:
  SDL_FreeSurface(s);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Image 1: the road home — through an open border barrier, into the     */
/* mountains at dawn.                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
  float base, amp, freq, phase;
  uint32_t seed;
  int octaves;
  float sharp; /* 0 smooth hills, 1 jagged peaks */
} Ridge;

static float ridge_line(const void *ctx, float x)
{
  const Ridge *r = ctx;
  float n = fbm1(x * r->freq + r->phase, r->seed, r->octaves);
  float peaky = 1.0f - fabsf(2.0f * n - 1.0f);
  float h = mixf(n, peaky * peaky, r->sharp);
  return r->base - r->amp * h;
}

/* The far range dips where the sun rises so that the sun shows. */
static float far_range(const void *ctx, float x)
{
  float y = ridge_line(ctx, x);
  float dip = expf(-powf((x - 600.0f) / 150.0f, 2.0f));
  return y + 45.0f * dip;
}

/* Gentle near hills; lowest around the road's vanishing point. */
static float near_hills(const void *ctx, float x)
{
  const Ridge *r = ctx;
  float y = r->base - r->amp * (0.5f + 0.5f * sinf(x * 0.0052f + 2.2f)) -
      18.0f * fbm1(x * 0.006f, r->seed, 3);
  float dip = expf(-powf((x - 600.0f) / 220.0f, 2.0f));
  return y + 22.0f * dip;
}

static float hills_mid(const void *ctx, float x)
{
  const Ridge *r = ctx;
  return r->base - r->amp * (0.5f + 0.5f * sinf(x * 0.0041f + 0.6f)) -
      20.0f * fbm1(x * 0.01f, r->seed, 3);
}

typedef struct {
  float ax, ay, hw, base;
} Peak;

/* A two-tone mountain: the face towards the sun is lit. */
static void draw_peak(Canvas *cv, const Peak *pk, float sun_x, Rgb lit, Rgb shade, Rgb snow_lit,
                      Rgb snow_shade, uint32_t seed)
{
  float lx = pk->ax - pk->hw, rx = pk->ax + pk->hw;
  float sx = pk->ax + pk->hw * 0.12f;
  int sun_left = sun_x < pk->ax;
  Rgb left = sun_left ? lit : shade, right = sun_left ? shade : lit;
  Rgb sleft = sun_left ? snow_lit : snow_shade;
  Rgb sright = sun_left ? snow_shade : snow_lit;
  /* The seam runs down from the apex, so split()'s c0 is the left face. */
  float tri[6] = {pk->ax, pk->ay, rx, pk->base, lx, pk->base};
  fill_paint(cv, poly(3, tri), split(left, right, pk->ax, pk->ay, sx, pk->base));

  /* Snow cap: from the apex down a fifth of the height, with a ragged
	 * lower edge. */
  float h = pk->base - pk->ay;
  float f = 0.2f + 0.06f * hash1(1, seed);
  float cap[2 * 16];
  int n = 0;
  cap[n++] = pk->ax;
  cap[n++] = pk->ay;
  float ly = pk->ay + h * f;
  float lxe = pk->ax - pk->hw * f, rxe = pk->ax + pk->hw * f;
  cap[n++] = rxe;
  cap[n++] = ly;
  for (int i = 1; i < 6; i++) {
    float t = (float)i / 6.0f;
    float x = mixf(rxe, lxe, t);
    float dy = (i % 2 ? -1.0f : 0.6f) * h * 0.045f * (0.6f + hash1(i + 7, seed));
    cap[n++] = x;
    cap[n++] = ly + dy;
  }
  cap[n++] = lxe;
  cap[n++] = ly;
  fill_paint(cv, poly(n / 2, cap), split(sleft, sright, pk->ax, pk->ay, sx, pk->base));
}

/* Centre and half width of the road at screen row y. */
typedef struct {
  float yv, ybot; /* vanishing row and bottom row */
  float xv;       /* vanishing x */
} Road;

static float road_t(const Road *rd, float y)
{
  return (y - rd->yv) / (rd->ybot - rd->yv);
}

static float road_half(const Road *rd, float y)
{
  float t = road_t(rd, y);
  return 3.0f + 430.0f * t * t * 0.35f + 190.0f * t;
}

static float road_centre(const Road *rd, float y)
{
  float t = road_t(rd, y);
  return rd->xv + 260.0f * t * (1.0f - t) - 60.0f * t * t;
}

static void draw_road(Canvas *cv, const Road *rd)
{
  Rgb far_c = hex(0x8a7f99), near_c = hex(0x4a4658);
  Rgb edge = hex(0xe9dcc6), dash = hex(0xf3d37e);

  for (int y = (int)rd->yv; y < cv->h; y++) {
    float fy = (float)y + 0.5f;
    float t = road_t(rd, fy);
    if (t < 0)
      continue;
    float cx = road_centre(rd, fy), hw = road_half(rd, fy);
    Rgb c = mix(far_c, near_c, powf(t, 0.6f));
    /* Depth along the road, for perspective-correct dashes. */
    float z = 1.0f / (t + 0.035f);
    int dash_on = fmodf(z * 0.9f, 1.0f) < 0.45f;
    float lw = fmaxf(0.5f, hw * 0.022f);
    float ew = fmaxf(0.4f, hw * 0.018f);
    int x0 = (int)floorf(cx - hw - 2), x1 = (int)ceilf(cx + hw + 2);
    for (int x = x0; x <= x1; x++) {
      float fx = (float)x + 0.5f;
      float dx = fabsf(fx - cx);
      float cov = clampf(hw - dx + 0.5f, 0.0f, 1.0f);
      if (cov <= 0)
        continue;
      blend(cv, x, y, c, cov);
      /* Pale edge lines, set in a little from the verge. */
      float de = fabsf(dx - (hw - ew * 2.5f));
      blend(cv, x, y, edge, 0.8f * clampf(ew - de + 0.5f, 0.0f, 1.0f));
      if (dash_on)
        blend(cv, x, y, dash, 0.95f * clampf(lw - dx + 0.5f, 0.0f, 1.0f));
    }
  }
}

/* A slender poplar standing on the ground at (x, y), height h. */
static void draw_poplar(Canvas *cv, float x, float y, float h, Rgb lit, Rgb shade)
{
  float w = h * 0.16f;
  fill_solid(cv, line(x, y, x, y - h * 0.3f, fmaxf(1.0f, w * 0.18f)), hex(0x4b3b45));
  fill_paint(cv, ellipse(x, y - h * 0.58f, w, h * 0.46f, 0.0f),
             split(lit, shade, x + w * 0.15f, y - h, x + w * 0.15f, y));
}

static void draw_checkpoint(Canvas *cv, const Road *rd)
{
  float y = rd->yv + 0.4f * (rd->ybot - rd->yv);
  float cx = road_centre(rd, y), hw = road_half(rd, y);
  float s = hw / 95.0f; /* about one screen unit per 7.5 cm at the gate */

  /* Booth on the right verge, with a warm lit window. */
  float bw = 52.0f * s, bh = 64.0f * s, bx = cx + hw + 16.0f * s + bw * 0.5f;
  fill_alpha(cv, ellipse(bx + 6 * s, y + 2 * s, bw * 0.9f, 6 * s, 0), hex(0x2d2a3a), 0.3f, 6 * s);
  fill_paint(cv, box(bx, y - bh * 0.5f, bw * 0.5f, bh * 0.5f, 0, 1.5f * s),
             split(hex(0xc9bcc4), hex(0xf3e9dc), bx + bw * 0.3f, y - bh, bx + bw * 0.3f, y));
  /* Roof with an overhang, a door, and a lit window facing the road. */
  fill_solid(cv, box(bx, y - bh - 3 * s, bw * 0.68f, 5 * s, 0, 2 * s), hex(0x58476a));
  fill_solid(cv, box(bx + bw * 0.18f, y - bh * 0.32f, bw * 0.14f, bh * 0.32f, 0, 1 * s),
             hex(0x8d7b8f));
  fill_solid(cv, box(bx - bw * 0.2f, y - bh * 0.6f, bw * 0.2f, bh * 0.14f, 0, 1.5f * s),
             hex(0xffd98f));
  glow(cv, bx - bw * 0.2f, y - bh * 0.6f, 26 * s, hex(0xffd98f), 0.2f);

  /* The barrier: post on the left verge, striped arm raised — the road
	 * is open. */
  float px = cx - hw - 14.0f * s, py = y - 30.0f * s;
  fill_solid(cv, box(px, y - 15.0f * s, 4.5f * s, 15.0f * s, 0, 1.5f * s), hex(0x5a4f66));
  fill_alpha(cv, ellipse(px, y + 1 * s, 14 * s, 4 * s, 0), hex(0x2d2a3a), 0.25f, 4 * s);
  float ang = -1.15f; /* raised well up from horizontal */
  float len = 150.0f * s;
  int stripes = 7;
  for (int i = 0; i < stripes; i++) {
    float t0 = (float)i / (float)stripes;
    float t1 = (float)(i + 1) / (float)stripes;
    float ax = px + cosf(ang) * len * t0, ay = py + sinf(ang) * len * t0;
    float bx2 = px + cosf(ang) * len * t1, by2 = py + sinf(ang) * len * t1;
    fill_solid(cv, line(ax, ay, bx2, by2, 6.5f * s), i % 2 ? hex(0xf6efe6) : hex(0xd9534f));
  }
  fill_solid(cv, circle(px, py, 6.0f * s), hex(0x3f3650));
}

static void draw_bird(Canvas *cv, float x, float y, float s)
{
  float p[6] = {x - 10 * s, y - 4 * s, x, y + 2 * s, x + 11 * s, y - 5 * s};
  fill_solid(cv, polyline(3, p, 1.8f * s), hex(0x3a3560));
}

static void draw_returning_home(Canvas *cv)
{
  float W = (float)cv->w, H = (float)cv->h;
  const float sun_x = 600.0f, sun_y = 468.0f;

  /* Dawn sky. */
  float pos[] = {0, 170, 330, 430, 520};
  Rgb col[] = {hex(0x2a315f), hex(0x5b5592), hex(0xb9869f), hex(0xf3a57c), hex(0xffd79c)};
  fill_vertical(cv, pos, col, 5);

  /* The last stars. */
  Rng rng = {0x1234567U};
  for (int i = 0; i < 40; i++) {
    float x = rng_next(&rng) * W, y = rng_next(&rng) * 190.0f;
    float r = 0.8f + rng_next(&rng) * 1.3f;
    fill_alpha(cv, circle(x, y, r), hex(0xfff6e0), 0.35f + 0.4f * (1.0f - y / 190.0f), 1.0f);
  }

  /* Sun and its glow. */
  glow(cv, sun_x, sun_y, 420.0f, hex(0xffd9a8), 0.35f);
  glow(cv, sun_x, sun_y, 150.0f, hex(0xffeccc), 0.5f);
  fill_solid(cv, circle(sun_x, sun_y, 58.0f), hex(0xfff3d6));

  /* Far range, hazy. */
  Ridge far = {500.0f, 150.0f, 0.0042f, 3.1f, 11U, 5, 0.65f};
  Paint pf = linear(hex(0x8d80b4), 0, 360, hex(0xdca3a4), 0, 540);
  fill_ridge(cv, far_range, &far, &pf, 1.0f);

  /* Middle range: bold two-tone peaks with snow, leaving the valley
	 * where the sun rises open. */
  const Peak peaks[] = {
      {60, 350, 270, 660},  {1150, 330, 280, 660}, {300, 300, 300, 660},
      {900, 285, 310, 660}, {470, 395, 200, 660},  {745, 400, 200, 660},
  };
  for (size_t i = 0; i < sizeof peaks / sizeof peaks[0]; i++)
    draw_peak(cv, &peaks[i], sun_x, hex(0x9a86b3), hex(0x5d5588), hex(0xfbeff0), hex(0xb9b0d6),
              40U + (uint32_t)i);

  /* Morning haze pooling in the valley. */
  for (int y = 430; y < 640; y++) {
    float a = 0.45f * expf(-powf(((float)y - 575.0f) / 45.0f, 2.0f));
    for (int x = 0; x < cv->w; x++)
      blend(cv, x, y, hex(0xf7c3a6), a);
  }

  /* Rolling steppe. */
  Ridge mid = {600.0f, 40.0f, 0, 0, 21U, 3, 0};
  Paint pm = linear(hex(0xa7a46f), 0, 550, hex(0x7f8a57), 0, 700);
  fill_ridge(cv, hills_mid, &mid, &pm, 1.0f);

  Ridge near = {640.0f, 36.0f, 0, 0, 31U, 3, 0};
  Paint pn = linear(hex(0x8f9a5c), 0, 600, hex(0x55683c), 0, H);
  fill_ridge(cv, near_hills, &near, &pn, 1.0f);

  /* Long shadows and light across the near ground. */
  for (int y = 600; y < cv->h; y++)
    for (int x = 0; x < cv->w; x++) {
      float n = fbm2((float)x * 0.004f, (float)y * 0.012f, 5U, 3);
      blend(cv, x, y, hex(0x3f5230), 0.22f * smoothstepf(0.45f, 0.7f, n));
    }

  Road rd = {near_hills(&near, 600.0f) + 4.0f, H, 600.0f};
  draw_road(cv, &rd);

  /* Poplars along the road, smaller with distance. */
  const float tpos[] = {0.04f, 0.07f, 0.11f, 0.16f, 0.22f, 0.29f, 0.78f};
  for (size_t i = 0; i < sizeof tpos / sizeof tpos[0]; i++) {
    float y = rd.yv + tpos[i] * (rd.ybot - rd.yv);
    float hw = road_half(&rd, y);
    float cx = road_centre(&rd, y);
    float h = hw * 1.55f + 14.0f;
    draw_poplar(cv, cx - hw - 0.75f * hw - 8.0f, y, h, hex(0x6f8f4e), hex(0x3c5533));
  }
  draw_checkpoint(cv, &rd);

  draw_bird(cv, 820, 190, 1.4f);
  draw_bird(cv, 860, 170, 1.1f);
  draw_bird(cv, 790, 160, 0.9f);
}

/* ------------------------------------------------------------------ */
/* Image 2: partnership — a globe held by two interlocking bands, with   */
/* links arching between places.                                        */
/* ------------------------------------------------------------------ */

typedef struct {
  float cx, cy, r;
  float tilt, spin; /* radians */
} Globe;

typedef struct {
  float x, y, z;
} Vec3;

static Vec3 v3(float x, float y, float z)
{
  Vec3 v = {x, y, z};
  return v;
}

static float v3dot(Vec3 a, Vec3 b)
{
  return a.x * b.x + a.y * b.y + a.z * b.z;
}

static Vec3 v3norm(Vec3 a)
{
  float l = sqrtf(v3dot(a, a));
  return v3(a.x / l, a.y / l, a.z / l);
}

/* Unit vector on the sphere from latitude and longitude, in view space
 * (x right, y down, z towards the viewer), after tilt and spin. */
static Vec3 globe_point(const Globe *g, float lat, float lon)
{
  float cl = cosf(lat);
  Vec3 p = v3(cl * sinf(lon + g->spin), -sinf(lat), cl * cosf(lon + g->spin));
  float ct = cosf(g->tilt), st = sinf(g->tilt);
  return v3(p.x, p.y * ct - p.z * st, p.y * st + p.z * ct);
}

/* Inverse of globe_point for a visible view-space point. */
static void globe_latlon(const Globe *g, Vec3 p, float *lat, float *lon)
{
  float ct = cosf(g->tilt), st = sinf(g->tilt);
  Vec3 q = v3(p.x, p.y * ct + p.z * st, -p.y * st + p.z * ct);
  *lat = asinf(clampf(-q.y, -1.0f, 1.0f));
  *lon = atan2f(q.x, q.z) - g->spin;
}

static Rgb globe_shade(const Globe *g, float px, float py, Vec3 light)
{
  float nx = (px - g->cx) / g->r, ny = (py - g->cy) / g->r;
  float nz = sqrtf(fmaxf(0.0f, 1.0f - nx * nx - ny * ny));
  Vec3 n = v3(nx, ny, nz);
  float lat, lon;
  globe_latlon(g, n, &lat, &lon);

  /* Abstract land masses from noise on the sphere. */
  Vec3 q = v3(cosf(lat) * cosf(lon), cosf(lat) * sinf(lon), sinf(lat));
  float land = fbm3(q.x * 1.6f + 3.0f, q.y * 1.6f + 5.0f, q.z * 1.6f + 7.0f, 77U, 5);
  land = smoothstepf(0.5f, 0.515f, land);

  float diff = clampf(v3dot(n, light), 0.0f, 1.0f);
  float lum = 0.45f + 0.55f * diff;
  Rgb sea = mix(hex(0x1d4f8f), hex(0x4d9ad8), lum);
  Rgb ground = mix(hex(0x3f8a5c), hex(0x9bd39a), lum);
  Rgb c = mix(sea, ground, land);

  /* Graticule every 30 degrees, faint. */
  float step = PI_F / 6.0f;
  float dlat = fabsf(lat / step - roundf(lat / step)) * step * g->r;
  float dlon = fabsf(lon / step - roundf(lon / step)) * step * g->r * cosf(lat);
  float gl = fmaxf(clampf(1.3f - dlat, 0.0f, 1.0f), clampf(1.3f - dlon, 0.0f, 1.0f));
  c = mix(c, hex(0xe8f4ff), 0.28f * gl);

  /* Soft rim towards the edge. */
  c = mix(c, hex(0x9fd0f5), 0.35f * powf(1.0f - nz, 3.0f));
  return c;
}

static void draw_globe(Canvas *cv, const Globe *g)
{
  Vec3 light = v3norm(v3(-0.5f, -0.6f, 0.75f));
  int x0 = (int)(g->cx - g->r - 2), x1 = (int)(g->cx + g->r + 2);
  int y0 = (int)(g->cy - g->r - 2), y1 = (int)(g->cy + g->r + 2);

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++) {
      /* 3x3 supersampling keeps coastlines smooth. */
      float r = 0, gg = 0, b = 0, cov = 0;
      for (int sy = 0; sy < 3; sy++)
        for (int sx = 0; sx < 3; sx++) {
          float px = (float)x + ((float)sx + 0.5f) / 3.0f;
          float py = (float)y + ((float)sy + 0.5f) / 3.0f;
          float d = hypotf(px - g->cx, py - g->cy);
          if (d > g->r)
            continue;
          Rgb c = globe_shade(g, px, py, light);
          r += c.r;
          gg += c.g;
          b += c.b;
          cov += 1.0f;
        }
      if (cov > 0) {
        Rgb c = {r / cov, gg / cov, b / cov};
        blend(cv, x, y, c, cov / 9.0f);
      }
    }
}

/* Projects a point at height h above the sphere (1 = on the surface). */
static void globe_project(const Globe *g, Vec3 p, float h, float *x, float *y)
{
  *x = g->cx + p.x * g->r * h;
  *y = g->cy + p.y * g->r * h;
}

/* A link arching between two places on the visible face of the globe. */
static void draw_link(Canvas *cv, const Globe *g, float lat0, float lon0, float lat1, float lon1,
                      Rgb c)
{
  Vec3 a = globe_point(g, lat0, lon0), b = globe_point(g, lat1, lon1);
  float pts[2 * 40];
  int n = 40;

  float ax, ay, bx, by;

  globe_project(g, a, 1.0f, &ax, &ay);
  globe_project(g, b, 1.0f, &bx, &by);
  /* Follow the great circle, lifted upwards on screen like a flight
	 * path on a map. */
  float lift = 0.22f * hypotf(bx - ax, by - ay);
  for (int i = 0; i < n; i++) {
    float t = (float)i / (float)(n - 1);
    Vec3 p = v3norm(v3(mixf(a.x, b.x, t), mixf(a.y, b.y, t), mixf(a.z, b.z, t)));
    globe_project(g, p, 1.0f, &pts[2 * i], &pts[2 * i + 1]);
    pts[2 * i + 1] -= lift * sinf(PI_F * t);
  }
  fill_alpha(cv, polyline(n, pts, 9.0f), hex(0x0b2a4a), 0.18f, 6.0f);
  fill_solid(cv, polyline(n, pts, 4.0f), c);
  for (int e = 0; e < 2; e++) {
    float x = pts[e ? 2 * (n - 1) : 0], y = pts[e ? 2 * (n - 1) + 1 : 1];
    fill_solid(cv, circle(x, y, 9.0f), hex(0xffffff));
    fill_solid(cv, circle(x, y, 5.0f), c);
  }
}

static void draw_band(Canvas *cv, float cx, float cy, float rx, float ry, float angle, Rgb c,
                      Rgb dark, int half)
{
  fill_paint(cv, ellipse_arc(cx, cy, rx, ry, angle, 22.0f, half),
             linear(c, cx - rx, cy - ry, dark, cx + rx, cy + ry));
  /* A thin highlight along the band. */
  fill_alpha(cv, ellipse_arc(cx, cy, rx - 4.0f, ry - 4.0f, angle, 3.0f, half), hex(0xffffff), 0.35f,
             1.0f);
}

static void draw_partnership(Canvas *cv)
{
  float W = (float)cv->w, H = (float)cv->h;
  Globe g = {W * 0.5f, H * 0.5f - 10.0f, 255.0f, 0.35f, -0.9f};

  float pos[] = {0, H};
  Rgb col[] = {hex(0xf3efe7), hex(0xd6e7ee)};
  fill_vertical(cv, pos, col, 2);
  glow(cv, g.cx, g.cy, 420.0f, hex(0xffffff), 0.6f);

  /* Faint dotted rings in the background, like ripples of contact. */
  for (int k = 0; k < 3; k++)
    fill_alpha(cv, arc(g.cx, g.cy, 330.0f + 45.0f * (float)k, 2.0f, -PI_F, PI_F), hex(0x7fb2c8),
               0.25f - 0.06f * (float)k, 1.0f);

  /* Shadow on the ground below the globe. */
  fill_alpha(cv, ellipse(g.cx, g.cy + g.r + 85.0f, g.r * 0.8f, 22.0f, 0), hex(0x36586b), 0.22f,
             30.0f);

  const float a1 = -0.32f, a2 = 0.32f;
  const float brx = 390.0f, bry = 120.0f;
  Rgb orange = hex(0xf39a4a), orange_d = hex(0xd8702b);
  Rgb teal = hex(0x2fb3a4), teal_d = hex(0x1d8278);

  /* Back halves of the two bands pass behind the globe. */
  draw_band(cv, g.cx, g.cy, brx, bry, a1, orange, orange_d, -1);
  draw_band(cv, g.cx, g.cy, brx, bry, a2, teal, teal_d, -1);

  /* Atmosphere, then the globe. */
  fill_alpha(cv, circle(g.cx, g.cy, g.r + 10.0f), hex(0xbfe3ff), 0.55f, 18.0f);
  draw_globe(cv, &g);
  glow(cv, g.cx - g.r * 0.38f, g.cy - g.r * 0.42f, g.r * 0.35f, hex(0xffffff), 0.22f);

  /* Links between places. */
  Rgb link = hex(0xfff7e8);
  /* Two long links across the face of the globe, meeting in the
	 * middle. */
  draw_link(cv, &g, -0.25f, 0.05f, 0.5f, 1.45f, link);
  draw_link(cv, &g, 0.55f, 0.3f, -0.3f, 1.5f, link);

  /* Front halves, crossing each other in front of the globe: the two
	 * bands hold it together. */
  draw_band(cv, g.cx, g.cy, brx, bry, a2, teal, teal_d, 1);
  draw_band(cv, g.cx, g.cy, brx, bry, a1, orange, orange_d, 1);

  /* Beads on the bands: partners along the way. */
  const float tb[] = {0.35f, 1.2f, 2.0f, 2.75f};
  for (size_t i = 0; i < sizeof tb / sizeof tb[0]; i++) {
    for (int b = 0; b < 2; b++) {
      float ang = b ? a2 : a1;
      float t = tb[i] + (b ? 0.25f : 0.0f);
      float lx = brx * cosf(t), ly = bry * sinf(t);
      float x = g.cx + lx * cosf(ang) - ly * sinf(ang);
      float y = g.cy + lx * sinf(ang) + ly * cosf(ang);
      fill_alpha(cv, circle(x + 2, y + 4, 16.0f), hex(0x203040), 0.2f, 6.0f);
      fill_solid(cv, circle(x, y, 15.0f), hex(0xffffff));
      fill_solid(cv, circle(x, y, 9.0f), b ? teal_d : orange_d);
    }
  }
}

/* ------------------------------------------------------------------ */
/* Image 3: campaigns — a radio and a phone sharing safe-migration news. */
/* ------------------------------------------------------------------ */

/* Maps a point from a tilted phone's own frame to the canvas. */
typedef struct {
  float cx, cy, angle;
} Frame;

static void frame_pt(const Frame *f, float lx, float ly, float *x, float *y)
{
  float c = cosf(f->angle), s = sinf(f->angle);
  *x = f->cx + lx * c - ly * s;
  *y = f->cy + lx * s + ly * c;
}

static void frame_box(Canvas *cv, const Frame *f, float lx, float ly, float hw, float hh,
                      float round, Rgb c, float alpha)
{
  float x, y;
  frame_pt(f, lx, ly, &x, &y);
  fill_alpha(cv, box(x, y, hw, hh, f->angle, round), c, alpha, 1.0f);
}

static void frame_circle(Canvas *cv, const Frame *f, float lx, float ly, float r, Rgb c)
{
  float x, y;
  frame_pt(f, lx, ly, &x, &y);
  fill_solid(cv, circle(x, y, r), c);
}

/* A chat bubble with lines standing in for text; tail on the left when
 * incoming, on the right when outgoing. */
static void draw_bubble(Canvas *cv, const Frame *f, float lx, float ly, float hw, float hh,
                        int outgoing, Rgb c, Rgb bar)
{
  float tx = outgoing ? lx + hw - 10.0f : lx - hw + 10.0f;
  float t[6];
  frame_pt(f, tx - 10.0f, ly + hh - 4.0f, &t[0], &t[1]);
  frame_pt(f, tx + 10.0f, ly + hh - 4.0f, &t[2], &t[3]);
  frame_pt(f, outgoing ? tx + 16.0f : tx - 16.0f, ly + hh + 12.0f, &t[4], &t[5]);
  fill_solid(cv, poly(3, t), c);
  frame_box(cv, f, lx, ly, hw, hh, 16.0f, c, 1.0f);
  int rows = hh > 32.0f ? 3 : 2;
  for (int i = 0; i < rows; i++) {
    float w = (i == rows - 1) ? hw * 0.55f : hw * 0.8f;
    float by = ly - hh + 18.0f + (float)i * ((2 * hh - 36.0f) / (float)(rows - 1));
    frame_box(cv, f, lx - hw + 16.0f + w, by, w, 4.5f, 4.5f, bar, 1.0f);
  }
}

static void draw_radio(Canvas *cv, float cx, float cy)
{
  Rgb body_hi = hex(0x45ab9d), body_lo = hex(0x22695f);
  Rgb dark = hex(0x1c5650), cream = hex(0xf6ead8);
  float hw = 255.0f, hh = 145.0f;

  /* Shadow on the table. */
  fill_alpha(cv, ellipse(cx + 10, cy + hh + 12, hw * 1.05f, 24, 0), hex(0x5b3520), 0.35f, 30.0f);

  /* Handle. */
  fill_solid(cv, arc(cx, cy - hh + 30.0f, 150.0f, 20.0f, -PI_F + 0.35f, -0.35f), dark);

  /* Antenna with a ball tip. */
  fill_solid(cv, line(cx + 170, cy - hh + 10, cx + 310, cy - hh - 210, 7.0f), hex(0x9097a3));
  fill_solid(cv, circle(cx + 310, cy - hh - 210, 11.0f), hex(0x6f7682));

  /* Feet and body. */
  fill_solid(cv, box(cx - hw + 60, cy + hh + 2, 26, 10, 0, 6), dark);
  fill_solid(cv, box(cx + hw - 60, cy + hh + 2, 26, 10, 0, 6), dark);
  fill_paint(cv, box(cx, cy, hw, hh, 0, 48.0f), linear(body_hi, 0, cy - hh, body_lo, 0, cy + hh));
  fill_alpha(cv, box(cx, cy - hh + 26, hw - 40, 6, 0, 6), hex(0xffffff), 0.18f, 1.0f);

  /* Speaker grille: a cream disc with a hex pattern of holes. */
  float gx = cx - 110.0f, gy = cy + 8.0f, gr = 108.0f;
  fill_solid(cv, circle(gx, gy, gr + 9.0f), dark);
  fill_paint(cv, circle(gx, gy, gr), radial(cream, gx - 30, gy - 40, hex(0xe2ceb2), gr * 1.4f));
  for (int j = -7; j <= 7; j++)
    for (int i = -7; i <= 7; i++) {
      float x = gx + ((float)i + (j % 2 ? 0.5f : 0.0f)) * 17.0f;
      float y = gy + (float)j * 15.0f;
      if (hypotf(x - gx, y - gy) < gr - 14.0f)
        fill_solid(cv, circle(x, y, 4.6f), hex(0xb49e80));
    }

  /* Tuning dial with tick marks and a red needle. */
  float dx = cx + 130.0f, dy = cy - 40.0f;
  fill_solid(cv, box(dx, dy, 98, 52, 0, 14), dark);
  fill_paint(cv, box(dx, dy, 90, 44, 0, 10),
             linear(hex(0xfff8ea), 0, dy - 44, hex(0xf0ddbf), 0, dy + 44));
  for (int i = 0; i < 12; i++) {
    float x = dx - 75.0f + (float)i * 13.6f;
    float h = i % 3 == 0 ? 16.0f : 9.0f;
    fill_solid(cv, line(x, dy - 30, x, dy - 30 + h, 2.4f), hex(0x8a7a66));
  }
  fill_solid(cv, line(dx + 18, dy - 36, dx + 18, dy + 34, 4.0f), hex(0xd9534f));

  /* Knobs. */
  for (int k = 0; k < 2; k++) {
    float kx = dx - 48.0f + 96.0f * (float)k, ky = cy + 82.0f;
    fill_alpha(cv, circle(kx + 3, ky + 5, 31), hex(0x0e2f2b), 0.35f, 6.0f);
    fill_paint(cv, circle(kx, ky, 30), radial(hex(0x3d9c90), kx - 10, ky - 12, dark, 40));
    float a = k ? -0.6f : -2.3f;
    fill_solid(cv, line(kx, ky, kx + 20 * cosf(a), ky + 20 * sinf(a), 5.0f), cream);
  }
}

static void draw_waves(Canvas *cv, float x, float y, Rgb c)
{
  for (int i = 0; i < 3; i++) {
    float r = 42.0f + 34.0f * (float)i;
    fill_alpha(cv, arc(x, y, r, 9.0f, -0.95f, 0.35f), c, 0.95f - 0.22f * (float)i, 1.0f);
    fill_alpha(cv, arc(x, y, r, 9.0f, PI_F - 0.35f, PI_F + 0.95f), c, 0.95f - 0.22f * (float)i,
               1.0f);
  }
}

static void draw_phone(Canvas *cv, const Frame *f)
{
  float hw = 122.0f, hh = 240.0f;
  float sx, sy;

  frame_pt(f, 0, hh + 40, &sx, &sy);
  fill_alpha(cv, ellipse(sx + 20, sy + 18, hw * 1.1f, 20, 0), hex(0x5b3520), 0.3f, 30.0f);
  frame_box(cv, f, 6, 10, hw, hh, 34, hex(0x3a2418), 0.25f);
  frame_box(cv, f, 0, 0, hw, hh, 34, hex(0x2b2f40), 1.0f);
  frame_box(cv, f, 0, 0, hw - 13, hh - 13, 23, hex(0xeef4fa), 1.0f);
  frame_box(cv, f, 0, -hh + 26, 34, 6, 6, hex(0x2b2f40), 1.0f);

  Rgb in_c = hex(0xd7e1ec), in_bar = hex(0x9aabbe);
  Rgb out_c = hex(0x4a8fd8), out_bar = hex(0xdcebff);
  draw_bubble(cv, f, -22, -150, 76, 34, 0, in_c, in_bar);
  draw_bubble(cv, f, 22, -52, 74, 28, 1, out_c, out_bar);

  /* A reply with a green "safe" check mark. */
  draw_bubble(cv, f, -10, 60, 90, 48, 0, in_c, in_bar);
  frame_circle(cv, f, -70, 60, 27, hex(0x3bb273));
  float ck[6];
  frame_pt(f, -82, 61, &ck[0], &ck[1]);
  frame_pt(f, -73, 71, &ck[2], &ck[3]);
  frame_pt(f, -56, 49, &ck[4], &ck[5]);
  fill_solid(cv, polyline(3, ck, 6.5f), hex(0xffffff));

  /* Message field and send button. */
  frame_box(cv, f, -14, 182, 82, 19, 19, hex(0xffffff), 1.0f);
  frame_circle(cv, f, 88, 182, 19, out_c);
  float ar[6];
  frame_pt(f, 81, 174, &ar[0], &ar[1]);
  frame_pt(f, 97, 182, &ar[2], &ar[3]);
  frame_pt(f, 81, 190, &ar[4], &ar[5]);
  fill_solid(cv, poly(3, ar), hex(0xffffff));
}

static void draw_plant(Canvas *cv, float x, float y)
{
  Rgb leaf = hex(0x5f9b5a), leaf_d = hex(0x3e7544);
  const float ang[] = {-2.5f, -2.05f, -1.6f, -1.15f, -0.7f, -1.85f, -1.35f};
  for (size_t i = 0; i < sizeof ang / sizeof ang[0]; i++) {
    float a = ang[i], l = i >= 5 ? 95.0f : 80.0f;
    float ex = x + cosf(a) * l * 0.55f, ey = y - 60 + sinf(a) * l * 0.55f;
    fill_paint(cv, ellipse(ex, ey, l * 0.55f, 15.0f, a),
               split(leaf, leaf_d, x, y - 60, x + cosf(a) * l * 2, y - 60 + sinf(a) * l * 2));
  }
  float pot[8] = {x - 55, y - 70, x + 55, y - 70, x + 42, y + 20, x - 42, y + 20};
  fill_alpha(cv, ellipse(x + 6, y + 24, 60, 10, 0), hex(0x5b3520), 0.35f, 12.0f);
  fill_paint(cv, poly(4, pot), linear(hex(0xe07a4f), x - 55, 0, hex(0xb5553a), x + 55, 0));
  fill_solid(cv, box(x, y - 70, 60, 10, 0, 4), hex(0xc9643f));
}

static void draw_campaigns(Canvas *cv)
{
  float W = (float)cv->w, H = (float)cv->h;
  const float table = 700.0f;

  float pos[] = {0, table};
  Rgb col[] = {hex(0xfdeedb), hex(0xf6d3ae)};
  fill_vertical(cv, pos, col, 2);

  /* Soft round shapes on the wall. */
  fill_alpha(cv, circle(180, 170, 120), hex(0xffffff), 0.35f, 4.0f);
  fill_alpha(cv, circle(1030, 120, 80), hex(0xf7c08c), 0.35f, 4.0f);
  fill_alpha(cv, circle(640, 90, 40), hex(0xffffff), 0.4f, 4.0f);

  /* Table top with a lit front edge. */
  float tt[8] = {0, table, W, table, W, H, 0, H};
  fill_paint(cv, poly(4, tt), linear(hex(0xc98b5a), 0, table, hex(0x93603d), 0, H));
  fill_solid(cv, box(W * 0.5f, table + 2, W, 3, 0, 0), hex(0xe0aa78));
  for (int y = (int)table + 5; y < cv->h; y++)
    for (int x = 0; x < cv->w; x++) {
      float n = fbm2((float)x * 0.003f, (float)y * 0.06f, 9U, 3);
      blend(cv, x, y, hex(0x7a4b2e), 0.18f * smoothstepf(0.4f, 0.75f, n));
    }

  draw_radio(cv, 380.0f, table - 160.0f);
  draw_waves(cv, 380.0f + 310.0f, table - 160.0f - 145.0f - 210.0f, hex(0xf0883a));

  Frame phone = {900.0f, 420.0f, 0.13f};
  draw_phone(cv, &phone);
  draw_plant(cv, 1125.0f, table + 20.0f);
}

/* ------------------------------------------------------------------ */
/* main                                                                 */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *name;
  int w, h;
  void (*draw)(Canvas *cv);
} Image;

static const Image images[] = {
    {"returning-home.jpg", 1200, 900, draw_returning_home},
    {"partnership.jpg", 1200, 900, draw_partnership},
    {"campaigns.jpg", 1200, 900, draw_campaigns},
};

int main(int argc, char **argv)
{
  int rc = 0;

  if (argc != 2) {
    fprintf(stderr,
            "usage: %s OUTPUT-FOLDER\n"
            "Draws the illustrations of the bulletin-2020-07 "
            "sample pack into OUTPUT-FOLDER.\n",
            argc > 0 ? argv[0] : "kiosk-mkimages");
    return 2;
  }
  if ((IMG_Init(IMG_INIT_JPG) & IMG_INIT_JPG) == 0)
    fprintf(stderr, "mkimages: warning: IMG_Init(JPG): %s\n", IMG_GetError());

  for (size_t i = 0; i < sizeof images / sizeof images[0]; i++) {
    const Image *im = &images[i];
    char path[4096];
    Canvas cv;

    if (snprintf(path, sizeof path, "%s/%s", argv[1], im->name) >= (int)sizeof path) {
      fprintf(stderr, "mkimages: output folder name too long\n");
      rc = 2;
      break;
    }
    if (canvas_init(&cv, im->w, im->h) != 0) {
      fprintf(stderr, "mkimages: out of memory for %s\n", im->name);
      rc = 2;
      break;
    }
    im->draw(&cv);
    if (canvas_save_jpg(&cv, path) != 0)
      rc = 2;
    else
      printf("%s\n", path);
    canvas_free(&cv);
  }
  IMG_Quit();
  return rc;
}
