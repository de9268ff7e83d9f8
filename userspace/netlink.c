// SPDX-License-Identifier: GPL-2.0
/*
 * The litepx generic netlink family from userspace: encoding a config into
 * a CONFIG_SET request, decoding dumps, and capturing extack messages.
 * include/uapi/linux/litepx.h documents the attribute layout.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct lpx_nl {
	struct nl_sock *sock;
	int family;
	struct lpx_nl_error error;
};

/* State of one request/response exchange. */
struct exchange {
	struct lpx_nl *nl;
	bool done;
	int (*on_msg)(struct nl_msg *msg, void *arg);
	void *arg;
	int cb_err;		/* first error returned by on_msg */
};

static void set_sock_flag(struct nl_sock *sock, int opt)
{
	int one = 1;

	/* Old kernels lack these; the requests still work without. */
	setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, opt, &one,
		   sizeof(one));
}

int lpx_nl_open(struct lpx_nl **out)
{
	struct lpx_nl *nl;
	int err;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sock = nl_socket_alloc();
	if (!nl->sock) {
		free(nl);
		return -ENOMEM;
	}
	err = genl_connect(nl->sock);
	if (err < 0) {
		lpx_nl_close(nl);
		return -EPROTONOSUPPORT;
	}
	set_sock_flag(nl->sock, NETLINK_EXT_ACK);
	/* A refused multi-megabyte config must not come back in the ack. */
	set_sock_flag(nl->sock, NETLINK_CAP_ACK);
	nl_socket_enable_msg_peek(nl->sock);
	nl->family = genl_ctrl_resolve(nl->sock, LITEPX_GENL_NAME);
	if (nl->family < 0) {
		lpx_nl_close(nl);
		return -ENOENT;
	}
	*out = nl;
	return 0;
}

void lpx_nl_close(struct lpx_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sock);
	free(nl);
}

const struct lpx_nl_error *lpx_nl_last_error(const struct lpx_nl *nl)
{
	return &nl->error;
}

static void record_extack(struct lpx_nl_error *error, struct nlmsghdr *nlh,
			  struct nlmsgerr *e)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t ack_len = sizeof(*nlh) + sizeof(*e);
	struct nlattr *attrs;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += e->msg.nlmsg_len - sizeof(*nlh);
	if (nlh->nlmsg_len <= ack_len)
		return;
	attrs = (struct nlattr *)((char *)nlh + ack_len);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, nlh->nlmsg_len - ack_len,
		      NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(error->msg, sizeof(error->msg), "%.*s",
			 (int)strnlen(nla_data(tb[NLMSGERR_ATTR_MSG]),
				      nla_len(tb[NLMSGERR_ATTR_MSG])),
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		error->bad_offset = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct exchange *x = arg;

	x->nl->error.err = e->error;
	record_extack(&x->nl->error, nlh, e);
	x->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;

	x->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;
	int err;

	if (!x->on_msg || x->cb_err)
		return NL_SKIP;
	err = x->on_msg(msg, x->arg);
	if (err)
		x->cb_err = err;
	return NL_OK;
}

/* Lets a request bigger than the default socket buffer through. */
static void grow_sndbuf(struct lpx_nl *nl, size_t size)
{
	int fd = nl_socket_get_fd(nl->sock);
	int want = (int)size + 4096;

	if (size < 64 * 1024)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

/*
 * Sends msg (consumed) and processes answers until the ack, the end of a
 * dump or an error. Returns 0 or a negative errno; the kernel's words are
 * in nl->error.
 */
static int exchange(struct lpx_nl *nl, struct nl_msg *msg,
		    int (*on_msg)(struct nl_msg *msg, void *arg), void *arg)
{
	struct exchange x = { .nl = nl, .on_msg = on_msg, .arg = arg };
	struct nl_cb *cb;
	int err;

	memset(&nl->error, 0, sizeof(nl->error));
	nl->error.bad_offset = -1;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &x);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
	grow_sndbuf(nl, nlmsg_hdr(msg)->nlmsg_len);
	err = nl_send_auto(nl->sock, msg);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(cb);
		nl->error.err = err == -NLE_MSGSIZE ? -EMSGSIZE : -EIO;
		return nl->error.err;
	}
	while (!x.done) {
		err = nl_recvmsgs(nl->sock, cb);
		if (err < 0 && !x.done) {
			nl->error.err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	if (nl->error.err)
		return nl->error.err;
	return x.cb_err;
}

struct nl_msg *lpx_nl_new_request(struct lpx_nl *nl, int cmd, int flags,
				  size_t size)
{
	struct nl_msg *msg;

	msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, LITEPX_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int put_addr(struct nl_msg *msg, int type, const struct lpx_addr *a)
{
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(msg, type | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (a->family == AF_INET)
		err = nla_put(msg, LITEPX_ADDR_A_IN, sizeof(a->v4), &a->v4);
	else
		err = nla_put(msg, LITEPX_ADDR_A_IN6, sizeof(a->v6), &a->v6);
	if (err < 0)
		return err;
	return nla_nest_end(msg, nest);
}

static int put_options(struct nl_msg *msg, const struct lpx_options *o)
{
	struct nlattr *nest;
	size_t i;

	nest = nla_nest_start(msg, LITEPX_A_OPTIONS | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (nla_put_u32(msg, LITEPX_OPT_A_WORKER_THREADS, o->worker_threads) ||
	    nla_put_u32(msg, LITEPX_OPT_A_IDLE_TIMEOUT, o->idle_timeout_ms) ||
	    nla_put_u32(msg, LITEPX_OPT_A_CONNECT_TIMEOUT,
			o->connect_timeout_ms) ||
	    nla_put_u32(msg, LITEPX_OPT_A_SHUTDOWN_TIMEOUT,
			o->shutdown_timeout_ms) ||
	    nla_put_u8(msg, LITEPX_OPT_A_LOG_LEVEL, o->log_level) ||
	    nla_put_u32(msg, LITEPX_OPT_A_TCP_CONN_LIMIT, o->tcp_conn_limit) ||
	    nla_put_u32(msg, LITEPX_OPT_A_TCP_CONN_IP_LIMIT,
			o->tcp_conn_ip_limit) ||
	    nla_put_u32(msg, LITEPX_OPT_A_UDP_SESSION_LIMIT,
			o->udp_session_limit) ||
	    nla_put_u32(msg, LITEPX_OPT_A_UDP_SESSION_IP_LIMIT,
			o->udp_session_ip_limit) ||
	    nla_put_u32(msg, LITEPX_OPT_A_UDP_PPS_IP_LIMIT,
			o->udp_pps_ip_limit) ||
	    nla_put_u64(msg, LITEPX_OPT_A_UDP_BPS_IP_LIMIT,
			o->udp_bps_ip_limit) ||
	    nla_put_u8(msg, LITEPX_OPT_A_IPV6_PREFIX, o->ipv6_prefix) ||
	    nla_put_u32(msg, LITEPX_OPT_A_RCVBUF, o->rcvbuf) ||
	    nla_put_u32(msg, LITEPX_OPT_A_SNDBUF, o->sndbuf))
		return -NLE_NOMEM;
	for (i = 0; i < o->ncpus; i++)
		if (nla_put_u32(msg, LITEPX_OPT_A_CPU, o->cpus[i]))
			return -NLE_NOMEM;
	return nla_nest_end(msg, nest);
}

static int put_timeout(struct nl_msg *msg, int type, uint32_t ms)
{
	return ms ? nla_put_u32(msg, type, ms) : 0;
}

static int put_route(struct nl_msg *msg, const struct lpx_route *r)
{
	struct nlattr *nest;
	size_t i;

	nest = nla_nest_start(msg, LITEPX_A_ROUTE | NLA_F_NESTED);
	if (!nest)
		return -NLE_NOMEM;
	if (nla_put_u32(msg, LITEPX_ROUTE_A_ID, r->id) ||
	    nla_put_u8(msg, LITEPX_ROUTE_A_PROTOCOLS, r->protocols) ||
	    nla_put_u16(msg, LITEPX_ROUTE_A_PORT_FROM, r->port_from) ||
	    nla_put_u16(msg, LITEPX_ROUTE_A_PORT_TO, r->port_to) ||
	    nla_put_u16(msg, LITEPX_ROUTE_A_DEST_PORT, r->dest_port) ||
	    nla_put_string(msg, LITEPX_ROUTE_A_DEST_HOST, r->dest_host) ||
	    nla_put_u8(msg, LITEPX_ROUTE_A_PROXY_PROTOCOL, r->proxy_protocol) ||
	    put_timeout(msg, LITEPX_ROUTE_A_IDLE_TIMEOUT, r->idle_timeout_ms) ||
	    put_timeout(msg, LITEPX_ROUTE_A_CONNECT_TIMEOUT,
			r->connect_timeout_ms) ||
	    put_timeout(msg, LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT,
			r->shutdown_timeout_ms))
		return -NLE_NOMEM;
	if (r->description &&
	    nla_put_string(msg, LITEPX_ROUTE_A_DESCRIPTION, r->description))
		return -NLE_NOMEM;
	if (r->has_listen && put_addr(msg, LITEPX_ROUTE_A_LISTEN, &r->listen))
		return -NLE_NOMEM;
	for (i = 0; i < r->ndests; i++)
		if (put_addr(msg, LITEPX_ROUTE_A_DEST, &r->dests[i]))
			return -NLE_NOMEM;
	return nla_nest_end(msg, nest);
}

int lpx_nl_put_config(struct nl_msg *msg, const struct lpx_config *cfg,
		      uint32_t *route_ends)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	size_t i;
	int err;

	err = put_options(msg, &cfg->opts);
	if (err < 0)
		return err;
	for (i = 0; i < cfg->nroutes; i++) {
		err = put_route(msg, &cfg->routes[i]);
		if (err < 0)
			return err;
		if (route_ends)
			route_ends[i] = nlh->nlmsg_len;
	}
	return 0;
}

/* An upper bound of the encoded size, so one allocation holds it all. */
size_t lpx_nl_config_size(const struct lpx_config *cfg)
{
	size_t size = NLMSG_HDRLEN + GENL_HDRLEN + 1024;
	size_t i;

	size += cfg->opts.ncpus * nla_total_size(sizeof(uint32_t));
	for (i = 0; i < cfg->nroutes; i++) {
		const struct lpx_route *r = &cfg->routes[i];

		size += 256 + (r->ndests + 1) * 32;
		size += nla_total_size(strlen(r->dest_host) + 1);
		if (r->description)
			size += nla_total_size(strlen(r->description) + 1);
	}
	return size;
}

/* Which route of cfg holds the byte at offset; -1 when none. */
static int route_at_offset(const uint32_t *route_ends, size_t nroutes,
			   int offset)
{
	size_t i;

	for (i = 0; i < nroutes; i++)
		if ((uint32_t)offset < route_ends[i])
			return (int)i;
	return -1;
}

int lpx_nl_config_set(struct lpx_nl *nl, const struct lpx_config *cfg)
{
	size_t size = lpx_nl_config_size(cfg);
	uint32_t *route_ends;
	struct nl_msg *msg;
	int err, idx;

	route_ends = calloc(cfg->nroutes + 1, sizeof(*route_ends));
	msg = lpx_nl_new_request(nl, LITEPX_CMD_CONFIG_SET, 0, size);
	if (!route_ends || !msg) {
		free(route_ends);
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if (lpx_nl_put_config(msg, cfg, route_ends) < 0) {
		free(route_ends);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = exchange(nl, msg, NULL, NULL);
	if (err && nl->error.bad_offset >= 0) {
		idx = route_at_offset(route_ends, cfg->nroutes,
				      nl->error.bad_offset);
		nl->error.bad_offset = idx;
	}
	free(route_ends);
	return err;
}

int lpx_nl_request(struct lpx_nl *nl, struct nl_msg *msg)
{
	return exchange(nl, msg, NULL, NULL);
}

static int simple_request(struct lpx_nl *nl, int cmd)
{
	struct nl_msg *msg = lpx_nl_new_request(nl, cmd, 0, 0);

	if (!msg)
		return -ENOMEM;
	return exchange(nl, msg, NULL, NULL);
}

int lpx_nl_flush(struct lpx_nl *nl)
{
	return simple_request(nl, LITEPX_CMD_FLUSH);
}

static struct nla_policy addr_policy[LITEPX_ADDR_A_MAX + 1] = {
	[LITEPX_ADDR_A_IN] = { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 4 },
	[LITEPX_ADDR_A_IN6] = { .type = NLA_UNSPEC, .minlen = 16,
				.maxlen = 16 },
};

static struct nla_policy opt_policy[LITEPX_OPT_A_MAX + 1] = {
	[LITEPX_OPT_A_WORKER_THREADS] = { .type = NLA_U32 },
	[LITEPX_OPT_A_IDLE_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_CONNECT_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_SHUTDOWN_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_LOG_LEVEL] = { .type = NLA_U8 },
	[LITEPX_OPT_A_TCP_CONN_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_TCP_CONN_IP_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_UDP_SESSION_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_UDP_SESSION_IP_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_UDP_PPS_IP_LIMIT] = { .type = NLA_U32 },
	[LITEPX_OPT_A_UDP_BPS_IP_LIMIT] = { .type = NLA_U64 },
	[LITEPX_OPT_A_IPV6_PREFIX] = { .type = NLA_U8 },
	[LITEPX_OPT_A_CPU] = { .type = NLA_U32 },
	[LITEPX_OPT_A_RCVBUF] = { .type = NLA_U32 },
	[LITEPX_OPT_A_SNDBUF] = { .type = NLA_U32 },
};

static struct nla_policy route_policy[LITEPX_ROUTE_A_MAX + 1] = {
	[LITEPX_ROUTE_A_ID] = { .type = NLA_U32 },
	[LITEPX_ROUTE_A_PROTOCOLS] = { .type = NLA_U8 },
	[LITEPX_ROUTE_A_LISTEN] = { .type = NLA_NESTED },
	[LITEPX_ROUTE_A_PORT_FROM] = { .type = NLA_U16 },
	[LITEPX_ROUTE_A_PORT_TO] = { .type = NLA_U16 },
	[LITEPX_ROUTE_A_DEST_PORT] = { .type = NLA_U16 },
	[LITEPX_ROUTE_A_DEST_HOST] = { .type = NLA_NUL_STRING },
	[LITEPX_ROUTE_A_DEST] = { .type = NLA_NESTED },
	[LITEPX_ROUTE_A_PROXY_PROTOCOL] = { .type = NLA_U8 },
	[LITEPX_ROUTE_A_DESCRIPTION] = { .type = NLA_NUL_STRING },
	[LITEPX_ROUTE_A_IDLE_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_ROUTE_A_CONNECT_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT] = { .type = NLA_U32 },
	[LITEPX_ROUTE_A_STATS] = { .type = NLA_NESTED },
};

static int parse_addr(struct nlattr *nest, struct lpx_addr *addr)
{
	struct nlattr *tb[LITEPX_ADDR_A_MAX + 1];

	if (nla_parse_nested(tb, LITEPX_ADDR_A_MAX, nest, addr_policy) < 0)
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	if (tb[LITEPX_ADDR_A_IN]) {
		addr->family = AF_INET;
		memcpy(&addr->v4, nla_data(tb[LITEPX_ADDR_A_IN]), 4);
	} else if (tb[LITEPX_ADDR_A_IN6]) {
		addr->family = AF_INET6;
		memcpy(&addr->v6, nla_data(tb[LITEPX_ADDR_A_IN6]), 16);
	} else {
		return -EINVAL;
	}
	return 0;
}

static uint32_t get_u32_or(struct nlattr *attr, uint32_t fallback)
{
	return attr ? nla_get_u32(attr) : fallback;
}

static int parse_route_addrs(struct nlattr *nest, struct lpx_route *r)
{
	struct nlattr *attr;
	int rem;

	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != LITEPX_ROUTE_A_DEST)
			continue;
		if (r->ndests == LITEPX_MAX_DESTS ||
		    parse_addr(attr, &r->dests[r->ndests]))
			return -EINVAL;
		r->ndests++;
	}
	return 0;
}

int lpx_nl_parse_route(struct nlattr *nest, struct lpx_route *r)
{
	struct nlattr *tb[LITEPX_ROUTE_A_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (nla_parse_nested(tb, LITEPX_ROUTE_A_MAX, nest, route_policy) < 0)
		return -EINVAL;
	if (!tb[LITEPX_ROUTE_A_ID] || !tb[LITEPX_ROUTE_A_PROTOCOLS] ||
	    !tb[LITEPX_ROUTE_A_PORT_FROM] || !tb[LITEPX_ROUTE_A_PORT_TO] ||
	    !tb[LITEPX_ROUTE_A_DEST_PORT] || !tb[LITEPX_ROUTE_A_DEST_HOST])
		return -EINVAL;
	r->id = nla_get_u32(tb[LITEPX_ROUTE_A_ID]);
	r->protocols = nla_get_u8(tb[LITEPX_ROUTE_A_PROTOCOLS]);
	r->port_from = nla_get_u16(tb[LITEPX_ROUTE_A_PORT_FROM]);
	r->port_to = nla_get_u16(tb[LITEPX_ROUTE_A_PORT_TO]);
	r->dest_port = nla_get_u16(tb[LITEPX_ROUTE_A_DEST_PORT]);
	if (tb[LITEPX_ROUTE_A_PROXY_PROTOCOL])
		r->proxy_protocol =
			nla_get_u8(tb[LITEPX_ROUTE_A_PROXY_PROTOCOL]);
	r->idle_timeout_ms = get_u32_or(tb[LITEPX_ROUTE_A_IDLE_TIMEOUT], 0);
	r->connect_timeout_ms =
		get_u32_or(tb[LITEPX_ROUTE_A_CONNECT_TIMEOUT], 0);
	r->shutdown_timeout_ms =
		get_u32_or(tb[LITEPX_ROUTE_A_SHUTDOWN_TIMEOUT], 0);
	if (tb[LITEPX_ROUTE_A_LISTEN]) {
		if (parse_addr(tb[LITEPX_ROUTE_A_LISTEN], &r->listen))
			return -EINVAL;
		r->has_listen = true;
	}
	if (parse_route_addrs(nest, r))
		return -EINVAL;
	r->dest_host = strdup(nla_get_string(tb[LITEPX_ROUTE_A_DEST_HOST]));
	if (!r->dest_host)
		return -ENOMEM;
	if (tb[LITEPX_ROUTE_A_DESCRIPTION]) {
		r->description =
			strdup(nla_get_string(tb[LITEPX_ROUTE_A_DESCRIPTION]));
		if (!r->description)
			return -ENOMEM;
	}
	return 0;
}

static void get_u32_opt(struct nlattr **tb, int type, uint32_t *out)
{
	if (tb[type])
		*out = nla_get_u32(tb[type]);
}

static int parse_cpus(struct nlattr *nest, struct lpx_options *o)
{
	struct nlattr *attr;
	size_t count = 0;
	int rem;

	nla_for_each_nested(attr, nest, rem)
		count += nla_type(attr) == LITEPX_OPT_A_CPU;
	if (!count)
		return 0;
	o->cpus = calloc(count, sizeof(*o->cpus));
	if (!o->cpus)
		return -ENOMEM;
	nla_for_each_nested(attr, nest, rem)
		if (nla_type(attr) == LITEPX_OPT_A_CPU)
			o->cpus[o->ncpus++] = nla_get_u32(attr);
	return 0;
}

int lpx_nl_parse_options(struct nlattr *nest, struct lpx_options *o)
{
	struct nlattr *tb[LITEPX_OPT_A_MAX + 1];

	memset(o, 0, sizeof(*o));
	if (nla_parse_nested(tb, LITEPX_OPT_A_MAX, nest, opt_policy) < 0)
		return -EINVAL;
	get_u32_opt(tb, LITEPX_OPT_A_WORKER_THREADS, &o->worker_threads);
	get_u32_opt(tb, LITEPX_OPT_A_IDLE_TIMEOUT, &o->idle_timeout_ms);
	get_u32_opt(tb, LITEPX_OPT_A_CONNECT_TIMEOUT, &o->connect_timeout_ms);
	get_u32_opt(tb, LITEPX_OPT_A_SHUTDOWN_TIMEOUT,
		    &o->shutdown_timeout_ms);
	get_u32_opt(tb, LITEPX_OPT_A_TCP_CONN_LIMIT, &o->tcp_conn_limit);
	get_u32_opt(tb, LITEPX_OPT_A_TCP_CONN_IP_LIMIT, &o->tcp_conn_ip_limit);
	get_u32_opt(tb, LITEPX_OPT_A_UDP_SESSION_LIMIT, &o->udp_session_limit);
	get_u32_opt(tb, LITEPX_OPT_A_UDP_SESSION_IP_LIMIT,
		    &o->udp_session_ip_limit);
	get_u32_opt(tb, LITEPX_OPT_A_UDP_PPS_IP_LIMIT, &o->udp_pps_ip_limit);
	get_u32_opt(tb, LITEPX_OPT_A_RCVBUF, &o->rcvbuf);
	get_u32_opt(tb, LITEPX_OPT_A_SNDBUF, &o->sndbuf);
	if (tb[LITEPX_OPT_A_UDP_BPS_IP_LIMIT])
		o->udp_bps_ip_limit = nla_get_u64(tb[LITEPX_OPT_A_UDP_BPS_IP_LIMIT]);
	if (tb[LITEPX_OPT_A_LOG_LEVEL])
		o->log_level = nla_get_u8(tb[LITEPX_OPT_A_LOG_LEVEL]);
	if (tb[LITEPX_OPT_A_IPV6_PREFIX])
		o->ipv6_prefix = nla_get_u8(tb[LITEPX_OPT_A_IPV6_PREFIX]);
	return parse_cpus(nest, o);
}

static struct nlattr *reply_attr(struct nl_msg *msg, int type)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlmsg_hdr(msg));

	return nla_find(genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0),
			type);
}

static int on_config_reply(struct nl_msg *msg, void *arg)
{
	struct lpx_kernel_state *state = arg;
	struct nlattr *gen = reply_attr(msg, LITEPX_A_GENERATION);
	struct nlattr *count = reply_attr(msg, LITEPX_A_ROUTE_COUNT);
	struct nlattr *opts = reply_attr(msg, LITEPX_A_OPTIONS);

	if (!gen || !count || !opts)
		return -EPROTO;
	state->generation = nla_get_u32(gen);
	state->nroutes = nla_get_u32(count);
	return lpx_nl_parse_options(opts, &state->opts);
}

int lpx_nl_config_get(struct lpx_nl *nl, struct lpx_kernel_state *state)
{
	struct nl_msg *msg = lpx_nl_new_request(nl, LITEPX_CMD_CONFIG_GET, 0, 0);

	memset(state, 0, sizeof(*state));
	if (!msg)
		return -ENOMEM;
	return exchange(nl, msg, on_config_reply, state);
}

struct route_dump {
	struct lpx_config *cfg;
	struct lpx_route_stats **stats;
	uint32_t generation;
	bool interrupted;
};

#define COUNTER_NAME(NAME, name)	[LITEPX_CNT_##NAME] = #name,
#define COUNTER_CASE(NAME, name)	case LITEPX_STATS_A_##NAME: \
					return LITEPX_CNT_##NAME;

const char *const lpx_counter_names[LPX_NCOUNTERS] = {
	LITEPX_COUNTERS(COUNTER_NAME)
};

/* The counter of a stats attribute, or -1. */
static int stats_counter(int type)
{
	switch (type) {
	LITEPX_COUNTERS(COUNTER_CASE)
	}
	return -1;
}

static int parse_stats(struct nlattr *route, struct lpx_route_stats *st)
{
	struct nlattr *tb[LITEPX_ROUTE_A_MAX + 1], *attr;
	int rem, type, counter;

	if (nla_parse_nested(tb, LITEPX_ROUTE_A_MAX, route, route_policy) < 0 ||
	    !tb[LITEPX_ROUTE_A_STATS])
		return -EPROTO;
	nla_for_each_nested(attr, tb[LITEPX_ROUTE_A_STATS], rem) {
		type = nla_type(attr);
		counter = stats_counter(type);
		if (type == LITEPX_STATS_A_ACTIVE && nla_len(attr) == 4)
			st->active = nla_get_u32(attr);
		else if (type == LITEPX_STATS_A_SESSIONS_ACTIVE &&
			 nla_len(attr) == 4)
			st->sessions_active = nla_get_u32(attr);
		else if (counter >= 0 && nla_len(attr) == 8)
			st->counters[counter] = nla_get_u64(attr);
	}
	return 0;
}

static int grow_routes(struct lpx_config *cfg)
{
	size_t want = cfg->nroutes + 1;
	struct lpx_route *routes;

	/* Doubling: a dump of 65536 routes must not be quadratic. */
	if ((want & (want - 1)) && cfg->routes)
		return 0;
	routes = realloc(cfg->routes, (want * 2) * sizeof(*routes));
	if (!routes)
		return -ENOMEM;
	cfg->routes = routes;
	return 0;
}

static int grow_stats(struct lpx_route_stats **stats, size_t n)
{
	struct lpx_route_stats *grown;

	grown = realloc(*stats, (n + 1) * sizeof(**stats));
	if (!grown)
		return -ENOMEM;
	memset(&grown[n], 0, sizeof(grown[n]));
	*stats = grown;
	return 0;
}

static int on_route(struct nl_msg *msg, void *arg)
{
	struct nlattr *gen = reply_attr(msg, LITEPX_A_GENERATION);
	struct nlattr *nest = reply_attr(msg, LITEPX_A_ROUTE);
	struct route_dump *dump = arg;
	int err;

	if (!gen || !nest)
		return -EPROTO;
	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR ||
	    nla_get_u32(gen) != dump->generation)
		dump->interrupted = true;
	err = grow_routes(dump->cfg);
	if (err)
		return err;
	if (dump->stats) {
		err = grow_stats(dump->stats, dump->cfg->nroutes);
		if (err)
			return err;
		err = parse_stats(nest, &(*dump->stats)[dump->cfg->nroutes]);
		if (err)
			return err;
	}
	err = lpx_nl_parse_route(nest, &dump->cfg->routes[dump->cfg->nroutes]);
	if (dump->stats)
		(*dump->stats)[dump->cfg->nroutes].id =
			dump->cfg->routes[dump->cfg->nroutes].id;
	dump->cfg->nroutes++;
	return err;
}

int lpx_nl_config_dump(struct lpx_nl *nl, struct lpx_config *cfg,
		       struct lpx_route_stats **stats, bool *interrupted)
{
	struct lpx_kernel_state state;
	struct route_dump dump = { .cfg = cfg, .stats = stats };
	struct nl_msg *msg;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	if (stats)
		*stats = NULL;
	err = lpx_nl_config_get(nl, &state);
	if (err)
		return err;
	cfg->opts = state.opts;
	dump.generation = state.generation;
	msg = lpx_nl_new_request(nl, LITEPX_CMD_ROUTE_GET, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	err = exchange(nl, msg, on_route, &dump);
	*interrupted = dump.interrupted;
	return err;
}

static struct nla_policy conn_policy[LITEPX_CONN_A_MAX + 1] = {
	[LITEPX_CONN_A_ROUTE_ID] = { .type = NLA_U32 },
	[LITEPX_CONN_A_PROTOCOL] = { .type = NLA_U8 },
	[LITEPX_CONN_A_CLIENT] = { .type = NLA_NESTED },
	[LITEPX_CONN_A_CLIENT_PORT] = { .type = NLA_U16 },
	[LITEPX_CONN_A_LOCAL] = { .type = NLA_NESTED },
	[LITEPX_CONN_A_LOCAL_PORT] = { .type = NLA_U16 },
	[LITEPX_CONN_A_TARGET] = { .type = NLA_NESTED },
	[LITEPX_CONN_A_TARGET_PORT] = { .type = NLA_U16 },
	[LITEPX_CONN_A_STATE] = { .type = NLA_U8 },
	[LITEPX_CONN_A_AGE_MS] = { .type = NLA_U32 },
	[LITEPX_CONN_A_IDLE_MS] = { .type = NLA_U32 },
	[LITEPX_CONN_A_BYTES_TO_TARGET] = { .type = NLA_U64 },
	[LITEPX_CONN_A_BYTES_TO_CLIENT] = { .type = NLA_U64 },
	[LITEPX_CONN_A_PACKETS_TO_TARGET] = { .type = NLA_U64 },
	[LITEPX_CONN_A_PACKETS_TO_CLIENT] = { .type = NLA_U64 },
};

static const int conn_required[] = {
	LITEPX_CONN_A_ROUTE_ID, LITEPX_CONN_A_PROTOCOL, LITEPX_CONN_A_CLIENT,
	LITEPX_CONN_A_CLIENT_PORT, LITEPX_CONN_A_LOCAL,
	LITEPX_CONN_A_LOCAL_PORT, LITEPX_CONN_A_TARGET,
	LITEPX_CONN_A_TARGET_PORT, LITEPX_CONN_A_STATE, LITEPX_CONN_A_AGE_MS,
	LITEPX_CONN_A_IDLE_MS, LITEPX_CONN_A_BYTES_TO_TARGET,
	LITEPX_CONN_A_BYTES_TO_CLIENT,
};

static int parse_conn(struct nlattr *nest, struct lpx_conn *c)
{
	struct nlattr *tb[LITEPX_CONN_A_MAX + 1];
	size_t i;

	if (nla_parse_nested(tb, LITEPX_CONN_A_MAX, nest, conn_policy) < 0)
		return -EPROTO;
	for (i = 0; i < sizeof(conn_required) / sizeof(conn_required[0]); i++)
		if (!tb[conn_required[i]])
			return -EPROTO;
	if (parse_addr(tb[LITEPX_CONN_A_CLIENT], &c->client) ||
	    parse_addr(tb[LITEPX_CONN_A_LOCAL], &c->local) ||
	    parse_addr(tb[LITEPX_CONN_A_TARGET], &c->target))
		return -EPROTO;
	c->route_id = nla_get_u32(tb[LITEPX_CONN_A_ROUTE_ID]);
	c->protocol = nla_get_u8(tb[LITEPX_CONN_A_PROTOCOL]);
	c->client_port = nla_get_u16(tb[LITEPX_CONN_A_CLIENT_PORT]);
	c->local_port = nla_get_u16(tb[LITEPX_CONN_A_LOCAL_PORT]);
	c->target_port = nla_get_u16(tb[LITEPX_CONN_A_TARGET_PORT]);
	c->state = nla_get_u8(tb[LITEPX_CONN_A_STATE]);
	c->age_ms = nla_get_u32(tb[LITEPX_CONN_A_AGE_MS]);
	c->idle_ms = nla_get_u32(tb[LITEPX_CONN_A_IDLE_MS]);
	c->bytes_to_target = nla_get_u64(tb[LITEPX_CONN_A_BYTES_TO_TARGET]);
	c->bytes_to_client = nla_get_u64(tb[LITEPX_CONN_A_BYTES_TO_CLIENT]);
	c->packets_to_target = tb[LITEPX_CONN_A_PACKETS_TO_TARGET] ?
		nla_get_u64(tb[LITEPX_CONN_A_PACKETS_TO_TARGET]) : 0;
	c->packets_to_client = tb[LITEPX_CONN_A_PACKETS_TO_CLIENT] ?
		nla_get_u64(tb[LITEPX_CONN_A_PACKETS_TO_CLIENT]) : 0;
	return 0;
}

struct conn_cb {
	int (*fn)(const struct lpx_conn *conn, void *arg);
	void *arg;
};

static int on_conn(struct nl_msg *msg, void *arg)
{
	struct nlattr *nest = reply_attr(msg, LITEPX_A_CONN);
	struct conn_cb *cb = arg;
	struct lpx_conn conn;

	if (!nest || parse_conn(nest, &conn))
		return -EPROTO;
	return cb->fn(&conn, cb->arg);
}

int lpx_nl_conn_dump(struct lpx_nl *nl,
		     int (*fn)(const struct lpx_conn *conn, void *arg),
		     void *arg)
{
	struct conn_cb cb = { .fn = fn, .arg = arg };
	struct nl_msg *msg;

	msg = lpx_nl_new_request(nl, LITEPX_CMD_CONN_GET, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	return exchange(nl, msg, on_conn, &cb);
}
