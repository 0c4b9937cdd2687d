#!/usr/bin/env bash
# test_usb_mount.sh — the USB watcher against real mounts.
#
# Runs tests/tools/inboxwatch (core/inbox + core/fieldlog) watching a temp
# "media" root, then mounts and unmounts a stick under it and checks what
# the watcher printed:
#   - a stick mounted two levels down is reported added, its candidates are
#     listed newest first with the older copy marked, and the logs are
#     written to kiosk-logs/<site>/ (exactly three files, nothing else
#     touched; they are still there after unmounting and mounting again);
#   - unmounting reports it removed; a mount outside the root is ignored;
#   - a read-only stick is reported read-only and nothing is written.
# The stick is, by preference: a FAT image mounted by the kernel (loop), a
# FAT image mounted with fusefat (FUSE), a tmpfs; all in a private mount
# namespace (unshare -m) so the host sees nothing. Where none of these can
# be mounted (not root, no unshare), a plain folder stands in for the root
# (inboxwatch --folder) and the read-only check is skipped; it says so.
# Debian packages: util-linux (unshare, mount), dosfstools (mkfs.vfat),
# fusefat.
#
# Usage: test_usb_mount.sh BUILD_DIR SOURCE_DIR.
set -u

. "$(dirname "$0")/lib.sh"

# KIOSK_USB_KIND=vfat|fusefat|tmpfs|folder forces one kind (to try the
# fallbacks); the test fails if a forced kind cannot be mounted.
FORCE=${KIOSK_USB_KIND:-}

# Into a private mount namespace, if we may.
if [ "$FORCE" != folder ] && [ "${KIOSK_USB_NS:-}" != 1 ] && [ "$(id -u)" = 0 ] &&
   command -v unshare >/dev/null 2>&1 &&
   unshare -m --propagation private true 2>/dev/null; then
  KIOSK_USB_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi

e2e_init "$@"
IW=$B/tests/tools/inboxwatch
if [ ! -x "$IW" ]; then
  echo "FAIL: $IW is not built"
  exit 1
fi
if [ "${KIOSK_USB_NS:-}" = 1 ]; then
  E2E_CLEANUP='for m in $(grep -o " $T[^ ]*" /proc/self/mountinfo | sort -r); do umount -l "$m" 2>/dev/null; done'
fi

# printed TEXT: the watcher printed a line holding TEXT (waits 10 s at most).
printed() {
  if wait_for 10 grep -qF -- "$1" "$T/watch.txt"; then ok "watcher printed: $1"; else bad "watcher did not print: $1"; fi
}
not_printed() {
  if grep -qF -- "$1" "$T/watch.txt"; then bad "watcher printed: $1"; else ok "watcher did not print: $1"; fi
}

# What goes on the stick.
mkdir -p "$T/content/kiosk"
echo "pack 12" >"$T/content/bulletin-2020-07-12.kpack"
echo "pack 11" >"$T/content/bulletin-2020-07-11.kpack"
echo "pack 2" >"$T/content/kiosk/hotlines-2.kpack"
echo "the technician's notes" >"$T/content/notes.txt"
listing() { (cd "$1" && find . -path ./kiosk-logs -prune -o -type f -print0 | sort -z | xargs -0 md5sum); }

# --- pick the kind of stick ----------------------------------------------
KIND=folder
IMG=$T/stick.img
mkdir -p "$T/prep" "$T/media" "$T/elsewhere"
try() { [ -z "$FORCE" ] || [ "$FORCE" = "$1" ]; }
if [ "${KIOSK_USB_NS:-}" = 1 ]; then
  if { try vfat || try fusefat; } && command -v mkfs.vfat >/dev/null 2>&1 && mkfs.vfat -C "$IMG" 4096 >/dev/null 2>&1; then
    if try vfat && mount -o loop -t vfat "$IMG" "$T/prep" 2>/dev/null; then
      KIND=vfat
    elif try fusefat && command -v fusefat >/dev/null 2>&1 && [ -e /dev/fuse ] &&
         fusefat -o rw+ "$IMG" "$T/prep" >/dev/null 2>&1 &&
         grep -q " $T/prep " /proc/self/mountinfo; then
      KIND=fusefat
    fi
  fi
  if [ "$KIND" = folder ] && try tmpfs && mount -t tmpfs -o size=4m tmpfs "$T/prep" 2>/dev/null; then
    KIND=tmpfs
  fi
fi

if [ -n "$FORCE" ] && [ "$FORCE" != "$KIND" ]; then
  echo "FAIL: KIOSK_USB_KIND=$FORCE asked for, but it cannot be mounted here"
  exit 1
fi
case $KIND in
  vfat) echo "# filesystem: FAT (vfat) image, mounted by the kernel through a loop device" ;;
  fusefat) echo "# filesystem: FAT image (mkfs.vfat), mounted with fusefat (FUSE); the kernel has no vfat here" ;;
  tmpfs) echo "# filesystem: tmpfs (no FAT: mkfs.vfat/fusefat missing or not mountable here)" ;;
  folder) echo "# filesystem: NONE — plain folder stand-in (not root, or unshare -m not allowed); read-only check skipped" ;;
esac
[ -n "$FORCE" ] && echo "# (kind forced by KIOSK_USB_KIND=$FORCE)"

mount_stick() { # $1 = where, $2 = rw|ro
  case $KIND in
    vfat) mount -o loop,"$2" -t vfat "$IMG" "$1" ;;
    fusefat) if [ "$2" = rw ]; then fusefat -o rw+ "$IMG" "$1"; else fusefat -o ro "$IMG" "$1"; fi >/dev/null ;;
    tmpfs) # made read-only before it appears under the root
      { [ "$2" = rw ] || mount -o remount,ro "$T/prep"; } && mount --move "$T/prep" "$1" ;;
  esac
}

# Fill the stick before the watcher can see it. (In a folder root every
# subfolder is a stick, so media/user exists only when mounting.)
[ "$KIND" = folder ] || mkdir -p "$T/media/user"
if [ "$KIND" = folder ]; then
  mkdir -p "$T/media/.tmp-STICK"
  cp -r "$T/content/." "$T/media/.tmp-STICK/"
else
  cp -r "$T/content/." "$T/prep/"
  sync
  [ "$KIND" = tmpfs ] || umount "$T/prep"
fi

# --- watch ----------------------------------------------------------------
if [ "$KIND" = folder ]; then
  "$IW" --folder "$T/media" --scan --fieldlog test-site --timeout-ms 60000 >"$T/watch.txt" 2>"$T/watch.err" &
else
  "$IW" --root "$T/media" --scan --fieldlog test-site --timeout-ms 60000 >"$T/watch.txt" 2>"$T/watch.err" &
fi
e2e_stop_on_exit $!
printed "ready fd=poll rescan=-1"

STICK=$T/media/user/STICK
[ "$KIND" = folder ] && STICK=$T/media/STICK
before=$(listing "$T/content")
if [ "$KIND" = folder ]; then
  mv "$T/media/.tmp-STICK" "$STICK"
else
  mkdir -p "$STICK"
  mount_stick "$STICK" rw || bad "could not mount the stick"
fi
printed "added $STICK"
printed "candidate bulletin-2020-07-12.kpack pack newest"
printed "candidate bulletin-2020-07-11.kpack pack older"
printed "candidate kiosk/hotlines-2.kpack pack newest"
printed "fieldlog ok kiosk-logs/test-site files=3"
not_printed "notes.txt"

files=$(cd "$STICK/kiosk-logs/test-site" 2>/dev/null && ls -A | tr '\n' ' ')
if [ "$files" = "kiosk.log playlog.csv status.txt " ]; then ok "exactly three files in kiosk-logs/test-site"; else bad "kiosk-logs/test-site holds: $files"; fi
top=$(cd "$STICK" && ls -A | tr '\n' ' ')
if [ "$top" = "bulletin-2020-07-11.kpack bulletin-2020-07-12.kpack kiosk kiosk-logs notes.txt " ]; then ok "nothing else appeared on the stick"; else bad "the stick holds: $top"; fi
if [ "$(listing "$STICK")" = "$before" ]; then ok "the stick's own files are unchanged"; else bad "the stick's own files changed"; fi

# A mount outside the root is not a stick.
if [ "$KIND" != folder ]; then
  mount -t tmpfs -o size=64k tmpfs "$T/elsewhere" 2>/dev/null
fi

if [ "$KIND" = folder ]; then
  rm -rf "$STICK"
else
  umount "$STICK" || bad "could not unmount the stick"
fi
printed "removed $STICK"
not_printed "$T/elsewhere"

if [ "$KIND" = folder ]; then
  echo "# read-only stick: SKIPPED (no mounts possible here)"
else
  # The logs are on the stick itself, not only in a cache.
  if [ "$KIND" != tmpfs ]; then
    mount_stick "$T/prep" ro
    if [ -s "$T/prep/kiosk-logs/test-site/status.txt" ] && grep -q "Software:    kiosk" "$T/prep/kiosk-logs/test-site/status.txt"; then
      ok "the logs survived unmounting"
    else
      bad "the logs are not on the stick after unmounting"
    fi
    before_ro=$(snapshot "$T/prep")
    umount "$T/prep"
  else
    mount -t tmpfs -o size=4m tmpfs "$T/prep" && cp -r "$T/content/." "$T/prep/"
    before_ro=$(snapshot "$T/prep")
  fi
  RO=$T/media/ro-stick
  mkdir -p "$RO"
  mount_stick "$RO" ro || bad "could not mount the stick read-only"
  printed "added $RO"
  printed "fieldlog error IO: the stick is read-only — logs were not copied"
  if [ "$(snapshot "$RO")" = "$before_ro" ]; then ok "nothing written to the read-only stick"; else bad "the read-only stick changed"; fi
  umount "$RO"
  printed "removed $RO"
fi

echo "# watcher output:"
sed 's/^/#   /' "$T/watch.txt"
[ -s "$T/watch.err" ] && sed 's/^/# stderr: /' "$T/watch.err"
echo "# usb_mount ($KIND)"
e2e_done
