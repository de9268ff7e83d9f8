// SPDX-License-Identifier: GPL-2.0
/*
 * udp_flood MODE NS ...: the parts of the UDP floods in
 * tests/kernel/udp_flood_test.sh, each run in network namespace NS.
 *
 *   echo NS ADDR PORT
 *	The target: answers every datagram with the same bytes until
 *	SIGTERM, then prints "echo: N datagrams".
 *   client NS PROXY PORT
 *	The real client: one datagram every 100 ms from one socket, each
 *	waiting up to 3 s for its answer, until SIGTERM; prints "client:
 *	sent N answered M late L longest_gap_ms G" (L answers came after
 *	their 3 s; G is the longest time without an answer). Exits 0 when
 *	all but CLIENT_GRACE datagrams were answered.
 *   spoof NS FIRST_ADDR NADDR NPORTS PROXY PORT
 *	One 32-byte IPv4 datagram from each of NADDR addresses from
 *	FIRST_ADDR on times NPORTS source ports from 1024 on, through a raw
 *	socket: addresses nobody in the guest holds, as a spoofing attacker
 *	sends. Prints "spoof: sent N".
 *   sizes NS SRC PROXY PORT SOCKETS COUNT MAXLEN SEED
 *	COUNT datagrams from each of SOCKETS sockets bound to SRC, of
 *	random sizes from 1 byte to MAXLEN (at most the largest IPv4 UDP
 *	payload; those over 1472 bytes leave in fragments), without reading
 *	answers. Prints "sizes: sent N datagrams, B bytes".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

#define MAX_PAYLOAD	(65535 - 20 - 8)
#define ANSWER_MS	3000
#define CLIENT_PERIOD_MS 100
/* The first datagrams may wait for the session's socket, or a table slot. */
#define CLIENT_GRACE	3

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

/* Without SA_RESTART: a blocked recvfrom() returns to see stop. */
static void catch_term(void)
{
	struct sigaction sa = { .sa_handler = on_term };

	sigaction(SIGTERM, &sa, NULL);
}

static int echo(const char *addr, int port)
{
	static char buf[65536];
	struct sockaddr_storage ss;
	unsigned long count = 0;
	int big = 32 << 20, fd;
	socklen_t len;
	ssize_t n;

	len = fill_addr(&ss, addr, port);
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (!len || fd < 0 || bind(fd, (void *)&ss, len)) {
		perror("echo: bind");
		return 2;
	}
	catch_term();
	printf("echo: ready\n");
	fflush(stdout);
	while (!stop) {
		len = sizeof(ss);
		n = recvfrom(fd, buf, sizeof(buf), 0, (void *)&ss, &len);
		if (n < 0)
			continue;
		count++;
		sendto(fd, buf, n, 0, (void *)&ss, len);
	}
	printf("echo: %lu datagrams\n", count);
	return 0;
}

static int client(const char *proxy, int port)
{
	unsigned int sent = 0, answered = 0, late = 0, seq;
	long last = now_ms(), gap = 0;
	struct sockaddr_storage ss;
	struct pollfd p;
	char buf[64];
	socklen_t len;
	ssize_t n;
	long t;

	len = fill_addr(&ss, proxy, port);
	p.fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	p.events = POLLIN;
	if (!len || p.fd < 0 || connect(p.fd, (void *)&ss, len)) {
		perror("client: connect");
		return 2;
	}
	catch_term();
	while (!stop) {
		seq = sent++;
		snprintf(buf, sizeof(buf), "real client %u", seq);
		if (send(p.fd, buf, strlen(buf), 0) < 0) {
			perror("client: send");
			return 1;
		}
		t = now_ms();
		while (now_ms() - t < ANSWER_MS && !stop) {
			if (poll(&p, 1, ANSWER_MS - (now_ms() - t)) != 1)
				continue;
			n = recv(p.fd, buf, sizeof(buf) - 1, 0);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			/* An answer to an earlier datagram came late. */
			if (strtoul(buf + strlen("real client "), NULL, 10) !=
			    seq) {
				late++;
				continue;
			}
			answered++;
			if (now_ms() - last > gap)
				gap = now_ms() - last;
			last = now_ms();
			break;
		}
		usleep(CLIENT_PERIOD_MS * 1000);
	}
	if (now_ms() - last > gap)
		gap = now_ms() - last;
	printf("client: sent %u answered %u late %u longest_gap_ms %ld\n", sent,
	       answered, late, gap);
	return answered + late + CLIENT_GRACE >= sent ? 0 : 1;
}

static uint16_t csum(const void *data, size_t len)
{
	const uint16_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const uint8_t *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static int spoof(const char *first, unsigned int naddr, unsigned int nports,
		 const char *proxy, int port)
{
	struct {
		struct iphdr ip;
		struct udphdr udp;
		char payload[32];
	} pkt;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long sent = 0;
	struct in_addr base;
	unsigned int a, p;
	int fd;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || inet_pton(AF_INET, first, &base) != 1 ||
	    inet_pton(AF_INET, proxy, &dst.sin_addr) != 1) {
		perror("spoof: socket");
		return 2;
	}
	memset(&pkt, 0, sizeof(pkt));
	pkt.ip.version = 4;
	pkt.ip.ihl = 5;
	pkt.ip.ttl = 64;
	pkt.ip.protocol = IPPROTO_UDP;
	pkt.ip.tot_len = htons(sizeof(pkt));
	pkt.ip.daddr = dst.sin_addr.s_addr;
	pkt.udp.dest = htons(port);
	pkt.udp.len = htons(sizeof(pkt) - sizeof(pkt.ip));
	/* UDP checksum 0: none, allowed over IPv4. */
	memset(pkt.payload, 's', sizeof(pkt.payload));
	for (p = 0; p < nports; p++) {
		for (a = 0; a < naddr; a++) {
			pkt.ip.saddr = htonl(ntohl(base.s_addr) + a);
			pkt.ip.id = htons(sent);
			pkt.ip.check = 0;
			pkt.ip.check = csum(&pkt.ip, sizeof(pkt.ip));
			pkt.udp.source = htons(1024 + p);
			if (sendto(fd, &pkt, sizeof(pkt), 0, (void *)&dst,
				   sizeof(dst)) != sizeof(pkt)) {
				/* A full device queue: try once more. */
				if (errno != ENOBUFS ||
				    sendto(fd, &pkt, sizeof(pkt), 0,
					   (void *)&dst, sizeof(dst)) !=
				    sizeof(pkt)) {
					perror("spoof: sendto");
					return 1;
				}
			}
			sent++;
		}
	}
	printf("spoof: sent %lu\n", sent);
	return 0;
}

static int sizes(const char *src, const char *proxy, int port,
		 unsigned int nsock, unsigned int count, size_t maxlen,
		 unsigned int seed)
{
	static char buf[MAX_PAYLOAD];
	unsigned long sent = 0, bytes = 0;
	struct sockaddr_storage to, from;
	socklen_t tolen, fromlen;
	unsigned int i, k;
	size_t len;
	int *fds;

	fds = calloc(nsock, sizeof(*fds));
	tolen = fill_addr(&to, proxy, port);
	fromlen = fill_addr(&from, src, 0);
	if (!fds || !tolen || !fromlen || !maxlen || maxlen > MAX_PAYLOAD)
		return 2;
	for (i = 0; i < nsock; i++) {
		fds[i] = socket(to.ss_family, SOCK_DGRAM, 0);
		if (fds[i] < 0 || bind(fds[i], (void *)&from, fromlen) ||
		    connect(fds[i], (void *)&to, tolen)) {
			perror("sizes: socket");
			return 2;
		}
	}
	srandom(seed);
	memset(buf, 'z', sizeof(buf));
	for (k = 0; k < count; k++) {
		for (i = 0; i < nsock; i++) {
			len = 1 + random() % maxlen;
			if (send(fds[i], buf, len, 0) != (ssize_t)len) {
				perror("sizes: send");
				return 1;
			}
			sent++;
			bytes += len;
		}
	}
	printf("sizes: sent %lu datagrams, %lu bytes\n", sent, bytes);
	return 0;
}

static int usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s echo NS ADDR PORT\n"
		"       %s client NS PROXY PORT\n"
		"       %s spoof NS FIRST_ADDR NADDR NPORTS PROXY PORT\n"
		"       %s sizes NS SRC PROXY PORT SOCKETS COUNT MAXLEN SEED\n",
		prog, prog, prog, prog);
	return 2;
}

int main(int argc, char **argv)
{

	if (argc < 3)
		return usage(argv[0]);
	raise_nofile();
	setvbuf(stdout, NULL, _IOLBF, 0);
	enter_named(argv[2]);
	if (!strcmp(argv[1], "echo") && argc == 5)
		return echo(argv[3], atoi(argv[4]));
	if (!strcmp(argv[1], "client") && argc == 5)
		return client(argv[3], atoi(argv[4]));
	if (!strcmp(argv[1], "spoof") && argc == 8)
		return spoof(argv[3], atoi(argv[4]), atoi(argv[5]), argv[6],
			     atoi(argv[7]));
	if (!strcmp(argv[1], "sizes") && argc == 10)
		return sizes(argv[3], argv[4], atoi(argv[5]), atoi(argv[6]),
			     atoi(argv[7]), atoi(argv[8]), atoi(argv[9]));
	return usage(argv[0]);
}
