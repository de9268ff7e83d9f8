// SPDX-License-Identifier: GPL-2.0
/*
 * `show`'s output: the loaded config in `check`'s format with each
 * route's counters in its block, zeros left out unless asked for and byte
 * counts rounded to a unit unless asked for exactly; or JSON, complete and
 * exact, for scripts.
 */
#include <inttypes.h>
#include <stdio.h>

#include "print.h"
#include "show.h"
#include "units.h"

static bool is_byte_count(size_t counter)
{
	return counter == LITEPX_CNT_BYTES_TO_TARGET ||
	       counter == LITEPX_CNT_BYTES_TO_CLIENT;
}

static bool route_all_zero(const struct lpx_route_stats *st)
{
	size_t i;

	for (i = 0; i < LPX_NCOUNTERS; i++)
		if (st->counters[i])
			return false;
	return !st->active && !st->sessions_active;
}

static void print_value(FILE *out, const char *name, uint64_t value,
			bool bytes, unsigned int flags)
{
	char buf[32];

	if (!value && !(flags & LPX_SHOW_ALL))
		return;
	if (bytes && !(flags & LPX_SHOW_BYTES))
		fprintf(out, "    %s: %s\n", name,
			lpx_format_bytes_short(buf, sizeof(buf), value));
	else
		fprintf(out, "    %s: %" PRIu64 "\n", name, value);
}

static void print_counters(FILE *out, const struct lpx_route_stats *st,
			   unsigned int flags)
{
	size_t i;

	if (!(flags & LPX_SHOW_ALL) && route_all_zero(st)) {
		fprintf(out, "  counters: all zero\n");
		return;
	}
	fprintf(out, "  counters%s:\n",
		flags & LPX_SHOW_ALL ? "" : " (zeros left out)");
	print_value(out, "active", st->active, false, flags);
	print_value(out, "sessions_active", st->sessions_active, false, flags);
	for (i = 0; i < LPX_NCOUNTERS; i++)
		print_value(out, lpx_counter_names[i], st->counters[i],
			    is_byte_count(i), flags);
}

void lpx_show_print(FILE *out, const struct lpx_config *cfg,
		    const struct lpx_route_stats *stats, unsigned int flags)
{
	size_t i;

	lpx_config_print_options(out, cfg);
	for (i = 0; i < cfg->nroutes; i++) {
		lpx_config_print_route(out, cfg, &cfg->routes[i]);
		if (stats)
			print_counters(out, &stats[i], flags);
	}
}

static void json_counters(FILE *out, const struct lpx_route_stats *stats,
			  size_t n)
{
	size_t i, j;

	fprintf(out, ",\"counters\":[");
	for (i = 0; i < n; i++) {
		fprintf(out, "%s{\"route\":%" PRIu32 ",\"active\":%" PRIu32
			",\"sessions_active\":%" PRIu32,
			i ? "," : "", stats[i].id, stats[i].active,
			stats[i].sessions_active);
		for (j = 0; j < LPX_NCOUNTERS; j++)
			fprintf(out, ",\"%s\":%" PRIu64, lpx_counter_names[j],
				stats[i].counters[j]);
		fprintf(out, "}");
	}
	fprintf(out, "]}\n");
}

void lpx_show_print_json(FILE *out, const struct lpx_config *cfg,
			 const struct lpx_route_stats *stats)
{
	fprintf(out, "{\"config\":");
	lpx_config_print_json(out, cfg);
	json_counters(out, stats, stats ? cfg->nroutes : 0);
}
