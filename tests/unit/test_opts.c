/* Unit tests for app/opts: the kiosk's command line. */
#include "ktest.h"

#include <string.h>

#include "app/opts.h"

#define PARSE(o, e, ...)                                                                           \
  ({                                                                                               \
    char *argv_[] = {"kiosk", __VA_ARGS__, NULL};                                                  \
    opts_parse(o, (int)(sizeof argv_ / sizeof argv_[0]) - 1, argv_, e);                            \
  })

static void test_default_is_fullscreen(void **state)
{
  (void)state;
  struct opts o;
  struct kerr e;
  char *argv[] = {"kiosk", NULL};
  assert_int_equal(opts_parse(&o, 1, argv, &e), 0);
  assert_true(o.fullscreen);
  assert_false(o.headless);
  assert_true(o.speed == 1.0);
}

static void test_window_size(void **state)
{
  (void)state;
  struct opts o;
  struct kerr e;
  assert_int_equal(PARSE(&o, &e, "--window", "1280x720"), 0);
  assert_false(o.fullscreen);
  assert_int_equal(o.win_w, 1280);
  assert_int_equal(o.win_h, 720);
}

static void test_headless_full(void **state)
{
  (void)state;
  struct opts o;
  struct kerr e;
  assert_int_equal(PARSE(&o, &e, "--headless", "--size", "1080x1920", "--screenshots", "/tmp/x",
                         "--pages", "12", "--pack-dir", "a", "--pack-dir", "b", "--strict"),
                   0);
  assert_true(o.headless);
  assert_false(o.fullscreen);
  assert_int_equal(o.size_w, 1080);
  assert_int_equal(o.size_h, 1920);
  assert_string_equal(o.screenshots, "/tmp/x");
  assert_int_equal(o.pages, 12);
  assert_int_equal(o.n_pack_dirs, 2);
  assert_string_equal(o.pack_dirs[1], "b");
  assert_true(o.strict);
}

static void test_bad_size_message(void **state)
{
  (void)state;
  struct opts o;
  struct kerr e;
  assert_int_equal(PARSE(&o, &e, "--window", "big"), KERR_USAGE);
  assert_string_equal(e.msg, "--window 'big': expected WIDTHxHEIGHT, e.g. 1920x1080");
  assert_int_equal(PARSE(&o, &e, "--window", "100x100"), KERR_USAGE);
  assert_string_equal(e.msg, "--window 100x100: size must be between 320x240 and 8192x8192");
  assert_int_equal(PARSE(&o, &e, "--window", "1280x720x3"), KERR_USAGE);
}

static void test_unknown_and_missing_value(void **state)
{
  (void)state;
  struct opts o;
  struct kerr e;
  assert_int_equal(PARSE(&o, &e, "--fullscren"), KERR_USAGE);
  assert_string_equal(e.msg, "unknown option '--fullscren' — see kiosk --help");
  assert_int_equal(PARSE(&o, &e, "--pages"), KERR_USAGE);
  assert_string_equal(e.msg, "--pages needs a value — see kiosk --help");
  assert_int_equal(PARSE(&o, &e, "--pages", "0"), KERR_USAGE);
  assert_int_equal(PARSE(&o, &e, "--pages", "3x"), KERR_USAGE);
}

static void test_inconsistent_modes(void **state)
{
  (void)state;
  struct opts o;
  struct kerr e;
  assert_int_equal(PARSE(&o, &e, "--headless"), KERR_USAGE);
  assert_string_equal(e.msg, "--headless needs --size WxH, e.g. --size 1920x1080");
  assert_int_equal(PARSE(&o, &e, "--size", "800x480"), KERR_USAGE);
  assert_int_equal(PARSE(&o, &e, "--headless", "--size", "800x480", "--window", "800x480"),
                   KERR_USAGE);
}

static void test_help_and_version_skip_checks(void **state)
{
  (void)state;
  struct opts o;
  struct kerr e;
  assert_int_equal(PARSE(&o, &e, "--headless", "--help"), 0);
  assert_true(o.help);
  assert_int_equal(PARSE(&o, &e, "-V"), 0);
  assert_true(o.version);
}

static void test_speed(void **state)
{
  (void)state;
  struct opts o;
  struct kerr e;
  assert_int_equal(PARSE(&o, &e, "--speed", "250"), 0);
  assert_true(o.speed == 250.0);
  assert_int_equal(PARSE(&o, &e, "--speed", "0"), KERR_USAGE);
  assert_int_equal(PARSE(&o, &e, "--speed", "fast"), KERR_USAGE);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_default_is_fullscreen),
    cmocka_unit_test(test_window_size),
    cmocka_unit_test(test_headless_full),
    cmocka_unit_test(test_bad_size_message),
    cmocka_unit_test(test_unknown_and_missing_value),
    cmocka_unit_test(test_inconsistent_modes),
    cmocka_unit_test(test_help_and_version_skip_checks),
    cmocka_unit_test(test_speed),
};
KTEST_MAIN(tests)
