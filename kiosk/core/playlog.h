/* playlog.h — the play log: what was shown, when, for how long.
 *
 * One CSV file per kiosk, playlog.csv in the log folder, that starts with
 * the header line
 *
 *   time,pack_id,version,page,lang,seconds_shown
 *
 * and then one line per page shown, e.g.
 *
 *   2026-11-28T02:10:11Z,bulletin-2020-07,12,hotlines,ky,15.0
 *
 * time is when the page appeared (ISO 8601, UTC), seconds_shown how long it
 * stayed, with one decimal. Lines are appended with one write() each: no
 * fsync per line, so the SD card is spared and a power cut can lose the
 * last seconds or leave a torn last line. Readers ignore any line that is
 * not complete and well formed (no newline at the end, wrong number of
 * fields, a field that does not parse), and the next append after a torn
 * line starts on a fresh line.
 *
 * Bounded: before a line would take playlog.csv past the configured size it
 * is renamed to playlog.csv.1 (replacing the older one) and a new
 * playlog.csv is started, so the log never takes more than about twice the
 * limit. */
#ifndef KIOSK_CORE_PLAYLOG_H
#define KIOSK_CORE_PLAYLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define PLAYLOG_NAME "playlog.csv"
#define PLAYLOG_OLD_NAME "playlog.csv.1"
#define PLAYLOG_HEADER "time,pack_id,version,page,lang,seconds_shown"
#define PLAYLOG_DEFAULT_KIB 1024
#define PLAYLOG_MIN_KIB 4
#define PLAYLOG_LINE_MAX 512  /* bytes of one line, newline included */
#define PLAYLOG_FIELD_MAX 128 /* bytes of one text field */

struct playlog;

/* Opens (creating if needed) dir/playlog.csv for appending; dir must exist.
 * max_kib is the size at which the file rotates (0 means
 * PLAYLOG_DEFAULT_KIB; less than PLAYLOG_MIN_KIB is raised to it). If the
 * file ends in a torn line, the next line starts after a newline. On
 * success *out is a new play log; close with playlog_close(). */
int playlog_open(const char *dir, unsigned max_kib, struct playlog **out, struct kerr *e);

/* One page shown. Appends a line (rotating first if needed). Text fields
 * are written as given except that commas, quotes, control characters and
 * bytes beyond PLAYLOG_FIELD_MAX are replaced or cut, so a line always has
 * its six fields; an empty field is written as "-". Thread-safe. Returns 0
 * or KERR_IO / KERR_NOSPACE with e saying so (the play log is never worth
 * stopping the display for: log it and go on). */
int playlog_append(struct playlog *p, int64_t time, const char *pack_id, uint64_t version,
                   const char *page, const char *lang, uint64_t shown_ms, struct kerr *e);

/* Flushes to disk (fsync): call at a clean shutdown, not per line. */
int playlog_sync(struct playlog *p, struct kerr *e);

/* Syncs and closes. Accepts NULL. Never fails. */
void playlog_close(struct playlog *p);

/* --- reading ------------------------------------------------------------ */

/* One well-formed line. The strings point into a buffer that lives only
 * during the callback. line is the whole line without its newline. */
struct playlog_entry {
  int64_t time;
  const char *pack_id;
  uint64_t version;
  const char *page;
  const char *lang;
  uint64_t shown_ms;
  const char *line;
  size_t line_len;
};

/* Return 0 to go on, anything else to stop (playlog_read returns it). */
typedef int playlog_line_fn(void *ctx, const struct playlog_entry *entry);

/* Counts for a read: lines passed on and lines skipped as torn or bad. */
struct playlog_stats {
  uint64_t lines;
  uint64_t skipped;
};

/* Calls fn for every well-formed line of dir/playlog.csv.1 and then
 * dir/playlog.csv (oldest first), skipping headers and torn or malformed
 * lines. Missing files are empty. Safe while another thread or process
 * appends and rotates: both files are opened first (retrying if a rotation
 * happened in between) and read only up to their size at that moment.
 * stats may be NULL. Returns 0, fn's nonzero value, or KERR_IO. */
int playlog_read(const char *dir, playlog_line_fn *fn, void *ctx, struct playlog_stats *stats,
                 struct kerr *e);

/* Writes the header and every well-formed line (as playlog_read finds
 * them) to fd. stats may be NULL. Returns 0, KERR_IO, or KERR_NOSPACE when
 * fd's filesystem is full. */
int playlog_copy_fd(const char *dir, int fd, struct playlog_stats *stats, struct kerr *e);

/* Parses one line (no newline) into entry, whose strings then point into
 * buf (cap bytes, at least len + 1). Returns 1 if the line is a well-formed
 * record, 0 if not (a header, torn or malformed). For tests and tools. */
int playlog_parse_line(const char *line, size_t len, char *buf, size_t cap,
                       struct playlog_entry *entry);

#endif
