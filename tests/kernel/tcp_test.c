// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP relay end to end, IPv4 and IPv6: client, proxy and target hosts
 * in their own network namespaces (tests/kernel/topo.sh), litepx loaded in
 * the proxy's. Every transfer is checked byte for byte against a
 * generator both ends can replay. Needs root and litepx.ko loaded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netinet/tcp.h>

#include "kselftest_harness.h"
#include "../../userspace/config.h"
#include "../../userspace/netlink.h"
#include "lib.h"

#define LISTEN_PORT	8000
#define TARGET_PORT	9000
#define MIB		(1024 * 1024)

struct stream {
	int fd;
	uint64_t seed;
	size_t len;		/* bytes to send, or expected */
	bool shut_after;	/* sender: shutdown(SHUT_WR) when done */
	unsigned int rnd;	/* sender: chunk sizes */
	useconds_t pause;	/* pause between chunks */
	size_t done;
	size_t bad_at;		/* receiver: first mismatch + 1, 0 if none */
	int err;
};

static void *send_stream(void *arg)
{
	struct stream *st = arg;
	static __thread uint8_t buf[65536];
	size_t chunk, i;
	ssize_t n;

	while (st->done < st->len) {
		chunk = 1 + rand_r(&st->rnd) % sizeof(buf);
		if (chunk > st->len - st->done)
			chunk = st->len - st->done;
		for (i = 0; i < chunk; i++)
			buf[i] = pattern_byte(st->seed, st->done + i);
		for (i = 0; i < chunk; i += n) {
			n = write(st->fd, buf + i, chunk - i);
			if (n <= 0) {
				st->err = n < 0 ? errno : EPIPE;
				return NULL;
			}
		}
		st->done += chunk;
		if (st->pause)
			usleep(st->pause);
	}
	if (st->shut_after)
		shutdown(st->fd, SHUT_WR);
	return NULL;
}

/* Reads to EOF, checking every byte; err is set on a read error. */
static void *recv_stream(void *arg)
{
	struct stream *st = arg;
	static __thread uint8_t buf[65536];
	ssize_t n, i;

	for (;;) {
		n = read(st->fd, buf, sizeof(buf));
		if (n == 0)
			return NULL;
		if (n < 0) {
			st->err = errno;
			return NULL;
		}
		for (i = 0; i < n && !st->bad_at; i++)
			if (buf[i] != pattern_byte(st->seed, st->done + i))
				st->bad_at = st->done + i + 1;
		st->done += n;
		if (st->pause)
			usleep(st->pause);
	}
}

static int listen_in(int nsfd, int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, family, addr, port);
	int fd, one = 1;

	if (enter(nsfd))
		return -1;
	fd = socket(family, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (void *)&ss, len) || listen(fd, 4096))
		return -1;
	return fd;
}

static int connect_in(int nsfd, int family, const char *addr, uint16_t port)
{
	struct timeval tv = { .tv_sec = 10 };
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, family, addr, port);
	int fd;

	if (enter(nsfd))
		return -1;
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (void *)&ss, len)) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

static int accept_timeout(int lfd, int ms)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	struct timeval tv = { .tv_sec = 10 };
	int fd;

	if (poll(&p, 1, ms) != 1)
		return -1;
	fd = accept(lfd, NULL, NULL);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	return fd;
}

/* Reads until EOF or error: returns 0 on EOF, -errno on error. */
static int wait_closed(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;
	long end = now_ms() + ms;

	while (now_ms() < end) {
		if (poll(&p, 1, end - now_ms()) != 1)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0 && errno != EAGAIN)
			return -errno;
	}
	return 1;
}

/*
 * A client the proxy accepts and then resets: connect() itself may
 * already report the reset when it arrives before the caller runs.
 */
static int refused(int fd)
{
	int err;

	if (fd < 0)
		return fd == -ECONNRESET ? 0 : fd;
	err = wait_closed(fd, 5000);
	close(fd);
	return err == -ECONNRESET ? 0 : -1;
}

static int echo_once(int cfd, int tfd)
{
	char c = 'x', d = 0;

	if (write(cfd, &c, 1) != 1 || read(tfd, &d, 1) != 1 || d != c)
		return -1;
	if (write(tfd, &d, 1) != 1 || read(cfd, &c, 1) != 1 || c != d)
		return -1;
	return 0;
}

FIXTURE(tcp)
{
	char suffix[16];
	int cli, px, tgt;
	int lfd;		/* the target's listening socket */
	struct lpx_nl *nl;
	struct lpx_config cfg;
};

FIXTURE_VARIANT(tcp)
{
	int family;
	const char *client;
	const char *proxy;
	const char *target;
	const char *silent;
};

FIXTURE_VARIANT_ADD(tcp, ipv4)
{
	.family = AF_INET,
	.client = "192.0.2.1",
	.proxy = "192.0.2.2",
	.target = "198.51.100.2",
	.silent = "198.51.100.77",
};

FIXTURE_VARIANT_ADD(tcp, ipv6)
{
	.family = AF_INET6,
	.client = "2001:db8:1::1",
	.proxy = "2001:db8:1::2",
	.target = "2001:db8:2::2",
	.silent = "2001:db8:2::77",
};

FIXTURE_SETUP(tcp)
{
	char cmd[128];

	snprintf(self->suffix, sizeof(self->suffix), "%x%x", getpid(),
		 (unsigned int)now_ms());
	snprintf(cmd, sizeof(cmd), "sh tests/kernel/topo.sh up %s",
		 self->suffix);
	ASSERT_EQ(0, system(cmd));
	self->cli = open_ns("cli", self->suffix);
	self->px = open_ns("px", self->suffix);
	self->tgt = open_ns("tgt", self->suffix);
	ASSERT_GE(self->cli, 0);
	ASSERT_GE(self->px, 0);
	ASSERT_GE(self->tgt, 0);
	self->lfd = listen_in(self->tgt, variant->family, variant->target,
			      TARGET_PORT);
	ASSERT_GE(self->lfd, 0);
	ASSERT_EQ(0, enter(self->px));
	ASSERT_EQ(0, lpx_nl_open(&self->nl));

	ASSERT_EQ(0, one_route_config(&self->cfg, LITEPX_PROTO_TCP, LISTEN_PORT,
				      variant->family, variant->target,
				      TARGET_PORT, 256 * 1024));
}

FIXTURE_TEARDOWN(tcp)
{
	char cmd[128];

	if (self->nl) {
		lpx_nl_flush(self->nl);
		lpx_nl_close(self->nl);
	}
	lpx_config_free(&self->cfg);
	snprintf(cmd, sizeof(cmd), "sh tests/kernel/topo.sh down %s",
		 self->suffix);
	if (system(cmd))
		TH_LOG("topology teardown failed");
}

static int client(struct _test_data_tcp *self,
		  const struct _fixture_variant_tcp *variant, uint16_t port)
{
	return connect_in(self->cli, variant->family, variant->proxy, port);
}

static void run_pair(struct stream *a, struct stream *b,
		     void *(*fa)(void *), void *(*fb)(void *))
{
	pthread_t ta, tb;

	pthread_create(&ta, NULL, fa, a);
	pthread_create(&tb, NULL, fb, b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
}

TEST_F(tcp, bulk_both_ways_at_once)
{
	struct stream up_tx = { .seed = 1, .len = 24 * MIB, .rnd = 7,
				.shut_after = true };
	struct stream down_tx = { .seed = 2, .len = 24 * MIB, .rnd = 9,
				  .shut_after = true };
	struct stream up_rx = { .seed = 1 }, down_rx = { .seed = 2 };
	pthread_t t[4];
	int cfd, tfd;

	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	up_tx.fd = cfd;
	up_rx.fd = tfd;
	down_tx.fd = tfd;
	down_rx.fd = cfd;
	pthread_create(&t[0], NULL, send_stream, &up_tx);
	pthread_create(&t[1], NULL, recv_stream, &up_rx);
	pthread_create(&t[2], NULL, send_stream, &down_tx);
	pthread_create(&t[3], NULL, recv_stream, &down_rx);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(0, up_tx.err);
	EXPECT_EQ(0, down_tx.err);
	EXPECT_EQ(0, up_rx.err);
	EXPECT_EQ(0, down_rx.err);
	EXPECT_EQ(up_tx.len, up_rx.done);
	EXPECT_EQ(down_tx.len, down_rx.done);
	EXPECT_EQ(0, up_rx.bad_at);
	EXPECT_EQ(0, down_rx.bad_at);
	close(cfd);
	close(tfd);
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 5000));
	EXPECT_EQ(1, route_counter(self->px, 1, "conns"));
	EXPECT_EQ(up_tx.len, route_counter(self->px, 1, "bytes_to_target"));
	EXPECT_EQ(down_tx.len, route_counter(self->px, 1, "bytes_to_client"));
	EXPECT_EQ(0, route_counter(self->px, 1, "resets"));
}

TEST_F(tcp, many_small_exchanges_and_connections)
{
	unsigned int rnd = 3, i, j, n;
	char msg[256], got[256];
	int cfd, tfd;

	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	for (j = 0; j < 40; j++) {
		cfd = client(self, variant, LISTEN_PORT);
		ASSERT_GE(cfd, 0);
		tfd = accept_timeout(self->lfd, 5000);
		ASSERT_GE(tfd, 0);
		for (i = 0; i < (j ? 5 : 500); i++) {
			n = 1 + rand_r(&rnd) % sizeof(msg);
			memset(msg, 'a' + i % 26, n);
			ASSERT_EQ(n, write(cfd, msg, n));
			ASSERT_EQ(n, recv(tfd, got, n, MSG_WAITALL));
			ASSERT_EQ(0, memcmp(msg, got, n));
			ASSERT_EQ(n, write(tfd, got, n));
			ASSERT_EQ(n, recv(cfd, msg, n, MSG_WAITALL));
			ASSERT_EQ(0, memcmp(msg, got, n));
		}
		close(cfd);
		EXPECT_EQ(0, wait_closed(tfd, 5000));
		close(tfd);
	}
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 5000));
	EXPECT_EQ(40, route_counter(self->px, 1, "conns"));
}

/* The client finishes first; the target answers after seeing EOF. */
TEST_F(tcp, half_close_client_first)
{
	struct stream req_tx = { .seed = 5, .len = 300000, .rnd = 1,
				 .shut_after = true };
	struct stream req_rx = { .seed = 5 };
	struct stream resp_tx = { .seed = 6, .len = 400000, .rnd = 2,
				  .shut_after = true };
	struct stream resp_rx = { .seed = 6 };
	int cfd, tfd;

	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	req_tx.fd = cfd;
	req_rx.fd = tfd;
	run_pair(&req_tx, &req_rx, send_stream, recv_stream);
	EXPECT_EQ(req_tx.len, req_rx.done);
	EXPECT_EQ(0, req_rx.bad_at);
	/* The request's EOF arrived, and the other way is still open. */
	resp_tx.fd = tfd;
	resp_rx.fd = cfd;
	run_pair(&resp_tx, &resp_rx, send_stream, recv_stream);
	EXPECT_EQ(resp_tx.len, resp_rx.done);
	EXPECT_EQ(0, resp_rx.bad_at);
	EXPECT_EQ(0, resp_rx.err);
	close(cfd);
	close(tfd);
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 5000));
	EXPECT_EQ(0, route_counter(self->px, 1, "resets"));
}

/* The target finishes first; the client keeps sending afterwards. */
TEST_F(tcp, half_close_target_first)
{
	struct stream a_tx = { .seed = 7, .len = 200000, .rnd = 4,
			       .shut_after = true };
	struct stream a_rx = { .seed = 7 };
	struct stream b_tx = { .seed = 8, .len = 500000, .rnd = 5,
			       .shut_after = true };
	struct stream b_rx = { .seed = 8 };
	int cfd, tfd;

	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	a_tx.fd = tfd;
	a_rx.fd = cfd;
	run_pair(&a_tx, &a_rx, send_stream, recv_stream);
	EXPECT_EQ(a_tx.len, a_rx.done);
	EXPECT_EQ(0, a_rx.bad_at);
	b_tx.fd = cfd;
	b_rx.fd = tfd;
	run_pair(&b_tx, &b_rx, send_stream, recv_stream);
	EXPECT_EQ(b_tx.len, b_rx.done);
	EXPECT_EQ(0, b_rx.bad_at);
	close(cfd);
	close(tfd);
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 5000));
}

/*
 * A target that reads nothing: the client must stall after a bounded
 * amount (socket buffers along the path), not after everything, and the
 * bytes must all arrive once the target reads.
 */
TEST_F(tcp, slow_reader_gets_backpressure)
{
	struct stream rx = { .seed = 11, .pause = 2000 };
	size_t sent = 0, total = 64 * MIB, i, chunk;
	static uint8_t buf[65536];
	struct pollfd p;
	pthread_t t;
	int cfd, tfd;
	ssize_t n;

	self->cfg.opts.rcvbuf = 64 * 1024;
	self->cfg.opts.sndbuf = 64 * 1024;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	fcntl(cfd, F_SETFL, O_NONBLOCK);
	p.fd = cfd;
	p.events = POLLOUT;
	while (sent < total) {
		chunk = total - sent < sizeof(buf) ? total - sent : sizeof(buf);
		for (i = 0; i < chunk; i++)
			buf[i] = pattern_byte(11, sent + i);
		n = write(cfd, buf, chunk);
		if (n > 0) {
			sent += n;
			continue;
		}
		ASSERT_EQ(EAGAIN, errno);
		if (poll(&p, 1, 1500) == 0)
			break;
	}
	TH_LOG("stalled after %zu bytes", sent);
	EXPECT_LT(sent, 24 * MIB);
	/* Now read slowly, then fast, and get every byte. */
	fcntl(cfd, F_SETFL, 0);
	rx.fd = tfd;
	pthread_create(&t, NULL, recv_stream, &rx);
	while (sent < total) {
		chunk = total - sent < sizeof(buf) ? total - sent : sizeof(buf);
		for (i = 0; i < chunk; i++)
			buf[i] = pattern_byte(11, sent + i);
		for (i = 0; i < chunk; i += n) {
			n = write(cfd, buf + i, chunk - i);
			ASSERT_GT(n, 0);
		}
		sent += chunk;
		if (sent > 32 * MIB)
			rx.pause = 0;
	}
	shutdown(cfd, SHUT_WR);
	pthread_join(t, NULL);
	EXPECT_EQ(total, rx.done);
	EXPECT_EQ(0, rx.bad_at);
	close(cfd);
	close(tfd);
}

TEST_F(tcp, target_refuses)
{
	self->cfg.routes[0].dest_port = TARGET_PORT + 1;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	EXPECT_EQ(0, refused(client(self, variant, LISTEN_PORT)));
	EXPECT_EQ(1, wait_counter(self->px, 1, "connect_failures", 1, 3000));
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 3000));
}

/* No route to the target at all: the dial fails at once. */
TEST_F(tcp, unreachable_target)
{
	set_dest(&self->cfg.routes[0].dests[0], variant->family,
		 variant->family == AF_INET ? "203.0.113.9" : "2001:db8:99::9");
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	EXPECT_EQ(0, refused(client(self, variant, LISTEN_PORT)));
	EXPECT_EQ(1, wait_counter(self->px, 1, "connect_failures", 1, 3000));
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 3000));
}

TEST_F(tcp, silent_target_times_out)
{
	long start;
	int cfd;

	set_dest(&self->cfg.routes[0].dests[0], variant->family,
		 variant->silent);
	self->cfg.routes[0].connect_timeout_ms = 400;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	start = now_ms();
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	EXPECT_EQ(-ECONNRESET, wait_closed(cfd, 5000));
	TH_LOG("reset after %ld ms", now_ms() - start);
	EXPECT_GE(now_ms() - start, 350);
	close(cfd);
	EXPECT_EQ(1, wait_counter(self->px, 1, "connect_timeouts", 1, 3000));
}

TEST_F(tcp, fails_over_to_next_address)
{
	struct lpx_route *r = &self->cfg.routes[0];
	int cfd, tfd;

	r->dests[1] = r->dests[0];
	set_dest(&r->dests[0], variant->family, variant->silent);
	r->ndests = 2;
	/* Also the time the second address has to answer. */
	r->connect_timeout_ms = 1000;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	EXPECT_EQ(0, echo_once(cfd, tfd));
	EXPECT_EQ(1, route_counter(self->px, 1, "connect_timeouts"));
	close(cfd);
	close(tfd);
}

TEST_F(tcp, idle_connection_is_closed)
{
	long start;
	int cfd, tfd;

	/* Long enough that a stalled guest does not idle out the echo. */
	self->cfg.routes[0].idle_timeout_ms = 1000;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(0, echo_once(cfd, tfd));
	start = now_ms();
	EXPECT_EQ(-ECONNRESET, wait_closed(cfd, 5000));
	EXPECT_GE(now_ms() - start, 950);
	EXPECT_EQ(-ECONNRESET, wait_closed(tfd, 5000));
	EXPECT_EQ(1, wait_counter(self->px, 1, "idle_timeouts", 1, 3000));
	close(cfd);
	close(tfd);
}

/* Opens n relayed connections, each proven by an echo. */
static int open_many(struct _test_data_tcp *self,
		     const struct _fixture_variant_tcp *variant, int *cfds,
		     int *tfds, int n)
{
	for (int i = 0; i < n; i++) {
		cfds[i] = client(self, variant, LISTEN_PORT);
		tfds[i] = accept_timeout(self->lfd, 5000);
		if (cfds[i] < 0 || tfds[i] < 0 || echo_once(cfds[i], tfds[i]))
			return -1;
	}
	return 0;
}

TEST_F(tcp, per_source_limit)
{
	int cfds[3], tfds[3], again;

	self->cfg.opts.tcp_conn_ip_limit = 3;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	ASSERT_EQ(0, open_many(self, variant, cfds, tfds, 3));
	EXPECT_EQ(0, refused(client(self, variant, LISTEN_PORT)));
	EXPECT_EQ(1, route_counter(self->px, 1, "refused_ip_limit"));
	EXPECT_EQ(3, route_counter(self->px, 1, "active"));
	/* One leaves: there is room for exactly one again. */
	close(cfds[0]);
	close(tfds[0]);
	EXPECT_EQ(2, wait_counter(self->px, 1, "active", 2, 5000));
	again = client(self, variant, LISTEN_PORT);
	ASSERT_GE(again, 0);
	tfds[0] = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfds[0], 0);
	EXPECT_EQ(0, echo_once(again, tfds[0]));
	close(again);
	for (int i = 0; i < 3; i++) {
		if (i)
			close(cfds[i]);
		close(tfds[i]);
	}
}

TEST_F(tcp, total_limit)
{
	int cfds[2], tfds[2];

	self->cfg.opts.tcp_conn_limit = 2;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	ASSERT_EQ(0, open_many(self, variant, cfds, tfds, 2));
	EXPECT_EQ(0, refused(client(self, variant, LISTEN_PORT)));
	EXPECT_EQ(1, route_counter(self->px, 1, "refused_conn_limit"));
	for (int i = 0; i < 2; i++) {
		close(cfds[i]);
		close(tfds[i]);
	}
}

/* An independent reading of proxy-protocol.txt, section 2.1. */
static int parse_v1(const char *line, int family, char *src, char *dst,
		    unsigned int *sport, unsigned int *dport)
{
	char proto[8];

	if (sscanf(line, "PROXY %7s %63s %63s %u %u\r\n", proto, src, dst,
		   sport, dport) != 5)
		return -1;
	if (strcmp(proto, family == AF_INET ? "TCP4" : "TCP6"))
		return -1;
	return strstr(line, "\r\n") ? 0 : -1;
}

static int read_line(int fd, char *buf, size_t len)
{
	size_t i = 0;

	while (i + 1 < len && read(fd, buf + i, 1) == 1)
		if (buf[i++] == '\n')
			break;
	buf[i] = '\0';
	return i;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	getsockname(fd, (void *)&ss, &len);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static bool same_ip(int family, const char *a, const char *b)
{
	uint8_t x[16], y[16];

	return inet_pton(family, a, x) == 1 && inet_pton(family, b, y) == 1 &&
	       !memcmp(x, y, family == AF_INET ? 4 : 16);
}

TEST_F(tcp, proxy_protocol_v1)
{
	char line[128], src[64], dst[64];
	unsigned int sport, dport;
	int cfd, tfd;

	self->cfg.routes[0].proxy_protocol = LITEPX_PROXY_V1;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_GT(read_line(tfd, line, sizeof(line)), 0);
	TH_LOG("header: %s", line);
	ASSERT_EQ(0, parse_v1(line, variant->family, src, dst, &sport,
			      &dport));
	EXPECT_TRUE(same_ip(variant->family, variant->client, src));
	EXPECT_TRUE(same_ip(variant->family, variant->proxy, dst));
	EXPECT_EQ(local_port(cfd), sport);
	EXPECT_EQ(LISTEN_PORT, dport);
	EXPECT_EQ(0, echo_once(cfd, tfd));
	close(cfd);
	close(tfd);
}

/* proxy-protocol.txt section 2.2: signature, version/command, family. */
TEST_F(tcp, proxy_protocol_v2)
{
	static const uint8_t sig[12] = {
		0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
	};
	size_t alen = variant->family == AF_INET ? 4 : 16;
	uint8_t hdr[16], addrs[36], want[16];
	int cfd, tfd;

	self->cfg.routes[0].proxy_protocol = LITEPX_PROXY_V2;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(16, recv(tfd, hdr, 16, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(hdr, sig, 12));
	EXPECT_EQ(0x21, hdr[12]);
	EXPECT_EQ(variant->family == AF_INET ? 0x11 : 0x21, hdr[13]);
	ASSERT_EQ(2 * alen + 4, (size_t)(hdr[14] << 8 | hdr[15]));
	ASSERT_EQ(2 * alen + 4, recv(tfd, addrs, 2 * alen + 4, MSG_WAITALL));
	inet_pton(variant->family, variant->client, want);
	EXPECT_EQ(0, memcmp(addrs, want, alen));
	inet_pton(variant->family, variant->proxy, want);
	EXPECT_EQ(0, memcmp(addrs + alen, want, alen));
	EXPECT_EQ(local_port(cfd), addrs[2 * alen] << 8 | addrs[2 * alen + 1]);
	EXPECT_EQ(LISTEN_PORT, addrs[2 * alen + 2] << 8 | addrs[2 * alen + 3]);
	EXPECT_EQ(0, echo_once(cfd, tfd));
	close(cfd);
	close(tfd);
}

/* Reads until EOF into buf; returns the length, or -1 on error or timeout. */
static ssize_t read_to_eof(int fd, char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long end = now_ms() + ms;
	size_t got = 0;
	ssize_t n;

	while (now_ms() < end) {
		if (poll(&p, 1, end - now_ms()) != 1)
			return -1;
		n = read(fd, buf + got, len - got);
		if (n == 0)
			return got;
		if (n < 0 || got + n == len)
			return -1;
		got += n;
	}
	return -1;
}

/* "abc", one urgent byte, "def", FIN: every byte arrives, then the EOF. */
static int send_with_urgent(int fd, char before, char urgent, char after)
{
	char head[3] = { before, before, before };
	char tail[3] = { after, after, after };

	if (write(fd, head, 3) != 3 || send(fd, &urgent, 1, MSG_OOB) != 1 ||
	    write(fd, tail, 3) != 3)
		return -1;
	return shutdown(fd, SHUT_WR);
}

/*
 * telnet's ^C and FTP's ABOR send one urgent byte: the relay passes it on
 * as an ordinary byte, in order, and the stream goes on past it.
 */
TEST_F(tcp, urgent_data_is_relayed_in_line)
{
	char buf[64];
	int cfd, tfd;

	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(0, send_with_urgent(cfd, 'a', '!', 'd'));
	ASSERT_EQ(7, read_to_eof(tfd, buf, sizeof(buf), 5000));
	EXPECT_EQ(0, memcmp(buf, "aaa!ddd", 7));
	ASSERT_EQ(0, send_with_urgent(tfd, 'g', '?', 'j'));
	ASSERT_EQ(7, read_to_eof(cfd, buf, sizeof(buf), 5000));
	EXPECT_EQ(0, memcmp(buf, "ggg?jjj", 7));
	close(cfd);
	close(tfd);
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 5000));
	EXPECT_EQ(0, route_counter(self->px, 1, "resets"));
	EXPECT_EQ(14, route_counter(self->px, 1, "bytes_to_target") +
		      route_counter(self->px, 1, "bytes_to_client"));
}

/* Sockets of the proxy's namespace other than its listeners. */
static int proxy_sockets(struct _test_data_tcp *self)
{
	char cmd[160];
	int n = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "ip netns exec px-%s ss -Htan | grep -vc -e LISTEN -e TIME-WAIT",
		 self->suffix);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	pclose(f);
	return n;
}

static int wait_proxy_sockets(struct _test_data_tcp *self, int want, int ms)
{
	long end = now_ms() + ms;
	int n;

	while ((n = proxy_sockets(self)) != want && now_ms() < end)
		usleep(100000);
	return n;
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

/*
 * The client vanishes (its link goes down) while the target's reply is
 * still queued in the proxy, and both FINs have passed. A kernel socket
 * released then would be an orphan without timers, in LAST-ACK for good;
 * the connection must keep it until shutdown_timeout and reset it.
 */
TEST_F(tcp, finished_connection_to_vanished_client_is_reset)
{
	static char reply[100000];
	struct sockaddr_storage ss;
	char cmd[128], req[8];
	socklen_t len;
	int cfd, tfd;

	/* Room for the whole reply: both FINs pass at once. */
	self->cfg.opts.shutdown_timeout_ms = 2000;
	self->cfg.opts.sndbuf = 1024 * 1024;
	self->cfg.opts.rcvbuf = 1024 * 1024;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	ASSERT_EQ(0, enter(self->cli));
	cfd = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_GE(cfd, 0);
	ASSERT_EQ(0, set_int(cfd, SOL_SOCKET, SO_RCVBUF, 4096));
	len = make_addr(&ss, variant->family, variant->proxy, LISTEN_PORT);
	ASSERT_EQ(0, connect(cfd, (void *)&ss, len));
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(3, write(cfd, "req", 3));
	ASSERT_EQ(0, shutdown(cfd, SHUT_WR));
	ASSERT_EQ(3, read_to_eof(tfd, req, sizeof(req), 5000));
	memset(reply, 'r', sizeof(reply));
	/* The client reads nothing: the reply waits in the proxy. */
	ASSERT_EQ(sizeof(reply), write(tfd, reply, sizeof(reply)));
	close(tfd);
	usleep(500000);
	snprintf(cmd, sizeof(cmd), "ip -n cli-%s link set cli0 down",
		 self->suffix);
	ASSERT_EQ(0, system(cmd));
	/* shutdown_timeout after the last byte the client acknowledged. */
	EXPECT_EQ(0, wait_proxy_sockets(self, 0, 15000));
	EXPECT_EQ(1, wait_counter(self->px, 1, "shutdown_timeouts", 1, 5000));
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 5000));
	close(cfd);
}

/*
 * A client that half-closes after its request and then downloads for
 * longer than shutdown_timeout keeps its connection while data flows.
 */
TEST_F(tcp, download_after_half_close_outlives_shutdown_timeout)
{
	static char got[64 * 1024];
	char chunk[1000], req[8];
	int cfd, tfd, i;

	self->cfg.opts.shutdown_timeout_ms = 1500;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(3, write(cfd, "get", 3));
	ASSERT_EQ(0, shutdown(cfd, SHUT_WR));
	ASSERT_EQ(3, read_to_eof(tfd, req, sizeof(req), 5000));
	/* Four seconds of download, never quiet for long. */
	for (i = 0; i < 40; i++) {
		memset(chunk, 'a' + i % 26, sizeof(chunk));
		ASSERT_EQ(sizeof(chunk), write(tfd, chunk, sizeof(chunk)));
		usleep(100000);
	}
	close(tfd);
	ASSERT_EQ(40 * sizeof(chunk), read_to_eof(cfd, got, sizeof(got), 10000));
	for (i = 0; i < 40; i++)
		EXPECT_EQ('a' + i % 26, got[i * sizeof(chunk)]);
	close(cfd);
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 5000));
	EXPECT_EQ(0, route_counter(self->px, 1, "shutdown_timeouts"));
	EXPECT_EQ(0, route_counter(self->px, 1, "resets"));
}

/* After a half-close, a quiet connection still meets shutdown_timeout. */
TEST_F(tcp, quiet_half_closed_connection_meets_shutdown_timeout)
{
	long start;
	int cfd, tfd;

	self->cfg.opts.shutdown_timeout_ms = 1500;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(0, echo_once(cfd, tfd));
	ASSERT_EQ(0, shutdown(cfd, SHUT_WR));
	start = now_ms();
	EXPECT_EQ(-ECONNRESET, wait_closed(cfd, 10000));
	EXPECT_GE(now_ms() - start, 1400);
	EXPECT_EQ(1, wait_counter(self->px, 1, "shutdown_timeouts", 1, 5000));
	close(cfd);
	close(tfd);
}

/*
 * The longest PROXY v1 line: ISATAP-form IPv6 addresses, which the
 * kernel's compressed format writes with a dotted quad, and a five-digit
 * port. The line keeps its CRLF and names both addresses.
 */
TEST_F(tcp, proxy_protocol_v1_longest_addresses)
{
	const char *cli_addr = "2001:db8:ffff:ffff:200:5efe:ffff:fffe";
	const char *px_addr = "2001:db8:ffff:ffff:200:5efe:ffff:ffff";
	char line[160], src[64], dst[64], cmd[256];
	struct sockaddr_storage ss;
	unsigned int sport, dport;
	int cfd, tfd;
	socklen_t len;

	if (variant->family != AF_INET6)
		SKIP(return, "IPv6 only");
	snprintf(cmd, sizeof(cmd),
		 "ip -n cli-%s addr add %s/64 dev cli0 nodad && "
		 "ip -n px-%s addr add %s/64 dev pxc0 nodad",
		 self->suffix, cli_addr, self->suffix, px_addr);
	ASSERT_EQ(0, system(cmd));
	self->cfg.routes[0].proxy_protocol = LITEPX_PROXY_V1;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	ASSERT_EQ(0, enter(self->cli));
	cfd = socket(AF_INET6, SOCK_STREAM, 0);
	ASSERT_GE(cfd, 0);
	len = make_addr(&ss, AF_INET6, cli_addr, 65432);
	ASSERT_EQ(0, bind(cfd, (void *)&ss, len));
	len = make_addr(&ss, AF_INET6, px_addr, LISTEN_PORT);
	ASSERT_EQ(0, connect(cfd, (void *)&ss, len));
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_GT(read_line(tfd, line, sizeof(line)), 0);
	TH_LOG("header: %s", line);
	ASSERT_EQ(0, parse_v1(line, AF_INET6, src, dst, &sport, &dport));
	EXPECT_TRUE(same_ip(AF_INET6, cli_addr, src));
	EXPECT_TRUE(same_ip(AF_INET6, px_addr, dst));
	EXPECT_EQ(65432, sport);
	EXPECT_EQ(LISTEN_PORT, dport);
	EXPECT_EQ(0, echo_once(cfd, tfd));
	close(cfd);
	close(tfd);
}

/* A reload that keeps route 1 must not disturb its live connection. */
TEST_F(tcp, reload_keeps_unchanged_route)
{
	struct stream tx = { .seed = 21, .len = 8 * MIB, .rnd = 3,
			     .shut_after = true, .pause = 500 };
	struct stream rx = { .seed = 21 };
	pthread_t ta, tb;
	int cfd, tfd, i;

	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	tx.fd = cfd;
	rx.fd = tfd;
	pthread_create(&ta, NULL, send_stream, &tx);
	pthread_create(&tb, NULL, recv_stream, &rx);
	add_second_route(&self->cfg, LISTEN_PORT + 1);
	for (i = 0; i < 5; i++) {
		usleep(100000);
		self->cfg.routes[1].idle_timeout_ms = 1000 + i;
		ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	EXPECT_EQ(tx.len, rx.done);
	EXPECT_EQ(0, rx.bad_at);
	EXPECT_EQ(0, tx.err);
	close(cfd);
	close(tfd);
	/* The kept route's counters carried over the reloads. */
	EXPECT_EQ(1, route_counter(self->px, 1, "conns"));
	EXPECT_EQ(0, route_counter(self->px, 1, "resets"));
}

TEST_F(tcp, removed_route_stops_accepting_and_drains)
{
	int cfd, tfd, late;

	/* Long enough for the echo below even when the guest stalls. */
	self->cfg.opts.shutdown_timeout_ms = 1500;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(0, echo_once(cfd, tfd));
	/*
	 * A reload that keeps the route first: the connection still holds
	 * the first config's route object when the route goes away.
	 */
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	ASSERT_EQ(0, echo_once(cfd, tfd));
	self->cfg.routes[0].port_from = self->cfg.routes[0].port_to =
		LISTEN_PORT + 2;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	late = client(self, variant, LISTEN_PORT);
	EXPECT_LT(late, 0);
	/* Still relaying until the drain deadline, then reset. */
	EXPECT_EQ(0, echo_once(cfd, tfd));
	EXPECT_EQ(-ECONNRESET, wait_closed(cfd, 5000));
	close(cfd);
	close(tfd);
}

static long meminfo_kb(const char *key)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			kb = strtol(line + strlen(key), NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/*
 * A 1000-port range on every address opens 2000 listening sockets: time
 * the load and report what they cost (figures for docs/tcp.md).
 */
TEST_F(tcp, thousand_port_range)
{
	struct lpx_route *r = &self->cfg.routes[0];
	long before, after, start, took;
	int cfd, tfd;

	r->port_from = 20000;
	r->port_to = 20999;
	before = meminfo_kb("Slab:");
	start = now_ms();
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	took = now_ms() - start;
	after = meminfo_kb("Slab:");
	TH_LOG("1000 ports, 2 families: loaded in %ld ms, slab +%ld KiB",
	       took, after - before);
	EXPECT_EQ(2000, stats_value(self->px, "tcp_listeners"));
	EXPECT_LT(took, 10000);
	/* The last port of the range maps to the last target port. */
	self->lfd = listen_in(self->tgt, variant->family, variant->target,
			      TARGET_PORT + 999);
	ASSERT_GE(self->lfd, 0);
	cfd = client(self, variant, 20999);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	EXPECT_EQ(0, echo_once(cfd, tfd));
	close(cfd);
	close(tfd);
	start = now_ms();
	ASSERT_EQ(0, lpx_nl_flush(self->nl));
	TH_LOG("flushed in %ld ms", now_ms() - start);
	EXPECT_EQ(0, stats_value(self->px, "tcp_listeners"));
}

static int collect_conn(const struct lpx_conn *conn, void *arg)
{
	struct lpx_conn *out = arg;

	out[out[0].route_id ? 1 : 0] = *conn;
	return 0;
}

TEST_F(tcp, connections_are_listed)
{
	struct lpx_route_stats *stats = NULL;
	struct lpx_conn got[2] = {};
	struct lpx_config cfg;
	bool interrupted;
	char line[256];
	int cfd, tfd;
	FILE *f;

	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	cfd = client(self, variant, LISTEN_PORT);
	ASSERT_GE(cfd, 0);
	tfd = accept_timeout(self->lfd, 5000);
	ASSERT_GE(tfd, 0);
	ASSERT_EQ(0, echo_once(cfd, tfd));
	ASSERT_EQ(0, lpx_nl_conn_dump(self->nl, collect_conn, got));
	EXPECT_EQ(1, got[0].route_id);
	EXPECT_EQ(0, got[1].route_id);
	EXPECT_EQ(LITEPX_PROTO_TCP, got[0].protocol);
	EXPECT_EQ(LITEPX_CONN_RELAYING, got[0].state);
	EXPECT_EQ(local_port(cfd), got[0].client_port);
	EXPECT_EQ(LISTEN_PORT, got[0].local_port);
	EXPECT_EQ(TARGET_PORT, got[0].target_port);
	EXPECT_EQ(1, got[0].bytes_to_target);
	EXPECT_EQ(1, got[0].bytes_to_client);
	ASSERT_EQ(0, enter(self->px));
	f = fopen("/proc/litepx/connections", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	fclose(f);
	EXPECT_NE(NULL, strstr(line, " relaying "));
	ASSERT_EQ(0, lpx_nl_config_dump(self->nl, &cfg, &stats, &interrupted));
	ASSERT_EQ(1, cfg.nroutes);
	EXPECT_EQ(1, stats[0].active);
	EXPECT_EQ(1, stats[0].counters[0]);
	free(stats);
	lpx_config_free(&cfg);
	close(cfd);
	close(tfd);
}

struct port_seen {
	uint8_t seen[65536];
	int count;
	int repeats;
};

static int count_conn(const struct lpx_conn *conn, void *arg)
{
	struct port_seen *ps = arg;

	if (ps->seen[conn->client_port]++)
		ps->repeats++;
	ps->count++;
	return 0;
}

/*
 * A table larger than one part of a dump, read in pieces: every
 * connection once, whether through netlink (many parts) or through
 * /proc/litepx/connections in 100-byte reads (many seq_file resumes).
 */
TEST_F(tcp, large_table_dumps_every_connection_once)
{
	enum { N = 300 };
	static struct port_seen nl_ports, proc_ports;
	static int cfds[N], tfds[N];
	char buf[100], line[512];
	size_t used = 0;
	ssize_t n;
	int fd, i, lines = 0;
	unsigned int route;
	char proto[8], client[80];

	self->cfg.opts.tcp_conn_ip_limit = 0;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	ASSERT_EQ(0, open_many(self, variant, cfds, tfds, N));
	memset(&nl_ports, 0, sizeof(nl_ports));
	ASSERT_EQ(0, lpx_nl_conn_dump(self->nl, count_conn, &nl_ports));
	EXPECT_EQ(N, nl_ports.count);
	EXPECT_EQ(0, nl_ports.repeats);

	memset(&proc_ports, 0, sizeof(proc_ports));
	ASSERT_EQ(0, enter(self->px));
	fd = open("/proc/litepx/connections", O_RDONLY);
	ASSERT_GE(fd, 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			ASSERT_LT(used, sizeof(line) - 1);
			line[used++] = buf[i];
			if (buf[i] != '\n')
				continue;
			line[used] = '\0';
			used = 0;
			if (lines++ == 0)
				continue;
			/* "route proto client ...": the client's port ends it. */
			ASSERT_EQ(3, sscanf(line, "%u %7s %79s", &route, proto,
					    client));
			count_conn(&(struct lpx_conn){
				.client_port = atoi(strrchr(client, ':') + 1),
			}, &proc_ports);
		}
	}
	close(fd);
	EXPECT_EQ(N + 1, lines);
	EXPECT_EQ(N, proc_ports.count);
	EXPECT_EQ(0, proc_ports.repeats);
	for (i = 0; i < N; i++) {
		close(cfds[i]);
		close(tfds[i]);
	}
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 20000));
}

/* Pages of memory TCP holds in buffers, host-wide (/proc/net/sockstat). */
static long tcp_mem_pages(void)
{
	char key[16];
	long pages = -1, v;
	FILE *f = fopen("/proc/net/sockstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%15s", key) == 1)
		if (!strcmp(key, "TCP:"))
			break;
	while (fscanf(f, "%15s %ld", key, &v) == 2)
		if (!strcmp(key, "mem")) {
			pages = v;
			break;
		}
	fclose(f);
	return pages;
}

/*
 * Fills n connections whose client reads nothing while the target sends
 * all it can; returns the TCP memory that pins, per connection, in KiB.
 */
static long pinned_per_conn(struct _test_data_tcp *self,
			    const struct _fixture_variant_tcp *variant,
			    int *cfds, int *tfds, int n)
{
	static char junk[65536];
	struct sockaddr_storage ss;
	long before, after, end;
	socklen_t len;
	int i;

	before = tcp_mem_pages();
	for (i = 0; i < n; i++) {
		if (enter(self->cli))
			return -1;
		cfds[i] = socket(variant->family, SOCK_STREAM, 0);
		set_int(cfds[i], SOL_SOCKET, SO_RCVBUF, 4096);
		len = make_addr(&ss, variant->family, variant->proxy,
				LISTEN_PORT);
		if (connect(cfds[i], (void *)&ss, len))
			return -1;
		tfds[i] = accept_timeout(self->lfd, 5000);
		if (tfds[i] < 0)
			return -1;
		set_int(tfds[i], SOL_SOCKET, SO_SNDBUF, 4096);
		fcntl(tfds[i], F_SETFL, O_NONBLOCK);
	}
	/* Until nothing more goes anywhere. */
	end = now_ms() + 3000;
	while (now_ms() < end) {
		for (i = 0; i < n; i++)
			while (write(tfds[i], junk, sizeof(junk)) > 0)
				;
		usleep(100000);
	}
	after = tcp_mem_pages();
	for (i = 0; i < n; i++) {
		close(cfds[i]);
		close(tfds[i]);
	}
	return (after - before) * (getpagesize() / 1024) / n;
}

/*
 * The worst a client can do with one connection: read nothing while the
 * target sends. With fixed buffers (the configured size, doubled for
 * bookkeeping as SO_SNDBUF and SO_RCVBUF do) the proxy's two sockets pin
 * at most 2 x 2 x the buffer size; docs/tcp.md turns that into what
 * connection_ip_limits and connection_limits imply. Kernel autotuning
 * (buffers 0) is measured beside it for the record.
 */
/* kB/s of one 16 MiB transfer through the proxy. */
static long bulk_rate(struct _test_data_tcp *self,
		      const struct _fixture_variant_tcp *variant)
{
	struct stream tx = { .seed = 11, .len = 16 * MIB, .rnd = 3,
			     .shut_after = true };
	struct stream rx = { .seed = 11 };
	long start;

	tx.fd = client(self, variant, LISTEN_PORT);
	rx.fd = accept_timeout(self->lfd, 5000);
	if (tx.fd < 0 || rx.fd < 0)
		return -1;
	start = now_ms();
	run_pair(&tx, &rx, send_stream, recv_stream);
	close(tx.fd);
	close(rx.fd);
	if (rx.done != tx.len || rx.bad_at)
		return -1;
	return (long long)tx.len / (now_ms() - start + 1);
}

TEST_F(tcp, slow_reader_pins_at_most_its_buffers)
{
	enum { N = 16 };
	long fixed_kb, auto_kb, fixed_rate, auto_rate;
	int cfds[N], tfds[N];

	self->cfg.opts.tcp_conn_ip_limit = 0;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	fixed_rate = bulk_rate(self, variant);
	fixed_kb = pinned_per_conn(self, variant, cfds, tfds, N);
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 20000));
	self->cfg.opts.rcvbuf = 0;
	self->cfg.opts.sndbuf = 0;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	auto_rate = bulk_rate(self, variant);
	auto_kb = pinned_per_conn(self, variant, cfds, tfds, N);
	EXPECT_EQ(0, wait_counter(self->px, 1, "active", 0, 20000));
	TH_LOG("256 KiB buffers: %ld KiB pinned per connection, %ld kB/s; autotuned: %ld KiB, %ld kB/s",
	       fixed_kb, fixed_rate, auto_kb, auto_rate);
	ASSERT_GE(fixed_kb, 0);
	EXPECT_LE(fixed_kb, 4 * 256 + 128);
	EXPECT_GT(fixed_rate, 0);
	EXPECT_GT(auto_rate, 0);
}

/* One connection through the route's first port, an echo each way. */
static int relays(struct _test_data_tcp *self,
		  const struct _fixture_variant_tcp *variant)
{
	int cfd, tfd, err;

	cfd = client(self, variant, LISTEN_PORT);
	if (cfd < 0)
		return cfd;
	tfd = accept_timeout(self->lfd, 5000);
	err = tfd < 0 ? -1 : echo_once(cfd, tfd);
	close(cfd);
	if (tfd >= 0)
		close(tfd);
	return err;
}

/*
 * A reload that moves a port between every address and one address: the
 * old listener and the new one collide on the port while both listen,
 * so the old one makes room. When the reload then fails on another
 * route, the old listener serves on.
 */
TEST_F(tcp, reload_moves_listen_between_every_address_and_one)
{
	struct lpx_route *r = &self->cfg.routes[0];
	int blocker;

	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	ASSERT_EQ(0, relays(self, variant));
	r->has_listen = true;
	set_dest(&r->listen, variant->family, variant->proxy);
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	ASSERT_EQ(0, relays(self, variant));
	r->has_listen = false;
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	ASSERT_EQ(0, relays(self, variant));

	blocker = listen_in(self->px, variant->family, variant->proxy,
			    LISTEN_PORT + 1);
	ASSERT_GE(blocker, 0);
	r->has_listen = true;
	add_second_route(&self->cfg, LISTEN_PORT + 1);
	EXPECT_NE(0, load_config(self->nl, &self->cfg));
	EXPECT_EQ(0, relays(self, variant));
	close(blocker);
	ASSERT_EQ(0, load_config(self->nl, &self->cfg));
	EXPECT_EQ(0, relays(self, variant));
}

TEST_HARNESS_MAIN
