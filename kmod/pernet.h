/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_PERNET_H
#define LITEPX_PERNET_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>

struct litepx_config;
struct proc_dir_entry;

struct litepx_net {
	struct net *net;
	/*
	 * Serialises writers of config and generation (CONFIG_SET, FLUSH,
	 * namespace exit); readers only take rcu_read_lock().
	 */
	struct mutex config_lock;
	struct litepx_config __rcu *config;
	u32 generation;
	struct proc_dir_entry *proc_dir;
};

struct litepx_net *litepx_net(const struct net *net);
void litepx_net_replace_config(struct litepx_net *ln,
			       struct litepx_config *cfg);
int litepx_pernet_init(void);
void litepx_pernet_uninit(void);

#endif /* LITEPX_PERNET_H */
