/* cli.h — small helpers shared by the kiosk-pack commands that read packs
 * and stores: exit codes, loading trusted keys, terminal progress, and
 * formatting sizes and times the same way everywhere. */
#ifndef KIOSK_TOOLS_CLI_H
#define KIOSK_TOOLS_CLI_H

#include "core/err.h"
#include "core/eta.h"
#include "core/pack.h"
#include "core/sig.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses of every command. */
enum cli_exit { CLI_OK = 0, CLI_REFUSED = 1, CLI_ERROR = 2 };

/* The exit status for a KERR code: 0 for 0; 2 for usage, system and I/O
 * problems (KERR_USAGE, KERR_IO, KERR_NOMEM, KERR_NOENT, KERR_STORE,
 * KERR_CONFIG, KERR_PASSPHRASE); 1 for everything a check refused. */
int cli_exit_code(int rc);

/* The exit status for a pack outcome: 0 verified / installed / up to date;
 * 2 failed, cancelled or undecided; 1 otherwise. */
int cli_exit_status(enum pack_status status);

/* Loads the trusted keys at path (a .pub file or a folder of them) into a
 * new set *out (free with sig_trust_free()). On failure prints
 * "kiosk-pack CMD: ..." to stderr and returns CLI_ERROR; else CLI_OK. */
int cli_load_trust(const char *cmd, const char *store_dir, const char *path,
                   struct sig_trust **out);

/* Progress on the terminal: a line on stderr rewritten in place, only when
 * stderr is a terminal. Use cli_progress_fn as a pack_progress.fn with a
 * struct cli_progress as its ctx, and cli_progress_done() at the end. */
struct cli_progress {
  const char *label; /* "Verifying" */
  const char *file;  /* the pack's name */
  int tty;
  int shown;
  int64_t last_ms;
  struct eta eta; /* rate and time left, for big packs */
};
void cli_progress_init(struct cli_progress *cp, const char *label, const char *file);
void cli_progress_fn(void *ctx, uint64_t done, uint64_t total);
void cli_progress_done(struct cli_progress *cp);

/* units_bytes() (core/units.h): "242 KiB", "1.0 GiB", as the kiosk shows them. */
void cli_fmt_bytes(uint64_t n, char *buf, size_t cap);

/* "2020-07-10 00:00 UTC" for people; "2020-07-10T00:00:00Z" for JSON. */
void cli_fmt_time(int64_t t, char *buf, size_t cap);
void cli_fmt_time_rfc3339(int64_t t, char *buf, size_t cap);

/* One option of a command: "--name VALUE" when value is set (the word
 * after it is stored there; the last one given wins), or a flag "--name"
 * when flag is set (set to 1). */
struct cli_opt {
  const char *name;
  const char **value;
  int *flag;
};

/* How a command reads its words: "kiosk-pack CMD [WHAT] [options]". */
struct cli_args {
  const char *cmd;            /* "verify", "po export": starts messages */
  const char *what;           /* "PACK": the one word without a dash it
                                   takes (into *arg), or NULL for none */
  const struct cli_opt *opts; /* ends with {NULL} */
  void (*usage)(FILE *out);   /* the command's usage text */
};

/* What cli_parse() returns when the command goes on. */
#define CLI_PARSED (-1)

/* Reads argv[1..argc-1] as spec says: options, -h/--help (usage on stdout,
 * returns CLI_OK), and at most one WHAT. An unknown option, an option
 * without its value, or a word where the command takes none: "kiosk-pack
 * CMD: unknown option or missing value: 'X'" and usage on stderr; a second
 * WHAT: "kiosk-pack CMD: one WHAT only ('A' and 'B' given)"; both return
 * CLI_ERROR. Otherwise returns CLI_PARSED: what is missing is for the
 * command to say. */
int cli_parse(const struct cli_args *spec, int argc, char **argv, const char **arg);

/* The file a command writes: out itself, or name inside out when out is a
 * folder, or name in the current folder when out is NULL; into buf (cap
 * bytes). KERR_USAGE when that does not fit. */
int cli_out_path(const char *out, const char *name, char *buf, size_t cap, struct kerr *e);

/* Verifies pack (st NULL) or installs it into st, as `kiosk-pack verify`
 * and `install` do: progress on the terminal, then the verdict, one line
 * on stdout when it passed, else on stderr. Returns the exit status. */
int cli_check_pack(const char *cmd, const char *pack, struct store *st,
                   const struct sig_trust *trust);

/* The last component of path, for messages. */
const char *cli_basename(const char *path);

#endif
