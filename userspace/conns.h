/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `litepxctl conns` prints: the connection dump collected into a
 * list, kept to some routes, sorted, and printed as a table sized to its
 * content (as ss(8) prints) or as JSON. No socket here.
 */
#ifndef LITEPX_CONNS_H
#define LITEPX_CONNS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wire.h"

struct lpx_conn_list {
	struct lpx_conn *conns;
	size_t n;
	size_t size;
};

/* Appends *conn to list (a struct lpx_conn_list): lpx_nl_conn_dump's fn. */
int lpx_conn_list_add(const struct lpx_conn *conn, void *list);
void lpx_conn_list_free(struct lpx_conn_list *list);

/* Keeps the connections of the nids routes in ids; none keeps all. */
void lpx_conn_list_filter(struct lpx_conn_list *list, const uint32_t *ids,
			  size_t nids);

enum lpx_conn_sort {
	LPX_SORT_NONE,		/* the kernel's order */
	LPX_SORT_ROUTE,		/* ascending from here */
	LPX_SORT_CLIENT,
	LPX_SORT_TARGET,
	LPX_SORT_AGE,		/* largest first from here: oldest */
	LPX_SORT_IDLE,		/* longest idle */
	LPX_SORT_BYTES,		/* most bytes, both ways together */
};

/* "route, client, target, age, idle or bytes", for messages. */
extern const char lpx_conn_sort_names[];

/* The key called name, or -1. */
int lpx_conn_sort_parse(const char *name);
void lpx_conn_list_sort(struct lpx_conn_list *list, enum lpx_conn_sort key);

#define LPX_CONNS_BYTES	(1U << 0)	/* byte counts exact, not rounded */

void lpx_conns_print(FILE *out, const struct lpx_conn_list *list,
		     unsigned int flags);
void lpx_conns_print_json(FILE *out, const struct lpx_conn_list *list);

#endif /* LITEPX_CONNS_H */
