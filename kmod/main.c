// SPDX-License-Identifier: GPL-2.0
/*
 * litepx: forwards TCP and UDP ports to a hidden server from inside the
 * kernel. See docs/ for the design.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <linux/litepx.h>

#include "fault.h"
#include "netlink.h"
#include "pernet.h"
#include "proc.h"
#include "socket.h"

static int __init litepx_init(void)
{
	int err;

	litepx_fault_init();
	err = litepx_socket_init();
	if (err)
		goto err_socket;
	err = litepx_proc_init();
	if (err)
		goto err_proc;
	err = litepx_pernet_init();
	if (err)
		goto err_pernet;
	err = litepx_genetlink_init();
	if (err)
		goto err_netlink;
	pr_info("loaded, netlink family %s version %u\n", LITEPX_GENL_NAME,
		LITEPX_GENL_VERSION);
	return 0;

err_netlink:
	litepx_pernet_uninit();
err_pernet:
	litepx_proc_uninit();
err_proc:
	litepx_socket_uninit();
err_socket:
	litepx_fault_uninit();
	return err;
}

static void __exit litepx_exit(void)
{
	litepx_genetlink_uninit();
	litepx_pernet_uninit();
	litepx_proc_uninit();
	litepx_socket_uninit();
	litepx_fault_uninit();
	pr_info("unloaded\n");
}

module_init(litepx_init);
module_exit(litepx_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("In-kernel TCP and UDP port forwarder");
MODULE_AUTHOR("The litepx authors");
MODULE_VERSION(LITEPX_VERSION);
MODULE_ALIAS_GENL_FAMILY(LITEPX_GENL_NAME);
