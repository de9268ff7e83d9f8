/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading routes.yml into the model: the YAML walk (yaml_walk.c),
 * options (options.c), routes and overlaps (routes.c, overlap.c), name
 * resolution (resolve.c), the document as a whole (config.c).
 */
#ifndef LITEPX_LOAD_H
#define LITEPX_LOAD_H

#include <stddef.h>
#include <stdio.h>

#include "model.h"

/*
 * Resolves one host name to every A and AAAA address, at most max.
 * Returns the count, or a negative value and sets *why to a static
 * message. Injectable so that tests need no DNS.
 */
typedef int (*lpx_resolver_fn)(const char *host, struct lpx_addr *out,
			       size_t max, const char **why);

/* The resolver used when lpx_env.resolve is NULL: getaddrinfo(). */
int lpx_resolve_default(const char *host, struct lpx_addr *out, size_t max,
			const char **why);

struct lpx_env {
	lpx_resolver_fn resolve;	/* NULL: getaddrinfo() */
	unsigned int ncpus_present;	/* 0: ask the running system */
	FILE *err;			/* where diagnostics go; NULL: stderr */
};

/*
 * Parses and validates path completely: schema, types, ranges, overlaps,
 * then resolves every dest_host and checks cpu_affinity. On any error
 * prints one line per problem as "path:line:col: key: message" and
 * returns -1 with *cfg freed; on success returns 0.
 */
int lpx_config_load(const char *path, const struct lpx_env *env,
		    struct lpx_config *cfg);

/* The same from a buffer; name stands for the file in messages. */
int lpx_config_load_buffer(const char *name, const char *buf, size_t len,
			   const struct lpx_env *env, struct lpx_config *cfg);

/* Every option at the default a file that leaves it out gets. */
void lpx_options_set_defaults(struct lpx_options *o);

#endif /* LITEPX_LOAD_H */
