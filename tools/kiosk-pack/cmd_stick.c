/* cmd_stick.c — `kiosk-pack stick DIR --packs P... [--keyring K]
 * [--trusted PATH]`: prepares a USB stick (a mounted folder) for a field
 * visit.
 *
 * Of the packs given (files, or folders whose *.kpack files are taken) the
 * newest version of each pack id is chosen, by what its manifest says.
 * Before anything is written every chosen pack is checked: with --trusted
 * exactly as a kiosk would (signature, expiry, every member), without it
 * its head is read and an expired pack is still refused. One refusal and
 * nothing is written (exit 1).
 *
 * Each file goes to DIR/kiosk/<id>-<version>.kpack through a temporary
 * ".<name>.tmp" beside it: written, fsynced, dropped from the page cache
 * and read back, and only when the bytes read back hash the same as the
 * source is it renamed to its name (with --trusted the copy on the stick is
 * then verified once more, as the kiosk will read it). A copy already on
 * the stick with the same bytes is left as it is. Then README.txt tells the
 * technician, in Russian and English, what is on the stick, what the
 * screen will say and when to pull it out. Nothing else on the stick is
 * touched: other packs, other files, the kiosk-logs/ folder the kiosk
 * writes. A README.txt at the top that this command did not write stays;
 * ours then goes into kiosk/. */
#include "kiosk-pack/cmd_stick.h"
#include "kiosk-pack/cli.h"

#include "core/fsutil.h"
#include "core/grow.h"
#include "core/inbox.h"
#include "core/keyring.h"
#include "core/log.h"
#include "core/manifest.h"
#include "core/pack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define STICK_MAX_FILES 512
#define STICK_COPY_BUF (256u * 1024u)
#define README_NAME "README.txt"
#define README_MARK "KIOSK STICK"
#define README_MAX (64u * 1024u)
#define EXPIRY_WARN_DAYS 30

/* One pack given on the command line. */
struct given {
  char *path;
  char id[MANIFEST_ID_MAX + 1];
  uint64_t version;
  uint64_t bytes; /* of the .kpack file */
  char title_en[PACK_TITLE_MAX + 1];
  char title_ru[PACK_TITLE_MAX + 1];
  int has_expires;
  int64_t expires;
  int64_t valid_from;
  int has_valid_from;
  int chosen;                      /* the newest of its id */
  int identical;                   /* already on the stick with the same bytes */
  char name[MANIFEST_ID_MAX + 32]; /* "<id>-<version>.kpack" */
};

struct stick {
  const char *dir;
  struct given *g;
  size_t n;
  const char *keyring;
  char keyring_name[256];
  uint64_t keyring_version;
  uint64_t keyring_bytes;
  int keyring_identical;
  int64_t now;
};

static void stick_usage(FILE *out)
{
  fputs("Usage: kiosk-pack stick DIR --packs PACK|FOLDER... [--keyring FILE.kkeys]\n"
        "                           [--trusted PATH]\n"
        "\n"
        "Prepares the USB stick mounted at DIR for a field visit: copies the newest\n"
        "version of each pack id given into DIR/kiosk/, reads every copy back, and\n"
        "writes README.txt for the technician (Russian and English). With --trusted\n"
        "(a .pub file or a folder of them) each pack is verified as a kiosk would and\n"
        "refused if it does not verify. Nothing else on the stick is changed.\n",
        out);
}

static int has_suffix(const char *s, const char *suf)
{
  size_t n = strlen(s), k = strlen(suf);
  return n >= k && strcasecmp(s + n - k, suf) == 0;
}

static int add_given(struct stick *s, const char *path)
{
  if (s->n == STICK_MAX_FILES) {
    fprintf(stderr,
            "kiosk-pack stick: more than %d packs given — prepare "
            "several sticks\n",
            STICK_MAX_FILES);
    return CLI_ERROR;
  }
  struct given *g = &s->g[s->n];
  memset(g, 0, sizeof *g);
  g->path = strdup(path);
  if (!g->path) {
    fprintf(stderr, "kiosk-pack stick: out of memory\n");
    return CLI_ERROR;
  }
  s->n++;
  return CLI_OK;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder: every regular *.kpack file in it (not hidden), in name order. */
static int add_folder(struct stick *s, const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "kiosk-pack stick: %s: %s\n", dir, strerror(errno));
    return CLI_ERROR;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int status = CLI_OK;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".kpack"))
      continue;
    char **nn = grow_array(names, n + 1, &cap, sizeof *nn, 16);
    if (!nn) {
      status = CLI_ERROR;
      break;
    }
    names = nn;
    if (!(names[n] = strdup(de->d_name))) {
      status = CLI_ERROR;
      break;
    }
    n++;
  }
  closedir(d);
  if (status != CLI_OK)
    fprintf(stderr, "kiosk-pack stick: out of memory\n");
  if (n)
    qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    if (status == CLI_OK) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", dir, names[i]);
      struct stat st;
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        status = add_given(s, path);
    }
    free(names[i]);
  }
  free(names);
  if (status == CLI_OK && n == 0)
    fprintf(stderr, "kiosk-pack stick: note: %s holds no .kpack files\n", dir);
  return status;
}

/* Reads the head of every given pack (no trust needed) for its id and
 * version; refuses a file that is not a pack. */
static int read_heads(struct stick *s)
{
  for (size_t i = 0; i < s->n; i++) {
    struct given *g = &s->g[i];
    struct pack_result *r = calloc(1, sizeof *r);
    if (!r) {
      fprintf(stderr, "kiosk-pack stick: out of memory\n");
      return CLI_ERROR;
    }
    struct kerr e;
    kerr_clear(&e);
    struct stat st;
    if (stat(g->path, &st) != 0 || !S_ISREG(st.st_mode)) {
      fprintf(stderr,
              "kiosk-pack stick: %s: not a readable file — check the "
              "path\n",
              g->path);
      free(r);
      return CLI_ERROR;
    }
    g->bytes = (uint64_t)st.st_size;
    if (pack_inspect(g->path, NULL, r, &e) != 0 || !r->has_manifest) {
      fprintf(stderr,
              "kiosk-pack stick: %s — not copied; nothing was written "
              "to the stick\n",
              r->msg[0] ? r->msg : e.msg);
      pack_result_free(r);
      free(r);
      return CLI_REFUSED;
    }
    snprintf(g->id, sizeof g->id, "%s", r->id);
    g->version = r->version;
    snprintf(g->title_en, sizeof g->title_en, "%s", r->title);
    snprintf(g->title_ru, sizeof g->title_ru, "%s",
             r->manifest ? manifest_title(r->manifest, "ru") : r->title);
    g->has_expires = r->has_expires;
    g->expires = r->expires;
    g->has_valid_from = r->has_valid_from;
    g->valid_from = r->valid_from;
    snprintf(g->name, sizeof g->name, "%s-%" PRIu64 ".kpack", g->id, g->version);
    pack_result_free(r);
    free(r);
  }
  /* The newest of each id; of two files with the same id and version the
   * first given. */
  for (size_t i = 0; i < s->n; i++) {
    int best = 1;
    for (size_t j = 0; j < s->n && best; j++) {
      if (j == i || strcmp(s->g[i].id, s->g[j].id) != 0)
        continue;
      if (s->g[j].version > s->g[i].version || (s->g[j].version == s->g[i].version && j < i))
        best = 0;
    }
    s->g[i].chosen = best;
  }
  return CLI_OK;
}

/* Checks each chosen pack before anything is written. */
static int check_chosen(struct stick *s, const struct sig_trust *trust)
{
  for (size_t i = 0; i < s->n; i++) {
    struct given *g = &s->g[i];
    if (!g->chosen)
      continue;
    if (g->has_expires && g->expires <= s->now) {
      char t[64];
      cli_fmt_time(g->expires, t, sizeof t);
      fprintf(stderr,
              "kiosk-pack stick: %s: expired on %s — a kiosk would "
              "refuse it; build a new version. Nothing was written to the "
              "stick\n",
              cli_basename(g->path), t);
      return CLI_REFUSED;
    }
    if (!trust)
      continue;
    struct pack_result *r = calloc(1, sizeof *r);
    if (!r) {
      fprintf(stderr, "kiosk-pack stick: out of memory\n");
      return CLI_ERROR;
    }
    struct cli_progress cp;
    cli_progress_init(&cp, "Verifying", g->path);
    struct pack_progress prog = {cli_progress_fn, &cp, NULL};
    pack_verify(g->path, trust, &prog, r, NULL);
    cli_progress_done(&cp);
    int status = cli_exit_status(r->status);
    if (status != CLI_OK)
      fprintf(stderr,
              "kiosk-pack stick: %s — not copied; nothing was "
              "written to the stick\n",
              r->msg);
    pack_result_free(r);
    free(r);
    if (status != CLI_OK)
      return status;
  }
  if (s->keyring) {
    struct keyring_result kr;
    struct keyring_doc *doc = NULL;
    struct kerr e;
    kerr_clear(&e);
    int rc = trust ? keyring_verify(s->keyring, trust, &doc, &kr, &e)
                   : keyring_inspect(s->keyring, &doc, &kr, &e);
    if (rc != 0 || !doc) {
      fprintf(stderr,
              "kiosk-pack stick: %s — not copied; nothing was "
              "written to the stick\n",
              kr.msg[0] ? kr.msg : e.msg);
      keyring_doc_free(doc);
      return rc == KERR_IO || rc == KERR_NOMEM || rc == KERR_NOENT ? CLI_ERROR : CLI_REFUSED;
    }
    s->keyring_version = doc->version;
    keyring_doc_free(doc);
  }
  return CLI_OK;
}

/* BLAKE2b-256 of fd from its start, after asking the kernel to drop its
 * cached pages, so that on a stick the bytes really come from the stick.
 * Returns 0 or an errno. */
static int hash_fd(int fd, unsigned char out[32], uint64_t *len, char *buf)
{
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, 32);
  uint64_t off = 0;
  for (;;) {
    ssize_t r = pread(fd, buf, STICK_COPY_BUF, (off_t)off);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return errno;
    if (r == 0)
      break;
    crypto_generichash_update(&h, (unsigned char *)buf, (size_t)r);
    off += (uint64_t)r;
  }
  crypto_generichash_final(&h, out, 32);
  if (len)
    *len = off;
  return 0;
}

/* Sentence for a failure writing to the stick. */
static const char *stick_why(int err)
{
  if (err == EROFS)
    return "the stick is read-only (slide its lock switch off, or use "
           "another stick)";
  if (err == ENOSPC)
    return "the stick is full (make room on it, or use a larger stick)";
  return strerror(err);
}

/* Hash of the source file at path. 0 or an errno. */
static int hash_path(const char *path, unsigned char out[32], uint64_t *len, char *buf)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  struct stat st;
  int err = fstat(fd, &st) != 0 ? errno : !S_ISREG(st.st_mode) ? EINVAL : 0;
  if (!err)
    err = hash_fd(fd, out, len, buf);
  close(fd);
  return err;
}

/* 1 when kdir/name is a regular file with exactly the hash want. */
static int same_on_stick(int kdir, const char *name, const unsigned char want[32], char *buf)
{
  int fd = openat(kdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return 0;
  struct stat st;
  unsigned char h[32];
  int same = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && hash_fd(fd, h, NULL, buf) == 0 &&
      memcmp(h, want, 32) == 0;
  close(fd);
  return same;
}

/* Copies src to kdir/name through ".<name>.tmp", reads it back, renames.
 * Prints what failed; returns CLI_OK or CLI_ERROR. */
static int copy_one(int kdir, const char *src, const char *name, char *buf)
{
  char tmp[300];
  snprintf(tmp, sizeof tmp, ".%s.tmp", name);
  unsigned char want[32], got[32];
  uint64_t want_len = 0, got_len = 0;
  int err = hash_path(src, want, &want_len, buf);
  if (err) {
    fprintf(stderr, "kiosk-pack stick: %s: could not read it: %s\n", src, strerror(err));
    return CLI_ERROR;
  }
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    fprintf(stderr, "kiosk-pack stick: %s: %s\n", src, strerror(errno));
    return CLI_ERROR;
  }
  (void)unlinkat(kdir, tmp, 0); /* ours, left by an interrupted run */
  int out = openat(kdir, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (out < 0) {
    err = errno;
    close(in);
    fprintf(stderr,
            "kiosk-pack stick: could not write kiosk/%s on the "
            "stick: %s\n",
            name, stick_why(err));
    return CLI_ERROR;
  }
  err = 0;
  for (;;) {
    ssize_t r = read(in, buf, STICK_COPY_BUF);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      err = errno;
      break;
    }
    if (r == 0)
      break;
    for (ssize_t off = 0; off < r && !err;) {
      ssize_t w = write(out, buf + off, (size_t)(r - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        err = w < 0 ? errno : ENOSPC;
      else
        off += w;
    }
    if (err)
      break;
  }
  close(in);
  if (!err && fsync(out) != 0)
    err = errno;
  if (!err)
    err = hash_fd(out, got, &got_len, buf);
  close(out);
  if (!err && (got_len != want_len || memcmp(got, want, 32) != 0)) {
    fprintf(stderr,
            "kiosk-pack stick: kiosk/%s: the copy on the stick does "
            "not read back the same as %s — the stick may be failing; use "
            "another stick\n",
            name, src);
    (void)unlinkat(kdir, tmp, 0);
    return CLI_ERROR;
  }
  if (!err && renameat(kdir, tmp, kdir, name) != 0)
    err = errno;
  if (!err && fsync(kdir) != 0 && errno != EINVAL)
    err = errno;
  if (err) {
    (void)unlinkat(kdir, tmp, 0);
    fprintf(stderr,
            "kiosk-pack stick: could not write kiosk/%s on the "
            "stick: %s\n",
            name, stick_why(err));
    return CLI_ERROR;
  }
  return CLI_OK;
}

/* --- README.txt ---------------------------------------------------------- */

static void day(int64_t t, char *buf, size_t cap)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm) || !strftime(buf, cap, "%Y-%m-%d", &tm))
    snprintf(buf, cap, "?");
}

/* Copies s into out without control characters (titles come from packs). */
static void clean(const char *s, char *out, size_t cap)
{
  size_t n = 0;
  for (; s[n] && n + 1 < cap; n++)
    out[n] = ((unsigned char)s[n] < 0x20 || s[n] == 0x7f) ? ' ' : s[n];
  out[n] = '\0';
}

static void readme_text(const struct stick *s, const char *where, struct grow_text *t)
{
  char now[64], d[32], title[PACK_TITLE_MAX + 1], size[32];
  cli_fmt_time(s->now, now, sizeof now);
  size_t n_packs = 0;
  for (size_t i = 0; i < s->n; i++)
    n_packs += s->g[i].chosen;

  grow_printf(t, "%s — ФЛЕШКА ДЛЯ КИОСКА\r\n", README_MARK);
  grow_printf(t, "Prepared %s by kiosk-pack %s\r\n\r\n", now, KIOSK_VERSION);

  grow_printf(t, "=== Русский ===\r\n\r\n");
  grow_printf(t, "На флешке, в папке %s:\r\n", where);
  for (size_t i = 0; i < s->n; i++) {
    const struct given *g = &s->g[i];
    if (!g->chosen)
      continue;
    clean(g->title_ru, title, sizeof title);
    cli_fmt_bytes(g->bytes, size, sizeof size);
    grow_printf(t, "  %s — «%s», версия %" PRIu64 ", %s", g->name, title, g->version, size);
    if (g->has_expires) {
      day(g->expires, d, sizeof d);
      grow_printf(t, ", действует до %s", d);
    }
    if (g->has_valid_from && g->valid_from > s->now) {
      day(g->valid_from, d, sizeof d);
      grow_printf(t, ", показывается с %s", d);
    }
    grow_printf(t, "\r\n");
  }
  if (s->keyring)
    grow_printf(t, "  %s — обновление ключей подписи, версия %" PRIu64 "\r\n", s->keyring_name,
                s->keyring_version);
  grow_printf(t,
              "\r\n"
              "1. Вставьте флешку в киоск. Нажимать ничего не нужно.\r\n"
              "2. На экране появится «Флешка: найдено пакетов: %zu», затем для каждого\r\n"
              "   пакета «Установлено: <название>, версия N» или «<название>: уже\r\n"
              "   установлено, ничего не изменено».\r\n",
              n_packs);
  if (s->keyring)
    grow_printf(t, "   Сначала: «Ключи подписи обновлены (версия %" PRIu64 ")».\r\n",
                s->keyring_version);
  grow_printf(t,
              "3. Дождитесь надписи «Журналы записаны на флешку. Флешку можно\r\n"
              "   вынимать». Только тогда выньте флешку.\r\n"
              "4. «Флешку вынули слишком рано» — вставьте её снова.\r\n"
              "   «Отклонено: ...» — пакет не установлен: сфотографируйте экран и\r\n"
              "   сообщите в офис.\r\n"
              "5. Привезите флешку в офис. Киоск записал на неё папку kiosk-logs/\r\n"
              "   (что показывалось и состояние киоска) — не удаляйте её. С одной\r\n"
              "   флешкой можно объехать несколько киосков.\r\n\r\n");

  grow_printf(t, "=== English ===\r\n\r\n");
  grow_printf(t, "On this stick, in the folder %s:\r\n", where);
  for (size_t i = 0; i < s->n; i++) {
    const struct given *g = &s->g[i];
    if (!g->chosen)
      continue;
    clean(g->title_en, title, sizeof title);
    cli_fmt_bytes(g->bytes, size, sizeof size);
    grow_printf(t, "  %s — \"%s\", version %" PRIu64 ", %s", g->name, title, g->version, size);
    if (g->has_expires) {
      day(g->expires, d, sizeof d);
      grow_printf(t, ", valid until %s", d);
    }
    if (g->has_valid_from && g->valid_from > s->now) {
      day(g->valid_from, d, sizeof d);
      grow_printf(t, ", shown from %s", d);
    }
    grow_printf(t, "\r\n");
  }
  if (s->keyring)
    grow_printf(t, "  %s — signing key update, version %" PRIu64 "\r\n", s->keyring_name,
                s->keyring_version);
  grow_printf(t,
              "\r\n"
              "1. Put the stick into the kiosk. Nothing needs to be pressed.\r\n"
              "2. The screen says \"USB stick: found %zu pack%s\", then for each pack\r\n"
              "   \"Installed <title>, version N\" or \"<title>: already up to date\".\r\n",
              n_packs, n_packs == 1 ? "" : "s");
  if (s->keyring)
    grow_printf(t, "   First: \"Signing keys updated (keyring version %" PRIu64 ")\".\r\n",
                s->keyring_version);
  grow_printf(t,
              "3. Wait for \"Logs copied to the stick. You can remove the stick\".\r\n"
              "   Only then pull the stick out.\r\n"
              "4. \"Stick removed too early\" — put it in again.\r\n"
              "   \"Refused: ...\" — the pack was not installed: take a photo of the\r\n"
              "   screen and tell the office.\r\n"
              "5. Bring the stick back to the office. The kiosk wrote the folder\r\n"
              "   kiosk-logs/ on it (what was shown, and the kiosk's state) — do not\r\n"
              "   delete it. One stick can visit several kiosks.\r\n");
}

/* Writes README.txt at the top of the stick, or in kiosk/ when the top
 * already has one that is not ours. Sets *where_out. */
static int write_readme(const struct stick *s, int root, int kdir, const char **where_out)
{
  int target = root;
  const char *where = "README.txt";
  char *old = NULL;
  size_t old_len = 0;
  struct kerr e;
  kerr_clear(&e);
  int rc = fsutil_read_at(root, README_NAME, README_MAX, &old, &old_len, &e);
  if (rc == 0 &&
      (old_len < strlen(README_MARK) || memcmp(old, README_MARK, strlen(README_MARK)) != 0)) {
    target = kdir;
    where = "kiosk/README.txt";
  } else if (rc != 0 && rc != KERR_NOENT) {
    target = kdir; /* something we cannot read: leave it alone */
    where = "kiosk/README.txt";
  }
  free(old);
  struct grow_text t = {0};
  readme_text(s, INBOX_KIOSK_FOLDER "/", &t);
  if (t.failed) {
    free(t.s);
    fprintf(stderr, "kiosk-pack stick: out of memory\n");
    return CLI_ERROR;
  }
  kerr_clear(&e);
  rc = fsutil_write_atomic_at(target, README_NAME, t.s, t.len, &e);
  free(t.s);
  if (rc != 0) {
    fprintf(stderr, "kiosk-pack stick: could not write %s on the stick: %s\n", where, e.msg);
    return CLI_ERROR;
  }
  *where_out = where;
  return CLI_OK;
}

/* Says what else the stick holds that the kiosk will look at. */
static void note_others(const struct stick *s)
{
  struct inbox_scan sc;
  struct kerr e;
  kerr_clear(&e);
  if (inbox_scan(s->dir, &sc, &e) != 0)
    return;
  for (size_t i = 0; i < sc.n; i++) {
    const struct inbox_candidate *c = &sc.items[i];
    if (c->kind != INBOX_PACK)
      continue;
    int ours = 0, newer = 0;
    for (size_t j = 0; j < s->n; j++) {
      const struct given *g = &s->g[j];
      if (!g->chosen || strcmp(g->id, c->id_hint) != 0)
        continue;
      char rel[sizeof g->name + 8];
      snprintf(rel, sizeof rel, "kiosk/%s", g->name);
      ours = strcmp(rel, c->rel) == 0;
      newer = !ours && c->version_hint > g->version;
      if (newer)
        fprintf(stderr,
                "kiosk-pack stick: note: the stick already holds %s, "
                "newer than %s — the kiosk will install that one\n",
                c->rel, g->name);
      else if (!ours)
        fprintf(stderr,
                "kiosk-pack stick: note: %s stays on the stick (an "
                "older copy: the kiosk skips it)\n",
                c->rel);
      break;
    }
  }
  inbox_scan_free(&sc);
}

int cmd_stick(int argc, char **argv)
{
  struct stick s = {0};
  const char *trusted = NULL;
  int status = CLI_OK, in_packs = 0, saw_packs = 0;
  s.g = calloc(STICK_MAX_FILES, sizeof *s.g);
  char *buf = malloc(STICK_COPY_BUF);
  struct sig_trust *trust = NULL;
  if (!s.g || !buf) {
    fprintf(stderr, "kiosk-pack stick: out of memory\n");
    status = CLI_ERROR;
    goto out;
  }
  for (int i = 1; i < argc && status == CLI_OK; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      stick_usage(stdout);
      goto out;
    } else if (!strcmp(a, "--packs")) {
      in_packs = saw_packs = 1;
    } else if ((!strcmp(a, "--keyring") || !strcmp(a, "--trusted")) && i + 1 < argc) {
      in_packs = 0;
      if (!strcmp(a, "--keyring"))
        s.keyring = argv[++i];
      else
        trusted = argv[++i];
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr,
              "kiosk-pack stick: unknown option or missing value: "
              "'%s'\n",
              a);
      stick_usage(stderr);
      status = CLI_ERROR;
    } else if (in_packs) {
      struct stat st;
      if (stat(a, &st) == 0 && S_ISDIR(st.st_mode))
        status = add_folder(&s, a);
      else
        status = add_given(&s, a);
    } else if (!s.dir) {
      s.dir = a;
    } else {
      fprintf(stderr,
              "kiosk-pack stick: one DIR only ('%s' and '%s' given); "
              "packs follow --packs\n",
              s.dir, a);
      status = CLI_ERROR;
    }
  }
  if (status != CLI_OK)
    goto out;
  if (!s.dir || !saw_packs || (s.n == 0 && !s.keyring)) {
    fprintf(stderr, "kiosk-pack stick: %s\n",
            !s.dir ? "DIR (the mounted stick) is missing"
                   : "no packs given: --packs PACK|FOLDER...");
    stick_usage(stderr);
    status = CLI_ERROR;
    goto out;
  }
  if (s.keyring) {
    if (!has_suffix(s.keyring, KEYRING_SUFFIX)) {
      fprintf(stderr,
              "kiosk-pack stick: %s: a keyring update ends in %s — "
              "give the file 'kiosk-pack keyring build' wrote\n",
              s.keyring, KEYRING_SUFFIX);
      status = CLI_ERROR;
      goto out;
    }
    clean(cli_basename(s.keyring), s.keyring_name, sizeof s.keyring_name);
    if (strchr(s.keyring_name, '/') || s.keyring_name[0] == '.') {
      fprintf(stderr,
              "kiosk-pack stick: %s: rename the keyring update so "
              "its name does not start with '.'\n",
              s.keyring);
      status = CLI_ERROR;
      goto out;
    }
  }
  s.now = (int64_t)time(NULL);
  log_set_level(LOG_WARN);
  if (sodium_init() < 0) {
    fprintf(stderr, "kiosk-pack stick: libsodium could not start\n");
    status = CLI_ERROR;
    goto out;
  }
  if (trusted && (status = cli_load_trust("stick", NULL, trusted, &trust)))
    goto out;
  if ((status = read_heads(&s)) != CLI_OK || (status = check_chosen(&s, trust)) != CLI_OK)
    goto out;

  /* The stick: its root must be a folder we can write. */
  int root = open(s.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) {
    fprintf(stderr,
            "kiosk-pack stick: %s: %s — give the folder where the "
            "stick is mounted\n",
            s.dir, strerror(errno));
    status = CLI_ERROR;
    goto out;
  }
  if (mkdirat(root, INBOX_KIOSK_FOLDER, 0755) != 0 && errno != EEXIST) {
    fprintf(stderr,
            "kiosk-pack stick: could not make the folder kiosk/ on "
            "the stick: %s\n",
            stick_why(errno));
    close(root);
    status = CLI_ERROR;
    goto out;
  }
  int kdir = openat(root, INBOX_KIOSK_FOLDER, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (kdir < 0) {
    fprintf(stderr,
            "kiosk-pack stick: kiosk/ on the stick is not a folder "
            "(%s) — move it away first\n",
            strerror(errno));
    close(root);
    status = CLI_ERROR;
    goto out;
  }

  /* Room: what is not already there must fit, with a little to spare for
   * the folder entries and README.txt. */
  uint64_t need = 64 * 1024;
  for (size_t i = 0; i < s.n; i++) {
    struct given *g = &s.g[i];
    unsigned char h[32];
    if (!g->chosen)
      continue;
    if (hash_path(g->path, h, NULL, buf) == 0)
      g->identical = same_on_stick(kdir, g->name, h, buf);
    if (!g->identical)
      need += g->bytes;
  }
  if (s.keyring) {
    unsigned char h[32];
    if (hash_path(s.keyring, h, &s.keyring_bytes, buf) == 0)
      s.keyring_identical = same_on_stick(kdir, s.keyring_name, h, buf);
    if (!s.keyring_identical)
      need += s.keyring_bytes;
  }
  struct statvfs vfs;
  if (fstatvfs(kdir, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < need) {
    char have[32], want[32];
    cli_fmt_bytes((uint64_t)vfs.f_bavail * vfs.f_frsize, have, sizeof have);
    cli_fmt_bytes(need, want, sizeof want);
    fprintf(stderr,
            "kiosk-pack stick: the stick has %s free, the packs need "
            "%s — use a larger stick or make room on it. Nothing was "
            "written\n",
            have, want);
    status = CLI_ERROR;
  }

  if (s.keyring && status == CLI_OK) {
    if (!s.keyring_identical)
      status = copy_one(kdir, s.keyring, s.keyring_name, buf);
    if (status == CLI_OK)
      printf("kiosk/%s: signing key update, version %" PRIu64 " — %s\n", s.keyring_name,
             s.keyring_version,
             s.keyring_identical ? "already on the stick, read back" : "written and read back");
  }
  for (size_t i = 0; i < s.n && status == CLI_OK; i++) {
    struct given *g = &s.g[i];
    if (!g->chosen) {
      printf("%s: version %" PRIu64 " of %s — not copied, a newer one is "
             "given\n",
             cli_basename(g->path), g->version, g->id);
      continue;
    }
    if (!g->identical)
      status = copy_one(kdir, g->path, g->name, buf);
    if (status == CLI_OK && trust) {
      /* The copy as a kiosk will read it. */
      char path[4096];
      snprintf(path, sizeof path, "%s/%s/%s", s.dir, INBOX_KIOSK_FOLDER, g->name);
      struct pack_result *r = calloc(1, sizeof *r);
      if (!r) {
        status = CLI_ERROR;
        break;
      }
      pack_verify(path, trust, NULL, r, NULL);
      if (cli_exit_status(r->status) != CLI_OK) {
        fprintf(stderr,
                "kiosk-pack stick: the copy on the stick does not "
                "verify: %s — use another stick\n",
                r->msg);
        status = CLI_ERROR;
      }
      pack_result_free(r);
      free(r);
    }
    if (status == CLI_OK) {
      char size[32], title[PACK_TITLE_MAX + 1];
      cli_fmt_bytes(g->bytes, size, sizeof size);
      clean(g->title_en, title, sizeof title);
      printf("kiosk/%s: \"%s\", version %" PRIu64 ", %s — %s%s\n", g->name, title, g->version, size,
             g->identical ? "already on the stick, read back" : "written and read back",
             trust ? ", verified" : "");
    }
  }
  const char *where = NULL;
  if (status == CLI_OK)
    status = write_readme(&s, root, kdir, &where);
  if (status == CLI_OK) {
    note_others(&s);
    printf("%s: what the technician does, in Russian and English\n", where);
    printf("The stick is ready%s.\n",
           trust ? ""
                 : " (packs not verified: "
                   "give --trusted PATH to check them as a kiosk would)");
  }
  close(kdir);
  close(root);
out:
  for (size_t i = 0; s.g && i < s.n; i++)
    free(s.g[i].path);
  free(s.g);
  free(buf);
  sig_trust_free(trust);
  return status;
}
