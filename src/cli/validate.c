/* SPDX-License-Identifier: MIT */
/*
 * Input sanity for negotiation (`vmxcfg kvm` and anything that runs a policy): a snapshot no real VMX CPU can
 * report is bad input (exit 2), not a verdict.  `vmxcfg caps` reports the same facts as lints instead.
 */
#include <inttypes.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"

static const enum vmx_msr_slot ctl_slots[] = {
	VMX_MSR_PINBASED,      VMX_MSR_PROCBASED,      VMX_MSR_EXIT,       VMX_MSR_ENTRY,      VMX_MSR_PROCBASED2,
	VMX_MSR_TRUE_PINBASED, VMX_MSR_TRUE_PROCBASED, VMX_MSR_TRUE_EXIT, VMX_MSR_TRUE_ENTRY,
};

static int check_one(const char *label, int cpu, const struct vmx_snapshot *s)
{
	char where[32] = "";
	if (cpu >= 0)
		snprintf(where, sizeof(where), "cpu %d: ", cpu);
	if (s->flags & VMX_SNAP_PARTIAL)
		return CLI_OK; /* /proc/cpuinfo: only allowed-1 bits are known */
	if (!vmx_cpuid_has_vmx(s))
		return CLI_OK; /* no VMX: the precheck explains it, the MSRs do not matter */
	if (!vmx_snapshot_has(s, VMX_MSR_BASIC))
		return cli_error("%s: %sno IA32_VMX_BASIC record although CPUID.1:ECX.VMX = 1: expected a line "
				 "'msr 0x480 VALUE'",
				 label, where);
	uint64_t b = s->msr[VMX_MSR_BASIC];
	uint32_t size = vmx_basic_vmcs_size(b);
	if (size == 0 || size > 4096)
		return cli_error("%s: %sIA32_VMX_BASIC (msr 0x480) = 0x%016" PRIx64 " gives a VMCS size of %" PRIu32
				 " bytes: expected 1 to 4096 (bits 44:32, SDM A.1)",
				 label, where, b, size);
	for (size_t i = 0; i < sizeof(ctl_slots) / sizeof(ctl_slots[0]); i++) {
		enum vmx_msr_slot sl = ctl_slots[i];
		if (!vmx_snapshot_has(s, sl))
			continue;
		uint64_t v = s->msr[sl];
		uint32_t bad = vmx_allowed0(v) & ~vmx_allowed1(v);
		if (bad)
			return cli_error("%s: %s%s (msr 0x%" PRIx32 ") = 0x%016" PRIx64 ": bits 0x%08" PRIx32
					 " must be 1 (allowed-0) but may not be 1 (allowed-1): expected the allowed-0 "
					 "half (bits 31:0) to be a subset of the allowed-1 half (bits 63:32), SDM A.3",
					 label, where, vmx_msr_name(sl), vmx_msr_index(sl), v, bad);
	}
	return CLI_OK;
}

int cli_validate_for_negotiation(const struct cli_source *s)
{
	for (size_t k = 0; k < s->prof.n_cpus; k++) {
		int id = s->prof.n_cpus > 1 || s->prof.cpus[k].id >= 0 ? s->prof.cpus[k].id : -1;
		if (check_one(s->label, id, &s->prof.cpus[k].snap) != CLI_OK)
			return CLI_BAD;
	}
	return CLI_OK;
}
