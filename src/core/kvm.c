/* SPDX-License-Identifier: MIT */
/*
 * The engine that runs a KVM policy (kvm_intel's setup_vmcs_config) over a
 * capability snapshot.  Each step is a named rule; a rule that changes
 * anything leaves an event, so every bit of the outcome has a reason.
 * Facts: docs/kernel-versions.md.
 */
#include <vmxcfg/kvm.h>

static const struct kvm_rule_info rules[KVM_R_COUNT] = {
	{ KVM_R_ADJUST_PRIMARY, "adjust_primary",
	  "negotiate primary processor-based controls: (required|optional) & allowed-1, | allowed-0",
	  "SDM A.3.2" },
	{ KVM_R_CR8_EXITS_UNDER_TPR, "cr8_exits_under_tpr_shadow",
	  "with a TPR shadow the guest's CR8 accesses need no exits (x86_64 kernels <= 5.10)",
	  "SDM 29.3 (TPR shadow)" },
	{ KVM_R_ENCLS_OPT_IF_SGX, "encls_requested_only_with_sgx",
	  "ENCLS exiting is requested only when CPUID enumerates SGX (CPUID.(0x12,0):EAX[0])", "SDM 25.6.2" },
	{ KVM_R_ADJUST_SECONDARY, "adjust_secondary",
	  "negotiate secondary controls when 'activate secondary controls' was granted", "SDM A.3.3" },
	{ KVM_R_EPT_VE_NEEDS_PROVE_VE, "ept_violation_ve_needs_prove_ve",
	  "EPT-violation #VE is used only by kernels built with CONFIG_KVM_INTEL_PROVE_VE", "SDM 26.5.7" },
	{ KVM_R_TPR_NEEDS_APIC_ACCESS, "tpr_shadow_needs_apic_access",
	  "32-bit kernels use the TPR shadow only together with APIC-access virtualization", "SDM 30.1" },
	{ KVM_R_APICV_NEEDS_TPR, "apicv_needs_tpr_shadow",
	  "x2APIC virtualization, APIC-register virtualization and virtual-interrupt delivery require 'use TPR shadow'",
	  "SDM 26.2.1.1" },
	{ KVM_R_READ_EPT_VPID_CAP, "read_ept_vpid_cap", "read IA32_VMX_EPT_VPID_CAP (0 if the MSR faults)",
	  "SDM A.10" },
	{ KVM_R_EPT_DROPS_CR3_EXITS, "ept_drops_cr3_invlpg_exits",
	  "with EPT the guest owns CR3 and its TLB: no CR3-load/store or INVLPG exits (kernels <= 5.10)",
	  "SDM 29.3" },
	{ KVM_R_EPT_CAP_WITHOUT_EPT, "ept_cap_without_ept",
	  "EPT capabilities reported although 'enable EPT' cannot be 1: discard them (or fail with "
	  "error_on_inconsistent_vmcs_config)",
	  "SDM A.10" },
	{ KVM_R_VPID_CAP_WITHOUT_VPID, "vpid_cap_without_vpid",
	  "VPID capabilities reported although 'enable VPID' cannot be 1: discard them (or fail with "
	  "error_on_inconsistent_vmcs_config)",
	  "SDM A.10" },
	{ KVM_R_ENCLS_NEEDS_SGX, "encls_needs_sgx",
	  "ENCLS exiting is kept only when CPUID enumerates SGX (CPUID.0:EAX >= 0x12 and CPUID.(0x12,0):EAX[0])",
	  "SDM 25.6.2" },
	{ KVM_R_ADJUST_TERTIARY, "adjust_tertiary",
	  "negotiate tertiary controls (64-bit, allowed-1 only) when 'activate tertiary controls' was granted",
	  "SDM A.3.4" },
	{ KVM_R_ADJUST_EXIT, "adjust_exit", "negotiate primary VM-exit controls", "SDM A.4" },
	{ KVM_R_ADJUST_PIN, "adjust_pin", "negotiate pin-based controls", "SDM A.3.1" },
	{ KVM_R_BROKEN_PREEMPTION_TIMER, "broken_preemption_timer",
	  "the VMX-preemption timer is unreliable on this CPU signature",
	  "the erratum of the matching CPU signature (kvm_broken_timer_entry)" },
	{ KVM_R_POSTED_INTR_NEEDS_VID, "posted_intr_needs_vid",
	  "process posted interrupts requires virtual-interrupt delivery", "SDM 26.2.1.1" },
	{ KVM_R_ADJUST_ENTRY, "adjust_entry", "negotiate VM-entry controls", "SDM A.5" },
	{ KVM_R_ENTRY_EXIT_PAIRS, "entry_exit_pairs",
	  "a state that VM entry loads must also be handled on VM exit: both or neither (warn and clear, or fail "
	  "with error_on_inconsistent_vmcs_config)",
	  "SDM 25.7.1, 25.8.1" },
	{ KVM_R_PERF_GLOBAL_CTRL_ERRATA, "perf_global_ctrl_errata",
	  "loading IA32_PERF_GLOBAL_CTRL on VM entry/exit does not work on this CPU model",
	  "the erratum of the matching CPU model (kvm_perf_erratum_entry)" },
	{ KVM_R_BASIC_VMCS_SIZE, "basic_vmcs_size", "the VMCS region must fit in one 4-KiB page",
	  "SDM A.1 (IA32_VMX_BASIC bits 44:32)" },
	{ KVM_R_BASIC_32BIT_ADDR, "basic_32bit_addresses",
	  "a 64-bit kernel cannot limit VMX structures to 32-bit physical addresses",
	  "SDM A.1 (IA32_VMX_BASIC bit 48)" },
	{ KVM_R_BASIC_MEMTYPE, "basic_memory_type", "VMX structures must be accessed write-back (type 6)",
	  "SDM A.1 (IA32_VMX_BASIC bits 53:50)" },
};

const struct kvm_rule_info *kvm_rule_get(enum kvm_rule id)
{
	return (unsigned)id < KVM_R_COUNT ? &rules[id] : (const struct kvm_rule_info *)0;
}

void kvm_input_init(struct kvm_input *in, const struct vmx_snapshot *snap)
{
	in->snap = snap;
	in->error_on_inconsistent_vmcs_config = true;
	in->kernel_32bit = false;
	in->prove_ve = false;
}

uint32_t vmx_adjust32(uint32_t min, uint32_t opt, uint64_t cap_msr, uint32_t *out)
{
	uint32_t ctl = (min | opt) & vmx_allowed1(cap_msr);
	ctl |= vmx_allowed0(cap_msr);
	*out = ctl;
	return min & ~ctl;
}

uint64_t vmx_adjust64(uint64_t opt, uint64_t cap_msr)
{
	return opt & cap_msr;
}

enum kvm_precheck kvm_precheck(const struct vmx_snapshot *s)
{
	if (!vmx_cpuid_has_vmx(s))
		return KVM_PRE_NO_VMX;
	if (!vmx_snapshot_has(s, VMX_MSR_FEATURE_CONTROL))
		return KVM_PRE_UNKNOWN;
	/* Locked without "enable VMX outside SMX": firmware disabled VMX (SDM 23.7). Unlocked: the kernel enables it. */
	uint64_t fc = s->msr[VMX_MSR_FEATURE_CONTROL];
	/* A partial snapshot (vmxcap output records no IA32_FEATURE_CONTROL) decides only with the bits it knows. */
	if (s->flags & VMX_SNAP_PARTIAL) {
		uint64_t kn = s->known[VMX_MSR_FEATURE_CONTROL];
		if (!(kn & 1u) || ((fc & 1u) && !(kn & 4u)))
			return KVM_PRE_UNKNOWN;
	}
	if ((fc & 1u) && !(fc & 4u))
		return KVM_PRE_FW_DISABLED;
	return KVM_PRE_OK;
}

/* Working state of one run. */
struct run {
	const struct kvm_policy *p;
	const struct kvm_input *in;
	const struct vmx_snapshot *s;
	struct kvm_result *r;
	struct vmcs_config c;
	bool failed;
};

static void event(struct run *st, enum kvm_rule rule, enum kvm_event_kind kind, enum vmx_class cls, uint64_t bits,
		  enum vmx_class cls2, uint64_t bits2, uint64_t value)
{
	struct kvm_result *r = st->r;
	if (r->n_events >= KVM_MAX_EVENTS) {
		r->events_truncated = true;
		return;
	}
	struct kvm_event *e = &r->events[r->n_events++];
	e->rule = (uint8_t)rule;
	e->kind = (uint8_t)kind;
	e->cls = (uint8_t)cls;
	e->cls2 = (uint8_t)cls2;
	e->bits = bits;
	e->bits2 = bits2;
	e->value = value;
}

static void fail(struct run *st, enum kvm_rule rule, enum kvm_event_kind kind, enum vmx_class cls, uint64_t bits,
		 enum vmx_class cls2, uint64_t bits2, uint64_t value)
{
	event(st, rule, kind, cls, bits, cls2, bits2, value);
	st->r->fail_event = (int)st->r->n_events - 1;
	st->failed = true;
}

/* Clear bits in a 32-bit control word and record the event if anything changed. */
static void clear32(struct run *st, enum kvm_rule rule, enum vmx_class cls, uint32_t *word, uint32_t mask)
{
	uint32_t gone = *word & mask;
	*word &= ~mask;
	if (gone)
		event(st, rule, KVM_EV_CLEARED, cls, gone, cls, 0, 0);
}

/*
 * One adjust step: records what was denied (optional, not allowed-1) and what was forced (allowed-0 bits not
 * requested), or fails with the missing required bits.
 */
static void adjust(struct run *st, enum kvm_rule rule, enum vmx_class cls, uint32_t min, uint32_t opt,
		   enum vmx_msr_slot slot, uint32_t *out)
{
	uint64_t cap = vmx_snapshot_msr(st->s, slot);
	uint32_t missing = vmx_adjust32(min, opt, cap, out);
	if (missing) {
		*out = 0;
		fail(st, rule, KVM_EV_MISSING, cls, missing, cls, 0, vmx_snapshot_has(st->s, slot));
		return;
	}
	uint32_t denied = opt & ~*out;
	uint32_t forced = *out & ~(min | opt);
	if (denied)
		event(st, rule, KVM_EV_DENIED, cls, denied, cls, 0, 0);
	if (forced)
		event(st, rule, KVM_EV_FORCED, cls, forced, cls, 0, 0);
}

static bool has(const struct run *st, uint32_t flag)
{
	return (st->p->flags & flag) != 0;
}

static bool error_on_inconsistent(const struct run *st)
{
	return has(st, KVM_PF_ERROR_ON_INCONSISTENT) && st->in->error_on_inconsistent_vmcs_config;
}

static void step_primary(struct run *st)
{
	uint32_t min = st->p->primary_min;
	if (st->in->kernel_32bit)
		min &= ~(VMX_B32(PRIMARY, CR8_LOAD_EXITING) | VMX_B32(PRIMARY, CR8_STORE_EXITING));
	adjust(st, KVM_R_ADJUST_PRIMARY, VMX_CLASS_PRIMARY, min, st->p->primary_opt, VMX_MSR_PROCBASED,
	       &st->c.primary);
	if (st->failed)
		return;
	if (has(st, KVM_PF_CR8_UNDER_TPR) && !st->in->kernel_32bit && (st->c.primary & VMX_B32(PRIMARY, TPR_SHADOW)))
		clear32(st, KVM_R_CR8_EXITS_UNDER_TPR, VMX_CLASS_PRIMARY, &st->c.primary,
			VMX_B32(PRIMARY, CR8_LOAD_EXITING) | VMX_B32(PRIMARY, CR8_STORE_EXITING));
}

static void step_secondary(struct run *st)
{
	uint32_t opt = st->p->secondary_opt;
	if (has(st, KVM_PF_ENCLS_OPT_IF_SGX) && !vmx_cpuid_has_sgx(st->s) &&
	    (opt & VMX_B32(SECONDARY, ENCLS_EXITING))) {
		opt &= ~VMX_B32(SECONDARY, ENCLS_EXITING);
		uint32_t allowed = vmx_allowed1(vmx_snapshot_msr(st->s, VMX_MSR_PROCBASED2));
		if ((st->c.primary & VMX_B32(PRIMARY, SECONDARY_CONTROLS)) &&
		    (allowed & VMX_B32(SECONDARY, ENCLS_EXITING)))
			event(st, KVM_R_ENCLS_OPT_IF_SGX, KVM_EV_NOT_REQUESTED, VMX_CLASS_SECONDARY,
			      VMX_B32(SECONDARY, ENCLS_EXITING), VMX_CLASS_SECONDARY, 0, 0);
	}
	if (st->c.primary & VMX_B32(PRIMARY, SECONDARY_CONTROLS))
		adjust(st, KVM_R_ADJUST_SECONDARY, VMX_CLASS_SECONDARY, 0, opt, VMX_MSR_PROCBASED2,
		       &st->c.secondary);
	if (st->failed)
		return;
	if (has(st, KVM_PF_EPT_VE_PROVE) && !st->in->prove_ve)
		clear32(st, KVM_R_EPT_VE_NEEDS_PROVE_VE, VMX_CLASS_SECONDARY, &st->c.secondary,
			VMX_B32(SECONDARY, EPT_VIOLATION_VE));
	if (st->in->kernel_32bit && !(st->c.secondary & VMX_B32(SECONDARY, VIRT_APIC_ACCESSES)))
		clear32(st, KVM_R_TPR_NEEDS_APIC_ACCESS, VMX_CLASS_PRIMARY, &st->c.primary,
			VMX_B32(PRIMARY, TPR_SHADOW));
	if (!(st->c.primary & VMX_B32(PRIMARY, TPR_SHADOW)))
		clear32(st, KVM_R_APICV_NEEDS_TPR, VMX_CLASS_SECONDARY, &st->c.secondary,
			VMX_B32(SECONDARY, APIC_REGISTER_VIRT) | VMX_B32(SECONDARY, VIRT_X2APIC) |
				VMX_B32(SECONDARY, VIRT_INTR_DELIVERY));
}

/* A capability word whose enabling control is absent (docs/kernel-versions.md, groups A/G). */
static void cap_without_control(struct run *st, enum kvm_rule rule, uint32_t *word, uint64_t shift)
{
	uint64_t bits = (uint64_t)*word << shift;
	if (!has(st, KVM_PF_OLD_EPT_CAP) && error_on_inconsistent(st)) {
		fail(st, rule, KVM_EV_INCONSISTENT, VMX_CLASS_EPT_VPID, bits, VMX_CLASS_EPT_VPID, 0, *word);
		return;
	}
	event(st, rule, KVM_EV_CAP_ZEROED, VMX_CLASS_EPT_VPID, bits, VMX_CLASS_EPT_VPID, 0, *word);
	*word = 0;
	if (rule == KVM_R_EPT_CAP_WITHOUT_EPT && has(st, KVM_PF_CAP_CLEARS_VE))
		clear32(st, rule, VMX_CLASS_SECONDARY, &st->c.secondary, VMX_B32(SECONDARY, EPT_VIOLATION_VE));
}

static void step_caps(struct run *st)
{
	struct kvm_result *r = st->r;
	if (vmx_snapshot_has(st->s, VMX_MSR_EPT_VPID_CAP)) {
		uint64_t cap = st->s->msr[VMX_MSR_EPT_VPID_CAP];
		r->ept = (uint32_t)cap;
		r->vpid = (uint32_t)(cap >> 32);
	}
	bool ept = (st->c.secondary & VMX_B32(SECONDARY, EPT)) != 0;
	if (ept && has(st, KVM_PF_EPT_DROPS_CR3))
		clear32(st, KVM_R_EPT_DROPS_CR3_EXITS, VMX_CLASS_PRIMARY, &st->c.primary,
			VMX_B32(PRIMARY, CR3_LOAD_EXITING) | VMX_B32(PRIMARY, CR3_STORE_EXITING) |
				VMX_B32(PRIMARY, INVLPG_EXITING));
	else if (!ept && r->ept)
		cap_without_control(st, KVM_R_EPT_CAP_WITHOUT_EPT, &r->ept, 0);
	if (st->failed)
		return;
	if (!(st->c.secondary & VMX_B32(SECONDARY, VPID)) && r->vpid)
		cap_without_control(st, KVM_R_VPID_CAP_WITHOUT_VPID, &r->vpid, 32);
}

static void step_sgx_tertiary(struct run *st)
{
	if (has(st, KVM_PF_ENCLS_NEEDS_SGX) && !vmx_cpuid_has_sgx(st->s))
		clear32(st, KVM_R_ENCLS_NEEDS_SGX, VMX_CLASS_SECONDARY, &st->c.secondary,
			VMX_B32(SECONDARY, ENCLS_EXITING));
	if (has(st, KVM_PF_TERTIARY) && (st->c.primary & VMX_B32(PRIMARY, TERTIARY_CONTROLS))) {
		st->c.tertiary = vmx_adjust64(st->p->tertiary_opt, vmx_snapshot_msr(st->s, VMX_MSR_PROCBASED3));
		uint64_t denied = st->p->tertiary_opt & ~st->c.tertiary;
		if (denied)
			event(st, KVM_R_ADJUST_TERTIARY, KVM_EV_DENIED, VMX_CLASS_TERTIARY, denied, VMX_CLASS_TERTIARY,
			      0, 0);
	}
}


static const struct kvm_listed *listed(const struct kvm_policy *p, const struct kvm_listed *l, size_t n, uint32_t v)
{
	for (size_t i = 0; p && i < n; i++)
		if (l[i].value == v && kvm_listed_active(&l[i], p->rel))
			return &l[i];
	return (const struct kvm_listed *)0;
}

const struct kvm_listed *kvm_broken_timer_entry(const struct kvm_policy *p, uint32_t signature)
{
	return p ? listed(p, p->broken_timer_sigs, p->n_broken_timer_sigs, signature) : (const struct kvm_listed *)0;
}

const struct kvm_listed *kvm_perf_erratum_entry(const struct kvm_policy *p, uint32_t model)
{
	return p ? listed(p, p->perf_errata_models, p->n_perf_errata_models, model) : (const struct kvm_listed *)0;
}

const char *kvm_event_ref(const struct kvm_policy *p, const struct kvm_event *e)
{
	const struct kvm_listed *l = (const struct kvm_listed *)0;
	if (e->rule == KVM_R_BROKEN_PREEMPTION_TIMER)
		l = kvm_broken_timer_entry(p, (uint32_t)e->value);
	else if (e->rule == KVM_R_PERF_GLOBAL_CTRL_ERRATA)
		l = kvm_perf_erratum_entry(p, (uint32_t)e->value);
	if (l && l->note)
		return l->note;
	const struct kvm_rule_info *ri = kvm_rule_get((enum kvm_rule)e->rule);
	return ri ? ri->ref : "";
}

/* Reserved CPUID.1:EAX bits 15:14 and 31:28 are ignored; type and extended family are compared. */
bool kvm_broken_timer_cpu(const struct kvm_policy *p, const struct vmx_snapshot *s)
{
	return kvm_broken_timer_entry(p, vmx_cpuid_signature(s) & ~((0x3u << 14) | (0xfu << 28))) != 0;
}

bool kvm_perf_erratum_model(const struct kvm_policy *p, uint32_t model)
{
	return kvm_perf_erratum_entry(p, model) != 0;
}

static void step_exit_pin(struct run *st)
{
	uint32_t min = st->p->exit_min;
	if (st->in->kernel_32bit)
		min &= ~VMX_B32(EXIT, HOST_ADDR_SPACE_SIZE);
	adjust(st, KVM_R_ADJUST_EXIT, VMX_CLASS_EXIT, min, st->p->exit_opt, VMX_MSR_EXIT, &st->c.exit);
	if (st->failed)
		return;
	adjust(st, KVM_R_ADJUST_PIN, VMX_CLASS_PIN, st->p->pin_min, st->p->pin_opt, VMX_MSR_PINBASED, &st->c.pin);
	if (st->failed)
		return;
	if (kvm_broken_timer_cpu(st->p, st->s)) {
		uint32_t sig = vmx_cpuid_signature(st->s) & ~((0x3u << 14) | (0xfu << 28));
		uint32_t gone = st->c.pin & VMX_B32(PIN, PREEMPTION_TIMER);
		st->c.pin &= ~VMX_B32(PIN, PREEMPTION_TIMER);
		event(st, KVM_R_BROKEN_PREEMPTION_TIMER, KVM_EV_CLEARED, VMX_CLASS_PIN, gone, VMX_CLASS_PIN, 0, sig);
	}
	if (!(st->c.secondary & VMX_B32(SECONDARY, VIRT_INTR_DELIVERY)))
		clear32(st, KVM_R_POSTED_INTR_NEEDS_VID, VMX_CLASS_PIN, &st->c.pin, VMX_B32(PIN, POSTED_INTR));
}

static void step_entry(struct run *st)
{
	uint32_t min = st->p->entry_min;
	if (st->in->kernel_32bit)
		min &= ~VMX_B32(ENTRY, IA32E_MODE);
	adjust(st, KVM_R_ADJUST_ENTRY, VMX_CLASS_ENTRY, min, st->p->entry_opt, VMX_MSR_ENTRY, &st->c.entry);
}

static void step_pairs(struct run *st)
{
	bool bad = false;
	for (size_t i = 0; i < st->p->n_pairs; i++) {
		const struct kvm_pair *pr = &st->p->pairs[i];
		if (!kvm_pair_active(pr, st->p->rel))
			continue;
		bool e = (st->c.entry & pr->entry) != 0, x = (st->c.exit & pr->exit) != 0;
		if (e == x)
			continue;
		uint64_t side = e ? 1 : 2; /* which side was set */
		if (error_on_inconsistent(st)) {
			event(st, KVM_R_ENTRY_EXIT_PAIRS, KVM_EV_INCONSISTENT, VMX_CLASS_ENTRY, pr->entry, VMX_CLASS_EXIT,
			      pr->exit, side);
			if (!bad)
				st->r->fail_event = (int)st->r->n_events - 1;
			bad = true;
			if (has(st, KVM_PF_PAIRS_STOP_FIRST))
				break;
			continue;
		}
		st->c.entry &= ~pr->entry;
		st->c.exit &= ~pr->exit;
		event(st, KVM_R_ENTRY_EXIT_PAIRS, KVM_EV_CLEARED, VMX_CLASS_ENTRY, e ? pr->entry : 0, VMX_CLASS_EXIT,
		      x ? pr->exit : 0, side);
	}
	if (bad)
		st->failed = true;
}

static void step_errata(struct run *st)
{
	if (!has(st, KVM_PF_ERRATA_ANY_VENDOR | KVM_PF_ERRATA_INTEL))
		return; /* this version handles the erratum outside vmcs_config */
	bool vendor_ok = has(st, KVM_PF_ERRATA_ANY_VENDOR) || vmx_cpuid_is_intel(st->s);
	if (!vendor_ok || vmx_cpuid_family(st->s) != 6)
		return;
	uint32_t model = vmx_cpuid_model(st->s);
	if (kvm_perf_erratum_model(st->p, model)) {
		uint32_t e = st->c.entry & VMX_B32(ENTRY, LOAD_PERF_GLOBAL_CTRL);
		uint32_t x = st->c.exit & VMX_B32(EXIT, LOAD_PERF_GLOBAL_CTRL);
		st->c.entry &= ~VMX_B32(ENTRY, LOAD_PERF_GLOBAL_CTRL);
		st->c.exit &= ~VMX_B32(EXIT, LOAD_PERF_GLOBAL_CTRL);
		event(st, KVM_R_PERF_GLOBAL_CTRL_ERRATA, KVM_EV_CLEARED, VMX_CLASS_ENTRY, e, VMX_CLASS_EXIT, x, model);
	}
}

static void step_basic(struct run *st)
{
	uint64_t basic = vmx_snapshot_msr(st->s, VMX_MSR_BASIC);
	uint32_t size = vmx_basic_vmcs_size(basic);
	if (size > 4096) {
		fail(st, KVM_R_BASIC_VMCS_SIZE, KVM_EV_FAILED, VMX_CLASS_BASIC, 0, VMX_CLASS_BASIC, 0, size);
		return;
	}
	if (!st->in->kernel_32bit && (basic & VMX_B(BASIC, ADDR32))) {
		fail(st, KVM_R_BASIC_32BIT_ADDR, KVM_EV_FAILED, VMX_CLASS_BASIC, VMX_B(BASIC, ADDR32), VMX_CLASS_BASIC,
		     0, 1);
		return;
	}
	if (vmx_basic_mem_type(basic) != 6) {
		/* bits2 = 1: the MSR is absent and reads 0 (a CPUID that claims VMX without IA32_VMX_BASIC). */
		fail(st, KVM_R_BASIC_MEMTYPE, KVM_EV_FAILED, VMX_CLASS_BASIC, 0, VMX_CLASS_BASIC,
		     vmx_snapshot_has(st->s, VMX_MSR_BASIC) ? 0 : 1, vmx_basic_mem_type(basic));
		return;
	}
	st->c.basic = basic;
	st->c.misc = has(st, KVM_PF_STORES_MISC) ? vmx_snapshot_msr(st->s, VMX_MSR_MISC) : 0;
}

int kvm_setup_vmcs_config(const struct kvm_policy *p, const struct kvm_input *in, struct kvm_result *r)
{
	if (!p || !in || !in->snap || !r)
		return VMX_ERR_INVALID;
	static const struct vmcs_config zero_cfg;
	r->policy = p;
	r->status = KVM_STATUS_OK;
	r->precheck = kvm_precheck(in->snap);
	r->cfg = zero_cfg;
	r->ept = r->vpid = 0;
	r->fail_event = -1;
	r->n_events = 0;
	r->events_truncated = false;

	struct run st = { p, in, in->snap, r, zero_cfg, false };
	/* The kernel's order (the same in every release; docs/kernel-versions.md); each step stops the run on -EIO. */
	void (*const steps[])(struct run *) = { step_primary, step_secondary, step_caps, step_sgx_tertiary,
						 step_exit_pin, step_entry, step_pairs, step_errata, step_basic };
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && !st.failed; i++) {
		if (steps[i] == step_pairs && !has(&st, KVM_PF_PAIRS))
			continue;
		steps[i](&st);
	}
	if (st.failed) {
		r->status = KVM_STATUS_EIO;
		return VMX_OK;
	}
	r->cfg = st.c;
	return VMX_OK;
}
