/* Unit tests for core/config: defaults, every key, bad values that keep the
 * default, unknown keys with a suggestion, missing files, [hotlines], and
 * the shipped example file. */
#include "ktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "ktmp.h"

#define EXAMPLE KIOSK_TEST_SOURCE_DIR "/tools/kiosk.conf.example"

/* Loads text; asserts that it loads and returns the number of problems. */
static size_t load(const char *text, struct config *c, struct config_problem **p)
{
  size_t n = 99;
  struct kerr e;
  assert_int_equal(config_load_string(text, "kiosk.conf", c, p, &n, &e), 0);
  if (n == 0)
    assert_null(*p);
  return n;
}

static void print_problems(const struct config_problem *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    fprintf(stderr, "  problem: %s\n", p[i].msg);
}

static void test_defaults(void **state)
{
  (void)state;
  struct config c;
  config_defaults(&c);
  assert_string_equal(c.site_id, "kiosk");
  assert_string_equal(c.site_name, "");
  assert_string_equal(c.country, "");
  assert_int_equal(c.n_languages, 0);
  assert_int_equal(c.tz_offset_s, 0);
  assert_int_equal(c.rotation, CONFIG_ROTATION_EACH_LANGUAGE);
  assert_int_equal(c.page_duration_s, 15);
  assert_int_equal(c.min_duration_s, 3);
  assert_int_equal(c.transition, CONFIG_TRANSITION_CROSSFADE);
  assert_int_equal(c.transition_ms, 600);
  assert_int_equal(c.idle_return_s, 60);
  assert_int_equal(c.night_start_min, 22 * 60);
  assert_int_equal(c.night_end_min, 6 * 60);
  assert_int_equal(c.night_mode, CONFIG_NIGHT_OFF);
  assert_int_equal(c.burn_in_shift_px, 4);
  assert_string_equal(c.store, "/var/lib/kiosk/store");
  assert_string_equal(c.trusted_keys, "/etc/kiosk/keys");
  assert_string_equal(c.inbox, "/var/lib/kiosk/inbox");
  assert_int_equal(c.n_usb_roots, 3);
  assert_string_equal(c.usb_roots[0], "/media");
  assert_string_equal(c.usb_roots[1], "/run/media");
  assert_string_equal(c.usb_roots[2], "/mnt");
  assert_string_equal(c.log_dir, "/var/log/kiosk");
  assert_int_equal(c.play_log_max_kb, 1024);
  assert_int_equal(c.n_hotlines, 0);

  /* An empty file is the defaults, with nothing to report. */
  struct config d;
  struct config_problem *p;
  assert_int_equal(load("", &d, &p), 0);
  assert_memory_equal(&c, &d, sizeof c);
  assert_string_equal(config_rotation_name(c.rotation), "each-language");
  assert_string_equal(config_transition_name(c.transition), "crossfade");
  assert_string_equal(config_night_mode_name(c.night_mode), "off");
  config_free(&c);
  config_free(NULL);
}

static void test_every_key_parsed(void **state)
{
  (void)state;
  const char *text = "[site]\n"
                     "id = kz-khorgos-1\n"
                     "name = Хоргос — пограничный пункт\n"
                     "country = KZ\n"
                     "languages = ru, kk,en\n"
                     "timezone_offset = +06:00\n"
                     "[display]\n"
                     "rotation = side-by-side\n"
                     "page_duration = 20\n"
                     "min_duration = 5\n"
                     "transition = slide\n"
                     "transition_ms = 250\n"
                     "idle_return = 90\n"
                     "night_start = 23:30\n"
                     "night_end = 5:15\n"
                     "night_mode = dim\n"
                     "burn_in_shift = 0\n"
                     "[paths]\n"
                     "store = /srv/kiosk/store/\n"
                     "store_check_days = 30\n"
                     "trusted_keys = /srv/kiosk/keys\n"
                     "inbox = /srv/kiosk/inbox\n"
                     "usb_roots = /media/usb, /mnt\n"
                     "log_dir = /srv/kiosk/log\n"
                     "play_log_max_kb = 4096\n"
                     "[hotlines]\n"
                     "KZ = 11616 | phone\n";
  struct config c;
  struct config_problem *p;
  size_t n = load(text, &c, &p);
  print_problems(p, n);
  assert_int_equal(n, 0);
  assert_string_equal(c.site_id, "kz-khorgos-1");
  assert_string_equal(c.site_name, "Хоргос — пограничный пункт");
  assert_string_equal(c.country, "KZ");
  assert_int_equal(c.n_languages, 3);
  assert_string_equal(c.languages[0], "ru");
  assert_string_equal(c.languages[1], "kk");
  assert_string_equal(c.languages[2], "en");
  assert_int_equal(c.tz_offset_s, 6 * 3600);
  assert_int_equal(c.rotation, CONFIG_ROTATION_SIDE_BY_SIDE);
  assert_int_equal(c.page_duration_s, 20);
  assert_int_equal(c.min_duration_s, 5);
  assert_int_equal(c.transition, CONFIG_TRANSITION_SLIDE);
  assert_int_equal(c.transition_ms, 250);
  assert_int_equal(c.idle_return_s, 90);
  assert_int_equal(c.night_start_min, 23 * 60 + 30);
  assert_int_equal(c.night_end_min, 5 * 60 + 15);
  assert_int_equal(c.night_mode, CONFIG_NIGHT_DIM);
  assert_int_equal(c.burn_in_shift_px, 0);
  assert_string_equal(c.store, "/srv/kiosk/store");
  assert_int_equal(c.store_check_days, 30);
  assert_string_equal(c.trusted_keys, "/srv/kiosk/keys");
  assert_string_equal(c.inbox, "/srv/kiosk/inbox");
  assert_int_equal(c.n_usb_roots, 2);
  assert_string_equal(c.usb_roots[0], "/media/usb");
  assert_string_equal(c.usb_roots[1], "/mnt");
  assert_string_equal(c.log_dir, "/srv/kiosk/log");
  assert_int_equal(c.play_log_max_kb, 4096);
  assert_int_equal(c.n_hotlines, 1);
  config_free(&c);
}

/* What a technician types that should still be understood. */
static void test_forgiving_forms(void **state)
{
  (void)state;
  const char *text = "\xef\xbb\xbf# a comment\r\n"
                     "[ SITE ]\r\n"
                     "  Country = kz\r\n"
                     "\tlanguages = RU,kk,pt-BR,\r\n"
                     "timezone_offset = UTC+5:30 ; India\r\n"
                     "name = \"Post 3\"\r\n"
                     "[display]\n"
                     "rotation = One_Language\n"
                     "page_duration = 20s\n"
                     "transition_ms = 300 ms\n"
                     "burn_in_shift = 2px\n"
                     "[paths]\n"
                     "play_log_max_kb = 512KB\n"
                     "usb_roots =\n";
  struct config c;
  struct config_problem *p;
  size_t n = load(text, &c, &p);
  print_problems(p, n);
  assert_int_equal(n, 0);
  assert_string_equal(c.country, "KZ");
  assert_int_equal(c.n_languages, 3);
  assert_string_equal(c.languages[0], "ru");
  assert_string_equal(c.languages[2], "pt-BR");
  assert_int_equal(c.tz_offset_s, 5 * 3600 + 30 * 60);
  assert_string_equal(c.site_name, "Post 3");
  assert_int_equal(c.rotation, CONFIG_ROTATION_ONE_LANGUAGE);
  assert_int_equal(c.page_duration_s, 20);
  assert_int_equal(c.transition_ms, 300);
  assert_int_equal(c.burn_in_shift_px, 2);
  assert_int_equal(c.play_log_max_kb, 512);
  assert_int_equal(c.n_usb_roots, 0);

  static const struct {
    const char *text;
    int off_s;
  } tz[] = {
      {"+06:00", 21600}, {"-03:30", -12600}, {"+6", 21600},      {"+0545", 20700},  {"Z", 0},
      {"UTC", 0},        {"0", 0},           {"-12:00", -43200}, {"+14:00", 50400},
  };
  for (size_t i = 0; i < sizeof tz / sizeof tz[0]; i++) {
    char buf[100];
    snprintf(buf, sizeof buf, "[site]\ntimezone_offset = %s\n", tz[i].text);
    assert_int_equal(load(buf, &c, &p), 0);
    assert_int_equal(c.tz_offset_s, tz[i].off_s);
  }
}

/* The example of the brief, word for word, at the line it was on. */
/* A zone name follows the zone's rules from zoneinfo: Almaty was +06:00
 * until 1 March 2024 and +05:00 after. The old fixed offset still works,
 * and is what counts when no zone is given. */
static void test_timezone_from_zoneinfo(void **state)
{
  (void)state;
  struct config c;
  struct config_problem *p;
  assert_int_equal(load("[site]\ntimezone = Asia/Almaty\n", &c, &p), 0);
  assert_string_equal(c.timezone, "Asia/Almaty");
  assert_int_equal(config_tz_offset(&c, 1685577600), 6 * 3600); /* 2023-06-01 */
  assert_int_equal(config_tz_offset(&c, 1717200000), 5 * 3600); /* 2024-06-01 */

  /* A zone with summer time: Berlin is +01:00 in January, +02:00 in June. */
  assert_int_equal(load("[site]\ntimezone = Europe/Berlin\ntimezone_offset = +06:00\n", &c, &p), 0);
  assert_int_equal(config_tz_offset(&c, 1704067200), 3600);     /* 2024-01-01 */
  assert_int_equal(config_tz_offset(&c, 1717200000), 2 * 3600); /* 2024-06-01 */

  /* Only the old key: its fixed offset, whatever the date. */
  assert_int_equal(load("[site]\ntimezone_offset = +06:00\n", &c, &p), 0);
  assert_string_equal(c.timezone, "");
  assert_int_equal(config_tz_offset(&c, 1685577600), 6 * 3600);
  assert_int_equal(config_tz_offset(&c, 1717200000), 6 * 3600);
}

static void test_bad_value_message(void **state)
{
  (void)state;
  const char *text = "# 1\n#2\n#3\n#4\n#5\n#6\n#7\n#8\n#9\n#10\n[display]\n"
                     "rotation = sometimes\n";
  struct config c, d;
  struct config_problem *p;
  size_t n;
  struct kerr e;
  assert_int_equal(config_load_string(text, "/etc/kiosk/kiosk.conf", &c, &p, &n, &e), 0);
  assert_int_equal(n, 1);
  assert_string_equal(p[0].msg,
                      "/etc/kiosk/kiosk.conf:12: rotation = \"sometimes\" is not one "
                      "of each-language, one-language, side-by-side — using "
                      "each-language");
  assert_int_equal(p[0].line, 12);
  assert_int_equal(p[0].level, LOG_WARN);
  assert_string_equal(p[0].key, "display.rotation");
  config_defaults(&d);
  assert_memory_equal(&c, &d, sizeof c);
  free(p);
}

/* Each bad value is one problem on its line, naming the key and what is
 * accepted, and the whole config stays the defaults. */
static void test_bad_values_keep_defaults(void **state)
{
  (void)state;
  static const struct {
    const char *section, *line, *says;
  } bad[] = {
      {"site", "id = kiosk one", "id = \"kiosk one\" is not a site id"},
      {"site", "id =", "— using kiosk"},
      {"site", "name = bad\x01name", "control characters"},
      {"site", "name = \xff\xfe", "not UTF-8"},
      {"site", "country = KAZ",
       "not a two-letter country code like KZ (or empty for every "
       "country) — using no country (packs for every country are "
       "shown)"},
      {"site", "country = KZ # Kazakhstan",
       "(a # starts a comment only at the start of a "
       "line)"},
      {"site", "languages = ru,русский", "has \"русский\", which is not a language tag"},
      {"site", "languages = a,b,c,d,e,f,g,h,i", "has \"a\""},
      {"site", "languages = aa,bb,cc,dd,ee,ff,gg,hh,ii", "lists more than 8 languages"},
      {"site", "timezone_offset = Asia/Almaty",
       "is not an offset from UTC like +06:00 or "
       "-03:30 (a zone name such as Asia/Almaty goes "
       "in timezone =) — using +00:00"},
      {"site", "timezone = Asia/Almatty",
       "is not a time zone of /usr/share/zoneinfo (no such "
       "zone) — write a name from there, like Asia/Almaty"},
      {"site", "timezone = ../../etc/passwd", "is not a time-zone name like Asia/Almaty"},
      {"site", "timezone = +06:00", "is not a time-zone name like Asia/Almaty"},
      {"site", "timezone = zone.tab", "is not a time-zone name like Asia/Almaty"},
      {"site", "timezone = Asia",
       "names a file of /usr/share/zoneinfo that is not a time "
       "zone"},
      {"site", "timezone_offset = +15:00", "is outside -12:00 to +14:00"},
      {"site", "timezone_offset = +06:75", "is not an offset"},
      {"display", "rotation = sometimes",
       "is not one of each-language, one-language, "
       "side-by-side — using each-language"},
      {"display", "page_duration = fast",
       "page_duration = \"fast\" is not a whole number of "
       "seconds from 3 to 600 — using 15"},
      {"display", "page_duration = 2", "from 3 to 600"},
      {"display", "page_duration = 601", "from 3 to 600"},
      {"display", "page_duration = 15 min", "— using 15"},
      {"display", "page_duration = -5", "— using 15"},
      {"display", "page_duration = 99999999999999999999", "— using 15"},
      {"display", "min_duration = 0", "from 1 to 600 — using 3"},
      {"display", "transition = wipe", "is not one of crossfade, slide, none — using crossfade"},
      {"display", "transition_ms = 6000", "milliseconds from 0 to 5000 — using 600"},
      {"display", "idle_return = 1", "seconds from 5 to 3600 — using 60"},
      {"display", "night_start = 10pm",
       "is not a time of day like 22:00 (or empty for no night "
       "window) — using 22:00"},
      {"display", "night_end = 24:00", "— using 06:00"},
      {"display", "night_mode = on", "is not one of off, dim — using off"},
      {"display", "burn_in_shift = 100", "pixels from 0 to 50 — using 4"},
      {"paths", "store = var/lib/kiosk",
       "is not an absolute path starting with / — using "
       "/var/lib/kiosk/store"},
      {"paths", "trusted_keys =", "— using /etc/kiosk/keys"},
      {"paths", "inbox = ./inbox", "— using /var/lib/kiosk/inbox"},
      {"paths", "log_dir = logs", "— using /var/log/kiosk"},
      {"paths", "usb_roots = /media, usb",
       "has \"usb\", which is not an absolute path "
       "starting with / — using /media,/run/media,/mnt"},
      {"paths", "usb_roots = /a,/b,/c,/d,/e,/f,/g,/h,/i", "lists more than 8 folders"},
      {"paths", "play_log_max_kb = 1", "kilobytes from 16 to 1048576 — using 1024"},
  };
  struct config d;
  config_defaults(&d);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char text[300];
    snprintf(text, sizeof text, "[%s]\n%s\n", bad[i].section, bad[i].line);
    struct config c;
    struct config_problem *p;
    size_t n = load(text, &c, &p);
    if (n != 1 || !strstr(p[0].msg, bad[i].says)) {
      fprintf(stderr, "for '%s' expected one problem saying '%s', got %zu:\n", bad[i].line,
              bad[i].says, n);
      print_problems(p, n);
      fail();
    }
    assert_int_equal(p[0].line, 2);
    assert_int_equal(p[0].level, LOG_WARN);
    assert_true(!strncmp(p[0].msg, "kiosk.conf:2: ", 14));
    assert_true(!strncmp(p[0].key, bad[i].section, strlen(bad[i].section)));
    assert_memory_equal(&c, &d, sizeof c);
    free(p);
  }
}

/* A bad value keeps what the key had, and the message says what that is. */
static void test_bad_value_keeps_earlier_line(void **state)
{
  (void)state;
  struct config c;
  struct config_problem *p;
  size_t n = load("[display]\nrotation = one-language\nrotation = sometimes\n", &c, &p);
  assert_int_equal(n, 2);
  assert_int_equal(c.rotation, CONFIG_ROTATION_ONE_LANGUAGE);
  assert_string_equal(p[0].msg,
                      "kiosk.conf:3: rotation is set twice, on lines 2 and 3 — line "
                      "3 counts");
  assert_non_null(strstr(p[1].msg, "— using one-language"));
  free(p);

  n = load("[display]\npage_duration = 20\npage_duration = 30\n", &c, &p);
  assert_int_equal(n, 1);
  assert_int_equal(c.page_duration_s, 30);
  free(p);
}

static void test_unknown_key_suggestion(void **state)
{
  (void)state;
  struct config c, d;
  struct config_problem *p;
  config_defaults(&d);
  size_t n = load("[display]\nrotaton = side-by-side\n", &c, &p);
  assert_int_equal(n, 1);
  assert_string_equal(p[0].msg,
                      "kiosk.conf:2: unknown key 'rotaton' in [display] — did you "
                      "mean 'rotation'?");
  assert_memory_equal(&c, &d, sizeof c);
  free(p);

  /* A swap of two letters is one edit. */
  n = load("[paths]\nsotre = /x\n", &c, &p);
  assert_int_equal(n, 1);
  assert_non_null(strstr(p[0].msg, "did you mean 'store'?"));
  free(p);

  /* Up to two edits from five letters on, in any case; three are too many. */
  n = load("[display]\nROTATI = slide\n", &c, &p);
  assert_int_equal(n, 1);
  assert_non_null(strstr(p[0].msg, "did you mean 'rotation'?"));
  free(p);
  n = load("[display]\nrotat = slide\n", &c, &p);
  assert_int_equal(n, 1);
  assert_null(strstr(p[0].msg, "did you mean"));
  assert_non_null(strstr(p[0].msg, "the keys there are"));
  free(p);
  /* Two letters: only the same name (any case, '_' for '-') is close. */
  n = load("[site]\nix = x\n", &c, &p);
  assert_int_equal(n, 1);
  assert_null(strstr(p[0].msg, "did you mean"));
  free(p);

  /* A key in the wrong section says where it belongs. */
  n = load("[display]\nstore = /srv/store\n", &c, &p);
  assert_int_equal(n, 1);
  assert_string_equal(p[0].msg,
                      "kiosk.conf:2: unknown key 'store' in [display] — 'store' "
                      "belongs in [paths]");
  free(p);

  /* Nothing close: the keys of the section are listed. */
  n = load("[site]\ncolour = red\n", &c, &p);
  assert_int_equal(n, 1);
  assert_string_equal(p[0].msg,
                      "kiosk.conf:2: unknown key 'colour' in [site] — the keys there "
                      "are id, name, country, languages, timezone_offset, timezone");
  free(p);

  /* Unknown section: one problem at the header, its keys are ignored. */
  n = load("[dispaly]\nrotation = slide\ntransition = none\n", &c, &p);
  assert_int_equal(n, 1);
  assert_string_equal(p[0].msg,
                      "kiosk.conf:1: unknown section [dispaly] — did you mean "
                      "[display]? The keys under it are ignored");
  assert_memory_equal(&c, &d, sizeof c);
  free(p);

  n = load("[network]\nip = 10.0.0.1\n", &c, &p);
  assert_int_equal(n, 1);
  assert_non_null(strstr(p[0].msg,
                         "unknown section [network] — the sections are [site], "
                         "[display], [paths] and [hotlines]"));
  free(p);

  /* A key above every section. */
  n = load("rotation = slide\n[display]\n", &c, &p);
  assert_int_equal(n, 1);
  assert_non_null(strstr(p[0].msg,
                         "kiosk.conf:1: 'rotation' is above every [section] header "
                         "— it belongs under [display]"));
  assert_memory_equal(&c, &d, sizeof c);
  free(p);
}

/* A broken file of 100,000 bad lines: the first CONFIG_MAX_PROBLEMS are
 * listed, one more counts the rest and says where they are, and the good
 * lines among them still count. */
static void test_problems_capped(void **state)
{
  (void)state;
  enum { BAD = 100000 };
  size_t cap = 64 + BAD * 16;
  char *text = malloc(cap);
  assert_non_null(text);
  size_t len = (size_t)snprintf(text, cap, "[display]\n");
  for (int i = 0; i < BAD; i++)
    len += (size_t)snprintf(text + len, cap - len, "junk %d\n", i);
  snprintf(text + len, cap - len, "transition = slide\n");
  struct config c;
  struct config_problem *p;
  size_t n = load(text, &c, &p);
  assert_int_equal(n, CONFIG_MAX_PROBLEMS + 1);
  for (size_t i = 0; i < CONFIG_MAX_PROBLEMS; i++) {
    char want[64];
    snprintf(want, sizeof want, "kiosk.conf:%zu: 'junk %zu' is not a 'key = value' line", i + 2, i);
    assert_int_equal(p[i].line, (int)i + 2);
    assert_non_null(strstr(p[i].msg, want));
  }
  char want[300];
  snprintf(want, sizeof want,
           "kiosk.conf:%d: %d more problems on lines %d to %d, not listed one by one — fix "
           "the lines listed above, then look at the file again",
           CONFIG_MAX_PROBLEMS + 2, BAD - CONFIG_MAX_PROBLEMS, CONFIG_MAX_PROBLEMS + 2, BAD + 1);
  assert_string_equal(p[CONFIG_MAX_PROBLEMS].msg, want);
  assert_int_equal(p[CONFIG_MAX_PROBLEMS].level, LOG_WARN);
  assert_int_equal(p[CONFIG_MAX_PROBLEMS].line, CONFIG_MAX_PROBLEMS + 2);
  assert_int_equal(c.transition, CONFIG_TRANSITION_SLIDE);
  free(p);

  /* One over the list: said of its own line. */
  len = (size_t)snprintf(text, cap, "[display]\n");
  for (int i = 0; i <= CONFIG_MAX_PROBLEMS; i++)
    len += (size_t)snprintf(text + len, cap - len, "junk %d\n", i);
  n = load(text, &c, &p);
  assert_int_equal(n, CONFIG_MAX_PROBLEMS + 1);
  snprintf(want, sizeof want,
           "kiosk.conf:%d: 1 more problem on this line, not listed one by one — fix the lines "
           "listed above, then look at the file again",
           CONFIG_MAX_PROBLEMS + 2);
  assert_string_equal(p[CONFIG_MAX_PROBLEMS].msg, want);
  free(p);

  /* Exactly CONFIG_MAX_PROBLEMS: all listed, no count. */
  len = (size_t)snprintf(text, cap, "[display]\n");
  for (int i = 0; i < CONFIG_MAX_PROBLEMS; i++)
    len += (size_t)snprintf(text + len, cap - len, "junk %d\n", i);
  n = load(text, &c, &p);
  assert_int_equal(n, CONFIG_MAX_PROBLEMS);
  assert_null(strstr(p[CONFIG_MAX_PROBLEMS - 1].msg, "more problem"));
  free(p);
  free(text);
}

static void test_lines_that_are_not_settings(void **state)
{
  (void)state;
  struct config c;
  struct config_problem *p;
  char longline[400];
  memset(longline, 'x', sizeof longline);
  memcpy(longline, "name = ", 7);
  longline[sizeof longline - 1] = '\0';
  char text[600];
  snprintf(text, sizeof text,
           "[site]\nhello world\n%s\n[display\ntransition = slide\n= 3\n[]\n"
           "id = lost\n",
           longline);
  size_t n = load(text, &c, &p);
  print_problems(p, n);
  assert_int_equal(n, 5);
  assert_non_null(strstr(p[0].msg, "kiosk.conf:2: 'hello world' is not a 'key = value' line"));
  assert_non_null(strstr(p[1].msg, "kiosk.conf:3: this line is longer than"));
  assert_non_null(strstr(p[2].msg,
                         "kiosk.conf:4: the section header '[display' has no closing "
                         "']' — read as [display]"));
  assert_non_null(strstr(p[3].msg, "kiosk.conf:6: this line has no key before '='"));
  assert_non_null(strstr(p[4].msg, "kiosk.conf:7: the section header '[]' has no name"));
  assert_int_equal(c.transition, CONFIG_TRANSITION_SLIDE);
  assert_string_equal(c.site_name, "");
  assert_string_equal(c.site_id, "kiosk");
  free(p);
}

static void test_night_window_checks(void **state)
{
  (void)state;
  struct config c;
  struct config_problem *p;
  size_t n = load("[display]\nnight_start =\nnight_end =\nnight_mode = dim\n", &c, &p);
  assert_int_equal(n, 1);
  assert_int_equal(c.night_start_min, -1);
  assert_int_equal(c.night_end_min, -1);
  assert_non_null(strstr(p[0].msg,
                         "kiosk.conf:4: night_mode = dim but there is no night "
                         "window"));
  free(p);

  n = load("[display]\nnight_start =\n", &c, &p);
  assert_int_equal(n, 1);
  assert_non_null(strstr(p[0].msg,
                         "kiosk.conf:2: only one of night_start and night_end is "
                         "set"));
  assert_int_equal(c.night_start_min, -1);
  assert_int_equal(c.night_end_min, -1);
  free(p);

  n = load("[display]\nnight_start = 06:00\n", &c, &p);
  assert_int_equal(n, 1);
  assert_non_null(strstr(p[0].msg, "night_start and night_end are the same time"));
  assert_int_equal(c.night_start_min, -1);
  free(p);

  /* Both empty and mode off: no night, nothing to say. */
  n = load("[display]\nnight_start =\nnight_end =\n", &c, &p);
  assert_int_equal(n, 0);
}

static void test_languages_listed_twice(void **state)
{
  (void)state;
  struct config c;
  struct config_problem *p;
  size_t n = load("[site]\nlanguages = ru,kk,RU,en\n", &c, &p);
  assert_int_equal(n, 1);
  assert_int_equal(p[0].level, LOG_INFO);
  assert_string_equal(p[0].msg,
                      "kiosk.conf:2: languages lists ru twice — it is shown once, in "
                      "its first place");
  assert_int_equal(c.n_languages, 3);
  assert_string_equal(c.languages[2], "en");
  free(p);
}

static void test_hotlines(void **state)
{
  (void)state;
  struct config c;
  struct config_problem *p;
  size_t n = load("[hotlines]\n"
                  "KZ = 11616 | phone\n"
                  "KZ.2 = +7 700 000 0000 | WhatsApp\n"
                  "kg = 1212\n"
                  "UZ = \"1170 | Telegram\"\n"
                  "Kazakhstan = 11616 | phone\n"
                  "TJ = none | phone\n"
                  "TM = 1 | a | b\n"
                  "KZ = 102 | police\n",
                  &c, &p);
  print_problems(p, n);
  assert_int_equal(c.n_hotlines, 5);
  assert_string_equal(c.hotlines[0].country, "KZ");
  assert_string_equal(c.hotlines[0].number, "11616");
  assert_string_equal(c.hotlines[0].channel, "phone");
  assert_string_equal(c.hotlines[1].country, "KZ");
  assert_string_equal(c.hotlines[1].number, "+7 700 000 0000");
  assert_string_equal(c.hotlines[1].channel, "WhatsApp");
  assert_string_equal(c.hotlines[2].country, "KG");
  assert_string_equal(c.hotlines[2].number, "1212");
  assert_string_equal(c.hotlines[2].channel, "");
  assert_string_equal(c.hotlines[3].country, "UZ");
  assert_string_equal(c.hotlines[3].channel, "Telegram");
  assert_string_equal(c.hotlines[4].number, "102");
  assert_int_equal(n, 4);
  assert_non_null(strstr(p[0].msg,
                         "kiosk.conf:6: 'Kazakhstan' in [hotlines] is not a two-letter "
                         "country code"));
  assert_string_equal(p[1].msg,
                      "kiosk.conf:7: hotline TJ = \"none | phone\" has no number — "
                      "write e.g. TJ = 11616 | phone; this line is ignored");
  assert_non_null(strstr(p[2].msg,
                         "kiosk.conf:8: hotline TM = \"1 | a | b\" has more than one "
                         "'|'"));
  assert_int_equal(p[3].level, LOG_INFO);
  assert_non_null(strstr(p[3].msg,
                         "kiosk.conf:9: hotline KZ is also on line 2 — both numbers "
                         "are shown"));
  free(p);

  /* More than fit: the extra ones are reported, the kiosk goes on. */
  char text[4096] = "[hotlines]\n";
  for (int i = 0; i < CONFIG_MAX_HOTLINES + 2; i++) {
    char line[64];
    snprintf(line, sizeof line, "KZ.%d = %d\n", i, 100 + i);
    strcat(text, line);
  }
  n = load(text, &c, &p);
  assert_int_equal(c.n_hotlines, CONFIG_MAX_HOTLINES);
  assert_int_equal(n, 2);
  assert_non_null(strstr(p[0].msg, "more than 32 hotlines"));
  free(p);
}

static void test_missing_default_file(void **state)
{
  (void)state;
  if (access(CONFIG_DEFAULT_PATH, F_OK) == 0) {
    fprintf(stderr, "%s exists on this machine; skipping\n", CONFIG_DEFAULT_PATH);
    skip();
  }
  struct config c, d;
  struct config_problem *p;
  size_t n;
  struct kerr e;
  kerr_clear(&e);
  assert_int_equal(config_load_file(NULL, &c, &p, &n, &e), 0);
  assert_int_equal(n, 1);
  assert_int_equal(p[0].level, LOG_INFO);
  assert_int_equal(p[0].line, 0);
  assert_non_null(strstr(p[0].msg,
                         "/etc/kiosk/kiosk.conf: no configuration file — using the "
                         "built-in defaults"));
  config_defaults(&d);
  assert_memory_equal(&c, &d, sizeof c);
  free(p);
}

static void test_missing_explicit_file(void **state)
{
  (void)state;
  struct config c, d;
  struct config_problem *p = (void *)1;
  size_t n = 7;
  struct kerr e;
  c.page_duration_s = 1;
  assert_int_equal(config_load_file("/nonexistent/kiosk.conf", &c, &p, &n, &e), KERR_NOENT);
  assert_int_equal(e.code, KERR_NOENT);
  assert_string_equal(e.msg,
                      "/nonexistent/kiosk.conf: configuration file not found — check the "
                      "path given with --config, or leave --config out to use "
                      "/etc/kiosk/kiosk.conf");
  assert_null(p);
  assert_int_equal(n, 0);
  config_defaults(&d);
  assert_memory_equal(&c, &d, sizeof c);

  assert_int_equal(config_load_file("/tmp", &c, &p, &n, &e), KERR_IO);
  assert_non_null(strstr(e.msg, "/tmp: is not a configuration file"));
}

static void test_file_problems_name_the_file(void **state)
{
  (void)state;
  struct ktmp t;
  ktmp_make(&t, "config");
  char path[600];
  ktmp_path(&t, "kiosk.conf", path, sizeof path);
  ktmp_write_text(path, "[site]\ncountry = KZ\n\n[display]\nrotation = sometimes\n");
  struct config c;
  struct config_problem *p;
  size_t n;
  struct kerr e;
  assert_int_equal(config_load_file(path, &c, &p, &n, &e), 0);
  ktmp_drop(&t);
  assert_int_equal(n, 1);
  char want[700];
  snprintf(want, sizeof want, "%s:5: rotation = \"sometimes\"", path);
  assert_true(!strncmp(p[0].msg, want, strlen(want)));
  assert_string_equal(c.country, "KZ");
  free(p);
}

/* tools/kiosk.conf.example: every key, each set to its default, no
 * problems. */
static void test_example_file(void **state)
{
  (void)state;
  struct config c, d;
  struct config_problem *p;
  size_t n;
  struct kerr e;
  assert_int_equal(config_load_file(EXAMPLE, &c, &p, &n, &e), 0);
  print_problems(p, n);
  assert_int_equal(n, 0);
  config_defaults(&d);
  assert_memory_equal(&c, &d, sizeof c);

  char *body = ktmp_read_file(EXAMPLE, NULL);
  assert_non_null(body);
  static const char *const keys[] = {"[site]",
                                     "\nid = ",
                                     "\nname =",
                                     "\ncountry =",
                                     "\nlanguages =",
                                     "\ntimezone_offset = ",
                                     "\ntimezone =",
                                     "[display]",
                                     "\nrotation = ",
                                     "\npage_duration = ",
                                     "\nmin_duration = ",
                                     "\ntransition = ",
                                     "\ntransition_ms = ",
                                     "\nidle_return = ",
                                     "\nnight_start = ",
                                     "\nnight_end = ",
                                     "\nnight_mode = ",
                                     "\nburn_in_shift = ",
                                     "[paths]",
                                     "\nstore = ",
                                     "\nstore_check_days = ",
                                     "\ntrusted_keys = ",
                                     "\ninbox = ",
                                     "\nusb_roots = ",
                                     "\nlog_dir = ",
                                     "\nplay_log_max_kb = ",
                                     "[hotlines]",
                                     "\n# KZ = ",
                                     "\n# KZ.2 = "};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    if (!strstr(body, keys[i])) {
      fprintf(stderr, "the example does not have '%s'\n", keys[i] + (keys[i][0] == '\n'));
      fail();
    }
  }

  /* Its commented hotline examples are valid when uncommented. */
  char hot[512] = "[hotlines]\n";
  for (const char *l = strstr(body, "\n# KZ"); l; l = strstr(l + 1, "\n# KZ")) {
    const char *end = strchr(l + 1, '\n');
    strncat(hot, l + 3, (size_t)(end ? end - l - 2 : (long)strlen(l + 3)));
  }
  free(body);
  assert_int_equal(load(hot, &c, &p), 0);
  assert_int_equal(c.n_hotlines, 2);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_defaults),
    cmocka_unit_test(test_every_key_parsed),
    cmocka_unit_test(test_forgiving_forms),
    cmocka_unit_test(test_timezone_from_zoneinfo),
    cmocka_unit_test(test_bad_value_message),
    cmocka_unit_test(test_bad_values_keep_defaults),
    cmocka_unit_test(test_bad_value_keeps_earlier_line),
    cmocka_unit_test(test_unknown_key_suggestion),
    cmocka_unit_test(test_problems_capped),
    cmocka_unit_test(test_lines_that_are_not_settings),
    cmocka_unit_test(test_night_window_checks),
    cmocka_unit_test(test_languages_listed_twice),
    cmocka_unit_test(test_hotlines),
    cmocka_unit_test(test_missing_default_file),
    cmocka_unit_test(test_missing_explicit_file),
    cmocka_unit_test(test_file_problems_name_the_file),
    cmocka_unit_test(test_example_file),
};
KTEST_MAIN(tests)
