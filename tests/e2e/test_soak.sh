#!/bin/bash
# Months on the wall, compressed: 10,000 page changes (the test corpus, all
# eight languages, every block, pictures) at full speed. The kiosk must
# exit cleanly (under the sanitizer build, LeakSanitizer fails it on any
# leak) and its memory must stay flat: the resident size near the end may
# not grow: the typical size at the end within 10 % (plus 2 MB of allocator
# slack) of the typical size early on, and the peaks no higher.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
pages=10000
# Under AddressSanitizer freed memory waits in a quarantine; keep it small
# so that growth would be ours, not the sanitizer's.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=8"
printf '[paths]\nusb_roots =\n' > "$T/k.conf"
"$KIOSK" --config "$T/k.conf" --headless --size 800x480 --pages $pages --speed 100000 --quiet \
  --pack-dir "$S/tests/corpus/text" --pack-dir "$S/tests/corpus/image" 2> "$T/err" &
pid=$!
: > "$T/rss"
while kill -0 $pid 2> /dev/null; do
  awk '/^VmRSS/ {print $2}' /proc/$pid/status >> "$T/rss" 2> /dev/null || true
  sleep 0.2
done
wait $pid || { echo "FAIL: the kiosk exited with status $?"; tail -20 "$T/err"; exit 1; }
n=$(grep -c . "$T/rss" || true)
[ "$n" -ge 10 ] || { echo "FAIL: only $n memory samples"; exit 1; }
# Typical (median) and worst (peak) resident size early on and at the end:
# pictures make short peaks; growth would lift both.
med() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
early_med=$(sed -n "$((n / 10 + 1)),$((n * 3 / 10))p" "$T/rss" | med)
late_med=$(tail -n $((n / 4)) "$T/rss" | med)
first_peak=$(head -n $((n / 2)) "$T/rss" | sort -n | tail -1)
late_peak=$(tail -n $((n / 4)) "$T/rss" | sort -n | tail -1)
echo "resident memory, typical: $((early_med / 1024)) MB early, $((late_med / 1024)) MB at the end;" \
  "peak: $((first_peak / 1024)) MB in the first half, $((late_peak / 1024)) MB in the last quarter ($n samples)"
[ "$late_med" -le $((early_med * 11 / 10 + 2048)) ] || { echo "FAIL: typical memory grows over $pages pages"; exit 1; }
[ "$late_peak" -le $((first_peak + 2048)) ] || { echo "FAIL: peak memory grows over $pages pages"; exit 1; }
echo "ok: soak"
