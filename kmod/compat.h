/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels litepx supports lives here, so the
 * .c files stay free of version checks. Kbuild force-includes this file.
 * Prefer feature probes (is the macro defined?) over version numbers:
 * stable backports make version numbers lie.
 */
#ifndef LITEPX_COMPAT_H
#define LITEPX_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "litepx needs Linux 5.10 or newer"
#endif /* LINUX_VERSION_CODE < 5.10 */

/*
 * kernel_bind() and kernel_connect() take a struct sockaddr_unsized from
 * 7.0 on; Kbuild probes the headers and defines LITEPX_HAVE_SOCKADDR_UNSIZED.
 */
#ifdef LITEPX_HAVE_SOCKADDR_UNSIZED
#define litepx_sockaddr sockaddr_unsized
#else
#define litepx_sockaddr sockaddr
#endif /* LITEPX_HAVE_SOCKADDR_UNSIZED */

/*
 * Workqueues are becoming unbound by default; from the kernel that added
 * WQ_PERCPU on, a per-CPU workqueue has to ask for it.
 */
#ifdef LITEPX_HAVE_WQ_PERCPU
#define LITEPX_WQ_PERCPU WQ_PERCPU
#else
#define LITEPX_WQ_PERCPU 0
#endif /* LITEPX_HAVE_WQ_PERCPU */

#endif /* LITEPX_COMPAT_H */
