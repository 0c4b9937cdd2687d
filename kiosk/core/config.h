/* config.h — the kiosk's configuration: one INI file, normally
 * /etc/kiosk/kiosk.conf, written by a field technician.
 *
 * Every key has a default, and a bad value never stops the kiosk: the loader
 * keeps the default for that key and records a problem that names the file,
 * the line, the key, what is accepted and what is used instead, e.g.
 *   /etc/kiosk/kiosk.conf:12: rotation = "sometimes" is not one of
 *   each-language, one-language, side-by-side — using each-language
 * Unknown sections and keys are problems too, with a suggestion when a known
 * name is close. tools/kiosk.conf.example lists every key with its default.
 *
 * struct config is plain data: every field is fixed-size, it owns no memory
 * and may be copied by value. Strings are NUL-terminated UTF-8. */
#ifndef KIOSK_CORE_CONFIG_H
#define KIOSK_CORE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"

#define CONFIG_DEFAULT_PATH "/etc/kiosk/kiosk.conf"

#define CONFIG_ID_MAX 64    /* bytes of [site] id, without the NUL */
#define CONFIG_NAME_MAX 127 /* bytes of [site] name */
#define CONFIG_MAX_LANGUAGES 8
#define CONFIG_LANG_MAX 35  /* bytes of one language tag (as manifest.h) */
#define CONFIG_TZ_MAX 63    /* bytes of a zone name (TZ_NAME_MAX) */
#define CONFIG_PATH_MAX 255 /* bytes of one path */
#define CONFIG_MAX_USB_ROOTS 8
#define CONFIG_MAX_HOTLINES 32
#define CONFIG_HOTLINE_MAX 31 /* bytes of a hotline's number or channel */

enum config_rotation {
  CONFIG_ROTATION_EACH_LANGUAGE, /* every page in each language in turn */
  CONFIG_ROTATION_ONE_LANGUAGE,  /* all pages in one language, then the next */
  CONFIG_ROTATION_SIDE_BY_SIDE,  /* each page in two languages at once */
};

enum config_transition {
  CONFIG_TRANSITION_CROSSFADE,
  CONFIG_TRANSITION_SLIDE,
  CONFIG_TRANSITION_NONE,
};

enum config_night_mode {
  CONFIG_NIGHT_OFF, /* same screen day and night */
  CONFIG_NIGHT_DIM, /* dimmed screen between night_start and night_end */
};

/* A fallback hotline from [hotlines], shown when no pack provides one:
 * `KZ = 11616 | phone` or, for a second number, `KZ.2 = ...`. */
struct config_hotline {
  char country[3];                      /* ISO 3166-1 alpha-2, uppercase */
  char number[CONFIG_HOTLINE_MAX + 1];  /* as written, e.g. "+7 800 080 2222" */
  char channel[CONFIG_HOTLINE_MAX + 1]; /* e.g. "phone", "WhatsApp"; may be "" */
};

struct config {
  /* [site] */
  char site_id[CONFIG_ID_MAX + 1];     /* "kiosk"; names logs and status files */
  char site_name[CONFIG_NAME_MAX + 1]; /* "" = none */
  char country[3];                     /* uppercase; "" = packs for every country */
  char languages[CONFIG_MAX_LANGUAGES][CONFIG_LANG_MAX + 1]; /* rotation order */
  size_t n_languages;                                        /* 0 = every language of each pack */
  int tz_offset_s;                                           /* local time minus UTC, seconds */
  char timezone[CONFIG_TZ_MAX + 1]; /* "Asia/Almaty"; "" = use tz_offset_s */

  /* [display] */
  enum config_rotation rotation;     /* each-language */
  int page_duration_s;               /* 15, for pages without their own */
  int min_duration_s;                /* 3; no page is shown for less */
  enum config_transition transition; /* crossfade */
  int transition_ms;                 /* 600 */
  int idle_return_s;                 /* 60: back to rotation after a touch */
  int night_start_min;               /* 22:00 as minutes after local midnight; */
  int night_end_min;                 /* 06:00; both -1 = no night window */
  enum config_night_mode night_mode; /* off */
  int burn_in_shift_px;              /* 4 */

  /* [paths] */
  char store[CONFIG_PATH_MAX + 1];        /* /var/lib/kiosk/store */
  int store_check_days;                   /* 7: each installed byte read back this often */
  char trusted_keys[CONFIG_PATH_MAX + 1]; /* /etc/kiosk/keys */
  char inbox[CONFIG_PATH_MAX + 1];        /* /var/lib/kiosk/inbox */
  char usb_roots[CONFIG_MAX_USB_ROOTS][CONFIG_PATH_MAX + 1]; /* /media, /run/media, /mnt */
  size_t n_usb_roots;                                        /* 0 = do not look for sticks */
  char log_dir[CONFIG_PATH_MAX + 1];                         /* /var/log/kiosk */
  int play_log_max_kb;                                       /* 1024 */
  char log_share[CONFIG_PATH_MAX + 1]; /* "": none; else kiosk-logs/ go here */
  int log_share_min;                   /* 60: how often they are refreshed */

  /* [hotlines], in the order written */
  struct config_hotline hotlines[CONFIG_MAX_HOTLINES];
  size_t n_hotlines; /* 0 by default */
};

/* The problems listed one by one; beyond them one last problem counts the
 * rest and names the lines they are on, so that a broken file (say
 * 100,000 bad lines) costs bounded memory. */
#define CONFIG_MAX_PROBLEMS 50

/* Something in the file a person should fix (or, at LOG_INFO, know). The
 * kiosk still runs: the key it is about keeps its default. */
struct config_problem {
  enum log_level level; /* LOG_WARN for a bad line, LOG_INFO for a note */
  int line;             /* 1-based line in the file; 0 for the whole file */
  char key[64];         /* "display.rotation", or "" when not about one key */
  char msg[600];        /* the whole sentence, starting "<file>:<line>: " */
};

/* Local time minus UTC, in seconds, at unix time t: from the zone of
 * [site] timezone when one is set (config_load_* made it the process's
 * zone), otherwise the fixed timezone_offset. */
int config_tz_offset(const struct config *c, int64_t t);

/* Fills c with the built-in defaults (the values listed above). */
void config_defaults(struct config *c);

/* Loads an INI file into c, starting from the defaults. path NULL means
 * CONFIG_DEFAULT_PATH, where a missing file is normal: c keeps the defaults,
 * one LOG_INFO problem says so, and 0 is returned. An explicit path that does
 * not exist is KERR_NOENT; an unreadable file (or a folder) is KERR_IO. Bad
 * values, unknown sections and keys, lines that are not `key = value`, keys
 * given twice and lines too long are recorded in *problems and do not fail
 * the load. On success *problems is a new array of *n problems (NULL when
 * *n is 0) in line order — at most CONFIG_MAX_PROBLEMS, then one that
 * says how many more there are and where; free it with free(). On failure *problems is NULL,
 * *n is 0, c holds the defaults and e says what is wrong and what to do. */
int config_load_file(const char *path, struct config *c, struct config_problem **problems,
                     size_t *n, struct kerr *e);

/* As config_load_file, from a NUL-terminated string. name stands for the
 * file in messages (NULL gives "<config>"). Only fails with KERR_NOMEM. */
int config_load_string(const char *text, const char *name, struct config *c,
                       struct config_problem **problems, size_t *n, struct kerr *e);

/* Releases what c owns — nothing today, since every field is fixed-size —
 * and resets it to the defaults. Accepts NULL. Call it anyway, so that a
 * field that later owns memory does not leak. */
void config_free(struct config *c);

/* The configured name of an enum value, as written in the file
 * ("each-language", "crossfade", "dim"). */
const char *config_rotation_name(enum config_rotation r);
const char *config_transition_name(enum config_transition t);
const char *config_night_mode_name(enum config_night_mode m);

#endif
