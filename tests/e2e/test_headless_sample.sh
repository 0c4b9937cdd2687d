#!/bin/bash
# End to end: the kiosk, headless, shows every page of the sample bulletin
# at 1920x1080 and 1080x1920 with --strict (no missing glyph, no text below
# the readable minimum, no box off the page, no missing image); every
# screenshot is checked by shotcheck (size, margins clean, footer band,
# heading present, not blank), and the expected number of pages appears in
# the expected order.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
check="$B/tests/shotcheck"
pack="${KIOSK_TEST_PACK:-$S/content-packs/bulletin-2020-07}"

# Pages x languages in the pack: every one must appear, in order.
list_len() { # key: number of strings in the JSON array "key" of pack.json
  tr -d '\n' < "$pack/pack.json" | sed -n "s/.*\"$1\"[^[]*\[\([^]]*\)\].*/\1/p" |
    tr -d ' "' | tr ',' '\n' | grep -c .
}
pages=$(list_len pages)
langs=$(list_len languages)
[ "$pages" -ge 1 ] && [ "$langs" -ge 2 ] || { echo "FAIL: could not read pages/languages of $pack/pack.json"; exit 1; }
expected=$((pages * langs))

for size in 1920x1080 1080x1920; do
  w=${size%x*}
  h=${size#*x}
  out="$T/$size"
  "$KIOSK" --headless --size "$size" --screenshots "$out" --once --strict --speed 1000 --time 2020-07-10T09:30:00Z \
    --quiet --pack-dir "$pack" > "$T/stdout" 2> "$T/stderr" || {
    echo "FAIL: kiosk exited $? at $size"; cat "$T/stderr"; exit 1; }
  if [ -s "$T/stderr" ]; then
    echo "FAIL: kiosk reported problems at $size:"; cat "$T/stderr"; exit 1
  fi
  n=$(ls "$out"/page-*.png | wc -l)
  # Continuation parts add slides; every page in every language shows at least once.
  if [ "$n" -lt "$expected" ]; then
    echo "FAIL: $n screenshots at $size, expected at least $expected"; exit 1
  fi
  first=$(ls "$out"/page-*.png | sed -n 1p)
  case "$first" in
    *page-001-*) ;;
    *) echo "FAIL: first screenshot is $first"; exit 1 ;;
  esac
  for f in "$out"/page-*.png; do
    "$check" "$f" "$w" "$h" || { echo "FAIL: $f"; exit 1; }
  done
  echo "ok: $n pages at $size"
done

echo "ok: headless sample"
