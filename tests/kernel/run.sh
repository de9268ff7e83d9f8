#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest from the build tree: loads litepx.ko, runs every
# test program and shell test, unloads the module and checks that it left
# nothing behind. The guest runner fails the run on any kernel warning.
cd "$(dirname "$0")/../.." || exit 1
. tests/kernel/lib.sh

# insmod does not load dependencies as modprobe does.
check "load the UDP tunnel modules" sh -c 'modprobe udp_tunnel && modprobe ip6_udp_tunnel'
check "insmod litepx.ko" insmod ./litepx.ko
check "/proc/litepx exists" test -r /proc/litepx/config

for t in tests/kernel/*_test; do
	echo "# $t"
	"$t"
done

for t in tests/kernel/*_test.sh; do
	echo "# $t"
	sh "$t"
done

# Unloading with live connections and sessions: every one must end,
# nothing may leak.
s=rm$$
sh tests/kernel/topo.sh up $s
# All 1000 come from one client address: lift the default 500 per source.
cat >/tmp/busy.yml <<EOF
security:
  tcp:
    connection_ip_limits: 0
  udp:
    connection_ip_limits: 0
routes:
  - port: 7000
    dest_host: 198.51.100.2
    dest_port: 7001
    protocol: [tcp, udp]
EOF
check "load a route for the unload test" \
	ip netns exec px-$s ./userspace/litepxctl load /tmp/busy.yml
./tests/kernel/hold_conns cli-$s tgt-$s 192.0.2.2 7000 198.51.100.2 7001 1000 \
	>/tmp/hold.out 2>&1 &
holder=$!
check "1000 connections relayed" busywait 120000 grep -q ready /tmp/hold.out
check "500 UDP sessions answered" ./tests/kernel/hold_sessions cli-$s tgt-$s \
	192.0.2.2 7000 198.51.100.2 7001 500
check "500 UDP sessions open" ip netns exec px-$s \
	awk '$1 == "udp_sessions" { exit $2 != 500 }' /proc/litepx/stats
check "rmmod litepx with 1000 connections and 500 sessions open" rmmod litepx
wait $holder
tap_result $? "every connection ended at unload"
sed 's/^/# /' /tmp/hold.out
# Every litepx socket lived in the proxy's namespace: none may be left.
check "no TCP socket left in the proxy namespace" \
	ip netns exec px-$s awk '/^TCP:/ { exit $3 != 0 }' /proc/net/sockstat
check "no UDP socket left in the proxy namespace" \
	ip netns exec px-$s awk '/^UDP:/ { exit $3 != 0 }' /proc/net/sockstat
sh tests/kernel/topo.sh down $s
check "no /proc/litepx after rmmod" test ! -e /proc/litepx
check "no /proc/net/litepx after rmmod" test ! -e /proc/net/litepx
check "module gone from /proc/modules" sh -c '! grep -q "^litepx " /proc/modules'
check "reload after rmmod" sh -c 'insmod ./litepx.ko && rmmod litepx'
exit "$tap_failed"
