#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# initramfs.sh SUITE: $CACHE/SUITE/initramfs.cpio.gz, busybox (static, from
# the host) plus SUITE's own virtio and 9p modules. Its /init mounts the
# userland (9p tag "litepxroot") read-only and switch_roots into
# /usr/local/sbin/litepx-guest-init (tests/vm/guest-init.sh, put there by
# run.sh), or whatever litepx.init= on the kernel command line names;
# litepx.9p= replaces the root's 9p mount options.
# Rebuilt only when the kernel changed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Loaded in this order, each after its modules.dep dependencies (virtio,
# virtio_ring, 9pnet, netfs, ...); any built into the kernel are skipped.
MODULES="virtio_pci 9pnet_virtio 9p"
BUSYBOX=/bin/busybox

usage() { echo "usage: $0 SUITE" >&2; exit 2; }

# modules.dep path (relative to the module dir) of module NAME, or nothing.
module_path() {
	local want=${1//-/_}
	awk -F: -v want="$want" '{
		n = $1; sub(/.*\//, "", n); sub(/\.ko(\.(xz|gz|zst))?$/, "", n)
		gsub(/-/, "_", n)
		if (n == want) { print $1; exit }
	}' "$MODDIR/modules.dep"
}

is_builtin() {
	grep -qE "/${1//_/[_-]}\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null
}

# Print module paths in load order, dependencies first.
resolve() {
	local name=$1 path dep
	path=$(module_path "$name")
	if [[ -z $path ]]; then
		is_builtin "$name" ||
			die "module $name: neither in modules.dep nor built in"
		return 0
	fi
	[[ $SEEN == *" $path "* ]] && return 0
	for dep in $(awk -F: -v p="$path" '$1 == p { print $2 }' "$MODDIR/modules.dep"); do
		resolve "$(basename "${dep%%.ko*}")"
	done
	[[ $SEEN == *" $path "* ]] && return 0
	SEEN+="$path "
	echo "$path"
}

decompress() {
	case $1 in
	*.ko.xz) xz -dc "$1" ;;
	*.ko.zst) zstd -qdc "$1" ;;
	*.ko.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

write_init() {
	cat >"$1" <<-'EOF'
		#!/bin/busybox sh
		# litepx initramfs: load virtio/9p, mount the userland, switch_root.
		/bin/busybox --install -s /bin
		mount -t proc proc /proc
		mount -t devtmpfs devtmpfs /dev
		fail() { echo "initramfs: $*"; echo o >/proc/sysrq-trigger; exit 1; }
		for m in $(cat /modules/order); do
			insmod "/modules/$m" || fail "insmod $m failed"
		done
		init=/usr/local/sbin/litepx-guest-init
		opts=ro,trans=virtio,version=9p2000.L,msize=262144,cache=loose
		for arg in $(cat /proc/cmdline); do
			case $arg in
			litepx.init=*) init=${arg#litepx.init=} ;;
			litepx.9p=*) opts=${arg#litepx.9p=} ;;
			esac
		done
		mkdir -p /newroot
		tries=0
		until mount -t 9p -o "$opts" litepxroot /newroot; do
			tries=$((tries + 1))
			[ $tries -lt 50 ] || fail "cannot mount the 9p root"
			sleep 0.1
		done
		[ -x "/newroot$init" ] || fail "$init missing in the userland"
		umount /proc /dev
		exec switch_root /newroot "$init"
	EOF
	chmod 755 "$1"
}

build() {
	local tmp=$1 path i=0 name
	mkdir -p "$tmp"/{bin,dev,proc,sys,modules}
	cp "$BUSYBOX" "$tmp/bin/busybox"
	write_init "$tmp/init"
	SEEN=" "
	for path in $(for name in $MODULES; do resolve "$name"; done); do
		name=$(printf '%02d-%s.ko' "$i" "$(basename "${path%%.ko*}")")
		i=$((i + 1))
		decompress "$MODDIR/$path" >"$tmp/modules/$name"
		echo "$name" >>"$tmp/modules/order"
	done
	log "modules: $(tr '\n' ' ' <"$tmp/modules/order")"
	(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		gzip -1 >"$OUT.new"
	mv "$OUT.new" "$OUT"
}

main() {
	(($# == 1)) || usage
	local suite=$1 dir kver
	check_suite "$suite"
	if ! [[ -x $BUSYBOX ]] || ! file_is_static "$BUSYBOX"; then
		die "$BUSYBOX is not a static busybox (apt-get install busybox-static)"
	fi
	dir=$(suite_dir "$suite")
	kver=$(suite_kver "$suite")
	OUT="$dir/initramfs.cpio.gz"
	if [[ -f $OUT && $(cat "$dir/initramfs.kver" 2>/dev/null) == "$kver" &&
		$OUT -nt $0 ]]; then
		log "$suite initramfs cached ($kver)"
		exit 0
	fi
	MODDIR="$(suite_root "$suite")/lib/modules/$kver"
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	build "$TMP"
	echo "$kver" >"$dir/initramfs.kver"
	log "$OUT ($(du -h "$OUT" | cut -f1))"
}

file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

main "$@"
