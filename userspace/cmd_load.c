// SPDX-License-Identifier: GPL-2.0
/* litepxctl load FILE: validate completely, then replace atomically. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "config.h"
#include "errors.h"
#include "netlink.h"

int cmd_load(int argc, char **argv)
{
	struct lpx_kernel_state state;
	struct lpx_env env = { 0 };
	struct lpx_config cfg;
	struct lpx_nl *nl;
	int status;

	if (argc != 2) {
		fprintf(stderr, "Usage: %s load FILE\n", lpx_prog);
		return LPX_EXIT_USAGE;
	}
	if (lpx_config_load(argv[1], &env, &cfg))
		return LPX_EXIT_USAGE;
	nl = lpx_open_or_report(&status);
	if (!nl) {
		lpx_config_free(&cfg);
		return status;
	}
	status = LPX_EXIT_OK;
	if (lpx_nl_config_set(nl, &cfg))
		status = lpx_report_nl_error(LITEPX_CMD_CONFIG_SET, nl, &cfg);
	else if (!lpx_nl_config_get(nl, &state)) {
		printf("loaded %s: %u routes, generation %u\n", argv[1],
		       state.nroutes, state.generation);
		free(state.opts.cpus);
	}
	lpx_nl_close(nl);
	lpx_config_free(&cfg);
	return status;
}
