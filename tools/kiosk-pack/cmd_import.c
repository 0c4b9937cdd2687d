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
 * (divs, spans) are unwrapped, keeping their text; what is left is the
 * Markdown a page can hold. */
static const char lua_filter[] =
    "function Div(el) return el.content end\n"
    "function Span(el) return el.content end\n";

static int run_pandoc(const char *file, const char *fmt, const char *media_dir,
                      const char *filter, const char *out_md, const char *err_file,
                      struct kerr *e)
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
  char *argv[] = {"pandoc", "--from", (char *)fmt, "--to", "gfm-raw_html", "--wrap=none",
                  extract, lua, res, "--output", (char *)out_md, (char *)file, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, "pandoc", &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc)
    return kerr_set(e, KERR_IO, "cannot run pandoc (%s) — install it (Debian: apt-get install "
                    "pandoc; tools/deps does)", strerror(rc));
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
    return kerr_set(e, KERR_PARSE, "%s: pandoc could not read it as %s (%s) — open it in the "
                    "word processor, save it again as .docx or .odt, and import that; nothing "
                    "was written", file, fmt, *line ? line : "no reason given");
  }
  return 0;
}

/* Latin letters for the Cyrillic alphabet, for page names only. */
static const char *const cyr[64] = {
    "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
    "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
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
      const char *lat = cp >= 0x410 && cp < 0x450 ? cyr[cp - 0x410] : cp == 0x401 || cp == 0x451 ? "e" : NULL;
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

#define WORD_BUDGET 80      /* words a page part holds before it is cut */
#define DURATION_MIN_S 15
#define DURATION_MAX_S 120

struct block {
  const char *s;
  size_t n;
  int heading;     /* level, 0 if not a heading */
  int picture;     /* a picture alone in its paragraph */
  size_t words;
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
    if (k == cap) {
      cap *= 2;
      struct block *w = realloc(v, cap * sizeof *v);
      if (!w) {
        free(v);
        return NULL;
      }
      v = w;
    }
    struct block *b = &v[k++];
    memset(b, 0, sizeof *b);
    b->s = s + start;
    b->n = i - start;
    while (b->n && (b->s[b->n - 1] == '\n' || b->s[b->n - 1] == ' '))
      b->n--;
    b->heading = heading_level(b->s, b->n);
    if (b->heading && memchr(b->s, '\n', b->n))
      b->heading = 0;
    b->picture = b->n > 4 && !strncmp(b->s, "![", 2) && b->s[b->n - 1] == ')' &&
                 !memchr(b->s, '\n', b->n);
    b->words = b->picture ? 0 : count_words(b->s + b->heading, b->n - (size_t)b->heading);
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

/* Writes one page: its heading (level 1), the other blocks (headings moved
 * up by the same steps), pictures renamed after the page. */
static int write_page(const struct block *head, const struct block *const *body, size_t nb,
                      const char *name, const char *lang, int stagefd, int pagesfd,
                      struct kerr *e)
{
  struct out o = {0};
  size_t words = head ? head->words : 0;
  for (size_t i = 0; i < nb; i++)
    words += body[i]->words;
  int dur = lint_reading_seconds(words);
  dur = dur < DURATION_MIN_S ? DURATION_MIN_S : dur > DURATION_MAX_S ? DURATION_MAX_S : dur;
  char fm[64];
  int k = snprintf(fm, sizeof fm, "---\nduration: %d\n---\n", dur);
  put(&o, fm, (size_t)k);
  int shift = head ? head->heading - 1 : 0;
  if (head) {
    put(&o, "# ", 2);
    put(&o, head->s + head->heading + 1, head->n - (size_t)head->heading - 1);
    put(&o, "\n", 1);
  }
  int n_pic = 0;
  for (size_t i = 0; i < nb; i++) {
    const struct block *b = body[i];
    put(&o, "\n", 1);
    if (b->heading) {
      int lvl = b->heading - shift;
      lvl = lvl < 2 ? 2 : lvl;
      put(&o, "######", (size_t)lvl);
      put(&o, b->s + b->heading, b->n - (size_t)b->heading);
    } else if (b->picture && strstr(b->s, "](../media/")) {
      const char *p = strstr(b->s, "](../media/") + 11;
      const char *end = b->s + b->n - 1;
      char old[300], ext[16] = "", fresh[320];
      snprintf(old, sizeof old, "media/%.*s", (int)(end - p), p);
      const char *dot = strrchr(old, '.');
      if (dot && strlen(dot) < sizeof ext)
        snprintf(ext, sizeof ext, "%s", dot);
      snprintf(fresh, sizeof fresh, "media/%s-%d%s", name, ++n_pic, ext);
      if (renameat(stagefd, old, stagefd, fresh) != 0)
        snprintf(fresh, sizeof fresh, "%s", old); /* shown twice: keep the first name */
      if (b->cap) {
        put(&o, "![", 2);
        put(&o, b->cap, b->cap_n);
        put(&o, "](", 2);
      } else {
        put(&o, b->s, (size_t)(p - b->s) - 9);
      }
      put(&o, "../", 3);
      put(&o, fresh, strlen(fresh));
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
  char file[200];
  snprintf(file, sizeof file, "%s.%s.md", name, lang);
  int rc = fsutil_write_atomic_at(pagesfd, file, o.buf, o.n, e);
  free(o.buf);
  return rc;
}

/* Cuts the document into pages: one per heading of its top two levels
 * (text before the first heading is a page of its own), a section longer
 * than WORD_BUDGET words cut further at its paragraphs with the heading
 * repeated, as lint would advise for a page that does not fit. */
static int cut_pages(const char *md, size_t len, const char *lang, int stagefd, int pagesfd,
                     char (*names)[80], size_t *n_pages, char *title, size_t title_cap,
                     struct kerr *e)
{
  size_t nb;
  struct block *v = split_blocks(md, len, &nb);
  if (!v)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  const struct block **body = calloc(nb ? nb : 1, sizeof *body);
  if (!body) {
    free(v);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  int top = 7;
  for (size_t i = 0; i < nb; i++)
    if (v[i].heading && v[i].heading < top)
      top = v[i].heading;
  int rc = 0;
  size_t i = 0;
  *n_pages = 0;
  while (i < nb && rc == 0 && *n_pages < MAX_PAGES) {
    const struct block *head = NULL;
    if (v[i].heading && v[i].heading <= top + 1)
      head = &v[i++];
    if (head && !*title)
      snprintf(title, title_cap, "%.*s", (int)(head->n - (size_t)head->heading - 1),
               head->s + head->heading + 1);
    char base[80];
    page_name(*n_pages + 1, head ? head->s : "", head ? head->n : 0, base, sizeof base);
    int part = 1;
    while (rc == 0 && *n_pages < MAX_PAGES) {
      size_t k = 0, words = 0;
      while (i < nb && !(v[i].heading && v[i].heading <= top + 1)) {
        const struct block *b = &v[i];
        /* pandoc repeats a figure's caption as the paragraph after it. */
        if (k && body[k - 1]->picture && !b->picture) {
          const char *cap;
          size_t cn;
          picture_caption(body[k - 1], &cap, &cn);
          if (cn && b->n == cn && !memcmp(b->s, cap, cn)) {
            i++;
            continue;
          }
          /* A picture without a caption, then one short line: its caption. */
          struct block *pic = (struct block *)body[k - 1];
          if (!cn && !pic->cap && !b->heading && !memchr(b->s, '\n', b->n) && b->words <= 30 &&
              !strchr("|-*+>#`", b->s[0]) && !(b->s[0] >= '0' && b->s[0] <= '9')) {
            pic->cap = b->s;
            pic->cap_n = b->n;
            i++;
            continue;
          }
        }
        if (k && words + b->words > WORD_BUDGET)
          break;
        body[k++] = b;
        words += b->words;
        i++;
      }
      if (part == 1)
        snprintf(names[*n_pages], sizeof names[*n_pages], "%s", base);
      else
        page_name(*n_pages + 1, head ? head->s : "", head ? head->n : 0, names[*n_pages],
                  sizeof names[*n_pages]);
      if (part > 1) {
        size_t l = strlen(names[*n_pages]);
        snprintf(names[*n_pages] + l, sizeof names[*n_pages] - l, "-%d", part);
      }
      if (k || head)
        rc = write_page(head, body, k, names[*n_pages], lang, stagefd, pagesfd, e);
      if (k || head)
        (*n_pages)++;
      part++;
      if (i >= nb || (v[i].heading && v[i].heading <= top + 1))
        break;
    }
  }
  free(body);
  free(v);
  return rc;
}

int cmd_import_file(const char *file, const char *lang, const char *src, FILE *msgs,
                    struct kerr *e)
{
  const char *fmt = format_of(file);
  if (!fmt)
    return kerr_set(e, KERR_USAGE, "%s: not a .docx, .odt, .html or .md file — save the document "
                    "in one of these formats first", file);
  if (!manifest_lang_ok(lang))
    return kerr_set(e, KERR_USAGE, "--lang %s: not a language code like ru or en", lang);
  struct stat sb;
  if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode))
    return kerr_set(e, KERR_NOENT, "%s: not found", file);
  if (lstat(src, &sb) == 0)
    return kerr_set(e, KERR_USAGE, "%s already exists — import into a new folder (the pack "
                    "source is made there)", src);
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
      return kerr_set(e, KERR_USAGE, "%s: the pack's id is made from the folder's name, and this "
                      "one has no letters or digits — use a name like bulletin-2026-12", src);
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
  char (*names)[80] = calloc(MAX_PAGES, sizeof *names);
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
  if ((rc = cut_pages(fixed, flen, lang, stagefd, pagesfd, names, &n_pages, title, sizeof title,
                      e)))
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
    fprintf(msgs, "Made %s from %s: %zu pages in %s, pictures in media/, pack.json.\n"
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
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--lang") && i + 1 < argc) {
      lang = argv[++i];
    } else if (!strcmp(a, "--into") && i + 1 < argc) {
      into = argv[++i];
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      import_usage(stdout);
      return CLI_OK;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "kiosk-pack import: unknown option or missing value: '%s'\n", a);
      import_usage(stderr);
      return CLI_ERROR;
    } else if (!file) {
      file = a;
    } else {
      fprintf(stderr, "kiosk-pack import: one FILE only ('%s' and '%s' given)\n", file, a);
      return CLI_ERROR;
    }
  }
  if (!file || !lang || !into) {
    fprintf(stderr, "kiosk-pack import: %s is missing\n",
            !file ? "FILE" : !lang ? "--lang LL" : "--into SRCDIR");
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
