/* Unit tests for core/manifest: a good manifest in both modes, then each kind
 * of bad field and every class of bad member path, each its own test. The
 * good manifest is built with cJSON and each test breaks one thing. */
#include "ktest.h"

#include "core/manifest.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define H64 "324dcf027dd4a30a932c441f365a25e86b173defa4b8e58948253471b81b72cf"

static const char *good_text =
    "{\"format\": 1,\n"
    " \"id\": \"bulletin-2020-07\",\n"
    " \"version\": 12,\n"
    " \"title\": {\"en\": \"Bulletin \xe2\x80\x94 July 2020\", "
    "\"ru\": \"\xd0\x91\xd1\x8e\xd0\xbb\xd0\xbb\xd0\xb5\xd1\x82\xd0\xb5\xd0\xbd\xd1\x8c\"},\n"
    " \"created\": \"2020-07-10T00:00:00Z\",\n"
    " \"valid_from\": \"2020-07-10T05:00:00+05:00\",\n"
    " \"expires\": \"2020-08-10T00:00:00Z\",\n"
    " \"countries\": [\"KZ\", \"KG\"],\n"
    " \"languages\": [\"ru\", \"en\"],\n"
    " \"accent\": \"#0a6ebd\",\n"
    " \"pages\": [\"01-returning-home\"],\n"
    " \"files\": [\n"
    "  {\"path\": \"pages/01-returning-home.ru.md\", \"size\": 5, \"blake2b\": \"" H64 "\"},\n"
    "  {\"path\": \"pages/01-returning-home.en.md\", \"size\": 1234, \"blake2b\": \"" H64 "\"},\n"
    "  {\"path\": \"media/map.png\", \"size\": 100, \"blake2b\": \"" H64 "\"}\n"
    " ]}\n";

static cJSON *good_json(void)
{
  cJSON *j = cJSON_Parse(good_text);
  assert_non_null(j);
  return j;
}

/* Parses j (consumed) in mode flags; returns the code, message in e. */
static int parse_json(cJSON *j, int flags, struct kerr *e)
{
  char *text = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  assert_non_null(text);
  struct manifest *m = NULL;
  kerr_clear(e);
  int rc = manifest_parse(text, strlen(text), flags, &m, e);
  if (rc == 0)
    assert_non_null(m);
  else
    assert_null(m);
  manifest_free(m);
  cJSON_free(text);
  return rc;
}

static int parse_text(const char *text, int flags, struct kerr *e)
{
  struct manifest *m = NULL;
  kerr_clear(e);
  int rc = manifest_parse(text, strlen(text), flags, &m, e);
  manifest_free(m);
  return rc;
}

static void set(cJSON *j, const char *key, cJSON *v)
{
  if (cJSON_GetObjectItemCaseSensitive(j, key))
    cJSON_ReplaceItemInObjectCaseSensitive(j, key, v);
  else
    cJSON_AddItemToObject(j, key, v);
}

static void expect_msg(const struct kerr *e, const char *part)
{
  if (!strstr(e->msg, part)) {
    print_error("message \"%s\" lacks \"%s\"\n", e->msg, part);
    fail();
  }
}

/* Adds a file entry to j. */
static void add_file(cJSON *j, const char *path, double size, const char *h)
{
  cJSON *f = cJSON_CreateObject();
  cJSON_AddStringToObject(f, "path", path);
  cJSON_AddNumberToObject(f, "size", size);
  cJSON_AddStringToObject(f, "blake2b", h);
  cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(j, "files"), f);
}

/* ------------------------------------------------------------ good ones */

static void test_good_pack(void **state)
{
  (void)state;
  struct manifest *m = NULL;
  struct kerr e;
  assert_int_equal(manifest_parse(good_text, strlen(good_text), MANIFEST_PACK, &m, &e), 0);
  assert_int_equal(m->format, 1);
  assert_string_equal(m->id, "bulletin-2020-07");
  assert_int_equal(m->version, 12);
  assert_int_equal(m->created, 1594339200);
  assert_true(m->has_valid_from);
  assert_int_equal(m->valid_from, 1594339200);
  assert_true(m->has_expires);
  assert_int_equal(m->expires, 1594339200 + 31 * 86400);
  assert_int_equal(m->n_countries, 2);
  assert_string_equal(m->countries[0], "KZ");
  assert_string_equal(m->countries[1], "KG");
  assert_int_equal(m->n_languages, 2);
  assert_string_equal(m->languages[0], "ru");
  assert_true(m->has_accent);
  assert_int_equal(m->accent, 0x0a6ebd);
  assert_int_equal(m->n_pages, 1);
  assert_string_equal(m->pages[0], "01-returning-home");
  assert_int_equal(m->n_files, 3);
  assert_int_equal(m->total_bytes, 5 + 1234 + 100);
  assert_string_equal(m->files[2].path, "media/map.png");
  assert_int_equal(m->files[0].blake2b[0], 0x32);
  assert_int_equal(m->files[0].blake2b[31], 0xcf);
  assert_int_equal(m->raw_len, strlen(good_text));
  assert_memory_equal(m->raw, good_text, m->raw_len);

  assert_string_equal(manifest_title(m, "ru"),
                      "\xd0\x91\xd1\x8e\xd0\xbb\xd0\xbb\xd0\xb5\xd1\x82\xd0\xb5\xd0\xbd\xd1\x8c");
  assert_string_equal(manifest_title(m, "en"), "Bulletin \xe2\x80\x94 July 2020");
  assert_string_equal(manifest_title(m, "ky"), "Bulletin \xe2\x80\x94 July 2020");
  assert_string_equal(manifest_title(m, NULL), "Bulletin \xe2\x80\x94 July 2020");

  const struct manifest_file *f = manifest_find_file(m, "media/map.png");
  assert_non_null(f);
  assert_int_equal(f - m->files, 2);
  assert_int_equal(f->size, 100);
  assert_null(manifest_find_file(m, "media/MAP.png"));
  assert_null(manifest_find_file(m, "pages/nope.md"));
  manifest_free(m);
}

static void test_good_source(void **state)
{
  (void)state;
  cJSON *j = good_json();
  cJSON_DeleteItemFromObject(j, "format");
  cJSON_DeleteItemFromObject(j, "files");
  cJSON_DeleteItemFromObject(j, "countries");
  cJSON_DeleteItemFromObject(j, "accent");
  cJSON_DeleteItemFromObject(j, "expires");
  set(j, "title", cJSON_CreateString("Hotlines"));
  char *text = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  struct manifest *m = NULL;
  struct kerr e;
  assert_int_equal(manifest_parse(text, strlen(text), MANIFEST_SOURCE, &m, &e), 0);
  assert_int_equal(m->format, 0);
  assert_int_equal(m->n_files, 0);
  assert_int_equal(m->n_countries, 0);
  assert_false(m->has_accent);
  assert_false(m->has_expires);
  assert_string_equal(manifest_title(m, "ru"), "Hotlines");
  assert_null(manifest_find_file(m, "pages/01-returning-home.ru.md"));
  manifest_free(m);
  /* The same source is not a signed pack. */
  assert_int_equal(manifest_parse(text, strlen(text), MANIFEST_PACK, &m, &e), KERR_FORMAT);
  expect_msg(&e, "\"format\" must be 1");
  cJSON_free(text);
}

static void test_bom_and_unknown_keys_accepted(void **state)
{
  (void)state;
  cJSON *j = good_json();
  cJSON_AddStringToObject(j, "description", "added by a newer builder");
  char *text = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  char *bom = malloc(strlen(text) + 4);
  memcpy(bom, "\xEF\xBB\xBF", 3);
  strcpy(bom + 3, text);
  struct kerr e;
  assert_int_equal(parse_text(bom, MANIFEST_PACK, &e), 0);
  free(bom);
  cJSON_free(text);
}

static void test_time_parse(void **state)
{
  (void)state;
  int64_t t;
  assert_int_equal(manifest_parse_time("2020-07-10T00:00:00Z", &t), 0);
  assert_int_equal(t, 1594339200);
  assert_int_equal(manifest_parse_time("2020-07-10T00:00:00+05:00", &t), 0);
  assert_int_equal(t, 1594321200);
  assert_int_equal(manifest_parse_time("2020-07-09T19:00:00-00:00", &t), 0);
  assert_int_equal(t, 1594321200);
  assert_int_equal(manifest_parse_time("2020-07-10t00:00:00.123z", &t), 0);
  assert_int_equal(t, 1594339200);
  assert_int_equal(manifest_parse_time("1970-01-01T00:00:00Z", &t), 0);
  assert_int_equal(t, 0);
  assert_int_equal(manifest_parse_time("2000-02-29T23:59:59Z", &t), 0);
  assert_int_equal(t, 951868799);
  assert_int_equal(manifest_parse_time("2001-02-29T00:00:00Z", &t), KERR_PARSE);
  assert_int_equal(manifest_parse_time("2020-13-01T00:00:00Z", &t), KERR_PARSE);
  assert_int_equal(manifest_parse_time("2020-07-10 00:00:00Z", &t), KERR_PARSE);
  assert_int_equal(manifest_parse_time("2020-07-10T00:00:00", &t), KERR_PARSE);
  assert_int_equal(manifest_parse_time("2020-07-10T00:00:00+0500", &t), KERR_PARSE);
  assert_int_equal(manifest_parse_time("2020-07-10T24:00:00Z", &t), KERR_PARSE);
  assert_int_equal(manifest_parse_time("2020-07-10", &t), KERR_PARSE);
  assert_int_equal(manifest_parse_time("", &t), KERR_PARSE);
}

/* --------------------------------------------------------- JSON itself */

static void test_not_json(void **state)
{
  (void)state;
  struct kerr e;
  assert_int_equal(parse_text("{\"id\": \"x\",\n \"version\" 1}", 0, &e), KERR_PARSE);
  expect_msg(&e, "pack.json: is not valid JSON (problem near line 2");
  assert_int_equal(parse_text("", 0, &e), KERR_PARSE);
  assert_int_equal(parse_text("[1, 2]", 0, &e), KERR_MANIFEST);
  expect_msg(&e, "must be a JSON object");
}

static void test_trailing_text(void **state)
{
  (void)state;
  struct kerr e;
  char *t = malloc(strlen(good_text) + 8);
  sprintf(t, "%s{}", good_text);
  assert_int_equal(parse_text(t, 0, &e), KERR_PARSE);
  expect_msg(&e, "extra text after");
  free(t);
}

static void test_too_big(void **state)
{
  (void)state;
  size_t n = MANIFEST_MAX_BYTES + 1;
  char *big = malloc(n);
  memset(big, ' ', n);
  big[0] = '{';
  big[n - 1] = '}';
  struct manifest *m = NULL;
  struct kerr e;
  assert_int_equal(manifest_parse(big, n, 0, &m, &e), KERR_TOOBIG);
  assert_null(m);
  expect_msg(&e, "at most 1048576 bytes");
  free(big);
}

static void test_nul_and_bad_utf8(void **state)
{
  (void)state;
  struct manifest *m = NULL;
  struct kerr e;
  assert_int_equal(manifest_parse("{\"id\":\"a\0b\"}", 12, 0, &m, &e), KERR_PARSE);
  expect_msg(&e, "NUL byte");
  assert_int_equal(parse_text("{\"id\": \"a\\u0000b\"}", 0, &e), KERR_PARSE);
  expect_msg(&e, "\\u0000");
  assert_int_equal(parse_text("{\"id\": \"caf\xe9\"}", 0, &e), KERR_PARSE);
  expect_msg(&e, "not valid UTF-8");
  /* An escaped backslash before u0000 is plain text, not a NUL. */
  cJSON *j = good_json();
  set(j, "title", cJSON_CreateString("a\\u0000b"));
  assert_int_equal(parse_json(j, 0, &e), 0);
}

static void test_duplicate_key(void **state)
{
  (void)state;
  struct kerr e;
  char *t = malloc(strlen(good_text) + 32);
  sprintf(t, "{\"version\": 13, %s", good_text + 1);
  assert_int_equal(parse_text(t, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "has the key \"version\" twice");
  free(t);
}

/* ------------------------------------------------------- bad fields */

static void test_bad_format(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  cJSON_DeleteItemFromObject(j, "format");
  assert_int_equal(parse_json(j, 0, &e), KERR_FORMAT);
  expect_msg(&e,
             "\"format\" must be 1, the pack format this kiosk reads "
             "(found nothing)");
  j = good_json();
  set(j, "format", cJSON_CreateNumber(2));
  assert_int_equal(parse_json(j, 0, &e), KERR_FORMAT);
  expect_msg(&e, "(found 2); this pack needs newer kiosk software");
  j = good_json();
  set(j, "format", cJSON_CreateNumber(2));
  assert_int_equal(parse_json(j, MANIFEST_SOURCE, &e), KERR_FORMAT);
}

static void test_bad_id(void **state)
{
  (void)state;
  static const char *bad[] = {"Bulletin",
                              "-bulletin",
                              "",
                              "bul letin",
                              "bul_letin",
                              "bulletin/../x",
                              "a234567890123456789012345678901234567890123456789012345678901234x"};
  struct kerr e;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    cJSON *j = good_json();
    set(j, "id", cJSON_CreateString(bad[i]));
    assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
    expect_msg(&e, "pack.json: \"id\" must be 1 to 64 lowercase letters");
  }
  cJSON *j = good_json();
  cJSON_DeleteItemFromObject(j, "id");
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "(found nothing)");
  assert_true(manifest_id_ok("a"));
  assert_true(manifest_id_ok("0-a-"));
  assert_true(manifest_id_ok("a23456789012345678901234567890123456789012345678901234567890123x"));
}

static void test_bad_version(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  set(j, "version", cJSON_CreateString("12"));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  assert_string_equal(e.msg,
                      "pack.json: \"version\" must be a whole number "
                      "from 1 to 9007199254740991 (found \"12\")");
  double bad[] = {0, -1, 1.5, 1e300};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    j = good_json();
    set(j, "version", cJSON_CreateNumber(bad[i]));
    assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
    expect_msg(&e,
               "\"version\" must be a whole number from 1 to "
               "9007199254740991");
  }
  /* Around 2^53, as text: cJSON's printer would round these. */
  static const struct {
    const char *text;
    int rc;
  } edge[] = {
      {"9007199254740991", 0},
      {"9007199254740992", KERR_MANIFEST},
      {"9007199254740993", KERR_MANIFEST},
      {"18446744073709551617", KERR_MANIFEST},
      {"1.0000000001", KERR_MANIFEST},
  };
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
    j = good_json();
    set(j, "version", cJSON_CreateNumber(424242));
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    char *at = strstr(text, "424242");
    assert_non_null(at);
    char buf[4096];
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - text), text, edge[i].text, at + 6);
    cJSON_free(text);
    struct manifest *m = NULL;
    kerr_clear(&e);
    int rc = manifest_parse(buf, strlen(buf), 0, &m, &e);
    if (rc != edge[i].rc)
      fprintf(stderr, "version %s: %d %s\n", edge[i].text, rc, e.msg);
    assert_int_equal(rc, edge[i].rc);
    if (rc == 0)
      assert_int_equal(m->version, UINT64_C(9007199254740991));
    manifest_free(m);
  }
}

static void test_bad_title(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  set(j, "title", cJSON_CreateObject());
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"title\" must be a text, or an object of language");

  j = good_json();
  cJSON *t = cJSON_CreateObject();
  cJSON_AddStringToObject(t, "English", "x");
  set(j, "title", t);
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e,
             "\"title\" has the key \"English\", which is not a "
             "language tag");

  j = good_json();
  t = cJSON_CreateObject();
  cJSON_AddNumberToObject(t, "en", 3);
  set(j, "title", t);
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"title\".\"en\" must be a non-empty text");

  j = good_json();
  set(j, "title", cJSON_CreateString(""));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);

  j = good_json();
  set(j, "title", cJSON_CreateString("line\nbreak"));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "without control characters");

  j = good_json();
  cJSON_DeleteItemFromObject(j, "title");
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
}

static void test_bad_created(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  cJSON_DeleteItemFromObject(j, "created");
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e,
             "pack.json: \"created\" must be a date and time like "
             "\"2020-07-10T00:00:00Z\"");
  expect_msg(&e, "(found nothing)");
  j = good_json();
  set(j, "created", cJSON_CreateString("10/07/2020"));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "(found \"10/07/2020\")");
  j = good_json();
  set(j, "created", cJSON_CreateNumber(1594339200));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
}

static void test_bad_validity(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  set(j, "expires", cJSON_CreateString("2020-02-30T00:00:00Z"));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"expires\" must be a date and time");
  j = good_json();
  set(j, "valid_from", cJSON_CreateString("tomorrow"));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"valid_from\" must be a date and time");
  j = good_json();
  set(j, "expires", cJSON_CreateString("2020-07-01T00:00:00Z"));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"expires\" must be later than \"valid_from\"");
}

static void test_bad_countries(void **state)
{
  (void)state;
  struct kerr e;
  const char *bad[][2] = {{"kz", NULL}, {"KAZ", NULL}, {"K1", NULL}, {"KZ", "KZ"}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    cJSON *j = good_json();
    cJSON *a = cJSON_CreateArray();
    for (int k = 0; k < 2 && bad[i][k]; k++)
      cJSON_AddItemToArray(a, cJSON_CreateString(bad[i][k]));
    set(j, "countries", a);
    assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
    expect_msg(&e, "\"countries\"");
  }
  cJSON *j = good_json();
  set(j, "countries", cJSON_CreateArray());
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  j = good_json();
  set(j, "countries", cJSON_CreateString("KZ"));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"countries\" must be a list of two-letter country codes");
}

static void test_bad_languages(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  set(j, "languages", cJSON_CreateArray());
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"languages\" must be language tags");
  static const char *bad[] = {"EN", "e", "english", "en_US", "en-", "en-x", "en-abcdefghi"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    j = good_json();
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateString(bad[i]));
    set(j, "languages", a);
    assert_int_equal(parse_json(j, MANIFEST_SOURCE, &e), KERR_MANIFEST);
    expect_msg(&e, "\"languages\" must list language tags");
  }
  j = good_json();
  cJSON_AddItemToArray(cJSON_GetObjectItem(j, "languages"), cJSON_CreateString("ru"));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"languages\" lists \"ru\" twice");
  assert_true(manifest_lang_ok("pt-BR"));
  assert_true(manifest_lang_ok("zh-Hant-TW"));
  assert_true(manifest_lang_ok("ckb"));
}

static void test_bad_accent(void **state)
{
  (void)state;
  struct kerr e;
  static const char *bad[] = {"0a6ebd", "#0a6eb", "#0a6ebdd", "#0g6ebd", "blue"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    cJSON *j = good_json();
    set(j, "accent", cJSON_CreateString(bad[i]));
    assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
    expect_msg(&e, "\"accent\" must be a colour like \"#0a6ebd\"");
  }
  cJSON *j = good_json();
  set(j, "accent", cJSON_CreateString("#06B"));
  char *text = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  struct manifest *m;
  assert_int_equal(manifest_parse(text, strlen(text), 0, &m, &e), 0);
  assert_int_equal(m->accent, 0x0066bb);
  manifest_free(m);
  cJSON_free(text);
}

static void test_bad_pages(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  set(j, "pages", cJSON_CreateArray());
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"pages\" must be page names");
  static const char *bad[] = {"01/intro", "../x", "Intro", "-x", "a.b", ""};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    j = good_json();
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateString(bad[i]));
    set(j, "pages", a);
    assert_int_equal(parse_json(j, MANIFEST_SOURCE, &e), KERR_MANIFEST);
    expect_msg(&e, "\"pages\" must list page names");
  }
  j = good_json();
  cJSON_AddItemToArray(cJSON_GetObjectItem(j, "pages"), cJSON_CreateString("01-returning-home"));
  assert_int_equal(parse_json(j, MANIFEST_SOURCE, &e), KERR_MANIFEST);
  expect_msg(&e, "twice");
}

static void test_too_many_pages(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; i <= MANIFEST_MAX_PAGES; i++) {
    char name[16];
    snprintf(name, sizeof name, "p%d", i);
    cJSON_AddItemToArray(a, cJSON_CreateString(name));
  }
  set(j, "pages", a);
  assert_int_equal(parse_json(j, MANIFEST_SOURCE, &e), KERR_LIMIT);
  expect_msg(&e, "\"pages\" lists 501 entries; at most 500");
}

static void test_missing_page_file(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  cJSON_AddItemToArray(cJSON_GetObjectItem(j, "pages"), cJSON_CreateString("02-covid"));
  add_file(j, "pages/02-covid.ru.md", 1, H64);
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  assert_string_equal(e.msg,
                      "pack.json: page \"02-covid\" in language "
                      "\"en\" needs the file \"pages/02-covid.en.md\", but "
                      "\"files\" does not list it");
}

static void test_files_required(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  cJSON_DeleteItemFromObject(j, "files");
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"files\" must be a list of");
}

static void test_bad_file_size(void **state)
{
  (void)state;
  struct kerr e;
  double bad[] = {-1, 1.5, 5e9};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    cJSON *j = good_json();
    add_file(j, "media/x.png", bad[i], H64);
    assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
    expect_msg(&e,
               "\"files\" entry \"media/x.png\": \"size\" must be a "
               "whole number of bytes");
  }
  cJSON *j = good_json();
  cJSON_AddItemToArray(cJSON_GetObjectItem(j, "files"), cJSON_CreateString("x"));
  assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
  expect_msg(&e, "\"files\" entry 4 must be an object");
}

static void test_bad_file_hash(void **state)
{
  (void)state;
  struct kerr e;
  static const char *bad[] = {"324DCF027DD4A30A932C441F365A25E86B173DEFA4B8E58948253471B81B72CF",
                              "324dcf027dd4a30a932c441f365a25e86b173defa4b8e58948253471b81b72",
                              "324dcf027dd4a30a932c441f365a25e86b173defa4b8e58948253471b81b72cf00",
                              "g24dcf027dd4a30a932c441f365a25e86b173defa4b8e58948253471b81b72cf"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    cJSON *j = good_json();
    add_file(j, "media/x.png", 1, bad[i]);
    assert_int_equal(parse_json(j, 0, &e), KERR_MANIFEST);
    expect_msg(&e, "\"blake2b\" must be 64 lowercase hex digits");
  }
}

static void test_too_many_files(void **state)
{
  (void)state;
  struct kerr e;
  /* 10,001 real entries would not fit in 1 MiB of JSON; the count is
   * checked before the entries, so placeholders show the limit. */
  cJSON *j = good_json();
  cJSON *files = cJSON_CreateArray();
  for (int i = 0; i <= MANIFEST_MAX_FILES; i++)
    cJSON_AddItemToArray(files, cJSON_CreateNumber(0));
  set(j, "files", files);
  assert_int_equal(parse_json(j, 0, &e), KERR_LIMIT);
  expect_msg(&e, "\"files\" lists 10001 files; at most 10000");
}

static void test_too_many_bytes(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  add_file(j, "media/a.bin", 3.0 * 1024 * 1024 * 1024, H64);
  add_file(j, "media/b.bin", 1.0 * 1024 * 1024 * 1024, H64);
  assert_int_equal(parse_json(j, 0, &e), KERR_LIMIT);
  expect_msg(&e, "more than 4 GiB");
}

/* ------------------------------------------------------- member paths */

static void expect_path_bad(const char *path, const char *why)
{
  struct kerr e;
  kerr_clear(&e);
  assert_int_equal(manifest_path_ok(path, &e), KERR_PATH);
  expect_msg(&e, why);
  /* The same path in a manifest is refused with the same reason. */
  cJSON *j = good_json();
  add_file(j, path, 1, H64);
  assert_int_equal(parse_json(j, 0, &e), KERR_PATH);
  expect_msg(&e, "pack.json: \"files\" entry 4: ");
  expect_msg(&e, why);
}

static void test_path_good(void **state)
{
  (void)state;
  static const char *good[] = {"pages/a.md",         "media/sub/dir/x.png", "fonts/NotoSans.ttf",
                               "media/\xd0\xba.png", "media/..x",           "media/x..",
                               "media/.hidden"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    struct kerr e;
    assert_int_equal(manifest_path_ok(good[i], &e), 0);
  }
}

static void test_path_absolute(void **state)
{
  (void)state;
  expect_path_bad("/pages/a.md", "is absolute");
  expect_path_bad("/etc/passwd", "is absolute");
}

static void test_path_dotdot(void **state)
{
  (void)state;
  expect_path_bad("pages/../../etc/passwd", "contains \"..\"");
  expect_path_bad("media/x/..", "contains \"..\"");
}

static void test_path_dot(void **state)
{
  (void)state;
  expect_path_bad("pages/./a.md", "contains a \".\" component");
  expect_path_bad("media/.", "contains a \".\" component");
}

static void test_path_empty_component(void **state)
{
  (void)state;
  expect_path_bad("pages//a.md", "empty folder name");
  expect_path_bad("media/x/", "empty folder name");
  struct kerr e;
  assert_int_equal(manifest_path_ok("", &e), KERR_PATH);
}

static void test_path_control_char(void **state)
{
  (void)state;
  expect_path_bad("pages/a\tb.md", "control character");
  expect_path_bad("pages/a\x1b[31m.md", "control character");
  expect_path_bad("pages/a\x7f.md", "control character");
  expect_path_bad("pages/a\xc2\x85.md", "control character");
}

static void test_path_backslash(void **state)
{
  (void)state;
  expect_path_bad("pages\\a.md", "backslash");
  expect_path_bad("pages/..\\..\\a.md", "backslash");
}

static void test_path_too_long(void **state)
{
  (void)state;
  char p[260];
  strcpy(p, "media/");
  memset(p + 6, 'a', 195);
  p[201] = '\0'; /* 201 bytes */
  expect_path_bad(p, "is too long (201 bytes; at most 200)");
  p[200] = '\0'; /* 200 bytes is fine */
  struct kerr e;
  assert_int_equal(manifest_path_ok(p, &e), 0);
}

static void test_path_outside_roots(void **state)
{
  (void)state;
  expect_path_bad("pack.json", "is not under pages/, media/ or fonts/");
  expect_path_bad("Pages/a.md", "is not under pages/, media/ or fonts/");
  expect_path_bad("scripts/run.sh", "is not under pages/, media/ or fonts/");
  expect_path_bad("pagesx/a.md", "is not under");
}

static void test_path_folder_only(void **state)
{
  (void)state;
  expect_path_bad("pages/", "empty folder name");
  expect_path_bad("media", "names a folder, not a file");
}

static void test_path_bad_utf8(void **state)
{
  (void)state;
  struct kerr e;
  assert_int_equal(manifest_path_ok("media/\xff.png", &e), KERR_PATH);
  expect_msg(&e, "not valid UTF-8");
  assert_int_equal(manifest_path_ok("media/\xc0\xaf.png", &e), KERR_PATH);
  assert_int_equal(manifest_path_ok("media/\xed\xa0\x80.png", &e), KERR_PATH);
}

static void test_path_exact_duplicate(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  add_file(j, "media/map.png", 1, H64);
  assert_int_equal(parse_json(j, 0, &e), KERR_PATH);
  assert_string_equal(e.msg,
                      "pack.json: \"files\" lists \"media/map.png\" "
                      "twice");
}

static void test_path_case_duplicate(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  add_file(j, "media/Map.PNG", 1, H64);
  assert_int_equal(parse_json(j, 0, &e), KERR_PATH);
  expect_msg(&e, "differ only in upper/lower case");
  expect_msg(&e, "\"media/map.png\"");
  expect_msg(&e, "\"media/Map.PNG\"");
  /* Cyrillic: "карта" and "КАРТА". */
  j = good_json();
  add_file(j, "media/\xd0\xba\xd0\xb0\xd1\x80\xd1\x82\xd0\xb0.png", 1, H64);
  add_file(j, "media/\xd0\x9a\xd0\x90\xd0\xa0\xd0\xa2\xd0\x90.png", 1, H64);
  assert_int_equal(parse_json(j, 0, &e), KERR_PATH);
  expect_msg(&e, "differ only in upper/lower case");
  /* Latin-1: "é" and "É". */
  j = good_json();
  add_file(j, "media/\xc3\xa9.png", 1, H64);
  add_file(j, "media/\xc3\x89.png", 1, H64);
  assert_int_equal(parse_json(j, 0, &e), KERR_PATH);
  /* Different names are fine. */
  j = good_json();
  add_file(j, "media/map2.png", 1, H64);
  assert_int_equal(parse_json(j, 0, &e), 0);
}

static void test_path_file_and_folder(void **state)
{
  (void)state;
  struct kerr e;
  cJSON *j = good_json();
  add_file(j, "media/map.png/inner.png", 1, H64);
  assert_int_equal(parse_json(j, 0, &e), KERR_PATH);
  assert_string_equal(e.msg,
                      "pack.json: \"files\" lists \"media/map.png\" "
                      "as a file, but \"media/map.png/inner.png\" needs it "
                      "to be a folder");
  j = good_json();
  add_file(j, "media/MAP.png/inner.png", 1, H64);
  assert_int_equal(parse_json(j, 0, &e), KERR_PATH);
  expect_msg(&e, "needs it to be a folder");
}

int main(int argc, char **argv);
static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_good_pack),
    cmocka_unit_test(test_good_source),
    cmocka_unit_test(test_bom_and_unknown_keys_accepted),
    cmocka_unit_test(test_time_parse),
    cmocka_unit_test(test_not_json),
    cmocka_unit_test(test_trailing_text),
    cmocka_unit_test(test_too_big),
    cmocka_unit_test(test_nul_and_bad_utf8),
    cmocka_unit_test(test_duplicate_key),
    cmocka_unit_test(test_bad_format),
    cmocka_unit_test(test_bad_id),
    cmocka_unit_test(test_bad_version),
    cmocka_unit_test(test_bad_title),
    cmocka_unit_test(test_bad_created),
    cmocka_unit_test(test_bad_validity),
    cmocka_unit_test(test_bad_countries),
    cmocka_unit_test(test_bad_languages),
    cmocka_unit_test(test_bad_accent),
    cmocka_unit_test(test_bad_pages),
    cmocka_unit_test(test_too_many_pages),
    cmocka_unit_test(test_missing_page_file),
    cmocka_unit_test(test_files_required),
    cmocka_unit_test(test_bad_file_size),
    cmocka_unit_test(test_bad_file_hash),
    cmocka_unit_test(test_too_many_files),
    cmocka_unit_test(test_too_many_bytes),
    cmocka_unit_test(test_path_good),
    cmocka_unit_test(test_path_absolute),
    cmocka_unit_test(test_path_dotdot),
    cmocka_unit_test(test_path_dot),
    cmocka_unit_test(test_path_empty_component),
    cmocka_unit_test(test_path_control_char),
    cmocka_unit_test(test_path_backslash),
    cmocka_unit_test(test_path_too_long),
    cmocka_unit_test(test_path_outside_roots),
    cmocka_unit_test(test_path_folder_only),
    cmocka_unit_test(test_path_bad_utf8),
    cmocka_unit_test(test_path_exact_duplicate),
    cmocka_unit_test(test_path_case_duplicate),
    cmocka_unit_test(test_path_file_and_folder),
};

KTEST_MAIN(tests)
