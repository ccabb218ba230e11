/* SPDX-License-Identifier: MIT */
/*
 * The VMCS control fields KVM programs for a new vCPU, derived from the
 * negotiated vmcs_config (docs/kernel-versions.md, and the kernel's per-vCPU
 * derivation of each control word from vmcs_config and the module parameters).  Assumptions for "a new vCPU": in-kernel LAPIC,
 * APICv active when enable_apicv, no dirty logging, no userspace opt-ins
 * (bus-lock detection, notify exits), the VM does not disable HLT/MWAIT/PAUSE
 * exits, guest CPUID = host CPUID, pt_mode = system, TSC 3 GHz.
 * Freestanding.
 */
#include "vmxcfg/vmcs.h"

#include "vmxcfg/bits.h"
#include "vmxcfg/params.h"

#define PIN_(x) VMX_B32(PIN, x)
#define PRI_(x) VMX_B32(PRIMARY, x)
#define SEC_(x) VMX_B32(SECONDARY, x)
#define TER_(x) VMX_B(TERTIARY, x)
#define EXI_(x) VMX_B32(EXIT, x)
#define ENT_(x) VMX_B32(ENTRY, x)

void vmcs_kvm_params_from(const struct kvm_result *kr, const struct vmx_snapshot *snap, struct vmcs_kvm_params *p)
{
	const struct vmcs_config *c = &kr->cfg;
	uint32_t flags = kr->policy ? kr->policy->flags : 0;
	bool vnmi_win = kr->policy && (kr->policy->post_flags & KVM_PV_VNMI_NMI_WINDOW); /* 6.1+ */
	uint64_t ept = kr->ept, vpid = kr->vpid;
	unsigned rate = (unsigned)(vmx_snapshot_msr(snap, VMX_MSR_MISC) & 0x1fu); /* 5.10 does not keep misc in vmcs_config */
	uint64_t tsc_hz = 3000000ull * 1000ull;

	p->vpid = (c->secondary & SEC_(VPID)) && (vpid & 1u) && (vpid & ((1u << 9) | (1u << 10)));
	p->ept = (c->secondary & SEC_(EPT)) && (ept & (1u << 6)) && (ept & (1u << 14)) && (ept & (1u << 26));
	p->unrestricted_guest = p->ept && (c->secondary & SEC_(UNRESTRICTED_GUEST));
	p->flexpriority = (c->primary & PRI_(TPR_SHADOW)) && (c->secondary & SEC_(VIRT_APIC_ACCESSES));
	p->vnmi = (c->pin & PIN_(VIRTUAL_NMIS)) && (!vnmi_win || (c->primary & PRI_(NMI_WINDOW_EXITING)));
	p->enable_apicv = (c->secondary & SEC_(APIC_REGISTER_VIRT)) && (c->secondary & SEC_(VIRT_INTR_DELIVERY)) &&
			  (c->pin & PIN_(POSTED_INTR));
	p->enable_ipiv = (flags & KVM_PF_TERTIARY) && p->enable_apicv && (c->tertiary & TER_(IPI_VIRT));
	p->pml = p->ept && (ept & (1u << 21)) && (c->secondary & SEC_(PML));
	/* Before 5.3 no TSC-rate test: the timer is used whenever the pin control was granted. */
	bool rate_rule = kr->policy && (kr->policy->post_flags & KVM_PV_TIMER_RULE);
	p->preemption_timer = (c->pin & PIN_(PREEMPTION_TIMER)) && (!rate_rule || (tsc_hz >> rate) <= 0xffffffffull / 10u);
	p->cet = (c->entry & ENT_(LOAD_CET_STATE)) != 0;
	p->pt_mode_system = true;
	p->ple = (c->secondary & SEC_(PAUSE_LOOP_EXITING)) != 0;
}

void vmcs_from_kvm(const struct kvm_result *kr, const struct vmcs_kvm_params *p, struct vmcs_fields *f)
{
	const struct vmcs_config *c = &kr->cfg;
	uint64_t eptcap = kr->ept;
	uint32_t pin = c->pin, pri = c->primary, sec = c->secondary, ex = c->exit, ent = c->entry;
	uint64_t ter = c->tertiary;
	bool eptad = p->ept && (eptcap & (1u << 21));

	vmcs_fields_init(f);

	/* pin */
	if (!p->enable_apicv)
		pin &= ~PIN_(POSTED_INTR);
	if (!p->vnmi)
		pin &= ~PIN_(VIRTUAL_NMIS);
	if (!p->preemption_timer)
		pin &= ~PIN_(PREEMPTION_TIMER);

	/* primary */
	pri &= ~(PRI_(RDTSC_EXITING) | PRI_(IO_BITMAPS) | PRI_(MONITOR_TRAP_FLAG) | PRI_(PAUSE_EXITING));
	pri &= ~(PRI_(INTR_WINDOW_EXITING) | PRI_(NMI_WINDOW_EXITING));
	if (pri & PRI_(TPR_SHADOW))
		pri &= ~(PRI_(CR8_LOAD_EXITING) | PRI_(CR8_STORE_EXITING));
	else
		pri |= PRI_(CR8_LOAD_EXITING) | PRI_(CR8_STORE_EXITING);
	/* EPT: the guest owns CR3 and its TLB.  Without it (ept=0) shadow paging needs the exits back: <= 5.10
	 * dropped them from vmcs_config whenever the CPU has EPT, so the vCPU code adds them again. */
	if (p->ept)
		pri &= ~(PRI_(CR3_LOAD_EXITING) | PRI_(CR3_STORE_EXITING) | PRI_(INVLPG_EXITING));
	else
		pri |= PRI_(CR3_LOAD_EXITING) | PRI_(CR3_STORE_EXITING) | PRI_(INVLPG_EXITING);

	/* secondary */
	if (p->pt_mode_system)
		sec &= ~(SEC_(PT_USE_GPA) | SEC_(PT_CONCEAL_VMX));
	if (!p->flexpriority)
		sec &= ~SEC_(VIRT_APIC_ACCESSES);
	if (!p->vpid)
		sec &= ~SEC_(VPID);
	if (!p->ept)
		sec &= ~(SEC_(EPT) | SEC_(EPT_VIOLATION_VE) | SEC_(UNRESTRICTED_GUEST));
	if (!p->unrestricted_guest)
		sec &= ~SEC_(UNRESTRICTED_GUEST);
	if (!p->ple)
		sec &= ~SEC_(PAUSE_LOOP_EXITING);
	if (!p->enable_apicv)
		sec &= ~(SEC_(APIC_REGISTER_VIRT) | SEC_(VIRT_INTR_DELIVERY));
	sec &= ~(SEC_(VIRT_X2APIC) | SEC_(VMFUNC) | SEC_(DESC_EXITING) | SEC_(SHADOW_VMCS));
	sec &= ~SEC_(PML); /* no dirty logging yet */
	sec &= ~(SEC_(RDRAND_EXITING) | SEC_(RDSEED_EXITING)); /* guest CPUID has RDRAND/RDSEED */
	sec &= ~(SEC_(BUS_LOCK_DETECTION) | SEC_(NOTIFY_VM_EXITING)); /* userspace opt-ins */

	/* tertiary */
	if (!p->enable_ipiv || !p->enable_apicv)
		ter &= ~TER_(IPI_VIRT);

	/* entry / exit */
	if (p->pt_mode_system) {
		ent &= ~(ENT_(LOAD_RTIT_CTL) | ENT_(PT_CONCEAL_PIP));
		ex &= ~(EXI_(CLEAR_RTIT_CTL) | EXI_(PT_CONCEAL_PIP));
	}
	if (!p->cet) {
		ent &= ~ENT_(LOAD_CET_STATE);
		ex &= ~EXI_(LOAD_CET_STATE);
	}
	ent &= ~(ENT_(LOAD_PERF_GLOBAL_CTRL) | ENT_(LOAD_EFER) | ENT_(IA32E_MODE));
	ex &= ~(EXI_(SAVE_PAT) | EXI_(SAVE_EFER) | EXI_(SAVE_PREEMPTION_TIMER));
	ex &= ~(EXI_(LOAD_PERF_GLOBAL_CTRL) | EXI_(LOAD_EFER) | EXI_(SAVE_PERF_GLOBAL_CTRL));

	vmcs_set(f, VMCS_F_PIN, pin);
	vmcs_set(f, VMCS_F_PRIMARY, pri);
	vmcs_set(f, VMCS_F_SECONDARY, (pri & PRI_(SECONDARY_CONTROLS)) ? sec : 0);
	vmcs_set(f, VMCS_F_TERTIARY, (pri & PRI_(TERTIARY_CONTROLS)) ? ter : 0);
	vmcs_set(f, VMCS_F_EXIT, ex);
	vmcs_set(f, VMCS_F_EXIT2, 0);
	vmcs_set(f, VMCS_F_ENTRY, ent);
	vmcs_set(f, VMCS_F_VMFUNC_CONTROLS, 0);
	vmcs_set(f, VMCS_F_CR3_TARGET_COUNT, 0);

	/* Addresses: distinct page-aligned placeholders below 4 GiB. */
	vmcs_set(f, VMCS_F_IO_BITMAP_A, 0x10000);
	vmcs_set(f, VMCS_F_IO_BITMAP_B, 0x11000);
	vmcs_set(f, VMCS_F_MSR_BITMAP, 0x12000);
	vmcs_set(f, VMCS_F_VIRTUAL_APIC_ADDR, 0x13000);
	vmcs_set(f, VMCS_F_VTPR, 0);
	vmcs_set(f, VMCS_F_TPR_THRESHOLD, 0);
	vmcs_set(f, VMCS_F_APIC_ACCESS_ADDR, 0xfee00000u);
	vmcs_set(f, VMCS_F_PI_DESC_ADDR, 0x14040);
	vmcs_set(f, VMCS_F_POSTED_INTR_NV, 0xf2);
	vmcs_set(f, VMCS_F_VPID, (sec & SEC_(VPID)) ? 1 : 0);
	{
		uint64_t pwl = (eptcap & (1u << 6)) ? 4 : 5;
		vmcs_set(f, VMCS_F_EPTP, 0x15000u | 6u | ((pwl - 1) << 3) | (eptad ? 0x40u : 0));
	}
	vmcs_set(f, VMCS_F_PML_ADDRESS, 0x16000);
	vmcs_set(f, VMCS_F_EPTP_LIST_ADDR, 0x17000);
	vmcs_set(f, VMCS_F_VMREAD_BITMAP, 0x18000);
	vmcs_set(f, VMCS_F_VMWRITE_BITMAP, 0x19000);
	vmcs_set(f, VMCS_F_VE_INFO_ADDR, 0x1a000);
	vmcs_set(f, VMCS_F_SPPTP, 0x1b000);
	vmcs_set(f, VMCS_F_TSC_MULTIPLIER, 1ull << 48);
	vmcs_set(f, VMCS_F_PID_POINTER_TABLE, 0x1c000);
	vmcs_set(f, VMCS_F_EXIT_MSR_STORE_COUNT, 0);
	vmcs_set(f, VMCS_F_EXIT_MSR_STORE_ADDR, 0x1d000);
	vmcs_set(f, VMCS_F_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_set(f, VMCS_F_EXIT_MSR_LOAD_ADDR, 0x1e000);
	vmcs_set(f, VMCS_F_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_set(f, VMCS_F_ENTRY_MSR_LOAD_ADDR, 0x1f000);
	vmcs_set(f, VMCS_F_ENTRY_INTR_INFO, 0);
	vmcs_set(f, VMCS_F_ENTRY_EXC_ERRCODE, 0);
	vmcs_set(f, VMCS_F_ENTRY_INSTR_LEN, 0);
	vmcs_set(f, VMCS_F_LINK_POINTER, ~0ull);
	vmcs_set(f, VMCS_F_GUEST_ACTIVITY, 0);
	vmcs_set(f, VMCS_F_GUEST_INTERRUPTIBILITY, 0);
	vmcs_set(f, VMCS_F_GUEST_RFLAGS, 2);
	/* Guest state at RESET as the VMCS holds it: CR0.ET|NE, plus PE|PG when the guest is not unrestricted. */
	vmcs_set(f, VMCS_F_GUEST_CR0, (sec & SEC_(UNRESTRICTED_GUEST)) ? 0x30u : 0x80000031u);
	vmcs_set(f, VMCS_F_GUEST_CR4, 0x2000u);
	vmcs_set(f, VMCS_F_GUEST_EFER, 0);
	vmcs_set(f, VMCS_F_HLATP, 0);
	vmcs_set(f, VMCS_F_HLAT_PREFIX_SIZE, 0);
}
