/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the routes.yml loader: its state, the YAML walk and its
 * diagnostics (yaml_walk.c), and the steps config.c runs in order.
 * Not for the commands: they use load.h.
 */
#ifndef LITEPX_LOADER_H
#define LITEPX_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <yaml.h>

#include "load.h"
#include "model.h"

/* Key paths: "routes[65536].dest_port_range.from" and the like. */
#define PATH_MAX_LEN	128
#define QUOTE_MAX	40		/* characters of a value quoted */
#define QUOTE_BUF	(QUOTE_MAX * 4 + 8)	/* each may become "\xNN" */

struct loader {
	const char *name;		/* file name for messages */
	FILE *err;
	const struct lpx_env *env;
	yaml_document_t doc;
	struct lpx_config *cfg;
	bool *listeners_ok;		/* per route: ports, protocol, listen ok */
	unsigned int ncpus_present;	/* 0 until first needed */
	unsigned int errors;
};

struct key {
	const char *name;
	yaml_node_t *value;		/* set by walk_mapping */
	yaml_node_t *key;
};

#define KEY(n) { .name = (n) }
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- diagnostics (yaml_walk.c) ---- */

void report(struct loader *ld, const yaml_node_t *node,
	    const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void report_at(struct loader *ld, const struct lpx_mark *mark,
	       const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct lpx_mark mark_of(const yaml_node_t *node);
const char *quote_text(const char *text, size_t len, char *buf,
		       size_t size);
const char *scalar(const yaml_node_t *node);
const char *quote(const yaml_node_t *node, char *buf);
yaml_node_t *node_at(struct loader *ld, int index);
bool is_null(const yaml_node_t *node);
void describe(const yaml_node_t *node, char *buf, size_t len);
bool expect_type(struct loader *ld, const yaml_node_t *node,
		 const char *path, yaml_node_type_t type,
		 const char *what);

/* ---- values (yaml_walk.c) ---- */

bool get_uint(struct loader *ld, const yaml_node_t *node,
	      const char *path, uint64_t min, uint64_t max,
	      uint64_t *out);
bool get_u32(struct loader *ld, const yaml_node_t *node,
	     const char *path, uint32_t min, uint32_t max,
	     uint32_t *out);
bool get_port(struct loader *ld, const yaml_node_t *node,
	      const char *path, uint16_t *out);
void get_duration(struct loader *ld, const yaml_node_t *node,
		  const char *path, uint32_t *out);
bool get_size(struct loader *ld, const yaml_node_t *node,
	      const char *path, uint64_t max, uint64_t *out);
bool get_word(struct loader *ld, const yaml_node_t *node,
	      const char *path, const char *const *names, size_t n,
	      const char *expected, unsigned int *out);

/* ---- mappings (yaml_walk.c) ---- */

bool walk_mapping(struct loader *ld, yaml_node_t *node,
		  const char *path, struct key *keys, size_t nkeys);
const char *join(char *buf, const char *path, const char *name);

/* ---- the steps, in the order config.c takes them ---- */

void parse_routes(struct loader *ld, yaml_node_t *node);
void parse_options(struct loader *ld, yaml_node_t *node,
		   struct lpx_options *o);
void parse_security(struct loader *ld, yaml_node_t *node,
		    struct lpx_options *o);
void parse_performance(struct loader *ld, yaml_node_t *node,
		       struct lpx_options *o);
/* Needs every route parsed: reports routes whose listeners collide. */
void check_overlaps(struct loader *ld);
/* Only when all else passed, so that a typo never costs a DNS lookup. */
void resolve_routes(struct loader *ld);

/* An address literal of either family (routes.c). */
bool parse_ip(const char *text, struct lpx_addr *addr);

#endif /* LITEPX_LOADER_H */
