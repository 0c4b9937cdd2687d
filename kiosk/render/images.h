/* images.h — decodes a pack's images and scales each once to the size it is
 * shown at, with linear filtering after box-averaged halving steps. */
#ifndef KIOSK_RENDER_IMAGES_H
#define KIOSK_RENDER_IMAGES_H

#include <SDL.h>

#include "core/err.h"

/* Reads the image's pixel size (decoding it). Returns 0 or a KERR code with
 * a message naming the file. */
int images_size(const char *path, int *w, int *h, struct kerr *e);

/* images_size() of root/src: the function the player and lint give
 * layout (struct layout_input), so that layout itself never reads a file. */
int images_size_at(const char *root, const char *src, int *w, int *h);

/* Returns a new surface (free with SDL_FreeSurface()) of exactly w×h pixels:
 * the image scaled to cover (cropped to fill) or to fit inside, centred; in
 * "contain" mode the bars are transparent. */
int images_load_scaled(const char *path, int w, int h, int cover, SDL_Surface **out,
                       struct kerr *e);

/* Releases the decoded image kept from the last call. */
void images_flush(void);

#endif
