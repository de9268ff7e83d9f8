// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the guest tests and the programs they run (lib.h).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../../userspace/netlink.h"
#include "lib.h"

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint8_t pattern_byte(uint64_t seed, uint64_t off)
{
	uint64_t x = seed ^ ((off >> 3) * 0x9E3779B97F4A7C15ULL);

	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	return x >> ((off & 7) * 8);
}

int open_ns(const char *kind, const char *suffix)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s-%s", kind, suffix);
	return open(path, O_RDONLY);
}

int enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWNET);
}

void enter_named(const char *ns)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		perror(path);
		exit(2);
	}
	close(fd);
}

void raise_nofile(void)
{
	struct rlimit rl = { 65536, 65536 };

	setrlimit(RLIMIT_NOFILE, &rl);
}

int family_of(const char *addr)
{
	return strchr(addr, ':') ? AF_INET6 : AF_INET;
}

socklen_t make_addr(struct sockaddr_storage *ss, int family,
		    const char *text, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, text, &sin->sin_addr);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (void *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	inet_pton(AF_INET6, text, &sin6->sin6_addr);
	return sizeof(*sin6);
}

socklen_t fill_addr(struct sockaddr_storage *ss, const char *addr, int port)
{
	int family = family_of(addr);
	socklen_t len = make_addr(ss, family, addr, port);
	struct in6_addr parsed;

	return inet_pton(family, addr, &parsed) == 1 ? len : 0;
}

void set_dest(struct lpx_addr *a, int family, const char *text)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	inet_pton(family, text, family == AF_INET ? (void *)&a->v4 :
						    (void *)&a->v6);
}

int one_route_config(struct lpx_config *cfg, unsigned int protocols,
		     uint16_t port, int family, const char *dest,
		     uint16_t dest_port, uint32_t sockbuf)
{
	struct lpx_route *r;

	memset(cfg, 0, sizeof(*cfg));
	cfg->opts.worker_threads = 0;
	cfg->opts.idle_timeout_ms = 60000;
	cfg->opts.connect_timeout_ms = 5000;
	cfg->opts.shutdown_timeout_ms = 60000;
	cfg->opts.log_level = LITEPX_LOG_DEBUG;
	cfg->opts.ipv6_prefix = 64;
	cfg->opts.rcvbuf = sockbuf;
	cfg->opts.sndbuf = sockbuf;
	/* Room for the second route some tests add. */
	cfg->routes = calloc(2, sizeof(*cfg->routes));
	if (!cfg->routes)
		return -1;
	cfg->nroutes = 1;
	r = &cfg->routes[0];
	r->id = 1;
	r->protocols = protocols;
	r->port_from = port;
	r->port_to = port;
	r->dest_port = dest_port;
	r->dest_host = strdup(dest);
	set_dest(&r->dests[0], family, dest);
	r->ndests = 1;
	return 0;
}

struct lpx_route *add_second_route(struct lpx_config *cfg, uint16_t port)
{
	struct lpx_route *r2 = &cfg->routes[1];

	*r2 = cfg->routes[0];
	r2->id = 2;
	r2->port_from = port;
	r2->port_to = port;
	r2->dest_host = strdup(cfg->routes[0].dest_host);
	r2->description = NULL;
	cfg->nroutes = 2;
	return r2;
}

int load_config(struct lpx_nl *nl, const struct lpx_config *cfg)
{
	int err = lpx_nl_config_set(nl, cfg);

	if (err)
		fprintf(stderr, "# load: %d %s\n", err,
			lpx_nl_last_error(nl)->msg);
	return err;
}

long long stats_value(int px, const char *key)
{
	size_t len = strlen(key);
	long long value = -1;
	char line[256];
	FILE *f;

	if (enter(px))
		return -1;
	f = fopen("/proc/litepx/stats", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ' ')
			value = strtoll(line + len, NULL, 10);
	if (f)
		fclose(f);
	return value;
}

long long route_counter(int px, unsigned int id, const char *name)
{
	char *line = NULL, *tok, *save;
	long long value = -1;
	size_t cap = 0;
	int col = -1, i;
	FILE *f;

	if (enter(px))
		return -1;
	f = fopen("/proc/litepx/routes", "r");
	if (!f)
		return -1;
	if (getline(&line, &cap, f) > 0) {
		tok = strtok_r(line, " \n", &save);
		for (i = 0; tok; i++, tok = strtok_r(NULL, " \n", &save))
			if (!strcmp(tok, name))
				col = i;
	}
	if (col < 0)
		fprintf(stderr, "# /proc/litepx/routes has no column %s\n",
			name);
	while (col >= 0 && getline(&line, &cap, f) > 0) {
		if (strtoul(line, NULL, 10) != id)
			continue;
		tok = strtok_r(line, " \n", &save);
		for (i = 0; tok && i < col; i++)
			tok = strtok_r(NULL, " \n", &save);
		if (tok)
			value = strtoll(tok, NULL, 10);
		break;
	}
	free(line);
	fclose(f);
	return value;
}

long long wait_counter(int px, unsigned int id, const char *name,
		       long long want, int ms)
{
	long end = now_ms() + ms;
	long long v;

	while ((v = route_counter(px, id, name)) != want && now_ms() < end)
		usleep(20000);
	return v;
}

long long wait_counter_at_least(int px, unsigned int id, const char *name,
				long long want, int ms)
{
	long end = now_ms() + ms;
	long long v;

	while ((v = route_counter(px, id, name)) < want && now_ms() < end)
		usleep(20000);
	return v;
}
