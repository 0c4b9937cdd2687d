/* Unit tests for core/sig (verification) and tools/kiosk-pack/keys (key
 * files and signing): each malformation class, each refusal, round trips.
 *
 * The MS_* fixtures below were made once with Debian's minisign 0.11 and are
 * kept as text so this test checks compatibility without the CLI:
 *   minisign -G -W -p t.pub -s t.key           (a throwaway, unencrypted key)
 *   printf 'hello\n' > m.txt
 *   minisign -S -s t.key -m m.txt -t 'kpack id=x version=1'
 *   minisign -S -l -s t.key -m m.txt -x m.legacy.minisig
 * The e2e test tests/e2e/test_minisign_interop.sh does the same live. */
#include "ktest.h"

#include "core/err.h"
#include "core/log.h"
#include "core/sig.h"
#include "kiosk-pack/keys.h"
#include "ktmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define MS_PUB                                                                                     \
  "untrusted comment: minisign public key 89FBD13A05C6A269\n"                                      \
  "RWRposYFOtH7iV3FBLeJGheo3cmhkfLOkdj4dVIPTZUIS96K3hNcZMDn\n"
#define MS_PUB_BARE "RWRposYFOtH7iV3FBLeJGheo3cmhkfLOkdj4dVIPTZUIS96K3hNcZMDn"
#define MS_KEYID 0x89FBD13A05C6A269ULL
#define MS_KEY_UNENCRYPTED                                                                         \
  "untrusted comment: minisign encrypted secret key\n"                                             \
  "RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAaa"                     \
  "LGBTrR+4kTxFhHXx4+S6EAdkxabVWgDTMKu4m3HcI1DttYRjU/WF3FBLeJGheo3cmhkfLOkdj"                      \
  "4dVIPTZUIS96K3hNcZMDnAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
#define MS_MSG "hello\n"
#define MS_L1 "untrusted comment: signature from minisign secret key"
#define MS_L2                                                                                      \
  "RURposYFOtH7iZKOl9RBz79ehqtfrX3fx5DkQYu/83CdV0pIggVOix5R3J24KtojzGqpU7o23"                      \
  "oZC6dby2y836JGJt876VK8UMgE="
#define MS_L3 "trusted comment: kpack id=x version=1"
#define MS_L4                                                                                      \
  "1n1TxWPkwmrBMoHwzjShIaD98B61wThbiFapbNwHqnqzV/PRn24sE+A1WoCzEnqbBo7JpRALvr"                     \
  "imQS30F0tkBw=="
#define MS_SIG MS_L1 "\n" MS_L2 "\n" MS_L3 "\n" MS_L4 "\n"
#define MS_LEGACY_SIG                                                                              \
  "untrusted comment: signature from minisign secret key\n"                                        \
  "RWRposYFOtH7ifCS65YYeCJX6vNxwMhmdCXfR3W9a0yc2zRRvgCGDKCVoeRJiHppD7+RfSUNP9u"                    \
  "GuBG+nBEYX97pnfdwYH99QgA=\n"                                                                    \
  "trusted comment: timestamp:1795832066\tfile:m.txt\n"                                            \
  "d9dfOG3Br/7r/fbBgSviyJToSSS1uS8QrMNcdX+Fz6jzZnYJeXPxqF+bBijRj44ZDUzrPrHs+r1"                    \
  "lkpGESJK1CA==\n"

/* Cheap scrypt for test keys; minisign reads the cost from the file. */
static const struct keys_kdf_limits fast_kdf = {524288, 16777216};

/* ---- helpers ---------------------------------------------------------- */

static struct sig_trust *trust_ms(void)
{
  struct sig_trust *t = sig_trust_new();
  assert_non_null(t);
  struct sig_pubkey pk;
  struct kerr e;
  assert_int_equal(sig_pubkey_parse(MS_PUB, strlen(MS_PUB), "t.pub", &pk, &e), 0);
  assert_int_equal(sig_trust_add(t, &pk, &e), 0);
  return t;
}

static int verify_text(const struct sig_trust *t, const char *msg, const char *sig,
                       struct sig_verified *v, struct kerr *e)
{
  kerr_clear(e);
  return sig_verify(t, msg, strlen(msg), sig, strlen(sig), "m.txt.minisig", v, e);
}

static int parse_sig(const char *text, struct kerr *e)
{
  struct sig_minisig *s = NULL;
  kerr_clear(e);
  int rc = sig_minisig_parse(text, strlen(text), "m.txt.minisig", &s, e);
  if (rc == 0)
    assert_non_null(s);
  else
    assert_null(s);
  sig_minisig_free(s);
  return rc;
}

static void assert_contains(const char *haystack, const char *needle)
{
  if (!strstr(haystack, needle))
    fail_msg("expected \"%s\" in \"%s\"", needle, haystack);
}

/* base64 of bin, into a static buffer. */
static const char *b64(const unsigned char *bin, size_t len)
{
  static char out[512];
  sodium_bin2base64(out, sizeof out, bin, len, sodium_base64_VARIANT_ORIGINAL);
  return out;
}

/* MS_L2 decoded (74 bytes). */
static void ms_sig_bytes(unsigned char out[74])
{
  size_t n = 0;
  assert_int_equal(sodium_base642bin(out, 74, MS_L2, strlen(MS_L2), NULL, &n, NULL,
                                     sodium_base64_VARIANT_ORIGINAL),
                   0);
  assert_int_equal(n, 74);
}

static char tmpdir[256];

static int setup_tmp(void **state)
{
  (void)state;
  assert_true(sodium_init() >= 0);
  ktmp_mkdtemp(tmpdir, sizeof tmpdir, "sig");
  return 0;
}

static int teardown_tmp(void **state)
{
  (void)state;
  ktmp_remove(tmpdir);
  unsetenv(KEYS_PASSPHRASE_ENV);
  return 0;
}

static const char *tmp_path(const char *name)
{
  static char paths[8][512];
  static int next;
  char *p = paths[next++ % 8];
  snprintf(p, 512, "%s/%s", tmpdir, name);
  return p;
}

/* The file's text; valid until the next call. */
static char *read_text(const char *path)
{
  static char *last;
  free(last);
  last = ktmp_read_file(path, NULL);
  assert_non_null(last);
  return last;
}

/* Makes NAME.key/.pub in tmpdir and loads the secret key. */
static struct keys_secret *make_key(const char *name, const char *pass, struct sig_pubkey *pub)
{
  struct kerr e;
  kerr_clear(&e);
  int rc = keys_generate(tmp_path(name), pass, &fast_kdf, pub, &e);
  if (rc)
    fail_msg("keys_generate: %s", e.msg);
  char key_path[600];
  snprintf(key_path, sizeof key_path, "%s.key", tmp_path(name));
  struct keys_secret *sk = NULL;
  rc = keys_secret_load(key_path, pass ? pass : "", &sk, &e);
  if (rc)
    fail_msg("keys_secret_load: %s", e.msg);
  return sk;
}

/* ---- key ids ---------------------------------------------------------- */

static void test_keyid_format_and_parse(void **state)
{
  (void)state;
  char id[SIG_KEYID_BUFSZ];
  sig_keyid_format(0x180F395E82E0112AULL, id);
  assert_string_equal(id, "180F395E82E0112A");
  sig_keyid_format(0x1ULL, id);
  assert_string_equal(id, "0000000000000001");
  uint64_t v = 0;
  struct kerr e;
  assert_int_equal(sig_keyid_parse("89fbd13a05c6a269", &v, &e), 0);
  assert_true(v == MS_KEYID);
  assert_int_equal(sig_keyid_parse("89FBD13A05C6A26", &v, &e), KERR_INVAL);
  assert_int_equal(sig_keyid_parse("89FBD13A05C6A2690", &v, &e), KERR_INVAL);
  assert_int_equal(sig_keyid_parse("89FBD13A05C6A26X", &v, &e), KERR_INVAL);
}

/* ---- public keys ------------------------------------------------------ */

static void test_pubkey_file_form(void **state)
{
  (void)state;
  struct sig_pubkey pk;
  struct kerr e;
  assert_int_equal(sig_pubkey_parse(MS_PUB, strlen(MS_PUB), "t.pub", &pk, &e), 0);
  assert_true(pk.key_id == MS_KEYID);
  /* Formatting gives back minisign's file byte for byte. */
  char text[SIG_PUBKEY_TEXT_BUFSZ];
  assert_int_equal(sig_pubkey_format(&pk, text, sizeof text), (int)strlen(MS_PUB));
  assert_string_equal(text, MS_PUB);
  /* CRLF line ends and trailing blank lines are fine. */
  const char *crlf = "untrusted comment: x\r\n" MS_PUB_BARE "\r\n\r\n";
  assert_int_equal(sig_pubkey_parse(crlf, strlen(crlf), "t.pub", &pk, &e), 0);
  assert_true(pk.key_id == MS_KEYID);
}

static void test_pubkey_bare_base64(void **state)
{
  (void)state;
  struct sig_pubkey pk;
  struct kerr e;
  assert_int_equal(sig_pubkey_parse(MS_PUB_BARE, strlen(MS_PUB_BARE), "-P", &pk, &e), 0);
  assert_true(pk.key_id == MS_KEYID);
  assert_int_equal(sig_pubkey_parse(MS_PUB_BARE "\n", strlen(MS_PUB_BARE) + 1, "-P", &pk, &e), 0);
}

static void test_pubkey_bad_base64(void **state)
{
  (void)state;
  struct sig_pubkey pk;
  struct kerr e;
  const char *t =
      "untrusted comment: x\nRWRposYFOtH7iV3FBLeJGheo3cmhkfLOkdj4dVIPTZUIS96K3hNcZM*n\n";
  assert_int_equal(sig_pubkey_parse(t, strlen(t), "k.pub", &pk, &e), KERR_PARSE);
  assert_string_equal(
      e.msg,
      "k.pub: line 2: public key is not valid base64 — was an actual minisign public key given?");
  /* Missing padding is not base64 either. */
  const char *t2 = "RWRposYFOtH7iV3FBLeJGheo3cmhkfLOkdj4dVIPTZUIS96K3hNcZMA";
  assert_int_equal(sig_pubkey_parse(t2, strlen(t2), "k.pub", &pk, &e), KERR_PARSE);
}

static void test_pubkey_wrong_length(void **state)
{
  (void)state;
  unsigned char bin[45] = "Ed";
  char text[700];
  snprintf(text, sizeof text, "untrusted comment: x\n%s\n", b64(bin, sizeof bin));
  struct sig_pubkey pk;
  struct kerr e;
  assert_int_equal(sig_pubkey_parse(text, strlen(text), "k.pub", &pk, &e), KERR_PARSE);
  assert_string_equal(
      e.msg,
      "k.pub: line 2: public key is 45 bytes, expected 42 (algorithm, key id, key) — was an actual minisign public key given?");
}

static void test_pubkey_unknown_algorithm(void **state)
{
  (void)state;
  unsigned char bin[42] = "ED"; /* a signature algorithm, not a key one */
  char text[700];
  snprintf(text, sizeof text, "untrusted comment: x\n%s\n", b64(bin, sizeof bin));
  struct sig_pubkey pk;
  struct kerr e;
  assert_int_equal(sig_pubkey_parse(text, strlen(text), "k.pub", &pk, &e), KERR_PARSE);
  assert_string_equal(e.msg, "k.pub: line 2: unknown key algorithm \"ED\" (expected \"Ed\")");
}

static void test_pubkey_malformed_lines(void **state)
{
  (void)state;
  struct sig_pubkey pk;
  struct kerr e;
  const char *t = MS_PUB "extra\n";
  assert_int_equal(sig_pubkey_parse(t, strlen(t), "k.pub", &pk, &e), KERR_PARSE);
  assert_string_equal(e.msg, "k.pub: line 3: unexpected text after the public key");
  t = "untrusted comment: x\n";
  assert_int_equal(sig_pubkey_parse(t, strlen(t), "k.pub", &pk, &e), KERR_PARSE);
  assert_string_equal(
      e.msg, "k.pub: line 2: missing — expected the base64 public key after the comment line");
  t = "comment: x\n" MS_PUB_BARE "\n";
  assert_int_equal(sig_pubkey_parse(t, strlen(t), "k.pub", &pk, &e), KERR_PARSE);
  assert_string_equal(
      e.msg, "k.pub: line 1: expected \"untrusted comment: ...\" or a bare base64 public key");
  assert_int_equal(sig_pubkey_parse("", 0, "k.pub", &pk, &e), KERR_PARSE);
  const char nul[] = "untrusted comment: x\0y\n" MS_PUB_BARE "\n";
  assert_int_equal(sig_pubkey_parse(nul, sizeof nul - 1, "k.pub", &pk, &e), KERR_PARSE);
  assert_string_equal(e.msg,
                      "k.pub: line 1: contains a NUL byte — this is not a minisign public key");
}

/* ---- signatures: each malformation class ------------------------------ */

static void test_minisig_parses_minisign_output(void **state)
{
  (void)state;
  struct sig_minisig *s = NULL;
  struct kerr e;
  assert_int_equal(sig_minisig_parse(MS_SIG, strlen(MS_SIG), "m.txt.minisig", &s, &e), 0);
  assert_true(sig_minisig_key_id(s) == MS_KEYID);
  sig_minisig_free(s);
}

static void test_minisig_bad_base64(void **state)
{
  (void)state;
  struct kerr e;
  const char *t =
      MS_L1 "\nRURposYFOtH7iZKOl9RBz79ehqtfrX3fx5DkQYu/83CdV0pIggVOix5R3J24KtojzGqpU7o23"
            "oZC6dby2y836JGJt876VK8UMg$=\n" MS_L3 "\n" MS_L4 "\n";
  assert_int_equal(parse_sig(t, &e), KERR_SIG);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: line 2: signature is not valid base64 — was an actual signature given?");
  t = MS_L1 "\n" MS_L2 "\n" MS_L3 "\n1n1TxWPkwmrBMoHwzjShIaD98B61wThbiF!\n";
  assert_int_equal(parse_sig(t, &e), KERR_SIG);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: line 4: global signature is not valid base64 — was an actual signature given?");
}

static void test_minisig_wrong_length(void **state)
{
  (void)state;
  unsigned char bin[74];
  ms_sig_bytes(bin);
  char t[1024];
  struct kerr e;
  snprintf(t, sizeof t, MS_L1 "\n%s\n" MS_L3 "\n" MS_L4 "\n", b64(bin, 73));
  assert_int_equal(parse_sig(t, &e), KERR_SIG);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: line 2: signature is 73 bytes, expected 74 (algorithm, key id, signature)");
  unsigned char g[65] = {0};
  snprintf(t, sizeof t, MS_L1 "\n" MS_L2 "\n" MS_L3 "\n%s\n", b64(g, sizeof g));
  assert_int_equal(parse_sig(t, &e), KERR_SIG);
  assert_string_equal(e.msg, "m.txt.minisig: line 4: global signature is 65 bytes, expected 64");
}

static void test_minisig_unknown_algorithm(void **state)
{
  (void)state;
  unsigned char bin[74];
  ms_sig_bytes(bin);
  bin[0] = 'X';
  bin[1] = 0x01;
  char t[1024];
  struct kerr e;
  snprintf(t, sizeof t, MS_L1 "\n%s\n" MS_L3 "\n" MS_L4 "\n", b64(bin, sizeof bin));
  assert_int_equal(parse_sig(t, &e), KERR_SIG);
  assert_string_equal(
      e.msg, "m.txt.minisig: line 2: unknown signature algorithm \"X\\x01\" (expected \"ED\")");
}

static void test_minisig_legacy_refused(void **state)
{
  (void)state;
  struct sig_trust *t = trust_ms();
  struct sig_verified v;
  struct kerr e;
  /* A real `minisign -S -l` signature of MS_MSG by the trusted key. */
  assert_int_equal(verify_text(t, MS_MSG, MS_LEGACY_SIG, &v, &e), KERR_SIG);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: legacy minisign signature (algorithm Ed) is refused — sign again with kiosk-pack or with minisign without -l (algorithm ED)");
  sig_trust_free(t);
}

static void test_minisig_missing_untrusted_comment(void **state)
{
  (void)state;
  struct kerr e;
  assert_int_equal(parse_sig(MS_L2 "\n" MS_L3 "\n" MS_L4 "\n", &e), KERR_SIG);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: line 1: expected \"untrusted comment: ...\" — is this a minisign signature?");
  assert_int_equal(parse_sig("", &e), KERR_SIG);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: the signature file is empty — expected a minisign signature starting with \"untrusted comment: \"");
}

static void test_minisig_missing_trusted_comment(void **state)
{
  (void)state;
  struct kerr e;
  assert_int_equal(parse_sig(MS_L1 "\n" MS_L2 "\n", &e), KERR_SIG);
  assert_string_equal(e.msg, "m.txt.minisig: line 3: missing — expected \"trusted comment: ...\"");
  assert_int_equal(parse_sig(MS_L1 "\n" MS_L2 "\n" MS_L4 "\n", &e), KERR_SIG);
  assert_string_equal(e.msg, "m.txt.minisig: line 3: expected \"trusted comment: ...\"");
  assert_int_equal(parse_sig(MS_L1 "\n" MS_L2 "\ntrusted comment:x\n" MS_L4 "\n", &e), KERR_SIG);
  assert_string_equal(e.msg, "m.txt.minisig: line 3: expected \"trusted comment: ...\"");
}

static void test_minisig_missing_global_signature(void **state)
{
  (void)state;
  struct kerr e;
  assert_int_equal(parse_sig(MS_L1 "\n" MS_L2 "\n" MS_L3 "\n", &e), KERR_SIG);
  assert_string_equal(e.msg,
                      "m.txt.minisig: line 4: missing — expected the base64 global signature");
  assert_int_equal(parse_sig(MS_L1 "\n" MS_L2 "\n" MS_L3, &e), KERR_SIG);
}

static void test_minisig_trailing_text_and_bytes(void **state)
{
  (void)state;
  struct kerr e;
  assert_int_equal(parse_sig(MS_SIG "\n\n", &e), 0);                          /* blank lines ok */
  assert_int_equal(parse_sig(MS_L1 "\n" MS_L2 "\n" MS_L3 "\n" MS_L4, &e), 0); /* no final newline */
  assert_int_equal(parse_sig(MS_SIG "\nmore\n", &e), KERR_SIG);
  assert_string_equal(e.msg, "m.txt.minisig: line 6: unexpected text after the global signature");
  const char nul[] = MS_L1 "\n" MS_L2 "\ntrusted comment: a\0b\n" MS_L4 "\n";
  struct sig_minisig *s = NULL;
  assert_int_equal(sig_minisig_parse(nul, sizeof nul - 1, "x.minisig", &s, &e), KERR_SIG);
  assert_string_equal(e.msg,
                      "x.minisig: line 3: contains a NUL byte — this is not a minisign signature");
  assert_int_equal(parse_sig(MS_L1 "\n" MS_L2 "\ntrusted comment: a\rb\n" MS_L4 "\n", &e),
                   KERR_SIG);
  assert_string_equal(e.msg, "m.txt.minisig: line 3: carriage return inside the trusted comment");
}

static void test_minisig_crlf_accepted(void **state)
{
  (void)state;
  struct sig_trust *t = trust_ms();
  struct sig_verified v;
  struct kerr e;
  const char *crlf = MS_L1 "\r\n" MS_L2 "\r\n" MS_L3 "\r\n" MS_L4 "\r\n";
  assert_int_equal(verify_text(t, MS_MSG, crlf, &v, &e), 0);
  assert_string_equal(v.trusted_comment, "kpack id=x version=1");
  sig_trust_free(t);
}

static void test_minisig_size_limits(void **state)
{
  (void)state;
  struct kerr e;
  /* The longest comment minisign -V reads, and one byte more. */
  size_t cap = SIG_MINISIG_FILE_MAX + 64;
  char *t = malloc(cap);
  char *c = malloc(SIG_TRUSTED_COMMENT_MAX + 2);
  assert_non_null(t);
  assert_non_null(c);
  memset(c, 'a', SIG_TRUSTED_COMMENT_MAX + 1);
  c[SIG_TRUSTED_COMMENT_MAX] = '\0';
  snprintf(t, cap, MS_L1 "\n" MS_L2 "\ntrusted comment: %s\n" MS_L4 "\n", c);
  assert_int_equal(parse_sig(t, &e), 0);
  c[SIG_TRUSTED_COMMENT_MAX] = 'a';
  c[SIG_TRUSTED_COMMENT_MAX + 1] = '\0';
  snprintf(t, cap, MS_L1 "\n" MS_L2 "\ntrusted comment: %s\n" MS_L4 "\n", c);
  assert_int_equal(parse_sig(t, &e), KERR_SIG);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: line 3: trusted comment is 8174 bytes, more than the 8173 minisign accepts");
  /* A whole file over the cap, and an over-long untrusted comment. */
  char *big = malloc(SIG_MINISIG_FILE_MAX + 2);
  assert_non_null(big);
  memset(big, 'a', SIG_MINISIG_FILE_MAX + 1);
  big[SIG_MINISIG_FILE_MAX + 1] = '\0';
  assert_int_equal(parse_sig(big, &e), KERR_SIG);
  assert_contains(e.msg, "more than the 12288 it can have");
  memcpy(big, "untrusted comment: ", 19);
  snprintf(big + 1100, 400, "\n" MS_L2 "\n" MS_L3 "\n" MS_L4 "\n");
  assert_int_equal(parse_sig(big, &e), KERR_SIG);
  assert_string_equal(e.msg, "m.txt.minisig: line 1: untrusted comment is longer than 1023 bytes");
  free(big);
  free(c);
  free(t);
}

/* ---- verification ----------------------------------------------------- */

static void test_verify_minisign_signature(void **state)
{
  (void)state;
  struct sig_trust *t = trust_ms();
  struct sig_verified v;
  struct kerr e;
  assert_int_equal(verify_text(t, MS_MSG, MS_SIG, &v, &e), 0);
  assert_true(v.key_id == MS_KEYID);
  assert_string_equal(v.trusted_comment, "kpack id=x version=1");
  sig_trust_free(t);
}

static void test_verify_tampered_message(void **state)
{
  (void)state;
  struct sig_trust *t = trust_ms();
  struct sig_verified v;
  struct kerr e;
  assert_int_equal(verify_text(t, "hello!", MS_SIG, &v, &e), KERR_BADSIG);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: signature does not match the signed data (key 89FBD13A05C6A269) — it was changed or damaged after signing; get a fresh copy");
  assert_int_equal(verify_text(t, "", MS_SIG, &v, &e), KERR_BADSIG);
  sig_trust_free(t);
}

static void test_verify_tampered_trusted_comment(void **state)
{
  (void)state;
  struct sig_trust *t = trust_ms();
  struct sig_verified v;
  struct kerr e;
  const char *sig = MS_L1 "\n" MS_L2 "\ntrusted comment: kpack id=x version=9\n" MS_L4 "\n";
  assert_int_equal(verify_text(t, MS_MSG, sig, &v, &e), KERR_BADSIG);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: trusted comment does not match its signature (key 89FBD13A05C6A269) — the signature was changed after signing; get a fresh copy");
  /* The untrusted comment is not covered: changing it changes nothing. */
  const char *sig2 = "untrusted comment: anything\n" MS_L2 "\n" MS_L3 "\n" MS_L4 "\n";
  assert_int_equal(verify_text(t, MS_MSG, sig2, &v, &e), 0);
  sig_trust_free(t);
}

static void test_verify_untrusted_key(void **state)
{
  (void)state;
  struct sig_trust *t = sig_trust_new();
  struct sig_verified v;
  struct kerr e;
  assert_int_equal(verify_text(t, MS_MSG, MS_SIG, &v, &e), KERR_UNTRUSTED);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: signature is not from a trusted key (key 89FBD13A05C6A269) — ask the content team for a pack signed with the current key");
  sig_trust_free(t);
}

static void test_verify_revoked_key(void **state)
{
  (void)state;
  struct sig_trust *t = trust_ms();
  struct sig_verified v;
  struct kerr e;
  assert_true(sig_trust_contains(t, MS_KEYID));
  assert_int_equal(sig_trust_revoke(t, MS_KEYID, &e), 0);
  assert_false(sig_trust_contains(t, MS_KEYID));
  assert_int_equal(sig_trust_count(t), 0);
  assert_int_equal(verify_text(t, MS_MSG, MS_SIG, &v, &e), KERR_REVOKED);
  assert_string_equal(
      e.msg,
      "m.txt.minisig: signature is from a revoked key (key 89FBD13A05C6A269) — ask the content team for a pack signed with the current key");
  /* Once revoked, it cannot come back. */
  struct sig_pubkey pk;
  assert_int_equal(sig_pubkey_parse(MS_PUB, strlen(MS_PUB), "t.pub", &pk, &e), 0);
  assert_int_equal(sig_trust_add(t, &pk, &e), KERR_REVOKED);
  assert_string_equal(e.msg, "key 89FBD13A05C6A269 has been revoked and cannot be trusted again");
  assert_int_equal(sig_trust_revoke(t, MS_KEYID, &e), 0); /* idempotent */
  sig_trust_free(t);
}

static void test_trust_conflicting_key_id(void **state)
{
  (void)state;
  struct sig_trust *t = trust_ms();
  struct kerr e;
  struct sig_pubkey pk;
  assert_int_equal(sig_pubkey_parse(MS_PUB, strlen(MS_PUB), "t.pub", &pk, &e), 0);
  assert_int_equal(sig_trust_add(t, &pk, &e), 0); /* same key again: no-op */
  assert_int_equal(sig_trust_count(t), 1);
  pk.key[0] ^= 1;
  assert_int_equal(sig_trust_add(t, &pk, &e), KERR_INVAL);
  assert_contains(e.msg, "key id 89FBD13A05C6A269 is already trusted with a different key");
  sig_trust_free(t);
}

static void test_stream_equals_oneshot(void **state)
{
  (void)state;
  struct sig_trust *t = trust_ms();
  struct sig_minisig *sig = NULL;
  struct kerr e;
  assert_int_equal(sig_minisig_parse(MS_SIG, strlen(MS_SIG), "m.txt.minisig", &sig, &e), 0);
  /* Every split of the message into two pieces verifies the same. */
  for (size_t cut = 0; cut <= strlen(MS_MSG); cut++) {
    struct sig_stream *s = sig_stream_new();
    assert_non_null(s);
    sig_stream_update(s, MS_MSG, cut);
    sig_stream_update(s, "", 0);
    sig_stream_update(s, MS_MSG + cut, strlen(MS_MSG) - cut);
    struct sig_verified v;
    assert_int_equal(sig_stream_final(s, t, sig, "m.txt.minisig", &v, &e), 0);
    assert_string_equal(v.trusted_comment, "kpack id=x version=1");
    /* A spent stream refuses to finish twice. */
    assert_int_equal(sig_stream_final(s, t, sig, "m.txt.minisig", &v, &e), KERR_INVAL);
    sig_stream_free(s);
  }
  /* A large message: streamed in odd pieces equals one shot, and both fail
   * the same way when one byte changes. */
  size_t n = 1000003;
  unsigned char *big = malloc(n);
  assert_non_null(big);
  for (size_t i = 0; i < n; i++)
    big[i] = (unsigned char)(i * 7 + 3);
  struct sig_stream *s = sig_stream_new();
  for (size_t off = 0; off < n;) {
    size_t piece = off % 4093 + 1;
    if (piece > n - off)
      piece = n - off;
    sig_stream_update(s, big + off, piece);
    off += piece;
  }
  struct kerr e1, e2;
  int r1 = sig_stream_final(s, t, sig, "big", NULL, &e1);
  int r2 = sig_verify_parsed(t, sig, big, n, "big", NULL, &e2);
  assert_int_equal(r1, KERR_BADSIG);
  assert_int_equal(r2, KERR_BADSIG);
  assert_string_equal(e1.msg, e2.msg);
  sig_stream_free(s);
  free(big);
  sig_minisig_free(sig);
  sig_trust_free(t);
}

/* ---- trusted-keys files and folders ----------------------------------- */

static void test_trust_dir_skips_bad_file(void **state)
{
  (void)state;
  ktmp_write_text(tmp_path("a-good.pub"), MS_PUB);
  ktmp_write_text(tmp_path("b-bad.pub"), "untrusted comment: x\nnot a key\n");
  ktmp_write_text(tmp_path("README"), "not a key, not a .pub: ignored\n");
  ktmp_write_text(tmp_path(".hidden.pub"), "ignored\n");
  struct sig_trust *t = sig_trust_new();
  struct kerr e;
  /* The skipped file is named in the log. */
  log_set_quiet(1);
  assert_int_equal(log_open_file(tmp_path("log.txt")), 0);
  assert_int_equal(sig_trust_load_dir(t, tmpdir, &e), 1);
  assert_true(sig_trust_contains(t, MS_KEYID));
  assert_int_equal(sig_trust_load(t, tmpdir, &e), 1); /* same key: still 1 */
  assert_int_equal(sig_trust_count(t), 1);
  log_close_file();
  log_set_quiet(0);
  char want[512];
  snprintf(want, sizeof want,
           "warn  trusted keys: skipped %s/b-bad.pub: line 2: public key is not valid base64",
           tmpdir);
  assert_contains(read_text(tmp_path("log.txt")), want);
  sig_trust_free(t);
}

static void test_trust_dir_without_keys(void **state)
{
  (void)state;
  ktmp_write_text(tmp_path("b-bad.pub"), "garbage\n");
  struct sig_trust *t = sig_trust_new();
  struct kerr e;
  log_set_quiet(1);
  assert_int_equal(sig_trust_load_dir(t, tmpdir, &e), KERR_NOENT);
  log_set_quiet(0);
  char want[512];
  snprintf(
      want, sizeof want,
      "trusted-keys folder %s holds no usable public key (1 .pub file skipped) — copy the content team's .pub file into it",
      tmpdir);
  assert_string_equal(e.msg, want);
  assert_int_equal(sig_trust_load_dir(t, tmp_path("missing"), &e), KERR_NOENT);
  sig_trust_free(t);
}

static void test_trust_named_bad_file_is_error(void **state)
{
  (void)state;
  const char *p = tmp_path("bad.pub");
  ktmp_write_text(p, "untrusted comment: x\nRWRposYFOtH7\n");
  struct sig_trust *t = sig_trust_new();
  struct kerr e;
  assert_int_equal(sig_trust_load(t, p, &e), KERR_PARSE);
  assert_contains(e.msg, "bad.pub: line 2: public key is 9 bytes, expected 42");
  assert_int_equal(sig_trust_load(t, tmp_path("nope.pub"), &e), KERR_NOENT);
  assert_int_equal(sig_trust_count(t), 0);
  ktmp_write_text(p, MS_PUB);
  assert_int_equal(sig_trust_load(t, p, &e), 1);
  sig_trust_free(t);
}

/* ---- signing side (tools/kiosk-pack/keys.c) --------------------------- */

static void test_sign_verify_roundtrip(void **state)
{
  (void)state;
  struct sig_pubkey pub;
  struct keys_secret *sk = make_key("team", NULL, &pub);
  assert_true(keys_secret_key_id(sk) == pub.key_id);
  struct sig_pubkey pub2;
  keys_secret_public(sk, &pub2);
  assert_memory_equal(pub.key, pub2.key, SIG_PUBKEY_BYTES);

  const char *msg = "{\"id\":\"bulletin\",\"version\":7}";
  char *text = NULL;
  size_t len = 0;
  struct kerr e;
  assert_int_equal(keys_sign(sk, msg, strlen(msg), "kpack id=bulletin version=7", &text, &len, &e),
                   0);
  assert_int_equal(strlen(text), len);
  char id[SIG_KEYID_BUFSZ];
  sig_keyid_format(pub.key_id, id);
  char l1[128];
  snprintf(l1, sizeof l1, "untrusted comment: signature from kiosk-pack secret key %s\n", id);
  assert_memory_equal(text, l1, strlen(l1));
  assert_contains(text, "\ntrusted comment: kpack id=bulletin version=7\n");

  struct sig_trust *t = sig_trust_new();
  assert_int_equal(sig_trust_load(t, tmp_path("team.pub"), &e), 1);
  struct sig_verified v;
  assert_int_equal(sig_verify(t, msg, strlen(msg), text, len, "p.kpack", &v, &e), 0);
  assert_true(v.key_id == pub.key_id);
  assert_string_equal(v.trusted_comment, "kpack id=bulletin version=7");
  assert_int_equal(sig_verify(t, msg, strlen(msg) - 1, text, len, "p.kpack", &v, &e), KERR_BADSIG);

  /* sign-file writes FILE.minisig with the same content rules. */
  ktmp_write_text(tmp_path("m.txt"), msg);
  assert_int_equal(keys_sign_file(sk, tmp_path("m.txt"), "kpack id=f version=1", &e), 0);
  char *sig_text = read_text(tmp_path("m.txt.minisig"));
  assert_int_equal(sig_verify(t, msg, strlen(msg), sig_text, strlen(sig_text), "m", &v, &e), 0);
  assert_string_equal(v.trusted_comment, "kpack id=f version=1");

  free(text);
  sig_trust_free(t);
  keys_secret_free(sk);
}

static void test_sign_refuses_bad_comment(void **state)
{
  (void)state;
  struct keys_secret *sk = make_key("c", NULL, NULL);
  char *text = NULL;
  size_t len = 0;
  struct kerr e;
  assert_int_equal(keys_sign(sk, "x", 1, "two\nlines", &text, &len, &e), KERR_INVAL);
  assert_string_equal(e.msg, "trusted comment must be one line (no line breaks)");
  char *c = malloc(SIG_TRUSTED_COMMENT_MAX + 2);
  memset(c, 'a', SIG_TRUSTED_COMMENT_MAX + 1);
  c[SIG_TRUSTED_COMMENT_MAX + 1] = '\0';
  assert_int_equal(keys_sign(sk, "x", 1, c, &text, &len, &e), KERR_INVAL);
  c[SIG_TRUSTED_COMMENT_MAX] = '\0'; /* the longest allowed works */
  assert_int_equal(keys_sign(sk, "x", 1, c, &text, &len, &e), 0);
  free(text);
  free(c);
  keys_secret_free(sk);
}

static void test_unencrypted_key_file(void **state)
{
  (void)state;
  struct sig_pubkey pub;
  struct keys_secret *sk = make_key("plain", NULL, &pub);
  keys_secret_free(sk);
  struct stat st;
  assert_int_equal(stat(tmp_path("plain.key"), &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  char *text = read_text(tmp_path("plain.key"));
  const char *first = "untrusted comment: minisign unencrypted secret key\n";
  assert_memory_equal(text, first, strlen(first));
  char *line = text + strlen(first);
  unsigned char bin[160];
  size_t n = 0;
  assert_int_equal(sodium_base642bin(bin, sizeof bin, line, strcspn(line, "\n"), NULL, &n, NULL,
                                     sodium_base64_VARIANT_ORIGINAL),
                   0);
  assert_int_equal(n, 158);
  assert_memory_equal(bin, "Ed\0\0B2", 6); /* no KDF, BLAKE2b checksum */
  static const unsigned char zero[48];
  assert_memory_equal(bin + 6, zero, 48); /* salt and limits zero, as minisign -W */
  /* The .pub is what minisign writes for this key. */
  char pub_text[SIG_PUBKEY_TEXT_BUFSZ];
  sig_pubkey_format(&pub, pub_text, sizeof pub_text);
  assert_string_equal(read_text(tmp_path("plain.pub")), pub_text);
}

static void test_minisign_unencrypted_key_loads(void **state)
{
  (void)state;
  /* minisign -W leaves the checksum zero; it must load all the same, and
   * sign like minisign does. */
  ktmp_write_text(tmp_path("ms.key"), MS_KEY_UNENCRYPTED);
  struct keys_secret *sk = NULL;
  struct kerr e;
  assert_int_equal(keys_secret_load(tmp_path("ms.key"), NULL, &sk, &e), 0);
  assert_true(keys_secret_key_id(sk) == MS_KEYID);
  char *text = NULL;
  size_t len = 0;
  assert_int_equal(keys_sign(sk, MS_MSG, strlen(MS_MSG), "kpack id=x version=1", &text, &len, &e),
                   0);
  /* Ed25519 is deterministic: same key, message and comment as minisign
   * used give the very same signature lines. */
  assert_contains(text, "\n" MS_L2 "\n" MS_L3 "\n" MS_L4 "\n");
  free(text);
  keys_secret_free(sk);
}

static void test_encrypted_key_roundtrip(void **state)
{
  (void)state;
  struct sig_pubkey pub;
  struct keys_secret *sk = make_key("enc", "correct horse", &pub);
  keys_secret_free(sk);
  char *text = read_text(tmp_path("enc.key"));
  assert_non_null(strstr(text, "untrusted comment: minisign encrypted secret key\n"));
  /* With the passphrase from the environment. */
  setenv(KEYS_PASSPHRASE_ENV, "correct horse", 1);
  struct kerr e;
  sk = NULL;
  assert_int_equal(keys_secret_load(tmp_path("enc.key"), NULL, &sk, &e), 0);
  assert_true(keys_secret_key_id(sk) == pub.key_id);
  keys_secret_free(sk);
  unsetenv(KEYS_PASSPHRASE_ENV);
}

static void test_wrong_passphrase(void **state)
{
  (void)state;
  struct keys_secret *sk = make_key("enc", "right", NULL);
  keys_secret_free(sk);
  sk = NULL;
  struct kerr e;
  const char *p = tmp_path("enc.key");
  assert_int_equal(keys_secret_load(p, "wrong", &sk, &e), KERR_PASSPHRASE);
  assert_null(sk);
  char want[600];
  snprintf(want, sizeof want, "wrong passphrase for %s — try again", p);
  assert_string_equal(e.msg, want);
  setenv(KEYS_PASSPHRASE_ENV, "", 1);
  assert_int_equal(keys_secret_load(p, NULL, &sk, &e), KERR_PASSPHRASE);
  unsetenv(KEYS_PASSPHRASE_ENV);
}

static void test_damaged_secret_key(void **state)
{
  (void)state;
  struct keys_secret *sk = make_key("d", NULL, NULL);
  keys_secret_free(sk);
  char *text = read_text(tmp_path("d.key"));
  char *line = strchr(text, '\n') + 1;
  line[100] = line[100] == 'A' ? 'B' : 'A'; /* inside the secret key */
  ktmp_write_text(tmp_path("d.key"), text);
  struct kerr e;
  sk = NULL;
  assert_int_equal(keys_secret_load(tmp_path("d.key"), NULL, &sk, &e), KERR_PARSE);
  assert_contains(e.msg, "the key file is damaged");
  ktmp_write_text(tmp_path("d.key"), "untrusted comment: x\nRWQAAEIy\n");
  assert_int_equal(keys_secret_load(tmp_path("d.key"), NULL, &sk, &e), KERR_PARSE);
  assert_contains(e.msg, "d.key: line 2: secret key is 6 bytes, expected 158");
  assert_int_equal(keys_secret_load(tmp_path("none.key"), NULL, &sk, &e), KERR_NOENT);
}

static void test_keygen_refuses_overwrite(void **state)
{
  (void)state;
  struct keys_secret *sk = make_key("k", NULL, NULL);
  keys_secret_free(sk);
  char before[4096];
  snprintf(before, sizeof before, "%s", read_text(tmp_path("k.key")));
  struct kerr e;
  assert_int_equal(keys_generate(tmp_path("k"), NULL, NULL, NULL, &e), KERR_IO);
  assert_contains(e.msg, "k.key already exists — keygen never overwrites a key");
  assert_string_equal(read_text(tmp_path("k.key")), before);
  /* Only the .pub there is enough to refuse, and no .key is left behind. */
  ktmp_write_text(tmp_path("p.pub"), MS_PUB);
  assert_int_equal(keys_generate(tmp_path("p"), NULL, NULL, NULL, &e), KERR_IO);
  struct stat st;
  assert_int_equal(stat(tmp_path("p.key"), &st), -1);
}

static void test_no_passphrase_source(void **state)
{
  (void)state;
  /* The variable wins over the terminal; an empty one is refused for a new
   * key. (No variable and no terminal is checked by the e2e test, which can
   * run keygen under setsid.) */
  setenv(KEYS_PASSPHRASE_ENV, "", 1);
  char buf[KEYS_PASSPHRASE_MAX + 1];
  struct kerr e;
  assert_int_equal(keys_passphrase_read("x.key", 1, buf, sizeof buf, &e), KERR_USAGE);
  assert_string_equal(
      e.msg,
      "KIOSK_PACK_PASSPHRASE is empty — set a passphrase, or use --unencrypted for a key without one");
  setenv(KEYS_PASSPHRASE_ENV, "pw", 1);
  assert_int_equal(keys_passphrase_read("x.key", 1, buf, sizeof buf, &e), 0);
  assert_string_equal(buf, "pw");
  sodium_memzero(buf, sizeof buf);
  unsetenv(KEYS_PASSPHRASE_ENV);
}

int main(int argc, char **argv);
static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_keyid_format_and_parse),
    cmocka_unit_test(test_pubkey_file_form),
    cmocka_unit_test(test_pubkey_bare_base64),
    cmocka_unit_test(test_pubkey_bad_base64),
    cmocka_unit_test(test_pubkey_wrong_length),
    cmocka_unit_test(test_pubkey_unknown_algorithm),
    cmocka_unit_test(test_pubkey_malformed_lines),
    cmocka_unit_test(test_minisig_parses_minisign_output),
    cmocka_unit_test(test_minisig_bad_base64),
    cmocka_unit_test(test_minisig_wrong_length),
    cmocka_unit_test(test_minisig_unknown_algorithm),
    cmocka_unit_test(test_minisig_legacy_refused),
    cmocka_unit_test(test_minisig_missing_untrusted_comment),
    cmocka_unit_test(test_minisig_missing_trusted_comment),
    cmocka_unit_test(test_minisig_missing_global_signature),
    cmocka_unit_test(test_minisig_trailing_text_and_bytes),
    cmocka_unit_test(test_minisig_crlf_accepted),
    cmocka_unit_test(test_minisig_size_limits),
    cmocka_unit_test(test_verify_minisign_signature),
    cmocka_unit_test(test_verify_tampered_message),
    cmocka_unit_test(test_verify_tampered_trusted_comment),
    cmocka_unit_test(test_verify_untrusted_key),
    cmocka_unit_test(test_verify_revoked_key),
    cmocka_unit_test(test_trust_conflicting_key_id),
    cmocka_unit_test(test_stream_equals_oneshot),
    cmocka_unit_test_setup_teardown(test_trust_dir_skips_bad_file, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_trust_dir_without_keys, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_trust_named_bad_file_is_error, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_sign_verify_roundtrip, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_sign_refuses_bad_comment, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_unencrypted_key_file, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_minisign_unencrypted_key_loads, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_encrypted_key_roundtrip, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_wrong_passphrase, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_damaged_secret_key, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_keygen_refuses_overwrite, setup_tmp, teardown_tmp),
    cmocka_unit_test_setup_teardown(test_no_passphrase_source, setup_tmp, teardown_tmp),
};
KTEST_MAIN(tests)
