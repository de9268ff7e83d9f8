# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# TAP helpers for the guest's shell tests: every check prints one
# "ok N - name" or "not ok N - name" line; tests/check.sh counts them.

tap_count=0
tap_failed=0

tap_result() {
	tap_count=$((tap_count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_count - $2"
	else
		echo "not ok $tap_count - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# check NAME COMMAND...: passes when COMMAND exits 0.
check() {
	name=$1
	shift
	if "$@" >/tmp/tap.out 2>&1; then
		tap_result 0 "$name"
	else
		sed 's/^/# /' /tmp/tap.out
		tap_result 1 "$name"
	fi
}

# busywait TIMEOUT_MS COMMAND...: polls until COMMAND succeeds.
busywait() {
	timeout_ms=$1
	shift
	start=$(date +%s%3N)
	until "$@"; do
		[ $(($(date +%s%3N) - start)) -ge "$timeout_ms" ] && return 1
		sleep 0.05
	done
}
