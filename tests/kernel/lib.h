/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest tests and their helper programs share: time, the byte
 * pattern both ends of a transfer can replay, network namespaces,
 * socket addresses, and litepx's view of itself in /proc/litepx.
 */
#ifndef LITEPX_TEST_LIB_H
#define LITEPX_TEST_LIB_H

#include <stdint.h>
#include <sys/socket.h>

#include "../../userspace/model.h"

struct lpx_nl;

/* CLOCK_MONOTONIC in milliseconds. */
long now_ms(void);

/* Byte off of the stream seed: both ends can compute it independently. */
uint8_t pattern_byte(uint64_t seed, uint64_t off);

/*
 * Namespaces of the harness tests are topo.sh's KIND-SUFFIX, held open
 * by fd; the helper programs get their namespace's name on the command
 * line and enter it once, exiting with status 2 when they cannot.
 */
int open_ns(const char *kind, const char *suffix);
int enter(int nsfd);
void enter_named(const char *name);

/* The same limit for every helper that holds thousands of sockets. */
void raise_nofile(void);

/* AF_INET6 for an address with a colon, else AF_INET. */
int family_of(const char *addr);
/* ss for text:port in family; text is trusted to be an address of it. */
socklen_t make_addr(struct sockaddr_storage *ss, int family,
		    const char *text, uint16_t port);
/* The same with the family taken from the text; 0 when not an address. */
socklen_t fill_addr(struct sockaddr_storage *ss, const char *addr, int port);

/* A route's destination address, in family. */
void set_dest(struct lpx_addr *a, int family, const char *text);

/*
 * cfg with one route, id 1, from port to dest:dest_port (an address of
 * family) over protocols (LITEPX_PROTO_*), and the options the guest
 * tests start from: no limits, debug logging, socket buffers of sockbuf
 * bytes. -1 when out of memory.
 */
int one_route_config(struct lpx_config *cfg, unsigned int protocols,
		     uint16_t port, int family, const char *dest,
		     uint16_t dest_port, uint32_t sockbuf);
/* Route 2: a copy of route 1 on another port (one_route_config made room). */
struct lpx_route *add_second_route(struct lpx_config *cfg, uint16_t port);

/* Sends cfg to the kernel; prints the kernel's reason when refused. */
int load_config(struct lpx_nl *nl, const struct lpx_config *cfg);

/*
 * /proc/litepx read in the proxy's namespace px: a namespace-wide value
 * of /proc/litepx/stats, and route id's value in the column named name
 * of /proc/litepx/routes; -1 when there is none.
 */
long long stats_value(int px, const char *key);
long long route_counter(int px, unsigned int id, const char *name);
/* Polls until the counter equals want; returns the last value read. */
long long wait_counter(int px, unsigned int id, const char *name,
		       long long want, int ms);
/* Polls until the counter is at least want; returns the last value read. */
long long wait_counter_at_least(int px, unsigned int id, const char *name,
				long long want, int ms);

#endif /* LITEPX_TEST_LIB_H */
