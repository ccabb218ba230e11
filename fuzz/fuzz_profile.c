/* SPDX-License-Identifier: MIT */
/*
 * Profile reader (src/host/profile.c) on arbitrary text.  Invariants: a rejected input leaves an empty profile
 * and a diagnostic naming the file; an accepted one writes back (vmx_profile_write) to text that parses to the
 * same snapshots; every parsed snapshot then goes through each KVM policy and the VM-entry checks.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmcs.h>

#include "fuzz_common.h"
#include "host/profile.h"

static void run_core(const struct vmx_snapshot *s)
{
	static struct kvm_result r;
	static struct vmcs_result vr;
	struct kvm_input in;
	kvm_input_init(&in, s);
	(void)kvm_precheck(s);
	for (size_t i = 0; i < kvm_policy_count(); i++) {
		FUZZ_ASSERT(kvm_setup_vmcs_config(kvm_policy_at(i), &in, &r) == VMX_OK);
		FUZZ_ASSERT(r.n_events <= KVM_MAX_EVENTS);
		if (i == 0 && r.status == KVM_STATUS_OK) {
			struct vmcs_kvm_params p;
			struct vmcs_fields f;
			vmcs_kvm_params_from(&r, s, &p);
			vmcs_from_kvm(&r, &p, &f);
			FUZZ_ASSERT(vmcs_check(s, 46, &f, 0, &vr) == VMX_OK);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmx_profile p;
	struct vmx_diag d;
	memset(&d, 0, sizeof(d));
	if (vmx_profile_parse((const char *)data, size, "fuzz.profile", &p, &d) != 0) {
		FUZZ_ASSERT(p.n_cpus == 0 && p.cpus == NULL);
		FUZZ_ASSERT(strcmp(d.file, "fuzz.profile") == 0 && d.msg[0] != 0 && d.line >= 0);
		return 0;
	}
	FUZZ_ASSERT(p.n_cpus >= 1);
	for (size_t k = 0; k < p.n_cpus; k++)
		run_core(&p.cpus[k].snap);

	/* Round trip. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	FUZZ_ASSERT(f);
	FUZZ_ASSERT(vmx_profile_write(f, &p) == 0);
	fclose(f);
	struct vmx_profile q;
	if (vmx_profile_parse(buf, len, "roundtrip", &q, &d) != 0) {
		fprintf(stderr, "round trip rejected: %s:%d: %s\n--\n%s--\n", d.file, d.line, d.msg, buf);
		abort();
	}
	if (q.n_cpus == 1) {
		for (size_t k = 0; k < p.n_cpus; k++)
			FUZZ_ASSERT(vmx_snapshot_equal(&p.cpus[k].snap, &q.cpus[0].snap));
	} else {
		FUZZ_ASSERT(q.n_cpus == p.n_cpus);
		for (size_t k = 0; k < p.n_cpus; k++)
			FUZZ_ASSERT(vmx_snapshot_equal(&p.cpus[k].snap, &q.cpus[k].snap));
	}
	vmx_profile_free(&q);
	free(buf);
	vmx_profile_free(&p);
	return 0;
}
