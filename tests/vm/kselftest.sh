#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kselftest.sh: take the kselftest harness headers and checkpatch out of the
# host's linux-source-6.1 tarball, once, into
#   $CACHE/kselftest/   kselftest_harness.h, kselftest.h (+ what they include)
#   $CACHE/checkpatch/  checkpatch.pl, spelling.txt, const_structs.checkpatch
# These are kernel files (GPL-2.0): they live in the cache, never in the repo.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SOURCE_TARBALL=${LITEPX_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
SELFTESTS=tools/testing/selftests
CHECKPATCH_FILES="checkpatch.pl spelling.txt const_structs.checkpatch"

is_done() {
	[[ -f $CACHE/kselftest/.done && -f $CACHE/checkpatch/.done ]]
}

# Local includes ("x.h") of the given headers, transitively, within DIR.
local_includes() {
	local dir=$1 todo=("${@:2}") seen=" " h inc
	while ((${#todo[@]})); do
		h=${todo[0]}; todo=("${todo[@]:1}")
		[[ $seen == *" $h "* ]] && continue
		seen+="$h "
		echo "$h"
		for inc in $(sed -nE 's/^\s*#\s*include\s+"([^"/]+)".*/\1/p' "$dir/$h"); do
			[[ -f $dir/$inc ]] || die "$h includes $inc, not in $SELFTESTS"
			todo+=("$inc")
		done
	done
}

# One pass over the tarball: the top-level selftests headers (a superset of
# what the harness includes) and the checkpatch files.
extract() {
	local tmp=$1 top f members=()
	top=$(basename "$SOURCE_TARBALL" .tar.xz)
	members=("$top/$SELFTESTS/*.h")
	for f in $CHECKPATCH_FILES; do
		members+=("$top/scripts/$f")
	done
	log "extracting from $SOURCE_TARBALL"
	tar -xJf "$SOURCE_TARBALL" -C "$tmp" --strip-components=1 \
		--wildcards --no-wildcards-match-slash "${members[@]}"
}

install_files() {
	local tmp=$1 h f
	rm -rf "$CACHE/kselftest" "$CACHE/checkpatch"
	mkdir -p "$CACHE/kselftest" "$CACHE/checkpatch"
	for h in $(local_includes "$tmp/$SELFTESTS" kselftest_harness.h kselftest.h); do
		cp "$tmp/$SELFTESTS/$h" "$CACHE/kselftest/"
	done
	for f in $CHECKPATCH_FILES; do
		cp "$tmp/scripts/$f" "$CACHE/checkpatch/"
	done
	chmod +x "$CACHE/checkpatch/checkpatch.pl"
	touch "$CACHE/kselftest/.done" "$CACHE/checkpatch/.done"
}

main() {
	if is_done; then
		log "kselftest and checkpatch cached in $CACHE"
		exit 0
	fi
	[[ -f $SOURCE_TARBALL ]] || die "$SOURCE_TARBALL missing (apt-get install linux-source-6.1)"
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	local tmp=$TMP
	extract "$tmp"
	install_files "$tmp"
	log "kselftest: $(cd "$CACHE/kselftest" && echo *); checkpatch: $CACHE/checkpatch"
}

main "$@"
