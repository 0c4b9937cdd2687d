/* tz.c — local time from zoneinfo. The zone's rules are the C library's
 * (it reads the compiled zone file through TZ); this module checks a name
 * read from a configuration file before it gets there, so that a typing
 * error is reported instead of silently meaning UTC. */
#include "core/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int name_ok(const char *name)
{
  size_t n = strlen(name);
  if (n == 0 || n > TZ_NAME_MAX || name[0] == '/' || name[n - 1] == '/')
    return 0;
  for (const char *p = name; *p; p++) {
    char ch = *p;
    int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
        ch == '_' || ch == '+' || ch == '-' || (ch == '/' && p[1] != '/');
    if (!ok)
      return 0;
  }
  /* No part may start with '.', so ".." cannot climb out of the folder. */
  return strstr(name, "/.") == NULL && name[0] != '.';
}

int tz_check(const char *dir, const char *name, char *why, size_t whysz)
{
  if (!dir)
    dir = TZ_ZONEINFO_DIR;
  if (!name_ok(name)) {
    snprintf(why, whysz, "is not a time-zone name like Asia/Almaty");
    return -1;
  }
  char path[512];
  int w = snprintf(path, sizeof path, "%s/%s", dir, name);
  if (w < 0 || (size_t)w >= sizeof path) {
    snprintf(why, whysz, "is too long for a time-zone name");
    return -1;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    snprintf(why, whysz,
             "is not a time zone of %s (%s) — write a name from there, like "
             "Asia/Almaty, or install the package tzdata",
             dir, errno == ENOENT ? "no such zone" : strerror(errno));
    return -1;
  }
  struct stat sb;
  char magic[4] = {0};
  int ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && read(fd, magic, 4) == 4 &&
      memcmp(magic, "TZif", 4) == 0;
  close(fd);
  if (!ok) {
    snprintf(why, whysz,
             "names a file of %s that is not a time zone — write a zone like "
             "Asia/Almaty",
             dir);
    return -1;
  }
  return 0;
}

void tz_use(const char *dir, const char *name)
{
  char tz[600];
  snprintf(tz, sizeof tz, ":%s/%s", dir ? dir : TZ_ZONEINFO_DIR, name);
  setenv("TZ", tz, 1);
  tzset();
}

int tz_offset_at(int64_t t)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm))
    return 0;
  return (int)tm.tm_gmtoff;
}
