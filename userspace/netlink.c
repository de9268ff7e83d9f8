// SPDX-License-Identifier: GPL-2.0
/*
 * The litepx generic netlink family from userspace: the socket, one
 * request and its answers at a time, extack messages captured, and the
 * commands built on that. wire.c encodes and decodes the attributes.
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
		err = lpx_nl_parse_stats(nest,
					 &(*dump->stats)[dump->cfg->nroutes]);
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

struct conn_cb {
	int (*fn)(const struct lpx_conn *conn, void *arg);
	void *arg;
};

static int on_conn(struct nl_msg *msg, void *arg)
{
	struct nlattr *nest = reply_attr(msg, LITEPX_A_CONN);
	struct conn_cb *cb = arg;
	struct lpx_conn conn;

	if (!nest || lpx_nl_parse_conn(nest, &conn))
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
