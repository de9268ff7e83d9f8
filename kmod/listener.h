/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-owned sockets on every configured (protocol, family, address,
 * port): TCP listeners whose accept work hands clients to tcp.c, and UDP
 * sockets whose encap_rcv hook hands datagrams to udp.c.
 */
#ifndef LITEPX_LISTENER_H
#define LITEPX_LISTENER_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "config.h"

struct litepx_net;
struct netlink_ext_ack;
struct sock;
struct socket;

/* Indexes of ln->nlisteners. */
enum litepx_listener_kind {
	LITEPX_LISTENER_TCP,
	LITEPX_LISTENER_UDP,
	__LITEPX_LISTENER_MAX
};

struct litepx_listener {
	struct hlist_node node;		/* in ln->listeners */
	struct list_head staged;	/* in a litepx_listener_change */
	struct rcu_head rcu;
	struct litepx_net *ln;
	struct socket *sock;
	struct litepx_route __rcu *route;
	/* Route it will serve once the change being prepared commits. */
	struct litepx_route *next_route;
	struct delayed_work accept_work;	/* TCP only */
	void (*saved_data_ready)(struct sock *sk);
	struct litepx_addr addr;	/* unspecified for "every address" */
	u16 port;
	u8 kind;			/* enum litepx_listener_kind */
	/*
	 * UDP only: bound with SO_REUSEADDR to share its port with a
	 * socket the change being prepared closes; cleared at commit.
	 */
	bool sharing_port;
};

/*
 * Applying a config is two-phase so that it is all or nothing: prepare
 * binds every new socket (and fails without side effects), commit
 * switches over and cannot fail. Both run under ln->config_lock.
 *
 * A new socket whose port an old one holds on an overlapping address
 * (every address against one) makes the old one step aside: a TCP
 * listener stops listening, a UDP socket lets the port be shared. Abort
 * puts them back; commit closes them with the rest of the old config.
 */
struct litepx_listener_change {
	struct list_head created;
	struct list_head stepped_aside;	/* old listeners, via ->staged */
};

int litepx_listeners_prepare(struct litepx_net *ln,
			     const struct litepx_config *cfg,
			     struct litepx_listener_change *change,
			     struct netlink_ext_ack *extack);
void litepx_listeners_abort(struct litepx_net *ln,
			    struct litepx_listener_change *change);
void litepx_listeners_commit(struct litepx_net *ln,
			     struct litepx_listener_change *change);

u32 litepx_listener_count(struct litepx_net *ln, enum litepx_listener_kind kind);

#endif /* LITEPX_LISTENER_H */
