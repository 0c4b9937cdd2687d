#!/bin/bash
# Injected input in a real X window (Xvfb + xdotool): a tap in the middle
# opens the language chooser, a tap on "English" shows the next page in
# English, the right third moves forward and the left third back, and L
# then a digit picks a language from the keyboard. Each page the kiosk
# shows is saved (--screenshots), so the test reads what was on screen.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
pack="$S/content-packs/bulletin-2020-07"
for tool in Xvfb xdotool; do
  command -v $tool > /dev/null || { echo "$tool is not installed (Debian packages xvfb, xdotool)"; [ -n "${CI:-}" ] && exit 1; exit 0; }
done
xvfb_start || true

printf '[display]\ntransition = none\nidle_return = 600\n' > k.conf
kiosk_start err --config k.conf --window 1280x720 --quiet --screenshots "$T/shots" \
  --pack-dir "$pack" || fail "no first page: $(cat err)"
wid=$(xdotool search --sync --name "Information kiosk" | sed -n 1p)
# The pointer enters the window first, so its first click is not taken as
# the one that gives the window focus.
xdotool mousemove --window "$wid" 640 600

# Waits until the kiosk has saved n pages; prints the last one's name.
shown() { [ "$(ls "$T/shots" | wc -l)" -ge "$1" ]; }
wait_pages() {
  wait_for 10 shown "$1" || fail "the kiosk did not show page $1: $(cat err)"
  ls "$T/shots" | sort | tail -1
}
first=$(wait_pages 1)
sleep 0.5 # let the window settle (focus, first expose) before the first click
echo "first page: $first"
case "$first" in *.ru.png) ;; *) echo "FAIL: first page is not Russian"; exit 1 ;; esac

# Right third: next page (the same page in the next language, Kazakh, as
# languages rotate ru, kk, ky, tg, uz, tk, en).
xdotool mousemove --window "$wid" 1200 360 click 1
p2=$(wait_pages 2)
echo "after a tap on the right: $p2"
case "$p2" in *01-returning-home.kk*) ;; *) echo "FAIL: expected the Kazakh page"; exit 1 ;; esac

# Left third: back to the Russian one.
xdotool mousemove --window "$wid" 80 360 click 1
p3=$(wait_pages 3)
echo "after a tap on the left: $p3"
case "$p3" in *01-returning-home.ru*) ;; *) echo "FAIL: expected the Russian page again"; exit 1 ;; esac

# Middle: the chooser; its buttons run across the top, English is the
# seventh of the seven languages of this pack.
xdotool mousemove --window "$wid" 640 360 click 1
sleep 0.3
xdotool mousemove --window "$wid" $((1280 - 32 - 80)) 70 click 1
p4=$(wait_pages 4)
echo "after choosing English: $p4"
case "$p4" in *.en.png|*.en-part*) ;; *) echo "FAIL: chose English, got $p4"; exit 1 ;; esac
# With English chosen, forward stays in English.
xdotool mousemove --window "$wid" 1200 360 click 1
p5=$(wait_pages 5)
case "$p5" in *.en.png|*.en-part*) ;; *) echo "FAIL: English rotation left English: $p5"; exit 1 ;; esac
echo "forward in English: $p5"

# Keyboard: L, then 2 picks the second language (Kazakh).
xdotool key --window "$wid" l
sleep 0.3
xdotool key --window "$wid" 2
p6=$(wait_pages 6)
case "$p6" in *.kk.png|*.kk-part*) ;; *) echo "FAIL: L 2 should show Kazakh, got $p6"; exit 1 ;; esac
echo "after L 2: $p6"
kiosk_stop || fail "exit status $? after SIGTERM"
echo "ok: input"
