/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP data path: listeners (listener.c) accept clients, connections
 * (conn.c) dial the target and relay bytes between the two sockets with
 * tcp_read_sock() and skb_send_sock_locked(), so payload pages move from
 * one socket to the other without being copied into module memory.
 */
#ifndef LITEPX_TCP_H
#define LITEPX_TCP_H

#include <linux/list.h>
#include <linux/types.h>

#include "config.h"

struct litepx_net;
struct litepx_route;
struct netlink_ext_ack;
struct seq_file;
struct socket;

/* Listener to connection: a new client arrived on route. */
void litepx_conn_accept(struct litepx_net *ln, struct litepx_route *route,
			struct socket *client);

void litepx_tcp_net_init(struct litepx_net *ln);
void litepx_tcp_net_exit(struct litepx_net *ln);

/* A snapshot of one connection, for /proc and netlink dumps. */
struct litepx_conn_info {
	u32 route_id;
	u8 protocol;			/* LITEPX_PROTO_TCP or _UDP */
	u8 state;			/* enum litepx_conn_state */
	struct litepx_addr client;
	struct litepx_addr local;
	struct litepx_addr target;
	u16 client_port;
	u16 local_port;
	u16 target_port;
	u32 age_ms;
	u32 idle_ms;
	u64 to_target;
	u64 to_client;
	u64 packets_to_target;		/* UDP only */
	u64 packets_to_client;
};

struct litepx_conn;

/*
 * Calls fn for each connection after the one whose id is *cursor (0: from
 * the first), in admission order, under the table's spinlock (fn must not
 * sleep), until fn returns non-zero. *cursor becomes the id of the last
 * connection fn accepted. Returns true if fn stopped the walk.
 */
bool litepx_conn_walk(struct litepx_net *ln, u64 *cursor,
		      int (*fn)(const struct litepx_conn_info *info, void *arg),
		      void *arg);

/*
 * The same table for a seq_file: between lock and unlock, the first
 * connection after id (NULL if none), its own id and its snapshot.
 */
void litepx_conns_lock(struct litepx_net *ln);
void litepx_conns_unlock(struct litepx_net *ln);
struct litepx_conn *litepx_conn_after(struct litepx_net *ln, u64 id);
u64 litepx_conn_id(const struct litepx_conn *c);
void litepx_conn_snapshot(const struct litepx_conn *c,
			  struct litepx_conn_info *info);

int litepx_tcp_init(void);
void litepx_tcp_uninit(void);

#endif /* LITEPX_TCP_H */
