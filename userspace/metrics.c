// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text format: a "# HELP" and a "# TYPE" line per family,
 * then one sample per route, labelled with what identifies the route to
 * a person reading a graph. Label values are escaped as the format asks
 * (backslash, double quote, newline) and kept valid UTF-8.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "metrics.h"
#include "names.h"
#include "print.h"

/*
 * One HELP text per counter. A switch, not an array: -Wswitch names the
 * counter a new LITEPX_COUNTERS entry left without one.
 */
static const char *counter_help(enum litepx_counter c)
{
	switch (c) {
	case LITEPX_CNT_CONNS:
		return "TCP connections accepted and relayed.";
	case LITEPX_CNT_BYTES_TO_TARGET:
		return "Payload bytes relayed from clients to targets (TCP and UDP).";
	case LITEPX_CNT_BYTES_TO_CLIENT:
		return "Payload bytes relayed from targets to clients (TCP and UDP).";
	case LITEPX_CNT_REFUSED_CONN_LIMIT:
		return "TCP clients refused: connection_limits reached.";
	case LITEPX_CNT_REFUSED_IP_LIMIT:
		return "TCP clients refused: connection_ip_limits reached for their address.";
	case LITEPX_CNT_CONNECT_FAILURES:
		return "TCP connections reset after every target address failed.";
	case LITEPX_CNT_CONNECT_TIMEOUTS:
		return "TCP connects to a target that hit connect_timeout.";
	case LITEPX_CNT_IDLE_TIMEOUTS:
		return "TCP connections closed by idle_timeout.";
	case LITEPX_CNT_SHUTDOWN_TIMEOUTS:
		return "Half-closed TCP connections closed by shutdown_timeout.";
	case LITEPX_CNT_RESETS:
		return "TCP connections closed with a reset.";
	case LITEPX_CNT_SESSIONS:
		return "UDP sessions created.";
	case LITEPX_CNT_PACKETS_TO_TARGET:
		return "UDP datagrams relayed from clients to targets.";
	case LITEPX_CNT_PACKETS_TO_CLIENT:
		return "UDP datagrams relayed from targets to clients.";
	case LITEPX_CNT_REFUSED_SESSION_LIMIT:
		return "UDP sessions refused: the UDP connection_limits reached.";
	case LITEPX_CNT_DROPPED_PPS:
		return "UDP datagrams dropped by pps_ip_limits.";
	case LITEPX_CNT_DROPPED_BPS:
		return "UDP datagrams dropped by bps_ip_limits.";
	case LITEPX_CNT_SESSION_EXPIRIES:
		return "UDP sessions ended by their idle timeout.";
	case LITEPX_CNT_DROPPED_OTHER:
		return "UDP datagrams dropped otherwise: queue full, no target, no memory.";
	case LITEPX_CNT_REFUSED_SESSION_IP_LIMIT:
		return "UDP sessions refused: the UDP connection_ip_limits reached.";
	case LITEPX_CNT_SESSIONS_EVICTED:
		return "UDP sessions evicted to make room for a new client.";
	case LITEPX_CNT_ACCEPT_ERRORS:
		return "TCP accepts that failed (other than nobody waiting).";
	case LITEPX_CNT_REFUSED_OTHER:
		return "TCP clients refused otherwise: no memory, namespace going away.";
	case __LITEPX_CNT_MAX:
		break;
	}
	return "";
}

static void put_utf8(FILE *out, const unsigned char **p)
{
	size_t n = lpx_utf8_len(*p);

	if (n) {
		fwrite(*p, 1, n, out);
		*p += n;
	} else {
		fputs("\xef\xbf\xbd", out);	/* U+FFFD for a stray byte */
		(*p)++;
	}
}

static void put_label_value(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		if (*p == '\\' || *p == '"') {
			fputc('\\', out);
			fputc(*p++, out);
		} else if (*p == '\n') {
			fputs("\\n", out);
			p++;
		} else if (*p < 0x80) {
			fputc(*p++, out);
		} else {
			put_utf8(out, &p);
		}
	}
}

static void put_labels(FILE *out, const struct lpx_route *r)
{
	char addr[INET6_ADDRSTRLEN];

	fprintf(out, "{route=\"%u\"", r->id);
	if (r->description) {
		fputs(",description=\"", out);
		put_label_value(out, r->description);
		fputc('"', out);
	}
	fprintf(out, ",protocol=\"%s\",listen=\"%s\"",
		lpx_protocols_name(r->protocols), r->has_listen ?
		lpx_addr_str(&r->listen, addr, sizeof(addr)) : "*");
	if (r->port_to == r->port_from)
		fprintf(out, ",port=\"%u\"}", r->port_from);
	else
		fprintf(out, ",port=\"%u-%u\"}", r->port_from, r->port_to);
}

static void put_family(FILE *out, const char *name, const char *type,
		       const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_sample(FILE *out, const char *name,
		       const struct lpx_route *r, uint64_t value)
{
	fputs(name, out);
	put_labels(out, r);
	fprintf(out, " %" PRIu64 "\n", value);
}

/* The per-route gauges: what the route opens, what is live on it. */
static void put_gauges(FILE *out, const struct lpx_config *cfg,
		       const struct lpx_route_stats *stats)
{
	size_t i;

	put_family(out, "litepx_routes", "gauge",
		   "Routes loaded in this network namespace.");
	fprintf(out, "litepx_routes %zu\n", cfg->nroutes);
	put_family(out, "litepx_listeners", "gauge",
		   "Listening sockets the route opens: ports x protocols x address families.");
	for (i = 0; i < cfg->nroutes; i++)
		put_sample(out, "litepx_listeners", &cfg->routes[i],
			   lpx_route_listeners(&cfg->routes[i]));
	put_family(out, "litepx_active_connections", "gauge",
		   "TCP connections being relayed now.");
	for (i = 0; i < cfg->nroutes; i++)
		put_sample(out, "litepx_active_connections", &cfg->routes[i],
			   stats[i].active);
	put_family(out, "litepx_active_sessions", "gauge",
		   "UDP sessions live now.");
	for (i = 0; i < cfg->nroutes; i++)
		put_sample(out, "litepx_active_sessions", &cfg->routes[i],
			   stats[i].sessions_active);
}

/* "litepx_conns_total"; a byte count's unit goes last: "..._bytes_total". */
static void counter_name(char *buf, size_t len, enum litepx_counter c)
{
	const char *name = lpx_counter_names[c];

	if (!strncmp(name, "bytes_", 6))
		snprintf(buf, len, "litepx_%s_bytes_total", name + 6);
	else
		snprintf(buf, len, "litepx_%s_total", name);
}

void lpx_metrics_print(FILE *out, const struct lpx_config *cfg,
		       const struct lpx_route_stats *stats)
{
	char name[64];
	size_t i, c;

	put_gauges(out, cfg, stats);
	for (c = 0; c < LPX_NCOUNTERS; c++) {
		counter_name(name, sizeof(name), c);
		put_family(out, name, "counter", counter_help(c));
		for (i = 0; i < cfg->nroutes; i++)
			put_sample(out, name, &cfg->routes[i],
				   stats[i].counters[c]);
	}
}
