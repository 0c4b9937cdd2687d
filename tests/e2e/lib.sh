# lib.sh — what the end-to-end scripts share. Source it, then call e2e_init
# with the script's arguments:
#
#   . "$(dirname "$0")/lib.sh"
#   e2e_init "$@"            # BUILD_DIR SOURCE_DIR
#
# e2e_init sets B (build folder), S (source folder), KP (kiosk-pack),
# KIOSK (the kiosk), KIOSK_FONT_DIR, and T: a fresh temporary folder under
# $TMPDIR (or /tmp; E2E_TMP_BASE if the script set it) that is the working folder and is removed when the
# script ends, with out/ in it for the output of `expect`. HOME and
# MINISIGN_CONFIG_DIR point into T, so no test reads or writes the user's
# keys. Then: ok/bad/expect/has_line/has_text/same/tree record and print
# checks, and e2e_done prints the count and gives the exit status. Scripts
# that stop at the first failed check (set -e) use `fail` instead.
#
# Also here, for the scripts that need them: keys and keyrings (newkey,
# trusted_root, signing_keyring, keyid), pack sources and packs (pack_src,
# pack_make), the running kiosk (kiosk_start, kiosk_stop, wait_for,
# wait_line, stick_insert, stick_visit, rotation_after, said,
# pack_current) and snapshot (every path, type, mode, size and hash under
# a folder). Everything runs in T; processes started through kiosk_start
# or registered with e2e_stop_on_exit are stopped when the script ends.

# E2E_LIB: this file, for scripts that run a shell of their own.
E2E_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh

e2e_init() {
  set -u
  [ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [SOURCE_DIR]" >&2; exit 2; }
  B=$(cd "$1" && pwd)
  S=$(cd "${2:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
  KP=$B/tools/kiosk-pack
  KIOSK=$B/kiosk/app/kiosk
  [ -x "$KP" ] || { echo "FAIL: $KP is not built"; exit 1; }
  export KIOSK_FONT_DIR=${KIOSK_FONT_DIR:-$B/fonts}
  T=$(mktemp -d "${E2E_TMP_BASE:-${TMPDIR:-/tmp}}/kiosk-e2e.XXXXXX")
  trap 'e2e_cleanup' EXIT
  cd "$T" || exit 1
  mkdir -p out
  export HOME=$T MINISIGN_CONFIG_DIR=$T/.minisign
  unset KIOSK_PACK_PASSPHRASE
  passed=0
  failed=0
}

# Scripts that start processes add their stopping to E2E_CLEANUP (a
# command line run first when the script ends), or their process ids with
# e2e_stop_on_exit. KEEP=1 keeps the folder for a look afterwards.
E2E_CLEANUP=""
E2E_PIDS=()
KPID=""
e2e_stop_on_exit() { E2E_PIDS+=("$@"); }
e2e_cleanup() {
  set +e # whatever fails here, the rest still runs
  [ -n "$E2E_CLEANUP" ] && eval "$E2E_CLEANUP"
  local p
  for p in $KPID "${E2E_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in $KPID "${E2E_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [ -n "${KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}

# fail MESSAGE: a check that ends the script: prints it (and the last
# lines of the logs E2E_LOG names, when the script names some: file names
# or patterns), exits 1.
fail() {
  echo "FAIL: $*"
  local f
  for f in ${E2E_LOG:-}; do
    if [ -f "$f" ]; then echo "--- $f"; tail -20 "$f"; fi
  done
  exit 1
}

ok() { echo "ok   - $1"; passed=$((passed + 1)); }

# bad DESCRIPTION: a failed check; shows what the last `expect` printed.
bad() {
  echo "FAIL - $1"
  failed=$((failed + 1))
  if [ -s out/stdout ]; then echo "  stdout:"; sed 's/^/    /' out/stdout | head -40; fi
  if [ -s out/stderr ]; then echo "  stderr:"; sed 's/^/    /' out/stderr | head -40; fi
}

# expect RC DESCRIPTION COMMAND...: runs COMMAND with stdin from /dev/null
# (or the text STDIN_TEXT, when that is set), its output in out/stdout and
# out/stderr, and checks its exit status.
expect() {
  local want=$1 desc=$2
  shift 2
  if [ -n "${STDIN_TEXT+x}" ]; then
    printf '%s' "$STDIN_TEXT" | "$@" >out/stdout 2>out/stderr
  else
    "$@" </dev/null >out/stdout 2>out/stderr
  fi
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

# snapshot DIR [PATH...]: every entry's type, mode, size (of files) and
# path, then every file's hash, leaving out the PATHs (as ./lock). Two
# snapshots are equal only if nothing changed.
snapshot() {
  local d=$1 p prune=()
  shift
  for p in "$@"; do prune+=(-path "$p" -prune -o); done
  (cd "$d" && find . "${prune[@]}" \( -type d -printf '%y %m %p\n' -o -printf '%y %m %s %p\n' \) | sort &&
    find . "${prune[@]}" -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# --- keys ---------------------------------------------------------------

# keyid PUBFILE: the 16-hex-digit key id of a minisign public key file.
keyid() {
  local id
  id=$(sed -n '1s/^untrusted comment: minisign public key //p' "$1")
  printf '%16s' "$id" | tr ' ' 0
}

# newkey NAME...: unencrypted key pairs NAME.key and NAME.pub.
newkey() {
  local k
  for k in "$@"; do "$KP" keygen "$k" --unencrypted >/dev/null || fail "keygen $k"; done
}

# trusted_root: the root key of the kiosks under test: trusted/root.pub in
# the trusted-keys folder trusted/, root.key kept apart in T.
trusted_root() {
  mkdir -p trusted
  newkey trusted/root && mv trusted/root.key .
}

# signing_keyring PUB: keyring version 1, signed by root.key, names the
# signing key PUB; installed into the store `store`.
signing_keyring() {
  "$KP" keyring build --version 1 --add "$1" --key root.key --out keyring-1.kkeys >/dev/null &&
    "$KP" keyring install keyring-1.kkeys --store store --trusted trusted >/dev/null ||
    fail "keyring 1 naming $1"
}

# --- an X display -------------------------------------------------------

# xvfb_start: a virtual X display of 1280x720 (Xvfb, stopped when the
# script ends) for what follows: DISPLAY and SDL_VIDEODRIVER=x11 are
# exported. False if it did not come up within 5 s.
xvfb_start() {
  local n=$((300 + RANDOM % 600))
  Xvfb ":$n" -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
  e2e_stop_on_exit $!
  export DISPLAY=":$n" SDL_VIDEODRIVER=x11
  wait_for 5 test -e "/tmp/.X11-unix/X$n"
}

# --- FAT sticks ---------------------------------------------------------

# fat_tools: true when a FAT stick can be made and served here through
# FUSE (mkfs.vfat, fusefat, /dev/fuse); otherwise says what is missing.
fat_tools() {
  local tool
  for tool in fusefat mkfs.vfat; do
    command -v $tool >/dev/null || { echo "$tool is not installed (Debian packages fusefat, dosfstools)"; return 1; }
  done
  [ -e /dev/fuse ] || { echo "/dev/fuse is missing: FUSE cannot run here"; return 1; }
}

# fat_image IMAGE MB FILE...: a FAT image of MB MiB with the FILEs at its
# top, filled through fusefat while mounted in a folder of its own.
fat_image() {
  local img=$1 mb=$2 fill
  shift 2
  truncate -s "${mb}M" "$img"
  mkfs.vfat -F 32 "$img" >/dev/null
  fill=$(mktemp -d "$T/fill.XXXXXX")
  fusefat -o rw+ "$img" "$fill" >/dev/null 2>&1
  cp "$@" "$fill/"
  umount "$fill" 2>/dev/null || fusermount -u "$fill"
}

# --- packs --------------------------------------------------------------

# pack_src DIR ID VERSION [OPTION VALUE]...: a pack source in DIR with one
# page "p" in English, "# ID" and a line naming the version. Options:
#   --title TEXT     the title (default "Test ID")
#   --title-ru TEXT  also a Russian title
#   --created TIME   (default 2026-11-01T00:00:00Z)   --expires TIME
#   --pages "A B"    page ids      --langs "ru en"  languages
pack_src() {
  local dir=$1 id=$2 version=$3
  shift 3
  local title="Test $id" title_ru="" created=2026-11-01T00:00:00Z expires="" pages=p langs=en
  while [ $# -gt 0 ]; do
    case $1 in
      --title) title=$2 ;;
      --title-ru) title_ru=$2 ;;
      --created) created=$2 ;;
      --expires) expires=$2 ;;
      --pages) pages=$2 ;;
      --langs) langs=$2 ;;
      *) fail "pack_src: unknown option $1" ;;
    esac
    shift 2
  done
  mkdir -p "$dir/pages"
  local t="\"$title\"" p l
  [ -n "$title_ru" ] && t="{\"en\":\"$title\",\"ru\":\"$title_ru\"}"
  local json="{\"id\":\"$id\",\"version\":$version,\"title\":$t,\"created\":\"$created\""
  [ -n "$expires" ] && json="$json,\"expires\":\"$expires\""
  json="$json,\"languages\":[$(printf '"%s",' $langs | sed 's/,$//')],\"pages\":[$(printf '"%s",' $pages | sed 's/,$//')]}"
  printf '%s\n' "$json" >"$dir/pack.json"
  for p in $pages; do
    for l in $langs; do
      printf '# %s\n\nVersion %s of a test pack (%s, %s).\n' "$id" "$version" "$p" "$l" >"$dir/pages/$p.$l.md"
    done
  done
}

# pack_make KEY OUT DIR ID VERSION [OPTION VALUE]...: pack_src, then the
# pack built and signed with KEY (a .key file) into OUT (a folder or a
# .kpack name).
pack_make() {
  local key=$1 out=$2
  shift 2
  pack_src "$@"
  if [ "${out%.kpack}" != "$out" ]; then mkdir -p "$(dirname "$out")"; else mkdir -p "$out"; fi
  "$KP" build "$1" --key "$key" --out "$out" >/dev/null || fail "build $1"
}

# pack_current STORE ID [ARGS...]: the version of ID the store's state
# names as current (kiosk-pack status --json, ARGS added), or nothing.
pack_current() {
  local store=$1 id=$2
  shift 2
  "$KP" status --store "$store" "$@" --json | tr -d ' \t\n' |
    grep -o "\"id\":\"$id\",\"current\":[0-9]*" | sed 's/.*://'
}

# --- the running kiosk --------------------------------------------------

# kiosk_start LOG ARGS...: starts the kiosk with ARGS in the background
# (its id in KPID), stdout and stderr added to LOG, and waits until it
# shows its first page (it writes LOG.ready then), 20 s at most; false if
# it did not.
kiosk_start() {
  local log=$1
  shift
  rm -f "$log.ready"
  "$KIOSK" "$@" --ready-file "$log.ready" >>"$log" 2>&1 &
  KPID=$!
  wait_for 20 test -s "$log.ready"
}

# kiosk_stop: SIGTERM to the kiosk of kiosk_start; its exit status.
kiosk_stop() {
  local rc=0
  kill -TERM "$KPID" 2>/dev/null
  wait "$KPID" || rc=$?
  KPID=""
  return $rc
}

# wait_for SECONDS COMMAND...: runs COMMAND every 0.05 s until it succeeds
# (true) or SECONDS have passed (false). When the kiosk of kiosk_start has
# ended, COMMAND is tried once more and the waiting stops.
wait_for() {
  local n=$(($1 * 20))
  shift
  while [ "$n" -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    if [ -n "$KPID" ] && ! kill -0 "$KPID" 2>/dev/null; then
      "$@" >/dev/null 2>&1
      return
    fi
    sleep 0.05
    n=$((n - 1))
  done
  return 1
}

# wait_line SECONDS PATTERN FILE: wait_for a line of FILE that matches
# PATTERN (grep's basic regular expression).
wait_line() { wait_for "$1" grep -q -- "$2" "$3"; }

# said LOG TEXT [NAME]: the kiosk's screen said TEXT (it logs every card as
# "screen says: ..."), or the script fails, naming the case NAME.
said() {
  grep -qF -- "screen says: $2" "$1" ||
    fail "${3:+$3: }the screen did not say \"$2\"; it said:
$(grep "screen says" "$1")"
}

# rotation_after LOG TEXT: the kiosk built its rotation again after the
# first line of LOG that holds TEXT.
rotation_after() { grep -q "pages* in the rotation" <(sed -n "\|$2|,\$p" "$1"); }

# stick_insert FOLDER ROOTS: a stick with what FOLDER holds appears whole
# as ROOTS/stick (copied beside it, then renamed in).
stick_insert() { cp -a "$1" "$2/.stick" && mv "$2/.stick" "$2/stick"; }

# visits_ended LOG: how many visits the kiosk ended in LOG ("You can
# remove the stick", or "insert it again" when it was pulled).
visits_ended() { grep -c 'remove the stick\|insert it again' "$1" || true; }
visits_more() { [ "$(visits_ended "$1")" -gt "$2" ]; }

# stick_visit FOLDER ROOTS LOG [SECONDS]: stick_insert, then waits (30 s
# at most) until LOG tells of one more visit ended; false if it did not.
stick_visit() {
  local n
  n=$(visits_ended "$3")
  stick_insert "$1" "$2" || return 1
  wait_for "${4:-30}" visits_more "$3" "$n"
}

# e2e_done: prints the count; the script's last command.
e2e_done() {
  echo
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
