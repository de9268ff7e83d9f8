#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest from the build tree: loads litepx.ko, runs every
# test program and shell test, unloads the module and checks that it left
# nothing behind. The guest runner fails the run on any kernel warning.
cd "$(dirname "$0")/../.." || exit 1
. tests/kernel/lib.sh

check "insmod litepx.ko" insmod ./litepx.ko
check "/proc/litepx exists" test -r /proc/litepx/config

for t in tests/kernel/*_test; do
	echo "# $t"
	"$t"
done

for t in tests/kernel/*_test.sh; do
	echo "# $t"
	sh "$t"
done

check "rmmod litepx" rmmod litepx
check "no /proc/litepx after rmmod" test ! -e /proc/litepx
check "no /proc/net/litepx after rmmod" test ! -e /proc/net/litepx
check "module gone from /proc/modules" sh -c '! grep -q "^litepx " /proc/modules'
check "reload after rmmod" sh -c 'insmod ./litepx.ko && rmmod litepx'
exit "$tap_failed"
