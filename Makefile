# SPDX-License-Identifier: GPL-2.0
#
# make              module and litepxctl for the running kernel
# make check        the whole test suite (tests/check.sh: guests, all kernels)
# make demo         boot a guest, load the module and config/routes.yml
# make bench        litepx against direct, nftables, HAProxy, nginx, socat
#                   in one guest (BENCH_QUICK=1: a short round)
# make install      litepxctl, its man pages, bash completion, the systemd units
# make dkms-install register this tree with DKMS and build for this kernel

# dkms.conf's PACKAGE_VERSION is the one place the version is written.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
LITEPX_CACHE ?= /var/cache/litepx
KSELFTEST_DIR ?= $(LITEPX_CACHE)/kselftest
CHECKPATCH ?= $(LITEPX_CACHE)/checkpatch/checkpatch.pl
PREFIX ?= /usr/local
DESTDIR ?=
WERROR ?= 0

KBUILD_ARGS := -C $(KDIR) M=$(CURDIR)
ifeq ($(WERROR),1)
KBUILD_ARGS += LITEPX_WERROR=y
endif
SUBMAKE := $(MAKE) WERROR=$(WERROR) KSELFTEST_DIR=$(KSELFTEST_DIR)

.PHONY: all module module-debug tool tests unit-tests unit-check style check \
	ynl-gen \
	sparse demo bench bench-tools install dkms-install clean

all: module tool

module:
	$(MAKE) $(KBUILD_ARGS) modules

module-debug:
	$(MAKE) $(KBUILD_ARGS) LITEPX_DEBUG=y modules

tool:
	$(SUBMAKE) -C userspace

# Test programs that run inside the guest.
tests: tool
	$(SUBMAKE) -C tests/kernel

# The benchmark's load generator (runs inside the bench guest).
bench-tools:
	$(SUBMAKE) -C tests/bench

# Native unit tests: no kernel needed.
unit-tests:
	$(SUBMAKE) -C tests/unit

unit-check: unit-tests
	$(SUBMAKE) -C tests/unit run

# Guest scripts run under dash: shellcheck reads each one's shebang (or
# its "shellcheck shell=" line), so a bashism in them is an error.
SHELL_SCRIPTS := .ci/run $(wildcard tests/*.sh tests/*/*.sh) tests/kernel/run.sh
CHECKPATCH_ARGS := --no-tree --strict --terse --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,CONCATENATED_STRING

# The uapi header and kmod/netlink-gen.[ch] come from the netlink spec,
# docs/netlink/litepx.yaml, through the kernel's ynl-gen-c.py (from
# Debian's linux-source-6.12, fetched into LITEPX_CACHE on first use).
ynl-gen:
	LITEPX_CACHE=$(LITEPX_CACHE) bash tests/ynl-gen.sh

# compat.h is the one place allowed to compare kernel versions; the
# counter list is an X-macro, which checkpatch takes for a complex macro.
# The generated files must be what the spec generates: a hand edit fails.
style:
	LITEPX_CACHE=$(LITEPX_CACHE) bash tests/ynl-gen.sh --check
	$(CHECKPATCH) $(CHECKPATCH_ARGS) \
		-f $(filter-out kmod/compat.h,$(wildcard kmod/*.c kmod/*.h)) \
		include/uapi/linux/litepx.h
	$(CHECKPATCH) $(CHECKPATCH_ARGS) \
		--ignore COMPLEX_MACRO,MACRO_ARG_REUSE -f include/litepx_counters.h
	$(CHECKPATCH) $(CHECKPATCH_ARGS) \
		--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f kmod/compat.h
	shellcheck -S warning $(SHELL_SCRIPTS)

sparse:
	$(MAKE) $(KBUILD_ARGS) C=2 modules

check:
	bash tests/check.sh

demo:
	bash tests/demo.sh

bench:
	bash tests/bench/run.sh

install: tool
	install -D -m 0755 userspace/litepxctl $(DESTDIR)$(PREFIX)/sbin/litepxctl
	install -D -m 0644 docs/litepxctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/litepxctl.8
	install -D -m 0644 docs/routes.yml.5 \
		$(DESTDIR)$(PREFIX)/share/man/man5/routes.yml.5
	install -D -m 0644 config/litepxctl.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/litepxctl
	install -D -m 0644 config/litepx.service \
		$(DESTDIR)/etc/systemd/system/litepx.service
	install -D -m 0644 config/litepx-metrics.service \
		$(DESTDIR)/etc/systemd/system/litepx-metrics.service
	install -D -m 0644 config/litepx-metrics.timer \
		$(DESTDIR)/etc/systemd/system/litepx-metrics.timer
	install -d -m 0755 $(DESTDIR)/etc/litepx
	test -e $(DESTDIR)/etc/litepx/routes.yml || \
		install -m 0644 config/routes.yml $(DESTDIR)/etc/litepx/routes.yml

# The module's source only: never Kbuild output (kmod/*.o, *.cmd).
DKMS_SOURCES := Kbuild Makefile dkms.conf $(wildcard kmod/*.c kmod/*.h) \
	$(wildcard include/*.h include/uapi/linux/*.h)

dkms-install:
	rm -rf /usr/src/litepx-$(VERSION)
	mkdir -p /usr/src/litepx-$(VERSION)
	tar -cf - $(DKMS_SOURCES) | tar -C /usr/src/litepx-$(VERSION) -xf -
	dkms install litepx/$(VERSION) -k $(KVER)

# Kbuild's own clean needs the kernel's build tree; without one, remove
# what Kbuild leaves by name.
KBUILD_OUTPUT_FILES := litepx.ko litepx.mod litepx.mod.c litepx.o \
	modules.order Module.symvers .*.cmd kmod/*.o kmod/.*.cmd
clean:
	if [ -d $(KDIR) ]; then $(MAKE) $(KBUILD_ARGS) clean; \
	else rm -f $(KBUILD_OUTPUT_FILES); fi
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/kernel clean
	$(MAKE) -C tests/bench clean
