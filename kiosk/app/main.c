/* kiosk — shows the installed content packs on the wall screen.
 *
 * main() wires the parts together and runs the loop: show a slide, paint
 * the next one ahead of time, then sleep until its time comes or an event
 * arrives. A still page costs nothing: the process blocks in the kernel. */
#include <errno.h>
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
#include "app/opts.h"
#include "app/player.h"
#include "app/screen.h"
#include "core/deck.h"
#include "core/log.h"
#include "render/fonts.h"
#include "render/images.h"

static volatile sig_atomic_t quit_requested;

static void on_signal(int sig)
{
  (void)sig;
  quit_requested = 1;
}

/* mkdir -p: the folder and any missing parents. */
static int make_dirs(const char *path)
{
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir(buf, 0755) && errno != EEXIST)
        return -1;
      *p = '/';
    }
  return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

static uint64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
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

/* Renders the slide at (entry, part), skipping entries that fail, up to one
 * full round; then falls back to the built-in page so the screen is never
 * black. */
static int render_slide(struct player *pl, const struct deck *d, size_t entry, int part, int w,
                        int h, struct slide *out)
{
  size_t n = deck_count(d);
  for (size_t tries = 0; tries < (n ? n : 1); tries++) {
    struct kerr e;
    if (player_render(pl, entry, part, w, h, out, &e) == 0)
      return 0;
    log_error("%s — skipped", e.msg);
    slide_clear(out);
    int np;
    player_next(pl, entry, 0, 1, &entry, &np);
    part = 0;
  }
  struct kerr e;
  int rc;
  rc = player_render(pl, (size_t)-1, 0, w, h, out, &e);
  if (rc)
    log_error("built-in page: %s", e.msg);
  return rc;
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
  uint64_t start_ms = now_ms();
  clock_setup(o.fake_time, 1.0);
  if (o.quiet)
    log_set_level(LOG_WARN);
  if (o.log_file && log_open_file(o.log_file))
    fprintf(stderr, "kiosk: cannot open log file %s; logging to the terminal only\n", o.log_file);
  if (o.screenshots && make_dirs(o.screenshots)) {
    fprintf(stderr, "kiosk: cannot create screenshot folder %s: %s\n", o.screenshots, strerror(errno));
    return 2;
  }
  if (o.headless) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
  }
  if (SDL_Init(o.headless ? SDL_INIT_EVENTS : SDL_INIT_VIDEO) != 0) {
    fprintf(stderr, "kiosk: cannot start SDL: %s\n", SDL_GetError());
    return 2;
  }
  int status = 2;
  struct fonts *fonts = NULL;
  struct deck *deck = NULL;
  struct screen *screen = NULL;
  struct player *pl = NULL;
  struct slide cur = {0}, next = {0};
  if (TTF_Init() != 0) {
    fprintf(stderr, "kiosk: cannot start the font engine: %s\n", TTF_GetError());
    goto out_sdl;
  }
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  if (fonts_open(o.font_dir, &fonts, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    goto out_ttf;
  }
  deck = deck_new();
  if (!deck)
    goto out_fonts;
  for (int i = 0; i < o.n_pack_dirs; i++)
    if (deck_add_dir(deck, o.pack_dirs[i], &e))
      log_error("%s — this pack is not shown", e.msg);
  log_info("%zu page%s to show", deck_count(deck), deck_count(deck) == 1 ? "" : "s");
  if (screen_open(&o, &screen, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    goto out_deck;
  }
  pl = player_new(deck, fonts);
  if (!pl)
    goto out_screen;

  /* Loop: show, paint ahead, sleep. */
  int w, h;
  screen_size(screen, &w, &h);
  size_t entry = 0;
  int part = 0;
  int shown = 0;
  status = 0;
  if (render_slide(pl, deck, entry, part, w, h, &cur)) {
    status = 1;
    goto out_player;
  }
  for (;;) {
    if (screen_show(screen, cur.surf, &e))
      log_error("%s", e.msg);
    shown++;
    if (shown == 1) {
      log_info("first page shown after %llu ms", (unsigned long long)(now_ms() - start_ms));
      if (o.ready_file)
        write_ready_file(o.ready_file);
    }
    if (o.screenshots)
      save_png(o.screenshots, shown, deck, &cur);
    if (o.pages && shown >= o.pages)
      break;
    uint64_t due = now_ms() + (uint64_t)(cur.duration_ms / o.speed);

    /* Paint the next slide now, while this one stands. */
    size_t ne;
    int np;
    player_next(pl, cur.entry, cur.part, cur.n_parts, &ne, &np);
    /* Back at the first page: with --once, this round is the last. */
    int round_done = o.once && np == 0 && (ne == 0 || ne == (size_t)-1);
    if (round_done && screen_headless(screen))
      break;
    if (render_slide(pl, deck, ne, np, w, h, &next)) {
      status = 1;
      break;
    }
    images_flush();

    /* Sleep until the next slide is due or something happens. */
    int resized = 0;
    while (!quit_requested) {
      uint64_t t = now_ms();
      if (t >= due)
        break;
      uint64_t wait = due - t;
      if (screen_headless(screen)) {
        struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        continue;
      }
      SDL_Event ev;
      if (!SDL_WaitEventTimeout(&ev, wait > 1000000 ? 1000000 : (int)wait))
        continue;
      if (ev.type == SDL_QUIT)
        quit_requested = 1;
      else if (ev.type == SDL_KEYDOWN && (ev.key.keysym.sym == SDLK_ESCAPE || ev.key.keysym.sym == SDLK_q))
        quit_requested = 1;
      else if (ev.type == SDL_KEYDOWN && (ev.key.keysym.sym == SDLK_RIGHT || ev.key.keysym.sym == SDLK_SPACE))
        due = 0;
      else if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
        resized = 1;
        break;
      } else if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_EXPOSED)
        screen_refresh(screen);
    }
    if (quit_requested || (round_done && !resized))
      break;
    if (resized) {
      /* Lay out the same slide again for the new size. */
      slide_clear(&next);
      screen_size(screen, &w, &h);
      size_t ce = cur.entry;
      int cp = cur.part;
      slide_clear(&cur);
      if (render_slide(pl, deck, ce, cp, w, h, &cur)) {
        status = 1;
        break;
      }
      shown--;
      continue;
    }
    slide_clear(&cur);
    cur = next;
    memset(&next, 0, sizeof next);
  }
  if (quit_requested)
    log_info("stopping on request");
  if (o.strict && player_problems(pl)) {
    fprintf(stderr, "kiosk: --strict: %d problem%s found on the pages shown (listed above)\n",
            player_problems(pl), player_problems(pl) == 1 ? "" : "s");
    if (!status)
      status = 1;
  }

  /* Teardown. */
  slide_clear(&cur);
  slide_clear(&next);
  images_flush();
out_player:
  player_free(pl);
out_screen:
  screen_close(screen);
out_deck:
  deck_free(deck);
out_fonts:
  fonts_close(fonts);
out_ttf:
  IMG_Quit();
  TTF_Quit();
out_sdl:
  SDL_Quit();
  log_close_file();
  return status;
}
