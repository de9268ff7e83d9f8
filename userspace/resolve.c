// SPDX-License-Identifier: GPL-2.0
/*
 * Host names to addresses: every A and AAAA record, deduplicated, in the
 * resolver's order, so the module can fail over from one to the next.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"

static int add_unique(struct lpx_addr *out, int n, const struct lpx_addr *a)
{
	int i;

	for (i = 0; i < n; i++)
		if (out[i].family == a->family &&
		    !memcmp(&out[i].v6, &a->v6,
			    a->family == AF_INET ? 4 : 16))
			return n;
	out[n] = *a;
	return n + 1;
}

int lpx_resolve_default(const char *host, struct lpx_addr *out, size_t max,
			const char **why)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res, *ai;
	struct lpx_addr a;
	int n = 0, err;

	err = getaddrinfo(host, NULL, &hints, &res);
	if (err) {
		*why = gai_strerror(err);
		return -1;
	}
	for (ai = res; ai && (size_t)n < max; ai = ai->ai_next) {
		memset(&a, 0, sizeof(a));
		a.family = ai->ai_family;
		if (ai->ai_family == AF_INET)
			a.v4 = ((struct sockaddr_in *)ai->ai_addr)->sin_addr;
		else if (ai->ai_family == AF_INET6)
			a.v6 = ((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		else
			continue;
		n = add_unique(out, n, &a);
	}
	freeaddrinfo(res);
	if (!n) {
		*why = "no IPv4 or IPv6 address";
		return -1;
	}
	return n;
}
