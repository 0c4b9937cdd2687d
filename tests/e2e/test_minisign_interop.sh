#!/usr/bin/env bash
# test_minisign_interop.sh — our keys and signatures against the minisign CLI
# (Debian's minisign 0.11), in both directions:
#   (a) minisign's key pair and signature are accepted by our verifier;
#   (b) our key pair and signature are accepted by `minisign -V`, and
#       minisign can use our secret key;
#   (c) encrypted keys both ways: ours (passphrase from KIOSK_PACK_PASSPHRASE)
#       used by minisign, minisign's (password piped on stdin) used by us;
#   (d) a legacy `minisign -S -l` signature is refused with the exact message.
# Our verifier is driven through tests/tools/sigcheck, our signer through the
# hidden `kiosk-pack sign-file` command.
#
# Usage: test_minisign_interop.sh BUILD_DIR SOURCE_DIR. Exits non-zero on any
# mismatch, after printing every check.
set -u

. "$(dirname "$0")/lib.sh"
e2e_init "$@"
SC=$B/tests/tools/sigcheck

if ! command -v minisign >/dev/null 2>&1; then
  echo "FAIL: the minisign command is not installed (apt-get install minisign)"
  exit 1
fi
if [ ! -x "$SC" ]; then
  echo "FAIL: $SC is not built — tests/CMakeLists.txt needs add_subdirectory(tools)"
  exit 1
fi
echo "# $(minisign -v 2>&1)"

# Bytes of the decoded secret key: kdf_alg at 2, opslimit at 38, memlimit at 46.
key_field() { sed -n 2p "$1" | base64 -d | od -An -v -j "$2" -N "$3" -t "$4" | tr -d ' \n'; }

printf '{"id":"x","version":1}\n' > manifest.json

echo "# (a) minisign signs, we verify"
expect 0 "minisign -G -W makes an unencrypted key pair" minisign -G -W -p ms.pub -s ms.key
MS_ID=$(keyid ms.pub)
cp manifest.json a.json
expect 0 "minisign -S signs with trusted comment 'kpack id=x version=1'" \
  minisign -S -s ms.key -m a.json -t 'kpack id=x version=1'
has_line a.json.minisig "trusted comment: kpack id=x version=1" "minisign wrote the trusted comment line"
expect 0 "our verifier accepts minisign's signature" "$SC" ms.pub a.json
has_line out/stdout "verified: key $MS_ID, trusted comment: kpack id=x version=1" \
  "our verifier reports key $MS_ID and the trusted comment"
expect 0 "our streaming verifier accepts it too" "$SC" --stream ms.pub a.json
has_line out/stdout "verified: key $MS_ID, trusted comment: kpack id=x version=1" \
  "streaming reports the same"
mkdir keys && cp ms.pub keys/content-team.pub
expect 0 "our verifier accepts it with a trusted-keys folder" "$SC" keys a.json
printf 'tampered' >> a.json
expect 1 "our verifier refuses the changed file" "$SC" ms.pub a.json
has_line out/stderr "a.json.minisig: signature does not match the signed data (key $MS_ID) — it was changed or damaged after signing; get a fresh copy" \
  "the refusal says the data changed"
cp manifest.json a2.json
LONG=$(head -c 4077 /dev/zero | tr '\0' c)
expect 0 "minisign -S signs with a 4077-byte trusted comment (its longest)" \
  minisign -S -s ms.key -m a2.json -t "$LONG"
expect 0 "our verifier accepts the 4077-byte trusted comment" "$SC" ms.pub a2.json

echo "# (b) we sign, minisign verifies"
expect 0 "kiosk-pack keygen --unencrypted" "$KP" keygen ours --unencrypted
OURS_ID=$(keyid ours.pub)
has_line out/stdout "Wrote a new signing key pair (key $OURS_ID):" "keygen names the key id"
has_line out/stdout "  ours.key  the secret key: keep it secret and keep a backup; whoever holds it can sign packs" \
  "keygen says where the secret key is and to keep it secret"
has_line out/stdout "  ours.pub  the public key: copy it into the trusted-keys folder of every kiosk" \
  "keygen says where the public key goes"
same "$(stat -c %a ours.key)" 600 "ours.key is mode 0600"
same "$(key_field ours.key 2 2 x1)" "0000" "ours.key has no KDF (like minisign -W)"
cp manifest.json b.json
expect 0 "kiosk-pack sign-file signs" "$KP" sign-file b.json --key ours.key --comment 'kpack id=x version=2'
expect 0 "minisign -V accepts our signature" minisign -V -p ours.pub -m b.json
has_line out/stdout "Trusted comment: kpack id=x version=2" "minisign shows our trusted comment"
expect 0 "minisign -V -H (prehashed required) accepts it" minisign -V -H -p ours.pub -m b.json
expect 0 "minisign -V -P accepts the bare base64 public key" minisign -V -P "$(sed -n 2p ours.pub)" -m b.json
expect 0 "our verifier accepts our signature" "$SC" ours.pub b.json
expect 1 "our verifier refuses it with only minisign's key trusted" "$SC" ms.pub b.json
has_line out/stderr "b.json.minisig: signature is not from a trusted key (key $OURS_ID) — ask the content team for a pack signed with the current key" \
  "the refusal names the untrusted key id"
expect 0 "minisign -R rebuilds the public key from our secret key" minisign -R -s ours.key -p rebuilt.pub
same "$(sed -n 2p rebuilt.pub)" "$(sed -n 2p ours.pub)" "the rebuilt public key equals ours.pub"
cp manifest.json b2.json
expect 0 "minisign -S signs with our unencrypted secret key" \
  minisign -S -s ours.key -m b2.json -t 'kpack id=x version=3'
expect 0 "our verifier accepts that signature" "$SC" ours.pub b2.json
cp manifest.json b3.json
LONG=$(head -c 8173 /dev/zero | tr '\0' c)
expect 0 "kiosk-pack signs with an 8173-byte trusted comment (our longest)" \
  "$KP" sign-file b3.json --key ours.key --comment "$LONG"
expect 0 "minisign -V accepts the 8173-byte trusted comment" minisign -V -q -p ours.pub -m b3.json
expect 2 "kiosk-pack keygen refuses to overwrite" "$KP" keygen ours --unencrypted
has_line out/stderr "kiosk-pack keygen: ours.key already exists — keygen never overwrites a key; choose another name or move the old files away" \
  "the refusal says the key already exists"
expect 2 "kiosk-pack keygen refuses NAME ending in .key" "$KP" keygen other.key --unencrypted
expect 2 "kiosk-pack keygen without NAME is a usage error" "$KP" keygen

echo "# (c) encrypted keys, both ways (scrypt with 1 GiB: a few seconds each)"
export KIOSK_PACK_PASSPHRASE='pass phrase 1'
expect 0 "kiosk-pack keygen with KIOSK_PACK_PASSPHRASE" "$KP" keygen enc
has_line enc.key "untrusted comment: minisign encrypted secret key" "enc.key has minisign's comment"
same "$(key_field enc.key 2 2 c | tr -d '\\')" "Sc" "enc.key uses scrypt (Sc)"
same "$(key_field enc.key 38 8 u8)" "33554432" "enc.key opslimit is minisign's 33554432"
same "$(key_field enc.key 46 8 u8)" "1073741824" "enc.key memlimit is minisign's 1073741824"
same "$(stat -c %a enc.key)" 600 "enc.key is mode 0600"
cp manifest.json c.json
expect 0 "kiosk-pack signs with our encrypted key" "$KP" sign-file c.json --key enc.key --comment 'kpack id=c version=1'
expect 0 "minisign -V accepts it" minisign -V -p enc.pub -m c.json
has_line out/stdout "Trusted comment: kpack id=c version=1" "minisign shows the trusted comment"
KIOSK_PACK_PASSPHRASE=wrong expect 2 "a wrong passphrase is refused" "$KP" sign-file c.json --key enc.key --comment x
has_line out/stderr "kiosk-pack sign-file: wrong passphrase for enc.key — try again" "the exact wrong-passphrase message"
unset KIOSK_PACK_PASSPHRASE
cp manifest.json c2.json
STDIN_TEXT=$'pass phrase 1\n' expect 0 "minisign -S decrypts our encrypted key (password on stdin)" \
  minisign -S -s enc.key -m c2.json -t 'kpack id=c version=2'
expect 0 "our verifier accepts that signature" "$SC" enc.pub c2.json
STDIN_TEXT=$'pw two\npw two\n' expect 0 "minisign -G makes an encrypted key (password on stdin)" \
  minisign -G -p msenc.pub -s msenc.key
cp manifest.json c3.json
KIOSK_PACK_PASSPHRASE='pw two' expect 0 "kiosk-pack signs with minisign's encrypted key" \
  "$KP" sign-file c3.json --key msenc.key --comment 'kpack id=c version=3'
expect 0 "minisign -V accepts it" minisign -V -p msenc.pub -m c3.json
expect 0 "our verifier accepts it" "$SC" msenc.pub c3.json
has_line out/stdout "verified: key $(keyid msenc.pub), trusted comment: kpack id=c version=3" "with the right key id and comment"
if command -v setsid >/dev/null 2>&1; then
  expect 2 "keygen with no variable and no terminal is refused" setsid -w "$KP" keygen notty
  has_line out/stderr "kiosk-pack keygen: no passphrase for notty.key: KIOSK_PACK_PASSPHRASE is not set and there is no terminal to ask on — set KIOSK_PACK_PASSPHRASE" \
    "the message says what to do"
  if [ ! -e notty.key ] && [ ! -e notty.pub ]; then ok "nothing was written"; else bad "notty.key or notty.pub was written"; fi
else
  echo "# skipped: setsid not found, cannot test the no-terminal case"
fi

echo "# (d) legacy signatures are refused"
cp manifest.json d.json
expect 0 "minisign -S -l makes a legacy signature" minisign -S -l -s ms.key -m d.json -x d.legacy.minisig
expect 0 "minisign itself accepts it (it allows legacy without -H)" minisign -V -p ms.pub -m d.json -x d.legacy.minisig
expect 1 "our verifier refuses the legacy signature" "$SC" ms.pub d.json d.legacy.minisig
has_line out/stderr "d.legacy.minisig: legacy minisign signature (algorithm Ed) is refused — sign again with kiosk-pack or with minisign without -l (algorithm ED)" \
  "the exact legacy message"

e2e_done
