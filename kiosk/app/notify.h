/* notify.h — tells systemd the kiosk is up and alive (sd_notify protocol:
 * datagrams to $NOTIFY_SOCKET). Without systemd every call does nothing. */
#ifndef KIOSK_APP_NOTIFY_H
#define KIOSK_APP_NOTIFY_H

#include <stdint.h>

/* Sends one state line, e.g. "READY=1" or "WATCHDOG=1". */
void notify_send(const char *state);

/* Milliseconds between watchdog pings, 0 if none: $WATCHDOG_USEC / 8, so
 * that a ping held up by a slow step (a transition, painting a page) still
 * comes well within WatchdogSec/4 of the one before. */
uint64_t notify_watchdog_ms(void);

#endif
