/* arclib.h — libarchive's reading calls, loaded when first needed.
 *
 * The kiosk reads archives only when a pack or a keyring update arrives,
 * yet a program linked with libarchive loads it at every start, and with
 * it libxml2 and ICU (about 9 MB that a cold start reads from the card
 * before the first page). So core reaches libarchive through this table,
 * filled with dlopen() by the first reader that needs it (sarchive_open()).
 * kiosk-pack, which writes archives, still links libarchive; the table then
 * points into that same copy. */
#ifndef KIOSK_CORE_ARCLIB_H
#define KIOSK_CORE_ARCLIB_H

#include <archive.h>
#include <archive_entry.h>

#include "core/err.h"

struct arclib {
  struct archive *(*read_new)(void);
  int (*read_free)(struct archive *);
  int (*read_support_format_raw)(struct archive *);
  int (*read_support_format_tar)(struct archive *);
  int (*read_support_filter_gzip)(struct archive *);
  int (*read_support_filter_zstd)(struct archive *);
  int (*read_open)(struct archive *, void *, archive_open_callback *, archive_read_callback *,
                   archive_close_callback *);
  int (*read_open_fd)(struct archive *, int, size_t);
  int (*read_next_header)(struct archive *, struct archive_entry **);
  la_ssize_t (*read_data)(struct archive *, void *, size_t);
  int (*read_data_block)(struct archive *, const void **, size_t *, la_int64_t *);
  int (*filter_code)(struct archive *, int);
  int (*errno_of)(struct archive *);
  const char *(*error_string)(struct archive *);
  void (*set_error)(struct archive *, int, const char *, ...);
  const char *(*entry_pathname)(struct archive_entry *);
  la_int64_t (*entry_size)(struct archive_entry *);
  int (*entry_size_is_set)(struct archive_entry *);
  __LA_MODE_T (*entry_filetype)(struct archive_entry *);
  const char *(*entry_hardlink)(struct archive_entry *);
  int (*entry_sparse_count)(struct archive_entry *);
};

/* Loads libarchive the first time (any thread; once). Returns 0, or
 * KERR_IO with a message naming the library and what to do. */
int arclib_load(struct kerr *e);

/* The table; only after arclib_load() returned 0. */
const struct arclib *arclib(void);

#endif
