/* SPDX-License-Identifier: MIT */
/*
 * One test per module-parameter rule of hardware_setup (kvm-setup.md §6, §7.14-17).  Each starts from a real
 * profile (Alder Lake-S i5-12400: every parameter on under 7.1 except enable_ipiv and sgx) and removes exactly
 * what the rule looks at; the expected values are worked out by hand from the reference.
 */
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "host/profile.h"
#include "t.h"
#include "t_profile.h"

static struct vmx_snapshot base;
static struct kvm_post post;

/* Clear allowed-1 bits of a 32-bit control MSR (bit numbers of the control). */
static void deny(struct vmx_snapshot *s, enum vmx_msr_slot slot, uint32_t ctl_bits)
{
	s->msr[slot] &= ~((uint64_t)ctl_bits << 32);
	s->msr[slot] &= ~(uint64_t)ctl_bits; /* and allowed-0, so the bit is really gone */
}

static void cpuid_and(struct vmx_snapshot *s, uint32_t leaf, int reg, uint32_t mask)
{
	for (uint32_t i = 0; i < s->n_cpuid; i++) {
		if (s->cpuid[i].leaf != leaf || s->cpuid[i].subleaf != 0)
			continue;
		uint32_t *r = reg == 0 ? &s->cpuid[i].eax : reg == 1 ? &s->cpuid[i].ebx : reg == 2 ? &s->cpuid[i].ecx : &s->cpuid[i].edx;
		*r &= mask;
	}
}

struct opt {
	int id;
	int64_t v;
};

static const struct kvm_post *run_v(const char *ver, const struct vmx_snapshot *s, const struct opt *o, size_t n,
				    uint64_t tsc, bool broken)
{
	const struct kvm_policy *p = kvm_policy_find(ver);
	struct kvm_params_input in;
	kvm_params_input_init(&in, p, s);
	in.tsc_khz = tsc;
	in.config_broken = broken;
	for (size_t k = 0; k < n; k++)
		T_EQ_U64(kvm_params_set(&in, p, (enum kvm_param)o[k].id, o[k].v), VMX_OK);
	kvm_post_setup(p, &in, &post);
	return &post;
}

static const struct kvm_post *run(const char *ver, const struct vmx_snapshot *s)
{
	return run_v(ver, s, NULL, 0, 0, false);
}

#define VAL(o, id) ((o)->p[id].value)
#define WHY(o, id) ((o)->p[id].why)

static bool lacks(const struct kvm_post *o, enum kvm_param id, enum vmx_class c, uint64_t bits)
{
	const struct kvm_param_value *v = &o->p[id];
	for (size_t k = 0; k < v->n_lack; k++)
		if (v->lack[k].cls == c && v->lack[k].bits == bits)
			return true;
	return false;
}

/* Under 7.1, s turns parameter id off and its report names bits of class c as what it lacks. */
static const struct kvm_post *off_lacking(const struct vmx_snapshot *s, enum kvm_param id, enum vmx_class c,
					  uint64_t bits)
{
	const struct kvm_post *o = run("7.1", s);
	int failed = t_fail_;
	T_EQ_U64(VAL(o, id), 0);
	T_CHECK(lacks(o, id, c, bits));
	if (t_fail_ != failed)
		fprintf(stderr, "  (parameter %d, class %d, bits 0x%" PRIx64 ")\n", (int)id, (int)c, bits);
	return o;
}

/* *s = base without control bit ctl (of MSR slot, class c): parameter id must be off, lacking it. */
static const struct kvm_post *without_ctl(struct vmx_snapshot *s, enum vmx_msr_slot slot, enum vmx_class c,
					  uint32_t ctl, enum kvm_param id)
{
	*s = base;
	deny(s, slot, ctl);
	return off_lacking(s, id, c, ctl);
}

/* *s = base without capability bits of MSR slot (class c): parameter id must be off, lacking them. */
static const struct kvm_post *without_cap(struct vmx_snapshot *s, enum vmx_msr_slot slot, enum vmx_class c,
					  uint64_t bits, enum kvm_param id)
{
	*s = base;
	s->msr[slot] &= ~bits;
	return off_lacking(s, id, c, bits);
}

int main(void)
{
	t_load_embedded("alderlake-core-i5-12400", &base);
	static struct vmx_snapshot s;
	const struct kvm_post *o;

	/* Baseline: 7.1 keeps everything the CPU has. */
	o = run("7.1", &base);
	T_EQ_U64(o->status, KVM_POST_OK);
	for (int i = 0; i < KVM_P_COUNT; i++)
		T_CHECK(o->p[i].present == (i != KVM_P_NESTED_EARLY_CHECK)); /* nested_early_check: 4.20-6.18 */
	T_EQ_U64(VAL(o, KVM_P_EPT), 1);
	T_EQ_U64(WHY(o, KVM_P_EPT), KVM_WHY_DEFAULT);
	T_EQ_U64(VAL(o, KVM_P_ENABLE_IPIV), 0); /* no IA32_VMX_PROCBASED_CTLS3 IPI virtualization */
	T_CHECK(lacks(o, KVM_P_ENABLE_IPIV, VMX_CLASS_TERTIARY, VMX_B(TERTIARY, IPI_VIRT)));
	T_EQ_U64(VAL(o, KVM_P_SGX), 0);
	T_EQ_U64(VAL(o, KVM_P_PLE_GAP), 128);
	T_EQ_U64(VAL(o, KVM_P_PLE_WINDOW), 4096);
	T_EQ_U64(VAL(o, KVM_P_CET), 1);
	T_EQ_U64(WHY(o, KVM_P_PT_MODE), KVM_WHY_NOT_SETTABLE);

	/* vpid: INVVPID missing; then neither single- nor all-context INVVPID. */
	without_cap(&s, VMX_MSR_EPT_VPID_CAP, VMX_CLASS_EPT_VPID, VMX_B(EPT_VPID, INVVPID), KVM_P_VPID);
	s = base;
	s.msr[VMX_MSR_EPT_VPID_CAP] &= ~(VMX_B(EPT_VPID, INVVPID_SINGLE) | VMX_B(EPT_VPID, INVVPID_ALL));
	o = run("7.1", &s);
	T_EQ_U64(VAL(o, KVM_P_VPID), 0);
	T_CHECK(o->p[KVM_P_VPID].n_lack == 1 && o->p[KVM_P_VPID].lack[0].any_of);
	/* vpid: the control missing while VPID caps are reported: 7.1 fails (-EIO) by default, not with eoi=0. */
	s = base;
	deny(&s, VMX_MSR_PROCBASED2, VMX_B32(SECONDARY, VPID));
	o = run("7.1", &s);
	T_EQ_U64(o->status, KVM_POST_EIO);
	T_EQ_U64(WHY(o, KVM_P_VPID), KVM_WHY_NOT_EVALUATED);
	T_EQ_U64(VAL(o, KVM_P_VPID), 1); /* the requested value is reported */
	{
		struct opt e0[] = { { KVM_P_ERROR_ON_INCONSISTENT, 0 } };
		o = run_v("7.1", &s, e0, 1, 0, false);
		T_EQ_U64(o->status, KVM_POST_OK);
		T_EQ_U64(VAL(o, KVM_P_VPID), 0);
		T_CHECK(lacks(o, KVM_P_VPID, VMX_CLASS_SECONDARY, VMX_B(SECONDARY, VPID)));
	}
	o = run("5.10", &s); /* 5.10 discards the caps silently */
	T_EQ_U64(o->status, KVM_POST_OK);
	T_EQ_U64(VAL(o, KVM_P_VPID), 0);

	/* ept: no write-back EPTP -> ept, eptad, unrestricted_guest, pml off (the last three by dependency). */
	o = without_cap(&s, VMX_MSR_EPT_VPID_CAP, VMX_CLASS_EPT_VPID, VMX_B(EPT_VPID, EPTP_WB), KVM_P_EPT);
	T_EQ_U64(VAL(o, KVM_P_EPTAD), 0);
	T_EQ_U64(WHY(o, KVM_P_EPTAD), KVM_WHY_DEPENDS);
	T_EQ_U64(o->p[KVM_P_EPTAD].dep, KVM_P_EPT);
	T_EQ_U64(VAL(o, KVM_P_UNRESTRICTED_GUEST), 0);
	T_EQ_U64(o->p[KVM_P_UNRESTRICTED_GUEST].dep, KVM_P_EPT);
	T_EQ_U64(VAL(o, KVM_P_PML), 0);
	T_EQ_U64(o->p[KVM_P_PML].dep, KVM_P_EPT);
	/* ept also needs page-walk length 4 and all-context INVEPT. */
	without_cap(&s, VMX_MSR_EPT_VPID_CAP, VMX_CLASS_EPT_VPID, VMX_B(EPT_VPID, EPT_WALK4) | VMX_B(EPT_VPID, INVEPT_ALL),
		    KVM_P_EPT);

	/* §7.17: EPT off and no NX: -EOPNOTSUPP on 6.6 and 7.1, fine on 5.10 (§7.15). */
	cpuid_and(&s, 0x80000001u, 3, ~(1u << 20));
	o = run("7.1", &s);
	T_EQ_U64(o->status, KVM_POST_EOPNOTSUPP);
	T_EQ_STR(o->failed_in, "hardware_setup");
	T_EQ_U64(WHY(o, KVM_P_PML), KVM_WHY_NOT_EVALUATED);
	o = run("6.6", &s);
	T_EQ_U64(o->status, KVM_POST_EOPNOTSUPP);
	o = run("5.10", &s);
	T_EQ_U64(o->status, KVM_POST_OK);
	s = base; /* NX absent but EPT usable: loads */
	cpuid_and(&s, 0x80000001u, 3, ~(1u << 20));
	T_EQ_U64(run("7.1", &s)->status, KVM_POST_OK);
	{
		struct opt e[] = { { KVM_P_EPT, 0 } }; /* ept=0 by the user on a CPU without NX */
		o = run_v("7.1", &s, e, 1, 0, false);
		T_EQ_U64(o->status, KVM_POST_EOPNOTSUPP);
		T_EQ_U64(WHY(o, KVM_P_EPT), KVM_WHY_USER_OFF);
	}

	/* eptad: no A/D flags -> eptad 0 (cpu), pml 0 (depends on eptad). */
	s = base;
	s.msr[VMX_MSR_EPT_VPID_CAP] &= ~VMX_B(EPT_VPID, EPT_AD);
	o = run("7.1", &s);
	T_EQ_U64(VAL(o, KVM_P_EPTAD), 0);
	T_EQ_U64(WHY(o, KVM_P_EPTAD), KVM_WHY_CPU);
	T_EQ_U64(VAL(o, KVM_P_PML), 0);
	T_EQ_U64(o->p[KVM_P_PML].dep, KVM_P_EPTAD);

	/* unrestricted_guest, flexpriority, pml: their secondary controls. */
	without_ctl(&s, VMX_MSR_PROCBASED2, VMX_CLASS_SECONDARY, VMX_B32(SECONDARY, UNRESTRICTED_GUEST),
		    KVM_P_UNRESTRICTED_GUEST);
	s = base;
	deny(&s, VMX_MSR_PROCBASED2, VMX_B32(SECONDARY, VIRT_APIC_ACCESSES));
	o = run("7.1", &s);
	T_EQ_U64(VAL(o, KVM_P_FLEXPRIORITY), 0);
	T_EQ_U64(VAL(o, KVM_P_ENABLE_APICV), 1); /* APICv does not need APIC-access virtualization */
	without_ctl(&s, VMX_MSR_PROCBASED2, VMX_CLASS_SECONDARY, VMX_B32(SECONDARY, PML), KVM_P_PML);

	/* vnmi: 6.1+ also need NMI-window exiting; 5.10 only the pin control. */
	without_ctl(&s, VMX_MSR_PROCBASED, VMX_CLASS_PRIMARY, VMX_B32(PRIMARY, NMI_WINDOW_EXITING), KVM_P_VNMI);
	T_EQ_U64(VAL(run("6.6", &s), KVM_P_VNMI), 0);
	T_EQ_U64(VAL(run("5.10", &s), KVM_P_VNMI), 1);
	s = base;
	deny(&s, VMX_MSR_PINBASED, VMX_B32(PIN, VIRTUAL_NMIS));
	T_EQ_U64(VAL(run("5.10", &s), KVM_P_VNMI), 0);

	/* enable_apicv: posted interrupts; enable_ipiv: apicv and tertiary IPI virtualization. */
	without_ctl(&s, VMX_MSR_PINBASED, VMX_CLASS_PIN, VMX_B32(PIN, POSTED_INTR), KVM_P_ENABLE_APICV);
	s = base;
	s.msr[VMX_MSR_PROCBASED3] |= VMX_B(TERTIARY, IPI_VIRT);
	o = run("7.1", &s);
	T_EQ_U64(VAL(o, KVM_P_ENABLE_IPIV), 1);
	{
		struct opt e[] = { { KVM_P_ENABLE_APICV, 0 } };
		o = run_v("7.1", &s, e, 1, 0, false);
		T_EQ_U64(VAL(o, KVM_P_ENABLE_IPIV), 0);
		T_EQ_U64(WHY(o, KVM_P_ENABLE_IPIV), KVM_WHY_DEPENDS);
		T_EQ_U64(WHY(o, KVM_P_ENABLE_APICV), KVM_WHY_USER_OFF);
	}
	T_CHECK(!run("5.10", &s)->p[KVM_P_ENABLE_IPIV].present);

	/* preemption_timer: rate 0 at 3 GHz ticks 3e9/s > 429496729 -> off; at 400 MHz on; limits. */
	s = base;
	s.msr[VMX_MSR_MISC] &= ~0x1full;
	o = run("7.1", &s);
	T_EQ_U64(VAL(o, KVM_P_PREEMPTION_TIMER), 0);
	T_EQ_U64(WHY(o, KVM_P_PREEMPTION_TIMER), KVM_WHY_TIMER_RATE);
	T_CHECK(o->tsc_assumed);
	T_EQ_U64(o->timer_max_tsc_khz, 429496);
	T_CHECK(o->timer_tsc_matters);
	o = run_v("7.1", &s, NULL, 0, 400000, false);
	T_EQ_U64(VAL(o, KVM_P_PREEMPTION_TIMER), 1);
	T_CHECK(!o->tsc_assumed);
	s.msr[VMX_MSR_MISC] |= 3; /* rate 3: (k*1000)>>3 <= 429496729 <=> k <= 3435973 */
	T_EQ_U64(run("7.1", &s)->timer_max_tsc_khz, 3435973);
	T_EQ_U64(VAL(run_v("7.1", &s, NULL, 0, 3435973, false), KVM_P_PREEMPTION_TIMER), 1);
	T_EQ_U64(VAL(run_v("7.1", &s, NULL, 0, 3435974, false), KVM_P_PREEMPTION_TIMER), 0);
	T_CHECK(!run("7.1", &base)->timer_tsc_matters); /* rate 7: limit 54975581 kHz */
	s = base; /* a broken-timer CPU signature (Xeon E3-1220 V2, 0x306A8) */
	for (uint32_t i = 0; i < s.n_cpuid; i++)
		if (s.cpuid[i].leaf == 1)
			s.cpuid[i].eax = 0x000306A8;
	o = run("7.1", &s);
	T_EQ_U64(VAL(o, KVM_P_PREEMPTION_TIMER), 0);
	T_EQ_U64(WHY(o, KVM_P_PREEMPTION_TIMER), KVM_WHY_ERRATUM); /* the erratum, not the CPU's pin control */
	T_CHECK(o->p[KVM_P_PREEMPTION_TIMER].note && strstr(o->p[KVM_P_PREEMPTION_TIMER].note, "E3-1220 V2"));
	T_EQ_U64(VAL(run("4.19", &s), KVM_P_PREEMPTION_TIMER), 1); /* not in 4.19's list */

	/* ple_gap / ple_window: 0 without PAUSE-loop exiting; as given otherwise. */
	s = base;
	deny(&s, VMX_MSR_PROCBASED2, VMX_B32(SECONDARY, PAUSE_LOOP_EXITING));
	o = run("7.1", &s);
	T_EQ_U64(VAL(o, KVM_P_PLE_GAP), 0);
	T_EQ_U64(VAL(o, KVM_P_PLE_WINDOW), 0);
	T_EQ_U64(WHY(o, KVM_P_PLE_GAP), KVM_WHY_CPU);
	{
		struct opt e[] = { { KVM_P_PLE_GAP, 64 }, { KVM_P_PLE_WINDOW, 0 } };
		o = run_v("7.1", &base, e, 2, 0, false);
		T_EQ_U64(VAL(o, KVM_P_PLE_GAP), 64);
		T_EQ_U64(WHY(o, KVM_P_PLE_GAP), KVM_WHY_GIVEN);
		T_EQ_U64(VAL(o, KVM_P_PLE_WINDOW), 0);
	}

	/* pt_mode: only with CONFIG_BROKEN on 6.1+; needs ept, enable_pmu, MISC bit 14, PT_USE_GPA, LOAD_RTIT. */
	{
		const struct kvm_policy *p71 = kvm_policy_find("7.1");
		struct kvm_params_input in;
		kvm_params_input_init(&in, p71, &base);
		T_EQ_U64(kvm_params_set(&in, p71, KVM_P_PT_MODE, 1), VMX_ERR_INVALID);
		in.config_broken = true;
		T_EQ_U64(kvm_params_set(&in, p71, KVM_P_PT_MODE, 1), VMX_OK);
	}
	struct opt pt1[] = { { KVM_P_PT_MODE, 1 }, { KVM_P_ENABLE_PMU, 1 } };
	o = run_v("7.1", &base, pt1, 1, 0, true);
	T_EQ_U64(VAL(o, KVM_P_PT_MODE), 1);
	pt1[1].v = 0;
	o = run_v("7.1", &base, pt1, 2, 0, true);
	T_EQ_U64(VAL(o, KVM_P_PT_MODE), 0);
	T_EQ_U64(o->p[KVM_P_PT_MODE].dep, KVM_P_ENABLE_PMU);
	T_EQ_U64(VAL(run_v("5.10", &base, pt1, 1, 0, false), KVM_P_PT_MODE), 1);
	struct opt pt2[] = { { KVM_P_PT_MODE, 2 } };
	o = run_v("7.1", &base, pt2, 1, 0, true);
	T_EQ_U64(o->status, KVM_POST_EINVAL);
	s = base; /* no VM-exit "clear IA32_RTIT_CTL": 5.10 drops PT; 7.1 fails on the RTIT pair unless eoi=0 */
	deny(&s, VMX_MSR_EXIT, VMX_B32(EXIT, CLEAR_RTIT_CTL));
	o = run_v("5.10", &s, pt1, 1, 0, false);
	T_EQ_U64(VAL(o, KVM_P_PT_MODE), 0);
	T_CHECK(lacks(o, KVM_P_PT_MODE, VMX_CLASS_EXIT, VMX_B(EXIT, CLEAR_RTIT_CTL)));
	T_EQ_U64(run_v("7.1", &s, pt1, 1, 0, true)->status, KVM_POST_EIO);
	{
		struct opt e[] = { { KVM_P_PT_MODE, 1 }, { KVM_P_ERROR_ON_INCONSISTENT, 0 } };
		o = run_v("7.1", &s, e, 2, 0, true);
		T_EQ_U64(o->status, KVM_POST_OK);
		T_EQ_U64(VAL(o, KVM_P_PT_MODE), 0);
		T_CHECK(lacks(o, KVM_P_PT_MODE, VMX_CLASS_ENTRY, VMX_B(ENTRY, LOAD_RTIT_CTL)));
	}
	s = base;
	s.msr[VMX_MSR_MISC] &= ~VMX_B(MISC, PT_IN_VMX);
	o = run_v("7.1", &s, pt1, 1, 0, true);
	T_CHECK(lacks(o, KVM_P_PT_MODE, VMX_CLASS_MISC, VMX_B(MISC, PT_IN_VMX)));

	/* sgx (6.1+): ENCLS exiting kept only with CPUID SGX. */
	t_load_embedded("icelake-core-i7-1065g7", &s);
	T_EQ_U64(VAL(run("6.6", &s), KVM_P_SGX), 1);
	cpuid_and(&s, 0x12, 0, ~1u);
	o = run("6.6", &s);
	T_EQ_U64(VAL(o, KVM_P_SGX), 0);
	T_CHECK(lacks(o, KVM_P_SGX, VMX_CLASS_SECONDARY, VMX_B(SECONDARY, ENCLS_EXITING)));
	T_CHECK(!run("5.10", &s)->p[KVM_P_SGX].present);

	/* nested and enable_shadow_vmcs. */
	T_EQ_U64(VAL(run("4.19", &base), KVM_P_NESTED), 0); /* 4.19 default */
	T_EQ_U64(VAL(run("5.4", &base), KVM_P_NESTED), 1);
	without_cap(&s, VMX_MSR_MISC, VMX_CLASS_MISC, VMX_B(MISC, VMWRITE_ANY), KVM_P_ENABLE_SHADOW_VMCS);
	{
		struct opt e[] = { { KVM_P_NESTED, 0 } };
		o = run_v("7.1", &s, e, 1, 0, false);
		T_EQ_U64(WHY(o, KVM_P_ENABLE_SHADOW_VMCS), KVM_WHY_NOT_EVALUATED);
		T_EQ_U64(VAL(o, KVM_P_ENABLE_SHADOW_VMCS), 1);
	}

	/* cet (7.1 only): VM-entry "load CET state" (with its exit pair). */
	s = base;
	deny(&s, VMX_MSR_ENTRY, VMX_B32(ENTRY, LOAD_CET_STATE));
	T_EQ_U64(run("7.1", &s)->status, KVM_POST_EIO); /* exit side alone: inconsistent pair */
	deny(&s, VMX_MSR_EXIT, VMX_B32(EXIT, LOAD_CET_STATE));
	o = run("7.1", &s);
	T_EQ_U64(VAL(o, KVM_P_CET), 0);
	T_CHECK(lacks(o, KVM_P_CET, VMX_CLASS_ENTRY, VMX_B(ENTRY, LOAD_CET_STATE)));
	T_CHECK(!run("7.0", &base)->p[KVM_P_CET].present);

	/* Presence and parsing. */
	const char *why = NULL;
	T_CHECK(!kvm_param_present(kvm_policy_find("5.10"), KVM_P_ERROR_ON_INCONSISTENT, &why) && why);
	T_CHECK(kvm_param_present(kvm_policy_find("6.1"), KVM_P_ERROR_ON_INCONSISTENT, NULL));
	T_CHECK(!kvm_param_present(kvm_policy_find("4.19"), KVM_P_PT_MODE, NULL));
	T_EQ_U64(kvm_param_by_name("enable_apicv", 12), KVM_P_ENABLE_APICV);
	T_EQ_U64(kvm_param_by_name("enable_apic", 11), (uint64_t)-1);
	int64_t v = -5;
	T_EQ_U64(kvm_param_parse(KVM_P_EPT, "N", 1, &v), VMX_OK);
	T_EQ_U64(v, 0);
	T_EQ_U64(kvm_param_parse(KVM_P_EPT, "on", 2, &v), VMX_OK);
	T_EQ_U64(v, 1);
	T_EQ_U64(kvm_param_parse(KVM_P_EPT, "maybe", 5, &v), VMX_ERR_INVALID);
	T_EQ_U64(kvm_param_parse(KVM_P_PLE_GAP, "0x40", 4, &v), VMX_OK);
	T_EQ_U64(v, 64);
	T_EQ_U64(kvm_param_parse(KVM_P_PLE_GAP, "-1", 2, &v), VMX_ERR_INVALID);
	T_EQ_U64(kvm_param_parse(KVM_P_PT_MODE, "-1", 2, &v), VMX_OK);
	T_EQ_U64(v, (uint64_t)-1);
	T_EQ_U64(kvm_param_parse(KVM_P_PLE_GAP, "12a", 3, &v), VMX_ERR_INVALID);

	/* A CPU where setup_vmcs_config fails: parameters are the requested ones, failed_in per version. */
	t_load_embedded("yonah-core-duo-t2600", &s);
	o = run("7.1", &s);
	T_EQ_U64(o->status, KVM_POST_EIO);
	T_EQ_STR(o->failed_in, "vmx_init");
	T_EQ_U64(VAL(o, KVM_P_SGX), 1);
	T_EQ_STR(run("6.6", &s)->failed_in, "hardware_setup");
	return T_DONE();
}
