#!/bin/bash
# `kiosk-pack stick`: preparing a stick at headquarters. The newest copy of
# each pack id is written to kiosk/ and read back, README.txt tells the
# technician what to do in Russian and English, nothing else on the stick
# changes, a pack that does not verify (or is damaged or expired) is
# refused with nothing written, and the running kiosk installs what the
# stick holds.
set -euo pipefail
build="$1"
kiosk="$build/kiosk/app/kiosk"
pack="$build/tools/kiosk-pack"
work="$(mktemp -d)"
kpid=""
trap '[ -n "$kpid" ] && kill $kpid 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$pack" keygen "$work/key" --unencrypted > /dev/null
"$pack" keygen "$work/other" --unencrypted > /dev/null
"$pack" keygen "$work/root" --unencrypted > /dev/null

make_pack() { # id version key [expires]
  local d="$work/src/$1-$2"
  mkdir -p "$d/pages" "$work/packs"
  local exp=""
  [ -n "${4:-}" ] && exp=",\"expires\":\"$4\""
  printf '{"id":"%s","version":%s,"title":{"en":"Test %s","ru":"Проверка %s"},"created":"2026-01-01T00:00:00Z"%s,"languages":["en"],"pages":["p"]}\n' \
    "$1" "$2" "$1" "$1" "$exp" > "$d/pack.json"
  printf '# %s\n\nVersion %s.\n' "$1" "$2" > "$d/pages/p.en.md"
  "$pack" build "$d" --key "$work/$3.key" --out "$work/packs/$1-$2.kpack" > /dev/null
}
make_pack news 1 key
make_pack news 2 key
make_pack news 3 key
make_pack hotlines 4 key 2099-01-01T00:00:00Z
make_pack keyed 1 other

listing() { (cd "$1" && find . -type f -exec sha256sum {} + | sort -k2); }

# A stick with the technician's own files, an older pack and a README of
# its own.
stick="$work/stick"
mkdir -p "$stick/photos" "$stick/kiosk-logs/post-1"
echo "mine" > "$stick/README.txt"
echo "jpeg" > "$stick/photos/a.jpg"
echo "time,pack_id,version,page,lang,seconds_shown" > "$stick/kiosk-logs/post-1/playlog.csv"
mkdir -p "$stick/kiosk" && cp "$work/packs/news-1.kpack" "$stick/kiosk/"
listing "$stick" > "$work/before.txt"

# Refusals first: nothing may be written.
set +e
"$pack" stick "$stick" --packs "$work/packs/news-3.kpack" "$work/packs/keyed-1.kpack" --trusted "$work/key.pub" > "$work/out" 2> "$work/err"
rc=$?
set -e
[ $rc = 1 ] || fail "a pack signed by an untrusted key: exit $rc, expected 1"
grep -q "keyed-1.kpack" "$work/err" && grep -q "nothing was written" "$work/err" || fail "untrusted key: message: $(cat "$work/err")"
listing "$stick" | diff - "$work/before.txt" > /dev/null || fail "untrusted key: the stick changed"
echo "ok: a pack that does not verify against --trusted is refused, nothing written"

head -c 300 "$work/packs/news-3.kpack" > "$work/packs-bad.kpack"
set +e
"$pack" stick "$stick" --packs "$work/packs-bad.kpack" > /dev/null 2> "$work/err"; rc=$?
set -e
[ $rc = 1 ] || fail "a damaged pack: exit $rc, expected 1"
grep -q "packs-bad.kpack" "$work/err" || fail "damaged pack: message does not name it: $(cat "$work/err")"
listing "$stick" | diff - "$work/before.txt" > /dev/null || fail "damaged pack: the stick changed"
echo "ok: a damaged pack is refused, nothing written"


set +e
"$pack" stick "$stick" > /dev/null 2>&1; rc=$?
"$pack" stick "$work/nonexistent" --packs "$work/packs/news-3.kpack" > /dev/null 2> "$work/err"; rc2=$?
set -e
[ $rc = 2 ] && [ $rc2 = 2 ] || fail "usage errors: exit $rc / $rc2, expected 2"
grep -q "nonexistent" "$work/err" || fail "missing stick: message does not name it"
echo "ok: usage errors"

# The real thing: a folder of every version plus one pack file.
"$pack" stick "$stick" --packs "$work/packs/news-1.kpack" "$work/packs/news-3.kpack" "$work/packs/news-2.kpack" \
  "$work/packs/hotlines-4.kpack" --trusted "$work/key.pub" > "$work/out" 2> "$work/err" || fail "stick: $(cat "$work/err")"
grep -q "kiosk/news-3.kpack: \"Test news\", version 3.*written and read back, verified" "$work/out" || fail "news-3 not reported written: $(cat "$work/out")"
grep -q "news-2.kpack: version 2 of news — not copied" "$work/out" || fail "news-2 not reported skipped"
cmp "$work/packs/news-3.kpack" "$stick/kiosk/news-3.kpack" || fail "kiosk/news-3.kpack differs from the source"
cmp "$work/packs/hotlines-4.kpack" "$stick/kiosk/hotlines-4.kpack" || fail "hotlines copy differs"
[ ! -e "$stick/kiosk/news-2.kpack" ] || fail "an older version was copied"
grep -q "kiosk/news-1.kpack stays on the stick" "$work/err" || fail "the older copy already there is not mentioned"
# Everything that was there is still there, byte for byte.
listing "$stick" > "$work/after.txt"
join -1 2 -2 2 <(sort -k2 "$work/before.txt") <(sort -k2 "$work/after.txt") | awk '$2 != $3 { exit 1 }' || fail "a file on the stick changed"
[ "$(wc -l < "$work/before.txt")" = "$(join -1 2 -2 2 <(sort -k2 "$work/before.txt") <(sort -k2 "$work/after.txt") | wc -l)" ] || fail "a file on the stick went missing"
new=$(comm -13 <(awk '{print $2}' "$work/before.txt") <(awk '{print $2}' "$work/after.txt") | tr '\n' ' ')
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
"$pack" stick "$stick" --packs "$work/packs" > "$work/out" 2> "$work/err" || fail "second run: $(cat "$work/err")"
grep -q "kiosk/news-3.kpack: .*already on the stick, read back" "$work/out" || fail "second run rewrote news-3: $(cat "$work/out")"
[ "$(date -r "$stick/kiosk/news-3.kpack" +%Y)" = 2001 ] || fail "second run touched news-3"
head -1 "$stick/README.txt" | grep -q "KIOSK STICK" || fail "README.txt not at the top"
echo "ok: a second run keeps identical copies; README.txt at the top when free"

# A keyring update travels too.
# Root key "root" (on the kiosk) names signing keys "key" and "other".
"$pack" keyring build --key "$work/root.key" --add "$work/key.pub" --add "$work/other.pub" --version 2 --out "$work/keyring-2.kkeys" > /dev/null
"$pack" stick "$stick" --packs "$work/packs/keyed-1.kpack" --keyring "$work/keyring-2.kkeys" > "$work/out" 2> "$work/err" || fail "keyring: $(cat "$work/err")"
cmp "$work/keyring-2.kkeys" "$stick/kiosk/keyring-2.kkeys" || fail "keyring copy differs"
grep -q "Signing keys updated (keyring version 2)" "$stick/README.txt" || fail "README: keyring"
echo "ok: a keyring update"

# The kiosk takes the prepared stick as it comes.
rm -rf "$stick/kiosk/news-1.kpack"
mkdir -p "$work/roots" "$work/logs"
printf '[site]\nid = post-9\nlanguages = en\n[paths]\nlog_dir = %s\nusb_roots =\n' "$work/logs" > "$work/k.conf"
"$kiosk" --config "$work/k.conf" --headless --size 800x480 --store "$work/store" --trusted "$work/root.pub" \
  --usb-root "$work/roots" --speed 0.05 --ready-file "$work/ready" > "$work/kiosk.txt" 2>&1 &
kpid=$!
for _ in $(seq 1 200); do [ -s "$work/ready" ] && break; sleep 0.05; done
cp -a "$stick" "$work/roots/.new" && mv "$work/roots/.new" "$work/roots/stick"
for _ in $(seq 1 400); do grep -q 'remove the stick' "$work/kiosk.txt" && break; sleep 0.05; done
kill $kpid; wait $kpid || true; kpid=""
grep -q "screen says: Installed Test news, version 3" "$work/kiosk.txt" || fail "the kiosk did not install news 3: $(grep 'screen says' "$work/kiosk.txt")"
grep -q "screen says: Installed Test hotlines, version 4" "$work/kiosk.txt" || fail "the kiosk did not install hotlines 4"
grep -q "screen says: Signing keys updated (keyring version 2)" "$work/kiosk.txt" || fail "the kiosk did not take the keyring"
grep -q "screen says: Installed Test keyed, version 1" "$work/kiosk.txt" || fail "the kiosk did not install keyed 1 after the key update"
[ -f "$work/roots/stick/kiosk-logs/post-9/playlog.csv" ] || fail "no logs written back"
echo "ok: the kiosk installs everything on the prepared stick and writes its logs"
echo "ok: stick"
