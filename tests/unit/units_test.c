// SPDX-License-Identifier: GPL-2.0
/*
 * Durations and sizes as routes.yml writes them: whole numbers with an
 * optional unit and nothing else (no sign, space, fraction or base
 * prefix); -EINVAL for bad syntax, -ERANGE past 64 bits.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "kselftest_harness.h"
#include "../../userspace/units.h"

struct good {
	const char *text;
	uint64_t value;
};

static const char *const bad_syntax[] = {
	"", " ", "s", "ms", "h", "1.5s", "1.5", "-3", "+3", "-3s", "10 s",
	" 10", "10 ", "10s ", "0x10", "010x", "5 minutes", "5min", "5minutes",
	"1Mi", "1e3", "1,000", "1_000", "10sec", "10S", "10MS", "1d", "1w",
	"10ss", "10mss", "s10", "ten", "1h30m", "1s\n", "\t1",
};

TEST(duration_valid)
{
	static const struct good cases[] = {
		{ "0", 0 },
		{ "1", 1 },
		{ "300000", 300000 },
		{ "0ms", 0 },
		{ "250ms", 250 },
		{ "1500ms", 1500 },
		{ "1s", 1000 },
		{ "30s", 30000 },
		{ "5m", 300000 },
		{ "60m", 3600000 },
		{ "1h", 3600000 },
		{ "24h", 86400000 },
		{ "4294967295", 4294967295ULL },
		{ "4294967296", 4294967296ULL },
		{ "18446744073709551615", UINT64_MAX },
		{ "18446744073709551615ms", UINT64_MAX },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t ms = 12345;
		int ret = lpx_parse_duration_ms(cases[i].text, &ms);

		if (ret || ms != cases[i].value) {
			TH_LOG("'%s': %d, %ju", cases[i].text, ret,
			       (uintmax_t)ms);
		}
		EXPECT_EQ(0, ret);
		EXPECT_EQ(cases[i].value, ms);
	}
}

TEST(duration_every_unit)
{
	uint64_t ms;

	ASSERT_EQ(0, lpx_parse_duration_ms("7", &ms));
	EXPECT_EQ(7, ms);
	ASSERT_EQ(0, lpx_parse_duration_ms("7ms", &ms));
	EXPECT_EQ(7, ms);
	ASSERT_EQ(0, lpx_parse_duration_ms("7s", &ms));
	EXPECT_EQ(7000, ms);
	ASSERT_EQ(0, lpx_parse_duration_ms("7m", &ms));
	EXPECT_EQ(420000, ms);
	ASSERT_EQ(0, lpx_parse_duration_ms("7h", &ms));
	EXPECT_EQ(25200000, ms);
}

TEST(duration_bad_syntax)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_syntax); i++) {
		uint64_t ms;
		int ret = lpx_parse_duration_ms(bad_syntax[i], &ms);

		if (ret != -EINVAL)
			TH_LOG("'%s': %d", bad_syntax[i], ret);
		EXPECT_EQ(-EINVAL, ret);
	}
}

TEST(duration_overflow)
{
	static const char *const cases[] = {
		"18446744073709551616",		/* UINT64_MAX + 1 */
		"18446744073709551616ms",
		"99999999999999999999999999",
		"18446744073709552s",		/* * 1000 wraps */
		"307445734561826m",		/* first minute count past it */
		"5124095576031h",		/* first hour count past it */
		"18446744073709551615s",
	};
	size_t i;
	uint64_t ms;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = lpx_parse_duration_ms(cases[i], &ms);

		if (ret != -ERANGE)
			TH_LOG("'%s': %d", cases[i], ret);
		EXPECT_EQ(-ERANGE, ret);
	}
	/* The last values that still fit. */
	ASSERT_EQ(0, lpx_parse_duration_ms("18446744073709551s", &ms));
	EXPECT_EQ(18446744073709551000ULL, ms);
	ASSERT_EQ(0, lpx_parse_duration_ms("307445734561825m", &ms));
	EXPECT_EQ(307445734561825ULL * 60000, ms);
	ASSERT_EQ(0, lpx_parse_duration_ms("5124095576030h", &ms));
	EXPECT_EQ(5124095576030ULL * 3600000, ms);
}

TEST(size_valid)
{
	static const struct good cases[] = {
		{ "0", 0 },
		{ "1", 1 },
		{ "1048576", 1048576 },
		{ "0B", 0 },
		{ "512B", 512 },
		{ "1K", 1024 },
		{ "64K", 65536 },
		{ "1KiB", 1024 },
		{ "64KiB", 65536 },
		{ "1KB", 1000 },
		{ "64KB", 64000 },
		{ "1M", 1048576 },
		{ "1MiB", 1048576 },
		{ "5MiB", 5242880 },
		{ "1MB", 1000000 },
		{ "1G", 1073741824 },
		{ "1GiB", 1073741824 },
		{ "1GB", 1000000000 },
		{ "4GiB", 4294967296ULL },
		{ "18446744073709551615", UINT64_MAX },
		{ "18446744073709551615B", UINT64_MAX },
		{ "17179869183GiB", 17179869183ULL << 30 },
		{ "18446744073GB", 18446744073000000000ULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t bytes = 12345;
		int ret = lpx_parse_size(cases[i].text, &bytes);

		if (ret || bytes != cases[i].value) {
			TH_LOG("'%s': %d, %ju", cases[i].text, ret,
			       (uintmax_t)bytes);
		}
		EXPECT_EQ(0, ret);
		EXPECT_EQ(cases[i].value, bytes);
	}
}

TEST(size_bad_syntax)
{
	static const char *const cases[] = {
		"", "B", "KiB", "1Mi", "1Ki", "1Gi", "1.5MiB", "0.5K", "-1",
		"+1", "-1K", "1 MiB", "1MiB ", " 1MiB", "0x100", "1e6", "1T",
		"1TiB", "1TB", "1k", "1kib", "1mb", "1b", "1KiBB", "1BK", "1iB",
		"MiB1", "one", "1,024", "1_024", "1MiB\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t bytes;
		int ret = lpx_parse_size(cases[i], &bytes);

		if (ret != -EINVAL)
			TH_LOG("'%s': %d", cases[i], ret);
		EXPECT_EQ(-EINVAL, ret);
	}
}

TEST(size_overflow)
{
	static const char *const cases[] = {
		"18446744073709551616",
		"18446744073709551616B",
		"17179869184G",			/* 2^64 */
		"17179869184GiB",
		"18446744074GB",
		"18014398509481984K",		/* 2^54 KiB = 2^64 */
		"18446744073709552KB",
		"17592186044416MiB",		/* 2^44 MiB = 2^64 */
		"18446744073710MB",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t bytes;
		int ret = lpx_parse_size(cases[i], &bytes);

		if (ret != -ERANGE)
			TH_LOG("'%s': %d", cases[i], ret);
		EXPECT_EQ(-ERANGE, ret);
	}
}

/* Durations and sizes are separate vocabularies. */
TEST(units_do_not_mix)
{
	uint64_t v;

	EXPECT_EQ(-EINVAL, lpx_parse_size("30s", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_size("5ms", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_size("1h", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_duration_ms("1MiB", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_duration_ms("1K", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_duration_ms("1B", &v));
	/* "m" is minutes, never mega. */
	ASSERT_EQ(0, lpx_parse_duration_ms("1m", &v));
	EXPECT_EQ(60000, v);
	EXPECT_EQ(-EINVAL, lpx_parse_size("1m", &v));
}

TEST(uint_plain)
{
	uint64_t v;

	ASSERT_EQ(0, lpx_parse_uint("0", &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, lpx_parse_uint("65535", &v));
	EXPECT_EQ(65535, v);
	ASSERT_EQ(0, lpx_parse_uint("18446744073709551615", &v));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_EQ(-ERANGE, lpx_parse_uint("18446744073709551616", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_uint("", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_uint("-1", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_uint("+1", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_uint("1 ", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_uint("1s", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_uint("1K", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_uint("0x10", &v));
	EXPECT_EQ(-EINVAL, lpx_parse_uint("abc", &v));
}

struct formatted {
	uint64_t value;
	const char *text;
};

TEST(bytes_short)
{
	static const struct formatted cases[] = {
		{ 0, "0 B" },
		{ 1023, "1023 B" },
		{ 1024, "1.0 KiB" },
		{ 1536, "1.5 KiB" },
		{ 1288490, "1.2 MiB" },
		{ 47500000, "45.3 MiB" },
		/* Rounding carries into the next unit. */
		{ 1048575, "1.0 MiB" },
		{ (1ULL << 30) - 1, "1.0 GiB" },
		{ 5ULL << 40, "5.0 TiB" },
		{ UINT64_MAX, "16.0 EiB" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT_STREQ(cases[i].text,
			     lpx_format_bytes_short(buf, sizeof(buf),
						    cases[i].value));
}

TEST(age_short)
{
	static const struct formatted cases[] = {
		{ 0, "0ms" },
		{ 999, "999ms" },
		{ 1000, "1.0s" },
		{ 12345, "12.3s" },
		{ 59999, "59.9s" },
		{ 60000, "1m00s" },
		{ 3599999, "59m59s" },
		{ 3723000, "1h02m" },
		{ 86400000, "1d00h" },
		{ 4294967295ULL, "49d17h" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT_STREQ(cases[i].text,
			     lpx_format_age_short(buf, sizeof(buf),
						  cases[i].value));
}

TEST_HARNESS_MAIN
