/* kiosk — shows the installed content packs on the wall screen.
 *
 * main() only wires the parts together: options, configuration, log,
 * screen, content, the install thread and the play log, then the loop
 * (app/loop.c), then teardown. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "core/clock.h"
#include "app/content.h"
#include "app/field.h"
#include "app/loop.h"
#include "app/notify.h"
#include "app/opts.h"
#include "render/player.h"
#include "app/screen.h"
#include "core/config.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/playlog.h"

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

/* Loads the configuration (each bad line logged; the kiosk goes on with
 * the default for it). */
static int load_config(const struct opts *o, struct config *cfg, struct kerr *e)
{
  struct config_problem *problems = NULL;
  size_t n_problems = 0;
  if (config_load_file(o->config, cfg, &problems, &n_problems, e))
    return -1;
  for (size_t i = 0; i < n_problems; i++)
    log_msg(problems[i].level, "%s", problems[i].msg);
  free(problems);
  return 0;
}

/* The kiosk's log file: --log, else kiosk.log in the log folder (it goes
 * home on sticks). Kept small by log.c: past 1 MiB, at start or while
 * running, it is moved to kiosk.log.1, replacing the older one. Fills
 * path (cap bytes) with the file used, or "" for the terminal only. */
static void open_log(const struct opts *o, const struct config *cfg, char *path, size_t cap)
{
  struct kerr e;
  path[0] = '\0';
  if (o->log_file) {
    if (log_open_file(o->log_file))
      fprintf(stderr, "kiosk: cannot open log file %s; logging to the terminal only\n",
              o->log_file);
    snprintf(path, cap, "%s", o->log_file);
    return;
  }
  if (o->n_pack_dirs || fsutil_mkdir_p(cfg->log_dir, 0755, &e) != 0)
    return;
  snprintf(path, cap, "%s/kiosk.log", cfg->log_dir);
  if (log_open_file(path)) {
    log_warn("%s: cannot write the log file — logging to the terminal only", path);
    path[0] = '\0';
  }
}

/* The install thread: sticks, the inbox. Only with a store; also when its
 * keys could not be loaded, since a keyring update from a stick may be
 * what brings them back. NULL when there is none. */
static struct field *start_field(const struct opts *o, const struct config *cfg,
                                 struct content *content, const char *store_dir,
                                 const char *trusted, const char *log_path, uint64_t start_ms)
{
  const char *roots[CONFIG_MAX_USB_ROOTS];
  size_t n_roots = 0;
  if (!o->n_usb_roots)
    for (size_t i = 0; i < cfg->n_usb_roots; i++)
      roots[n_roots++] = cfg->usb_roots[i];
  if (!content->store || !trusted)
    return NULL;
  struct field_params fp = {cfg,
                            content->store,
                            store_dir,
                            trusted,
                            roots,
                            n_roots,
                            o->usb_roots,
                            (size_t)o->n_usb_roots,
                            o->inbox ? o->inbox : (o->store ? NULL : cfg->inbox),
                            cfg->log_dir,
                            log_path[0] ? log_path : NULL,
                            cfg->n_languages ? cfg->languages[0] : "en",
                            start_ms,
                            cfg->log_share[0] ? cfg->log_share : NULL,
                            (uint64_t)cfg->log_share_min * 60000u};
  struct field *fl = NULL;
  struct kerr e;
  if (field_start(&fp, &fl, &e))
    log_warn("%s — USB sticks are not watched; the kiosk keeps showing what is installed", e.msg);
  return fl;
}

static struct playlog *open_playlog(const struct config *cfg)
{
  struct playlog *plog = NULL;
  struct kerr e;
  if (fsutil_mkdir_p(cfg->log_dir, 0755, &e) == 0 &&
      playlog_open(cfg->log_dir, (unsigned)cfg->play_log_max_kb, &plog, &e))
    log_warn("%s — the play log is not kept", e.msg);
  return plog;
}

/* Two languages side by side need a wide screen; else one at a time. */
static void fit_rotation(struct screen *screen, struct config *cfg)
{
  int sw, sh;
  screen_size(screen, &sw, &sh);
  if (cfg->rotation == CONFIG_ROTATION_SIDE_BY_SIDE && !player_pair_fits(sw, sh)) {
    log_info("%dx%d is too narrow for two languages side by side: showing one at a time", sw, sh);
    cfg->rotation = CONFIG_ROTATION_EACH_LANGUAGE;
  }
}

/* A watchdog ping between the steps of start-up (fonts, the display, the
 * store's quick check), so that a slow SD card at boot does not add them
 * all up into one gap; the loop pings from then on. */
static void start_ping(void)
{
  if (notify_watchdog_ms())
    notify_send("WATCHDOG=1");
}

int main(int argc, char **argv)
{
  struct opts o;
  struct kerr e;
  if (opts_parse(&o, argc, argv, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    return 2;
  }
  if (o.help || o.version) {
    if (o.help)
      opts_usage(stdout);
    else
      printf("kiosk %s\n", KIOSK_VERSION);
    return 0;
  }
  uint64_t start_ms = clock_mono_ms();
  clock_setup(o.fake_time, 1.0);
  if (o.fake_time)
    log_set_clock(log_clock);
  if (o.quiet)
    log_set_level(LOG_WARN);
  struct config cfg;
  if ((o.screenshots && fsutil_mkdir_p(o.screenshots, 0755, &e)) || load_config(&o, &cfg, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    return 2;
  }
  char log_path[1200];
  open_log(&o, &cfg, log_path, sizeof log_path);
  /* A developer showing source folders does not touch the system store. */
  const char *store_dir = o.store ? o.store : o.n_pack_dirs ? NULL : cfg.store;
  const char *trusted = o.trusted ? o.trusted : cfg.trusted_keys;

  if (SDL_Init(o.headless ? SDL_INIT_EVENTS : SDL_INIT_VIDEO) != 0) {
    fprintf(stderr, "kiosk: cannot start SDL: %s\n", SDL_GetError());
    return 2;
  }
  /* After SDL_Init, which installs its own handlers for a windowed kiosk:
   * ours work headless too, and both end the loop the same way. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  int status = 2;
  struct fonts *fonts = NULL;
  struct content *content = NULL;
  struct screen *screen = NULL;
  if (TTF_Init() != 0) {
    fprintf(stderr, "kiosk: cannot start the font engine: %s\n", TTF_GetError());
    goto out_sdl;
  }
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  start_ping();
  if (fonts_open(o.font_dir, &fonts, &e) || screen_open(&o, &screen, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    goto out;
  }
  start_ping();
  fit_rotation(screen, &cfg);
  if (content_open(&cfg, store_dir, trusted, o.pack_dirs, (size_t)o.n_pack_dirs, clock_wall(),
                   &content, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    goto out;
  }
  start_ping();
  struct loop_env env = {&o, &cfg, fonts, screen, content, NULL, NULL, start_ms, &quit_requested};
  env.field = start_field(&o, &cfg, content, store_dir, trusted, log_path, start_ms);
  env.plog = open_playlog(&cfg);

  status = loop_run(&env);

  if (field_stop(env.field) != 0) { /* before the store it installs into goes */
    /* The install thread is stuck in a read from a stick: leave at once,
     * without exit handlers that would wait for it (as a power cut would,
     * an install cut off changes nothing). */
    log_close_file();
    fflush(NULL);
    _exit(status);
  }
  playlog_close(env.plog);
out:
  content_free(content);
  screen_close(screen);
  fonts_close(fonts);
  IMG_Quit();
  TTF_Quit();
out_sdl:
  SDL_Quit();
  log_close_file();
  return status;
}
