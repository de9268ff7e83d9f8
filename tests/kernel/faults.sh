#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fault injection on the debug kernel (CONFIG_FAILSLAB, fail-nth), limited
# to litepx's own calls: failslab's stack filter only counts and fails an
# allocation with a litepx function on its stack (require-start/-end: the
# module's text), so generic netlink, exec and the shell are never hit.
#
# 1. Config load and listener setup: with config A loaded (TCP and UDP
#    listeners on IPv4 and IPv6), "litepxctl load B" with the n-th litepx
#    allocation failed, for n = 1, 2, ... until the load needs fewer: each
#    must fail cleanly (exit status 1, an error message), leave A loaded
#    and its listeners serving, and the next load without a fault must
#    succeed. The same for a load into an empty namespace and for a flush.
# 2. Relaying: TCP connections and UDP datagrams through a route while
#    every 17th litepx allocation fails (accept, connect, relay start,
#    session creation run in softirq and workqueues, where fail-nth does
#    not reach): clients are refused or dropped, never hung, and every
#    refused TCP client shows in a counter; afterwards, without faults,
#    everything is relayed again.
# 3. Socket operations: litepx's own fault point (fail_litepx_sockop,
#    kmod/fault.h) fails the k-th socket operation after it is armed, for
#    k = 1, 2, ... along a TCP client's way (accept, the target's socket,
#    connect, the PROXY header) and a UDP client's (the session's socket,
#    connect), until k is past them: each failure shows in a counter, and
#    the next client is served. fail-nth counts this point too, so part 1
#    fails the listeners' socket operations in turn as well.
# The lane's kmemleak scan afterwards says whether anything leaked.
#
# Environment: LITEPX_FAULTS_MAX (highest n tried, default 300).
cd "$(dirname "$0")/../.." || exit 1
. tests/kernel/lib.sh

ctl=./userspace/litepxctl
DBG=/sys/kernel/debug
MAX=${LITEPX_FAULTS_MAX:-300}
s=fi$$
tmp=$(mktemp -d)
injected=0

servers=""
cleanup() {
	# shellcheck disable=SC2086
	[ -z "$servers" ] || kill $servers 2>/dev/null
	echo 0 >"$DBG/failslab/probability" 2>/dev/null
	echo 0 >"$DBG/fail_litepx_sockop/probability" 2>/dev/null
	sh tests/kernel/topo.sh down $s
	rm -rf "$tmp"
}
trap cleanup EXIT

grep -q '^litepx ' /proc/modules || check "insmod litepx.ko" insmod ./litepx.ko

# The module's text: its symbols' lowest address to the highest plus
# room for the last function (64-bit addresses: python, not the shell).
# Everything else is built in, so nothing else lives there.
range=$(python3 -c '
lo = hi = None
for line in open("/proc/kallsyms"):
    f = line.split()
    if len(f) == 4 and f[3] == "[litepx]" and f[1] in "tT":
        a = int(f[0], 16)
        lo = a if lo is None else min(lo, a)
        hi = a if hi is None else max(hi, a)
print("%#x %#x" % (lo, hi + 0x10000) if lo else "")
')
set -- $range
start=$1 end=$2
if [ -z "$start" ]; then
	tap_result 1 "litepx's text range from /proc/kallsyms"
	exit 1
fi
echo "# litepx text $start..$end"

# failslab: counted and failed only inside litepx; fail-nth drives it,
# probability stays 0 until part 2. Silent (no stack dumps in the log).
fs=$DBG/failslab
echo "$start" >$fs/require-start
echo "$end" >$fs/require-end
echo 32 >$fs/stacktrace-depth
echo N >$fs/ignore-gfp-wait
echo 0 >$fs/verbose
echo 0 >$fs/probability
echo -1 >$fs/times
echo 1 >$fs/interval
# fail-nth counts every fault point whose filter passes: fail_page_alloc's
# passes everything by default and would take the n-th fault outside
# litepx (a page for exec, for the stack depot). An empty range: no page
# allocation is counted or failed (a failed one warns by design).
fp=$DBG/fail_page_alloc
echo 1 >$fp/require-start
echo 1 >$fp/require-end
echo 32 >$fp/stacktrace-depth
echo 0 >$fp/verbose
# litepx's socket operations: every one is litepx's; silent, off.
so=$DBG/fail_litepx_sockop
if [ ! -d $so ]; then
	tap_result 1 "litepx has its socket fault point ($so)"
	exit 1
fi
echo 0 >$so/verbose
echo 0 >$so/probability

sh tests/kernel/topo.sh up $s
inpx() { ip netns exec px-$s "$@"; }

# Every listener multiplies the sweeps' steps (its socket's allocations and
# operations): the wildcards are IPv4's only, IPv6 has a route of its own.
cat >"$tmp/a.yml" <<EOF
routes:
  - port: 7000
    listen: 0.0.0.0
    dest_host: 198.51.100.2
    dest_port: 7001
    protocol: [tcp, udp]
EOF
cat >"$tmp/b.yml" <<EOF
options:
  worker_threads: 2
performance:
  cpu_affinity: [0, 1]
routes:
  - port_range: {from: 7100, to: 7101}
    listen: 0.0.0.0
    dest_host: 198.51.100.2
    dest_port_range: {from: 7001}
    protocol: [tcp, udp]
    description: "a range"
  - port: 7200
    listen: 192.0.2.2
    dest_host: 198.51.100.2
    dest_port: 7001
    protocol: tcp
  - port: 7201
    listen: "2001:db8:1::2"
    dest_host: "2001:db8:2::2"
    dest_port: 7001
    protocol: udp
EOF
# B and a PROXY v2 route, for part 3 (outside the sweeps: every listener
# adds its socket operations and allocations to each of them).
cp "$tmp/b.yml" "$tmp/c.yml"
cat >>"$tmp/c.yml" <<EOF
  - port: 7300
    dest_host: 198.51.100.2
    dest_port: 7002
    protocol: tcp
    proxy_protocol: v2
EOF

# A target: TCP and UDP echo on 7001 and 7002.
servers=""
for p in 7001 7002; do
	ip netns exec tgt-$s socat TCP-LISTEN:$p,fork,reuseaddr PIPE 2>/dev/null &
	servers="$servers $!"
	ip netns exec tgt-$s socat UDP-RECVFROM:$p,fork PIPE 2>/dev/null &
	servers="$servers $!"
done
sleep 1

# echo_tcp PORT: one line through the proxy and back.
echo_tcp() {
	[ "$(echo hello | ip netns exec cli-$s timeout 8 socat -t5 - TCP:192.0.2.2:$1 2>/dev/null)" = hello ]
}

# The target echoes the PROXY v2 header too: the line must come back.
echo_tcp_proxy() {
	echo hello | ip netns exec cli-$s timeout 8 socat -t5 - TCP:192.0.2.2:$1 2>/dev/null |
		grep -q hello
}

echo_udp() {
	[ "$(echo hello | ip netns exec cli-$s timeout 8 socat -T3 - UDP:192.0.2.2:$1 2>/dev/null)" = hello ]
}

# stats_sum NAME...: the namespace's total of those counters.
stats_sum() {
	inpx awk -v names=" $* " 'index(names, " " $1 " ") { n += $2 } END { print n + 0 }' \
		/proc/litepx/stats
}

TCP_REFUSALS="accept_errors refused_other refused_conn_limit refused_ip_limit connect_failures resets"

routes_sum() { inpx md5sum </proc/litepx/routes | cut -c1-32; }

# fail_load N WHAT COMMAND...: run COMMAND with the N-th litepx allocation
# failed. Its exit status is COMMAND's.
fail_load() {
	n=$1
	shift
	inpx sh -c 'echo "$0" >/proc/self/fail-nth && exec "$@"' "$n" "$@"
}

# sweep NAME MIN BEFORE COMMAND...: n = 1, 2, ... with COMMAND's n-th
# litepx allocation failed, until it succeeds SUCCESSES times in a row
# (n is past its allocations: some in between are the debug kernel's
# own, made for litepx, whose failure is absorbed). At least MIN must
# fail. BEFORE puts the starting state back before each try.
SUCCESSES=5
sweep() {
	name=$1 min=$2 before=$3
	shift 3
	n=1
	bad=0
	ok_run=0
	failed=0
	while [ $n -le "$MAX" ] && [ $ok_run -lt $SUCCESSES ]; do
		sh -c "$before" >/dev/null 2>&1
		sum=$(routes_sum)
		if fail_load $n "$@" >"$tmp/out" 2>&1; then
			ok_run=$((ok_run + 1))
			n=$((n + 1))
			continue
		fi
		ok_run=0
		failed=$((failed + 1))
		injected=$((injected + 1))
		if ! grep -qiE 'error|cannot|fail|out of memory' "$tmp/out"; then
			echo "# $name, allocation $n: no error message:"
			sed 's/^/#   /' "$tmp/out"
			bad=$((bad + 1))
		fi
		if [ "$(routes_sum)" != "$sum" ]; then
			echo "# $name, allocation $n: the loaded routes changed"
			bad=$((bad + 1))
		fi
		n=$((n + 1))
	done
	echo "# $name: $((n - 1)) allocations failed in turn, $failed of them refused the command"
	tap_result $bad "$name: each refusal is a clean error, the config unchanged"
	tap_result "$([ $failed -ge "$min" ] && [ $ok_run -ge $SUCCESSES ] && echo 0 || echo 1)" \
		"$name: succeeds once the faults are past its allocations ($failed refusals)"
}

flush() { inpx $ctl flush; }

sweep "load into an empty namespace" 10 "ip netns exec px-$s $ctl flush" $ctl load "$tmp/a.yml"
sweep "replace A by B" 10 "ip netns exec px-$s $ctl load $tmp/a.yml" $ctl load "$tmp/b.yml"
check "load A without faults" inpx $ctl load "$tmp/a.yml"
check "TCP relayed through A" echo_tcp 7000
check "UDP relayed through A" echo_udp 7000
sweep "flush" 0 "ip netns exec px-$s $ctl load $tmp/b.yml" $ctl flush
check "load B without faults" inpx $ctl load "$tmp/b.yml"
check "TCP relayed through B" echo_tcp 7100
check "UDP relayed through B" echo_udp 7101

# Part 2: relaying under random faults (every 17th litepx allocation, in
# any context).
tcp_counted=$(stats_sum $TCP_REFUSALS)
echo 17 >$fs/interval
echo 100 >$fs/probability
tcp_ok=0 tcp_fail=0 udp_ok=0 udp_fail=0
i=0
while [ $i -lt 20 ]; do
	if echo_tcp $((7100 + i % 2)); then tcp_ok=$((tcp_ok + 1)); else tcp_fail=$((tcp_fail + 1)); fi
	if echo_udp $((7100 + i % 2)); then udp_ok=$((udp_ok + 1)); else udp_fail=$((udp_fail + 1)); fi
	i=$((i + 1))
done
echo 0 >$fs/probability
echo 1 >$fs/interval
echo "# relaying under faults: TCP $tcp_ok ok, $tcp_fail refused; UDP $udp_ok ok, $udp_fail dropped"
tap_result 0 "40 clients under random litepx allocation faults ended (none hung)"
inpx cat /proc/litepx/stats | sed 's/^/#   /'
tcp_counted=$(($(stats_sum $TCP_REFUSALS) - tcp_counted))
echo "# TCP: $tcp_fail clients not served, $tcp_counted refusals counted"
tap_result "$([ "$tcp_counted" -ge "$tcp_fail" ] && echo 0 || echo 1)" \
	"every TCP client refused under allocation faults is counted"
sleep 2
check "TCP relayed again without faults" echo_tcp 7101
check "UDP relayed again without faults" echo_udp 7100
# Part 3. sockop_sweep NAME CLIENT PORT: with the fault point armed to
# fail the k-th socket operation, one client; k grows until the client's
# way has fewer operations (the fault is left unspent).
sockop_sweep() {
	name=$1 client=$2 port=$3
	k=1 fired=0 bad=0
	while [ $k -le 20 ]; do
		before=$(stats_sum $TCP_REFUSALS dropped_other)
		echo 1 >$so/times
		echo $k >$so/space
		echo 100 >$so/probability
		if $client "$port"; then served=yes; else served=no; fi
		left=$(cat $so/times)
		echo 0 >$so/probability
		[ "$left" = 1 ] && break
		fired=$((fired + 1))
		injected=$((injected + 1))
		after=$(stats_sum $TCP_REFUSALS dropped_other)
		echo "# $name, socket operation $k failed: served $served, counters +$((after - before))"
		if [ "$after" -le "$before" ]; then
			echo "# $name, socket operation $k: no counter says so"
			bad=$((bad + 1))
		fi
		# A UDP session whose socket failed waits for the GC (250 ms).
		if ! busywait 5000 $client "$port"; then
			echo "# $name, socket operation $k: the next client was not served"
			bad=$((bad + 1))
		fi
		k=$((k + 1))
	done
	tap_result "$([ $bad -eq 0 ] && [ $fired -ge 2 ] && [ $k -le 20 ] && echo 0 || echo 1)" \
		"$name: each of its $fired socket operations failed in turn is counted, the next client served"
}

check "load B and a PROXY v2 route" inpx $ctl load "$tmp/c.yml"
sockop_sweep "TCP client" echo_tcp 7100
sockop_sweep "TCP client with a PROXY v2 header" echo_tcp_proxy 7300
sockop_sweep "UDP client" echo_udp 7101
check "reload after the faults" inpx $ctl load "$tmp/a.yml"
check "TCP relayed after the reload" echo_tcp 7000
check "flush after the faults" flush
echo "# faults: $injected faults injected in turn"
exit "$tap_failed"
