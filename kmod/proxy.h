/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_PROXY_H
#define LITEPX_PROXY_H

#include <linux/types.h>

struct litepx_addr;

/* "PROXY TCP6 " + 2 x 39 + 2 x 5 + 3 spaces + CRLF = 104 (spec: 107). */
#define LITEPX_PROXY_HEADER_MAX 108

/*
 * Writes the PROXY protocol header of the given version (v1 text or v2
 * binary) for a TCP connection from src to dst into buf. Returns its
 * length, 0 for LITEPX_PROXY_NONE.
 */
int litepx_proxy_header(char *buf, size_t len, u8 version,
			const struct litepx_addr *src, u16 sport,
			const struct litepx_addr *dst, u16 dport);

#endif /* LITEPX_PROXY_H */
