// SPDX-License-Identifier: GPL-2.0
/*
 * show --config's round trip without a kernel: a config goes through the
 * netlink encoding and back into the structures the route dump fills
 * (wire.c), is printed as a routes.yml (print_yaml.c), and loaded by the
 * project's own loader; every route and option field must come back as
 * it was. The configs cover single ports and ranges up to 65535, both
 * address families, every PROXY protocol mode, every option at a value
 * other than its default and at its bounds, per-route overrides, names
 * that resolve, and descriptions that need quoting.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "kselftest_harness.h"
#include "../../userspace/config.h"
#include "../../userspace/wire.h"

#define NAME		"shown.yml"
/* The fake resolver's answer for a name it has no entry for. */
#define OTHER_NAME_ADDR	"192.0.2.99"

/* ---- building configs ---- */

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

/* A route to a literal, both protocols, every address, no options. */
static struct lpx_route *add_route(struct lpx_config *cfg, uint16_t from,
				   uint16_t to, const char *dest)
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
	r->dest_host = dup_or_die(dest);
	set_addr(&r->dests[r->ndests++], dest);
	return r;
}

static void set_listen(struct lpx_route *r, const char *addr)
{
	r->has_listen = true;
	set_addr(&r->listen, addr);
}

/* dest_host a name, with the addresses the fake resolver gives it. */
static void set_name(struct lpx_route *r, const char *name,
		     const char *const *addrs)
{
	free(r->dest_host);
	r->dest_host = dup_or_die(name);
	for (r->ndests = 0; *addrs; addrs++)
		set_addr(&r->dests[r->ndests++], *addrs);
}

static void set_cpus(struct lpx_options *o, const uint32_t *cpus, size_t n)
{
	o->cpus = calloc(n, sizeof(*o->cpus));
	if (!o->cpus)
		abort();
	memcpy(o->cpus, cpus, n * sizeof(*cpus));
	o->ncpus = n;
}

static const struct {
	const char *name;
	const char *addrs[LITEPX_MAX_DESTS + 1];
} fake_hosts[] = {
	{ "db.example", { "192.0.2.10", "2001:db8::10" } },
	{ "v6only.example", { "2001:db8::66" } },
	{ "many.example", {
		"192.0.2.1", "2001:db8::1", "192.0.2.2", "2001:db8::2",
		"192.0.2.3", "2001:db8::3", "192.0.2.4", "2001:db8::4",
		"192.0.2.5", "2001:db8::5", "192.0.2.6", "2001:db8::6",
		"192.0.2.7", "2001:db8::7", "192.0.2.8", "2001:db8::8" } },
};

static const char *const *fake_addrs(const char *name)
{
	static const char *const other[] = { OTHER_NAME_ADDR, NULL };
	size_t i;

	for (i = 0; i < sizeof(fake_hosts) / sizeof(fake_hosts[0]); i++)
		if (!strcmp(name, fake_hosts[i].name))
			return fake_hosts[i].addrs;
	return other;
}

static int fake_resolve(const char *host, struct lpx_addr *out, size_t max,
			const char **why)
{
	const char *const *addrs = fake_addrs(host);
	size_t n;

	for (n = 0; n < max && addrs[n]; n++)
		set_addr(&out[n], addrs[n]);
	return (int)n;
}

static void named(struct lpx_route *r, const char *name)
{
	set_name(r, name, fake_addrs(name));
}

/* Every option away from its default; routes of every kind. */
static void build_every_option(struct lpx_config *cfg)
{
	static const uint32_t cpus[] = { 3, 1, 2 };
	struct lpx_options *o = &cfg->opts;
	struct lpx_route *r;

	o->worker_threads = 7;
	o->idle_timeout_ms = 90000;
	o->connect_timeout_ms = 1500;
	o->shutdown_timeout_ms = 7200000;
	o->log_level = LITEPX_LOG_WARN;
	o->tcp_conn_limit = 123;
	o->tcp_conn_ip_limit = 7;
	o->ipv6_prefix = 56;
	o->udp_session_limit = 1000;
	o->udp_session_ip_limit = 3;
	o->udp_pps_ip_limit = 100;
	o->udp_bps_ip_limit = 64000;
	o->rcvbuf = 256 << 10;
	o->sndbuf = 0;
	set_cpus(o, cpus, 3);

	r = add_route(cfg, 8080, 8080, "198.51.100.10");
	r->dest_port = 80;
	r->description = dup_or_die("web");
	r = add_route(cfg, 9000, 9010, "2001:db8:1234:5678:9abc:def0:1234:5678");
	r->dest_port = 8000;
	r->protocols = LITEPX_PROTO_TCP;
	set_listen(r, "2001:db8::1");
	r->proxy_protocol = LITEPX_PROXY_V1;
	r->idle_timeout_ms = 600000;
	r->connect_timeout_ms = 5000;
	r->shutdown_timeout_ms = 30000;
	r = add_route(cfg, 3478, 3478, "192.0.2.1");
	named(r, "db.example");
	r->protocols = LITEPX_PROTO_UDP;
	set_listen(r, "0.0.0.0");
	r->proxy_protocol = LITEPX_PROXY_SPP;
	r->idle_timeout_ms = 120000;
	r->description = dup_or_die("say \"hi\" \\ caf\xc3\xa9: #1, [x] {y}");
	r = add_route(cfg, 49152, 65535, "192.0.2.20");
	r->proxy_protocol = LITEPX_PROXY_V2;
	r->shutdown_timeout_ms = 1;
}

/* What a file with only routes: gets. */
static void build_defaults(struct lpx_config *cfg)
{
	add_route(cfg, 25, 25, "192.0.2.25");
}

/* Addresses of both families everywhere, every PROXY protocol mode. */
static void build_families(struct lpx_config *cfg)
{
	struct lpx_route *r;

	r = add_route(cfg, 1000, 1000, "192.0.2.1");
	set_listen(r, "192.0.2.254");
	r->protocols = LITEPX_PROTO_TCP;
	r->proxy_protocol = LITEPX_PROXY_V1;
	r = add_route(cfg, 1001, 1001, "2001:db8::2");
	set_listen(r, "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe");
	r->protocols = LITEPX_PROTO_UDP;
	r->proxy_protocol = LITEPX_PROXY_V2;
	r = add_route(cfg, 1002, 1003, "192.0.2.1");
	set_listen(r, "::");
	named(r, "v6only.example");
	r->dest_port = 2002;
	r->proxy_protocol = LITEPX_PROXY_V2;
	r = add_route(cfg, 1004, 1004, "192.0.2.1");
	set_listen(r, "0.0.0.0");
	named(r, "many.example");
	r->protocols = LITEPX_PROTO_UDP;
	r->proxy_protocol = LITEPX_PROXY_SPP;
	r = add_route(cfg, 1005, 1005, "::ffff:192.0.2.5");
	set_listen(r, "::ffff:192.0.2.254");
	r = add_route(cfg, 1006, 1006, "192.0.2.6");
	r->protocols = LITEPX_PROTO_TCP;
	r->proxy_protocol = LITEPX_PROXY_NONE;
}

/* Every number at an end of its range. */
static void build_bounds(struct lpx_config *cfg)
{
	static const uint32_t cpus[] = { LITEPX_MAX_CPUS - 1, 0 };
	struct lpx_options *o = &cfg->opts;
	char name[256], description[LITEPX_DESCRIPTION_MAX];
	struct lpx_route *r;
	size_t i;

	o->worker_threads = 1024;
	o->idle_timeout_ms = UINT32_MAX;
	o->connect_timeout_ms = 1;
	o->shutdown_timeout_ms = 3600000;
	o->log_level = LITEPX_LOG_ERROR;
	o->tcp_conn_limit = UINT32_MAX;
	o->tcp_conn_ip_limit = UINT32_MAX;
	o->ipv6_prefix = 128;
	o->udp_session_limit = 0;
	o->udp_session_ip_limit = UINT32_MAX;
	o->udp_pps_ip_limit = UINT32_MAX;
	o->udp_bps_ip_limit = UINT64_MAX;
	o->rcvbuf = (1U << 30) - 1;
	o->sndbuf = 1U << 30 >> 1;
	set_cpus(o, cpus, 2);

	r = add_route(cfg, 65535, 65535, "192.0.2.1");
	r->dest_port = 1;
	r->idle_timeout_ms = UINT32_MAX;
	r->connect_timeout_ms = 1;
	r->shutdown_timeout_ms = 86400000;
	/* 255 bytes: 127 two-byte characters and one more. */
	for (i = 0; i < 127; i++)
		memcpy(description + 2 * i, "\xc3\xa9", 2);
	strcpy(description + 254, "x");
	r->description = dup_or_die(description);
	r = add_route(cfg, 1, 65534, "192.0.2.2");
	r->dest_port = 2;
	/* A 255-character host name. */
	memset(name, 'a', 255);
	for (i = 63; i < 255; i += 64)
		name[i] = '.';
	name[255] = '\0';
	named(r, name);
	r->protocols = LITEPX_PROTO_TCP;
	set_listen(r, "127.0.0.1");
}

/* ---- the round trip ---- */

static struct nlattr *attrs(struct nl_msg *msg, int *len)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	*len = nlmsg_datalen(nlh) - GENL_HDRLEN;
	return (struct nlattr *)((char *)nlmsg_data(nlh) + GENL_HDRLEN);
}

static int dump_route(struct lpx_config *cfg, struct nlattr *nest)
{
	struct lpx_route *routes;

	routes = realloc(cfg->routes, (cfg->nroutes + 1) * sizeof(*routes));
	if (!routes)
		return -1;
	cfg->routes = routes;
	return lpx_nl_parse_route(nest, &cfg->routes[cfg->nroutes++]);
}

/* sent as CONFIG_SET encodes it, decoded as the route dump decodes it. */
static int through_netlink(const struct lpx_config *sent,
			   struct lpx_config *dumped)
{
	struct nl_msg *msg = nlmsg_alloc_size(lpx_nl_config_size(sent));
	struct nlattr *head, *a;
	int len, rem, err = -1;

	memset(dumped, 0, sizeof(*dumped));
	if (!msg || !nlmsg_reserve(msg, GENL_HDRLEN, NLMSG_ALIGNTO) ||
	    lpx_nl_put_config(msg, sent, NULL))
		goto out;
	head = attrs(msg, &len);
	err = 0;
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) == LITEPX_A_OPTIONS)
			err = lpx_nl_parse_options(a, &dumped->opts);
		else if (nla_type(a) == LITEPX_A_ROUTE)
			err = dump_route(dumped, a);
		if (err)
			break;
	}
out:
	nlmsg_free(msg);
	return err;
}

static char *print_yaml(const struct lpx_config *cfg)
{
	char *text = NULL, *copy;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	lpx_config_print_yaml(f, cfg);
	if (fclose(f))
		abort();
	/* A copy, so that GCC 12 sees no pointer to the local text. */
	copy = dup_or_die(text);
	free(text);
	return copy;
}

FIXTURE(round_trip)
{
	struct lpx_config sent;
	struct lpx_config dumped;
	struct lpx_config loaded;
	char *yaml;
	char *err;
	int ret;
};

FIXTURE_VARIANT(round_trip)
{
	void (*build)(struct lpx_config *cfg);
};

FIXTURE_VARIANT_ADD(round_trip, every_option)
{
	.build = build_every_option,
};

FIXTURE_VARIANT_ADD(round_trip, defaults)
{
	.build = build_defaults,
};

FIXTURE_VARIANT_ADD(round_trip, families_and_proxy_modes)
{
	.build = build_families,
};

FIXTURE_VARIANT_ADD(round_trip, bounds)
{
	.build = build_bounds,
};

FIXTURE_SETUP(round_trip)
{
	struct lpx_env env = {
		.resolve = fake_resolve,
		.ncpus_present = LITEPX_MAX_CPUS,
	};
	size_t errlen;

	memset(&self->sent, 0, sizeof(self->sent));
	lpx_options_set_defaults(&self->sent.opts);
	variant->build(&self->sent);
	ASSERT_EQ(0, through_netlink(&self->sent, &self->dumped));
	self->yaml = print_yaml(&self->dumped);
	env.err = open_memstream(&self->err, &errlen);
	ASSERT_NE(NULL, env.err);
	self->ret = lpx_config_load_buffer(NAME, self->yaml,
					   strlen(self->yaml), &env,
					   &self->loaded);
	fclose(env.err);
	if (self->ret)
		TH_LOG("%s\n%s", self->err, self->yaml);
}

FIXTURE_TEARDOWN(round_trip)
{
	lpx_config_free(&self->sent);
	lpx_config_free(&self->dumped);
	if (!self->ret)
		lpx_config_free(&self->loaded);
	free(self->yaml);
	free(self->err);
}

/* ---- comparing ---- */

static bool same_addr(const struct lpx_addr *a, const struct lpx_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return !memcmp(&a->v6, &b->v6, sizeof(a->v6));
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_dests(const struct lpx_route *a, const struct lpx_route *b)
{
	size_t i;

	if (a->ndests != b->ndests)
		return false;
	for (i = 0; i < a->ndests; i++)
		if (!same_addr(&a->dests[i], &b->dests[i]))
			return false;
	return true;
}

/* The first field where got differs from want, or NULL. */
static const char *route_difference(const struct lpx_route *want,
				    const struct lpx_route *got)
{
	if (want->id != got->id)
		return "id";
	if (!same_text(want->description, got->description))
		return "description";
	if (!same_text(want->dest_host, got->dest_host))
		return "dest_host";
	if (want->protocols != got->protocols)
		return "protocols";
	if (want->has_listen != got->has_listen ||
	    (want->has_listen && !same_addr(&want->listen, &got->listen)))
		return "listen";
	if (want->port_from != got->port_from)
		return "port_from";
	if (want->port_to != got->port_to)
		return "port_to";
	if (want->dest_port != got->dest_port)
		return "dest_port";
	if (want->proxy_protocol != got->proxy_protocol)
		return "proxy_protocol";
	if (want->idle_timeout_ms != got->idle_timeout_ms)
		return "idle_timeout";
	if (want->connect_timeout_ms != got->connect_timeout_ms)
		return "connect_timeout";
	if (want->shutdown_timeout_ms != got->shutdown_timeout_ms)
		return "shutdown_timeout";
	if (!same_dests(want, got))
		return "dests";
	return NULL;
}

static void expect_same_options(struct __test_metadata *_metadata,
				const struct lpx_options *want,
				const struct lpx_options *got)
{
	size_t i;

	EXPECT_EQ(want->worker_threads, got->worker_threads);
	EXPECT_EQ(want->idle_timeout_ms, got->idle_timeout_ms);
	EXPECT_EQ(want->connect_timeout_ms, got->connect_timeout_ms);
	EXPECT_EQ(want->shutdown_timeout_ms, got->shutdown_timeout_ms);
	EXPECT_EQ(want->log_level, got->log_level);
	EXPECT_EQ(want->tcp_conn_limit, got->tcp_conn_limit);
	EXPECT_EQ(want->tcp_conn_ip_limit, got->tcp_conn_ip_limit);
	EXPECT_EQ(want->udp_session_limit, got->udp_session_limit);
	EXPECT_EQ(want->udp_session_ip_limit, got->udp_session_ip_limit);
	EXPECT_EQ(want->udp_pps_ip_limit, got->udp_pps_ip_limit);
	EXPECT_EQ(want->udp_bps_ip_limit, got->udp_bps_ip_limit);
	EXPECT_EQ(want->ipv6_prefix, got->ipv6_prefix);
	EXPECT_EQ(want->rcvbuf, got->rcvbuf);
	EXPECT_EQ(want->sndbuf, got->sndbuf);
	ASSERT_EQ(want->ncpus, got->ncpus);
	for (i = 0; i < want->ncpus; i++)
		EXPECT_EQ(want->cpus[i], got->cpus[i]);
}

static void expect_same_config(struct __test_metadata *_metadata,
			       const struct lpx_config *want,
			       const struct lpx_config *got)
{
	size_t i;

	expect_same_options(_metadata, &want->opts, &got->opts);
	ASSERT_EQ(want->nroutes, got->nroutes);
	for (i = 0; i < want->nroutes; i++) {
		const char *diff = route_difference(&want->routes[i],
						    &got->routes[i]);

		if (diff)
			TH_LOG("route %u: %s differs", want->routes[i].id,
			       diff);
		EXPECT_EQ(NULL, diff);
	}
}

/* The encoding itself loses nothing, or the rest would prove little. */
TEST_F(round_trip, dump_is_what_was_sent)
{
	expect_same_config(_metadata, &self->sent, &self->dumped);
}

TEST_F(round_trip, loads_to_the_same_routes_and_options)
{
	ASSERT_EQ(0, self->ret);
	EXPECT_EQ(0, self->err[0]);
	expect_same_config(_metadata, &self->sent, &self->loaded);
}

/* What was loaded from the printed file prints the same file. */
TEST_F(round_trip, printed_again_is_the_same)
{
	char *again;

	ASSERT_EQ(0, self->ret);
	again = print_yaml(&self->loaded);
	EXPECT_STREQ(self->yaml, again);
	free(again);
}

TEST_HARNESS_MAIN
