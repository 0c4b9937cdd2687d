/* overlay.h — what the kiosk says to field staff: a card over the page, in
 * large type, with up to a few lines (the site's language, then English)
 * and a progress bar while a pack installs. */
#ifndef KIOSK_RENDER_OVERLAY_H
#define KIOSK_RENDER_OVERLAY_H

#include <SDL.h>
#include <stddef.h>

#include "render/fonts.h"

/* Paints lines[0..n) (empty lines are skipped, a line equal to the one
 * before is shown once) on a card above the band of page, lines from
 * index strong on in bold white (the newest news), with a progress bar
 * when progress is 0..100. The page above the band is dimmed behind the
 * card; the band (the hotlines) is left as it is. */
void overlay_paint(struct fonts *f, SDL_Surface *page, const char *const *lines, size_t n,
                   size_t strong, int progress);

#endif
