#!/usr/bin/env bash
# test_pack_big.sh — the memory bound of the pack reader: a pack with a
# 1 GiB media file (random bytes, uncompressed so the test stays quick) is
# built, verified and installed, and verify and install must each peak
# below 32 MB of resident memory (measured with /usr/bin/time -f %M). The
# times are printed for the record. Everything is removed at the end.
#
# Usage: test_pack_big.sh BUILD_DIR SOURCE_DIR.
set -u

. "$(dirname "$0")/lib.sh"
e2e_init "$@"
LIMIT_KB=32768
SIZE_MB=${KIOSK_BIG_PACK_MB:-1024}

if [ ! -x /usr/bin/time ]; then
  echo "FAIL: /usr/bin/time is missing (apt-get install time)"
  exit 1
fi

# run DESCRIPTION COMMAND...: runs COMMAND under /usr/bin/time; sets RSS_KB
# and SECS; checks exit 0.
run() {
  local desc=$1
  shift
  /usr/bin/time -f '%M %e' -o time.txt "$@" </dev/null >out/stdout 2>out/stderr
  local rc=$?
  read -r RSS_KB SECS <time.txt
  if [ "$rc" -eq 0 ]; then
    ok "$desc (exit 0, ${SECS} s, peak RSS ${RSS_KB} KB)"
  else
    bad "$desc (exit $rc, ${SECS} s)"
  fi
}

newkey k
pack_src src big 1 --title "A pack with one very big file" --created 2020-07-10T00:00:00Z
mkdir -p src/media
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom >src/media/big.bin

run "build a ${SIZE_MB} MiB pack (uncompressed)" "$KP" build src --key k.key --compress none --out big.kpack
BUILD_S=$SECS
rm -rf src  # keep the disk use down: the pack holds it now

run "verify it" "$KP" verify big.kpack --trusted k.pub
VERIFY_S=$SECS
if [ "$RSS_KB" -lt "$LIMIT_KB" ]; then
  ok "verify peaks at $RSS_KB KB, under $LIMIT_KB KB"
else
  bad "verify peaks at $RSS_KB KB, not under $LIMIT_KB KB"
fi

run "install it" "$KP" install big.kpack --store store --trusted k.pub
INSTALL_S=$SECS
if [ "$RSS_KB" -lt "$LIMIT_KB" ]; then
  ok "install peaks at $RSS_KB KB, under $LIMIT_KB KB"
else
  bad "install peaks at $RSS_KB KB, not under $LIMIT_KB KB"
fi
if [ "$(stat -c %s store/packs/big/1/media/big.bin 2>/dev/null)" = "$((SIZE_MB * 1024 * 1024))" ]; then
  ok "the big file is installed whole"
else
  bad "the big file is not installed whole"
fi

echo "# times: build ${BUILD_S} s, verify ${VERIFY_S} s, install ${INSTALL_S} s"
e2e_done
