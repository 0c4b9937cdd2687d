#!/bin/bash
# Time that heals, with the running kiosk (--time sets its clock):
#   - kiosk-pack lint and build refuse a pack whose "created" is in the future;
#   - the clock at 2099, 1970, 2000, a right one, 2099 again: the pack that
#     expires in mid-2027 is shown every time, and the floor never leaves
#     the present;
#   - a signed pack dated 2062 (made by hand: the tools refuse to) installs,
#     but neither it nor a rebuild of the floor from the installed packs
#     (time-floor deleted) takes the floor there; a floor of 2060 left by
#     older software is not believed either;
#   - a floor that went too far on believable evidence (a clock at
#     2027-08 expired the pack) is reset by a root-signed keyring update
#     on a stick, and the pack comes back.
# Usage: test_time_heals.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
y2030=1893456000

mkdir -p roots stick
trusted_root
newkey signing
signing_keyring signing.pub

src() { pack_src "$1" "$1" 1 --title "$1" --created "$2" ${3:+--expires "$3"}; }

# The tools refuse a future "created".
src typo 2062-01-01T00:00:00Z
set +e
"$KP" lint typo > lint.out 2>&1; rc=$?
set -e
[ $rc = 1 ] || fail "lint of a future created: exit $rc"
grep -q 'pack.json:.*error: "created" is .*2062.*, in the future' lint.out || fail "lint message: $(cat lint.out)"
set +e
"$KP" build typo --key signing.key --out . > build.out 2>&1; rc=$?
set -e
[ $rc = 1 ] || fail "build of a future created: exit $rc"
[ ! -e typo-1.kpack ] || fail "build wrote a pack dated in the future"
echo "ok: lint and build refuse a created in the future"

src news 2026-11-01T00:00:00Z 2027-06-01T00:00:00Z
"$KP" build news --key signing.key --out . > /dev/null
"$KP" install news-1.kpack --store store --trusted trusted > /dev/null
printf '[site]\nid = p\n[paths]\nusb_roots =\nlog_dir = %s\n' "$T" > k.conf

floor() { head -n 1 store/time-floor; }
want="1 page"
shows() { # clock: the kiosk at that clock must show every installed pack
  "$KIOSK" --config k.conf --headless --size 800x480 --store store --trusted trusted \
    --time "$1" --pages 1 --speed 1000 > "run-$1.txt" 2>&1 || true
  grep -q "$want in the rotation" "run-$1.txt" || fail "clock $1: the pack is not shown: $(cat "run-$1.txt")"
  [ "$(floor)" -lt $y2030 ] || fail "clock $1: the floor went to $(floor)"
}
shows 2099-01-01T00:00:00Z
grep -q "far ahead of the newest signed time" run-2099-01-01T00:00:00Z.txt || fail "2099 not called implausible"
shows 1970-01-02T00:00:00Z
grep -q "the clock is behind the last known time" run-1970-01-02T00:00:00Z.txt || fail "1970 not called behind"
shows 2000-01-01T00:00:00Z
shows 2026-12-10T09:00:00Z
[ "$(floor)" -ge 1796860800 ] || fail "a right clock did not raise the floor ($(floor))"
shows 2099-06-01T00:00:00Z
shows 1970-01-02T00:00:00Z
echo "ok: clock at 2099, 1970, 2000, right, 2099, 1970 — the pack stays, the floor stays in the present"

# A signed pack dated 2062, made by hand.
src future 2026-11-01T00:00:00Z
"$KP" build future --key signing.key --out . > /dev/null
mkdir x && (cd x && tar -xzf ../future-1.kpack)
sed -i 's/"2026-11-01T00:00:00Z"/"2062-01-01T00:00:00Z"/' x/pack.json
grep -q 2062 x/pack.json || fail "could not date the pack"
rm x/pack.json.minisig
"$KP" sign-file x/pack.json --key signing.key --comment "kpack id=future version=1" > /dev/null
(cd x && tar --format=ustar -cf ../future-2062.kpack pack.json pack.json.minisig pages)
"$KP" install future-2062.kpack --store store --trusted trusted > install.out 2>&1 || fail "the 2062 pack: $(cat install.out)"
[ "$(floor)" -lt $y2030 ] || fail "a pack dated 2062 took the floor to $(floor)"
want="2 pages"
rm store/time-floor
shows 2026-12-11T09:00:00Z
grep -q "says it was made far in the future" run-2026-12-11T09:00:00Z.txt || fail "the rebuilt floor did not say why it left out the 2062 pack"
printf '2840140800\n' > store/time-floor
shows 2026-12-12T09:00:00Z
echo "ok: a signed pack dated 2062, a rebuilt floor and a floor of 2060 from older software do not expire anything"

# Believable but wrong: a clock at 2027-08 takes the floor past the news
# pack's expiry; a root-signed reset on a stick brings it back.
"$KIOSK" --config k.conf --headless --size 800x480 --store store --trusted trusted \
  --time 2027-08-01T00:00:00Z --pages 1 --speed 1000 > run-late.txt 2>&1 || true
grep -q "1 page in the rotation" run-late.txt || fail "2027-08: the expired pack is still shown"
"$KP" keyring build --version 2 --time-floor 2026-12-01T00:00:00Z --key root.key --out stick/keyring-2.kkeys > /dev/null
kiosk_start visit.txt --config k.conf --headless --size 800x480 --store store --trusted trusted \
  --time 2026-12-13T09:00:00Z --usb-root "$T/roots" --speed 20 || fail "visit: the kiosk did not start"
grep -q "1 page in the rotation" visit.txt || fail "visit: the pack was shown before the reset"
stick_insert stick roots
wait_for 30 rotation_after visit.txt "remove the stick" || true
kiosk_stop || true
grep -q "time floor reset to" visit.txt || fail "visit: the floor was not reset: $(grep 'screen says' visit.txt)"
tail -n 20 visit.txt | grep -q "2 pages in the rotation" || fail "visit: the pack did not come back: $(tail -n 20 visit.txt)"
echo "ok: a root-signed reset on a stick brings the expired-by-mistake pack back"
