/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small socket and address helpers shared by listener.c, tcp.c and udp.c,
 * and the module's workqueue. Kernel API differences stay in compat.h.
 */
#ifndef LITEPX_SOCKET_H
#define LITEPX_SOCKET_H

#include <linux/socket.h>
#include <linux/workqueue.h>

#include "config.h"

struct kvec;
struct msghdr;
struct net;
struct sock;
struct socket;

/* Per-CPU (bound) workqueue running accept, relay and GC work. */
extern struct workqueue_struct *litepx_wq;
/* Allocate and destroy litepx_wq: first and last in the module's life. */
int litepx_socket_init(void);
void litepx_socket_uninit(void);

bool litepx_addr_equal(const struct litepx_addr *a,
		       const struct litepx_addr *b);
u32 litepx_addr_hash(const struct litepx_addr *addr);
/* The key per-source limits count by: the address, or its IPv6 prefix. */
void litepx_source_key(struct litepx_addr *key, const struct litepx_addr *addr,
		       u8 ipv6_prefix);
int litepx_sockaddr_fill(struct sockaddr_storage *ss,
			 const struct litepx_addr *addr, u16 port);
/*
 * The socket operations litepx starts, each a fault point on kernels with
 * CONFIG_FAULT_INJECTION (fault.h) and otherwise the plain call. Accept
 * and connect do not block.
 */
int litepx_sock_create(struct net *net, int family, int type, int protocol,
		       struct socket **res);
int litepx_kernel_bind(struct socket *sock, struct sockaddr_storage *ss,
		       int len);
int litepx_kernel_listen(struct socket *sock, int backlog);
int litepx_kernel_accept(struct socket *sock, struct socket **client);
int litepx_kernel_connect(struct socket *sock, struct sockaddr_storage *ss,
			  int len);
int litepx_kernel_sendmsg(struct socket *sock, struct msghdr *msg,
			  struct kvec *vec, size_t num, size_t len);
/* Both ends of an established socket, as the client sees them. */
void litepx_sock_peer(const struct sock *sk, struct litepx_addr *addr,
		      u16 *port);
void litepx_sock_local(const struct sock *sk, struct litepx_addr *addr,
		       u16 *port);
void litepx_sock_set_options(struct sock *sk, u32 rcvbuf, u32 sndbuf);
/* Closes with an RST instead of a FIN. */
void litepx_socket_reset(struct socket *sock);

#endif /* LITEPX_SOCKET_H */
