#!/usr/bin/env bash
# test_pack_cli.sh — the pack commands of kiosk-pack, end to end, on the real
# sample content-packs/bulletin-2020-07:
#   keygen (encrypted, passphrase from KIOSK_PACK_PASSPHRASE) → build (gzip,
#   zstd, none) → verify → inspect (claimed / verified) → install → install
#   again (up to date) → a newer version → an older one (refused) → status,
#   text and --json → a damaged file found by status;
# plus the exit codes (0 ok, 1 refused, 2 usage or system error) and the
# exact message a person sees for the main refusals, and a pack assembled
# with the minisign and GNU tar commands instead of kiosk-pack.
#
# Usage: test_pack_cli.sh BUILD_DIR SOURCE_DIR. Prints every check; exits
# non-zero if any failed.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
SAMPLE=$S/content-packs/bulletin-2020-07

PACK=bulletin-2020-07-1.kpack
# What the sample holds, and its size the way kiosk-pack prints it.
NFILES=$(find "$SAMPLE/pages" "$SAMPLE/media" "$SAMPLE/fonts" -type f ! -name '.*' 2>/dev/null | wc -l)
SIZE=$(find "$SAMPLE/pages" "$SAMPLE/media" "$SAMPLE/fonts" -type f ! -name '.*' -printf '%s\n' 2>/dev/null |
  awk '{ n += $1 } END { if (n >= 1048576) printf "%.1f MiB", n / 1048576; else if (n >= 1024) printf "%d KiB", (n + 1023) / 1024; else printf "%d bytes", n }')

echo "# keys"
export KIOSK_PACK_PASSPHRASE='correct horse battery staple'
expect 0 "keygen makes an encrypted key pair" "$KP" keygen team
ID=$(keyid team.pub)
expect 0 "keygen --unencrypted makes a second, untrusted key pair" "$KP" keygen other --unencrypted
OTHER_ID=$(keyid other.pub)
mkdir trusted && cp team.pub trusted/

echo "# build"
expect 0 "build the sample (gzip, the default)" "$KP" build "$SAMPLE" --key team.key
has_line out/stdout "Wrote $PACK: bulletin-2020-07 version 1, $NFILES files ($SIZE), gzip, signed with key $ID" \
  "build says what it wrote"
same "$(head -c 2 $PACK | od -An -t x1 | tr -d ' ')" "1f8b" "the pack is gzip-compressed"
same "$(tar tzf $PACK | head -2 | tr '\n' ' ')" "pack.json pack.json.minisig " \
  "pack.json and its signature come first"
same "$(tar tzf $PACK | tail -n +3 | wc -l)" "$NFILES" "then every file of pages/ and media/"
expect 0 "build --compress zstd --out" "$KP" build "$SAMPLE" --key team.key --compress zstd --out z.kpack
same "$(head -c 4 z.kpack | od -An -t x1 | tr -d ' ')" "28b52ffd" "the zstd pack is zstd-compressed"
expect 0 "build --compress none --out" "$KP" build "$SAMPLE" --key team.key --compress none --out plain.kpack
has_text plain.kpack "ustar" "the uncompressed pack is a tar file"
KIOSK_PACK_PASSPHRASE=wrong expect 2 "build with the wrong passphrase" "$KP" build "$SAMPLE" --key team.key --out wrong.kpack
has_line out/stderr "kiosk-pack build: wrong passphrase for team.key — try again" "the wrong passphrase is named"
same "$(ls wrong.kpack 2>/dev/null)" "" "nothing is written with the wrong passphrase"
expect 2 "build without --key" "$KP" build "$SAMPLE"
expect 2 "build with an unknown compression" "$KP" build "$SAMPLE" --key team.key --compress xz
expect 2 "build of a missing folder" "$KP" build nowhere --key team.key
has_line out/stderr "kiosk-pack build: nowhere: no such folder — give the folder that holds pack.json, pages/ and media/" \
  "a missing source folder is named"
cp -r "$SAMPLE" src2
sed -i 's/"version": 1,/"version": 2,/' src2/pack.json
ln -s /etc/passwd src2/media/evil.jpg
expect 1 "build refuses a symlink in the source" "$KP" build src2 --key team.key
has_line out/stderr "kiosk-pack build: src2/media/evil.jpg is a symbolic link; a pack holds regular files only — put the file itself there" \
  "the symlink is named"
rm src2/media/evil.jpg
head -c 100 /dev/urandom > src2/media/unused.jpg
expect 0 "build version 2 (with an unused picture)" "$KP" build src2 --key team.key
has_line out/stderr "kiosk-pack build: warning: src2/media/unused.jpg is not used by any page — it is packed anyway; remove it to keep the pack small" \
  "build warns about the unused picture"

echo "# verify"
for p in $PACK z.kpack plain.kpack; do
  expect 0 "verify $p" "$KP" verify $p --trusted trusted
done
has_line out/stdout "plain.kpack: verified — bulletin-2020-07 version 1 (\"IOM Central Asia bulletin No. 3, July 2020\"), signed by trusted key $ID; all $NFILES files ($SIZE) match the signed list" \
  "verify says what it checked"
expect 0 "verify with a single .pub file" "$KP" verify $PACK --trusted team.pub
expect 1 "verify with only another key trusted" "$KP" verify $PACK --trusted other.pub
has_line out/stderr "$PACK: signature is not from a trusted key (key $ID) — ask the content team for a pack signed with the current key" \
  "the untrusted key is named"
expect 2 "verify without --trusted" "$KP" verify $PACK
expect 2 "verify of a missing pack" "$KP" verify missing.kpack --trusted trusted
has_line out/stderr "missing.kpack: not found — check the name and the folder" "the missing pack is named"
expect 2 "verify with a missing trusted-keys folder" "$KP" verify $PACK --trusted nokeys

# A member changed after signing: flip one byte inside the first picture.
cp plain.kpack tampered.kpack
OFF=$(grep -abo 'JFIF' tampered.kpack | head -1 | cut -d: -f1)
printf 'X' | dd of=tampered.kpack bs=1 seek=$((OFF + 20)) conv=notrunc status=none
FIRST=$(tar tf plain.kpack | grep '^media/' | head -1)
expect 1 "verify refuses a changed picture" "$KP" verify tampered.kpack --trusted trusted
has_line out/stderr "tampered.kpack: $FIRST does not match the signed list (its BLAKE2b-256 hash differs) — the pack was changed or damaged after signing; get a fresh copy" \
  "the changed file is named"
head -c 100000 plain.kpack > cut.kpack
expect 1 "verify refuses a truncated pack" "$KP" verify cut.kpack --trusted trusted
has_text out/stderr "cut.kpack: ends " "the truncated pack is called incomplete"
(cd "$SAMPLE" && zip -q -r "$T/notapack.kpack" pack.json pages)
expect 1 "verify refuses a zip file" "$KP" verify notapack.kpack --trusted trusted
has_line out/stderr "notapack.kpack: not a kiosk pack (it looks like a zip file) — a pack is the .kpack file made by 'kiosk-pack build'; ask the content team for it" \
  "the zip file is recognised"

echo "# inspect"
expect 0 "inspect without --trusted" "$KP" inspect $PACK
has_line out/stdout "Verified:              NOT CHECKED (no --trusted given): everything below is only what the pack claims" \
  "inspect says nothing was checked"
has_line out/stdout "Id (claimed):          bulletin-2020-07" "unverified fields are labelled claimed"
has_line out/stdout "Signing key (claimed): $ID" "inspect shows the claimed key id"
expect 0 "inspect --trusted" "$KP" inspect $PACK --trusted trusted
has_line out/stdout "Verified:              yes — signed by a trusted key; every file matches the signed list" \
  "inspect --trusted says it verified"
has_line out/stdout "Id:                    bulletin-2020-07" "verified fields are not labelled claimed"
has_line out/stdout "Countries:             KZ, KG, TJ, TM, UZ" "inspect shows the countries"
expect 1 "inspect --trusted of a changed pack" "$KP" inspect tampered.kpack --trusted trusted
has_text out/stdout "Verified:              NO — tampered.kpack: $FIRST does not match the signed list" \
  "inspect --trusted says why it does not verify"
expect 1 "inspect of a zip file" "$KP" inspect notapack.kpack

echo "# install"
expect 1 "install of a changed pack" "$KP" install tampered.kpack --store store --trusted trusted
has_line out/stderr "tampered.kpack: $FIRST does not match the signed list (its BLAKE2b-256 hash differs) — the pack was changed or damaged after signing; get a fresh copy" \
  "install gives the same message as verify"
same "$(find store/staging store/packs -mindepth 1 | wc -l)" "0" "nothing is installed or left in staging"
expect 0 "install" "$KP" install $PACK --store store --trusted trusted
has_line out/stdout "$PACK: installed bulletin-2020-07 version 1 (\"IOM Central Asia bulletin No. 3, July 2020\"), $NFILES files, $SIZE" \
  "install says what it installed"
cmp -s "$SAMPLE/pages/01-returning-home.en.md" store/packs/bulletin-2020-07/1/pages/01-returning-home.en.md &&
  ok "the installed page is the source's" || bad "the installed page differs from the source"
expect 0 "install the same pack again" "$KP" install z.kpack --store store --trusted trusted
has_line out/stdout "z.kpack: bulletin-2020-07 version 1 is already installed — nothing to do" \
  "the same version is up to date, not an error"
V2=bulletin-2020-07-2.kpack
expect 0 "install version 2" "$KP" install $V2 --store store --trusted trusted
expect 1 "install version 1 after version 2" "$KP" install $PACK --store store --trusted trusted
has_line out/stderr "$PACK: version 1 is older than the installed version 2 — nothing changed" \
  "the older version is refused, in plain words"
expect 1 "install a pack signed by an untrusted key" "$KP" install $PACK --store store --trusted other.pub
expect 2 "install without --store" "$KP" install $PACK --trusted trusted

echo "# status"
expect 0 "status" "$KP" status --store store --trusted trusted
has_line out/stdout "bulletin-2020-07" "status lists the pack id"
has_line out/stdout "  current:   version 2" "status shows the current version"
has_line out/stdout "  previous:  version 1 (the fallback)" "status shows the previous version"
has_line out/stdout "  floor:     version 2 (older versions are refused)" "status shows the floor"
has_text out/stdout "  check:     ok — every file is as it was when last read in full (" \
  "status compares files with their seal"
has_text out/stdout "and the signature is valid;" "status checks the signature"
expect 0 "status --check" "$KP" status --store store --trusted trusted --check
has_line out/stdout "  check:     ok — every file matches its signed list and the signature is valid" \
  "status --check reads files and checks the signature"
expect 0 "status --json" "$KP" status --store store --json
same "$(jq -r '.packs[0].id' out/stdout)" "bulletin-2020-07" "JSON: id"
same "$(jq -r '.packs[0].current, .packs[0].previous, .packs[0].floor' out/stdout | tr '\n' ' ')" "2 1 2 " \
  "JSON: current, previous, floor"
same "$(jq -r '.packs[0].check' out/stdout)" "ok" "JSON: check"
same "$(jq -r '.time_floor' out/stdout)" "2020-07-10T00:00:00Z" "JSON: the time floor is the pack's created time"
same "$(jq -r '.signatures_checked' out/stdout)" "false" "JSON: signatures not checked without --trusted"
printf 'rot' | dd of=store/packs/bulletin-2020-07/2/pages/02-covid.en.md bs=1 seek=5 conv=notrunc status=none
expect 1 "status notices a changed file" "$KP" status --store store
has_text out/stdout "  check:     CHANGED — a file was changed since it was last read in full" \
  "the quick check says a file changed"
same "$(jq -r '.packs[0].check' <("$KP" status --store store --json))" "changed" "JSON: changed"
expect 1 "status --check finds a damaged file" "$KP" status --store store --check
has_text out/stdout "  check:     DAMAGED — bulletin-2020-07 version 2 is damaged" "status says which version is damaged"
has_text out/stdout "showing version 1 instead" "status says the kiosk falls back"
expect 1 "status --check --json finds it too" "$KP" status --store store --json --check
same "$(jq -r '.packs[0].check' out/stdout)" "damaged" "JSON: damaged"
same "$(jq -r '.check_kind' out/stdout)" "full" "JSON: a full check"
size=$(stat -c %s store/packs/bulletin-2020-07/2/pages/02-covid.en.md)
head -c $((size - 1)) /dev/zero > store/packs/bulletin-2020-07/2/pages/02-covid.en.md
expect 1 "status finds a file of the wrong size without reading it" "$KP" status --store store
has_text out/stdout "has the wrong size" "the quick check names the file of the wrong size"
same "$(cat store/state/bulletin-2020-07.state | sed -n 's/^current //p')" "2" "status wrote nothing (the state still names version 2)"
expect 2 "status of a missing store" "$KP" status --store nostore
expect 0 "status of an empty store" "$KP" status --store "$(mkdir -p empty && echo empty)"

echo "# a pack assembled with minisign and GNU tar"
if command -v minisign >/dev/null 2>&1; then
  mkdir -p ms && cd ms || exit 1
  minisign -G -W -p ms.pub -s ms.key </dev/null >/dev/null 2>&1
  tar xf ../plain.kpack
  sed -i 's/"version":\t1,/"version":\t3,/' pack.json
  rm pack.json.minisig
  minisign -S -s ms.key -m pack.json -t 'kpack id=bulletin-2020-07 version=3' </dev/null >/dev/null 2>&1
  tar --format=ustar -cf ../minisign.kpack pack.json pack.json.minisig pages media
  cd .. || exit 1
  expect 0 "a pack signed by minisign -S and packed by tar verifies" "$KP" verify minisign.kpack --trusted ms/ms.pub
  expect 0 "and installs" "$KP" install minisign.kpack --store store --trusted ms/ms.pub
else
  echo "# (minisign is not installed; skipped)"
fi

echo "# $passed passed, $failed failed"
[ "$failed" -eq 0 ]
