/* loop.c — see loop.h. */
#include "app/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>

#include "core/clock.h"
#include "app/notify.h"
#include "render/player.h"
#include "app/rotation.h"
#include "app/staff.h"
#include "core/log.h"
#include "core/schedule.h"
#include "render/chooser.h"
#include "render/images.h"

#define NEVER UINT64_MAX

/* The timers, in the order they run when several are due. */
enum { T_IDLE, T_WATCHDOG, T_MINUTE, T_PAGE, T_CARD, T_SCHEDULE, T_COUNT };

struct loop;
struct timeout {
  uint64_t due; /* clock_mono_ms(); NEVER when off */
  void (*run)(struct loop *l);
};

/* How the store's background check wakes the display thread when a pack
 * fell back or left: an eventfd for the headless poll(), an SDL event for
 * SDL_WaitEventTimeout(). */
struct check_wake {
  int fd;
  uint32_t type;
};

struct loop {
  const struct loop_env *env;
  const struct opts *o;
  struct config *cfg;
  struct content *c;
  struct screen *scr;
  struct player *pl;
  struct timeout timeouts[T_COUNT];
  uint64_t watchdog_ms; /* 0: systemd asked for no watchdog */
  struct check_wake wake;
  int store_changed; /* the background check changed what is installed */
  int schedule_due;  /* an hour went by: packs may have expired or started */
  struct staff staff;
  int w, h;
  struct rotation_pos at;  /* the slide on screen */
  struct rotation_pos nat; /* the slide painted ahead */
  struct slide cur, next;
  struct slide gone; /* the slide on screen until the next one is shown */
  int shown, first, manual, round_done;
  int ready;            /* the first page was shown: READY=1 sent, check started */
  uint64_t shown_at_ms; /* for the play log, when the slide goes */
  int64_t minute_shown;
  char lang_filter[36]; /* a language the viewer chose, until idle */
  int chooser_open;
  SDL_Rect chooser_rects[CHOOSER_MAX];
  const char *chooser_langs[CHOOSER_MAX];
  size_t n_choose;
  SDL_Surface *overlay; /* the page with the chooser drawn on it */
  enum screen_transition tr;
  /* How the last wait ended. */
  int leave, resized, go_back, jump;
};

/* ------------------------------------------------------------- timers */

/* Runs every timer that is due (each is switched off first; its handler
 * sets it again if it repeats). Returns when the next one is due. */
static uint64_t run_timeouts(struct loop *l)
{
  uint64_t now = clock_mono_ms(), next = NEVER;
  for (int i = 0; i < T_COUNT; i++) {
    struct timeout *t = &l->timeouts[i];
    if (t->due <= now) {
      t->due = NEVER;
      t->run(l);
    }
    if (t->due < next)
      next = t->due;
  }
  return next;
}

static void set_timeout(struct loop *l, int which, uint64_t due)
{
  l->timeouts[which].due = due;
}

static void on_watchdog(struct loop *l)
{
  notify_send("WATCHDOG=1");
  set_timeout(l, T_WATCHDOG, clock_mono_ms() + l->watchdog_ms);
}

/* Pings systemd's watchdog if a ping is due: between slow steps. */
static void watchdog_tick(struct loop *l)
{
  if (clock_mono_ms() >= l->timeouts[T_WATCHDOG].due) {
    l->timeouts[T_WATCHDOG].due = NEVER;
    on_watchdog(l);
  }
}

static void on_page(struct loop *l)
{
  l->leave = 1; /* the next slide is due */
}

static uint64_t next_minute_ms(void)
{
  return clock_mono_ms() + (uint64_t)(60 - clock_wall() % 60) * 1000;
}

/* The clock in the band moved on: repaint the band only. */
static void on_minute(struct loop *l)
{
  int64_t minute = clock_wall() / 60;
  if (minute != l->minute_shown) {
    l->minute_shown = minute;
    int px = l->cfg->burn_in_shift_px;
    int shift = px ? (int)(minute % (2 * px + 1)) - px : 0;
    player_refresh_band(l->pl, &l->cur, shift);
    player_refresh_band(l->pl, &l->next, shift);
    screen_refresh(l->scr, NULL);
  }
  set_timeout(l, T_MINUTE, next_minute_ms());
}

/* Nobody touched the screen for a while: back to the whole rotation. */
static void on_idle(struct loop *l)
{
  struct kerr e;
  l->lang_filter[0] = '\0';
  if (l->chooser_open) {
    l->chooser_open = 0;
    screen_show(l->scr, l->cur.surf, &e);
  }
}

/* The staff card has been read: back to the pages alone. */
static void on_card(struct loop *l)
{
  struct kerr e;
  if (!l->staff.active)
    return;
  l->staff.active = 0;
  screen_show(l->scr, l->cur.surf, &e);
  if (l->staff.reload)
    l->leave = 1; /* show what was installed */
}

/* Packs expire and start by the hour: the rotation is rebuilt at the next
 * slide change. */
static void on_schedule(struct loop *l)
{
  l->schedule_due = 1;
  set_timeout(l, T_SCHEDULE, clock_mono_ms() + 3600 * 1000);
}

/* ------------------------------------------------------------ content */

/* A player for the content's deck, set up for the site. NULL when out of
 * memory. */
static struct player *make_player(struct loop *l)
{
  struct player *pl = player_new(l->c->deck, l->env->fonts);
  if (pl) {
    player_set_site(pl, l->cfg->country, config_tz_offset(l->cfg, clock_wall()));
    player_set_clock_trusted(pl, l->c->clock_trusted);
    player_set_fallback_hotlines(pl, l->cfg->hotlines, l->cfg->n_hotlines);
    player_set_notice(pl, l->c->trust_problem);
  }
  return pl;
}

/* Rebuilds the rotation (packs installed, expired or started) and a player
 * for it; l->at becomes the first slot of pack first_id (if given), else
 * the start. Returns 0, 1 when the old rotation stays, or -1 out of
 * memory. */
static int reload_rotation(struct loop *l, const char *first_id, int recheck)
{
  struct kerr e;
  if (content_reload(l->c, clock_wall(), recheck, &e)) {
    log_error("%s — keeping the current rotation", e.msg);
    return 1;
  }
  player_free(l->pl);
  l->pl = make_player(l);
  if (!l->pl)
    return -1;
  l->at = (struct rotation_pos){rotation_first_of_pack(l->c, first_id), 0};
  return 0;
}

/* Paints the slide at p, skipping slots that fail (logged, never shown
 * broken) up to one full round; then the built-in page, so the screen is
 * never black. */
static int render_at(struct loop *l, struct rotation_pos *p, struct slide *out)
{
  const struct content *c = l->c;
  size_t n = c->n_slots;
  for (size_t tries = 0; tries < (n ? n : 1); tries++) {
    struct kerr e;
    size_t e2 = n ? c->slots[p->slot % n].entry2 : (size_t)-1;
    if (player_render_pair(l->pl, rotation_entry(c, p->slot), e2, p->part, l->w, l->h, out, &e) ==
        0)
      return 0;
    log_error("%s — skipped", e.msg);
    slide_clear(out);
    p->slot = n ? (p->slot + 1) % n : 0;
    p->part = 0;
  }
  struct kerr e;
  int rc = player_render(l->pl, (size_t)-1, 0, l->w, l->h, out, &e);
  if (rc)
    log_error("built-in page: %s", e.msg);
  return rc;
}

/* ------------------------------------------------------------- output */

static void write_ready_file(const char *path)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  FILE *f = fopen(path, "we");
  if (!f) {
    log_warn("%s: cannot write the ready file: %s", path, strerror(errno));
    return;
  }
  fprintf(f, "%lld%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
  fclose(f);
}

static void save_png(const char *dir, int n, const struct deck *d, const struct slide *s)
{
  const struct deck_entry *en = deck_get(d, s->entry);
  char path[2048];
  char part[32] = "";
  if (s->n_parts > 1)
    snprintf(part, sizeof part, "-part%d", s->part + 1);
  snprintf(path, sizeof path, "%s/page-%03d-%s.%s%s.png", dir, n, en ? en->name : "builtin",
           en ? en->lang : "none", part);
  if (IMG_SavePNG(s->surf, path) != 0)
    log_error("%s: cannot write screenshot: %s", path, IMG_GetError());
  else
    printf("wrote %s\n", path);
  fflush(stdout);
}

static void write_frame_stats(const char *path, const struct screen_stats *st)
{
  FILE *f = fopen(path, "we");
  if (!f) {
    log_warn("%s: cannot write frame statistics: %s", path, strerror(errno));
    return;
  }
  unsigned n = st->frames < 4096 ? st->frames : 4096;
  fprintf(f, "# transitions %u wall_ms %.1f frames %u draw_ms %.1f\n", st->transitions, st->wall_ms,
          st->frames, st->total_ms);
  for (unsigned i = 0; i < n; i++)
    fprintf(f, "%.3f\n", st->frame_ms[i]);
  fclose(f);
}

/* The slide that stood on the screen goes into the play log. */
static void log_play(struct loop *l)
{
  const struct deck_entry *en = deck_get(l->c->deck, l->cur.entry);
  if (!l->env->plog || !en)
    return;
  struct kerr e;
  uint64_t stood_ms = clock_mono_ms() - l->shown_at_ms;
  if (playlog_append(l->env->plog, clock_wall() - (int64_t)(stood_ms / 1000), en->pack_id,
                     en->version, en->name, en->lang, stood_ms, &e))
    log_warn("%s", e.msg);
}

static void on_store_changed(void *ctx)
{
  struct check_wake *w = ctx;
  uint64_t one = 1;
  (void)!write(w->fd, &one, sizeof one);
  if (w->type != (uint32_t)-1) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = w->type;
    SDL_PushEvent(&ev);
  }
}

/* The first page is on the wall: say so, and only now start reading the
 * store back. */
static void first_page_shown(struct loop *l)
{
  struct kerr e;
  /* The CPU the process used so far (loading its libraries included): a
   * busy machine stretches the time to the first page, much less this. */
  struct rusage ru;
  double cpu_ms = 0;
  if (getrusage(RUSAGE_SELF, &ru) == 0)
    cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
        (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  log_info("first page shown after %llu ms (%.1f ms of CPU since launch)",
           (unsigned long long)(clock_mono_ms() - l->env->start_ms), cpu_ms);
  if (l->o->ready_file)
    write_ready_file(l->o->ready_file);
  notify_send("READY=1");
  watchdog_tick(l);
  uint64_t period_ms = l->o->store_check_ms ? (uint64_t)l->o->store_check_ms
                                            : (uint64_t)l->cfg->store_check_days * 86400000u;
  if (l->wake.fd >= 0 && content_start_check(l->c, period_ms, on_store_changed, &l->wake, &e))
    log_warn("%s — installed packs are checked only at start", e.msg);
}

/* Shows l->cur: at once the first time (and after a resize), else with a
 * transition (a quick slide when the viewer moved). */
static void show_current(struct loop *l)
{
  struct kerr e;
  const struct config *cfg = l->cfg;
  /* Night: dim between the configured hours, when the clock is trusted. */
  int night = cfg->night_mode == CONFIG_NIGHT_DIM &&
      schedule_is_night(clock_wall(), config_tz_offset(cfg, clock_wall()), cfg->night_start_min,
                        cfg->night_end_min, l->c->clock_trusted);
  screen_set_dim(l->scr, night ? 80 : 256);
  watchdog_tick(l);
  /* The store's check pauses while a transition draws: every frame. */
  content_hold_check(l->c, !l->first);
  if (l->first ? screen_show(l->scr, l->cur.surf, &e)
               : screen_transition(l->scr, l->cur.surf, l->manual ? SCREEN_SLIDE : l->tr,
                                   l->manual ? cfg->transition_ms / 2 : cfg->transition_ms, &e))
    log_error("%s", e.msg);
  content_hold_check(l->c, 0);
  watchdog_tick(l);
  slide_clear(&l->gone); /* the screen no longer needs it */
  if (l->staff.active)
    staff_show(&l->staff, l->scr, l->env->fonts, l->cur.surf, l->o->screenshots);
  l->shown_at_ms = clock_mono_ms();
  l->shown++;
  if (l->first && !l->ready)
    first_page_shown(l); /* once: a resize shows the page again without a transition */
  l->first = 0;
  l->ready = 1;
  if (l->o->screenshots)
    save_png(l->o->screenshots, l->shown, l->c->deck, &l->cur);
}

/* ------------------------------------------------------------- events */

/* Shows the language chooser over the page (drawn on a copy kept in
 * l->overlay). It opens only when there are two languages to choose from. */
static void open_chooser(struct loop *l)
{
  struct kerr e;
  l->chooser_open = 0;
  l->n_choose = rotation_langs(l->c, l->chooser_langs, CHOOSER_MAX);
  SDL_FreeSurface(l->overlay);
  l->overlay = SDL_ConvertSurface(l->cur.surf, l->cur.surf->format, 0);
  if (!l->overlay || l->n_choose < 2)
    return;
  chooser_paint(l->env->fonts, l->overlay, l->chooser_langs, l->n_choose, -1, l->chooser_rects);
  screen_show(l->scr, l->overlay, &e);
  l->chooser_open = 1;
}

static void close_chooser(struct loop *l)
{
  struct kerr e;
  l->chooser_open = 0;
  screen_show(l->scr, l->cur.surf, &e);
}

/* The viewer chose a language: its next page, at once. */
static void choose(struct loop *l, const char *lang)
{
  snprintf(l->lang_filter, sizeof l->lang_filter, "%s", lang);
  l->chooser_open = 0;
  l->manual = l->jump = l->leave = 1;
}

static void take_field_messages(struct loop *l)
{
  if (staff_take_messages(l->env->field, &l->staff)) {
    staff_show(&l->staff, l->scr, l->env->fonts, l->cur.surf, l->o->screenshots);
    set_timeout(l, T_CARD, l->staff.until_ms);
  } else if (l->staff.active) {
    set_timeout(l, T_CARD, l->staff.until_ms); /* an inbox install ended */
  }
}

static void on_key(struct loop *l, SDL_Keycode k)
{
  if (k == SDLK_l || (l->chooser_open && k >= SDLK_1 && k <= SDLK_9)) {
    /* L opens the chooser; a digit picks a language in it. */
    int pick = k == SDLK_l ? -1 : (int)(k - SDLK_1);
    if (!l->chooser_open)
      open_chooser(l);
    else if (pick >= 0 && (size_t)pick < l->n_choose)
      choose(l, l->chooser_langs[pick]);
    else
      close_chooser(l);
    return;
  }
  if ((k == SDLK_ESCAPE || k == SDLK_q) && !l->o->fullscreen) {
    *l->env->quit = 1;
  } else if (k == SDLK_RIGHT || k == SDLK_SPACE || k == SDLK_PAGEDOWN || k == SDLK_RETURN) {
    l->manual = l->leave = 1;
  } else if (k == SDLK_LEFT || k == SDLK_PAGEUP || k == SDLK_BACKSPACE) {
    l->manual = l->go_back = l->leave = 1;
  }
}

/* Taps: the left third goes back, the right third forward, the middle
 * opens the language chooser; in the chooser, a button picks its language
 * and anything else closes it. */
static void on_tap(struct loop *l, int x, int y)
{
  if (l->chooser_open) {
    int hit = chooser_hit(l->chooser_rects, l->n_choose, x, y);
    if (hit >= 0)
      choose(l, l->chooser_langs[hit]);
    else
      close_chooser(l);
  } else if (x < l->w / 3 || x > l->w * 2 / 3) {
    l->manual = l->leave = 1;
    l->go_back = x < l->w / 3;
  } else {
    open_chooser(l);
  }
}

static void on_sdl_event(struct loop *l, const SDL_Event *ev)
{
  uint64_t v;
  if (ev->type == l->wake.type) {
    if (read(l->wake.fd, &v, sizeof v) == (ssize_t)sizeof v)
      l->store_changed = 1;
  } else if (l->env->field && ev->type == field_event_type(l->env->field)) {
    take_field_messages(l);
  } else if (ev->type == SDL_QUIT) {
    *l->env->quit = 1;
  } else if (ev->type == SDL_KEYDOWN || ev->type == SDL_MOUSEBUTTONDOWN ||
             ev->type == SDL_FINGERDOWN) {
    set_timeout(l, T_IDLE, clock_mono_ms() + (uint64_t)l->cfg->idle_return_s * 1000);
    if (ev->type == SDL_KEYDOWN)
      on_key(l, ev->key.keysym.sym);
    else if (ev->type == SDL_FINGERDOWN)
      on_tap(l, (int)(ev->tfinger.x * (float)l->w), (int)(ev->tfinger.y * (float)l->h));
    else
      on_tap(l, ev->button.x, ev->button.y);
  } else if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
    l->resized = l->leave = 1;
  } else if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
    screen_refresh(l->scr, NULL);
  }
}

/* The one place the kiosk waits: until the next timer, for at most
 * wait_ms, or until an event arrives (handled here). */
static void wait_event(struct loop *l, uint64_t wait_ms)
{
  int ms = wait_ms > 1000000 ? 1000000 : (int)wait_ms;
  if (screen_headless(l->scr)) {
    int ffd = field_wake_fd(l->env->field);
    struct pollfd pfd[2] = {{l->wake.fd, POLLIN, 0}, {ffd, POLLIN, 0}};
    if (poll(pfd, ffd >= 0 ? 2 : 1, ms) > 0) {
      uint64_t v;
      if (pfd[0].revents & POLLIN && read(l->wake.fd, &v, sizeof v) == (ssize_t)sizeof v)
        l->store_changed = 1;
      take_field_messages(l);
    }
    return;
  }
  SDL_Event ev;
  if (SDL_WaitEventTimeout(&ev, ms))
    on_sdl_event(l, &ev);
}

/* Waits while the slide stands: runs the timers, handles events, until
 * the next slide is due, the viewer moved, or the kiosk is to stop. */
static void stand(struct loop *l)
{
  l->leave = l->resized = l->go_back = l->jump = l->manual = 0;
  while (!*l->env->quit) {
    uint64_t next = run_timeouts(l);
    if (l->leave || *l->env->quit)
      break;
    uint64_t t = clock_mono_ms();
    wait_event(l, next > t ? next - t : 0);
    if (l->leave)
      break;
  }
}

/* ---------------------------------------------------------- the loop */

/* After a slide stood: rebuild the rotation if something changed, else
 * move to the slide painted ahead (or back, or to a chosen language, or
 * the same slide at a new size). Returns 0, or the exit status to stop
 * with. */
static int advance(struct loop *l)
{
  int reload;
  if (l->staff.reload && !l->staff.active) {
    /* New packs: the first installed page is shown next. */
    l->staff.reload = 0;
    reload = reload_rotation(l, l->staff.first_id, l->staff.recheck);
    l->staff.first_id[0] = '\0';
    l->staff.recheck = 0;
  } else if (l->store_changed) {
    /* A pack fell back or left: its pages are no longer what is shown. */
    l->store_changed = 0;
    reload = reload_rotation(l, NULL, 0);
  } else if (l->schedule_due) {
    l->schedule_due = 0;
    reload = reload_rotation(l, NULL, 0);
  } else {
    reload = 1;
  }
  if (reload < 0)
    return 2;
  struct rotation_pos to = l->nat;
  if (reload == 0) {
    to = l->at;
  } else {
    if (l->chooser_open)
      close_chooser(l); /* a slide change closes the chooser */
    if (!(l->resized || l->go_back || l->jump)) {
      slide_clear(&l->gone);
      l->gone = l->cur;
      l->cur = l->next;
      l->at = l->nat;
      memset(&l->next, 0, sizeof l->next);
      return 0;
    }
    /* Lay out again for the new size, go one slide back, or go to the
     * next slide in the language just chosen. */
    screen_size(l->scr, &l->w, &l->h);
    to = l->go_back ? rotation_prev(l->c, l->at, l->lang_filter)
        : l->jump   ? rotation_next(l->c, (struct rotation_pos){l->at.slot, 0}, 1, l->lang_filter)
                    : l->at;
  }
  slide_clear(&l->next);
  struct slide s = {0};
  if (render_at(l, &to, &s))
    return 1;
  slide_clear(&l->gone);
  l->gone = l->cur;
  l->cur = s;
  l->at = to;
  if (reload != 0 && l->resized) {
    l->first = 1; /* no transition between sizes */
    l->shown--;
  }
  return 0;
}

static enum screen_transition transition_of(const struct config *cfg)
{
  switch (cfg->transition) {
  case CONFIG_TRANSITION_CROSSFADE: return SCREEN_CROSSFADE;
  case CONFIG_TRANSITION_SLIDE: return SCREEN_SLIDE;
  default: return SCREEN_CUT;
  }
}

static void loop_init(struct loop *l, const struct loop_env *env)
{
  memset(l, 0, sizeof *l);
  l->env = env;
  l->o = env->o;
  l->cfg = env->cfg;
  l->c = env->content;
  l->scr = env->screen;
  l->wake = (struct check_wake){eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), SDL_RegisterEvents(1)};
  l->tr = transition_of(env->cfg);
  l->first = 1;
  l->minute_shown = clock_wall() / 60;
  l->watchdog_ms = notify_watchdog_ms();
  uint64_t now = clock_mono_ms();
  l->timeouts[T_IDLE] = (struct timeout){NEVER, on_idle};
  l->timeouts[T_WATCHDOG] = (struct timeout){l->watchdog_ms ? now : NEVER, on_watchdog};
  l->timeouts[T_MINUTE] = (struct timeout){next_minute_ms(), on_minute};
  l->timeouts[T_PAGE] = (struct timeout){NEVER, on_page};
  l->timeouts[T_CARD] = (struct timeout){NEVER, on_card};
  l->timeouts[T_SCHEDULE] = (struct timeout){now + 3600 * 1000, on_schedule};
  screen_size(l->scr, &l->w, &l->h);
}

int loop_run(const struct loop_env *env)
{
  struct loop l;
  loop_init(&l, env);
  const struct opts *o = env->o;
  int status = 2;
  l.pl = make_player(&l);
  if (!l.pl)
    goto out;
  status = 1;
  if (render_at(&l, &l.at, &l.cur))
    goto out;
  status = 0;
  for (;;) {
    show_current(&l);
    if (o->pages && l.shown >= o->pages)
      break;
    int dur_ms = rotation_duration_ms(l.c, l.at.slot, l.cur.duration_ms);
    if (l.manual && dur_ms < l.cfg->idle_return_s * 1000)
      dur_ms = l.cfg->idle_return_s * 1000;
    set_timeout(&l, T_PAGE, clock_mono_ms() + (uint64_t)(dur_ms / o->speed));

    /* Paint the next slide now, while this one stands. */
    l.nat = rotation_next(l.c, l.at, l.cur.n_parts, l.lang_filter);
    l.round_done = o->once && l.nat.slot == 0 && l.nat.part == 0;
    if (l.round_done && screen_headless(l.scr))
      break;
    if (render_at(&l, &l.nat, &l.next)) {
      status = 1;
      break;
    }
    images_flush();
    watchdog_tick(&l);

    stand(&l);
    log_play(&l);
    if (*env->quit || (l.round_done && !l.resized && !l.manual))
      break;
    if ((status = advance(&l)) != 0)
      break;
  }
  if (*env->quit)
    log_info("stopping on request");
  notify_send("STOPPING=1");
  if (o->strict && player_problems(l.pl)) {
    fprintf(stderr, "kiosk: --strict: %d problem%s found on the pages shown (listed above)\n",
            player_problems(l.pl), player_problems(l.pl) == 1 ? "" : "s");
    if (!status)
      status = 1;
  }
  if (o->frame_stats)
    write_frame_stats(o->frame_stats, screen_stats(l.scr));
out:
  SDL_FreeSurface(l.overlay);
  slide_clear(&l.gone);
  slide_clear(&l.cur);
  slide_clear(&l.next);
  images_flush();
  staff_clear(&l.staff);
  player_free(l.pl);
  if (l.wake.fd >= 0)
    close(l.wake.fd);
  return status;
}
