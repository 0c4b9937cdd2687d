/* cmd_keyring.c — `kiosk-pack keyring ...`: rotating and revoking signing
 * keys in the field with signed keyring updates.
 *
 *   keyring build --version N [--add FILE.pub ...] [--revoke KEYID ...]
 *                 [--base PREVIOUS.kkeys] --key NAME.key [--out FILE]
 *       writes keyring-<N>.kkeys, signed with NAME.key, which must be a key
 *       the kiosks trust now;
 *   keyring install FILE --store DIR --trusted PATH
 *       what a kiosk does with an update from a stick (keyring_install);
 *   keyring status --store DIR [--trusted PATH]
 *       the installed keyring and, with PATH, the keys trusted now;
 *   keyring inspect FILE
 *       what an update claims, without trusting it.
 *
 * The format and the rules are in kiosk/core/keyring.c. Verdicts are one
 * line naming the file, on stdout when it went well and on stderr when not;
 * exit status 0 ok, 1 refused, 2 usage or system error. */
#include "kiosk-pack/cmd_keyring.h"
#include "core/decimal.h"
#include "kiosk-pack/cli.h"
#include "kiosk-pack/keys.h"
#include "kiosk-pack/swriter.h"

#include "core/keyring.h"
#include "core/log.h"
#include "core/manifest.h"
#include "core/store.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 256

/* ---------------------------------------------------------------- build */

static int has_id(const uint64_t *ids, size_t n, uint64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (ids[i] == id)
      return 1;
  return 0;
}

static int find_revoked(const struct keyring_doc *d, uint64_t id)
{
  return has_id(d->revoke, d->n_revoke, id);
}

static int has_key(const struct sig_pubkey *keys, size_t n, uint64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (keys[i].key_id == id)
      return 1;
  return 0;
}

/* The document for o: the base's lists (minus what o revokes), then o's
 * own additions and revocations. */
static int make_doc(const struct cmd_keyring_build_opts *o, struct keyring_doc **out,
                    struct kerr *e)
{
  *out = NULL;
  struct keyring_doc *base = NULL;
  int rc = 0;
  if (o->base) {
    struct keyring_result *res = malloc(sizeof *res);
    if (!res)
      return kerr_set(e, KERR_NOMEM, "out of memory");
    rc = keyring_inspect(o->base, &base, res, e);
    free(res);
    if (rc) {
      kerr_prefix(e, "--base");
      return rc;
    }
    if (o->version <= base->version) {
      rc = kerr_set(e, KERR_USAGE,
                    "--version %" PRIu64 " must be newer "
                    "than the base update %s (version %" PRIu64 ")",
                    o->version, o->base, base->version);
      keyring_doc_free(base);
      return rc;
    }
  }
  size_t n_base_add = base ? base->n_add : 0;
  size_t n_base_rev = base ? base->n_revoke : 0;
  struct keyring_doc *d = calloc(1, sizeof *d);
  if (d) {
    d->add = calloc(n_base_add + o->n_add + 1, sizeof *d->add);
    d->revoke = calloc(n_base_rev + o->n_revoke + 1, sizeof *d->revoke);
  }
  if (!d || !d->add || !d->revoke) {
    keyring_doc_free(d);
    keyring_doc_free(base);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  d->version = o->version;
  d->created = o->created ? o->created : (int64_t)time(NULL);

  for (size_t i = 0; i < n_base_rev; i++)
    d->revoke[d->n_revoke++] = base->revoke[i];
  for (size_t i = 0; i < o->n_revoke && rc == 0; i++) {
    uint64_t id;
    if ((rc = sig_keyid_parse(o->revoke[i], &id, e))) {
      kerr_prefix(e, "--revoke");
      rc = KERR_USAGE;
    } else if (!has_id(d->revoke, d->n_revoke, id)) {
      d->revoke[d->n_revoke++] = id;
    }
  }
  for (size_t i = 0; i < n_base_add && rc == 0; i++)
    if (!has_id(d->revoke, d->n_revoke, base->add[i].key_id))
      d->add[d->n_add++] = base->add[i];
  for (size_t i = 0; i < o->n_add && rc == 0; i++) {
    struct sig_pubkey pk;
    if ((rc = sig_pubkey_load(o->add[i], &pk, e)))
      break;
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(pk.key_id, id);
    if (has_id(d->revoke, d->n_revoke, pk.key_id))
      rc = kerr_set(e, KERR_REVOKED,
                    "%s: key %s is %s — a revoked key can "
                    "never be trusted again; make a new key with 'kiosk-pack "
                    "keygen'",
                    o->add[i], id,
                    base && has_id(base->revoke, base->n_revoke, pk.key_id)
                        ? "revoked by the base update"
                        : "also given to --revoke");
    else if (!has_key(d->add, d->n_add, pk.key_id))
      d->add[d->n_add++] = pk;
  }
  if (rc == 0 && o->n_roots) {
    d->roots = calloc(o->n_roots, sizeof *d->roots);
    if (!d->roots)
      rc = kerr_set(e, KERR_NOMEM, "out of memory");
    d->has_roots = 1;
  }
  for (size_t i = 0; rc == 0 && i < o->n_roots; i++) {
    struct sig_pubkey pk;
    if ((rc = sig_pubkey_load(o->roots[i], &pk, e)))
      break;
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(pk.key_id, id);
    if (has_id(d->revoke, d->n_revoke, pk.key_id))
      rc = kerr_set(e, KERR_REVOKED,
                    "%s: root key %s is revoked — make a "
                    "new root key with 'kiosk-pack keygen'",
                    o->roots[i], id);
    else if (has_key(d->add, d->n_add, pk.key_id))
      rc = kerr_set(e, KERR_USAGE,
                    "%s: key %s is given both as a root key "
                    "and as a signing key — a key is one or the other",
                    o->roots[i], id);
    else if (!has_key(d->roots, d->n_roots, pk.key_id))
      d->roots[d->n_roots++] = pk;
  }
  if (rc == 0 && o->threshold > KEYRING_MAX_ROOTS)
    rc = kerr_set(e, KERR_USAGE, "--threshold must be from 1 to %d", KEYRING_MAX_ROOTS);
  if (rc == 0 && d->has_roots && o->threshold > d->n_roots)
    rc = kerr_set(e, KERR_USAGE,
                  "--threshold %u is more than the %zu root "
                  "key%s given with --root",
                  o->threshold, d->n_roots, d->n_roots == 1 ? "" : "s");
  d->threshold = o->threshold;
  d->has_time_floor = o->time_floor > 0;
  d->time_floor = o->time_floor;
  keyring_doc_free(base);
  if (rc == 0 && (d->n_add > KEYRING_MAX_KEYS || d->n_revoke > KEYRING_MAX_KEYS))
    rc = kerr_set(e, KERR_LIMIT,
                  "an update may add at most %d keys and "
                  "revoke at most %d",
                  KEYRING_MAX_KEYS, KEYRING_MAX_KEYS);
  if (rc) {
    keyring_doc_free(d);
    return rc;
  }
  *out = d;
  return 0;
}

/* The output file: o->out, or keyring-<version>.kkeys in o->out (a folder)
 * or in the current folder. */
static int out_path_for(const struct cmd_keyring_build_opts *o, char *buf, size_t cap,
                        struct kerr *e)
{
  char name[64];
  snprintf(name, sizeof name, "keyring-%" PRIu64 KEYRING_SUFFIX, o->version);
  return cli_out_path(o->out, name, buf, cap, e);
}

/* The update as a tar in memory (core/sarchive's form, through swriter):
 * *out (free()) of *len bytes. */
static int make_tar(const char *json, char *const *sigs, size_t n_sigs, int64_t mtime,
                    enum cmd_build_compress compress, char **out, size_t *len, struct kerr *e)
{
  size_t cap = 2 * strlen(json) + 64 * 1024;
  for (size_t i = 0; i < n_sigs; i++)
    cap += 2 * strlen(sigs[i]) + 1024;
  char *buf = malloc(cap);
  if (!buf)
    return kerr_set(e, KERR_NOMEM, "out of memory writing the update");
  char names[KEYRING_MAX_SIGS][48];
  const char *name_of[KEYRING_MAX_SIGS];
  const char *sig_of[KEYRING_MAX_SIGS];
  for (size_t i = 0; i < n_sigs && i < KEYRING_MAX_SIGS; i++) {
    if (i == 0)
      snprintf(names[i], sizeof names[i], "%s", KEYRING_SIG_NAME);
    else
      snprintf(names[i], sizeof names[i], "%s.%zu.minisig", KEYRING_DOC_NAME, i + 1);
    name_of[i] = names[i];
    sig_of[i] = sigs[i];
  }
  size_t used = 0;
  struct swriter *w = NULL;
  int rc = swriter_open_memory(buf, cap, &used, compress, 1, "update", mtime, &w, e);
  if (rc == 0)
    rc = swriter_close(w, swriter_head(w, KEYRING_DOC_NAME, json, name_of, sig_of, n_sigs, e), e);
  if (rc) {
    free(buf);
    return rc;
  }
  *out = buf;
  *len = used;
  return 0;
}

/* Reads it back as a kiosk would, with the public halves of sks as the
 * root set. */
static int read_back(const char *path, struct keys_secret *const *sks, size_t n, struct kerr *e)
{
  struct sig_trust *trust = sig_trust_new();
  struct keyring_result *res = malloc(sizeof *res);
  int rc = trust && res ? 0 : KERR_NOMEM;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    struct sig_pubkey pub;
    keys_secret_public(sks[i], &pub);
    rc = sig_trust_add(trust, &pub, NULL);
  }
  struct kerr ve;
  kerr_clear(&ve);
  if (rc == 0 && keyring_verify(path, trust, NULL, res, &ve) != 0)
    rc = kerr_set(e, KERR_IO,
                  "the update just written does not verify (%s) "
                  "— this is a bug in kiosk-pack; please report it",
                  ve.msg);
  else if (rc)
    rc = kerr_set(e, KERR_NOMEM, "out of memory checking the update");
  sig_trust_free(trust);
  free(res);
  return rc;
}

int cmd_keyring_build(const struct cmd_keyring_build_opts *o, char *out_path, size_t cap,
                      struct kerr *e)
{
  struct keyring_doc *d = NULL;
  struct keys_secret *sks[KEYRING_MAX_SIGS] = {0};
  char *sigs[KEYRING_MAX_SIGS] = {0};
  size_t n_keys = 0;
  char *json = NULL, *tar = NULL;
  size_t tar_len = 0;
  int rc;
  if (out_path && cap)
    out_path[0] = '\0';
  if (sodium_init() < 0) {
    rc = kerr_set(e, KERR_IO,
                  "the crypto library (libsodium) could not "
                  "start");
    goto out;
  }
  if (o->version < 1 || o->version > KEYRING_MAX_VERSION) {
    rc = kerr_set(e, KERR_USAGE,
                  "--version must be a whole number from 1 "
                  "to %" PRIu64,
                  KEYRING_MAX_VERSION);
    goto out;
  }
  if (!o->key) {
    rc = kerr_set(e, KERR_USAGE, "--key ROOT.key is missing");
    goto out;
  }
  if (1 + o->n_more_keys > KEYRING_MAX_SIGS) {
    rc = kerr_set(e, KERR_USAGE, "at most %d --key options", KEYRING_MAX_SIGS);
    goto out;
  }
  if ((rc = make_doc(o, &d, e)))
    goto out;
  for (size_t i = 0; i <= o->n_more_keys; i++) {
    const char *kp = i == 0 ? o->key : o->more_keys[i - 1];
    if ((rc = keys_secret_load(kp, o->passphrase, &sks[n_keys], e)))
      goto out;
    uint64_t signer = keys_secret_key_id(sks[n_keys++]);
    char signer_id[SIG_KEYID_BUFSZ];
    sig_keyid_format(signer, signer_id);
    for (size_t j = 0; j + 1 < n_keys; j++)
      if (keys_secret_key_id(sks[j]) == signer) {
        rc = kerr_set(e, KERR_USAGE, "%s: key %s is given twice with --key", kp, signer_id);
        goto out;
      }
    if (has_id(d->revoke, d->n_revoke, signer)) {
      rc = kerr_set(e, KERR_REVOKED,
                    "%s: this update revokes key %s, the "
                    "key it would be signed with — kiosks refuse that; sign "
                    "it with a key that stays trusted",
                    kp, signer_id);
      goto out;
    }
    if (has_key(d->add, d->n_add, signer)) {
      rc = kerr_set(e, KERR_USAGE,
                    "%s: key %s signs this update, so it is a "
                    "root key, and it is also given to --add — root keys "
                    "sign keyring updates only; make a separate signing key "
                    "for packs with 'kiosk-pack keygen'",
                    kp, signer_id);
      goto out;
    }
  }
  if (d->has_roots) {
    /* A rotation is signed by the new set too (see core/keyring.c). */
    unsigned need = d->threshold ? d->threshold : 1, have = 0;
    for (size_t i = 0; i < n_keys; i++)
      have += has_key(d->roots, d->n_roots, keys_secret_key_id(sks[i]));
    if (have < need) {
      rc = kerr_set(e, KERR_USAGE,
                    "a new root set must sign the update "
                    "that names it: give %u of the new root keys with --key "
                    "(besides the current ones); %u given",
                    need, have);
      goto out;
    }
  }
  if ((rc = keyring_doc_format(d, &json, e)))
    goto out;
  char comment[KEYRING_COMMENT_BUFSZ];
  keyring_trusted_comment(d->version, comment, sizeof comment);
  for (size_t i = 0; i < n_keys; i++) {
    size_t sig_len = 0;
    if ((rc = keys_sign(sks[i], json, strlen(json), comment, &sigs[i], &sig_len, e)))
      goto out;
  }
  if ((rc = make_tar(json, sigs, n_keys, d->created, o->compress, &tar, &tar_len, e)))
    goto out;
  char path[PATH_MAX];
  if ((rc = out_path_for(o, path, sizeof path, e)) ||
      (rc = keys_write_atomic(path, tar, tar_len, 0644, 0, e)))
    goto out;
  if ((rc = read_back(path, sks, n_keys, e))) {
    unlink(path);
    goto out;
  }
  if (out_path)
    snprintf(out_path, cap, "%s", path);
  rc = 0;
out:
  keyring_doc_free(d);
  for (size_t i = 0; i < KEYRING_MAX_SIGS; i++) {
    keys_secret_free(sks[i]);
    free(sigs[i]);
  }
  free(json);
  free(tar);
  return rc;
}

/* How the update at path is compressed, from its first bytes. */
static enum cmd_build_compress compression_of(const char *path)
{
  unsigned char m[4] = {0};
  FILE *f = fopen(path, "rb");
  size_t n = f ? fread(m, 1, sizeof m, f) : 0;
  if (f)
    fclose(f);
  if (n >= 2 && m[0] == 0x1F && m[1] == 0x8B)
    return CMD_BUILD_GZIP;
  if (n >= 4 && m[0] == 0x28 && m[1] == 0xB5 && m[2] == 0x2F && m[3] == 0xFD)
    return CMD_BUILD_ZSTD;
  return CMD_BUILD_NONE;
}

int cmd_keyring_sign(const char *path, const char *key_path, const char *passphrase, struct kerr *e)
{
  char *json = NULL, *sigs[KEYRING_MAX_SIGS + 1] = {0}, *tar = NULL;
  size_t n_sigs = 0, tar_len = 0;
  enum cmd_build_compress compress = CMD_BUILD_GZIP;
  int64_t mtime = 0;
  struct keys_secret *sk = NULL;
  struct keyring_doc *d = NULL;
  struct keyring_result *res = calloc(1, sizeof *res);
  int rc = res ? 0 : kerr_set(e, KERR_NOMEM, "out of memory");
  if (rc == 0 && sodium_init() < 0)
    rc = kerr_set(e, KERR_IO,
                  "the crypto library (libsodium) could not "
                  "start");
  /* What the kiosks will read: the update must be whole first. */
  if (rc == 0 && (rc = keyring_inspect(path, &d, res, e)) == 0)
    rc = keyring_read_members(path, &json, sigs, &n_sigs, e);
  if (rc == 0) {
    compress = compression_of(path);
    mtime = d->created;
  }
  if (rc == 0)
    rc = keys_secret_load(key_path, passphrase, &sk, e);
  if (rc == 0) {
    uint64_t id = keys_secret_key_id(sk);
    char hex[SIG_KEYID_BUFSZ];
    sig_keyid_format(id, hex);
    for (size_t i = 0; i < n_sigs; i++) {
      struct sig_minisig *m = NULL;
      if (sig_minisig_parse(sigs[i], strlen(sigs[i]), "signature", &m, NULL) == 0 &&
          sig_minisig_key_id(m) == id) {
        sig_minisig_free(m);
        rc = 1;
        break;
      }
      sig_minisig_free(m);
    }
    if (rc == 0 && n_sigs >= KEYRING_MAX_SIGS)
      rc = kerr_set(e, KERR_LIMIT,
                    "%s: already carries %d signatures, the "
                    "most an update may have",
                    path, KEYRING_MAX_SIGS);
    if (rc == 0 && d && find_revoked(d, id))
      rc = kerr_set(e, KERR_REVOKED,
                    "%s: this update revokes key %s, the "
                    "key it would be signed with — kiosks refuse that",
                    key_path, hex);
  }
  if (rc == 0) {
    char comment[KEYRING_COMMENT_BUFSZ];
    keyring_trusted_comment(d->version, comment, sizeof comment);
    size_t len = 0;
    rc = keys_sign(sk, json, strlen(json), comment, &sigs[n_sigs], &len, e);
    if (rc == 0)
      n_sigs++;
  }
  if (rc == 0)
    rc = make_tar(json, sigs, n_sigs, mtime, compress, &tar, &tar_len, e);
  if (rc == 0)
    rc = keys_write_atomic(path, tar, tar_len, 0644, 0, e);
  if (rc == 1)
    rc = 0; /* already signed by this key */
  free(res);
  free(json);
  for (size_t i = 0; i <= KEYRING_MAX_SIGS; i++)
    free(sigs[i]);
  free(tar);
  keys_secret_free(sk);
  keyring_doc_free(d);
  return rc;
}

/* ------------------------------------------------------------- commands */

static void keyring_usage(FILE *out)
{
  fputs("Usage: kiosk-pack keyring build --version N --key ROOT.key [--key ROOT2.key ...]\n"
        "                              [--add SIGNING.pub ...] [--revoke KEYID ...]\n"
        "                              [--root NEWROOT.pub ... [--threshold K]]\n"
        "                              [--time-floor now|TIME] [--base PREVIOUS.kkeys]\n"
        "                              [--out FILE]\n"
        "       kiosk-pack keyring sign FILE --key ROOT.key\n"
        "       kiosk-pack keyring install FILE --store DIR --trusted PATH\n"
        "       kiosk-pack keyring status --store DIR [--trusted PATH]\n"
        "       kiosk-pack keyring inspect FILE\n"
        "\n"
        "Two kinds of keys. Root keys (made with 'kiosk-pack keygen', their .pub in\n"
        "every kiosk's trusted-keys folder, their .key kept offline) sign keyring\n"
        "updates and nothing else. Signing keys sign packs and nothing else; a\n"
        "keyring update, keyring-<N>.kkeys, names them (--add) and revokes stolen\n"
        "or retired keys of either kind (--revoke). Kiosks accept an update only\n"
        "when enough of their root keys signed it (1 unless an update set\n"
        "--threshold K) and only when N is newer than the update they have.\n"
        "Revoked keys are never trusted again.\n"
        "\n"
        "build    sign an update with one or more root keys (--key, repeated);\n"
        "         --root names the complete new root set (a rotation: sign with\n"
        "         the old root keys and the new ones); --threshold sets how many\n"
        "         root signatures later updates need; --time-floor resets the\n"
        "         kiosks' time floor (after a wrong clock or a pack dated in the\n"
        "         future made them expire everything); --base repeats the lists\n"
        "         of the previous update, so that a kiosk that missed it catches up\n"
        "sign     add a signature by another root key to an update (k of n)\n"
        "install  install an update into the pack store DIR, as a kiosk does\n"
        "         (PATH is the trusted-keys folder or a root .pub file)\n"
        "status   show the installed keyring and, with PATH, the keys in use\n"
        "inspect  show what an update claims, without checking it\n",
        out);
}

/* Parses a whole number for --version. */
static int parse_version(const char *s, uint64_t *out)
{
  size_t n = strlen(s);
  return n <= 16 ? decimal_u64(s, n, out) : -1;
}

static int run_build(int argc, char **argv)
{
  struct cmd_keyring_build_opts o;
  memset(&o, 0, sizeof o);
  o.compress = CMD_BUILD_GZIP;
  const char *add[MAX_ARGS], *revoke[MAX_ARGS], *roots[MAX_ARGS];
  const char *keys[KEYRING_MAX_SIGS];
  size_t n_keys = 0;
  int have_version = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int takes = !strcmp(a, "--version") || !strcmp(a, "--add") || !strcmp(a, "--revoke") ||
        !strcmp(a, "--key") || !strcmp(a, "--out") || !strcmp(a, "--base") ||
        !strcmp(a, "--root") || !strcmp(a, "--threshold") || !strcmp(a, "--time-floor");
    if (takes && i + 1 < argc) {
      const char *v = argv[++i];
      if (!strcmp(a, "--time-floor")) {
        if (!strcmp(v, "now")) {
          o.time_floor = (int64_t)time(NULL);
        } else if (manifest_parse_time(v, &o.time_floor) || o.time_floor <= 0) {
          fprintf(stderr,
                  "kiosk-pack keyring build: --time-floor takes 'now' or "
                  "a date and time like 2026-11-28T10:00:00Z (not '%s')\n",
                  v);
          return CLI_ERROR;
        }
      } else if (!strcmp(a, "--threshold")) {
        uint64_t k = 0;
        if (parse_version(v, &k) != 0 || k < 1 || k > KEYRING_MAX_ROOTS) {
          fprintf(stderr,
                  "kiosk-pack keyring build: --threshold takes a "
                  "whole number from 1 to %d (not '%s')\n",
                  KEYRING_MAX_ROOTS, v);
          return CLI_ERROR;
        }
        o.threshold = (unsigned)k;
      } else if (!strcmp(a, "--root")) {
        if (o.n_roots == KEYRING_MAX_ROOTS) {
          fprintf(stderr,
                  "kiosk-pack keyring build: at most %d --root "
                  "options\n",
                  KEYRING_MAX_ROOTS);
          return CLI_ERROR;
        }
        roots[o.n_roots++] = v;
      } else if (!strcmp(a, "--version")) {
        if (parse_version(v, &o.version) != 0) {
          fprintf(stderr,
                  "kiosk-pack keyring build: --version takes a whole "
                  "number of 1 or more (not '%s')\n",
                  v);
          return CLI_ERROR;
        }
        have_version = 1;
      } else if (!strcmp(a, "--add") || !strcmp(a, "--revoke")) {
        int is_add = !strcmp(a, "--add");
        size_t *n = is_add ? &o.n_add : &o.n_revoke;
        if (*n == MAX_ARGS) {
          fprintf(stderr, "kiosk-pack keyring build: at most %d %s options\n", MAX_ARGS, a);
          return CLI_ERROR;
        }
        (is_add ? add : revoke)[(*n)++] = v;
      } else if (!strcmp(a, "--key")) {
        if (n_keys == KEYRING_MAX_SIGS) {
          fprintf(stderr,
                  "kiosk-pack keyring build: at most %d --key "
                  "options\n",
                  KEYRING_MAX_SIGS);
          return CLI_ERROR;
        }
        keys[n_keys++] = v;
      } else if (!strcmp(a, "--out")) {
        o.out = v;
      } else {
        o.base = v;
      }
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      keyring_usage(stdout);
      return CLI_OK;
    } else {
      fprintf(stderr,
              "kiosk-pack keyring build: unknown option or missing "
              "value: '%s'\n",
              a);
      keyring_usage(stderr);
      return CLI_ERROR;
    }
  }
  if (!have_version || n_keys == 0) {
    fprintf(stderr, "kiosk-pack keyring build: %s is missing\n",
            !have_version ? "--version N" : "--key ROOT.key");
    keyring_usage(stderr);
    return CLI_ERROR;
  }
  if (o.threshold && o.n_roots == 0 && n_keys < o.threshold)
    fprintf(stderr,
            "kiosk-pack keyring build: note: later updates will need "
            "%u root signatures\n",
            o.threshold);
  o.key = keys[0];
  o.more_keys = keys + 1;
  o.n_more_keys = n_keys - 1;
  o.roots = roots;
  o.add = add;
  o.revoke = revoke;
  struct kerr e;
  kerr_clear(&e);
  char path[PATH_MAX];
  int rc = cmd_keyring_build(&o, path, sizeof path, &e);
  if (rc) {
    fprintf(stderr, "kiosk-pack keyring build: %s\n", e.msg);
    return rc == KERR_USAGE ? CLI_ERROR : cli_exit_code(rc);
  }
  struct keyring_result *res = malloc(sizeof *res);
  struct keyring_doc *d = NULL;
  if (res && keyring_inspect(path, &d, res, NULL) == 0) {
    char by[64];
    if (n_keys == 1)
      snprintf(by, sizeof by, "root key %s", res->key_id);
    else
      snprintf(by, sizeof by, "%zu root keys", n_keys);
    printf("Wrote %s: keyring version %" PRIu64 ", signed with %s; adds "
           "%zu key%s, revokes %zu",
           path, d->version, by, d->n_add, d->n_add == 1 ? "" : "s", d->n_revoke);
    if (d->has_roots)
      printf("; new root set of %zu key%s", d->n_roots, d->n_roots == 1 ? "" : "s");
    if (d->threshold)
      printf("; updates need %u root signature%s from now on", d->threshold,
             d->threshold == 1 ? "" : "s");
    printf("\n");
  } else {
    printf("Wrote %s\n", path);
  }
  keyring_doc_free(d);
  free(res);
  return CLI_OK;
}

/* Parses "FILE --store DIR --trusted PATH"-style arguments. file, store
 * and trusted may be NULL when the subcommand does not take them. */
static int parse_common(const char *sub, int argc, char **argv, const char **file,
                        const char **store, const char **trusted)
{
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (store && !strcmp(a, "--store") && i + 1 < argc) {
      *store = argv[++i];
    } else if (trusted && !strcmp(a, "--trusted") && i + 1 < argc) {
      *trusted = argv[++i];
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      keyring_usage(stdout);
      return -1;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr,
              "kiosk-pack keyring %s: unknown option or missing "
              "value: '%s'\n",
              sub, a);
      keyring_usage(stderr);
      return CLI_ERROR;
    } else if (file && !*file) {
      *file = a;
    } else {
      fprintf(stderr, "kiosk-pack keyring %s: unexpected argument '%s'\n", sub, a);
      return CLI_ERROR;
    }
  }
  return CLI_OK;
}

static int run_install(int argc, char **argv)
{
  const char *file = NULL, *store = NULL, *trusted = NULL;
  int status = parse_common("install", argc, argv, &file, &store, &trusted);
  if (status)
    return status < 0 ? CLI_OK : status;
  if (!file || !store || !trusted) {
    fprintf(stderr, "kiosk-pack keyring install: %s is missing\n",
            !file        ? "FILE"
                : !store ? "--store DIR"
                         : "--trusted PATH (a .pub file or a "
                           "folder of them)");
    keyring_usage(stderr);
    return CLI_ERROR;
  }
  log_set_level(LOG_ERROR);
  struct keyring_result *res = calloc(1, sizeof *res);
  if (!res) {
    fprintf(stderr, "kiosk-pack keyring install: out of memory\n");
    return CLI_ERROR;
  }
  keyring_install(file, store, trusted, res, NULL);
  if (res->status == KEYRING_STATUS_INSTALLED && res->has_time_floor) {
    /* The root-signed reset of the time floor, as a kiosk applies it. */
    struct store *st = NULL;
    struct kerr te;
    if (store_open(store, &st, &te) != 0 || store_reset_time_floor(st, res->time_floor, &te) != 0)
      fprintf(stderr, "kiosk-pack keyring install: %s\n", te.msg);
    store_close(st);
  }
  switch (res->status) {
  case KEYRING_STATUS_INSTALLED:
  case KEYRING_STATUS_UP_TO_DATE: status = CLI_OK; break;
  case KEYRING_STATUS_NONE:
  case KEYRING_STATUS_FAILED: status = CLI_ERROR; break;
  default: status = CLI_REFUSED;
  }
  fprintf(status == CLI_OK ? stdout : stderr, "%s\n", res->msg);
  free(res);
  return status;
}

/* The root keys (from the .pub file or folder of them at path, or the
 * keyring's own after a rotation) and the signing keys, for status. */
static void print_trusted(const char *path, const struct sig_trust *trust,
                          const struct sig_trust *roots, unsigned threshold,
                          const struct keyring_doc *st)
{
  int legacy = st->format != KEYRING_FORMAT;
  printf("Root keys: %zu (keyring updates need %u signature%s)\n", sig_trust_count(roots),
         threshold, threshold == 1 ? "" : "s");
  if (st->has_roots) {
    for (size_t i = 0; i < st->n_roots; i++) {
      char id[SIG_KEYID_BUFSZ];
      sig_keyid_format(st->roots[i].key_id, id);
      printf("  %s  %s (named by the keyring)\n", id,
             sig_trust_contains(roots, st->roots[i].key_id) ? "root" : "REVOKED");
    }
  } else {
    struct stat sb;
    struct dirent **list = NULL;
    int n = 0;
    int is_dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
    if (is_dir)
      n = scandir(path, &list, NULL, alphasort);
    for (int i = 0; i <= n; i++) {
      char file[PATH_MAX];
      if (is_dir) {
        if (i == n)
          break;
        const char *name = list[i]->d_name;
        size_t len = strlen(name);
        if (name[0] == '.' || len <= 4 || strcmp(name + len - 4, ".pub"))
          continue;
        snprintf(file, sizeof file, "%s/%s", path, name);
      } else if (i == 0) {
        snprintf(file, sizeof file, "%s", path);
      } else {
        break;
      }
      struct sig_pubkey pk;
      if (sig_pubkey_load(file, &pk, NULL) != 0)
        continue;
      char id[SIG_KEYID_BUFSZ];
      sig_keyid_format(pk.key_id, id);
      printf("  %s  %s (%s)\n", id,
             !sig_trust_contains(roots, pk.key_id) ? "REVOKED"
                 : legacy ? "root, also signs packs until the first format 2 "
                            "keyring"
                          : "root",
             cli_basename(file));
    }
    for (int i = 0; i < n; i++)
      free(list[i]);
    free(list);
  }
  printf("Signing keys in use: %zu\n", trust ? sig_trust_count(trust) : 0);
  for (size_t i = 0; i < st->n_add; i++) {
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(st->add[i].key_id, id);
    printf("  %s  %s (added by keyring update)\n", id,
           trust && sig_trust_contains(trust, st->add[i].key_id) ? "signing key" : "REVOKED");
  }
}

static int run_status(int argc, char **argv)
{
  const char *store = NULL, *trusted = NULL;
  int status = parse_common("status", argc, argv, NULL, &store, &trusted);
  if (status)
    return status < 0 ? CLI_OK : status;
  if (!store) {
    fprintf(stderr, "kiosk-pack keyring status: --store DIR is missing\n");
    keyring_usage(stderr);
    return CLI_ERROR;
  }
  log_set_level(LOG_ERROR);
  struct keyring_doc *st = NULL;
  struct kerr e;
  kerr_clear(&e);
  if (keyring_state(store, &st, &e) != 0) {
    fprintf(stderr, "kiosk-pack keyring status: %s\n", e.msg);
    return CLI_ERROR;
  }
  if (st->version == 0) {
    printf("Keyring of %s: no keyring update installed\n", store);
  } else {
    char when[48];
    cli_fmt_time(st->created, when, sizeof when);
    printf("Keyring of %s: version %" PRIu64 " (made %s)\n", store, st->version, when);
    printf("Signing keys added by updates: %zu\n", st->n_add);
    for (size_t i = 0; i < st->n_add; i++) {
      char id[SIG_KEYID_BUFSZ];
      sig_keyid_format(st->add[i].key_id, id);
      printf("  %s\n", id);
    }
    printf("Revoked: %zu key%s\n", st->n_revoke, st->n_revoke == 1 ? "" : "s");
    for (size_t i = 0; i < st->n_revoke; i++) {
      char id[SIG_KEYID_BUFSZ];
      sig_keyid_format(st->revoke[i], id);
      printf("  %s\n", id);
    }
  }
  status = CLI_OK;
  if (trusted) {
    struct sig_trust *trust = NULL, *roots = NULL;
    unsigned k = 1;
    if (keyring_load_roots(store, trusted, &roots, &k, &e) != 0) {
      fprintf(stderr, "kiosk-pack keyring status: %s\n", e.msg);
      status = cli_exit_code(e.code);
    } else {
      if (keyring_load_trust(store, trusted, &trust, &e) != 0) {
        fprintf(stderr, "kiosk-pack keyring status: %s\n", e.msg);
        status = cli_exit_code(e.code);
      }
      print_trusted(trusted, trust, roots, k, st);
    }
    sig_trust_free(trust);
    sig_trust_free(roots);
  }
  keyring_doc_free(st);
  return status;
}

static int run_sign(int argc, char **argv)
{
  const char *file = NULL, *key = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--key") && i + 1 < argc) {
      key = argv[++i];
    } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      keyring_usage(stdout);
      return CLI_OK;
    } else if (argv[i][0] != '-' && !file) {
      file = argv[i];
    } else {
      fprintf(stderr, "kiosk-pack keyring sign: unexpected argument '%s'\n", argv[i]);
      keyring_usage(stderr);
      return CLI_ERROR;
    }
  }
  if (!file || !key) {
    fprintf(stderr, "kiosk-pack keyring sign: %s is missing\n", !file ? "FILE" : "--key ROOT.key");
    keyring_usage(stderr);
    return CLI_ERROR;
  }
  struct kerr e;
  kerr_clear(&e);
  int rc = cmd_keyring_sign(file, key, NULL, &e);
  if (rc) {
    fprintf(stderr, "kiosk-pack keyring sign: %s\n", e.msg);
    return cli_exit_code(rc);
  }
  struct keyring_result *res = calloc(1, sizeof *res);
  struct keyring_doc *d = NULL;
  if (res && keyring_inspect(file, &d, res, NULL) == 0)
    printf("Signed %s (keyring version %" PRIu64 ") with %s\n", file, d->version, key);
  keyring_doc_free(d);
  free(res);
  return CLI_OK;
}

static int run_inspect(int argc, char **argv)
{
  const char *file = NULL;
  int status = parse_common("inspect", argc, argv, &file, NULL, NULL);
  if (status)
    return status < 0 ? CLI_OK : status;
  if (!file) {
    fprintf(stderr, "kiosk-pack keyring inspect: FILE is missing\n");
    keyring_usage(stderr);
    return CLI_ERROR;
  }
  struct keyring_result *res = calloc(1, sizeof *res);
  struct keyring_doc *d = NULL;
  if (!res) {
    fprintf(stderr, "kiosk-pack keyring inspect: out of memory\n");
    return CLI_ERROR;
  }
  int rc = keyring_inspect(file, &d, res, NULL);
  if (rc) {
    fprintf(stderr, "%s\n", res->msg);
    free(res);
    return cli_exit_code(rc);
  }
  char when[48];
  cli_fmt_time(d->created, when, sizeof when);
  printf("%s\n", res->msg);
  printf("Version: %" PRIu64 "\nMade: %s\nSigned by key: %s\n", d->version, when,
         res->has_key_id ? res->key_id : "(unreadable signature)");
  printf("Adds: %zu key%s\n", d->n_add, d->n_add == 1 ? "" : "s");
  for (size_t i = 0; i < d->n_add; i++) {
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(d->add[i].key_id, id);
    printf("  %s\n", id);
  }
  printf("Revokes: %zu key%s\n", d->n_revoke, d->n_revoke == 1 ? "" : "s");
  for (size_t i = 0; i < d->n_revoke; i++) {
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(d->revoke[i], id);
    printf("  %s\n", id);
  }
  keyring_doc_free(d);
  free(res);
  return CLI_OK;
}

int cmd_keyring(int argc, char **argv)
{
  if (argc < 2) {
    keyring_usage(stderr);
    return CLI_ERROR;
  }
  const char *sub = argv[1];
  if (!strcmp(sub, "-h") || !strcmp(sub, "--help")) {
    keyring_usage(stdout);
    return CLI_OK;
  }
  if (!strcmp(sub, "build"))
    return run_build(argc - 1, argv + 1);
  if (!strcmp(sub, "install"))
    return run_install(argc - 1, argv + 1);
  if (!strcmp(sub, "sign"))
    return run_sign(argc - 1, argv + 1);
  if (!strcmp(sub, "status"))
    return run_status(argc - 1, argv + 1);
  if (!strcmp(sub, "inspect"))
    return run_inspect(argc - 1, argv + 1);
  fprintf(stderr,
          "kiosk-pack keyring: unknown subcommand '%s' — it is one "
          "of build, sign, install, status, inspect\n",
          sub);
  return CLI_ERROR;
}
