// SPDX-License-Identifier: GPL-2.0
/*
 * Turning netlink failures into sentences, as libipvs' ipvs_strerror()
 * does: the kernel's extack text first, plain words for a bare errno.
 */
#include <errno.h>
#include <string.h>

#include "commands.h"
#include "errors.h"

struct errno_words {
	int cmd;		/* 0: any command */
	int err;
	const char *words;
};

static const struct errno_words words[] = {
	{ 0, EPERM, "permission denied: changing litepx needs CAP_NET_ADMIN (run as root)" },
	{ LITEPX_CMD_CONFIG_SET, EADDRINUSE, "two routes' listeners overlap" },
	{ LITEPX_CMD_CONFIG_SET, E2BIG, "too many routes, addresses or CPUs" },
	{ LITEPX_CMD_CONFIG_SET, EINVAL, "the module refused the configuration" },
	{ LITEPX_CMD_CONFIG_SET, EMSGSIZE, "the configuration does not fit in one netlink message" },
	{ 0, ENOMEM, "the kernel is out of memory" },
	{ 0, EOPNOTSUPP, "the loaded module does not know this command (version mismatch?)" },
	{ 0, EIO, "the netlink exchange with the module failed" },
};

const char *lpx_strerror(int cmd, int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].err == err && (!words[i].cmd || words[i].cmd == cmd))
			return words[i].words;
	return strerror(err);
}

struct lpx_nl *lpx_open_or_report(int *status)
{
	struct lpx_nl *nl;
	int err;

	err = lpx_nl_open(&nl);
	if (!err)
		return nl;
	if (err == -ENOENT)
		fprintf(stderr, "%s: the litepx module is not loaded (run 'modprobe litepx' as root)\n",
			lpx_prog);
	else
		fprintf(stderr, "%s: cannot talk to the kernel: %s\n", lpx_prog,
			strerror(-err));
	*status = LPX_EXIT_FAILURE;
	return NULL;
}

int lpx_report_nl_error(int cmd, const struct lpx_nl *nl,
			const struct lpx_config *cfg)
{
	const struct lpx_nl_error *e = lpx_nl_last_error(nl);
	const char *what = e->msg[0] ? e->msg : lpx_strerror(cmd, e->err);

	if (cfg && e->bad_offset >= 0 && (size_t)e->bad_offset < cfg->nroutes) {
		const struct lpx_route *r = &cfg->routes[e->bad_offset];

		fprintf(stderr, "%s:%u:%u: routes[%u]: the module refused this route: %s (%s)\n",
			cfg->path, r->mark.line, r->mark.column, r->id, what,
			strerror(-e->err));
		return LPX_EXIT_FAILURE;
	}
	if (e->msg[0])
		fprintf(stderr, "%s: the module refused: %s (%s)\n", lpx_prog,
			what, strerror(-e->err));
	else
		fprintf(stderr, "%s: %s\n", lpx_prog, what);
	return LPX_EXIT_FAILURE;
}
