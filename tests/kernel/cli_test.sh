#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# litepxctl against the loaded module, as a user would run it: load the
# example config, show it, reload, refuse bad files, flush.
. tests/kernel/lib.sh
ctl=./userspace/litepxctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Each test runs in its own network namespace, gone when it ends.
inns() {
	unshare --net sh -c "$*"
}

check "litepxctl and the module have one version" sh -c \
	"$ctl version | grep -qF \"litepxctl \$(cat /sys/module/litepx/version) \""
check "load config/routes.yml" $ctl load config/routes.yml
check "show lists the example's routes" sh -c "$ctl show | grep -q 9000"
check "show --json is valid JSON" sh -c "$ctl show --json | python3 -m json.tool"
check "check and show agree on listeners" sh -c \
	"$ctl check config/routes.yml | grep -c 'port' >$tmp/a; $ctl show | grep -c 'port' >$tmp/b; cmp $tmp/a $tmp/b"

cat >"$tmp/seed.yml" <<'YAML'
routes:
  - port: 8080
    dest_host: "192.0.2.1"
    dest_port: 80
  - port_range: {from: 9000, to: 9010}
    dest_host: "192.0.2.2"
    dest_port_range: {from: 9000, to: 9010}
  - port_range: {from: 9000, to: 9010}
    dest_host: "192.168.10.1"
    dest_port_range: {from: 8000}
YAML
gen_before=$(grep generation /proc/litepx/config)
$ctl load "$tmp/seed.yml" >"$tmp/out" 2>&1
tap_result "$([ $? -eq 2 ] && echo 0 || echo 1)" "overlapping routes: exit status 2"
check "overlap error names both routes" sh -c \
	"grep -q 'routes\[3\]' $tmp/out && grep -q 'routes\[2\]' $tmp/out && grep -q 'seed.yml:' $tmp/out"
check "refused file leaves the config alone" sh -c \
	"[ \"\$(grep generation /proc/litepx/config)\" = '$gen_before' ]"

cat >"$tmp/small.yml" <<'YAML'
routes:
  - port: 2525
    dest_host: 192.0.2.25
    dest_port: 25
    description: mail
options:
  connection:
    idle_timeout: 30s
YAML
check "reload with a changed file" $ctl load "$tmp/small.yml"
check "/proc/litepx/routes shows the new route" sh -c \
	"grep -q '192.0.2.25:25-25' /proc/litepx/routes && ! grep -q 9000 /proc/litepx/routes"
check "/proc/litepx/config shows the unit conversion" \
	grep -q "idle_timeout_ms 30000" /proc/litepx/config

chmod 755 "$tmp"
cp "$tmp/small.yml" "$tmp/user.yml"
chmod 644 "$tmp/user.yml"
su_out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $ctl load "$tmp/user.yml" 2>&1)
tap_result "$([ $? -eq 1 ] && echo 0 || echo 1)" "unprivileged load: exit status 1"
check "unprivileged load says why" sh -c "echo '$su_out' | grep -q CAP_NET_ADMIN"

check "a new namespace starts empty" inns "grep -q 'routes 0' /proc/litepx/config"
check "a namespace loads its own config" inns \
	"$ctl load config/routes.yml && grep -q 9000 /proc/litepx/routes"
check "the first namespace kept its own" grep -q 2525 /proc/litepx/routes

check "-V names the loaded module's version" sh -c \
	"$ctl -V | grep -qx \"module: \$(cat /sys/module/litepx/version)\""
check "show -j is show --json" sh -c \
	"$ctl show -j >$tmp/a && $ctl show --json >$tmp/b && cmp $tmp/a $tmp/b"
check "conns -j is valid JSON" sh -c "$ctl conns -j | python3 -m json.tool"
check "load - reads standard input" sh -c \
	"$ctl load - <$tmp/small.yml && grep -q 2525 /proc/litepx/routes"

# show's text and show --config against the module: the example again,
# no traffic, so every counter is 0 before and after a reload.
check "load config/routes.yml again" $ctl load config/routes.yml
check "show: counters inside each route's block, zeros left out" sh -c \
	"[ \$($ctl show | grep -c '^  counters: all zero\$') -eq 5 ]"
check "show --all: every counter of every route" sh -c \
	"[ \$($ctl show --all | grep -c '^    sessions_evicted: 0\$') -eq 5 ]"
check "conns --route, --sort: the header alone without traffic" sh -c \
	"[ \"\$($ctl conns -r 1 -r 2 --sort age | cut -d' ' -f1)\" = route ]"
check "show --config prints a file check accepts" sh -c \
	"$ctl show --config >$tmp/shown.yml && $ctl check $tmp/shown.yml >/dev/null"
check "show --config loads to the same routes and options" sh -c \
	"$ctl show --json >$tmp/before.json && $ctl load $tmp/shown.yml && \
	 $ctl show --json >$tmp/after.json && cmp $tmp/before.json $tmp/after.json"
check "show --config after that load prints the same file" sh -c \
	"$ctl show --config | cmp - $tmp/shown.yml"

# metrics against the module: the example's five routes, no traffic, so
# every series of a route is 0 but litepx_listeners.
ncounters=$(grep -c '^	X(' include/litepx_counters.h)
check "metrics: litepx_routes, one series per route and family" sh -c \
	"$ctl metrics >$tmp/m && grep -qx 'litepx_routes 5' $tmp/m && \
	 [ \$(grep -c '^litepx_conns_total{route=' $tmp/m) -eq 5 ] && \
	 [ \$(grep -c '^litepx_active_sessions{route=' $tmp/m) -eq 5 ] && \
	 [ \$(grep -c '^litepx_[a-z_]*{route=\"[0-9]*\",.* 0\$' $tmp/m) -eq $(((2 + ncounters) * 5)) ]"
check "metrics: a HELP and a TYPE line for each of the $((4 + ncounters)) families" sh -c \
	"[ \$(grep -c '^# HELP litepx_' $tmp/m) -eq $((4 + ncounters)) ] && \
	 [ \$(grep -c '^# TYPE litepx_[a-z_]*_total counter\$' $tmp/m) -eq $ncounters ]"
check "metrics -o writes what metrics prints, 0644, no temporary left" sh -c \
	"umask 022 && $ctl metrics -o $tmp/litepx.prom && cmp $tmp/m $tmp/litepx.prom && \
	 [ \$(stat -c %a $tmp/litepx.prom) = 644 ] && ! ls $tmp/litepx.prom.* 2>/dev/null"
check "metrics needs no privilege" sh -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups $ctl metrics | cmp - $tmp/m"

check "flush" $ctl flush
check "flush emptied the routes" grep -q "routes 0" /proc/litepx/config
check "metrics after a flush: litepx_routes 0, no route's series" sh -c \
	"$ctl metrics >$tmp/m && grep -qx 'litepx_routes 0' $tmp/m && ! grep -q '{' $tmp/m"
$ctl load /nonexistent.yml >"$tmp/out" 2>&1
tap_result "$([ $? -eq 2 ] && echo 0 || echo 1)" "missing file: exit status 2"
exit "$tap_failed"
