/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Words for the model's values, shared by the loader's messages, the
 * printers and `show`.
 */
#ifndef LITEPX_NAMES_H
#define LITEPX_NAMES_H

#include <stddef.h>

#include "model.h"

const char *lpx_proxy_protocol_name(enum litepx_proxy_protocol pp);
const char *lpx_log_level_name(enum litepx_log_level level);
const char *lpx_protocols_name(unsigned int protocols);
/* Formats an address into buf (at least INET6_ADDRSTRLEN bytes). */
const char *lpx_addr_str(const struct lpx_addr *addr, char *buf, size_t len);
/*
 * Length of the multi-byte UTF-8 sequence at s; 0 for ASCII or a byte that
 * starts no valid sequence. For printers that must write valid JSON or YAML.
 */
size_t lpx_utf8_len(const unsigned char *s);

#endif /* LITEPX_NAMES_H */
