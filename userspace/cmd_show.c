// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl show [-j|--json]: the configuration the module holds, printed
 * the way `check` prints a file so the two can be compared, followed by
 * each route's counters.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "errors.h"
#include "netlink.h"

/* A dump that raced with a reload is retried; the third try stands. */
#define SHOW_DUMP_TRIES 3

static int dump_config(struct lpx_nl *nl, struct lpx_config *cfg,
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

static void print_counters(const struct lpx_route_stats *stats, size_t n)
{
	size_t i, j;

	printf("\ncounters:\n");
	for (i = 0; i < n; i++) {
		printf("  route %" PRIu32 ": active %" PRIu32
		       " sessions_active %" PRIu32, stats[i].id,
		       stats[i].active, stats[i].sessions_active);
		for (j = 0; j < LPX_NCOUNTERS; j++)
			printf(" %s %" PRIu64, lpx_counter_names[j],
			       stats[i].counters[j]);
		printf("\n");
	}
}

static void print_counters_json(const struct lpx_route_stats *stats, size_t n)
{
	size_t i, j;

	printf(",\"counters\":[");
	for (i = 0; i < n; i++) {
		printf("%s{\"route\":%" PRIu32 ",\"active\":%" PRIu32
		       ",\"sessions_active\":%" PRIu32,
		       i ? "," : "", stats[i].id, stats[i].active,
		       stats[i].sessions_active);
		for (j = 0; j < LPX_NCOUNTERS; j++)
			printf(",\"%s\":%" PRIu64, lpx_counter_names[j],
			       stats[i].counters[j]);
		printf("}");
	}
	printf("]}\n");
}

static void print_show(const struct lpx_config *cfg,
		       const struct lpx_route_stats *stats, bool json)
{
	if (json) {
		printf("{\"config\":");
		fflush(stdout);
		lpx_config_print_json(stdout, cfg);
		print_counters_json(stats, cfg->nroutes);
		return;
	}
	lpx_config_print(stdout, cfg);
	print_counters(stats, cfg->nroutes);
}

static const struct lpx_cmd_spec spec = {
	.name = "show",
	.summary = "Print the configuration the module holds for this network namespace,\n"
		   "as check prints a file, and each route's counters.",
	.json = true,
};

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
	nl = lpx_open_or_report(&status);
	if (!nl)
		return status;
	status = LPX_EXIT_OK;
	if (dump_config(nl, &cfg, &stats))
		status = lpx_report_nl_error(LITEPX_CMD_ROUTE_GET, nl, NULL);
	else
		print_show(&cfg, stats, args.json);
	free(stats);
	lpx_config_free(&cfg);
	lpx_nl_close(nl);
	return status;
}
