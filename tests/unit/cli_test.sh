#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cli_test.sh: litepxctl's command line without a kernel module (TAP):
# help, versions, options, standard input, bash completion. Run from
# tests/unit (make run); LITEPXCTL overrides the binary.
set -uo pipefail
CTL=${LITEPXCTL:-../../userspace/litepxctl}
ROUTES=../../config/routes.yml
COMPLETION=$(cd ../../config && pwd)/litepxctl.bash-completion
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. ../tap.sh

tap_diagnose() {
	local f
	for f in "$TMP/out" "$TMP/err"; do
		[[ -s $f ]] && sed "s/^/# ${f##*/}: /" "$f" | head -n 8
	done
}

# run ARGS...: the tool's stdout, stderr and status in $TMP/out, err, RC.
run() {
	"$CTL" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	RC=$?
}

# A --help: exit 0, the usage on stdout, nothing on stderr.
helps() {
	[[ $RC == 0 && ! -s $TMP/err ]] && grep -q "^Usage: litepxctl $1" "$TMP/out"
}

run --help
helps ""; tap_result $? "--help: usage on stdout, exit 0"
run -h
helps ""; tap_result $? "-h: usage on stdout, exit 0"

for cmd in check load show conns metrics flush; do
	run "$cmd" --help
	helps "$cmd"; tap_result $? "$cmd --help: its usage on stdout, exit 0"
	run "$cmd" -h
	helps "$cmd"; tap_result $? "$cmd -h: its usage on stdout, exit 0"
	run "$cmd" --no-such-option
	[[ $RC == 2 && ! -s $TMP/out ]] && grep -q -- "$cmd --help" "$TMP/err"
	tap_result $? "$cmd --no-such-option: exit 2, a pointer to --help on stderr"
done

for cmd in check show conns; do
	"$CTL" "$cmd" --help | grep -q -- '-j, --json'
	tap_result $? "$cmd --help documents -j/--json"
done

run check --json "$ROUTES"
cp "$TMP/out" "$TMP/long.json"
run check -j "$ROUTES"
[[ $RC == 0 ]] && cmp -s "$TMP/out" "$TMP/long.json" &&
	python3 -m json.tool "$TMP/out" >/dev/null
tap_result $? "check -j is check --json, and valid JSON"

"$CTL" check - <"$ROUTES" >"$TMP/stdin.txt" 2>"$TMP/err"
rc=$?
"$CTL" check "$ROUTES" >"$TMP/file.txt" 2>>"$TMP/err"
[[ $rc == 0 ]] && diff <(grep -v "$ROUTES" "$TMP/file.txt") \
	<(grep -v '<stdin>' "$TMP/stdin.txt") >"$TMP/out"
tap_result $? "check - reads standard input"

printf 'routes:\n  - port: 99999\n    dest_host: 192.0.2.1\n' |
	"$CTL" load - >"$TMP/out" 2>"$TMP/err"
rc=$?
[[ $rc == 2 ]] && grep -q '^<stdin>:2:' "$TMP/err"
tap_result $? "load - validates standard input, names it <stdin>"

run check "$ROUTES" extra
[[ $RC == 2 ]]; tap_result $? "check with two files: exit 2"

run show -j
[[ $RC != 2 ]]; tap_result $? "show -j is accepted"
for args in "show -a" "show --all -b" "show --bytes" "show -c" "show --config" \
	"conns -b" "conns -r 2" "conns --route 2 -r 3 --sort age" \
	"conns -s client -j" "conns --sort=bytes" "metrics" \
	"metrics -o $TMP/m.prom" "metrics --output=$TMP/m.prom"; do
	run $args
	[[ $RC != 2 ]]; tap_result $? "$args is accepted"
done
for args in "show -c -j" "show --config --all" "conns -r 0" "conns -r x" \
	"conns -r" "conns -s" "conns --sort size" "check -a $ROUTES" \
	"load --bytes $ROUTES" "flush -r 1" "show -r 1" "conns -a" \
	"metrics -o" "metrics -j" "metrics $TMP/m.prom" "show -o $TMP/m.prom"; do
	run $args
	[[ $RC == 2 && ! -s $TMP/out && -s $TMP/err ]]
	tap_result $? "$args: exit 2, said on stderr"
done
run conns --sort size
grep -q "route, client, target, age, idle or bytes" "$TMP/err"
tap_result $? "conns --sort with an unknown key names the keys"
run conns --json
[[ $RC != 2 ]]; tap_result $? "conns --json is accepted"
"$CTL" metrics --help | grep -q -- '-o, --output FILE'
tap_result $? "metrics --help documents -o/--output"
# Without a module the dump fails: FILE must then not be created.
if [[ ! -e /sys/module/litepx ]]; then
	run metrics -o "$TMP/none.prom"
	[[ $RC == 1 && ! -e $TMP/none.prom ]] &&
		! compgen -G "$TMP/none.prom.*" >/dev/null
	tap_result $? "metrics -o without a module: exit 1, no file left"
fi

run --version
[[ $RC == 0 ]] && grep -qE '^litepxctl [0-9]+\.[0-9]+' "$TMP/out"
tap_result $? "--version: the tool's version"
run -V
if [[ -e /sys/module/litepx ]]; then
	grep -qx "module: $(cat /sys/module/litepx/version 2>/dev/null)" "$TMP/out"
else
	grep -qx 'module: not loaded' "$TMP/out"
fi
tap_result $? "-V: the loaded module's version, or 'not loaded'"
run version
cmp -s "$TMP/out" <("$CTL" --version)
tap_result $? "version is --version"

# complete WORDS...: what bash completion offers for the last word.
complete_words() {
	bash -c 'shopt -s extglob; . "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_litepxctl; printf "%s\n" "${COMPREPLY[@]}"' complete "$COMPLETION" "$@"
}
[[ $(complete_words litepxctl ch) == check ]]
tap_result $? "completion: subcommands"
[[ $(complete_words litepxctl show --j) == --json ]]
tap_result $? "completion: a subcommand's options"
[[ $(complete_words litepxctl conns --sort a) == age ]]
tap_result $? "completion: conns --sort keys"
[[ $(complete_words litepxctl show --c) == --config ]]
tap_result $? "completion: show --config"
[[ $(complete_words litepxctl me) == metrics ]] &&
	[[ $(complete_words litepxctl metrics --o) == --output ]]
tap_result $? "completion: metrics --output"
mkdir -p "$TMP/c" && touch "$TMP/c/routes.yml" "$TMP/c/notes.txt"
[[ $(cd "$TMP/c" && complete_words litepxctl load "") == routes.yml ]]
tap_result $? "completion: YAML files for load"

tap_done
