/* SPDX-License-Identifier: MIT */
/*
 * VM-entry control checks (vmcs_check) on arbitrary snapshots and field sets.  Layout: fuzz_common.h snapshot,
 * then u8 mode (bit 0: start from the fields KVM programs, vmcs_from_kvm, for policy u8 % count; the fuzzed
 * values are XORed in), u8 maxphyaddr, u8 check flags, u64 known mask, VMCS_F_COUNT x u64 values.
 * Invariants: the check accepts every maxphyaddr 1..64 and rejects others, counts match the stored findings
 * and the failed/warned bitmaps, and findings name valid rules, fields and details.
 */
#include <string.h>

#include <vmxcfg/vmcs.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmx_snapshot s;
	static struct kvm_result kr;
	static struct vmcs_result r;
	struct vmcs_fields f;
	struct fz z = { data, size };
	fz_snapshot(&z, &s);
	uint8_t mode = fz_u8(&z), pol = fz_u8(&z), mpa = fz_u8(&z), flags = fz_u8(&z);
	vmcs_fields_init(&f);
	if (mode & 1) {
		struct kvm_input in;
		struct vmcs_kvm_params p;
		kvm_input_init(&in, &s);
		FUZZ_ASSERT(kvm_setup_vmcs_config(kvm_policy_at(pol % kvm_policy_count()), &in, &kr) == VMX_OK);
		vmcs_kvm_params_from(&kr, &s, &p);
		vmcs_from_kvm(&kr, &p, &f);
		FUZZ_ASSERT((f.known & ~VMCS_KNOWN_ALL) == 0);
	}
	f.known ^= fz_u64(&z) & VMCS_KNOWN_ALL;
	for (unsigned i = 0; i < VMCS_F_COUNT; i++)
		f.v[i] ^= fz_u64(&z);
	int rc = vmcs_check(&s, mpa, &f, flags, &r);
	if (mpa < 1 || mpa > 64) {
		FUZZ_ASSERT(rc == VMX_ERR_INVALID);
		return 0;
	}
	FUZZ_ASSERT(rc == VMX_OK);
	FUZZ_ASSERT(r.n <= VMCS_MAX_FINDINGS);
	FUZZ_ASSERT(r.paw >= 1 && r.paw <= 64);
	uint32_t ne = 0, nw = 0;
	uint64_t failed[2] = { 0, 0 }, warned[2] = { 0, 0 };
	for (uint32_t i = 0; i < r.n; i++) {
		const struct vmcs_finding *x = &r.f[i];
		FUZZ_ASSERT(x->rule < VMCS_R_COUNT && x->detail < VMCS_D_COUNT && x->kind <= VMCS_K_UNDECIDED);
		FUZZ_ASSERT(x->field < VMCS_F_COUNT || x->field == VMCS_F_NONE);
		FUZZ_ASSERT(x->field2 < VMCS_F_COUNT || x->field2 == VMCS_F_NONE);
		FUZZ_ASSERT(vmcs_rule_get((enum vmcs_rule)x->rule) && vmcs_detail_text((enum vmcs_detail)x->detail));
		if (x->kind == VMCS_K_ERROR) {
			ne++;
			failed[x->rule >> 6] |= 1ull << (x->rule & 63);
		} else {
			nw++;
			warned[x->rule >> 6] |= 1ull << (x->rule & 63);
		}
		if (flags & VMCS_CHECK_NO_WARNINGS)
			FUZZ_ASSERT(x->kind == VMCS_K_ERROR);
	}
	if (!r.truncated) {
		FUZZ_ASSERT(ne == r.n_errors && nw == r.n_warnings);
		FUZZ_ASSERT(failed[0] == r.failed[0] && failed[1] == r.failed[1]);
		FUZZ_ASSERT(warned[0] == r.warned[0] && warned[1] == r.warned[1]);
	} else {
		FUZZ_ASSERT(r.n == VMCS_MAX_FINDINGS && r.n_errors + r.n_warnings > r.n);
	}
	return 0;
}
