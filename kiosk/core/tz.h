/* tz.h — the site's local time from the system's time-zone database
 * (zoneinfo), so that a zone such as Asia/Almaty follows its own rules,
 * including a change of offset decided after the kiosk was installed (a
 * tzdata update of the image is enough). */
#ifndef KIOSK_TZ_H
#define KIOSK_TZ_H

#include <stddef.h>
#include <stdint.h>

#define TZ_NAME_MAX 63 /* bytes of a zone name such as "Asia/Almaty" */
#define TZ_ZONEINFO_DIR "/usr/share/zoneinfo"

/* Checks that name is a zone of the zoneinfo folder dir (NULL: the
 * system's): letters, digits and '_', '+', '-' in parts joined by '/', and a
 * file there that is a compiled zone ("TZif"). Returns 0, or -1 with a
 * reason for people in why[whysz]. */
int tz_check(const char *dir, const char *name, char *why, size_t whysz);

/* Makes name (already checked) the zone of local time in this process.
 * Sets TZ, so call it from main() before threads start, or from a test. */
void tz_use(const char *dir, const char *name);

/* Local time minus UTC, in seconds, at unix time t, in the zone tz_use()
 * set (UTC when none was). */
int tz_offset_at(int64_t t);

#endif
