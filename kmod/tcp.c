// SPDX-License-Identifier: GPL-2.0
/*
 * One relayed TCP connection: the client socket accepted by a listener and
 * the socket litepx dials to the target.
 *
 * Socket callbacks only queue the connection's work item; the work does
 * everything else, so both directions and every state change are
 * serialised without a connection lock. The work relays with
 * tcp_read_sock() on the source and an actor that hands the skb's pages to
 * the peer with skb_send_sock_locked(). When the peer's send buffer is
 * full the actor takes nothing, the bytes stay queued in the source
 * socket, its receive window closes and the sender slows down; the peer's
 * sk_write_space queues the work again once there is room.
 *
 * Timeouts are not timers: the per-namespace GC work walks the
 * connections, compares jiffies stamps and asks expired ones to close.
 */
#include <linux/jiffies.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "config.h"
#include "pernet.h"
#include "proxy.h"
#include "socket.h"
#include "tcp.h"

/* Bytes one direction may move per run before others get the CPU. */
#define RELAY_BUDGET		(256 * 1024)
/* A stream moving BULK_BYTES within BULK_WINDOW_MS is bulk, not chat. */
#define BULK_BYTES		(64 * 1024)
#define BULK_WINDOW_MS		4
#define GC_INTERVAL		(HZ / 10)

/* enum litepx_conn_state from the uapi header, shorter. */
#define CONN_NEW	LITEPX_CONN_NEW		/* accepted, not yet set up */
#define CONN_CONNECTING	LITEPX_CONN_CONNECTING
#define CONN_RELAYING	LITEPX_CONN_RELAYING
#define CONN_CLOSED	LITEPX_CONN_CLOSED

/* Why a connection was asked to end from outside its work. */
enum conn_kill {
	KILL_NONE,
	KILL_CONNECT_TIMEOUT,
	KILL_IDLE,
	KILL_SHUTDOWN,
	KILL_DRAIN,
	KILL_EXIT,
};

struct saved_callbacks {
	void (*data_ready)(struct sock *sk);
	void (*write_space)(struct sock *sk);
	void (*state_change)(struct sock *sk);
	void (*error_report)(struct sock *sk);
};

/* Concurrent connections from one source address or IPv6 prefix. */
struct litepx_source {
	struct hlist_node node;		/* in ln->tcp.sources */
	struct litepx_addr key;
	u32 conns;
};

struct litepx_conn {
	struct list_head node;		/* in ln->tcp.conns */
	struct rb_node id_node;		/* in ln->tcp.conn_ids */
	u64 id;				/* in admission order, from 1 */
	struct litepx_net *ln;
	struct litepx_route *route;	/* reference held */
	struct litepx_source *source;
	struct socket *client;
	struct socket *target;		/* NULL between dial attempts */
	struct saved_callbacks client_saved;
	struct saved_callbacks target_saved;
	struct work_struct work;
	refcount_t refs;		/* one while open, one per queued work */
	int cpu;			/* the worker picked at accept */
	bool any_cpu;			/* every CPU is a worker */
	bool bulk;			/* where conn_wake queues; see there */
	unsigned long window_start;	/* jiffies; BULK_WINDOW_MS each */
	u32 window_bytes;		/* moved since window_start */
	enum litepx_conn_state state;	/* written by the work only */
	enum conn_kill kill;		/* set by GC and exit */
	u32 dest_index;
	bool client_eof;		/* client's FIN passed to the target */
	bool target_eof;		/* target's FIN passed to the client */
	unsigned long started;
	unsigned long last_active;
	unsigned long half_closed;	/* 0 until the first FIN passes */
	/* snd_una of each socket when last looked at: acks are progress. */
	u32 client_una;
	u32 target_una;
	u32 sndbuf;
	u32 rcvbuf;
	u64 to_target;
	u64 to_client;
	struct litepx_addr client_addr;
	struct litepx_addr local_addr;
	u16 client_port;
	u16 local_port;
};

static void conn_put(struct litepx_conn *c)
{
	if (!refcount_dec_and_test(&c->refs))
		return;
	litepx_route_put(c->route);
	kfree(c);
}

/* Queues c with a reference the caller took for the work. */
static void conn_queue_held(struct litepx_conn *c, int cpu)
{
	if (!queue_work_on(cpu, litepx_wq, &c->work))
		conn_put(c);
}

static void conn_queue_on(struct litepx_conn *c, int cpu)
{
	refcount_inc(&c->refs);
	conn_queue_held(c, cpu);
}

static void conn_queue(struct litepx_conn *c)
{
	conn_queue_on(c, c->cpu);
}

/*
 * Callbacks run in softirq with the socket spinlock held: queue only.
 *
 * Chat (small requests and replies) is relayed on the CPU whose softirq
 * received it: a message then crosses the proxy without waking another
 * CPU, which is most of its cost. A bulk stream stays on the CPU picked
 * at accept, so its relaying runs beside the softirqs that feed it rather
 * than behind them on one CPU. A work item that is pending or running
 * stays where it is wherever it is queued, so a busy stream cannot be
 * moved: that is why streams start as bulk and only a quiet window
 * (measure_rate()) makes them chat. get_cpu() keeps this CPU online
 * until the work is queued.
 */
static void conn_wake(struct sock *sk)
{
	struct litepx_conn *c;
	int cpu;

	read_lock_bh(&sk->sk_callback_lock);
	c = sk->sk_user_data;
	if (c) {
		cpu = get_cpu();
		if (!c->any_cpu || READ_ONCE(c->bulk))
			cpu = c->cpu;
		conn_queue_on(c, cpu);
		put_cpu();
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void conn_write_space(struct sock *sk)
{
	if (!sk_stream_is_writeable(sk) || !sk->sk_socket)
		return;
	/* As sk_stream_write_space(): stop the per-ACK calls until full. */
	clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
	conn_wake(sk);
}

static void hook_socket(struct litepx_conn *c, struct sock *sk,
			struct saved_callbacks *saved)
{
	write_lock_bh(&sk->sk_callback_lock);
	saved->data_ready = sk->sk_data_ready;
	saved->write_space = sk->sk_write_space;
	saved->state_change = sk->sk_state_change;
	saved->error_report = sk->sk_error_report;
	sk->sk_user_data = c;
	sk->sk_data_ready = conn_wake;
	sk->sk_write_space = conn_write_space;
	sk->sk_state_change = conn_wake;
	sk->sk_error_report = conn_wake;
	write_unlock_bh(&sk->sk_callback_lock);
}

/* After this, no callback of sk can queue the connection any more. */
static void unhook_socket(struct sock *sk, struct saved_callbacks *saved)
{
	/* A client closed before its first work run was never hooked. */
	if (!saved->data_ready)
		return;
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = saved->data_ready;
	sk->sk_write_space = saved->write_space;
	sk->sk_state_change = saved->state_change;
	sk->sk_error_report = saved->error_report;
	write_unlock_bh(&sk->sk_callback_lock);
}

static struct hlist_head *source_bucket(struct litepx_net *ln,
					const struct litepx_addr *key)
{
	return &ln->tcp.sources[litepx_addr_hash(key) &
			    (LITEPX_SOURCE_BUCKETS - 1)];
}

static struct litepx_source *source_find(struct litepx_net *ln,
					 const struct litepx_addr *key)
{
	struct litepx_source *src;

	hlist_for_each_entry(src, source_bucket(ln, key), node)
		if (litepx_addr_equal(&src->key, key))
			return src;
	return NULL;
}

static void source_release(struct litepx_net *ln, struct litepx_source *src)
{
	if (--src->conns)
		return;
	hlist_del(&src->node);
	kfree(src);
}

/*
 * Connections by id, so that a dump resumes where its last part ended in
 * O(log n) rather than walking past everything it has shown. A new
 * connection has the highest id: it goes to the far right.
 */
static void conn_ids_add(struct litepx_net *ln, struct litepx_conn *c)
{
	struct rb_node **link = &ln->tcp.conn_ids.rb_node, *parent = NULL;

	c->id = ++ln->tcp.last_conn_id;
	while (*link) {
		parent = *link;
		link = &parent->rb_right;
	}
	rb_link_node(&c->id_node, parent, link);
	rb_insert_color(&c->id_node, &ln->tcp.conn_ids);
}

struct accept_limits {
	u32 conn_limit;
	u32 ip_limit;
	u8 ipv6_prefix;
};

/*
 * Admits c into the namespace's table unless a limit says no, counting
 * the refusal. spare is a preallocated source entry, consumed when the
 * source is new.
 */
static int conn_admit(struct litepx_conn *c, const struct accept_limits *lim,
		      struct litepx_source **spare)
{
	struct litepx_net *ln = c->ln;
	struct litepx_source *src;
	struct litepx_addr key;
	int err = 0;

	litepx_source_key(&key, &c->client_addr, lim->ipv6_prefix);
	spin_lock(&ln->tcp.lock);
	src = source_find(ln, &key);
	if (ln->tcp.exiting) {
		litepx_route_count(c->route, LITEPX_CNT_REFUSED_OTHER, 1);
		err = -ESHUTDOWN;
	} else if (lim->conn_limit && ln->tcp.nconns >= lim->conn_limit) {
		litepx_route_count(c->route, LITEPX_CNT_REFUSED_CONN_LIMIT, 1);
		err = -EMFILE;
	} else if (lim->ip_limit && src && src->conns >= lim->ip_limit) {
		litepx_route_count(c->route, LITEPX_CNT_REFUSED_IP_LIMIT, 1);
		err = -EMFILE;
	} else {
		if (!src) {
			src = *spare;
			*spare = NULL;
			src->key = key;
			hlist_add_head(&src->node, source_bucket(ln, &key));
		}
		src->conns++;
		c->source = src;
		ln->tcp.nconns++;
		list_add_tail(&c->node, &ln->tcp.conns);
		conn_ids_add(ln, c);
	}
	spin_unlock(&ln->tcp.lock);
	return err;
}

static void conn_forget(struct litepx_conn *c)
{
	struct litepx_net *ln = c->ln;

	spin_lock(&ln->tcp.lock);
	list_del(&c->node);
	rb_erase(&c->id_node, &ln->tcp.conn_ids);
	source_release(ln, c->source);
	if (!--ln->tcp.nconns && ln->tcp.exiting)
		wake_up(&ln->tcp.conns_gone);
	spin_unlock(&ln->tcp.lock);
}

static const char * const kill_names[] = {
	[KILL_NONE] = "closed",
	[KILL_CONNECT_TIMEOUT] = "connect timeout",
	[KILL_IDLE] = "idle timeout",
	[KILL_SHUTDOWN] = "shutdown timeout",
	[KILL_DRAIN] = "route removed",
	[KILL_EXIT] = "namespace exit",
};

static void conn_close(struct litepx_conn *c, bool reset, const char *why)
{
	struct sockaddr_storage client;

	if (c->state == CONN_CLOSED)
		return;
	WRITE_ONCE(c->state, CONN_CLOSED);
	unhook_socket(c->client->sk, &c->client_saved);
	if (c->target)
		unhook_socket(c->target->sk, &c->target_saved);
	if (reset) {
		litepx_route_count(c->route, LITEPX_CNT_RESETS, 1);
		litepx_socket_reset(c->client);
		if (c->target)
			litepx_socket_reset(c->target);
	} else {
		sock_release(c->client);
		if (c->target)
			sock_release(c->target);
	}
	c->client = NULL;
	c->target = NULL;
	atomic_dec(&c->route->stats->active);
	litepx_sockaddr_fill(&client, &c->client_addr, c->client_port);
	litepx_log_conn(c->ln, LITEPX_LOG_DEBUG,
			"route %u: %pISpc closed (%s), %llu bytes up, %llu down\n",
			c->route->id, &client, why, c->to_target, c->to_client);
	/* The last use of c->ln: namespace exit may free it right after. */
	conn_forget(c);
	conn_put(c);
}

/* Starts a non-blocking connect to the current destination. */
static int conn_dial(struct litepx_conn *c)
{
	const struct litepx_addr *dest = &c->route->dests[c->dest_index];
	u16 port = c->route->dest_port + (c->local_port - c->route->port_from);
	struct sockaddr_storage ss;
	int err, len;

	err = litepx_sock_create(c->ln->net, dest->family, SOCK_STREAM,
				 IPPROTO_TCP, &c->target);
	if (err) {
		c->target = NULL;
		return err;
	}
	litepx_sock_set_options(c->target->sk, c->rcvbuf, c->sndbuf);
	hook_socket(c, c->target->sk, &c->target_saved);
	len = litepx_sockaddr_fill(&ss, dest, port);
	err = litepx_kernel_connect(c->target, &ss, len);
	if (err == -EINPROGRESS)
		err = 0;
	return err;
}

static void conn_drop_target(struct litepx_conn *c)
{
	unhook_socket(c->target->sk, &c->target_saved);
	litepx_socket_reset(c->target);
	c->target = NULL;
}

/* Tries the next destination address; false when none is left. */
static bool conn_redial(struct litepx_conn *c)
{
	litepx_route_count(c->route, LITEPX_CNT_CONNECT_FAILURES, 1);
	while (++c->dest_index < c->route->ndests) {
		if (!conn_dial(c)) {
			WRITE_ONCE(c->started, jiffies);
			return true;
		}
		if (c->target)
			conn_drop_target(c);
	}
	return false;
}

static int conn_send_proxy_header(struct litepx_conn *c)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	char buf[LITEPX_PROXY_HEADER_MAX];
	struct kvec iov = { .iov_base = buf };
	int len;

	len = litepx_proxy_header(buf, sizeof(buf), c->route->proxy_protocol,
				  &c->client_addr, c->client_port,
				  &c->local_addr, c->local_port);
	if (len <= 0)
		return len;
	iov.iov_len = len;
	return litepx_kernel_sendmsg(c->target, &msg, &iov, 1, len) == len ? 0 :
	       -EIO;
}

#define TCPF_DIALING (TCPF_SYN_SENT | TCPF_SYN_RECV)

/* True once the target is up and the relay may start. */
static bool conn_check_connected(struct litepx_conn *c)
{
	struct sock *tsk = c->target->sk;
	int state = READ_ONCE(tsk->sk_state);

	if ((1 << state) & TCPF_DIALING)
		return false;
	if (state == TCP_CLOSE) {
		conn_drop_target(c);
		if (!conn_redial(c))
			conn_close(c, true, "target unreachable");
		return false;
	}
	WRITE_ONCE(c->state, CONN_RELAYING);
	WRITE_ONCE(c->last_active, jiffies);
	if (c->route->proxy_protocol != LITEPX_PROXY_NONE &&
	    conn_send_proxy_header(c)) {
		conn_close(c, true, "PROXY header not sent");
		return false;
	}
	return true;
}

/*
 * Makes TCP call sk_write_space once dst has room. Newer kernels set
 * SOCK_NOSPACE themselves when a non-blocking send finds no memory; 5.10
 * does not on that path. The socket is locked, so the ACK that frees room
 * is processed after this, at release_sock().
 */
static void wait_for_space(struct sock *dst)
{
	if (dst->sk_socket)
		set_bit(SOCK_NOSPACE, &dst->sk_socket->flags);
}

static int relay_actor(read_descriptor_t *desc, struct sk_buff *skb,
		       unsigned int offset, size_t len)
{
	struct sock *dst = desc->arg.data;
	int sent;

	len = min_t(size_t, len, desc->count);
	if (!len)
		return 0;
	sent = skb_send_sock_locked(dst, skb, offset, len);
	if (sent <= 0) {
		/* A full peer is backpressure; anything else is fatal. */
		if (sent != -EAGAIN)
			desc->error = sent ?: -EPIPE;
		else
			wait_for_space(dst);
		return 0;
	}
	if (sent < len)
		wait_for_space(dst);
	desc->count -= sent;
	return sent;
}

/*
 * tcp_read_sock() stops at the urgent mark, and only tcp_recvmsg() ever
 * moves past it: left alone, one MSG_OOB byte (telnet's ^C, FTP's ABOR)
 * would freeze the direction for good. Both sockets have SO_OOBINLINE, so
 * the urgent byte is ordinary data in the stream: once reading has reached
 * the mark, forget the mark and read on, as tcp_recvmsg() does.
 */
static bool pass_urgent_mark(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (likely(!tp->urg_data) || tp->urg_seq != tp->copied_seq)
		return false;
	WRITE_ONCE(tp->urg_data, 0);
	tcp_fast_path_check(sk);
	return true;
}

/*
 * Moves what src holds to dst; returns bytes moved, sets *more when the
 * budget ran out and *failed when dst refused for good.
 */
static size_t relay_one_way(struct sock *src, struct sock *dst, bool *more,
			    bool *failed)
{
	read_descriptor_t desc = {
		.arg.data = dst,
		.count = RELAY_BUDGET,
	};
	size_t moved = 0;
	int copied;

	do {
		copied = tcp_read_sock(src, &desc, relay_actor);
		if (copied > 0)
			moved += copied;
	} while (desc.count && !desc.error && pass_urgent_mark(src));
	if (!desc.count)
		*more = true;
	if (desc.error)
		*failed = true;
	return moved;
}

/*
 * An RST or a fatal error sets sk_err. A plain TCP_CLOSE is not failure:
 * a target that closed gracefully may still hold data to pass on.
 */
static bool sock_failed(const struct sock *sk)
{
	return READ_ONCE(sk->sk_err);
}

/* The source sent FIN and everything before it has been passed on. */
static bool sock_drained_eof(const struct sock *sk)
{
	return (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) &&
	       skb_queue_empty_lockless(&sk->sk_receive_queue);
}

struct relay_result {
	bool more;
	bool reset;
	bool client_eof;
	bool target_eof;
};

/*
 * A stream is bulk while it moves BULK_BYTES per window: a window that
 * reaches it makes the stream bulk at once, one that ends below it makes
 * it chat.
 */
static void measure_rate(struct litepx_conn *c, size_t moved)
{
	unsigned long now = jiffies;

	if (time_after_eq(now, c->window_start +
			  msecs_to_jiffies(BULK_WINDOW_MS))) {
		WRITE_ONCE(c->bulk, c->window_bytes >= BULK_BYTES);
		c->window_start = now;
		c->window_bytes = 0;
	}
	c->window_bytes = min_t(size_t, c->window_bytes + moved, BULK_BYTES);
	if (c->window_bytes >= BULK_BYTES)
		WRITE_ONCE(c->bulk, true);
}

static void relay_locked(struct litepx_conn *c, struct relay_result *res)
{
	struct sock *csk = c->client->sk, *tsk = c->target->sk;
	size_t up = 0, down = 0;

	if (!c->client_eof)
		up = relay_one_way(csk, tsk, &res->more, &res->reset);
	if (!c->target_eof)
		down = relay_one_way(tsk, csk, &res->more, &res->reset);
	if (up || down) {
		measure_rate(c, up + down);
		WRITE_ONCE(c->last_active, jiffies);
		c->to_target += up;
		c->to_client += down;
		litepx_route_count(c->route, LITEPX_CNT_BYTES_TO_TARGET, up);
		litepx_route_count(c->route, LITEPX_CNT_BYTES_TO_CLIENT, down);
	}
	res->reset |= sock_failed(csk) || sock_failed(tsk);
	res->client_eof = !c->client_eof && sock_drained_eof(csk);
	res->target_eof = !c->target_eof && sock_drained_eof(tsk);
}

static void conn_pass_fin(struct litepx_conn *c, struct socket *to, bool *flag)
{
	*flag = true;
	kernel_sock_shutdown(to, SHUT_WR);
	if (!c->half_closed)
		WRITE_ONCE(c->half_closed, jiffies | 1);
}

/*
 * Data and FINs a peer acknowledges count as activity: after both FINs
 * have passed, a slow client still reading the tail of a download moves
 * nothing through the relay, yet is making progress.
 */
static void note_progress(struct litepx_conn *c)
{
	u32 client_una = READ_ONCE(tcp_sk(c->client->sk)->snd_una);
	u32 target_una = READ_ONCE(tcp_sk(c->target->sk)->snd_una);

	if (client_una == c->client_una && target_una == c->target_una)
		return;
	c->client_una = client_una;
	c->target_una = target_una;
	WRITE_ONCE(c->last_active, jiffies);
}

static bool sock_closed(const struct sock *sk)
{
	return READ_ONCE(sk->sk_state) == TCP_CLOSE;
}

/*
 * Both FINs have been passed on, but either socket may still hold data or
 * a FIN that its peer has not acknowledged. Released now, it would live
 * on as an orphan, and tcp_close() stops every timer of a kernel socket
 * (sk_net_refcnt == 0): nothing would retransmit, probe or time it out if
 * the peer went away. So the connection keeps both sockets until TCP has
 * closed them (their state changes wake us); a peer that stops
 * acknowledging meets shutdown_timeout, and a reset.
 */
static void conn_finish(struct litepx_conn *c)
{
	note_progress(c);
	if (sock_closed(c->client->sk) && sock_closed(c->target->sk))
		conn_close(c, false, "closed");
}

static void conn_relay(struct litepx_conn *c)
{
	struct relay_result res = {};

	lock_sock(c->client->sk);
	lock_sock_nested(c->target->sk, SINGLE_DEPTH_NESTING);
	relay_locked(c, &res);
	release_sock(c->target->sk);
	release_sock(c->client->sk);

	if (res.reset) {
		conn_close(c, true, "reset");
		return;
	}
	if (res.client_eof)
		conn_pass_fin(c, c->target, &c->client_eof);
	if (res.target_eof)
		conn_pass_fin(c, c->client, &c->target_eof);
	if (c->client_eof && c->target_eof) {
		conn_finish(c);
		return;
	}
	/*
	 * Releasing the locks ran the backlog, which may have queued us
	 * already; requeueing is then a no-op.
	 */
	if (res.more)
		conn_queue(c);
}

static void conn_expire(struct litepx_conn *c, enum conn_kill kill)
{
	switch (kill) {
	case KILL_CONNECT_TIMEOUT:
		litepx_route_count(c->route, LITEPX_CNT_CONNECT_TIMEOUTS, 1);
		if (c->target) {
			conn_drop_target(c);
			if (conn_redial(c))
				return;
		}
		break;
	case KILL_IDLE:
		litepx_route_count(c->route, LITEPX_CNT_IDLE_TIMEOUTS, 1);
		break;
	case KILL_SHUTDOWN:
	case KILL_DRAIN:
		litepx_route_count(c->route, LITEPX_CNT_SHUTDOWN_TIMEOUTS, 1);
		break;
	default:
		break;
	}
	conn_close(c, true, kill_names[kill]);
}

/* First run of the work: take the client over and dial the target. */
static void conn_start(struct litepx_conn *c)
{
	WRITE_ONCE(c->state, CONN_CONNECTING);
	litepx_sock_set_options(c->client->sk, c->rcvbuf, c->sndbuf);
	hook_socket(c, c->client->sk, &c->client_saved);
	if (!conn_dial(c))
		return;
	if (c->target)
		conn_drop_target(c);
	if (!conn_redial(c))
		conn_close(c, true, "target unreachable");
}

static enum conn_kill conn_expired(struct litepx_conn *c, unsigned long now)
{
	unsigned long drain = READ_ONCE(c->route->stats->drain_start);
	unsigned long half = READ_ONCE(c->half_closed);
	unsigned long active = READ_ONCE(c->last_active);
	enum litepx_conn_state state = READ_ONCE(c->state);

	if (state == CONN_NEW || state == CONN_CONNECTING)
		return time_after(now, READ_ONCE(c->started) +
					c->route->connect_timeout) ?
		       KILL_CONNECT_TIMEOUT : KILL_NONE;
	/*
	 * After a half-close, shutdown_timeout is how long the connection
	 * may stay quiet (as HAProxy's client-fin and server-fin), not how
	 * long it may last: a client that half-closes after its request may
	 * download for as long as data flows.
	 */
	if (half && time_after(now, (time_after(active, half) ? active : half) +
				    c->route->shutdown_timeout))
		return KILL_SHUTDOWN;
	if (drain && time_after(now, drain + c->route->shutdown_timeout))
		return KILL_DRAIN;
	if (time_after(now, active + c->route->idle_timeout))
		return KILL_IDLE;
	return KILL_NONE;
}

/*
 * GC judged from a state and a last_active that this work may have moved
 * on since (the target connected, bytes were relayed or acknowledged):
 * judge again. Drain and exit verdicts cannot go stale.
 */
static enum conn_kill conn_kill_due(struct litepx_conn *c, enum conn_kill kill)
{
	if (kill != KILL_CONNECT_TIMEOUT && kill != KILL_IDLE &&
	    kill != KILL_SHUTDOWN)
		return kill;
	if (c->state == CONN_RELAYING)
		note_progress(c);
	return conn_expired(c, jiffies);
}

static void conn_work(struct work_struct *work)
{
	struct litepx_conn *c = container_of(work, struct litepx_conn, work);
	enum conn_kill kill = xchg(&c->kill, KILL_NONE);

	if (c->state == CONN_CLOSED)
		goto out;
	kill = conn_kill_due(c, kill);
	if (kill) {
		conn_expire(c, kill);
		goto out;
	}
	if (c->state == CONN_NEW) {
		conn_start(c);
		goto out;
	}
	if (sock_failed(c->client->sk) && c->state == CONN_CONNECTING) {
		conn_close(c, true, "client gone");
		goto out;
	}
	if (c->state == CONN_CONNECTING && !conn_check_connected(c))
		goto out;
	conn_relay(c);
out:
	conn_put(c);
}

static bool every_cpu_works(const struct litepx_options *opts)
{
	return !opts->ncpus && (!opts->worker_threads ||
				opts->worker_threads >= num_online_cpus());
}

static int pick_cpu(struct litepx_net *ln, const struct litepx_options *opts)
{
	unsigned int n = atomic_inc_return(&ln->tcp.next_worker);
	unsigned int workers, i = 0;
	int cpu;

	if (opts->ncpus) {
		cpu = opts->cpus[n % opts->ncpus];
		return cpu_online(cpu) ? cpu : WORK_CPU_UNBOUND;
	}
	workers = opts->worker_threads ?: num_online_cpus();
	workers = min(workers, num_online_cpus());
	n %= workers;
	for_each_online_cpu(cpu)
		if (i++ == n)
			return cpu;
	return WORK_CPU_UNBOUND;
}

/* Reads what a new connection needs from the config in force. */
static bool conn_setup(struct litepx_conn *c, struct accept_limits *lim)
{
	const struct litepx_config *cfg;
	bool ok = false;

	rcu_read_lock();
	cfg = rcu_dereference(c->ln->config);
	if (cfg) {
		c->cpu = pick_cpu(c->ln, &cfg->opts);
		c->any_cpu = every_cpu_works(&cfg->opts);
		c->rcvbuf = cfg->opts.rcvbuf;
		c->sndbuf = cfg->opts.sndbuf;
		lim->conn_limit = cfg->opts.tcp_conn_limit;
		lim->ip_limit = cfg->opts.tcp_conn_ip_limit;
		lim->ipv6_prefix = cfg->opts.ipv6_prefix;
		ok = true;
	}
	rcu_read_unlock();
	return ok;
}

static struct litepx_conn *conn_alloc(struct litepx_net *ln,
				      struct litepx_route *route,
				      struct socket *client)
{
	struct litepx_conn *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->ln = ln;
	c->route = route;
	litepx_route_get(route);
	c->client = client;
	refcount_set(&c->refs, 1);
	INIT_WORK(&c->work, conn_work);
	c->started = jiffies;
	c->window_start = c->started;
	c->bulk = true;
	c->last_active = c->started;
	litepx_sock_peer(client->sk, &c->client_addr, &c->client_port);
	litepx_sock_local(client->sk, &c->local_addr, &c->local_port);
	return c;
}

static void gc_arm(struct litepx_net *ln)
{
	queue_delayed_work(litepx_wq, &ln->tcp.gc_work, GC_INTERVAL);
}

void litepx_conn_accept(struct litepx_net *ln, struct litepx_route *route,
			struct socket *client)
{
	struct litepx_source *spare;
	struct accept_limits lim;
	struct litepx_conn *c;

	c = conn_alloc(ln, route, client);
	spare = kzalloc(sizeof(*spare), GFP_KERNEL);
	if (!c || !spare || !conn_setup(c, &lim)) {
		litepx_route_count(route, LITEPX_CNT_REFUSED_OTHER, 1);
		goto refuse;
	}
	/*
	 * Once admitted, GC and namespace exit see c and may close it before
	 * we queue it: the first queueing's reference and the active count
	 * must be in place before that.
	 */
	refcount_inc(&c->refs);
	atomic_inc(&route->stats->active);
	if (conn_admit(c, &lim, &spare)) {
		atomic_dec(&route->stats->active);
		conn_put(c);
		goto refuse;
	}
	kfree(spare);
	litepx_route_count(route, LITEPX_CNT_CONNS, 1);
	/*
	 * From here on only the connection's work touches it, so setting up
	 * never races with the callbacks it installs.
	 */
	conn_queue_held(c, c->cpu);
	gc_arm(ln);
	return;

refuse:
	litepx_log_conn(ln, LITEPX_LOG_INFO,
			"route %u: refused a client (over a limit, or out of memory)\n",
			route->id);
	kfree(spare);
	if (c)
		conn_put(c);
	litepx_socket_reset(client);
}

static void gc_work(struct work_struct *work)
{
	struct litepx_net *ln = container_of(to_delayed_work(work),
					     struct litepx_net, tcp.gc_work);
	unsigned long now = jiffies;
	struct litepx_conn *c;
	enum conn_kill kill;
	bool any;

	spin_lock(&ln->tcp.lock);
	list_for_each_entry(c, &ln->tcp.conns, node) {
		kill = conn_expired(c, now);
		if (kill && cmpxchg(&c->kill, KILL_NONE, kill) == KILL_NONE)
			conn_queue(c);
	}
	any = !list_empty(&ln->tcp.conns) && !ln->tcp.exiting;
	spin_unlock(&ln->tcp.lock);
	if (any)
		gc_arm(ln);
}

void litepx_tcp_net_init(struct litepx_net *ln)
{
	spin_lock_init(&ln->tcp.lock);
	INIT_LIST_HEAD(&ln->tcp.conns);
	ln->tcp.conn_ids = RB_ROOT;
	init_waitqueue_head(&ln->tcp.conns_gone);
	INIT_DELAYED_WORK(&ln->tcp.gc_work, gc_work);
}

/* Listeners are gone already: reset every connection and wait. */
void litepx_tcp_net_exit(struct litepx_net *ln)
{
	struct litepx_conn *c;

	spin_lock(&ln->tcp.lock);
	ln->tcp.exiting = true;
	list_for_each_entry(c, &ln->tcp.conns, node) {
		WRITE_ONCE(c->kill, KILL_EXIT);
		conn_queue(c);
	}
	spin_unlock(&ln->tcp.lock);
	wait_event(ln->tcp.conns_gone, !READ_ONCE(ln->tcp.nconns));
	/* The last conn_forget() may still be inside the lock, waking us. */
	spin_lock(&ln->tcp.lock);
	spin_unlock(&ln->tcp.lock);
	cancel_delayed_work_sync(&ln->tcp.gc_work);
}

void litepx_conn_snapshot(const struct litepx_conn *c,
			  struct litepx_conn_info *info)
{
	const struct litepx_route *r = c->route;
	u32 dest = min(READ_ONCE(c->dest_index), r->ndests - 1);
	unsigned long now = jiffies;

	memset(info, 0, sizeof(*info));
	info->route_id = r->id;
	info->protocol = LITEPX_PROTO_TCP;
	info->state = READ_ONCE(c->state);
	info->client = c->client_addr;
	info->client_port = c->client_port;
	info->local = c->local_addr;
	info->local_port = c->local_port;
	info->target = r->dests[dest];
	info->target_port = r->dest_port + (c->local_port - r->port_from);
	info->age_ms = jiffies_to_msecs(now - READ_ONCE(c->started));
	info->idle_ms = jiffies_to_msecs(now - READ_ONCE(c->last_active));
	info->to_target = READ_ONCE(c->to_target);
	info->to_client = READ_ONCE(c->to_client);
}

void litepx_conns_lock(struct litepx_net *ln)
	__acquires(&ln->tcp.lock)
{
	spin_lock(&ln->tcp.lock);
}

void litepx_conns_unlock(struct litepx_net *ln)
	__releases(&ln->tcp.lock)
{
	spin_unlock(&ln->tcp.lock);
}

struct litepx_conn *litepx_conn_after(struct litepx_net *ln, u64 id)
{
	struct rb_node *node = ln->tcp.conn_ids.rb_node;
	struct litepx_conn *c, *found = NULL;

	lockdep_assert_held(&ln->tcp.lock);
	while (node) {
		c = rb_entry(node, struct litepx_conn, id_node);
		if (c->id > id) {
			found = c;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

u64 litepx_conn_id(const struct litepx_conn *c)
{
	return c->id;
}

bool litepx_conn_walk(struct litepx_net *ln, u64 *cursor,
		      int (*fn)(const struct litepx_conn_info *info, void *arg),
		      void *arg)
{
	struct litepx_conn_info info;
	struct litepx_conn *c;
	bool stopped = false;

	litepx_conns_lock(ln);
	for (c = litepx_conn_after(ln, *cursor); c;
	     c = rb_entry_safe(rb_next(&c->id_node), struct litepx_conn,
			       id_node)) {
		litepx_conn_snapshot(c, &info);
		if (fn(&info, arg)) {
			stopped = true;
			break;
		}
		*cursor = c->id;
	}
	litepx_conns_unlock(ln);
	return stopped;
}
