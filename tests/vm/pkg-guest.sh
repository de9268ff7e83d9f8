#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# pkg-guest.sh: in a guest whose root has the litepx packages installed
# (pkg.sh): the module DKMS built loads, the packaged example config loads,
# and one TCP connection is relayed from a client namespace to a target
# namespace (topo.sh's addresses).
set -eu
say() { echo "pkg-guest: $*"; }

modprobe litepx
say "module $(cat /sys/module/litepx/version) from $(modinfo -n litepx)"
case $(modinfo -n litepx) in
*/updates/dkms/*) ;;
*) say "FAIL: not DKMS's module"; exit 1 ;;
esac
litepxctl --version
litepxctl --version | grep -qx "module: $(cat /sys/module/litepx/version)"
litepxctl check /etc/litepx/routes.yml >/dev/null
litepxctl load /etc/litepx/routes.yml
litepxctl flush

sh /opt/pkg/topo.sh up pkg
cat >/tmp/relay.yml <<-'YML'
	routes:
	  - port: 8080
	    protocol: tcp
	    dest_host: "198.51.100.2"
	    dest_port: 8081
YML
ip netns exec px-pkg litepxctl load /tmp/relay.yml
ip netns exec tgt-pkg socat -T 10 TCP-LISTEN:8081,bind=198.51.100.2,reuseaddr \
	SYSTEM:'echo relayed-by-litepx' &
target=$!
sleep 1
got=$(ip netns exec cli-pkg socat -T 10 - TCP:192.0.2.2:8080 </dev/null)
wait "$target"
[ "$got" = relayed-by-litepx ] || { say "FAIL: client got '$got'"; exit 1; }
say "relayed one TCP connection"
ip netns exec px-pkg litepxctl flush
sh /opt/pkg/topo.sh down pkg
rmmod litepx
say "ok"
