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
#include "kiosk-pack/cli.h"
#include "kiosk-pack/keys.h"

#include "core/keyring.h"
#include "core/log.h"

#include <archive.h>
#include <archive_entry.h>
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

static int has_key(const struct sig_pubkey *keys, size_t n, uint64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (keys[i].key_id == id)
      return 1;
  return 0;
}

/* The document for o: the base's lists (minus what o revokes), then o's
 * own additions and revocations. */
static int make_doc(const struct cmd_keyring_build_opts *o,
                    struct keyring_doc **out, struct kerr *e)
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
      rc = kerr_set(e, KERR_USAGE, "--version %" PRIu64 " must be newer "
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
      rc = kerr_set(e, KERR_REVOKED, "%s: key %s is %s — a revoked key can "
                    "never be trusted again; make a new key with 'kiosk-pack "
                    "keygen'", o->add[i], id,
                    base && has_id(base->revoke, base->n_revoke, pk.key_id)
                        ? "revoked by the base update"
                        : "also given to --revoke");
    else if (!has_key(d->add, d->n_add, pk.key_id))
      d->add[d->n_add++] = pk;
  }
  keyring_doc_free(base);
  if (rc == 0 && (d->n_add > KEYRING_MAX_KEYS ||
                  d->n_revoke > KEYRING_MAX_KEYS))
    rc = kerr_set(e, KERR_LIMIT, "an update may add at most %d keys and "
                  "revoke at most %d", KEYRING_MAX_KEYS, KEYRING_MAX_KEYS);
  if (rc) {
    keyring_doc_free(d);
    return rc;
  }
  *out = d;
  return 0;
}

/* The output file: o->out, or keyring-<version>.kkeys in o->out (a folder)
 * or in the current folder. */
static int out_path_for(const struct cmd_keyring_build_opts *o, char *buf,
                        size_t cap, struct kerr *e)
{
  char name[64];
  snprintf(name, sizeof name, "keyring-%" PRIu64 KEYRING_SUFFIX, o->version);
  struct stat sb;
  int n;
  if (!o->out)
    n = snprintf(buf, cap, "%s", name);
  else if (stat(o->out, &sb) == 0 && S_ISDIR(sb.st_mode))
    n = snprintf(buf, cap, "%s/%s", o->out, name);
  else
    n = snprintf(buf, cap, "%s", o->out);
  if (n < 0 || (size_t)n >= cap)
    return kerr_set(e, KERR_USAGE, "the output file name is too long");
  return 0;
}

static int tar_member(struct archive *a, const char *name, const char *data,
                      size_t len, int64_t mtime, struct kerr *e)
{
  struct archive_entry *ent = archive_entry_new();
  if (!ent)
    return kerr_set(e, KERR_NOMEM, "out of memory writing the update");
  archive_entry_copy_pathname(ent, name);
  archive_entry_set_filetype(ent, AE_IFREG);
  archive_entry_set_perm(ent, 0644);
  archive_entry_set_size(ent, (la_int64_t)len);
  archive_entry_set_mtime(ent, (time_t)(mtime > 0 ? mtime : 0), 0);
  int r = archive_write_header(a, ent);
  archive_entry_free(ent);
  if (r != ARCHIVE_OK ||
      (len && archive_write_data(a, data, len) != (la_ssize_t)len))
    return kerr_set(e, KERR_IO, "cannot write %s into the update: %s", name,
                    archive_error_string(a));
  return 0;
}

/* The update as a tar in memory: *out (free()) of *len bytes. */
static int make_tar(const char *json, const char *sig, int64_t mtime,
                    enum cmd_build_compress compress, char **out,
                    size_t *len, struct kerr *e)
{
  size_t cap = 2 * (strlen(json) + strlen(sig)) + 64 * 1024;
  char *buf = malloc(cap);
  struct archive *a = archive_write_new();
  int rc = 0;
  if (!buf || !a) {
    free(buf);
    if (a)
      archive_write_free(a);
    return kerr_set(e, KERR_NOMEM, "out of memory writing the update");
  }
  int r = archive_write_set_format_ustar(a);
  if (r == ARCHIVE_OK) {
    if (compress == CMD_BUILD_GZIP) {
      r = archive_write_add_filter_gzip(a);
      if (r == ARCHIVE_OK)
        r = archive_write_set_options(a, "gzip:!timestamp") >= ARCHIVE_WARN
                ? ARCHIVE_OK : ARCHIVE_FATAL;
    } else if (compress == CMD_BUILD_ZSTD) {
      r = archive_write_add_filter_zstd(a);
    } else {
      r = archive_write_add_filter_none(a);
    }
  }
  size_t used = 0;
  if (r != ARCHIVE_OK ||
      archive_write_open_memory(a, buf, cap, &used) != ARCHIVE_OK) {
    rc = kerr_set(e, KERR_IO, "cannot start writing the update: %s",
                  archive_error_string(a));
    goto out;
  }
  if ((rc = tar_member(a, KEYRING_DOC_NAME, json, strlen(json), mtime, e)) ||
      (rc = tar_member(a, KEYRING_SIG_NAME, sig, strlen(sig), mtime, e)))
    goto out;
  if (archive_write_close(a) != ARCHIVE_OK)
    rc = kerr_set(e, KERR_IO, "cannot finish writing the update: %s",
                  archive_error_string(a));
out:
  archive_write_free(a);
  if (rc) {
    free(buf);
    return rc;
  }
  *out = buf;
  *len = used;
  return 0;
}

int cmd_keyring_build(const struct cmd_keyring_build_opts *o, char *out_path,
                      size_t cap, struct kerr *e)
{
  struct keyring_doc *d = NULL, *back = NULL;
  struct keys_secret *sk = NULL;
  struct sig_trust *trust = NULL;
  struct keyring_result *res = NULL;
  char *json = NULL, *sig = NULL, *tar = NULL;
  size_t sig_len = 0, tar_len = 0;
  int rc;
  if (out_path && cap)
    out_path[0] = '\0';
  if (sodium_init() < 0) {
    rc = kerr_set(e, KERR_IO, "the crypto library (libsodium) could not "
                  "start");
    goto out;
  }
  if (o->version < 1 || o->version > KEYRING_MAX_VERSION) {
    rc = kerr_set(e, KERR_USAGE, "--version must be a whole number from 1 "
                  "to %" PRIu64, KEYRING_MAX_VERSION);
    goto out;
  }
  if (!o->key) {
    rc = kerr_set(e, KERR_USAGE, "--key NAME.key is missing");
    goto out;
  }
  if ((rc = make_doc(o, &d, e)))
    goto out;
  if ((rc = keys_secret_load(o->key, o->passphrase, &sk, e)))
    goto out;
  uint64_t signer = keys_secret_key_id(sk);
  char signer_id[SIG_KEYID_BUFSZ];
  sig_keyid_format(signer, signer_id);
  if (has_id(d->revoke, d->n_revoke, signer)) {
    rc = kerr_set(e, KERR_REVOKED, "%s: this update revokes key %s, the key "
                  "it would be signed with — kiosks refuse that; sign it "
                  "with a key that stays trusted", o->key, signer_id);
    goto out;
  }
  if ((rc = keyring_doc_format(d, &json, e)))
    goto out;
  char comment[KEYRING_COMMENT_BUFSZ];
  keyring_trusted_comment(d->version, comment, sizeof comment);
  if ((rc = keys_sign(sk, json, strlen(json), comment, &sig, &sig_len, e)) ||
      (rc = make_tar(json, sig, d->created, o->compress, &tar, &tar_len, e)))
    goto out;
  char path[PATH_MAX];
  if ((rc = out_path_for(o, path, sizeof path, e)) ||
      (rc = keys_write_atomic(path, tar, tar_len, 0644, 0, e)))
    goto out;

  /* Read it back as a kiosk would, with this key's public half. */
  struct sig_pubkey pub;
  keys_secret_public(sk, &pub);
  trust = sig_trust_new();
  res = malloc(sizeof *res);
  if (!trust || !res || sig_trust_add(trust, &pub, e) != 0) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory checking the update");
    unlink(path);
    goto out;
  }
  struct kerr ve;
  if (keyring_verify(path, trust, &back, res, &ve) != 0) {
    rc = kerr_set(e, KERR_IO, "the update just written does not verify (%s) "
                  "— this is a bug in kiosk-pack; please report it", ve.msg);
    unlink(path);
    goto out;
  }
  if (out_path)
    snprintf(out_path, cap, "%s", path);
  rc = 0;
out:
  keyring_doc_free(d);
  keyring_doc_free(back);
  keys_secret_free(sk);
  sig_trust_free(trust);
  free(res);
  free(json);
  free(sig);
  free(tar);
  return rc;
}

/* ------------------------------------------------------------- commands */

static void keyring_usage(FILE *out)
{
  fputs("Usage: kiosk-pack keyring build --version N [--add FILE.pub ...] "
        "[--revoke KEYID ...]\n"
        "                              [--base PREVIOUS.kkeys] --key NAME.key "
        "[--out FILE]\n"
        "       kiosk-pack keyring install FILE --store DIR --trusted PATH\n"
        "       kiosk-pack keyring status --store DIR [--trusted PATH]\n"
        "       kiosk-pack keyring inspect FILE\n"
        "\n"
        "A keyring update, keyring-<N>.kkeys, adds signing keys to the kiosks "
        "and\n"
        "revokes others without anyone touching their trusted-keys folder. "
        "Kiosks\n"
        "accept it only when a key they trust now signed it, and only when N "
        "is\n"
        "newer than the update they have. Revoked keys are never trusted "
        "again.\n"
        "\n"
        "build    sign an update with NAME.key (a key the kiosks trust now); "
        "--base\n"
        "         repeats the lists of the previous update, so that a kiosk "
        "that\n"
        "         missed it catches up\n"
        "install  install an update into the pack store DIR, as a kiosk does "
        "(PATH is\n"
        "         the trusted-keys folder or a .pub file)\n"
        "status   show the installed keyring and, with PATH, the keys trusted "
        "now\n"
        "inspect  show what an update claims, without checking it\n",
        out);
}

/* Parses a whole number for --version. */
static int parse_version(const char *s, uint64_t *out)
{
  if (!*s || strlen(s) > 16)
    return -1;
  uint64_t v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  *out = v;
  return 0;
}

static int run_build(int argc, char **argv)
{
  struct cmd_keyring_build_opts o;
  memset(&o, 0, sizeof o);
  o.compress = CMD_BUILD_GZIP;
  const char *add[MAX_ARGS], *revoke[MAX_ARGS];
  int have_version = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int takes = !strcmp(a, "--version") || !strcmp(a, "--add") ||
                !strcmp(a, "--revoke") || !strcmp(a, "--key") ||
                !strcmp(a, "--out") || !strcmp(a, "--base");
    if (takes && i + 1 < argc) {
      const char *v = argv[++i];
      if (!strcmp(a, "--version")) {
        if (parse_version(v, &o.version) != 0) {
          fprintf(stderr, "kiosk-pack keyring build: --version takes a whole "
                  "number of 1 or more (not '%s')\n", v);
          return CLI_ERROR;
        }
        have_version = 1;
      } else if (!strcmp(a, "--add") || !strcmp(a, "--revoke")) {
        int is_add = !strcmp(a, "--add");
        size_t *n = is_add ? &o.n_add : &o.n_revoke;
        if (*n == MAX_ARGS) {
          fprintf(stderr, "kiosk-pack keyring build: at most %d %s options\n",
                  MAX_ARGS, a);
          return CLI_ERROR;
        }
        (is_add ? add : revoke)[(*n)++] = v;
      } else if (!strcmp(a, "--key")) {
        o.key = v;
      } else if (!strcmp(a, "--out")) {
        o.out = v;
      } else {
        o.base = v;
      }
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      keyring_usage(stdout);
      return CLI_OK;
    } else {
      fprintf(stderr, "kiosk-pack keyring build: unknown option or missing "
              "value: '%s'\n", a);
      keyring_usage(stderr);
      return CLI_ERROR;
    }
  }
  if (!have_version || !o.key) {
    fprintf(stderr, "kiosk-pack keyring build: %s is missing\n",
            !have_version ? "--version N" : "--key NAME.key");
    keyring_usage(stderr);
    return CLI_ERROR;
  }
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
    printf("Wrote %s: keyring version %" PRIu64 ", signed with key %s; adds "
           "%zu key%s, revokes %zu\n", path, d->version, res->key_id,
           d->n_add, d->n_add == 1 ? "" : "s", d->n_revoke);
  } else {
    printf("Wrote %s\n", path);
  }
  keyring_doc_free(d);
  free(res);
  return CLI_OK;
}

/* Parses "FILE --store DIR --trusted PATH"-style arguments. file, store
 * and trusted may be NULL when the subcommand does not take them. */
static int parse_common(const char *sub, int argc, char **argv,
                        const char **file, const char **store,
                        const char **trusted)
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
      fprintf(stderr, "kiosk-pack keyring %s: unknown option or missing "
              "value: '%s'\n", sub, a);
      keyring_usage(stderr);
      return CLI_ERROR;
    } else if (file && !*file) {
      *file = a;
    } else {
      fprintf(stderr, "kiosk-pack keyring %s: unexpected argument '%s'\n",
              sub, a);
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
            !file ? "FILE" : !store ? "--store DIR"
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
  switch (res->status) {
  case KEYRING_STATUS_INSTALLED: case KEYRING_STATUS_UP_TO_DATE:
    status = CLI_OK;
    break;
  case KEYRING_STATUS_NONE: case KEYRING_STATUS_FAILED:
    status = CLI_ERROR;
    break;
  default:
    status = CLI_REFUSED;
  }
  fprintf(status == CLI_OK ? stdout : stderr, "%s\n", res->msg);
  free(res);
  return status;
}

/* The keys in the .pub file or folder of them at path, for status. */
static void print_trusted(const char *path, const struct sig_trust *trust,
                          const struct keyring_doc *st)
{
  struct stat sb;
  struct dirent **list = NULL;
  int n = 0;
  int is_dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
  if (is_dir)
    n = scandir(path, &list, NULL, alphasort);
  printf("Trusted now: %zu key%s\n", sig_trust_count(trust),
         sig_trust_count(trust) == 1 ? "" : "s");
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
           sig_trust_contains(trust, pk.key_id) ? "trusted" : "REVOKED",
           cli_basename(file));
  }
  for (int i = 0; i < n; i++)
    free(list[i]);
  free(list);
  for (size_t i = 0; i < st->n_add; i++) {
    char id[SIG_KEYID_BUFSZ];
    sig_keyid_format(st->add[i].key_id, id);
    printf("  %s  %s (added by keyring update)\n", id,
           sig_trust_contains(trust, st->add[i].key_id) ? "trusted"
                                                        : "not trusted");
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
    printf("Keyring of %s: version %" PRIu64 " (made %s)\n", store,
           st->version, when);
    printf("Added by updates: %zu key%s\n", st->n_add,
           st->n_add == 1 ? "" : "s");
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
    struct sig_trust *trust = NULL;
    if (keyring_load_trust(store, trusted, &trust, &e) != 0) {
      fprintf(stderr, "kiosk-pack keyring status: %s\n", e.msg);
      status = cli_exit_code(e.code);
    } else {
      print_trusted(trusted, trust, st);
      sig_trust_free(trust);
    }
  }
  keyring_doc_free(st);
  return status;
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
  printf("Version: %" PRIu64 "\nMade: %s\nSigned by key: %s\n", d->version,
         when, res->has_key_id ? res->key_id : "(unreadable signature)");
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
  if (!strcmp(sub, "status"))
    return run_status(argc - 1, argv + 1);
  if (!strcmp(sub, "inspect"))
    return run_inspect(argc - 1, argv + 1);
  fprintf(stderr, "kiosk-pack keyring: unknown subcommand '%s' — it is one "
          "of build, install, status, inspect\n", sub);
  return CLI_ERROR;
}
