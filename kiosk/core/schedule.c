/* schedule.c — decides what is on the wall: which packs and pages are
 * valid now, the order of one rotation cycle, and whether it is night.
 *
 * Everything here is a pure function of its arguments, so the rules can be
 * tested at any instant without touching a clock. Two promises shape it:
 * a wrong clock never hides content by guessing (time-of-day rules are
 * ignored while the clock is behind the time floor), and alerts are seen
 * first and often without ever showing the same slot twice in a row. */
#include "core/schedule.h"
#include "core/grow.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DAY_S INT64_C(86400)

static int64_t floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
  return a - floor_div(a, b) * b;
}

/* Local minute of the day (0..1439) and day number since 1970-01-01. */
static void local_time(int64_t now, int tz_offset_s, int *minute, int64_t *day)
{
  int64_t local = now + tz_offset_s;
  *minute = (int)(floor_mod(local, DAY_S) / 60);
  *day = floor_div(local, DAY_S);
}

/* Whether minute is in [start, end), a window that may cross midnight. */
static int in_window(int minute, int start, int end)
{
  if (start < end)
    return minute >= start && minute < end;
  return minute >= start || minute < end;
}

void schedule_now(int64_t clock_now, int64_t time_floor, struct schedule_time *out)
{
  out->clock_trusted = clock_now >= time_floor;
  out->now = out->clock_trusted ? clock_now : time_floor;
}

/* Index of tag in langs (case-insensitive), or -1. */
static int lang_index(const char *const *langs, size_t n, const char *tag)
{
  for (size_t i = 0; i < n; i++)
    if (langs[i] && !strcasecmp(langs[i], tag))
      return (int)i;
  return -1;
}

enum schedule_verdict schedule_check_pack(const struct manifest *m, const struct config *site,
                                          const struct schedule_time *t)
{
  if (m->has_expires && m->expires <= t->now)
    return SCHEDULE_EXPIRED;
  if (m->has_valid_from && m->valid_from > t->now)
    return SCHEDULE_NOT_YET;
  if (site->country[0] && m->n_countries > 0) {
    int found = 0;
    for (size_t i = 0; i < m->n_countries && !found; i++)
      found = !strcasecmp(m->countries[i], site->country);
    if (!found)
      return SCHEDULE_OTHER_COUNTRY;
  }
  if (site->n_languages > 0) {
    int found = 0;
    for (size_t i = 0; i < site->n_languages && !found; i++)
      found =
          lang_index((const char *const *)m->languages, m->n_languages, site->languages[i]) >= 0;
    if (!found)
      return SCHEDULE_OTHER_LANGUAGE;
  }
  return SCHEDULE_SHOWN;
}

enum schedule_verdict schedule_check_window(const struct schedule_window *w, int tz_offset_s,
                                            const struct schedule_time *t)
{
  if (w->has_until && w->until <= t->now)
    return SCHEDULE_EXPIRED;
  if (w->has_from && w->from > t->now)
    return SCHEDULE_NOT_YET;
  if (!t->clock_trusted)
    return SCHEDULE_SHOWN;
  int minute;
  int64_t day;
  local_time(t->now, tz_offset_s, &minute, &day);
  /* Equal bounds cannot come from schedule_parse_hours(); a hand-made
   * window like that restricts nothing rather than hiding the page. */
  if (w->has_hours && w->hours_start_min != w->hours_end_min) {
    if (!in_window(minute, w->hours_start_min, w->hours_end_min))
      return SCHEDULE_OTHER_HOURS;
    if (w->hours_end_min < w->hours_start_min && minute < w->hours_end_min)
      day--; /* after midnight: still the night of the day it opened */
  }
  if (w->days) {
    int weekday = (int)floor_mod(day + 3, 7); /* 1970-01-01 was a Thursday; Monday = 0 */
    if (!(w->days & (1u << weekday)))
      return SCHEDULE_OTHER_DAY;
  }
  return SCHEDULE_SHOWN;
}

const char *schedule_verdict_str(enum schedule_verdict v)
{
  switch (v) {
  case SCHEDULE_SHOWN: return "shown";
  case SCHEDULE_EXPIRED: return "expired";
  case SCHEDULE_NOT_YET: return "not valid yet";
  case SCHEDULE_OTHER_COUNTRY: return "not for this country";
  case SCHEDULE_OTHER_LANGUAGE: return "in none of this site's languages";
  case SCHEDULE_OTHER_HOURS: return "outside its hours";
  case SCHEDULE_OTHER_DAY: return "not on this day of the week";
  }
  return "?";
}

/* "HH:MM" or "H:MM" at *s; advances *s past it. */
static int parse_hhmm(const char **s, int *min)
{
  const char *p = *s;
  if (!isdigit((unsigned char)p[0]))
    return -1;
  int h = *p++ - '0';
  if (isdigit((unsigned char)*p))
    h = h * 10 + (*p++ - '0');
  if (*p++ != ':' || !isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
    return -1;
  int m = (p[0] - '0') * 10 + (p[1] - '0');
  if (h > 23 || m > 59)
    return -1;
  *min = h * 60 + m;
  *s = p + 2;
  return 0;
}

static const char *skip_blanks(const char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

int schedule_parse_hours(const char *s, struct schedule_window *w)
{
  int a, b;
  s = skip_blanks(s);
  if (parse_hhmm(&s, &a) < 0)
    return KERR_PARSE;
  s = skip_blanks(s);
  if (*s++ != '-')
    return KERR_PARSE;
  s = skip_blanks(s);
  if (parse_hhmm(&s, &b) < 0 || *skip_blanks(s) != '\0' || a == b)
    return KERR_PARSE;
  w->has_hours = 1;
  w->hours_start_min = a;
  w->hours_end_min = b;
  return 0;
}

/* Monday = 0 .. Sunday = 6 for a three-letter name at s, else -1. */
static int day_index(const char *s, size_t n)
{
  static const char names[7][4] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (n != 3)
    return -1;
  for (int i = 0; i < 7; i++)
    if (!strncasecmp(s, names[i], 3))
      return i;
  return -1;
}

int schedule_parse_days(const char *s, unsigned *days)
{
  unsigned mask = 0;
  const char *p = s;
  for (;;) {
    p = skip_blanks(p);
    const char *a = p;
    while (isalpha((unsigned char)*p))
      p++;
    int from = day_index(a, (size_t)(p - a)), to = from;
    p = skip_blanks(p);
    if (*p == '-') {
      p = skip_blanks(p + 1);
      const char *b = p;
      while (isalpha((unsigned char)*p))
        p++;
      to = day_index(b, (size_t)(p - b));
      p = skip_blanks(p);
    }
    if (from < 0 || to < 0)
      return KERR_PARSE;
    for (int d = from;; d = (d + 1) % 7) {
      mask |= 1u << d;
      if (d == to)
        break;
    }
    if (*p == '\0')
      break;
    if (*p++ != ',')
      return KERR_PARSE;
  }
  *days = mask;
  return 0;
}

int schedule_is_night(int64_t now, int tz_offset_s, int night_start_min, int night_end_min,
                      int clock_trusted)
{
  if (!clock_trusted || night_start_min < 0 || night_end_min < 0 ||
      night_start_min == night_end_min)
    return 0;
  int minute;
  int64_t day;
  local_time(now, tz_offset_s, &minute, &day);
  return in_window(minute, night_start_min, night_end_min);
}

/* ---- the rotation ---------------------------------------------------------- */

struct slots {
  struct schedule_slot *v;
  size_t n, cap;
};

static int push(struct slots *s, struct schedule_slot slot)
{
  struct schedule_slot *nv = grow_array(s->v, s->n + 1, &s->cap, sizeof *nv, 16);
  if (!nv)
    return -1;
  s->v = nv;
  s->v[s->n++] = slot;
  return 0;
}

static int same_slot(const struct schedule_slot *a, const struct schedule_slot *b)
{
  return a->page == b->page && a->n_langs == b->n_langs && a->lang[0] == b->lang[0] &&
      a->lang[1] == b->lang[1];
}

static int duration(const struct schedule_page *p, const struct config *site)
{
  int d = p->duration_s > 0 ? p->duration_s : site->page_duration_s;
  if (d < site->min_duration_s)
    d = site->min_duration_s;
  return d < 1 ? 1 : d;
}

static struct schedule_slot make_slot(const struct schedule_page *pages, size_t i, int l0, int l1,
                                      const struct config *site)
{
  struct schedule_slot s = {.page = i,
                            .lang = {l0, l1},
                            .n_langs = l1 >= 0 ? 2 : 1,
                            .duration_s = duration(&pages[i], site),
                            .alert = !!pages[i].alert};
  return s;
}

/* The rotation order of languages: the site's, or, when it lists none, each
 * distinct language of the pages in order of first appearance. Returns a new
 * array of borrowed strings in *langs; free it with free(). */
static int language_order(const struct schedule_page *pages, size_t n_pages,
                          const struct config *site, const char ***langs, size_t *n)
{
  size_t cap = site->n_languages;
  for (size_t i = 0; i < n_pages; i++)
    cap += pages[i].n_languages;
  *n = 0;
  *langs = malloc((cap ? cap : 1) * sizeof **langs);
  if (!*langs)
    return -1;
  for (size_t i = 0; i < site->n_languages; i++)
    (*langs)[(*n)++] = site->languages[i];
  if (site->n_languages > 0)
    return 0;
  for (size_t i = 0; i < n_pages; i++)
    for (size_t j = 0; j < pages[i].n_languages; j++)
      if (pages[i].languages[j] && lang_index(*langs, *n, pages[i].languages[j]) < 0)
        (*langs)[(*n)++] = pages[i].languages[j];
  return 0;
}

/* The slots of the pages whose alert flag is `alert`, in rotation order. */
static int expand(const struct schedule_page *pages, size_t n_pages, const struct config *site,
                  const char *const *order, size_t n_order, int alert, struct slots *out)
{
  int site_langs = site->n_languages > 0;
  switch (site->rotation) {
  case CONFIG_ROTATION_ONE_LANGUAGE:
    for (size_t l = 0; l < n_order; l++)
      for (size_t i = 0; i < n_pages; i++) {
        if (!pages[i].alert != !alert)
          continue;
        int li = lang_index(pages[i].languages, pages[i].n_languages, order[l]);
        if (li >= 0 && push(out, make_slot(pages, i, li, -1, site)) < 0)
          return -1;
      }
    return 0;
  case CONFIG_ROTATION_SIDE_BY_SIDE:
  case CONFIG_ROTATION_EACH_LANGUAGE:
  default:
    for (size_t i = 0; i < n_pages; i++) {
      const struct schedule_page *p = &pages[i];
      if (!p->alert != !alert)
        continue;
      int chosen[2] = {-1, -1}, n_chosen = 0;
      size_t n_try = site_langs ? n_order : p->n_languages;
      for (size_t l = 0; l < n_try; l++) {
        int li = site_langs ? lang_index(p->languages, p->n_languages, order[l])
                            : (p->languages[l] ? (int)l : -1);
        if (li < 0)
          continue;
        if (site->rotation == CONFIG_ROTATION_SIDE_BY_SIDE) {
          if (n_chosen < 2)
            chosen[n_chosen++] = li;
        } else if (push(out, make_slot(pages, i, li, -1, site)) < 0) {
          return -1;
        }
      }
      if (n_chosen > 0 && push(out, make_slot(pages, i, chosen[0], chosen[1], site)) < 0)
        return -1;
    }
    return 0;
  }
}

int schedule_build(const struct schedule_page *pages, size_t n_pages, const struct config *site,
                   int alert_every, struct schedule_slot **out, size_t *n_out, struct kerr *e)
{
  *out = NULL;
  *n_out = 0;
  const char **order = NULL;
  size_t n_order = 0;
  struct slots alerts = {0}, plain = {0}, cycle = {0};

  if (language_order(pages, n_pages, site, &order, &n_order) < 0 ||
      expand(pages, n_pages, site, order, n_order, 1, &alerts) < 0 ||
      expand(pages, n_pages, site, order, n_order, 0, &plain) < 0)
    goto oom;

  /* Alerts first, then the ordinary slots with an alert after every
   * alert_every of them — but not after the last one, since the next cycle
   * opens with the alerts anyway. */
  for (size_t i = 0; i < alerts.n; i++)
    if (push(&cycle, alerts.v[i]) < 0)
      goto oom;
  size_t next_alert = 0;
  for (size_t i = 0; i < plain.n; i++) {
    if (push(&cycle, plain.v[i]) < 0)
      goto oom;
    if (alert_every <= 0 || alerts.n == 0 || (i + 1) % (size_t)alert_every != 0 || i + 1 == plain.n)
      continue;
    /* Take the alerts in turn, skipping one identical to a neighbour (only
     * possible when the caller passed the same page twice). */
    for (size_t tries = 0; tries < alerts.n; tries++) {
      const struct schedule_slot *a = &alerts.v[(next_alert + tries) % alerts.n];
      if (same_slot(a, &plain.v[i]) || same_slot(a, &plain.v[i + 1]))
        continue;
      if (push(&cycle, *a) < 0)
        goto oom;
      next_alert = (next_alert + tries + 1) % alerts.n;
      break;
    }
  }
  free(order);
  free(alerts.v);
  free(plain.v);
  if (cycle.n == 0) {
    free(cycle.v);
    cycle.v = NULL;
  }
  *out = cycle.v;
  *n_out = cycle.n;
  return 0;

oom:
  free(order);
  free(alerts.v);
  free(plain.v);
  free(cycle.v);
  return kerr_set(e, KERR_NOMEM, "out of memory while building the rotation");
}
