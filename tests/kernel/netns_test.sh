#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# What litepx costs a namespace that never loads a config: unprivileged
# users can make namespaces, and each gets litepx's per-namespace state.
# The tables come with the first config load (table_bytes in
# /proc/litepx/stats says what they take); creating and deleting
# NS_COUNT namespaces with litepx loaded and without is measured and
# printed for docs/reliability.md (MemFree moves too much under emulation
# to judge a few kilobytes by).
. tests/kernel/lib.sh
count=${NS_COUNT:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/one.yml" <<EOF
routes:
  - port: 7000
    dest_host: 127.0.0.1
    dest_port: 7001
EOF

# table_bytes_is OP VALUE: in a new namespace, after loading FILE if given.
cat >"$tmp/tables.sh" <<'EOF'
ip link set lo up
[ -n "$3" ] && { ./userspace/litepxctl load "$3" >/dev/null || exit 1; }
bytes=$(awk '$1 == "table_bytes" { print $2 }' /proc/litepx/stats)
echo "table_bytes $bytes"
[ "$bytes" "$1" "$2" ]
EOF
check "a namespace without a config has no tables" \
	unshare --net sh "$tmp/tables.sh" -eq 0
check "its first config load allocates them" \
	unshare --net sh "$tmp/tables.sh" -gt 0 "$tmp/one.yml"

free_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^MemFree:/ { print $2 }' /proc/meminfo
}

# Namespaces alive, deleted ones not yet cleaned up included.
netns_objects() {
	awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo
}

# Deleted namespaces are cleaned up in the background: wait for it.
netns_settled() { [ "$(netns_objects)" -le "$base" ]; }

# many add|del: one ip process for all the namespaces.
many() {
	i=0
	while [ $i -lt "$count" ]; do
		echo "netns $1 nscost$i"
		i=$((i + 1))
	done | ip -force -batch -
}

measure() {
	base=$(netns_objects)
	before=$(free_kb)
	start=$(date +%s%3N)
	many add
	made=$(date +%s%3N)
	after=$(free_kb)
	many del
	gone=$(date +%s%3N)
	echo "# $1: $count namespaces created in $((made - start)) ms," \
		"deleted in $((gone - made)) ms," \
		"MemFree $(((before - after) * 1024 / count)) B lower each"
	busywait 120000 netns_settled
}

measure "with litepx"
check "rmmod litepx" rmmod litepx
measure "without litepx"
check "insmod litepx" insmod ./litepx.ko
exit "$tap_failed"
