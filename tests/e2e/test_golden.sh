#!/bin/bash
# Golden images: the page corpus in tests/corpus (every block type, every
# language the kiosk serves) is rendered at the five screen sizes with
# --strict and compared with tests/golden/<size>/ by imgdiff (a small
# tolerance for anti-aliasing). To accept a deliberate change of the look:
#   KIOSK_UPDATE_GOLDEN=1 ctest -R golden     (then look at the new PNGs)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
diff="$B/tests/imgdiff"
corpus="$S/tests/corpus"
golden="$S/tests/golden"
differ=0
# render NAME SIZE GOLDEN-DIR PACK-DIR...: renders the packs at SIZE and
# compares every page with GOLDEN-DIR (and the other way round).
render() {
  local name="$1" size="$2" gdir="$3"
  shift 3
  local out="$T/$name-$size" args=()
  for d in "$@"; do args+=(--pack-dir "$d"); done
  "$KIOSK" --headless --size "$size" --screenshots "$out" --once --strict --speed 1000 --time 2020-07-10T09:30:00Z --quiet \
    "${args[@]}" > /dev/null 2> "$T/err" || { echo "FAIL: kiosk at $size ($name):"; cat "$T/err"; exit 1; }
  [ -s "$T/err" ] && { echo "FAIL: problems at $size ($name):"; cat "$T/err"; exit 1; }
  for f in "$out"/*.png; do
    name=$(basename "$f")
    g="$gdir/$name"
    if [ "${KIOSK_UPDATE_GOLDEN:-0}" = 1 ]; then
      mkdir -p "$gdir"
      cp "$f" "$g"
      echo "updated $g"
      continue
    fi
    [ -f "$g" ] || { echo "FAIL: no golden image $g (run with KIOSK_UPDATE_GOLDEN=1 and review it)"; differ=1; continue; }
    "$diff" "$f" "$g" "$T/diff-$size-$name" || { differ=1; cp "$T/diff-$size-$name" "${TMPDIR:-/tmp}/kiosk-golden-diff-$size-$name" 2>/dev/null || true; }
  done
  # Every golden image must still be produced.
  if [ "${KIOSK_UPDATE_GOLDEN:-0}" != 1 ]; then
    for g in "$gdir"/*.png; do
      [ -f "$out/$(basename "$g")" ] || { echo "FAIL: $g was not produced"; differ=1; }
    done
  fi
}
for size in 1920x1080 1080x1920 1280x720 1024x600 800x480; do
  render corpus "$size" "$golden/$size" "$corpus/text" "$corpus/image"
done
# Where a page shows what it is written for: mixed directions (a Dari
# sentence on English and Kazakh pages, English on a Dari page) and a
# numbered list past 9, at the smallest and the largest landscape screen;
# the sample bulletin's campaigns page, whose parts must be balanced, at
# 800x480 (its pages copied from content-packs/ into a pack of its own).
for size in 1920x1080 800x480; do
  render mixed "$size" "$golden/mixed/$size" "$corpus/mixed"
done
campaigns="$T/campaigns"
mkdir -p "$campaigns/pages"
mkdir -p "$campaigns/media"
cp "$S/content-packs/bulletin-2020-07/media/campaigns.jpg" "$campaigns/media/"
cp "$S/content-packs/bulletin-2020-07/pages/"06-campaigns.*.md "$campaigns/pages/"
tr '\n' ' ' < "$S/content-packs/bulletin-2020-07/pack.json" |
  sed 's/"pages": *\[[^]]*\]/"pages": ["06-campaigns"]/' > "$campaigns/pack.json"
grep -q '"pages": \["06-campaigns"\]' "$campaigns/pack.json" || { echo "FAIL: could not make the campaigns pack"; exit 1; }
render campaigns 800x480 "$golden/campaigns/800x480" "$campaigns"
[ "$differ" = 0 ] || { echo "FAIL: golden images differ (diff pictures in ${TMPDIR:-/tmp}/kiosk-golden-diff-*)"; exit 1; }
echo "ok: golden images"
