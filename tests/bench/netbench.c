// SPDX-License-Identifier: GPL-2.0
/*
 * netbench: the load generator and the target server of `make bench`.
 *
 *   netbench serve ADDR PORT               TCP and UDP server (the target)
 *   netbench bulk  ADDR PORT STREAMS SECS  TCP bulk throughput
 *   netbench crr   ADDR PORT CONC SECS     new connections per second
 *   netbench rr    ADDR PORT SECS          request/response on one connection
 *   netbench udp   ADDR PORT WINDOW SECS   UDP echo, WINDOW datagrams in flight
 *   netbench hold  ADDR PORT COUNT         open COUNT idle connections
 *   netbench probe tcp|udp ADDR PORT       one echo, exit 0 if it came back
 *
 * The TCP server reads one mode byte first: 'S' (sink: count and discard
 * until EOF, then answer the count as 8 bytes and close) or 'E' (echo).
 * UDP datagrams are echoed back to their sender. The server is the same for
 * every tool measured, so its own cost cancels out of the ratios.
 *
 * Clients print one JSON object on stdout. Each reads /proc/stat around its
 * measurement, so the busy CPU time of the whole guest (every process, the
 * kernel, softirq) is reported with the figure: cpu_busy and cpu_softirq in
 * seconds, summed over CPUs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG_LEN 64
#define BULK_CHUNK (128 * 1024)
#define UDP_BATCH 64
#define SERVE_THREADS 2

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void more_files(void)
{
	struct rlimit lim = { 1 << 20, 1 << 20 };

	if (setrlimit(RLIMIT_NOFILE, &lim)) {
		lim.rlim_cur = lim.rlim_max = 65536;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
}

static socklen_t fill(struct sockaddr_storage *ss, const char *addr, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (!strchr(addr, ':')) {
		struct sockaddr_in *sin = (void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
			goto bad;
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (void *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) != 1)
		goto bad;
	return sizeof(*sin6);
bad:
	fprintf(stderr, "netbench: bad address %s\n", addr);
	exit(2);
}

static struct sockaddr_storage peer;
static socklen_t peer_len;

static int sock(int type)
{
	int fd = socket(peer.ss_family, type, 0);

	if (fd < 0)
		die("socket");
	return fd;
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			poll(&pfd, 1, 1000);
			continue;
		}
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int dial(void)
{
	int fd = sock(SOCK_STREAM);

	if (connect(fd, (void *)&peer, peer_len)) {
		perror("connect");
		close(fd);
		return -1;
	}
	nodelay(fd);
	return fd;
}

/* ------------------------------------------------------------ CPU time */

struct cpu {
	unsigned long long busy, softirq;
};

static struct cpu cpu_read(void)
{
	unsigned long long v[8] = { 0 };
	struct cpu c = { 0, 0 };
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return c;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		/* user nice system idle iowait irq softirq steal */
		c.busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
		c.softirq = v[6];
	}
	fclose(f);
	return c;
}

static void cpu_print(struct cpu a, struct cpu b)
{
	double hz = sysconf(_SC_CLK_TCK);

	printf("\"cpu_busy\":%.3f,\"cpu_softirq\":%.3f", (b.busy - a.busy) / hz,
	       (b.softirq - a.softirq) / hz);
}

/* ------------------------------------------------------------ serve */

struct conn {
	int fd;
	char mode;
	uint64_t count;
};

static int serve_listener(const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = fill(&ss, addr, port);
	int one = 1, fd = socket(ss.ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (bind(fd, (void *)&ss, len) || listen(fd, 4096))
		die("bind/listen tcp");
	set_nonblock(fd);
	return fd;
}

static void conn_close(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

/* Returns 0 while the connection stays open. */
static int conn_input(struct conn *c, char *buf, size_t size)
{
	for (;;) {
		ssize_t n = read(c->fd, buf, size);
		char *p = buf;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -1;
		if (n == 0) {
			if (c->mode == 'S')
				write_all(c->fd, &c->count, sizeof(c->count));
			return -1;
		}
		if (!c->mode) {
			c->mode = *p++;
			n--;
		}
		if (c->mode == 'E') {
			if (n && write_all(c->fd, p, n))
				return -1;
		} else {
			c->count += n;
		}
		if ((size_t)n + (p - buf) < size)
			return 0;
	}
}

static void *serve_tcp(void *arg)
{
	const char **a = arg;
	int lfd = serve_listener(a[0], atoi(a[1]));
	struct epoll_event ev = { .events = EPOLLIN }, evs[256];
	size_t size = 256 * 1024;
	char *buf = malloc(size);
	int ep = epoll_create1(0);

	if (!buf || ep < 0)
		die("serve");
	ev.data.ptr = NULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		int i, n = epoll_wait(ep, evs, 256, -1);

		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (!c) {
				int fd;

				while ((fd = accept4(lfd, NULL, NULL,
						     SOCK_NONBLOCK)) >= 0) {
					c = calloc(1, sizeof(*c));
					c->fd = fd;
					nodelay(fd);
					ev.events = EPOLLIN;
					ev.data.ptr = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
				}
				continue;
			}
			if (conn_input(c, buf, size))
				conn_close(ep, c);
		}
	}
	return NULL;
}

static void *serve_udp(void *arg)
{
	const char **a = arg;
	struct sockaddr_storage ss, from[UDP_BATCH];
	socklen_t len = fill(&ss, a[0], atoi(a[1]));
	static char bufs[UDP_BATCH][2048];
	struct mmsghdr msgs[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0), i, n, size = 4 << 20;

	if (fd < 0 || bind(fd, (void *)&ss, len))
		die("bind udp");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < UDP_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(fd, msgs, UDP_BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++)
			iov[i].iov_len = msgs[i].msg_len;
		sendmmsg(fd, msgs, n, 0);
	}
	return NULL;
}

static int cmd_serve(int argc, char **argv)
{
	pthread_t t;
	int i;

	if (argc != 2)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	more_files();
	for (i = 0; i < SERVE_THREADS; i++)
		pthread_create(&t, NULL, serve_tcp, argv);
	serve_udp(argv);
	return 0;
}

/* ------------------------------------------------------------ bulk */

static double bulk_secs;
static pthread_barrier_t bulk_start;

struct stream {
	pthread_t thread;
	uint64_t sent;
	double start, done;
	int ok;
};

static void *bulk_stream(void *arg)
{
	struct stream *s = arg;
	char *buf = malloc(BULK_CHUNK);
	uint64_t count = 0;
	double end;
	int fd = dial();

	memset(buf, 'x', BULK_CHUNK);
	pthread_barrier_wait(&bulk_start);
	if (fd < 0 || write_all(fd, "S", 1))
		return NULL;
	s->start = now();
	end = s->start + bulk_secs;
	while (now() < end) {
		ssize_t n = write(fd, buf, BULK_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;
		s->sent += n;
	}
	shutdown(fd, SHUT_WR);
	if (read_all(fd, &count, sizeof(count)) == 0 && count == s->sent)
		s->ok = 1;
	else
		fprintf(stderr, "bulk: sent %llu, target counted %llu\n",
			(unsigned long long)s->sent, (unsigned long long)count);
	s->done = now();
	close(fd);
	free(buf);
	return NULL;
}

/*
 * Every stream sends for SECS, then half-closes and waits until the target
 * has counted every byte: bytes / time is what arrived, not what was queued.
 */
static int cmd_bulk(int argc, char **argv)
{
	int i, n = argc == 2 ? atoi(argv[0]) : 0, ok = 1;
	struct stream *s = calloc(n ? n : 1, sizeof(*s));
	double start = 0, last = 0;
	uint64_t bytes = 0;
	struct cpu c0, c1;

	if (argc != 2 || n < 1)
		return -1;
	bulk_secs = atof(argv[1]);
	pthread_barrier_init(&bulk_start, NULL, n + 1);
	for (i = 0; i < n; i++)
		pthread_create(&s[i].thread, NULL, bulk_stream, &s[i]);
	pthread_barrier_wait(&bulk_start);
	c0 = cpu_read();
	for (i = 0; i < n; i++) {
		pthread_join(s[i].thread, NULL);
		ok &= s[i].ok;
		bytes += s[i].sent;
		if (!start || s[i].start < start)
			start = s[i].start;
		if (s[i].done > last)
			last = s[i].done;
	}
	c1 = cpu_read();
	if (!ok)
		return 1;
	printf("{\"bytes\":%llu,\"secs\":%.4f,\"value\":%.3f,",
	       (unsigned long long)bytes, last - start,
	       bytes * 8 / (last - start) / 1e6);
	cpu_print(c0, c1);
	printf("}\n");
	return 0;
}

/* ------------------------------------------------------------ crr */

enum { C_CONNECTING, C_READING };

struct crr {
	int fd, state, got;
};

static int crr_open(int ep, struct crr *c)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };

	c->fd = socket(peer.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -1;
	nodelay(c->fd);
	c->state = C_CONNECTING;
	c->got = 0;
	if (connect(c->fd, (void *)&peer, peer_len) && errno != EINPROGRESS) {
		close(c->fd);
		return -1;
	}
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	return 0;
}

/* Returns 1 when the exchange completed, -1 on error, 0 to wait more. */
static int crr_step(int ep, struct crr *c)
{
	char buf[MSG_LEN];
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	int err = 0;
	socklen_t len = sizeof(err);
	ssize_t n;

	if (c->state == C_CONNECTING) {
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err)
			return -1;
		memset(buf, 'r', sizeof(buf));
		buf[0] = 'E';
		if (write(c->fd, buf, sizeof(buf)) != sizeof(buf))
			return -1;
		c->state = C_READING;
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
		return 0;
	}
	n = read(c->fd, buf, sizeof(buf));
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0)
		return -1;
	c->got += n;
	/* The target echoes all but the mode byte. */
	return c->got >= MSG_LEN - 1;
}

static int cmd_crr(int argc, char **argv)
{
	int conc = argc == 2 ? atoi(argv[0]) : 0, ep = epoll_create1(0), i;
	struct crr *cs = calloc(conc ? conc : 1, sizeof(*cs));
	struct epoll_event evs[256];
	unsigned long long done = 0, errors = 0;
	double start, end, secs;
	struct cpu c0, c1;

	if (argc != 2 || conc < 1)
		return -1;
	secs = atof(argv[1]);
	c0 = cpu_read();
	start = now();
	end = start + secs;
	for (i = 0; i < conc; i++)
		if (crr_open(ep, &cs[i]))
			errors++;
	while (now() < end) {
		int n = epoll_wait(ep, evs, 256, 100);

		for (i = 0; i < n; i++) {
			struct crr *c = evs[i].data.ptr;
			int r = crr_step(ep, c);

			if (!r)
				continue;
			if (r > 0)
				done++;
			else
				errors++;
			epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
			close(c->fd);
			while (crr_open(ep, c) && now() < end) {
				errors++;
				usleep(1000);
			}
		}
	}
	c1 = cpu_read();
	printf("{\"conns\":%llu,\"errors\":%llu,\"secs\":%.4f,\"value\":%.1f,",
	       done, errors, now() - start, done / secs);
	cpu_print(c0, c1);
	printf("}\n");
	return !done;
}

/* ------------------------------------------------------------ rr */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmd_rr(int argc, char **argv)
{
	size_t n = 0, cap = 1 << 16;
	double *lat = malloc(cap * sizeof(*lat)), start, end, t;
	char buf[MSG_LEN];
	struct cpu c0, c1;
	int fd;

	if (argc != 1)
		return -1;
	fd = dial();
	if (fd < 0 || write_all(fd, "E", 1))
		return 1;
	memset(buf, 'q', sizeof(buf));
	c0 = cpu_read();
	start = now();
	end = start + atof(argv[0]);
	while ((t = now()) < end) {
		if (write_all(fd, buf, sizeof(buf)) ||
		    read_all(fd, buf, sizeof(buf)))
			return 1;
		if (n == cap) {
			cap *= 2;
			lat = realloc(lat, cap * sizeof(*lat));
		}
		lat[n++] = now() - t;
	}
	c1 = cpu_read();
	t = now() - start;
	close(fd);
	if (!n)
		return 1;
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("{\"trans\":%zu,\"secs\":%.4f,\"value\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,",
	       n, t, n / t, lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6);
	cpu_print(c0, c1);
	printf("}\n");
	return 0;
}

/* ------------------------------------------------------------ udp */

/*
 * Keeps WINDOW datagrams of MSG_LEN bytes in flight and sends a new one for
 * each echo. A window lost entirely (nothing back for 20 ms) is counted and
 * sent again, so a proxy that drops under load is measured, not stalled.
 */
static int cmd_udp(int argc, char **argv)
{
	int window = argc == 2 ? atoi(argv[0]) : 0, fd, i, inflight = 0;
	unsigned long long sent = 0, recvd = 0, stalls = 0;
	char buf[2048];
	double start, end;
	struct cpu c0, c1;

	if (argc != 2 || window < 1)
		return -1;
	fd = sock(SOCK_DGRAM);
	if (connect(fd, (void *)&peer, peer_len))
		die("connect");
	set_nonblock(fd);
	memset(buf, 'u', sizeof(buf));
	c0 = cpu_read();
	start = now();
	end = start + atof(argv[1]);
	while (now() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		while (inflight < window) {
			if (send(fd, buf, MSG_LEN, 0) != MSG_LEN)
				break;
			sent++;
			inflight++;
		}
		if (poll(&pfd, 1, 20) <= 0) {
			stalls++;
			inflight = 0;
			continue;
		}
		for (i = 0; i < UDP_BATCH; i++) {
			if (recv(fd, buf, sizeof(buf), 0) < 0)
				break;
			recvd++;
			if (inflight)
				inflight--;
		}
	}
	c1 = cpu_read();
	printf("{\"sent\":%llu,\"received\":%llu,\"stalls\":%llu,\"secs\":%.4f,\"value\":%.1f,",
	       sent, recvd, stalls, now() - start, recvd / (now() - start));
	cpu_print(c0, c1);
	printf("}\n");
	return !recvd;
}

/* ------------------------------------------------------------ hold */

static volatile sig_atomic_t released;

static void on_release(int sig)
{
	released = 1;
}

/*
 * Opens COUNT connections, at most 256 connecting at a time, proves each
 * with a one-byte echo, prints a JSON line and waits for SIGTERM or SIGINT;
 * then resets them all (linger 0: no TIME_WAIT left behind to skew the
 * next tool's memory reading).
 */
static int cmd_hold(int argc, char **argv)
{
	int count = argc == 1 ? atoi(argv[0]) : 0, opened = 0, ready = 0;
	int ep = epoll_create1(0), i, pending = 0;
	struct linger lin = { 1, 0 };
	struct epoll_event evs[256];
	struct crr *cs;
	double start;

	if (argc != 1 || count < 1)
		return -1;
	more_files();
	signal(SIGTERM, on_release);
	signal(SIGINT, on_release);
	cs = calloc(count, sizeof(*cs));
	start = now();
	while (ready < count) {
		while (opened < count && pending < 256) {
			if (crr_open(ep, &cs[opened])) {
				perror("hold: socket/connect");
				return 1;
			}
			opened++;
			pending++;
		}
		int n = epoll_wait(ep, evs, 256, 10000);

		if (n <= 0) {
			fprintf(stderr, "hold: stuck at %d of %d\n", ready, count);
			return 1;
		}
		for (i = 0; i < n; i++) {
			struct crr *c = evs[i].data.ptr;
			int r;

			if (c->state == C_CONNECTING) {
				int err = 0;
				socklen_t len = sizeof(err);
				struct epoll_event ev = { .events = EPOLLIN,
							  .data.ptr = c };

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err || write(c->fd, "Ex", 2) != 2) {
					fprintf(stderr, "hold: connect: %s\n",
						strerror(err));
					return 1;
				}
				c->state = C_READING;
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				continue;
			}
			char b;

			r = read(c->fd, &b, 1);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r != 1) {
				fprintf(stderr, "hold: no echo\n");
				return 1;
			}
			epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
			ready++;
			pending--;
		}
	}
	printf("{\"conns\":%d,\"secs\":%.3f}\n", ready, now() - start);
	fflush(stdout);
	while (!released)
		pause();
	for (i = 0; i < count; i++) {
		setsockopt(cs[i].fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
		close(cs[i].fd);
	}
	return 0;
}

/* ------------------------------------------------------------ probe */

static int cmd_probe(const char *proto)
{
	struct timeval tv = { 2, 0 };
	char buf[MSG_LEN] = "Eping";
	int fd;

	fd = sock(!strcmp(proto, "udp") ? SOCK_DGRAM : SOCK_STREAM);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (void *)&peer, peer_len) || write(fd, buf, 5) != 5)
		return 1;
	/* TCP: "ping" (the mode byte is not echoed); UDP: "Eping". */
	return read(fd, buf, sizeof(buf)) <= 0;
}

/* ------------------------------------------------------------ main */

static const struct {
	const char *name, *args;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "bulk", "STREAMS SECS", cmd_bulk },
	{ "crr", "CONC SECS", cmd_crr },
	{ "rr", "SECS", cmd_rr },
	{ "udp", "WINDOW SECS", cmd_udp },
	{ "hold", "COUNT", cmd_hold },
};

static int usage(void)
{
	size_t i;

	fprintf(stderr, "usage: netbench serve ADDR PORT\n"
		"       netbench probe tcp|udp ADDR PORT\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "       netbench %s ADDR PORT %s\n",
			cmds[i].name, cmds[i].args);
	return 2;
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	if (argc < 2)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "serve"))
		return cmd_serve(argc - 2, argv + 2) ? usage() : 0;
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(argv[1], "probe")) {
		if (argc != 5)
			return usage();
		peer_len = fill(&peer, argv[3], atoi(argv[4]));
		return cmd_probe(argv[2]);
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) || argc < 4)
			continue;
		peer_len = fill(&peer, argv[2], atoi(argv[3]));
		rc = cmds[i].fn(argc - 4, argv + 4);
		return rc < 0 ? usage() : rc;
	}
	return usage();
}
