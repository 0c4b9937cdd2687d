/* notify.h — tells systemd the kiosk is up and alive (sd_notify protocol:
 * datagrams to $NOTIFY_SOCKET). Without systemd every call does nothing. */
#ifndef KIOSK_APP_NOTIFY_H
#define KIOSK_APP_NOTIFY_H

#include <stdint.h>

/* Sends one state line, e.g. "READY=1" or "WATCHDOG=1". */
void notify_send(const char *state);

/* Milliseconds between watchdog pings ($WATCHDOG_USEC / 2), 0 if none. */
uint64_t notify_watchdog_ms(void);

#endif
