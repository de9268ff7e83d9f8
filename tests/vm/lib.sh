# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
# Shared helpers for the litepx guest test scripts. Source it, don't run it.
#
# Environment:
#   LITEPX_CACHE            cache directory (default /var/cache/litepx)
#   LITEPX_MIRROR           Debian mirror (default: the host's apt mirror)
#   LITEPX_SECURITY_MIRROR  Debian security mirror (default: the host's, or
#                           MIRROR with /debian-security)

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
CACHE=${LITEPX_CACHE:-/var/cache/litepx}
KNOWN_SUITES="bullseye bookworm trixie sid"
# Variants: SUITE-VARIANT is SUITE's userland plus more packages, kept in its
# own directory ($CACHE/SUITE-VARIANT), so building one never touches the
# plain suite's userland the test suites use. "bench": the programs
# tests/bench compares litepx with, and perf.
declare -A VARIANT_PACKAGES=(
	[bench]="haproxy nginx libnginx-mod-stream linux-perf"
)

export DEBIAN_FRONTEND=noninteractive LC_ALL=C

# ---------------------------------------------------------------- logging

_log_tag=${LOG_TAG:-$(basename "$0" .sh)}

log() { printf '[%s %s] %s\n' "$_log_tag" "$(date +%T)" "$*" >&2; }
warn() { log "WARNING: $*"; }
die() { log "ERROR: $*"; exit 1; }

# Run a command, prefixing each output line with TAG; keeps its exit status.
prefixed() {
	local tag=$1; shift
	"$@" 2>&1 | sed -u "s/^/[$tag] /"
	return "${PIPESTATUS[0]}"
}

# ---------------------------------------------------------------- paths

check_suite() {
	local base=${1%%-*} variant=${1#*-}
	case " $KNOWN_SUITES " in
	*" $base "*) ;;
	*) die "unknown suite '$1' (known: $KNOWN_SUITES, or SUITE-VARIANT)" ;;
	esac
	[[ $variant == "$1" || -n ${VARIANT_PACKAGES[$variant]:-} ]] ||
		die "unknown variant '$variant' of $base (known: ${!VARIANT_PACKAGES[*]})"
}

# The Debian release of a suite or variant: bookworm-bench -> bookworm.
suite_release() { echo "${1%%-*}"; }

# The packages a variant adds (nothing for a plain suite).
suite_variant_packages() {
	local variant=${1#*-}
	[[ $variant == "$1" ]] || echo "${VARIANT_PACKAGES[$variant]}"
}

suite_dir() { echo "$CACHE/$1"; }
suite_root() { echo "$CACHE/$1/root"; }
suite_debs() { echo "$CACHE/debs/$1"; }

# Facts about a finished userland, written by userland.sh.
suite_fact() {
	local f="$CACHE/$1/$2"
	[[ -s $f ]] || die "$f missing: run tests/vm/userland.sh $1 first"
	cat "$f"
}
suite_kver() { suite_fact "$1" kver; }      # e.g. 6.1.0-41-amd64
suite_vmlinuz() { suite_fact "$1" vmlinuz; } # path on the host
suite_cc() { suite_fact "$1" cc; }          # e.g. gcc-12, x86_64-linux-gnu-gcc-14

# ---------------------------------------------------------------- mirrors

# First URI of the host's apt sources whose path ends in /$1
# (debian or debian-security), from both one-line and deb822 formats.
host_apt_uri() {
	local want=$1
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -nE -e 's/^\s*URIs:\s*//p' \
			-e 's/^\s*deb\s+(\[[^]]*\]\s+)?(\S+).*/\2/p' |
		tr ' ' '\n' | sed 's:/*$::' | grep -E "/$want\$" | head -n1 || true
}

mirror() {
	local m=${LITEPX_MIRROR:-$(host_apt_uri debian)}
	echo "${m:-http://deb.debian.org/debian}"
}

security_mirror() {
	local m=${LITEPX_SECURITY_MIRROR:-$(host_apt_uri debian-security)}
	echo "${m:-$(dirname "$(mirror)")/debian-security}"
}

# ---------------------------------------------------------------- host

# The last line (gcc-12 ...) builds the debug lane's kernel
# (tests/vm/debug-kernel.sh).
HOST_DEPS="qemu-system-x86 debootstrap busybox-static linux-source-6.1 cpio
	xz-utils zstd libyaml-dev libnl-3-dev libnl-genl-3-dev pkg-config gcc
	make sparse git mandoc python3-yaml python3-jsonschema shellcheck
	gcc-12 bc bison flex libelf-dev libssl-dev"

pkg_installed() {
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# apt-get install whatever of HOST_DEPS is missing; no questions asked.
ensure_host_deps() {
	local p missing=()
	for p in $HOST_DEPS; do
		pkg_installed "$p" || missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		log "host dependencies present"
		return 0
	fi
	log "installing host packages: ${missing[*]}"
	apt-get -q update || warn "apt-get update failed, trying with old lists"
	apt-get -q -y -o Dpkg::Options::=--force-confold \
		install --no-install-recommends "${missing[@]}" </dev/null
}

# ---------------------------------------------------------------- chroot

# Run a command in a chroot inside a private mount namespace with /proc,
# /sys, /dev and a tmpfs /tmp mounted (objtool and dpkg need them). The
# mounts vanish with the namespace, so nothing leaks onto the host or into
# the cache. INITRD=No: kernels installed as dependencies (trixie's and
# sid's headers depend on the image) get no initramfs; we boot our own.
in_chroot() {
	local root=$1; shift
	unshare --mount --propagation private -- /bin/sh -ec '
		root=$1; shift
		mount -t proc proc "$root/proc"
		mount -t sysfs sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs tmpfs "$root/tmp"
		exec chroot "$root" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive \
			INITRD=No "$@"
	' in_chroot "$root" "$@"
}
