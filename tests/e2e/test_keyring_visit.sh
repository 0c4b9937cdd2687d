#!/bin/bash
# Keys rotated from the field, with the running kiosk: a stick carries two
# keyring updates (v1, signed by the old key, adds a new key; v2, signed by
# the new key, revokes the old one) and a pack signed by the new key. After
# the visit the kiosk says the keys were updated, installs the new pack,
# and stops showing the pack signed by the now revoked key.
set -euo pipefail
build="$(cd "$1" && pwd)"
kiosk="$build/kiosk/app/kiosk"
pack="$build/tools/kiosk-pack"
work="$(mktemp -d)"
kpid=""
trap '[ -n "$kpid" ] && kill $kpid 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
mkdir -p trusted roots stage
"$pack" keygen trusted/old --unencrypted > /dev/null && mv trusted/old.key .
"$pack" keygen new --unencrypted > /dev/null
keyid() { printf '%16s' "$(sed -n '1s/^untrusted comment: minisign public key //p' "$1")" | tr ' ' 0; }
mk() { # id key
  mkdir -p "$1/pages"
  printf '{"id":"%s","version":1,"title":"Pack %s","created":"2026-11-01T00:00:00Z","languages":["en"],"pages":["p"]}\n' "$1" "$1" > "$1/pack.json"
  printf '# Pack %s\n\nText.\n' "$1" > "$1/pages/p.en.md"
  "$pack" build "$1" --key "$2" --out . > /dev/null
}
mk byold old.key
mk bynew new.key
"$pack" install byold-1.kpack --store store --trusted trusted > /dev/null
"$pack" keyring build --version 1 --add new.pub --key old.key --out stage/keyring-1.kkeys > /dev/null
"$pack" keyring build --version 2 --revoke "$(keyid trusted/old.pub)" --key new.key --out stage/keyring-2.kkeys > /dev/null
cp bynew-1.kpack stage/

printf '[site]\nid = p\n[paths]\nusb_roots =\nlog_dir = %s\n' "$work" > k.conf
"$kiosk" --config k.conf --headless --size 800x480 --store store --trusted trusted \
  --usb-root "$work/roots" --speed 20 --ready-file ready > out.txt 2>&1 &
kpid=$!
for _ in $(seq 1 200); do [ -s ready ] && break; sleep 0.05; done
grep -q "1 page in the rotation" out.txt || { echo "FAIL: start"; cat out.txt; exit 1; }
cp -a stage roots/.stick && mv roots/.stick roots/stick
# The card stays 15 s, then the rotation is rebuilt.
for _ in $(seq 1 600); do grep -q "not from a trusted key\|pages* in the rotation" <(sed -n '/remove the stick/,$p' out.txt) && break; sleep 0.05; done
kill $kpid; wait $kpid || true
kpid=""
grep "screen says" out.txt
grep -q "screen says: Signing keys updated (keyring version 1)" out.txt || { echo "FAIL: update 1 not reported"; exit 1; }
grep -q "screen says: Signing keys updated (keyring version 2)" out.txt || { echo "FAIL: update 2 not reported"; exit 1; }
grep -q "screen says: Installed Pack bynew, version 1" out.txt || { echo "FAIL: the new key's pack was not installed"; exit 1; }
# After the visit the rotation holds the new pack only: the old key's pack
# fails its signature check against the keys now trusted.
tail -n 20 out.txt | grep -q "1 page in the rotation" || { echo "FAIL: the rotation still shows the revoked key's pack"; tail -n 20 out.txt; exit 1; }
echo "ok: keyring visit"
