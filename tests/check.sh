#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh: the whole litepx test suite (make check, .ci/run).
#
# Installs what the host lacks, builds and runs the native unit tests, runs
# checkpatch, builds the module and tools inside each Debian userland with
# that suite's compiler and kernel headers, does a "dkms build" there, and
# runs the kernel tests in a QEMU guest booting each suite's kernel. Every
# step counts as passed or failed, and so does every TAP result ("ok N",
# "not ok N", "# SKIP") of the unit and kernel tests; the run goes on after
# failures. The last line is "N passed, N failed, N skipped"; the exit
# status is 0 iff nothing failed.
#
# Environment:
#   LITEPX_CACHE          cache directory (default /var/cache/litepx)
#   LITEPX_SUITES         userlands to build in (default: all of lib.sh's
#                         KNOWN_SUITES: bullseye bookworm trixie sid)
#   LITEPX_GUEST_SUITES   kernels to run the kernel tests on (default: the
#                         LITEPX_SUITES; "" for none)
#   LITEPX_GUEST_TIMEOUT  seconds per guest run (default 1200; a run takes
#                         about 10 minutes under TCG)
#   LITEPX_DEBUG_LANE     1: also the debug kernel lane (default 0 until
#                         faults.sh's sweeps are faster: the lane's guest
#                         takes about 47 minutes, too close to CI's 90)
#                         (tests/vm/debug-kernel.sh: linux-source-6.12 with
#                         KASAN, UBSAN, kmemleak, lockdep, ... booting the
#                         bookworm userland: the guest suite, the netlink
#                         fuzzer, fault injection, torture)
#   LITEPX_DEBUG_TIMEOUT  seconds for the debug lane's guest (default 3000:
#                         a run takes about 45 minutes; the limit keeps a
#                         hung lane inside CI's 90)
#   LITEPX_PKG_TESTS      1 (default): on each guest suite, also build the
#                         Debian packages there and install, boot, use and
#                         purge them (tests/vm/pkg.sh, about 3 minutes); 0: not
# The complete output is also written to $CACHE/check.log.
set -euo pipefail
# shellcheck disable=SC2034 # vm/lib.sh's log() reads it
LOG_TAG=check
. "$(dirname "$0")/vm/lib.sh"

SUITES=${LITEPX_SUITES:-$KNOWN_SUITES}
GUEST_SUITES=${LITEPX_GUEST_SUITES-$SUITES}
GUEST_TIMEOUT=${LITEPX_GUEST_TIMEOUT:-1200}
GUEST_COMMAND="sh /opt/litepx/tests/kernel/run.sh"
DEBUG_LANE=${LITEPX_DEBUG_LANE:-0}
DEBUG_TIMEOUT=${LITEPX_DEBUG_TIMEOUT:-3000}
DEBUG_SUITE=bookworm
PKG_TESTS=${LITEPX_PKG_TESTS:-1}

PASSED=0 FAILED=0 SKIPPED=0
SUMMARY=()
FAILED_STEPS=" "

# ---------------------------------------------------------------- counting

# TAP results at the start of a line (nested TAP is indented or "# "-
# prefixed and is left to its parent's line); a "# SKIP" or "# TODO" result
# is a skip whatever its ok.
count_tap() {
	local out=$1
	# grep -c prints 0 (and fails) when nothing matches.
	TAP_OK=$(grep -Ec '^ok [0-9]+' "$out" || true)
	TAP_NOT_OK=$(grep -Ec '^not ok [0-9]+' "$out" || true)
	TAP_SKIP=$(grep -Eic '^(not )?ok [0-9]+.*# *(SKIP|TODO)' "$out" || true)
	TAP_SKIP_OK=$(grep -Eic '^ok [0-9]+.*# *(SKIP|TODO)' "$out" || true)
	TAP_OK=$((TAP_OK - TAP_SKIP_OK))
	TAP_NOT_OK=$((TAP_NOT_OK - (TAP_SKIP - TAP_SKIP_OK)))
}

# record NAME RC SECS [EXTRA [FAILED_TESTS]]: a step whose own exit status
# is 0 still shows as FAIL in the summary when some of its tests failed
# (those are counted one by one, not again as a step).
record() {
	local name=$1 rc=$2 secs=$3 extra=${4:-} failed_tests=${5:-0}
	if ((rc == 0 && failed_tests > 0)); then
		PASSED=$((PASSED + 1))
		FAILED_STEPS+="$name "
		SUMMARY+=("FAIL  $name (${secs}s)$extra")
	elif ((rc == 0)); then
		PASSED=$((PASSED + 1))
		SUMMARY+=("PASS  $name (${secs}s)$extra")
	else
		FAILED=$((FAILED + 1))
		FAILED_STEPS+="$name "
		SUMMARY+=("FAIL  $name (${secs}s, exit $rc)$extra")
	fi
}

# step [--tap] NAME COMMAND...: run COMMAND, show and keep its output,
# count the result (and its TAP results with --tap).
step() {
	local tap=0 name rc=0 start=$SECONDS out extra="" failed_tests=0
	[[ $1 == --tap ]] && { tap=1; shift; }
	name=$1; shift
	out="$CACHE/check/$name.out"
	log "==== $name: $*"
	"$@" </dev/null 2>&1 | tee "$out" || rc=$?
	if ((tap)); then
		count_tap "$out"
		PASSED=$((PASSED + TAP_OK))
		FAILED=$((FAILED + TAP_NOT_OK))
		SKIPPED=$((SKIPPED + TAP_SKIP))
		extra=": tests $TAP_OK ok, $TAP_NOT_OK not ok, $TAP_SKIP skipped"
		failed_tests=$TAP_NOT_OK
	fi
	record "$name" "$rc" $((SECONDS - start)) "$extra" "$failed_tests"
	if ((rc != 0)); then
		log "==== $name: FAILED ($rc)"
	elif ((failed_tests > 0)); then
		log "==== $name: $failed_tests tests FAILED"
	else
		log "==== $name: passed"
	fi
	return 0
}

# A step that cannot run because one it needs failed: a failure too.
blocked() {
	local name=$1 why=$2
	log "==== $name: not run, $why failed"
	FAILED=$((FAILED + 1))
	SUMMARY+=("FAIL  $name (not run: $why failed)")
}

failed() { [[ $FAILED_STEPS == *" $1 "* ]]; }

# ---------------------------------------------------------------- steps

host_deps() {
	bash -c 'set -euo pipefail; . "$1"; ensure_host_deps' host_deps "$VM_DIR/lib.sh"
}

native_steps() {
	local make=(make -C "$REPO" KSELFTEST_DIR="$CACHE/kselftest" WERROR=1)
	step native-build "${make[@]}" tool unit-tests
	step --tap unit-check "${make[@]}" unit-check
	step style make -C "$REPO" style CHECKPATCH="$CACHE/checkpatch/checkpatch.pl"
	step --tap build-flags bash "$REPO/tests/build_test.sh"
}

suite_steps() {
	local suite=$1
	step "userland-$suite" bash "$VM_DIR/userland.sh" "$suite"
	if failed "userland-$suite"; then
		blocked "build-$suite" "userland-$suite"
		return 0
	fi
	step "build-$suite" bash "$VM_DIR/build.sh" "$suite"
	step "dkms-$suite" bash "$VM_DIR/dkms.sh" "$suite"
}

guest_steps() {
	local suite=$1
	if failed "build-$suite" || failed "userland-$suite"; then
		blocked "guest-$suite" "build-$suite"
		return 0
	fi
	step "initramfs-$suite" bash "$VM_DIR/initramfs.sh" "$suite"
	if failed "initramfs-$suite"; then
		blocked "guest-$suite" "initramfs-$suite"
		return 0
	fi
	# shellcheck disable=SC2086
	step --tap "guest-$suite" bash "$VM_DIR/run.sh" "$suite" \
		--timeout "$GUEST_TIMEOUT" -- $GUEST_COMMAND
	if [[ $PKG_TESTS != 0 ]]; then
		step "pkg-$suite" bash "$VM_DIR/pkg.sh" "$suite"
	fi
}

# The debug kernel's build (5.5 minutes of both CPUs when cold, nothing
# when cached) starts before the stock guests, niced: it takes the CPU
# time their guests leave idle instead of adding its own to the run.
DEBUG_KERNEL_PID=
DEBUG_KERNEL_START=0
debug_kernel_start() {
	DEBUG_KERNEL_START=$SECONDS
	log "==== debug-kernel: building in the background (log: $CACHE/check/debug-kernel.out)"
	nice -n 19 bash "$VM_DIR/debug-kernel.sh" kernel \
		</dev/null >"$CACHE/check/debug-kernel.out" 2>&1 &
	DEBUG_KERNEL_PID=$!
}

debug_kernel_wait() {
	local rc=0
	wait "$DEBUG_KERNEL_PID" || rc=$?
	log "==== debug-kernel: its output"
	cat "$CACHE/check/debug-kernel.out"
	record debug-kernel "$rc" $((SECONDS - DEBUG_KERNEL_START))
	if ((rc != 0)); then
		log "==== debug-kernel: FAILED ($rc)"
	else
		log "==== debug-kernel: passed"
	fi
}

# The debug kernel lane: the kernel (cached, or built meanwhile), litepx
# built against it in the bookworm userland, then the guest.
debug_steps() {
	if [[ $(build_suites) != *"$DEBUG_SUITE"* ]]; then
		step "userland-$DEBUG_SUITE" bash "$VM_DIR/userland.sh" "$DEBUG_SUITE"
	fi
	if failed "userland-$DEBUG_SUITE"; then
		wait "$DEBUG_KERNEL_PID" || true
		blocked guest-debug "userland-$DEBUG_SUITE"
		return 0
	fi
	debug_kernel_wait
	if failed debug-kernel; then
		blocked guest-debug debug-kernel
		return 0
	fi
	step build-debug bash "$VM_DIR/debug-kernel.sh" build
	if failed build-debug; then
		blocked guest-debug build-debug
		return 0
	fi
	step --tap guest-debug bash "$VM_DIR/debug-kernel.sh" run \
		--timeout "$DEBUG_TIMEOUT"
}

# Suites to build in: LITEPX_SUITES, plus the guest suites (they need a build).
build_suites() {
	local s all=" "
	for s in $SUITES $GUEST_SUITES; do
		[[ $all == *" $s "* ]] || all+="$s "
	done
	echo $all
}

summary() {
	local line
	echo
	echo "==== summary ($((SECONDS / 60))m$((SECONDS % 60))s, log: $CACHE/check.log)"
	for line in "${SUMMARY[@]}"; do
		echo "$line"
	done
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
}

main() {
	local suite rc=0
	for suite in $(build_suites); do
		check_suite "$suite"
	done
	mkdir -p "$CACHE/check"
	rm -f "$CACHE"/check/*.out
	exec > >(tee "$CACHE/check.log") 2>&1
	local tee_pid=$!
	log "litepx check: $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo "no git")," \
		"suites: $(build_suites), guests: $GUEST_SUITES, debug lane: $DEBUG_LANE"
	step host-deps host_deps
	step kselftest bash "$VM_DIR/kselftest.sh"
	native_steps
	for suite in $(build_suites); do
		suite_steps "$suite"
	done
	if [[ $DEBUG_LANE != 0 ]]; then
		debug_kernel_start
	fi
	for suite in $GUEST_SUITES; do
		guest_steps "$suite"
	done
	if [[ $DEBUG_LANE != 0 ]]; then
		debug_steps
	fi
	summary
	((FAILED == 0)) || rc=1
	# Let tee write the last line before we exit.
	exec >&- 2>&-
	wait "$tee_pid" || true
	exit "$rc"
}

main "$@"
