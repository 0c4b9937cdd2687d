/* keys.c — minisign-compatible key pairs and signing for kiosk-pack.
 *
 * The secret key file is minisign's: a comment line, then the base64 of
 *   sig_alg "Ed" | kdf_alg "Sc" (scrypt) or "\0\0" (unencrypted) | chk_alg "B2"
 *   | kdf salt (32) | opslimit (u64 LE) | memlimit (u64 LE)
 *   | key id (8) | Ed25519 secret key (64) | checksum (32)
 * where the checksum is BLAKE2b-256 of sig_alg | key id | secret key, and
 * for "Sc" the last 104 bytes are XORed with scrypt(passphrase, salt). A
 * wrong passphrase shows as a checksum mismatch. minisign 0.11 leaves the
 * checksum zero in unencrypted (-W) keys and never checks it there; we write
 * it in ours, check it when present, and also check that the secret key's
 * two halves agree, which catches a damaged file either way.
 *
 * Secrets live in sodium_malloc() memory or are wiped with sodium_memzero()
 * before their stack frame ends. Nothing here exits. */
#include "kiosk-pack/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#define KEYID_BYTES 8
#define SK_STRUCT_BYTES 158
#define OFF_SIG_ALG 0
#define OFF_KDF_ALG 2
#define OFF_CHK_ALG 4
#define OFF_SALT 6
#define OFF_OPSLIMIT 38
#define OFF_MEMLIMIT 46
#define OFF_KEYNUM_SK 54 /* key id, secret key, checksum: the encrypted part */
#define OFF_KEYID 54
#define OFF_SK 62
#define OFF_CHK 126
#define KEYNUM_SK_BYTES 104
#define CHK_BYTES 32

#define SIG_STRUCT_BYTES (2 + KEYID_BYTES + crypto_sign_BYTES)
#define UNTRUSTED_PREFIX "untrusted comment: "
#define SECRET_FILE_MAX 4096
/* A key file asking for more than this is damaged or hostile. */
#define KDF_MEMLIMIT_CAP (8ULL << 30)

struct keys_secret {
  uint64_t key_id;
  unsigned char keyid_bytes[KEYID_BYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

/* libsodium must be started once before use; later calls are cheap. */
static int crypto_ready(struct kerr *e)
{
  if (sodium_init() < 0)
    return kerr_set(e, KERR_INVAL, "the crypto library (libsodium) could not start");
  return 0;
}

/* ---- Files ------------------------------------------------------------ */

static int fsync_parent(const char *path)
{
  char *dir = strdup(path);
  if (!dir)
    return -1;
  char *slash = strrchr(dir, '/');
  const char *d = ".";
  if (slash == dir)
    d = "/";
  else if (slash) {
    *slash = '\0';
    d = dir;
  }
  int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc = -1;
  if (fd >= 0) {
    rc = fsync(fd);
    close(fd);
  }
  free(dir);
  return rc;
}

int keys_write_atomic(const char *path, const void *data, size_t len, unsigned mode, int exclusive,
                      struct kerr *e)
{
  size_t tlen = strlen(path) + sizeof ".tmp-XXXXXX";
  char *tmp = malloc(tlen);
  if (!tmp)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", path);
  snprintf(tmp, tlen, "%s.tmp-XXXXXX", path);
  int fd = mkstemp(tmp); /* 0600 */
  if (fd < 0) {
    int err = errno;
    free(tmp);
    return kerr_errno(e, KERR_IO, err, "%s: cannot create a file beside it", path);
  }
  int rc = 0;
  if (mode != 0600)
    (void)fchmod(fd, (mode_t)mode); /* on failure the file stays 0600: safe */
  const unsigned char *p = data;
  size_t left = len;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      rc = kerr_errno(e, KERR_IO, errno, "%s: cannot write", path);
      break;
    }
    p += w;
    left -= (size_t)w;
  }
  if (rc == 0 && fsync(fd) != 0)
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot write (fsync)", path);
  if (close(fd) != 0 && rc == 0)
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot write (close)", path);
  if (rc == 0) {
    if (exclusive) {
      /* link() never replaces an existing file. Some file systems (FAT on
       * a USB stick) have no links; there we check, then rename. */
      if (link(tmp, path) == 0) {
        unlink(tmp);
      } else if (errno == EEXIST) {
        rc = kerr_set(e, KERR_IO, "%s already exists — it was not overwritten", path);
      } else {
        struct stat st;
        if (lstat(path, &st) == 0)
          rc = kerr_set(e, KERR_IO, "%s already exists — it was not overwritten", path);
        else if (rename(tmp, path) != 0)
          rc = kerr_errno(e, KERR_IO, errno, "%s: cannot put the file in place", path);
      }
    } else if (rename(tmp, path) != 0) {
      rc = kerr_errno(e, KERR_IO, errno, "%s: cannot put the file in place", path);
    }
  }
  if (rc != 0)
    unlink(tmp);
  else if (fsync_parent(path) != 0)
    rc = kerr_errno(e, KERR_IO, errno, "%s: cannot sync its folder", path);
  free(tmp);
  return rc;
}

/* Reads the small file at path into a new sodium_malloc() buffer (it may
 * hold an unencrypted secret key), NUL-terminated. */
static int read_secret_file(const char *path, char **out, size_t *out_len, struct kerr *e)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno,
                      "%s: cannot open the secret key", path);
  char *buf = sodium_malloc(SECRET_FILE_MAX + 2);
  if (!buf) {
    close(fd);
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", path);
  }
  size_t len = 0;
  int rc = 0;
  for (;;) {
    ssize_t r = read(fd, buf + len, SECRET_FILE_MAX + 1 - len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      rc = kerr_errno(e, KERR_IO, errno, "%s: cannot read the secret key", path);
      break;
    }
    if (r == 0)
      break;
    len += (size_t)r;
    if (len > SECRET_FILE_MAX) {
      rc = kerr_set(e, KERR_PARSE, "%s: is more than %d bytes — this is not a minisign secret key",
                    path, SECRET_FILE_MAX);
      break;
    }
  }
  close(fd);
  if (rc) {
    sodium_free(buf);
    return rc;
  }
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  return 0;
}

/* ---- Passphrases ------------------------------------------------------ */

/* The terminal whose echo is off, so a signal can turn it back on. */
static volatile sig_atomic_t tty_restore_fd = -1;
static struct termios tty_saved;
static struct sigaction old_actions[4];
static const int restore_signals[4] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static void restore_tty_and_reraise(int signo)
{
  if (tty_restore_fd >= 0)
    tcsetattr(tty_restore_fd, TCSAFLUSH, &tty_saved);
  for (int i = 0; i < 4; i++)
    if (restore_signals[i] == signo)
      sigaction(signo, &old_actions[i], NULL);
  raise(signo);
}

/* Prints prompt on tty and reads one line with echo off into buf. */
static int tty_read_line(int tty, const char *prompt, const char *key_path, char *buf, size_t bufsz,
                         struct kerr *e)
{
  struct termios noecho;
  int have_termios = tcgetattr(tty, &tty_saved) == 0;
  if (have_termios) {
    noecho = tty_saved;
    noecho.c_lflag &= ~(tcflag_t)ECHO;
    noecho.c_lflag |= ECHONL;
    tty_restore_fd = tty;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = restore_tty_and_reraise;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 4; i++)
      sigaction(restore_signals[i], &sa, &old_actions[i]);
    tcsetattr(tty, TCSAFLUSH, &noecho);
  }
  ssize_t wr = write(tty, prompt, strlen(prompt));
  (void)wr;

  size_t n = 0;
  int rc = 0, too_long = 0;
  for (;;) {
    char c;
    ssize_t r = read(tty, &c, 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      rc = kerr_errno(e, KERR_IO, errno, "cannot read the passphrase for %s from the terminal",
                      key_path);
      break;
    }
    if (r == 0 || c == '\n')
      break;
    if (n + 1 < bufsz && n < KEYS_PASSPHRASE_MAX)
      buf[n++] = c;
    else
      too_long = 1;
  }
  if (n > 0 && buf[n - 1] == '\r')
    n--;
  buf[n] = '\0';

  if (have_termios) {
    tcsetattr(tty, TCSAFLUSH, &tty_saved);
    tty_restore_fd = -1;
    for (int i = 0; i < 4; i++)
      sigaction(restore_signals[i], &old_actions[i], NULL);
  }
  if (rc == 0 && too_long)
    rc = kerr_set(e, KERR_USAGE, "the passphrase for %s is longer than %d bytes", key_path,
                  KEYS_PASSPHRASE_MAX);
  return rc;
}

int keys_passphrase_read(const char *key_path, int confirm, char *buf, size_t bufsz, struct kerr *e)
{
  if (bufsz < KEYS_PASSPHRASE_MAX + 1)
    return kerr_set(e, KERR_INVAL, "passphrase buffer too small");
  buf[0] = '\0';
  const char *env = getenv(KEYS_PASSPHRASE_ENV);
  if (env) {
    size_t n = strlen(env);
    if (n > KEYS_PASSPHRASE_MAX)
      return kerr_set(e, KERR_USAGE, "%s is longer than %d bytes", KEYS_PASSPHRASE_ENV,
                      KEYS_PASSPHRASE_MAX);
    if (confirm && n == 0)
      return kerr_set(e, KERR_USAGE,
                      "%s is empty — set a passphrase, or use --unencrypted for a key without one",
                      KEYS_PASSPHRASE_ENV);
    memcpy(buf, env, n + 1);
    return 0;
  }

  int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0)
    return kerr_set(
        e, KERR_USAGE,
        "no passphrase for %s: %s is not set and there is no terminal to ask on — set %s", key_path,
        KEYS_PASSPHRASE_ENV, KEYS_PASSPHRASE_ENV);
  char prompt[512];
  snprintf(prompt, sizeof prompt, "Passphrase for %s: ", key_path);
  int rc = tty_read_line(tty, prompt, key_path, buf, bufsz, e);
  if (rc == 0 && confirm) {
    if (buf[0] == '\0') {
      rc = kerr_set(e, KERR_USAGE,
                    "empty passphrase — choose one, or use --unencrypted for a key without one");
    } else {
      char *again = sodium_malloc(bufsz);
      if (!again) {
        rc = kerr_set(e, KERR_NOMEM, "out of memory");
      } else {
        rc = tty_read_line(tty, "Same passphrase again: ", key_path, again, bufsz, e);
        size_t n1 = strlen(buf), n2 = strlen(again);
        if (rc == 0 && (n1 != n2 || sodium_memcmp(buf, again, n1) != 0))
          rc = kerr_set(e, KERR_PASSPHRASE,
                        "the two passphrases differ — nothing was written; run keygen again");
        sodium_free(again);
      }
    }
  }
  close(tty);
  if (rc)
    sodium_memzero(buf, bufsz);
  return rc;
}

/* ---- Keys ------------------------------------------------------------- */

/* BLAKE2b-256 of sig_alg | key id | secret key, as minisign computes it. */
static void secret_checksum(const unsigned char *skbuf, unsigned char chk[CHK_BYTES])
{
  crypto_generichash_state st;
  crypto_generichash_init(&st, NULL, 0, CHK_BYTES);
  crypto_generichash_update(&st, skbuf + OFF_SIG_ALG, 2);
  crypto_generichash_update(&st, skbuf + OFF_KEYID, KEYID_BYTES);
  crypto_generichash_update(&st, skbuf + OFF_SK, crypto_sign_SECRETKEYBYTES);
  crypto_generichash_final(&st, chk, CHK_BYTES);
  sodium_memzero(&st, sizeof st);
}

/* XORs the key id, secret key and checksum with scrypt(passphrase) using
 * the salt and limits already in skbuf. */
static int apply_kdf(unsigned char *skbuf, const char *passphrase, const char *path, struct kerr *e)
{
  uint64_t ops = sig_le64_load(skbuf + OFF_OPSLIMIT);
  uint64_t mem = sig_le64_load(skbuf + OFF_MEMLIMIT);
  if (mem > KDF_MEMLIMIT_CAP || mem > SIZE_MAX ||
      ops > crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MAX)
    return kerr_set(
        e, KERR_PARSE,
        "%s: asks for %llu MiB of memory to derive its key, more than the %llu allowed — the key file is damaged",
        path, (unsigned long long)(mem >> 20), (unsigned long long)(KDF_MEMLIMIT_CAP >> 20));
  unsigned char *stream = sodium_malloc(KEYNUM_SK_BYTES);
  if (!stream)
    return kerr_set(e, KERR_NOMEM, "%s: out of memory", path);
  if (crypto_pwhash_scryptsalsa208sha256(stream, KEYNUM_SK_BYTES, passphrase, strlen(passphrase),
                                         skbuf + OFF_SALT, ops, (size_t)mem) != 0) {
    sodium_free(stream);
    return kerr_set(
        e, KERR_NOMEM,
        "%s: could not derive the key from the passphrase — it needs %llu MiB of memory", path,
        (unsigned long long)(mem >> 20));
  }
  for (size_t i = 0; i < KEYNUM_SK_BYTES; i++)
    skbuf[OFF_KEYNUM_SK + i] ^= stream[i];
  sodium_free(stream);
  return 0;
}

static char *join_ext(const char *name, const char *ext)
{
  size_t n = strlen(name) + strlen(ext) + 1;
  char *p = malloc(n);
  if (p)
    snprintf(p, n, "%s%s", name, ext);
  return p;
}

int keys_generate(const char *name, const char *passphrase, const struct keys_kdf_limits *limits,
                  struct sig_pubkey *pub_out, struct kerr *e)
{
  int rc = crypto_ready(e);
  if (rc)
    return rc;
  char *pub_path = join_ext(name, ".pub");
  char *key_path = join_ext(name, ".key");
  unsigned char *skbuf = sodium_malloc(SK_STRUCT_BYTES);
  size_t b64_len = sodium_base64_ENCODED_LEN(SK_STRUCT_BYTES, sodium_base64_VARIANT_ORIGINAL);
  size_t text_cap = sizeof UNTRUSTED_PREFIX + 64 + b64_len + 2;
  char *text = sodium_malloc(text_cap);
  struct sig_pubkey pub;

  if (!pub_path || !key_path || !skbuf || !text) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
    goto out;
  }
  struct stat st;
  if (lstat(key_path, &st) == 0 || lstat(pub_path, &st) == 0) {
    rc = kerr_set(
        e, KERR_IO,
        "%s already exists — keygen never overwrites a key; choose another name or move the old files away",
        lstat(key_path, &st) == 0 ? key_path : pub_path);
    goto out;
  }

  memset(skbuf, 0, SK_STRUCT_BYTES);
  memcpy(skbuf + OFF_SIG_ALG, "Ed", 2);
  memcpy(skbuf + OFF_CHK_ALG, "B2", 2);
  randombytes_buf(skbuf + OFF_KEYID, KEYID_BYTES);
  crypto_sign_keypair(pub.key, skbuf + OFF_SK);
  pub.key_id = sig_le64_load(skbuf + OFF_KEYID);
  secret_checksum(skbuf, skbuf + OFF_CHK);
  if (passphrase) {
    memcpy(skbuf + OFF_KDF_ALG, "Sc", 2);
    randombytes_buf(skbuf + OFF_SALT, crypto_pwhash_scryptsalsa208sha256_SALTBYTES);
    sig_le64_store(skbuf + OFF_OPSLIMIT, limits ? limits->opslimit : KEYS_KDF_OPSLIMIT);
    sig_le64_store(skbuf + OFF_MEMLIMIT, limits ? limits->memlimit : KEYS_KDF_MEMLIMIT);
    rc = apply_kdf(skbuf, passphrase, key_path, e);
    if (rc)
      goto out;
  } /* else kdf_alg, salt and limits stay zero, as minisign -W writes them */

  int n = snprintf(text, text_cap, UNTRUSTED_PREFIX "minisign %s secret key\n",
                   passphrase ? "encrypted" : "unencrypted");
  sodium_bin2base64(text + n, text_cap - (size_t)n - 1, skbuf, SK_STRUCT_BYTES,
                    sodium_base64_VARIANT_ORIGINAL);
  size_t len = strlen(text);
  text[len++] = '\n';
  text[len] = '\0';
  rc = keys_write_atomic(key_path, text, len, 0600, 1, e);
  if (rc)
    goto out;

  char pub_text[SIG_PUBKEY_TEXT_BUFSZ];
  int pn = sig_pubkey_format(&pub, pub_text, sizeof pub_text);
  rc = pn < 0 ? kerr_set(e, KERR_INVAL, "cannot format the public key")
              : keys_write_atomic(pub_path, pub_text, (size_t)pn, 0644, 1, e);
  if (rc) {
    unlink(key_path); /* ours: we just linked it into place */
    goto out;
  }
  if (pub_out)
    *pub_out = pub;
out:
  sodium_free(text);
  sodium_free(skbuf);
  free(pub_path);
  free(key_path);
  return rc;
}

int keys_secret_load(const char *path, const char *passphrase, struct keys_secret **out,
                     struct kerr *e)
{
  *out = NULL;
  char *text = NULL, *pw = NULL;
  size_t len = 0;
  unsigned char *skbuf = NULL;
  struct keys_secret *sk = NULL;
  int rc = crypto_ready(e);
  if (rc)
    return rc;
  rc = read_secret_file(path, &text, &len, e);
  if (rc)
    return rc;

  /* Line 1: the comment; line 2: the base64 key; then blank lines only. */
  char *nl = memchr(text, '\n', len);
  if (strncmp(text, UNTRUSTED_PREFIX, strlen(UNTRUSTED_PREFIX)) != 0 || !nl) {
    rc = kerr_set(
        e, KERR_PARSE,
        "%s: line 1: expected \"" UNTRUSTED_PREFIX "...\" — is this a minisign secret key?", path);
    goto out;
  }
  char *line = nl + 1;
  size_t rest = len - (size_t)(line - text);
  char *end = memchr(line, '\n', rest);
  size_t n = end ? (size_t)(end - line) : rest;
  if (n > 0 && line[n - 1] == '\r')
    n--;
  for (size_t i = (size_t)(line - text) + n; i < len; i++) {
    if (text[i] != '\n' && text[i] != '\r') {
      rc = kerr_set(e, KERR_PARSE, "%s: unexpected text after the key (line 3)", path);
      goto out;
    }
  }
  skbuf = sodium_malloc(SK_STRUCT_BYTES + 8);
  if (!skbuf) {
    rc = kerr_set(e, KERR_NOMEM, "%s: out of memory", path);
    goto out;
  }
  size_t bin_len = 0;
  if (n == 0 ||
      sodium_base642bin(skbuf, SK_STRUCT_BYTES + 8, line, n, NULL, &bin_len, NULL,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    rc = kerr_set(e, KERR_PARSE,
                  "%s: line 2: not valid base64 — was an actual minisign secret key given?", path);
    goto out;
  }
  if (bin_len != SK_STRUCT_BYTES) {
    rc = kerr_set(e, KERR_PARSE, "%s: line 2: secret key is %zu bytes, expected %d", path, bin_len,
                  SK_STRUCT_BYTES);
    goto out;
  }
  if (memcmp(skbuf + OFF_SIG_ALG, "Ed", 2) != 0) {
    rc = kerr_set(e, KERR_PARSE, "%s: unknown signature algorithm (expected \"Ed\")", path);
    goto out;
  }
  if (memcmp(skbuf + OFF_CHK_ALG, "B2", 2) != 0) {
    rc = kerr_set(e, KERR_PARSE, "%s: unknown checksum algorithm (expected \"B2\")", path);
    goto out;
  }
  int encrypted = memcmp(skbuf + OFF_KDF_ALG, "Sc", 2) == 0;
  if (!encrypted && memcmp(skbuf + OFF_KDF_ALG, "\0\0", 2) != 0) {
    rc = kerr_set(e, KERR_PARSE, "%s: unknown key derivation (expected \"Sc\" or none)", path);
    goto out;
  }

  unsigned char chk[CHK_BYTES];
  static const unsigned char zero[CHK_BYTES];
  if (encrypted) {
    if (!passphrase) {
      pw = sodium_malloc(KEYS_PASSPHRASE_MAX + 1);
      if (!pw) {
        rc = kerr_set(e, KERR_NOMEM, "out of memory");
        goto out;
      }
      rc = keys_passphrase_read(path, 0, pw, KEYS_PASSPHRASE_MAX + 1, e);
      if (rc)
        goto out;
      passphrase = pw;
    }
    rc = apply_kdf(skbuf, passphrase, path, e);
    if (rc)
      goto out;
    secret_checksum(skbuf, chk);
    if (sodium_memcmp(chk, skbuf + OFF_CHK, CHK_BYTES) != 0) {
      rc = kerr_set(e, KERR_PASSPHRASE, "wrong passphrase for %s — try again", path);
      goto out;
    }
  } else if (sodium_memcmp(skbuf + OFF_CHK, zero, CHK_BYTES) != 0) {
    /* minisign -W leaves the checksum zero; ours is filled in. */
    secret_checksum(skbuf, chk);
    if (sodium_memcmp(chk, skbuf + OFF_CHK, CHK_BYTES) != 0) {
      rc = kerr_set(e, KERR_PARSE, "%s: checksum does not match — the key file is damaged", path);
      goto out;
    }
  }
  sodium_memzero(chk, sizeof chk);

  /* An Ed25519 secret key is seed | public key: rebuild it from the seed. */
  {
    unsigned char pk2[crypto_sign_PUBLICKEYBYTES];
    unsigned char *sk2 = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    if (!sk2) {
      rc = kerr_set(e, KERR_NOMEM, "out of memory");
      goto out;
    }
    crypto_sign_seed_keypair(pk2, sk2, skbuf + OFF_SK);
    int same = sodium_memcmp(sk2, skbuf + OFF_SK, crypto_sign_SECRETKEYBYTES) == 0;
    sodium_free(sk2);
    if (!same) {
      rc = kerr_set(e, KERR_PARSE,
                    "%s: the secret key is damaged (its private and public halves do not match)",
                    path);
      goto out;
    }
  }

  sk = sodium_malloc(sizeof *sk);
  if (!sk) {
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
    goto out;
  }
  memcpy(sk->keyid_bytes, skbuf + OFF_KEYID, KEYID_BYTES);
  sk->key_id = sig_le64_load(sk->keyid_bytes);
  memcpy(sk->sk, skbuf + OFF_SK, crypto_sign_SECRETKEYBYTES);
  *out = sk;
out:
  sodium_free(pw);
  sodium_free(skbuf);
  sodium_free(text);
  return rc;
}

void keys_secret_free(struct keys_secret *sk)
{
  sodium_free(sk); /* sodium_free wipes before it frees */
}

uint64_t keys_secret_key_id(const struct keys_secret *sk)
{
  return sk->key_id;
}

void keys_secret_public(const struct keys_secret *sk, struct sig_pubkey *out)
{
  out->key_id = sk->key_id;
  crypto_sign_ed25519_sk_to_pk(out->key, sk->sk);
}

/* ---- Signing ---------------------------------------------------------- */

static int check_comment(const char *comment, struct kerr *e)
{
  size_t n = strlen(comment);
  if (n > SIG_TRUSTED_COMMENT_MAX)
    return kerr_set(e, KERR_INVAL, "trusted comment is %zu bytes, more than the %d minisign reads",
                    n, SIG_TRUSTED_COMMENT_MAX);
  if (strpbrk(comment, "\r\n"))
    return kerr_set(e, KERR_INVAL, "trusted comment must be one line (no line breaks)");
  return 0;
}

/* Signs the BLAKE2b-512 hash of a message: the "ED" algorithm. */
static int sign_hash(const struct keys_secret *sk, const unsigned char hash[64],
                     const char *comment, char **out, size_t *out_len, struct kerr *e)
{
  int rc = check_comment(comment, e);
  if (rc)
    return rc;
  size_t clen = strlen(comment);

  unsigned char sig_struct[SIG_STRUCT_BYTES];
  memcpy(sig_struct, "ED", 2);
  memcpy(sig_struct + 2, sk->keyid_bytes, KEYID_BYTES);
  unsigned char *sig = sig_struct + 2 + KEYID_BYTES;
  crypto_sign_detached(sig, NULL, hash, 64, sk->sk);

  unsigned char *tail = malloc(crypto_sign_BYTES + clen);
  if (!tail)
    return kerr_set(e, KERR_NOMEM, "out of memory signing");
  memcpy(tail, sig, crypto_sign_BYTES);
  memcpy(tail + crypto_sign_BYTES, comment, clen);
  unsigned char global[crypto_sign_BYTES];
  crypto_sign_detached(global, NULL, tail, crypto_sign_BYTES + clen, sk->sk);

  /* Check what we made against the public half, as minisign does. */
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, sk->sk);
  int ok = crypto_sign_verify_detached(sig, hash, 64, pk) == 0 &&
      crypto_sign_verify_detached(global, tail, crypto_sign_BYTES + clen, pk) == 0;
  free(tail);
  if (!ok)
    return kerr_set(e, KERR_BADSIG,
                    "the secret key made a signature that does not verify — the key is damaged");

  char id[SIG_KEYID_BUFSZ];
  sig_keyid_format(sk->key_id, id);
  char b64_sig[sodium_base64_ENCODED_LEN(SIG_STRUCT_BYTES, sodium_base64_VARIANT_ORIGINAL)];
  char b64_global[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(b64_sig, sizeof b64_sig, sig_struct, sizeof sig_struct,
                    sodium_base64_VARIANT_ORIGINAL);
  sodium_bin2base64(b64_global, sizeof b64_global, global, sizeof global,
                    sodium_base64_VARIANT_ORIGINAL);
  size_t cap = 128 + sizeof b64_sig + clen + sizeof b64_global;
  char *text = malloc(cap);
  if (!text)
    return kerr_set(e, KERR_NOMEM, "out of memory signing");
  int n = snprintf(text, cap,
                   UNTRUSTED_PREFIX "signature from kiosk-pack secret key %s\n%s\n"
                                    "trusted comment: %s\n%s\n",
                   id, b64_sig, comment, b64_global);
  if (n < 0 || (size_t)n >= cap) {
    free(text);
    return kerr_set(e, KERR_INVAL, "cannot format the signature");
  }

  /* And that our own reader takes it. */
  struct sig_minisig *parsed = NULL;
  rc = sig_minisig_parse(text, (size_t)n, "new signature", &parsed, e);
  sig_minisig_free(parsed);
  if (rc) {
    free(text);
    return rc;
  }
  *out = text;
  *out_len = (size_t)n;
  return 0;
}

int keys_sign(const struct keys_secret *sk, const void *msg, size_t len,
              const char *trusted_comment, char **out, size_t *out_len, struct kerr *e)
{
  unsigned char hash[crypto_generichash_BYTES_MAX];
  crypto_generichash(hash, sizeof hash, msg, len, NULL, 0);
  return sign_hash(sk, hash, trusted_comment, out, out_len, e);
}

int keys_sign_file(const struct keys_secret *sk, const char *path, const char *trusted_comment,
                   struct kerr *e)
{
  int rc = check_comment(trusted_comment, e);
  if (rc)
    return rc;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return kerr_errno(e, errno == ENOENT ? KERR_NOENT : KERR_IO, errno, "%s: cannot open", path);
  unsigned char *buf = malloc(65536);
  if (!buf) {
    close(fd);
    return kerr_set(e, KERR_NOMEM, "out of memory");
  }
  crypto_generichash_state st;
  crypto_generichash_init(&st, NULL, 0, crypto_generichash_BYTES_MAX);
  for (;;) {
    ssize_t r = read(fd, buf, 65536);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      rc = kerr_errno(e, KERR_IO, errno, "%s: cannot read", path);
      break;
    }
    if (r == 0)
      break;
    crypto_generichash_update(&st, buf, (size_t)r);
  }
  close(fd);
  free(buf);
  if (rc)
    return rc;
  unsigned char hash[crypto_generichash_BYTES_MAX];
  crypto_generichash_final(&st, hash, sizeof hash);

  char *text = NULL;
  size_t len = 0;
  rc = sign_hash(sk, hash, trusted_comment, &text, &len, e);
  if (rc)
    return rc;
  char *sig_path = join_ext(path, ".minisig");
  if (!sig_path)
    rc = kerr_set(e, KERR_NOMEM, "out of memory");
  else
    rc = keys_write_atomic(sig_path, text, len, 0644, 0, e);
  free(sig_path);
  free(text);
  return rc;
}
