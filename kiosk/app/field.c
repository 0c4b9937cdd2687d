/* field.c — the install thread.
 *
 * It sleeps in poll() on the USB watcher and a stop fd. When a stick
 * arrives it scans it and tries every copy of every pack, newest name
 * first: each file is opened once (inbox_open_candidate()) and read only
 * through that descriptor, and the verified manifest, not the name, says
 * what it is, so a copy that is empty, damaged or misnamed is refused on
 * its own and cannot hide a good one; a copy no newer than what this visit
 * installed is reported as an older copy. Then it writes the logs to
 * kiosk-logs/<site-id>/ and says when the stick may be removed. Every step
 * is posted as a message in the site's language and in English, with
 * names from the stick escaped. A stick pulled out in the middle makes the
 * read fail: the install then changes nothing, and the screen says to
 * insert it again. */
#define _GNU_SOURCE /* pthread_timedjoin_np() */
#include "app/field.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <limits.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>

#include "core/clock.h"
#include "core/esc.h"
#include "core/eta.h"
#include "core/fieldlog.h"
#include "core/inbox.h"
#include "core/keyring.h"
#include "core/log.h"
#include "core/pack.h"
#include "core/store.h"

#define FIELD_QUEUE 64

struct field {
  struct field_params p;
  pthread_t thread;
  int running;
  int stop_fd, wake_fd;
  atomic_int cancel;
  struct inbox_watch *watch;
  pthread_mutex_t lock;
  struct field_msg queue[FIELD_QUEUE];
  size_t head, n;
  Uint32 sdl_event;
  char last_id[72];        /* the last pack installed, for the display thread */
  struct sig_trust *trust; /* own copy: keyring updates change it */
  int keys_changed;        /* since the last finished visit */
  uint64_t share_due_ms;   /* next copy of the logs to log_share */
  int share_warned;
};

/* The words on screen, in the languages of the region and English. The
 * site's first language is shown above the English line. Translations
 * other than Russian and English need review by native speakers. */
enum msg_id {
  M_FOUND,
  M_NOTHING,
  M_INSTALLING,
  M_INSTALLED,
  M_UP_TO_DATE,
  M_OLDER_COPY,
  M_OLDER,
  M_REFUSED,
  M_REMOVED,
  M_LOGS_OK,
  M_LOGS_RO,
  M_LOGS_FULL,
  M_LOGS_FAILED,
  M_INBOX,
  M_NOT_YET,
  M_KEYS,
  M_KEYS_SAME,
  M_COUNT
};

static const char *const msg_langs[8] = {"en", "ru", "kk", "ky", "tg", "uz", "tk", "fa"};

/* Every format takes the same arguments in the same order as English's;
 * "%.0s" swallows English's plural ending. */
static const char *const words[M_COUNT][8] = {
    [M_FOUND] = {"USB stick: found %d pack%s", "Флешка: найдено пакетов: %d%.0s",
                 "Флешка: %d пакет табылды%.0s", "Флешка: %d пакет табылды%.0s",
                 "Флешка: %d баста ёфт шуд%.0s", "Fleshka: %d ta paket topildi%.0s",
                 "Fleşka: %d paket tapyldy%.0s", "فلش: %d بسته پیدا شد%.0s"},
    [M_NOTHING] = {"USB stick: no kiosk packs on it", "На флешке нет пакетов для киоска",
                   "Флешкада киоскқа арналған пакет жоқ", "Флешкада киоск үчүн пакет жок",
                   "Дар флешка бастаҳо барои киоск нест", "Fleshkada kiosk uchun paket yoʻq",
                   "Fleşkada kiosk üçin paket ýok",
                   "در فلش بسته‌ای برای کیوسک نیست"},
    /* The last %s: bytes, rate and time left of a big pack, in a form
     * without words (" — 120.0/512.0 MiB · 38.2 MiB/s · 0:11"), or "". */
    [M_INSTALLING] = {"Installing %s (%d %%)%s", "Устанавливается %s (%d %%)%s",
                      "Орнатылуда: %s (%d %%)%s", "Орнотулууда: %s (%d %%)%s",
                      "Насб шуда истодааст: %s (%d %%)%s", "Oʻrnatilmoqda: %s (%d %%)%s",
                      "Gurnalýar: %s (%d %%)%s", "در حال نصب: %s (%d %%)%s"},
    [M_INSTALLED] = {"Installed %s, version %llu", "Установлено: %s, версия %llu",
                     "Орнатылды: %s, нұсқа %llu", "Орнотулду: %s, версия %llu",
                     "Насб шуд: %s, версияи %llu", "Oʻrnatildi: %s, versiya %llu",
                     "Gurnaldy: %s, wersiýa %llu", "نصب شد: %s، نسخهٔ %llu"},
    [M_UP_TO_DATE] = {"%s: already up to date", "%s: уже установлено, ничего не изменено",
                      "%s: бұрыннан орнатылған, ештеңе өзгерген жоқ",
                      "%s: мурунтан орнотулган, эч нерсе өзгөргөн жок",
                      "%s: аллакай насб шудааст, ҳеҷ чиз тағйир наёфт",
                      "%s: allaqachon oʻrnatilgan, hech narsa oʻzgarmadi",
                      "%s: eýýäm gurnalan, hiç zat üýtgemedi",
                      "%s: از قبل نصب است، چیزی تغییر نکرد"},
    [M_OLDER_COPY] = {"%s: an older copy — skipped", "%s: более старая копия — пропущена",
                      "%s: ескі көшірме — өткізіп жіберілді",
                      "%s: эски көчүрмө — өткөрүлүп жиберилди", "%s: нусхаи кӯҳна — гузаронида шуд",
                      "%s: eski nusxa — oʻtkazib yuborildi", "%s: köne nusga — geçildi",
                      "%s: نسخهٔ کهنه — رد شد"},
    [M_OLDER] =
        {"%s: older than the installed version — nothing changed",
         "%s: старее установленной версии — ничего не изменено",
         "%s: орнатылған нұсқадан ескі — ештеңе өзгерген жоқ",
         "%s: орнотулган версиядан эски — эч нерсе өзгөргөн жок",
         "%s: аз версияи насбшуда кӯҳнатар аст — ҳеҷ чиз тағйир наёфт",
         "%s: oʻrnatilgan versiyadan eski — hech narsa oʻzgarmadi",
         "%s: gurnalan wersiýadan köne — hiç zat üýtgemedi",
         "%s: کهنه‌تر از نسخهٔ نصب‌شده است — چیزی تغییر نکرد"},
    [M_REFUSED] = {"Refused: %s", "Отклонено: %s", "Қабылданбады: %s", "Четке кагылды: %s",
                   "Рад шуд: %s", "Rad etildi: %s", "Kabul edilmedi: %s", "رد شد: %s"},
    [M_REMOVED] = {"Stick removed too early — nothing was changed; insert it again",
                   "Флешку вынули слишком рано — ничего не изменено; вставьте её снова",
                   "Флешка тым ерте алынды — ештеңе өзгерген жоқ; қайта салыңыз",
                   "Флешка өтө эрте алынды — эч нерсе өзгөргөн жок; кайра салыңыз",
                   "Флешка барвақт бароварда шуд — ҳеҷ чиз тағйир наёфт; онро боз гузоред",
                   "Fleshka juda erta olindi — hech narsa oʻzgarmadi; uni qayta qoʻying",
                   "Fleşka gaty ir çykaryldy — hiç zat üýtgemedi; ony täzeden dakyň",
                   "فلش خیلی زود کشیده شد — چیزی تغییر نکرد؛ دوباره وصل کنید"},
    [M_LOGS_OK] =
        {"Logs copied to the stick. You can remove the stick",
         "Журналы записаны на флешку. Флешку можно вынимать",
         "Журналдар флешкаға жазылды. Флешканы алуға болады",
         "Журналдар флешкага жазылды. Флешканы алсаңыз болот",
         "Журналҳо ба флешка навишта шуданд. Флешкаро гирифтан мумкин аст",
         "Jurnallar fleshkaga yozildi. Fleshkani olishingiz mumkin",
         "Žurnallar fleşka ýazyldy. Fleşkany çykaryp bilersiňiz",
         "گزارش‌ها روی فلش نوشته شد. می‌توانید فلش را بکشید"},
    [M_LOGS_RO] =
        {"The stick is read-only — logs were not copied. You can remove the stick",
         "Флешка только для чтения — журналы не записаны. Флешку можно вынимать",
         "Флешка тек оқуға арналған — журналдар жазылмады. Флешканы алуға болады",
         "Флешка окуу үчүн гана — журналдар жазылган жок. Флешканы алсаңыз болот",
         "Флешка танҳо барои хондан аст — журналҳо навишта нашуданд. Флешкаро гирифтан мумкин аст",
         "Fleshka faqat oʻqish uchun — jurnallar yozilmadi. Fleshkani olishingiz mumkin",
         "Fleşka diňe okamak üçin — žurnallar ýazylmady. Fleşkany çykaryp bilersiňiz",
         "فلش فقط‌خواندنی است — گزارش‌ها نوشته نشد. می‌توانید فلش را بکشید"},
    [M_LOGS_FULL] =
        {"The stick is full — logs were not copied. You can remove the stick",
         "На флешке нет места — журналы не записаны. Флешку можно вынимать",
         "Флешкада орын жоқ — журналдар жазылмады. Флешканы алуға болады",
         "Флешкада орун жок — журналдар жазылган жок. Флешканы алсаңыз болот",
         "Дар флешка ҷой нест — журналҳо навишта нашуданд. Флешкаро гирифтан мумкин аст",
         "Fleshkada joy yoʻq — jurnallar yozilmadi. Fleshkani olishingiz mumkin",
         "Fleşkada ýer ýok — žurnallar ýazylmady. Fleşkany çykaryp bilersiňiz",
         "فلش پُر است — گزارش‌ها نوشته نشد. می‌توانید فلش را بکشید"},
    [M_LOGS_FAILED] =
        {"Logs could not be copied (%s). You can remove the stick",
         "Журналы не записаны (%s). Флешку можно вынимать",
         "Журналдар жазылмады (%s). Флешканы алуға болады",
         "Журналдар жазылган жок (%s). Флешканы алсаңыз болот",
         "Журналҳо навишта нашуданд (%s). Флешкаро гирифтан мумкин аст",
         "Jurnallar yozilmadi (%s). Fleshkani olishingiz mumkin",
         "Žurnallar ýazylmady (%s). Fleşkany çykaryp bilersiňiz",
         "گزارش‌ها نوشته نشد (%s). می‌توانید فلش را بکشید"},
    [M_INBOX] = {"Inbox: found %d pack%s", "Входящие: найдено пакетов: %d%.0s",
                 "Кіріс қалта: %d пакет табылды%.0s", "Кирүүчү папка: %d пакет табылды%.0s",
                 "Папкаи воридотӣ: %d баста ёфт шуд%.0s", "Kiruvchi papka: %d ta paket topildi%.0s",
                 "Gelýän bukja: %d paket tapyldy%.0s", "پوشهٔ ورودی: %d بسته پیدا شد%.0s"},
    [M_NOT_YET] = {"Installed %s, version %llu — shown from %s",
                   "Установлено: %s, версия %llu — будет показано с %s",
                   "Орнатылды: %s, нұсқа %llu — %s бастап көрсетіледі",
                   "Орнотулду: %s, версия %llu — %s баштап көрсөтүлөт",
                   "Насб шуд: %s, версияи %llu — аз %s нишон дода мешавад",
                   "Oʻrnatildi: %s, versiya %llu — %s dan koʻrsatiladi",
                   "Gurnaldy: %s, wersiýa %llu — %s senesinden görkeziler",
                   "نصب شد: %s، نسخهٔ %llu — از %s نشان داده می‌شود"},
    [M_KEYS] = {"Signing keys updated (keyring version %llu)",
                "Ключи подписи обновлены (версия %llu)", "Қол қою кілттері жаңартылды (нұсқа %llu)",
                "Кол коюу ачкычтары жаңыртылды (версия %llu)",
                "Калидҳои имзо нав карда шуданд (версияи %llu)",
                "Imzo kalitlari yangilandi (versiya %llu)",
                "Gol çekiş açarlary täzelendi (wersiýa %llu)",
                "کلیدهای امضا به‌روز شد (نسخهٔ %llu)"},
    [M_KEYS_SAME] = {"Signing keys: already up to date", "Ключи подписи: уже обновлены",
                     "Қол қою кілттері: бұрыннан жаңартылған",
                     "Кол коюу ачкычтары: мурунтан жаңыртылган",
                     "Калидҳои имзо: аллакай нав шудаанд", "Imzo kalitlari: allaqachon yangilangan",
                     "Gol çekiş açarlary: eýýäm täzelenen",
                     "کلیدهای امضا: از قبل به‌روز است"},
};

static void post(struct field *f, const struct field_msg *m)
{
  if (!m->lines[1][0])
    ; /* the end of an inbox install: nothing to say */
  else if (m->progress > 0 && m->progress < 100)
    log_debug("screen says: %s", m->lines[1]);
  else
    log_info("screen says: %s", m->lines[1]);
  pthread_mutex_lock(&f->lock);
  if (f->n == FIELD_QUEUE) { /* the display is far behind: keep the latest */
    f->head = (f->head + 1) % FIELD_QUEUE;
    f->n--;
  }
  f->queue[(f->head + f->n) % FIELD_QUEUE] = *m;
  f->n++;
  pthread_mutex_unlock(&f->lock);
  uint64_t one = 1;
  (void)!write(f->wake_fd, &one, sizeof one);
  if (f->sdl_event != (Uint32)-1 && SDL_WasInit(SDL_INIT_EVENTS)) {
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = f->sdl_event;
    SDL_PushEvent(&ev);
  }
}

__attribute__((format(printf, 3, 0))) static void vfmt(char *buf, size_t cap, const char *fmt,
                                                       va_list ap)
{
  vsnprintf(buf, cap, fmt, ap);
}

/* Posts message id with printf arguments, in the site's first language
 * and in English. */
static void say(struct field *f, int progress, int done, int installed, enum msg_id id, ...)
{
  struct field_msg m;
  memset(&m, 0, sizeof m);
  m.progress = progress;
  m.done = done;
  m.installed = installed;
  m.keys_changed = f->keys_changed;
  if (done)
    f->keys_changed = 0;
  if (installed)
    snprintf(m.pack_id, sizeof m.pack_id, "%s", f->last_id);
  int li = 0;
  for (int i = 0; f->p.lang && i < 8; i++)
    if (!strcmp(f->p.lang, msg_langs[i]))
      li = i;
  va_list ap;
  va_start(ap, id);
  vfmt(m.lines[0], sizeof m.lines[0], words[id][li], ap);
  va_end(ap);
  va_start(ap, id);
  vfmt(m.lines[1], sizeof m.lines[1], words[id][0], ap);
  va_end(ap);
  post(f, &m);
}

struct progress_ctx {
  struct field *f;
  const char *name;
  const struct pack_result *r; /* has the title once the manifest is verified */
  int last;
  uint64_t last_ms;
  struct eta eta;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
  struct progress_ctx *pc = ctx;
  int pct = total ? (int)(done * 100 / total) : 100;
  uint64_t now = clock_mono_ms();
  if (pc->last < 0)
    eta_start(&pc->eta, now);
  /* Every 5 %, and for a big pack every second too: plenty for a screen. */
  if (pct / 5 == pc->last / 5 && pct != 100 &&
      (total < ETA_BIG_BYTES || now - pc->last_ms < 1000 || pct == pc->last))
    return;
  pc->last = pct;
  pc->last_ms = now;
  char how[96] = "";
  if (total >= ETA_BIG_BYTES && pct < 100) {
    memcpy(how, " — ", strlen(" — "));
    eta_format(&pc->eta, done, total, now, 0, how + strlen(" — "), sizeof how - strlen(" — "));
  }
  say(pc->f, pct, 0, 0, M_INSTALLING, pc->r->title[0] ? pc->r->title : pc->name, pct, how);
}

/* Whether the stick went away: its root can no longer be looked at or
 * listed, or another filesystem is mounted there now (a pulled stick
 * answers ENOENT, ENOTCONN or EIO, while the kernel may still answer
 * stat() of a dead mount point from its cache). A file that cannot be read
 * on a stick that is still there is that file's problem, not the visit's. */
static int stick_gone(const char *root, dev_t dev)
{
  struct stat st;
  if (stat(root, &st) != 0 || st.st_dev != dev)
    return 1;
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return 1;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return 1;
  }
  errno = 0;
  int gone = readdir(d) == NULL && errno != 0;
  closedir(d);
  return gone;
}

/* What this visit made current, per pack id (from verified manifests):
 * a later copy of the same id at that version or lower is just a copy. */
struct seen {
  char id[MANIFEST_ID_MAX + 1];
  uint64_t version;
};

static uint64_t seen_version(const struct seen *v, size_t n, const char *id)
{
  for (size_t i = 0; i < n; i++)
    if (!strcmp(v[i].id, id))
      return v[i].version;
  return 0;
}

static void seen_note(struct seen *v, size_t *n, size_t cap, const char *id, uint64_t version)
{
  for (size_t i = 0; i < *n; i++)
    if (!strcmp(v[i].id, id)) {
      if (version > v[i].version)
        v[i].version = version;
      return;
    }
  if (*n < cap) {
    snprintf(v[*n].id, sizeof v[*n].id, "%s", id);
    v[*n].version = version;
    (*n)++;
  }
}

/* Installs the keyring update c, read from the descriptor opened once (as
 * packs are) with the visit's cancel flag; returns 1 if the trusted keys
 * changed. gone (NULL for the inbox) is set when the stick went away
 * under it; the caller then ends the visit as for a pack. */
static int install_keyring(struct field *f, const char *root, const struct inbox_candidate *c,
                           const struct stat *rst, int *gone)
{
  struct kerr e;
  int fd;
  if (inbox_open_candidate(root, c, &fd, NULL, &e)) {
    if (rst && stick_gone(root, rst->st_dev))
      *gone = 1;
    else
      say(f, -1, 0, 0, M_REFUSED, e.msg);
    return 0;
  }
  int changed = 0;
  struct keyring_result kr;
  memset(&kr, 0, sizeof kr);
  int rc = keyring_install_fd(fd, c->rel, f->p.store_dir, f->p.keys_dir, &f->cancel, &kr, &e);
  close(fd);
  if (rc == 0) {
    if (kr.status == KEYRING_STATUS_INSTALLED) {
      say(f, -1, 0, 0, M_KEYS, (unsigned long long)kr.version);
      if (kr.has_time_floor) {
        /* A root-signed reset of the time floor (core/timefloor.h). */
        struct kerr te;
        if (store_reset_time_floor(f->p.store, kr.time_floor, &te))
          log_error("%s", te.msg);
        else
          log_info("time floor reset to %lld by keyring version %llu", (long long)kr.time_floor,
                   (unsigned long long)kr.version);
      }
      struct sig_trust *t = NULL;
      if (keyring_load_trust(f->p.store_dir, f->p.keys_dir, &t, &e) == 0) {
        sig_trust_free(f->trust);
        f->trust = t;
        f->keys_changed = 1;
        changed = 1; /* the rotation must be checked again */
      } else {
        log_error("%s", e.msg);
      }
    } else {
      say(f, -1, 0, 0, M_KEYS_SAME);
    }
  } else if (rst && stick_gone(root, rst->st_dev)) {
    *gone = 1;
  } else {
    say(f, -1, 0, 0, M_REFUSED, kr.msg[0] ? kr.msg : e.msg);
  }
  return changed;
}

/* After "already up to date": whether the installed copy is still whole.
 * When store_check() finds it damaged (SD-card rot, not yet noticed by the
 * background check) it falls back, and the same version from the stick
 * repairs it. */
static int needs_repair(struct field *f, const char *id)
{
  struct kerr e;
  int rc = store_check(f->p.store, id, &e);
  if (rc == 0)
    return 0;
  log_warn("%s — repairing it from the stick", e.msg);
  return 1;
}

/* Installs what a stick (or the inbox) holds; returns packs installed. */
static int install_from(struct field *f, const char *root, int is_inbox, int *removed)
{
  struct inbox_scan sc;
  struct kerr e;
  *removed = 0;
  struct stat rst;
  if (stat(root, &rst) != 0 || inbox_scan(root, &sc, &e)) {
    char shown[INBOX_SHOWN_MAX];
    log_warn("%s: could not be read", esc_name(root, shown, sizeof shown));
    return 0;
  }
  int n_packs = 0;
  for (size_t i = 0; i < sc.n; i++)
    if (sc.items[i].kind == INBOX_PACK && sc.items[i].copy == INBOX_COPY_NEWEST)
      n_packs++;
  if (n_packs == 0 && !is_inbox)
    say(f, -1, 0, 0, M_NOTHING);
  else if (n_packs)
    say(f, -1, 0, 0, is_inbox ? M_INBOX : M_FOUND, n_packs, n_packs == 1 ? "" : "s");
  int installed = 0;
  struct seen seen[INBOX_MAX_CANDIDATES];
  size_t n_seen = 0;
  for (size_t i = 0; i < sc.n && !atomic_load(&f->cancel); i++) {
    const struct inbox_candidate *c = &sc.items[i];
    if (c->kind == INBOX_KEYRING) {
      /* Keys first: a new key may be needed for the packs after it. */
      int gone = 0;
      installed += install_keyring(f, root, c, is_inbox ? NULL : &rst, &gone);
      if (gone) {
        *removed = 1;
        say(f, -1, 1, installed > 0, M_REMOVED);
        break;
      }
      continue;
    }
    char name[INBOX_SHOWN_MAX];
    esc_name(c->rel, name, sizeof name);
    int fd;
    if (inbox_open_candidate(root, c, &fd, NULL, &e)) {
      if (!is_inbox && stick_gone(root, rst.st_dev)) {
        *removed = 1;
        say(f, -1, 1, installed > 0, M_REMOVED);
        break;
      }
      say(f, -1, 0, 0, M_REFUSED, e.msg);
      continue;
    }
    struct pack_result r;
    memset(&r, 0, sizeof r);
    struct progress_ctx pc = {f, name, &r, -100, 0, {0}};
    struct pack_progress prog = {on_progress, &pc, &f->cancel};
    int rc = pack_install_fd(fd, c->rel, f->p.store, f->trust, &prog, &r, &e);
    uint64_t had = rc == 0 || r.status == PACK_STATUS_OLDER ? seen_version(seen, n_seen, r.id) : 0;
    if (rc == 0 && r.status == PACK_STATUS_UP_TO_DATE && had < r.version && needs_repair(f, r.id)) {
      pack_result_free(&r);
      memset(&r, 0, sizeof r);
      rc = pack_install_fd(fd, c->rel, f->p.store, f->trust, &prog, &r, &e);
    }
    close(fd);
    const char *title = r.has_manifest && r.title[0] ? r.title : name;
    if (rc && !is_inbox && stick_gone(root, rst.st_dev)) {
      /* The stick went away under us. */
      *removed = 1;
      say(f, -1, 1, installed > 0, M_REMOVED);
      pack_result_free(&r);
      break;
    }
    if (rc == 0 || r.status == PACK_STATUS_OLDER) {
      if (had && had >= r.version) {
        /* This visit already made a version at least this high current. */
        say(f, -1, 0, 0, M_OLDER_COPY, name);
        pack_result_free(&r);
        continue;
      }
      if (rc == 0)
        seen_note(seen, &n_seen, sizeof seen / sizeof seen[0], r.id, r.version);
    }
    if (rc == 0 && r.status == PACK_STATUS_INSTALLED) {
      installed++;
      snprintf(f->last_id, sizeof f->last_id, "%s", r.id);
      if (r.not_yet_valid) {
        char when[32];
        time_t t = (time_t)r.valid_from;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d", &tm);
        say(f, -1, 0, 1, M_NOT_YET, title, (unsigned long long)r.version, when);
      } else {
        say(f, -1, 0, 1, M_INSTALLED, title, (unsigned long long)r.version);
      }
    } else if (rc == 0) {
      say(f, -1, 0, 0, M_UP_TO_DATE, title);
    } else if (r.status == PACK_STATUS_OLDER) {
      say(f, -1, 0, 0, M_OLDER, title);
    } else {
      say(f, -1, 0, 0, M_REFUSED, r.msg[0] ? r.msg : e.msg);
    }
    pack_result_free(&r);
  }
  inbox_scan_free(&sc);
  return installed;
}

/* Writes kiosk-logs/<site>/ under root; 0 or a KERR code with e. */
static int write_logs(struct field *f, const char *root, struct kerr *e)
{
  struct fieldlog_pack *packs = NULL;
  size_t n = 0;
  if (f->p.store)
    fieldlog_packs_from_store(f->p.store, f->p.lang, &packs, &n, e);
  struct fieldlog_info info;
  memset(&info, 0, sizeof info);
  info.site_name = f->p.cfg->site_name;
  info.country = f->p.cfg->country;
  info.software_version = KIOSK_VERSION;
  info.packs = packs;
  info.n_packs = n;
  info.uptime_ms = clock_mono_ms() - f->p.start_ms;
  info.log_path = f->p.log_path;
  info.playlog_dir = f->p.playlog_dir;
  info.time_floor = f->p.store ? store_time_floor(f->p.store) : 0;
  info.clock_now = clock_wall();
  int rc = fieldlog_write(root, f->p.cfg->site_id, &info, NULL, e);
  free(packs);
  return rc;
}

/* The copy of the logs in log_share (a folder Syncthing sends home), if
 * one is configured. Quiet when it works; one warning while it does not. */
static void share_logs(struct field *f)
{
  if (!f->p.log_share)
    return;
  struct kerr e;
  kerr_clear(&e);
  f->share_due_ms = clock_mono_ms() + f->p.log_share_ms;
  if (mkdir(f->p.log_share, 0755) != 0 && errno != EEXIST)
    log_debug("log_share %s: %s", f->p.log_share, strerror(errno));
  if (write_logs(f, f->p.log_share, &e) == 0) {
    log_debug("logs copied to %s", f->p.log_share);
    f->share_warned = 0;
  } else if (!f->share_warned) {
    log_warn("log_share %s: %s", f->p.log_share, e.msg);
    f->share_warned = 1;
  }
}

static void copy_logs(struct field *f, const char *root, int installed)
{
  struct kerr e;
  kerr_clear(&e);
  int rc = write_logs(f, root, &e);
  if (rc == 0)
    say(f, -1, 1, installed > 0, M_LOGS_OK);
  else if (rc == KERR_NOSPACE)
    say(f, -1, 1, installed > 0, M_LOGS_FULL);
  else if (strstr(e.msg, "read-only"))
    say(f, -1, 1, installed > 0, M_LOGS_RO);
  else
    say(f, -1, 1, installed > 0, M_LOGS_FAILED, e.msg);
}

static void *run(void *arg)
{
  struct field *f = arg;
  /* Installs hash on every core (their worker threads inherit this); the
   * display thread, at normal priority, keeps its frames. */
  if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5) != 0)
    log_info("install thread: cannot lower its priority: %s", strerror(errno));
  share_logs(f);
  for (;;) {
    struct pollfd pfd[2] = {{f->stop_fd, POLLIN, 0}, {inbox_watch_fd(f->watch), POLLIN, 0}};
    int timeout = inbox_watch_rescan_ms(f->watch);
    if (f->p.log_share) {
      uint64_t now = clock_mono_ms();
      int64_t until = f->share_due_ms > now ? (int64_t)(f->share_due_ms - now) : 0;
      if (until > INT32_MAX)
        until = INT32_MAX;
      if (timeout < 0 || until < timeout)
        timeout = (int)until;
    }
    int rc = poll(pfd, pfd[1].fd >= 0 ? 2 : 1, timeout);
    if (rc < 0 && errno != EINTR)
      break;
    if (pfd[0].revents)
      break;
    if (f->p.log_share && clock_mono_ms() >= f->share_due_ms)
      share_logs(f);
    struct inbox_event *ev = NULL;
    size_t n = 0;
    struct kerr e;
    if (inbox_watch_events(f->watch, &ev, &n, &e)) {
      log_error("%s", e.msg);
      continue;
    }
    for (size_t i = 0; i < n && !atomic_load(&f->cancel); i++) {
      char shown[INBOX_SHOWN_MAX];
      esc_name(ev[i].path, shown, sizeof shown);
      if (ev[i].kind == INBOX_STICK_ADDED) {
        log_info("USB stick at %s", shown);
        int removed = 0;
        int installed = install_from(f, ev[i].path, 0, &removed);
        if (!removed)
          copy_logs(f, ev[i].path, installed);
      } else if (ev[i].kind == INBOX_CHANGED) {
        int removed = 0;
        int installed = install_from(f, ev[i].path, 1, &removed);
        if (installed)
          share_logs(f); /* headquarters sees the new version soon */
        if (installed) {
          struct field_msg m;
          memset(&m, 0, sizeof m);
          m.progress = -1;
          m.done = 1;
          m.installed = 1;
          snprintf(m.lines[0], sizeof m.lines[0], "%s", "");
          snprintf(m.lines[1], sizeof m.lines[1], "%s", "");
          post(f, &m);
        }
      } else {
        log_info("USB stick removed from %s", shown);
      }
    }
    free(ev);
  }
  return NULL;
}

int field_start(const struct field_params *p, struct field **out, struct kerr *e)
{
  *out = NULL;
  struct field *f = calloc(1, sizeof *f);
  if (!f)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  f->p = *p;
  f->stop_fd = f->wake_fd = -1;
  f->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  f->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  pthread_mutex_init(&f->lock, NULL);
  f->sdl_event = SDL_RegisterEvents(1);
  if (f->stop_fd < 0 || f->wake_fd < 0) {
    (void)field_stop(f);
    return kerr_errno(e, KERR_IO, errno, "cannot create the install thread's wake-up fd");
  }
  if (keyring_load_trust(p->store_dir, p->keys_dir, &f->trust, e) < 0) {
    /* No pack can be installed, but a keyring update from a stick may
     * still bring the signing keys back: keep watching for sticks. */
    log_warn("%s — packs from sticks are refused until this is fixed", e->msg);
    kerr_clear(e);
    if (!(f->trust = sig_trust_new())) {
      field_stop(f);
      return kerr_set(e, KERR_NOMEM, "out of memory");
    }
  }
  if (inbox_watch_open(p->usb_roots, p->n_usb_roots, p->inbox, &f->watch, e)) {
    field_stop(f);
    return e->code;
  }
  for (size_t i = 0; i < p->n_usb_folders; i++) {
    struct kerr fe;
    if (inbox_watch_add_folder(f->watch, p->usb_folders[i], &fe))
      log_warn("%s — not watched for sticks", fe.msg);
  }
  if (pthread_create(&f->thread, NULL, run, f)) {
    field_stop(f);
    return kerr_set(e, KERR_IO, "cannot start the install thread");
  }
  f->running = 1;
  *out = f;
  return 0;
}

int field_wake_fd(const struct field *f)
{
  return f ? f->wake_fd : -1;
}

uint32_t field_event_type(const struct field *f)
{
  return f ? f->sdl_event : (Uint32)-1;
}

int field_next_msg(struct field *f, struct field_msg *m)
{
  if (!f)
    return 0;
  uint64_t v;
  (void)!read(f->wake_fd, &v, sizeof v);
  pthread_mutex_lock(&f->lock);
  int got = f->n > 0;
  if (got) {
    *m = f->queue[f->head];
    f->head = (f->head + 1) % FIELD_QUEUE;
    f->n--;
  }
  pthread_mutex_unlock(&f->lock);
  return got;
}

int field_stop(struct field *f)
{
  if (!f)
    return 0;
  if (f->running) {
    atomic_store(&f->cancel, 1);
    uint64_t one = 1;
    (void)!write(f->stop_fd, &one, sizeof one);
    /* A read from a stick that hangs in the kernel (a dying stick, a hung
     * FUSE server) sees the cancel flag only when it returns: do not wait
     * for it longer than FIELD_STOP_WAIT_MS. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += FIELD_STOP_WAIT_MS / 1000;
    until.tv_nsec += (long)(FIELD_STOP_WAIT_MS % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    int rc;
    do
      rc = pthread_timedjoin_np(f->thread, NULL, &until);
    while (rc == EINTR);
    if (rc != 0) {
      log_warn("the install thread did not stop within %d ms (a stick that does not answer?); "
               "leaving it behind",
               FIELD_STOP_WAIT_MS);
      return KERR_IO; /* f stays in use by the thread: not freed */
    }
  }
  inbox_watch_close(f->watch);
  if (f->stop_fd >= 0)
    close(f->stop_fd);
  if (f->wake_fd >= 0)
    close(f->wake_fd);
  pthread_mutex_destroy(&f->lock);
  sig_trust_free(f->trust);
  free(f);
  return 0;
}
