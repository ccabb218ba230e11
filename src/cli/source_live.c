/* SPDX-License-Identifier: MIT */
/* Live sources (/dev/cpu/N/msr, /dev/cpu/N/cpuid, /proc/cpuinfo). */
#include "cli/cli.h"

int cli_source_load_live(struct cli_source *s)
{
	if (s->kind == CLI_SRC_CPUINFO)
		return cli_error("--cpuinfo: reading /proc/cpuinfo \"vmx flags\" is not available in this build");
	return cli_error("--live: reading /dev/cpu/N/msr is not available in this build; use --profile FILE or --cpu NAME");
}
