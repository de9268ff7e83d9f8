// SPDX-License-Identifier: GPL-2.0
/*
 * Walking libyaml's document for the loader: diagnostics that name the
 * file, line, column and key path; scalars read as numbers, durations,
 * sizes and words; mappings matched against the keys a schema allows.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "units.h"

/* ---- diagnostics ---- */

static void vreport(struct loader *ld, unsigned long line, unsigned long col,
		    const char *path, const char *fmt, va_list ap)
{
	fprintf(ld->err, "%s:%lu:%lu: ", ld->name, line, col);
	if (path && *path)
		fprintf(ld->err, "%s: ", path);
	vfprintf(ld->err, fmt, ap);
	fputc('\n', ld->err);
	ld->errors++;
}

/* At node's start, or at 1:1 for the file as a whole (node NULL). */
void report(struct loader *ld, const yaml_node_t *node,
	    const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ld, node ? node->start_mark.line + 1 : 1,
		node ? node->start_mark.column + 1 : 1, path, fmt, ap);
	va_end(ap);
}

/* At a mark kept in the config, after the document is gone. */
void report_at(struct loader *ld, const struct lpx_mark *mark,
	       const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ld, mark->line, mark->column, path, fmt, ap);
	va_end(ap);
}

struct lpx_mark mark_of(const yaml_node_t *node)
{
	return (struct lpx_mark){
		.line = node->start_mark.line + 1,
		.column = node->start_mark.column + 1,
	};
}

/*
 * Text of a value fit for a one-line message: at most QUOTE_MAX
 * characters (a UTF-8 sequence is never cut), then "...", and line
 * breaks, NULs and other control characters escaped, since YAML's
 * double-quoted escapes can put any of them in a scalar.
 */
const char *quote_text(const char *text, size_t len, char *buf,
		       size_t size)
{
	size_t i, out = 0, shown = 0;
	unsigned char c;

	for (i = 0; i < len && out + 8 < size; i++) {
		c = (unsigned char)text[i];
		if ((c & 0xc0) != 0x80 && shown++ == QUOTE_MAX)
			break;
		if (c == '\n')
			out += snprintf(buf + out, size - out, "\\n");
		else if (c == '\r')
			out += snprintf(buf + out, size - out, "\\r");
		else if (c == '\t')
			out += snprintf(buf + out, size - out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			out += snprintf(buf + out, size - out, "\\x%02x", c);
		else
			buf[out++] = (char)c;
	}
	if (i < len)
		out += snprintf(buf + out, size - out, "...");
	buf[out] = '\0';
	return buf;
}

const char *scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

const char *quote(const yaml_node_t *node, char *buf)
{
	return quote_text(scalar(node), node->data.scalar.length, buf,
			  QUOTE_BUF);
}

yaml_node_t *node_at(struct loader *ld, int index)
{
	return yaml_document_get_node(&ld->doc, index);
}

/* YAML 1.1's null: an empty or ~ or null plain scalar. */
bool is_null(const yaml_node_t *node)
{
	const char *v = scalar(node);

	return node->type == YAML_SCALAR_NODE &&
	       node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || !strcmp(v, "~") || !strcmp(v, "null") ||
		!strcmp(v, "Null") || !strcmp(v, "NULL"));
}

/* "a mapping", "null" or the quoted value, for "got ..." messages. */
void describe(const yaml_node_t *node, char *buf, size_t len)
{
	char q[QUOTE_BUF];

	if (node->type == YAML_MAPPING_NODE)
		snprintf(buf, len, "a mapping");
	else if (node->type == YAML_SEQUENCE_NODE)
		snprintf(buf, len, "a sequence");
	else if (is_null(node))
		snprintf(buf, len, "null");
	else
		snprintf(buf, len, "'%s'", quote(node, q));
}

bool expect_type(struct loader *ld, const yaml_node_t *node,
		 const char *path, yaml_node_type_t type,
		 const char *what)
{
	char got[QUOTE_BUF + 2];

	if (node->type == type && !(type == YAML_SCALAR_NODE && is_null(node)))
		return true;
	describe(node, got, sizeof(got));
	report(ld, node, path, "expected %s, got %s", what, got);
	return false;
}

/* ---- numbers ---- */

bool get_uint(struct loader *ld, const yaml_node_t *node,
	      const char *path, uint64_t min, uint64_t max,
	      uint64_t *out)
{
	char q[QUOTE_BUF];
	int err;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a whole number"))
		return false;
	err = lpx_parse_uint(scalar(node), out);
	if (err == -EINVAL) {
		report(ld, node, path, "'%s' is not a whole number",
		       quote(node, q));
		return false;
	}
	if (err || *out < min || *out > max) {
		report(ld, node, path, "%s is out of range %llu..%llu",
		       quote(node, q), (unsigned long long)min,
		       (unsigned long long)max);
		return false;
	}
	return true;
}

bool get_u32(struct loader *ld, const yaml_node_t *node,
	     const char *path, uint32_t min, uint32_t max,
	     uint32_t *out)
{
	uint64_t v;

	if (!get_uint(ld, node, path, min, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

bool get_port(struct loader *ld, const yaml_node_t *node,
	      const char *path, uint16_t *out)
{
	uint64_t v;

	if (!get_uint(ld, node, path, 1, 65535, &v))
		return false;
	*out = (uint16_t)v;
	return true;
}

/* Milliseconds, 1..UINT32_MAX: no timeout can be zero. */
void get_duration(struct loader *ld, const yaml_node_t *node,
		  const char *path, uint32_t *out)
{
	char q[QUOTE_BUF];
	uint64_t ms;
	int err;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a duration"))
		return;
	err = lpx_parse_duration_ms(scalar(node), &ms);
	if (err == -EINVAL) {
		report(ld, node, path,
		       "'%s' is not a duration (e.g. 30000, \"30s\", \"5m\")",
		       quote(node, q));
		return;
	}
	if (err) {
		report(ld, node, path, "%s is out of range 1..%u",
		       quote(node, q), UINT32_MAX);
		return;
	}
	/* In milliseconds, whatever unit was written. */
	if (ms < 1 || ms > UINT32_MAX) {
		report(ld, node, path, "%llu is out of range 1..%u",
		       (unsigned long long)ms, UINT32_MAX);
		return;
	}
	*out = (uint32_t)ms;
}

bool get_size(struct loader *ld, const yaml_node_t *node,
	      const char *path, uint64_t max, uint64_t *out)
{
	char q[QUOTE_BUF];
	int err;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, "a size"))
		return false;
	err = lpx_parse_size(scalar(node), out);
	if (err == -EINVAL) {
		report(ld, node, path,
		       "'%s' is not a size (e.g. 1048576, \"1MiB\")",
		       quote(node, q));
		return false;
	}
	if (err || *out > max) {
		report(ld, node, path, "%s is out of range 0..%llu",
		       quote(node, q), (unsigned long long)max);
		return false;
	}
	return true;
}

/* ---- mappings ---- */

/* Optimal string alignment: a swap of two letters is one edit. */
static unsigned int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int d[32][32], best;

	if (la >= 32 || lb >= 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

static void unknown_key(struct loader *ld, const yaml_node_t *key,
			const char *path, const struct key *keys,
			size_t nkeys)
{
	const char *guess = NULL;
	unsigned int d, best = 3;
	char q[QUOTE_BUF];
	size_t i;

	for (i = 0; i < nkeys; i++) {
		d = edit_distance(scalar(key), keys[i].name);
		if (d < best) {
			best = d;
			guess = keys[i].name;
		}
	}
	if (guess)
		report(ld, key, path, "unknown key '%s' (did you mean '%s'?)",
		       quote(key, q), guess);
	else
		report(ld, key, path, "unknown key '%s'", quote(key, q));
}

/*
 * Matches node's pairs against keys, filling in value and key of each;
 * reports unknown, duplicate and non-scalar keys (libyaml accepts a key
 * twice: the schema must refuse it). False when node is not a mapping.
 */
bool walk_mapping(struct loader *ld, yaml_node_t *node,
		  const char *path, struct key *keys, size_t nkeys)
{
	yaml_node_pair_t *pair;
	yaml_node_t *key;
	size_t i;

	for (i = 0; i < nkeys; i++)
		keys[i].value = keys[i].key = NULL;
	if (!expect_type(ld, node, path, YAML_MAPPING_NODE, "a mapping"))
		return false;
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		key = node_at(ld, pair->key);
		if (key->type != YAML_SCALAR_NODE) {
			report(ld, key, path, "keys must be plain words");
			continue;
		}
		for (i = 0; i < nkeys; i++)
			if (!strcmp(scalar(key), keys[i].name))
				break;
		if (i == nkeys) {
			unknown_key(ld, key, path, keys, nkeys);
			continue;
		}
		if (keys[i].key) {
			report(ld, key, path,
			       "duplicate key '%s' (first at line %zu)",
			       keys[i].name, keys[i].key->start_mark.line + 1);
			continue;
		}
		keys[i].key = key;
		keys[i].value = node_at(ld, pair->value);
	}
	return true;
}

const char *join(char *buf, const char *path, const char *name)
{
	/* Paths are short and fixed by the schema; mark it if not. */
	if (snprintf(buf, PATH_MAX_LEN, "%s%s%s", path, *path ? "." : "",
		     name) >= PATH_MAX_LEN)
		strcpy(buf + PATH_MAX_LEN - 4, "...");
	return buf;
}

/* A word from names[] (indexed by its enum value) into *out. */
bool get_word(struct loader *ld, const yaml_node_t *node,
	      const char *path, const char *const *names, size_t n,
	      const char *expected, unsigned int *out)
{
	char q[QUOTE_BUF];
	unsigned int i;

	if (!expect_type(ld, node, path, YAML_SCALAR_NODE, expected))
		return false;
	for (i = 0; i < n; i++) {
		if (!strcmp(scalar(node), names[i])) {
			*out = i;
			return true;
		}
	}
	report(ld, node, path, "'%s' is not %s", quote(node, q), expected);
	return false;
}
