#!/bin/bash
# `kiosk-pack stick`: preparing a stick at headquarters. The newest copy of
# each pack id is written to kiosk/ and read back, README.txt tells the
# technician what to do in Russian and English, nothing else on the stick
# changes, a pack that does not verify (or is damaged or expired) is
# refused with nothing written, and the running kiosk installs what the
# stick holds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
newkey key other root

make_pack() { # id version key [expires]
  pack_make "$3.key" "packs/$1-$2.kpack" "src/$1-$2" "$1" "$2" --title "Test $1" --title-ru "Проверка $1" \
    --created 2026-01-01T00:00:00Z ${4:+--expires "$4"}
}
make_pack news 1 key
make_pack news 2 key
make_pack news 3 key
make_pack hotlines 4 key 2099-01-01T00:00:00Z
make_pack keyed 1 other

listing() { (cd "$1" && find . -type f -exec sha256sum {} + | sort -k2); }

# A stick with the technician's own files, an older pack and a README of
# its own.
stick="$T/stick"
mkdir -p "$stick/photos" "$stick/kiosk-logs/post-1"
echo "mine" > "$stick/README.txt"
echo "jpeg" > "$stick/photos/a.jpg"
echo "time,pack_id,version,page,lang,seconds_shown" > "$stick/kiosk-logs/post-1/playlog.csv"
mkdir -p "$stick/kiosk" && cp "$T/packs/news-1.kpack" "$stick/kiosk/"
listing "$stick" > "$T/before.txt"

# Refusals first: nothing may be written.
set +e
"$KP" stick "$stick" --packs "$T/packs/news-3.kpack" "$T/packs/keyed-1.kpack" --trusted "$T/key.pub" > "$T/out.txt" 2> "$T/err"
rc=$?
set -e
[ $rc = 1 ] || fail "a pack signed by an untrusted key: exit $rc, expected 1"
grep -q "keyed-1.kpack" "$T/err" && grep -q "nothing was written" "$T/err" || fail "untrusted key: message: $(cat "$T/err")"
listing "$stick" | diff - "$T/before.txt" > /dev/null || fail "untrusted key: the stick changed"
echo "ok: a pack that does not verify against --trusted is refused, nothing written"

head -c 300 "$T/packs/news-3.kpack" > "$T/packs-bad.kpack"
set +e
"$KP" stick "$stick" --packs "$T/packs-bad.kpack" > /dev/null 2> "$T/err"; rc=$?
set -e
[ $rc = 1 ] || fail "a damaged pack: exit $rc, expected 1"
grep -q "packs-bad.kpack" "$T/err" || fail "damaged pack: message does not name it: $(cat "$T/err")"
listing "$stick" | diff - "$T/before.txt" > /dev/null || fail "damaged pack: the stick changed"
echo "ok: a damaged pack is refused, nothing written"


set +e
"$KP" stick "$stick" > /dev/null 2>&1; rc=$?
"$KP" stick "$T/nonexistent" --packs "$T/packs/news-3.kpack" > /dev/null 2> "$T/err"; rc2=$?
set -e
[ $rc = 2 ] && [ $rc2 = 2 ] || fail "usage errors: exit $rc / $rc2, expected 2"
grep -q "nonexistent" "$T/err" || fail "missing stick: message does not name it"
echo "ok: usage errors"

# The real thing: a folder of every version plus one pack file.
"$KP" stick "$stick" --packs "$T/packs/news-1.kpack" "$T/packs/news-3.kpack" "$T/packs/news-2.kpack" \
  "$T/packs/hotlines-4.kpack" --trusted "$T/key.pub" > "$T/out.txt" 2> "$T/err" || fail "stick: $(cat "$T/err")"
grep -q "kiosk/news-3.kpack: \"Test news\", version 3.*written and read back, verified" "$T/out.txt" || fail "news-3 not reported written: $(cat "$T/out.txt")"
grep -q "news-2.kpack: version 2 of news — not copied" "$T/out.txt" || fail "news-2 not reported skipped"
cmp "$T/packs/news-3.kpack" "$stick/kiosk/news-3.kpack" || fail "kiosk/news-3.kpack differs from the source"
cmp "$T/packs/hotlines-4.kpack" "$stick/kiosk/hotlines-4.kpack" || fail "hotlines copy differs"
[ ! -e "$stick/kiosk/news-2.kpack" ] || fail "an older version was copied"
grep -q "kiosk/news-1.kpack stays on the stick" "$T/err" || fail "the older copy already there is not mentioned"
# Everything that was there is still there, byte for byte.
listing "$stick" > "$T/after.txt"
join -1 2 -2 2 <(sort -k2 "$T/before.txt") <(sort -k2 "$T/after.txt") | awk '$2 != $3 { exit 1 }' || fail "a file on the stick changed"
[ "$(wc -l < "$T/before.txt")" = "$(join -1 2 -2 2 <(sort -k2 "$T/before.txt") <(sort -k2 "$T/after.txt") | wc -l)" ] || fail "a file on the stick went missing"
new=$(comm -13 <(awk '{print $2}' "$T/before.txt") <(awk '{print $2}' "$T/after.txt") | tr '\n' ' ')
[ "$new" = "./kiosk/README.txt ./kiosk/hotlines-4.kpack ./kiosk/news-3.kpack " ] || fail "unexpected new files: $new"
[ "$(cat "$stick/README.txt")" = mine ] || fail "the technician's README.txt was overwritten"
ls -a "$stick/kiosk" | grep -q '\.tmp$' && fail "a temporary file was left"
readme="$stick/kiosk/README.txt"
grep -q "«Проверка news», версия 3" "$readme" || fail "README: no Russian line for news"
grep -q "\"Test hotlines\", version 4, .*valid until 2099-01-01" "$readme" || fail "README: no English line for hotlines"
grep -q "Флешка: найдено пакетов: 2" "$readme" || fail "README: what the screen says (ru)"
grep -q "USB stick: found 2 packs" "$readme" || fail "README: what the screen says (en)"
grep -q "You can remove the stick" "$readme" || fail "README: when to pull it"
grep -q "Флешку можно" "$readme" || fail "README: when to pull it (ru)"
echo "ok: newest copy of each id written and read back, README.txt in kiosk/ beside the technician's own"

# Again: identical copies are kept, and with no README.txt of its own at the
# top the stick gets ours there.
rm "$stick/README.txt"
touch -d 2001-01-01 "$stick/kiosk/news-3.kpack"
"$KP" stick "$stick" --packs "$T/packs" > "$T/out.txt" 2> "$T/err" || fail "second run: $(cat "$T/err")"
grep -q "kiosk/news-3.kpack: .*already on the stick, read back" "$T/out.txt" || fail "second run rewrote news-3: $(cat "$T/out.txt")"
[ "$(date -r "$stick/kiosk/news-3.kpack" +%Y)" = 2001 ] || fail "second run touched news-3"
head -1 "$stick/README.txt" | grep -q "KIOSK STICK" || fail "README.txt not at the top"
echo "ok: a second run keeps identical copies; README.txt at the top when free"

# A keyring update travels too.
# Root key "root" (on the kiosk) names signing keys "key" and "other".
"$KP" keyring build --key "$T/root.key" --add "$T/key.pub" --add "$T/other.pub" --version 2 --out "$T/keyring-2.kkeys" > /dev/null
"$KP" stick "$stick" --packs "$T/packs/keyed-1.kpack" --keyring "$T/keyring-2.kkeys" > "$T/out.txt" 2> "$T/err" || fail "keyring: $(cat "$T/err")"
cmp "$T/keyring-2.kkeys" "$stick/kiosk/keyring-2.kkeys" || fail "keyring copy differs"
grep -q "Signing keys updated (keyring version 2)" "$stick/README.txt" || fail "README: keyring"
echo "ok: a keyring update"

# The kiosk takes the prepared stick as it comes.
rm -rf "$stick/kiosk/news-1.kpack"
mkdir -p "$T/roots" "$T/logs"
printf '[site]\nid = post-9\nlanguages = en\n[paths]\nlog_dir = %s\nusb_roots =\n' "$T/logs" > "$T/k.conf"
kiosk_start "$T/kiosk.txt" --config "$T/k.conf" --headless --size 800x480 --store "$T/store" \
  --trusted "$T/root.pub" --usb-root "$T/roots" --speed 0.05 || true
stick_insert "$stick" "$T/roots"
wait_line 20 'remove the stick' "$T/kiosk.txt" || true
kiosk_stop || true
grep -q "screen says: Installed Test news, version 3" "$T/kiosk.txt" || fail "the kiosk did not install news 3: $(grep 'screen says' "$T/kiosk.txt")"
grep -q "screen says: Installed Test hotlines, version 4" "$T/kiosk.txt" || fail "the kiosk did not install hotlines 4"
grep -q "screen says: Signing keys updated (keyring version 2)" "$T/kiosk.txt" || fail "the kiosk did not take the keyring"
grep -q "screen says: Installed Test keyed, version 1" "$T/kiosk.txt" || fail "the kiosk did not install keyed 1 after the key update"
[ -f "$T/roots/stick/kiosk-logs/post-9/playlog.csv" ] || fail "no logs written back"
echo "ok: the kiosk installs everything on the prepared stick and writes its logs"
echo "ok: stick"
