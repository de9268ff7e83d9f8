// SPDX-License-Identifier: GPL-2.0
/*
 * The target of udp_test.c's traffic: a UDP server on its own thread in
 * the target's namespace (udp_traffic.h).
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

/*
 * An independent reading of proxy-protocol.txt section 2.2 for datagrams:
 * signature, version 2 / command PROXY, AF_INET or AF_INET6 over DGRAM,
 * length, addresses and ports, then TLVs if any (skipped). Returns the
 * header's length, or -1 if it is not a valid header for family.
 */
static int parse_proxy_v2(const uint8_t *buf, size_t len, int family,
			  struct sockaddr_storage *src,
			  struct sockaddr_storage *dst)
{
	/* "\r\n\r\n\0\r\nQUIT\n" */
	static const uint8_t sig[12] = {
		0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49,
		0x54, 0x0a,
	};
	size_t alen = family == AF_INET ? 4 : 16;
	size_t hlen;
	const uint8_t *a;

	if (len < 16 || memcmp(buf, sig, sizeof(sig)))
		return -1;
	if (buf[12] != 0x21)
		return -1;
	if (buf[13] != (family == AF_INET ? 0x12 : 0x22))
		return -1;
	hlen = buf[14] << 8 | buf[15];
	if (hlen < 2 * alen + 4 || 16 + hlen > len)
		return -1;
	a = buf + 16;
	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	if (family == AF_INET) {
		struct sockaddr_in *s = (void *)src, *d = (void *)dst;

		s->sin_family = d->sin_family = AF_INET;
		memcpy(&s->sin_addr, a, 4);
		memcpy(&d->sin_addr, a + 4, 4);
		memcpy(&s->sin_port, a + 8, 2);
		memcpy(&d->sin_port, a + 10, 2);
	} else {
		struct sockaddr_in6 *s = (void *)src, *d = (void *)dst;

		s->sin6_family = d->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, a, 16);
		memcpy(&d->sin6_addr, a + 16, 16);
		memcpy(&s->sin6_port, a + 32, 2);
		memcpy(&d->sin6_port, a + 34, 2);
	}
	return 16 + hlen;
}

/*
 * An independent reading of Cloudflare's Simple Proxy Protocol header: 38
 * bytes, magic 0x56EC, client and proxy addresses as IPv6 (IPv4 mapped
 * into IPv6 for an IPv4 client), client and proxy ports, all in network
 * byte order. Returns 38, or -1 if it is not a valid header for family.
 */
static int parse_spp(const uint8_t *buf, size_t len, int family,
		     struct sockaddr_storage *src, struct sockaddr_storage *dst)
{
	static const uint8_t v4_mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	};
	const uint8_t *addr[2] = { buf + 2, buf + 18 };
	const uint8_t *port[2] = { buf + 34, buf + 36 };
	struct sockaddr_storage *out[2] = { src, dst };
	int i;

	if (len < 38 || buf[0] != 0x56 || buf[1] != 0xec)
		return -1;
	for (i = 0; i < 2; i++) {
		memset(out[i], 0, sizeof(*out[i]));
		if (family == AF_INET) {
			struct sockaddr_in *sin = (void *)out[i];

			if (memcmp(addr[i], v4_mapped, sizeof(v4_mapped)))
				return -1;
			sin->sin_family = AF_INET;
			memcpy(&sin->sin_addr, addr[i] + 12, 4);
			memcpy(&sin->sin_port, port[i], 2);
		} else {
			struct sockaddr_in6 *sin6 = (void *)out[i];

			sin6->sin6_family = AF_INET6;
			memcpy(&sin6->sin6_addr, addr[i], 16);
			memcpy(&sin6->sin6_port, port[i], 2);
		}
	}
	return 38;
}

static struct target_source *target_source(struct target *t,
					   const struct sockaddr_storage *from)
{
	struct target_source *s;
	unsigned int i;

	for (i = 0; i < t->nsources; i++)
		if (same_endpoint(&t->sources[i].addr, from))
			return &t->sources[i];
	if (t->nsources == MAX_SOURCES) {
		t->too_many_sources++;
		return NULL;
	}
	s = &t->sources[t->nsources++];
	memset(s, 0, sizeof(*s));
	s->addr = *from;
	s->client_id = NO_CLIENT;
	return s;
}

static void target_datagram(struct target *t, uint8_t *buf, size_t n,
			    const struct sockaddr_storage *from,
			    socklen_t fromlen)
{
	struct sockaddr_storage hsrc, hdst;
	struct target_source *s;
	uint8_t *payload = buf;
	size_t len = n, i;
	int hlen = 0;
	uint32_t id;
	bool echo, with_header;
	long stamp;

	pthread_mutex_lock(&t->lock);
	t->packets++;
	if (n > BUF_LEN) {
		t->truncated++;
		pthread_mutex_unlock(&t->lock);
		return;
	}
	if (t->header != NO_HEADER) {
		hlen = t->header == PROXY_V2 ?
		       parse_proxy_v2(buf, n, t->family, &hsrc, &hdst) :
		       parse_spp(buf, n, t->family, &hsrc, &hdst);
		if (hlen < 0 || !same_endpoint(&hdst, &t->header_dst)) {
			t->bad_header++;
			pthread_mutex_unlock(&t->lock);
			return;
		}
		payload += hlen;
		len -= hlen;
	}
	t->bytes += len;
	id = datagram_client(payload, len);
	if (len >= TAGGED_MIN && id == NO_CLIENT)
		t->bad_content++;
	s = target_source(t, from);
	if (s) {
		s->packets++;
		s->bytes += len;
		if (id != NO_CLIENT && s->client_id == NO_CLIENT)
			s->client_id = id;
		else if (id != NO_CLIENT && s->client_id != id)
			s->mixed++;
		if (t->header != NO_HEADER && s->packets == 1)
			s->header_src = hsrc;
		else if (t->header != NO_HEADER &&
			 !same_endpoint(&s->header_src, &hsrc))
			s->header_changed++;
	}
	echo = t->echo;
	with_header = t->header_in_reply;
	pthread_mutex_unlock(&t->lock);
	if (!echo)
		return;
	for (i = 0; i < len; i++)
		payload[i] = ~payload[i];
	if (with_header) {
		payload = buf;
		len += hlen;
	}
	/*
	 * Stamped and recorded before sending: litepx sees the reply no
	 * earlier, and a client that has its reply finds the stamp set.
	 */
	stamp = now_ms();
	pthread_mutex_lock(&t->lock);
	t->last_reply_ms = stamp;
	pthread_mutex_unlock(&t->lock);
	if (sendto(t->fd, payload, len, 0, (const void *)from, fromlen) !=
	    (ssize_t)len) {
		pthread_mutex_lock(&t->lock);
		t->send_errors++;
		pthread_mutex_unlock(&t->lock);
	}
}

static void *target_loop(void *arg)
{
	static __thread uint8_t buf[BUF_LEN];
	struct target *t = arg;
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t n;

	while (!atomic_load(&t->stop)) {
		if (poll(&p, 1, 50) != 1)
			continue;
		fromlen = sizeof(from);
		n = recvfrom(t->fd, buf, sizeof(buf), MSG_TRUNC | MSG_DONTWAIT,
			     (void *)&from, &fromlen);
		if (n >= 0)
			target_datagram(t, buf, n, &from, fromlen);
	}
	return NULL;
}

struct target *target_start(int nsfd, int family, const char *addr,
			    uint16_t port)
{
	struct target *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->family = family;
	t->echo = true;
	pthread_mutex_init(&t->lock, NULL);
	t->fd = udp_socket_in(nsfd, family, addr, port, 64 << 20);
	if (t->fd < 0 || pthread_create(&t->thread, NULL, target_loop, t)) {
		if (t->fd >= 0)
			close(t->fd);
		free(t);
		return NULL;
	}
	return t;
}

void target_stop(struct target *t)
{
	if (!t)
		return;
	atomic_store(&t->stop, true);
	pthread_join(t->thread, NULL);
	close(t->fd);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

uint64_t target_packets(struct target *t)
{
	uint64_t v;

	pthread_mutex_lock(&t->lock);
	v = t->packets;
	pthread_mutex_unlock(&t->lock);
	return v;
}

/* Datagrams the target got from client id, over all its sessions. */
uint64_t target_from_client(struct target *t, uint32_t id,
			    uint64_t *bytes)
{
	uint64_t packets = 0, b = 0;
	unsigned int i;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->nsources; i++) {
		if (t->sources[i].client_id != id)
			continue;
		packets += t->sources[i].packets;
		b += t->sources[i].bytes;
	}
	pthread_mutex_unlock(&t->lock);
	if (bytes)
		*bytes = b;
	return packets;
}

/* The sessions (sources) through which client id reached the target. */
unsigned int target_sessions_of(struct target *t, uint32_t id)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->nsources; i++)
		n += t->sources[i].client_id == id;
	pthread_mutex_unlock(&t->lock);
	return n;
}

unsigned int target_nsources(struct target *t)
{
	unsigned int n;

	pthread_mutex_lock(&t->lock);
	n = t->nsources;
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* Every count that must stay zero whatever the test, with its name. */
int target_errors(struct target *t)
{
	uint64_t mixed = 0;
	unsigned int i;
	int errors = 0;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->nsources; i++)
		mixed += t->sources[i].mixed;
#define TARGET_ERROR(name, value) do { \
	if (value) { \
		fprintf(stderr, "# target: %s: %llu\n", name, \
			(unsigned long long)(value)); \
		errors++; \
	} \
} while (0)
	TARGET_ERROR("datagrams with bad content", t->bad_content);
	TARGET_ERROR("datagrams with a bad PROXY header", t->bad_header);
	TARGET_ERROR("datagrams truncated", t->truncated);
	TARGET_ERROR("echoes that failed", t->send_errors);
	TARGET_ERROR("datagrams of other clients in a session", mixed);
	TARGET_ERROR("sources beyond the table", t->too_many_sources);
#undef TARGET_ERROR
	pthread_mutex_unlock(&t->lock);
	return errors;
}
