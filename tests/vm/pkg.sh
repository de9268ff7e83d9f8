#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pkg.sh SUITE: the Debian packages (debian/) on SUITE, as a user gets them.
#
#  1. build: dpkg-buildpackage -us -uc -b of this tree, and lintian, in a
#     throwaway overlay of SUITE's userland with the build dependencies
#     added (downloaded from the mirror; kept in $CACHE/debs/SUITE-pkg);
#  2. install: "apt install ./litepx-dkms_*.deb ./litepxctl_*.deb" in a
#     fresh overlay of the userland; DKMS must build and install the module
#     for SUITE's kernel;
#  3. guest: boot SUITE's kernel with that overlay as root: modprobe litepx,
#     litepxctl check/load of /etc/litepx/routes.yml, one TCP connection
#     relayed between network namespaces (tests/vm/pkg-guest.sh);
#  4. purge: "apt purge" both, and nothing of litepx may be left.
#
# The cached userland is only ever a read-only lower layer: its cache key
# (userland.sh's package list) and contents stay as they are. Overlays live
# in a private mount namespace and vanish with it. The .debs are left in
# $CACHE/SUITE-pkg/debs. Output is prefixed with [pkg-SUITE].
#
# Environment: LITEPX_CACHE; LITEPX_PKG_TIMEOUT (guest seconds, default 600).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TIMEOUT=${LITEPX_PKG_TIMEOUT:-600}

usage() { echo "usage: $0 SUITE" >&2; exit 2; }

# dh_dkms is in dkms up to bullseye, in dh-dkms from bookworm on.
build_deps() {
	local deps="build-essential dpkg-dev debhelper lintian fakeroot"
	[[ -x $LOWER/usr/bin/dh_dkms ]] || deps+=" dh-dkms"
	echo "$deps"
}

# mount_overlay NAME: a fresh overlay of the userland at $WORK/NAME.
mount_overlay() {
	local name=$1
	mkdir -p "$WORK/$name.upper" "$WORK/$name.work" "$WORK/$name"
	mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$WORK/$name.upper,workdir=$WORK/$name.work" \
		"$WORK/$name"
}

build() {
	local root=$WORK/build
	mount_overlay build
	mkdir -p "$PKGDEBS/archives/partial" "$root/opt/pkg/src"
	mount --bind "$PKGDEBS/archives" "$root/var/cache/apt/archives"
	log "apt-get install $(build_deps)"
	in_chroot "$root" apt-get -q update >"$WORK/apt.log" 2>&1 ||
		warn "apt-get update failed, trying with the userland's lists"
	# shellcheck disable=SC2046
	in_chroot "$root" apt-get -q -y install $(build_deps) >>"$WORK/apt.log" 2>&1 ||
		{ tail -n 30 "$WORK/apt.log" >&2; die "cannot install the build dependencies"; }
	git -C "$REPO" ls-files -z --cached --others --exclude-standard | tar -C "$REPO" --null -T - -cf - |
		tar -C "$root/opt/pkg/src" -xf -
	log "dpkg-buildpackage -us -uc -b"
	in_chroot "$root" sh -ec 'cd /opt/pkg/src && dpkg-buildpackage -us -uc -b' ||
		die "dpkg-buildpackage failed"
	# shellcheck disable=SC2016
	log "lintian ($(in_chroot "$root" dpkg-query -W -f='${Version}' lintian))"
	in_chroot "$root" sh -ec 'cd /opt/pkg && lintian --display-info --fail-on error,warning \
		--suppress-tags bad-distribution-in-changes-file *.changes' ||
		die "lintian complains"
	rm -f "$PKGDEBS"/*.deb
	cp "$root"/opt/pkg/*.deb "$PKGDEBS/"
	umount "$root/var/cache/apt/archives"
	umount "$root"
	ls -l "$PKGDEBS"/*.deb
}

# What a purge must leave no trace of: globs, inside the root.
LEFTOVERS=("/usr/src/litepx-*" /var/lib/dkms/litepx /etc/litepx
	"/lib/modules/*/updates/dkms/litepx.ko*" /usr/sbin/litepxctl
	/lib/systemd/system/litepx.service /usr/lib/systemd/system/litepx.service
	"/lib/systemd/system/litepx-metrics.*" "/usr/lib/systemd/system/litepx-metrics.*"
	/usr/share/man/man8/litepxctl.8.gz)

# The LEFTOVERS present in root.
leftovers() {
	local root=$1 pattern
	for pattern in "${LEFTOVERS[@]}"; do
		compgen -G "$root$pattern" || true
	done
}

install_and_test() {
	local root=$WORK/test debs kos left
	mount_overlay test
	mkdir -p "$root/opt/pkg"
	cp "$PKGDEBS"/*.deb "$root/opt/pkg/"
	debs=$(cd "$root/opt/pkg" && printf '/opt/pkg/%s ' litepx-dkms_*.deb litepxctl_*_amd64.deb)
	log "apt install $debs"
	# shellcheck disable=SC2086
	in_chroot "$root" apt-get -q -y install $debs ||
		die "apt install failed"
	kos=$(compgen -G "$root/lib/modules/$KVER/updates/dkms/litepx.ko*" || true)
	[[ -n $kos ]] || die "DKMS installed no litepx.ko for $KVER"
	log "DKMS built ${kos#"$root"}"
	# What rebuilds it for the next kernel: dkms's kernel hook and AUTOINSTALL.
	[[ -x $root/etc/kernel/postinst.d/dkms ]] || die "no DKMS kernel hook"
	grep -qs '^AUTOINSTALL="yes"' "$root"/usr/src/litepx-*/dkms.conf ||
		die "dkms.conf does not AUTOINSTALL: no build for new kernels"
	install -D -m 0644 "$VM_DIR/pkg-guest.sh" "$root/opt/pkg/pkg-guest.sh"
	install -m 0644 "$REPO/tests/kernel/topo.sh" "$root/opt/pkg/topo.sh"
	bash "$VM_DIR/run.sh" "$SUITE" --root "$root" --timeout "$TIMEOUT" -- \
		sh /opt/pkg/pkg-guest.sh || die "guest test failed"
	log "apt purge"
	in_chroot "$root" apt-get -q -y purge litepx-dkms litepxctl ||
		die "apt purge failed"
	left=$(leftovers "$root")
	[[ -z $left ]] || die "left after purge: ${left//"$root"/}"
	log "purged, nothing left"
	umount "$root"
}

# Unmount before deleting: rm -rf through the bind mount would empty the
# kept archives.
cleanup() {
	local m
	for m in "$WORK/build/var/cache/apt/archives" "$WORK/build" "$WORK/test"; do
		! mountpoint -q "$m" || umount "$m" || return 0
	done
	rm -rf "$WORK"
}

# Runs in the private mount namespace.
inside() {
	WORK=$(mktemp -d "$PKGDIR/work.XXXXXX")
	trap cleanup EXIT
	build
	install_and_test
}

main() {
	(($# == 1)) || usage
	SUITE=$1
	check_suite "$SUITE"
	[[ -f $(suite_dir "$SUITE")/done ]] ||
		die "no $SUITE userland: run tests/vm/userland.sh $SUITE"
	LOWER=$(suite_root "$SUITE")
	KVER=$(suite_kver "$SUITE")
	PKGDIR=$(suite_dir "$SUITE")-pkg
	PKGDEBS=$PKGDIR/debs
	mkdir -p "$PKGDEBS"
	if [[ ${LITEPX_PKG_INSIDE:-} != 1 ]]; then
		LITEPX_PKG_INSIDE=1 unshare --mount --propagation private -- \
			bash "$0" "$@" 2>&1 | sed -u "s/^/[pkg-$SUITE] /"
		exit "${PIPESTATUS[0]}"
	fi
	inside
}

main "$@"
