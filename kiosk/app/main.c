/* kiosk — shows the installed content packs on the wall screen. */
#include <stdio.h>

#include "app/opts.h"

int main(int argc, char **argv)
{
  struct opts o;
  struct kerr e;
  if (opts_parse(&o, argc, argv, &e)) {
    fprintf(stderr, "kiosk: %s\n", e.msg);
    return 2;
  }
  if (o.help) {
    opts_usage(stdout);
    return 0;
  }
  if (o.version) {
    printf("kiosk %s\n", KIOSK_VERSION);
    return 0;
  }
  return 0;
}
