// SPDX-License-Identifier: GPL-2.0
/*
 * Words for the model's values, as the printers and the loader's
 * messages show them.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "names.h"

const char *lpx_proxy_protocol_name(enum litepx_proxy_protocol pp)
{
	static const char *const names[] = {
		[LITEPX_PROXY_NONE] = "none",
		[LITEPX_PROXY_V1] = "v1",
		[LITEPX_PROXY_V2] = "v2",
		[LITEPX_PROXY_SPP] = "spp",
	};

	return pp <= LITEPX_PROXY_MAX ? names[pp] : "unknown";
}

const char *lpx_log_level_name(enum litepx_log_level level)
{
	static const char *const names[] = {
		[LITEPX_LOG_ERROR] = "error",
		[LITEPX_LOG_WARN] = "warn",
		[LITEPX_LOG_INFO] = "info",
		[LITEPX_LOG_DEBUG] = "debug",
	};

	return level <= LITEPX_LOG_MAX ? names[level] : "unknown";
}

const char *lpx_protocols_name(unsigned int protocols)
{
	switch (protocols) {
	case LITEPX_PROTO_TCP:
		return "tcp";
	case LITEPX_PROTO_UDP:
		return "udp";
	case LITEPX_PROTO_ALL:
		return "tcp,udp";
	default:
		return "none";
	}
}

const char *lpx_addr_str(const struct lpx_addr *addr, char *buf, size_t len)
{
	if (!inet_ntop(addr->family, addr->family == AF_INET ?
		       (const void *)&addr->v4 : (const void *)&addr->v6,
		       buf, len))
		snprintf(buf, len, "?");
	return buf;
}

size_t lpx_utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (*s >= 0xc2 && *s <= 0xdf)
		len = 2;
	else if (*s >= 0xe0 && *s <= 0xef)
		len = 3;
	else if (*s >= 0xf0 && *s <= 0xf4)
		len = 4;
	else
		return 0;
	/* No overlong forms, surrogates or code points past U+10FFFF. */
	if (*s == 0xe0)
		lo = 0xa0;
	else if (*s == 0xed)
		hi = 0x9f;
	else if (*s == 0xf0)
		lo = 0x90;
	else if (*s == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}
