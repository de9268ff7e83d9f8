#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PID 1 in the litepx test guest (installed by run.sh as
# /usr/local/sbin/litepx-guest-init in the userland, started by the
# initramfs). The root is the host's userland over 9p, read-only.
#
# Runs /run/litepx-vm/cmd (written by run.sh, shared over 9p tag
# "litepxrun") in /opt/litepx, saves the kernel log to /run/litepx-vm/dmesg,
# prints "LITEPX-VM-EXIT: <status>" and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LC_ALL=C TERM=dumb NO_COLOR=1
RUN=/run/litepx-vm

mount_fs() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /run
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
	mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || true
	mkdir -p "$RUN"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 litepxrun "$RUN"
}

# Power off is asynchronous, and the 9p root goes away meanwhile: wait with
# shell builtins only. (Should PID 1 exit instead, the kernel panics and
# panic=-1 reboots, which QEMU's -no-reboot also turns into an exit.)
power_off() {
	sync
	echo o >/proc/sysrq-trigger
	while :; do :; done
}

mount_fs
hostname litepx-guest
ip link set lo up
cd /opt/litepx 2>/dev/null || cd /
echo "litepx-guest: $(uname -r), running: $(cat "$RUN/cmd.txt")"
bash "$RUN/cmd" </dev/null
rc=$?
dmesg >"$RUN/dmesg"
echo "$rc" >"$RUN/exit"
echo "LITEPX-VM-EXIT: $rc"
power_off
