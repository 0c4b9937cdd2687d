/* cmd_status.c — `kiosk-pack status --store DIR [--trusted PATH] [--check]
 * [--json]`: what a pack store holds, for field staff and scripts. For
 * every pack id: the current and previous versions, the anti-rollback
 * floor, the title, dates and size of the current version, and whether its
 * files still match: by default the kiosk's quick check (sizes and times
 * against the seal of the last full check, which is when), with --check a
 * full one that reads every byte (store_check). Both run on a read-only
 * open and write nothing; with --trusted the signature of pack.json is
 * checked again too. Also the store's time floor. Text by default, JSON
 * with --json. */
#include "kiosk-pack/cmd_status.h"
#include "kiosk-pack/cli.h"

#include "core/log.h"
#include "core/store.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* What status found out about one pack id. */
struct row {
  struct store_pack_info info;
  struct manifest *m; /* the current version's manifest, or NULL */
  int check;          /* store_check()'s or store_check_quick()'s code */
  char problem[1024]; /* its message, when not 0 */
  int changed;        /* quick check: a file changed since its last full check */
  int64_t checked;    /* the last full check (0: unknown) */
};

static void status_usage(FILE *out)
{
  fputs("Usage: kiosk-pack status --store DIR [--trusted PATH] [--check] [--json]\n"
        "\n"
        "Lists the packs installed in the pack store DIR and checks each one the\n"
        "way the kiosk does at start: every file has the size and times it had\n"
        "when it was last read in full and found to match its signed list.\n"
        "--check reads every byte again and compares it with the signed list\n"
        "(slow for big packs). With --trusted (a .pub file or a folder of them)\n"
        "the signatures are checked again as well. Writes nothing. --json\n"
        "prints the same as JSON.\n",
        out);
}

static const char *check_word(const struct row *r)
{
  return r->check == KERR_CORRUPT ? "damaged"
      : r->check                  ? "nothing to show"
      : r->changed                ? "changed"
                                  : "ok";
}

static cJSON *time_or_null(int has, int64_t t)
{
  if (!has)
    return cJSON_CreateNull();
  char buf[32];
  cli_fmt_time_rfc3339(t, buf, sizeof buf);
  return cJSON_CreateString(buf);
}

static cJSON *num_or_null(uint64_t v)
{
  return v ? cJSON_CreateNumber((double)v) : cJSON_CreateNull();
}

static int print_json(const char *dir, int64_t floor, int64_t now, int sig_checked, int full,
                      const struct row *rows, size_t n)
{
  cJSON *root = cJSON_CreateObject();
  cJSON *packs = cJSON_CreateArray();
  if (!root || !packs) {
    cJSON_Delete(root);
    cJSON_Delete(packs);
    return -1;
  }
  cJSON_AddStringToObject(root, "store", dir);
  cJSON_AddItemToObject(root, "time_floor", time_or_null(floor > 0, floor));
  cJSON_AddNumberToObject(root, "time_floor_unix", (double)floor);
  cJSON_AddBoolToObject(root, "signatures_checked", sig_checked);
  cJSON_AddStringToObject(root, "check_kind", full ? "full" : "quick");
  cJSON_AddItemToObject(root, "packs", packs);
  for (size_t i = 0; i < n; i++) {
    const struct row *r = &rows[i];
    const struct manifest *m = r->m;
    cJSON *p = cJSON_CreateObject();
    if (!p)
      break;
    cJSON_AddItemToArray(packs, p);
    cJSON_AddStringToObject(p, "id", r->info.id);
    cJSON_AddItemToObject(p, "current", num_or_null(r->info.current));
    cJSON_AddItemToObject(p, "previous", num_or_null(r->info.previous));
    cJSON_AddNumberToObject(p, "floor", (double)r->info.floor);
    if (m) {
      cJSON_AddStringToObject(p, "title", manifest_title(m, "en"));
      cJSON_AddItemToObject(p, "created", time_or_null(1, m->created));
      cJSON_AddItemToObject(p, "valid_from", time_or_null(m->has_valid_from, m->valid_from));
      cJSON_AddItemToObject(p, "expires", time_or_null(m->has_expires, m->expires));
      cJSON_AddBoolToObject(p, "expired", m->has_expires && now >= m->expires);
      cJSON_AddNumberToObject(p, "files", (double)m->n_files);
      cJSON_AddNumberToObject(p, "bytes", (double)m->total_bytes);
    }
    cJSON_AddStringToObject(p, "check", check_word(r));
    cJSON_AddItemToObject(p, "last_full_check", time_or_null(r->checked > 0, r->checked));
    if (r->check)
      cJSON_AddStringToObject(p, "problem", r->problem);
    else
      cJSON_AddNullToObject(p, "problem");
  }
  char *text = cJSON_Print(root);
  cJSON_Delete(root);
  if (!text)
    return -1;
  printf("%s\n", text);
  free(text);
  return 0;
}

static void print_text(const char *dir, int64_t floor, int64_t now, int sig_checked, int full,
                       const struct row *rows, size_t n)
{
  char t[48];
  cli_fmt_time(floor, t, sizeof t);
  printf("Pack store %s (time floor %s)\n", dir, floor > 0 ? t : "not set");
  if (n == 0) {
    printf("No packs installed.\n");
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const struct row *r = &rows[i];
    const struct manifest *m = r->m;
    printf("\n%s\n", r->info.id);
    if (m)
      printf("  title:     %s\n", manifest_title(m, "en"));
    if (r->info.current)
      printf("  current:   version %" PRIu64 "\n", r->info.current);
    else
      printf("  current:   none (nothing to show)\n");
    if (r->info.previous)
      printf("  previous:  version %" PRIu64 " (the fallback)\n", r->info.previous);
    else
      printf("  previous:  none\n");
    printf("  floor:     version %" PRIu64 " (older versions are refused)\n", r->info.floor);
    if (m) {
      char size[32];
      cli_fmt_bytes(m->total_bytes, size, sizeof size);
      cli_fmt_time(m->created, t, sizeof t);
      printf("  created:   %s\n", t);
      if (m->has_valid_from) {
        cli_fmt_time(m->valid_from, t, sizeof t);
        printf("  shown from: %s%s\n", t, now < m->valid_from ? " (not yet)" : "");
      }
      if (m->has_expires) {
        cli_fmt_time(m->expires, t, sizeof t);
        printf("  expires:   %s%s\n", t, now >= m->expires ? " (EXPIRED: not shown)" : "");
      }
      printf("  files:     %zu (%s)\n", m->n_files, size);
    }
    const char *sig =
        sig_checked ? " and the signature is valid" : " (signature not checked: no --trusted)";
    if (r->check == 0 && full) {
      printf("  check:     ok — every file matches its signed list%s\n", sig);
    } else if (r->check == 0 && !r->changed) {
      cli_fmt_time(r->checked, t, sizeof t);
      printf("  check:     ok — every file is as it was when last read in full (%s)%s;\n"
             "             --check reads them all again\n",
             t, sig);
    } else if (r->check == 0) {
      printf("  check:     CHANGED — a file was changed since it was last read in full "
             "(or never was); run with --check to read every byte\n");
    } else
      printf("  check:     %s — %s\n", r->check == KERR_CORRUPT ? "DAMAGED" : "NOTHING TO SHOW",
             r->problem);
  }
}

int cmd_status(int argc, char **argv)
{
  const char *dir = NULL, *trusted = NULL;
  int json = 0, full = 0;
  const struct cli_opt opts[] = {{"--trusted", &trusted, NULL},
                                 {"--store", &dir, NULL},
                                 {"--json", NULL, &json},
                                 {"--check", NULL, &full},
                                 {NULL, NULL, NULL}};
  const struct cli_args spec = {"status", NULL, opts, status_usage};
  int parsed = cli_parse(&spec, argc, argv, NULL);
  if (parsed != CLI_PARSED)
    return parsed;
  if (!dir) {
    fprintf(stderr, "kiosk-pack status: --store DIR is missing\n");
    status_usage(stderr);
    return CLI_ERROR;
  }
  struct stat sb;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    fprintf(stderr, "kiosk-pack status: %s: no pack store there — check the folder name\n", dir);
    return CLI_ERROR;
  }
  /* store_check() logs what it finds; the report below says it once. */
  log_set_quiet(1);
  struct sig_trust *trust = NULL;
  if (trusted) {
    int status = cli_load_trust("status", dir, trusted, &trust);
    if (status != CLI_OK)
      return status;
  }
  struct store *st = NULL;
  struct kerr e;
  kerr_clear(&e);
  if (store_open_readonly(dir, &st, &e) != 0) {
    fprintf(stderr, "kiosk-pack status: %s\n", e.msg);
    sig_trust_free(trust);
    return CLI_ERROR;
  }
  if (trust)
    store_set_verifier(st, pack_check_meta, trust);
  struct store_pack_info *list = NULL;
  size_t n = 0;
  int status = CLI_OK;
  struct row *rows = NULL;
  if (store_list(st, &list, &n, &e) != 0) {
    fprintf(stderr, "kiosk-pack status: %s\n", e.msg);
    status = CLI_ERROR;
    goto out;
  }
  rows = calloc(n ? n : 1, sizeof *rows);
  if (!rows) {
    fprintf(stderr, "kiosk-pack status: out of memory\n");
    status = CLI_ERROR;
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    struct row *r = &rows[i];
    r->info = list[i];
    if (r->info.current && store_current_manifest(st, r->info.id, &r->m, &e) != 0)
      r->m = NULL;
    r->check = full ? store_check(st, r->info.id, &e) : store_check_quick(st, r->info.id, &e);
    if (r->check) {
      snprintf(r->problem, sizeof r->problem, "%s", e.msg);
      status = CLI_REFUSED;
    }
  }
  struct store_version *vs = NULL;
  size_t nv = 0;
  if (store_versions(st, &vs, &nv, &e) == 0)
    for (size_t i = 0; i < n; i++)
      for (size_t k = 0; k < nv; k++)
        if (vs[k].is_current && !strcmp(vs[k].id, rows[i].info.id)) {
          rows[i].checked = vs[k].checked;
          rows[i].changed = rows[i].check == 0 && vs[k].recheck;
          if (rows[i].changed)
            status = CLI_REFUSED;
        }
  free(vs);
  int64_t floor = store_time_floor(st);
  int64_t now = store_effective_now(st, (int64_t)time(NULL));
  if (json) {
    if (print_json(dir, floor, now, trust != NULL, full, rows, n) != 0) {
      fprintf(stderr, "kiosk-pack status: out of memory\n");
      status = CLI_ERROR;
    }
  } else {
    print_text(dir, floor, now, trust != NULL, full, rows, n);
  }
out:
  for (size_t i = 0; rows && i < n; i++)
    manifest_free(rows[i].m);
  free(rows);
  free(list);
  store_close(st);
  sig_trust_free(trust);
  return status;
}
