// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/litepx.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/litepx.h>

/* Common nested types */
const struct nla_policy litepx_addr_nl_policy[LITEPX_ADDR_A_IN6 + 1] = {
	[LITEPX_ADDR_A_IN] = NLA_POLICY_EXACT_LEN(4),
	[LITEPX_ADDR_A_IN6] = NLA_POLICY_EXACT_LEN(16),
};

const struct nla_policy litepx_opt_nl_policy[LITEPX_OPT_A_UDP_SESSION_IP_LIMIT + 1] = {
	[LITEPX_OPT_A_WORKER_THREADS] = NLA_POLICY_MAX(NLA_U32, LITEPX_MAX_CPUS),
	[LITEPX_OPT_A_IDLE_TIMEOUT] = NLA_POLICY_MIN(NLA_U32, 1),
	[LITEPX_OPT_A_CONNECT_TIMEOUT] = NLA_POLICY_MIN(NLA_U32, 1),
	[LITEPX_OPT_A_SHUTDOWN_TIMEOUT] = NLA_POLICY_MIN(NLA_U32, 1),
	[LITEPX_OPT_A_LOG_LEVEL] = NLA_POLICY_MAX(NLA_U8, 3),
	[LITEPX_OPT_A_TCP_CONN_LIMIT] = { .type = NLA_U32, },
	[LITEPX_OPT_A_TCP_CONN_IP_LIMIT] = { .type = NLA_U32, },
	[LITEPX_OPT_A_UDP_SESSION_LIMIT] = { .type = NLA_U32, },
	[LITEPX_OPT_A_UDP_PPS_IP_LIMIT] = { .type = NLA_U32, },
	[LITEPX_OPT_A_UDP_BPS_IP_LIMIT] = { .type = NLA_U64, },
	[LITEPX_OPT_A_IPV6_PREFIX] = NLA_POLICY_RANGE(NLA_U8, 1, 128),
	[LITEPX_OPT_A_CPU] = NLA_POLICY_MAX(NLA_U32, 1023),
	[LITEPX_OPT_A_RCVBUF] = { .type = NLA_U32, },
	[LITEPX_OPT_A_SNDBUF] = { .type = NLA_U32, },
	[LITEPX_OPT_A_UDP_SESSION_IP_LIMIT] = { .type = NLA_U32, },
};

const struct nla_policy litepx_route_nl_policy[LITEPX_ROUTE_A_STATS + 1] = {
	[LITEPX_ROUTE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[LITEPX_ROUTE_A_PROTOCOLS] = NLA_POLICY_RANGE(NLA_U8, 1, LITEPX_PROTO_ALL),
	[LITEPX_ROUTE_A_LISTEN] = NLA_POLICY_NESTED(litepx_addr_nl_policy),
	[LITEPX_ROUTE_A_PORT_FROM] = NLA_POLICY_MIN(NLA_U16, 1),
	[LITEPX_ROUTE_A_PORT_TO] = NLA_POLICY_MIN(NLA_U16, 1),
	[LITEPX_ROUTE_A_DEST_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[LITEPX_ROUTE_A_DEST_HOST] = { .type = NLA_NUL_STRING, .len = 255, },
	[LITEPX_ROUTE_A_DEST] = NLA_POLICY_NESTED(litepx_addr_nl_policy),
	[LITEPX_ROUTE_A_PROXY_PROTOCOL] = NLA_POLICY_MAX(NLA_U8, 3),
	[LITEPX_ROUTE_A_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = 255, },
	[LITEPX_ROUTE_A_IDLE_TIMEOUT] = NLA_POLICY_MIN(NLA_U32, 1),
	[LITEPX_ROUTE_A_CONNECT_TIMEOUT] = NLA_POLICY_MIN(NLA_U32, 1),
	[LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT] = NLA_POLICY_MIN(NLA_U32, 1),
	[LITEPX_ROUTE_A_STATS] = NLA_POLICY_NESTED(litepx_stats_nl_policy),
};

const struct nla_policy litepx_stats_nl_policy[LITEPX_STATS_A_REFUSED_OTHER + 1] = {
	[LITEPX_STATS_A_ACTIVE] = { .type = NLA_U32, },
	[LITEPX_STATS_A_CONNS] = { .type = NLA_U64, },
	[LITEPX_STATS_A_BYTES_TO_TARGET] = { .type = NLA_U64, },
	[LITEPX_STATS_A_BYTES_TO_CLIENT] = { .type = NLA_U64, },
	[LITEPX_STATS_A_REFUSED_CONN_LIMIT] = { .type = NLA_U64, },
	[LITEPX_STATS_A_REFUSED_IP_LIMIT] = { .type = NLA_U64, },
	[LITEPX_STATS_A_CONNECT_FAILURES] = { .type = NLA_U64, },
	[LITEPX_STATS_A_CONNECT_TIMEOUTS] = { .type = NLA_U64, },
	[LITEPX_STATS_A_IDLE_TIMEOUTS] = { .type = NLA_U64, },
	[LITEPX_STATS_A_SHUTDOWN_TIMEOUTS] = { .type = NLA_U64, },
	[LITEPX_STATS_A_RESETS] = { .type = NLA_U64, },
	[LITEPX_STATS_A_SESSIONS] = { .type = NLA_U64, },
	[LITEPX_STATS_A_PACKETS_TO_TARGET] = { .type = NLA_U64, },
	[LITEPX_STATS_A_PACKETS_TO_CLIENT] = { .type = NLA_U64, },
	[LITEPX_STATS_A_REFUSED_SESSION_LIMIT] = { .type = NLA_U64, },
	[LITEPX_STATS_A_DROPPED_PPS] = { .type = NLA_U64, },
	[LITEPX_STATS_A_DROPPED_BPS] = { .type = NLA_U64, },
	[LITEPX_STATS_A_SESSION_EXPIRIES] = { .type = NLA_U64, },
	[LITEPX_STATS_A_DROPPED_OTHER] = { .type = NLA_U64, },
	[LITEPX_STATS_A_SESSIONS_ACTIVE] = { .type = NLA_U32, },
	[LITEPX_STATS_A_REFUSED_SESSION_IP_LIMIT] = { .type = NLA_U64, },
	[LITEPX_STATS_A_SESSIONS_EVICTED] = { .type = NLA_U64, },
	[LITEPX_STATS_A_ACCEPT_ERRORS] = { .type = NLA_U64, },
	[LITEPX_STATS_A_REFUSED_OTHER] = { .type = NLA_U64, },
};

/* Global operation policy for litepx */
const struct nla_policy litepx_nl_policy[LITEPX_A_ROUTE + 1] = {
	[LITEPX_A_OPTIONS] = NLA_POLICY_NESTED(litepx_opt_nl_policy),
	[LITEPX_A_ROUTE] = NLA_POLICY_NESTED(litepx_route_nl_policy),
};

/* Ops table for litepx */
const struct genl_small_ops litepx_nl_ops[5] = {
	{
		.cmd	= LITEPX_CMD_CONFIG_SET,
		.doit	= litepx_nl_config_set_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= LITEPX_CMD_CONFIG_GET,
		.doit	= litepx_nl_config_get_doit,
	},
	{
		.cmd	= LITEPX_CMD_ROUTE_GET,
		.dumpit	= litepx_nl_route_get_dumpit,
	},
	{
		.cmd	= LITEPX_CMD_FLUSH,
		.doit	= litepx_nl_flush_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= LITEPX_CMD_CONN_GET,
		.dumpit	= litepx_nl_conn_get_dumpit,
		.flags	= GENL_ADMIN_PERM,
	},
};
