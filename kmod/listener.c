// SPDX-License-Identifier: GPL-2.0
/*
 * Module-owned listening sockets, one per (family, address, port) of every
 * TCP route. A listener's sk_data_ready only queues its accept work; the
 * work drains kernel_accept() and hands each client to conn.c.
 *
 * A reload keeps the listeners whose (family, address, port) stays
 * configured, re-pointing them at the new route under RCU, so clients of
 * unchanged routes never see a closed port.
 */
#include <linux/hash.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "config.h"
#include "pernet.h"
#include "socket.h"
#include "tcp.h"

#define LISTEN_BACKLOG 1024

struct litepx_listener {
	struct hlist_node node;		/* in ln->listeners */
	struct list_head staged;	/* in a litepx_tcp_change */
	struct litepx_net *ln;
	struct socket *sock;
	struct litepx_route __rcu *route;
	/* Route it will serve once the change being prepared commits. */
	struct litepx_route *next_route;
	struct work_struct accept_work;
	void (*saved_data_ready)(struct sock *sk);
	struct litepx_addr addr;	/* unspecified for "every address" */
	u16 port;
};

static u32 listener_hash(const struct litepx_addr *addr, u16 port)
{
	u32 h = addr->family == AF_INET ? (__force u32)addr->v4 :
		ipv6_addr_hash(&addr->v6);

	return hash_32(h ^ (port << 16) ^ addr->family, 10);
}

static struct litepx_listener *listener_find(struct litepx_net *ln,
					     const struct litepx_addr *addr,
					     u16 port)
{
	struct litepx_listener *l;

	hash_for_each_possible(ln->listeners, l, node,
			       listener_hash(addr, port)) {
		if (l->port == port && litepx_addr_equal(&l->addr, addr))
			return l;
	}
	return NULL;
}

static void listener_data_ready(struct sock *sk)
{
	struct litepx_listener *l;

	/* Accepted children inherit this callback until conn.c swaps it. */
	if (sk->sk_state != TCP_LISTEN)
		return;
	read_lock_bh(&sk->sk_callback_lock);
	l = sk->sk_user_data;
	if (l)
		queue_work(litepx_wq, &l->accept_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void accept_work(struct work_struct *work)
{
	struct litepx_listener *l = container_of(work, struct litepx_listener,
						 accept_work);
	struct litepx_route *route;
	struct socket *client;
	int err;

	for (;;) {
		err = kernel_accept(l->sock, &client, O_NONBLOCK);
		if (err == -EAGAIN)
			return;
		if (err) {
			/* ENOMEM or an aborted child: retry, do not spin. */
			queue_work(litepx_wq, &l->accept_work);
			return;
		}
		rcu_read_lock();
		route = rcu_dereference(l->route);
		if (route && !refcount_inc_not_zero(&route->refs))
			route = NULL;
		rcu_read_unlock();
		if (!route) {
			litepx_socket_reset(client);
			continue;
		}
		litepx_conn_accept(l->ln, route, client);
		litepx_route_put(route);
		cond_resched();
	}
}

static int listener_bind(struct litepx_listener *l)
{
	struct sockaddr_storage ss;
	struct sock *sk;
	int err, len;

	err = sock_create_kern(l->ln->net, l->addr.family, SOCK_STREAM,
			       IPPROTO_TCP, &l->sock);
	if (err)
		return err;
	sk = l->sock->sk;
	sock_set_reuseaddr(sk);
	if (l->addr.family == AF_INET6) {
		/* The IPv4 wildcard has its own socket on the same port. */
		err = ip6_sock_set_v6only(sk);
		if (err)
			return err;
	}
	len = litepx_sockaddr_fill(&ss, &l->addr, l->port);
	err = litepx_kernel_bind(l->sock, &ss, len);
	if (err)
		return err;
	return kernel_listen(l->sock, LISTEN_BACKLOG);
}

static struct litepx_listener *listener_create(struct litepx_net *ln,
					       const struct litepx_addr *addr,
					       u16 port)
{
	struct litepx_listener *l;
	int err;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return ERR_PTR(-ENOMEM);
	l->ln = ln;
	l->addr = *addr;
	l->port = port;
	INIT_WORK(&l->accept_work, accept_work);
	err = listener_bind(l);
	if (err) {
		if (l->sock)
			sock_release(l->sock);
		kfree(l);
		return ERR_PTR(err);
	}
	return l;
}

static void listener_start(struct litepx_listener *l)
{
	struct sock *sk = l->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = l;
	l->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = listener_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	/* Clients may have queued up between listen() and now. */
	queue_work(litepx_wq, &l->accept_work);
}

static void listener_destroy(struct litepx_listener *l)
{
	struct sock *sk = l->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = l->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&l->accept_work);
	/* Clients still in the accept queue are reset by the close. */
	sock_release(l->sock);
	kfree(l);
}

static void stage_abort(struct litepx_tcp_change *change)
{
	struct litepx_listener *l, *tmp;

	list_for_each_entry_safe(l, tmp, &change->created, staged) {
		list_del(&l->staged);
		sock_release(l->sock);
		kfree(l);
	}
}

static void clear_marks(struct litepx_net *ln)
{
	struct litepx_listener *l;
	int bkt;

	hash_for_each(ln->listeners, bkt, l, node)
		l->next_route = NULL;
}

static int stage_one(struct litepx_net *ln, struct litepx_route *route,
		     const struct litepx_addr *addr, u16 port,
		     struct litepx_tcp_change *change,
		     struct netlink_ext_ack *extack)
{
	struct litepx_listener *l;

	l = listener_find(ln, addr, port);
	if (l) {
		l->next_route = route;
		return 0;
	}
	l = listener_create(ln, addr, port);
	if (IS_ERR(l)) {
		/* A kernel without IPv6 still serves the IPv4 wildcard. */
		if (PTR_ERR(l) == -EAFNOSUPPORT && route->listen_any)
			return 0;
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot listen on a route's TCP port (in use?)");
		pr_warn_ratelimited("route %u: cannot listen on TCP port %u: %ld\n",
				    route->id, port, PTR_ERR(l));
		return PTR_ERR(l);
	}
	l->next_route = route;
	list_add_tail(&l->staged, &change->created);
	return 0;
}

static int stage_route(struct litepx_net *ln, struct litepx_route *route,
		       struct litepx_tcp_change *change,
		       struct netlink_ext_ack *extack)
{
	struct litepx_addr any4 = { .family = AF_INET };
	struct litepx_addr any6 = { .family = AF_INET6 };
	u32 port;
	int err;

	for (port = route->port_from; port <= route->port_to; port++) {
		if (route->listen_any) {
			err = stage_one(ln, route, &any4, port, change, extack);
			if (!err)
				err = stage_one(ln, route, &any6, port, change,
						extack);
		} else {
			err = stage_one(ln, route, &route->listen, port, change,
					extack);
		}
		if (err)
			return err;
		cond_resched();
	}
	return 0;
}

int litepx_tcp_prepare(struct litepx_net *ln, const struct litepx_config *cfg,
		       struct litepx_tcp_change *change,
		       struct netlink_ext_ack *extack)
{
	u32 i;
	int err;

	lockdep_assert_held(&ln->config_lock);
	INIT_LIST_HEAD(&change->created);
	for (i = 0; cfg && i < cfg->nroutes; i++) {
		if (!(cfg->routes[i]->protocols & LITEPX_PROTO_TCP))
			continue;
		err = stage_route(ln, cfg->routes[i], change, extack);
		if (err) {
			litepx_tcp_abort(ln, change);
			return err;
		}
	}
	return 0;
}

void litepx_tcp_abort(struct litepx_net *ln, struct litepx_tcp_change *change)
{
	stage_abort(change);
	clear_marks(ln);
}

void litepx_tcp_commit(struct litepx_net *ln, struct litepx_tcp_change *change)
{
	struct litepx_listener *l, *tmp;
	struct hlist_node *next;
	int bkt;

	lockdep_assert_held(&ln->config_lock);
	hash_for_each_safe(ln->listeners, bkt, next, l, node) {
		if (l->next_route) {
			rcu_assign_pointer(l->route, l->next_route);
			l->next_route = NULL;
			continue;
		}
		hash_del(&l->node);
		ln->nlisteners--;
		listener_destroy(l);
	}
	list_for_each_entry_safe(l, tmp, &change->created, staged) {
		list_del(&l->staged);
		rcu_assign_pointer(l->route, l->next_route);
		l->next_route = NULL;
		hash_add(ln->listeners, &l->node,
			 listener_hash(&l->addr, l->port));
		ln->nlisteners++;
		listener_start(l);
	}
}

u32 litepx_listener_count(struct litepx_net *ln)
{
	return READ_ONCE(ln->nlisteners);
}
