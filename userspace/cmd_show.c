// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl show [-j|--json] [-a|--all] [-b|--bytes] [-c|--config]: the
 * configuration the module holds, printed the way `check` prints a file
 * so the two can be compared, with each route's counters in its block;
 * or, with --config, as a routes.yml that loads to the same state.
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "config.h"
#include "errors.h"
#include "netlink.h"
#include "show.h"

/* A dump that raced with a reload is retried; the third try stands. */
#define SHOW_DUMP_TRIES 3

int lpx_cmd_dump_config(struct lpx_nl *nl, struct lpx_config *cfg,
			struct lpx_route_stats **stats)
{
	bool interrupted = true;
	int tries, err = 0;

	for (tries = 0; interrupted && tries < SHOW_DUMP_TRIES; tries++) {
		if (tries) {
			lpx_config_free(cfg);
			free(*stats);
		}
		err = lpx_nl_config_dump(nl, cfg, stats, &interrupted);
		if (err)
			return err;
	}
	return 0;
}

static void print_show(const struct lpx_config *cfg,
		       const struct lpx_route_stats *stats,
		       const struct lpx_cmd_args *args)
{
	unsigned int flags = 0;

	if (args->config) {
		lpx_config_print_yaml(stdout, cfg);
		return;
	}
	if (args->json) {
		lpx_show_print_json(stdout, cfg, stats);
		return;
	}
	if (args->all)
		flags |= LPX_SHOW_ALL;
	if (args->bytes)
		flags |= LPX_SHOW_BYTES;
	lpx_show_print(stdout, cfg, stats, flags);
}

static const struct lpx_cmd_spec spec = {
	.name = "show",
	.summary = "Print the configuration the module holds for this network namespace,\n"
		   "as check prints a file, with each route's counters (those at zero\n"
		   "left out). --config prints it as a routes.yml instead.",
	.json = true,
	.all = true,
	.bytes = true,
	.config = true,
};

/* --config is a file, not a view of one: it takes no other option. */
static bool options_conflict(const struct lpx_cmd_args *args)
{
	if (!args->config || !(args->json || args->all || args->bytes))
		return false;
	fprintf(stderr, "%s show: --config takes no other option\n",
		lpx_prog);
	return true;
}

int cmd_show(int argc, char **argv)
{
	struct lpx_route_stats *stats = NULL;
	struct lpx_cmd_args args;
	struct lpx_config cfg;
	struct lpx_nl *nl;
	int status;

	status = lpx_cmd_parse(argc, argv, &spec, &args);
	if (status != LPX_CMD_RUN)
		return status;
	if (options_conflict(&args))
		return LPX_EXIT_USAGE;
	nl = lpx_open_or_report(&status);
	if (!nl)
		return status;
	status = LPX_EXIT_OK;
	if (lpx_cmd_dump_config(nl, &cfg, &stats))
		status = lpx_report_nl_error(LITEPX_CMD_ROUTE_GET, nl, NULL);
	else
		print_show(&cfg, stats, &args);
	free(stats);
	lpx_config_free(&cfg);
	lpx_nl_close(nl);
	return status;
}
