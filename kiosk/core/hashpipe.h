/* hashpipe.h — hashing and writing a pack's members off the reading thread.
 *
 * Reading a pack (libarchive), hashing its members (BLAKE2b-256) and
 * writing them into the store used to take turns on one thread. The pipe
 * lets the reader go on reading while worker threads (one per core, at most
 * HASHPIPE_MAX_WORKERS) hash and a writer thread writes: each member goes to
 * one worker whole, so its chunks are hashed and written in order, and
 * members go to the least busy worker, so a pack of many files is hashed on
 * every core. The
 * bytes written are the very bytes hashed (the same buffer), as DESIGN.md
 * demands. Memory is fixed: HASHPIPE_BUFS buffers of HASHPIPE_CHUNK bytes.
 *
 * Use, on one thread: for each member hashpipe_begin(), then any number of
 * hashpipe_buf() + hashpipe_push(), then hashpipe_end(); at the end
 * hashpipe_finish() waits for the workers and says whether every member
 * matched. Failures found by a worker (a hash that differs, a write that
 * failed) are reported for the earliest member that failed. */
#ifndef KIOSK_CORE_HASHPIPE_H
#define KIOSK_CORE_HASHPIPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/manifest.h"

#define HASHPIPE_CHUNK (256u * 1024u)
#define HASHPIPE_BUFS 8
#define HASHPIPE_MAX_WORKERS 4

struct hashpipe;

/* What went wrong with a member, found by a worker. */
enum hashpipe_fault {
  HASHPIPE_OK = 0,
  HASHPIPE_HASH,  /* its bytes do not have the expected hash */
  HASHPIPE_WRITE, /* writing (or closing) its file failed: err says why */
};

struct hashpipe_failure {
  enum hashpipe_fault fault;
  size_t tag; /* the tag given to hashpipe_begin() */
  int err;    /* errno for HASHPIPE_WRITE */
};

/* Starts the workers. *out is a new pipe; free with hashpipe_close(). */
int hashpipe_open(struct hashpipe **out, struct kerr *e);

/* Starts a member: its bytes must hash (BLAKE2b-256) to want; when fd >= 0
 * they are written to fd, which the pipe closes after the last byte. tag
 * names the member in a failure. Returns 0, or -1 if a member has already
 * failed (stop reading; hashpipe_finish() says what happened), in which
 * case fd is closed. */
int hashpipe_begin(struct hashpipe *hp, size_t tag, const unsigned char *want, int fd);

/* A buffer of HASHPIPE_CHUNK bytes to fill with the member's next bytes
 * (waits for one to be free). NULL if a member has failed. */
unsigned char *hashpipe_buf(struct hashpipe *hp);

/* Hands the buffer from hashpipe_buf(), holding len bytes, to the member's
 * worker. */
void hashpipe_push(struct hashpipe *hp, size_t len);

/* Ends the member: the worker compares its hash and closes its file. */
void hashpipe_end(struct hashpipe *hp);

/* Waits until every member ended so far is hashed and written. Returns 0
 * if all matched, else 1 with *f filled for the earliest member that
 * failed. */
int hashpipe_finish(struct hashpipe *hp, struct hashpipe_failure *f);

/* Stops the workers and frees hp. Members not finished are given up (their
 * files closed). Accepts NULL. */
void hashpipe_close(struct hashpipe *hp);

#endif
