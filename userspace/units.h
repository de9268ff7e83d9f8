/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers with units, as routes.yml accepts them in strings. */
#ifndef LITEPX_UNITS_H
#define LITEPX_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * "300000", "1500ms", "30s", "5m", "1h": whole numbers, a bare number is
 * milliseconds. Returns 0, -EINVAL on bad syntax, -ERANGE on overflow.
 */
int lpx_parse_duration_ms(const char *text, uint64_t *ms);

/*
 * "1048576", "512B", "64K", "64KiB", "1M", "1MiB", "1G", "1GiB" (powers of
 * 1024), "1KB", "1MB", "1GB" (powers of 1000). Same returns.
 */
int lpx_parse_size(const char *text, uint64_t *bytes);

/* A bare decimal number; no sign, no spaces. Same returns. */
int lpx_parse_uint(const char *text, uint64_t *value);

/*
 * The reverse, for output that a person reads and the parsers above
 * take back: the largest unit that divides the value exactly ("5m",
 * "1500ms"; "1MiB", "1000"). Returns buf.
 */
const char *lpx_format_duration(char *buf, size_t len, uint64_t ms);
const char *lpx_format_size(char *buf, size_t len, uint64_t bytes);

/*
 * Rounded, for counters that a person glances at, not for routes.yml:
 * "512 B", "1.2 KiB", "45.3 MiB" (powers of 1024, one decimal), and
 * "850ms", "12.3s", "5m03s", "2h05m", "3d04h".
 */
const char *lpx_format_bytes_short(char *buf, size_t len, uint64_t bytes);
const char *lpx_format_age_short(char *buf, size_t len, uint64_t ms);

#endif /* LITEPX_UNITS_H */
