// SPDX-License-Identifier: GPL-2.0
/*
 * nl_fuzz: a seeded fuzzer for the litepx generic netlink family.
 *
 *   nl_fuzz [-s SEED] [-n COUNT] [-j SENDERS]
 *
 * Messages are generated valid (a random but correct CONFIG_SET, or one of
 * the other commands, do or dump) and then mutated as attribute trees
 * (wrong types and lengths, missing, repeated and unknown attributes,
 * nesting deeper than any policy, huge counts, absurd values) and as bytes
 * (flipped bytes, attribute headers and netlink or genetlink headers cut
 * short or lying about their length). Everything runs in a network
 * namespace of its own.
 *
 * Phase 1, "storm": SENDERS threads as root and one unprivileged process
 * (uid 65534 in a user namespace of its own, same network namespace) send
 * COUNT * 9/10 messages at once. Every message must get its answer (an ack,
 * an error, a reply or a dump) and nothing else; the unprivileged one must
 * get EPERM for every command that changes state or shows connections.
 *
 * Phase 2, "serial": the rest, one at a time, each followed by a look at
 * the state: a valid load must be loaded exactly as sent; a message that
 * fails, or comes from the unprivileged sender, must leave the loaded
 * configuration byte for byte as it was (generation included); one that
 * succeeds becomes the new expected state. At the end the loaded config is
 * the one from the last message that succeeded.
 *
 * Prints TAP. The seed is printed first; LITEPX_FUZZ_SEED (or -s) reruns
 * it, LITEPX_FUZZ_COUNT (or -n) sets the count. Within one seed the
 * messages of each sender are always the same; the storm's interleaving is
 * the scheduler's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/litepx.h>

#define BUF_SIZE	(1 << 20)
#define MAX_NODES	20000

static uint16_t family_id;
static int tap_count, tap_failed;

/* ------------------------------------------------------------ random */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	/* splitmix64: any seed, even 0, is fine. */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

static int chance(struct rng *r, int percent)
{
	return below(r, 100) < (uint32_t)percent;
}

/* ------------------------------------------------------------ TAP */

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		tap_failed++;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ------------------------------------------------------------ attribute trees */

struct node {
	uint16_t type;		/* with NLA_F_NESTED for a nest */
	struct node *kid, *last;	/* a nest's attributes, in order */
	struct node *next;		/* the next in the parent */
	int len;		/* payload of a leaf */
	unsigned char data[300];
	int declared_len;	/* >= 0: write this nla_len instead */
};

/* Nodes come from a per-message arena: a message is built, sent, dropped. */
struct arena {
	struct node *nodes;
	int used;
};

static struct node *node_new(struct arena *a, uint16_t type)
{
	struct node *n;

	if (a->used >= MAX_NODES)
		return NULL;
	n = &a->nodes[a->used++];
	n->type = type;
	n->kid = n->last = n->next = NULL;
	n->len = 0;
	n->declared_len = -1;
	return n;
}

static void append(struct node *parent, struct node *n)
{
	n->next = NULL;
	if (parent->last)
		parent->last->next = n;
	else
		parent->kid = n;
	parent->last = n;
}

/* Put W where OLD is in PARENT's list (W == NULL: take OLD out). */
static void replace_kid(struct node *parent, struct node *old, struct node *w)
{
	struct node **pp, *prev = NULL;

	for (pp = &parent->kid; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp != old)
			continue;
		if (w) {
			w->next = old->next;
			*pp = w;
			if (parent->last == old)
				parent->last = w;
		} else {
			*pp = old->next;
			if (parent->last == old)
				parent->last = prev;
		}
		return;
	}
}

/* A shallow copy of N right after it (its kids are shared). */
static struct node *dup_after(struct arena *a, struct node *parent,
			      struct node *n)
{
	struct node *w = node_new(a, 0);

	if (!w)
		return NULL;
	*w = *n;
	w->next = n->next;
	n->next = w;
	if (parent->last == n)
		parent->last = w;
	return w;
}

static struct node *leaf(struct arena *a, struct node *parent, uint16_t type,
			 const void *data, int len)
{
	struct node *n;

	if (!parent)
		return NULL;
	n = node_new(a, type);
	if (!n)
		return NULL;
	if (len > (int)sizeof(n->data))
		len = sizeof(n->data);
	memcpy(n->data, data, len);
	n->len = len;
	append(parent, n);
	return n;
}

static struct node *nest(struct arena *a, struct node *parent, uint16_t type)
{
	struct node *n;

	if (!parent)
		return NULL;
	n = node_new(a, type | NLA_F_NESTED);
	if (!n)
		return NULL;
	append(parent, n);
	return n;
}

static void put_u8(struct arena *a, struct node *p, uint16_t t, uint8_t v)
{
	leaf(a, p, t, &v, 1);
}

static void put_u16(struct arena *a, struct node *p, uint16_t t, uint16_t v)
{
	leaf(a, p, t, &v, 2);
}

static void put_u32(struct arena *a, struct node *p, uint16_t t, uint32_t v)
{
	leaf(a, p, t, &v, 4);
}

static void put_u64(struct arena *a, struct node *p, uint16_t t, uint64_t v)
{
	leaf(a, p, t, &v, 8);
}

static void put_str(struct arena *a, struct node *p, uint16_t t, const char *s)
{
	leaf(a, p, t, s, strlen(s) + 1);
}

/* Serialise the kids of N at BUF; returns the bytes written or -1. */
static int serialise_kids(const struct node *n, unsigned char *buf, int room);

static int serialise(const struct node *n, unsigned char *buf, int room)
{
	struct nlattr *nla = (struct nlattr *)buf;
	int len, total;

	if (room < NLA_HDRLEN)
		return -1;
	if (n->type & NLA_F_NESTED) {
		len = serialise_kids(n, buf + NLA_HDRLEN, room - NLA_HDRLEN);
		if (len < 0)
			return -1;
	} else {
		len = n->len;
		if (NLA_HDRLEN + NLA_ALIGN(len) > room)
			return -1;
		memcpy(buf + NLA_HDRLEN, n->data, len);
		memset(buf + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	}
	total = NLA_HDRLEN + NLA_ALIGN(len);
	nla->nla_type = n->type;
	nla->nla_len = n->declared_len >= 0 ? n->declared_len : NLA_HDRLEN + len;
	return total;
}

static int serialise_kids(const struct node *n, unsigned char *buf, int room)
{
	const struct node *k;
	int len, off = 0;

	for (k = n->kid; k; k = k->next) {
		len = serialise(k, buf + off, room - off);
		if (len < 0)
			return -1;
		off += len;
	}
	return off;
}

/* ------------------------------------------------------------ messages */

struct msg {
	uint8_t cmd;
	int dump;		/* NLM_F_DUMP */
	struct arena arena;
	struct node *root;	/* its kids are the top-level attributes */
	unsigned char *buf;
	int len;
	int maybe_silent;	/* a header the kernel drops without answer */
	int valid;		/* generated valid and not mutated */
	int changes_state;	/* CONFIG_SET or FLUSH */
	int admin;		/* needs CAP_NET_ADMIN */
};

static void msg_reset(struct msg *m, uint8_t cmd)
{
	m->cmd = cmd;
	m->dump = cmd == LITEPX_CMD_ROUTE_GET || cmd == LITEPX_CMD_CONN_GET;
	m->arena.used = 0;
	m->root = node_new(&m->arena, NLA_F_NESTED);
	m->len = 0;
	m->maybe_silent = 0;
	m->valid = 1;
}

static void addr_attr(struct rng *r, struct arena *a, struct node *p,
		      uint16_t type, int listen)
{
	struct node *n = nest(a, p, type);
	unsigned char v6[16] = { 0 };
	uint32_t v4;

	if (chance(r, 60)) {
		/* 127.0.0.x: never multicast, broadcast or unspecified */
		v4 = htonl(0x7f000001 + (listen ? 0 : below(r, 200)));
		put_u32(a, n, LITEPX_ADDR_A_IN, v4);
	} else {
		if (listen || chance(r, 50)) {
			v6[15] = 1;		/* ::1 */
		} else {
			v6[0] = 0x20;		/* 2001:db8::x */
			v6[1] = 0x01;
			v6[2] = 0x0d;
			v6[3] = 0xb8;
			v6[15] = 1 + below(r, 250);
		}
		leaf(a, n, LITEPX_ADDR_A_IN6, v6, 16);
	}
}

/* The fields phase 2 compares with the kernel's dump. */
struct route_model {
	uint32_t id;
	uint8_t protocols;
	uint16_t port_from, port_to, dest_port;
	char dest_host[32];
};

struct model {
	int nroutes;
	struct route_model routes[8];
};

static void gen_config(struct rng *r, struct msg *m, struct model *model)
{
	struct arena *a = &m->arena;
	struct node *opts, *route;
	/*
	 * Small configs: each accepted load opens a listener per port,
	 * protocol and family, the dearest thing a message can do on the
	 * debug kernel.
	 */
	int i, nroutes = below(r, 3);
	char host[32], desc[48];

	if (model)
		model->nroutes = nroutes;
	if (chance(r, 80)) {
		opts = nest(a, m->root, LITEPX_A_OPTIONS);
		put_u32(a, opts, LITEPX_OPT_A_WORKER_THREADS, below(r, 3));
		put_u32(a, opts, LITEPX_OPT_A_IDLE_TIMEOUT, 1 + below(r, 1000000));
		put_u32(a, opts, LITEPX_OPT_A_CONNECT_TIMEOUT, 1 + below(r, 100000));
		put_u32(a, opts, LITEPX_OPT_A_SHUTDOWN_TIMEOUT, 1 + below(r, 100000));
		put_u8(a, opts, LITEPX_OPT_A_LOG_LEVEL, below(r, LITEPX_LOG_MAX + 1));
		put_u32(a, opts, LITEPX_OPT_A_TCP_CONN_LIMIT, below(r, 100000));
		put_u32(a, opts, LITEPX_OPT_A_TCP_CONN_IP_LIMIT, below(r, 1000));
		put_u32(a, opts, LITEPX_OPT_A_UDP_SESSION_LIMIT, below(r, 100000));
		put_u32(a, opts, LITEPX_OPT_A_UDP_SESSION_IP_LIMIT, below(r, 1000));
		put_u32(a, opts, LITEPX_OPT_A_UDP_PPS_IP_LIMIT, below(r, 100000));
		put_u64(a, opts, LITEPX_OPT_A_UDP_BPS_IP_LIMIT, rnd(r) >> 20);
		put_u8(a, opts, LITEPX_OPT_A_IPV6_PREFIX, 1 + below(r, 128));
		put_u32(a, opts, LITEPX_OPT_A_RCVBUF, below(r, 1 << 20));
		put_u32(a, opts, LITEPX_OPT_A_SNDBUF, below(r, 1 << 20));
		if (chance(r, 50)) {
			int first = below(r, 2);

			put_u32(a, opts, LITEPX_OPT_A_CPU, first);
			if (chance(r, 50))
				put_u32(a, opts, LITEPX_OPT_A_CPU, !first);
		}
	}
	for (i = 0; i < nroutes; i++) {
		/*
		 * Most routes keep their slot's shape, so that most accepted
		 * loads keep their listeners: opening and closing sockets is
		 * what a load costs on the debug kernel (51 messages a second
		 * when every load moved its ports). One in ten moves.
		 * Address-specific listeners get ports of their own: one on a
		 * port another config has a wildcard listener on could not
		 * be opened before that one closes (EADDRINUSE).
		 */
		int moved = chance(r, 10);
		int specific = moved && chance(r, 30);
		uint8_t proto = moved ? 1 + below(r, 3) : 1 + i % 3;
		uint16_t from = (specific ? 30000 : 20000) + 10 * i +
				(moved ? below(r, 4) : 0);
		uint16_t to = from + (moved ? below(r, 2) : 0);
		uint16_t dport = 1 + below(r, 60000);
		uint8_t pp;
		int d, ndests = 1 + below(r, 3);

		route = nest(a, m->root, LITEPX_A_ROUTE);
		put_u32(a, route, LITEPX_ROUTE_A_ID, i + 1);
		put_u8(a, route, LITEPX_ROUTE_A_PROTOCOLS, proto);
		if (specific)
			addr_attr(r, a, route, LITEPX_ROUTE_A_LISTEN, 1);
		put_u16(a, route, LITEPX_ROUTE_A_PORT_FROM, from);
		put_u16(a, route, LITEPX_ROUTE_A_PORT_TO, to);
		put_u16(a, route, LITEPX_ROUTE_A_DEST_PORT, dport);
		snprintf(host, sizeof(host), "h%u.example", (unsigned int)below(r, 1000));
		put_str(a, route, LITEPX_ROUTE_A_DEST_HOST, host);
		for (d = 0; d < ndests; d++)
			addr_attr(r, a, route, LITEPX_ROUTE_A_DEST, 0);
		switch (proto) {
		case LITEPX_PROTO_TCP:
			pp = below(r, 3);		/* none, v1, v2 */
			break;
		case LITEPX_PROTO_UDP:
			pp = below(r, 2) ? LITEPX_PROXY_SPP : below(r, 2) * 2;
			break;
		default:
			pp = below(r, 2) * 2;		/* none, v2 */
		}
		if (pp || chance(r, 50))
			put_u8(a, route, LITEPX_ROUTE_A_PROXY_PROTOCOL, pp);
		if (chance(r, 50)) {
			snprintf(desc, sizeof(desc), "route %d of seed stream", i);
			put_str(a, route, LITEPX_ROUTE_A_DESCRIPTION, desc);
		}
		if (chance(r, 30))
			put_u32(a, route, LITEPX_ROUTE_A_IDLE_TIMEOUT, 1 + below(r, 100000));
		if (chance(r, 30))
			put_u32(a, route, LITEPX_ROUTE_A_CONNECT_TIMEOUT, 1 + below(r, 100000));
		if (chance(r, 30))
			put_u32(a, route, LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT, 1 + below(r, 100000));
		if (model) {
			struct route_model *rm = &model->routes[i];

			rm->id = i + 1;
			rm->protocols = proto;
			rm->port_from = from;
			rm->port_to = to;
			rm->dest_port = dport;
			snprintf(rm->dest_host, sizeof(rm->dest_host), "%s", host);
		}
	}
}

/* A valid message: a config load (most often), or another command. */
static void gen_valid(struct rng *r, struct msg *m, struct model *model)
{
	uint32_t pick = below(r, 100);

	if (pick < 40 || model) {
		msg_reset(m, LITEPX_CMD_CONFIG_SET);
		gen_config(r, m, model);
	} else if (pick < 55) {
		msg_reset(m, LITEPX_CMD_FLUSH);
	} else if (pick < 75) {
		msg_reset(m, LITEPX_CMD_CONFIG_GET);
	} else if (pick < 88) {
		msg_reset(m, LITEPX_CMD_ROUTE_GET);
	} else {
		msg_reset(m, LITEPX_CMD_CONN_GET);
	}
}

/* Every node of the tree but the root, in a flat list. */
static int collect(struct node *n, struct node **out, struct node **parents,
		   int count, int max, int depth)
{
	struct node *k;

	for (k = n->kid; k && count < max; k = k->next) {
		out[count] = k;
		parents[count] = n;
		count++;
		if ((k->type & NLA_F_NESTED) && depth < 64)
			count = collect(k, out, parents, count, max, depth + 1);
	}
	return count;
}

static const uint64_t boundary[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0xffffffffffffffffULL, 1023, 1024, 1025,
	65535, 65536, 128, 129, 3, 4, 16, 17,
};

static void random_bytes(struct rng *r, unsigned char *p, int len)
{
	int i;

	for (i = 0; i < len; i++)
		p[i] = rnd(r);
}

/* One mutation of the attribute tree; the names are the fuzzer's stats. */
static const char *const tree_ops[] = {
	"type", "length", "payload", "value", "duplicate", "delete", "deep-nest",
	"unknown", "many", "flag", "nest-to-leaf", "move",
};

#define N_TREE_OPS (sizeof(tree_ops) / sizeof(tree_ops[0]))

static atomic_ulong tree_op_count[N_TREE_OPS];

static void mutate_tree(struct rng *r, struct msg *m)
{
	static __thread struct node *all[MAX_NODES], *parents[MAX_NODES];
	struct arena *a = &m->arena;
	struct node *n, *p, *w;
	int count, i, k, op;
	uint64_t v;

	count = collect(m->root, all, parents, 0, MAX_NODES, 0);
	op = below(r, N_TREE_OPS);
	if (!count && op != 7 && op != 8)
		op = 7;
	atomic_fetch_add(&tree_op_count[op], 1);
	k = below(r, count);
	n = count ? all[k] : NULL;
	p = count ? parents[k] : m->root;
	switch (op) {
	case 0:		/* wrong type, nested flag kept */
		n->type = (n->type & NLA_F_NESTED) | below(r, 20);
		break;
	case 1:		/* wrong length: a leaf cut or grown */
		if (n->type & NLA_F_NESTED) {
			n->declared_len = below(r, 64);
		} else {
			n->len = below(r, 2) ? below(r, n->len + 1) : below(r, 300);
			if (n->len > 0 && chance(r, 50))
				random_bytes(r, n->data, n->len);
		}
		break;
	case 2:		/* random payload */
		if (!(n->type & NLA_F_NESTED))
			random_bytes(r, n->data, n->len);
		break;
	case 3:		/* a boundary value in a leaf of 1, 2, 4 or 8 bytes */
		if (n->type & NLA_F_NESTED)
			break;
		v = boundary[below(r, sizeof(boundary) / sizeof(boundary[0]))];
		if (n->len > 8 || !n->len)
			n->len = 1 << below(r, 4);
		memcpy(n->data, &v, n->len);
		break;
	case 4:		/* repeated attribute */
		dup_after(a, p, n);
		break;
	case 5:		/* missing attribute */
		replace_kid(p, n, NULL);
		break;
	case 6: {	/* nesting deeper than any policy: 4..40 levels */
		struct node *inner = node_new(a, 0), *outer;

		if (!inner)
			break;
		*inner = *n;
		inner->next = NULL;
		w = inner;
		for (i = 4 + below(r, 36); i > 0; i--) {
			outer = node_new(a, NLA_F_NESTED | below(r, 16));
			if (!outer)
				break;
			append(outer, w);
			w = outer;
		}
		replace_kid(p, n, w);
		break;
	}
	case 7:		/* an unknown attribute, anywhere */
		v = rnd(r);
		leaf(a, p, 16 + below(r, 0x3ff), &v, below(r, 9));
		break;
	case 8: {	/* huge counts: routes, dests, CPUs */
		int copies = 17 + below(r, 2000);

		if (!count)
			break;
		for (i = 0; i < copies; i++)
			if (!dup_after(a, p, n))
				break;
		break;
	}
	case 9:		/* NLA_F_NESTED / NLA_F_NET_BYTEORDER on a leaf */
		if (!(n->type & NLA_F_NESTED))
			n->type |= below(r, 2) ? NLA_F_NET_BYTEORDER :
				   NLA_F_NESTED | NLA_F_NET_BYTEORDER;
		else
			n->type |= NLA_F_NET_BYTEORDER;
		break;
	case 10:	/* a nest sent as a leaf of random bytes */
		if (n->type & NLA_F_NESTED) {
			n->type &= ~NLA_F_NESTED;
			n->kid = n->last = NULL;
			n->len = below(r, 64);
			random_bytes(r, n->data, n->len);
		}
		break;
	case 11:	/* a copy moved to the top level */
		if (p != m->root) {
			w = node_new(a, 0);
			if (w) {
				*w = *n;
				append(m->root, w);
			}
		}
		break;
	}
}

static int build(struct msg *m, uint32_t seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	int len;

	len = serialise_kids(m->root, m->buf + NLMSG_HDRLEN + GENL_HDRLEN,
			     BUF_SIZE - NLMSG_HDRLEN - GENL_HDRLEN);
	if (len < 0)
		return -1;
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + len;
	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (m->dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 0;
	g->cmd = m->cmd;
	g->version = LITEPX_GENL_VERSION;
	g->reserved = 0;
	m->len = nlh->nlmsg_len;
	return 0;
}

static const char *const byte_ops[] = {
	"flip", "cut", "nla_len", "genl-header", "cmd", "flags", "nlmsg_len",
	"two-in-one",
};

#define N_BYTE_OPS (sizeof(byte_ops) / sizeof(byte_ops[0]))

static atomic_ulong byte_op_count[N_BYTE_OPS];

/*
 * Byte-level mutation of a built message. Unless ALL_HEADERS, nlmsg_len
 * stays true, so that the kernel answers exactly once.
 */
static void mutate_bytes(struct rng *r, struct msg *m, int all_headers)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	int start = NLMSG_HDRLEN + GENL_HDRLEN, i, n, op;

	op = below(r, all_headers ? N_BYTE_OPS : N_BYTE_OPS - 2);
	atomic_fetch_add(&byte_op_count[op], 1);
	switch (op) {
	case 0:		/* flipped bytes in the attributes */
		if (m->len <= start)
			break;
		for (n = 1 + below(r, 4); n > 0; n--)
			m->buf[start + below(r, m->len - start)] ^= 1 << below(r, 8);
		break;
	case 1:		/* the message cut short, attribute headers too */
		m->len = start + below(r, m->len - start + 1);
		if (chance(r, 10))
			m->len = NLMSG_HDRLEN + below(r, GENL_HDRLEN);
		nlh->nlmsg_len = m->len;
		break;
	case 2:		/* an nla_len that lies, at a random 4-byte offset */
		if (m->len - start < 4)
			break;
		i = start + 4 * below(r, (m->len - start) / 4);
		((struct nlattr *)(m->buf + i))->nla_len = below(r, 2) ?
			below(r, 8) : rnd(r);
		break;
	case 3:		/* genl version and reserved */
		g->version = rnd(r);
		g->reserved = rnd(r);
		break;
	case 4:		/* any command number */
		g->cmd = below(r, 2) ? below(r, LITEPX_CMD_MAX + 3) : rnd(r);
		break;
	case 5:		/* dump on a do, do on a dump, no ack */
		nlh->nlmsg_flags ^= below(r, 2) ? NLM_F_DUMP : NLM_F_ROOT;
		break;
	case 6:		/* nlmsg_len lies: the kernel may drop it silently */
		nlh->nlmsg_len = below(r, 2) ? below(r, NLMSG_HDRLEN) :
				 m->len + 1 + below(r, 64);
		m->maybe_silent = 1;
		break;
	case 7:		/* two messages in one datagram, the second cut */
		if (m->len * 2 + 64 < BUF_SIZE) {
			memcpy(m->buf + NLMSG_ALIGN(m->len), m->buf, m->len);
			n = NLMSG_ALIGN(m->len) + below(r, m->len + 1);
			m->len = n;
			m->maybe_silent = 1;
		}
		break;
	}
}

/*
 * A mutated but valid route over tens of thousands of ports opens a
 * listener per port and protocol: minutes and hundreds of megabytes on the
 * debug kernel, and no new code path (netlink_test's large_port_range test
 * covers it). Even 256 ports, up to a thousand sockets opened by one load
 * and closed by the next, held the fuzzer to about 70 messages a second
 * there. Ranges wider than MAX_SPAN ports are narrowed; reversed and
 * overflowing ones are left alone.
 */
#define MAX_SPAN 16

static void narrow_ranges(struct node *root)
{
	struct node *route, *k, *from, *to;
	uint16_t f, t;

	for (route = root->kid; route; route = route->next) {
		if ((route->type & NLA_TYPE_MASK) != LITEPX_A_ROUTE ||
		    !(route->type & NLA_F_NESTED))
			continue;
		from = to = NULL;
		for (k = route->kid; k; k = k->next) {
			if (k->type == LITEPX_ROUTE_A_PORT_FROM && k->len == 2)
				from = k;
			if (k->type == LITEPX_ROUTE_A_PORT_TO && k->len == 2)
				to = k;
		}
		if (!from || !to)
			continue;
		memcpy(&f, from->data, 2);
		memcpy(&t, to->data, 2);
		if (t > f && t - f > MAX_SPAN) {
			t = f + (t - f) % MAX_SPAN;
			memcpy(to->data, &t, 2);
		}
	}
}

/* Generate and maybe mutate one message. */
static void gen_message(struct rng *r, struct msg *m, uint32_t seq,
			int all_headers)
{
	int i, tree, bytes;

	gen_valid(r, m, NULL);
	tree = chance(r, 85) ? 1 + below(r, 3) : 0;
	for (i = 0; i < tree; i++)
		mutate_tree(r, m);
	narrow_ranges(m->root);
	if (build(m, seq)) {
		/* grew past the buffer: send it valid instead */
		gen_valid(r, m, NULL);
		tree = 0;
		build(m, seq);
	}
	bytes = chance(r, 30);
	if (bytes)
		mutate_bytes(r, m, all_headers);
	m->valid = !tree && !bytes;
	m->changes_state = m->cmd == LITEPX_CMD_CONFIG_SET ||
			   m->cmd == LITEPX_CMD_FLUSH;
	m->admin = m->changes_state || m->cmd == LITEPX_CMD_CONN_GET;
}

/* ------------------------------------------------------------ netlink I/O */

struct sock {
	int fd;
	uint32_t seq;
	unsigned char *rbuf;
};

static int sock_open(struct sock *s)
{
	int one = 1, size = 4 << 20;

	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -1;
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	s->seq = 1000;
	s->rbuf = malloc(BUF_SIZE);
	return s->rbuf ? 0 : -1;
}

/* What the kernel answered to one message. */
struct answer {
	int got;		/* a final answer arrived */
	int error;		/* 0 or a negative errno */
	int replies;		/* data messages (do replies, dump parts) */
};

typedef void (*reply_fn)(const struct nlmsghdr *nlh, void *arg);

/*
 * Read until the final answer to SEQ: an NLMSG_ERROR (ack or error) or
 * an NLMSG_DONE. Answers to earlier sequence numbers (a dump's trailing
 * ack, the half of a two-in-one datagram) are skipped. With TIMEOUT_MS,
 * gives up then (for messages the kernel may drop) and returns -1.
 */
static int await(struct sock *s, uint32_t seq, struct answer *ans,
		 int timeout_ms, reply_fn fn, void *arg)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	struct nlmsghdr *nlh;
	ssize_t len;

	memset(ans, 0, sizeof(*ans));
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		len = recv(s->fd, s->rbuf, BUF_SIZE, 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (nlh = (struct nlmsghdr *)s->rbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				ans->error = e->error;
				ans->got = 1;
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int *err = NLMSG_DATA(nlh);

				ans->error = nlh->nlmsg_len >= NLMSG_LENGTH(4) &&
					     *err < 0 ? *err : 0;
				ans->got = 1;
				return 0;
			}
			ans->replies++;
			if (fn)
				fn(nlh, arg);
		}
	}
}

static int send_raw(struct sock *s, const void *buf, int len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	return sendto(s->fd, buf, len, 0, (struct sockaddr *)&kernel,
		      sizeof(kernel)) < 0 ? -errno : 0;
}

/*
 * Send a built message and wait for its answer. One whose header may make
 * the kernel drop it without a word (maybe_silent) is followed by a
 * CONFIG_GET; the answer to that one must come, and returns 1.
 */
static int exchange(struct sock *s, struct msg *m, struct answer *ans,
		    reply_fn fn, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} probe = {
		.n = {
			.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN,
			.nlmsg_type = family_id,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		},
		.g = { .cmd = LITEPX_CMD_CONFIG_GET, .version = 1 },
	};
	uint32_t seq = nlh->nlmsg_seq;
	int err;

	err = send_raw(s, m->buf, m->len);
	if (err && !m->maybe_silent) {
		/* too big for the socket, say: an answer of its own */
		ans->got = 1;
		ans->error = err;
		ans->replies = 0;
		return 0;
	}
	if (!m->maybe_silent)
		return await(s, seq, ans, 120000, fn, arg);
	probe.n.nlmsg_seq = ++s->seq;
	if (send_raw(s, &probe, sizeof(probe)))
		return -1;
	return await(s, probe.n.nlmsg_seq, ans, 120000, NULL, NULL) ?: 1;
}

static int resolve_family(void)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char attrs[64];
	} req = { 0 };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlattr *nla = (struct nlattr *)req.attrs;
	unsigned char buf[8192];
	struct nlmsghdr *nlh;
	int fd, len, alen;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	nla->nla_type = CTRL_ATTR_FAMILY_NAME;
	nla->nla_len = NLA_HDRLEN + sizeof(LITEPX_GENL_NAME);
	memcpy(req.attrs + NLA_HDRLEN, LITEPX_GENL_NAME, sizeof(LITEPX_GENL_NAME));
	req.n.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(nla->nla_len);
	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = 1;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		goto fail;
	len = recv(fd, buf, sizeof(buf), 0);
	nlh = (struct nlmsghdr *)buf;
	if (len < 0 || !NLMSG_OK(nlh, len) || nlh->nlmsg_type != GENL_ID_CTRL)
		goto fail;
	alen = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (nla = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     alen >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN && nla->nla_len <= alen;
	     alen -= NLA_ALIGN(nla->nla_len),
	     nla = (struct nlattr *)((char *)nla + NLA_ALIGN(nla->nla_len))) {
		if (nla->nla_type == CTRL_ATTR_FAMILY_ID) {
			memcpy(&family_id, (char *)nla + NLA_HDRLEN, 2);
			close(fd);
			return 0;
		}
	}
fail:
	close(fd);
	return -1;
}

/* ------------------------------------------------------------ state */

/*
 * The loaded state, as the kernel shows it: CONFIG_GET's attributes and
 * every ROUTE_GET dump message's, without the counters (they move) and,
 * for the routes, without the generation (CONFIG_GET has it).
 */
struct state {
	unsigned char *bytes;
	int len;
	int config_len;		/* CONFIG_GET's part of bytes */
	uint32_t generation;
	int nroutes;
	int dump_failed;
};

static void state_append(struct state *st, const void *p, int len)
{
	if (st->len + len <= BUF_SIZE) {
		memcpy(st->bytes + st->len, p, len);
		st->len += len;
	}
}

static void on_config(const struct nlmsghdr *nlh, void *arg)
{
	struct state *st = arg;
	const struct nlattr *nla;
	int alen = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	nla = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	for (; alen >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= alen;
	     alen -= NLA_ALIGN(nla->nla_len),
	     nla = (const struct nlattr *)((const char *)nla + NLA_ALIGN(nla->nla_len))) {
		if ((nla->nla_type & NLA_TYPE_MASK) == LITEPX_A_GENERATION)
			memcpy(&st->generation, (const char *)nla + NLA_HDRLEN, 4);
		state_append(st, nla, NLA_ALIGN(nla->nla_len));
	}
}

static void on_route(const struct nlmsghdr *nlh, void *arg)
{
	struct state *st = arg;
	const struct nlattr *nla, *in;
	int alen = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, ilen;

	st->nroutes++;
	nla = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	for (; alen >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= alen;
	     alen -= NLA_ALIGN(nla->nla_len),
	     nla = (const struct nlattr *)((const char *)nla + NLA_ALIGN(nla->nla_len))) {
		if ((nla->nla_type & NLA_TYPE_MASK) != LITEPX_A_ROUTE)
			continue;
		ilen = nla->nla_len - NLA_HDRLEN;
		in = (const struct nlattr *)((const char *)nla + NLA_HDRLEN);
		for (; ilen >= NLA_HDRLEN && in->nla_len >= NLA_HDRLEN &&
		       in->nla_len <= ilen;
		     ilen -= NLA_ALIGN(in->nla_len),
		     in = (const struct nlattr *)((const char *)in + NLA_ALIGN(in->nla_len)))
			if ((in->nla_type & NLA_TYPE_MASK) != LITEPX_ROUTE_A_STATS)
				state_append(st, in, NLA_ALIGN(in->nla_len));
	}
}

/* The state; without ROUTES only CONFIG_GET's part (a cheaper look). */
static int read_state(struct sock *s, struct state *st, int routes)
{
	struct msg m = { 0 };
	struct node root_storage[2];
	struct answer ans;
	unsigned char buf[64];
	int err = 0, tries;

	/* Plain messages without attributes: no arena needed beyond a root. */
	m.arena.nodes = root_storage;
	m.buf = buf;
	for (tries = 0; tries < 5; tries++) {
		st->len = 0;
		st->nroutes = 0;
		st->dump_failed = 0;
		msg_reset(&m, LITEPX_CMD_CONFIG_GET);
		build(&m, ++s->seq);
		if (exchange(s, &m, &ans, on_config, st) || ans.error)
			return -1;
		st->config_len = st->len;
		if (!routes)
			return 0;
		msg_reset(&m, LITEPX_CMD_ROUTE_GET);
		build(&m, ++s->seq);
		if (exchange(s, &m, &ans, on_route, st) || ans.error)
			return -1;
		/* A dump that raced a change is flagged; here nothing races. */
		err = 0;
		break;
	}
	return err;
}

/* A command without attributes, acked; returns its error or -1. */
static int simple(struct sock *s, uint8_t cmd)
{
	struct node root_storage[2];
	struct msg m = { 0 };
	struct answer ans;
	unsigned char buf[64];

	m.arena.nodes = root_storage;
	m.buf = buf;
	msg_reset(&m, cmd);
	build(&m, ++s->seq);
	if (exchange(s, &m, &ans, NULL, NULL))
		return -1;
	return ans.error;
}

static int state_equal(const struct state *a, const struct state *b)
{
	return a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
}

/* B, read without routes, has A's CONFIG_GET part (generation included). */
static int config_equal(const struct state *a, const struct state *b)
{
	return a->config_len == b->config_len &&
	       !memcmp(a->bytes, b->bytes, a->config_len);
}

static void adopt(struct state *to, const struct state *from)
{
	memcpy(to->bytes, from->bytes, from->len);
	to->len = from->len;
	to->config_len = from->config_len;
	to->generation = from->generation;
}

/* Does the kernel's dump show MODEL's routes (the fields sent)? */
struct model_check {
	const struct model *model;
	int index;
	int bad;
};

static void on_model_route(const struct nlmsghdr *nlh, void *arg)
{
	struct model_check *mc = arg;
	const struct route_model *rm;
	const struct nlattr *nla, *in;
	int alen = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, ilen, seen = 0;

	if (mc->index >= mc->model->nroutes) {
		mc->bad = 1;
		return;
	}
	rm = &mc->model->routes[mc->index++];
	nla = (const struct nlattr *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	for (; alen >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= alen;
	     alen -= NLA_ALIGN(nla->nla_len),
	     nla = (const struct nlattr *)((const char *)nla + NLA_ALIGN(nla->nla_len))) {
		if ((nla->nla_type & NLA_TYPE_MASK) != LITEPX_A_ROUTE)
			continue;
		ilen = nla->nla_len - NLA_HDRLEN;
		in = (const struct nlattr *)((const char *)nla + NLA_HDRLEN);
		for (; ilen >= NLA_HDRLEN && in->nla_len >= NLA_HDRLEN &&
		       in->nla_len <= ilen;
		     ilen -= NLA_ALIGN(in->nla_len),
		     in = (const struct nlattr *)((const char *)in + NLA_ALIGN(in->nla_len))) {
			const void *p = (const char *)in + NLA_HDRLEN;
			uint32_t v32 = 0;
			uint16_t v16 = 0;
			uint8_t v8 = 0;

			switch (in->nla_type & NLA_TYPE_MASK) {
			case LITEPX_ROUTE_A_ID:
				memcpy(&v32, p, 4);
				mc->bad |= v32 != rm->id;
				seen++;
				break;
			case LITEPX_ROUTE_A_PROTOCOLS:
				memcpy(&v8, p, 1);
				mc->bad |= v8 != rm->protocols;
				seen++;
				break;
			case LITEPX_ROUTE_A_PORT_FROM:
				memcpy(&v16, p, 2);
				mc->bad |= v16 != rm->port_from;
				seen++;
				break;
			case LITEPX_ROUTE_A_PORT_TO:
				memcpy(&v16, p, 2);
				mc->bad |= v16 != rm->port_to;
				seen++;
				break;
			case LITEPX_ROUTE_A_DEST_PORT:
				memcpy(&v16, p, 2);
				mc->bad |= v16 != rm->dest_port;
				seen++;
				break;
			case LITEPX_ROUTE_A_DEST_HOST:
				mc->bad |= strncmp(p, rm->dest_host,
						   in->nla_len - NLA_HDRLEN) != 0;
				seen++;
				break;
			}
		}
	}
	mc->bad |= seen != 6;
}

static int check_model(struct sock *s, const struct model *model)
{
	struct model_check mc = { model, 0, 0 };
	struct node root_storage[2];
	struct msg m = { 0 };
	struct answer ans;
	unsigned char buf[64];

	m.arena.nodes = root_storage;
	m.buf = buf;
	msg_reset(&m, LITEPX_CMD_ROUTE_GET);
	build(&m, ++s->seq);
	if (exchange(s, &m, &ans, on_model_route, &mc) || ans.error)
		return -1;
	return mc.bad || mc.index != model->nroutes ? -1 : 0;
}

/* ------------------------------------------------------------ senders */

struct tally {
	unsigned long sent, ok, errors, silent, unanswered, replies;
	unsigned long valid_loads, valid_load_failed, valid_load_in_use;
	unsigned long accepted_changes;
	unsigned long unpriv_changes_allowed, unpriv_admin;
	unsigned long errno_count[140];
};

static void tally_answer(struct tally *t, const struct msg *m,
			 const struct answer *ans, int rc, int unpriv)
{
	const struct genlmsghdr *g = NLMSG_DATA((struct nlmsghdr *)m->buf);
	int admin_cmd = g->cmd == LITEPX_CMD_CONFIG_SET ||
			g->cmd == LITEPX_CMD_FLUSH || g->cmd == LITEPX_CMD_CONN_GET;

	t->sent++;
	if (rc == 1) {		/* dropped malformed, or answered: the probe was */
		t->silent++;
		return;
	}
	if (rc) {
		t->unanswered++;
		diag("message seq %u (cmd %u) got no answer",
		     ((struct nlmsghdr *)m->buf)->nlmsg_seq, m->cmd);
		return;
	}
	if (unpriv && admin_cmd && !ans->error) {
		t->unpriv_changes_allowed++;
		diag("unprivileged cmd %u succeeded", g->cmd);
	}
	t->replies += ans->replies;
	if (ans->error) {
		t->errors++;
		if (-ans->error < 140)
			t->errno_count[-ans->error]++;
	} else {
		t->ok++;
	}
	if (m->valid && m->cmd == LITEPX_CMD_CONFIG_SET && !unpriv) {
		t->valid_loads++;
		/*
		 * A mutated load that got through may hold an address-specific
		 * listener where this one wants a wildcard: EADDRINUSE is
		 * then right (phase 2 checks that a flush clears it).
		 */
		if (ans->error == -EADDRINUSE) {
			t->valid_load_in_use++;
		} else if (ans->error) {
			t->valid_load_failed++;
			diag("a valid load failed: %s", strerror(-ans->error));
		}
	}
	if (unpriv && m->admin && m->valid) {
		t->unpriv_admin++;
		if (ans->error != -EPERM) {
			t->unpriv_changes_allowed++;
			diag("unprivileged cmd %u answered %d, not EPERM",
			     m->cmd, ans->error);
		}
	}
}

static void tally_add(struct tally *to, const struct tally *from)
{
	unsigned long *a = (unsigned long *)to;
	const unsigned long *b = (const unsigned long *)from;
	size_t i;

	for (i = 0; i < sizeof(*to) / sizeof(unsigned long); i++)
		a[i] += b[i];
}

struct sender {
	pthread_t thread;
	uint64_t seed;
	unsigned long count;
	int unpriv;
	struct tally tally;
	int setup_failed;
};

static void msg_init(struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->arena.nodes = calloc(MAX_NODES, sizeof(struct node));
	m->buf = calloc(1, BUF_SIZE);
	if (!m->arena.nodes || !m->buf) {
		perror("calloc");
		exit(1);
	}
}

static void msg_free(struct msg *m)
{
	free(m->arena.nodes);
	free(m->buf);
}

static void *storm(void *arg)
{
	struct sender *sd = arg;
	struct rng r = { sd->seed };
	struct answer ans;
	struct sock s;
	struct msg m;
	unsigned long i;
	int rc;

	if (sock_open(&s)) {
		sd->setup_failed = 1;
		return NULL;
	}
	msg_init(&m);
	for (i = 0; i < sd->count; i++) {
		gen_message(&r, &m, ++s.seq, 1);
		rc = exchange(&s, &m, &ans, NULL, NULL);
		tally_answer(&sd->tally, &m, &ans, rc, sd->unpriv);
		if ((i + 1) % 10000 == 0)
			diag("%s sender: %lu of %lu", sd->unpriv ? "unprivileged" : "a root",
			     i + 1, sd->count);
	}
	msg_free(&m);
	close(s.fd);
	free(s.rbuf);
	return NULL;
}

/* Become uid/gid 65534 in a user namespace of our own. */
static int drop_privileges(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -1;
	return unshare(CLONE_NEWUSER);
}

/*
 * The unprivileged sender: a child process, told over a pipe how many
 * messages to send (0 ends it), answering with its tally.
 */
struct unpriv {
	pid_t pid;
	int cmd_fd, result_fd;
};

static void unpriv_child(int cmd_fd, int result_fd, uint64_t seed)
{
	struct sender sd = { .seed = seed, .unpriv = 1 };
	unsigned long count;

	if (drop_privileges()) {
		perror("drop privileges");
		_exit(1);
	}
	while (read(cmd_fd, &count, sizeof(count)) == sizeof(count) && count) {
		memset(&sd.tally, 0, sizeof(sd.tally));
		sd.count = count;
		storm(&sd);
		sd.seed = rnd(&(struct rng){ sd.seed });
		if (write(result_fd, &sd.tally, sizeof(sd.tally)) != sizeof(sd.tally))
			_exit(1);
		if (sd.setup_failed)
			_exit(1);
	}
	_exit(0);
}

static int unpriv_start(struct unpriv *u, uint64_t seed)
{
	int to_child[2], from_child[2];

	if (pipe(to_child) || pipe(from_child))
		return -1;
	u->pid = fork();
	if (u->pid < 0)
		return -1;
	if (!u->pid) {
		close(to_child[1]);
		close(from_child[0]);
		unpriv_child(to_child[0], from_child[1], seed);
	}
	close(to_child[0]);
	close(from_child[1]);
	u->cmd_fd = to_child[1];
	u->result_fd = from_child[0];
	return 0;
}

static int unpriv_send(struct unpriv *u, unsigned long count,
		       struct tally *t)
{
	if (write(u->cmd_fd, &count, sizeof(count)) != sizeof(count))
		return -1;
	if (!count)
		return 0;
	return read(u->result_fd, t, sizeof(*t)) == sizeof(*t) ? 0 : -1;
}

/* ------------------------------------------------------------ main */

static void print_tally(const char *what, const struct tally *t)
{
	char errs[512] = "";
	int i, off = 0;

	for (i = 1; i < 140; i++)
		if (t->errno_count[i] && off < (int)sizeof(errs) - 32)
			off += snprintf(errs + off, sizeof(errs) - off, " E%d:%lu",
					i, t->errno_count[i]);
	diag("%s: %lu sent, %lu ok, %lu errors (%s ), %lu with a malformed header, "
	     "%lu unanswered, %lu reply messages, %lu valid loads (%lu in use)",
	     what, t->sent, t->ok, t->errors, errs, t->silent, t->unanswered,
	     t->replies, t->valid_loads, t->valid_load_in_use);
}

static uint64_t env_u64(const char *name, uint64_t fallback)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : fallback;
}

int main(int argc, char **argv)
{
	uint64_t seed = env_u64("LITEPX_FUZZ_SEED", 0);
	unsigned long count = env_u64("LITEPX_FUZZ_COUNT", 100000);
	int senders = 3, opt, i, have_seed = getenv("LITEPX_FUZZ_SEED") != NULL;
	struct tally storm_total = { 0 }, serial_total = { 0 }, ut = { 0 };
	struct sender *sd;
	struct unpriv u;
	struct timespec t0, t1;

	while ((opt = getopt(argc, argv, "s:n:j:")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			have_seed = 1;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 0);
			break;
		case 'j':
			senders = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-n COUNT] [-j SENDERS]\n",
				argv[0]);
			return 2;
		}
	}
	if (!have_seed) {
		clock_gettime(CLOCK_REALTIME, &t0);
		seed = (uint64_t)t0.tv_sec * 1000000007ULL ^ t0.tv_nsec ^ getpid();
	}
	if (senders < 1)
		senders = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	diag("nl_fuzz seed %llu (rerun: LITEPX_FUZZ_SEED=%llu or -s %llu), %lu messages, %d senders",
	     (unsigned long long)seed, (unsigned long long)seed,
	     (unsigned long long)seed, count, senders);
	signal(SIGPIPE, SIG_IGN);

	/* A namespace of our own: the listeners of fuzzed loads go there. */
	if (unshare(CLONE_NEWNET) || system("ip link set lo up")) {
		tap(0, "a network namespace for the fuzzer");
		return 1;
	}
	if (resolve_family()) {
		tap(0, "the litepx family exists (is litepx.ko loaded?)");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (unpriv_start(&u, seed ^ 0x5555)) {
		tap(0, "start the unprivileged sender");
		return 1;
	}

	/* Phase 1: the storm. */
	unsigned long storm_count = count * 9 / 10, unpriv_count = storm_count / 10;
	unsigned long per_sender = (storm_count - unpriv_count) / senders;

	sd = calloc(senders, sizeof(*sd));
	for (i = 0; i < senders; i++) {
		sd[i].seed = seed + 1 + i;
		sd[i].count = per_sender;
		pthread_create(&sd[i].thread, NULL, storm, &sd[i]);
	}
	i = unpriv_send(&u, unpriv_count, &ut);
	tap(i == 0, "the unprivileged sender ran %lu messages in the storm", unpriv_count);
	for (i = 0; i < senders; i++) {
		pthread_join(sd[i].thread, NULL);
		if (sd[i].setup_failed)
			tap(0, "sender %d opened its socket", i);
		tally_add(&storm_total, &sd[i].tally);
	}
	print_tally("storm, root senders", &storm_total);
	print_tally("storm, unprivileged sender", &ut);
	tap(!storm_total.unanswered && !ut.unanswered,
	    "storm: every message answered (%lu)", storm_total.sent + ut.sent);
	tap(!storm_total.valid_load_failed,
	    "storm: every valid load accepted or EADDRINUSE (%lu, %lu in use)",
	    storm_total.valid_loads, storm_total.valid_load_in_use);
	tap(!ut.unpriv_changes_allowed && ut.ok + ut.errors + ut.silent == ut.sent,
	    "storm: unprivileged admin commands all EPERM (%lu)", ut.unpriv_admin);
	tally_add(&serial_total, &ut);

	/* Phase 2: one at a time, the state looked at after each. */
	struct state expect = { .bytes = malloc(BUF_SIZE) };
	struct state now = { .bytes = malloc(BUF_SIZE) };
	struct rng r = { seed ^ 0xabcdef };
	unsigned long serial = count - storm_count, n, mismatch = 0;
	unsigned long model_bad = 0, accepted = 0, unpriv_serial = 0, in_use = 0;
	struct model model;
	struct tally st = { 0 };
	struct answer ans;
	struct sock s;
	struct msg m;
	int rc;

	msg_init(&m);
	if (sock_open(&s) || read_state(&s, &expect, 1)) {
		tap(0, "phase 2: read the state");
		return 1;
	}
	for (n = 0; n < serial; n++) {
		uint32_t pick = below(&r, 100);

		if (pick < 8) {
			/* a valid load, checked against what was sent */
			gen_valid(&r, &m, &model);
			build(&m, ++s.seq);
			m.changes_state = 1;
			rc = exchange(&s, &m, &ans, NULL, NULL);
			tally_answer(&st, &m, &ans, rc, 0);
			if (!rc && ans.error == -EADDRINUSE) {
				/*
				 * In use by an accepted mutated load: after a
				 * flush it must load (else a listener leaked).
				 */
				in_use++;
				if (simple(&s, LITEPX_CMD_FLUSH))
					mismatch++;
				((struct nlmsghdr *)m.buf)->nlmsg_seq = ++s.seq;
				rc = exchange(&s, &m, &ans, NULL, NULL);
			}
			if (rc || ans.error || check_model(&s, &model)) {
				model_bad++;
				diag("serial %lu: valid load of %d routes not loaded as sent",
				     n, model.nroutes);
			}
			if (read_state(&s, &expect, 1))
				mismatch++;
			continue;
		}
		if (pick < 10) {
			/* a batch from the unprivileged sender: nothing changes */
			struct tally t = { 0 };
			unsigned long batch = 1 + below(&r, 50);

			if (unpriv_send(&u, batch, &t))
				mismatch++;
			unpriv_serial += batch;
			n += batch - 1;
			tally_add(&serial_total, &t);
			if (read_state(&s, &now, 1) || !state_equal(&expect, &now)) {
				mismatch++;
				diag("serial %lu: state changed by the unprivileged sender", n);
			}
			continue;
		}
		gen_message(&r, &m, ++s.seq, 0);
		rc = exchange(&s, &m, &ans, NULL, NULL);
		tally_answer(&st, &m, &ans, rc, 0);
		if (rc)
			continue;
		/*
		 * The generation and options after every message; the routes
		 * too when those changed, and after every 8th message anyway.
		 */
		if (read_state(&s, &now, 0)) {
			mismatch++;
			continue;
		}
		if (config_equal(&expect, &now) && n % 8)
			continue;
		if (read_state(&s, &now, 1)) {
			mismatch++;
			continue;
		}
		if (state_equal(&expect, &now))
			continue;
		/* Changed: only a message that succeeded may have done it. */
		if (ans.error) {
			mismatch++;
			diag("serial %lu: cmd %u answered %d yet the state changed",
			     n, m.cmd, ans.error);
		} else {
			accepted++;
		}
		adopt(&expect, &now);
	}
	tally_add(&serial_total, &st);
	print_tally("serial, root", &st);
	diag("serial: %lu messages, %lu accepted changes, %lu unprivileged, "
	     "%lu valid loads refused EADDRINUSE (then loaded after a flush)",
	     serial, accepted, unpriv_serial, in_use);
	tap(!st.unanswered, "serial: every message answered (%lu)", st.sent);
	tap(!model_bad, "serial: every valid load loaded exactly as sent (%lu)",
	    st.valid_loads);
	tap(!mismatch, "serial: no change but from an accepted message");
	tap(!serial_total.unpriv_changes_allowed,
	    "serial: unprivileged admin commands all EPERM");

	/* The end: the state is still the last accepted one. */
	rc = read_state(&s, &now, 1);
	tap(!rc && state_equal(&expect, &now),
	    "the loaded config is the last accepted one (generation %u)",
	    now.generation);
	unpriv_send(&u, 0, NULL);
	waitpid(u.pid, &rc, 0);
	tap(WIFEXITED(rc) && !WEXITSTATUS(rc), "the unprivileged sender ended well");

	/* Leave nothing loaded: the namespace goes with us anyway. */
	msg_reset(&m, LITEPX_CMD_FLUSH);
	build(&m, ++s.seq);
	rc = exchange(&s, &m, &ans, NULL, NULL);
	tap(!rc && !ans.error, "a final flush");

	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < (int)N_TREE_OPS; i++)
		diag("tree mutation %-12s %lu", tree_ops[i],
		     (unsigned long)atomic_load(&tree_op_count[i]));
	for (i = 0; i < (int)N_BYTE_OPS; i++)
		diag("byte mutation %-12s %lu", byte_ops[i],
		     (unsigned long)atomic_load(&byte_op_count[i]));
	diag("nl_fuzz: %lu messages (%lu storm, %lu serial) in %.1fs, seed %llu",
	     storm_total.sent + serial_total.sent, storm_total.sent + ut.sent,
	     serial_total.sent - ut.sent,
	     (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	     (unsigned long long)seed);
	tap(storm_total.sent + serial_total.sent >= count * 9 / 10,
	    "nl_fuzz sent %lu messages", storm_total.sent + serial_total.sent);
	if (tap_failed)
		diag("FAILED: rerun with LITEPX_FUZZ_SEED=%llu", (unsigned long long)seed);
	return tap_failed ? 1 : 0;
}
