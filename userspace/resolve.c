// SPDX-License-Identifier: GPL-2.0
/*
 * Host names to addresses: every A and AAAA record, deduplicated, in the
 * resolver's order, so the module can fail over from one to the next;
 * and the loader's last step, which does that for every route.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "loader.h"

static bool same_addr(const struct lpx_addr *a, const struct lpx_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return IN6_ARE_ADDR_EQUAL(&a->v6, &b->v6);
}

/* An address literal needs no DNS, and must never wait for one. */
static bool parse_literal(const char *host, struct lpx_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, &out->v4) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, host, &out->v6) == 1) {
		out->family = AF_INET6;
		return true;
	}
	return false;
}

/* ai into *out; false for a family the module does not forward to. */
static bool from_addrinfo(const struct addrinfo *ai, struct lpx_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = ai->ai_family;
	if (ai->ai_family == AF_INET)
		out->v4 = ((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
	else if (ai->ai_family == AF_INET6)
		out->v6 = ((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
	else
		return false;
	return true;
}

int lpx_resolve_default(const char *host, struct lpx_addr *out, size_t max,
			const char **why)
{
	/*
	 * One socket type, or every address comes back three times (stream,
	 * datagram, raw). No AI_ADDRCONFIG: a target's AAAA records matter
	 * even when this box has no IPv6 address yet.
	 */
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res, *ai;
	struct lpx_addr a;
	size_t n = 0, i;
	int err;

	if (!max) {
		*why = "no room for an address";
		return -1;
	}
	if (parse_literal(host, &out[0]))
		return 1;
	err = getaddrinfo(host, NULL, &hints, &res);
	if (err) {
		/* Both give static text, which outlives this call. */
		*why = err == EAI_SYSTEM ? strerror(errno) : gai_strerror(err);
		return -1;
	}
	for (ai = res; ai && n < max; ai = ai->ai_next) {
		if (!from_addrinfo(ai, &a))
			continue;
		for (i = 0; i < n && !same_addr(&out[i], &a); i++)
			;
		if (i == n)
			out[n++] = a;
	}
	freeaddrinfo(res);
	if (!n) {
		*why = "no IPv4 or IPv6 address";
		return -1;
	}
	return (int)n;
}

/* ---- every route's dest_host, for the loader ---- */

static int by_dest_host(const void *a, const void *b)
{
	const struct lpx_route *ra = *(const struct lpx_route *const *)a;
	const struct lpx_route *rb = *(const struct lpx_route *const *)b;
	int cmp = strcmp(ra->dest_host, rb->dest_host);

	if (cmp)
		return cmp;
	return ra->id < rb->id ? -1 : ra->id > rb->id;
}

/* Literals as they are; names through the resolver. NULL or why not. */
static const char *resolve_host(struct loader *ld, struct lpx_route *r)
{
	lpx_resolver_fn resolve = ld->env->resolve ?: lpx_resolve_default;
	const char *why = "unknown error";
	int n;

	if (parse_ip(r->dest_host, &r->dests[0])) {
		r->ndests = 1;
		return NULL;
	}
	n = resolve(r->dest_host, r->dests, LITEPX_MAX_DESTS, &why);
	if (n <= 0)
		return n ? why : "no IPv4 or IPv6 address";
	/* More addresses than the module keeps are not an error: failover
	 * beyond the sixteenth is not worth a refused file. */
	r->ndests = (size_t)n < LITEPX_MAX_DESTS ? (size_t)n : LITEPX_MAX_DESTS;
	return NULL;
}

/*
 * Each distinct name is looked up once, however many routes use it (a
 * generated file may send thousands of ports to one host); failures
 * are reported in file order.
 */
void resolve_routes(struct loader *ld)
{
	struct lpx_config *cfg = ld->cfg;
	struct lpx_route **sorted, *first = NULL;
	const char **why;
	char path[PATH_MAX_LEN];
	size_t i;

	sorted = calloc(cfg->nroutes, sizeof(*sorted));
	why = calloc(cfg->nroutes, sizeof(*why));
	if (!sorted || !why) {
		report(ld, NULL, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < cfg->nroutes; i++)
		sorted[i] = &cfg->routes[i];
	qsort(sorted, cfg->nroutes, sizeof(*sorted), by_dest_host);
	for (i = 0; i < cfg->nroutes; i++) {
		struct lpx_route *r = sorted[i];

		if (first && !strcmp(first->dest_host, r->dest_host)) {
			memcpy(r->dests, first->dests, sizeof(r->dests));
			r->ndests = first->ndests;
			why[r->id - 1] = why[first->id - 1];
			continue;
		}
		first = r;
		why[r->id - 1] = resolve_host(ld, r);
	}
	for (i = 0; i < cfg->nroutes; i++) {
		const struct lpx_route *r = &cfg->routes[i];

		if (!why[i])
			continue;
		snprintf(path, sizeof(path), "routes[%u].dest_host", r->id);
		report_at(ld, &r->dest_host_mark, path,
			  "'%s' does not resolve: %s", r->dest_host, why[i]);
	}
out:
	free(why);
	free(sorted);
}
