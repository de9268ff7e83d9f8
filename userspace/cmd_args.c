// SPDX-License-Identifier: GPL-2.0
/*
 * Command line parsing shared by the subcommands: one getopt_long table,
 * of which each subcommand accepts the part its spec names, so that an
 * option means the same everywhere.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "conns.h"
#include "units.h"

/* A routes file larger than this is a mistake, not a configuration. */
#define STDIN_CONFIG_MAX (16u << 20)

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "all", no_argument, NULL, 'a' },
	{ "bytes", no_argument, NULL, 'b' },
	{ "config", no_argument, NULL, 'c' },
	{ "route", required_argument, NULL, 'r' },
	{ "sort", required_argument, NULL, 's' },
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

/* Each option but -h: its letter, synopsis and help line. */
static const struct {
	int letter;
	bool arg;		/* takes a value */
	const char *synopsis;
	const char *help;
} options[] = {
	{ 'j', false, " [-j|--json]",
	  "  -j, --json         print JSON instead of text\n" },
	{ 'a', false, " [-a|--all]",
	  "  -a, --all          show the counters that are zero too\n" },
	{ 'b', false, " [-b|--bytes]",
	  "  -b, --bytes        exact byte counts instead of KiB, MiB, ...\n" },
	{ 'c', false, " [-c|--config]",
	  "  -c, --config       print the configuration as a routes.yml that\n"
	  "                     check and load take back, and nothing else\n" },
	{ 'r', true, " [-r|--route ID]...",
	  "  -r, --route ID     only the connections of route ID; repeatable\n" },
	{ 's', true, " [-s|--sort KEY]",
	  "  -s, --sort KEY     sort by route, client, target (ascending),\n"
	  "                     age, idle or bytes (largest first)\n" },
	{ 'o', true, " [-o|--output FILE]",
	  "  -o, --output FILE  write to FILE atomically (a new file renamed\n"
	  "                     over it) instead of standard output\n" },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* Does the subcommand of spec take the option of letter? */
static bool takes(const struct lpx_cmd_spec *spec, int letter)
{
	switch (letter) {
	case 'j':
		return spec->json;
	case 'a':
		return spec->all;
	case 'b':
		return spec->bytes;
	case 'c':
		return spec->config;
	case 'r':
		return spec->route;
	case 's':
		return spec->sort;
	case 'o':
		return spec->output;
	default:
		return false;
	}
}

static void print_synopsis(FILE *out, const struct lpx_cmd_spec *spec)
{
	size_t i;

	fprintf(out, "Usage: %s %s [-h|--help]", lpx_prog, spec->name);
	for (i = 0; i < NOPTIONS; i++)
		if (takes(spec, options[i].letter))
			fputs(options[i].synopsis, out);
	fprintf(out, "%s\n", spec->file ? " FILE" : "");
}

static void print_help(FILE *out, const struct lpx_cmd_spec *spec)
{
	size_t i;

	print_synopsis(out, spec);
	fprintf(out, "\n%s\n", spec->summary);
	if (spec->file)
		fprintf(out, "FILE is a routes.yml (routes.yml(5)); - reads standard input.\n");
	fprintf(out, "\nOptions:\n");
	for (i = 0; i < NOPTIONS; i++)
		if (takes(spec, options[i].letter))
			fputs(options[i].help, out);
	fprintf(out, "  -h, --help         print this help and exit\n"
		"\nExit status: 0 ok, 1 runtime failure, 2 bad usage or invalid config.\n");
}

static int usage_error(const struct lpx_cmd_spec *spec)
{
	print_synopsis(stderr, spec);
	fprintf(stderr, "Try '%s %s --help'.\n", lpx_prog, spec->name);
	return LPX_EXIT_USAGE;
}

/* "+:h" and the letters spec takes, ':' after those with an argument. */
static void short_options(const struct lpx_cmd_spec *spec, char *buf)
{
	size_t i;

	buf = stpcpy(buf, "+:h");
	for (i = 0; i < NOPTIONS; i++) {
		if (!takes(spec, options[i].letter))
			continue;
		*buf++ = (char)options[i].letter;
		if (options[i].arg)
			*buf++ = ':';
	}
	*buf = '\0';
}

static int add_route(const struct lpx_cmd_spec *spec,
		     struct lpx_cmd_args *args, const char *text)
{
	uint64_t id;

	if (lpx_parse_uint(text, &id) || !id || id > UINT32_MAX) {
		fprintf(stderr, "%s %s: '%s' is not a route number\n",
			lpx_prog, spec->name, text);
		return usage_error(spec);
	}
	if (args->nroutes == LPX_CMD_MAX_ROUTES) {
		fprintf(stderr, "%s %s: at most %d routes\n", lpx_prog,
			spec->name, LPX_CMD_MAX_ROUTES);
		return usage_error(spec);
	}
	args->routes[args->nroutes++] = (uint32_t)id;
	return LPX_CMD_RUN;
}

static int set_sort(const struct lpx_cmd_spec *spec,
		    struct lpx_cmd_args *args, const char *text)
{
	args->sort = lpx_conn_sort_parse(text);
	if (args->sort >= 0)
		return LPX_CMD_RUN;
	fprintf(stderr, "%s %s: cannot sort by '%s'; by %s\n", lpx_prog,
		spec->name, text, lpx_conn_sort_names);
	return usage_error(spec);
}

/* One option getopt returned; LPX_CMD_RUN to go on. */
static int take_option(int opt, char **argv, const struct lpx_cmd_spec *spec,
		       struct lpx_cmd_args *args)
{
	if (opt == ':') {
		fprintf(stderr, "%s %s: '%s' needs a value\n", lpx_prog,
			spec->name, argv[optind - 1]);
		return usage_error(spec);
	}
	if (opt == 'j' && !spec->json) {
		fprintf(stderr, "%s %s: no JSON output\n", lpx_prog,
			spec->name);
		return usage_error(spec);
	}
	if (!takes(spec, opt)) {
		fprintf(stderr, "%s %s: unknown option '%s'\n", lpx_prog,
			spec->name, argv[optind - 1]);
		return usage_error(spec);
	}
	switch (opt) {
	case 'j':
		args->json = true;
		break;
	case 'a':
		args->all = true;
		break;
	case 'b':
		args->bytes = true;
		break;
	case 'c':
		args->config = true;
		break;
	case 'r':
		return add_route(spec, args, optarg);
	case 's':
		return set_sort(spec, args, optarg);
	case 'o':
		args->output = optarg;
		break;
	}
	return LPX_CMD_RUN;
}

int lpx_cmd_parse(int argc, char **argv, const struct lpx_cmd_spec *spec,
		  struct lpx_cmd_args *args)
{
	char shortopts[4 + 2 * NOPTIONS];
	int opt, status;

	memset(args, 0, sizeof(*args));
	short_options(spec, shortopts);
	/* 0, not 1: a fresh start for getopt after main's own parsing. */
	optind = 0;
	/* getopt's own message would name the command without litepxctl. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, long_options,
				  NULL)) != -1) {
		if (opt == 'h') {
			print_help(stdout, spec);
			return LPX_EXIT_OK;
		}
		status = take_option(opt, argv, spec, args);
		if (status != LPX_CMD_RUN)
			return status;
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
