/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc and the netlink dumps show of one TCP connection (tcp.c) or
 * UDP session (udp.c): a copy taken under the table's lock, so the
 * printers never touch the live object.
 */
#ifndef LITEPX_CONN_INFO_H
#define LITEPX_CONN_INFO_H

#include <linux/types.h>

#include "config.h"

struct litepx_conn_info {
	u32 route_id;
	u8 protocol;			/* LITEPX_PROTO_TCP or _UDP */
	u8 state;			/* enum litepx_conn_state */
	struct litepx_addr client;
	struct litepx_addr local;
	struct litepx_addr target;
	u16 client_port;
	u16 local_port;
	u16 target_port;
	u32 age_ms;
	u32 idle_ms;
	u64 to_target;
	u64 to_client;
	u64 packets_to_target;		/* UDP only */
	u64 packets_to_client;
};

#endif /* LITEPX_CONN_INFO_H */
