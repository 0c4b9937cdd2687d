/* kiosk — shows the installed content packs on the wall screen.
 *
 * main() wires the parts together and runs the loop: show a slide (with a
 * transition), paint the next one ahead of time, then sleep until a timer
 * is due or an event arrives. A still page costs nothing: the process
 * blocks in the kernel. Timers: the next page, the clock in the band (each
 * minute), the schedule (each hour), systemd's watchdog. The watchdog is
 * also pinged between the steps that take time (a transition, painting the
 * next page), and nothing on this thread waits for the store to be read
 * through: the store's background check has its own thread. */
#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "app/clock.h"
#include "app/content.h"
#include "app/field.h"
#include "app/notify.h"
#include "app/opts.h"
#include "app/player.h"
#include "app/screen.h"
#include "core/fsutil.h"
#include "core/config.h"
#include "core/log.h"
#include "core/playlog.h"
#include "core/sig.h"
#include "core/schedule.h"
#include "render/fonts.h"
#include "render/chooser.h"
#include "render/images.h"
#include "render/overlay.h"

static volatile sig_atomic_t quit_requested;

/* The log's clock: the kiosk's wall clock (which --time moves). */
static long long log_clock(void)
{
  return (long long)clock_wall();
}

static void on_signal(int sig)
{
  (void)sig;
  quit_requested = 1;
}

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

/* Where the rotation stands: a slot of the content and a part of its page. */
struct pos {
  size_t slot;
  int part;
};

static size_t entry_of(const struct content *c, size_t slot)
{
  return c->n_slots ? c->slots[slot % c->n_slots].entry : (size_t)-1;
}

static int duration_of(const struct content *c, size_t slot, const struct slide *s)
{
  if (c->n_slots && c->slots[slot % c->n_slots].duration_s > 0)
    return c->slots[slot % c->n_slots].duration_s * 1000;
  return s->duration_ms;
}

/* Paints the slide at p, skipping slots that fail (logged, never shown
 * broken) up to one full round; then the built-in page, so the screen is
 * never black. */
static int render_at(struct player *pl, const struct content *c, struct pos *p, int w, int h,
                     struct slide *out)
{
  size_t n = c->n_slots;
  for (size_t tries = 0; tries < (n ? n : 1); tries++) {
    struct kerr e;
    size_t e2 = n ? c->slots[p->slot % n].entry2 : (size_t)-1;
    if (player_render_pair(pl, entry_of(c, p->slot), e2, p->part, w, h, out, &e) == 0)
      return 0;
    log_error("%s — skipped", e.msg);
    slide_clear(out);
    p->slot = n ? (p->slot + 1) % n : 0;
    p->part = 0;
  }
  struct kerr e;
  int rc = player_render(pl, (size_t)-1, 0, w, h, out, &e);
  if (rc)
    log_error("built-in page: %s", e.msg);
  return rc;
}

/* Whether slot shows a page in lang (every slot when lang is empty). */
static int slot_in(const struct content *c, size_t slot, const char *lang)
{
  if (!lang || !*lang || !c->n_slots)
    return 1;
  const struct deck_entry *en = deck_get(c->deck, entry_of(c, slot));
  return en && !strcmp(en->lang, lang);
}

/* The slide after p; with a language chosen, the next slot in it. */
static struct pos next_pos(const struct content *c, struct pos p, const struct slide *s,
                           const char *lang)
{
  if (p.part + 1 < s->n_parts)
    return (struct pos){p.slot, p.part + 1};
  size_t n = c->n_slots;
  size_t slot = p.slot;
  for (size_t i = 0; i < n; i++) {
    slot = (slot + 1) % n;
    if (slot_in(c, slot, lang))
      return (struct pos){slot, 0};
  }
  return (struct pos){n ? (p.slot + 1) % n : 0, 0};
}

static struct pos prev_pos(const struct content *c, struct pos p, const char *lang)
{
  if (p.part > 0)
    return (struct pos){p.slot, p.part - 1};
  size_t n = c->n_slots;
  size_t slot = p.slot;
  for (size_t i = 0; i < n; i++) {
    slot = (slot + n - 1) % n;
    if (slot_in(c, slot, lang))
      return (struct pos){slot, 0};
  }
  return (struct pos){n ? (p.slot + n - 1) % n : 0, 0};
}

/* The languages of the rotation, in the order they first appear. */
static size_t rotation_langs(const struct content *c, const char **out, size_t max)
{
  size_t n = 0;
  for (size_t i = 0; i < c->n_slots && n < max; i++) {
    const struct deck_entry *en = deck_get(c->deck, c->slots[i].entry);
    if (!en)
      continue;
    int seen = 0;
    for (size_t k = 0; k < n; k++)
      if (!strcmp(out[k], en->lang))
        seen = 1;
    if (!seen)
      out[n++] = en->lang;
  }
  return n;
}

/* What the screen says to field staff, over the pages: the last few
 * things that happened in this visit, newest last, each in the site's
 * language and in English. */
#define STAFF_LINES 3
struct staff {
  int active;
  char lines[STAFF_LINES][2][512];
  int n;
  int last_is_progress;
  int progress;
  uint64_t until_ms;     /* when a finished visit's card goes away */
  int reload;            /* packs were installed: rebuild the rotation */
  int recheck;           /* keys changed: check every installed pack again */
  char first_id[72];     /* the first pack installed: shown next */
  SDL_Surface *surf;     /* the page with the card on it */
};

/* Shows page with the staff card on it (or the page alone). With
 * screenshots on, each card is saved too, as DIR/staff-NNN.png (a card
 * with a progress bar at most every 5 s). */
static void show_with_card(struct screen *scr, struct fonts *f, struct staff *st, SDL_Surface *page,
                           const char *shots)
{
  static int n_saved;
  static uint64_t progress_saved_ms;
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
  if (shots && (!st->last_is_progress || !progress_saved_ms || now - progress_saved_ms >= 5000)) {
    if (st->last_is_progress)
      progress_saved_ms = now;
    char path[2048];
    snprintf(path, sizeof path, "%s/staff-%03d.png", shots, ++n_saved);
    if (IMG_SavePNG(copy, path) == 0) {
      printf("wrote %s\n", path);
      fflush(stdout); /* tests wait for the card they caused */
    }
  }
  SDL_FreeSurface(st->surf);
  st->surf = copy;
}

/* Takes the install thread's messages into st. Returns 1 if the card
 * changed. */
static int take_messages(struct field *fl, struct staff *st)
{
  struct field_msg m;
  int changed = 0;
  while (field_next_msg(fl, &m)) {
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
    int progress = m.progress >= 0; /* a progress line, replaced by what follows */
    /* A progress line is replaced by the next progress or by the result. */
    if (!(st->last_is_progress && st->n)) {
      if (st->n == STAFF_LINES) {
        memmove(st->lines[0], st->lines[1], sizeof st->lines[0] * (STAFF_LINES - 1));
        st->n--;
      }
      st->n++;
    }
    memcpy(st->lines[st->n - 1], m.lines, sizeof m.lines);
    st->last_is_progress = progress;
    st->progress = m.progress;
    /* A finished visit stays up long enough to read; a visit in progress
     * stays until it finishes (or a minute of silence). */
    st->until_ms = clock_mono_ms() + (m.done ? 15000u : 60000u);
    changed = 1;
  }
  return changed;
}

/* Shows the language chooser over page (drawn on a copy kept in
 * *overlay). Returns 1 if it is open: there must be two languages to
 * choose from. */
static int open_chooser(const struct content *c, struct fonts *f, struct screen *scr,
                        SDL_Surface *page, SDL_Surface **overlay, const char **langs, size_t *n,
                        SDL_Rect *rects)
{
  struct kerr e;
  *n = rotation_langs(c, langs, CHOOSER_MAX);
  SDL_FreeSurface(*overlay);
  *overlay = SDL_ConvertSurface(page, page->format, 0);
  if (!*overlay || *n < 2)
    return 0;
  chooser_paint(f, *overlay, langs, *n, -1, rects);
  screen_show(scr, *overlay, &e);
  return 1;
}

/* A player for the content's deck, set up for the site. NULL when out of
 * memory. */
static struct player *make_player(const struct content *c, struct fonts *f, const struct config *cfg)
{
  struct player *pl = player_new(c->deck, f);
  if (pl) {
    player_set_site(pl, cfg->country, config_tz_offset(cfg, clock_wall()));
    player_set_clock_trusted(pl, c->clock_trusted);
    player_set_fallback_hotlines(pl, cfg->hotlines, cfg->n_hotlines);
    player_set_notice(pl, c->trust_problem);
  }
  return pl;
}

/* Rebuilds the rotation (packs installed, expired or started) and a player
 * for it; *at becomes the first slot of pack first_id (if given), else the
 * start. Returns 0, 1 when the old rotation stays, or -1 out of memory. */
static int reload_rotation(struct content *c, struct fonts *f, const struct config *cfg,
                           struct player **pl, const char *first_id, int recheck, struct pos *at)
{
  struct kerr e;
  if (content_reload(c, clock_wall(), recheck, &e)) {
    log_error("%s — keeping the current rotation", e.msg);
    return 1;
  }
  player_free(*pl);
  *pl = make_player(c, f, cfg);
  if (!*pl)
    return -1;
  *at = (struct pos){0, 0};
  char want[96];
  snprintf(want, sizeof want, "/packs/%s/", first_id ? first_id : "");
  for (size_t k = 0; first_id && *first_id && k < c->n_slots; k++) {
    const struct deck_entry *en = deck_get(c->deck, c->slots[k].entry);
    if (en && strstr(en->root, want)) {
      at->slot = k;
      break;
    }
  }
  return 0;
}

/* Pings systemd's watchdog if a ping is due. */
static void watchdog_tick(uint64_t *due_ms, uint64_t every_ms)
{
  uint64_t t = clock_mono_ms();
  if (every_ms && t >= *due_ms) {
    notify_send("WATCHDOG=1");
    *due_ms = t + every_ms;
  }
}

/* How the store's background check wakes the display thread when a pack
 * fell back or left: an eventfd for the headless loop's poll(), an SDL
 * event for SDL_WaitEventTimeout(). */
struct check_wake {
  int fd;
  uint32_t type;
};

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

static enum screen_transition transition_of(const struct config *cfg)
{
  switch (cfg->transition) {
  case CONFIG_TRANSITION_CROSSFADE: return SCREEN_CROSSFADE;
  case CONFIG_TRANSITION_SLIDE: return SCREEN_SLIDE;
  default: return SCREEN_CUT;
  }
}

int main(int argc, char **argv)
{
  struct opts o;
  struct kerr e;
  if (opts_parse(&o, argc, argv, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    return 2;
  }
  if (o.help) {
    opts_usage(stdout);
    return 0;
  }
  if (o.version) {
    printf("kiosk %s\n", KIOSK_VERSION);
    return 0;
  }

  /* Init. */
  uint64_t start_ms = clock_mono_ms();
  clock_setup(o.fake_time, 1.0);
  if (o.fake_time)
    log_set_clock(log_clock);
  if (o.quiet)
    log_set_level(LOG_WARN);
  if (o.log_file && log_open_file(o.log_file))
    fprintf(stderr, "kiosk: cannot open log file %s; logging to the terminal only\n", o.log_file);
  if (o.screenshots && fsutil_mkdir_p(o.screenshots, 0755, &e)) {
    fprintf(stderr, "kiosk: cannot make the screenshot folder: %s\n", e.msg);
    return 2;
  }
  struct config cfg;
  struct config_problem *problems = NULL;
  size_t n_problems = 0;
  if (config_load_file(o.config, &cfg, &problems, &n_problems, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    return 2;
  }
  for (size_t i = 0; i < n_problems; i++)
    log_msg(problems[i].level, "%s", problems[i].msg);
  free(problems);
  /* The kiosk's log file: --log, else kiosk.log in the log folder (it goes
   * home on sticks). Kept small by log.c: past 1 MiB, at start or while
   * running, it is moved to kiosk.log.1, replacing the older one. */
  char log_path[1200] = "";
  if (o.log_file)
    snprintf(log_path, sizeof log_path, "%s", o.log_file);
  else if (!o.n_pack_dirs && fsutil_mkdir_p(cfg.log_dir, 0755, &e) == 0)
    snprintf(log_path, sizeof log_path, "%s/kiosk.log", cfg.log_dir);
  if (log_path[0] && !o.log_file) {
    if (log_open_file(log_path)) {
      log_warn("%s: cannot write the log file — logging to the terminal only", log_path);
      log_path[0] = '\0';
    }
  }
  /* A developer showing source folders does not touch the system store. */
  const char *store_dir = o.store ? o.store : o.n_pack_dirs ? NULL : cfg.store;
  const char *trusted = o.trusted ? o.trusted : cfg.trusted_keys;

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  if (SDL_Init(o.headless ? SDL_INIT_EVENTS : SDL_INIT_VIDEO) != 0) {
    fprintf(stderr, "kiosk: cannot start SDL: %s\n", SDL_GetError());
    return 2;
  }
  /* After SDL_Init, which installs its own handlers for a windowed kiosk:
   * ours work headless too, and both end the loop the same way. */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  int status = 2;
  struct fonts *fonts = NULL;
  struct content *content = NULL;
  struct screen *screen = NULL;
  struct player *pl = NULL;
  struct slide cur = {0}, next = {0};
  struct slide gone = {0}; /* the slide on screen until the next one is shown */
  struct field *fl = NULL;
  struct playlog *plog = NULL;
  struct staff staff;
  memset(&staff, 0, sizeof staff);
  struct check_wake wake = {eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), SDL_RegisterEvents(1)};
  int store_changed = 0; /* the background check changed what is installed */
  if (TTF_Init() != 0) {
    fprintf(stderr, "kiosk: cannot start the font engine: %s\n", TTF_GetError());
    goto out_sdl;
  }
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  if (fonts_open(o.font_dir, &fonts, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    goto out_ttf;
  }
  if (screen_open(&o, &screen, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    goto out_fonts;
  }
  {
    int sw, sh;
    screen_size(screen, &sw, &sh);
    if (cfg.rotation == CONFIG_ROTATION_SIDE_BY_SIDE && !player_pair_fits(sw, sh)) {
      log_info("%dx%d is too narrow for two languages side by side: showing one at a time", sw, sh);
      cfg.rotation = CONFIG_ROTATION_EACH_LANGUAGE;
    }
  }
  if (content_open(&cfg, store_dir, trusted, o.pack_dirs, (size_t)o.n_pack_dirs, clock_wall(),
                   &content, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    goto out_screen;
  }
  pl = make_player(content, fonts, &cfg);
  if (!pl)
    goto out_content;

  /* The install thread: sticks, the inbox. Only with a store; also when
   * its keys could not be loaded, since a keyring update from a stick may
   * be what brings them back. */
  const char *roots[CONFIG_MAX_USB_ROOTS];
  size_t n_roots = 0;
  if (!o.n_usb_roots)
    for (size_t i = 0; i < cfg.n_usb_roots; i++)
      roots[n_roots++] = cfg.usb_roots[i];
  if (content->store && trusted) {
    struct field_params fp = {&cfg, content->store, store_dir, trusted, roots, n_roots,
                              o.usb_roots, (size_t)o.n_usb_roots,
                              o.inbox ? o.inbox : (o.store ? NULL : cfg.inbox),
                              cfg.log_dir, log_path[0] ? log_path : NULL,
                              cfg.n_languages ? cfg.languages[0] : "en", start_ms,
                              cfg.log_share[0] ? cfg.log_share : NULL,
                              (uint64_t)cfg.log_share_min * 60000u};
    if (field_start(&fp, &fl, &e))
      log_warn("%s — USB sticks are not watched; the kiosk keeps showing what is installed", e.msg);
  }
  if (fsutil_mkdir_p(cfg.log_dir, 0755, &e) == 0 && playlog_open(cfg.log_dir, (unsigned)cfg.play_log_max_kb, &plog, &e))
    log_warn("%s — the play log is not kept", e.msg);
  uint64_t shown_at_ms = 0;

  /* Loop: show, paint ahead, sleep. */
  int w, h;
  screen_size(screen, &w, &h);
  struct pos at = {0, 0};
  int shown = 0;
  status = 0;
  const uint64_t watchdog_ms = notify_watchdog_ms();
  uint64_t watchdog_due = watchdog_ms ? clock_mono_ms() : UINT64_MAX;
  if (render_at(pl, content, &at, w, h, &cur)) {
    status = 1;
    goto out_player;
  }
  uint64_t schedule_due = clock_mono_ms() + 3600 * 1000;
  int64_t minute_shown = clock_wall() / 60;
  int first = 1;
  int manual = 0; /* the viewer moved: stay longer, then resume */
  char lang_filter[36] = "";  /* a language the viewer chose, until idle */
  int chooser_open = 0;
  SDL_Rect chooser_rects[CHOOSER_MAX];
  const char *chooser_langs[CHOOSER_MAX];
  size_t n_choose = 0;
  SDL_Surface *overlay = NULL; /* the page with the chooser drawn on it */
  uint64_t idle_due = UINT64_MAX;
  enum screen_transition tr = transition_of(&cfg);
  for (;;) {
    /* Night: dim between the configured hours, when the clock is trusted. */
    int night = cfg.night_mode == CONFIG_NIGHT_DIM &&
                schedule_is_night(clock_wall(), config_tz_offset(&cfg, clock_wall()), cfg.night_start_min,
                                  cfg.night_end_min, content->clock_trusted);
    screen_set_dim(screen, night ? 80 : 256);
    watchdog_tick(&watchdog_due, watchdog_ms);
    /* The store's check pauses while a transition draws: every frame. */
    content_hold_check(content, !first);
    if (first ? screen_show(screen, cur.surf, &e)
              : screen_transition(screen, cur.surf, manual ? SCREEN_SLIDE : tr,
                                  manual ? cfg.transition_ms / 2 : cfg.transition_ms, &e))
      log_error("%s", e.msg);
    content_hold_check(content, 0);
    watchdog_tick(&watchdog_due, watchdog_ms);
    slide_clear(&gone); /* the screen no longer needs it */
    if (staff.active)
      show_with_card(screen, fonts, &staff, cur.surf, o.screenshots);
    shown_at_ms = clock_mono_ms(); /* for the play log, when it goes */
    shown++;
    if (first) {
      first = 0;
      log_info("first page shown after %llu ms", (unsigned long long)(clock_mono_ms() - start_ms));
      if (o.ready_file)
        write_ready_file(o.ready_file);
      notify_send("READY=1");
      watchdog_tick(&watchdog_due, watchdog_ms);
      /* Only now, with a page on the wall, is the store read back. */
      uint64_t period_ms = o.store_check_ms ? (uint64_t)o.store_check_ms
                                            : (uint64_t)cfg.store_check_days * 86400000u;
      if (wake.fd >= 0 &&
          content_start_check(content, period_ms, on_store_changed, &wake, &e))
        log_warn("%s — installed packs are checked only at start", e.msg);
    }
    if (o.screenshots)
      save_png(o.screenshots, shown, content->deck, &cur);
    if (o.pages && shown >= o.pages)
      break;
    int dur_ms = duration_of(content, at.slot, &cur);
    if (manual && dur_ms < cfg.idle_return_s * 1000)
      dur_ms = cfg.idle_return_s * 1000;
    uint64_t due = clock_mono_ms() + (uint64_t)(dur_ms / o.speed);

    /* Paint the next slide now, while this one stands. */
    struct pos nat = next_pos(content, at, &cur, lang_filter);
    int round_done = o.once && nat.slot == 0 && nat.part == 0;
    if (round_done && screen_headless(screen))
      break;
    if (render_at(pl, content, &nat, w, h, &next)) {
      status = 1;
      break;
    }
    images_flush();
    watchdog_tick(&watchdog_due, watchdog_ms);

    /* Sleep until the next slide is due or something happens. */
    int resized = 0, go_back = 0, jump = 0;
    manual = 0;
    while (!quit_requested) {
      uint64_t t = clock_mono_ms();
      if (t >= idle_due) {
        /* Nobody touched the screen for a while: back to the rotation. */
        idle_due = UINT64_MAX;
        lang_filter[0] = '\0';
        if (chooser_open) {
          chooser_open = 0;
          screen_show(screen, cur.surf, &e);
        }
      }
      watchdog_tick(&watchdog_due, watchdog_ms);
      int64_t minute = clock_wall() / 60;
      if (minute != minute_shown) {
        /* The clock in the band moved on: repaint the band only. */
        minute_shown = minute;
        int shift = cfg.burn_in_shift_px ? (int)(minute % (2 * cfg.burn_in_shift_px + 1)) - cfg.burn_in_shift_px : 0;
        player_refresh_band(pl, &cur, shift);
        player_refresh_band(pl, &next, shift);
        screen_refresh(screen, NULL);
      }
      if (t >= due)
        break;
      uint64_t wait = due - t;
      if (watchdog_due - t < wait)
        wait = watchdog_due - t;
      uint64_t to_minute = (uint64_t)(60 - clock_wall() % 60) * 1000;
      if (to_minute < wait)
        wait = to_minute;
      if (idle_due - t < wait)
        wait = idle_due - t;
      if (staff.active && staff.until_ms - t < wait)
        wait = staff.until_ms > t ? staff.until_ms - t : 0;
      if (staff.active && t >= staff.until_ms) {
        /* The card has been read: back to the pages alone. */
        staff.active = 0;
        screen_show(screen, cur.surf, &e);
        if (staff.reload)
          break;
        continue;
      }
      if (screen_headless(screen)) {
        struct pollfd pfd[2] = {{wake.fd, POLLIN, 0}, {field_wake_fd(fl), POLLIN, 0}};
        if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, (int)(wait > 1000000 ? 1000000 : wait)) > 0) {
          uint64_t v;
          if (pfd[0].revents & POLLIN && read(wake.fd, &v, sizeof v) == (ssize_t)sizeof v)
            store_changed = 1;
          if (take_messages(fl, &staff))
            show_with_card(screen, fonts, &staff, cur.surf, o.screenshots);
        }
        continue;
      }
      SDL_Event ev;
      if (!SDL_WaitEventTimeout(&ev, wait > 1000000 ? 1000000 : (int)wait))
        continue;
      if (ev.type == wake.type) {
        uint64_t v;
        if (read(wake.fd, &v, sizeof v) == (ssize_t)sizeof v)
          store_changed = 1;
      } else if (fl && ev.type == field_event_type(fl)) {
        if (take_messages(fl, &staff))
          show_with_card(screen, fonts, &staff, cur.surf, o.screenshots);
      } else if (ev.type == SDL_QUIT) {
        quit_requested = 1;
      } else if (ev.type == SDL_KEYDOWN) {
        SDL_Keycode k = ev.key.keysym.sym;
        idle_due = t + (uint64_t)cfg.idle_return_s * 1000;
        if (k == SDLK_l || (chooser_open && k >= SDLK_1 && k <= SDLK_9)) {
          /* L opens the chooser; a digit picks a language in it. */
          int pick = k == SDLK_l ? -1 : (int)(k - SDLK_1);
          if (!chooser_open) {
            chooser_open = open_chooser(content, fonts, screen, cur.surf, &overlay,
                                        chooser_langs, &n_choose, chooser_rects);
          } else if (pick >= 0 && (size_t)pick < n_choose) {
            snprintf(lang_filter, sizeof lang_filter, "%s", chooser_langs[pick]);
            chooser_open = 0;
            manual = jump = 1;
            due = 0;
          } else {
            chooser_open = 0;
            screen_show(screen, cur.surf, &e);
          }
          continue;
        }
        if ((k == SDLK_ESCAPE || k == SDLK_q) && !o.fullscreen)
          quit_requested = 1;
        else if (k == SDLK_RIGHT || k == SDLK_SPACE || k == SDLK_PAGEDOWN || k == SDLK_RETURN) {
          manual = 1;
          due = 0;
        } else if (k == SDLK_LEFT || k == SDLK_PAGEUP || k == SDLK_BACKSPACE) {
          manual = 1;
          go_back = 1;
          due = 0;
        }
      } else if (ev.type == SDL_MOUSEBUTTONDOWN || ev.type == SDL_FINGERDOWN) {
        /* Taps: the left third goes back, the right third forward, the
         * middle opens the language chooser; in the chooser, a button
         * picks its language and anything else closes it. */
        int x = ev.type == SDL_FINGERDOWN ? (int)(ev.tfinger.x * (float)w) : ev.button.x;
        int y = ev.type == SDL_FINGERDOWN ? (int)(ev.tfinger.y * (float)h) : ev.button.y;
        idle_due = t + (uint64_t)cfg.idle_return_s * 1000;
        if (chooser_open) {
          int hit = chooser_hit(chooser_rects, n_choose, x, y);
          chooser_open = 0;
          if (hit >= 0) {
            snprintf(lang_filter, sizeof lang_filter, "%s", chooser_langs[hit]);
            manual = jump = 1;
            due = 0;
          } else {
            screen_show(screen, cur.surf, &e);
          }
        } else if (x < w / 3 || x > w * 2 / 3) {
          manual = 1;
          go_back = x < w / 3;
          due = 0;
        } else {
          chooser_open = open_chooser(content, fonts, screen, cur.surf, &overlay, chooser_langs,
                                      &n_choose, chooser_rects);
        }
      } else if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
        resized = 1;
        break;
      } else if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_EXPOSED) {
        screen_refresh(screen, NULL);
      }
    }
    {
      const struct deck_entry *en = deck_get(content->deck, cur.entry);
      if (plog && en) {
        struct kerr pe;
        if (playlog_append(plog, clock_wall() - (int64_t)((clock_mono_ms() - shown_at_ms) / 1000),
                           en->pack_id, en->version, en->name, en->lang,
                           clock_mono_ms() - shown_at_ms, &pe))
          log_warn("%s", pe.msg);
      }
    }
    if (quit_requested || (round_done && !resized && !manual))
      break;
    int reload = 0;
    if (staff.reload && !staff.active) {
      /* New packs: the first installed page is shown next. */
      staff.reload = 0;
      reload = reload_rotation(content, fonts, &cfg, &pl, staff.first_id, staff.recheck, &at);
      staff.first_id[0] = '\0';
      staff.recheck = 0;
    } else if (store_changed) {
      /* A pack fell back or left: its pages are no longer what is shown. */
      store_changed = 0;
      reload = reload_rotation(content, fonts, &cfg, &pl, NULL, 0, &at);
    } else if (clock_mono_ms() >= schedule_due) {
      /* Packs expire and start by the hour. */
      schedule_due = clock_mono_ms() + 3600 * 1000;
      reload = reload_rotation(content, fonts, &cfg, &pl, NULL, 0, &at);
    } else {
      reload = 1;
    }
    if (reload < 0) {
      status = 2;
      break;
    }
    if (reload == 0) {
      slide_clear(&next);
      if (render_at(pl, content, &at, w, h, &next)) {
        status = 1;
        break;
      }
      slide_clear(&gone);
      gone = cur;
      cur = next;
      memset(&next, 0, sizeof next);
      continue;
    }
    if (chooser_open) {
      /* A slide change closes the chooser. */
      chooser_open = 0;
      screen_show(screen, cur.surf, &e);
    }
    if (resized || go_back || jump) {
      /* Lay out again for the new size, go one slide back, or go to the
       * next slide in the language just chosen. */
      slide_clear(&next);
      screen_size(screen, &w, &h);
      struct pos target = go_back ? prev_pos(content, at, lang_filter)
                          : jump  ? next_pos(content, (struct pos){at.slot, 0}, &(struct slide){.n_parts = 1}, lang_filter)
                                  : at;
      struct slide s = {0};
      if (render_at(pl, content, &target, w, h, &s)) {
        status = 1;
        break;
      }
      slide_clear(&gone);
      gone = cur;
      cur = s;
      at = target;
      if (resized) {
        first = 1; /* no transition between sizes */
        shown--;
      }
      continue;
    }
    slide_clear(&gone);
    gone = cur;
    cur = next;
    at = nat;
    memset(&next, 0, sizeof next);
  }
  if (quit_requested)
    log_info("stopping on request");
  notify_send("STOPPING=1");
  if (o.strict && player_problems(pl)) {
    fprintf(stderr, "kiosk: --strict: %d problem%s found on the pages shown (listed above)\n",
            player_problems(pl), player_problems(pl) == 1 ? "" : "s");
    if (!status)
      status = 1;
  }
  if (o.frame_stats)
    write_frame_stats(o.frame_stats, screen_stats(screen));

  /* Teardown. */
  SDL_FreeSurface(overlay);
  slide_clear(&gone);
  slide_clear(&cur);
  slide_clear(&next);
  images_flush();
out_player:
  if (field_stop(fl) != 0) { /* before the store it installs into goes */
    /* The install thread is stuck in a read from a stick: leave at once,
     * without exit handlers that would wait for it (as a power cut would,
     * an install cut off changes nothing). */
    log_close_file();
    fflush(NULL);
    _exit(status);
  }
  playlog_close(plog);
  SDL_FreeSurface(staff.surf);
  player_free(pl);
out_content:
  content_free(content);
out_screen:
  screen_close(screen);
out_fonts:
  fonts_close(fonts);
out_ttf:
  IMG_Quit();
  TTF_Quit();
out_sdl:
  SDL_Quit();
  if (wake.fd >= 0)
    close(wake.fd);
  log_close_file();
  return status;
}
