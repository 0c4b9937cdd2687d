#!/bin/bash
# Injected input in a real X window (Xvfb + xdotool): a tap in the middle
# opens the language chooser, a tap on "English" shows the next page in
# English, the right third moves forward and the left third back, and L
# then a digit picks a language from the keyboard. Each page the kiosk
# shows is saved (--screenshots), so the test reads what was on screen.
set -euo pipefail
build="$1"
src="$2"
kiosk="$build/kiosk/app/kiosk"
pack="$src/content-packs/bulletin-2020-07"
work="$(mktemp -d)"
xpid=""
kpid=""
trap '[ -n "$kpid" ] && kill $kpid 2>/dev/null; [ -n "$xpid" ] && kill $xpid 2>/dev/null; rm -rf "$work"' EXIT
for tool in Xvfb xdotool; do
  command -v $tool > /dev/null || { echo "$tool is not installed (Debian packages xvfb, xdotool)"; [ -n "${CI:-}" ] && exit 1; exit 0; }
done
disp=":$((500 + RANDOM % 200))"
Xvfb "$disp" -screen 0 1280x720x24 -nolisten tcp > /dev/null 2>&1 &
xpid=$!
for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X${disp#:}" ] && break; sleep 0.05; done
export DISPLAY="$disp" SDL_VIDEODRIVER=x11

printf '[display]\ntransition = none\nidle_return = 600\n' > "$work/k.conf"
"$kiosk" --config "$work/k.conf" --window 1280x720 --quiet --screenshots "$work/shots" \
  --ready-file "$work/ready" --pack-dir "$pack" 2> "$work/err" &
kpid=$!
for _ in $(seq 1 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
[ -s "$work/ready" ] || { echo "FAIL: no first page"; cat "$work/err"; exit 1; }
wid=$(xdotool search --sync --name "Information kiosk" | sed -n 1p)
# The pointer enters the window first, so its first click is not taken as
# the one that gives the window focus.
xdotool mousemove --window "$wid" 640 600

# Waits until the kiosk has saved n pages; prints the last one's name.
wait_pages() {
  for _ in $(seq 1 200); do
    [ "$(ls "$work/shots" | wc -l)" -ge "$1" ] && { ls "$work/shots" | sort | tail -1; return 0; }
    sleep 0.05
  done
  echo "FAIL: the kiosk did not show page $1"; cat "$work/err"; exit 1
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
kill -TERM $kpid
wait $kpid || { echo "FAIL: exit status $? after SIGTERM"; exit 1; }
kpid=""
echo "ok: input"
