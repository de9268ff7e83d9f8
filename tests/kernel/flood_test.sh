#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# TCP floods, bounded in count and time, each with a real client checked
# while it runs (docs/reliability.md has the figures):
#   1. a handshake flood from one source past the accept backlog and its
#      connection_ip_limits;
#   2. connections churned with a mix of normal close, half-close, reset
#      and abort while reloads and a flush run;
#   3. rmmod in the middle of a churn, then the module back.
# After each: the connections all end, orphan count 0, slab back near its
# baseline, counters that add up. run.sh fails the run on any kernel
# warning. LITEPX_FLOOD_SCALE divides the counts (a slow debug kernel).
. tests/kernel/lib.sh
s=fl$$
flood=./tests/kernel/tcp_flood
ctl=./userspace/litepxctl
scale=${LITEPX_FLOOD_SCALE:-1}
tmp=$(mktemp -d)
server=

cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	sh tests/kernel/topo.sh down $s
	rm -rf "$tmp"
}
trap cleanup EXIT

px() { ip netns exec "px-$s" "$@"; }

# route_counter NAME: route 1's counter NAME in /proc/litepx/routes.
route_counter() {
	px awk -v name="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == 1 { print $col[name] }' /proc/litepx/routes
}

slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }

orphans() {
	awk '/^TCP:/ { for (i = 2; i < NF; i++) if ($i == "orphan") print $(i + 1) }' \
		/proc/net/sockstat
}

no_orphans() { [ "$(orphans)" -eq 0 ]; }
no_connections() { [ "$(route_counter active)" -eq 0 ]; }

# Proxy sockets that are neither listening nor in TIME-WAIT.
proxy_sockets() { px ss -Htan | grep -vc -e LISTEN -e TIME-WAIT; }
no_proxy_sockets() { [ "$(proxy_sockets)" -eq 0 ]; }

# The real client, from the client host's second address. It tries again
# once after half a second, as a person would: a flush and reload leave
# the port closed for a moment.
real_client() {
	$flood echo "cli-$s" 192.0.2.3 192.0.2.2 7000 ||
		{ sleep 0.5; $flood echo "cli-$s" 192.0.2.3 192.0.2.2 7000; }
}

# real_client_during PID: while PID runs, a real client every second;
# fails if one of them fails.
real_client_during() {
	tries=0 fails=0
	while kill -0 "$1" 2>/dev/null; do
		tries=$((tries + 1))
		real_client || fails=$((fails + 1))
		sleep 1
	done
	echo "# real client: $((tries - fails)) of $tries served" >>"$tmp/real"
	[ "$fails" -eq 0 ] && [ "$tries" -gt 0 ]
}

write_config() {
	cat >"$tmp/routes.yml" <<-EOF
	options:
	  connection:
	    idle_timeout: 20000
	    shutdown_timeout: 5000
	security:
	  tcp:
	    connection_limits: 5000
	    connection_ip_limits: 200
	routes:
	  - port: 7000
	    protocol: tcp
	    dest_host: 198.51.100.2
	    dest_port: 7001
	EOF
	if [ "$1" = extra ]; then
		cat >>"$tmp/routes.yml" <<-EOF
		  - port: 7100
		    protocol: tcp
		    dest_host: 198.51.100.2
		    dest_port: 7001
		EOF
	fi
}

# Reloads every half second, alternately with and without a second
# route (route 7000 is kept), with one flush in the middle, until PID ends.
reload_during() {
	n=0
	while kill -0 "$1" 2>/dev/null; do
		n=$((n + 1))
		if [ $((n % 2)) -eq 0 ]; then write_config extra; else write_config; fi
		if [ "$n" -eq 3 ]; then
			px $ctl flush >/dev/null || return 1
		fi
		px $ctl load "$tmp/routes.yml" >/dev/null || return 1
		sleep 0.5
	done
	echo "# $n reloads, one flush"
}

# settled: every connection ended, no orphan, no proxy socket left.
settled() {
	busywait 60000 no_connections &&
		busywait 60000 no_proxy_sockets &&
		busywait 60000 no_orphans
}

slab_near_baseline() {
	now=$(slab_kb)
	echo "# slab: ${baseline} kB before, ${now} kB after"
	[ "$now" -le $((baseline + 16384)) ]
}

sh tests/kernel/topo.sh up $s
$flood serve "tgt-$s" 198.51.100.2 7001 900 &
server=$!
write_config
check "load the flood config" px $ctl load "$tmp/routes.yml"
check "a real client before the floods" busywait 10000 real_client
baseline=$(slab_kb)

# 1. Handshake flood: 3000 connections at once from 192.0.2.1, held 8 s.
hold_count=$((3000 / scale))
$flood hold "cli-$s" 192.0.2.1 192.0.2.2 7000 $hold_count 8 >"$tmp/hold" &
flood_pid=$!
check "real clients served during a $hold_count-connection handshake flood" \
	real_client_during $flood_pid
wait $flood_pid
cat "$tmp/real"; : >"$tmp/real"
sed 's/^/# /' "$tmp/hold"
check "handshake flood: every connection ended" settled
check "handshake flood: no more than connection_ip_limits admitted" \
	sh -c "[ $(route_counter conns) -le $((200 + 20)) ]"
check "handshake flood: refusals counted" \
	sh -c "[ $(route_counter refused_ip_limit) -gt 0 ]"
slab_near_baseline
tap_result $? "handshake flood: slab back near its baseline"

# 2. Churn with reloads and a flush.
churn_count=$((10000 / scale))
$flood churn "cli-$s" 192.0.2.1 192.0.2.2 7000 $churn_count 50 400 \
	>"$tmp/churn" &
flood_pid=$!
reload_during $flood_pid >"$tmp/reload" &
reload_pid=$!
check "real clients served during the churn" real_client_during $flood_pid
wait $flood_pid
tap_result $? "churn: $churn_count connections, none hung, no byte corrupted"
check "churn: all $churn_count started" grep -q "^churn: $churn_count started" "$tmp/churn"
wait $reload_pid
tap_result $? "reloads and a flush during the churn succeed"
cat "$tmp/real"
sed 's/^/# /' "$tmp/churn" "$tmp/reload"
check "churn: every connection ended" settled
check "churn: no orphaned socket" no_orphans
slab_near_baseline
tap_result $? "churn: slab back near its baseline"
check "a real client after the churn" real_client

# 3. rmmod in the middle of a churn that goes on for 8 s.
$flood churn "cli-$s" 192.0.2.1 192.0.2.2 7000 1000000 50 8 >"$tmp/churn" &
flood_pid=$!
sleep 2
check "rmmod litepx in the middle of a churn" rmmod litepx
wait $flood_pid
tap_result $? "churn across rmmod: no connection hung"
sed 's/^/# /' "$tmp/churn"
check "after rmmod: no proxy socket left" busywait 30000 no_proxy_sockets
check "after rmmod: no orphaned socket" busywait 60000 no_orphans
check "insmod litepx again" insmod ./litepx.ko
exit "$tap_failed"
