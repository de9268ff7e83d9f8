/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_ERRORS_H
#define LITEPX_ERRORS_H

#include "config.h"
#include "netlink.h"

/* Plain words for an errno the kernel answered a command with. */
const char *lpx_strerror(int cmd, int err);

/*
 * Opens the netlink socket, printing why not on failure. Returns NULL
 * then, and the exit status to use in *status.
 */
struct lpx_nl *lpx_open_or_report(int *status);

/*
 * Prints the kernel's refusal of cmd: its extack text when it sent one,
 * plain words otherwise, and the route it points at when cfg is given.
 * Returns the exit status to use.
 */
int lpx_report_nl_error(int cmd, const struct lpx_nl *nl,
			const struct lpx_config *cfg);

#endif /* LITEPX_ERRORS_H */
