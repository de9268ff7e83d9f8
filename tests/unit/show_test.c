// SPDX-License-Identifier: GPL-2.0
/*
 * What show and conns print, against golden text: a model and counters
 * built in memory as the route and connection dumps fill them, printed
 * without a kernel. Long IPv6 clients and targets must keep the columns;
 * the JSON of show and conns must stay what scripts already read.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "../../userspace/config.h"
#include "../../userspace/conns.h"
#include "../../userspace/show.h"

/* ---- a model, as the dumps fill it ---- */

static void set_addr(struct lpx_addr *a, const char *text)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, text, a->family == AF_INET ?
		      (void *)&a->v4 : (void *)&a->v6) != 1)
		abort();
}

static char *dup_or_die(const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		abort();
	return copy;
}

static struct lpx_route *add_route(struct lpx_config *cfg, uint16_t from,
				   uint16_t to, const char *dest_host)
{
	struct lpx_route *r;

	cfg->routes = realloc(cfg->routes,
			      (cfg->nroutes + 1) * sizeof(*cfg->routes));
	if (!cfg->routes)
		abort();
	r = &cfg->routes[cfg->nroutes++];
	memset(r, 0, sizeof(*r));
	r->id = cfg->nroutes;
	r->protocols = LITEPX_PROTO_ALL;
	r->port_from = from;
	r->port_to = to;
	r->dest_port = from;
	r->dest_host = dup_or_die(dest_host);
	return r;
}

static void add_dest(struct lpx_route *r, const char *addr)
{
	set_addr(&r->dests[r->ndests++], addr);
}

static void set_options(struct lpx_options *o)
{
	lpx_options_set_defaults(o);
	o->worker_threads = 0;
	o->connect_timeout_ms = 1500;
	o->log_level = LITEPX_LOG_DEBUG;
	o->tcp_conn_ip_limit = 0;
	o->ipv6_prefix = 48;
	o->udp_bps_ip_limit = 0;
	o->rcvbuf = 0;
	o->sndbuf = 256 << 10;
	o->cpus = calloc(2, sizeof(*o->cpus));
	if (!o->cpus)
		abort();
	o->cpus[0] = 2;
	o->cpus[1] = 0;
	o->ncpus = 2;
}

/*
 * Four routes: a single port; a shifted TCP range on an IPv6 address to
 * a long IPv6 target, with every timeout overridden; UDP on 0.0.0.0 to a
 * name with two addresses; a range up to 65535.
 */
static void build_config(struct lpx_config *cfg)
{
	struct lpx_route *r;

	memset(cfg, 0, sizeof(*cfg));
	set_options(&cfg->opts);
	r = add_route(cfg, 8080, 8080, "198.51.100.10");
	r->dest_port = 80;
	r->description = dup_or_die("web");
	add_dest(r, "198.51.100.10");

	r = add_route(cfg, 9000, 9010, "2001:db8:1234:5678:9abc:def0:1234:5678");
	r->dest_port = 8000;
	r->protocols = LITEPX_PROTO_TCP;
	r->has_listen = true;
	set_addr(&r->listen, "2001:db8::1");
	r->proxy_protocol = LITEPX_PROXY_V1;
	r->idle_timeout_ms = 600000;
	r->connect_timeout_ms = 5000;
	r->shutdown_timeout_ms = 30000;
	add_dest(r, "2001:db8:1234:5678:9abc:def0:1234:5678");

	r = add_route(cfg, 3478, 3478, "db.example");
	r->protocols = LITEPX_PROTO_UDP;
	r->has_listen = true;
	set_addr(&r->listen, "0.0.0.0");
	r->proxy_protocol = LITEPX_PROXY_SPP;
	r->idle_timeout_ms = 120000;
	r->description = dup_or_die("say \"hi\" \\ caf\xc3\xa9");
	add_dest(r, "192.0.2.10");
	add_dest(r, "2001:db8::10");

	r = add_route(cfg, 49152, 65535, "192.0.2.20");
	r->proxy_protocol = LITEPX_PROXY_V2;
	add_dest(r, "192.0.2.20");
}

/* Route 1 busy, route 2 untouched, route 3 some UDP, route 4 huge. */
static struct lpx_route_stats *build_stats(const struct lpx_config *cfg)
{
	struct lpx_route_stats *st = calloc(cfg->nroutes, sizeof(*st));
	size_t i;

	if (!st)
		abort();
	for (i = 0; i < cfg->nroutes; i++)
		st[i].id = cfg->routes[i].id;
	st[0].active = 3;
	st[0].counters[LITEPX_CNT_CONNS] = 120;
	st[0].counters[LITEPX_CNT_BYTES_TO_TARGET] = 1288490;
	st[0].counters[LITEPX_CNT_BYTES_TO_CLIENT] = 47500000;
	st[0].counters[LITEPX_CNT_RESETS] = 2;
	st[2].sessions_active = 1;
	st[2].counters[LITEPX_CNT_SESSIONS] = 7;
	st[2].counters[LITEPX_CNT_BYTES_TO_TARGET] = 512;
	st[2].counters[LITEPX_CNT_BYTES_TO_CLIENT] = 1536;
	st[2].counters[LITEPX_CNT_PACKETS_TO_TARGET] = 4;
	st[2].counters[LITEPX_CNT_PACKETS_TO_CLIENT] = 6;
	st[2].counters[LITEPX_CNT_SESSION_EXPIRIES] = 6;
	st[3].counters[LITEPX_CNT_CONNS] = 1;
	st[3].counters[LITEPX_CNT_BYTES_TO_TARGET] = 5ULL << 40;
	st[3].counters[LITEPX_CNT_SESSIONS_EVICTED] = 1;
	return st;
}

static struct lpx_conn *add_conn(struct lpx_conn_list *list,
				 uint32_t route, uint8_t protocol,
				 const char *client, uint16_t client_port,
				 const char *local, uint16_t local_port,
				 const char *target, uint16_t target_port)
{
	struct lpx_conn c = {
		.route_id = route,
		.protocol = protocol,
		.state = LITEPX_CONN_RELAYING,
		.client_port = client_port,
		.local_port = local_port,
		.target_port = target_port,
	};

	set_addr(&c.client, client);
	set_addr(&c.local, local);
	set_addr(&c.target, target);
	if (lpx_conn_list_add(&c, list))
		abort();
	return &list->conns[list->n - 1];
}

/*
 * An IPv4 TCP connection, one with the longest IPv6 client and target
 * there are, and an IPv4 UDP session.
 */
static void build_conns(struct lpx_conn_list *list)
{
	struct lpx_conn *c;

	memset(list, 0, sizeof(*list));
	c = add_conn(list, 1, LITEPX_PROTO_TCP, "203.0.113.7", 51515,
		     "198.51.100.1", 8080, "198.51.100.10", 80);
	c->age_ms = 3723000;
	c->idle_ms = 850;
	c->bytes_to_target = 1288490;
	c->bytes_to_client = 47500000;
	c = add_conn(list, 2, LITEPX_PROTO_TCP,
		     "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff", 65535,
		     "2001:db8::1", 9005,
		     "2001:db8:1234:5678:9abc:def0:1234:5678", 8005);
	c->state = LITEPX_CONN_CONNECTING;
	c->age_ms = 12345;
	c->idle_ms = 12345;
	c = add_conn(list, 3, LITEPX_PROTO_UDP, "192.0.2.200", 5000,
		     "192.0.2.1", 3478, "192.0.2.10", 3478);
	c->age_ms = 59999;
	c->idle_ms = 1000;
	c->bytes_to_target = 512;
	c->bytes_to_client = 1536;
	c->packets_to_target = 4;
	c->packets_to_client = 6;
}

/* ---- golden text ---- */

static const char show_golden[] =
	"# 4 routes, 65552 listening sockets\n"
	"options:\n"
	"  worker_threads: 0 (one per CPU)\n"
	"  connection:\n"
	"    idle_timeout: 5m\n"
	"    connect_timeout: 1500ms\n"
	"    shutdown_timeout: 1m\n"
	"  log_level: debug\n"
	"security:\n"
	"  tcp:\n"
	"    connection_limits: 50000\n"
	"    connection_ip_limits: 0 (no limit)\n"
	"    ipv6_prefix: 48\n"
	"  udp:\n"
	"    connection_limits: 25000\n"
	"    connection_ip_limits: 500\n"
	"    pps_ip_limits: 5000\n"
	"    bps_ip_limits: 0 (no limit)\n"
	"performance:\n"
	"  cpu_affinity: 2, 0\n"
	"  kernel_socket:\n"
	"    recv_buffer_size: 0 (kernel default)\n"
	"    send_buffer_size: 256KiB\n"
	"\n"
	"route 1:\n"
	"  description: web\n"
	"  protocol: tcp,udp\n"
	"  listen: * (every IPv4 and IPv6 address)\n"
	"  port: 8080\n"
	"  listeners: 4 (1 port x 2 protocols x 2 address families)\n"
	"  dest_host: 198.51.100.10\n"
	"  dest_port: 80\n"
	"  addresses: 198.51.100.10\n"
	"  proxy_protocol: none\n"
	"  timeouts: idle 5m, connect 1500ms, shutdown 1m\n"
	"  counters (zeros left out):\n"
	"    active: 3\n"
	"    conns: 120\n"
	"    bytes_to_target: 1.2 MiB\n"
	"    bytes_to_client: 45.3 MiB\n"
	"    resets: 2\n"
	"\n"
	"route 2:\n"
	"  protocol: tcp\n"
	"  listen: 2001:db8::1\n"
	"  port: 9000-9010\n"
	"  listeners: 11 (11 ports x 1 protocol x 1 address family)\n"
	"  dest_host: 2001:db8:1234:5678:9abc:def0:1234:5678\n"
	"  dest_port: 8000-8010\n"
	"  addresses: 2001:db8:1234:5678:9abc:def0:1234:5678\n"
	"  proxy_protocol: v1\n"
	"  timeouts: idle 10m, connect 5s, shutdown 30s\n"
	"  counters: all zero\n"
	"\n"
	"route 3:\n"
	"  description: say \"hi\" \\ caf\xc3\xa9\n"
	"  protocol: udp\n"
	"  listen: 0.0.0.0\n"
	"  port: 3478\n"
	"  listeners: 1 (1 port x 1 protocol x 1 address family)\n"
	"  dest_host: db.example\n"
	"  dest_port: 3478\n"
	"  addresses: 192.0.2.10, 2001:db8::10\n"
	"  proxy_protocol: spp\n"
	"  timeouts: idle 2m, connect 1500ms, shutdown 1m\n"
	"  counters (zeros left out):\n"
	"    sessions_active: 1\n"
	"    bytes_to_target: 512 B\n"
	"    bytes_to_client: 1.5 KiB\n"
	"    sessions: 7\n"
	"    packets_to_target: 4\n"
	"    packets_to_client: 6\n"
	"    session_expiries: 6\n"
	"\n"
	"route 4:\n"
	"  protocol: tcp,udp\n"
	"  listen: * (every IPv4 and IPv6 address)\n"
	"  port: 49152-65535\n"
	"  listeners: 65536 (16384 ports x 2 protocols x 2 address families)\n"
	"  dest_host: 192.0.2.20\n"
	"  dest_port: 49152-65535\n"
	"  addresses: 192.0.2.20\n"
	"  proxy_protocol: v2\n"
	"  timeouts: idle 5m, connect 1500ms, shutdown 1m\n"
	"  counters (zeros left out):\n"
	"    conns: 1\n"
	"    bytes_to_target: 5.0 TiB\n"
	"    sessions_evicted: 1\n";

/* Lines are whole, however long: a table is read across. */
static const char conns_golden[] =
	"route  proto  state       client                                          local               target                                           age   idle  to_target  to_client  pkts_to_target  pkts_to_client\n"
	"    1  tcp    relaying    203.0.113.7:51515                               198.51.100.1:8080   198.51.100.10:80                               1h02m  850ms    1.2 MiB   45.3 MiB               -               -\n"
	"    2  tcp    connecting  [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535  [2001:db8::1]:9005  [2001:db8:1234:5678:9abc:def0:1234:5678]:8005  12.3s  12.3s        0 B        0 B               -               -\n"
	"    3  udp    relaying    192.0.2.200:5000                                192.0.2.1:3478      192.0.2.10:3478                                59.9s   1.0s      512 B    1.5 KiB               4               6\n";

static const char yaml_golden[] =
	"# litepx: the loaded configuration, as routes.yml(5)\n"
	"routes:\n"
	"  - port: 8080\n"
	"    dest_host: \"198.51.100.10\"\n"
	"    dest_port: 80\n"
	"    protocol: [tcp, udp]\n"
	"    proxy_protocol: none\n"
	"    description: \"web\"\n"
	"  - port_range: {from: 9000, to: 9010}\n"
	"    dest_host: \"2001:db8:1234:5678:9abc:def0:1234:5678\"\n"
	"    dest_port_range: {from: 8000, to: 8010}\n"
	"    protocol: tcp\n"
	"    listen: \"2001:db8::1\"\n"
	"    proxy_protocol: v1\n"
	"    idle_timeout: 10m\n"
	"    connect_timeout: 5s\n"
	"    shutdown_timeout: 30s\n"
	"  - port: 3478\n"
	"    dest_host: \"db.example\"\n"
	"    dest_port: 3478\n"
	"    # resolved to 192.0.2.10, 2001:db8::10\n"
	"    protocol: udp\n"
	"    listen: \"0.0.0.0\"\n"
	"    proxy_protocol: spp\n"
	"    idle_timeout: 2m\n"
	"    description: \"say \\\"hi\\\" \\\\ caf\xc3\xa9\"\n"
	"  - port_range: {from: 49152, to: 65535}\n"
	"    dest_host: \"192.0.2.20\"\n"
	"    dest_port_range: {from: 49152, to: 65535}\n"
	"    protocol: [tcp, udp]\n"
	"    proxy_protocol: v2\n"
	"options:\n"
	"  worker_threads: 0\n"
	"  connection:\n"
	"    idle_timeout: 5m\n"
	"    connect_timeout: 1500ms\n"
	"    shutdown_timeout: 1m\n"
	"  log_level: debug\n"
	"security:\n"
	"  tcp:\n"
	"    connection_limits: 50000\n"
	"    connection_ip_limits: 0\n"
	"    ipv6_prefix: 48\n"
	"  udp:\n"
	"    connection_limits: 25000\n"
	"    connection_ip_limits: 500\n"
	"    pps_ip_limits: 5000\n"
	"    bps_ip_limits: 0\n"
	"performance:\n"
	"  cpu_affinity: [2, 0]\n"
	"  kernel_socket:\n"
	"    recv_buffer_size: 0\n"
	"    send_buffer_size: 256KiB\n";

/* What show -j printed before the counters moved into the routes. */
static const char show_json_counters[] =
	",\"counters\":[{\"route\":1,\"active\":3,\"sessions_active\":0"
	",\"conns\":120,\"bytes_to_target\":1288490"
	",\"bytes_to_client\":47500000,\"refused_conn_limit\":0"
	",\"refused_ip_limit\":0,\"connect_failures\":0"
	",\"connect_timeouts\":0,\"idle_timeouts\":0,\"shutdown_timeouts\":0"
	",\"resets\":2,\"sessions\":0,\"packets_to_target\":0"
	",\"packets_to_client\":0,\"refused_session_limit\":0"
	",\"dropped_pps\":0,\"dropped_bps\":0,\"session_expiries\":0"
	",\"dropped_other\":0,\"refused_session_ip_limit\":0"
	",\"sessions_evicted\":0,\"accept_errors\":0,\"refused_other\":0},{\"route\":2,\"active\":0"
	",\"sessions_active\":0,\"conns\":0,\"bytes_to_target\":0"
	",\"bytes_to_client\":0,\"refused_conn_limit\":0"
	",\"refused_ip_limit\":0,\"connect_failures\":0"
	",\"connect_timeouts\":0,\"idle_timeouts\":0,\"shutdown_timeouts\":0"
	",\"resets\":0,\"sessions\":0,\"packets_to_target\":0"
	",\"packets_to_client\":0,\"refused_session_limit\":0"
	",\"dropped_pps\":0,\"dropped_bps\":0,\"session_expiries\":0"
	",\"dropped_other\":0,\"refused_session_ip_limit\":0"
	",\"sessions_evicted\":0,\"accept_errors\":0,\"refused_other\":0},{\"route\":3,\"active\":0"
	",\"sessions_active\":1,\"conns\":0,\"bytes_to_target\":512"
	",\"bytes_to_client\":1536,\"refused_conn_limit\":0"
	",\"refused_ip_limit\":0,\"connect_failures\":0"
	",\"connect_timeouts\":0,\"idle_timeouts\":0,\"shutdown_timeouts\":0"
	",\"resets\":0,\"sessions\":7,\"packets_to_target\":4"
	",\"packets_to_client\":6,\"refused_session_limit\":0"
	",\"dropped_pps\":0,\"dropped_bps\":0,\"session_expiries\":6"
	",\"dropped_other\":0,\"refused_session_ip_limit\":0"
	",\"sessions_evicted\":0,\"accept_errors\":0,\"refused_other\":0},{\"route\":4,\"active\":0"
	",\"sessions_active\":0,\"conns\":1,\"bytes_to_target\":5497558138880"
	",\"bytes_to_client\":0,\"refused_conn_limit\":0"
	",\"refused_ip_limit\":0,\"connect_failures\":0"
	",\"connect_timeouts\":0,\"idle_timeouts\":0,\"shutdown_timeouts\":0"
	",\"resets\":0,\"sessions\":0,\"packets_to_target\":0"
	",\"packets_to_client\":0,\"refused_session_limit\":0"
	",\"dropped_pps\":0,\"dropped_bps\":0,\"session_expiries\":0"
	",\"dropped_other\":0,\"refused_session_ip_limit\":0"
	",\"sessions_evicted\":1,\"accept_errors\":0,\"refused_other\":0}]}\n";

static const char conns_json_golden[] =
	"[{\"route\":1,\"protocol\":\"tcp\",\"client\":\"203.0.113.7:51515\""
	",\"local\":\"198.51.100.1:8080\",\"target\":\"198.51.100.10:80\""
	",\"state\":\"relaying\",\"age_ms\":3723000,\"idle_ms\":850"
	",\"bytes_to_target\":1288490,\"bytes_to_client\":47500000},"
	"{\"route\":2,\"protocol\":\"tcp\""
	",\"client\":\"[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535\""
	",\"local\":\"[2001:db8::1]:9005\""
	",\"target\":\"[2001:db8:1234:5678:9abc:def0:1234:5678]:8005\""
	",\"state\":\"connecting\",\"age_ms\":12345,\"idle_ms\":12345"
	",\"bytes_to_target\":0,\"bytes_to_client\":0},{\"route\":3"
	",\"protocol\":\"udp\",\"client\":\"192.0.2.200:5000\""
	",\"local\":\"192.0.2.1:3478\",\"target\":\"192.0.2.10:3478\""
	",\"state\":\"relaying\",\"age_ms\":59999,\"idle_ms\":1000"
	",\"bytes_to_target\":512,\"bytes_to_client\":1536"
	",\"packets_to_target\":4,\"packets_to_client\":6}]\n";

/* ---- printing into a string ---- */

/*
 * What a memstream holds, in memory of its own: GCC 12 takes a pointer
 * into the stream's buffer for one to the local that held its address,
 * and warns of a dangling pointer wherever the text is searched.
 */
static char *close_memstream(FILE *f, char **text)
{
	char *copy;

	if (fclose(f))
		abort();
	copy = strdup(*text);
	if (!copy)
		abort();
	free(*text);
	return copy;
}

enum printer { SHOW, SHOW_JSON, CONNS, CONNS_JSON, YAML };

struct output {
	struct lpx_config cfg;
	struct lpx_route_stats *stats;
	struct lpx_conn_list conns;
};

static char *print(const struct output *o, enum printer what,
		   unsigned int flags)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	switch (what) {
	case SHOW:
		lpx_show_print(f, &o->cfg, o->stats, flags);
		break;
	case SHOW_JSON:
		lpx_show_print_json(f, &o->cfg, o->stats);
		break;
	case CONNS:
		lpx_conns_print(f, &o->conns, flags);
		break;
	case CONNS_JSON:
		lpx_conns_print_json(f, &o->conns);
		break;
	case YAML:
		lpx_config_print_yaml(f, &o->cfg);
		break;
	}
	return close_memstream(f, &text);
}

/* The same for check's printers, into a string of its own. */
static char *print_check(const struct lpx_config *cfg, bool json)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	if (json)
		lpx_config_print_json(f, cfg);
	else
		lpx_config_print(f, cfg);
	return close_memstream(f, &text);
}

/* The first line where got differs from want, in the log. */
static void log_difference(struct __test_metadata *_metadata,
			   const char *want, const char *got)
{
	size_t line = 1, n = 0;

	while (want[n] && want[n] == got[n])
		line += want[n++] == '\n';
	while (n && want[n - 1] != '\n')
		n--;
	TH_LOG("line %zu differs:\n  want: %.*s\n  got:  %.*s", line,
	       (int)strcspn(want + n, "\n"), want + n,
	       (int)strcspn(got + n, "\n"), got + n);
}

#define EXPECT_OUTPUT(want, got)				\
	do {							\
		char *__got = (got);				\
								\
		if (strcmp((want), __got))			\
			log_difference(_metadata, (want), __got); \
		EXPECT_STREQ((want), __got);			\
		free(__got);					\
	} while (0)

/* Lines of text that are exactly line. */
static unsigned int count_lines(const char *text, const char *line)
{
	size_t len = strlen(line);
	unsigned int n = 0;
	const char *p;

	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, line, len) && (p[len] == '\n' || !p[len]);
	return n;
}

FIXTURE(printers)
{
	struct output o;
};

FIXTURE_SETUP(printers)
{
	build_config(&self->o.cfg);
	self->o.stats = build_stats(&self->o.cfg);
	build_conns(&self->o.conns);
}

FIXTURE_TEARDOWN(printers)
{
	lpx_config_free(&self->o.cfg);
	free(self->o.stats);
	lpx_conn_list_free(&self->o.conns);
}

/* ---- show ---- */

TEST_F(printers, show_counters_in_each_route_zeros_left_out)
{
	EXPECT_OUTPUT(show_golden, print(&self->o, SHOW, 0));
}

TEST_F(printers, show_all_prints_every_counter_of_every_route)
{
	char *out = print(&self->o, SHOW, LPX_SHOW_ALL);
	size_t i;

	EXPECT_EQ(4, count_lines(out, "  counters:"));
	EXPECT_EQ(0, count_lines(out, "  counters: all zero"));
	EXPECT_EQ(3, count_lines(out, "    active: 0"));
	EXPECT_EQ(1, count_lines(out, "    active: 3"));
	EXPECT_EQ(3, count_lines(out, "    sessions_active: 0"));
	EXPECT_EQ(3, count_lines(out, "    resets: 0"));
	EXPECT_EQ(2, count_lines(out, "    bytes_to_client: 0 B"));
	for (i = 0; i < LPX_NCOUNTERS; i++) {
		char line[64];

		snprintf(line, sizeof(line), "    %s: ", lpx_counter_names[i]);
		EXPECT_NE(NULL, strstr(out, line));
	}
	free(out);
}

TEST_F(printers, show_bytes_exact)
{
	char *out = print(&self->o, SHOW, LPX_SHOW_BYTES);

	EXPECT_EQ(1, count_lines(out, "    bytes_to_target: 1288490"));
	EXPECT_EQ(1, count_lines(out, "    bytes_to_client: 47500000"));
	EXPECT_EQ(1, count_lines(out, "    bytes_to_target: 512"));
	EXPECT_EQ(1, count_lines(out, "    bytes_to_target: 5497558138880"));
	EXPECT_EQ(NULL, strstr(out, " B\n"));
	EXPECT_EQ(NULL, strstr(out, " KiB\n"));
	EXPECT_EQ(NULL, strstr(out, " MiB\n"));
	EXPECT_EQ(1, count_lines(out, "  counters: all zero"));
	free(out);
}

/* check's output, with nothing but the counters added. */
TEST_F(printers, show_is_check_plus_counters)
{
	char *show = print(&self->o, SHOW, 0);
	char *check = print_check(&self->o.cfg, false);
	char *p, *end;

	/* Cut every counter block out of show. */
	while ((p = strstr(show, "  counters"))) {
		end = p;
		do
			end = strchr(end, '\n') + 1;
		while (!strncmp(end, "    ", 4));
		memmove(p, end, strlen(end) + 1);
	}
	EXPECT_STREQ(check, show);
	free(show);
	free(check);
}

TEST_F(printers, show_json_unchanged)
{
	char *json = print(&self->o, SHOW_JSON, 0);
	char *config = print_check(&self->o.cfg, true);
	char *want;

	ASSERT_LT(0, asprintf(&want, "{\"config\":%s%s", config,
			      show_json_counters));
	EXPECT_STREQ(want, json);
	free(want);
	free(config);
	free(json);
}

/* ---- conns ---- */

TEST_F(printers, conns_table_fits_long_ipv6_addresses)
{
	EXPECT_OUTPUT(conns_golden, print(&self->o, CONNS, 0));
}

/* Every line has its columns where the header has them. */
TEST_F(printers, conns_columns_line_up)
{
	char *out = print(&self->o, CONNS, LPX_CONNS_BYTES);
	const char *titles[] = { "  client", "  local", "  target" };
	const char *line, *next;
	size_t i, at[3];

	for (i = 0; i < 3; i++)
		at[i] = strstr(out, titles[i]) - out + 2;
	for (line = strchr(out, '\n') + 1; *line; line = next + 1) {
		next = strchr(line, '\n');
		for (i = 0; i < 3; i++) {
			EXPECT_EQ(' ', line[at[i] - 1]);
			EXPECT_NE(' ', line[at[i]]);
		}
		EXPECT_EQ(strchr(out, '\n') - out, next - line);
	}
	free(out);
}

TEST_F(printers, conns_bytes_exact)
{
	char *out = print(&self->o, CONNS, LPX_CONNS_BYTES);

	EXPECT_NE(NULL, strstr(out, "  1288490   47500000  "));
	EXPECT_EQ(NULL, strstr(out, "iB "));
	EXPECT_EQ(NULL, strstr(out, " B "));
	free(out);
}

TEST_F(printers, conns_tcp_only_has_no_packet_columns)
{
	char *out;

	lpx_conn_list_filter(&self->o.conns, (const uint32_t[]){ 1 }, 1);
	out = print(&self->o, CONNS, 0);
	EXPECT_STREQ("route  proto  state     client             local         "
		     "     target              age   idle  to_target  to_client\n"
		     "    1  tcp    relaying  203.0.113.7:51515  198.51.100.1:8080"
		     "  198.51.100.10:80  1h02m  850ms    1.2 MiB   45.3 MiB\n",
		     out);
	free(out);
}

TEST_F(printers, conns_empty_is_a_header)
{
	lpx_conn_list_filter(&self->o.conns, (const uint32_t[]){ 9 }, 1);
	EXPECT_OUTPUT("route  proto  state  client  local  target  age  idle"
		      "  to_target  to_client\n", print(&self->o, CONNS, 0));
	EXPECT_OUTPUT("[]\n", print(&self->o, CONNS_JSON, 0));
}

TEST_F(printers, conns_json_unchanged)
{
	EXPECT_OUTPUT(conns_json_golden, print(&self->o, CONNS_JSON, 0));
}

/* The routes of list's connections in order, one digit each: "132". */
static void expect_routes(struct __test_metadata *_metadata,
			  const struct lpx_conn_list *list,
			  const char *want, const char *why)
{
	char got[16] = "";
	size_t i;

	for (i = 0; i < list->n && i < sizeof(got) - 1; i++)
		got[i] = '0' + list->conns[i].route_id;
	if (strcmp(want, got))
		TH_LOG("%s", why);
	EXPECT_STREQ(want, got);
}

TEST_F(printers, conns_filter_by_route)
{
	lpx_conn_list_filter(&self->o.conns, NULL, 0);
	expect_routes(_metadata, &self->o.conns, "123", "no route given");
	lpx_conn_list_filter(&self->o.conns, (const uint32_t[]){ 3, 1 }, 2);
	expect_routes(_metadata, &self->o.conns, "13", "routes 3 and 1");
	lpx_conn_list_filter(&self->o.conns, (const uint32_t[]){ 3 }, 1);
	expect_routes(_metadata, &self->o.conns, "3", "route 3");
}

TEST_F(printers, conns_sort)
{
	static const struct {
		const char *key;
		const char *order;
	} cases[] = {
		{ "route", "123" },
		{ "client", "312" },	/* 192.0.2.200, 203.0.113.7, IPv6 */
		{ "target", "312" },	/* 192.0.2.10, 198.51.100.10, IPv6 */
		{ "age", "132" },	/* oldest first */
		{ "idle", "231" },	/* longest idle first */
		{ "bytes", "132" },	/* most first */
	};
	size_t i;

	EXPECT_EQ(-1, lpx_conn_sort_parse("size"));
	EXPECT_EQ(-1, lpx_conn_sort_parse(""));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int key = lpx_conn_sort_parse(cases[i].key);

		ASSERT_LT(0, key);
		lpx_conn_list_sort(&self->o.conns, key);
		expect_routes(_metadata, &self->o.conns, cases[i].order,
			      cases[i].key);
	}
}

/* Equal keys keep one order: route, then client. */
TEST_F(printers, conns_sort_ties)
{
	struct lpx_conn *c;

	c = add_conn(&self->o.conns, 1, LITEPX_PROTO_TCP, "10.0.0.1", 1,
		     "198.51.100.1", 8080, "198.51.100.10", 80);
	c->age_ms = 3723000;
	lpx_conn_list_sort(&self->o.conns, LPX_SORT_AGE);
	expect_routes(_metadata, &self->o.conns, "1132", "age");
	EXPECT_EQ(1, self->o.conns.conns[0].client_port);
}

/* ---- show --config ---- */

TEST_F(printers, config_as_routes_yml)
{
	EXPECT_OUTPUT(yaml_golden, print(&self->o, YAML, 0));
}

TEST_F(printers, config_quotes_what_could_change_type)
{
	struct lpx_route *r = &self->o.cfg.routes[0];
	char *out;

	free(r->description);
	r->description = strdup("null: [1, 2] # \x01 \xff");
	ASSERT_NE(NULL, r->description);
	out = print(&self->o, YAML, 0);
	EXPECT_NE(NULL, strstr(out, "    description: "
				    "\"null: [1, 2] # \\x01 \\uFFFD\"\n"));
	free(out);
}

TEST_F(printers, config_after_a_flush)
{
	char *out;

	lpx_config_free(&self->o.cfg);
	memset(&self->o.cfg, 0, sizeof(self->o.cfg));
	lpx_options_set_defaults(&self->o.cfg.opts);
	out = print(&self->o, YAML, 0);
	EXPECT_EQ(1, count_lines(out, "routes: []"));
	free(out);
}

TEST_HARNESS_MAIN
