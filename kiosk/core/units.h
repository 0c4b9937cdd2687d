/* units.h — sizes written for people, one way everywhere.
 *
 * The same number of bytes reads the same in the log, on the staff card,
 * in kiosk-pack's output and in the status file on a stick: binary units
 * with their IEC names (1 MiB = 1,048,576 bytes), so that a figure on the
 * screen can be compared with `du -h` or a file manager's "MiB". */
#ifndef KIOSK_CORE_UNITS_H
#define KIOSK_CORE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Longest text units_bytes() writes ("16384.0 PiB" at most), with its NUL. */
#define UNITS_BYTES_MAX 24

/* Writes n as "512 bytes", "12 KiB" (rounded up: a partial KiB still
 * needs room), "8.1 MiB", "2.0 GiB", "1.5 TiB" or "3.0 PiB" into buf
 * (cap >= UNITS_BYTES_MAX bytes always holds it). Returns buf. */
char *units_bytes(uint64_t n, char *buf, size_t cap);

#endif
