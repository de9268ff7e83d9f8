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
