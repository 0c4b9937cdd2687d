#!/usr/bin/env bash
# test_po.sh — translators' files, end to end:
#   round trip  po export then po import of the three real packs changes no
#               byte of any page (and gettext's msgfmt -c accepts the files);
#   edits       a translation changed in a PO file changes that text only;
#               a missing language page is written from the source page
#               with numbers, phone numbers and addresses kept as they are;
#   bad input   a PO syntax error, a PO for a language the pack lacks, one
#               in the source language, a translation that would break its
#               block: each refused with the file and line, nothing written.
#
# Usage: test_po.sh BUILD_DIR SOURCE_DIR. Prints every check; exits non-zero
# if any failed.
set -u
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
# small SRC DST: a copy of the bulletin with two languages (ru, en) and three
# pages, so that lint and build stay quick.
small() {
  cp -r "$1" "$2"
  python3 - "$2" <<'PY'
import json, os, sys
d = sys.argv[1]
m = json.load(open(d + "/pack.json", encoding="utf-8"))
m["languages"] = ["ru", "en"]
m["pages"] = ["01-returning-home", "02-covid", "07-hotlines"]
m.pop("needs_review", None)
json.dump(m, open(d + "/pack.json", "w", encoding="utf-8"), ensure_ascii=False, indent=2)
for f in os.listdir(d + "/pages"):
    page, lang = f.split(".")[0], f.split(".")[1]
    if page not in m["pages"] or lang not in m["languages"]:
        os.remove(d + "/pages/" + f)
for f in os.listdir(d + "/media"):
    if f not in ("returning-home.jpg",):
        os.remove(d + "/media/" + f)
PY
}

echo "# round trip: the real packs"
for p in bulletin-2020-07 hotlines-central-asia safe-migration; do
  cp -r "$S/content-packs/$p" "$p"
  expect 0 "po export $p" "$KP" po export "$p" --out "po-$p"
  n_po=$(ls "po-$p"/*.po | wc -l)
  n_lang=$(grep -c '^    "[a-z][a-z]"' "$p/pack.json" | head -1)
  same "$(ls "po-$p"/*.pot | wc -l)" "1" "$p: one template"
  bad_po=0
  for f in "po-$p"/*.po "po-$p"/*.pot; do msgfmt -c -o /dev/null "$f" 2>/dev/null || bad_po=$((bad_po + 1)); done
  same "$bad_po" "0" "$p: msgfmt -c accepts every file"
  if grep -q 'msgstr ""$' "po-$p/en.po" && ! grep -A1 'msgstr ""$' "po-$p/en.po" | grep -q '^"'; then
    bad "$p: every English text is filled in"
  else
    ok "$p: every English text is filled in"
  fi
  expect 0 "po import $p" "$KP" po import "po-$p" --into "$p"
  if diff -r -x po "$S/content-packs/$p" "$p" >out/stdout; then
    ok "$p: export then import changes no byte of any page"
  else
    bad "$p: export then import changes no byte of any page"
  fi
  same "$(ls "$p/po" | wc -l)" "$n_po" "$p: the record keeps one PO file per language"
done

echo "# what export leaves out"
p=bulletin-2020-07
if grep -q '^msgid "+992 900 800 800"$\|^msgid "iomastana@iom.int"$\|^msgid "76 698"$' "po-$p/$p.pot"; then
  bad "numbers, phone numbers and addresses are not texts to translate"
else
  ok "numbers, phone numbers and addresses are not texts to translate"
fi
has_line "po-$p/$p.pot" "#. Label under the big number 76$(printf '\302\240')698 on page 02-covid; the number stays as it is." \
  "a big number's label says which number it belongs to"
has_line "po-$p/$p.pot" '#: pages/02-covid.ru.md:9' "the reference names the page and line"
has_line "po-$p/$p.pot" 'msgctxt "02-covid/3"' "each text has its place as context"

echo "# a changed translation changes that text only"
sed -i 's/^msgstr "Returning home"$/msgstr "Coming home"/' "po-$p/en.po"
expect 0 "import the edited file" "$KP" po import "po-$p" --into "$p"
changed=$(diff -r -x po -q "$S/content-packs/$p" "$p" | wc -l)
same "$changed" "1" "one page changed"
diff "$S/content-packs/$p/pages/01-returning-home.en.md" "$p/pages/01-returning-home.en.md" | grep '^[<>]' >out/stdout
same "$(cat out/stdout | tr '\n' '|')" "< # Returning home|> # Coming home|" "only the title's line changed"

echo "# a missing language page is written from the source page"
rm "$p/pages/07-hotlines.en.md"
expect 0 "import with the English page gone" "$KP" po import "po-$p" --into "$p"
has_line "$p/pages/07-hotlines.en.md" "# Hotlines" "the page's title is in English"
has_line "$p/pages/07-hotlines.en.md" "Tajikistan | +992 900 800 800 | mobile" "the phone number is kept as it is"
has_line "$p/pages/07-hotlines.en.md" "Kazakhstan | 11616 | phone" "the short number is kept as it is"

echo "# out-of-date translations"
rm -rf f && small "$S/content-packs/$p" f
"$KP" po export f --out fpo >/dev/null && "$KP" po import fpo --into f >/dev/null
"$KP" keygen k --unencrypted >/dev/null 2>&1
expect 0 "lint after import" "$KP" lint f --size 800x480
if grep -q 'translation\|translated' out/stdout; then bad "no translation findings while everything is current"; else ok "no translation findings while everything is current"; fi
sed -i 's/^# Возвращение домой$/# Возвращение на родину/' f/pages/01-returning-home.ru.md
poline=$(grep -n '^msgctxt "01-returning-home/1"$' f/po/en.po | cut -d: -f1)
expect 0 "lint of a source changed after translation (warnings only)" "$KP" lint f --size 800x480
has_line out/stdout "f/pages/01-returning-home.en.md:5: warning: out-of-date translation: the ru text changed since it was translated (po/en.po:$poline has the old one), now «Возвращение на родину» — export the PO files (kiosk-pack po export), have en.po reviewed and import it; until then the kiosk shows page \"01-returning-home\" in ru" \
  "lint names the language page's line and the PO entry"
same "$(grep -c 'out-of-date translation' out/stdout)" "1" "once per translated language"
expect 0 "build still works" "$KP" build f --key k.key --out f.kpack
mkdir u && tar -xzf f.kpack -C u
if cmp -s u/pages/01-returning-home.en.md f/pages/01-returning-home.ru.md; then ok "the pack shows that page in ru in the en slot"; else bad "the pack shows that page in ru in the en slot"; fi
if cmp -s u/pages/02-covid.en.md f/pages/02-covid.en.md; then ok "other pages keep their translation"; else bad "other pages keep their translation"; fi
nr=$(python3 -c 'import json; print(json.load(open("u/pack.json"))["needs_review"]["en"])')
if [ "$nr" = "1 of 18 texts wait for a translator (0 fuzzy, 1 out of date, 0 not translated) in po/en.po" ]; then ok "needs_review follows from the PO files"; else bad "needs_review follows from the PO files"; fi
expect 0 "build --allow-fuzzy" "$KP" build f --key k.key --out g.kpack --allow-fuzzy
mkdir v && tar -xzf g.kpack -C v
if cmp -s v/pages/01-returning-home.en.md f/pages/01-returning-home.en.md; then ok "--allow-fuzzy ships the translation"; else bad "--allow-fuzzy ships the translation"; fi

expect 0 "export again" "$KP" po export f --out fpo
grep -B3 '^msgctxt "01-returning-home/1"$' fpo/en.po > out/stdout
has_line out/stdout "#, fuzzy" "the entry is fuzzy"
has_line out/stdout '#| msgid "Возвращение домой"' "with the text it was translated from"

echo "# the translator marks a text fuzzy, then confirms"
python3 - fpo/en.po <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace('msgctxt "02-covid/1"', '#, fuzzy\nmsgctxt "02-covid/1"', 1)
open(p, "w", encoding="utf-8").write(s)
PY
expect 0 "import a file with fuzzy entries" "$KP" po import fpo --into f
poline=$(grep -n '^msgctxt "02-covid/1"$' f/po/en.po | cut -d: -f1)
expect 0 "lint" "$KP" lint f --size 800x480
has_line out/stdout "f/pages/02-covid.en.md:4: warning: fuzzy translation of «COVID-19 в Центральной Азии» (po/en.po:$poline): the translator marked it for review — until it is confirmed in en.po and imported, the kiosk shows page \"02-covid\" in ru (build --allow-fuzzy shows it anyway)" \
  "a fuzzy entry is reported on its page and line"
python3 - fpo/en.po <<'PY'
import sys, re
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = re.sub(r'#, fuzzy\n(#\| msgid .*\n)?', '', s)
s = s.replace('msgstr "Returning home"', 'msgstr "Going home"', 1)
open(p, "w", encoding="utf-8").write(s)
PY
expect 0 "import the confirmed file" "$KP" po import fpo --into f
has_line f/pages/01-returning-home.en.md "# Going home" "the new translation is in the page"
expect 0 "lint" "$KP" lint f --size 800x480
if grep -q 'en.md.*translation' out/stdout; then bad "no translation findings once confirmed"; else ok "no translation findings once confirmed"; fi
expect 0 "build" "$KP" build f --key k.key --out h.kpack
mkdir w && tar -xzf h.kpack -C w
if grep -q '"en":' <(python3 -c 'import json,sys; print(json.dumps(json.load(open("w/pack.json")).get("needs_review", {})))'); then
  bad "needs_review for en is gone once every text is confirmed"
else
  ok "needs_review for en is gone once every text is confirmed"
fi

echo "# a language added to the pack"
rm -rf d && small "$S/content-packs/$p" d
python3 - d/pack.json <<'PY'
import json, sys
p = sys.argv[1]
m = json.load(open(p, encoding="utf-8"))
m["languages"].append("de")
json.dump(m, open(p, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
expect 0 "export with a language that has no pages yet" "$KP" po export d --out dpo
has_line out/stdout "dpo/de.po: 0 of 18 texts translated, 0 fuzzy" "nothing is translated yet"
sed -i '0,/^msgstr ""$/! {0,/^msgstr ""$/ s/^msgstr ""$/msgstr "Heimkehr"/}' dpo/de.po
same "$(grep -c '^msgstr "Heimkehr"$' dpo/de.po)" "1" "one text translated (the first page's title)"
expect 0 "import it" "$KP" po import dpo --into d
same "$(ls d/pages/*.de.md | wc -l)" "3" "every page now has a de file"
if cmp -s d/pages/02-covid.de.md d/pages/02-covid.ru.md; then ok "an untranslated page starts as the ru page"; else bad "an untranslated page starts as the ru page"; fi
has_line d/pages/01-returning-home.de.md "# Heimkehr" "the translated title is in its page"
expect 0 "lint" "$KP" lint d --size 800x480
has_line out/stdout "d/pages/02-covid.de.md:4: warning: 6 of 6 texts not translated into de (po/de.po) — have de.po translated and import it (kiosk-pack po export, then po import); until then the kiosk shows page \"02-covid\" in ru" \
  "lint says how much of each page is not translated, with the line"

echo "# next month's issue: new --from"
printf -- '---\nduration: 20\nfrom: 2020-07-01\nuntil: 2020-07-31\n---\n# Новости\n' > f/pages/08-contacts.ru.md
expect 0 "new --from last month" "$KP" new next --from f
has_line out/stdout "Made next from f: version 2, same pages, languages and pictures; \"created\" is now and the dates (valid_from, expires, and from/until of the pages) are cleared." "it says what it did"
same "$(python3 -c 'import json; m = json.load(open("next/pack.json")); print(m["id"], m["version"], m["created"] != "2020-07-10T00:00:00Z", "expires" in m)')" "bulletin-2020-07 2 True False" "same id, version bumped, created now, no expiry"
if diff -r -x 08-contacts.ru.md f/pages next/pages >/dev/null && diff -r f/media next/media >/dev/null && diff -r f/po next/po >/dev/null; then ok "pages, pictures and translations kept"; else bad "pages, pictures and translations kept"; fi
same "$(cat next/pages/08-contacts.ru.md | tr '\n' '|')" "---|duration: 20|---|# Новости|" "the page's dates are cleared"
expect 2 "new --from a folder that is not a pack source" "$KP" new next2 --from out
if [ -e next2 ]; then bad "nothing is left behind"; else ok "nothing is left behind"; fi

echo "# bad input: nothing is written"
cp -r "$S/content-packs/$p" b && rm -rf b/po
"$KP" po export b --out bad >/dev/null 2>&1
before=$(tree b)
sed -i 's/^msgstr "Returning home"$/msgstr "Coming home/' bad/en.po
# The line gettext's own msgfmt names.
line=$(msgfmt -c -o /dev/null bad/en.po 2>&1 | sed -n 's/^bad\/en.po:\([0-9]*\): .*/\1/p' | head -1)
expect 1 "a PO syntax error is refused" "$KP" po import bad --into b
if [ -n "$line" ] && grep -q "^kiosk-pack po import: bad/en.po:$line: " out/stderr; then ok "the error names the file and line ($line)"; else bad "the error names the file and line ($line)"; fi
same "$(tree b)" "$before" "nothing was written"

"$KP" po export b --out bad >/dev/null 2>&1
sed -i 's/^msgstr "Returning home"$/msgstr "Coming home"/' bad/en.po
sed 's/^"Language: en\\n"$/"Language: de\\n"/' bad/en.po > bad/de.po
expect 1 "a PO for a language the pack lacks is refused" "$KP" po import bad --into b
has_line out/stderr "kiosk-pack po import: bad/de.po: is a translation into \"de\", which the pack does not have (its languages: ru, kk, ky, tg, uz, tk, en) — add \"de\" to \"languages\" in b/pack.json first, or leave this file out; nothing was written" \
  "the message says which language and what to do"
same "$(tree b)" "$before" "nothing was written, not even the good en.po's page"
rm bad/de.po

sed 's/^"Language: en\\n"$/"Language: ru\\n"/' bad/en.po > bad/zz.po
expect 1 "a PO in the source language is refused" "$KP" po import bad --into b
same "$(tree b)" "$before" "nothing was written"
rm bad/zz.po

"$KP" po export b --out bad >/dev/null 2>&1
python3 - bad/en.po <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace('msgstr "Hotlines"', 'msgstr "Hot\\nlines"', 1)
s = s.replace('msgstr "Kazakhstan"', 'msgstr "Kazakhstan | KZ"', 1)
open(p, "w", encoding="utf-8").write(s)
PY
line=$(grep -n '^msgstr "Hot\\nlines"$' bad/en.po | cut -d: -f1)
expect 1 "a heading split over two lines is refused" "$KP" po import bad --into b
if grep -Eq "^kiosk-pack po import: nothing was written: bad/en.po:$((line - 2)): the translation of 0[0-9]-[a-z-]+/1 \(heading\) must stay on one line" out/stderr; then
  ok "the error names the entry's line"
else
  bad "the error names the entry's line"
fi
same "$(tree b)" "$before" "nothing was written"

echo "# a phone number changed in a translation"
h=hotlines-central-asia
"$KP" po export $h --out hpo >/dev/null 2>&1
hbefore=$(tree $h)
# The first entry whose translation has 1899: its number changed there.
ctx_line=$(python3 - hpo/en.po <<'PY'
import sys
p = sys.argv[1]
lines = open(p, encoding="utf-8").read().split("\n")
ctx = 0
in_str = False
for i, l in enumerate(lines):
    if l.startswith("msgctxt "):
        ctx = i + 1
    if l.startswith("msgstr"):
        in_str = True
    elif not l.startswith('"'):
        in_str = False
    if in_str and "1899" in l:
        lines[i] = l.replace("1899", "1898")
        print(ctx)
        break
open(p, "w", encoding="utf-8").write("\n".join(lines))
PY
)
expect 1 "a translation with a changed phone number is refused" "$KP" po import hpo --into $h
if grep -q "^kiosk-pack po import: nothing was written: hpo/en.po:$ctx_line: the translation of 01-hotlines/[0-9]* leaves out or changes the phone number «1899» of the source text" out/stderr; then
  ok "the message names the number and the entry's line"
else
  bad "the message names the number and the entry's line"
fi
same "$(tree $h)" "$hbefore" "nothing was written"

expect 2 "export into the pack's own record is refused" "$KP" po export f --out f/po
has_line out/stderr "kiosk-pack po export: f/po is the pack's own record of the translations — export into another folder, for example f-po" "it says why and what to do"

expect 2 "an import folder without PO files" "$KP" po import out --into b
expect 2 "po without a subcommand" "$KP" po

e2e_done
