// SPDX-License-Identifier: GPL-2.0
/* Built only with CONFIG_FAULT_INJECTION (Kbuild). */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fault-inject.h>

#include "fault.h"

static DECLARE_FAULT_ATTR(fail_sockop);
static struct dentry *fail_sockop_dir;

/*
 * Without CONFIG_FAULT_INJECTION_DEBUG_FS there are no knobs, but the
 * point still counts for fail-nth: no reason to refuse to load.
 */
void litepx_fault_init(void)
{
	struct dentry *dir;

	dir = fault_create_debugfs_attr("fail_litepx_sockop", NULL,
					&fail_sockop);
	fail_sockop_dir = IS_ERR(dir) ? NULL : dir;
}

void litepx_fault_uninit(void)
{
	debugfs_remove_recursive(fail_sockop_dir);
	fail_sockop_dir = NULL;
}

int litepx_sockop_fault(int err)
{
	return should_fail(&fail_sockop, 1) ? err : 0;
}
