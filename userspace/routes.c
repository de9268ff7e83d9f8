// SPDX-License-Identifier: GPL-2.0
/*
 * The routes section of routes.yml, and the report of routes whose
 * listeners overlap (overlap.c finds them).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "names.h"
#include "overlap.h"

enum {
	R_PORT, R_PORT_RANGE, R_DEST_HOST, R_DEST_PORT, R_DEST_PORT_RANGE,
	R_DESCRIPTION, R_PROTOCOL, R_LISTEN, R_PROXY_PROTOCOL,
	R_IDLE_TIMEOUT, R_CONNECT_TIMEOUT, R_SHUTDOWN_TIMEOUT, R_NKEYS
};

static const char *const route_keys[R_NKEYS] = {
	"port", "port_range", "dest_host", "dest_port", "dest_port_range",
	"description", "protocol", "listen", "proxy_protocol", "idle_timeout",
	"connect_timeout", "shutdown_timeout",
};

/* {from, to}; with to_required false "to" may be absent (*has_to false). */
static bool parse_range(struct loader *ld, yaml_node_t *node,
			const char *path, bool to_required, uint16_t *from,
			uint16_t *to, bool *has_to)
{
	struct key keys[] = { KEY("from"), KEY("to") };
	unsigned int before = ld->errors;
	char sub[PATH_MAX_LEN];

	*has_to = false;
	if (!walk_mapping(ld, node, path, keys, ARRAY_LEN(keys)))
		return false;
	if (!keys[0].value)
		report(ld, node, path, "missing 'from'");
	else
		get_port(ld, keys[0].value, join(sub, path, "from"), from);
	if (keys[1].value) {
		get_port(ld, keys[1].value, join(sub, path, "to"), to);
		*has_to = true;
	} else if (to_required) {
		report(ld, node, path, "missing 'to'");
	}
	if (ld->errors != before)
		return false;
	if (*has_to && *from > *to) {
		report(ld, node, path, "from %u is greater than to %u", *from,
		       *to);
		return false;
	}
	return true;
}

/* The listening side: exactly one of port and port_range. */
static bool parse_listen_ports(struct loader *ld, yaml_node_t *route,
			       const char *path, const struct key *k,
			       struct lpx_route *r)
{
	char sub[PATH_MAX_LEN];
	bool has_to;

	if (k[R_PORT].value && k[R_PORT_RANGE].value) {
		report(ld, k[R_PORT_RANGE].value, join(sub, path, "port_range"),
		       "'port' and 'port_range' are exclusive");
		return false;
	}
	if (k[R_PORT].value) {
		if (!get_port(ld, k[R_PORT].value, join(sub, path, "port"),
			      &r->port_from))
			return false;
		r->port_to = r->port_from;
		return true;
	}
	if (k[R_PORT_RANGE].value)
		return parse_range(ld, k[R_PORT_RANGE].value,
				   join(sub, path, "port_range"), true,
				   &r->port_from, &r->port_to, &has_to);
	report(ld, route, path, "needs 'port' or 'port_range'");
	return false;
}

/*
 * The target side. Its own values are checked whatever the listening
 * side looks like; how the two fit together only when ports_ok.
 */
static void parse_dest_ports(struct loader *ld, const char *path,
			     const struct key *k, bool ports_ok,
			     struct lpx_route *r)
{
	const yaml_node_t *port = k[R_DEST_PORT].value;
	yaml_node_t *range = k[R_DEST_PORT_RANGE].value;
	bool single = k[R_PORT].value && !k[R_PORT_RANGE].value;
	bool ranged = k[R_PORT_RANGE].value && !k[R_PORT].value;
	unsigned int span = r->port_to - r->port_from;
	uint16_t from = 0, to = 0;
	char sub[PATH_MAX_LEN];
	bool has_to;

	r->dest_port = r->port_from;
	if (port && range) {
		report(ld, range, join(sub, path, "dest_port_range"),
		       "'dest_port' and 'dest_port_range' are exclusive");
		return;
	}
	if (port) {
		join(sub, path, "dest_port");
		if (ranged)
			report(ld, port, sub,
			       "a port_range needs dest_port_range (or nothing, for the same ports)");
		else
			get_port(ld, port, sub, &r->dest_port);
		return;
	}
	if (!range)
		return;
	join(sub, path, "dest_port_range");
	if (single) {
		report(ld, range, sub,
		       "a single port needs dest_port (or nothing, for the same port)");
		return;
	}
	if (!parse_range(ld, range, sub, false, &from, &to, &has_to) ||
	    !ports_ok)
		return;
	if (has_to && (unsigned int)(to - from) != span) {
		report(ld, range, sub,
		       "covers %u ports but port_range covers %u",
		       to - from + 1, span + 1);
		return;
	}
	if (from + span > 65535) {
		report(ld, range, sub, "from %u plus %u runs past 65535", from,
		       span);
		return;
	}
	r->dest_port = from;
}

static bool protocol_word(struct loader *ld, const yaml_node_t *node,
			  const char *path, struct lpx_route *r)
{
	static const char *const names[] = { "tcp", "udp" };
	static const unsigned int bits[] = {
		LITEPX_PROTO_TCP, LITEPX_PROTO_UDP,
	};
	char got[QUOTE_BUF + 2];
	unsigned int i;

	for (i = 0; node->type == YAML_SCALAR_NODE && i < 2; i++) {
		if (strcmp(scalar(node), names[i]))
			continue;
		if (r->protocols & bits[i]) {
			report(ld, node, path, "'%s' is listed twice",
			       names[i]);
			return false;
		}
		r->protocols |= bits[i];
		return true;
	}
	describe(node, got, sizeof(got));
	report(ld, node, path, "%s is not tcp or udp", got);
	return false;
}

/* tcp, udp, or a non-empty list of them, each once. */
static bool parse_protocol(struct loader *ld, yaml_node_t *node,
			   const char *path, struct lpx_route *r)
{
	yaml_node_item_t *item;
	char got[QUOTE_BUF + 2];
	bool ok = true;

	r->protocols = 0;
	if (node->type == YAML_SCALAR_NODE && !is_null(node))
		return protocol_word(ld, node, path, r);
	if (node->type != YAML_SEQUENCE_NODE ||
	    node->data.sequence.items.top == node->data.sequence.items.start) {
		describe(node, got, sizeof(got));
		report(ld, node, path,
		       "expected tcp, udp or a list of them, got %s", got);
		return false;
	}
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++)
		ok &= protocol_word(ld, node_at(ld, *item), path, r);
	return ok;
}

static void parse_proxy_protocol(struct loader *ld, yaml_node_t *node,
				 const char *path, struct lpx_route *r)
{
	static const char *const names[] = {
		[LITEPX_PROXY_NONE] = "none",
		[LITEPX_PROXY_V1] = "v1",
		[LITEPX_PROXY_V2] = "v2",
		[LITEPX_PROXY_SPP] = "spp",
	};
	unsigned int pp;

	if (!get_word(ld, node, path, names, ARRAY_LEN(names),
		      "none, v1, v2 or spp", &pp))
		return;
	r->proxy_protocol = pp;
	/* The header formats exist for one transport each. */
	if (pp == LITEPX_PROXY_V1 && (r->protocols & LITEPX_PROTO_UDP))
		report(ld, node, path,
		       "v1 is for TCP only; set protocol: tcp");
	if (pp == LITEPX_PROXY_SPP && (r->protocols & LITEPX_PROTO_TCP))
		report(ld, node, path,
		       "spp is for UDP only; set protocol: udp");
}

bool parse_ip(const char *text, struct lpx_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, text, &addr->v4) == 1) {
		addr->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, &addr->v6) == 1) {
		addr->family = AF_INET6;
		return true;
	}
	return false;
}

/* What the module refuses to bind or connect to, NULL when usable. */
static const char *unusable_addr(const struct lpx_addr *a)
{
	if (a->family == AF_INET) {
		if (IN_MULTICAST(ntohl(a->v4.s_addr)))
			return "a multicast address";
		if (a->v4.s_addr == htonl(INADDR_BROADCAST))
			return "the broadcast address";
		return NULL;
	}
	return IN6_IS_ADDR_MULTICAST(&a->v6) ? "a multicast address" : NULL;
}

static bool parse_listen(struct loader *ld, yaml_node_t *node,
			 const char *path, struct lpx_route *r)
{
	const char *why;
	char q[QUOTE_BUF];

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "an IP address"))
		return false;
	if (!parse_ip(scalar(node), &r->listen)) {
		report(ld, node, path, "'%s' is not an IPv4 or IPv6 address",
		       quote(node, q));
		return false;
	}
	why = unusable_addr(&r->listen);
	if (why) {
		report(ld, node, path, "'%s' is %s: cannot listen on it",
		       quote(node, q), why);
		return false;
	}
	r->has_listen = true;
	return true;
}

/* A scalar copied out, at most max bytes, with no NUL inside. */
static char *get_string(struct loader *ld, yaml_node_t *node,
			const char *path, size_t max)
{
	char *copy;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a string"))
		return NULL;
	if (node->data.scalar.length > max) {
		report(ld, node, path, "longer than %zu characters", max);
		return NULL;
	}
	if (strlen(scalar(node)) != node->data.scalar.length) {
		report(ld, node, path, "contains a NUL character");
		return NULL;
	}
	copy = strdup(scalar(node));
	if (!copy)
		report(ld, node, path, "out of memory");
	return copy;
}

static bool is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

/*
 * A literal, or something getaddrinfo() could take for a DNS name.
 * Catching "[2001:db8::1]" or "host:25" here says what is wrong, where
 * the resolver would only say "Name or service not known".
 */
static void check_dest_host(struct loader *ld, yaml_node_t *node,
			    const char *path, const char *host)
{
	struct lpx_addr lit;
	char q[QUOTE_BUF];
	const char *p, *why;

	quote(node, q);
	if (parse_ip(host, &lit)) {
		why = unusable_addr(&lit);
		if (!why && (lit.family == AF_INET ? !lit.v4.s_addr :
			     IN6_IS_ADDR_UNSPECIFIED(&lit.v6)))
			why = "the unspecified address";
		if (why)
			report(ld, node, path,
			       "'%s' is %s: cannot forward to it", q, why);
		return;
	}
	if (!*host) {
		report(ld, node, path, "expected a host name or an IP address");
		return;
	}
	if (host[0] == '[') {
		report(ld, node, path,
		       "'%s': write IPv6 addresses without brackets", q);
		return;
	}
	for (p = host; *p && is_host_char(*p); p++)
		;
	if (*p == ':' && !strchr(p + 1, ':'))
		report(ld, node, path,
		       "'%s' is not a host name: the port goes in dest_port",
		       q);
	else if (*p)
		report(ld, node, path,
		       "'%s' is not an IP address or a host name (letters, digits, '-', '_' and '.')",
		       q);
}

static void parse_dest_host(struct loader *ld, yaml_node_t *node,
			    const char *path, struct lpx_route *r)
{
	char *host = get_string(ld, node, path, LITEPX_HOST_MAX - 1);
	unsigned int before = ld->errors;

	if (!host)
		return;
	check_dest_host(ld, node, path, host);
	if (ld->errors != before) {
		free(host);
		return;
	}
	r->dest_host = host;
	r->dest_host_mark = mark_of(node);
}

/* One line of text: it ends up in /proc/litepx/routes and `show`. */
static void parse_description(struct loader *ld, yaml_node_t *node,
			      const char *path, struct lpx_route *r)
{
	char *text = get_string(ld, node, path, LITEPX_DESCRIPTION_MAX - 1);
	const char *p;

	if (!text)
		return;
	for (p = text; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			report(ld, node, path,
			       "contains a line break or control character; a description is one line");
			free(text);
			return;
		}
	}
	if (*text)
		r->description = text;
	else
		free(text);
}

static void parse_route_timeouts(struct loader *ld, const struct key *k,
				 const char *path, struct lpx_route *r)
{
	char sub[PATH_MAX_LEN];

	if (k[R_IDLE_TIMEOUT].value)
		get_duration(ld, k[R_IDLE_TIMEOUT].value,
			     join(sub, path, "idle_timeout"),
			     &r->idle_timeout_ms);
	if (k[R_CONNECT_TIMEOUT].value)
		get_duration(ld, k[R_CONNECT_TIMEOUT].value,
			     join(sub, path, "connect_timeout"),
			     &r->connect_timeout_ms);
	if (k[R_SHUTDOWN_TIMEOUT].value)
		get_duration(ld, k[R_SHUTDOWN_TIMEOUT].value,
			     join(sub, path, "shutdown_timeout"),
			     &r->shutdown_timeout_ms);
}

/* Returns whether the route's listeners are valid, for check_overlaps. */
static bool parse_route(struct loader *ld, yaml_node_t *node,
			struct lpx_route *r)
{
	char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	struct key k[R_NKEYS];
	bool ok;
	int i;

	snprintf(path, sizeof(path), "routes[%u]", r->id);
	r->mark = mark_of(node);
	r->protocols = LITEPX_PROTO_ALL;
	for (i = 0; i < R_NKEYS; i++)
		k[i].name = route_keys[i];
	if (!walk_mapping(ld, node, path, k, R_NKEYS))
		return false;
	ok = parse_listen_ports(ld, node, path, k, r);
	parse_dest_ports(ld, path, k, ok, r);
	if (!k[R_DEST_HOST].value)
		report(ld, node, path, "missing 'dest_host'");
	else
		parse_dest_host(ld, k[R_DEST_HOST].value,
				join(sub, path, "dest_host"), r);
	if (k[R_DESCRIPTION].value)
		parse_description(ld, k[R_DESCRIPTION].value,
				  join(sub, path, "description"), r);
	if (k[R_PROTOCOL].value)
		ok &= parse_protocol(ld, k[R_PROTOCOL].value,
				     join(sub, path, "protocol"), r);
	if (k[R_LISTEN].value)
		ok &= parse_listen(ld, k[R_LISTEN].value,
				   join(sub, path, "listen"), r);
	/* After protocol: whether the header fits depends on it. */
	if (k[R_PROXY_PROTOCOL].value)
		parse_proxy_protocol(ld, k[R_PROXY_PROTOCOL].value,
				     join(sub, path, "proxy_protocol"), r);
	parse_route_timeouts(ld, k, path, r);
	return ok;
}

void parse_routes(struct loader *ld, yaml_node_t *node)
{
	struct lpx_config *cfg = ld->cfg;
	yaml_node_item_t *item;
	size_t n;

	if (!expect_type(ld, node, "routes", YAML_SEQUENCE_NODE,
			 "a list of routes"))
		return;
	n = node->data.sequence.items.top - node->data.sequence.items.start;
	if (!n) {
		report(ld, node, "routes", "expected at least one route");
		return;
	}
	if (n > LITEPX_MAX_ROUTES) {
		report(ld, node, "routes", "%zu routes, at most %u are allowed",
		       n, LITEPX_MAX_ROUTES);
		return;
	}
	cfg->routes = calloc(n, sizeof(*cfg->routes));
	ld->listeners_ok = calloc(n, sizeof(*ld->listeners_ok));
	if (!cfg->routes || !ld->listeners_ok) {
		report(ld, node, "routes", "out of memory");
		return;
	}
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		struct lpx_route *r = &cfg->routes[cfg->nroutes];

		r->id = cfg->nroutes + 1;
		ld->listeners_ok[cfg->nroutes++] =
			parse_route(ld, node_at(ld, *item), r);
	}
}

/* ---- overlapping listeners ---- */

static const char *ports_str(char *buf, size_t len, unsigned int from,
			     unsigned int to)
{
	if (from == to)
		snprintf(buf, len, "%u", from);
	else
		snprintf(buf, len, "%u-%u", from, to);
	return buf;
}

static void report_overlap(struct loader *ld, const struct lpx_route *r,
			   unsigned int protocols,
			   const struct lpx_route *with)
{
	unsigned int from = r->port_from > with->port_from ? r->port_from :
							       with->port_from;
	unsigned int to = r->port_to < with->port_to ? r->port_to :
						       with->port_to;
	char path[PATH_MAX_LEN], own[16], shared[16];

	snprintf(path, sizeof(path), "routes[%u]", r->id);
	report_at(ld, &r->mark, path,
		  "%s port %s overlaps routes[%u] (line %u) on %s",
		  lpx_protocols_name(protocols),
		  ports_str(own, sizeof(own), r->port_from, r->port_to),
		  with->id, with->mark.line,
		  ports_str(shared, sizeof(shared), from, to));
}

/* One line per route and protocol; one for both when they agree. */
void check_overlaps(struct loader *ld)
{
	const struct lpx_config *cfg = ld->cfg;
	uint32_t (*first)[LPX_OVERLAP_NPROTOS];
	const struct lpx_route *r;
	uint32_t tcp, udp;
	size_t i;

	first = calloc(cfg->nroutes, sizeof(*first));
	if (!first || !lpx_overlaps_find(cfg->routes, cfg->nroutes,
					 ld->listeners_ok, first)) {
		report(ld, NULL, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		tcp = first[i][LPX_OVERLAP_TCP];
		udp = first[i][LPX_OVERLAP_UDP];
		if (tcp && tcp == udp) {
			report_overlap(ld, r, LITEPX_PROTO_ALL,
				       &cfg->routes[tcp - 1]);
			continue;
		}
		if (tcp)
			report_overlap(ld, r, LITEPX_PROTO_TCP,
				       &cfg->routes[tcp - 1]);
		if (udp)
			report_overlap(ld, r, LITEPX_PROTO_UDP,
				       &cfg->routes[udp - 1]);
	}
out:
	free(first);
}
