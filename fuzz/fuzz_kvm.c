/* SPDX-License-Identifier: MIT */
/*
 * KVM negotiation (kvm_setup_vmcs_config, kvm_precheck, vmx_adjust*) on arbitrary snapshots, every policy,
 * every combination of the module inputs.  Layout: fuzz_common.h snapshot, then one byte of input flags.
 * Invariants: the engine never fails on a valid argument, stays within its event array, reports a failing
 * event exactly when the status is EIO, and an EIO leaves the configuration all zero.
 */
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmx_snapshot s;
	static struct kvm_result r, r2;
	struct fz z = { data, size };
	fz_snapshot(&z, &s);
	uint8_t fl = fz_u8(&z);
	struct kvm_input in;
	kvm_input_init(&in, &s);
	in.error_on_inconsistent_vmcs_config = !(fl & 1);
	in.kernel_32bit = (fl & 2) != 0;
	in.prove_ve = (fl & 4) != 0;
	enum kvm_precheck pre = kvm_precheck(&s);
	FUZZ_ASSERT(pre <= KVM_PRE_UNKNOWN);
	for (size_t i = 0; i < kvm_policy_count(); i++) {
		const struct kvm_policy *pol = kvm_policy_at(i);
		FUZZ_ASSERT(pol && kvm_policy_find(pol->version) == pol);
		memset(&r, 0xa5, sizeof(r));
		FUZZ_ASSERT(kvm_setup_vmcs_config(pol, &in, &r) == VMX_OK);
		FUZZ_ASSERT(r.policy == pol && r.precheck == pre);
		FUZZ_ASSERT(r.n_events <= KVM_MAX_EVENTS);
		FUZZ_ASSERT(r.status == KVM_STATUS_OK || r.status == KVM_STATUS_EIO);
		if (r.status == KVM_STATUS_EIO) {
			FUZZ_ASSERT(r.fail_event >= 0 && (size_t)r.fail_event < r.n_events);
			FUZZ_ASSERT(!(r.cfg.basic | r.cfg.pin | r.cfg.primary | r.cfg.secondary | r.cfg.tertiary | r.cfg.exit |
				      r.cfg.entry | r.cfg.misc));
		} else {
			FUZZ_ASSERT(r.fail_event == -1);
		}
		for (size_t k = 0; k < r.n_events; k++) {
			const struct kvm_event *e = &r.events[k];
			FUZZ_ASSERT(e->rule < KVM_R_COUNT && e->kind < KVM_EV_COUNT);
			FUZZ_ASSERT(e->cls < VMX_CLASS_COUNT && e->cls2 < VMX_CLASS_COUNT);
			FUZZ_ASSERT(kvm_rule_get((enum kvm_rule)e->rule) != NULL);
		}
		/* Deterministic: the same input gives the same result. */
		memset(&r2, 0x5a, sizeof(r2));
		FUZZ_ASSERT(kvm_setup_vmcs_config(pol, &in, &r2) == VMX_OK);
		FUZZ_ASSERT(r2.status == r.status && r2.n_events == r.n_events && r2.ept == r.ept && r2.vpid == r.vpid);
		FUZZ_ASSERT(r2.cfg.basic == r.cfg.basic && r2.cfg.pin == r.cfg.pin && r2.cfg.primary == r.cfg.primary &&
			    r2.cfg.secondary == r.cfg.secondary && r2.cfg.tertiary == r.cfg.tertiary &&
			    r2.cfg.exit == r.cfg.exit && r2.cfg.entry == r.cfg.entry && r2.cfg.misc == r.cfg.misc);
	}
	/* The adjust primitive on the fuzzed words. */
	uint32_t min = fz_u32(&z), opt = fz_u32(&z), out;
	uint64_t cap = fz_u64(&z);
	uint32_t miss = vmx_adjust32(min, opt, cap, &out);
	FUZZ_ASSERT((out & vmx_allowed0(cap)) == vmx_allowed0(cap));
	FUZZ_ASSERT(miss == (min & ~out));
	FUZZ_ASSERT((vmx_adjust64(cap, min) & ~cap) == 0);
	return 0;
}
