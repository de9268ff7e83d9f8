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

static int family_of(const char *addr)
{
	return strchr(addr, ':') ? AF_INET6 : AF_INET;
}

static socklen_t fill(struct sockaddr_storage *ss, const char *addr, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family_of(addr) == AF_INET) {
		struct sockaddr_in *sin = (void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (void *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &sin6->sin6_addr);
	return sizeof(*sin6);
}

static void enter(const char *ns)
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

int main(int argc, char **argv)
{
	struct rlimit lim = { 65536, 65536 };
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
	setrlimit(RLIMIT_NOFILE, &lim);
	fds = calloc(count, sizeof(*fds));
	tfds = calloc(count, sizeof(*tfds));
	if (!fds || !tfds)
		return 2;

	enter(argv[2]);
	lfd = socket(family_of(argv[5]), SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	len = fill(&ss, argv[5], atoi(argv[6]));
	if (bind(lfd, (void *)&ss, len) || listen(lfd, 4096)) {
		perror("target listen");
		return 2;
	}
	enter(argv[1]);
	len = fill(&ss, argv[3], atoi(argv[4]));
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
