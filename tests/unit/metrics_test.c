// SPDX-License-Identifier: GPL-2.0
/*
 * What `litepxctl metrics` prints, against golden text and against the
 * rules of Prometheus' text format 0.0.4, checked here rather than with
 * a client library: every sample belongs to the family the last TYPE
 * line named, names and labels are well formed, label values escaped,
 * and no series appears twice.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../../userspace/config.h"
#include "../../userspace/metrics.h"
#include "../../userspace/names.h"

/* ---- a model, as the route dump fills it ---- */

static void set_addr(struct lpx_addr *a, const char *text)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(a->family, text, a->family == AF_INET ?
		      (void *)&a->v4 : (void *)&a->v6) != 1)
		abort();
}

static struct lpx_route *add_route(struct lpx_config *cfg,
				   unsigned int protocols, uint16_t from,
				   uint16_t to, const char *description)
{
	struct lpx_route *r;

	cfg->routes = realloc(cfg->routes,
			      (cfg->nroutes + 1) * sizeof(*cfg->routes));
	if (!cfg->routes)
		abort();
	r = &cfg->routes[cfg->nroutes++];
	memset(r, 0, sizeof(*r));
	r->id = cfg->nroutes;
	r->protocols = protocols;
	r->port_from = from;
	r->port_to = to;
	r->dest_port = from;
	r->dest_host = strdup("192.0.2.20");
	r->description = description ? strdup(description) : NULL;
	if (!r->dest_host || (description && !r->description))
		abort();
	set_addr(&r->dests[r->ndests++], "192.0.2.20");
	return r;
}

/*
 * Three routes: TCP and UDP on every address; TCP on an IPv6 address,
 * a port range, described with a quote, a backslash, a newline and a
 * byte that is not UTF-8; UDP on 0.0.0.0, with no description.
 */
static void build_config(struct lpx_config *cfg)
{
	struct lpx_route *r;

	memset(cfg, 0, sizeof(*cfg));
	lpx_options_set_defaults(&cfg->opts);
	add_route(cfg, LITEPX_PROTO_ALL, 8080, 8080, "web");
	r = add_route(cfg, LITEPX_PROTO_TCP, 9000, 9010,
		      "say \"hi\"\\\nline two \xff caf\xc3\xa9");
	r->has_listen = true;
	set_addr(&r->listen, "2001:db8::1");
	r = add_route(cfg, LITEPX_PROTO_UDP, 3478, 3478, NULL);
	r->has_listen = true;
	set_addr(&r->listen, "0.0.0.0");
}

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
	st[0].counters[LITEPX_CNT_BYTES_TO_CLIENT] = 5ULL << 40;
	st[0].counters[LITEPX_CNT_RESETS] = 2;
	st[1].counters[LITEPX_CNT_REFUSED_OTHER] = UINT64_MAX;
	st[2].sessions_active = 1;
	st[2].counters[LITEPX_CNT_SESSIONS] = 7;
	st[2].counters[LITEPX_CNT_PACKETS_TO_TARGET] = 4;
	st[2].counters[LITEPX_CNT_SESSION_EXPIRIES] = 6;
	return st;
}
/* ---- golden text ---- */

/* Each route's labels, as every per-route sample carries them. */
#define R1 "{route=\"1\",description=\"web\",protocol=\"tcp,udp\",listen=\"*\",port=\"8080\"}"
#define R2 "{route=\"2\",description=\"say \\\"hi\\\"\\\\\\nline two \xef\xbf\xbd" " caf\xc3\xa9" "\",protocol=\"tcp\",listen=\"2001:db8::1\",port=\"9000-9010\"}"
#define R3 "{route=\"3\",protocol=\"udp\",listen=\"0.0.0.0\",port=\"3478\"}"

static const char metrics_golden[] =
	"# HELP litepx_routes Routes loaded in this network namespace.\n"
	"# TYPE litepx_routes gauge\n"
	"litepx_routes 3\n"
	"# HELP litepx_listeners Listening sockets the route opens: ports x protocols x address families.\n"
	"# TYPE litepx_listeners gauge\n"
	"litepx_listeners" R1 " 4\n"
	"litepx_listeners" R2 " 11\n"
	"litepx_listeners" R3 " 1\n"
	"# HELP litepx_active_connections TCP connections being relayed now.\n"
	"# TYPE litepx_active_connections gauge\n"
	"litepx_active_connections" R1 " 3\n"
	"litepx_active_connections" R2 " 0\n"
	"litepx_active_connections" R3 " 0\n"
	"# HELP litepx_active_sessions UDP sessions live now.\n"
	"# TYPE litepx_active_sessions gauge\n"
	"litepx_active_sessions" R1 " 0\n"
	"litepx_active_sessions" R2 " 0\n"
	"litepx_active_sessions" R3 " 1\n"
	"# HELP litepx_conns_total TCP connections accepted and relayed.\n"
	"# TYPE litepx_conns_total counter\n"
	"litepx_conns_total" R1 " 120\n"
	"litepx_conns_total" R2 " 0\n"
	"litepx_conns_total" R3 " 0\n"
	"# HELP litepx_to_target_bytes_total Payload bytes relayed from clients to targets (TCP and UDP).\n"
	"# TYPE litepx_to_target_bytes_total counter\n"
	"litepx_to_target_bytes_total" R1 " 1288490\n"
	"litepx_to_target_bytes_total" R2 " 0\n"
	"litepx_to_target_bytes_total" R3 " 0\n"
	"# HELP litepx_to_client_bytes_total Payload bytes relayed from targets to clients (TCP and UDP).\n"
	"# TYPE litepx_to_client_bytes_total counter\n"
	"litepx_to_client_bytes_total" R1 " 5497558138880\n"
	"litepx_to_client_bytes_total" R2 " 0\n"
	"litepx_to_client_bytes_total" R3 " 0\n"
	"# HELP litepx_refused_conn_limit_total TCP clients refused: connection_limits reached.\n"
	"# TYPE litepx_refused_conn_limit_total counter\n"
	"litepx_refused_conn_limit_total" R1 " 0\n"
	"litepx_refused_conn_limit_total" R2 " 0\n"
	"litepx_refused_conn_limit_total" R3 " 0\n"
	"# HELP litepx_refused_ip_limit_total TCP clients refused: connection_ip_limits reached for their address.\n"
	"# TYPE litepx_refused_ip_limit_total counter\n"
	"litepx_refused_ip_limit_total" R1 " 0\n"
	"litepx_refused_ip_limit_total" R2 " 0\n"
	"litepx_refused_ip_limit_total" R3 " 0\n"
	"# HELP litepx_connect_failures_total TCP connections reset after every target address failed.\n"
	"# TYPE litepx_connect_failures_total counter\n"
	"litepx_connect_failures_total" R1 " 0\n"
	"litepx_connect_failures_total" R2 " 0\n"
	"litepx_connect_failures_total" R3 " 0\n"
	"# HELP litepx_connect_timeouts_total TCP connects to a target that hit connect_timeout.\n"
	"# TYPE litepx_connect_timeouts_total counter\n"
	"litepx_connect_timeouts_total" R1 " 0\n"
	"litepx_connect_timeouts_total" R2 " 0\n"
	"litepx_connect_timeouts_total" R3 " 0\n"
	"# HELP litepx_idle_timeouts_total TCP connections closed by idle_timeout.\n"
	"# TYPE litepx_idle_timeouts_total counter\n"
	"litepx_idle_timeouts_total" R1 " 0\n"
	"litepx_idle_timeouts_total" R2 " 0\n"
	"litepx_idle_timeouts_total" R3 " 0\n"
	"# HELP litepx_shutdown_timeouts_total Half-closed TCP connections closed by shutdown_timeout.\n"
	"# TYPE litepx_shutdown_timeouts_total counter\n"
	"litepx_shutdown_timeouts_total" R1 " 0\n"
	"litepx_shutdown_timeouts_total" R2 " 0\n"
	"litepx_shutdown_timeouts_total" R3 " 0\n"
	"# HELP litepx_resets_total TCP connections closed with a reset.\n"
	"# TYPE litepx_resets_total counter\n"
	"litepx_resets_total" R1 " 2\n"
	"litepx_resets_total" R2 " 0\n"
	"litepx_resets_total" R3 " 0\n"
	"# HELP litepx_sessions_total UDP sessions created.\n"
	"# TYPE litepx_sessions_total counter\n"
	"litepx_sessions_total" R1 " 0\n"
	"litepx_sessions_total" R2 " 0\n"
	"litepx_sessions_total" R3 " 7\n"
	"# HELP litepx_packets_to_target_total UDP datagrams relayed from clients to targets.\n"
	"# TYPE litepx_packets_to_target_total counter\n"
	"litepx_packets_to_target_total" R1 " 0\n"
	"litepx_packets_to_target_total" R2 " 0\n"
	"litepx_packets_to_target_total" R3 " 4\n"
	"# HELP litepx_packets_to_client_total UDP datagrams relayed from targets to clients.\n"
	"# TYPE litepx_packets_to_client_total counter\n"
	"litepx_packets_to_client_total" R1 " 0\n"
	"litepx_packets_to_client_total" R2 " 0\n"
	"litepx_packets_to_client_total" R3 " 0\n"
	"# HELP litepx_refused_session_limit_total UDP sessions refused: the UDP connection_limits reached.\n"
	"# TYPE litepx_refused_session_limit_total counter\n"
	"litepx_refused_session_limit_total" R1 " 0\n"
	"litepx_refused_session_limit_total" R2 " 0\n"
	"litepx_refused_session_limit_total" R3 " 0\n"
	"# HELP litepx_dropped_pps_total UDP datagrams dropped by pps_ip_limits.\n"
	"# TYPE litepx_dropped_pps_total counter\n"
	"litepx_dropped_pps_total" R1 " 0\n"
	"litepx_dropped_pps_total" R2 " 0\n"
	"litepx_dropped_pps_total" R3 " 0\n"
	"# HELP litepx_dropped_bps_total UDP datagrams dropped by bps_ip_limits.\n"
	"# TYPE litepx_dropped_bps_total counter\n"
	"litepx_dropped_bps_total" R1 " 0\n"
	"litepx_dropped_bps_total" R2 " 0\n"
	"litepx_dropped_bps_total" R3 " 0\n"
	"# HELP litepx_session_expiries_total UDP sessions ended by their idle timeout.\n"
	"# TYPE litepx_session_expiries_total counter\n"
	"litepx_session_expiries_total" R1 " 0\n"
	"litepx_session_expiries_total" R2 " 0\n"
	"litepx_session_expiries_total" R3 " 6\n"
	"# HELP litepx_dropped_other_total UDP datagrams dropped otherwise: queue full, no target, no memory.\n"
	"# TYPE litepx_dropped_other_total counter\n"
	"litepx_dropped_other_total" R1 " 0\n"
	"litepx_dropped_other_total" R2 " 0\n"
	"litepx_dropped_other_total" R3 " 0\n"
	"# HELP litepx_refused_session_ip_limit_total UDP sessions refused: the UDP connection_ip_limits reached.\n"
	"# TYPE litepx_refused_session_ip_limit_total counter\n"
	"litepx_refused_session_ip_limit_total" R1 " 0\n"
	"litepx_refused_session_ip_limit_total" R2 " 0\n"
	"litepx_refused_session_ip_limit_total" R3 " 0\n"
	"# HELP litepx_sessions_evicted_total UDP sessions evicted to make room for a new client.\n"
	"# TYPE litepx_sessions_evicted_total counter\n"
	"litepx_sessions_evicted_total" R1 " 0\n"
	"litepx_sessions_evicted_total" R2 " 0\n"
	"litepx_sessions_evicted_total" R3 " 0\n"
	"# HELP litepx_accept_errors_total TCP accepts that failed (other than nobody waiting).\n"
	"# TYPE litepx_accept_errors_total counter\n"
	"litepx_accept_errors_total" R1 " 0\n"
	"litepx_accept_errors_total" R2 " 0\n"
	"litepx_accept_errors_total" R3 " 0\n"
	"# HELP litepx_refused_other_total TCP clients refused otherwise: no memory, namespace going away.\n"
	"# TYPE litepx_refused_other_total counter\n"
	"litepx_refused_other_total" R1 " 0\n"
	"litepx_refused_other_total" R2 " 18446744073709551615\n"
	"litepx_refused_other_total" R3 " 0\n";

/* ---- the format's rules ---- */

#define MAX_SERIES 256

struct checker {
	char family[128];		/* what the last TYPE line named */
	char helped[128];		/* what the last HELP line named */
	char *families[MAX_SERIES];
	char *series[MAX_SERIES];	/* name{labels} of each sample */
	size_t nfamilies, nseries;
	unsigned int counters;		/* families of type counter */
};

/* The length of a metric name at s ([a-zA-Z_:][a-zA-Z0-9_:]*), or 0. */
static size_t name_len(const char *s, bool colon)
{
	size_t n = 0;

	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	       s[n] == '_' || (colon && s[n] == ':') ||
	       (n && s[n] >= '0' && s[n] <= '9'))
		n++;
	return n;
}

static bool listed(char **list, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], s, len))
			return true;
	return false;
}

static void add(char **list, size_t *n, const char *s, size_t len)
{
	if (*n == MAX_SERIES)
		abort();
	list[(*n)++] = strndup(s, len);
}

/* {name="value",...}: only \\, \" and \n escaped; no name twice. */
static const char *check_labels(const char **pp)
{
	const char *p = *pp + 1, *names[16];
	size_t n, nnames = 0, i;

	while (*p != '}') {
		n = name_len(p, false);
		if (!n || p[n] != '=' || p[n + 1] != '"')
			return "bad label name";
		for (i = 0; i < nnames; i++)
			if (!strncmp(names[i], p, n) && names[i][n] == '=')
				return "label given twice";
		if (nnames == 16)
			return "too many labels";
		names[nnames++] = p;
		for (p += n + 2; *p != '"'; p++) {
			if (!*p)
				return "unterminated label value";
			if (*p == '\\' && (!*++p || !strchr("\\\"n", *p)))
				return "bad escape in a label value";
		}
		p++;
		if (*p == ',')
			p++;
		else if (*p != '}')
			return "no , or } after a label";
	}
	*pp = p + 1;
	return NULL;
}

static const char *check_sample(struct checker *c, const char *line)
{
	const char *p = line + name_len(line, true);
	char *end;

	if (p == line)
		return "bad metric name";
	if (!c->family[0] || strlen(c->family) != (size_t)(p - line) ||
	    strncmp(c->family, line, p - line))
		return "sample not under its family's TYPE line";
	if (*p == '{') {
		const char *err = check_labels(&p);

		if (err)
			return err;
	}
	if (listed(c->series, c->nseries, line, p - line))
		return "series given twice";
	add(c->series, &c->nseries, line, p - line);
	if (*p != ' ' || !p[1])
		return "no value";
	strtod(p + 1, &end);
	return *end ? "value not a number" : NULL;
}

static const char *check_type(struct checker *c, const char *line)
{
	const char *name = line + strlen("# TYPE "), *type;
	size_t n = name_len(name, true);

	type = name + n + 1;
	if (!n || name[n] != ' ' || n >= sizeof(c->family))
		return "bad family name";
	if (strncmp(c->helped, name, n) || c->helped[n])
		return "TYPE without a HELP line before it";
	if (listed(c->families, c->nfamilies, name, n))
		return "family given twice";
	add(c->families, &c->nfamilies, name, n);
	if (!strcmp(type, "counter")) {
		if (n < 6 || strncmp(name + n - 6, "_total", 6))
			return "counter without _total";
		c->counters++;
	} else if (strcmp(type, "gauge")) {
		return "type neither counter nor gauge";
	}
	snprintf(c->family, sizeof(c->family), "%.*s", (int)n, name);
	return NULL;
}

static const char *check_help(struct checker *c, const char *line)
{
	const char *name = line + strlen("# HELP ");
	size_t n = name_len(name, true);

	if (!n || name[n] != ' ' || !name[n + 1] || n >= sizeof(c->helped))
		return "HELP without a name and a text";
	snprintf(c->helped, sizeof(c->helped), "%.*s", (int)n, name);
	return NULL;
}

static const char *check_line(struct checker *c, const char *line)
{
	const unsigned char *p;

	for (p = (const unsigned char *)line; *p; p++)
		if (*p >= 0x80 && !lpx_utf8_len(p))
			return "not UTF-8";
		else if (*p >= 0x80)
			p += lpx_utf8_len(p) - 1;
	if (!strncmp(line, "# HELP ", 7))
		return check_help(c, line);
	if (!strncmp(line, "# TYPE ", 7))
		return check_type(c, line);
	if (line[0] == '#' || !line[0])
		return "a comment or an empty line";
	return check_sample(c, line);
}

/* 0 when text keeps every rule; else the first bad line's number. */
static unsigned int check_format(struct __test_metadata *_metadata,
				 struct checker *c, char *text)
{
	unsigned int n = 0;
	char *line, *next;
	const char *err;

	memset(c, 0, sizeof(*c));
	for (line = text; *line; line = next + 1) {
		n++;
		next = strchr(line, '\n');
		if (!next) {
			TH_LOG("line %u: no newline at the end", n);
			return n;
		}
		*next = '\0';
		err = check_line(c, line);
		if (err) {
			TH_LOG("line %u: %s: %s", n, err, line);
			return n;
		}
	}
	return 0;
}

static void checker_free(struct checker *c)
{
	size_t i;

	for (i = 0; i < c->nfamilies; i++)
		free(c->families[i]);
	for (i = 0; i < c->nseries; i++)
		free(c->series[i]);
}

/* ---- the tests ---- */

static char *print_metrics(const struct lpx_config *cfg,
			   const struct lpx_route_stats *stats)
{
	char *text = NULL, *copy;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	lpx_metrics_print(f, cfg, stats);
	if (fclose(f))
		abort();
	/* A copy of its own: see close_memstream() in show_test.c. */
	copy = strdup(text);
	if (!copy)
		abort();
	free(text);
	return copy;
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

FIXTURE(metrics)
{
	struct lpx_config cfg;
	struct lpx_route_stats *stats;
	struct checker checker;
};

FIXTURE_SETUP(metrics)
{
	build_config(&self->cfg);
	self->stats = build_stats(&self->cfg);
	memset(&self->checker, 0, sizeof(self->checker));
}

FIXTURE_TEARDOWN(metrics)
{
	lpx_config_free(&self->cfg);
	free(self->stats);
	checker_free(&self->checker);
}

TEST_F(metrics, golden_text)
{
	char *out = print_metrics(&self->cfg, self->stats);

	if (strcmp(metrics_golden, out))
		log_difference(_metadata, metrics_golden, out);
	EXPECT_STREQ(metrics_golden, out);
	free(out);
}

/* Four gauges, one counter family per LITEPX_COUNTERS entry. */
TEST_F(metrics, output_keeps_the_format_rules)
{
	char *out = print_metrics(&self->cfg, self->stats);

	EXPECT_EQ(0, check_format(_metadata, &self->checker, out));
	EXPECT_EQ(4 + LPX_NCOUNTERS, self->checker.nfamilies);
	EXPECT_EQ(LPX_NCOUNTERS, self->checker.counters);
	EXPECT_EQ(1 + (3 + LPX_NCOUNTERS) * 3, self->checker.nseries);
	free(out);
}

/* After a flush: every family still typed, no route's series. */
TEST_F(metrics, no_routes)
{
	char *out;

	free(self->stats);
	self->stats = NULL;
	lpx_config_free(&self->cfg);
	memset(&self->cfg, 0, sizeof(self->cfg));
	out = print_metrics(&self->cfg, self->stats);
	EXPECT_EQ(0, check_format(_metadata, &self->checker, out));
	EXPECT_EQ(4 + LPX_NCOUNTERS, self->checker.nfamilies);
	EXPECT_EQ(1, self->checker.nseries);
	free(out);
}

/* Routes with equal labels but their ids are still distinct series. */
TEST_F(metrics, same_labels_but_the_route)
{
	struct lpx_route *r = &self->cfg.routes[2];
	char *out;

	free(self->cfg.routes[0].description);
	self->cfg.routes[0].description = NULL;
	free(r->dest_host);
	*r = self->cfg.routes[0];
	r->dest_host = strdup("x");
	r->id = 3;
	ASSERT_NE(NULL, r->dest_host);
	out = print_metrics(&self->cfg, self->stats);
	EXPECT_EQ(0, check_format(_metadata, &self->checker, out));
	free(out);
}

/* The checker itself: each rule, broken once, is caught. */
TEST_F(metrics, checker_catches_broken_text)
{
	static const struct {
		const char *text;
		unsigned int line;
	} cases[] = {
		{ "x 1\n", 1 },
		{ "# TYPE x gauge\n", 1 },
		{ "# HELP x y\n# TYPE x gauge\nx 1\nx 2\n", 4 },
		{ "# HELP x y\n# TYPE x gauge\ny 1\n", 3 },
		{ "# HELP x y\n# TYPE x counter\n", 2 },
		{ "# HELP 1x y\n", 1 },
		{ "# HELP x y\n# TYPE x gauge\nx{a=\"\\t\"} 1\n", 3 },
		{ "# HELP x y\n# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n", 3 },
		{ "# HELP x y\n# TYPE x gauge\nx{a=\"1} 1\n", 3 },
		{ "# HELP x y\n# TYPE x gauge\nx{a=\"\\\n", 3 },
		{ "# HELP x y\n# TYPE x gauge\nx 1 \n", 3 },
		{ "# HELP x y\n# TYPE x gauge\n# HELP x y\n# TYPE x gauge\n", 4 },
		{ "# HELP x \xff\n", 1 },
		{ "# HELP x y\n# TYPE x gauge\nx 1", 3 },
		{ "# HELP x y\n# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"2\"} 2\n", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = strdup(cases[i].text);

		ASSERT_NE(NULL, text);
		EXPECT_EQ(cases[i].line,
			  check_format(_metadata, &self->checker, text));
		checker_free(&self->checker);
		free(text);
	}
	memset(&self->checker, 0, sizeof(self->checker));
}

/* ---- -o FILE ---- */

static char *read_all(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/* The entries of dir but . and .. */
static unsigned int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* Written whole, readable by node_exporter, no temporary file left. */
TEST_F(metrics, output_file_replaced_whole)
{
	char dir[] = "/tmp/litepx-metrics-XXXXXX", path[64];
	struct stat st;
	char *text;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/litepx.prom", dir);
	umask(022);
	ASSERT_EQ(0, lpx_metrics_write(path, &self->cfg, self->stats));
	self->stats[0].counters[LITEPX_CNT_CONNS] = 121;
	ASSERT_EQ(0, lpx_metrics_write(path, &self->cfg, self->stats));
	text = read_all(path);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "litepx_conns_total{route=\"1\","));
	EXPECT_NE(NULL, strstr(text, "port=\"8080\"} 121\n"));
	EXPECT_EQ(0, check_format(_metadata, &self->checker, text));
	free(text);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0644, st.st_mode & 07777);
	EXPECT_EQ(1, count_entries(dir));
	unlink(path);
	rmdir(dir);
}

TEST_F(metrics, output_file_in_a_missing_directory)
{
	errno = 0;
	EXPECT_EQ(-1, lpx_metrics_write("/nonexistent-litepx/litepx.prom",
					&self->cfg, self->stats));
	EXPECT_EQ(ENOENT, errno);
}

TEST_HARNESS_MAIN
