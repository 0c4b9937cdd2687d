/* overlay.c — the staff card: white on the band's dark blue, at body size
 * for the screen (readable from where a technician stands), lines wrapped
 * at word boundaries and never cut, over the page dimmed above the
 * hotline band. */
#include "render/overlay.h"

#include <stdlib.h>
#include <string.h>

#include "render/layout.h"
#include "render/paint.h"
#include "render/text.h"

/* Blends columns [x0, x1) of rows [y0, y1) of page toward (cr, cg, cb) by
 * a/256. Surfaces of other than 4 bytes a pixel with 8-bit channels are
 * left as they are. */
static void dim(SDL_Surface *page, int x0, int x1, int y0, int y1, Uint8 cr, Uint8 cg, Uint8 cb,
                unsigned a)
{
  const SDL_PixelFormat *fm = page->format;
  if (y0 < 0)
    y0 = 0;
  if (y1 > page->h)
    y1 = page->h;
  if (x0 < 0)
    x0 = 0;
  if (x1 > page->w)
    x1 = page->w;
  if (fm->BytesPerPixel != 4 || fm->Rloss || fm->Gloss || fm->Bloss || y0 >= y1 || x0 >= x1 ||
      a > 256)
    return;
  if (SDL_MUSTLOCK(page) && SDL_LockSurface(page) != 0)
    return;
  Uint32 keep = 256 - a, rgb = fm->Rmask | fm->Gmask | fm->Bmask;
  Uint32 c = ((Uint32)cr << fm->Rshift) | ((Uint32)cg << fm->Gshift) | ((Uint32)cb << fm->Bshift);
  /* The channels in the low three bytes (XRGB, ARGB, XBGR, ABGR: what
   * the kiosk paints): two channels at once in one multiply. Other
   * orders: one channel at a time. */
  int low = rgb == 0x00FFFFFFu;
  const Uint32 masks[3] = {fm->Rmask, fm->Gmask, fm->Bmask};
  const Uint8 shifts[3] = {fm->Rshift, fm->Gshift, fm->Bshift};
  Uint32 c_rb = (c & 0x00FF00FFu) * a, c_g = (c & 0x0000FF00u) * a;
  for (int y = y0; y < y1; y++) {
    Uint32 *px = (Uint32 *)(void *)((Uint8 *)page->pixels + (size_t)y * (size_t)page->pitch);
    if (low) {
      for (int x = x0; x < x1; x++) {
        Uint32 v = px[x];
        Uint32 rb = (((v & 0x00FF00FFu) * keep + c_rb) >> 8) & 0x00FF00FFu;
        Uint32 g = (((v & 0x0000FF00u) * keep + c_g) >> 8) & 0x0000FF00u;
        px[x] = (v & 0xFF000000u) | rb | g;
      }
      continue;
    }
    for (int x = x0; x < x1; x++) {
      Uint32 v = px[x], out = v & ~rgb;
      for (int k = 0; k < 3; k++) {
        Uint32 ch = (v & masks[k]) >> shifts[k], cc = (c & masks[k]) >> shifts[k];
        out |= ((ch * keep + cc * a) >> 8) << shifts[k];
      }
      px[x] = out;
    }
  }
  if (SDL_MUSTLOCK(page))
    SDL_UnlockSurface(page);
}

void overlay_paint(struct fonts *f, SDL_Surface *page, const char *const *lines, size_t n,
                   size_t strong, int progress)
{
  int w = page->w, h = page->h;
  int s = w < h ? w : h;
  int margin = s * 45 / 1000;
  int px = layout_min_body_px(w, h) * 11 / 10;
  int pad = px;
  int inner = w - 2 * margin - 2 * pad;
  enum { CAP = 256 };
  struct box boxes[CAP];
  size_t nb = 0;
  int y = 0;
  const char *prev = NULL;
  for (size_t i = 0; i < n; i++) {
    if (!lines[i] || !*lines[i] || (prev && !strcmp(prev, lines[i])))
      continue;
    prev = lines[i];
    /* A line in Arabic script (Dari) reads from the right. */
    int rtl = 0;
    for (const unsigned char *c = (const unsigned char *)lines[i]; *c; c++)
      if (*c >= 0xD8 && *c <= 0xDB)
        rtl = 1;
    struct text_style st = {px, i == strong ? PAGE_SPAN_BOLD : 0, TEXT_ALIGN_START, 1.2f, rtl, 0};
    struct text_block tb;
    if (text_layout_plain(f, lines[i], &st, inner, &tb, NULL))
      continue;
    if (y)
      y += px / 3;
    for (size_t r = 0; r < tb.n_runs && nb < CAP; r++) {
      const struct text_run *run = &tb.runs[r];
      struct box *b = &boxes[nb++];
      memset(b, 0, sizeof *b);
      SDL_Color color =
          i >= strong ? (SDL_Color){0xFF, 0xFF, 0xFF, 0xFF} : (SDL_Color){0xA9, 0xBB, 0xCE, 0xFF};
      (void)layout_text_box(b, run, 0, y, color, px, -1);
    }
    y += tb.height;
    text_block_free(&tb);
  }
  int bar_h = progress >= 0 ? px / 2 : 0;
  int card_h = pad + y + (bar_h ? px / 2 + bar_h : 0) + pad;
  int band = layout_band_height(w, h);
  int top = h - band - margin - card_h;
  if (top < margin)
    top = margin;
  /* The page above the band recedes behind the card, and the rows just
   * above the card fade into it: a line the card cuts through reads as
   * behind it, not as broken. The hotlines stay as they are. */
  dim(page, 0, w, 0, h - band, 0x0B, 0x2A, 0x4A, 112);
  int fade = pad;
  for (int i = 0; i < fade; i++)
    dim(page, margin, w - margin, top - fade + i, top - fade + i + 1, 0x0B, 0x2A, 0x4A,
        (unsigned)(200 * (i + 1) / fade));
  SDL_Rect card = {margin, top, w - 2 * margin, card_h};
  SDL_FillRect(page, &card, SDL_MapRGB(page->format, 0x0B, 0x2A, 0x4A));
  SDL_Rect edge = {margin, top, s / 100 > 4 ? s / 100 : 4, card_h};
  SDL_FillRect(page, &edge, SDL_MapRGB(page->format, 0xF2, 0xB1, 0x34));
  for (size_t i = 0; i < nb; i++) {
    boxes[i].r.x += margin + pad;
    boxes[i].r.y += top + pad;
    boxes[i].baseline += top + pad;
  }
  paint_boxes(f, page, boxes, nb, NULL);
  for (size_t i = 0; i < nb; i++)
    free(boxes[i].text);
  if (bar_h) {
    SDL_Rect track = {margin + pad, top + pad + y + px / 2, inner, bar_h};
    SDL_FillRect(page, &track, SDL_MapRGB(page->format, 0x2C, 0x4C, 0x6E));
    SDL_Rect fill = track;
    fill.w = inner * (progress > 100 ? 100 : progress) / 100;
    SDL_FillRect(page, &fill, SDL_MapRGB(page->format, 0xF2, 0xB1, 0x34));
  }
}
