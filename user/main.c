// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* main.c - global options and the subcommand dispatcher. */
#include <stdio.h>
#include <string.h>

#include "backlog/backlog.h"
#include "features/features_report.h"
#include "cli/log.h"
#include "record/record.h"
#include "report/report.h"
#include "serve/serve.h"
#include "sockets/sockets.h"
#include "trace/trace.h"
#include "cli/version.h"

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "trace", cmd_trace, "trace TCP connections live (the default)" },
	{ "record", cmd_record, "record events into a compressed, crash-safe file" },
	{ "report", cmd_report, "summarise or replay recordings (no privileges needed)" },
	{ "backlog", cmd_backlog, "listen queues per listener: depths, drops by cause, diagnosis" },
	{ "sockets", cmd_sockets, "census of TCP sockets now: states, TIME_WAIT risk, leaks" },
	{ "serve", cmd_serve, "a daemon: Prometheus metrics, node_exporter textfile, recorder" },
	{ "features", cmd_features, "what this kernel gives tcpline: hooks, variants, privileges" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: tcpline [COMMAND] [OPTIONS]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n`tcpline COMMAND --help` for its options; `tcpline --version`.\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("tcpline %s\n", TL_VERSION);
		return TL_EXIT_OK;
	}
	if (argc > 1 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--commands"))) {
		usage(stdout);
		return TL_EXIT_OK;
	}
	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	if (argc > 1 && argv[1][0] != '-') {
		tl_err("unknown command '%s' (tcpline help lists them)", argv[1]);
		return TL_EXIT_USAGE;
	}
	/* no command: trace, with all arguments as its options */
	return cmd_trace(argc, argv);
}
