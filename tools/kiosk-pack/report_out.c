/* report_out.c — writes a merged report (report.h) as one self-contained
 * HTML file, as JSON and as CSV files, all with the same numbers.
 *
 * The HTML has no scripts and fetches nothing: styles are inline, charts
 * are inline SVG, so it opens the same in any browser, offline, and can be
 * mailed as it is. Wide tables scroll inside their own box so the page
 * never scrolls sideways. Every string that came from a kiosk is escaped
 * for where it goes (HTML text and attributes, JSON through cJSON, CSV
 * quoted, with a leading ' where a spreadsheet would read a formula).
 *
 * Each file is written under a temporary name beside it and renamed into
 * place when complete. */
#include "kiosk-pack/report.h"
#include "kiosk-pack/cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DAY_S 86400
#define STALE_VISIT_DAYS 60   /* a site not visited for longer is flagged */
#define MAX_PROBLEMS_SHOWN 20 /* per site, newest */
#define MAX_BUCKETS 60        /* bars in a chart over time */

/* --- output files --------------------------------------------------------- */

struct outf {
  FILE *f;
  char path[4200];
  char tmp[4300];
};

static int out_open(struct outf *o, const char *path)
{
  snprintf(o->path, sizeof o->path, "%s", path);
  snprintf(o->tmp, sizeof o->tmp, "%s.tmp", path);
  o->f = fopen(o->tmp, "w");
  return o->f ? 0 : errno;
}

static int out_close(struct outf *o)
{
  int err = ferror(o->f) ? EIO : 0;
  if (fflush(o->f) != 0 && !err)
    err = errno;
  if (!err && fsync(fileno(o->f)) != 0 && errno != EINVAL)
    err = errno;
  if (fclose(o->f) != 0 && !err)
    err = errno;
  if (!err && rename(o->tmp, o->path) != 0)
    err = errno;
  if (err)
    unlink(o->tmp);
  return err;
}

static void day_text(int64_t t, char *buf, size_t cap)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (t <= 0 || !gmtime_r(&tt, &tm) || !strftime(buf, cap, "%Y-%m-%d", &tm))
    snprintf(buf, cap, "—");
}

static void time_text(int64_t t, char *buf, size_t cap)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (t <= 0 || !gmtime_r(&tt, &tm) || !strftime(buf, cap, "%Y-%m-%d %H:%M", &tm))
    snprintf(buf, cap, "—");
}

static void iso_text(int64_t t, char *buf, size_t cap)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm) || !strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(buf, cap, "1970-01-01T00:00:00Z");
}

static void hours_text(uint64_t ms, char *buf, size_t cap)
{
  snprintf(buf, cap, "%" PRIu64 ".%" PRIu64, ms / 3600000, ms % 3600000 / 360000);
}

/* --- what a site's packs look like now ------------------------------------ */

enum pack_state { PS_OK, PS_STALE, PS_EXPIRED, PS_DAMAGED };

static enum pack_state pack_state(const struct report *r, const struct report_pack *p,
                                  uint64_t *newest, int64_t *expires)
{
  *newest = report_newest(r, p->id, NULL, NULL);
  *expires = report_expiry(r, p);
  if (p->current == 0)
    return PS_DAMAGED;
  if (*expires && *expires <= r->now)
    return PS_EXPIRED;
  if (*newest > p->current)
    return PS_STALE;
  return PS_OK;
}

static const struct report_visit *last_visit(const struct report_site *s)
{
  return s->n_visits ? &s->visits[s->n_visits - 1] : NULL;
}

/* --- HTML ----------------------------------------------------------------- */

static void esc(FILE *f, const char *s)
{
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(*s, f);
    }
  }
}

static void tag(FILE *f, const char *open, const char *text, const char *close)
{
  fputs(open, f);
  esc(f, text);
  fputs(close, f);
}

static const char *lang_name(const char *code)
{
  static const char *const names[][2] = {
      {"en", "English"}, {"ru", "Русский"},   {"kk", "Қазақша"},   {"ky", "Кыргызча"},
      {"tg", "Тоҷикӣ"},  {"uz", "Oʻzbekcha"}, {"tk", "Türkmençe"}, {"fa", "دری"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(names[i][0], code))
      return names[i][1];
  return "";
}

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#17becf", "#7f7f7f"};
#define N_COLOURS (sizeof palette / sizeof palette[0])

/* The languages of the whole report, most shown first: colours stay the
 * same in every chart. */
struct langs {
  char **code;
  uint64_t *plays;
  size_t n;
};

static size_t lang_index(const struct langs *L, const char *code)
{
  for (size_t i = 0; i < L->n; i++)
    if (!strcmp(L->code[i], code))
      return i;
  return L->n;
}

static int langs_make(const struct report *r, struct langs *L)
{
  memset(L, 0, sizeof *L);
  L->code = calloc(r->n_keys + 1, sizeof *L->code);
  L->plays = calloc(r->n_keys + 1, sizeof *L->plays);
  if (!L->code || !L->plays)
    return -1;
  for (size_t i = 0; i < r->n_keys; i++)
    if (lang_index(L, r->keys[i].lang) == L->n)
      L->code[L->n++] = r->keys[i].lang;
  for (size_t i = 0; i < r->n_sites; i++)
    for (size_t j = 0; j < r->sites[i].n_plays; j++) {
      const struct report_play *p = &r->sites[i].plays[j];
      L->plays[lang_index(L, r->keys[p->key].lang)] += p->plays;
    }
  for (size_t i = 1; i < L->n; i++) /* insertion sort, few languages */
    for (size_t j = i; j > 0 &&
         (L->plays[j] > L->plays[j - 1] ||
          (L->plays[j] == L->plays[j - 1] && strcmp(L->code[j], L->code[j - 1]) < 0));
         j--) {
      char *c = L->code[j];
      L->code[j] = L->code[j - 1];
      L->code[j - 1] = c;
      uint64_t p = L->plays[j];
      L->plays[j] = L->plays[j - 1];
      L->plays[j - 1] = p;
    }
  return 0;
}

static const char *lang_colour(const struct langs *L, const char *code)
{
  size_t i = lang_index(L, code);
  return palette[i < N_COLOURS - 1 ? i : N_COLOURS - 1];
}

/* Buckets of time for a chart: days, weeks (from Monday) or months. */
enum unit { U_DAY, U_WEEK, U_MONTH };

static int32_t bucket_of(int32_t day, enum unit u)
{
  if (u == U_DAY)
    return day;
  if (u == U_WEEK) /* 1970-01-01 was a Thursday */
    return (day + 3 >= 0 ? (day + 3) / 7 : (day - 3) / 7);
  time_t t = (time_t)day * DAY_S;
  struct tm tm;
  gmtime_r(&t, &tm);
  return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static void bucket_label(int32_t b, enum unit u, char *buf, size_t cap)
{
  if (u == U_MONTH) {
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(buf, cap, "%s %d", mon[b % 12], b / 12);
    return;
  }
  int64_t day = u == U_WEEK ? (int64_t)b * 7 - 3 : b;
  time_t t = (time_t)day * DAY_S;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, cap, "%d %b", &tm);
}

/* The top of a chart's scale: four equal steps of 1, 2 or 5 times a power
 * of ten, reaching at least v. */
static uint64_t nice_max(uint64_t v)
{
  uint64_t want = (v + 3) / 4, step = 1;
  for (;;) {
    if (step >= want)
      return 4 * step;
    if (2 * step >= want)
      return 8 * step;
    if (5 * step >= want)
      return 20 * step;
    step *= 10;
  }
}

/* A stacked bar chart of plays per language over time, from the plays of
 * sites [first, first + count). */
static void chart_time(FILE *f, const struct report *r, const struct langs *L, size_t first,
                       size_t count, const char *title)
{
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (size_t i = first; i < first + count; i++) {
    const struct report_site *s = &r->sites[i];
    if (s->n_plays) {
      if (s->plays[0].day < lo)
        lo = s->plays[0].day;
      if (s->plays[s->n_plays - 1].day > hi)
        hi = s->plays[s->n_plays - 1].day;
    }
  }
  if (lo > hi) {
    fputs("<p class=\"muted\">No plays in the play logs.</p>\n", f);
    return;
  }
  enum unit u = hi - lo < 45 ? U_DAY : hi - lo < 7 * 40 ? U_WEEK : U_MONTH;
  int32_t b0 = bucket_of(lo, u), b1 = bucket_of(hi, u);
  if (b1 - b0 + 1 > MAX_BUCKETS)
    b0 = b1 - MAX_BUCKETS + 1; /* the most recent ones */
  size_t nb = (size_t)(b1 - b0 + 1);
  size_t nl = L->n ? L->n : 1;
  uint64_t *v = calloc(nb * nl, sizeof *v);
  if (!v)
    return;
  for (size_t i = first; i < first + count; i++) {
    const struct report_site *s = &r->sites[i];
    for (size_t j = 0; j < s->n_plays; j++) {
      int32_t b = bucket_of(s->plays[j].day, u);
      if (b < b0)
        continue;
      size_t li = lang_index(L, r->keys[s->plays[j].key].lang);
      v[(size_t)(b - b0) * nl + (li < nl ? li : nl - 1)] += s->plays[j].plays;
    }
  }
  uint64_t top = 1;
  for (size_t b = 0; b < nb; b++) {
    uint64_t sum = 0;
    for (size_t l = 0; l < nl; l++)
      sum += v[b * nl + l];
    if (sum > top)
      top = sum;
  }
  top = nice_max(top);
  const int W = 760, H = 240, ml = 56, mr = 8, mt = 10, mb = 34;
  double pw = W - ml - mr, ph = H - mt - mb;
  double bw = pw / (double)nb;
  fprintf(f,
          "<figure class=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\" "
          "aria-label=\"",
          W, H);
  esc(f, title);
  fputs("\" xmlns=\"http://www.w3.org/2000/svg\">\n", f);
  for (int g = 0; g <= 4; g++) {
    double y = mt + ph - ph * g / 4.0;
    fprintf(f,
            "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
            "class=\"grid\"/><text x=\"%d\" y=\"%.1f\" class=\"ax\" "
            "text-anchor=\"end\">%" PRIu64 "</text>\n",
            ml, W - mr, y, y, ml - 6, y + 4, top * (uint64_t)g / 4);
  }
  size_t every = nb <= 12 ? 1 : (nb + 11) / 12;
  for (size_t b = 0; b < nb; b++) {
    double x = ml + bw * (double)b, y = mt + ph;
    for (size_t l = 0; l < nl; l++) {
      uint64_t n = v[b * nl + l];
      if (!n)
        continue;
      double h = ph * (double)n / (double)top;
      y -= h;
      fprintf(f,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
              "fill=\"%s\"><title>",
              x + bw * 0.1, y, bw * 0.8, h, L->n ? lang_colour(L, L->code[l]) : palette[0]);
      char lab[32];
      bucket_label(b0 + (int32_t)b, u, lab, sizeof lab);
      esc(f, lab);
      fputs(" · ", f);
      if (L->n)
        esc(f, L->code[l]);
      fprintf(f, ": %" PRIu64 " plays</title></rect>\n", n);
    }
    if (b % every == 0) {
      char lab[32];
      bucket_label(b0 + (int32_t)b, u, lab, sizeof lab);
      fprintf(f,
              "<text x=\"%.1f\" y=\"%d\" class=\"ax\" "
              "text-anchor=\"middle\">",
              x + bw / 2, H - mb + 16);
      esc(f, lab);
      fputs("</text>\n", f);
    }
  }
  fputs("</svg><figcaption>", f);
  esc(f, title);
  fprintf(f, " — plays per %s, by language.",
          u == U_DAY        ? "day"
              : u == U_WEEK ? "week (from Monday)"
                            : "month");
  fputs(" <span class=\"legend\">", f);
  for (size_t l = 0; l < L->n; l++) {
    fprintf(f, "<span><i style=\"background:%s\"></i>", lang_colour(L, L->code[l]));
    esc(f, L->code[l]);
    if (lang_name(L->code[l])[0]) {
      fputs(" ", f);
      esc(f, lang_name(L->code[l]));
    }
    fputs("</span> ", f);
  }
  fputs("</span></figcaption></figure>\n", f);
  free(v);
}

/* Totals per (pack, page) and language for sites [first, first+count). */
struct page_row {
  const char *pack_id;
  const char *page;
  uint64_t *plays; /* per language */
  uint64_t *ms;
  uint64_t total, total_ms;
};

static int cmp_row(const void *a, const void *b)
{
  const struct page_row *x = a, *y = b;
  if (x->total != y->total)
    return x->total > y->total ? -1 : 1;
  int c = strcmp(x->pack_id, y->pack_id);
  return c ? c : strcmp(x->page, y->page);
}

static void table_pages(FILE *f, const struct report *r, const struct langs *L, size_t first,
                        size_t count, int with_chart)
{
  size_t nl = L->n ? L->n : 1;
  size_t cap = r->n_keys + 1, n = 0;
  struct page_row *rows = calloc(cap, sizeof *rows);
  uint64_t *cells = calloc(cap * nl * 2, sizeof *cells);
  if (!rows || !cells) {
    free(rows);
    free(cells);
    return;
  }
  for (size_t i = first; i < first + count; i++) {
    const struct report_site *s = &r->sites[i];
    for (size_t j = 0; j < s->n_plays; j++) {
      const struct report_key *k = &r->keys[s->plays[j].key];
      size_t ri = 0;
      while (ri < n && (strcmp(rows[ri].pack_id, k->pack_id) || strcmp(rows[ri].page, k->page)))
        ri++;
      if (ri == n) {
        rows[n].pack_id = k->pack_id;
        rows[n].page = k->page;
        rows[n].plays = cells + n * nl * 2;
        rows[n].ms = cells + n * nl * 2 + nl;
        n++;
      }
      size_t li = lang_index(L, k->lang);
      li = li < nl ? li : nl - 1;
      rows[ri].plays[li] += s->plays[j].plays;
      rows[ri].ms[li] += s->plays[j].ms;
      rows[ri].total += s->plays[j].plays;
      rows[ri].total_ms += s->plays[j].ms;
    }
  }
  if (n == 0) {
    free(rows);
    free(cells);
    return;
  }
  qsort(rows, n, sizeof *rows, cmp_row);
  uint64_t top = rows[0].total ? rows[0].total : 1;
  if (with_chart) {
    /* horizontal stacked bars: plays per page, by language */
    size_t shown = n < 25 ? n : 25;
    const int W = 760, rowh = 22, ml = 230, mr = 70;
    int H = (int)shown * rowh + 10;
    fprintf(f,
            "<figure class=\"chart\"><svg viewBox=\"0 0 %d %d\" "
            "role=\"img\" aria-label=\"Plays per page\" "
            "xmlns=\"http://www.w3.org/2000/svg\">\n",
            W, H);
    for (size_t i = 0; i < shown; i++) {
      double y = 5 + (double)i * rowh, x = ml;
      fprintf(f,
              "<text x=\"%d\" y=\"%.1f\" class=\"ax\" "
              "text-anchor=\"end\">",
              ml - 6, y + 15);
      char lab[300];
      snprintf(lab, sizeof lab, "%s / %s", rows[i].pack_id, rows[i].page);
      if (strlen(lab) > 34)
        memcpy(lab + 31, "...", 4);
      esc(f, lab);
      fputs("</text>\n", f);
      for (size_t l = 0; l < nl; l++) {
        if (!rows[i].plays[l])
          continue;
        double w = (W - ml - mr) * (double)rows[i].plays[l] / (double)top;
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
                "fill=\"%s\"><title>",
                x, y + 3, w, rowh - 6, L->n ? lang_colour(L, L->code[l]) : palette[0]);
        if (L->n)
          esc(f, L->code[l]);
        fprintf(f, ": %" PRIu64 " plays</title></rect>\n", rows[i].plays[l]);
        x += w;
      }
      fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"ax\">%" PRIu64 "</text>\n", x + 4, y + 15,
              rows[i].total);
    }
    fputs("</svg><figcaption>Plays per page", f);
    if (n > shown)
      fprintf(f, " (the %zu most shown of %zu)", shown, n);
    fputs(", by language; colours as above.</figcaption></figure>\n", f);
  }
  fputs("<div class=\"scroll\"><table class=\"num\"><thead><tr><th>Pack</th>"
        "<th>Page</th>",
        f);
  for (size_t l = 0; l < L->n; l++)
    tag(f, "<th>", L->code[l], "</th>");
  fputs("<th>All languages</th></tr></thead><tbody>\n", f);
  for (size_t i = 0; i < n; i++) {
    fputs("<tr>", f);
    tag(f, "<td class=\"t\">", rows[i].pack_id, "</td>");
    tag(f, "<td class=\"t\">", rows[i].page, "</td>");
    char h[32];
    for (size_t l = 0; l < L->n; l++) {
      hours_text(rows[i].ms[l], h, sizeof h);
      if (rows[i].plays[l])
        fprintf(f, "<td>%" PRIu64 "<small>%s h</small></td>", rows[i].plays[l], h);
      else
        fputs("<td class=\"muted\">0</td>", f);
    }
    hours_text(rows[i].total_ms, h, sizeof h);
    fprintf(f, "<td><b>%" PRIu64 "</b><small>%s h</small></td></tr>\n", rows[i].total, h);
  }
  fputs("</tbody></table></div>\n<p class=\"muted\">Each cell: times the page "
        "was shown, and below it the hours it stood on the screen.</p>\n",
        f);
  free(rows);
  free(cells);
}

static void html_packs_cell(FILE *f, const struct report *r, const struct report_visit *v)
{
  if (!v) {
    fputs("<td class=\"muted\">unknown (no status.txt)</td>", f);
    return;
  }
  if (v->n_packs == 0) {
    fputs("<td class=\"bad\">none — built-in page only</td>", f);
    return;
  }
  fputs("<td class=\"t\">", f);
  for (size_t i = 0; i < v->n_packs; i++) {
    const struct report_pack *p = &v->packs[i];
    uint64_t newest;
    int64_t exp;
    enum pack_state st = pack_state(r, p, &newest, &exp);
    fprintf(f, "<span class=\"pk %s\">", st == PS_OK ? "ok" : st == PS_STALE ? "warn" : "bad");
    esc(f, p->id);
    if (st == PS_DAMAGED)
      fprintf(f, " damaged</span> ");
    else if (st == PS_STALE)
      fprintf(f, " %" PRIu64 " → %" PRIu64 "</span> ", p->current, newest);
    else
      fprintf(f, " %" PRIu64 "</span> ", p->current);
  }
  fputs("</td>", f);
}

static void html_state_cell(FILE *f, const struct report *r, const struct report_visit *v)
{
  if (!v) {
    fputs("<td class=\"muted\">—</td>", f);
    return;
  }
  int any = 0;
  for (size_t i = 0; i < v->n_packs; i++) {
    uint64_t newest;
    int64_t exp;
    enum pack_state st = pack_state(r, &v->packs[i], &newest, &exp);
    if (st != PS_EXPIRED && st != PS_DAMAGED)
      continue;
    fputs(any ? "<br>" : "<td class=\"bad t\">", f);
    any = 1;
    esc(f, v->packs[i].id);
    if (st == PS_DAMAGED) {
      fputs(": damaged, nothing to show", f);
    } else {
      char d[32];
      day_text(exp, d, sizeof d);
      fprintf(f, ": expired %s", d);
    }
  }
  fputs(any ? "</td>" : "<td class=\"ok\">none</td>", f);
}

static void html_site_row(FILE *f, const struct report *r, const struct report_site *s)
{
  const struct report_visit *v = last_visit(s);
  char d[32], d2[32];
  fputs("<tr><td class=\"t\"><a class=\"site\" href=\"#site-", f);
  esc(f, s->id);
  fputs("\">", f);
  esc(f, s->id);
  fputs("</a>", f);
  if (s->name[0]) {
    fputs("<br><small>", f);
    esc(f, s->name);
    fputs("</small>", f);
  }
  fputs("</td>", f);
  tag(f, "<td>", s->country[0] ? s->country : "—", "</td>");
  if (v) {
    day_text(v->written, d, sizeof d);
    int64_t age = (r->now - v->written) / DAY_S;
    fprintf(f,
            "<td class=\"%s\">%s<br><small>%" PRId64 " day%s ago</small>"
            "</td>",
            age > STALE_VISIT_DAYS ? "warn" : "", d, age, age == 1 ? "" : "s");
  } else {
    day_text(s->last_heard, d, sizeof d);
    fprintf(f,
            "<td class=\"muted\">no status<br><small>last heard %s</small>"
            "</td>",
            d);
  }
  html_packs_cell(f, r, v);
  html_state_cell(f, r, v);
  fprintf(f, "<td class=\"%s\">%u", s->unclean_restarts ? "warn" : "", s->restarts);
  if (s->unclean_restarts)
    fprintf(f, "<br><small>%u unclean</small>", s->unclean_restarts);
  fputs("</td>", f);
  fprintf(f, "<td class=\"%s\">", s->errors ? "bad" : s->warnings ? "warn" : "ok");
  if (!s->errors && !s->warnings)
    fputs("none", f);
  else
    fprintf(f, "%u error%s<br>%u warning%s", s->errors, s->errors == 1 ? "" : "s", s->warnings,
            s->warnings == 1 ? "" : "s");
  if (v && !v->clock_ok)
    fputs("<br><b>clock wrong</b>", f);
  fputs("</td>", f);
  char h[32];
  hours_text(s->ms_total, h, sizeof h);
  day_text(s->first_play, d, sizeof d);
  day_text(s->last_play, d2, sizeof d2);
  if (s->plays_total)
    fprintf(f,
            "<td class=\"n\">%" PRIu64 "<br><small>%s h, %s – %s%s"
            "</small></td>",
            s->plays_total, h, d, d2, s->n_gaps ? ", with gaps" : "");
  else
    fputs("<td class=\"n muted\">0</td>", f);
  fputs("</tr>\n", f);
}

static void html_site(FILE *f, const struct report *r, const struct langs *L, size_t si)
{
  const struct report_site *s = &r->sites[si];
  const struct report_visit *v = last_visit(s);
  char d[40], d2[40];
  fputs("<article id=\"site-", f);
  esc(f, s->id);
  fputs("\"><h3>", f);
  esc(f, s->id);
  if (s->name[0]) {
    fputs(" — ", f);
    esc(f, s->name);
  }
  if (s->country[0]) {
    fputs(" <small>(", f);
    esc(f, s->country);
    fputs(")</small>", f);
  }
  fputs("</h3>\n<dl>", f);
  if (v) {
    time_text(v->written, d, sizeof d);
    fprintf(f, "<dt>Last visit</dt><dd>%s UTC (by the kiosk's clock)</dd>", d);
    tag(f, "<dt>Software</dt><dd>", v->software ? v->software : "unknown", "</dd>");
    tag(f, "<dt>Up for</dt><dd>", v->uptime ? v->uptime : "unknown", "</dd>");
    fprintf(f, "<dt>Clock</dt><dd class=\"%s\">", v->clock_ok ? "" : "bad");
    esc(f, v->clock ? v->clock : "unknown");
    fputs("</dd>", f);
    tag(f, "<dt>Free space</dt><dd>", v->free_space ? v->free_space : "unknown", "</dd>");
  } else {
    fputs("<dt>Last visit</dt><dd>no status.txt among the logs read</dd>", f);
  }
  fprintf(f, "<dt>Visits read</dt><dd>%zu (from %zu folder%s)</dd>", s->n_visits, s->n_sources,
          s->n_sources == 1 ? "" : "s");
  if (s->since) {
    time_text(s->since, d, sizeof d);
    fprintf(f,
            "<dt>Since the visit before</dt><dd>%s UTC: %u restart%s "
            "(%u unclean), %u error%s, %u warning%s</dd>",
            d, s->restarts, s->restarts == 1 ? "" : "s", s->unclean_restarts, s->errors,
            s->errors == 1 ? "" : "s", s->warnings, s->warnings == 1 ? "" : "s");
  } else {
    fprintf(f,
            "<dt>In the log brought home</dt><dd>%u restart%s (%u "
            "unclean), %u error%s, %u warning%s</dd>",
            s->restarts, s->restarts == 1 ? "" : "s", s->unclean_restarts, s->errors,
            s->errors == 1 ? "" : "s", s->warnings, s->warnings == 1 ? "" : "s");
  }
  fputs("</dl>\n", f);

  if (v && v->n_packs) {
    fputs("<div class=\"scroll\"><table><thead><tr><th>Pack</th><th>Title</th>"
          "<th>Installed</th><th>Newest known</th><th>Expires</th>"
          "<th>State</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < v->n_packs; i++) {
      const struct report_pack *p = &v->packs[i];
      uint64_t newest;
      int64_t exp;
      enum pack_state st = pack_state(r, p, &newest, &exp);
      fputs("<tr>", f);
      tag(f, "<td class=\"t\">", p->id, "</td>");
      tag(f, "<td class=\"t\">", p->title, "</td>");
      if (p->current)
        fprintf(f, "<td>%" PRIu64 "%s</td>", p->current, p->previous ? "" : "");
      else
        fputs("<td>—</td>", f);
      fprintf(f, "<td>%" PRIu64 "</td>", newest);
      day_text(exp, d, sizeof d);
      fprintf(f, "<td>%s</td>", exp ? d : "never or unknown");
      fprintf(f, "<td class=\"%s\">%s</td></tr>\n",
              st == PS_OK          ? "ok"
                  : st == PS_STALE ? "warn"
                                   : "bad",
              st == PS_OK            ? "current"
                  : st == PS_STALE   ? "a newer version exists — bring it"
                  : st == PS_EXPIRED ? "expired — no longer shown; bring a new version"
                                     : "damaged — nothing shown; bring the pack again");
    }
    fputs("</tbody></table></div>\n", f);
  }
  if (s->n_gaps) {
    fputs("<p class=\"warn\">No play log for ", f);
    for (size_t i = 0; i < s->n_gaps; i++) {
      time_text(s->gaps[i].from, d, sizeof d);
      time_text(s->gaps[i].to, d2, sizeof d2);
      fprintf(f, "%s%s – %s", i ? "; " : "", d, d2);
    }
    fputs(" UTC: the kiosk was off, or its play log filled up and was "
          "rotated before a visit brought it home (raise play_log_max_kb "
          "when visits are rarer).</p>\n",
          f);
  }
  chart_time(f, r, L, si, 1, s->id);
  table_pages(f, r, L, si, 1, 0);

  size_t nprob = 0;
  for (size_t i = 0; i < s->n_events; i++)
    nprob += (s->events[i].kind == REPORT_EV_ERROR || s->events[i].kind == REPORT_EV_WARN ||
              (s->events[i].kind == REPORT_EV_START && s->events[i].unclean)) &&
        s->events[i].time > s->since;
  if (nprob) {
    fprintf(f,
            "<details><summary>%zu problem%s %s (the newest %d "
            "shown)</summary><div class=\"scroll\"><table><tbody>\n",
            nprob, nprob == 1 ? "" : "s",
            s->since ? "since the visit before" : "in the log brought home", MAX_PROBLEMS_SHOWN);
    size_t shown = 0;
    for (size_t i = s->n_events; i-- > 0 && shown < MAX_PROBLEMS_SHOWN;) {
      const struct report_event *ev = &s->events[i];
      if (ev->time <= s->since)
        break;
      const char *what = ev->kind == REPORT_EV_ERROR   ? "error"
          : ev->kind == REPORT_EV_WARN                 ? "warning"
          : ev->kind == REPORT_EV_START && ev->unclean ? "restart"
                                                       : NULL;
      if (!what)
        continue;
      time_text(ev->time, d, sizeof d);
      fprintf(f, "<tr><td>%s</td><td class=\"%s\">%s</td>", d,
              !strcmp(what, "warning") ? "warn" : "bad", what);
      if (ev->kind == REPORT_EV_START)
        fputs("<td class=\"t\">started again without a clean stop (power "
              "cut or crash)</td></tr>\n",
              f);
      else
        tag(f, "<td class=\"t\">", ev->text, "</td></tr>\n");
      shown++;
    }
    fputs("</tbody></table></div></details>\n", f);
  }
  fputs("</article>\n", f);
}

static const char css[] = "*{box-sizing:border-box}"
                          "body{font:15px/1.45 system-ui,'Noto Sans',sans-serif;margin:0 auto;"
                          "max-width:1200px;padding:16px;color:#222;background:#fff}"
                          "h1{font-size:1.6em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:2px "
                          "solid #ddd}h3{margin:1.4em 0 .4em}"
                          "nav a{margin-right:1em}a.site{white-space:nowrap}"
                          ".scroll{overflow-x:auto;max-width:100%}"
                          "table{border-collapse:collapse;margin:.5em 0;min-width:50%}"
                          "th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;"
                          "text-align:left}"
                          "th{background:#f2f2f2}"
                          "table.num td,td.n{text-align:right}td.t,table.num td.t{text-align:left;"
                          "overflow-wrap:anywhere}"
                          "small{display:block;color:#666;font-size:.8em}"
                          ".ok{background:#eaf6ea}.warn{background:#fff4d6}.bad{background:#fde2e1}"
                          ".muted{color:#777}"
                          ".pk{display:inline-block;padding:0 5px;margin:1px;border-radius:3px;"
                          "white-space:nowrap}"
                          "dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}"
                          "dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}"
                          "figure.chart{margin:.6em 0}figure.chart svg{width:100%;height:auto;"
                          "max-width:760px;display:block}"
                          ".grid{stroke:#e3e3e3}.ax{font-size:11px;fill:#444}"
                          ".legend span{white-space:nowrap;margin-right:10px}"
                          ".legend i{display:inline-block;width:10px;height:10px;margin-right:4px}"
                          "figcaption{font-size:.9em;color:#444}"
                          "article{border-top:1px solid #eee}"
                          "details{margin:.5em 0}"
                          "@media print{nav,details>summary{display:none}details{display:block}}";

int report_write_html(const struct report *r, const char *path)
{
  struct outf o;
  int err = out_open(&o, path);
  if (err)
    return err;
  FILE *f = o.f;
  struct langs L;
  if (langs_make(r, &L)) {
    free(L.code);
    free(L.plays);
    fclose(f);
    unlink(o.tmp);
    return ENOMEM;
  }
  char now[40], d[40], d2[40];
  time_text(r->now, now, sizeof now);
  uint64_t plays = 0, ms = 0;
  size_t visits = 0;
  int64_t lo = 0, hi = 0;
  unsigned stale = 0, expired = 0, damaged = 0, troubled = 0, unvisited = 0;
  for (size_t i = 0; i < r->n_sites; i++) {
    const struct report_site *s = &r->sites[i];
    plays += s->plays_total;
    ms += s->ms_total;
    visits += s->n_visits;
    if (s->first_play && (!lo || s->first_play < lo))
      lo = s->first_play;
    if (s->last_play > hi)
      hi = s->last_play;
    const struct report_visit *v = last_visit(s);
    if (!v || (r->now - v->written) / DAY_S > STALE_VISIT_DAYS)
      unvisited++;
    int st_stale = 0, st_exp = 0, st_dmg = 0;
    for (size_t j = 0; v && j < v->n_packs; j++) {
      uint64_t nw;
      int64_t ex;
      enum pack_state st = pack_state(r, &v->packs[j], &nw, &ex);
      st_stale |= st == PS_STALE;
      st_exp |= st == PS_EXPIRED;
      st_dmg |= st == PS_DAMAGED;
    }
    stale += (unsigned)st_stale;
    expired += (unsigned)st_exp;
    damaged += (unsigned)st_dmg;
    troubled += s->errors || s->unclean_restarts || (v && !v->clock_ok);
  }
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\"><title>Kiosk fleet report — ",
        f);
  fputs(now, f);
  fprintf(f, " UTC</title><style>%s</style></head><body>\n", css);
  fprintf(f,
          "<header><h1>Kiosk fleet report</h1><p>As of %s UTC · %zu "
          "site%s · %zu visit%s read from %zu folder%s",
          now, r->n_sites, r->n_sites == 1 ? "" : "s", visits, visits == 1 ? "" : "s", r->n_folders,
          r->n_folders == 1 ? "" : "s");
  if (plays) {
    day_text(lo, d, sizeof d);
    day_text(hi, d2, sizeof d2);
    char h[32];
    hours_text(ms, h, sizeof h);
    fprintf(f, " · %" PRIu64 " plays, %s hours on screen, %s – %s", plays, h, d, d2);
  }
  fputs("</p></header>\n<nav><a href=\"#fleet\">Fleet</a><a href=\"#plays\">"
        "What was shown</a><a href=\"#sites\">Sites</a><a href=\"#input\">"
        "Problems in the input</a></nav>\n",
        f);

  fputs("<section id=\"fleet\"><h2>Fleet</h2>\n<ul>", f);
  fprintf(f,
          "<li>%u site%s with a newer pack version waiting to be "
          "brought</li>",
          stale, stale == 1 ? "" : "s");
  fprintf(f,
          "<li>%u site%s showing expired content, %u with damaged "
          "content</li>",
          expired, expired == 1 ? "" : "s", damaged);
  fprintf(f,
          "<li>%u site%s with errors, unclean restarts or a wrong "
          "clock</li>",
          troubled, troubled == 1 ? "" : "s");
  fprintf(f,
          "<li>%u site%s not visited for more than %d days (or never, "
          "as far as these logs tell)</li></ul>\n",
          unvisited, unvisited == 1 ? "" : "s", STALE_VISIT_DAYS);
  fputs("<div class=\"scroll\"><table class=\"fleet\"><thead><tr><th>Site</th>"
        "<th>Country</th><th>Last visit</th><th>Packs installed (→ newest "
        "known)</th><th>Expired or damaged</th><th>Restarts since last "
        "visit</th><th>Problems since last visit</th><th>Plays</th></tr>"
        "</thead><tbody>\n",
        f);
  for (size_t i = 0; i < r->n_sites; i++)
    html_site_row(f, r, &r->sites[i]);
  if (!r->n_sites)
    fputs("<tr><td colspan=\"8\" class=\"muted\">No kiosk logs were found."
          "</td></tr>\n",
          f);
  fputs("</tbody></table></div>\n<p class=\"muted\">\"Since last visit\": "
        "since the visit before the last one, as the last visit brought "
        "home; with one visit, everything in the log it brought. Green: "
        "fine; yellow: needs attention at the next visit; red: not "
        "working as it should.</p></section>\n",
        f);

  fputs("<section id=\"plays\"><h2>What was shown</h2>\n", f);
  chart_time(f, r, &L, 0, r->n_sites, "All sites");
  table_pages(f, r, &L, 0, r->n_sites, 1);
  fputs("</section>\n<section id=\"sites\"><h2>Sites</h2>\n", f);
  for (size_t i = 0; i < r->n_sites; i++)
    html_site(f, r, &L, i);
  fputs("</section>\n<section id=\"input\"><h2>Problems in the input</h2>\n", f);
  if (!r->n_issues) {
    fputs("<p class=\"ok\">None: every file read was whole.</p>\n", f);
  } else {
    fputs("<div class=\"scroll\"><table><thead><tr><th></th><th>File</th>"
          "<th>Line</th><th>What</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < r->n_issues; i++) {
      const struct report_issue *is = &r->issues[i];
      fprintf(f, "<tr><td class=\"%s\">%s</td>", is->level ? "warn" : "",
              is->level ? "warning" : "note");
      tag(f, "<td class=\"t\">", is->file, "</td>");
      if (is->line)
        fprintf(f, "<td>%" PRIu64 "</td>", is->line);
      else
        fputs("<td></td>", f);
      tag(f, "<td class=\"t\">", is->msg, "</td></tr>\n");
    }
    fputs("</tbody></table></div>\n", f);
    if (r->issues_dropped)
      fprintf(f, "<p>and %" PRIu64 " more</p>\n", r->issues_dropped);
  }
  fprintf(f,
          "</section>\n<footer><p class=\"muted\">Made by kiosk-pack %s "
          "from the logs the kiosks wrote. Times are UTC; a kiosk's times are "
          "by its own clock.</p></footer>\n</body></html>\n",
          KIOSK_VERSION);
  free(L.code);
  free(L.plays);
  return out_close(&o);
}

/* --- JSON ----------------------------------------------------------------- */

static cJSON *jtime(int64_t t)
{
  if (t <= 0)
    return cJSON_CreateNull();
  char b[32];
  iso_text(t, b, sizeof b);
  return cJSON_CreateString(b);
}

static cJSON *site_json(const struct report *r, const struct report_site *s)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "id", s->id);
  cJSON_AddStringToObject(o, "name", s->name);
  cJSON_AddStringToObject(o, "country", s->country);
  const struct report_visit *v = last_visit(s);
  cJSON_AddItemToObject(o, "last_visit", jtime(v ? v->written : 0));
  cJSON_AddItemToObject(o, "last_heard", jtime(s->last_heard));
  cJSON_AddItemToObject(o, "since", jtime(s->since));
  cJSON_AddNumberToObject(o, "restarts", s->restarts);
  cJSON_AddNumberToObject(o, "unclean_restarts", s->unclean_restarts);
  cJSON_AddNumberToObject(o, "errors", s->errors);
  cJSON_AddNumberToObject(o, "warnings", s->warnings);
  cJSON_AddNumberToObject(o, "plays", (double)s->plays_total);
  cJSON_AddNumberToObject(o, "seconds_shown", (double)(s->ms_total / 1000));
  cJSON_AddItemToObject(o, "first_play", jtime(s->first_play));
  cJSON_AddItemToObject(o, "last_play", jtime(s->last_play));
  cJSON *vs = cJSON_AddArrayToObject(o, "visits");
  for (size_t i = 0; i < s->n_visits; i++) {
    const struct report_visit *x = &s->visits[i];
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "written", jtime(x->written));
    cJSON_AddStringToObject(j, "software", x->software ? x->software : "");
    cJSON_AddStringToObject(j, "clock", x->clock ? x->clock : "");
    cJSON_AddBoolToObject(j, "clock_ok", x->clock_ok);
    cJSON_AddStringToObject(j, "uptime", x->uptime ? x->uptime : "");
    cJSON_AddStringToObject(j, "free_space", x->free_space ? x->free_space : "");
    cJSON_AddStringToObject(j, "source", x->source ? x->source : "");
    cJSON_AddItemToArray(vs, j);
  }
  cJSON *ps = cJSON_AddArrayToObject(o, "packs");
  for (size_t i = 0; v && i < v->n_packs; i++) {
    const struct report_pack *p = &v->packs[i];
    uint64_t newest;
    int64_t exp;
    enum pack_state st = pack_state(r, p, &newest, &exp);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "id", p->id);
    cJSON_AddStringToObject(j, "title", p->title);
    cJSON_AddNumberToObject(j, "installed", (double)p->current);
    cJSON_AddNumberToObject(j, "previous", (double)p->previous);
    cJSON_AddNumberToObject(j, "newest_known", (double)newest);
    cJSON_AddItemToObject(j, "expires", jtime(exp));
    cJSON_AddStringToObject(j, "state",
                            st == PS_OK            ? "current"
                                : st == PS_STALE   ? "stale"
                                : st == PS_EXPIRED ? "expired"
                                                   : "damaged");
    cJSON_AddItemToArray(ps, j);
  }
  cJSON *gs = cJSON_AddArrayToObject(o, "play_log_gaps");
  for (size_t i = 0; i < s->n_gaps; i++) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "from", jtime(s->gaps[i].from));
    cJSON_AddItemToObject(j, "to", jtime(s->gaps[i].to));
    cJSON_AddItemToArray(gs, j);
  }
  cJSON *es = cJSON_AddArrayToObject(o, "problems");
  for (size_t i = 0; i < s->n_events; i++) {
    const struct report_event *ev = &s->events[i];
    if (ev->time <= s->since || ev->kind == REPORT_EV_STOP ||
        (ev->kind == REPORT_EV_START && !ev->unclean))
      continue;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "time", jtime(ev->time));
    cJSON_AddStringToObject(j, "kind",
                            ev->kind == REPORT_EV_ERROR      ? "error"
                                : ev->kind == REPORT_EV_WARN ? "warning"
                                                             : "unclean_restart");
    cJSON_AddStringToObject(j, "text", ev->text);
    cJSON_AddItemToArray(es, j);
  }
  cJSON *pl = cJSON_AddArrayToObject(o, "plays_by_day");
  for (size_t i = 0; i < s->n_plays; i++) {
    const struct report_play *p = &s->plays[i];
    const struct report_key *k = &r->keys[p->key];
    cJSON *j = cJSON_CreateObject();
    char d[32];
    day_text((int64_t)p->day * DAY_S, d, sizeof d);
    cJSON_AddStringToObject(j, "date", d);
    cJSON_AddStringToObject(j, "pack_id", k->pack_id);
    cJSON_AddNumberToObject(j, "version", (double)k->version);
    cJSON_AddStringToObject(j, "page", k->page);
    cJSON_AddStringToObject(j, "lang", k->lang);
    cJSON_AddNumberToObject(j, "plays", (double)p->plays);
    cJSON_AddNumberToObject(j, "seconds_shown", (double)(p->ms / 1000));
    cJSON_AddItemToArray(pl, j);
  }
  return o;
}

/* Writes one value; 0 or ENOMEM. */
static int put_json(FILE *f, cJSON *j)
{
  if (!j)
    return ENOMEM;
  char *s = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  if (!s)
    return ENOMEM;
  fputs(s, f);
  cJSON_free(s);
  return 0;
}

int report_write_json(const struct report *r, const char *path)
{
  struct outf o;
  int err = out_open(&o, path);
  if (err)
    return err;
  FILE *f = o.f;
  /* Site by site, so a big fleet never has to be one tree in memory. */
  char now[32];
  iso_text(r->now, now, sizeof now);
  fprintf(f, "{\"format\":1,\"kiosk_pack\":\"%s\",\"as_of\":\"%s\",", KIOSK_VERSION, now);
  uint64_t plays = 0, ms = 0;
  for (size_t i = 0; i < r->n_sites; i++) {
    plays += r->sites[i].plays_total;
    ms += r->sites[i].ms_total;
  }
  fprintf(f,
          "\"totals\":{\"sites\":%zu,\"plays\":%" PRIu64 ",\"seconds_shown\":%" PRIu64
          "},\"sites\":[",
          r->n_sites, plays, ms / 1000);
  for (size_t i = 0; i < r->n_sites && !err; i++) {
    if (i)
      fputc(',', f);
    err = put_json(f, site_json(r, &r->sites[i]));
  }
  fputs("],\"input_problems\":[", f);
  for (size_t i = 0; i < r->n_issues && !err; i++) {
    const struct report_issue *is = &r->issues[i];
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "level", is->level ? "warning" : "note");
    cJSON_AddStringToObject(j, "file", is->file);
    cJSON_AddNumberToObject(j, "line", (double)is->line);
    cJSON_AddStringToObject(j, "message", is->msg);
    if (i)
      fputc(',', f);
    err = put_json(f, j);
  }
  fputs("]}\n", f);
  if (err) {
    fclose(f);
    unlink(o.tmp);
    return err;
  }
  return out_close(&o);
}

/* --- CSV ------------------------------------------------------------------ */

/* One text field, quoted when it needs to be; a leading = + - @ gets a '
 * so that a spreadsheet shows it rather than computing it. */
static void csv_text(FILE *f, const char *s, int last)
{
  int quote = strpbrk(s, ",\"\r\n") != NULL;
  int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
  if (quote || formula)
    fputc('"', f);
  if (formula)
    fputc('\'', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  if (quote || formula)
    fputc('"', f);
  fputc(last ? '\n' : ',', f);
}

static void csv_time(FILE *f, int64_t t, int last)
{
  char b[32] = "";
  if (t > 0)
    iso_text(t, b, sizeof b);
  fputs(b, f);
  fputc(last ? '\n' : ',', f);
}

int report_write_csv(const struct report *r, const char *dir)
{
  if (mkdir(dir, 0755) != 0 && errno != EEXIST)
    return errno;
  char path[4200];
  struct outf o;
  int err;

  snprintf(path, sizeof path, "%s/sites.csv", dir);
  if ((err = out_open(&o, path)))
    return err;
  fputs("site,name,country,last_visit,last_heard,since,restarts,"
        "unclean_restarts,errors,warnings,plays,seconds_shown,first_play,"
        "last_play,stale_packs,expired_packs,damaged_packs,clock_ok\n",
        o.f);
  for (size_t i = 0; i < r->n_sites; i++) {
    const struct report_site *s = &r->sites[i];
    const struct report_visit *v = last_visit(s);
    unsigned st[4] = {0};
    for (size_t j = 0; v && j < v->n_packs; j++) {
      uint64_t nw;
      int64_t ex;
      st[pack_state(r, &v->packs[j], &nw, &ex)]++;
    }
    csv_text(o.f, s->id, 0);
    csv_text(o.f, s->name, 0);
    csv_text(o.f, s->country, 0);
    csv_time(o.f, v ? v->written : 0, 0);
    csv_time(o.f, s->last_heard, 0);
    csv_time(o.f, s->since, 0);
    fprintf(o.f, "%u,%u,%u,%u,%" PRIu64 ",%" PRIu64 ",", s->restarts, s->unclean_restarts,
            s->errors, s->warnings, s->plays_total, s->ms_total / 1000);
    csv_time(o.f, s->first_play, 0);
    csv_time(o.f, s->last_play, 0);
    fprintf(o.f, "%u,%u,%u,%s\n", st[PS_STALE], st[PS_EXPIRED], st[PS_DAMAGED],
            !v                ? ""
                : v->clock_ok ? "yes"
                              : "no");
  }
  if ((err = out_close(&o)))
    return err;

  snprintf(path, sizeof path, "%s/packs.csv", dir);
  if ((err = out_open(&o, path)))
    return err;
  fputs("site,pack_id,title,installed,previous,newest_known,expires,state\n", o.f);
  for (size_t i = 0; i < r->n_sites; i++) {
    const struct report_site *s = &r->sites[i];
    const struct report_visit *v = last_visit(s);
    for (size_t j = 0; v && j < v->n_packs; j++) {
      const struct report_pack *p = &v->packs[j];
      uint64_t nw;
      int64_t ex;
      enum pack_state st = pack_state(r, p, &nw, &ex);
      csv_text(o.f, s->id, 0);
      csv_text(o.f, p->id, 0);
      csv_text(o.f, p->title, 0);
      fprintf(o.f, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", p->current, p->previous, nw);
      csv_time(o.f, ex, 0);
      fprintf(o.f, "%s\n",
              st == PS_OK            ? "current"
                  : st == PS_STALE   ? "stale"
                  : st == PS_EXPIRED ? "expired"
                                     : "damaged");
    }
  }
  if ((err = out_close(&o)))
    return err;

  snprintf(path, sizeof path, "%s/plays.csv", dir);
  if ((err = out_open(&o, path)))
    return err;
  fputs("site,date,pack_id,version,page,lang,plays,seconds_shown\n", o.f);
  for (size_t i = 0; i < r->n_sites; i++) {
    const struct report_site *s = &r->sites[i];
    for (size_t j = 0; j < s->n_plays; j++) {
      const struct report_play *p = &s->plays[j];
      const struct report_key *k = &r->keys[p->key];
      char d[32];
      day_text((int64_t)p->day * DAY_S, d, sizeof d);
      csv_text(o.f, s->id, 0);
      fprintf(o.f, "%s,", d);
      csv_text(o.f, k->pack_id, 0);
      fprintf(o.f, "%" PRIu64 ",", k->version);
      csv_text(o.f, k->page, 0);
      csv_text(o.f, k->lang, 0);
      fprintf(o.f, "%" PRIu64 ",%" PRIu64 "\n", p->plays, p->ms / 1000);
    }
  }
  if ((err = out_close(&o)))
    return err;

  snprintf(path, sizeof path, "%s/problems.csv", dir);
  if ((err = out_open(&o, path)))
    return err;
  fputs("site,time,kind,text\n", o.f);
  for (size_t i = 0; i < r->n_sites; i++) {
    const struct report_site *s = &r->sites[i];
    for (size_t j = 0; j < s->n_events; j++) {
      const struct report_event *ev = &s->events[j];
      if (ev->time <= s->since || ev->kind == REPORT_EV_STOP ||
          (ev->kind == REPORT_EV_START && !ev->unclean))
        continue;
      csv_text(o.f, s->id, 0);
      csv_time(o.f, ev->time, 0);
      fprintf(o.f, "%s,",
              ev->kind == REPORT_EV_ERROR      ? "error"
                  : ev->kind == REPORT_EV_WARN ? "warning"
                                               : "unclean_restart");
      csv_text(o.f, ev->text, 1);
    }
  }
  if ((err = out_close(&o)))
    return err;

  snprintf(path, sizeof path, "%s/input-problems.csv", dir);
  if ((err = out_open(&o, path)))
    return err;
  fputs("level,file,line,message\n", o.f);
  for (size_t i = 0; i < r->n_issues; i++) {
    const struct report_issue *is = &r->issues[i];
    fprintf(o.f, "%s,", is->level ? "warning" : "note");
    csv_text(o.f, is->file, 0);
    fprintf(o.f, "%" PRIu64 ",", is->line);
    csv_text(o.f, is->msg, 1);
  }
  return out_close(&o);
}
