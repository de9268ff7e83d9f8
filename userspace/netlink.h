/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the litepx module over generic netlink (libnl-genl-3).
 * Encoding and decoding are split from the socket so that unit tests can
 * check them without a kernel.
 */
#ifndef LITEPX_NETLINK_H
#define LITEPX_NETLINK_H

#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "config.h"
#include "../include/litepx_counters.h"

/* What the kernel said when it refused a request. */
struct lpx_nl_error {
	int err;		/* negative errno */
	char msg[256];		/* extack text, empty when none */
	int bad_offset;		/* extack attribute offset, -1 when none */
};

struct lpx_nl;

/*
 * Opens a socket and resolves the family. Returns a negative errno:
 * -ENOENT when the module is not loaded.
 */
int lpx_nl_open(struct lpx_nl **out);
void lpx_nl_close(struct lpx_nl *nl);
const struct lpx_nl_error *lpx_nl_last_error(const struct lpx_nl *nl);

/*
 * A request with the family's header and no attributes yet (size 0: the
 * default size), and sending one: the message is consumed, the answer is
 * 0 or a negative errno with the details in lpx_nl_last_error().
 */
struct nl_msg *lpx_nl_new_request(struct lpx_nl *nl, int cmd, int flags,
				  size_t size);
int lpx_nl_request(struct lpx_nl *nl, struct nl_msg *msg);

/* Replaces the namespace's whole configuration. */
int lpx_nl_config_set(struct lpx_nl *nl, const struct lpx_config *cfg);
int lpx_nl_flush(struct lpx_nl *nl);

struct lpx_kernel_state {
	uint32_t generation;
	uint32_t nroutes;
	struct lpx_options opts;	/* opts.cpus is malloc'ed */
};

int lpx_nl_config_get(struct lpx_nl *nl, struct lpx_kernel_state *state);

/* A route's u64 counters, indexed by enum litepx_counter. */
#define LPX_NCOUNTERS __LITEPX_CNT_MAX

struct lpx_route_stats {
	uint32_t id;
	uint32_t active;		/* TCP connections */
	uint32_t sessions_active;	/* UDP sessions */
	uint64_t counters[LPX_NCOUNTERS];
};

extern const char *const lpx_counter_names[LPX_NCOUNTERS];

/*
 * Dumps the loaded routes into cfg (routes and options; cfg->path is
 * NULL) and, when stats is not NULL, their counters into a malloc'ed
 * array of cfg->nroutes entries. Sets *interrupted when the config
 * changed during the dump.
 */
int lpx_nl_config_dump(struct lpx_nl *nl, struct lpx_config *cfg,
		       struct lpx_route_stats **stats, bool *interrupted);

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

int lpx_nl_conn_dump(struct lpx_nl *nl,
		     int (*fn)(const struct lpx_conn *conn, void *arg),
		     void *arg);

/*
 * Wire format helpers, exposed for the unit tests. route_ends, when not
 * NULL, receives for each route the offset from the start of the message
 * where its attribute ends, to map an extack offset back to a route.
 */
int lpx_nl_put_config(struct nl_msg *msg, const struct lpx_config *cfg,
		      uint32_t *route_ends);
size_t lpx_nl_config_size(const struct lpx_config *cfg);
int lpx_nl_parse_route(struct nlattr *nest, struct lpx_route *route);
int lpx_nl_parse_options(struct nlattr *nest, struct lpx_options *opts);

#endif /* LITEPX_NETLINK_H */
