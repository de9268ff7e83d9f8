// SPDX-License-Identifier: GPL-2.0
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jhash.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "fault.h"
#include "socket.h"

bool litepx_addr_equal(const struct litepx_addr *a,
		       const struct litepx_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4 == b->v4;
	return ipv6_addr_equal(&a->v6, &b->v6);
}

/*
 * Seeded over the whole address: a client that picks its addresses (any
 * IPv6 /64 can) must not be able to fill one bucket of a table keyed by
 * them, as it could if the address were folded before seeding.
 */
u32 litepx_addr_hash(const struct litepx_addr *addr)
{
	static u32 seed __read_mostly;

	net_get_random_once(&seed, sizeof(seed));
	if (addr->family == AF_INET)
		return jhash_1word((__force u32)addr->v4, seed);
	return jhash2((__force const u32 *)addr->v6.s6_addr32, 4, seed);
}

void litepx_source_key(struct litepx_addr *key, const struct litepx_addr *addr,
		       u8 ipv6_prefix)
{
	*key = *addr;
	if (addr->family == AF_INET6)
		ipv6_addr_prefix(&key->v6, &addr->v6, ipv6_prefix);
}

int litepx_sockaddr_fill(struct sockaddr_storage *ss,
			 const struct litepx_addr *addr, u16 port)
{
	memset(ss, 0, sizeof(*ss));
	if (addr->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = addr->v4;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = addr->v6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
}

int litepx_sock_create(struct net *net, int family, int type, int protocol,
		       struct socket **res)
{
	int err = litepx_sockop_fault(-ENOMEM);

	return err ?: sock_create_kern(net, family, type, protocol, res);
}

int litepx_kernel_bind(struct socket *sock, struct sockaddr_storage *ss,
		       int len)
{
	int err = litepx_sockop_fault(-EADDRINUSE);

	return err ?: kernel_bind(sock, (struct litepx_sockaddr *)ss, len);
}

int litepx_kernel_listen(struct socket *sock, int backlog)
{
	int err = litepx_sockop_fault(-ENOMEM);

	return err ?: kernel_listen(sock, backlog);
}

int litepx_kernel_accept(struct socket *sock, struct socket **client)
{
	int err = litepx_sockop_fault(-ENOMEM);

	return err ?: kernel_accept(sock, client, O_NONBLOCK);
}

int litepx_kernel_connect(struct socket *sock, struct sockaddr_storage *ss,
			  int len)
{
	int err = litepx_sockop_fault(-ENETUNREACH);

	return err ?: kernel_connect(sock, (struct litepx_sockaddr *)ss, len,
				     O_NONBLOCK);
}

int litepx_kernel_sendmsg(struct socket *sock, struct msghdr *msg,
			  struct kvec *vec, size_t num, size_t len)
{
	int err = litepx_sockop_fault(-ENOBUFS);

	return err ?: kernel_sendmsg(sock, msg, vec, num, len);
}

void litepx_sock_peer(const struct sock *sk, struct litepx_addr *addr,
		      u16 *port)
{
	memset(addr, 0, sizeof(*addr));
	addr->family = sk->sk_family;
	if (sk->sk_family == AF_INET)
		addr->v4 = sk->sk_daddr;
	else
		addr->v6 = sk->sk_v6_daddr;
	*port = ntohs(sk->sk_dport);
}

void litepx_sock_local(const struct sock *sk, struct litepx_addr *addr,
		       u16 *port)
{
	memset(addr, 0, sizeof(*addr));
	addr->family = sk->sk_family;
	if (sk->sk_family == AF_INET)
		addr->v4 = sk->sk_rcv_saddr;
	else
		addr->v6 = sk->sk_v6_rcv_saddr;
	*port = sk->sk_num;
}

void litepx_sock_set_options(struct sock *sk, u32 rcvbuf, u32 sndbuf)
{
	tcp_sock_set_nodelay(sk);
	sock_set_keepalive(sk);
	if (rcvbuf)
		sock_set_rcvbuf(sk, rcvbuf);
	lock_sock(sk);
	/* Urgent data is relayed in line, as ordinary bytes: see tcp.c. */
	sock_set_flag(sk, SOCK_URGINLINE);
	if (sndbuf) {
		sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
		/* As SO_SNDBUF does: the kernel doubles for bookkeeping. */
		WRITE_ONCE(sk->sk_sndbuf, max_t(int, sndbuf * 2, SOCK_MIN_SNDBUF));
	}
	release_sock(sk);
}

void litepx_socket_reset(struct socket *sock)
{
	sock_no_linger(sock->sk);
	sock_release(sock);
}

struct workqueue_struct *litepx_wq;

/*
 * Not WQ_MEM_RECLAIM: nothing litepx does frees memory for the kernel, so
 * it needs no rescuer, and with one a GC work that flushes a sibling work
 * item on the same queue could wait on the rescuer it occupies.
 */
int litepx_socket_init(void)
{
	litepx_wq = alloc_workqueue("litepx", LITEPX_WQ_PERCPU, 0);
	return litepx_wq ? 0 : -ENOMEM;
}

void litepx_socket_uninit(void)
{
	destroy_workqueue(litepx_wq);
}
