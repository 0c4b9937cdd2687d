/* libFuzzer target: the signed-archive reader, as packs use it — tar
 * (plain, gzip, zstd), the signed head (pack.json, pack.json.minisig), the
 * manifest and every member, through pack.h's public calls only:
 * pack_verify() against a trusted key, and pack_inspect(), which reads the
 * head without trusting it. */
#include "fuzz.h"

#include "core/pack.h"

static struct fuzz_file file;
static struct sig_trust *trust;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_quiet();
  fuzz_file_open(&file, "x.kpack");
  trust = fuzz_trust();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_file_put(&file, data, size);
  struct pack_result r;
  struct kerr e;
  pack_verify(file.path, trust, NULL, &r, &e);
  pack_result_free(&r);
  pack_inspect(file.path, NULL, &r, &e);
  pack_result_free(&r);
  return 0;
}
