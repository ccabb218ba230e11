/* SPDX-License-Identifier: MIT */
/*
 * /proc/cpuinfo importer: the "vmx flags" reader of src/host/cpuinfo.h (partial snapshots, one per processor
 * block) turned into import captures.  Identical blocks become one host (import.c groups them); a cpuinfo
 * whose flags say "hypervisor" describes a virtual CPU and is refused as a host profile.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "host/cpuinfo.h"
#include "host/import.h"

int vmx_import_parse_cpuinfo(struct vmx_import_ctx *c, const char *text, size_t len)
{
	struct vmx_profile p;
	struct vmx_cpuinfo_info *info = calloc(1, sizeof(*info));
	if (!info) {
		vmx_diag_set(c->d, c->fname, 0, "out of memory");
		return -1;
	}
	int rc = -1;
	if (vmx_cpuinfo_parse(text, len, c->fname, NULL, &p, info, c->d))
		goto out_info;
	{
		struct vmx_imp_lines it = { text, text + len, 0 };
		const char *l;
		size_t n;
		while (vmx_imp_next_line(&it, &l, &n))
			;
		c->lines = it.lineno;
	}
	if (info->hypervisor) {
		vmx_diag_set(c->d, c->fname, info->hypervisor_line,
			     "the flags include 'hypervisor': this /proc/cpuinfo comes from a virtual machine, so its vmx "
			     "flags are the hypervisor's nested offer, not a real CPU's; expected a host's /proc/cpuinfo "
			     "(to study the VM itself use --cpuinfo FILE)");
		goto out;
	}
	char product[160];
	snprintf(product, sizeof(product), "Linux, vmx flags names of %s%s",
		 vmx_cpuinfo_names_label(info->names), info->names_from_release ? "" : " (inferred from the names seen)");
	for (size_t i = 0; i < p.n_cpus; i++) {
		const struct vmx_snapshot *s = &p.cpus[i].snap;
		struct vmx_import_capture *cap = vmx_imp_capture(c, 1, product);
		if (!cap)
			goto out;
		cap->last_line = c->lines;
		cap->partial = 1;
		if (vmx_profile_meta(&p, "name"))
			snprintf(cap->cpu_name, sizeof(cap->cpu_name), "%s", vmx_profile_meta(&p, "name"));
		for (int k = 0; k < VMX_MSR_COUNT; k++)
			if (vmx_snapshot_has(s, (enum vmx_msr_slot)k)) {
				cap->msr_seen |= 1u << k;
				cap->msr[k] = s->msr[k];
				cap->known[k] = (s->flags & VMX_SNAP_PARTIAL) ? s->known[k] : ~(uint64_t)0;
				cap->msr_line[k] = 1;
			}
		for (uint32_t k = 0; k < s->n_cpuid && k < VMX_CPUID_MAX && cap->n_leaf < VMX_IMPORT_LEAF_MAX; k++) {
			cap->leaf[cap->n_leaf] = s->cpuid[k];
			cap->leaf_line[cap->n_leaf] = 1;
			cap->n_leaf++;
		}
		vmx_imp_note(cap, "/proc/cpuinfo \"vmx flags\": only the allowed-1 bits of the controls Linux names are "
				  "known; CPUID is rebuilt from vendor_id, family, model, stepping and the vmx flag only");
		if (info->warning[0])
			vmx_imp_note(cap, "%s", info->warning);
	}
	rc = 0;
out:
	vmx_profile_free(&p);
out_info:
	free(info);
	return rc;
}
