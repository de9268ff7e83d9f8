/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fault point for litepx's socket operations, so that the debug lane
 * (tests/kernel/faults.sh) can fail each one in turn, as failslab does for
 * allocations: debugfs fail_litepx_sockop, with the usual fault_attr
 * knobs, and fail-nth counting it. Only on kernels built with
 * CONFIG_FAULT_INJECTION; elsewhere the calls compile away.
 */
#ifndef LITEPX_FAULT_H
#define LITEPX_FAULT_H

#ifdef CONFIG_FAULT_INJECTION
void litepx_fault_init(void);
void litepx_fault_uninit(void);
/* err when the fault point fires, else 0. Process context only. */
int litepx_sockop_fault(int err);
#else
static inline void litepx_fault_init(void)
{
}

static inline void litepx_fault_uninit(void)
{
}

static inline int litepx_sockop_fault(int err)
{
	return 0;
}
#endif /* CONFIG_FAULT_INJECTION */

#endif /* LITEPX_FAULT_H */
