/* arclib.c — libarchive loaded on first use (see arclib.h). */
#include "core/arclib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* The library whose headers this was built with: libarchive 3 has been
 * libarchive.so.13 since 3.0. */
#if ARCHIVE_VERSION_NUMBER < 3000000 || ARCHIVE_VERSION_NUMBER >= 4000000
#error "arclib.c knows the soname of libarchive 3 only"
#endif
#define ARCLIB_SONAME "libarchive.so.13"

static struct arclib table;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512] = "not loaded"; /* "" once loaded; written by load() only */

/* Stores dlsym(h, name) into the function pointer at slot (POSIX's way of
 * turning the void * into a function pointer). Returns 0 when found. */
static int sym(void *h, const char *name, void *slot)
{
  void *p = dlsym(h, name);
  if (!p) {
    snprintf(failure, sizeof failure, "%s lacks %s", ARCLIB_SONAME, name);
    return -1;
  }
  memcpy(slot, &p, sizeof p);
  return 0;
}

static void load(void)
{
  void *h = dlopen(ARCLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *why = dlerror();
    snprintf(failure, sizeof failure, "cannot load %s (%s)", ARCLIB_SONAME,
             why ? why : "not found");
    return;
  }
  struct arclib *t = &table;
  if (sym(h, "archive_read_new", &t->read_new) || sym(h, "archive_read_free", &t->read_free) ||
      sym(h, "archive_read_support_format_raw", &t->read_support_format_raw) ||
      sym(h, "archive_read_support_format_tar", &t->read_support_format_tar) ||
      sym(h, "archive_read_support_filter_gzip", &t->read_support_filter_gzip) ||
      sym(h, "archive_read_support_filter_zstd", &t->read_support_filter_zstd) ||
      sym(h, "archive_read_open", &t->read_open) ||
      sym(h, "archive_read_open_fd", &t->read_open_fd) ||
      sym(h, "archive_read_next_header", &t->read_next_header) ||
      sym(h, "archive_read_data", &t->read_data) ||
      sym(h, "archive_read_data_block", &t->read_data_block) ||
      sym(h, "archive_filter_code", &t->filter_code) || sym(h, "archive_errno", &t->errno_of) ||
      sym(h, "archive_error_string", &t->error_string) ||
      sym(h, "archive_set_error", &t->set_error) ||
      sym(h, "archive_entry_pathname", &t->entry_pathname) ||
      sym(h, "archive_entry_size", &t->entry_size) ||
      sym(h, "archive_entry_size_is_set", &t->entry_size_is_set) ||
      sym(h, "archive_entry_filetype", &t->entry_filetype) ||
      sym(h, "archive_entry_hardlink", &t->entry_hardlink) ||
      sym(h, "archive_entry_sparse_count", &t->entry_sparse_count)) {
    dlclose(h);
    return;
  }
  failure[0] = '\0'; /* kept loaded for the life of the program */
}

int arclib_load(struct kerr *e)
{
  pthread_once(&once, load);
  if (failure[0])
    return kerr_set(e, KERR_IO, "%s — reinstall the kiosk (its package needs libarchive13)",
                    failure);
  return 0;
}

const struct arclib *arclib(void)
{
  return &table;
}
