# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# tap.sh: TAP counting for the shell tests that run without a guest
# (tests/build_test.sh, tests/unit/*.sh). Source it, define tap_diagnose
# to print what a failure should show, call tap_result STATUS NAME [ARG...]
# per check and tap_done at the end.
N=0 FAILS=0

# tap_result STATUS NAME [ARG...]: "ok N - NAME" when STATUS is 0, else
# "not ok N - NAME" and tap_diagnose ARG....
tap_result() {
	N=$((N + 1))
	if [[ $1 == 0 ]]; then
		echo "ok $N - $2"
		return 0
	fi
	echo "not ok $N - $2"
	FAILS=$((FAILS + 1))
	if declare -F tap_diagnose >/dev/null; then
		tap_diagnose "${@:3}"
	fi
	return 0
}

# The plan, and an exit status that says whether anything failed.
tap_done() {
	echo "1..$N"
	exit $((FAILS > 0))
}
