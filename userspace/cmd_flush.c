// SPDX-License-Identifier: GPL-2.0
/* litepxctl flush: remove the whole configuration of this namespace. */
#include <stdio.h>

#include "commands.h"
#include "errors.h"
#include "netlink.h"

static const struct lpx_cmd_spec spec = {
	.name = "flush",
	.summary = "Remove every route of this network namespace; their listeners close\n"
		   "and their connections end. Needs CAP_NET_ADMIN.",
};

int cmd_flush(int argc, char **argv)
{
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
	if (lpx_nl_flush(nl))
		status = lpx_report_nl_error(LITEPX_CMD_FLUSH, nl, NULL);
	lpx_nl_close(nl);
	return status;
}
