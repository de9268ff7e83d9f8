#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh (make demo): build litepx for Debian bookworm's kernel, boot it in
# QEMU and load the module and config/routes.yml there (tests/demo-guest.sh).
# First run: a few minutes (host packages, userland); then about a minute.
#
# Environment: LITEPX_CACHE (default /var/cache/litepx), LITEPX_DEMO_SUITE
# (default bookworm).
set -euo pipefail
# shellcheck disable=SC2034 # vm/lib.sh's log() reads it
LOG_TAG=demo
. "$(dirname "$0")/vm/lib.sh"

SUITE=${LITEPX_DEMO_SUITE:-bookworm}

main() {
	check_suite "$SUITE"
	ensure_host_deps
	bash "$VM_DIR/kselftest.sh"
	bash "$VM_DIR/userland.sh" "$SUITE"
	bash "$VM_DIR/build.sh" "$SUITE" all
	bash "$VM_DIR/initramfs.sh" "$SUITE"
	bash "$VM_DIR/run.sh" "$SUITE" --timeout 600 -- sh /opt/litepx/tests/demo-guest.sh
}

main "$@"
