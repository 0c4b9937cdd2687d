/* badpacks — writes the bad-pack fixture for tests/e2e/test_bad_packs.sh.
 *
 *   badpacks OUTDIR KEY.key
 *       writes into OUTDIR one .kpack per refusal class DESIGN.md lists
 *       (about fifty), two good packs (good-2.kpack to install first,
 *       good-3.kpack to show that a pack built this way is accepted), and
 *       other.key / other.pub, a key nobody trusts. Prints one line per
 *       file: "<case> <file>".
 *   badpacks --install-reserve BYTES PACK STORE TRUSTED
 *       the test hook for "not enough free space" where no small tmpfs can
 *       be mounted: pack_install() into STORE with store_set_reserve(BYTES)
 *       and the keys at TRUSTED; prints the verdict like `kiosk-pack
 *       install` and exits 0 / 1 / 2 the same way.
 *   badpacks --measure FILE COMMAND [ARGS...]
 *       runs COMMAND and writes "<peak RSS in KiB> <elapsed ms>" to FILE,
 *       so the script can bound what a decompression bomb costs; exits
 *       with COMMAND's status.
 *
 * Every pack is made here, in code, from the same good pack id "badtest"
 * version 3 (two files: pages/p1.en.md and media/pic.bin), signed with
 * KEY.key through keys.h, with exactly one thing wrong — see the table at
 * the bottom. Signatures that minisign cannot make (legacy "Ed") are made
 * with libsodium from the secret key, which must be unencrypted. */
#include "core/log.h"
#include "core/manifest.h"
#include "core/pack.h"
#include "core/sig.h"
#include "core/store.h"
#include "kiosk-pack/keys.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PACK_ID "badtest"
#define PIC_SIZE 3000
#define PAGE_TEXT "# Bad packs\n\nThis page is here so the pack is whole.\n"
#define MAX_LISTED 10010
#define MAX_ENTS 600
#define BOMB_BYTES (UINT64_C(256) << 20)
#define NOSPACE_BYTES (UINT64_C(8) << 20)
#define BLOAT_BYTES (400u * 1000u)

static const char *out_dir;
static struct keys_secret *key, *other_key;
static unsigned char raw_sk[crypto_sign_SECRETKEYBYTES];
static unsigned char raw_keyid[8];
static unsigned char pic[PIC_SIZE], pic2[PIC_SIZE];
static unsigned char pic_plus[PIC_SIZE + 1]; /* pic and one more byte */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("badpacks: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

/* ------------------------------------------------------------ the model */

enum compress { C_NONE, C_GZIP, C_ZSTD, C_XZ };

/* One tar entry after the head. */
struct ent {
  char name[600];
  int type;                  /* AE_IFREG, AE_IFLNK, ... */
  const unsigned char *data; /* regular files */
  size_t len;
  int64_t hdr_size; /* -1: len */
  uint64_t zeros;   /* > 0: the data is this many zero bytes */
  const char *link; /* symlink target or hard link */
  int sparse;       /* write as a sparse file */
  size_t bloat;     /* > 0: a pax xattr record of this many zeros */
};

/* One file the signed list names. */
struct listed {
  char path[600];
  uint64_t size;
  unsigned char hash[32];
};

struct spec {
  char file[128];
  uint64_t version;
  const char *id;
  const char *extra; /* more manifest fields, ending in "," */
  struct listed *listed;
  size_t n_listed;
  struct ent *ents;
  size_t n_ents;
  enum compress compress;
  int pax; /* pax headers (long names) instead of ustar */
  /* The head. */
  char *manifest; /* NULL: made from listed */
  char *sig;      /* NULL: signed with key */
  size_t sig_len;
  const char *comment;              /* NULL: the right one */
  const struct keys_secret *signer; /* NULL: key */
  int no_sig;                       /* leave the signature member out */
  int files_first;                  /* put the members before pack.json */
  int dup_manifest;                 /* pack.json again after the signature */
  int no_members;                   /* the head only */
  uint64_t manifest_zeros;          /* > 0: pack.json's header claims this much */
};

static void hash_of(const void *data, size_t len, unsigned char out[32])
{
  crypto_generichash(out, 32, data, len, NULL, 0);
}

static void list_file(struct spec *s, const char *path, const void *data, size_t len)
{
  if (s->n_listed == MAX_LISTED)
    die("too many listed files");
  struct listed *l = &s->listed[s->n_listed++];
  snprintf(l->path, sizeof l->path, "%s", path);
  l->size = len;
  hash_of(data, len, l->hash);
}

static struct ent *add_ent(struct spec *s, const char *name, int type, const void *data, size_t len)
{
  if (s->n_ents == MAX_ENTS)
    die("too many entries");
  struct ent *e = &s->ents[s->n_ents++];
  memset(e, 0, sizeof *e);
  snprintf(e->name, sizeof e->name, "%s", name);
  e->type = type;
  e->data = data;
  e->len = len;
  e->hdr_size = -1;
  return e;
}

/* Like add_ent(), but the new entry goes before the last listed file, so
 * that the reader meets it while it still expects listed files (after them
 * every entry is refused as "extra" before anything else is looked at). */
static struct ent *insert_ent(struct spec *s, const char *name, int type, const void *data,
                              size_t len)
{
  if (s->n_ents == MAX_ENTS || s->n_ents == 0)
    die("cannot insert an entry");
  size_t at = s->n_ents - 1;
  memmove(&s->ents[at + 1], &s->ents[at], sizeof s->ents[0]);
  s->n_ents++;
  struct ent *e = &s->ents[at];
  memset(e, 0, sizeof *e);
  snprintf(e->name, sizeof e->name, "%s", name);
  e->type = type;
  e->data = data;
  e->len = len;
  e->hdr_size = -1;
  return e;
}

/* The good pack: id badtest, the given version, two files, gzip. */
static void spec_init(struct spec *s, const char *file, uint64_t version)
{
  memset(s, 0, sizeof *s);
  snprintf(s->file, sizeof s->file, "%s", file);
  s->version = version;
  s->id = PACK_ID;
  s->extra = "";
  s->compress = C_GZIP;
  s->listed = calloc(MAX_LISTED, sizeof *s->listed);
  s->ents = calloc(MAX_ENTS, sizeof *s->ents);
  if (!s->listed || !s->ents)
    die("out of memory");
  list_file(s, "pages/p1.en.md", PAGE_TEXT, strlen(PAGE_TEXT));
  list_file(s, "media/pic.bin", pic, sizeof pic);
  add_ent(s, "pages/p1.en.md", AE_IFREG, PAGE_TEXT, strlen(PAGE_TEXT));
  add_ent(s, "media/pic.bin", AE_IFREG, pic, sizeof pic);
}

static void spec_free(struct spec *s)
{
  free(s->listed);
  free(s->ents);
  free(s->manifest);
  free(s->sig);
}

/* A growing string. */
struct str {
  char *s;
  size_t len, cap;
};

static void str_add(struct str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void str_add(struct str *b, const char *fmt, ...)
{
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0)
      die("vsnprintf");
    if (b->s && (size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->len + (size_t)n + 1)
      cap *= 2;
    if (!(b->s = realloc(b->s, cap)))
      die("out of memory");
    b->cap = cap;
  }
}

/* A JSON string literal for s (control characters escaped). */
static void str_json(struct str *b, const char *s)
{
  str_add(b, "\"");
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x20 || *p == '"' || *p == '\\')
      str_add(b, "\\u%04x", *p);
    else
      str_add(b, "%c", *p);
  }
  str_add(b, "\"");
}

static char *make_manifest(const struct spec *s)
{
  struct str b = {0};
  str_add(&b,
          "{\"format\":1,\"id\":\"%s\",\"version\":%" PRIu64 ","
          "\"title\":{\"en\":\"Bad pack test\"},"
          "\"created\":\"2020-07-10T00:00:00Z\",%s"
          "\"languages\":[\"en\"],\"pages\":[\"p1\"],\"files\":[",
          s->id, s->version, s->extra);
  for (size_t i = 0; i < s->n_listed; i++) {
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, s->listed[i].hash, 32);
    str_add(&b, "%s{\"path\":", i ? "," : "");
    str_json(&b, s->listed[i].path);
    str_add(&b, ",\"size\":%" PRIu64 ",\"blake2b\":\"%s\"}", s->listed[i].size, hex);
  }
  str_add(&b, "]}\n");
  return b.s;
}

static void sign_manifest(struct spec *s)
{
  char comment[PACK_COMMENT_BUFSZ];
  pack_trusted_comment(s->id, s->version, comment, sizeof comment);
  struct kerr e;
  if (keys_sign(s->signer ? s->signer : key, s->manifest, strlen(s->manifest),
                s->comment ? s->comment : comment, &s->sig, &s->sig_len, &e) != 0)
    die("signing: %s", e.msg);
}

/* Makes the manifest and the signature the spec does not give. */
static void spec_sign(struct spec *s)
{
  if (!s->manifest)
    s->manifest = make_manifest(s);
  if (!s->sig)
    sign_manifest(s);
}

/* ----------------------------------------------------------- tar output */

static void ar_check(struct archive *a, int r, const char *what)
{
  if (r < ARCHIVE_WARN)
    die("%s: %s", what, archive_error_string(a));
}

static struct archive *tar_open(const char *path, enum compress c, int pax)
{
  struct archive *a = archive_write_new();
  if (!a)
    die("out of memory");
  ar_check(a, pax ? archive_write_set_format_pax_restricted(a) : archive_write_set_format_ustar(a),
           "format");
  switch (c) {
  case C_NONE: ar_check(a, archive_write_add_filter_none(a), "none"); break;
  case C_GZIP: ar_check(a, archive_write_add_filter_gzip(a), "gzip"); break;
  case C_ZSTD: ar_check(a, archive_write_add_filter_zstd(a), "zstd"); break;
  case C_XZ: ar_check(a, archive_write_add_filter_xz(a), "xz"); break;
  }
  ar_check(a, archive_write_open_filename(a, path), path);
  return a;
}

static void write_zeros(struct archive *a, uint64_t n)
{
  static const char zeros[1 << 16];
  while (n > 0) {
    size_t k = n > sizeof zeros ? sizeof zeros : (size_t)n;
    if (archive_write_data(a, zeros, k) != (la_ssize_t)k)
      die("writing zeros: %s", archive_error_string(a));
    n -= k;
  }
}

static void tar_mem(struct archive *a, const char *name, const void *data, size_t len)
{
  struct archive_entry *e = archive_entry_new();
  archive_entry_copy_pathname(e, name);
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, (la_int64_t)len);
  archive_entry_set_mtime(e, 1594339200, 0);
  ar_check(a, archive_write_header(a, e), name);
  archive_entry_free(e);
  if (len && archive_write_data(a, data, len) != (la_ssize_t)len)
    die("%s: %s", name, archive_error_string(a));
}

static void tar_ent(struct archive *a, const struct ent *x)
{
  struct archive_entry *e = archive_entry_new();
  archive_entry_copy_pathname(e, x->name);
  archive_entry_set_mtime(e, 1594339200, 0);
  archive_entry_set_filetype(e, (unsigned)x->type);
  archive_entry_set_perm(e, x->type == AE_IFDIR ? 0755 : 0644);
  uint64_t size = x->zeros ? x->zeros : x->hdr_size >= 0 ? (uint64_t)x->hdr_size : x->len;
  if (x->type == AE_IFREG || x->link)
    archive_entry_set_size(e, (la_int64_t)(x->link && x->type == AE_IFREG ? 0 : size));
  if (x->type == AE_IFLNK)
    archive_entry_copy_symlink(e, x->link);
  else if (x->link)
    archive_entry_copy_hardlink(e, x->link);
  if (x->type == AE_IFCHR || x->type == AE_IFBLK) {
    archive_entry_set_rdevmajor(e, 1);
    archive_entry_set_rdevminor(e, 3);
  }
  if (x->bloat) {
    void *zeros = calloc(1, x->bloat);
    if (!zeros)
      die("out of memory");
    archive_entry_xattr_add_entry(e, "user.bloat", zeros, x->bloat);
    free(zeros);
  }
  if (x->sparse) {
    /* Data at the start and at the end, a hole between. */
    archive_entry_sparse_add_entry(e, 0, 1000);
    archive_entry_sparse_add_entry(e, (la_int64_t)size - 1000, 1000);
  }
  ar_check(a, archive_write_header(a, e), x->name);
  archive_entry_free(e);
  if (x->type != AE_IFREG || x->link)
    return;
  if (x->zeros) {
    write_zeros(a, x->zeros);
  } else if (x->sparse) {
    if (archive_write_data(a, x->data, 1000) != 1000 ||
        archive_write_data(a, x->data + x->len - 1000, 1000) != 1000)
      die("%s: %s", x->name, archive_error_string(a));
  } else if (x->len) {
    size_t n = x->hdr_size >= 0 && (size_t)x->hdr_size < x->len ? (size_t)x->hdr_size : x->len;
    if (archive_write_data(a, x->data, n) != (la_ssize_t)n)
      die("%s: %s", x->name, archive_error_string(a));
  }
}

static void path_of(const char *file, char *buf, size_t cap)
{
  if (snprintf(buf, cap, "%s/%s", out_dir, file) >= (int)cap)
    die("path too long");
}

/* Writes the spec's pack. */
static void spec_write(struct spec *s)
{
  spec_sign(s);
  char path[PATH_MAX];
  path_of(s->file, path, sizeof path);
  struct archive *a = tar_open(path, s->compress, s->pax);
  if (s->files_first)
    for (size_t i = 0; i < s->n_ents; i++)
      tar_ent(a, &s->ents[i]);
  if (s->manifest_zeros) {
    struct ent big = {.type = AE_IFREG, .zeros = s->manifest_zeros, .hdr_size = -1};
    snprintf(big.name, sizeof big.name, "%s", PACK_MANIFEST_NAME);
    tar_ent(a, &big);
  } else {
    tar_mem(a, PACK_MANIFEST_NAME, s->manifest, strlen(s->manifest));
  }
  if (!s->no_sig)
    tar_mem(a, PACK_SIG_NAME, s->sig, s->sig_len);
  if (s->dup_manifest)
    tar_mem(a, PACK_MANIFEST_NAME, s->manifest, strlen(s->manifest));
  if (!s->files_first && !s->no_members)
    for (size_t i = 0; i < s->n_ents; i++)
      tar_ent(a, &s->ents[i]);
  ar_check(a, archive_write_close(a), "close");
  archive_write_free(a);
  printf("%s %s\n", s->file, path);
}

/* ------------------------------------------------------------- helpers */

static struct ent *find_ent(struct spec *s, const char *name)
{
  for (size_t i = 0; i < s->n_ents; i++)
    if (!strcmp(s->ents[i].name, name))
      return &s->ents[i];
  die("no entry %s", name);
}

static struct listed *find_listed(struct spec *s, const char *path)
{
  for (size_t i = 0; i < s->n_listed; i++)
    if (!strcmp(s->listed[i].path, path))
      return &s->listed[i];
  die("no listed %s", path);
}

/* Replaces the signature text of s by text. */
static void set_sig(struct spec *s, const char *text)
{
  free(s->sig);
  s->sig = strdup(text);
  s->sig_len = strlen(text);
}

/* The lines of the good signature, to make broken ones from. */
static void sig_lines(struct spec *s, char lines[4][1024])
{
  spec_sign(s);
  const char *p = s->sig;
  for (int i = 0; i < 4; i++) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    snprintf(lines[i], 1024, "%.*s", (int)n, p);
    p = nl ? nl + 1 : p + n;
  }
}

/* A legacy minisign signature ("Ed": Ed25519 over the file itself, not its
 * BLAKE2b-512 hash) of the manifest, by the trusted key. */
static void legacy_sign(struct spec *s)
{
  s->manifest = make_manifest(s);
  unsigned char sig[2 + 8 + crypto_sign_BYTES];
  memcpy(sig, "Ed", 2);
  memcpy(sig + 2, raw_keyid, 8);
  crypto_sign_detached(sig + 10, NULL, (const unsigned char *)s->manifest, strlen(s->manifest),
                       raw_sk);
  char comment[PACK_COMMENT_BUFSZ];
  pack_trusted_comment(s->id, s->version, comment, sizeof comment);
  size_t clen = strlen(comment);
  unsigned char *global_msg = malloc(crypto_sign_BYTES + clen);
  memcpy(global_msg, sig + 10, crypto_sign_BYTES);
  memcpy(global_msg + crypto_sign_BYTES, comment, clen);
  unsigned char global[crypto_sign_BYTES];
  crypto_sign_detached(global, NULL, global_msg, crypto_sign_BYTES + clen, raw_sk);
  free(global_msg);
  char b1[200], b2[200], text[1024];
  sodium_bin2base64(b1, sizeof b1, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
  sodium_bin2base64(b2, sizeof b2, global, sizeof global, sodium_base64_VARIANT_ORIGINAL);
  snprintf(text, sizeof text,
           "untrusted comment: signature from minisign "
           "secret key (legacy)\n%s\ntrusted comment: %s\n%s\n",
           b1, comment, b2);
  set_sig(s, text);
}

/* Reads the unencrypted minisign secret key at path into raw_sk/raw_keyid
 * (for the legacy signature, which keys.h rightly cannot make). */
static void load_raw_secret(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f)
    die("%s: %s", path, strerror(errno));
  char line[1024], b64[1024] = "";
  int n = 0;
  while (fgets(line, sizeof line, f))
    if (++n == 2)
      snprintf(b64, sizeof b64, "%s", line);
  fclose(f);
  b64[strcspn(b64, "\r\n")] = '\0';
  unsigned char bin[200];
  size_t len = 0;
  if (sodium_base642bin(bin, sizeof bin, b64, strlen(b64), NULL, &len, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != 158 || memcmp(bin, "Ed", 2) != 0)
    die("%s: not a minisign secret key", path);
  if (bin[2] != 0 || bin[3] != 0)
    die("%s: the key must be unencrypted (kiosk-pack keygen --unencrypted)", path);
  memcpy(raw_keyid, bin + 54, 8);
  memcpy(raw_sk, bin + 62, sizeof raw_sk);
  sodium_memzero(bin, sizeof bin);
}

/* Any archive format libarchive writes, holding the good pack's files. */
static void other_format(const char *file, int format)
{
  struct spec s;
  spec_init(&s, file, 3);
  spec_sign(&s);
  char path[PATH_MAX];
  path_of(file, path, sizeof path);
  struct archive *a = archive_write_new();
  ar_check(a, archive_write_set_format(a, format), "format");
  ar_check(a, archive_write_add_filter_none(a), "filter");
  /* Stored, not compressed: the files need no compression library. */
  if (format == ARCHIVE_FORMAT_ZIP)
    ar_check(a, archive_write_set_format_option(a, "zip", "compression", "store"), "zip option");
  if (format == ARCHIVE_FORMAT_7ZIP)
    ar_check(a, archive_write_set_format_option(a, "7zip", "compression", "store"), "7zip option");
  ar_check(a, archive_write_open_filename(a, path), path);
  tar_mem(a, PACK_MANIFEST_NAME, s.manifest, strlen(s.manifest));
  tar_mem(a, PACK_SIG_NAME, s.sig, s.sig_len);
  for (size_t i = 0; i < s.n_ents; i++)
    tar_mem(a, s.ents[i].name, s.ents[i].data, s.ents[i].len);
  ar_check(a, archive_write_close(a), "close");
  archive_write_free(a);
  printf("%s %s\n", file, path);
  spec_free(&s);
}

/* Cuts the file at path to its first keep bytes. */
static void cut(const char *file, off_t keep)
{
  char path[PATH_MAX];
  path_of(file, path, sizeof path);
  if (truncate(path, keep) != 0)
    die("%s: %s", path, strerror(errno));
}

static off_t offset_of(const char *file, const void *needle, size_t n)
{
  char path[PATH_MAX];
  path_of(file, path, sizeof path);
  FILE *f = fopen(path, "rb");
  if (!f)
    die("%s: %s", path, strerror(errno));
  static unsigned char buf[1 << 20];
  size_t len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(buf + i, needle, n) == 0)
      return (off_t)i;
  die("%s: bytes not found", file);
}

/* -------------------------------------------------------------- the cases */

/* Each case: a name (the file is <name>.kpack) and what makes it bad. */

static void good(const char *file, uint64_t version)
{
  struct spec s;
  spec_init(&s, file, version);
  spec_write(&s);
  spec_free(&s);
}

#define CASE(name) static void case_##name(struct spec *s)

/* -- the signature and the head -- */
CASE(sig_missing)
{
  s->no_sig = 1;
}
CASE(sig_only_manifest)
{
  s->no_sig = 1;
  s->no_members = 1;
}
CASE(sig_empty)
{
  set_sig(s, "");
}
CASE(sig_bad_base64)
{
  char l[4][1024], t[5200];
  sig_lines(s, l);
  l[1][10] = '!';
  snprintf(t, sizeof t, "%s\n%s\n%s\n%s\n", l[0], l[1], l[2], l[3]);
  set_sig(s, t);
}
CASE(sig_truncated)
{
  char l[4][1024], t[5200];
  sig_lines(s, l);
  snprintf(t, sizeof t, "%s\n%s\n", l[0], l[1]);
  set_sig(s, t);
}
CASE(sig_short_line)
{
  char l[4][1024], t[5200];
  sig_lines(s, l);
  l[3][40] = '\0'; /* the global signature cut in half */
  snprintf(t, sizeof t, "%s\n%s\n%s\n%s\n", l[0], l[1], l[2], l[3]);
  set_sig(s, t);
}
CASE(sig_extra_line)
{
  char l[4][1024], t[5200];
  sig_lines(s, l);
  snprintf(t, sizeof t, "%s\n%s\n%s\n%s\n%s\n", l[0], l[1], l[2], l[3], l[3]);
  set_sig(s, t);
}
CASE(sig_untrusted)
{
  s->signer = other_key;
}
CASE(sig_legacy_ed)
{
  legacy_sign(s);
}
CASE(comment_wrong_id)
{
  s->comment = "kpack id=other-pack version=3";
}
CASE(comment_wrong_version)
{
  s->comment = "kpack id=" PACK_ID " version=4";
}
CASE(comment_tampered)
{
  char l[4][1024], t[5200];
  sig_lines(s, l);
  snprintf(l[2], 64, "trusted comment: kpack id=" PACK_ID " version=30");
  snprintf(t, sizeof t, "%s\n%s\n%s\n%s\n", l[0], l[1], l[2], l[3]);
  set_sig(s, t);
}
CASE(manifest_tampered)
{
  spec_sign(s);
  /* After signing, one file's size is "corrected". */
  char *p = strstr(s->manifest, "\"size\":3000");
  if (!p)
    die("manifest_tampered: size not found");
  p[strlen("\"size\":300")] = '1';
}
CASE(manifest_not_first)
{
  s->files_first = 1;
}

/* -- members against the signed list -- */
CASE(member_not_listed)
{
  insert_ent(s, "media/extra.bin", AE_IFREG, pic2, sizeof pic2);
}
CASE(member_extra_after)
{
  add_ent(s, "media/extra.bin", AE_IFREG, pic2, sizeof pic2);
}
CASE(member_missing)
{
  s->n_ents--; /* media/pic.bin, the last one */
}
CASE(member_duplicate)
{
  /* media/pic.bin, media/pic.bin again, then the page (a duplicate
   * after the last listed file would be an "extra entry" instead). */
  struct ent page = s->ents[0];
  s->ents[0] = s->ents[1];
  s->ents[2] = page;
  s->n_ents = 3;
}
CASE(manifest_duplicate)
{
  s->dup_manifest = 1;
}
CASE(size_bigger)
{
  /* Listed as 3000 bytes; the member holds those and one more. */
  struct ent *e = find_ent(s, "media/pic.bin");
  e->data = pic_plus;
  e->len = sizeof pic_plus;
}
CASE(size_smaller)
{
  struct ent *e = find_ent(s, "media/pic.bin");
  e->hdr_size = PIC_SIZE - 1;
}
CASE(hash_mismatch)
{
  find_ent(s, "media/pic.bin")->data = pic2; /* same size, other bytes */
}

/* -- names -- */
static void unsafe(struct spec *s, const char *name)
{
  insert_ent(s, name, AE_IFREG, pic2, 100);
}
CASE(path_absolute)
{
  unsafe(s, "/etc/kiosk-evil.sh");
}
CASE(path_dotdot)
{
  unsafe(s, "media/../../evil.sh");
}
CASE(path_dot)
{
  unsafe(s, "media/./pic.bin");
}
CASE(path_empty_component)
{
  unsafe(s, "media//pic.bin");
}
CASE(path_control_char)
{
  unsafe(s, "media/pic\x01.bin");
}
CASE(path_backslash)
{
  unsafe(s, "media\\..\\evil.sh");
}
CASE(path_too_long)
{
  char name[300];
  memset(name, 'a', sizeof name);
  memcpy(name, "media/", 6);
  name[6 + 180] = '/';
  name[299] = '\0';
  s->pax = 1;
  unsafe(s, name);
}
CASE(path_case_duplicate)
{
  list_file(s, "media/PIC.bin", pic2, sizeof pic2);
  add_ent(s, "media/PIC.bin", AE_IFREG, pic2, sizeof pic2);
}
CASE(path_case_variant)
{
  /* Listed as media/pic.bin, stored as media/Pic.bin. */
  snprintf(find_ent(s, "media/pic.bin")->name, 600, "media/Pic.bin");
}

/* -- entry types (each named as a listed file) -- */
static void retype(struct spec *s, int type, const char *link)
{
  struct ent *e = find_ent(s, "media/pic.bin");
  e->type = type;
  e->link = link;
}
CASE(type_symlink)
{
  retype(s, AE_IFLNK, "/etc/passwd");
}
CASE(type_hardlink)
{
  retype(s, AE_IFREG, "pages/p1.en.md");
}
CASE(type_chardev)
{
  retype(s, AE_IFCHR, NULL);
}
CASE(type_blockdev)
{
  retype(s, AE_IFBLK, NULL);
}
CASE(type_fifo)
{
  retype(s, AE_IFIFO, NULL);
}
CASE(type_sparse)
{
  s->pax = 1;
  find_ent(s, "media/pic.bin")->sparse = 1;
}
CASE(type_stray_folder)
{
  insert_ent(s, "fonts/", AE_IFDIR, NULL, 0);
}

/* -- limits -- */
CASE(limit_folder_entries)
{
  /* 257 files in folders of their own, and a folder entry for each:
   * one more than PACK_MAX_DIR_ENTRIES. */
  s->n_ents = 1; /* keep the page, drop the picture */
  s->n_listed = 1;
  for (int i = 0; i <= PACK_MAX_DIR_ENTRIES; i++) {
    char dir[32];
    snprintf(dir, sizeof dir, "media/d%03d/", i);
    add_ent(s, dir, AE_IFDIR, NULL, 0);
  }
  for (int i = 0; i <= PACK_MAX_DIR_ENTRIES; i++) {
    char path[40];
    snprintf(path, sizeof path, "media/d%03d/x", i);
    list_file(s, path, "", 0);
  }
  for (int i = 0; i <= PACK_MAX_DIR_ENTRIES; i++) {
    char path[40];
    snprintf(path, sizeof path, "media/d%03d/x", i);
    add_ent(s, path, AE_IFREG, "", 0);
  }
}
CASE(limit_files)
{
  /* One more file than a manifest may list (empty files, short names).
   * Such a list cannot fit in the 1 MiB a pack.json may have (each entry
   * takes over 100 bytes), so it is that limit that refuses it. */
  for (int i = 0; s->n_listed <= MANIFEST_MAX_FILES; i++) {
    char path[32];
    snprintf(path, sizeof path, "media/%d", i);
    list_file(s, path, "", 0);
  }
}
CASE(limit_bytes)
{
  /* Two listed files that add up to more than 4 GiB; their headers say so
   * too. The pack itself is small: it is refused from the signed list. */
  struct listed *l = find_listed(s, "media/pic.bin");
  l->size = MANIFEST_MAX_TOTAL_BYTES / 2 + 1;
  list_file(s, "media/pic2.bin", "", 0);
  s->listed[s->n_listed - 1].size = MANIFEST_MAX_TOTAL_BYTES / 2 + 1;
}
CASE(nospace)
{
  /* 8 MiB of zeros: fine on a disk, too much for a small one. */
  list_file(s, "media/big.bin", "", 0);
  struct listed *l = &s->listed[s->n_listed - 1];
  l->size = NOSPACE_BYTES;
  unsigned char *z = calloc(1, NOSPACE_BYTES);
  if (!z)
    die("out of memory");
  hash_of(z, NOSPACE_BYTES, l->hash);
  free(z);
  add_ent(s, "media/big.bin", AE_IFREG, NULL, 0)->zeros = NOSPACE_BYTES;
}

/* -- versions and dates -- */
CASE(version_older)
{
  s->version = 1;
}
CASE(version_equal_different)
{
  s->version = 2;
  find_ent(s, "media/pic.bin")->data = pic2;
  hash_of(pic2, sizeof pic2, find_listed(s, "media/pic.bin")->hash);
}
CASE(expired)
{
  s->extra = "\"expires\":\"2021-01-01T00:00:00Z\",";
}

/* -- damaged files and bombs -- */
CASE(truncated_plain)
{
  s->compress = C_NONE;
}
CASE(truncated_gzip)
{
  (void)s;
}
CASE(bomb_member)
{
  /* Listed as 3000 bytes; the header says 256 MiB of zeros, which gzip
   * packs into a few hundred KB. */
  find_ent(s, "media/pic.bin")->zeros = BOMB_BYTES;
}
CASE(bomb_manifest)
{
  s->manifest_zeros = BOMB_BYTES;
}
CASE(bomb_headers)
{
  /* Every listed file is right, but each carries a pax extended header
   * of about 900 KB of zeros (an "xattr", just under what libarchive
   * reads): far more tar bytes than a pack with this signed list can
   * need. gzip packs them small. */
  static const char tiny[] = "tiny file\n";
  for (int i = 1; i <= 6; i++) {
    char path[32];
    snprintf(path, sizeof path, "media/tiny%d.txt", i);
    list_file(s, path, tiny, sizeof tiny - 1);
    add_ent(s, path, AE_IFREG, tiny, sizeof tiny - 1);
  }
  s->pax = 1;
  for (size_t i = 0; i < s->n_ents; i++)
    s->ents[i].bloat = BLOAT_BYTES;
}

/* -- not a tar -- */
CASE(format_xz_tar)
{
  s->compress = C_XZ;
}

struct case_def {
  const char *file;
  void (*make)(struct spec *s);
};

#define C(name, file)                                                                              \
  {                                                                                                \
    file, case_##name                                                                              \
  }
static const struct case_def cases[] = {
    C(sig_missing, "sig-missing.kpack"),
    C(sig_only_manifest, "sig-only-manifest.kpack"),
    C(sig_empty, "sig-empty.kpack"),
    C(sig_bad_base64, "sig-bad-base64.kpack"),
    C(sig_truncated, "sig-truncated.kpack"),
    C(sig_short_line, "sig-short-line.kpack"),
    C(sig_extra_line, "sig-extra-line.kpack"),
    C(sig_untrusted, "sig-untrusted.kpack"),
    C(sig_legacy_ed, "sig-legacy-ed.kpack"),
    C(comment_wrong_id, "comment-wrong-id.kpack"),
    C(comment_wrong_version, "comment-wrong-version.kpack"),
    C(comment_tampered, "comment-tampered.kpack"),
    C(manifest_tampered, "manifest-tampered.kpack"),
    C(manifest_not_first, "manifest-not-first.kpack"),
    C(member_not_listed, "member-not-listed.kpack"),
    C(member_extra_after, "member-extra-after.kpack"),
    C(member_missing, "member-missing.kpack"),
    C(member_duplicate, "member-duplicate.kpack"),
    C(manifest_duplicate, "manifest-duplicate.kpack"),
    C(size_bigger, "size-bigger.kpack"),
    C(size_smaller, "size-smaller.kpack"),
    C(hash_mismatch, "hash-mismatch.kpack"),
    C(path_absolute, "path-absolute.kpack"),
    C(path_dotdot, "path-dotdot.kpack"),
    C(path_dot, "path-dot.kpack"),
    C(path_empty_component, "path-empty-component.kpack"),
    C(path_control_char, "path-control-char.kpack"),
    C(path_backslash, "path-backslash.kpack"),
    C(path_too_long, "path-too-long.kpack"),
    C(path_case_duplicate, "path-case-duplicate.kpack"),
    C(path_case_variant, "path-case-variant.kpack"),
    C(type_symlink, "type-symlink.kpack"),
    C(type_hardlink, "type-hardlink.kpack"),
    C(type_chardev, "type-chardev.kpack"),
    C(type_blockdev, "type-blockdev.kpack"),
    C(type_fifo, "type-fifo.kpack"),
    C(type_sparse, "type-sparse.kpack"),
    C(type_stray_folder, "type-stray-folder.kpack"),
    C(limit_folder_entries, "limit-folder-entries.kpack"),
    C(limit_files, "limit-files.kpack"),
    C(limit_bytes, "limit-bytes.kpack"),
    C(nospace, "nospace.kpack"),
    C(version_older, "version-older.kpack"),
    C(version_equal_different, "version-equal-different.kpack"),
    C(expired, "expired.kpack"),
    C(truncated_plain, "truncated-plain.kpack"),
    C(truncated_gzip, "truncated-gzip.kpack"),
    C(bomb_member, "bomb-member.kpack"),
    C(bomb_manifest, "bomb-manifest.kpack"),
    C(bomb_headers, "bomb-headers.kpack"),
    C(format_xz_tar, "format-xz-tar.kpack"),
};
#undef C

static int make_all(const char *dir, const char *key_path)
{
  out_dir = dir;
  if (mkdir(dir, 0755) != 0 && errno != EEXIST)
    die("%s: %s", dir, strerror(errno));
  struct kerr e;
  if (keys_secret_load(key_path, NULL, &key, &e) != 0)
    die("%s", e.msg);
  load_raw_secret(key_path);
  char other[PATH_MAX];
  path_of("other", other, sizeof other);
  char other_path[PATH_MAX + 8];
  snprintf(other_path, sizeof other_path, "%s.key", other);
  if (access(other_path, F_OK) != 0 && keys_generate(other, NULL, NULL, NULL, &e) != 0)
    die("%s", e.msg);
  if (keys_secret_load(other_path, NULL, &other_key, &e) != 0)
    die("%s", e.msg);

  /* Deterministic filler; pic2 differs from pic in every byte. */
  uint32_t x = 2463534242u;
  for (size_t i = 0; i < sizeof pic; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    pic[i] = (unsigned char)x;
    pic2[i] = (unsigned char)(x ^ 0x5A);
  }
  memcpy(pic_plus, pic, sizeof pic);
  pic_plus[PIC_SIZE] = 'x';

  good("good-2.kpack", 2);
  good("good-3.kpack", 3);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct spec s;
    spec_init(&s, cases[i].file, 3);
    cases[i].make(&s);
    spec_write(&s);
    spec_free(&s);
  }
  /* Cut in the middle of media/pic.bin. */
  cut("truncated-plain.kpack", offset_of("truncated-plain.kpack", pic, 64) + PIC_SIZE / 2);
  char path[PATH_MAX];
  path_of("truncated-gzip.kpack", path, sizeof path);
  struct stat sb;
  if (stat(path, &sb) != 0)
    die("%s: %s", path, strerror(errno));
  cut("truncated-gzip.kpack", sb.st_size * 2 / 3);

  /* Other archive formats, renamed .kpack. */
  other_format("format-zip.kpack", ARCHIVE_FORMAT_ZIP);
  other_format("format-cpio.kpack", ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
  other_format("format-7z.kpack", ARCHIVE_FORMAT_7ZIP);
  path_of("format-garbage.kpack", path, sizeof path);
  FILE *f = fopen(path, "wb");
  if (!f)
    die("%s: %s", path, strerror(errno));
  fwrite(pic, 1, sizeof pic, f);
  fclose(f);
  printf("format-garbage.kpack %s\n", path);

  keys_secret_free(key);
  keys_secret_free(other_key);
  sodium_memzero(raw_sk, sizeof raw_sk);
  return 0;
}

/* --install-reserve BYTES PACK STORE TRUSTED */
static int install_reserve(char **argv)
{
  char *end;
  errno = 0;
  unsigned long long reserve = strtoull(argv[0], &end, 10);
  if (errno || *end)
    die("--install-reserve: BYTES must be a number");
  log_set_level(LOG_WARN);
  struct sig_trust *t = sig_trust_new();
  struct kerr e;
  if (!t || sig_trust_load(t, argv[3], &e) < 0)
    die("%s", t ? e.msg : "out of memory");
  struct store *st = NULL;
  if (store_open(argv[2], &st, &e) != 0)
    die("%s", e.msg);
  store_set_reserve(st, reserve);
  struct pack_result res;
  pack_install(argv[1], st, t, NULL, &res, NULL);
  int ok = res.status == PACK_STATUS_INSTALLED || res.status == PACK_STATUS_UP_TO_DATE;
  fprintf(ok ? stdout : stderr, "%s\n", res.msg);
  int status = ok ? 0 : res.status == PACK_STATUS_FAILED ? 2 : 1;
  pack_result_free(&res);
  store_close(st);
  sig_trust_free(t);
  return status;
}

/* --measure FILE COMMAND [ARGS...] */
static int measure(const char *file, char **cmd)
{
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0)
    die("fork: %s", strerror(errno));
  if (pid == 0) {
    execvp(cmd[0], cmd);
    fprintf(stderr, "badpacks: %s: %s\n", cmd[0], strerror(errno));
    _exit(127);
  }
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0)
    if (errno != EINTR)
      die("wait: %s", strerror(errno));
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  FILE *f = fopen(file, "w");
  if (!f)
    die("%s: %s", file, strerror(errno));
  fprintf(f, "%ld %ld\n", ru.ru_maxrss, ms);
  fclose(f);
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int main(int argc, char **argv)
{
  if (sodium_init() < 0)
    die("libsodium could not start");
  if (argc >= 4 && !strcmp(argv[1], "--measure"))
    return measure(argv[2], argv + 3);
  if (argc == 6 && !strcmp(argv[1], "--install-reserve"))
    return install_reserve(argv + 2);
  if (argc != 3) {
    fprintf(stderr,
            "usage: badpacks OUTDIR KEY.key\n"
            "       badpacks --install-reserve BYTES PACK STORE TRUSTED\n"
            "       badpacks --measure FILE COMMAND [ARGS...]\n");
    return 2;
  }
  return make_all(argv[1], argv[2]);
}
