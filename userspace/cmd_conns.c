// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl conns [-j|--json] [-b|--bytes] [-r|--route ID]... [-s|--sort
 * KEY]: the relayed TCP connections and UDP sessions of this namespace.
 * Needs CAP_NET_ADMIN: it shows client addresses.
 */
#include <stdio.h>

#include "commands.h"
#include "conns.h"
#include "errors.h"
#include "netlink.h"

static const struct lpx_cmd_spec spec = {
	.name = "conns",
	.summary = "List the TCP connections and UDP sessions litepx relays in this\n"
		   "network namespace. Needs CAP_NET_ADMIN.",
	.json = true,
	.bytes = true,
	.route = true,
	.sort = true,
};

static void print_conns(struct lpx_conn_list *list,
			const struct lpx_cmd_args *args)
{
	lpx_conn_list_filter(list, args->routes, args->nroutes);
	lpx_conn_list_sort(list, args->sort);
	if (args->json)
		lpx_conns_print_json(stdout, list);
	else
		lpx_conns_print(stdout, list,
				args->bytes ? LPX_CONNS_BYTES : 0);
}

int cmd_conns(int argc, char **argv)
{
	struct lpx_conn_list list = { 0 };
	struct lpx_cmd_args args;
	struct lpx_nl *nl;
	int status;

	status = lpx_cmd_parse(argc, argv, &spec, &args);
	if (status != LPX_CMD_RUN)
		return status;
	nl = lpx_open_or_report(&status);
	if (!nl)
		return status;
	status = LPX_EXIT_OK;
	if (lpx_nl_conn_dump(nl, lpx_conn_list_add, &list))
		status = lpx_report_nl_error(LITEPX_CMD_CONN_GET, nl, NULL);
	else
		print_conns(&list, &args);
	lpx_conn_list_free(&list);
	lpx_nl_close(nl);
	return status;
}
