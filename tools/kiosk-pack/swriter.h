/* swriter.h — the one writer of signed archives: `kiosk-pack build` (a
 * pack) and `kiosk-pack keyring build|sign` (a keyring update) both write
 * their tar through it, so the form the reader (core/sarchive) expects —
 * ustar where names fit (else pax), regular files 0644 owned by 0:0, one
 * time stamp, gzip without its own time stamp, the document first and its
 * signatures next — is decided once.
 *
 * Every call returns 0 or a negative KERR_* code and fills e (may be NULL)
 * with a sentence naming what could not be written. */
#ifndef KIOSK_TOOLS_SWRITER_H
#define KIOSK_TOOLS_SWRITER_H

#include "core/err.h"
#include "kiosk-pack/cmd_build.h"

#include <stddef.h>
#include <stdint.h>

struct swriter;

/* Starts a tar on fd (borrowed; not closed) or, with swriter_open_memory(),
 * into buf of cap bytes (*used grows as it is written). ustar: every name
 * fits a plain ustar header (see swriter_fits_ustar()); else pax. what
 * names the archive in messages ("pack", "update"). mtime is every
 * member's time (unix seconds; negative is taken as 0). *out is new; end it
 * with swriter_close(). */
int swriter_open_fd(int fd, enum cmd_build_compress compress, int ustar, const char *what,
                    int64_t mtime, struct swriter **out, struct kerr *e);
int swriter_open_memory(void *buf, size_t cap, size_t *used, enum cmd_build_compress compress,
                        int ustar, const char *what, int64_t mtime, struct swriter **out,
                        struct kerr *e);

/* Whether path fits a plain ustar header (name 100, prefix 155 bytes). */
int swriter_fits_ustar(const char *path);

/* A regular file named path of size bytes; its data follows with
 * swriter_data(), exactly size bytes. */
int swriter_header(struct swriter *w, const char *path, uint64_t size, struct kerr *e);

/* The next len bytes of the current member. */
int swriter_data(struct swriter *w, const void *data, size_t len, struct kerr *e);

/* A member from memory: swriter_header() then swriter_data(). */
int swriter_add(struct swriter *w, const char *path, const void *data, size_t len, struct kerr *e);

/* The signed head: the document doc_name, then each signature in sigs
 * (NUL-terminated .minisig texts) under the names in sig_names. */
int swriter_head(struct swriter *w, const char *doc_name, const char *doc,
                 const char *const *sig_names, const char *const *sigs, size_t n_sigs,
                 struct kerr *e);

/* Finishes the archive (unless failed: then only frees) and frees w.
 * Returns failed, or the error of finishing. Accepts NULL. */
int swriter_close(struct swriter *w, int failed, struct kerr *e);

#endif
