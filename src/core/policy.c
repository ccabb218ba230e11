/* SPDX-License-Identifier: MIT */
/* Custom negotiation policies: the engine (include/vmxcfg/policy.h). */
#include <vmxcfg/policy.h>

static const char *const cpu_pred_names[VMX_CPU_PRED_COUNT] = {
	"sgx", "nx", "intel", "broken_preemption_timer", "perf_global_ctrl_erratum", "vmcs_fits_page", "vmcs_wb",
	"true_ctls",
};

const char *vmx_policy_cpu_pred_name(unsigned pred)
{
	return pred < VMX_CPU_PRED_COUNT ? cpu_pred_names[pred] : (const char *)0;
}

void vmx_policy_init(struct vmx_policy *p)
{
	p->name[0] = 0;
	p->use_true_msrs = false;
	for (int i = 0; i < VMX_CLASS_COUNT; i++) {
		p->required[i] = p->optional[i] = 0;
		p->class_line[i] = 0;
	}
	p->n_rules = 0;
}

bool vmx_policy_control_class(enum vmx_class c)
{
	switch (c) {
	case VMX_CLASS_PIN:
	case VMX_CLASS_PRIMARY:
	case VMX_CLASS_SECONDARY:
	case VMX_CLASS_TERTIARY:
	case VMX_CLASS_EXIT:
	case VMX_CLASS_EXIT2:
	case VMX_CLASS_ENTRY:
		return true;
	default:
		return false;
	}
}

static bool true_usable(const struct vmx_snapshot *s)
{
	return (vmx_snapshot_msr(s, VMX_MSR_BASIC) & VMX_B(BASIC, TRUE_CTLS)) &&
	       vmx_snapshot_has(s, VMX_MSR_TRUE_PINBASED) && vmx_snapshot_has(s, VMX_MSR_TRUE_PROCBASED) &&
	       vmx_snapshot_has(s, VMX_MSR_TRUE_EXIT) && vmx_snapshot_has(s, VMX_MSR_TRUE_ENTRY);
}

bool vmx_policy_cpu_pred(const struct vmx_snapshot *s, unsigned pred)
{
	/* The errata lists are facts kept with the newest KVM policy (docs/kernel-versions.md). */
	const struct kvm_policy *k = kvm_policy_at(0);
	switch (pred) {
	case VMX_CPU_SGX:
		return vmx_cpuid_has_sgx(s);
	case VMX_CPU_NX:
		return (vmx_snapshot_cpuid_reg(s, 0x80000001u, 0, 3) >> 20) & 1u;
	case VMX_CPU_INTEL:
		return vmx_cpuid_is_intel(s);
	case VMX_CPU_BROKEN_TIMER:
		return kvm_broken_timer_cpu(k, s);
	case VMX_CPU_PERF_GLOBAL_ERRATUM:
		return vmx_cpuid_is_intel(s) && vmx_cpuid_family(s) == 6 && kvm_perf_erratum_model(k, vmx_cpuid_model(s));
	case VMX_CPU_VMCS_FITS_PAGE:
		return vmx_basic_vmcs_size(vmx_snapshot_msr(s, VMX_MSR_BASIC)) <= 4096u;
	case VMX_CPU_VMCS_WB:
		return vmx_basic_mem_type(vmx_snapshot_msr(s, VMX_MSR_BASIC)) == 6u;
	case VMX_CPU_TRUE_CTLS:
		return true_usable(s);
	default:
		return false;
	}
}

static void ev(struct vmx_negotiation *r, enum vmx_neg_event_kind kind, unsigned cls, int line, uint64_t bits)
{
	if (r->n_events >= VMX_NEG_MAX_EVENTS) {
		r->events_truncated = true;
		return;
	}
	struct vmx_neg_event *e = &r->events[r->n_events++];
	e->kind = (uint8_t)kind;
	e->cls = (uint8_t)cls;
	e->line = line;
	e->bits = bits;
}

static void failed(struct vmx_negotiation *r, enum vmx_neg_event_kind kind, unsigned cls, int line, uint64_t bits)
{
	ev(r, kind, cls, line, bits);
	if (r->status == VMX_NEG_OK && r->n_events) {
		r->fail_event = (int)r->n_events - 1;
		r->status = VMX_NEG_FAIL;
	}
}

/* One 32-bit class with an allowed-0 half. */
static void adjust32(const struct vmx_policy *p, struct vmx_negotiation *r, enum vmx_class c, uint64_t cap)
{
	uint32_t min = (uint32_t)p->required[c], opt = (uint32_t)p->optional[c], out;
	uint32_t missing = vmx_adjust32(min, opt, cap, &out);
	r->word[c] = out;
	if (missing) {
		failed(r, VMX_NEG_MISSING, c, p->class_line[c], missing);
		return;
	}
	if (opt & ~out)
		ev(r, VMX_NEG_DENIED, c, p->class_line[c], opt & ~out);
	if (out & ~(min | opt))
		ev(r, VMX_NEG_FORCED, c, p->class_line[c], out & ~(min | opt));
}

/* A 64-bit class with only allowed-1 bits (tertiary, exit2). */
static void adjust64(const struct vmx_policy *p, struct vmx_negotiation *r, enum vmx_class c, uint64_t cap)
{
	uint64_t want = p->required[c] | p->optional[c];
	r->word[c] = vmx_adjust64(want, cap);
	if (p->required[c] & ~cap) {
		failed(r, VMX_NEG_MISSING, c, p->class_line[c], p->required[c] & ~cap);
		return;
	}
	if (p->optional[c] & ~cap)
		ev(r, VMX_NEG_DENIED, c, p->class_line[c], p->optional[c] & ~cap);
}

static bool term_true(const struct vmx_negotiation *r, const struct vmx_snapshot *s, const struct vmx_policy_term *t)
{
	bool v;
	if (t->cls == VMX_POLICY_CLS_CPU) {
		v = true;
		for (unsigned b = 0; b < VMX_CPU_PRED_COUNT; b++)
			if ((t->bits >> b) & 1u)
				v = v && vmx_policy_cpu_pred(s, b);
	} else {
		v = t->cls < VMX_CLASS_COUNT && (r->word[t->cls] & t->bits) != 0;
	}
	return t->negate ? !v : v;
}

int vmx_negotiate(const struct vmx_policy *p, const struct vmx_snapshot *s, struct vmx_negotiation *r)
{
	if (!p || !s || !r)
		return VMX_ERR_INVALID;
	r->status = VMX_NEG_OK;
	r->precheck = kvm_precheck(s);
	r->fail_event = -1;
	r->n_events = 0;
	r->events_truncated = false;
	for (int i = 0; i < VMX_CLASS_COUNT; i++)
		r->word[i] = 0;
	bool tru = p->use_true_msrs && true_usable(s);
	r->used_true_msrs = tru;

	adjust32(p, r, VMX_CLASS_PRIMARY, vmx_snapshot_msr(s, tru ? VMX_MSR_TRUE_PROCBASED : VMX_MSR_PROCBASED));
	if (r->word[VMX_CLASS_PRIMARY] & VMX_B(PRIMARY, SECONDARY_CONTROLS))
		adjust32(p, r, VMX_CLASS_SECONDARY, vmx_snapshot_msr(s, VMX_MSR_PROCBASED2));
	else if (p->required[VMX_CLASS_SECONDARY])
		failed(r, VMX_NEG_MISSING, VMX_CLASS_SECONDARY, p->class_line[VMX_CLASS_SECONDARY],
		       p->required[VMX_CLASS_SECONDARY]);
	if (r->word[VMX_CLASS_PRIMARY] & VMX_B(PRIMARY, TERTIARY_CONTROLS))
		adjust64(p, r, VMX_CLASS_TERTIARY, vmx_snapshot_msr(s, VMX_MSR_PROCBASED3));
	else if (p->required[VMX_CLASS_TERTIARY])
		failed(r, VMX_NEG_MISSING, VMX_CLASS_TERTIARY, p->class_line[VMX_CLASS_TERTIARY],
		       p->required[VMX_CLASS_TERTIARY]);
	adjust32(p, r, VMX_CLASS_EXIT, vmx_snapshot_msr(s, tru ? VMX_MSR_TRUE_EXIT : VMX_MSR_EXIT));
	if (r->word[VMX_CLASS_EXIT] & VMX_B(EXIT, SECONDARY_CONTROLS))
		adjust64(p, r, VMX_CLASS_EXIT2, vmx_snapshot_msr(s, VMX_MSR_EXIT2));
	else if (p->required[VMX_CLASS_EXIT2])
		failed(r, VMX_NEG_MISSING, VMX_CLASS_EXIT2, p->class_line[VMX_CLASS_EXIT2], p->required[VMX_CLASS_EXIT2]);
	adjust32(p, r, VMX_CLASS_PIN, vmx_snapshot_msr(s, tru ? VMX_MSR_TRUE_PINBASED : VMX_MSR_PINBASED));
	adjust32(p, r, VMX_CLASS_ENTRY, vmx_snapshot_msr(s, tru ? VMX_MSR_TRUE_ENTRY : VMX_MSR_ENTRY));
	r->word[VMX_CLASS_EPT_VPID] = vmx_snapshot_msr(s, VMX_MSR_EPT_VPID_CAP);
	r->word[VMX_CLASS_BASIC] = vmx_snapshot_msr(s, VMX_MSR_BASIC);
	r->word[VMX_CLASS_MISC] = vmx_snapshot_msr(s, VMX_MSR_MISC);
	r->word[VMX_CLASS_VMFUNC] = vmx_snapshot_msr(s, VMX_MSR_VMFUNC);

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct vmx_policy_rule *ru = &p->rules[i];
		bool hold = true;
		for (size_t t = 0; t < ru->n_terms && hold; t++)
			hold = term_true(r, s, &ru->terms[t]);
		if (!hold)
			continue;
		switch (ru->action) {
		case VMX_POLICY_FAIL:
			failed(r, VMX_NEG_FAILED, VMX_CLASS_COUNT, ru->line, 0);
			break;
		case VMX_POLICY_CLEAR:
			for (size_t t = 0; t < ru->n_targets; t++) {
				unsigned c = ru->targets[t].cls;
				if (c >= VMX_CLASS_COUNT)
					continue;
				uint64_t gone = r->word[c] & ru->targets[t].bits;
				r->word[c] &= ~ru->targets[t].bits;
				if (gone)
					ev(r, VMX_NEG_CLEARED, c, ru->line, gone);
			}
			break;
		case VMX_POLICY_REQUIRE:
			for (size_t t = 0; t < ru->n_targets; t++) {
				unsigned c = ru->targets[t].cls;
				if (c >= VMX_CLASS_COUNT)
					continue;
				uint64_t miss = ru->targets[t].bits & ~r->word[c];
				if (miss)
					failed(r, VMX_NEG_UNMET, c, ru->line, miss);
			}
			break;
		}
	}
	return VMX_OK;
}
