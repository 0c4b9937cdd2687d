/* log.c — timestamped log lines to stderr and an optional append-only file.
 * Logging never fails the caller: a write error is ignored. */
#include "core/log.h"
#include "core/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static FILE *log_file;
static int log_quiet;

void log_set_level(enum log_level level) { min_level = level; }
void log_set_quiet(int quiet) { log_quiet = quiet; }

int log_open_file(const char *path)
{
  log_close_file();
  log_file = fopen(path, "ae");
  if (!log_file)
    return errno == ENOENT ? KERR_NOENT : KERR_IO;
  setvbuf(log_file, NULL, _IOLBF, 0);
  return 0;
}

void log_close_file(void)
{
  if (log_file)
    fclose(log_file);
  log_file = NULL;
}

static const char *level_name(enum log_level level)
{
  switch (level) {
  case LOG_DEBUG: return "debug";
  case LOG_INFO: return "info ";
  case LOG_WARN: return "warn ";
  default: return "error";
  }
}

void log_msg(enum log_level level, const char *fmt, ...)
{
  if (level < min_level)
    return;
  char stamp[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);

  char line[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);

  if (!log_quiet)
    fprintf(stderr, "%s %s %s\n", stamp, level_name(level), line);
  if (log_file)
    fprintf(log_file, "%s %s %s\n", stamp, level_name(level), line);
}
