/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * litepx: the per-route counters, in one list shared by the module
 * (per-CPU sums, /proc/litepx, the route dump) and litepxctl (the dump's
 * parser, "show" and "stats"). Not generated: the netlink spec,
 * docs/netlink/litepx.yaml, names the attributes; this list ties each
 * counter to its attribute and its printed name.
 *
 * LITEPX_COUNTERS(X) calls X(NAME, name) once per counter, in the order
 * /proc/litepx/routes prints them: NAME gives the index LITEPX_CNT_NAME
 * and the dump attribute LITEPX_STATS_A_NAME (a u64), name the word shown
 * in /proc/litepx/stats and by litepxctl. The two gauges, active TCP
 * connections and live UDP sessions, are not counters and are not here.
 * A new counter goes at the end, with a new attribute at the end of the
 * spec's stats set, so that no number changes.
 */
#ifndef _LITEPX_COUNTERS_H
#define _LITEPX_COUNTERS_H

#define LITEPX_COUNTERS(X)						\
	X(CONNS, conns)							\
	X(BYTES_TO_TARGET, bytes_to_target)				\
	X(BYTES_TO_CLIENT, bytes_to_client)				\
	X(REFUSED_CONN_LIMIT, refused_conn_limit)			\
	X(REFUSED_IP_LIMIT, refused_ip_limit)				\
	X(CONNECT_FAILURES, connect_failures)				\
	X(CONNECT_TIMEOUTS, connect_timeouts)				\
	X(IDLE_TIMEOUTS, idle_timeouts)					\
	X(SHUTDOWN_TIMEOUTS, shutdown_timeouts)				\
	X(RESETS, resets)						\
	/* UDP; the two byte counters count datagram payload too. */	\
	X(SESSIONS, sessions)						\
	X(PACKETS_TO_TARGET, packets_to_target)				\
	X(PACKETS_TO_CLIENT, packets_to_client)				\
	X(REFUSED_SESSION_LIMIT, refused_session_limit)			\
	X(DROPPED_PPS, dropped_pps)					\
	X(DROPPED_BPS, dropped_bps)					\
	X(SESSION_EXPIRIES, session_expiries)				\
	X(DROPPED_OTHER, dropped_other)					\
	X(REFUSED_SESSION_IP_LIMIT, refused_session_ip_limit)		\
	X(SESSIONS_EVICTED, sessions_evicted)				\
	X(ACCEPT_ERRORS, accept_errors)					\
	X(REFUSED_OTHER, refused_other)

#define LITEPX_CNT_ENUM(NAME, name)	LITEPX_CNT_##NAME,

enum litepx_counter {
	LITEPX_COUNTERS(LITEPX_CNT_ENUM)

	__LITEPX_CNT_MAX
};

#endif /* _LITEPX_COUNTERS_H */
