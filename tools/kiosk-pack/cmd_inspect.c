/* cmd_inspect.c — `kiosk-pack inspect PACK [--trusted PATH]`: shows what a
 * pack says about itself (id, version, titles, dates, audience, key id,
 * pages, files with sizes) and whether it verifies. Nothing is trusted
 * that has not been verified: without --trusted, or when verification
 * fails, every field is labelled "(claimed)" — it is only what the pack
 * says, and anyone could have written it. */
#include "kiosk-pack/cmd_inspect.h"
#include "kiosk-pack/cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void inspect_usage(FILE *out)
{
  fputs("Usage: kiosk-pack inspect PACK [--trusted PATH]\n"
        "\n"
        "Shows what PACK holds. With --trusted (a .pub file or a folder of them)\n"
        "it is also verified; without, every field is shown as \"claimed\".\n",
        out);
}

/* Prints "Label:" or "Label (claimed):" padded to one column. */
static void label(const char *name, int trusted)
{
  char buf[64];
  snprintf(buf, sizeof buf, "%s%s:", name, trusted ? "" : " (claimed)");
  printf("%-23s", buf);
}

static void print_result(const struct pack_result *r, int checked)
{
  const struct manifest *m = r->manifest;
  int ok = r->signature_ok;
  char t[48], size[32];
  printf("%-23s%s\n", "Pack file:", r->file);
  if (ok && r->contents_ok)
    printf("%-23s%s\n",
           "Verified:", "yes — signed by a trusted key; every file matches the signed list");
  else if (!checked)
    printf("%-23s%s\n", "Verified:",
           "NOT CHECKED (no --trusted given): everything below is only what the pack claims");
  else
    printf("%-23sNO — %s\n", "Verified:", r->msg);
  label("Signing key", ok);
  printf("%s\n", r->has_key_id ? r->key_id : "(the signature cannot be read)");
  label("Id", ok);
  printf("%s\n", r->id);
  label("Version", ok);
  printf("%" PRIu64 "\n", r->version);
  for (size_t i = 0; i < m->n_titles; i++) {
    if (i == 0)
      label("Title", ok);
    else
      printf("%-23s", "");
    if (m->titles[i].lang[0])
      printf("[%s] %s\n", m->titles[i].lang, m->titles[i].text);
    else
      printf("%s\n", m->titles[i].text);
  }
  cli_fmt_time(m->created, t, sizeof t);
  label("Created", ok);
  printf("%s\n", t);
  label("Valid from", ok);
  if (m->has_valid_from) {
    cli_fmt_time(m->valid_from, t, sizeof t);
    printf("%s\n", t);
  } else {
    printf("(always)\n");
  }
  label("Expires", ok);
  if (m->has_expires) {
    cli_fmt_time(m->expires, t, sizeof t);
    printf("%s\n", t);
  } else {
    printf("(never)\n");
  }
  label("Countries", ok);
  if (m->n_countries == 0)
    printf("(every country)\n");
  for (size_t i = 0; i < m->n_countries; i++)
    printf("%s%s", m->countries[i], i + 1 < m->n_countries ? ", " : "\n");
  label("Languages", ok);
  for (size_t i = 0; i < m->n_languages; i++)
    printf("%s%s", m->languages[i], i + 1 < m->n_languages ? ", " : "\n");
  label("Pages", ok);
  printf("%zu\n", m->n_pages);
  for (size_t i = 0; i < m->n_pages; i++)
    printf("  %s\n", m->pages[i]);
  cli_fmt_bytes(m->total_bytes, size, sizeof size);
  label("Files", ok);
  printf("%zu (%s)\n", m->n_files, size);
  for (size_t i = 0; i < m->n_files; i++)
    printf("  %12" PRIu64 "  %s\n", m->files[i].size, m->files[i].path);
}

int cmd_inspect(int argc, char **argv)
{
  const char *pack = NULL, *trusted = NULL;
  const struct cli_opt opts[] = {{"--trusted", &trusted, NULL}, {NULL, NULL, NULL}};
  const struct cli_args spec = {"inspect", "PACK", opts, inspect_usage};
  int parsed = cli_parse(&spec, argc, argv, &pack);
  if (parsed != CLI_PARSED)
    return parsed;
  if (!pack) {
    fprintf(stderr, "kiosk-pack inspect: PACK is missing\n");
    inspect_usage(stderr);
    return CLI_ERROR;
  }
  struct sig_trust *trust = NULL;
  if (trusted) {
    int status = cli_load_trust("inspect", NULL, trusted, &trust);
    if (status != CLI_OK)
      return status;
  }
  struct pack_result *res = calloc(1, sizeof *res);
  if (!res) {
    fprintf(stderr, "kiosk-pack inspect: out of memory\n");
    sig_trust_free(trust);
    return CLI_ERROR;
  }
  struct kerr e;
  kerr_clear(&e);
  int status;
  int rc = pack_inspect(pack, trust, res, &e);
  if (rc != 0) {
    if (res->has_key_id)
      fprintf(stderr, "%s (signing key, claimed: %s)\n", e.msg, res->key_id);
    else
      fprintf(stderr, "%s\n", e.msg);
    status = cli_exit_code(rc);
  } else {
    print_result(res, trust != NULL);
    status = trust ? cli_exit_status(res->status) : CLI_OK;
  }
  pack_result_free(res);
  free(res);
  sig_trust_free(trust);
  return status;
}
