#!/bin/bash
# The background check finds damage done while the kiosk runs. Versions 1
# and 2 of a pack are installed; the kiosk starts showing version 2 and
# reads the store back every 500 ms (--store-check-ms). A byte of a page of
# version 2 is then changed in place (same size, as SD-card rot would): the
# check must find it, log it, fall back to version 1 (written to the state
# file, so it lasts) and the rotation must go on with version 1's pages —
# no restart, no black screen.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
E2E_LOG=kiosk.log
# waits PATTERN FILE: until FILE has a line with PATTERN (at most 60 s).
waits() { wait_line 60 "$1" "$2" || fail "no '$1' in $2 within 60 s (or the kiosk stopped)"; }

newkey key
for v in 1 2; do
  pack_make key.key "news-$v.kpack" "src$v" news "$v" --title News --created "2020-07-1${v}T00:00:00Z" --pages "a b"
  "$KP" install "news-$v.kpack" --store store --trusted key.pub > /dev/null
done

printf '[paths]\nusb_roots =\nlog_dir = %s/log\n' "$T" > k.conf
kiosk_start kiosk.out --config k.conf --headless --size 800x480 --store store \
  --trusted key.pub --speed 20 --store-check-ms 500 --log kiosk.log || fail "the kiosk did not start"
waits "store check: news version 2 is sound" kiosk.log
waits ",news,2,a,en," log/playlog.csv
echo "ok: version 2 is shown and read back in the background"

printf 'X' | dd of=store/packs/news/2/pages/b.en.md bs=1 seek=3 conv=notrunc status=none
waits "showing the previous version 1 instead of version 2" kiosk.log
grep -q 'news version 2 is damaged: .*pages/b.en.md" does not match its manifest' kiosk.log \
  || fail "the log does not name the damaged file"
echo "ok: the damaged file was found and named"
[ "$(sed -n 's/^current //p' store/state/news.state)" = 1 ] || fail "the state does not name version 1"
[ "$(sed -n 's/^previous //p' store/state/news.state)" = 0 ] || fail "version 2 is still kept"
# The rotation goes on with version 1, without a restart.
waits ",news,1,a,en," log/playlog.csv
waits ",news,1,b,en," log/playlog.csv
kill -0 "$KPID" || fail "the kiosk stopped"
kiosk_stop || fail "the kiosk did not stop cleanly"
echo "ok: the kiosk fell back to version 1 and kept showing pages"
