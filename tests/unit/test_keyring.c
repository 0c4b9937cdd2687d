/* Unit tests for core/keyring (signed keyring updates) and the builder
 * behind `kiosk-pack keyring build`.
 *
 * Every test starts with throw-away keys: "old", the root key, whose .pub
 * is in the kiosk's trusted-keys folder, "new", a signing key which only a
 * keyring update can bring in, and "stranger", that nobody trusts until an
 * update names it. Updates are
 * built with cmd_keyring_build(); bad ones are forged here (a document
 * signed with the wrong comment, a byte changed after signing, ...) so each
 * test shows what is wrong with its file. Packs are built with
 * cmd_build_pack() and installed with the effective trust set, as the kiosk
 * must. After each refusal the persisted state must be byte for byte what
 * it was. */
#include "ktest.h"
#include "ktmp.h"

#include "core/keyring.h"
#include "core/log.h"
#include "core/pack.h"
#include "core/sig.h"
#include "core/store.h"
#include "kiosk-pack/cmd_build.h"
#include "kiosk-pack/cmd_keyring.h"
#include "kiosk-pack/keys.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers */

struct fixture {
  char dir[128];
  char keys[160]; /* the trusted-keys folder: old.pub only */
  char store[160];
  char old_key[256], new_key[256], stranger_key[256];
  char new_pub[256], stranger_pub[256];
  struct sig_pubkey old_pk, new_pk, stranger_pk;
  char old_id[SIG_KEYID_BUFSZ], new_id[SIG_KEYID_BUFSZ], stranger_id[SIG_KEYID_BUFSZ];
};

static void make_key(const char *dir, const char *name, char *key, size_t cap,
                     struct sig_pubkey *pk, char *id)
{
  char base[200];
  snprintf(base, sizeof base, "%s/%s", dir, name);
  snprintf(key, cap, "%s.key", base);
  struct kerr e;
  assert_int_equal(keys_generate(base, NULL, NULL, pk, &e), 0);
  sig_keyid_format(pk->key_id, id);
}

static void fx_open(struct fixture *fx)
{
  memset(fx, 0, sizeof *fx);
  assert_true(sodium_init() >= 0);
  log_set_quiet(1);
  ktmp_mkdtemp(fx->dir, sizeof fx->dir, "keyring");
  snprintf(fx->keys, sizeof fx->keys, "%s/trusted", fx->dir);
  snprintf(fx->store, sizeof fx->store, "%s/store", fx->dir);
  assert_int_equal(mkdir(fx->keys, 0755), 0);
  /* old lives in the trusted-keys folder, the others beside it. */
  make_key(fx->keys, "old", fx->old_key, sizeof fx->old_key, &fx->old_pk, fx->old_id);
  make_key(fx->dir, "new", fx->new_key, sizeof fx->new_key, &fx->new_pk, fx->new_id);
  make_key(fx->dir, "stranger", fx->stranger_key, sizeof fx->stranger_key, &fx->stranger_pk,
           fx->stranger_id);
  snprintf(fx->new_pub, sizeof fx->new_pub, "%s/new.pub", fx->dir);
  snprintf(fx->stranger_pub, sizeof fx->stranger_pub, "%s/stranger.pub", fx->dir);
  /* The secret key must not sit in the trusted-keys folder. */
  char moved[200];
  snprintf(moved, sizeof moved, "%s/old.key", fx->dir);
  assert_int_equal(rename(fx->old_key, moved), 0);
  snprintf(fx->old_key, sizeof fx->old_key, "%s", moved);
}

static void fx_close(struct fixture *fx)
{
  ktmp_remove(fx->dir);
}

static void assert_msg(const char *got, const char *want)
{
  if (strcmp(got, want) != 0) {
    fprintf(stderr, "message: %s\nwanted:  %s\n", got, want);
    fail();
  }
}

/* Builds keyring-<version>.kkeys in the fixture folder. */
static void build_update(struct fixture *fx, uint64_t version, const char *key, const char *add,
                         const char *revoke, const char *base, char *out, size_t cap)
{
  const char *adds[1] = {add}, *revokes[1] = {revoke};
  struct cmd_keyring_build_opts o;
  memset(&o, 0, sizeof o);
  o.version = version;
  o.add = adds;
  o.n_add = add ? 1 : 0;
  o.revoke = revokes;
  o.n_revoke = revoke ? 1 : 0;
  o.base = base;
  o.key = key;
  o.out = fx->dir;
  o.created = 1790000000 + (int64_t)(version % 100000);
  o.compress = CMD_BUILD_GZIP;
  struct kerr e;
  kerr_clear(&e);
  int rc = cmd_keyring_build(&o, out, cap, &e);
  if (rc)
    fprintf(stderr, "keyring build failed: %s\n", e.msg);
  assert_int_equal(rc, 0);
}

static int install(struct fixture *fx, const char *path, struct keyring_result *res)
{
  struct kerr e;
  kerr_clear(&e);
  int rc = keyring_install(path, fx->store, fx->keys, res, &e);
  if (rc)
    assert_string_equal(e.msg, res->msg);
  return rc;
}

static void install_ok(struct fixture *fx, const char *path)
{
  struct keyring_result res;
  int rc = install(fx, path, &res);
  if (rc)
    fprintf(stderr, "install failed: %s\n", res.msg);
  assert_int_equal(rc, 0);
  assert_int_equal(res.status, KEYRING_STATUS_INSTALLED);
}

/* The persisted state file, or NULL. */
static char *state_bytes(struct fixture *fx, size_t *len)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/keyring/state.json", fx->store);
  return ktmp_read_file(path, len);
}

/* Runs an install that must fail with code and exactly the message want;
 * the state file must not change. */
static void install_refused(struct fixture *fx, const char *path, int code,
                            enum keyring_status status, const char *want)
{
  size_t before_len = 0, after_len = 0;
  char *before = state_bytes(fx, &before_len);
  struct keyring_result res;
  int rc = install(fx, path, &res);
  if (rc != code)
    fprintf(stderr, "rc %d (%s): %s\n", rc, kerr_name(rc), res.msg);
  assert_int_equal(rc, code);
  assert_int_equal(res.status, status);
  if (want)
    assert_msg(res.msg, want);
  char *after = state_bytes(fx, &after_len);
  if (!before) {
    assert_null(after);
  } else {
    assert_non_null(after);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
  }
  free(before);
  free(after);
}

static struct sig_trust *effective(struct fixture *fx)
{
  struct sig_trust *t = NULL;
  struct kerr e;
  kerr_clear(&e);
  int rc = keyring_load_trust(fx->store, fx->keys, &t, &e);
  if (rc)
    fprintf(stderr, "load trust: %s\n", e.msg);
  assert_int_equal(rc, 0);
  return t;
}

/* Writes a keyring tar by hand: members (name, bytes) in order. */
static void write_kkeys(const char *path, const char *const *names, const char *const *data,
                        size_t n)
{
  struct archive *a = archive_write_new();
  assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
  assert_int_equal(archive_write_add_filter_none(a), ARCHIVE_OK);
  assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
  for (size_t i = 0; i < n; i++) {
    struct archive_entry *ent = archive_entry_new();
    archive_entry_copy_pathname(ent, names[i]);
    archive_entry_set_filetype(ent, AE_IFREG);
    archive_entry_set_perm(ent, 0644);
    archive_entry_set_size(ent, (la_int64_t)strlen(data[i]));
    assert_int_equal(archive_write_header(a, ent), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, data[i], strlen(data[i])), (la_ssize_t)strlen(data[i]));
    archive_entry_free(ent);
  }
  assert_int_equal(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
}

/* Signs json with key and comment; returns the .minisig text (free()). */
static char *sign(const char *key, const char *json, const char *comment)
{
  struct keys_secret *sk = NULL;
  struct kerr e;
  assert_int_equal(keys_secret_load(key, NULL, &sk, &e), 0);
  char *sig = NULL;
  size_t len = 0;
  assert_int_equal(keys_sign(sk, json, strlen(json), comment, &sig, &len, &e), 0);
  keys_secret_free(sk);
  return sig;
}

/* A forged update: json signed by key with comment (NULL: the right one
 * for version), written to dir/name. */
static void forge(struct fixture *fx, const char *name, const char *json, uint64_t version,
                  const char *key, const char *comment, char *out, size_t cap)
{
  char want[KEYRING_COMMENT_BUFSZ];
  keyring_trusted_comment(version, want, sizeof want);
  char *sig = sign(key, json, comment ? comment : want);
  snprintf(out, cap, "%s/%s", fx->dir, name);
  const char *names[2] = {KEYRING_DOC_NAME, KEYRING_SIG_NAME};
  const char *data[2] = {json, sig};
  write_kkeys(out, names, data, 2);
  free(sig);
}

/* The keyring.json text for the given lists. */
static char *doc_json(uint64_t version, const struct sig_pubkey *add, size_t n_add,
                      const uint64_t *revoke, size_t n_revoke)
{
  struct keyring_doc d;
  memset(&d, 0, sizeof d);
  d.version = version;
  d.created = 1790000000;
  d.add = (struct sig_pubkey *)add;
  d.n_add = n_add;
  d.revoke = (uint64_t *)revoke;
  d.n_revoke = n_revoke;
  char *json = NULL;
  struct kerr e;
  assert_int_equal(keyring_doc_format(&d, &json, &e), 0);
  return json;
}

/* A creation time in an early year is written with four digits and reads
 * back (found by fuzz_keyring: "0052-12-03T07:31:13Z" was written as
 * "52-12-03T07:31:13Z"); one past the year 9999 cannot be written. */
static void test_doc_format_four_digit_year(void **state)
{
  (void)state;
  struct keyring_doc d;
  memset(&d, 0, sizeof d);
  d.version = 3;
  assert_int_equal(manifest_parse_time("0052-12-03T07:31:13Z", &d.created), 0);
  char *json = NULL;
  struct kerr e;
  assert_int_equal(keyring_doc_format(&d, &json, &e), 0);
  assert_non_null(strstr(json, "\"created\": \"0052-12-03T07:31:13Z\""));
  struct keyring_doc *back = NULL;
  int rc = keyring_doc_parse(json, strlen(json), "keyring.json", &back, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, 0);
  assert_true(back->created == d.created);
  keyring_doc_free(back);
  free(json);
  assert_int_equal(manifest_parse_time("9999-12-31T23:59:59-23:59", &d.created), 0);
  json = NULL;
  assert_int_equal(keyring_doc_format(&d, &json, &e), KERR_INVAL);
  assert_null(json);
}

/* A pack source with one page; version picks the text. */
static void make_pack(struct fixture *fx, const char *key, uint64_t version, char *out, size_t cap)
{
  char src[PATH_MAX], path[PATH_MAX + 32];
  snprintf(src, sizeof src, "%s/src-%" PRIu64, fx->dir, version);
  assert_int_equal(mkdir(src, 0755), 0);
  char json[512];
  snprintf(json, sizeof json,
           "{\"id\": \"rotation\", \"version\": %" PRIu64 ", \"title\": "
           "\"Rotation %" PRIu64 "\", \"created\": \"2020-07-10T00:00:00Z\", "
           "\"languages\": [\"en\"], \"pages\": [\"p1\"]}\n",
           version, version);
  snprintf(path, sizeof path, "%s/pack.json", src);
  ktmp_write_file(path, json, strlen(json));
  snprintf(path, sizeof path, "%s/pages", src);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/pages/p1.en.md", src);
  char page[64];
  snprintf(page, sizeof page, "# Version %" PRIu64 "\n", version);
  ktmp_write_file(path, page, strlen(page));
  snprintf(out, cap, "%s/rotation-%" PRIu64 ".kpack", fx->dir, version);
  struct cmd_build_opts o = {src, key, out, CMD_BUILD_GZIP, NULL, 1, 0, 0};
  struct kerr e;
  char written[PATH_MAX];
  int rc = cmd_build_pack(&o, written, sizeof written, &e);
  if (rc)
    fprintf(stderr, "pack build failed: %s\n", e.msg);
  assert_int_equal(rc, 0);
}

/* Installs a pack into the fixture's store with the effective trust set,
 * as the kiosk must. */
static int install_pack(struct fixture *fx, const char *path, struct pack_result *res)
{
  struct sig_trust *t = effective(fx);
  struct store *st = NULL;
  struct kerr e;
  assert_int_equal(store_open(fx->store, &st, &e), 0);
  int rc = pack_install(path, st, t, NULL, res, &e);
  store_close(st);
  sig_trust_free(t);
  return rc;
}

/* -------------------------------------------------------------- tests */

static void test_doc_roundtrip(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  uint64_t rev[2] = {UINT64_C(0x180F395E82E0112A), 1};
  char *json = doc_json(7, &fx.new_pk, 1, rev, 2);
  struct keyring_doc *d = NULL;
  struct kerr e;
  assert_int_equal(keyring_doc_parse(json, strlen(json), NULL, &d, &e), 0);
  assert_int_equal(d->version, 7);
  assert_int_equal(d->created, 1790000000);
  assert_int_equal(d->n_add, 1);
  assert_int_equal(d->add[0].key_id, fx.new_pk.key_id);
  assert_memory_equal(d->add[0].key, fx.new_pk.key, SIG_PUBKEY_BYTES);
  assert_int_equal(d->n_revoke, 2);
  assert_true(d->revoke[0] == rev[0] && d->revoke[1] == rev[1]);
  assert_non_null(strstr(json, "\"180F395E82E0112A\""));
  keyring_doc_free(d);
  free(json);
  fx_close(&fx);
}

static void test_doc_refused(void **state)
{
  (void)state;
  static const struct {
    const char *json;
    int code;
    const char *msg;
  } cases[] = {
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1,\"created\":"
       "\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\"}",
       KERR_MANIFEST,
       "keyring.json: has the field \"expires\", which this "
       "kiosk does not know — it may need newer kiosk software"},
      {"{\"format\":3,\"type\":\"keyring\",\"version\":1,\"created\":"
       "\"2026-01-01T00:00:00Z\"}",
       KERR_FORMAT,
       "keyring.json: \"format\" must be 2, the keyring format "
       "this kiosk reads (found 3); this update needs newer kiosk software"},
      {"{\"format\":1,\"type\":\"keyring\",\"version\":1,\"created\":"
       "\"2026-01-01T00:00:00Z\"}",
       KERR_FORMAT,
       "keyring.json: is a format 1 keyring update, which any "
       "trusted key could sign — this kiosk accepts only format 2 updates "
       "signed by its root keys; ask the content team to rebuild it with the "
       "root key ('kiosk-pack keyring build --key ROOT.key')"},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":9007199254740992,"
       "\"created\":\"2026-01-01T00:00:00Z\"}",
       KERR_MANIFEST,
       "keyring.json: \"version\" must be a whole number from "
       "1 to 9007199254740991 (2^53 - 1) (found 9007199254740992)"},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":9007199254740993,"
       "\"created\":\"2026-01-01T00:00:00Z\"}",
       KERR_MANIFEST, NULL},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1e300,"
       "\"created\":\"2026-01-01T00:00:00Z\"}",
       KERR_MANIFEST, NULL},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1,\"threshold\":0,"
       "\"created\":\"2026-01-01T00:00:00Z\"}",
       KERR_MANIFEST,
       "keyring.json: \"threshold\" must be a whole number from "
       "1 to 16 (found 0)"},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1,\"roots\":[],"
       "\"created\":\"2026-01-01T00:00:00Z\"}",
       KERR_MANIFEST,
       "keyring.json: \"roots\" is empty — a root set needs at "
       "least one key"},
      {"{\"format\":2,\"type\":\"pack\",\"version\":1,\"created\":"
       "\"2026-01-01T00:00:00Z\"}",
       KERR_MANIFEST,
       "keyring.json: \"type\" must be \"keyring\" (found "
       "\"pack\")"},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1.5,\"created\":"
       "\"2026-01-01T00:00:00Z\"}",
       KERR_MANIFEST,
       "keyring.json: \"version\" must be a whole number from "
       "1 to 9007199254740991 (2^53 - 1) (found 1.5)"},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1,\"version\":2,"
       "\"created\":\"2026-01-01T00:00:00Z\"}",
       KERR_MANIFEST, "keyring.json: has the field \"version\" twice"},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1,\"created\":"
       "\"yesterday\"}",
       KERR_MANIFEST,
       "keyring.json: \"created\" must be a date and time like "
       "\"2026-11-28T10:00:00Z\" (found \"yesterday\")"},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1,\"created\":"
       "\"2026-01-01T00:00:00Z\",\"revoke\":[\"12345\"]}",
       KERR_MANIFEST,
       "keyring.json: \"revoke\" entry 1 must be a key id of 16 "
       "hex digits like 180F395E82E0112A (found \"12345\")"},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1,\"created\":"
       "\"2026-01-01T00:00:00Z\",\"revoke\":[\"00000000000000AA\","
       "\"00000000000000aa\"]}",
       KERR_MANIFEST,
       "keyring.json: \"revoke\" lists key 00000000000000AA "
       "twice"},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1,\"created\":"
       "\"2026-01-01T00:00:00Z\",\"add\":[\"not a key\"]}",
       KERR_MANIFEST,
       "keyring.json: \"add\" entry 1 must be a minisign public "
       "key, the base64 line of a .pub file (found \"not a key\")"},
      {"{\"format\":2,", KERR_PARSE, NULL},
      {"{\"format\":2,\"type\":\"keyring\",\"version\":1,\"created\":"
       "\"2026-01-01T00:00:00Z\"} trailing",
       KERR_PARSE, "keyring.json: has extra text after the JSON object"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct keyring_doc *d = NULL;
    struct kerr e;
    kerr_clear(&e);
    int rc = keyring_doc_parse(cases[i].json, strlen(cases[i].json), NULL, &d, &e);
    if (rc != cases[i].code)
      fprintf(stderr, "case %zu: %d %s\n", i, rc, e.msg);
    assert_int_equal(rc, cases[i].code);
    assert_null(d);
    if (cases[i].msg)
      assert_msg(e.msg, cases[i].msg);
  }
  /* A key both added and revoked. */
  struct fixture fx;
  fx_open(&fx);
  char *json = doc_json(1, &fx.new_pk, 1, &fx.new_pk.key_id, 1);
  struct keyring_doc *d = NULL;
  struct kerr e;
  assert_int_equal(keyring_doc_parse(json, strlen(json), NULL, &d, &e), KERR_MANIFEST);
  char want[160];
  snprintf(want, sizeof want,
           "keyring.json: key %s is both added and "
           "revoked",
           fx.new_id);
  assert_msg(e.msg, want);
  free(json);
  fx_close(&fx);
}

static void test_no_update_means_folder_only(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  struct sig_trust *t = effective(&fx); /* the store does not even exist */
  assert_int_equal(sig_trust_count(t), 1);
  assert_true(sig_trust_contains(t, fx.old_pk.key_id));
  assert_false(sig_trust_contains(t, fx.new_pk.key_id));
  sig_trust_free(t);
  struct keyring_doc *st = NULL;
  struct kerr e;
  assert_int_equal(keyring_state(fx.store, &st, &e), 0);
  assert_int_equal(st->version, 0);
  assert_int_equal(st->n_add + st->n_revoke, 0);
  keyring_doc_free(st);
  fx_close(&fx);
}

/* Update 1, signed by root key old, names signing key new: packs by new
 * are accepted, and packs by the root key no longer are. */
static void test_rotation(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char pack1[PATH_MAX], pack2[PATH_MAX], pack3[PATH_MAX], up[PATH_MAX];
  make_pack(&fx, fx.new_key, 1, pack1, sizeof pack1);
  struct pack_result res;
  assert_int_equal(install_pack(&fx, pack1, &res), KERR_UNTRUSTED);
  pack_result_free(&res);

  build_update(&fx, 1, fx.old_key, fx.new_pub, NULL, NULL, up, sizeof up);
  struct keyring_result kr;
  assert_int_equal(install(&fx, up, &kr), 0);
  assert_int_equal(kr.status, KEYRING_STATUS_INSTALLED);
  assert_int_equal(kr.had_version, 0);
  assert_int_equal(kr.version, 1);
  assert_int_equal(kr.n_trusted, 1);
  char want[400];
  snprintf(want, sizeof want,
           "keyring-1.kkeys: installed keyring version 1 "
           "(signed by root key %s): added key %s — 1 signing key now",
           fx.old_id, fx.new_id);
  assert_msg(kr.msg, want);

  struct sig_trust *t = effective(&fx);
  assert_int_equal(sig_trust_count(t), 1);
  assert_false(sig_trust_contains(t, fx.old_pk.key_id));
  assert_true(sig_trust_contains(t, fx.new_pk.key_id));
  sig_trust_free(t);

  assert_int_equal(install_pack(&fx, pack1, &res), 0);
  assert_int_equal(res.status, PACK_STATUS_INSTALLED);
  pack_result_free(&res);
  /* A root key signs keyring updates only. */
  make_pack(&fx, fx.old_key, 2, pack2, sizeof pack2);
  assert_int_equal(install_pack(&fx, pack2, &res), KERR_UNTRUSTED);
  pack_result_free(&res);
  make_pack(&fx, fx.new_key, 3, pack3, sizeof pack3);
  assert_int_equal(install_pack(&fx, pack3, &res), 0);
  pack_result_free(&res);

  /* Installing the same update again changes nothing and is fine. */
  size_t l1, l2;
  char *before = state_bytes(&fx, &l1);
  assert_int_equal(install(&fx, up, &kr), 0);
  assert_int_equal(kr.status, KEYRING_STATUS_UP_TO_DATE);
  assert_msg(kr.msg,
             "keyring-1.kkeys: keyring version 1 is already "
             "installed — nothing to do");
  char *after = state_bytes(&fx, &l2);
  assert_int_equal(l1, l2);
  assert_memory_equal(before, after, l1);
  free(before);
  free(after);
  fx_close(&fx);
}

/* Update 2, signed by the root key, revokes signing key new and names
 * stranger: new's packs are refused even when newer, and so are updates
 * signed by new. */
static void test_revocation(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char up1[PATH_MAX], up2[PATH_MAX], up3[PATH_MAX], pack[PATH_MAX];
  char pack5[PATH_MAX];
  build_update(&fx, 1, fx.old_key, fx.new_pub, NULL, NULL, up1, sizeof up1);
  install_ok(&fx, up1);
  make_pack(&fx, fx.new_key, 1, pack, sizeof pack);
  struct pack_result res;
  assert_int_equal(install_pack(&fx, pack, &res), 0);
  pack_result_free(&res);

  build_update(&fx, 2, fx.old_key, fx.stranger_pub, fx.new_id, up1, up2, sizeof up2);
  struct keyring_result kr;
  assert_int_equal(install(&fx, up2, &kr), 0);
  char want[400];
  snprintf(want, sizeof want,
           "keyring-2.kkeys: installed keyring version 2 "
           "(signed by root key %s): added key %s; revoked key %s — 1 "
           "signing key now",
           fx.old_id, fx.stranger_id, fx.new_id);
  assert_msg(kr.msg, want);

  struct sig_trust *t = effective(&fx);
  assert_int_equal(sig_trust_count(t), 1);
  assert_false(sig_trust_contains(t, fx.new_pk.key_id));
  assert_true(sig_trust_contains(t, fx.stranger_pk.key_id));
  struct kerr e;
  assert_int_equal(sig_trust_add(t, &fx.new_pk, &e), KERR_REVOKED);
  sig_trust_free(t);

  /* A newer pack signed by the revoked key is refused. */
  make_pack(&fx, fx.new_key, 5, pack5, sizeof pack5);
  assert_int_equal(install_pack(&fx, pack5, &res), KERR_REVOKED);
  snprintf(want, sizeof want,
           "rotation-5.kpack: signature is from a revoked "
           "key (key %s) — ask the content team for a pack signed with the "
           "current key",
           fx.new_id);
  assert_msg(res.msg, want);
  pack_result_free(&res);
  /* An update signed by the revoked key is refused, whatever it says. */
  build_update(&fx, 3, fx.new_key, NULL, NULL, NULL, up3, sizeof up3);
  snprintf(want, sizeof want,
           "keyring-3.kkeys: signed by a revoked key "
           "(key %s) — ask the content team for an update signed with a "
           "current root key",
           fx.new_id);
  install_refused(&fx, up3, KERR_REVOKED, KEYRING_STATUS_REFUSED, want);

  /* And the revoked key can never be added back, even by the root key. */
  char up4[PATH_MAX];
  struct sig_pubkey back = fx.new_pk;
  char *json = doc_json(4, &back, 1, NULL, 0);
  forge(&fx, "keyring-4.kkeys", json, 4, fx.old_key, NULL, up4, sizeof up4);
  free(json);
  snprintf(want, sizeof want,
           "keyring-4.kkeys: adds key %s, which was "
           "revoked — a revoked key can never be trusted again; ask the "
           "content team for an update without it",
           fx.new_id);
  install_refused(&fx, up4, KERR_REVOKED, KEYRING_STATUS_REFUSED, want);
  /* The builder refuses it too, with --base carrying the revocation. */
  const char *adds[1] = {fx.new_pub};
  struct cmd_keyring_build_opts o;
  memset(&o, 0, sizeof o);
  o.version = 4;
  o.add = adds;
  o.n_add = 1;
  o.base = up2;
  o.key = fx.old_key;
  o.out = fx.dir;
  char out[PATH_MAX];
  kerr_clear(&e);
  assert_int_equal(cmd_keyring_build(&o, out, sizeof out, &e), KERR_REVOKED);
  fx_close(&fx);
}

/* The attack a stolen signing key allowed before root keys: an update it
 * signs that revokes the root key, names the thief's key and takes the
 * version to the end. It is refused; one update signed by the root key
 * then revokes the stolen key, and the owner's packs install again. */
static void test_stolen_signing_key(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char up1[PATH_MAX], up2[PATH_MAX], attack[PATH_MAX], pack[PATH_MAX];
  build_update(&fx, 1, fx.old_key, fx.new_pub, NULL, NULL, up1, sizeof up1);
  install_ok(&fx, up1);

  build_update(&fx, KEYRING_MAX_VERSION, fx.new_key, fx.stranger_pub, fx.old_id, NULL, attack,
               sizeof attack);
  char want[600];
  snprintf(want, sizeof want,
           "keyring-%" PRIu64 ".kkeys: signed by key %s, "
           "a signing key — signing keys sign packs only, and keyring "
           "updates must be signed by a root key; refused (if that key was "
           "stolen, revoke it with an update signed by the root key)",
           KEYRING_MAX_VERSION, fx.new_id);
  install_refused(&fx, attack, KERR_UNTRUSTED, KEYRING_STATUS_REFUSED, want);
  /* The thief's pack is not trusted. */
  make_pack(&fx, fx.stranger_key, 9, pack, sizeof pack);
  struct pack_result res;
  assert_int_equal(install_pack(&fx, pack, &res), KERR_UNTRUSTED);
  pack_result_free(&res);
  /* But with the stolen key itself the thief can push the version number
   * up, before the theft is known. */
  make_pack(&fx, fx.new_key, 5, pack, sizeof pack);
  assert_int_equal(install_pack(&fx, pack, &res), 0);
  pack_result_free(&res);
  make_pack(&fx, fx.new_key, 999999, pack, sizeof pack);
  assert_int_equal(install_pack(&fx, pack, &res), 0);
  pack_result_free(&res);

  /* The owner: the root key revokes new and names a fresh signing key. */
  char fresh_key[256], fresh_pub[256], fresh_id[SIG_KEYID_BUFSZ];
  struct sig_pubkey fresh_pk;
  make_key(fx.dir, "fresh", fresh_key, sizeof fresh_key, &fresh_pk, fresh_id);
  snprintf(fresh_pub, sizeof fresh_pub, "%s/fresh.pub", fx.dir);
  build_update(&fx, 2, fx.old_key, fresh_pub, fx.new_id, NULL, up2, sizeof up2);
  install_ok(&fx, up2);
  /* The owner's next pack installs although its number is far below the
   * thief's, and nothing the stolen key signed is kept. */
  make_pack(&fx, fresh_key, 10, pack, sizeof pack);
  assert_int_equal(install_pack(&fx, pack, &res), 0);
  pack_result_free(&res);
  struct store *st = NULL;
  struct kerr e;
  assert_int_equal(store_open(fx.store, &st, &e), 0);
  struct store_pack_info info;
  assert_int_equal(store_info(st, "rotation", &info, &e), 0);
  assert_int_equal(info.current, 10);
  assert_int_equal(info.previous, 0);
  assert_int_equal(info.floor, 10);
  store_close(st);
  make_pack(&fx, fresh_key, 8, pack, sizeof pack);
  assert_int_equal(install_pack(&fx, pack, &res), KERR_OLDER);
  pack_result_free(&res);
  make_pack(&fx, fx.new_key, 11, pack, sizeof pack);
  assert_int_equal(install_pack(&fx, pack, &res), KERR_REVOKED);
  pack_result_free(&res);
  fx_close(&fx);
}

/* Two root keys, two signatures needed, then a rotation to a new set. */
static void test_threshold_and_root_rotation(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char r2_key[256], r2_pub[256], r2_id[SIG_KEYID_BUFSZ];
  struct sig_pubkey r2_pk;
  make_key(fx.keys, "r2", r2_key, sizeof r2_key, &r2_pk, r2_id);
  char up1[PATH_MAX], up2[PATH_MAX], up3[PATH_MAX];
  /* Update 1, by old alone, asks for 2 of 2 from now on. */
  struct cmd_keyring_build_opts o;
  memset(&o, 0, sizeof o);
  const char *adds[1] = {fx.new_pub};
  o.version = 1;
  o.add = adds;
  o.n_add = 1;
  o.key = fx.old_key;
  o.out = fx.dir;
  o.threshold = 2;
  struct kerr e;
  assert_int_equal(cmd_keyring_build(&o, up1, sizeof up1, &e), 0);
  install_ok(&fx, up1);
  build_update(&fx, 2, fx.old_key, fx.stranger_pub, NULL, NULL, up2, sizeof up2);
  install_refused(&fx, up2, KERR_UNTRUSTED, KEYRING_STATUS_REFUSED,
                  "keyring-2.kkeys: signed by 1 root key, but this kiosk "
                  "needs 2 — ask the content team to add signatures with "
                  "'kiosk-pack keyring sign'");
  assert_int_equal(cmd_keyring_sign(up2, r2_key, NULL, &e), 0);
  install_ok(&fx, up2);

  /* Rotation to the set {r3}, 1 of 1 from now on: signed by the two old
   * root keys and by r3. */
  char r3_key[256], r3_pub[256], r3_id[SIG_KEYID_BUFSZ];
  struct sig_pubkey r3_pk;
  make_key(fx.dir, "r3", r3_key, sizeof r3_key, &r3_pk, r3_id);
  snprintf(r3_pub, sizeof r3_pub, "%s/r3.pub", fx.dir);
  snprintf(r2_pub, sizeof r2_pub, "%s/r2.pub", fx.keys);
  const char *roots[1] = {r3_pub};
  const char *more[2] = {r2_key, r3_key};
  memset(&o, 0, sizeof o);
  o.version = 3;
  o.roots = roots;
  o.n_roots = 1;
  o.threshold = 1;
  o.key = fx.old_key;
  o.more_keys = more;
  o.n_more_keys = 2;
  o.out = fx.dir;
  assert_int_equal(cmd_keyring_build(&o, up3, sizeof up3, &e), 0);
  install_ok(&fx, up3);
  unsigned k = 0;
  struct sig_trust *roots_now = NULL;
  assert_int_equal(keyring_load_roots(fx.store, fx.keys, &roots_now, &k, &e), 0);
  assert_int_equal(k, 1);
  assert_int_equal(sig_trust_count(roots_now), 1);
  assert_true(sig_trust_contains(roots_now, r3_pk.key_id));
  assert_false(sig_trust_contains(roots_now, fx.old_pk.key_id));
  sig_trust_free(roots_now);
  /* The folder's keys no longer count for updates. */
  char up4[PATH_MAX];
  build_update(&fx, 4, fx.old_key, NULL, NULL, NULL, up4, sizeof up4);
  char want[300];
  snprintf(want, sizeof want,
           "keyring-4.kkeys: not signed by a root key "
           "(key %s) — ask the content team for an update signed with a "
           "current root key",
           fx.old_id);
  install_refused(&fx, up4, KERR_UNTRUSTED, KEYRING_STATUS_REFUSED, want);
  build_update(&fx, 4, r3_key, NULL, NULL, NULL, up4, sizeof up4);
  install_ok(&fx, up4);
  fx_close(&fx);
}

/* A kiosk keyring state from before root keys (format 1, its version
 * pushed to 2^53 by any trusted key) is read: its revocations stay, and
 * the first root-signed update starts a new version sequence. */
static void test_format1_state_migrates(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/keyring", fx.store);
  assert_int_equal(mkdir(fx.store, 0755), 0);
  assert_int_equal(mkdir(path, 0755), 0);
  char json[600];
  snprintf(json, sizeof json,
           "{\"format\":1,\"type\":\"keyring-state\","
           "\"version\":9007199254740992,\"created\":\"2026-01-01T00:00:00Z\","
           "\"update\":\"%064d\",\"add\":[],\"revoke\":[\"%s\"]}\n",
           0, fx.stranger_id);
  snprintf(path, sizeof path, "%s/keyring/state.json", fx.store);
  ktmp_write_file(path, json, strlen(json));
  struct sig_trust *t = effective(&fx); /* as before: the folder's key */
  assert_true(sig_trust_contains(t, fx.old_pk.key_id));
  sig_trust_free(t);
  char up[PATH_MAX];
  build_update(&fx, 1, fx.old_key, fx.new_pub, NULL, NULL, up, sizeof up);
  install_ok(&fx, up);
  t = effective(&fx);
  assert_int_equal(sig_trust_count(t), 1);
  assert_true(sig_trust_contains(t, fx.new_pk.key_id));
  struct kerr e;
  assert_int_equal(sig_trust_add(t, &fx.stranger_pk, &e), KERR_REVOKED);
  sig_trust_free(t);
  fx_close(&fx);
}

/* An update may not revoke the key that signs it. */
static void test_self_revocation_refused(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char up[PATH_MAX], out[PATH_MAX];
  char *json = doc_json(1, &fx.new_pk, 1, &fx.old_pk.key_id, 1);
  forge(&fx, "keyring-1.kkeys", json, 1, fx.old_key, NULL, up, sizeof up);
  free(json);
  char want[300];
  snprintf(want, sizeof want,
           "keyring-1.kkeys: signed by key %s, which this "
           "same update revokes — refused; ask the content team to sign it "
           "with a key that stays trusted",
           fx.old_id);
  install_refused(&fx, up, KERR_REVOKED, KEYRING_STATUS_REFUSED, want);

  const char *revokes[1] = {fx.old_id};
  struct cmd_keyring_build_opts o;
  memset(&o, 0, sizeof o);
  o.version = 1;
  o.revoke = revokes;
  o.n_revoke = 1;
  o.key = fx.old_key;
  o.out = fx.dir;
  struct kerr e;
  kerr_clear(&e);
  remove(up);
  assert_int_equal(cmd_keyring_build(&o, out, sizeof out, &e), KERR_REVOKED);
  assert_int_equal(access(up, F_OK), -1); /* nothing written */
  fx_close(&fx);
}

static void test_rollback_refused(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char up1[PATH_MAX], up2[PATH_MAX];
  build_update(&fx, 1, fx.old_key, fx.new_pub, NULL, NULL, up1, sizeof up1);
  build_update(&fx, 2, fx.old_key, fx.stranger_pub, NULL, up1, up2, sizeof up2);
  install_ok(&fx, up2);
  install_refused(&fx, up1, KERR_OLDER, KEYRING_STATUS_OLDER,
                  "keyring-1.kkeys: version 1 is not newer than the "
                  "installed keyring (version 2) — nothing changed");

  /* The same version with other contents is refused too. */
  char other[PATH_MAX];
  char *json = doc_json(2, NULL, 0, NULL, 0);
  forge(&fx, "keyring-2-other.kkeys", json, 2, fx.old_key, NULL, other, sizeof other);
  free(json);
  install_refused(&fx, other, KERR_OLDER, KEYRING_STATUS_OLDER,
                  "keyring-2-other.kkeys: version 2 is not newer than the "
                  "installed keyring (version 2), and its contents differ — "
                  "nothing changed; ask the content team to publish it as "
                  "version 3");
  fx_close(&fx);
}

/* An update read from a descriptor, as the kiosk reads one from a stick:
 * never reopened by name, the descriptor left open; a cancel flag that is
 * set ends it with nothing changed. */
static void test_install_fd_and_cancel(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char up1[PATH_MAX];
  build_update(&fx, 1, fx.old_key, fx.new_pub, NULL, NULL, up1, sizeof up1);
  int fd = open(up1, O_RDONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  assert_int_equal(unlink(up1), 0); /* only the descriptor reaches it now */

  atomic_int cancel = 1;
  struct keyring_result res;
  struct kerr e;
  kerr_clear(&e);
  int rc = keyring_install_fd(fd, "kiosk/keyring-1.kkeys", fx.store, fx.keys, &cancel, &res, &e);
  assert_int_equal(rc, KERR_INVAL);
  assert_string_equal(res.msg, "keyring-1.kkeys: cancelled — nothing was changed");
  assert_string_equal(e.msg, res.msg);
  size_t len = 0;
  char *st = state_bytes(&fx, &len);
  assert_null(st); /* nothing persisted */
  struct sig_trust *t = effective(&fx);
  assert_false(sig_trust_contains(t, fx.new_pk.key_id));
  sig_trust_free(t);

  atomic_store(&cancel, 0);
  rc = keyring_install_fd(fd, "kiosk/keyring-1.kkeys", fx.store, fx.keys, &cancel, &res, &e);
  if (rc)
    fprintf(stderr, "install failed: %s\n", res.msg);
  assert_int_equal(rc, 0);
  assert_int_equal(res.status, KEYRING_STATUS_INSTALLED);
  assert_string_equal(res.file, "keyring-1.kkeys");
  t = effective(&fx);
  assert_true(sig_trust_contains(t, fx.new_pk.key_id));
  sig_trust_free(t);

  /* The descriptor is the caller's: still open, read again from the start. */
  rc = keyring_install_fd(fd, "kiosk/keyring-1.kkeys", fx.store, fx.keys, NULL, &res, &e);
  assert_int_equal(rc, 0);
  assert_int_equal(res.status, KEYRING_STATUS_UP_TO_DATE);
  close(fd);

  rc = keyring_install_fd(-1, "keyring-1.kkeys", fx.store, fx.keys, NULL, &res, &e);
  assert_int_equal(rc, KERR_INVAL);
  fx_close(&fx);
}

/* The state is on disk: a new process (here: new calls) sees it, and a
 * damaged state is never silently replaced by the folder alone. */
static void test_persistence(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char up1[PATH_MAX], up2[PATH_MAX];
  build_update(&fx, 1, fx.old_key, fx.new_pub, NULL, NULL, up1, sizeof up1);
  build_update(&fx, 2, fx.old_key, fx.stranger_pub, fx.new_id, up1, up2, sizeof up2);
  install_ok(&fx, up1);
  install_ok(&fx, up2);
  /* The updates' files are gone from the stick; nothing depends on them. */
  assert_int_equal(remove(up1), 0);
  assert_int_equal(remove(up2), 0);

  struct keyring_doc *st = NULL;
  struct kerr e;
  assert_int_equal(keyring_state(fx.store, &st, &e), 0);
  assert_int_equal(st->version, 2);
  assert_int_equal(st->n_add, 1);
  assert_int_equal(st->add[0].key_id, fx.stranger_pk.key_id);
  assert_int_equal(st->n_revoke, 1);
  assert_int_equal(st->revoke[0], fx.new_pk.key_id);
  keyring_doc_free(st);

  /* Only the last update's bytes are kept, and no temporary. */
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/keyring/update-2.json", fx.store);
  assert_int_equal(access(path, F_OK), 0);
  snprintf(path, sizeof path, "%s/keyring/update-2.json.minisig", fx.store);
  assert_int_equal(access(path, F_OK), 0);
  snprintf(path, sizeof path, "%s/keyring/update-1.json", fx.store);
  assert_int_equal(access(path, F_OK), -1);
  snprintf(path, sizeof path, "%s/keyring/.state.json.tmp", fx.store);
  assert_int_equal(access(path, F_OK), -1);

  struct sig_trust *t = effective(&fx);
  assert_false(sig_trust_contains(t, fx.old_pk.key_id));
  assert_false(sig_trust_contains(t, fx.new_pk.key_id));
  assert_true(sig_trust_contains(t, fx.stranger_pk.key_id));
  sig_trust_free(t);

  /* Damage the state: loading refuses rather than trust old again. */
  snprintf(path, sizeof path, "%s/keyring/state.json", fx.store);
  size_t len;
  char *text = ktmp_read_file(path, &len);
  assert_non_null(text);
  text[len / 2] = '#';
  ktmp_write_file(path, text, len);
  free(text);
  t = NULL;
  kerr_clear(&e);
  assert_int_equal(keyring_load_trust(fx.store, fx.keys, &t, &e), KERR_STORE);
  assert_null(t);
  assert_non_null(strstr(e.msg, "/keyring/state.json is damaged ("));
  assert_non_null(strstr(e.msg,
                         ") — packs cannot be checked against revoked "
                         "keys; ask support to repair the kiosk"));
  fx_close(&fx);
}

/* Tampered, unsigned, untrusted and otherwise broken update files. */
static void test_tampered_and_malformed_refused(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char path[PATH_MAX], want[600];
  char *json = doc_json(1, &fx.new_pk, 1, NULL, 0);
  char comment[KEYRING_COMMENT_BUFSZ];
  keyring_trusted_comment(1, comment, sizeof comment);
  char *sig = sign(fx.old_key, json, comment);

  /* A byte of keyring.json changed after signing: a revocation of old
   * smuggled in would look like this. */
  char *tampered = strdup(json);
  char *p = strstr(tampered, "\"version\": 1");
  assert_non_null(p);
  p[strlen("\"version\": ")] = '9';
  snprintf(path, sizeof path, "%s/keyring-tampered.kkeys", fx.dir);
  const char *names[3] = {KEYRING_DOC_NAME, KEYRING_SIG_NAME, "extra.txt"};
  const char *data[3] = {tampered, sig, "hello"};
  write_kkeys(path, names, data, 2);
  snprintf(want, sizeof want,
           "keyring-tampered.kkeys: signature does not "
           "match the signed data (key %s) — it was changed or damaged after "
           "signing; get a fresh copy",
           fx.old_id);
  install_refused(&fx, path, KERR_BADSIG, KEYRING_STATUS_REFUSED, want);
  free(tampered);

  /* No signature at all. */
  data[0] = json;
  snprintf(path, sizeof path, "%s/keyring-unsigned.kkeys", fx.dir);
  write_kkeys(path, names, data, 1);
  install_refused(&fx, path, KERR_SIG, KEYRING_STATUS_REFUSED,
                  "keyring-unsigned.kkeys: has no keyring.json.minisig after "
                  "keyring.json — the update is not signed; ask the content "
                  "team for a signed update");

  /* A third member. */
  snprintf(path, sizeof path, "%s/keyring-extra.kkeys", fx.dir);
  write_kkeys(path, names, data, 3);
  install_refused(&fx, path, KERR_MEMBER, KEYRING_STATUS_REFUSED,
                  "keyring-extra.kkeys: holds \"extra.txt\" after its "
                  "signature; a keyring update holds keyring.json and its "
                  "signature only (at most 8) — refused; get a fresh copy");

  /* A malformed signature. */
  data[1] = "untrusted comment: x\nnot base64!\n";
  snprintf(path, sizeof path, "%s/keyring-badsig.kkeys", fx.dir);
  write_kkeys(path, names, data, 2);
  install_refused(&fx, path, KERR_SIG, KEYRING_STATUS_REFUSED,
                  "keyring-badsig.kkeys: keyring.json.minisig: line 2: "
                  "signature is not valid base64 — was an actual signature "
                  "given?");

  /* Signed by a key nobody trusts. */
  snprintf(path, sizeof path, "%s/keyring-stranger.kkeys", fx.dir);
  char *ssig = sign(fx.stranger_key, json, comment);
  data[1] = ssig;
  write_kkeys(path, names, data, 2);
  snprintf(want, sizeof want,
           "keyring-stranger.kkeys: not signed by a "
           "root key (key %s) — ask the content team for an update signed "
           "with a current root key",
           fx.stranger_id);
  install_refused(&fx, path, KERR_UNTRUSTED, KEYRING_STATUS_REFUSED, want);
  free(ssig);

  /* A trusted comment for another version (or for a pack). */
  char other[PATH_MAX];
  forge(&fx, "keyring-comment.kkeys", json, 1, fx.old_key, "kpack id=keys version=1", other,
        sizeof other);
  install_refused(&fx, other, KERR_SIG, KEYRING_STATUS_REFUSED,
                  "keyring-comment.kkeys: the signature is for \"kpack "
                  "id=keys version=1\", but the update is \"kkeyring "
                  "format=2 version=1\" — it was signed for something else; ask the "
                  "content team to rebuild it with 'kiosk-pack keyring "
                  "build'");

  /* Signed, but not a valid document. */
  const char *bad = "{\"format\":2,\"type\":\"keyring\",\"version\":1}\n";
  forge(&fx, "keyring-nodate.kkeys", bad, 1, fx.old_key, NULL, other, sizeof other);
  install_refused(&fx, other, KERR_MANIFEST, KEYRING_STATUS_REFUSED,
                  "keyring-nodate.kkeys: keyring.json: \"created\" must be a "
                  "date and time like \"2026-11-28T10:00:00Z\" (found "
                  "nothing) — the update is signed but not valid; ask the "
                  "content team to rebuild it with 'kiosk-pack keyring "
                  "build'");

  /* Not a keyring at all: a content pack, a zip, a truncated file. */
  char pack[PATH_MAX];
  make_pack(&fx, fx.old_key, 1, pack, sizeof pack);
  install_refused(&fx, pack, KERR_FORMAT, KEYRING_STATUS_REFUSED,
                  "rotation-1.kpack: not a keyring update (it is a content "
                  "pack; install it as a pack) — a keyring update is the "
                  ".kkeys file made by 'kiosk-pack keyring build'; ask the "
                  "content team for it");
  snprintf(path, sizeof path, "%s/keyring-zip.kkeys", fx.dir);
  ktmp_write_file(path, "PK\x03\x04rest of a zip", 18);
  install_refused(&fx, path, KERR_FORMAT, KEYRING_STATUS_REFUSED,
                  "keyring-zip.kkeys: not a keyring update (it looks like a "
                  "zip file) — a keyring update is the .kkeys file made by "
                  "'kiosk-pack keyring build'; ask the content team for it");
  snprintf(path, sizeof path, "%s/keyring-cut.kkeys", fx.dir);
  data[1] = sig;
  write_kkeys(path, names, data, 2);
  assert_int_equal(truncate(path, 700), 0);
  install_refused(&fx, path, KERR_TRUNCATED, KEYRING_STATUS_REFUSED, NULL);
  snprintf(path, sizeof path, "%s/keyring-missing.kkeys", fx.dir);
  install_refused(&fx, path, KERR_NOENT, KEYRING_STATUS_FAILED,
                  "keyring-missing.kkeys: not found — check the name and the "
                  "folder");

  /* None of this created a state; a good update still installs. */
  char good[PATH_MAX];
  forge(&fx, "keyring-1.kkeys", json, 1, fx.old_key, NULL, good, sizeof good);
  install_ok(&fx, good);
  free(json);
  free(sig);
  fx_close(&fx);
}

/* A keyring.json whose header claims far more than allowed, compressed
 * small: refused from the header, without inflating it. */
static void test_oversized_refused_early(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/keyring-bomb.kkeys", fx.dir);
  struct archive *a = archive_write_new();
  assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
  assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
  assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
  struct archive_entry *ent = archive_entry_new();
  archive_entry_copy_pathname(ent, KEYRING_DOC_NAME);
  archive_entry_set_filetype(ent, AE_IFREG);
  archive_entry_set_perm(ent, 0644);
  const size_t big = 64u << 20;
  archive_entry_set_size(ent, (la_int64_t)big);
  assert_int_equal(archive_write_header(a, ent), ARCHIVE_OK);
  archive_entry_free(ent);
  static char zeros[1 << 16];
  for (size_t done = 0; done < big; done += sizeof zeros)
    assert_int_equal(archive_write_data(a, zeros, sizeof zeros), (la_ssize_t)sizeof zeros);
  assert_int_equal(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  install_refused(&fx, path, KERR_TOOBIG, KEYRING_STATUS_REFUSED,
                  "keyring-bomb.kkeys: keyring.json is 67108864 bytes; at "
                  "most 131072 are allowed — refused; get a fresh copy");
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  assert_true(s < 2.0); /* inflating 64 MiB would take longer */
  fx_close(&fx);
}

/* keyring_verify: what `kiosk-pack keyring build` reads back. */
static void test_verify_and_inspect(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char up[PATH_MAX];
  build_update(&fx, 3, fx.old_key, fx.new_pub, fx.stranger_id, NULL, up, sizeof up);
  struct sig_trust *t = effective(&fx);
  struct keyring_doc *d = NULL;
  struct keyring_result res;
  struct kerr e;
  assert_int_equal(keyring_verify(up, t, &d, &res, &e), 0);
  assert_int_equal(res.status, KEYRING_STATUS_VERIFIED);
  assert_int_equal(d->version, 3);
  assert_int_equal(d->n_add, 1);
  assert_int_equal(d->n_revoke, 1);
  keyring_doc_free(d);
  sig_trust_free(t);

  /* Inspect says what is claimed even without any key. */
  assert_int_equal(keyring_inspect(up, &d, &res, &e), 0);
  assert_int_equal(res.version, 3);
  assert_string_equal(res.key_id, fx.old_id);
  keyring_doc_free(d);
  fx_close(&fx);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_doc_format_four_digit_year),
    cmocka_unit_test(test_doc_roundtrip),
    cmocka_unit_test(test_doc_refused),
    cmocka_unit_test(test_no_update_means_folder_only),
    cmocka_unit_test(test_rotation),
    cmocka_unit_test(test_revocation),
    cmocka_unit_test(test_stolen_signing_key),
    cmocka_unit_test(test_threshold_and_root_rotation),
    cmocka_unit_test(test_format1_state_migrates),
    cmocka_unit_test(test_self_revocation_refused),
    cmocka_unit_test(test_rollback_refused),
    cmocka_unit_test(test_install_fd_and_cancel),
    cmocka_unit_test(test_persistence),
    cmocka_unit_test(test_tampered_and_malformed_refused),
    cmocka_unit_test(test_oversized_refused_early),
    cmocka_unit_test(test_verify_and_inspect),
};

KTEST_MAIN(tests)
