/* libFuzzer target: /proc/self/mountinfo lines (inbox_mountinfo_parse()
 * with the default USB roots, octal escapes, autofs, stacked mounts), the
 * diff against the previous input's table, and escaping each mount point
 * for the log (esc_name()), which must give one printable line. */
#include "fuzz.h"

#include <string.h>

#include "core/esc.h"
#include "core/inbox.h"

static struct inbox_mounts before;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_quiet();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const roots[] = {"/media", "/run/media", "/mnt"};
  struct inbox_mounts now;
  struct kerr e;
  if (inbox_mountinfo_parse((const char *)data, size, roots, 3, &now, &e) != 0)
    return 0;
  for (size_t i = 0; i < now.n; i++) {
    char shown[INBOX_SHOWN_MAX];
    esc_name(now.v[i].path, shown, sizeof shown);
    for (const char *p = shown; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f)
        abort(); /* a control character reached a log line */
  }
  struct inbox_event *ev = NULL;
  size_t n = 0;
  if (inbox_mounts_diff(&before, &now, &ev, &n, &e) == 0)
    free(ev);
  inbox_mounts_free(&before);
  before = now;
  return 0;
}
