/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_CONFIG_H
#define LITEPX_CONFIG_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/litepx.h>

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
	u32 udp_pps_ip_limit;
	u64 udp_bps_ip_limit;
	u32 rcvbuf;
	u32 sndbuf;
	u32 ncpus;
	u32 *cpus;			/* cpu_affinity, ncpus entries */
};

struct litepx_route {
	u32 id;
	u8 protocols;			/* LITEPX_PROTO_* */
	u8 proxy_protocol;		/* enum litepx_proxy_protocol */
	bool listen_any;		/* every IPv4 and IPv6 address */
	struct litepx_addr listen;
	u16 port_from;
	u16 port_to;
	u16 dest_port;
	/* Overrides as given; 0 means "use the option". */
	u32 idle_timeout_ms;
	u32 connect_timeout_ms;
	u32 shutdown_timeout_ms;
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
int litepx_config_validate(struct litepx_config *cfg,
			   struct nlattr **route_attrs,
			   struct netlink_ext_ack *extack);

u32 litepx_route_idle_timeout(const struct litepx_config *cfg,
			      const struct litepx_route *route);
u32 litepx_route_connect_timeout(const struct litepx_config *cfg,
				 const struct litepx_route *route);
u32 litepx_route_shutdown_timeout(const struct litepx_config *cfg,
				  const struct litepx_route *route);

#endif /* LITEPX_CONFIG_H */
