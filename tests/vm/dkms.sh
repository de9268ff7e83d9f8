#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms.sh SUITE: "dkms add" and "dkms build" of this tree inside SUITE's
# userland, for its kernel, exactly as a user of that release would.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SUITE=${1:?usage: $0 SUITE}
check_suite "$SUITE"
ROOT=$(suite_root "$SUITE")
KVER=$(suite_kver "$SUITE")
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf")
SRC="$ROOT/usr/src/litepx-$VERSION"

rm -rf "$SRC"
mkdir -p "$SRC"
(cd "$REPO" && cp -r Kbuild Makefile dkms.conf kmod include "$SRC/")
unshare --mount bash -c '
	set -e
	mount -t proc proc "$1/proc"
	chroot "$1" sh -c "dkms remove litepx/$2 --all >/dev/null 2>&1 || true
		dkms add litepx/$2 && dkms build litepx/$2 -k $3"
	ls "$1/var/lib/dkms/litepx/$2/$3/x86_64/module/"litepx.ko*
' dkms "$ROOT" "$VERSION" "$KVER"
log "dkms build of litepx $VERSION for $KVER: ok"
