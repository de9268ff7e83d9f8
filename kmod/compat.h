/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels litepx supports lives here, so the
 * .c files stay free of version checks. Kbuild force-includes this file.
 * Prefer feature probes (is the macro defined?) over version numbers:
 * stable backports make version numbers lie.
 */
#ifndef LITEPX_COMPAT_H
#define LITEPX_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "litepx needs Linux 5.10 or newer"
#endif /* LINUX_VERSION_CODE < 5.10 */

/*
 * kernel_bind() and kernel_connect() take a struct sockaddr_unsized from
 * 7.0 on; Kbuild probes the headers and defines LITEPX_HAVE_SOCKADDR_UNSIZED.
 */
#ifdef LITEPX_HAVE_SOCKADDR_UNSIZED
#define litepx_sockaddr sockaddr_unsized
#else
#define litepx_sockaddr sockaddr
#endif /* LITEPX_HAVE_SOCKADDR_UNSIZED */

/*
 * Workqueues are becoming unbound by default; from the kernel that added
 * WQ_PERCPU on, a per-CPU workqueue has to ask for it.
 */
#ifdef LITEPX_HAVE_WQ_PERCPU
#define LITEPX_WQ_PERCPU WQ_PERCPU
#else
#define LITEPX_WQ_PERCPU 0
#endif /* LITEPX_HAVE_WQ_PERCPU */

/*
 * The UDP tunnel helpers took a control-block flags argument and
 * setup_udp_tunnel_sock() a struct sock instead of a struct socket later;
 * Kbuild probes include/net/udp_tunnel.h for both.
 */
#ifdef LITEPX_HAVE_UDP_TUNNEL_CB_FLAGS
#define litepx_udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df,	\
				   sport, dport, xnet, nocheck)		\
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport,	\
			    dport, xnet, nocheck, 0)
#define litepx_udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr,	\
				    prio, ttl, label, sport, dport, nocheck) \
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl,	\
			     label, sport, dport, nocheck, 0)
#else
#define litepx_udp_tunnel_xmit_skb udp_tunnel_xmit_skb
#define litepx_udp_tunnel6_xmit_skb udp_tunnel6_xmit_skb
#endif /* LITEPX_HAVE_UDP_TUNNEL_CB_FLAGS */

#ifdef LITEPX_HAVE_SETUP_UDP_TUNNEL_SK
#define litepx_setup_udp_tunnel_sock(net, sock, cfg)			\
	setup_udp_tunnel_sock(net, (sock)->sk, cfg)
#else
#define litepx_setup_udp_tunnel_sock setup_udp_tunnel_sock
#endif /* LITEPX_HAVE_SETUP_UDP_TUNNEL_SK */

#endif /* LITEPX_COMPAT_H */
