// SPDX-License-Identifier: GPL-2.0
/*
 * Whole numbers with an optional unit, as routes.yml writes durations and
 * sizes. Deliberately strict: digits, then a unit from the table, then
 * nothing. No sign, space, fraction, exponent or base prefix, so that
 * "1.5s" or "0x10" is refused rather than read as something else.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

struct unit {
	const char *suffix;
	uint64_t factor;
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct unit duration_units[] = {
	{ "", 1 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
	{ "h", 3600000 },
};

static const struct unit size_units[] = {
	{ "", 1 }, { "B", 1 },
	{ "K", 1ULL << 10 }, { "KiB", 1ULL << 10 }, { "KB", 1000 },
	{ "M", 1ULL << 20 }, { "MiB", 1ULL << 20 }, { "MB", 1000000 },
	{ "G", 1ULL << 30 }, { "GiB", 1ULL << 30 }, { "GB", 1000000000 },
};

static const struct unit no_units[] = { { "", 1 } };

/*
 * Reads the leading digits of text into *value and points *rest past
 * them. Returns -EINVAL when there are none, -ERANGE past 64 bits.
 */
static int parse_digits(const char *text, uint64_t *value, const char **rest)
{
	const char *p = text;
	unsigned int digit;

	*value = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		digit = (unsigned int)(*p - '0');
		if (*value > (UINT64_MAX - digit) / 10)
			return -ERANGE;
		*value = *value * 10 + digit;
	}
	*rest = p;
	return p == text ? -EINVAL : 0;
}

static int parse_with_units(const char *text, const struct unit *units,
			    size_t nunits, uint64_t *out)
{
	const char *rest;
	uint64_t value;
	size_t i;
	int err;

	err = parse_digits(text, &value, &rest);
	if (err)
		return err;
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
				ARRAY_LEN(duration_units), ms);
}

int lpx_parse_size(const char *text, uint64_t *bytes)
{
	return parse_with_units(text, size_units, ARRAY_LEN(size_units),
				bytes);
}

int lpx_parse_uint(const char *text, uint64_t *value)
{
	return parse_with_units(text, no_units, ARRAY_LEN(no_units), value);
}

/* The largest unit that divides value exactly, for readable output. */
static const char *format_with_units(char *buf, size_t len, uint64_t value,
				     const struct unit *units, size_t nunits)
{
	const struct unit *best = NULL;
	size_t i;

	for (i = 0; i < nunits; i++)
		if (*units[i].suffix && value && !(value % units[i].factor) &&
		    (!best || units[i].factor > best->factor))
			best = &units[i];
	if (!best)
		snprintf(buf, len, "%llu", (unsigned long long)value);
	else
		snprintf(buf, len, "%llu%s",
			 (unsigned long long)(value / best->factor),
			 best->suffix);
	return buf;
}

const char *lpx_format_duration(char *buf, size_t len, uint64_t ms)
{
	return format_with_units(buf, len, ms, duration_units,
				 ARRAY_LEN(duration_units));
}

const char *lpx_format_size(char *buf, size_t len, uint64_t bytes)
{
	/* Binary units only: 1000000 stays a number, not "1MB". */
	static const struct unit binary[] = {
		{ "KiB", 1ULL << 10 }, { "MiB", 1ULL << 20 },
		{ "GiB", 1ULL << 30 },
	};

	return format_with_units(buf, len, bytes, binary, ARRAY_LEN(binary));
}

const char *lpx_format_bytes_short(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	uint64_t unit = 1024, whole, tenths;
	size_t i = 0;

	if (bytes < unit) {
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	/* The unit that leaves 1..1023.9; rounding may carry into the next. */
	while (i + 1 < ARRAY_LEN(units) && bytes / unit >= 1024) {
		unit <<= 10;
		i++;
	}
	whole = bytes / unit;
	tenths = ((bytes % unit) / (unit / 1024) * 10 + 512) / 1024;
	if (tenths == 10) {
		whole++;
		tenths = 0;
	}
	if (whole == 1024 && i + 1 < ARRAY_LEN(units)) {
		whole = 1;
		i++;
	}
	snprintf(buf, len, "%llu.%llu %s", (unsigned long long)whole,
		 (unsigned long long)tenths, units[i]);
	return buf;
}

const char *lpx_format_age_short(char *buf, size_t len, uint64_t ms)
{
	uint64_t s = ms / 1000;

	if (ms < 1000)
		snprintf(buf, len, "%llums", (unsigned long long)ms);
	else if (s < 60)
		snprintf(buf, len, "%llu.%llus", (unsigned long long)s,
			 (unsigned long long)(ms % 1000 / 100));
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum",
			 (unsigned long long)(s / 3600),
			 (unsigned long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%llud%02lluh",
			 (unsigned long long)(s / 86400),
			 (unsigned long long)(s % 86400 / 3600));
	return buf;
}
