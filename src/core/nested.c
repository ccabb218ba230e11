/* SPDX-License-Identifier: MIT */
/*
 * VMX capability MSRs KVM exposes to L1 (docs/kernel-versions.md, "Nested (L1) MSRs").
 * 6.1+ start from the negotiated vmcs_config; <= 5.10 re-read the legacy capability MSRs.
 * "low" = allowed-0 (must-be-1) half, "high" = allowed-1 half; KVM keeps TRUE semantics and
 * ORs the default1 bits into the low half of the legacy MSRs when L1 reads them.
 * Checked field for field against the real code of 7.1, 6.6 and 5.10 (tests/golden/expected-post).  The other
 * versions follow the nearest checked one through the KVM_PV_* flags (kvm_params.c): 6.1/6.16 as 6.6, 6.19/7.0
 * as 7.1 where §1.11/§7.12-13 say so, 4.19/5.4 as 5.10; those are not verified against real code.
 */
#include <vmxcfg/nested.h>

#define PIN(x) VMX_B32(PIN, x)
#define PRI(x) VMX_B32(PRIMARY, x)
#define SEC(x) VMX_B32(SECONDARY, x)
#define EXI(x) VMX_B32(EXIT, x)
#define ENT(x) VMX_B32(ENTRY, x)
#define CAP(x) VMX_B(EPT_VPID, x)

/* KVM's VMCS12 revision id and the vmcs12 size it reports (one page). */
#define VMCS12_REVISION 0x11e57ed0ull
#define VMCS12_SIZE 0x1000ull
#define WB_MEMTYPE 6ull
/* CR0.PE | CR0.NE | CR0.PG, CR4.VMXE, CR4.UMIP */
#define CR0_FIXED0_L1 0x80000021ull
#define CR4_FIXED0_L1 0x2000ull
#define CR4_UMIP (1ull << 11)
/* IA32_VMX_MISC: emulated preemption-timer rate (bits 4:0) */
#define MISC_TIMER_RATE_L1 5u

static uint64_t lohi(uint32_t lo, uint32_t hi)
{
	return (uint64_t)lo | ((uint64_t)hi << 32);
}

uint64_t kvm_nested_msr(const struct kvm_nested *n, uint32_t index)
{
	if (index < KVM_NESTED_FIRST_MSR || index >= KVM_NESTED_FIRST_MSR + KVM_NESTED_N_MSR)
		return 0;
	unsigned i = index - KVM_NESTED_FIRST_MSR;
	return ((n->exposed >> i) & 1u) ? n->msr[i] : 0;
}

int kvm_nested_msrs(const struct kvm_post *post, const struct vmx_snapshot *l0, struct kvm_nested *n)
{
	if (!post || !l0 || !n || !post->policy)
		return VMX_ERR_INVALID;
	for (int i = 0; i < KVM_NESTED_N_MSR; i++)
		n->msr[i] = 0;
	n->exposed = 0;
	n->valid = false;
	/* No VMX, or VMX left off by firmware: kvm_intel stops before setup, so there is no L1 offer at all. */
	if (post->status != KVM_POST_OK || post->setup.precheck == KVM_PRE_NO_VMX ||
	    post->setup.precheck == KVM_PRE_FW_DISABLED) {
		n->none = KVM_NESTED_NOT_LOADED;
		return VMX_OK;
	}
	if (!post->p[KVM_P_NESTED].value) {
		n->none = KVM_NESTED_DISABLED;
		return VMX_OK;
	}
	n->none = KVM_NESTED_YES;
	n->valid = true;

	const uint32_t f = post->flags;
	const bool old = (f & KVM_PV_NESTED_OLD) != 0;
	const bool sec_extra = (f & KVM_PV_NESTED_SEC_EXTRA) != 0;
	const struct vmcs_config *c = &post->setup.cfg;
	const bool x86_64 = true; /* the post-setup input of 32-bit kernels is not modeled for L1 */
	const bool ept = post->p[KVM_P_EPT].value != 0, eptad = post->p[KVM_P_EPTAD].value != 0;
	const bool vpid = post->p[KVM_P_VPID].value != 0;
	const bool ug = post->p[KVM_P_UNRESTRICTED_GUEST].value != 0;
	const bool flexprio = post->p[KVM_P_FLEXPRIORITY].value != 0;
	const bool apicv = post->p[KVM_P_ENABLE_APICV].value != 0;
	const bool sgx = post->p[KVM_P_SGX].present && post->p[KVM_P_SGX].value != 0;

	/* Sources: the adjusted words (6.1+) or the raw legacy MSRs (<= 5.10). */
	uint64_t raw_pin = vmx_snapshot_msr(l0, VMX_MSR_PINBASED), raw_pri = vmx_snapshot_msr(l0, VMX_MSR_PROCBASED);
	uint64_t raw_exit = vmx_snapshot_msr(l0, VMX_MSR_EXIT), raw_entry = vmx_snapshot_msr(l0, VMX_MSR_ENTRY);
	uint32_t src_pin = old ? vmx_allowed1(raw_pin) : c->pin;
	uint32_t src_pri = old ? vmx_allowed1(raw_pri) : c->primary;
	uint32_t src_exit = old ? vmx_allowed1(raw_exit) : c->exit;
	uint32_t src_entry = old ? vmx_allowed1(raw_entry) : c->entry;
	uint64_t host_misc = vmx_snapshot_msr(l0, VMX_MSR_MISC);
	uint64_t host_basic = vmx_snapshot_msr(l0, VMX_MSR_BASIC);

	/* Pin-based: the preemption timer is always offered (emulated). */
	uint32_t pin_lo = VMX_PIN_DEFAULT1 | (old ? vmx_allowed0(raw_pin) : 0);
	uint32_t pin_hi = src_pin & (PIN(EXT_INTR_EXITING) | PIN(NMI_EXITING) | PIN(VIRTUAL_NMIS) |
				     (apicv ? PIN(POSTED_INTR) : 0));
	pin_hi |= VMX_PIN_DEFAULT1 | PIN(PREEMPTION_TIMER);

	/* VM-exit: L1 may clear "save debug controls"; EFER, timer save, ack-interrupt always offered. */
	uint32_t exit_lo = VMX_EXIT_DEFAULT1 & ~EXI(SAVE_DEBUG_CONTROLS);
	uint32_t exit_mask = (x86_64 ? EXI(HOST_ADDR_SPACE_SIZE) : 0) | EXI(LOAD_PAT) | EXI(SAVE_PAT) |
			     EXI(CLEAR_BNDCFGS);
	if (old)
		exit_mask |= EXI(LOAD_PERF_GLOBAL_CTRL); /* §7.16: follows the hardware in <= 5.10 */
	else if ((f & KVM_PV_GUEST_CET) && post->guest_cet)
		exit_mask |= EXI(LOAD_CET_STATE);
	uint32_t exit_hi = (src_exit & exit_mask) | VMX_EXIT_DEFAULT1 | EXI(LOAD_EFER) | EXI(SAVE_EFER) |
			   EXI(SAVE_PREEMPTION_TIMER) | EXI(ACK_INTR_ON_EXIT);
	if (!old)
		exit_hi |= EXI(LOAD_PERF_GLOBAL_CTRL);

	/* VM-entry: L1 may clear "load debug controls". */
	uint32_t entry_lo = VMX_ENTRY_DEFAULT1 & ~ENT(LOAD_DEBUG_CONTROLS);
	uint32_t entry_mask = (x86_64 ? ENT(IA32E_MODE) : 0) | ENT(LOAD_PAT) | ENT(LOAD_BNDCFGS);
	if (old)
		entry_mask |= ENT(LOAD_PERF_GLOBAL_CTRL);
	else if ((f & KVM_PV_GUEST_CET) && post->guest_cet)
		entry_mask |= ENT(LOAD_CET_STATE);
	uint32_t entry_hi = (src_entry & entry_mask) | VMX_ENTRY_DEFAULT1 | ENT(LOAD_EFER);
	if (!old)
		entry_hi |= ENT(LOAD_PERF_GLOBAL_CTRL);

	/* Primary: CR3 exiting may be cleared by L1; MSR bitmaps always offered; no tertiary controls. */
	uint32_t pri_lo = (VMX_PRIMARY_DEFAULT1 | (old ? vmx_allowed0(raw_pri) : 0)) &
			  ~(PRI(CR3_LOAD_EXITING) | PRI(CR3_STORE_EXITING));
	uint32_t pri_mask = PRI(INTR_WINDOW_EXITING) | PRI(NMI_WINDOW_EXITING) | PRI(TSC_OFFSETTING) |
			    PRI(HLT_EXITING) | PRI(INVLPG_EXITING) | PRI(MWAIT_EXITING) | PRI(CR3_LOAD_EXITING) |
			    PRI(CR3_STORE_EXITING) |
			    (x86_64 ? PRI(CR8_LOAD_EXITING) | PRI(CR8_STORE_EXITING) : 0) | PRI(MOV_DR_EXITING) |
			    PRI(UNCOND_IO_EXITING) | PRI(IO_BITMAPS) | PRI(MONITOR_TRAP_FLAG) | PRI(MONITOR_EXITING) |
			    PRI(RDPMC_EXITING) | PRI(RDTSC_EXITING) | PRI(PAUSE_EXITING) | PRI(TPR_SHADOW) |
			    PRI(SECONDARY_CONTROLS);
	uint32_t pri_hi = (src_pri & pri_mask) | VMX_PRIMARY_DEFAULT1 | PRI(MSR_BITMAPS);

	/* Secondary. */
	uint32_t src_sec;
	if (old)
		src_sec = (pri_hi & PRI(SECONDARY_CONTROLS)) ? vmx_allowed1(vmx_snapshot_msr(l0, VMX_MSR_PROCBASED2))
							    : 0;
	else
		src_sec = c->secondary;
	uint32_t sec_mask = SEC(DESC_EXITING) | SEC(RDTSCP) | SEC(VIRT_X2APIC) | SEC(WBINVD_EXITING) |
			    SEC(APIC_REGISTER_VIRT) | SEC(VIRT_INTR_DELIVERY) | SEC(RDRAND_EXITING) | SEC(INVPCID) |
			    SEC(RDSEED_EXITING) | SEC(XSAVES);
	if (!old)
		sec_mask |= SEC(VMFUNC);
	if (sec_extra)
		sec_mask |= SEC(TSC_SCALING) | SEC(USR_WAIT_PAUSE);
	uint32_t sec_hi = (src_sec & sec_mask) | SEC(SHADOW_VMCS); /* VMCS shadowing is emulated */
	uint64_t vmfunc = 0;
	if (c->secondary & SEC(VMFUNC)) {
		sec_hi |= SEC(VMFUNC);
		if (ept)
			vmfunc = VMX_B(VMFUNC, EPTP_SWITCHING); /* emulated */
	}
	uint32_t ept_caps = 0, vpid_caps = 0;
	if (ept) {
		sec_hi |= SEC(EPT);
		uint64_t hw = post->setup.ept;
		ept_caps = (uint32_t)(hw & (CAP(EPT_EXEC_ONLY) | CAP(EPT_WALK4) | CAP(EPT_WALK5) | CAP(EPTP_WB) |
					    CAP(INVEPT)));
		ept_caps |= (uint32_t)(CAP(INVEPT_ALL) | CAP(INVEPT_SINGLE) | CAP(EPT_2MB) | CAP(EPT_1GB));
		if (eptad) {
			sec_hi |= SEC(PML); /* emulated */
			ept_caps |= (uint32_t)CAP(EPT_AD);
		}
	}
	if (vpid) {
		sec_hi |= SEC(VPID);
		/* INVVPID with all four extents (Hyper-V requires them). */
		vpid_caps = (uint32_t)((CAP(INVVPID) | CAP(INVVPID_ADDR) | CAP(INVVPID_SINGLE) | CAP(INVVPID_ALL) |
					CAP(INVVPID_SINGLE_NOGLOBAL)) >> 32);
	}
	if (ug)
		sec_hi |= SEC(UNRESTRICTED_GUEST);
	if (flexprio)
		sec_hi |= SEC(VIRT_APIC_ACCESSES);
	if (sgx && sec_extra)
		sec_hi |= SEC(ENCLS_EXITING);

	/* MISC: store-LMA from the host, VMWRITE to any field, rate 5, HLT (and wait-for-SIPI, 6.1+). */
	uint64_t misc_src = old ? host_misc : c->misc;
	uint32_t misc_lo = (uint32_t)(misc_src & VMX_B(MISC, STORE_LMA)) | (uint32_t)VMX_B(MISC, VMWRITE_ANY) |
			   MISC_TIMER_RATE_L1 | (uint32_t)VMX_B(MISC, ACTIVITY_HLT);
	if (f & KVM_PV_NESTED_SIPI)
		misc_lo |= (uint32_t)VMX_B(MISC, ACTIVITY_WAIT_SIPI);

	uint64_t basic = VMCS12_REVISION | (VMCS12_SIZE << 32) | (WB_MEMTYPE << 50) | VMX_B(BASIC, TRUE_CTLS);
	basic |= host_basic & VMX_B(BASIC, INS_OUTS);
	if (f & KVM_PV_NESTED_ERRCODE)
		basic |= host_basic & VMX_B(BASIC, NO_HW_ERRCODE_CC);

	uint64_t cr4_fixed1 = vmx_snapshot_msr(l0, VMX_MSR_CR4_FIXED1);
	if (sec_extra && (c->secondary & SEC(DESC_EXITING)))
		cr4_fixed1 |= CR4_UMIP; /* UMIP emulated with descriptor-table exiting */

	uint64_t vmcs_enum = 0x17u << 1;
	if ((f & KVM_PV_VMCS_ENUM_32) || ((f & KVM_PV_VMCS_ENUM_TSC) && (c->secondary & SEC(TSC_SCALING))))
		vmcs_enum = 0x19u << 1;

	uint64_t *m = n->msr;
	m[0x0] = basic;
	m[0x1] = lohi(pin_lo | VMX_PIN_DEFAULT1, pin_hi);
	m[0x2] = lohi(pri_lo | VMX_PRIMARY_DEFAULT1, pri_hi);
	m[0x3] = lohi(exit_lo | VMX_EXIT_DEFAULT1, exit_hi);
	m[0x4] = lohi(entry_lo | VMX_ENTRY_DEFAULT1, entry_hi);
	m[0x5] = misc_lo;
	m[0x6] = CR0_FIXED0_L1;
	m[0x7] = vmx_snapshot_msr(l0, VMX_MSR_CR0_FIXED1);
	m[0x8] = CR4_FIXED0_L1;
	m[0x9] = cr4_fixed1;
	m[0xa] = vmcs_enum;
	m[0xb] = lohi(0, sec_hi);
	m[0xc] = lohi(ept_caps, vpid_caps);
	m[0xd] = lohi(pin_lo, pin_hi);
	m[0xe] = lohi(pri_lo, pri_hi);
	m[0xf] = lohi(exit_lo, exit_hi);
	m[0x10] = lohi(entry_lo, entry_hi);
	m[0x11] = vmfunc;
	n->exposed = (1u << 0x12) - 1u; /* 0x480 .. 0x491; never 0x492 */
	return VMX_OK;
}

int kvm_nested_snapshot(const struct kvm_nested *n, const struct vmx_snapshot *l0, struct vmx_snapshot *l1)
{
	if (!n || !l0 || !l1 || !n->valid)
		return VMX_ERR_INVALID;
	vmx_snapshot_init(l1);
	for (uint32_t i = 0; i < l0->n_cpuid && i < VMX_CPUID_MAX; i++)
		l1->cpuid[i] = l0->cpuid[i];
	l1->n_cpuid = l0->n_cpuid;
	vmx_snapshot_set_msr(l1, 0x3a, 0x5);
	for (unsigned i = 0; i < KVM_NESTED_N_MSR; i++)
		if ((n->exposed >> i) & 1u)
			vmx_snapshot_set_msr(l1, KVM_NESTED_FIRST_MSR + i, n->msr[i]);
	return VMX_OK;
}

int kvm_nested_compute(const struct kvm_policy *p, const struct kvm_params_input *in, struct kvm_post *post,
		       struct kvm_nested *n, struct vmx_snapshot *l1)
{
	if (!p || !in || !post || !n)
		return VMX_ERR_INVALID;
	int rc = kvm_post_setup(p, in, post);
	if (rc)
		return rc;
	rc = kvm_nested_msrs(post, in->snap, n);
	if (rc || !l1 || !n->valid)
		return rc;
	return kvm_nested_snapshot(n, in->snap, l1);
}
