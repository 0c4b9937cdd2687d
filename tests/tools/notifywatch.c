/* notifywatch — a stand-in for systemd's notify socket, for the tests and
 * the benchmark that measure when the kiosk says READY=1 and how regularly
 * it pings the watchdog. Binds a datagram socket at PATH, then prints one
 * line per message received and flushes it:
 *
 *   <CLOCK_REALTIME ns> <message>        e.g. 1764750000123456789 READY=1
 *
 * (A datagram carrying several lines gives one output line per line.) It
 * exits 0 after a STOPPING=1, or when --timeout-ms passes (printing
 * "<ns> timeout"), and removes the socket. Messages are at most 4 KiB;
 * anything that is not printable ASCII is shown as '?'.
 *
 * Usage: notifywatch PATH [--timeout-ms MS]
 * Exit codes: 0 ok, 2 usage or system error. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static uint64_t ns_now(clockid_t clk)
{
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
  long timeout_ms = 600000;
  if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "--timeout-ms"))) {
    fprintf(stderr, "usage: notifywatch PATH [--timeout-ms MS]\n");
    return 2;
  }
  if (argc == 4)
    timeout_ms = strtol(argv[3], NULL, 10);
  const char *path = argv[1];
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa.sun_path) {
    fprintf(stderr, "notifywatch: %s: the path is too long for a socket\n", path);
    return 2;
  }
  memcpy(sa.sun_path, path, strlen(path));
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  unlink(path);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    fprintf(stderr, "notifywatch: %s: %s\n", path, strerror(errno));
    return 2;
  }
  uint64_t end = ns_now(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000u;
  int stopping = 0;
  while (!stopping) {
    uint64_t now = ns_now(CLOCK_MONOTONIC);
    if (now >= end) {
      printf("%llu timeout\n", (unsigned long long)ns_now(CLOCK_REALTIME));
      break;
    }
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, (int)((end - now) / 1000000u) + 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      continue;
    char buf[4097];
    ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
    uint64_t t = ns_now(CLOCK_REALTIME);
    if (n <= 0)
      continue;
    buf[n] = '\0';
    for (ssize_t i = 0; i < n; i++)
      if (buf[i] != '\n' && (buf[i] < 0x20 || buf[i] > 0x7e))
        buf[i] = '?';
    char *save = NULL;
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
      printf("%llu %s\n", (unsigned long long)t, l);
      if (!strcmp(l, "STOPPING=1"))
        stopping = 1;
    }
    fflush(stdout);
  }
  fflush(stdout);
  close(fd);
  unlink(path);
  return 0;
}
