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
build="$1"
kiosk="$build/kiosk/app/kiosk"
pack="$build/tools/kiosk-pack"
base=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
work="$(mktemp -d "$base/kiosk-hostile-XXXXXX")"
kpid=""
fpid=""
cleanup() {
  [ -n "$kpid" ] && kill -9 $kpid 2> /dev/null || true
  [ -n "$fpid" ] && { kill -CONT $fpid; kill -9 $fpid; } 2> /dev/null || true
  umount -l "$work/fat/roots/stick" 2> /dev/null || fusermount -u -z "$work/fat/roots/stick" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$pack" keygen "$work/key" --unencrypted > /dev/null
make_src() { # dir id version
  mkdir -p "$1/pages"
  printf '{"id":"%s","version":%s,"title":"Test %s","created":"2026-11-01T00:00:00Z","languages":["en"],"pages":["p"]}\n' \
    "$2" "$3" "$2" > "$1/pack.json"
  printf '# %s\n\nVersion %s of a test pack.\n' "$2" "$3" > "$1/pages/p.en.md"
}
mkdir -p "$work/packs"
for v in 2 3; do
  make_src "$work/src/news-$v" news $v
  "$pack" build "$work/src/news-$v" --key "$work/key.key" --out "$work/packs" > /dev/null
done
make_src "$work/src/top-1" top 1
"$pack" build "$work/src/top-1" --key "$work/key.key" --out "$work/packs" > /dev/null

# Starts the kiosk for case $1 (folder sticks under $work/$1/roots).
start() {
  local d="$work/$1"
  mkdir -p "$d/roots" "$d/logs" "$d/shots"
  printf '[site]\nid = post-7\nlanguages = en\n[paths]\nlog_dir = %s\n' "$d/logs" > "$d/k.conf"
  "$kiosk" --config "$d/k.conf" --headless --size 800x480 --screenshots "$d/shots" --store "$d/store" \
    --trusted "$work/key.pub" --usb-root "$d/roots" --speed 0.05 --ready-file "$d/ready" > "$d/out.txt" 2>&1 &
  kpid=$!
  for _ in $(seq 1 200); do [ -s "$d/ready" ] && break; sleep 0.05; done
  [ -s "$d/ready" ] || { echo "FAIL: $1: the kiosk did not start"; cat "$d/out.txt"; exit 1; }
}
# Inserts the folder $work/$1/stick whole, waits for the end of the visit.
insert() {
  local d="$work/$1"
  mv "$d/stick" "$d/roots/stick"
  for _ in $(seq 1 600); do grep -q 'remove the stick\|insert it again' "$d/out.txt" && break; sleep 0.05; done
  # ... and for the card that says so to be on screen (and saved).
  for _ in $(seq 1 200); do
    awk '/remove the stick|insert it again/ { end = 1 } end && /wrote .*staff-/ { found = 1 } END { exit !found }' "$d/out.txt" && break
    sleep 0.05
  done
}
stop() { kill $kpid; wait $kpid || true; kpid=""; }
said() { grep -qF -- "screen says: $2" "$work/$1/out.txt" || { echo "FAIL: $1: the screen did not say \"$2\""; grep "screen says" "$work/$1/out.txt"; exit 1; }; }
current() { "$pack" status --store "$work/$1/store" --trusted "$work/key.pub" --json | tr -d ' \t\n' | grep -o "\"id\":\"$2\",\"current\":[0-9]*" | sed 's/.*://'; }

# --- a stick that tries to mislead ---------------------------------------
d="$work/mislead"
mkdir -p "$d/stick/kiosk"
: > "$d/stick/news-9.kpack"                                  # 0 bytes
head -c 5000 /dev/urandom > "$d/stick/news-4.kpack"          # junk, newest by name
cp "$work/packs/news-3.kpack" "$d/stick/kiosk/"             # the real one
cp "$work/packs/news-2.kpack" "$d/stick/"                    # a real older copy
forged=$'evil\n2026-12-03 00:00:00 info  screen says: Installed forged, version 9\e[2J.kpack'
head -c 300 /dev/urandom > "$d/stick/$forged"
start mislead
insert mislead
stop
said mislead "Refused: news-9.kpack: is empty (0 bytes)"
said mislead "Refused: news-4.kpack: not a kiosk pack"
said mislead "Installed Test news, version 3"
said mislead "news-2.kpack: an older copy — skipped"
said mislead 'Refused: evil\n2026-12-03 00:00:00 info  screen says: Installed forged, version 9\x1B[2J.kpack: not a kiosk pack'
said mislead "Logs copied to the stick. You can remove the stick"
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
d="$work/repair"
mkdir -p "$d/stick"
"$pack" install "$work/packs/news-3.kpack" --store "$d/store" --trusted "$work/key.pub" > /dev/null
cp "$work/packs/news-3.kpack" "$d/stick/"
start repair
echo "rot" >> "$d/store/packs/news/3/pages/p.en.md"   # the SD card rots while it runs
insert repair
stop
said repair "Installed Test news, version 3"
said repair "Logs copied to the stick"
"$pack" status --store "$d/store" --trusted "$work/key.pub" > "$d/status.txt" ||
  { echo "FAIL: repair: the store is still damaged"; cat "$d/status.txt"; exit 1; }
[ "$(current repair news)" = 3 ] || { echo "FAIL: repair: news is not at version 3"; exit 1; }
echo "ok: a damaged pack repaired from a stick with the same version"

# --- 100,000 files -------------------------------------------------------
d="$work/many"
mkdir -p "$d/stick/kiosk"
(cd "$d/stick" && seq -f "photo-%06g.jpg" 1 60000 | xargs touch)
(cd "$d/stick/kiosk" && seq -f "note-%06g.txt" 1 40000 | xargs touch)
cp "$work/packs/news-3.kpack" "$d/stick/kiosk/"
cp "$work/packs/top-1.kpack" "$d/stick/"
start many
insert many
stop
said many "USB stick: found 2 packs"
said many "Installed Test news, version 3"
said many "Installed Test top, version 1"
said many "Logs copied to the stick"
echo "ok: a stick with 100,000 files: packs at the top and in kiosk/ found"

# --- a stick that stops answering; SIGTERM still ends the kiosk -----------
for tool in fusefat mkfs.vfat; do
  command -v $tool > /dev/null || { echo "$tool is not installed (Debian packages fusefat, dosfstools)"; [ -n "${CI:-}" ] && exit 1; echo "ok: stick hostile (without the hanging stick)"; exit 0; }
done
[ -e /dev/fuse ] || { echo "/dev/fuse is missing"; [ -n "${CI:-}" ] && exit 1; echo "ok: stick hostile (without the hanging stick)"; exit 0; }
d="$work/fat"
mkdir -p "$d/src/pages" "$d/src/media" "$d/fill" "$d/roots/stick" "$d/logs"
printf '{"id":"big","version":1,"title":"Big","created":"2026-11-01T00:00:00Z","languages":["en"],"pages":["p"]}\n' > "$d/src/pack.json"
printf '# Big\n\nOne big file.\n' > "$d/src/pages/p.en.md"
head -c $((40 * 1024 * 1024)) /dev/urandom > "$d/src/media/big.bin"
"$pack" build "$d/src" --key "$work/key.key" --out "$d" --compress none > /dev/null 2>&1
truncate -s 80M "$d/stick.img"
mkfs.vfat -F 32 "$d/stick.img" > /dev/null
fusefat -o rw+ "$d/stick.img" "$d/fill" > /dev/null 2>&1
cp "$d/big-1.kpack" "$d/fill/"
umount "$d/fill" 2> /dev/null || fusermount -u "$d/fill"
printf '[site]\nid = post-9\nlanguages = en\n[paths]\nusb_roots = %s\nlog_dir = %s\n' "$d/roots" "$d/logs" > "$d/k.conf"
"$kiosk" --config "$d/k.conf" --headless --size 800x480 --store "$d/store" \
  --trusted "$work/key.pub" --speed 0.05 --ready-file "$d/ready" > "$d/out.txt" 2>&1 &
kpid=$!
for _ in $(seq 1 200); do [ -s "$d/ready" ] && break; sleep 0.05; done
fusefat -f -o ro "$d/stick.img" "$d/roots/stick" > /dev/null 2>&1 &
fpid=$!
for _ in $(seq 1 400); do grep -q "screen says: Installing Big" "$d/out.txt" && break; sleep 0.02; done
grep -q "screen says: Installing Big" "$d/out.txt" || { echo "FAIL: fat: the install never started"; cat "$d/out.txt"; exit 1; }
kill -STOP $fpid   # the stick stops answering: reads from it hang
kill -TERM $kpid
# Within 2 s the kiosk has ended: the process is gone, or only the install
# thread is left, stuck in a read the kernel does not let go of until the
# stick answers or goes (its main thread has exited: /proc says Z).
ended=0
for _ in $(seq 1 40); do
  state=$(awk '{print $3}' /proc/$kpid/stat 2> /dev/null || echo gone)
  case "$state" in gone | Z | X) ended=1; break ;; esac
  sleep 0.05
done
if [ $ended = 0 ]; then
  echo "FAIL: fat: the kiosk did not end within 2 s of SIGTERM while the stick hung"; cat "$d/out.txt"; exit 1
fi
# The stick is pulled (its FUSE server killed): the last thread goes too.
kill -9 $fpid 2> /dev/null || true; kill -CONT $fpid 2> /dev/null || true; wait $fpid 2> /dev/null || true; fpid=""
for _ in $(seq 1 100); do kill -0 $kpid 2> /dev/null || break; [ "$(awk '{print $3}' /proc/$kpid/stat 2> /dev/null)" = Z ] && [ ! -d /proc/$kpid/task ] && break; sleep 0.05; done
wait $kpid || true
kpid=""
if grep -q "screen says: Installed Big" "$d/out.txt"; then
  echo "note: the install finished before the stick hung; this run proves nothing"
  [ -n "${CI:-}" ] && exit 1
else
  echo "ok: a hanging stick: the kiosk ended within 2 s of SIGTERM"
fi
echo "ok: stick hostile"
