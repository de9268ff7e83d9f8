/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_CONFIG_H
#define LITEPX_CONFIG_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <linux/litepx.h>
#include <litepx_counters.h>

struct netlink_ext_ack;
struct nlattr;

struct litepx_addr {
	sa_family_t family;		/* AF_INET or AF_INET6 */
	union {
		__be32 v4;
		struct in6_addr v6;
	};
};

struct litepx_options {
	u32 worker_threads;
	u32 idle_timeout_ms;
	u32 connect_timeout_ms;
	u32 shutdown_timeout_ms;
	u8 log_level;
	u8 ipv6_prefix;
	u32 tcp_conn_limit;
	u32 tcp_conn_ip_limit;
	u32 udp_session_limit;
	u32 udp_session_ip_limit;
	u32 udp_pps_ip_limit;
	u64 udp_bps_ip_limit;
	u32 rcvbuf;
	u32 sndbuf;
	u32 ncpus;
	u32 *cpus;			/* cpu_affinity, ncpus entries */
};

/* Counters one CPU adds to; summed when shown. */
struct litepx_route_counters {
	u64 v[__LITEPX_CNT_MAX];
};

/*
 * A route's counters outlive one config: a reload that keeps the route's
 * listeners and target hands them to the new route object.
 */
struct litepx_route_stats {
	refcount_t refs;
	/*
	 * jiffies | 1 once a reload removed the route; its connections and
	 * sessions drain. Here rather than in the route object because they
	 * may hold any of the route objects that inherited these stats.
	 */
	unsigned long drain_start;
	atomic_t active;		/* TCP connections */
	atomic_t sessions_active;	/* UDP sessions */
	struct litepx_route_counters __percpu *pcpu;
};

struct litepx_route {
	/* One reference per config holding it, one per connection. */
	refcount_t refs;
	struct litepx_route_stats *stats;
	u32 id;
	u8 protocols;			/* LITEPX_PROTO_* */
	u8 proxy_protocol;		/* enum litepx_proxy_protocol */
	bool listen_any;		/* every IPv4 and IPv6 address */
	struct litepx_addr listen;
	u16 port_from;
	u16 port_to;
	u16 dest_port;
	/*
	 * The route's overrides as parsed, 0 for "use the option", until
	 * litepx_config_validate() resolves them: from then on the value
	 * in force, never 0.
	 */
	u32 idle_timeout_ms;
	u32 connect_timeout_ms;
	u32 shutdown_timeout_ms;
	/* The same in jiffies, at least 1, for the data path. */
	unsigned long idle_timeout;
	unsigned long connect_timeout;
	unsigned long shutdown_timeout;
	/* Set while applying a config: a new route took over this one. */
	bool inherited;
	/*
	 * Bit i: dests[i] is not among the addresses of the route that took
	 * over this one (LITEPX_MAX_DESTS fits).
	 */
	unsigned long dests_gone;
	char *dest_host;
	char *description;		/* NULL when none was given */
	u32 ndests;
	struct litepx_addr dests[];
};

/*
 * An immutable snapshot of one namespace's configuration. Readers find it
 * under RCU; a change builds a whole new one and swaps the pointer.
 */
struct litepx_config {
	struct rcu_head rcu;
	u32 generation;
	struct litepx_options opts;
	u32 nroutes;
	struct litepx_route **routes;	/* sorted by id */
};

struct litepx_config *litepx_config_alloc(u32 nroutes);
void litepx_config_free(struct litepx_config *cfg);
void litepx_config_free_rcu(struct litepx_config *cfg);
void litepx_config_set_defaults(struct litepx_options *opts);
struct litepx_route *litepx_route_alloc(u32 ndests);
void litepx_route_get(struct litepx_route *route);
void litepx_route_put(struct litepx_route *route);
void litepx_route_counters_sum(const struct litepx_route *route,
			       struct litepx_route_counters *sum);
/*
 * Carries the counters of every unchanged route of old over to cfg and
 * marks those old routes inherited.
 */
void litepx_config_inherit_stats(struct litepx_config *cfg,
				 const struct litepx_config *old);

static inline void litepx_route_count(struct litepx_route *route,
				      enum litepx_counter counter, u64 n)
{
	this_cpu_add(route->stats->pcpu->v[counter], n);
}

/*
 * The checks that need the whole config, once its options and routes are
 * parsed; on success the routes are sorted by id and their timeouts
 * resolved against the options.
 */
int litepx_config_validate(struct litepx_config *cfg,
			   struct nlattr **route_attrs,
			   struct netlink_ext_ack *extack);

#endif /* LITEPX_CONFIG_H */
