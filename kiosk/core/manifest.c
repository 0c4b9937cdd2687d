/* manifest.c — parse and validate pack.json.
 *
 * The manifest is the root of trust for everything in a pack: once its
 * signature checks out, every member is judged against what it lists. So
 * this module is strict: every field is checked for type, range and form,
 * member paths are checked for anything that could escape the staging folder
 * or collide on a case-insensitive filesystem, and limits (files, pages,
 * bytes) are enforced before anything is allocated per entry. Messages name
 * the field and say what was expected, quoting what was found; the caller
 * adds which pack it was and what to do.
 *
 * cJSON does the JSON syntax. Before handing it the bytes we insist on UTF-8
 * and refuse NUL bytes and \u0000 escapes, because cJSON would silently cut a
 * string at an embedded NUL. */
#include "core/manifest.h"
#include "core/clock.h"
#include "core/decimal.h"
#include "core/jfield.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHERE "pack.json"

/* The public struct plus the private index used by manifest_find_file(). */
struct manifest_box {
  struct manifest m;
  const struct manifest_file **sorted; /* files sorted by path (strcmp) */
};

/* ---------------------------------------------------------------- UTF-8 */

/* Simple lowercase mapping for the scripts a border kiosk is likely to meet
 * in file names: ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic and
 * Armenian. It only has to map both spellings of a name to one key, so
 * folding a little too much merely refuses a few more odd packs. */
static uint32_t fold_cp(uint32_t c)
{
  if (c >= 'A' && c <= 'Z')
    return c + 32;
  if (c < 0x80)
    return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
    return c + 0x20;
  if (c == 0x178)
    return 0xFF;
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
    return c | 1;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
    return (c & 1) ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
    return c + 0x20;
  if (c >= 0x400 && c <= 0x40F)
    return c + 0x50;
  if (c >= 0x410 && c <= 0x42F)
    return c + 0x20;
  if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
    return c | 1;
  if (c >= 0x4C1 && c <= 0x4CE)
    return (c & 1) ? c + 1 : c;
  if (c >= 0x531 && c <= 0x556)
    return c + 0x30;
  return c;
}

/* Case-folded copy of a valid UTF-8 string; free with free(). */
static char *fold_dup(const char *s)
{
  size_t n = strlen(s);
  char *out = malloc(n * 2 + 1); /* every mapping keeps or shrinks length */
  if (!out)
    return NULL;
  size_t i = 0, o = 0;
  while (i < n) {
    uint32_t cp;
    size_t k = utf8_decode(s + i, n - i, &cp);
    if (k == 0) { /* cannot happen for a validated string; copy verbatim */
      out[o++] = s[i++];
      continue;
    }
    o += utf8_encode(fold_cp(cp), out + o);
    i += k;
  }
  out[o] = '\0';
  return out;
}

/* Copies s for a message: at most about 60 bytes, control characters shown
 * as '?', cut on a character boundary with "..." when longer. */
static void quote_for_msg(const char *s, char *out, size_t cap)
{
  size_t o = 0, i = 0, n = strlen(s);
  while (i < n && o + 8 < cap && o < 60) {
    uint32_t cp;
    size_t k = utf8_decode(s + i, n - i, &cp);
    if (k == 0 || cp < 0x20 || cp == 0x7F) {
      out[o++] = '?';
      i += k ? k : 1;
      continue;
    }
    memcpy(out + o, s + i, k);
    o += k;
    i += k;
  }
  if (i < n && o + 4 <= cap) {
    memcpy(out + o, "...", 3);
    o += 3;
  }
  out[o] = '\0';
}

/* ---------------------------------------------------------- small checks */

int manifest_id_ok(const char *id)
{
  size_t n = strlen(id);
  if (n < 1 || n > MANIFEST_ID_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
    if (!ok)
      return 0;
  }
  return 1;
}

static int is_lower(char c)
{
  return c >= 'a' && c <= 'z';
}
static int is_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int manifest_lang_ok(const char *lang)
{
  size_t n = strlen(lang);
  if (n > 35)
    return 0;
  size_t i = 0;
  while (i < n && is_lower(lang[i]))
    i++;
  if (i < 2 || i > 3)
    return 0;
  while (i < n) {
    if (lang[i] != '-')
      return 0;
    size_t start = ++i;
    while (i < n && is_alnum(lang[i]))
      i++;
    if (i - start < 2 || i - start > 8)
      return 0;
  }
  return 1;
}

int manifest_page_name_ok(const char *name)
{
  size_t n = strlen(name);
  if (n < 1 || n > 100)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || ((c == '-' || c == '_') && i > 0);
    if (!ok)
      return 0;
  }
  return 1;
}

int manifest_path_ok(const char *path, struct kerr *e)
{
  char q[80];
  quote_for_msg(path, q, sizeof q);
  size_t n = strlen(path);
  if (n == 0)
    return kerr_set(e, KERR_PATH, "file name is empty");
  if (n > MANIFEST_PATH_MAX)
    return kerr_set(e, KERR_PATH, "file name \"%s\" is too long (%zu bytes; at most %d)", q, n,
                    MANIFEST_PATH_MAX);
  if (!utf8_valid(path, n))
    return kerr_set(e, KERR_PATH, "file name \"%s\" is not valid UTF-8", q);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)path[i];
    if (c < 0x20 || c == 0x7F)
      return kerr_set(e, KERR_PATH, "file name \"%s\" contains a control character", q);
    if (c == '\\')
      return kerr_set(e, KERR_PATH,
                      "file name \"%s\" contains a backslash; use \"/\" "
                      "between folders",
                      q);
  }
  /* C1 control characters (U+0080..U+009F) are control characters too. */
  for (size_t i = 0; i + 1 < n; i++)
    if ((unsigned char)path[i] == 0xC2 && (unsigned char)path[i + 1] >= 0x80 &&
        (unsigned char)path[i + 1] <= 0x9F)
      return kerr_set(e, KERR_PATH, "file name \"%s\" contains a control character", q);
  if (path[0] == '/')
    return kerr_set(e, KERR_PATH,
                    "file name \"%s\" is absolute (starts with \"/\"); it "
                    "must be relative, under pages/, media/ or fonts/",
                    q);
  /* Walk the components. */
  size_t ncomp = 0;
  const char *p = path;
  for (;;) {
    const char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    if (len == 0)
      return kerr_set(e, KERR_PATH,
                      "file name \"%s\" has an empty folder name (\"//\" or "
                      "a trailing \"/\")",
                      q);
    if (len == 1 && p[0] == '.')
      return kerr_set(e, KERR_PATH, "file name \"%s\" contains a \".\" component", q);
    if (len == 2 && p[0] == '.' && p[1] == '.')
      return kerr_set(e, KERR_PATH,
                      "file name \"%s\" contains \"..\" (points outside the "
                      "pack)",
                      q);
    if (len > MANIFEST_COMPONENT_MAX)
      return kerr_set(e, KERR_PATH, "file name \"%s\" has a part longer than %d bytes", q,
                      MANIFEST_COMPONENT_MAX);
    if (ncomp == 0 &&
        !((len == 5 && memcmp(p, "pages", 5) == 0) || (len == 5 && memcmp(p, "media", 5) == 0) ||
          (len == 5 && memcmp(p, "fonts", 5) == 0)))
      return kerr_set(e, KERR_PATH,
                      "file name \"%s\" is not under pages/, media/ or "
                      "fonts/",
                      q);
    ncomp++;
    if (!slash)
      break;
    p = slash + 1;
  }
  if (ncomp < 2)
    return kerr_set(e, KERR_PATH, "file name \"%s\" names a folder, not a file inside it", q);
  return 0;
}

/* ----------------------------------------------------------------- time */

/* n (2 or 4) digits at s. */
static int digits(const char *s, size_t n, int *out)
{
  uint64_t v;
  if (decimal_u64(s, n, &v) != 0)
    return -1;
  *out = (int)v;
  return 0;
}

int manifest_parse_time(const char *s, int64_t *out)
{
  int Y, M, D, h, mi, sec;
  size_t n = strlen(s);
  if (n < 20)
    return KERR_PARSE;
  if (digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
      digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
      s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &sec))
    return KERR_PARSE;
  static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || mi > 59 || sec > 60)
    return KERR_PARSE;
  int leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
  if (M == 2 && D == 29 && !leap)
    return KERR_PARSE;
  const char *p = s + 19;
  if (*p == '.') {
    p++;
    if (*p < '0' || *p > '9')
      return KERR_PARSE;
    while (*p >= '0' && *p <= '9')
      p++;
  }
  int offset = 0;
  if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
    offset = 0;
  } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
    int oh, om;
    if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 23 || om > 59)
      return KERR_PARSE;
    offset = (oh * 60 + om) * 60;
    if (*p == '-')
      offset = -offset;
  } else {
    return KERR_PARSE;
  }
  if (sec == 60) /* a leap second: count it as the last second of the minute */
    sec = 59;
  int64_t t = clock_days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + mi * 60 + sec;
  *out = t - offset;
  return 0;
}

/* --------------------------------------------------------- JSON helpers */

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Refuses an object with the same key twice. ctx names the object. */
static int check_dup_keys(const cJSON *obj, const char *ctx, struct kerr *e)
{
  size_t n = 0;
  for (const cJSON *c = obj->child; c; c = c->next)
    n++;
  if (n < 2)
    return 0;
  const char **keys = malloc(n * sizeof *keys);
  if (!keys)
    return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  size_t i = 0;
  for (const cJSON *c = obj->child; c; c = c->next)
    keys[i++] = c->string ? c->string : "";
  qsort(keys, n, sizeof *keys, cmp_str);
  int rc = 0;
  for (i = 1; i < n; i++) {
    if (strcmp(keys[i - 1], keys[i]) == 0) {
      char q[80];
      quote_for_msg(keys[i], q, sizeof q);
      rc = kerr_set(e, KERR_MANIFEST,
                    WHERE ": %s has the key \"%s\" twice; "
                          "each key may appear only once",
                    ctx, q);
      break;
    }
  }
  free(keys);
  return rc;
}

static int bad_field(struct kerr *e, const char *field, const char *expect, const cJSON *found)
{
  return jfield_bad(e, WHERE, field, expect, found);
}

static int get_time(const cJSON *root, const char *key, int required, int *has, int64_t *out,
                    struct kerr *e)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
  if (has)
    *has = 0;
  if (!v && !required)
    return 0;
  if (!cJSON_IsString(v) || manifest_parse_time(v->valuestring, out) != 0)
    return bad_field(e, key,
                     "a date and time like \"2020-07-10T00:00:00Z\" "
                     "(RFC 3339, UTC \"Z\" or an offset like +05:00)",
                     v);
  if (has)
    *has = 1;
  return 0;
}

static char *xstrdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Refuses NUL bytes, invalid UTF-8 and \u0000 escapes in the raw bytes. */
static int check_raw(const char *json, size_t len, struct kerr *e)
{
  if (memchr(json, '\0', len))
    return kerr_set(e, KERR_PARSE,
                    WHERE ": contains a NUL byte; it must be "
                          "UTF-8 JSON text");
  if (!utf8_valid(json, len))
    return kerr_set(e, KERR_PARSE,
                    WHERE ": is not valid UTF-8 text; save it "
                          "as UTF-8");
  int in_str = 0;
  for (size_t i = 0; i < len; i++) {
    char c = json[i];
    if (!in_str) {
      if (c == '"')
        in_str = 1;
      continue;
    }
    if (c == '"') {
      in_str = 0;
    } else if (c == '\\' && i + 1 < len) {
      if (json[i + 1] == 'u' && i + 5 < len && json[i + 2] == '0' && json[i + 3] == '0' &&
          json[i + 4] == '0' && json[i + 5] == '0')
        return kerr_set(e, KERR_PARSE,
                        WHERE ": contains the escape "
                              "\\u0000 (a NUL character), which is not allowed");
      i++; /* skip the escaped character */
    }
  }
  return 0;
}

/* -------------------------------------------------------------- fields */

static int parse_title(struct manifest *m, const cJSON *root, struct kerr *e)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "title");
  const char *expect = "a text, or an object of language to text like "
                       "{\"en\": \"Bulletin\"}";
  if (cJSON_IsString(v)) {
    if (v->valuestring[0] == '\0' || strlen(v->valuestring) > 512 || !utf8_text_ok(v->valuestring))
      return bad_field(e, "title",
                       "a non-empty text of at most 512 bytes "
                       "without control characters",
                       v);
    m->titles = calloc(1, sizeof *m->titles);
    if (!m->titles)
      return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
    m->n_titles = 1;
    m->titles[0].lang = xstrdup("");
    m->titles[0].text = xstrdup(v->valuestring);
    if (!m->titles[0].lang || !m->titles[0].text)
      return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
    return 0;
  }
  if (!cJSON_IsObject(v) || !v->child)
    return bad_field(e, "title", expect, v);
  int rc = check_dup_keys(v, "\"title\"", e);
  if (rc)
    return rc;
  size_t n = (size_t)cJSON_GetArraySize(v);
  if (n > 200)
    return bad_field(e, "title", "at most 200 translations", v);
  m->titles = calloc(n, sizeof *m->titles);
  if (!m->titles)
    return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  for (const cJSON *c = v->child; c; c = c->next) {
    char q[80];
    quote_for_msg(c->string, q, sizeof q);
    if (!manifest_lang_ok(c->string))
      return kerr_set(e, KERR_MANIFEST,
                      WHERE ": \"title\" has the key "
                            "\"%s\", which is not a language tag like \"en\" or "
                            "\"pt-BR\"",
                      q);
    if (!cJSON_IsString(c) || c->valuestring[0] == '\0' || strlen(c->valuestring) > 512 ||
        !utf8_text_ok(c->valuestring)) {
      char f[JFIELD_FOUND_MAX];
      jfield_describe(c, f, sizeof f);
      return kerr_set(e, KERR_MANIFEST,
                      WHERE ": \"title\".\"%s\" must be a "
                            "non-empty text of at most 512 bytes without control "
                            "characters (found %s)",
                      q, f);
    }
    struct manifest_title *t = &m->titles[m->n_titles++];
    t->lang = xstrdup(c->string);
    t->text = xstrdup(c->valuestring);
    if (!t->lang || !t->text)
      return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  }
  return 0;
}

static int parse_countries(struct manifest *m, const cJSON *root, struct kerr *e)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "countries");
  const char *expect = "a list of two-letter country codes in capitals, "
                       "like [\"KZ\", \"KG\"]";
  if (!v)
    return 0;
  if (!cJSON_IsArray(v) || !v->child)
    return bad_field(e, "countries", expect, v);
  size_t n = (size_t)cJSON_GetArraySize(v);
  if (n > 300)
    return bad_field(e, "countries", "a list of at most 300 country codes", v);
  m->countries = calloc(n, sizeof *m->countries);
  if (!m->countries)
    return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  for (const cJSON *c = v->child; c; c = c->next) {
    const char *s = cJSON_IsString(c) ? c->valuestring : NULL;
    if (!s || strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
      char f[JFIELD_FOUND_MAX];
      jfield_describe(c, f, sizeof f);
      return kerr_set(e, KERR_MANIFEST,
                      WHERE ": \"countries\" must list "
                            "two-letter country codes in capitals like \"KZ\" "
                            "(found %s)",
                      f);
    }
    for (size_t i = 0; i < m->n_countries; i++)
      if (memcmp(m->countries[i], s, 2) == 0)
        return kerr_set(e, KERR_MANIFEST,
                        WHERE ": \"countries\" lists "
                              "\"%s\" twice",
                        s);
    memcpy(m->countries[m->n_countries++], s, 3);
  }
  return 0;
}

/* Reads a non-empty list of unique strings each accepted by ok(). */
static int parse_names(const cJSON *root, const char *key, size_t max, int (*ok)(const char *),
                       const char *expect, char ***out, size_t *nout, struct kerr *e)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
  if (!cJSON_IsArray(v) || !v->child)
    return bad_field(e, key, expect, v);
  size_t n = (size_t)cJSON_GetArraySize(v);
  if (n > max)
    return kerr_set(e, KERR_LIMIT,
                    WHERE ": \"%s\" lists %zu entries; at "
                          "most %zu are allowed",
                    key, n, max);
  *out = calloc(n, sizeof **out);
  if (!*out)
    return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  for (const cJSON *c = v->child; c; c = c->next) {
    if (!cJSON_IsString(c) || !ok(c->valuestring)) {
      char f[JFIELD_FOUND_MAX];
      jfield_describe(c, f, sizeof f);
      return kerr_set(e, KERR_MANIFEST,
                      WHERE ": \"%s\" must list %s "
                            "(found %s)",
                      key, expect, f);
    }
    char *s = xstrdup(c->valuestring);
    if (!s)
      return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
    (*out)[(*nout)++] = s;
  }
  /* Duplicates: sort a copy of the pointers. */
  char **tmp = malloc(n * sizeof *tmp);
  if (!tmp)
    return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  memcpy(tmp, *out, n * sizeof *tmp);
  qsort(tmp, n, sizeof *tmp, cmp_str);
  int rc = 0;
  for (size_t i = 1; i < n; i++)
    if (strcmp(tmp[i - 1], tmp[i]) == 0) {
      rc = kerr_set(e, KERR_MANIFEST, WHERE ": \"%s\" lists \"%s\" twice", key, tmp[i]);
      break;
    }
  free(tmp);
  return rc;
}

static int parse_accent(struct manifest *m, const cJSON *root, struct kerr *e)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "accent");
  if (!v)
    return 0;
  const char *expect = "a colour like \"#0a6ebd\" or \"#06b\"";
  if (!cJSON_IsString(v))
    return bad_field(e, "accent", expect, v);
  const char *s = v->valuestring;
  size_t n = strlen(s);
  if (s[0] != '#' || (n != 7 && n != 4))
    return bad_field(e, "accent", expect, v);
  uint32_t rgb = 0;
  for (size_t i = 1; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'F')
      c = (char)(c - 'A' + 'a');
    int h = hexval(c);
    if (h < 0)
      return bad_field(e, "accent", expect, v);
    rgb = (rgb << (n == 4 ? 8 : 4)) | (uint32_t)(n == 4 ? h * 17 : h);
  }
  m->has_accent = 1;
  m->accent = rgb;
  return 0;
}

static int file_field_err(struct kerr *e, size_t idx, const char *path, const char *field,
                          const char *expect, const cJSON *found)
{
  char f[JFIELD_FOUND_MAX], q[80];
  jfield_describe(found, f, sizeof f);
  if (path) {
    quote_for_msg(path, q, sizeof q);
    return kerr_set(e, KERR_MANIFEST,
                    WHERE ": \"files\" entry \"%s\": "
                          "\"%s\" must be %s (found %s)",
                    q, field, expect, f);
  }
  return kerr_set(e, KERR_MANIFEST,
                  WHERE ": \"files\" entry %zu: \"%s\" "
                        "must be %s (found %s)",
                  idx + 1, field, expect, f);
}

static int cmp_file_path(const void *a, const void *b)
{
  const struct manifest_file *x = *(const struct manifest_file *const *)a;
  const struct manifest_file *y = *(const struct manifest_file *const *)b;
  return strcmp(x->path, y->path);
}

/* Exact and case-only duplicates; also builds the sorted index. */
static int check_file_dups(struct manifest_box *b, struct kerr *e)
{
  struct manifest *m = &b->m;
  size_t n = m->n_files;
  if (n == 0)
    return 0;
  b->sorted = malloc(n * sizeof *b->sorted);
  if (!b->sorted)
    return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  for (size_t i = 0; i < n; i++)
    b->sorted[i] = &m->files[i];
  qsort(b->sorted, n, sizeof *b->sorted, cmp_file_path);
  for (size_t i = 1; i < n; i++)
    if (strcmp(b->sorted[i - 1]->path, b->sorted[i]->path) == 0) {
      char q[80];
      quote_for_msg(b->sorted[i]->path, q, sizeof q);
      return kerr_set(e, KERR_PATH, WHERE ": \"files\" lists \"%s\" twice", q);
    }
  /* by_idx[i] is the folded path of files[i]; folded is the same strings
   * sorted, for duplicates and for lookups. */
  char **by_idx = calloc(n, sizeof *by_idx);
  char **folded = calloc(n, sizeof *folded);
  int rc = 0;
  if (!by_idx || !folded)
    rc = kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  for (size_t i = 0; i < n && rc == 0; i++) {
    by_idx[i] = fold_dup(m->files[i].path);
    if (!by_idx[i])
      rc = kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
    folded[i] = by_idx[i];
  }
  if (rc == 0) {
    qsort(folded, n, sizeof *folded, cmp_str);
    for (size_t i = 1; i < n && rc == 0; i++)
      if (strcmp(folded[i - 1], folded[i]) == 0) {
        /* Name the two originals, not the folded key. */
        const char *a = NULL, *bb = NULL;
        for (size_t j = 0; j < n; j++)
          if (strcmp(by_idx[j], folded[i]) == 0) {
            if (!a)
              a = m->files[j].path;
            else if (!bb)
              bb = m->files[j].path;
          }
        char qa[80], qb[80];
        quote_for_msg(a ? a : folded[i], qa, sizeof qa);
        quote_for_msg(bb ? bb : folded[i], qb, sizeof qb);
        rc = kerr_set(e, KERR_PATH,
                      WHERE ": \"files\" lists \"%s\" and "
                            "\"%s\", which differ only in upper/lower case; "
                            "rename one of them",
                      qa, qb);
      }
  }
  /* A listed file cannot also be a folder of another listed file
   * ("media/a" and "media/a/x.png"), in any case. */
  for (size_t i = 0; i < n && rc == 0; i++) {
    const char *p = by_idx[i];
    for (const char *slash = strchr(p, '/'); slash && rc == 0; slash = strchr(slash + 1, '/')) {
      char prefix[2 * MANIFEST_PATH_MAX + 1];
      size_t len = (size_t)(slash - p);
      if (len >= sizeof prefix)
        break;
      memcpy(prefix, p, len);
      prefix[len] = '\0';
      const char *key = prefix;
      char **hit = bsearch(&key, folded, n, sizeof *folded, cmp_str);
      if (!hit)
        continue;
      const char *file = *hit;
      for (size_t j = 0; j < n; j++)
        if (by_idx[j] == *hit)
          file = m->files[j].path;
      char qa[80], qb[80];
      quote_for_msg(file, qa, sizeof qa);
      quote_for_msg(m->files[i].path, qb, sizeof qb);
      rc = kerr_set(e, KERR_PATH,
                    WHERE ": \"files\" lists \"%s\" as a "
                          "file, but \"%s\" needs it to be a folder",
                    qa, qb);
    }
  }
  for (size_t i = 0; by_idx && i < n; i++)
    free(by_idx[i]);
  free(by_idx);
  free(folded);
  return rc;
}

static int parse_files(struct manifest_box *b, const cJSON *root, int flags, struct kerr *e)
{
  struct manifest *m = &b->m;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "files");
  if (!v && (flags & MANIFEST_SOURCE))
    return 0;
  if (!cJSON_IsArray(v))
    return bad_field(e, "files",
                     "a list of {\"path\", \"size\", "
                     "\"blake2b\"} entries, one per file in the pack",
                     v);
  size_t n = (size_t)cJSON_GetArraySize(v);
  if (n > MANIFEST_MAX_FILES)
    return kerr_set(e, KERR_LIMIT,
                    WHERE ": \"files\" lists %zu files; at "
                          "most %d are allowed",
                    n, MANIFEST_MAX_FILES);
  if (n == 0)
    return 0;
  m->files = calloc(n, sizeof *m->files);
  if (!m->files)
    return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  size_t idx = 0;
  for (const cJSON *c = v->child; c; c = c->next, idx++) {
    if (!cJSON_IsObject(c)) {
      char f[JFIELD_FOUND_MAX];
      jfield_describe(c, f, sizeof f);
      return kerr_set(e, KERR_MANIFEST,
                      WHERE ": \"files\" entry %zu must "
                            "be an object with \"path\", \"size\" and \"blake2b\" "
                            "(found %s)",
                      idx + 1, f);
    }
    char ctx[64];
    snprintf(ctx, sizeof ctx, "\"files\" entry %zu", idx + 1);
    int rc = check_dup_keys(c, ctx, e);
    if (rc)
      return rc;
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(c, "path");
    if (!cJSON_IsString(p))
      return file_field_err(e, idx, NULL, "path",
                            "a file name like "
                            "\"pages/01-news.en.md\"",
                            p);
    rc = manifest_path_ok(p->valuestring, e);
    if (rc) {
      kerr_prefix(e, WHERE ": \"files\" entry %zu", idx + 1);
      return rc;
    }
    struct manifest_file *f = &m->files[m->n_files];
    f->path = xstrdup(p->valuestring);
    if (!f->path)
      return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
    m->n_files++;
    const cJSON *sz = cJSON_GetObjectItemCaseSensitive(c, "size");
    if (jfield_uint(sz, 0, MANIFEST_MAX_TOTAL_BYTES, &f->size) != 0)
      return file_field_err(e, idx, f->path, "size", "a whole number of bytes, 0 or more", sz);
    m->total_bytes += f->size;
    if (m->total_bytes > MANIFEST_MAX_TOTAL_BYTES)
      return kerr_set(e, KERR_LIMIT,
                      WHERE ": \"files\" add up to more than "
                            "4 GiB; make the pack smaller or split it");
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(c, "blake2b");
    const char *hs = cJSON_IsString(h) ? h->valuestring : NULL;
    int hok = hs && strlen(hs) == 2 * MANIFEST_HASH_BYTES;
    for (size_t i = 0; hok && i < MANIFEST_HASH_BYTES; i++) {
      int hi = hexval(hs[2 * i]), lo = hexval(hs[2 * i + 1]);
      if (hi < 0 || lo < 0)
        hok = 0;
      else
        f->blake2b[i] = (unsigned char)(hi << 4 | lo);
    }
    if (!hok)
      return file_field_err(e, idx, f->path, "blake2b",
                            "64 lowercase hex digits (a BLAKE2b-256 hash)", h);
  }
  return check_file_dups(b, e);
}

/* In a built pack, every page must exist in every language. */
static int check_page_files(struct manifest *m, struct kerr *e)
{
  for (size_t p = 0; p < m->n_pages; p++)
    for (size_t l = 0; l < m->n_languages; l++) {
      char path[MANIFEST_PATH_MAX + 64];
      snprintf(path, sizeof path, "pages/%s.%s.md", m->pages[p], m->languages[l]);
      if (!manifest_find_file(m, path))
        return kerr_set(e, KERR_MANIFEST,
                        WHERE ": page \"%s\" in language "
                              "\"%s\" needs the file \"%s\", but \"files\" does "
                              "not list it",
                        m->pages[p], m->languages[l], path);
    }
  return 0;
}

/* Case-only duplicate page names would collide as files; names are already
 * lowercase-only, so exact duplicates (checked in parse_names) cover it. */

static int parse_root(struct manifest_box *b, const cJSON *root, int flags, struct kerr *e)
{
  struct manifest *m = &b->m;
  int rc;
  if (!cJSON_IsObject(root))
    return kerr_set(e, KERR_MANIFEST,
                    WHERE ": must be a JSON object "
                          "{...} at the top");
  if ((rc = check_dup_keys(root, "the top level", e)))
    return rc;

  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "format");
  if (v || !(flags & MANIFEST_SOURCE)) {
    uint64_t f;
    if (jfield_uint(v, 0, 1000000, &f) != 0 || f != MANIFEST_FORMAT) {
      char found[JFIELD_FOUND_MAX];
      jfield_describe(v, found, sizeof found);
      return kerr_set(e, KERR_FORMAT,
                      WHERE ": \"format\" must be 1, the "
                            "pack format this kiosk reads (found %s)%s",
                      found,
                      cJSON_IsNumber(v) && v->valuedouble > MANIFEST_FORMAT
                          ? "; this pack needs newer kiosk software"
                          : "");
    }
    m->format = (int)f;
  }

  v = cJSON_GetObjectItemCaseSensitive(root, "id");
  if (!cJSON_IsString(v) || !manifest_id_ok(v->valuestring))
    return bad_field(e, "id",
                     "1 to 64 lowercase letters, digits and "
                     "dashes, starting with a letter or digit, like "
                     "\"bulletin-2020-07\"",
                     v);
  memcpy(m->id, v->valuestring, strlen(v->valuestring) + 1);

  v = cJSON_GetObjectItemCaseSensitive(root, "version");
  if (jfield_uint(v, 1, MANIFEST_MAX_VERSION, &m->version) != 0)
    return bad_field(e, "version", "a whole number from 1 to 9007199254740991", v);

  if ((rc = parse_title(m, root, e)))
    return rc;
  if ((rc = get_time(root, "created", 1, NULL, &m->created, e)))
    return rc;
  if ((rc = get_time(root, "valid_from", 0, &m->has_valid_from, &m->valid_from, e)))
    return rc;
  if ((rc = get_time(root, "expires", 0, &m->has_expires, &m->expires, e)))
    return rc;
  if (m->has_valid_from && m->has_expires && m->expires <= m->valid_from)
    return kerr_set(e, KERR_MANIFEST,
                    WHERE ": \"expires\" must be later "
                          "than \"valid_from\"");
  if ((rc = parse_countries(m, root, e)))
    return rc;
  if ((rc = parse_names(root, "languages", 100, manifest_lang_ok,
                        "language tags like \"en\", \"ru\" or \"pt-BR\", at "
                        "least one",
                        &m->languages, &m->n_languages, e)))
    return rc;
  if ((rc = parse_accent(m, root, e)))
    return rc;
  if ((rc = parse_names(root, "pages", MANIFEST_MAX_PAGES, manifest_page_name_ok,
                        "page names of lowercase letters, digits, \"-\" and "
                        "\"_\" like \"01-returning-home\", at least one",
                        &m->pages, &m->n_pages, e)))
    return rc;
  if ((rc = parse_files(b, root, flags, e)))
    return rc;
  if (!(flags & MANIFEST_SOURCE) && (rc = check_page_files(m, e)))
    return rc;
  return 0;
}

int manifest_parse(const char *json, size_t len, int flags, struct manifest **out, struct kerr *e)
{
  *out = NULL;
  if (len > MANIFEST_MAX_BYTES)
    return kerr_set(e, KERR_TOOBIG,
                    WHERE ": is %zu bytes; at most %u bytes "
                          "(1 MiB) are allowed",
                    len, MANIFEST_MAX_BYTES);
  int rc = check_raw(json, len, e);
  if (rc)
    return rc;
  struct manifest_box *b = calloc(1, sizeof *b);
  char *raw = malloc(len + 1);
  if (!b || !raw) {
    free(b);
    free(raw);
    return kerr_set(e, KERR_NOMEM, WHERE ": out of memory");
  }
  memcpy(raw, json, len);
  raw[len] = '\0';
  b->m.raw = raw;
  b->m.raw_len = len;

  /* A UTF-8 byte order mark from a Windows editor is harmless; skip it. */
  size_t skip = (len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(raw + skip, len - skip, &end, 0);
  if (!root) {
    const char *at = cJSON_GetErrorPtr();
    size_t off = (at && at >= raw && at <= raw + len) ? (size_t)(at - raw) : len;
    size_t line = 1;
    for (size_t i = 0; i < off; i++)
      line += raw[i] == '\n';
    rc = kerr_set(e, KERR_PARSE,
                  WHERE ": is not valid JSON (problem near "
                        "line %zu, byte %zu); check for a missing comma, quote or "
                        "bracket",
                  line, off + 1);
    manifest_free(&b->m);
    return rc;
  }
  for (; end && end < raw + len; end++)
    if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') {
      cJSON_Delete(root);
      manifest_free(&b->m);
      return kerr_set(e, KERR_PARSE,
                      WHERE ": has extra text after the "
                            "closing \"}\"");
    }
  rc = parse_root(b, root, flags, e);
  cJSON_Delete(root);
  if (rc) {
    manifest_free(&b->m);
    return rc;
  }
  *out = &b->m;
  return 0;
}

void manifest_free(struct manifest *m)
{
  if (!m)
    return;
  struct manifest_box *b = (struct manifest_box *)m;
  for (size_t i = 0; i < m->n_titles; i++) {
    free(m->titles[i].lang);
    free(m->titles[i].text);
  }
  free(m->titles);
  free(m->countries);
  for (size_t i = 0; i < m->n_languages; i++)
    free(m->languages[i]);
  free(m->languages);
  for (size_t i = 0; i < m->n_pages; i++)
    free(m->pages[i]);
  free(m->pages);
  for (size_t i = 0; i < m->n_files; i++)
    free(m->files[i].path);
  free(m->files);
  free(b->sorted);
  free((char *)m->raw);
  free(b);
}

const char *manifest_title(const struct manifest *m, const char *lang)
{
  if (!m || m->n_titles == 0)
    return "";
  if (lang)
    for (size_t i = 0; i < m->n_titles; i++)
      if (strcmp(m->titles[i].lang, lang) == 0)
        return m->titles[i].text;
  for (size_t i = 0; i < m->n_titles; i++)
    if (strcmp(m->titles[i].lang, "en") == 0)
      return m->titles[i].text;
  return m->titles[0].text;
}

const struct manifest_file *manifest_find_file(const struct manifest *m, const char *path)
{
  const struct manifest_box *b = (const struct manifest_box *)m;
  if (!m || !b->sorted || !path)
    return NULL;
  size_t lo = 0, hi = m->n_files;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(b->sorted[mid]->path, path);
    if (c == 0)
      return b->sorted[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}
