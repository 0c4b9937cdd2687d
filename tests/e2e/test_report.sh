#!/bin/bash
# `kiosk-pack report` on logs made by the running kiosk: three sites, several
# visits a month apart (the kiosk's clock set with --time), sticks prepared
# with `kiosk-pack stick`, an unclean restart, a refused pack; the sticks'
# folders copied home twice. Then:
#   - the plays counted equal the distinct plays in all the copies (each
#     line as often as the one copy that has it most often), in HTML, JSON
#     and CSV alike;
#   - pack versions, expiry, restarts and problems since the last visit are
#     what happened;
#   - every kind of bad input is named with its file (and line) and the
#     report is still written, with the same numbers;
#   - text from a log cannot inject markup;
#   - the HTML, opened in headless Chromium, draws tables and charts and
#     does not overflow sideways at 1280 or 500 pixels (the narrowest headless window) (a screenshot is
#     kept in the build folder: tests/report-1280.png).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
# Chromium's own helpers may outlive it; they are known by their folder.
E2E_CLEANUP='pkill -f "user-data-dir=$T" 2>/dev/null'

newkey key
mk() { # id version "pages" [expires]
  pack_make key.key "packs/$1-$2.kpack" "src/$1-$2" "$1" "$2" --title "$1" --title-ru "$1" \
    --created 2026-08-01T00:00:00Z --langs "ru en ky" --pages "$3" ${4:+--expires "$4"}
}
mk bulletin 1 "intro hotlines"
mk bulletin 2 "intro hotlines rights"
mk hotlines 1 "numbers" 2027-02-01T00:00:00Z

lines() { cat "$1" 2>/dev/null | wc -l; }
grown() { [ "$(lines "$1")" -ge "$2" ]; }
# One day at a site: the kiosk runs from TIME (its clock set so), shows
# pages for SECS, then takes STICK (if any) and is stopped; "crash" stops
# it with SIGKILL instead, before any stick.
day() { # site country time stick secs [crash]
  local s="$T/sites/$1"
  mkdir -p "$s/logs" "$s/roots"
  printf '[site]\nid = %s\nname = Пост %s\ncountry = %s\nlanguages = ru,en,ky\n[display]\ntransition = none\n[paths]\nlog_dir = %s\nusb_roots =\n' \
    "$1" "${1#post-}" "$2" "$s/logs" > "$s/k.conf"
  touch "$s/out.txt"
  kiosk_start "$s/out.txt" --config "$s/k.conf" --headless --size 640x360 --store "$s/store" --trusted "$T/key.pub" \
    --usb-root "$s/roots" --time "$3" --speed 50 || fail "$1: the kiosk did not start"
  # Let pages go by until the play log has grown by a few lines.
  wait_for 10 grown "$s/logs/playlog.csv" $(($(lines "$s/logs/playlog.csv") + $5)) || true
  if [ "${6:-}" = crash ]; then
    kill -9 "$KPID"; wait "$KPID" 2>/dev/null || true
    KPID=""
    return
  fi
  if [ -n "$4" ]; then
    local seen
    seen=$(visits_ended "$s/out.txt")
    mv "$4" "$s/roots/stick"
    wait_for 20 visits_more "$s/out.txt" "$seen" || true
    mv "$s/roots/stick" "$4"
  fi
  kiosk_stop || true
}

mkdir -p "$T/stickA" "$T/stickB" "$T/stickC"
"$KP" stick "$T/stickA" --packs "$T/packs/bulletin-1.kpack" "$T/packs/hotlines-1.kpack" > /dev/null
# First visits: nothing installed yet, so nothing is played before the stick.
day post-1 KZ 2027-01-10T09:00:00Z "$T/stickA" 0
day post-2 KG 2027-01-11T09:00:00Z "$T/stickA" 0
day post-3 TJ 2027-01-12T09:00:00Z "$T/stickA" 0
cp -a "$T/stickA" "$T/hq-jan"           # brought home in January
day post-3 TJ 2027-01-20T09:00:00Z "" 6 crash  # power cut
day post-1 KZ 2027-02-10T09:00:00Z "" 6
"$KP" stick "$T/stickB" --packs "$T/packs" > /dev/null
day post-1 KZ 2027-02-14T09:00:00Z "$T/stickB" 6
"$KP" stick "$T/stickC" --packs "$T/packs/bulletin-2.kpack" > /dev/null
"$KP" keygen "$T/stranger" --unencrypted > /dev/null
cp -a "$T/src/hotlines-1" "$T/src/other-1" && sed -i 's/"hotlines"/"other"/' "$T/src/other-1/pack.json"
"$KP" build "$T/src/other-1" --key "$T/stranger.key" --out "$T/stickC/kiosk/other-1.kpack" > /dev/null
day post-3 TJ 2027-02-12T09:00:00Z "$T/stickC" 6
grep -q "Refused" "$T/sites/post-3/out.txt" || fail "post-3: the broken pack was not refused"
for s in A B C; do cp -a "$T/stick$s" "$T/hq-$s"; done
# stickA went round again in February: its January logs of post-1..3 are
# still on it, so hq-A overlaps hq-jan completely.

# The plays in all the copies, each line as often as the copy that has it
# most often (the rule the report promises), per site.
expect_plays() {
  find "$@" -name playlog.csv | sort | while read -r f; do
    site=$(basename "$(dirname "$f")")
    tail -n +2 "$f" | sort | uniq -c | awk -v s="$site" '{ $1 = $1; c = $1; $1 = ""; print s "\t" c "\t" substr($0, 2) }'
  done | awk -F'\t' '{ k = $1 "\t" $3; if ($2 > m[k]) m[k] = $2 } END { for (k in m) { split(k, a, "\t"); t[a[1]] += m[k]; all += m[k] } for (s in t) print s, t[s]; print "all", all }' | sort
}
expect_plays "$T/hq-jan" "$T/hq-A" "$T/hq-B" "$T/hq-C" > "$T/expected.txt"
cat "$T/expected.txt"
total=$(awk '$1 == "all" { print $2 }' "$T/expected.txt")
[ "$total" -ge 20 ] || fail "too few plays made by the kiosks ($total)"

"$KP" report "$T/hq-jan" "$T/hq-A" "$T/hq-B" "$T/hq-C" --out "$T/r.html" --json "$T/r.json" \
  --csv "$T/csv" --packs "$T/packs" --now 2027-03-01T00:00:00Z > "$T/out.txt" 2> "$T/err" || fail "report: $(cat "$T/err")"
cat "$T/out.txt"
[ ! -s "$T/err" ] || fail "clean input gave problems: $(cat "$T/err")"

# Numbers: the same in JSON, CSV and HTML, and as expected.
jq() { python3 -c "import json,sys; d=json.load(open('$T/r.json')); $1"; }
site_json() { jq "s=[x for x in d['sites'] if x['id']=='$1'][0]; print($2)"; }
[ "$(jq "print(d['totals']['plays'])")" = "$total" ] || fail "JSON total plays $(jq "print(d['totals']['plays'])"), expected $total"
[ "$(awk -F, 'NR > 1 { n += $7 } END { print n }' "$T/csv/plays.csv")" = "$total" ] || fail "plays.csv does not add up to $total"
[ "$(awk -F, 'NR > 1 { n += $11 } END { print n }' "$T/csv/sites.csv")" = "$total" ] || fail "sites.csv does not add up to $total"
grep -q " · $total plays, " "$T/r.html" || fail "the HTML does not say $total plays"
for s in post-1 post-2 post-3; do
  want=$(awk -v s=$s '$1 == s { print $2 }' "$T/expected.txt")
  [ "$(site_json $s "s['plays']")" = "${want:-0}" ] || fail "$s: $(site_json $s "s['plays']") plays, expected ${want:-0}"
done
echo "ok: $total plays, none counted twice across 4 copies of 3 sticks, the same in HTML, JSON and CSV"

[ "$(site_json post-1 "s['country'], s['name'], len(s['visits'])")" = "KZ Пост 1 2" ] || fail "post-1: country, name, visits"
[ "$(site_json post-1 "s['last_visit'][:10]")" = 2027-02-14 ] || fail "post-1: last visit"
[ "$(site_json post-1 "[(p['id'], p['installed'], p['state']) for p in s['packs']]")" = "[('bulletin', 2, 'current'), ('hotlines', 1, 'expired')]" ] \
  || fail "post-1 packs: $(site_json post-1 "s['packs']")"
[ "$(site_json post-2 "[(p['id'], p['installed'], p['newest_known'], p['state']) for p in s['packs']]")" = "[('bulletin', 1, 2, 'stale'), ('hotlines', 1, 1, 'expired')]" ] \
  || fail "post-2 packs: $(site_json post-2 "s['packs']")"
[ "$(site_json post-1 "s['restarts'], s['unclean_restarts']")" = "2 0" ] || fail "post-1 restarts: $(site_json post-1 "s['restarts'], s['unclean_restarts']")"
[ "$(site_json post-3 "s['restarts'], s['unclean_restarts']")" = "2 1" ] || fail "post-3 restarts: $(site_json post-3 "s['restarts'], s['unclean_restarts']")"
[ "$(site_json post-3 "s['warnings'] + s['errors'] > 0")" = True ] || fail "post-3: the refused pack is not among the problems"
[ "$(site_json post-3 "s['since'][:10]")" = 2027-01-12 ] || fail "post-3: since"
grep -q "^post-2,bulletin,bulletin,1,0,2,,stale$" "$T/csv/packs.csv" || fail "packs.csv: post-2 bulletin stale"
grep -q "^post-3,20.*,unclean_restart," "$T/csv/problems.csv" || fail "problems.csv: the unclean restart"
echo "ok: pack versions, expiry, restarts and problems since the last visit"

# Bad input, each kind; the numbers above must not change.
bad="$T/bad"
mkdir -p "$bad/damaged" "$bad/newer/kiosk-logs/post-2" "$bad/notalog/photos" "$bad/torn" "$bad/garbage/kiosk-logs/post-3" "$bad/loop"
cp -a "$T/hq-B/kiosk-logs" "$bad/damaged/"
sed -i '3s/.*/2027-02-10T09:00:0,bulletin,1,intro/' "$bad/damaged/kiosk-logs/post-1/playlog.csv"
printf 'time,pack_id,version,page,lang,seconds_shown,screen\n2027-02-20T09:00:00Z,bulletin,2,intro,ru,15.0,main\n' > "$bad/newer/kiosk-logs/post-2/playlog.csv"
sed 's/^Format:      1$/Format:      2/' "$T/hq-A/kiosk-logs/post-2/status.txt" > "$bad/newer/kiosk-logs/post-2/status.txt"
echo jpeg > "$bad/notalog/photos/a.jpg"
cp -a "$T/hq-B/kiosk-logs" "$bad/torn/"
f="$bad/torn/kiosk-logs/post-1/playlog.csv"
torn_line=$(wc -l < "$f")
head -c -8 "$f" > "$f.x" && mv "$f.x" "$f"
echo "half" > "$bad/torn/kiosk-logs/post-1/.playlog.csv.tmp"
head -c 3000 /dev/urandom | tr -d '\n' > "$bad/garbage/kiosk-logs/post-3/kiosk.log"
printf '\x89PNG\r\n' > "$bad/garbage/kiosk-logs/post-3/status.txt"
ln -s .. "$bad/loop/up"
echo "not a folder" > "$bad/file.txt"
"$KP" report "$T/hq-jan" "$T/hq-A" "$T/hq-B" "$T/hq-C" "$bad/damaged" "$bad/newer" "$bad/notalog" \
  "$bad/torn" "$bad/garbage" "$bad/loop" "$bad/file.txt" "$bad/missing" --out "$T/r2.html" --json "$T/r2.json" \
  --csv "$T/csv2" --packs "$T/packs" --now 2027-03-01T00:00:00Z > "$T/out2" 2> "$T/err2" \
  || fail "report with bad input failed: $(cat "$T/err2")"
cat "$T/err2"
has() { # "FILE[:LINE]: level: message": on stderr as it is, and the file in the HTML
  grep -qF -- "$1" "$T/err2" || fail "bad input not reported: $1"
  grep -qF -- "${1%%:*}" "$T/r2.html" || fail "not in the HTML: ${1%%:*}"
}
has "$bad/damaged/kiosk-logs/post-1/playlog.csv:3: warning: damaged line"
has "$bad/newer/kiosk-logs/post-2/playlog.csv:1: warning: a newer play log format"
has "$bad/newer/kiosk-logs/post-2/status.txt:"
grep -q "status.txt:[0-9]*: warning: status format 2 is newer" "$T/err2" || fail "newer status format not reported with its line"
has "$bad/notalog: warning: no kiosk logs in this folder"
has "$bad/torn/kiosk-logs/post-1/playlog.csv:$torn_line: note: the last line is incomplete"
has "$bad/torn/kiosk-logs/post-1/.playlog.csv.tmp: note: left by a copy that was interrupted"
has "$bad/garbage/kiosk-logs/post-3/kiosk.log: warning: not a kiosk log"
has "$bad/garbage/kiosk-logs/post-3/status.txt:1: warning: not a kiosk status file"
has "$bad/file.txt: warning: not a folder"
has "$bad/missing: warning: No such file or directory"
[ "$(python3 -c "import json; print(json.load(open('$T/r2.json'))['totals']['plays'])")" = "$total" ] || fail "bad input changed the total"
[ "$(python3 -c "import json; print(len(json.load(open('$T/r2.json'))['input_problems']))")" = "$(($(wc -l < "$T/csv2/input-problems.csv") - 1))" ] \
  || fail "input-problems.csv and JSON disagree"
echo "ok: every kind of bad input is named with its file and line; the report is written with the same numbers"

# Copies of one kiosk's play log that overlap in part, one with its clock
# set back midway (lines out of time order) and a page shown twice in the
# same second: the same rule, whichever way the report reads them.
ck="$T/clock"
mkdir -p "$ck/a/kiosk-logs/post-5" "$ck/b/kiosk-logs/post-5" "$ck/c/kiosk-logs/post-5"
line() { printf '2027-01-%02dT10:00:%02dZ,bulletin,2,intro,%s,15.0\n' "$1" "$2" "$3"; }
{ echo "time,pack_id,version,page,lang,seconds_shown"; line 1 0 ru; line 1 15 en; line 2 0 ru; line 2 15 en; } > "$ck/a/kiosk-logs/post-5/playlog.csv"
{ echo "time,pack_id,version,page,lang,seconds_shown"; line 2 0 ru; line 2 15 en; line 3 0 ru; line 3 0 ru; line 1 30 ky; line 4 0 ru; } > "$ck/b/kiosk-logs/post-5/playlog.csv"
{ echo "time,pack_id,version,page,lang,seconds_shown"; line 3 0 ru; line 1 30 ky; line 4 0 ru; line 5 0 en; } > "$ck/c/kiosk-logs/post-5/playlog.csv"
expect_plays "$ck" > "$T/ck-expected.txt"
ck_total=$(awk '$1 == "all" { print $2 }' "$T/ck-expected.txt")
[ "$ck_total" = 9 ] || fail "clock case: the expectation itself is off ($ck_total)"
for order in "a b c" "c b a" "b c a"; do
  set -- $order
  "$KP" report "$ck/$1" "$ck/$2" "$ck/$3" --out "$T/ck.html" --json "$T/ck.json" > /dev/null 2>&1 || fail "clock case report"
  got=$(python3 -c "import json; print(json.load(open('$T/ck.json'))['totals']['plays'])")
  [ "$got" = "$ck_total" ] || fail "clock set back, copies in order $order: $got plays, expected $ck_total"
done
echo "ok: partly overlapping copies, a clock set back, a page twice in one second: $ck_total plays in any order"

# A status that says a pack is damaged (nothing to show) and the clock is
# wrong, as fieldlog.c writes it.
dm="$T/damaged-site/kiosk-logs/post-8"
mkdir -p "$dm"
cat > "$dm/status.txt" <<'TXT'
Kiosk status, written 2027-02-20 09:00:00 UTC (by the kiosk's clock)

Site:        post-8 (Пост 8)
Country:     UZ
Software:    kiosk 0.1.0
Format:      1
Uptime:      3 days 4 h 12 min
Clock:       clock is behind the last known time by 3 days — set the clock
             kiosk clock 2027-02-20 09:00:00 UTC, last known time 2027-02-23 09:00:00 UTC
Free space:  1.2 GiB on the pack store (/var/lib/kiosk/store)

Installed packs: 2
  bulletin: nothing to show (damaged; no good previous version) — bring the pack again
  hotlines: version 1 "Горячие линии" (expires 2099-01-01 00:00:00 UTC)
TXT
"$KP" report "$T/damaged-site" --out "$T/dm.html" --json "$T/dm.json" --csv "$T/dm-csv" --now 2027-03-01T00:00:00Z > /dev/null 2>&1 || fail "damaged-site report"
python3 - "$T/dm.json" <<'PY' || fail "damaged content: $(cat "$T/dm.json" | head -c 800)"
import json, sys
s = json.load(open(sys.argv[1]))["sites"][0]
assert [(p["id"], p["state"]) for p in s["packs"]] == [("bulletin", "damaged"), ("hotlines", "current")], s["packs"]
assert s["packs"][1]["title"] == "Горячие линии" and s["packs"][1]["expires"] == "2099-01-01T00:00:00Z", s["packs"][1]
assert s["visits"][0]["clock_ok"] is False and s["last_visit"] == "2027-02-23T09:00:00Z", s["visits"]
PY
grep -q "bulletin: damaged, nothing to show" "$T/dm.html" || fail "the HTML does not show the damaged pack"
grep -q "clock wrong" "$T/dm.html" || fail "the HTML does not show the wrong clock"
grep -q "^post-8,bulletin,,0,0,0,,damaged$" "$T/dm-csv/packs.csv" || fail "packs.csv: $(cat "$T/dm-csv/packs.csv")"
echo "ok: damaged content and a wrong clock, from status.txt"

# Text from a log is data, never markup.
evil="$T/evil/kiosk-logs/post-1"
mkdir -p "$evil"
printf 'time,pack_id,version,page,lang,seconds_shown\n2027-02-20T09:00:00Z,bulletin,2,<img src=x onerror=alert(1)>,ru,15.0\n2027-02-20T09:00:15Z,bulletin,2,=HYPERLINK(1),ru,15.0\n' > "$evil/playlog.csv"
printf 'Kiosk status, written 2027-02-20 09:00:00 UTC (by the kiosk'"'"'s clock)\n\nSite:        post-1 (<b>bold</b>)\n' > "$evil/status.txt"
"$KP" report "$T/evil" --out "$T/r3.html" --csv "$T/csv3" --now 2027-03-01T00:00:00Z > /dev/null 2>&1 || fail "evil report"
grep -q "<img src=x" "$T/r3.html" && fail "markup from a log reached the HTML"
grep -q "<b>bold" "$T/r3.html" && fail "markup from a status reached the HTML"
grep -q "&lt;img src=x onerror=alert(1)&gt;" "$T/r3.html" || fail "the page name is not shown escaped"
grep -q "<script" "$T/r.html" "$T/r2.html" "$T/r3.html" && fail "a report has a script"
grep -Eq "(src|href)=\"(https?:)?//" "$T/r.html" && fail "the report fetches something"
grep -q ",\"'=HYPERLINK(1)\"," "$T/csv3/plays.csv" || fail "a formula in a CSV field is not defused"
echo "ok: text from logs is escaped in HTML and CSV; no scripts, nothing fetched"

# As a person sees it: headless Chromium, a screenshot and a look at the
# laid-out page through an instrumented copy (the report itself has no
# script).
if ! command -v chromium > /dev/null; then fail "chromium is missing (tools/deps installs it)"; fi
shots="$B/tests"
mkdir -p "$shots"
browse() { # width html out...
  timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions \
    --user-data-dir="$T/chrome" --window-size="$1,1400" "${@:3}" "file://$2" 2>> "$T/chrome.log"
}
browse 1280 "$T/r2.html" --screenshot="$shots/report-1280.png" > /dev/null
[ -s "$shots/report-1280.png" ] || fail "no screenshot"
sd=$(convert "$shots/report-1280.png" -colorspace gray -format '%[fx:standard_deviation]' info:)
python3 -c "import sys; sys.exit(0 if float('$sd') > 0.05 else 1)" || fail "the screenshot is blank (deviation $sd)"
cat > "$T/probe.js" <<'EOF'
<script>
addEventListener('load', function () {
  var d = document.documentElement, b = document.body, bad = [];
  document.querySelectorAll('table, svg, figure, h1, h2, h3').forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (e.tagName !== 'svg' && r.right > innerWidth + 1 && !e.closest('.scroll')) bad.push(e.tagName);
    if (r.width < 1 || r.height < 1) bad.push('empty ' + e.tagName);
  });
  b.setAttribute('data-probe', JSON.stringify({
    overflow: d.scrollWidth > innerWidth + 1, width: innerWidth, scroll: d.scrollWidth,
    tables: document.querySelectorAll('table').length, charts: document.querySelectorAll('svg rect').length,
    rows: document.querySelectorAll('table.fleet tbody tr').length, bad: bad }));
});
</script>
EOF
cp "$T/r2.html" "$T/probe.html"
cat "$T/probe.js" >> "$T/probe.html"
for w in 1280 500; do
  browse $w "$T/probe.html" --dump-dom --virtual-time-budget=2000 > "$T/dom-$w.html"
  probe=$(grep -o "data-probe=\"[^\"]*\"" "$T/dom-$w.html" | sed 's/^data-probe="//; s/"$//; s/&quot;/"/g')
  [ -n "$probe" ] || fail "$w px: the page did not load in Chromium: $(tail -5 "$T/chrome.log")"
  echo "$w px: $probe"
  python3 - "$probe" <<'PY' || fail "$w px: $probe"
import json, sys
p = json.loads(sys.argv[1])
assert not p["overflow"], "the page scrolls sideways"
assert p["tables"] >= 8, "tables missing"
assert p["charts"] >= 10, "chart bars missing"
assert p["rows"] == 3, "fleet table rows"
assert not p["bad"], p["bad"]
PY
done
echo "ok: Chromium draws the report: tables, charts, no sideways overflow at 1280 and 500 px ($shots/report-1280.png)"
echo "ok: report"
