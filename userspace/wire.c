// SPDX-License-Identifier: GPL-2.0
/*
 * The litepx family's attributes: a config encoded into a CONFIG_SET
 * request, routes, options, counters and connections decoded from
 * answers. No socket here. include/uapi/linux/litepx.h documents the
 * attribute layout.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "wire.h"

static int put_addr(struct nl_msg *msg, int type, const struct lpx_addr *a)
{
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(msg, type | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (a->family == AF_INET)
		err = nla_put(msg, LITEPX_ADDR_A_IN, sizeof(a->v4), &a->v4);
	else
		err = nla_put(msg, LITEPX_ADDR_A_IN6, sizeof(a->v6), &a->v6);
	if (err < 0)
		return err;
	return nla_nest_end(msg, nest);
}

static int put_options(struct nl_msg *msg, const struct lpx_options *o)
{
	struct nlattr *nest;
	size_t i;

	nest = nla_nest_start(msg, LITEPX_A_OPTIONS | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (nla_put_u32(msg, LITEPX_OPT_A_WORKER_THREADS, o->worker_threads) ||
	    nla_put_u32(msg, LITEPX_OPT_A_IDLE_TIMEOUT, o->idle_timeout_ms) ||
	    nla_put_u32(msg, LITEPX_OPT_A_CONNECT_TIMEOUT,
			o->connect_timeout_ms) ||
	    nla_put_u32(msg, LITEPX_OPT_A_SHUTDOWN_TIMEOUT,
			o->shutdown_timeout_ms) ||
	    nla_put_u8(msg, LITEPX_OPT_A_LOG_LEVEL, o->log_level) ||
	    nla_put_u32(msg, LITEPX_OPT_A_TCP_CONN_LIMIT, o->tcp_conn_limit) ||
	    nla_put_u32(msg, LITEPX_OPT_A_TCP_CONN_IP_LIMIT,
			o->tcp_conn_ip_limit) ||
	    nla_put_u32(msg, LITEPX_OPT_A_UDP_SESSION_LIMIT,
			o->udp_session_limit) ||
	    nla_put_u32(msg, LITEPX_OPT_A_UDP_SESSION_IP_LIMIT,
			o->udp_session_ip_limit) ||
	    nla_put_u32(msg, LITEPX_OPT_A_UDP_PPS_IP_LIMIT,
			o->udp_pps_ip_limit) ||
	    nla_put_u64(msg, LITEPX_OPT_A_UDP_BPS_IP_LIMIT,
			o->udp_bps_ip_limit) ||
	    nla_put_u8(msg, LITEPX_OPT_A_IPV6_PREFIX, o->ipv6_prefix) ||
	    nla_put_u32(msg, LITEPX_OPT_A_RCVBUF, o->rcvbuf) ||
	    nla_put_u32(msg, LITEPX_OPT_A_SNDBUF, o->sndbuf))
		return -NLE_NOMEM;
	for (i = 0; i < o->ncpus; i++)
		if (nla_put_u32(msg, LITEPX_OPT_A_CPU, o->cpus[i]))
			return -NLE_NOMEM;
	return nla_nest_end(msg, nest);
}

static int put_timeout(struct nl_msg *msg, int type, uint32_t ms)
{
	return ms ? nla_put_u32(msg, type, ms) : 0;
}

static int put_route(struct nl_msg *msg, const struct lpx_route *r)
{
	struct nlattr *nest;
	size_t i;

	nest = nla_nest_start(msg, LITEPX_A_ROUTE | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (nla_put_u32(msg, LITEPX_ROUTE_A_ID, r->id) ||
	    nla_put_u8(msg, LITEPX_ROUTE_A_PROTOCOLS, r->protocols) ||
	    nla_put_u16(msg, LITEPX_ROUTE_A_PORT_FROM, r->port_from) ||
	    nla_put_u16(msg, LITEPX_ROUTE_A_PORT_TO, r->port_to) ||
	    nla_put_u16(msg, LITEPX_ROUTE_A_DEST_PORT, r->dest_port) ||
	    nla_put_string(msg, LITEPX_ROUTE_A_DEST_HOST, r->dest_host) ||
	    nla_put_u8(msg, LITEPX_ROUTE_A_PROXY_PROTOCOL, r->proxy_protocol) ||
	    put_timeout(msg, LITEPX_ROUTE_A_IDLE_TIMEOUT, r->idle_timeout_ms) ||
	    put_timeout(msg, LITEPX_ROUTE_A_CONNECT_TIMEOUT,
			r->connect_timeout_ms) ||
	    put_timeout(msg, LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT,
			r->shutdown_timeout_ms))
		return -NLE_NOMEM;
	if (r->description &&
	    nla_put_string(msg, LITEPX_ROUTE_A_DESCRIPTION, r->description))
		return -NLE_NOMEM;
	if (r->has_listen && put_addr(msg, LITEPX_ROUTE_A_LISTEN, &r->listen))
		return -NLE_NOMEM;
	for (i = 0; i < r->ndests; i++)
		if (put_addr(msg, LITEPX_ROUTE_A_DEST, &r->dests[i]))
			return -NLE_NOMEM;
	return nla_nest_end(msg, nest);
}

int lpx_nl_put_config(struct nl_msg *msg, const struct lpx_config *cfg,
		      uint32_t *route_ends)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	size_t i;
	int err;

	err = put_options(msg, &cfg->opts);
	if (err < 0)
		return err;
	for (i = 0; i < cfg->nroutes; i++) {
		err = put_route(msg, &cfg->routes[i]);
		if (err < 0)
			return err;
		if (route_ends)
			route_ends[i] = nlh->nlmsg_len;
	}
	return 0;
}

/* An upper bound of the encoded size, so one allocation holds it all. */
size_t lpx_nl_config_size(const struct lpx_config *cfg)
{
	size_t size = NLMSG_HDRLEN + GENL_HDRLEN + 1024;
	size_t i;

	size += cfg->opts.ncpus * nla_total_size(sizeof(uint32_t));
	for (i = 0; i < cfg->nroutes; i++) {
		const struct lpx_route *r = &cfg->routes[i];

		size += 256 + (r->ndests + 1) * 32;
		size += nla_total_size(strlen(r->dest_host) + 1);
		if (r->description)
			size += nla_total_size(strlen(r->description) + 1);
	}
	return size;
}

static struct nla_policy addr_policy[LITEPX_ADDR_A_MAX + 1] = {
	[LITEPX_ADDR_A_IN] = { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 4 },
	[LITEPX_ADDR_A_IN6] = { .type = NLA_UNSPEC, .minlen = 16,
				.maxlen = 16 },
};

static struct nla_policy opt_policy[LITEPX_OPT_A_MAX + 1] = {
	[LITEPX_OPT_A_WORKER_THREADS] = { .type = NLA_U32 },
	[LITEPX_OPT_A_IDLE_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_CONNECT_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_SHUTDOWN_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_LOG_LEVEL] = { .type = NLA_U8 },
	[LITEPX_OPT_A_TCP_CONN_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_TCP_CONN_IP_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_UDP_SESSION_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_UDP_SESSION_IP_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_UDP_PPS_IP_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_UDP_BPS_IP_LIMIT] = { .type = NLA_U64 },
	[LITEPX_OPT_A_IPV6_PREFIX] = { .type = NLA_U8 },
	[LITEPX_OPT_A_CPU] = { .type = NLA_U32 },
	[LITEPX_OPT_A_RCVBUF] = { .type = NLA_U32 },
	[LITEPX_OPT_A_SNDBUF] = { .type = NLA_U32 },
};

static struct nla_policy route_policy[LITEPX_ROUTE_A_MAX + 1] = {
	[LITEPX_ROUTE_A_ID] = { .type = NLA_U32 },
	[LITEPX_ROUTE_A_PROTOCOLS] = { .type = NLA_U8 },
	[LITEPX_ROUTE_A_LISTEN] = { .type = NLA_NESTED },
	[LITEPX_ROUTE_A_PORT_FROM] = { .type = NLA_U16 },
	[LITEPX_ROUTE_A_PORT_TO] = { .type = NLA_U16 },
	[LITEPX_ROUTE_A_DEST_PORT] = { .type = NLA_U16 },
	[LITEPX_ROUTE_A_DEST_HOST] = { .type = NLA_NUL_STRING },
	[LITEPX_ROUTE_A_DEST] = { .type = NLA_NESTED },
	[LITEPX_ROUTE_A_PROXY_PROTOCOL] = { .type = NLA_U8 },
	[LITEPX_ROUTE_A_DESCRIPTION] = { .type = NLA_NUL_STRING },
	[LITEPX_ROUTE_A_IDLE_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_ROUTE_A_CONNECT_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_ROUTE_A_STATS] = { .type = NLA_NESTED },
};

static int parse_addr(struct nlattr *nest, struct lpx_addr *addr)
{
	struct nlattr *tb[LITEPX_ADDR_A_MAX + 1];

	if (nla_parse_nested(tb, LITEPX_ADDR_A_MAX, nest, addr_policy) < 0)
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	if (tb[LITEPX_ADDR_A_IN]) {
		addr->family = AF_INET;
		memcpy(&addr->v4, nla_data(tb[LITEPX_ADDR_A_IN]), 4);
	} else if (tb[LITEPX_ADDR_A_IN6]) {
		addr->family = AF_INET6;
		memcpy(&addr->v6, nla_data(tb[LITEPX_ADDR_A_IN6]), 16);
	} else {
		return -EINVAL;
	}
	return 0;
}

static uint32_t get_u32_or(struct nlattr *attr, uint32_t fallback)
{
	return attr ? nla_get_u32(attr) : fallback;
}

static int parse_route_addrs(struct nlattr *nest, struct lpx_route *r)
{
	struct nlattr *attr;
	int rem;

	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != LITEPX_ROUTE_A_DEST)
			continue;
		if (r->ndests == LITEPX_MAX_DESTS ||
		    parse_addr(attr, &r->dests[r->ndests]))
			return -EINVAL;
		r->ndests++;
	}
	return 0;
}

int lpx_nl_parse_route(struct nlattr *nest, struct lpx_route *r)
{
	struct nlattr *tb[LITEPX_ROUTE_A_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (nla_parse_nested(tb, LITEPX_ROUTE_A_MAX, nest, route_policy) < 0)
		return -EINVAL;
	if (!tb[LITEPX_ROUTE_A_ID] || !tb[LITEPX_ROUTE_A_PROTOCOLS] ||
	    !tb[LITEPX_ROUTE_A_PORT_FROM] || !tb[LITEPX_ROUTE_A_PORT_TO] ||
	    !tb[LITEPX_ROUTE_A_DEST_PORT] || !tb[LITEPX_ROUTE_A_DEST_HOST])
		return -EINVAL;
	r->id = nla_get_u32(tb[LITEPX_ROUTE_A_ID]);
	r->protocols = nla_get_u8(tb[LITEPX_ROUTE_A_PROTOCOLS]);
	r->port_from = nla_get_u16(tb[LITEPX_ROUTE_A_PORT_FROM]);
	r->port_to = nla_get_u16(tb[LITEPX_ROUTE_A_PORT_TO]);
	r->dest_port = nla_get_u16(tb[LITEPX_ROUTE_A_DEST_PORT]);
	if (tb[LITEPX_ROUTE_A_PROXY_PROTOCOL])
		r->proxy_protocol =
			nla_get_u8(tb[LITEPX_ROUTE_A_PROXY_PROTOCOL]);
	r->idle_timeout_ms = get_u32_or(tb[LITEPX_ROUTE_A_IDLE_TIMEOUT], 0);
	r->connect_timeout_ms =
		get_u32_or(tb[LITEPX_ROUTE_A_CONNECT_TIMEOUT], 0);
	r->shutdown_timeout_ms =
		get_u32_or(tb[LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT], 0);
	if (tb[LITEPX_ROUTE_A_LISTEN]) {
		if (parse_addr(tb[LITEPX_ROUTE_A_LISTEN], &r->listen))
			return -EINVAL;
		r->has_listen = true;
	}
	if (parse_route_addrs(nest, r))
		return -EINVAL;
	r->dest_host = strdup(nla_get_string(tb[LITEPX_ROUTE_A_DEST_HOST]));
	if (!r->dest_host)
		return -ENOMEM;
	if (tb[LITEPX_ROUTE_A_DESCRIPTION]) {
		r->description =
			strdup(nla_get_string(tb[LITEPX_ROUTE_A_DESCRIPTION]));
		if (!r->description)
			return -ENOMEM;
	}
	return 0;
}

static void get_u32_opt(struct nlattr **tb, int type, uint32_t *out)
{
	if (tb[type])
		*out = nla_get_u32(tb[type]);
}

static int parse_cpus(struct nlattr *nest, struct lpx_options *o)
{
	struct nlattr *attr;
	size_t count = 0;
	int rem;

	nla_for_each_nested(attr, nest, rem)
		count += nla_type(attr) == LITEPX_OPT_A_CPU;
	if (!count)
		return 0;
	o->cpus = calloc(count, sizeof(*o->cpus));
	if (!o->cpus)
		return -ENOMEM;
	nla_for_each_nested(attr, nest, rem)
		if (nla_type(attr) == LITEPX_OPT_A_CPU)
			o->cpus[o->ncpus++] = nla_get_u32(attr);
	return 0;
}

int lpx_nl_parse_options(struct nlattr *nest, struct lpx_options *o)
{
	struct nlattr *tb[LITEPX_OPT_A_MAX + 1];

	memset(o, 0, sizeof(*o));
	if (nla_parse_nested(tb, LITEPX_OPT_A_MAX, nest, opt_policy) < 0)
		return -EINVAL;
	get_u32_opt(tb, LITEPX_OPT_A_WORKER_THREADS, &o->worker_threads);
	get_u32_opt(tb, LITEPX_OPT_A_IDLE_TIMEOUT, &o->idle_timeout_ms);
	get_u32_opt(tb, LITEPX_OPT_A_CONNECT_TIMEOUT, &o->connect_timeout_ms);
	get_u32_opt(tb, LITEPX_OPT_A_SHUTDOWN_TIMEOUT,
		    &o->shutdown_timeout_ms);
	get_u32_opt(tb, LITEPX_OPT_A_TCP_CONN_LIMIT, &o->tcp_conn_limit);
	get_u32_opt(tb, LITEPX_OPT_A_TCP_CONN_IP_LIMIT, &o->tcp_conn_ip_limit);
	get_u32_opt(tb, LITEPX_OPT_A_UDP_SESSION_LIMIT, &o->udp_session_limit);
	get_u32_opt(tb, LITEPX_OPT_A_UDP_SESSION_IP_LIMIT,
		    &o->udp_session_ip_limit);
	get_u32_opt(tb, LITEPX_OPT_A_UDP_PPS_IP_LIMIT, &o->udp_pps_ip_limit);
	get_u32_opt(tb, LITEPX_OPT_A_RCVBUF, &o->rcvbuf);
	get_u32_opt(tb, LITEPX_OPT_A_SNDBUF, &o->sndbuf);
	if (tb[LITEPX_OPT_A_UDP_BPS_IP_LIMIT])
		o->udp_bps_ip_limit = nla_get_u64(tb[LITEPX_OPT_A_UDP_BPS_IP_LIMIT]);
	if (tb[LITEPX_OPT_A_LOG_LEVEL])
		o->log_level = nla_get_u8(tb[LITEPX_OPT_A_LOG_LEVEL]);
	if (tb[LITEPX_OPT_A_IPV6_PREFIX])
		o->ipv6_prefix = nla_get_u8(tb[LITEPX_OPT_A_IPV6_PREFIX]);
	return parse_cpus(nest, o);
}

#define COUNTER_NAME(NAME, name)	[LITEPX_CNT_##NAME] = #name,
#define COUNTER_CASE(NAME, name)	case LITEPX_STATS_A_##NAME: \
					return LITEPX_CNT_##NAME;

const char *const lpx_counter_names[LPX_NCOUNTERS] = {
	LITEPX_COUNTERS(COUNTER_NAME)
};

/* The counter of a stats attribute, or -1. */
static int stats_counter(int type)
{
	switch (type) {
	LITEPX_COUNTERS(COUNTER_CASE)
	}
	return -1;
}

int lpx_nl_parse_stats(struct nlattr *route, struct lpx_route_stats *st)
{
	struct nlattr *tb[LITEPX_ROUTE_A_MAX + 1], *attr;
	int rem, type, counter;

	if (nla_parse_nested(tb, LITEPX_ROUTE_A_MAX, route, route_policy) < 0 ||
	    !tb[LITEPX_ROUTE_A_STATS])
		return -EPROTO;
	nla_for_each_nested(attr, tb[LITEPX_ROUTE_A_STATS], rem) {
		type = nla_type(attr);
		counter = stats_counter(type);
		if (type == LITEPX_STATS_A_ACTIVE && nla_len(attr) == 4)
			st->active = nla_get_u32(attr);
		else if (type == LITEPX_STATS_A_SESSIONS_ACTIVE &&
			 nla_len(attr) == 4)
			st->sessions_active = nla_get_u32(attr);
		else if (counter >= 0 && nla_len(attr) == 8)
			st->counters[counter] = nla_get_u64(attr);
	}
	return 0;
}

static struct nla_policy conn_policy[LITEPX_CONN_A_MAX + 1] = {
	[LITEPX_CONN_A_ROUTE_ID] = { .type = NLA_U32 },
	[LITEPX_CONN_A_PROTOCOL] = { .type = NLA_U8 },
	[LITEPX_CONN_A_CLIENT] = { .type = NLA_NESTED },
	[LITEPX_CONN_A_CLIENT_PORT] = { .type = NLA_U16 },
	[LITEPX_CONN_A_LOCAL] = { .type = NLA_NESTED },
	[LITEPX_CONN_A_LOCAL_PORT] = { .type = NLA_U16 },
	[LITEPX_CONN_A_TARGET] = { .type = NLA_NESTED },
	[LITEPX_CONN_A_TARGET_PORT] = { .type = NLA_U16 },
	[LITEPX_CONN_A_STATE] = { .type = NLA_U8 },
	[LITEPX_CONN_A_AGE_MS] = { .type = NLA_U32 },
	[LITEPX_CONN_A_IDLE_MS] = { .type = NLA_U32 },
	[LITEPX_CONN_A_BYTES_TO_TARGET] = { .type = NLA_U64 },
	[LITEPX_CONN_A_BYTES_TO_CLIENT] = { .type = NLA_U64 },
	[LITEPX_CONN_A_PACKETS_TO_TARGET] = { .type = NLA_U64 },
	[LITEPX_CONN_A_PACKETS_TO_CLIENT] = { .type = NLA_U64 },
};

static const int conn_required[] = {
	LITEPX_CONN_A_ROUTE_ID, LITEPX_CONN_A_PROTOCOL, LITEPX_CONN_A_CLIENT,
	LITEPX_CONN_A_CLIENT_PORT, LITEPX_CONN_A_LOCAL,
	LITEPX_CONN_A_LOCAL_PORT, LITEPX_CONN_A_TARGET,
	LITEPX_CONN_A_TARGET_PORT, LITEPX_CONN_A_STATE, LITEPX_CONN_A_AGE_MS,
	LITEPX_CONN_A_IDLE_MS, LITEPX_CONN_A_BYTES_TO_TARGET,
	LITEPX_CONN_A_BYTES_TO_CLIENT,
};

int lpx_nl_parse_conn(struct nlattr *nest, struct lpx_conn *c)
{
	struct nlattr *tb[LITEPX_CONN_A_MAX + 1];
	size_t i;

	if (nla_parse_nested(tb, LITEPX_CONN_A_MAX, nest, conn_policy) < 0)
		return -EPROTO;
	for (i = 0; i < sizeof(conn_required) / sizeof(conn_required[0]); i++)
		if (!tb[conn_required[i]])
			return -EPROTO;
	if (parse_addr(tb[LITEPX_CONN_A_CLIENT], &c->client) ||
	    parse_addr(tb[LITEPX_CONN_A_LOCAL], &c->local) ||
	    parse_addr(tb[LITEPX_CONN_A_TARGET], &c->target))
		return -EPROTO;
	c->route_id = nla_get_u32(tb[LITEPX_CONN_A_ROUTE_ID]);
	c->protocol = nla_get_u8(tb[LITEPX_CONN_A_PROTOCOL]);
	c->client_port = nla_get_u16(tb[LITEPX_CONN_A_CLIENT_PORT]);
	c->local_port = nla_get_u16(tb[LITEPX_CONN_A_LOCAL_PORT]);
	c->target_port = nla_get_u16(tb[LITEPX_CONN_A_TARGET_PORT]);
	c->state = nla_get_u8(tb[LITEPX_CONN_A_STATE]);
	c->age_ms = nla_get_u32(tb[LITEPX_CONN_A_AGE_MS]);
	c->idle_ms = nla_get_u32(tb[LITEPX_CONN_A_IDLE_MS]);
	c->bytes_to_target = nla_get_u64(tb[LITEPX_CONN_A_BYTES_TO_TARGET]);
	c->bytes_to_client = nla_get_u64(tb[LITEPX_CONN_A_BYTES_TO_CLIENT]);
	c->packets_to_target = tb[LITEPX_CONN_A_PACKETS_TO_TARGET] ?
		nla_get_u64(tb[LITEPX_CONN_A_PACKETS_TO_TARGET]) : 0;
	c->packets_to_client = tb[LITEPX_CONN_A_PACKETS_TO_CLIENT] ?
		nla_get_u64(tb[LITEPX_CONN_A_PACKETS_TO_CLIENT]) : 0;
	return 0;
}
