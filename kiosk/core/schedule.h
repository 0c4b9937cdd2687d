/* schedule.h — what to show now: which packs and pages are on, in which
 * order and languages, for how long, and whether it is night.
 *
 * Pure functions over plain data: no files, no clock reads, no globals. The
 * caller reads the clock and the persisted time floor, and passes them to
 * schedule_now(); everything else takes the resulting struct schedule_time.
 *
 * Time without a clock (DESIGN.md): the effective time is the later of the
 * clock and the time floor, and expiry is judged against it. When the clock
 * is behind the floor it is not trusted, and rules about the time of day or
 * the day of the week are ignored (the page is shown, the screen is not
 * dimmed) rather than guessed. */
#ifndef KIOSK_CORE_SCHEDULE_H
#define KIOSK_CORE_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "core/manifest.h"

/* By default an alert slot comes back after every 4 ordinary slots. */
#define SCHEDULE_ALERT_EVERY 4

struct schedule_time {
  int64_t now;       /* effective time, unix seconds: max(clock, floor) */
  int clock_trusted; /* 1 when the clock is not behind the floor */
};

/* Why a pack or page is or is not shown. */
enum schedule_verdict {
  SCHEDULE_SHOWN = 0,
  SCHEDULE_EXPIRED,        /* expires/until is at or before now */
  SCHEDULE_NOT_YET,        /* valid_from/from is after now */
  SCHEDULE_OTHER_COUNTRY,  /* lists countries, none of them the site's */
  SCHEDULE_OTHER_LANGUAGE, /* has none of the site's languages */
  SCHEDULE_OTHER_HOURS,    /* outside its hours window (trusted clock only) */
  SCHEDULE_OTHER_DAY,      /* not on this weekday (trusted clock only) */
};

/* When a page may be shown. The page model fills this from front matter;
 * a zeroed struct means "always". Weekdays and hours are local time at the
 * site's timezone offset. */
struct schedule_window {
  int has_from;
  int64_t from; /* shown from this instant on (inclusive) */
  int has_until;
  int64_t until; /* shown before this instant (exclusive) */
  int has_hours;
  int hours_start_min; /* minutes after local midnight, 0..1439 */
  int hours_end_min;   /* exclusive; less than start = crosses midnight */
  unsigned days;       /* SCHEDULE_MON | ...; 0 = every day */
};

enum schedule_day {
  SCHEDULE_MON = 1 << 0,
  SCHEDULE_TUE = 1 << 1,
  SCHEDULE_WED = 1 << 2,
  SCHEDULE_THU = 1 << 3,
  SCHEDULE_FRI = 1 << 4,
  SCHEDULE_SAT = 1 << 5,
  SCHEDULE_SUN = 1 << 6,
};

/* A page that passed the filters, as the sequence builder sees it. */
struct schedule_page {
  int pack;                     /* the caller's pack index, carried along */
  int page;                     /* the page's index within its pack */
  const char *const *languages; /* languages the page exists in; borrowed */
  size_t n_languages;
  int duration_s; /* its own duration; 0 = the configured one */
  int alert;      /* shown first and more often */
};

/* One step of the rotation: a page in one language, or in two side by side.
 * lang[] index the page's own languages array; lang[1] is -1 unless
 * n_langs is 2. */
struct schedule_slot {
  size_t page; /* index into the pages given to schedule_build() */
  int lang[2];
  int n_langs;    /* 1, or 2 for side-by-side */
  int duration_s; /* already clamped to min_duration */
  int alert;
};

/* Effective time and whether the clock is trusted (clock >= floor). */
void schedule_now(int64_t clock_now, int64_t time_floor, struct schedule_time *out);

/* Whether pack m is shown at this site now: SCHEDULE_SHOWN when it is not
 * expired (expires > now), already valid (valid_from <= now), made for the
 * site's country (or for every country, or the site has none) and has at
 * least one of the site's languages (or the site lists none). Uses the
 * country and languages of site. */
enum schedule_verdict schedule_check_pack(const struct manifest *m, const struct config *site,
                                          const struct schedule_time *t);

/* Whether a page with window w is shown now: from/until always count;
 * hours and days only when the clock is trusted. For a window that crosses
 * midnight the hours after midnight belong to the day the window opened
 * (days = FRI with hours 22:00-02:00 includes Saturday 01:00). */
enum schedule_verdict schedule_check_window(const struct schedule_window *w, int tz_offset_s,
                                            const struct schedule_time *t);

/* A short English phrase for logs: "shown", "expired", "not valid yet", ... */
const char *schedule_verdict_str(enum schedule_verdict v);

/* Parses "HH:MM-HH:MM" (blanks allowed around '-') into w's hours window and
 * sets has_hours. Start and end must differ. Returns 0 or KERR_PARSE, with w
 * unchanged. */
int schedule_parse_hours(const char *s, struct schedule_window *w);

/* Parses a weekday list such as "mon-fri", "sat,sun" or "mon,wed-fri"
 * (three-letter English names, any case; a range may wrap, "fri-mon") into a
 * SCHEDULE_MON.. mask. Returns 0 or KERR_PARSE, with *days unchanged. */
int schedule_parse_days(const char *s, unsigned *days);

/* Builds one cycle of the rotation over pages[0..n_pages) for the site's
 * languages, rotation mode and durations:
 *   each-language  every page in each of the site's languages in turn;
 *   one-language   all pages in the first language, then all in the
 *                  second, ...;
 *   side-by-side   one slot per page with the first two site languages it
 *                  has (one when it has only one).
 * With no site languages, a page's own languages are used in its order (for
 * one-language, in order of first appearance). A page with none of the site's
 * languages gets no slot. Alert pages come first, then after every
 * alert_every ordinary slots one alert slot is repeated, taking the alert
 * slots in turn (alert_every 0: alerts only at the start); a cycle never
 * ends on a repeat, as the next one starts with the alerts, and no slot
 * follows an identical one unless it is the only slot. Durations are the
 * page's own, else site->page_duration_s, never below site->min_duration_s.
 * On success *out is a new array of *n_out slots (NULL when 0); free it with
 * free(). Returns 0 or KERR_NOMEM. */
int schedule_build(const struct schedule_page *pages, size_t n_pages, const struct config *site,
                   int alert_every, struct schedule_slot **out, size_t *n_out, struct kerr *e);

/* Whether now falls in the night window [night_start_min, night_end_min)
 * (minutes after local midnight; the window may cross midnight) at the
 * site's offset. False when either bound is negative (no night), when they
 * are equal, or when the clock is not trusted. */
int schedule_is_night(int64_t now, int tz_offset_s, int night_start_min, int night_end_min,
                      int clock_trusted);

#endif
