#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh kernel|build|run|source [--timeout SEC] [-- COMMAND...]
#
# The debug kernel lane: Debian's linux-source-6.12 (trixie) built on the
# host with gcc-12 from "make tinyconfig" + kvm_guest.config + the fragment
# tests/vm/debug.config (KASAN, UBSAN, kmemleak, lockdep, debugobjects,
# fault injection; everything the guest needs built in), booting the
# bookworm userland over 9p with no initramfs.
#
#   kernel  download linux-source-6.12 (apt, trixie suite, its own lists in
#           the cache: the host's apt sources are left alone), unpack it and
#           build bzImage, unless $CACHE/debug-6.12/KEY/done exists, KEY
#           being a hash of the fragment, the source version and this
#           recipe. $CACHE/debug-6.12/current names the kernel in use.
#   build   copy the tree into the bookworm userland at /opt/litepx-debug
#           and build module, tool and guest tests there, in a chroot, with
#           gcc-12 against the debug kernel's build tree (bind-mounted at
#           its host path); installs the kernel's modules.builtin* under
#           /lib/modules/KVER so that modprobe of a built-in module works.
#   source  download and unpack linux-source-6.12 only, and print the path
#           of the tree (tests/ynl-gen.sh takes ynl-gen-c.py from it).
#   run     boot it (tests/vm/run.sh --kernel) and run COMMAND (default:
#           tests/kernel/debug_lane.sh, the whole guest suite plus the
#           fuzzer, fault injection and torture, with kmemleak scans).
#
# Environment: LITEPX_CACHE; LITEPX_DEBUG_JOBS (make -j, default nproc);
# LITEPX_DEBUG_SOURCE (a linux-source-6.12 .deb to use instead of apt's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SUITE=bookworm
CC_DEBUG=gcc-12
SOURCE_PKG=linux-source-6.12
SOURCE_SUITE=trixie
FRAGMENT="$VM_DIR/debug.config"
# Bump when the way the kernel is configured or built changes.
RECIPE="tinyconfig+kvm_guest.config+debug.config olddefconfig bzImage modules v1"
BASE="$CACHE/debug-6.12"
JOBS=${LITEPX_DEBUG_JOBS:-$(nproc)}
# Kernel command line for the lane: report every KASAN bug, not only the
# first; no RCU stall reports from a merely slow emulated CPU; PCI
# interrupts routed without ACPI's _PRT, whose AML times out twice (30s
# each) under KASAN and TCG.
DEBUG_APPEND="kasan_multi_shot rcupdate.rcu_cpu_stall_timeout=300 pci=noacpi"

usage() {
	echo "usage: $0 kernel|build|run|source [--timeout SEC] [-- COMMAND...]" >&2
	exit 2
}

# ---------------------------------------------------------------- kernel

apt_trixie() {
	local dir="$BASE/apt"
	mkdir -p "$dir/lists/partial" "$dir/archives/partial"
	echo "deb $(mirror) $SOURCE_SUITE main" >"$dir/sources.list"
	apt-get -q -o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir" \
		-o APT::Sandbox::User=root "$@"
}

# The .deb of linux-source-6.12: fetched once, kept in $BASE/apt.
source_deb() {
	local deb
	if [[ -n ${LITEPX_DEBUG_SOURCE:-} ]]; then
		echo "$LITEPX_DEBUG_SOURCE"
		return 0
	fi
	deb=$(ls "$BASE"/apt/${SOURCE_PKG}_*_all.deb 2>/dev/null | sort -V | tail -n1 || true)
	if [[ -z $deb ]]; then
		log "fetching $SOURCE_PKG from $SOURCE_SUITE ($(mirror))"
		apt_trixie update >&2
		(cd "$BASE/apt" && apt_trixie download "$SOURCE_PKG" >&2)
		deb=$(ls "$BASE"/apt/${SOURCE_PKG}_*_all.deb | sort -V | tail -n1)
	fi
	echo "$deb"
}

# Unpacked source tree for DEB's version, in $BASE/src-VERSION.
unpack_source() {
	local deb=$1 version src tmp
	version=$(dpkg-deb -f "$deb" Version)
	src="$BASE/src-$version"
	if [[ ! -f $src/.unpacked ]]; then
		log "unpacking $SOURCE_PKG $version"
		rm -rf "$src" "$src.tmp"
		tmp="$src.tmp"
		mkdir -p "$tmp/deb"
		dpkg-deb -x "$deb" "$tmp/deb"
		tar -xJf "$tmp/deb/usr/src/$SOURCE_PKG.tar.xz" -C "$tmp"
		mv "$tmp/$SOURCE_PKG" "$src"
		rm -rf "$tmp"
		touch "$src/.unpacked"
	fi
	SRC_VERSION=$version
	KSRC=$src
}

kernel_key() {
	{
		echo "$RECIPE"
		echo "$SRC_VERSION"
		"$CC_DEBUG" --version | head -n1
		cat "$FRAGMENT"
	} | sha256sum | cut -c1-16
}

configure() {
	local out=$1 line key val
	make -s -C "$KSRC" O="$out" CC="$CC_DEBUG" tinyconfig >/dev/null
	"$KSRC/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$KSRC/kernel/configs/kvm_guest.config" "$FRAGMENT" >/dev/null
	make -s -C "$KSRC" O="$out" CC="$CC_DEBUG" olddefconfig
	# Kconfig drops what it cannot satisfy without a word: check.
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			key=${line%%=*} val=${line#*=}
			grep -qxF "$key=$val" "$out/.config" ||
				die "$key=$val from debug.config did not survive olddefconfig"
			;;
		"# CONFIG_"*" is not set")
			key=${line#"# "} key=${key%% *}
			! grep -q "^$key=" "$out/.config" ||
				die "$key from debug.config is set after olddefconfig"
			;;
		esac
	done <"$FRAGMENT"
}

build_kernel() {
	local deb key dir start
	mkdir -p "$BASE"
	deb=$(source_deb)
	unpack_source "$deb"
	key=$(kernel_key)
	dir="$BASE/$key"
	if [[ -f $dir/done ]]; then
		log "debug kernel cached: $dir ($(cat "$dir/kver"))"
	else
		log "building the debug kernel ($SOURCE_PKG $SRC_VERSION, $CC_DEBUG, -j$JOBS) in $dir"
		start=$SECONDS
		rm -rf "$dir"
		mkdir -p "$dir/build"
		configure "$dir/build"
		prefixed debug-kernel make -s -C "$KSRC" O="$dir/build" CC="$CC_DEBUG" \
			-j"$JOBS" bzImage modules
		make -s -C "$KSRC" O="$dir/build" CC="$CC_DEBUG" kernelrelease >"$dir/kver"
		cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
		cp "$dir/build/.config" "$dir/config"
		echo "$KSRC" >"$dir/src"
		echo "$SRC_VERSION" >"$dir/source-version"
		echo $((SECONDS - start)) >"$dir/build-seconds"
		touch "$dir/done"
		log "debug kernel $(cat "$dir/kver") built in $((SECONDS - start))s"
	fi
	ln -sfn "$key" "$BASE/current"
	# Older keys are dead weight: one debug kernel is kept.
	local d
	for d in "$BASE"/*/; do
		d=$(basename "$d")
		[[ $d == "$key" || $d == current || $d == apt || $d == src-"$SRC_VERSION" ]] ||
			{ log "removing old $BASE/$d"; rm -rf "${BASE:?}/$d"; }
	done
}

# ---------------------------------------------------------------- build

current() {
	[[ -f $BASE/current/done ]] || die "no debug kernel: run $0 kernel first"
	CUR=$(readlink -f "$BASE/current")
	KVER=$(cat "$CUR/kver")
	KSRC=$(cat "$CUR/src")
}

# Like lib.sh's in_chroot, with the kernel's source and build trees
# bind-mounted read-only at their own paths (the build tree's Makefiles name
# them absolutely; modpost writes only in the module's own tree).
in_chroot_kernel() {
	local root=$1; shift
	mkdir -p "$root$KSRC" "$root$CUR/build"
	unshare --mount --propagation private -- /bin/sh -ec '
		root=$1 src=$2 build=$3; shift 3
		mount --bind -o ro "$src" "$root$src"
		mount --bind -o ro "$build" "$root$build"
		mount -t proc proc "$root/proc"
		mount -t sysfs sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs tmpfs "$root/tmp"
		exec chroot "$root" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C "$@"
	' in_chroot_kernel "$root" "$KSRC" "$CUR/build" "$@"
}

# The tree (tracked and untracked, not ignored, files), as build.sh copies
# it, at DST in the userland.
copy_tree() {
	local dst=$1 f
	rm -rf "$dst" && mkdir -p "$dst"
	git -C "$REPO" ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do
			[[ -e $REPO/$f || -L $REPO/$f ]] && printf '%s\0' "$f"
		done |
		tar -C "$REPO" --null -T - --owner=0 --group=0 -cf - |
		tar -C "$dst" -xf -
}

# modules.builtin* and a depmod, so that "modprobe udp_tunnel" in the guest
# finds it built in rather than failing.
install_module_dir() {
	local root=$1 mdir="$1/lib/modules/$KVER" f
	mkdir -p "$mdir"
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[[ -f $CUR/build/$f ]] && cp "$CUR/build/$f" "$mdir/"
	done
	in_chroot "$root" depmod "$KVER"
}

build_module() {
	current
	local root
	root=$(suite_root "$SUITE")
	[[ -f $(suite_dir "$SUITE")/done ]] ||
		die "no $SUITE userland: run tests/vm/userland.sh $SUITE"
	bash "$VM_DIR/kselftest.sh"
	copy_tree "$root/opt/litepx-debug"
	rm -rf "$root/opt/kselftest-debug" && mkdir -p "$root/opt/kselftest-debug"
	cp "$CACHE"/kselftest/*.h "$root/opt/kselftest-debug/"
	install_module_dir "$root"
	log "building litepx for $KVER ($CC_DEBUG) in $SUITE's userland"
	prefixed build-debug in_chroot_kernel "$root" make -C /opt/litepx-debug \
		-j"$JOBS" KDIR="$CUR/build" KSELFTEST_DIR=/opt/kselftest-debug \
		CC="$CC_DEBUG" WERROR=1 all tests
}

# ---------------------------------------------------------------- run

run_guest() {
	current
	local timeout=3600
	while (($#)); do
		case $1 in
		--timeout) timeout=${2:?}; shift 2 ;;
		--) shift; break ;;
		*) usage ;;
		esac
	done
	(($#)) || set -- sh /opt/litepx-debug/tests/kernel/debug_lane.sh
	LITEPX_APPEND="$DEBUG_APPEND ${LITEPX_APPEND:-}" \
		exec bash "$VM_DIR/run.sh" "$SUITE" --kernel "$CUR/bzImage" \
		--timeout "$timeout" -- "$@"
}

main() {
	(($# >= 1)) || usage
	local cmd=$1; shift
	case $cmd in
	kernel) build_kernel ;;
	build) build_module ;;
	run) run_guest "$@" ;;
	source)
		mkdir -p "$BASE"
		unpack_source "$(source_deb)"
		echo "$KSRC"
		;;
	*) usage ;;
	esac
}

main "$@"
