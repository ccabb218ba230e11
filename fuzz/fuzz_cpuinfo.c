/* SPDX-License-Identifier: MIT */
/*
 * /proc/cpuinfo reader (src/host/cpuinfo.c) on arbitrary text.  The first byte picks the kernel release given
 * (none, a valid one per name set, or garbage); the rest is the cpuinfo text.  Invariants: a rejected input
 * leaves an empty profile and a diagnostic naming the file; an accepted one holds partial snapshots only, whose
 * known bits are a subset of what a partial snapshot may know, and the KVM engine runs on each.
 */
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "fuzz_common.h"
#include "host/cpuinfo.h"

static const char *const releases[] = { NULL, "5.10.0-28-amd64", "6.1.0-18-amd64", "6.16.3", "7.1.0", "x.y", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvm_result r;
	if (size < 1)
		return 0;
	const char *rel = releases[data[0] % (sizeof(releases) / sizeof(releases[0]))];
	struct vmx_profile p;
	struct vmx_cpuinfo_info info;
	struct vmx_diag d;
	memset(&d, 0, sizeof(d));
	if (rel)
		(void)vmx_cpuinfo_names_for_release(rel);
	if (vmx_cpuinfo_parse((const char *)data + 1, size - 1, "fuzz.cpuinfo", rel, &p, &info, &d) != 0) {
		FUZZ_ASSERT(p.n_cpus == 0 && p.cpus == NULL);
		FUZZ_ASSERT(strcmp(d.file, "fuzz.cpuinfo") == 0 && d.msg[0] != 0 && d.line >= 0);
		return 0;
	}
	FUZZ_ASSERT(p.n_cpus >= 1);
	FUZZ_ASSERT(memchr(info.vendor, 0, sizeof(info.vendor)) && memchr(info.model_name, 0, sizeof(info.model_name)));
	FUZZ_ASSERT(vmx_cpuinfo_names_label(info.names) != NULL);
	for (size_t k = 0; k < p.n_cpus; k++) {
		const struct vmx_snapshot *s = &p.cpus[k].snap;
		struct kvm_input in;
		FUZZ_ASSERT(s->flags & VMX_SNAP_PARTIAL);
		kvm_input_init(&in, s);
		FUZZ_ASSERT(kvm_setup_vmcs_config(kvm_policy_at(0), &in, &r) == VMX_OK);
		FUZZ_ASSERT(r.n_events <= KVM_MAX_EVENTS);
	}
	vmx_profile_free(&p);
	return 0;
}
