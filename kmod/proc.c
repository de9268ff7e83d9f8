// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/litepx is a symlink to /proc/net/litepx, so every reader sees the
 * state of its own network namespace, the way /proc/net itself works.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "config.h"
#include "pernet.h"
#include "proc.h"
#include "listener.h"
#include "tcp.h"
#include "udp.h"

static const char * const log_level_names[] = {
	[LITEPX_LOG_ERROR] = "error",
	[LITEPX_LOG_WARN] = "warn",
	[LITEPX_LOG_INFO] = "info",
	[LITEPX_LOG_DEBUG] = "debug",
};

static const char * const proxy_protocol_names[] = {
	[LITEPX_PROXY_NONE] = "none",
	[LITEPX_PROXY_V1] = "v1",
	[LITEPX_PROXY_V2] = "v2",
	[LITEPX_PROXY_SPP] = "spp",
};

static const char * const protocols_names[] = {
	[LITEPX_PROTO_TCP] = "tcp",
	[LITEPX_PROTO_UDP] = "udp",
	[LITEPX_PROTO_ALL] = "tcp,udp",
};

static struct proc_dir_entry *litepx_proc_link;

static void show_options(struct seq_file *seq,
			 const struct litepx_options *opts)
{
	u32 i;

	seq_printf(seq, "worker_threads %u\n", opts->worker_threads);
	seq_printf(seq, "idle_timeout_ms %u\n", opts->idle_timeout_ms);
	seq_printf(seq, "connect_timeout_ms %u\n", opts->connect_timeout_ms);
	seq_printf(seq, "shutdown_timeout_ms %u\n", opts->shutdown_timeout_ms);
	seq_printf(seq, "log_level %s\n", log_level_names[opts->log_level]);
	seq_printf(seq, "tcp_connection_limit %u\n", opts->tcp_conn_limit);
	seq_printf(seq, "tcp_connection_ip_limit %u\n",
		   opts->tcp_conn_ip_limit);
	seq_printf(seq, "ipv6_prefix %u\n", opts->ipv6_prefix);
	seq_printf(seq, "udp_session_limit %u\n", opts->udp_session_limit);
	seq_printf(seq, "udp_session_ip_limit %u\n",
		   opts->udp_session_ip_limit);
	seq_printf(seq, "udp_pps_ip_limit %u\n", opts->udp_pps_ip_limit);
	seq_printf(seq, "udp_bps_ip_limit %llu\n", opts->udp_bps_ip_limit);
	seq_printf(seq, "recv_buffer_size %u\n", opts->rcvbuf);
	seq_printf(seq, "send_buffer_size %u\n", opts->sndbuf);
	seq_puts(seq, "cpu_affinity");
	for (i = 0; i < opts->ncpus; i++)
		seq_printf(seq, "%c%u", i ? ',' : ' ', opts->cpus[i]);
	seq_puts(seq, opts->ncpus ? "\n" : " none\n");
}

static int config_show(struct seq_file *seq, void *v)
{
	struct litepx_net *ln = litepx_net(seq_file_single_net(seq));
	const struct litepx_config *cfg;

	rcu_read_lock();
	cfg = rcu_dereference(ln->config);
	if (cfg) {
		seq_printf(seq, "generation %u\n", cfg->generation);
		seq_printf(seq, "routes %u\n", cfg->nroutes);
		show_options(seq, &cfg->opts);
	} else {
		seq_printf(seq, "generation %u\n", READ_ONCE(ln->generation));
		seq_puts(seq, "routes 0\n");
	}
	rcu_read_unlock();
	return 0;
}

static void show_addr(struct seq_file *seq, const struct litepx_addr *addr)
{
	if (addr->family == AF_INET)
		seq_printf(seq, "%pI4", &addr->v4);
	else
		seq_printf(seq, "[%pI6c]", &addr->v6);
}

static void show_counters(struct seq_file *seq,
			  const struct litepx_route *route)
{
	struct litepx_route_counters sum;
	int i;

	litepx_route_counters_sum(route, &sum);
	seq_printf(seq, " %d", atomic_read(&route->stats->active));
	for (i = 0; i < LITEPX_CNT_SESSIONS; i++)
		seq_printf(seq, " %llu", sum.v[i]);
	seq_printf(seq, " %d", atomic_read(&route->stats->sessions_active));
	for (; i < __LITEPX_CNT_MAX; i++)
		seq_printf(seq, " %llu", sum.v[i]);
}

static void show_route(struct seq_file *seq, const struct litepx_config *cfg,
		       const struct litepx_route *route)
{
	u32 span = route->port_to - route->port_from;
	u32 i;

	seq_printf(seq, "%u %s ", route->id, protocols_names[route->protocols]);
	if (route->listen_any)
		seq_puts(seq, "*");
	else
		show_addr(seq, &route->listen);
	seq_printf(seq, ":%u-%u %s:%u-%u ", route->port_from, route->port_to,
		   route->dest_host, route->dest_port, route->dest_port + span);
	for (i = 0; i < route->ndests; i++) {
		if (i)
			seq_putc(seq, ',');
		show_addr(seq, &route->dests[i]);
	}
	seq_printf(seq, " %s %u %u %u ",
		   proxy_protocol_names[route->proxy_protocol],
		   route->connect_timeout_ms, route->idle_timeout_ms,
		   route->shutdown_timeout_ms);
	seq_escape(seq, route->description ?: "-", " \t\n\\");
	show_counters(seq, route);
	seq_putc(seq, '\n');
}

#define ROUTES_HEADER \
	"id proto listen dest addresses proxy_protocol connect_ms idle_ms " \
	"shutdown_ms description active conns bytes_to_target " \
	"bytes_to_client refused_conn_limit refused_ip_limit " \
	"connect_failures connect_timeouts idle_timeouts " \
	"shutdown_timeouts resets sessions_active sessions " \
	"packets_to_target packets_to_client refused_session_limit " \
	"dropped_pps dropped_bps session_expiries dropped_other " \
	"refused_session_ip_limit sessions_evicted\n"

/* The snapshot being walked, so every line of one read is consistent. */
struct routes_iter {
	struct seq_net_private p;
	const struct litepx_config *cfg;
};

static void *routes_at(struct seq_file *seq, loff_t pos)
{
	struct routes_iter *iter = seq->private;

	if (pos == 0)
		return SEQ_START_TOKEN;
	if (!iter->cfg || pos > iter->cfg->nroutes)
		return NULL;
	return iter->cfg->routes[pos - 1];
}

static void *routes_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct litepx_net *ln = litepx_net(seq_file_net(seq));
	struct routes_iter *iter = seq->private;

	rcu_read_lock();
	iter->cfg = rcu_dereference(ln->config);
	return routes_at(seq, *pos);
}

static void *routes_next(struct seq_file *seq, void *v, loff_t *pos)
{
	return routes_at(seq, ++*pos);
}

static void routes_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int routes_show(struct seq_file *seq, void *v)
{
	struct routes_iter *iter = seq->private;

	if (v == SEQ_START_TOKEN)
		seq_puts(seq, ROUTES_HEADER);
	else
		show_route(seq, iter->cfg, v);
	return 0;
}

static const struct seq_operations routes_seq_ops = {
	.start = routes_start,
	.next = routes_next,
	.stop = routes_stop,
	.show = routes_show,
};

#define COUNTER_NAME(NAME, name)					\
	[LITEPX_CNT_##NAME] = #name,

static const char * const counter_names[__LITEPX_CNT_MAX] = {
	LITEPX_COUNTERS(COUNTER_NAME)
};

/* Totals of the routes in force, and the namespace's live objects. */
static int stats_show(struct seq_file *seq, void *v)
{
	struct litepx_net *ln = litepx_net(seq_file_single_net(seq));
	struct litepx_route_counters total = {}, one;
	const struct litepx_config *cfg;
	u32 i, routes = 0;
	int j;

	rcu_read_lock();
	cfg = rcu_dereference(ln->config);
	for (i = 0; cfg && i < cfg->nroutes; i++) {
		litepx_route_counters_sum(cfg->routes[i], &one);
		for (j = 0; j < __LITEPX_CNT_MAX; j++)
			total.v[j] += one.v[j];
	}
	routes = cfg ? cfg->nroutes : 0;
	rcu_read_unlock();
	seq_printf(seq, "routes %u\n", routes);
	seq_printf(seq, "tcp_listeners %u\n",
		   litepx_listener_count(ln, LITEPX_LISTENER_TCP));
	seq_printf(seq, "tcp_connections %u\n", READ_ONCE(ln->tcp.nconns));
	seq_printf(seq, "udp_listeners %u\n",
		   litepx_listener_count(ln, LITEPX_LISTENER_UDP));
	seq_printf(seq, "udp_sessions %u\n", litepx_session_count(ln));
	seq_printf(seq, "table_bytes %zu\n", litepx_net_table_bytes(ln));
	for (j = 0; j < __LITEPX_CNT_MAX; j++)
		seq_printf(seq, "%s %llu\n", counter_names[j], total.v[j]);
	return 0;
}

static const char * const conn_state_names[] = {
	[LITEPX_CONN_NEW] = "new",
	[LITEPX_CONN_CONNECTING] = "connecting",
	[LITEPX_CONN_RELAYING] = "relaying",
	[LITEPX_CONN_CLOSED] = "closed",
};

static void show_endpoint(struct seq_file *seq, const struct litepx_addr *addr,
			  u16 port)
{
	seq_putc(seq, ' ');
	show_addr(seq, addr);
	seq_printf(seq, ":%u", port);
}

static int show_conn(const struct litepx_conn_info *info, void *arg)
{
	struct seq_file *seq = arg;

	seq_printf(seq, "%u %s", info->route_id,
		   protocols_names[info->protocol]);
	show_endpoint(seq, &info->client, info->client_port);
	show_endpoint(seq, &info->local, info->local_port);
	show_endpoint(seq, &info->target, info->target_port);
	seq_printf(seq, " %s %u %u %llu %llu", conn_state_names[info->state],
		   info->age_ms, info->idle_ms, info->to_target,
		   info->to_client);
	if (info->protocol == LITEPX_PROTO_UDP)
		seq_printf(seq, " %llu %llu", info->packets_to_target,
			   info->packets_to_client);
	seq_putc(seq, '\n');
	return 0;
}

/*
 * A read resumes after the last connection shown, found by its id in
 * O(log n): a large table is read in pages without walking past what was
 * shown, and the table's lock is held for one page at a time.
 */
struct conns_iter {
	struct seq_net_private p;
	u64 cursor;		/* id of the connection shown before pos */
	loff_t pos;		/* position the cursor belongs to */
};

static void *conns_seq_start(struct seq_file *seq, loff_t *pos)
{
	struct litepx_net *ln = litepx_net(seq_file_net(seq));
	struct conns_iter *iter = seq->private;
	struct litepx_conn *c = NULL;
	loff_t i;

	litepx_conns_lock(ln);
	if (!*pos)
		return SEQ_START_TOKEN;
	if (*pos == iter->pos)
		return litepx_conn_after(ln, iter->cursor);
	/* A seek: count from the start. */
	iter->cursor = 0;
	for (i = 1; i <= *pos; i++) {
		c = litepx_conn_after(ln, iter->cursor);
		if (!c)
			break;
		if (i < *pos)
			iter->cursor = litepx_conn_id(c);
	}
	iter->pos = *pos;
	return c;
}

static void *conns_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct litepx_net *ln = litepx_net(seq_file_net(seq));
	struct conns_iter *iter = seq->private;

	if (v != SEQ_START_TOKEN)
		iter->cursor = litepx_conn_id(v);
	iter->pos = ++*pos;
	return litepx_conn_after(ln, iter->cursor);
}

static void conns_seq_stop(struct seq_file *seq, void *v)
{
	litepx_conns_unlock(litepx_net(seq_file_net(seq)));
}

static int conns_seq_show(struct seq_file *seq, void *v)
{
	struct litepx_conn_info info;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "route proto client local target state age_ms idle_ms bytes_to_target bytes_to_client\n");
		return 0;
	}
	litepx_conn_snapshot(v, &info);
	return show_conn(&info, seq);
}

static const struct seq_operations conns_seq_ops = {
	.start = conns_seq_start,
	.next = conns_seq_next,
	.stop = conns_seq_stop,
	.show = conns_seq_show,
};

static int sessions_show(struct seq_file *seq, void *v)
{
	struct litepx_session_cursor cur = {};

	seq_puts(seq, "route proto client local target state age_ms idle_ms bytes_to_target bytes_to_client packets_to_target packets_to_client\n");
	litepx_session_walk(litepx_net(seq_file_single_net(seq)), &cur,
			    show_conn, seq);
	return 0;
}

int litepx_proc_net_init(struct litepx_net *ln)
{
	struct net *net = ln->net;

	ln->proc_dir = proc_net_mkdir(net, "litepx", net->proc_net);
	if (!ln->proc_dir)
		return -ENOMEM;
	if (!proc_create_net_single("config", 0444, ln->proc_dir,
				    config_show, NULL) ||
	    !proc_create_net("routes", 0444, ln->proc_dir, &routes_seq_ops,
			     sizeof(struct routes_iter)) ||
	    !proc_create_net("connections", 0400, ln->proc_dir,
			     &conns_seq_ops, sizeof(struct conns_iter)) ||
	    !proc_create_net_single("sessions", 0400, ln->proc_dir,
				    sessions_show, NULL) ||
	    !proc_create_net_single("stats", 0444, ln->proc_dir, stats_show,
				    NULL)) {
		proc_remove(ln->proc_dir);
		return -ENOMEM;
	}
	return 0;
}

void litepx_proc_net_uninit(struct litepx_net *ln)
{
	proc_remove(ln->proc_dir);
}

int litepx_proc_init(void)
{
	litepx_proc_link = proc_symlink("litepx", NULL, "net/litepx");
	return litepx_proc_link ? 0 : -ENOMEM;
}

void litepx_proc_uninit(void)
{
	proc_remove(litepx_proc_link);
}
