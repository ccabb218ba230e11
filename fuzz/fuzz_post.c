/* SPDX-License-Identifier: MIT */
/*
 * hardware_setup's parameter logic (kvm_post_setup) and the nested MSRs KVM exposes to L1 (kvm_nested_*) on
 * arbitrary snapshots, with fuzzed module parameters.  Layout: fuzz_common.h snapshot, u8 policy index, u8 flags
 * (CONFIG_BROKEN, guest CET, 32-bit kernel, PROVE_VE), u64 TSC kHz, u32 mask of parameters given, then one
 * u8 value per given parameter.  Invariants: never fails on valid arguments; a status other than OK names where
 * it failed; every parameter value comes with a reason; when L1 gets VMX its snapshot is consistent with the
 * exposed MSRs, and the L1 snapshot negotiates again (a nested chain) without failing.
 */
#include <string.h>

#include <vmxcfg/nested.h>
#include <vmxcfg/params.h>
#include <vmxcfg/vmxcfg.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmx_snapshot s, l1;
	static struct kvm_post post, post2;
	static struct kvm_nested n;
	struct fz z = { data, size };
	fz_snapshot(&z, &s);
	const struct kvm_policy *pol = kvm_policy_at(fz_u8(&z) % kvm_policy_count());
	uint8_t fl = fz_u8(&z);
	struct kvm_params_input in;
	kvm_params_input_init(&in, pol, &s);
	in.config_broken = fl & 1;
	in.host_cet = (fl & 2) != 0;
	in.kernel_32bit = (fl & 4) != 0;
	in.prove_ve = (fl & 8) != 0;
	in.tsc_khz = fz_u64(&z) % 100000001u;
	uint32_t given = fz_u32(&z);
	for (int id = 0; id < KVM_P_COUNT; id++) {
		if (!((given >> id) & 1))
			continue;
		int64_t v = (int8_t)fz_u8(&z);
		int rc = kvm_params_set(&in, pol, (enum kvm_param)id, v);
		FUZZ_ASSERT(rc == VMX_OK || rc == VMX_ERR_INVALID);
		FUZZ_ASSERT(kvm_param_get((enum kvm_param)id) != NULL);
	}
	FUZZ_ASSERT(kvm_nested_compute(pol, &in, &post, &n, &l1) == VMX_OK);
	FUZZ_ASSERT(post.policy == pol && kvm_post_status_name(post.status) != NULL);
	FUZZ_ASSERT((post.status == KVM_POST_OK) == (post.failed_in == NULL));
	FUZZ_ASSERT(post.setup.n_events <= KVM_MAX_EVENTS);
	for (int id = 0; id < KVM_P_COUNT; id++) {
		const struct kvm_param_value *pv = &post.p[id];
		FUZZ_ASSERT(pv->why < KVM_WHY_COUNT && pv->n_lack <= KVM_PARAM_MAX_LACK);
		FUZZ_ASSERT(pv->why != KVM_WHY_DEPENDS || (pv->dep >= 0 && pv->dep < KVM_P_COUNT));
	}
	if (n.valid) {
		FUZZ_ASSERT(post.status == KVM_POST_OK);
		for (uint32_t idx = 0x480; idx <= 0x491; idx++) {
			int slot = vmx_msr_slot(idx);
			FUZZ_ASSERT(slot >= 0);
			if ((n.exposed >> (idx - 0x480)) & 1)
				FUZZ_ASSERT(vmx_snapshot_has(&l1, (enum vmx_msr_slot)slot) &&
					    l1.msr[slot] == kvm_nested_msr(&n, idx));
		}
		/* L2: the L1 snapshot through the same version with default parameters. */
		struct kvm_params_input in2;
		kvm_params_input_init(&in2, pol, &l1);
		FUZZ_ASSERT(kvm_post_setup(pol, &in2, &post2) == VMX_OK);
	} else {
		FUZZ_ASSERT(n.none != KVM_NESTED_YES);
	}
	return 0;
}
