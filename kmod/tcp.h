/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP data path: listeners (listener.c) accept clients, connections
 * (tcp.c) dial the target and relay bytes between the two sockets with
 * tcp_read_sock() and skb_send_sock_locked(), so payload pages move from
 * one socket to the other without being copied into module memory.
 */
#ifndef LITEPX_TCP_H
#define LITEPX_TCP_H

#include <linux/types.h>

#include "conn_info.h"

struct litepx_net;
struct litepx_route;
struct socket;

/* Listener to connection: a new client arrived on route. */
void litepx_conn_accept(struct litepx_net *ln, struct litepx_route *route,
			struct socket *client);

void litepx_tcp_net_init(struct litepx_net *ln);
void litepx_tcp_net_exit(struct litepx_net *ln);

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

#endif /* LITEPX_TCP_H */
