/* report.h — what the kiosks brought home, merged into one picture of the
 * fleet, for `kiosk-pack report`.
 *
 * report_add_path() takes any folder that holds kiosk logs: a stick (with
 * kiosk-logs/ on it), a kiosk-logs/ folder, one site's folder
 * kiosk-logs/<site-id>/ (status.txt, playlog.csv, kiosk.log, as
 * fieldlog.h writes them), a kiosk's own log folder (playlog.csv,
 * playlog.csv.1, kiosk.log — a Syncthing share, named after the site), or
 * a folder of any of these, several levels deep. Hidden folders (".stversions"
 * of Syncthing, ".Trash") and symlinks are never entered.
 *
 * Merging never counts a play twice: a play log line (time to the second,
 * pack, version, page, language, seconds) counts as many times as the one
 * file that holds it most often, so overlapping copies from several visits
 * add nothing, while a page genuinely shown twice in the same second (a
 * clock set back) still counts twice. Kiosk log lines merge the same way.
 * Visits are status.txt files, told apart by the time written in them.
 *
 * Bad input never stops the report: a damaged line, a torn last line, a
 * file in a newer format, a folder that is not a kiosk log, an unreadable
 * file each become a report_issue naming the file and line, and the rest
 * is read. Text from the logs is made valid UTF-8 without control
 * characters as it is read; escaping for HTML, JSON and CSV is the
 * writers' job (report_out.c). */
#ifndef KIOSK_TOOLS_REPORT_H
#define KIOSK_TOOLS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/manifest.h"

#define REPORT_MAX_DEPTH 8 /* folder levels below a LOGS argument */
#define REPORT_MAX_DIR_ENTRIES 100000
#define REPORT_MAX_SITES 100000
#define REPORT_MAX_STATUS_BYTES (1u << 20)
#define REPORT_MAX_ISSUES 100000 /* then one "and N more" */
#define REPORT_MAX_THREADS 8     /* sites read at once (one per processor) */

enum report_level { REPORT_NOTE = 0, REPORT_WARNING = 1 };

/* A problem with the input, for the people who fix it. */
struct report_issue {
  int level;
  char *file;    /* the path given or found */
  uint64_t line; /* 0: the whole file */
  char *msg;
};

/* One installed pack as a status.txt lists it. */
struct report_pack {
  char id[MANIFEST_ID_MAX + 1];
  uint64_t current; /* 0: nothing to show (damaged) */
  uint64_t previous;
  char *title;     /* may be "" */
  int64_t expires; /* 0: never or unknown */
};

/* One status.txt: one visit. */
struct report_visit {
  int64_t written; /* by the kiosk's clock, or its time floor if later */
  int clock_ok;
  char *clock; /* "clock OK", "clock is behind ... — set the clock" */
  char *software;
  char *uptime;
  char *free_space;
  char *source; /* the folder it came from */
  struct report_pack *packs;
  size_t n_packs;
};

enum report_event_kind {
  REPORT_EV_START = 1, /* the kiosk started ("first page shown after") */
  REPORT_EV_STOP,      /* a clean stop ("stopping on request") */
  REPORT_EV_ERROR,
  REPORT_EV_WARN, /* also a pack refused at a visit */
};

/* A line of the kiosk log that matters to the report. */
struct report_event {
  int64_t time;
  int kind;
  int unclean; /* START: no clean stop since the previous start */
  char *text;  /* the message */
  size_t seq;  /* order read: keeps a second's events in log order */
};

/* Plays of one (pack, version, page, language) on one day at one site. */
struct report_play {
  int32_t day;  /* days since 1970-01-01, UTC */
  uint32_t key; /* index into report.keys */
  uint64_t plays;
  uint64_t ms;
};

struct report_key {
  char *raw; /* "pack,version,page,lang" as the play log has it */
  size_t raw_len;
  char *pack_id;
  uint64_t version;
  char *page;
  char *lang;
};

/* A stretch of time covered by a play log copy. */
struct report_span {
  int64_t from, to;
};

struct report_site {
  char id[72];
  char *name;                  /* "" if unknown */
  char country[3];             /* "" if unknown */
  struct report_visit *visits; /* oldest first, distinct */
  size_t n_visits;
  struct report_event *events; /* oldest first, merged */
  size_t n_events;
  struct report_play *plays; /* by day, then key */
  size_t n_plays;
  uint64_t plays_total, ms_total;
  int64_t first_play, last_play; /* 0 if none */
  struct report_span *gaps;      /* longer than a day with no play log */
  size_t n_gaps;
  size_t n_sources;   /* folders read for this site */
  int64_t last_heard; /* newest time in any of its files */
  /* Since the last visit but one (or in all the log when one visit). */
  int64_t since;
  unsigned restarts, unclean_restarts, errors, warnings;
};

/* A pack version known at headquarters (--packs). */
struct report_known {
  char id[MANIFEST_ID_MAX + 1];
  uint64_t version;
  char *title;
  int64_t expires;
};

struct report {
  int64_t now;               /* expiry is judged at this time */
  struct report_site *sites; /* by id, after report_finish() */
  size_t n_sites;
  struct report_key *keys;
  size_t n_keys;
  struct report_known *known;
  size_t n_known;
  struct report_issue *issues;
  size_t n_issues;
  uint64_t issues_dropped;
  size_t n_folders; /* site folders read */
  /* private */
  void *priv;
};

/* Starts an empty report judged at now. Returns NULL when out of memory.
 * Free with report_free(). */
struct report *report_new(int64_t now);

/* Finds the kiosk logs under path (see above) and reads them in. Problems
 * become issues. Returns 0, or -1 only when out of memory. */
int report_add_path(struct report *r, const char *path);

/* Adds the packs in path (a .kpack file or a folder of them) as known at
 * headquarters: their ids, versions, titles and expiry (read from the
 * manifest, not verified). Returns 0, or -1 when out of memory. */
int report_add_packs(struct report *r, const char *path);

/* Merges, sorts and works out what the writers show. Call once, after the
 * last report_add_path(). Returns 0, or -1 when out of memory. */
int report_finish(struct report *r);

/* The newest version of id known anywhere (any site's status or --packs),
 * 0 if none; *expires its expiry when known (0 otherwise). */
uint64_t report_newest(const struct report *r, const char *id, int64_t *expires,
                       const char **title);

/* The expiry of id at version, from the site's status or --packs, 0 if
 * none known. */
int64_t report_expiry(const struct report *r, const struct report_pack *p);

/* Accepts NULL. */
void report_free(struct report *r);

/* Writers (report_out.c). Each returns 0 or an errno, with the file
 * removed on failure. */
int report_write_html(const struct report *r, const char *path);
int report_write_json(const struct report *r, const char *path);
int report_write_csv(const struct report *r, const char *dir);

#endif
