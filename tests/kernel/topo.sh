#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topo.sh up|down SUFFIX: three hosts in network namespaces, joined by veth.
#
#   client (cli-S)         proxy (px-S)                 target (tgt-S)
#   cli0 192.0.2.1  ---- pxc0 192.0.2.2
#        2001:db8:1::1        2001:db8:1::2
#                          pxt0 198.51.100.1  ---- tgt0 198.51.100.2
#                               2001:db8:2::1           2001:db8:2::2
#
# 198.51.100.77 / 2001:db8:2::77 answer nothing: static neighbours with a
# MAC nobody has, for connect timeouts.
set -e
s=$2
[ -n "$s" ] || { echo "usage: $0 up|down SUFFIX" >&2; exit 2; }

up() {
	for n in cli px tgt; do
		ip netns add "$n-$s"
		ip -n "$n-$s" link set lo up
	done
	ip link add cli0 netns "cli-$s" type veth peer name pxc0 netns "px-$s"
	ip link add pxt0 netns "px-$s" type veth peer name tgt0 netns "tgt-$s"
	addr cli cli0 192.0.2.1/24 2001:db8:1::1/64
	addr px pxc0 192.0.2.2/24 2001:db8:1::2/64
	addr px pxt0 198.51.100.1/24 2001:db8:2::1/64
	addr tgt tgt0 198.51.100.2/24 2001:db8:2::2/64
	ip -n "px-$s" neigh add 198.51.100.77 lladdr 02:00:00:00:00:77 \
		dev pxt0 nud permanent
	ip -n "px-$s" neigh add 2001:db8:2::77 lladdr 02:00:00:00:00:77 \
		dev pxt0 nud permanent
}

addr() {
	ip -n "$1-$s" addr add "$3" dev "$2"
	ip -n "$1-$s" addr add "$4" dev "$2" nodad
	ip -n "$1-$s" link set "$2" up
}

down() {
	for n in cli px tgt; do
		ip netns del "$n-$s" 2>/dev/null || true
	done
}

"$1"
