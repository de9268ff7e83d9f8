// SPDX-License-Identifier: GPL-2.0
/* litepxctl flush: remove the whole configuration of this namespace. */
#include <stdio.h>

#include "commands.h"
#include "errors.h"
#include "netlink.h"

int cmd_flush(int argc, char **argv)
{
	struct lpx_nl *nl;
	int status;

	if (argc != 1) {
		fprintf(stderr, "Usage: %s flush\n", lpx_prog);
		return LPX_EXIT_USAGE;
	}
	nl = lpx_open_or_report(&status);
	if (!nl)
		return status;
	status = LPX_EXIT_OK;
	if (lpx_nl_flush(nl))
		status = lpx_report_nl_error(LITEPX_CMD_FLUSH, nl, NULL);
	lpx_nl_close(nl);
	return status;
}
