/* log.c — timestamped log lines to stderr and an optional append-only file.
 *
 * Logging never fails the caller: a write error is ignored. Every line is
 * passed through esc_line() first, so text from outside (a name on a stick)
 * can never start a line of its own or hide what follows it. The file is
 * kept within a size: when the next line would take it past the limit it
 * is renamed to "<path>.1" (replacing the older one) and a new file is
 * started, while the kiosk runs. Lines from several threads never
 * interleave. */
#include "core/log.h"
#include "core/err.h"
#include "core/esc.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static FILE *log_file;
static char *log_path;
static long long log_bytes; /* in the current file */
static long long log_max = LOG_DEFAULT_MAX_BYTES;
static int log_quiet;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(enum log_level level)
{
  min_level = level;
}
void log_set_quiet(int quiet)
{
  log_quiet = quiet;
}

/* With log_mu held. */
static int open_locked(void)
{
  log_file = fopen(log_path, "ae");
  if (!log_file)
    return errno == ENOENT ? KERR_NOENT : KERR_IO;
  setvbuf(log_file, NULL, _IOLBF, 0);
  struct stat st;
  log_bytes = fstat(fileno(log_file), &st) == 0 ? (long long)st.st_size : 0;
  return 0;
}

static void close_locked(void)
{
  if (log_file)
    fclose(log_file);
  log_file = NULL;
}

/* Renames the file to "<path>.1" and starts a new one, with log_mu held.
 * If the rename fails the file is emptied instead, so the limit holds. */
static void rotate_locked(void)
{
  close_locked();
  size_t n = strlen(log_path) + 3;
  char *old = malloc(n);
  int renamed = 0;
  if (old) {
    snprintf(old, n, "%s.1", log_path);
    renamed = rename(log_path, old) == 0;
    free(old);
  }
  if (!renamed) {
    FILE *f = fopen(log_path, "we");
    if (f)
      fclose(f);
  }
  open_locked();
}

int log_open_file(const char *path)
{
  pthread_mutex_lock(&log_mu);
  close_locked();
  free(log_path);
  log_path = strdup(path);
  int rc = log_path ? open_locked() : KERR_NOMEM;
  if (rc == 0 && log_max > 0 && log_bytes > log_max)
    rotate_locked();
  if (rc) {
    free(log_path);
    log_path = NULL;
  }
  pthread_mutex_unlock(&log_mu);
  return rc;
}

void log_set_max_bytes(long long bytes)
{
  pthread_mutex_lock(&log_mu);
  log_max = bytes;
  pthread_mutex_unlock(&log_mu);
}

void log_close_file(void)
{
  pthread_mutex_lock(&log_mu);
  close_locked();
  free(log_path);
  log_path = NULL;
  pthread_mutex_unlock(&log_mu);
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

static long long (*clock_fn)(void);

void log_set_clock(long long (*now_s)(void))
{
  clock_fn = now_s;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
  if (level < min_level)
    return;
  char stamp[32];
  time_t now = clock_fn ? (time_t)clock_fn() : time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);

  char raw[2048], line[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(raw, sizeof raw, fmt, ap);
  va_end(ap);
  esc_line(raw, line, sizeof line);

  pthread_mutex_lock(&log_mu);
  if (!log_quiet)
    fprintf(stderr, "%s %s %s\n", stamp, level_name(level), line);
  if (log_file) {
    long long len = (long long)(strlen(stamp) + strlen(line) + 8);
    if (log_max > 0 && log_bytes > 0 && log_bytes + len > log_max)
      rotate_locked();
    if (log_file && fprintf(log_file, "%s %s %s\n", stamp, level_name(level), line) > 0)
      log_bytes += len;
  }
  pthread_mutex_unlock(&log_mu);
}
