/* hashpipe.c — hashing and writing a pack's members off the reading thread
 * (see hashpipe.h).
 *
 * One mutex guards the queues: a chunk is 256 KiB, so the lock is taken a
 * few thousand times a second at most. A member's chunks all go to the
 * worker chosen when it begins, in order, followed by its end marker (kept
 * in the member itself); the worker hashes them and, on the end marker,
 * compares the hash. A member with a file then goes on, chunk by chunk in
 * the same order, to the one writer thread, which writes each hashed buffer
 * as it is and closes the file on the end marker: so even a pack of one
 * big file reads, hashes and writes at the same time. Whoever handles a
 * chunk last gives its buffer back (or frees the member). After
 * hashpipe_close() asks them to stop, the threads still take what is
 * queued, but only to close files and free members.
 *
 * Written bytes are handed to the disk as they come (sync_file_range(2),
 * which only starts the writeback): the commit's fsyncs, which DESIGN.md's
 * crash rules keep, then find little left to wait for, and the disk works
 * while the next members are hashed. */
#define _GNU_SOURCE /* sync_file_range */
#include "core/hashpipe.h"
#include "core/fsutil.h"

#include <fcntl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes written to a file before its writeback is started. */
#define HASHPIPE_WRITEBACK (8u << 20)

struct member;

struct chunk {
  unsigned char *data;
  size_t len;
  struct member *m;
  int last;
  struct chunk *next;
};

struct member {
  size_t tag;
  uint64_t seq; /* order of hashpipe_begin() */
  int fd;
  int failed;
  int worker;                /* the one that takes all its chunks */
  uint64_t written, flushed; /* bytes written, and handed to the disk */
  unsigned char want[MANIFEST_HASH_BYTES];
  crypto_generichash_state hs;
  struct chunk end; /* the end marker */
};

struct worker {
  struct hashpipe *hp;
  pthread_t thread;
  struct chunk *head, *tail;
  size_t load; /* chunks queued or in hand */
};

struct hashpipe {
  pthread_mutex_t mu;
  pthread_cond_t work_cv; /* workers wait for chunks */
  pthread_cond_t done_cv; /* the reader waits for free buffers or the end */
  unsigned char *mem;
  struct chunk bufs[HASHPIPE_BUFS];
  struct chunk *free;
  struct worker w[HASHPIPE_MAX_WORKERS];
  int n_workers;
  pthread_t writer;
  int has_writer, writer_stop;
  pthread_cond_t write_cv;         /* the writer waits for chunks */
  struct chunk *wq_head, *wq_tail; /* hashed chunks to write */
  struct member *cur;              /* begun, not yet ended */
  struct chunk *filling;           /* handed out by hashpipe_buf() */
  uint64_t seq;
  size_t in_flight; /* chunks queued or in a worker's hands */
  int stop, abandon;
  atomic_int failed;
  struct hashpipe_failure fail;
  uint64_t fail_seq;
};

/* Notes that m failed (hp->mu held); the earliest member's failure wins. */
static void record(struct hashpipe *hp, struct member *m, enum hashpipe_fault fault, int err)
{
  m->failed = 1;
  if (hp->fail.fault == HASHPIPE_OK || m->seq < hp->fail_seq) {
    hp->fail = (struct hashpipe_failure){fault, m->tag, err};
    hp->fail_seq = m->seq;
  }
  atomic_store(&hp->failed, 1);
}

/* A chunk is done with (hp->mu held): its buffer goes back, or for an end
 * marker the member goes. */
static void release(struct hashpipe *hp, struct chunk *c)
{
  if (c->last) {
    free(c->m);
  } else {
    c->next = hp->free;
    hp->free = c;
  }
  hp->in_flight--;
  pthread_cond_broadcast(&hp->done_cv);
}

static void *work(void *arg)
{
  struct worker *w = arg;
  struct hashpipe *hp = w->hp;
  pthread_mutex_lock(&hp->mu);
  for (;;) {
    while (!w->head && !hp->stop)
      pthread_cond_wait(&hp->work_cv, &hp->mu);
    if (!w->head)
      break;
    struct chunk *c = w->head;
    w->head = c->next;
    if (!w->head)
      w->tail = NULL;
    struct member *m = c->m;
    int skip = m->failed || hp->abandon;
    pthread_mutex_unlock(&hp->mu);

    int bad = 0;
    if (c->len && !skip)
      crypto_generichash_update(&m->hs, c->data, c->len);
    if (c->last && !skip) {
      unsigned char h[MANIFEST_HASH_BYTES];
      crypto_generichash_final(&m->hs, h, sizeof h);
      bad = sodium_memcmp(h, m->want, sizeof h) != 0;
    }

    pthread_mutex_lock(&hp->mu);
    if (bad)
      record(hp, m, HASHPIPE_HASH, 0);
    w->load--;
    if (m->fd >= 0) {
      /* On to the writer, in this member's order. */
      c->next = NULL;
      if (hp->wq_tail)
        hp->wq_tail->next = c;
      else
        hp->wq_head = c;
      hp->wq_tail = c;
      pthread_cond_broadcast(&hp->write_cv);
    } else {
      release(hp, c);
    }
  }
  pthread_mutex_unlock(&hp->mu);
  return NULL;
}

static void *write_out(void *arg)
{
  struct hashpipe *hp = arg;
  pthread_mutex_lock(&hp->mu);
  for (;;) {
    while (!hp->wq_head && !hp->writer_stop)
      pthread_cond_wait(&hp->write_cv, &hp->mu);
    if (!hp->wq_head)
      break;
    struct chunk *c = hp->wq_head;
    hp->wq_head = c->next;
    if (!hp->wq_head)
      hp->wq_tail = NULL;
    struct member *m = c->m;
    int skip = m->failed || hp->abandon;
    pthread_mutex_unlock(&hp->mu);

    int err = 0;
    if (c->len && !skip) {
      err = fsutil_write_all(m->fd, c->data, c->len, NULL);
      m->written += c->len;
    }
    if (!skip && !err && (c->last || m->written - m->flushed >= HASHPIPE_WRITEBACK)) {
      /* Start the writeback; a failure here only means the fsync at the
       * commit does all the work. */
      sync_file_range(m->fd, (off_t)m->flushed, (off_t)(m->written - m->flushed),
                      SYNC_FILE_RANGE_WRITE);
      m->flushed = m->written;
    }
    if (c->last && close(m->fd) != 0 && !skip && !err)
      err = errno;

    pthread_mutex_lock(&hp->mu);
    if (err && !m->failed)
      record(hp, m, HASHPIPE_WRITE, err);
    release(hp, c);
  }
  pthread_mutex_unlock(&hp->mu);
  return NULL;
}

int hashpipe_open(struct hashpipe **out, struct kerr *e)
{
  *out = NULL;
  struct hashpipe *hp = calloc(1, sizeof *hp);
  if (!hp)
    return kerr_set(e, KERR_NOMEM, "out of memory");
  hp->mem = malloc((size_t)HASHPIPE_BUFS * HASHPIPE_CHUNK);
  if (!hp->mem) {
    free(hp);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  for (int i = 0; i < HASHPIPE_BUFS; i++) {
    hp->bufs[i].data = hp->mem + (size_t)i * HASHPIPE_CHUNK;
    hp->bufs[i].next = hp->free;
    hp->free = &hp->bufs[i];
  }
  pthread_mutex_init(&hp->mu, NULL);
  pthread_cond_init(&hp->work_cv, NULL);
  pthread_cond_init(&hp->done_cv, NULL);
  pthread_cond_init(&hp->write_cv, NULL);
  int werr = pthread_create(&hp->writer, NULL, write_out, hp);
  if (werr) {
    hashpipe_close(hp);
    return kerr_errno(e, KERR_IO, werr, "cannot start a thread to write the pack");
  }
  hp->has_writer = 1;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int want = cores < 1 ? 1 : cores > HASHPIPE_MAX_WORKERS ? HASHPIPE_MAX_WORKERS : (int)cores;
  for (int i = 0; i < want; i++) {
    hp->w[i].hp = hp;
    int err = pthread_create(&hp->w[i].thread, NULL, work, &hp->w[i]);
    if (err) {
      if (hp->n_workers)
        break; /* fewer workers is fine */
      hashpipe_close(hp);
      return kerr_errno(e, KERR_IO, err, "cannot start a thread to hash the pack");
    }
    hp->n_workers++;
  }
  *out = hp;
  return 0;
}

/* Queues c on w (hp->mu held). */
static void enqueue(struct hashpipe *hp, struct worker *w, struct chunk *c)
{
  c->next = NULL;
  if (w->tail)
    w->tail->next = c;
  else
    w->head = c;
  w->tail = c;
  w->load++;
  hp->in_flight++;
  pthread_cond_broadcast(&hp->work_cv);
}

static struct worker *worker_of(struct hashpipe *hp, const struct member *m)
{
  return &hp->w[m->worker];
}

int hashpipe_begin(struct hashpipe *hp, size_t tag, const unsigned char *want, int fd)
{
  struct member *m = atomic_load(&hp->failed) ? NULL : calloc(1, sizeof *m);
  if (!m) {
    if (fd >= 0)
      close(fd);
    if (!atomic_load(&hp->failed)) {
      pthread_mutex_lock(&hp->mu);
      struct member dummy = {.tag = tag, .seq = hp->seq};
      record(hp, &dummy, HASHPIPE_WRITE, ENOMEM);
      pthread_mutex_unlock(&hp->mu);
    }
    return -1;
  }
  m->tag = tag;
  m->fd = fd;
  memcpy(m->want, want, sizeof m->want);
  crypto_generichash_init(&m->hs, NULL, 0, MANIFEST_HASH_BYTES);
  pthread_mutex_lock(&hp->mu);
  m->seq = hp->seq++;
  /* The least busy worker takes the whole member. */
  int best = 0;
  for (int i = 1; i < hp->n_workers; i++)
    if (hp->w[i].load < hp->w[best].load)
      best = i;
  m->worker = best;
  pthread_mutex_unlock(&hp->mu);
  hp->cur = m;
  return 0;
}

unsigned char *hashpipe_buf(struct hashpipe *hp)
{
  pthread_mutex_lock(&hp->mu);
  while (!hp->free && !atomic_load(&hp->failed))
    pthread_cond_wait(&hp->done_cv, &hp->mu);
  struct chunk *c = atomic_load(&hp->failed) ? NULL : hp->free;
  if (c)
    hp->free = c->next;
  pthread_mutex_unlock(&hp->mu);
  hp->filling = c;
  return c ? c->data : NULL;
}

void hashpipe_push(struct hashpipe *hp, size_t len)
{
  struct chunk *c = hp->filling;
  hp->filling = NULL;
  c->len = len;
  c->m = hp->cur;
  c->last = 0;
  pthread_mutex_lock(&hp->mu);
  enqueue(hp, worker_of(hp, hp->cur), c);
  pthread_mutex_unlock(&hp->mu);
}

void hashpipe_end(struct hashpipe *hp)
{
  struct member *m = hp->cur;
  if (!m)
    return;
  hp->cur = NULL;
  pthread_mutex_lock(&hp->mu);
  struct worker *w = worker_of(hp, m);
  m->end.m = m;
  m->end.last = 1;
  enqueue(hp, w, &m->end);
  pthread_mutex_unlock(&hp->mu);
}

int hashpipe_finish(struct hashpipe *hp, struct hashpipe_failure *f)
{
  pthread_mutex_lock(&hp->mu);
  while (hp->in_flight)
    pthread_cond_wait(&hp->done_cv, &hp->mu);
  *f = hp->fail;
  pthread_mutex_unlock(&hp->mu);
  return f->fault != HASHPIPE_OK;
}

void hashpipe_close(struct hashpipe *hp)
{
  if (!hp)
    return;
  pthread_mutex_lock(&hp->mu);
  if (hp->filling) {
    hp->filling->next = hp->free;
    hp->free = hp->filling;
    hp->filling = NULL;
  }
  hp->abandon = 1;
  pthread_mutex_unlock(&hp->mu);
  if (hp->n_workers)
    hashpipe_end(hp);
  else if (hp->cur) {
    if (hp->cur->fd >= 0)
      close(hp->cur->fd);
    free(hp->cur);
  }
  pthread_mutex_lock(&hp->mu);
  hp->stop = 1;
  pthread_cond_broadcast(&hp->work_cv);
  pthread_mutex_unlock(&hp->mu);
  for (int i = 0; i < hp->n_workers; i++)
    pthread_join(hp->w[i].thread, NULL);
  /* The workers are gone: nothing more comes to the writer. */
  pthread_mutex_lock(&hp->mu);
  hp->writer_stop = 1;
  pthread_cond_broadcast(&hp->write_cv);
  pthread_mutex_unlock(&hp->mu);
  if (hp->has_writer)
    pthread_join(hp->writer, NULL);
  pthread_cond_destroy(&hp->write_cv);
  pthread_cond_destroy(&hp->work_cv);
  pthread_cond_destroy(&hp->done_cv);
  pthread_mutex_destroy(&hp->mu);
  free(hp->mem);
  free(hp);
}
