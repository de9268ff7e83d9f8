// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics file, replaced whole or not at all, so that node_exporter's
 * textfile collector, which may read it at any moment, never sees half of
 * it: the text goes to FILE.XXXXXX beside it (a name the collector skips,
 * as it reads *.prom only), reaches the disk, and is renamed over FILE.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"

/* FILE.XXXXXX in FILE's directory, so that rename() cannot cross a mount. */
static FILE *open_temp(const char *path, char **tmp)
{
	mode_t mask = umask(0);
	int fd, saved;
	FILE *f;

	umask(mask);
	if (asprintf(tmp, "%s.XXXXXX", path) < 0) {
		*tmp = NULL;
		return NULL;
	}
	fd = mkstemp(*tmp);
	if (fd < 0)
		goto err_free;
	/* mkstemp() makes it 0600; node_exporter reads as another user. */
	if (fchmod(fd, 0666 & ~mask))
		goto err_unlink;
	f = fdopen(fd, "w");
	if (f)
		return f;
err_unlink:
	saved = errno;
	unlink(*tmp);
	close(fd);
	errno = saved;
err_free:
	free(*tmp);
	*tmp = NULL;
	return NULL;
}

/* The rename itself must reach the disk too. */
static int sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, err;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	err = fsync(fd);
	close(fd);
	return err;
}

static int commit_temp(FILE *f, const char *tmp, const char *path)
{
	bool failed = fflush(f) || ferror(f) || fsync(fileno(f));
	int saved;

	if (fclose(f))
		failed = true;
	if (!failed && !rename(tmp, path))
		return sync_dir(path);
	saved = errno;
	unlink(tmp);
	errno = saved;
	return -1;
}

int lpx_metrics_write(const char *path, const struct lpx_config *cfg,
		      const struct lpx_route_stats *stats)
{
	char *tmp;
	FILE *f;
	int err;

	f = open_temp(path, &tmp);
	if (!f)
		return -1;
	lpx_metrics_print(f, cfg, stats);
	err = commit_temp(f, tmp, path);
	free(tmp);
	return err;
}
