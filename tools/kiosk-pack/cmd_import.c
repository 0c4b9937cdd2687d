/* cmd_import.c — `kiosk-pack import FILE --lang LL --into SRC`: the team's
 * document (DOCX, ODT, HTML, Markdown) becomes a pack source.
 *
 * The conversion is pandoc's (to GitHub Markdown, pictures extracted); the
 * cutting is ours: a page at each heading of the top two levels, each page
 * named after its heading, pictures moved into media/ with the document's
 * captions, and pack.json listing the language and the pages in order.
 * Nothing is invented: text stays as written (lint then points at phone
 * numbers in it). Everything is made in a staging folder beside SRC and
 * renamed into place only when complete: a document pandoc cannot read
 * leaves nothing behind. */
#include "kiosk-pack/cmd_import.h"
#include "kiosk-pack/cli.h"
#include "kiosk-pack/lint.h"

#include "core/fsutil.h"
#include "core/grow.h"
#include "core/page.h"
#include "core/manifest.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MD_MAX (32u << 20)
#define MAX_PAGES 200

static const char *format_of(const char *file)
{
  const char *dot = strrchr(file, '.');
  if (!dot)
    return NULL;
  if (!strcasecmp(dot, ".docx"))
    return "docx";
  if (!strcasecmp(dot, ".odt"))
    return "odt";
  if (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"))
    return "html";
  if (!strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown"))
    return "markdown";
  return NULL;
}

/* Runs pandoc; its Markdown goes to out_md, its complaints to err_file. */
/* A pandoc Lua filter: the layout boxes of HTML and word processors
 * (divs, spans) are unwrapped, keeping their text; a table cell with
 * several paragraphs or a list becomes one line of text, so that every
 * table can be written as a Markdown table (pandoc would otherwise write
 * "[TABLE]" for it), and a table's caption becomes the paragraph after
 * it. What is left is Markdown a page can hold. */
static const char lua_filter[] =
    "function Div(el) return el.content end\n"
    "function Span(el) return el.content end\n"
    "local function flat(cell)\n"
    "  local parts = {}\n"
    "  for _, b in ipairs(cell.contents) do\n"
    "    local s = pandoc.utils.stringify(b)\n"
    "    if s ~= '' then parts[#parts + 1] = s end\n"
    "  end\n"
    "  cell.contents = { pandoc.Plain({ pandoc.Str(table.concat(parts, ' ')) }) }\n"
    "  cell.row_span = 1\n"
    "  cell.col_span = 1\n"
    "end\n"
    "local function rows(rs)\n"
    "  for _, r in ipairs(rs) do for _, c in ipairs(r.cells) do flat(c) end end\n"
    "end\n"
    "function Table(t)\n"
    "  rows(t.head.rows)\n"
    "  for _, b in ipairs(t.bodies) do rows(b.head) rows(b.body) end\n"
    "  rows(t.foot.rows)\n"
    "  local cap = pandoc.utils.stringify(t.caption.long or {})\n"
    "  t.caption.long = {}\n"
    "  if cap ~= '' then return { t, pandoc.Para({ pandoc.Str(cap) }) } end\n"
    "  return t\n"
    "end\n";

static int run_pandoc(const char *file, const char *fmt, const char *media_dir, const char *filter,
                      const char *out_md, const char *err_file, struct kerr *e)
{
  char extract[4700], lua[4700], res[4200];
  snprintf(extract, sizeof extract, "--extract-media=%s", media_dir);
  /* Pictures a document names are looked for beside it. */
  const char *slash = strrchr(file, '/');
  if (slash)
    snprintf(res, sizeof res, "--resource-path=%.*s", (int)(slash - file), file);
  else
    snprintf(res, sizeof res, "--resource-path=.");
  snprintf(lua, sizeof lua, "--lua-filter=%s", filter);
  char *argv[] = {"pandoc",       "--from",     (char *)fmt, "--to", "gfm-raw_html",
                  "--wrap=none",  extract,      lua,         res,    "--output",
                  (char *)out_md, (char *)file, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, "pandoc", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc)
    return kerr_set(e, KERR_IO,
                    "cannot run pandoc (%s) — install it (Debian: apt-get install "
                    "pandoc; tools/deps does)",
                    strerror(rc));
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return kerr_errno(e, KERR_IO, errno, "waiting for pandoc");
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    FILE *f = fopen(err_file, "r");
    char line[400] = "";
    if (f) {
      if (!fgets(line, sizeof line, f))
        line[0] = '\0';
      fclose(f);
    }
    line[strcspn(line, "\n")] = '\0';
    return kerr_set(e, KERR_PARSE,
                    "%s: pandoc could not read it as %s (%s) — open it in the "
                    "word processor, save it again as .docx or .odt, and import that; nothing "
                    "was written",
                    file, fmt, *line ? line : "no reason given");
  }
  return 0;
}

/* Latin letters for the Cyrillic alphabet, for page names only. */
static const char *const cyr[64] = {
    "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "y",    "k", "l", "m", "n", "o",  "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "e", "yu", "ya",
    "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "y",    "k", "l", "m", "n", "o",  "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "e", "yu", "ya",
};

/* A page name from a heading: "01-vozvrashchenie-domoy" (Cyrillic is
 * written in Latin letters); a heading without letters gives "01-page". */
static void page_name(size_t index, const char *heading, size_t n, char *out, size_t cap)
{
  char slug[48];
  size_t k = 0;
  int dash = 0;
  while (n > 0 && *heading == '#')
    heading++, n--;
  for (size_t i = 0; i < n && k < sizeof slug - 1; i++) {
    unsigned char u = (unsigned char)heading[i];
    if (u >= 0xD0 && u <= 0xD1 && i + 1 < n) {
      unsigned cp = (unsigned)((u & 0x1F) << 6 | ((unsigned char)heading[i + 1] & 0x3F));
      i++;
      const char *lat = cp >= 0x410 && cp < 0x450 ? cyr[cp - 0x410]
          : cp == 0x401 || cp == 0x451            ? "e"
                                                  : NULL;
      if (!lat) {
        dash = 1;
        continue;
      }
      if (dash && k && *lat)
        slug[k++] = '-';
      for (; *lat && k < sizeof slug - 1; lat++)
        slug[k++] = *lat;
      dash = 0;
      continue;
    }
    char c = heading[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && k)
        slug[k++] = '-';
      if (k < sizeof slug - 1)
        slug[k++] = c;
      dash = 0;
    } else {
      dash = 1;
    }
  }
  slug[k] = '\0';
  snprintf(out, cap, "%02zu-%s", index, k ? slug : "page");
}

/* Markdown with pandoc's picture paths (STAGE/media/...) made relative to
 * the page: ../media/.... */
static char *fix_media_paths(const char *s, size_t n, const char *media_prefix, size_t *out_n)
{
  size_t pl = strlen(media_prefix);
  char *out = malloc(n + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    if (n - i >= pl && !memcmp(s + i, media_prefix, pl)) {
      memcpy(out + o, "../media/", 9);
      o += 9;
      i += pl;
      continue;
    }
    out[o++] = s[i++];
  }
  out[o] = '\0';
  *out_n = o;
  return out;
}

static int heading_level(const char *s, size_t n)
{
  int l = 0;
  while ((size_t)l < n && s[l] == '#')
    l++;
  return l >= 1 && l <= 6 && (size_t)l < n && s[l] == ' ' ? l : 0;
}

/* Moves the pictures pandoc extracted (STAGE/media/media/x.png, or deeper)
 * up into STAGE/media/. */
static int flatten_media(const char *stage, struct kerr *e)
{
  char inner[4400];
  snprintf(inner, sizeof inner, "%s/media/media", stage);
  DIR *d = opendir(inner);
  if (!d)
    return 0;
  struct dirent *de;
  int rc = 0;
  while (rc == 0 && (de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    char from[4700], to[4700];
    snprintf(from, sizeof from, "%s/%s", inner, de->d_name);
    snprintf(to, sizeof to, "%s/media/%s", stage, de->d_name);
    if (rename(from, to) != 0)
      rc = kerr_errno(e, KERR_IO, errno, "%s: cannot move", from);
  }
  closedir(d);
  if (rc == 0)
    rmdir(inner);
  return rc;
}

/* ------------------------------------------------------------- cutting */

#define WORD_BUDGET 80 /* words a page part holds before it is cut */
#define DURATION_MIN_S 15
#define DURATION_MAX_S 120

struct block {
  const char *s;
  size_t n;
  int heading; /* level, 0 if not a heading */
  int picture; /* a picture alone in its paragraph */
  size_t words;
  int item;        /* a list item (a list is cut into its items, so a
                      long list can go on on the next page) */
  const char *cap; /* a picture's caption taken from the paragraph after
                      it (ODT keeps it there), or NULL */
  size_t cap_n;
};

static size_t count_words(const char *s, size_t n)
{
  size_t words = 0;
  int in = 0, real = 0;
  for (size_t i = 0; i <= n; i++) {
    unsigned char c = i < n ? (unsigned char)s[i] : ' ';
    if (c == ' ' || c == '\n' || c == '\t' || c == '|') {
      words += in && real;
      in = real = 0;
    } else {
      in = 1;
      if (isalnum(c) || c >= 0x80)
        real = 1;
    }
  }
  return words;
}

/* Whether s starts a list item: "- ", "* ", "+ ", "1. ", "1) ". */
static int list_marker(const char *s, size_t n)
{
  size_t i = 0;
  if (n >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ')
    return 1;
  while (i < n && i < 9 && s[i] >= '0' && s[i] <= '9')
    i++;
  return i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ';
}

/* The Markdown blocks of s (separated by blank lines, fenced code kept
 * whole). Returns a new array (free with free()). */
static struct block *split_blocks(const char *s, size_t n, size_t *count)
{
  size_t cap = 64, k = 0;
  struct block *v = malloc(cap * sizeof *v);
  if (!v)
    return NULL;
  size_t i = 0;
  while (i < n) {
    while (i < n && s[i] == '\n')
      i++;
    if (i >= n)
      break;
    size_t start = i;
    int fence = n - i >= 3 && (!strncmp(s + i, "```", 3) || !strncmp(s + i, "~~~", 3));
    int first = 1;
    while (i < n) {
      const char *nl = memchr(s + i, '\n', n - i);
      size_t e = nl ? (size_t)(nl - s) : n;
      if (!first && fence && e - i >= 3 && !strncmp(s + i, s + start, 3)) {
        i = e;
        break;
      }
      first = 0;
      i = e;
      if (!fence && (i + 1 >= n || s[i + 1] == '\n'))
        break;
      if (i < n)
        i++;
    }
    struct block *w = grow_array(v, k + 1, &cap, sizeof *v, 64);
    if (!w) {
      free(v);
      return NULL;
    }
    v = w;
    struct block *b = &v[k++];
    memset(b, 0, sizeof *b);
    b->s = s + start;
    b->n = i - start;
    while (b->n && (b->s[b->n - 1] == '\n' || b->s[b->n - 1] == ' '))
      b->n--;
    b->heading = heading_level(b->s, b->n);
    if (b->heading && memchr(b->s, '\n', b->n))
      b->heading = 0;
    b->picture =
        b->n > 4 && !strncmp(b->s, "![", 2) && b->s[b->n - 1] == ')' && !memchr(b->s, '\n', b->n);
    b->words = b->picture ? 0 : count_words(b->s + b->heading, b->n - (size_t)b->heading);
    if (list_marker(b->s, b->n)) {
      /* One block per item: a line with a marker and its indented lines. */
      const char *end = b->s + b->n, *p = b->s;
      k--;
      while (p < end) {
        const char *q = p;
        do {
          const char *nl = memchr(q, '\n', (size_t)(end - q));
          q = nl ? nl + 1 : end;
        } while (q < end && !list_marker(q, (size_t)(end - q)) && (*q == ' ' || *q == '\t'));
        if (!list_marker(p, (size_t)(end - p)) && k > 0 && v[k - 1].item) {
          /* A line that is not an item joins the one before. */
          v[k - 1].n = (size_t)(q - v[k - 1].s);
        } else {
          w = grow_array(v, k + 1, &cap, sizeof *v, 64);
          if (!w) {
            free(v);
            return NULL;
          }
          v = w;
          memset(&v[k], 0, sizeof v[k]);
          v[k].s = p;
          v[k].n = (size_t)(q - p);
          v[k].item = 1;
          k++;
        }
        struct block *it = &v[k - 1];
        while (it->n && (it->s[it->n - 1] == '\n' || it->s[it->n - 1] == ' '))
          it->n--;
        it->words = count_words(it->s, it->n);
        p = q;
      }
    }
  }
  *count = k;
  return v;
}

/* The caption (alt text) of a picture block. */
static void picture_caption(const struct block *b, const char **cap, size_t *n)
{
  const char *end = memchr(b->s, ']', b->n);
  *cap = b->s + 2;
  *n = end ? (size_t)(end - b->s) - 2 : 0;
}

struct out {
  char *buf;
  size_t n, cap;
  int oom;
};

static void put(struct out *o, const char *s, size_t n)
{
  if (o->oom)
    return;
  if (o->n + n + 1 > o->cap) {
    size_t cap = (o->n + n + 1) * 2;
    char *b = realloc(o->buf, cap);
    if (!b) {
      o->oom = 1;
      return;
    }
    o->buf = b;
    o->cap = cap;
  }
  memcpy(o->buf + o->n, s, n);
  o->n += n;
  o->buf[o->n] = '\0';
}

/* A section of the document: a heading of the top two levels (or none,
 * for text before the first) and the blocks up to the next one. */
struct section {
  const struct block *head;
  size_t from, to; /* its blocks, in the document's block array */
  size_t words;
  int parts;     /* pages it is cut into */
  char base[80]; /* its page name, without the number */
};

/* Moves each picture to media/<section>-<n>.<ext> once, and gives its
 * block the new path. Returns 0 or a KERR code. */
static int rename_pictures(struct block *v, struct section *sec, size_t n_sec, int stagefd,
                           char (*paths)[320], struct kerr *e)
{
  (void)e;
  for (size_t si = 0; si < n_sec; si++) {
    int n_pic = 0;
    for (size_t i = sec[si].from; i < sec[si].to; i++) {
      struct block *b = &v[i];
      const char *p = b->picture ? strstr(b->s, "](../media/") : NULL;
      if (!p || p >= b->s + b->n)
        continue;
      p += 11;
      const char *end = b->s + b->n - 1;
      char old[300], ext[16] = "";
      snprintf(old, sizeof old, "media/%.*s", (int)(end - p), p);
      const char *dot = strrchr(old, '.');
      if (dot && strlen(dot) < sizeof ext)
        snprintf(ext, sizeof ext, "%s", dot);
      char *fresh = paths[i];
      /* Two sections may have the same name: never rename over a picture. */
      struct stat sb;
      do
        snprintf(fresh, sizeof paths[i], "media/%s-%d%s", sec[si].base + 3, ++n_pic, ext);
      while (fstatat(stagefd, fresh, &sb, AT_SYMLINK_NOFOLLOW) == 0);
      if (renameat(stagefd, old, stagefd, fresh) != 0)
        snprintf(fresh, sizeof paths[i], "%s", old); /* shown twice: the first name */
    }
  }
  return 0;
}

/* Writes one page: its heading (level 1), the other blocks (headings moved
 * up by the same steps), and a duration long enough to read it (counted
 * the way lint counts). */
static int write_page(const struct block *head, const struct block *body, size_t nb,
                      char (*paths)[320], const char *name, const char *lang, int pagesfd,
                      struct kerr *e)
{
  struct out o = {0};
  put(&o, "---\nduration: 000\n---\n", 22);
  int shift = head ? head->heading - 1 : 0;
  if (head) {
    put(&o, "# ", 2);
    put(&o, head->s + head->heading + 1, head->n - (size_t)head->heading - 1);
    put(&o, "\n", 1);
  }
  for (size_t i = 0; i < nb; i++) {
    const struct block *b = &body[i];
    if (!(b->item && i > 0 && body[i - 1].item))
      put(&o, "\n", 1); /* items of one list stay together */
    if (b->heading) {
      int lvl = b->heading - shift;
      lvl = lvl < 2 ? 2 : lvl;
      put(&o, "######", (size_t)lvl);
      put(&o, b->s + b->heading, b->n - (size_t)b->heading);
    } else if (b->picture && paths[i][0]) {
      const char *cap;
      size_t cn;
      picture_caption(b, &cap, &cn);
      put(&o, "![", 2);
      put(&o, b->cap ? b->cap : cap, b->cap ? b->cap_n : cn);
      put(&o, "](../", 5);
      put(&o, paths[i], strlen(paths[i]));
      put(&o, ")", 1);
    } else {
      put(&o, b->s, b->n);
    }
    put(&o, "\n", 1);
  }
  if (o.oom) {
    free(o.buf);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  struct page *pg = NULL;
  struct kerr pe;
  size_t words = page_parse(o.buf, o.n, name, &pg, &pe) == 0 ? lint_count_words(pg) : 0;
  page_free(pg);
  int dur = lint_reading_seconds(words);
  dur = dur < DURATION_MIN_S ? DURATION_MIN_S : dur > DURATION_MAX_S ? DURATION_MAX_S : dur;
  char d[4];
  snprintf(d, sizeof d, "%03d", dur);
  memcpy(o.buf + 14, d, 3);
  /* "duration: 020" reads as 20, but people would wonder: no zeros. */
  size_t lead = d[0] == '0' ? (d[1] == '0' ? 2 : 1) : 0;
  memmove(o.buf + 14, o.buf + 14 + lead, o.n - 14 - lead);
  o.n -= lead;
  char file[200];
  snprintf(file, sizeof file, "%s.%s.md", name, lang);
  int rc = fsutil_write_atomic_at(pagesfd, file, o.buf, o.n, e);
  free(o.buf);
  return rc;
}

/* Writes every section as its pages, each cut into sec->parts parts of
 * about equal words at block boundaries. */
static int write_sections(const struct block *v, struct section *sec, size_t n_sec,
                          char (*paths)[320], const char *lang, int pagesfd, char (*names)[80],
                          size_t *n_pages, struct kerr *e)
{
  *n_pages = 0;
  for (size_t si = 0; si < n_sec; si++) {
    struct section *x = &sec[si];
    size_t nb = x->to - x->from;
    if ((size_t)x->parts > nb)
      x->parts = nb ? (int)nb : 1;
    size_t i = x->from;
    for (int part = 1; part <= x->parts && *n_pages < MAX_PAGES; part++) {
      /* Blocks until this part has its share of the words (the last part
       * takes the rest; every part at least one block). */
      size_t want = x->words * (size_t)part / (size_t)x->parts, start = i, acc = 0;
      for (size_t k = x->from; k < start; k++)
        acc += v[k].words;
      while (i < x->to && (i == start || part == x->parts || acc + v[i].words / 2 <= want) &&
             x->to - i > (size_t)(x->parts - part)) {
        acc += v[i].words;
        i++;
      }
      if (part == x->parts)
        i = x->to;
      char *name = names[*n_pages];
      snprintf(name, 80, "%02zu-%s", *n_pages + 1, x->base + 3);
      if (part > 1) {
        size_t l = strlen(name);
        snprintf(name + l, 80 - l, "-%d", part);
      }
      int rc = write_page(x->head, v + start, i - start, paths + start, name, lang, pagesfd, e);
      if (rc)
        return rc;
      (*n_pages)++;
    }
  }
  return 0;
}

/* The most parts lint says a page takes at any screen size, from its
 * "does not fit on one screen at 1920x1080 (2 parts), ..." warning. */
static int parts_in(const char *msg)
{
  int most = 1;
  for (const char *p = msg; (p = strchr(p, '(')) != NULL; p++) {
    int n;
    if (sscanf(p, "(%d parts)", &n) == 1 && n > most)
      most = n;
  }
  return most;
}

/* Cuts the document into pages: one per heading of its top two levels
 * (text before the first heading is a page of its own); a section longer
 * than WORD_BUDGET words is cut further at its blocks, with the heading
 * repeated. Then lint lays the pages out at every screen size, as it
 * would for the author, and a page it finds too long for one screen is
 * cut into as many pages as it said. */
static int cut_pages(const char *md, size_t len, const char *lang, const char *stage, int stagefd,
                     int pagesfd, char (*names)[80], size_t *n_pages, char *title, size_t title_cap,
                     struct kerr *e)
{
  size_t nb;
  struct block *v = split_blocks(md, len, &nb);
  if (!v)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  struct block *kept = calloc(nb ? nb : 1, sizeof *kept);
  struct section *sec = calloc(nb + 1, sizeof *sec);
  char(*paths)[320] = calloc(nb ? nb : 1, sizeof *paths);
  int rc = 0;
  if (!kept || !sec || !paths) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
    goto out;
  }
  int top = 7;
  for (size_t i = 0; i < nb; i++)
    if (v[i].heading && v[i].heading < top)
      top = v[i].heading;
  /* Sections; a caption pandoc repeats as the paragraph after its picture
   * is dropped, and ODT's caption line is given to its picture. */
  size_t nk = 0, n_sec = 0;
  for (size_t i = 0; i < nb; i++) {
    const struct block *b = &v[i];
    if (b->heading && b->heading <= top + 1) {
      if (n_sec && sec[n_sec - 1].to == 0)
        sec[n_sec - 1].to = nk;
      kept[nk] = *b;
      sec[n_sec].head = NULL;
      sec[n_sec].from = nk + 1;
      sec[n_sec].to = 0;
      n_sec++;
      nk++;
      if (!*title)
        snprintf(title, title_cap, "%.*s", (int)(b->n - (size_t)b->heading - 1),
                 b->s + b->heading + 1);
      continue;
    }
    if (n_sec == 0) {
      sec[0].from = nk;
      n_sec = 1;
    }
    /* A table's caption that the document also has as a paragraph right
     * before the table (DOCX does this) is kept once. */
    if (nk >= 2 && kept[nk - 1].s[0] == '|' && !b->heading && !b->item && kept[nk - 2].n == b->n &&
        !memcmp(kept[nk - 2].s, b->s, b->n))
      continue;
    if (nk && kept[nk - 1].picture && !b->picture && !b->heading) {
      struct block *pic = &kept[nk - 1];
      const char *cap;
      size_t cn;
      picture_caption(pic, &cap, &cn);
      if (cn && b->n == cn && !memcmp(b->s, cap, cn))
        continue;
      if (!cn && !pic->cap && !memchr(b->s, '\n', b->n) && b->words <= 30 &&
          !strchr("|-*+>#`", b->s[0]) && !(b->s[0] >= '0' && b->s[0] <= '9')) {
        pic->cap = b->s;
        pic->cap_n = b->n;
        continue;
      }
    }
    kept[nk++] = *b;
  }
  if (n_sec && sec[n_sec - 1].to == 0)
    sec[n_sec - 1].to = nk;
  for (size_t si = 0; si < n_sec; si++) {
    struct section *x = &sec[si];
    if (x->from > 0 && kept[x->from - 1].heading && kept[x->from - 1].heading <= top + 1)
      x->head = &kept[x->from - 1];
    if (si == 0 && x->from == 0)
      x->head = NULL;
    for (size_t i = x->from; i < x->to; i++)
      x->words += kept[i].words;
    x->parts = (int)((x->words + WORD_BUDGET - 1) / WORD_BUDGET);
    if (x->parts < 1)
      x->parts = 1;
    page_name(0, x->head ? x->head->s : "", x->head ? x->head->n : 0, x->base, sizeof x->base);
  }
  if ((rc = rename_pictures(kept, sec, n_sec, stagefd, paths, e)))
    goto out;
  for (int round = 0; round < 4; round++) {
    if ((rc = write_sections(kept, sec, n_sec, paths, lang, pagesfd, names, n_pages, e)))
      goto out;
    /* A pack.json for lint, rewritten at the end. */
    char json[1024 + MAX_PAGES * 96];
    size_t o = (size_t)snprintf(json, 1024,
                                "{\"id\": \"import\", \"version\": 1, \"title\": "
                                "\"import\", \"created\": \"2020-01-01T00:00:00Z\", "
                                "\"languages\": [\"%s\"], \"pages\": [",
                                lang);
    for (size_t p = 0; p < *n_pages; p++)
      o += (size_t)snprintf(json + o, sizeof json - o, "%s\"%s\"", p ? ", " : "", names[p]);
    o += (size_t)snprintf(json + o, sizeof json - o, "]}\n");
    if ((rc = fsutil_write_atomic_at(stagefd, "pack.json", json, o, e)))
      goto out;
    struct lint_report r;
    struct kerr le;
    if (lint_source(stage, NULL, &r, &le) != 0)
      break; /* no fonts here: the cut by words stands */
    int again = 0;
    for (size_t f = 0; f < r.n; f++) {
      const char *m = r.v[f].msg;
      if (strncmp(m, "does not fit on one screen", 26))
        continue;
      const char *file = strrchr(r.v[f].file, '/');
      for (size_t p = 0; file && p < *n_pages; p++) {
        char want[120];
        snprintf(want, sizeof want, "/%s.%s.md", names[p], lang);
        if (strcmp(file, want))
          continue;
        /* The page's section: the one whose base name it carries. */
        for (size_t si = 0; si < n_sec; si++) {
          size_t bl = strlen(sec[si].base + 3);
          if (!strncmp(names[p] + 3, sec[si].base + 3, bl) &&
              (names[p][3 + bl] == '\0' || names[p][3 + bl] == '-') &&
              (size_t)sec[si].parts < sec[si].to - sec[si].from) {
            sec[si].parts += parts_in(m) - 1;
            again = 1;
            break;
          }
        }
      }
    }
    lint_report_free(&r);
    if (!again)
      break;
    /* Pages are written again from scratch. */
    for (size_t p = 0; p < *n_pages; p++) {
      char file[200];
      snprintf(file, sizeof file, "%s.%s.md", names[p], lang);
      unlinkat(pagesfd, file, 0);
    }
  }
out:
  free(paths);
  free(sec);
  free(kept);
  free(v);
  return rc;
}

int cmd_import_file(const char *file, const char *lang, const char *src, FILE *msgs, struct kerr *e)
{
  const char *fmt = format_of(file);
  if (!fmt)
    return kerr_set(e, KERR_USAGE,
                    "%s: not a .docx, .odt, .html or .md file — save the document "
                    "in one of these formats first",
                    file);
  if (!manifest_lang_ok(lang))
    return kerr_set(e, KERR_USAGE, "--lang %s: not a language code like ru or en", lang);
  struct stat sb;
  if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode))
    return kerr_set(e, KERR_NOENT, "%s: not found", file);
  if (lstat(src, &sb) == 0)
    return kerr_set(e, KERR_USAGE,
                    "%s already exists — import into a new folder (the pack "
                    "source is made there)",
                    src);
  char id[MANIFEST_ID_MAX + 1];
  {
    const char *base = strrchr(src, '/');
    base = base && base[1] ? base + 1 : src;
    size_t k = 0;
    int dash = 0;
    for (const char *p = base; *p && k < MANIFEST_ID_MAX; p++) {
      char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (dash && k)
          id[k++] = '-';
        if (k < MANIFEST_ID_MAX)
          id[k++] = c;
        dash = 0;
      } else {
        dash = 1;
      }
    }
    id[k] = '\0';
    if (!k)
      return kerr_set(e, KERR_USAGE,
                      "%s: the pack's id is made from the folder's name, and this "
                      "one has no letters or digits — use a name like bulletin-2026-12",
                      src);
  }
  char stage[4200], md_path[4400], err_path[4400], media[4400];
  snprintf(stage, sizeof stage, "%s.importing", src);
  struct kerr re;
  fsutil_remove_tree_at(AT_FDCWD, stage, &re);
  if (mkdir(stage, 0755) != 0)
    return kerr_errno(e, KERR_IO, errno, "%s: cannot make the folder", stage);
  snprintf(md_path, sizeof md_path, "%s/.pandoc.md", stage);
  snprintf(err_path, sizeof err_path, "%s/.pandoc.err", stage);
  snprintf(media, sizeof media, "%s/media", stage);
  char *md = NULL, *fixed = NULL, *json = NULL;
  char(*names)[80] = calloc(MAX_PAGES, sizeof *names);
  size_t n_pages = 0, len = 0, flen = 0;
  int rc, stagefd = -1, pagesfd = -1;
  char title[300] = "";
  if (!names) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
    goto fail;
  }
  char lua[4400];
  snprintf(lua, sizeof lua, "%s/.unwrap.lua", stage);
  {
    int sfd = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    rc = sfd < 0 ? kerr_errno(e, KERR_IO, errno, "%s: cannot open", stage)
                 : fsutil_write_atomic_at(sfd, ".unwrap.lua", lua_filter, strlen(lua_filter), e);
    if (sfd >= 0)
      close(sfd);
    if (rc)
      goto fail;
  }
  if ((rc = run_pandoc(file, fmt, media, lua, md_path, err_path, e)))
    goto fail;
  if ((rc = flatten_media(stage, e)))
    goto fail;
  stagefd = open(stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (stagefd < 0) {
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot open", stage);
    goto fail;
  }
  if ((rc = fsutil_read_at(stagefd, ".pandoc.md", MD_MAX, &md, &len, e)))
    goto fail;
  /* Pictures from a DOCX come as media/media/..., from HTML and Markdown
   * as media/<name>. */
  char prefix[4500];
  snprintf(prefix, sizeof prefix, "%s/media/", media);
  char *once = fix_media_paths(md, len, prefix, &flen);
  snprintf(prefix, sizeof prefix, "%s/", media);
  if (once)
    fixed = fix_media_paths(once, flen, prefix, &flen);
  free(once);
  if (!fixed) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
    goto fail;
  }
  if ((rc = fsutil_open_dir_at(stagefd, "pages", 1, 0755, &pagesfd, e)))
    goto fail;
  if ((rc = cut_pages(fixed, flen, lang, stage, stagefd, pagesfd, names, &n_pages, title,
                      sizeof title, e)))
    goto fail;
  if (n_pages == 0) {
    rc = kerr_set(e, KERR_PARSE, "%s: has no text pandoc could find; nothing was written", file);
    goto fail;
  }
  /* pack.json */
  {
    char created[40];
    cli_fmt_time_rfc3339((int64_t)time(NULL), created, sizeof created);
    size_t cap = 1024 + n_pages * 96 + strlen(title) * 2;
    json = malloc(cap);
    if (!json) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory");
      goto fail;
    }
    char esc[700];
    size_t k = 0;
    for (const char *p = title; *p && k < sizeof esc - 3; p++) {
      if (*p == '"' || *p == '\\')
        esc[k++] = '\\';
      if ((unsigned char)*p >= 0x20)
        esc[k++] = *p;
    }
    esc[k] = '\0';
    size_t o = (size_t)snprintf(json, cap,
                                "{\n  \"id\": \"%s\",\n  \"version\": 1,\n  \"title\": {\"%s\": "
                                "\"%s\"},\n  \"created\": \"%s\",\n  \"languages\": [\"%s\"],\n"
                                "  \"pages\": [\n",
                                id, lang, *esc ? esc : id, created, lang);
    for (size_t p = 0; p < n_pages; p++)
      o += (size_t)snprintf(json + o, cap - o, "    \"%s\"%s\n", names[p],
                            p + 1 < n_pages ? "," : "");
    o += (size_t)snprintf(json + o, cap - o, "  ]\n}\n");
    if ((rc = fsutil_write_atomic_at(stagefd, "pack.json", json, o, e)))
      goto fail;
  }
  close(pagesfd);
  pagesfd = -1;
  /* Folders the word processor's pictures came in, now empty. */
  {
    char sub[4500];
    static const char *const subs[] = {"media/media", "media/Pictures", "media/word/media"};
    for (size_t k = 0; k < sizeof subs / sizeof *subs; k++) {
      snprintf(sub, sizeof sub, "%s/%s", stage, subs[k]);
      rmdir(sub);
    }
  }
  unlinkat(stagefd, ".pandoc.md", 0);
  unlinkat(stagefd, ".pandoc.err", 0);
  unlinkat(stagefd, ".unwrap.lua", 0);
  close(stagefd);
  stagefd = -1;
  if (rename(stage, src) != 0) {
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot be made", src);
    goto fail;
  }
  if (msgs)
    fprintf(msgs,
            "Made %s from %s: %zu pages in %s, pictures in media/, pack.json.\n"
            "Check it: kiosk-pack lint %s, and kiosk-pack preview %s --out %s-preview\n",
            src, file, n_pages, lang, src, src, src);
  free(md);
  free(fixed);
  free(json);
  free(names);
  return 0;
fail:
  if (pagesfd >= 0)
    close(pagesfd);
  if (stagefd >= 0)
    close(stagefd);
  fsutil_remove_tree_at(AT_FDCWD, stage, &re);
  free(md);
  free(fixed);
  free(json);
  free(names);
  return rc;
}

static void import_usage(FILE *out)
{
  fputs("Usage: kiosk-pack import FILE --lang LL --into SRCDIR\n"
        "\n"
        "Makes a new pack source SRCDIR from the team's document FILE (.docx, .odt,\n"
        "HTML or Markdown), written in language LL (e.g. ru): a page at each\n"
        "heading, pictures in media/ with their captions, tables as tables, and\n"
        "pack.json with the language and the pages in order. The conversion is\n"
        "pandoc's. Text is kept as written: check it with kiosk-pack lint, which\n"
        "points at phone numbers that could become a hotlines block.\n",
        out);
}

int cmd_import(int argc, char **argv)
{
  const char *file = NULL, *lang = NULL, *into = NULL;
  const struct cli_opt opts[] = {
      {"--lang", &lang, NULL}, {"--into", &into, NULL}, {NULL, NULL, NULL}};
  const struct cli_args spec = {"import", "FILE", opts, import_usage};
  int parsed = cli_parse(&spec, argc, argv, &file);
  if (parsed != CLI_PARSED)
    return parsed;
  if (!file || !lang || !into) {
    fprintf(stderr, "kiosk-pack import: %s is missing\n",
            !file       ? "FILE"
                : !lang ? "--lang LL"
                        : "--into SRCDIR");
    import_usage(stderr);
    return CLI_ERROR;
  }
  struct kerr e;
  kerr_clear(&e);
  int rc = cmd_import_file(file, lang, into, stdout, &e);
  if (rc) {
    fprintf(stderr, "kiosk-pack import: %s\n", e.msg);
    return rc == KERR_PARSE ? CLI_REFUSED : CLI_ERROR;
  }
  return CLI_OK;
}
