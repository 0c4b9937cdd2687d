/* lint.c — the checks behind `kiosk-pack lint` and the gate of `kiosk-pack
 * build` (see lint.h for what is an error and what a warning).
 *
 * Everything the kiosk itself would do with the source is done the kiosk's
 * way: pack.json is read by manifest_parse() in source mode, each page by
 * page_parse(), laid out by layout_page() at every screen size, and
 * characters are looked up in the kiosk's own font set. Lint adds only
 * what the kiosk cannot know: which line of which file to fix, and what to
 * do about it. The checks never stop at the first finding: an author fixes
 * a whole list at once. */
#include "kiosk-pack/lint.h"
#include "core/fsutil.h"
#include "core/grow.h"
#include "core/utf8.h"
#include "kiosk-pack/cli.h"
#include "kiosk-pack/lint_phone.h"
#include "kiosk-pack/lint_po.h"

#include "render/player.h"
#include "core/manifest.h"
#include "core/page.h"
#include "render/fonts.h"
#include "render/images.h"
#include "render/layout.h"

#include <SDL_ttf.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

const struct lint_size lint_sizes[LINT_N_SIZES] = {
    {1920, 1080}, {1080, 1920}, {1280, 720}, {1024, 600}, {800, 480},
};

#define MAX_DEPTH 16
#define MAX_SHOWN_CHARS 6 /* uncovered characters quoted per line */
#define CREATED_SLACK_S                                                                            \
  3600 /* "created" may be an hour ahead (a laptop's
                                clock); more is refused */

/* A picture checked once, however many pages show it. */
struct picture {
  char *rel; /* relative to the source folder */
  int state; /* PIC_OK, PIC_MISSING, PIC_NOT_FILE, PIC_UNREADABLE */
  int w, h;
  uint64_t bytes;
  char why[300]; /* PIC_UNREADABLE: the decoder's words */
  int used;      /* a page shows it */
};
enum { PIC_OK, PIC_MISSING, PIC_NOT_FILE, PIC_UNREADABLE };

struct pack_font {
  char *rel;
  TTF_Font *font;
};

struct lint {
  const char *src;
  const struct lint_opts *o;
  struct lint_report *r;
  struct fonts *fonts;
  struct pack_font *pfonts;
  size_t n_pfonts;
  struct manifest *m;
  char *json;
  struct picture *pics;
  size_t n_pics, cap_pics;
  int oom;
};

/* ------------------------------------------------------------ findings */

/* Adds a finding to r: file (a new string, which r takes, or frees on
 * failure), line and the message. KERR_NOMEM when out of memory. */
static int push(struct lint_report *r, enum lint_severity sev, char *file, int line,
                const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static int push(struct lint_report *r, enum lint_severity sev, char *file, int line,
                const char *fmt, va_list ap)
{
  struct lint_finding *v = grow_array(r->v, r->n + 1, &r->cap, sizeof *v, 32);
  if (!v) {
    free(file);
    return KERR_NOMEM;
  }
  r->v = v;
  char msg[1200];
  vsnprintf(msg, sizeof msg, fmt, ap);
  char *m = strdup(msg);
  if (!m) {
    free(file);
    return KERR_NOMEM;
  }
  r->v[r->n++] = (struct lint_finding){sev, file, line > 0 ? line : 0, m};
  if (sev == LINT_ERROR)
    r->n_errors++;
  else
    r->n_warnings++;
  return 0;
}

/* A finding in rel, a file of the source folder ("" for the folder). */
static void add(struct lint *l, enum lint_severity sev, const char *rel, int line, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));
static void add(struct lint *l, enum lint_severity sev, const char *rel, int line, const char *fmt,
                ...)
{
  size_t n = strlen(l->src) + strlen(rel) + 2;
  char *file = malloc(n);
  if (!file) {
    l->oom = 1;
    return;
  }
  snprintf(file, n, "%s%s%s", l->src, *rel ? "/" : "", rel);
  va_list ap;
  va_start(ap, fmt);
  if (push(l->r, sev, file, line, fmt, ap))
    l->oom = 1;
  va_end(ap);
}

int lint_report_add(struct lint_report *r, enum lint_severity sev, const char *file, int line,
                    const char *fmt, ...)
{
  char *f = strdup(file);
  if (!f)
    return KERR_NOMEM;
  va_list ap;
  va_start(ap, fmt);
  int rc = push(r, sev, f, line, fmt, ap);
  va_end(ap);
  return rc;
}

void lint_report_free(struct lint_report *r)
{
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++) {
    free(r->v[i].file);
    free(r->v[i].msg);
  }
  free(r->v);
  memset(r, 0, sizeof *r);
}

void lint_report_print(const struct lint_report *r, FILE *out)
{
  for (size_t i = 0; i < r->n; i++) {
    const struct lint_finding *f = &r->v[i];
    const char *sev = f->severity == LINT_ERROR ? "error" : "warning";
    if (f->line > 0)
      fprintf(out, "%s:%d: %s: %s\n", f->file, f->line, sev, f->msg);
    else
      fprintf(out, "%s: %s: %s\n", f->file, sev, f->msg);
  }
}

void lint_summary(const struct lint_report *r, char *buf, size_t cap)
{
  snprintf(buf, cap, "%zu error%s, %zu warning%s", r->n_errors, r->n_errors == 1 ? "" : "s",
           r->n_warnings, r->n_warnings == 1 ? "" : "s");
}

/* ------------------------------------------------------------- helpers */

/* Characters that take no glyph of their own: the renderer (text.c) keeps
 * them in the run they sit in, whatever font covers them. */
static int is_invisible(uint32_t cp)
{
  return cp < 0x20 || cp == 0x7F || cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 ||
      cp == 0xFEFF || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static int line_at(const char *text, const char *pos)
{
  int line = 1;
  for (const char *c = text; c < pos; c++)
    if (*c == '\n')
      line++;
  return line;
}

/* Line of the first `"key":` in json at or after from, or 0. */
static int json_key_line(const char *json, const char *from, const char *key)
{
  char q[200];
  snprintf(q, sizeof q, "\"%s\"", key);
  for (const char *p = strstr(from, q); p; p = strstr(p + 1, q)) {
    const char *c = p + strlen(q);
    while (*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n')
      c++;
    if (*c == ':')
      return line_at(json, p);
  }
  return 0;
}

/* Line of the string value "s" after the key `"key":`, or of the key. */
static int json_value_line(const char *json, const char *key, const char *s)
{
  char q[200];
  snprintf(q, sizeof q, "\"%s\"", key);
  const char *k = strstr(json, q);
  if (!k)
    return 0;
  snprintf(q, sizeof q, "\"%s\"", s);
  const char *v = strstr(k + 1, q);
  return v ? line_at(json, v) : line_at(json, k);
}

/* ----------------------------------------------------------- pack.json */

/* A pack.json manifest_parse() refused: the message, on the line of the
 * field it names. */
static void manifest_problem(struct lint *l, const char *json, const char *msg)
{
  if (!strncmp(msg, "pack.json: ", 11))
    msg += 11;
  int line = 0;
  const char *near = strstr(msg, "near line ");
  if (near) {
    line = atoi(near + 10);
  } else if (json) {
    const char *q = strchr(msg, '"');
    const char *q2 = q ? strchr(q + 1, '"') : NULL;
    if (q2 && q2 - q - 1 < 100) {
      char key[100];
      memcpy(key, q + 1, (size_t)(q2 - q - 1));
      key[q2 - q - 1] = '\0';
      line = json_key_line(json, json, key);
    }
  }
  add(l, LINT_ERROR, "pack.json", line, "%s", msg);
}

/* Collects into cps the distinct characters of s (n bytes) that no kiosk
 * font has, at most max of them; returns how many it collected. */
static int uncovered(struct lint *l, const char *s, size_t n, uint32_t *cps, int max)
{
  int k = 0;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    int cl = (int)utf8_decode(s + i, n - i, &cp);
    if (cl == 0) {
      i++;
      continue;
    }
    i += (size_t)cl;
    if (cp == ' ' || is_invisible(cp) || fonts_family_for(l->fonts, cp) >= 0)
      continue;
    int seen = 0;
    for (int j = 0; j < k && !seen; j++)
      seen = cps[j] == cp;
    if (!seen && k < max)
      cps[k++] = cp;
  }
  return k;
}

/* Reports the characters cps[0..k) of one line that no font has. */
static void report_chars(struct lint *l, const char *rel, int line, const uint32_t *cps, int k)
{
  char list[200] = "", codes[200] = "";
  const char *pack_font = NULL;
  for (int i = 0; i < k; i++) {
    char ch[8];
    ch[utf8_encode(cps[i], ch)] = '\0';
    size_t a = strlen(list), b = strlen(codes);
    snprintf(list + a, sizeof list - a, "%s'%s'", i ? ", " : "", ch);
    snprintf(codes + b, sizeof codes - b, "%sU+%04X", i ? ", " : "", (unsigned)cps[i]);
    for (size_t f = 0; f < l->n_pfonts && !pack_font; f++)
      if (TTF_GlyphIsProvided32(l->pfonts[f].font, cps[i]))
        pack_font = l->pfonts[f].rel;
  }
  char note[300] = "";
  if (pack_font)
    snprintf(note, sizeof note,
             " (the pack's %s has %s, but the kiosk "
             "draws every page with its own fonts)",
             pack_font, k == 1 ? "it" : "some of them");
  if (k == 1)
    add(l, LINT_ERROR, rel, line,
        "character %s (%s) is in none of the "
        "kiosk's fonts, so the screen cannot show it%s — replace it or "
        "remove it",
        list, codes, note);
  else
    add(l, LINT_ERROR, rel, line,
        "characters %s (%s) are in none of the "
        "kiosk's fonts, so the screen cannot show them%s — replace or "
        "remove them",
        list, codes, note);
}

/* The optional "band": the hotlines along the bottom of every page. The
 * kiosk skips a malformed entry (with a log line); lint says which. */
static void check_band(struct lint *l, const cJSON *root)
{
  const cJSON *band = cJSON_GetObjectItemCaseSensitive(root, "band");
  if (!band)
    return;
  int band_line = json_key_line(l->json, l->json, "band");
  if (!cJSON_IsArray(band)) {
    add(l, LINT_ERROR, "pack.json", band_line,
        "\"band\" must be a list of "
        "hotlines like [{\"country\": \"KZ\", \"number\": \"11616\", "
        "\"label\": {\"en\": \"Hotline · Kazakhstan\"}}]");
    return;
  }
  const cJSON *it;
  int i = 0;
  cJSON_ArrayForEach(it, band)
  {
    i++;
    const cJSON *country = cJSON_GetObjectItemCaseSensitive(it, "country");
    const cJSON *number = cJSON_GetObjectItemCaseSensitive(it, "number");
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(it, "label");
    int line = cJSON_IsString(number) && *number->valuestring
        ? json_value_line(l->json, "band", number->valuestring)
        : band_line;
    const char *cs = cJSON_IsString(country) ? country->valuestring : "";
    if (strlen(cs) != 2 || cs[0] < 'A' || cs[0] > 'Z' || cs[1] < 'A' || cs[1] > 'Z' ||
        !cJSON_IsString(number) || !*number->valuestring) {
      add(l, LINT_ERROR, "pack.json", line,
          "\"band\" entry %d needs "
          "\"country\" (two capital letters, e.g. \"KZ\") and \"number\" "
          "(e.g. \"11616\"), or the band cannot show it",
          i);
      continue;
    }
    if (!cJSON_IsObject(label) && !cJSON_IsString(label)) {
      add(l, LINT_WARNING, "pack.json", line,
          "\"band\" entry %s %s has no "
          "\"label\" — add one in every language, e.g. {\"en\": "
          "\"Hotline · Kazakhstan\"}",
          cs, number->valuestring);
    } else if (cJSON_IsObject(label)) {
      char missing[256] = "";
      for (size_t k = 0; k < l->m->n_languages; k++)
        if (!cJSON_GetObjectItemCaseSensitive(label, l->m->languages[k])) {
          size_t n = strlen(missing);
          snprintf(missing + n, sizeof missing - n, "%s%s", n ? ", " : "", l->m->languages[k]);
        }
      if (*missing)
        add(l, LINT_WARNING, "pack.json", line,
            "\"band\" entry %s %s has no "
            "label in %s, so the English one (or the first) is shown there "
            "— add the translation%s",
            cs, number->valuestring, missing, strchr(missing, ',') ? "s" : "");
    }
    /* What the band shows must be drawable. */
    const cJSON *lb;
    uint32_t cps[MAX_SHOWN_CHARS];
    int k = uncovered(l, number->valuestring, strlen(number->valuestring), cps, MAX_SHOWN_CHARS);
    if (cJSON_IsString(label))
      k += uncovered(l, label->valuestring, strlen(label->valuestring), cps + k,
                     MAX_SHOWN_CHARS - k);
    else
      cJSON_ArrayForEach(lb, label) if (cJSON_IsString(lb) && k < MAX_SHOWN_CHARS) k +=
          uncovered(l, lb->valuestring, strlen(lb->valuestring), cps + k, MAX_SHOWN_CHARS - k);
    if (k)
      report_chars(l, "pack.json", line, cps, k);
  }
}

/* Reads and checks pack.json. Returns 1 when the pages can be checked
 * (l->m is set), else 0. */
static int check_manifest(struct lint *l)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/pack.json", l->src);
  size_t len = 0;
  int rc = fsutil_read_file(path, MANIFEST_MAX_BYTES, "pack description", &l->json, &len, NULL);
  if (rc == KERR_NOENT) {
    add(l, LINT_ERROR, "pack.json", 0,
        "not found — a pack source folder "
        "needs pack.json (run 'kiosk-pack new DIR' to start one)");
    return 0;
  }
  if (rc == KERR_TOOBIG) {
    add(l, LINT_ERROR, "pack.json", 0,
        "larger than %u bytes — it should "
        "hold only the pack's description",
        MANIFEST_MAX_BYTES);
    return 0;
  }
  if (rc == KERR_NOMEM) {
    l->oom = 1;
    return 0;
  }
  if (rc) {
    add(l, LINT_ERROR, "pack.json", 0, "cannot be read: %s", strerror(errno));
    return 0;
  }
  struct kerr e;
  kerr_clear(&e);
  if (manifest_parse(l->json, len, MANIFEST_SOURCE, &l->m, &e)) {
    manifest_problem(l, l->json, e.msg);
    return 0;
  }
  cJSON *root = cJSON_ParseWithLength(l->json, len);
  if (!root) {
    l->oom = 1;
    return 0;
  }
  if (cJSON_GetObjectItemCaseSensitive(root, "files"))
    add(l, LINT_ERROR, "pack.json", json_key_line(l->json, l->json, "files"),
        "has a \"files\" list — remove it; kiosk-pack build writes the list "
        "of files itself");
  int64_t now = l->o && l->o->now ? l->o->now : (int64_t)time(NULL);
  char t[64];
  if (l->m->has_expires && l->m->expires <= now) {
    cli_fmt_time(l->m->expires, t, sizeof t);
    add(l, LINT_ERROR, "pack.json", json_key_line(l->json, l->json, "expires"),
        "the pack expired on %s, before today, and kiosks refuse an expired "
        "pack — set a later \"expires\", or remove it",
        t);
  }
  if (l->m->created > now + CREATED_SLACK_S) {
    cli_fmt_time(l->m->created, t, sizeof t);
    add(l, LINT_ERROR, "pack.json", json_key_line(l->json, l->json, "created"),
        "\"created\" is %s, in the future — a kiosk takes it as the earliest "
        "possible time and may then judge other packs expired; use the "
        "date you made the pack (is this computer's clock right?)",
        t);
  }
  check_band(l, root);
  cJSON_Delete(root);
  return 1;
}

/* ------------------------------------------------------------- fonts */

static int has_suffix(const char *s, const char *suffix)
{
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Opens the fonts under fonts/: they join the kiosk's fallback chain, as
 * they do on the kiosk. */
static void open_pack_fonts(struct lint *l)
{
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/fonts", l->src);
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || !(has_suffix(de->d_name, ".ttf") || has_suffix(de->d_name, ".otf")))
      continue;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    TTF_Font *f = TTF_OpenFont(path, 16);
    if (!f) {
      char rel[400];
      snprintf(rel, sizeof rel, "fonts/%s", de->d_name);
      add(l, LINT_WARNING, rel, 0,
          "cannot be read as a font (%s) — remove "
          "it or replace it with a TrueType or OpenType file",
          TTF_GetError());
      continue;
    }
    struct pack_font *v = realloc(l->pfonts, (l->n_pfonts + 1) * sizeof *v);
    char *rel = malloc(strlen(de->d_name) + 7);
    if (!v || !rel) {
      if (v)
        l->pfonts = v;
      free(rel);
      TTF_CloseFont(f);
      l->oom = 1;
      break;
    }
    l->pfonts = v;
    /* The kiosk draws with a pack's fonts too: so does lint. */
    struct kerr fe;
    if (fonts_add_file(l->fonts, path, &fe))
      add(l, LINT_WARNING, "fonts", 0, "%s", fe.msg);
    sprintf(rel, "fonts/%s", de->d_name);
    l->pfonts[l->n_pfonts++] = (struct pack_font){rel, f};
  }
  closedir(d);
}

/* ------------------------------------------------------------ pictures */

/* The record of picture rel, checking it on first sight. */
static struct picture *picture(struct lint *l, const char *rel)
{
  for (size_t i = 0; i < l->n_pics; i++)
    if (!strcmp(l->pics[i].rel, rel))
      return &l->pics[i];
  if (l->n_pics == l->cap_pics) {
    size_t cap = l->cap_pics ? l->cap_pics * 2 : 16;
    struct picture *v = realloc(l->pics, cap * sizeof *v);
    if (!v) {
      l->oom = 1;
      return NULL;
    }
    l->pics = v;
    l->cap_pics = cap;
  }
  struct picture *p = &l->pics[l->n_pics];
  memset(p, 0, sizeof *p);
  p->rel = strdup(rel);
  if (!p->rel) {
    l->oom = 1;
    return NULL;
  }
  l->n_pics++;
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", l->src, rel);
  struct stat sb;
  if (lstat(path, &sb) != 0) {
    p->state = PIC_MISSING;
  } else if (!S_ISREG(sb.st_mode)) {
    p->state = PIC_NOT_FILE;
  } else {
    p->bytes = (uint64_t)sb.st_size;
    struct kerr e;
    kerr_clear(&e);
    if (images_size(path, &p->w, &p->h, &e) != 0) {
      p->state = PIC_UNREADABLE;
      const char *why = strstr(e.msg, "cannot read image");
      const char *w = why ? why : e.msg;
      size_t n = strlen(w) < sizeof p->why - 1 ? strlen(w) : sizeof p->why - 1;
      memcpy(p->why, w, n);
      p->why[n] = '\0';
    }
    images_flush();
  }
  return p;
}

/* A file in the same folder whose name differs only in case, for "did you
 * mean". */
static int same_but_case(const char *src, const char *rel, char *out, size_t cap)
{
  char dir[4400];
  const char *slash = strrchr(rel, '/');
  const char *base = slash ? slash + 1 : rel;
  snprintf(dir, sizeof dir, "%s/%.*s", src, slash ? (int)(slash - rel) : 0, rel);
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  int found = 0;
  struct dirent *de;
  while (!found && (de = readdir(d)) != NULL)
    if (strcasecmp(de->d_name, base) == 0 && strcmp(de->d_name, base) != 0) {
      snprintf(out, cap, "%.*s%s", slash ? (int)(slash - rel + 1) : 0, rel, de->d_name);
      found = 1;
    }
  closedir(d);
  return found;
}

static void check_picture_on_page(struct lint *l, const char *page_rel, const struct page_block *b)
{
  struct picture *p = picture(l, b->src);
  if (!p)
    return;
  p->used = 1;
  char alt[300];
  switch (p->state) {
  case PIC_MISSING:
    if (same_but_case(l->src, b->src, alt, sizeof alt))
      add(l, LINT_ERROR, page_rel, b->line,
          "picture '%s' does not exist; "
          "there is '%s' — names must match exactly, capitals too",
          b->src, alt);
    else
      add(l, LINT_ERROR, page_rel, b->line,
          "picture '%s' does not exist — "
          "put the file in media/ or correct its name",
          b->src);
    break;
  case PIC_NOT_FILE:
    add(l, LINT_ERROR, page_rel, b->line,
        "picture '%s' is not a file (a "
        "folder or a link) — point to the picture file itself",
        b->src);
    break;
  case PIC_UNREADABLE:
    add(l, LINT_ERROR, page_rel, b->line, "picture '%s' cannot be shown: %s", b->src, p->why);
    break;
  default: break;
  }
}

/* Warns about a picture far larger than any screen. */
static void check_picture_size(struct lint *l, const struct picture *p)
{
  if (p->state != PIC_OK)
    return;
  int long_side = p->w > p->h ? p->w : p->h;
  if (long_side <= LINT_IMAGE_MAX_PX && p->bytes <= LINT_IMAGE_MAX_BYTES)
    return;
  char size[32];
  cli_fmt_bytes(p->bytes, size, sizeof size);
  add(l, LINT_WARNING, p->rel, 0,
      "picture is %dx%d pixels (%s), far more "
      "than the largest kiosk screen (1920x1080) can show — scale it to at "
      "most 1920 pixels on its long side and save it as JPEG (quality 85); "
      "big pictures make the pack slow to copy and the kiosk slow to draw",
      p->w, p->h, size);
}

/* ---------------------------------------------------------------- words */

static int is_word_char(uint32_t cp)
{
  if (cp < 0x80)
    return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
  /* Letters of every script the kiosk serves; not Latin-1 or general
   * punctuation (dashes, quotes, bullets). */
  return !(cp <= 0xBF || (cp >= 0x2000 && cp <= 0x206F));
}

static size_t count_text(const char *s)
{
  size_t words = 0;
  int in_word = 0, has_letter = 0;
  size_t n = strlen(s);
  for (size_t i = 0; i <= n;) {
    uint32_t cp = 0;
    int cl = i < n ? (int)utf8_decode(s + i, n - i, &cp) : 1;
    if (cl == 0)
      cl = 1, cp = 0xFFFD;
    int space = i == n || cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
    if (space) {
      if (in_word && has_letter)
        words++;
      in_word = has_letter = 0;
    } else {
      in_word = 1;
      has_letter |= is_word_char(cp);
    }
    i += (size_t)cl;
  }
  return words;
}

size_t lint_count_words(const struct page *p)
{
  size_t n = 0;
  for (size_t i = 0; i < p->n_blocks; i++) {
    const struct page_block *b = &p->blocks[i];
    for (size_t s = 0; s < b->n_spans; s++)
      n += count_text(b->spans[s].text);
    if (b->caption)
      n += count_text(b->caption);
    for (size_t r = 0; r < b->n_rows; r++)
      for (size_t c = 0; c < b->rows[r].n_cells; c++)
        if (b->rows[r].cells[c])
          n += count_text(b->rows[r].cells[c]);
  }
  return n;
}

int lint_reading_seconds(size_t n_words)
{
  return LINT_NOTICE_S + (int)((n_words + LINT_WORDS_PER_S - 1) / LINT_WORDS_PER_S);
}

/* ---------------------------------------------------------------- pages */

/* The line of "duration:" in the front matter, or 0. */
static int duration_line(const char *text)
{
  if (strncmp(text, "---", 3) != 0 || (text[3] != '\n' && text[3] != '\r'))
    return 0;
  const char *p = strchr(text, '\n');
  for (int line = 2; p && *++p; line++) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (!strncmp(p, "---", 3))
      return 0;
    if (!strncmp(p, "duration", 8)) {
      const char *c = p + 8;
      while (*c == ' ' || *c == '\t')
        c++;
      if (*c == ':')
        return line;
    }
    p = strchr(p, '\n');
  }
  return 0;
}

/* Every line of the page's file: valid UTF-8, and only characters some
 * kiosk font has. Works on the raw text so each finding has its line. */
static void check_text(struct lint *l, const char *rel, const char *text, size_t len)
{
  int line = 1;
  size_t i = 0;
  while (i < len) {
    const char *eol = memchr(text + i, '\n', len - i);
    size_t n = eol ? (size_t)(eol - (text + i)) : len - i;
    int bad = 0;
    for (size_t j = 0; j < n && !bad;) {
      uint32_t cp;
      int cl = (int)utf8_decode(text + i + j, n - j, &cp);
      if (cl == 0)
        bad = 1;
      else
        j += (size_t)cl;
    }
    if (bad) {
      add(l, LINT_ERROR, rel, line,
          "this line is not valid UTF-8 text — "
          "save the file as UTF-8 in your editor");
    } else {
      uint32_t cps[MAX_SHOWN_CHARS];
      int k = uncovered(l, text + i, n, cps, MAX_SHOWN_CHARS);
      if (k)
        report_chars(l, rel, line, cps, k);
    }
    i += n + 1;
    line++;
  }
}

/* Problems the parser records that leave the page as meant. */
static enum lint_severity parser_severity(const char *msg)
{
  if (strstr(msg, "raw HTML") || strstr(msg, "block is empty"))
    return LINT_WARNING;
  return LINT_ERROR;
}

/* What the layout reports that lint has not said already (characters and
 * pictures are reported with their line). */
static int layout_msg_is_new(const char *msg)
{
  return !strstr(msg, "not covered by any font") && !strstr(msg, "is missing or unreadable");
}

static void check_layout(struct lint *l, const char *rel, const struct page *p, const char *lang)
{
  const struct lint_size *sizes = l->o && l->o->sizes ? l->o->sizes : lint_sizes;
  size_t n_sizes = l->o && l->o->sizes ? l->o->n_sizes : LINT_N_SIZES;
  char over[512] = "";
  int n_over = 0;
  for (size_t s = 0; s < n_sizes; s++) {
    struct layout_input in = {p,    l->src,        sizes[s].w, sizes[s].h, {0, 0, 0, 0},
                              lang, images_size_at};
    struct layout *lay = NULL;
    struct kerr e;
    kerr_clear(&e);
    if (layout_page(l->fonts, &in, 0, &lay, &e) != 0) {
      if (e.code == KERR_NOMEM)
        l->oom = 1;
      else
        add(l, LINT_ERROR, rel, 0, "cannot be laid out at %dx%d: %s", sizes[s].w, sizes[s].h,
            e.msg);
      continue;
    }
    if (lay->n_parts > 1) {
      size_t k = strlen(over);
      snprintf(over + k, sizeof over - k, "%s%dx%d (%d parts)", n_over ? ", " : "", sizes[s].w,
               sizes[s].h, lay->n_parts);
      n_over++;
    }
    size_t name_len = strlen(p->name);
    for (size_t i = 0; i < lay->n_problems; i++) {
      const char *msg = lay->problems[i].msg;
      if (!layout_msg_is_new(msg))
        continue;
      if (!strncmp(msg, p->name, name_len) && msg[name_len] == ':')
        msg += name_len + 1 + (msg[name_len + 1] == ' ');
      /* The same problem once per size, not once per box. */
      int dup = 0;
      for (size_t j = 0; j < i && !dup; j++)
        dup = !strcmp(lay->problems[j].msg, lay->problems[i].msg);
      if (!dup)
        add(l, LINT_WARNING, rel, 0, "at %dx%d: %s", sizes[s].w, sizes[s].h, msg);
    }
    layout_free(lay);
  }
  images_flush();
  if (n_over)
    add(l, LINT_WARNING, rel, 0,
        "does not fit on one screen at %s; the "
        "kiosk then shows it in parts, one after the other — shorten the "
        "text or split it into two pages",
        over);
}

static void check_duration(struct lint *l, const char *rel, const char *text, const struct page *p)
{
  int dline = duration_line(text);
  if (dline && p->duration_s == 0)
    return; /* a bad duration: the parser has said so */
  int dur = p->duration_s > 0 ? p->duration_s : PAGE_DEFAULT_DURATION_S;
  size_t words = lint_count_words(p);
  int need = lint_reading_seconds(words);
  if (need > PAGE_DURATION_MAX_S)
    need = PAGE_DURATION_MAX_S;
  /* Within a tenth is close enough: this is an estimate. */
  if (dur * 10 >= need * 9)
    return;
  if (dline)
    add(l, LINT_WARNING, rel, dline,
        "'duration: %d' is too short for %zu "
        "words: reading them takes about %d s (%d s to notice the page, then "
        "%d words a second) — set 'duration: %d', or shorten the text",
        dur, words, need, LINT_NOTICE_S, LINT_WORDS_PER_S, need);
  else
    add(l, LINT_WARNING, rel, 1,
        "no duration is set, so the page shows for "
        "%d s, too short for %zu words: reading them takes about %d s (%d s "
        "to notice the page, then %d words a second) — add 'duration: %d' to "
        "the front matter",
        dur, words, need, LINT_NOTICE_S, LINT_WORDS_PER_S, need);
}

/* ---------------------------------------------------- script of a page */

enum script { SCRIPT_NONE = -1, SCRIPT_LATIN, SCRIPT_CYRILLIC, SCRIPT_ARABIC, N_SCRIPTS };

static const char *const script_names[N_SCRIPTS] = {"Latin", "Cyrillic", "Arabic"};

static enum script script_of_letter(uint32_t cp)
{
  if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
    return SCRIPT_LATIN;
  if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x1E00 && cp <= 0x1EFF))
    return SCRIPT_LATIN;
  if (cp >= 0x400 && cp <= 0x52F)
    return SCRIPT_CYRILLIC;
  if ((cp >= 0x620 && cp <= 0x64A) || (cp >= 0x66E && cp <= 0x6D3) ||
      (cp >= 0x6FA && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F) ||
      (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFC))
    return SCRIPT_ARABIC;
  return SCRIPT_NONE;
}

/* The script a language's pages are written in (BCP 47 tag, with an
 * explicit script subtag winning), or SCRIPT_NONE when we do not know. */
static enum script script_of_lang(const char *lang)
{
  static const struct {
    const char *lang;
    enum script script;
  } langs[] = {
      {"ru", SCRIPT_CYRILLIC}, {"kk", SCRIPT_CYRILLIC}, {"ky", SCRIPT_CYRILLIC},
      {"tg", SCRIPT_CYRILLIC}, {"uk", SCRIPT_CYRILLIC}, {"be", SCRIPT_CYRILLIC},
      {"mn", SCRIPT_CYRILLIC}, {"uz", SCRIPT_LATIN},    {"tk", SCRIPT_LATIN},
      {"en", SCRIPT_LATIN},    {"tr", SCRIPT_LATIN},    {"az", SCRIPT_LATIN},
      {"de", SCRIPT_LATIN},    {"fr", SCRIPT_LATIN},    {"fa", SCRIPT_ARABIC},
      {"prs", SCRIPT_ARABIC},  {"ps", SCRIPT_ARABIC},   {"ar", SCRIPT_ARABIC},
      {"ur", SCRIPT_ARABIC},   {"ug", SCRIPT_ARABIC},
  };
  if (strstr(lang, "-Cyrl"))
    return SCRIPT_CYRILLIC;
  if (strstr(lang, "-Latn"))
    return SCRIPT_LATIN;
  if (strstr(lang, "-Arab"))
    return SCRIPT_ARABIC;
  size_t n = strcspn(lang, "-_");
  for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
    if (strlen(langs[i].lang) == n && !strncmp(lang, langs[i].lang, n))
      return langs[i].script;
  return SCRIPT_NONE;
}

/* Letters of one line of a page by script, leaving out what is written in
 * Latin letters whatever the language: link targets "](...)", addresses
 * (words with "://" or "@") and the channel words of a hotlines block. */
static void count_scripts(const char *s, size_t n, int *count)
{
  size_t i = 0;
  while (i < n) {
    if (s[i] == ']' && i + 1 < n && s[i + 1] == '(') {
      const char *close = memchr(s + i, ')', n - i);
      i = close ? (size_t)(close - s) + 1 : n;
      continue;
    }
    /* One word at a time, so an address can be skipped whole. */
    size_t end = i;
    while (end < n && s[end] != ' ' && s[end] != '\t' && s[end] != '|')
      end++;
    int address = 0;
    for (size_t k = i; k < end && !address; k++)
      address = s[k] == '@' || (s[k] == ':' && k + 2 < end && s[k + 1] == '/' && s[k + 2] == '/');
    if (!address)
      for (size_t k = i; k < end;) {
        uint32_t cp;
        int cl = (int)utf8_decode(s + k, end - k, &cp);
        if (cl == 0)
          cl = 1, cp = 0xFFFD;
        enum script sc = script_of_letter(cp);
        if (sc != SCRIPT_NONE)
          count[sc]++;
        k += (size_t)cl;
      }
    i = end + 1;
  }
}

/* A page whose text is mostly in another script than its language's is
 * most likely a misplaced file (a Dari text saved as .kk.md): a warning at
 * the first line written in that script. The front matter is left out,
 * and of a hotlines block only the countries count; a few words are not
 * enough to judge. */
static void check_script(struct lint *l, const char *rel, const char *text, size_t len,
                         const char *lang)
{
  enum script want = script_of_lang(lang);
  if (want == SCRIPT_NONE)
    return;
  int total[N_SCRIPTS] = {0};
  int first_line[N_SCRIPTS] = {0};
  int line = 1, front = len >= 3 && !strncmp(text, "---", 3), fence = 0, hotlines = 0;
  size_t i = 0;
  while (i < len) {
    const char *eol = memchr(text + i, '\n', len - i);
    size_t n = eol ? (size_t)(eol - (text + i)) : len - i;
    const char *s = text + i;
    if (front) {
      if (line > 1 && n >= 3 && !strncmp(s, "---", 3))
        front = 0;
    } else if (n >= 3 && !strncmp(s, "```", 3)) {
      fence = !fence;
      hotlines = fence && n >= 11 && !strncmp(s + 3, "hotlines", 8);
    } else {
      int count[N_SCRIPTS] = {0};
      if (hotlines) {
        /* Only the country: the channel is a keyword. */
        const char *bar = memchr(s, '|', n);
        count_scripts(s, bar ? (size_t)(bar - s) : n, count);
      } else {
        count_scripts(s, n, count);
      }
      int best = 0;
      for (int k = 0; k < N_SCRIPTS; k++) {
        total[k] += count[k];
        if (count[k] > count[best])
          best = k;
      }
      if (count[best] > 0 && !first_line[best])
        first_line[best] = line;
    }
    i += n + 1;
    line++;
  }
  int all = 0, other = -1;
  for (int k = 0; k < N_SCRIPTS; k++) {
    all += total[k];
    if (k != (int)want && (other < 0 || total[k] > total[other]))
      other = k;
  }
  /* Mostly: two letters in three. A page quoting another language (a Dari
   * page with an English paragraph) stays well below that. */
  if (other < 0 || all < 20 || total[other] * 3 < all * 2)
    return;
  /* Which of the pack's languages is written in that script, if just one. */
  const char *guess = NULL;
  int n_guess = 0;
  for (size_t k = 0; l->m && k < l->m->n_languages; k++)
    if ((int)script_of_lang(l->m->languages[k]) == other) {
      guess = l->m->languages[k];
      n_guess++;
    }
  if (n_guess == 1) {
    /* rel is "pages/<name>.<lang>.md". */
    int stem = (int)(strlen(rel) - strlen(lang) - 4);
    add(l, LINT_WARNING, rel, first_line[other],
        "the text is mostly in %s letters, but its language \"%s\" is written in %s — "
        "is this the \"%s\" text in the wrong file? Put the \"%s\" text here, and the "
        "\"%s\" text in %.*s.%s.md",
        script_names[other], lang, script_names[want], guess, lang, guess, stem > 0 ? stem : 0, rel,
        guess);
  } else {
    add(l, LINT_WARNING, rel, first_line[other],
        "the text is mostly in %s letters, but its language \"%s\" is written in %s — "
        "is this text in the wrong file? Put the \"%s\" text here",
        script_names[other], lang, script_names[want], lang);
  }
}

static void check_page(struct lint *l, size_t pi, size_t li)
{
  const struct manifest *m = l->m;
  char rel[MANIFEST_PATH_MAX + 64];
  snprintf(rel, sizeof rel, "pages/%s.%s.md", m->pages[pi], m->languages[li]);
  char path[4400];
  snprintf(path, sizeof path, "%s/%s", l->src, rel);
  char *text = NULL;
  size_t len = 0;
  int rc = fsutil_read_file(path, PAGE_MAX_BYTES, "page", &text, &len, NULL);
  if (rc == KERR_NOENT) {
    const char *other = NULL;
    for (size_t k = 0; k < m->n_languages && !other; k++) {
      char o[MANIFEST_PATH_MAX + 64], op[4400];
      struct stat sb;
      snprintf(o, sizeof o, "pages/%s.%s.md", m->pages[pi], m->languages[k]);
      snprintf(op, sizeof op, "%s/%s", l->src, o);
      if (k != li && stat(op, &sb) == 0)
        other = m->languages[k];
    }
    if (other)
      add(l, LINT_ERROR, rel, 0,
          "missing: page \"%s\" of pack.json has no "
          "\"%s\" translation — write this file (start from pages/%s.%s.md), "
          "or remove \"%s\" from \"languages\"",
          m->pages[pi], m->languages[li], m->pages[pi], other, m->languages[li]);
    else
      add(l, LINT_ERROR, rel, 0,
          "missing: page \"%s\" of pack.json has no "
          "\"%s\" translation — write this file, or remove \"%s\" from "
          "\"languages\"",
          m->pages[pi], m->languages[li], m->languages[li]);
    return;
  }
  if (rc == KERR_TOOBIG) {
    add(l, LINT_ERROR, rel, 0,
        "larger than %d bytes — split it into several "
        "pages",
        PAGE_MAX_BYTES);
    return;
  }
  if (rc) {
    if (rc == KERR_NOMEM)
      l->oom = 1;
    else
      add(l, LINT_ERROR, rel, 0, "cannot be read: %s", strerror(errno));
    return;
  }
  check_text(l, rel, text, len);
  check_script(l, rel, text, len, m->languages[li]);
  if (lint_phone_check(l->src, rel, text, len, l->r) == KERR_NOMEM)
    l->oom = 1;
  struct page *p = NULL;
  struct kerr e;
  kerr_clear(&e);
  if (page_parse(text, len, rel, &p, &e) != 0) {
    if (e.code == KERR_NOMEM)
      l->oom = 1;
    else
      add(l, LINT_ERROR, rel, 0, "%s", e.msg);
    free(text);
    return;
  }
  for (size_t i = 0; i < p->n_problems; i++)
    add(l, parser_severity(p->problems[i].msg), rel, p->problems[i].line, "%s", p->problems[i].msg);
  for (size_t i = 0; i < p->n_blocks; i++)
    if (p->blocks[i].type == PAGE_IMAGE && p->blocks[i].src && *p->blocks[i].src)
      check_picture_on_page(l, rel, &p->blocks[i]);
  check_duration(l, rel, text, p);
  check_layout(l, rel, p, m->languages[li]);
  page_free(p);
  free(text);
}

/* Page files under pages/ that pack.json does not list are never shown. */
static void check_stray_pages(struct lint *l)
{
  char dir[4400];
  snprintf(dir, sizeof dir, "%s/pages", l->src);
  DIR *d = opendir(dir);
  if (!d) {
    add(l, LINT_ERROR, "pages", 0,
        "no such folder — the pages go in "
        "pages/<name>.<language>.md");
    return;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".md"))
      continue;
    int listed = 0;
    for (size_t p = 0; p < l->m->n_pages && !listed; p++)
      for (size_t g = 0; g < l->m->n_languages && !listed; g++) {
        char want[MANIFEST_PATH_MAX + 64];
        snprintf(want, sizeof want, "%s.%s.md", l->m->pages[p], l->m->languages[g]);
        listed = !strcmp(want, de->d_name);
      }
    if (listed)
      continue;
    char **v = realloc(names, (n + 1) * sizeof *v);
    if (!v || !(v[n] = strdup(de->d_name))) {
      if (v)
        names = v;
      l->oom = 1;
      break;
    }
    names = v;
    n++;
  }
  closedir(d);
  /* Sorted, so the report is the same on every computer. */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
      char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  for (size_t i = 0; i < n; i++) {
    char rel[400];
    snprintf(rel, sizeof rel, "pages/%s", names[i]);
    add(l, LINT_WARNING, rel, 0,
        "not a page of pack.json (see \"pages\" and "
        "\"languages\"), so the kiosk never shows it — add it there, or "
        "remove the file");
    free(names[i]);
  }
  free(names);
}

/* Lists the regular files under rel (recursively) into *v, sorted. */
static int list_files(struct lint *l, const char *rel, int depth, char ***v, size_t *n)
{
  if (depth > MAX_DEPTH)
    return 0;
  char dir[4400];
  int w = snprintf(dir, sizeof dir, "%s/%s", l->src, rel);
  if (w < 0 || (size_t)w >= sizeof dir) {
    add(l, LINT_ERROR, rel, 0,
        "the path of this folder is too long to "
        "read (over %zu bytes) — move the pack source to a shorter path or "
        "use shorter folder names",
        sizeof dir - 1);
    return 0;
  }
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    /* A truncated name would check (or miss) some other file: report it. */
    char sub[1024];
    char path[4400];
    int ws = snprintf(sub, sizeof sub, "%s/%s", rel, de->d_name);
    int wp =
        ws < 0 || (size_t)ws >= sizeof sub ? -1 : snprintf(path, sizeof path, "%s/%s", l->src, sub);
    if (wp < 0 || (size_t)wp >= sizeof path) {
      add(l, LINT_ERROR, rel, 0,
          "a file name in this folder makes a path "
          "too long to check (over %zu bytes) — rename it shorter",
          sizeof sub - 1);
      continue;
    }
    struct stat sb;
    if (lstat(path, &sb) != 0)
      continue;
    if (S_ISDIR(sb.st_mode)) {
      list_files(l, sub, depth + 1, v, n);
      continue;
    }
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv || !(nv[*n] = strdup(sub))) {
      if (nv)
        *v = nv;
      l->oom = 1;
      break;
    }
    *v = nv;
    (*n)++;
  }
  closedir(d);
  return 0;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int looks_like_picture(const char *name)
{
  static const char *const ext[] = {".jpg",  ".jpeg", ".png",  ".gif", ".bmp",
                                    ".webp", ".tif",  ".tiff", ".svg"};
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
    if (has_suffix(name, ext[i]))
      return 1;
  return 0;
}

/* Every file in media/: used by some page, and not far too big. */
static void check_media(struct lint *l)
{
  char **files = NULL;
  size_t n = 0;
  list_files(l, "media", 1, &files, &n);
  if (n)
    qsort(files, n, sizeof *files, cmp_str);
  for (size_t i = 0; i < n; i++) {
    struct picture *p = NULL;
    for (size_t k = 0; k < l->n_pics && !p; k++)
      if (!strcmp(l->pics[k].rel, files[i]))
        p = &l->pics[k];
    if (!p || !p->used) {
      add(l, LINT_WARNING, files[i], 0,
          "no page uses this file, yet it "
          "would go into the pack — remove it, or show it on a page with "
          "![caption](../%s)",
          files[i]);
      if (!p && looks_like_picture(files[i]))
        p = picture(l, files[i]);
    }
    if (p)
      check_picture_size(l, p);
    free(files[i]);
  }
  free(files);
  /* Pictures pages show from outside media/. */
  for (size_t k = 0; k < l->n_pics; k++)
    if (strncmp(l->pics[k].rel, "media/", 6) != 0)
      check_picture_size(l, &l->pics[k]);
}

/* ---------------------------------------------------------------- entry */

int lint_source(const char *src, const struct lint_opts *o, struct lint_report *out, struct kerr *e)
{
  memset(out, 0, sizeof *out);
  struct stat sb;
  if (stat(src, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return kerr_set(e, KERR_NOENT,
                    "%s: no such folder — give the folder "
                    "that holds pack.json, pages/ and media/",
                    src);
  struct lint l;
  memset(&l, 0, sizeof l);
  char *norm = strdup(src);
  if (!norm)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  for (size_t n = strlen(norm); n > 1 && norm[n - 1] == '/'; n--)
    norm[n - 1] = '\0';
  l.src = norm;
  l.o = o;
  l.r = out;
  int ttf_started = 0;
  if (!TTF_WasInit()) {
    if (TTF_Init() != 0) {
      free(norm);
      return kerr_set(e, KERR_FONT, "cannot start the font library: %s", TTF_GetError());
    }
    ttf_started = 1;
  }
  int rc = fonts_open(o ? o->font_dir : NULL, &l.fonts, e);
  if (rc == 0) {
    open_pack_fonts(&l);
    if (check_manifest(&l)) {
      for (size_t p = 0; p < l.m->n_pages && !l.oom; p++)
        for (size_t g = 0; g < l.m->n_languages && !l.oom; g++)
          check_page(&l, p, g);
      check_stray_pages(&l);
      check_media(&l);
      if (!l.oom && lint_po_check(l.src, out) == KERR_NOMEM)
        l.oom = 1;
    }
    if (l.oom) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory checking %s", src);
      lint_report_free(out);
    }
  }
  for (size_t i = 0; i < l.n_pics; i++)
    free(l.pics[i].rel);
  free(l.pics);
  for (size_t i = 0; i < l.n_pfonts; i++) {
    TTF_CloseFont(l.pfonts[i].font);
    free(l.pfonts[i].rel);
  }
  free(l.pfonts);
  fonts_close(l.fonts);
  manifest_free(l.m);
  free(l.json);
  free(norm);
  if (ttf_started)
    TTF_Quit();
  return rc;
}

int lint_gate(const char *src, int quiet, struct kerr *e)
{
  struct lint_report r;
  int rc = lint_source(src, NULL, &r, e);
  if (rc)
    return rc;
  if (!quiet)
    lint_report_print(&r, stderr);
  size_t errors = r.n_errors;
  lint_report_free(&r);
  if (errors && quiet)
    return kerr_set(e, KERR_PAGE,
                    "%s: lint found %zu error%s — run "
                    "'kiosk-pack lint %s' to see %s, fix %s and build again",
                    src, errors, errors == 1 ? "" : "s", src, errors == 1 ? "it" : "them",
                    errors == 1 ? "it" : "them");
  if (errors)
    return kerr_set(e, KERR_PAGE,
                    "%s: lint found %zu error%s (listed above) "
                    "— fix %s and build again",
                    src, errors, errors == 1 ? "" : "s", errors == 1 ? "it" : "them");
  return 0;
}

/* ---------------------------------------------------------------- sizes */

int lint_parse_sizes(const char *arg, struct lint_size **out, size_t *n, struct kerr *e)
{
  *out = NULL;
  *n = 0;
  size_t cap = 1;
  for (const char *c = arg; *c; c++)
    cap += *c == ',';
  struct lint_size *v = calloc(cap, sizeof *v);
  if (!v)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  const char *p = arg;
  for (;;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    char part[64];
    int w = 0, h = 0, used = 0;
    if (len < sizeof part) {
      memcpy(part, p, len);
      part[len] = '\0';
    } else {
      part[0] = '\0';
    }
    if (len >= sizeof part || sscanf(part, "%dx%d%n", &w, &h, &used) != 2 || (size_t)used != len ||
        w < 320 || h < 320 || w > 8192 || h > 8192) {
      free(v);
      return kerr_set(e, KERR_USAGE,
                      "--size: '%.*s' is not a screen size "
                      "WxH, e.g. 1920x1080 (each side 320 to 8192 pixels)",
                      (int)(len < 60 ? len : 60), p);
    }
    v[(*n)++] = (struct lint_size){w, h};
    if (!end)
      break;
    p = end + 1;
  }
  *out = v;
  return 0;
}
