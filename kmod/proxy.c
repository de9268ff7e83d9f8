// SPDX-License-Identifier: GPL-2.0
/*
 * PROXY protocol headers (haproxy.org's proxy-protocol.txt), written
 * first on the target side so the target learns the client's address.
 */
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "config.h"
#include "proxy.h"

static const u8 v2_signature[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};

#define V2_VERSION_PROXY	0x21	/* version 2, command PROXY */
#define V2_STREAM		0x01	/* low nibble: transport */
#define V2_DGRAM		0x02
#define V2_INET			0x10	/* high nibble: address family */
#define V2_INET6		0x20

#define SPP_MAGIC		0x56ec

/* <asm/unaligned.h> moved in 6.12; two bytes do not need it. */
static void put_be16(u16 value, u8 *p)
{
	p[0] = value >> 8;
	p[1] = value & 0xff;
}

/*
 * %pI6c writes IPv4-mapped and ISATAP addresses with a dotted quad, up to
 * 45 characters; the PROXY v1 line has room for 39 (its 107 bytes are
 * counted for "ffff:...:ffff"). Such addresses are written uncompressed.
 */
static void v1_addr6(char *out, size_t len, const struct in6_addr *addr)
{
	snprintf(out, len, "%pI6c", addr);
	if (strchr(out, '.'))
		snprintf(out, len, "%pI6", addr);
}

static int header_v1(char *buf, size_t len, const struct litepx_addr *src,
		     u16 sport, const struct litepx_addr *dst, u16 dport)
{
	char saddr[INET6_ADDRSTRLEN + 8], daddr[INET6_ADDRSTRLEN + 8];
	int n;

	if (src->family == AF_INET) {
		n = snprintf(buf, len, "PROXY TCP4 %pI4 %pI4 %u %u\r\n",
			     &src->v4, &dst->v4, sport, dport);
	} else {
		v1_addr6(saddr, sizeof(saddr), &src->v6);
		v1_addr6(daddr, sizeof(daddr), &dst->v6);
		n = snprintf(buf, len, "PROXY TCP6 %s %s %u %u\r\n", saddr,
			     daddr, sport, dport);
	}
	/* A line without its CRLF would merge into the client's data. */
	return n < (int)len ? n : -ENOSPC;
}

static int header_v2(u8 *buf, size_t len, u8 transport,
		     const struct litepx_addr *src, u16 sport,
		     const struct litepx_addr *dst, u16 dport)
{
	size_t alen = src->family == AF_INET ? 4 : 16;
	u8 *p = buf + 16;

	if (len < 16 + 2 * alen + 4)
		return -ENOSPC;
	memcpy(buf, v2_signature, sizeof(v2_signature));
	buf[12] = V2_VERSION_PROXY;
	buf[13] = (src->family == AF_INET ? V2_INET : V2_INET6) | transport;
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
		return header_v2((u8 *)buf, len, V2_STREAM, src, sport, dst,
				 dport);
	default:
		return 0;
	}
}

/* SPP carries IPv4 addresses mapped into IPv6 (::ffff:a.b.c.d). */
static void put_spp_addr(const struct litepx_addr *addr, u8 *p)
{
	struct in6_addr mapped;

	if (addr->family == AF_INET) {
		ipv6_addr_set_v4mapped(addr->v4, &mapped);
		memcpy(p, &mapped, 16);
	} else {
		memcpy(p, &addr->v6, 16);
	}
}

static int header_spp(u8 *buf, size_t len, const struct litepx_addr *src,
		      u16 sport, const struct litepx_addr *dst, u16 dport)
{
	if (len < LITEPX_SPP_HEADER_LEN)
		return -ENOSPC;
	put_be16(SPP_MAGIC, buf);
	put_spp_addr(src, buf + 2);
	put_spp_addr(dst, buf + 18);
	put_be16(sport, buf + 34);
	put_be16(dport, buf + 36);
	return LITEPX_SPP_HEADER_LEN;
}

int litepx_proxy_header_dgram(u8 *buf, size_t len, u8 version,
			      const struct litepx_addr *src, u16 sport,
			      const struct litepx_addr *dst, u16 dport)
{
	switch (version) {
	case LITEPX_PROXY_V2:
		return header_v2(buf, len, V2_DGRAM, src, sport, dst, dport);
	case LITEPX_PROXY_SPP:
		return header_spp(buf, len, src, sport, dst, dport);
	default:
		return 0;
	}
}

bool litepx_spp_header_present(const u8 *data, size_t len)
{
	return len >= LITEPX_SPP_HEADER_LEN &&
	       data[0] == SPP_MAGIC >> 8 && data[1] == (SPP_MAGIC & 0xff);
}
