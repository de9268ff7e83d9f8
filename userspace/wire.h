/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The litepx family's attributes to and from the model (wire.c): no
 * socket, so that unit tests can check them without a kernel.
 */
#ifndef LITEPX_WIRE_H
#define LITEPX_WIRE_H

#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "model.h"
#include "../include/litepx_counters.h"

/* A route's u64 counters, indexed by enum litepx_counter. */
#define LPX_NCOUNTERS __LITEPX_CNT_MAX

struct lpx_route_stats {
	uint32_t id;
	uint32_t active;		/* TCP connections */
	uint32_t sessions_active;	/* UDP sessions */
	uint64_t counters[LPX_NCOUNTERS];
};

extern const char *const lpx_counter_names[LPX_NCOUNTERS];

/* One relayed TCP connection or UDP session. */
struct lpx_conn {
	uint32_t route_id;
	uint8_t protocol;		/* LITEPX_PROTO_TCP or _UDP */
	uint8_t state;			/* enum litepx_conn_state */
	struct lpx_addr client, local, target;
	uint16_t client_port, local_port, target_port;
	uint32_t age_ms, idle_ms;
	uint64_t bytes_to_target, bytes_to_client;
	uint64_t packets_to_target, packets_to_client;	/* UDP only */
};

/*
 * route_ends, when not NULL, receives for each route the offset from the
 * start of the message where its attribute ends, to map an extack offset
 * back to a route.
 */
int lpx_nl_put_config(struct nl_msg *msg, const struct lpx_config *cfg,
		      uint32_t *route_ends);
size_t lpx_nl_config_size(const struct lpx_config *cfg);
int lpx_nl_parse_route(struct nlattr *nest, struct lpx_route *route);
int lpx_nl_parse_options(struct nlattr *nest, struct lpx_options *opts);
/* A route nest's LITEPX_ROUTE_A_STATS into st (st->id is left alone). */
int lpx_nl_parse_stats(struct nlattr *route, struct lpx_route_stats *st);
int lpx_nl_parse_conn(struct nlattr *nest, struct lpx_conn *conn);

#endif /* LITEPX_WIRE_H */
