#!/usr/bin/env bash
# test_bad_packs.sh — the bad-pack black-box suite (DESIGN.md, "Pack format,
# version 1", the list of refusals).
#
# tests/tools/badpacks writes one pack per refusal class, in code, from a
# good pack with exactly one thing wrong. This script installs a good
# version 2 into a fresh store, takes a snapshot of the store (every path,
# type, mode, size and SHA-256), and then, for each bad pack:
#   kiosk-pack install BAD --store STORE --trusted KEYS
# must exit 1, print exactly the expected message (the table below) and
# nothing else, leave the store byte for byte as it was, leave no staging
# and write nothing anywhere else ($TMPDIR, the packs folder). The same
# pack is then checked with `kiosk-pack verify`, which must give the same
# message, or accept it when only the store makes it bad (an older
# version, no space). Decompression bombs must stop early: their peak
# memory and time stay close to those of verifying the good pack.
#
# "Not enough free space" runs on a 20 MiB tmpfs when one can be mounted
# (as root, or in a user namespace with `unshare -rm`); otherwise it uses
# the hook `badpacks --install-reserve`, which installs with an enormous
# store reserve (store_set_reserve). The script says which one ran;
# KIOSK_TEST_NO_TMPFS=1 forces the hook.
#
# Usage: test_bad_packs.sh BUILD_DIR SOURCE_DIR. Prints one line per case
# (OK or FAIL); exits non-zero if any failed.
set -u
export LC_ALL=C

. "$(dirname "$0")/lib.sh"
e2e_init "$@"
BP=$B/tests/tools/badpacks
if [ ! -x "$BP" ]; then
  echo "FAIL: $BP is not built"
  exit 1
fi
mkdir keys tmp
export TMPDIR=$T/tmp

# fail NAME REASON: the case NAME failed (counted; the script goes on).
fail() { bad "$1 — $2"; }

# match MSG PATTERN: PATTERN is literal text in which @NUM@ stands for one
# or more digits.
match() {
  local msg=$1 pat=$2 lit
  while :; do
    lit=${pat%%@NUM@*}
    [ "${msg:0:${#lit}}" = "$lit" ] || return 1
    msg=${msg:${#lit}}
    if [ "$lit" = "$pat" ]; then
      [ -z "$msg" ]
      return
    fi
    pat=${pat#*@NUM@}
    [[ $msg =~ ^[0-9]+ ]] || return 1
    msg=${msg:${#BASH_REMATCH[0]}}
  done
}

# The expected messages, word for word as pack.c writes them. Placeholders:
# @KEY@ the trusted key's id, @OTHER@ the untrusted key's id, @LONG@ the
# over-long name as a message shows it (cut, with "..."), @NOW@ the time
# now (minute), @NUM@ a number. A "case@verify" line gives what `kiosk-pack
# verify` says when it differs from install: OK means it accepts the pack.
EXPECTED=$(cat <<'EOF'
sig-missing|sig-missing.kpack: the second entry is "pages/p1.en.md" instead of the signature pack.json.minisig — the pack is not signed as it should be; ask the content team for a pack made by 'kiosk-pack build'
sig-only-manifest|sig-only-manifest.kpack: has no pack.json.minisig after pack.json — the pack is not signed; ask the content team for a signed pack
sig-empty|sig-empty.kpack: pack.json.minisig: the signature file is empty — expected a minisign signature starting with "untrusted comment: "
sig-bad-base64|sig-bad-base64.kpack: pack.json.minisig: line 2: signature is not valid base64 — was an actual signature given?
sig-truncated|sig-truncated.kpack: pack.json.minisig: line 3: missing — expected "trusted comment: ..."
sig-short-line|sig-short-line.kpack: pack.json.minisig: line 4: global signature is 30 bytes, expected 64 — the signature is damaged; get a fresh copy of the pack
sig-extra-line|sig-extra-line.kpack: pack.json.minisig: line 5: unexpected text after the global signature — the signature is damaged; get a fresh copy of the pack
sig-untrusted|sig-untrusted.kpack: signature is not from a trusted key (key @OTHER@) — ask the content team for a pack signed with the current key
sig-legacy-ed|sig-legacy-ed.kpack: pack.json.minisig: legacy minisign signature (algorithm Ed) is refused — sign again with kiosk-pack or with minisign without -l (algorithm ED)
comment-wrong-id|comment-wrong-id.kpack: the signature is for "kpack id=other-pack version=3", but the pack is "kpack id=badtest version=3" — it was signed for another pack or without kiosk-pack; ask the content team to rebuild it with kiosk-pack build
comment-wrong-version|comment-wrong-version.kpack: the signature is for "kpack id=badtest version=4", but the pack is "kpack id=badtest version=3" — it was signed for another pack or without kiosk-pack; ask the content team to rebuild it with kiosk-pack build
comment-tampered|comment-tampered.kpack: trusted comment does not match its signature (key @KEY@) — the signature was changed after signing; get a fresh copy
manifest-tampered|manifest-tampered.kpack: signature does not match the signed data (key @KEY@) — it was changed or damaged after signing; get a fresh copy
manifest-not-first|manifest-not-first.kpack: not a kiosk pack (it starts with "pages/p1.en.md" instead of pack.json) — ask the content team for the .kpack file made by 'kiosk-pack build'
member-not-listed|member-not-listed.kpack: holds media/extra.bin, which its signed list does not name — the pack was changed after signing; get a fresh copy
member-extra-after|member-extra-after.kpack: has an extra entry "media/extra.bin" after all the files of its signed list — the pack was changed after signing; get a fresh copy
member-missing|member-missing.kpack: media/pic.bin is in the signed list but missing from the pack — the pack is incomplete; get a fresh copy
member-duplicate|member-duplicate.kpack: holds media/pic.bin twice — the pack was changed after signing; get a fresh copy
manifest-duplicate|manifest-duplicate.kpack: holds pack.json twice — the pack was changed after signing; get a fresh copy
size-bigger|size-bigger.kpack: media/pic.bin is 3001 bytes, but the signed list says 3000 — the pack was changed after signing; get a fresh copy
size-smaller|size-smaller.kpack: media/pic.bin is 2999 bytes, but the signed list says 3000 — the pack was changed after signing; get a fresh copy
hash-mismatch|hash-mismatch.kpack: media/pic.bin does not match the signed list (its BLAKE2b-256 hash differs) — the pack was changed or damaged after signing; get a fresh copy
path-absolute|path-absolute.kpack: holds a file with an unsafe name, "/etc/kiosk-evil.sh" — refused; get a fresh copy
path-dotdot|path-dotdot.kpack: holds a file with an unsafe name, "media/../../evil.sh" — refused; get a fresh copy
path-dot|path-dot.kpack: holds a file with an unsafe name, "media/./pic.bin" — refused; get a fresh copy
path-empty-component|path-empty-component.kpack: holds a file with an unsafe name, "media//pic.bin" — refused; get a fresh copy
path-control-char|path-control-char.kpack: holds a file with an unsafe name, "media/pic\x01.bin" — refused; get a fresh copy
path-backslash|path-backslash.kpack: holds a file with an unsafe name, "media\\..\\evil.sh" — refused; get a fresh copy
path-too-long|path-too-long.kpack: holds a file with an unsafe name, "@LONG@" — refused; get a fresh copy
path-case-duplicate|path-case-duplicate.kpack: pack.json: "files" lists "media/pic.bin" and "media/PIC.bin", which differ only in upper/lower case; rename one of them — the pack is signed but its list is not valid; ask the content team to rebuild it with kiosk-pack build
path-case-variant|path-case-variant.kpack: holds media/Pic.bin, which its signed list does not name — the pack was changed after signing; get a fresh copy
type-symlink|type-symlink.kpack: media/pic.bin is a symbolic link; a pack may hold regular files only — refused; ask the content team to rebuild it with kiosk-pack build
type-hardlink|type-hardlink.kpack: media/pic.bin is a hard link; a pack may hold regular files only — refused; ask the content team to rebuild it with kiosk-pack build
type-chardev|type-chardev.kpack: media/pic.bin is a character device; a pack may hold regular files only — refused; ask the content team to rebuild it with kiosk-pack build
type-blockdev|type-blockdev.kpack: media/pic.bin is a block device; a pack may hold regular files only — refused; ask the content team to rebuild it with kiosk-pack build
type-fifo|type-fifo.kpack: media/pic.bin is a FIFO (named pipe); a pack may hold regular files only — refused; ask the content team to rebuild it with kiosk-pack build
type-sparse|type-sparse.kpack: media/pic.bin is a sparse file; a pack may hold regular files only — refused; ask the content team to rebuild it with kiosk-pack build
type-stray-folder|type-stray-folder.kpack: has a folder entry "fonts/" that is not the folder of any listed file — refused; ask the content team to rebuild it with kiosk-pack build
limit-folder-entries|limit-folder-entries.kpack: has more than 256 folder entries — refused; ask the content team to rebuild it with kiosk-pack build
limit-files|limit-files.kpack: pack.json is @NUM@ bytes; at most 1048576 are allowed — refused; ask the content team to rebuild the pack
limit-bytes|limit-bytes.kpack: pack.json: "files" add up to more than 4 GiB; make the pack smaller or split it — the pack is signed but its list is not valid; ask the content team to rebuild it with kiosk-pack build
version-older|version-older.kpack: version 1 is older than the installed version 2 — nothing changed
version-older@verify|OK
version-equal-different|version-equal-different.kpack: version 2 was already installed with different contents — nothing changed; ask the content team to publish it as version 3
version-equal-different@verify|OK
expired|expired.kpack: expired on 2021-01-01 00:00 UTC (the kiosk's date is @NOW@) — ask the content team for a current pack
expired@verify|expired.kpack: expired on 2021-01-01 00:00 UTC (the current date is @NOW@) — ask the content team for a current pack
truncated-plain|truncated-plain.kpack: ends early in media/pic.bin — the copy is incomplete; copy the pack again
truncated-gzip|truncated-gzip.kpack: ends early — the copy is incomplete; copy the pack again
bomb-member|bomb-member.kpack: media/pic.bin is 268435456 bytes, but the signed list says 3000 — the pack was changed after signing; get a fresh copy
bomb-manifest|bomb-manifest.kpack: pack.json is 268435456 bytes; at most 1048576 are allowed — refused; ask the content team to rebuild the pack
bomb-headers|bomb-headers.kpack: holds more data than its signed list allows (after @NUM@ bytes) — refused; get a fresh copy
format-zip|format-zip.kpack: not a kiosk pack (it looks like a zip file) — a pack is the .kpack file made by 'kiosk-pack build'; ask the content team for it
format-cpio|format-cpio.kpack: not a kiosk pack (it looks like a cpio archive) — a pack is the .kpack file made by 'kiosk-pack build'; ask the content team for it
format-7z|format-7z.kpack: not a kiosk pack (it looks like a 7-Zip file) — a pack is the .kpack file made by 'kiosk-pack build'; ask the content team for it
format-xz-tar|format-xz-tar.kpack: not a kiosk pack (it looks like an xz-compressed file) — a pack is the .kpack file made by 'kiosk-pack build'; ask the content team for it
format-garbage|format-garbage.kpack: not a kiosk pack (it is not a tar file, plain or compressed with gzip or zstd) — a pack is the .kpack file made by 'kiosk-pack build'; ask the content team for it
nospace@tmpfs|nospace.kpack: not enough free space on the kiosk to install badtest version 3: it needs 8.1 MiB and @NUM@.@NUM@ MiB can be used — ask the content team for a smaller pack or fit a bigger SD card
nospace@hook|nospace.kpack: not enough free space on the kiosk to install badtest version 3: it needs 8.1 MiB and 0 bytes can be used — ask the content team for a smaller pack or fit a bigger SD card
nospace@verify|OK
EOF
)

# expected KEY: the table's line for KEY, placeholders filled in.
expected() {
  local line
  line=$(printf '%s\n' "$EXPECTED" | awk -F'|' -v k="$1" \
    '$1 == k { sub(/^[^|]*[|]/, ""); print; found = 1; exit } END { exit !found }') || return 1
  line=${line//@KEY@/$KEY}
  line=${line//@OTHER@/$OTHER}
  line=${line//@LONG@/$LONG}
  printf '%s' "$line"
}

# check_msg NAME WANT: out/stderr is exactly the one line WANT (where @NOW@
# may be the minute before or after the command ran), out/stdout is empty.
check_msg() {
  local got want
  got=$(cat out/stderr)
  if [ "$(wc -l <out/stderr)" -ne 1 ]; then
    fail "$1" "wanted one line on stderr"
    return 1
  fi
  if [ -s out/stdout ]; then
    fail "$1" "wanted nothing on stdout"
    return 1
  fi
  for now in "$NOW_BEFORE" "$NOW_AFTER"; do
    want=${2//@NOW@/$now}
    if match "$got" "$want"; then return 0; fi
  done
  fail "$1" "wrong message; wanted: $2"
  return 1
}

# run NAME COMMAND...: runs COMMAND measured, output in out/.
run() {
  local name=$1
  shift
  NOW_BEFORE=$(date -u '+%Y-%m-%d %H:%M UTC')
  "$BP" --measure out/measure timeout 60 "$@" </dev/null >out/stdout 2>out/stderr
  RC=$?
  NOW_AFTER=$(date -u '+%Y-%m-%d %H:%M UTC')
  read -r RSS_KB ELAPSED_MS <out/measure
}

echo "# fixture"
"$KP" keygen keys/k --unencrypted >/dev/null || { echo "FAIL: keygen"; exit 1; }
mv keys/k.key k.key
if ! "$BP" packs k.key >out/list 2>out/gen-stderr; then
  echo "FAIL: badpacks could not write the fixture:"
  cat out/gen-stderr
  exit 1
fi
KEY=$(keyid keys/k.pub)
OTHER=$(keyid packs/other.pub)
LONG="media/$(printf 'a%.0s' $(seq 1 150))..."
echo "$(grep -c . out/list) packs written; trusted key $KEY, untrusted key $OTHER"

"$KP" install packs/good-2.kpack --store store --trusted keys >out/stdout 2>out/stderr ||
  { fail good-2 "the good version 2 does not install"; exit 1; }
run good-3 "$KP" verify packs/good-3.kpack --trusted keys
if [ "$RC" -eq 0 ]; then ok "good-3 (verify)"; else fail "good-3 (verify)" "a good pack made like the bad ones is refused"; fi
BASE_RSS=$RSS_KB
BASE_MS=$ELAPSED_MS
cp -a store store-good3
"$KP" install packs/good-3.kpack --store store-good3 --trusted keys >out/stdout 2>out/stderr
if [ $? -eq 0 ]; then ok "good-3 (install)"; else fail "good-3 (install)" "a good pack made like the bad ones does not install"; fi
rm -rf store-good3

STORE_SNAP=$(snapshot store)
PACKS_SNAP=$(snapshot packs)

# Every pack has an expectation and every expectation a pack.
for f in packs/*.kpack; do
  n=$(basename "$f" .kpack)
  case $n in good-*|nospace) continue ;; esac
  expected "$n" >/dev/null || fail "$n" "no expected message in the table"
done
printf '%s\n' "$EXPECTED" | cut -d'|' -f1 | cut -d@ -f1 | sort -u | while read -r n; do
  [ -f "packs/$n.kpack" ] || echo "$n"
done >out/unmade
if [ -s out/unmade ]; then
  fail "table" "no pack for: $(tr '\n' ' ' <out/unmade)"
fi

# after NAME: what a refused command may not change.
after() {
  local bad=0
  if [ "$(snapshot store)" != "$STORE_SNAP" ]; then
    fail "$1" "the store changed"
    bad=1
  elif [ -n "$(ls -A store/staging 2>/dev/null)" ]; then
    fail "$1" "staging is not empty"
    bad=1
  elif [ -n "$(ls -A tmp)" ]; then
    fail "$1" "files left in \$TMPDIR: $(ls -A tmp)"
    bad=1
  elif [ "$(snapshot packs)" != "$PACKS_SNAP" ]; then
    fail "$1" "something was written beside the packs"
    bad=1
  fi
  return $bad
}

echo "# install and verify every bad pack"
while read -r n path; do
  case $n in good-*.kpack|nospace.kpack) continue ;; esac
  n=${n%.kpack}
  want=$(expected "$n") || continue

  run "$n" "$KP" install "$path" --store store --trusted keys
  if [ "$RC" -ne 1 ]; then
    fail "$n" "install exit status $RC, wanted 1"
    continue
  fi
  check_msg "$n" "$want" || continue
  after "$n" || continue
  case $n in
  bomb-*)
    # Stopped early: no more memory or time than checking a good pack,
    # give or take; inflating the bomb would take 256 MiB or a second.
    if [ "$RSS_KB" -gt $((BASE_RSS + 32768)) ] || [ "$ELAPSED_MS" -gt $((BASE_MS + 700)) ]; then
      fail "$n" "did not stop early: ${RSS_KB} KiB, ${ELAPSED_MS} ms (a good pack: ${BASE_RSS} KiB, ${BASE_MS} ms)"
      continue
    fi
    ;;
  esac

  vwant=$(expected "$n@verify") || vwant=$want
  run "$n" "$KP" verify "$path" --trusted keys
  if [ "$vwant" = OK ]; then
    if [ "$RC" -ne 0 ]; then
      fail "$n" "verify exit status $RC, wanted 0 (only the store makes it bad)"
      continue
    fi
  else
    if [ "$RC" -ne 1 ]; then
      fail "$n" "verify exit status $RC, wanted 1"
      continue
    fi
    check_msg "$n" "$vwant" || continue
  fi
  after "$n (verify)" || continue
  ok "$n"
done <out/list

echo "# not enough free space"
SMALL_MODE=
nospace_tmpfs() {
  # Runs inside a private mount namespace: a 20 MiB tmpfs holds the store;
  # the good version 2 fits, the 8 MiB pack does not (16 MiB are kept in
  # reserve).
  cat >inner.sh <<'EOF'
set -u
KP=$1 T=$2
. "$3"
mount -t tmpfs -o size=20m tmpfs "$T/small" || exit 99
"$KP" install "$T/packs/good-2.kpack" --store "$T/small/store" --trusted "$T/keys" >/dev/null 2>&1 || exit 98
snapshot "$T/small/store" >"$T/out/small-before"
"$KP" install "$T/packs/nospace.kpack" --store "$T/small/store" --trusted "$T/keys" >"$T/out/stdout" 2>"$T/out/stderr"
echo $? >"$T/out/small-rc"
snapshot "$T/small/store" >"$T/out/small-after"
ls -A "$T/small/store/staging" >"$T/out/small-staging"
EOF
  mkdir -p small
  local rc
  if [ -n "${KIOSK_TEST_NO_TMPFS:-}" ]; then
    return 1
  elif [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
    unshare -m bash inner.sh "$KP" "$T" "$E2E_LIB"
    rc=$?
  elif unshare -rm true 2>/dev/null; then
    unshare -rm bash inner.sh "$KP" "$T" "$E2E_LIB"
    rc=$?
  else
    return 1
  fi
  [ "$rc" -eq 0 ]
}
if nospace_tmpfs; then
  SMALL_MODE=tmpfs
  echo "(on a 20 MiB tmpfs)"
  RC=$(cat out/small-rc)
  NOW_BEFORE= NOW_AFTER=
  if [ "$RC" -ne 1 ]; then
    fail nospace "install exit status $RC, wanted 1"
  elif check_msg nospace "$(expected nospace@tmpfs)"; then
    if ! cmp -s out/small-before out/small-after; then
      fail nospace "the store on the tmpfs changed"
    elif [ -s out/small-staging ]; then
      fail nospace "staging is not empty"
    else
      ok "nospace"
    fi
  fi
else
  SMALL_MODE=hook
  echo "(no tmpfs can be mounted here: store_set_reserve through 'badpacks --install-reserve')"
  NOW_BEFORE= NOW_AFTER=
  "$BP" --install-reserve 1152921504606846976 packs/nospace.kpack store keys >out/stdout 2>out/stderr
  RC=$?
  if [ "$RC" -ne 1 ]; then
    fail nospace "install exit status $RC, wanted 1"
  elif check_msg nospace "$(expected nospace@hook)" && after nospace; then
    ok "nospace"
  fi
fi
run nospace "$KP" verify packs/nospace.kpack --trusted keys
if [ "$RC" -eq 0 ]; then ok "nospace (verify)"; else fail "nospace (verify)" "verify exit status $RC, wanted 0"; fi

echo "# free-space case: $SMALL_MODE"
e2e_done
