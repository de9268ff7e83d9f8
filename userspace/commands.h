/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One function per subcommand. Each gets argv with argv[0] = its name
 * and returns the exit status: 0 ok, 1 runtime failure, 2 bad usage or
 * invalid configuration.
 */
#ifndef LITEPX_COMMANDS_H
#define LITEPX_COMMANDS_H

#define LPX_EXIT_OK		0
#define LPX_EXIT_FAILURE	1
#define LPX_EXIT_USAGE		2

extern const char *lpx_prog;

int cmd_check(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_flush(int argc, char **argv);
int cmd_conns(int argc, char **argv);

#endif /* LITEPX_COMMANDS_H */
