/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UDP traffic for udp_test.c: datagrams rebuilt from a seed by both ends,
 * client sockets that check every byte of every reply (udp_traffic.c), a
 * target that checks and counts what arrives per source and echoes the
 * complement (udp_target.c), and the sessions the proxy lists.
 */
#ifndef LITEPX_UDP_TRAFFIC_H
#define LITEPX_UDP_TRAFFIC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Room for the largest datagram, a PROXY header, and to see truncation. */
#define BUF_LEN		(65536 + 4096)
/* Datagrams at least this long start with their seed: the target can
 * check them and tell which client sent them.
 */
#define TAGGED_MIN	16
#define SEED_MAGIC	0x5eedULL
#define NO_CLIENT	UINT32_MAX
#define MAX_SOURCES	1024
/* How long a client waits for any one reply: generous, for emulation. */
#define REPLY_TIMEOUT_MS 10000

/* ---------------------------------------------------------------- datagrams */

uint64_t make_seed(uint32_t client_id, uint32_t seq);
void fill_datagram(uint8_t *buf, uint64_t seed, size_t len);
uint32_t datagram_client(const uint8_t *buf, size_t len);

/* ---------------------------------------------------------------- endpoints */

uint16_t endpoint_port(const struct sockaddr_storage *ss);
bool same_endpoint(const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b);
bool is_endpoint(const struct sockaddr_storage *ss, int family,
		 const char *addr, uint16_t port);
const char *endpoint_str(const struct sockaddr_storage *ss,
			 char *buf, size_t len);
struct sockaddr_storage local_endpoint(int fd);
int udp_socket_in(int nsfd, int family, const char *addr,
		  uint16_t port, int rcvbuf);

/* ---------------------------------------------------------------- target */

/* Everything from one source the target saw: one litepx session. */
struct target_source {
	struct sockaddr_storage addr;
	uint32_t client_id;		/* of its first tagged datagram */
	uint64_t packets;
	uint64_t bytes;			/* payload, after any header */
	uint64_t mixed;			/* datagrams of other clients */
	struct sockaddr_storage header_src;	/* first PROXY header's */
	uint64_t header_changed;	/* later headers naming another src */
};

enum header_kind {
	NO_HEADER,
	PROXY_V2,		/* PROXY protocol v2, DGRAM */
	SPP,			/* Cloudflare's Simple Proxy Protocol */
};

/*
 * A UDP server in the target's namespace, run by its own thread: it checks
 * and counts every datagram per source, and echoes the complement when
 * echo is set. With a header kind every datagram must carry such a header
 * whose destination is header_dst; the echo carries the same header in
 * front only with header_in_reply (as SPP servers answer).
 */
struct target {
	int fd;
	int family;
	pthread_t thread;
	atomic_bool stop;
	pthread_mutex_t lock;
	/* set before traffic starts, or under lock */
	bool echo;
	enum header_kind header;
	bool header_in_reply;
	struct sockaddr_storage header_dst;
	/* under lock */
	uint64_t packets;
	uint64_t bytes;
	uint64_t bad_content;
	uint64_t bad_header;
	uint64_t truncated;
	uint64_t send_errors;
	long last_reply_ms;		/* just before the last echo */
	struct target_source sources[MAX_SOURCES];
	unsigned int nsources;
	uint64_t too_many_sources;
};

struct target *target_start(int nsfd, int family, const char *addr,
			    uint16_t port);
void target_stop(struct target *t);
uint64_t target_packets(struct target *t);
uint64_t target_from_client(struct target *t, uint32_t id,
			    uint64_t *bytes);
unsigned int target_sessions_of(struct target *t, uint32_t id);
unsigned int target_nsources(struct target *t);
int target_errors(struct target *t);

/* ---------------------------------------------------------------- clients */

struct client {
	int fd;
	uint32_t id;
	unsigned int sent;		/* datagrams sent so far */
	unsigned int rounds;		/* to send, one per reply */
	bool waiting;
	uint64_t seed;			/* of the one awaiting a reply */
	size_t len;
	long deadline;
	unsigned int replies;
	uint64_t bytes;			/* payload sent, and echoed */
};

int client_send(struct client *c, size_t len);
int exchange(struct client *c, unsigned int n, const size_t *sizes,
	     unsigned int nsizes, unsigned int rounds);

/* ---------------------------------------------------------------- /proc */

struct session {
	unsigned int route;
	char proto[8];
	struct sockaddr_storage client, local, target;
	char state[16];
	unsigned long long age_ms, idle_ms;
	unsigned long long bytes_to_target, bytes_to_client;
	unsigned long long packets_to_target, packets_to_client;
};

int read_sessions(int px, struct session *out, int max);
int wait_sessions(int px, int want, int ms);

#endif /* LITEPX_UDP_TRAFFIC_H */
