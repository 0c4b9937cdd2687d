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
build="$1"
kiosk="$build/kiosk/app/kiosk"
pack="$build/tools/kiosk-pack"
work="$(mktemp -d)"
trap 'pkill -f "kiosk --config $work" 2>/dev/null || true; pkill -f "user-data-dir=$work" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$pack" keygen "$work/key" --unencrypted > /dev/null
mk() { # id version "pages" [expires]
  local d="$work/src/$1-$2" pages=""
  mkdir -p "$d/pages" "$work/packs"
  for p in $3; do
    pages="$pages\"$p\","
    for l in ru en ky; do printf '# %s %s\n\nText of %s in %s, version %s.\n' "$p" "$l" "$p" "$l" "$2" > "$d/pages/$p.$l.md"; done
  done
  local exp=""
  [ -n "${4:-}" ] && exp=",\"expires\":\"$4\""
  printf '{"id":"%s","version":%s,"title":{"en":"%s","ru":"%s"},"created":"2026-08-01T00:00:00Z"%s,"languages":["ru","en","ky"],"pages":[%s]}\n' \
    "$1" "$2" "$1" "$1" "$exp" "${pages%,}" > "$d/pack.json"
  "$pack" build "$d" --key "$work/key.key" --out "$work/packs/$1-$2.kpack" > /dev/null
}
mk bulletin 1 "intro hotlines"
mk bulletin 2 "intro hotlines rights"
mk hotlines 1 "numbers" 2027-02-01T00:00:00Z

# One day at a site: the kiosk runs from TIME (its clock set so), shows
# pages for SECS, then takes STICK (if any) and is stopped; "crash" stops
# it with SIGKILL instead, before any stick.
day() { # site country time stick secs [crash]
  local s="$work/sites/$1"
  mkdir -p "$s/logs" "$s/roots"
  printf '[site]\nid = %s\nname = Пост %s\ncountry = %s\nlanguages = ru,en,ky\n[display]\ntransition = none\n[paths]\nlog_dir = %s\nusb_roots =\n' \
    "$1" "${1#post-}" "$2" "$s/logs" > "$s/k.conf"
  rm -f "$s/ready"
  : > "$s/out.txt"
  "$kiosk" --config "$s/k.conf" --headless --size 640x360 --store "$s/store" --trusted "$work/key.pub" \
    --usb-root "$s/roots" --time "$3" --speed 50 --ready-file "$s/ready" >> "$s/out.txt" 2>&1 &
  local k=$!
  for _ in $(seq 1 200); do [ -s "$s/ready" ] && break; sleep 0.05; done
  [ -s "$s/ready" ] || fail "$1: the kiosk did not start"
  # Let pages go by until the play log has grown by a few lines.
  local before
  before=$(cat "$s/logs/playlog.csv" 2>/dev/null | wc -l)
  for _ in $(seq 1 200); do
    [ "$(cat "$s/logs/playlog.csv" 2>/dev/null | wc -l)" -ge $((before + $5)) ] && break
    sleep 0.05
  done
  if [ "${6:-}" = crash ]; then
    kill -9 $k; wait $k 2>/dev/null || true
    return
  fi
  if [ -n "$4" ]; then
    grep -c 'remove the stick' "$s/out.txt" > "$s/seen" || true
    mv "$4" "$s/roots/stick"
    for _ in $(seq 1 400); do
      [ "$(grep -c 'remove the stick' "$s/out.txt")" -gt "$(cat "$s/seen")" ] && break
      sleep 0.05
    done
    mv "$s/roots/stick" "$4"
  fi
  kill $k; wait $k || true
}

mkdir -p "$work/stickA" "$work/stickB" "$work/stickC"
"$pack" stick "$work/stickA" --packs "$work/packs/bulletin-1.kpack" "$work/packs/hotlines-1.kpack" > /dev/null
# First visits: nothing installed yet, so nothing is played before the stick.
day post-1 KZ 2027-01-10T09:00:00Z "$work/stickA" 0
day post-2 KG 2027-01-11T09:00:00Z "$work/stickA" 0
day post-3 TJ 2027-01-12T09:00:00Z "$work/stickA" 0
cp -a "$work/stickA" "$work/hq-jan"           # brought home in January
day post-3 TJ 2027-01-20T09:00:00Z "" 6 crash  # power cut
day post-1 KZ 2027-02-10T09:00:00Z "" 6
"$pack" stick "$work/stickB" --packs "$work/packs" > /dev/null
day post-1 KZ 2027-02-14T09:00:00Z "$work/stickB" 6
"$pack" stick "$work/stickC" --packs "$work/packs/bulletin-2.kpack" > /dev/null
"$pack" keygen "$work/stranger" --unencrypted > /dev/null
cp -a "$work/src/hotlines-1" "$work/src/other-1" && sed -i 's/"hotlines"/"other"/' "$work/src/other-1/pack.json"
"$pack" build "$work/src/other-1" --key "$work/stranger.key" --out "$work/stickC/kiosk/other-1.kpack" > /dev/null
day post-3 TJ 2027-02-12T09:00:00Z "$work/stickC" 6
grep -q "Refused" "$work/sites/post-3/out.txt" || fail "post-3: the broken pack was not refused"
for s in A B C; do cp -a "$work/stick$s" "$work/hq-$s"; done
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
expect_plays "$work/hq-jan" "$work/hq-A" "$work/hq-B" "$work/hq-C" > "$work/expected.txt"
cat "$work/expected.txt"
total=$(awk '$1 == "all" { print $2 }' "$work/expected.txt")
[ "$total" -ge 20 ] || fail "too few plays made by the kiosks ($total)"

"$pack" report "$work/hq-jan" "$work/hq-A" "$work/hq-B" "$work/hq-C" --out "$work/r.html" --json "$work/r.json" \
  --csv "$work/csv" --packs "$work/packs" --now 2027-03-01T00:00:00Z > "$work/out" 2> "$work/err" || fail "report: $(cat "$work/err")"
cat "$work/out"
[ ! -s "$work/err" ] || fail "clean input gave problems: $(cat "$work/err")"

# Numbers: the same in JSON, CSV and HTML, and as expected.
jq() { python3 -c "import json,sys; d=json.load(open('$work/r.json')); $1"; }
site_json() { jq "s=[x for x in d['sites'] if x['id']=='$1'][0]; print($2)"; }
[ "$(jq "print(d['totals']['plays'])")" = "$total" ] || fail "JSON total plays $(jq "print(d['totals']['plays'])"), expected $total"
[ "$(awk -F, 'NR > 1 { n += $7 } END { print n }' "$work/csv/plays.csv")" = "$total" ] || fail "plays.csv does not add up to $total"
[ "$(awk -F, 'NR > 1 { n += $11 } END { print n }' "$work/csv/sites.csv")" = "$total" ] || fail "sites.csv does not add up to $total"
grep -q " · $total plays, " "$work/r.html" || fail "the HTML does not say $total plays"
for s in post-1 post-2 post-3; do
  want=$(awk -v s=$s '$1 == s { print $2 }' "$work/expected.txt")
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
grep -q "^post-2,bulletin,bulletin,1,0,2,,stale$" "$work/csv/packs.csv" || fail "packs.csv: post-2 bulletin stale"
grep -q "^post-3,20.*,unclean_restart," "$work/csv/problems.csv" || fail "problems.csv: the unclean restart"
echo "ok: pack versions, expiry, restarts and problems since the last visit"

# Bad input, each kind; the numbers above must not change.
bad="$work/bad"
mkdir -p "$bad/damaged" "$bad/newer/kiosk-logs/post-2" "$bad/notalog/photos" "$bad/torn" "$bad/garbage/kiosk-logs/post-3" "$bad/loop"
cp -a "$work/hq-B/kiosk-logs" "$bad/damaged/"
sed -i '3s/.*/2027-02-10T09:00:0,bulletin,1,intro/' "$bad/damaged/kiosk-logs/post-1/playlog.csv"
printf 'time,pack_id,version,page,lang,seconds_shown,screen\n2027-02-20T09:00:00Z,bulletin,2,intro,ru,15.0,main\n' > "$bad/newer/kiosk-logs/post-2/playlog.csv"
sed 's/^Format:      1$/Format:      2/' "$work/hq-A/kiosk-logs/post-2/status.txt" > "$bad/newer/kiosk-logs/post-2/status.txt"
echo jpeg > "$bad/notalog/photos/a.jpg"
cp -a "$work/hq-B/kiosk-logs" "$bad/torn/"
f="$bad/torn/kiosk-logs/post-1/playlog.csv"
torn_line=$(wc -l < "$f")
head -c -8 "$f" > "$f.x" && mv "$f.x" "$f"
echo "half" > "$bad/torn/kiosk-logs/post-1/.playlog.csv.tmp"
head -c 3000 /dev/urandom | tr -d '\n' > "$bad/garbage/kiosk-logs/post-3/kiosk.log"
printf '\x89PNG\r\n' > "$bad/garbage/kiosk-logs/post-3/status.txt"
ln -s .. "$bad/loop/up"
echo "not a folder" > "$bad/file.txt"
"$pack" report "$work/hq-jan" "$work/hq-A" "$work/hq-B" "$work/hq-C" "$bad/damaged" "$bad/newer" "$bad/notalog" \
  "$bad/torn" "$bad/garbage" "$bad/loop" "$bad/file.txt" "$bad/missing" --out "$work/r2.html" --json "$work/r2.json" \
  --csv "$work/csv2" --packs "$work/packs" --now 2027-03-01T00:00:00Z > "$work/out2" 2> "$work/err2" \
  || fail "report with bad input failed: $(cat "$work/err2")"
cat "$work/err2"
has() { # "FILE[:LINE]: level: message": on stderr as it is, and the file in the HTML
  grep -qF -- "$1" "$work/err2" || fail "bad input not reported: $1"
  grep -qF -- "${1%%:*}" "$work/r2.html" || fail "not in the HTML: ${1%%:*}"
}
has "$bad/damaged/kiosk-logs/post-1/playlog.csv:3: warning: damaged line"
has "$bad/newer/kiosk-logs/post-2/playlog.csv:1: warning: a newer play log format"
has "$bad/newer/kiosk-logs/post-2/status.txt:"
grep -q "status.txt:[0-9]*: warning: status format 2 is newer" "$work/err2" || fail "newer status format not reported with its line"
has "$bad/notalog: warning: no kiosk logs in this folder"
has "$bad/torn/kiosk-logs/post-1/playlog.csv:$torn_line: note: the last line is incomplete"
has "$bad/torn/kiosk-logs/post-1/.playlog.csv.tmp: note: left by a copy that was interrupted"
has "$bad/garbage/kiosk-logs/post-3/kiosk.log: warning: not a kiosk log"
has "$bad/garbage/kiosk-logs/post-3/status.txt:1: warning: not a kiosk status file"
has "$bad/file.txt: warning: not a folder"
has "$bad/missing: warning: No such file or directory"
[ "$(python3 -c "import json; print(json.load(open('$work/r2.json'))['totals']['plays'])")" = "$total" ] || fail "bad input changed the total"
[ "$(python3 -c "import json; print(len(json.load(open('$work/r2.json'))['input_problems']))")" = "$(($(wc -l < "$work/csv2/input-problems.csv") - 1))" ] \
  || fail "input-problems.csv and JSON disagree"
echo "ok: every kind of bad input is named with its file and line; the report is written with the same numbers"

# Copies of one kiosk's play log that overlap in part, one with its clock
# set back midway (lines out of time order) and a page shown twice in the
# same second: the same rule, whichever way the report reads them.
ck="$work/clock"
mkdir -p "$ck/a/kiosk-logs/post-5" "$ck/b/kiosk-logs/post-5" "$ck/c/kiosk-logs/post-5"
line() { printf '2027-01-%02dT10:00:%02dZ,bulletin,2,intro,%s,15.0\n' "$1" "$2" "$3"; }
{ echo "time,pack_id,version,page,lang,seconds_shown"; line 1 0 ru; line 1 15 en; line 2 0 ru; line 2 15 en; } > "$ck/a/kiosk-logs/post-5/playlog.csv"
{ echo "time,pack_id,version,page,lang,seconds_shown"; line 2 0 ru; line 2 15 en; line 3 0 ru; line 3 0 ru; line 1 30 ky; line 4 0 ru; } > "$ck/b/kiosk-logs/post-5/playlog.csv"
{ echo "time,pack_id,version,page,lang,seconds_shown"; line 3 0 ru; line 1 30 ky; line 4 0 ru; line 5 0 en; } > "$ck/c/kiosk-logs/post-5/playlog.csv"
expect_plays "$ck" > "$work/ck-expected.txt"
ck_total=$(awk '$1 == "all" { print $2 }' "$work/ck-expected.txt")
[ "$ck_total" = 9 ] || fail "clock case: the expectation itself is off ($ck_total)"
for order in "a b c" "c b a" "b c a"; do
  set -- $order
  "$pack" report "$ck/$1" "$ck/$2" "$ck/$3" --out "$work/ck.html" --json "$work/ck.json" > /dev/null 2>&1 || fail "clock case report"
  got=$(python3 -c "import json; print(json.load(open('$work/ck.json'))['totals']['plays'])")
  [ "$got" = "$ck_total" ] || fail "clock set back, copies in order $order: $got plays, expected $ck_total"
done
echo "ok: partly overlapping copies, a clock set back, a page twice in one second: $ck_total plays in any order"

# A status that says a pack is damaged (nothing to show) and the clock is
# wrong, as fieldlog.c writes it.
dm="$work/damaged-site/kiosk-logs/post-8"
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
"$pack" report "$work/damaged-site" --out "$work/dm.html" --json "$work/dm.json" --csv "$work/dm-csv" --now 2027-03-01T00:00:00Z > /dev/null 2>&1 || fail "damaged-site report"
python3 - "$work/dm.json" <<'PY' || fail "damaged content: $(cat "$work/dm.json" | head -c 800)"
import json, sys
s = json.load(open(sys.argv[1]))["sites"][0]
assert [(p["id"], p["state"]) for p in s["packs"]] == [("bulletin", "damaged"), ("hotlines", "current")], s["packs"]
assert s["packs"][1]["title"] == "Горячие линии" and s["packs"][1]["expires"] == "2099-01-01T00:00:00Z", s["packs"][1]
assert s["visits"][0]["clock_ok"] is False and s["last_visit"] == "2027-02-23T09:00:00Z", s["visits"]
PY
grep -q "bulletin: damaged, nothing to show" "$work/dm.html" || fail "the HTML does not show the damaged pack"
grep -q "clock wrong" "$work/dm.html" || fail "the HTML does not show the wrong clock"
grep -q "^post-8,bulletin,,0,0,0,,damaged$" "$work/dm-csv/packs.csv" || fail "packs.csv: $(cat "$work/dm-csv/packs.csv")"
echo "ok: damaged content and a wrong clock, from status.txt"

# Text from a log is data, never markup.
evil="$work/evil/kiosk-logs/post-1"
mkdir -p "$evil"
printf 'time,pack_id,version,page,lang,seconds_shown\n2027-02-20T09:00:00Z,bulletin,2,<img src=x onerror=alert(1)>,ru,15.0\n2027-02-20T09:00:15Z,bulletin,2,=HYPERLINK(1),ru,15.0\n' > "$evil/playlog.csv"
printf 'Kiosk status, written 2027-02-20 09:00:00 UTC (by the kiosk'"'"'s clock)\n\nSite:        post-1 (<b>bold</b>)\n' > "$evil/status.txt"
"$pack" report "$work/evil" --out "$work/r3.html" --csv "$work/csv3" --now 2027-03-01T00:00:00Z > /dev/null 2>&1 || fail "evil report"
grep -q "<img src=x" "$work/r3.html" && fail "markup from a log reached the HTML"
grep -q "<b>bold" "$work/r3.html" && fail "markup from a status reached the HTML"
grep -q "&lt;img src=x onerror=alert(1)&gt;" "$work/r3.html" || fail "the page name is not shown escaped"
grep -q "<script" "$work/r.html" "$work/r2.html" "$work/r3.html" && fail "a report has a script"
grep -Eq "(src|href)=\"(https?:)?//" "$work/r.html" && fail "the report fetches something"
grep -q ",\"'=HYPERLINK(1)\"," "$work/csv3/plays.csv" || fail "a formula in a CSV field is not defused"
echo "ok: text from logs is escaped in HTML and CSV; no scripts, nothing fetched"

# As a person sees it: headless Chromium, a screenshot and a look at the
# laid-out page through an instrumented copy (the report itself has no
# script).
if ! command -v chromium > /dev/null; then fail "chromium is missing (tools/deps installs it)"; fi
shots="$build/tests"
mkdir -p "$shots"
browse() { # width html out...
  timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions \
    --user-data-dir="$work/chrome" --window-size="$1,1400" "${@:3}" "file://$2" 2>> "$work/chrome.log"
}
browse 1280 "$work/r2.html" --screenshot="$shots/report-1280.png" > /dev/null
[ -s "$shots/report-1280.png" ] || fail "no screenshot"
sd=$(convert "$shots/report-1280.png" -colorspace gray -format '%[fx:standard_deviation]' info:)
python3 -c "import sys; sys.exit(0 if float('$sd') > 0.05 else 1)" || fail "the screenshot is blank (deviation $sd)"
cat > "$work/probe.js" <<'EOF'
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
cp "$work/r2.html" "$work/probe.html"
cat "$work/probe.js" >> "$work/probe.html"
for w in 1280 500; do
  browse $w "$work/probe.html" --dump-dom --virtual-time-budget=2000 > "$work/dom-$w.html"
  probe=$(grep -o "data-probe=\"[^\"]*\"" "$work/dom-$w.html" | sed 's/^data-probe="//; s/"$//; s/&quot;/"/g')
  [ -n "$probe" ] || fail "$w px: the page did not load in Chromium: $(tail -5 "$work/chrome.log")"
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
