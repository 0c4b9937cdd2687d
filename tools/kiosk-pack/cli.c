/* cli.c — helpers shared by the kiosk-pack commands (see cli.h). Nothing
 * here exits; commands return their status to main(). */
#include "kiosk-pack/cli.h"
#include "core/keyring.h"
#include "core/units.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_exit_code(int rc)
{
  switch (rc) {
  case 0: return CLI_OK;
  case KERR_USAGE:
  case KERR_IO:
  case KERR_NOMEM:
  case KERR_NOENT:
  case KERR_STORE:
  case KERR_CONFIG:
  case KERR_PASSPHRASE: return CLI_ERROR;
  default: return CLI_REFUSED;
  }
}

int cli_exit_status(enum pack_status status)
{
  switch (status) {
  case PACK_STATUS_VERIFIED:
  case PACK_STATUS_INSTALLED:
  case PACK_STATUS_UP_TO_DATE: return CLI_OK;
  case PACK_STATUS_NONE:
  case PACK_STATUS_FAILED:
  case PACK_STATUS_CANCELLED: return CLI_ERROR;
  default: return CLI_REFUSED;
  }
}

int cli_load_trust(const char *cmd, const char *store_dir, const char *path, struct sig_trust **out)
{
  /* The keys in path, plus those keyring updates installed in the store
   * added, minus every key they revoked. */
  struct kerr e;
  kerr_clear(&e);
  if (keyring_load_trust(store_dir, path, out, &e) < 0) {
    fprintf(stderr, "kiosk-pack %s: %s\n", cmd, e.msg);
    *out = NULL;
    return CLI_ERROR;
  }
  return CLI_OK;
}

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cli_progress_init(struct cli_progress *cp, const char *label, const char *file)
{
  memset(cp, 0, sizeof *cp);
  cp->label = label;
  cp->file = file;
  cp->tty = isatty(STDERR_FILENO);
  eta_start(&cp->eta, (uint64_t)now_ms());
}

void cli_progress_fn(void *ctx, uint64_t done, uint64_t total)
{
  struct cli_progress *cp = ctx;
  if (!cp->tty)
    return;
  int64_t t = now_ms();
  if (cp->shown && done < total && t - cp->last_ms < 100)
    return;
  cp->last_ms = t;
  char how[128];
  eta_format(&cp->eta, done, total, (uint64_t)t, 1, how, sizeof how);
  unsigned pct = total ? (unsigned)(done * 100 / total) : 100;
  fprintf(stderr, "\r%s %s: %3u%% (%s)\033[K", cp->label, cli_basename(cp->file), pct, how);
  fflush(stderr);
  cp->shown = 1;
}

void cli_progress_done(struct cli_progress *cp)
{
  if (cp->tty && cp->shown) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
  cp->shown = 0;
}

void cli_fmt_bytes(uint64_t n, char *buf, size_t cap)
{
  units_bytes(n, buf, cap);
}

/* Formats t as UTC; rfc3339 picks "2020-07-10T00:00:00Z" over
 * "2020-07-10 00:00 UTC". */
static void fmt_utc(int64_t t, int rfc3339, char *buf, size_t cap)
{
  time_t tt = (time_t)t;
  struct tm tm;
  size_t n = 0;
  if (gmtime_r(&tt, &tm))
    n = rfc3339 ? strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm)
                : strftime(buf, cap, "%Y-%m-%d %H:%M UTC", &tm);
  if (n == 0)
    snprintf(buf, cap, "%" PRId64, t);
}

void cli_fmt_time(int64_t t, char *buf, size_t cap)
{
  fmt_utc(t, 0, buf, cap);
}

void cli_fmt_time_rfc3339(int64_t t, char *buf, size_t cap)
{
  fmt_utc(t, 1, buf, cap);
}

int cli_check_pack(const char *cmd, const char *pack, struct store *st,
                   const struct sig_trust *trust)
{
  struct pack_result *res = calloc(1, sizeof *res);
  if (!res) {
    fprintf(stderr, "kiosk-pack %s: out of memory\n", cmd);
    return CLI_ERROR;
  }
  struct cli_progress cp;
  cli_progress_init(&cp, st ? "Installing" : "Verifying", pack);
  struct pack_progress prog = {cli_progress_fn, &cp, NULL};
  if (st)
    pack_install(pack, st, trust, &prog, res, NULL);
  else
    pack_verify(pack, trust, &prog, res, NULL);
  cli_progress_done(&cp);
  int status = cli_exit_status(res->status);
  fprintf(status == CLI_OK ? stdout : stderr, "%s\n", res->msg);
  pack_result_free(res);
  free(res);
  return status;
}

int cli_out_path(const char *out, const char *name, char *buf, size_t cap, struct kerr *e)
{
  struct stat sb;
  int n;
  if (!out)
    n = snprintf(buf, cap, "%s", name);
  else if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode))
    n = snprintf(buf, cap, "%s/%s", out, name);
  else
    n = snprintf(buf, cap, "%s", out);
  if (n < 0 || (size_t)n >= cap)
    return kerr_set(e, KERR_USAGE, "the output file name is too long");
  return 0;
}

const char *cli_basename(const char *path)
{
  const char *s = strrchr(path, '/');
  return (s && s[1]) ? s + 1 : path;
}

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *a, int has_value)
{
  for (const struct cli_opt *o = opts; o->name; o++)
    if (!strcmp(a, o->name) && (o->flag || has_value))
      return o;
  return NULL;
}

int cli_parse(const struct cli_args *spec, int argc, char **argv, const char **arg)
{
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const struct cli_opt *o = find_opt(spec->opts, a, i + 1 < argc);
    if (o && o->flag) {
      *o->flag = 1;
    } else if (o) {
      *o->value = argv[++i];
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      spec->usage(stdout);
      return CLI_OK;
    } else if ((a[0] == '-' && a[1] != '\0') || !spec->what) {
      fprintf(stderr, "kiosk-pack %s: unknown option or missing value: '%s'\n", spec->cmd, a);
      spec->usage(stderr);
      return CLI_ERROR;
    } else if (!*arg) {
      *arg = a;
    } else {
      fprintf(stderr, "kiosk-pack %s: one %s only ('%s' and '%s' given)\n", spec->cmd, spec->what,
              *arg, a);
      return CLI_ERROR;
    }
  }
  return CLI_PARSED;
}
