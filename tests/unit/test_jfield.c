/* Unit tests for core/jfield: the field readers of pack.json and keyring
 * documents. */
#include "ktest.h"

#include "core/jfield.h"

#include <cjson/cJSON.h>
#include <string.h>

/* The value of "v" in a one-field JSON object, parsed; free with
 * cJSON_Delete(*root). */
static const cJSON *value(const char *json, cJSON **root)
{
  *root = cJSON_Parse(json);
  assert_non_null(*root);
  return cJSON_GetObjectItemCaseSensitive(*root, "v");
}

/* jfield_uint() on the value in json: 0 with *out, or -1. */
static int read_uint(const char *json, uint64_t lo, uint64_t hi, uint64_t *out)
{
  cJSON *root;
  const cJSON *v = value(json, &root);
  int rc = jfield_uint(v, lo, hi, out);
  cJSON_Delete(root);
  return rc;
}

static const char *described(const char *json)
{
  static char out[JFIELD_FOUND_MAX];
  cJSON *root;
  jfield_describe(value(json, &root), out, sizeof out);
  cJSON_Delete(root);
  return out;
}

static void test_uint_in_range(void **state)
{
  (void)state;
  uint64_t n = 99;
  assert_int_equal(read_uint("{\"v\": 0}", 0, 10, &n), 0);
  assert_int_equal(n, 0);
  assert_int_equal(read_uint("{\"v\": 10}", 0, 10, &n), 0);
  assert_int_equal(n, 10);
  assert_int_equal(read_uint("{\"v\": 1e1}", 1, 16, &n), 0);
  assert_int_equal(n, 10);
  n = 99;
  assert_int_equal(read_uint("{\"v\": 11}", 0, 10, &n), -1);
  assert_int_equal(read_uint("{\"v\": 0}", 1, 10, &n), -1);
  assert_int_equal(n, 99); /* left as it was */
}

static void test_uint_refuses_fractions_negatives_and_other_types(void **state)
{
  (void)state;
  uint64_t n = 7;
  assert_int_equal(read_uint("{\"v\": 1.5}", 0, 10, &n), -1);
  assert_int_equal(read_uint("{\"v\": -1}", 0, 10, &n), -1);
  assert_int_equal(read_uint("{\"v\": -0.5}", 0, 10, &n), -1);
  assert_int_equal(read_uint("{\"v\": \"3\"}", 0, 10, &n), -1);
  assert_int_equal(read_uint("{\"v\": true}", 0, 10, &n), -1);
  assert_int_equal(read_uint("{\"v\": null}", 0, 10, &n), -1);
  assert_int_equal(read_uint("{\"v\": [1]}", 0, 10, &n), -1);
  assert_int_equal(read_uint("{\"w\": 1}", 0, 10, &n), -1); /* missing */
  assert_int_equal(jfield_uint(NULL, 0, 10, &n), -1);
  assert_int_equal(n, 7);
}

static void test_uint_up_to_2_pow_53(void **state)
{
  (void)state;
  uint64_t n = 0;
  /* 2^53 - 1, the largest version a pack or keyring may have. */
  assert_int_equal(read_uint("{\"v\": 9007199254740991}", 1, JFIELD_UINT_MAX - 1, &n), 0);
  assert_int_equal(n, JFIELD_UINT_MAX - 1);
  assert_int_equal(read_uint("{\"v\": 9007199254740992}", 1, JFIELD_UINT_MAX - 1, &n), -1);
  /* 2^53 + 1 is no double: JSON reads it as 2^53, which is then too big. */
  assert_int_equal(read_uint("{\"v\": 9007199254740993}", 1, JFIELD_UINT_MAX - 1, &n), -1);
  /* Whatever hi says, nothing above 2^53 is taken. */
  assert_int_equal(read_uint("{\"v\": 9007199254740992}", 0, UINT64_MAX, &n), 0);
  assert_int_equal(n, JFIELD_UINT_MAX);
  assert_int_equal(read_uint("{\"v\": 9007199254740994}", 0, UINT64_MAX, &n), -1);
  assert_int_equal(read_uint("{\"v\": 1e300}", 0, UINT64_MAX, &n), -1);
}

static void test_describe_each_kind(void **state)
{
  (void)state;
  char out[JFIELD_FOUND_MAX];
  jfield_describe(NULL, out, sizeof out);
  assert_string_equal(out, "nothing");
  assert_string_equal(described("{\"v\": \"10/07/2020\"}"), "\"10/07/2020\"");
  assert_string_equal(described("{\"v\": 3}"), "3");
  assert_string_equal(described("{\"v\": 1.5}"), "1.5");
  assert_string_equal(described("{\"v\": -1}"), "-1");
  assert_string_equal(described("{\"v\": 9007199254740992}"), "9007199254740992");
  assert_string_equal(described("{\"v\": 0.1}"), "0.1");
  assert_string_equal(described("{\"v\": 1e300}"), "1e+300");
  assert_string_equal(described("{\"v\": true}"), "true");
  assert_string_equal(described("{\"v\": false}"), "false");
  assert_string_equal(described("{\"v\": null}"), "null");
  assert_string_equal(described("{\"v\": [1, 2]}"), "a list");
  assert_string_equal(described("{\"v\": {\"a\": 1}}"), "an object");
}

/* A string from a pack is escaped and cut: it cannot break a log line. */
static void test_describe_escapes_and_cuts_strings(void **state)
{
  (void)state;
  assert_string_equal(described("{\"v\": \"a\\nb\\u202Ec\"}"), "\"a\\nb\\u{202E}c\"");
  const char *s = described("{\"v\": \"0123456789012345678901234567890123456789"
                            "0123456789012345678901234567890123456789\"}");
  assert_true(strlen(s) < 70);
  assert_non_null(strstr(s, "...\""));
  assert_int_equal(strncmp(s, "\"0123456789", 11), 0);
  /* Bytes that are not UTF-8 (cJSON keeps them in strings) are shown. */
  cJSON *str = cJSON_CreateString("x\xFFy");
  char out[JFIELD_FOUND_MAX];
  jfield_describe(str, out, sizeof out);
  cJSON_Delete(str);
  assert_string_equal(out, "\"x\\xFFy\"");
  /* A small buffer is never overrun. */
  char small[8];
  cJSON *root;
  jfield_describe(value("{\"v\": \"long enough to be cut\"}", &root), small, sizeof small);
  cJSON_Delete(root);
  assert_true(strlen(small) < sizeof small);
}

static void test_bad_says_what_and_what_was_found(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *root;
  const cJSON *v = value("{\"v\": 1.5}", &root);
  assert_int_equal(jfield_bad(&e, "keyring.json", "version", "a whole number", v), KERR_MANIFEST);
  assert_int_equal(e.code, KERR_MANIFEST);
  assert_string_equal(e.msg, "keyring.json: \"version\" must be a whole number (found 1.5)");
  assert_int_equal(jfield_bad(&e, "pack.json", "created", "a date", NULL), KERR_MANIFEST);
  assert_string_equal(e.msg, "pack.json: \"created\" must be a date (found nothing)");
  cJSON_Delete(root);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_uint_in_range),
    cmocka_unit_test(test_uint_refuses_fractions_negatives_and_other_types),
    cmocka_unit_test(test_uint_up_to_2_pow_53),
    cmocka_unit_test(test_describe_each_kind),
    cmocka_unit_test(test_describe_escapes_and_cuts_strings),
    cmocka_unit_test(test_bad_says_what_and_what_was_found),
};

KTEST_MAIN(tests)
