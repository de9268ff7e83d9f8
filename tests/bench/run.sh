#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh (make bench): litepx against no proxy, nftables DNAT, HAProxy,
# nginx stream and socat, in one QEMU guest (tests/bench/guest.sh), then the
# table of ratios (tests/bench/report.py).
#
# Builds the bench userland first if needed: the release's userland plus
# Debian's haproxy, nginx, libnginx-mod-stream and linux-perf, in its own
# cache directory ($LITEPX_CACHE/bookworm-bench; tests/vm/lib.sh variants).
# The guest's raw output is kept in $LITEPX_CACHE/bench/<time>/.
#
# A full run writes tests/bench/results/<date>.{md,json,png}; a quick run
# (BENCH_QUICK=1: one round of 1 s, 1,000 connections) only prints its table
# and leaves the files next to the raw output.
#
# Environment: LITEPX_CACHE; LITEPX_BENCH_SUITE (default bookworm);
# BENCH_RESULTS (where the results go); every BENCH_* variable is passed on
# to the guest (guest.sh lists them).
set -euo pipefail
# shellcheck disable=SC2034 # vm/lib.sh's log() reads it
LOG_TAG=bench
. "$(dirname "$0")/../vm/lib.sh"

SUITE=${LITEPX_BENCH_SUITE:-bookworm}-bench
SRC_DIR=$REPO/tests/bench
HOST_DEPS+=" gnuplot-nox python3"

# BENCH_* of this environment, as NAME=VALUE words for env(1) in the guest.
bench_env() {
	local v
	for v in ${!BENCH_@}; do
		[[ $v == BENCH_RESULTS ]] || printf '%s\0' "$v=${!v}"
	done
}

main() {
	local stamp raw results guest_env=() timeout=2400
	check_suite "$SUITE"
	# One bench at a time: build.sh replaces /opt/litepx under a running guest.
	mkdir -p "$CACHE/bench"
	exec 9>"$CACHE/bench/.lock"
	flock -n 9 || die "another bench run holds $CACHE/bench/.lock"
	ensure_host_deps
	bash "$VM_DIR/kselftest.sh"
	bash "$VM_DIR/userland.sh" "$SUITE"
	bash "$VM_DIR/build.sh" "$SUITE" all bench-tools
	bash "$VM_DIR/initramfs.sh" "$SUITE"
	stamp=$(date +%Y%m%d-%H%M%S)
	raw="$CACHE/bench/$stamp"
	mkdir -p "$raw"
	mapfile -d '' guest_env < <(bench_env)
	[[ ${BENCH_QUICK:-0} != 1 ]] || timeout=900
	log "measuring in the guest; raw output: $raw"
	# The guest would otherwise time packets with the emulated HPET, one
	# slow device access per clock read: TCG's TSC is the host's clock.
	LITEPX_APPEND="tsc=reliable clocksource=tsc ${LITEPX_APPEND:-}" \
		LITEPX_RUN_OUT=$raw bash "$VM_DIR/run.sh" "$SUITE" --timeout "$timeout" -- \
		env "${guest_env[@]}" bash /opt/litepx/tests/bench/guest.sh
	if [[ ${BENCH_QUICK:-0} == 1 ]]; then
		results=${BENCH_RESULTS:-$raw}
	else
		results=${BENCH_RESULTS:-$SRC_DIR/results}
	fi
	# The tree build.sh copied: this repository, or LITEPX_SRC.
	git -C "${LITEPX_SRC:-$REPO}" describe --always --dirty >"$raw/git" 2>/dev/null ||
		echo "${LITEPX_SRC:-$REPO} (not a git tree)" >"$raw/git"
	python3 "$SRC_DIR/report.py" "$raw" "$results"
}

main "$@"
