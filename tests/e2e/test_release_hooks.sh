#!/bin/bash
# Test hooks are compiled only into test builds. Every source file of the
# kiosk that names a test hook (KIOSK_FAULT_...) is compiled here as a
# release build compiles it (no KIOSK_TEST_HOOKS), and the object must not
# hold the variable's name nor call getenv() for it; the same file compiled
# with the hooks must (so this test can fail). Also: no hook outside an
# "#if KIOSK_TEST_HOOKS" block, and the release configuration's default is
# hooks off.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init "$@"
cc="${CC:-cc}"
command -v "$cc" > /dev/null || cc=gcc
flags=(-std=c11 -O0 -w -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DKIOSK_VERSION=\"0\" -I"$S/kiosk")

mapfile -t files < <(grep -rlE 'KIOSK_FAULT_[A-Z]+' "$S/kiosk" "$S/tools" --include='*.c' | sort)
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no source names a test hook; this test looks for the wrong thing"; exit 1; }
for f in "${files[@]}"; do
  rel="${f#$S/}"
  # Each mention must sit inside an #if KIOSK_TEST_HOOKS block.
  awk -v f="$rel" '
    /^#if(def)? .*KIOSK_TEST_HOOKS/ { depth++; hooks[depth] = 1; next }
    /^#if/ { depth++; hooks[depth] = 0; next }
    /^#endif/ { delete hooks[depth]; depth--; next }
    /KIOSK_FAULT_[A-Z]+/ && !/^ *(\*|\/\*)/ {
      inside = 0; for (d = 1; d <= depth; d++) if (hooks[d]) inside = 1
      if (!inside) { print "FAIL: " f ":" NR " names a test hook outside #if KIOSK_TEST_HOOKS"; bad = 1 }
    }
    END { exit bad }' "$f"
  obj="$T/$(basename "$f" .c)"
  "$cc" "${flags[@]}" -c "$f" -o "$obj.release.o"
  "$cc" "${flags[@]}" -DKIOSK_TEST_HOOKS=1 -c "$f" -o "$obj.test.o"
  if strings "$obj.release.o" | grep -q 'KIOSK_FAULT_'; then
    echo "FAIL: $rel: a release build still holds a test hook:"; strings "$obj.release.o" | grep 'KIOSK_FAULT_'; exit 1
  fi
  strings "$obj.test.o" | grep -q 'KIOSK_FAULT_' || { echo "FAIL: $rel: the test build lacks the hook; this test proves nothing"; exit 1; }
  echo "ok: $rel: hooks only with KIOSK_TEST_HOOKS"
done
if nm -u "$T/fsutil.release.o" | grep -qw getenv; then
  echo "FAIL: fsutil.c calls getenv() in a release build"; exit 1
fi
echo "ok: fsutil.c has no getenv() in a release build"

# The option is off unless asked for (tools/test asks).
grep -q 'option(KIOSK_TEST_HOOKS "[^"]*" OFF)' "$S/CMakeLists.txt" || { echo "FAIL: KIOSK_TEST_HOOKS is not off by default"; exit 1; }
grep -q -- '-DKIOSK_TEST_HOOKS=ON' "$S/tools/test" || { echo "FAIL: tools/test does not turn the test hooks on"; exit 1; }
echo "ok: release hooks"
