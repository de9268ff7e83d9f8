// SPDX-License-Identifier: GPL-2.0
/*
 * The options, security and performance sections of routes.yml.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader.h"

#define CPU_PRESENT	"/sys/devices/system/cpu/present"

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

void parse_options(struct loader *ld, yaml_node_t *node,
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

void parse_security(struct loader *ld, yaml_node_t *node,
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

void parse_performance(struct loader *ld, yaml_node_t *node,
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
