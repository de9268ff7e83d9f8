// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl: configures the litepx kernel module. One file per
 * subcommand; this one only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include <linux/litepx.h>

#include "commands.h"

const char *lpx_prog = "litepxctl";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "check", cmd_check, "check [--json] FILE   validate FILE, print it normalised" },
	{ "load", cmd_load, "load FILE             validate FILE and apply it atomically" },
	{ "show", cmd_show, "show [--json]         the loaded configuration" },
	{ "conns", cmd_conns, "conns [--json]        relayed connections (root only)" },
	{ "flush", cmd_flush, "flush                 remove every route" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: %s COMMAND [ARGS]\n\nCommands:\n", lpx_prog);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].help);
	fprintf(out, "  help                  this text\n  version               the tool's version\n\n"
		"Exit status: 0 ok, 1 runtime failure, 2 bad usage or invalid config.\n"
		"See litepxctl(8).\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return LPX_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return LPX_EXIT_OK;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("litepxctl %s (netlink family %s v%d)\n", LITEPX_VERSION,
		       LITEPX_GENL_NAME, LITEPX_GENL_VERSION);
		return LPX_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n\n", lpx_prog, argv[1]);
	usage(stderr);
	return LPX_EXIT_USAGE;
}
