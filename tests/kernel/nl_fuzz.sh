#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The netlink fuzzer (tests/kernel/nl_fuzz.c) against the loaded module:
# LITEPX_FUZZ_COUNT messages (default 100000), seed LITEPX_FUZZ_SEED
# (default: a new one, printed).
cd "$(dirname "$0")/../.." || exit 1
. tests/kernel/lib.sh

grep -q '^litepx ' /proc/modules || check "insmod litepx.ko" insmod ./litepx.ko
./tests/kernel/nl_fuzz -n "${LITEPX_FUZZ_COUNT:-100000}" \
	${LITEPX_FUZZ_SEED:+-s "$LITEPX_FUZZ_SEED"}
