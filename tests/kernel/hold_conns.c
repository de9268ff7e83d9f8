// SPDX-License-Identifier: GPL-2.0
/*
 * hold_conns CLIENT_NS TARGET_NS PROXY_ADDR PORT TARGET_ADDR TPORT COUNT
 *
 * Opens COUNT connections from the client namespace through the proxy to
 * a listener in the target namespace, proves each with an echo, prints
 * "ready" and then waits until every client socket has been closed by the
 * other side (as when litepx is unloaded). Exits 0 when all COUNT closed
 * within 60 s. A helper for run.sh's "rmmod under load" check.
 */
#include <arpa/inet.h>
#include <errno.h>
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

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	int count, i, lfd, one = 1, closed = 0;
	struct pollfd *fds;
	int *tfds;
	socklen_t len;
	char c;

	if (argc != 8) {
		fprintf(stderr, "usage: %s CLIENT_NS TARGET_NS PROXY_ADDR PORT TARGET_ADDR TPORT COUNT\n",
			argv[0]);
		return 2;
	}
	count = atoi(argv[7]);
	raise_nofile();
	fds = calloc(count, sizeof(*fds));
	tfds = calloc(count, sizeof(*tfds));
	if (!fds || !tfds)
		return 2;

	enter_named(argv[2]);
	lfd = socket(family_of(argv[5]), SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	len = fill_addr(&ss, argv[5], atoi(argv[6]));
	if (bind(lfd, (void *)&ss, len) || listen(lfd, 4096)) {
		perror("target listen");
		return 2;
	}
	enter_named(argv[1]);
	len = fill_addr(&ss, argv[3], atoi(argv[4]));
	for (i = 0; i < count; i++) {
		fds[i].fd = socket(family_of(argv[3]), SOCK_STREAM, 0);
		fds[i].events = POLLIN;
		if (connect(fds[i].fd, (void *)&ss, len)) {
			perror("connect");
			return 1;
		}
		tfds[i] = accept(lfd, NULL, NULL);
		c = 'x';
		if (tfds[i] < 0 || write(fds[i].fd, &c, 1) != 1 ||
		    read(tfds[i], &c, 1) != 1) {
			fprintf(stderr, "connection %d not relayed\n", i);
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (closed < count) {
		if (poll(fds, count, 60000) <= 0)
			break;
		for (i = 0; i < count; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			if (read(fds[i].fd, &c, 1) <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				closed++;
			}
		}
	}
	printf("closed %d of %d\n", closed, count);
	return closed == count ? 0 : 1;
}
