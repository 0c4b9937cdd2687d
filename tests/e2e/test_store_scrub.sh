#!/bin/bash
# The background check finds damage done while the kiosk runs. Versions 1
# and 2 of a pack are installed; the kiosk starts showing version 2 and
# reads the store back every 500 ms (--store-check-ms). A byte of a page of
# version 2 is then changed in place (same size, as SD-card rot would): the
# check must find it, log it, fall back to version 1 (written to the state
# file, so it lasts) and the rotation must go on with version 1's pages —
# no restart, no black screen.
set -euo pipefail
build="$1"
kiosk="$build/kiosk/app/kiosk"
pack="$build/tools/kiosk-pack"
work="$(mktemp -d)"
kpid=""
trap '[ -n "$kpid" ] && kill "$kpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; [ -f "$work/kiosk.log" ] && tail -20 "$work/kiosk.log"; exit 1; }
# wait_for PATTERN FILE: until FILE has a line with PATTERN (at most 60 s).
wait_for() {
  for _ in $(seq 1 600); do
    grep -q -- "$1" "$2" 2>/dev/null && return 0
    kill -0 "$kpid" 2>/dev/null || fail "the kiosk stopped"
    sleep 0.1
  done
  fail "no '$1' in $2 within 60 s"
}

"$pack" keygen "$work/key" --unencrypted > /dev/null
for v in 1 2; do
  mkdir -p "$work/src$v/pages"
  printf '{"id": "news", "version": %d, "title": "News", "created": "2020-07-1%dT00:00:00Z", "languages": ["en"], "pages": ["a", "b"]}\n' \
    "$v" "$v" > "$work/src$v/pack.json"
  printf '# News, version %d\n\nThe first page.\n' "$v" > "$work/src$v/pages/a.en.md"
  printf '# More news, version %d\n\nThe second page.\n' "$v" > "$work/src$v/pages/b.en.md"
  "$pack" build "$work/src$v" --key "$work/key.key" --out "$work/news-$v.kpack" > /dev/null
  "$pack" install "$work/news-$v.kpack" --store "$work/store" --trusted "$work/key.pub" > /dev/null
done

printf '[paths]\nusb_roots =\nlog_dir = %s/log\n' "$work" > "$work/k.conf"
"$kiosk" --config "$work/k.conf" --headless --size 800x480 --store "$work/store" \
  --trusted "$work/key.pub" --speed 20 --store-check-ms 500 --ready-file "$work/ready" \
  --log "$work/kiosk.log" > /dev/null 2>&1 &
kpid=$!
wait_for "store check: news version 2 is sound" "$work/kiosk.log"
wait_for ",news,2,a,en," "$work/log/playlog.csv"
echo "ok: version 2 is shown and read back in the background"

printf 'X' | dd of="$work/store/packs/news/2/pages/b.en.md" bs=1 seek=3 conv=notrunc status=none
wait_for "showing the previous version 1 instead of version 2" "$work/kiosk.log"
grep -q 'news version 2 is damaged: .*pages/b.en.md" does not match its manifest' "$work/kiosk.log" \
  || fail "the log does not name the damaged file"
echo "ok: the damaged file was found and named"
[ "$(sed -n 's/^current //p' "$work/store/state/news.state")" = 1 ] || fail "the state does not name version 1"
[ "$(sed -n 's/^previous //p' "$work/store/state/news.state")" = 0 ] || fail "version 2 is still kept"
# The rotation goes on with version 1, without a restart.
wait_for ",news,1,a,en," "$work/log/playlog.csv"
wait_for ",news,1,b,en," "$work/log/playlog.csv"
kill -0 "$kpid" || fail "the kiosk stopped"
kill -TERM "$kpid"
wait "$kpid" || fail "the kiosk did not stop cleanly"
kpid=""
echo "ok: the kiosk fell back to version 1 and kept showing pages"
