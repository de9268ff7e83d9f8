// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: each namespace has its own configuration
 * and its own /proc/net/litepx directory.
 */
#include <linux/module.h>
#include <net/netns/generic.h>

#include "config.h"
#include "pernet.h"
#include "proc.h"

static unsigned int litepx_net_id __read_mostly;

struct litepx_net *litepx_net(const struct net *net)
{
	return net_generic(net, litepx_net_id);
}

/*
 * Takes ownership of cfg (NULL to flush). The old snapshot is freed once
 * every reader that might still see it has left its RCU section.
 */
void litepx_net_replace_config(struct litepx_net *ln,
			       struct litepx_config *cfg)
{
	struct litepx_config *old;

	mutex_lock(&ln->config_lock);
	ln->generation++;
	if (cfg)
		cfg->generation = ln->generation;
	old = rcu_replace_pointer(ln->config, cfg,
				  lockdep_is_held(&ln->config_lock));
	mutex_unlock(&ln->config_lock);
	litepx_config_free_rcu(old);
}

static int __net_init litepx_net_init(struct net *net)
{
	struct litepx_net *ln = litepx_net(net);

	ln->net = net;
	mutex_init(&ln->config_lock);
	RCU_INIT_POINTER(ln->config, NULL);
	return litepx_proc_net_init(ln);
}

static void __net_exit litepx_net_exit(struct net *net)
{
	struct litepx_net *ln = litepx_net(net);

	litepx_proc_net_uninit(ln);
	litepx_net_replace_config(ln, NULL);
}

static struct pernet_operations litepx_net_ops = {
	.init = litepx_net_init,
	.exit = litepx_net_exit,
	.id = &litepx_net_id,
	.size = sizeof(struct litepx_net),
};

int litepx_pernet_init(void)
{
	return register_pernet_subsys(&litepx_net_ops);
}

void litepx_pernet_uninit(void)
{
	unregister_pernet_subsys(&litepx_net_ops);
	/* Snapshots freed by call_rcu() must be gone before the module. */
	rcu_barrier();
}
