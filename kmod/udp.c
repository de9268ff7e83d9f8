// SPDX-License-Identifier: GPL-2.0
/*
 * UDP sessions, forwarded entirely in softirq.
 *
 * Every UDP listener socket has an encap_rcv hook (as VXLAN and WireGuard
 * use): a client's datagram never reaches a socket queue. The hook finds
 * the client's session, charges the source's token buckets, strips the
 * UDP header and sends the same skb on to the target with
 * udp_tunnel_xmit_skb(). Each session owns a UDP socket connected to the
 * target, hooked the same way, so the target's replies arrive in softirq
 * too and leave for the client from the address and port it wrote to.
 *
 * A new client is admitted under the table lock: the table and its source
 * must have room and its first datagram must be within the source's
 * rates. Opening the session's socket needs process context, so a
 * client's first datagrams wait in the session (a few, briefly) while its
 * setup work runs. Sessions are found under RCU; a GC work expires idle
 * ones and those of removed routes, and frees them after a grace period.
 *
 * As in conntrack, a session is assured once traffic went both ways: the
 * target answered and the client spoke again after that. Until then it
 * may be a spoofed source's: it lives a shorter time, and when the table
 * is full the oldest one gives its place to a new client.
 */
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "config.h"
#include "listener.h"
#include "pernet.h"
#include "proxy.h"
#include "socket.h"
#include "udp.h"

#define SESSION_BUCKETS		4096
#define SOURCE_BUCKETS		1024
/* Datagrams a session holds while its socket is being opened. */
#define PARK_MAX		32
/*
 * The truesize of every datagram parked in one namespace: PARK_MAX
 * reassembled 64 KiB datagrams for each of thousands of new sessions
 * would otherwise be gigabytes of skbs.
 */
#define PARKED_BYTES_MAX	(4 << 20)
/*
 * How long a session that is not assured lives when idle_timeout is
 * longer: conntrack's nf_conntrack_udp_timeout.
 */
#define UNASSURED_TIMEOUT_MS	30000
/*
 * Sessions still opening their socket that an eviction steps over before
 * it gives up and refuses the new client: bounds the time the table lock
 * is held.
 */
#define EVICT_SCAN_MAX		64
#define GC_INTERVAL		(HZ / 4)
/* How far ahead of its rate a source may get: the bucket's depth. */
#define BUCKET_BURST_NS		(NSEC_PER_SEC / 10)

enum session_state {
	SESSION_PENDING,	/* socket being opened; datagrams parked */
	SESSION_READY,
	SESSION_FAILED,		/* no target could be reached; GC ends it */
};

enum drop_reason {
	PASS,
	DROP_PPS,
	DROP_BPS,
};

/*
 * One source address or IPv6 prefix: its packet and byte buckets, kept as
 * the theoretical arrival time of the next datagram (GCRA), in ns.
 */
struct udp_source {
	struct hlist_node node;		/* in ln->udp.sources */
	struct list_head dead;		/* in a GC batch */
	struct litepx_addr key;
	/* Protects pps_tat and bps_tat; nests inside ln->udp.lock. */
	spinlock_t lock;
	u64 pps_tat;
	u64 bps_tat;
	u32 sessions;			/* under ln->udp.lock */
};

struct session_key {
	struct litepx_addr client;
	struct litepx_addr local;	/* where the client sent to */
	__be16 client_port;
	__be16 local_port;
};

struct litepx_session {
	struct hlist_node node;		/* in ln->udp.sessions */
	/*
	 * In ln->udp.unassured, oldest first, under ln->udp.lock; an
	 * assured session leaves it when an eviction walks past it.
	 */
	struct list_head unassured;
	struct list_head dead;		/* in a GC batch or ln->udp.evicted */
	struct litepx_net *ln;
	struct litepx_route *route;	/* reference held */
	struct udp_source *source;	/* lives while sessions use it */
	struct session_key key;
	/* Socket connected to the target; set before state is READY. */
	struct socket *sock;
	struct litepx_addr out_addr;	/* sock's own address and port */
	__be16 out_port;
	__be16 target_port;
	struct litepx_addr target;
	u32 dest_index;			/* of target in route->dests */
	struct work_struct setup_work;
	/* Datagrams waiting for setup; its lock also guards state changes. */
	struct sk_buff_head parked;
	int state;			/* enum session_state */
	/* Set once each, locklessly: the target answered, then the client. */
	bool replied;
	bool assured;
	u32 id;				/* order of creation, for dumps */
	unsigned long started;
	unsigned long last_active;
	atomic64_t to_target;
	atomic64_t to_client;
	atomic64_t packets_to_target;
	atomic64_t packets_to_client;
	u8 header_len;
	u8 header[LITEPX_PROXY_DGRAM_MAX];
};

static u32 hash_seed __read_mostly;

/*
 * One seeded pass over the whole key, on every client datagram. Client
 * and local address come from one IP header, so share a family.
 */
static u32 session_hash(const struct session_key *key)
{
	u32 ports = (__force u32)key->client_port << 16 |
		    (__force u16)key->local_port;
	u32 words[9];

	if (key->client.family == AF_INET)
		return jhash_3words((__force u32)key->client.v4,
				    (__force u32)key->local.v4, ports,
				    hash_seed) & (SESSION_BUCKETS - 1);
	memcpy(words, key->client.v6.s6_addr32, 16);
	memcpy(words + 4, key->local.v6.s6_addr32, 16);
	words[8] = ports;
	return jhash2(words, ARRAY_SIZE(words), hash_seed) &
	       (SESSION_BUCKETS - 1);
}

static bool session_key_equal(const struct session_key *a,
			      const struct session_key *b)
{
	return a->client_port == b->client_port &&
	       a->local_port == b->local_port &&
	       litepx_addr_equal(&a->client, &b->client) &&
	       litepx_addr_equal(&a->local, &b->local);
}

/* The addresses and ports of a received datagram; skb->data is its UDP header. */
static void skb_session_key(const struct sk_buff *skb, struct session_key *key)
{
	const struct udphdr *uh = udp_hdr(skb);

	memset(key, 0, sizeof(*key));
	if (ip_hdr(skb)->version == 4) {
		key->client.family = AF_INET;
		key->client.v4 = ip_hdr(skb)->saddr;
		key->local.family = AF_INET;
		key->local.v4 = ip_hdr(skb)->daddr;
	} else {
		key->client.family = AF_INET6;
		key->client.v6 = ipv6_hdr(skb)->saddr;
		key->local.family = AF_INET6;
		key->local.v6 = ipv6_hdr(skb)->daddr;
	}
	key->client_port = uh->source;
	key->local_port = uh->dest;
}

static struct litepx_session *session_lookup(struct litepx_net *ln,
					     const struct session_key *key)
{
	struct litepx_session *s;

	hlist_for_each_entry_rcu(s, &ln->udp.sessions[session_hash(key)], node)
		if (session_key_equal(&s->key, key))
			return s;
	return NULL;
}

static int session_state(const struct litepx_session *s)
{
	/* Pairs with the release in session_setup(): READY shows sock. */
	return smp_load_acquire(&s->state);
}

static void touch(unsigned long *stamp)
{
	unsigned long now = jiffies;

	if (READ_ONCE(*stamp) != now)
		WRITE_ONCE(*stamp, now);
}

/* ------------------------------------------------------------ sending */

/*
 * Makes a received skb ready to leave again as a new datagram: room for
 * the headers, the optional PROXY header in front of the payload, and
 * none of the receive path's state (route, conntrack, timestamp, checksum).
 */
static int skb_prepare_xmit(struct sk_buff *skb, unsigned int headroom,
			    const u8 *header, unsigned int header_len)
{
	if (skb_cow_head(skb, headroom + header_len))
		return -ENOMEM;
	if (header_len)
		memcpy(__skb_push(skb, header_len), header, header_len);
	skb_scrub_packet(skb, true);
	/* iptunnel_xmit() counts on skb->dev as its own tunnel device. */
	skb->dev = NULL;
	skb->encapsulation = 0;
	skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

static int xmit4(struct net *net, struct sk_buff *skb,
		 const struct litepx_addr *src, __be16 sport,
		 const struct litepx_addr *dst, __be16 dport,
		 const u8 *header, unsigned int header_len)
{
	struct flowi4 fl4;
	struct rtable *rt;
	int err;

	memset(&fl4, 0, sizeof(fl4));
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.daddr = dst->v4;
	fl4.saddr = src->v4;
	fl4.fl4_dport = dport;
	fl4.fl4_sport = sport;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	err = skb_prepare_xmit(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			       rt->dst.header_len + sizeof(struct iphdr) +
			       sizeof(struct udphdr), header, header_len);
	if (err) {
		ip_rt_put(rt);
		return err;
	}
	/* DF clear: a datagram larger than the path MTU is fragmented. */
	litepx_udp_tunnel_xmit_skb(rt, NULL, skb, fl4.saddr, fl4.daddr, 0,
				   ip4_dst_hoplimit(&rt->dst), 0, sport, dport,
				   false, false);
	return 0;
}

static int xmit6(struct net *net, struct sk_buff *skb,
		 const struct litepx_addr *src, __be16 sport,
		 const struct litepx_addr *dst, __be16 dport,
		 const u8 *header, unsigned int header_len)
{
	struct dst_entry *route;
	struct flowi6 fl6;
	int err;

	memset(&fl6, 0, sizeof(fl6));
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.daddr = dst->v6;
	fl6.saddr = src->v6;
	fl6.fl6_dport = dport;
	fl6.fl6_sport = sport;
	route = ip6_dst_lookup_flow(net, NULL, &fl6, NULL);
	if (IS_ERR(route))
		return PTR_ERR(route);
	err = skb_prepare_xmit(skb, LL_RESERVED_SPACE(route->dev) +
			       route->header_len + sizeof(struct ipv6hdr) +
			       sizeof(struct udphdr), header, header_len);
	if (err) {
		dst_release(route);
		return err;
	}
	/* As for IPv4: fragment what is larger than the path MTU. */
	skb->ignore_df = 1;
	litepx_udp_tunnel6_xmit_skb(route, NULL, skb, NULL, &fl6.saddr,
				    &fl6.daddr, 0, ip6_dst_hoplimit(route), 0,
				    sport, dport, false);
	return 0;
}

/*
 * Sends skb, whose data is the payload, as a datagram from src to dst,
 * header (if any) in front of the payload. Consumes skb whatever happens.
 */
static int udp_xmit(struct net *net, struct sk_buff *skb,
		    const struct litepx_addr *src, __be16 sport,
		    const struct litepx_addr *dst, __be16 dport,
		    const u8 *header, unsigned int header_len)
{
	/* The UDP length, and IPv4's total length, are 16-bit fields. */
	unsigned int room = IP_MAX_MTU - sizeof(struct udphdr) -
			    (dst->family == AF_INET ? sizeof(struct iphdr) : 0);
	int err;

	if (skb->len + header_len > room)
		err = -EMSGSIZE;
	else if (dst->family == AF_INET)
		err = xmit4(net, skb, src, sport, dst, dport, header,
			    header_len);
	else
		err = xmit6(net, skb, src, sport, dst, dport, header,
			    header_len);
	if (err)
		kfree_skb(skb);
	return err;
}

/* skb->data is the client's UDP header. Consumes skb. */
static void forward_to_target(struct litepx_session *s, struct sk_buff *skb)
{
	unsigned int len = skb->len - sizeof(struct udphdr);
	struct litepx_route *route = s->route;

	__skb_pull(skb, sizeof(struct udphdr));
	if (udp_xmit(s->ln->net, skb, &s->out_addr, s->out_port, &s->target,
		     s->target_port, s->header, s->header_len)) {
		litepx_route_count(route, LITEPX_CNT_DROPPED_OTHER, 1);
		return;
	}
	atomic64_add(len, &s->to_target);
	atomic64_inc(&s->packets_to_target);
	litepx_route_count(route, LITEPX_CNT_BYTES_TO_TARGET, len);
	litepx_route_count(route, LITEPX_CNT_PACKETS_TO_TARGET, 1);
}

/* ---------------------------------------------------------- the target */

/* encap_rcv of a session's socket: a reply from the target. */
static int target_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct litepx_session *s = rcu_dereference_sk_user_data(sk);
	struct litepx_route *route;
	unsigned int len;

	if (!s)
		goto drop;
	route = s->route;
	__skb_pull(skb, sizeof(struct udphdr));
	if (route->proxy_protocol == LITEPX_PROXY_SPP &&
	    pskb_may_pull(skb, LITEPX_SPP_HEADER_LEN) &&
	    litepx_spp_header_present(skb->data, skb->len))
		__skb_pull(skb, LITEPX_SPP_HEADER_LEN);
	len = skb->len;
	touch(&s->last_active);
	if (unlikely(!READ_ONCE(s->replied)))
		WRITE_ONCE(s->replied, true);
	if (udp_xmit(s->ln->net, skb, &s->key.local, s->key.local_port,
		     &s->key.client, s->key.client_port, NULL, 0)) {
		litepx_route_count(route, LITEPX_CNT_DROPPED_OTHER, 1);
		return 0;
	}
	atomic64_add(len, &s->to_client);
	atomic64_inc(&s->packets_to_client);
	litepx_route_count(route, LITEPX_CNT_BYTES_TO_CLIENT, len);
	litepx_route_count(route, LITEPX_CNT_PACKETS_TO_CLIENT, 1);
	return 0;

drop:
	kfree_skb(skb);
	return 0;
}

static int session_open_socket(struct litepx_session *s, struct socket **sockp)
{
	const struct litepx_route *route = s->route;
	struct sockaddr_storage ss;
	struct socket *sock;
	int err = -EHOSTUNREACH;
	u32 i;
	int len;

	for (i = 0; i < route->ndests; i++) {
		err = litepx_sock_create(s->ln->net, route->dests[i].family,
					 SOCK_DGRAM, IPPROTO_UDP, &sock);
		if (err)
			continue;
		len = litepx_sockaddr_fill(&ss, &route->dests[i],
					   ntohs(s->target_port));
		err = litepx_kernel_connect(sock, &ss, len);
		if (!err) {
			s->target = route->dests[i];
			s->dest_index = i;
			*sockp = sock;
			return 0;
		}
		sock_release(sock);
	}
	return err;
}

static void session_hook_socket(struct litepx_session *s, struct socket *sock)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = s,
		.encap_type = 1,
		.encap_rcv = target_rcv,
	};
	u16 port;

	litepx_sock_local(sock->sk, &s->out_addr, &port);
	s->out_port = htons(port);
	s->sock = sock;
	litepx_setup_udp_tunnel_sock(s->ln->net, sock, &cfg);
}

/* Charges ln's parking budget for skb; false when it is spent. */
static bool park_charge(struct litepx_net *ln, const struct sk_buff *skb)
{
	if (atomic_add_return(skb->truesize, &ln->udp.parked) <=
	    PARKED_BYTES_MAX)
		return true;
	atomic_sub(skb->truesize, &ln->udp.parked);
	return false;
}

/*
 * The oldest datagram parked in s, its truesize given back to the budget;
 * under s->parked.lock, or once nothing else can reach s.
 */
static struct sk_buff *park_dequeue(struct litepx_session *s)
{
	struct sk_buff *skb = __skb_dequeue(&s->parked);

	if (skb)
		atomic_sub(skb->truesize, &s->ln->udp.parked);
	return skb;
}

static void session_setup(struct work_struct *work)
{
	struct litepx_session *s = container_of(work, struct litepx_session,
						setup_work);
	struct litepx_route *route = s->route;
	struct socket *sock = NULL;
	struct sk_buff *skb;
	int err;

	err = session_open_socket(s, &sock);
	if (err)
		litepx_log_conn(s->ln, LITEPX_LOG_INFO,
				"route %u: no target reachable for a UDP client: %d\n",
				route->id, err);
	else
		session_hook_socket(s, sock);
	/* Parked datagrams leave before any that arrive once READY shows. */
	spin_lock_bh(&s->parked.lock);
	while ((skb = park_dequeue(s))) {
		if (err) {
			litepx_route_count(route, LITEPX_CNT_DROPPED_OTHER, 1);
			kfree_skb(skb);
		} else {
			forward_to_target(s, skb);
		}
	}
	/* Publishes sock, out_addr and target with READY. */
	smp_store_release(&s->state, err ? SESSION_FAILED : SESSION_READY);
	spin_unlock_bh(&s->parked.lock);
}

/* ---------------------------------------------------------- the client */

static enum drop_reason source_charge(struct udp_source *src, unsigned int len,
				      u32 pps, u64 bps)
{
	u64 now, pps_tat = 0, bps_tat = 0;
	enum drop_reason verdict = PASS;

	if (!pps && !bps)
		return PASS;
	now = ktime_get_ns();
	spin_lock_bh(&src->lock);
	if (pps) {
		pps_tat = max(src->pps_tat, now);
		if (pps_tat > now + BUCKET_BURST_NS)
			verdict = DROP_PPS;
	}
	if (bps && verdict == PASS) {
		bps_tat = max(src->bps_tat, now);
		if (bps_tat > now + BUCKET_BURST_NS)
			verdict = DROP_BPS;
	}
	if (verdict == PASS) {
		if (pps)
			src->pps_tat = pps_tat + div_u64(NSEC_PER_SEC, pps);
		if (bps)
			src->bps_tat = bps_tat +
				       div64_u64((u64)len * NSEC_PER_SEC, bps);
	}
	spin_unlock_bh(&src->lock);
	return verdict;
}

static struct hlist_head *source_bucket(struct litepx_net *ln,
					const struct litepx_addr *key)
{
	return &ln->udp.sources[litepx_addr_hash(key) & (SOURCE_BUCKETS - 1)];
}

static struct udp_source *source_lookup(struct litepx_net *ln,
					const struct litepx_addr *key)
{
	struct udp_source *src;

	hlist_for_each_entry_rcu(src, source_bucket(ln, key), node)
		if (litepx_addr_equal(&src->key, key))
			return src;
	return NULL;
}

/* Finds or adds the source entry of key; under ln->udp.lock. */
static struct udp_source *source_get_locked(struct litepx_net *ln,
					    const struct litepx_addr *key)
{
	struct udp_source *src = source_lookup(ln, key);

	if (src)
		return src;
	src = kzalloc(sizeof(*src), GFP_ATOMIC);
	if (!src)
		return NULL;
	src->key = *key;
	spin_lock_init(&src->lock);
	ln->udp.nsources++;
	hlist_add_head_rcu(&src->node, source_bucket(ln, key));
	return src;
}

/*
 * The GC runs on a system workqueue, not litepx_wq: a flood of new
 * sources queues thousands of setup works there, and the GC behind them
 * would leave the sockets of evicted sessions open meanwhile, each on an
 * ephemeral port the new sessions need. The GC never waits for a litepx
 * work (see batch_free()).
 */
static void gc_arm(struct litepx_net *ln)
{
	queue_delayed_work(system_unbound_wq, &ln->udp.gc_work, GC_INTERVAL);
}

/* Runs the GC now: evicted sessions wait for it. */
static void gc_kick(struct litepx_net *ln)
{
	mod_delayed_work(system_unbound_wq, &ln->udp.gc_work, 0);
}

static struct litepx_session *session_alloc(struct litepx_net *ln,
					    struct litepx_route *route,
					    const struct session_key *key)
{
	u16 local_port = ntohs(key->local_port);
	struct litepx_session *s;
	int len;

	s = kzalloc(sizeof(*s), GFP_ATOMIC);
	if (!s)
		return NULL;
	s->ln = ln;
	s->route = route;
	s->key = *key;
	s->target = route->dests[0];
	s->target_port = htons(route->dest_port +
			       (local_port - route->port_from));
	INIT_WORK(&s->setup_work, session_setup);
	skb_queue_head_init(&s->parked);
	s->state = SESSION_PENDING;
	s->started = jiffies;
	s->last_active = s->started;
	len = litepx_proxy_header_dgram(s->header, sizeof(s->header),
					route->proxy_protocol, &key->client,
					ntohs(key->client_port), &key->local,
					local_port);
	s->header_len = len > 0 ? len : 0;
	return s;
}

struct session_limits {
	u32 sessions;
	u32 sessions_per_source;
	u32 pps;
	u64 bps;
	u8 ipv6_prefix;
};

/* Charges src for a datagram of len payload bytes; counts a drop. */
static bool source_charged(struct udp_source *src, struct litepx_route *route,
			   unsigned int len, const struct session_limits *lim)
{
	switch (source_charge(src, len, lim->pps, lim->bps)) {
	case DROP_PPS:
		litepx_route_count(route, LITEPX_CNT_DROPPED_PPS, 1);
		return false;
	case DROP_BPS:
		litepx_route_count(route, LITEPX_CNT_DROPPED_BPS, 1);
		return false;
	case PASS:
		break;
	}
	return true;
}

/*
 * Whether a client without a session may open one, under
 * ln->udp.lock, once the table has room for it: its source has room
 * and its first datagram is within the source's rates, so that a flood
 * from new ports neither fills the table nor escapes the buckets. Returns
 * the source, or NULL (counted) to drop the datagram.
 */
static struct udp_source *session_admit(struct litepx_net *ln,
					struct litepx_route *route,
					const struct litepx_addr *skey,
					const struct session_limits *lim,
					unsigned int len)
{
	struct udp_source *src;

	src = source_get_locked(ln, skey);
	if (!src) {
		litepx_route_count(route, LITEPX_CNT_DROPPED_OTHER, 1);
		return NULL;
	}
	/* Even a refused client's source entry waits for the GC. */
	gc_arm(ln);
	if (lim->sessions_per_source &&
	    src->sessions >= lim->sessions_per_source) {
		litepx_route_count(route, LITEPX_CNT_REFUSED_SESSION_IP_LIMIT,
				   1);
		litepx_log_conn(ln, LITEPX_LOG_INFO,
				"route %u: refused a UDP client: %u sessions from its source\n",
				route->id, src->sessions);
		return NULL;
	}
	return source_charged(src, route, len, lim) ? src : NULL;
}

/*
 * The oldest session that is not assured and has its socket, which a new
 * client may take the place of; under ln->udp.lock. Assured sessions
 * found on the way leave the list, so each costs one step once.
 */
static struct litepx_session *session_evictable(struct litepx_net *ln)
{
	struct litepx_session *s, *tmp;
	unsigned int pending = 0;

	list_for_each_entry_safe(s, tmp, &ln->udp.unassured, unassured) {
		if (READ_ONCE(s->assured)) {
			list_del_init(&s->unassured);
			continue;
		}
		/* Its setup work owns it until then: the GC waits too. */
		if (session_state(s) != SESSION_PENDING)
			return s;
		if (++pending == EVICT_SCAN_MAX)
			break;
	}
	return NULL;
}

/* Takes s out of the table onto the list dead; under ln->udp.lock. */
static void session_unlink(struct litepx_net *ln, struct litepx_session *s,
			   struct list_head *dead)
{
	hlist_del_rcu(&s->node);
	list_del_init(&s->unassured);
	ln->udp.nsessions--;
	s->source->sessions--;
	/* The counter follows the table, not the freeing a grace period on. */
	atomic_dec(&s->route->stats->sessions_active);
	list_add_tail(&s->dead, dead);
}

/* Ends victim for a new client; the GC frees it. Under ln->udp.lock. */
static void session_evict(struct litepx_net *ln, struct litepx_session *victim)
{
	litepx_route_count(victim->route, LITEPX_CNT_SESSIONS_EVICTED, 1);
	session_unlink(ln, victim, &ln->udp.evicted);
	gc_kick(ln);
}

/*
 * Adds a session for key if the table has room, or a session that is not
 * assured to give it, and session_admit() lets it in. Nothing is
 * allocated for a client that is refused. Returns the session now in the
 * table for key (another CPU may have added it first: *charged stays
 * false, the datagram is not paid for yet), or NULL when the datagram is
 * to be dropped (counted here).
 */
static struct litepx_session *session_create(struct litepx_net *ln,
					     struct litepx_route *route,
					     const struct session_key *key,
					     const struct session_limits *lim,
					     unsigned int len, bool *charged)
{
	struct litepx_session *s, *victim = NULL;
	struct udp_source *src;
	struct litepx_addr skey;

	litepx_source_key(&skey, &key->client, lim->ipv6_prefix);
	spin_lock_bh(&ln->udp.lock);
	s = session_lookup(ln, key);
	if (s || ln->udp.exiting)
		goto out_unlock;
	if (lim->sessions && ln->udp.nsessions >= lim->sessions) {
		victim = session_evictable(ln);
		if (!victim) {
			litepx_route_count(route,
					   LITEPX_CNT_REFUSED_SESSION_LIMIT, 1);
			litepx_log_conn(ln, LITEPX_LOG_INFO,
					"route %u: refused a UDP client: %u sessions open\n",
					route->id, ln->udp.nsessions);
			goto out_unlock;
		}
	}
	src = session_admit(ln, route, &skey, lim, len);
	if (!src)
		goto out_unlock;
	*charged = true;
	s = session_alloc(ln, route, key);
	if (!s) {
		litepx_route_count(route, LITEPX_CNT_DROPPED_OTHER, 1);
		goto out_unlock;
	}
	if (!refcount_inc_not_zero(&route->refs)) {
		litepx_route_count(route, LITEPX_CNT_DROPPED_OTHER, 1);
		kfree(s);
		s = NULL;
		goto out_unlock;
	}
	if (victim)
		session_evict(ln, victim);
	s->source = src;
	/* 0 stands for no session in a dump's cursor. */
	s->id = ++ln->udp.last_session_id ?: ++ln->udp.last_session_id;
	src->sessions++;
	ln->udp.nsessions++;
	hlist_add_head_rcu(&s->node, &ln->udp.sessions[session_hash(key)]);
	list_add_tail(&s->unassured, &ln->udp.unassured);
	atomic_inc(&route->stats->sessions_active);
	spin_unlock_bh(&ln->udp.lock);

	litepx_route_count(route, LITEPX_CNT_SESSIONS, 1);
	queue_work(litepx_wq, &s->setup_work);
	return s;

out_unlock:
	spin_unlock_bh(&ln->udp.lock);
	return s;
}

static bool session_limits(struct litepx_net *ln, struct session_limits *lim)
{
	const struct litepx_config *cfg = rcu_dereference(ln->config);

	if (!cfg)
		return false;
	lim->sessions = cfg->opts.udp_session_limit;
	lim->sessions_per_source = cfg->opts.udp_session_ip_limit;
	lim->pps = cfg->opts.udp_pps_ip_limit;
	lim->bps = cfg->opts.udp_bps_ip_limit;
	lim->ipv6_prefix = cfg->opts.ipv6_prefix;
	return true;
}

/*
 * Charges the source for len payload bytes unless session_create() did,
 * then forwards or parks skb. Consumes skb.
 */
static void session_from_client(struct litepx_session *s, struct sk_buff *skb,
				const struct session_limits *lim,
				unsigned int len, bool charged)
{
	struct litepx_route *route = s->route;
	bool parked = false;

	if (!charged && !source_charged(s->source, route, len, lim))
		goto drop;
	touch(&s->last_active);
	/* Traffic went both ways: this client is no spoofed source. */
	if (unlikely(!READ_ONCE(s->assured)) && READ_ONCE(s->replied))
		WRITE_ONCE(s->assured, true);
	if (likely(session_state(s) == SESSION_READY)) {
		forward_to_target(s, skb);
		return;
	}
	/*
	 * A parked skb outlives the RCU section its route may only be
	 * borrowed for (a noref dst); the send routes it again anyway.
	 */
	skb_dst_drop(skb);
	spin_lock_bh(&s->parked.lock);
	if (s->state == SESSION_PENDING &&
	    skb_queue_len(&s->parked) < PARK_MAX &&
	    park_charge(s->ln, skb)) {
		__skb_queue_tail(&s->parked, skb);
		parked = true;
	}
	spin_unlock_bh(&s->parked.lock);
	if (parked)
		return;
	if (session_state(s) == SESSION_READY) {
		forward_to_target(s, skb);
		return;
	}
	litepx_route_count(route, LITEPX_CNT_DROPPED_OTHER, 1);
drop:
	kfree_skb(skb);
}

/* encap_rcv of a listener's socket: a datagram from a client. */
static int client_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct litepx_listener *l = rcu_dereference_sk_user_data(sk);
	struct session_limits lim;
	struct litepx_route *route;
	struct litepx_session *s;
	struct session_key key;
	bool charged = false;
	unsigned int len;

	/* Broadcast and multicast cannot be answered from their address. */
	if (!l || skb->pkt_type != PACKET_HOST)
		goto drop;
	route = rcu_dereference(l->route);
	if (!route || !session_limits(l->ln, &lim))
		goto drop;
	skb_session_key(skb, &key);
	s = session_lookup(l->ln, &key);
	/* A session of a route a reload removed is about to end. */
	if (s && READ_ONCE(s->route->stats->drain_start))
		goto drop;
	len = skb->len - sizeof(struct udphdr);
	if (!s)
		s = session_create(l->ln, route, &key, &lim, len, &charged);
	if (!s)
		goto drop;
	session_from_client(s, skb, &lim, len, charged);
	return 0;

drop:
	kfree_skb(skb);
	return 0;
}

void litepx_udp_listener_hook(struct litepx_listener *l)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = l,
		.encap_type = 1,
		.encap_rcv = client_rcv,
	};

	litepx_setup_udp_tunnel_sock(l->ln->net, l->sock, &cfg);
}

/*
 * Readers that found l before this keep using it until their RCU read
 * side ends; listener.c frees it with kfree_rcu().
 */
void litepx_udp_listener_unhook(struct litepx_listener *l)
{
	rcu_assign_sk_user_data(l->sock->sk, NULL);
}

/* ---------------------------------------------------------------- GC */

struct gc_batch {
	struct list_head sessions;
	struct list_head sources;
};

static bool session_expired(const struct litepx_session *s,
			    const struct litepx_config *cfg, unsigned long now,
			    bool *idle)
{
	int state = session_state(s);
	u32 idle_ms;

	*idle = false;
	/* Its setup work owns it until then; see batch_free(). */
	if (state == SESSION_PENDING)
		return false;
	if (state == SESSION_FAILED || !cfg ||
	    READ_ONCE(s->route->stats->drain_start) ||
	    (READ_ONCE(s->route->dests_gone) & BIT(s->dest_index)))
		return true;
	idle_ms = s->route->idle_timeout_ms;
	if (!READ_ONCE(s->assured))
		idle_ms = min_t(u32, idle_ms, UNASSURED_TIMEOUT_MS);
	*idle = time_after(now, READ_ONCE(s->last_active) +
				(msecs_to_jiffies(idle_ms) ?: 1));
	return *idle;
}

static bool source_idle(const struct udp_source *src, u64 now)
{
	return !src->sessions && READ_ONCE(src->pps_tat) <= now &&
	       READ_ONCE(src->bps_tat) <= now;
}

/* Collects idle sources, or all of them; under ln->udp.lock. */
static void sources_collect(struct litepx_net *ln, struct gc_batch *batch,
			    bool all)
{
	u64 now = ktime_get_ns();
	struct udp_source *src;
	struct hlist_node *tmp;
	u32 i;

	for (i = 0; i < SOURCE_BUCKETS; i++)
		hlist_for_each_entry_safe(src, tmp, &ln->udp.sources[i], node)
			if (all || source_idle(src, now)) {
				hlist_del_rcu(&src->node);
				ln->udp.nsources--;
				list_add_tail(&src->dead, &batch->sources);
			}
}

static void session_free(struct litepx_session *s)
{
	struct sockaddr_storage client;
	struct sk_buff *skb;

	litepx_sockaddr_fill(&client, &s->key.client, ntohs(s->key.client_port));
	litepx_log_conn(s->ln, LITEPX_LOG_DEBUG,
			"route %u: UDP session of %pISpc ended, %lld bytes up, %lld down\n",
			s->route->id, &client, atomic64_read(&s->to_target),
			atomic64_read(&s->to_client));
	if (s->sock)
		sock_release(s->sock);
	while ((skb = park_dequeue(s)))
		kfree_skb(skb);
	litepx_route_put(s->route);
	kfree(s);
}

/*
 * Frees what batch holds once no softirq can still be using it. No
 * session in it is still opening its socket: the GC and evictions leave
 * those alone, and namespace exit cancels their setup first. So the GC
 * never waits for a setup work (no flush_work() from one work item on
 * another). A session's setup leaves PENDING as its last step with BH
 * off, an RCU read-side section that the grace period below waits for,
 * so its work is done with the session before the session is freed.
 */
static void batch_free(struct gc_batch *batch)
{
	struct litepx_session *s, *stmp;
	struct udp_source *src, *srctmp;

	if (list_empty(&batch->sessions) && list_empty(&batch->sources))
		return;
	list_for_each_entry(s, &batch->sessions, dead)
		if (s->sock)
			rcu_assign_sk_user_data(s->sock->sk, NULL);
	synchronize_rcu();
	list_for_each_entry_safe(s, stmp, &batch->sessions, dead)
		session_free(s);
	list_for_each_entry_safe(src, srctmp, &batch->sources, dead)
		kfree(src);
}

static void udp_gc(struct work_struct *work)
{
	struct litepx_net *ln = container_of(to_delayed_work(work),
					     struct litepx_net, udp.gc_work);
	struct gc_batch batch = {
		.sessions = LIST_HEAD_INIT(batch.sessions),
		.sources = LIST_HEAD_INIT(batch.sources),
	};
	const struct litepx_config *cfg;
	unsigned long now = jiffies;
	struct litepx_session *s;
	struct hlist_node *tmp;
	bool idle, again, scan;
	u32 i;

	/*
	 * An eviction runs the GC at once for its session's socket alone:
	 * under a flood the table is walked no more often than otherwise.
	 */
	scan = time_after_eq(now, READ_ONCE(ln->udp.gc_next_scan));
	if (scan)
		WRITE_ONCE(ln->udp.gc_next_scan, now + GC_INTERVAL);
	rcu_read_lock();
	cfg = rcu_dereference(ln->config);
	spin_lock_bh(&ln->udp.lock);
	for (i = 0; scan && i < SESSION_BUCKETS; i++)
		hlist_for_each_entry_safe(s, tmp, &ln->udp.sessions[i], node) {
			if (!session_expired(s, cfg, now, &idle))
				continue;
			if (idle)
				litepx_route_count(s->route,
						   LITEPX_CNT_SESSION_EXPIRIES,
						   1);
			session_unlink(ln, s, &batch.sessions);
		}
	list_splice_init(&ln->udp.evicted, &batch.sessions);
	if (scan)
		sources_collect(ln, &batch, false);
	again = !ln->udp.exiting;
	spin_unlock_bh(&ln->udp.lock);
	rcu_read_unlock();
	batch_free(&batch);
	if (again &&
	    (READ_ONCE(ln->udp.nsessions) || READ_ONCE(ln->udp.nsources)))
		gc_arm(ln);
}

/*
 * Every session holds a socket on an ephemeral port of the namespace: a
 * session limit above the port range is one the table never reaches, as
 * sessions past the range fail to open. Said once per load.
 */
static void check_port_range(struct litepx_net *ln)
{
	const struct litepx_config *cfg;
	int low, high;
	u32 limit = 0;
	u32 i;

	rcu_read_lock();
	cfg = rcu_dereference(ln->config);
	for (i = 0; cfg && i < cfg->nroutes; i++)
		if (cfg->routes[i]->protocols & LITEPX_PROTO_UDP)
			limit = cfg->opts.udp_session_limit;
	rcu_read_unlock();
	inet_get_local_port_range(ln->net, &low, &high);
	if (limit > high - low + 1)
		pr_warn("udp.connection_limits %u is more than the %d ephemeral ports (%d-%d) of the namespace: each session needs one\n",
			limit, high - low + 1, low, high);
}

/*
 * Waits for the collection, so that a flush or a reload has ended the
 * sessions of the routes it removed by the time the caller hears back.
 */
void litepx_udp_config_changed(struct litepx_net *ln)
{
	check_port_range(ln);
	if (!READ_ONCE(ln->udp.nsessions))
		return;
	WRITE_ONCE(ln->udp.gc_next_scan, jiffies);
	gc_kick(ln);
	flush_delayed_work(&ln->udp.gc_work);
}

/* ---------------------------------------------------- namespace, dumps */

void litepx_udp_net_init(struct litepx_net *ln)
{
	net_get_random_once(&hash_seed, sizeof(hash_seed));
	spin_lock_init(&ln->udp.lock);
	INIT_LIST_HEAD(&ln->udp.unassured);
	INIT_LIST_HEAD(&ln->udp.evicted);
	atomic_set(&ln->udp.parked, 0);
	ln->udp.gc_next_scan = jiffies;
	INIT_DELAYED_WORK(&ln->udp.gc_work, udp_gc);
}

/* At the first config load: see pernet.c. */
int litepx_udp_tables_alloc(struct litepx_net *ln)
{
	ln->udp.sessions = kvcalloc(SESSION_BUCKETS, sizeof(*ln->udp.sessions),
				    GFP_KERNEL_ACCOUNT);
	ln->udp.sources = kvcalloc(SOURCE_BUCKETS, sizeof(*ln->udp.sources),
				   GFP_KERNEL_ACCOUNT);
	if (!ln->udp.sessions || !ln->udp.sources) {
		litepx_udp_tables_free(ln);
		return -ENOMEM;
	}
	return 0;
}

size_t litepx_udp_tables_bytes(void)
{
	return (SESSION_BUCKETS + SOURCE_BUCKETS) * sizeof(struct hlist_head);
}

void litepx_udp_tables_free(struct litepx_net *ln)
{
	kvfree(ln->udp.sessions);
	kvfree(ln->udp.sources);
	ln->udp.sessions = NULL;
	ln->udp.sources = NULL;
}

void litepx_udp_net_exit(struct litepx_net *ln)
{
	struct gc_batch batch = {
		.sessions = LIST_HEAD_INIT(batch.sessions),
		.sources = LIST_HEAD_INIT(batch.sources),
	};
	struct litepx_session *s;
	struct hlist_node *tmp;
	u32 i;

	/* Nothing was ever configured: nothing to wait for. */
	if (!ln->configured)
		return;
	/* The listeners are closed: let their last datagrams finish. */
	synchronize_rcu();
	spin_lock_bh(&ln->udp.lock);
	ln->udp.exiting = true;
	spin_unlock_bh(&ln->udp.lock);
	cancel_delayed_work_sync(&ln->udp.gc_work);

	spin_lock_bh(&ln->udp.lock);
	for (i = 0; i < SESSION_BUCKETS; i++)
		hlist_for_each_entry_safe(s, tmp, &ln->udp.sessions[i], node)
			session_unlink(ln, s, &batch.sessions);
	list_splice_init(&ln->udp.evicted, &batch.sessions);
	sources_collect(ln, &batch, true);
	spin_unlock_bh(&ln->udp.lock);
	/*
	 * Not from a litepx work: a setup that has not run yet never will,
	 * and one that is running is waited for.
	 */
	list_for_each_entry(s, &batch.sessions, dead)
		cancel_work_sync(&s->setup_work);
	batch_free(&batch);
	litepx_udp_tables_free(ln);
}

static void session_info(const struct litepx_session *s, unsigned long now,
			 struct litepx_conn_info *info)
{
	static const u8 states[] = {
		[SESSION_PENDING] = LITEPX_CONN_CONNECTING,
		[SESSION_READY] = LITEPX_CONN_RELAYING,
		[SESSION_FAILED] = LITEPX_CONN_CLOSED,
	};

	memset(info, 0, sizeof(*info));
	info->route_id = s->route->id;
	info->protocol = LITEPX_PROTO_UDP;
	info->state = states[session_state(s)];
	info->client = s->key.client;
	info->client_port = ntohs(s->key.client_port);
	info->local = s->key.local;
	info->local_port = ntohs(s->key.local_port);
	info->target = s->target;
	info->target_port = ntohs(s->target_port);
	info->age_ms = jiffies_to_msecs(now - s->started);
	info->idle_ms = jiffies_to_msecs(now - READ_ONCE(s->last_active));
	info->to_target = atomic64_read(&s->to_target);
	info->to_client = atomic64_read(&s->to_client);
	info->packets_to_target = atomic64_read(&s->packets_to_target);
	info->packets_to_client = atomic64_read(&s->packets_to_client);
}

/*
 * A bucket lists its sessions newest first, and ids grow with age (ids
 * are compared modulo 2^32: no session outlives two billion newer ones),
 * so a resumed walk shows the sessions of cur->bucket older than the last
 * one it showed there. A session that stays in the table for the whole
 * walk is shown exactly once, and each resume starts where the last one
 * ended instead of walking the table again.
 */
void litepx_session_walk(struct litepx_net *ln,
			 struct litepx_session_cursor *cur,
			 int (*fn)(const struct litepx_conn_info *info,
				   void *arg),
			 void *arg)
{
	struct litepx_conn_info info;
	struct hlist_head *bucket;
	unsigned long now = jiffies;
	struct litepx_session *s;

	/* Pairs with the release in pernet.c: the tables are there. */
	if (!smp_load_acquire(&ln->configured))
		return;
	rcu_read_lock();
	for (; cur->bucket < SESSION_BUCKETS; cur->bucket++, cur->after = 0) {
		bucket = &ln->udp.sessions[cur->bucket];
		hlist_for_each_entry_rcu(s, bucket, node) {
			if (cur->after && (s32)(s->id - cur->after) >= 0)
				continue;
			session_info(s, now, &info);
			if (fn(&info, arg))
				goto out;
			cur->after = s->id;
		}
	}
out:
	rcu_read_unlock();
}

u32 litepx_session_count(struct litepx_net *ln)
{
	return READ_ONCE(ln->udp.nsessions);
}
