#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest (tests/demo.sh): load litepx and the sample routes, show
# what it reports, then unload it.
set -eu
cd /opt/litepx

show() {
	echo
	echo "### $*"
	"$@"
}

show modprobe -a udp_tunnel ip6_udp_tunnel
show insmod ./litepx.ko
show ./userspace/litepxctl load config/routes.yml
show ./userspace/litepxctl show
for f in /proc/litepx/*; do
	show cat "$f"
done
show rmmod litepx
echo
echo "### dmesg | grep litepx"
dmesg | grep litepx || true
