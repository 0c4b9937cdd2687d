#!/bin/bash
# A stick cannot stall or mislead a visit, end to end with the running
# kiosk (headless; the cards the screen shows are saved as staff-NNN.png):
#   - a 0-byte pack, a junk "news-4.kpack" and a name with a newline and a
#     terminal escape are refused one by one, the good news-3.kpack in
#     kiosk/ is installed all the same (the verified manifest decides, not
#     the name), and the visit ends with the logs copied, not "stick
#     removed"; no name can forge a line in the log;
#   - a damaged installed pack is repaired by the same version from a stick;
#   - a stick with 100,000 files still yields the packs at the top and in
#     kiosk/;
#   - a stick that stops answering mid-install (its FUSE server stopped)
#     cannot keep the kiosk from ending within 2 s of SIGTERM.
# Sticks are folders under --usb-root (in memory where /dev/shm exists),
# and for the last case a FAT image served by fusefat.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# In memory where /dev/shm can be written: 100,000 files on disk take long.
[ -d /dev/shm ] && [ -w /dev/shm ] && E2E_TMP_BASE=/dev/shm
e2e_init "$@"
fpid=""
E2E_CLEANUP='[ -n "$KPID" ] && kill -9 $KPID; [ -n "$fpid" ] && { kill -CONT $fpid; kill -9 $fpid; }
  umount -l "$T/fat/roots/stick" 2> /dev/null || fusermount -u -z "$T/fat/roots/stick" 2> /dev/null'

newkey key
for v in 2 3; do pack_make key.key packs src/news-$v news $v; done
pack_make key.key packs src/top-1 top 1

# Starts the kiosk for case $1 (folder sticks under $T/$1/roots).
start() {
  local d="$T/$1"
  mkdir -p "$d/roots" "$d/logs" "$d/shots"
  printf '[site]\nid = post-7\nlanguages = en\n[paths]\nlog_dir = %s\n' "$d/logs" > "$d/k.conf"
  kiosk_start "$d/out.txt" --config "$d/k.conf" --headless --size 800x480 --screenshots "$d/shots" --store "$d/store" \
    --trusted "$T/key.pub" --usb-root "$d/roots" --speed 0.05 ||
    { echo "FAIL: $1: the kiosk did not start"; cat "$d/out.txt"; exit 1; }
}
# The card that ends the visit was saved.
card_saved() { awk '/remove the stick|insert it again/ { end = 1 } end && /wrote .*staff-/ { found = 1 } END { exit !found }' "$1"; }
# Inserts the folder $T/$1/stick whole, waits for the end of the visit.
insert() {
  local d="$T/$1"
  mv "$d/stick" "$d/roots/stick"
  wait_line 30 'remove the stick\|insert it again' "$d/out.txt" || true
  # ... and for the card that says so to be on screen (and saved).
  wait_for 10 card_saved "$d/out.txt" || true
}
stop() { kiosk_stop || true; }
current() { pack_current "$T/$1/store" "$2" --trusted "$T/key.pub"; }

# --- a stick that tries to mislead ---------------------------------------
d="$T/mislead"
mkdir -p "$d/stick/kiosk"
: > "$d/stick/news-9.kpack"                                  # 0 bytes
head -c 5000 /dev/urandom > "$d/stick/news-4.kpack"          # junk, newest by name
cp "$T/packs/news-3.kpack" "$d/stick/kiosk/"             # the real one
cp "$T/packs/news-2.kpack" "$d/stick/"                    # a real older copy
forged=$'evil\n2026-12-03 00:00:00 info  screen says: Installed forged, version 9\e[2J.kpack'
head -c 300 /dev/urandom > "$d/stick/$forged"
start mislead
insert mislead
stop
said "$d/out.txt" "Refused: news-9.kpack: is empty (0 bytes)" mislead
said "$d/out.txt" "Refused: news-4.kpack: not a kiosk pack" mislead
said "$d/out.txt" "Installed Test news, version 3" mislead
said "$d/out.txt" "news-2.kpack: an older copy — skipped" mislead
said "$d/out.txt" 'Refused: evil\n2026-12-03 00:00:00 info  screen says: Installed forged, version 9\x1B[2J.kpack: not a kiosk pack' mislead
said "$d/out.txt" "Logs copied to the stick. You can remove the stick" mislead
if grep -q "Stick removed too early" "$d/out.txt"; then echo "FAIL: mislead: a bad file ended the visit as a pulled stick"; exit 1; fi
if grep -q "^2026-12-03 00:00:00 info  screen says: Installed forged" "$d/out.txt" "$d/logs/kiosk.log" "$d/roots/stick/kiosk-logs/post-7/kiosk.log"; then
  echo "FAIL: mislead: a file name forged a log line"; exit 1
fi
if LC_ALL=C grep -q $'\e' "$d/logs/kiosk.log" "$d/roots/stick/kiosk-logs/post-7/"*; then
  echo "FAIL: mislead: an escape character reached the log or the stick"; exit 1
fi
[ "$(current mislead news)" = 3 ] || { echo "FAIL: mislead: news is not at version 3"; exit 1; }
ls "$d/shots"/staff-*.png > /dev/null || { echo "FAIL: mislead: no card was saved"; exit 1; }
echo "ok: 0-byte, junk and forged-name packs refused one by one; news-3 installed; logs copied"

# --- a damaged installed pack, repaired by the same version ---------------
d="$T/repair"
mkdir -p "$d/stick"
"$KP" install "$T/packs/news-3.kpack" --store "$d/store" --trusted "$T/key.pub" > /dev/null
cp "$T/packs/news-3.kpack" "$d/stick/"
start repair
echo "rot" >> "$d/store/packs/news/3/pages/p.en.md"   # the SD card rots while it runs
insert repair
stop
said "$d/out.txt" "Installed Test news, version 3" repair
said "$d/out.txt" "Logs copied to the stick" repair
"$KP" status --store "$d/store" --trusted "$T/key.pub" > "$d/status.txt" ||
  { echo "FAIL: repair: the store is still damaged"; cat "$d/status.txt"; exit 1; }
[ "$(current repair news)" = 3 ] || { echo "FAIL: repair: news is not at version 3"; exit 1; }
echo "ok: a damaged pack repaired from a stick with the same version"

# --- 100,000 files -------------------------------------------------------
d="$T/many"
mkdir -p "$d/stick/kiosk"
(cd "$d/stick" && seq -f "photo-%06g.jpg" 1 60000 | xargs touch)
(cd "$d/stick/kiosk" && seq -f "note-%06g.txt" 1 40000 | xargs touch)
cp "$T/packs/news-3.kpack" "$d/stick/kiosk/"
cp "$T/packs/top-1.kpack" "$d/stick/"
start many
insert many
stop
said "$d/out.txt" "USB stick: found 2 packs" many
said "$d/out.txt" "Installed Test news, version 3" many
said "$d/out.txt" "Installed Test top, version 1" many
said "$d/out.txt" "Logs copied to the stick" many
echo "ok: a stick with 100,000 files: packs at the top and in kiosk/ found"

# --- a stick that stops answering; SIGTERM still ends the kiosk -----------
if ! fat_tools; then [ -n "${CI:-}" ] && exit 1; echo "ok: stick hostile (without the hanging stick)"; exit 0; fi
d="$T/fat"
mkdir -p "$d/src/media" "$d/roots/stick" "$d/logs"
pack_src "$d/src" big 1 --title Big
head -c $((40 * 1024 * 1024)) /dev/urandom > "$d/src/media/big.bin"
"$KP" build "$d/src" --key "$T/key.key" --out "$d" --compress none > /dev/null 2>&1
fat_image "$d/stick.img" 80 "$d/big-1.kpack"
printf '[site]\nid = post-9\nlanguages = en\n[paths]\nusb_roots = %s\nlog_dir = %s\n' "$d/roots" "$d/logs" > "$d/k.conf"
kiosk_start "$d/out.txt" --config "$d/k.conf" --headless --size 800x480 --store "$d/store" \
  --trusted "$T/key.pub" --speed 0.05 || true
fusefat -f -o ro "$d/stick.img" "$d/roots/stick" > /dev/null 2>&1 &
fpid=$!
wait_line 8 "screen says: Installing Big" "$d/out.txt" || true
grep -q "screen says: Installing Big" "$d/out.txt" || { echo "FAIL: fat: the install never started"; cat "$d/out.txt"; exit 1; }
kill -STOP $fpid   # the stick stops answering: reads from it hang
kill -TERM $KPID
# Within 2 s the kiosk has ended: the process is gone, or only the install
# thread is left, stuck in a read the kernel does not let go of until the
# stick answers or goes (its main thread has exited: /proc says Z).
ended=0
for _ in $(seq 1 40); do
  state=$(awk '{print $3}' /proc/$KPID/stat 2> /dev/null || echo gone)
  case "$state" in gone | Z | X) ended=1; break ;; esac
  sleep 0.05
done
if [ $ended = 0 ]; then
  echo "FAIL: fat: the kiosk did not end within 2 s of SIGTERM while the stick hung"; cat "$d/out.txt"; exit 1
fi
# The stick is pulled (its FUSE server killed): the last thread goes too.
kill -9 $fpid 2> /dev/null || true; kill -CONT $fpid 2> /dev/null || true; wait $fpid 2> /dev/null || true; fpid=""
for _ in $(seq 1 100); do kill -0 $KPID 2> /dev/null || break; [ "$(awk '{print $3}' /proc/$KPID/stat 2> /dev/null)" = Z ] && [ ! -d /proc/$KPID/task ] && break; sleep 0.05; done
wait $KPID || true
KPID=""
if grep -q "screen says: Installed Big" "$d/out.txt"; then
  echo "note: the install finished before the stick hung; this run proves nothing"
  [ -n "${CI:-}" ] && exit 1
else
  echo "ok: a hanging stick: the kiosk ended within 2 s of SIGTERM"
fi
echo "ok: stick hostile"
