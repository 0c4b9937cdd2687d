#!/bin/bash
# End to end through the signed path: the three sample packs are built and
# signed with a fresh key, installed into a store, and the kiosk shows them
# from the store (--strict, every page once, at 1920x1080). Then: a store
# whose pack is signed by a key the kiosk does not trust shows nothing but
# the built-in page with the configured hotlines; an empty store shows the
# built-in page too — never a black screen.
set -euo pipefail
build="$1"
src="$2"
kiosk="$build/kiosk/app/kiosk"
pack="$build/tools/kiosk-pack"
check="$build/tests/shotcheck"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$pack" keygen "$work/key" --unencrypted > /dev/null
"$pack" keygen "$work/other" --unencrypted > /dev/null
mkdir -p "$work/packs"
for s in "$src"/content-packs/*/; do
  [ -f "$s/pack.json" ] || continue
  "$pack" build "${s%/}" --key "$work/key.key" --out "$work/packs" > /dev/null
done
n_packs=$(ls "$work"/packs/*.kpack | wc -l)
[ "$n_packs" -ge 3 ] || { echo "FAIL: built $n_packs packs"; exit 1; }
for p in "$work"/packs/*.kpack; do
  "$pack" install "$p" --store "$work/store" --trusted "$work/key.pub" > /dev/null
done

# All pages from the store, strict. (No USB roots: this test is not about
# sticks, and the machine's own mounts under /mnt must not count as one.)
printf '[paths]\nusb_roots =\n' > "$work/nousb.conf"
"$kiosk" --config "$work/nousb.conf" --headless --size 1920x1080 --store "$work/store" --trusted "$work/key.pub" \
  --screenshots "$work/shots" --once --strict --speed 1000 --time 2026-11-28T09:00:00Z \
  > "$work/out" 2> "$work/err" || { echo "FAIL: kiosk on the store"; cat "$work/err"; exit 1; }
grep -E " (warn|error) " "$work/err" && { echo "FAIL: problems (above)"; exit 1; }
n=$(ls "$work/shots" | wc -l)
# (grep reads a file, not a pipe: with pipefail an early match would
# count as ls failing on SIGPIPE)
ls "$work/shots" > "$work/shown.txt"
for name in 01-returning-home 01-hotlines 01-before-you-leave; do
  grep -q -- "-$name\." "$work/shown.txt" || { echo "FAIL: no page $name shown from the store"; exit 1; }
done
for f in "$work"/shots/*.png; do "$check" "$f" 1920 1080 > /dev/null || { echo "FAIL: $f"; exit 1; }; done
echo "ok: $n pages shown from the store"

# A store signed by a key the kiosk does not trust: nothing from it is shown.
printf '[site]\ncountry = KZ\n[paths]\nusb_roots =\n[hotlines]\nKZ = 11616 | phone\n' > "$work/k.conf"
"$kiosk" --config "$work/k.conf" --headless --size 1280x720 --store "$work/store" \
  --trusted "$work/other.pub" --screenshots "$work/untrusted" --pages 2 --speed 1000 --quiet \
  > /dev/null 2>&1 || true
ls "$work/untrusted" > "$work/untrusted.txt"
grep -q builtin "$work/untrusted.txt" || { echo "FAIL: untrusted store did not fall back to the built-in page"; cat "$work/untrusted.txt"; exit 1; }
grep -qv builtin "$work/untrusted.txt" && { echo "FAIL: a page from an untrusted pack was shown"; exit 1; }
"$check" "$work"/untrusted/page-001-builtin.none.png 1280 720 > /dev/null
echo "ok: untrusted packs are not shown; built-in page instead"

# Nothing installed: the built-in page.
"$kiosk" --config "$work/k.conf" --headless --size 800x480 --store "$work/empty" \
  --trusted "$work/key.pub" --screenshots "$work/empty-shots" --pages 1 --quiet > /dev/null
"$check" "$work"/empty-shots/page-001-builtin.none.png 800 480
echo "ok: store kiosk"
