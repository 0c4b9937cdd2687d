/* scrub.c — the background check of the pack store (see scrub.h).
 *
 * The thread picks its next version from store_versions(): a version marked
 * to re-check comes first (the current before the fallback); otherwise the
 * one whose last full check is oldest, when that is a period ago. The time
 * of a check is wall-clock time kept in the version's seal, and boards boot
 * with wrong clocks: a check time in the future (the clock went back) makes
 * the version due at once, so a wrong clock costs an extra pass, never a
 * skipped one. Waiting uses the monotonic clock. */
#include "core/scrub.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/store.h"
#include "core/units.h"

/* Linux's ioprio_set(2) has no glibc wrapper. */
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_IDLE 3
#define IOPRIO_CLASS_SHIFT 13

#define SCRUB_RELIST_MS (3600u * 1000u)

struct scrub {
  struct scrub_params p;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv; /* on the monotonic clock */
  int stop, hold;
  unsigned long wakes;
  /* The pacing of the check in progress. */
  uint64_t rate; /* bytes per second, 0 = as fast as allowed */
  uint64_t job_ms, job_bytes;
};

static uint64_t mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Waits on sc->cv (sc->mu held) until due_ms on the monotonic clock. */
static void wait_until(struct scrub *sc, uint64_t due_ms)
{
  struct timespec ts = {(time_t)(due_ms / 1000u), (long)(due_ms % 1000u) * 1000000L};
  pthread_cond_timedwait(&sc->cv, &sc->mu, &ts);
}

/* store_pace_fn: pauses while held, keeps to the rate, stops on request. */
static int pace(void *ctx, uint64_t bytes)
{
  struct scrub *sc = ctx;
  pthread_mutex_lock(&sc->mu);
  sc->job_bytes += bytes;
  for (;;) {
    while (sc->hold && !sc->stop)
      pthread_cond_wait(&sc->cv, &sc->mu);
    if (sc->stop || !sc->rate)
      break;
    uint64_t due = sc->job_ms + sc->job_bytes * 1000u / sc->rate;
    if (mono_ms() >= due)
      break;
    wait_until(sc, due);
  }
  int stop = sc->stop;
  pthread_mutex_unlock(&sc->mu);
  return stop;
}

/* Lowest CPU and I/O priority for this thread only (Linux applies both
 * per thread). Failing leaves it at normal priority: still paced. */
static void lower_priority(void)
{
  pid_t tid = (pid_t)syscall(SYS_gettid);
  if (setpriority(PRIO_PROCESS, (id_t)tid, 19) != 0)
    log_info("store check: cannot lower its CPU priority: %s", strerror(errno));
  if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, tid, IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT) !=
      0)
    log_info("store check: cannot lower its disk priority: %s", strerror(errno));
}

/* Milliseconds until version v is due for its routine check (0: now). */
static uint64_t due_in_ms(const struct store_version *v, int64_t now, uint64_t period_ms)
{
  if (v->checked <= 0 || v->checked > now)
    return 0;
  uint64_t age_ms = (uint64_t)(now - v->checked) * 1000u;
  return age_ms >= period_ms ? 0 : period_ms - age_ms;
}

/* Checks one version; returns how long to wait before looking again. */
static uint64_t check_one(struct scrub *sc, const struct store_version *v, uint64_t rate)
{
  pthread_mutex_lock(&sc->mu);
  sc->rate = rate;
  sc->job_ms = mono_ms();
  sc->job_bytes = 0;
  pthread_mutex_unlock(&sc->mu);
  struct kerr e;
  uint64_t t0 = mono_ms();
  int rc = store_check_version(sc->p.store, v->id, v->version, pace, sc, &e);
  double s = (double)(mono_ms() - t0) / 1000.0;
  char size[UNITS_BYTES_MAX];
  if (rc == 0)
    log_info("store check: %s version %" PRIu64 " is sound (%s read in %.1f s%s)", v->id,
             v->version, units_bytes(v->bytes, size, sizeof size), s,
             v->recheck ? "" : ", routine check");
  else if (rc == KERR_CORRUPT || rc == KERR_NOENT) {
    log_warn("store check: %s", e.msg);
    if (sc->p.changed)
      sc->p.changed(sc->p.ctx);
  } else if (rc < 0 && rc != KERR_INVAL) {
    /* Out of memory, say: try again later rather than spin. */
    log_warn("store check: %s", e.msg);
    return 60000;
  }
  return 0;
}

static void *run(void *arg)
{
  struct scrub *sc = arg;
  lower_priority();
  pthread_mutex_lock(&sc->mu);
  while (!sc->stop) {
    unsigned long wakes = sc->wakes;
    pthread_mutex_unlock(&sc->mu);
    struct store_version *vs = NULL;
    size_t n = 0;
    struct kerr e;
    uint64_t wait_ms = UINT64_MAX;
    if (store_versions(sc->p.store, &vs, &n, &e) != 0) {
      log_warn("store check: %s", e.msg);
      wait_ms = 60000;
    }
    const struct store_version *pick = NULL;
    uint64_t total = 0;
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < n; i++) {
      total += vs[i].bytes;
      if (vs[i].recheck && (!pick || !pick->recheck || (vs[i].is_current && !pick->is_current)))
        pick = &vs[i];
    }
    if (pick) {
      wait_ms = check_one(sc, pick, 0);
    } else {
      for (size_t i = 0; i < n; i++) {
        uint64_t d = due_in_ms(&vs[i], now, sc->p.period_ms);
        if (d < wait_ms) {
          wait_ms = d;
          pick = &vs[i];
        }
      }
      if (pick && wait_ms == 0) {
        /* Twice the rate that reads the whole store once a period. */
        uint64_t rate = sc->p.period_ms ? total * 2000u / sc->p.period_ms : 0;
        wait_ms =
            check_one(sc, pick, rate > SCRUB_MIN_RATE_BYTES_S ? rate : SCRUB_MIN_RATE_BYTES_S);
      }
    }
    free(vs);
    /* Look again at least hourly: a pack installed meanwhile joins in. */
    if (wait_ms > SCRUB_RELIST_MS)
      wait_ms = SCRUB_RELIST_MS;
    pthread_mutex_lock(&sc->mu);
    if (wait_ms && !sc->stop && sc->wakes == wakes) {
      wait_until(sc, mono_ms() + wait_ms);
    }
  }
  pthread_mutex_unlock(&sc->mu);
  return NULL;
}

int scrub_start(const struct scrub_params *p, struct scrub **out, struct kerr *e)
{
  *out = NULL;
  struct scrub *sc = calloc(1, sizeof *sc);
  if (!sc)
    return kerr_set(e, KERR_NOMEM, "out of memory starting the store check");
  sc->p = *p;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&sc->mu, NULL);
  pthread_cond_init(&sc->cv, &ca);
  pthread_condattr_destroy(&ca);
  int err = pthread_create(&sc->thread, NULL, run, sc);
  if (err) {
    pthread_cond_destroy(&sc->cv);
    pthread_mutex_destroy(&sc->mu);
    free(sc);
    return kerr_errno(e, KERR_IO, err, "cannot start the store check thread");
  }
  *out = sc;
  return 0;
}

void scrub_hold(struct scrub *sc, int on)
{
  if (!sc)
    return;
  pthread_mutex_lock(&sc->mu);
  sc->hold = on;
  if (!on) {
    /* The time held does not count against the rate. */
    sc->job_ms = mono_ms() - (sc->rate ? sc->job_bytes * 1000u / sc->rate : 0);
    pthread_cond_broadcast(&sc->cv);
  }
  pthread_mutex_unlock(&sc->mu);
}

void scrub_wake(struct scrub *sc)
{
  if (!sc)
    return;
  pthread_mutex_lock(&sc->mu);
  sc->wakes++;
  pthread_cond_broadcast(&sc->cv);
  pthread_mutex_unlock(&sc->mu);
}

void scrub_stop(struct scrub *sc)
{
  if (!sc)
    return;
  pthread_mutex_lock(&sc->mu);
  sc->stop = 1;
  pthread_cond_broadcast(&sc->cv);
  pthread_mutex_unlock(&sc->mu);
  pthread_join(sc->thread, NULL);
  pthread_cond_destroy(&sc->cv);
  pthread_mutex_destroy(&sc->mu);
  free(sc);
}
