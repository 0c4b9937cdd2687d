/* cmd_preview.c — `kiosk-pack preview`: every page of a pack source folder
 * (or of a built pack) as PNG pictures, drawn by the kiosk's own engine at
 * each screen size, plus a contact sheet per size (see preview.c).
 *
 * A built pack is never unpacked by hand: it is verified and installed by
 * the kiosk's own reader (pack_install) into a pack store in a temporary
 * folder, exactly as a kiosk would, which needs the public key (--trusted).
 * The temporary folder is removed at the end. Nothing is printed when
 * stdout is not a terminal; on a terminal a counter line shows progress
 * and the last line says what was written. */
#include "kiosk-pack/cmd_preview.h"
#include "kiosk-pack/cli.h"
#include "kiosk-pack/preview.h"

#include "core/deck.h"
#include "core/fsutil.h"
#include "core/manifest.h"
#include "core/pack.h"
#include "core/store.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void preview_usage(FILE *out)
{
  fputs("Usage: kiosk-pack preview SRCDIR|PACK --out DIR [--size WxH,...]\n"
        "                          [--lang xx,...] [--trusted PATH]\n"
        "\n"
        "Draws every page in every language exactly as the kiosk would, one PNG\n"
        "per page (and per part, when a page does not fit on one screen):\n"
        "  DIR/<W>x<H>/<page>.<lang>.png, DIR/<W>x<H>/<page>.<lang>-part<N>.png\n"
        "and one contact sheet per size with every page at a glance:\n"
        "  DIR/contact-<W>x<H>.png  (pages the kiosk would complain about are\n"
        "                           framed in red; 'kiosk-pack lint' says why)\n"
        "\n"
        "Sizes default to 1920x1080,1080x1920,1280x720,1024x600,800x480; --lang\n"
        "picks languages (default: all). A built PACK (.kpack) is first verified\n"
        "with the public key --trusted PATH (a .pub file or a folder of them).\n"
        "No display is needed.\n",
        out);
}

/* Splits "en,ru" into a new array of new strings. */
static char **split_list(const char *arg, size_t *n)
{
  *n = 0;
  size_t cap = 1;
  for (const char *c = arg; *c; c++)
    cap += *c == ',';
  char **v = calloc(cap, sizeof *v);
  char *copy = strdup(arg);
  if (!v || !copy) {
    free(v);
    free(copy);
    return NULL;
  }
  char *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
    if (*t && !(v[(*n)++] = strdup(t))) {
      for (size_t i = 0; i + 1 < *n; i++)
        free(v[i]);
      free(v);
      free(copy);
      return NULL;
    }
  free(copy);
  return v;
}

static void free_list(char **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

/* Whether some entry of d is in lang. */
static int deck_has_lang(const struct deck *d, size_t below, const char *lang)
{
  for (size_t k = 0; k < below; k++)
    if (!strcmp(deck_get(d, k)->lang, lang))
      return 1;
  return 0;
}

/* Every --lang must be a language of the deck. */
static int check_langs(const struct deck *d, char **langs, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (deck_has_lang(d, deck_count(d), langs[i]))
      continue;
    char have[512] = "";
    for (size_t k = 0; k < deck_count(d); k++) {
      const char *l = deck_get(d, k)->lang;
      size_t hl = strlen(have);
      if (!deck_has_lang(d, k, l) && hl + strlen(l) + 3 < sizeof have)
        snprintf(have + hl, sizeof have - hl, "%s%s", hl ? ", " : "", l);
    }
    fprintf(stderr,
            "kiosk-pack preview: --lang %s: the pack has no such language "
            "(it has %s)\n",
            langs[i], have);
    return CLI_ERROR;
  }
  return CLI_OK;
}

/* Verifies and installs PACK into a store under tmp; adds it to d. */
static int open_pack(const char *pack, const char *trusted, const char *tmp, struct deck *d,
                     struct store **st, char *title, size_t cap)
{
  struct sig_trust *trust;
  int status = cli_load_trust("preview", NULL, trusted, &trust);
  if (status != CLI_OK)
    return status;
  struct kerr e;
  kerr_clear(&e);
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/store", tmp);
  if (store_open(dir, st, &e) != 0) {
    fprintf(stderr, "kiosk-pack preview: %s\n", e.msg);
    sig_trust_free(trust);
    return CLI_ERROR;
  }
  store_set_reserve(*st, 0);
  struct pack_result *res = calloc(1, sizeof *res);
  if (!res) {
    sig_trust_free(trust);
    fprintf(stderr, "kiosk-pack preview: out of memory\n");
    return CLI_ERROR;
  }
  struct cli_progress cp;
  cli_progress_init(&cp, "Verifying", pack);
  struct pack_progress prog = {cli_progress_fn, &cp, NULL};
  int rc = pack_install(pack, *st, trust, &prog, res, &e);
  cli_progress_done(&cp);
  sig_trust_free(trust);
  if (rc != 0) {
    fprintf(stderr, "kiosk-pack preview: %s\n", res->msg);
    status = cli_exit_status(res->status);
    pack_result_free(res);
    free(res);
    return status;
  }
  snprintf(title, cap, "%s version %llu", res->id, (unsigned long long)res->version);
  struct manifest *m = NULL;
  char root[PATH_MAX];
  if (store_current_dir(*st, res->id, root, sizeof root, &e) != 0 ||
      store_current_manifest(*st, res->id, &m, &e) != 0 || deck_add_manifest(d, root, m, &e) != 0) {
    fprintf(stderr, "kiosk-pack preview: %s\n", e.msg);
    status = CLI_ERROR;
  }
  manifest_free(m);
  pack_result_free(res);
  free(res);
  return status;
}

/* Reads the source folder's pack.json into d. */
static int open_source(const char *src, struct deck *d, char *title, size_t cap)
{
  struct kerr e;
  kerr_clear(&e);
  if (deck_add_dir(d, src, &e) != 0) {
    fprintf(stderr, "kiosk-pack preview: %s — run 'kiosk-pack lint %s' for details\n", e.msg, src);
    return e.code == KERR_NOENT || e.code == KERR_IO || e.code == KERR_NOMEM ? CLI_ERROR
                                                                             : CLI_REFUSED;
  }
  /* The title of the contact sheets: the pack's id and version. */
  char *json = NULL;
  size_t len = 0;
  struct manifest *m = NULL;
  int fd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0 && fsutil_read_at(fd, "pack.json", MANIFEST_MAX_BYTES, &json, &len, NULL) == 0 &&
      manifest_parse(json, len, MANIFEST_SOURCE, &m, NULL) == 0)
    snprintf(title, cap, "%s version %llu (source)", m->id, (unsigned long long)m->version);
  else
    snprintf(title, cap, "%s", src);
  if (fd >= 0)
    close(fd);
  manifest_free(m);
  free(json);
  return CLI_OK;
}

int cmd_preview(int argc, char **argv)
{
  const char *in = NULL, *out = NULL, *sizes_arg = NULL, *langs_arg = NULL, *trusted = NULL;
  const struct cli_opt opts[] = {{"--out", &out, NULL},
                                 {"--size", &sizes_arg, NULL},
                                 {"--lang", &langs_arg, NULL},
                                 {"--trusted", &trusted, NULL},
                                 {NULL, NULL, NULL}};
  const struct cli_args spec = {"preview", "SRCDIR or PACK", opts, preview_usage};
  int parsed = cli_parse(&spec, argc, argv, &in);
  if (parsed != CLI_PARSED)
    return parsed;
  if (!in || !out) {
    fprintf(stderr, "kiosk-pack preview: %s is missing\n",
            !in ? "SRCDIR or PACK" : "--out DIR (the folder for the pictures)");
    preview_usage(stderr);
    return CLI_ERROR;
  }
  struct stat sb;
  if (stat(in, &sb) != 0) {
    fprintf(stderr,
            "kiosk-pack preview: %s: no such folder or file — give a pack source "
            "folder (with pack.json) or a .kpack file\n",
            in);
    return CLI_ERROR;
  }
  int is_pack = !S_ISDIR(sb.st_mode);
  if (is_pack && !trusted) {
    fprintf(stderr,
            "kiosk-pack preview: %s is a built pack; --trusted PATH (the public key, "
            "a .pub file or a folder of them) is needed to verify it before it is drawn\n",
            in);
    return CLI_ERROR;
  }

  struct kerr e;
  kerr_clear(&e);
  struct preview_opts o;
  memset(&o, 0, sizeof o);
  o.out = out;
  struct lint_size *sizes = NULL;
  if (sizes_arg) {
    if (lint_parse_sizes(sizes_arg, &sizes, &o.n_sizes, &e)) {
      fprintf(stderr, "kiosk-pack preview: %s\n", e.msg);
      return CLI_ERROR;
    }
    o.sizes = sizes;
  }
  if (langs_arg) {
    o.langs = split_list(langs_arg, &o.n_langs);
    if (!o.langs || !o.n_langs) {
      fprintf(stderr, "kiosk-pack preview: --lang needs language codes such as en,ru\n");
      free(sizes);
      free_list(o.langs, o.n_langs);
      return CLI_ERROR;
    }
  }

  int status = CLI_OK;
  struct deck *d = deck_new();
  struct store *st = NULL;
  struct fonts *f = NULL;
  char tmp[PATH_MAX] = "";
  char title[256] = "";
  int ttf = 0;
  if (!d) {
    fprintf(stderr, "kiosk-pack preview: out of memory\n");
    status = CLI_ERROR;
    goto out;
  }
  if (is_pack) {
    const char *t = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/kiosk-preview-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp)) {
      fprintf(stderr, "kiosk-pack preview: cannot create a temporary folder in %s\n",
              t && *t ? t : "/tmp");
      tmp[0] = '\0';
      status = CLI_ERROR;
      goto out;
    }
    status = open_pack(in, trusted, tmp, d, &st, title, sizeof title);
  } else {
    status = open_source(in, d, title, sizeof title);
  }
  if (status != CLI_OK)
    goto out;
  if (o.langs && (status = check_langs(d, o.langs, o.n_langs)) != CLI_OK)
    goto out;
  o.title = title;

  if (TTF_Init() != 0) {
    fprintf(stderr, "kiosk-pack preview: cannot start the font library: %s\n", TTF_GetError());
    status = CLI_ERROR;
    goto out;
  }
  ttf = 1;
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  if (fonts_open(NULL, &f, &e) != 0) {
    fprintf(stderr, "kiosk-pack preview: %s\n", e.msg);
    status = CLI_ERROR;
    goto out;
  }
  o.progress = isatty(STDOUT_FILENO);
  struct preview_result res;
  if (preview_deck(d, f, &o, &res, &e) != 0) {
    fprintf(stderr, "kiosk-pack preview: %s\n", e.msg);
    status = CLI_ERROR;
    goto out;
  }
  if (o.progress)
    printf("Wrote %zu picture%s and %zu contact sheet%s to %s\n", res.pictures,
           res.pictures == 1 ? "" : "s", res.sheets, res.sheets == 1 ? "" : "s", out);
  if (res.problems)
    fprintf(stderr,
            "kiosk-pack preview: %zu picture%s show%s something the kiosk would "
            "complain about (framed in red on the contact sheets) — run 'kiosk-pack lint' "
            "on the source for the details\n",
            res.problems, res.problems == 1 ? "" : "s", res.problems == 1 ? "s" : "");
  if (res.failed) {
    fprintf(stderr, "kiosk-pack preview: %zu page%s could not be drawn (see above)\n", res.failed,
            res.failed == 1 ? "" : "s");
    status = CLI_REFUSED;
  }

out:
  fonts_close(f);
  if (ttf) {
    IMG_Quit();
    TTF_Quit();
  }
  deck_free(d);
  store_close(st);
  if (tmp[0]) {
    struct kerr re;
    if (fsutil_remove_tree_at(AT_FDCWD, tmp, &re) != 0)
      fprintf(stderr, "kiosk-pack preview: could not remove the temporary folder %s: %s\n", tmp,
              re.msg);
  }
  free(sizes);
  free_list(o.langs, o.n_langs);
  return status;
}
