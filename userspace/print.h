/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_PRINT_H
#define LITEPX_PRINT_H

#include <stdio.h>

#include "model.h"

/* Printing of the normalised config for `litepxctl check`. */
void lpx_config_print(FILE *out, const struct lpx_config *cfg);
void lpx_config_print_json(FILE *out, const struct lpx_config *cfg);

/*
 * The two halves of lpx_config_print(), for `show` to add counters to
 * each route: the summary line and the options, then one route's block.
 */
void lpx_config_print_options(FILE *out, const struct lpx_config *cfg);
void lpx_config_print_route(FILE *out, const struct lpx_config *cfg,
			    const struct lpx_route *r);

/*
 * cfg as a routes.yml that `check` and `load` take back and that loads
 * to the same routes and options (`show --config`), in print_yaml.c.
 */
void lpx_config_print_yaml(FILE *out, const struct lpx_config *cfg);

/*
 * The listening sockets r opens: ports x protocols x address families
 * (both IPv4 and IPv6 without listen).
 */
uint64_t lpx_route_listeners(const struct lpx_route *r);

#endif /* LITEPX_PRINT_H */
