// SPDX-License-Identifier: GPL-2.0
/*
 * A config as a routes.yml (routes.yml(5)), for `show --config`: what
 * `check` and `load` take back and load to the same routes and options.
 * Every option is written out, so that the file does not depend on the
 * defaults of the litepxctl that reads it; a route carries only what it
 * sets (no listen, no description, no timeout override when it has
 * none). Route ids are positions in the file, so routes keep theirs.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>

#include "model.h"
#include "names.h"
#include "print.h"
#include "units.h"

/* Writes the character at s, escaped as needed; returns its length. */
static size_t yaml_char(FILE *out, const unsigned char *s)
{
	size_t len = lpx_utf8_len(s);

	if (*s == '"' || *s == '\\')
		fprintf(out, "\\%c", *s);
	else if (*s < 0x20 || *s == 0x7f)
		fprintf(out, "\\x%02x", *s);
	else if (*s < 0x80)
		fputc(*s, out);
	else if (len)
		fwrite(s, 1, len, out);
	else
		fputs("\\uFFFD", out);
	return len ? len : 1;
}

/*
 * A double-quoted YAML scalar: always quoted, so that no host name or
 * description can read as a number, null or a mapping. Bytes that are
 * not UTF-8 (the loader never lets one through) become U+FFFD, as YAML
 * must be valid Unicode.
 */
static void yaml_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (*s)
		s += yaml_char(out, s);
	fputc('"', out);
}

static void yaml_addr(FILE *out, const char *key, const struct lpx_addr *a)
{
	char text[INET6_ADDRSTRLEN];

	fprintf(out, "    %s: ", key);
	yaml_string(out, lpx_addr_str(a, text, sizeof(text)));
	fputc('\n', out);
}

static void yaml_ports(FILE *out, const struct lpx_route *r)
{
	unsigned int span = r->port_to - r->port_from;

	if (!span) {
		fprintf(out, "  - port: %u\n", r->port_from);
		return;
	}
	fprintf(out, "  - port_range: {from: %u, to: %u}\n", r->port_from,
		r->port_to);
}

static void yaml_dest(FILE *out, const struct lpx_route *r)
{
	unsigned int span = r->port_to - r->port_from;

	fprintf(out, "    dest_host: ");
	yaml_string(out, r->dest_host ? r->dest_host : "");
	if (span)
		fprintf(out, "\n    dest_port_range: {from: %u, to: %u}\n",
			r->dest_port, r->dest_port + span);
	else
		fprintf(out, "\n    dest_port: %u\n", r->dest_port);
}

static void yaml_protocol(FILE *out, unsigned int protocols)
{
	if (protocols == LITEPX_PROTO_ALL)
		fprintf(out, "    protocol: [tcp, udp]\n");
	else
		fprintf(out, "    protocol: %s\n", lpx_protocols_name(protocols));
}

static void yaml_timeout(FILE *out, const char *key, uint32_t ms)
{
	char buf[32];

	if (ms)
		fprintf(out, "    %s: %s\n", key,
			lpx_format_duration(buf, sizeof(buf), ms));
}

/* A name resolves again when the file is loaded: say to what it did. */
static void yaml_resolved(FILE *out, const struct lpx_route *r)
{
	char text[INET6_ADDRSTRLEN];
	struct in6_addr any;
	size_t i;

	if (!r->dest_host || !r->ndests ||
	    inet_pton(AF_INET, r->dest_host, &any) == 1 ||
	    inet_pton(AF_INET6, r->dest_host, &any) == 1)
		return;
	fprintf(out, "    # resolved to");
	for (i = 0; i < r->ndests; i++)
		fprintf(out, "%s %s", i ? "," : "",
			lpx_addr_str(&r->dests[i], text, sizeof(text)));
	fputc('\n', out);
}

static void yaml_route(FILE *out, const struct lpx_route *r)
{
	yaml_ports(out, r);
	yaml_dest(out, r);
	yaml_resolved(out, r);
	yaml_protocol(out, r->protocols);
	if (r->has_listen)
		yaml_addr(out, "listen", &r->listen);
	fprintf(out, "    proxy_protocol: %s\n",
		lpx_proxy_protocol_name(r->proxy_protocol));
	yaml_timeout(out, "idle_timeout", r->idle_timeout_ms);
	yaml_timeout(out, "connect_timeout", r->connect_timeout_ms);
	yaml_timeout(out, "shutdown_timeout", r->shutdown_timeout_ms);
	if (r->description) {
		fprintf(out, "    description: ");
		yaml_string(out, r->description);
		fputc('\n', out);
	}
}

static void yaml_options(FILE *out, const struct lpx_options *o)
{
	char t1[32], t2[32], t3[32];

	fprintf(out, "options:\n  worker_threads: %" PRIu32 "\n",
		o->worker_threads);
	fprintf(out, "  connection:\n    idle_timeout: %s\n"
		"    connect_timeout: %s\n    shutdown_timeout: %s\n",
		lpx_format_duration(t1, sizeof(t1), o->idle_timeout_ms),
		lpx_format_duration(t2, sizeof(t2), o->connect_timeout_ms),
		lpx_format_duration(t3, sizeof(t3), o->shutdown_timeout_ms));
	fprintf(out, "  log_level: %s\n", lpx_log_level_name(o->log_level));
}

static void yaml_security(FILE *out, const struct lpx_options *o)
{
	char bps[32];

	fprintf(out, "security:\n  tcp:\n    connection_limits: %" PRIu32
		"\n    connection_ip_limits: %" PRIu32
		"\n    ipv6_prefix: %u\n", o->tcp_conn_limit,
		o->tcp_conn_ip_limit, o->ipv6_prefix);
	fprintf(out, "  udp:\n    connection_limits: %" PRIu32
		"\n    connection_ip_limits: %" PRIu32
		"\n    pps_ip_limits: %" PRIu32 "\n    bps_ip_limits: %s\n",
		o->udp_session_limit, o->udp_session_ip_limit,
		o->udp_pps_ip_limit,
		lpx_format_size(bps, sizeof(bps), o->udp_bps_ip_limit));
}

static void yaml_performance(FILE *out, const struct lpx_options *o)
{
	char rcv[32], snd[32];
	size_t i;

	fprintf(out, "performance:\n  cpu_affinity: [");
	for (i = 0; i < o->ncpus; i++)
		fprintf(out, "%s%" PRIu32, i ? ", " : "", o->cpus[i]);
	fprintf(out, "]\n  kernel_socket:\n    recv_buffer_size: %s\n"
		"    send_buffer_size: %s\n",
		lpx_format_size(rcv, sizeof(rcv), o->rcvbuf),
		lpx_format_size(snd, sizeof(snd), o->sndbuf));
}

void lpx_config_print_yaml(FILE *out, const struct lpx_config *cfg)
{
	size_t i;

	fprintf(out, "# litepx: the loaded configuration, as routes.yml(5)\n");
	/* After a flush: a file that says so, which check refuses. */
	fprintf(out, "routes:%s\n", cfg->nroutes ? "" : " []");
	for (i = 0; i < cfg->nroutes; i++)
		yaml_route(out, &cfg->routes[i]);
	yaml_options(out, &cfg->opts);
	yaml_security(out, &cfg->opts);
	yaml_performance(out, &cfg->opts);
}
