/* Unit tests for app/player: slides from deck entries, continuation parts,
 * the built-in page, and pages that cannot be read. */
#include "kfonts.h"
#include "ktest.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "render/player.h"
#include "core/page.h"
#include "ktmp.h"

#define SAMPLE KIOSK_TEST_SOURCE_DIR "/content-packs/bulletin-2020-07"

static void test_builtin_page_when_nothing_installed(void **state)
{
  (void)state;
  struct deck *d = deck_new();
  struct player *p = player_new(d, fonts);
  struct slide s;
  struct kerr e;
  assert_int_equal(player_render(p, 0, 0, 1280, 720, &s, &e), 0);
  assert_non_null(s.surf);
  assert_int_equal(s.surf->w, 1280);
  assert_int_equal(s.entry, (size_t)-1);
  assert_int_equal(s.problems, 0);
  assert_int_equal(s.duration_ms, PAGE_DEFAULT_DURATION_S * 1000);
  slide_clear(&s);
  assert_null(s.surf);
  player_free(p);
  deck_free(d);
}

static void test_sample_pages_render_with_their_duration(void **state)
{
  (void)state;
  struct deck *d = deck_new();
  struct kerr e;
  assert_int_equal(deck_add_dir(d, SAMPLE, &e), 0);
  struct player *p = player_new(d, fonts);
  struct slide s;
  assert_int_equal(player_render(p, 0, 0, 1920, 1080, &s, &e), 0);
  assert_int_equal(s.entry, 0);
  assert_int_equal(s.problems, 0);
  /* The duration is the one in the page's front matter. */
  struct page *pg;
  assert_int_equal(page_load(SAMPLE, deck_get(d, 0)->page, &pg, &e), 0);
  assert_true(pg->duration_s > 0);
  assert_int_equal(s.duration_ms, pg->duration_s * 1000);
  page_free(pg);
  slide_clear(&s);
  assert_int_equal(player_problems(p), 0);
  player_free(p);
  deck_free(d);
}

static void test_unreadable_page_is_an_error_not_a_crash(void **state)
{
  (void)state;
  char dir[256];
  ktmp_mkdtemp(dir, sizeof dir, "player");
  char path[300];
  snprintf(path, sizeof path, "%s/pack.json", dir);
  ktmp_write_text(
      path,
      "{\"id\":\"x\",\"version\":1,\"title\":\"X\",\"created\":\"2020-07-10T00:00:00Z\","
      "\"languages\":[\"en\"],\"pages\":[\"gone\"]}");
  struct deck *d = deck_new();
  struct kerr e;
  assert_int_equal(deck_add_dir(d, dir, &e), 0);
  struct player *p = player_new(d, fonts);
  struct slide s;
  assert_int_equal(player_render(p, 0, 0, 800, 480, &s, &e), KERR_NOENT);
  assert_null(s.surf);
  assert_non_null(strstr(e.msg, "pages/gone.en.md: cannot open page"));
  player_free(p);
  deck_free(d);
  ktmp_remove(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_builtin_page_when_nothing_installed),
    cmocka_unit_test(test_sample_pages_render_with_their_duration),
    cmocka_unit_test(test_unreadable_page_is_an_error_not_a_crash),
};

KFONTS_MAIN(tests)
