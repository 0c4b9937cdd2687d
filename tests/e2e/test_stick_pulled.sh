#!/bin/bash
# A stick pulled out in the middle of an install. The stick is a real FAT
# filesystem (mkfs.vfat) mounted through FUSE (fusefat), because the
# kernels here have no vfat driver; killing fusefat while the kiosk reads
# makes every read fail, as a pulled stick does. The kiosk must say
# "Stick removed too early — nothing was changed; insert it again", the
# store must hold exactly what it held before, and no staging may remain.
# Where fusefat or mkfs.vfat are missing (Debian packages fusefat,
# dosfstools) the test says so and, in CI, fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
fpid=""
E2E_CLEANUP='[ -n "$fpid" ] && kill -9 $fpid; umount -l "$T/roots/stick" 2> /dev/null || fusermount -u -z "$T/roots/stick" 2> /dev/null'
if ! fat_tools; then [ -n "${CI:-}" ] && exit 1; exit 0; fi

# A pack big enough (60 MB, uncompressed) that the install is still reading
# when the stick goes.
newkey key
pack_src src big 1 --title Big
mkdir -p src/media
head -c $((60 * 1024 * 1024)) /dev/urandom > src/media/big.bin
"$KP" build src --key key.key --out . --compress none 2> /dev/null > /dev/null
pack_make key.key . small small 1 --title Small
"$KP" install small-1.kpack --store store --trusted key.pub > /dev/null
# (time-floor moves when the kiosk starts: it records the clock; that is
# not the install)
snapshot store ./lock ./time-floor > before.txt

# The FAT stick, filled while mounted elsewhere.
fat_image stick.img 100 big-1.kpack
mkdir -p roots/stick

printf '[site]\nid = post-9\nlanguages = en\n[paths]\nusb_roots = %s\nlog_dir = %s\n' "$T/roots" "$T" > "$T/k.conf"
kiosk_start "$T/out.txt" --config "$T/k.conf" --headless --size 800x480 --store "$T/store" \
  --trusted "$T/key.pub" --speed 0.05 || true
# Insert: mount read-only through fusefat, in the foreground (-f), so that
# the process started here is the one serving the stick.
fusefat -f -o ro "$T/stick.img" "$T/roots/stick" > /dev/null 2>&1 &
fpid=$!
# Pull it out as soon as the install has started reading.
wait_line 8 "screen says: USB stick: found 1 pack" "$T/out.txt" || true
sleep 0.1
kill -9 $fpid 2> /dev/null || fail "fusefat ended by itself"
wait $fpid 2> /dev/null || true
fpid=""
wait_line 20 "insert it again\|screen says: Installed" "$T/out.txt" || true
kiosk_stop || true
grep "screen says" "$T/out.txt" || true
if grep -q "screen says: Installed" "$T/out.txt"; then
  echo "note: the install finished before the stick was pulled; this run proves nothing"
  [ -n "${CI:-}" ] && exit 1
  exit 0
fi
grep -q "screen says: Stick removed too early — nothing was changed; insert it again" "$T/out.txt" ||
  { echo "FAIL: the screen did not say the stick was removed too early"; cat "$T/out.txt"; exit 1; }
snapshot store ./lock ./time-floor > after.txt
diff before.txt after.txt > /dev/null || { echo "FAIL: the store changed"; diff before.txt after.txt | head; exit 1; }
echo "ok: stick pulled (fusefat killed mid-install); store unchanged"
