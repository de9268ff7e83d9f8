// SPDX-License-Identifier: GPL-2.0
/* litepxctl load FILE|-: validate completely, then replace atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "errors.h"
#include "netlink.h"

static const struct lpx_cmd_spec spec = {
	.name = "load",
	.summary = "Validate FILE completely, then replace the kernel's configuration\n"
		   "with it atomically: all or nothing. Needs CAP_NET_ADMIN.",
	.file = true,
};

int cmd_load(int argc, char **argv)
{
	struct lpx_cmd_args args;
	struct lpx_kernel_state state;
	struct lpx_env env = { 0 };
	struct lpx_config cfg;
	struct lpx_nl *nl;
	int status;

	status = lpx_cmd_parse(argc, argv, &spec, &args);
	if (status != LPX_CMD_RUN)
		return status;
	if (lpx_cmd_load_config(args.path, &env, &cfg))
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
		printf("loaded %s: %u routes, generation %u\n",
		       strcmp(args.path, "-") ? args.path : LPX_STDIN_NAME,
		       state.nroutes, state.generation);
		free(state.opts.cpus);
	}
	lpx_nl_close(nl);
	lpx_config_free(&cfg);
	return status;
}
