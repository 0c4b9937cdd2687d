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
build="$1"
kiosk="$build/kiosk/app/kiosk"
pack="$build/tools/kiosk-pack"
work="$(mktemp -d)"
fpid=""
kpid=""
cleanup() {
  [ -n "$kpid" ] && kill $kpid 2> /dev/null || true
  [ -n "$fpid" ] && kill -9 $fpid 2> /dev/null || true
  umount -l "$work/roots/stick" 2> /dev/null || fusermount -u -z "$work/roots/stick" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for tool in fusefat mkfs.vfat; do
  command -v $tool > /dev/null || { echo "$tool is not installed (Debian packages fusefat, dosfstools)"; [ -n "${CI:-}" ] && exit 1; exit 0; }
done
[ -e /dev/fuse ] || { echo "/dev/fuse is missing: FUSE cannot run here"; [ -n "${CI:-}" ] && exit 1; exit 0; }

# A pack big enough (60 MB, uncompressed) that the install is still reading
# when the stick goes.
"$pack" keygen "$work/key" --unencrypted > /dev/null
mkdir -p "$work/src/pages" "$work/src/media" "$work/small/pages"
printf '{"id":"big","version":1,"title":"Big","created":"2026-11-01T00:00:00Z","languages":["en"],"pages":["p"]}\n' > "$work/src/pack.json"
printf '# Big\n\nOne big file.\n' > "$work/src/pages/p.en.md"
head -c $((60 * 1024 * 1024)) /dev/urandom > "$work/src/media/big.bin"
"$pack" build "$work/src" --key "$work/key.key" --out "$work" --compress none 2> /dev/null > /dev/null
printf '{"id":"small","version":1,"title":"Small","created":"2026-11-01T00:00:00Z","languages":["en"],"pages":["p"]}\n' > "$work/small/pack.json"
printf '# Small\n\nText.\n' > "$work/small/pages/p.en.md"
"$pack" build "$work/small" --key "$work/key.key" --out "$work" > /dev/null
"$pack" install "$work/small-1.kpack" --store "$work/store" --trusted "$work/key.pub" > /dev/null
# (time-floor moves when the kiosk starts: it records the clock; that is
# not the install)
snapshot() { (cd "$work/store" && find . \( -path ./lock -o -path ./time-floor \) -prune -o -type f -print0 | sort -z | xargs -0 sha256sum; find . | sort); }
snapshot > "$work/before.txt"

# The FAT stick, filled while mounted elsewhere.
truncate -s 100M "$work/stick.img"
mkfs.vfat -F 32 "$work/stick.img" > /dev/null
mkdir -p "$work/fill" "$work/roots/stick"
fusefat -o rw+ "$work/stick.img" "$work/fill" > /dev/null 2>&1
cp "$work/big-1.kpack" "$work/fill/"
umount "$work/fill" 2> /dev/null || fusermount -u "$work/fill"

printf '[site]\nid = post-9\nlanguages = en\n[paths]\nusb_roots = %s\nlog_dir = %s\n' "$work/roots" "$work" > "$work/k.conf"
"$kiosk" --config "$work/k.conf" --headless --size 800x480 --store "$work/store" \
  --trusted "$work/key.pub" --speed 0.05 --ready-file "$work/ready" > "$work/out.txt" 2>&1 &
kpid=$!
for _ in $(seq 1 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
# Insert: mount read-only through fusefat, in the foreground (-f), so that
# the process started here is the one serving the stick.
fusefat -f -o ro "$work/stick.img" "$work/roots/stick" > /dev/null 2>&1 &
fpid=$!
# Pull it out as soon as the install has started reading.
for _ in $(seq 1 400); do grep -q "screen says: USB stick: found 1 pack" "$work/out.txt" && break; sleep 0.02; done
sleep 0.1
kill -9 $fpid 2> /dev/null || { echo "FAIL: fusefat ended by itself"; exit 1; }
wait $fpid 2> /dev/null || true
fpid=""
for _ in $(seq 1 400); do grep -q "insert it again\|screen says: Installed" "$work/out.txt" && break; sleep 0.05; done
kill $kpid; wait $kpid || true
kpid=""
grep "screen says" "$work/out.txt" || true
if grep -q "screen says: Installed" "$work/out.txt"; then
  echo "note: the install finished before the stick was pulled; this run proves nothing"
  [ -n "${CI:-}" ] && exit 1
  exit 0
fi
grep -q "screen says: Stick removed too early — nothing was changed; insert it again" "$work/out.txt" ||
  { echo "FAIL: the screen did not say the stick was removed too early"; cat "$work/out.txt"; exit 1; }
snapshot > "$work/after.txt"
diff "$work/before.txt" "$work/after.txt" > /dev/null || { echo "FAIL: the store changed"; diff "$work/before.txt" "$work/after.txt" | head; exit 1; }
echo "ok: stick pulled (fusefat killed mid-install); store unchanged"
