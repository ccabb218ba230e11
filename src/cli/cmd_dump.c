/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg dump [-o FILE] [--sysroot DIR]
 * The live machine (every online CPU, through /dev/cpu/N/msr and /dev/cpu/N/cpuid) as a profile: identical CPUs
 * as one block, `cpu N` blocks only where CPUs differ, `# source:` metadata (host, kernel, date).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/live_source.h"
#include "host/percpu.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg dump [-o FILE] [--sysroot DIR]\n"
		   "  write every online CPU's VMX capability MSRs and CPUID as a profile (needs the msr driver:\n"
		   "  root or CAP_SYS_RAWIO, 'modprobe msr'); --profile FILE / --cpu NAME re-write a profile\n"
		   "exit: 0 written, 2 the devices cannot be read or bad usage\n");
	fputs(CLI_EXIT_HELP, f);
}

static int write_file(const char *path, const struct vmx_profile *p)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		return cli_error("-o %s: cannot create %s: %s", path, tmp, strerror(errno));
	int rc = vmx_profile_write(f, p);
	if (fclose(f) != 0)
		rc = -1;
	if (rc) {
		unlink(tmp);
		return cli_error("-o %s: write error", path);
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return cli_error("-o %s: cannot rename %s: %s", path, tmp, strerror(e));
	}
	return CLI_OK;
}

int cmd_dump(int argc, char **argv, FILE *out)
{
	struct cli_source src;
	cli_source_init(&src);
	const char *outfile = NULL;
	int rc = CLI_BAD;
	for (int i = 1; i < argc; i++) {
		int s = cli_source_opt(&src, argc, argv, &i);
		if (s == 0)
			s = cli_shared_opt(argc, argv, &i, NULL, NULL, &outfile);
		if (s <= 0) {
			rc = s < 0 ? CLI_BAD : cli_common_opt("dump", argv[i], usage, out);
			goto done;
		}
	}
	if (src.kind == CLI_SRC_CPUINFO) {
		cli_error("dump: /proc/cpuinfo gives a partial view (allowed-1 bits of named controls only), which a "
			  "profile cannot hold: dump needs the msr driver");
		goto done;
	}
	if (src.kind == CLI_SRC_NONE || src.kind == CLI_SRC_LIVE) {
		struct vmx_live_report r;
		struct vmx_diag d;
		src.kind = CLI_SRC_LIVE;
		if (cli_live_read(src.sysroot, &src.prof, &r, &d)) {
			if (r.msr_status != VMX_LIVE_OK)
				cli_error("dump: %s", r.msg);
			else
				cli_diag(&d);
			goto done;
		}
		if (r.absent_msrs & (1u << VMX_MSR_BASIC)) {
			bool none = true;
			for (size_t k = 0; k < src.prof.n_cpus; k++)
				if (vmx_snapshot_has(&src.prof.cpus[k].snap, VMX_MSR_BASIC))
					none = false;
			if (none)
				cli_error("dump: note: IA32_VMX_BASIC (0x480) is absent on every CPU: this machine has no VMX "
					  "(the profile records that)");
		}
	} else if ((rc = cli_source_load(&src, CLI_SRC_LIVE)) != CLI_OK) {
		goto done;
	}
	rc = CLI_BAD;
	if (outfile && strcmp(outfile, "-")) {
		if (write_file(outfile, &src.prof) != CLI_OK)
			goto done;
		cli_error("wrote %s: %zu CPU%s, %zu differing from the first", outfile, src.prof.n_cpus,
			  src.prof.n_cpus == 1 ? "" : "s", vmx_percpu_count_differing(&src.prof));
	} else if (vmx_profile_write(out, &src.prof)) {
		cli_error("dump: write error");
		goto done;
	}
	rc = CLI_OK;
done:
	cli_source_free(&src);
	return rc;
}
