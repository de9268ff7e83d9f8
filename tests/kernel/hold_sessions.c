// SPDX-License-Identifier: GPL-2.0
/*
 * hold_sessions CLIENT_NS TARGET_NS PROXY_ADDR PORT TARGET_ADDR TPORT COUNT
 *
 * Opens COUNT UDP sessions through the proxy: COUNT client sockets each
 * send one datagram, a socket in the target namespace answers each, and
 * every client must get its own answer back. The sessions stay open in
 * the proxy (until their idle timeout) after this exits. Exits 0 when all
 * COUNT were answered. A helper for run.sh's "rmmod under load" check.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib.h"

/* Answers every datagram waiting on fd with the same bytes. */
static void echo_all(int fd)
{
	struct sockaddr_storage from;
	char buf[64];
	socklen_t len;
	ssize_t n;

	for (;;) {
		len = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (void *)&from, &len);
		if (n < 0)
			return;
		sendto(fd, buf, n, 0, (void *)&from, len);
	}
}

/*
 * Plays the target until client fd i gets its own answer back, for at
 * most 10 s (setting up a session takes the proxy a work item).
 */
static int answered(int tfd, int fd, const char *want)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char got[32];
	int tries;
	ssize_t n;

	for (tries = 0; tries < 200; tries++) {
		echo_all(tfd);
		if (poll(&p, 1, 50) != 1)
			continue;
		n = recv(fd, got, sizeof(got), 0);
		return n == (ssize_t)strlen(want) && !memcmp(got, want, n);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	int count, i, tfd, fd;
	char msg[32];
	socklen_t len;

	if (argc != 8) {
		fprintf(stderr, "usage: %s CLIENT_NS TARGET_NS PROXY_ADDR PORT TARGET_ADDR TPORT COUNT\n",
			argv[0]);
		return 2;
	}
	count = atoi(argv[7]);
	raise_nofile();
	enter_named(argv[2]);
	tfd = socket(family_of(argv[5]), SOCK_DGRAM, 0);
	len = fill_addr(&ss, argv[5], atoi(argv[6]));
	if (tfd < 0 || bind(tfd, (void *)&ss, len)) {
		perror("target bind");
		return 2;
	}
	enter_named(argv[1]);
	len = fill_addr(&ss, argv[3], atoi(argv[4]));
	for (i = 0; i < count; i++) {
		fd = socket(family_of(argv[3]), SOCK_DGRAM, 0);
		if (fd < 0 || connect(fd, (void *)&ss, len)) {
			perror("client socket");
			return 1;
		}
		snprintf(msg, sizeof(msg), "session %d", i);
		if (send(fd, msg, strlen(msg), 0) < 0) {
			perror("send");
			return 1;
		}
		if (!answered(tfd, fd, msg)) {
			fprintf(stderr, "session %d not answered\n", i);
			return 1;
		}
		/* Kept open: a closed socket's port could come back for a later one. */
	}
	printf("%d sessions answered\n", count);
	return 0;
}
