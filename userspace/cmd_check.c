// SPDX-License-Identifier: GPL-2.0
/* litepxctl check [--json] FILE: validate without a kernel. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"

int cmd_check(int argc, char **argv)
{
	struct lpx_env env = { 0 };
	struct lpx_config cfg;
	bool json = false;
	const char *path;

	if (argc == 3 && !strcmp(argv[1], "--json"))
		json = true;
	if (argc != 2 + json) {
		fprintf(stderr, "Usage: %s check [--json] FILE\n", lpx_prog);
		return LPX_EXIT_USAGE;
	}
	path = argv[argc - 1];
	if (lpx_config_load(path, &env, &cfg))
		return LPX_EXIT_USAGE;
	if (json) {
		lpx_config_print_json(stdout, &cfg);
		fputc('\n', stdout);
	} else {
		lpx_config_print(stdout, &cfg);
	}
	lpx_config_free(&cfg);
	return LPX_EXIT_OK;
}
