// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "units.h"

struct unit {
	const char *suffix;
	uint64_t factor;
};

static const struct unit duration_units[] = {
	{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	{ "", 1 },
};

static const struct unit size_units[] = {
	{ "B", 1 },
	{ "K", 1ULL << 10 }, { "KiB", 1ULL << 10 }, { "KB", 1000 },
	{ "M", 1ULL << 20 }, { "MiB", 1ULL << 20 }, { "MB", 1000000 },
	{ "G", 1ULL << 30 }, { "GiB", 1ULL << 30 }, { "GB", 1000000000 },
	{ "", 1 },
};

/* Reads leading digits into *value; returns where they end, or NULL. */
static const char *parse_digits(const char *text, uint64_t *value)
{
	const char *p = text;

	*value = 0;
	if (*p < '0' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (*value > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return (const char *)-1;
		*value = *value * 10 + (uint64_t)(*p - '0');
	}
	return p;
}

static int parse_with_units(const char *text, const struct unit *units,
			    size_t nunits, uint64_t *out)
{
	const char *rest;
	uint64_t value;
	size_t i;

	rest = parse_digits(text, &value);
	if (!rest)
		return -EINVAL;
	if (rest == (const char *)-1)
		return -ERANGE;
	for (i = 0; i < nunits; i++) {
		if (strcmp(rest, units[i].suffix))
			continue;
		if (value > UINT64_MAX / units[i].factor)
			return -ERANGE;
		*out = value * units[i].factor;
		return 0;
	}
	return -EINVAL;
}

int lpx_parse_duration_ms(const char *text, uint64_t *ms)
{
	return parse_with_units(text, duration_units,
				sizeof(duration_units) / sizeof(duration_units[0]),
				ms);
}

int lpx_parse_size(const char *text, uint64_t *bytes)
{
	return parse_with_units(text, size_units,
				sizeof(size_units) / sizeof(size_units[0]),
				bytes);
}

int lpx_parse_uint(const char *text, uint64_t *value)
{
	static const struct unit none[] = { { "", 1 } };

	return parse_with_units(text, none, 1, value);
}
