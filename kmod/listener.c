// SPDX-License-Identifier: GPL-2.0
/*
 * Module-owned sockets, one per (protocol, family, address, port) of every
 * route. A TCP listener's sk_data_ready only queues its accept work; the
 * work drains kernel_accept() and hands each client to tcp.c. A UDP
 * socket's encap_rcv hook hands every datagram to udp.c in softirq.
 *
 * A reload keeps the sockets whose (protocol, family, address, port) stays
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
#include "listener.h"
#include "tcp.h"
#include "udp.h"

#define LISTEN_BACKLOG 1024
/*
 * Clients one accept run takes before it requeues itself, so that a
 * handshake flood shares the CPU's worker with the connections it serves
 * (5.10 and 6.1 do not mark a long-running work item CPU-intensive).
 */
#define ACCEPT_BATCH 64
/* After an error such as ENOMEM or an LSM refusal: wait, do not spin. */
#define ACCEPT_BACKOFF (HZ / 20)

static u32 listener_hash(const struct litepx_addr *addr, u16 port, u8 kind)
{
	u32 h = addr->family == AF_INET ? (__force u32)addr->v4 :
		ipv6_addr_hash(&addr->v6);

	return hash_32(h ^ (port << 16) ^ (kind << 8) ^ addr->family,
		       LITEPX_LISTENER_BITS);
}

static struct litepx_listener *listener_find(struct litepx_net *ln,
					     const struct litepx_addr *addr,
					     u16 port, u8 kind)
{
	struct litepx_listener *l;

	hlist_for_each_entry(l, &ln->listeners[listener_hash(addr, port, kind)],
			     node) {
		if (l->port == port && l->kind == kind &&
		    litepx_addr_equal(&l->addr, addr))
			return l;
	}
	return NULL;
}

static void accept_queue(struct litepx_listener *l, unsigned long delay)
{
	queue_delayed_work(litepx_wq, &l->accept_work, delay);
}

static void listener_data_ready(struct sock *sk)
{
	struct litepx_listener *l;

	/*
	 * A child between its handshake and accept_one() still has this
	 * callback, but never the listener: see listener_start().
	 */
	if (sk->sk_state != TCP_LISTEN)
		return;
	read_lock_bh(&sk->sk_callback_lock);
	rcu_read_lock();
	l = rcu_dereference_sk_user_data(sk);
	if (l)
		accept_queue(l, 0);
	rcu_read_unlock();
	read_unlock_bh(&sk->sk_callback_lock);
}

/* A child leaves the listener's callbacks behind before tcp.c hooks it. */
static void child_reset_callbacks(struct litepx_listener *l, struct sock *sk)
{
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_data_ready = l->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
}

/* The listener's route, referenced, or NULL while none is committed. */
static struct litepx_route *listener_route_get(struct litepx_listener *l)
{
	struct litepx_route *route;

	rcu_read_lock();
	route = rcu_dereference(l->route);
	if (route && !refcount_inc_not_zero(&route->refs))
		route = NULL;
	rcu_read_unlock();
	return route;
}

/*
 * Most accept errors (no memory for the new struct socket) leave the
 * client in the queue for the next try; one that comes after the dequeue
 * resets it. Either way the route says so.
 */
static void accept_failed(struct litepx_listener *l, int err)
{
	struct litepx_route *route = listener_route_get(l);

	if (route) {
		litepx_route_count(route, LITEPX_CNT_ACCEPT_ERRORS, 1);
		litepx_log_conn(l->ln, LITEPX_LOG_INFO,
				"route %u: accept failed (%d), retrying\n",
				route->id, err);
		litepx_route_put(route);
	}
	accept_queue(l, ACCEPT_BACKOFF);
}

static void accept_work(struct work_struct *work)
{
	struct litepx_listener *l = container_of(to_delayed_work(work),
						 struct litepx_listener,
						 accept_work);
	struct litepx_route *route;
	struct socket *client;
	unsigned int n;
	int err;

	for (n = 0; n < ACCEPT_BATCH; n++) {
		err = litepx_kernel_accept(l->sock, &client);
		if (err == -EAGAIN)
			return;
		if (err) {
			accept_failed(l, err);
			return;
		}
		child_reset_callbacks(l, client->sk);
		route = listener_route_get(l);
		if (!route) {
			litepx_socket_reset(client);
			continue;
		}
		litepx_conn_accept(l->ln, route, client);
		litepx_route_put(route);
		cond_resched();
	}
	/* More may be waiting: after whatever else this CPU has queued. */
	accept_queue(l, 0);
}

static int listener_bind(struct litepx_listener *l)
{
	bool udp = l->kind == LITEPX_LISTENER_UDP;
	struct sockaddr_storage ss;
	struct sock *sk;
	int err, len;

	err = litepx_sock_create(l->ln->net, l->addr.family,
				 udp ? SOCK_DGRAM : SOCK_STREAM,
				 udp ? IPPROTO_UDP : IPPROTO_TCP, &l->sock);
	if (err)
		return err;
	sk = l->sock->sk;
	/*
	 * On UDP it would let another socket share the port's datagrams:
	 * only while an old socket on an overlapping address steps aside.
	 */
	if (!udp || l->sharing_port)
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
	if (udp) {
		/* Datagrams are dropped until commit gives it a route. */
		litepx_udp_listener_hook(l);
		return 0;
	}
	return litepx_kernel_listen(l->sock, LISTEN_BACKLOG);
}

/* encap_rcv and sk_data_ready may still be reading l: free after RCU. */
static void listener_free(struct litepx_listener *l)
{
	if (l->kind == LITEPX_LISTENER_UDP)
		litepx_udp_listener_unhook(l);
	sock_release(l->sock);
	kfree_rcu(l, rcu);
}

static struct litepx_listener *listener_create(struct litepx_net *ln,
					       const struct litepx_addr *addr,
					       u16 port, u8 kind,
					       bool sharing_port)
{
	struct litepx_listener *l;
	int err;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return ERR_PTR(-ENOMEM);
	l->ln = ln;
	l->addr = *addr;
	l->port = port;
	l->kind = kind;
	l->sharing_port = sharing_port;
	INIT_LIST_HEAD(&l->staged);
	INIT_DELAYED_WORK(&l->accept_work, accept_work);
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

	if (l->kind == LITEPX_LISTENER_UDP)
		return;

	/*
	 * NOCOPY: children are cloned from the listener, and must not carry
	 * a pointer to it that outlives it.
	 */
	write_lock_bh(&sk->sk_callback_lock);
	__rcu_assign_sk_user_data_with_flags(sk, l, SK_USER_DATA_NOCOPY);
	l->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = listener_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	/* Clients may have queued up between listen() and now. */
	accept_queue(l, 0);
}

static void listener_destroy(struct litepx_listener *l)
{
	struct sock *sk = l->sock->sk;

	if (l->kind == LITEPX_LISTENER_UDP) {
		listener_free(l);
		return;
	}

	write_lock_bh(&sk->sk_callback_lock);
	rcu_assign_sk_user_data(sk, NULL);
	sk->sk_data_ready = l->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_delayed_work_sync(&l->accept_work);
	/* Clients still in the accept queue are reset by the close. */
	listener_free(l);
}

/* As sock_set_reuseaddr(), the other way: sk_reuse is a bit-field. */
static void stop_sharing_port(struct litepx_listener *l)
{
	struct sock *sk = l->sock->sk;

	lock_sock(sk);
	sk->sk_reuse = SK_NO_REUSE;
	release_sock(sk);
	l->sharing_port = false;
}

/*
 * The socket stays bound (an explicit bind locks its port), so that a
 * listen() puts it back. Clients waiting in its accept queue are reset:
 * the reload moves their port away in any case.
 */
static void step_aside(struct litepx_listener *l,
		       struct litepx_listener_change *change)
{
	if (l->kind == LITEPX_LISTENER_TCP)
		kernel_sock_shutdown(l->sock, SHUT_RDWR);
	else
		sock_set_reuseaddr(l->sock->sk);
	list_add_tail(&l->staged, &change->stepped_aside);
}

static void step_back(struct litepx_listener *l)
{
	int err;

	list_del_init(&l->staged);
	if (l->kind == LITEPX_LISTENER_UDP) {
		stop_sharing_port(l);
		return;
	}
	/* Not a fault point: the rollback of a reload that failed already. */
	err = kernel_listen(l->sock, LISTEN_BACKLOG);
	if (err)
		pr_warn("TCP port %u: cannot listen again after a failed reload: %d\n",
			l->port, err);
}

static void stage_abort(struct litepx_listener_change *change)
{
	struct litepx_listener *l, *tmp;

	list_for_each_entry_safe(l, tmp, &change->created, staged) {
		list_del(&l->staged);
		listener_free(l);
	}
	/* After the new sockets are gone: they hold the ports meanwhile. */
	list_for_each_entry_safe(l, tmp, &change->stepped_aside, staged)
		step_back(l);
}

static void clear_marks(struct litepx_net *ln)
{
	struct litepx_listener *l;
	u32 i;

	for (i = 0; ln->listeners && i < LITEPX_LISTENER_BUCKETS; i++)
		hlist_for_each_entry(l, &ln->listeners[i], node)
			l->next_route = NULL;
}

static const char * const kind_names[] = {
	[LITEPX_LISTENER_TCP] = "TCP",
	[LITEPX_LISTENER_UDP] = "UDP",
};

static bool addr_is_any(const struct litepx_addr *a)
{
	return a->family == AF_INET ? !a->v4 : ipv6_addr_any(&a->v6);
}

/* One of the two binds to every address of the family, the other not. */
static bool addrs_overlap(const struct litepx_addr *a,
			  const struct litepx_addr *b)
{
	return a->family == b->family && addr_is_any(a) != addr_is_any(b);
}

/*
 * Old listeners the new config does not keep, on the port and an
 * overlapping address of a new one: they step aside. Returns how many.
 */
static u32 make_room(struct litepx_net *ln, const struct litepx_addr *addr,
		     u16 port, u8 kind, struct litepx_listener_change *change)
{
	struct litepx_listener *l;
	u32 i, moved = 0;

	for (i = 0; i < LITEPX_LISTENER_BUCKETS; i++)
		hlist_for_each_entry(l, &ln->listeners[i], node) {
			if (l->port != port || l->kind != kind ||
			    l->next_route || !addrs_overlap(&l->addr, addr) ||
			    !list_empty(&l->staged))
				continue;
			step_aside(l, change);
			moved++;
		}
	return moved;
}

static struct litepx_listener *create_or_make_room(struct litepx_net *ln,
						   const struct litepx_addr *addr,
						   u16 port, u8 kind,
						   struct litepx_listener_change *change)
{
	struct litepx_listener *l;

	l = listener_create(ln, addr, port, kind, false);
	if (PTR_ERR_OR_ZERO(l) != -EADDRINUSE ||
	    !make_room(ln, addr, port, kind, change))
		return l;
	return listener_create(ln, addr, port, kind,
			       kind == LITEPX_LISTENER_UDP);
}

/*
 * Two passes over the new config: the first marks every old listener it
 * keeps, so that the second knows which of the rest may make room.
 */
enum stage_pass {
	STAGE_KEEP,
	STAGE_CREATE,
};

static int stage_one(struct litepx_net *ln, struct litepx_route *route,
		     const struct litepx_addr *addr, u16 port, u8 kind,
		     enum stage_pass pass,
		     struct litepx_listener_change *change,
		     struct netlink_ext_ack *extack)
{
	struct litepx_listener *l;

	l = listener_find(ln, addr, port, kind);
	if (l) {
		l->next_route = route;
		return 0;
	}
	if (pass == STAGE_KEEP)
		return 0;
	l = create_or_make_room(ln, addr, port, kind, change);
	if (IS_ERR(l)) {
		/* A kernel without IPv6 still serves the IPv4 wildcard. */
		if (PTR_ERR(l) == -EAFNOSUPPORT && route->listen_any)
			return 0;
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot listen on a route's port (in use?)");
		pr_warn_ratelimited("route %u: cannot listen on %s port %u: %ld\n",
				    route->id, kind_names[kind], port,
				    PTR_ERR(l));
		return PTR_ERR(l);
	}
	l->next_route = route;
	list_add_tail(&l->staged, &change->created);
	return 0;
}

static int stage_route(struct litepx_net *ln, struct litepx_route *route,
		       u8 kind, enum stage_pass pass,
		       struct litepx_listener_change *change,
		       struct netlink_ext_ack *extack)
{
	struct litepx_addr any4 = { .family = AF_INET };
	struct litepx_addr any6 = { .family = AF_INET6 };
	u32 port;
	int err;

	for (port = route->port_from; port <= route->port_to; port++) {
		if (route->listen_any) {
			err = stage_one(ln, route, &any4, port, kind, pass,
					change, extack);
			if (!err)
				err = stage_one(ln, route, &any6, port, kind,
						pass, change, extack);
		} else {
			err = stage_one(ln, route, &route->listen, port, kind,
					pass, change, extack);
		}
		if (err)
			return err;
		cond_resched();
	}
	return 0;
}

static int stage_route_protocols(struct litepx_net *ln,
				 struct litepx_route *route,
				 enum stage_pass pass,
				 struct litepx_listener_change *change,
				 struct netlink_ext_ack *extack)
{
	int err = 0;

	if (route->protocols & LITEPX_PROTO_TCP)
		err = stage_route(ln, route, LITEPX_LISTENER_TCP, pass, change,
				  extack);
	if (!err && (route->protocols & LITEPX_PROTO_UDP))
		err = stage_route(ln, route, LITEPX_LISTENER_UDP, pass, change,
				  extack);
	return err;
}

int litepx_listeners_prepare(struct litepx_net *ln,
			     const struct litepx_config *cfg,
			     struct litepx_listener_change *change,
			     struct netlink_ext_ack *extack)
{
	enum stage_pass pass;
	u32 i;
	int err;

	lockdep_assert_held(&ln->config_lock);
	INIT_LIST_HEAD(&change->created);
	INIT_LIST_HEAD(&change->stepped_aside);
	for (pass = STAGE_KEEP; pass <= STAGE_CREATE; pass++) {
		for (i = 0; cfg && i < cfg->nroutes; i++) {
			err = stage_route_protocols(ln, cfg->routes[i], pass,
						    change, extack);
			if (err) {
				litepx_listeners_abort(ln, change);
				return err;
			}
		}
	}
	return 0;
}

void litepx_listeners_abort(struct litepx_net *ln,
			    struct litepx_listener_change *change)
{
	stage_abort(change);
	clear_marks(ln);
}

/* Listeners the new config does not keep close; kept ones re-point. */
static void commit_existing(struct litepx_net *ln)
{
	struct litepx_listener *l;
	struct hlist_node *next;
	u32 i;

	for (i = 0; ln->listeners && i < LITEPX_LISTENER_BUCKETS; i++)
		hlist_for_each_entry_safe(l, next, &ln->listeners[i], node) {
			if (l->next_route) {
				rcu_assign_pointer(l->route, l->next_route);
				l->next_route = NULL;
				continue;
			}
			hlist_del(&l->node);
			ln->nlisteners[l->kind]--;
			listener_destroy(l);
		}
}

void litepx_listeners_commit(struct litepx_net *ln,
			     struct litepx_listener_change *change)
{
	struct litepx_listener *l, *tmp;
	u32 bucket;

	lockdep_assert_held(&ln->config_lock);
	commit_existing(ln);
	list_for_each_entry_safe(l, tmp, &change->created, staged) {
		list_del_init(&l->staged);
		rcu_assign_pointer(l->route, l->next_route);
		l->next_route = NULL;
		/* Whoever it shared the port with is closed by now. */
		if (l->sharing_port)
			stop_sharing_port(l);
		bucket = listener_hash(&l->addr, l->port, l->kind);
		hlist_add_head(&l->node, &ln->listeners[bucket]);
		ln->nlisteners[l->kind]++;
		listener_start(l);
	}
}

u32 litepx_listener_count(struct litepx_net *ln, enum litepx_listener_kind kind)
{
	return READ_ONCE(ln->nlisteners[kind]);
}
