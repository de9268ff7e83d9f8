#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh SUITE [TARGET...]: copy the source tree (tracked and untracked,
# not ignored, files) into SUITE's userland at /opt/litepx, fresh each time,
# with the kselftest harness at /opt/kselftest, and build it there, in a
# chroot, with that suite's own compiler against its kernel's headers:
#   make -C /opt/litepx KDIR=/lib/modules/KVER/build \
#        KSELFTEST_DIR=/opt/kselftest CC=gcc-N WERROR=1 TARGET...
# TARGETs default to "all tests". Output is prefixed with [build-SUITE].
#
# Environment: LITEPX_CACHE; LITEPX_SRC (tree to copy, default this repo).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SRC=${LITEPX_SRC:-$REPO}

usage() { echo "usage: $0 SUITE [TARGET...]" >&2; exit 2; }

# NUL-separated list of the files to copy, relative to SRC.
source_files() {
	local f
	if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# -c lists files deleted from the work tree too: skip those.
		git -C "$SRC" ls-files -z -co --exclude-standard |
			while IFS= read -r -d '' f; do
				[[ -e $SRC/$f || -L $SRC/$f ]] && printf '%s\0' "$f"
			done
	else
		(cd "$SRC" && find . -type f -print0)
	fi
}

copy_tree() {
	local dst=$1
	rm -rf "$dst" && mkdir -p "$dst"
	source_files | tar -C "$SRC" --null -T - --owner=0 --group=0 -cf - |
		tar -C "$dst" -xf -
}

copy_kselftest() {
	local dst=$1
	bash "$VM_DIR/kselftest.sh"
	rm -rf "$dst" && mkdir -p "$dst"
	cp "$CACHE"/kselftest/*.h "$dst/"
}

main() {
	(($# >= 1)) || usage
	local suite=$1 root kver cc
	shift
	check_suite "$suite"
	local targets=("$@")
	(($#)) || targets=(all tests)
	root=$(suite_root "$suite")
	[[ -f $(suite_dir "$suite")/done ]] ||
		die "no $suite userland: run tests/vm/userland.sh $suite"
	kver=$(suite_kver "$suite")
	cc=$(suite_cc "$suite")
	copy_tree "$root/opt/litepx"
	copy_kselftest "$root/opt/kselftest"
	log "building ${targets[*]} for $suite ($kver, $cc)"
	prefixed "build-$suite" in_chroot "$root" make -C /opt/litepx -j"$(nproc)" \
		KDIR="/lib/modules/$kver/build" KSELFTEST_DIR=/opt/kselftest \
		CC="$cc" WERROR=1 "${targets[@]}"
}

main "$@"
