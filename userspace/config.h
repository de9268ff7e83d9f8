/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything about a routes.yml for the commands and the tests: the
 * model, loading it, printing it and naming its values.
 */
#ifndef LITEPX_CONFIG_H
#define LITEPX_CONFIG_H

#include "load.h"
#include "model.h"
#include "names.h"
#include "print.h"

#endif /* LITEPX_CONFIG_H */
