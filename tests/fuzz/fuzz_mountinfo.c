/* libFuzzer target: /proc/self/mountinfo lines (inbox_mountinfo_parse()
 * with the default USB roots, octal escapes, autofs, stacked mounts), the
 * diff between two tables, and escaping each mount point for the log
 * (esc_name()), which must give one printable line.
 *
 * An input is two tables, "before" and "after", split at its first empty
 * line ("\n\n"); without one, "before" is empty and every stick is new.
 * Each input is complete in itself, so what it covers does not depend on
 * the input run before it. */
#include "fuzz.h"

#include <string.h>

#include "core/esc.h"
#include "core/inbox.h"

static const char *const roots[] = {"/media", "/run/media", "/mnt"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_quiet();
  return 0;
}

static void check_shown(const struct inbox_mounts *m)
{
  for (size_t i = 0; i < m->n; i++) {
    char shown[INBOX_SHOWN_MAX];
    esc_name(m->v[i].path, shown, sizeof shown);
    for (const char *p = shown; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f)
        abort(); /* a control character reached a log line */
  }
}

static int listed(const struct inbox_mounts *m, const char *path)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp(m->v[i].path, path) == 0)
      return 1;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  const char *split = memmem(text, size, "\n\n", 2);
  size_t before_len = split ? (size_t)(split - text) + 1 : 0;
  const char *after_text = split ? split + 2 : text;
  size_t after_len = size - (size_t)(after_text - text);

  struct inbox_mounts before = {0}, after = {0};
  struct kerr e;
  if (inbox_mountinfo_parse(text, before_len, roots, 3, &before, &e) != 0)
    return 0;
  if (inbox_mountinfo_parse(after_text, after_len, roots, 3, &after, &e) != 0) {
    inbox_mounts_free(&before);
    return 0;
  }
  check_shown(&before);
  check_shown(&after);

  struct inbox_event *ev = NULL;
  size_t n = 0;
  if (inbox_mounts_diff(&before, &after, &ev, &n, &e) == 0) {
    if (n > before.n + after.n)
      abort(); /* more changes than sticks */
    int adding = 0;
    for (size_t i = 0; i < n; i++) {
      if (ev[i].kind == INBOX_STICK_REMOVED) {
        if (adding || !listed(&before, ev[i].path))
          abort(); /* removals come first, and only of sticks that were there */
      } else if (ev[i].kind == INBOX_STICK_ADDED) {
        adding = 1;
        if (!listed(&after, ev[i].path))
          abort(); /* an added stick that is not in the new table */
      } else {
        abort(); /* the diff reports sticks only */
      }
    }
    free(ev);
  }
  inbox_mounts_free(&before);
  inbox_mounts_free(&after);
  return 0;
}
