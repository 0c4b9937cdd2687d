/* fuzz.h — shared by the libFuzzer targets in this folder (tools/fuzz
 * builds and runs them; see README "Fuzzing").
 *
 * Readers that take a path are fed through a memfd opened once: each input
 * is written to it and the reader opens /proc/self/fd/N, which reads the
 * memfd's bytes without touching a disk. */
#ifndef KIOSK_TESTS_FUZZ_H
#define KIOSK_TESTS_FUZZ_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/err.h"
#include "core/log.h"
#include "core/sig.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A memfd for inputs and the path that reads it. */
struct fuzz_file {
  int fd;
  char path[64];
};

static inline void fuzz_file_open(struct fuzz_file *f, const char *name)
{
  f->fd = memfd_create(name, MFD_CLOEXEC);
  if (f->fd < 0) {
    perror("memfd_create");
    abort();
  }
  snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

static inline void fuzz_file_put(struct fuzz_file *f, const uint8_t *data, size_t size)
{
  if (ftruncate(f->fd, 0) != 0 || (size && pwrite(f->fd, data, size, 0) != (ssize_t)size))
    abort();
}

/* Quiet logs: a fuzzer calls the readers millions of times. */
static inline void fuzz_quiet(void)
{
  log_set_quiet(1);
  log_set_level(LOG_ERROR);
}

/* The trusted keys: the .pub file (or folder) named by FUZZ_TRUSTED, which
 * tools/fuzz sets to the key that signed the seeds, so that mutations of a
 * validly signed head reach the member reader; without it a key nobody
 * holds, so that the reader still runs up to the signature check. */
static inline struct sig_trust *fuzz_trust(void)
{
  struct sig_trust *t = sig_trust_new();
  if (!t)
    abort();
  struct kerr e;
  const char *path = getenv("FUZZ_TRUSTED");
  if (path && sig_trust_load(t, path, &e) == 0)
    return t;
  if (path)
    fprintf(stderr, "FUZZ_TRUSTED: %s\n", e.msg);
  struct sig_pubkey pk = {.key_id = UINT64_C(0x1122334455667788)};
  for (size_t i = 0; i < sizeof pk.key; i++)
    pk.key[i] = (unsigned char)(i * 7 + 1);
  if (sig_trust_add(t, &pk, &e) != 0)
    abort();
  return t;
}

#endif
