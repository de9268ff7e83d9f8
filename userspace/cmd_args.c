// SPDX-License-Identifier: GPL-2.0
/*
 * Command line parsing shared by the subcommands: one getopt_long table,
 * of which each subcommand accepts the part its spec names, so that
 * -h/--help and -j/--json mean the same everywhere.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

/* A routes file larger than this is a mistake, not a configuration. */
#define STDIN_CONFIG_MAX (16u << 20)

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 },
};

static void print_synopsis(FILE *out, const struct lpx_cmd_spec *spec)
{
	fprintf(out, "Usage: %s %s [-h|--help]%s%s\n", lpx_prog, spec->name,
		spec->json ? " [-j|--json]" : "", spec->file ? " FILE" : "");
}

static void print_help(FILE *out, const struct lpx_cmd_spec *spec)
{
	print_synopsis(out, spec);
	fprintf(out, "\n%s\n", spec->summary);
	if (spec->file)
		fprintf(out, "FILE is a routes.yml (routes.yml(5)); - reads standard input.\n");
	fprintf(out, "\nOptions:\n");
	if (spec->json)
		fprintf(out, "  -j, --json   print JSON instead of text\n");
	fprintf(out, "  -h, --help   print this help and exit\n"
		"\nExit status: 0 ok, 1 runtime failure, 2 bad usage or invalid config.\n");
}

static int usage_error(const struct lpx_cmd_spec *spec)
{
	print_synopsis(stderr, spec);
	fprintf(stderr, "Try '%s %s --help'.\n", lpx_prog, spec->name);
	return LPX_EXIT_USAGE;
}

int lpx_cmd_parse(int argc, char **argv, const struct lpx_cmd_spec *spec,
		  struct lpx_cmd_args *args)
{
	const char *shortopts = spec->json ? "+hj" : "+h";
	int opt;

	memset(args, 0, sizeof(*args));
	/* 0, not 1: a fresh start for getopt after main's own parsing. */
	optind = 0;
	/* getopt's own message would name the command without litepxctl. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, long_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			print_help(stdout, spec);
			return LPX_EXIT_OK;
		case 'j':
			if (spec->json) {
				args->json = true;
				break;
			}
			fprintf(stderr, "%s %s: no JSON output\n", lpx_prog,
				spec->name);
			return usage_error(spec);
		default:
			fprintf(stderr, "%s %s: unknown option '%s'\n", lpx_prog,
				spec->name, argv[optind - 1]);
			return usage_error(spec);
		}
	}
	if (spec->file) {
		if (argc - optind != 1)
			return usage_error(spec);
		args->path = argv[optind];
	} else if (optind != argc) {
		return usage_error(spec);
	}
	return LPX_CMD_RUN;
}

static char *read_stdin(size_t *len)
{
	size_t size = 4096, used = 0, n;
	char *buf = malloc(size), *bigger;

	while (buf) {
		n = fread(buf + used, 1, size - used, stdin);
		used += n;
		if (used < size) {
			if (ferror(stdin))
				break;
			*len = used;
			return buf;
		}
		if (size >= STDIN_CONFIG_MAX) {
			errno = EFBIG;
			break;
		}
		size *= 2;
		bigger = realloc(buf, size);
		if (!bigger)
			break;
		buf = bigger;
	}
	free(buf);
	return NULL;
}

int lpx_cmd_load_config(const char *path, const struct lpx_env *env,
			struct lpx_config *cfg)
{
	size_t len;
	char *buf;
	int err;

	if (strcmp(path, "-"))
		return lpx_config_load(path, env, cfg);
	buf = read_stdin(&len);
	if (!buf) {
		fprintf(stderr, "%s: standard input: %s\n", lpx_prog,
			strerror(errno));
		return -1;
	}
	err = lpx_config_load_buffer(LPX_STDIN_NAME, buf, len, env, cfg);
	free(buf);
	return err;
}
