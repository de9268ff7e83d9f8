/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LITEPX_PRINT_H
#define LITEPX_PRINT_H

#include <stdio.h>

#include "model.h"

/* Printing of the normalised config for `litepxctl check`. */
void lpx_config_print(FILE *out, const struct lpx_config *cfg);
void lpx_config_print_json(FILE *out, const struct lpx_config *cfg);

#endif /* LITEPX_PRINT_H */
