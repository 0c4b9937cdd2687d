#!/bin/bash
# A font a pack carries fills what the kiosk's fonts lack: a page with
# chess symbols (which no shipped font has) passes --strict and lint when
# the pack has a font for them in fonts/, and fails both without it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
font=/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf
[ -f "$font" ] || fail "$font is missing (Debian package fonts-noto-core)"
src="$T/src"
mkdir -p "$src/pages" "$src/fonts"
printf '{"id":"chess","version":1,"title":"Chess","created":"2026-11-01T00:00:00Z","languages":["en"],"pages":["p"]}\n' > "$src/pack.json"
printf -- '---\nduration: 12\n---\n# Chess club\n\nThe king \xe2\x99\x94 and the queen \xe2\x99\x95 meet on Fridays.\n' > "$src/pages/p.en.md"

"$KIOSK" --headless --size 800x480 --pages 1 --strict --quiet --pack-dir "$src" > /dev/null 2> "$T/err" &&
  { echo "FAIL: --strict passed without a font for the chess symbols"; exit 1; }
grep -q "not covered by any font" "$T/err" || { echo "FAIL: no missing-character report"; cat "$T/err"; exit 1; }
"$KP" lint "$src" > "$T/lint1" && { echo "FAIL: lint passed without the font"; exit 1; }
echo "ok: without the font, --strict and lint report the chess symbols"

cp "$font" "$src/fonts/"
"$KIOSK" --headless --size 800x480 --pages 1 --strict --quiet --pack-dir "$src" > /dev/null 2> "$T/err" ||
  { echo "FAIL: --strict failed with the pack's font"; cat "$T/err"; exit 1; }
"$KP" lint "$src" > "$T/lint2" || { echo "FAIL: lint failed with the pack's font"; cat "$T/lint2"; exit 1; }
echo "ok: pack fonts"
