/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parsed routes.yml: the data model shared by the YAML loader
 * (load.h), the resolver, the printers (print.h) and the netlink
 * encoder (wire.h). Nothing here knows where a config came from.
 */
#ifndef LITEPX_MODEL_H
#define LITEPX_MODEL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/litepx.h>

/*
 * Defaults: LITEPX_DEFAULT_* in <linux/litepx.h>, generated from the
 * netlink spec, the same values the module uses.
 */

struct lpx_addr {
	int family;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* Where a value came from, for messages: 1-based like compilers print. */
struct lpx_mark {
	unsigned int line;
	unsigned int column;
};

struct lpx_route {
	unsigned int id;		/* 1-based position in routes: */
	struct lpx_mark mark;		/* start of the route's mapping */
	char *description;		/* NULL when not given */
	char *dest_host;		/* as written: name or literal */
	struct lpx_mark dest_host_mark;
	unsigned int protocols;		/* LITEPX_PROTO_* */
	bool has_listen;		/* false: every IPv4 and IPv6 address */
	struct lpx_addr listen;
	uint16_t port_from;
	uint16_t port_to;		/* == port_from for a single port */
	uint16_t dest_port;		/* target port of port_from */
	enum litepx_proxy_protocol proxy_protocol;
	/* Per-route timeout overrides; 0 = use the global option. */
	uint32_t idle_timeout_ms;
	uint32_t connect_timeout_ms;
	uint32_t shutdown_timeout_ms;
	/* Filled by lpx_config_resolve(), in failover order. */
	struct lpx_addr dests[LITEPX_MAX_DESTS];
	size_t ndests;
};

struct lpx_options {
	uint32_t worker_threads;
	uint32_t idle_timeout_ms;
	uint32_t connect_timeout_ms;
	uint32_t shutdown_timeout_ms;
	enum litepx_log_level log_level;
	uint32_t tcp_conn_limit;
	uint32_t tcp_conn_ip_limit;
	uint32_t udp_session_limit;
	uint32_t udp_session_ip_limit;
	uint32_t udp_pps_ip_limit;
	uint64_t udp_bps_ip_limit;
	uint8_t ipv6_prefix;
	uint32_t *cpus;			/* cpu_affinity; NULL when ncpus == 0 */
	size_t ncpus;
	uint32_t rcvbuf;
	uint32_t sndbuf;
};

struct lpx_config {
	char *path;
	struct lpx_options opts;
	struct lpx_route *routes;
	size_t nroutes;
};

void lpx_config_free(struct lpx_config *cfg);

#endif /* LITEPX_MODEL_H */
