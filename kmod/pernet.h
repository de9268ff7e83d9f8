/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_PERNET_H
#define LITEPX_PERNET_H

#include <linux/bits.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/rcupdate.h>
#include <linux/net.h>
#include <net/net_namespace.h>

struct litepx_config;
struct proc_dir_entry;

#define LITEPX_LISTENER_BITS	10
#define LITEPX_LISTENER_BUCKETS	BIT(LITEPX_LISTENER_BITS)
#define LITEPX_SOURCE_BUCKETS	1024

/* TCP connections of one namespace: tcp.c's. */
struct litepx_tcp_net {
	/*
	 * Protects conns, conn_ids, last_conn_id, nconns, the per-source
	 * counts in sources and exiting: taken from process context only
	 * (accept, close, GC, dumps).
	 */
	spinlock_t lock;
	struct list_head conns;
	struct rb_root conn_ids;
	u64 last_conn_id;
	u32 nconns;
	struct hlist_head *sources;	/* LITEPX_SOURCE_BUCKETS */
	bool exiting;
	wait_queue_head_t conns_gone;
	struct delayed_work gc_work;
	atomic_t next_worker;
};

/* UDP sessions of one namespace: udp.c's. */
struct litepx_udp_net {
	/*
	 * Protects changes to the session and source tables (readers use
	 * RCU), nsessions, each source's session count, nsources,
	 * unassured, evicted, last_session_id and exiting. Datagrams
	 * insert sessions in softirq: take it with BH off.
	 */
	spinlock_t lock;
	struct hlist_head *sessions;
	struct hlist_head *sources;
	u32 nsessions;
	u32 nsources;
	struct list_head unassured;	/* eviction candidates, oldest first */
	struct list_head evicted;	/* out of the table, for the GC */
	u32 last_session_id;
	bool exiting;
	atomic_t parked;		/* truesize of parked datagrams */
	struct delayed_work gc_work;
	/* When the GC next walks the table (jiffies); set by the GC, reload. */
	unsigned long gc_next_scan;
};

struct litepx_net {
	struct net *net;
	/*
	 * Serialises writers of config and generation (CONFIG_SET, FLUSH,
	 * namespace exit); readers only take rcu_read_lock().
	 */
	struct mutex config_lock;
	struct litepx_config __rcu *config;
	u32 generation;
	u8 log_level;			/* of the config in force */
	struct proc_dir_entry *proc_dir;

	/*
	 * Set under config_lock once the first config load has allocated
	 * the tables below: a namespace that never loads one costs only
	 * this struct and its /proc directory.
	 */
	bool configured;

	/*
	 * Listening sockets by (protocol, family, address, port), counted
	 * by enum litepx_listener_kind; under config_lock.
	 */
	struct hlist_head *listeners;	/* LITEPX_LISTENER_BUCKETS */
	u32 nlisteners[2];

	struct litepx_tcp_net tcp;
	struct litepx_udp_net udp;
};

struct netlink_ext_ack;

struct litepx_net *litepx_net(const struct net *net);
/* Memory of the tables the first config load allocated; 0 before. */
size_t litepx_net_table_bytes(struct litepx_net *ln);
int litepx_net_replace_config(struct litepx_net *ln, struct litepx_config *cfg,
			      struct netlink_ext_ack *extack);

/* Per-connection dmesg lines: filtered by log_level and rate-limited. */
#define litepx_log_conn(ln, level, fmt, ...)				\
	do {								\
		if ((level) <= READ_ONCE((ln)->log_level))		\
			net_info_ratelimited(fmt, ##__VA_ARGS__);	\
	} while (0)
int litepx_pernet_init(void);
void litepx_pernet_uninit(void);

#endif /* LITEPX_PERNET_H */
