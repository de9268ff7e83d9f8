// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration snapshots: allocation, the checks that need the whole
 * config at once (unique ids, overlapping listeners) and freeing after
 * an RCU grace period. Per-attribute checks live in netlink.c.
 */
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "config.h"

/* The defaults come from the netlink spec, as for litepxctl. */
void litepx_config_set_defaults(struct litepx_options *opts)
{
	BUILD_BUG_ON(LITEPX_DEFAULT_LOG_LEVEL != LITEPX_LOG_INFO);
	*opts = (struct litepx_options) {
		.worker_threads = LITEPX_DEFAULT_WORKER_THREADS,
		.idle_timeout_ms = LITEPX_DEFAULT_IDLE_TIMEOUT,
		.connect_timeout_ms = LITEPX_DEFAULT_CONNECT_TIMEOUT,
		.shutdown_timeout_ms = LITEPX_DEFAULT_SHUTDOWN_TIMEOUT,
		.log_level = LITEPX_DEFAULT_LOG_LEVEL,
		.ipv6_prefix = LITEPX_DEFAULT_IPV6_PREFIX,
		.tcp_conn_limit = LITEPX_DEFAULT_TCP_CONN_LIMIT,
		.tcp_conn_ip_limit = LITEPX_DEFAULT_TCP_CONN_IP_LIMIT,
		.udp_session_limit = LITEPX_DEFAULT_UDP_SESSION_LIMIT,
		.udp_session_ip_limit = LITEPX_DEFAULT_UDP_SESSION_IP_LIMIT,
		.udp_pps_ip_limit = LITEPX_DEFAULT_UDP_PPS_IP_LIMIT,
		.udp_bps_ip_limit = LITEPX_DEFAULT_UDP_BPS_IP_LIMIT,
		.rcvbuf = LITEPX_DEFAULT_RCVBUF,
		.sndbuf = LITEPX_DEFAULT_SNDBUF,
	};
}

struct litepx_config *litepx_config_alloc(u32 nroutes)
{
	struct litepx_config *cfg;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return NULL;
	litepx_config_set_defaults(&cfg->opts);
	if (!nroutes)
		return cfg;
	cfg->routes = kvcalloc(nroutes, sizeof(*cfg->routes), GFP_KERNEL);
	if (!cfg->routes) {
		kfree(cfg);
		return NULL;
	}
	return cfg;
}

static struct litepx_route_stats *stats_alloc(void)
{
	struct litepx_route_stats *stats;

	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		return NULL;
	stats->pcpu = alloc_percpu(struct litepx_route_counters);
	if (!stats->pcpu) {
		kfree(stats);
		return NULL;
	}
	refcount_set(&stats->refs, 1);
	return stats;
}

static void stats_put(struct litepx_route_stats *stats)
{
	if (!stats || !refcount_dec_and_test(&stats->refs))
		return;
	free_percpu(stats->pcpu);
	kfree(stats);
}

struct litepx_route *litepx_route_alloc(u32 ndests)
{
	struct litepx_route *route;

	route = kzalloc(struct_size(route, dests, ndests), GFP_KERNEL);
	if (!route)
		return NULL;
	route->stats = stats_alloc();
	if (!route->stats) {
		kfree(route);
		return NULL;
	}
	refcount_set(&route->refs, 1);
	route->ndests = ndests;
	return route;
}

void litepx_route_get(struct litepx_route *route)
{
	refcount_inc(&route->refs);
}

void litepx_route_put(struct litepx_route *route)
{
	if (!route || !refcount_dec_and_test(&route->refs))
		return;
	stats_put(route->stats);
	kfree(route->dest_host);
	kfree(route->description);
	kfree(route);
}

void litepx_route_counters_sum(const struct litepx_route *route,
			       struct litepx_route_counters *sum)
{
	const struct litepx_route_counters *c;
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(route->stats->pcpu, cpu);
		for (i = 0; i < __LITEPX_CNT_MAX; i++)
			sum->v[i] += c->v[i];
	}
}

static bool same_addr(const struct litepx_addr *a, const struct litepx_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4 == b->v4;
	return ipv6_addr_equal(&a->v6, &b->v6);
}

/*
 * Same listeners, target port and PROXY header: the route's history, its
 * connections and sessions go on. The target's addresses may differ (its
 * name now resolves elsewhere): see mark_dests_gone().
 */
static bool same_service(const struct litepx_route *a,
			 const struct litepx_route *b)
{
	if (a->protocols != b->protocols || a->port_from != b->port_from ||
	    a->port_to != b->port_to || a->dest_port != b->dest_port ||
	    a->proxy_protocol != b->proxy_protocol ||
	    a->listen_any != b->listen_any)
		return false;
	return a->listen_any || same_addr(&a->listen, &b->listen);
}

static bool has_dest(const struct litepx_route *route,
		     const struct litepx_addr *addr)
{
	u32 i;

	for (i = 0; i < route->ndests; i++)
		if (same_addr(&route->dests[i], addr))
			return true;
	return false;
}

/*
 * Marks the addresses of prev that route, its successor, no longer has.
 * Decided by address, not by the dest_host text, which a DNS change
 * leaves as it was. TCP connections to such an address carry on (the
 * socket is connected; it fails by itself if the host is gone); a UDP
 * session to one ends, so the client's next datagram opens a session to
 * a current address.
 */
static void mark_dests_gone(struct litepx_route *prev,
			    const struct litepx_route *route)
{
	unsigned long gone = 0;
	u32 i;

	BUILD_BUG_ON(LITEPX_MAX_DESTS > BITS_PER_LONG);
	for (i = 0; i < prev->ndests; i++)
		if (!has_dest(route, &prev->dests[i]))
			gone |= BIT(i);
	WRITE_ONCE(prev->dests_gone, gone);
}

void litepx_config_inherit_stats(struct litepx_config *cfg,
				 const struct litepx_config *old)
{
	struct litepx_route *route, *prev;
	u32 i, j;

	for (i = 0; old && i < cfg->nroutes; i++) {
		route = cfg->routes[i];
		for (j = 0; j < old->nroutes; j++) {
			prev = old->routes[j];
			if (!same_service(route, prev))
				continue;
			refcount_inc(&prev->stats->refs);
			stats_put(route->stats);
			route->stats = prev->stats;
			prev->inherited = true;
			mark_dests_gone(prev, route);
			break;
		}
	}
}

void litepx_config_free(struct litepx_config *cfg)
{
	u32 i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nroutes; i++)
		litepx_route_put(cfg->routes[i]);
	kvfree(cfg->routes);
	kfree(cfg->opts.cpus);
	kfree(cfg);
}

static void config_free_rcu(struct rcu_head *head)
{
	litepx_config_free(container_of(head, struct litepx_config, rcu));
}

void litepx_config_free_rcu(struct litepx_config *cfg)
{
	if (cfg)
		call_rcu(&cfg->rcu, config_free_rcu);
}

static int compare_route_id(const void *a, const void *b)
{
	const struct litepx_route *ra = *(const struct litepx_route **)a;
	const struct litepx_route *rb = *(const struct litepx_route **)b;

	return ra->id < rb->id ? -1 : ra->id > rb->id;
}

static int compare_port_from(const void *a, const void *b)
{
	const struct litepx_route *ra = *(const struct litepx_route **)a;
	const struct litepx_route *rb = *(const struct litepx_route **)b;

	return (int)ra->port_from - (int)rb->port_from;
}

/* Would binding both routes' listeners on a shared port collide? */
static bool listen_addrs_collide(const struct litepx_route *a,
				 const struct litepx_route *b)
{
	if (a->listen_any || b->listen_any)
		return true;
	if (a->listen.family != b->listen.family)
		return false;
	if (a->listen.family == AF_INET)
		return a->listen.v4 == b->listen.v4 || !a->listen.v4 ||
		       !b->listen.v4;
	return ipv6_addr_equal(&a->listen.v6, &b->listen.v6) ||
	       ipv6_addr_any(&a->listen.v6) || ipv6_addr_any(&b->listen.v6);
}

static bool routes_overlap(const struct litepx_route *a,
			   const struct litepx_route *b)
{
	return (a->protocols & b->protocols) &&
	       a->port_from <= b->port_to && b->port_from <= a->port_to &&
	       listen_addrs_collide(a, b);
}

/*
 * Sorting a copy by first port bounds each comparison run to the routes
 * whose ranges can still reach the current one.
 */
static int find_overlap(struct litepx_config *cfg, u32 *first, u32 *second)
{
	struct litepx_route **by_port;
	u32 i, j;

	by_port = kvmalloc_array(cfg->nroutes, sizeof(*by_port), GFP_KERNEL);
	if (!by_port)
		return -ENOMEM;
	memcpy(by_port, cfg->routes, cfg->nroutes * sizeof(*by_port));
	sort(by_port, cfg->nroutes, sizeof(*by_port), compare_port_from,
	     NULL);
	for (i = 0; i < cfg->nroutes; i++) {
		for (j = i + 1; j < cfg->nroutes &&
		     by_port[j]->port_from <= by_port[i]->port_to; j++) {
			if (routes_overlap(by_port[i], by_port[j])) {
				*first = min(by_port[i]->id, by_port[j]->id);
				*second = max(by_port[i]->id, by_port[j]->id);
				kvfree(by_port);
				return -EADDRINUSE;
			}
		}
		cond_resched();
	}
	kvfree(by_port);
	return 0;
}

static struct nlattr *route_attr_by_id(struct litepx_config *cfg,
				       struct nlattr **route_attrs, u32 id)
{
	u32 i;

	for (i = 0; i < cfg->nroutes; i++)
		if (cfg->routes[i]->id == id)
			return route_attrs[i];
	return NULL;
}

static unsigned long ms_to_jiffies(u32 ms)
{
	return msecs_to_jiffies(ms) ?: 1;
}

/* Once per config, so that no accept or GC pass works them out again. */
static void resolve_timeouts(struct litepx_config *cfg)
{
	const struct litepx_options *opts = &cfg->opts;
	struct litepx_route *r;
	u32 i;

	for (i = 0; i < cfg->nroutes; i++) {
		r = cfg->routes[i];
		r->idle_timeout_ms = r->idle_timeout_ms ?: opts->idle_timeout_ms;
		r->connect_timeout_ms =
			r->connect_timeout_ms ?: opts->connect_timeout_ms;
		r->shutdown_timeout_ms =
			r->shutdown_timeout_ms ?: opts->shutdown_timeout_ms;
		r->idle_timeout = ms_to_jiffies(r->idle_timeout_ms);
		r->connect_timeout = ms_to_jiffies(r->connect_timeout_ms);
		r->shutdown_timeout = ms_to_jiffies(r->shutdown_timeout_ms);
	}
}

/*
 * route_attrs[i] is the attribute cfg->routes[i] came from, so that the
 * error points at it. On success the routes end up sorted by id, with
 * their timeouts resolved.
 */
int litepx_config_validate(struct litepx_config *cfg,
			   struct nlattr **route_attrs,
			   struct netlink_ext_ack *extack)
{
	u32 first, second, i;
	int err;

	err = find_overlap(cfg, &first, &second);
	if (err == -EADDRINUSE) {
		NL_SET_ERR_MSG_ATTR(extack,
				    route_attr_by_id(cfg, route_attrs, second),
				    "route's listener overlaps another route's (same protocol, port and address)");
		return err;
	}
	if (err)
		return err;

	sort(cfg->routes, cfg->nroutes, sizeof(*cfg->routes),
	     compare_route_id, NULL);
	for (i = 1; i < cfg->nroutes; i++) {
		if (cfg->routes[i]->id == cfg->routes[i - 1]->id)
			goto duplicate;
	}
	resolve_timeouts(cfg);
	return 0;

duplicate:
	NL_SET_ERR_MSG_MOD(extack, "two routes have the same id");
	return -EINVAL;
}
