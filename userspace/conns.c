// SPDX-License-Identifier: GPL-2.0
/*
 * `conns`'s output. The table is sized to its content, as ss(8) does it,
 * so that a full IPv6 address never breaks a column; an address and its
 * port stay one token ("[2001:db8::1]:443"). Numbers are right-aligned,
 * byte counts rounded to a unit unless asked for exactly, times rounded
 * to what a person reads (--json has them exact).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "conns.h"
#include "names.h"
#include "units.h"

#define CELL_MAX	64	/* "[" INET6_ADDRSTRLEN "]:65535" fits */

int lpx_conn_list_add(const struct lpx_conn *conn, void *arg)
{
	struct lpx_conn_list *list = arg;
	struct lpx_conn *grown;
	size_t size;

	if (list->n == list->size) {
		size = list->size ? list->size * 2 : 64;
		grown = realloc(list->conns, size * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		list->conns = grown;
		list->size = size;
	}
	list->conns[list->n++] = *conn;
	return 0;
}

void lpx_conn_list_free(struct lpx_conn_list *list)
{
	free(list->conns);
	memset(list, 0, sizeof(*list));
}

static bool route_wanted(uint32_t id, const uint32_t *ids, size_t nids)
{
	size_t i;

	for (i = 0; i < nids; i++)
		if (ids[i] == id)
			return true;
	return !nids;
}

void lpx_conn_list_filter(struct lpx_conn_list *list, const uint32_t *ids,
			  size_t nids)
{
	size_t i, kept = 0;

	for (i = 0; i < list->n; i++)
		if (route_wanted(list->conns[i].route_id, ids, nids))
			list->conns[kept++] = list->conns[i];
	list->n = kept;
}

/* ---- sorting ---- */

static const char *const sort_names[] = {
	[LPX_SORT_ROUTE] = "route",
	[LPX_SORT_CLIENT] = "client",
	[LPX_SORT_TARGET] = "target",
	[LPX_SORT_AGE] = "age",
	[LPX_SORT_IDLE] = "idle",
	[LPX_SORT_BYTES] = "bytes",
};

const char lpx_conn_sort_names[] =
	"route, client, target, age, idle or bytes";

int lpx_conn_sort_parse(const char *name)
{
	size_t i;

	for (i = LPX_SORT_ROUTE; i <= LPX_SORT_BYTES; i++)
		if (!strcmp(name, sort_names[i]))
			return (int)i;
	return -1;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* IPv4 before IPv6, then address bytes, then port. */
static int cmp_endpoint(const struct lpx_addr *a, uint16_t aport,
			const struct lpx_addr *b, uint16_t bport)
{
	int diff = a->family - b->family;

	if (diff)
		return diff;
	diff = a->family == AF_INET ?
		memcmp(&a->v4, &b->v4, sizeof(a->v4)) :
		memcmp(&a->v6, &b->v6, sizeof(a->v6));
	return diff ? diff : cmp_u64(aport, bport);
}

static uint64_t total_bytes(const struct lpx_conn *c)
{
	return c->bytes_to_target + c->bytes_to_client;
}

static int cmp_key(const struct lpx_conn *a, const struct lpx_conn *b,
		   enum lpx_conn_sort key)
{
	switch (key) {
	case LPX_SORT_CLIENT:
		return cmp_endpoint(&a->client, a->client_port, &b->client,
				    b->client_port);
	case LPX_SORT_TARGET:
		return cmp_endpoint(&a->target, a->target_port, &b->target,
				    b->target_port);
	case LPX_SORT_AGE:
		return cmp_u64(b->age_ms, a->age_ms);
	case LPX_SORT_IDLE:
		return cmp_u64(b->idle_ms, a->idle_ms);
	case LPX_SORT_BYTES:
		return cmp_u64(total_bytes(b), total_bytes(a));
	default:
		return cmp_u64(a->route_id, b->route_id);
	}
}

/* Ties go by route, then client: the order never depends on qsort's. */
static int cmp_conn(const void *pa, const void *pb, void *key)
{
	const struct lpx_conn *a = pa, *b = pb;
	int diff = cmp_key(a, b, *(enum lpx_conn_sort *)key);

	if (!diff)
		diff = cmp_key(a, b, LPX_SORT_ROUTE);
	if (!diff)
		diff = cmp_key(a, b, LPX_SORT_CLIENT);
	return diff;
}

void lpx_conn_list_sort(struct lpx_conn_list *list, enum lpx_conn_sort key)
{
	if (key == LPX_SORT_NONE || !list->n)
		return;
	qsort_r(list->conns, list->n, sizeof(*list->conns), cmp_conn, &key);
}

/* ---- the table ---- */

enum column {
	COL_ROUTE, COL_PROTO, COL_STATE, COL_CLIENT, COL_LOCAL, COL_TARGET,
	COL_AGE, COL_IDLE, COL_TO_TARGET, COL_TO_CLIENT,
	COL_PKTS_TO_TARGET, COL_PKTS_TO_CLIENT,
	NCOLUMNS
};

static const struct {
	const char *title;
	bool right;		/* numbers: right-aligned */
} columns[NCOLUMNS] = {
	[COL_ROUTE] = { "route", true },
	[COL_PROTO] = { "proto", false },
	[COL_STATE] = { "state", false },
	[COL_CLIENT] = { "client", false },
	[COL_LOCAL] = { "local", false },
	[COL_TARGET] = { "target", false },
	[COL_AGE] = { "age", true },
	[COL_IDLE] = { "idle", true },
	[COL_TO_TARGET] = { "to_target", true },
	[COL_TO_CLIENT] = { "to_client", true },
	[COL_PKTS_TO_TARGET] = { "pkts_to_target", true },
	[COL_PKTS_TO_CLIENT] = { "pkts_to_client", true },
};

static const char *const state_names[] = {
	[LITEPX_CONN_NEW] = "new",
	[LITEPX_CONN_CONNECTING] = "connecting",
	[LITEPX_CONN_RELAYING] = "relaying",
	[LITEPX_CONN_CLOSED] = "closed",
};

static const char *state_name(uint8_t state)
{
	return state <= LITEPX_CONN_CLOSED ? state_names[state] : "unknown";
}

static bool is_udp(const struct lpx_conn *c)
{
	return c->protocol == LITEPX_PROTO_UDP;
}

/* "[v6]:port" or "v4:port" into buf. */
static const char *endpoint(const struct lpx_addr *addr, uint16_t port,
			    char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN];

	lpx_addr_str(addr, text, sizeof(text));
	snprintf(buf, len, addr->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 text, port);
	return buf;
}

static const char *bytes(uint64_t value, unsigned int flags, char *buf)
{
	if (flags & LPX_CONNS_BYTES)
		snprintf(buf, CELL_MAX, "%" PRIu64, value);
	else
		lpx_format_bytes_short(buf, CELL_MAX, value);
	return buf;
}

/* Packets are counted for UDP sessions only: "-" for TCP. */
static const char *packets(const struct lpx_conn *c, uint64_t value,
			   char *buf)
{
	if (!is_udp(c))
		return "-";
	snprintf(buf, CELL_MAX, "%" PRIu64, value);
	return buf;
}

static const char *cell(const struct lpx_conn *c, enum column col,
			unsigned int flags, char *buf)
{
	switch (col) {
	case COL_ROUTE:
		snprintf(buf, CELL_MAX, "%" PRIu32, c->route_id);
		return buf;
	case COL_PROTO:
		return is_udp(c) ? "udp" : "tcp";
	case COL_STATE:
		return state_name(c->state);
	case COL_CLIENT:
		return endpoint(&c->client, c->client_port, buf, CELL_MAX);
	case COL_LOCAL:
		return endpoint(&c->local, c->local_port, buf, CELL_MAX);
	case COL_TARGET:
		return endpoint(&c->target, c->target_port, buf, CELL_MAX);
	case COL_AGE:
		return lpx_format_age_short(buf, CELL_MAX, c->age_ms);
	case COL_IDLE:
		return lpx_format_age_short(buf, CELL_MAX, c->idle_ms);
	case COL_TO_TARGET:
		return bytes(c->bytes_to_target, flags, buf);
	case COL_TO_CLIENT:
		return bytes(c->bytes_to_client, flags, buf);
	case COL_PKTS_TO_TARGET:
		return packets(c, c->packets_to_target, buf);
	default:
		return packets(c, c->packets_to_client, buf);
	}
}

static void print_cell(FILE *out, const char *text, enum column col,
		       size_t width, bool last)
{
	if (col)
		fputs("  ", out);
	if (columns[col].right)
		fprintf(out, "%*s", (int)width, text);
	else if (last)
		fputs(text, out);
	else
		fprintf(out, "%-*s", (int)width, text);
}

static void widen(size_t *width, const char *text)
{
	size_t len = strlen(text);

	if (len > *width)
		*width = len;
}

/* The packet columns only when there is a UDP session to fill them. */
static size_t ncolumns(const struct lpx_conn_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (is_udp(&list->conns[i]))
			return NCOLUMNS;
	return COL_PKTS_TO_TARGET;
}

void lpx_conns_print(FILE *out, const struct lpx_conn_list *list,
		     unsigned int flags)
{
	size_t width[NCOLUMNS], n = ncolumns(list), i, col;
	char buf[CELL_MAX];

	for (col = 0; col < n; col++)
		width[col] = strlen(columns[col].title);
	for (i = 0; i < list->n; i++)
		for (col = 0; col < n; col++)
			widen(&width[col], cell(&list->conns[i], col, flags,
						buf));
	for (col = 0; col < n; col++)
		print_cell(out, columns[col].title, col, width[col],
			   col == n - 1);
	fputc('\n', out);
	for (i = 0; i < list->n; i++) {
		for (col = 0; col < n; col++)
			print_cell(out, cell(&list->conns[i], col, flags, buf),
				   col, width[col], col == n - 1);
		fputc('\n', out);
	}
}

/* ---- JSON ---- */

static void json_conn(FILE *out, const struct lpx_conn *c, bool first)
{
	char client[CELL_MAX], local[CELL_MAX], target[CELL_MAX];

	endpoint(&c->client, c->client_port, client, sizeof(client));
	endpoint(&c->local, c->local_port, local, sizeof(local));
	endpoint(&c->target, c->target_port, target, sizeof(target));
	fprintf(out, "%s{\"route\":%" PRIu32 ",\"protocol\":\"%s\""
		",\"client\":\"%s\",\"local\":\"%s\",\"target\":\"%s\""
		",\"state\":\"%s\",\"age_ms\":%" PRIu32 ",\"idle_ms\":%" PRIu32
		",\"bytes_to_target\":%" PRIu64 ",\"bytes_to_client\":%" PRIu64,
		first ? "" : ",", c->route_id, is_udp(c) ? "udp" : "tcp",
		client, local, target, state_name(c->state), c->age_ms,
		c->idle_ms, c->bytes_to_target, c->bytes_to_client);
	if (is_udp(c))
		fprintf(out, ",\"packets_to_target\":%" PRIu64
			",\"packets_to_client\":%" PRIu64,
			c->packets_to_target, c->packets_to_client);
	fputc('}', out);
}

void lpx_conns_print_json(FILE *out, const struct lpx_conn_list *list)
{
	size_t i;

	fputc('[', out);
	for (i = 0; i < list->n; i++)
		json_conn(out, &list->conns[i], !i);
	fputs("]\n", out);
}
