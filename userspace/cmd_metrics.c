// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl metrics [-o|--output FILE]: the counters of show in
 * Prometheus' text format, on standard output or replacing FILE whole
 * (lpx_metrics_write()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "errors.h"
#include "metrics.h"
#include "netlink.h"

static const struct lpx_cmd_spec spec = {
	.name = "metrics",
	.summary = "Print the counters of show in the Prometheus text format (0.0.4), one\n"
		   "series per route, for node_exporter's textfile collector.",
	.output = true,
};

static int write_file(const char *path, const struct lpx_config *cfg,
		      const struct lpx_route_stats *stats)
{
	if (!lpx_metrics_write(path, cfg, stats))
		return LPX_EXIT_OK;
	fprintf(stderr, "%s metrics: cannot write %s: %s\n", lpx_prog, path,
		strerror(errno));
	return LPX_EXIT_FAILURE;
}

int cmd_metrics(int argc, char **argv)
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
	if (lpx_cmd_dump_config(nl, &cfg, &stats))
		status = lpx_report_nl_error(LITEPX_CMD_ROUTE_GET, nl, NULL);
	else if (args.output)
		status = write_file(args.output, &cfg, stats);
	else
		lpx_metrics_print(stdout, &cfg, stats);
	free(stats);
	lpx_config_free(&cfg);
	lpx_nl_close(nl);
	return status;
}
