/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parsed routes.yml: the data model shared by the YAML loader
 * (config.c), the resolver (resolve.c), `check` output (print.c) and
 * the netlink encoder (netlink.c).
 */
#ifndef LITEPX_CONFIG_H
#define LITEPX_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/*
 * Resolves one host name to every A and AAAA address, at most max.
 * Returns the count, or a negative value and sets *why to a static
 * message. Injectable so that tests need no DNS.
 */
typedef int (*lpx_resolver_fn)(const char *host, struct lpx_addr *out,
			       size_t max, const char **why);

/* The resolver used when lpx_env.resolve is NULL: getaddrinfo(). */
int lpx_resolve_default(const char *host, struct lpx_addr *out, size_t max,
			const char **why);

struct lpx_env {
	lpx_resolver_fn resolve;	/* NULL: getaddrinfo() */
	unsigned int ncpus_present;	/* 0: ask the running system */
	FILE *err;			/* where diagnostics go; NULL: stderr */
};

/*
 * Parses and validates path completely: schema, types, ranges, overlaps,
 * then resolves every dest_host and checks cpu_affinity. On any error
 * prints one line per problem as "path:line:col: key: message" and
 * returns -1 with *cfg freed; on success returns 0.
 */
int lpx_config_load(const char *path, const struct lpx_env *env,
		    struct lpx_config *cfg);

/* The same from a buffer; name stands for the file in messages. */
int lpx_config_load_buffer(const char *name, const char *buf, size_t len,
			   const struct lpx_env *env, struct lpx_config *cfg);

void lpx_config_free(struct lpx_config *cfg);

/* Printing of the normalised config for `litepxctl check`. */
void lpx_config_print(FILE *out, const struct lpx_config *cfg);
void lpx_config_print_json(FILE *out, const struct lpx_config *cfg);

/* Helpers shared by the printers and `show`. */
const char *lpx_proxy_protocol_name(enum litepx_proxy_protocol pp);
const char *lpx_log_level_name(enum litepx_log_level level);
const char *lpx_protocols_name(unsigned int protocols);
/* Formats an address into buf (at least INET6_ADDRSTRLEN bytes). */
const char *lpx_addr_str(const struct lpx_addr *addr, char *buf, size_t len);

#endif /* LITEPX_CONFIG_H */
