// SPDX-License-Identifier: GPL-2.0
/*
 * routes.yml to struct lpx_config, with libyaml's document API.
 *
 * Every problem is reported as "file:line:col: key.path: message" from the
 * node's mark, and all of a file's problems are reported, not only the
 * first. Nothing is returned unless the whole file is valid. The order:
 * YAML syntax and nesting; then the schema (keys, types, ranges, route
 * rules, CPUs) and overlapping listeners; then, only when all of that
 * passed, name resolution, so that a typo never costs a DNS lookup.
 *
 * Aliases are refused where they appear: libyaml would turn them into
 * nodes shared by several places, whose marks then point at the anchor
 * rather than at the place with the problem, and a self-referencing one
 * would be a cycle. Besides, nothing here walks the tree generically:
 * every descent follows the schema, at most four levels deep.
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

#define MAX_DEPTH	64		/* nesting accepted from the file */
/* Key paths: "routes[65536].dest_port_range.from" and the like. */
#define PATH_MAX_LEN	128
#define QUOTE_MAX	40		/* characters of a value quoted */
#define QUOTE_BUF	(QUOTE_MAX * 4 + 8)	/* each may become "\xNN" */
#define FILE_MAX	(64 << 20)	/* a routes.yml is never this big */
#define CPU_PRESENT	"/sys/devices/system/cpu/present"

struct loader {
	const char *name;		/* file name for messages */
	FILE *err;
	const struct lpx_env *env;
	yaml_document_t doc;
	struct lpx_config *cfg;
	bool *listeners_ok;		/* per route: ports, protocol, listen ok */
	unsigned int ncpus_present;	/* 0 until first needed */
	unsigned int errors;
};

/* ---- diagnostics ---- */

static void vreport(struct loader *ld, unsigned long line, unsigned long col,
		    const char *path, const char *fmt, va_list ap)
{
	fprintf(ld->err, "%s:%lu:%lu: ", ld->name, line, col);
	if (path && *path)
		fprintf(ld->err, "%s: ", path);
	vfprintf(ld->err, fmt, ap);
	fputc('\n', ld->err);
	ld->errors++;
}

/* At node's start, or at 1:1 for the file as a whole (node NULL). */
static void report(struct loader *ld, const yaml_node_t *node,
		   const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct loader *ld, const yaml_node_t *node,
		   const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ld, node ? node->start_mark.line + 1 : 1,
		node ? node->start_mark.column + 1 : 1, path, fmt, ap);
	va_end(ap);
}

/* At a mark kept in the config, after the document is gone. */
static void report_at(struct loader *ld, const struct lpx_mark *mark,
		      const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report_at(struct loader *ld, const struct lpx_mark *mark,
		      const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ld, mark->line, mark->column, path, fmt, ap);
	va_end(ap);
}

static struct lpx_mark mark_of(const yaml_node_t *node)
{
	return (struct lpx_mark){
		.line = node->start_mark.line + 1,
		.column = node->start_mark.column + 1,
	};
}

/*
 * Text of a value fit for a one-line message: at most QUOTE_MAX
 * characters (a UTF-8 sequence is never cut), then "...", and line
 * breaks, NULs and other control characters escaped, since YAML's
 * double-quoted escapes can put any of them in a scalar.
 */
static const char *quote_text(const char *text, size_t len, char *buf,
			      size_t size)
{
	size_t i, out = 0, shown = 0;
	unsigned char c;

	for (i = 0; i < len && out + 8 < size; i++) {
		c = (unsigned char)text[i];
		if ((c & 0xc0) != 0x80 && shown++ == QUOTE_MAX)
			break;
		if (c == '\n')
			out += snprintf(buf + out, size - out, "\\n");
		else if (c == '\r')
			out += snprintf(buf + out, size - out, "\\r");
		else if (c == '\t')
			out += snprintf(buf + out, size - out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			out += snprintf(buf + out, size - out, "\\x%02x", c);
		else
			buf[out++] = (char)c;
	}
	if (i < len)
		out += snprintf(buf + out, size - out, "...");
	buf[out] = '\0';
	return buf;
}

static const char *scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

static const char *quote(const yaml_node_t *node, char *buf)
{
	return quote_text(scalar(node), node->data.scalar.length, buf,
			  QUOTE_BUF);
}

static yaml_node_t *node_at(struct loader *ld, int index)
{
	return yaml_document_get_node(&ld->doc, index);
}

/* YAML 1.1's null: an empty or ~ or null plain scalar. */
static bool is_null(const yaml_node_t *node)
{
	const char *v = scalar(node);

	return node->type == YAML_SCALAR_NODE &&
	       node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || !strcmp(v, "~") || !strcmp(v, "null") ||
		!strcmp(v, "Null") || !strcmp(v, "NULL"));
}

/* "a mapping", "null" or the quoted value, for "got ..." messages. */
static void describe(const yaml_node_t *node, char *buf, size_t len)
{
	char q[QUOTE_BUF];

	if (node->type == YAML_MAPPING_NODE)
		snprintf(buf, len, "a mapping");
	else if (node->type == YAML_SEQUENCE_NODE)
		snprintf(buf, len, "a sequence");
	else if (is_null(node))
		snprintf(buf, len, "null");
	else
		snprintf(buf, len, "'%s'", quote(node, q));
}

static bool expect_type(struct loader *ld, const yaml_node_t *node,
			const char *path, yaml_node_type_t type,
			const char *what)
{
	char got[QUOTE_BUF + 2];

	if (node->type == type && !(type == YAML_SCALAR_NODE && is_null(node)))
		return true;
	describe(node, got, sizeof(got));
	report(ld, node, path, "expected %s, got %s", what, got);
	return false;
}

/* ---- numbers ---- */

static bool get_uint(struct loader *ld, const yaml_node_t *node,
		     const char *path, uint64_t min, uint64_t max,
		     uint64_t *out)
{
	char q[QUOTE_BUF];
	int err;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a whole number"))
		return false;
	err = lpx_parse_uint(scalar(node), out);
	if (err == -EINVAL) {
		report(ld, node, path, "'%s' is not a whole number",
		       quote(node, q));
		return false;
	}
	if (err || *out < min || *out > max) {
		report(ld, node, path, "%s is out of range %llu..%llu",
		       quote(node, q), (unsigned long long)min,
		       (unsigned long long)max);
		return false;
	}
	return true;
}

static bool get_u32(struct loader *ld, const yaml_node_t *node,
		    const char *path, uint32_t min, uint32_t max,
		    uint32_t *out)
{
	uint64_t v;

	if (!get_uint(ld, node, path, min, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool get_port(struct loader *ld, const yaml_node_t *node,
		     const char *path, uint16_t *out)
{
	uint64_t v;

	if (!get_uint(ld, node, path, 1, 65535, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

/* Milliseconds, 1..UINT32_MAX: no timeout can be zero. */
static void get_duration(struct loader *ld, const yaml_node_t *node,
			 const char *path, uint32_t *out)
{
	char q[QUOTE_BUF];
	uint64_t ms;
	int err;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a duration"))
		return;
	err = lpx_parse_duration_ms(scalar(node), &ms);
	if (err == -EINVAL) {
		report(ld, node, path,
		       "'%s' is not a duration (e.g. 30000, \"30s\", \"5m\")",
		       quote(node, q));
		return;
	}
	if (err) {
		report(ld, node, path, "%s is out of range 1..%u",
		       quote(node, q), UINT32_MAX);
		return;
	}
	/* In milliseconds, whatever unit was written. */
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
	char q[QUOTE_BUF];
	int err;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a size"))
		return false;
	err = lpx_parse_size(scalar(node), out);
	if (err == -EINVAL) {
		report(ld, node, path,
		       "'%s' is not a size (e.g. 1048576, \"1MiB\")",
		       quote(node, q));
		return false;
	}
	if (err || *out > max) {
		report(ld, node, path, "%s is out of range 0..%llu",
		       quote(node, q), (unsigned long long)max);
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
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Optimal string alignment: a swap of two letters is one edit. */
static unsigned int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int d[32][32], best;

	if (la >= 32 || lb >= 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

static void unknown_key(struct loader *ld, const yaml_node_t *key,
			const char *path, const struct key *keys,
			size_t nkeys)
{
	const char *guess = NULL;
	unsigned int d, best = 3;
	char q[QUOTE_BUF];
	size_t i;

	for (i = 0; i < nkeys; i++) {
		d = edit_distance(scalar(key), keys[i].name);
		if (d < best) {
			best = d;
			guess = keys[i].name;
		}
	}
	if (guess)
		report(ld, key, path, "unknown key '%s' (did you mean '%s'?)",
		       quote(key, q), guess);
	else
		report(ld, key, path, "unknown key '%s'", quote(key, q));
}

/*
 * Matches node's pairs against keys, filling in value and key of each;
 * reports unknown, duplicate and non-scalar keys (libyaml accepts a key
 * twice: the schema must refuse it). False when node is not a mapping.
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

static void parse_connection(struct loader *ld, yaml_node_t *node,
			     const char *path, struct lpx_options *o)
{
	struct key keys[] = {
		KEY("idle_timeout"), KEY("connect_timeout"),
		KEY("shutdown_timeout"),
	};
	uint32_t *dst[ARRAY_LEN(keys)] = {
		&o->idle_timeout_ms, &o->connect_timeout_ms,
		&o->shutdown_timeout_ms,
	};
	char sub[PATH_MAX_LEN];
	size_t i;

	if (!walk_mapping(ld, node, path, keys, ARRAY_LEN(keys)))
		return;
	for (i = 0; i < ARRAY_LEN(keys); i++)
		if (keys[i].value)
			get_duration(ld, keys[i].value,
				     join(sub, path, keys[i].name), dst[i]);
}

/* A word from names[] (indexed by its enum value) into *out. */
static bool get_word(struct loader *ld, const yaml_node_t *node,
		     const char *path, const char *const *names, size_t n,
		     const char *expected, unsigned int *out)
{
	char q[QUOTE_BUF];
	unsigned int i;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, expected))
		return false;
	for (i = 0; i < n; i++) {
		if (!strcmp(scalar(node), names[i])) {
			*out = i;
			return true;
		}
	}
	report(ld, node, path, "'%s' is not %s", quote(node, q), expected);
	return false;
}

static void parse_log_level(struct loader *ld, yaml_node_t *node,
			    const char *path, struct lpx_options *o)
{
	static const char *const names[] = {
		[LITEPX_LOG_ERROR] = "error",
		[LITEPX_LOG_WARN] = "warn",
		[LITEPX_LOG_INFO] = "info",
		[LITEPX_LOG_DEBUG] = "debug",
	};
	unsigned int level;

	if (get_word(ld, node, path, names, ARRAY_LEN(names),
		     "error, warn, info or debug", &level))
		o->log_level = level;
}

static void parse_options(struct loader *ld, yaml_node_t *node,
			  struct lpx_options *o)
{
	enum { WORKERS, CONNECTION, LOG_LEVEL };
	struct key keys[] = {
		[WORKERS] = KEY("worker_threads"),
		[CONNECTION] = KEY("connection"),
		[LOG_LEVEL] = KEY("log_level"),
	};

	if (!walk_mapping(ld, node, "options", keys, ARRAY_LEN(keys)))
		return;
	if (keys[WORKERS].value)
		get_u32(ld, keys[WORKERS].value, "options.worker_threads", 0,
			LITEPX_MAX_CPUS, &o->worker_threads);
	if (keys[CONNECTION].value)
		parse_connection(ld, keys[CONNECTION].value,
				 "options.connection", o);
	if (keys[LOG_LEVEL].value)
		parse_log_level(ld, keys[LOG_LEVEL].value, "options.log_level",
				o);
}

static void parse_security_tcp(struct loader *ld, yaml_node_t *node,
			       struct lpx_options *o)
{
	enum { CONN, CONN_IP, PREFIX };
	struct key keys[] = {
		[CONN] = KEY("connection_limits"),
		[CONN_IP] = KEY("connection_ip_limits"),
		[PREFIX] = KEY("ipv6_prefix"),
	};
	uint64_t prefix;

	if (!walk_mapping(ld, node, "security.tcp", keys, ARRAY_LEN(keys)))
		return;
	if (keys[CONN].value)
		get_u32(ld, keys[CONN].value, "security.tcp.connection_limits",
			0, UINT32_MAX, &o->tcp_conn_limit);
	if (keys[CONN_IP].value)
		get_u32(ld, keys[CONN_IP].value,
			"security.tcp.connection_ip_limits", 0, UINT32_MAX,
			&o->tcp_conn_ip_limit);
	if (keys[PREFIX].value &&
	    get_uint(ld, keys[PREFIX].value, "security.tcp.ipv6_prefix", 1,
		     128, &prefix))
		o->ipv6_prefix = (uint8_t)prefix;
}

static void parse_security_udp(struct loader *ld, yaml_node_t *node,
			       struct lpx_options *o)
{
	enum { SESSIONS, SESSIONS_IP, PPS, BPS };
	struct key keys[] = {
		[SESSIONS] = KEY("connection_limits"),
		[SESSIONS_IP] = KEY("connection_ip_limits"),
		[PPS] = KEY("pps_ip_limits"),
		[BPS] = KEY("bps_ip_limits"),
	};
	uint64_t bps;

	if (!walk_mapping(ld, node, "security.udp", keys, ARRAY_LEN(keys)))
		return;
	if (keys[SESSIONS].value)
		get_u32(ld, keys[SESSIONS].value,
			"security.udp.connection_limits", 0, UINT32_MAX,
			&o->udp_session_limit);
	if (keys[SESSIONS_IP].value)
		get_u32(ld, keys[SESSIONS_IP].value,
			"security.udp.connection_ip_limits", 0, UINT32_MAX,
			&o->udp_session_ip_limit);
	if (keys[PPS].value)
		get_u32(ld, keys[PPS].value, "security.udp.pps_ip_limits", 0,
			UINT32_MAX, &o->udp_pps_ip_limit);
	if (keys[BPS].value &&
	    get_size(ld, keys[BPS].value, "security.udp.bps_ip_limits",
		     UINT64_MAX, &bps))
		o->udp_bps_ip_limit = bps;
}

static void parse_security(struct loader *ld, yaml_node_t *node,
			   struct lpx_options *o)
{
	struct key keys[] = { KEY("tcp"), KEY("udp") };

	if (!walk_mapping(ld, node, "security", keys, ARRAY_LEN(keys)))
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
	const char *path = "performance.kernel_socket";
	struct key keys[] = {
		KEY("recv_buffer_size"), KEY("send_buffer_size"),
	};
	uint32_t *dst[ARRAY_LEN(keys)] = { &o->rcvbuf, &o->sndbuf };
	char sub[PATH_MAX_LEN];
	uint64_t v;
	size_t i;

	if (!walk_mapping(ld, node, path, keys, ARRAY_LEN(keys)))
		return;
	for (i = 0; i < ARRAY_LEN(keys); i++)
		if (keys[i].value &&
		    get_size(ld, keys[i].value, join(sub, path, keys[i].name),
			     SOCKBUF_MAX, &v))
			*dst[i] = (uint32_t)v;
}

/*
 * Highest present CPU + 1, from the kernel's list ("0-3", "0,2-7"), or
 * from sysconf() when sysfs is not mounted.
 */
static unsigned int cpus_present_on_system(void)
{
	unsigned long first, last = 0, top = 0;
	char list[4096], *p, *end;
	FILE *f = fopen(CPU_PRESENT, "r");
	long n;

	if (f) {
		p = fgets(list, sizeof(list), f);
		fclose(f);
		while (p && *p >= '0' && *p <= '9') {
			first = last = strtoul(p, &end, 10);
			if (*end == '-')
				last = strtoul(end + 1, &end, 10);
			if (last >= first && last + 1 > top)
				top = last + 1;
			p = *end == ',' ? end + 1 : NULL;
		}
		if (top)
			return top > LITEPX_MAX_CPUS ? LITEPX_MAX_CPUS :
						       (unsigned int)top;
	}
	n = sysconf(_SC_NPROCESSORS_CONF);
	return n > 0 ? (unsigned int)n : 1;
}

static unsigned int cpus_present(struct loader *ld)
{
	if (!ld->ncpus_present)
		ld->ncpus_present = ld->env->ncpus_present ?:
				    cpus_present_on_system();
	return ld->ncpus_present;
}

/* One CPU of cpu_affinity: a number, present here, not seen before. */
static void parse_cpu(struct loader *ld, const yaml_node_t *node,
		      const char *path, unsigned char *seen, uint32_t *cpu)
{
	unsigned int have;

	if (!get_u32(ld, node, path, 0, LITEPX_MAX_CPUS - 1, cpu))
		return;
	have = cpus_present(ld);
	if (*cpu >= have) {
		report(ld, node, path,
		       "CPU %u does not exist (this machine has %u)", *cpu,
		       have);
		return;
	}
	if (seen[*cpu / 8] & (1u << (*cpu % 8))) {
		report(ld, node, path, "CPU %u is listed twice", *cpu);
		return;
	}
	seen[*cpu / 8] |= 1u << (*cpu % 8);
}

static void parse_cpus(struct loader *ld, yaml_node_t *node,
		       struct lpx_options *o)
{
	const char *path = "performance.cpu_affinity";
	unsigned char seen[LITEPX_MAX_CPUS / 8] = { 0 };
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
		parse_cpu(ld, node_at(ld, *item), sub, seen,
			  &o->cpus[o->ncpus++]);
	}
}

static void parse_performance(struct loader *ld, yaml_node_t *node,
			      struct lpx_options *o)
{
	struct key keys[] = { KEY("cpu_affinity"), KEY("kernel_socket") };

	if (!walk_mapping(ld, node, "performance", keys, ARRAY_LEN(keys)))
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

/*
 * Two routes overlap when they share a protocol, a port and an address:
 * the same address, or either side the wildcard of that family, or a
 * route without listen, which binds the wildcards of both families.
 *
 * Each route is reported once per protocol, naming the earliest route
 * it collides with, so that checking stays O(n log n) whatever the file
 * holds: routes are taken in file order, and each first asks a set of
 * "claim trees" for the earliest earlier route on its ports, then
 * claims them. Per protocol and address family there are three trees:
 *   all:   every route of the family, by port;
 *   wild:  routes on the family's wildcard (or without listen), by port;
 *   exact: routes on one address, by (address, port) squeezed into the
 *          positions of the endpoints that occur, so that ranges on
 *          different addresses never meet.
 * A wildcard route asks "all"; a route on one address asks "wild" and
 * "exact".
 */

/*
 * A segment tree over positions 0..size-1 recording the first route id
 * (ids grow as routes are taken in order; 0 is none) to claim each one.
 */
struct claims {
	uint32_t size;			/* leaves, a power of two */
	uint32_t *whole;		/* per node: first id to claim all */
	uint32_t *any;			/* per node: first id to claim any */
};

static uint32_t min_id(uint32_t a, uint32_t b)
{
	if (!a || !b)
		return a | b;
	return a < b ? a : b;
}

static void claims_free(struct claims *t)
{
	free(t->whole);
	memset(t, 0, sizeof(*t));
}

static void claim(struct claims *t, uint32_t node, uint32_t nlo,
		  uint32_t nhi, uint32_t lo, uint32_t hi, uint32_t id)
{
	uint32_t mid = nlo + (nhi - nlo) / 2;

	if (hi < nlo || nhi < lo)
		return;
	if (!t->any[node])
		t->any[node] = id;
	/* Below a node someone claimed whole, later ids change no answer. */
	if (t->whole[node])
		return;
	if (lo <= nlo && nhi <= hi) {
		t->whole[node] = id;
		return;
	}
	claim(t, 2 * node, nlo, mid, lo, hi, id);
	claim(t, 2 * node + 1, mid + 1, nhi, lo, hi, id);
}

static uint32_t first_claim(const struct claims *t, uint32_t node,
			    uint32_t nlo, uint32_t nhi, uint32_t lo,
			    uint32_t hi)
{
	uint32_t mid = nlo + (nhi - nlo) / 2;

	if (hi < nlo || nhi < lo || !t->any[node])
		return 0;
	if (lo <= nlo && nhi <= hi)
		return t->any[node];
	return min_id(t->whole[node],
		      min_id(first_claim(t, 2 * node, nlo, mid, lo, hi),
			     first_claim(t, 2 * node + 1, mid + 1, nhi, lo,
					 hi)));
}

/* The trees are allocated when first claimed: most stay unused. */
static bool claims_add(struct claims *t, uint32_t positions, uint32_t lo,
		       uint32_t hi, uint32_t id)
{
	if (!t->whole) {
		for (t->size = 1; t->size < positions; t->size *= 2)
			;
		t->whole = calloc(4 * (size_t)t->size, sizeof(uint32_t));
		if (!t->whole)
			return false;
		t->any = t->whole + 2 * (size_t)t->size;
	}
	claim(t, 1, 0, t->size - 1, lo, hi, id);
	return true;
}

static uint32_t claims_first(const struct claims *t, uint32_t lo,
			     uint32_t hi)
{
	return t->whole ? first_claim(t, 1, 0, t->size - 1, lo, hi) : 0;
}

enum { FAM_V4, FAM_V6, NFAMILIES };
enum { OV_TCP, OV_UDP, OV_NPROTOS };

/* A route's ends on the "exact" axis of its family. */
struct endpoint {
	const struct lpx_addr *addr;
	uint32_t port;
};

struct overlap_state {
	struct claims all[OV_NPROTOS][NFAMILIES];
	struct claims wild[OV_NPROTOS][NFAMILIES];
	struct claims exact[OV_NPROTOS][NFAMILIES];
	struct endpoint *ends[NFAMILIES];	/* sorted, unique */
	size_t nends[NFAMILIES];
	uint32_t (*first)[OV_NPROTOS];	/* per route: earliest partner */
};

static int family_index(const struct lpx_addr *a)
{
	return a->family == AF_INET ? FAM_V4 : FAM_V6;
}

static bool is_wildcard(const struct lpx_addr *a)
{
	return a->family == AF_INET ? !a->v4.s_addr :
				      IN6_IS_ADDR_UNSPECIFIED(&a->v6);
}

static const void *addr_bytes(const struct lpx_addr *a)
{
	return a->family == AF_INET ? (const void *)&a->v4 :
				      (const void *)&a->v6;
}

/* By address, then port; both ends are of the same family. */
static int cmp_endpoint(const void *pa, const void *pb)
{
	const struct endpoint *a = pa, *b = pb;
	int cmp = memcmp(addr_bytes(a->addr), addr_bytes(b->addr),
			 a->addr->family == AF_INET ? 4 : 16);

	if (cmp)
		return cmp;
	return a->port < b->port ? -1 : a->port > b->port;
}

/* Position of (addr, port) on its family's exact axis. */
static uint32_t end_position(const struct overlap_state *st, int fam,
			     const struct lpx_addr *addr, uint32_t port)
{
	const struct endpoint key = { .addr = addr, .port = port };
	const struct endpoint *e;

	e = bsearch(&key, st->ends[fam], st->nends[fam], sizeof(key),
		    cmp_endpoint);
	return (uint32_t)(e - st->ends[fam]);
}

/* Every end of every route bound to one address, sorted, deduplicated. */
static bool collect_ends(struct loader *ld, struct overlap_state *st)
{
	const struct lpx_config *cfg = ld->cfg;
	const struct lpx_route *r;
	struct endpoint *e;
	size_t i, j, n;
	int fam;

	for (fam = 0; fam < NFAMILIES; fam++) {
		st->ends[fam] = calloc(2 * cfg->nroutes + 1, sizeof(*e));
		if (!st->ends[fam])
			return false;
	}
	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		if (!ld->listeners_ok[i] || !r->has_listen ||
		    is_wildcard(&r->listen))
			continue;
		fam = family_index(&r->listen);
		e = st->ends[fam];
		e[st->nends[fam]++] = (struct endpoint){ &r->listen,
							 r->port_from };
		e[st->nends[fam]++] = (struct endpoint){ &r->listen,
							 r->port_to };
	}
	for (fam = 0; fam < NFAMILIES; fam++) {
		e = st->ends[fam];
		n = st->nends[fam];
		qsort(e, n, sizeof(*e), cmp_endpoint);
		for (i = j = 0; i < n; i++)
			if (!j || cmp_endpoint(&e[j - 1], &e[i]))
				e[j++] = e[i];
		st->nends[fam] = j;
	}
	return true;
}

/* The earliest earlier route r collides with on protocol p, family fam. */
static uint32_t earliest_partner(const struct overlap_state *st, int p,
				 int fam, const struct lpx_route *r)
{
	uint32_t lo, hi;

	if (!r->has_listen || is_wildcard(&r->listen))
		return claims_first(&st->all[p][fam], r->port_from,
				    r->port_to);
	lo = end_position(st, fam, &r->listen, r->port_from);
	hi = end_position(st, fam, &r->listen, r->port_to);
	return min_id(claims_first(&st->wild[p][fam], r->port_from,
				   r->port_to),
		      claims_first(&st->exact[p][fam], lo, hi));
}

static bool claim_route(struct overlap_state *st, int p, int fam,
			const struct lpx_route *r)
{
	uint32_t lo, hi;

	if (!claims_add(&st->all[p][fam], 65536, r->port_from, r->port_to,
			r->id))
		return false;
	if (!r->has_listen || is_wildcard(&r->listen))
		return claims_add(&st->wild[p][fam], 65536, r->port_from,
				  r->port_to, r->id);
	lo = end_position(st, fam, &r->listen, r->port_from);
	hi = end_position(st, fam, &r->listen, r->port_to);
	return claims_add(&st->exact[p][fam], st->nends[fam], lo, hi, r->id);
}

/* Finds, for every route with valid listeners, its partners. */
static bool find_overlaps(struct loader *ld, struct overlap_state *st)
{
	static const unsigned int proto_bits[OV_NPROTOS] = {
		LITEPX_PROTO_TCP, LITEPX_PROTO_UDP,
	};
	const struct lpx_config *cfg = ld->cfg;
	const struct lpx_route *r;
	int p, fam, families[NFAMILIES], nfam, k;
	uint32_t partner;
	size_t i;

	if (!collect_ends(ld, st))
		return false;
	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		if (!ld->listeners_ok[i])
			continue;
		nfam = 0;
		if (!r->has_listen) {
			families[nfam++] = FAM_V4;
			families[nfam++] = FAM_V6;
		} else {
			families[nfam++] = family_index(&r->listen);
		}
		for (p = 0; p < OV_NPROTOS; p++) {
			if (!(r->protocols & proto_bits[p]))
				continue;
			for (k = 0; k < nfam; k++) {
				fam = families[k];
				partner = earliest_partner(st, p, fam, r);
				st->first[i][p] = min_id(st->first[i][p],
							 partner);
			}
			for (k = 0; k < nfam; k++)
				if (!claim_route(st, p, families[k], r))
					return false;
		}
	}
	return true;
}

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
static void check_overlaps(struct loader *ld)
{
	const struct lpx_config *cfg = ld->cfg;
	struct overlap_state st = { 0 };
	const struct lpx_route *r;
	uint32_t tcp, udp;
	size_t i;
	int p, fam;

	st.first = calloc(cfg->nroutes, sizeof(*st.first));
	if (!st.first || !find_overlaps(ld, &st)) {
		report(ld, NULL, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		tcp = st.first[i][OV_TCP];
		udp = st.first[i][OV_UDP];
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
	for (p = 0; p < OV_NPROTOS; p++) {
		for (fam = 0; fam < NFAMILIES; fam++) {
			claims_free(&st.all[p][fam]);
			claims_free(&st.wild[p][fam]);
			claims_free(&st.exact[p][fam]);
		}
	}
	for (fam = 0; fam < NFAMILIES; fam++)
		free(st.ends[fam]);
	free(st.first);
}

/* ---- name resolution ---- */

static int by_dest_host(const void *a, const void *b)
{
	const struct lpx_route *ra = *(const struct lpx_route *const *)a;
	const struct lpx_route *rb = *(const struct lpx_route *const *)b;
	int cmp = strcmp(ra->dest_host, rb->dest_host);

	if (cmp)
		return cmp;
	return ra->id < rb->id ? -1 : ra->id > rb->id;
}

/* Literals as they are; names through the resolver. NULL or why not. */
static const char *resolve_host(struct loader *ld, struct lpx_route *r)
{
	lpx_resolver_fn resolve = ld->env->resolve ?: lpx_resolve_default;
	const char *why = "unknown error";
	int n;

	if (parse_ip(r->dest_host, &r->dests[0])) {
		r->ndests = 1;
		return NULL;
	}
	n = resolve(r->dest_host, r->dests, LITEPX_MAX_DESTS, &why);
	if (n <= 0)
		return n ? why : "no IPv4 or IPv6 address";
	/* More addresses than the module keeps are not an error: failover
	 * beyond the sixteenth is not worth a refused file. */
	r->ndests = (size_t)n < LITEPX_MAX_DESTS ? (size_t)n : LITEPX_MAX_DESTS;
	return NULL;
}

/*
 * Each distinct name is looked up once, however many routes use it (a
 * generated file may send thousands of ports to one host); failures
 * are reported in file order.
 */
static void resolve_routes(struct loader *ld)
{
	struct lpx_config *cfg = ld->cfg;
	struct lpx_route **sorted, *first = NULL;
	const char **why;
	char path[PATH_MAX_LEN];
	size_t i;

	sorted = calloc(cfg->nroutes, sizeof(*sorted));
	why = calloc(cfg->nroutes, sizeof(*why));
	if (!sorted || !why) {
		report(ld, NULL, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < cfg->nroutes; i++)
		sorted[i] = &cfg->routes[i];
	qsort(sorted, cfg->nroutes, sizeof(*sorted), by_dest_host);
	for (i = 0; i < cfg->nroutes; i++) {
		struct lpx_route *r = sorted[i];

		if (first && !strcmp(first->dest_host, r->dest_host)) {
			memcpy(r->dests, first->dests, sizeof(r->dests));
			r->ndests = first->ndests;
			why[r->id - 1] = why[first->id - 1];
			continue;
		}
		first = r;
		why[r->id - 1] = resolve_host(ld, r);
	}
	for (i = 0; i < cfg->nroutes; i++) {
		const struct lpx_route *r = &cfg->routes[i];

		if (!why[i])
			continue;
		snprintf(path, sizeof(path), "routes[%u].dest_host", r->id);
		report_at(ld, &r->dest_host_mark, path,
			  "'%s' does not resolve: %s", r->dest_host, why[i]);
	}
out:
	free(why);
	free(sorted);
}

/* ---- the document ---- */

static void parse_root(struct loader *ld, yaml_node_t *root)
{
	enum { ROUTES, OPTIONS, SECURITY, PERFORMANCE };
	struct key keys[] = {
		[ROUTES] = KEY("routes"),
		[OPTIONS] = KEY("options"),
		[SECURITY] = KEY("security"),
		[PERFORMANCE] = KEY("performance"),
	};

	if (root->type != YAML_MAPPING_NODE) {
		report(ld, root, NULL, "expected a mapping at the top level");
		return;
	}
	walk_mapping(ld, root, "", keys, ARRAY_LEN(keys));
	if (!keys[ROUTES].value)
		report(ld, NULL, NULL, "missing 'routes'");
	else
		parse_routes(ld, keys[ROUTES].value);
	if (keys[OPTIONS].value)
		parse_options(ld, keys[OPTIONS].value, &ld->cfg->opts);
	if (keys[SECURITY].value)
		parse_security(ld, keys[SECURITY].value, &ld->cfg->opts);
	if (keys[PERFORMANCE].value)
		parse_performance(ld, keys[PERFORMANCE].value, &ld->cfg->opts);
	if (ld->cfg->nroutes)
		check_overlaps(ld);
	if (!ld->errors)
		resolve_routes(ld);
}

static void syntax_error(struct loader *ld, const yaml_parser_t *parser)
{
	const yaml_mark_t *m = &parser->problem_mark;

	/* Some problems carry only the mark of their context. */
	if (!m->line && !m->column && parser->context)
		m = &parser->context_mark;
	fprintf(ld->err, "%s:%zu:%zu: YAML syntax error: %s%s%s\n", ld->name,
		m->line + 1, m->column + 1,
		parser->problem ? parser->problem : "unknown problem",
		parser->context ? " " : "",
		parser->context ? parser->context : "");
	ld->errors++;
}

struct stream_state {
	unsigned int depth;
	unsigned int documents;
};

/*
 * One parser event: false when reading on would be pointless (too deep
 * or a second document). An alias is reported at its own place, and the
 * stream read on to find the others.
 */
static bool check_event(struct loader *ld, const yaml_event_t *event,
			struct stream_state *st)
{
	const yaml_node_t at = { .start_mark = event->start_mark };
	char q[QUOTE_BUF];
	const char *anchor;

	switch (event->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++st->documents == 1)
			return true;
		report(ld, &at, NULL,
		       "a second YAML document; routes.yml holds one");
		return false;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++st->depth <= MAX_DEPTH)
			return true;
		report(ld, &at, NULL, "nesting deeper than %d levels",
		       MAX_DEPTH);
		return false;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		st->depth--;
		return true;
	case YAML_ALIAS_EVENT:
		anchor = (const char *)event->data.alias.anchor;
		report(ld, &at, NULL,
		       "aliases (*%s) are not supported; write the value out",
		       quote_text(anchor, strlen(anchor), q, sizeof(q)));
		return true;
	default:
		return true;
	}
}

/*
 * Checks the event stream before the document is composed: refuses deep
 * nesting (no routes.yml needs more than five levels, and a deep one
 * only costs memory and time), aliases, and a second document, which
 * yaml_parser_load() would silently leave unread.
 */
static bool events_ok(struct loader *ld, const char *buf, size_t len)
{
	struct stream_state st = { 0 };
	unsigned int before = ld->errors;
	yaml_parser_t parser;
	yaml_event_t event;
	bool more = true;

	if (!yaml_parser_initialize(&parser)) {
		report(ld, NULL, NULL, "out of memory");
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (more) {
		if (!yaml_parser_parse(&parser, &event)) {
			syntax_error(ld, &parser);
			break;
		}
		more = check_event(ld, &event, &st) &&
		       event.type != YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return ld->errors == before;
}

static void set_defaults(struct lpx_options *o)
{
	memset(o, 0, sizeof(*o));
	o->worker_threads = LITEPX_DEFAULT_WORKER_THREADS;
	o->idle_timeout_ms = LITEPX_DEFAULT_IDLE_TIMEOUT;
	o->connect_timeout_ms = LITEPX_DEFAULT_CONNECT_TIMEOUT;
	o->shutdown_timeout_ms = LITEPX_DEFAULT_SHUTDOWN_TIMEOUT;
	o->log_level = LITEPX_DEFAULT_LOG_LEVEL;
	o->tcp_conn_limit = LITEPX_DEFAULT_TCP_CONN_LIMIT;
	o->tcp_conn_ip_limit = LITEPX_DEFAULT_TCP_CONN_IP_LIMIT;
	o->udp_session_limit = LITEPX_DEFAULT_UDP_SESSION_LIMIT;
	o->udp_session_ip_limit = LITEPX_DEFAULT_UDP_SESSION_IP_LIMIT;
	o->udp_pps_ip_limit = LITEPX_DEFAULT_UDP_PPS_IP_LIMIT;
	o->udp_bps_ip_limit = LITEPX_DEFAULT_UDP_BPS_IP_LIMIT;
	o->ipv6_prefix = LITEPX_DEFAULT_IPV6_PREFIX;
	o->rcvbuf = LITEPX_DEFAULT_RCVBUF;
	o->sndbuf = LITEPX_DEFAULT_SNDBUF;
}

static void load_document(struct loader *ld, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_node_t *root;

	if (!events_ok(ld, buf, len))
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
	if (!cfg->path)
		report(&ld, NULL, NULL, "out of memory");
	else
		load_document(&ld, buf, len);
	free(ld.listeners_ok);
	if (ld.errors) {
		lpx_config_free(cfg);
		return -1;
	}
	return 0;
}

/* The whole file, NUL-terminated; NULL with errno set on failure. */
static char *read_whole(FILE *f, size_t *len)
{
	size_t size = 0, n;
	char *buf = NULL, *bigger;

	*len = 0;
	do {
		if (*len + 1 >= size) {
			size = size ? size * 2 : 65536;
			if (size > FILE_MAX + 1) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			bigger = realloc(buf, size);
			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
		}
		n = fread(buf + *len, 1, size - *len - 1, f);
		*len += n;
	} while (n);
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

int lpx_config_load(const char *path, const struct lpx_env *env,
		    struct lpx_config *cfg)
{
	FILE *err = env && env->err ? env->err : stderr;
	size_t len;
	char *buf;
	FILE *f;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	f = fopen(path, "r");
	if (!f) {
		fprintf(err, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	/* errno from fread() survives: nothing else runs in between. */
	errno = 0;
	buf = read_whole(f, &len);
	if (!buf) {
		if (errno == EFBIG)
			fprintf(err, "%s: cannot read: larger than %u MiB\n",
				path, FILE_MAX >> 20);
		else
			fprintf(err, "%s: cannot read: %s\n", path,
				strerror(errno ?: EIO));
		fclose(f);
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
