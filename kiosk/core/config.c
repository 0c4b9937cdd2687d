/* config.c — reads the kiosk's INI configuration with inih.
 *
 * The promise to the technician: whatever is in the file, the kiosk starts.
 * Each key is described once in a table (section, name, type, default as it
 * is written in the file, accepted range); config_defaults() parses those
 * default texts with the same code that parses the file, so the defaults,
 * the messages and tools/kiosk.conf.example cannot drift apart. A bad value
 * leaves the key as it was and becomes a problem that quotes the line and
 * says what is accepted and what is used instead.
 *
 * inih gives no line numbers to its callback, so we feed it through our own
 * line reader (ini_parse_stream), which counts lines and also tidies each
 * one before inih sees it: leading blanks are dropped (an indented key is a
 * key, not a continuation of the one above), section headers are checked
 * and normalised, and lines that are not `key = value` are reported here
 * rather than silently skipped. */
#include "core/config.h"
#include "core/grow.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/manifest.h"
#include "core/page.h"
#include "core/tz.h"
#include "core/utf8.h"

_Static_assert(sizeof(enum config_rotation) == sizeof(int) &&
                   sizeof(enum config_transition) == sizeof(int) &&
                   sizeof(enum config_night_mode) == sizeof(int),
               "enum fields are stored through int pointers");

enum key_type {
  K_ID,      /* site id */
  K_NAME,    /* free text */
  K_COUNTRY, /* two letters or empty */
  K_LANGS,   /* comma list of language tags (writes languages/n_languages) */
  K_TZ,      /* +HH:MM */
  K_ZONE,    /* zoneinfo name, or empty */
  K_ENUM,    /* one of names[] */
  K_INT,     /* whole number in [min, max], optional unit suffix */
  K_HHMM,    /* time of day, or empty for none (-1) */
  K_PATH,    /* absolute path */
  K_PATHS,   /* comma list of absolute paths (writes usb_roots/n_usb_roots) */
};

struct key {
  const char *section, *name;
  enum key_type type;
  size_t off;               /* the field in struct config */
  const char *def;          /* the default, as written in the file */
  const char *empty;        /* what an empty value means, for messages */
  int min, max;             /* K_INT */
  const char *suffix;       /* K_INT: unit that may follow the number */
  const char *unit;         /* K_INT: the unit in words */
  const char *const *names; /* K_ENUM, NULL-terminated */
};

static const char *const rotation_names[] = {"each-language", "one-language", "side-by-side", NULL};
static const char *const transition_names[] = {"crossfade", "slide", "none", NULL};
static const char *const night_names[] = {"off", "dim", NULL};

#define F(field) offsetof(struct config, field)
static const struct key keys[] = {
    {.section = "site", .name = "id", .type = K_ID, .off = F(site_id), .def = "kiosk"},
    {.section = "site",
     .name = "name",
     .type = K_NAME,
     .off = F(site_name),
     .def = "",
     .empty = "no name"},
    {.section = "site",
     .name = "country",
     .type = K_COUNTRY,
     .off = F(country),
     .def = "",
     .empty = "no country (packs for every country are shown)"},
    {.section = "site",
     .name = "languages",
     .type = K_LANGS,
     .def = "",
     .empty = "no list (every language of each pack is shown)"},
    {.section = "site",
     .name = "timezone_offset",
     .type = K_TZ,
     .off = F(tz_offset_s),
     .def = "+00:00"},
    {.section = "site",
     .name = "timezone",
     .type = K_ZONE,
     .off = F(timezone),
     .def = "",
     .empty = "no zone (timezone_offset is used)"},
    {.section = "display",
     .name = "rotation",
     .type = K_ENUM,
     .off = F(rotation),
     .def = "each-language",
     .names = rotation_names},
    {.section = "display",
     .name = "page_duration",
     .type = K_INT,
     .off = F(page_duration_s),
     .def = "15",
     .min = PAGE_DURATION_MIN_S,
     .max = PAGE_DURATION_MAX_S,
     .suffix = "s",
     .unit = "seconds"},
    {.section = "display",
     .name = "min_duration",
     .type = K_INT,
     .off = F(min_duration_s),
     .def = "3",
     .min = 1,
     .max = PAGE_DURATION_MAX_S,
     .suffix = "s",
     .unit = "seconds"},
    {.section = "display",
     .name = "transition",
     .type = K_ENUM,
     .off = F(transition),
     .def = "crossfade",
     .names = transition_names},
    {.section = "display",
     .name = "transition_ms",
     .type = K_INT,
     .off = F(transition_ms),
     .def = "600",
     .min = 0,
     .max = 5000,
     .suffix = "ms",
     .unit = "milliseconds"},
    {.section = "display",
     .name = "idle_return",
     .type = K_INT,
     .off = F(idle_return_s),
     .def = "60",
     .min = 5,
     .max = 3600,
     .suffix = "s",
     .unit = "seconds"},
    {.section = "display",
     .name = "night_start",
     .type = K_HHMM,
     .off = F(night_start_min),
     .def = "22:00",
     .empty = "no night window"},
    {.section = "display",
     .name = "night_end",
     .type = K_HHMM,
     .off = F(night_end_min),
     .def = "06:00",
     .empty = "no night window"},
    {.section = "display",
     .name = "night_mode",
     .type = K_ENUM,
     .off = F(night_mode),
     .def = "off",
     .names = night_names},
    {.section = "display",
     .name = "burn_in_shift",
     .type = K_INT,
     .off = F(burn_in_shift_px),
     .def = "4",
     .min = 0,
     .max = 50,
     .suffix = "px",
     .unit = "pixels"},
    {.section = "paths",
     .name = "store",
     .type = K_PATH,
     .off = F(store),
     .def = "/var/lib/kiosk/store"},
    {.section = "paths",
     .name = "store_check_days",
     .type = K_INT,
     .off = F(store_check_days),
     .def = "7",
     .min = 1,
     .max = 365,
     .suffix = "d",
     .unit = "days"},
    {.section = "paths",
     .name = "trusted_keys",
     .type = K_PATH,
     .off = F(trusted_keys),
     .def = "/etc/kiosk/keys"},
    {.section = "paths",
     .name = "inbox",
     .type = K_PATH,
     .off = F(inbox),
     .def = "/var/lib/kiosk/inbox"},
    {.section = "paths",
     .name = "usb_roots",
     .type = K_PATHS,
     .def = "/media,/run/media,/mnt",
     .empty = "no folders (sticks are not looked for)"},
    {.section = "paths",
     .name = "log_dir",
     .type = K_PATH,
     .off = F(log_dir),
     .def = "/var/log/kiosk"},
    {.section = "paths",
     .name = "play_log_max_kb",
     .type = K_INT,
     .off = F(play_log_max_kb),
     .def = "1024",
     .min = 16,
     .max = 1024 * 1024,
     .suffix = "kb",
     .unit = "kilobytes"},
    {.section = "paths",
     .name = "log_share",
     .type = K_PATH,
     .off = F(log_share),
     .def = "",
     .empty = "no folder (logs go home on sticks only)"},
    {.section = "paths",
     .name = "log_share_minutes",
     .type = K_INT,
     .off = F(log_share_min),
     .def = "60",
     .min = 5,
     .max = 1440,
     .suffix = "min",
     .unit = "minutes"},
};
#undef F
#define N_KEYS (sizeof keys / sizeof keys[0])

static const char *const sections[] = {"site", "display", "paths", "hotlines"};
#define N_SECTIONS (sizeof sections / sizeof sections[0])

/* ---- small text helpers ------------------------------------------------ */

/* Copies src into dst[cap] and zero-fills the rest, so two configs built
 * the same way compare equal byte for byte. */
static void set_str(char *dst, size_t cap, const char *src)
{
  size_t n = strlen(src);
  if (n >= cap)
    n = cap - 1;
  memcpy(dst, src, n);
  memset(dst + n, 0, cap - n);
}

static int is_blank(int ch)
{
  return ch == ' ' || ch == '\t';
}

/* Trims blanks at both ends of s in place and returns the new start. */
static char *trim(char *s)
{
  while (is_blank((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && (is_blank((unsigned char)s[n - 1]) || s[n - 1] == '\r' || s[n - 1] == '\n'))
    s[--n] = '\0';
  return s;
}

/* Case-insensitive ASCII compare that also takes '_' for '-', so
 * "Each_Language" is each-language. */
static int name_eq(const char *a, const char *b)
{
  for (;; a++, b++) {
    int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
    if (ca == '_')
      ca = '-';
    if (cb == '_')
      cb = '-';
    if (ca != cb)
      return 0;
    if (!ca)
      return 1;
  }
}

/* Edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours), case-insensitive, exact when it is at most limit and some
 * number above limit otherwise; names longer than 63 bytes count as far.
 * A cell (i, j) of the table costs at least |i - j|, so only the band
 * |i - j| <= limit is computed and cells outside it count as far; names
 * whose lengths differ by more than limit are far without a table. */
static int distance_within(const char *a, const char *b, int limit)
{
  enum { FAR = 99 };
  size_t la = strnlen(a, 64), lb = strnlen(b, 64);
  if (la > 63 || lb > 63 || limit < 0)
    return FAR;
  size_t w = (size_t)limit;
  if ((la > lb ? la - lb : lb - la) > w)
    return limit + 1;
  unsigned char ca[64] = {0}, cb[64] = {0};
  for (size_t i = 0; i < la; i++)
    ca[i] = (unsigned char)tolower((unsigned char)a[i]);
  for (size_t j = 0; j < lb; j++)
    cb[j] = (unsigned char)tolower((unsigned char)b[j]);
  int d[64][64];
#define CELL(i, j) (((i) > (j) ? (i) - (j) : (j) - (i)) > w ? FAR : d[i][j])
  for (size_t i = 0; i <= la && i <= w; i++)
    d[i][0] = (int)i;
  for (size_t j = 0; j <= lb && j <= w; j++)
    d[0][j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    size_t lo = i > w ? i - w : 1, hi = i + w < lb ? i + w : lb;
    for (size_t j = lo; j <= hi; j++) {
      int cost = ca[i - 1] != cb[j - 1];
      int v = CELL(i - 1, j) + 1;
      if (CELL(i, j - 1) + 1 < v)
        v = CELL(i, j - 1) + 1;
      if (d[i - 1][j - 1] + cost < v)
        v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  }
#undef CELL
  return d[la][lb] > limit ? limit + 1 : d[la][lb];
}

/* Whether a typed name is close enough to a known one to suggest it; *d
 * gets the distance when it is. */
static int close_to(const char *typed, const char *known, int *d)
{
  size_t n = strnlen(typed, 5);
  int limit = n >= 5 ? 2 : n >= 3 ? 1 : 0;
  *d = distance_within(typed, known, limit);
  return *d <= limit;
}

/* ---- values -------------------------------------------------------------- */

static int parse_hhmm(const char *s, int *min)
{
  if (!isdigit((unsigned char)s[0]))
    return -1;
  int h = s[0] - '0';
  size_t i = 1;
  if (isdigit((unsigned char)s[1])) {
    h = h * 10 + (s[1] - '0');
    i = 2;
  }
  if (s[i] != ':' || !isdigit((unsigned char)s[i + 1]) || !isdigit((unsigned char)s[i + 2]) ||
      s[i + 3] != '\0')
    return -1;
  int m = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
  if (h > 23 || m > 59)
    return -1;
  *min = h * 60 + m;
  return 0;
}

/* "+06:00", "-03:30", "+6", "+0530", "UTC+6", "Z", "UTC", "0". */
static int parse_tz(const char *s, int *off_s, int *out_of_range)
{
  *out_of_range = 0;
  if (!strncasecmp(s, "UTC", 3) || !strncasecmp(s, "GMT", 3))
    s += 3;
  if (!strcmp(s, "") || !strcasecmp(s, "Z") || !strcmp(s, "0")) {
    *off_s = 0;
    return 0;
  }
  int sign;
  if (*s == '+')
    sign = 1;
  else if (*s == '-' || !strncmp(s, "\xe2\x88\x92", 3)) /* U+2212 minus */
    sign = -1;
  else
    return -1;
  s += *s == '+' || *s == '-' ? 1 : 3;
  int digits[4], nd = 0, colon_at = -1;
  for (; *s; s++) {
    if (isdigit((unsigned char)*s) && nd < 4)
      digits[nd++] = *s - '0';
    else if (*s == ':' && colon_at < 0 && nd > 0)
      colon_at = nd;
    else
      return -1;
  }
  int h, m = 0;
  if (colon_at >= 0) {
    if (colon_at > 2 || nd - colon_at != 2)
      return -1;
    h = colon_at == 2 ? digits[0] * 10 + digits[1] : digits[0];
    m = digits[colon_at] * 10 + digits[colon_at + 1];
  } else if (nd == 1 || nd == 2) {
    h = nd == 2 ? digits[0] * 10 + digits[1] : digits[0];
  } else if (nd == 4) {
    h = digits[0] * 10 + digits[1];
    m = digits[2] * 10 + digits[3];
  } else {
    return -1;
  }
  if (m > 59)
    return -1;
  int v = sign * (h * 3600 + m * 60);
  if (v < -12 * 3600 || v > 14 * 3600) {
    *out_of_range = 1;
    return -1;
  }
  *off_s = v;
  return 0;
}

static void format_tz(int off_s, char *buf, size_t cap)
{
  int a = off_s < 0 ? -off_s : off_s;
  snprintf(buf, cap, "%c%02d:%02d", off_s < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

/* A language tag with its first subtag lowered ("RU" → "ru", "pt-BR"). */
static int lang_norm(const char *s, char *out, size_t cap)
{
  size_t n = strlen(s);
  if (n == 0 || n >= cap)
    return -1;
  memcpy(out, s, n + 1);
  for (size_t i = 0; i < n && out[i] != '-'; i++)
    out[i] = (char)tolower((unsigned char)out[i]);
  return manifest_lang_ok(out) ? 0 : -1;
}

static int path_ok(const char *p, char *why, size_t whysz)
{
  if (p[0] != '/') {
    snprintf(why, whysz, "is not an absolute path starting with /");
    return -1;
  }
  if (strlen(p) > CONFIG_PATH_MAX) {
    snprintf(why, whysz, "is longer than %d bytes", CONFIG_PATH_MAX);
    return -1;
  }
  if (!utf8_text_ok(p)) {
    snprintf(why, whysz, "is not a path: it has control characters or is not UTF-8");
    return -1;
  }
  return 0;
}

/* Drops trailing slashes ("/media/" → "/media"), keeping "/" itself. */
static void path_tidy(char *p)
{
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/')
    p[--n] = '\0';
}

/* Parses v for key k into c. On success returns 0; a harmless oddity (a
 * language listed twice) is described in note. On a bad value returns -1,
 * leaves c as it was and says in why what is wrong, as a phrase that
 * follows `key = "value"`. */
static int parse_value(const struct key *k, const char *v, struct config *c, char *why,
                       size_t whysz, char *note, size_t notesz)
{
  char *field = (char *)c + k->off;
  switch (k->type) {
  case K_ID: {
    size_t n = strlen(v);
    int ok = n >= 1 && n <= CONFIG_ID_MAX && isalnum((unsigned char)v[0]);
    for (size_t i = 0; ok && i < n; i++)
      ok = isalnum((unsigned char)v[i]) || v[i] == '.' || v[i] == '_' || v[i] == '-';
    if (!ok) {
      snprintf(why, whysz,
               "is not a site id: use %d or fewer letters, digits, '.', '_' or '-', "
               "e.g. kz-khorgos-1",
               CONFIG_ID_MAX);
      return -1;
    }
    set_str(field, sizeof c->site_id, v);
    return 0;
  }
  case K_NAME:
    if (strlen(v) > CONFIG_NAME_MAX) {
      snprintf(why, whysz, "is longer than %d bytes", CONFIG_NAME_MAX);
      return -1;
    }
    if (!utf8_text_ok(v)) {
      snprintf(why, whysz, "has control characters or is not UTF-8 text");
      return -1;
    }
    set_str(field, sizeof c->site_name, v);
    return 0;
  case K_COUNTRY:
    if (v[0] && !(isalpha((unsigned char)v[0]) && isalpha((unsigned char)v[1]) && !v[2])) {
      snprintf(why, whysz,
               "is not a two-letter country code like KZ (or empty for every "
               "country)");
      return -1;
    }
    field[0] = (char)toupper((unsigned char)v[0]);
    field[1] = v[0] ? (char)toupper((unsigned char)v[1]) : '\0';
    field[2] = '\0';
    return 0;
  case K_LANGS: {
    char list[CONFIG_MAX_LANGUAGES][CONFIG_LANG_MAX + 1];
    size_t n = 0;
    char copy[1024];
    set_str(copy, sizeof copy, v);
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
      item = trim(item);
      if (!*item)
        continue;
      char tag[CONFIG_LANG_MAX + 1];
      if (lang_norm(item, tag, sizeof tag) < 0) {
        snprintf(why, whysz, "has \"%.60s\", which is not a language tag like ru, kk or pt-BR",
                 item);
        return -1;
      }
      int dup = 0;
      for (size_t i = 0; i < n; i++)
        dup |= !strcmp(list[i], tag);
      if (dup) {
        snprintf(note, notesz, "lists %s twice — it is shown once, in its first place", tag);
        continue;
      }
      if (n == CONFIG_MAX_LANGUAGES) {
        snprintf(why, whysz, "lists more than %d languages", CONFIG_MAX_LANGUAGES);
        return -1;
      }
      set_str(list[n++], sizeof list[0], tag);
    }
    memset(c->languages, 0, sizeof c->languages);
    memcpy(c->languages, list, n * sizeof list[0]);
    c->n_languages = n;
    return 0;
  }
  case K_TZ: {
    int off, far;
    if (parse_tz(v, &off, &far) < 0) {
      snprintf(why, whysz,
               far ? "is outside -12:00 to +14:00"
                   : "is not an offset from UTC like +06:00 or -03:30 (a zone "
                     "name such as Asia/Almaty goes in timezone =)");
      return -1;
    }
    *(int *)field = off;
    return 0;
  }
  case K_ZONE:
    if (*v && tz_check(NULL, v, why, whysz) < 0)
      return -1;
    set_str(field, CONFIG_TZ_MAX + 1, v);
    return 0;
  case K_ENUM:
    for (int i = 0; k->names[i]; i++) {
      if (name_eq(v, k->names[i])) {
        *(int *)field = i;
        return 0;
      }
    }
    {
      size_t len = (size_t)snprintf(why, whysz, "is not one of");
      for (int i = 0; k->names[i] && len < whysz; i++)
        len += (size_t)snprintf(why + len, whysz - len, "%s %s", i ? "," : "", k->names[i]);
    }
    return -1;
  case K_INT: {
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    int ok = end != v && errno == 0 && isdigit((unsigned char)v[0]);
    if (ok) {
      while (is_blank((unsigned char)*end))
        end++;
      if (*end && !strcasecmp(end, k->suffix))
        end += strlen(end);
      ok = *end == '\0' && x >= k->min && x <= k->max;
    }
    if (!ok) {
      snprintf(why, whysz, "is not a whole number of %s from %d to %d", k->unit, k->min, k->max);
      return -1;
    }
    *(int *)field = (int)x;
    return 0;
  }
  case K_HHMM: {
    int m = -1;
    if (v[0] && parse_hhmm(v, &m) < 0) {
      snprintf(why, whysz, "is not a time of day like 22:00 (or empty for %s)", k->empty);
      return -1;
    }
    *(int *)field = m;
    return 0;
  }
  case K_PATH: {
    char p[CONFIG_PATH_MAX + 2];
    if (!*v && k->empty) {
      set_str(field, CONFIG_PATH_MAX + 1, "");
      return 0;
    }
    if (path_ok(v, why, whysz) < 0)
      return -1;
    set_str(p, sizeof p, v);
    path_tidy(p);
    set_str(field, CONFIG_PATH_MAX + 1, p);
    return 0;
  }
  case K_PATHS: {
    char list[CONFIG_MAX_USB_ROOTS][CONFIG_PATH_MAX + 1];
    size_t n = 0;
    char copy[2048];
    set_str(copy, sizeof copy, v);
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
      item = trim(item);
      if (!*item)
        continue;
      char inner[200];
      if (path_ok(item, inner, sizeof inner) < 0) {
        snprintf(why, whysz, "has \"%.60s\", which %s", item, inner);
        return -1;
      }
      path_tidy(item);
      int dup = 0;
      for (size_t i = 0; i < n; i++)
        dup |= !strcmp(list[i], item);
      if (dup)
        continue;
      if (n == CONFIG_MAX_USB_ROOTS) {
        snprintf(why, whysz, "lists more than %d folders", CONFIG_MAX_USB_ROOTS);
        return -1;
      }
      set_str(list[n++], sizeof list[0], item);
    }
    memset(c->usb_roots, 0, sizeof c->usb_roots);
    memcpy(c->usb_roots, list, n * sizeof list[0]);
    c->n_usb_roots = n;
    return 0;
  }
  }
  return -1;
}

/* The value key k has in c, as it would be written in the file, or what
 * an empty value means. */
static void describe(const struct key *k, const struct config *c, char *buf, size_t cap)
{
  const char *field = (const char *)c + k->off;
  buf[0] = '\0';
  switch (k->type) {
  case K_ID:
  case K_NAME:
  case K_COUNTRY:
  case K_PATH:
  case K_ZONE: snprintf(buf, cap, "%s", field); break;
  case K_LANGS:
    for (size_t i = 0, len = 0; i < c->n_languages && len < cap; i++)
      len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? "," : "", c->languages[i]);
    break;
  case K_PATHS:
    for (size_t i = 0, len = 0; i < c->n_usb_roots && len < cap; i++)
      len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? "," : "", c->usb_roots[i]);
    break;
  case K_TZ: format_tz(*(const int *)field, buf, cap); break;
  case K_ENUM: snprintf(buf, cap, "%s", k->names[*(const int *)field]); break;
  case K_INT: snprintf(buf, cap, "%d", *(const int *)field); break;
  case K_HHMM: {
    int m = *(const int *)field;
    if (m >= 0)
      snprintf(buf, cap, "%02d:%02d", m / 60, m % 60);
    break;
  }
  }
  if (!buf[0] && k->empty)
    snprintf(buf, cap, "%s", k->empty);
}

/* ---- loading ------------------------------------------------------------- */

struct hotline_key {
  char key[16];
  int line;
};

struct ctx {
  const char *name; /* the file, for messages */
  struct config *c;

  /* Where lines come from: a FILE or a string. */
  FILE *f;
  const char *s;
  char *lbuf; /* getline's buffer */
  size_t lcap;
  int line; /* number of the line inih is working on */
  int io_errno;

  int key_line[N_KEYS]; /* line that set each key, 0 if none yet */
  struct hotline_key hot[CONFIG_MAX_HOTLINES];

  struct config_problem *p;
  size_t n, cap;
  int oom;
  size_t more;               /* problems beyond CONFIG_MAX_PROBLEMS */
  int more_first, more_last; /* the lines they are on */
};

static void add_problem(struct ctx *x, enum log_level level, int line, const char *key,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A new, zeroed problem at the end of x's list; NULL (and x->oom) when
 * there is no memory for it. */
static struct config_problem *new_problem(struct ctx *x, enum log_level level, int line)
{
  struct config_problem *np = grow_array(x->p, x->n + 1, &x->cap, sizeof *np, 8);
  if (!np) {
    x->oom = 1;
    return NULL;
  }
  x->p = np;
  struct config_problem *pr = &x->p[x->n++];
  memset(pr, 0, sizeof *pr);
  pr->level = level;
  pr->line = line;
  return pr;
}

static void add_problem(struct ctx *x, enum log_level level, int line, const char *key,
                        const char *fmt, ...)
{
  if (x->n >= CONFIG_MAX_PROBLEMS) {
    /* Counted, not kept: see more_problems(). */
    if (x->more == 0 || line < x->more_first)
      x->more_first = line;
    if (line > x->more_last)
      x->more_last = line;
    x->more++;
    return;
  }
  struct config_problem *pr = new_problem(x, level, line);
  if (!pr)
    return;
  snprintf(pr->key, sizeof pr->key, "%s", key ? key : "");
  int len = line > 0 ? snprintf(pr->msg, sizeof pr->msg, "%s:%d: ", x->name, line)
                     : snprintf(pr->msg, sizeof pr->msg, "%s: ", x->name);
  if (len < 0 || (size_t)len >= sizeof pr->msg)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pr->msg + len, sizeof pr->msg - (size_t)len, fmt, ap);
  va_end(ap);
}

static int section_index(const char *name)
{
  for (size_t i = 0; i < N_SECTIONS; i++)
    if (name_eq(name, sections[i]))
      return (int)i;
  return -1;
}

/* Reports an unknown section header, with a suggestion when one is close. */
static void unknown_section(struct ctx *x, const char *name)
{
  for (size_t i = 0; i < N_SECTIONS; i++) {
    int d;
    if (close_to(name, sections[i], &d)) {
      add_problem(x, LOG_WARN, x->line, "",
                  "unknown section [%s] — did you mean [%s]? The keys under it are ignored", name,
                  sections[i]);
      return;
    }
  }
  add_problem(x, LOG_WARN, x->line, "",
              "unknown section [%s] — the sections are [site], [display], [paths] and "
              "[hotlines]; the keys under it are ignored",
              name);
}

/* Fetches the next raw line without its line break into x->lbuf; NULL at
 * the end or on a read error (x->io_errno). */
static char *next_raw_line(struct ctx *x)
{
  if (x->f) {
    errno = 0;
    ssize_t n = getline(&x->lbuf, &x->lcap, x->f);
    if (n < 0) {
      if (ferror(x->f))
        x->io_errno = errno ? errno : EIO;
      return NULL;
    }
  } else {
    if (!x->s || !*x->s)
      return NULL;
    const char *nl = strchr(x->s, '\n');
    size_t n = nl ? (size_t)(nl - x->s) : strlen(x->s);
    if (n + 1 > x->lcap) {
      char *nb = realloc(x->lbuf, n + 1);
      if (!nb) {
        x->oom = 1;
        return NULL;
      }
      x->lbuf = nb;
      x->lcap = n + 1;
    }
    memcpy(x->lbuf, x->s, n);
    x->lbuf[n] = '\0';
    x->s += nl ? n + 1 : n;
  }
  size_t n = strlen(x->lbuf);
  while (n > 0 && (x->lbuf[n - 1] == '\n' || x->lbuf[n - 1] == '\r'))
    x->lbuf[--n] = '\0';
  return x->lbuf;
}

/* inih's line reader: hands inih one tidied line at a time (see the top of
 * this file). */
static char *read_line(char *out, int num, void *stream)
{
  struct ctx *x = stream;
  char *l = next_raw_line(x);
  if (!l)
    return NULL;
  x->line++;
  if (x->line == 1 && !strncmp(l, "\xef\xbb\xbf", 3))
    l += 3;
  while (is_blank((unsigned char)*l))
    l++;
  size_t room = num > 3 ? (size_t)num - 3 : 0; /* inih wants room for \r\n\0 */
  const char *give = l;
  char section[128];
  if (strlen(l) > room) {
    add_problem(x, LOG_WARN, x->line, "",
                "this line is longer than %zu characters — it is "
                "ignored",
                room);
    give = "";
  } else if (*l == '\0' || *l == '#' || *l == ';') {
    give = "";
  } else if (*l == '[') {
    char *close = strchr(l, ']');
    size_t len = close ? (size_t)(close - l - 1) : strlen(l + 1);
    if (len > 100)
      len = 100;
    memcpy(section, l + 1, len);
    section[len] = '\0';
    char *name = trim(section);
    for (char *p = name; *p; p++)
      *p = (char)tolower((unsigned char)*p);
    if (!close)
      add_problem(x, LOG_WARN, x->line, "",
                  "the section header '%s' has no closing ']' — "
                  "read as [%s]",
                  l, name);
    if (!*name) {
      add_problem(x, LOG_WARN, x->line, "",
                  "the section header '%s' has no name — the keys "
                  "under it are ignored",
                  l);
      name = (char *)"-"; /* a name no section has, unlike "" (before any header) */
    } else if (section_index(name) < 0) {
      unknown_section(x, name);
    }
    /* Rebuild the header so inih sees exactly the name we checked. */
    memmove(section + 1, name, strlen(name) + 1);
    section[0] = '[';
    strcat(section, "]");
    give = section;
  } else if (!strpbrk(l, "=:")) {
    add_problem(x, LOG_WARN, x->line, "",
                "'%.80s' is not a 'key = value' line — it is "
                "ignored",
                l);
    give = "";
  }
  snprintf(out, (size_t)num, "%s\n", give);
  return out;
}

/* The known key section.name, or NULL. */
static const struct key *find_key(const char *section, const char *name)
{
  for (size_t i = 0; i < N_KEYS; i++)
    if (name_eq(section, keys[i].section) && name_eq(name, keys[i].name))
      return &keys[i];
  return NULL;
}

static void unknown_key(struct ctx *x, const char *section, const char *name)
{
  const struct key *best = NULL;
  int best_d = 99;
  for (size_t i = 0; i < N_KEYS; i++) {
    if (strcmp(keys[i].section, section))
      continue;
    int d;
    if (close_to(name, keys[i].name, &d) && d < best_d) {
      best = &keys[i];
      best_d = d;
    }
  }
  if (best) {
    add_problem(x, LOG_WARN, x->line, "", "unknown key '%s' in [%s] — did you mean '%s'?", name,
                section, best->name);
    return;
  }
  for (size_t i = 0; i < N_KEYS; i++) {
    if (name_eq(name, keys[i].name)) {
      add_problem(x, LOG_WARN, x->line, "", "unknown key '%s' in [%s] — '%s' belongs in [%s]", name,
                  section, keys[i].name, keys[i].section);
      return;
    }
  }
  char known[400];
  size_t len = 0;
  known[0] = '\0';
  for (size_t i = 0; i < N_KEYS && len < sizeof known; i++)
    if (!strcmp(keys[i].section, section))
      len +=
          (size_t)snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", keys[i].name);
  add_problem(x, LOG_WARN, x->line, "", "unknown key '%s' in [%s] — the keys there are %s", name,
              section, known);
}

/* Removes one pair of matching quotes around v, as technicians often type
 * name = "Khorgos border post". */
static char *unquote(char *v)
{
  size_t n = strlen(v);
  if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
    v[n - 1] = '\0';
    return trim(v + 1);
  }
  return v;
}

/* A hint for a value that holds a '#' comment, which INI only allows at the
 * start of a line. */
static const char *comment_hint(const char *v)
{
  return strstr(v, " #") || strstr(v, "\t#") ? " (a # starts a comment only at the start of a line)"
                                             : "";
}

/* [hotlines] KZ = 11616 | phone, or KZ.2 = ... for another number. */
static void add_hotline(struct ctx *x, const char *name, char *v)
{
  struct config *c = x->c;
  char key[64];
  snprintf(key, sizeof key, "hotlines.%s", name);
  size_t nl = strlen(name);
  int ok = nl >= 2 && isalpha((unsigned char)name[0]) && isalpha((unsigned char)name[1]) &&
      (nl == 2 || (name[2] == '.' && nl > 3 && nl <= 11));
  for (size_t i = 3; ok && i < nl; i++)
    ok = isalnum((unsigned char)name[i]) != 0;
  if (!ok) {
    add_problem(x, LOG_WARN, x->line, key,
                "'%s' in [hotlines] is not a two-letter country code "
                "— write e.g. KZ = 11616 | phone, or KZ.2 = ... for a second number; this line "
                "is ignored",
                name);
    return;
  }
  char norm[16];
  snprintf(norm, sizeof norm, "%s", name);
  norm[0] = (char)toupper((unsigned char)norm[0]);
  norm[1] = (char)toupper((unsigned char)norm[1]);

  char orig[512];
  snprintf(orig, sizeof orig, "%s", v);
  char *bar = strchr(v, '|');
  char *number = v, *channel = (char *)"";
  if (bar) {
    *bar = '\0';
    channel = trim(bar + 1);
  }
  number = trim(number);
  const char *why = NULL;
  if (!strpbrk(number, "0123456789"))
    why = "has no number";
  else if (bar && strchr(channel, '|'))
    why = "has more than one '|'";
  else if (strlen(number) > CONFIG_HOTLINE_MAX || strlen(channel) > CONFIG_HOTLINE_MAX)
    why = "is too long (at most 31 bytes for the number and for the channel)";
  else if (!utf8_text_ok(number) || !utf8_text_ok(channel))
    why = "has control characters or is not UTF-8 text";
  if (why) {
    add_problem(x, LOG_WARN, x->line, key,
                "hotline %s = \"%s\" %s — write e.g. %s = 11616 | "
                "phone; this line is ignored",
                name, orig, why, norm);
    return;
  }
  for (size_t i = 0; i < c->n_hotlines; i++) {
    if (!strcmp(x->hot[i].key, norm)) {
      add_problem(x, LOG_INFO, x->line, key,
                  "hotline %s is also on line %d — both numbers are "
                  "shown; write %.2s.2 = ... to say so",
                  norm, x->hot[i].line, norm);
      break;
    }
  }
  if (c->n_hotlines == CONFIG_MAX_HOTLINES) {
    add_problem(x, LOG_WARN, x->line, key, "more than %d hotlines — this one is ignored",
                CONFIG_MAX_HOTLINES);
    return;
  }
  size_t i = c->n_hotlines++;
  struct config_hotline *h = &c->hotlines[i];
  memset(h, 0, sizeof *h);
  memcpy(h->country, norm, 2);
  set_str(h->number, sizeof h->number, number);
  set_str(h->channel, sizeof h->channel, channel);
  snprintf(x->hot[i].key, sizeof x->hot[i].key, "%s", norm);
  x->hot[i].line = x->line;
}

/* inih's callback: one `name = value` under section. Always returns 1 so
 * inih goes on; what is wrong is recorded as a problem. */
static int on_value(void *user, const char *section, const char *name, const char *value)
{
  struct ctx *x = user;
  char vbuf[512];
  snprintf(vbuf, sizeof vbuf, "%s", value ? value : "");
  char *v = unquote(trim(vbuf));

  if (!*name) {
    add_problem(x, LOG_WARN, x->line, "", "this line has no key before '=' — it is ignored");
    return 1;
  }
  if (!*section) {
    const struct key *k = NULL;
    for (size_t i = 0; i < N_KEYS && !k; i++)
      if (name_eq(name, keys[i].name))
        k = &keys[i];
    if (k)
      add_problem(x, LOG_WARN, x->line, "",
                  "'%s' is above every [section] header — it belongs "
                  "under [%s]; this line is ignored",
                  name, k->section);
    else
      add_problem(x, LOG_WARN, x->line, "",
                  "'%s' is above every [section] header — this line "
                  "is ignored",
                  name);
    return 1;
  }
  int si = section_index(section);
  if (si < 0)
    return 1; /* reported once, at the header */
  if (!strcmp(sections[si], "hotlines")) {
    add_hotline(x, name, v);
    return 1;
  }
  const struct key *k = find_key(sections[si], name);
  if (!k) {
    unknown_key(x, sections[si], name);
    return 1;
  }
  char key[64];
  snprintf(key, sizeof key, "%s.%s", k->section, k->name);
  size_t ki = (size_t)(k - keys);
  if (x->key_line[ki])
    add_problem(x, LOG_WARN, x->line, key,
                "%s is set twice, on lines %d and %d — line %d "
                "counts",
                k->name, x->key_line[ki], x->line, x->line);
  x->key_line[ki] = x->line;

  char why[300], note[200], now[300];
  note[0] = '\0';
  if (parse_value(k, v, x->c, why, sizeof why, note, sizeof note) < 0) {
    describe(k, x->c, now, sizeof now);
    add_problem(x, LOG_WARN, x->line, key, "%s = \"%s\" %s%s — using %s", k->name, v, why,
                comment_hint(v), now);
  } else if (note[0]) {
    add_problem(x, LOG_INFO, x->line, key, "%s %s", k->name, note);
  }
  return 1;
}

static int key_index(const char *name)
{
  for (size_t i = 0; i < N_KEYS; i++)
    if (!strcmp(keys[i].name, name))
      return (int)i;
  return 0;
}

/* Rules between keys, checked once the whole file is read. */
static void check_night(struct ctx *x)
{
  struct config *c = x->c;
  int ls = x->key_line[key_index("night_start")], le = x->key_line[key_index("night_end")];
  int line = ls > le ? ls : le;
  if ((c->night_start_min < 0) != (c->night_end_min < 0)) {
    add_problem(x, LOG_WARN, line, "display.night_start",
                "only one of night_start and "
                "night_end is set — set both (e.g. 22:00 and 06:00), or leave both empty; there "
                "is no night window");
    c->night_start_min = c->night_end_min = -1;
  } else if (c->night_start_min >= 0 && c->night_start_min == c->night_end_min) {
    add_problem(x, LOG_WARN, line, "display.night_start",
                "night_start and night_end are the "
                "same time — there is no night window");
    c->night_start_min = c->night_end_min = -1;
  }
  if (c->night_mode == CONFIG_NIGHT_DIM && c->night_start_min < 0)
    add_problem(x, LOG_WARN, x->key_line[key_index("night_mode")], "display.night_mode",
                "night_mode = dim but there is no night window — the screen is never dimmed");
}

/* Stable sort by line, so problems read in the order of the file. */
static void sort_problems(struct config_problem *p, size_t n)
{
  for (size_t i = 1; i < n; i++) {
    struct config_problem t = p[i];
    size_t j = i;
    while (j > 0 && p[j - 1].line > t.line) {
      p[j] = p[j - 1];
      j--;
    }
    p[j] = t;
  }
}

/* After the sorted list: one problem for those beyond it, which names the
 * file and the lines they are on. */
static void more_problems(struct ctx *x)
{
  if (x->more == 0)
    return;
  struct config_problem *pr = new_problem(x, LOG_WARN, x->more_first);
  if (!pr)
    return;
  const char *s = x->more == 1 ? "" : "s";
  const char *fix = "not listed one by one — fix the lines listed above, then look at the file "
                    "again";
  if (x->more_first > 0 && x->more_last > x->more_first)
    snprintf(pr->msg, sizeof pr->msg, "%s:%d: %zu more problem%s on lines %d to %d, %s", x->name,
             x->more_first, x->more, s, x->more_first, x->more_last, fix);
  else if (x->more_first > 0)
    snprintf(pr->msg, sizeof pr->msg, "%s:%d: %zu more problem%s on this line, %s", x->name,
             x->more_first, x->more, s, fix);
  else
    snprintf(pr->msg, sizeof pr->msg, "%s: %zu more problem%s, %s", x->name, x->more, s, fix);
}

/* Runs inih over the ctx's source and hands out the problems. */
static int load(struct ctx *x, struct config_problem **problems, size_t *n, struct kerr *e)
{
  int rc = ini_parse_stream(read_line, x, on_value, x);
  free(x->lbuf);
  x->lbuf = NULL;
  if (x->io_errno) {
    free(x->p);
    config_defaults(x->c);
    return kerr_errno(e, KERR_IO, x->io_errno, "%s: could not read the configuration", x->name);
  }
  if (!x->oom)
    check_night(x);
  if (rc == -2 || x->oom) {
    free(x->p);
    config_defaults(x->c);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory while reading the configuration", x->name);
  }
  sort_problems(x->p, x->n);
  more_problems(x);
  if (x->oom) {
    free(x->p);
    config_defaults(x->c);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory while reading the configuration", x->name);
  }
  if (x->n == 0) {
    free(x->p);
    x->p = NULL;
  }
  *problems = x->p;
  *n = x->n;
  return 0;
}

int config_tz_offset(const struct config *c, int64_t t)
{
  return c->timezone[0] ? tz_offset_at(t) : c->tz_offset_s;
}

void config_defaults(struct config *c)
{
  memset(c, 0, sizeof *c);
  char why[300], note[200];
  for (size_t i = 0; i < N_KEYS; i++)
    parse_value(&keys[i], keys[i].def, c, why, sizeof why, note, sizeof note);
}

int config_load_string(const char *text, const char *name, struct config *c,
                       struct config_problem **problems, size_t *n, struct kerr *e)
{
  *problems = NULL;
  *n = 0;
  config_defaults(c);
  struct ctx x = {.name = name ? name : "<config>", .c = c, .s = text};
  int rc = load(&x, problems, n, e);
  if (rc == 0 && c->timezone[0])
    tz_use(NULL, c->timezone);
  return rc;
}

int config_load_file(const char *path, struct config *c, struct config_problem **problems,
                     size_t *n, struct kerr *e)
{
  *problems = NULL;
  *n = 0;
  config_defaults(c);
  int is_default = path == NULL;
  if (is_default)
    path = CONFIG_DEFAULT_PATH;
  struct ctx x = {.name = path, .c = c};

  FILE *f = fopen(path, "re");
  if (!f) {
    int err = errno;
    if (err == ENOENT && is_default) {
      add_problem(&x, LOG_INFO, 0, "",
                  "no configuration file — using the built-in defaults "
                  "(kiosk.conf.example lists every key)");
      if (x.oom)
        return kerr_set(e, KERR_NOMEM, "%s: out of memory", path);
      *problems = x.p;
      *n = x.n;
      return 0;
    }
    if (err == ENOENT)
      return kerr_set(e, KERR_NOENT,
                      "%s: configuration file not found — check the path given "
                      "with --config, or leave --config out to use %s",
                      path, CONFIG_DEFAULT_PATH);
    return kerr_errno(e, KERR_IO, err, "%s: could not open the configuration", path);
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
    fclose(f);
    return kerr_set(e, KERR_IO, "%s: is not a configuration file (it is a folder or a device)",
                    path);
  }
  x.f = f;
  int rc = load(&x, problems, n, e);
  fclose(f);
  if (rc == 0 && c->timezone[0])
    tz_use(NULL, c->timezone);
  return rc;
}

void config_free(struct config *c)
{
  if (c)
    config_defaults(c);
}

const char *config_rotation_name(enum config_rotation r)
{
  return (unsigned)r < 3 ? rotation_names[r] : "?";
}

const char *config_transition_name(enum config_transition t)
{
  return (unsigned)t < 3 ? transition_names[t] : "?";
}

const char *config_night_mode_name(enum config_night_mode m)
{
  return (unsigned)m < 2 ? night_names[m] : "?";
}
