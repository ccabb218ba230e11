/* SPDX-License-Identifier: MIT */
/*
 * KVM's setup_vmcs_config and hardware_setup per mainline release, as data.
 *
 * Every fact is one row of a range table: a control bit KVM requires or requests, a fix-up step, an erratum
 * entry, a parameter rule, each with the first and last release it applies to.  A release is one row of
 * RELEASES below; its masks and flags are computed from the range tables at compile time.  Adding a release
 * that changes nothing is one RELEASES row; one that changes behaviour also edits the ranges it changes.
 * The facts, release by release, are in docs/kernel-versions.md.
 */
#include <vmxcfg/kvm.h>
#include <vmxcfg/params.h>

#define END 9999u /* open-ended range: still true in the newest release */
#define IN(v, first, last) ((v) >= (first) && (v) <= (last))

/* X(v, CLASS, BIT, first, last): the control bit is in the set from release `first` to `last` (KVM_REL numbers). */
#define B32(v, cls, name, first, last) | (IN(v, first, last) ? VMX_B32(cls, name) : 0u)
#define B64(v, cls, name, first, last) | (IN(v, first, last) ? VMX_B(cls, name) : 0ull)
#define F32(v, flag, first, last) | (IN(v, first, last) ? (uint32_t)(flag) : 0u)
#define MASK32(list, v) (0u list(B32, v))
#define MASK64(list, v) (0ull list(B64, v))
#define FLAGS(list, v) (0u list(F32, v))

/* Required primary processor-based controls (the kernel's required CPU-based set). */
#define PRIMARY_MIN(X, v) \
	X(v, PRIMARY, INTR_WINDOW_EXITING, 601, END) \
	X(v, PRIMARY, TSC_OFFSETTING, 419, END) \
	X(v, PRIMARY, HLT_EXITING, 419, END) \
	X(v, PRIMARY, INVLPG_EXITING, 419, END) \
	X(v, PRIMARY, MWAIT_EXITING, 419, END) \
	X(v, PRIMARY, RDPMC_EXITING, 419, END) \
	X(v, PRIMARY, CR3_LOAD_EXITING, 419, END) \
	X(v, PRIMARY, CR3_STORE_EXITING, 419, END) \
	X(v, PRIMARY, CR8_LOAD_EXITING, 419, END) \
	X(v, PRIMARY, CR8_STORE_EXITING, 419, END) \
	X(v, PRIMARY, MOV_DR_EXITING, 419, END) \
	X(v, PRIMARY, UNCOND_IO_EXITING, 419, END) \
	X(v, PRIMARY, MONITOR_EXITING, 419, END)

/* Optional primary controls. */
#define PRIMARY_OPT(X, v) \
	X(v, PRIMARY, RDTSC_EXITING, 601, END) \
	X(v, PRIMARY, TERTIARY_CONTROLS, 600, END) \
	X(v, PRIMARY, TPR_SHADOW, 419, END) \
	X(v, PRIMARY, NMI_WINDOW_EXITING, 601, END) \
	X(v, PRIMARY, IO_BITMAPS, 601, END) \
	X(v, PRIMARY, MONITOR_TRAP_FLAG, 601, END) \
	X(v, PRIMARY, MSR_BITMAPS, 419, END) \
	X(v, PRIMARY, PAUSE_EXITING, 601, END) \
	X(v, PRIMARY, SECONDARY_CONTROLS, 419, END)

/* Optional secondary controls (none is required).  ENCLS exiting's SGX conditions are flags below. */
#define SECONDARY_OPT(X, v) \
	X(v, SECONDARY, VIRT_APIC_ACCESSES, 419, END) \
	X(v, SECONDARY, EPT, 419, END) \
	X(v, SECONDARY, DESC_EXITING, 419, END) \
	X(v, SECONDARY, RDTSCP, 419, END) \
	X(v, SECONDARY, VIRT_X2APIC, 419, END) \
	X(v, SECONDARY, VPID, 419, END) \
	X(v, SECONDARY, WBINVD_EXITING, 419, END) \
	X(v, SECONDARY, UNRESTRICTED_GUEST, 419, END) \
	X(v, SECONDARY, APIC_REGISTER_VIRT, 419, END) \
	X(v, SECONDARY, VIRT_INTR_DELIVERY, 419, END) \
	X(v, SECONDARY, PAUSE_LOOP_EXITING, 419, END) \
	X(v, SECONDARY, RDRAND_EXITING, 419, END) \
	X(v, SECONDARY, INVPCID, 419, END) \
	X(v, SECONDARY, VMFUNC, 419, END) \
	X(v, SECONDARY, SHADOW_VMCS, 419, END) \
	X(v, SECONDARY, ENCLS_EXITING, 419, END) \
	X(v, SECONDARY, RDSEED_EXITING, 419, END) \
	X(v, SECONDARY, PML, 419, END) \
	X(v, SECONDARY, EPT_VIOLATION_VE, 610, END) \
	X(v, SECONDARY, PT_CONCEAL_VMX, 500, END) \
	X(v, SECONDARY, XSAVES, 419, END) \
	X(v, SECONDARY, PT_USE_GPA, 500, END) \
	X(v, SECONDARY, TSC_SCALING, 419, END) \
	X(v, SECONDARY, USR_WAIT_PAUSE, 504, END) \
	X(v, SECONDARY, BUS_LOCK_DETECTION, 512, END) \
	X(v, SECONDARY, NOTIFY_VM_EXITING, 600, END)

/* Optional tertiary controls (6.0+). */
#define TERTIARY_OPT(X, v) X(v, TERTIARY, IPI_VIRT, 600, END)

#define PIN_MIN(X, v) \
	X(v, PIN, EXT_INTR_EXITING, 419, END) \
	X(v, PIN, NMI_EXITING, 419, END)
#define PIN_OPT(X, v) \
	X(v, PIN, VIRTUAL_NMIS, 419, END) \
	X(v, PIN, PREEMPTION_TIMER, 419, END) \
	X(v, PIN, POSTED_INTR, 419, END)

#define EXIT_MIN(X, v) \
	X(v, EXIT, SAVE_DEBUG_CONTROLS, 419, END) \
	X(v, EXIT, HOST_ADDR_SPACE_SIZE, 419, END) \
	X(v, EXIT, ACK_INTR_ON_EXIT, 419, END)
/* SAVE_PAT was requested up to 5.1, dropped in 5.2 and requested again from 6.1. */
#define EXIT_OPT(X, v) \
	X(v, EXIT, LOAD_PERF_GLOBAL_CTRL, 500, END) \
	X(v, EXIT, SAVE_PAT, 419, 501) \
	X(v, EXIT, SAVE_PAT, 601, END) \
	X(v, EXIT, LOAD_PAT, 419, END) \
	X(v, EXIT, SAVE_EFER, 601, END) \
	X(v, EXIT, LOAD_EFER, 500, END) \
	X(v, EXIT, SAVE_PREEMPTION_TIMER, 601, END) \
	X(v, EXIT, CLEAR_BNDCFGS, 419, END) \
	X(v, EXIT, PT_CONCEAL_PIP, 500, END) \
	X(v, EXIT, CLEAR_RTIT_CTL, 500, END) \
	X(v, EXIT, LOAD_CET_STATE, 618, END) \
	X(v, EXIT, SAVE_PERF_GLOBAL_CTRL, 700, END)

#define ENTRY_MIN(X, v) \
	X(v, ENTRY, LOAD_DEBUG_CONTROLS, 419, END) \
	X(v, ENTRY, IA32E_MODE, 601, END)
#define ENTRY_OPT(X, v) \
	X(v, ENTRY, LOAD_PERF_GLOBAL_CTRL, 500, END) \
	X(v, ENTRY, LOAD_PAT, 419, END) \
	X(v, ENTRY, LOAD_EFER, 500, END) \
	X(v, ENTRY, LOAD_BNDCFGS, 419, END) \
	X(v, ENTRY, PT_CONCEAL_PIP, 500, END) \
	X(v, ENTRY, LOAD_RTIT_CTL, 500, END) \
	X(v, ENTRY, LOAD_CET_STATE, 618, END)

/* setup_vmcs_config steps and fix-ups (KVM_PF_*, kvm.h), with their releases. */
#define SETUP_FLAGS(X, v) \
	X(v, KVM_PF_64BIT_MASKS_X86_64, 419, END) \
	X(v, KVM_PF_CR8_UNDER_TPR, 419, 600) \
	X(v, KVM_PF_EPT_DROPS_CR3, 419, 600) \
	X(v, KVM_PF_OLD_EPT_CAP, 419, 519) \
	X(v, KVM_PF_ENCLS_OPT_IF_SGX, 506, 600) \
	X(v, KVM_PF_ENCLS_NEEDS_SGX, 601, END) \
	X(v, KVM_PF_EPT_VE_PROVE, 610, END) \
	X(v, KVM_PF_CAP_CLEARS_VE, 610, END) \
	X(v, KVM_PF_TERTIARY, 600, END) \
	X(v, KVM_PF_PAIRS, 600, END) \
	X(v, KVM_PF_PAIRS_STOP_FIRST, 600, 614) \
	X(v, KVM_PF_ERROR_ON_INCONSISTENT, 600, END) \
	X(v, KVM_PF_ERRATA_ANY_VENDOR, 500, 600) \
	X(v, KVM_PF_ERRATA_INTEL, 612, END) \
	X(v, KVM_PF_STORES_MISC, 601, END)

/*
 * hardware_setup, module parameters and the nested MSRs (KVM_PV_*, params.h), mainline releases.  Stable
 * releases that carry a later change are in kvm_backports[] below.
 */
#define POST_FLAGS(X, v) \
	X(v, KVM_PV_NESTED_OFF, 419, 419) \
	X(v, KVM_PV_SHADOW_ALWAYS, 419, 420) \
	X(v, KVM_PV_EARLY_CHECK, 420, 618) \
	X(v, KVM_PV_PT_MODE, 500, END) \
	X(v, KVM_PV_PT_OLD, 500, 519) \
	X(v, KVM_PV_PT_PMU, 600, END) \
	X(v, KVM_PV_PT_BROKEN, 612, END) \
	X(v, KVM_PV_DUMP_INVALID, 501, END) \
	X(v, KVM_PV_TIMER_RULE, 503, END) \
	X(v, KVM_PV_SMALLER_MAXPHYADDR, 509, END) \
	X(v, KVM_PV_SGX, 513, END) \
	X(v, KVM_PV_SGX_RULE, 601, END) \
	X(v, KVM_PV_NX_CHECK, 514, END) \
	X(v, KVM_PV_PMU, 517, END) \
	X(v, KVM_PV_IPIV, 600, END) \
	X(v, KVM_PV_EOIVC, 600, END) \
	X(v, KVM_PV_VNMI_NMI_WINDOW, 601, END) \
	X(v, KVM_PV_DEV_POSTED, 616, END) \
	X(v, KVM_PV_TDX, 616, END) \
	X(v, KVM_PV_SETUP_IN_INIT, 618, END) \
	X(v, KVM_PV_MISSED_CC, 619, END) \
	X(v, KVM_PV_MEDIATED_PMU, 700, END) \
	X(v, KVM_PV_CET, 701, END) \
	X(v, KVM_PV_NESTED_OLD, 419, 600) \
	X(v, KVM_PV_NESTED_SIPI, 513, END) \
	X(v, KVM_PV_NESTED_SEC_EXTRA, 513, END) \
	X(v, KVM_PV_VMCS_ENUM_32, 513, 619) \
	X(v, KVM_PV_VMCS_ENUM_TSC, 700, END) \
	X(v, KVM_PV_NESTED_ERRCODE, 618, END) \
	X(v, KVM_PV_GUEST_CET, 618, END)

/* VM-entry/VM-exit controls that must be set together (SDM 25.7.1, 25.8.1), checked from 6.0. */
static const struct kvm_pair pairs[] = {
	{ VMX_B32(ENTRY, LOAD_PERF_GLOBAL_CTRL), VMX_B32(EXIT, LOAD_PERF_GLOBAL_CTRL), 600, END },
	{ VMX_B32(ENTRY, LOAD_PAT), VMX_B32(EXIT, LOAD_PAT), 600, END },
	{ VMX_B32(ENTRY, LOAD_EFER), VMX_B32(EXIT, LOAD_EFER), 600, END },
	{ VMX_B32(ENTRY, LOAD_BNDCFGS), VMX_B32(EXIT, CLEAR_BNDCFGS), 600, END },
	{ VMX_B32(ENTRY, LOAD_RTIT_CTL), VMX_B32(EXIT, CLEAR_RTIT_CTL), 600, END },
	{ VMX_B32(ENTRY, LOAD_CET_STATE), VMX_B32(EXIT, LOAD_CET_STATE), 618, END },
};

/* CPUID.1:EAX signatures with a broken VMX-preemption timer (docs/kernel-versions.md, "errata"). */
static const struct kvm_listed broken_timer[] = {
	{ 0x000206E6, 419, END, "erratum BA86 (Xeon 7500, Nehalem-EX D0)" },
	{ 0x00020652, 419, END, "errata AAX65, AAT59, AAU65 (Westmere C2: Xeon L3406, Core i7-600/i5-500/i5-400/i3-300 "
				"mobile, Core i5-600/i3-500, Pentium G6950)" },
	{ 0x00020655, 419, END, "erratum AAU65 (Westmere K0)" },
	{ 0x000106E5, 419, END, "errata AAO95, AAN92, AAP86 (Lynnfield/Clarksfield B1: Xeon 3400, Core i7-800/i5-700, "
				"mobile Core i7-900/800/700)" },
	{ 0x000106A0, 419, END, "erratum AAM126 (Xeon 3500 C0)" },
	{ 0x000106A1, 419, END, "erratum AAM126 (Xeon 3500 C1)" },
	{ 0x000106A4, 419, END, "erratum AAJ124 (Core i7-900 desktop C0)" },
	{ 0x000106A5, 419, END, "errata AAM126, AAK139, AAJ124 (Bloomfield/Gainestown D0: Xeon 3500/5500, Core i7-900)" },
	{ 0x000306A8, 500, END, "Xeon E3-1220 V2 (Ivy Bridge, stepping 8)" },
};

/* Family-6 models whose IA32_PERF_GLOBAL_CTRL load on entry/exit is broken; the vendor test is a flag. */
static const struct kvm_listed perf_errata[] = {
	{ 0x1A, 500, END, "erratum AAK155 (Nehalem-EP, model 0x1A)" },
	{ 0x1E, 500, END, "erratum AAP115 (Nehalem, model 0x1E)" },
	{ 0x25, 500, END, "erratum AAT100 (Westmere, model 0x25)" },
	{ 0x2C, 500, END, "errata BC86, AAY89, BD102 (Westmere-EP, model 0x2C)" },
	{ 0x2E, 500, END, "erratum BA97 (Nehalem-EX, model 0x2E)" },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

#define ROW(major, minor, src, relf)                                                                      \
	{ .version = #major "." #minor, .source = (src), .rel = KVM_REL(major, minor), .rel_flags = (relf),     \
	  .flags = FLAGS(SETUP_FLAGS, KVM_REL(major, minor)),                                                 \
	  .post_flags = FLAGS(POST_FLAGS, KVM_REL(major, minor)),                                             \
	  .primary_min = MASK32(PRIMARY_MIN, KVM_REL(major, minor)),                                          \
	  .primary_opt = MASK32(PRIMARY_OPT, KVM_REL(major, minor)),                                          \
	  .secondary_opt = MASK32(SECONDARY_OPT, KVM_REL(major, minor)),                                      \
	  .tertiary_opt = MASK64(TERTIARY_OPT, KVM_REL(major, minor)),                                        \
	  .pin_min = MASK32(PIN_MIN, KVM_REL(major, minor)), .pin_opt = MASK32(PIN_OPT, KVM_REL(major, minor)), \
	  .exit_min = MASK32(EXIT_MIN, KVM_REL(major, minor)), .exit_opt = MASK32(EXIT_OPT, KVM_REL(major, minor)), \
	  .entry_min = MASK32(ENTRY_MIN, KVM_REL(major, minor)),                                              \
	  .entry_opt = MASK32(ENTRY_OPT, KVM_REL(major, minor)), .pairs = pairs, .n_pairs = N_OF(pairs),      \
	  .broken_timer_sigs = broken_timer, .n_broken_timer_sigs = N_OF(broken_timer),                      \
	  .perf_errata_models = perf_errata, .n_perf_errata_models = N_OF(perf_errata) },

#define INFERRED KVM_RELF_INFERRED
#define RC_ONLY KVM_RELF_RC_ONLY
#define CHECKED KVM_RELF_POST_CHECKED

/*
 * Every mainline release, newest first: major, minor, the source tree read (empty: inferred from the
 * neighbours), flags.  CHECKED: parameters and nested MSRs were compared with the real code of that release.
 */
static const struct kvm_policy policies[] = {
	ROW(7, 1, "v7.1.3", CHECKED)
	ROW(7, 0, "v7.0.0", CHECKED)
	ROW(6, 19, "v6.19.0", 0)
	ROW(6, 18, "v6.18.2", 0)
	ROW(6, 17, "v6.17.0", 0)
	ROW(6, 16, "v6.16.1", 0)
	ROW(6, 15, "", INFERRED)
	ROW(6, 14, "v6.14.0", 0)
	ROW(6, 13, "v6.13.7", 0)
	ROW(6, 12, "v6.12.33", CHECKED)
	ROW(6, 11, "v6.11.11", 0)
	ROW(6, 10, "v6.10.0", 0)
	ROW(6, 9, "v6.9.3", 0)
	ROW(6, 8, "v6.8.1", CHECKED)
	ROW(6, 7, "v6.7.3", 0)
	ROW(6, 6, "v6.6.87", CHECKED)
	ROW(6, 5, "v6.5.0", 0)
	ROW(6, 4, "v6.4.6", 0)
	ROW(6, 3, "v6.3.8", 0)
	ROW(6, 2, "v6.2.12", 0)
	ROW(6, 1, "v6.1.119", 0)
	ROW(6, 0, "v6.0.19", 0)
	ROW(5, 19, "v5.19.0", 0)
	ROW(5, 18, "v5.18.12", 0)
	ROW(5, 17, "v5.17-rc5", RC_ONLY)
	ROW(5, 16, "v5.16.10", 0)
	ROW(5, 15, "v5.15.100", CHECKED)
	ROW(5, 14, "v5.14.2", 0)
	ROW(5, 13, "", INFERRED)
	ROW(5, 12, "v5.12.9", 0)
	ROW(5, 11, "v5.11.0", 0)
	ROW(5, 10, "v5.10.89", CHECKED)
	ROW(5, 9, "v5.9.1", 0)
	ROW(5, 8, "v5.8.1", 0)
	ROW(5, 7, "v5.7.14", 0)
	ROW(5, 6, "v5.6.4", 0)
	ROW(5, 5, "v5.5-rc5", RC_ONLY)
	ROW(5, 4, "v5.4.286", 0)
	ROW(5, 3, "v5.3.1", 0)
	ROW(5, 2, "v5.2.1", 0)
	ROW(5, 1, "v5.1.15", 0)
	ROW(5, 0, "v5.0.1", 0)
	ROW(4, 20, "v4.20.0", 0)
	ROW(4, 19, "v4.19.13", 0)
};

/*
 * Stable releases that carry a change of a later mainline release (docs/kernel-versions.md, "backports"):
 * in series `rel`, sublevel <= `without` was read without it, sublevel >= `with` with it.
 */
static const struct kvm_backport backports[] = {
	{ KVM_PV_SGX_RULE, 515, 16, 100 },  /* sgx off without ENCLS exiting (mainline 6.1) */
	{ KVM_PV_SGX_RULE, 600, 0, 19 },
	{ KVM_PV_PT_BROKEN, 601, 0, 119 }, /* pt_mode only with CONFIG_BROKEN (mainline 6.12) */
	{ KVM_PV_PT_BROKEN, 606, 47, 87 },
	{ KVM_PV_PT_BROKEN, 611, 0, 11 },
};

size_t kvm_policy_count(void)
{
	return N_OF(policies);
}

const struct kvm_policy *kvm_policy_at(size_t i)
{
	return i < kvm_policy_count() ? &policies[i] : (const struct kvm_policy *)0;
}

const struct kvm_policy *kvm_policy_find(const char *version)
{
	for (size_t i = 0; i < kvm_policy_count(); i++)
		if (vmx_streq(policies[i].version, version))
			return &policies[i];
	return (const struct kvm_policy *)0;
}

const struct kvm_policy *kvm_policy_by_rel(unsigned rel)
{
	for (size_t i = 0; i < kvm_policy_count(); i++)
		if (policies[i].rel == rel)
			return &policies[i];
	return (const struct kvm_policy *)0;
}

static size_t active(const struct kvm_listed *l, size_t n, unsigned rel, uint32_t *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (IN(rel, l[i].first, l[i].last) && k < max)
			out[k++] = l[i].value;
	return k;
}

bool kvm_policy_same_setup(const struct kvm_policy *a, const struct kvm_policy *b)
{
	if (!a || !b)
		return false;
	/* Where the pair loop stops changes the warnings, never the outcome. */
	const uint32_t neutral = KVM_PF_PAIRS_STOP_FIRST;
	if ((a->flags & ~neutral) != (b->flags & ~neutral) || a->primary_min != b->primary_min || a->primary_opt != b->primary_opt ||
	    a->secondary_opt != b->secondary_opt || a->tertiary_opt != b->tertiary_opt || a->pin_min != b->pin_min ||
	    a->pin_opt != b->pin_opt || a->exit_min != b->exit_min || a->exit_opt != b->exit_opt ||
	    a->entry_min != b->entry_min || a->entry_opt != b->entry_opt)
		return false;
	uint32_t la[16], lb[16];
	size_t na = active(a->broken_timer_sigs, a->n_broken_timer_sigs, a->rel, la, 16);
	size_t nb = active(b->broken_timer_sigs, b->n_broken_timer_sigs, b->rel, lb, 16);
	if (na != nb)
		return false;
	na = active(a->perf_errata_models, a->n_perf_errata_models, a->rel, la, 16);
	nb = active(b->perf_errata_models, b->n_perf_errata_models, b->rel, lb, 16);
	if (na != nb)
		return false;
	size_t pa = 0, pb = 0;
	for (size_t i = 0; i < a->n_pairs; i++)
		pa += kvm_pair_active(&a->pairs[i], a->rel);
	for (size_t i = 0; i < b->n_pairs; i++)
		pb += kvm_pair_active(&b->pairs[i], b->rel);
	return pa == pb;
}

bool kvm_listed_active(const struct kvm_listed *l, unsigned rel)
{
	return IN(rel, l->first, l->last);
}

bool kvm_pair_active(const struct kvm_pair *pr, unsigned rel)
{
	return IN(rel, pr->first, pr->last);
}

size_t kvm_backport_count(void)
{
	return N_OF(backports);
}

const struct kvm_backport *kvm_backport_at(size_t i)
{
	return i < N_OF(backports) ? &backports[i] : (const struct kvm_backport *)0;
}

uint32_t kvm_post_flags_at(const struct kvm_policy *p, int sublevel, uint32_t *uncertain)
{
	if (uncertain)
		*uncertain = 0;
	if (!p)
		return 0;
	uint32_t f = p->post_flags;
	for (size_t i = 0; i < N_OF(backports); i++) {
		const struct kvm_backport *b = &backports[i];
		if (b->rel != p->rel)
			continue;
		/* Unknown sublevel: the newest checked stable release; between the two known ones: the newer one. */
		if (sublevel >= 0 && sublevel <= (int)b->without) {
			f &= ~b->flag;
			continue;
		}
		f |= b->flag;
		if (uncertain && (sublevel < 0 || sublevel < (int)b->with))
			*uncertain |= b->flag;
	}
	return f;
}
