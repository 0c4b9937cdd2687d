#!/usr/bin/env bash
# test_import.sh — the team's document becomes a pack source:
#   a Markdown bulletin written here is turned by pandoc into DOCX, ODT and
#   HTML; each is imported and must give the same pages: cut at headings,
#   the long section cut further, the picture in media/ with its caption,
#   the table as a table, pack.json with the language and the page order;
#   the phone number stays text and lint points at its line; the source
#   builds. A corrupt DOCX, an unknown format and an existing folder are
#   refused with a clear message and nothing written.
#
# Usage: test_import.sh BUILD_DIR SOURCE_DIR. Prints every check; exits
# non-zero if any failed.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
mkdir doc

# The document: title, date, three sections (one long), a picture with a
# caption, a table of figures, a phone number in the text.
convert -size 320x200 xc:'#2a6f97' -fill '#f2c14e' -draw 'circle 160,100 160,40' doc/road.png
long=""
for i in 1 2 3 4 5 6 7 8; do
  long="$long

Paragraph $i of the long section, written to be long enough that one screen cannot hold all of it at once."
done
cat > doc/bulletin.md <<EOF
# Test bulletin

Issue 3, 10 July 2020

## Returning home

Partner organisations helped people on their way home.

![The road home, June 2020](road.png)

## Figures

| Figure | Number |
|---|---:|
| Cases | 76 698 |
| Recovered | 30 759 |

+------------+----------------+
| Office     | Hours          |
+============+================+
| Almaty     | Monday.        |
|            |                |
|            | Friday.        |
+------------+----------------+

## Hotlines

The hotline +992 900 800 800 takes calls day and night.

## Long section
$long
EOF
(cd doc && pandoc bulletin.md -o bulletin.docx && pandoc bulletin.md -o bulletin.odt &&
  pandoc bulletin.md -s --metadata pagetitle=Bulletin -o bulletin.html) || { echo "FAIL: pandoc"; exit 1; }

for fmt in docx odt html md; do
  echo "# import of the $fmt document"
  src=src-$fmt
  [ $fmt = md ] && file=doc/bulletin.md || file=doc/bulletin.$fmt
  expect 0 "import $fmt" "$KP" import "$file" --lang en --into $src
  same "$(python3 -c "import json; m = json.load(open('$src/pack.json')); print(m['id'], m['languages'], ' '.join(m['pages']))")" \
    "src-$fmt ['en'] 01-test-bulletin 02-returning-home 03-figures 04-hotlines 05-long-section 06-long-section-2 07-long-section-3" \
    "$fmt: pack.json has the language and the pages in order"
  has_line $src/pages/01-test-bulletin.en.md "# Test bulletin" "$fmt: the title is the first page's heading"
  has_line $src/pages/01-test-bulletin.en.md "Issue 3, 10 July 2020" "$fmt: the date is kept"
  has_line $src/pages/02-returning-home.en.md "# Returning home" "$fmt: a section heading becomes the page's title"
  has_line $src/pages/02-returning-home.en.md "![The road home, June 2020](../media/returning-home-1.png)" "$fmt: the picture with its caption"
  if cmp -s doc/road.png $src/media/returning-home-1.png || [ -s $src/media/returning-home-1.png ]; then ok "$fmt: the picture is in media/"; else bad "$fmt: the picture is in media/"; fi
  same "$(grep -c 'The road home' $src/pages/02-returning-home.en.md)" "1" "$fmt: the caption is not repeated as a paragraph"
  if grep -Eq '^\| Cases +\| +76 698 \|$' $src/pages/03-figures.en.md; then ok "$fmt: the table is a table"; else bad "$fmt: the table is a table"; fi
  if grep -Eq '^\| Almaty +\| Monday\. Friday\. +\|$' $src/pages/03-figures.en.md; then ok "$fmt: a cell of two paragraphs becomes one line of the table"; else bad "$fmt: a cell of two paragraphs becomes one line of the table"; fi
  has_line $src/pages/04-hotlines.en.md "The hotline +992 900 800 800 takes calls day and night." "$fmt: the phone number stays text"
  has_line $src/pages/06-long-section-2.en.md "# Long section" "$fmt: the long section goes on with its heading"
  expect 0 "lint $fmt" "$KP" lint $src
  line=$(grep -n '+992' $src/pages/04-hotlines.en.md | cut -d: -f1)
  has_line out/stdout "$src/pages/04-hotlines.en.md:$line: warning: «+992 900 800 800» looks like a phone number — if people should call it, put it in a \`\`\`hotlines block (country | number | channel), where the kiosk shows it large; if it is not a phone number, leave it as it is" \
    "$fmt: lint points at the phone number's line"
  if grep -q 'too short\|does not fit' out/stdout; then bad "$fmt: every page fits and stays long enough"; else ok "$fmt: every page fits and stays long enough"; fi
done

echo "# two sections of the same name"
convert doc/road.png -negate doc/road2.png
printf '# Photo\n\n![First](road.png)\n\n# Photo\n\n![Second](road2.png)\n' > doc/twice.md
expect 0 "import" "$KP" import doc/twice.md --lang en --into src-twice
has_line src-twice/pages/01-photo.en.md "![First](../media/photo-1.png)" "the first picture"
has_line src-twice/pages/02-photo.en.md "![Second](../media/photo-2.png)" "the second picture keeps its own file"
if cmp -s src-twice/media/photo-2.png doc/road2.png; then ok "and it is the second picture"; else bad "and it is the second picture"; fi

echo "# bad input: nothing written"
head -c 3000 doc/bulletin.docx > doc/broken.docx
expect 1 "a corrupt DOCX is refused" "$KP" import doc/broken.docx --lang en --into src-broken
if grep -q '^kiosk-pack import: doc/broken.docx: pandoc could not read it as docx (' out/stderr; then ok "the message names the file"; else bad "the message names the file"; fi
same "$(ls -d src-broken* 2>/dev/null | wc -l)" "0" "nothing was written"
cp doc/bulletin.md doc/bulletin.txt
expect 2 "a format pandoc is not asked for" "$KP" import doc/bulletin.txt --lang en --into src-txt
has_line out/stderr "kiosk-pack import: doc/bulletin.txt: not a .docx, .odt, .html or .md file — save the document in one of these formats first" "it says which formats"
before=$(tree src-docx)
expect 2 "an existing folder is not overwritten" "$KP" import doc/bulletin.docx --lang en --into src-docx
same "$(tree src-docx)" "$before" "the folder is unchanged"

e2e_done
