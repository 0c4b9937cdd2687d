/* sarchive.h — the one reader of signed archives: content packs (.kpack)
 * and keyring updates (.kkeys). Verify only.
 *
 * A signed archive is a POSIX tar, plain or compressed with gzip or zstd,
 * whose first member is a document (pack.json, keyring.json) and whose
 * next members are minisign signatures of its exact bytes; a pack then
 * holds the files its document lists. This module opens such a file, reads
 * the entries in one streaming pass within a byte budget, reads and parses
 * the signed head before anything parses the document, and turns every
 * failure into one sentence for people that starts with the file's name.
 * What the document means, and which members may follow, is for pack.c
 * and keyring.c.
 *
 * Two libarchive readers are chained. The outer one knows only the gzip
 * and zstd filters and the "raw" format: it turns the file into a stream
 * of plain tar bytes. The inner one knows only the tar format and reads
 * that stream through a callback that counts every byte and refuses to
 * hand out more than the budget (sarchive_set_budget()). So no tar trick —
 * a huge GNU long-name record, an oversized pax header, a member whose
 * header lies about its size, or a compressed stream that inflates without
 * end — can make us read, allocate or inflate much more than the archive
 * can need. libarchive never writes to disk on an archive's behalf.
 *
 * Every call returns 0 or a negative KERR_* code and fills e (may be NULL)
 * with a sentence for people. */
#ifndef KIOSK_CORE_SARCHIVE_H
#define KIOSK_CORE_SARCHIVE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/sig.h"

struct archive;
struct archive_entry;

#define SARCHIVE_FILE_NAME_MAX 256
#define SARCHIVE_SNIFF_BYTES 512
#define SARCHIVE_BUF_BYTES (64u * 1024u)
#define SARCHIVE_SHOWN_NAME_MAX 160
#define SARCHIVE_SIG_MAX_BYTES 4096u /* one .minisig member */

/* What kind of signed archive a reader expects, for its messages. */
struct sarchive_kind {
  const char *not_a;         /* "not a kiosk pack" */
  const char *made_by;       /* after "not a kiosk pack (what it is) — ": "a
                            pack is the .kpack file made by 'kiosk-pack
                            build'; ask the content team for it" */
  const char *ask_for;       /* after "(it starts with ...) — ": "ask the
                            content team for the .kpack file made by
                            'kiosk-pack build'" */
  const char *made_by_short; /* "a pack made by 'kiosk-pack build'" */
  const char *noun;          /* "pack": "copy the pack again" */
  const char *doc_name;      /* "pack.json" */
  const char *sig_name;      /* "pack.json.minisig" */
  const char *bad_type;      /* after "pack.json is a symbolic link": "; a pack
                            may hold regular files only — refused; ..." */
  const char *too_big;       /* after "at most N are allowed — refused; ": "ask
                            the content team to rebuild the pack" */
  const char *too_much;      /* after "holds more data than ": "its signed list
                            allows" */
  const char *other_doc;     /* the document of another kind ("pack.json" for
                            a keyring update), or NULL */
  const char *other_is;      /* then what such a file is: "it is a content
                            pack; install it as a pack" */
  uint64_t head_budget;      /* tar bytes the head may take */
};

/* An open signed archive. The fields are read by the member loops of
 * pack.c (file for messages, tar for archive_read_data(), entries, fed);
 * change them only through the calls below. */
struct sarchive {
  char file[SARCHIVE_FILE_NAME_MAX]; /* escaped base name: starts messages */
  const struct sarchive_kind *kind;
  int fd;
  struct archive *outer; /* raw format, gzip/zstd filters: tar bytes out */
  struct archive *tar;   /* tar format over the budgeted callback */
  unsigned char sniff[SARCHIVE_SNIFF_BYTES];
  size_t sniff_len;
  uint64_t fed;    /* tar bytes handed to the tar reader so far */
  uint64_t budget; /* the most it may have */
  int over_budget, outer_failed, cancelled;
  int outer_errno;
  char outer_err[256];
  size_t entries;           /* tar entries read so far */
  const atomic_int *cancel; /* set non-zero from another thread: stop */
};

/* The base name of path, escaped for a message, into out. */
void sarchive_file_name(const char *path, char *out, size_t cap);

/* An untrusted name (from an archive or a stick) escaped for a message,
 * long names cut with "..."; NULL becomes a description. */
void sarchive_show_name(const char *raw, char *out, size_t cap);

/* Opens path, or, when fd >= 0, the file open on fd (borrowed: a duplicate
 * is read from offset 0, and path only names it in messages), as a signed
 * archive of kind (which must outlive the reader). cancel may be NULL.
 * Refuses a folder, a special file, an empty file and anything that is not
 * tar, plain or gzip/zstd-compressed, saying what it looks like. *out is a
 * new reader; close with sarchive_close(). */
int sarchive_open(const char *path, int fd, const struct sarchive_kind *kind,
                  const atomic_int *cancel, struct sarchive **out, struct kerr *e);

/* Accepts NULL. */
void sarchive_close(struct sarchive *a);

/* The next entry: 0 and *ent, 1 at the end of the archive, or an error. */
int sarchive_next(struct sarchive *a, struct archive_entry **ent, struct kerr *e);

/* From now on the tar stream may hold budget bytes in all. */
void sarchive_set_budget(struct sarchive *a, uint64_t budget);

/* Turns a failure of the tar reader (or of the outer one behind it) into a
 * message: cancelled, over budget, the stick gone (EIO, ESTALE, ...),
 * truncated, damaged. where says what was being read, or NULL. */
int sarchive_fail(struct sarchive *a, const char *where, struct kerr *e);

/* What an entry is when it is not a regular file ("a symbolic link", "a
 * folder", ...), or NULL for a regular file. */
const char *sarchive_not_regular(struct archive_entry *ent);

/* Reads the data of the current entry, which must be exactly size bytes,
 * into buf; stops at the first byte beyond size. shown names the member. */
int sarchive_read_exact(struct sarchive *a, const char *shown, char *buf, size_t size,
                        struct kerr *e);

/* Reads the member that must come next, named name, a regular file of at
 * most max bytes, into a new NUL-terminated buffer (*out, free()). first:
 * it is the document (a mismatch means "not this kind of file"); else it
 * is a signature after it. ent is its header when the caller already read
 * it, else NULL. */
int sarchive_read_member(struct sarchive *a, struct archive_entry *ent, const char *name,
                         size_t max, int first, char **out, size_t *len, struct kerr *e);

/* The signed head: the document and its first signature, as bytes, and
 * that signature parsed (not yet verified). */
struct sarchive_head {
  char *doc;
  size_t doc_len;
  char *sig;
  size_t sig_len;
  struct sig_minisig *parsed;
};

/* Reads the document (at most doc_max bytes) and its signature, which must
 * be the first two entries, and parses the signature. On failure h holds
 * what was read (free with sarchive_head_free()). */
int sarchive_head_read(struct sarchive *a, size_t doc_max, struct sarchive_head *h, struct kerr *e);

/* Frees what h holds and zeroes it. */
void sarchive_head_free(struct sarchive_head *h);

/* Parses a further signature member's text (named member) into *out, with
 * the message sarchive_head_read() gives for a damaged one. */
int sarchive_parse_sig(struct sarchive *a, const char *member, const char *text, size_t len,
                       struct sig_minisig **out, struct kerr *e);

#endif
