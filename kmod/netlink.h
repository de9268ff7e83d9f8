/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_NETLINK_H
#define LITEPX_NETLINK_H

int litepx_genetlink_init(void);
void litepx_genetlink_uninit(void);

#endif /* LITEPX_NETLINK_H */
