#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the debug kernel's guest (tests/vm/debug-kernel.sh run), from
# the build tree: the whole guest suite (run.sh), then the netlink fuzzer,
# fault injection and the concurrency torture, each followed by a kmemleak
# scan with the module unloaded. Prints TAP; the host's run.sh fails the run
# on any KASAN, UBSAN, lockdep, RCU, debugobjects, refcount or list report
# in the kernel log.
#
# Environment (give it on the guest command line, e.g.
#   bash tests/vm/debug-kernel.sh run -- env LITEPX_FUZZ_SEED=123 \
#       sh /opt/litepx-debug/tests/kernel/debug_lane.sh):
# LITEPX_FUZZ_SEED, LITEPX_FUZZ_COUNT (tests/kernel/nl_fuzz.sh),
# LITEPX_TORTURE_SECS (tests/kernel/torture.sh).
cd "$(dirname "$0")/../.." || exit 1
. tests/kernel/lib.sh

KMEMLEAK=/sys/kernel/debug/kmemleak
# The harness's per-test timeouts, stretched (tests/kernel/timeout_scale.c):
# KASAN, lockdep and kmemleak under TCG run several times slower.
export LITEPX_TIMEOUT_SCALE=${LITEPX_TIMEOUT_SCALE:-8}
export LITEPX_FUZZ_COUNT=${LITEPX_FUZZ_COUNT:-100000}
# The floods and the largest tables a tenth as large, and 100 namespaces
# for the cost figures.
export LITEPX_FLOOD_SCALE=${LITEPX_FLOOD_SCALE:-10}
export NS_COUNT=${NS_COUNT:-100}
lane_failed=0

# Elapsed seconds of the lane, for the figures in docs/reliability.md.
lane_start=$(date +%s)
stamp() { echo "# debug-lane: $1 at $(($(date +%s) - lane_start))s"; }

# leak_check NAME: two scans (kmemleak leaves objects younger than 5s
# alone), then anything it lists is a leak: printed, and a failure.
leak_check() {
	echo scan >"$KMEMLEAK"
	sleep 6
	echo scan >"$KMEMLEAK"
	cat "$KMEMLEAK" >/tmp/kmemleak.out
	if [ -s /tmp/kmemleak.out ]; then
		sed 's/^/# /' /tmp/kmemleak.out | head -n 200
		tap_result 1 "kmemleak: nothing leaked after $1"
		echo clear >"$KMEMLEAK"
	else
		tap_result 0 "kmemleak: nothing leaked after $1"
	fi
}

# sub NAME COMMAND...: a sub-suite printing its own TAP lines; its exit
# status counts in the lane's.
sub() {
	name=$1
	shift
	stamp "$name starts"
	"$@"
	rc=$?
	stamp "$name ended ($rc)"
	[ "$rc" -eq 0 ] || lane_failed=$((lane_failed + 1))
}

echo "# debug-lane: $(uname -r)"
check "kmemleak is on" test -w "$KMEMLEAK"
check "fault injection is on" test -d /sys/kernel/debug/failslab
# What boot and the userland left behind is not litepx's: marked seen.
echo scan >"$KMEMLEAK"
echo clear >"$KMEMLEAK"

sub "guest suite" sh tests/kernel/run.sh
leak_check "the guest suite"

# Each bounded: a hang is a failure, not the end of the lane.
for t in nl_fuzz.sh:1800 faults.sh:1200 torture.sh:600; do
	limit=${t#*:} t=${t%:*}
	[ -f "tests/kernel/$t" ] || continue
	sub "$t" timeout -k 10 "$limit" sh "tests/kernel/$t"
	if grep -q "^litepx " /proc/modules; then
		check "litepx unloads after $t" rmmod litepx
	fi
	leak_check "$t"
done

stamp "done"
[ "$tap_failed" -eq 0 ] && [ "$lane_failed" -eq 0 ]
