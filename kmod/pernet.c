// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: each namespace has its own configuration
 * and its own /proc/net/litepx directory.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "config.h"
#include "pernet.h"
#include "proc.h"
#include "tcp.h"

static unsigned int litepx_net_id __read_mostly;

struct litepx_net *litepx_net(const struct net *net)
{
	return net_generic(net, litepx_net_id);
}

/* Connections of routes that no new route took over drain, then reset. */
static void drain_removed_routes(const struct litepx_config *old)
{
	u32 i;

	for (i = 0; old && i < old->nroutes; i++)
		if (!old->routes[i]->inherited)
			WRITE_ONCE(old->routes[i]->drain_start, jiffies | 1);
}

static void log_replace(struct litepx_net *ln, const struct litepx_config *cfg,
			const struct litepx_config *old)
{
	if (READ_ONCE(ln->log_level) < LITEPX_LOG_INFO || (!cfg && !old))
		return;
	if (cfg)
		pr_info("netns %u: configuration %u loaded: %u routes, %u TCP listeners\n",
			ln->net->ns.inum, cfg->generation, cfg->nroutes,
			litepx_listener_count(ln));
	else
		pr_info("netns %u: configuration flushed\n", ln->net->ns.inum);
}

/*
 * Takes ownership of cfg (NULL to flush) and applies it all or nothing:
 * on failure the config in force and its listeners stay as they were.
 * The old snapshot is freed once no RCU reader can still see it.
 */
int litepx_net_replace_config(struct litepx_net *ln, struct litepx_config *cfg,
			      struct netlink_ext_ack *extack)
{
	struct litepx_tcp_change change;
	struct litepx_config *old;
	int err;

	mutex_lock(&ln->config_lock);
	old = rcu_dereference_protected(ln->config,
					lockdep_is_held(&ln->config_lock));
	err = litepx_tcp_prepare(ln, cfg, &change, extack);
	if (err) {
		mutex_unlock(&ln->config_lock);
		litepx_config_free(cfg);
		return err;
	}
	ln->generation++;
	if (cfg) {
		cfg->generation = ln->generation;
		litepx_config_inherit_stats(cfg, old);
	}
	WRITE_ONCE(ln->log_level, cfg ? cfg->opts.log_level : LITEPX_LOG_INFO);
	rcu_assign_pointer(ln->config, cfg);
	litepx_tcp_commit(ln, &change);
	drain_removed_routes(old);
	log_replace(ln, cfg, old);
	mutex_unlock(&ln->config_lock);
	litepx_config_free_rcu(old);
	return 0;
}

static int __net_init litepx_net_init(struct net *net)
{
	struct litepx_net *ln = litepx_net(net);

	ln->net = net;
	ln->log_level = LITEPX_LOG_INFO;
	mutex_init(&ln->config_lock);
	RCU_INIT_POINTER(ln->config, NULL);
	litepx_tcp_net_init(ln);
	return litepx_proc_net_init(ln);
}

static void __net_exit litepx_net_exit(struct net *net)
{
	struct litepx_net *ln = litepx_net(net);

	litepx_proc_net_uninit(ln);
	/* Closes every listener first, so no connection is accepted... */
	litepx_net_replace_config(ln, NULL, NULL);
	/* ...then resets the connections still open and waits for them. */
	litepx_tcp_net_exit(ln);
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
