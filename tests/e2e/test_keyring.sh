#!/usr/bin/env bash
# test_keyring.sh — root keys and signing keys, end to end, with
# `kiosk-pack keyring build|sign|install|status|inspect`:
#   root key trusted (its .pub in the trusted-keys folder, its .key apart)
#   → update 1, signed by root, names signing key old → the stolen-key
#   attack: old signs an update at version 2^53 - 1 that revokes root and
#   adds another key (refused: a signing key cannot sign keyring updates)
#   → update 2, signed by root, revokes old and names new (built with
#   --base 1) → update 1 again (refused: older) → an update signed by the
#   revoked old key (refused) → a tampered update (refused) → k of n and a
#   chained root rotation → status;
# exit codes (0 ok, 1 refused, 2 usage or system error), the exact message a
# person sees, and that a refused update changes nothing on disk. Packs are
# checked with the signing keys only: new's installs, old's (revoked) and
# root's (a root key signs keyring updates only) are refused.
#
# Usage: test_keyring.sh BUILD_DIR SOURCE_DIR. Prints every check; exits
# non-zero if any failed.
set -u
export LC_ALL=C

. "$(dirname "$0")/lib.sh"
e2e_init "$@"
mkdir trusted
state() { snapshot store/keyring ./lock; }

echo "# keys"
"$KP" keygen trusted/root --root --unencrypted >out/stdout && mv trusted/root.key .
newkey old new stranger
ROOT=$(keyid trusted/root.pub)
OLD=$(keyid old.pub)
NEW=$(keyid new.pub)
has_line out/stdout "Wrote a new root key pair (key $ROOT):" "keygen --root says it is a root key"
has_line out/stdout "  trusted/root.pub  the public key: copy it into the trusted-keys folder of every kiosk" "keygen --root says where the .pub goes"

echo "# build"
expect 0 "update 1: names signing key old, signed by root" "$KP" keyring build --version 1 --add old.pub --key root.key
has_line out/stdout "Wrote keyring-1.kkeys: keyring version 1, signed with root key $ROOT; adds 1 key, revokes 0" "build says what it wrote"
expect 0 "update 2: revoke old, name new, signed by root, repeating update 1" \
  "$KP" keyring build --version 2 --revoke "$OLD" --add new.pub --base keyring-1.kkeys --key root.key
expect 1 "an update may not revoke its own signing key" \
  "$KP" keyring build --version 3 --revoke "$ROOT" --key root.key --out self.kkeys
has_line out/stderr "kiosk-pack keyring build: root.key: this update revokes key $ROOT, the key it would be signed with — kiosks refuse that; sign it with a key that stays trusted" "self-revocation message"
[ -e self.kkeys ] && bad "self-revoking update was written" || ok "nothing written"
expect 2 "a root key is not also a signing key" \
  "$KP" keyring build --version 3 --add trusted/root.pub --key root.key --out both.kkeys
expect 2 "--version is required" "$KP" keyring build --key root.key
expect 2 "--version must be newer than --base" "$KP" keyring build --version 1 --base keyring-2.kkeys --key root.key --out x.kkeys
expect 2 "--version 2^53 is refused" "$KP" keyring build --version 9007199254740992 --key root.key --out x.kkeys
expect 0 "update 3 signed by old (to be refused later)" "$KP" keyring build --version 3 --add stranger.pub --key old.key --out old-signed-3.kkeys
expect 0 "the attack: old signs version 2^53 - 1, revoking root and adding stranger" \
  "$KP" keyring build --version 9007199254740991 --revoke "$ROOT" --add stranger.pub --key old.key --out attack.kkeys

echo "# inspect"
expect 0 "inspect update 2" "$KP" keyring inspect keyring-2.kkeys
has_line out/stdout "keyring-2.kkeys: not verified (claims keyring version 2, signed by key $ROOT)" "inspect names the claimed signer"
has_line out/stdout "  $OLD" "inspect lists the revoked key"

echo "# install"
expect 0 "status with nothing installed" "$KP" keyring status --store store --trusted trusted
has_line out/stdout "Keyring of store: no keyring update installed" "status: none yet"
expect 1 "an update signed by a key that is no root: refused" \
  "$KP" keyring install old-signed-3.kkeys --store store --trusted trusted
has_line out/stderr "old-signed-3.kkeys: not signed by a root key (key $OLD) — ask the content team for an update signed with a current root key" "not a root message"
expect 0 "install update 1" "$KP" keyring install keyring-1.kkeys --store store --trusted trusted
has_line out/stdout "keyring-1.kkeys: installed keyring version 1 (signed by root key $ROOT): added key $OLD — 1 signing key now" "installed message"
expect 0 "install update 1 again: already installed" "$KP" keyring install keyring-1.kkeys --store store --trusted trusted
has_line out/stdout "keyring-1.kkeys: keyring version 1 is already installed — nothing to do" "already installed message"

BEFORE=$(state)
expect 1 "the stolen signing key's update is refused" "$KP" keyring install attack.kkeys --store store --trusted trusted
has_line out/stderr "attack.kkeys: signed by key $OLD, a signing key — signing keys sign packs only, and keyring updates must be signed by a root key; refused (if that key was stolen, revoke it with an update signed by the root key)" "signing key message"
if [ "$(state)" = "$BEFORE" ]; then ok "the attack changed nothing"; else bad "the attack changed the keyring state"; fi

expect 0 "install update 2 (root revokes the stolen key)" "$KP" keyring install keyring-2.kkeys --store store --trusted trusted
has_line out/stdout "keyring-2.kkeys: installed keyring version 2 (signed by root key $ROOT): added key $NEW; revoked key $OLD — 1 signing key now" "revocation message"

BEFORE=$(state)
expect 1 "update 1 after 2: refused" "$KP" keyring install keyring-1.kkeys --store store --trusted trusted
has_line out/stderr "keyring-1.kkeys: version 1 is not newer than the installed keyring (version 2) — nothing changed" "an old update"
expect 1 "update 3 signed by the revoked key: refused" "$KP" keyring install old-signed-3.kkeys --store store --trusted trusted
has_line out/stderr "old-signed-3.kkeys: signed by a revoked key (key $OLD) — ask the content team for an update signed with a current root key" "revoked signer message"
if [ "$(state)" = "$BEFORE" ]; then ok "refused updates changed nothing"; else bad "refused updates changed the keyring state"; fi

# An older update signed by the root: the version rule speaks.
expect 0 "update 5, signed by root" "$KP" keyring build --version 5 --base keyring-2.kkeys --key root.key
expect 0 "install update 5" "$KP" keyring install keyring-5.kkeys --store store --trusted trusted
expect 0 "update 4, signed by root" "$KP" keyring build --version 4 --base keyring-2.kkeys --key root.key
BEFORE=$(state)
expect 1 "update 4 after 5: refused" "$KP" keyring install keyring-4.kkeys --store store --trusted trusted
has_line out/stderr "keyring-4.kkeys: version 4 is not newer than the installed keyring (version 5) — nothing changed" "rollback message"

# Tampered: keyring.json of update 6 changed after signing (gzip off, one
# byte of the JSON text flipped: "version": 6 -> 9).
expect 0 "update 6, signed by root" "$KP" keyring build --version 6 --base keyring-5.kkeys --key root.key
mkdir x && (cd x && tar -xzf ../keyring-6.kkeys) &&
  sed -i 's/"version": 6/"version": 9/' x/keyring.json &&
  (cd x && tar --format=ustar -cf ../tampered-6.kkeys keyring.json keyring.json.minisig)
expect 1 "tampered update refused" "$KP" keyring install tampered-6.kkeys --store store --trusted trusted
has_line out/stderr "tampered-6.kkeys: signature does not match the signed data (key $ROOT) — it was changed or damaged after signing; get a fresh copy" "tampered message"
expect 1 "a .pub file is not a keyring update" "$KP" keyring install trusted/root.pub --store store --trusted trusted
has_line out/stderr "root.pub: not a keyring update (it looks like a minisign signature or key file) — a keyring update is the .kkeys file made by 'kiosk-pack keyring build'; ask the content team for it" "not a keyring message"
expect 2 "a missing file is a system error" "$KP" keyring install nothing.kkeys --store store --trusted trusted
if [ "$(state)" = "$BEFORE" ]; then ok "refused updates changed nothing"; else bad "refused updates changed the keyring state"; fi

echo "# k of n, and a chained root rotation"
newkey r2 r3
R2=$(keyid r2.pub)
R3=$(keyid r3.pub)
expect 2 "a new root set must sign its first update" \
  "$KP" keyring build --version 7 --root r2.pub --root r3.pub --threshold 2 --key root.key --out x.kkeys
has_line out/stderr "kiosk-pack keyring build: a new root set must sign the update that names it: give 2 of the new root keys with --key (besides the current ones); 0 given" "rotation needs the new keys"
expect 0 "update 7: roots r2 + r3, 2 of 2 from now on, signed by root, r2 and r3" \
  "$KP" keyring build --version 7 --base keyring-6.kkeys --root r2.pub --root r3.pub --threshold 2 --key root.key --key r2.key --key r3.key
expect 0 "install update 7" "$KP" keyring install keyring-7.kkeys --store store --trusted trusted
has_line out/stdout "keyring-7.kkeys: installed keyring version 7 (signed by root key $ROOT): new root set of 2 keys — 1 signing key now" "rotation message"
expect 0 "update 8 signed by r2 only" "$KP" keyring build --version 8 --base keyring-6.kkeys --add stranger.pub --key r2.key
BEFORE=$(state)
expect 1 "one of two root signatures: refused" "$KP" keyring install keyring-8.kkeys --store store --trusted trusted
has_line out/stderr "keyring-8.kkeys: signed by 1 root key, but this kiosk needs 2 — ask the content team to add signatures with 'kiosk-pack keyring sign'" "threshold message"
expect 0 "the old root signs update 9 alone" "$KP" keyring build --version 9 --add stranger.pub --key root.key
expect 1 "the old root set no longer counts" "$KP" keyring install keyring-9.kkeys --store store --trusted trusted
if [ "$(state)" = "$BEFORE" ]; then ok "refused updates changed nothing"; else bad "refused updates changed the keyring state"; fi
expect 0 "r3 adds its signature to update 8" "$KP" keyring sign keyring-8.kkeys --key r3.key
expect 0 "install update 8 (2 of 2)" "$KP" keyring install keyring-8.kkeys --store store --trusted trusted
has_line out/stdout "keyring-8.kkeys: installed keyring version 8 (signed by root keys $R2, $R3): added key $(keyid stranger.pub) — 2 signing keys now" "k of n message"

echo "# status"
expect 0 "status" "$KP" keyring status --store store --trusted trusted
has_line out/stdout "Root keys: 2 (keyring updates need 2 signatures)" "two roots, two signatures"
has_line out/stdout "  $R2  root (named by the keyring)" "r2 is a root"
has_line out/stdout "Revoked: 1 key" "old is revoked"
has_line out/stdout "  $NEW  signing key (added by keyring update)" "new signs packs"
has_line out/stdout "Signing keys in use: 2" "two signing keys"

echo "# packs are checked with the signing keys only"
pack_src src rotation 1 --title Rotation --created 2020-07-10T00:00:00Z
"$KP" build src --key new.key --out new-1.kpack >/dev/null
pack_src src rotation 2 --title Rotation --created 2020-07-10T00:00:00Z
"$KP" build src --key old.key --out old-2.kpack >/dev/null
"$KP" build src --key root.key --out root-2.kpack >/dev/null
expect 0 "a pack signed by signing key new installs" "$KP" install new-1.kpack --store store --trusted trusted
expect 1 "a newer pack signed by the revoked key is refused" "$KP" install old-2.kpack --store store --trusted trusted
has_line out/stderr "old-2.kpack: signature is from a revoked key (key $OLD) — ask the content team for a pack signed with the current key" "revoked pack message"
expect 1 "a pack signed by a root key is refused" "$KP" install root-2.kpack --store store --trusted trusted

e2e_done
