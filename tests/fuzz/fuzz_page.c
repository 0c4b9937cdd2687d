/* libFuzzer target: page source — front matter, Markdown (md4c) and the
 * kiosk's own fenced blocks (stats, hotlines, contacts, qr) — through
 * page_parse(), as the kiosk and kiosk-pack read every page. */
#include "fuzz.h"

#include "core/page.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_quiet();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct page *p = NULL;
  struct kerr e;
  page_parse((const char *)data, size, "pages/p.en.md", &p, &e);
  page_free(p);
  return 0;
}
