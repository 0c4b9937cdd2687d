/* loop.h — the kiosk's loop: show a slide (with a transition), paint the
 * next one ahead of time, then wait in one place until a timer is due or
 * an event arrives. A still page costs nothing: the process blocks in the
 * kernel. The timers live in one table (the next page, the clock in the
 * band each minute, the schedule each hour, systemd's watchdog, the return
 * from a viewer's choice, the end of the staff card); one function runs
 * what is due and says when the next is. The watchdog is also pinged
 * between the steps that take time (a transition, painting the next page);
 * nothing on this thread waits for the store to be read through — the
 * store's background check has its own thread. */
#ifndef KIOSK_APP_LOOP_H
#define KIOSK_APP_LOOP_H

#include <signal.h>
#include <stdint.h>

#include "app/content.h"
#include "app/field.h"
#include "app/opts.h"
#include "app/screen.h"
#include "core/config.h"
#include "core/playlog.h"
#include "render/fonts.h"

/* What main() wired for the loop. field and plog may be NULL. */
struct loop_env {
  const struct opts *o;
  struct config *cfg;
  struct fonts *fonts;
  struct screen *screen;
  struct content *content;
  struct field *field;
  struct playlog *plog;
  uint64_t start_ms;           /* when the kiosk started (clock_mono_ms) */
  volatile sig_atomic_t *quit; /* set by a signal: leave the loop */
};

/* Runs until *env->quit, --pages or --once says so. Returns the exit
 * status: 0, 1 (a page could not be drawn, or --strict found problems) or
 * 2 (out of memory). */
int loop_run(const struct loop_env *env);

#endif
