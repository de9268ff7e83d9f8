// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl show [--json]: the configuration the module holds, printed
 * the way `check` prints a file, so the two can be compared.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "errors.h"
#include "netlink.h"

/* A dump that raced with a reload is retried; the third try stands. */
#define SHOW_DUMP_TRIES 3

static int dump_config(struct lpx_nl *nl, struct lpx_config *cfg)
{
	bool interrupted = true;
	int tries, err = 0;

	for (tries = 0; interrupted && tries < SHOW_DUMP_TRIES; tries++) {
		if (tries)
			lpx_config_free(cfg);
		err = lpx_nl_config_dump(nl, cfg, &interrupted);
		if (err)
			return err;
	}
	return 0;
}

int cmd_show(int argc, char **argv)
{
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	struct lpx_config cfg;
	struct lpx_nl *nl;
	int status;

	if (argc > 2 || (argc == 2 && !json)) {
		fprintf(stderr, "Usage: %s show [--json]\n", lpx_prog);
		return LPX_EXIT_USAGE;
	}
	nl = lpx_open_or_report(&status);
	if (!nl)
		return status;
	if (dump_config(nl, &cfg)) {
		status = lpx_report_nl_error(LITEPX_CMD_ROUTE_GET, nl, NULL);
		lpx_config_free(&cfg);
		lpx_nl_close(nl);
		return status;
	}
	if (json)
		lpx_config_print_json(stdout, &cfg);
	else
		lpx_config_print(stdout, &cfg);
	lpx_config_free(&cfg);
	lpx_nl_close(nl);
	return LPX_EXIT_OK;
}
