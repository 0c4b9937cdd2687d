#!/bin/bash
# Packs delivered by other means (a sync tool, a copy over ssh) into the
# inbox folder are installed by the running kiosk like those on a stick,
# and the rotation then shows them.
set -euo pipefail
build="$1"
kiosk="$build/kiosk/app/kiosk"
pack="$build/tools/kiosk-pack"
work="$(mktemp -d)"
kpid=""
trap '[ -n "$kpid" ] && kill $kpid 2>/dev/null; rm -rf "$work"' EXIT
"$pack" keygen "$work/key" --unencrypted > /dev/null
mk() { # id -> builds id-1.kpack
  mkdir -p "$work/$1/pages"
  printf '{"id":"%s","version":1,"title":"Pack %s","created":"2026-11-01T00:00:00Z","languages":["en"],"pages":["p"]}\n' "$1" "$1" > "$work/$1/pack.json"
  printf '# Pack %s\n\nText.\n' "$1" > "$work/$1/pages/p.en.md"
  "$pack" build "$work/$1" --key "$work/key.key" --out "$work" > /dev/null
}
mk first
mk second
"$pack" install "$work/first-1.kpack" --store "$work/store" --trusted "$work/key.pub" > /dev/null
mkdir -p "$work/inbox"
printf '[site]\nid = p\n[paths]\nusb_roots =\nlog_dir = %s\n' "$work" > "$work/k.conf"
"$kiosk" --config "$work/k.conf" --headless --size 800x480 --store "$work/store" \
  --trusted "$work/key.pub" --inbox "$work/inbox" --speed 20 --ready-file "$work/ready" > "$work/out" 2>&1 &
kpid=$!
for _ in $(seq 1 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
cp "$work/second-1.kpack" "$work/inbox/.second.part"
mv "$work/inbox/.second.part" "$work/inbox/second-1.kpack"
for _ in $(seq 1 200); do grep -q "screen says: Installed Pack second, version 1" "$work/out" && break; sleep 0.05; done
grep -q "screen says: Inbox: found 1 pack" "$work/out" || { echo "FAIL: the inbox was not noticed"; cat "$work/out"; exit 1; }
grep -q "screen says: Installed Pack second, version 1" "$work/out" || { echo "FAIL: not installed"; cat "$work/out"; exit 1; }
# The rotation is rebuilt with the new pack once the card has gone.
for _ in $(seq 1 600); do grep -q "2 pages in the rotation" "$work/out" && break; sleep 0.05; done
kill $kpid; wait $kpid || true
kpid=""
grep -q "2 pages in the rotation" "$work/out" || { echo "FAIL: the rotation was not rebuilt"; cat "$work/out"; exit 1; }
"$pack" status --store "$work/store" --json | tr -d ' \t\n' | grep -q '"id":"second","current":1' || { echo "FAIL: store"; exit 1; }
echo "ok: inbox"
