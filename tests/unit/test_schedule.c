/* Unit tests for core/schedule: the effective time and the time floor,
 * pack and page filters, windows across midnight and offsets, night, and
 * the order of one rotation cycle in each mode, with alerts. */
#include "ktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/schedule.h"

/* Unix seconds of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
  struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
  return (int64_t)timegm(&tm);
}

static struct schedule_time at(int64_t now, int trusted)
{
  struct schedule_time t = {.now = now, .clock_trusted = trusted};
  return t;
}

/* A site with these languages ("ru,kk,en"; "" for none) and country. */
static void site(struct config *c, const char *langs, const char *country)
{
  config_defaults(c);
  snprintf(c->country, sizeof c->country, "%s", country);
  c->n_languages = 0;
  char copy[200];
  snprintf(copy, sizeof copy, "%s", langs);
  for (char *save = NULL, *l = strtok_r(copy, ",", &save); l; l = strtok_r(NULL, ",", &save))
    snprintf(c->languages[c->n_languages++], sizeof c->languages[0], "%s", l);
}

/* ---- time ---------------------------------------------------------------- */

static void test_now_trusted_clock(void **state)
{
  (void)state;
  struct schedule_time t;
  schedule_now(2000, 1000, &t);
  assert_int_equal(t.now, 2000);
  assert_true(t.clock_trusted);
  schedule_now(1000, 1000, &t);
  assert_int_equal(t.now, 1000);
  assert_true(t.clock_trusted);
}

static void test_now_clock_behind_floor(void **state)
{
  (void)state;
  /* A board that booted in 1970 after a pack created in 2026 was seen. */
  int64_t floor = utc(2026, 3, 1, 12, 0);
  struct schedule_time t;
  schedule_now(0, floor, &t);
  assert_int_equal(t.now, floor);
  assert_false(t.clock_trusted);
}

/* ---- packs ----------------------------------------------------------------- */

static char ru[] = "ru", kk[] = "kk", en[] = "en";

static struct manifest pack(int64_t valid_from, int64_t expires)
{
  static char *langs[] = {ru, en};
  struct manifest m = {.version = 1, .languages = langs, .n_languages = 2};
  if (valid_from) {
    m.has_valid_from = 1;
    m.valid_from = valid_from;
  }
  if (expires) {
    m.has_expires = 1;
    m.expires = expires;
  }
  return m;
}

static void test_pack_validity(void **state)
{
  (void)state;
  struct config c;
  site(&c, "", "");
  int64_t now = utc(2026, 3, 1, 12, 0);
  struct schedule_time t = at(now, 1);
  struct manifest m = pack(0, 0);
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_SHOWN);
  m = pack(now, now + 1);
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_SHOWN);
  m = pack(0, now); /* expires is the first instant it is no longer shown */
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_EXPIRED);
  m = pack(now + 1, 0);
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_NOT_YET);
  assert_string_equal(schedule_verdict_str(SCHEDULE_EXPIRED), "expired");
  assert_string_equal(schedule_verdict_str(SCHEDULE_NOT_YET), "not valid yet");
}

/* Expiry is judged against the floor when the clock is behind it: a pack
 * that expired before the newest pack was made stays expired even if the
 * board thinks it is 1970. */
static void test_pack_expired_by_floor(void **state)
{
  (void)state;
  struct config c;
  site(&c, "", "");
  int64_t floor = utc(2026, 3, 1, 0, 0);
  struct schedule_time t;
  schedule_now(utc(1970, 1, 2, 0, 0), floor, &t);
  struct manifest m = pack(0, utc(2026, 2, 1, 0, 0));
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_EXPIRED);
  m = pack(0, utc(2026, 4, 1, 0, 0));
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_SHOWN);
}

static void test_everything_expired(void **state)
{
  (void)state;
  struct config c;
  site(&c, "ru", "KZ");
  struct schedule_time t = at(utc(2027, 1, 1, 0, 0), 1);
  struct manifest packs[3] = {pack(0, utc(2026, 1, 1, 0, 0)), pack(0, utc(2026, 6, 1, 0, 0)),
                              pack(utc(2025, 1, 1, 0, 0), utc(2026, 12, 31, 23, 59))};
  size_t shown = 0;
  for (size_t i = 0; i < 3; i++)
    shown += schedule_check_pack(&packs[i], &c, &t) == SCHEDULE_SHOWN;
  assert_int_equal(shown, 0);

  /* Nothing to show is an empty cycle, not an error: the kiosk shows its
   * built-in page. */
  struct schedule_slot *s = (void *)1;
  size_t n = 9;
  struct kerr e;
  assert_int_equal(schedule_build(NULL, 0, &c, SCHEDULE_ALERT_EVERY, &s, &n, &e), 0);
  assert_null(s);
  assert_int_equal(n, 0);
}

static void test_pack_country_filter(void **state)
{
  (void)state;
  static char kz_uz[][3] = {"KZ", "UZ"}, uz_only[][3] = {"UZ"};
  struct config c;
  struct schedule_time t = at(utc(2026, 3, 1, 0, 0), 1);
  struct manifest m = pack(0, 0);

  site(&c, "", "KZ");
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_SHOWN); /* pack for everyone */
  m.countries = kz_uz;
  m.n_countries = 2;
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_SHOWN);
  m.countries = uz_only;
  m.n_countries = 1;
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_OTHER_COUNTRY);
  site(&c, "", ""); /* a site without a country shows packs for every country */
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_SHOWN);
}

static void test_pack_language_filter(void **state)
{
  (void)state;
  static char *en_kk[] = {en, kk}, *en_only[] = {en};
  struct config c;
  struct schedule_time t = at(utc(2026, 3, 1, 0, 0), 1);
  struct manifest m = pack(0, 0);

  site(&c, "ru,kk", "");
  m.languages = en_kk;
  m.n_languages = 2;
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_SHOWN);
  m.languages = en_only;
  m.n_languages = 1;
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_OTHER_LANGUAGE);
  site(&c, "", "");
  assert_int_equal(schedule_check_pack(&m, &c, &t), SCHEDULE_SHOWN);
}

/* ---- page windows ------------------------------------------------------------ */

static void test_window_from_until(void **state)
{
  (void)state;
  int64_t now = utc(2026, 3, 1, 12, 0);
  struct schedule_window w = {0};
  struct schedule_time t = at(now, 1);
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_SHOWN);
  w.has_from = 1;
  w.from = now;
  w.has_until = 1;
  w.until = now + 1;
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_SHOWN);
  w.until = now;
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_EXPIRED);
  w.until = now + 100;
  w.from = now + 1;
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_NOT_YET);
}

static void test_hours_across_midnight_with_offset(void **state)
{
  (void)state;
  struct schedule_window w = {0};
  assert_int_equal(schedule_parse_hours("22:00-02:00", &w), 0);
  int off = 6 * 3600; /* +06:00: local 22:00 is 16:00 UTC */
  struct schedule_time t;
  t = at(utc(2026, 3, 1, 15, 59), 1);
  assert_int_equal(schedule_check_window(&w, off, &t), SCHEDULE_OTHER_HOURS);
  t = at(utc(2026, 3, 1, 16, 0), 1);
  assert_int_equal(schedule_check_window(&w, off, &t), SCHEDULE_SHOWN);
  t = at(utc(2026, 3, 1, 19, 59), 1); /* local 01:59 the next day */
  assert_int_equal(schedule_check_window(&w, off, &t), SCHEDULE_SHOWN);
  t = at(utc(2026, 3, 1, 20, 0), 1);
  assert_int_equal(schedule_check_window(&w, off, &t), SCHEDULE_OTHER_HOURS);
  /* The same instant at UTC is midday: outside. */
  t = at(utc(2026, 3, 1, 16, 0), 1);
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_OTHER_HOURS);

  /* A daytime window at a negative, half-hour offset. */
  assert_int_equal(schedule_parse_hours(" 9:00 - 17:30 ", &w), 0);
  off = -(3 * 3600 + 30 * 60);
  t = at(utc(2026, 3, 1, 12, 29), 1); /* local 08:59 */
  assert_int_equal(schedule_check_window(&w, off, &t), SCHEDULE_OTHER_HOURS);
  t = at(utc(2026, 3, 1, 12, 30), 1);
  assert_int_equal(schedule_check_window(&w, off, &t), SCHEDULE_SHOWN);
  t = at(utc(2026, 3, 1, 20, 59), 1); /* local 17:29 */
  assert_int_equal(schedule_check_window(&w, off, &t), SCHEDULE_SHOWN);
  t = at(utc(2026, 3, 1, 21, 0), 1);
  assert_int_equal(schedule_check_window(&w, off, &t), SCHEDULE_OTHER_HOURS);
}

static void test_days_and_offsets(void **state)
{
  (void)state;
  /* 2024-01-05 is a Friday. */
  struct schedule_window w = {0};
  assert_int_equal(schedule_parse_days("fri", &w.days), 0);
  struct schedule_time t = at(utc(2024, 1, 5, 12, 0), 1);
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_SHOWN);
  t = at(utc(2024, 1, 4, 20, 0), 1); /* Thursday 20:00 UTC is Friday 02:00 at +06:00 */
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_OTHER_DAY);
  assert_int_equal(schedule_check_window(&w, 6 * 3600, &t), SCHEDULE_SHOWN);

  /* A Friday night window: Saturday 01:00 still belongs to Friday. */
  assert_int_equal(schedule_parse_hours("22:00-02:00", &w), 0);
  t = at(utc(2024, 1, 5, 23, 0), 1);
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_SHOWN);
  t = at(utc(2024, 1, 6, 1, 0), 1);
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_SHOWN);
  t = at(utc(2024, 1, 6, 23, 0), 1);
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_OTHER_DAY);
  t = at(utc(2024, 1, 5, 1, 0), 1); /* Friday 01:00 is Thursday's night */
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_OTHER_DAY);
  assert_string_equal(schedule_verdict_str(SCHEDULE_OTHER_DAY), "not on this day of the week");
}

/* With the clock behind the floor, hours and days are ignored (the page is
 * shown) but from/until still count against the floor. */
static void test_window_untrusted_clock(void **state)
{
  (void)state;
  struct schedule_window w = {0};
  assert_int_equal(schedule_parse_hours("09:00-10:00", &w), 0);
  assert_int_equal(schedule_parse_days("sun", &w.days), 0);
  int64_t floor = utc(2024, 1, 5, 23, 0); /* a Friday night */
  struct schedule_time t;
  schedule_now(utc(1970, 1, 1, 9, 30), floor, &t);
  assert_false(t.clock_trusted);
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_SHOWN);
  w.has_until = 1;
  w.until = floor - 60;
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_EXPIRED);
  /* The same instants with a trusted clock: outside its hours. */
  w.has_until = 0;
  t = at(floor, 1);
  assert_int_equal(schedule_check_window(&w, 0, &t), SCHEDULE_OTHER_HOURS);
}

static void test_parse_hours_and_days(void **state)
{
  (void)state;
  struct schedule_window w = {0};
  assert_int_equal(schedule_parse_hours("23:30-05:15", &w), 0);
  assert_true(w.has_hours);
  assert_int_equal(w.hours_start_min, 23 * 60 + 30);
  assert_int_equal(w.hours_end_min, 5 * 60 + 15);
  static const char *const bad_hours[] = {
      "",      "22:00", "22:00-", "24:00-01:00", "22:60-01:00", "22:00-22:00", "22:00-02:00x",
      "10-12", "a-b"};
  for (size_t i = 0; i < sizeof bad_hours / sizeof bad_hours[0]; i++) {
    struct schedule_window v = {0};
    assert_int_equal(schedule_parse_hours(bad_hours[i], &v), KERR_PARSE);
    assert_false(v.has_hours);
  }

  unsigned d = 0;
  assert_int_equal(schedule_parse_days("mon-fri", &d), 0);
  assert_int_equal(d, SCHEDULE_MON | SCHEDULE_TUE | SCHEDULE_WED | SCHEDULE_THU | SCHEDULE_FRI);
  assert_int_equal(schedule_parse_days("Sat, SUN", &d), 0);
  assert_int_equal(d, SCHEDULE_SAT | SCHEDULE_SUN);
  assert_int_equal(schedule_parse_days("fri-mon", &d), 0);
  assert_int_equal(d, SCHEDULE_FRI | SCHEDULE_SAT | SCHEDULE_SUN | SCHEDULE_MON);
  assert_int_equal(schedule_parse_days("mon, wed - fri", &d), 0);
  assert_int_equal(d, SCHEDULE_MON | SCHEDULE_WED | SCHEDULE_THU | SCHEDULE_FRI);
  static const char *const bad_days[] = {"", "funday", "mon-", "mon,,tue", "monday", "mon;tue"};
  for (size_t i = 0; i < sizeof bad_days / sizeof bad_days[0]; i++) {
    unsigned v = 42;
    assert_int_equal(schedule_parse_days(bad_days[i], &v), KERR_PARSE);
    assert_int_equal(v, 42);
  }
}

/* ---- night --------------------------------------------------------------------- */

static void test_night_across_midnight(void **state)
{
  (void)state;
  int s = 22 * 60, e = 6 * 60;
  assert_false(schedule_is_night(utc(2026, 3, 1, 21, 59), 0, s, e, 1));
  assert_true(schedule_is_night(utc(2026, 3, 1, 22, 0), 0, s, e, 1));
  assert_true(schedule_is_night(utc(2026, 3, 2, 0, 0), 0, s, e, 1));
  assert_true(schedule_is_night(utc(2026, 3, 2, 5, 59), 0, s, e, 1));
  assert_false(schedule_is_night(utc(2026, 3, 2, 6, 0), 0, s, e, 1));
  assert_false(schedule_is_night(utc(2026, 3, 2, 12, 0), 0, s, e, 1));
  /* Before 1970 (negative time) the day still starts at midnight. */
  assert_true(schedule_is_night(-3600, 0, s, e, 1));
  assert_false(schedule_is_night(-12 * 3600, 0, s, e, 1));
  /* A window that does not cross midnight. */
  assert_true(schedule_is_night(utc(2026, 3, 2, 3, 0), 0, 60, 300, 1));
  assert_false(schedule_is_night(utc(2026, 3, 2, 23, 0), 0, 60, 300, 1));
}

static void test_night_offsets(void **state)
{
  (void)state;
  int s = 22 * 60, e = 6 * 60;
  int64_t t = utc(2026, 3, 1, 17, 0); /* 23:00 at +06:00, 13:30 at -03:30 */
  assert_true(schedule_is_night(t, 6 * 3600, s, e, 1));
  assert_false(schedule_is_night(t, 0, s, e, 1));
  assert_false(schedule_is_night(t, -(3 * 3600 + 1800), s, e, 1));
  t = utc(2026, 3, 2, 1, 0); /* 21:30 the day before at -03:30 */
  assert_false(schedule_is_night(t, -(3 * 3600 + 1800), s, e, 1));
  assert_true(schedule_is_night(t + 1800, -(3 * 3600 + 1800), s, e, 1));
}

static void test_night_untrusted_or_unset(void **state)
{
  (void)state;
  int64_t t = utc(2026, 3, 1, 23, 0);
  assert_true(schedule_is_night(t, 0, 22 * 60, 6 * 60, 1));
  assert_false(schedule_is_night(t, 0, 22 * 60, 6 * 60, 0));
  assert_false(schedule_is_night(t, 0, -1, -1, 1));
  assert_false(schedule_is_night(t, 0, 22 * 60, 22 * 60, 1));
}

/* ---- the rotation -------------------------------------------------------------- */

static const char *const L_RU_KK_EN[] = {"ru", "kk", "en"};
static const char *const L_RU_EN[] = {"ru", "en"};
static const char *const L_EN_RU[] = {"en", "ru"};
static const char *const L_RU_KK[] = {"ru", "kk"};
static const char *const L_KK_UZ[] = {"kk", "uz"};
static const char *const L_UZ[] = {"uz"};
static const char *const L_RU[] = {"ru"};

#define PAGE(i, langs, dur, al)                                                                    \
  {                                                                                                \
    .pack = 0, .page = (i), .languages = (langs), .n_languages = sizeof(langs) / sizeof(langs)[0], \
    .duration_s = (dur), .alert = (al)                                                             \
  }

/* Builds the cycle and writes it as "P.ru P.kk Q.ru+en", page i named by
 * names[i]; alert slots are marked with '!'. Returns a static buffer. */
static const char *cycle(const struct schedule_page *pages, size_t n, const char *names,
                         const struct config *c, int every)
{
  static char buf[2048];
  struct schedule_slot *s;
  size_t ns;
  struct kerr e;
  assert_int_equal(schedule_build(pages, n, c, every, &s, &ns, &e), 0);
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < ns; i++) {
    const struct schedule_page *p = &pages[s[i].page];
    assert_int_equal(s[i].alert, p->alert);
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s%c.%s", i ? " " : "",
                            p->alert ? "!" : "", names[s[i].page], p->languages[s[i].lang[0]]);
    if (s[i].n_langs == 2)
      len += (size_t)snprintf(buf + len, sizeof buf - len, "+%s", p->languages[s[i].lang[1]]);
    else
      assert_int_equal(s[i].lang[1], -1);
  }
  free(s);
  return buf;
}

static void test_each_language_order(void **state)
{
  (void)state;
  struct config c;
  site(&c, "ru,kk,en", "");
  const struct schedule_page pages[] = {PAGE(0, L_RU_KK_EN, 0, 0), PAGE(1, L_EN_RU, 0, 0),
                                        PAGE(2, L_UZ, 0, 0), PAGE(3, L_KK_UZ, 0, 0)};
  assert_string_equal(cycle(pages, 4, "PQRS", &c, 4), "P.ru P.kk P.en Q.ru Q.en S.kk");
}

static void test_one_language_order(void **state)
{
  (void)state;
  struct config c;
  site(&c, "ru,kk,en", "");
  c.rotation = CONFIG_ROTATION_ONE_LANGUAGE;
  const struct schedule_page pages[] = {PAGE(0, L_RU_KK_EN, 0, 0), PAGE(1, L_EN_RU, 0, 0),
                                        PAGE(2, L_UZ, 0, 0), PAGE(3, L_KK_UZ, 0, 0)};
  assert_string_equal(cycle(pages, 4, "PQRS", &c, 4), "P.ru Q.ru P.kk S.kk P.en Q.en");
}

static void test_side_by_side_order(void **state)
{
  (void)state;
  struct config c;
  site(&c, "ru,kk,en", "");
  c.rotation = CONFIG_ROTATION_SIDE_BY_SIDE;
  const struct schedule_page pages[] = {PAGE(0, L_RU_KK_EN, 0, 0), PAGE(1, L_EN_RU, 0, 0),
                                        PAGE(2, L_UZ, 0, 0), PAGE(3, L_KK_UZ, 0, 0)};
  /* The first two site languages the page has, in the site's order; one
   * when it has only one. */
  assert_string_equal(cycle(pages, 4, "PQRS", &c, 4), "P.ru+kk Q.ru+en S.kk");
}

/* A site that lists no languages shows every language of each page. */
static void test_no_site_languages(void **state)
{
  (void)state;
  struct config c;
  site(&c, "", "");
  const struct schedule_page pages[] = {PAGE(0, L_RU_KK, 0, 0), PAGE(1, L_EN_RU, 0, 0)};
  assert_string_equal(cycle(pages, 2, "PQ", &c, 4), "P.ru P.kk Q.en Q.ru");
  c.rotation = CONFIG_ROTATION_ONE_LANGUAGE;
  assert_string_equal(cycle(pages, 2, "PQ", &c, 4), "P.ru Q.ru P.kk Q.en");
  c.rotation = CONFIG_ROTATION_SIDE_BY_SIDE;
  assert_string_equal(cycle(pages, 2, "PQ", &c, 4), "P.ru+kk Q.en+ru");
}

static void test_alerts_first_and_repeated(void **state)
{
  (void)state;
  struct config c;
  site(&c, "ru,en", "");
  struct schedule_page pages[12];
  pages[0] = (struct schedule_page)PAGE(0, L_RU_EN, 0, 1);
  for (int i = 1; i < 12; i++)
    pages[i] = (struct schedule_page)PAGE(i, L_RU, 0, 0);
  const char *names = "A123456789XY";

  /* Six ordinary slots: the alert in each language first, then one alert
   * slot after the fourth ordinary one. */
  assert_string_equal(cycle(pages, 7, names, &c, 4),
                      "!A.ru !A.en 1.ru 2.ru 3.ru 4.ru !A.ru 5.ru 6.ru");
  /* Eight: no repeat after the last one, the next cycle opens with them. */
  assert_string_equal(cycle(pages, 9, names, &c, 4),
                      "!A.ru !A.en 1.ru 2.ru 3.ru 4.ru !A.ru 5.ru 6.ru 7.ru 8.ru");
  /* Nine: the repeats take the alert slots in turn. */
  assert_string_equal(cycle(pages, 10, names, &c, 4),
                      "!A.ru !A.en 1.ru 2.ru 3.ru 4.ru !A.ru 5.ru 6.ru 7.ru 8.ru !A.en 9.ru");
  /* Every 2, and 0 for alerts only at the start. */
  assert_string_equal(cycle(pages, 6, names, &c, 2),
                      "!A.ru !A.en 1.ru 2.ru !A.ru 3.ru 4.ru !A.en 5.ru");
  assert_string_equal(cycle(pages, 6, names, &c, 0), "!A.ru !A.en 1.ru 2.ru 3.ru 4.ru 5.ru");
  /* The alert page may be anywhere in the pack; it still comes first. */
  struct schedule_page moved[3] = {PAGE(0, L_RU, 0, 0), PAGE(1, L_RU, 0, 0), PAGE(2, L_RU, 0, 1)};
  assert_string_equal(cycle(moved, 3, "12A", &c, 1), "!A.ru 1.ru !A.ru 2.ru");
  /* Only alerts. */
  assert_string_equal(cycle(pages, 1, names, &c, 4), "!A.ru !A.en");
}

/* The rules that must hold for any deck: alerts first, every ordinary slot
 * once, a repeat after every N ordinary slots but never at the end, and no
 * slot followed by an identical one (also from the end of the cycle to the
 * start of the next). */
static void test_alerts_never_back_to_back(void **state)
{
  (void)state;
  static const char *const *const langsets[] = {L_RU, L_RU_EN, L_RU_KK_EN};
  static const size_t nlangs[] = {1, 2, 3};
  struct config c;
  site(&c, "ru,kk,en", "");
  struct schedule_page pages[16];
  for (int mode = 0; mode < 3; mode++) {
    c.rotation = (enum config_rotation)mode;
    for (size_t n_alert = 0; n_alert <= 3; n_alert++) {
      for (size_t n_plain = 0; n_plain <= 12; n_plain++) {
        for (int every = 0; every <= 5; every++) {
          size_t n = n_alert + n_plain;
          size_t a = 0; /* exactly n_alert alert pages, spread out */
          for (size_t i = 0; i < n; i++) {
            size_t k = (i * 7 + (size_t)mode) % 3; /* a mix of language sets */
            int alert = a < n_alert && (i % 2 == 1 || n - i <= n_alert - a);
            a += (size_t)alert;
            pages[i] = (struct schedule_page){
                .page = (int)i, .languages = langsets[k], .n_languages = nlangs[k], .alert = alert};
          }
          size_t want_plain = 0, want_alert = 0;
          for (size_t i = 0; i < n; i++) {
            size_t per = mode == CONFIG_ROTATION_SIDE_BY_SIDE ? 1 : pages[i].n_languages;
            *(pages[i].alert ? &want_alert : &want_plain) += per;
          }
          struct schedule_slot *s;
          size_t ns;
          struct kerr e;
          assert_int_equal(schedule_build(pages, n, &c, every, &s, &ns, &e), 0);
          size_t lead = 0, plain_seen = 0, run = 0;
          while (lead < ns && s[lead].alert)
            lead++;
          assert_int_equal(lead, want_alert);
          for (size_t i = lead; i < ns; i++) {
            if (s[i].alert) {
              assert_int_equal(run, (size_t)every); /* so never with every == 0 */
              assert_true(i + 1 < ns);              /* never the last */
              run = 0;
            } else {
              plain_seen++;
              run++;
              /* After every N ordinary slots comes an alert, unless it is the end. */
              if (want_alert && every > 0 && run == (size_t)every && i + 1 < ns)
                assert_true(s[i + 1].alert);
            }
            if (i > 0 && s[i].page == s[i - 1].page && s[i].lang[0] == s[i - 1].lang[0] &&
                s[i].lang[1] == s[i - 1].lang[1])
              fail_msg("identical slots back to back at %zu", i);
          }
          if (ns > 1 && s[0].page == s[ns - 1].page && s[0].lang[0] == s[ns - 1].lang[0] &&
              s[0].lang[1] == s[ns - 1].lang[1])
            fail_msg("the cycle ends with the slot it starts with");
          assert_int_equal(plain_seen, want_plain);
          free(s);
        }
      }
    }
  }
}

static void test_durations_clamped(void **state)
{
  (void)state;
  struct config c;
  site(&c, "ru", "");
  c.page_duration_s = 15;
  c.min_duration_s = 5;
  const struct schedule_page pages[] = {PAGE(0, L_RU, 0, 0), PAGE(1, L_RU, 2, 0),
                                        PAGE(2, L_RU, 30, 0), PAGE(3, L_RU, 5, 1)};
  struct schedule_slot *s;
  size_t n;
  struct kerr e;
  assert_int_equal(schedule_build(pages, 4, &c, 4, &s, &n, &e), 0);
  assert_int_equal(n, 4);
  assert_int_equal(s[0].page, 3); /* the alert, first */
  assert_int_equal(s[0].duration_s, 5);
  assert_int_equal(s[1].duration_s, 15); /* its own is 0: the configured one */
  assert_int_equal(s[2].duration_s, 5);  /* asks 2, never below min_duration */
  assert_int_equal(s[3].duration_s, 30);
  free(s);

  /* A configured page_duration below min_duration is raised too. */
  c.page_duration_s = 3;
  c.min_duration_s = 8;
  assert_int_equal(schedule_build(pages, 1, &c, 4, &s, &n, &e), 0);
  assert_int_equal(s[0].duration_s, 8);
  free(s);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_now_trusted_clock),
    cmocka_unit_test(test_now_clock_behind_floor),
    cmocka_unit_test(test_pack_validity),
    cmocka_unit_test(test_pack_expired_by_floor),
    cmocka_unit_test(test_everything_expired),
    cmocka_unit_test(test_pack_country_filter),
    cmocka_unit_test(test_pack_language_filter),
    cmocka_unit_test(test_window_from_until),
    cmocka_unit_test(test_hours_across_midnight_with_offset),
    cmocka_unit_test(test_days_and_offsets),
    cmocka_unit_test(test_window_untrusted_clock),
    cmocka_unit_test(test_parse_hours_and_days),
    cmocka_unit_test(test_night_across_midnight),
    cmocka_unit_test(test_night_offsets),
    cmocka_unit_test(test_night_untrusted_or_unset),
    cmocka_unit_test(test_each_language_order),
    cmocka_unit_test(test_one_language_order),
    cmocka_unit_test(test_side_by_side_order),
    cmocka_unit_test(test_no_site_languages),
    cmocka_unit_test(test_alerts_first_and_repeated),
    cmocka_unit_test(test_alerts_never_back_to_back),
    cmocka_unit_test(test_durations_clamped),
};
KTEST_MAIN(tests)
