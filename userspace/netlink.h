/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the litepx module over generic netlink (libnl-genl-3): the
 * socket and the commands. The attributes are encoded and decoded in
 * wire.h, apart from the socket so that unit tests can check them
 * without a kernel.
 */
#ifndef LITEPX_NETLINK_H
#define LITEPX_NETLINK_H

#include <stdint.h>

#include <netlink/msg.h>

#include "model.h"
#include "wire.h"

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

/*
 * Dumps the loaded routes into cfg (routes and options; cfg->path is
 * NULL) and, when stats is not NULL, their counters into a malloc'ed
 * array of cfg->nroutes entries. Sets *interrupted when the config
 * changed during the dump.
 */
int lpx_nl_config_dump(struct lpx_nl *nl, struct lpx_config *cfg,
		       struct lpx_route_stats **stats, bool *interrupted);

int lpx_nl_conn_dump(struct lpx_nl *nl,
		     int (*fn)(const struct lpx_conn *conn, void *arg),
		     void *arg);

#endif /* LITEPX_NETLINK_H */
