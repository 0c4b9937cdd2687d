#!/bin/bash
# A field technician's visit, end to end, with the running kiosk: a stick
# appears, the kiosk installs what is on it, writes its logs to the stick
# and says so. Each case checks what the screen said (the kiosk logs every
# card as "screen says: ..."), what the store holds (kiosk-pack status
# --json) and what was written to the stick (only kiosk-logs/<site>/).
#
# Sticks are real tmpfs mounts in a private mount namespace when this runs
# as root with unshare (read-only and full sticks need that); otherwise
# folders under --usb-root stand in, and the test says which ran.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
# The kiosk of a visit runs in a shell of its own (in a mount namespace
# with real sticks): it leaves its process id in kiosk.pid while it runs.
E2E_CLEANUP='for f in "$T"/*/kiosk.pid; do [ -s "$f" ] && kill "$(cat "$f")"; done'
export -f kiosk_start kiosk_stop wait_for wait_line stick_insert
export KIOSK

newkey key
for v in 1 2; do pack_make key.key packs src/news-$v news $v; done
for i in $(seq -w 1 20); do pack_make key.key packs src/many-$i many-$i 1; done

mode=folder
if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null && unshare -m true 2> /dev/null; then
  mode=tmpfs
fi
echo "sticks: $mode"

# Runs one visit. $1 name, $2 a function that fills the stick folder given
# as its argument, $3 mount options ("" for rw; "ro" or "size=NNk").
visit() {
  local name="$1" fill="$2" opts="${3:-}"
  local d="$T/$name"
  mkdir -p "$d/roots" "$d/logs" "$d/staging"
  # Real mounts are noticed through the mount table (usb_roots); folder
  # stand-ins through --usb-root.
  local roots_opt="--usb-root $d/roots"
  printf '[site]\nid = post-7\nlanguages = en\n[paths]\nlog_dir = %s\n' "$d/logs" > "$d/k.conf"
  if [ $mode = tmpfs ]; then
    roots_opt=""
    printf 'usb_roots = %s\n' "$d/roots" >> "$d/k.conf"
  fi
  "$fill" "$d/staging"
  (cd "$d/staging" && find . | sort > "$d/before.txt")
  local script="
    set -e
    if [ $mode = tmpfs ]; then
      mount --make-rprivate / 2>/dev/null || true
      mkdir -p '$d/mnt'
    fi
    KPID=''
    kiosk_start '$d/out.txt' --config '$d/k.conf' --headless --size 800x480 --store '$d/store' \
      --trusted '$T/key.pub' $roots_opt --speed 0.05 || true
    echo \$KPID > '$d/kiosk.pid'
    if [ $mode = tmpfs ]; then
      # Filled outside the watched root, then moved in whole: one mount event.
      mkdir -p '$d/new' '$d/roots/stick'
      mount -t tmpfs -o size=64m tmpfs '$d/new'
      cp -a '$d/staging/.' '$d/new/'
      if [ -n '$opts' ]; then mount -o remount,$opts '$d/new'; fi
      mount --move '$d/new' '$d/roots/stick'
    else
      stick_insert '$d/staging' '$d/roots'
    fi
    wait_line 20 'remove the stick' '$d/out.txt' || true
    kiosk_stop || true
    rm '$d/kiosk.pid'
    (cd '$d/roots/stick' && find . | sort) > '$d/after.txt'
    cp -a '$d/roots/stick/.' '$d/stick-copy/' 2>/dev/null || true
  "
  mkdir -p "$d/stick-copy"
  if [ $mode = tmpfs ]; then unshare -m bash -c "$script"; else bash -c "$script"; fi
  grep -q 'remove the stick' "$d/out.txt" || { echo "FAIL: $name: the kiosk never said the stick can be removed"; cat "$d/out.txt"; exit 1; }
}

current() { pack_current "$T/$1/store" "$2"; }
only_logs_added() { # the stick gained kiosk-logs/post-7/{playlog.csv,status.txt,kiosk.log} and nothing else
  local d="$T/$1"
  diff <(grep -v '^./kiosk-logs' "$d/after.txt") "$d/before.txt" > /dev/null || { echo "FAIL: $1: the stick changed outside kiosk-logs"; diff "$d/before.txt" "$d/after.txt"; exit 1; }
  for f in playlog.csv status.txt kiosk.log; do
    grep -qx "./kiosk-logs/post-7/$f" "$d/after.txt" || { echo "FAIL: $1: no kiosk-logs/post-7/$f on the stick"; exit 1; }
  done
  grep -q "post-7" "$d/stick-copy/kiosk-logs/post-7/status.txt" || { echo "FAIL: $1: status.txt does not name the site"; exit 1; }
  grep -q "USB stick" "$d/stick-copy/kiosk-logs/post-7/kiosk.log" || { echo "FAIL: $1: kiosk.log on the stick lacks the visit"; exit 1; }
  head -1 "$d/stick-copy/kiosk-logs/post-7/playlog.csv" | grep -q "^time,pack_id,version,page,lang,seconds_shown" || { echo "FAIL: $1: playlog.csv has no header"; exit 1; }
}

one_pack() { mkdir -p "$1/kiosk"; cp "$T/packs/news-2.kpack" "$1/kiosk/"; echo "notes" > "$1/readme.txt"; }
visit one one_pack
said "$T/one/out.txt" "USB stick: found 1 pack" one
said "$T/one/out.txt" "Installed Test news, version 2" one
said "$T/one/out.txt" "Logs copied to the stick. You can remove the stick" one
[ "$(current one news)" = 2 ] || { echo "FAIL: one: news is not at version 2"; exit 1; }
only_logs_added one
echo "ok: a stick with one pack"

twenty() { cp "$T"/packs/many-*.kpack "$1/"; cp "$T/packs/news-1.kpack" "$T/packs/news-2.kpack" "$1/"; }
visit twenty twenty
said "$T/twenty/out.txt" "USB stick: found 21 packs" twenty
said "$T/twenty/out.txt" "news-1.kpack: an older copy — skipped" twenty
n=$(grep -c "screen says: Installed Test" "$T/twenty/out.txt")
[ "$n" = 21 ] || { echo "FAIL: twenty: $n packs installed, expected 21"; exit 1; }
[ "$(current twenty many-20)" = 1 ] && [ "$(current twenty news)" = 2 ] || { echo "FAIL: twenty: store"; exit 1; }
only_logs_added twenty
echo "ok: a stick with 22 packs (20 ids, one older copy)"

junk() { echo x > "$1/photo.jpg"; mkdir -p "$1/kiosk"; echo y > "$1/kiosk/notes.txt"; echo z > "$1/fake.kpack.txt"; }
visit junk junk
said "$T/junk/out.txt" "USB stick: no kiosk packs on it" junk
said "$T/junk/out.txt" "Logs copied to the stick" junk
only_logs_added junk
echo "ok: a stick with only other files"

older() { cp "$T/packs/news-1.kpack" "$1/"; }
mkdir -p "$T/older"
"$KP" install "$T/packs/news-2.kpack" --store "$T/older/store" --trusted "$T/key.pub" > /dev/null
visit older older
said "$T/older/out.txt" "Test news: older than the installed version — nothing changed" older
[ "$(current older news)" = 2 ] || { echo "FAIL: older: the store changed"; exit 1; }
echo "ok: a stick with an older pack"

if [ $mode = tmpfs ]; then
  visit readonly one_pack ro
  said "$T/readonly/out.txt" "Installed Test news, version 2" readonly
  said "$T/readonly/out.txt" "The stick is read-only — logs were not copied. You can remove the stick" readonly
  [ ! -e "$T/readonly/stick-copy/kiosk-logs" ] || { echo "FAIL: readonly: logs appeared"; exit 1; }
  echo "ok: a read-only stick (tmpfs mounted ro)"

  full() { one_pack "$1"; head -c $((62 * 4096)) /dev/zero > "$1/filler.bin"; }  # 62 of 64 pages
  visit full full "size=256k"
  said "$T/full/out.txt" "Installed Test news, version 2" full
  said "$T/full/out.txt" "The stick is full — logs were not copied" full
  grep -v '^./kiosk-logs' "$T/full/after.txt" | diff - "$T/full/before.txt" > /dev/null || { echo "FAIL: full: the stick changed"; exit 1; }
  echo "ok: a full stick (tmpfs of 256 KiB)"
else
  echo "note: read-only and full sticks need root and unshare: not run here"
fi
echo "ok: field visit"
