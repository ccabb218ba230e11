/* SPDX-License-Identifier: MIT */
/*
 * One test per rule of the L1 MSRs (kvm-setup.md §5, §7.12, §7.13, §7.16), on the Alder Lake-S i5-12400 profile
 * with one capability removed at a time.  Expected values are worked out by hand from the reference.
 */
#include <vmxcfg/vmxcfg.h>

#include "host/profile.h"
#include "t.h"
#include "t_profile.h"

static struct vmx_snapshot base;
static struct kvm_post post;
static struct kvm_nested nn;

static void deny(struct vmx_snapshot *s, enum vmx_msr_slot slot, uint32_t bits)
{
	s->msr[slot] &= ~(((uint64_t)bits << 32) | bits);
}

static const struct kvm_nested *nest(const char *ver, const struct vmx_snapshot *s, int param, int64_t v, bool cet)
{
	const struct kvm_policy *p = kvm_policy_find(ver);
	struct kvm_params_input in;
	kvm_params_input_init(&in, p, s);
	in.host_cet = cet;
	if (param >= 0)
		T_EQ_U64(kvm_params_set(&in, p, (enum kvm_param)param, v), VMX_OK);
	T_EQ_U64(kvm_nested_compute(p, &in, &post, &nn, NULL), VMX_OK);
	return &nn;
}

#define M(n, idx) kvm_nested_msr((n), (idx))
#define HI(x) ((uint32_t)((x) >> 32))
#define LO(x) ((uint32_t)(x))

int main(void)
{
	t_load_embedded("alderlake-core-i5-12400", &base);
	static struct vmx_snapshot s;
	const struct kvm_nested *n = nest("7.1", &base, -1, 0, false);
	T_CHECK(n->valid);
	/* Legacy control MSRs = TRUE value with the default1 bits forced into the low half. */
	T_EQ_U64(M(n, 0x481), M(n, 0x48d) | VMX_PIN_DEFAULT1);
	T_EQ_U64(M(n, 0x482), M(n, 0x48e) | VMX_PRIMARY_DEFAULT1);
	T_EQ_U64(M(n, 0x483), M(n, 0x48f) | VMX_EXIT_DEFAULT1);
	T_EQ_U64(M(n, 0x484), M(n, 0x490) | VMX_ENTRY_DEFAULT1);
	/* TRUE low halves: L1 may clear CR3-load/store exiting, save/load debug controls. */
	T_EQ_U64(LO(M(n, 0x48e)), VMX_PRIMARY_DEFAULT1 & ~(VMX_B32(PRIMARY, CR3_LOAD_EXITING) | VMX_B32(PRIMARY, CR3_STORE_EXITING)));
	T_EQ_U64(LO(M(n, 0x48f)), 0x36dfb);
	T_EQ_U64(LO(M(n, 0x490)), 0x11fb);
	T_EQ_U64(LO(M(n, 0x48d)), 0x16);
	/* Never exposed: tertiary controls (MSR and the primary bit). */
	T_EQ_U64(M(n, 0x492), 0);
	T_CHECK(!((n->exposed >> 0x12) & 1));
	T_CHECK(!(HI(M(n, 0x48e)) & VMX_B32(PRIMARY, TERTIARY_CONTROLS)));
	/* BASIC: KVM's revision, 4 KiB, WB, TRUE controls, INS/OUTS and (7.1) bit 56 from the host. */
	T_EQ_U64(M(n, 0x480), 0x11e57ed0ull | (0x1000ull << 32) | (6ull << 50) | VMX_B(BASIC, TRUE_CTLS) |
				      VMX_B(BASIC, INS_OUTS) | VMX_B(BASIC, NO_HW_ERRCODE_CC));
	T_EQ_U64(M(nest("6.6", &base, -1, 0, false), 0x480) & VMX_B(BASIC, NO_HW_ERRCODE_CC), 0); /* §7.13 */
	s = base;
	s.msr[VMX_MSR_BASIC] &= ~VMX_B(BASIC, INS_OUTS);
	T_EQ_U64(M(nest("7.1", &s, -1, 0, false), 0x480) & VMX_B(BASIC, INS_OUTS), 0);
	/* MISC: store-LMA, HLT, wait-for-SIPI (6.1+), VMWRITE any field, rate 5; nothing else. */
	T_EQ_U64(M(nest("7.1", &base, -1, 0, false), 0x485), 0x20000165);
	T_EQ_U64(M(nest("5.10", &base, -1, 0, false), 0x485), 0x20000065);
	/* CR fixed MSRs. */
	n = nest("7.1", &base, -1, 0, false);
	T_EQ_U64(M(n, 0x486), 0x80000021);
	T_EQ_U64(M(n, 0x488), 0x2000);
	T_EQ_U64(M(n, 0x487), base.msr[VMX_MSR_CR0_FIXED1]);
	s = base; /* a host without CR4.UMIP but with descriptor-table exiting: 6.1+ emulate UMIP */
	s.msr[VMX_MSR_CR4_FIXED1] &= ~(1ull << 11);
	T_EQ_U64(M(nest("7.1", &s, -1, 0, false), 0x489), base.msr[VMX_MSR_CR4_FIXED1]);
	T_EQ_U64(M(nest("5.10", &s, -1, 0, false), 0x489), s.msr[VMX_MSR_CR4_FIXED1]); /* §7.16 */
	deny(&s, VMX_MSR_PROCBASED2, VMX_B32(SECONDARY, DESC_EXITING));
	T_EQ_U64(M(nest("7.1", &s, -1, 0, false), 0x489), s.msr[VMX_MSR_CR4_FIXED1]);
	/* VMCS_ENUM (§7.12): 7.1 0x32 with TSC scaling, else 0x2e; 6.6 0x32; 5.10 0x2e. */
	T_EQ_U64(M(nest("7.1", &base, -1, 0, false), 0x48a), 0x32);
	T_EQ_U64(M(nest("6.6", &base, -1, 0, false), 0x48a), 0x32);
	T_EQ_U64(M(nest("5.10", &base, -1, 0, false), 0x48a), 0x2e);
	s = base;
	deny(&s, VMX_MSR_PROCBASED2, VMX_B32(SECONDARY, TSC_SCALING));
	T_EQ_U64(M(nest("7.1", &s, -1, 0, false), 0x48a), 0x2e);
	T_EQ_U64(M(nest("6.6", &s, -1, 0, false), 0x48a), 0x32);

	/* Pin: the preemption timer is emulated (offered without hardware); posted interrupts follow enable_apicv. */
	s = base;
	deny(&s, VMX_MSR_PINBASED, VMX_B32(PIN, PREEMPTION_TIMER));
	T_CHECK(HI(M(nest("7.1", &s, -1, 0, false), 0x48d)) & VMX_B32(PIN, PREEMPTION_TIMER));
	T_CHECK(HI(M(nest("7.1", &base, -1, 0, false), 0x48d)) & VMX_B32(PIN, POSTED_INTR));
	T_CHECK(!(HI(M(nest("7.1", &base, KVM_P_ENABLE_APICV, 0, false), 0x48d)) & VMX_B32(PIN, POSTED_INTR)));

	/* Primary: MSR bitmaps always offered; RDTSC exiting from the host. */
	s = base;
	deny(&s, VMX_MSR_PROCBASED, VMX_B32(PRIMARY, MSR_BITMAPS) | VMX_B32(PRIMARY, RDTSC_EXITING));
	n = nest("7.1", &s, -1, 0, false);
	T_CHECK(HI(M(n, 0x48e)) & VMX_B32(PRIMARY, MSR_BITMAPS));
	T_CHECK(!(HI(M(n, 0x48e)) & VMX_B32(PRIMARY, RDTSC_EXITING)));

	/* Exit/entry: 6.1+ always offer load IA32_PERF_GLOBAL_CTRL, EFER; 5.10 follows the host (§7.16). */
	s = base;
	deny(&s, VMX_MSR_EXIT, VMX_B32(EXIT, LOAD_PERF_GLOBAL_CTRL) | VMX_B32(EXIT, LOAD_EFER));
	deny(&s, VMX_MSR_ENTRY, VMX_B32(ENTRY, LOAD_PERF_GLOBAL_CTRL) | VMX_B32(ENTRY, LOAD_EFER));
	n = nest("7.1", &s, -1, 0, false);
	T_CHECK(HI(M(n, 0x48f)) & VMX_B32(EXIT, LOAD_PERF_GLOBAL_CTRL));
	T_CHECK(HI(M(n, 0x490)) & VMX_B32(ENTRY, LOAD_PERF_GLOBAL_CTRL));
	T_CHECK(HI(M(n, 0x48f)) & VMX_B32(EXIT, LOAD_EFER));
	T_CHECK(HI(M(n, 0x490)) & VMX_B32(ENTRY, LOAD_EFER));
	n = nest("5.10", &s, -1, 0, false);
	T_CHECK(!(HI(M(n, 0x48f)) & VMX_B32(EXIT, LOAD_PERF_GLOBAL_CTRL)));
	T_CHECK(!(HI(M(n, 0x490)) & VMX_B32(ENTRY, LOAD_PERF_GLOBAL_CTRL)));
	T_CHECK(HI(M(n, 0x48f)) & VMX_B32(EXIT, LOAD_EFER));
	/* CET state for L1 only when guests get SHSTK/IBT (7.1: host CET, cet=1, UG, BASIC bit 56). */
	T_CHECK(!(HI(M(nest("7.1", &base, -1, 0, false), 0x490)) & VMX_B32(ENTRY, LOAD_CET_STATE)));
	n = nest("7.1", &base, -1, 0, true);
	T_CHECK(HI(M(n, 0x490)) & VMX_B32(ENTRY, LOAD_CET_STATE));
	T_CHECK(HI(M(n, 0x48f)) & VMX_B32(EXIT, LOAD_CET_STATE));
	T_CHECK(!(HI(M(nest("7.1", &base, KVM_P_CET, 0, true), 0x490)) & VMX_B32(ENTRY, LOAD_CET_STATE)));
	T_CHECK(!(HI(M(nest("7.1", &base, KVM_P_UNRESTRICTED_GUEST, 0, true), 0x490)) & VMX_B32(ENTRY, LOAD_CET_STATE)));

	/* Secondary: VMCS shadowing always; EPT (+PML, A/D) by ept/eptad; VPID; UG; APIC access; ENCLS by sgx. */
	s = base;
	deny(&s, VMX_MSR_PROCBASED2, VMX_B32(SECONDARY, SHADOW_VMCS));
	T_CHECK(HI(M(nest("7.1", &s, -1, 0, false), 0x48b)) & VMX_B32(SECONDARY, SHADOW_VMCS));
	n = nest("7.1", &base, KVM_P_EPT, 0, false);
	T_EQ_U64(HI(M(n, 0x48b)) & (VMX_B32(SECONDARY, EPT) | VMX_B32(SECONDARY, PML) | VMX_B32(SECONDARY, UNRESTRICTED_GUEST)), 0);
	T_EQ_U64(LO(M(n, 0x48c)), 0);
	T_EQ_U64(M(n, 0x491), 0); /* EPTP switching needs EPT */
	n = nest("7.1", &base, KVM_P_EPTAD, 0, false);
	T_CHECK(!(HI(M(n, 0x48b)) & VMX_B32(SECONDARY, PML)));
	T_CHECK(!(M(n, 0x48c) & VMX_B(EPT_VPID, EPT_AD)));
	T_CHECK(HI(M(n, 0x48b)) & VMX_B32(SECONDARY, EPT));
	s = base; /* PML is emulated: offered with eptad even without hardware PML */
	deny(&s, VMX_MSR_PROCBASED2, VMX_B32(SECONDARY, PML));
	T_CHECK(HI(M(nest("7.1", &s, -1, 0, false), 0x48b)) & VMX_B32(SECONDARY, PML));
	n = nest("7.1", &base, KVM_P_VPID, 0, false);
	T_CHECK(!(HI(M(n, 0x48b)) & VMX_B32(SECONDARY, VPID)));
	T_EQ_U64(HI(M(n, 0x48c)), 0);
	T_EQ_U64(HI(M(nest("7.1", &base, -1, 0, false), 0x48c)), 0xf01); /* INVVPID + all four extents */
	n = nest("7.1", &base, KVM_P_FLEXPRIORITY, 0, false);
	T_CHECK(!(HI(M(n, 0x48b)) & VMX_B32(SECONDARY, VIRT_APIC_ACCESSES)));
	T_CHECK(HI(M(nest("5.10", &base, -1, 0, false), 0x48b)) & VMX_B32(SECONDARY, RDTSCP));
	T_EQ_U64(HI(M(nest("5.10", &base, -1, 0, false), 0x48b)) & (VMX_B32(SECONDARY, TSC_SCALING) | VMX_B32(SECONDARY, USR_WAIT_PAUSE)), 0);
	T_CHECK(HI(M(nest("6.6", &base, -1, 0, false), 0x48b)) & VMX_B32(SECONDARY, TSC_SCALING));
	t_load_embedded("icelake-core-i7-1065g7", &s); /* SGX host: ENCLS for L1 on 6.6, not on 5.10 (§7.16) */
	T_CHECK(HI(M(nest("6.6", &s, -1, 0, false), 0x48b)) & VMX_B32(SECONDARY, ENCLS_EXITING));
	T_CHECK(!(HI(M(nest("6.6", &s, KVM_P_SGX, 0, false), 0x48b)) & VMX_B32(SECONDARY, ENCLS_EXITING)));
	T_CHECK(!(HI(M(nest("5.10", &s, -1, 0, false), 0x48b)) & VMX_B32(SECONDARY, ENCLS_EXITING)));

	/* EPT caps: host exec-only/walk/WB/INVEPT kept; 2M, 1G, single/all-context INVEPT always; UC never. */
	s = base;
	s.msr[VMX_MSR_EPT_VPID_CAP] &= ~(VMX_B(EPT_VPID, EPT_1GB) | VMX_B(EPT_VPID, EPT_EXEC_ONLY));
	n = nest("7.1", &s, -1, 0, false);
	T_CHECK(M(n, 0x48c) & VMX_B(EPT_VPID, EPT_1GB));
	T_CHECK(!(M(n, 0x48c) & VMX_B(EPT_VPID, EPT_EXEC_ONLY)));
	T_CHECK(!(M(n, 0x48c) & VMX_B(EPT_VPID, EPTP_UC)));
	s.msr[VMX_MSR_EPT_VPID_CAP] |= VMX_B(EPT_VPID, EPT_WALK5);
	T_CHECK(M(nest("7.1", &s, -1, 0, false), 0x48c) & VMX_B(EPT_VPID, EPT_WALK5));
	/* VMFUNC: EPTP switching when the host has VM functions and ept=1. */
	T_EQ_U64(M(nest("7.1", &base, -1, 0, false), 0x491), 1);
	s = base;
	deny(&s, VMX_MSR_PROCBASED2, VMX_B32(SECONDARY, VMFUNC));
	n = nest("7.1", &s, -1, 0, false);
	T_EQ_U64(M(n, 0x491), 0);
	T_CHECK(!(HI(M(n, 0x48b)) & VMX_B32(SECONDARY, VMFUNC)));

	/* No VMX for L1: nested=0, or kvm_intel does not load. */
	n = nest("7.1", &base, KVM_P_NESTED, 0, false);
	T_CHECK(!n->valid);
	T_EQ_U64(n->none, KVM_NESTED_DISABLED);
	t_load_embedded("yonah-core-duo-t2600", &s);
	n = nest("7.1", &s, -1, 0, false);
	T_CHECK(!n->valid);
	T_EQ_U64(n->none, KVM_NESTED_NOT_LOADED);
	T_CHECK(!nest("4.19", &base, -1, 0, false)->valid); /* nested defaults to 0 in 4.19 */

	/* The L1 snapshot: CPUID passed through, FEATURE_CONTROL locked+VMX, MSRs 0x480-0x491, no 0x492. */
	{
		const struct kvm_policy *p = kvm_policy_find("7.1");
		struct kvm_params_input in;
		static struct vmx_snapshot l1, l2;
		kvm_params_input_init(&in, p, &base);
		T_EQ_U64(kvm_nested_compute(p, &in, &post, &nn, &l1), VMX_OK);
		T_EQ_U64(l1.n_cpuid, base.n_cpuid);
		T_EQ_U64(vmx_snapshot_msr(&l1, VMX_MSR_FEATURE_CONTROL), 5);
		T_CHECK(!vmx_snapshot_has(&l1, VMX_MSR_PROCBASED3));
		T_EQ_U64(vmx_snapshot_msr(&l1, VMX_MSR_TRUE_EXIT), M(&nn, 0x48f));
		/* L1 running KVM 7.1 loads, and L2 offers nothing L1 does not. */
		kvm_params_input_init(&in, p, &l1);
		T_EQ_U64(kvm_nested_compute(p, &in, &post, &nn, &l2), VMX_OK);
		T_EQ_U64(post.status, KVM_POST_OK);
		T_CHECK(nn.valid);
		for (int k = VMX_MSR_PINBASED; k <= VMX_MSR_ENTRY; k++)
			T_EQ_U64(HI(l2.msr[k]) & ~HI(l1.msr[k]), 0);
		T_EQ_U64(HI(l2.msr[VMX_MSR_PROCBASED2]) & ~HI(l1.msr[VMX_MSR_PROCBASED2]), 0);
	}
	return T_DONE();
}
