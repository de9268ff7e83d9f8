#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms.sh SUITE: "dkms add" and "dkms build" of this tree inside SUITE's
# userland, for its kernel, exactly as a user of that release would.
#
# Only what git tracks of the module source (Kbuild, Makefile, dkms.conf,
# kmod/, include/) goes to /usr/src/litepx-VERSION, as it is in the work
# tree: never build output of the host (kmod/*.o, *.cmd, litepx.ko). Out of
# git (a release tarball), the same paths minus Kbuild's output are used.
# The build runs in a chroot with that suite's dkms and compiler; on failure
# dkms's make.log is shown. Afterwards the module is removed from DKMS again
# and the source deleted, so the userland stays as userland.sh made it.
# Output is prefixed with [dkms-SUITE].
#
# Environment: LITEPX_CACHE; LITEPX_SRC (tree to copy, default this repo).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SRC=${LITEPX_SRC:-$REPO}
DKMS_PATHS="Kbuild Makefile dkms.conf kmod include"

usage() { echo "usage: $0 SUITE" >&2; exit 2; }

# NUL-separated list of the module's source files, relative to SRC.
source_files() {
	local f
	if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# shellcheck disable=SC2086
		git -C "$SRC" ls-files -z -- $DKMS_PATHS |
			while IFS= read -r -d '' f; do
				# Tracked but deleted from the work tree: skip.
				[[ -e $SRC/$f || -L $SRC/$f ]] && printf '%s\0' "$f"
			done
	else
		# shellcheck disable=SC2086
		(cd "$SRC" && find $DKMS_PATHS -type f \
			! -name '*.o' ! -name '*.ko' ! -name '*.mod' ! -name '*.mod.c' \
			! -name '*.cmd' ! -name '*.a' ! -name '*.symvers' \
			! -name modules.order -print0)
	fi
}

copy_source() {
	local dst=$1
	rm -rf "$dst" && mkdir -p "$dst"
	source_files | tar -C "$SRC" --null -T - --owner=0 --group=0 -cf - |
		tar -C "$dst" -xf -
	[[ -f $dst/dkms.conf && -f $dst/Kbuild ]] || die "nothing copied from $SRC"
}

# In the chroot: forget any earlier litepx, add and build this one; show
# make.log when the build fails. Leaves the built module's path on stdout.
# shellcheck disable=SC2016
DKMS_SCRIPT='
	v=$1 k=$2
	dkms remove "litepx/$v" --all >/dev/null 2>&1 || true
	rm -rf /var/lib/dkms/litepx
	dkms add "litepx/$v"
	if ! dkms build "litepx/$v" -k "$k"; then
		echo "dkms build failed; make.log:"
		cat "/var/lib/dkms/litepx/$v/build/make.log" 2>/dev/null
		exit 1
	fi
	ls /var/lib/dkms/litepx/"$v"/"$k"/*/module/litepx.ko*
'

cleanup() {
	# shellcheck disable=SC2016
	in_chroot "$ROOT" sh -c '
		dkms remove "litepx/$1" --all >/dev/null 2>&1 || true
		rm -rf /var/lib/dkms/litepx' cleanup "$VERSION" || true
	rm -rf "$ROOT/usr/src/litepx-$VERSION"
}

main() {
	(($# == 1)) || usage
	SUITE=$1
	check_suite "$SUITE"
	[[ -f $(suite_dir "$SUITE")/done ]] ||
		die "no $SUITE userland: run tests/vm/userland.sh $SUITE"
	ROOT=$(suite_root "$SUITE")
	KVER=$(suite_kver "$SUITE")
	VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$SRC/dkms.conf")
	[[ -n $VERSION ]] || die "no PACKAGE_VERSION in $SRC/dkms.conf"
	[[ -x $ROOT/usr/sbin/dkms ]] || die "no dkms in the $SUITE userland"
	# One dkms at a time per userland (check.sh and a lead's run, say).
	exec 8>"$(suite_dir "$SUITE")/.dkms.lock"
	flock 8
	trap cleanup EXIT
	copy_source "$ROOT/usr/src/litepx-$VERSION"
	log "dkms add + build litepx/$VERSION for $KVER" \
		"($(in_chroot "$ROOT" dkms --version 2>/dev/null | head -n1))"
	prefixed "dkms-$SUITE" in_chroot "$ROOT" sh -ec "$DKMS_SCRIPT" dkms \
		"$VERSION" "$KVER"
	log "dkms build of litepx $VERSION for $KVER: ok"
}

main "$@"
