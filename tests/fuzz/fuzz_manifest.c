/* libFuzzer target: pack.json, as a signed pack carries it and as an
 * author's source folder has it (manifest_parse() with MANIFEST_PACK and
 * MANIFEST_SOURCE), and the lookups a parsed manifest answers. */
#include "fuzz.h"

#include "core/manifest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_quiet();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const int flags[] = {MANIFEST_PACK, MANIFEST_SOURCE};
  for (size_t i = 0; i < 2; i++) {
    struct manifest *m = NULL;
    struct kerr e;
    if (manifest_parse((const char *)data, size, flags[i], &m, &e) == 0) {
      (void)manifest_title(m, "en");
      (void)manifest_title(m, "fa");
      for (size_t f = 0; f < m->n_files; f++)
        if (manifest_find_file(m, m->files[f].path) == NULL)
          abort(); /* a listed file must be found */
    }
    manifest_free(m);
  }
  return 0;
}
