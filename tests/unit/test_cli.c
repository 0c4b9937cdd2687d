/* Unit tests for kiosk-pack's one option parser (cli_parse). */
#include "ktest.h"

#include "kiosk-pack/cli.h"

#include <stdio.h>
#include <string.h>

static int usage_out, usage_err;

static void usage(FILE *out)
{
  if (out == stdout)
    usage_out++;
  else
    usage_err++;
}

struct parsed {
  const char *pack, *trusted, *store;
  int json;
  int status;
};

/* Parses the words (after the command's name) as a command taking PACK,
 * --trusted, --store and the flag --json would. */
static struct parsed parse(const char *what, const char *w0, const char *w1, const char *w2,
                           const char *w3)
{
  struct parsed p = {0};
  const struct cli_opt opts[] = {{"--trusted", &p.trusted, NULL},
                                 {"--store", &p.store, NULL},
                                 {"--json", NULL, &p.json},
                                 {NULL, NULL, NULL}};
  const struct cli_args spec = {"test", what, opts, usage};
  char *argv[6] = {"test"};
  int argc = 1;
  const char *w[] = {w0, w1, w2, w3};
  for (int i = 0; i < 4 && w[i]; i++)
    argv[argc++] = (char *)w[i];
  usage_out = usage_err = 0;
  p.status = cli_parse(&spec, argc, argv, what ? &p.pack : NULL);
  return p;
}

static void test_options_flags_and_one_word(void **state)
{
  (void)state;
  struct parsed p = parse("PACK", "--json", "a.kpack", "--trusted", "keys");
  assert_int_equal(p.status, CLI_PARSED);
  assert_string_equal(p.pack, "a.kpack");
  assert_string_equal(p.trusted, "keys");
  assert_null(p.store);
  assert_int_equal(p.json, 1);
  p = parse("PACK", "--store", "s1", "--store", "s2"); /* the last one wins */
  assert_int_equal(p.status, CLI_PARSED);
  assert_string_equal(p.store, "s2");
  assert_null(p.pack);                      /* missing: for the command to say */
  p = parse("PACK", "-", NULL, NULL, NULL); /* "-" is a word, not an option */
  assert_int_equal(p.status, CLI_PARSED);
  assert_string_equal(p.pack, "-");
}

static void test_help_and_refusals(void **state)
{
  (void)state;
  struct parsed p = parse("PACK", "a", "--help", "--bogus", NULL);
  assert_int_equal(p.status, CLI_OK);
  assert_int_equal(usage_out, 1);
  p = parse("PACK", "a", "--bogus", NULL, NULL);
  assert_int_equal(p.status, CLI_ERROR);
  assert_int_equal(usage_err, 1);
  p = parse("PACK", "a", "--trusted", NULL, NULL); /* no value */
  assert_int_equal(p.status, CLI_ERROR);
  assert_null(p.trusted);
  assert_int_equal(usage_err, 1);
  p = parse("PACK", "a", "b", NULL, NULL); /* a second word */
  assert_int_equal(p.status, CLI_ERROR);
  assert_int_equal(usage_err, 0);
  p = parse(NULL, "--store", "s", "word", NULL); /* a command that takes no word */
  assert_int_equal(p.status, CLI_ERROR);
  assert_int_equal(usage_err, 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_options_flags_and_one_word),
    cmocka_unit_test(test_help_and_refusals),
};

KTEST_MAIN(tests)
