// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of udp_test.c's traffic, and what the proxy says of its
 * sessions (udp_traffic.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"
#include "udp_traffic.h"

uint64_t make_seed(uint32_t client_id, uint32_t seq)
{
	return SEED_MAGIC << 48 | (uint64_t)(client_id & 0xffffff) << 24 |
	       (seq & 0xffffff);
}

/* Byte off of a datagram of len bytes: tagged ones begin with the seed. */
static uint8_t datagram_byte(uint64_t seed, size_t len, size_t off)
{
	if (len >= TAGGED_MIN && off < 8)
		return seed >> (off * 8);
	return pattern_byte(seed ^ len, off);
}

void fill_datagram(uint8_t *buf, uint64_t seed, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = datagram_byte(seed, len, i);
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The client a tagged datagram names, NO_CLIENT if it is not one of ours. */
uint32_t datagram_client(const uint8_t *buf, size_t len)
{
	uint64_t seed;
	size_t i;

	if (len < TAGGED_MIN)
		return NO_CLIENT;
	seed = get_le64(buf);
	if (seed >> 48 != SEED_MAGIC)
		return NO_CLIENT;
	for (i = 8; i < len; i++)
		if (buf[i] != datagram_byte(seed, len, i))
			return NO_CLIENT;
	return seed >> 24 & 0xffffff;
}

uint16_t endpoint_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* Same family, address and port; nothing else (scope, flow) compared. */
bool same_endpoint(const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family ||
	    endpoint_port(a) != endpoint_port(b))
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

bool is_endpoint(const struct sockaddr_storage *ss, int family,
		 const char *addr, uint16_t port)
{
	struct sockaddr_storage want;

	make_addr(&want, family, addr, port);
	return same_endpoint(ss, &want);
}

const char *endpoint_str(const struct sockaddr_storage *ss,
			 char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
			  text, sizeof(text));
		snprintf(buf, len, "%s:%u", text, endpoint_port(ss));
	} else {
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)ss)->sin6_addr, text,
			  sizeof(text));
		snprintf(buf, len, "[%s]:%u", text, endpoint_port(ss));
	}
	return buf;
}

struct sockaddr_storage local_endpoint(int fd)
{
	struct sockaddr_storage ss = {};
	socklen_t len = sizeof(ss);

	getsockname(fd, (void *)&ss, &len);
	return ss;
}

/*
 * A UDP socket in namespace nsfd bound to addr:port, with room for many
 * reassembled datagrams (SO_RCVBUFFORCE: the tests run as root).
 */
int udp_socket_in(int nsfd, int family, const char *addr,
		  uint16_t port, int rcvbuf)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, family, addr, port);
	int fd;

	if (enter(nsfd))
		return -1;
	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (void *)&ss, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

int client_send(struct client *c, size_t len)
{
	static uint8_t buf[BUF_LEN];

	c->seed = make_seed(c->id, c->sent);
	c->len = len;
	fill_datagram(buf, c->seed, len);
	if (send(c->fd, buf, len, 0) != (ssize_t)len) {
		fprintf(stderr, "# client %u: send of %zu bytes: %s\n", c->id,
			len, strerror(errno));
		return -1;
	}
	c->sent++;
	c->bytes += len;
	c->deadline = now_ms() + REPLY_TIMEOUT_MS;
	c->waiting = true;
	return 0;
}

/* Reads one reply and checks it is the complement of the last datagram. */
static int client_receive(struct client *c)
{
	static uint8_t buf[BUF_LEN];
	ssize_t n;
	size_t i;

	n = recv(c->fd, buf, sizeof(buf), MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return 1;
	c->waiting = false;
	if (n < 0) {
		fprintf(stderr, "# client %u: recv: %s\n", c->id,
			strerror(errno));
		return -1;
	}
	if ((size_t)n != c->len) {
		fprintf(stderr, "# client %u: datagram %u: sent %zu bytes, reply has %zd\n",
			c->id, c->sent - 1, c->len, n);
		return -1;
	}
	for (i = 0; i < c->len; i++) {
		if (buf[i] != (uint8_t)~datagram_byte(c->seed, c->len, i)) {
			fprintf(stderr, "# client %u: datagram %u (%zu bytes): reply differs at byte %zu\n",
				c->id, c->sent - 1, c->len, i);
			return -1;
		}
	}
	c->replies++;
	return 0;
}

/*
 * Every client sends its rounds datagrams one at a time, each after the
 * reply to the previous one, all clients at once. Client c's k-th datagram
 * has sizes[(c->id + k) % nsizes] bytes, so all sizes are in flight
 * together. Returns the number of datagrams that failed.
 */
int exchange(struct client *c, unsigned int n, const size_t *sizes,
	     unsigned int nsizes, unsigned int rounds)
{
	struct pollfd *p = calloc(n, sizeof(*p));
	unsigned int i, busy;
	int failures = 0, err;
	size_t size;
	long now;

	if (!p)
		return -1;
	for (i = 0; i < n; i++) {
		c[i].rounds = c[i].sent + rounds;
		c[i].waiting = false;
	}
	for (;;) {
		busy = 0;
		for (i = 0; i < n; i++) {
			size = sizes[(c[i].id + c[i].sent) % nsizes];
			if (!c[i].waiting && c[i].sent < c[i].rounds &&
			    client_send(&c[i], size)) {
				failures++;
				c[i].rounds = c[i].sent;
			}
			p[i].fd = c[i].waiting ? c[i].fd : -1;
			p[i].events = POLLIN;
			busy += c[i].waiting;
		}
		if (!busy)
			break;
		poll(p, n, 100);
		now = now_ms();
		for (i = 0; i < n; i++) {
			if (!c[i].waiting)
				continue;
			err = p[i].revents ? client_receive(&c[i]) : 1;
			if (!err)
				continue;
			if (err > 0 && now <= c[i].deadline)
				continue;
			if (err > 0)
				fprintf(stderr, "# client %u: no reply to datagram %u (%zu bytes) in %d ms\n",
					c[i].id, c[i].sent - 1, c[i].len,
					REPLY_TIMEOUT_MS);
			/* This client is done: it failed. */
			c[i].waiting = false;
			c[i].rounds = c[i].sent;
			failures++;
		}
	}
	free(p);
	return failures;
}

/* "a.b.c.d:port" or "[v6]:port" */
static int parse_endpoint(const char *text, struct sockaddr_storage *ss)
{
	char addr[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(text, ':');
	struct in6_addr in6;
	size_t len;

	if (!colon || colon - text >= (long)sizeof(addr))
		return -1;
	len = colon - text;
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (addr[0] == '[') {
		if (len < 2 || addr[len - 1] != ']')
			return -1;
		addr[len - 1] = '\0';
		make_addr(ss, AF_INET6, addr + 1, atoi(colon + 1));
		return inet_pton(AF_INET6, addr + 1, &in6) == 1 ? 0 : -1;
	}
	make_addr(ss, AF_INET, addr, atoi(colon + 1));
	return inet_pton(AF_INET, addr, &in6) == 1 ? 0 : -1;
}

/*
 * Reads /proc/litepx/sessions in the proxy's namespace into out (at most
 * max lines); returns the number of sessions, or -1 if the file is
 * missing or a line does not parse.
 */
int read_sessions(int px, struct session *out, int max)
{
	char *line = NULL, client[80], local[80], target[80];
	struct session s;
	size_t cap = 0;
	int n = 0;
	FILE *f;

	if (enter(px))
		return -1;
	f = fopen("/proc/litepx/sessions", "r");
	if (!f)
		return -1;
	if (getline(&line, &cap, f) <= 0)
		n = -1;
	while (n >= 0 && getline(&line, &cap, f) > 0) {
		memset(&s, 0, sizeof(s));
		if (sscanf(line, "%u %7s %79s %79s %79s %15s %llu %llu %llu %llu %llu %llu",
			   &s.route, s.proto, client, local, target, s.state,
			   &s.age_ms, &s.idle_ms, &s.bytes_to_target,
			   &s.bytes_to_client, &s.packets_to_target,
			   &s.packets_to_client) != 12 ||
		    parse_endpoint(client, &s.client) ||
		    parse_endpoint(local, &s.local) ||
		    parse_endpoint(target, &s.target)) {
			fprintf(stderr, "# /proc/litepx/sessions: bad line %s",
				line);
			n = -1;
			break;
		}
		if (n < max)
			out[n] = s;
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* Polls until the proxy lists want sessions; returns the last count. */
int wait_sessions(int px, int want, int ms)
{
	long end = now_ms() + ms;
	int n;

	while ((n = read_sessions(px, NULL, 0)) != want && now_ms() < end)
		usleep(20000);
	return n;
}
