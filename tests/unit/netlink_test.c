// SPDX-License-Identifier: GPL-2.0
/*
 * The CONFIG_SET encoding without a kernel: every field a config carries
 * survives encoding and decoding, nests carry NLA_F_NESTED as the kernel's
 * strict validation demands, and offsets map back to the right route.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "kselftest_harness.h"
#include "../../userspace/config.h"
#include "../../userspace/netlink.h"

static struct lpx_route *add_route(struct lpx_config *cfg, uint16_t from,
				   uint16_t to)
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
	r->dest_host = strdup("backend.example");
	r->dests[0].family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &r->dests[0].v4);
	r->ndests = 1;
	return r;
}

FIXTURE(encoding)
{
	struct lpx_config cfg;
	struct nl_msg *msg;
};

FIXTURE_SETUP(encoding)
{
	struct lpx_route *r;

	memset(&self->cfg, 0, sizeof(self->cfg));
	self->cfg.opts.worker_threads = 3;
	self->cfg.opts.idle_timeout_ms = 1;
	self->cfg.opts.connect_timeout_ms = 2;
	self->cfg.opts.shutdown_timeout_ms = 3;
	self->cfg.opts.log_level = LITEPX_LOG_DEBUG;
	self->cfg.opts.tcp_conn_limit = 4;
	self->cfg.opts.tcp_conn_ip_limit = 5;
	self->cfg.opts.udp_session_limit = 6;
	self->cfg.opts.udp_session_ip_limit = 10;
	self->cfg.opts.udp_pps_ip_limit = 7;
	self->cfg.opts.udp_bps_ip_limit = 1ULL << 40;
	self->cfg.opts.ipv6_prefix = 56;
	self->cfg.opts.rcvbuf = 8;
	self->cfg.opts.sndbuf = 9;
	self->cfg.opts.cpus = calloc(3, sizeof(uint32_t));
	ASSERT_NE(NULL, self->cfg.opts.cpus);
	self->cfg.opts.cpus[0] = 2;
	self->cfg.opts.cpus[1] = 0;
	self->cfg.opts.cpus[2] = 1;
	self->cfg.opts.ncpus = 3;

	add_route(&self->cfg, 25, 25);
	r = add_route(&self->cfg, 49152, 65535);
	r->protocols = LITEPX_PROTO_UDP;
	r->proxy_protocol = LITEPX_PROXY_SPP;
	r->dest_port = 1;
	r->description = strdup("turn relay");
	r->has_listen = true;
	r->listen.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", &r->listen.v6);
	r->dests[1].family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::2", &r->dests[1].v6);
	r->ndests = 2;
	r->idle_timeout_ms = 11;
	r->connect_timeout_ms = 12;
	r->shutdown_timeout_ms = 13;

	self->msg = nlmsg_alloc_size(lpx_nl_config_size(&self->cfg));
	ASSERT_NE(NULL, self->msg);
	ASSERT_NE(NULL, nlmsg_reserve(self->msg, GENL_HDRLEN, NLMSG_ALIGNTO));
}

FIXTURE_TEARDOWN(encoding)
{
	nlmsg_free(self->msg);
	lpx_config_free(&self->cfg);
}

static struct nlattr *attrs(struct nl_msg *msg, int *len)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	*len = nlmsg_datalen(nlh) - GENL_HDRLEN;
	return (struct nlattr *)((char *)nlmsg_data(nlh) + GENL_HDRLEN);
}

TEST_F(encoding, options_round_trip)
{
	struct lpx_options got;
	struct nlattr *head, *a;
	int len;

	ASSERT_EQ(0, lpx_nl_put_config(self->msg, &self->cfg, NULL));
	head = attrs(self->msg, &len);
	a = nla_find(head, len, LITEPX_A_OPTIONS);
	ASSERT_NE(NULL, a);
	EXPECT_TRUE(a->nla_type & NLA_F_NESTED);
	ASSERT_EQ(0, lpx_nl_parse_options(a, &got));
	EXPECT_EQ(3, got.worker_threads);
	EXPECT_EQ(1, got.idle_timeout_ms);
	EXPECT_EQ(2, got.connect_timeout_ms);
	EXPECT_EQ(3, got.shutdown_timeout_ms);
	EXPECT_EQ(LITEPX_LOG_DEBUG, got.log_level);
	EXPECT_EQ(4, got.tcp_conn_limit);
	EXPECT_EQ(5, got.tcp_conn_ip_limit);
	EXPECT_EQ(6, got.udp_session_limit);
	EXPECT_EQ(10, got.udp_session_ip_limit);
	EXPECT_EQ(7, got.udp_pps_ip_limit);
	EXPECT_EQ(1ULL << 40, got.udp_bps_ip_limit);
	EXPECT_EQ(56, got.ipv6_prefix);
	EXPECT_EQ(8, got.rcvbuf);
	EXPECT_EQ(9, got.sndbuf);
	ASSERT_EQ(3, got.ncpus);
	EXPECT_EQ(2, got.cpus[0]);
	EXPECT_EQ(0, got.cpus[1]);
	EXPECT_EQ(1, got.cpus[2]);
	free(got.cpus);
}

TEST_F(encoding, routes_round_trip_in_order)
{
	struct lpx_route got[2];
	struct nlattr *a, *head;
	int len, rem, n = 0;

	ASSERT_EQ(0, lpx_nl_put_config(self->msg, &self->cfg, NULL));
	head = attrs(self->msg, &len);
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != LITEPX_A_ROUTE)
			continue;
		ASSERT_LT(n, 2);
		EXPECT_TRUE(a->nla_type & NLA_F_NESTED);
		ASSERT_EQ(0, lpx_nl_parse_route(a, &got[n]));
		n++;
	}
	ASSERT_EQ(2, n);
	EXPECT_EQ(1, got[0].id);
	EXPECT_EQ(LITEPX_PROTO_ALL, got[0].protocols);
	EXPECT_FALSE(got[0].has_listen);
	EXPECT_EQ(NULL, got[0].description);
	/* Unset overrides are left out, not sent as 0. */
	EXPECT_EQ(0, got[0].idle_timeout_ms);
	EXPECT_EQ(2, got[1].id);
	EXPECT_EQ(LITEPX_PROTO_UDP, got[1].protocols);
	EXPECT_EQ(LITEPX_PROXY_SPP, got[1].proxy_protocol);
	EXPECT_EQ(49152, got[1].port_from);
	EXPECT_EQ(65535, got[1].port_to);
	EXPECT_EQ(1, got[1].dest_port);
	EXPECT_STREQ("turn relay", got[1].description);
	EXPECT_STREQ("backend.example", got[1].dest_host);
	EXPECT_TRUE(got[1].has_listen);
	EXPECT_EQ(0, memcmp(&got[1].listen, &self->cfg.routes[1].listen,
			    sizeof(got[1].listen)));
	ASSERT_EQ(2, got[1].ndests);
	EXPECT_EQ(0, memcmp(got[1].dests, self->cfg.routes[1].dests,
			    2 * sizeof(got[1].dests[0])));
	EXPECT_EQ(11, got[1].idle_timeout_ms);
	EXPECT_EQ(12, got[1].connect_timeout_ms);
	EXPECT_EQ(13, got[1].shutdown_timeout_ms);
	for (n = 0; n < 2; n++) {
		free(got[n].dest_host);
		free(got[n].description);
	}
}

TEST_F(encoding, route_ends_bound_each_route)
{
	uint32_t ends[2];
	struct nlattr *a, *head;
	int len, rem, n = 0;
	char *base = (char *)nlmsg_hdr(self->msg);

	ASSERT_EQ(0, lpx_nl_put_config(self->msg, &self->cfg, ends));
	EXPECT_LT(ends[0], ends[1]);
	EXPECT_EQ(nlmsg_hdr(self->msg)->nlmsg_len, ends[1]);
	head = attrs(self->msg, &len);
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != LITEPX_A_ROUTE)
			continue;
		/* An extack offset inside route n must map to route n. */
		EXPECT_LT((uint32_t)((char *)a - base), ends[n]);
		EXPECT_EQ(ends[n], (uint32_t)((char *)a - base) +
				   NLA_ALIGN(a->nla_len));
		n++;
	}
	EXPECT_EQ(2, n);
}

TEST_F(encoding, size_estimate_holds_a_large_config)
{
	struct nl_msg *big;
	unsigned int i;

	for (i = 0; i < 5000; i++)
		add_route(&self->cfg, 1000 + i, 1000 + i)->ndests =
			LITEPX_MAX_DESTS;
	big = nlmsg_alloc_size(lpx_nl_config_size(&self->cfg));
	ASSERT_NE(NULL, big);
	ASSERT_NE(NULL, nlmsg_reserve(big, GENL_HDRLEN, NLMSG_ALIGNTO));
	EXPECT_EQ(0, lpx_nl_put_config(big, &self->cfg, NULL));
	nlmsg_free(big);
}

TEST_HARNESS_MAIN
