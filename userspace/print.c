// SPDX-License-Identifier: GPL-2.0
/*
 * The normalised configuration, for `check` and `show`: every default
 * filled in, what each route opens, and the addresses a name resolved to.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>

#include "config.h"

const char *lpx_proxy_protocol_name(enum litepx_proxy_protocol pp)
{
	static const char *const names[] = { "none", "v1", "v2", "spp" };

	return pp <= LITEPX_PROXY_MAX ? names[pp] : "unknown";
}

const char *lpx_log_level_name(enum litepx_log_level level)
{
	static const char *const names[] = { "error", "warn", "info",
					     "debug" };

	return level <= LITEPX_LOG_MAX ? names[level] : "unknown";
}

const char *lpx_protocols_name(unsigned int protocols)
{
	switch (protocols) {
	case LITEPX_PROTO_TCP:
		return "tcp";
	case LITEPX_PROTO_UDP:
		return "udp";
	case LITEPX_PROTO_ALL:
		return "tcp,udp";
	default:
		return "none";
	}
}

const char *lpx_addr_str(const struct lpx_addr *addr, char *buf, size_t len)
{
	if (!inet_ntop(addr->family, addr->family == AF_INET ?
		       (const void *)&addr->v4 : (const void *)&addr->v6,
		       buf, len))
		snprintf(buf, len, "?");
	return buf;
}

/* Sockets the route opens: ports x protocols x address families. */
static unsigned int listeners(const struct lpx_route *r)
{
	unsigned int ports = r->port_to - r->port_from + 1;
	unsigned int protos = r->protocols == LITEPX_PROTO_ALL ? 2 : 1;

	return ports * protos * (r->has_listen ? 1 : 2);
}

static uint32_t or_default(uint32_t value, uint32_t fallback)
{
	return value ? value : fallback;
}

static void print_route(FILE *out, const struct lpx_config *cfg,
			const struct lpx_route *r)
{
	unsigned int span = r->port_to - r->port_from;
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	fprintf(out, "route %u:\n", r->id);
	if (r->description)
		fprintf(out, "  description: %s\n", r->description);
	fprintf(out, "  protocol: %s\n", lpx_protocols_name(r->protocols));
	fprintf(out, "  listen: %s\n",
		r->has_listen ? lpx_addr_str(&r->listen, addr, sizeof(addr)) :
				"* (every IPv4 and IPv6 address)");
	fprintf(out, "  port: %u-%u (%u listening sockets)\n", r->port_from,
		r->port_to, listeners(r));
	fprintf(out, "  dest_host: %s\n", r->dest_host);
	fprintf(out, "  dest_port: %u-%u\n", r->dest_port, r->dest_port + span);
	fprintf(out, "  addresses:");
	for (i = 0; i < r->ndests; i++)
		fprintf(out, " %s", lpx_addr_str(&r->dests[i], addr,
						  sizeof(addr)));
	fprintf(out, "\n  proxy_protocol: %s\n",
		lpx_proxy_protocol_name(r->proxy_protocol));
	fprintf(out, "  timeouts: connect %" PRIu32 " ms, idle %" PRIu32
		" ms, shutdown %" PRIu32 " ms\n",
		or_default(r->connect_timeout_ms, cfg->opts.connect_timeout_ms),
		or_default(r->idle_timeout_ms, cfg->opts.idle_timeout_ms),
		or_default(r->shutdown_timeout_ms,
			   cfg->opts.shutdown_timeout_ms));
}

static void print_options(FILE *out, const struct lpx_options *o)
{
	size_t i;

	fprintf(out, "options:\n  worker_threads: %" PRIu32 "%s\n",
		o->worker_threads, o->worker_threads ? "" : " (every CPU)");
	fprintf(out, "  idle_timeout: %" PRIu32 " ms\n", o->idle_timeout_ms);
	fprintf(out, "  connect_timeout: %" PRIu32 " ms\n",
		o->connect_timeout_ms);
	fprintf(out, "  shutdown_timeout: %" PRIu32 " ms\n",
		o->shutdown_timeout_ms);
	fprintf(out, "  log_level: %s\n", lpx_log_level_name(o->log_level));
	fprintf(out, "security:\n  tcp.connection_limits: %" PRIu32
		"\n  tcp.connection_ip_limits: %" PRIu32
		"\n  tcp.ipv6_prefix: %u\n", o->tcp_conn_limit,
		o->tcp_conn_ip_limit, o->ipv6_prefix);
	fprintf(out, "  udp.connection_limits: %" PRIu32
		"\n  udp.pps_ip_limits: %" PRIu32
		"\n  udp.bps_ip_limits: %" PRIu64 "\n", o->udp_session_limit,
		o->udp_pps_ip_limit, o->udp_bps_ip_limit);
	fprintf(out, "performance:\n  cpu_affinity:");
	for (i = 0; i < o->ncpus; i++)
		fprintf(out, " %" PRIu32, o->cpus[i]);
	fprintf(out, "%s\n  recv_buffer_size: %" PRIu32
		"\n  send_buffer_size: %" PRIu32 "\n",
		o->ncpus ? "" : " none", o->rcvbuf, o->sndbuf);
}

void lpx_config_print(FILE *out, const struct lpx_config *cfg)
{
	unsigned int total = 0;
	size_t i;

	if (cfg->path)
		fprintf(out, "# %s\n", cfg->path);
	print_options(out, &cfg->opts);
	for (i = 0; i < cfg->nroutes; i++) {
		print_route(out, cfg, &cfg->routes[i]);
		total += listeners(&cfg->routes[i]);
	}
	fprintf(out, "%zu routes, %u listening sockets\n", cfg->nroutes, total);
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_route(FILE *out, const struct lpx_config *cfg,
		       const struct lpx_route *r)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	fprintf(out, "{\"id\":%u,\"protocol\":\"%s\",\"listen\":", r->id,
		lpx_protocols_name(r->protocols));
	if (r->has_listen)
		json_string(out, lpx_addr_str(&r->listen, addr, sizeof(addr)));
	else
		fprintf(out, "null");
	fprintf(out, ",\"port_from\":%u,\"port_to\":%u,\"listeners\":%u,"
		"\"dest_host\":", r->port_from, r->port_to, listeners(r));
	json_string(out, r->dest_host);
	fprintf(out, ",\"dest_port_from\":%u,\"dest_port_to\":%u,"
		"\"addresses\":[", r->dest_port,
		r->dest_port + (r->port_to - r->port_from));
	for (i = 0; i < r->ndests; i++) {
		fprintf(out, "%s", i ? "," : "");
		json_string(out, lpx_addr_str(&r->dests[i], addr, sizeof(addr)));
	}
	fprintf(out, "],\"proxy_protocol\":\"%s\",\"connect_timeout_ms\":%"
		PRIu32 ",\"idle_timeout_ms\":%" PRIu32
		",\"shutdown_timeout_ms\":%" PRIu32 ",\"description\":",
		lpx_proxy_protocol_name(r->proxy_protocol),
		or_default(r->connect_timeout_ms, cfg->opts.connect_timeout_ms),
		or_default(r->idle_timeout_ms, cfg->opts.idle_timeout_ms),
		or_default(r->shutdown_timeout_ms,
			   cfg->opts.shutdown_timeout_ms));
	if (r->description)
		json_string(out, r->description);
	else
		fprintf(out, "null");
	fputc('}', out);
}

void lpx_config_print_json(FILE *out, const struct lpx_config *cfg)
{
	const struct lpx_options *o = &cfg->opts;
	size_t i;

	fprintf(out, "{\"options\":{\"worker_threads\":%" PRIu32
		",\"idle_timeout_ms\":%" PRIu32 ",\"connect_timeout_ms\":%"
		PRIu32 ",\"shutdown_timeout_ms\":%" PRIu32
		",\"log_level\":\"%s\"},", o->worker_threads,
		o->idle_timeout_ms, o->connect_timeout_ms,
		o->shutdown_timeout_ms, lpx_log_level_name(o->log_level));
	fprintf(out, "\"security\":{\"tcp\":{\"connection_limits\":%" PRIu32
		",\"connection_ip_limits\":%" PRIu32 ",\"ipv6_prefix\":%u},"
		"\"udp\":{\"connection_limits\":%" PRIu32
		",\"pps_ip_limits\":%" PRIu32 ",\"bps_ip_limits\":%" PRIu64
		"}},", o->tcp_conn_limit, o->tcp_conn_ip_limit, o->ipv6_prefix,
		o->udp_session_limit, o->udp_pps_ip_limit,
		o->udp_bps_ip_limit);
	fprintf(out, "\"performance\":{\"cpu_affinity\":[");
	for (i = 0; i < o->ncpus; i++)
		fprintf(out, "%s%" PRIu32, i ? "," : "", o->cpus[i]);
	fprintf(out, "],\"kernel_socket\":{\"recv_buffer_size\":%" PRIu32
		",\"send_buffer_size\":%" PRIu32 "}},\"routes\":[", o->rcvbuf,
		o->sndbuf);
	for (i = 0; i < cfg->nroutes; i++) {
		fprintf(out, "%s", i ? "," : "");
		json_route(out, cfg, &cfg->routes[i]);
	}
	fprintf(out, "]}");
}
