#!/bin/bash
# Fail closed: when the kiosk cannot build the set of keys that checks its
# installed packs, it shows none of them (not even one it checked before),
# but the built-in page with the configured hotlines and a note for staff
# saying what is wrong and what to bring. Three ways to get there, with the
# running kiosk and its screenshots:
#   1. a damaged keyring state (store/keyring/state.json): call support;
#   2. an empty trusted-keys folder: support copies the root key;
#   3. a root-signed keyring that left no signing key: bring a stick with a
#      newer keyring update — and a stick with one brings the packs back.
# Usage: test_fail_closed.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
check="$B/tests/shotcheck"

mkdir -p roots stick shots
trusted_root
newkey signing next
pack_make signing.key . news news 1 --title News
signing_keyring signing.pub
"$KP" install news-1.kpack --store store --trusted trusted > /dev/null
printf '[site]\nid = p\ncountry = KZ\n[paths]\nusb_roots =\nlog_dir = %s\n[hotlines]\nKZ = 11616 | phone\n' "$T" > k.conf

# Runs the kiosk for one page; $1 names the case.
once() {
  "$KIOSK" --config k.conf --headless --size 1280x720 --store "$2" --trusted "$3" \
    --screenshots "shots/$1" --pages 1 --speed 1000 > "$1.txt" 2>&1 || true
  ls "shots/$1" > "$1.list"
}

# note_says CASE ADVICE CAUSE NOT: the note for staff gives ADVICE, then
# the cause, but not NOT, the cause's own advice (it would say the same
# again).
note_says() {
  local note
  note=$(sed -n 's/.*note for staff on the built-in page: //p' "$1.txt")
  [ -n "$note" ] || fail "$1: no note for staff"
  case "$note" in
    *"$2"*"(Cause: $3"*) ;;
    *) fail "$1: the note does not give the advice and the cause: $note" ;;
  esac
  grep -q "$4" "$1.txt" || fail "$1: the log lost the cause's advice"
  case "$note" in *"$4"*) fail "$1: the note repeats the cause's own advice: $note" ;; esac
}

once ok store trusted
grep -q "page-001-p.en.png" ok.list || fail "the good store did not show its pack: $(cat ok.list)"

# 1. A damaged keyring state.
cp -a store damaged
sed -i 's/"version"/"versi#n"/' damaged/keyring/state.json
once damaged damaged trusted
grep -q "page-001-builtin" damaged.list || fail "damaged state: the built-in page was not shown: $(cat damaged.list)"
grep -q "installed packs cannot be checked, so none is shown" damaged.txt || fail "damaged state: not logged"
grep -q "0 pages in the rotation" damaged.txt || fail "damaged state: a pack is in the rotation"
note_says damaged "Call support to repair the kiosk; a stick cannot fix this." "damaged/keyring/state.json is damaged" \
  "ask support to repair the kiosk"
"$check" shots/damaged/page-001-builtin.none.png 1280 720 > /dev/null

# 2. An empty trusted-keys folder.
mkdir nokeys
cp -a store nokeys-store
once nokeys nokeys-store nokeys
grep -q "page-001-builtin" nokeys.list || fail "empty folder: the built-in page was not shown"
grep -q "0 pages in the rotation" nokeys.txt || fail "empty folder: a pack is in the rotation"
note_says nokeys "Call support to copy the content team's root key (.pub) into the trusted-keys folder." "trusted-keys folder" \
  "copy the content team's .pub file into it"
"$check" shots/nokeys/page-001-builtin.none.png 1280 720 > /dev/null

# 3. No signing key left; then a stick brings one.
"$KP" keyring build --version 2 --revoke "$(keyid signing.pub)" --key root.key --out keyring-2.kkeys > /dev/null
"$KP" keyring install keyring-2.kkeys --store store --trusted trusted > /dev/null
once nosigning store trusted
grep -q "page-001-builtin" nosigning.list || fail "no signing key: the built-in page was not shown"
grep -q "no signing key is left" nosigning.txt || fail "no signing key: not logged"
note_says nosigning "Bring a USB stick with the newest keyring update (.kkeys)" "no signing key is left" \
  "bring a keyring update from the content team"
"$check" shots/nosigning/page-001-builtin.none.png 1280 720 > /dev/null

pack_src news news 2 --title News
"$KP" build news --key next.key --out stick > /dev/null
"$KP" keyring build --version 3 --add next.pub --key root.key --out stick/keyring-3.kkeys > /dev/null
kiosk_start visit.txt --config k.conf --headless --size 1280x720 --store store --trusted trusted \
  --usb-root "$T/roots" --speed 20 || fail "visit: the kiosk did not start"
grep -q "0 pages in the rotation" visit.txt || fail "visit: the kiosk did not start closed"
stick_insert stick roots
wait_for 30 rotation_after visit.txt "remove the stick" || true
kiosk_stop || true
grep -q "screen says: Signing keys updated (keyring version 3)" visit.txt || fail "visit: the keyring was not installed: $(grep 'screen says' visit.txt)"
grep -q "screen says: Installed News, version 2" visit.txt || fail "visit: the pack was not installed: $(grep 'screen says' visit.txt)"
tail -n 20 visit.txt | grep -q "1 page in the rotation" || fail "visit: the pack is not shown afterwards: $(tail -n 20 visit.txt)"
echo "ok: fail closed (damaged state, no keys, no signing key) and recovery by a stick"
