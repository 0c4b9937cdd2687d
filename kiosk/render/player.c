/* player.c — from a deck entry to pixels: read the page, lay it out for the
 * screen, paint it. Every problem found on the way (the author's: unknown
 * block, missing image, a glyph no font has; the layout's: text below the
 * minimum, a box off the page) is logged once with the page's name and
 * counted, so --strict can fail a run that met any. */
#include "render/player.h"
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"
#include "core/page.h"
#include "render/images.h"
#include "render/layout.h"
#include "render/band.h"
#include "render/paint.h"

#define PLAYER_MAX_PACKS 32

struct player {
  const struct deck *deck;
  struct fonts *fonts;
  int problems;
  char country[3];
  int offset_s;
  int clock_untrusted;
  const struct config_hotline *fallback;
  size_t n_fallback;
  char notice[1536];                    /* for staff on the built-in page, or empty */
  char scanned[PLAYER_MAX_PACKS][1024]; /* pack folders whose fonts were added */
  int n_scanned;
};

void player_set_notice(struct player *p, const char *text)
{
  snprintf(p->notice, sizeof p->notice, "%s", text ? text : "");
}

/* text as Markdown that shows it as it is: punctuation Markdown would read
 * is escaped, control characters become spaces. */
static size_t md_escape(const char *text, char *out, size_t cap)
{
  size_t o = 0;
  for (const unsigned char *t = (const unsigned char *)text; *t && o + 3 < cap; t++) {
    if (*t < 0x20 || *t == 0x7F) {
      out[o++] = ' ';
      continue;
    }
    if (strchr("\\`*_{}[]<>()#+-.!|~&", *t))
      out[o++] = '\\';
    out[o++] = (char)*t;
  }
  out[o] = '\0';
  return o;
}

void player_set_fallback_hotlines(struct player *p, const struct config_hotline *h, size_t n)
{
  p->fallback = h;
  p->n_fallback = n;
}

/* English names of the countries a kiosk is likely to list; else the code. */
static const char *country_name(const char *code)
{
  static const char *const names[][2] = {
      {"KZ", "Kazakhstan"}, {"KG", "Kyrgyzstan"},  {"TJ", "Tajikistan"}, {"TM", "Turkmenistan"},
      {"UZ", "Uzbekistan"}, {"AF", "Afghanistan"}, {"RU", "Russia"},     {"TR", "Türkiye"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(code, names[i][0]))
      return names[i][1];
  return code;
}

void player_set_site(struct player *p, const char *country, int offset_s)
{
  snprintf(p->country, sizeof p->country, "%s", country ? country : "");
  p->offset_s = offset_s;
}

void player_set_clock_trusted(struct player *p, int trusted)
{
  p->clock_untrusted = !trusted;
}

void player_refresh_band(struct player *p, struct slide *s, int shift_x)
{
  if (!s->surf)
    return;
  const struct deck_entry *en = deck_get(p->deck, s->entry);
  const char *lang = en ? en->lang : "en";
  const struct deck_hotline *hl[8];
  size_t n = deck_band(p->deck, p->country, hl, 8);
  struct band_hotline bh[8];
  char labels[8][96];
  for (size_t i = 0; i < n; i++) {
    bh[i].label = deck_hotline_label(hl[i], lang);
    bh[i].number = hl[i]->number;
  }
  /* No pack gives one: the configured hotlines for the site. */
  for (size_t i = 0; n == 0 && i < p->n_fallback && i < 8; i++) {
    const struct config_hotline *c = &p->fallback[i];
    if (p->country[0] && strcmp(p->country, c->country))
      continue;
    snprintf(labels[i], sizeof labels[i], "%s%s%s", country_name(c->country),
             c->channel[0] ? " \xC2\xB7 " : "", c->channel);
    bh[n].label = labels[i];
    bh[n].number = c->number;
    n++;
  }
  char clock[16] = "";
  if (!p->clock_untrusted) {
    time_t now = (time_t)(clock_wall() + p->offset_s);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(clock, sizeof clock, "%H:%M", &tm);
  }
  char pos[64] = "";
  if (en && s->n_parts > 1)
    snprintf(pos, sizeof pos, "%d / %d \xC2\xB7 %d/%d", en->index + 1, en->n_pages, s->part + 1,
             s->n_parts);
  else if (en)
    snprintf(pos, sizeof pos, "%d / %d", en->index + 1, en->n_pages);
  struct band_input in = {bh, n, clock[0] ? clock : NULL, pos, lang, shift_x};
  band_paint(p->fonts, s->surf, &in);
}

static const char builtin_md[] =
    "# Information kiosk\n"
    "\n"
    "No content is installed yet.\n"
    "\n"
    "For staff: insert a USB stick with a signed content pack. The screen will say what it "
    "found and what it installed.\n";

struct player *player_new(const struct deck *d, struct fonts *f)
{
  struct player *p = calloc(1, sizeof *p);
  if (p) {
    p->deck = d;
    p->fonts = f;
  }
  return p;
}

void player_free(struct player *p)
{
  free(p);
}

int player_problems(const struct player *p)
{
  return p->problems;
}

void slide_clear(struct slide *s)
{
  if (s->surf)
    SDL_FreeSurface(s->surf);
  memset(s, 0, sizeof *s);
}

/* The fonts a pack carries in fonts/ join the fallback chain the first
 * time one of its pages is drawn. */
static void add_pack_fonts(struct player *p, const char *root)
{
  /* Each pack folder is looked at once, not at every page drawn. */
  for (int i = 0; i < p->n_scanned; i++)
    if (!strcmp(p->scanned[i], root))
      return;
  if (p->n_scanned < PLAYER_MAX_PACKS)
    snprintf(p->scanned[p->n_scanned++], sizeof p->scanned[0], "%s", root);
  char dir[2048];
  snprintf(dir, sizeof dir, "%s/fonts", root);
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t n = strlen(de->d_name);
    if (de->d_name[0] == '.' || n < 5 ||
        (strcasecmp(de->d_name + n - 4, ".ttf") && strcasecmp(de->d_name + n - 4, ".otf")))
      continue;
    char path[2400];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    struct kerr e;
    if (fonts_add_file(p->fonts, path, &e))
      log_warn("%s", e.msg);
  }
  closedir(d);
}

/* Lays out and paints one page (no band). */
static int render_page(struct player *p, size_t entry, int part, int w, int h, struct slide *out,
                       struct kerr *e)
{
  memset(out, 0, sizeof *out);
  const struct deck_entry *en = deck_get(p->deck, entry);
  struct page *pg = NULL;
  int rc;
  if (en) {
    add_pack_fonts(p, en->root);
    rc = page_load(en->root, en->page, &pg, e);
  } else {
    /* The built-in page: the configured hotlines, and a note for staff. */
    char md[8192];
    size_t o;
    if (p->notice[0]) {
      /* Fail closed: say why nothing is shown, for staff. */
      char esc[3 * sizeof p->notice];
      md_escape(p->notice, esc, sizeof esc);
      o = (size_t)snprintf(md, sizeof md, "# Information kiosk\n\nFor staff: %s\n", esc);
    } else {
      o = (size_t)snprintf(md, sizeof md, "%s", builtin_md);
    }
    if (p->n_fallback && o < sizeof md)
      o += (size_t)snprintf(md + o, sizeof md - o, "\n```hotlines\n");
    for (size_t i = 0; i < p->n_fallback && o < sizeof md; i++)
      o += (size_t)snprintf(md + o, sizeof md - o, "%s | %s | %s\n",
                            country_name(p->fallback[i].country), p->fallback[i].number,
                            p->fallback[i].channel);
    if (p->n_fallback && o < sizeof md)
      o += (size_t)snprintf(md + o, sizeof md - o, "```\n");
    rc = page_parse(md, o < sizeof md ? o : sizeof md - 1, "built-in page", &pg, e);
  }
  if (rc)
    return rc;
  for (size_t i = 0; i < pg->n_problems; i++) {
    log_warn("%s%s%s:%d: %s", en ? en->root : "", en ? "/" : "", pg->name, pg->problems[i].line,
             pg->problems[i].msg);
    p->problems++;
  }
  SDL_Color accent = {0, 0, 0, 0};
  if (en && en->has_accent)
    accent =
        (SDL_Color){(Uint8)(en->accent >> 16), (Uint8)(en->accent >> 8), (Uint8)en->accent, 255};
  struct layout_input in = {
      pg, en ? en->root : ".", w, h, accent, en ? en->lang : "en", images_size_at};
  struct layout *l = NULL;
  rc = layout_page(p->fonts, &in, part, &l, e);
  if (rc) {
    page_free(pg);
    return rc;
  }
  for (size_t i = 0; i < l->n_problems; i++) {
    log_warn("%s (%dx%d): %s", en ? en->root : "built-in page", w, h, l->problems[i].msg);
    p->problems++;
  }
  out->problems = (int)(pg->n_problems + l->n_problems);
  int failed = 0;
  rc = paint_layout(l, &out->surf, &failed, e);
  out->entry = en ? entry : (size_t)-1;
  out->part = l->part;
  out->n_parts = l->n_parts;
  int dur = pg->duration_s > 0 ? pg->duration_s : PAGE_DEFAULT_DURATION_S;
  out->duration_ms = dur * 1000;
  layout_free(l);
  page_free(pg);
  if (!rc && failed) {
    log_warn("%s/%s: %d part%s of the page could not be drawn", en ? en->root : "",
             en ? en->page : "", failed, failed == 1 ? "" : "s");
    p->problems += failed;
  }
  return rc;
}

int player_render(struct player *p, size_t entry, int part, int w, int h, struct slide *out,
                  struct kerr *e)
{
  int rc = render_page(p, entry, part, w, h, out, e);
  if (!rc)
    player_refresh_band(p, out, 0);
  return rc;
}

int player_render_pair(struct player *p, size_t entry, size_t entry2, int part, int w, int h,
                       struct slide *out, struct kerr *e)
{
  if (!player_pair_fits(w, h) || !deck_get(p->deck, entry2))
    return player_render(p, entry, part, w, h, out, e);
  /* Each language in its own half, a thin rule between them; one band. */
  int half = w / 2;
  struct slide a = {0}, b = {0};
  int rc = render_page(p, entry, part, half, h, &a, e);
  if (!rc)
    rc = render_page(p, entry2, part, w - half, h, &b, e);
  if (rc) {
    slide_clear(&a);
    slide_clear(&b);
    return rc;
  }
  memset(out, 0, sizeof *out);
  out->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_XRGB8888);
  if (!out->surf) {
    slide_clear(&a);
    slide_clear(&b);
    return kerr_set(e, KERR_NOMEM, "out of memory for a %dx%d page", w, h);
  }
  SDL_Rect ra = {0, 0, half, h}, rb = {half, 0, w - half, h};
  SDL_BlitSurface(a.surf, NULL, out->surf, &ra);
  SDL_BlitSurface(b.surf, NULL, out->surf, &rb);
  int s = w < h ? w : h;
  SDL_Rect rule = {half - s / 400 - 1, s * 45 / 1000, s / 200 + 2,
                   h - layout_band_height(w, h) - s * 9 / 100};
  SDL_FillRect(out->surf, &rule, SDL_MapRGB(out->surf->format, 0xC9, 0xD6, 0xE3));
  out->entry = entry;
  out->part = a.part > b.part ? a.part : b.part;
  out->n_parts = a.n_parts > b.n_parts ? a.n_parts : b.n_parts;
  out->duration_ms = a.duration_ms > b.duration_ms ? a.duration_ms : b.duration_ms;
  out->problems = a.problems + b.problems;
  slide_clear(&a);
  slide_clear(&b);
  player_refresh_band(p, out, 0);
  return 0;
}

int player_pair_fits(int w, int h)
{
  /* Two columns of readable text need a wide landscape screen. */
  return w >= 1600 && w * 9 >= h * 16;
}
