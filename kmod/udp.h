/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UDP data path: a session per (client address and port, local
 * address and port), created on the client's first datagram, forwarding
 * the received skbs themselves to the target and the target's replies
 * back to the client from the address and port it wrote to.
 */
#ifndef LITEPX_UDP_H
#define LITEPX_UDP_H

#include <linux/types.h>

#include "conn_info.h"

struct litepx_listener;
struct litepx_net;

/* Attaches or detaches the encap_rcv hook of a listener's UDP socket. */
void litepx_udp_listener_hook(struct litepx_listener *l);
void litepx_udp_listener_unhook(struct litepx_listener *l);

void litepx_udp_net_init(struct litepx_net *ln);
/* The session and source tables, allocated with the first config. */
int litepx_udp_tables_alloc(struct litepx_net *ln);
void litepx_udp_tables_free(struct litepx_net *ln);
size_t litepx_udp_tables_bytes(void);
/* Listeners are gone already: ends every session and frees the tables. */
void litepx_udp_net_exit(struct litepx_net *ln);
/*
 * A config was replaced: ends the sessions of routes it removed before
 * returning. Sleeps; not under ln->config_lock.
 */
void litepx_udp_config_changed(struct litepx_net *ln);

/* Where a walk of the sessions resumes; all zero to start. */
struct litepx_session_cursor {
	u32 bucket;
	u32 after;		/* id of the last session shown in bucket */
};

/*
 * Calls fn for each session from cur on, under RCU, until fn returns
 * non-zero; cur then tells where to resume. A session in the table for
 * the whole walk is shown once, whatever comes and goes meanwhile.
 */
void litepx_session_walk(struct litepx_net *ln,
			 struct litepx_session_cursor *cur,
			 int (*fn)(const struct litepx_conn_info *info,
				   void *arg),
			 void *arg);
u32 litepx_session_count(struct litepx_net *ln);

#endif /* LITEPX_UDP_H */
