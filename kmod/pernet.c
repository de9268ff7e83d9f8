// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: each namespace has its own configuration
 * and its own /proc/net/litepx directory.
 */
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "config.h"
#include "pernet.h"
#include "proc.h"
#include "listener.h"
#include "tcp.h"
#include "udp.h"

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
			WRITE_ONCE(old->routes[i]->stats->drain_start,
				   jiffies | 1);
}

static void log_replace(struct litepx_net *ln, const struct litepx_config *cfg,
			const struct litepx_config *old)
{
	if (READ_ONCE(ln->log_level) < LITEPX_LOG_INFO || (!cfg && !old))
		return;
	if (cfg)
		pr_info("netns %u: configuration %u loaded: %u routes, %u TCP listeners, %u UDP sockets\n",
			ln->net->ns.inum, cfg->generation, cfg->nroutes,
			litepx_listener_count(ln, LITEPX_LISTENER_TCP),
			litepx_listener_count(ln, LITEPX_LISTENER_UDP));
	else
		pr_info("netns %u: configuration flushed\n", ln->net->ns.inum);
}

/*
 * Every namespace gets a litepx_net, and unprivileged users can make
 * namespaces: the tables only come with the first config, charged to
 * whoever loads it.
 */
static void tables_free(struct litepx_net *ln)
{
	kvfree(ln->listeners);
	kvfree(ln->tcp.sources);
	ln->listeners = NULL;
	ln->tcp.sources = NULL;
}

static int tables_alloc(struct litepx_net *ln)
{
	ln->listeners = kvcalloc(LITEPX_LISTENER_BUCKETS,
				 sizeof(*ln->listeners), GFP_KERNEL_ACCOUNT);
	ln->tcp.sources = kvcalloc(LITEPX_SOURCE_BUCKETS,
				   sizeof(*ln->tcp.sources),
				   GFP_KERNEL_ACCOUNT);
	if (!ln->listeners || !ln->tcp.sources ||
	    litepx_udp_tables_alloc(ln)) {
		tables_free(ln);
		litepx_udp_tables_free(ln);
		return -ENOMEM;
	}
	/* Dumps check it without config_lock: the tables first. */
	smp_store_release(&ln->configured, true);
	return 0;
}

size_t litepx_net_table_bytes(struct litepx_net *ln)
{
	/* Pairs with the release in tables_alloc(). */
	if (!smp_load_acquire(&ln->configured))
		return 0;
	return (LITEPX_LISTENER_BUCKETS + LITEPX_SOURCE_BUCKETS) *
	       sizeof(struct hlist_head) + litepx_udp_tables_bytes();
}

/*
 * Takes ownership of cfg (NULL to flush) and applies it all or nothing:
 * on failure the config in force and its listeners stay as they were.
 * The old snapshot is freed once no RCU reader can still see it.
 */
int litepx_net_replace_config(struct litepx_net *ln, struct litepx_config *cfg,
			      struct netlink_ext_ack *extack)
{
	struct litepx_listener_change change;
	struct litepx_config *old;
	int err;

	mutex_lock(&ln->config_lock);
	old = rcu_dereference_protected(ln->config,
					lockdep_is_held(&ln->config_lock));
	err = cfg && !ln->configured ? tables_alloc(ln) : 0;
	if (!err)
		err = litepx_listeners_prepare(ln, cfg, &change, extack);
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
	litepx_listeners_commit(ln, &change);
	drain_removed_routes(old);
	log_replace(ln, cfg, old);
	mutex_unlock(&ln->config_lock);
	litepx_udp_config_changed(ln);
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
	litepx_udp_net_init(ln);
	return litepx_proc_net_init(ln);
}

static void __net_exit litepx_net_exit(struct net *net)
{
	struct litepx_net *ln = litepx_net(net);

	litepx_proc_net_uninit(ln);
	/* Closes every listener first, so no client is taken in... */
	litepx_net_replace_config(ln, NULL, NULL);
	/* ...then ends the sessions and connections still open. */
	litepx_udp_net_exit(ln);
	litepx_tcp_net_exit(ln);
	tables_free(ln);
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
