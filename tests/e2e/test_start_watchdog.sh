#!/bin/bash
# Start-up and the watchdog while a big pack is read back. A store holds a
# pack with one big file (256 MiB in CI; tools/bench runs this test with
# KIOSK_RECHECK_MB=1024) whose times were changed after install, so the
# kiosk must hash it again. The kiosk runs under a stand-in for systemd's
# notify socket (notifywatch) with WatchdogSec=8 s (pings due every second),
# and the test fails if:
#   - READY=1 comes later than the first page plus 500 ms;
#   - the first page waits for the big file to be read (the check must end
#     after the first page is shown, in the background);
#   - any two watchdog pings, from start until the check has read every
#     byte and the kiosk stopped, are more than WatchdogSec/4 (2 s) apart.
# The big file is a sparse file packed with zstd, so making it costs little
# disk; installing it writes the whole size once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
E2E_LOG=kiosk.log
watch="$B/tests/tools/notifywatch"
size_mb="${KIOSK_RECHECK_MB:-256}"
watchdog_usec=8000000

newkey key
pack_src src big 1 --title "A pack with one big file" --created 2020-07-10T00:00:00Z --pages "p q"
mkdir -p src/media
truncate -s "${size_mb}M" src/media/big.bin
"$KP" build src --key key.key --compress zstd --out big.kpack > /dev/null 2>&1 || fail "build the big pack"
rm -rf src
"$KP" install big.kpack --store store --trusted key.pub > /dev/null || fail "install the big pack"
# Its times move: the quick check at start cannot vouch for it any more.
touch store/packs/big/1/media/big.bin

sock="$T/notify.sock"
"$watch" "$sock" --timeout-ms 300000 > notify.txt &
wpid=$!
e2e_stop_on_exit $wpid
wait_for 10 test -S "$sock" || fail "notifywatch did not make its socket"

printf '[paths]\nusb_roots =\nlog_dir = %s/log\n' "$T" > k.conf
t_launch=$(date +%s%N)
NOTIFY_SOCKET="$sock" WATCHDOG_USEC=$watchdog_usec kiosk_start kiosk.out --config k.conf \
  --headless --size 1280x720 --store store --trusted key.pub --speed 5 --log kiosk.log ||
  fail "the kiosk did not show its first page"
# Until the background check has read the big file through (bounded).
wait_line 120 "store check: big version 1 is sound" kiosk.log ||
  fail "the big pack was not re-checked within 120 s (or the kiosk stopped)"
kiosk_stop || fail "the kiosk did not stop cleanly"
wait "$wpid"

grep -q ' STOPPING=1$' notify.txt || fail "no STOPPING=1"
ready_ns=$(awk '$2 == "READY=1" {print $1; exit}' notify.txt)
[ -n "$ready_ns" ] || fail "no READY=1"
page_ns=$(cat kiosk.out.ready)
late_ms=$(( (ready_ns - page_ns) / 1000000 ))
[ "$late_ms" -le 500 ] || fail "READY=1 came $late_ms ms after the first page"
echo "ok: READY=1 $(( (ready_ns - t_launch) / 1000000 )) ms after launch, $late_ms ms after the first page"

# The first page did not wait for the check: it is logged before the check ends.
first=$(grep -n "first page shown" kiosk.log | head -1 | cut -d: -f1)
sound=$(grep -n "store check: big version 1 is sound" kiosk.log | head -1 | cut -d: -f1)
[ -n "$first" ] && [ "$first" -lt "$sound" ] || fail "the first page came after the check of the big pack"
echo "ok: the first page was up before the big pack was read back ($(grep -o 'is sound (.*' kiosk.log | head -1))"

# Every ping within WatchdogSec/4 of the one before, from launch to STOPPING.
limit_ms=$(( watchdog_usec / 4000 ))
read -r pings gap_ms < <(awk -v t0="$t_launch" '
  $2 == "WATCHDOG=1" || $2 == "STOPPING=1" { g = ($1 - t0) / 1e6; if (g > max) max = g; t0 = $1; if ($2 != "STOPPING=1") n++ }
  END { printf "%d %d\n", n, max }' notify.txt)
[ "$pings" -ge 2 ] || fail "only $pings watchdog pings"
[ "$gap_ms" -le "$limit_ms" ] || fail "a watchdog gap of $gap_ms ms (limit $limit_ms ms)"
echo "ok: $pings watchdog pings, the longest gap $gap_ms ms (limit $limit_ms ms) while $size_mb MiB were read back"
