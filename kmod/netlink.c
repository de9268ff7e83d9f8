// SPDX-License-Identifier: GPL-2.0
/*
 * The "litepx" generic netlink family. docs/netlink/litepx.yaml documents
 * every command and attribute; the policies and the op table are generated
 * from it into netlink-gen.c. Netlink input is untrusted: the policies
 * check types and ranges, and the parsers below check every rule that
 * links attributes.
 */
#include <linux/ipv6.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "config.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "pernet.h"
#include "tcp.h"
#include "udp.h"

static struct genl_family litepx_genl_family;

/* Upper bound for socket buffer sizes: sk_rcvbuf is an int, doubled. */
#define LITEPX_SOCKBUF_MAX	(INT_MAX / 2)

/* Evaluates to false, with a message naming the attribute, when absent. */
#define route_has(extack, nest, tb, type)				\
	({								\
		bool __present = (tb)[type];				\
		if (!__present)						\
			NL_SET_ERR_MSG_ATTR(extack, nest,		\
					    "route lacks " #type);	\
		__present;						\
	})

/*
 * ::ffff:a.b.c.d is an IPv4 address: kept as IPv6, a UDP session's IPv6
 * socket could not send to it, and it would not compare equal to the
 * same address written as IPv4.
 */
static void unmap_v4(struct litepx_addr *addr)
{
	__be32 v4 = addr->v6.s6_addr32[3];

	memset(addr, 0, sizeof(*addr));
	addr->family = AF_INET;
	addr->v4 = v4;
}

static int parse_addr(const struct nlattr *attr, struct litepx_addr *addr,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[LITEPX_ADDR_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, LITEPX_ADDR_A_MAX, attr, litepx_addr_nl_policy,
			       extack);
	if (err)
		return err;
	if (!!tb[LITEPX_ADDR_A_IN] == !!tb[LITEPX_ADDR_A_IN6]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address needs exactly one of IN or IN6");
		return -EINVAL;
	}
	if (tb[LITEPX_ADDR_A_IN]) {
		addr->family = AF_INET;
		addr->v4 = nla_get_in_addr(tb[LITEPX_ADDR_A_IN]);
	} else {
		addr->family = AF_INET6;
		addr->v6 = nla_get_in6_addr(tb[LITEPX_ADDR_A_IN6]);
		if (ipv6_addr_v4mapped(&addr->v6))
			unmap_v4(addr);
	}
	if (addr->family == AF_INET ?
	    ipv4_is_multicast(addr->v4) || ipv4_is_lbcast(addr->v4) :
	    ipv6_addr_is_multicast(&addr->v6))
		goto bad_addr;
	return 0;

bad_addr:
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "multicast and broadcast addresses are refused");
	return -EINVAL;
}

static bool addr_is_any(const struct litepx_addr *addr)
{
	if (addr->family == AF_INET)
		return !addr->v4;
	return ipv6_addr_any(&addr->v6);
}

static int parse_dests(const struct nlattr *nest, struct litepx_route *route,
		       struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	u32 i = 0;
	int rem, err;

	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != LITEPX_ROUTE_A_DEST)
			continue;
		err = parse_addr(attr, &route->dests[i], extack);
		if (err)
			return err;
		if (addr_is_any(&route->dests[i])) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "destination address is unspecified");
			return -EINVAL;
		}
		i++;
	}
	return 0;
}

static u32 count_dests(const struct nlattr *nest)
{
	const struct nlattr *attr;
	u32 count = 0;
	int rem;

	nla_for_each_nested(attr, nest, rem)
		count += nla_type(attr) == LITEPX_ROUTE_A_DEST;
	return count;
}

static u32 get_u32_or(const struct nlattr *attr, u32 fallback)
{
	return attr ? nla_get_u32(attr) : fallback;
}

static int check_route(const struct nlattr *nest, struct nlattr **tb,
		       const struct litepx_route *route,
		       struct netlink_ext_ack *extack)
{
	u32 span = route->port_to - route->port_from;

	if (route->port_to < route->port_from) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LITEPX_ROUTE_A_PORT_TO],
				    "PORT_TO is below PORT_FROM");
		return -EINVAL;
	}
	if (route->dest_port + span > U16_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LITEPX_ROUTE_A_DEST_PORT],
				    "destination port range runs past 65535");
		return -ERANGE;
	}
	if (route->proxy_protocol == LITEPX_PROXY_V1 &&
	    (route->protocols & LITEPX_PROTO_UDP)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LITEPX_ROUTE_A_PROXY_PROTOCOL],
				    "PROXY protocol v1 is for TCP only");
		return -EINVAL;
	}
	if (route->proxy_protocol == LITEPX_PROXY_SPP &&
	    (route->protocols & LITEPX_PROTO_TCP)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LITEPX_ROUTE_A_PROXY_PROTOCOL],
				    "Simple Proxy Protocol is for UDP only");
		return -EINVAL;
	}
	return 0;
}

static bool route_has_required(struct netlink_ext_ack *extack,
			       const struct nlattr *nest, struct nlattr **tb)
{
	return route_has(extack, nest, tb, LITEPX_ROUTE_A_ID) &&
	       route_has(extack, nest, tb, LITEPX_ROUTE_A_PROTOCOLS) &&
	       route_has(extack, nest, tb, LITEPX_ROUTE_A_PORT_FROM) &&
	       route_has(extack, nest, tb, LITEPX_ROUTE_A_PORT_TO) &&
	       route_has(extack, nest, tb, LITEPX_ROUTE_A_DEST_PORT) &&
	       route_has(extack, nest, tb, LITEPX_ROUTE_A_DEST_HOST) &&
	       route_has(extack, nest, tb, LITEPX_ROUTE_A_DEST);
}

static int fill_route_strings(struct litepx_route *route, struct nlattr **tb)
{
	route->dest_host = nla_strdup(tb[LITEPX_ROUTE_A_DEST_HOST],
				      GFP_KERNEL);
	if (!route->dest_host)
		return -ENOMEM;
	if (!tb[LITEPX_ROUTE_A_DESCRIPTION])
		return 0;
	route->description = nla_strdup(tb[LITEPX_ROUTE_A_DESCRIPTION],
					GFP_KERNEL);
	return route->description ? 0 : -ENOMEM;
}

static int fill_route(struct litepx_route *route, const struct nlattr *nest,
		      struct nlattr **tb, struct netlink_ext_ack *extack)
{
	int err;

	route->id = nla_get_u32(tb[LITEPX_ROUTE_A_ID]);
	route->protocols = nla_get_u8(tb[LITEPX_ROUTE_A_PROTOCOLS]);
	route->port_from = nla_get_u16(tb[LITEPX_ROUTE_A_PORT_FROM]);
	route->port_to = nla_get_u16(tb[LITEPX_ROUTE_A_PORT_TO]);
	route->dest_port = nla_get_u16(tb[LITEPX_ROUTE_A_DEST_PORT]);
	if (tb[LITEPX_ROUTE_A_PROXY_PROTOCOL])
		route->proxy_protocol =
			nla_get_u8(tb[LITEPX_ROUTE_A_PROXY_PROTOCOL]);
	route->idle_timeout_ms = get_u32_or(tb[LITEPX_ROUTE_A_IDLE_TIMEOUT], 0);
	route->connect_timeout_ms =
		get_u32_or(tb[LITEPX_ROUTE_A_CONNECT_TIMEOUT], 0);
	route->shutdown_timeout_ms =
		get_u32_or(tb[LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT], 0);
	route->listen_any = !tb[LITEPX_ROUTE_A_LISTEN];
	if (tb[LITEPX_ROUTE_A_LISTEN]) {
		err = parse_addr(tb[LITEPX_ROUTE_A_LISTEN], &route->listen,
				 extack);
		if (err)
			return err;
	}
	err = check_route(nest, tb, route, extack);
	if (err)
		return err;
	err = parse_dests(nest, route, extack);
	if (err)
		return err;
	return fill_route_strings(route, tb);
}

static struct litepx_route *parse_route(const struct nlattr *nest,
					struct netlink_ext_ack *extack)
{
	struct nlattr *tb[LITEPX_ROUTE_A_MAX + 1];
	struct litepx_route *route;
	u32 ndests;
	int err;

	err = nla_parse_nested(tb, LITEPX_ROUTE_A_MAX, nest,
			       litepx_route_nl_policy, extack);
	if (err)
		return ERR_PTR(err);
	if (!route_has_required(extack, nest, tb))
		return ERR_PTR(-EINVAL);
	if (tb[LITEPX_ROUTE_A_STATS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[LITEPX_ROUTE_A_STATS],
				    "STATS is read-only");
		return ERR_PTR(-EINVAL);
	}
	ndests = count_dests(nest);
	if (ndests > LITEPX_MAX_DESTS) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "route has more than LITEPX_MAX_DESTS addresses");
		return ERR_PTR(-E2BIG);
	}
	route = litepx_route_alloc(ndests);
	if (!route)
		return ERR_PTR(-ENOMEM);
	err = fill_route(route, nest, tb, extack);
	if (err) {
		litepx_route_put(route);
		return ERR_PTR(err);
	}
	return route;
}

static int parse_cpus(const struct nlattr *nest, struct litepx_options *opts,
		      struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	u32 count = 0, cpu, i;
	int rem;

	nla_for_each_nested(attr, nest, rem)
		count += nla_type(attr) == LITEPX_OPT_A_CPU;
	if (!count)
		return 0;
	if (count > LITEPX_MAX_CPUS) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "too many CPUs");
		return -E2BIG;
	}
	opts->cpus = kcalloc(count, sizeof(*opts->cpus), GFP_KERNEL);
	if (!opts->cpus)
		return -ENOMEM;
	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != LITEPX_OPT_A_CPU)
			continue;
		cpu = nla_get_u32(attr);
		if (cpu >= nr_cpu_ids || !cpu_possible(cpu)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "CPU does not exist on this machine");
			return -EINVAL;
		}
		for (i = 0; i < opts->ncpus; i++) {
			if (opts->cpus[i] == cpu) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "CPU listed twice");
				return -EINVAL;
			}
		}
		opts->cpus[opts->ncpus++] = cpu;
	}
	return 0;
}

static int parse_sockbuf(const struct nlattr *attr, u32 *out,
			 struct netlink_ext_ack *extack)
{
	if (!attr)
		return 0;
	*out = nla_get_u32(attr);
	if (*out > LITEPX_SOCKBUF_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "socket buffer size too big");
		return -ERANGE;
	}
	return 0;
}

static void get_u32_opt(struct nlattr **tb, int type, u32 *out)
{
	if (tb[type])
		*out = nla_get_u32(tb[type]);
}

static int parse_options(const struct nlattr *nest,
			 struct litepx_options *opts,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[LITEPX_OPT_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, LITEPX_OPT_A_MAX, nest, litepx_opt_nl_policy,
			       extack);
	if (err)
		return err;
	get_u32_opt(tb, LITEPX_OPT_A_WORKER_THREADS, &opts->worker_threads);
	get_u32_opt(tb, LITEPX_OPT_A_IDLE_TIMEOUT, &opts->idle_timeout_ms);
	get_u32_opt(tb, LITEPX_OPT_A_CONNECT_TIMEOUT,
		    &opts->connect_timeout_ms);
	get_u32_opt(tb, LITEPX_OPT_A_SHUTDOWN_TIMEOUT,
		    &opts->shutdown_timeout_ms);
	get_u32_opt(tb, LITEPX_OPT_A_TCP_CONN_LIMIT, &opts->tcp_conn_limit);
	get_u32_opt(tb, LITEPX_OPT_A_TCP_CONN_IP_LIMIT,
		    &opts->tcp_conn_ip_limit);
	get_u32_opt(tb, LITEPX_OPT_A_UDP_SESSION_LIMIT,
		    &opts->udp_session_limit);
	get_u32_opt(tb, LITEPX_OPT_A_UDP_SESSION_IP_LIMIT,
		    &opts->udp_session_ip_limit);
	get_u32_opt(tb, LITEPX_OPT_A_UDP_PPS_IP_LIMIT,
		    &opts->udp_pps_ip_limit);
	if (tb[LITEPX_OPT_A_UDP_BPS_IP_LIMIT])
		opts->udp_bps_ip_limit =
			nla_get_u64(tb[LITEPX_OPT_A_UDP_BPS_IP_LIMIT]);
	if (tb[LITEPX_OPT_A_LOG_LEVEL])
		opts->log_level = nla_get_u8(tb[LITEPX_OPT_A_LOG_LEVEL]);
	if (tb[LITEPX_OPT_A_IPV6_PREFIX])
		opts->ipv6_prefix = nla_get_u8(tb[LITEPX_OPT_A_IPV6_PREFIX]);
	err = parse_sockbuf(tb[LITEPX_OPT_A_RCVBUF], &opts->rcvbuf, extack);
	if (err)
		return err;
	err = parse_sockbuf(tb[LITEPX_OPT_A_SNDBUF], &opts->sndbuf, extack);
	if (err)
		return err;
	return parse_cpus(nest, opts, extack);
}

static u32 count_routes(const struct genl_info *info)
{
	const struct nlattr *attr;
	u32 count = 0;
	int rem;

	nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem)
		count += nla_type(attr) == LITEPX_A_ROUTE;
	return count;
}

static int parse_routes(struct genl_info *info, struct litepx_config *cfg,
			struct nlattr **route_attrs)
{
	struct litepx_route *route;
	struct nlattr *attr;
	int rem;

	nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(attr) != LITEPX_A_ROUTE)
			continue;
		route = parse_route(attr, info->extack);
		if (IS_ERR(route))
			return PTR_ERR(route);
		route_attrs[cfg->nroutes] = attr;
		cfg->routes[cfg->nroutes++] = route;
	}
	return 0;
}

static struct litepx_config *parse_config(struct genl_info *info)
{
	struct nlattr **route_attrs;
	struct litepx_config *cfg;
	u32 nroutes;
	int err;

	nroutes = count_routes(info);
	if (nroutes > LITEPX_MAX_ROUTES) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "more than LITEPX_MAX_ROUTES routes");
		return ERR_PTR(-E2BIG);
	}
	cfg = litepx_config_alloc(nroutes);
	route_attrs = kvcalloc(max(nroutes, 1U), sizeof(*route_attrs),
			       GFP_KERNEL);
	if (!cfg || !route_attrs) {
		err = -ENOMEM;
		goto err_free;
	}
	if (info->attrs[LITEPX_A_OPTIONS]) {
		err = parse_options(info->attrs[LITEPX_A_OPTIONS], &cfg->opts,
				    info->extack);
		if (err)
			goto err_free;
	}
	err = parse_routes(info, cfg, route_attrs);
	if (err)
		goto err_free;
	err = litepx_config_validate(cfg, route_attrs, info->extack);
	if (err)
		goto err_free;
	kvfree(route_attrs);
	return cfg;

err_free:
	kvfree(route_attrs);
	litepx_config_free(cfg);
	return ERR_PTR(err);
}

/*
 * The family has one policy, for CONFIG_SET's attributes: CONFIG_GET and
 * FLUSH, which take none, refuse them here. The dumps cannot: genl_small_ops
 * have no .start, and an error from a dumpit reaches userspace only in
 * NLMSG_DONE, which libnl does not read; they ignore well-formed ones.
 */
static int reject_attrs(struct nlattr **attrs, struct netlink_ext_ack *extack)
{
	int i;

	for (i = 1; i < ARRAY_SIZE(litepx_nl_policy); i++) {
		if (attrs && attrs[i]) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[i],
					    "command takes no attributes");
			return -EINVAL;
		}
	}
	return 0;
}

int litepx_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct litepx_net *ln = litepx_net(genl_info_net(info));
	struct litepx_config *cfg;

	cfg = parse_config(info);
	if (IS_ERR(cfg))
		return PTR_ERR(cfg);
	return litepx_net_replace_config(ln, cfg, info->extack);
}

int litepx_nl_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = reject_attrs(info->attrs, info->extack);
	if (err)
		return err;
	return litepx_net_replace_config(litepx_net(genl_info_net(info)), NULL,
					 info->extack);
}

static int put_addr(struct sk_buff *skb, int type,
		    const struct litepx_addr *addr)
{
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (addr->family == AF_INET)
		err = nla_put_in_addr(skb, LITEPX_ADDR_A_IN, addr->v4);
	else
		err = nla_put_in6_addr(skb, LITEPX_ADDR_A_IN6, &addr->v6);
	if (err) {
		nla_nest_cancel(skb, nest);
		return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_options(struct sk_buff *skb, const struct litepx_options *opts)
{
	struct nlattr *nest;
	u32 i;

	nest = nla_nest_start(skb, LITEPX_A_OPTIONS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, LITEPX_OPT_A_WORKER_THREADS,
			opts->worker_threads) ||
	    nla_put_u32(skb, LITEPX_OPT_A_IDLE_TIMEOUT, opts->idle_timeout_ms) ||
	    nla_put_u32(skb, LITEPX_OPT_A_CONNECT_TIMEOUT,
			opts->connect_timeout_ms) ||
	    nla_put_u32(skb, LITEPX_OPT_A_SHUTDOWN_TIMEOUT,
			opts->shutdown_timeout_ms) ||
	    nla_put_u8(skb, LITEPX_OPT_A_LOG_LEVEL, opts->log_level) ||
	    nla_put_u32(skb, LITEPX_OPT_A_TCP_CONN_LIMIT, opts->tcp_conn_limit) ||
	    nla_put_u32(skb, LITEPX_OPT_A_TCP_CONN_IP_LIMIT,
			opts->tcp_conn_ip_limit) ||
	    nla_put_u32(skb, LITEPX_OPT_A_UDP_SESSION_LIMIT,
			opts->udp_session_limit) ||
	    nla_put_u32(skb, LITEPX_OPT_A_UDP_SESSION_IP_LIMIT,
			opts->udp_session_ip_limit) ||
	    nla_put_u32(skb, LITEPX_OPT_A_UDP_PPS_IP_LIMIT,
			opts->udp_pps_ip_limit) ||
	    nla_put_u64_64bit(skb, LITEPX_OPT_A_UDP_BPS_IP_LIMIT,
			      opts->udp_bps_ip_limit, LITEPX_OPT_A_PAD) ||
	    nla_put_u8(skb, LITEPX_OPT_A_IPV6_PREFIX, opts->ipv6_prefix) ||
	    nla_put_u32(skb, LITEPX_OPT_A_RCVBUF, opts->rcvbuf) ||
	    nla_put_u32(skb, LITEPX_OPT_A_SNDBUF, opts->sndbuf))
		goto err_cancel;
	for (i = 0; i < opts->ncpus; i++)
		if (nla_put_u32(skb, LITEPX_OPT_A_CPU, opts->cpus[i]))
			goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int put_route_fields(struct sk_buff *skb,
			    const struct litepx_config *cfg,
			    const struct litepx_route *route)
{
	if (nla_put_u32(skb, LITEPX_ROUTE_A_ID, route->id) ||
	    nla_put_u8(skb, LITEPX_ROUTE_A_PROTOCOLS, route->protocols) ||
	    nla_put_u16(skb, LITEPX_ROUTE_A_PORT_FROM, route->port_from) ||
	    nla_put_u16(skb, LITEPX_ROUTE_A_PORT_TO, route->port_to) ||
	    nla_put_u16(skb, LITEPX_ROUTE_A_DEST_PORT, route->dest_port) ||
	    nla_put_string(skb, LITEPX_ROUTE_A_DEST_HOST, route->dest_host) ||
	    nla_put_u8(skb, LITEPX_ROUTE_A_PROXY_PROTOCOL,
		       route->proxy_protocol) ||
	    nla_put_u32(skb, LITEPX_ROUTE_A_IDLE_TIMEOUT,
			route->idle_timeout_ms) ||
	    nla_put_u32(skb, LITEPX_ROUTE_A_CONNECT_TIMEOUT,
			route->connect_timeout_ms) ||
	    nla_put_u32(skb, LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT,
			route->shutdown_timeout_ms))
		return -EMSGSIZE;
	if (route->description &&
	    nla_put_string(skb, LITEPX_ROUTE_A_DESCRIPTION, route->description))
		return -EMSGSIZE;
	return 0;
}

#define STATS_ATTR(NAME, name)					\
	[LITEPX_CNT_##NAME] = LITEPX_STATS_A_##NAME,

/* The dump attribute of each counter. */
static const u16 stats_attrs[__LITEPX_CNT_MAX] = {
	LITEPX_COUNTERS(STATS_ATTR)
};

static int put_stats(struct sk_buff *skb, const struct litepx_route *route)
{
	struct litepx_route_counters sum;
	struct nlattr *nest;
	int i;

	/* Every stats attribute but PAD and the two gauges is a counter. */
	BUILD_BUG_ON(__LITEPX_CNT_MAX + 3 != LITEPX_STATS_A_MAX);
	litepx_route_counters_sum(route, &sum);
	nest = nla_nest_start(skb, LITEPX_ROUTE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, LITEPX_STATS_A_ACTIVE,
			atomic_read(&route->stats->active)))
		goto err_cancel;
	for (i = 0; i < __LITEPX_CNT_MAX; i++)
		if (nla_put_u64_64bit(skb, stats_attrs[i], sum.v[i],
				      LITEPX_STATS_A_PAD))
			goto err_cancel;
	if (nla_put_u32(skb, LITEPX_STATS_A_SESSIONS_ACTIVE,
			atomic_read(&route->stats->sessions_active)))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int put_route(struct sk_buff *skb, const struct litepx_config *cfg,
		     const struct litepx_route *route)
{
	struct nlattr *nest;
	u32 i;

	nest = nla_nest_start(skb, LITEPX_A_ROUTE);
	if (!nest)
		return -EMSGSIZE;
	if (put_route_fields(skb, cfg, route))
		goto err_cancel;
	if (!route->listen_any &&
	    put_addr(skb, LITEPX_ROUTE_A_LISTEN, &route->listen))
		goto err_cancel;
	for (i = 0; i < route->ndests; i++)
		if (put_addr(skb, LITEPX_ROUTE_A_DEST, &route->dests[i]))
			goto err_cancel;
	if (put_stats(skb, route))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

int litepx_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct litepx_net *ln = litepx_net(genl_info_net(info));
	const struct litepx_config *cfg;
	struct litepx_options defaults;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = reject_attrs(info->attrs, info->extack);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE + LITEPX_MAX_CPUS * nla_total_size(4),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &litepx_genl_family, 0,
				LITEPX_CMD_CONFIG_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	litepx_config_set_defaults(&defaults);
	rcu_read_lock();
	cfg = rcu_dereference(ln->config);
	err = nla_put_u32(msg, LITEPX_A_GENERATION,
			  cfg ? cfg->generation : READ_ONCE(ln->generation)) ?:
	      nla_put_u32(msg, LITEPX_A_ROUTE_COUNT, cfg ? cfg->nroutes : 0) ?:
	      put_options(msg, cfg ? &cfg->opts : &defaults);
	rcu_read_unlock();
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

int litepx_nl_route_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct litepx_net *ln = litepx_net(sock_net(skb->sk));
	const struct litepx_config *cfg;
	u32 idx = cb->args[0];
	void *hdr;

	rcu_read_lock();
	cfg = rcu_dereference(ln->config);
	cb->seq = cfg ? cfg->generation : READ_ONCE(ln->generation);
	for (; cfg && idx < cfg->nroutes; idx++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &litepx_genl_family,
				  NLM_F_MULTI, LITEPX_CMD_ROUTE_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_u32(skb, LITEPX_A_GENERATION, cfg->generation) ||
		    put_route(skb, cfg, cfg->routes[idx])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

static int put_conn(struct sk_buff *skb, const struct litepx_conn_info *info)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, LITEPX_A_CONN);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, LITEPX_CONN_A_ROUTE_ID, info->route_id) ||
	    nla_put_u8(skb, LITEPX_CONN_A_PROTOCOL, info->protocol) ||
	    put_addr(skb, LITEPX_CONN_A_CLIENT, &info->client) ||
	    nla_put_u16(skb, LITEPX_CONN_A_CLIENT_PORT, info->client_port) ||
	    put_addr(skb, LITEPX_CONN_A_LOCAL, &info->local) ||
	    nla_put_u16(skb, LITEPX_CONN_A_LOCAL_PORT, info->local_port) ||
	    put_addr(skb, LITEPX_CONN_A_TARGET, &info->target) ||
	    nla_put_u16(skb, LITEPX_CONN_A_TARGET_PORT, info->target_port) ||
	    nla_put_u8(skb, LITEPX_CONN_A_STATE, info->state) ||
	    nla_put_u32(skb, LITEPX_CONN_A_AGE_MS, info->age_ms) ||
	    nla_put_u32(skb, LITEPX_CONN_A_IDLE_MS, info->idle_ms) ||
	    nla_put_u64_64bit(skb, LITEPX_CONN_A_BYTES_TO_TARGET,
			      info->to_target, LITEPX_CONN_A_PAD) ||
	    nla_put_u64_64bit(skb, LITEPX_CONN_A_BYTES_TO_CLIENT,
			      info->to_client, LITEPX_CONN_A_PAD))
		goto err_cancel;
	if (info->protocol == LITEPX_PROTO_UDP &&
	    (nla_put_u64_64bit(skb, LITEPX_CONN_A_PACKETS_TO_TARGET,
			       info->packets_to_target, LITEPX_CONN_A_PAD) ||
	     nla_put_u64_64bit(skb, LITEPX_CONN_A_PACKETS_TO_CLIENT,
			       info->packets_to_client, LITEPX_CONN_A_PAD)))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

struct conn_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	bool full;
};

static int dump_one_conn(const struct litepx_conn_info *info, void *arg)
{
	struct conn_dump *d = arg;
	void *hdr;

	hdr = genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &litepx_genl_family,
			  NLM_F_MULTI, LITEPX_CMD_CONN_GET);
	if (!hdr)
		goto full;
	if (put_conn(d->skb, info)) {
		genlmsg_cancel(d->skb, hdr);
		goto full;
	}
	genlmsg_end(d->skb, hdr);
	return 0;

full:
	d->full = true;
	return -EMSGSIZE;
}

/*
 * Connections come and go between the parts of a dump, so a resumed dump
 * may skip or repeat one: it is a view, not a snapshot.
 */
int litepx_nl_conn_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct litepx_session_cursor cur = { cb->args[1], cb->args[2] };
	struct litepx_net *ln = litepx_net(sock_net(skb->sk));
	struct conn_dump d = { .skb = skb, .cb = cb };
	u64 cursor = cb->args[0];

	litepx_conn_walk(ln, &cursor, dump_one_conn, &d);
	cb->args[0] = cursor;
	if (!d.full)
		litepx_session_walk(ln, &cur, dump_one_conn, &d);
	cb->args[1] = cur.bucket;
	cb->args[2] = cur.after;
	return skb->len;
}

static struct genl_family litepx_genl_family __ro_after_init = {
	.name = LITEPX_GENL_NAME,
	.version = LITEPX_GENL_VERSION,
	.policy = litepx_nl_policy,
	.maxattr = ARRAY_SIZE(litepx_nl_policy) - 1,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = litepx_nl_ops,
	.n_small_ops = ARRAY_SIZE(litepx_nl_ops),
};

int __init litepx_genetlink_init(void)
{
	return genl_register_family(&litepx_genl_family);
}

void litepx_genetlink_uninit(void)
{
	genl_unregister_family(&litepx_genl_family);
}
