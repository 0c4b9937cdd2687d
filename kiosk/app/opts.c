/* opts.c — parses the kiosk's command line. Every bad argument is reported
 * with the option's name and what would be accepted; nothing here exits. */
#include "app/opts.h"
#include "core/manifest.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void opts_usage(void *out)
{
  fputs("Usage: kiosk [OPTIONS]\n"
        "\n"
        "Shows the pages of the installed content packs on the screen, in rotation.\n"
        "\n"
        "Display:\n"
        "  (default)               fullscreen on the current display\n"
        "  --window WxH            in a window of W by H pixels, e.g. --window 1280x720\n"
        "  --headless              no display: render in memory (needs --size)\n"
        "  --size WxH              page size for --headless, e.g. --size 1920x1080\n"
        "  --screenshots DIR       write each page shown as DIR/page-NNN-<page>.<lang>.png\n"
        "  --pages N               exit after showing N pages\n"
        "  --once                  exit after showing every page once\n"
        "  --strict                exit with status 1 if any page had a problem (a\n"
        "                          character no font has, text below the readable\n"
        "                          minimum, a box off the page or over another, a\n"
        "                          missing image)\n"
        "\n"
        "Content:\n"
        "  --config FILE           settings (default /etc/kiosk/kiosk.conf when present;\n"
        "                          see tools/kiosk.conf.example)\n"
        "  --store DIR             installed packs (overrides [paths] store)\n"
        "  --trusted PATH          trusted public key, or a folder of .pub files\n"
        "  --usb-root DIR          treat each folder in DIR as a USB stick (repeatable;\n"
        "                          replaces [paths] usb_roots)\n"
        "  --inbox DIR             install packs that appear in DIR\n"
        "  --pack-dir DIR          show an unpacked pack source folder (repeatable;\n"
        "                          a developer convenience: nothing is verified)\n"
        "  --fonts DIR             folder with the kiosk's fonts\n"
        "\n"
        "Other:\n"
        "  --log FILE              also append the log to FILE\n"
        "  --quiet                 log only warnings and errors to the terminal\n"
        "  --speed X               run page timers X times faster (for tests)\n"
        "  --store-check-ms N      read the whole store back every N ms instead of\n"
        "                          every [paths] store_check_days (for tests)\n"
        "  --time T                pretend the clock reads T (e.g. 2020-07-10T09:30:00Z)\n"
        "                          when the kiosk starts (it then runs on normally)\n"
        "  --ready-file FILE       write FILE once the first page is on screen\n"
        "  --frame-stats FILE      write the transitions' frame times to FILE at exit\n"
        "  -h, --help              show this help\n"
        "  -V, --version           show the version\n"
        "\n"
        "Exit status: 0 ok, 1 a page or pack problem, 2 usage or system error.\n",
        (FILE *)out);
}

static int parse_size(const char *opt, const char *val, int *w, int *h, struct kerr *e)
{
  char *end;
  errno = 0;
  long lw = strtol(val, &end, 10);
  if (errno || end == val || (*end != 'x' && *end != 'X'))
    goto bad;
  const char *hs = end + 1;
  long lh = strtol(hs, &end, 10);
  if (errno || end == hs || *end != '\0')
    goto bad;
  if (lw < 320 || lh < 240 || lw > 8192 || lh > 8192)
    return kerr_set(e, KERR_USAGE, "%s %s: size must be between 320x240 and 8192x8192", opt, val);
  *w = (int)lw;
  *h = (int)lh;
  return 0;
bad:
  return kerr_set(e, KERR_USAGE, "%s '%s': expected WIDTHxHEIGHT, e.g. 1920x1080", opt, val);
}

static int parse_count(const char *opt, const char *val, int *out, struct kerr *e)
{
  char *end;
  errno = 0;
  long v = strtol(val, &end, 10);
  if (errno || end == val || *end != '\0' || v < 1 || v > INT_MAX)
    return kerr_set(e, KERR_USAGE, "%s '%s': expected a whole number of 1 or more", opt, val);
  *out = (int)v;
  return 0;
}

static int parse_speed(const char *opt, const char *val, double *out, struct kerr *e)
{
  char *end;
  errno = 0;
  double v = strtod(val, &end);
  if (errno || end == val || *end != '\0' || !(v >= 0.01 && v <= 100000.0))
    return kerr_set(e, KERR_USAGE, "%s '%s': expected a number between 0.01 and 100000", opt, val);
  *out = v;
  return 0;
}

int opts_parse(struct opts *o, int argc, char **argv, struct kerr *e)
{
  memset(o, 0, sizeof *o);
  o->fullscreen = 1;
  o->speed = 1.0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    /* Options that take a value. */
    static const char *const with_value[] = {
        "--window",  "--size",        "--screenshots", "--pages", "--pack-dir",       "--fonts",
        "--log",     "--speed",       "--ready-file",  "--time",  "--config",         "--store",
        "--trusted", "--frame-stats", "--usb-root",    "--inbox", "--store-check-ms", NULL};
    int takes = 0;
    for (int k = 0; with_value[k]; k++)
      if (!strcmp(a, with_value[k]))
        takes = 1;
    const char *v = NULL;
    if (takes) {
      if (i + 1 >= argc)
        return kerr_set(e, KERR_USAGE, "%s needs a value — see kiosk --help", a);
      v = argv[++i];
    }
    int rc = 0;
    if (!strcmp(a, "-h") || !strcmp(a, "--help"))
      o->help = 1;
    else if (!strcmp(a, "-V") || !strcmp(a, "--version"))
      o->version = 1;
    else if (!strcmp(a, "--headless"))
      o->headless = 1;
    else if (!strcmp(a, "--once"))
      o->once = 1;
    else if (!strcmp(a, "--strict"))
      o->strict = 1;
    else if (!strcmp(a, "--quiet"))
      o->quiet = 1;
    else if (!strcmp(a, "--window"))
      rc = parse_size(a, v, &o->win_w, &o->win_h, e);
    else if (!strcmp(a, "--size"))
      rc = parse_size(a, v, &o->size_w, &o->size_h, e);
    else if (!strcmp(a, "--screenshots"))
      o->screenshots = v;
    else if (!strcmp(a, "--pages"))
      rc = parse_count(a, v, &o->pages, e);
    else if (!strcmp(a, "--pack-dir")) {
      if (o->n_pack_dirs >= OPTS_MAX_DIRS)
        return kerr_set(e, KERR_USAGE, "--pack-dir: at most %d folders", OPTS_MAX_DIRS);
      o->pack_dirs[o->n_pack_dirs++] = v;
    } else if (!strcmp(a, "--fonts"))
      o->font_dir = v;
    else if (!strcmp(a, "--config"))
      o->config = v;
    else if (!strcmp(a, "--store"))
      o->store = v;
    else if (!strcmp(a, "--trusted"))
      o->trusted = v;
    else if (!strcmp(a, "--frame-stats"))
      o->frame_stats = v;
    else if (!strcmp(a, "--usb-root")) {
      if (o->n_usb_roots >= OPTS_MAX_DIRS)
        return kerr_set(e, KERR_USAGE, "--usb-root: at most %d folders", OPTS_MAX_DIRS);
      o->usb_roots[o->n_usb_roots++] = v;
    } else if (!strcmp(a, "--inbox"))
      o->inbox = v;
    else if (!strcmp(a, "--log"))
      o->log_file = v;
    else if (!strcmp(a, "--speed"))
      rc = parse_speed(a, v, &o->speed, e);
    else if (!strcmp(a, "--store-check-ms"))
      rc = parse_count(a, v, &o->store_check_ms, e);
    else if (!strcmp(a, "--time")) {
      int64_t t;
      if (manifest_parse_time(v, &t) || t <= 0)
        return kerr_set(e, KERR_USAGE,
                        "--time '%s': expected a date and time like 2020-07-10T09:30:00Z", v);
      o->fake_time = t;
    } else if (!strcmp(a, "--ready-file"))
      o->ready_file = v;
    else
      return kerr_set(e, KERR_USAGE, "unknown option '%s' — see kiosk --help", a);
    if (rc)
      return rc;
  }
  if (o->help || o->version)
    return 0;
  if (o->headless && !o->size_w)
    return kerr_set(e, KERR_USAGE, "--headless needs --size WxH, e.g. --size 1920x1080");
  if (!o->headless && o->size_w)
    return kerr_set(e, KERR_USAGE, "--size goes with --headless; for a window use --window WxH");
  if (o->headless && o->win_w)
    return kerr_set(e, KERR_USAGE, "--window and --headless exclude each other");
  if (o->win_w || o->headless)
    o->fullscreen = 0;
  return 0;
}
