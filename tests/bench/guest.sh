#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# guest.sh: the measuring half of `make bench`, run inside the bench guest
# by tests/bench/run.sh. One topology (tests/kernel/topo.sh), one target
# server, every forwarder running side by side in the proxy namespace on
# its own port, each measured in turn with the same netbench client:
#
#   client (cli-S)          proxy (px-S)                    target (tgt-S)
#   netbench client ---->   192.0.2.2:7001 nftables DNAT  ---->  netbench serve
#   192.0.2.1               :7002 haproxy  :7003 nginx           198.51.100.2:9000
#                           :7004 socat    :7005 litepx          (TCP and UDP)
#                           and a plain router for "direct"
#
# Writes $BENCH_OUT/raw.jsonl (one JSON object per measurement) and
# $BENCH_OUT/meta.json; tests/bench/report.py turns them into the table.
#
# Environment: BENCH_QUICK=1 (one short round, for development),
# BENCH_REPS, BENCH_SECS, BENCH_MEM_CONNS, BENCH_MEM_REPS, BENCH_TOOLS,
# BENCH_TESTS, BENCH_PERF=1 (profile litepx, haproxy and nft with perf).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/kernel/lib.sh

QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
	REPS=${BENCH_REPS:-1} SECS=${BENCH_SECS:-1}
	MEM_CONNS=${BENCH_MEM_CONNS:-1000} MEM_REPS=${BENCH_MEM_REPS:-1}
else
	REPS=${BENCH_REPS:-5} SECS=${BENCH_SECS:-2}
	MEM_CONNS=${BENCH_MEM_CONNS:-10000} MEM_REPS=${BENCH_MEM_REPS:-2}
fi
# socat forks a process per connection (about 200 KB each): 10,000 of them
# do not fit in the guest's 2 GB and take minutes to fork under emulation,
# so it is measured at fewer (the figure is per connection).
SOCAT_MEM_CONNS=$((MEM_CONNS < 250 ? MEM_CONNS : 250))
TOOLS=${BENCH_TOOLS:-direct nft haproxy nginx socat litepx}
TESTS=${BENCH_TESTS:-bulk1 bulk8 crr rr udp}
PERF=${BENCH_PERF:-0}

NB=$PWD/tests/bench/netbench
OUT=${BENCH_OUT:-/run/litepx-vm/out}
WORK=/tmp/bench
S=b$$
CLI=cli-$S PX=px-$S TGT=tgt-$S
PROXY=192.0.2.2 TARGET=198.51.100.2 TPORT=9000

mkdir -p "$OUT" "$WORK"
: >"$OUT/raw.jsonl"
ulimit -n 1048576

say() { echo "bench: [$SECONDS s] $*"; }

# ---------------------------------------------------------------- setup

topology() {
	sh tests/kernel/topo.sh up "$S" || return 1
	# "direct": the proxy namespace is a plain router between the two.
	ip -n "$CLI" route add 198.51.100.0/24 via 192.0.2.2
	ip -n "$TGT" route add 192.0.2.0/24 via 198.51.100.1
	ip netns exec "$PX" sysctl -qw net.ipv4.ip_forward=1
	for ns in "$CLI" "$PX" "$TGT"; do
		ip netns exec "$ns" sysctl -qw \
			net.ipv4.ip_local_port_range="1024 65535" \
			net.ipv4.tcp_tw_reuse=1 \
			net.core.somaxconn=8192 \
			net.ipv4.tcp_max_syn_backlog=8192
	done
}

# The listening sockets in the proxy namespace that carry PORT/PROTO.
listening() {
	ip netns exec "$PX" ss -Hln"${2:-t}" "sport = :$1" | grep -q .
}

start_target() {
	ip netns exec "$TGT" "$NB" serve "$TARGET" "$TPORT" &
	busywait 10000 sh -c "ip netns exec $TGT ss -Hlnt 'sport = :$TPORT' | grep -q ."
}

start_haproxy() {
	cat >"$WORK/haproxy.cfg" <<-EOF
		global
		    maxconn 40000
		    nbthread $(nproc)
		    pidfile $WORK/haproxy.pid
		    daemon
		defaults
		    mode tcp
		    maxconn 40000
		    option splice-auto
		    timeout connect 5s
		    timeout client 1h
		    timeout server 1h
		listen bench
		    bind $PROXY:7002
		    server target $TARGET:$TPORT
	EOF
	ip netns exec "$PX" haproxy -q -f "$WORK/haproxy.cfg" &&
		busywait 10000 listening 7002
}

start_nginx() {
	cat >"$WORK/nginx.conf" <<-EOF
		load_module /usr/lib/nginx/modules/ngx_stream_module.so;
		worker_processes $(nproc);
		worker_rlimit_nofile 100000;
		pid $WORK/nginx.pid;
		error_log $WORK/nginx.err;
		events { worker_connections 25000; }
		stream {
		    server {
		        listen $PROXY:7003;
		        proxy_pass $TARGET:$TPORT;
		        proxy_timeout 1h;
		        proxy_half_close on;
		    }
		    server {
		        listen $PROXY:7003 udp;
		        proxy_pass $TARGET:$TPORT;
		        proxy_timeout 1h;
		    }
		}
	EOF
	ip netns exec "$PX" nginx -p "$WORK" -e "$WORK/nginx.err" \
		-c "$WORK/nginx.conf" && busywait 10000 listening 7003
}

start_socat() {
	# ip netns exec execs socat: $! is socat's pid. -t 30: after one side's
	# EOF, wait up to 30 s (not 0.5) for the other side's last bytes.
	ip netns exec "$PX" socat -t 30 \
		"TCP4-LISTEN:7004,bind=$PROXY,fork,reuseaddr,backlog=4096" \
		"TCP4:$TARGET:$TPORT" &
	echo $! >>"$WORK/socat.pids"
	ip netns exec "$PX" socat -T 30 \
		"UDP4-LISTEN:7004,bind=$PROXY,fork,reuseaddr" \
		"UDP4:$TARGET:$TPORT" &
	echo $! >>"$WORK/socat.pids"
	busywait 10000 listening 7004
}

start_litepx() {
	cat >"$WORK/routes.yml" <<-EOF
		routes:
		  - port: 7005
		    listen: $PROXY
		    dest_host: $TARGET
		    dest_port: $TPORT
		    protocol: [tcp, udp]
		    description: bench
		options:
		  worker_threads: 0
		  connection: {idle_timeout: 1h}
		security:
		  tcp: {connection_limits: 0, connection_ip_limits: 0}
		  udp: {connection_limits: 0, connection_ip_limits: 0, pps_ip_limits: 0,
		        bps_ip_limits: 0}
	EOF
	modprobe -q udp_tunnel || true
	modprobe -q ip6_udp_tunnel || true
	insmod ./litepx.ko &&
		ip netns exec "$PX" ./userspace/litepxctl load "$WORK/routes.yml" >/dev/null &&
		busywait 10000 listening 7005
}

# nftables DNAT exists only while "nft" is measured: its conntrack hooks
# would otherwise tax every other tool's packets in the proxy namespace.
nft_on() {
	ip netns exec "$PX" nft -f - <<-EOF
		table ip bench {
		    chain pre {
		        type nat hook prerouting priority dstnat;
		        tcp dport 7001 dnat to $TARGET:$TPORT
		        udp dport 7001 dnat to $TARGET:$TPORT
		    }
		    chain post {
		        type nat hook postrouting priority srcnat;
		        ct status dnat masquerade
		    }
		}
	EOF
}

nft_off() { ip netns exec "$PX" nft delete table ip bench 2>/dev/null || true; }

port_of() {
	case $1 in
	nft) echo 7001 ;; haproxy) echo 7002 ;; nginx) echo 7003 ;;
	socat) echo 7004 ;; litepx) echo 7005 ;;
	esac
}

# "ADDR PORT" a client dials to reach the target through TOOL.
endpoint() {
	if [ "$1" = direct ]; then
		echo "$TARGET $TPORT"
	else
		echo "$PROXY $(port_of "$1")"
	fi
}

# Processes whose memory and CPU time count as the tool's.
procs_of() {
	case $1 in
	haproxy | nginx | socat) pgrep -x "$1" ;;
	esac
}

declare -A NA
declare -A NA_UDP

start_tools() {
	local t
	for t in $TOOLS; do
		case $t in
		direct | nft) ;;
		*) "start_$t" || NA[$t]="did not start" ;;
		esac
	done
	for t in $TOOLS; do
		[ -z "${NA[$t]:-}" ] || { say "$t: n/a, ${NA[$t]}"; continue; }
		[ "$t" != nft ] || nft_on
		# shellcheck disable=SC2046
		if ! ip netns exec "$CLI" "$NB" probe tcp $(endpoint "$t"); then
			NA[$t]="no TCP echo through it"
		elif ! ip netns exec "$CLI" "$NB" probe udp $(endpoint "$t"); then
			case $t in
			haproxy) NA_UDP[$t]="HAProxy does not proxy UDP" ;;
			litepx) NA_UDP[$t]="no UDP echo: no UDP relay in this build" ;;
			*) NA_UDP[$t]="no UDP echo through it" ;;
			esac
		fi
		[ "$t" != nft ] || nft_off
		TOOL_PIDS[$t]=$(procs_of "$t" | tr '\n' ' ')
		say "$t: tcp ${NA[$t]:-ok}, udp ${NA_UDP[$t]:-${NA[$t]:-ok}}"
	done
}

stop_tools() {
	nft_off
	[ ! -f "$WORK/haproxy.pid" ] || kill "$(cat "$WORK/haproxy.pid")" 2>/dev/null
	[ ! -f "$WORK/nginx.pid" ] || kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
	local pid
	[ ! -f "$WORK/socat.pids" ] || while read -r pid; do
		kill "$pid" 2>/dev/null
	done <"$WORK/socat.pids"
	ip netns exec "$PX" ./userspace/litepxctl flush >/dev/null 2>&1
	rmmod litepx 2>/dev/null
	return 0
}

# ---------------------------------------------------------------- measuring

# Seconds of CPU (user + system, reaped children included) of TOOL's
# long-lived processes (found once, at start: one awk per reading keeps the
# cost between two measurements small); 0 for tools that are kernel only.
declare -A TOOL_PIDS
HZ=$(getconf CLK_TCK)

tool_cpu() {
	local pid files=()
	for pid in ${TOOL_PIDS[$1]:-}; do
		files+=("/proc/$pid/stat")
	done
	[ ${#files[@]} -gt 0 ] || { echo 0; return; }
	# utime stime cutime cstime: fields 12-15 after "(comm) ".
	awk -v hz="$HZ" '{ sub(/.*\) /, ""); t += $12 + $13 + $14 + $15 }
		END { printf "%.3f", t / hz }' "${files[@]}" 2>/dev/null
}

emit() { echo "$1" >>"$OUT/raw.jsonl"; }

record_na() {
	emit "{\"tool\":\"$1\",\"test\":\"$2\",\"rep\":$3,\"ok\":false,\"why\":\"$4\"}"
}

run_test() {
	local tool=$1 test=$2 rep=$3 ep args out c0 c1
	ep=$(endpoint "$tool")
	if [ -n "${NA[$tool]:-}" ]; then
		record_na "$tool" "$test" "$rep" "${NA[$tool]}"
		return
	fi
	if [ "$test" = udp ] && [ -n "${NA_UDP[$tool]:-}" ]; then
		record_na "$tool" "$test" "$rep" "${NA_UDP[$tool]}"
		return
	fi
	case $test in
	bulk1) args="bulk $ep 1 $SECS" ;;
	bulk8) args="bulk $ep 8 $SECS" ;;
	crr) args="crr $ep 16 $SECS" ;;
	rr) args="rr $ep $SECS" ;;
	udp) args="udp $ep 32 $SECS" ;;
	esac
	[ "$tool" != nft ] || nft_on
	c0=$(tool_cpu "$tool")
	# shellcheck disable=SC2086
	out=$(ip netns exec "$CLI" "$NB" $args 2>"$WORK/err")
	local rc=$?
	c1=$(tool_cpu "$tool")
	[ "$tool" != nft ] || nft_off
	if [ $rc -ne 0 ] || [ -z "$out" ]; then
		say "rep $rep $tool $test: FAILED ($(tr '\n' ' ' <"$WORK/err"))"
		record_na "$tool" "$test" "$rep" "netbench failed"
		return
	fi
	say "rep $rep $tool $test: $out"
	emit "{\"tool\":\"$tool\",\"test\":\"$test\",\"rep\":$rep,\"ok\":true,\"tool_cpu\":$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", b - a }'),${out#\{}"
}

# "slab kstack ptables sockmem pss" in bytes: kernel memory from
# /proc/meminfo, TCP and UDP memory accounting (pages charged to sockets,
# global) from /proc/net/sockstat, and the proportional set size of the
# tool's processes.
mem_snapshot() {
	local pss=0 pid kb
	for pid in $(procs_of "$1"); do
		kb=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null)
		pss=$((pss + ${kb:-0}))
	done
	awk -v pss="$pss" '
		FILENAME == "/proc/meminfo" && $1 == "Slab:" { slab = $2 }
		FILENAME == "/proc/meminfo" && $1 == "KernelStack:" { ks = $2 }
		FILENAME == "/proc/meminfo" && $1 == "PageTables:" { pt = $2 }
		FILENAME != "/proc/meminfo" {
			for (i = 2; i < NF; i++) if ($i == "mem") sm += $(i + 1)
		}
		END { printf "%d %d %d %d %d\n", slab * 1024, ks * 1024, pt * 1024,
			sm * 4096, pss * 1024 }
	' /proc/meminfo /proc/net/sockstat
}

tcp_inuse() {
	# shellcheck disable=SC2016
	ip netns exec "$1" awk '/^TCP:/ { print $3 }' /proc/net/sockstat
}

# Until the namespaces hold no more TCP sockets than listeners.
settle() {
	local base=$1
	busywait 60000 sh -c "[ \$(ip netns exec $PX awk '/^TCP:/ { print \$3 }' /proc/net/sockstat) -le $base ] &&
		[ \$(ip netns exec $CLI awk '/^TCP:/ { print \$3 }' /proc/net/sockstat) -eq 0 ]"
}

run_mem() {
	local tool=$1 rep=$2 n=$MEM_CONNS ep before after holder out base
	[ "$tool" != socat ] || n=$SOCAT_MEM_CONNS
	if [ -n "${NA[$tool]:-}" ]; then
		record_na "$tool" mem "$rep" "${NA[$tool]}"
		return
	fi
	ep=$(endpoint "$tool")
	[ "$tool" != nft ] || nft_on
	base=$(tcp_inuse "$PX")
	sleep 1
	before=$(mem_snapshot "$tool")
	# shellcheck disable=SC2086
	ip netns exec "$CLI" "$NB" hold $ep "$n" >"$WORK/hold.out" 2>"$WORK/err" &
	holder=$!
	busywait 600000 sh -c "grep -q conns $WORK/hold.out || ! kill -0 $holder 2>/dev/null"
	out=$(cat "$WORK/hold.out")
	if [ -z "$out" ]; then
		wait "$holder"
		say "rep $rep $tool mem: FAILED ($(tr '\n' ' ' <"$WORK/err"))"
		record_na "$tool" mem "$rep" "could not open $n connections"
		[ "$tool" != nft ] || nft_off
		settle "$base"
		return
	fi
	sleep 1
	after=$(mem_snapshot "$tool")
	kill -TERM "$holder"
	wait "$holder"
	settle "$base" || say "$tool: connections still open after 60 s"
	[ "$tool" != nft ] || nft_off
	# shellcheck disable=SC2086
	set -- $before $after
	local line
	line=$(awk -v n="$n" -v s="$1" -v k="$2" -v p="$3" -v m="$4" -v r="$5" \
		-v S="$6" -v K="$7" -v P="$8" -v M="$9" -v R="${10}" 'BEGIN {
		# sockmem is reported, not added: the pages it counts are
		# slab or page-fragment memory already, or only reserved.
		total = (S - s) + (K - k) + (P - p) + (R - r)
		printf "\"conns\":%d,\"slab\":%d,\"kstack\":%d,\"ptables\":%d,", n, S - s, K - k, P - p
		printf "\"sockmem\":%d,\"pss\":%d,\"bytes\":%d,\"value\":%.1f", M - m, R - r, total, total / n
	}')
	say "rep $rep $tool mem: {$line} ${out}"
	emit "{\"tool\":\"$tool\",\"test\":\"mem\",\"rep\":$rep,\"ok\":true,$line}"
}

# ---------------------------------------------------------------- perf

profile() {
	local tool=$1 test=$2 args ep
	command -v perf >/dev/null || return 0
	[ -z "${NA[$tool]:-}" ] || return 0
	ep=$(endpoint "$tool")
	case $test in
	bulk8) args="bulk $ep 8 $SECS" ;;
	crr) args="crr $ep 16 $SECS" ;;
	udp) args="udp $ep 32 $SECS" ;;
	esac
	[ "$tool" != nft ] || nft_on
	# shellcheck disable=SC2086
	HOME=$WORK perf record -q -N -a -g -e cpu-clock -F 2000 -o "$WORK/perf.data" -- \
		ip netns exec "$CLI" "$NB" $args >/dev/null 2>"$WORK/perf.err"
	[ "$tool" != nft ] || nft_off
	{
		echo "# perf record -a -e cpu-clock during netbench $args"
		echo "# share of samples per program or module:"
		HOME=$WORK perf report -q -i "$WORK/perf.data" --stdio \
			--no-children --sort dso -g none 2>/dev/null | head -n 12
		echo "# per symbol:"
		HOME=$WORK perf report -q -i "$WORK/perf.data" --stdio \
			--no-children --sort dso,sym -g none --percent-limit 0.5 \
			2>/dev/null | head -n 60
	} >"$OUT/perf-$tool-$test.txt"
	say "perf $tool $test: the top of $OUT/perf-$tool-$test.txt"
	head -n 30 "$OUT/perf-$tool-$test.txt"
}

# ---------------------------------------------------------------- main

versions() {
	local hv nv sv fv
	hv=$(haproxy -v 2>/dev/null | head -n1 | awk '{ print $3 }')
	nv=$(nginx -v 2>&1 | sed 's:.*/::')
	sv=$(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/\1/p')
	fv=$(nft -v 2>/dev/null | awk '{ print $2 }')
	printf '{"kernel":"%s","cpus":%d,"mem_kb":%d,"quick":%d,"reps":%d,"secs":%s,' \
		"$(uname -r)" "$(nproc)" "$(awk '/MemTotal/ { print $2 }' /proc/meminfo)" \
		"$QUICK" "$REPS" "$SECS"
	printf '"mem_conns":%d,"socat_mem_conns":%d,"mem_reps":%d,' \
		"$MEM_CONNS" "$SOCAT_MEM_CONNS" "$MEM_REPS"
	printf '"haproxy":"%s","nginx":"%s","socat":"%s","nftables":"%s",' "$hv" "$nv" "$sv" "$fv"
	printf '"litepx_udp":"%s"}\n' "${NA_UDP[litepx]:-ok}"
}

main() {
	local rep tool test
	say "$(uname -r), $(nproc) CPUs; reps $REPS x ${SECS}s, memory at $MEM_CONNS connections x $MEM_REPS"
	topology || { say "no topology"; exit 1; }
	start_target || { say "target server did not start"; exit 1; }
	start_tools
	versions >"$OUT/meta.json"
	# Rounds outermost: drift in the host's load spreads over every tool.
	for rep in $(seq "$REPS"); do
		for test in $TESTS; do
			for tool in $TOOLS; do
				run_test "$tool" "$test" "$rep"
			done
		done
	done
	for ns in "$CLI" "$PX" "$TGT"; do
		# No TIME_WAIT sockets: they would outlive one tool's reading
		# and shrink the slab under the next one's.
		ip netns exec "$ns" sysctl -qw net.ipv4.tcp_max_tw_buckets=0
	done
	for rep in $(seq "$MEM_REPS"); do
		for tool in $TOOLS; do
			run_mem "$tool" "$rep"
		done
	done
	if [ "$PERF" = 1 ]; then
		for tool in litepx haproxy nft; do
			profile "$tool" bulk8
			profile "$tool" crr
		done
		for tool in litepx nft nginx; do
			profile "$tool" udp
		done
	fi
	stop_tools
	sh tests/kernel/topo.sh down "$S"
	say "done"
}

main
