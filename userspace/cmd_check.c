// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl check [--json] FILE: validate a routes.yml without a kernel
 * and print it normalised, or print every problem on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"

static int usage(void)
{
	fprintf(stderr, "Usage: %s check [--json] FILE\n", lpx_prog);
	return LPX_EXIT_USAGE;
}

int cmd_check(int argc, char **argv)
{
	struct lpx_env env = { 0 };
	const char *path = NULL;
	struct lpx_config cfg;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !json)
			json = true;
		else if (argv[i][0] == '-' || path)
			return usage();
		else
			path = argv[i];
	}
	if (!path)
		return usage();
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
