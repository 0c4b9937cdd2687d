/* staff.c — see staff.h. */
#include "app/staff.h"

#include <stdio.h>
#include <string.h>

#include <SDL_image.h>

#include "core/clock.h"
#include "render/overlay.h"

int staff_take_messages(struct field *fl, struct staff *st)
{
  struct field_msg m;
  int changed = 0;
  while (fl && field_next_msg(fl, &m)) {
    if (m.keys_changed)
      st->recheck = 1;
    if (m.installed) {
      st->reload = 1;
      if (!st->first_id[0])
        snprintf(st->first_id, sizeof st->first_id, "%s", m.pack_id);
    }
    if (!m.lines[1][0]) {
      /* The end of an inbox install: the card (if any) goes soon. */
      if (m.done && st->active)
        st->until_ms = clock_mono_ms() + 15000u;
      continue;
    }
    if (!st->active)
      st->n = 0; /* a new visit */
    st->active = 1;
    /* A progress line is replaced by the next progress or by the result. */
    if (!(st->last_is_progress && st->n)) {
      if (st->n == STAFF_LINES) {
        memmove(st->lines[0], st->lines[1], sizeof st->lines[0] * (STAFF_LINES - 1));
        st->n--;
      }
      st->n++;
    }
    memcpy(st->lines[st->n - 1], m.lines, sizeof m.lines);
    st->last_is_progress = m.progress >= 0;
    st->progress = m.progress;
    st->until_ms = clock_mono_ms() + (m.done ? 15000u : 60000u);
    changed = 1;
  }
  return changed;
}

void staff_show(struct staff *st, struct screen *scr, struct fonts *f, SDL_Surface *page,
                const char *shots)
{
  struct kerr e;
  if (!st->active || !page) {
    if (page)
      screen_show(scr, page, &e);
    return;
  }
  SDL_Surface *copy = SDL_ConvertSurface(page, page->format, 0);
  if (!copy) {
    screen_show(scr, page, &e);
    return;
  }
  const char *lines[2 * STAFF_LINES];
  size_t n = 0;
  for (int i = 0; i < st->n; i++) {
    lines[n++] = st->lines[i][0];
    lines[n++] = st->lines[i][1];
  }
  overlay_paint(f, copy, lines, n, n >= 2 ? n - 2 : 0, st->last_is_progress ? st->progress : -1);
  screen_show(scr, copy, &e);
  uint64_t now = clock_mono_ms();
  if (shots &&
      (!st->last_is_progress || !st->progress_saved_ms || now - st->progress_saved_ms >= 5000)) {
    if (st->last_is_progress)
      st->progress_saved_ms = now;
    char path[2048];
    snprintf(path, sizeof path, "%s/staff-%03d.png", shots, ++st->n_saved);
    if (IMG_SavePNG(copy, path) == 0) {
      printf("wrote %s\n", path);
      fflush(stdout); /* tests wait for the card they caused */
    }
  }
  SDL_FreeSurface(st->surf);
  st->surf = copy;
}

void staff_clear(struct staff *st)
{
  SDL_FreeSurface(st->surf);
  memset(st, 0, sizeof *st);
}
