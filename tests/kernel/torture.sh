#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Concurrency torture for the debug kernel: for LITEPX_TORTURE_SECS
# seconds (default 60), TCP and UDP clients hammer two routes through the
# proxy namespace while the control path does, in a random order: reloads
# (alternating configs), flushes, rmmod/insmod of the module, and deletion
# and re-creation of the whole topology (the proxy's namespace goes with
# its listeners, connections and sessions in it). Every client is bounded
# by a timeout; failures during the storm are expected and only counted.
# Afterwards, with the storm over, a final load must relay TCP and UDP.
# The lane's kernel-log check and kmemleak scan judge the rest.
#
# Environment: LITEPX_TORTURE_SECS, LITEPX_TORTURE_SEED (order of the
# actions; printed).
cd "$(dirname "$0")/../.." || exit 1
. tests/kernel/lib.sh

ctl=$(pwd)/userspace/litepxctl
SECS=${LITEPX_TORTURE_SECS:-60}
SEED=${LITEPX_TORTURE_SEED:-$(($(date +%s) % 32768))}
s=to$$
tmp=$(mktemp -d)
echo "# torture: ${SECS}s, seed $SEED (rerun: LITEPX_TORTURE_SEED=$SEED)"
# dash has no $RANDOM: a small LCG does for picking actions.
rnd_state=$SEED
rnd() {
	rnd_state=$(((rnd_state * 1103515245 + 12345) % 2147483648))
	echo $((rnd_state / 65536 % $1))
}

cat >"$tmp/a.yml" <<EOF
security:
  tcp: {connection_ip_limits: 0}
  udp: {connection_ip_limits: 0}
routes:
  - port: 7000
    dest_host: 198.51.100.2
    dest_port: 7001
    protocol: [tcp, udp]
  - port: 7002
    dest_host: "2001:db8:2::2"
    dest_port: 7001
    protocol: [tcp, udp]
EOF
cat >"$tmp/b.yml" <<EOF
options:
  worker_threads: 1
  connection: {idle_timeout: 2s}
security:
  tcp: {connection_ip_limits: 0}
  udp: {connection_ip_limits: 0}
routes:
  - port: 7000
    dest_host: 198.51.100.2
    dest_port: 7001
    protocol: [tcp, udp]
    description: "b: IPv4 only"
  - port: 7002
    dest_host: 198.51.100.2
    dest_port: 7001
    protocol: [tcp, udp]
EOF

grep -q '^litepx ' /proc/modules || insmod ./litepx.ko

up() {
	sh tests/kernel/topo.sh up $s
	ip netns exec tgt-$s socat TCP-LISTEN:7001,fork,reuseaddr PIPE 2>/dev/null &
	echo $! >"$tmp/tgt_tcp.pid"
	ip netns exec tgt-$s socat UDP-RECVFROM:7001,fork PIPE 2>/dev/null &
	echo $! >"$tmp/tgt_udp.pid"
	ip netns exec px-$s $ctl load "$tmp/a.yml" >/dev/null 2>&1
}

down() {
	kill "$(cat "$tmp/tgt_tcp.pid")" "$(cat "$tmp/tgt_udp.pid")" 2>/dev/null
	sh tests/kernel/topo.sh down $s
}

# Clients: loop until the stop file appears, counting what came back.
tcp_client() {
	ok=0 fail=0
	while [ ! -e "$tmp/stop" ]; do
		addr=192.0.2.2
		[ $((ok % 2)) -eq 0 ] || addr="[2001:db8:1::2]"
		if [ "$(echo x | ip netns exec cli-$s timeout 5 socat -t3 - TCP:$addr:$1 2>/dev/null)" = x ]; then
			ok=$((ok + 1))
		else
			fail=$((fail + 1))
			sleep 0.1
		fi
	done
	echo "$ok $fail" >"$tmp/tcp.$1"
}

udp_client() {
	ok=0 fail=0
	while [ ! -e "$tmp/stop" ]; do
		if [ "$(echo y | ip netns exec cli-$s timeout 5 socat -T2 - UDP:192.0.2.2:$1 2>/dev/null)" = y ]; then
			ok=$((ok + 1))
		else
			fail=$((fail + 1))
			sleep 0.1
		fi
	done
	echo "$ok $fail" >"$tmp/udp.$1"
}

# A long-lived bulk TCP stream, restarted whenever it breaks.
bulk_client() {
	n=0
	while [ ! -e "$tmp/stop" ]; do
		ip netns exec cli-$s timeout 10 socat -u /dev/zero TCP:192.0.2.2:7000 \
			2>/dev/null
		n=$((n + 1))
		sleep 0.2
	done
	echo "$n" >"$tmp/bulk"
}

up
start=$(date +%s)
clients=""
for p in 7000 7002; do
	tcp_client $p &
	clients="$clients $!"
	udp_client $p &
	clients="$clients $!"
done
bulk_client &
clients="$clients $!"

reloads=0 flushes=0 unloads=0 nsdels=0
while [ $(($(date +%s) - start)) -lt "$SECS" ]; do
	case $(rnd 10) in
	0 | 1 | 2 | 3)
		cfg=a
		[ "$(rnd 2)" -eq 0 ] && cfg=b
		ip netns exec px-$s $ctl load "$tmp/$cfg.yml" >/dev/null 2>&1
		reloads=$((reloads + 1))
		;;
	4 | 5)
		ip netns exec px-$s $ctl flush >/dev/null 2>&1
		sleep "0.$(rnd 10)"
		ip netns exec px-$s $ctl load "$tmp/a.yml" >/dev/null 2>&1
		flushes=$((flushes + 1))
		;;
	6 | 7)
		rmmod litepx 2>/dev/null && unloads=$((unloads + 1))
		sleep "0.$(rnd 10)"
		insmod ./litepx.ko 2>/dev/null
		ip netns exec px-$s $ctl load "$tmp/a.yml" >/dev/null 2>&1
		;;
	*)
		down
		up
		nsdels=$((nsdels + 1))
		;;
	esac
	sleep "0.$(rnd 10)"
done
touch "$tmp/stop"
# shellcheck disable=SC2086
wait $clients
echo "# torture: $reloads reloads, $flushes flushes, $unloads rmmod/insmod, $nsdels namespace deletions"
tcp=0 udp=0 tcp_fail=0 udp_fail=0
for p in 7000 7002; do
	# shellcheck disable=SC2046 # two numbers: ok and failed
	set -- $(cat "$tmp/tcp.$p" 2>/dev/null || echo 0 0)
	tcp=$((tcp + $1)) tcp_fail=$((tcp_fail + $2))
	# shellcheck disable=SC2046
	set -- $(cat "$tmp/udp.$p" 2>/dev/null || echo 0 0)
	udp=$((udp + $1)) udp_fail=$((udp_fail + $2))
done
echo "# torture: TCP $tcp connections relayed ($tcp_fail failed), UDP $udp sessions answered ($udp_fail failed), $(cat "$tmp/bulk" 2>/dev/null) bulk streams"
tap_result "$([ $tcp -gt 0 ] && [ $udp -gt 0 ] && echo 0 || echo 1)" \
	"torture: TCP and UDP relayed during ${SECS}s of reloads, flushes, unloads, namespace deletions"

# After the storm: a clean state must work.
grep -q '^litepx ' /proc/modules || insmod ./litepx.ko
check "load after the torture" ip netns exec px-$s $ctl load "$tmp/a.yml"
check "TCP relayed after the torture" sh -c \
	"[ \"\$(echo z | ip netns exec cli-$s timeout 10 socat -t5 - TCP:192.0.2.2:7000)\" = z ]"
check "UDP relayed after the torture" sh -c \
	"[ \"\$(echo z | ip netns exec cli-$s timeout 10 socat -T5 - UDP:192.0.2.2:7000)\" = z ]"
down
check "rmmod after the torture" rmmod litepx
rm -rf "$tmp"
exit "$tap_failed"
