/* Unit tests for core/store: installing, the version rules, fallback to the
 * previous version, the anti-rollback and time floors, clean-up at open,
 * and crash consistency: a child is killed at every fault point of a commit
 * and the store must then show exactly the old or the new version.
 *
 * Packs are built here in code: a manifest with real BLAKE2b-256 hashes and
 * two files whose contents name the pack, version and a flavour, so a test
 * can tell which version is on disk by reading it. */
#include "ktest.h"
#include "ktmp.h"

#include "core/fsutil.h"
#include "core/log.h"
#include "core/manifest.h"
#include "core/scrub.h"
#include "core/sig.h"
#include "core/store.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BASE_TIME INT64_C(1594339200) /* 2020-07-10T00:00:00Z */

/* ------------------------------------------------------------ helpers */

struct testpack {
  struct manifest *m;
  char *json;
  char page[160];
  char img[160];
};

static void hash_hex(const char *data, char *hex)
{
  unsigned char h[32];
  crypto_generichash(h, sizeof h, (const unsigned char *)data, strlen(data), NULL, 0);
  sodium_bin2hex(hex, 65, h, sizeof h);
}

static void add_file(cJSON *files, const char *path, const char *data)
{
  char hex[65];
  hash_hex(data, hex);
  cJSON *f = cJSON_CreateObject();
  cJSON_AddStringToObject(f, "path", path);
  cJSON_AddNumberToObject(f, "size", (double)strlen(data));
  cJSON_AddStringToObject(f, "blake2b", hex);
  cJSON_AddItemToArray(files, f);
}

static int64_t created_of(uint64_t v)
{
  return BASE_TIME + (int64_t)v * 86400;
}

/* Builds pack id version v. Returns 0 or a KERR code (no asserts, so it
 * can run in a forked child). */
static int pack_build(struct testpack *p, const char *id, uint64_t v, const char *flavour)
{
  memset(p, 0, sizeof *p);
  snprintf(p->page, sizeof p->page, "# %s version %" PRIu64 " %s\n", id, v, flavour);
  snprintf(p->img, sizeof p->img, "PNG %s %" PRIu64 " %s", id, v, flavour);
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "format", 1);
  cJSON_AddStringToObject(j, "id", id);
  cJSON_AddNumberToObject(j, "version", (double)v);
  cJSON_AddStringToObject(j, "title", "Test pack");
  char created[32];
  time_t t = (time_t)created_of(v);
  strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  cJSON_AddStringToObject(j, "created", created);
  cJSON *langs = cJSON_AddArrayToObject(j, "languages");
  cJSON_AddItemToArray(langs, cJSON_CreateString("en"));
  cJSON *pages = cJSON_AddArrayToObject(j, "pages");
  cJSON_AddItemToArray(pages, cJSON_CreateString("p1"));
  cJSON *files = cJSON_AddArrayToObject(j, "files");
  add_file(files, "pages/p1.en.md", p->page);
  add_file(files, "media/img/pic.png", p->img);
  p->json = cJSON_Print(j);
  cJSON_Delete(j);
  struct kerr e;
  return manifest_parse(p->json, strlen(p->json), MANIFEST_PACK, &p->m, &e);
}

static void pack_free(struct testpack *p)
{
  manifest_free(p->m);
  cJSON_free(p->json);
  p->m = NULL;
  p->json = NULL;
}

static int write_member(struct store_stage *st, const char *path, const char *data, struct kerr *e)
{
  int fd;
  int rc = store_stage_create(st, path, &fd, e);
  if (rc)
    return rc;
  size_t n = strlen(data);
  ssize_t w = write(fd, data, n);
  close(fd);
  return w == (ssize_t)n ? 0 : KERR_IO;
}

/* Stages and commits p the way the pack reader will. */
static int pack_install(struct store *s, const struct testpack *p, struct kerr *e)
{
  struct store_stage *st;
  int rc = store_stage_begin(s, p->m, &st, e);
  if (rc)
    return rc;
  const char sig[] = "untrusted comment: test\nRWQ...\n";
  if ((rc = write_member(st, "pages/p1.en.md", p->page, e)) ||
      (rc = write_member(st, "media/img/pic.png", p->img, e)) ||
      (rc = store_stage_put_meta(st, p->json, strlen(p->json), sig, strlen(sig), e))) {
    store_stage_abort(st);
    return rc;
  }
  return store_stage_commit(st, e);
}

/* A .minisig that names key_id (its signature bytes are zeros: the store
 * reads the signer, the pack reader is what verifies). */
static void fake_minisig(uint64_t key_id, char *out, size_t cap)
{
  unsigned char raw[74] = {'E', 'D'}, gsig[64] = {0};
  sig_le64_store(raw + 2, key_id);
  char b1[128], b2[128];
  sodium_bin2base64(b1, sizeof b1, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
  sodium_bin2base64(b2, sizeof b2, gsig, sizeof gsig, sodium_base64_VARIANT_ORIGINAL);
  snprintf(out, cap, "untrusted comment: test\n%s\ntrusted comment: test\n%s\n", b1, b2);
}

/* Installs id version v as signed by key_id. */
static int install_by(struct store *s, const char *id, uint64_t v, uint64_t key_id, struct kerr *e)
{
  struct testpack p;
  assert_int_equal(pack_build(&p, id, v, "k"), 0);
  char sig[400];
  fake_minisig(key_id, sig, sizeof sig);
  struct store_stage *st;
  kerr_clear(e);
  int rc = store_stage_begin(s, p.m, &st, e);
  if (rc == 0) {
    if ((rc = write_member(st, "pages/p1.en.md", p.page, e)) ||
        (rc = write_member(st, "media/img/pic.png", p.img, e)) ||
        (rc = store_stage_put_meta(st, p.json, strlen(p.json), sig, strlen(sig), e)))
      store_stage_abort(st);
    else
      rc = store_stage_commit(st, e);
  }
  pack_free(&p);
  return rc;
}

/* Builds and installs; asserts the build worked, returns install's code. */
static int install(struct store *s, const char *id, uint64_t v, const char *flavour, struct kerr *e)
{
  struct testpack p;
  assert_int_equal(pack_build(&p, id, v, flavour), 0);
  kerr_clear(e);
  int rc = pack_install(s, &p, e);
  pack_free(&p);
  return rc;
}

struct tdir {
  char path[240];
};

static void tdir_make(struct tdir *t)
{
  ktmp_mkdtemp(t->path, sizeof t->path, "store");
}

static void tdir_drop(struct tdir *t)
{
  struct kerr e;
  assert_int_equal(fsutil_remove_tree_at(AT_FDCWD, t->path, &e), 0);
}

static struct store *open_ok(const struct tdir *t)
{
  struct store *s = NULL;
  struct kerr e;
  int rc = store_open(t->path, &s, &e);
  if (rc)
    print_error("store_open: %s\n", e.msg);
  assert_int_equal(rc, 0);
  return s;
}

static int path_exists(const struct tdir *t, const char *rel)
{
  char p[512];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", t->path, rel);
  return lstat(p, &st) == 0;
}

static char *slurp_rel(const struct tdir *t, const char *rel)
{
  char p[512];
  snprintf(p, sizeof p, "%s/%s", t->path, rel);
  return ktmp_read_file(p, NULL);
}

static void spit_rel(const struct tdir *t, const char *rel, const char *text)
{
  char p[512];
  snprintf(p, sizeof p, "%s/%s", t->path, rel);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* The current page of id says it is version v (with flavour). */
static void expect_current_page(struct store *s, const char *id, uint64_t v, const char *flavour)
{
  char dir[512], path[600], want[160];
  struct kerr e;
  assert_int_equal(store_current_dir(s, id, dir, sizeof dir, &e), 0);
  snprintf(path, sizeof path, "%s/pages/p1.en.md", dir);
  char *got = ktmp_read_file(path, NULL);
  assert_non_null(got);
  snprintf(want, sizeof want, "# %s version %" PRIu64 " %s\n", id, v, flavour);
  assert_string_equal(got, want);
  free(got);
}

static void expect_info(struct store *s, const char *id, uint64_t cur, uint64_t prev,
                        uint64_t floor)
{
  struct store_pack_info in;
  struct kerr e;
  assert_int_equal(store_info(s, id, &in, &e), 0);
  assert_int_equal(in.current, cur);
  assert_int_equal(in.previous, prev);
  assert_int_equal(in.floor, floor);
}

static int count_entries(const struct tdir *t, const char *rel)
{
  char p[512];
  snprintf(p, sizeof p, "%s/%s", t->path, rel);
  int fd = open(p, O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return -1;
  DIR *d = fdopendir(fd);
  int n = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL)
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
      n++;
  closedir(d);
  return n;
}

/* Flips one byte of a file, as SD-card rot would. */
static void corrupt(const struct tdir *t, const char *rel)
{
  char p[512];
  snprintf(p, sizeof p, "%s/%s", t->path, rel);
  int fd = open(p, O_RDWR);
  assert_true(fd >= 0);
  char c;
  assert_int_equal(pread(fd, &c, 1, 2), 1);
  c ^= 0x20;
  assert_int_equal(pwrite(fd, &c, 1, 2), 1);
  close(fd);
}

/* ---------------------------------------------------------------- tests */

static void test_fresh_store(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  char sub[256];
  snprintf(sub, sizeof sub, "%s/a/b/store", t.path);
  struct store *s = NULL;
  struct kerr e;
  assert_int_equal(store_open(sub, &s, &e), 0);
  assert_true(path_exists(&t, "a/b/store/packs"));
  assert_true(path_exists(&t, "a/b/store/state"));
  assert_true(path_exists(&t, "a/b/store/staging"));
  assert_true(path_exists(&t, "a/b/store/lock"));
  struct store_pack_info *list;
  size_t n;
  assert_int_equal(store_list(s, &list, &n, &e), 0);
  assert_int_equal(n, 0);
  free(list);
  assert_int_equal(store_time_floor(s), 0);
  char dir[256];
  assert_int_equal(store_current_dir(s, "x", dir, sizeof dir, &e), KERR_NOENT);
  assert_int_equal(store_check(s, "x", &e), KERR_NOENT);
  store_close(s);
  tdir_drop(&t);
}

static void test_stage_and_commit(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  expect_info(s, "bulletin", 1, 0, 1);
  expect_current_page(s, "bulletin", 1, "a");
  char dir[512], want[512];
  assert_int_equal(store_current_dir(s, "bulletin", dir, sizeof dir, &e), 0);
  snprintf(want, sizeof want, "%s/packs/bulletin/1", t.path);
  assert_string_equal(dir, want);
  assert_true(path_exists(&t, "packs/bulletin/1/media/img/pic.png"));
  assert_int_equal(count_entries(&t, "staging"), 0);

  char *state_text = slurp_rel(&t, "state/bulletin.state");
  assert_non_null(state_text);
  assert_non_null(strstr(state_text,
                         "kiosk-store-state 1\nid bulletin\n"
                         "current 1\nprevious 0\nfloor 1\nfloor-manifest "));
  free(state_text);

  struct manifest *m;
  assert_int_equal(store_current_manifest(s, "bulletin", &m, &e), 0);
  assert_int_equal(m->version, 1);
  assert_string_equal(m->id, "bulletin");
  char *json, *sig;
  size_t jl, sl;
  assert_int_equal(store_read_meta(s, "bulletin", 0, &json, &jl, &sig, &sl, &e), 0);
  assert_int_equal(jl, m->raw_len);
  assert_memory_equal(json, m->raw, jl);
  assert_string_equal(sig, "untrusted comment: test\nRWQ...\n");
  free(json);
  free(sig);
  manifest_free(m);
  assert_int_equal(store_check(s, "bulletin", &e), 0);
  store_close(s);

  /* It is all still there after reopening. */
  s = open_ok(&t);
  expect_info(s, "bulletin", 1, 0, 1);
  assert_int_equal(store_check(s, "bulletin", &e), 0);
  expect_current_page(s, "bulletin", 1, "a");
  store_close(s);
  tdir_drop(&t);
}

static void test_older_refused(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 5, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 4, "a", &e), KERR_OLDER);
  assert_string_equal(e.msg,
                      "bulletin version 4 is older than version 5, "
                      "which this kiosk already had; older packs are "
                      "refused so that outdated information cannot come "
                      "back \xe2\x80\x94 ask the content team for a newer "
                      "pack");
  expect_info(s, "bulletin", 5, 0, 5);
  expect_current_page(s, "bulletin", 5, "a");
  assert_int_equal(count_entries(&t, "staging"), 0);
  store_close(s);
  tdir_drop(&t);
}

static void test_same_is_already_installed(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 3, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 3, "a", &e), KERR_SAME);
  assert_string_equal(e.msg,
                      "bulletin version 3 is already installed; "
                      "nothing to do");
  /* Same number, different contents: a mistake, refused. */
  assert_int_equal(install(s, "bulletin", 3, "b", &e), KERR_OLDER);
  assert_non_null(strstr(e.msg, "already installed with different contents"));
  expect_info(s, "bulletin", 3, 0, 3);
  expect_current_page(s, "bulletin", 3, "a");
  store_close(s);
  tdir_drop(&t);
}

static void test_previous_kept_older_pruned(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  expect_info(s, "bulletin", 2, 1, 2);
  assert_true(path_exists(&t, "packs/bulletin/1"));
  assert_int_equal(install(s, "bulletin", 7, "a", &e), 0);
  expect_info(s, "bulletin", 7, 2, 7);
  assert_false(path_exists(&t, "packs/bulletin/1"));
  assert_true(path_exists(&t, "packs/bulletin/2/pages/p1.en.md"));
  assert_true(path_exists(&t, "packs/bulletin/7/pages/p1.en.md"));
  assert_int_equal(count_entries(&t, "packs/bulletin"), 2);
  store_close(s);
  tdir_drop(&t);
}

static void test_floor_survives_deleted_pack(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  store_close(s);

  struct tdir packs;
  snprintf(packs.path, sizeof packs.path, "%.200s/packs", t.path);
  tdir_drop(&packs);

  s = open_ok(&t);
  expect_info(s, "bulletin", 2, 1, 2);
  assert_int_equal(store_check(s, "bulletin", &e), KERR_NOENT);
  expect_info(s, "bulletin", 0, 0, 2);
  assert_int_equal(install(s, "bulletin", 1, "a", &e), KERR_OLDER);
  assert_int_equal(install(s, "bulletin", 2, "other", &e), KERR_OLDER);
  /* The very same signed version 2 may come back to repair the kiosk. */
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  expect_info(s, "bulletin", 2, 0, 2);
  expect_current_page(s, "bulletin", 2, "a");
  assert_int_equal(install(s, "bulletin", 3, "a", &e), 0);
  expect_info(s, "bulletin", 3, 2, 3);
  store_close(s);
  tdir_drop(&t);
}

static void test_leftovers_removed_at_open(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  store_close(s);
  /* What a crash can leave behind. */
  int tfd = open(t.path, O_RDONLY | O_DIRECTORY);
  assert_true(tfd >= 0);
  assert_int_equal(fsutil_mkdirs_at(tfd, "staging/bulletin-2-1/pages", 0755, &e), 0);
  spit_rel(&t, "staging/bulletin-2-1/pages/p1.en.md", "half");
  assert_int_equal(fsutil_mkdirs_at(tfd, "packs/bulletin/2/pages", 0755, &e), 0);
  assert_int_equal(fsutil_mkdirs_at(tfd, "packs/neverdone/1", 0755, &e), 0);
  close(tfd);
  spit_rel(&t, "state/.bulletin.state.tmp", "torn");
  spit_rel(&t, ".time-floor.tmp", "torn");

  s = open_ok(&t);
  assert_int_equal(count_entries(&t, "staging"), 0);
  assert_false(path_exists(&t, "packs/bulletin/2"));
  assert_false(path_exists(&t, "packs/neverdone"));
  assert_false(path_exists(&t, "state/.bulletin.state.tmp"));
  assert_false(path_exists(&t, ".time-floor.tmp"));
  expect_info(s, "bulletin", 1, 0, 1);
  assert_int_equal(store_check(s, "bulletin", &e), 0);
  store_close(s);
  tdir_drop(&t);
}

static void test_corrupt_falls_back_to_previous(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  char logpath[256];
  snprintf(logpath, sizeof logpath, "%s.log", t.path);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  store_close(s);
  corrupt(&t, "packs/bulletin/2/media/img/pic.png");

  assert_int_equal(log_open_file(logpath), 0);
  s = open_ok(&t);
  assert_int_equal(store_check(s, "bulletin", &e), KERR_CORRUPT);
  log_close_file();
  assert_non_null(strstr(e.msg, "showing version 1 instead"));
  expect_info(s, "bulletin", 1, 0, 2);
  expect_current_page(s, "bulletin", 1, "a");
  assert_int_equal(store_check(s, "bulletin", &e), 0);

  char *log = ktmp_read_file(logpath, NULL);
  unlink(logpath);
  assert_non_null(log);
  assert_non_null(strstr(log, "warn"));
  assert_non_null(strstr(log, "bulletin version 2 is damaged"));
  assert_non_null(strstr(log,
                         "media/img/pic.png\" does not match its "
                         "manifest"));
  assert_non_null(strstr(log, "showing the previous version 1"));
  free(log);
  store_close(s);

  /* The fallback is durable, and version 2 may be installed again. */
  s = open_ok(&t);
  expect_info(s, "bulletin", 1, 0, 2);
  assert_false(path_exists(&t, "packs/bulletin/2"));
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  expect_info(s, "bulletin", 2, 1, 2);
  assert_int_equal(store_check(s, "bulletin", &e), 0);
  store_close(s);
  tdir_drop(&t);
}

static void test_corrupt_without_previous(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  store_close(s);
  corrupt(&t, "packs/bulletin/1/pages/p1.en.md");
  s = open_ok(&t);
  assert_int_equal(store_check(s, "bulletin", &e), KERR_NOENT);
  assert_non_null(strstr(e.msg, "pages/p1.en.md"));
  assert_non_null(strstr(e.msg, "nothing from this pack will be shown"));
  expect_info(s, "bulletin", 0, 0, 1);
  char dir[256];
  assert_int_equal(store_current_dir(s, "bulletin", dir, sizeof dir, &e), KERR_NOENT);
  store_close(s);
  s = open_ok(&t);
  expect_info(s, "bulletin", 0, 0, 1);
  assert_int_equal(store_check(s, "bulletin", &e), KERR_NOENT);
  assert_int_equal(store_check_all(s), 0);
  store_close(s);
  tdir_drop(&t);
}

static void test_missing_file_falls_back(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  char p[512];
  snprintf(p, sizeof p, "%s/packs/bulletin/2/pages/p1.en.md", t.path);
  assert_int_equal(unlink(p), 0);
  assert_int_equal(store_check(s, "bulletin", &e), KERR_CORRUPT);
  assert_non_null(strstr(e.msg, "\"pages/p1.en.md\" is missing"));
  expect_info(s, "bulletin", 1, 0, 2);
  store_close(s);
  tdir_drop(&t);
}

static void test_two_ids_side_by_side(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "hotlines", 5, "h", &e), 0);
  assert_int_equal(install(s, "bulletin", 1, "b", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "b", &e), 0);
  /* Versions are per id: hotlines 5 does not stop bulletin 3. */
  assert_int_equal(install(s, "bulletin", 3, "b", &e), 0);
  struct store_pack_info *list;
  size_t n;
  assert_int_equal(store_list(s, &list, &n, &e), 0);
  assert_int_equal(n, 2);
  assert_string_equal(list[0].id, "bulletin");
  assert_int_equal(list[0].current, 3);
  assert_int_equal(list[0].previous, 2);
  assert_string_equal(list[1].id, "hotlines");
  assert_int_equal(list[1].current, 5);
  free(list);
  store_close(s);
  s = open_ok(&t);
  assert_int_equal(store_check_all(s), 2);
  expect_current_page(s, "hotlines", 5, "h");
  expect_current_page(s, "bulletin", 3, "b");
  assert_int_equal(store_check(s, "hotlines", &e), 0);
  assert_int_equal(store_check(s, "bulletin", &e), 0);
  store_close(s);
  tdir_drop(&t);
}

static void test_time_floor_rules(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(store_time_floor(s), 0);
  /* A pack's "created" raises the floor, and a commit always saves it. */
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  int64_t c1 = created_of(1);
  assert_int_equal(store_time_floor(s), c1);
  /* (The first line is the floor; the second its anchor, core/timefloor.h.) */
  char *txt = slurp_rel(&t, "time-floor");
  char want[32];
  snprintf(want, sizeof want, "%" PRId64 "\n", c1);
  assert_memory_equal(txt, want, strlen(want));
  free(txt);
  /* A clock behind the floor changes nothing; effective now is the floor. */
  assert_int_equal(store_note_time(s, c1 - 1000, &e), 0);
  assert_int_equal(store_time_floor(s), c1);
  assert_int_equal(store_effective_now(s, c1 - 1000), c1);
  assert_int_equal(store_effective_now(s, c1 + 5), c1 + 5);
  /* Small steps forward are kept in memory, not written... */
  assert_int_equal(store_note_time(s, c1 + 600, &e), 0);
  assert_int_equal(store_time_floor(s), c1 + 600);
  txt = slurp_rel(&t, "time-floor");
  assert_memory_equal(txt, want, strlen(want));
  free(txt);
  /* ...more than an hour forward is written. */
  assert_int_equal(store_note_time(s, c1 + 3601, &e), 0);
  txt = slurp_rel(&t, "time-floor");
  snprintf(want, sizeof want, "%" PRId64 "\n", c1 + 3601);
  assert_memory_equal(txt, want, strlen(want));
  free(txt);
  assert_int_equal(store_note_time(s, c1 + 3700, &e), 0);
  store_close(s);
  /* After a restart the floor is what was written. */
  s = open_ok(&t);
  assert_int_equal(store_time_floor(s), c1 + 3601);
  store_close(s);
  /* Without the file, installed packs' "created" still count. */
  char p[512];
  snprintf(p, sizeof p, "%s/time-floor", t.path);
  assert_int_equal(unlink(p), 0);
  s = open_ok(&t);
  assert_int_equal(store_time_floor(s), c1);
  /* A garbled file is ignored with a warning, the packs still count. */
  store_close(s);
  spit_rel(&t, "time-floor", "garbage");
  s = open_ok(&t);
  assert_int_equal(store_time_floor(s), c1);
  /* A newer pack created later raises the floor; an older-created one does
   * not lower it. */
  assert_int_equal(store_note_time(s, c1 + 100 * 86400, &e), 0);
  assert_int_equal(install(s, "other", 1, "a", &e), 0);
  assert_int_equal(store_time_floor(s), c1 + 100 * 86400);
  store_close(s);
  tdir_drop(&t);
}

static void test_no_space(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  store_set_reserve(s, UINT64_MAX / 2);
  assert_int_equal(install(s, "bulletin", 1, "a", &e), KERR_NOSPACE);
  assert_non_null(strstr(e.msg,
                         "not enough free space on the kiosk to "
                         "install bulletin version 1"));
  assert_int_equal(count_entries(&t, "staging"), 0);
  assert_int_equal(store_check(s, "bulletin", &e), KERR_NOENT);
  store_set_reserve(s, STORE_DEFAULT_RESERVE_BYTES);
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  store_close(s);
  tdir_drop(&t);
}

static void test_stage_refuses_bad_members(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  struct testpack p;
  assert_int_equal(pack_build(&p, "bulletin", 1, "a"), 0);
  struct store_stage *st;
  assert_int_equal(store_stage_begin(s, p.m, &st, &e), 0);
  int fd;
  assert_int_equal(store_stage_create(st, "../../evil", &fd, &e), KERR_PATH);
  assert_int_equal(store_stage_create(st, "media/extra.png", &fd, &e), KERR_MEMBER);
  assert_non_null(strstr(e.msg, "is not listed in pack.json"));
  assert_int_equal(store_stage_create(st, "pages/p1.en.md", &fd, &e), 0);
  close(fd);
  assert_int_equal(store_stage_create(st, "pages/p1.en.md", &fd, &e), KERR_PATH);
  assert_int_equal(store_stage_put_meta(st, "{}", 2, "s", 1, &e), KERR_INVAL);
  assert_int_equal(count_entries(&t, "staging"), 1);
  store_stage_abort(st);
  assert_int_equal(count_entries(&t, "staging"), 0);
  store_stage_abort(NULL);
  pack_free(&p);
  store_close(s);
  tdir_drop(&t);
}

static void test_commit_checks_sizes(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  struct testpack p;
  assert_int_equal(pack_build(&p, "bulletin", 1, "a"), 0);
  struct store_stage *st;
  /* One member missing. */
  assert_int_equal(store_stage_begin(s, p.m, &st, &e), 0);
  assert_int_equal(write_member(st, "pages/p1.en.md", p.page, &e), 0);
  assert_int_equal(store_stage_put_meta(st, p.json, strlen(p.json), "s", 1, &e), 0);
  assert_int_equal(store_stage_commit(st, &e), KERR_MEMBER);
  assert_non_null(strstr(e.msg,
                         "\"media/img/pic.png\" listed in pack.json "
                         "was not found"));
  /* One member short. */
  assert_int_equal(store_stage_begin(s, p.m, &st, &e), 0);
  assert_int_equal(write_member(st, "pages/p1.en.md", p.page, &e), 0);
  assert_int_equal(write_member(st, "media/img/pic.png", "PNG", &e), 0);
  assert_int_equal(store_stage_put_meta(st, p.json, strlen(p.json), "s", 1, &e), 0);
  assert_int_equal(store_stage_commit(st, &e), KERR_MEMBER);
  assert_non_null(strstr(e.msg, "has 3 bytes but pack.json says"));
  /* No meta. */
  assert_int_equal(store_stage_begin(s, p.m, &st, &e), 0);
  assert_int_equal(store_stage_commit(st, &e), KERR_INVAL);
  assert_int_equal(count_entries(&t, "staging"), 0);
  assert_int_equal(count_entries(&t, "packs"), 0);
  assert_int_equal(store_info(s, "bulletin", &(struct store_pack_info){0}, &e), KERR_NOENT);
  pack_free(&p);
  store_close(s);
  tdir_drop(&t);
}

static void test_lock_and_readonly(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t), *s2 = NULL;
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(store_open(t.path, &s2, &e), KERR_STORE);
  assert_null(s2);
  assert_non_null(strstr(e.msg, "is in use by another kiosk program"));
  assert_int_equal(store_open_readonly(t.path, &s2, &e), 0);
  expect_info(s2, "bulletin", 1, 0, 1);
  expect_current_page(s2, "bulletin", 1, "a");
  assert_int_equal(store_time_floor(s2), created_of(1));
  struct testpack p;
  assert_int_equal(pack_build(&p, "bulletin", 2, "a"), 0);
  struct store_stage *st;
  assert_int_equal(store_stage_begin(s2, p.m, &st, &e), KERR_STORE);
  pack_free(&p);
  store_close(s2);
  store_close(s);
  /* Read-only on a folder that is not a store yet. */
  char p2[256];
  snprintf(p2, sizeof p2, "%s/none", t.path);
  assert_int_equal(store_open_readonly(p2, &s2, &e), KERR_NOENT);
  tdir_drop(&t);
}

static int refuse_v2(void *ctx, const char *id, uint64_t version, const char *json, size_t json_len,
                     const char *sig, size_t sig_len, struct kerr *e)
{
  int *calls = ctx;
  (*calls)++;
  assert_string_equal(id, "bulletin");
  assert_non_null(json);
  assert_true(json_len > 0);
  assert_string_equal(sig, "untrusted comment: test\nRWQ...\n");
  assert_int_equal(sig_len, strlen(sig));
  if (version == 2)
    return kerr_set(e, KERR_UNTRUSTED, "key 1234 is no longer trusted");
  return 0;
}

static void test_verifier_hook(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  int calls = 0;
  store_set_verifier(s, refuse_v2, &calls);
  assert_int_equal(store_check(s, "bulletin", &e), KERR_CORRUPT);
  assert_int_equal(calls, 2);
  assert_non_null(strstr(e.msg,
                         "signature no longer checks out (key 1234 "
                         "is no longer trusted)"));
  expect_info(s, "bulletin", 1, 0, 2);
  store_close(s);
  tdir_drop(&t);
}

static void test_damaged_state_rebuilt(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  store_close(s);
  spit_rel(&t, "state/bulletin.state", "kiosk-store-state 1\ncurrent 2\nflo");
  s = open_ok(&t);
  expect_info(s, "bulletin", 2, 1, 2);
  assert_int_equal(store_check(s, "bulletin", &e), 0);
  store_close(s);
  char *txt = slurp_rel(&t, "state/bulletin.state");
  assert_non_null(strstr(txt, "current 2\nprevious 1\nfloor 2\n"));
  free(txt);
  tdir_drop(&t);
}

/* A stolen signing key pushed the version to 999; once the trust set
 * revokes it, the floor is what the owner's key signed, and the owner's
 * next pack installs. */
static void test_revoked_key_floor_forgotten(void **state)
{
  (void)state;
  const uint64_t owner = UINT64_C(0x1111111111111111), thief = UINT64_C(0x2222222222222222);
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install_by(s, "news", 3, owner, &e), 0);
  assert_int_equal(install_by(s, "news", 999, thief, &e), 0);
  expect_info(s, "news", 999, 3, 999);
  char *txt = slurp_rel(&t, "state/news.state");
  assert_non_null(strstr(txt,
                         "floor-base 0\nfloor-by 1111111111111111 3\n"
                         "floor-by 2222222222222222 999\n"));
  free(txt);
  assert_int_equal(install_by(s, "news", 10, owner, &e), KERR_OLDER);

  /* A trust set that revokes nothing changes nothing. */
  struct sig_trust *tr = sig_trust_new();
  assert_non_null(tr);
  assert_int_equal(store_forget_revoked(s, tr, &e), 0);
  expect_info(s, "news", 999, 3, 999);

  assert_int_equal(sig_trust_revoke(tr, thief, &e), 0);
  assert_int_equal(store_forget_revoked(s, tr, &e), 0);
  expect_info(s, "news", 3, 0, 3); /* the thief's version is not shown */
  expect_current_page(s, "news", 3, "k");
  txt = slurp_rel(&t, "state/news.state");
  assert_null(strstr(txt, "2222222222222222"));
  free(txt);
  assert_int_equal(install_by(s, "news", 3, owner, &e), KERR_SAME);
  assert_int_equal(install_by(s, "news", 2, owner, &e), KERR_OLDER);
  assert_int_equal(install_by(s, "news", 10, owner, &e), 0);
  expect_info(s, "news", 10, 3, 10);
  /* Again: nothing left to forget. */
  assert_int_equal(store_forget_revoked(s, tr, &e), 0);
  expect_info(s, "news", 10, 3, 10);
  store_close(s);

  /* What was forgotten stays forgotten. */
  s = open_ok(&t);
  expect_info(s, "news", 10, 3, 10);
  assert_int_equal(install_by(s, "news", 9, owner, &e), KERR_OLDER);
  store_close(s);
  sig_trust_free(tr);
  tdir_drop(&t);
}

/* Two thief versions in a row: nothing of the pack is left to show, and
 * the owner's pack installs at any version above what the owner signed. A
 * state from before floor-by keeps its whole floor. At most
 * STORE_FLOOR_KEYS keys are remembered; the rest is kept as floor-base. */
static void test_revoked_floor_edges(void **state)
{
  (void)state;
  const uint64_t owner = 0xA1, thief = 0xB2;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install_by(s, "news", 4, owner, &e), 0);
  assert_int_equal(install_by(s, "news", 500, thief, &e), 0);
  assert_int_equal(install_by(s, "news", 501, thief, &e), 0);
  expect_info(s, "news", 501, 500, 501);
  struct sig_trust *tr = sig_trust_new();
  assert_non_null(tr);
  assert_int_equal(sig_trust_revoke(tr, thief, &e), 0);
  assert_int_equal(store_forget_revoked(s, tr, &e), 0);
  expect_info(s, "news", 0, 0, 4);
  assert_int_equal(install_by(s, "news", 4, owner, &e), KERR_OLDER);
  assert_int_equal(install_by(s, "news", 5, owner, &e), 0);
  expect_info(s, "news", 5, 0, 5);

  /* An old state: no floor-base line, so no key can lower its floor. */
  store_close(s);
  {
    char *txt = slurp_rel(&t, "state/news.state");
    char *cut = strstr(txt, "floor-base ");
    assert_non_null(cut);
    *cut = '\0';
    spit_rel(&t, "state/news.state", txt);
    free(txt);
  }
  s = open_ok(&t);
  expect_info(s, "news", 5, 0, 5);
  assert_int_equal(sig_trust_revoke(tr, owner, &e), 0);
  assert_int_equal(store_forget_revoked(s, tr, &e), 0);
  expect_info(s, "news", 5, 0, 5);

  /* Ten keys on another id: eight are remembered, the two lowest folded. */
  for (uint64_t k = 1; k <= 10; k++)
    assert_int_equal(install_by(s, "other", k, 0x100 + k, &e), 0);
  char *txt = slurp_rel(&t, "state/other.state");
  assert_non_null(strstr(txt, "floor-base 2\n"));
  assert_null(strstr(txt, "0000000000000101"));
  assert_null(strstr(txt, "0000000000000102"));
  assert_non_null(strstr(txt, "floor-by 000000000000010A 10\n"));
  free(txt);
  for (uint64_t k = 3; k <= 10; k++)
    assert_int_equal(sig_trust_revoke(tr, 0x100 + k, &e), 0);
  assert_int_equal(store_forget_revoked(s, tr, &e), 0);
  expect_info(s, "other", 0, 0, 2);
  assert_int_equal(install_by(s, "other", 2, owner + 1, &e), KERR_OLDER);
  assert_int_equal(install_by(s, "other", 3, owner + 1, &e), 0);
  store_close(s);
  sig_trust_free(tr);
  tdir_drop(&t);
}

/* --------------------------------------------------- crash consistency */

/* Installs versions base[0..nbase) of "bulletin" into a new store at dir. */
static void setup_base(const char *dir, const uint64_t *base, size_t nbase)
{
  struct store *s = NULL;
  struct kerr e;
  fsutil_fault_set(0);
  assert_int_equal(store_open(dir, &s, &e), 0);
  for (size_t i = 0; i < nbase; i++)
    assert_int_equal(install(s, "bulletin", base[i], "crash", &e), 0);
  store_close(s);
}

/* In a child: open the store and install version v, counting fault points;
 * with at > 0 the at-th point kills the child. Exit 0 if it finished. */
static void child_install(const char *dir, uint64_t v, long at, int report_fd)
{
  unsetenv("KIOSK_FAULT_AT");
  fsutil_fault_reset();
  fsutil_fault_set(at);
  log_set_quiet(1);
  struct store *s = NULL;
  struct kerr e;
  struct testpack p;
  int rc = store_open(dir, &s, &e);
  if (rc == 0)
    rc = pack_build(&p, "bulletin", v, "crash");
  if (rc == 0)
    rc = pack_install(s, &p, &e);
  long n = fsutil_fault_count();
  if (report_fd >= 0) {
    if (write(report_fd, &n, sizeof n) != (ssize_t)sizeof n)
      _exit(3);
    for (long i = 0; i < n; i++) {
      char name[64] = {0};
      const char *nm = fsutil_fault_name(i);
      snprintf(name, sizeof name, "%s", nm ? nm : "?");
      if (write(report_fd, name, sizeof name) != (ssize_t)sizeof name)
        _exit(3);
    }
  }
  _exit(rc == 0 ? 0 : 2);
}

static pid_t spawn(const char *dir, uint64_t v, long at, int report_fd)
{
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    child_install(dir, v, at, report_fd);
  return pid;
}

/* After a crash: exactly old or new is current, whole and consistent. */
static void check_after_crash(const char *dir, uint64_t old_v, uint64_t old_prev, uint64_t new_v,
                              long at, const char *point)
{
  struct store *s = NULL;
  struct kerr e;
  assert_int_equal(store_open(dir, &s, &e), 0);
  struct store_pack_info in;
  assert_int_equal(store_info(s, "bulletin", &in, &e), 0);
  if (in.current != old_v && in.current != new_v) {
    print_error("killed at point %ld (%s): current is %" PRIu64 "\n", at, point, in.current);
    fail();
  }
  /* The anti-rollback floor agrees with what is current. */
  assert_int_equal(in.floor, in.current);
  assert_int_equal(in.previous, in.current == new_v ? old_v : old_prev);
  /* Every file matches that version's manifest, and it shows. */
  int rc = store_check(s, "bulletin", &e);
  if (rc) {
    print_error("killed at point %ld (%s): %s\n", at, point, e.msg);
    fail();
  }
  struct manifest *m;
  assert_int_equal(store_current_manifest(s, "bulletin", &m, &e), 0);
  assert_int_equal(m->version, in.current);
  manifest_free(m);
  expect_current_page(s, "bulletin", in.current, "crash");
  assert_true(store_time_floor(s) >= created_of(in.current));
  store_close(s);
  /* No staging remains, and no version folder but current and previous. */
  struct tdir t;
  snprintf(t.path, sizeof t.path, "%s", dir);
  assert_int_equal(count_entries(&t, "staging"), 0);
  assert_int_equal(count_entries(&t, "packs/bulletin"), in.previous ? 2 : 1);
}

static void crash_scenario(const uint64_t *base, size_t nbase, uint64_t new_v)
{
  uint64_t old_v = base[nbase - 1], old_prev = nbase > 1 ? base[nbase - 2] : 0;
  struct tdir t;
  tdir_make(&t);
  char dir[190];
  snprintf(dir, sizeof dir, "%.100s/store", t.path);

  /* A clean run counts and names the fault points. */
  setup_base(dir, base, nbase);
  int pfd[2];
  assert_int_equal(pipe(pfd), 0);
  pid_t pid = spawn(dir, new_v, 0, pfd[1]);
  close(pfd[1]);
  long n = 0;
  assert_int_equal(read(pfd[0], &n, sizeof n), (ssize_t)sizeof n);
  char(*names)[64] = calloc((size_t)n + 1, sizeof *names);
  for (long i = 0; i < n; i++) {
    assert_int_equal(read(pfd[0], names[i], sizeof names[i]), (ssize_t)sizeof names[i]);
    print_message("fault point %ld: %s\n", i + 1, names[i]);
  }
  close(pfd[0]);
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_true(n >= 10);
  struct tdir st;
  snprintf(st.path, sizeof st.path, "%s", dir);
  tdir_drop(&st);

  int saw_old = 0, saw_new = 0;
  for (long at = 1; at <= n; at++) {
    setup_base(dir, base, nbase);
    pid = spawn(dir, new_v, at, -1);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
      print_error("fault point %ld (%s) did not kill the child\n", at, names[at - 1]);
      fail();
    }
    check_after_crash(dir, old_v, old_prev, new_v, at, names[at - 1]);
    struct store *s = NULL;
    struct kerr e;
    assert_int_equal(store_open(dir, &s, &e), 0);
    struct store_pack_info in;
    assert_int_equal(store_info(s, "bulletin", &in, &e), 0);
    saw_old |= in.current == old_v;
    saw_new |= in.current == new_v;
    store_close(s);
    tdir_drop(&st);
  }
  /* Both outcomes happen: early kills keep the old, late ones the new. */
  assert_true(saw_old);
  assert_true(saw_new);
  free(names);
  tdir_drop(&t);
}

static void test_crash_at_every_fault_point(void **state)
{
  (void)state;
  const uint64_t first[] = {1};
  crash_scenario(first, 1, 2);
}

static void test_crash_at_every_fault_point_with_prune(void **state)
{
  (void)state;
  const uint64_t two[] = {1, 2};
  crash_scenario(two, 2, 3);
}

/* ------------------------------------------- seals and background checks */

/* The store's view of version v of id, from store_versions(). */
static struct store_version version_of(struct store *s, const char *id, uint64_t v)
{
  struct store_version *vs, out;
  size_t n;
  struct kerr e;
  memset(&out, 0, sizeof out);
  assert_int_equal(store_versions(s, &vs, &n, &e), 0);
  for (size_t i = 0; i < n; i++)
    if (!strcmp(vs[i].id, id) && vs[i].version == v)
      out = vs[i];
  free(vs);
  assert_int_equal(out.version, v);
  return out;
}

static void test_seal_quick_check(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  /* Installing sealed the version it hashed. */
  struct store_version v = version_of(s, "bulletin", 2);
  assert_true(v.is_current);
  assert_false(v.recheck);
  assert_true(v.checked > 0);
  char *seal = slurp_rel(&t, "packs/bulletin/2/seal");
  assert_non_null(seal);
  assert_non_null(strstr(seal, "kiosk-seal 1\nmanifest "));
  assert_non_null(strstr(seal, " pages/p1.en.md\n"));
  free(seal);
  store_close(s);

  /* A fresh start knows nothing until the quick check has looked. */
  s = open_ok(&t);
  assert_true(version_of(s, "bulletin", 2).recheck);
  assert_int_equal(store_check_quick_all(s), 1);
  assert_false(version_of(s, "bulletin", 2).recheck);
  assert_false(version_of(s, "bulletin", 1).recheck);
  assert_true(version_of(s, "bulletin", 1).bytes > 0);
  store_close(s);

  /* A changed file (its times moved) is still shown, but marked to be read
   * again; the full check then finds the damage and falls back. */
  corrupt(&t, "packs/bulletin/2/media/img/pic.png");
  s = open_ok(&t);
  assert_int_equal(store_check_quick(s, "bulletin", &e), 0);
  expect_info(s, "bulletin", 2, 1, 2);
  assert_true(version_of(s, "bulletin", 2).recheck);
  assert_int_equal(store_check_version(s, "bulletin", 2, NULL, NULL, &e), KERR_CORRUPT);
  assert_non_null(strstr(e.msg, "showing version 1 instead"));
  expect_info(s, "bulletin", 1, 0, 2);
  expect_current_page(s, "bulletin", 1, "a");
  /* A version no longer installed is not checked. */
  assert_int_equal(store_check_version(s, "bulletin", 2, NULL, NULL, &e), KERR_INVAL);
  store_close(s);
  tdir_drop(&t);
}

static void test_quick_check_wrong_size_falls_back(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  store_close(s);
  spit_rel(&t, "packs/bulletin/2/pages/p1.en.md", "#");
  s = open_ok(&t);
  assert_int_equal(store_check_quick(s, "bulletin", &e), KERR_CORRUPT);
  assert_non_null(strstr(e.msg, "has the wrong size"));
  expect_info(s, "bulletin", 1, 0, 2);
  store_close(s);
  tdir_drop(&t);
}

static void test_unsealed_version_sealed_by_full_check(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  store_close(s);
  /* As a store written before seals existed. */
  char p[512];
  snprintf(p, sizeof p, "%s/packs/bulletin/1/seal", t.path);
  assert_int_equal(unlink(p), 0);
  s = open_ok(&t);
  assert_int_equal(store_check_quick(s, "bulletin", &e), 0);
  assert_true(version_of(s, "bulletin", 1).recheck);
  assert_int_equal(version_of(s, "bulletin", 1).checked, 0);
  assert_int_equal(store_check_version(s, "bulletin", 1, NULL, NULL, &e), 0);
  assert_false(version_of(s, "bulletin", 1).recheck);
  assert_true(path_exists(&t, "packs/bulletin/1/seal"));
  store_close(s);
  s = open_ok(&t);
  assert_int_equal(store_check_quick(s, "bulletin", &e), 0);
  assert_false(version_of(s, "bulletin", 1).recheck);
  store_close(s);
  tdir_drop(&t);
}

static int pace_stop(void *ctx, uint64_t bytes)
{
  *(uint64_t *)ctx += bytes;
  return 1;
}

static void test_damaged_previous_dropped_and_pace_stops(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  corrupt(&t, "packs/bulletin/1/pages/p1.en.md");
  /* Stopped after its first chunk: nothing changes. */
  uint64_t read = 0;
  assert_int_equal(store_check_version(s, "bulletin", 1, pace_stop, &read, &e), 1);
  assert_true(read > 0);
  expect_info(s, "bulletin", 2, 1, 2);
  /* Read through: the damaged fallback is no longer kept as one. */
  assert_int_equal(store_check_version(s, "bulletin", 1, NULL, NULL, &e), KERR_CORRUPT);
  assert_non_null(strstr(e.msg, "the previous version 1 is damaged"));
  expect_info(s, "bulletin", 2, 0, 2);
  store_close(s);
  s = open_ok(&t);
  expect_info(s, "bulletin", 2, 0, 2);
  assert_false(path_exists(&t, "packs/bulletin/1"));
  store_close(s);
  tdir_drop(&t);
}

/* The background check finds rot that left sizes and times alone (here:
 * the seal is rewritten to match, as if the damage came after the last
 * check) and the store falls back; the changed callback says so. */
struct changed_flag {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int n;
};

static void on_changed(void *ctx)
{
  struct changed_flag *f = ctx;
  pthread_mutex_lock(&f->mu);
  f->n++;
  pthread_cond_broadcast(&f->cv);
  pthread_mutex_unlock(&f->mu);
}

static void test_scrub_finds_quiet_rot(void **state)
{
  (void)state;
  struct tdir t;
  tdir_make(&t);
  struct store *s = open_ok(&t);
  struct kerr e;
  assert_int_equal(install(s, "bulletin", 1, "a", &e), 0);
  assert_int_equal(install(s, "bulletin", 2, "a", &e), 0);
  store_close(s);
  corrupt(&t, "packs/bulletin/2/pages/p1.en.md");
  /* Re-seal by hand with the file's new times, as if the rot came later. */
  char *seal = slurp_rel(&t, "packs/bulletin/2/seal");
  assert_non_null(seal);
  char p[512];
  snprintf(p, sizeof p, "%s/packs/bulletin/2/pages/p1.en.md", t.path);
  struct stat sb;
  assert_int_equal(stat(p, &sb), 0);
  char out[4096];
  size_t len = 0;
  for (char *l = strtok(seal, "\n"); l; l = strtok(NULL, "\n")) {
    if (strstr(l, " pages/p1.en.md") && !strncmp(l, "f ", 2))
      len += (size_t)snprintf(out + len, sizeof out - len,
                              "f %lld %lld.%09ld %lld.%09ld pages/p1.en.md\n",
                              (long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
                              sb.st_mtim.tv_nsec, (long long)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec);
    else
      len += (size_t)snprintf(out + len, sizeof out - len, "%s\n", l);
  }
  free(seal);
  spit_rel(&t, "packs/bulletin/2/seal", out);
  s = open_ok(&t);
  assert_int_equal(store_check_quick_all(s), 1);
  assert_false(version_of(s, "bulletin", 2).recheck); /* the quick check cannot tell */
  expect_info(s, "bulletin", 2, 1, 2);

  struct changed_flag f = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
  struct scrub *sc;
  struct scrub_params sp = {s, 50, on_changed, &f};
  assert_int_equal(scrub_start(&sp, &sc, &e), 0);
  scrub_hold(sc, 1);
  scrub_hold(sc, 0);
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_sec += 30;
  pthread_mutex_lock(&f.mu);
  while (f.n == 0 && pthread_cond_timedwait(&f.cv, &f.mu, &dl) == 0)
    ;
  int n = f.n;
  pthread_mutex_unlock(&f.mu);
  scrub_stop(sc);
  assert_int_equal(n, 1);
  expect_info(s, "bulletin", 1, 0, 2);
  store_close(s);
  tdir_drop(&t);
}

int main(int argc, char **argv);
static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fresh_store),
    cmocka_unit_test(test_stage_and_commit),
    cmocka_unit_test(test_older_refused),
    cmocka_unit_test(test_same_is_already_installed),
    cmocka_unit_test(test_previous_kept_older_pruned),
    cmocka_unit_test(test_floor_survives_deleted_pack),
    cmocka_unit_test(test_leftovers_removed_at_open),
    cmocka_unit_test(test_corrupt_falls_back_to_previous),
    cmocka_unit_test(test_corrupt_without_previous),
    cmocka_unit_test(test_missing_file_falls_back),
    cmocka_unit_test(test_two_ids_side_by_side),
    cmocka_unit_test(test_time_floor_rules),
    cmocka_unit_test(test_no_space),
    cmocka_unit_test(test_stage_refuses_bad_members),
    cmocka_unit_test(test_commit_checks_sizes),
    cmocka_unit_test(test_lock_and_readonly),
    cmocka_unit_test(test_verifier_hook),
    cmocka_unit_test(test_damaged_state_rebuilt),
    cmocka_unit_test(test_revoked_key_floor_forgotten),
    cmocka_unit_test(test_revoked_floor_edges),
    cmocka_unit_test(test_crash_at_every_fault_point),
    cmocka_unit_test(test_crash_at_every_fault_point_with_prune),
    cmocka_unit_test(test_seal_quick_check),
    cmocka_unit_test(test_quick_check_wrong_size_falls_back),
    cmocka_unit_test(test_unsealed_version_sealed_by_full_check),
    cmocka_unit_test(test_damaged_previous_dropped_and_pace_stops),
    cmocka_unit_test(test_scrub_finds_quiet_rot),
};

KTEST_MAIN(tests)
