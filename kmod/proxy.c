// SPDX-License-Identifier: GPL-2.0
/*
 * PROXY protocol headers (haproxy.org's proxy-protocol.txt), written
 * first on the target side so the target learns the client's address.
 */
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "config.h"
#include "proxy.h"

static const u8 v2_signature[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};

#define V2_VERSION_PROXY	0x21	/* version 2, command PROXY */
#define V2_TCP4			0x11	/* AF_INET, STREAM */
#define V2_TCP6			0x21	/* AF_INET6, STREAM */

/* <asm/unaligned.h> moved in 6.12; two bytes do not need it. */
static void put_be16(u16 value, u8 *p)
{
	p[0] = value >> 8;
	p[1] = value & 0xff;
}

static int header_v1(char *buf, size_t len, const struct litepx_addr *src,
		     u16 sport, const struct litepx_addr *dst, u16 dport)
{
	if (src->family == AF_INET)
		return scnprintf(buf, len, "PROXY TCP4 %pI4 %pI4 %u %u\r\n",
				 &src->v4, &dst->v4, sport, dport);
	return scnprintf(buf, len, "PROXY TCP6 %pI6c %pI6c %u %u\r\n",
			 &src->v6, &dst->v6, sport, dport);
}

static int header_v2(u8 *buf, size_t len, const struct litepx_addr *src,
		     u16 sport, const struct litepx_addr *dst, u16 dport)
{
	size_t alen = src->family == AF_INET ? 4 : 16;
	u8 *p = buf + 16;

	if (len < 16 + 2 * alen + 4)
		return -ENOSPC;
	memcpy(buf, v2_signature, sizeof(v2_signature));
	buf[12] = V2_VERSION_PROXY;
	buf[13] = src->family == AF_INET ? V2_TCP4 : V2_TCP6;
	put_be16(2 * alen + 4, buf + 14);
	memcpy(p, src->family == AF_INET ? (void *)&src->v4 : (void *)&src->v6,
	       alen);
	memcpy(p + alen,
	       dst->family == AF_INET ? (void *)&dst->v4 : (void *)&dst->v6,
	       alen);
	put_be16(sport, p + 2 * alen);
	put_be16(dport, p + 2 * alen + 2);
	return 16 + 2 * alen + 4;
}

int litepx_proxy_header(char *buf, size_t len, u8 version,
			const struct litepx_addr *src, u16 sport,
			const struct litepx_addr *dst, u16 dport)
{
	switch (version) {
	case LITEPX_PROXY_V1:
		return header_v1(buf, len, src, sport, dst, dport);
	case LITEPX_PROXY_V2:
		return header_v2((u8 *)buf, len, src, sport, dst, dport);
	default:
		return 0;
	}
}
