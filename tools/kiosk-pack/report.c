/* report.c — reads and merges what the kiosks brought home (see report.h).
 *
 * Two passes. report_add_path() only walks folders and reads each site
 * folder's status.txt (small), so that the site ids are known; the big
 * files, play logs and kiosk logs, are read in report_finish(), one site at
 * a time, so the tables that keep a play from being counted twice hold one
 * site's lines at most and are freed before the next site.
 *
 * Every file is opened once with O_NOFOLLOW, checked with fstat to be a
 * regular file, and read in bounded pieces; lines longer than the kiosk
 * ever writes are damaged lines, not a reason to stop. */
#include "kiosk-pack/report.h"
#include "kiosk-pack/cli.h"

#include "core/clock.h"
#include "core/decimal.h"
#include "core/fieldlog.h"
#include "core/grow.h"
#include "core/pack.h"
#include "core/playlog.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK (1u << 20)
#define LOG_LINE_MAX 4096
#define ISSUES_PER_FILE 20
#define DAY_S 86400

/* --- small helpers -------------------------------------------------------- */

/* Makes room for one more element in *v (n used, *cap allocated). */
static int grow(void *v, size_t *cap, size_t n, size_t elem)
{
  void **p = v;
  void *np = grow_array(*p, n + 1, cap, elem, 16);
  if (!np)
    return -1;
  *p = np;
  return 0;
}

/* A new copy of n bytes of s as valid UTF-8 without control characters:
 * invalid bytes become '?', control characters a space. */
static char *clean_text(const char *s, size_t n)
{
  char *out = malloc(n + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      out[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
      i++;
      continue;
    }
    size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    int ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; k++)
      ok = ((unsigned char)s[i + k] & 0xC0) == 0x80;
    if (ok && len == 3) { /* no overlongs or surrogates */
      unsigned char c1 = (unsigned char)s[i + 1];
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
    }
    if (ok && len == 4) {
      unsigned char c1 = (unsigned char)s[i + 1];
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
    }
    if (!ok) {
      out[o++] = '?';
      i++;
      continue;
    }
    memcpy(out + o, s + i, len);
    o += len;
    i += len;
  }
  out[o] = '\0';
  return out;
}

static char *clean_str(const char *s)
{
  return clean_text(s, strlen(s));
}

/* n (2 or 4) digits at s. */
static int num(const char *s, size_t n, unsigned *out)
{
  uint64_t v;
  if (decimal_u64(s, n, &v) != 0)
    return 0;
  *out = (unsigned)v;
  return 1;
}

/* "YYYY-MM-DD HH:MM:SS" (sep ' ') at s; 1 and *t on success. */
static int parse_time19(const char *s, size_t n, int64_t *t)
{
  unsigned y, mo, d, h, mi, se;
  if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
      !num(s, 4, &y) || !num(s + 5, 2, &mo) || !num(s + 8, 2, &d) || !num(s + 11, 2, &h) ||
      !num(s + 14, 2, &mi) || !num(s + 17, 2, &se) || mo < 1 || mo > 12 || d < 1 || d > 31 ||
      h > 23 || mi > 59 || se > 60)
    return 0;
  *t = clock_days_from_civil(y, mo, d) * DAY_S + h * 3600 + mi * 60 + se;
  return 1;
}

/* A fast hash of a line, eight bytes at a time (64 bits of state, given
 * out as two words). Lines are told apart by it alone (they are not
 * kept), so it must spread well; it need not resist a forger, who could
 * as well leave lines out. */
static uint64_t mix(uint64_t a, uint64_t b)
{
  __uint128_t m = (__uint128_t)a * b;
  return (uint64_t)m ^ (uint64_t)(m >> 64);
}

static void hash_line(const char *s, size_t n, uint64_t *h1, uint64_t *h2)
{
  uint64_t a = 0x243f6a8885a308d3ull ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    a = mix(a ^ w, 0xa0761d6478bd642full);
  }
  uint64_t w = 0;
  memcpy(&w, s + i, n - i);
  a = mix(a ^ w, 0x8ebc6af09c88c6e3ull);
  *h1 = mix(a, 0x1d8e4e27c47d124full);
  *h2 = mix(a ^ 0x589965cc75374cc3ull, 0xe7037ed1a0b428dbull);
}

/* --- private state ------------------------------------------------------ */

/* A folder of one site's logs, found by the walk. */
struct folder {
  char *path;
  size_t site; /* index into r->sites */
};

struct keymap {    /* interned (pack, version, page, lang) -> index */
  uint32_t *slots; /* index + 1; 0 empty */
  uint64_t *hashes;
  size_t cap;
};

struct priv {
  pthread_mutex_t mu; /* keys and issues, while sites are read in parallel */
  struct folder *folders;
  size_t n_folders, cap_folders;
  size_t cap_sites, cap_keys, cap_known, cap_issues;
  struct keymap keys;
  /* the newest known version of each pack id, after report_finish */
  struct report_known *newest;
  size_t n_newest;
};

static struct priv *P(const struct report *r)
{
  return r->priv;
}

static int issue(struct report *r, int level, const char *file, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int issue(struct report *r, int level, const char *file, uint64_t line, const char *fmt, ...)
{
  if (r->n_issues >= REPORT_MAX_ISSUES) {
    r->issues_dropped++;
    return 0;
  }
  if (grow(&r->issues, &P(r)->cap_issues, r->n_issues, sizeof *r->issues))
    return -1;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  struct report_issue *is = &r->issues[r->n_issues];
  is->level = level;
  is->line = line;
  is->file = clean_str(file);
  is->msg = clean_str(msg);
  if (!is->file || !is->msg) {
    free(is->file);
    free(is->msg);
    return -1;
  }
  r->n_issues++;
  return 0;
}

struct report *report_new(int64_t now)
{
  struct report *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->priv = calloc(1, sizeof(struct priv));
  if (!r->priv) {
    free(r);
    return NULL;
  }
  pthread_mutex_init(&P(r)->mu, NULL);
  r->now = now;
  return r;
}

/* --- reading a file in bounded pieces ----------------------------------- */

/* Opens dirfd/name as a regular file, not through a symlink. Returns the fd,
 * -1 with errno. */
static int open_regular(int dirfd, const char *name, struct stat *st)
{
  int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return -1;
  if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    close(fd);
    errno = EINVAL;
    return -1;
  }
  return fd;
}

/* Calls fn for each line of fd (without its newline, lines longer than
 * max cut and flagged). The last line without a newline is passed with
 * torn = 1. fn returns 0 to go on. Returns 0 or an errno. */
typedef int line_fn(void *ctx, const char *line, size_t len, uint64_t lineno, int overlong,
                    int torn);

static int for_each_line(int fd, size_t max, line_fn *fn, void *ctx)
{
  char *buf = malloc(READ_CHUNK);
  char *line = malloc(max);
  if (!buf || !line) {
    free(buf);
    free(line);
    return ENOMEM;
  }
  size_t ll = 0;
  int overlong = 0, err = 0, stop = 0;
  uint64_t lineno = 0;
  for (;;) {
    ssize_t n = read(fd, buf, READ_CHUNK);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0)
      break;
    const char *p = buf, *end = buf + n;
    while (p < end && !stop) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);
      if (ll == 0 && nl && k <= max) {
        /* the common case: a whole line inside the buffer */
        stop = fn(ctx, p, k, ++lineno, 0, 0);
      } else {
        size_t room = max - ll;
        size_t take = k < room ? k : room;
        memcpy(line + ll, p, take);
        ll += take;
        if (take < k)
          overlong = 1;
        if (nl) {
          stop = fn(ctx, line, ll, ++lineno, overlong, 0);
          ll = 0;
          overlong = 0;
        }
      }
      p += k + (nl ? 1 : 0);
    }
    if (stop)
      break;
  }
  if (!err && !stop && (ll > 0 || overlong))
    fn(ctx, line, ll, ++lineno, overlong, 1);
  free(buf);
  free(line);
  return err;
}

/* --- status.txt ----------------------------------------------------------- */

static int starts(const char *s, size_t n, const char *prefix)
{
  size_t k = strlen(prefix);
  return n >= k && memcmp(s, prefix, k) == 0;
}

/* The first place needle occurs in n bytes of s, or NULL. */
static const char *find(const char *s, size_t n, const char *needle)
{
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (!memcmp(s + i, needle, k))
      return s + i;
  return NULL;
}

/* Parses "ID: version N (previous M) "TITLE" (expires ...)" or
 * "ID: nothing to show ...". 1 on success. */
static int parse_pack_line(const char *s, size_t n, struct report_pack *p)
{
  memset(p, 0, sizeof *p);
  const char *colon = memchr(s, ':', n);
  if (!colon || colon == s || (size_t)(colon - s) > MANIFEST_ID_MAX)
    return 0;
  memcpy(p->id, s, (size_t)(colon - s));
  p->id[colon - s] = '\0';
  if (!manifest_id_ok(p->id))
    return 0;
  const char *q = colon + 1, *end = s + n;
  if (q < end && *q == ' ')
    q++;
  if (starts(q, (size_t)(end - q), "nothing to show")) {
    p->title = clean_str("");
    return p->title != NULL;
  }
  if (!starts(q, (size_t)(end - q), "version "))
    return 0;
  q += 8;
  char *e2;
  errno = 0;
  unsigned long long v = strtoull(q, &e2, 10);
  if (e2 == q || errno || v == 0 || e2 > end)
    return 0;
  p->current = v;
  q = e2;
  if (starts(q, (size_t)(end - q), " (previous ")) {
    q += 11;
    v = strtoull(q, &e2, 10);
    if (e2 == q || e2 >= end || *e2 != ')')
      return 0;
    p->previous = v;
    q = e2 + 1;
  }
  /* " (expires YYYY-MM-DD HH:MM:SS UTC)" at the very end */
  static const char exp_pre[] = " (expires ";
  size_t exp_len = sizeof exp_pre - 1 + 19 + 5;
  if ((size_t)(end - q) >= exp_len && memcmp(end - exp_len, exp_pre, sizeof exp_pre - 1) == 0 &&
      memcmp(end - 5, " UTC)", 5) == 0) {
    if (!parse_time19(end - exp_len + sizeof exp_pre - 1, 19, &p->expires))
      return 0;
    end -= exp_len;
  }
  if (q < end) {
    if (end - q < 3 || q[0] != ' ' || q[1] != '"' || end[-1] != '"')
      return 0;
    p->title = clean_text(q + 2, (size_t)(end - q - 3));
  } else {
    p->title = clean_str("");
  }
  return p->title != NULL;
}

static void visit_free(struct report_visit *v)
{
  free(v->clock);
  free(v->software);
  free(v->uptime);
  free(v->free_space);
  free(v->source);
  for (size_t i = 0; i < v->n_packs; i++)
    free(v->packs[i].title);
  free(v->packs);
  memset(v, 0, sizeof *v);
}

struct status_parse {
  struct report *r;
  const char *file;
  struct report_visit v;
  size_t cap_packs;
  char site[72];
  char *name;
  char country[3];
  int ok;      /* the first line was right */
  int newer;   /* a newer format: skip */
  int section; /* 1 in "Installed packs" */
  int64_t clock_t, floor_t;
  unsigned bad;
  int oom;
};

static char *field_value(const char *s, size_t n, size_t skip)
{
  while (skip < n && s[skip] == ' ')
    skip++;
  return clean_text(s + skip, n - skip);
}

static int status_line(void *ctx, const char *s, size_t n, uint64_t lineno, int overlong, int torn)
{
  struct status_parse *sp = ctx;
  (void)torn;
  if (lineno == 1) {
    int64_t t;
    static const char head[] = "Kiosk status, written ";
    if (overlong || !starts(s, n, head) ||
        !parse_time19(s + sizeof head - 1, n - (sizeof head - 1), &t)) {
      issue(sp->r, REPORT_WARNING, sp->file, 1,
            "not a kiosk status file "
            "(it should start \"Kiosk status, written\") — ignored");
      return 1;
    }
    sp->ok = 1;
    sp->clock_t = t;
    return 0;
  }
  if (overlong)
    return 0;
  if (sp->section && starts(s, n, "  ")) {
    if (starts(s, n, "  none"))
      return 0;
    struct report_pack p;
    if (!parse_pack_line(s + 2, n - 2, &p)) {
      free(p.title);
      if (sp->bad++ < ISSUES_PER_FILE)
        issue(sp->r, REPORT_WARNING, sp->file, lineno,
              "a pack line this "
              "kiosk-pack cannot read — left out");
      return 0;
    }
    if (grow(&sp->v.packs, &sp->cap_packs, sp->v.n_packs, sizeof *sp->v.packs)) {
      free(p.title);
      sp->oom = 1;
      return 1;
    }
    sp->v.packs[sp->v.n_packs++] = p;
    return 0;
  }
  sp->section = 0;
  char **slot = NULL;
  if (starts(s, n, "Site:")) {
    size_t i = 5;
    while (i < n && s[i] == ' ')
      i++;
    size_t j = i;
    while (j < n && s[j] != ' ')
      j++;
    if (j - i < sizeof sp->site) {
      memcpy(sp->site, s + i, j - i);
      sp->site[j - i] = '\0';
    }
    if (j + 2 < n && s[j + 1] == '(' && s[n - 1] == ')') {
      free(sp->name);
      sp->name = clean_text(s + j + 2, n - j - 3);
    }
  } else if (starts(s, n, "Country:")) {
    char *c = field_value(s, n, 8);
    if (c && strlen(c) == 2)
      memcpy(sp->country, c, 3);
    free(c);
  } else if (starts(s, n, "Format:")) {
    char *c = field_value(s, n, 7);
    long f = c ? strtol(c, NULL, 10) : 0;
    free(c);
    if (f > FIELDLOG_STATUS_FORMAT) {
      issue(sp->r, REPORT_WARNING, sp->file, lineno,
            "status format %ld is "
            "newer than this kiosk-pack reads (%d) — use a newer kiosk-pack; "
            "this status was left out (the play log and kiosk log beside it "
            "are still read)",
            f, FIELDLOG_STATUS_FORMAT);
      sp->newer = 1;
      return 1;
    }
  } else if (starts(s, n, "Software:")) {
    slot = &sp->v.software;
  } else if (starts(s, n, "Uptime:")) {
    slot = &sp->v.uptime;
  } else if (starts(s, n, "Free space:")) {
    slot = &sp->v.free_space;
  } else if (starts(s, n, "Clock:")) {
    slot = &sp->v.clock;
  } else if (starts(s, n, "             kiosk clock ")) {
    const char *k = find(s, n, "last known time ");
    if (k)
      parse_time19(k + 16, n - (size_t)(k + 16 - s), &sp->floor_t);
  } else if (starts(s, n, "Installed packs:")) {
    sp->section = 1;
  }
  if (slot) {
    const char *colon = memchr(s, ':', n);
    free(*slot);
    *slot = field_value(s, n, (size_t)(colon - s) + 1);
    if (!*slot) {
      sp->oom = 1;
      return 1;
    }
  }
  return 0;
}

/* --- sites ----------------------------------------------------------------- */

static long find_site(const struct report *r, const char *id)
{
  for (size_t i = 0; i < r->n_sites; i++)
    if (!strcmp(r->sites[i].id, id))
      return (long)i;
  return -1;
}

static long get_site(struct report *r, const char *id)
{
  long i = find_site(r, id);
  if (i >= 0)
    return i;
  if (r->n_sites >= REPORT_MAX_SITES)
    return -2;
  if (grow(&r->sites, &P(r)->cap_sites, r->n_sites, sizeof *r->sites))
    return -1;
  struct report_site *s = &r->sites[r->n_sites];
  memset(s, 0, sizeof *s);
  size_t idl = strlen(id) < sizeof s->id - 1 ? strlen(id) : sizeof s->id - 1;
  memcpy(s->id, id, idl);
  s->id[idl] = '\0';
  s->name = clean_str("");
  if (!s->name)
    return -1;
  return (long)r->n_sites++;
}

static const char *base_name(const char *path)
{
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/')
    n--;
  size_t i = n;
  while (i > 0 && path[i - 1] != '/')
    i--;
  static char buf[256];
  size_t k = n - i < sizeof buf - 1 ? n - i : sizeof buf - 1;
  memcpy(buf, path + i, k);
  buf[k] = '\0';
  return buf;
}

/* A folder with kiosk log files: read its status, note its site. */
static int add_folder(struct report *r, int dirfd, const char *path)
{
  struct status_parse sp;
  memset(&sp, 0, sizeof sp);
  sp.r = r;
  char file[4200];
  snprintf(file, sizeof file, "%s/status.txt", path);
  sp.file = file;
  struct stat st;
  int fd = open_regular(dirfd, "status.txt", &st);
  int have_status = 0;
  if (fd >= 0) {
    if ((uint64_t)st.st_size > REPORT_MAX_STATUS_BYTES) {
      issue(r, REPORT_WARNING, file, 0,
            "%" PRIu64 " bytes: far bigger than "
            "a kiosk writes — ignored",
            (uint64_t)st.st_size);
    } else {
      int err = for_each_line(fd, LOG_LINE_MAX, status_line, &sp);
      if (err == ENOMEM || sp.oom) {
        close(fd);
        visit_free(&sp.v);
        free(sp.name);
        return -1;
      }
      if (err)
        issue(r, REPORT_WARNING, file, 0, "could not be read: %s", strerror(err));
      else if (sp.ok && !sp.newer && !sp.site[0])
        issue(r, REPORT_WARNING, file, 0,
              "has no \"Site:\" line — the "
              "folder name is taken as the site");
      have_status = sp.ok && !sp.newer && !err;
    }
    close(fd);
  } else if (errno != ENOENT) {
    issue(r, REPORT_WARNING, file, 0, "could not be read: %s — left out", strerror(errno));
  }
  char site[300];
  if (have_status && fieldlog_site_id_ok(sp.site))
    snprintf(site, sizeof site, "%s", sp.site);
  else
    snprintf(site, sizeof site, "%s", base_name(path));
  if (!fieldlog_site_id_ok(site)) {
    issue(r, REPORT_WARNING, path, 0,
          "the folder name is not a site id and "
          "no status.txt names one — left out (name the folder after the "
          "site, as kiosk-logs/<site-id>/)");
    visit_free(&sp.v);
    free(sp.name);
    return 0;
  }
  long si = get_site(r, site);
  if (si == -2) {
    issue(r, REPORT_WARNING, path, 0, "more than %d sites — left out", REPORT_MAX_SITES);
    visit_free(&sp.v);
    free(sp.name);
    return 0;
  }
  if (si < 0) {
    visit_free(&sp.v);
    free(sp.name);
    return -1;
  }
  struct report_site *s = &r->sites[si];
  if (have_status) {
    if (sp.name && sp.name[0]) {
      free(s->name);
      s->name = sp.name;
      sp.name = NULL;
    }
    if (sp.country[0])
      memcpy(s->country, sp.country, 3);
    sp.v.clock_ok = sp.v.clock && !strcmp(sp.v.clock, "clock OK");
    sp.v.written = sp.clock_t;
    if (!sp.v.clock_ok && sp.floor_t > sp.v.written)
      sp.v.written = sp.floor_t;
    sp.v.source = clean_str(path);
    /* keep the visits distinct by the time written */
    int dup = 0;
    for (size_t i = 0; i < s->n_visits; i++)
      dup |= s->visits[i].written == sp.v.written;
    size_t cap = s->n_visits; /* visits grow one by one: exact size */
    if (!dup) {
      struct report_visit *nv = realloc(s->visits, (cap + 1) * sizeof *s->visits);
      if (!nv || !sp.v.source) {
        visit_free(&sp.v);
        free(sp.name);
        if (nv)
          s->visits = nv;
        return -1;
      }
      s->visits = nv;
      s->visits[s->n_visits++] = sp.v;
      memset(&sp.v, 0, sizeof sp.v);
    }
  }
  visit_free(&sp.v);
  free(sp.name);
  struct priv *pv = P(r);
  if (grow(&pv->folders, &pv->cap_folders, pv->n_folders, sizeof *pv->folders))
    return -1;
  pv->folders[pv->n_folders].path = strdup(path);
  pv->folders[pv->n_folders].site = (size_t)si;
  if (!pv->folders[pv->n_folders].path)
    return -1;
  pv->n_folders++;
  r->n_folders++;
  return 0;
}

static int is_log_name(const char *n)
{
  return !strcmp(n, "status.txt") || !strcmp(n, PLAYLOG_NAME) || !strcmp(n, PLAYLOG_OLD_NAME) ||
      !strcmp(n, "kiosk.log");
}

static int cmp_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks path; returns the number of site folders found, or -1 (OOM). */
static long walk(struct report *r, int parent, const char *name, const char *path, int depth)
{
  int fd = parent < 0 ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                      : openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (parent < 0)
      issue(r, REPORT_WARNING, path, 0, "%s — not read",
            errno == ENOTDIR ? "not a folder (give the folder of a stick, "
                               "a kiosk-logs folder or a site's folder)"
                             : strerror(errno));
    return 0;
  }
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return 0;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int logs = 0, oom = 0;
  size_t seen = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && seen++ < REPORT_MAX_DIR_ENTRIES) {
    if (is_log_name(de->d_name)) {
      struct stat st;
      if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
        logs = 1;
      continue;
    }
    if (!strcmp(de->d_name, ".playlog.csv.tmp") || !strcmp(de->d_name, ".status.txt.tmp") ||
        !strcmp(de->d_name, ".kiosk.log.tmp")) {
      char f[4200];
      snprintf(f, sizeof f, "%s/%s", path, de->d_name);
      issue(r, REPORT_NOTE, f, 0,
            "left by a copy that was interrupted (the "
            "stick was pulled out early) — ignored; the files beside it are "
            "from the last complete copy");
      continue;
    }
    if (de->d_name[0] == '.' || depth >= REPORT_MAX_DEPTH)
      continue;
    if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
      continue;
    if (grow(&names, &cap, n, sizeof *names) || !(names[n] = strdup(de->d_name))) {
      oom = 1;
      break;
    }
    n++;
  }
  long found = 0;
  if (!oom && logs) {
    found = add_folder(r, fd, path) < 0 ? -1 : 1;
  } else if (!oom) {
    if (n)
      qsort(names, n, sizeof *names, cmp_name);
    for (size_t i = 0; i < n && found >= 0; i++) {
      char sub[4200];
      if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, names[i]) >= sizeof sub)
        continue;
      long k = walk(r, fd, names[i], sub, depth + 1);
      found = k < 0 ? -1 : found + k;
    }
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  closedir(d);
  return oom ? -1 : found;
}

int report_add_path(struct report *r, const char *path)
{
  long found = walk(r, -1, NULL, path, 0);
  if (found < 0)
    return -1;
  struct stat st;
  if (found == 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return issue(r, REPORT_WARNING, path, 0,
                 "no kiosk logs in this folder — "
                 "give a stick, its kiosk-logs folder, or a folder with "
                 "status.txt, playlog.csv or kiosk.log in it");
  return 0;
}

int report_add_packs(struct report *r, const char *path)
{
  struct stat st;
  if (stat(path, &st) != 0)
    return issue(r, REPORT_WARNING, path, 0,
                 "%s — the packs there are not "
                 "known to the report",
                 strerror(errno));
  char **files = NULL;
  size_t n = 0, cap = 0;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
      size_t k = strlen(de->d_name);
      if (de->d_name[0] == '.' || k < 7 || strcmp(de->d_name + k - 6, ".kpack") != 0)
        continue;
      char f[4200];
      snprintf(f, sizeof f, "%s/%s", path, de->d_name);
      if (grow(&files, &cap, n, sizeof *files) || !(files[n] = strdup(f))) {
        closedir(d);
        goto oom;
      }
      n++;
    }
    if (d)
      closedir(d);
  } else {
    if (!(files = malloc(sizeof *files)) || !(files[0] = strdup(path)))
      goto oom;
    n = 1;
  }
  for (size_t i = 0; i < n; i++) {
    struct pack_result *pr = calloc(1, sizeof *pr);
    if (!pr)
      goto oom;
    if (pack_inspect(files[i], NULL, pr, NULL) == 0 && pr->has_manifest) {
      if (grow(&r->known, &P(r)->cap_known, r->n_known, sizeof *r->known)) {
        pack_result_free(pr);
        free(pr);
        goto oom;
      }
      struct report_known *k = &r->known[r->n_known];
      snprintf(k->id, sizeof k->id, "%s", pr->id);
      k->version = pr->version;
      k->expires = pr->has_expires ? pr->expires : 0;
      k->title = clean_str(pr->title);
      if (k->title)
        r->n_known++;
    } else {
      issue(r, REPORT_WARNING, files[i], 0, "%s — not counted as known",
            pr->msg[0] ? pr->msg : "not a readable pack");
    }
    pack_result_free(pr);
    free(pr);
  }
  for (size_t i = 0; i < n; i++)
    free(files[i]);
  free(files);
  return 0;
oom:
  for (size_t i = 0; i < n; i++)
    free(files[i]);
  free(files);
  return -1;
}

/* --- merging one site's play logs and kiosk logs --------------------------- */

/* A line seen: its two hashes, how often it counts, and how often it was
 * seen in the file being read now. */
struct seen {     /* 16 bytes: a day's set stays in the cache */
  uint64_t h1;    /* 0: a free slot (a real hash has its low bit set) */
  uint16_t h2;    /* a second look at the same 64-bit state */
  uint16_t file;  /* copy numbers wrap after 65535 copies of one site */
  uint16_t count; /* a line more than 65535 times in one copy counts */
  uint16_t cur;   /* 65535 times */
};

struct seen_set {
  struct seen *v;
  size_t cap, n;
};

/* Returns the entry for the line, inserting it; NULL when out of memory. */
static struct seen *seen_get(struct seen_set *s, const char *line, size_t n)
{
  if ((s->n + 1) * 4 > s->cap * 3) {
    size_t nc = s->cap ? s->cap * 2 : 4096;
    struct seen *nv = calloc(nc, sizeof *nv);
    if (!nv)
      return NULL;
    for (size_t i = 0; i < s->cap; i++) {
      if (!s->v[i].h1)
        continue;
      size_t j = (s->v[i].h1 >> 1) & (nc - 1);
      while (nv[j].h1)
        j = (j + 1) & (nc - 1);
      nv[j] = s->v[i];
    }
    free(s->v);
    s->v = nv;
    s->cap = nc;
  }
  uint64_t h1, h2;
  hash_line(line, n, &h1, &h2);
  h1 |= 1;
  size_t j = (h1 >> 1) & (s->cap - 1);
  while (s->v[j].h1) {
    if (s->v[j].h1 == h1 && s->v[j].h2 == (uint16_t)h2)
      return &s->v[j];
    j = (j + 1) & (s->cap - 1);
  }
  s->v[j].h1 = h1;
  s->v[j].h2 = (uint16_t)h2;
  s->v[j].file = 0; /* copies are numbered from 1 */
  s->n++;
  return &s->v[j];
}

/* 1 when this occurrence of the line in file adds to the count. */
static int seen_counts(struct seen *e, uint32_t file_no)
{
  uint16_t file = (uint16_t)(file_no % 65535 + 1);
  if (e->file != file) {
    e->file = file;
    e->cur = 0;
  }
  if (e->cur < UINT16_MAX)
    e->cur++;
  if (e->cur > e->count) {
    e->count = e->cur;
    return 1;
  }
  return 0;
}

/* The key of a canonical "pack,version,page,lang" (len bytes at raw,
 * each field already checked), interned. UINT32_MAX when out of memory. */
/* The play lines seen, one set per day: the lines of one stretch of a
 * copy fall into a few small sets that stay in the cache, where one big
 * set would miss it at every line. */
struct day_set {
  int32_t day;
  struct seen_set set;
};

struct day_sets {
  struct day_set *v;
  size_t n, cap;
  size_t last; /* index of the set used last, a hint */
};

static struct seen *day_get(struct day_sets *d, int32_t day, const char *line, size_t n)
{
  if (d->last >= d->n || d->v[d->last].day != day) {
    size_t i = 0;
    while (i < d->n && d->v[i].day != day)
      i++; /* a few hundred days at most for a real kiosk */
    if (i == d->n) {
      if (grow(&d->v, &d->cap, d->n, sizeof *d->v))
        return NULL;
      memset(&d->v[i], 0, sizeof d->v[i]);
      d->v[i].day = day;
      d->n++;
    }
    d->last = i;
  }
  return seen_get(&d->v[d->last].set, line, n);
}

static void day_sets_free(struct day_sets *d)
{
  for (size_t i = 0; i < d->n; i++)
    free(d->v[i].set.v);
  free(d->v);
  memset(d, 0, sizeof *d);
}

static uint32_t intern_key(struct report *r, const char *raw, size_t len)
{
  struct priv *pv = P(r);
  uint64_t h, h2;
  hash_line(raw, len, &h, &h2);
  struct keymap *m = &pv->keys;
  if ((r->n_keys + 1) * 2 > m->cap) {
    size_t nc = m->cap ? m->cap * 2 : 256;
    uint32_t *ns = calloc(nc, sizeof *ns);
    uint64_t *nh = calloc(nc, sizeof *nh);
    if (!ns || !nh) {
      free(ns);
      free(nh);
      return UINT32_MAX;
    }
    for (size_t i = 0; i < m->cap; i++) {
      if (!m->slots[i])
        continue;
      size_t j = m->hashes[i] & (nc - 1);
      while (ns[j])
        j = (j + 1) & (nc - 1);
      ns[j] = m->slots[i];
      nh[j] = m->hashes[i];
    }
    free(m->slots);
    free(m->hashes);
    m->slots = ns;
    m->hashes = nh;
    m->cap = nc;
  }
  size_t j = h & (m->cap - 1);
  while (m->slots[j]) {
    const struct report_key *rk = &r->keys[m->slots[j] - 1];
    if (m->hashes[j] == h && rk->raw_len == len && !memcmp(rk->raw, raw, len))
      return m->slots[j] - 1;
    j = (j + 1) & (m->cap - 1);
  }
  if (grow(&r->keys, &pv->cap_keys, r->n_keys, sizeof *r->keys))
    return UINT32_MAX;
  struct report_key *rk = &r->keys[r->n_keys];
  memset(rk, 0, sizeof *rk);
  rk->raw = malloc(len + 1);
  const char *c1 = memchr(raw, ',', len);
  const char *c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - raw)) : NULL;
  const char *c3 = c2 ? memchr(c2 + 1, ',', len - (size_t)(c2 + 1 - raw)) : NULL;
  if (!rk->raw || !c3) {
    free(rk->raw);
    return UINT32_MAX;
  }
  memcpy(rk->raw, raw, len);
  rk->raw[len] = '\0';
  rk->raw_len = len;
  rk->pack_id = clean_text(raw, (size_t)(c1 - raw));
  rk->version = strtoull(c1 + 1, NULL, 10);
  rk->page = clean_text(c2 + 1, (size_t)(c3 - c2 - 1));
  rk->lang = clean_text(c3 + 1, len - (size_t)(c3 + 1 - raw));
  if (!rk->pack_id || !rk->page || !rk->lang) {
    free(rk->pack_id);
    free(rk->page);
    free(rk->lang);
    free(rk->raw);
    return UINT32_MAX;
  }
  m->slots[j] = (uint32_t)++r->n_keys;
  m->hashes[j] = h;
  return (uint32_t)(r->n_keys - 1);
}

/* (day, key) -> index into the site's plays */
struct playmap {
  uint64_t *k; /* day << 32 | key, +1 so 0 is empty */
  uint32_t *idx;
  size_t cap;
};

#define KEY_CACHE 256

struct key_cache {
  const char *raw; /* the interned key's own copy: stays put */
  size_t len;
  uint32_t key;
};

struct site_work {
  struct report *r;
  struct report *ir; /* this site's issues, merged in at the end */
  struct key_cache kc[KEY_CACHE];
  struct report_site *s;
  struct day_sets lines; /* play log lines, a set per day */
  struct seen_set logs;  /* kiosk log lines */
  struct playmap pm;
  size_t cap_plays, cap_events, cap_spans;
  struct report_span *spans;
  size_t n_spans;
  /* the file being read */
  const char *file;
  uint32_t file_no;
  int header_seen, skip;
  unsigned bad;
  int64_t first, last;
  unsigned log_lines_ok;
  int oom;
  /* Fast mode: every play log copy of the site is in time order, and a
   * line needs to be looked up only when another copy covers its time
   * (others, merged stretches, sorted); otherwise every line is. */
  int fast, out_of_order;
  const struct report_span *others;
  size_t n_others, cursor;
  int64_t lo, hi, prev_t;
  char date[10]; /* the last date parsed, and its day number */
  int32_t date_day;
  int date_ok;
};

/* One play, parsed. raw is the canonical "pack,version,page,lang". */
struct play {
  int64_t time;
  int32_t day;
  uint64_t ms;
  const char *raw;
  size_t raw_len;
  uint32_t key; /* UINT32_MAX: not known yet */
};

static unsigned cache_slot(const char *raw, size_t n)
{
  return ((unsigned)n * 31u + (unsigned char)raw[n / 2] * 7u + (unsigned char)raw[n - 1] * 131u +
          (unsigned char)raw[n * 3 / 4]) %
      KEY_CACHE;
}

/* Where (day, key) goes in a table of cap (a power of two) slots: every
 * bit of both halves counts. */
static size_t slot_of(uint64_t k, size_t cap)
{
  return (size_t)mix(k, 0x9e3779b97f4a7c15ull) & (cap - 1);
}

static int add_play(struct site_work *w, const struct play *en)
{
  struct report_site *s = w->s;
  /* Most lines name one of a few dozen keys: look in a small cache first,
   * and only then (under the lock) in the report's table. */
  size_t n = en->raw_len;
  struct key_cache *kc = &w->kc[cache_slot(en->raw, n)];
  uint32_t key;
  if (en->key != UINT32_MAX) {
    key = en->key;
  } else if (kc->raw && kc->len == n && !memcmp(kc->raw, en->raw, n)) {
    key = kc->key;
  } else {
    pthread_mutex_lock(&P(w->r)->mu);
    key = intern_key(w->r, en->raw, n);
    if (key != UINT32_MAX) {
      kc->raw = w->r->keys[key].raw;
      kc->len = n;
      kc->key = key;
    }
    pthread_mutex_unlock(&P(w->r)->mu);
  }
  if (key == UINT32_MAX)
    return -1;
  int64_t dday = en->day;
  uint64_t k = ((uint64_t)(uint32_t)(int32_t)dday << 32 | key) + 1;
  struct playmap *m = &w->pm;
  if ((s->n_plays + 1) * 2 > m->cap) {
    size_t nc = m->cap ? m->cap * 2 : 1024;
    uint64_t *nk = calloc(nc, sizeof *nk);
    uint32_t *ni = calloc(nc, sizeof *ni);
    if (!nk || !ni) {
      free(nk);
      free(ni);
      return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
      if (!m->k[i])
        continue;
      size_t j = slot_of(m->k[i], nc);
      while (nk[j])
        j = (j + 1) & (nc - 1);
      nk[j] = m->k[i];
      ni[j] = m->idx[i];
    }
    free(m->k);
    free(m->idx);
    m->k = nk;
    m->idx = ni;
    m->cap = nc;
  }
  size_t j = slot_of(k, m->cap);
  while (m->k[j] && m->k[j] != k)
    j = (j + 1) & (m->cap - 1);
  if (!m->k[j]) {
    if (grow(&s->plays, &w->cap_plays, s->n_plays, sizeof *s->plays))
      return -1;
    m->k[j] = k;
    m->idx[j] = (uint32_t)s->n_plays;
    struct report_play *p = &s->plays[s->n_plays++];
    p->day = (int32_t)dday;
    p->key = key;
    p->plays = 0;
    p->ms = 0;
  }
  struct report_play *p = &s->plays[m->idx[j]];
  p->plays++;
  p->ms += en->ms;
  s->plays_total++;
  s->ms_total += en->ms;
  if (!s->first_play || en->time < s->first_play)
    s->first_play = en->time;
  if (en->time > s->last_play)
    s->last_play = en->time;
  return 0;
}

static int digits_ok(const char *s, size_t n)
{
  uint64_t v;
  return n <= 18 && decimal_u64(s, n, &v) == 0;
}

/* "15.0" or "15" (playlog.h: digits, optionally "." and digits) into ms. */
static int seconds(const char *q, const char *end, uint64_t *ms)
{
  const char *dot = memchr(q, '.', (size_t)(end - q));
  size_t whole = dot ? (size_t)(dot - q) : (size_t)(end - q);
  if (!digits_ok(q, whole))
    return 0;
  uint64_t sec = 0, frac = 0;
  for (size_t i = 0; i < whole; i++)
    sec = sec * 10 + (uint64_t)(q[i] - '0');
  if (dot) {
    size_t fn = (size_t)(end - dot - 1);
    if (!digits_ok(dot + 1, fn))
      return 0;
    for (size_t i = 0; i < fn && i < 3; i++)
      frac = frac * 10 + (uint64_t)(dot[1 + i] - '0');
    for (size_t i = fn; i < 3; i++)
      frac *= 10;
  }
  *ms = sec * 1000 + frac;
  return 1;
}

/* The kiosk's own lines, quickly: the very rules of playlog_parse_line()
 * for lines as the kiosk writes them. 0 sends the line to the careful
 * path (also for a version with a leading zero, which is made canonical
 * there). */
static int fast_play(struct site_work *w, const char *l, size_t n, struct play *p)
{
  if (n < 31 || n >= PLAYLOG_LINE_MAX || l[20] != ',' || l[4] != '-' || l[7] != '-' ||
      l[10] != 'T' || l[13] != ':' || l[16] != ':' || l[19] != 'Z')
    return 0;
  unsigned y, mo, d, h, mi, se;
  if (!w->date_ok || memcmp(l, w->date, 10) != 0) {
    if (!num(l, 4, &y) || !num(l + 5, 2, &mo) || !num(l + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 ||
        d > 31)
      return 0;
    memcpy(w->date, l, 10);
    w->date_day = (int32_t)clock_days_from_civil(y, mo, d);
    w->date_ok = 1;
  }
  if (!num(l + 11, 2, &h) || !num(l + 14, 2, &mi) || !num(l + 17, 2, &se) || h > 23 || mi > 59 ||
      se > 60)
    return 0;
  p->day = w->date_day;
  p->time = (int64_t)p->day * DAY_S + h * 3600 + mi * 60 + se;
  p->key = UINT32_MAX;
  const char *f = l + 21, *end = l + n, *c[4];
  /* The fields but the last are most often the very bytes of a key seen
   * before, already checked: then only the seconds need reading. */
  const char *lc = end - 1;
  while (lc > f && ((*lc >= '0' && *lc <= '9') || *lc == '.'))
    lc--;
  if (*lc == ',' && lc > f) {
    size_t rl = (size_t)(lc - f);
    const struct key_cache *kc = &w->kc[cache_slot(f, rl)];
    if (kc->raw && kc->len == rl && !memcmp(kc->raw, f, rl)) {
      p->raw = f;
      p->raw_len = rl;
      p->key = kc->key;
      return seconds(lc + 1, end, &p->ms);
    }
  }
  /* otherwise one pass over the rest: find the four commas, refuse what a
   * text field may not hold */
  int nc = 0;
  for (const char *q2 = f; q2 < end; q2++) {
    unsigned char ch = (unsigned char)*q2;
    if (ch == ',') {
      if (nc == 4)
        return 0;
      c[nc++] = q2;
    } else if (ch < 0x20 || ch == 0x7f || ch == '"') {
      return 0;
    }
  }
  if (nc != 4)
    return 0;
  const char *q = c[3] + 1;
  size_t vlen = (size_t)(c[1] - c[0] - 1);
  size_t l1 = (size_t)(c[0] - f), l3 = (size_t)(c[2] - c[1] - 1), l4 = (size_t)(c[3] - c[2] - 1);
  if (l1 == 0 || l1 >= PLAYLOG_FIELD_MAX || l3 == 0 || l3 >= PLAYLOG_FIELD_MAX || l4 == 0 ||
      l4 >= PLAYLOG_FIELD_MAX || !digits_ok(c[0] + 1, vlen) || (vlen > 1 && c[0][1] == '0'))
    return 0;
  if (!seconds(q, end, &p->ms))
    return 0;
  p->raw = f;
  p->raw_len = (size_t)(c[3] - f);
  return 1;
}

/* Is t inside a stretch another copy covers? Times rise within a copy in
 * fast mode, so the cursor only moves on. */
static int covered_elsewhere(struct site_work *w, int64_t t)
{
  while (w->cursor < w->n_others && w->others[w->cursor].to < t)
    w->cursor++;
  return w->cursor < w->n_others && w->others[w->cursor].from <= t;
}

static int play_line(void *ctx, const char *line, size_t len, uint64_t lineno, int overlong,
                     int torn)
{
  struct site_work *w = ctx;
  if (torn) {
    issue(w->ir, REPORT_NOTE, w->file, lineno,
          "the last line is incomplete "
          "(the file was still being written when it was copied) — left out");
    return 0;
  }
  char scratch[PLAYLOG_LINE_MAX + 1];
  char canon[PLAYLOG_LINE_MAX + 32];
  struct playlog_entry en;
  if (lineno == 1) {
    if (len == sizeof PLAYLOG_HEADER - 1 && !memcmp(line, PLAYLOG_HEADER, len))
      return 0;
    if (len >= 5 && !memcmp(line, "time,", 5)) {
      char *h = clean_text(line, len < 200 ? len : 200);
      issue(w->ir, REPORT_WARNING, w->file, 1,
            "a newer play log format (its "
            "columns are \"%s\", this kiosk-pack reads \"%s\") — use a newer "
            "kiosk-pack; this file was left out",
            h ? h : "?", PLAYLOG_HEADER);
      free(h);
      w->skip = 1;
      return 1;
    }
    if (overlong || !playlog_parse_line(line, len, scratch, sizeof scratch, &en)) {
      issue(w->ir, REPORT_WARNING, w->file, 1,
            "not a play log (no \"%s\" "
            "line at the top) — left out",
            PLAYLOG_HEADER);
      w->skip = 1;
      return 1;
    }
    issue(w->ir, REPORT_NOTE, w->file, 1,
          "no header line — read as a play "
          "log");
  }
  if (len == 0)
    return 0;
  if (overlong || len >= PLAYLOG_LINE_MAX) {
    if (w->bad++ < ISSUES_PER_FILE)
      issue(w->ir, REPORT_WARNING, w->file, lineno,
            "damaged line (far "
            "longer than the kiosk writes) — left out");
    return 0;
  }
  struct play p;
  if (!fast_play(w, line, len, &p)) {
    /* A line counts only once it parses; a damaged one is named. */
    if (!playlog_parse_line(line, len, scratch, sizeof scratch, &en)) {
      if (len == sizeof PLAYLOG_HEADER - 1 && !memcmp(line, PLAYLOG_HEADER, len))
        return 0;
      if (w->bad++ < ISSUES_PER_FILE)
        issue(w->ir, REPORT_WARNING, w->file, lineno,
              "damaged line — left "
              "out (expected time,pack_id,version,page,lang,seconds_shown)");
      return 0;
    }
    int k = snprintf(canon, sizeof canon, "%s,%" PRIu64 ",%s,%s", en.pack_id, en.version, en.page,
                     en.lang);
    p.time = en.time;
    p.day = (int32_t)(en.time >= 0 ? en.time / DAY_S : (en.time - DAY_S + 1) / DAY_S);
    p.ms = en.shown_ms;
    p.key = UINT32_MAX;
    p.raw = canon;
    p.raw_len = (size_t)k < sizeof canon ? (size_t)k : sizeof canon - 1;
  }
  if (w->fast) {
    if (p.time < w->prev_t || p.time < w->lo || p.time > w->hi) {
      w->out_of_order = 1; /* start the site again, the careful way */
      return 1;
    }
    w->prev_t = p.time;
  }
  if (!w->first || p.time < w->first)
    w->first = p.time;
  if (p.time > w->last)
    w->last = p.time;
  if (!w->fast || covered_elsewhere(w, p.time)) {
    struct seen *e = day_get(&w->lines, p.day, line, len);
    if (!e) {
      w->oom = 1;
      return 1;
    }
    if (!seen_counts(e, w->file_no))
      return 0;
  }
  if (add_play(w, &p)) {
    w->oom = 1;
    return 1;
  }
  return 0;
}

static int log_line(void *ctx, const char *line, size_t len, uint64_t lineno, int overlong,
                    int torn)
{
  struct site_work *w = ctx;
  (void)lineno;
  int64_t t;
  if (torn || len < 26 || !parse_time19(line, len, &t) || line[19] != ' ')
    return 0;
  w->log_lines_ok++;
  if (t > w->s->last_heard)
    w->s->last_heard = t;
  const char *lvl = line + 20, *msg = line + 26;
  size_t mlen = len - 26;
  int kind = 0;
  if (!memcmp(lvl, "error", 5))
    kind = REPORT_EV_ERROR;
  else if (!memcmp(lvl, "warn ", 5))
    kind = REPORT_EV_WARN;
  else if (!memcmp(lvl, "info ", 5) && starts(msg, mlen, "first page shown after"))
    kind = REPORT_EV_START;
  else if (!memcmp(lvl, "info ", 5) && starts(msg, mlen, "stopping on request"))
    kind = REPORT_EV_STOP;
  else if (!memcmp(lvl, "info ", 5) && starts(msg, mlen, "screen says: Refused: "))
    kind = REPORT_EV_WARN; /* a pack a stick brought was refused */
  if (!kind)
    return 0;
  struct seen *e = seen_get(&w->logs, line, len);
  if (!e) {
    w->oom = 1;
    return 1;
  }
  if (!seen_counts(e, w->file_no))
    return 0;
  struct report_site *s = w->s;
  if (grow(&s->events, &w->cap_events, s->n_events, sizeof *s->events)) {
    w->oom = 1;
    return 1;
  }
  struct report_event *ev = &s->events[s->n_events];
  ev->time = t;
  ev->kind = kind;
  ev->unclean = 0;
  ev->seq = s->n_events;
  (void)overlong; /* a cut message is still worth showing */
  ev->text = clean_text(msg, mlen);
  if (!ev->text) {
    w->oom = 1;
    return 1;
  }
  s->n_events++;
  return 0;
}

static int read_one(struct site_work *w, int dirfd, const char *dir, const char *name, line_fn *fn,
                    size_t max)
{
  char file[4300];
  snprintf(file, sizeof file, "%s/%s", dir, name);
  struct stat st;
  int fd = open_regular(dirfd, name, &st);
  if (fd < 0) {
    if (errno != ENOENT)
      issue(w->ir, REPORT_WARNING, file, 0, "could not be read: %s — left out",
            errno == EINVAL ? "not a regular file" : strerror(errno));
    return 0;
  }
  w->file = file;
  w->file_no++;
  w->skip = 0;
  w->bad = 0;
  w->first = w->last = 0;
  w->log_lines_ok = 0;
  int err = for_each_line(fd, max, fn, w);
  close(fd);
  if (err == ENOMEM || w->oom)
    return -1;
  if (err)
    issue(w->ir, REPORT_WARNING, file, 0, "could not be read to the end: %s", strerror(err));
  if (w->bad > ISSUES_PER_FILE)
    issue(w->ir, REPORT_WARNING, file, 0, "%u more damaged lines left out",
          w->bad - ISSUES_PER_FILE);
  if (fn == play_line && w->first) {
    if (grow(&w->spans, &w->cap_spans, w->n_spans, sizeof *w->spans))
      return -1;
    w->spans[w->n_spans].from = w->first;
    w->spans[w->n_spans].to = w->last;
    w->n_spans++;
    if (w->last > w->s->last_heard)
      w->s->last_heard = w->last;
  }
  if (fn == log_line && st.st_size > 0 && w->log_lines_ok == 0)
    issue(w->ir, REPORT_WARNING, file, 0,
          "not a kiosk log (no line starts "
          "with a date and a level) — left out");
  return 0;
}

static int cmp_event(const void *a, const void *b)
{
  const struct report_event *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_play(const void *a, const void *b)
{
  const struct report_play *x = a, *y = b;
  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  return x->key < y->key ? -1 : x->key > y->key;
}

static int cmp_span(const void *a, const void *b)
{
  const struct report_span *x = a, *y = b;
  return x->from < y->from ? -1 : x->from > y->from;
}

static int cmp_visit(const void *a, const void *b)
{
  const struct report_visit *x = a, *y = b;
  return x->written < y->written ? -1 : x->written > y->written;
}

/* One play log copy of a site, and the stretch of time it covers going by
 * its first and last lines (ok 0: not found, so the careful way). */
struct pfile {
  char dir[4200];
  const char *name;
  int64_t lo, hi;
  int ok;
};

/* The time of a play log line, 1 if it is one. */
static int line_time(const char *l, size_t n, int64_t *t)
{
  char scratch[PLAYLOG_LINE_MAX + 1];
  struct playlog_entry en;
  if (n >= PLAYLOG_LINE_MAX || !playlog_parse_line(l, n, scratch, sizeof scratch, &en))
    return 0;
  *t = en.time;
  return 1;
}

#define PRESCAN_BYTES 65536

/* Finds the first and last plays of dir/name from its head and tail. */
static void prescan(struct pfile *pf)
{
  pf->ok = 0;
  int dfd = open(pf->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return;
  struct stat st;
  int fd = open_regular(dfd, pf->name, &st);
  close(dfd);
  if (fd < 0)
    return;
  char *buf = malloc(PRESCAN_BYTES);
  size_t size = (size_t)st.st_size;
  size_t want = size < PRESCAN_BYTES ? size : PRESCAN_BYTES;
  int have_lo = 0, have_hi = 0;
  if (buf && pread(fd, buf, want, 0) == (ssize_t)want) {
    /* the first line after the header */
    const char *p = buf, *end = buf + want;
    for (int i = 0; i < 2 && p < end; i++) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      if (!nl)
        break;
      if (line_time(p, (size_t)(nl - p), &pf->lo)) {
        have_lo = 1;
        break;
      }
      p = nl + 1;
    }
  }
  if (buf && have_lo && pread(fd, buf, want, (off_t)(size - want)) == (ssize_t)want) {
    /* the last whole line that parses, after the last newline's left */
    size_t e = want;
    while (e > 0 && buf[e - 1] != '\n')
      e--; /* drop a torn end */
    while (e > 0 && !have_hi) {
      size_t b = e - 1; /* buf[b] is the newline ending the line */
      size_t a = b;
      while (a > 0 && buf[a - 1] != '\n')
        a--;
      if (a == 0 && size > want)
        break; /* the line may start before what was read */
      have_hi = line_time(buf + a, b - a, &pf->hi);
      e = a;
    }
  }
  free(buf);
  close(fd);
  pf->ok = have_lo && have_hi && pf->lo <= pf->hi;
}

static int read_plays(struct site_work *w, struct pfile *pf, size_t n, int fast)
{
  struct report_span *others = calloc(n ? n : 1, sizeof *others);
  if (!others)
    return -1;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
      if (j != i) {
        others[k].from = pf[j].lo;
        others[k].to = pf[j].hi;
        k++;
      }
    qsort(others, k, sizeof *others, cmp_span);
    size_t m = 0; /* merge */
    for (size_t j = 0; j < k; j++) {
      if (m && others[j].from <= others[m - 1].to) {
        if (others[j].to > others[m - 1].to)
          others[m - 1].to = others[j].to;
      } else {
        others[m++] = others[j];
      }
    }
    w->fast = fast;
    w->others = others;
    w->n_others = m;
    w->cursor = 0;
    w->lo = pf[i].lo;
    w->hi = pf[i].hi;
    w->prev_t = INT64_MIN;
    int dfd = open(pf[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
      continue;
    rc = read_one(w, dfd, pf[i].dir, pf[i].name, play_line, PLAYLOG_LINE_MAX);
    close(dfd);
    if (rc == 0 && w->out_of_order)
      rc = 1;
  }
  free(others);
  return rc;
}

static int finish_site(struct report *r, size_t si)
{
  struct priv *pv = P(r);
  struct site_work w;
  memset(&w, 0, sizeof w);
  w.r = r;
  w.s = &r->sites[si];
  struct priv ipriv;
  struct report ir;
  memset(&ipriv, 0, sizeof ipriv);
  memset(&ir, 0, sizeof ir);
  ir.priv = &ipriv;
  w.ir = &ir;
  int rc = 0;
  struct pfile *pf = NULL;
  size_t n_pf = 0, cap_pf = 0;
  for (size_t i = 0; i < pv->n_folders && rc == 0; i++) {
    if (pv->folders[i].site != si)
      continue;
    const char *dir = pv->folders[i].path;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      issue(w.ir, REPORT_WARNING, dir, 0, "could not be opened again: %s", strerror(errno));
      continue;
    }
    w.s->n_sources++;
    static const char *const names[] = {PLAYLOG_OLD_NAME, PLAYLOG_NAME};
    for (int k = 0; k < 2; k++) {
      struct stat st;
      if (fstatat(fd, names[k], &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
        continue;
      if (grow(&pf, &cap_pf, n_pf, sizeof *pf)) {
        rc = -1;
        break;
      }
      snprintf(pf[n_pf].dir, sizeof pf[n_pf].dir, "%s", dir);
      pf[n_pf].name = names[k];
      prescan(&pf[n_pf]);
      n_pf++;
    }
    close(fd);
  }
  int fast = rc == 0 && n_pf > 0;
  for (size_t i = 0; i < n_pf; i++)
    fast &= pf[i].ok;
  size_t mark = ir.n_issues;
  if (rc == 0)
    rc = read_plays(&w, pf, n_pf, fast);
  if (rc == 1) {
    /* A copy was not in time order (a clock set back): again, looking
     * every line up. */
    for (size_t i = mark; i < ir.n_issues; i++) {
      free(ir.issues[i].file);
      free(ir.issues[i].msg);
    }
    ir.n_issues = mark;
    struct report_site *s = w.s;
    s->n_plays = 0;
    s->plays_total = s->ms_total = 0;
    s->first_play = s->last_play = 0;
    if (w.pm.k)
      memset(w.pm.k, 0, w.pm.cap * sizeof *w.pm.k);
    day_sets_free(&w.lines);
    w.n_spans = 0;
    w.out_of_order = 0;
    rc = read_plays(&w, pf, n_pf, 0);
  }
  free(pf);
  for (size_t i = 0; i < pv->n_folders && rc == 0; i++) {
    if (pv->folders[i].site != si)
      continue;
    const char *dir = pv->folders[i].path;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      continue;
    rc = read_one(&w, fd, dir, "kiosk.log", log_line, LOG_LINE_MAX);
    close(fd);
  }
  day_sets_free(&w.lines);
  free(w.logs.v);
  free(w.pm.k);
  free(w.pm.idx);
  struct report_site *s = w.s;
  if (rc == 0) {
    if (s->n_plays)
      qsort(s->plays, s->n_plays, sizeof *s->plays, cmp_play);
    if (s->n_events)
      qsort(s->events, s->n_events, sizeof *s->events, cmp_event);
    if (s->n_visits)
      qsort(s->visits, s->n_visits, sizeof *s->visits, cmp_visit);
    /* gaps between the stretches the play logs cover */
    if (w.n_spans)
      qsort(w.spans, w.n_spans, sizeof *w.spans, cmp_span);
    int64_t reach = w.n_spans ? w.spans[0].to : 0;
    size_t cap_gaps = 0;
    for (size_t i = 1; i < w.n_spans && rc == 0; i++) {
      if (w.spans[i].from > reach + DAY_S) {
        if (grow(&s->gaps, &cap_gaps, s->n_gaps, sizeof *s->gaps)) {
          rc = -1;
          break;
        }
        s->gaps[s->n_gaps].from = reach;
        s->gaps[s->n_gaps].to = w.spans[i].from;
        s->n_gaps++;
      }
      if (w.spans[i].to > reach)
        reach = w.spans[i].to;
    }
    /* restarts: a start with no clean stop since the previous start */
    int started = 0, stopped = 0;
    for (size_t i = 0; i < s->n_events; i++) {
      struct report_event *ev = &s->events[i];
      if (ev->kind == REPORT_EV_STOP)
        stopped = 1;
      if (ev->kind == REPORT_EV_START) {
        ev->unclean = started && !stopped;
        started = 1;
        stopped = 0;
      }
    }
    s->since = s->n_visits >= 2 ? s->visits[s->n_visits - 2].written : 0;
    for (size_t i = 0; i < s->n_events; i++) {
      const struct report_event *ev = &s->events[i];
      if (ev->time <= s->since)
        continue;
      if (ev->kind == REPORT_EV_START) {
        s->restarts++;
        s->unclean_restarts += (unsigned)ev->unclean;
      }
      s->errors += ev->kind == REPORT_EV_ERROR;
      s->warnings += ev->kind == REPORT_EV_WARN;
    }
    if (s->n_visits && s->visits[s->n_visits - 1].written > s->last_heard)
      s->last_heard = s->visits[s->n_visits - 1].written;
  }
  free(w.spans);
  /* this site's issues join the report's */
  pthread_mutex_lock(&pv->mu);
  for (size_t i = 0; i < ir.n_issues; i++) {
    if (rc == 0 && r->n_issues >= REPORT_MAX_ISSUES) {
      r->issues_dropped++;
    } else if (rc == 0 && grow(&r->issues, &pv->cap_issues, r->n_issues, sizeof *r->issues) == 0) {
      r->issues[r->n_issues++] = ir.issues[i];
      continue;
    } else {
      rc = -1;
    }
    free(ir.issues[i].file);
    free(ir.issues[i].msg);
  }
  r->issues_dropped += ir.issues_dropped;
  pthread_mutex_unlock(&pv->mu);
  free(ir.issues);
  return rc;
}

struct finisher {
  struct report *r;
  atomic_size_t next;
  atomic_int failed;
};

static void *finish_worker(void *arg)
{
  struct finisher *f = arg;
  for (;;) {
    size_t i = atomic_fetch_add(&f->next, 1);
    if (i >= f->r->n_sites || atomic_load(&f->failed))
      break;
    if (finish_site(f->r, i))
      atomic_store(&f->failed, 1);
  }
  return NULL;
}

static int cmp_issue(const void *a, const void *b)
{
  const struct report_issue *x = a, *y = b;
  int c = strcmp(x->file, y->file);
  if (c)
    return c;
  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  return strcmp(x->msg, y->msg);
}

static const struct report_key *sort_keys;

static int cmp_key_index(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return strcmp(sort_keys[x].raw, sort_keys[y].raw);
}

/* Reads every site's logs, on as many threads as there are processors (at
 * most REPORT_MAX_THREADS), then puts keys and problems into an order that
 * does not depend on which thread came first. */
static int finish_sites(struct report *r)
{
  size_t mark = r->n_issues;
  struct finisher f;
  f.r = r;
  atomic_init(&f.next, 0);
  atomic_init(&f.failed, 0);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  size_t nt = cpus < 1 ? 1 : (size_t)cpus;
  const char *env = getenv("KIOSK_PACK_THREADS");
  if (env && atoi(env) > 0)
    nt = (size_t)atoi(env);
  if (nt > REPORT_MAX_THREADS)
    nt = REPORT_MAX_THREADS;
  if (nt > r->n_sites)
    nt = r->n_sites ? r->n_sites : 1;
  pthread_t th[REPORT_MAX_THREADS];
  size_t started = 0;
  for (size_t i = 1; i < nt; i++) {
    if (pthread_create(&th[started], NULL, finish_worker, &f) != 0)
      break;
    started++;
  }
  finish_worker(&f);
  for (size_t i = 0; i < started; i++)
    pthread_join(th[i], NULL);
  if (atomic_load(&f.failed))
    return -1;
  if (r->n_issues > mark)
    qsort(r->issues + mark, r->n_issues - mark, sizeof *r->issues, cmp_issue);
  /* keys in the order of their text */
  if (r->n_keys) {
    uint32_t *order = malloc(r->n_keys * sizeof *order);
    uint32_t *rank = malloc(r->n_keys * sizeof *rank);
    struct report_key *sorted = malloc(r->n_keys * sizeof *sorted);
    if (!order || !rank || !sorted) {
      free(order);
      free(rank);
      free(sorted);
      return -1;
    }
    for (uint32_t i = 0; i < r->n_keys; i++)
      order[i] = i;
    sort_keys = r->keys;
    qsort(order, r->n_keys, sizeof *order, cmp_key_index);
    for (uint32_t i = 0; i < r->n_keys; i++) {
      rank[order[i]] = i;
      sorted[i] = r->keys[order[i]];
    }
    memcpy(r->keys, sorted, r->n_keys * sizeof *sorted);
    for (size_t i = 0; i < r->n_sites; i++) {
      struct report_site *s = &r->sites[i];
      for (size_t j = 0; j < s->n_plays; j++)
        s->plays[j].key = rank[s->plays[j].key];
      if (s->n_plays)
        qsort(s->plays, s->n_plays, sizeof *s->plays, cmp_play);
    }
    free(order);
    free(rank);
    free(sorted);
    /* the key table's hash slots still hold old indices: rebuild */
    struct priv *pv = P(r);
    memset(pv->keys.slots, 0, pv->keys.cap * sizeof *pv->keys.slots);
    for (uint32_t i = 0; i < r->n_keys; i++) {
      uint64_t h, h2;
      hash_line(r->keys[i].raw, r->keys[i].raw_len, &h, &h2);
      size_t j = h & (pv->keys.cap - 1);
      while (pv->keys.slots[j])
        j = (j + 1) & (pv->keys.cap - 1);
      pv->keys.slots[j] = i + 1;
      pv->keys.hashes[j] = h;
    }
  }
  return 0;
}

static int cmp_site(const void *a, const void *b)
{
  const struct report_site *x = a, *y = b;
  int c = strcmp(x->country, y->country);
  return c ? c : strcmp(x->id, y->id);
}

static int cmp_newest(const void *a, const void *b)
{
  return strcmp(((const struct report_known *)a)->id, ((const struct report_known *)b)->id);
}

static void consider(struct report_known *v, size_t *n, const char *id, uint64_t version,
                     int64_t expires, char *title)
{
  for (size_t i = 0; i < *n; i++) {
    if (strcmp(v[i].id, id))
      continue;
    if (version > v[i].version) {
      v[i].version = version;
      v[i].expires = expires;
      v[i].title = title;
    } else if (version == v[i].version && !v[i].expires) {
      v[i].expires = expires;
    }
    return;
  }
  snprintf(v[*n].id, sizeof v[*n].id, "%s", id);
  v[*n].version = version;
  v[*n].expires = expires;
  v[*n].title = title;
  (*n)++;
}

int report_finish(struct report *r)
{
  if (finish_sites(r))
    return -1;
  /* Newest known version of each pack id: from --packs and every visit. */
  struct priv *pv = P(r);
  size_t max = r->n_known;
  for (size_t i = 0; i < r->n_sites; i++)
    for (size_t j = 0; j < r->sites[i].n_visits; j++)
      max += r->sites[i].visits[j].n_packs;
  pv->newest = calloc(max ? max : 1, sizeof *pv->newest);
  if (!pv->newest)
    return -1;
  for (size_t i = 0; i < r->n_known; i++)
    consider(pv->newest, &pv->n_newest, r->known[i].id, r->known[i].version, r->known[i].expires,
             r->known[i].title);
  for (size_t i = 0; i < r->n_sites; i++)
    for (size_t j = 0; j < r->sites[i].n_visits; j++)
      for (size_t k = 0; k < r->sites[i].visits[j].n_packs; k++) {
        const struct report_pack *p = &r->sites[i].visits[j].packs[k];
        if (p->current)
          consider(pv->newest, &pv->n_newest, p->id, p->current, p->expires, p->title);
      }
  if (pv->n_newest)
    qsort(pv->newest, pv->n_newest, sizeof *pv->newest, cmp_newest);
  /* folders point at sites by index: sort only now */
  if (r->n_sites)
    qsort(r->sites, r->n_sites, sizeof *r->sites, cmp_site);
  for (size_t i = 0; i < pv->n_folders; i++)
    free(pv->folders[i].path);
  free(pv->folders);
  pv->folders = NULL;
  pv->n_folders = 0;
  return 0;
}

uint64_t report_newest(const struct report *r, const char *id, int64_t *expires, const char **title)
{
  struct priv *pv = P(r);
  struct report_known key;
  snprintf(key.id, sizeof key.id, "%s", id);
  const struct report_known *k =
      pv->n_newest ? bsearch(&key, pv->newest, pv->n_newest, sizeof *pv->newest, cmp_newest) : NULL;
  if (expires)
    *expires = k ? k->expires : 0;
  if (title)
    *title = k && k->title ? k->title : "";
  return k ? k->version : 0;
}

int64_t report_expiry(const struct report *r, const struct report_pack *p)
{
  if (p->expires)
    return p->expires;
  for (size_t i = 0; i < r->n_known; i++)
    if (r->known[i].version == p->current && !strcmp(r->known[i].id, p->id))
      return r->known[i].expires;
  return 0;
}

void report_free(struct report *r)
{
  if (!r)
    return;
  struct priv *pv = P(r);
  for (size_t i = 0; i < r->n_sites; i++) {
    struct report_site *s = &r->sites[i];
    free(s->name);
    for (size_t j = 0; j < s->n_visits; j++)
      visit_free(&s->visits[j]);
    free(s->visits);
    for (size_t j = 0; j < s->n_events; j++)
      free(s->events[j].text);
    free(s->events);
    free(s->plays);
    free(s->gaps);
  }
  free(r->sites);
  for (size_t i = 0; i < r->n_keys; i++) {
    free(r->keys[i].pack_id);
    free(r->keys[i].page);
    free(r->keys[i].lang);
    free(r->keys[i].raw);
  }
  free(r->keys);
  for (size_t i = 0; i < r->n_known; i++)
    free(r->known[i].title);
  free(r->known);
  for (size_t i = 0; i < r->n_issues; i++) {
    free(r->issues[i].file);
    free(r->issues[i].msg);
  }
  free(r->issues);
  if (pv) {
    for (size_t i = 0; i < pv->n_folders; i++)
      free(pv->folders[i].path);
    free(pv->folders);
    free(pv->keys.slots);
    free(pv->keys.hashes);
    free(pv->newest);
    pthread_mutex_destroy(&pv->mu);
    free(pv);
  }
  free(r);
}
