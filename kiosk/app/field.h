/* field.h — the field technician's visit: a thread that watches for USB
 * sticks (and the inbox folder), installs the packs it finds with the
 * kiosk's own verifier, copies the logs home onto the stick, and tells the
 * display thread what to say on screen. It never touches the display: it
 * posts messages through the SDL event queue and a wake-up fd. */
#ifndef KIOSK_APP_FIELD_H
#define KIOSK_APP_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"

struct store;
struct sig_trust;
struct field;

/* One thing to say on screen: lines[0] in the site's language (may equal
 * the English), lines[1] in English. done marks the end of a visit (the
 * overlay stays a while, then the rotation resumes); installed says that
 * content changed and the rotation must be rebuilt. */
struct field_msg {
  char lines[2][512];
  int progress; /* 0..100, or -1 */
  int done;
  int installed;
  char pack_id[72]; /* with installed: the pack just installed */
  int keys_changed; /* a keyring update was installed in this visit */
};

struct field_params {
  const struct config *cfg;
  struct store *store;          /* shared; the store locks itself */
  const char *store_dir;        /* for keyring updates */
  const char *keys_dir;         /* the trusted-keys folder or file */
  const char *const *usb_roots; /* mount roots */
  size_t n_usb_roots;
  const char *const *usb_folders; /* --usb-root: each subfolder is a stick */
  size_t n_usb_folders;
  const char *inbox;       /* NULL: none */
  const char *playlog_dir; /* for the logs that go home; NULL: none */
  const char *log_path;    /* the kiosk log file; NULL: none */
  const char *lang;        /* the site's first language */
  uint64_t start_ms;       /* for uptime */
  const char *log_share;   /* NULL: none; else logs copied here */
  uint64_t log_share_ms;   /* and refreshed this often */
};

/* Starts the thread. A watcher that cannot start is a warning, not an
 * error: the kiosk keeps showing what is installed. Returns a new field;
 * stop and free with field_stop(). */
int field_start(const struct field_params *p, struct field **out, struct kerr *e);

/* An fd that becomes readable when messages are waiting (for a loop that
 * sleeps in poll()); -1 if none. */
int field_wake_fd(const struct field *f);

/* The SDL event type posted with each message (to wake SDL_WaitEvent). */
uint32_t field_event_type(const struct field *f);

/* Takes the next message, if any: returns 1 and fills m, else 0. */
int field_next_msg(struct field *f, struct field_msg *m);

#define FIELD_STOP_WAIT_MS 1500

/* Asks the thread to stop (cancelling an install in progress, which then
 * changes nothing) and waits for it, at most FIELD_STOP_WAIT_MS. Returns
 * 0 when it stopped and f was freed; KERR_IO when it is stuck in a read
 * that does not return: f is then left to it, and the caller must not
 * close the store it installs into — end the program instead (a cut-off
 * install changes nothing, as after a power cut). Accepts NULL. */
int field_stop(struct field *f);

#endif
