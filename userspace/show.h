/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `litepxctl show` prints, from the model and the route dump's
 * counters alone: no socket, so that tests can check the output.
 */
#ifndef LITEPX_SHOW_H
#define LITEPX_SHOW_H

#include <stdio.h>

#include "model.h"
#include "wire.h"

#define LPX_SHOW_ALL	(1U << 0)	/* counters at zero too */
#define LPX_SHOW_BYTES	(1U << 1)	/* byte counts exact, not rounded */

/*
 * The config as `check` prints it, each route's counters inside its
 * block; stats holds cfg->nroutes entries, in the order of cfg->routes.
 */
void lpx_show_print(FILE *out, const struct lpx_config *cfg,
		    const struct lpx_route_stats *stats, unsigned int flags);
/* {"config": check's JSON, "counters": [one object per route]} */
void lpx_show_print_json(FILE *out, const struct lpx_config *cfg,
			 const struct lpx_route_stats *stats);

#endif /* LITEPX_SHOW_H */
