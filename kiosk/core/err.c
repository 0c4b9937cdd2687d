/* err.c — names and sentences for the KERR_* table, and the small helpers
 * that put context into a struct kerr. Never fails, never exits. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int kerr_set(struct kerr *e, int code, const char *fmt, ...)
{
  if (e) {
    va_list ap;
    va_start(ap, fmt);
    e->code = code;
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

int kerr_errno(struct kerr *e, int code, int errnum, const char *fmt, ...)
{
  if (e) {
    va_list ap;
    va_start(ap, fmt);
    e->code = code;
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof e->msg)
      snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s", strerror(errnum));
  }
  return code;
}

void kerr_prefix(struct kerr *e, const char *fmt, ...)
{
  if (!e)
    return;
  char prefix[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(prefix, sizeof prefix - 2, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  size_t plen = strlen(prefix);
  memcpy(prefix + plen, ": ", 3);
  plen += 2;
  size_t cap = sizeof e->msg - 1; /* characters that fit */
  size_t mlen = strnlen(e->msg, cap);
  if (plen + mlen > cap)
    mlen = cap - plen;
  memmove(e->msg + plen, e->msg, mlen);
  memcpy(e->msg, prefix, plen);
  e->msg[plen + mlen] = '\0';
}

void kerr_clear(struct kerr *e)
{
  if (e) {
    e->code = 0;
    e->msg[0] = '\0';
  }
}

const char *kerr_name(int code)
{
  switch (code) {
  case KERR_OK: return "OK";
#define KERR_NAME(name, num, text)                                                                 \
  case num: return #name;
    KERR_MAP(KERR_NAME)
#undef KERR_NAME
  default: return "UNKNOWN";
  }
}

const char *kerr_str(int code)
{
  switch (code) {
  case KERR_OK: return "no error";
#define KERR_TEXT(name, num, text)                                                                 \
  case num: return text;
    KERR_MAP(KERR_TEXT)
#undef KERR_TEXT
  default: return "unknown error";
  }
}
