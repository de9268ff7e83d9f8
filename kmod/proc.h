/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_PROC_H
#define LITEPX_PROC_H

struct litepx_net;

int litepx_proc_init(void);
void litepx_proc_uninit(void);
int litepx_proc_net_init(struct litepx_net *ln);
void litepx_proc_net_uninit(struct litepx_net *ln);

#endif /* LITEPX_PROC_H */
