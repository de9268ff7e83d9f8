/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `litepxctl metrics` prints: the route dump in Prometheus' text
 * exposition format, version 0.0.4, for node_exporter's textfile
 * collector. From the model and the counters alone, like show.h.
 */
#ifndef LITEPX_METRICS_H
#define LITEPX_METRICS_H

#include <stdio.h>

#include "model.h"
#include "wire.h"

/*
 * litepx_routes, then per route the gauges litepx_listeners,
 * litepx_active_connections and litepx_active_sessions and one counter
 * family per LITEPX_COUNTERS entry (litepx_<name>_total; the byte
 * counters litepx_to_target_bytes_total and litepx_to_client_bytes_total).
 * Every per-route series has the labels route, description (when the
 * route has one), protocol, listen and port. stats holds cfg->nroutes
 * entries, in the order of cfg->routes.
 */
void lpx_metrics_print(FILE *out, const struct lpx_config *cfg,
		       const struct lpx_route_stats *stats);

/*
 * The same into path, atomically (metrics_file.c): a temporary file in
 * path's directory, with the umask's permissions, synced and renamed
 * over path. 0, or -1 with errno set and path untouched.
 */
int lpx_metrics_write(const char *path, const struct lpx_config *cfg,
		      const struct lpx_route_stats *stats);

#endif /* LITEPX_METRICS_H */
