/* Unit tests for core/pack (the reader, verifier and installer) and the
 * builder behind `kiosk-pack build`.
 *
 * Packs are built here from small source folders written by the test, with
 * a throw-away unencrypted key made through keys.h. Bad packs are made in
 * code from a good uncompressed one: its members are read back and written
 * out again with one thing changed (a byte flipped, a member dropped, a
 * symlink put in), so each test shows what is wrong with its pack. After
 * every refused install the test checks that the store still shows what it
 * showed before and that nothing is left in staging. */
#include "ktest.h"
#include "ktmp.h"

#include "core/fsutil.h"
#include "core/log.h"
#include "core/manifest.h"
#include "core/pack.h"
#include "core/sig.h"
#include "core/store.h"
#include "kiosk-pack/cmd_build.h"
#include "kiosk-pack/keys.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MEDIA_DEFAULT 3000

/* ------------------------------------------------------------ helpers */

struct fixture {
  char dir[256];   /* the temporary folder for everything */
  char key[300];   /* dir/k.key */
  char store[300]; /* dir/store */
  struct sig_trust *trust;
  uint64_t key_id;
};

static void fx_open(struct fixture *fx)
{
  memset(fx, 0, sizeof *fx);
  assert_int_equal(sodium_init() >= 0, 1);
  log_set_quiet(1);
  ktmp_mkdtemp(fx->dir, sizeof fx->dir, "pack");
  char name[PATH_MAX];
  snprintf(name, sizeof name, "%s/k", fx->dir);
  snprintf(fx->key, sizeof fx->key, "%s/k.key", fx->dir);
  snprintf(fx->store, sizeof fx->store, "%s/store", fx->dir);
  struct kerr e;
  struct sig_pubkey pub;
  assert_int_equal(keys_generate(name, NULL, NULL, &pub, &e), 0);
  fx->key_id = pub.key_id;
  fx->trust = sig_trust_new();
  assert_non_null(fx->trust);
  assert_int_equal(sig_trust_add(fx->trust, &pub, &e), 0);
}

static void fx_close(struct fixture *fx)
{
  sig_trust_free(fx->trust);
  ktmp_remove(fx->dir);
}

/* Writes a source folder dir/src-<id>-<version> with two pages in English
 * and one media file of media_size bytes. extra is added to pack.json
 * (e.g. "\"expires\": \"2021-01-01T00:00:00Z\","), may be "". Returns the
 * folder in buf. */
static void make_source(struct fixture *fx, const char *id, uint64_t version, size_t media_size,
                        const char *extra, char *buf, size_t cap)
{
  snprintf(buf, cap, "%s/src-%s-%" PRIu64, fx->dir, id, version);
  assert_int_equal(mkdir(buf, 0755), 0);
  char path[PATH_MAX + 64], json[1024];
  snprintf(json, sizeof json,
           "{\n  \"id\": \"%s\",\n  \"version\": %" PRIu64 ",\n"
           "  \"title\": {\"en\": \"Test pack %" PRIu64 "\"},\n"
           "  \"created\": \"2020-07-10T00:00:00Z\",\n  %s\n"
           "  \"languages\": [\"en\"],\n  \"pages\": [\"p1\", \"p2\"]\n}\n",
           id, version, version, extra);
  snprintf(path, sizeof path, "%s/pack.json", buf);
  ktmp_write_file(path, json, strlen(json));
  snprintf(path, sizeof path, "%s/pages", buf);
  assert_int_equal(mkdir(path, 0755), 0);
  snprintf(path, sizeof path, "%s/media", buf);
  assert_int_equal(mkdir(path, 0755), 0);
  char page[256];
  snprintf(page, sizeof page,
           "# Page one, version %" PRIu64 "\n\n"
           "The picture file is in media/.\n",
           version);
  snprintf(path, sizeof path, "%s/pages/p1.en.md", buf);
  ktmp_write_file(path, page, strlen(page));
  snprintf(page, sizeof page, "# Page two, version %" PRIu64 "\n", version);
  snprintf(path, sizeof path, "%s/pages/p2.en.md", buf);
  ktmp_write_file(path, page, strlen(page));
  unsigned char *media = malloc(media_size ? media_size : 1);
  assert_non_null(media);
  ktmp_fill(media, media_size, (unsigned)version);
  snprintf(path, sizeof path, "%s/media/pic.bin", buf);
  ktmp_write_file(path, media, media_size);
  free(media);
}

/* Builds a pack from src into dir/<name>. */
static void build(struct fixture *fx, const char *src, const char *name,
                  enum cmd_build_compress compress, char *out, size_t cap)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", fx->dir, name);
  /* Without lint: some tests need packs lint would refuse (expired). */
  struct cmd_build_opts o = {src, fx->key, path, compress, NULL, 1, 1, 0};
  struct kerr e;
  kerr_clear(&e);
  int rc = cmd_build_pack(&o, out, cap, &e);
  if (rc)
    fprintf(stderr, "build failed: %s\n", e.msg);
  assert_int_equal(rc, 0);
  assert_string_equal(out, path);
}

/* A source and its pack in one go. */
static void make_pack(struct fixture *fx, const char *id, uint64_t version, size_t media_size,
                      const char *extra, enum cmd_build_compress compress, char *out, size_t cap)
{
  char src[PATH_MAX], name[128];
  make_source(fx, id, version, media_size, extra, src, sizeof src);
  snprintf(name, sizeof name, "%s-%" PRIu64 "%s.kpack", id, version,
           compress == CMD_BUILD_ZSTD       ? "-zstd"
               : compress == CMD_BUILD_NONE ? "-plain"
                                            : "");
  build(fx, src, name, compress, out, cap);
}

static struct store *open_store(struct fixture *fx)
{
  struct store *st = NULL;
  struct kerr e;
  assert_int_equal(store_open(fx->store, &st, &e), 0);
  return st;
}

/* Installs path; returns the code and leaves the result in *res. */
static int install(struct fixture *fx, const char *path, struct pack_result *res, struct kerr *e)
{
  struct store *st = open_store(fx);
  int rc = pack_install(path, st, fx->trust, NULL, res, e);
  store_close(st);
  return rc;
}

static uint64_t current_version(struct fixture *fx, const char *id)
{
  struct store *st = open_store(fx);
  struct store_pack_info info;
  struct kerr e;
  uint64_t v = store_info(st, id, &info, &e) == 0 ? info.current : 0;
  store_close(st);
  return v;
}

/* Number of entries (not . or ..) in a folder; -1 if it cannot be read. */
static int count_entries(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d)))
    n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
  closedir(d);
  return n;
}

/* After a refused install: nothing staged, only the old versions kept. */
static void assert_store_unchanged(struct fixture *fx, const char *id, uint64_t current,
                                   int n_versions)
{
  assert_int_equal(current_version(fx, id), current);
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/staging", fx->store);
  assert_int_equal(count_entries(path), 0);
  snprintf(path, sizeof path, "%s/packs/%s", fx->store, id);
  assert_int_equal(count_entries(path), n_versions);
}

static void assert_contains(const char *hay, const char *needle)
{
  if (!strstr(hay, needle)) {
    fprintf(stderr, "message: %s\nwanted in it: %s\n", hay, needle);
    fail();
  }
}

/* ------------------------------------------------- forging bad packs */

struct member {
  char *name;
  unsigned char *data;
  size_t len;
  int type;            /* AE_IFREG, AE_IFLNK, AE_IFDIR, ... */
  la_int64_t hdr_size; /* -1: len */
  const char *link;    /* symlink or hard link target */
  size_t xattr_bytes;  /* > 0: a pax xattr record of that size (bloat) */
};

struct members {
  struct member v[64];
  size_t n;
};

/* Reads every member of a (small) pack. */
static void read_members(const char *path, struct members *ms)
{
  memset(ms, 0, sizeof *ms);
  struct archive *a = archive_read_new();
  archive_read_support_format_tar(a);
  archive_read_support_filter_all(a);
  assert_int_equal(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
  struct archive_entry *ent;
  while (archive_read_next_header(a, &ent) == ARCHIVE_OK) {
    assert_true(ms->n < 64);
    struct member *m = &ms->v[ms->n++];
    m->name = strdup(archive_entry_pathname(ent));
    m->len = (size_t)archive_entry_size(ent);
    m->data = malloc(m->len + 1); /* NUL-terminated, so tests may strstr() it */
    m->type = AE_IFREG;
    m->hdr_size = -1;
    assert_int_equal(archive_read_data(a, m->data, m->len), (la_ssize_t)m->len);
    ((char *)m->data)[m->len] = '\0';
  }
  archive_read_free(a);
}

static void free_members(struct members *ms)
{
  for (size_t i = 0; i < ms->n; i++) {
    free(ms->v[i].name);
    free(ms->v[i].data);
  }
  ms->n = 0;
}

static int find_member(struct members *ms, const char *name)
{
  for (size_t i = 0; i < ms->n; i++)
    if (!strcmp(ms->v[i].name, name))
      return (int)i;
  fail_msg("no member %s", name);
  return -1;
}

static void remove_member(struct members *ms, size_t i)
{
  free(ms->v[i].name);
  free(ms->v[i].data);
  memmove(&ms->v[i], &ms->v[i + 1], (ms->n - i - 1) * sizeof ms->v[0]);
  ms->n--;
}

static void insert_member(struct members *ms, size_t at, const char *name, int type,
                          const void *data, size_t len)
{
  assert_true(ms->n < 64);
  memmove(&ms->v[at + 1], &ms->v[at], (ms->n - at) * sizeof ms->v[0]);
  ms->n++;
  struct member *m = &ms->v[at];
  memset(m, 0, sizeof *m);
  m->name = strdup(name);
  m->data = malloc(len ? len : 1);
  if (len)
    memcpy(m->data, data, len);
  m->len = len;
  m->type = type;
  m->hdr_size = -1;
}

/* Writes the members as a pax tar (uncompressed) to dir/name. */
static void write_members(struct fixture *fx, const struct members *ms, const char *name, char *out,
                          size_t cap)
{
  snprintf(out, cap, "%s/%s", fx->dir, name);
  struct archive *a = archive_write_new();
  archive_write_set_format_pax(a);
  assert_int_equal(archive_write_open_filename(a, out), ARCHIVE_OK);
  for (size_t i = 0; i < ms->n; i++) {
    const struct member *m = &ms->v[i];
    struct archive_entry *ent = archive_entry_new();
    archive_entry_copy_pathname(ent, m->name);
    archive_entry_set_mtime(ent, 1594339200, 0);
    if (m->type == AE_IFREG && m->link) {
      archive_entry_set_filetype(ent, AE_IFREG);
      archive_entry_copy_hardlink(ent, m->link);
      archive_entry_set_size(ent, 0);
    } else {
      archive_entry_set_filetype(ent, (unsigned)m->type);
      if (m->type == AE_IFLNK)
        archive_entry_copy_symlink(ent, m->link);
      archive_entry_set_size(
          ent, m->type == AE_IFREG ? (m->hdr_size >= 0 ? m->hdr_size : (la_int64_t)m->len) : 0);
    }
    archive_entry_set_perm(ent, m->type == AE_IFDIR ? 0755 : 0644);
    if (m->xattr_bytes) {
      char *x = malloc(m->xattr_bytes);
      memset(x, 'x', m->xattr_bytes);
      archive_entry_xattr_add_entry(ent, "user.bloat", x, m->xattr_bytes);
      free(x);
    }
    assert_true(archive_write_header(a, ent) >= ARCHIVE_WARN);
    if (m->type == AE_IFREG && !m->link && m->len) {
      size_t n = m->hdr_size >= 0 && (size_t)m->hdr_size < m->len ? (size_t)m->hdr_size : m->len;
      assert_int_equal(archive_write_data(a, m->data, n), (la_ssize_t)n);
    }
    archive_entry_free(ent);
  }
  assert_int_equal(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
}

/* A good uncompressed pack of id version v, read back as members. */
static void good_members(struct fixture *fx, const char *id, uint64_t v, struct members *ms)
{
  char path[PATH_MAX];
  make_pack(fx, id, v, MEDIA_DEFAULT, "", CMD_BUILD_NONE, path, sizeof path);
  read_members(path, ms);
  assert_int_equal(ms->n, 5); /* pack.json, sig, media/pic.bin, 2 pages */
}

/* Replaces pack.json with json, signed by the fixture's key with comment. */
static void resign(struct fixture *fx, struct members *ms, const char *json, const char *comment)
{
  struct keys_secret *sk;
  struct kerr e;
  assert_int_equal(keys_secret_load(fx->key, NULL, &sk, &e), 0);
  char *sig;
  size_t sig_len;
  assert_int_equal(keys_sign(sk, json, strlen(json), comment, &sig, &sig_len, &e), 0);
  keys_secret_free(sk);
  int j = find_member(ms, "pack.json"), s = find_member(ms, "pack.json.minisig");
  free(ms->v[j].data);
  ms->v[j].data = (unsigned char *)strdup(json);
  ms->v[j].len = strlen(json);
  free(ms->v[s].data);
  ms->v[s].data = (unsigned char *)sig;
  ms->v[s].len = sig_len;
}

/* Verifies and installs a forged pack over an installed version 1; both
 * must be refused with code and a message holding want; the store must
 * not change. */
static void expect_refused(struct fixture *fx, const char *path, int code, const char *want)
{
  struct pack_result res;
  struct kerr e;
  int rc = pack_verify(path, fx->trust, NULL, &res, &e);
  if (rc != code)
    fprintf(stderr, "verify: %s\n", e.msg);
  assert_int_equal(rc, code);
  assert_contains(e.msg, want);
  assert_string_equal(res.msg, e.msg);
  assert_int_not_equal(res.status, PACK_STATUS_VERIFIED);
  pack_result_free(&res);

  rc = install(fx, path, &res, &e);
  assert_int_equal(rc, code);
  assert_contains(e.msg, want);
  pack_result_free(&res);
  assert_store_unchanged(fx, "news", 1, 1);
}

/* Installs a good version 1 of "news" so that refusals can be seen to
 * change nothing. */
static void install_v1(struct fixture *fx)
{
  char path[PATH_MAX];
  make_pack(fx, "news", 1, MEDIA_DEFAULT, "", CMD_BUILD_GZIP, path, sizeof path);
  struct pack_result res;
  struct kerr e;
  assert_int_equal(install(fx, path, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_INSTALLED);
  pack_result_free(&res);
}

/* -------------------------------------------------------------- tests */

/* build -> verify -> install -> the files on disk are the source's. */
static void roundtrip(enum cmd_build_compress compress)
{
  struct fixture fx;
  fx_open(&fx);
  char path[PATH_MAX], src[PATH_MAX];
  make_source(&fx, "news", 3, 200000, "", src, sizeof src);
  build(&fx, src, "news-3.kpack", compress, path, sizeof path);

  struct pack_result res;
  struct kerr e;
  assert_int_equal(pack_verify(path, fx.trust, NULL, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_VERIFIED);
  assert_string_equal(res.file, "news-3.kpack");
  assert_string_equal(res.id, "news");
  assert_int_equal(res.version, 3);
  assert_string_equal(res.title, "Test pack 3");
  assert_int_equal(res.n_files, 3);
  assert_int_equal(res.signature_ok, 1);
  assert_int_equal(res.contents_ok, 1);
  char kid[SIG_KEYID_BUFSZ];
  sig_keyid_format(fx.key_id, kid);
  assert_string_equal(res.key_id, kid);
  assert_non_null(res.manifest);
  assert_contains(res.msg, "news-3.kpack: verified");
  pack_result_free(&res);

  assert_int_equal(install(&fx, path, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_INSTALLED);
  assert_int_equal(res.had_version, 0);
  assert_contains(res.msg, "news-3.kpack: installed news version 3");
  pack_result_free(&res);
  assert_int_equal(current_version(&fx, "news"), 3);

  /* The installed bytes are the source's. */
  const char *files[] = {"media/pic.bin", "pages/p1.en.md", "pages/p2.en.md"};
  for (size_t i = 0; i < 3; i++) {
    char a[PATH_MAX + 64], b[PATH_MAX + 64];
    snprintf(a, sizeof a, "%s/%s", src, files[i]);
    snprintf(b, sizeof b, "%s/packs/news/3/%s", fx.store, files[i]);
    size_t la, lb;
    char *da = ktmp_read_file(a, &la), *db = ktmp_read_file(b, &lb);
    assert_non_null(da);
    assert_non_null(db);
    assert_int_equal(la, lb);
    assert_memory_equal(da, db, la);
    free(da);
    free(db);
  }
  /* The store re-checks it, signature included, with pack_check_meta. */
  struct store *st = open_store(&fx);
  store_set_verifier(st, pack_check_meta, fx.trust);
  assert_int_equal(store_check(st, "news", &e), 0);
  store_close(st);
  fx_close(&fx);
}

static void test_roundtrip_gzip(void **state)
{
  (void)state;
  roundtrip(CMD_BUILD_GZIP);
}

static void test_roundtrip_zstd(void **state)
{
  (void)state;
  roundtrip(CMD_BUILD_ZSTD);
}

static void test_roundtrip_uncompressed(void **state)
{
  (void)state;
  roundtrip(CMD_BUILD_NONE);
}

/* The same source and key give the same bytes. */
static void test_build_is_deterministic(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char src[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
  make_source(&fx, "news", 1, 5000, "", src, sizeof src);
  build(&fx, src, "a.kpack", CMD_BUILD_GZIP, a, sizeof a);
  build(&fx, src, "b.kpack", CMD_BUILD_GZIP, b, sizeof b);
  size_t la, lb;
  char *da = ktmp_read_file(a, &la), *db = ktmp_read_file(b, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(da, db, la);
  free(da);
  free(db);
  fx_close(&fx);
}

/* Older is refused, the same is "up to date" (0), newer installs. */
static void test_versions(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char p1[PATH_MAX], p2[PATH_MAX], p3[PATH_MAX];
  make_pack(&fx, "news", 1, 1000, "", CMD_BUILD_GZIP, p1, sizeof p1);
  make_pack(&fx, "news", 2, 1000, "", CMD_BUILD_GZIP, p2, sizeof p2);
  make_pack(&fx, "news", 3, 1000, "", CMD_BUILD_ZSTD, p3, sizeof p3);
  struct pack_result res;
  struct kerr e;

  assert_int_equal(install(&fx, p2, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_INSTALLED);
  pack_result_free(&res);

  assert_int_equal(install(&fx, p1, &res, &e), KERR_OLDER);
  assert_int_equal(res.status, PACK_STATUS_OLDER);
  assert_string_equal(e.msg,
                      "news-1.kpack: version 1 is older than the "
                      "installed version 2 — nothing changed");
  assert_string_equal(res.msg, e.msg);
  assert_int_equal(res.had_version, 2);
  pack_result_free(&res);
  assert_store_unchanged(&fx, "news", 2, 1);

  assert_int_equal(install(&fx, p2, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_UP_TO_DATE);
  assert_string_equal(res.msg,
                      "news-2.kpack: news version 2 is already "
                      "installed — nothing to do");
  pack_result_free(&res);

  assert_int_equal(install(&fx, p3, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_INSTALLED);
  assert_int_equal(res.had_version, 2);
  pack_result_free(&res);
  struct store *st = open_store(&fx);
  struct store_pack_info info;
  assert_int_equal(store_info(st, "news", &info, &e), 0);
  assert_int_equal(info.current, 3);
  assert_int_equal(info.previous, 2);
  store_close(st);

  /* The same version number with other contents is refused. */
  char src[PATH_MAX], other[PATH_MAX];
  snprintf(src, sizeof src, "%s/src-news-3", fx.dir);
  ktmp_write_file(strcat(src, "/pages/p2.en.md"), "changed\n", 8);
  snprintf(src, sizeof src, "%s/src-news-3", fx.dir);
  build(&fx, src, "news-3-other.kpack", CMD_BUILD_GZIP, other, sizeof other);
  assert_int_equal(install(&fx, other, &res, &e), KERR_OLDER);
  assert_contains(e.msg,
                  "news-3-other.kpack: version 3 was already "
                  "installed with different contents — nothing changed");
  pack_result_free(&res);
  fx_close(&fx);
}

static void test_tampered_member_refused(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  install_v1(&fx);
  struct members ms;
  good_members(&fx, "news", 2, &ms);
  ms.v[find_member(&ms, "media/pic.bin")].data[100] ^= 1;
  char path[PATH_MAX];
  write_members(&fx, &ms, "news-2-hash.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_HASH,
                 "news-2-hash.kpack: media/pic.bin "
                 "does not match the signed list (its BLAKE2b-256 hash "
                 "differs) — the pack was changed or damaged after signing; "
                 "get a fresh copy");
  free_members(&ms);
  fx_close(&fx);
}

static void test_size_mismatch_refused(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  install_v1(&fx);
  struct members ms;
  good_members(&fx, "news", 2, &ms);
  struct member *m = &ms.v[find_member(&ms, "media/pic.bin")];
  m->data = realloc(m->data, m->len * 2);
  m->len *= 2;
  char path[PATH_MAX], want[256];
  write_members(&fx, &ms, "news-2-size.kpack", path, sizeof path);
  snprintf(want, sizeof want,
           "news-2-size.kpack: media/pic.bin is %d "
           "bytes, but the signed list says %d — the pack was changed after "
           "signing; get a fresh copy",
           2 * MEDIA_DEFAULT, MEDIA_DEFAULT);
  expect_refused(&fx, path, KERR_MEMBER, want);
  free_members(&ms);
  fx_close(&fx);
}

static void test_missing_extra_duplicate_refused(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  install_v1(&fx);
  struct members ms;
  char path[PATH_MAX];

  good_members(&fx, "news", 2, &ms);
  remove_member(&ms, (size_t)find_member(&ms, "pages/p2.en.md"));
  write_members(&fx, &ms, "missing.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_MEMBER,
                 "missing.kpack: pages/p2.en.md is "
                 "in the signed list but missing from the pack — the pack "
                 "is incomplete; get a fresh copy");
  free_members(&ms);

  good_members(&fx, "news", 3, &ms);
  insert_member(&ms, 3, "media/extra.bin", AE_IFREG, "abc", 3);
  write_members(&fx, &ms, "extra.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_MEMBER,
                 "extra.kpack: holds media/extra.bin, "
                 "which its signed list does not name — the pack was changed "
                 "after signing; get a fresh copy");
  free_members(&ms);

  good_members(&fx, "news", 4, &ms);
  int i = find_member(&ms, "pages/p1.en.md");
  insert_member(&ms, 2, "pages/p1.en.md", AE_IFREG, ms.v[i].data, ms.v[i].len);
  write_members(&fx, &ms, "dup.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_MEMBER,
                 "dup.kpack: holds pages/p1.en.md "
                 "twice — the pack was changed after signing; get a fresh "
                 "copy");
  free_members(&ms);
  fx_close(&fx);
}

static void test_entry_types_refused(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  install_v1(&fx);
  struct members ms;
  char path[PATH_MAX];

  good_members(&fx, "news", 2, &ms);
  int i = find_member(&ms, "media/pic.bin");
  ms.v[i].type = AE_IFLNK;
  ms.v[i].link = "/etc/passwd";
  write_members(&fx, &ms, "symlink.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_TYPE,
                 "symlink.kpack: media/pic.bin is a "
                 "symbolic link; a pack may hold regular files only");
  free_members(&ms);

  good_members(&fx, "news", 3, &ms);
  i = find_member(&ms, "pages/p2.en.md");
  ms.v[i].link = "pages/p1.en.md";
  write_members(&fx, &ms, "hardlink.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_TYPE,
                 "hardlink.kpack: pages/p2.en.md is a "
                 "hard link");
  free_members(&ms);

  good_members(&fx, "news", 4, &ms);
  i = find_member(&ms, "pages/p2.en.md");
  ms.v[i].type = AE_IFIFO;
  write_members(&fx, &ms, "fifo.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_TYPE, "fifo.kpack: pages/p2.en.md is a FIFO");
  free_members(&ms);

  good_members(&fx, "news", 5, &ms);
  insert_member(&ms, 2, "../escape", AE_IFREG, "x", 1);
  write_members(&fx, &ms, "dotdot.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_PATH,
                 "dotdot.kpack: holds a file with an "
                 "unsafe name, \"../escape\"");
  free_members(&ms);
  fx_close(&fx);
}

/* Folder entries that a plain `tar` writes for the listed files are
 * harmless and accepted; any other folder is refused. */
static void test_folder_entries(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  install_v1(&fx);
  struct members ms;
  char path[PATH_MAX];
  good_members(&fx, "news", 2, &ms);
  insert_member(&ms, 2, "media/", AE_IFDIR, NULL, 0);
  insert_member(&ms, 3, "pages", AE_IFDIR, NULL, 0);
  write_members(&fx, &ms, "dirs.kpack", path, sizeof path);
  struct pack_result res;
  struct kerr e;
  assert_int_equal(install(&fx, path, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_INSTALLED);
  pack_result_free(&res);
  free_members(&ms);

  good_members(&fx, "news", 3, &ms);
  insert_member(&ms, 2, "media/sub/", AE_IFDIR, NULL, 0);
  write_members(&fx, &ms, "baddir.kpack", path, sizeof path);
  assert_int_equal(pack_verify(path, fx.trust, NULL, &res, &e), KERR_TYPE);
  assert_contains(e.msg,
                  "baddir.kpack: has a folder entry \"media/sub/\" "
                  "that is not the folder of any listed file");
  pack_result_free(&res);
  free_members(&ms);
  fx_close(&fx);
}

static void test_head_refused(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  install_v1(&fx);
  struct members ms;
  char path[PATH_MAX];

  /* pack.json changed after signing. */
  good_members(&fx, "news", 2, &ms);
  struct member *j = &ms.v[find_member(&ms, "pack.json")];
  char *t = strstr((char *)j->data, "Test pack");
  assert_non_null(t);
  t[0] = 'B';
  write_members(&fx, &ms, "manifest.kpack", path, sizeof path);
  char kid[SIG_KEYID_BUFSZ], want[512];
  sig_keyid_format(fx.key_id, kid);
  snprintf(want, sizeof want,
           "manifest.kpack: signature does not match the "
           "signed data (key %s)",
           kid);
  expect_refused(&fx, path, KERR_BADSIG, want);
  free_members(&ms);

  /* Signed, but with the trusted comment of another pack. */
  good_members(&fx, "news", 3, &ms);
  j = &ms.v[find_member(&ms, "pack.json")];
  char *json = strndup((char *)j->data, j->len);
  resign(&fx, &ms, json, "kpack id=news version=2");
  free(json);
  write_members(&fx, &ms, "comment.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_SIG,
                 "comment.kpack: the signature is for "
                 "\"kpack id=news version=2\", but the pack is \"kpack "
                 "id=news version=3\"");
  free_members(&ms);

  /* No signature. */
  good_members(&fx, "news", 4, &ms);
  remove_member(&ms, 1);
  write_members(&fx, &ms, "nosig.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_SIG,
                 "nosig.kpack: the second entry is "
                 "\"media/pic.bin\" instead of the signature "
                 "pack.json.minisig");
  free_members(&ms);

  /* Not a tar at all. */
  snprintf(path, sizeof path, "%s/zip.kpack", fx.dir);
  ktmp_write_file(path, "PK\x03\x04 and more bytes of a zip file", 30);
  expect_refused(&fx, path, KERR_FORMAT,
                 "zip.kpack: not a kiosk pack (it "
                 "looks like a zip file)");
  fx_close(&fx);
}

static void test_untrusted_key(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char path[PATH_MAX], other[PATH_MAX];
  make_pack(&fx, "news", 1, 1000, "", CMD_BUILD_GZIP, path, sizeof path);
  snprintf(other, sizeof other, "%s/other", fx.dir);
  struct sig_pubkey pub;
  struct kerr e;
  assert_int_equal(keys_generate(other, NULL, NULL, &pub, &e), 0);
  struct sig_trust *t = sig_trust_new();
  assert_int_equal(sig_trust_add(t, &pub, &e), 0);
  struct pack_result res;
  assert_int_equal(pack_verify(path, t, NULL, &res, &e), KERR_UNTRUSTED);
  char kid[SIG_KEYID_BUFSZ], want[512];
  sig_keyid_format(fx.key_id, kid);
  snprintf(want, sizeof want,
           "news-1.kpack: signature is not from a trusted "
           "key (key %s) — ask the content team for a pack signed with the "
           "current key",
           kid);
  assert_string_equal(e.msg, want);
  assert_int_equal(res.status, PACK_STATUS_REFUSED);
  assert_int_equal(res.has_key_id, 1);
  assert_int_equal(res.has_manifest, 0); /* never parsed before trusted */
  pack_result_free(&res);

  /* Revoked: refused as such. */
  sig_trust_revoke(t, fx.key_id, &e);
  assert_int_equal(pack_verify(path, t, NULL, &res, &e), KERR_REVOKED);
  pack_result_free(&res);
  sig_trust_free(t);
  fx_close(&fx);
}

static void test_expiry(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char old[PATH_MAX], later[PATH_MAX];
  make_pack(&fx, "old", 1, 1000, "\"expires\": \"2021-01-01T00:00:00Z\",", CMD_BUILD_GZIP, old,
            sizeof old);
  make_pack(&fx, "later", 1, 1000, "\"valid_from\": \"2099-01-01T00:00:00Z\",", CMD_BUILD_GZIP,
            later, sizeof later);
  struct pack_result res;
  struct kerr e;
  assert_int_equal(pack_verify(old, fx.trust, NULL, &res, &e), KERR_EXPIRED);
  assert_int_equal(res.status, PACK_STATUS_EXPIRED);
  assert_contains(e.msg, "old-1.kpack: expired on 2021-01-01 00:00 UTC");
  pack_result_free(&res);
  assert_int_equal(install(&fx, old, &res, &e), KERR_EXPIRED);
  pack_result_free(&res);
  assert_int_equal(current_version(&fx, "old"), 0);

  assert_int_equal(install(&fx, later, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_INSTALLED);
  assert_int_equal(res.not_yet_valid, 1);
  assert_contains(res.msg, "it will be shown from 2099-01-01 00:00 UTC");
  pack_result_free(&res);
  fx_close(&fx);
}

struct progress_log {
  uint64_t calls, first_done, last_done, total;
  int monotonic;
  atomic_int *cancel_at_second;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
  struct progress_log *pl = ctx;
  if (pl->calls == 0)
    pl->first_done = done;
  else if (done < pl->last_done)
    pl->monotonic = 0;
  pl->calls++;
  pl->last_done = done;
  pl->total = total;
  if (pl->cancel_at_second && pl->calls == 2)
    atomic_store(pl->cancel_at_second, 1);
}

static void test_progress_called(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char path[PATH_MAX];
  make_pack(&fx, "big", 1, 5u << 20, "", CMD_BUILD_NONE, path, sizeof path);
  struct progress_log pl = {0, 0, 0, 0, 1, NULL};
  struct pack_progress p = {on_progress, &pl, NULL};
  struct pack_result res;
  struct kerr e;
  struct store *st = open_store(&fx);
  assert_int_equal(pack_install(path, st, fx.trust, &p, &res, &e), 0);
  store_close(st);
  assert_true(pl.calls >= 5); /* start, about every MiB, end */
  assert_int_equal(pl.first_done, 0);
  assert_int_equal(pl.last_done, res.bytes);
  assert_int_equal(pl.total, res.bytes);
  assert_int_equal(pl.monotonic, 1);
  pack_result_free(&res);
  fx_close(&fx);
}

static void test_cancel(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  install_v1(&fx);
  char path[PATH_MAX];
  make_pack(&fx, "news", 2, 5u << 20, "", CMD_BUILD_GZIP, path, sizeof path);
  atomic_int cancel = 0;
  struct progress_log pl = {0, 0, 0, 0, 1, &cancel};
  struct pack_progress p = {on_progress, &pl, &cancel};
  struct pack_result res;
  struct kerr e;
  struct store *st = open_store(&fx);
  int rc = pack_install(path, st, fx.trust, &p, &res, &e);
  store_close(st);
  assert_int_not_equal(rc, 0);
  assert_int_equal(res.status, PACK_STATUS_CANCELLED);
  assert_string_equal(e.msg, "news-2.kpack: cancelled — nothing was changed");
  assert_true(pl.last_done < res.bytes);
  pack_result_free(&res);
  assert_store_unchanged(&fx, "news", 1, 1);
  fx_close(&fx);
}

/* Extension records the signed list does not pay for are cut short. */
static void test_stream_budget(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  install_v1(&fx);
  struct members ms;
  char path[PATH_MAX];
  /* libarchive itself takes pax records of up to 1 MiB; 400 KiB of xattr
   * makes about 930 KiB of them (base64 and raw copies). */
  good_members(&fx, "news", 2, &ms);
  ms.v[0].xattr_bytes = 400 * 1024;
  for (size_t i = 2; i < ms.n; i++)
    ms.v[i].xattr_bytes = 400 * 1024;
  write_members(&fx, &ms, "bloat.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_LIMIT,
                 "bloat.kpack: holds more data than "
                 "its signed list allows");
  free_members(&ms);

  /* Before the manifest, the head alone has a budget. */
  good_members(&fx, "news", 3, &ms);
  ms.v[0].xattr_bytes = 400 * 1024;
  ms.v[1].xattr_bytes = 400 * 1024;
  write_members(&fx, &ms, "bloat-head.kpack", path, sizeof path);
  expect_refused(&fx, path, KERR_LIMIT,
                 "bloat-head.kpack: holds more data "
                 "than its signed list allows");
  free_members(&ms);
  fx_close(&fx);
}

static void test_inspect(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char path[PATH_MAX];
  make_pack(&fx, "news", 7, 1000, "", CMD_BUILD_ZSTD, path, sizeof path);
  struct pack_result res;
  struct kerr e;
  char kid[SIG_KEYID_BUFSZ];
  sig_keyid_format(fx.key_id, kid);

  assert_int_equal(pack_inspect(path, NULL, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_NONE);
  assert_int_equal(res.signature_ok, 0);
  assert_string_equal(res.key_id, kid);
  assert_string_equal(res.id, "news");
  assert_int_equal(res.version, 7);
  assert_non_null(res.manifest);
  assert_int_equal(res.manifest->n_files, 3);
  pack_result_free(&res);

  assert_int_equal(pack_inspect(path, fx.trust, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_VERIFIED);
  assert_int_equal(res.signature_ok, 1);
  assert_int_equal(res.contents_ok, 1);
  pack_result_free(&res);

  struct sig_trust *none = sig_trust_new();
  struct sig_pubkey pk;
  memset(&pk, 0, sizeof pk);
  pk.key_id = 1;
  pk.key[0] = 1;
  assert_int_equal(sig_trust_add(none, &pk, &e), 0);
  assert_int_equal(pack_inspect(path, none, &res, &e), 0);
  assert_int_equal(res.status, PACK_STATUS_REFUSED);
  assert_int_equal(res.signature_ok, 0);
  assert_string_equal(res.id, "news"); /* claimed, still shown */
  assert_contains(res.msg, "signature is not from a trusted key");
  pack_result_free(&res);
  sig_trust_free(none);
  fx_close(&fx);
}

static void test_check_meta(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  struct members ms;
  good_members(&fx, "news", 2, &ms);
  const struct member *j = &ms.v[0], *s = &ms.v[1];
  struct kerr e;
  assert_int_equal(
      pack_check_meta(fx.trust, "news", 2, (char *)j->data, j->len, (char *)s->data, s->len, &e),
      0);
  assert_int_equal(
      pack_check_meta(fx.trust, "news", 3, (char *)j->data, j->len, (char *)s->data, s->len, &e),
      KERR_SIG);
  assert_contains(e.msg,
                  "news version 3: the signature is for \"kpack "
                  "id=news version=2\"");
  free_members(&ms);
  fx_close(&fx);
}

static void test_build_refuses_bad_source(void **state)
{
  (void)state;
  struct fixture fx;
  fx_open(&fx);
  char src[PATH_MAX], path[PATH_MAX + 64], out[PATH_MAX];
  struct kerr e;
  make_source(&fx, "news", 1, 100, "", src, sizeof src);
  snprintf(path, sizeof path, "%s/media/link.jpg", src);
  assert_int_equal(symlink("/etc/passwd", path), 0);
  struct cmd_build_opts o = {src, fx.key, fx.dir, CMD_BUILD_GZIP, NULL, 1, 0, 0};
  assert_int_equal(cmd_build_pack(&o, out, sizeof out, &e), KERR_TYPE);
  assert_contains(e.msg,
                  "/media/link.jpg is a symbolic link; a pack holds "
                  "regular files only");
  unlink(path);

  snprintf(path, sizeof path, "%s/pages/p2.en.md", src);
  unlink(path);
  assert_int_equal(cmd_build_pack(&o, out, sizeof out, &e), KERR_MANIFEST);
  assert_contains(e.msg,
                  "/pages/p2.en.md is missing — every page of "
                  "pack.json needs a file in every language (en)");
  /* Nothing was written. */
  snprintf(path, sizeof path, "%s/news-1.kpack", fx.dir);
  assert_int_equal(access(path, F_OK), -1);
  fx_close(&fx);
}

int main(int argc, char **argv);
static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_roundtrip_gzip),
    cmocka_unit_test(test_roundtrip_zstd),
    cmocka_unit_test(test_roundtrip_uncompressed),
    cmocka_unit_test(test_build_is_deterministic),
    cmocka_unit_test(test_versions),
    cmocka_unit_test(test_tampered_member_refused),
    cmocka_unit_test(test_size_mismatch_refused),
    cmocka_unit_test(test_missing_extra_duplicate_refused),
    cmocka_unit_test(test_entry_types_refused),
    cmocka_unit_test(test_folder_entries),
    cmocka_unit_test(test_head_refused),
    cmocka_unit_test(test_untrusted_key),
    cmocka_unit_test(test_expiry),
    cmocka_unit_test(test_progress_called),
    cmocka_unit_test(test_cancel),
    cmocka_unit_test(test_stream_budget),
    cmocka_unit_test(test_inspect),
    cmocka_unit_test(test_check_meta),
    cmocka_unit_test(test_build_refuses_bad_source),
};

KTEST_MAIN(tests)
