/* ktest.h — shared main() for cmocka unit tests.
 *
 * Each test binary lists its tests with cmocka_unit_test(name); CMake reads
 * those names from the source and registers one ctest entry per test, which
 * runs the binary with the test's name as its only argument. */
#ifndef KIOSK_TESTS_KTEST_H
#define KIOSK_TESTS_KTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* main() running tests (the one named on the command line, or all) as
 * one group with setup and teardown around it (either may be NULL). */
#define KTEST_MAIN_GROUP(tests, setup, teardown)                                                   \
  int main(int argc, char **argv)                                                                  \
  {                                                                                                \
    if (argc > 1)                                                                                  \
      cmocka_set_test_filter(argv[1]);                                                             \
    return cmocka_run_group_tests(tests, setup, teardown);                                         \
  }

#define KTEST_MAIN(tests) KTEST_MAIN_GROUP(tests, NULL, NULL)

#endif
