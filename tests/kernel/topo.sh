#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topo.sh up|down SUFFIX: three hosts in network namespaces, joined by veth.
#
#   client (cli-S)         proxy (px-S)                 target (tgt-S)
#   cli0 192.0.2.1  ---- pxc0 192.0.2.2
#        2001:db8:1::1        2001:db8:1::2
#        192.0.2.3            192.0.2.4
#        2001:db8:1::100      2001:db8:1::4
#                          pxt0 198.51.100.1  ---- tgt0 198.51.100.2
#                               2001:db8:2::1           2001:db8:2::2
#
# The second client address stands for another client host (in IPv6 one in
# the same /64); the second proxy address is another address the proxy's
# wildcard listeners answer on. Neither is ever picked as a source address
# unless a socket binds it: IPv4 secondaries never are, and the IPv6 ones
# are deprecated (preferred_lft 0, RFC 6724 rule 3).
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
	second cli cli0 192.0.2.3/24 2001:db8:1::100/64
	second px pxc0 192.0.2.4/24 2001:db8:1::4/64
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

second() {
	ip -n "$1-$s" addr add "$3" dev "$2"
	ip -n "$1-$s" addr add "$4" dev "$2" nodad preferred_lft 0
}

down() {
	for n in cli px tgt; do
		ip netns del "$n-$s" 2>/dev/null || true
	done
}

"$1"
