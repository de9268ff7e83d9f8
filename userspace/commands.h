/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One function per subcommand. Each gets argv with argv[0] = its name
 * and returns the exit status: 0 ok, 1 runtime failure, 2 bad usage or
 * invalid configuration.
 */
#ifndef LITEPX_COMMANDS_H
#define LITEPX_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define LPX_EXIT_OK		0
#define LPX_EXIT_FAILURE	1
#define LPX_EXIT_USAGE		2

/* lpx_cmd_parse's "go on": not an exit status. */
#define LPX_CMD_RUN		(-1)

/* How the file "-" (standard input) is named in messages. */
#define LPX_STDIN_NAME		"<stdin>"

extern const char *lpx_prog;

/* How many -r/--route a command line may give. */
#define LPX_CMD_MAX_ROUTES	16

/* What a subcommand takes besides -h/--help, and its one-line summary. */
struct lpx_cmd_spec {
	const char *name;
	const char *summary;
	bool json;		/* -j/--json */
	bool all;		/* -a/--all */
	bool bytes;		/* -b/--bytes */
	bool config;		/* -c/--config */
	bool route;		/* -r/--route ID, repeatable */
	bool sort;		/* -s/--sort KEY */
	bool output;		/* -o/--output FILE */
	bool file;		/* exactly one FILE operand; - is stdin */
};

struct lpx_cmd_args {
	bool json;
	bool all;
	bool bytes;
	bool config;
	int sort;		/* enum lpx_conn_sort */
	uint32_t routes[LPX_CMD_MAX_ROUTES];
	size_t nroutes;
	const char *path;
	const char *output;	/* NULL: standard output */
};

/*
 * Parses a subcommand's argv (argv[0] its name). Returns LPX_CMD_RUN when
 * the command should go on with *args; otherwise the exit status: 0 after
 * --help (printed to stdout), 2 after a usage error (said on stderr).
 */
int lpx_cmd_parse(int argc, char **argv, const struct lpx_cmd_spec *spec,
		  struct lpx_cmd_args *args);

/* lpx_config_load(), with "-" meaning standard input. */
int lpx_cmd_load_config(const char *path, const struct lpx_env *env,
			struct lpx_config *cfg);

int cmd_check(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_flush(int argc, char **argv);
int cmd_conns(int argc, char **argv);
int cmd_metrics(int argc, char **argv);

struct lpx_nl;
struct lpx_route_stats;

/*
 * The route dump into cfg and *stats (cfg->nroutes entries), tried again
 * when a reload raced with it; the third try stands. 0 or the dump's
 * error; the caller frees both either way, as after any dump.
 */
int lpx_cmd_dump_config(struct lpx_nl *nl, struct lpx_config *cfg,
			struct lpx_route_stats **stats);

#endif /* LITEPX_COMMANDS_H */
