// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into the kselftest-harness tests with -Wl,--wrap=alarm: the
 * harness arms alarm(timeout) for each test, and LITEPX_TIMEOUT_SCALE
 * (an integer, default 1) multiplies it. The debug kernel lane
 * (KASAN, lockdep, kmemleak under TCG) sets it; the stock kernels do not.
 */
#include <stdlib.h>
#include <unistd.h>

unsigned int __real_alarm(unsigned int seconds);
unsigned int __wrap_alarm(unsigned int seconds);

unsigned int __wrap_alarm(unsigned int seconds)
{
	const char *scale = getenv("LITEPX_TIMEOUT_SCALE");
	long n = scale ? strtol(scale, NULL, 10) : 1;

	if (n > 1 && seconds)
		seconds *= n;
	return __real_alarm(seconds);
}
