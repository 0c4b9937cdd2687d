#!/bin/bash
# Golden images: the page corpus in tests/corpus (every block type, every
# language the kiosk serves) is rendered at the five screen sizes with
# --strict and compared with tests/golden/<size>/ by imgdiff (a small
# tolerance for anti-aliasing). To accept a deliberate change of the look:
#   KIOSK_UPDATE_GOLDEN=1 ctest -R golden     (then look at the new PNGs)
set -euo pipefail
build="$1"
src="$2"
kiosk="$build/kiosk/app/kiosk"
diff="$build/tests/imgdiff"
corpus="$src/tests/corpus"
golden="$src/tests/golden"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
for size in 1920x1080 1080x1920 1280x720 1024x600 800x480; do
  out="$work/$size"
  "$kiosk" --headless --size "$size" --screenshots "$out" --once --strict --speed 1000 --time 2020-07-10T09:30:00Z --quiet \
    --pack-dir "$corpus/text" --pack-dir "$corpus/image" > /dev/null 2> "$work/err" || { echo "FAIL: kiosk at $size:"; cat "$work/err"; exit 1; }
  [ -s "$work/err" ] && { echo "FAIL: problems at $size:"; cat "$work/err"; exit 1; }
  for f in "$out"/*.png; do
    name=$(basename "$f")
    g="$golden/$size/$name"
    if [ "${KIOSK_UPDATE_GOLDEN:-0}" = 1 ]; then
      mkdir -p "$golden/$size"
      cp "$f" "$g"
      echo "updated $g"
      continue
    fi
    [ -f "$g" ] || { echo "FAIL: no golden image $g (run with KIOSK_UPDATE_GOLDEN=1 and review it)"; fail=1; continue; }
    "$diff" "$f" "$g" "$work/diff-$size-$name" || { fail=1; cp "$work/diff-$size-$name" "/tmp/kiosk-golden-diff-$size-$name" 2>/dev/null || true; }
  done
  # Every golden image must still be produced.
  if [ "${KIOSK_UPDATE_GOLDEN:-0}" != 1 ]; then
    for g in "$golden/$size"/*.png; do
      [ -f "$out/$(basename "$g")" ] || { echo "FAIL: $g was not produced"; fail=1; }
    done
  fi
done
[ "$fail" = 0 ] || { echo "FAIL: golden images differ (diff pictures in /tmp/kiosk-golden-diff-*)"; exit 1; }
echo "ok: golden images"
