/* Unit tests for core/grow: doubling arrays, one way everywhere. */
#include "ktest.h"

#include "core/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void test_first_then_doubles(void **state)
{
  (void)state;
  int *v = NULL;
  size_t cap = 0, n = 0;
  for (int i = 0; i < 100; i++) {
    int *p = grow_array(v, n + 1, &cap, sizeof *p, 16);
    assert_non_null(p);
    v = p;
    v[n++] = i;
    if (n <= 16)
      assert_int_equal(cap, 16);
  }
  assert_int_equal(cap, 128);
  for (int i = 0; i < 100; i++)
    assert_int_equal(v[i], i);
  free(v);
}

static void test_room_left_changes_nothing(void **state)
{
  (void)state;
  size_t cap = 0;
  char *s = grow_array(NULL, 10, &cap, 1, 64);
  assert_non_null(s);
  assert_int_equal(cap, 64);
  assert_ptr_equal(grow_array(s, 64, &cap, 1, 64), s);
  assert_int_equal(cap, 64);
  /* A need far past the room doubles until it fits. */
  char *t = grow_array(s, 1000, &cap, 1, 64);
  assert_non_null(t);
  assert_int_equal(cap, 1024);
  free(t);
}

static void test_overflow_refused_array_kept(void **state)
{
  (void)state;
  size_t cap = 0;
  uint64_t *v = grow_array(NULL, 4, &cap, sizeof *v, 4);
  assert_non_null(v);
  v[3] = 7;
  assert_null(grow_array(v, SIZE_MAX / 4, &cap, sizeof *v, 4));
  assert_null(grow_array(v, SIZE_MAX, &cap, 1, 4));
  assert_int_equal(cap, 4); /* unchanged, and v is still ours */
  assert_int_equal(v[3], 7);
  free(v);
}

static void test_printf_appends(void **state)
{
  (void)state;
  struct grow_text t = {0};
  grow_printf(&t, "%s", "");
  assert_non_null(t.s);
  assert_string_equal(t.s, "");
  for (int i = 0; i < 500; i++)
    grow_printf(&t, "line %d\n", i);
  assert_false(t.failed);
  assert_int_equal(t.len, strlen(t.s));
  assert_true(t.cap > t.len);
  assert_int_equal(strncmp(t.s, "line 0\nline 1\n", 14), 0);
  assert_non_null(strstr(t.s, "line 499\n"));
  /* One piece longer than the room so far. */
  char big[3000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  size_t before = t.len;
  grow_printf(&t, "[%s]", big);
  assert_int_equal(t.len, before + sizeof big + 1);
  assert_int_equal(t.s[t.len - 1], ']');
  free(t.s);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_first_then_doubles),
    cmocka_unit_test(test_room_left_changes_nothing),
    cmocka_unit_test(test_overflow_refused_array_kept),
    cmocka_unit_test(test_printf_appends),
};

KTEST_MAIN(tests)
