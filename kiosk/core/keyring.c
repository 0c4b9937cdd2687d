/* keyring.c — signed keyring updates: verify, install, and the effective
 * trust set (see keyring.h). Verify only: the kiosk links this; the builder
 * is tools/kiosk-pack/cmd_keyring.c.
 *
 * This module promises that the set of keys a kiosk trusts changes only
 * through an update signed by enough of its root keys, that a signing key
 * (which signs packs) can never change it, that an older update never
 * undoes a newer one, and that a revoked key never comes back.
 *
 * Format, version 2. An update is one file, keyring-<version>.kkeys: a
 * POSIX tar (ustar/pax), uncompressed or compressed with gzip or zstd — the
 * reader enables the tar format and those filters only, as for packs — with
 * these members, in this order:
 *
 *   1. keyring.json (at most KEYRING_MAX_BYTES), for example
 *        {
 *          "format": 2,
 *          "type": "keyring",
 *          "version": 3,
 *          "created": "2026-11-28T10:00:00Z",
 *          "threshold": 2,
 *          "roots": ["RWQ...base64 of a minisign public key", "RWQ..."],
 *          "add": ["RWQf6LRCGA9i5...base64 of a minisign public key"],
 *          "revoke": ["180F395E82E0112A"]
 *        }
 *      "version" is a whole number from 1 to 2^53 - 1 that only goes up;
 *      "created" is RFC 3339; "add" lists signing keys (the base64 line of
 *      a .pub file), "revoke" key ids (16 hex digits) of signing or root
 *      keys. "roots", when present, is the complete new root set (a
 *      rotation; at most KEYRING_MAX_ROOTS keys); "threshold" (1 to the
 *      number of root keys) is how many root signatures updates need from
 *      now on. All four are optional; lists have at most KEYRING_MAX_KEYS
 *      entries, no repeats, and no key is both added and revoked, or both a
 *      root and a signing key. Unknown or repeated fields are refused: a
 *      field this kiosk does not understand could carry a rule it would
 *      then silently skip.
 *   2. keyring.json.minisig, then keyring.json.2.minisig, ... (at most
 *      KEYRING_MAX_SIGS): minisign signatures of the exact bytes of
 *      keyring.json, algorithm ED (the legacy Ed is refused), trusted
 *      comment "kkeyring format=2 version=<version>".
 *
 * Accepted when at least threshold (as installed; 1 at first) of the
 * signatures are by distinct current root keys — the trusted-keys folder's
 * keys, or the set of the last rotation, minus revoked ones — none of them
 * revoked by the update itself; with "roots", also by threshold (the new
 * one if given) keys of the new set, so a rotation is chained: the old set
 * hands over to a new set that proves it holds its keys. Signatures by
 * keys that are not roots are not counted; one by a root key that does not
 * match the bytes refuses the update. The update may not leave fewer root
 * keys than its threshold.
 *
 * Format 1 updates (one signature by any trusted key, which let a stolen
 * signing key revoke everyone else) are refused. A format 1 state is read:
 * its additions stay signing keys and its revocations stay, but its
 * version is no floor for format 2 updates, since any trusted key could
 * have pushed it up to the end.
 *
 * An update is a change on top of what is installed: its keys are added
 * and its ids revoked; earlier additions stay unless revoked, and every
 * revocation stays forever. So that a kiosk that missed an update catches
 * up, the builder can repeat the lists of the previous update
 * (`kiosk-pack keyring build --base PREVIOUS.kkeys`); repeating is
 * harmless.
 *
 * Reading is core/sarchive's, the reader packs use too: one pass with
 * bounded memory, the tar bytes handed to the tar reader capped
 * (READ_BUDGET), so neither a huge header nor a compressed stream that
 * inflates without end can make us read much; the signatures are verified
 * BEFORE keyring.json is parsed.
 *
 * On disk, under <store>/keyring/:
 *   state.json                the commit point, replaced atomically:
 *                             {"format":2, "type":"keyring-state",
 *                              "version": highest installed, "created",
 *                              "update": BLAKE2b-256 hex of its keyring.json,
 *                              "threshold": k,
 *                              "roots": [root set, after a rotation only],
 *                              "add": [signing keys],
 *                              "revoke": [every id ever revoked]}
 *   update-<version>.json     the last accepted update, as signed, for
 *   update-<version>.json.minisig   audit (first signature); written
 *                             before state.json
 *   lock                      flock()ed while an install runs
 * A damaged state.json is never guessed around: loading the trust set fails
 * (KERR_STORE) rather than forget a revocation. */
#include "core/keyring.h"
#include "core/fsutil.h"
#include "core/grow.h"
#include "core/jfield.h"
#include "core/log.h"
#include "core/manifest.h"
#include "core/sarchive.h"

#include "core/arclib.h"
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUF_BYTES (64u * 1024u)
/* Tar bytes an update may take: both members, their headers and extension
 * records, and a chunk of read-ahead. */
#define READ_BUDGET                                                                                \
  ((uint64_t)KEYRING_MAX_BYTES + KEYRING_MAX_SIGS * (KEYRING_SIG_MAX_BYTES + 4u * 4096u) +         \
   16u * 4096u + 2u * BUF_BYTES)
#define STATE_NAME "state.json"
#define STATE_MAX_BYTES (KEYRING_MAX_BYTES * 2u)
#define SHOWN_NAME_MAX 160
#define HASH_HEX_LEN 64

/* ------------------------------------------------------------- helpers */

/* An untrusted name (from an archive or a document) escaped for a
 * message, as every reader of signed archives does. */
static void show_name(const char *raw, char *out, size_t cap)
{
  sarchive_show_name(raw, out, cap);
}

static void set_file_name(const char *path, char *out, size_t cap)
{
  sarchive_file_name(path, out, cap);
}

void keyring_trusted_comment(uint64_t version, char *buf, size_t cap)
{
  snprintf(buf, cap, "kkeyring format=%d version=%" PRIu64, KEYRING_FORMAT, version);
}

const char *keyring_status_name(enum keyring_status status)
{
  switch (status) {
  case KEYRING_STATUS_NONE: return "not checked";
  case KEYRING_STATUS_VERIFIED: return "verified";
  case KEYRING_STATUS_INSTALLED: return "installed";
  case KEYRING_STATUS_UP_TO_DATE: return "up to date";
  case KEYRING_STATUS_OLDER: return "older";
  case KEYRING_STATUS_REFUSED: return "refused";
  case KEYRING_STATUS_FAILED: return "failed";
  }
  return "unknown";
}

/* "A1B2...", "A1B2..., C3D4..." and "and 3 more" after four. */
static void ids_list(const uint64_t *ids, size_t n, char *buf, size_t cap)
{
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n && i < 4; i++) {
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(ids[i], id);
    int w = snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", id);
    if (w < 0 || (size_t)w >= cap - o)
      return;
    o += (size_t)w;
  }
  if (n > 4)
    snprintf(buf + o, cap - o, " and %zu more", n - 4);
}

/* --------------------------------------------------------------- doc */

void keyring_doc_free(struct keyring_doc *d)
{
  if (!d)
    return;
  free(d->roots);
  free(d->add);
  free(d->revoke);
  free(d);
}

enum doc_kind { DOC_UPDATE, DOC_STATE };

static int bad_field(struct kerr *e, const char *name, const char *field, const char *expect,
                     const cJSON *found)
{
  return jfield_bad(e, name, field, expect, found);
}

static int find_id(const uint64_t *ids, size_t n, uint64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (ids[i] == id)
      return 1;
  return 0;
}

static const struct sig_pubkey *find_key(const struct sig_pubkey *keys, size_t n, uint64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (keys[i].key_id == id)
      return &keys[i];
  return NULL;
}

/* A list of minisign public keys, field "add" or "roots", into *keys. */
static int parse_keys(const cJSON *v, const char *name, const char *field, int max,
                      struct sig_pubkey **keys, size_t *n_keys, struct kerr *e)
{
  if (!v)
    return 0;
  if (!cJSON_IsArray(v))
    return bad_field(e, name, field, "a list of minisign public keys", v);
  int n = cJSON_GetArraySize(v);
  if (n > max)
    return kerr_set(e, KERR_LIMIT,
                    "%s: \"%s\" lists %d keys; at most %d "
                    "are allowed",
                    name, field, n, max);
  *keys = calloc(n > 0 ? (size_t)n : 1, sizeof **keys);
  if (!*keys)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", name);
  size_t i = 0;
  for (const cJSON *c = v->child; c; c = c->next, i++) {
    struct sig_pubkey pk;
    struct kerr pe;
    if (!cJSON_IsString(c) ||
        sig_pubkey_parse(c->valuestring, strlen(c->valuestring), "key", &pk, &pe) != 0 ||
        strchr(c->valuestring, '\n')) {
      char f[JFIELD_FOUND_MAX];
      jfield_describe(c, f, sizeof f);
      return kerr_set(e, KERR_MANIFEST,
                      "%s: \"%s\" entry %zu must be a "
                      "minisign public key, the base64 line of a .pub file "
                      "(found %s)",
                      name, field, i + 1, f);
    }
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(pk.key_id, id);
    if (find_key(*keys, *n_keys, pk.key_id))
      return kerr_set(e, KERR_MANIFEST, "%s: \"%s\" lists key %s twice", name, field, id);
    (*keys)[(*n_keys)++] = pk;
  }
  return 0;
}

static int parse_revoke(const cJSON *v, const char *name, struct keyring_doc *d, struct kerr *e)
{
  if (!v)
    return 0;
  if (!cJSON_IsArray(v))
    return bad_field(e, name, "revoke", "a list of key ids (16 hex digits)", v);
  int n = cJSON_GetArraySize(v);
  if (n > KEYRING_MAX_KEYS)
    return kerr_set(e, KERR_LIMIT,
                    "%s: \"revoke\" lists %d key ids; at "
                    "most %d are allowed",
                    name, n, KEYRING_MAX_KEYS);
  d->revoke = calloc(n > 0 ? (size_t)n : 1, sizeof *d->revoke);
  if (!d->revoke)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", name);
  size_t i = 0;
  for (const cJSON *c = v->child; c; c = c->next, i++) {
    uint64_t id;
    if (!cJSON_IsString(c) || sig_keyid_parse(c->valuestring, &id, NULL)) {
      char f[JFIELD_FOUND_MAX];
      jfield_describe(c, f, sizeof f);
      return kerr_set(e, KERR_MANIFEST,
                      "%s: \"revoke\" entry %zu must be a "
                      "key id of 16 hex digits like 180F395E82E0112A (found "
                      "%s)",
                      name, i + 1, f);
    }
    if (find_id(d->revoke, d->n_revoke, id)) {
      char hex[SIG_KEYID_BUFSZ];
      sig_keyid_format(id, hex);
      return kerr_set(e, KERR_MANIFEST, "%s: \"revoke\" lists key %s twice", name, hex);
    }
    d->revoke[d->n_revoke++] = id;
  }
  return 0;
}

static int parse_root(const cJSON *root, enum doc_kind kind, const char *name,
                      struct keyring_doc *d, struct kerr *e)
{
  static const char *const known[] = {"format", "type",       "version", "created",
                                      "update", "threshold",  "roots",   "add",
                                      "revoke", "time_floor", NULL};
  const char *type = kind == DOC_STATE ? "keyring-state" : "keyring";
  if (!cJSON_IsObject(root))
    return kerr_set(e, KERR_MANIFEST,
                    "%s: must be a JSON object {...} at "
                    "the top",
                    name);
  for (const cJSON *c = root->child; c; c = c->next) {
    int ok = 0;
    for (size_t i = 0; known[i] && !ok; i++)
      ok = strcmp(c->string, known[i]) == 0 &&
          (kind == DOC_STATE || strcmp(c->string, "update") != 0) &&
          (kind == DOC_UPDATE || strcmp(c->string, "time_floor") != 0);
    char q[64];
    show_name(c->string, q, sizeof q);
    if (!ok)
      return kerr_set(e, KERR_MANIFEST,
                      "%s: has the field \"%s\", which "
                      "this kiosk does not know — it may need newer kiosk "
                      "software",
                      name, q);
    for (const cJSON *o = root->child; o != c; o = o->next)
      if (strcmp(o->string, c->string) == 0)
        return kerr_set(e, KERR_MANIFEST, "%s: has the field \"%s\" twice", name, q);
  }
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "format");
  uint64_t f;
  if (jfield_uint(v, 0, 1000000, &f) != 0 || f == 0 || f > KEYRING_FORMAT) {
    char found[JFIELD_FOUND_MAX];
    jfield_describe(v, found, sizeof found);
    return kerr_set(e, KERR_FORMAT,
                    "%s: \"format\" must be %d, the keyring "
                    "format this kiosk reads (found %s)%s",
                    name, KEYRING_FORMAT, found,
                    cJSON_IsNumber(v) && v->valuedouble > KEYRING_FORMAT
                        ? "; this update needs newer kiosk software"
                        : "");
  }
  if (f == 1 && kind == DOC_UPDATE)
    return kerr_set(e, KERR_FORMAT,
                    "%s: is a format 1 keyring update, which "
                    "any trusted key could sign — this kiosk accepts only "
                    "format 2 updates signed by its root keys; ask the "
                    "content team to rebuild it with the root key "
                    "('kiosk-pack keyring build --key ROOT.key')",
                    name);
  d->format = (int)f;
  v = cJSON_GetObjectItemCaseSensitive(root, "type");
  if (!cJSON_IsString(v) || strcmp(v->valuestring, type) != 0) {
    char expect[32];
    snprintf(expect, sizeof expect, "\"%s\"", type);
    return bad_field(e, name, "type", expect, v);
  }
  v = cJSON_GetObjectItemCaseSensitive(root, "version");
  /* A state that never saw an update has version 0. */
  if (jfield_uint(v, kind == DOC_STATE ? 0 : 1,
                  d->format == 1 ? (UINT64_C(1) << 53) : KEYRING_MAX_VERSION, &d->version) != 0)
    return bad_field(e, name, "version",
                     "a whole number from 1 to "
                     "9007199254740991 (2^53 - 1)",
                     v);
  v = cJSON_GetObjectItemCaseSensitive(root, "created");
  if (!cJSON_IsString(v) || manifest_parse_time(v->valuestring, &d->created))
    return bad_field(e, name, "created",
                     "a date and time like "
                     "\"2026-11-28T10:00:00Z\"",
                     v);
  if (kind == DOC_STATE) {
    v = cJSON_GetObjectItemCaseSensitive(root, "update");
    if (!cJSON_IsString(v) || strlen(v->valuestring) != HASH_HEX_LEN ||
        sodium_hex2bin(d->hash, sizeof d->hash, v->valuestring, HASH_HEX_LEN, NULL, NULL, NULL) !=
            0)
      return bad_field(e, name, "update", "a BLAKE2b-256 hash in hex", v);
  }
  v = cJSON_GetObjectItemCaseSensitive(root, "time_floor");
  if (v) {
    if (!cJSON_IsString(v) || manifest_parse_time(v->valuestring, &d->time_floor) ||
        d->time_floor <= 0)
      return bad_field(e, name, "time_floor",
                       "a date and time like "
                       "\"2026-11-28T10:00:00Z\"",
                       v);
    d->has_time_floor = 1;
  }
  if (d->format == 1 &&
      (cJSON_GetObjectItemCaseSensitive(root, "threshold") ||
       cJSON_GetObjectItemCaseSensitive(root, "roots")))
    return kerr_set(e, KERR_MANIFEST,
                    "%s: a format 1 keyring has no root "
                    "keys or threshold",
                    name);
  v = cJSON_GetObjectItemCaseSensitive(root, "threshold");
  uint64_t k = 0;
  if (v && jfield_uint(v, 1, KEYRING_MAX_ROOTS, &k) != 0)
    return bad_field(e, name, "threshold", "a whole number from 1 to 16", v);
  d->threshold = (unsigned)k;
  v = cJSON_GetObjectItemCaseSensitive(root, "roots");
  d->has_roots = v != NULL;
  int rc = parse_keys(v, name, "roots", KEYRING_MAX_ROOTS, &d->roots, &d->n_roots, e);
  if (rc == 0 && d->has_roots && d->n_roots == 0)
    rc = kerr_set(e, KERR_MANIFEST,
                  "%s: \"roots\" is empty — a root set "
                  "needs at least one key",
                  name);
  if (rc == 0 && d->has_roots && d->n_roots < (d->threshold ? d->threshold : 1))
    rc = kerr_set(e, KERR_MANIFEST,
                  "%s: \"threshold\" is %u, but \"roots\" "
                  "lists only %zu key%s",
                  name, d->threshold, d->n_roots, d->n_roots == 1 ? "" : "s");
  if (rc == 0)
    rc = parse_keys(cJSON_GetObjectItemCaseSensitive(root, "add"), name, "add", KEYRING_MAX_KEYS,
                    &d->add, &d->n_add, e);
  if (rc == 0)
    rc = parse_revoke(cJSON_GetObjectItemCaseSensitive(root, "revoke"), name, d, e);
  if (rc)
    return rc;
  for (size_t i = 0; i < d->n_add; i++) {
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(d->add[i].key_id, id);
    if (find_id(d->revoke, d->n_revoke, d->add[i].key_id))
      return kerr_set(e, KERR_MANIFEST,
                      "%s: key %s is both added and "
                      "revoked",
                      name, id);
    if (find_key(d->roots, d->n_roots, d->add[i].key_id))
      return kerr_set(e, KERR_MANIFEST,
                      "%s: key %s is both a root key and "
                      "a signing key — a key is one or the other",
                      name, id);
  }
  for (size_t i = 0; i < d->n_roots; i++)
    if (find_id(d->revoke, d->n_revoke, d->roots[i].key_id)) {
      char id[SIG_KEYID_BUFSZ];
      sig_keyid_format(d->roots[i].key_id, id);
      return kerr_set(e, KERR_MANIFEST, "%s: root key %s is also revoked", name, id);
    }
  return 0;
}

static int doc_parse(const char *json, size_t len, enum doc_kind kind, const char *name,
                     struct keyring_doc **out, struct kerr *e)
{
  *out = NULL;
  size_t max = kind == DOC_STATE ? STATE_MAX_BYTES : KEYRING_MAX_BYTES;
  if (len > max)
    return kerr_set(e, KERR_TOOBIG,
                    "%s: is %zu bytes; at most %zu are "
                    "allowed",
                    name, len, max);
  if (memchr(json, '\0', len))
    return kerr_set(e, KERR_PARSE,
                    "%s: contains a NUL byte; it must be "
                    "JSON text",
                    name);
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
  if (!root) {
    const char *at = cJSON_GetErrorPtr();
    size_t off = at && at >= json && at <= json + len ? (size_t)(at - json) : 0;
    return kerr_set(e, KERR_PARSE,
                    "%s: is not valid JSON (problem near "
                    "byte %zu)",
                    name, off);
  }
  for (const char *p = end; p && p < json + len; p++)
    if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') {
      cJSON_Delete(root);
      return kerr_set(e, KERR_PARSE,
                      "%s: has extra text after the JSON "
                      "object",
                      name);
    }
  struct keyring_doc *d = calloc(1, sizeof *d);
  if (!d) {
    cJSON_Delete(root);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", name);
  }
  int rc = parse_root(root, kind, name, d, e);
  cJSON_Delete(root);
  if (rc) {
    keyring_doc_free(d);
    return rc;
  }
  if (kind == DOC_UPDATE)
    crypto_generichash(d->hash, sizeof d->hash, (const unsigned char *)json, len, NULL, 0);
  *out = d;
  return 0;
}

int keyring_doc_parse(const char *json, size_t len, const char *name, struct keyring_doc **out,
                      struct kerr *e)
{
  if (sodium_init() < 0)
    return kerr_set(e, KERR_IO,
                    "the crypto library (libsodium) could not "
                    "start");
  return doc_parse(json, len, DOC_UPDATE, name ? name : KEYRING_DOC_NAME, out, e);
}

/* "  \"field\": [keys]" without a comma after it; -1 if a key cannot be
 * written. */
static int keys_add(struct grow_text *t, const char *field, const struct sig_pubkey *keys, size_t n)
{
  grow_printf(t, "  \"%s\": [", field);
  for (size_t i = 0; i < n; i++) {
    char pub[SIG_PUBKEY_TEXT_BUFSZ];
    if (sig_pubkey_format(&keys[i], pub, sizeof pub) < 0)
      return -1;
    char *b64 = strchr(pub, '\n') + 1;
    b64[strcspn(b64, "\n")] = '\0';
    grow_printf(t, "%s\n    \"%s\"", i ? "," : "", b64);
  }
  grow_printf(t, "%s]", n ? "\n  " : "");
  return 0;
}

static int doc_format(const struct keyring_doc *d, enum doc_kind kind, char **out, struct kerr *e)
{
  *out = NULL;
  if (d->n_add > KEYRING_MAX_KEYS || d->n_revoke > KEYRING_MAX_KEYS ||
      d->n_roots > KEYRING_MAX_ROOTS)
    return kerr_set(e, KERR_LIMIT,
                    "a keyring may list at most %d keys to "
                    "add and %d to revoke, and %d root keys",
                    KEYRING_MAX_KEYS, KEYRING_MAX_KEYS, KEYRING_MAX_ROOTS);
  struct grow_text t = {0};
  char when[64]; /* room for any int fields: GCC checks the bound at -O0 */
  time_t tt = (time_t)d->created;
  struct tm tm;
  /* Four digits for the year, as RFC 3339 and the reader want: strftime's
   * %Y writes the year 52 as "52" (found by fuzz_keyring). */
  if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
    return kerr_set(e, KERR_INVAL,
                    "the creation time %" PRId64 " cannot be "
                    "written as a date",
                    d->created);
  snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  grow_printf(&t,
              "{\n  \"format\": %d,\n  \"type\": \"%s\",\n  \"version\": %" PRIu64
              ",\n  \"created\": \"%s\",\n",
              KEYRING_FORMAT, kind == DOC_STATE ? "keyring-state" : "keyring", d->version, when);
  if (kind == DOC_STATE) {
    char hex[HASH_HEX_LEN + 1];
    sodium_bin2hex(hex, sizeof hex, d->hash, sizeof d->hash);
    grow_printf(&t, "  \"update\": \"%s\",\n", hex);
  }
  if (kind == DOC_UPDATE && d->has_time_floor) {
    char tf[32];
    time_t ft = (time_t)d->time_floor;
    struct tm ftm;
    if (!gmtime_r(&ft, &ftm) || strftime(tf, sizeof tf, "%Y-%m-%dT%H:%M:%SZ", &ftm) == 0) {
      free(t.s);
      return kerr_set(e, KERR_INVAL,
                      "the time floor %" PRId64 " cannot be "
                      "written as a date",
                      d->time_floor);
    }
    grow_printf(&t, "  \"time_floor\": \"%s\",\n", tf);
  }
  unsigned k = d->threshold ? d->threshold : 1;
  if (kind == DOC_STATE || d->threshold)
    grow_printf(&t, "  \"threshold\": %u,\n", k);
  if (d->has_roots &&
      (keys_add(&t, "roots", d->roots, d->n_roots) || (grow_printf(&t, ",\n"), 0))) {
    free(t.s);
    return kerr_set(e, KERR_INVAL, "a root key cannot be written");
  }
  if (keys_add(&t, "add", d->add, d->n_add)) {
    free(t.s);
    return kerr_set(e, KERR_INVAL, "a key to add cannot be written");
  }
  grow_printf(&t, ",\n  \"revoke\": [");
  for (size_t i = 0; i < d->n_revoke; i++) {
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(d->revoke[i], id);
    grow_printf(&t, "%s\n    \"%s\"", i ? "," : "", id);
  }
  grow_printf(&t, "%s]\n}\n", d->n_revoke ? "\n  " : "");
  if (t.failed) {
    free(t.s);
    return kerr_set(e, KERR_NOMEM, "out of memory writing the keyring");
  }
  *out = t.s;
  return 0;
}

int keyring_doc_format(const struct keyring_doc *d, char **out, struct kerr *e)
{
  return doc_format(d, DOC_UPDATE, out, e);
}

/* --------------------------------------------------------------- reader */

/* A keyring update, for core/sarchive's messages and limits: the reader
 * of signed archives packs use too. */
static const struct sarchive_kind keyring_kind = {
    .not_a = "not a keyring update",
    .made_by = "a keyring update is the .kkeys file made by 'kiosk-pack "
               "keyring build'; ask the content team for it",
    .ask_for = "a keyring update is the .kkeys file made by 'kiosk-pack "
               "keyring build'; ask the content team for it",
    .made_by_short = "an update made by 'kiosk-pack keyring build'",
    .noun = "update",
    .doc_name = KEYRING_DOC_NAME,
    .sig_name = KEYRING_SIG_NAME,
    .bad_type = ", not a regular file — refused; get a fresh copy",
    .too_big = "get a fresh copy",
    .too_much = "a keyring update can",
    .other_doc = "pack.json",
    .other_is = "it is a content pack; install it as a pack",
    .head_budget = READ_BUDGET,
};

/* The name of signature member i (0-based). */
static void sig_member_name(size_t i, char *buf, size_t cap)
{
  if (i == 0)
    snprintf(buf, cap, "%s", KEYRING_SIG_NAME);
  else
    snprintf(buf, cap, "%s.%zu.minisig", KEYRING_DOC_NAME, i + 1);
}

/* The members, as bytes, the signatures once parsed, and the root keys
 * whose signatures verified. */
struct head {
  char *doc;
  size_t doc_len;
  size_t n_sigs;
  char *sig[KEYRING_MAX_SIGS];
  size_t sig_len[KEYRING_MAX_SIGS];
  struct sig_minisig *parsed[KEYRING_MAX_SIGS];
  uint64_t signers[KEYRING_MAX_SIGS];
  size_t n_signers;
  struct sig_verified verified;
};

static void head_free(struct head *h)
{
  if (!h)
    return;
  free(h->doc);
  for (size_t i = 0; i < h->n_sigs; i++) {
    free(h->sig[i]);
    sig_minisig_free(h->parsed[i]);
  }
  free(h);
}

/* Reads the whole update (path, or the file open on fd when fd >= 0, as
 * sarchive_open() says): the document, its signatures, then the end of
 * the archive, and parses the signatures (not yet verified). cancel may be
 * NULL. *out is set even on failure when the file could be opened (free
 * with head_free()). */
static int head_read(const char *path, int fd, const atomic_int *cancel, struct keyring_result *res,
                     struct head **out, struct kerr *e)
{
  *out = NULL;
  struct sarchive *r = NULL;
  int rc = sarchive_open(path, fd, &keyring_kind, cancel, &r, e);
  if (rc)
    return rc;
  struct head *h = calloc(1, sizeof *h);
  if (!h) {
    sarchive_close(r);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", res->file);
  }
  *out = h;
  rc = sarchive_read_member(r, NULL, KEYRING_DOC_NAME, KEYRING_MAX_BYTES, 1, &h->doc, &h->doc_len,
                            e);
  if (rc == 0)
    rc = sarchive_read_member(r, NULL, KEYRING_SIG_NAME, KEYRING_SIG_MAX_BYTES, 0, &h->sig[0],
                              &h->sig_len[0], e);
  if (rc == 0)
    h->n_sigs = 1;
  while (rc == 0) {
    struct archive_entry *ent;
    rc = sarchive_next(r, &ent, e);
    if (rc == 1) {
      rc = 0;
      break;
    }
    if (rc)
      break;
    char want[64];
    sig_member_name(h->n_sigs, want, sizeof want);
    const char *got = arclib()->entry_pathname(ent);
    if (h->n_sigs == KEYRING_MAX_SIGS || !got || strcmp(got, want) != 0) {
      char shown[SARCHIVE_SHOWN_NAME_MAX];
      sarchive_show_name(got, shown, sizeof shown);
      rc = kerr_set(e, KERR_MEMBER,
                    "%s: holds \"%s\" after its signature%s; "
                    "a keyring update holds %s and its signature%s only "
                    "(at most %d) — refused; get a fresh copy",
                    r->file, shown, h->n_sigs == 1 ? "" : "s", KEYRING_DOC_NAME,
                    h->n_sigs == 1 ? "" : "s", KEYRING_MAX_SIGS);
      break;
    }
    rc = sarchive_read_member(r, ent, want, KEYRING_SIG_MAX_BYTES, 0, &h->sig[h->n_sigs],
                              &h->sig_len[h->n_sigs], e);
    if (rc == 0)
      h->n_sigs++;
  }
  for (size_t i = 0; rc == 0 && i < h->n_sigs; i++) {
    char member[48];
    sig_member_name(i, member, sizeof member);
    rc = sarchive_parse_sig(r, member, h->sig[i], h->sig_len[i], &h->parsed[i], e);
    if (i == 0 && h->parsed[0]) {
      res->has_key_id = 1;
      sig_keyid_format(sig_minisig_key_id(h->parsed[0]), res->key_id);
    }
  }
  sarchive_close(r);
  return rc;
}

/* What an update is checked against. */
struct policy {
  const struct sig_trust *roots; /* the root set now, revocations applied */
  unsigned threshold;            /* signatures of it needed */
  const struct keyring_doc *st;  /* the installed state (signing keys and
                                    revocations), or NULL */
};

/* Verifies every signature with trust. Signatures by keys not in trust are
 * not counted; one by a key in trust that does not match is an error.
 * Fills signers (distinct key ids, at most KEYRING_MAX_SIGS) and returns
 * their number, or a negative KERR code. If doc is not NULL, the trusted
 * comment of each counted signature must be the one for doc. */
static int count_signers(struct head *h, const struct sig_trust *trust,
                         const struct keyring_doc *doc, uint64_t *signers, const char *file,
                         struct kerr *e)
{
  size_t n = 0;
  for (size_t i = 0; i < h->n_sigs; i++) {
    struct kerr se;
    kerr_clear(&se);
    int rc = sig_verify_parsed(trust, h->parsed[i], h->doc, h->doc_len, file, &h->verified, &se);
    if (rc == KERR_UNTRUSTED || rc == KERR_REVOKED)
      continue;
    if (rc)
      return kerr_set(e, rc, "%s", se.msg);
    if (doc) {
      char want[KEYRING_COMMENT_BUFSZ];
      keyring_trusted_comment(doc->version, want, sizeof want);
      if (strcmp(h->verified.trusted_comment, want) != 0) {
        char got[SHOWN_NAME_MAX];
        show_name(h->verified.trusted_comment, got, sizeof got);
        return kerr_set(e, KERR_SIG,
                        "%s: the signature is for \"%s\", but "
                        "the update is \"%s\" — it was signed for something "
                        "else; ask the content team to rebuild it with "
                        "'kiosk-pack keyring build'",
                        file, got, want);
      }
    }
    if (!find_id(signers, n, h->verified.key_id))
      signers[n++] = h->verified.key_id;
  }
  return (int)n;
}

/* Why no signature counted, for people. */
static int no_root_signature(const struct head *h, const struct policy *pol, const char *file,
                             struct kerr *e)
{
  uint64_t id = sig_minisig_key_id(h->parsed[0]);
  char hex[SIG_KEYID_BUFSZ];
  sig_keyid_format(id, hex);
  const struct keyring_doc *st = pol->st;
  if (st && find_id(st->revoke, st->n_revoke, id))
    return kerr_set(e, KERR_REVOKED,
                    "%s: signed by a revoked key (key %s) — "
                    "ask the content team for an update signed with a "
                    "current root key",
                    file, hex);
  if (st && find_key(st->add, st->n_add, id))
    return kerr_set(e, KERR_UNTRUSTED,
                    "%s: signed by key %s, a signing key "
                    "— signing keys sign packs only, and keyring updates "
                    "must be signed by a root key; refused (if that key was "
                    "stolen, revoke it with an update signed by the root "
                    "key)",
                    file, hex);
  return kerr_set(e, KERR_UNTRUSTED,
                  "%s: not signed by a root key (key %s) "
                  "— ask the content team for an update signed with a "
                  "current root key",
                  file, hex);
}

/* Verifies the head against pol and parses the document it signs. */
static int head_check(struct head *h, const struct policy *pol, struct keyring_result *res,
                      struct keyring_doc **out, struct kerr *e)
{
  *out = NULL;
  if (!pol->roots || sig_trust_count(pol->roots) == 0)
    return kerr_set(e, KERR_UNTRUSTED,
                    "%s: no root keys are set up, so no "
                    "keyring update can be accepted — copy the content "
                    "team's root .pub key into the trusted-keys folder",
                    res->file);
  int n = count_signers(h, pol->roots, NULL, h->signers, res->file, e);
  if (n < 0)
    return n;
  if (n == 0)
    return no_root_signature(h, pol, res->file, e);
  if ((unsigned)n < pol->threshold)
    return kerr_set(e, KERR_UNTRUSTED,
                    "%s: signed by %d root key%s, but "
                    "this kiosk needs %u — ask the content team to add "
                    "signatures with 'kiosk-pack keyring sign'",
                    res->file, n, n == 1 ? "" : "s", pol->threshold);
  h->n_signers = (size_t)n;
  sig_keyid_format(h->signers[0], res->key_id);
  res->has_key_id = 1;

  struct kerr se;
  struct keyring_doc *d = NULL;
  int rc = doc_parse(h->doc, h->doc_len, DOC_UPDATE, KEYRING_DOC_NAME, &d, &se);
  if (rc)
    return kerr_set(e, rc,
                    "%s: %s — the update is signed but not valid; "
                    "ask the content team to rebuild it with 'kiosk-pack "
                    "keyring build'",
                    res->file, se.msg);
  uint64_t again[KEYRING_MAX_SIGS];
  rc = count_signers(h, pol->roots, d, again, res->file, e);
  for (size_t i = 0; rc > 0 && i < h->n_signers; i++)
    if (find_id(d->revoke, d->n_revoke, h->signers[i])) {
      char hex[SIG_KEYID_BUFSZ];
      sig_keyid_format(h->signers[i], hex);
      rc = kerr_set(e, KERR_REVOKED,
                    "%s: signed by key %s, which this same "
                    "update revokes — refused; ask the content team to sign "
                    "it with a key that stays trusted",
                    res->file, hex);
    }
  if (rc > 0 && d->has_roots) {
    /* A rotation: the new set signs too (TUF's chained root metadata). */
    unsigned k = d->threshold ? d->threshold : pol->threshold;
    struct sig_trust *next = sig_trust_new();
    if (!next)
      rc = kerr_set(e, KERR_NOMEM, "%s: out of memory", res->file);
    for (size_t i = 0; rc > 0 && i < d->n_roots; i++)
      if (sig_trust_add(next, &d->roots[i], NULL) != 0)
        rc = kerr_set(e, KERR_MANIFEST,
                      "%s: the new root keys cannot be "
                      "used — ask the content team to rebuild the update",
                      res->file);
    if (rc > 0 && k > d->n_roots)
      rc = kerr_set(e, KERR_MANIFEST,
                    "%s: needs %u root signatures, but "
                    "the new root set has only %zu key%s — refused; ask the "
                    "content team to rebuild it",
                    res->file, k, d->n_roots, d->n_roots == 1 ? "" : "s");
    int m = rc > 0 ? count_signers(h, next, d, again, res->file, e) : rc;
    if (m >= 0 && (unsigned)m < k)
      rc = kerr_set(e, KERR_UNTRUSTED,
                    "%s: replaces the root keys, but is "
                    "signed by %d of the new root keys and %u are needed — "
                    "a new root set signs its first update too; ask the "
                    "content team to sign it with the new root keys as "
                    "well",
                    res->file, m, k);
    else if (m < 0)
      rc = m;
    sig_trust_free(next);
  }
  if (rc < 0) {
    keyring_doc_free(d);
    return rc;
  }
  res->signature_ok = 1;
  res->n_signatures = h->n_signers;
  res->version = d->version;
  res->n_add = d->n_add;
  res->n_revoke = d->n_revoke;
  *out = d;
  return 0;
}

static void result_start(struct keyring_result *out, const char *path)
{
  memset(out, 0, sizeof *out);
  set_file_name(path, out->file, sizeof out->file);
}

static enum keyring_status status_of(int rc)
{
  switch (rc) {
  case 0: return KEYRING_STATUS_VERIFIED;
  case KERR_OLDER: return KEYRING_STATUS_OLDER;
  case KERR_SAME: return KEYRING_STATUS_UP_TO_DATE;
  case KERR_IO:
  case KERR_NOMEM:
  case KERR_NOENT:
  case KERR_STORE: return KEYRING_STATUS_FAILED;
  default: return KEYRING_STATUS_REFUSED;
  }
}

/* Records the outcome of a failed call in out. */
static int result_fail(struct keyring_result *out, int rc, const struct kerr *e)
{
  if (out->status == KEYRING_STATUS_NONE)
    out->status = status_of(rc);
  snprintf(out->msg, sizeof out->msg, "%s", e->msg);
  return rc;
}

/* What keyring_verify() and keyring_inspect() do first: e and *doc
 * cleared, out named after path, the crypto library started. */
static int call_start(const char *path, struct keyring_doc **doc, struct keyring_result *out,
                      struct kerr *e)
{
  kerr_clear(e);
  if (doc)
    *doc = NULL;
  result_start(out, path);
  if (sodium_init() < 0)
    return result_fail(out,
                       kerr_set(e, KERR_IO,
                                "%s: the crypto library "
                                "(libsodium) could not start",
                                out->file),
                       e);
  return 0;
}

int keyring_verify(const char *path, const struct sig_trust *trust, struct keyring_doc **doc,
                   struct keyring_result *out, struct kerr *e)
{
  struct kerr local;
  if (!e)
    e = &local;
  int rc = call_start(path, doc, out, e);
  if (rc)
    return rc;
  struct head *h = NULL;
  struct keyring_doc *d = NULL;
  struct policy pol = {trust, 1, NULL};
  rc = head_read(path, -1, NULL, out, &h, e);
  if (rc == 0)
    rc = head_check(h, &pol, out, &d, e);
  head_free(h);
  if (rc)
    return result_fail(out, rc, e);
  out->status = KEYRING_STATUS_VERIFIED;
  snprintf(out->msg, sizeof out->msg,
           "%s: verified — keyring version %" PRIu64
           ", signed by root key %s; adds %zu key%s, revokes %zu",
           out->file, d->version, out->key_id, d->n_add, d->n_add == 1 ? "" : "s", d->n_revoke);
  if (doc)
    *doc = d;
  else
    keyring_doc_free(d);
  return 0;
}

int keyring_read_members(const char *path, char **doc, char **sigs, size_t *n_sigs, struct kerr *e)
{
  *doc = NULL;
  *n_sigs = 0;
  struct keyring_result *res = calloc(1, sizeof *res);
  if (!res)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  result_start(res, path);
  struct head *h = NULL;
  int rc = head_read(path, -1, NULL, res, &h, e);
  if (rc == 0) {
    /* Hand the buffers over. */
    *doc = h->doc;
    h->doc = NULL;
    for (size_t i = 0; i < h->n_sigs; i++) {
      sigs[i] = h->sig[i];
      h->sig[i] = NULL;
    }
    *n_sigs = h->n_sigs;
  }
  head_free(h);
  free(res);
  return rc;
}

int keyring_inspect(const char *path, struct keyring_doc **doc, struct keyring_result *out,
                    struct kerr *e)
{
  struct kerr local;
  if (!e)
    e = &local;
  int rc = call_start(path, doc, out, e);
  if (rc)
    return rc;
  struct head *h = NULL;
  struct kerr se;
  kerr_clear(&se);
  int sig_rc = head_read(path, -1, NULL, out, &h, &se);
  if (!h || !h->doc || h->n_sigs == 0) {
    kerr_set(e, sig_rc, "%s", se.msg);
    head_free(h);
    return result_fail(out, sig_rc, e);
  }
  struct keyring_doc *d = NULL;
  struct kerr pe;
  rc = doc_parse(h->doc, h->doc_len, DOC_UPDATE, KEYRING_DOC_NAME, &d, &pe);
  head_free(h);
  if (rc) {
    kerr_set(e, rc, "%s: %s", out->file, pe.msg);
    return result_fail(out, rc, e);
  }
  out->version = d->version;
  out->n_add = d->n_add;
  out->n_revoke = d->n_revoke;
  if (sig_rc)
    snprintf(out->msg, sizeof out->msg, "%s", se.msg);
  else
    snprintf(out->msg, sizeof out->msg,
             "%s: not verified (claims keyring "
             "version %" PRIu64 ", signed by key %s)",
             out->file, d->version, out->key_id);
  if (doc)
    *doc = d;
  else
    keyring_doc_free(d);
  return 0;
}

/* ---------------------------------------------------------------- state */

/* Opens store_dir/keyring into *out. With create, makes both if missing;
 * without, a missing folder is 1 (no state). */
static int open_keyring_dir(const char *store_dir, int create, int *out, struct kerr *e)
{
  *out = -1;
  if (create) {
    if (fsutil_mkdir_p(store_dir, 0755, e)) {
      if (e)
        e->code = KERR_STORE;
      return KERR_STORE;
    }
  }
  int sfd = open(store_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sfd < 0) {
    if (errno == ENOENT && !create)
      return 1;
    return kerr_errno(e, KERR_STORE, errno,
                      "could not open the store "
                      "folder %s",
                      store_dir);
  }
  struct kerr fe;
  int rc = fsutil_open_dir_at(sfd, KEYRING_DIR, create, 0755, out, &fe);
  close(sfd);
  if (rc == KERR_NOENT && !create)
    return 1;
  if (rc)
    return kerr_set(e, KERR_STORE, "%s/%s: %s", store_dir, KEYRING_DIR, fe.msg);
  return 0;
}

/* Reads the state from the open keyring folder; an empty state when it has
 * none. */
static int state_read_at(int kfd, const char *store_dir, struct keyring_doc **out, struct kerr *e)
{
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  struct kerr fe;
  int rc =
      kfd >= 0 ? fsutil_read_at(kfd, STATE_NAME, STATE_MAX_BYTES, &text, &len, &fe) : KERR_NOENT;
  if (rc == KERR_NOENT) {
    *out = calloc(1, sizeof **out);
    return *out ? 0 : kerr_set(e, KERR_NOMEM, "out of memory");
  }
  if (rc)
    return kerr_set(e, KERR_STORE,
                    "%s/%s/%s could not be read (%s) — "
                    "packs cannot be checked against revoked keys; ask "
                    "support to repair the kiosk",
                    store_dir, KEYRING_DIR, STATE_NAME, fe.msg);
  struct keyring_doc *d = NULL;
  rc = doc_parse(text, len, DOC_STATE, STATE_NAME, &d, &fe);
  free(text);
  if (rc)
    return kerr_set(e, KERR_STORE,
                    "%s/%s/%s is damaged (%s) — packs cannot "
                    "be checked against revoked keys; ask support to repair "
                    "the kiosk",
                    store_dir, KEYRING_DIR, STATE_NAME, fe.msg);
  *out = d;
  return 0;
}

int keyring_state(const char *store_dir, struct keyring_doc **out, struct kerr *e)
{
  *out = NULL;
  if (sodium_init() < 0)
    return kerr_set(e, KERR_IO,
                    "the crypto library (libsodium) could not "
                    "start");
  int kfd = -1;
  int rc = open_keyring_dir(store_dir, 0, &kfd, e);
  if (rc < 0)
    return rc;
  rc = state_read_at(kfd, store_dir, out, e);
  if (kfd >= 0)
    close(kfd);
  return rc;
}

/* The threshold of a state: 1 until an update set one. */
static unsigned state_threshold(const struct keyring_doc *st)
{
  return st->threshold ? st->threshold : 1;
}

/* The signing set of a state (see keyring_load_trust()). */
static int signing_build(const struct keyring_doc *st, const char *keys_dir, struct sig_trust **out,
                         struct kerr *e)
{
  *out = NULL;
  struct sig_trust *t = sig_trust_new();
  if (!t)
    return kerr_set(e, KERR_NOMEM, "out of memory loading trusted keys");
  struct kerr ke;
  kerr_clear(&ke);
  int legacy = st->format != KEYRING_FORMAT;
  int rc = legacy && keys_dir ? sig_trust_load(t, keys_dir, &ke) : 0;
  if (rc == KERR_NOMEM || (rc < 0 && st->n_add == 0)) {
    sig_trust_free(t);
    return kerr_set(e, rc, "%s", ke.msg);
  }
  if (rc < 0)
    log_warn("trusted keys: %s; using the %zu key%s added by keyring "
             "updates",
             ke.msg, st->n_add, st->n_add == 1 ? "" : "s");
  for (size_t i = 0; i < st->n_add; i++) {
    rc = sig_trust_add(t, &st->add[i], &ke);
    if (rc == KERR_NOMEM) {
      sig_trust_free(t);
      return kerr_set(e, rc, "%s", ke.msg);
    }
    if (rc)
      log_warn("keyring: key added by keyring version %" PRIu64 " skipped: "
               "%s",
               st->version, ke.msg);
  }
  for (size_t i = 0; i < st->n_revoke; i++)
    if ((rc = sig_trust_revoke(t, st->revoke[i], &ke))) {
      sig_trust_free(t);
      return kerr_set(e, rc, "%s", ke.msg);
    }
  if (sig_trust_count(t) == 0) {
    sig_trust_free(t);
    if (!legacy)
      return kerr_set(e, KERR_NOENT,
                      "no signing key is left: keyring "
                      "version %" PRIu64 " names none that is not revoked — "
                      "bring a keyring update from the content team that "
                      "adds the current signing key",
                      st->version);
    return kerr_set(e, KERR_NOENT,
                    "no trusted key is left: the keys in %s "
                    "were all revoked by keyring version %" PRIu64 " — copy "
                    "the content team's current .pub key into the "
                    "trusted-keys folder",
                    keys_dir ? keys_dir : "(none)", st->version);
  }
  *out = t;
  return 0;
}

/* The root set of a state: the set of the last rotation, else the keys in
 * keys_dir; minus revocations. */
static int roots_build(const struct keyring_doc *st, const char *keys_dir, struct sig_trust **out,
                       struct kerr *e)
{
  *out = NULL;
  struct sig_trust *t = sig_trust_new();
  if (!t)
    return kerr_set(e, KERR_NOMEM, "out of memory loading root keys");
  int rc = 0;
  if (st->has_roots) {
    for (size_t i = 0; i < st->n_roots && rc == 0; i++)
      rc = sig_trust_add(t, &st->roots[i], e);
  } else if (keys_dir) {
    rc = sig_trust_load(t, keys_dir, e);
  } else {
    rc = kerr_set(e, KERR_NOENT, "no trusted-keys folder given");
  }
  for (size_t i = 0; i < st->n_revoke && rc >= 0; i++)
    rc = sig_trust_revoke(t, st->revoke[i], e);
  if (rc >= 0 && sig_trust_count(t) == 0)
    rc = kerr_set(e, KERR_NOENT,
                  "no root key is left: the root keys %s "
                  "were all revoked — copy the content team's current root "
                  ".pub key into the trusted-keys folder",
                  st->has_roots ? "named by the keyring" : "in the folder");
  if (rc < 0) {
    sig_trust_free(t);
    return rc;
  }
  *out = t;
  return 0;
}

int keyring_load_trust(const char *store_dir, const char *keys_dir, struct sig_trust **out,
                       struct kerr *e)
{
  *out = NULL;
  struct keyring_doc *st = NULL;
  int rc = store_dir ? keyring_state(store_dir, &st, e) : 0;
  if (rc)
    return rc;
  if (!st && !(st = calloc(1, sizeof *st)))
    return kerr_set(e, KERR_NOMEM, "out of memory loading trusted keys");
  /* The signing keys hold only as long as the root set that named them
   * can be read: an emptied or unreadable trusted-keys folder fails
   * closed rather than leave the store's list unanchored. */
  struct sig_trust *roots = NULL;
  rc = st->format == KEYRING_FORMAT ? roots_build(st, keys_dir, &roots, e) : 0;
  sig_trust_free(roots);
  if (rc == 0)
    rc = signing_build(st, keys_dir, out, e);
  keyring_doc_free(st);
  return rc;
}

int keyring_load_roots(const char *store_dir, const char *keys_dir, struct sig_trust **out,
                       unsigned *threshold, struct kerr *e)
{
  *out = NULL;
  *threshold = 1;
  struct keyring_doc *st = NULL;
  int rc = store_dir ? keyring_state(store_dir, &st, e) : 0;
  if (rc)
    return rc;
  if (!st && !(st = calloc(1, sizeof *st)))
    return kerr_set(e, KERR_NOMEM, "out of memory loading root keys");
  rc = roots_build(st, keys_dir, out, e);
  *threshold = state_threshold(st);
  keyring_doc_free(st);
  return rc;
}

/* The state after applying update d to st: new lists in *out. */
static int state_apply(const struct keyring_doc *st, const struct keyring_doc *d,
                       struct keyring_doc **out, const char *file, struct kerr *e)
{
  *out = NULL;
  struct keyring_doc *n = calloc(1, sizeof *n);
  size_t cap_add = st->n_add + d->n_add, cap_rev = st->n_revoke + d->n_revoke;
  if (n) {
    n->add = calloc(cap_add ? cap_add : 1, sizeof *n->add);
    n->revoke = calloc(cap_rev ? cap_rev : 1, sizeof *n->revoke);
  }
  if (!n || !n->add || !n->revoke) {
    keyring_doc_free(n);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", file);
  }
  for (size_t i = 0; i < st->n_revoke; i++)
    n->revoke[n->n_revoke++] = st->revoke[i];
  for (size_t i = 0; i < d->n_revoke; i++)
    if (!find_id(n->revoke, n->n_revoke, d->revoke[i]))
      n->revoke[n->n_revoke++] = d->revoke[i];
  for (size_t i = 0; i < st->n_add; i++)
    if (!find_id(n->revoke, n->n_revoke, st->add[i].key_id))
      n->add[n->n_add++] = st->add[i];
  for (size_t i = 0; i < d->n_add; i++)
    if (!find_key(n->add, n->n_add, d->add[i].key_id))
      n->add[n->n_add++] = d->add[i];
  if (n->n_add > KEYRING_MAX_KEYS || n->n_revoke > KEYRING_MAX_KEYS) {
    keyring_doc_free(n);
    return kerr_set(e, KERR_LIMIT,
                    "%s: this kiosk's keyring would then "
                    "hold more than %d added or revoked keys — refused; ask "
                    "support",
                    file, KEYRING_MAX_KEYS);
  }
  const struct keyring_doc *from = d->has_roots ? d : st;
  if (from->has_roots) {
    n->roots = calloc(from->n_roots ? from->n_roots : 1, sizeof *n->roots);
    if (!n->roots) {
      keyring_doc_free(n);
      return kerr_set(e, KERR_NOMEM, "%s: out of memory", file);
    }
    n->has_roots = 1;
    for (size_t i = 0; i < from->n_roots; i++)
      if (!find_id(n->revoke, n->n_revoke, from->roots[i].key_id))
        n->roots[n->n_roots++] = from->roots[i];
  }
  n->format = KEYRING_FORMAT;
  n->threshold = d->threshold ? d->threshold : state_threshold(st);
  n->version = d->version;
  n->created = d->created;
  memcpy(n->hash, d->hash, sizeof n->hash);
  *out = n;
  return 0;
}

/* Removes update-*.json* files in the keyring folder that do not belong to
 * version keep. Best effort. */
static void remove_old_updates(int kfd, uint64_t keep)
{
  int fd = dup(kfd);
  DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
  if (!dir) {
    if (fd >= 0)
      close(fd);
    return;
  }
  char mine[64], mine_sig[80];
  snprintf(mine, sizeof mine, "update-%" PRIu64 ".json", keep);
  snprintf(mine_sig, sizeof mine_sig, "%s.minisig", mine);
  int removed = 0;
  struct dirent *de;
  while ((de = readdir(dir)) != NULL) {
    if (strncmp(de->d_name, "update-", 7) != 0 || !strcmp(de->d_name, mine) ||
        !strcmp(de->d_name, mine_sig))
      continue;
    if (unlinkat(kfd, de->d_name, 0) == 0)
      removed = 1;
  }
  closedir(dir);
  if (removed)
    fsutil_fsync_fd(kfd, KEYRING_DIR, NULL);
}

/* Writes the update's bytes, then the new state (the commit point). */
static int state_commit(int kfd, const char *store_dir, const struct head *h,
                        const struct keyring_doc *n, struct kerr *e)
{
  char name[64], sig_name[80];
  snprintf(name, sizeof name, "update-%" PRIu64 ".json", n->version);
  snprintf(sig_name, sizeof sig_name, "%s.minisig", name);
  char *text = NULL;
  struct kerr fe;
  int rc = doc_format(n, DOC_STATE, &text, &fe);
  if (rc == 0)
    rc = fsutil_write_atomic_at(kfd, name, h->doc, h->doc_len, &fe);
  if (rc == 0)
    rc = fsutil_write_atomic_at(kfd, sig_name, h->sig[0], h->sig_len[0], &fe);
  if (rc == 0) {
    fsutil_fault_point("keyring-before-state");
    rc = fsutil_write_atomic_at(kfd, STATE_NAME, text, strlen(text), &fe);
  }
  free(text);
  if (rc) {
    unlinkat(kfd, name, 0);
    unlinkat(kfd, sig_name, 0);
    return kerr_set(e, rc == KERR_NOMEM ? rc : KERR_STORE, "%s/%s: %s", store_dir, KEYRING_DIR,
                    fe.msg);
  }
  fsutil_fault_point("keyring-after-state");
  remove_old_updates(kfd, n->version);
  return 0;
}

/* Refuses added keys that were ever revoked or that clash with a trusted
 * key; trust is the set the update was verified with. */
static int check_additions(const struct keyring_doc *st, const struct keyring_doc *d,
                           struct sig_trust *trust, const struct sig_trust *roots, const char *file,
                           struct kerr *e)
{
  for (size_t i = 0; i < d->n_roots; i++) {
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(d->roots[i].key_id, id);
    if (find_id(st->revoke, st->n_revoke, d->roots[i].key_id))
      return kerr_set(e, KERR_REVOKED,
                      "%s: names root key %s, which was "
                      "revoked — a revoked key can never be trusted again; "
                      "ask the content team for an update without it",
                      file, id);
    if (find_key(st->add, st->n_add, d->roots[i].key_id))
      return kerr_set(e, KERR_INVAL,
                      "%s: names key %s as a root key, but "
                      "it is a signing key — a key is one or the other; ask "
                      "the content team to make a new root key",
                      file, id);
  }
  for (size_t i = 0; i < d->n_add; i++) {
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(d->add[i].key_id, id);
    if (sig_trust_contains(roots, d->add[i].key_id) && !d->has_roots)
      return kerr_set(e, KERR_INVAL,
                      "%s: adds key %s as a signing key, but "
                      "it is a root key — a key is one or the other; sign "
                      "packs with a separate signing key",
                      file, id);
    if (find_id(st->revoke, st->n_revoke, d->add[i].key_id))
      return kerr_set(e, KERR_REVOKED,
                      "%s: adds key %s, which was revoked "
                      "— a revoked key can never be trusted again; ask the "
                      "content team for an update without it",
                      file, id);
    struct kerr ae;
    int rc = sig_trust_add(trust, &d->add[i], &ae);
    if (rc == KERR_REVOKED)
      return kerr_set(e, rc,
                      "%s: adds key %s, which was revoked — a "
                      "revoked key can never be trusted again; ask the "
                      "content team for an update without it",
                      file, id);
    if (rc == KERR_INVAL)
      return kerr_set(e, rc,
                      "%s: adds key %s, but a different key with "
                      "the same id is already trusted — refused; ask the "
                      "content team to make a new key",
                      file, id);
    if (rc)
      return kerr_set(e, rc, "%s: %s", file, ae.msg);
  }
  return 0;
}

/* keyring_install() and keyring_install_fd(): path names the update (and
 * is read when fd < 0). */
static int install(const char *path, int fd, const atomic_int *cancel, const char *store_dir,
                   const char *keys_dir, struct keyring_result *out, struct kerr *e)
{
  struct kerr local;
  if (!e)
    e = &local;
  kerr_clear(e);
  result_start(out, path);
  int kfd = -1, lockfd = -1, rc;
  struct head *h = NULL;
  struct keyring_doc *st = NULL, *d = NULL, *n = NULL;
  struct sig_trust *trust = NULL, *roots = NULL, *after = NULL;
  if (sodium_init() < 0) {
    rc = kerr_set(e, KERR_IO,
                  "%s: the crypto library (libsodium) could not "
                  "start",
                  out->file);
    goto done;
  }
  if (!store_dir) {
    rc = kerr_set(e, KERR_INVAL, "%s: no store folder given", out->file);
    goto done;
  }
  if ((rc = open_keyring_dir(store_dir, 1, &kfd, e))) {
    kerr_prefix(e, "%s", out->file);
    goto done;
  }
  lockfd = openat(kfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (lockfd < 0) {
    rc = kerr_errno(e, KERR_STORE, errno, "%s: could not create %s/%s/lock", out->file, store_dir,
                    KEYRING_DIR);
    goto done;
  }
  if (flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
    rc = kerr_set(e, KERR_STORE,
                  "%s: another program is changing the "
                  "keyring of %s right now — try again in a moment",
                  out->file, store_dir);
    goto done;
  }
  if ((rc = state_read_at(kfd, store_dir, &st, e))) {
    kerr_prefix(e, "%s", out->file);
    goto done;
  }
  /* A format 1 state's version is no floor: any trusted key could push it
   * to the end (see the top of the file). */
  uint64_t floor_version = st->format == KEYRING_FORMAT ? st->version : 0;
  out->had_version = st->version;
  if ((rc = roots_build(st, keys_dir, &roots, e))) {
    kerr_prefix(e, "%s", out->file);
    goto done;
  }
  /* The signing set, for spotting keys a root key may not take. */
  struct kerr se;
  if (signing_build(st, keys_dir, &trust, &se) != 0 && !(trust = sig_trust_new())) {
    rc = kerr_set(e, KERR_NOMEM, "%s: out of memory", out->file);
    goto done;
  }
  struct policy pol = {roots, state_threshold(st), st};
  if ((rc = head_read(path, fd, cancel, out, &h, e)) || (rc = head_check(h, &pol, out, &d, e)))
    goto done;

  if (d->version < floor_version ||
      (d->version == st->version && sodium_memcmp(d->hash, st->hash, sizeof d->hash) != 0)) {
    if (d->version == floor_version)
      rc = kerr_set(e, KERR_OLDER,
                    "%s: version %" PRIu64 " is not newer "
                    "than the installed keyring (version %" PRIu64 "), and "
                    "its contents differ — nothing changed; ask the content "
                    "team to publish it as version %" PRIu64,
                    out->file, d->version, st->version, d->version + 1);
    else
      rc = kerr_set(e, KERR_OLDER,
                    "%s: version %" PRIu64 " is not newer "
                    "than the installed keyring (version %" PRIu64 ") — "
                    "nothing changed",
                    out->file, d->version, st->version);
    goto done;
  }
  if (d->version == floor_version) {
    rc = KERR_SAME;
    out->status = KEYRING_STATUS_UP_TO_DATE;
    out->n_trusted = sig_trust_count(trust);
    kerr_set(e, KERR_SAME,
             "%s: keyring version %" PRIu64 " is already "
             "installed — nothing to do",
             out->file, d->version);
    goto done;
  }
  /* What really changes, for the message: an update may repeat earlier
   * lists (see the top of the file). */
  uint64_t *fresh = calloc(d->n_add + d->n_revoke + 1, sizeof *fresh);
  if (!fresh) {
    rc = kerr_set(e, KERR_NOMEM, "%s: out of memory", out->file);
    goto done;
  }
  size_t n_fresh_add = 0, n_fresh_rev = 0;
  for (size_t i = 0; i < d->n_add; i++)
    if (!sig_trust_contains(trust, d->add[i].key_id))
      fresh[n_fresh_add++] = d->add[i].key_id;
  for (size_t i = 0; i < d->n_revoke; i++)
    if (!find_id(st->revoke, st->n_revoke, d->revoke[i]))
      fresh[n_fresh_add + n_fresh_rev++] = d->revoke[i];
  if ((rc = check_additions(st, d, trust, roots, out->file, e)) ||
      (rc = state_apply(st, d, &n, out->file, e))) {
    free(fresh);
    goto done;
  }
  /* What the kiosk is left with must work: enough root keys for the
   * threshold. (No signing key left is allowed: that is how a kiosk is
   * told to show nothing until the content team sends a new one.) */
  struct sig_trust *next_roots = NULL;
  rc = roots_build(n, keys_dir, &next_roots, e);
  unsigned left = rc == 0 ? (unsigned)sig_trust_count(next_roots) : 0;
  sig_trust_free(next_roots);
  if (rc == KERR_NOMEM) {
    free(fresh);
    goto done;
  }
  if (left < n->threshold) {
    free(fresh);
    rc = kerr_set(e, KERR_MANIFEST,
                  "%s: would leave %u root key%s, but "
                  "updates need %u root signatures — no later update could "
                  "be accepted; refused, ask the content team to rebuild it",
                  out->file, left, left == 1 ? "" : "s", n->threshold);
    goto done;
  }
  if ((rc = state_commit(kfd, store_dir, h, n, e))) {
    free(fresh);
    kerr_prefix(e, "%s", out->file);
    goto done;
  }
  out->status = KEYRING_STATUS_INSTALLED;
  out->has_time_floor = d->has_time_floor;
  out->time_floor = d->time_floor;
  out->n_trusted = signing_build(n, keys_dir, &after, &se) == 0 ? sig_trust_count(after) : 0;

  char added[160] = "", revoked[160] = "", what[400];
  ids_list(fresh, n_fresh_add, added, sizeof added);
  ids_list(fresh + n_fresh_add, n_fresh_rev, revoked, sizeof revoked);
  free(fresh);
  const char *as = n_fresh_add == 1 ? "" : "s";
  const char *rs = n_fresh_rev == 1 ? "" : "s";
  if (n_fresh_add && n_fresh_rev)
    snprintf(what, sizeof what, "added key%s %s; revoked key%s %s", as, added, rs, revoked);
  else if (n_fresh_add)
    snprintf(what, sizeof what, "added key%s %s", as, added);
  else if (n_fresh_rev)
    snprintf(what, sizeof what, "revoked key%s %s", rs, revoked);
  else
    snprintf(what, sizeof what, "no key added or revoked");
  char signers[160];
  ids_list(h->signers, h->n_signers, signers, sizeof signers);
  if (d->has_roots) {
    size_t o = n_fresh_add || n_fresh_rev ? strlen(what) : 0;
    snprintf(what + o, sizeof what - o, "%snew root set of %zu key%s", o ? "; " : "", n->n_roots,
             n->n_roots == 1 ? "" : "s");
  }
  if (d->has_time_floor) {
    size_t o = n_fresh_add || n_fresh_rev || d->has_roots ? strlen(what) : 0;
    char when[32];
    time_t ft = (time_t)d->time_floor;
    struct tm ftm;
    gmtime_r(&ft, &ftm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &ftm);
    snprintf(what + o, sizeof what - o, "%stime floor reset to %s", o ? "; " : "", when);
  }
  snprintf(out->msg, sizeof out->msg,
           "%s: installed keyring version %" PRIu64
           " (signed by root key%s %s): %s — %zu signing key%s now",
           out->file, d->version, h->n_signers == 1 ? "" : "s", signers, what, out->n_trusted,
           out->n_trusted == 1 ? "" : "s");
  rc = 0;

done:
  if (rc == KERR_SAME) {
    snprintf(out->msg, sizeof out->msg, "%s", e->msg);
    rc = 0;
  } else if (rc) {
    result_fail(out, rc, e);
  }
  head_free(h);
  keyring_doc_free(st);
  keyring_doc_free(d);
  keyring_doc_free(n);
  sig_trust_free(trust);
  sig_trust_free(roots);
  sig_trust_free(after);
  if (lockfd >= 0)
    close(lockfd);
  if (kfd >= 0)
    close(kfd);
  return rc;
}

int keyring_install(const char *path, const char *store_dir, const char *keys_dir,
                    struct keyring_result *out, struct kerr *e)
{
  return install(path, -1, NULL, store_dir, keys_dir, out, e);
}

int keyring_install_fd(int fd, const char *name, const char *store_dir, const char *keys_dir,
                       const atomic_int *cancel, struct keyring_result *out, struct kerr *e)
{
  if (fd < 0) {
    struct kerr local;
    if (!e)
      e = &local;
    result_start(out, name);
    return result_fail(out, kerr_set(e, KERR_INVAL, "%s: no open file given", out->file), e);
  }
  return install(name, fd, cancel, store_dir, keys_dir, out, e);
}
