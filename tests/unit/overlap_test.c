// SPDX-License-Identifier: GPL-2.0
/*
 * The overlap algorithm on its own, without a file: which earlier route
 * each route's listeners collide with, per protocol. config_test.c checks
 * the messages the loader words from it.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "../../userspace/overlap.h"

#define MAX_ROUTES	8

struct table {
	struct lpx_route routes[MAX_ROUTES];
	bool ok[MAX_ROUTES];
	uint32_t first[MAX_ROUTES][LPX_OVERLAP_NPROTOS];
	size_t n;
};

/* listen NULL: no listen key, both families' wildcards. */
static void add(struct table *t, const char *listen, unsigned int protocols,
		uint16_t from, uint16_t to)
{
	struct lpx_route *r = &t->routes[t->n];

	memset(r, 0, sizeof(*r));
	r->id = ++t->n;
	r->protocols = protocols;
	r->port_from = from;
	r->port_to = to;
	t->ok[r->id - 1] = true;
	if (!listen)
		return;
	r->has_listen = true;
	r->listen.family = strchr(listen, ':') ? AF_INET6 : AF_INET;
	inet_pton(r->listen.family, listen, r->listen.family == AF_INET ?
		  (void *)&r->listen.v4 : (void *)&r->listen.v6);
}

static bool find(struct table *t)
{
	memset(t->first, 0, sizeof(t->first));
	return lpx_overlaps_find(t->routes, t->n, t->ok, t->first);
}

#define TCP LITEPX_PROTO_TCP
#define UDP LITEPX_PROTO_UDP
#define ALL LITEPX_PROTO_ALL

TEST(same_port_on_the_wildcard)
{
	struct table t = { .n = 0 };

	add(&t, NULL, TCP, 80, 80);
	add(&t, "0.0.0.0", TCP, 80, 80);
	add(&t, NULL, UDP, 80, 80);
	ASSERT_TRUE(find(&t));
	EXPECT_EQ(0, t.first[0][LPX_OVERLAP_TCP]);
	EXPECT_EQ(1, t.first[1][LPX_OVERLAP_TCP]);
	EXPECT_EQ(0, t.first[2][LPX_OVERLAP_TCP]);
	EXPECT_EQ(0, t.first[2][LPX_OVERLAP_UDP]);
}

TEST(addresses_against_wildcards_and_each_other)
{
	struct table t = { .n = 0 };

	add(&t, "192.0.2.1", ALL, 80, 80);
	add(&t, "192.0.2.2", ALL, 80, 80);
	add(&t, "0.0.0.0", UDP, 80, 80);
	add(&t, "2001:db8::1", TCP, 80, 80);
	add(&t, NULL, TCP, 80, 80);
	ASSERT_TRUE(find(&t));
	EXPECT_EQ(0, t.first[1][LPX_OVERLAP_TCP]);
	EXPECT_EQ(0, t.first[1][LPX_OVERLAP_UDP]);
	EXPECT_EQ(1, t.first[2][LPX_OVERLAP_UDP]);
	EXPECT_EQ(0, t.first[3][LPX_OVERLAP_TCP]);
	/* No listen: both families, so it meets the earliest of all. */
	EXPECT_EQ(1, t.first[4][LPX_OVERLAP_TCP]);
}

TEST(ranges_meet_at_their_ends_only)
{
	struct table t = { .n = 0 };

	add(&t, "192.0.2.1", TCP, 8000, 8010);
	add(&t, "192.0.2.1", TCP, 8010, 8010);
	add(&t, "192.0.2.1", TCP, 8011, 8020);
	add(&t, "192.0.2.2", TCP, 7000, 9000);
	add(&t, "::", TCP, 8015, 8015);
	ASSERT_TRUE(find(&t));
	EXPECT_EQ(1, t.first[1][LPX_OVERLAP_TCP]);
	EXPECT_EQ(0, t.first[2][LPX_OVERLAP_TCP]);
	EXPECT_EQ(0, t.first[3][LPX_OVERLAP_TCP]);
	EXPECT_EQ(0, t.first[4][LPX_OVERLAP_TCP]);
}

TEST(routes_with_invalid_listeners_are_left_out)
{
	struct table t = { .n = 0 };

	add(&t, NULL, TCP, 80, 80);
	add(&t, NULL, TCP, 80, 80);
	add(&t, NULL, TCP, 80, 80);
	t.ok[0] = false;
	ASSERT_TRUE(find(&t));
	EXPECT_EQ(0, t.first[0][LPX_OVERLAP_TCP]);
	EXPECT_EQ(0, t.first[1][LPX_OVERLAP_TCP]);
	EXPECT_EQ(2, t.first[2][LPX_OVERLAP_TCP]);
}

TEST_HARNESS_MAIN
