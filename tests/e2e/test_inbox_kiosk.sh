#!/bin/bash
# Packs delivered by other means (a sync tool, a copy over ssh) into the
# inbox folder are installed by the running kiosk like those on a stick,
# and the rotation then shows them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
E2E_LOG=out.txt
newkey key
pack_make key.key . first first 1 --title "Pack first"
pack_make key.key . second second 1 --title "Pack second"
"$KP" install first-1.kpack --store store --trusted key.pub > /dev/null
mkdir -p inbox
printf '[site]\nid = p\n[paths]\nusb_roots =\nlog_dir = %s\n' "$T" > k.conf
kiosk_start out.txt --config k.conf --headless --size 800x480 --store store \
  --trusted key.pub --inbox "$T/inbox" --speed 20 || true
cp second-1.kpack inbox/.second.part
mv inbox/.second.part inbox/second-1.kpack
wait_line 10 "screen says: Installed Pack second, version 1" out.txt || true
grep -q "screen says: Inbox: found 1 pack" out.txt || fail "the inbox was not noticed"
grep -q "screen says: Installed Pack second, version 1" out.txt || fail "not installed"
# The rotation is rebuilt with the new pack once the card has gone.
wait_line 30 "2 pages in the rotation" out.txt || true
kiosk_stop || true
grep -q "2 pages in the rotation" out.txt || fail "the rotation was not rebuilt"
[ "$(pack_current store second)" = 1 ] || fail "store"
echo "ok: inbox"
