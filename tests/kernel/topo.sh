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

# One ip process per namespace, fed its commands on stdin: starting ip
# costs a third of a second in an emulated guest, and there are two dozen.
up() {
	ip -batch - <<-EOF
	netns add cli-$s
	netns add px-$s
	netns add tgt-$s
	link add cli0 netns cli-$s type veth peer name pxc0 netns px-$s
	link add pxt0 netns px-$s type veth peer name tgt0 netns tgt-$s
	EOF
	{
		echo "link set lo up"
		addr cli0 192.0.2.1/24 2001:db8:1::1/64
		second cli0 192.0.2.3/24 2001:db8:1::100/64
	} | ip -n "cli-$s" -batch -
	{
		echo "link set lo up"
		addr pxc0 192.0.2.2/24 2001:db8:1::2/64
		second pxc0 192.0.2.4/24 2001:db8:1::4/64
		addr pxt0 198.51.100.1/24 2001:db8:2::1/64
		echo "neigh add 198.51.100.77 lladdr 02:00:00:00:00:77 dev pxt0 nud permanent"
		echo "neigh add 2001:db8:2::77 lladdr 02:00:00:00:00:77 dev pxt0 nud permanent"
	} | ip -n "px-$s" -batch -
	{
		echo "link set lo up"
		addr tgt0 198.51.100.2/24 2001:db8:2::2/64
	} | ip -n "tgt-$s" -batch -
}

# addr DEV V4 V6, second DEV V4 V6: the commands for a main or a second
# pair of addresses.
addr() {
	echo "addr add $2 dev $1"
	echo "addr add $3 dev $1 nodad"
	echo "link set $1 up"
}

second() {
	echo "addr add $2 dev $1"
	echo "addr add $3 dev $1 nodad preferred_lft 0"
}

# Whatever exists of the three: -force goes on past a missing one.
down() {
	printf 'netns del %s\n' "cli-$s" "px-$s" "tgt-$s" |
		ip -force -batch - 2>/dev/null || true
}

"$1"
