/* inboxwatch — the kiosk's USB watcher (core/inbox) on the command line,
 * for tests/e2e/test_usb_mount.sh. Prints one line per event and flushes:
 *
 *   ready fd=poll rescan=-1        after the first look (sticks present then
 *                                  are printed before it)
 *   added /path/to/stick
 *     candidate kiosk/x-3.kpack pack newest       (with --scan)
 *     fieldlog ok kiosk-logs/SITE files=3          (with --fieldlog SITE)
 *     fieldlog error IO: the stick is read-only — logs were not copied
 *   removed /path/to/stick
 *   changed /path/to/inbox
 *   timeout                        when --timeout-ms passed
 *
 * Usage: inboxwatch [--root DIR]... [--folder DIR]... [--inbox DIR] [--scan]
 *                   [--fieldlog SITE] [--exit-after N] [--timeout-ms MS]
 * Exit codes: 0 ok (N events seen, or timeout), 2 usage or system error. */
#include "core/err.h"
#include "core/fieldlog.h"
#include "core/inbox.h"
#include "core/log.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *copy_name(enum inbox_copy c)
{
  switch (c) {
  case INBOX_COPY_NEWEST: return "newest";
  case INBOX_COPY_OLDER: return "older";
  default: return "duplicate";
  }
}

static void on_added(const char *path, int scan, const char *site)
{
  if (scan) {
    struct inbox_scan s;
    struct kerr e;
    if (inbox_scan(path, &s, &e) != 0) {
      printf("  scan error %s\n", e.msg);
    } else {
      for (size_t i = 0; i < s.n; i++)
        printf("  candidate %s %s %s\n", s.items[i].rel,
               s.items[i].kind == INBOX_PACK ? "pack" : "keyring", copy_name(s.items[i].copy));
      if (s.n_links || s.n_special)
        printf("  skipped links=%zu special=%zu\n", s.n_links, s.n_special);
      inbox_scan_free(&s);
    }
  }
  if (site) {
    struct fieldlog_info info = {.software_version = KIOSK_VERSION, .clock_now = time(NULL)};
    struct fieldlog_result r;
    struct kerr e;
    int rc = fieldlog_write(path, site, &info, &r, &e);
    if (rc == 0)
      printf("  fieldlog ok %s files=%zu\n", r.folder, r.files);
    else
      printf("  fieldlog error %s: %s\n", kerr_name(rc), e.msg);
  }
}

int main(int argc, char **argv)
{
  const char *roots[INBOX_MAX_ROOTS], *folders[INBOX_MAX_ROOTS];
  size_t n_roots = 0, n_folders = 0;
  const char *inbox = NULL, *site = NULL;
  int scan = 0;
  long exit_after = 0, timeout_ms = 60000;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--scan") == 0) {
      scan = 1;
      continue;
    }
    if (!v)
      goto usage;
    i++;
    if (strcmp(a, "--root") == 0 && n_roots < INBOX_MAX_ROOTS)
      roots[n_roots++] = v;
    else if (strcmp(a, "--folder") == 0 && n_folders < INBOX_MAX_ROOTS)
      folders[n_folders++] = v;
    else if (strcmp(a, "--inbox") == 0)
      inbox = v;
    else if (strcmp(a, "--fieldlog") == 0)
      site = v;
    else if (strcmp(a, "--exit-after") == 0)
      exit_after = strtol(v, NULL, 10);
    else if (strcmp(a, "--timeout-ms") == 0)
      timeout_ms = strtol(v, NULL, 10);
    else
      goto usage;
  }

  log_set_level(LOG_WARN);
  struct inbox_watch *w;
  struct kerr e;
  if (inbox_watch_open(roots, n_roots, inbox, &w, &e) != 0) {
    fprintf(stderr, "inboxwatch: %s\n", e.msg);
    return 2;
  }
  for (size_t i = 0; i < n_folders; i++)
    if (inbox_watch_add_folder(w, folders[i], &e) != 0) {
      fprintf(stderr, "inboxwatch: %s\n", e.msg);
      inbox_watch_close(w);
      return 2;
    }

  uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
  long seen = 0;
  int first = 1, status = 0;
  for (;;) {
    struct inbox_event *ev;
    size_t n;
    if (inbox_watch_events(w, &ev, &n, &e) != 0) {
      fprintf(stderr, "inboxwatch: %s\n", e.msg);
      status = 2;
      break;
    }
    for (size_t i = 0; i < n; i++) {
      const char *kind = ev[i].kind == INBOX_STICK_ADDED ? "added"
          : ev[i].kind == INBOX_STICK_REMOVED            ? "removed"
                                                         : "changed";
      printf("%s %s\n", kind, ev[i].path);
      if (ev[i].kind == INBOX_STICK_ADDED)
        on_added(ev[i].path, scan, site);
      fflush(stdout);
    }
    free(ev);
    if (!first)
      seen += (long)n;
    if (first) {
      printf("ready fd=%s rescan=%d\n", inbox_watch_fd(w) >= 0 ? "poll" : "none",
             inbox_watch_rescan_ms(w));
      fflush(stdout);
      first = 0;
    }
    if (exit_after > 0 && seen >= exit_after)
      break;
    uint64_t now = now_ms();
    if (now >= deadline) {
      printf("timeout\n");
      break;
    }
    int wait = (int)(deadline - now);
    int rescan = inbox_watch_rescan_ms(w);
    if (rescan >= 0 && rescan < wait)
      wait = rescan;
    struct pollfd p = {.fd = inbox_watch_fd(w), .events = POLLIN};
    if (poll(&p, p.fd >= 0 ? 1 : 0, wait) < 0 && errno != EINTR) {
      perror("inboxwatch: poll");
      status = 2;
      break;
    }
  }
  fflush(stdout);
  inbox_watch_close(w);
  return status;

usage:
  fprintf(stderr,
          "usage: inboxwatch [--root DIR]... [--folder DIR]... "
          "[--inbox DIR] [--scan] [--fieldlog SITE] [--exit-after N] "
          "[--timeout-ms MS]\n");
  return 2;
}
