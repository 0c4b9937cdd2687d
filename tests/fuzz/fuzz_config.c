/* libFuzzer target: the kiosk's configuration file (INI through inih,
 * every section and key) via config_load_string(). */
#include "fuzz.h"

#include <string.h>

#include "core/config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_quiet();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  struct config c;
  struct config_problem *problems = NULL;
  size_t n = 0;
  struct kerr e;
  if (config_load_string(text, "kiosk.conf", &c, &problems, &n, &e) == 0) {
    for (size_t i = 0; i < n; i++)
      if (memchr(problems[i].msg, '\0', sizeof problems[i].msg) == NULL)
        abort(); /* every message is a string */
    free(problems);
  }
  config_free(&c);
  free(text);
  return 0;
}
