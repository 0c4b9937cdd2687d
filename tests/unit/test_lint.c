/* Unit tests for tools/kiosk-pack/lint: screen sizes, the reading-time
 * estimate, the pack id `new` makes from a folder name, and lint_source()
 * on small sources written by the tests (clean, a missing translation, an
 * expiry judged against a given time, the build gate). The messages
 * themselves are checked word for word by tests/e2e/test_content_tools.sh. */
#include "ktest.h"

#include "core/page.h"
#include "kiosk-pack/cmd_new.h"
#include "kiosk-pack/lint.h"
#include "ktmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void put(const char *rel, const char *text)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  char *slash = strrchr(path, '/');
  *slash = '\0';
  mkdir(path, 0755);
  *slash = '/';
  ktmp_write_text(path, text);
}

/* A clean two-language source; expires is NULL or an RFC 3339 time. */
static void make_source(const char *expires)
{
  ktmp_mkdtemp(dir, sizeof dir, "lint");
  char json[1024];
  snprintf(json, sizeof json,
           "{\"id\": \"t\", \"version\": 1, \"title\": \"T\",\n"
           " \"created\": \"2020-01-01T00:00:00Z\",%s%s%s\n"
           " \"languages\": [\"en\", \"ru\"], \"pages\": [\"p\"]}\n",
           expires ? "\n \"expires\": \"" : "", expires ? expires : "", expires ? "\"," : "");
  put("pack.json", json);
  put("pages/p.en.md", "---\nduration: 10\n---\n# Hello\n\nShort.\n");
  put("pages/p.ru.md", "---\nduration: 10\n---\n# Привет\n\nКоротко.\n");
}

static void remove_source(void)
{
  ktmp_remove(dir);
}

static void test_parse_sizes(void **state)
{
  (void)state;
  struct lint_size *v;
  size_t n;
  struct kerr e;
  assert_int_equal(lint_parse_sizes("1920x1080,800x480", &v, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_int_equal(v[0].w, 1920);
  assert_int_equal(v[1].h, 480);
  free(v);
  assert_int_equal(lint_parse_sizes("1920x1080,", &v, &n, &e), KERR_USAGE);
  assert_int_equal(lint_parse_sizes("100x100", &v, &n, &e), KERR_USAGE);
  assert_int_equal(lint_parse_sizes("1920x1080x2", &v, &n, &e), KERR_USAGE);
  assert_non_null(strstr(e.msg, "'1920x1080x2'"));
}

static void test_reading_seconds(void **state)
{
  (void)state;
  assert_int_equal(lint_reading_seconds(0), LINT_NOTICE_S);
  assert_int_equal(lint_reading_seconds(3), LINT_NOTICE_S + 1);
  assert_int_equal(lint_reading_seconds(34), LINT_NOTICE_S + 12);
}

static void test_count_words(void **state)
{
  (void)state;
  static const char md[] = "# Two words\n\nOne — two, *three*.\n\n"
                           "```stats\n470 | Умерли\n```\n\n![A caption](media/x.png)\n";
  struct page *p;
  struct kerr e;
  assert_int_equal(page_parse(md, sizeof md - 1, "pages/x.en.md", &p, &e), 0);
  /* The dash is not a word; the number and its label are. */
  assert_int_equal(lint_count_words(p), 2 + 3 + 2 + 2);
  page_free(p);
}

static void test_id_from_folder_name(void **state)
{
  (void)state;
  char id[80];
  assert_int_equal(cmd_new_id_from_name("My_Example", id, sizeof id), 0);
  assert_string_equal(id, "my-example");
  assert_int_equal(cmd_new_id_from_name("/a/b/Bulletin 2026-12/", id, sizeof id), 0);
  assert_string_equal(id, "bulletin-2026-12");
  assert_int_equal(cmd_new_id_from_name("__", id, sizeof id), -1);
}

static void test_clean_source(void **state)
{
  (void)state;
  make_source(NULL);
  struct lint_report r;
  struct kerr e;
  assert_int_equal(lint_source(dir, NULL, &r, &e), 0);
  for (size_t i = 0; i < r.n; i++)
    fprintf(stderr, "%s:%d: %s\n", r.v[i].file, r.v[i].line, r.v[i].msg);
  assert_int_equal(r.n, 0);
  lint_report_free(&r);
  assert_int_equal(lint_gate(dir, 1, &e), 0);
  remove_source();
}

static void test_missing_translation(void **state)
{
  (void)state;
  make_source(NULL);
  char path[512];
  snprintf(path, sizeof path, "%s/pages/p.ru.md", dir);
  assert_int_equal(unlink(path), 0);
  struct lint_report r;
  struct kerr e;
  assert_int_equal(lint_source(dir, NULL, &r, &e), 0);
  assert_int_equal(r.n_errors, 1);
  assert_int_equal(r.v[0].severity, LINT_ERROR);
  assert_string_equal(r.v[0].file, path);
  assert_int_equal(r.v[0].line, 0);
  assert_non_null(strstr(r.v[0].msg, "no \"ru\" translation"));
  char sum[64];
  lint_summary(&r, sum, sizeof sum);
  assert_string_equal(sum, "1 error, 0 warnings");
  lint_report_free(&r);
  /* The build gate refuses it. */
  assert_int_equal(lint_gate(dir, 1, &e), KERR_PAGE);
  assert_non_null(strstr(e.msg, "lint found 1 error"));
  remove_source();
}

static void test_expiry_against_given_time(void **state)
{
  (void)state;
  make_source("2030-01-01T00:00:00Z");
  struct lint_opts o = {NULL, 0, 1893456000 /* 2030-01-01 */ + 1, NULL};
  struct lint_report r;
  struct kerr e;
  assert_int_equal(lint_source(dir, &o, &r, &e), 0);
  assert_int_equal(r.n_errors, 1);
  assert_int_equal(r.v[0].line, 3);
  assert_non_null(strstr(r.v[0].msg, "expired on 2030-01-01 00:00 UTC"));
  lint_report_free(&r);
  o.now = 1893456000 - 86400;
  assert_int_equal(lint_source(dir, &o, &r, &e), 0);
  assert_int_equal(r.n, 0);
  lint_report_free(&r);
  remove_source();
}

static void test_not_a_folder(void **state)
{
  (void)state;
  struct lint_report r;
  struct kerr e;
  assert_int_equal(lint_source("/nonexistent-lint-source", NULL, &r, &e), KERR_NOENT);
  assert_int_equal(r.n, 0);
}

/* A page mostly in another script than its language's is most likely in
 * the wrong file: a warning at its first line in that script, naming the
 * pack's language written in that script when there is one. A page that
 * only quotes another language is fine. */
static void test_text_in_another_script(void **state)
{
  (void)state;
  make_source(NULL);
  /* Dari: "Before you leave" and "Leave copies of your passport and
   * contract with your family." */
  put("pages/p.ru.md",
      "---\nduration: 10\n---\n# \xD9\xBE\xDB\x8C\xD8\xB4 \xD8\xA7\xD8\xB2 "
      "\xD8\xB3\xD9\x81\xD8\xB1\n\n\xDA\xA9\xD8\xA7\xD9\xBE\xDB\x8C \xD9\xBE\xD8\xA7\xD8\xB3"
      "\xD9\xBE\xD9\x88\xD8\xB1\xD8\xAA \xD9\x88 \xD9\x82\xD8\xB1\xD8\xA7\xD8\xB1\xD8\xAF\xD8"
      "\xA7\xD8\xAF \xD8\xB1\xD8\xA7 \xD9\x86\xD8\xB2\xD8\xAF \xD8\xAE\xD8\xA7\xD9\x86\xD9\x88"
      "\xD8\xA7\xD8\xAF\xD9\x87\xD9\x94 \xD8\xAE\xD9\x88\xD8\xAF \xD8\xA8\xD8\xB0\xD8\xA7\xD8"
      "\xB1\xDB\x8C\xD8\xAF.\n");
  struct lint_report r;
  struct kerr e;
  assert_int_equal(lint_source(dir, NULL, &r, &e), 0);
  assert_int_equal(r.n, 1);
  assert_int_equal(r.v[0].severity, LINT_WARNING);
  assert_non_null(strstr(r.v[0].file, "/pages/p.ru.md"));
  assert_int_equal(r.v[0].line, 4);
  assert_string_equal(r.v[0].msg,
                      "the text is mostly in Arabic letters, but its language \"ru\" "
                      "is written in Cyrillic \xE2\x80\x94 is this text in the wrong file? Put "
                      "the \"ru\" text here");
  lint_report_free(&r);
  /* The English text in the Russian file: the pack has one language
   * written in Latin letters, so it is named. */
  put("pages/p.ru.md", "---\nduration: 10\n---\n# Hello\n\nLeave copies of your passport.\n");
  assert_int_equal(lint_source(dir, NULL, &r, &e), 0);
  assert_int_equal(r.n, 1);
  assert_int_equal(r.v[0].line, 4);
  assert_string_equal(r.v[0].msg,
                      "the text is mostly in Latin letters, but its language \"ru\" "
                      "is written in Cyrillic \xE2\x80\x94 is this the \"en\" text in the wrong "
                      "file? Put the \"ru\" text here, and the \"en\" text in pages/p.en.md");
  lint_report_free(&r);
  /* Russian quoting an English sentence, with a link: no warning. */
  put("pages/p.ru.md",
      "---\nduration: 12\n---\n# \xD0\x94\xD0\xBE\xD0\xBA\xD1\x83\xD0\xBC\xD0"
      "\xB5\xD0\xBD\xD1\x82\xD1\x8B\n\n\xD0\x9E\xD1\x81\xD1\x82\xD0\xB0\xD0\xB2\xD1\x8C\xD1\x82"
      "\xD0\xB5 \xD0\xBA\xD0\xBE\xD0\xBF\xD0\xB8\xD0\xB8 \xD1\x81\xD0\xB5\xD0\xBC\xD1\x8C\xD0"
      "\xB5. [IOM](https://www.iom.int/countries/kazakhstan)\n\nKeep copies.\n");
  assert_int_equal(lint_source(dir, NULL, &r, &e), 0);
  for (size_t i = 0; i < r.n; i++)
    fprintf(stderr, "%s:%d: %s\n", r.v[i].file, r.v[i].line, r.v[i].msg);
  assert_int_equal(r.n, 0);
  lint_report_free(&r);
  remove_source();
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_text_in_another_script), cmocka_unit_test(test_parse_sizes),
    cmocka_unit_test(test_reading_seconds),        cmocka_unit_test(test_count_words),
    cmocka_unit_test(test_id_from_folder_name),    cmocka_unit_test(test_clean_source),
    cmocka_unit_test(test_missing_translation),    cmocka_unit_test(test_expiry_against_given_time),
    cmocka_unit_test(test_not_a_folder),
};
KTEST_MAIN(tests)
