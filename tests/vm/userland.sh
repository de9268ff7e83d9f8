#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# userland.sh SUITE: make $CACHE/SUITE/root, a Debian SUITE userland with that
# suite's kernel (image, modules, headers), its gcc and the test tools.
# A variant, SUITE-VARIANT (lib.sh: bookworm-bench), is the same release with
# the variant's packages added, in $CACHE/SUITE-VARIANT: it reuses the plain
# suite's cached .debs and never changes the plain suite's userland.
#
# A finished userland is reused as is (seconds); LITEPX_REFRESH=1 rebuilds it
# from the mirror. A new userland is built next to the old one and replaces it
# only when complete, so a failed refresh keeps the old one. The .debs it used
# are kept in $CACHE/debs/SUITE; when the mirror fails the build falls back to
# them (and to the apt lists saved with them).
#
# Output of debootstrap and apt goes to $CACHE/SUITE/userland.log.
# Writes, next to root/: kver (kernel release), vmlinuz (host path of the
# kernel), cc (the compiler command the kernel was built with: gcc-12,
# x86_64-linux-gnu-gcc-14, ...).
#
# Environment: LITEPX_CACHE, LITEPX_MIRROR, LITEPX_SECURITY_MIRROR (lib.sh),
#   LITEPX_REFRESH=1        rebuild even if a finished userland exists
#   LITEPX_EXTRA_PACKAGES   more packages to install (space separated)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES="make libc6-dev pkg-config libyaml-dev libnl-3-dev libnl-genl-3-dev
	linux-headers-amd64 kmod iproute2 procps util-linux python3 socat dkms
	nftables ${LITEPX_EXTRA_PACKAGES:-}"
# The expected compiler per suite; sid's is whatever its kernel was built with.
declare -A EXPECTED_CC=([bullseye]=gcc-10 [bookworm]=gcc-12 [trixie]=gcc-14)

usage() { echo "usage: $0 SUITE" >&2; exit 2; }

# What the marker records: rebuild when the wanted package set changes.
wanted() { echo $PACKAGES; }

is_done() {
	[[ -f $DIR/done && -d $DIR/root ]] && [[ $(cat "$DIR/done") == "$(wanted)" ]]
}

# Base system. Download into a tarball first: if the mirror fails, the
# previous tarball is used and the bootstrap runs offline.
bootstrap() {
	local tarball="$DEBS/base.tgz" tmp="$DIR/mktarball"
	mkdir -p "$DEBS"
	rm -rf "$tmp"
	log "debootstrap $RELEASE from $(mirror)"
	if debootstrap --variant=minbase --make-tarball="$tarball.new" \
		"$RELEASE" "$tmp" "$(mirror)" >>"$LOG" 2>&1; then
		mv "$tarball.new" "$tarball"
		mirror >"$tarball.mirror"
	else
		warn "debootstrap download failed (see $LOG)"
		rm -rf "$tarball.new" "$tmp"
		[[ -f $tarball ]] || cp "$(suite_debs "$RELEASE")/base.tgz"* "$DEBS/" 2>/dev/null ||
			die "no cached base system for $SUITE"
		warn "using the cached base system $tarball"
	fi
	rm -rf "$tmp"
	# The tarball's indices are named after its mirror: unpack with that one.
	debootstrap --variant=minbase --unpack-tarball="$tarball" \
		"$RELEASE" "$NEW" "$(cat "$tarball.mirror" 2>/dev/null || mirror)" >>"$LOG" 2>&1 ||
		die "debootstrap failed"
}

configure_apt() {
	rm -f "$NEW/etc/apt/sources.list"
	{
		printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n' \
			"$(mirror)" "$RELEASE"
		[[ $RELEASE == sid ]] ||
			printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\n' \
				"$(security_mirror)" "$RELEASE"
	} >"$NEW/etc/apt/sources.list.d/debian.sources"
	# The mirror may serve indices past their Valid-Until (sid, snapshots).
	cat >"$NEW/etc/apt/apt.conf.d/90litepx" <<-'EOF'
		Acquire::Check-Valid-Until "false";
		Acquire::Languages "none";
		APT::Install-Recommends "false";
		Dpkg::Options { "--force-confold"; };
	EOF
	cat >"$NEW/etc/dpkg/dpkg.cfg.d/90litepx-nodoc" <<-'EOF'
		path-exclude=/usr/share/doc/*
		path-exclude=/usr/share/man/*
		path-exclude=/usr/share/info/*
		path-exclude=/usr/share/locale/*
	EOF
	# Never start services in the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$NEW/usr/sbin/policy-rc.d"
	chmod 755 "$NEW/usr/sbin/policy-rc.d"
}

# apt-get update, which fails on fetch errors only with newer apt (-eany),
# so look at what it says too.
apt_update_ok() {
	local out rc=0
	out=$(in_chroot "$NEW" apt-get -q update 2>&1) || rc=$?
	echo "$out" >>"$LOG"
	((rc == 0)) && ! grep -qE '^(W: Failed to fetch|W: Some index files failed|E: )' <<<"$out"
}

# apt-get update; on failure use the lists (and the sources they came from)
# saved with the cached .debs, and tell apt not to download anything.
apt_update() {
	local lists="$NEW/var/lib/apt/lists"
	NO_DOWNLOAD=()
	apt_update_ok && return 0
	[[ -d $DEBS/lists ]] || die "apt-get update failed and no cached lists"
	warn "apt-get update failed: using cached lists and .debs"
	rm -rf "$lists" && cp -a "$DEBS/lists" "$lists"
	[[ ! -f $DEBS/debian.sources ]] ||
		cp "$DEBS/debian.sources" "$NEW/etc/apt/sources.list.d/debian.sources"
	NO_DOWNLOAD=(--no-download)
}

# Run a command with its output going to $LOG; show the end of it if it fails.
quietly() {
	local rc=0
	"$@" >>"$LOG" 2>&1 || rc=$?
	if ((rc != 0)); then
		warn "failed ($rc): $*; the end of $LOG:"
		tail -n 25 "$LOG" >&2
	fi
	return "$rc"
}

apt_install() {
	log "apt-get install $*"
	quietly in_chroot "$NEW" apt-get -q -y "${NO_DOWNLOAD[@]}" install "$@" </dev/null
}

# Put the cached .debs where apt looks first (hard links, no copying): this
# suite's, and for a variant also those of its plain release.
restore_debs() {
	local archives="$NEW/var/cache/apt/archives" dir
	for dir in "$DEBS" "$(suite_debs "$RELEASE")"; do
		compgen -G "$dir/*.deb" >/dev/null || continue
		cp -ln "$dir"/*.deb "$archives/" 2>/dev/null || cp -n "$dir"/*.deb "$archives/"
	done
}

# The kernel release the headers metapackage points at, e.g. 6.1.0-41-amd64.
headers_kver() {
	in_chroot "$NEW" dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		tr ',' '\n' | sed -nE 's/^\s*linux-headers-([0-9][^ ]*-amd64)\b.*/\1/p' |
		head -n1
}

# The compiler the kernel was built with, from the headers' .config, e.g.
# "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0": sets CC to the very
# command (so Kbuild finds the same CC_VERSION_TEXT) and CC_PKG to gcc-14.
kernel_cc() {
	local text major
	text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"/\1/p' \
		"$NEW/usr/src/linux-headers-$KVER/.config")
	major=$(sed -nE 's/.*\) ([0-9]+)\.[0-9].*/\1/p' <<<"$text")
	CC=${text%% *}
	CC_PKG=gcc-$major
	[[ $CC == *gcc* && -n $major ]] || die "cannot tell the compiler from '$text'"
}

# Kernel image packages: linux-image-KVER and, where that is a metapackage
# (sid's 7.x: linux-binary-* + linux-modules-* + linux-base-*), what it
# depends on.
kernel_packages() {
	local todo=("linux-image-$KVER") seen=" " p dep
	while ((${#todo[@]})); do
		p=${todo[0]}; todo=("${todo[@]:1}")
		[[ $seen == *" $p "* ]] && continue
		seen+="$p "
		echo "$p"
		for dep in $(in_chroot "$NEW" apt-cache depends --important "$p" |
			sed -nE 's/^\s*\|?(Pre)?Depends: ([^ <]+).*/\2/p'); do
			case $dep in
			linux-image-*"$KVER"* | linux-binary-*"$KVER"* | \
				linux-modules-*"$KVER"* | linux-base-*"$KVER"*)
				todo+=("$dep") ;;
			esac
		done
	done
}

deb_file() {
	local v
	v=$(in_chroot "$NEW" apt-cache show --no-all-versions "$1" |
		sed -n 's/^Version: //p' | head -n1)
	echo "$NEW/var/cache/apt/archives/${1}_${v//:/%3a}_amd64.deb"
}

# Just this package, without its dependencies (initramfs-tools, udev, ...).
download() {
	((${#NO_DOWNLOAD[@]} == 0)) || return 0
	quietly in_chroot "$NEW" \
		sh -c 'cd /var/cache/apt/archives && apt-get -q download "$1"' download "$1"
}

# Unpack the kernel rather than install it: no initramfs-tools, no bootloader
# hooks. dpkg -x would replace the merged-/usr /lib symlink with a directory,
# hence tar --keep-directory-symlink.
install_kernel() {
	local pkgs p f
	KERNEL_DEBS=()
	mapfile -t pkgs < <(kernel_packages)
	log "kernel $KVER from: ${pkgs[*]}"
	for p in "${pkgs[@]}"; do
		f=$(deb_file "$p")
		[[ -f $f ]] || download "$p"
		[[ -f $f ]] || die "$f not downloaded"
		KERNEL_DEBS+=("${f##*/}")
		dpkg-deb --fsys-tarfile "$f" | tar -x --keep-directory-symlink -C "$NEW"
	done
	in_chroot "$NEW" depmod -a "$KVER"
	VMLINUZ=$(kernel_image) || die "no vmlinuz for $KVER in ${pkgs[*]}"
	[[ -d $NEW/lib/modules/$KVER/kernel ]] || die "no modules for $KVER"
}

# Where the kernel is, inside the userland: /boot/vmlinuz-KVER, or
# /usr/lib/modules/KVER/vmlinuz for sid's linux-binary-*.
kernel_image() {
	local f
	for f in "/boot/vmlinuz-$KVER" "/usr/lib/modules/$KVER/vmlinuz"; do
		[[ -f $NEW$f ]] && { echo "$f"; return 0; }
	done
	return 1
}

# The .debs this userland is made of: what dpkg has installed + the kernel.
used_debs() {
	in_chroot "$NEW" dpkg-query -W \
		-f='${Package}_${Version}_${Architecture}.deb\n' | sed 's/:/%3a/'
	printf '%s\n' "${KERNEL_DEBS[@]}"
}

# Keep exactly the .debs this userland was made of, plus the apt lists.
save_debs() {
	local archives="$NEW/var/cache/apt/archives" f
	rm -rf "$DEBS.new" && mkdir -p "$DEBS.new"
	for f in $(used_debs); do
		[[ -f $archives/$f ]] || continue
		cp -l "$archives/$f" "$DEBS.new/" 2>/dev/null ||
			cp "$archives/$f" "$DEBS.new/"
	done
	cp -a "$NEW/var/lib/apt/lists" "$DEBS.new/lists"
	cp "$NEW/etc/apt/sources.list.d/debian.sources" "$DEBS.new/"
	rm -f "$DEBS.new/lists/lock" && rm -rf "$DEBS.new/lists/partial"
	mv "$DEBS/base.tgz" "$DEBS.new/"
	if [[ -f $DEBS/base.tgz.mirror ]]; then
		mv "$DEBS/base.tgz.mirror" "$DEBS.new/"
	fi
	rm -rf "$DEBS" && mv "$DEBS.new" "$DEBS"
}

# Swap the new userland in and write down what the other scripts need.
finish() {
	rm -rf "$DIR/root.old"
	[[ -d $DIR/root ]] && mv "$DIR/root" "$DIR/root.old"
	mv "$NEW" "$DIR/root"
	rm -rf "$DIR/root.old"
	echo "$KVER" >"$DIR/kver"
	echo "$CC" >"$DIR/cc"
	echo "$DIR/root$VMLINUZ" >"$DIR/vmlinuz"
	rm -f "$DIR/initramfs.cpio.gz" "$DIR/initramfs.kver"
	wanted >"$DIR/done"
}

build() {
	NEW="$DIR/root.new"
	rm -rf "$NEW" && mkdir -p "$DIR"
	: >"$LOG"
	bootstrap
	configure_apt
	restore_debs
	apt_update
	# shellcheck disable=SC2086
	apt_install $PACKAGES
	KVER=$(headers_kver)
	[[ -n $KVER ]] || die "cannot tell the kernel release from linux-headers-amd64"
	kernel_cc
	if [[ -n ${EXPECTED_CC[$RELEASE]:-} && $CC_PKG != "${EXPECTED_CC[$RELEASE]}" ]]; then
		warn "$SUITE kernel wants $CC_PKG, expected ${EXPECTED_CC[$RELEASE]}"
	fi
	apt_install "$CC_PKG"
	in_chroot "$NEW" sh -c 'command -v "$1"' cc "$CC" >/dev/null ||
		die "$CC not found after installing $CC_PKG"
	install_kernel
	save_debs
	finish
	log "$SUITE ready: kernel $KVER, $CC, $(du -sh "$DIR/root" | cut -f1)"
}

main() {
	(($# == 1)) || usage
	SUITE=$1
	check_suite "$SUITE"
	RELEASE=$(suite_release "$SUITE")
	PACKAGES+=" $(suite_variant_packages "$SUITE")"
	DIR=$(suite_dir "$SUITE")
	DEBS=$(suite_debs "$SUITE")
	LOG="$DIR/userland.log"
	if is_done && [[ ${LITEPX_REFRESH:-0} != 1 ]]; then
		log "$SUITE userland cached ($(cat "$DIR/kver"), $(cat "$DIR/cc"))"
		exit 0
	fi
	mkdir -p "$DIR"
	exec 9>"$DIR/.lock"
	flock 9
	if is_done && [[ ${LITEPX_REFRESH:-0} != 1 ]]; then
		log "$SUITE userland was made meanwhile"
		exit 0
	fi
	# Not "build || ...": that would switch off set -e inside build.
	local rc
	set +e
	(set -e; build)
	rc=$?
	set -e
	if ((rc != 0)) && [[ -f $DIR/done ]]; then
		warn "refresh of $SUITE failed: keeping the previous userland"
		rm -rf "$DIR/root.new"
		rc=0
	fi
	exit "$rc"
}

main "$@"
