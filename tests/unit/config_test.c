// SPDX-License-Identifier: GPL-2.0
/*
 * The routes.yml loader against its contract (docs/configuration.md):
 * normalised values and defaults for good files, and for bad ones the
 * exact "t.yml:LINE:COL: KEYPATH: MESSAGE" lines, one per problem.
 *
 * Names resolve through a fake resolver, so no test needs DNS; the last
 * tests use the real one on literals only. Run from tests/unit: the
 * example configuration is read as ../../config/routes.yml.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "kselftest_harness.h"
#include "../../userspace/config.h"

#define NAME		"t.yml"
#define ROUTES_YML	"../../config/routes.yml"

/*
 * Time limits hold on a plain run; under valgrind (make valgrind) every
 * limit is multiplied by $LPX_TIME_SCALE, and big tests get minutes.
 */
#define SLOW_TEST_TIMEOUT	600

static double time_limit(double seconds)
{
	const char *scale = getenv("LPX_TIME_SCALE");

	return scale ? seconds * atof(scale) : seconds;
}

/* ---- a resolver without DNS ---- */

static int resolver_calls;

static bool parse_addr(const char *text, struct lpx_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, &a->v4) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, &a->v6) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

static bool addr_is(const struct lpx_addr *a, const char *text)
{
	struct lpx_addr want;

	if (!parse_addr(text, &want) || a->family != want.family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == want.v4.s_addr;
	return !memcmp(&a->v6, &want.v6, sizeof(want.v6));
}

static const struct {
	const char *host;
	const char *addrs[4];
} fake_hosts[] = {
	{ "db.example", { "192.0.2.10", "2001:db8::10" } },
	{ "v6only.example", { "2001:db8::66" } },
	{ "dns1.domain.com", { "198.51.100.1" } },
	{ "dns2.domain.com", { "198.51.100.2", "2001:db8::2" } },
};

static int fake_resolve(const char *host, struct lpx_addr *out, size_t max,
			const char **why)
{
	const char *suffix = ".ok.example";
	size_t i, n = 0, len = strlen(host);

	resolver_calls++;
	if (parse_addr(host, &out[0]))
		return 1;
	for (i = 0; i < sizeof(fake_hosts) / sizeof(fake_hosts[0]); i++) {
		if (strcmp(host, fake_hosts[i].host))
			continue;
		for (n = 0; n < max && fake_hosts[i].addrs[n]; n++)
			parse_addr(fake_hosts[i].addrs[n], &out[n]);
		return (int)n;
	}
	/* 40 addresses, more than a route keeps. */
	if (!strcmp(host, "many.example")) {
		for (n = 0; n < max && n < 40; n++) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].family = AF_INET;
			out[n].v4.s_addr = htonl(0xc0000200 + n + 1);
		}
		return (int)n;
	}
	if (len > strlen(suffix) &&
	    !strcmp(host + len - strlen(suffix), suffix)) {
		parse_addr("192.0.2.99", &out[0]);
		return 1;
	}
	*why = "no such host";
	return -1;
}

/* ---- running the loader ---- */

struct result {
	int ret;
	bool loaded;			/* cfg holds a config to free */
	struct lpx_config cfg;
	char *err;			/* everything written to env.err */
	size_t errlen;
};

static void result_free(struct result *r)
{
	if (r->loaded)
		lpx_config_free(&r->cfg);
	free(r->err);
	memset(r, 0, sizeof(*r));
	r->ret = -1;
}

static void load_env(struct result *r, const char *text, size_t len,
		     lpx_resolver_fn resolve, unsigned int ncpus)
{
	struct lpx_env env = { .resolve = resolve, .ncpus_present = ncpus };

	result_free(r);
	env.err = open_memstream(&r->err, &r->errlen);
	if (!env.err)
		abort();
	r->ret = lpx_config_load_buffer(NAME, text, len, &env, &r->cfg);
	r->loaded = r->ret == 0;
	if (fclose(env.err))
		abort();
}

/* The usual machine: four CPUs, the fake resolver unless told. */
static void load_with(struct result *r, const char *text, size_t len,
		      lpx_resolver_fn resolve)
{
	load_env(r, text, len, resolve, 4);
}

static unsigned int count_lines(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Whole lines of out for which match(line, len, arg) holds. */
static unsigned int lines_matching(const char *out,
				   bool (*match)(const char *, size_t,
						 const char *),
				   const char *arg)
{
	unsigned int n = 0;
	const char *p = out, *e;

	while (*p) {
		e = strchrnul(p, '\n');
		n += match(p, e - p, arg);
		p = *e ? e + 1 : e;
	}
	return n;
}

static bool is_line(const char *line, size_t len, const char *want)
{
	return len == strlen(want) && !memcmp(line, want, len);
}

static bool starts_with(const char *line, size_t len, const char *want)
{
	return len >= strlen(want) && !memcmp(line, want, strlen(want));
}

static bool ends_with(const char *line, size_t len, const char *want)
{
	size_t n = strlen(want);

	return len >= n && !memcmp(line + len - n, want, n);
}

/* "t.yml:L:C: YAML syntax error" and anything after it. */
static bool is_syntax_error(const char *line, size_t len, const char *unused)
{
	unsigned int l, c;
	int end = -1;
	char *copy = strndup(line, len);
	bool ok;

	if (!copy)
		abort();
	ok = sscanf(copy, NAME ":%u:%u: YAML syntax error%n", &l, &c, &end) ==
		     2 && end > 0 && l >= 1 && c >= 1;
	free(copy);
	return ok;
}

/* Logs the loader's output as TAP comments, long lines shortened. */
static void log_output(struct __test_metadata *_metadata, const char *out)
{
	const char *p = out, *e;
	int len;

	TH_LOG("the loader said:");
	while (*p) {
		e = strchrnul(p, '\n');
		len = e - p > 200 ? 200 : (int)(e - p);
		TH_LOG("  | %.*s%s", len, p, e - p > 200 ? "..." : "");
		p = *e ? e + 1 : e;
	}
}

/* The loader refused the text with exactly these lines, in any order. */
static void check_errors(struct __test_metadata *_metadata,
			 const struct result *r, const char *const *want)
{
	unsigned int n, got = count_lines(r->err);
	bool ok = r->ret == -1;

	if (!ok)
		TH_LOG("the loader returned %d, want -1", r->ret);
	for (n = 0; want[n]; n++) {
		if (lines_matching(r->err, is_line, want[n]) != 1) {
			TH_LOG("want once: %s", want[n]);
			ok = false;
		}
	}
	if (got != n) {
		TH_LOG("%u lines, want %u", got, n);
		ok = false;
	}
	if (!ok)
		log_output(_metadata, r->err);
	ASSERT_TRUE(ok);
}

/* Refused with one line, which match() accepts. */
static void check_one_error(struct __test_metadata *_metadata,
			    const struct result *r,
			    bool (*match)(const char *, size_t, const char *),
			    const char *arg)
{
	bool ok = r->ret == -1 && count_lines(r->err) == 1 &&
		  lines_matching(r->err, match, arg) == 1;

	if (!ok) {
		TH_LOG("returned %d, want -1 and one line like '%s'", r->ret,
		       arg ? arg : "YAML syntax error");
		log_output(_metadata, r->err);
	}
	ASSERT_TRUE(ok);
}

FIXTURE(loader)
{
	struct result r;
};

FIXTURE_SETUP(loader)
{
	memset(&self->r, 0, sizeof(self->r));
	self->r.ret = -1;
	resolver_calls = 0;
}

FIXTURE_TEARDOWN(loader)
{
	result_free(&self->r);
}

#define LOAD(text) load_with(&self->r, (text), strlen(text), fake_resolve)

/* Loads text and stops the test unless it is accepted without a word. */
#define LOAD_OK(text) do {						\
	LOAD(text);							\
	if (self->r.ret != 0 || self->r.err[0]) {			\
		TH_LOG("returned %d, want 0", self->r.ret);		\
		log_output(_metadata, self->r.err);			\
	}								\
	ASSERT_EQ(0, self->r.ret);					\
	ASSERT_STREQ("", self->r.err);					\
} while (0)

/* Loads text and wants exactly these error lines. */
#define LOAD_FAILS(text, ...) do {					\
	LOAD(text);							\
	check_errors(_metadata, &self->r,				\
		     (const char *const[]){ __VA_ARGS__, NULL });	\
} while (0)

#define CFG (&self->r.cfg)
#define OPTS (&self->r.cfg.opts)
#define ROUTE(n) (&self->r.cfg.routes[(n) - 1])

/* ---- good files: normalised values ---- */

static const char minimal[] =
	"routes:\n"
	"  - port: 8080\n"
	"    dest_host: 192.0.2.1\n";

TEST_F(loader, minimal_gets_every_default)
{
	const struct lpx_route *r;

	LOAD_OK(minimal);
	ASSERT_EQ(1, CFG->nroutes);
	EXPECT_EQ(LITEPX_DEFAULT_WORKER_THREADS, OPTS->worker_threads);
	EXPECT_EQ(LITEPX_DEFAULT_IDLE_TIMEOUT, OPTS->idle_timeout_ms);
	EXPECT_EQ(LITEPX_DEFAULT_CONNECT_TIMEOUT, OPTS->connect_timeout_ms);
	EXPECT_EQ(LITEPX_DEFAULT_SHUTDOWN_TIMEOUT, OPTS->shutdown_timeout_ms);
	EXPECT_EQ(LITEPX_DEFAULT_LOG_LEVEL, OPTS->log_level);
	EXPECT_EQ(LITEPX_DEFAULT_TCP_CONN_LIMIT, OPTS->tcp_conn_limit);
	EXPECT_EQ(LITEPX_DEFAULT_TCP_CONN_IP_LIMIT, OPTS->tcp_conn_ip_limit);
	EXPECT_EQ(LITEPX_DEFAULT_UDP_SESSION_LIMIT, OPTS->udp_session_limit);
	EXPECT_EQ(LITEPX_DEFAULT_UDP_SESSION_IP_LIMIT,
		  OPTS->udp_session_ip_limit);
	EXPECT_EQ(LITEPX_DEFAULT_UDP_PPS_IP_LIMIT, OPTS->udp_pps_ip_limit);
	EXPECT_EQ(LITEPX_DEFAULT_UDP_BPS_IP_LIMIT, OPTS->udp_bps_ip_limit);
	EXPECT_EQ(LITEPX_DEFAULT_IPV6_PREFIX, OPTS->ipv6_prefix);
	EXPECT_EQ(64, OPTS->ipv6_prefix);
	EXPECT_EQ(LITEPX_DEFAULT_RCVBUF, OPTS->rcvbuf);
	EXPECT_EQ(LITEPX_DEFAULT_SNDBUF, OPTS->sndbuf);
	EXPECT_EQ(0, OPTS->ncpus);
	EXPECT_NULL(OPTS->cpus);

	r = ROUTE(1);
	EXPECT_EQ(1, r->id);
	EXPECT_EQ(2, r->mark.line);
	EXPECT_EQ(5, r->mark.column);
	EXPECT_EQ(LITEPX_PROTO_ALL, r->protocols);
	EXPECT_FALSE(r->has_listen);
	EXPECT_EQ(8080, r->port_from);
	EXPECT_EQ(8080, r->port_to);
	EXPECT_EQ(8080, r->dest_port);
	EXPECT_EQ(LITEPX_PROXY_NONE, r->proxy_protocol);
	EXPECT_EQ(0, r->idle_timeout_ms);
	EXPECT_EQ(0, r->connect_timeout_ms);
	EXPECT_EQ(0, r->shutdown_timeout_ms);
	EXPECT_NULL(r->description);
	ASSERT_NE(NULL, r->dest_host);
	EXPECT_STREQ("192.0.2.1", r->dest_host);
	EXPECT_EQ(3, r->dest_host_mark.line);
	EXPECT_EQ(16, r->dest_host_mark.column);
	ASSERT_EQ(1, r->ndests);
	EXPECT_TRUE(addr_is(&r->dests[0], "192.0.2.1"));
}

TEST_F(loader, literals_skip_the_resolver)
{
	LOAD_OK("routes:\n"
		"  - port: 8080\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 8081\n"
		"    dest_host: \"2001:db8::5\"\n");
	EXPECT_EQ(0, resolver_calls);
	ASSERT_EQ(2, CFG->nroutes);
	ASSERT_EQ(1, ROUTE(2)->ndests);
	EXPECT_EQ(AF_INET6, ROUTE(2)->dests[0].family);
	EXPECT_TRUE(addr_is(&ROUTE(2)->dests[0], "2001:db8::5"));
}

TEST_F(loader, port_and_dest_port)
{
	LOAD_OK("routes:\n"
		"  - port: 8080\n"
		"    dest_host: 192.0.2.1\n"
		"    dest_port: 80\n");
	EXPECT_EQ(8080, ROUTE(1)->port_from);
	EXPECT_EQ(8080, ROUTE(1)->port_to);
	EXPECT_EQ(80, ROUTE(1)->dest_port);
}

/* Any scalar style holds a number. */
TEST_F(loader, quoted_numbers)
{
	LOAD_OK("routes:\n"
		"  - port: \"8080\"\n"
		"    dest_host: 192.0.2.1\n"
		"    dest_port: '80'\n"
		"options:\n"
		"  worker_threads: \"2\"\n");
	EXPECT_EQ(8080, ROUTE(1)->port_from);
	EXPECT_EQ(80, ROUTE(1)->dest_port);
	EXPECT_EQ(2, OPTS->worker_threads);
}

TEST_F(loader, port_range_onto_dest_from)
{
	LOAD_OK("routes:\n"
		"  - port_range:\n"
		"      from: 9100\n"
		"      to: 9110\n"
		"    dest_host: 192.0.2.20\n"
		"    dest_port_range:\n"
		"      from: 8000\n");
	EXPECT_EQ(9100, ROUTE(1)->port_from);
	EXPECT_EQ(9110, ROUTE(1)->port_to);
	EXPECT_EQ(8000, ROUTE(1)->dest_port);
}

TEST_F(loader, port_range_full_dest_range)
{
	LOAD_OK("routes:\n"
		"  - port_range: {from: 9100, to: 9110}\n"
		"    dest_host: 192.0.2.20\n"
		"    dest_port_range: {from: 8000, to: 8010}\n");
	EXPECT_EQ(9100, ROUTE(1)->port_from);
	EXPECT_EQ(9110, ROUTE(1)->port_to);
	EXPECT_EQ(8000, ROUTE(1)->dest_port);
}

TEST_F(loader, port_range_same_ports)
{
	LOAD_OK("routes:\n"
		"  - port_range: {from: 9100, to: 9110}\n"
		"    dest_host: 192.0.2.20\n"
		"  - port_range: {from: 5000, to: 5000}\n"
		"    dest_host: 192.0.2.20\n"
		"  - port_range: {from: 65530, to: 65535}\n"
		"    dest_host: 192.0.2.20\n"
		"    dest_port_range: {from: 65530}\n");
	EXPECT_EQ(9100, ROUTE(1)->dest_port);
	EXPECT_EQ(5000, ROUTE(2)->port_from);
	EXPECT_EQ(5000, ROUTE(2)->port_to);
	EXPECT_EQ(5000, ROUTE(2)->dest_port);
	EXPECT_EQ(65535, ROUTE(3)->port_to);
	EXPECT_EQ(65530, ROUTE(3)->dest_port);
}

TEST_F(loader, duration_units)
{
	LOAD_OK("routes:\n"
		"  - port: 8080\n"
		"    dest_host: 192.0.2.1\n"
		"options:\n"
		"  connection:\n"
		"    idle_timeout: \"30s\"\n"
		"    connect_timeout: 250ms\n"
		"    shutdown_timeout: 5m\n");
	EXPECT_EQ(30000, OPTS->idle_timeout_ms);
	EXPECT_EQ(250, OPTS->connect_timeout_ms);
	EXPECT_EQ(300000, OPTS->shutdown_timeout_ms);

	LOAD_OK("routes:\n"
		"  - port: 8080\n"
		"    dest_host: 192.0.2.1\n"
		"options:\n"
		"  connection:\n"
		"    idle_timeout: 1h\n"
		"    connect_timeout: \"10001\"\n"
		"    shutdown_timeout: 4294967295\n");
	EXPECT_EQ(3600000, OPTS->idle_timeout_ms);
	EXPECT_EQ(10001, OPTS->connect_timeout_ms);
	EXPECT_EQ(4294967295U, OPTS->shutdown_timeout_ms);
}

TEST_F(loader, size_units)
{
	LOAD_OK("routes:\n"
		"  - port: 8080\n"
		"    dest_host: 192.0.2.1\n"
		"security:\n"
		"  udp:\n"
		"    bps_ip_limits: 64KiB\n"
		"performance:\n"
		"  kernel_socket:\n"
		"    recv_buffer_size: \"1MiB\"\n"
		"    send_buffer_size: 1MB\n");
	EXPECT_EQ(65536, OPTS->udp_bps_ip_limit);
	EXPECT_EQ(1048576, OPTS->rcvbuf);
	EXPECT_EQ(1000000, OPTS->sndbuf);

	LOAD_OK("routes:\n"
		"  - port: 8080\n"
		"    dest_host: 192.0.2.1\n"
		"security:\n"
		"  udp:\n"
		"    bps_ip_limits: 10GB\n"
		"performance:\n"
		"  kernel_socket:\n"
		"    recv_buffer_size: 212992\n"
		"    send_buffer_size: 64K\n");
	EXPECT_EQ(10000000000ULL, OPTS->udp_bps_ip_limit);
	EXPECT_EQ(212992, OPTS->rcvbuf);
	EXPECT_EQ(65536, OPTS->sndbuf);
}

TEST_F(loader, every_option_set)
{
	LOAD_OK("routes:\n"
		"  - port: 8080\n"
		"    dest_host: 192.0.2.1\n"
		"options:\n"
		"  worker_threads: 0\n"
		"  connection:\n"
		"    idle_timeout: 1\n"
		"    connect_timeout: 2\n"
		"    shutdown_timeout: 3\n"
		"  log_level: debug\n"
		"security:\n"
		"  tcp:\n"
		"    connection_limits: 0\n"
		"    connection_ip_limits: 7\n"
		"    ipv6_prefix: 48\n"
		"  udp:\n"
		"    connection_limits: 8\n"
		"    connection_ip_limits: 11\n"
		"    pps_ip_limits: 9\n"
		"    bps_ip_limits: 10\n"
		"performance:\n"
		"  cpu_affinity: [3, 1, 2, 0]\n"
		"  kernel_socket:\n"
		"    recv_buffer_size: 4096\n"
		"    send_buffer_size: 8192\n");
	EXPECT_EQ(0, OPTS->worker_threads);
	EXPECT_EQ(1, OPTS->idle_timeout_ms);
	EXPECT_EQ(2, OPTS->connect_timeout_ms);
	EXPECT_EQ(3, OPTS->shutdown_timeout_ms);
	EXPECT_EQ(LITEPX_LOG_DEBUG, OPTS->log_level);
	EXPECT_EQ(0, OPTS->tcp_conn_limit);
	EXPECT_EQ(7, OPTS->tcp_conn_ip_limit);
	EXPECT_EQ(48, OPTS->ipv6_prefix);
	EXPECT_EQ(8, OPTS->udp_session_limit);
	EXPECT_EQ(11, OPTS->udp_session_ip_limit);
	EXPECT_EQ(9, OPTS->udp_pps_ip_limit);
	EXPECT_EQ(10, OPTS->udp_bps_ip_limit);
	EXPECT_EQ(4096, OPTS->rcvbuf);
	EXPECT_EQ(8192, OPTS->sndbuf);
	ASSERT_EQ(4, OPTS->ncpus);
	ASSERT_NE(NULL, OPTS->cpus);
	EXPECT_EQ(3, OPTS->cpus[0]);
	EXPECT_EQ(1, OPTS->cpus[1]);
	EXPECT_EQ(2, OPTS->cpus[2]);
	EXPECT_EQ(0, OPTS->cpus[3]);
}

TEST_F(loader, log_levels)
{
	static const struct {
		const char *word;
		enum litepx_log_level level;
	} levels[] = {
		{ "error", LITEPX_LOG_ERROR },
		{ "warn", LITEPX_LOG_WARN },
		{ "info", LITEPX_LOG_INFO },
		{ "\"debug\"", LITEPX_LOG_DEBUG },
	};
	char text[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		snprintf(text, sizeof(text),
			 "routes:\n"
			 "  - port: 8080\n"
			 "    dest_host: 192.0.2.1\n"
			 "options:\n"
			 "  log_level: %s\n", levels[i].word);
		LOAD_OK(text);
		EXPECT_EQ(levels[i].level, OPTS->log_level);
	}
}

TEST_F(loader, route_timeout_overrides)
{
	LOAD_OK("routes:\n"
		"  - port: 8080\n"
		"    dest_host: 192.0.2.1\n"
		"    idle_timeout: 1h\n"
		"    connect_timeout: 500\n"
		"    shutdown_timeout: \"2s\"\n"
		"  - port: 8081\n"
		"    dest_host: 192.0.2.1\n"
		"    idle_timeout: 15m\n");
	EXPECT_EQ(3600000, ROUTE(1)->idle_timeout_ms);
	EXPECT_EQ(500, ROUTE(1)->connect_timeout_ms);
	EXPECT_EQ(2000, ROUTE(1)->shutdown_timeout_ms);
	EXPECT_EQ(900000, ROUTE(2)->idle_timeout_ms);
	EXPECT_EQ(0, ROUTE(2)->connect_timeout_ms);
	EXPECT_EQ(0, ROUTE(2)->shutdown_timeout_ms);
	/* The globals keep their defaults. */
	EXPECT_EQ(LITEPX_DEFAULT_IDLE_TIMEOUT, OPTS->idle_timeout_ms);
	EXPECT_EQ(LITEPX_DEFAULT_CONNECT_TIMEOUT, OPTS->connect_timeout_ms);
	EXPECT_EQ(LITEPX_DEFAULT_SHUTDOWN_TIMEOUT, OPTS->shutdown_timeout_ms);
}

TEST_F(loader, listen_v4_and_v6)
{
	LOAD_OK("routes:\n"
		"  - port: 8080\n"
		"    listen: 192.0.2.1\n"
		"    dest_host: 192.0.2.100\n"
		"  - port: 8080\n"
		"    listen: \"2001:db8::1\"\n"
		"    dest_host: 192.0.2.100\n"
		"  - port: 8081\n"
		"    listen: 0.0.0.0\n"
		"    dest_host: 192.0.2.100\n"
		"  - port: 8081\n"
		"    listen: \"::\"\n"
		"    dest_host: 192.0.2.100\n");
	ASSERT_EQ(4, CFG->nroutes);
	EXPECT_TRUE(ROUTE(1)->has_listen);
	EXPECT_EQ(AF_INET, ROUTE(1)->listen.family);
	EXPECT_TRUE(addr_is(&ROUTE(1)->listen, "192.0.2.1"));
	EXPECT_TRUE(ROUTE(2)->has_listen);
	EXPECT_EQ(AF_INET6, ROUTE(2)->listen.family);
	EXPECT_TRUE(addr_is(&ROUTE(2)->listen, "2001:db8::1"));
	EXPECT_TRUE(ROUTE(3)->has_listen);
	EXPECT_TRUE(addr_is(&ROUTE(3)->listen, "0.0.0.0"));
	EXPECT_TRUE(ROUTE(4)->has_listen);
	EXPECT_TRUE(addr_is(&ROUTE(4)->listen, "::"));
}

TEST_F(loader, resolved_dests_keep_order)
{
	LOAD_OK("routes:\n"
		"  - port: 5432\n"
		"    dest_host: db.example\n"
		"  - port: 5433\n"
		"    dest_host: \"v6only.example\"\n");
	EXPECT_EQ(2, resolver_calls);
	EXPECT_STREQ("db.example", ROUTE(1)->dest_host);
	ASSERT_EQ(2, ROUTE(1)->ndests);
	EXPECT_EQ(AF_INET, ROUTE(1)->dests[0].family);
	EXPECT_TRUE(addr_is(&ROUTE(1)->dests[0], "192.0.2.10"));
	EXPECT_EQ(AF_INET6, ROUTE(1)->dests[1].family);
	EXPECT_TRUE(addr_is(&ROUTE(1)->dests[1], "2001:db8::10"));
	ASSERT_EQ(1, ROUTE(2)->ndests);
	EXPECT_TRUE(addr_is(&ROUTE(2)->dests[0], "2001:db8::66"));
}

TEST_F(loader, dests_capped_at_max)
{
	LOAD_OK("routes:\n"
		"  - port: 5432\n"
		"    dest_host: many.example\n");
	ASSERT_EQ(LITEPX_MAX_DESTS, ROUTE(1)->ndests);
	EXPECT_TRUE(addr_is(&ROUTE(1)->dests[0], "192.0.2.1"));
	EXPECT_TRUE(addr_is(&ROUTE(1)->dests[LITEPX_MAX_DESTS - 1],
			    "192.0.2.16"));
}

TEST_F(loader, route_ids_and_marks)
{
	LOAD_OK("routes:\n"
		"  - port: 80\n"
		"    dest_host: 192.0.2.1\n"
		"  # a comment between routes\n"
		"  -\n"
		"    port: 81\n"
		"    dest_host: 192.0.2.1\n"
		"  - {port: 82, dest_host: 192.0.2.1}\n"
		"  -   dest_host: 192.0.2.1\n"
		"      port: 83\n");
	ASSERT_EQ(4, CFG->nroutes);
	EXPECT_EQ(1, ROUTE(1)->id);
	EXPECT_EQ(2, ROUTE(1)->mark.line);
	EXPECT_EQ(5, ROUTE(1)->mark.column);
	EXPECT_EQ(2, ROUTE(2)->id);
	EXPECT_EQ(6, ROUTE(2)->mark.line);
	EXPECT_EQ(5, ROUTE(2)->mark.column);
	EXPECT_EQ(3, ROUTE(3)->id);
	EXPECT_EQ(8, ROUTE(3)->mark.line);
	EXPECT_EQ(5, ROUTE(3)->mark.column);
	EXPECT_EQ(82, ROUTE(3)->port_from);
	EXPECT_EQ(4, ROUTE(4)->id);
	EXPECT_EQ(9, ROUTE(4)->mark.line);
	EXPECT_EQ(7, ROUTE(4)->mark.column);
	EXPECT_EQ(83, ROUTE(4)->port_from);
}

TEST_F(loader, description_kept)
{
	LOAD_OK("routes:\n"
		"  - port: 25\n"
		"    dest_host: 192.0.2.25\n"
		"    description: \"oops, forgot to write a description\"\n"
		"  - port: 5222\n"
		"    dest_host: 192.0.2.25\n"
		"    description: 'XMPP c2s: prosody'\n");
	ASSERT_NE(NULL, ROUTE(1)->description);
	EXPECT_STREQ("oops, forgot to write a description",
		     ROUTE(1)->description);
	ASSERT_NE(NULL, ROUTE(2)->description);
	EXPECT_STREQ("XMPP c2s: prosody", ROUTE(2)->description);
}

TEST_F(loader, protocols)
{
	LOAD_OK("routes:\n"
		"  - port: 1001\n"
		"    protocol: tcp\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 1002\n"
		"    protocol: udp\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 1003\n"
		"    protocol: [tcp, udp]\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 1004\n"
		"    protocol: [udp, tcp]\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 1005\n"
		"    protocol:\n"
		"      - udp\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 1006\n"
		"    dest_host: 192.0.2.1\n");
	EXPECT_EQ(LITEPX_PROTO_TCP, ROUTE(1)->protocols);
	EXPECT_EQ(LITEPX_PROTO_UDP, ROUTE(2)->protocols);
	EXPECT_EQ(LITEPX_PROTO_ALL, ROUTE(3)->protocols);
	EXPECT_EQ(LITEPX_PROTO_ALL, ROUTE(4)->protocols);
	EXPECT_EQ(LITEPX_PROTO_UDP, ROUTE(5)->protocols);
	EXPECT_EQ(LITEPX_PROTO_ALL, ROUTE(6)->protocols);
}

TEST_F(loader, proxy_protocols)
{
	LOAD_OK("routes:\n"
		"  - port: 1001\n"
		"    dest_host: 192.0.2.1\n"
		"    proxy_protocol: v2\n"
		"  - port: 1002\n"
		"    protocol: tcp\n"
		"    dest_host: 192.0.2.1\n"
		"    proxy_protocol: v1\n"
		"  - port: 1003\n"
		"    protocol: udp\n"
		"    dest_host: 192.0.2.1\n"
		"    proxy_protocol: spp\n"
		"  - port: 1004\n"
		"    protocol: [udp]\n"
		"    dest_host: 192.0.2.1\n"
		"    proxy_protocol: \"v2\"\n"
		"  - port: 1005\n"
		"    dest_host: 192.0.2.1\n"
		"    proxy_protocol: none\n");
	EXPECT_EQ(LITEPX_PROTO_ALL, ROUTE(1)->protocols);
	EXPECT_EQ(LITEPX_PROXY_V2, ROUTE(1)->proxy_protocol);
	EXPECT_EQ(LITEPX_PROXY_V1, ROUTE(2)->proxy_protocol);
	EXPECT_EQ(LITEPX_PROXY_SPP, ROUTE(3)->proxy_protocol);
	EXPECT_EQ(LITEPX_PROXY_V2, ROUTE(4)->proxy_protocol);
	EXPECT_EQ(LITEPX_PROXY_NONE, ROUTE(5)->proxy_protocol);
}

/* Listeners that share nothing: protocol, address or port differ. */
TEST_F(loader, no_overlap)
{
	LOAD_OK("routes:\n"
		"  - port: 3478\n"
		"    protocol: tcp\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 3478\n"
		"    protocol: udp\n"
		"    dest_host: 192.0.2.1\n"
		"  - port_range: {from: 9000, to: 9010}\n"
		"    listen: 192.0.2.1\n"
		"    dest_host: 192.0.2.1\n"
		"  - port_range: {from: 9000, to: 9010}\n"
		"    listen: 192.0.2.2\n"
		"    dest_host: 192.0.2.1\n"
		"  - port_range: {from: 9000, to: 9010}\n"
		"    listen: \"2001:db8::1\"\n"
		"    dest_host: 192.0.2.1\n"
		"  - port_range: {from: 9000, to: 9010}\n"
		"    listen: \"2001:db8::2\"\n"
		"    dest_host: 192.0.2.1\n"
		"  - port_range: {from: 9011, to: 9020}\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 9021\n"
		"    listen: 0.0.0.0\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 9021\n"
		"    listen: \"::\"\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 9022\n"
		"    listen: 0.0.0.0\n"
		"    dest_host: 192.0.2.1\n"
		"  - port: 9022\n"
		"    listen: \"2001:db8::1\"\n"
		"    dest_host: 192.0.2.1\n");
	EXPECT_EQ(11, CFG->nroutes);
}

TEST_F(loader, range_of_16384_ports)
{
	LOAD_OK("routes:\n"
		"  - port_range: {from: 40000, to: 56383}\n"
		"    dest_host: db.example\n"
		"    dest_port_range: {from: 20000}\n");
	EXPECT_EQ(40000, ROUTE(1)->port_from);
	EXPECT_EQ(56383, ROUTE(1)->port_to);
	EXPECT_EQ(16383, ROUTE(1)->port_to - ROUTE(1)->port_from);
	EXPECT_EQ(20000, ROUTE(1)->dest_port);
}

TEST_F(loader, range_of_16384_ports_overlapped)
{
	LOAD_FAILS("routes:\n"
		   "  - port_range: {from: 40000, to: 56383}\n"
		   "    dest_host: db.example\n"
		   "  - port_range: {from: 56000, to: 56500}\n"
		   "    protocol: udp\n"
		   "    dest_host: db.example\n",
		   NAME ":4:5: routes[2]: udp port 56000-56500 overlaps "
		   "routes[1] (line 2) on 56000-56383");
}

/* A megabyte of comment does not hide the routes. */
TEST_F_TIMEOUT(loader, large_file, SLOW_TEST_TIMEOUT)
{
	size_t n = 1 << 20;
	char *text = malloc(n + 128);
	size_t i;

	ASSERT_NE(NULL, text);
	/* 16384 lines of 64 bytes: "#", dots, newline. */
	memset(text, '.', n);
	for (i = 0; i < n; i += 64) {
		text[i] = '#';
		text[i + 63] = '\n';
	}
	strcpy(text + n, "routes:\n  - port: 8080\n    dest_host: 192.0.2.1\n");
	LOAD_OK(text);
	free(text);
	EXPECT_EQ(1, CFG->nroutes);
	EXPECT_EQ(16386, ROUTE(1)->mark.line);
}

/* ---- keys ---- */

TEST_F(loader, unknown_key_with_suggestion)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "    dest_prot: 80\n",
		   NAME ":4:5: routes[1]: unknown key 'dest_prot' "
		   "(did you mean 'dest_port'?)");
}

TEST_F(loader, unknown_key_without_suggestion)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "    xyz: 80\n"
		   "    lisabc: 192.0.2.1\n",
		   NAME ":4:5: routes[1]: unknown key 'xyz'",
		   NAME ":5:5: routes[1]: unknown key 'lisabc'");
}

TEST_F(loader, unknown_key_nested)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "options:\n"
		   "  connection:\n"
		   "    idle_timout: 5s\n"
		   "security:\n"
		   "  tpc:\n"
		   "    connection_limits: 5\n"
		   "performance:\n"
		   "  kernel_socket:\n"
		   "    recv_buffer: 1MiB\n",
		   NAME ":6:5: options.connection: unknown key 'idle_timout' "
		   "(did you mean 'idle_timeout'?)",
		   NAME ":8:3: security: unknown key 'tpc' "
		   "(did you mean 'tcp'?)",
		   NAME ":12:5: performance.kernel_socket: unknown key "
		   "'recv_buffer'");
}

/* A top-level typo of routes: both the typo and the missing key. */
TEST_F(loader, unknown_top_level_key)
{
	LOAD_FAILS("rutes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":1:1: unknown key 'rutes' (did you mean 'routes'?)",
		   NAME ":1:1: missing 'routes'");
}

/* Edit distance 2 (a transposition) still suggests. */
TEST_F(loader, unknown_key_distance_two)
{
	LOAD_FAILS("routes:\n"
		   "  - prot: 8080\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":2:5: routes[1]: unknown key 'prot' "
		   "(did you mean 'port'?)",
		   NAME ":2:5: routes[1]: needs 'port' or 'port_range'");
}

TEST_F(loader, duplicate_key)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "    port: 8081\n"
		   "options:\n"
		   "  log_level: info\n"
		   "  log_level: debug\n",
		   NAME ":4:5: routes[1]: duplicate key 'port' (first at line 2)",
		   NAME ":7:3: options: duplicate key 'log_level' "
		   "(first at line 6)");
}

/* ---- types ---- */

TEST_F(loader, route_not_a_mapping)
{
	LOAD_FAILS("routes:\n"
		   "  - - 8080\n"
		   "  - 8081\n"
		   "  - ~\n",
		   NAME ":2:5: routes[1]: expected a mapping, got a sequence",
		   NAME ":3:5: routes[2]: expected a mapping, got '8081'",
		   NAME ":4:5: routes[3]: expected a mapping, got null");
}

TEST_F(loader, section_not_a_mapping)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "options: [1]\n"
		   "security:\n"
		   "  tcp: 5\n"
		   "performance: ~\n",
		   NAME ":4:10: options: expected a mapping, got a sequence",
		   NAME ":6:8: security.tcp: expected a mapping, got '5'",
		   NAME ":7:14: performance: expected a mapping, got null");
}

TEST_F(loader, number_of_the_wrong_type)
{
	LOAD_FAILS("routes:\n"
		   "  - port: {a: 1}\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: [8080]\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: ~\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: null\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":2:11: routes[1].port: expected a whole number, "
		   "got a mapping",
		   NAME ":4:11: routes[2].port: expected a whole number, "
		   "got a sequence",
		   NAME ":6:11: routes[3].port: expected a whole number, "
		   "got null",
		   NAME ":8:11: routes[4].port: expected a whole number, "
		   "got null");
}

/* An empty value is null; its place is where the value would start. */
TEST_F(loader, empty_value_is_null)
{
	LOAD(	"routes:\n"
		"  - port:\n"
		"    dest_host: 192.0.2.1\n");
	check_one_error(_metadata, &self->r, ends_with,
			": routes[1].port: expected a whole number, got null");
	EXPECT_TRUE(starts_with(self->r.err, 8, NAME ":2:"));
}

TEST_F(loader, not_a_whole_number)
{
	LOAD_FAILS("routes:\n"
		   "  - port: abc\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: \"abc\"\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: -1\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 80.5\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 0x50\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: '8080 '\n"
		   "    dest_host: 192.0.2.1\n"
		   "options:\n"
		   "  worker_threads: many\n",
		   NAME ":2:11: routes[1].port: 'abc' is not a whole number",
		   NAME ":4:11: routes[2].port: 'abc' is not a whole number",
		   NAME ":6:11: routes[3].port: '-1' is not a whole number",
		   NAME ":8:11: routes[4].port: '80.5' is not a whole number",
		   NAME ":10:11: routes[5].port: '0x50' is not a whole number",
		   NAME ":12:11: routes[6].port: '8080 ' is not a whole number",
		   NAME ":15:19: options.worker_threads: 'many' is not a "
		   "whole number");
}

TEST_F(loader, port_out_of_range)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 70000\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 0\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 81\n"
		   "    dest_host: 192.0.2.1\n"
		   "    dest_port: 65536\n"
		   "  - port_range: {from: 9000, to: 65536}\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 99999999999999999999999\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":2:11: routes[1].port: 70000 is out of range 1..65535",
		   NAME ":4:11: routes[2].port: 0 is out of range 1..65535",
		   NAME ":8:16: routes[3].dest_port: 65536 is out of range "
		   "1..65535",
		   NAME ":9:34: routes[4].port_range.to: 65536 is out of range "
		   "1..65535",
		   NAME ":11:11: routes[5].port: 99999999999999999999999 is out "
		   "of range 1..65535");
}

/*
 * Independent mistakes in one route are each reported, too: a bad port
 * says nothing about whether dest_port is in range.
 */
TEST_F(loader, every_mistake_in_one_route)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 0\n"
		   "    dest_host: 192.0.2.1\n"
		   "    dest_port: 65536\n"
		   "    listen: 1.2.3\n"
		   "    log_level: info\n",
		   NAME ":2:11: routes[1].port: 0 is out of range 1..65535",
		   NAME ":4:16: routes[1].dest_port: 65536 is out of range "
		   "1..65535",
		   NAME ":5:13: routes[1].listen: '1.2.3' is not an IPv4 or "
		   "IPv6 address",
		   NAME ":6:5: routes[1]: unknown key 'log_level'");
}

TEST_F(loader, option_out_of_range)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "security:\n"
		   "  tcp:\n"
		   "    ipv6_prefix: 129\n"
		   "    connection_limits: 4294967296\n",
		   NAME ":6:18: security.tcp.ipv6_prefix: 129 is out of range "
		   "1..128",
		   NAME ":7:24: security.tcp.connection_limits: 4294967296 is "
		   "out of range 0..4294967295");
}

TEST_F(loader, udp_session_ip_limit_is_a_count)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "security:\n"
		   "  udp:\n"
		   "    connection_ip_limits: -1\n",
		   NAME ":6:27: security.udp.connection_ip_limits: '-1' is not "
		   "a whole number");
}

/* ---- durations and sizes ---- */

TEST_F(loader, not_a_duration)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "    idle_timeout: 5 minutes\n"
		   "options:\n"
		   "  connection:\n"
		   "    idle_timeout: 5 min\n"
		   "    connect_timeout: \"1.5s\"\n"
		   "    shutdown_timeout: -3\n",
		   NAME ":4:19: routes[1].idle_timeout: '5 minutes' is not a "
		   "duration (e.g. 30000, \"30s\", \"5m\")",
		   NAME ":7:19: options.connection.idle_timeout: '5 min' is not "
		   "a duration (e.g. 30000, \"30s\", \"5m\")",
		   NAME ":8:22: options.connection.connect_timeout: '1.5s' is "
		   "not a duration (e.g. 30000, \"30s\", \"5m\")",
		   NAME ":9:23: options.connection.shutdown_timeout: '-3' is "
		   "not a duration (e.g. 30000, \"30s\", \"5m\")");
}

/* The range is checked on milliseconds, whatever the unit. */
TEST_F(loader, duration_out_of_range)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "    connect_timeout: 0ms\n"
		   "options:\n"
		   "  connection:\n"
		   "    idle_timeout: 0\n"
		   "    connect_timeout: \"0s\"\n"
		   "    shutdown_timeout: 5000000h\n",
		   NAME ":4:22: routes[1].connect_timeout: 0 is out of range "
		   "1..4294967295",
		   NAME ":7:19: options.connection.idle_timeout: 0 is out of "
		   "range 1..4294967295",
		   NAME ":8:22: options.connection.connect_timeout: 0 is out "
		   "of range 1..4294967295",
		   NAME ":9:23: options.connection.shutdown_timeout: "
		   "18000000000000 is out of range 1..4294967295");
}

TEST_F(loader, duration_just_past_32_bits)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "    idle_timeout: 4294967296\n"
		   "    shutdown_timeout: 4294968s\n",
		   NAME ":4:19: routes[1].idle_timeout: 4294967296 is out of "
		   "range 1..4294967295",
		   NAME ":5:23: routes[1].shutdown_timeout: 4294968000 is out "
		   "of range 1..4294967295");
}

TEST_F(loader, not_a_size)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 8080\n"
		   "    dest_host: 192.0.2.1\n"
		   "security:\n"
		   "  udp:\n"
		   "    bps_ip_limits: 1.5MB\n"
		   "performance:\n"
		   "  kernel_socket:\n"
		   "    recv_buffer_size: 1Mi\n"
		   "    send_buffer_size: \"64 KiB\"\n",
		   NAME ":6:20: security.udp.bps_ip_limits: '1.5MB' is not a "
		   "size (e.g. 1048576, \"1MiB\")",
		   NAME ":9:23: performance.kernel_socket.recv_buffer_size: "
		   "'1Mi' is not a size (e.g. 1048576, \"1MiB\")",
		   NAME ":10:23: performance.kernel_socket.send_buffer_size: "
		   "'64 KiB' is not a size (e.g. 1048576, \"1MiB\")");
}

/* ---- a route's ports ---- */

/* routes[1] is valid in every test of this group; routes[2] is not. */
#define ROUTE_1 \
	"routes:\n" \
	"  - port: 80\n" \
	"    dest_host: 192.0.2.1\n"

TEST_F(loader, route_needs_port)
{
	LOAD_FAILS(ROUTE_1
		   "  - dest_host: 192.0.2.1\n"
		   "    dest_port: 80\n",
		   NAME ":4:5: routes[2]: needs 'port' or 'port_range'");
}

TEST_F(loader, route_needs_dest_host)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 81\n"
		   "    description: nowhere\n",
		   NAME ":4:5: routes[2]: missing 'dest_host'");
}

TEST_F(loader, route_empty_mapping)
{
	LOAD_FAILS(ROUTE_1
		   "  - {}\n",
		   NAME ":4:5: routes[2]: needs 'port' or 'port_range'",
		   NAME ":4:5: routes[2]: missing 'dest_host'");
}

TEST_F(loader, port_and_port_range_exclusive)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 9000\n"
		   "    port_range: {from: 9000, to: 9010}\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":5:17: routes[2].port_range: 'port' and 'port_range' "
		   "are exclusive");
}

TEST_F(loader, range_from_greater_than_to)
{
	LOAD_FAILS(ROUTE_1
		   "  - port_range:\n"
		   "      from: 9010\n"
		   "      to: 9000\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":5:7: routes[2].port_range: from 9010 is greater than "
		   "to 9000");
}

TEST_F(loader, range_lengths_differ)
{
	LOAD_FAILS(ROUTE_1
		   "  - port_range: {from: 9000, to: 9010}\n"
		   "    dest_host: 192.0.2.1\n"
		   "    dest_port_range: {from: 8000, to: 8004}\n",
		   NAME ":6:22: routes[2].dest_port_range: covers 5 ports but "
		   "port_range covers 11");
}

TEST_F(loader, dest_range_past_65535)
{
	LOAD_FAILS(ROUTE_1
		   "  - port_range: {from: 9000, to: 9010}\n"
		   "    dest_host: 192.0.2.1\n"
		   "    dest_port_range: {from: 65530}\n",
		   NAME ":6:22: routes[2].dest_port_range: from 65530 plus 10 "
		   "runs past 65535");
}

TEST_F(loader, range_with_dest_port)
{
	LOAD_FAILS(ROUTE_1
		   "  - port_range: {from: 9000, to: 9010}\n"
		   "    dest_host: 192.0.2.1\n"
		   "    dest_port: 8000\n",
		   NAME ":6:16: routes[2].dest_port: a port_range needs "
		   "dest_port_range (or nothing, for the same ports)");
}

TEST_F(loader, range_missing_bounds)
{
	LOAD_FAILS(ROUTE_1
		   "  - port_range: {from: 9000}\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port_range:\n"
		   "      from: 9100\n"
		   "      to: 9110\n"
		   "    dest_host: 192.0.2.1\n"
		   "    dest_port_range:\n"
		   "      to: 8010\n",
		   NAME ":4:17: routes[2].port_range: missing 'to'",
		   NAME ":11:7: routes[3].dest_port_range: missing 'from'");
}

/* ---- protocol, proxy_protocol, listen, dest_host ---- */

TEST_F(loader, protocol_unknown)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 81\n"
		   "    protocol: sctp\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":5:15: routes[2].protocol: 'sctp' is not tcp or udp");
}

/* Which item is named is left open; the line, column and words are not. */
TEST_F(loader, protocol_list_items)
{
	LOAD(ROUTE_1
	     "  - port: 81\n"
	     "    protocol: [tcp, sctp]\n"
	     "    dest_host: 192.0.2.1\n");
	check_one_error(_metadata, &self->r, ends_with,
			": 'sctp' is not tcp or udp");
	EXPECT_TRUE(starts_with(self->r.err, strlen(self->r.err),
				NAME ":5:21: routes[2].protocol"));

	LOAD(ROUTE_1
	     "  - port: 81\n"
	     "    protocol: [tcp, tcp]\n"
	     "    dest_host: 192.0.2.1\n");
	check_one_error(_metadata, &self->r, ends_with,
			": 'tcp' is listed twice");
	EXPECT_TRUE(starts_with(self->r.err, strlen(self->r.err),
				NAME ":5:21: routes[2].protocol"));
}

TEST_F(loader, protocol_empty_list)
{
	LOAD(ROUTE_1
	     "  - port: 81\n"
	     "    protocol: []\n"
	     "    dest_host: 192.0.2.1\n");
	check_one_error(_metadata, &self->r, starts_with,
			NAME ":5:15: routes[2].protocol: expected tcp, udp or "
			"a list of them");
}

TEST_F(loader, proxy_protocol_unknown)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 81\n"
		   "    dest_host: 192.0.2.1\n"
		   "    proxy_protocol: v3\n",
		   NAME ":6:21: routes[2].proxy_protocol: 'v3' is not none, v1, "
		   "v2 or spp");
}

TEST_F(loader, proxy_protocol_needs_the_right_protocol)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 81\n"
		   "    protocol: udp\n"
		   "    dest_host: 192.0.2.1\n"
		   "    proxy_protocol: v1\n"
		   "  - port: 82\n"
		   "    dest_host: 192.0.2.1\n"
		   "    proxy_protocol: v1\n"
		   "  - port: 83\n"
		   "    protocol: tcp\n"
		   "    dest_host: 192.0.2.1\n"
		   "    proxy_protocol: spp\n"
		   "  - port: 84\n"
		   "    dest_host: 192.0.2.1\n"
		   "    proxy_protocol: spp\n",
		   NAME ":7:21: routes[2].proxy_protocol: v1 is for TCP only; "
		   "set protocol: tcp",
		   NAME ":10:21: routes[3].proxy_protocol: v1 is for TCP only; "
		   "set protocol: tcp",
		   NAME ":14:21: routes[4].proxy_protocol: spp is for UDP only; "
		   "set protocol: udp",
		   NAME ":17:21: routes[5].proxy_protocol: spp is for UDP only; "
		   "set protocol: udp");
}

TEST_F(loader, listen_not_an_address)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 81\n"
		   "    listen: 1.2.3\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 82\n"
		   "    listen: localhost\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 83\n"
		   "    listen: \"2001:db8::1::2\"\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":5:13: routes[2].listen: '1.2.3' is not an IPv4 or "
		   "IPv6 address",
		   NAME ":8:13: routes[3].listen: 'localhost' is not an IPv4 or "
		   "IPv6 address",
		   NAME ":11:13: routes[4].listen: '2001:db8::1::2' is not an "
		   "IPv4 or IPv6 address");
}

/* 255 characters are a host name; 256 are not. */
TEST_F(loader, dest_host_length)
{
	const char *suffix = ".ok.example";
	char host[300], text[512];

	memset(host, 'a', sizeof(host));
	strcpy(host + 255 - strlen(suffix), suffix);
	ASSERT_EQ(255, strlen(host));
	snprintf(text, sizeof(text),
		 "routes:\n  - port: 80\n    dest_host: %s\n", host);
	LOAD_OK(text);
	EXPECT_STREQ(host, ROUTE(1)->dest_host);

	resolver_calls = 0;
	memset(host, 'a', sizeof(host));
	strcpy(host + 256 - strlen(suffix), suffix);
	ASSERT_EQ(256, strlen(host));
	snprintf(text, sizeof(text),
		 "routes:\n  - port: 80\n    dest_host: %s\n", host);
	LOAD_FAILS(text,
		   NAME ":3:16: routes[1].dest_host: longer than 255 characters");
	EXPECT_EQ(0, resolver_calls);
}

TEST_F(loader, log_level_unknown)
{
	LOAD_FAILS(ROUTE_1
		   "options:\n"
		   "  log_level: verbose\n",
		   NAME ":5:14: options.log_level: 'verbose' is not error, warn, "
		   "info or debug");
}

/* ---- overlapping listeners ---- */

TEST_F(loader, overlap_partial)
{
	LOAD_FAILS("routes:\n"
		   "  - port_range: {from: 9000, to: 9010}\n"
		   "    protocol: tcp\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port_range: {from: 9005, to: 9020}\n"
		   "    dest_host: 192.0.2.2\n",
		   NAME ":5:5: routes[2]: tcp port 9005-9020 overlaps routes[1] "
		   "(line 2) on 9005-9010");
}

/* The later route is named first, even when its ports come first. */
TEST_F(loader, overlap_names_the_later_route)
{
	LOAD_FAILS("routes:\n"
		   "  - port_range: {from: 9005, to: 9020}\n"
		   "    protocol: [udp, tcp]\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port_range: {from: 9000, to: 9010}\n"
		   "    protocol: udp\n"
		   "    dest_host: 192.0.2.2\n"
		   "  - port_range: {from: 8000, to: 9001}\n"
		   "    dest_host: 192.0.2.2\n",
		   NAME ":5:5: routes[2]: udp port 9000-9010 overlaps routes[1] "
		   "(line 2) on 9005-9010",
		   NAME ":8:5: routes[3]: udp port 8000-9001 overlaps routes[2] "
		   "(line 5) on 9000-9001");
}

TEST_F(loader, overlap_both_protocols)
{
	LOAD_FAILS("routes:\n"
		   "  - port_range: {from: 7000, to: 7001}\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port_range: {from: 7000, to: 7001}\n"
		   "    protocol: [tcp, udp]\n"
		   "    dest_host: 192.0.2.2\n",
		   NAME ":4:5: routes[2]: tcp,udp port 7000-7001 overlaps "
		   "routes[1] (line 2) on 7000-7001");
}

/* Equal addresses, a wildcard of the same family, or no listen at all. */
TEST_F(loader, overlap_addresses)
{
	LOAD_FAILS("routes:\n"
		   "  - port_range: {from: 7000, to: 7001}\n"
		   "    listen: 192.0.2.1\n"
		   "    protocol: tcp\n"
		   "    dest_host: 192.0.2.100\n"
		   "  - port_range: {from: 7000, to: 7001}\n"
		   "    listen: 0.0.0.0\n"
		   "    protocol: tcp\n"
		   "    dest_host: 192.0.2.100\n"
		   "  - port_range: {from: 7100, to: 7101}\n"
		   "    listen: \"2001:db8::1\"\n"
		   "    protocol: udp\n"
		   "    dest_host: 192.0.2.100\n"
		   "  - port_range: {from: 7100, to: 7101}\n"
		   "    protocol: udp\n"
		   "    dest_host: 192.0.2.100\n"
		   "  - port_range: {from: 7200, to: 7201}\n"
		   "    listen: \"::\"\n"
		   "    protocol: tcp\n"
		   "    dest_host: 192.0.2.100\n"
		   "  - port_range: {from: 7200, to: 7201}\n"
		   "    listen: \"2001:db8::1\"\n"
		   "    protocol: tcp\n"
		   "    dest_host: 192.0.2.100\n"
		   "  - port_range: {from: 7300, to: 7301}\n"
		   "    listen: \"2001:db8::7\"\n"
		   "    dest_host: 192.0.2.100\n"
		   "  - port_range: {from: 7300, to: 7301}\n"
		   "    listen: \"2001:DB8:0::7\"\n"
		   "    dest_host: 192.0.2.100\n",
		   NAME ":6:5: routes[2]: tcp port 7000-7001 overlaps routes[1] "
		   "(line 2) on 7000-7001",
		   NAME ":14:5: routes[4]: udp port 7100-7101 overlaps "
		   "routes[3] (line 10) on 7100-7101",
		   NAME ":21:5: routes[6]: tcp port 7200-7201 overlaps "
		   "routes[5] (line 17) on 7200-7201",
		   NAME ":28:5: routes[8]: tcp,udp port 7300-7301 overlaps "
		   "routes[7] (line 25) on 7300-7301");
}

/* SEED.md's reference configuration, verbatim: routes 2 and 3 collide. */
static const char seed_config[] =
	"routes:\n"
	"  - port: 8080\n"
	"    dest_host: \"dns1.domain.com\"\n"
	"    dest_port: 80\n"
	"    description: \"oops, forgot to write a description\"\n"
	"\n"
	"  - port_range:\n"
	"      from: 9000\n"
	"      to: 9010\n"
	"    dest_host: \"dns2.domain.com\"\n"
	"    dest_port_range:\n"
	"      from: 9000\n"
	"      to: 9010\n"
	"\n"
	"  - port_range:\n"
	"      from: 9000\n"
	"      to: 9010\n"
	"    dest_host: \"192.168.10.1\"\n"
	"    dest_port_range:\n"
	"      from: 8000        # only `from`: maps 9000-9010 onto 8000-8010 automatically\n"
	"\n"
	"options:\n"
	"  worker_threads: 4     # 0 = use every CPU\n"
	"  connection:\n"
	"    idle_timeout: 300000      # ms\n"
	"    connect_timeout: 10000    # ms\n"
	"    shutdown_timeout: 60000   # ms, graceful close\n"
	"  log_level: \"info\"\n"
	"\n"
	"security:\n"
	"  tcp:\n"
	"    connection_limits: 50000      # concurrent TCP connections, whole proxy\n"
	"    connection_ip_limits: 500     # concurrent TCP connections from one source IP\n"
	"  udp:\n"
	"    connection_limits: 25000      # concurrent UDP sessions (\"connection\" for symmetry)\n"
	"    pps_ip_limits: 5000           # packets per second from one source IP\n"
	"    bps_ip_limits: 5242880        # bytes per second from one source IP\n"
	"\n"
	"performance:\n"
	"  cpu_affinity: [0, 1, 2, 3]\n"
	"  kernel_socket:                  # kernel socket buffers\n"
	"    recv_buffer_size: 1048576\n"
	"    send_buffer_size: 1048576\n";

TEST_F(loader, seed_reference_config_refused)
{
	LOAD_FAILS(seed_config,
		   NAME ":15:5: routes[3]: tcp,udp port 9000-9010 overlaps "
		   "routes[2] (line 7) on 9000-9010");
}

/* The same with the third route moved off 9000-9010: every default. */
TEST_F(loader, seed_reference_config_fixed)
{
	char *text = strdup(seed_config);
	char *third;

	ASSERT_NE(NULL, text);
	third = strstr(text, "  - port_range:\n      from: 9000\n      to: 9010\n"
			     "    dest_host: \"192.168.10.1\"");
	ASSERT_NE(NULL, third);
	memcpy(strstr(third, "9000"), "9100", 4);
	memcpy(strstr(third, "9010"), "9110", 4);
	LOAD_OK(text);
	free(text);
	ASSERT_EQ(3, CFG->nroutes);
	EXPECT_EQ(2, resolver_calls);
	EXPECT_EQ(8080, ROUTE(1)->port_from);
	EXPECT_EQ(80, ROUTE(1)->dest_port);
	ASSERT_EQ(1, ROUTE(1)->ndests);
	EXPECT_TRUE(addr_is(&ROUTE(1)->dests[0], "198.51.100.1"));
	EXPECT_STREQ("oops, forgot to write a description",
		     ROUTE(1)->description);
	EXPECT_EQ(9000, ROUTE(2)->port_from);
	EXPECT_EQ(9010, ROUTE(2)->port_to);
	EXPECT_EQ(9000, ROUTE(2)->dest_port);
	ASSERT_EQ(2, ROUTE(2)->ndests);
	EXPECT_TRUE(addr_is(&ROUTE(2)->dests[1], "2001:db8::2"));
	EXPECT_EQ(9100, ROUTE(3)->port_from);
	EXPECT_EQ(9110, ROUTE(3)->port_to);
	EXPECT_EQ(8000, ROUTE(3)->dest_port);
	EXPECT_TRUE(addr_is(&ROUTE(3)->dests[0], "192.168.10.1"));
	/* The reference values are the defaults. */
	EXPECT_EQ(LITEPX_DEFAULT_WORKER_THREADS, OPTS->worker_threads);
	EXPECT_EQ(LITEPX_DEFAULT_IDLE_TIMEOUT, OPTS->idle_timeout_ms);
	EXPECT_EQ(LITEPX_DEFAULT_CONNECT_TIMEOUT, OPTS->connect_timeout_ms);
	EXPECT_EQ(LITEPX_DEFAULT_SHUTDOWN_TIMEOUT, OPTS->shutdown_timeout_ms);
	EXPECT_EQ(LITEPX_DEFAULT_LOG_LEVEL, OPTS->log_level);
	EXPECT_EQ(LITEPX_DEFAULT_TCP_CONN_LIMIT, OPTS->tcp_conn_limit);
	EXPECT_EQ(LITEPX_DEFAULT_TCP_CONN_IP_LIMIT, OPTS->tcp_conn_ip_limit);
	EXPECT_EQ(LITEPX_DEFAULT_UDP_SESSION_LIMIT, OPTS->udp_session_limit);
	EXPECT_EQ(LITEPX_DEFAULT_UDP_SESSION_IP_LIMIT,
		  OPTS->udp_session_ip_limit);
	EXPECT_EQ(LITEPX_DEFAULT_UDP_PPS_IP_LIMIT, OPTS->udp_pps_ip_limit);
	EXPECT_EQ(LITEPX_DEFAULT_UDP_BPS_IP_LIMIT, OPTS->udp_bps_ip_limit);
	EXPECT_EQ(LITEPX_DEFAULT_RCVBUF, OPTS->rcvbuf);
	EXPECT_EQ(LITEPX_DEFAULT_SNDBUF, OPTS->sndbuf);
	EXPECT_EQ(4, OPTS->ncpus);
}

/* ---- resolution ---- */

TEST_F(loader, name_does_not_resolve)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 80\n"
		   "    dest_host: gone.example\n"
		   "  - port: 81\n"
		   "    dest_host: db.example\n"
		   "  - port: 82\n"
		   "    dest_host: \"gone.example\"\n",
		   NAME ":3:16: routes[1].dest_host: 'gone.example' does not "
		   "resolve: no such host",
		   NAME ":7:16: routes[3].dest_host: 'gone.example' does not "
		   "resolve: no such host");
}

/* Names are looked up only once the schema is valid. */
TEST_F(loader, no_resolution_for_a_bad_schema)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 80\n"
		   "    dest_host: gone.example\n"
		   "  - port: 81\n"
		   "    dest_host: db.example\n"
		   "    xyz: 1\n",
		   NAME ":6:5: routes[2]: unknown key 'xyz'");
	EXPECT_EQ(0, resolver_calls);
}

/* ---- cpu_affinity ---- */

TEST_F(loader, cpu_does_not_exist)
{
	LOAD_FAILS(ROUTE_1
		   "performance:\n"
		   "  cpu_affinity: [0, 9, 2, 4]\n",
		   NAME ":5:21: performance.cpu_affinity[1]: CPU 9 does not "
		   "exist (this machine has 4)",
		   NAME ":5:27: performance.cpu_affinity[3]: CPU 4 does not "
		   "exist (this machine has 4)");
}

TEST_F(loader, cpu_listed_twice)
{
	LOAD_FAILS(ROUTE_1
		   "performance:\n"
		   "  cpu_affinity:\n"
		   "    - 0\n"
		   "    - 1\n"
		   "    - 1\n",
		   NAME ":8:7: performance.cpu_affinity[2]: CPU 1 is listed "
		   "twice");
}

TEST_F(loader, cpu_not_a_number)
{
	LOAD_FAILS(ROUTE_1
		   "performance:\n"
		   "  cpu_affinity: [0, one]\n",
		   NAME ":5:21: performance.cpu_affinity[1]: 'one' is not a "
		   "whole number");
}

/* ---- the file as a whole ---- */

TEST_F(loader, empty_file)
{
	static const char *const texts[] = {
		"", "\n", "\n   \n\n", "# nothing but a comment\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		LOAD_FAILS(texts[i],
			   NAME ":1:1: the file is empty; expected a mapping "
			   "with 'routes'");
	}
}

TEST_F(loader, top_level_not_a_mapping)
{
	LOAD_FAILS("- port: 80\n"
		   "  dest_host: 192.0.2.1\n",
		   NAME ":1:1: expected a mapping at the top level");
	LOAD_FAILS("# routes come later\n"
		   "routes\n",
		   NAME ":2:1: expected a mapping at the top level");
}

TEST_F(loader, missing_routes)
{
	LOAD_FAILS("\n"
		   "options:\n"
		   "  log_level: info\n",
		   NAME ":1:1: missing 'routes'");
}

TEST_F(loader, no_routes)
{
	LOAD_FAILS("routes: []\n",
		   NAME ":1:9: routes: expected at least one route");
}

TEST_F(loader, yaml_syntax_errors)
{
	static const char *const texts[] = {
		"routes: [8080\n",
		"routes:\n  - port: 8080\n   dest_host: 192.0.2.1\n",
		"routes:\n\t- port: 8080\n",
		"routes:\n  - port: \"8080\n",
		("routes:\n  - port: 80\n    dest_host: 192.0.2.1\n"
		 "options: {log_level: info\n"),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		LOAD(texts[i]);
		check_one_error(_metadata, &self->r, is_syntax_error, NULL);
	}
}

static char *nested(const char *head, const char *open, const char *close,
		    unsigned int depth, const char *tail)
{
	size_t len = strlen(head) + depth * (strlen(open) + strlen(close)) +
		     strlen(tail) + 1;
	char *text = malloc(len), *p;
	unsigned int i;

	if (!text)
		abort();
	p = stpcpy(text, head);
	for (i = 0; i < depth; i++)
		p = stpcpy(p, open);
	for (i = 0; i < depth; i++)
		p = stpcpy(p, close);
	strcpy(p, tail);
	return text;
}

TEST_F(loader, nesting_200_deep)
{
	char *text;

	/* Flow sequences inside a route. */
	text = nested(ROUTE_1 "    description: ", "[", "]", 200, "\n");
	LOAD(text);
	free(text);
	check_one_error(_metadata, &self->r, ends_with,
			": nesting deeper than 64 levels");
	EXPECT_TRUE(starts_with(self->r.err, strlen(self->r.err), NAME ":4:"));

	/* Flow mappings as the whole document. */
	text = nested("", "{a: ", "}", 200, "\n");
	LOAD(text);
	free(text);
	check_one_error(_metadata, &self->r, ends_with,
			": nesting deeper than 64 levels");
}

TEST_F(loader, nesting_200_deep_block)
{
	char *text = malloc(200 * 220), *p = text;
	unsigned int i;

	ASSERT_NE(NULL, text);
	p = stpcpy(p, ROUTE_1);
	for (i = 0; i < 200; i++)
		p += sprintf(p, "%*sk%u:\n", i, "", i);
	LOAD(text);
	free(text);
	check_one_error(_metadata, &self->r, ends_with,
			": nesting deeper than 64 levels");
}

static bool prefixed(const char *line, size_t len, const char *unused)
{
	return starts_with(line, len, NAME ":");
}

/* Whatever comes in, a refusal in file:line:col lines and no crash. */
TEST_F_TIMEOUT(loader, garbage, SLOW_TEST_TIMEOUT)
{
	static const char binary[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"
				     "\x03\0\x3e\0\x01\0\0\0\x10\x10\0\0";
	static const char *const texts[] = {
		"\xff\xfe\x00r\x00o\x00u\x00t\x00e\x00s\x00",
		"routes:\n  - port: 80\n    dest_host: \xc3\x28\n",
		"}{][:::---,,,&&**!!%%@@``\n",
		"routes:\n  - port: 80\n    dest_host: 192.0.2.1\n\x01\x02",
	};
	static const char nul_inside[] =
		"routes:\n  - port: 80\0\n    dest_host: 192.0.2.1\n";
	uint32_t seed = 12345;
	char buf[4096];
	size_t i, j;

	load_with(&self->r, binary, sizeof(binary) - 1, fake_resolve);
	EXPECT_EQ(-1, self->r.ret);
	EXPECT_LE(1, count_lines(self->r.err));
	EXPECT_EQ(count_lines(self->r.err),
		  lines_matching(self->r.err, prefixed, NULL));

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		LOAD(texts[i]);
		EXPECT_EQ(-1, self->r.ret);
		EXPECT_LE(1, count_lines(self->r.err));
		EXPECT_EQ(count_lines(self->r.err),
			  lines_matching(self->r.err, prefixed, NULL));
	}

	/* A NUL in the middle of an otherwise valid file. */
	load_with(&self->r, nul_inside, sizeof(nul_inside) - 1, fake_resolve);
	EXPECT_EQ(-1, self->r.ret);
	EXPECT_LE(1, count_lines(self->r.err));

	for (i = 0; i < 64; i++) {
		for (j = 0; j < sizeof(buf); j++) {
			seed = seed * 1103515245 + 12345;
			buf[j] = (char)(seed >> 16);
		}
		load_with(&self->r, buf, sizeof(buf), fake_resolve);
		EXPECT_EQ(-1, self->r.ret);
		EXPECT_LE(1, count_lines(self->r.err));
		EXPECT_EQ(count_lines(self->r.err),
			  lines_matching(self->r.err, prefixed, NULL));
	}
}

/*
 * A one-megabyte scalar: refused with one line, which quotes the value but
 * not all of it (a diagnostic is for a terminal: the loader's own "got
 * '...'" descriptions stop at 40 characters).
 */
TEST_F_TIMEOUT(loader, huge_scalar, SLOW_TEST_TIMEOUT)
{
	size_t n = 1 << 20;
	char *text = malloc(n + 128), *p;

	ASSERT_NE(NULL, text);
	p = stpcpy(text, "routes:\n  - port: ");
	memset(p, 'a', n);
	strcpy(p + n, "\n    dest_host: 192.0.2.1\n");
	LOAD(text);
	check_one_error(_metadata, &self->r, starts_with,
			NAME ":2:11: routes[1].port: 'aaaa");
	EXPECT_TRUE(ends_with(self->r.err, strlen(self->r.err),
			      "' is not a whole number\n"));
	EXPECT_GT(1024, strlen(self->r.err));

	p = stpcpy(text, "routes:\n  - port: 80\n    dest_host: ");
	memset(p, 'h', n);
	strcpy(p + n, "\n");
	LOAD(text);
	free(text);
	check_errors(_metadata, &self->r, (const char *const[]){
		NAME ":3:16: routes[1].dest_host: longer than 255 characters",
		NULL });
}

/*
 * A value with a line break in it (YAML escapes allow any byte) still
 * gives one line per problem. How the break is shown is left open.
 */
TEST_F(loader, line_break_in_a_value)
{
	LOAD("routes:\n"
	     "  - port: \"80\\n80\"\n"
	     "    dest_host: 192.0.2.1\n"
	     "  - \"a\\nb\"\n"
	     "options:\n"
	     "  log_level: \"info\\r\\ndebug\"\n");
	EXPECT_EQ(-1, self->r.ret);
	EXPECT_EQ(3, count_lines(self->r.err));
	EXPECT_EQ(1, lines_matching(self->r.err, starts_with,
				    NAME ":2:11: routes[1].port: '80"));
	EXPECT_EQ(1, lines_matching(self->r.err, starts_with,
				    NAME ":4:5: routes[2]: expected a mapping, "
				    "got 'a"));
	EXPECT_EQ(1, lines_matching(self->r.err, starts_with,
				    NAME ":6:14: options.log_level: 'info"));
	if (count_lines(self->r.err) != 3)
		log_output(_metadata, self->r.err);
}

/* Independent mistakes are all reported, one line each. */
TEST_F(loader, three_errors_three_lines)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 70000\n"
		   "    dest_host: 192.0.2.1\n"
		   "options:\n"
		   "  log_level: verbose\n"
		   "performance:\n"
		   "  kernel_socket:\n"
		   "    recv_buffer_size: 1Mi\n",
		   NAME ":2:11: routes[1].port: 70000 is out of range 1..65535",
		   NAME ":5:14: options.log_level: 'verbose' is not error, warn, "
		   "info or debug",
		   NAME ":8:23: performance.kernel_socket.recv_buffer_size: "
		   "'1Mi' is not a size (e.g. 1048576, \"1MiB\")");
	EXPECT_EQ(3, count_lines(self->r.err));
}

/* ---- what the first version got wrong, and what came after ---- */

/* Aliases are refused where they stand, the dangling one included. */
TEST_F(loader, aliases_refused)
{
	LOAD_FAILS("routes:\n"
		   "  - &first {port: 80, dest_host: 192.0.2.1}\n"
		   "  - *first\n"
		   "  - port: 81\n"
		   "    dest_host: 192.0.2.1\n"
		   "    protocol: &p [tcp, *p]\n",
		   NAME ":3:5: aliases (*first) are not supported; write the "
		   "value out",
		   NAME ":6:24: aliases (*p) are not supported; write the "
		   "value out");
	LOAD_FAILS("routes: *nowhere\n",
		   NAME ":1:9: aliases (*nowhere) are not supported; write the "
		   "value out");
	/* An anchor alone is harmless. */
	LOAD_OK("routes:\n"
		"  - &web\n"
		"    port: 80\n"
		"    dest_host: 192.0.2.1\n");
}

TEST_F(loader, one_document_only)
{
	LOAD_FAILS("routes:\n"
		   "  - {port: 80, dest_host: 192.0.2.1}\n"
		   "---\n"
		   "routes: []\n",
		   NAME ":3:1: a second YAML document; routes.yml holds one");
	LOAD_OK("---\n"
		"routes:\n"
		"  - {port: 80, dest_host: 192.0.2.1}\n"
		"...\n");
	EXPECT_EQ(3, ROUTE(1)->mark.line);
}

TEST_F(loader, single_port_with_dest_range)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 81\n"
		   "    dest_host: 192.0.2.1\n"
		   "    dest_port_range: {from: 8000}\n",
		   NAME ":6:22: routes[2].dest_port_range: a single port needs "
		   "dest_port (or nothing, for the same port)");
}

/* Spelled-out reasons instead of the resolver's "not known". */
TEST_F(loader, dest_host_not_a_host)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 81\n"
		   "    dest_host: \"[2001:db8::1]\"\n"
		   "  - port: 82\n"
		   "    dest_host: mail.example:25\n"
		   "  - port: 83\n"
		   "    dest_host: \"a b\"\n"
		   "  - port: 84\n"
		   "    dest_host: 224.0.0.1\n"
		   "  - port: 85\n"
		   "    dest_host: \"::\"\n"
		   "  - port: 86\n"
		   "    dest_host: \"\"\n",
		   NAME ":5:16: routes[2].dest_host: '[2001:db8::1]': write "
		   "IPv6 addresses without brackets",
		   NAME ":7:16: routes[3].dest_host: 'mail.example:25' is not a "
		   "host name: the port goes in dest_port",
		   NAME ":9:16: routes[4].dest_host: 'a b' is not an IP address "
		   "or a host name (letters, digits, '-', '_' and '.')",
		   NAME ":11:16: routes[5].dest_host: '224.0.0.1' is a "
		   "multicast address: cannot forward to it",
		   NAME ":13:16: routes[6].dest_host: '::' is the unspecified "
		   "address: cannot forward to it",
		   NAME ":15:16: routes[7].dest_host: expected a host name or "
		   "an IP address");
	EXPECT_EQ(0, resolver_calls);
}

/* What the module would refuse to bind is refused here already. */
TEST_F(loader, listen_unusable)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 81\n"
		   "    listen: 239.1.2.3\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 82\n"
		   "    listen: 255.255.255.255\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 83\n"
		   "    listen: \"ff02::1\"\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":5:13: routes[2].listen: '239.1.2.3' is a multicast "
		   "address: cannot listen on it",
		   NAME ":8:13: routes[3].listen: '255.255.255.255' is the "
		   "broadcast address: cannot listen on it",
		   NAME ":11:13: routes[4].listen: 'ff02::1' is a multicast "
		   "address: cannot listen on it");
}

TEST_F(loader, description_is_one_line)
{
	LOAD_FAILS(ROUTE_1
		   "  - port: 81\n"
		   "    dest_host: 192.0.2.1\n"
		   "    description: |\n"
		   "      two\n"
		   "      lines\n",
		   NAME ":6:18: routes[2].description: contains a line break "
		   "or control character; a description is one line");
	LOAD_OK(ROUTE_1
		"    description: \"\"\n");
	EXPECT_NULL(ROUTE(1)->description);
}

/* Line breaks, tabs and control characters in a value are escaped. */
TEST_F(loader, escapes_in_messages)
{
	LOAD_FAILS("routes:\n"
		   "  - port: \"80\\n80\"\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: \"8\\t0\\x01\\0\"\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":2:11: routes[1].port: '80\\n80' is not a whole number",
		   NAME ":4:11: routes[2].port: '8\\t0\\x01\\x00' is not a whole "
		   "number");
}

/* A key of 1000 characters (YAML's limit for a simple key is 1024) is
 * quoted by its first 40. */
TEST_F(loader, huge_key)
{
	size_t n = 1000;
	char *text = malloc(n + 128), *p;
	char want[160];

	ASSERT_NE(NULL, text);
	p = stpcpy(text, ROUTE_1 "    ");
	memset(p, 'k', n);
	strcpy(p + n, ": 1\n");
	snprintf(want, sizeof(want), NAME ":4:5: routes[1]: unknown key '%.40s...'",
		 p);
	LOAD_FAILS(text, want);
	free(text);
}

/* A hundred copies of a route: one line each, all naming the first. */
TEST_F(loader, overlap_many_copies)
{
	char *text = malloc(100 * 64 + 16), *p;
	unsigned int i;

	ASSERT_NE(NULL, text);
	p = stpcpy(text, "routes:\n");
	for (i = 0; i < 100; i++)
		p = stpcpy(p, "  - {port: 7000, dest_host: 192.0.2.1}\n");
	LOAD(text);
	free(text);
	EXPECT_EQ(-1, self->r.ret);
	EXPECT_EQ(99, count_lines(self->r.err));
	EXPECT_EQ(99, lines_matching(self->r.err, ends_with,
				     ": tcp,udp port 7000 overlaps routes[1] "
				     "(line 2) on 7000"));
	EXPECT_EQ(1, lines_matching(self->r.err, is_line,
				    NAME ":101:5: routes[100]: tcp,udp port "
				    "7000 overlaps routes[1] (line 2) on 7000"));
}

/* Each protocol names its own earliest partner. */
TEST_F(loader, overlap_per_protocol)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 5000\n"
		   "    protocol: tcp\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 5000\n"
		   "    protocol: udp\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 5000\n"
		   "    dest_host: 192.0.2.1\n",
		   NAME ":8:5: routes[3]: tcp port 5000 overlaps routes[1] "
		   "(line 2) on 5000",
		   NAME ":8:5: routes[3]: udp port 5000 overlaps routes[2] "
		   "(line 5) on 5000");
}

/* Overlaps are found even when another key of the route is wrong. */
TEST_F(loader, overlap_reported_with_other_errors)
{
	LOAD_FAILS("routes:\n"
		   "  - port: 7000\n"
		   "    dest_host: 192.0.2.1\n"
		   "  - port: 7000\n"
		   "    protocol: udp\n"
		   "    dest_host: 192.0.2.1\n"
		   "    idle_timeout: 0\n",
		   NAME ":7:19: routes[2].idle_timeout: 0 is out of range "
		   "1..4294967295",
		   NAME ":4:5: routes[2]: udp port 7000 overlaps routes[1] "
		   "(line 2) on 7000");
	EXPECT_EQ(0, resolver_calls);
}

/* A thousand routes to one name: one lookup, every route served. */
TEST_F_TIMEOUT(loader, one_lookup_per_name, SLOW_TEST_TIMEOUT)
{
	char *text = malloc(1001 * 64 + 16), *p;
	unsigned int i;

	ASSERT_NE(NULL, text);
	p = stpcpy(text, "routes:\n");
	for (i = 0; i < 1000; i++)
		p += sprintf(p, "  - {port: %u, dest_host: db.example}\n",
			     10000 + i);
	strcpy(p, "  - {port: 80, dest_host: dns1.domain.com}\n");
	LOAD_OK(text);
	free(text);
	EXPECT_EQ(2, resolver_calls);
	ASSERT_EQ(1001, CFG->nroutes);
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(2, CFG->routes[i].ndests);
		EXPECT_TRUE(addr_is(&CFG->routes[i].dests[1], "2001:db8::10"));
	}
	EXPECT_TRUE(addr_is(&ROUTE(1001)->dests[0], "198.51.100.1"));
}

/* With ncpus_present 0 the loader asks the running system. */
TEST_F(loader, cpus_of_this_machine)
{
	static const char text[] = ROUTE_1
		"performance:\n"
		"  cpu_affinity: [0, 1023]\n";

	load_env(&self->r, text, strlen(text), fake_resolve, 0);
	check_one_error(_metadata, &self->r, starts_with,
			NAME ":5:21: performance.cpu_affinity[1]: CPU 1023 does "
			"not exist (this machine has ");
	load_env(&self->r, text, strlen(text) - strlen(", 1023]\n"),
		 fake_resolve, 0);
	EXPECT_EQ(-1, self->r.ret);	/* "[0" alone: a syntax error */
	LOAD_OK(ROUTE_1 "performance:\n  cpu_affinity: [0]\n");
}

TEST_F(loader, cpu_out_of_range_and_empty_list)
{
	LOAD_FAILS(ROUTE_1
		   "performance:\n"
		   "  cpu_affinity: [1024]\n",
		   NAME ":5:18: performance.cpu_affinity[0]: 1024 is out of "
		   "range 0..1023");
	LOAD_OK(ROUTE_1 "performance:\n  cpu_affinity: []\n");
	EXPECT_EQ(0, OPTS->ncpus);
	EXPECT_NULL(OPTS->cpus);
}

TEST_F_TIMEOUT(loader, too_many_routes, SLOW_TEST_TIMEOUT)
{
	size_t n = LITEPX_MAX_ROUTES + 1;
	char *text = malloc(n * 4 + 16), *p;
	size_t i;

	ASSERT_NE(NULL, text);
	p = stpcpy(text, "routes:\n");
	for (i = 0; i < n; i++)
		p = stpcpy(p, "- 1\n");
	LOAD_FAILS(text, NAME ":2:1: routes: 65537 routes, at most 65536 are "
		   "allowed");
	free(text);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* A coturn relay range loads, and is printed, in well under a second. */
TEST_F_TIMEOUT(loader, range_of_16384_ports_is_fast, SLOW_TEST_TIMEOUT)
{
	char *out = NULL;
	struct timespec start;
	size_t len;
	FILE *f;

	clock_gettime(CLOCK_MONOTONIC, &start);
	LOAD_OK("routes:\n"
		"  - port_range: {from: 49152, to: 65535}\n"
		"    protocol: udp\n"
		"    dest_host: 192.0.2.3\n");
	f = open_memstream(&out, &len);
	ASSERT_NE(NULL, f);
	lpx_config_print(f, CFG);
	fclose(f);
	EXPECT_GT(time_limit(0.5), seconds_since(&start));
	EXPECT_EQ(1, lines_matching(out, is_line,
				    "  listeners: 32768 (16384 ports x 1 "
				    "protocol x 2 address families)"));
	free(out);
}

/* Every port its own route: 65535 routes, checked in seconds at most. */
TEST_F_TIMEOUT(loader, every_port_a_route, SLOW_TEST_TIMEOUT)
{
	char *text = malloc(65535 * 48 + 16), *p;
	struct timespec start;
	unsigned int i;

	ASSERT_NE(NULL, text);
	p = stpcpy(text, "routes:\n");
	for (i = 1; i <= 65535; i++)
		p += sprintf(p, "- {port: %u, dest_host: 192.0.2.1}\n", i);
	clock_gettime(CLOCK_MONOTONIC, &start);
	LOAD_OK(text);
	free(text);
	EXPECT_GT(time_limit(3.0), seconds_since(&start));
	EXPECT_EQ(65535, CFG->nroutes);
	EXPECT_EQ(65535, ROUTE(65535)->dest_port);
}

/* ---- overlaps against a brute-force reference ---- */

struct toy_route {
	int listen;			/* index into toy_listen */
	unsigned int protocols;
	unsigned int from, to;
	unsigned int line;
};

/* NULL: no listen. Family and wildcard follow from the text. */
static const char *const toy_listen[] = {
	NULL, "0.0.0.0", "\"::\"", "192.0.2.1", "192.0.2.2", "\"2001:db8::1\"",
	"\"2001:db8::2\"",
};

static bool toy_v6(int listen)
{
	return toy_listen[listen] && strchr(toy_listen[listen], ':');
}

static bool toy_wild(int listen)
{
	return listen <= 2;
}

static bool toy_collide(const struct toy_route *a, const struct toy_route *b)
{
	if (!toy_listen[a->listen] || !toy_listen[b->listen])
		return true;
	if (toy_v6(a->listen) != toy_v6(b->listen))
		return false;
	return a->listen == b->listen || toy_wild(a->listen) ||
	       toy_wild(b->listen);
}

static unsigned int toy_max(unsigned int a, unsigned int b)
{
	return a > b ? a : b;
}

static unsigned int toy_min(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static void toy_ports(char *buf, size_t len, unsigned int from,
		      unsigned int to)
{
	if (from == to)
		snprintf(buf, len, "%u", from);
	else
		snprintf(buf, len, "%u-%u", from, to);
}

/* What the loader must say about route i, found the slow way. */
static unsigned int toy_expect(const struct toy_route *t, unsigned int i,
			       char lines[2][160])
{
	static const char *const names[] = { "", "tcp", "udp", "tcp,udp" };
	unsigned int first[2] = { 0, 0 }, p, j, n = 0;
	char own[16], shared[16];

	for (p = 0; p < 2; p++) {
		for (j = 0; j < i && !first[p]; j++)
			if ((t[i].protocols & t[j].protocols & (1u << p)) &&
			    t[i].from <= t[j].to && t[j].from <= t[i].to &&
			    toy_collide(&t[i], &t[j]))
				first[p] = j + 1;
	}
	toy_ports(own, sizeof(own), t[i].from, t[i].to);
	for (p = 0; p < 2; p++) {
		const struct toy_route *w;
		unsigned int protos = 1u << p;

		if (!first[p] || (p == 1 && first[0] == first[1]))
			continue;
		if (p == 0 && first[0] == first[1])
			protos = 3;
		w = &t[first[p] - 1];
		toy_ports(shared, sizeof(shared), toy_max(t[i].from, w->from),
			  toy_min(t[i].to, w->to));
		snprintf(lines[n++], 160, NAME ":%u:5: routes[%u]: %s port %s "
			 "overlaps routes[%u] (line %u) on %s", t[i].line,
			 i + 1, names[protos], own, first[p], w->line, shared);
	}
	return n;
}

TEST_F_TIMEOUT(loader, overlaps_match_brute_force, SLOW_TEST_TIMEOUT)
{
	enum { NTOY = 300, ROUNDS = 20 };
	static struct toy_route t[NTOY];
	static char want[2 * NTOY][160];
	static const char *wantp[2 * NTOY + 1];
	char *text = malloc(NTOY * 128 + 16), *p;
	uint32_t seed = 4242;
	unsigned int round, i, n, line;

	ASSERT_NE(NULL, text);
	for (round = 0; round < ROUNDS; round++) {
		p = stpcpy(text, "routes:\n");
		line = 2;
		for (i = 0; i < NTOY; i++) {
			seed = seed * 1103515245 + 12345;
			t[i].listen = (seed >> 8) % ARRAY_SIZE(toy_listen);
			t[i].protocols = 1 + (seed >> 12) % 3;
			t[i].from = 1 + (seed >> 16) % 400;
			t[i].to = t[i].from + (seed >> 24) % 8;
			t[i].line = line;
			p += sprintf(p, "  - port_range: {from: %u, to: %u}\n"
				     "    protocol: %s\n"
				     "    dest_host: 192.0.2.9\n",
				     t[i].from, t[i].to,
				     t[i].protocols == 1 ? "tcp" :
				     t[i].protocols == 2 ? "udp" : "[tcp, udp]");
			line += 3;
			if (toy_listen[t[i].listen]) {
				p += sprintf(p, "    listen: %s\n",
					     toy_listen[t[i].listen]);
				line++;
			}
		}
		for (i = n = 0; i < NTOY; i++)
			n += toy_expect(t, i, &want[n]);
		for (i = 0; i < n; i++)
			wantp[i] = want[i];
		wantp[n] = NULL;
		/* A round without any overlap would prove nothing. */
		ASSERT_LT(10, n);
		LOAD(text);
		check_errors(_metadata, &self->r, wantp);
	}
	free(text);
}

/* 65536 routes on one port, each on its own address: all valid, fast. */
TEST_F_TIMEOUT(loader, one_port_many_addresses, SLOW_TEST_TIMEOUT)
{
	char *text = malloc(65536 * 64 + 16), *p;
	struct timespec start;
	unsigned int i;

	ASSERT_NE(NULL, text);
	p = stpcpy(text, "routes:\n");
	for (i = 0; i < 65536; i++)
		p += sprintf(p, "- {port: 443, listen: 10.%u.%u.1, "
			     "dest_host: 192.0.2.1}\n", i / 256, i % 256);
	clock_gettime(CLOCK_MONOTONIC, &start);
	LOAD_OK(text);
	free(text);
	EXPECT_GT(time_limit(3.0), seconds_since(&start));
	EXPECT_EQ(65536, CFG->nroutes);
}

/* lpx_config_load() itself: files that are not there or not files. */
TEST(load_file_errors)
{
	struct lpx_env env = { .resolve = fake_resolve, .ncpus_present = 4 };
	struct lpx_config cfg;
	char *err = NULL;
	size_t len;

	env.err = open_memstream(&err, &len);
	ASSERT_NE(NULL, env.err);
	EXPECT_EQ(-1, lpx_config_load("/nonexistent/routes.yml", &env, &cfg));
	EXPECT_EQ(-1, lpx_config_load(".", &env, &cfg));
	fclose(env.err);
	EXPECT_STREQ("/nonexistent/routes.yml: cannot open: No such file or "
		     "directory\n"
		     ".: cannot read: Is a directory\n", err);
	/* Refused means nothing to free, and freeing again is harmless. */
	EXPECT_NULL(cfg.path);
	EXPECT_NULL(cfg.routes);
	EXPECT_EQ(0, cfg.nroutes);
	lpx_config_free(&cfg);
	free(err);
}

/* A refused buffer leaves nothing behind in cfg either. */
TEST_F(loader, refused_config_is_empty)
{
	LOAD(ROUTE_1 "  - port: 80\n    dest_host: 192.0.2.1\n");
	EXPECT_EQ(-1, self->r.ret);
	EXPECT_NULL(self->r.cfg.path);
	EXPECT_NULL(self->r.cfg.routes);
	EXPECT_NULL(self->r.cfg.opts.cpus);
	EXPECT_EQ(0, self->r.cfg.nroutes);
}

/* ---- printing ---- */

static const char print_config[] =
	"routes:\n"
	"  - port_range: {from: 9100, to: 9110}\n"
	"    dest_host: db.example\n"
	"    dest_port_range: {from: 8000}\n"
	"    idle_timeout: 1h\n"
	"    description: 'say \"hi\" \\ caf\xc3\xa9'\n"
	"  - port: 53\n"
	"    protocol: udp\n"
	"    listen: \"2001:db8::1\"\n"
	"    dest_host: 192.0.2.53\n"
	"    proxy_protocol: spp\n"
	"options:\n"
	"  worker_threads: 0\n"
	"  connection:\n"
	"    connect_timeout: 1500ms\n"
	"security:\n"
	"  udp:\n"
	"    bps_ip_limits: 0\n"
	"performance:\n"
	"  cpu_affinity: [2, 0]\n"
	"  kernel_socket:\n"
	"    recv_buffer_size: 0\n";

static char *print_to_string(const struct lpx_config *cfg, bool json)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		abort();
	if (json)
		lpx_config_print_json(f, cfg);
	else
		lpx_config_print(f, cfg);
	fclose(f);
	return out;
}

TEST_F(loader, print_human)
{
	static const char *const want[] = {
		"# t.yml: 2 routes, 45 listening sockets",
		"  worker_threads: 0 (one per CPU)",
		"    idle_timeout: 5m",
		"    connect_timeout: 1500ms",
		"    shutdown_timeout: 1m",
		"  log_level: info",
		"    connection_limits: 50000",
		"    ipv6_prefix: 64",
		"    bps_ip_limits: 0 (no limit)",
		"  cpu_affinity: 2, 0",
		"    recv_buffer_size: 0 (kernel default)",
		"    send_buffer_size: 1MiB",
		"route 1 (line 2):",
		"  description: say \"hi\" \\ caf\xc3\xa9",
		"  protocol: tcp,udp",
		"  listen: * (every IPv4 and IPv6 address)",
		"  port: 9100-9110",
		"  listeners: 44 (11 ports x 2 protocols x 2 address families)",
		"  dest_host: db.example",
		"  dest_port: 8000-8010",
		"  addresses: 192.0.2.10, 2001:db8::10",
		"  proxy_protocol: none",
		"  timeouts: idle 1h, connect 1500ms, shutdown 1m",
		"route 2 (line 7):",
		"  protocol: udp",
		"  listen: 2001:db8::1",
		"  port: 53",
		"  listeners: 1 (1 port x 1 protocol x 1 address family)",
		"  dest_port: 53",
		"  addresses: 192.0.2.53",
		"  proxy_protocol: spp",
		"  timeouts: idle 5m, connect 1500ms, shutdown 1m",
	};
	char *out;
	size_t i;

	LOAD_OK(print_config);
	out = print_to_string(CFG, false);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		if (!lines_matching(out, is_line, want[i]))
			TH_LOG("missing line: %s", want[i]);
		EXPECT_LE(1, lines_matching(out, is_line, want[i]));
	}
	free(out);
}

/*
 * Structurally valid JSON: brackets balance outside strings, strings
 * hold no raw control characters, nothing follows the top-level object.
 */
static bool json_well_formed(const char *s)
{
	const char *start = s;
	bool in_string = false;
	int depth = 0;

	if (*s != '{')
		return false;
	for (; *s; s++) {
		if (in_string) {
			if ((unsigned char)*s < 0x20)
				return false;
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_string = false;
			continue;
		}
		if (!depth && s != start)
			return false;	/* something after the object */
		if (*s == '"')
			in_string = true;
		else if (*s == '{' || *s == '[')
			depth++;
		else if (*s == '}' || *s == ']')
			depth--;
		else if ((unsigned char)*s <= ' ')
			return false;
	}
	return !depth && !in_string;
}

TEST_F(loader, print_json)
{
	static const char *const want[] = {
		"{\"file\":\"t.yml\",\"listeners\":45,",
		"\"options\":{\"worker_threads\":0,\"connection\":"
		"{\"idle_timeout\":300000,\"connect_timeout\":1500,"
		"\"shutdown_timeout\":60000},\"log_level\":\"info\"}",
		"\"udp\":{\"connection_limits\":25000,"
		"\"connection_ip_limits\":500,\"pps_ip_limits\":5000,"
		"\"bps_ip_limits\":0}",
		"\"cpu_affinity\":[2,0]",
		"\"kernel_socket\":{\"recv_buffer_size\":0,"
		"\"send_buffer_size\":1048576}",
		"{\"id\":1,\"line\":2,\"description\":\"say \\\"hi\\\" \\\\ "
		"caf\xc3\xa9\",\"protocol\":[\"tcp\",\"udp\"],\"listen\":\"*\","
		"\"port_range\":{\"from\":9100,\"to\":9110},\"listeners\":44,"
		"\"dest_host\":\"db.example\",\"dest_port_range\":{\"from\":"
		"8000,\"to\":8010},\"addresses\":[\"192.0.2.10\","
		"\"2001:db8::10\"],\"proxy_protocol\":\"none\","
		"\"idle_timeout\":3600000,\"connect_timeout\":1500,"
		"\"shutdown_timeout\":60000}",
		"\"description\":null,\"protocol\":[\"udp\"],"
		"\"listen\":\"2001:db8::1\"",
		"\"proxy_protocol\":\"spp\"",
	};
	char *out;
	size_t i;

	LOAD_OK(print_config);
	out = print_to_string(CFG, true);
	EXPECT_TRUE(json_well_formed(out));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		if (!strstr(out, want[i]))
			TH_LOG("missing: %s\nin: %s", want[i], out);
		EXPECT_NE(NULL, strstr(out, want[i]));
	}
	free(out);
}

/* A file name that is not UTF-8 still gives valid JSON. */
TEST(print_json_odd_file_name)
{
	static const char text[] = "routes: [{port: 1, dest_host: 192.0.2.1}]";
	struct lpx_env env = { .resolve = fake_resolve, .ncpus_present = 4 };
	struct lpx_config cfg;
	char *out;

	ASSERT_EQ(0, lpx_config_load_buffer("a\xff\"\n.yml", text,
					    strlen(text), &env, &cfg));
	out = print_to_string(&cfg, true);
	EXPECT_TRUE(json_well_formed(out));
	EXPECT_NE(NULL, strstr(out, "{\"file\":\"a\\ufffd\\\"\\n.yml\","));
	free(out);
	lpx_config_free(&cfg);
}

TEST(names)
{
	struct lpx_addr a = { .family = AF_INET6 };
	char buf[INET6_ADDRSTRLEN];

	EXPECT_STREQ("tcp", lpx_protocols_name(LITEPX_PROTO_TCP));
	EXPECT_STREQ("udp", lpx_protocols_name(LITEPX_PROTO_UDP));
	EXPECT_STREQ("tcp,udp", lpx_protocols_name(LITEPX_PROTO_ALL));
	EXPECT_STREQ("none", lpx_proxy_protocol_name(LITEPX_PROXY_NONE));
	EXPECT_STREQ("v1", lpx_proxy_protocol_name(LITEPX_PROXY_V1));
	EXPECT_STREQ("spp", lpx_proxy_protocol_name(LITEPX_PROXY_SPP));
	EXPECT_STREQ("unknown", lpx_proxy_protocol_name(LITEPX_PROXY_MAX + 1));
	EXPECT_STREQ("warn", lpx_log_level_name(LITEPX_LOG_WARN));
	EXPECT_STREQ("debug", lpx_log_level_name(LITEPX_LOG_DEBUG));
	ASSERT_EQ(1, inet_pton(AF_INET6, "2001:db8::1", &a.v6));
	EXPECT_STREQ("2001:db8::1", lpx_addr_str(&a, buf, sizeof(buf)));
}

/* ---- the shipped example and the real resolver ---- */

static char *read_file(const char *path, size_t *len)
{
	char *buf = NULL;
	FILE *f = fopen(path, "r"), *mem;
	char chunk[4096];
	size_t n;

	if (!f)
		return NULL;
	mem = open_memstream(&buf, len);
	if (!mem)
		abort();
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(f);
	fclose(mem);
	return buf;
}

/* config/routes.yml loads offline, through the real resolver. */
TEST_F(loader, example_routes_yml)
{
	bool tcp_v2 = false, udp = false;
	size_t len, i;
	char *text;

	text = read_file(ROUTES_YML, &len);
	if (!text)
		TH_LOG("cannot read %s: run from tests/unit", ROUTES_YML);
	ASSERT_NE(NULL, text);
	load_with(&self->r, text, len, NULL);
	free(text);
	if (self->r.ret)
		log_output(_metadata, self->r.err);
	ASSERT_EQ(0, self->r.ret);
	EXPECT_STREQ("", self->r.err);
	ASSERT_LE(3, CFG->nroutes);
	for (i = 0; i < CFG->nroutes; i++) {
		const struct lpx_route *r = &CFG->routes[i];

		EXPECT_EQ(i + 1, r->id);
		EXPECT_LE(1, r->ndests);
		if (r->protocols == LITEPX_PROTO_TCP &&
		    r->proxy_protocol == LITEPX_PROXY_V2)
			tcp_v2 = true;
		if (r->protocols == LITEPX_PROTO_UDP)
			udp = true;
	}
	EXPECT_TRUE(tcp_v2);
	EXPECT_TRUE(udp);
}

/* The file-reading entry point gives the same answer. */
TEST_F(loader, example_routes_yml_from_path)
{
	struct lpx_env env = { .ncpus_present = 4 };
	struct lpx_config cfg;
	char *err = NULL;
	size_t errlen;

	env.err = open_memstream(&err, &errlen);
	ASSERT_NE(NULL, env.err);
	ASSERT_EQ(0, lpx_config_load(ROUTES_YML, &env, &cfg));
	fclose(env.err);
	EXPECT_STREQ("", err);
	free(err);
	EXPECT_STREQ(ROUTES_YML, cfg.path);
	EXPECT_LE(3, cfg.nroutes);
	lpx_config_free(&cfg);
}

TEST_F(loader, real_resolver_on_literals)
{
	static const char text[] =
		"routes:\n"
		"  - port: 8080\n"
		"    dest_host: 127.0.0.1\n"
		"  - port: 8081\n"
		"    dest_host: \"::1\"\n"
		"  - port: 8082\n"
		"    dest_host: \"2001:db8::7\"\n"
		"    listen: 198.51.100.7\n";

	load_with(&self->r, text, strlen(text), NULL);
	if (self->r.ret)
		log_output(_metadata, self->r.err);
	ASSERT_EQ(0, self->r.ret);
	ASSERT_EQ(3, CFG->nroutes);
	ASSERT_EQ(1, ROUTE(1)->ndests);
	EXPECT_TRUE(addr_is(&ROUTE(1)->dests[0], "127.0.0.1"));
	ASSERT_EQ(1, ROUTE(2)->ndests);
	EXPECT_TRUE(addr_is(&ROUTE(2)->dests[0], "::1"));
	ASSERT_EQ(1, ROUTE(3)->ndests);
	EXPECT_TRUE(addr_is(&ROUTE(3)->dests[0], "2001:db8::7"));
	EXPECT_EQ(0, resolver_calls);
}

/* The default resolver itself answers literals without DNS. */
TEST(default_resolver_literals)
{
	struct lpx_addr out[LITEPX_MAX_DESTS];
	const char *why = NULL;

	ASSERT_EQ(1, lpx_resolve_default("192.0.2.7", out, LITEPX_MAX_DESTS,
					 &why));
	EXPECT_TRUE(addr_is(&out[0], "192.0.2.7"));
	ASSERT_EQ(1, lpx_resolve_default("2001:db8::7", out, LITEPX_MAX_DESTS,
					 &why));
	EXPECT_TRUE(addr_is(&out[0], "2001:db8::7"));
}

TEST_HARNESS_MAIN
