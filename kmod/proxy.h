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

/* v2 for UDP over IPv6 (16 + 36) is the longest datagram header. */
#define LITEPX_PROXY_DGRAM_MAX 52
#define LITEPX_SPP_HEADER_LEN 38

/*
 * The header put in front of every datagram to the target: PROXY v2 with
 * the DGRAM transport, or Cloudflare's Simple Proxy Protocol. Returns its
 * length, 0 for LITEPX_PROXY_NONE.
 */
int litepx_proxy_header_dgram(u8 *buf, size_t len, u8 version,
			      const struct litepx_addr *src, u16 sport,
			      const struct litepx_addr *dst, u16 dport);
/* Targets behind SPP answer with the header too; litepx strips it. */
bool litepx_spp_header_present(const u8 *data, size_t len);

#endif /* LITEPX_PROXY_H */
