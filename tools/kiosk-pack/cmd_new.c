/* cmd_new.c — `kiosk-pack new DIR`: a pack source folder to start from.
 *
 * It holds pack.json (id from the folder's name, version 1, created now,
 * English and Russian) and one example page of each layout and block —
 * text, a picture on the left, big numbers, hotlines, contacts, a QR code
 * and a table — in both languages, with a generated picture. Every number,
 * address and name in it is an obvious example ("0000 (example)",
 * example.org), so nothing real-looking can reach a wall by mistake. The
 * result builds and lints clean: it is also the guide's set of pictures
 * (content-packs/README.md). */
#include "kiosk-pack/cmd_new.h"
#include "kiosk-pack/cli.h"

#include "core/fsutil.h"
#include "core/manifest.h"
#include "render/fonts.h"

#include <SDL.h>
#include <cjson/cJSON.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PICTURE_W 960
#define PICTURE_H 640
#define PICTURE_PATH "media/example-picture.png"

struct example_page {
  const char *name;
  const char *en;
  const char *ru;
};

/* The example pages. Front matter lines starting with # are notes for the
 * author; the kiosk skips them. */
static const struct example_page pages[] = {
    {"01-text",
     "---\n"
     "# Lines that start with # here are notes for you; the kiosk skips them.\n"
     "# Seconds the page stays on screen (3 to 600).\n"
     "duration: 25\n"
     "# auto, text, image-left, image-right or image-top.\n"
     "layout: text\n"
     "# alert: true shows the page first and more often (urgent news only).\n"
     "alert: false\n"
     "---\n"
     "# Example page: text\n"
     "## A subtitle says what the page is about\n"
     "\n"
     "This is an example paragraph. Write short sentences. Use **bold** for the one thing "
     "people must remember, and *italics* for notes.\n"
     "\n"
     "- One idea per list item\n"
     "- Keep lists short\n"
     "\n"
     "A link is shown with a QR code: [example.org](https://example.org)\n",
     "---\n"
     "# Lines that start with # here are notes for you; the kiosk skips them.\n"
     "duration: 25\n"
     "layout: text\n"
     "alert: false\n"
     "---\n"
     "# Пример страницы: текст\n"
     "## Подзаголовок говорит, о чём страница\n"
     "\n"
     "Это пример абзаца. Пишите короткими предложениями. **Жирным** выделяйте главное, "
     "что нужно запомнить, а *курсивом* — примечания.\n"
     "\n"
     "- Одна мысль в каждом пункте\n"
     "- Списки делайте короткими\n"
     "\n"
     "Ссылка показывается с QR-кодом: [example.org](https://example.org)\n"},
    {"02-image-left",
     "---\n"
     "duration: 20\n"
     "layout: image-left\n"
     "# contain shows the whole picture; cover fills its box and crops the edges.\n"
     "image: contain\n"
     "---\n"
     "# Example page: picture on the left\n"
     "\n"
     "Put the picture in the media folder and write its name as below. The words in "
     "square brackets are the caption under the picture.\n"
     "\n"
     "![Example picture: replace it with your own](../" PICTURE_PATH ")\n",
     "---\n"
     "duration: 20\n"
     "layout: image-left\n"
     "image: contain\n"
     "---\n"
     "# Пример страницы: картинка слева\n"
     "\n"
     "Положите картинку в папку media и напишите её имя, как ниже. Слова в квадратных "
     "скобках — подпись под картинкой.\n"
     "\n"
     "![Пример картинки: замените её своей](../" PICTURE_PATH ")\n"},
    {"03-stats",
     "---\n"
     "duration: 18\n"
     "---\n"
     "# Example page: big numbers\n"
     "\n"
     "```stats\n"
     "1 234 | Example figure, not real data\n"
     "56 | Another example figure\n"
     "```\n"
     "\n"
     "*Replace these with real, checked figures and say where they come from.*\n",
     "---\n"
     "duration: 18\n"
     "---\n"
     "# Пример страницы: большие числа\n"
     "\n"
     "```stats\n"
     "1 234 | Пример числа, не настоящие данные\n"
     "56 | Ещё один пример\n"
     "```\n"
     "\n"
     "*Замените их настоящими, проверенными числами и укажите источник.*\n"},
    {"04-hotlines",
     "---\n"
     "duration: 20\n"
     "---\n"
     "# Example page: hotlines\n"
     "\n"
     "```hotlines\n"
     "Example country | 0000 (example) | phone\n"
     "Another example | 0001 (example) | mobile\n"
     "```\n"
     "\n"
     "These numbers are not real. Put only numbers you have called and checked.\n",
     "---\n"
     "duration: 20\n"
     "---\n"
     "# Пример страницы: горячие линии\n"
     "\n"
     "```hotlines\n"
     "Пример страны | 0000 (пример) | phone\n"
     "Ещё пример | 0001 (пример) | mobile\n"
     "```\n"
     "\n"
     "Это ненастоящие номера. Пишите только номера, по которым вы звонили и которые "
     "проверили.\n"},
    {"05-contacts",
     "---\n"
     "duration: 15\n"
     "---\n"
     "# Example page: contacts\n"
     "\n"
     "```contacts\n"
     "Example country | someone@example.org\n"
     "Another example | office@example.org\n"
     "```\n",
     "---\n"
     "duration: 15\n"
     "---\n"
     "# Пример страницы: контакты\n"
     "\n"
     "```contacts\n"
     "Пример страны | someone@example.org\n"
     "Ещё пример | office@example.org\n"
     "```\n"},
    {"06-qr",
     "---\n"
     "duration: 15\n"
     "---\n"
     "# Example page: QR code\n"
     "\n"
     "```qr\n"
     "https://example.org | Example address: scan it with a phone camera\n"
     "```\n",
     "---\n"
     "duration: 15\n"
     "---\n"
     "# Пример страницы: QR-код\n"
     "\n"
     "```qr\n"
     "https://example.org | Пример адреса: наведите камеру телефона\n"
     "```\n"},
    {"07-table",
     "---\n"
     "duration: 20\n"
     "---\n"
     "# Example page: a table\n"
     "\n"
     "| Office | Open | Phone |\n"
     "|---|---|---|\n"
     "| Example office | Mon–Fri 9:00–18:00 | 0002 (example) |\n"
     "| Another example | Every day 8:00–20:00 | 0003 (example) |\n",
     "---\n"
     "duration: 20\n"
     "---\n"
     "# Пример страницы: таблица\n"
     "\n"
     "| Офис | Часы работы | Телефон |\n"
     "|---|---|---|\n"
     "| Пример офиса | Пн–Пт 9:00–18:00 | 0002 (пример) |\n"
     "| Ещё пример | Каждый день 8:00–20:00 | 0003 (пример) |\n"},
};
#define N_PAGES (sizeof pages / sizeof pages[0])

static void new_usage(FILE *out)
{
  fputs("Usage: kiosk-pack new DIR [--from PREVIOUS]\n"
        "\n"
        "Starts a pack source in the new (or empty) folder DIR: pack.json with\n"
        "the folder's name as id, version 1, languages English and Russian, and\n"
        "one example page of each layout and block (text, picture on the left,\n"
        "big numbers, hotlines, contacts, QR code, table) with an example\n"
        "picture. Every number and address in it is an example: replace them.\n"
        "\n"
        "With --from PREVIOUS, starts next month's issue from last month's source\n"
        "folder instead: the same pages, languages, pictures and translations\n"
        "(po/), the version one higher, \"created\" now, and the dates cleared\n"
        "(valid_from, expires, and from/until in the pages).\n",
        out);
}

int cmd_new_id_from_name(const char *dir, char *id, size_t cap)
{
  char name[PATH_MAX];
  snprintf(name, sizeof name, "%s", dir);
  for (size_t n = strlen(name); n > 1 && name[n - 1] == '/'; n--)
    name[n - 1] = '\0';
  const char *base = cli_basename(name);
  size_t k = 0;
  int dash = 0;
  size_t max = cap - 1 < MANIFEST_ID_MAX ? cap - 1 : MANIFEST_ID_MAX;
  for (const char *c = base; *c && k < max; c++) {
    char ch = *c;
    if (ch >= 'A' && ch <= 'Z')
      ch = (char)(ch - 'A' + 'a');
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      if (dash && k > 0 && k + 1 < max)
        id[k++] = '-';
      id[k++] = ch;
      dash = 0;
    } else {
      dash = 1;
    }
  }
  id[k] = '\0';
  return k > 0 && manifest_id_ok(id) ? 0 : -1;
}

/* Writes a new file dirfd/rel (never over an existing one). */
static int write_new(int dirfd, const char *dir, const char *rel, const void *data, size_t len)
{
  struct kerr e;
  int fd;
  if (fsutil_create_at(dirfd, rel, 0644, &fd, &e) != 0) {
    fprintf(stderr, "kiosk-pack new: %s/%s: %s\n", dir, rel, e.msg);
    return -1;
  }
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      fprintf(stderr, "kiosk-pack new: %s/%s: cannot write: %s\n", dir, rel, strerror(errno));
      close(fd);
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  if (close(fd) != 0) {
    fprintf(stderr, "kiosk-pack new: %s/%s: cannot write: %s\n", dir, rel, strerror(errno));
    return -1;
  }
  return 0;
}

static int write_manifest(int dirfd, const char *dir, const char *id)
{
  char created[40];
  cli_fmt_time_rfc3339((int64_t)time(NULL), created, sizeof created);
  char json[4096];
  int n = snprintf(json, sizeof json,
                   "{\n"
                   "  \"id\": \"%s\",\n"
                   "  \"version\": 1,\n"
                   "  \"title\": {\n"
                   "    \"en\": \"Example pack: replace this title\",\n"
                   "    \"ru\": \"Пример пакета: замените это название\"\n"
                   "  },\n"
                   "  \"created\": \"%s\",\n"
                   "  \"languages\": [\"en\", \"ru\"],\n"
                   "  \"pages\": [\n",
                   id, created);
  for (size_t i = 0; i < N_PAGES; i++)
    n += snprintf(json + n, sizeof json - (size_t)n, "    \"%s\"%s\n", pages[i].name,
                  i + 1 < N_PAGES ? "," : "");
  n += snprintf(json + n, sizeof json - (size_t)n,
                "  ],\n"
                "  \"band\": [\n"
                "    {\n"
                "      \"country\": \"XX\",\n"
                "      \"number\": \"0000 (example)\",\n"
                "      \"label\": {\"en\": \"Example hotline\", \"ru\": \"Пример горячей линии\"}\n"
                "    }\n"
                "  ]\n"
                "}\n");
  return write_new(dirfd, dir, "pack.json", json, (size_t)n);
}

static void fill(SDL_Surface *s, int x, int y, int w, int h, Uint32 rgb)
{
  SDL_Rect r = {x, y, w, h};
  SDL_FillRect(s, &r, SDL_MapRGB(s->format, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb));
}

static void disc(SDL_Surface *s, int cx, int cy, int r, Uint32 rgb)
{
  for (int dy = -r; dy <= r; dy++) {
    int dx = 0;
    while ((dx + 1) * (dx + 1) + dy * dy <= r * r)
      dx++;
    fill(s, cx - dx, cy + dy, 2 * dx + 1, 1, rgb);
  }
}

static void label(struct fonts *f, SDL_Surface *s, const char *text, int px, int style, int y,
                  SDL_Color c)
{
  TTF_Font *font = fonts_face(f, 0, (enum fonts_style)style, px);
  SDL_Surface *t = font ? TTF_RenderUTF8_Blended(font, text, c) : NULL;
  if (!t)
    return;
  SDL_Rect at = {(s->w - t->w) / 2, y, 0, 0};
  SDL_BlitSurface(t, NULL, s, &at);
  SDL_FreeSurface(t);
}

/* The example picture: a plain landscape in flat colours (small as PNG),
 * marked EXAMPLE so nobody mistakes it for content. */
static int write_picture(struct fonts *f, const char *path)
{
  SDL_Surface *s =
      SDL_CreateRGBSurfaceWithFormat(0, PICTURE_W, PICTURE_H, 32, SDL_PIXELFORMAT_XRGB8888);
  if (!s)
    return -1;
  fill(s, 0, 0, PICTURE_W, PICTURE_H, 0xCFE3F2); /* sky */
  disc(s, 790, 330, 56, 0xF4C542);               /* sun */
  for (int i = 0; i < 3; i++)                    /* hills */
    disc(s, 160 + i * 330, PICTURE_H + 120, 330 - i * 40, i == 1 ? 0x5E9A5A : 0x7DB36F);
  fill(s, 0, PICTURE_H - 90, PICTURE_W, 90, 0x4F7F4B); /* field */
  fill(s, 430, PICTURE_H - 200, 100, 110, 0xF5EFE6);   /* a house */
  fill(s, 465, PICTURE_H - 150, 30, 60, 0x8A5A3C);
  for (int i = 0; i < 60; i++) /* its roof */
    fill(s, 420 + i, PICTURE_H - 200 - i, 120 - 2 * i, 1, 0xB5553F);
  fill(s, 0, 50, PICTURE_W, 170, 0xFFFFFF); /* the banner */
  label(f, s, "EXAMPLE PICTURE", 84, FONTS_BOLD, 62, (SDL_Color){0xB0, 0x1E, 0x1E, 0xFF});
  label(f, s, "replace media/example-picture.png with your own", 30, FONTS_REGULAR, 170,
        (SDL_Color){0x33, 0x33, 0x33, 0xFF});
  int rc = IMG_SavePNG(s, path);
  SDL_FreeSurface(s);
  return rc == 0 ? 0 : -1;
}

/* 0 if dir does not exist or is an empty folder. */
/* ------------------------------------------------- next month's issue */

#define COPY_MAX_BYTES (64u << 20)
#define COPY_MAX_DEPTH 8

/* A page with the dates of its front matter (from:, until:) taken out:
 * they belonged to last month. Returns the new length. */
static size_t clear_page_dates(char *text, size_t len)
{
  if (len < 4 || strncmp(text, "---\n", 4))
    return len;
  size_t i = 4, o = 4;
  while (i < len) {
    char *nl = memchr(text + i, '\n', len - i);
    size_t e = nl ? (size_t)(nl - text) + 1 : len;
    int end = e - i >= 3 && !strncmp(text + i, "---", 3);
    int date = !strncmp(text + i, "from:", 5) || !strncmp(text + i, "until:", 6);
    if (!date) {
      memmove(text + o, text + i, e - i);
      o += e - i;
    }
    i = e;
    if (end)
      break;
  }
  memmove(text + o, text + i, len - i);
  return o + (len - i);
}

/* Copies the regular files under prev/rel into dirfd/rel. */
static int copy_tree(int prevfd, int outfd, const char *prev, const char *dir, const char *rel,
                     int depth)
{
  struct kerr e;
  int sub;
  if (fsutil_open_dir_at(prevfd, rel, 0, 0, &sub, &e) != 0)
    return e.code == KERR_NOENT
        ? 0
        : (fprintf(stderr, "kiosk-pack new: %s/%s: %s\n", prev, rel, e.msg), -1);
  DIR *d = fdopendir(sub);
  if (!d) {
    close(sub);
    fprintf(stderr, "kiosk-pack new: %s/%s: cannot list: %s\n", prev, rel, strerror(errno));
    return -1;
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", rel, de->d_name);
    struct stat sb;
    if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
      continue;
    if (S_ISDIR(sb.st_mode)) {
      if (depth < COPY_MAX_DEPTH)
        rc = copy_tree(prevfd, outfd, prev, dir, path, depth + 1);
      continue;
    }
    if (!S_ISREG(sb.st_mode))
      continue;
    char *data;
    size_t len;
    if (fsutil_read_at(prevfd, path, COPY_MAX_BYTES, &data, &len, &e) != 0) {
      fprintf(stderr, "kiosk-pack new: %s/%s: %s\n", prev, path, e.msg);
      rc = -1;
      break;
    }
    size_t n = strlen(path);
    if (!strncmp(path, "pages/", 6) && n > 3 && !strcmp(path + n - 3, ".md"))
      len = clear_page_dates(data, len);
    rc = write_new(outfd, dir, path, data, len);
    free(data);
  }
  closedir(d);
  return rc;
}

/* pack.json of the previous issue with the version bumped, "created" now
 * and its validity dates cleared; everything else kept. */
static int write_next_manifest(int prevfd, int dirfd, const char *prev, const char *dir,
                               unsigned long long *version)
{
  char *json;
  size_t len;
  struct kerr e;
  struct manifest *m = NULL;
  if (fsutil_read_at(prevfd, "pack.json", MANIFEST_MAX_BYTES, &json, &len, &e) != 0) {
    fprintf(stderr,
            "kiosk-pack new: %s/pack.json: %s — --from takes last month's pack source "
            "folder\n",
            prev, e.msg);
    return -1;
  }
  if (manifest_parse(json, len, MANIFEST_SOURCE, &m, &e) != 0) {
    fprintf(stderr, "kiosk-pack new: %s: %s\n", prev, e.msg);
    free(json);
    return -1;
  }
  *version = (unsigned long long)m->version + 1;
  manifest_free(m);
  cJSON *root = cJSON_ParseWithLength(json, len);
  free(json);
  char created[40];
  cli_fmt_time_rfc3339((int64_t)time(NULL), created, sizeof created);
  char *out = NULL;
  if (root) {
    cJSON_ReplaceItemInObjectCaseSensitive(root, "version", cJSON_CreateNumber((double)*version));
    cJSON_ReplaceItemInObjectCaseSensitive(root, "created", cJSON_CreateString(created));
    cJSON_DeleteItemFromObjectCaseSensitive(root, "valid_from");
    cJSON_DeleteItemFromObjectCaseSensitive(root, "expires");
    out = cJSON_Print(root);
    cJSON_Delete(root);
  }
  if (!out) {
    fprintf(stderr, "kiosk-pack new: out of memory\n");
    return -1;
  }
  size_t n = strlen(out);
  char *withnl = realloc(out, n + 2);
  if (!withnl) {
    free(out);
    return -1;
  }
  withnl[n] = '\n';
  withnl[n + 1] = '\0';
  int rc = write_new(dirfd, dir, "pack.json", withnl, n + 1);
  free(withnl);
  return rc;
}

static int new_from(int dirfd, const char *dir, const char *prev)
{
  int prevfd = open(prev, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (prevfd < 0) {
    fprintf(stderr,
            "kiosk-pack new: %s: cannot open the folder: %s — --from takes last "
            "month's pack source folder\n",
            prev, strerror(errno));
    return -1;
  }
  unsigned long long version = 0;
  int rc = write_next_manifest(prevfd, dirfd, prev, dir, &version);
  static const char *const parts[] = {"pages", "media", "fonts", "po"};
  for (size_t i = 0; rc == 0 && i < sizeof parts / sizeof *parts; i++)
    rc = copy_tree(prevfd, dirfd, prev, dir, parts[i], 0);
  close(prevfd);
  if (rc == 0)
    printf("Made %s from %s: version %llu, same pages, languages and pictures; \"created\" is "
           "now and the dates (valid_from, expires, and from/until of the pages) are cleared.\n"
           "Edit the pages for this month, then: kiosk-pack po export %s --out %s-po\n",
           dir, prev, version, dir, dir);
  return rc;
}

static int dir_unused(const char *dir, int *exists)
{
  *exists = 0;
  DIR *d = opendir(dir);
  if (!d)
    return errno == ENOENT ? 0 : -1;
  *exists = 1;
  struct dirent *de;
  int empty = 1;
  while (empty && (de = readdir(d)) != NULL)
    empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
  closedir(d);
  return empty ? 0 : -1;
}

int cmd_new(int argc, char **argv)
{
  const char *dir = NULL, *from = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--from") && i + 1 < argc) {
      from = argv[++i];
    } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      new_usage(stdout);
      return CLI_OK;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "kiosk-pack new: unknown option: '%s'\n", a);
      new_usage(stderr);
      return CLI_ERROR;
    } else if (!dir) {
      dir = a;
    } else {
      fprintf(stderr, "kiosk-pack new: one DIR only ('%s' and '%s' given)\n", dir, a);
      return CLI_ERROR;
    }
  }
  if (!dir) {
    fprintf(stderr, "kiosk-pack new: DIR is missing\n");
    new_usage(stderr);
    return CLI_ERROR;
  }
  char id[MANIFEST_ID_MAX + 1];
  if (cmd_new_id_from_name(dir, id, sizeof id) != 0) {
    fprintf(stderr,
            "kiosk-pack new: %s: the pack's id is made from the folder's name, and "
            "this one has no letters or digits — use a name like bulletin-2026-12\n",
            dir);
    return CLI_ERROR;
  }
  int existed;
  if (dir_unused(dir, &existed) != 0) {
    fprintf(stderr,
            "kiosk-pack new: %s already exists and is not empty — give a new folder "
            "name\n",
            dir);
    return CLI_ERROR;
  }
  if (!existed && mkdir(dir, 0755) != 0) {
    fprintf(stderr, "kiosk-pack new: %s: cannot create the folder: %s\n", dir, strerror(errno));
    return CLI_ERROR;
  }

  int status = CLI_ERROR;
  int ttf = 0;
  struct fonts *f = NULL;
  int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd < 0) {
    fprintf(stderr, "kiosk-pack new: %s: cannot open the folder: %s\n", dir, strerror(errno));
    goto fail;
  }
  if (from) {
    if (new_from(dirfd, dir, from) == 0)
      status = CLI_OK;
    goto fail;
  }
  struct kerr e;
  kerr_clear(&e);
  if (TTF_Init() != 0) {
    fprintf(stderr, "kiosk-pack new: cannot start the font library: %s\n", TTF_GetError());
    goto fail;
  }
  ttf = 1;
  IMG_Init(IMG_INIT_PNG);
  if (fonts_open(NULL, &f, &e) != 0) {
    fprintf(stderr, "kiosk-pack new: %s\n", e.msg);
    goto fail;
  }
  if (write_manifest(dirfd, dir, id) != 0)
    goto fail;
  for (size_t i = 0; i < N_PAGES; i++) {
    char rel[128];
    snprintf(rel, sizeof rel, "pages/%s.en.md", pages[i].name);
    if (write_new(dirfd, dir, rel, pages[i].en, strlen(pages[i].en)) != 0)
      goto fail;
    snprintf(rel, sizeof rel, "pages/%s.ru.md", pages[i].name);
    if (write_new(dirfd, dir, rel, pages[i].ru, strlen(pages[i].ru)) != 0)
      goto fail;
  }
  if (fsutil_mkdirs_at(dirfd, "media", 0755, &e) != 0) {
    fprintf(stderr, "kiosk-pack new: %s/media: %s\n", dir, e.msg);
    goto fail;
  }
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/" PICTURE_PATH, dir);
  if (write_picture(f, path) != 0) {
    fprintf(stderr, "kiosk-pack new: %s: cannot write the example picture: %s\n", path,
            IMG_GetError());
    goto fail;
  }
  status = CLI_OK;
  printf("Made %s: pack.json (id \"%s\", version 1, languages en and ru), %zu example pages "
         "in pages/ and an example picture in media/.\n"
         "Every number, address and picture in it is an example: replace them. Then:\n"
         "  kiosk-pack preview %s --out %s-preview\n"
         "  kiosk-pack lint %s\n",
         dir, id, N_PAGES, dir, dir, dir);

fail:
  fonts_close(f);
  if (ttf) {
    IMG_Quit();
    TTF_Quit();
  }
  if (dirfd >= 0)
    close(dirfd);
  if (status != CLI_OK) {
    /* Leave nothing half made: remove what this command wrote. */
    struct kerr re;
    if (!existed)
      fsutil_remove_tree_at(AT_FDCWD, dir, &re);
    else {
      int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        fsutil_remove_tree_at(fd, "pack.json", &re);
        fsutil_remove_tree_at(fd, "pages", &re);
        fsutil_remove_tree_at(fd, "media", &re);
        fsutil_remove_tree_at(fd, "fonts", &re);
        fsutil_remove_tree_at(fd, "po", &re);
        close(fd);
      }
    }
  }
  return status;
}
