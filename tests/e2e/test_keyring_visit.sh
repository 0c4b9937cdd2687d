#!/bin/bash
# A stolen signing key, and the way back, with the running kiosk. The root
# key's .pub is in the trusted-keys folder; keyring 1 (root-signed) names
# signing key "old", which signed the installed pack "byold".
#   Stick 1, the thief's: an update signed by the stolen "old" key at
#   version 2^53 - 1 that revokes the root key and names the thief's key,
#   and a pack signed by the thief's key. Both are refused on screen; the
#   owner's pack stays.
#   Stick 2, the owner's: keyring 2, signed by the root key, revokes "old"
#   and names "new", and a pack signed by "new". The screen says the keys
#   were updated and the pack installed; afterwards the rotation holds the
#   new pack only (the stolen key's pack fails its check).
set -euo pipefail
build="$(cd "$1" && pwd)"
kiosk="$build/kiosk/app/kiosk"
pack="$build/tools/kiosk-pack"
work="$(mktemp -d)"
kpid=""
trap '[ -n "$kpid" ] && kill $kpid 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
mkdir -p trusted roots thief owner
"$pack" keygen trusted/root --unencrypted > /dev/null && mv trusted/root.key .
for k in old new thiefkey; do "$pack" keygen $k --unencrypted > /dev/null; done
keyid() { printf '%16s' "$(sed -n '1s/^untrusted comment: minisign public key //p' "$1")" | tr ' ' 0; }
mk() { # id key
  mkdir -p "$1/pages"
  printf '{"id":"%s","version":1,"title":"Pack %s","created":"2026-11-01T00:00:00Z","languages":["en"],"pages":["p"]}\n' "$1" "$1" > "$1/pack.json"
  printf '# Pack %s\n\nText.\n' "$1" > "$1/pages/p.en.md"
  "$pack" build "$1" --key "$2" --out . > /dev/null
}
"$pack" keyring build --version 1 --add old.pub --key root.key --out keyring-1.kkeys > /dev/null
"$pack" keyring install keyring-1.kkeys --store store --trusted trusted > /dev/null
mk byold old.key
mk bythief thiefkey.key
mk bynew new.key
"$pack" install byold-1.kpack --store store --trusted trusted > /dev/null
"$pack" keyring build --version 9007199254740991 --revoke "$(keyid trusted/root.pub)" \
  --add thiefkey.pub --key old.key --out thief/keyring-9007199254740991.kkeys > /dev/null
cp bythief-1.kpack thief/
"$pack" keyring build --version 2 --revoke "$(keyid old.pub)" --add new.pub --key root.key \
  --out owner/keyring-2.kkeys > /dev/null
cp bynew-1.kpack owner/

printf '[site]\nid = p\n[paths]\nusb_roots =\nlog_dir = %s\n' "$work" > k.conf
"$kiosk" --config k.conf --headless --size 800x480 --store store --trusted trusted \
  --usb-root "$work/roots" --speed 20 --ready-file ready > out.txt 2>&1 &
kpid=$!
for _ in $(seq 1 200); do [ -s ready ] && break; sleep 0.05; done
grep -q "1 page in the rotation" out.txt || { echo "FAIL: start"; cat out.txt; exit 1; }

visit() { # folder: insert it as a stick, wait until the kiosk is done with it
  local n; n=$(grep -c "You can remove the stick" out.txt || true)
  cp -a "$1" roots/.stick && mv roots/.stick roots/stick
  for _ in $(seq 1 600); do
    [ "$(grep -c "You can remove the stick" out.txt || true)" -gt "$n" ] && break
    sleep 0.05
  done
  rm -rf roots/stick
}
visit thief
grep -q "screen says: Refused: keyring-9007199254740991.kkeys: signed by key $(keyid old.pub), a signing key" out.txt ||
  { echo "FAIL: the stolen key's keyring update was not refused on screen"; grep "screen says" out.txt; exit 1; }
grep -q "screen says: Refused: bythief-1.kpack: signature is not from a trusted key" out.txt ||
  { echo "FAIL: the thief's pack was not refused on screen"; grep "screen says" out.txt; exit 1; }
visit owner
# The card stays 15 s, then the rotation is rebuilt.
for _ in $(seq 1 600); do grep -q "pages* in the rotation" <(sed -n '/Installed Pack bynew/,$p' out.txt) && break; sleep 0.05; done
kill $kpid; wait $kpid || true
kpid=""
grep "screen says" out.txt
grep -q "screen says: Signing keys updated (keyring version 2)" out.txt || { echo "FAIL: update 2 not reported"; exit 1; }
grep -q "screen says: Installed Pack bynew, version 1" out.txt || { echo "FAIL: the new key's pack was not installed"; exit 1; }
# After the owner's visit the rotation holds the new pack only: the stolen
# key's pack fails its signature check against the keys now trusted.
tail -n 20 out.txt | grep -q "1 page in the rotation" || { echo "FAIL: the rotation still shows the revoked key's pack"; tail -n 20 out.txt; exit 1; }
"$pack" keyring status --store store --trusted trusted | grep -q "^  $(keyid trusted/root.pub)  root (root.pub)" ||
  { echo "FAIL: the root key is not a root any more"; exit 1; }
echo "ok: keyring visit (stolen key refused, root-signed revocation recovers)"
