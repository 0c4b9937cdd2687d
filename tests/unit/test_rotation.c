/* Unit tests for app/rotation: the slide after and before, with and
 * without a chosen language, over parts and around the end; the languages
 * a viewer can choose; slot durations; where an installed pack begins. */
#include "ktest.h"
#include "ktmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/rotation.h"

#define CORPUS KIOSK_TEST_SOURCE_DIR "/tests/corpus/text"

struct fixture {
  struct content c;
  struct content_slot slots[64];
};

/* A rotation of every page of the corpus in deck order (each page in each
 * of its eight languages in turn), plus, with extra_dir, that folder's. */
static void make(struct fixture *f, const char *extra_dir)
{
  memset(f, 0, sizeof *f);
  struct kerr e;
  f->c.deck = deck_new();
  assert_non_null(f->c.deck);
  assert_int_equal(deck_add_dir(f->c.deck, CORPUS, &e), 0);
  if (extra_dir)
    assert_int_equal(deck_add_dir(f->c.deck, extra_dir, &e), 0);
  size_t n = deck_count(f->c.deck);
  assert_true(n >= 16 && n <= 64);
  for (size_t i = 0; i < n; i++)
    f->slots[i] = (struct content_slot){i, (size_t)-1, 0, 0};
  f->c.slots = f->slots;
  f->c.n_slots = n;
}

static void drop(struct fixture *f)
{
  deck_free(f->c.deck);
}

static const char *lang_of(const struct fixture *f, size_t slot)
{
  return deck_get(f->c.deck, rotation_entry(&f->c, slot))->lang;
}

static void test_next_walks_parts_then_slots_and_wraps(void **state)
{
  (void)state;
  struct fixture f;
  make(&f, NULL);
  size_t n = f.c.n_slots;
  struct rotation_pos p = rotation_next(&f.c, (struct rotation_pos){0, 0}, 2, NULL);
  assert_int_equal(p.slot, 0);
  assert_int_equal(p.part, 1);
  p = rotation_next(&f.c, p, 2, NULL);
  assert_int_equal(p.slot, 1);
  assert_int_equal(p.part, 0);
  p = rotation_next(&f.c, (struct rotation_pos){n - 1, 0}, 1, "");
  assert_int_equal(p.slot, 0);
  assert_int_equal(p.part, 0);
  drop(&f);
}

static void test_prev_walks_parts_then_slots_and_wraps(void **state)
{
  (void)state;
  struct fixture f;
  make(&f, NULL);
  size_t n = f.c.n_slots;
  struct rotation_pos p = rotation_prev(&f.c, (struct rotation_pos){3, 1}, NULL);
  assert_int_equal(p.slot, 3);
  assert_int_equal(p.part, 0);
  p = rotation_prev(&f.c, p, NULL);
  assert_int_equal(p.slot, 2);
  assert_int_equal(p.part, 0); /* the previous page from its start */
  p = rotation_prev(&f.c, (struct rotation_pos){0, 0}, NULL);
  assert_int_equal(p.slot, n - 1);
  drop(&f);
}

static void test_chosen_language_is_followed_both_ways(void **state)
{
  (void)state;
  struct fixture f;
  make(&f, NULL);
  size_t n = f.c.n_slots;
  /* From the first slot, forward in Dari: the next Dari page, then the
   * one after it, and back again. */
  struct rotation_pos a = rotation_next(&f.c, (struct rotation_pos){0, 0}, 1, "fa");
  assert_string_equal(lang_of(&f, a.slot), "fa");
  struct rotation_pos b = rotation_next(&f.c, a, 1, "fa");
  assert_string_equal(lang_of(&f, b.slot), "fa");
  assert_true(b.slot != a.slot);
  for (size_t s = (a.slot + 1) % n; s != b.slot; s = (s + 1) % n)
    assert_string_not_equal(lang_of(&f, s), "fa"); /* none skipped */
  struct rotation_pos back = rotation_prev(&f.c, b, "fa");
  assert_int_equal(back.slot, a.slot);
  /* A language the rotation does not have: simply the next slot. */
  struct rotation_pos z = rotation_next(&f.c, (struct rotation_pos){4, 0}, 1, "xx");
  assert_int_equal(z.slot, 5);
  assert_true(rotation_slot_in(&f.c, 4, NULL));
  assert_false(rotation_slot_in(&f.c, a.slot, "ru"));
  drop(&f);
}

static void test_empty_rotation_stays_put(void **state)
{
  (void)state;
  struct content c;
  memset(&c, 0, sizeof c);
  struct rotation_pos p = rotation_next(&c, (struct rotation_pos){0, 0}, 1, "ru");
  assert_int_equal(p.slot, 0);
  assert_int_equal(p.part, 0);
  p = rotation_prev(&c, p, NULL);
  assert_int_equal(p.slot, 0);
  assert_int_equal(rotation_entry(&c, 7), (size_t)-1);
  const char *langs[4];
  assert_int_equal(rotation_langs(&c, langs, 4), 0);
}

static void test_languages_in_order_of_first_appearance(void **state)
{
  (void)state;
  struct fixture f;
  make(&f, NULL);
  const char *langs[16];
  size_t n = rotation_langs(&f.c, langs, 16);
  assert_int_equal(n, 8);
  static const char *const want[] = {"ru", "kk", "ky", "tg", "uz", "tk", "en", "fa"};
  for (size_t i = 0; i < n; i++)
    assert_string_equal(langs[i], want[i]);
  assert_int_equal(rotation_langs(&f.c, langs, 3), 3); /* bounded */
  drop(&f);
}

static void test_slot_duration_overrides_the_page(void **state)
{
  (void)state;
  struct fixture f;
  make(&f, NULL);
  assert_int_equal(rotation_duration_ms(&f.c, 2, 12000), 12000);
  f.slots[2].duration_s = 30;
  assert_int_equal(rotation_duration_ms(&f.c, 2, 12000), 30000);
  assert_int_equal(rotation_duration_ms(&f.c, 2 + f.c.n_slots, 12000), 30000); /* modulo */
  drop(&f);
}

static void test_first_slot_of_an_installed_pack(void **state)
{
  (void)state;
  /* The same pages installed in a store folder: <store>/packs/<id>/<v>/. */
  struct ktmp t;
  ktmp_make(&t, "rotation");
  char dir[700], cmd[1600];
  ktmp_path(&t, "packs/corpus-text/1", dir, sizeof dir);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -r '%s'/. '%s'", dir, CORPUS, dir);
  assert_int_equal(system(cmd), 0);
  struct fixture f;
  make(&f, dir);
  size_t half = f.c.n_slots / 2;
  assert_int_equal(rotation_first_of_pack(&f.c, "corpus-text"), half);
  assert_int_equal(rotation_first_of_pack(&f.c, "corpus"), 0); /* not a prefix match */
  assert_int_equal(rotation_first_of_pack(&f.c, "missing"), 0);
  assert_int_equal(rotation_first_of_pack(&f.c, NULL), 0);
  drop(&f);
  ktmp_drop(&t);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_next_walks_parts_then_slots_and_wraps),
    cmocka_unit_test(test_prev_walks_parts_then_slots_and_wraps),
    cmocka_unit_test(test_chosen_language_is_followed_both_ways),
    cmocka_unit_test(test_empty_rotation_stays_put),
    cmocka_unit_test(test_languages_in_order_of_first_appearance),
    cmocka_unit_test(test_slot_duration_overrides_the_page),
    cmocka_unit_test(test_first_slot_of_an_installed_pack),
};

KTEST_MAIN(tests)
