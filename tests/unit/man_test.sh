#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# man_test.sh: the man pages against what they describe (TAP). routes.yml(5)
# must name every key and default of docs/configuration.md's reference
# tables; litepxctl(8) every command and option --help shows, every
# /proc/litepx file the module makes and every counter; both must render
# without warnings (mandoc -Tlint, man --warnings) and have a NAME line
# lexgrog can read. Run from tests/unit (make run).
set -uo pipefail
TOP=../..
CTL=${LITEPXCTL:-$TOP/userspace/litepxctl}
CONF_MD=$TOP/docs/configuration.md
TOOL_MAN=$TOP/docs/litepxctl.8
FORMAT_MAN=$TOP/docs/routes.yml.5
. ../tap.sh

tap_diagnose() {
	[[ -n ${1:-} ]] && echo "# missing or wrong: $1" | head -c 600 && echo
}

skip() { N=$((N + 1)); echo "ok $N - $1 # SKIP $2"; }

# The pages' text as their source says it ("\-" is "-"), searched in a
# variable: grep -q would end a pipe early, which pipefail takes as failure.
TOOL_TEXT=$(sed 's/\\-/-/g' "$TOOL_MAN")
FORMAT_TEXT=$(sed 's/\\-/-/g' "$FORMAT_MAN")

# "| `key` | type | default | meaning |" rows of the key tables, as
# key<TAB>default (backticks dropped).
reference_rows() {
	awk -F'|' '
		/^## / { keep = ($0 ~ /^## (routes|options|security|performance)$/) }
		keep && $2 ~ /^ `/ && NF >= 6 {
			key = $2; def = $4
			gsub(/`/, "", key); gsub(/`/, "", def)
			gsub(/^ +| +$/, "", key); gsub(/^ +| +$/, "", def)
			print key "\t" def
		}' "$CONF_MD"
}

missing=""
rows=$(reference_rows)
while IFS=$'\t' read -r key def; do
	grep -qF -- "$key" <<<"$FORMAT_TEXT" || missing+="$key "
done <<<"$rows"
[[ $(wc -l <<<"$rows") -ge 25 && -z $missing ]]
tap_result $? "routes.yml(5) names every key of docs/configuration.md" "$missing"

missing=""
while IFS=$'\t' read -r key def; do
	case $def in - | required) continue ;; esac
	grep -qF -- "$def" <<<"$FORMAT_TEXT" || missing+="$key=$def; "
done <<<"$rows"
[[ -z $missing ]]
tap_result $? "routes.yml(5) gives every default of docs/configuration.md" "$missing"

missing=""
for cmd in $("$CTL" --help | awk '/^Commands:/ { on = 1; next } on && !NF { exit } on { print $1 }'); do
	grep -qE "^\.BR? $cmd( |$)" <<<"$TOOL_TEXT" || missing+="$cmd "
done
[[ -z $missing ]]
tap_result $? "litepxctl(8) describes every command of --help" "$missing"

missing=""
for cmd in check load show conns metrics flush; do
	for opt in $("$CTL" "$cmd" --help | grep -oE '(^|[ [])--?[a-z]+' | tr -d ' [' | sort -u); do
		grep -qF -- "$opt" <<<"$TOOL_TEXT" || missing+="$cmd $opt; "
	done
done
for opt in -h --help -V --version; do
	grep -qF -- "$opt" <<<"$TOOL_TEXT" || missing+="$opt; "
done
[[ -z $missing ]]
tap_result $? "litepxctl(8) describes every option of every --help" "$missing"

missing=""
for f in $(sed -nE 's/.*proc_create[a-z_]*\("([a-z]+)".*/\1/p' $TOP/kmod/proc.c); do
	grep -qF "/proc/litepx/$f" "$TOOL_MAN" || missing+="$f "
done
[[ -n $(sed -nE 's/.*proc_create[a-z_]*\("([a-z]+)".*/\1/p' $TOP/kmod/proc.c) && -z $missing ]]
tap_result $? "litepxctl(8) describes every /proc/litepx file" "$missing"

missing=""
counters=$(sed -nE 's/^\s*X\([A-Z_]+, ([a-z_]+)\).*/\1/p' \
	$TOP/include/litepx_counters.h)
for c in $counters; do
	grep -qE "^\.BR? $c( |$)" "$TOOL_MAN" || missing+="$c "
done
[[ $(wc -w <<<"$counters") -ge 10 && -z $missing ]]
tap_result $? "litepxctl(8) names every counter of show's JSON" "$missing"

for page in "$TOOL_MAN" "$FORMAT_MAN"; do
	if command -v mandoc >/dev/null; then
		out=$(mandoc -Tlint -W warning "$page" 2>&1)
		[[ -z $out ]]
		tap_result $? "mandoc -Tlint: ${page##*/} clean" "$out"
	else
		skip "mandoc -Tlint: ${page##*/} clean" "no mandoc (apt install mandoc)"
	fi
	if command -v lexgrog >/dev/null; then
		out=$(lexgrog "$page" 2>&1)
		tap_result $? "lexgrog finds ${page##*/}'s NAME line" "$out"
	else
		skip "lexgrog finds ${page##*/}'s NAME line" "no man-db"
	fi
	if command -v man >/dev/null && man --help 2>&1 | grep -q -- --warnings; then
		out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		[[ -z $out ]]
		tap_result $? "man -l: ${page##*/} renders without warnings" "$out"
	else
		skip "man -l: ${page##*/} renders without warnings" "no man-db"
	fi
done

tap_done
