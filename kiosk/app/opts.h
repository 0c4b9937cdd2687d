/* opts.h — the kiosk's command line. */
#ifndef KIOSK_APP_OPTS_H
#define KIOSK_APP_OPTS_H

#include "core/err.h"

#define OPTS_MAX_DIRS 16

struct opts {
  int help, version;
  int fullscreen;                       /* default unless --window or --headless */
  int win_w, win_h;                     /* --window WxH */
  int headless;                         /* --headless */
  int size_w, size_h;                   /* --size WxH (headless) */
  const char *screenshots;              /* --screenshots DIR */
  int pages;                            /* --pages N: exit after N pages; 0 = run forever */
  const char *pack_dirs[OPTS_MAX_DIRS]; /* --pack-dir DIR (unpacked sources) */
  int n_pack_dirs;
  const char *font_dir;                 /* --fonts DIR */
  const char *config;                   /* --config FILE (else /etc/kiosk/kiosk.conf if present) */
  const char *store;                    /* --store DIR: installed packs */
  const char *trusted;                  /* --trusted PATH: a .pub file or a folder of them */
  const char *frame_stats;              /* --frame-stats FILE: transition frame times at exit */
  const char *usb_roots[OPTS_MAX_DIRS]; /* --usb-root DIR: each subfolder is a stick */
  int n_usb_roots;
  const char *inbox;      /* --inbox DIR */
  const char *log_file;   /* --log FILE */
  int quiet;              /* --quiet: only warnings and errors */
  double speed;           /* --speed X: durations divided by X (tests) */
  const char *ready_file; /* --ready-file FILE: written when the first page is shown */
  long long fake_time;    /* --time T: the wall clock starts at T (unix s); 0 = real */
  int once;               /* --once: exit after one full round of the pages */
  int strict;             /* --strict: exit 1 if any page had a problem */
  int store_check_ms;     /* --store-check-ms N: period of the background
                              store check (tests); 0 = [paths] store_check_days */
};

/* Parses argv into o (zeroed first). On a bad argument returns KERR_USAGE and
 * a message for the person at the terminal in e. */
int opts_parse(struct opts *o, int argc, char **argv, struct kerr *e);

/* Prints the help text to out (a FILE *). */
void opts_usage(void *out);

#endif
