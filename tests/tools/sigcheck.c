/* sigcheck — test-only front end to core/sig: verifies FILE against its
 * minisign signature with the keys in KEYS (a .pub file or a folder of
 * them), so shell tests can drive the kiosk's verifier.
 *
 *   sigcheck [--stream] KEYS FILE [SIGFILE]      (SIGFILE: FILE.minisig)
 *
 * Prints "verified: key <ID>, trusted comment: <TEXT>" and exits 0, or prints
 * the verifier's message and exits 1 (refused) or 2 (usage or I/O error). */
#include "core/err.h"
#include "core/sig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads at most max bytes of path into a new buffer; -1 if it is longer. */
static int read_file(const char *path, size_t max, char **out, size_t *out_len)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "sigcheck: %s: %s\n", path, strerror(errno));
    return -1;
  }
  char *buf = malloc(max + 1);
  size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
  int bad = !buf || ferror(f) || n > max;
  fclose(f);
  if (bad) {
    fprintf(stderr, "sigcheck: %s: cannot read it, or it is larger than %zu bytes\n", path, max);
    free(buf);
    return -1;
  }
  *out = buf;
  *out_len = n;
  return 0;
}

static int stream_file(struct sig_stream *s, const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "sigcheck: %s: %s\n", path, strerror(errno));
    return -1;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    sig_stream_update(s, buf, n);
  int bad = ferror(f);
  fclose(f);
  return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
  int stream = 0, argi = 1;
  if (argi < argc && !strcmp(argv[argi], "--stream")) {
    stream = 1;
    argi++;
  }
  if (argc - argi < 2 || argc - argi > 3) {
    fprintf(stderr, "usage: sigcheck [--stream] KEYS FILE [SIGFILE]\n");
    return 2;
  }
  const char *keys = argv[argi], *file = argv[argi + 1];
  char sigpath_buf[4096];
  const char *sigpath = argv[argi + 2];
  if (!sigpath) {
    snprintf(sigpath_buf, sizeof sigpath_buf, "%s.minisig", file);
    sigpath = sigpath_buf;
  }

  struct kerr e;
  kerr_clear(&e);
  struct sig_trust *t = sig_trust_new();
  if (!t || sig_trust_load(t, keys, &e) < 0) {
    fprintf(stderr, "%s\n", t ? e.msg : "sigcheck: out of memory");
    sig_trust_free(t);
    return 2;
  }
  char *sig_text = NULL;
  size_t sig_len = 0;
  if (read_file(sigpath, SIG_MINISIG_FILE_MAX * 2, &sig_text, &sig_len) != 0) {
    sig_trust_free(t);
    return 2;
  }

  struct sig_verified v;
  int rc;
  if (stream) {
    struct sig_minisig *sig = NULL;
    rc = sig_minisig_parse(sig_text, sig_len, sigpath, &sig, &e);
    if (rc == 0) {
      struct sig_stream *s = sig_stream_new();
      if (!s || stream_file(s, file) != 0) {
        sig_stream_free(s);
        sig_minisig_free(sig);
        free(sig_text);
        sig_trust_free(t);
        return 2;
      }
      rc = sig_stream_final(s, t, sig, sigpath, &v, &e);
      sig_stream_free(s);
    }
    sig_minisig_free(sig);
  } else {
    char *msg = NULL;
    size_t msg_len = 0;
    if (read_file(file, (size_t)1 << 30, &msg, &msg_len) != 0) {
      free(sig_text);
      sig_trust_free(t);
      return 2;
    }
    rc = sig_verify(t, msg, msg_len, sig_text, sig_len, sigpath, &v, &e);
    free(msg);
  }
  free(sig_text);
  sig_trust_free(t);
  if (rc != 0) {
    fprintf(stderr, "%s\n", e.msg);
    return rc == KERR_NOMEM ? 2 : 1;
  }
  char id[SIG_KEYID_BUFSZ];
  sig_keyid_format(v.key_id, id);
  printf("verified: key %s, trusted comment: %s\n", id, v.trusted_comment);
  return 0;
}
