# lib.sh — what the end-to-end scripts share. Source it, then call e2e_init
# with the script's arguments:
#
#   . "$(dirname "$0")/lib.sh"
#   e2e_init "$@"            # BUILD_DIR SOURCE_DIR
#
# e2e_init sets B (build folder), S (source folder), KP (kiosk-pack),
# KIOSK (the kiosk), KIOSK_FONT_DIR, and T: a fresh temporary folder under
# $TMPDIR (or /tmp) that is the working folder and is removed when the
# script ends, with out/ in it for the output of `expect`. HOME and
# MINISIGN_CONFIG_DIR point into T, so no test reads or writes the user's
# keys. Then: ok/bad/expect/has_line/has_text/same/tree record and print
# checks, and e2e_done prints the count and gives the exit status.

e2e_init() {
  set -u
  [ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [SOURCE_DIR]" >&2; exit 2; }
  B=$(cd "$1" && pwd)
  S=$(cd "${2:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
  KP=$B/tools/kiosk-pack
  KIOSK=$B/kiosk/app/kiosk
  [ -x "$KP" ] || { echo "FAIL: $KP is not built"; exit 1; }
  export KIOSK_FONT_DIR=${KIOSK_FONT_DIR:-$B/fonts}
  T=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-e2e.XXXXXX")
  trap 'e2e_cleanup' EXIT
  cd "$T" || exit 1
  mkdir -p out
  export HOME=$T MINISIGN_CONFIG_DIR=$T/.minisign
  unset KIOSK_PACK_PASSPHRASE
  passed=0
  failed=0
}

# Scripts that start processes add their stopping to E2E_CLEANUP (a
# command line run before the folder goes).
E2E_CLEANUP=""
e2e_cleanup() {
  [ -n "$E2E_CLEANUP" ] && eval "$E2E_CLEANUP"
  rm -rf "$T"
}

ok() { echo "ok   - $1"; passed=$((passed + 1)); }

# bad DESCRIPTION: a failed check; shows what the last `expect` printed.
bad() {
  echo "FAIL - $1"
  failed=$((failed + 1))
  echo "  stdout:"; sed 's/^/    /' out/stdout 2>/dev/null | head -40
  echo "  stderr:"; sed 's/^/    /' out/stderr 2>/dev/null | head -40
}

# expect RC DESCRIPTION COMMAND...: runs COMMAND with stdin from /dev/null,
# its output in out/stdout and out/stderr, and checks its exit status.
expect() {
  local want=$1 desc=$2
  shift 2
  "$@" </dev/null >out/stdout 2>out/stderr
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok "$desc (exit $rc)"; else bad "$desc (exit $rc, wanted $want)"; fi
}

# has_line FILE LINE DESCRIPTION: FILE holds exactly that line.
has_line() {
  if grep -Fxq -- "$2" "$1"; then ok "$3"; else bad "$3 — wanted the line: $2"; fi
}

# has_text FILE TEXT DESCRIPTION: FILE holds TEXT somewhere.
has_text() {
  if grep -Fq -- "$2" "$1"; then ok "$3"; else bad "$3 — wanted the text: $2"; fi
}

# same GOT WANTED DESCRIPTION
same() {
  if [ "$1" = "$2" ]; then ok "$3"; else bad "$3 — got '$1', wanted '$2'"; fi
}

# tree DIR: one checksum of every file under DIR (to see nothing changed).
tree() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum | sha256sum); }

# keyid PUBFILE: the 16-hex-digit key id of a minisign public key file.
keyid() {
  local id
  id=$(sed -n '1s/^untrusted comment: minisign public key //p' "$1")
  printf '%16s' "$id" | tr ' ' 0
}

# e2e_done: prints the count; the script's last command.
e2e_done() {
  echo
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
