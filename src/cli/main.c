/* SPDX-License-Identifier: MIT */
/* vmxcfg: the program.  The subcommand table and dispatch live in run.c. */
#include <stdio.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_run(argc, argv, stdout);
}
