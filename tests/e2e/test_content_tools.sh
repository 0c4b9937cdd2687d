#!/usr/bin/env bash
# test_content_tools.sh — the content team's tools, end to end:
#   lint    the three real packs (0 errors), a clean generated source, and
#           one deliberately broken source per rule, each checked for its
#           exact line and the exit code;
#   preview a real pack at two sizes (one PNG per page part, a contact sheet
#           per size with the expected pixel size, nothing on stdout when it
#           is not a terminal), and a built .kpack (the same pictures);
#   new     into a temporary folder, then lint clean and build.
# Every broken source is generated here from a clean one, so anyone can see
# what is wrong with it.
#
# Usage: test_content_tools.sh BUILD_DIR SOURCE_DIR. Prints every check;
# exits non-zero if any failed.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$@"

# bmp W H FILE: a grey W×H picture (24-bit BMP, which SDL_image reads).
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))\\x$(printf %02x $((($1 >> 16) & 255)))\\x$(printf %02x $((($1 >> 24) & 255)))"; }
bmp() {
  local w=$1 h=$2 row=$(( ($1 * 3 + 3) / 4 * 4 ))
  local data=$((row * h))
  { printf 'BM'; le32 $((54 + data)); le32 0; le32 54; le32 40; le32 "$w"; le32 "$h"
    printf '\x01\x00\x18\x00'; le32 0; le32 "$data"; le32 2835; le32 2835; le32 0; le32 0
    head -c "$data" /dev/zero | tr '\0' '\200'; } > "$3"
}

# png_size FILE: "WxH" from the PNG header.
png_size() {
  local b
  b=($(od -An -tu1 -j16 -N8 "$1"))
  echo "$(( (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3] ))x$(( (b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7] ))"
}

# base DIR: a small clean source (English and Russian, a text page and a
# picture page).
base() {
  rm -rf "$1"
  mkdir -p "$1/pages" "$1/media"
  cat > "$1/pack.json" <<'EOF'
{
  "id": "lint-case",
  "version": 1,
  "title": {"en": "Lint case", "ru": "Проверка"},
  "created": "2026-01-01T00:00:00Z",
  "languages": ["en", "ru"],
  "pages": ["01-news", "02-picture"]
}
EOF
  printf -- '---\nduration: 15\n---\n# News\n\nShort text for the wall.\n' > "$1/pages/01-news.en.md"
  printf -- '---\nduration: 15\n---\n# Новости\n\nКороткий текст для экрана.\n' > "$1/pages/01-news.ru.md"
  printf -- '---\nduration: 15\nlayout: image-left\n---\n# Picture\n\n![A picture](../media/pic.bmp)\n' > "$1/pages/02-picture.en.md"
  printf -- '---\nduration: 15\nlayout: image-left\n---\n# Картинка\n\n![Картинка](../media/pic.bmp)\n' > "$1/pages/02-picture.ru.md"
  bmp 64 48 "$1/media/pic.bmp"
}

echo "# lint: the real packs"
for p in bulletin-2020-07 hotlines-central-asia safe-migration; do
  expect 0 "lint $p" "$KP" lint "$S/content-packs/$p"
  if grep -q ': error: ' out/stdout; then bad "$p has no lint errors"; else ok "$p has no lint errors"; fi
  if tail -n 1 out/stdout | grep -Eq '^0 errors, [0-9]+ warnings?$'; then ok "$p: summary line"; else bad "$p: summary line"; fi
done
# The bulletin's long pages flow onto a second part on some screens.
has_line out/stdout "0 errors, 0 warnings" "safe-migration is clean"

echo "# lint: usage"
expect 2 "lint without SRCDIR" "$KP" lint
expect 2 "lint of a missing folder" "$KP" lint nowhere
has_line out/stderr "kiosk-pack lint: nowhere: no such folder — give the folder that holds pack.json, pages/ and media/" \
  "a missing folder is named"
expect 2 "lint with a bad --size" "$KP" lint nowhere --size 100x
has_line out/stderr "kiosk-pack lint: --size: '100x' is not a screen size WxH, e.g. 1920x1080 (each side 320 to 8192 pixels)" \
  "a bad size is quoted"

echo "# lint: a clean source"
base ok
expect 0 "the clean source lints clean" "$KP" lint ok
has_line out/stdout "0 errors, 0 warnings" "no findings"

echo "# lint: broken sources"
base c1; rm c1/pages/02-picture.ru.md
expect 1 "missing translation" "$KP" lint c1
has_line out/stdout "c1/pages/02-picture.ru.md: error: missing: page \"02-picture\" of pack.json has no \"ru\" translation — write this file (start from pages/02-picture.en.md), or remove \"ru\" from \"languages\"" \
  "missing translation: the line"
has_line out/stdout "1 error, 0 warnings" "missing translation: the summary"

base c2; sed -i 's/pic.bmp/nothere.jpg/' c2/pages/02-picture.en.md
expect 1 "missing picture" "$KP" lint c2
has_line out/stdout "c2/pages/02-picture.en.md:7: error: picture 'media/nothere.jpg' does not exist — put the file in media/ or correct its name" \
  "missing picture: the line"

base c3; sed -i 's/pic.bmp/PIC.bmp/' c3/pages/02-picture.ru.md
expect 1 "picture named with the wrong capitals" "$KP" lint c3
has_line out/stdout "c3/pages/02-picture.ru.md:7: error: picture 'media/PIC.bmp' does not exist; there is 'media/pic.bmp' — names must match exactly, capitals too" \
  "wrong capitals: the line"

base c4; cp c4/media/pic.bmp c4/media/old.bmp
expect 0 "unused media (a warning)" "$KP" lint c4
has_line out/stdout "c4/media/old.bmp: warning: no page uses this file, yet it would go into the pack — remove it, or show it on a page with ![caption](../media/old.bmp)" \
  "unused media: the line"
has_line out/stdout "0 errors, 1 warning" "unused media: the summary"

base c5; bmp 4000 100 c5/media/pic.bmp
expect 0 "huge picture (a warning)" "$KP" lint c5
has_line out/stdout "c5/media/pic.bmp: warning: picture is 4000x100 pixels (1.1 MiB), far more than the largest kiosk screen (1920x1080) can show — scale it to at most 1920 pixels on its long side and save it as JPEG (quality 85); big pictures make the pack slow to copy and the kiosk slow to draw" \
  "huge picture: the line"

base c6; sed -i 's/duration: 15/duration: ten/' c6/pages/01-news.en.md; sed -i 's/^duration: 15/durration: 15/' c6/pages/01-news.ru.md
expect 1 "bad front matter" "$KP" lint c6
has_line out/stdout "c6/pages/01-news.en.md:2: error: duration 'ten' must be seconds between 3 and 600, e.g. 'duration: 20'" \
  "bad duration: the line"
has_line out/stdout "c6/pages/01-news.ru.md:2: error: front matter key 'durration' is unknown (known: duration, layout, image, alert, from, until, hours, days, countries)" \
  "unknown key: the line"

base c7; sed -i 's/"created"/"expires": "2020-08-01T00:00:00Z",\n  "created"/' c7/pack.json
expect 1 "expired pack" "$KP" lint c7
has_line out/stdout "c7/pack.json:5: error: the pack expired on 2020-08-01 00:00 UTC, before today, and kiosks refuse an expired pack — set a later \"expires\", or remove it" \
  "expired: the line"
base c7b; sed -i 's/"created"/"valid_from": "2020-08-01T00:00:00Z",\n  "created"/' c7b/pack.json
expect 0 "valid_from in the past is fine" "$KP" lint c7b

base c8
printf -- '---\nduration: 5\n---\n# News\n\nThis page says far too much for five seconds: %s\n' \
  "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four" \
  > c8/pages/01-news.en.md
expect 0 "too-short duration (a warning)" "$KP" lint c8
has_line out/stdout "c8/pages/01-news.en.md:2: warning: 'duration: 5' is too short for 34 words: reading them takes about 15 s (3 s to notice the page, then 3 words a second) — set 'duration: 15', or shorten the text" \
  "too-short duration: the line"
base c8b; sed -i '/^duration/d' c8b/pages/01-news.ru.md
expect 0 "no duration on a short page is fine" "$KP" lint c8b
has_line out/stdout "0 errors, 0 warnings" "the default 15 s is enough for a short page"

base c9; printf '\nHotline 漢字 and 漢 again.\n' >> c9/pages/01-news.en.md
expect 1 "a character no font has" "$KP" lint c9
has_line out/stdout "c9/pages/01-news.en.md:8: error: characters '漢', '字' (U+6F22, U+5B57) are in none of the kiosk's fonts, so the screen cannot show them — replace or remove them" \
  "uncovered characters: the line"
base c9b; printf '\nCall us \xe2\x98\x8e\n' >> c9b/pages/01-news.ru.md
expect 1 "one character no font has" "$KP" lint c9b
has_line out/stdout "c9b/pages/01-news.ru.md:8: error: character '☎' (U+260E) is in none of the kiosk's fonts, so the screen cannot show it — replace it or remove it" \
  "uncovered character: the line"

base c10
{ printf -- '---\nduration: 600\n---\n# A long page\n\n'
  for i in $(seq 1 30); do echo "- Item $i of a list that is much too long for one screen"; done; } > c10/pages/01-news.en.md
expect 0 "overflow (a warning)" "$KP" lint c10
line=$(grep -F 'c10/pages/01-news.en.md: warning: does not fit on one screen at ' out/stdout)
case "$line" in
  *"1920x1080 ("*" parts), 1080x1920 ("*" parts), 1280x720 ("*" parts), 1024x600 ("*" parts), 800x480 ("*" parts); the kiosk then shows it in parts, one after the other — shorten the text or split it into two pages")
    ok "overflow: the line names every size" ;;
  *) bad "overflow: the line names every size (got: $line)" ;;
esac
expect 0 "overflow at one size only" "$KP" lint c10 --size 800x480
has_line out/stdout "c10/pages/01-news.en.md: warning: does not fit on one screen at 800x480 (3 parts); the kiosk then shows it in parts, one after the other — shorten the text or split it into two pages" \
  "overflow: --size limits the sizes"

base c11; printf '{\n  "id": "lint-case",\n  "version": 0,\n' > c11/pack.json.new; tail -n +4 c11/pack.json >> c11/pack.json.new; mv c11/pack.json.new c11/pack.json
expect 1 "a pack.json error" "$KP" lint c11
if grep -Eq '^c11/pack.json:3: error: "version" must be ' out/stdout; then ok "pack.json error: on the line of the field"; else bad "pack.json error: on the line of the field"; fi
base c12; printf '{ "id": "x", \n' > c12/pack.json
expect 1 "pack.json that is not JSON" "$KP" lint c12
if grep -Eq '^c12/pack.json:[0-9]+: error: is not valid JSON' out/stdout; then ok "bad JSON: the line"; else bad "bad JSON: the line"; fi

base c13; cp c13/pages/01-news.en.md c13/pages/03-draft.en.md
expect 0 "a page pack.json does not list (a warning)" "$KP" lint c13
has_line out/stdout "c13/pages/03-draft.en.md: warning: not a page of pack.json (see \"pages\" and \"languages\"), so the kiosk never shows it — add it there, or remove the file" \
  "stray page: the line"

base c14; printf '\n```hotline\nKazakhstan | 11616\n```\n' >> c14/pages/01-news.en.md
expect 1 "an unknown block" "$KP" lint c14
has_line out/stdout "c14/pages/01-news.en.md:8: error: unknown block 'hotline' — use one of stats, hotlines, contacts, qr (its text is shown as a plain paragraph)" \
  "unknown block: the line"

echo "# new"
expect 0 "new" "$KP" new "$T/My Example"
has_line out/stdout "Made $T/My Example: pack.json (id \"my-example\", version 1, languages en and ru), 7 example pages in pages/ and an example picture in media/." \
  "new says what it made"
same "$(ls "$T/My Example/pages" | wc -l)" "14" "seven pages in two languages"
expect 0 "the new source lints clean" "$KP" lint "$T/My Example"
has_line out/stdout "0 errors, 0 warnings" "new: no findings"
if grep -q '"number": "0000 (example)"' "$T/My Example/pack.json"; then ok "the band's number is an obvious example"; else bad "the band's number is an obvious example"; fi
expect 2 "new refuses a folder that is not empty" "$KP" new "$T/My Example"
has_line out/stderr "kiosk-pack new: $T/My Example already exists and is not empty — give a new folder name" \
  "new names the folder"
expect 0 "keygen for the build" "$KP" keygen team --unencrypted
expect 0 "the new source builds" "$KP" build "$T/My Example" --key team.key --out new.kpack

echo "# preview: a real pack at two sizes"
SM=$S/content-packs/safe-migration
expect 0 "preview safe-migration" "$KP" preview "$SM" --out prev --size 1280x720,800x480
same "$(cat out/stdout)" "" "nothing on stdout when it is not a terminal"
same "$(cat out/stderr)" "" "nothing on stderr for a clean pack"
same "$(ls prev/1280x720/*.png | wc -l)" "40" "40 pictures at 1280x720 (5 pages, 8 languages)"
same "$(ls prev/800x480/*.png | wc -l)" "40" "40 pictures at 800x480"
same "$(png_size prev/1280x720/03-work-contract.fa.png)" "1280x720" "a page picture has the screen's size"
same "$(png_size prev/800x480/01-before-you-leave.ru.png)" "800x480" "at 800x480 too"
# A sheet: 6 columns of 320-pixel thumbnails, 7 rows for 40 pictures.
same "$(png_size prev/contact-1280x720.png)" "2032x1760" "contact sheet 1280x720"
same "$(png_size prev/contact-800x480.png)" "2032x1844" "contact sheet 800x480"
same "$(ls prev | sort | tr '\n' ' ')" "1280x720 800x480 contact-1280x720.png contact-800x480.png " \
  "only the asked sizes"
expect 0 "preview --lang" "$KP" preview "$SM" --out prev-en --size 1920x1080 --lang en,fa
same "$(ls prev-en/1920x1080 | tr '\n' ' ')" "01-before-you-leave.en.png 01-before-you-leave.fa.png 02-documents.en.png 02-documents.fa.png 03-work-contract.en.png 03-work-contract.fa.png 04-trafficking-signs.en.png 04-trafficking-signs.fa.png 05-get-help.en.png 05-get-help.fa.png " \
  "only the asked languages"
expect 2 "preview --lang of a language the pack lacks" "$KP" preview "$SM" --out prev-x --lang de
has_line out/stderr "kiosk-pack preview: --lang de: the pack has no such language (it has ru, kk, ky, tg, uz, tk, en, fa)" \
  "the missing language is named"
expect 2 "preview without --out" "$KP" preview "$SM"

echo "# preview: parts"
expect 0 "preview of a page that flows onto parts" "$KP" preview c10 --out prev-parts --size 800x480 --lang en
same "$(ls prev-parts/800x480 | tr '\n' ' ')" "01-news.en-part1.png 01-news.en-part2.png 01-news.en-part3.png 02-picture.en.png " \
  "one picture per part"

echo "# preview: a built pack"
expect 0 "preview of the source" "$KP" preview "$T/My Example" --out prev-src --size 1024x600
expect 2 "preview of a pack without --trusted" "$KP" preview new.kpack --out prev-pack --size 1024x600
mkdir tmp
expect 0 "preview of the built pack" env TMPDIR="$T/tmp" "$KP" preview new.kpack --trusted team.pub --out prev-pack --size 1024x600
diffs=0
for f in prev-src/1024x600/*.png; do cmp -s "$f" "prev-pack/1024x600/$(basename "$f")" || diffs=$((diffs + 1)); done
same "$diffs" "0" "the built pack looks exactly like its source"
same "$(ls prev-pack/1024x600 | wc -l)" "14" "every page of the built pack"
expect 0 "keygen of another key" "$KP" keygen other --unencrypted
expect 1 "preview refuses a pack from an untrusted key" env TMPDIR="$T/tmp" "$KP" preview new.kpack --trusted other.pub --out prev-other
same "$(ls tmp | wc -l)" "0" "no temporary folder is left behind"

e2e_done
