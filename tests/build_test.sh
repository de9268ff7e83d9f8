#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build_test.sh: the build as packagers and new users drive it (TAP).
# Runs in a scratch copy of the tree; needs no kernel headers.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
. "$REPO/tests/tap.sh"

tap_diagnose() {
	[[ -f $SCRATCH/out ]] && sed 's/^/# /' "$SCRATCH/out" | tail -n 15
}

git -C "$REPO" ls-files -z --cached --others --exclude-standard |
	tar -C "$REPO" --null -T - -cf - | tar -C "$SCRATCH" -xf -
T=$SCRATCH
# No kernel build tree, whatever this machine has.
NOKDIR=KDIR=$SCRATCH/no-kernel-headers

echo "1..6"

make -C "$T" CFLAGS=-O1 tool >"$T/out" 2>&1
tap_result $? "make CFLAGS=-O1 tool keeps the project's own flags"

make -C "$T/userspace" -B -n CPPFLAGS=-DLPX_FROM_CPPFLAGS config.o >"$T/out" 2>&1 &&
	grep -q -- '-DLPX_FROM_CPPFLAGS' "$T/out"
tap_result $? "CPPFLAGS reach the compiler"

make -C "$T/userspace" -B -n LDFLAGS=-Wl,-z,now litepxctl >"$T/out" 2>&1 &&
	grep -E -- '-o litepxctl .*|-Wl,-z,now.*-o litepxctl' "$T/out" | grep -q -- '-Wl,-z,now'
tap_result $? "LDFLAGS reach the linker"

make -C "$T" "$NOKDIR" clean >"$T/out" 2>&1 && [[ ! -e $T/userspace/litepxctl ]]
tap_result $? "make clean works without kernel headers and removes litepxctl"

make -C "$T" KSELFTEST_DIR="$T/none" unit-check >"$T/out" 2>&1
rc=$?
((rc != 0)) && grep -q 'kselftest.sh' "$T/out"
tap_result $? "make unit-check without kselftest_harness.h says how to get it"

make -C "$T" WERROR=1 CFLAGS="-O2 -g" CPPFLAGS="-D_FORTIFY_SOURCE=2" tool >"$T/out" 2>&1
tap_result $? "the tool builds with -Werror and Debian's fortify flags"

tap_done
