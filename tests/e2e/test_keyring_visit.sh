#!/bin/bash
# A stolen signing key, and the way back, with the running kiosk. The root
# key's .pub is in the trusted-keys folder; keyring 1 (root-signed) names
# signing key "old", which signed the installed pack "byold".
#   Stick 1, the thief's: an update signed by the stolen "old" key at
#   version 2^53 - 1 that revokes the root key and names the thief's key,
#   and a pack signed by the thief's key. Both are refused on screen. It
#   also holds "byold" at version 999999, signed by the stolen key: that
#   one installs (the theft is not known yet) and pushes the version up.
#   Stick 2, the owner's: keyring 2, signed by the root key, revokes "old"
#   and names "new", a pack signed by "new", and "byold" at version 2,
#   signed by "new". The screen says the keys were updated and both packs
#   installed (the stolen key's 999999 no longer counts); afterwards the
#   rotation holds the two packs signed by "new" only.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
E2E_LOG=out.txt
mkdir -p roots thief owner
trusted_root
newkey old new thiefkey
signing_keyring old.pub
for p in byold:old bythief:thiefkey bynew:new; do
  pack_make "${p#*:}.key" . "${p%:*}" "${p%:*}" 1 --title "Pack ${p%:*}"
done
"$KP" install byold-1.kpack --store store --trusted trusted > /dev/null
"$KP" keyring build --version 9007199254740991 --revoke "$(keyid trusted/root.pub)" \
  --add thiefkey.pub --key old.key --out thief/keyring-9007199254740991.kkeys > /dev/null
cp bythief-1.kpack thief/
pack_make old.key thief forged byold 999999 --title "Forged byold"
"$KP" keyring build --version 2 --revoke "$(keyid old.pub)" --add new.pub --key root.key \
  --out owner/keyring-2.kkeys > /dev/null
cp bynew-1.kpack owner/
pack_make new.key owner byold2 byold 2 --title "Pack byold"

printf '[site]\nid = p\n[paths]\nusb_roots =\nlog_dir = %s\n' "$T" > k.conf
kiosk_start out.txt --config k.conf --headless --size 800x480 --store store --trusted trusted \
  --usb-root "$T/roots" --speed 20 || fail "start"
grep -q "1 page in the rotation" out.txt || fail "start"

# Each stick is taken out once the kiosk is done with it.
stick_visit thief roots out.txt || true
rm -rf roots/stick
grep -q "screen says: Refused: keyring-9007199254740991.kkeys: signed by key $(keyid old.pub), a signing key" out.txt ||
  fail "the stolen key's keyring update was not refused on screen"
grep -q "screen says: Refused: bythief-1.kpack: signature is not from a trusted key" out.txt ||
  fail "the thief's pack was not refused on screen"
grep -q "screen says: Installed Forged byold, version 999999" out.txt ||
  fail "the pack signed with the stolen key before the theft was known did not install"
stick_visit owner roots out.txt || true
rm -rf roots/stick
# The card stays 15 s, then the rotation is rebuilt.
wait_for 30 rotation_after out.txt "Installed Pack bynew" || true
kiosk_stop || true
grep "screen says" out.txt
grep -q "screen says: Signing keys updated (keyring version 2)" out.txt || fail "update 2 not reported"
grep -q "screen says: Installed Pack bynew, version 1" out.txt || fail "the new key's pack was not installed"
grep -q "screen says: Installed Pack byold, version 2" out.txt ||
  fail "the owner's byold 2 was refused: the stolen key's version 999999 still blocks it"
grep -q "versions signed by revoked key(s) $(keyid old.pub) no longer count" out.txt ||
  fail "the log does not say the revoked key's versions were forgotten"
# After the owner's visit the rotation holds the two packs signed by "new":
# the stolen key's packs fail their signature check against the keys now
# trusted.
tail -n 20 out.txt | grep -q "2 pages in the rotation" || fail "the rotation does not hold the owner's two packs"
[ "$(pack_current store byold --trusted trusted)" = 2 ] || fail "byold 2 is not current in the store"
"$KP" keyring status --store store --trusted trusted | grep -q "^  $(keyid trusted/root.pub)  root (root.pub)" ||
  fail "the root key is not a root any more"
echo "ok: keyring visit (stolen key refused, root-signed revocation recovers)"
