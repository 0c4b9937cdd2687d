#!/bin/bash
# A connected site: the kiosk's inbox is a receive-only Syncthing folder
# fed by headquarters, and its log_share folder goes back to headquarters
# as a send-only folder. Two Syncthing instances (Debian's syncthing) talk
# over 127.0.0.1 only, with their homes in a temporary folder and global
# discovery, local discovery, relays, NAT traversal, usage reporting, crash
# reporting and upgrades all off. Checks:
#   - a pack published at headquarters reaches the inbox and is verified and
#     installed as from a stick; a newer one replaces it;
#   - a partial file as Syncthing writes it (.syncthing.<name>.tmp) is never
#     taken for a pack;
#   - the kiosk's logs arrive at headquarters, where `kiosk-pack report`
#     reads them;
#   - what Syncthing costs in memory on the kiosk side (printed).
# Every wait is bounded; the script stops what it started, by process id.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
E2E_LOG="$T/*.log"
pids=()
command -v syncthing > /dev/null || fail "syncthing is missing (tools/deps installs it)"

ports=($(python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))
for s in ss: s.close()'))
hq_gui=${ports[0]} hq_port=${ports[1]} k_gui=${ports[2]} k_port=${ports[3]}
key=kiosk-test-api-key-0123456789

for who in hq site; do
  syncthing generate --home="$T/$who-home" --no-default-folder --skip-port-probing > "$T/$who-gen.txt" 2>&1 \
    || fail "syncthing generate: $(cat "$T/$who-gen.txt")"
done
hq_id=$(sed -n 's/.*Device ID: *//p' "$T/hq-gen.txt" | head -1)
site_id=$(sed -n 's/.*Device ID: *//p' "$T/site-gen.txt" | head -1)
[ -n "$hq_id" ] && [ -n "$site_id" ] || fail "no device ids"

mkdir -p "$T/hq/publish/.stfolder" "$T/hq/logs/post-7/.stfolder" "$T/site/inbox/.stfolder" \
  "$T/site/share/.stfolder" "$T/site/logs"

# config.xml for one side: loopback only, nothing found or reported through
# the internet; the two folders shared with the other side.
configure() { # home gui port self other other_port inbox_path inbox_type logs_path logs_type
  python3 - "$@" <<'PY'
import sys, xml.etree.ElementTree as ET
home, gui, port, me, other, oport, ipath, itype, lpath, ltype = sys.argv[1:]
path = home + "/config.xml"
tree = ET.parse(path)
c = tree.getroot()
g = c.find("gui")
g.find("address").text = "127.0.0.1:" + gui
g.find("apikey").text = "kiosk-test-api-key-0123456789"
o = c.find("options")
for tag, val in [("listenAddress", "tcp://127.0.0.1:" + port), ("globalAnnounceEnabled", "false"),
                 ("localAnnounceEnabled", "false"), ("relaysEnabled", "false"), ("natEnabled", "false"),
                 ("urAccepted", "-1"), ("startBrowser", "false"), ("autoUpgradeIntervalH", "0"),
                 ("crashReportingEnabled", "false"), ("reconnectionIntervalS", "1"),
                 ("announceLANAddresses", "false")]:
    e = o.find(tag)
    if e is None:
        e = ET.SubElement(o, tag)
    e.text = val
d = ET.SubElement(c, "device", id=other, name="peer", compression="metadata", introducer="false")
ET.SubElement(d, "address").text = "tcp://127.0.0.1:" + oport
ET.SubElement(d, "autoAcceptFolders").text = "false"
def folder(fid, p, t):
    f = ET.SubElement(c, "folder", id=fid, label=fid, path=p, type=t, rescanIntervalS="3600",
                      fsWatcherEnabled="true", fsWatcherDelayS="1", ignorePerms="true", autoNormalize="true")
    ET.SubElement(f, "filesystemType").text = "basic"
    ET.SubElement(f, "device", id=me)
    ET.SubElement(f, "device", id=other)
    ET.SubElement(f, "minDiskFree", unit="%").text = "1"
    ET.SubElement(f, "markerName").text = ".stfolder"
folder("kiosk-inbox-post-7", ipath, itype)
folder("kiosk-logs-post-7", lpath, ltype)
tree.write(path)
PY
}
configure "$T/hq-home" $hq_gui $hq_port "$hq_id" "$site_id" $k_port "$T/hq/publish" sendonly \
  "$T/hq/logs/post-7" receiveonly
configure "$T/site-home" $k_gui $k_port "$site_id" "$hq_id" $hq_port "$T/site/inbox" receiveonly \
  "$T/site/share" sendonly

for who in hq site; do
  STNOUPGRADE=1 STNODEFAULTFOLDER=1 timeout 300 syncthing serve --home="$T/$who-home" --no-browser --no-restart \
    --no-upgrade > "$T/$who-syncthing.log" 2>&1 &
  pids+=($!)
  e2e_stop_on_exit $!
done

rest() { # gui path [POST]
  python3 - "$@" <<'PY'
import sys, urllib.request
gui, path = sys.argv[1], sys.argv[2]
req = urllib.request.Request("http://127.0.0.1:%s%s" % (gui, path), method=sys.argv[3] if len(sys.argv) > 3 else "GET",
                             headers={"X-API-Key": "kiosk-test-api-key-0123456789"})
print(urllib.request.urlopen(req, timeout=5).read().decode())
PY
}
connected() { rest $hq_gui /rest/system/connections | python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)['connections']['$site_id']['connected'] else 1)"; }
wait_for 60 connected || fail "the two Syncthing instances did not connect on 127.0.0.1"
echo "ok: two Syncthing instances connected over 127.0.0.1 (ports $hq_port, $k_port)"
# Nothing but loopback: every socket either Syncthing holds is bound to
# 127.0.0.1 (read from /proc: the sockets among the process's files).
# Each runs as a small monitor process and the syncthing that does the
# work, under timeout.
descendants() { local c; for c in $(cat /proc/$1/task/*/children 2> /dev/null); do echo $c; descendants $c; done; }
st_pids=()
for p in "${pids[@]}"; do st_pids+=($(descendants $p)); done
[ ${#st_pids[@]} = 4 ] || fail "expected two syncthing processes (monitor and worker) each, found: ${st_pids[*]}"
python3 - "${st_pids[@]}" <<'PY' || fail "Syncthing listens beyond 127.0.0.1"
import os, sys
seen = 0
for pid in sys.argv[1:]:
    inodes = set()
    for fd in os.listdir("/proc/%s/fd" % pid):
        try:
            t = os.readlink("/proc/%s/fd/%s" % (pid, fd))
        except OSError:
            continue
        if t.startswith("socket:["):
            inodes.add(t[8:-1])
    n = 0
    for table in ("tcp", "tcp6", "udp", "udp6"):
        for line in open("/proc/%s/net/%s" % (pid, table)).read().splitlines()[1:]:
            f = line.split()
            if f[9] not in inodes:
                continue
            n += 1
            host = f[1].split(":")[0]
            ok = host in ("0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F")
            assert ok, "pid %s: %s socket bound to %s" % (pid, table, f[1])
    seen += n
assert seen > 0, "no sockets seen"
PY
echo "ok: every socket of both Syncthing instances is on 127.0.0.1"

# The kiosk: inbox and log_share are the two synced folders.
newkey key
for v in 1 2; do pack_make key.key "news-$v.kpack" "src/news-$v" news $v; done
printf '[site]\nid = post-7\ncountry = KG\nlanguages = en\n[paths]\nlog_dir = %s\nusb_roots =\nlog_share = %s\nlog_share_minutes = 5\n' \
  "$T/site/logs" "$T/site/share" > "$T/k.conf"
# A partial file as Syncthing names it while it is still writing, already
# in the inbox when the kiosk starts: it must never be taken for a pack.
head -c 700 "$T/news-2.kpack" > "$T/site/inbox/.syncthing.news-2.kpack.tmp"
kiosk_start "$T/kiosk.log" --config "$T/k.conf" --headless --size 800x480 --store "$T/site/store" \
  --trusted "$T/key.pub" --inbox "$T/site/inbox" --speed 20 || fail "the kiosk did not start"

# Headquarters publishes.
cp "$T/news-1.kpack" "$T/hq/publish/"
rest $hq_gui "/rest/db/scan?folder=kiosk-inbox-post-7" POST > /dev/null
wait_for 60 grep -q "screen says: Installed Test news, version 1" "$T/kiosk.log" || fail "news 1 was not installed from the synced inbox"
grep -q "Inbox: found 1 pack\b" "$T/kiosk.log" || fail "the inbox scan counted something else than the one pack: $(grep 'Inbox' "$T/kiosk.log")"
grep -q "syncthing" "$T/kiosk.log" && fail "the kiosk looked at Syncthing's partial file: $(grep syncthing "$T/kiosk.log")"
cmp "$T/news-1.kpack" "$T/site/inbox/news-1.kpack" || fail "the inbox copy differs"
echo "ok: a pack published at headquarters is installed from the receive-only inbox; the partial file is ignored"

# The logs come home: status.txt at headquarters names the new version.
status="$T/hq/logs/post-7/kiosk-logs/post-7/status.txt"
wait_for 60 grep -q "news: version 1" "$status" || fail "the kiosk's logs did not reach headquarters"
echo "ok: the kiosk's logs reach headquarters through the send-only folder"

cp "$T/news-2.kpack" "$T/hq/publish/"
rest $hq_gui "/rest/db/scan?folder=kiosk-inbox-post-7" POST > /dev/null
wait_for 60 grep -q "screen says: Installed Test news, version 2" "$T/kiosk.log" || fail "news 2 was not installed"
wait_for 60 grep -q "news: version 2 (previous 1)" "$status" || fail "headquarters did not hear of version 2"
echo "ok: a newer version replaces it, and headquarters hears of it"

"$KP" report "$T/hq/logs" --out "$T/r.html" --json "$T/r.json" --now 2026-12-31T00:00:00Z > "$T/report.txt" 2>&1 \
  || fail "report: $(cat "$T/report.txt")"
python3 - "$T/r.json" <<'PY' || fail "the report of the synced logs: $(cat "$T/r.json" | head -c 600)"
import json, sys
d = json.load(open(sys.argv[1]))
s = [x for x in d["sites"] if x["id"] == "post-7"][0]
assert s["country"] == "KG", s["country"]
assert [(p["id"], p["installed"]) for p in s["packs"]] == [("news", 2)], s["packs"]
assert d["input_problems"] == [], d["input_problems"]
PY
echo "ok: kiosk-pack report reads the logs that arrived at headquarters"

# What Syncthing costs on the kiosk side, after this work.
site_st=$(descendants ${pids[1]})
rss=$(for p in $site_st; do awk '/^VmRSS/ { print $2 }' /proc/$p/status; done | awk '{ n += $1 } END { print n }')
hwm=$(for p in $site_st; do awk '/^VmHWM/ { print $2 }' /proc/$p/status; done | awk '{ n += $1 } END { print n }')
echo "syncthing on the kiosk side (monitor and worker): RSS $((rss / 1024)) MB now, peaks adding to $((hwm / 1024)) MB"
echo "ok: syncthing"
