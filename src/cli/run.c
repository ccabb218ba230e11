/* SPDX-License-Identifier: MIT */
/* vmxcfg: subcommand table and dispatch (main.c calls cli_run; fuzz/fuzz_cli.c calls it in-process). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, FILE *out);
	const char *summary;
};

/* One line per subcommand. */
static const struct command commands[] = {
	{ "kvm", cmd_kvm, "predict what kvm_intel negotiates (setup_vmcs_config) and why" },
	{ "profiles", cmd_profiles, "list the embedded CPU profiles" },
#define VMXCFG_EXTRA_COMMANDS
#include "cli/commands_extra.h"
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n%srun 'vmxcfg <command> --help' for a command's options\n", CLI_EXIT_HELP);
}

int cli_run(int argc, char **argv, FILE *sink)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_BAD;
	}
	/* `vmxcfg help CMD` is `vmxcfg CMD --help`. */
	char *help_argv[] = { argv[0], argc > 2 ? argv[2] : NULL, "--help", NULL };
	if (strcmp(argv[1], "help") == 0 && argc > 2) {
		if (argc > 3)
			return cli_error("help: unexpected argument '%s': expected one command name", argv[3]);
		argv = help_argv;
		argc = 3;
	} else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(sink);
		return fflush(sink) == 0 ? CLI_OK : CLI_BAD;
	}
	if (strcmp(argv[1], "--version") == 0) {
		fprintf(sink, "vmxcfg %s\n", VMXCFG_VERSION);
		return fflush(sink) == 0 ? CLI_OK : CLI_BAD;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* Output goes to memory first: nothing reaches the sink unless the command completes (exit 0, 1 or 3:
		 * a verdict, or a report without one). */
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		if (!out) {
			perror("vmxcfg: open_memstream");
			return CLI_BAD;
		}
		int rc = commands[i].fn(argc - 1, argv + 1, out);
		bool report = rc == CLI_OK || rc == CLI_NO || rc == CLI_UNKNOWN;
		if (fclose(out) != 0 && report)
			rc = cli_error("cannot buffer the output: out of memory");
		else if (report) {
			if (len && fwrite(buf, 1, len, sink) != len)
				rc = CLI_BAD;
			if (fflush(sink) != 0) {
				perror("vmxcfg: stdout");
				rc = CLI_BAD;
			}
		}
		free(buf);
		return rc;
	}
	cli_error("unknown command '%s': expected one of the commands below", argv[1]);
	usage(stderr);
	return CLI_BAD;
}
