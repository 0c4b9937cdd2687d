/* cmd_build.h — `kiosk-pack build SRCDIR --key NAME.key [--out FILE]
 * [--compress none|gzip|zstd] [--allow-fuzzy]`: turns a pack source folder into a signed
 * .kpack file. */
#ifndef KIOSK_TOOLS_CMD_BUILD_H
#define KIOSK_TOOLS_CMD_BUILD_H

#include "core/err.h"

#include <stddef.h>

enum cmd_build_compress {
  CMD_BUILD_GZIP = 0, /* the default */
  CMD_BUILD_ZSTD,
  CMD_BUILD_NONE,
};

struct cmd_build_opts {
  const char *src; /* the source folder (pack.json, pages/, ...) */
  const char *key; /* the secret key file, NAME.key */
  const char *out; /* a file, or a folder to put <id>-<version>.kpack
                             in; NULL: <id>-<version>.kpack in the current
                             folder */
  enum cmd_build_compress compress;
  const char *passphrase; /* NULL: $KIOSK_PACK_PASSPHRASE, else asked on
                             the terminal (only for an encrypted key) */
  int quiet;              /* 1: no warnings on stderr */
  int no_lint;            /* 1: build even what lint calls an error — only
                             for tests of the kiosk's own refusals (an
                             expired pack); the command line has no way to
                             set it */
  int allow_fuzzy;        /* 1: ship fuzzy and out-of-date translations
                             (kept with PO files) instead of the source
                             language's page */
};

/* Builds the pack described by o: reads pack.json (source form) and every
 * file under pages/, media/ and fonts/, writes the manifest with each
 * file's size and BLAKE2b-256 hash, signs it with the key (trusted comment
 * "kpack id=<id> version=<version>"), writes the tar atomically (a
 * temporary file beside the target, fsync, rename) and verifies the result
 * with the key's public half. The path written goes into out_path (cap
 * bytes). Returns 0 or a KERR code with e naming the file and what to do;
 * on failure nothing is left behind. */
int cmd_build_pack(const struct cmd_build_opts *o, char *out_path, size_t cap, struct kerr *e);

/* Runs the command; argv[0] is "build". Returns the exit status: 0 ok,
 * 1 the source folder is not a valid pack, 2 usage or system error. */
int cmd_build(int argc, char **argv);

#endif
