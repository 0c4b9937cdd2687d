/* log.h — the kiosk's log: one line per event, to stderr and optionally to a
 * file. Lines look like "2026-11-28 02:10:11 warn  page: ...". Control
 * characters and bytes that are not UTF-8 in a message are escaped (see
 * esc.h), so one call is always exactly one line. Thread-safe. */
#ifndef KIOSK_CORE_LOG_H
#define KIOSK_CORE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Messages below level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);

#define LOG_DEFAULT_MAX_BYTES (1024LL * 1024)

/* Also append to path (append mode). Returns 0 or a KERR code; on failure
 * logging continues to stderr only. The file is kept within the size set
 * by log_set_max_bytes(): when a line would take it past that, it becomes
 * "<path>.1" (replacing the older one) and a new file starts — at open
 * and while running, so the log takes at most twice the limit on disk. */
int log_open_file(const char *path);

/* The size limit of the log file (default LOG_DEFAULT_MAX_BYTES); 0 or
 * less: no limit. */
void log_set_max_bytes(long long bytes);
void log_close_file(void);

/* Where the time stamps come from: now_s returns seconds since 1970 (UTC).
 * NULL (the default) is time(NULL). The kiosk sets its own wall clock, so
 * that with --time the log, the play log and the status agree. */
void log_set_clock(long long (*now_s)(void));

/* When quiet, nothing goes to stderr (the file still gets every line). */
void log_set_quiet(int quiet);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
