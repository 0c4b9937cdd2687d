/* notify.c — a minimal sd_notify: the kiosk needs only READY, WATCHDOG and
 * STOPPING, and libsystemd is not worth a dependency for three datagrams. */
#include "app/notify.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

void notify_send(const char *state)
{
  const char *path = getenv("NOTIFY_SOCKET");
  if (!path || !*path || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
    return;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return;
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path, strlen(path));
  if (sa.sun_path[0] == '@') /* abstract socket */
    sa.sun_path[0] = '\0';
  socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
  (void)!sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
  close(fd);
}

uint64_t notify_watchdog_ms(void)
{
  const char *usec = getenv("WATCHDOG_USEC");
  if (!usec)
    return 0;
  unsigned long long v = strtoull(usec, NULL, 10);
  return v ? (v / 8000u ? v / 8000u : 1) : 0;
}
