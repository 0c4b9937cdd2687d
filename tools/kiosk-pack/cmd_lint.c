/* cmd_lint.c — `kiosk-pack lint SRCDIR`: checks a pack source folder before
 * it is built and prints every finding as "file:line: error|warning:
 * message", then a summary "N errors, M warnings". The checks themselves
 * live in lint.c, which `kiosk-pack build` shares. */
#include "kiosk-pack/cmd_lint.h"
#include "kiosk-pack/cli.h"
#include "kiosk-pack/lint.h"

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void lint_usage(FILE *out)
{
  fputs("Usage: kiosk-pack lint SRCDIR [--size WxH,...]\n"
        "\n"
        "Checks the pack source folder SRCDIR before it is built: pack.json,\n"
        "every page in every language, characters the kiosk's fonts lack, pages\n"
        "that do not fit on one screen, missing or unused pictures, pictures far\n"
        "too big, an expired pack, and pages shown too briefly to be read\n"
        "(about 3 words a second, plus 3 seconds to notice the page).\n"
        "Pages are laid out at 1920x1080, 1080x1920, 1280x720, 1024x600 and\n"
        "800x480 unless --size says otherwise.\n"
        "\n"
        "Prints one line per finding, \"file:line: error|warning: message\", then\n"
        "\"N errors, M warnings\". Exit status: 0 no errors (warnings are\n"
        "allowed), 1 errors found, 2 usage or system error.\n",
        out);
}

int cmd_lint(int argc, char **argv)
{
  const char *src = NULL, *sizes_arg = NULL;
  const struct cli_opt opts[] = {{"--size", &sizes_arg, NULL}, {NULL, NULL, NULL}};
  const struct cli_args spec = {"lint", "SRCDIR", opts, lint_usage};
  int parsed = cli_parse(&spec, argc, argv, &src);
  if (parsed != CLI_PARSED)
    return parsed;
  if (!src) {
    fprintf(stderr, "kiosk-pack lint: SRCDIR is missing\n");
    lint_usage(stderr);
    return CLI_ERROR;
  }
  struct kerr e;
  kerr_clear(&e);
  struct lint_opts o;
  memset(&o, 0, sizeof o);
  struct lint_size *sizes = NULL;
  if (sizes_arg) {
    if (lint_parse_sizes(sizes_arg, &sizes, &o.n_sizes, &e)) {
      fprintf(stderr, "kiosk-pack lint: %s\n", e.msg);
      return CLI_ERROR;
    }
    o.sizes = sizes;
  }
  if (TTF_Init() != 0) {
    fprintf(stderr, "kiosk-pack lint: cannot start the font library: %s\n", TTF_GetError());
    free(sizes);
    return CLI_ERROR;
  }
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  struct lint_report r;
  int rc = lint_source(src, &o, &r, &e);
  free(sizes);
  int status;
  if (rc) {
    fprintf(stderr, "kiosk-pack lint: %s\n", e.msg);
    status = CLI_ERROR; /* the checks could not run */
  } else {
    lint_report_print(&r, stdout);
    char sum[80];
    lint_summary(&r, sum, sizeof sum);
    printf("%s\n", sum);
    status = r.n_errors ? CLI_REFUSED : CLI_OK;
    lint_report_free(&r);
  }
  IMG_Quit();
  TTF_Quit();
  return status;
}
