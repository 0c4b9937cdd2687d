#!/bin/bash
# The rotation over a pack whose pages have schedules, run headless with an
# accelerated clock (--speed) and a fixed start time (--time): which pages
# appear, in which order and language, for the site's country.
#   - an alert page comes first;
#   - a page whose "until" has passed, and one for another country, never
#     appear;
#   - one-language: every page in English, then every page in Russian;
#   - each-language: each page in English then Russian.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
src="$T/src"
mkdir -p "$src/pages"
printf '{"id":"rot","version":1,"title":"Rotation","created":"2026-11-01T00:00:00Z","languages":["en","ru"],"pages":["a","b","alert","old","tj"]}\n' > "$src/pack.json"
for l in en ru; do
  printf '# Page A\n\nText.\n' > "$src/pages/a.$l.md"
  printf '# Page B\n\nText.\n' > "$src/pages/b.$l.md"
  printf -- '---\nalert: true\n---\n# Alert\n\nText.\n' > "$src/pages/alert.$l.md"
  printf -- '---\nuntil: 2020-01-01T00:00:00Z\n---\n# Old\n\nText.\n' > "$src/pages/old.$l.md"
  printf -- '---\ncountries: TJ\n---\n# For Tajikistan\n\nText.\n' > "$src/pages/tj.$l.md"
done

run() { # mode [size] -> prints "page.lang" in order shown
  printf '[site]\ncountry = KZ\nlanguages = en,ru\n[display]\nrotation = %s\n[paths]\nusb_roots =\n' "$1" > "$T/$1.conf"
  "$KIOSK" --config "$T/$1.conf" --headless --size "${2:-800x480}" --screenshots "$T/$1-${2:-800x480}" --once \
    --speed 1000 --time 2026-11-28T09:00:00Z --quiet --pack-dir "$src" > /dev/null
  ls "$T/$1-${2:-800x480}" | sed -E 's/^page-[0-9]+-//; s/\.png$//'
}

one=$(run one-language | tr '\n' ' ')
echo "one-language:  $one"
each=$(run each-language | tr '\n' ' ')
echo "each-language: $each"
for seq in "$one" "$each"; do
  case "$seq" in alert.*) ;; *) echo "FAIL: the alert page is not first"; exit 1 ;; esac
  case "$seq" in *old.*|*tj.*) echo "FAIL: an expired or other-country page was shown"; exit 1 ;; esac
done
ordinary_one=$(echo "$one" | tr ' ' '\n' | grep -v "^alert" | grep . | tr "\n" " ")
[ "$ordinary_one" = "a.en b.en a.ru b.ru " ] || { echo "FAIL: one-language order is '$ordinary_one'"; exit 1; }
ordinary_each=$(echo "$each" | tr ' ' '\n' | grep -v "^alert" | grep . | tr "\n" " ")
[ "$ordinary_each" = "a.en a.ru b.en b.ru " ] || { echo "FAIL: each-language order is '$ordinary_each'"; exit 1; }
# Side by side on a wide screen: one slide per page, both languages on it.
pair=$(run side-by-side 1920x1080 | tr '\n' ' ')
echo "side-by-side:  $pair"
[ "$pair" = "alert.en a.en b.en " ] || { echo "FAIL: side-by-side order is '$pair'"; exit 1; }
# ... and one language at a time where the screen is too narrow for two.
narrow=$(run side-by-side 800x480 | grep -v '^alert' | tr '\n' ' ')
[ "$narrow" = "a.en a.ru b.en b.ru " ] || { echo "FAIL: side-by-side on a small screen is '$narrow'"; exit 1; }
echo "ok: rotation"
