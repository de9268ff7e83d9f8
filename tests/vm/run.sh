#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh SUITE [--timeout SEC] [--kernel BZIMAGE] [--root DIR] -- COMMAND...
#
# Boot SUITE's kernel (or BZIMAGE, a kernel with virtio, 9p and everything
# the tests need built in, booted with no initramfs and the 9p root mounted
# by the kernel itself: the debug lane's) in QEMU (TCG) with $CACHE/SUITE/root as a read-only 9p
# root and run COMMAND there as root, in /opt/litepx (the tree build.sh
# copied), with stdin from /dev/null. --root DIR boots DIR instead of
# $CACHE/SUITE/root: a copy or overlay of it with more installed (pkg.sh).
# The guest's console (COMMAND's output and kernel messages of level error
# and worse) streams to stdout.
#
# Exit status: COMMAND's, if non-zero. Otherwise 1 if the guest kernel log
# shows a WARNING/BUG/Oops/... (the lines are printed), 124 on timeout, 125
# if the guest died without reporting (panic, broken boot). The guest's full
# kernel log is kept in $CACHE/SUITE/last-dmesg.log (its console output
# instead, if it never got to save the log).
#
# Environment: LITEPX_CACHE; LITEPX_QEMU_ARGS (extra QEMU arguments);
# LITEPX_APPEND (extra kernel command line); LITEPX_RUN_OUT (a host
# directory: what the guest left in /run/litepx-vm/out is copied there).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TIMEOUT=900
KERNEL=""
ROOT_DIR=""
MARKER=LITEPX-VM-EXIT
# The debug kernel's reports too: KASAN and lockdep say BUG:/WARNING:, the
# others have their own words. kmemleak's are unreferenced objects (and
# its own "suspected memory leaks" line), not its start-up message.
KERNEL_TROUBLE='WARNING:|BUG:|Oops|general protection|Call Trace|UBSAN:|ODEBUG:'
KERNEL_TROUBLE+='|refcount_t:|list_(add|del) corruption|unreferenced object'
KERNEL_TROUBLE+='|suspected memory leak|kmemleak: .*(error|disabl)|INFO: .*stall'

usage() {
	echo "usage: $0 SUITE [--timeout SEC] [--kernel BZIMAGE] [--root DIR] -- COMMAND..." >&2
	exit 2
}

parse_args() {
	(($# >= 1)) || usage
	SUITE=$1; shift
	check_suite "$SUITE"
	while (($#)); do
		case $1 in
		--timeout) TIMEOUT=${2:?}; shift 2 ;;
		--timeout=*) TIMEOUT=${1#*=}; shift ;;
		--kernel) KERNEL=${2:?}; shift 2 ;;
		--root) ROOT_DIR=${2:?}; shift 2 ;;
		--) shift; break ;;
		*) usage ;;
		esac
	done
	(($# >= 1)) || usage
	COMMAND=("$@")
}

# Put the guest's PID 1 into the userland (only if it changed).
install_guest_init() {
	local dst="$ROOT/usr/local/sbin/litepx-guest-init"
	cmp -s "$VM_DIR/guest-init.sh" "$dst" ||
		install -D -m 755 "$VM_DIR/guest-init.sh" "$dst"
}

# The run directory is shared with the guest read-write: the command goes
# in, the kernel log and exit status come out.
prepare_rundir() {
	RUNDIR=$(mktemp -d "$DIR/run.XXXXXX")
	trap 'rm -rf "$RUNDIR"' EXIT
	{
		echo 'set -e'
		printf 'exec'
		printf ' %q' "${COMMAND[@]}"
		echo
	} >"$RUNDIR/cmd"
	echo "${COMMAND[*]}" >"$RUNDIR/cmd.txt"
}

# panic=-1: reboot at once on panic, and -no-reboot turns that into QEMU
# exiting; oops=panic: an oops ends the run rather than hanging it with
# locks held. A WARNING does not stop the run: run.sh reports it afterwards.
# A --kernel has no initramfs: it mounts the 9p root itself (as the
# initramfs's /init would) and starts the guest init.
kernel_cmdline() {
	local root=""
	[[ -z $KERNEL ]] || root="root=litepxroot rootfstype=9p ro
		rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose
		init=/usr/local/sbin/litepx-guest-init"
	echo "console=ttyS0 loglevel=4 panic=-1 oops=panic" \
		"mitigations=off" $root "${LITEPX_APPEND:-}"
}

boot() {
	local boot_args
	if [[ -n $KERNEL ]]; then
		boot_args=(-kernel "$KERNEL")
	else
		boot_args=(-kernel "$(suite_vmlinuz "$SUITE")"
			-initrd "$DIR/initramfs.cpio.gz")
	fi
	# shellcheck disable=SC2086
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-accel tcg,thread=multi -cpu max -smp 2 -m 2G \
		-nic none -display none -monitor none -serial stdio -no-reboot \
		"${boot_args[@]}" -append "$(kernel_cmdline)" \
		-virtfs "local,path=$ROOT,mount_tag=litepxroot,readonly=on,security_model=none,multidevs=remap" \
		-virtfs "local,path=$RUNDIR,mount_tag=litepxrun,security_model=none" \
		${LITEPX_QEMU_ARGS:-} </dev/null 2>&1 |
		sed -u 's/\r$//' | tee "$RUNDIR/console.log"
	return "${PIPESTATUS[0]}"
}

# Keep the kernel log; then say what is wrong with it, if anything.
check_dmesg() {
	local log="$DIR/last-dmesg.log"
	if [[ -f $RUNDIR/dmesg ]]; then
		cp "$RUNDIR/dmesg" "$log"
	else
		cp "$RUNDIR/console.log" "$log"
	fi
	if grep -qE "$KERNEL_TROUBLE" "$log"; then
		log "guest kernel log has trouble ($log):"
		grep -nE -A3 "$KERNEL_TROUBLE" "$log" | head -n 60 >&2
		return 1
	fi
}

main() {
	parse_args "$@"
	DIR=$(suite_dir "$SUITE")
	ROOT=${ROOT_DIR:-$(suite_root "$SUITE")}
	[[ -f $DIR/done ]] || die "no $SUITE userland: run tests/vm/userland.sh $SUITE"
	local what
	if [[ -n $KERNEL ]]; then
		[[ -f $KERNEL ]] || die "$KERNEL missing"
		what="$KERNEL"
	else
		bash "$VM_DIR/initramfs.sh" "$SUITE"
		what=$(suite_kver "$SUITE")
	fi
	install_guest_init
	prepare_rundir
	log "booting $SUITE ($what), timeout ${TIMEOUT}s: ${COMMAND[*]}"
	local start=$SECONDS qemu_rc=0 rc
	boot || qemu_rc=$?
	local status
	status=$(sed -nE "s/^$MARKER: ([0-9]+)\$/\1/p" "$RUNDIR/console.log" | tail -n1)
	local dmesg_ok=1
	check_dmesg || dmesg_ok=0
	if [[ -n ${LITEPX_RUN_OUT:-} && -d $RUNDIR/out ]]; then
		mkdir -p "$LITEPX_RUN_OUT"
		cp -r "$RUNDIR/out/." "$LITEPX_RUN_OUT/"
	fi
	if [[ -z $status ]]; then
		if ((qemu_rc == 124)); then
			log "FAIL: timeout after ${TIMEOUT}s, guest never reported"
			exit 124
		fi
		log "FAIL: guest ended without reporting (panic? qemu status $qemu_rc)"
		exit 125
	fi
	log "guest command exited $status after $((SECONDS - start))s"
	if ((status != 0)); then
		rc=$status
	elif ((!dmesg_ok)); then
		log "FAIL: guest kernel log shows warnings or errors"
		rc=1
	else
		rc=0
	fi
	exit "$rc"
}

main "$@"
