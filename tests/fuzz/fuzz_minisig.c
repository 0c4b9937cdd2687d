/* libFuzzer target: minisign files from outside — a .minisig signature
 * (sig_minisig_parse(), then sig_verify() of a fixed message against the
 * trusted key) and a .pub public key (sig_pubkey_parse(), then formatting
 * the parsed key and reading it back). The first byte picks the kind, so
 * one corpus holds both. */
#include "fuzz.h"

#include <string.h>

static struct sig_trust *trust;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_quiet();
  trust = fuzz_trust();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  struct kerr e;
  if (data[0] & 1) {
    struct sig_pubkey pk;
    if (sig_pubkey_parse(text, len, "x.pub", &pk, &e) == 0) {
      char out[512];
      if (sig_pubkey_format(&pk, out, sizeof out) > 0) {
        struct sig_pubkey back;
        if (sig_pubkey_parse(out, strlen(out), "x.pub", &back, &e) != 0 ||
            back.key_id != pk.key_id || memcmp(back.key, pk.key, sizeof pk.key) != 0) {
          fprintf(stderr, "a formatted key does not read back: %s\n", out);
          abort();
        }
      }
    }
  } else {
    struct sig_minisig *s = NULL;
    if (sig_minisig_parse(text, len, "x.minisig", &s, &e) == 0) {
      struct sig_verified v;
      (void)sig_verify_parsed(trust, s, "{}\n", 3, "x", &v, &e);
    }
    sig_minisig_free(s);
    struct sig_verified v;
    (void)sig_verify(trust, "{}\n", 3, text, len, "x.minisig", &v, &e);
  }
  return 0;
}
