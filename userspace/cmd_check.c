// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl check [-j|--json] FILE|-: validate a routes.yml without a kernel
 * and print it normalised, or print every problem on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"

static const struct lpx_cmd_spec spec = {
	.name = "check",
	.summary = "Validate FILE without a kernel and print it normalised, or print\n"
		   "every problem on stderr.",
	.json = true,
	.file = true,
};

int cmd_check(int argc, char **argv)
{
	struct lpx_env env = { 0 };
	struct lpx_cmd_args args;
	struct lpx_config cfg;
	int status;

	status = lpx_cmd_parse(argc, argv, &spec, &args);
	if (status != LPX_CMD_RUN)
		return status;
	if (lpx_cmd_load_config(args.path, &env, &cfg))
		return LPX_EXIT_USAGE;
	if (args.json) {
		lpx_config_print_json(stdout, &cfg);
		fputc('\n', stdout);
	} else {
		lpx_config_print(stdout, &cfg);
	}
	lpx_config_free(&cfg);
	return LPX_EXIT_OK;
}
