/* sig.c — minisign public keys, .minisig signatures, the trusted key set and
 * verification (see sig.h). Verify only: nothing here signs or touches a
 * secret key, so the kiosk can link it without carrying signing code.
 *
 * Formats, as minisign 0.11 writes them (all base64 is the standard alphabet
 * with padding; multi-byte integers are little-endian):
 *   public key  "Ed" | key id (8) | Ed25519 public key (32)       = 42 bytes
 *   signature   "ED" | key id (8) | Ed25519 signature (64)        = 74 bytes
 *   global sig  Ed25519 over (signature (64) | trusted comment)    = 64 bytes
 * With "ED" the signed message is the BLAKE2b-512 hash of the file.
 *
 * Every parse works on a bounded buffer and checks each length before it
 * copies; nothing here exits or aborts on bad input. */
#include "core/sig.h"
#include "core/fsutil.h"
#include "core/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define KEYID_BYTES 8
#define ALG_BYTES 2
#define PUBKEY_STRUCT_BYTES (ALG_BYTES + KEYID_BYTES + SIG_PUBKEY_BYTES)
#define SIG_STRUCT_BYTES (ALG_BYTES + KEYID_BYTES + crypto_sign_BYTES)

#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "

/* minisign reads the untrusted comment line into a 1024-byte buffer. */
#define UNTRUSTED_LINE_MAX 1023
/* Longest base64 line we decode; the real ones are 56, 100 and 88
 * characters, so this only bounds the decode buffer. */
#define B64_LINE_MAX 240
#define B64_BIN_MAX (B64_LINE_MAX / 4 * 3)

struct sig_trust {
  struct sig_pubkey *keys;
  size_t nkeys, capkeys;
  uint64_t *revoked;
  size_t nrevoked, caprevoked;
};

struct sig_minisig {
  uint64_t key_id;
  unsigned char global_sig[crypto_sign_BYTES];
  size_t comment_len;
  /* The signature (64 bytes) followed by the trusted comment and a NUL:
   * the first 64 + comment_len bytes are exactly what the global signature
   * covers, so verification needs no copy. */
  unsigned char signed_tail[];
};

struct sig_stream {
  crypto_generichash_state hash;
  int spent;
};

/* libsodium must be started once before use; later calls are cheap. */
static int crypto_ready(void)
{
  return sodium_init() >= 0;
}

static const char *name_or(const char *name)
{
  return name && *name ? name : "signature";
}

uint64_t sig_le64_load(const unsigned char p[8])
{
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

void sig_le64_store(unsigned char p[8], uint64_t v)
{
  for (int i = 0; i < 8; i++) {
    p[i] = (unsigned char)(v & 0xff);
    v >>= 8;
  }
}

void sig_keyid_format(uint64_t key_id, char out[SIG_KEYID_BUFSZ])
{
  snprintf(out, SIG_KEYID_BUFSZ, "%016" PRIX64, key_id);
}

int sig_keyid_parse(const char *text, uint64_t *key_id, struct kerr *e)
{
  uint64_t v = 0;
  size_t i;
  for (i = 0; text[i] && i < SIG_KEYID_HEX_LEN; i++) {
    char c = text[i];
    unsigned d;
    if (c >= '0' && c <= '9')
      d = (unsigned)(c - '0');
    else if (c >= 'A' && c <= 'F')
      d = (unsigned)(c - 'A' + 10);
    else if (c >= 'a' && c <= 'f')
      d = (unsigned)(c - 'a' + 10);
    else
      break;
    v = (v << 4) | d;
  }
  if (i != SIG_KEYID_HEX_LEN || text[i] != '\0')
    return kerr_set(e, KERR_INVAL,
                    "\"%.40s\" is not a key id — expected 16 hex digits such as 180F395E82E0112A",
                    text);
  *key_id = v;
  return 0;
}

/* ---- Lines ------------------------------------------------------------ */

/* A cursor over text split into lines at "\n"; one "\r" before the "\n" is
 * not part of the line (minisign trims it too). */
struct lines {
  const char *text;
  size_t len, pos;
  int number; /* of the line last returned, from 1 */
};

/* Sets *line and *line_len to the next line; 0 at the end of the text. */
static int lines_next(struct lines *ls, const char **line, size_t *line_len)
{
  if (ls->pos >= ls->len)
    return 0;
  const char *start = ls->text + ls->pos;
  size_t rest = ls->len - ls->pos;
  const char *nl = memchr(start, '\n', rest);
  size_t n = nl ? (size_t)(nl - start) : rest;
  ls->pos += nl ? n + 1 : n;
  if (n > 0 && start[n - 1] == '\r')
    n--;
  *line = start;
  *line_len = n;
  ls->number++;
  return 1;
}

/* 1 if only empty lines are left. */
static int lines_rest_blank(struct lines *ls)
{
  const char *line;
  size_t n;
  while (lines_next(ls, &line, &n))
    if (n > 0)
      return 0;
  return 1;
}

static int starts_with(const char *line, size_t n, const char *prefix)
{
  size_t plen = strlen(prefix);
  return n >= plen && memcmp(line, prefix, plen) == 0;
}

/* Two algorithm bytes as something printable: "Ed", or "\x00\x01". */
static void alg_printable(const unsigned char *alg, char out[16])
{
  size_t o = 0;
  for (int i = 0; i < ALG_BYTES; i++) {
    if (alg[i] >= 0x20 && alg[i] < 0x7f && alg[i] != '"' && alg[i] != '\\')
      out[o++] = (char)alg[i];
    else
      o += (size_t)snprintf(out + o, 16 - o, "\\x%02X", alg[i]);
  }
  out[o] = '\0';
}

/* Decodes one base64 line into out (B64_BIN_MAX bytes). 0, or -1 if the
 * line is too long or is not padded standard base64. */
static int b64_decode(const char *line, size_t n, unsigned char *out, size_t *out_len)
{
  if (n == 0 || n > B64_LINE_MAX)
    return -1;
  if (sodium_base642bin(out, B64_BIN_MAX, line, n, NULL, out_len, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return -1;
  return 0;
}

/* Checks what all our text formats share: a size cap and no NUL bytes
 * (minisign stops at a NUL, so a NUL would make us read what it does not). */
static int check_text(const char *text, size_t len, size_t max, const char *name, const char *what,
                      int code, struct kerr *e)
{
  if (len > max)
    return kerr_set(e, code,
                    "%s: %s is %zu bytes, more than the %zu it can have — is this the right file?",
                    name, what, len, max);
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    int line = 1;
    for (const char *p = text; p < nul; p++)
      line += *p == '\n';
    return kerr_set(e, code, "%s: line %d: contains a NUL byte — this is not a minisign %s", name,
                    line, what);
  }
  return 0;
}

/* ---- Public keys ------------------------------------------------------ */

static int pubkey_decode(const char *line, size_t n, int lineno, const char *name,
                         struct sig_pubkey *out, struct kerr *e)
{
  unsigned char bin[B64_BIN_MAX];
  size_t bin_len = 0;
  if (b64_decode(line, n, bin, &bin_len) != 0)
    return kerr_set(
        e, KERR_PARSE,
        "%s: line %d: public key is not valid base64 — was an actual minisign public key given?",
        name, lineno);
  if (bin_len != PUBKEY_STRUCT_BYTES)
    return kerr_set(
        e, KERR_PARSE,
        "%s: line %d: public key is %zu bytes, expected %d (algorithm, key id, key) — was an actual minisign public key given?",
        name, lineno, bin_len, PUBKEY_STRUCT_BYTES);
  if (memcmp(bin, "Ed", ALG_BYTES) != 0) {
    char alg[16];
    alg_printable(bin, alg);
    return kerr_set(e, KERR_PARSE, "%s: line %d: unknown key algorithm \"%s\" (expected \"Ed\")",
                    name, lineno, alg);
  }
  out->key_id = sig_le64_load(bin + ALG_BYTES);
  memcpy(out->key, bin + ALG_BYTES + KEYID_BYTES, SIG_PUBKEY_BYTES);
  return 0;
}

int sig_pubkey_parse(const char *text, size_t len, const char *name, struct sig_pubkey *out,
                     struct kerr *e)
{
  name = name_or(name);
  int rc = check_text(text, len, SIG_PUBKEY_FILE_MAX, name, "public key", KERR_PARSE, e);
  if (rc)
    return rc;
  struct lines ls = {text, len, 0, 0};
  const char *line;
  size_t n;
  if (!lines_next(&ls, &line, &n) || n == 0)
    return kerr_set(
        e, KERR_PARSE,
        "%s: line 1: empty — expected a minisign public key (\"untrusted comment: ...\" then the key)",
        name);
  if (starts_with(line, n, UNTRUSTED_PREFIX)) {
    if (n > UNTRUSTED_LINE_MAX)
      return kerr_set(e, KERR_PARSE, "%s: line 1: comment is longer than %d bytes", name,
                      UNTRUSTED_LINE_MAX);
    if (!lines_next(&ls, &line, &n) || n == 0)
      return kerr_set(e, KERR_PARSE,
                      "%s: line 2: missing — expected the base64 public key after the comment line",
                      name);
  } else if (memchr(line, ':', n) || memchr(line, ' ', n)) {
    return kerr_set(e, KERR_PARSE,
                    "%s: line 1: expected \"untrusted comment: ...\" or a bare base64 public key",
                    name);
  }
  struct sig_pubkey pk;
  rc = pubkey_decode(line, n, ls.number, name, &pk, e);
  if (rc)
    return rc;
  if (!lines_rest_blank(&ls))
    return kerr_set(e, KERR_PARSE, "%s: line %d: unexpected text after the public key", name,
                    ls.number);
  *out = pk;
  return 0;
}

int sig_pubkey_load(const char *path, struct sig_pubkey *out, struct kerr *e)
{
  char *text = NULL;
  size_t len = 0;
  int rc = fsutil_read_file(path, SIG_PUBKEY_FILE_MAX, "minisign public key", &text, &len, e);
  if (rc)
    return rc;
  rc = sig_pubkey_parse(text, len, path, out, e);
  free(text);
  return rc;
}

int sig_pubkey_format(const struct sig_pubkey *pk, char *out, size_t outsz)
{
  if (!out || outsz < SIG_PUBKEY_TEXT_BUFSZ)
    return KERR_INVAL;
  unsigned char bin[PUBKEY_STRUCT_BYTES];
  memcpy(bin, "Ed", ALG_BYTES);
  sig_le64_store(bin + ALG_BYTES, pk->key_id);
  memcpy(bin + ALG_BYTES + KEYID_BYTES, pk->key, SIG_PUBKEY_BYTES);
  char b64[sodium_base64_ENCODED_LEN(PUBKEY_STRUCT_BYTES, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64, sizeof b64, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
  char id[SIG_KEYID_BUFSZ];
  sig_keyid_format(pk->key_id, id);
  int n = snprintf(out, outsz, UNTRUSTED_PREFIX "minisign public key %s\n%s\n", id, b64);
  if (n < 0 || (size_t)n >= outsz)
    return KERR_INVAL;
  return n;
}

/* ---- Trusted keys ----------------------------------------------------- */

struct sig_trust *sig_trust_new(void)
{
  return calloc(1, sizeof(struct sig_trust));
}

void sig_trust_free(struct sig_trust *t)
{
  if (!t)
    return;
  free(t->keys);
  free(t->revoked);
  free(t);
}

static int is_revoked(const struct sig_trust *t, uint64_t key_id)
{
  for (size_t i = 0; i < t->nrevoked; i++)
    if (t->revoked[i] == key_id)
      return 1;
  return 0;
}

static const struct sig_pubkey *find_key(const struct sig_trust *t, uint64_t key_id)
{
  for (size_t i = 0; i < t->nkeys; i++)
    if (t->keys[i].key_id == key_id)
      return &t->keys[i];
  return NULL;
}

int sig_trust_add(struct sig_trust *t, const struct sig_pubkey *pk, struct kerr *e)
{
  char id[SIG_KEYID_BUFSZ];
  sig_keyid_format(pk->key_id, id);
  if (is_revoked(t, pk->key_id))
    return kerr_set(e, KERR_REVOKED, "key %s has been revoked and cannot be trusted again", id);
  const struct sig_pubkey *old = find_key(t, pk->key_id);
  if (old) {
    /* Public keys: no secret to protect, but compare the whole key anyway. */
    if (sodium_memcmp(old->key, pk->key, SIG_PUBKEY_BYTES) == 0)
      return 0;
    return kerr_set(
        e, KERR_INVAL,
        "key id %s is already trusted with a different key — two public keys claim the same id; remove the wrong one",
        id);
  }
  if (t->nkeys == t->capkeys) {
    size_t cap = t->capkeys ? t->capkeys * 2 : 4;
    struct sig_pubkey *keys = realloc(t->keys, cap * sizeof *keys);
    if (!keys)
      return kerr_set(e, KERR_NOMEM, "out of memory adding trusted key %s", id);
    t->keys = keys;
    t->capkeys = cap;
  }
  t->keys[t->nkeys++] = *pk;
  return 0;
}

int sig_trust_revoke(struct sig_trust *t, uint64_t key_id, struct kerr *e)
{
  for (size_t i = 0; i < t->nkeys; i++) {
    if (t->keys[i].key_id == key_id) {
      t->keys[i] = t->keys[--t->nkeys];
      break;
    }
  }
  if (is_revoked(t, key_id))
    return 0;
  if (t->nrevoked == t->caprevoked) {
    size_t cap = t->caprevoked ? t->caprevoked * 2 : 4;
    uint64_t *rev = realloc(t->revoked, cap * sizeof *rev);
    if (!rev) {
      char id[SIG_KEYID_BUFSZ];
      sig_keyid_format(key_id, id);
      return kerr_set(e, KERR_NOMEM, "out of memory revoking key %s", id);
    }
    t->revoked = rev;
    t->caprevoked = cap;
  }
  t->revoked[t->nrevoked++] = key_id;
  return 0;
}

int sig_trust_contains(const struct sig_trust *t, uint64_t key_id)
{
  return find_key(t, key_id) != NULL && !is_revoked(t, key_id);
}

int sig_trust_revoked(const struct sig_trust *t, uint64_t key_id)
{
  return is_revoked(t, key_id);
}

size_t sig_trust_count(const struct sig_trust *t)
{
  return t->nkeys;
}

int sig_trust_load_file(struct sig_trust *t, const char *path, struct kerr *e)
{
  struct sig_pubkey pk;
  int rc = sig_pubkey_load(path, &pk, e);
  if (rc)
    return rc;
  rc = sig_trust_add(t, &pk, e);
  if (rc)
    kerr_prefix(e, "%s", path);
  return rc;
}

static int pub_name_filter(const struct dirent *d)
{
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".pub") == 0;
}

int sig_trust_load_dir(struct sig_trust *t, const char *dir, struct kerr *e)
{
  struct dirent **list = NULL;
  int n = scandir(dir, &list, pub_name_filter, alphasort);
  if (n < 0)
    return kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno,
                      "trusted-keys folder %s: cannot read it", dir);
  int usable = 0, skipped = 0, rc = 0;
  for (int i = 0; i < n; i++) {
    size_t plen = strlen(dir) + 1 + strlen(list[i]->d_name) + 1;
    char *path = malloc(plen);
    if (!path) {
      rc = kerr_set(e, KERR_NOMEM, "trusted-keys folder %s: out of memory", dir);
      break;
    }
    snprintf(path, plen, "%s/%s", dir, list[i]->d_name);
    struct kerr fe;
    kerr_clear(&fe);
    if (sig_trust_load_file(t, path, &fe) == 0) {
      usable++;
    } else if (fe.code == KERR_NOMEM) {
      rc = kerr_set(e, KERR_NOMEM, "%s", fe.msg);
      free(path);
      break;
    } else {
      skipped++;
      log_warn("trusted keys: skipped %s", fe.msg);
    }
    free(path);
  }
  for (int i = 0; i < n; i++)
    free(list[i]);
  free(list);
  if (rc)
    return rc;
  if (usable == 0)
    return kerr_set(
        e, KERR_NOENT,
        "trusted-keys folder %s holds no usable public key (%d .pub file%s skipped) — copy the content team's .pub file into it",
        dir, skipped, skipped == 1 ? "" : "s");
  return usable;
}

int sig_trust_load(struct sig_trust *t, const char *path, struct kerr *e)
{
  struct stat st;
  if (stat(path, &st) != 0)
    return kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno,
                      "trusted keys %s: cannot open", path);
  if (S_ISDIR(st.st_mode))
    return sig_trust_load_dir(t, path, e);
  int rc = sig_trust_load_file(t, path, e);
  return rc ? rc : 1;
}

/* ---- Signatures ------------------------------------------------------- */

int sig_minisig_parse(const char *text, size_t len, const char *name, struct sig_minisig **out,
                      struct kerr *e)
{
  *out = NULL;
  name = name_or(name);
  int rc = check_text(text, len, SIG_MINISIG_FILE_MAX, name, "signature", KERR_SIG, e);
  if (rc)
    return rc;

  struct lines ls = {text, len, 0, 0};
  const char *line;
  size_t n;

  /* Line 1: the untrusted comment, which nothing checks but minisign
   * requires to be there. */
  if (!lines_next(&ls, &line, &n))
    return kerr_set(
        e, KERR_SIG,
        "%s: the signature file is empty — expected a minisign signature starting with \"" UNTRUSTED_PREFIX
        "\"",
        name);
  if (!starts_with(line, n, UNTRUSTED_PREFIX))
    return kerr_set(
        e, KERR_SIG,
        "%s: line 1: expected \"" UNTRUSTED_PREFIX "...\" — is this a minisign signature?", name);
  if (n > UNTRUSTED_LINE_MAX)
    return kerr_set(e, KERR_SIG, "%s: line 1: untrusted comment is longer than %d bytes", name,
                    UNTRUSTED_LINE_MAX);
  if (memchr(line, '\r', n))
    return kerr_set(e, KERR_SIG, "%s: line 1: carriage return inside the line", name);

  /* Line 2: algorithm, key id and signature. */
  if (!lines_next(&ls, &line, &n) || n == 0)
    return kerr_set(e, KERR_SIG, "%s: line 2: missing — expected the base64 signature line", name);
  unsigned char bin[B64_BIN_MAX];
  size_t bin_len = 0;
  if (b64_decode(line, n, bin, &bin_len) != 0)
    return kerr_set(e, KERR_SIG,
                    "%s: line 2: signature is not valid base64 — was an actual signature given?",
                    name);
  if (bin_len != SIG_STRUCT_BYTES)
    return kerr_set(
        e, KERR_SIG,
        "%s: line 2: signature is %zu bytes, expected %d (algorithm, key id, signature)", name,
        bin_len, SIG_STRUCT_BYTES);
  if (memcmp(bin, "Ed", ALG_BYTES) == 0)
    return kerr_set(
        e, KERR_SIG,
        "%s: legacy minisign signature (algorithm Ed) is refused — sign again with kiosk-pack or with minisign without -l (algorithm ED)",
        name);
  if (memcmp(bin, "ED", ALG_BYTES) != 0) {
    char alg[16];
    alg_printable(bin, alg);
    return kerr_set(e, KERR_SIG, "%s: line 2: unknown signature algorithm \"%s\" (expected \"ED\")",
                    name, alg);
  }

  /* Line 3: the trusted comment. */
  if (!lines_next(&ls, &line, &n) || n == 0)
    return kerr_set(e, KERR_SIG, "%s: line 3: missing — expected \"" TRUSTED_PREFIX "...\"", name);
  if (!starts_with(line, n, TRUSTED_PREFIX))
    return kerr_set(e, KERR_SIG, "%s: line 3: expected \"" TRUSTED_PREFIX "...\"", name);
  const char *comment = line + strlen(TRUSTED_PREFIX);
  size_t comment_len = n - strlen(TRUSTED_PREFIX);
  if (comment_len > SIG_TRUSTED_COMMENT_MAX)
    return kerr_set(e, KERR_SIG,
                    "%s: line 3: trusted comment is %zu bytes, more than the %d minisign accepts",
                    name, comment_len, SIG_TRUSTED_COMMENT_MAX);
  if (memchr(comment, '\r', comment_len))
    return kerr_set(e, KERR_SIG, "%s: line 3: carriage return inside the trusted comment", name);

  /* Line 4: the global signature. */
  if (!lines_next(&ls, &line, &n) || n == 0)
    return kerr_set(e, KERR_SIG, "%s: line 4: missing — expected the base64 global signature",
                    name);
  unsigned char global[B64_BIN_MAX];
  size_t global_len = 0;
  if (b64_decode(line, n, global, &global_len) != 0)
    return kerr_set(
        e, KERR_SIG,
        "%s: line 4: global signature is not valid base64 — was an actual signature given?", name);
  if (global_len != crypto_sign_BYTES)
    return kerr_set(e, KERR_SIG, "%s: line 4: global signature is %zu bytes, expected %d", name,
                    global_len, crypto_sign_BYTES);

  if (!lines_rest_blank(&ls))
    return kerr_set(e, KERR_SIG, "%s: line %d: unexpected text after the global signature", name,
                    ls.number);

  struct sig_minisig *s = malloc(sizeof *s + crypto_sign_BYTES + comment_len + 1);
  if (!s)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory reading the signature", name);
  s->key_id = sig_le64_load(bin + ALG_BYTES);
  memcpy(s->global_sig, global, crypto_sign_BYTES);
  memcpy(s->signed_tail, bin + ALG_BYTES + KEYID_BYTES, crypto_sign_BYTES);
  memcpy(s->signed_tail + crypto_sign_BYTES, comment, comment_len);
  s->signed_tail[crypto_sign_BYTES + comment_len] = '\0';
  s->comment_len = comment_len;
  *out = s;
  return 0;
}

void sig_minisig_free(struct sig_minisig *s)
{
  free(s);
}

uint64_t sig_minisig_key_id(const struct sig_minisig *s)
{
  return s->key_id;
}

/* The checks after hashing, shared by the one-shot and streaming forms. */
static int verify_hash(const struct sig_trust *t, const struct sig_minisig *sig,
                       const unsigned char hash[crypto_generichash_BYTES_MAX], const char *name,
                       struct sig_verified *out, struct kerr *e)
{
  name = name_or(name);
  if (!crypto_ready())
    return kerr_set(e, KERR_INVAL, "%s: the crypto library (libsodium) could not start", name);
  char id[SIG_KEYID_BUFSZ];
  sig_keyid_format(sig->key_id, id);
  if (is_revoked(t, sig->key_id))
    return kerr_set(
        e, KERR_REVOKED,
        "%s: signature is from a revoked key (key %s) — ask the content team for a pack signed with the current key",
        name, id);
  const struct sig_pubkey *pk = find_key(t, sig->key_id);
  if (!pk)
    return kerr_set(
        e, KERR_UNTRUSTED,
        "%s: signature is not from a trusted key (key %s) — ask the content team for a pack signed with the current key",
        name, id);
  if (crypto_sign_verify_detached(sig->signed_tail, hash, crypto_generichash_BYTES_MAX, pk->key) !=
      0)
    return kerr_set(
        e, KERR_BADSIG,
        "%s: signature does not match the signed data (key %s) — it was changed or damaged after signing; get a fresh copy",
        name, id);
  if (crypto_sign_verify_detached(sig->global_sig, sig->signed_tail,
                                  crypto_sign_BYTES + sig->comment_len, pk->key) != 0)
    return kerr_set(
        e, KERR_BADSIG,
        "%s: trusted comment does not match its signature (key %s) — the signature was changed after signing; get a fresh copy",
        name, id);
  if (out) {
    out->key_id = sig->key_id;
    memcpy(out->trusted_comment, sig->signed_tail + crypto_sign_BYTES, sig->comment_len);
    out->trusted_comment[sig->comment_len] = '\0';
  }
  return 0;
}

int sig_verify_parsed(const struct sig_trust *t, const struct sig_minisig *sig, const void *msg,
                      size_t msg_len, const char *name, struct sig_verified *out, struct kerr *e)
{
  unsigned char hash[crypto_generichash_BYTES_MAX];
  if (!crypto_ready())
    return kerr_set(e, KERR_INVAL, "%s: the crypto library (libsodium) could not start",
                    name_or(name));
  crypto_generichash(hash, sizeof hash, msg, msg_len, NULL, 0);
  return verify_hash(t, sig, hash, name, out, e);
}

int sig_verify(const struct sig_trust *t, const void *msg, size_t msg_len, const char *sig_text,
               size_t sig_len, const char *name, struct sig_verified *out, struct kerr *e)
{
  struct sig_minisig *sig = NULL;
  int rc = sig_minisig_parse(sig_text, sig_len, name, &sig, e);
  if (rc)
    return rc;
  rc = sig_verify_parsed(t, sig, msg, msg_len, name, out, e);
  sig_minisig_free(sig);
  return rc;
}

/* ---- Streaming -------------------------------------------------------- */

struct sig_stream *sig_stream_new(void)
{
  /* libsodium declares its hash state 64-byte aligned; malloc promises
   * less, so ask for the alignment (aligned_alloc wants a multiple). */
  size_t align = _Alignof(struct sig_stream);
  size_t size = (sizeof(struct sig_stream) + align - 1) / align * align;
  if (!crypto_ready())
    return NULL;
  struct sig_stream *s = aligned_alloc(align, size);
  if (!s)
    return NULL;
  memset(s, 0, size);
  crypto_generichash_init(&s->hash, NULL, 0, crypto_generichash_BYTES_MAX);
  return s;
}

void sig_stream_update(struct sig_stream *s, const void *data, size_t len)
{
  if (!s->spent && len > 0)
    crypto_generichash_update(&s->hash, data, len);
}

int sig_stream_final(struct sig_stream *s, const struct sig_trust *t, const struct sig_minisig *sig,
                     const char *name, struct sig_verified *out, struct kerr *e)
{
  if (s->spent)
    return kerr_set(e, KERR_INVAL, "%s: signature check was already finished", name_or(name));
  s->spent = 1;
  unsigned char hash[crypto_generichash_BYTES_MAX];
  crypto_generichash_final(&s->hash, hash, sizeof hash);
  return verify_hash(t, sig, hash, name, out, e);
}

void sig_stream_free(struct sig_stream *s)
{
  free(s);
}
