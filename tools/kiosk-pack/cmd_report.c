/* cmd_report.c — `kiosk-pack report LOGS... --out report.html [--json FILE]
 * [--csv DIR] [--packs PATH]... [--now TIME]`: reads the kiosk-logs folders
 * that sticks (or Syncthing) brought home and writes one picture of the
 * fleet (see report.h for how logs are merged, report_out.c for what is
 * written). Problems in the input never stop the report: each is listed in
 * it and printed on stderr with its file and line. */
#include "kiosk-pack/cmd_report.h"
#include "kiosk-pack/cli.h"
#include "kiosk-pack/report.h"

#include "core/log.h"
#include "core/manifest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPORT_MAX_ARGS 4096

static void report_usage(FILE *out)
{
  fputs("Usage: kiosk-pack report LOGS... --out report.html [--json FILE] [--csv DIR]\n"
        "                         [--packs PATH]... [--now TIME]\n"
        "\n"
        "Reads every kiosk log under LOGS (sticks, kiosk-logs folders, a site's\n"
        "folder, or folders of them: several visits and overlapping copies are\n"
        "merged without counting a play twice) and writes one HTML file that opens\n"
        "offline in any browser: the fleet (last visit, pack versions, expired or\n"
        "damaged content, restarts and problems since the last visit), each site,\n"
        "and what was shown in which language over time.\n"
        "\n"
        "  --json FILE    the same numbers as JSON\n"
        "  --csv DIR      the same numbers as CSV files (sites, packs, plays,\n"
        "                 problems, input-problems)\n"
        "  --packs PATH   the published packs (a .kpack or a folder of them): their\n"
        "                 newest versions and expiry dates are known to the report\n"
        "  --now TIME     judge expiry at TIME (2026-12-01T00:00:00Z), not now\n",
        out);
}

int cmd_report(int argc, char **argv)
{
  const char *out = NULL, *json = NULL, *csv = NULL;
  const char **logs = calloc((size_t)argc + 1, sizeof *logs);
  const char **packs = calloc((size_t)argc + 1, sizeof *packs);
  size_t n_logs = 0, n_packs = 0;
  int64_t now = (int64_t)time(NULL);
  int status = CLI_OK;
  struct report *r = NULL;
  if (!logs || !packs) {
    fprintf(stderr, "kiosk-pack report: out of memory\n");
    status = CLI_ERROR;
    goto done;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int has = i + 1 < argc;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      report_usage(stdout);
      goto done;
    } else if (!strcmp(a, "--out") && has) {
      out = argv[++i];
    } else if (!strcmp(a, "--json") && has) {
      json = argv[++i];
    } else if (!strcmp(a, "--csv") && has) {
      csv = argv[++i];
    } else if (!strcmp(a, "--packs") && has) {
      packs[n_packs++] = argv[++i];
    } else if (!strcmp(a, "--now") && has) {
      if (manifest_parse_time(argv[++i], &now) != 0) {
        fprintf(stderr,
                "kiosk-pack report: --now '%s': give a time such as "
                "2026-12-01T00:00:00Z\n",
                argv[i]);
        status = CLI_ERROR;
        goto done;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr,
              "kiosk-pack report: unknown option or missing value: "
              "'%s'\n",
              a);
      report_usage(stderr);
      status = CLI_ERROR;
      goto done;
    } else if (n_logs < REPORT_MAX_ARGS) {
      logs[n_logs++] = a;
    }
  }
  if (!out || n_logs == 0) {
    fprintf(stderr, "kiosk-pack report: %s\n",
            !out ? "--out report.html is missing"
                 : "no LOGS given: the folders of the sticks or kiosk-logs to read");
    report_usage(stderr);
    status = CLI_ERROR;
    goto done;
  }
  log_set_level(LOG_WARN);
  r = report_new(now);
  int oom = !r;
  for (size_t i = 0; i < n_packs && !oom; i++)
    oom = report_add_packs(r, packs[i]) != 0;
  for (size_t i = 0; i < n_logs && !oom; i++)
    oom = report_add_path(r, logs[i]) != 0;
  if (!oom)
    oom = report_finish(r) != 0;
  if (oom) {
    fprintf(stderr,
            "kiosk-pack report: out of memory — give fewer folders "
            "at a time\n");
    status = CLI_ERROR;
    goto done;
  }
  for (size_t i = 0; i < r->n_issues; i++) {
    const struct report_issue *is = &r->issues[i];
    if (is->line)
      fprintf(stderr, "%s:%" PRIu64 ": %s: %s\n", is->file, is->line,
              is->level ? "warning" : "note", is->msg);
    else
      fprintf(stderr, "%s: %s: %s\n", is->file, is->level ? "warning" : "note", is->msg);
  }
  if (r->issues_dropped)
    fprintf(stderr,
            "kiosk-pack report: and %" PRIu64 " more problems in the "
            "input\n",
            r->issues_dropped);
  struct {
    const char *what, *path;
    int (*fn)(const struct report *, const char *);
  } w[] = {
      {"HTML", out, report_write_html},
      {"JSON", json, report_write_json},
      {"CSV", csv, report_write_csv},
  };
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
    if (!w[i].path)
      continue;
    int err = w[i].fn(r, w[i].path);
    if (err) {
      fprintf(stderr,
              "kiosk-pack report: could not write the %s report %s: "
              "%s\n",
              w[i].what, w[i].path, strerror(err));
      status = CLI_ERROR;
    }
  }
  if (status == CLI_OK) {
    uint64_t plays = 0;
    size_t warnings = 0;
    for (size_t i = 0; i < r->n_sites; i++)
      plays += r->sites[i].plays_total;
    for (size_t i = 0; i < r->n_issues; i++)
      warnings += r->issues[i].level == REPORT_WARNING;
    printf("%s: %zu site%s, %zu folder%s read, %" PRIu64 " plays; %zu "
           "problem%s in the input%s\n",
           out, r->n_sites, r->n_sites == 1 ? "" : "s", r->n_folders, r->n_folders == 1 ? "" : "s",
           plays, warnings, warnings == 1 ? "" : "s", warnings ? " (listed in the report)" : "");
  }
done:
  report_free(r);
  free(logs);
  free(packs);
  return status;
}
