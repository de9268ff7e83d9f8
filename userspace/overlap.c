// SPDX-License-Identifier: GPL-2.0
/*
 * Which routes would bind the same protocol, address and port: plain
 * computation on the model, so that it can be tested without a file.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "overlap.h"

/*
 * Two routes overlap when they share a protocol, a port and an address:
 * the same address, or either side the wildcard of that family, or a
 * route without listen, which binds the wildcards of both families.
 *
 * Each route is reported once per protocol, naming the earliest route
 * it collides with, so that checking stays O(n log n) whatever the file
 * holds: routes are taken in file order, and each first asks a set of
 * "claim trees" for the earliest earlier route on its ports, then
 * claims them. Per protocol and address family there are three trees:
 *   all:   every route of the family, by port;
 *   wild:  routes on the family's wildcard (or without listen), by port;
 *   exact: routes on one address, by (address, port) squeezed into the
 *          positions of the endpoints that occur, so that ranges on
 *          different addresses never meet.
 * A wildcard route asks "all"; a route on one address asks "wild" and
 * "exact".
 */

/*
 * A segment tree over positions 0..size-1 recording the first route id
 * (ids grow as routes are taken in order; 0 is none) to claim each one.
 */
struct claims {
	uint32_t size;			/* leaves, a power of two */
	uint32_t *whole;		/* per node: first id to claim all */
	uint32_t *any;			/* per node: first id to claim any */
};

static uint32_t min_id(uint32_t a, uint32_t b)
{
	if (!a || !b)
		return a | b;
	return a < b ? a : b;
}

static void claims_free(struct claims *t)
{
	free(t->whole);
	memset(t, 0, sizeof(*t));
}

static void claim(struct claims *t, uint32_t node, uint32_t nlo,
		  uint32_t nhi, uint32_t lo, uint32_t hi, uint32_t id)
{
	uint32_t mid = nlo + (nhi - nlo) / 2;

	if (hi < nlo || nhi < lo)
		return;
	if (!t->any[node])
		t->any[node] = id;
	/* Below a node someone claimed whole, later ids change no answer. */
	if (t->whole[node])
		return;
	if (lo <= nlo && nhi <= hi) {
		t->whole[node] = id;
		return;
	}
	claim(t, 2 * node, nlo, mid, lo, hi, id);
	claim(t, 2 * node + 1, mid + 1, nhi, lo, hi, id);
}

static uint32_t first_claim(const struct claims *t, uint32_t node,
			    uint32_t nlo, uint32_t nhi, uint32_t lo,
			    uint32_t hi)
{
	uint32_t mid = nlo + (nhi - nlo) / 2;

	if (hi < nlo || nhi < lo || !t->any[node])
		return 0;
	if (lo <= nlo && nhi <= hi)
		return t->any[node];
	return min_id(t->whole[node],
		      min_id(first_claim(t, 2 * node, nlo, mid, lo, hi),
			     first_claim(t, 2 * node + 1, mid + 1, nhi, lo,
					 hi)));
}

/* The trees are allocated when first claimed: most stay unused. */
static bool claims_add(struct claims *t, uint32_t positions, uint32_t lo,
		       uint32_t hi, uint32_t id)
{
	if (!t->whole) {
		for (t->size = 1; t->size < positions; t->size *= 2)
			;
		t->whole = calloc(4 * (size_t)t->size, sizeof(uint32_t));
		if (!t->whole)
			return false;
		t->any = t->whole + 2 * (size_t)t->size;
	}
	claim(t, 1, 0, t->size - 1, lo, hi, id);
	return true;
}

static uint32_t claims_first(const struct claims *t, uint32_t lo,
			     uint32_t hi)
{
	return t->whole ? first_claim(t, 1, 0, t->size - 1, lo, hi) : 0;
}

enum { FAM_V4, FAM_V6, NFAMILIES };

/* A route's ends on the "exact" axis of its family. */
struct endpoint {
	const struct lpx_addr *addr;
	uint32_t port;
};

struct overlap_state {
	struct claims all[LPX_OVERLAP_NPROTOS][NFAMILIES];
	struct claims wild[LPX_OVERLAP_NPROTOS][NFAMILIES];
	struct claims exact[LPX_OVERLAP_NPROTOS][NFAMILIES];
	struct endpoint *ends[NFAMILIES];	/* sorted, unique */
	size_t nends[NFAMILIES];
	uint32_t (*first)[LPX_OVERLAP_NPROTOS];	/* per route: earliest partner */
	const struct lpx_route *routes;
	size_t nroutes;
	const bool *listeners_ok;
};

static int family_index(const struct lpx_addr *a)
{
	return a->family == AF_INET ? FAM_V4 : FAM_V6;
}

static bool is_wildcard(const struct lpx_addr *a)
{
	return a->family == AF_INET ? !a->v4.s_addr :
				      IN6_IS_ADDR_UNSPECIFIED(&a->v6);
}

static const void *addr_bytes(const struct lpx_addr *a)
{
	return a->family == AF_INET ? (const void *)&a->v4 :
				      (const void *)&a->v6;
}

/* By address, then port; both ends are of the same family. */
static int cmp_endpoint(const void *pa, const void *pb)
{
	const struct endpoint *a = pa, *b = pb;
	int cmp = memcmp(addr_bytes(a->addr), addr_bytes(b->addr),
			 a->addr->family == AF_INET ? 4 : 16);

	if (cmp)
		return cmp;
	return a->port < b->port ? -1 : a->port > b->port;
}

/* Position of (addr, port) on its family's exact axis. */
static uint32_t end_position(const struct overlap_state *st, int fam,
			     const struct lpx_addr *addr, uint32_t port)
{
	const struct endpoint key = { .addr = addr, .port = port };
	const struct endpoint *e;

	e = bsearch(&key, st->ends[fam], st->nends[fam], sizeof(key),
		    cmp_endpoint);
	return (uint32_t)(e - st->ends[fam]);
}

/* Every end of every route bound to one address, sorted, deduplicated. */
static bool collect_ends(struct overlap_state *st)
{
	const struct lpx_route *r;
	struct endpoint *e;
	size_t i, j, n;
	int fam;

	for (fam = 0; fam < NFAMILIES; fam++) {
		st->ends[fam] = calloc(2 * st->nroutes + 1, sizeof(*e));
		if (!st->ends[fam])
			return false;
	}
	for (i = 0; i < st->nroutes; i++) {
		r = &st->routes[i];
		if (!st->listeners_ok[i] || !r->has_listen ||
		    is_wildcard(&r->listen))
			continue;
		fam = family_index(&r->listen);
		e = st->ends[fam];
		e[st->nends[fam]++] = (struct endpoint){ &r->listen,
							 r->port_from };
		e[st->nends[fam]++] = (struct endpoint){ &r->listen,
							 r->port_to };
	}
	for (fam = 0; fam < NFAMILIES; fam++) {
		e = st->ends[fam];
		n = st->nends[fam];
		qsort(e, n, sizeof(*e), cmp_endpoint);
		for (i = j = 0; i < n; i++)
			if (!j || cmp_endpoint(&e[j - 1], &e[i]))
				e[j++] = e[i];
		st->nends[fam] = j;
	}
	return true;
}

/* The earliest earlier route r collides with on protocol p, family fam. */
static uint32_t earliest_partner(const struct overlap_state *st, int p,
				 int fam, const struct lpx_route *r)
{
	uint32_t lo, hi;

	if (!r->has_listen || is_wildcard(&r->listen))
		return claims_first(&st->all[p][fam], r->port_from,
				    r->port_to);
	lo = end_position(st, fam, &r->listen, r->port_from);
	hi = end_position(st, fam, &r->listen, r->port_to);
	return min_id(claims_first(&st->wild[p][fam], r->port_from,
				   r->port_to),
		      claims_first(&st->exact[p][fam], lo, hi));
}

static bool claim_route(struct overlap_state *st, int p, int fam,
			const struct lpx_route *r)
{
	uint32_t lo, hi;

	if (!claims_add(&st->all[p][fam], 65536, r->port_from, r->port_to,
			r->id))
		return false;
	if (!r->has_listen || is_wildcard(&r->listen))
		return claims_add(&st->wild[p][fam], 65536, r->port_from,
				  r->port_to, r->id);
	lo = end_position(st, fam, &r->listen, r->port_from);
	hi = end_position(st, fam, &r->listen, r->port_to);
	return claims_add(&st->exact[p][fam], st->nends[fam], lo, hi, r->id);
}

/* Finds, for every route with valid listeners, its partners. */
static bool find_overlaps(struct overlap_state *st)
{
	static const unsigned int proto_bits[LPX_OVERLAP_NPROTOS] = {
		LITEPX_PROTO_TCP, LITEPX_PROTO_UDP,
	};
	const struct lpx_route *r;
	int p, fam, families[NFAMILIES], nfam, k;
	uint32_t partner;
	size_t i;

	if (!collect_ends(st))
		return false;
	for (i = 0; i < st->nroutes; i++) {
		r = &st->routes[i];
		if (!st->listeners_ok[i])
			continue;
		nfam = 0;
		if (!r->has_listen) {
			families[nfam++] = FAM_V4;
			families[nfam++] = FAM_V6;
		} else {
			families[nfam++] = family_index(&r->listen);
		}
		for (p = 0; p < LPX_OVERLAP_NPROTOS; p++) {
			if (!(r->protocols & proto_bits[p]))
				continue;
			for (k = 0; k < nfam; k++) {
				fam = families[k];
				partner = earliest_partner(st, p, fam, r);
				st->first[i][p] = min_id(st->first[i][p],
							 partner);
			}
			for (k = 0; k < nfam; k++)
				if (!claim_route(st, p, families[k], r))
					return false;
		}
	}
	return true;
}

bool lpx_overlaps_find(const struct lpx_route *routes, size_t nroutes,
		       const bool *listeners_ok,
		       uint32_t (*first)[LPX_OVERLAP_NPROTOS])
{
	struct overlap_state st = {
		.first = first,
		.routes = routes,
		.nroutes = nroutes,
		.listeners_ok = listeners_ok,
	};
	bool ok = find_overlaps(&st);
	int p, fam;

	for (p = 0; p < LPX_OVERLAP_NPROTOS; p++) {
		for (fam = 0; fam < NFAMILIES; fam++) {
			claims_free(&st.all[p][fam]);
			claims_free(&st.wild[p][fam]);
			claims_free(&st.exact[p][fam]);
		}
	}
	for (fam = 0; fam < NFAMILIES; fam++)
		free(st.ends[fam]);
	return ok;
}
