// SPDX-License-Identifier: GPL-2.0
/*
 * routes.yml to struct lpx_config, with libyaml's document API: the
 * document as a whole and the order of the steps. The YAML walk and its
 * diagnostics are in yaml_walk.c, the sections in options.c and
 * routes.c, the overlap check in overlap.c, name resolution in
 * resolve.c; loader.h is what they share.
 *
 * Every problem is reported as "file:line:col: key.path: message" from the
 * node's mark, and all of a file's problems are reported, not only the
 * first. Nothing is returned unless the whole file is valid. The order:
 * YAML syntax and nesting; then the schema (keys, types, ranges, route
 * rules, CPUs) and overlapping listeners; then, only when all of that
 * passed, name resolution, so that a typo never costs a DNS lookup.
 *
 * Aliases are refused where they appear: libyaml would turn them into
 * nodes shared by several places, whose marks then point at the anchor
 * rather than at the place with the problem, and a self-referencing one
 * would be a cycle. Besides, nothing here walks the tree generically:
 * every descent follows the schema, at most four levels deep.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "loader.h"

#define MAX_DEPTH	64		/* nesting accepted from the file */
#define FILE_MAX	(64 << 20)	/* a routes.yml is never this big */

static void parse_root(struct loader *ld, yaml_node_t *root)
{
	enum { ROUTES, OPTIONS, SECURITY, PERFORMANCE };
	struct key keys[] = {
		[ROUTES] = KEY("routes"),
		[OPTIONS] = KEY("options"),
		[SECURITY] = KEY("security"),
		[PERFORMANCE] = KEY("performance"),
	};

	if (root->type != YAML_MAPPING_NODE) {
		report(ld, root, NULL, "expected a mapping at the top level");
		return;
	}
	walk_mapping(ld, root, "", keys, ARRAY_LEN(keys));
	if (!keys[ROUTES].value)
		report(ld, NULL, NULL, "missing 'routes'");
	else
		parse_routes(ld, keys[ROUTES].value);
	if (keys[OPTIONS].value)
		parse_options(ld, keys[OPTIONS].value, &ld->cfg->opts);
	if (keys[SECURITY].value)
		parse_security(ld, keys[SECURITY].value, &ld->cfg->opts);
	if (keys[PERFORMANCE].value)
		parse_performance(ld, keys[PERFORMANCE].value, &ld->cfg->opts);
	if (ld->cfg->nroutes)
		check_overlaps(ld);
	if (!ld->errors)
		resolve_routes(ld);
}

static void syntax_error(struct loader *ld, const yaml_parser_t *parser)
{
	const yaml_mark_t *m = &parser->problem_mark;

	/* Some problems carry only the mark of their context. */
	if (!m->line && !m->column && parser->context)
		m = &parser->context_mark;
	fprintf(ld->err, "%s:%zu:%zu: YAML syntax error: %s%s%s\n", ld->name,
		m->line + 1, m->column + 1,
		parser->problem ? parser->problem : "unknown problem",
		parser->context ? " " : "",
		parser->context ? parser->context : "");
	ld->errors++;
}

struct stream_state {
	unsigned int depth;
	unsigned int documents;
};

/*
 * One parser event: false when reading on would be pointless (too deep
 * or a second document). An alias is reported at its own place, and the
 * stream read on to find the others.
 */
static bool check_event(struct loader *ld, const yaml_event_t *event,
			struct stream_state *st)
{
	const yaml_node_t at = { .start_mark = event->start_mark };
	char q[QUOTE_BUF];
	const char *anchor;

	switch (event->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++st->documents == 1)
			return true;
		report(ld, &at, NULL,
		       "a second YAML document; routes.yml holds one");
		return false;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++st->depth <= MAX_DEPTH)
			return true;
		report(ld, &at, NULL, "nesting deeper than %d levels",
		       MAX_DEPTH);
		return false;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		st->depth--;
		return true;
	case YAML_ALIAS_EVENT:
		anchor = (const char *)event->data.alias.anchor;
		report(ld, &at, NULL,
		       "aliases (*%s) are not supported; write the value out",
		       quote_text(anchor, strlen(anchor), q, sizeof(q)));
		return true;
	default:
		return true;
	}
}

/*
 * Checks the event stream before the document is composed: refuses deep
 * nesting (no routes.yml needs more than five levels, and a deep one
 * only costs memory and time), aliases, and a second document, which
 * yaml_parser_load() would silently leave unread.
 */
static bool events_ok(struct loader *ld, const char *buf, size_t len)
{
	struct stream_state st = { 0 };
	unsigned int before = ld->errors;
	yaml_parser_t parser;
	yaml_event_t event;
	bool more = true;

	if (!yaml_parser_initialize(&parser)) {
		report(ld, NULL, NULL, "out of memory");
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (more) {
		if (!yaml_parser_parse(&parser, &event)) {
			syntax_error(ld, &parser);
			break;
		}
		more = check_event(ld, &event, &st) &&
		       event.type != YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return ld->errors == before;
}

void lpx_options_set_defaults(struct lpx_options *o)
{
	memset(o, 0, sizeof(*o));
	o->worker_threads = LITEPX_DEFAULT_WORKER_THREADS;
	o->idle_timeout_ms = LITEPX_DEFAULT_IDLE_TIMEOUT;
	o->connect_timeout_ms = LITEPX_DEFAULT_CONNECT_TIMEOUT;
	o->shutdown_timeout_ms = LITEPX_DEFAULT_SHUTDOWN_TIMEOUT;
	o->log_level = LITEPX_DEFAULT_LOG_LEVEL;
	o->tcp_conn_limit = LITEPX_DEFAULT_TCP_CONN_LIMIT;
	o->tcp_conn_ip_limit = LITEPX_DEFAULT_TCP_CONN_IP_LIMIT;
	o->udp_session_limit = LITEPX_DEFAULT_UDP_SESSION_LIMIT;
	o->udp_session_ip_limit = LITEPX_DEFAULT_UDP_SESSION_IP_LIMIT;
	o->udp_pps_ip_limit = LITEPX_DEFAULT_UDP_PPS_IP_LIMIT;
	o->udp_bps_ip_limit = LITEPX_DEFAULT_UDP_BPS_IP_LIMIT;
	o->ipv6_prefix = LITEPX_DEFAULT_IPV6_PREFIX;
	o->rcvbuf = LITEPX_DEFAULT_RCVBUF;
	o->sndbuf = LITEPX_DEFAULT_SNDBUF;
}

static void load_document(struct loader *ld, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_node_t *root;

	if (!events_ok(ld, buf, len))
		return;
	if (!yaml_parser_initialize(&parser)) {
		report(ld, NULL, NULL, "out of memory");
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &ld->doc)) {
		syntax_error(ld, &parser);
		yaml_parser_delete(&parser);
		return;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&ld->doc);
	if (!root || is_null(root))
		report(ld, NULL, NULL,
		       "the file is empty; expected a mapping with 'routes'");
	else
		parse_root(ld, root);
	yaml_document_delete(&ld->doc);
}

int lpx_config_load_buffer(const char *name, const char *buf, size_t len,
			   const struct lpx_env *env, struct lpx_config *cfg)
{
	static const struct lpx_env no_env;
	struct loader ld = {
		.name = name,
		.env = env ?: &no_env,
		.cfg = cfg,
	};

	ld.err = ld.env->err ?: stderr;
	memset(cfg, 0, sizeof(*cfg));
	lpx_options_set_defaults(&cfg->opts);
	cfg->path = strdup(name);
	if (!cfg->path)
		report(&ld, NULL, NULL, "out of memory");
	else
		load_document(&ld, buf, len);
	free(ld.listeners_ok);
	if (ld.errors) {
		lpx_config_free(cfg);
		return -1;
	}
	return 0;
}

/* The whole file, NUL-terminated; NULL with errno set on failure. */
static char *read_whole(FILE *f, size_t *len)
{
	size_t size = 0, n;
	char *buf = NULL, *bigger;

	*len = 0;
	do {
		if (*len + 1 >= size) {
			size = size ? size * 2 : 65536;
			if (size > FILE_MAX + 1) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			bigger = realloc(buf, size);
			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
		}
		n = fread(buf + *len, 1, size - *len - 1, f);
		*len += n;
	} while (n);
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

int lpx_config_load(const char *path, const struct lpx_env *env,
		    struct lpx_config *cfg)
{
	FILE *err = env && env->err ? env->err : stderr;
	size_t len;
	char *buf;
	FILE *f;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	f = fopen(path, "r");
	if (!f) {
		fprintf(err, "%s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	/* errno from fread() survives: nothing else runs in between. */
	errno = 0;
	buf = read_whole(f, &len);
	if (!buf) {
		if (errno == EFBIG)
			fprintf(err, "%s: cannot read: larger than %u MiB\n",
				path, FILE_MAX >> 20);
		else
			fprintf(err, "%s: cannot read: %s\n", path,
				strerror(errno ?: EIO));
		fclose(f);
		return -1;
	}
	fclose(f);
	ret = lpx_config_load_buffer(path, buf, len, env, cfg);
	free(buf);
	return ret;
}

void lpx_config_free(struct lpx_config *cfg)
{
	size_t i;

	for (i = 0; cfg->routes && i < cfg->nroutes; i++) {
		free(cfg->routes[i].dest_host);
		free(cfg->routes[i].description);
	}
	free(cfg->routes);
	free(cfg->opts.cpus);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}
