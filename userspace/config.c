// SPDX-License-Identifier: GPL-2.0
/*
 * routes.yml to struct lpx_config, with libyaml's document API.
 *
 * Every problem is reported as "file:line:col: key.path: message" from the
 * node's mark, and all of a file's problems are reported, not only the
 * first. Nothing is returned unless the whole file is valid: schema,
 * types, ranges, overlapping listeners, then name resolution and CPUs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "config.h"
#include "units.h"

#define MAX_DEPTH	64
#define PATH_MAX_LEN	128

struct loader {
	const char *name;		/* file name for messages */
	FILE *err;
	const struct lpx_env *env;
	yaml_document_t doc;
	struct lpx_config *cfg;
	unsigned int errors;
};

static void report(struct loader *ld, const yaml_node_t *node,
		   const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct loader *ld, const yaml_node_t *node,
		   const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(ld->err, "%s:%zu:%zu: ", ld->name,
		node ? node->start_mark.line + 1 : 1,
		node ? node->start_mark.column + 1 : 1);
	if (path && *path)
		fprintf(ld->err, "%s: ", path);
	va_start(ap, fmt);
	vfprintf(ld->err, fmt, ap);
	va_end(ap);
	fputc('\n', ld->err);
	ld->errors++;
}

static yaml_node_t *node_at(struct loader *ld, int index)
{
	return yaml_document_get_node(&ld->doc, index);
}

static bool is_null(const yaml_node_t *node)
{
	const char *v = (const char *)node->data.scalar.value;

	return node->type == YAML_SCALAR_NODE &&
	       node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || !strcmp(v, "~") || !strcmp(v, "null") ||
		!strcmp(v, "Null") || !strcmp(v, "NULL"));
}

/* "a mapping", "null" or the quoted value, for "got ..." messages. */
static void describe(const yaml_node_t *node, char *buf, size_t len)
{
	if (node->type == YAML_MAPPING_NODE)
		snprintf(buf, len, "a mapping");
	else if (node->type == YAML_SEQUENCE_NODE)
		snprintf(buf, len, "a sequence");
	else if (is_null(node))
		snprintf(buf, len, "null");
	else
		snprintf(buf, len, "'%.40s%s'", node->data.scalar.value,
			 node->data.scalar.length > 40 ? "..." : "");
}

static bool expect_type(struct loader *ld, const yaml_node_t *node,
			const char *path, yaml_node_type_t type,
			const char *what)
{
	char got[64];

	if (node->type == type && !(type == YAML_SCALAR_NODE && is_null(node)))
		return true;
	describe(node, got, sizeof(got));
	report(ld, node, path, "expected %s, got %s", what, got);
	return false;
}

static const char *scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

/* ---- numbers ---- */

static bool get_uint(struct loader *ld, const yaml_node_t *node,
		     const char *path, uint64_t min, uint64_t max,
		     uint64_t *out)
{
	int err;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a whole number"))
		return false;
	err = lpx_parse_uint(scalar(node), out);
	if (err == -EINVAL) {
		report(ld, node, path, "'%s' is not a whole number",
		       scalar(node));
		return false;
	}
	if (err || *out < min || *out > max) {
		report(ld, node, path, "%s is out of range %llu..%llu",
		       scalar(node), (unsigned long long)min,
		       (unsigned long long)max);
		return false;
	}
	return true;
}

static void get_u32(struct loader *ld, const yaml_node_t *node,
		    const char *path, uint32_t min, uint32_t max,
		    uint32_t *out)
{
	uint64_t v;

	if (get_uint(ld, node, path, min, max, &v))
		*out = (uint32_t)v;
}

static void get_port(struct loader *ld, const yaml_node_t *node,
		     const char *path, uint16_t *out)
{
	uint64_t v;

	if (get_uint(ld, node, path, 1, 65535, &v))
		*out = (uint16_t)v;
}

static void get_duration(struct loader *ld, const yaml_node_t *node,
			 const char *path, uint32_t *out)
{
	uint64_t ms;
	int err;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a duration"))
		return;
	err = lpx_parse_duration_ms(scalar(node), &ms);
	if (err == -EINVAL) {
		report(ld, node, path,
		       "'%s' is not a duration (e.g. 30000, \"30s\", \"5m\")",
		       scalar(node));
		return;
	}
	if (err) {
		report(ld, node, path, "%s is out of range 1..%u", scalar(node),
		       UINT32_MAX);
		return;
	}
	if (ms < 1 || ms > UINT32_MAX) {
		report(ld, node, path, "%llu is out of range 1..%u",
		       (unsigned long long)ms, UINT32_MAX);
		return;
	}
	*out = (uint32_t)ms;
}

static bool get_size(struct loader *ld, const yaml_node_t *node,
		     const char *path, uint64_t max, uint64_t *out)
{
	int err;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a size"))
		return false;
	err = lpx_parse_size(scalar(node), out);
	if (err == -EINVAL) {
		report(ld, node, path,
		       "'%s' is not a size (e.g. 1048576, \"1MiB\")",
		       scalar(node));
		return false;
	}
	if (err || *out > max) {
		report(ld, node, path, "%s is out of range 0..%llu",
		       scalar(node), (unsigned long long)max);
		return false;
	}
	return true;
}

/* ---- mappings ---- */

struct key {
	const char *name;
	yaml_node_t *value;		/* set by walk_mapping */
	yaml_node_t *key;
};

#define KEY(n) { .name = (n) }

static unsigned int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int prev[64], cur[64], best;

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			best = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			cur[j] = best;
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return prev[lb];
}

static void unknown_key(struct loader *ld, const yaml_node_t *key,
			const char *path, const struct key *keys,
			size_t nkeys)
{
	const char *name = scalar(key), *guess = NULL;
	unsigned int d, best = 3;
	size_t i;

	for (i = 0; i < nkeys; i++) {
		d = edit_distance(name, keys[i].name);
		if (d < best) {
			best = d;
			guess = keys[i].name;
		}
	}
	if (guess)
		report(ld, key, path, "unknown key '%s' (did you mean '%s'?)",
		       name, guess);
	else
		report(ld, key, path, "unknown key '%s'", name);
}

/*
 * Matches node's pairs against keys, filling in value and key of each;
 * reports unknown, duplicate and non-scalar keys. False when node is
 * not a mapping.
 */
static bool walk_mapping(struct loader *ld, yaml_node_t *node,
			 const char *path, struct key *keys, size_t nkeys)
{
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	size_t i;

	for (i = 0; i < nkeys; i++)
		keys[i].value = keys[i].key = NULL;
	if (!expect_type(ld, node, path, YAML_MAPPING_NODE, "a mapping"))
		return false;
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		key = node_at(ld, pair->key);
		if (key->type != YAML_SCALAR_NODE) {
			report(ld, key, path, "keys must be plain words");
			continue;
		}
		for (i = 0; i < nkeys; i++)
			if (!strcmp(scalar(key), keys[i].name))
				break;
		if (i == nkeys) {
			unknown_key(ld, key, path, keys, nkeys);
			continue;
		}
		if (keys[i].key) {
			report(ld, key, path,
			       "duplicate key '%s' (first at line %zu)",
			       keys[i].name, keys[i].key->start_mark.line + 1);
			continue;
		}
		keys[i].key = key;
		keys[i].value = node_at(ld, pair->value);
	}
	return true;
}

static const char *join(char *buf, const char *path, const char *name)
{
	/* Paths are short and fixed by the schema; mark it if not. */
	if (snprintf(buf, PATH_MAX_LEN, "%s%s%s", path, *path ? "." : "",
		     name) >= PATH_MAX_LEN)
		strcpy(buf + PATH_MAX_LEN - 4, "...");
	return buf;
}

/* ---- options ---- */

enum { CONN_IDLE, CONN_CONNECT, CONN_SHUTDOWN, CONN_NKEYS };

static void parse_connection(struct loader *ld, yaml_node_t *node,
			     const char *path, struct lpx_options *o)
{
	struct key keys[CONN_NKEYS] = {
		KEY("idle_timeout"), KEY("connect_timeout"),
		KEY("shutdown_timeout"),
	};
	uint32_t *dst[CONN_NKEYS] = {
		&o->idle_timeout_ms, &o->connect_timeout_ms,
		&o->shutdown_timeout_ms,
	};
	char sub[PATH_MAX_LEN];
	int i;

	if (!walk_mapping(ld, node, path, keys, CONN_NKEYS))
		return;
	for (i = 0; i < CONN_NKEYS; i++)
		if (keys[i].value)
			get_duration(ld, keys[i].value,
				     join(sub, path, keys[i].name), dst[i]);
}

static const char *const log_levels[] = {
	[LITEPX_LOG_ERROR] = "error",
	[LITEPX_LOG_WARN] = "warn",
	[LITEPX_LOG_INFO] = "info",
	[LITEPX_LOG_DEBUG] = "debug",
};

static void parse_log_level(struct loader *ld, yaml_node_t *node,
			    const char *path, struct lpx_options *o)
{
	unsigned int i;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a log level"))
		return;
	for (i = 0; i <= LITEPX_LOG_MAX; i++) {
		if (!strcmp(scalar(node), log_levels[i])) {
			o->log_level = i;
			return;
		}
	}
	report(ld, node, path, "'%s' is not error, warn, info or debug",
	       scalar(node));
}

static void parse_options(struct loader *ld, yaml_node_t *node,
			  struct lpx_options *o)
{
	struct key keys[] = {
		KEY("worker_threads"), KEY("connection"), KEY("log_level"),
	};

	if (!walk_mapping(ld, node, "options", keys, 3))
		return;
	if (keys[0].value)
		get_u32(ld, keys[0].value, "options.worker_threads", 0,
			LITEPX_MAX_CPUS, &o->worker_threads);
	if (keys[1].value)
		parse_connection(ld, keys[1].value, "options.connection", o);
	if (keys[2].value)
		parse_log_level(ld, keys[2].value, "options.log_level", o);
}

static void parse_security_tcp(struct loader *ld, yaml_node_t *node,
			       struct lpx_options *o)
{
	struct key keys[] = {
		KEY("connection_limits"), KEY("connection_ip_limits"),
		KEY("ipv6_prefix"),
	};
	uint64_t prefix;

	if (!walk_mapping(ld, node, "security.tcp", keys, 3))
		return;
	if (keys[0].value)
		get_u32(ld, keys[0].value, "security.tcp.connection_limits", 0,
			UINT32_MAX, &o->tcp_conn_limit);
	if (keys[1].value)
		get_u32(ld, keys[1].value, "security.tcp.connection_ip_limits",
			0, UINT32_MAX, &o->tcp_conn_ip_limit);
	if (keys[2].value &&
	    get_uint(ld, keys[2].value, "security.tcp.ipv6_prefix", 1, 128,
		     &prefix))
		o->ipv6_prefix = (uint8_t)prefix;
}

static void parse_security_udp(struct loader *ld, yaml_node_t *node,
			       struct lpx_options *o)
{
	struct key keys[] = {
		KEY("connection_limits"), KEY("pps_ip_limits"),
		KEY("bps_ip_limits"),
	};
	uint64_t bps;

	if (!walk_mapping(ld, node, "security.udp", keys, 3))
		return;
	if (keys[0].value)
		get_u32(ld, keys[0].value, "security.udp.connection_limits", 0,
			UINT32_MAX, &o->udp_session_limit);
	if (keys[1].value)
		get_u32(ld, keys[1].value, "security.udp.pps_ip_limits", 0,
			UINT32_MAX, &o->udp_pps_ip_limit);
	if (keys[2].value &&
	    get_size(ld, keys[2].value, "security.udp.bps_ip_limits",
		     UINT64_MAX, &bps))
		o->udp_bps_ip_limit = bps;
}

static void parse_security(struct loader *ld, yaml_node_t *node,
			   struct lpx_options *o)
{
	struct key keys[] = { KEY("tcp"), KEY("udp") };

	if (!walk_mapping(ld, node, "security", keys, 2))
		return;
	if (keys[0].value)
		parse_security_tcp(ld, keys[0].value, o);
	if (keys[1].value)
		parse_security_udp(ld, keys[1].value, o);
}

/* Socket buffers: the kernel doubles them into an int. */
#define SOCKBUF_MAX (INT32_MAX / 2)

static void parse_kernel_socket(struct loader *ld, yaml_node_t *node,
				struct lpx_options *o)
{
	struct key keys[] = { KEY("recv_buffer_size"), KEY("send_buffer_size") };
	uint64_t v;

	if (!walk_mapping(ld, node, "performance.kernel_socket", keys, 2))
		return;
	if (keys[0].value &&
	    get_size(ld, keys[0].value,
		     "performance.kernel_socket.recv_buffer_size", SOCKBUF_MAX,
		     &v))
		o->rcvbuf = (uint32_t)v;
	if (keys[1].value &&
	    get_size(ld, keys[1].value,
		     "performance.kernel_socket.send_buffer_size", SOCKBUF_MAX,
		     &v))
		o->sndbuf = (uint32_t)v;
}

static void parse_cpus(struct loader *ld, yaml_node_t *node,
		       struct lpx_options *o)
{
	const char *path = "performance.cpu_affinity";
	char sub[PATH_MAX_LEN];
	yaml_node_item_t *item;
	size_t n;

	if (!expect_type(ld, node, path, YAML_SEQUENCE_NODE,
			 "a list of CPU numbers"))
		return;
	n = node->data.sequence.items.top - node->data.sequence.items.start;
	if (!n)
		return;
	o->cpus = calloc(n, sizeof(*o->cpus));
	if (!o->cpus) {
		report(ld, node, path, "out of memory");
		return;
	}
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, o->ncpus);
		o->cpus[o->ncpus] = UINT32_MAX;
		get_u32(ld, node_at(ld, *item), sub, 0, LITEPX_MAX_CPUS - 1,
			&o->cpus[o->ncpus]);
		o->ncpus++;
	}
}

static void parse_performance(struct loader *ld, yaml_node_t *node,
			      struct lpx_options *o)
{
	struct key keys[] = { KEY("cpu_affinity"), KEY("kernel_socket") };

	if (!walk_mapping(ld, node, "performance", keys, 2))
		return;
	if (keys[0].value)
		parse_cpus(ld, keys[0].value, o);
	if (keys[1].value)
		parse_kernel_socket(ld, keys[1].value, o);
}

/* ---- routes ---- */

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

/* {from, to}; to_required false lets "to" be absent (then *has_to false). */
static bool parse_range(struct loader *ld, yaml_node_t *node,
			const char *path, bool to_required, uint16_t *from,
			uint16_t *to, bool *has_to)
{
	struct key keys[] = { KEY("from"), KEY("to") };
	char sub[PATH_MAX_LEN];
	unsigned int before = ld->errors;

	*has_to = false;
	if (!walk_mapping(ld, node, path, keys, 2))
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

static void parse_protocol(struct loader *ld, yaml_node_t *node,
			   const char *path, struct lpx_route *r)
{
	yaml_node_item_t *item;
	yaml_node_t *p;
	unsigned int bit;

	if (node->type == YAML_SCALAR_NODE && !is_null(node)) {
		item = NULL;
		p = node;
	} else if (node->type == YAML_SEQUENCE_NODE &&
		   node->data.sequence.items.top >
		   node->data.sequence.items.start) {
		item = node->data.sequence.items.start;
		p = node_at(ld, *item);
	} else {
		char got[64];

		describe(node, got, sizeof(got));
		report(ld, node, path,
		       "expected tcp, udp or a list of them, got %s", got);
		return;
	}
	r->protocols = 0;
	for (;;) {
		if (p->type != YAML_SCALAR_NODE ||
		    (strcmp(scalar(p), "tcp") && strcmp(scalar(p), "udp"))) {
			char got[64];

			describe(p, got, sizeof(got));
			report(ld, p, path, "%s is not tcp or udp", got);
		} else {
			bit = !strcmp(scalar(p), "tcp") ? LITEPX_PROTO_TCP :
							  LITEPX_PROTO_UDP;
			if (r->protocols & bit)
				report(ld, p, path, "'%s' is listed twice",
				       scalar(p));
			r->protocols |= bit;
		}
		if (!item || ++item >= node->data.sequence.items.top)
			break;
		p = node_at(ld, *item);
	}
	if (!r->protocols)
		r->protocols = LITEPX_PROTO_ALL;
}

static void parse_proxy_protocol(struct loader *ld, yaml_node_t *node,
				 const char *path, struct lpx_route *r)
{
	static const char *const names[] = { "none", "v1", "v2", "spp" };
	unsigned int i;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE,
			 "none, v1, v2 or spp"))
		return;
	for (i = 0; i < 4; i++) {
		if (!strcmp(scalar(node), names[i])) {
			r->proxy_protocol = i;
			return;
		}
	}
	report(ld, node, path, "'%s' is not none, v1, v2 or spp",
	       scalar(node));
}

static bool parse_ip(const char *text, struct lpx_addr *addr)
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

static void parse_listen(struct loader *ld, yaml_node_t *node,
			 const char *path, struct lpx_route *r)
{
	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "an IP address"))
		return;
	if (!parse_ip(scalar(node), &r->listen)) {
		report(ld, node, path, "'%s' is not an IPv4 or IPv6 address",
		       scalar(node));
		return;
	}
	r->has_listen = true;
}

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

/* port/port_range and dest_port/dest_port_range into r. */
static void parse_ports(struct loader *ld, yaml_node_t *route,
			const char *path, struct key *k, struct lpx_route *r)
{
	char sub[PATH_MAX_LEN];
	uint16_t dfrom = 0, dto = 0;
	bool has_to, have_ports = false;
	unsigned int span;

	if (k[R_PORT].value && k[R_PORT_RANGE].value) {
		report(ld, k[R_PORT_RANGE].value, join(sub, path, "port_range"),
		       "'port' and 'port_range' are exclusive");
		return;
	}
	if (k[R_PORT].value) {
		get_port(ld, k[R_PORT].value, join(sub, path, "port"),
			 &r->port_from);
		r->port_to = r->port_from;
		have_ports = r->port_from != 0;
	} else if (k[R_PORT_RANGE].value) {
		have_ports = parse_range(ld, k[R_PORT_RANGE].value,
					 join(sub, path, "port_range"), true,
					 &r->port_from, &r->port_to, &has_to);
	} else {
		report(ld, route, path, "needs 'port' or 'port_range'");
	}
	if (k[R_DEST_PORT].value && k[R_DEST_PORT_RANGE].value) {
		report(ld, k[R_DEST_PORT_RANGE].value,
		       join(sub, path, "dest_port_range"),
		       "'dest_port' and 'dest_port_range' are exclusive");
		return;
	}
	if (!have_ports)
		return;
	span = r->port_to - r->port_from;
	r->dest_port = r->port_from;
	if (k[R_DEST_PORT].value) {
		join(sub, path, "dest_port");
		if (span) {
			report(ld, k[R_DEST_PORT].value, sub,
			       "a port_range needs dest_port_range (or nothing, for the same ports)");
			return;
		}
		get_port(ld, k[R_DEST_PORT].value, sub, &r->dest_port);
		return;
	}
	if (!k[R_DEST_PORT_RANGE].value)
		return;
	join(sub, path, "dest_port_range");
	if (!parse_range(ld, k[R_DEST_PORT_RANGE].value, sub, false, &dfrom,
			 &dto, &has_to))
		return;
	if (has_to && (unsigned int)(dto - dfrom) != span) {
		report(ld, k[R_DEST_PORT_RANGE].value, sub,
		       "covers %u ports but port_range covers %u",
		       dto - dfrom + 1, span + 1);
		return;
	}
	if (dfrom + span > 65535) {
		report(ld, k[R_DEST_PORT_RANGE].value, sub,
		       "from %u plus %u runs past 65535", dfrom, span);
		return;
	}
	r->dest_port = dfrom;
}

static void check_proxy_protocol(struct loader *ld, struct key *k,
				 const char *path, struct lpx_route *r)
{
	char sub[PATH_MAX_LEN];

	join(sub, path, "proxy_protocol");
	if (r->proxy_protocol == LITEPX_PROXY_V1 &&
	    (r->protocols & LITEPX_PROTO_UDP))
		report(ld, k[R_PROXY_PROTOCOL].value, sub,
		       "v1 is for TCP only; set protocol: tcp");
	if (r->proxy_protocol == LITEPX_PROXY_SPP &&
	    (r->protocols & LITEPX_PROTO_TCP))
		report(ld, k[R_PROXY_PROTOCOL].value, sub,
		       "spp is for UDP only; set protocol: udp");
}

static void parse_route_timeouts(struct loader *ld, struct key *k,
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

static void parse_route(struct loader *ld, yaml_node_t *node,
			struct lpx_route *r)
{
	struct key k[R_NKEYS];
	char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];
	int i;

	snprintf(path, sizeof(path), "routes[%u]", r->id);
	r->mark.line = node->start_mark.line + 1;
	r->mark.column = node->start_mark.column + 1;
	r->protocols = LITEPX_PROTO_ALL;
	for (i = 0; i < R_NKEYS; i++)
		k[i].name = route_keys[i];
	if (!walk_mapping(ld, node, path, k, R_NKEYS))
		return;
	parse_ports(ld, node, path, k, r);
	if (!k[R_DEST_HOST].value) {
		report(ld, node, path, "missing 'dest_host'");
	} else {
		r->dest_host = get_string(ld, k[R_DEST_HOST].value,
					  join(sub, path, "dest_host"),
					  LITEPX_HOST_MAX - 1);
		r->dest_host_mark.line = k[R_DEST_HOST].value->start_mark.line + 1;
		r->dest_host_mark.column =
			k[R_DEST_HOST].value->start_mark.column + 1;
	}
	if (k[R_DESCRIPTION].value)
		r->description = get_string(ld, k[R_DESCRIPTION].value,
					    join(sub, path, "description"),
					    LITEPX_DESCRIPTION_MAX - 1);
	if (k[R_PROTOCOL].value)
		parse_protocol(ld, k[R_PROTOCOL].value,
			       join(sub, path, "protocol"), r);
	if (k[R_LISTEN].value)
		parse_listen(ld, k[R_LISTEN].value, join(sub, path, "listen"),
			     r);
	if (k[R_PROXY_PROTOCOL].value) {
		parse_proxy_protocol(ld, k[R_PROXY_PROTOCOL].value,
				     join(sub, path, "proxy_protocol"), r);
		check_proxy_protocol(ld, k, path, r);
	}
	parse_route_timeouts(ld, k, path, r);
}

static void parse_routes(struct loader *ld, yaml_node_t *node)
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
	if (!cfg->routes) {
		report(ld, node, "routes", "out of memory");
		return;
	}
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		struct lpx_route *r = &cfg->routes[cfg->nroutes++];

		r->id = cfg->nroutes;
		parse_route(ld, node_at(ld, *item), r);
	}
}

/* ---- whole-config checks ---- */

static bool addrs_collide(const struct lpx_route *a, const struct lpx_route *b)
{
	if (!a->has_listen || !b->has_listen)
		return true;
	if (a->listen.family != b->listen.family)
		return false;
	if (a->listen.family == AF_INET)
		return a->listen.v4.s_addr == b->listen.v4.s_addr ||
		       !a->listen.v4.s_addr || !b->listen.v4.s_addr;
	return IN6_ARE_ADDR_EQUAL(&a->listen.v6, &b->listen.v6) ||
	       IN6_IS_ADDR_UNSPECIFIED(&a->listen.v6) ||
	       IN6_IS_ADDR_UNSPECIFIED(&b->listen.v6);
}

static int by_port_from(const void *a, const void *b)
{
	const struct lpx_route *ra = *(const struct lpx_route *const *)a;
	const struct lpx_route *rb = *(const struct lpx_route *const *)b;

	if (ra->port_from != rb->port_from)
		return ra->port_from < rb->port_from ? -1 : 1;
	return ra->id < rb->id ? -1 : ra->id > rb->id;
}

static void report_overlap(struct loader *ld, const struct lpx_route *a,
			   const struct lpx_route *b)
{
	const struct lpx_route *first = a->id < b->id ? a : b;
	const struct lpx_route *later = a->id < b->id ? b : a;
	unsigned int shared = a->protocols & b->protocols;
	unsigned int lo = a->port_from > b->port_from ? a->port_from :
							  b->port_from;
	unsigned int hi = a->port_to < b->port_to ? a->port_to : b->port_to;
	yaml_node_t mark = { .start_mark = {
		.line = later->mark.line - 1,
		.column = later->mark.column - 1,
	} };
	char path[PATH_MAX_LEN];

	snprintf(path, sizeof(path), "routes[%u]", later->id);
	report(ld, &mark, path,
	       "%s port %u-%u overlaps routes[%u] (line %u) on %u-%u",
	       lpx_protocols_name(shared), later->port_from, later->port_to,
	       first->id, first->mark.line, lo, hi);
}

/* Sorting by first port bounds each scan to the ranges still reaching. */
static void check_overlaps(struct loader *ld)
{
	struct lpx_config *cfg = ld->cfg;
	struct lpx_route **sorted;
	size_t i, j;

	sorted = calloc(cfg->nroutes, sizeof(*sorted));
	if (!sorted) {
		report(ld, NULL, NULL, "out of memory");
		return;
	}
	for (i = 0; i < cfg->nroutes; i++)
		sorted[i] = &cfg->routes[i];
	qsort(sorted, cfg->nroutes, sizeof(*sorted), by_port_from);
	for (i = 0; i < cfg->nroutes; i++) {
		for (j = i + 1; j < cfg->nroutes &&
		     sorted[j]->port_from <= sorted[i]->port_to; j++) {
			if ((sorted[i]->protocols & sorted[j]->protocols) &&
			    addrs_collide(sorted[i], sorted[j]))
				report_overlap(ld, sorted[i], sorted[j]);
		}
	}
	free(sorted);
}

static unsigned int present_cpus(const struct lpx_env *env)
{
	long n;

	if (env->ncpus_present)
		return env->ncpus_present;
	n = sysconf(_SC_NPROCESSORS_CONF);
	return n > 0 ? (unsigned int)n : 1;
}

static void check_cpus(struct loader *ld, yaml_node_t *root)
{
	const struct lpx_options *o = &ld->cfg->opts;
	unsigned int have = present_cpus(ld->env);
	yaml_node_t *perf = NULL, *seq = NULL;
	yaml_node_pair_t *pair;
	char path[PATH_MAX_LEN];
	size_t i, j;

	for (pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top; pair++)
		if (!strcmp(scalar(node_at(ld, pair->key)), "performance"))
			perf = node_at(ld, pair->value);
	for (pair = perf ? perf->data.mapping.pairs.start : NULL;
	     perf && pair < perf->data.mapping.pairs.top; pair++)
		if (!strcmp(scalar(node_at(ld, pair->key)), "cpu_affinity"))
			seq = node_at(ld, pair->value);
	for (i = 0; seq && i < o->ncpus; i++) {
		yaml_node_t *item =
			node_at(ld, seq->data.sequence.items.start[i]);

		snprintf(path, sizeof(path), "performance.cpu_affinity[%zu]", i);
		if (o->cpus[i] >= have) {
			report(ld, item, path,
			       "CPU %u does not exist (this machine has %u)",
			       o->cpus[i], have);
			continue;
		}
		for (j = 0; j < i; j++) {
			if (o->cpus[j] == o->cpus[i]) {
				report(ld, item, path, "CPU %u is listed twice",
				       o->cpus[i]);
				break;
			}
		}
	}
}

static void resolve_route(struct loader *ld, struct lpx_route *r)
{
	lpx_resolver_fn resolve = ld->env->resolve ?: lpx_resolve_default;
	const char *why = "unknown error";
	yaml_node_t mark = { .start_mark = {
		.line = r->dest_host_mark.line - 1,
		.column = r->dest_host_mark.column - 1,
	} };
	char path[PATH_MAX_LEN];
	struct lpx_addr lit;
	int n;

	if (parse_ip(r->dest_host, &lit)) {
		r->dests[0] = lit;
		r->ndests = 1;
		return;
	}
	n = resolve(r->dest_host, r->dests, LITEPX_MAX_DESTS, &why);
	if (n > 0) {
		r->ndests = (size_t)n;
		return;
	}
	snprintf(path, sizeof(path), "routes[%u].dest_host", r->id);
	report(ld, &mark, path, "'%s' does not resolve: %s", r->dest_host,
	       why);
}

/* ---- the document ---- */

static void parse_root(struct loader *ld, yaml_node_t *root)
{
	struct key keys[] = {
		KEY("routes"), KEY("options"), KEY("security"), KEY("performance"),
	};
	size_t i;

	if (root->type != YAML_MAPPING_NODE) {
		report(ld, root, NULL, "expected a mapping at the top level");
		return;
	}
	walk_mapping(ld, root, "", keys, 4);
	if (!keys[0].value)
		report(ld, NULL, NULL, "missing 'routes'");
	else
		parse_routes(ld, keys[0].value);
	if (keys[1].value)
		parse_options(ld, keys[1].value, &ld->cfg->opts);
	if (keys[2].value)
		parse_security(ld, keys[2].value, &ld->cfg->opts);
	if (keys[3].value)
		parse_performance(ld, keys[3].value, &ld->cfg->opts);
	if (ld->errors)
		return;
	check_overlaps(ld);
	check_cpus(ld, root);
	if (ld->errors)
		return;
	for (i = 0; i < ld->cfg->nroutes; i++)
		resolve_route(ld, &ld->cfg->routes[i]);
}

static void syntax_error(struct loader *ld, const yaml_parser_t *parser)
{
	const yaml_mark_t *m = parser->context ? &parser->context_mark :
						 &parser->problem_mark;

	if (parser->problem_mark.line || parser->problem_mark.column)
		m = &parser->problem_mark;
	fprintf(ld->err, "%s:%zu:%zu: YAML syntax error: %s%s%s\n", ld->name,
		m->line + 1, m->column + 1,
		parser->problem ? parser->problem : "unknown problem",
		parser->context ? " " : "",
		parser->context ? parser->context : "");
	ld->errors++;
}

/*
 * libyaml composes documents recursively: refuse deep nesting from the
 * event stream before it can exhaust the stack.
 */
static bool depth_ok(struct loader *ld, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	int depth = 0;
	bool ok = true, done = false;

	if (!yaml_parser_initialize(&parser))
		return false;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && ok) {
		if (!yaml_parser_parse(&parser, &event)) {
			syntax_error(ld, &parser);
			ok = false;
			break;
		}
		if (event.type == YAML_SEQUENCE_START_EVENT ||
		    event.type == YAML_MAPPING_START_EVENT) {
			if (++depth > MAX_DEPTH) {
				yaml_node_t mark = {
					.start_mark = event.start_mark,
				};

				report(ld, &mark, NULL,
				       "nesting deeper than %d levels",
				       MAX_DEPTH);
				ok = false;
			}
		} else if (event.type == YAML_SEQUENCE_END_EVENT ||
			   event.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return ok;
}

static void set_defaults(struct lpx_options *o)
{
	memset(o, 0, sizeof(*o));
	o->worker_threads = LPX_DEFAULT_WORKER_THREADS;
	o->idle_timeout_ms = LPX_DEFAULT_IDLE_TIMEOUT_MS;
	o->connect_timeout_ms = LPX_DEFAULT_CONNECT_TIMEOUT_MS;
	o->shutdown_timeout_ms = LPX_DEFAULT_SHUTDOWN_TIMEOUT_MS;
	o->log_level = LPX_DEFAULT_LOG_LEVEL;
	o->tcp_conn_limit = LPX_DEFAULT_TCP_CONN_LIMIT;
	o->tcp_conn_ip_limit = LPX_DEFAULT_TCP_CONN_IP_LIMIT;
	o->udp_session_limit = LPX_DEFAULT_UDP_SESSION_LIMIT;
	o->udp_pps_ip_limit = LPX_DEFAULT_UDP_PPS_IP_LIMIT;
	o->udp_bps_ip_limit = LPX_DEFAULT_UDP_BPS_IP_LIMIT;
	o->ipv6_prefix = LPX_DEFAULT_IPV6_PREFIX;
	o->rcvbuf = LPX_DEFAULT_RCVBUF;
	o->sndbuf = LPX_DEFAULT_SNDBUF;
}

static void load_document(struct loader *ld, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_node_t *root;

	if (!depth_ok(ld, buf, len))
		return;
	if (!yaml_parser_initialize(&parser)) {
		report(ld, NULL, NULL, "out of memory");
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &ld->doc)) {
		syntax_error(ld, &parser);
		yaml_parser_delete(&parser);
		return;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&ld->doc);
	if (!root || is_null(root))
		report(ld, NULL, NULL,
		       "the file is empty; expected a mapping with 'routes'");
	else
		parse_root(ld, root);
	yaml_document_delete(&ld->doc);
}

int lpx_config_load_buffer(const char *name, const char *buf, size_t len,
			   const struct lpx_env *env, struct lpx_config *cfg)
{
	static const struct lpx_env no_env;
	struct loader ld = {
		.name = name,
		.env = env ?: &no_env,
		.cfg = cfg,
	};

	ld.err = ld.env->err ?: stderr;
	memset(cfg, 0, sizeof(*cfg));
	set_defaults(&cfg->opts);
	cfg->path = strdup(name);
	if (!cfg->path) {
		report(&ld, NULL, NULL, "out of memory");
		return -1;
	}
	load_document(&ld, buf, len);
	if (ld.errors) {
		lpx_config_free(cfg);
		return -1;
	}
	return 0;
}

int lpx_config_load(const char *path, const struct lpx_env *env,
		    struct lpx_config *cfg)
{
	FILE *err = env && env->err ? env->err : stderr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f, *mem;
	char chunk[65536];
	size_t n;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	f = fopen(path, "r");
	if (!f) {
		fprintf(err, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	mem = open_memstream(&buf, &len);
	while (mem && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	if (!mem || ferror(f) || fclose(mem)) {
		fprintf(err, "%s: cannot read: %s\n", path, strerror(errno));
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	ret = lpx_config_load_buffer(path, buf, len, env, cfg);
	free(buf);
	return ret;
}

void lpx_config_free(struct lpx_config *cfg)
{
	size_t i;

	for (i = 0; cfg->routes && i < cfg->nroutes; i++) {
		free(cfg->routes[i].dest_host);
		free(cfg->routes[i].description);
	}
	free(cfg->routes);
	free(cfg->opts.cpus);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}
