/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * litepx: in-kernel TCP/UDP port forwarder, generic netlink interface.
 *
 * Family "litepx", version LITEPX_GENL_VERSION. Every command that changes
 * state needs CAP_NET_ADMIN (GENL_ADMIN_PERM). State is per network
 * namespace: a command acts on the namespace of the sending socket.
 * docs/netlink/litepx.yaml is the reference description of this family.
 *
 * LITEPX_CMD_CONFIG_SET: replace the whole configuration atomically. The
 * kernel validates everything and either swaps the new config in or keeps
 * the old one and answers with an errno plus an extack message.
 *
 *    LITEPX_A_OPTIONS: NLA_NESTED, optional (absent: every default)
 *       LITEPX_OPT_A_WORKER_THREADS: NLA_U32, 0 = one per online CPU
 *       LITEPX_OPT_A_IDLE_TIMEOUT: NLA_U32, milliseconds, >= 1
 *       LITEPX_OPT_A_CONNECT_TIMEOUT: NLA_U32, milliseconds, >= 1
 *       LITEPX_OPT_A_SHUTDOWN_TIMEOUT: NLA_U32, milliseconds, >= 1
 *       LITEPX_OPT_A_LOG_LEVEL: NLA_U8, enum litepx_log_level
 *       LITEPX_OPT_A_TCP_CONN_LIMIT: NLA_U32, 0 = no limit
 *       LITEPX_OPT_A_TCP_CONN_IP_LIMIT: NLA_U32, 0 = no limit
 *       LITEPX_OPT_A_UDP_SESSION_LIMIT: NLA_U32, 0 = no limit
 *       LITEPX_OPT_A_UDP_PPS_IP_LIMIT: NLA_U32, 0 = no limit
 *       LITEPX_OPT_A_UDP_BPS_IP_LIMIT: NLA_U64, bytes per second, 0 = none
 *       LITEPX_OPT_A_IPV6_PREFIX: NLA_U8, 1..128: per-source limits count
 *                                 IPv6 clients per prefix of this length
 *       LITEPX_OPT_A_CPU: NLA_U32, repeated: cpu_affinity, in order
 *       LITEPX_OPT_A_RCVBUF: NLA_U32, bytes, 0 = kernel default
 *       LITEPX_OPT_A_SNDBUF: NLA_U32, bytes, 0 = kernel default
 *       LITEPX_OPT_A_UDP_SESSION_IP_LIMIT: NLA_U32, sessions from one
 *                                          source, 0 = no limit
 *    LITEPX_A_ROUTE: NLA_NESTED, repeated, at most LITEPX_MAX_ROUTES
 *       LITEPX_ROUTE_A_ID: NLA_U32, >= 1, unique: position in routes.yml
 *       LITEPX_ROUTE_A_PROTOCOLS: NLA_U8, LITEPX_PROTO_TCP | LITEPX_PROTO_UDP
 *       LITEPX_ROUTE_A_LISTEN: NLA_NESTED, optional (absent: every IPv4 and
 *                              IPv6 address)
 *          LITEPX_ADDR_A_IN: NLA_BINARY, 4 bytes, network order
 *        or LITEPX_ADDR_A_IN6: NLA_BINARY, 16 bytes
 *       LITEPX_ROUTE_A_PORT_FROM: NLA_U16, 1..65535
 *       LITEPX_ROUTE_A_PORT_TO: NLA_U16, PORT_FROM..65535
 *       LITEPX_ROUTE_A_DEST_PORT: NLA_U16, target port of PORT_FROM; port
 *                                 PORT_FROM + n goes to DEST_PORT + n
 *       LITEPX_ROUTE_A_DEST_HOST: NLA_NUL_STRING, as written, for display
 *       LITEPX_ROUTE_A_DEST: NLA_NESTED, repeated 1..LITEPX_MAX_DESTS times,
 *                            one address each, tried in this order
 *          LITEPX_ADDR_A_IN or LITEPX_ADDR_A_IN6
 *       LITEPX_ROUTE_A_PROXY_PROTOCOL: NLA_U8, enum litepx_proxy_protocol
 *       LITEPX_ROUTE_A_DESCRIPTION: NLA_NUL_STRING, optional
 *       LITEPX_ROUTE_A_IDLE_TIMEOUT: NLA_U32, optional override, ms
 *       LITEPX_ROUTE_A_CONNECT_TIMEOUT: NLA_U32, optional override, ms
 *       LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT: NLA_U32, optional override, ms
 *
 * LITEPX_CMD_CONFIG_GET: no attributes. Reply:
 *    LITEPX_A_GENERATION: NLA_U32, bumped by every CONFIG_SET and FLUSH
 *    LITEPX_A_ROUTE_COUNT: NLA_U32
 *    LITEPX_A_OPTIONS: as above, every option present
 *
 * LITEPX_CMD_ROUTE_GET (dump): no attributes. One message per route:
 *    LITEPX_A_GENERATION, then LITEPX_A_ROUTE as above, with every
 *    override resolved (the effective timeouts are always present).
 *    A dump that spans a config change is flagged NLM_F_DUMP_INTR.
 *
 *    Dumps add to each route:
 *       LITEPX_ROUTE_A_STATS: NLA_NESTED
 *          LITEPX_STATS_A_ACTIVE: NLA_U32, open TCP connections
 *          LITEPX_STATS_A_CONNS ... LITEPX_STATS_A_DROPPED_OTHER: NLA_U64
 *                                  totals since the route was first loaded
 *          LITEPX_STATS_A_SESSIONS_ACTIVE: NLA_U32, live UDP sessions
 *          LITEPX_STATS_A_REFUSED_SESSION_IP_LIMIT: NLA_U64, a total too
 *          LITEPX_STATS_A_SESSIONS_EVICTED: NLA_U64, a total too
 *
 * LITEPX_CMD_FLUSH: no attributes. Removes the whole configuration.
 *
 * LITEPX_CMD_CONN_GET (dump, CAP_NET_ADMIN: shows client addresses): no
 * attributes. One message per relayed connection:
 *    LITEPX_A_CONN: NLA_NESTED
 *       LITEPX_CONN_A_ROUTE_ID: NLA_U32
 *       LITEPX_CONN_A_PROTOCOL: NLA_U8, LITEPX_PROTO_TCP or _UDP
 *       LITEPX_CONN_A_CLIENT, _LOCAL, _TARGET: NLA_NESTED addresses
 *       LITEPX_CONN_A_CLIENT_PORT, _LOCAL_PORT, _TARGET_PORT: NLA_U16
 *       LITEPX_CONN_A_STATE: NLA_U8, enum litepx_conn_state
 *       LITEPX_CONN_A_AGE_MS, LITEPX_CONN_A_IDLE_MS: NLA_U32
 *       LITEPX_CONN_A_BYTES_TO_TARGET, _TO_CLIENT: NLA_U64
 *       LITEPX_CONN_A_PACKETS_TO_TARGET, _TO_CLIENT: NLA_U64, UDP only
 *    TCP connections come first, then UDP sessions.
 */
#ifndef _UAPI_LINUX_LITEPX_H
#define _UAPI_LINUX_LITEPX_H

#define LITEPX_GENL_NAME	"litepx"
#define LITEPX_GENL_VERSION	1

#define LITEPX_MAX_ROUTES	65536
#define LITEPX_MAX_DESTS	16
#define LITEPX_MAX_CPUS		1024
#define LITEPX_DESCRIPTION_MAX	256	/* bytes, with the NUL */
#define LITEPX_HOST_MAX		256	/* bytes, with the NUL */

enum litepx_cmd {
	LITEPX_CMD_UNSPEC,
	LITEPX_CMD_CONFIG_SET,
	LITEPX_CMD_CONFIG_GET,
	LITEPX_CMD_ROUTE_GET,
	LITEPX_CMD_FLUSH,
	LITEPX_CMD_CONN_GET,

	__LITEPX_CMD_MAX,
	LITEPX_CMD_MAX = __LITEPX_CMD_MAX - 1
};

enum litepx_attr {
	LITEPX_A_UNSPEC,
	LITEPX_A_GENERATION,
	LITEPX_A_ROUTE_COUNT,
	LITEPX_A_OPTIONS,
	LITEPX_A_ROUTE,
	LITEPX_A_CONN,

	__LITEPX_A_MAX,
	LITEPX_A_MAX = __LITEPX_A_MAX - 1
};

enum litepx_opt_attr {
	LITEPX_OPT_A_UNSPEC,
	LITEPX_OPT_A_WORKER_THREADS,
	LITEPX_OPT_A_IDLE_TIMEOUT,
	LITEPX_OPT_A_CONNECT_TIMEOUT,
	LITEPX_OPT_A_SHUTDOWN_TIMEOUT,
	LITEPX_OPT_A_LOG_LEVEL,
	LITEPX_OPT_A_TCP_CONN_LIMIT,
	LITEPX_OPT_A_TCP_CONN_IP_LIMIT,
	LITEPX_OPT_A_UDP_SESSION_LIMIT,
	LITEPX_OPT_A_UDP_PPS_IP_LIMIT,
	LITEPX_OPT_A_UDP_BPS_IP_LIMIT,
	LITEPX_OPT_A_IPV6_PREFIX,
	LITEPX_OPT_A_CPU,
	LITEPX_OPT_A_RCVBUF,
	LITEPX_OPT_A_SNDBUF,
	LITEPX_OPT_A_PAD,
	LITEPX_OPT_A_UDP_SESSION_IP_LIMIT,

	__LITEPX_OPT_A_MAX,
	LITEPX_OPT_A_MAX = __LITEPX_OPT_A_MAX - 1
};

enum litepx_route_attr {
	LITEPX_ROUTE_A_UNSPEC,
	LITEPX_ROUTE_A_ID,
	LITEPX_ROUTE_A_PROTOCOLS,
	LITEPX_ROUTE_A_LISTEN,
	LITEPX_ROUTE_A_PORT_FROM,
	LITEPX_ROUTE_A_PORT_TO,
	LITEPX_ROUTE_A_DEST_PORT,
	LITEPX_ROUTE_A_DEST_HOST,
	LITEPX_ROUTE_A_DEST,
	LITEPX_ROUTE_A_PROXY_PROTOCOL,
	LITEPX_ROUTE_A_DESCRIPTION,
	LITEPX_ROUTE_A_IDLE_TIMEOUT,
	LITEPX_ROUTE_A_CONNECT_TIMEOUT,
	LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT,
	LITEPX_ROUTE_A_STATS,

	__LITEPX_ROUTE_A_MAX,
	LITEPX_ROUTE_A_MAX = __LITEPX_ROUTE_A_MAX - 1
};

enum litepx_stats_attr {
	LITEPX_STATS_A_UNSPEC,
	LITEPX_STATS_A_PAD,
	LITEPX_STATS_A_ACTIVE,
	LITEPX_STATS_A_CONNS,
	LITEPX_STATS_A_BYTES_TO_TARGET,
	LITEPX_STATS_A_BYTES_TO_CLIENT,
	LITEPX_STATS_A_REFUSED_CONN_LIMIT,
	LITEPX_STATS_A_REFUSED_IP_LIMIT,
	LITEPX_STATS_A_CONNECT_FAILURES,
	LITEPX_STATS_A_CONNECT_TIMEOUTS,
	LITEPX_STATS_A_IDLE_TIMEOUTS,
	LITEPX_STATS_A_SHUTDOWN_TIMEOUTS,
	LITEPX_STATS_A_RESETS,
	LITEPX_STATS_A_SESSIONS,
	LITEPX_STATS_A_PACKETS_TO_TARGET,
	LITEPX_STATS_A_PACKETS_TO_CLIENT,
	LITEPX_STATS_A_REFUSED_SESSION_LIMIT,
	LITEPX_STATS_A_DROPPED_PPS,
	LITEPX_STATS_A_DROPPED_BPS,
	LITEPX_STATS_A_SESSION_EXPIRIES,
	LITEPX_STATS_A_DROPPED_OTHER,
	LITEPX_STATS_A_SESSIONS_ACTIVE,
	LITEPX_STATS_A_REFUSED_SESSION_IP_LIMIT,
	LITEPX_STATS_A_SESSIONS_EVICTED,

	__LITEPX_STATS_A_MAX,
	LITEPX_STATS_A_MAX = __LITEPX_STATS_A_MAX - 1
};

enum litepx_conn_attr {
	LITEPX_CONN_A_UNSPEC,
	LITEPX_CONN_A_PAD,
	LITEPX_CONN_A_ROUTE_ID,
	LITEPX_CONN_A_PROTOCOL,
	LITEPX_CONN_A_CLIENT,
	LITEPX_CONN_A_CLIENT_PORT,
	LITEPX_CONN_A_LOCAL,
	LITEPX_CONN_A_LOCAL_PORT,
	LITEPX_CONN_A_TARGET,
	LITEPX_CONN_A_TARGET_PORT,
	LITEPX_CONN_A_STATE,
	LITEPX_CONN_A_AGE_MS,
	LITEPX_CONN_A_IDLE_MS,
	LITEPX_CONN_A_BYTES_TO_TARGET,
	LITEPX_CONN_A_BYTES_TO_CLIENT,
	LITEPX_CONN_A_PACKETS_TO_TARGET,
	LITEPX_CONN_A_PACKETS_TO_CLIENT,

	__LITEPX_CONN_A_MAX,
	LITEPX_CONN_A_MAX = __LITEPX_CONN_A_MAX - 1
};

enum litepx_conn_state {
	LITEPX_CONN_NEW,
	LITEPX_CONN_CONNECTING,
	LITEPX_CONN_RELAYING,
	LITEPX_CONN_CLOSED,
};

enum litepx_addr_attr {
	LITEPX_ADDR_A_UNSPEC,
	LITEPX_ADDR_A_IN,
	LITEPX_ADDR_A_IN6,

	__LITEPX_ADDR_A_MAX,
	LITEPX_ADDR_A_MAX = __LITEPX_ADDR_A_MAX - 1
};

#define LITEPX_PROTO_TCP	0x1
#define LITEPX_PROTO_UDP	0x2
#define LITEPX_PROTO_ALL	(LITEPX_PROTO_TCP | LITEPX_PROTO_UDP)

enum litepx_proxy_protocol {
	LITEPX_PROXY_NONE,
	LITEPX_PROXY_V1,	/* TCP only */
	LITEPX_PROXY_V2,
	LITEPX_PROXY_SPP,	/* UDP only */

	__LITEPX_PROXY_MAX,
	LITEPX_PROXY_MAX = __LITEPX_PROXY_MAX - 1
};

enum litepx_log_level {
	LITEPX_LOG_ERROR,
	LITEPX_LOG_WARN,
	LITEPX_LOG_INFO,
	LITEPX_LOG_DEBUG,

	__LITEPX_LOG_MAX,
	LITEPX_LOG_MAX = __LITEPX_LOG_MAX - 1
};

#endif /* _UAPI_LINUX_LITEPX_H */
