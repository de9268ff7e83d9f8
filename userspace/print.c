// SPDX-License-Identifier: GPL-2.0
/*
 * The normalised configuration, for `check` and `show`: every default
 * filled in, what each route opens (protocols x ports x address
 * families), and the addresses a name resolved to. The human format is
 * for reading; --json carries the same content for scripts.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>

#include "model.h"
#include "names.h"
#include "print.h"
#include "units.h"

/* ---- what a route opens ---- */

static unsigned int route_ports(const struct lpx_route *r)
{
	return r->port_to - r->port_from + 1U;
}

static unsigned int route_protocols(const struct lpx_route *r)
{
	return !!(r->protocols & LITEPX_PROTO_TCP) +
	       !!(r->protocols & LITEPX_PROTO_UDP);
}

/* Without listen a route binds IPv4 and IPv6 sockets side by side. */
static unsigned int route_families(const struct lpx_route *r)
{
	return r->has_listen ? 1 : 2;
}

uint64_t lpx_route_listeners(const struct lpx_route *r)
{
	return (uint64_t)route_ports(r) * route_protocols(r) *
	       route_families(r);
}

static uint64_t total_listeners(const struct lpx_config *cfg)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < cfg->nroutes; i++)
		total += lpx_route_listeners(&cfg->routes[i]);
	return total;
}

static uint32_t or_default(uint32_t value, uint32_t fallback)
{
	return value ? value : fallback;
}

static const char *plural(unsigned int n)
{
	return n == 1 ? "" : "s";
}

/* ---- human ---- */

/* Text from the config on one line: control characters escaped. */
static void put_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

static void print_ports(FILE *out, const char *key, unsigned int from,
			unsigned int count)
{
	if (count == 1)
		fprintf(out, "  %s: %u\n", key, from);
	else
		fprintf(out, "  %s: %u-%u\n", key, from, from + count - 1);
}

/* "listeners: 44 (11 ports x 2 protocols x 2 address families)" */
static void print_listeners(FILE *out, const struct lpx_route *r)
{
	unsigned int ports = route_ports(r);
	unsigned int protos = route_protocols(r);
	unsigned int families = route_families(r);

	fprintf(out, "  listeners: %" PRIu64 " (%u port%s x %u protocol%s",
		lpx_route_listeners(r), ports, plural(ports), protos,
		plural(protos));
	fprintf(out, " x %u address famil%s)\n", families,
		families == 1 ? "y" : "ies");
}

void lpx_config_print_route(FILE *out, const struct lpx_config *cfg,
			    const struct lpx_route *r)
{
	const struct lpx_options *o = &cfg->opts;
	char addr[INET6_ADDRSTRLEN], t1[32], t2[32], t3[32];
	unsigned int ports = route_ports(r);
	size_t i;

	fprintf(out, "\nroute %u", r->id);
	if (r->mark.line)
		fprintf(out, " (line %u)", r->mark.line);
	fprintf(out, ":\n");
	if (r->description) {
		fprintf(out, "  description: ");
		put_text(out, r->description);
		fputc('\n', out);
	}
	fprintf(out, "  protocol: %s\n", lpx_protocols_name(r->protocols));
	if (r->has_listen)
		fprintf(out, "  listen: %s\n",
			lpx_addr_str(&r->listen, addr, sizeof(addr)));
	else
		fprintf(out, "  listen: * (every IPv4 and IPv6 address)\n");
	print_ports(out, "port", r->port_from, ports);
	print_listeners(out, r);
	fprintf(out, "  dest_host: ");
	put_text(out, r->dest_host ? r->dest_host : "");
	fputc('\n', out);
	print_ports(out, "dest_port", r->dest_port, ports);
	fprintf(out, "  addresses:");
	for (i = 0; i < r->ndests; i++)
		fprintf(out, "%s %s", i ? "," : "",
			lpx_addr_str(&r->dests[i], addr, sizeof(addr)));
	fprintf(out, "\n  proxy_protocol: %s\n",
		lpx_proxy_protocol_name(r->proxy_protocol));
	fprintf(out, "  timeouts: idle %s, connect %s, shutdown %s\n",
		lpx_format_duration(t1, sizeof(t1),
				    or_default(r->idle_timeout_ms,
					       o->idle_timeout_ms)),
		lpx_format_duration(t2, sizeof(t2),
				    or_default(r->connect_timeout_ms,
					       o->connect_timeout_ms)),
		lpx_format_duration(t3, sizeof(t3),
				    or_default(r->shutdown_timeout_ms,
					       o->shutdown_timeout_ms)));
}

static void print_limit(FILE *out, const char *key, uint64_t value)
{
	fprintf(out, "    %s: %" PRIu64 "%s\n", key, value,
		value ? "" : " (no limit)");
}

static void print_sockbuf(FILE *out, const char *key, uint32_t bytes)
{
	char buf[32];

	fprintf(out, "    %s: %s%s\n", key,
		lpx_format_size(buf, sizeof(buf), bytes),
		bytes ? "" : " (kernel default)");
}

static void print_options(FILE *out, const struct lpx_options *o)
{
	char t1[32], t2[32], t3[32], bps[32];
	size_t i;

	fprintf(out, "options:\n  worker_threads: %" PRIu32 "%s\n",
		o->worker_threads, o->worker_threads ? "" : " (one per CPU)");
	fprintf(out, "  connection:\n    idle_timeout: %s\n"
		"    connect_timeout: %s\n    shutdown_timeout: %s\n",
		lpx_format_duration(t1, sizeof(t1), o->idle_timeout_ms),
		lpx_format_duration(t2, sizeof(t2), o->connect_timeout_ms),
		lpx_format_duration(t3, sizeof(t3), o->shutdown_timeout_ms));
	fprintf(out, "  log_level: %s\n", lpx_log_level_name(o->log_level));

	fprintf(out, "security:\n  tcp:\n");
	print_limit(out, "connection_limits", o->tcp_conn_limit);
	print_limit(out, "connection_ip_limits", o->tcp_conn_ip_limit);
	fprintf(out, "    ipv6_prefix: %u\n  udp:\n", o->ipv6_prefix);
	print_limit(out, "connection_limits", o->udp_session_limit);
	print_limit(out, "connection_ip_limits", o->udp_session_ip_limit);
	print_limit(out, "pps_ip_limits", o->udp_pps_ip_limit);
	fprintf(out, "    bps_ip_limits: %s\n", o->udp_bps_ip_limit ?
		lpx_format_size(bps, sizeof(bps), o->udp_bps_ip_limit) :
		"0 (no limit)");

	fprintf(out, "performance:\n  cpu_affinity:");
	for (i = 0; i < o->ncpus; i++)
		fprintf(out, "%s %" PRIu32, i ? "," : "", o->cpus[i]);
	fprintf(out, "%s\n  kernel_socket:\n", o->ncpus ? "" : " none");
	print_sockbuf(out, "recv_buffer_size", o->rcvbuf);
	print_sockbuf(out, "send_buffer_size", o->sndbuf);
}

void lpx_config_print_options(FILE *out, const struct lpx_config *cfg)
{
	fprintf(out, "# ");
	if (cfg->path) {
		put_text(out, cfg->path);
		fprintf(out, ": ");
	}
	fprintf(out, "%zu route%s, %" PRIu64 " listening sockets\n",
		cfg->nroutes, cfg->nroutes == 1 ? "" : "s",
		total_listeners(cfg));
	print_options(out, &cfg->opts);
}

void lpx_config_print(FILE *out, const struct lpx_config *cfg)
{
	size_t i;

	lpx_config_print_options(out, cfg);
	for (i = 0; i < cfg->nroutes; i++)
		lpx_config_print_route(out, cfg, &cfg->routes[i]);
}

/* ---- JSON ---- */

/* A JSON string; bytes that are not UTF-8 (a file name may hold any)
 * become U+FFFD so that the output stays valid. */
static void json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;

	fputc('"', out);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			fprintf(out, "\\%c", *s++);
		} else if (*s == '\n') {
			fputs("\\n", out);
			s++;
		} else if (*s == '\t') {
			fputs("\\t", out);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(out, "\\u%04x", *s++);
		} else if (*s < 0x80) {
			fputc(*s++, out);
		} else if ((len = lpx_utf8_len(s))) {
			fwrite(s, 1, len, out);
			s += len;
		} else {
			fputs("\\ufffd", out);
			s++;
		}
	}
	fputc('"', out);
}

static void json_range(FILE *out, const char *key, unsigned int from,
		       unsigned int count)
{
	fprintf(out, ",\"%s\":{\"from\":%u,\"to\":%u}", key, from,
		from + count - 1);
}

static void json_route(FILE *out, const struct lpx_config *cfg,
		       const struct lpx_route *r)
{
	const struct lpx_options *o = &cfg->opts;
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	fprintf(out, "{\"id\":%u", r->id);
	if (r->mark.line)
		fprintf(out, ",\"line\":%u", r->mark.line);
	fprintf(out, ",\"description\":");
	if (r->description)
		json_string(out, r->description);
	else
		fprintf(out, "null");
	fprintf(out, ",\"protocol\":[%s%s%s]",
		r->protocols & LITEPX_PROTO_TCP ? "\"tcp\"" : "",
		r->protocols == LITEPX_PROTO_ALL ? "," : "",
		r->protocols & LITEPX_PROTO_UDP ? "\"udp\"" : "");
	fprintf(out, ",\"listen\":");
	json_string(out, r->has_listen ?
		    lpx_addr_str(&r->listen, addr, sizeof(addr)) : "*");
	json_range(out, "port_range", r->port_from, route_ports(r));
	fprintf(out, ",\"listeners\":%" PRIu64 ",\"dest_host\":",
		lpx_route_listeners(r));
	json_string(out, r->dest_host ? r->dest_host : "");
	json_range(out, "dest_port_range", r->dest_port, route_ports(r));
	fprintf(out, ",\"addresses\":[");
	for (i = 0; i < r->ndests; i++) {
		fprintf(out, "%s", i ? "," : "");
		json_string(out, lpx_addr_str(&r->dests[i], addr,
					      sizeof(addr)));
	}
	fprintf(out, "],\"proxy_protocol\":\"%s\",\"idle_timeout\":%" PRIu32
		",\"connect_timeout\":%" PRIu32 ",\"shutdown_timeout\":%"
		PRIu32 "}",
		lpx_proxy_protocol_name(r->proxy_protocol),
		or_default(r->idle_timeout_ms, o->idle_timeout_ms),
		or_default(r->connect_timeout_ms, o->connect_timeout_ms),
		or_default(r->shutdown_timeout_ms, o->shutdown_timeout_ms));
}

static void json_options(FILE *out, const struct lpx_options *o)
{
	size_t i;

	fprintf(out, "\"options\":{\"worker_threads\":%" PRIu32
		",\"connection\":{\"idle_timeout\":%" PRIu32
		",\"connect_timeout\":%" PRIu32 ",\"shutdown_timeout\":%"
		PRIu32 "},\"log_level\":\"%s\"}", o->worker_threads,
		o->idle_timeout_ms, o->connect_timeout_ms,
		o->shutdown_timeout_ms, lpx_log_level_name(o->log_level));
	fprintf(out, ",\"security\":{\"tcp\":{\"connection_limits\":%" PRIu32
		",\"connection_ip_limits\":%" PRIu32 ",\"ipv6_prefix\":%u},"
		"\"udp\":{\"connection_limits\":%" PRIu32
		",\"connection_ip_limits\":%" PRIu32
		",\"pps_ip_limits\":%" PRIu32 ",\"bps_ip_limits\":%" PRIu64
		"}}", o->tcp_conn_limit, o->tcp_conn_ip_limit, o->ipv6_prefix,
		o->udp_session_limit, o->udp_session_ip_limit,
		o->udp_pps_ip_limit,
		o->udp_bps_ip_limit);
	fprintf(out, ",\"performance\":{\"cpu_affinity\":[");
	for (i = 0; i < o->ncpus; i++)
		fprintf(out, "%s%" PRIu32, i ? "," : "", o->cpus[i]);
	fprintf(out, "],\"kernel_socket\":{\"recv_buffer_size\":%" PRIu32
		",\"send_buffer_size\":%" PRIu32 "}}", o->rcvbuf, o->sndbuf);
}

/*
 * One object, no trailing newline: `show --json` wraps it. Keys follow
 * routes.yml; durations are in milliseconds and sizes in bytes.
 */
void lpx_config_print_json(FILE *out, const struct lpx_config *cfg)
{
	size_t i;

	fputc('{', out);
	if (cfg->path) {
		fprintf(out, "\"file\":");
		json_string(out, cfg->path);
		fputc(',', out);
	}
	fprintf(out, "\"listeners\":%" PRIu64 ",", total_listeners(cfg));
	json_options(out, &cfg->opts);
	fprintf(out, ",\"routes\":[");
	for (i = 0; i < cfg->nroutes; i++) {
		fprintf(out, "%s", i ? "," : "");
		json_route(out, cfg, &cfg->routes[i]);
	}
	fprintf(out, "]}");
}
