#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ynl-gen.sh [--check] [OUTDIR]
#
# Generate the files that come from docs/netlink/litepx.yaml with the
# kernel's own generator, tools/net/ynl/ynl-gen-c.py of Debian's
# linux-source-6.12 (fetched and unpacked into the cache the way the debug
# kernel lane does it: tests/vm/debug-kernel.sh source):
#
#   include/uapi/linux/litepx.h   the uapi header (uapi mode)
#   kmod/netlink-gen.h, .c        the policies and the op table (kernel)
#
# Writes into OUTDIR (default: the tree). --check generates into a
# temporary directory and fails, showing the diff, when a committed file
# differs: "make style" runs it, so a hand edit of a generated file fails.
#
# Environment: LITEPX_CACHE; YNL_GEN_C (a ynl-gen-c.py to use instead).
set -euo pipefail
. "$(dirname "$0")/vm/lib.sh"

SPEC=docs/netlink/litepx.yaml
GENERATED="include/uapi/linux/litepx.h kmod/netlink-gen.h kmod/netlink-gen.c"

generator() {
	local ksrc
	if [[ -n ${YNL_GEN_C:-} ]]; then
		echo "$YNL_GEN_C"
		return 0
	fi
	ksrc=$(bash "$VM_DIR/debug-kernel.sh" source)
	[[ -f $ksrc/tools/net/ynl/ynl-gen-c.py ]] ||
		die "no tools/net/ynl/ynl-gen-c.py in $ksrc"
	echo "$ksrc/tools/net/ynl/ynl-gen-c.py"
}

# The generator names the spec by its path below the directory holding
# MAINTAINERS and validates it against ../genetlink-legacy.yaml, both as in
# a kernel tree: give it a small tree that looks like one.
generate() {
	local gen=$1 out=$2 work ksrc
	work=$(mktemp -d)
	ksrc=$(dirname "$(dirname "$(dirname "$(dirname "$gen")")")")
	touch "$work/MAINTAINERS"
	mkdir -p "$work/docs/netlink"
	cp "$REPO/$SPEC" "$work/$SPEC"
	cp "$ksrc/Documentation/netlink/genetlink-legacy.yaml" "$work/docs/"
	mkdir -p "$out/include/uapi/linux" "$out/kmod"
	(
		cd "$work"
		python3 "$gen" --mode uapi --header --spec "$SPEC" \
			-o "$out/include/uapi/linux/litepx.h"
		python3 "$gen" --mode kernel --header --spec "$SPEC" \
			-o "$out/kmod/netlink-gen.h"
		python3 "$gen" --mode kernel --source --spec "$SPEC" \
			-o "$out/kmod/netlink-gen.c"
	) >&2 || { rm -rf "$work"; die "ynl-gen-c.py failed on $SPEC"; }
	rm -rf "$work"
}

main() {
	local check=0 out gen f rc=0
	if [[ ${1:-} == --check ]]; then
		check=1
		shift
	fi
	gen=$(generator)
	if ((!check)); then
		out=$(realpath -m "${1:-$REPO}")
		generate "$gen" "$out"
		return 0
	fi
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	generate "$gen" "$TMP"
	for f in $GENERATED; do
		if ! diff -u "$REPO/$f" "$TMP/$f"; then
			log "$f differs from what $SPEC generates:" \
				"edit the spec and run 'make ynl-gen'"
			rc=1
		fi
	done
	return "$rc"
}

main "$@"
