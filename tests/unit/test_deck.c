/* Unit tests for core/deck: the rotation built from pack source folders. */
#include "ktest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/deck.h"
#include "ktmp.h"

static char dir[256];

static int make_dir(void **state)
{
  (void)state;
  ktmp_mkdtemp(dir, sizeof dir, "deck");
  return 0;
}

static int remove_dir(void **state)
{
  (void)state;
  ktmp_remove(dir);
  return 0;
}

static void write_file(const char *name, const char *text)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  ktmp_write_text(path, text);
}

static void test_each_page_in_each_language(void **state)
{
  (void)state;
  write_file("pack.json",
             "{\"id\":\"b\",\"version\":3,\"title\":{\"en\":\"Bulletin\",\"ru\":\"Бюллетень\"},"
             "\"created\":\"2020-07-10T00:00:00Z\",\"languages\":[\"ru\",\"en\"],"
             "\"pages\":[\"01-a\",\"02-b\"]}");
  struct deck *d = deck_new();
  struct kerr e;
  assert_int_equal(deck_add_dir(d, dir, &e), 0);
  assert_int_equal(deck_count(d), 4);
  const char *want[4][2] = {{"pages/01-a.ru.md", "Бюллетень"},
                            {"pages/01-a.en.md", "Bulletin"},
                            {"pages/02-b.ru.md", "Бюллетень"},
                            {"pages/02-b.en.md", "Bulletin"}};
  for (size_t i = 0; i < 4; i++) {
    const struct deck_entry *en = deck_get(d, i);
    assert_string_equal(en->page, want[i][0]);
    assert_string_equal(en->title, want[i][1]);
    assert_int_equal(en->index, (int)i / 2);
    assert_int_equal(en->n_pages, 2);
    assert_string_equal(en->root, dir);
  }
  assert_null(deck_get(d, 4));
  deck_free(d);
}

static void test_two_packs_side_by_side(void **state)
{
  (void)state;
  write_file("pack.json",
             "{\"id\":\"b\",\"version\":1,\"title\":\"One\",\"created\":\"2020-07-10T00:00:00Z\","
             "\"languages\":[\"en\"],\"pages\":[\"p\"]}");
  struct deck *d = deck_new();
  struct kerr e;
  assert_int_equal(deck_add_dir(d, dir, &e), 0);
  assert_int_equal(deck_add_dir(d, dir, &e), 0);
  assert_int_equal(deck_count(d), 2);
  assert_int_equal(deck_get(d, 0)->pack, 0);
  assert_int_equal(deck_get(d, 1)->pack, 1);
  deck_free(d);
}

static void test_missing_pack_json(void **state)
{
  (void)state;
  struct deck *d = deck_new();
  struct kerr e;
  assert_int_equal(deck_add_dir(d, dir, &e), KERR_NOENT);
  char want[512];
  snprintf(want, sizeof want,
           "%s/pack.json: cannot open the pack description: No such file or directory", dir);
  assert_string_equal(e.msg, want);
  assert_int_equal(deck_count(d), 0);
  deck_free(d);
}

static void test_bad_manifest_adds_nothing(void **state)
{
  (void)state;
  write_file("pack.json", "{\"id\":\"b\",\"version\":\"12\"}");
  struct deck *d = deck_new();
  struct kerr e;
  assert_true(deck_add_dir(d, dir, &e) < 0);
  assert_non_null(strstr(e.msg, dir));
  assert_non_null(strstr(e.msg, "version"));
  assert_int_equal(deck_count(d), 0);
  deck_free(d);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_each_page_in_each_language, make_dir, remove_dir),
    cmocka_unit_test_setup_teardown(test_two_packs_side_by_side, make_dir, remove_dir),
    cmocka_unit_test_setup_teardown(test_missing_pack_json, make_dir, remove_dir),
    cmocka_unit_test_setup_teardown(test_bad_manifest_adds_nothing, make_dir, remove_dir),
};
KTEST_MAIN(tests)
