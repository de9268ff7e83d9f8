// SPDX-License-Identifier: GPL-2.0
/*
 * TCP traffic for the flood tests (tests/kernel/flood_test.sh), bounded in
 * count and time. Every mode enters the network namespace NS first.
 *
 *   tcp_flood serve NS ADDR PORT SECONDS
 *	An echo server: echoes what it reads, and closes its side after the
 *	client's FIN. Exits after SECONDS.
 *   tcp_flood churn NS SRC DST PORT COUNT PARALLEL SECONDS
 *	Up to COUNT connections from SRC, PARALLEL at a time, for at most
 *	SECONDS, in turn: a normal close, a half-close, a reset (SO_LINGER
 *	0) and an abort right after connect(). Each that gets through must
 *	see its own bytes echoed; a refused or reset one is counted, never
 *	waited for. Fails if a connection hangs (10 s) or an echo is wrong.
 *   tcp_flood hold NS SRC DST PORT COUNT SECONDS
 *	Opens COUNT connections as fast as it can (a handshake flood), holds
 *	them SECONDS, closes them; prints how many were established.
 *   tcp_flood echo NS SRC DST PORT
 *	A real client: connect, 100 bytes there and back, close, within 5 s.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

#define MSG_LEN		64
#define CONN_DEADLINE	10000

/* A non-blocking connect from src (any port) to dst:port; -1 on error. */
static int start_connect(const char *src, const char *dst, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = fill_addr(&ss, src, 0);
	int fd;

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (void *)&ss, len))
		goto fail;
	len = fill_addr(&ss, dst, port);
	if (connect(fd, (void *)&ss, len) && errno != EINPROGRESS)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void reset_close(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* ------------------------------------------------------------ serve */

static int serve(const char *ns, const char *addr, int port, int seconds)
{
	static struct pollfd p[8192];
	struct sockaddr_storage ss;
	socklen_t len = fill_addr(&ss, addr, port);
	long end = now_ms() + seconds * 1000L;
	int lfd, n = 1, one = 1, i, fd;
	char buf[4096];
	ssize_t r;

	enter_named(ns);
	raise_nofile();
	lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (void *)&ss, len) || listen(lfd, 4096)) {
		perror("serve");
		return 2;
	}
	p[0].fd = lfd;
	p[0].events = POLLIN;
	while (now_ms() < end) {
		if (poll(p, n, 200) <= 0)
			continue;
		for (i = n - 1; i >= 1; i--) {
			if (!p[i].revents)
				continue;
			r = read(p[i].fd, buf, sizeof(buf));
			if (r > 0 && write(p[i].fd, buf, r) == r)
				continue;
			if (r < 0 && errno == EAGAIN)
				continue;
			close(p[i].fd);
			p[i] = p[--n];
		}
		while (p[0].revents && n < (int)(sizeof(p) / sizeof(p[0]))) {
			fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
			if (fd < 0)
				break;
			p[n].fd = fd;
			p[n].events = POLLIN;
			p[n++].revents = 0;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ churn */

enum kind { NORMAL, HALF_CLOSE, RESET, ABORT, KINDS };

struct conn {
	int fd;
	enum kind kind;
	bool sent;
	size_t got;
	long deadline;
	unsigned char seed;
};

struct tally {
	long done[KINDS];	/* went through as intended */
	long refused;		/* refused or reset by the far side */
	long hung;
	long corrupt;
};

static void conn_end(struct conn *c, struct tally *t, bool ok, int how)
{
	if (ok)
		t->done[c->kind]++;
	else
		t->refused++;
	if (how == RESET)
		reset_close(c->fd);
	else
		close(c->fd);
	c->fd = -1;
}

static void conn_step(struct conn *c, struct tally *t)
{
	unsigned char buf[MSG_LEN];
	ssize_t n;
	size_t i;

	if (!c->sent) {
		for (i = 0; i < MSG_LEN; i++)
			buf[i] = c->seed + i;
		if (write(c->fd, buf, MSG_LEN) != MSG_LEN) {
			if (errno == EAGAIN)
				return;
			conn_end(c, t, false, NORMAL);
			return;
		}
		c->sent = true;
		if (c->kind == HALF_CLOSE)
			shutdown(c->fd, SHUT_WR);
		return;
	}
	n = read(c->fd, buf, sizeof(buf) - c->got);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		/* EOF after the whole echo is the half-close's happy end. */
		conn_end(c, t, n == 0 && c->kind == HALF_CLOSE &&
			 c->got == MSG_LEN, NORMAL);
		return;
	}
	for (i = 0; i < (size_t)n; i++)
		if (buf[i] != (unsigned char)(c->seed + c->got + i))
			t->corrupt++;
	c->got += n;
	if (c->got < MSG_LEN || c->kind == HALF_CLOSE)
		return;
	conn_end(c, t, true, c->kind == RESET ? RESET : NORMAL);
}

static int churn(const char *ns, const char *src, const char *dst, int port,
		 long count, int parallel, int seconds)
{
	struct conn *c = calloc(parallel, sizeof(*c));
	struct pollfd *p = calloc(parallel, sizeof(*p));
	long end = now_ms() + seconds * 1000L, started = 0, active;
	struct tally t = { 0 };
	int i;

	if (!c || !p)
		return 2;
	enter_named(ns);
	raise_nofile();
	for (i = 0; i < parallel; i++)
		c[i].fd = -1;
	do {
		active = 0;
		for (i = 0; i < parallel; i++) {
			if (c[i].fd < 0 && started < count && now_ms() < end) {
				c[i] = (struct conn){
					.kind = started % KINDS,
					.seed = started,
					.deadline = now_ms() + CONN_DEADLINE,
				};
				c[i].fd = start_connect(src, dst, port);
				started++;
				if (c[i].fd < 0) {
					t.refused++;
				} else if (c[i].kind == ABORT) {
					reset_close(c[i].fd);
					c[i].fd = -1;
					t.done[ABORT]++;
				}
			}
			p[i].fd = c[i].fd;
			p[i].events = c[i].sent ? POLLIN : POLLOUT;
			p[i].revents = 0;
			active += c[i].fd >= 0;
		}
		if (!active)
			continue;
		poll(p, parallel, 100);
		for (i = 0; i < parallel; i++) {
			if (c[i].fd < 0)
				continue;
			if (p[i].revents)
				conn_step(&c[i], &t);
			else if (now_ms() > c[i].deadline) {
				t.hung++;
				reset_close(c[i].fd);
				c[i].fd = -1;
			}
		}
	} while (active || (started < count && now_ms() < end));
	printf("churn: %ld started, %ld normal, %ld half-closed, %ld reset, %ld aborted, %ld refused, %ld hung, %ld corrupt bytes\n",
	       started, t.done[NORMAL], t.done[HALF_CLOSE], t.done[RESET],
	       t.done[ABORT], t.refused, t.hung, t.corrupt);
	return !t.hung && !t.corrupt ? 0 : 1;
}

/* ------------------------------------------------------------ hold */

static int hold(const char *ns, const char *src, const char *dst, int port,
		long count, int seconds)
{
	int *fds = calloc(count, sizeof(*fds));
	long i, up = 0, end;
	struct pollfd p;
	int err;
	socklen_t len = sizeof(err);

	if (!fds)
		return 2;
	enter_named(ns);
	raise_nofile();
	for (i = 0; i < count; i++)
		fds[i] = start_connect(src, dst, port);
	end = now_ms() + seconds * 1000L;
	while (now_ms() < end)
		usleep(100000);
	for (i = 0; i < count; i++) {
		if (fds[i] < 0)
			continue;
		p = (struct pollfd){ .fd = fds[i], .events = POLLOUT };
		if (poll(&p, 1, 0) == 1 &&
		    !getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &len) &&
		    !err && !(p.revents & (POLLHUP | POLLERR)))
			up++;
		close(fds[i]);
	}
	printf("hold: %ld of %ld established and open after %d s\n", up,
	       count, seconds);
	return 0;
}

/* ------------------------------------------------------------ echo */

static int echo(const char *ns, const char *src, const char *dst, int port)
{
	struct timeval tv = { .tv_sec = 5 };
	char out[100], in[100];
	size_t got = 0;
	int fd, flags;
	ssize_t n;
	struct pollfd p;

	enter_named(ns);
	fd = start_connect(src, dst, port);
	if (fd < 0)
		return 1;
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	if (poll(&p, 1, 5000) != 1)
		return 1;
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(out, 'e', sizeof(out));
	if (write(fd, out, sizeof(out)) != sizeof(out))
		return 1;
	while (got < sizeof(in)) {
		n = read(fd, in + got, sizeof(in) - got);
		if (n <= 0)
			return 1;
		got += n;
	}
	close(fd);
	return memcmp(in, out, sizeof(in)) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "serve"))
		return serve(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	if (argc == 9 && !strcmp(argv[1], "churn"))
		return churn(argv[2], argv[3], argv[4], atoi(argv[5]),
			     atol(argv[6]), atoi(argv[7]), atoi(argv[8]));
	if (argc == 8 && !strcmp(argv[1], "hold"))
		return hold(argv[2], argv[3], argv[4], atoi(argv[5]),
			    atol(argv[6]), atoi(argv[7]));
	if (argc == 6 && !strcmp(argv[1], "echo"))
		return echo(argv[2], argv[3], argv[4], atoi(argv[5]));
	fprintf(stderr, "usage: see the comment at the top of %s\n", __FILE__);
	return 2;
}
