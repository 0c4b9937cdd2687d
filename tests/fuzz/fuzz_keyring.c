/* libFuzzer target: keyring updates (.kkeys) — the signed archive read by
 * keyring_verify() against a trusted key and by keyring_inspect(), and the
 * keyring.json document on its own (keyring_doc_parse()), through
 * keyring.h's public calls only. */
#include "fuzz.h"

#include "core/keyring.h"

#include <string.h>

static struct fuzz_file file;
static struct sig_trust *trust;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_quiet();
  fuzz_file_open(&file, "x.kkeys");
  trust = fuzz_trust();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct kerr e;
  struct keyring_doc *doc = NULL;
  if (keyring_doc_parse((const char *)data, size, "keyring.json", &doc, &e) == 0) {
    /* What we write we must read back. */
    char *text = NULL;
    if (keyring_doc_format(doc, &text, &e) == 0) {
      struct keyring_doc *again = NULL;
      if (keyring_doc_parse(text, strlen(text), "keyring.json", &again, &e) != 0) {
        fprintf(stderr, "formatted keyring.json does not parse: %s\n%s\n", e.msg, text);
        abort();
      }
      keyring_doc_free(again);
      free(text);
    }
  }
  keyring_doc_free(doc);

  fuzz_file_put(&file, data, size);
  struct keyring_result r;
  doc = NULL;
  keyring_verify(file.path, trust, &doc, &r, &e);
  keyring_doc_free(doc);
  doc = NULL;
  keyring_inspect(file.path, &doc, &r, &e);
  keyring_doc_free(doc);
  return 0;
}
