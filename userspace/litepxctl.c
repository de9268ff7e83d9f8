// SPDX-License-Identifier: GPL-2.0
/*
 * litepxctl: configures the litepx kernel module. One file per
 * subcommand; this one only dispatches.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <linux/litepx.h>

#include "commands.h"

const char *lpx_prog = "litepxctl";

/* Where the running kernel tells the loaded module's MODULE_VERSION. */
#define MODULE_VERSION_PATH "/sys/module/litepx/version"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "check", cmd_check, "check [-j] FILE|-  validate FILE, print it normalised" },
	{ "load", cmd_load, "load FILE|-        validate FILE and apply it atomically" },
	{ "show", cmd_show, "show [-jabc]       the loaded configuration and counters" },
	{ "conns", cmd_conns, "conns [-jbrs]      relayed connections (root only)" },
	{ "metrics", cmd_metrics, "metrics [-o FILE]  the counters for Prometheus" },
	{ "flush", cmd_flush, "flush              remove every route" },
};

static const struct option options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: %s [-h|--help] [-V|--version] COMMAND [OPTIONS] [ARGS]\n\n"
		"Commands:\n", lpx_prog);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].help);
	fprintf(out, "  help               this text\n"
		"  version            the tool's and the loaded module's versions\n\n"
		"'%s COMMAND --help' describes COMMAND and its options.\n"
		"Exit status: 0 ok, 1 runtime failure, 2 bad usage or invalid config.\n"
		"See litepxctl(8) and routes.yml(5).\n", lpx_prog);
}

/* The module's version, or why there is none; never fails. */
static void print_module_version(void)
{
	char version[64];
	FILE *f = fopen(MODULE_VERSION_PATH, "r");

	if (!f) {
		printf("module: %s\n", errno == ENOENT ? "not loaded" : strerror(errno));
		return;
	}
	if (!fgets(version, sizeof(version), f))
		strcpy(version, "unknown\n");
	fclose(f);
	printf("module: %s", version);
	if (!strchr(version, '\n'))
		putchar('\n');
}

static int print_version(void)
{
	printf("litepxctl %s (netlink family %s v%d)\n", LITEPX_VERSION,
	       LITEPX_GENL_NAME, LITEPX_GENL_VERSION);
	print_module_version();
	return LPX_EXIT_OK;
}

int main(int argc, char **argv)
{
	const char *name;
	size_t i;
	int opt;

	/* "+": options after the command are the command's. */
	while ((opt = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return LPX_EXIT_OK;
		case 'V':
			return print_version();
		default:
			usage(stderr);
			return LPX_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return LPX_EXIT_USAGE;
	}
	name = argv[optind];
	if (!strcmp(name, "help")) {
		usage(stdout);
		return LPX_EXIT_OK;
	}
	if (!strcmp(name, "version"))
		return print_version();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - optind, argv + optind);
	fprintf(stderr, "%s: unknown command '%s'\n\n", lpx_prog, name);
	usage(stderr);
	return LPX_EXIT_USAGE;
}
