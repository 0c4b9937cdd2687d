#!/bin/bash
# End to end through the signed path: the three sample packs are built and
# signed with a fresh key, installed into a store, and the kiosk shows them
# from the store (--strict, every page once, at 1920x1080). Then: a store
# whose pack is signed by a key the kiosk does not trust shows nothing but
# the built-in page with the configured hotlines; an empty store shows the
# built-in page too — never a black screen.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
check="$B/tests/shotcheck"

newkey key other
mkdir -p "$T/packs"
for s in "$S"/content-packs/*/; do
  [ -f "$s/pack.json" ] || continue
  "$KP" build "${s%/}" --key "$T/key.key" --out "$T/packs" > /dev/null
done
n_packs=$(ls "$T"/packs/*.kpack | wc -l)
[ "$n_packs" -ge 3 ] || { echo "FAIL: built $n_packs packs"; exit 1; }
for p in "$T"/packs/*.kpack; do
  "$KP" install "$p" --store "$T/store" --trusted "$T/key.pub" > /dev/null
done

# All pages from the store, strict. (No USB roots: this test is not about
# sticks, and the machine's own mounts under /mnt must not count as one.)
printf '[paths]\nusb_roots =\n' > "$T/nousb.conf"
"$KIOSK" --config "$T/nousb.conf" --headless --size 1920x1080 --store "$T/store" --trusted "$T/key.pub" \
  --screenshots "$T/shots" --once --strict --speed 1000 --time 2026-11-28T09:00:00Z \
  > "$T/out.txt" 2> "$T/err" || { echo "FAIL: kiosk on the store"; cat "$T/err"; exit 1; }
grep -E " (warn|error) " "$T/err" && { echo "FAIL: problems (above)"; exit 1; }
n=$(ls "$T/shots" | wc -l)
# (grep reads a file, not a pipe: with pipefail an early match would
# count as ls failing on SIGPIPE)
ls "$T/shots" > "$T/shown.txt"
for name in 01-returning-home 01-hotlines 01-before-you-leave; do
  grep -q -- "-$name\." "$T/shown.txt" || { echo "FAIL: no page $name shown from the store"; exit 1; }
done
for f in "$T"/shots/*.png; do "$check" "$f" 1920 1080 > /dev/null || { echo "FAIL: $f"; exit 1; }; done
echo "ok: $n pages shown from the store"

# A store signed by a key the kiosk does not trust: nothing from it is shown.
printf '[site]\ncountry = KZ\n[paths]\nusb_roots =\n[hotlines]\nKZ = 11616 | phone\n' > "$T/k.conf"
"$KIOSK" --config "$T/k.conf" --headless --size 1280x720 --store "$T/store" \
  --trusted "$T/other.pub" --screenshots "$T/untrusted" --pages 2 --speed 1000 --quiet \
  > /dev/null 2>&1 || true
ls "$T/untrusted" > "$T/untrusted.txt"
grep -q builtin "$T/untrusted.txt" || { echo "FAIL: untrusted store did not fall back to the built-in page"; cat "$T/untrusted.txt"; exit 1; }
grep -qv builtin "$T/untrusted.txt" && { echo "FAIL: a page from an untrusted pack was shown"; exit 1; }
"$check" "$T"/untrusted/page-001-builtin.none.png 1280 720 > /dev/null
echo "ok: untrusted packs are not shown; built-in page instead"

# Nothing installed: the built-in page.
"$KIOSK" --config "$T/k.conf" --headless --size 800x480 --store "$T/empty" \
  --trusted "$T/key.pub" --screenshots "$T/empty-shots" --pages 1 --quiet > /dev/null
"$check" "$T"/empty-shots/page-001-builtin.none.png 800 480
echo "ok: store kiosk"
