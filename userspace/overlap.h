/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Overlapping listeners: two routes overlap when they share a protocol,
 * a port and an address (the same one, a wildcard of its family, or no
 * listen at all, which binds both families' wildcards). Pure: no
 * libyaml, no I/O; the loader words the messages.
 */
#ifndef LITEPX_OVERLAP_H
#define LITEPX_OVERLAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

enum { LPX_OVERLAP_TCP, LPX_OVERLAP_UDP, LPX_OVERLAP_NPROTOS };

/*
 * For each route i with listeners_ok[i], sets first[i][p] to the id of
 * the earliest earlier route it overlaps on protocol p, 0 for none;
 * first holds nroutes rows, zeroed by the caller. Routes are in file
 * order with ids 1..nroutes. False when out of memory.
 */
bool lpx_overlaps_find(const struct lpx_route *routes, size_t nroutes,
		       const bool *listeners_ok,
		       uint32_t (*first)[LPX_OVERLAP_NPROTOS]);

#endif /* LITEPX_OVERLAP_H */
