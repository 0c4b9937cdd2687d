/* fieldlog.h — what goes home on the stick: logs and a status report.
 *
 * fieldlog_write() puts three files into kiosk-logs/<site-id>/ on a stick:
 *
 *   playlog.csv  the play log, both rotations, oldest first, torn lines
 *                dropped (see playlog.h)
 *   status.txt   site, country, software version, installed packs (with
 *                their expiry), free space, uptime, the clock against the
 *                time floor, recent problems. Its "Format:" line says which
 *                layout it has (FIELDLOG_STATUS_FORMAT); `kiosk-pack report`
 *                reads it.
 *   kiosk.log    the end of the kiosk's log (at most log_max_bytes)
 *
 * Every file is written under a temporary name in that folder, all three
 * are fsynced, then renamed over the old ones, and the folder is fsynced,
 * all BEFORE it returns 0: then the screen may say "You can remove the
 * stick". It creates kiosk-logs/ and kiosk-logs/<site-id>/ if missing and
 * never touches anything else on the stick: other files in those folders,
 * other sites' folders and everything outside stay as they were. No step
 * follows a symlink.
 *
 * A read-only stick returns KERR_IO ("the stick is read-only — logs were
 * not copied") having written nothing. A full stick returns KERR_NOSPACE
 * ("the stick is full — logs were not copied") after removing its
 * temporary files (and the folders it created, if empty): the old logs, if
 * any, are still whole. Other failures return KERR_IO or KERR_PATH with e
 * naming the file. */
#ifndef KIOSK_CORE_FIELDLOG_H
#define KIOSK_CORE_FIELDLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/manifest.h"
#include "core/store.h"

#define FIELDLOG_DIR "kiosk-logs"
#define FIELDLOG_DEFAULT_LOG_BYTES (256u * 1024u)
#define FIELDLOG_DEFAULT_PROBLEM_LINES 20
#define FIELDLOG_TITLE_MAX 256
#define FIELDLOG_SITE_MAX 64     /* bytes of a site id */
#define FIELDLOG_STATUS_FORMAT 1 /* raise when status.txt changes shape */

/* One installed pack, as status.txt lists it. */
struct fieldlog_pack {
  char id[MANIFEST_ID_MAX + 1];
  uint64_t current;               /* 0: nothing to show (found corrupt) */
  uint64_t previous;              /* 0: none */
  char title[FIELDLOG_TITLE_MAX]; /* of the current version; "" if unknown */
  int64_t expires;                /* of the current version; 0: never, or unknown */
};

/* Filled by the caller. Pointers may be NULL (and numbers 0) where marked;
 * status.txt then says "unknown" or leaves the part out. */
struct fieldlog_info {
  const char *site_name;        /* may be NULL or "" */
  const char *country;          /* ISO 3166-1 alpha-2; may be NULL or "" */
  const char *software_version; /* KIOSK_VERSION; may be NULL */
  const struct fieldlog_pack *packs;
  size_t n_packs;
  const char *store_dir;   /* for its filesystem's free space; NULL */
  uint64_t uptime_ms;      /* since the kiosk started */
  const char *log_path;    /* the kiosk log file; NULL if none */
  const char *playlog_dir; /* folder of playlog.csv; NULL if none */
  int64_t time_floor;      /* store_time_floor(); 0 if unknown */
  int64_t clock_now;       /* time(NULL) */
  uint64_t log_max_bytes;  /* 0: FIELDLOG_DEFAULT_LOG_BYTES */
  size_t problem_lines;    /* 0: FIELDLOG_DEFAULT_PROBLEM_LINES */
};

/* What was written, for the screen. */
struct fieldlog_result {
  char folder[FIELDLOG_SITE_MAX + sizeof FIELDLOG_DIR + 2];
  /* "kiosk-logs/border-post-3" */
  size_t files;          /* files written (3 on success) */
  uint64_t bytes;        /* their total size */
  uint64_t play_lines;   /* lines in the copied play log */
  uint64_t play_skipped; /* torn or malformed lines dropped */
  char msg[512];         /* one sentence for the screen: what was done */
};

/* Writes the logs for site_id (letters, digits, ".", "_" and "-", not
 * starting with "."; else KERR_INVAL) to stick_root. result may be NULL.
 * Returns 0 only when every file is on the stick and flushed. */
int fieldlog_write(const char *stick_root, const char *site_id, const struct fieldlog_info *info,
                   struct fieldlog_result *result, struct kerr *e);

/* Fills a new array with every pack id the store knows, its current and
 * previous versions and the current title (in lang, else English, else the
 * first). Free with free(). For filling fieldlog_info. */
int fieldlog_packs_from_store(struct store *s, const char *lang, struct fieldlog_pack **out,
                              size_t *n, struct kerr *e);

/* "clock OK", or "clock is behind the last known time by 3 days — set the
 * clock", into buf. floor 0 means unknown (then "clock OK"). */
void fieldlog_clock_text(int64_t clock_now, int64_t time_floor, char *buf, size_t cap);

/* --- for tests ---------------------------------------------------------- */

enum fieldlog_op {
  FIELDLOG_OP_CHECK_RO = 1, /* the read-only check of the stick */
  FIELDLOG_OP_MKDIR,        /* creating kiosk-logs/ or <site-id>/ */
  FIELDLOG_OP_CREATE,       /* creating a temporary file */
  FIELDLOG_OP_WRITE,        /* writing to a temporary file */
  FIELDLOG_OP_FSYNC,
  FIELDLOG_OP_RENAME,
};

/* Called before each step with the file or folder name; return 0 to go
 * on or an errno (EROFS, ENOSPC, EIO) to make the step fail as if the
 * system had refused it. Lets the tests simulate a read-only or full stick
 * where they cannot mount one. NULL (the default) turns it off. Not
 * thread-safe: set it before any fieldlog_write(). */
typedef int fieldlog_io_hook(void *ctx, enum fieldlog_op op, const char *name);
void fieldlog_set_io_hook(fieldlog_io_hook *hook, void *ctx);

/* Whether s can name a site's folder on a stick: 1 to FIELDLOG_SITE_MAX
 * letters, digits, '.', '_' or '-', not starting with '.'. */
int fieldlog_site_id_ok(const char *s);

#endif
