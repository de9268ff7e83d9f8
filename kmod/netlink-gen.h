/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/litepx.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_LITEPX_GEN_H
#define _LINUX_LITEPX_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/litepx.h>

/* Common nested types */
extern const struct nla_policy litepx_addr_nl_policy[LITEPX_ADDR_A_IN6 + 1];
extern const struct nla_policy litepx_opt_nl_policy[LITEPX_OPT_A_UDP_SESSION_IP_LIMIT + 1];
extern const struct nla_policy litepx_route_nl_policy[LITEPX_ROUTE_A_STATS + 1];
extern const struct nla_policy litepx_stats_nl_policy[LITEPX_STATS_A_REFUSED_OTHER + 1];

/* Global operation policy for litepx */
extern const struct nla_policy litepx_nl_policy[LITEPX_A_ROUTE + 1];

/* Ops table for litepx */
extern const struct genl_small_ops litepx_nl_ops[5];

int litepx_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info);
int litepx_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int litepx_nl_route_get_dumpit(struct sk_buff *skb,
			       struct netlink_callback *cb);
int litepx_nl_flush_doit(struct sk_buff *skb, struct genl_info *info);
int litepx_nl_conn_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _LINUX_LITEPX_GEN_H */
