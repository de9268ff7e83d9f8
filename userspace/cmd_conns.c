// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl conns [-j|--json]: the relayed TCP connections and UDP sessions
 * of this namespace. Needs CAP_NET_ADMIN: it shows client addresses.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "commands.h"
#include "config.h"
#include "errors.h"
#include "netlink.h"

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

struct conns_out {
	bool json;
	size_t count;
};

static int print_conn(const struct lpx_conn *c, void *arg)
{
	char client[64], local[64], target[64];
	struct conns_out *out = arg;

	endpoint(&c->client, c->client_port, client, sizeof(client));
	endpoint(&c->local, c->local_port, local, sizeof(local));
	endpoint(&c->target, c->target_port, target, sizeof(target));
	bool udp = c->protocol == LITEPX_PROTO_UDP;

	if (out->json) {
		printf("%s{\"route\":%" PRIu32 ",\"protocol\":\"%s\",\"client\":\"%s\",\"local\":\"%s\",\"target\":\"%s\",\"state\":\"%s\",\"age_ms\":%" PRIu32 ",\"idle_ms\":%" PRIu32 ",\"bytes_to_target\":%" PRIu64 ",\"bytes_to_client\":%" PRIu64,
		       out->count ? "," : "", c->route_id, udp ? "udp" : "tcp",
		       client, local, target, state_name(c->state), c->age_ms,
		       c->idle_ms, c->bytes_to_target, c->bytes_to_client);
		if (udp)
			printf(",\"packets_to_target\":%" PRIu64 ",\"packets_to_client\":%" PRIu64,
			       c->packets_to_target, c->packets_to_client);
		printf("}");
	} else {
		printf("%-5" PRIu32 " %-3s %-40s %-40s %-40s %-10s %8" PRIu32 " %8" PRIu32 " %12" PRIu64 " %12" PRIu64,
		       c->route_id, udp ? "udp" : "tcp", client, local, target,
		       state_name(c->state), c->age_ms, c->idle_ms,
		       c->bytes_to_target, c->bytes_to_client);
		if (udp)
			printf(" %10" PRIu64 " %10" PRIu64, c->packets_to_target,
			       c->packets_to_client);
		printf("\n");
	}
	out->count++;
	return 0;
}

static const struct lpx_cmd_spec spec = {
	.name = "conns",
	.summary = "List the TCP connections and UDP sessions litepx relays in this\n"
		   "network namespace. Needs CAP_NET_ADMIN.",
	.json = true,
};

int cmd_conns(int argc, char **argv)
{
	struct conns_out out = { 0 };
	struct lpx_cmd_args args;
	struct lpx_nl *nl;
	int status, err;

	status = lpx_cmd_parse(argc, argv, &spec, &args);
	if (status != LPX_CMD_RUN)
		return status;
	out.json = args.json;
	nl = lpx_open_or_report(&status);
	if (!nl)
		return status;
	if (out.json)
		printf("[");
	else
		printf("%-5s %-3s %-40s %-40s %-40s %-10s %8s %8s %12s %12s %10s %10s\n",
		       "route", "pro", "client", "local", "target", "state",
		       "age_ms", "idle_ms", "to_target", "to_client",
		       "pkts_to_t", "pkts_to_c");
	err = lpx_nl_conn_dump(nl, print_conn, &out);
	if (out.json)
		printf("]\n");
	status = err ? lpx_report_nl_error(LITEPX_CMD_CONN_GET, nl, NULL) :
		       LPX_EXIT_OK;
	lpx_nl_close(nl);
	return status;
}
