/* paint.c — turns boxes into pixels on an opaque software surface.
 *
 * Pages are painted once, ahead of time, into an XRGB8888 surface: opaque
 * surfaces are several times cheaper to blit and fade than ARGB ones.
 * Text is rendered anti-aliased (TTF_RenderUTF8_Blended) run by run. */
#include "render/paint.h"

#include <qrencode.h>
#include <SDL_ttf.h>

#include "core/log.h"
#include "render/images.h"

static Uint32 map(SDL_Surface *s, SDL_Color c)
{
  return SDL_MapRGB(s->format, c.r, c.g, c.b);
}

static int paint_qr(SDL_Surface *dst, const struct box *b)
{
  QRcode *qr = QRcode_encodeString8bit(b->text, 0, QR_ECLEVEL_M);
  if (!qr)
    return -1;
  /* White quiet zone of 2 modules around the code, then whole-pixel modules
   * centred in the box: a blurred module makes a code hard to scan. */
  int n = qr->width + 4;
  int mod = b->r.w / n;
  if (mod < 1)
    mod = 1;
  int side = mod * n;
  int ox = b->r.x + (b->r.w - side) / 2, oy = b->r.y + (b->r.h - side) / 2;
  SDL_Rect bg = {ox, oy, side, side};
  SDL_FillRect(dst, &bg, SDL_MapRGB(dst->format, 255, 255, 255));
  Uint32 ink = map(dst, b->color);
  for (int y = 0; y < qr->width; y++)
    for (int x = 0; x < qr->width; x++)
      if (qr->data[y * qr->width + x] & 1) {
        SDL_Rect m = {ox + (x + 2) * mod, oy + (y + 2) * mod, mod, mod};
        SDL_FillRect(dst, &m, ink);
      }
  QRcode_free(qr);
  return 0;
}

int paint_boxes(struct fonts *f, SDL_Surface *s, const struct box *boxes, size_t n, int *failed)
{
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    const struct box *b = &boxes[i];
    switch (b->kind) {
    case BOX_FILL: SDL_FillRect(s, &b->r, map(s, b->color)); break;
    case BOX_TEXT: {
      TTF_Font *font = fonts_face(f, b->fam, (enum fonts_style)b->style, b->px);
      TTF_SetFontDirection(font, b->rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
      int tw = 0, th = 0;
      if (TTF_SizeUTF8(font, b->text, &tw, &th) == 0 && tw == 0)
        break; /* nothing visible to draw */
      SDL_Surface *t = TTF_RenderUTF8_Blended(font, b->text, b->color);
      if (!t) {
        bad++;
        break;
      }
      SDL_Rect r = {b->r.x, b->baseline - TTF_FontAscent(font), t->w, t->h};
      SDL_BlitSurface(t, NULL, s, &r);
      SDL_FreeSurface(t);
      break;
    }
    case BOX_IMAGE: {
      SDL_Surface *img = NULL;
      struct kerr ie;
      if (images_load_scaled(b->path, b->r.w, b->r.h, b->cover, &img, &ie)) {
        log_warn("%s", ie.msg);
        bad++;
        break;
      }
      SDL_Rect r = b->r;
      SDL_BlitSurface(img, NULL, s, &r);
      SDL_FreeSurface(img);
      break;
    }
    case BOX_QR:
      if (paint_qr(s, b))
        bad++;
      break;
    }
  }
  if (failed)
    *failed += bad;
  return 0;
}

int paint_layout(const struct layout *l, SDL_Surface **out, int *failed, struct kerr *e)
{
  *out = NULL;
  if (failed)
    *failed = 0;
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, l->w, l->h, 32, SDL_PIXELFORMAT_XRGB8888);
  if (!s)
    return kerr_set(e, KERR_NOMEM, "out of memory for a %dx%d page", l->w, l->h);
  paint_boxes(l->fonts, s, l->boxes, l->n_boxes, failed);
  *out = s;
  return 0;
}
