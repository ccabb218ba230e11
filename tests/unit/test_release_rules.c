/* SPDX-License-Identifier: MIT */
/*
 * The per-release model: the masks each release requests (checked against the hex values of
 * docs/kernel-versions.md, written independently of the named range tables), which releases share a
 * setup_vmcs_config behaviour, and every rule and parameter that changed between 4.19 and 7.1, each on
 * both sides of its boundary.  Expected values are worked out by hand from the release notes of the docs.
 */
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "t.h"

static const struct kvm_policy *P(const char *v)
{
	const struct kvm_policy *p = kvm_policy_find(v);
	if (!p)
		fprintf(stderr, "release %s not modelled\n", v);
	return p;
}

/* ---- masks, as the hex values of the release notes ---- */

struct masks {
	const char *v;
	uint32_t pri_min, pri_opt, sec_opt, exit_opt, entry_min, entry_opt;
};

static void test_masks(void)
{
	static const struct masks m[] = {
		{ "4.19", 0x21998E88, 0x90200000, 0x0213FFFF, 0x008C0000, 0x4, 0x00014000 },
		{ "4.20", 0x21998E88, 0x90200000, 0x0213FFFF, 0x008C0000, 0x4, 0x00014000 },
		{ "5.0", 0x21998E88, 0x90200000, 0x031BFFFF, 0x03AC1000, 0x4, 0x0007E000 },
		{ "5.1", 0x21998E88, 0x90200000, 0x031BFFFF, 0x03AC1000, 0x4, 0x0007E000 },
		{ "5.2", 0x21998E88, 0x90200000, 0x031BFFFF, 0x03A81000, 0x4, 0x0007E000 },
		{ "5.3", 0x21998E88, 0x90200000, 0x031BFFFF, 0x03A81000, 0x4, 0x0007E000 },
		{ "5.4", 0x21998E88, 0x90200000, 0x071BFFFF, 0x03A81000, 0x4, 0x0007E000 },
		{ "5.10", 0x21998E88, 0x90200000, 0x071BFFFF, 0x03A81000, 0x4, 0x0007E000 },
		{ "5.12", 0x21998E88, 0x90200000, 0x471BFFFF, 0x03A81000, 0x4, 0x0007E000 },
		{ "5.19", 0x21998E88, 0x90200000, 0x471BFFFF, 0x03A81000, 0x4, 0x0007E000 },
		{ "6.0", 0x21998E88, 0x90220000, 0xC71BFFFF, 0x03A81000, 0x4, 0x0007E000 },
		{ "6.1", 0x21998E8C, 0xDA621000, 0xC71BFFFF, 0x03FC1000, 0x204, 0x0007E000 },
		{ "6.9", 0x21998E8C, 0xDA621000, 0xC71BFFFF, 0x03FC1000, 0x204, 0x0007E000 },
		{ "6.10", 0x21998E8C, 0xDA621000, 0xC71FFFFF, 0x03FC1000, 0x204, 0x0007E000 },
		{ "6.17", 0x21998E8C, 0xDA621000, 0xC71FFFFF, 0x03FC1000, 0x204, 0x0007E000 },
		{ "6.18", 0x21998E8C, 0xDA621000, 0xC71FFFFF, 0x13FC1000, 0x204, 0x0017E000 },
		{ "6.19", 0x21998E8C, 0xDA621000, 0xC71FFFFF, 0x13FC1000, 0x204, 0x0017E000 },
		{ "7.0", 0x21998E8C, 0xDA621000, 0xC71FFFFF, 0x53FC1000, 0x204, 0x0017E000 },
		{ "7.1", 0x21998E8C, 0xDA621000, 0xC71FFFFF, 0x53FC1000, 0x204, 0x0017E000 },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		const struct kvm_policy *p = P(m[i].v);
		T_CHECK(p != NULL);
		if (!p)
			continue;
		T_EQ_U64(p->primary_min, m[i].pri_min);
		T_EQ_U64(p->primary_opt, m[i].pri_opt);
		T_EQ_U64(p->secondary_opt, m[i].sec_opt);
		T_EQ_U64(p->exit_opt, m[i].exit_opt);
		T_EQ_U64(p->entry_min, m[i].entry_min);
		T_EQ_U64(p->entry_opt, m[i].entry_opt);
		/* The same in every release: pin 0x09/0xE0, exit min 0x8204. */
		T_EQ_U64(p->pin_min, 0x09);
		T_EQ_U64(p->pin_opt, 0xE0);
		T_EQ_U64(p->exit_min, 0x8204);
		T_EQ_U64(p->tertiary_opt, p->rel >= KVM_REL(6, 0) ? 0x10 : 0);
	}
}

/* ---- the table itself ---- */

static void test_table(void)
{
	/* Every release from 4.19 to 7.1, newest first, each once, found by name and number. */
	size_t n = kvm_policy_count();
	T_CHECK(n > 0);
	unsigned expect = KVM_REL(7, 1);
	for (size_t i = 0; i < n; i++) {
		const struct kvm_policy *p = kvm_policy_at(i);
		T_EQ_U64(p->rel, expect);
		T_CHECK(kvm_policy_find(p->version) == p);
		T_CHECK(kvm_policy_by_rel(p->rel) == p);
		char buf[8];
		snprintf(buf, sizeof(buf), "%u.%u", KVM_REL_MAJOR(p->rel), KVM_REL_MINOR(p->rel));
		T_EQ_STR(p->version, buf);
		/* inferred rows have no source; every other row names the tree read */
		T_CHECK(((p->rel_flags & KVM_RELF_INFERRED) != 0) == (p->source[0] == 0));
		/* next older release: x.0 follows (x-1).last; 5.0 follows 4.20, 6.0 follows 5.19, 7.0 follows 6.19 */
		unsigned mi = KVM_REL_MINOR(expect), ma = KVM_REL_MAJOR(expect);
		expect = mi ? KVM_REL(ma, mi - 1) : ma == 5 ? KVM_REL(4, 20) : KVM_REL(ma - 1, 19);
	}
	T_EQ_U64(kvm_policy_at(n - 1)->rel, KVM_REL(4, 19));
	T_CHECK(kvm_policy_at(n) == NULL);
	T_CHECK(kvm_policy_find("4.18") == NULL && kvm_policy_find("7.2") == NULL && kvm_policy_by_rel(418) == NULL);
	T_CHECK(P("5.13")->rel_flags & KVM_RELF_INFERRED);
	T_CHECK(P("6.15")->rel_flags & KVM_RELF_INFERRED);
	T_CHECK(P("5.5")->rel_flags & KVM_RELF_RC_ONLY);
	T_CHECK(P("5.17")->rel_flags & KVM_RELF_RC_ONLY);
}

/* Behaviour groups of setup_vmcs_config: releases in one group are the same, neighbours across a border not. */
static void test_groups(void)
{
	static const char *const groups[][8] = {
		{ "4.19", "4.20" }, { "5.0", "5.1" }, { "5.2", "5.3" }, { "5.4", "5.5" },
		{ "5.6", "5.7", "5.8", "5.9", "5.10", "5.11" },
		{ "5.12", "5.13", "5.14", "5.15", "5.16", "5.17", "5.18", "5.19" },
		{ "6.0" }, { "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8" }, { "6.8", "6.9" },
		{ "6.10", "6.11" }, { "6.12", "6.13", "6.14", "6.15", "6.16", "6.17" }, { "6.18", "6.19" }, { "7.0", "7.1" },
	};
	size_t ng = sizeof(groups) / sizeof(groups[0]);
	for (size_t g = 0; g < ng; g++)
		for (size_t i = 1; i < 8 && groups[g][i]; i++)
			T_CHECK(kvm_policy_same_setup(P(groups[g][0]), P(groups[g][i])));
	static const char *const borders[][2] = {
		{ "4.20", "5.0" }, { "5.1", "5.2" }, { "5.3", "5.4" }, { "5.5", "5.6" }, { "5.11", "5.12" },
		{ "5.19", "6.0" }, { "6.0", "6.1" }, { "6.9", "6.10" }, { "6.11", "6.12" }, { "6.17", "6.18" },
		{ "6.19", "7.0" },
	};
	for (size_t b = 0; b < sizeof(borders) / sizeof(borders[0]); b++)
		T_CHECK(!kvm_policy_same_setup(P(borders[b][0]), P(borders[b][1])));
}

/* ---- setup_vmcs_config rules at their boundaries, on a hand-made permissive CPU ---- */

static void permissive(struct vmx_snapshot *s, uint32_t sig)
{
	vmx_snapshot_init(s);
	struct vmx_cpuid_leaf l0 = { 0, 0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 };
	struct vmx_cpuid_leaf l1 = { 1, 0, sig, 0, 1u << 5, 0 };
	struct vmx_cpuid_leaf x0 = { 0x80000000u, 0, 0x80000008u, 0, 0, 0 };
	struct vmx_cpuid_leaf x1 = { 0x80000001u, 0, 0, 0, 0, 1u << 20 }; /* NX */
	vmx_snapshot_set_cpuid(s, &l0);
	vmx_snapshot_set_cpuid(s, &l1);
	vmx_snapshot_set_cpuid(s, &x0);
	vmx_snapshot_set_cpuid(s, &x1);
	vmx_snapshot_set_msr(s, 0x3a, 0x5);
	vmx_snapshot_set_msr(s, 0x480, (1ull << 55) | (6ull << 50) | (0x1000ull << 32) | 4);
	vmx_snapshot_set_msr(s, 0x481, 0xffffffff00000016ull);
	vmx_snapshot_set_msr(s, 0x482, 0xffffffff0401e172ull);
	vmx_snapshot_set_msr(s, 0x483, 0xffffffff00036dffull);
	vmx_snapshot_set_msr(s, 0x484, 0xffffffff000011ffull);
	vmx_snapshot_set_msr(s, 0x485, 0x7004c1e7ull);
	vmx_snapshot_set_msr(s, 0x48b, 0xffffffff00000000ull);
	vmx_snapshot_set_msr(s, 0x48c, 0x00000f0106334141ull);
	vmx_snapshot_set_msr(s, 0x492, 0x10);
}

static const struct kvm_result *setup(const char *v, const struct vmx_snapshot *s, bool eoi)
{
	static struct kvm_result r;
	struct kvm_input in;
	kvm_input_init(&in, s);
	in.error_on_inconsistent_vmcs_config = eoi;
	memset(&r, 0, sizeof(r));
	T_EQ_U64(kvm_setup_vmcs_config(P(v), &in, &r), VMX_OK);
	return &r;
}

static bool fired(const struct kvm_result *r, enum kvm_rule rule)
{
	for (size_t i = 0; i < r->n_events; i++)
		if (r->events[i].rule == rule)
			return true;
	return false;
}

#define PRI(x) VMX_B32(PRIMARY, x)
#define SEC(x) VMX_B32(SECONDARY, x)
#define ENT(x) VMX_B32(ENTRY, x)
#define EXI(x) VMX_B32(EXIT, x)

static void test_setup_rules(void)
{
	static struct vmx_snapshot s;
	const struct kvm_result *r;
	permissive(&s, 0x000906e9);

	/* CR8 exits dropped under TPR shadow and CR3/INVLPG exits under EPT: up to 6.0, not from 6.1. */
	r = setup("6.0", &s, true);
	T_EQ_U64(r->status, KVM_STATUS_OK);
	T_EQ_U64(r->cfg.primary & (PRI(CR8_LOAD_EXITING) | PRI(CR3_LOAD_EXITING) | PRI(INVLPG_EXITING)), 0);
	r = setup("6.1", &s, true);
	T_EQ_U64(r->cfg.primary & (PRI(CR8_LOAD_EXITING) | PRI(CR3_LOAD_EXITING) | PRI(INVLPG_EXITING)),
		 PRI(CR8_LOAD_EXITING) | PRI(CR3_LOAD_EXITING) | PRI(INVLPG_EXITING));

	/* Tertiary controls from 6.0; MISC stored from 6.1. */
	T_EQ_U64(setup("5.19", &s, true)->cfg.tertiary, 0);
	T_EQ_U64(setup("6.0", &s, true)->cfg.tertiary, 0x10);
	T_EQ_U64(setup("6.0", &s, true)->cfg.misc, 0);
	T_EQ_U64(setup("6.1", &s, true)->cfg.misc, 0x7004c1e7ull);

	/* Bus-lock detection from 5.12, notify exiting from 6.0, user wait/pause from 5.4. */
	T_EQ_U64(setup("5.11", &s, true)->cfg.secondary & SEC(BUS_LOCK_DETECTION), 0);
	T_CHECK(setup("5.12", &s, true)->cfg.secondary & SEC(BUS_LOCK_DETECTION));
	T_EQ_U64(setup("5.19", &s, true)->cfg.secondary & SEC(NOTIFY_VM_EXITING), 0);
	T_CHECK(setup("6.0", &s, true)->cfg.secondary & SEC(NOTIFY_VM_EXITING));
	T_EQ_U64(setup("5.3", &s, true)->cfg.secondary & SEC(USR_WAIT_PAUSE), 0);
	T_CHECK(setup("5.4", &s, true)->cfg.secondary & SEC(USR_WAIT_PAUSE));

	/* Save IA32_PAT on exit: requested to 5.1, not in 5.2-6.0, again from 6.1. */
	T_CHECK(setup("5.1", &s, true)->cfg.exit & EXI(SAVE_PAT));
	T_EQ_U64(setup("5.2", &s, true)->cfg.exit & EXI(SAVE_PAT), 0);
	T_EQ_U64(setup("6.0", &s, true)->cfg.exit & EXI(SAVE_PAT), 0);
	T_CHECK(setup("6.1", &s, true)->cfg.exit & EXI(SAVE_PAT));

	/* ENCLS exiting without SGX: requested and kept up to 5.5; not requested 5.6-6.0; cleared from 6.1. */
	T_CHECK(setup("5.5", &s, true)->cfg.secondary & SEC(ENCLS_EXITING));
	r = setup("5.6", &s, true);
	T_EQ_U64(r->cfg.secondary & SEC(ENCLS_EXITING), 0);
	T_CHECK(fired(r, KVM_R_ENCLS_OPT_IF_SGX));
	r = setup("6.0", &s, true);
	T_CHECK(fired(r, KVM_R_ENCLS_OPT_IF_SGX) && !fired(r, KVM_R_ENCLS_NEEDS_SGX));
	r = setup("6.1", &s, true);
	T_EQ_U64(r->cfg.secondary & SEC(ENCLS_EXITING), 0);
	T_CHECK(fired(r, KVM_R_ENCLS_NEEDS_SGX) && !fired(r, KVM_R_ENCLS_OPT_IF_SGX));

	/* EPT-violation #VE reported must-be-1: kept to 6.9, cleared from 6.10 (no CONFIG_KVM_INTEL_PROVE_VE). */
	static struct vmx_snapshot ve;
	ve = s;
	ve.msr[VMX_MSR_PROCBASED2] |= SEC(EPT_VIOLATION_VE);
	T_CHECK(setup("6.9", &ve, true)->cfg.secondary & SEC(EPT_VIOLATION_VE));
	r = setup("6.10", &ve, true);
	T_EQ_U64(r->cfg.secondary & SEC(EPT_VIOLATION_VE), 0);
	T_CHECK(fired(r, KVM_R_EPT_VE_NEEDS_PROVE_VE));

	/* A stray EPT capability (EPT not allowed): zeroed up to 5.19, -EIO from 6.0 when the parameter says so. */
	static struct vmx_snapshot stray;
	stray = s;
	stray.msr[VMX_MSR_PROCBASED2] &= ~((uint64_t)SEC(EPT) << 32);
	r = setup("5.19", &stray, true);
	T_EQ_U64(r->status, KVM_STATUS_OK);
	T_EQ_U64(r->ept, 0);
	T_EQ_U64(setup("6.0", &stray, true)->status, KVM_STATUS_EIO);
	r = setup("6.0", &stray, false);
	T_EQ_U64(r->status, KVM_STATUS_OK);
	T_EQ_U64(r->ept, 0);

	/* Entry/exit pairs from 6.0: load-EFER on entry only.  5.19 keeps the lone bit; 6.0 fails or clears. */
	static struct vmx_snapshot pair;
	pair = s;
	pair.msr[VMX_MSR_EXIT] &= ~((uint64_t)EXI(LOAD_EFER) << 32);
	r = setup("5.19", &pair, true);
	T_EQ_U64(r->status, KVM_STATUS_OK);
	T_CHECK(r->cfg.entry & ENT(LOAD_EFER));
	T_EQ_U64(setup("6.0", &pair, true)->status, KVM_STATUS_EIO);
	r = setup("6.0", &pair, false);
	T_EQ_U64(r->status, KVM_STATUS_OK);
	T_EQ_U64(r->cfg.entry & ENT(LOAD_EFER), 0);
	/* The CET pair from 6.18: load-CET on entry only fails 6.18 but not 6.17 (which does not request it). */
	pair = s;
	pair.msr[VMX_MSR_EXIT] &= ~((uint64_t)EXI(LOAD_CET_STATE) << 32);
	T_EQ_U64(setup("6.17", &pair, true)->status, KVM_STATUS_OK);
	T_EQ_U64(setup("6.18", &pair, true)->status, KVM_STATUS_EIO);

	/* Perf-global-ctrl erratum (Nehalem-EP model 0x1A): 4.20 keeps, 5.0-6.0 clear, 6.1-6.11 keep, 6.12+ clear. */
	static struct vmx_snapshot nhm;
	permissive(&nhm, 0x000106A5 + 1); /* model 0x1A, stepping 6: not on the broken-timer list */
	static const struct { const char *v; bool cleared; } errata[] = {
		{ "4.20", false }, { "5.0", true }, { "6.0", true }, { "6.1", false }, { "6.11", false },
		{ "6.12", true }, { "7.1", true },
	};
	for (size_t i = 0; i < sizeof(errata) / sizeof(errata[0]); i++) {
		r = setup(errata[i].v, &nhm, true);
		T_EQ_U64(fired(r, KVM_R_PERF_GLOBAL_CTRL_ERRATA), errata[i].cleared);
		/* 4.19/4.20 never request the control, so only the rule tells them apart */
		if (P(errata[i].v)->entry_opt & ENT(LOAD_PERF_GLOBAL_CTRL))
			T_EQ_U64((r->cfg.entry & ENT(LOAD_PERF_GLOBAL_CTRL)) == 0, errata[i].cleared);
	}
	/* Same model with a non-Intel vendor: 6.0 (any vendor) clears, 6.12 (Intel only) keeps. */
	for (uint32_t i = 0; i < nhm.n_cpuid; i++)
		if (nhm.cpuid[i].leaf == 0)
			nhm.cpuid[i].ebx = 0x746e6543; /* "Cent" */
	T_EQ_U64(setup("6.0", &nhm, true)->cfg.entry & ENT(LOAD_PERF_GLOBAL_CTRL), 0);
	T_CHECK(setup("6.12", &nhm, true)->cfg.entry & ENT(LOAD_PERF_GLOBAL_CTRL));

	/* Broken preemption timer 0x000306A8 (Xeon E3-1220 V2): listed from 5.0, not in 4.19/4.20. */
	static struct vmx_snapshot ivb;
	permissive(&ivb, 0x000306A8);
	T_CHECK(setup("4.20", &ivb, true)->cfg.pin & VMX_B32(PIN, PREEMPTION_TIMER));
	T_EQ_U64(setup("5.0", &ivb, true)->cfg.pin & VMX_B32(PIN, PREEMPTION_TIMER), 0);
}

/* ---- hardware_setup parameters at their boundaries ---- */

static struct kvm_post post;

static const struct kvm_post *params(const char *v, int sub, const struct vmx_snapshot *s, int id, int64_t val,
				     bool broken)
{
	const struct kvm_policy *p = P(v);
	struct kvm_params_input in;
	kvm_params_input_init(&in, p, s);
	in.sublevel = sub;
	in.config_broken = broken;
	in.tsc_khz = 3000000;
	if (id >= 0)
		T_EQ_U64(kvm_params_set(&in, p, (enum kvm_param)id, val), VMX_OK);
	T_EQ_U64(kvm_post_setup(p, &in, &post), VMX_OK);
	return &post;
}

#define VAL(o, id) ((o)->p[id].value)
#define WHY(o, id) ((o)->p[id].why)
#define HAS(v, id) kvm_param_present(P(v), id, NULL)

static void test_presence(void)
{
	static const struct { int id; const char *last_without, *first_with, *last_with; } pr[] = {
		{ KVM_P_PT_MODE, "4.20", "5.0", NULL },
		{ KVM_P_DUMP_INVALID_VMCS, "5.0", "5.1", NULL },
		{ KVM_P_ALLOW_SMALLER_MAXPHYADDR, "5.8", "5.9", NULL },
		{ KVM_P_SGX, "5.12", "5.13", NULL },
		{ KVM_P_ENABLE_PMU, "5.16", "5.17", NULL },
		{ KVM_P_ENABLE_IPIV, "5.19", "6.0", NULL },
		{ KVM_P_ERROR_ON_INCONSISTENT, "5.19", "6.0", NULL },
		{ KVM_P_ENABLE_DEVICE_POSTED_IRQS, "6.15", "6.16", NULL },
		{ KVM_P_TDX, "6.15", "6.16", NULL },
		{ KVM_P_WARN_ON_MISSED_CC, "6.18", "6.19", NULL },
		{ KVM_P_ENABLE_MEDIATED_PMU, "6.19", "7.0", NULL },
		{ KVM_P_CET, "7.0", "7.1", NULL },
		{ KVM_P_NESTED_EARLY_CHECK, "4.19", "4.20", "6.18" },
	};
	for (size_t i = 0; i < sizeof(pr) / sizeof(pr[0]); i++) {
		enum kvm_param id = (enum kvm_param)pr[i].id;
		T_CHECK(!HAS(pr[i].last_without, id));
		T_CHECK(HAS(pr[i].first_with, id));
		unsigned first = 0, last = 0;
		T_CHECK(kvm_param_releases(id, &first, &last));
		T_EQ_U64(first, P(pr[i].first_with)->rel);
		T_EQ_U64(last, pr[i].last_with ? P(pr[i].last_with)->rel : KVM_REL(7, 1));
		if (pr[i].last_with)
			T_CHECK(!HAS("6.19", id));
	}
	/* nested defaults to 0 only in 4.19 */
	T_EQ_U64(kvm_param_default(P("4.19"), KVM_P_NESTED), 0);
	T_EQ_U64(kvm_param_default(P("4.20"), KVM_P_NESTED), 1);
}

static void test_param_rules(void)
{
	static struct vmx_snapshot s, t;
	const struct kvm_post *o;
	permissive(&s, 0x000906e9);

	/* preemption_timer: before 5.3 never changed (pin control missing keeps 1); from 5.3 forced off. */
	t = s;
	t.msr[VMX_MSR_PINBASED] &= ~((uint64_t)VMX_B32(PIN, PREEMPTION_TIMER) << 32);
	o = params("5.2", -1, &t, -1, 0, false);
	T_EQ_U64(VAL(o, KVM_P_PREEMPTION_TIMER), 1);
	T_EQ_U64(WHY(o, KVM_P_PREEMPTION_TIMER), KVM_WHY_NO_RULE);
	o = params("5.3", -1, &t, -1, 0, false);
	T_EQ_U64(VAL(o, KVM_P_PREEMPTION_TIMER), 0);
	T_EQ_U64(WHY(o, KVM_P_PREEMPTION_TIMER), KVM_WHY_CPU);
	/* ... and the TSC-rate test: rate 0 with a 3 GHz TSC ticks 3e9/s > 429496729 */
	t = s;
	t.msr[VMX_MSR_MISC] &= ~0x1full;
	T_EQ_U64(VAL(params("5.2", -1, &t, -1, 0, false), KVM_P_PREEMPTION_TIMER), 1);
	o = params("5.3", -1, &t, -1, 0, false);
	T_EQ_U64(VAL(o, KVM_P_PREEMPTION_TIMER), 0);
	T_EQ_U64(WHY(o, KVM_P_PREEMPTION_TIMER), KVM_WHY_TIMER_RATE);

	/* A CPU on the broken-timer list: the parameter blames the erratum entry that matched, not the pin control. */
	static struct vmx_snapshot wsm;
	permissive(&wsm, 0x00020655);
	o = params("6.6", -1, &wsm, -1, 0, false);
	T_EQ_U64(VAL(o, KVM_P_PREEMPTION_TIMER), 0);
	T_EQ_U64(WHY(o, KVM_P_PREEMPTION_TIMER), KVM_WHY_ERRATUM);
	T_CHECK(o->p[KVM_P_PREEMPTION_TIMER].note && strstr(o->p[KVM_P_PREEMPTION_TIMER].note, "AAU65") &&
		!strstr(o->p[KVM_P_PREEMPTION_TIMER].note, "BA86"));
	T_EQ_U64(o->p[KVM_P_PREEMPTION_TIMER].n_lack, 0);
	for (size_t i = 0; i < o->setup.n_events; i++)
		if (o->setup.events[i].rule == KVM_R_BROKEN_PREEMPTION_TIMER)
			T_EQ_STR(kvm_event_ref(o->policy, &o->setup.events[i]), o->p[KVM_P_PREEMPTION_TIMER].note);

	/* enable_shadow_vmcs with nested=0: ruled in 4.19/4.20, not evaluated from 5.0. */
	t = s;
	t.msr[VMX_MSR_PROCBASED2] &= ~((uint64_t)SEC(SHADOW_VMCS) << 32);
	o = params("4.20", -1, &t, KVM_P_NESTED, 0, false);
	T_EQ_U64(VAL(o, KVM_P_ENABLE_SHADOW_VMCS), 0);
	T_EQ_U64(WHY(o, KVM_P_ENABLE_SHADOW_VMCS), KVM_WHY_CPU);
	o = params("5.0", -1, &t, KVM_P_NESTED, 0, false);
	T_EQ_U64(VAL(o, KVM_P_ENABLE_SHADOW_VMCS), 1);
	T_EQ_U64(WHY(o, KVM_P_ENABLE_SHADOW_VMCS), KVM_WHY_NOT_EVALUATED);

	/* sgx without ENCLS exiting (no SGX in CPUID): no rule in 5.13-6.0.0 and 5.15.16; forced 0 in 5.15.100,
	 * 6.0.19 and 6.1+. */
	static const struct { const char *v; int sub; int64_t val; } sgx[] = {
		{ "5.13", -1, 1 }, { "5.14", -1, 1 }, { "5.15", 16, 1 }, { "5.15", 100, 0 }, { "5.15", -1, 0 },
		{ "5.16", -1, 1 }, { "6.0", 0, 1 }, { "6.0", 19, 0 }, { "6.1", -1, 0 }, { "7.1", -1, 0 },
	};
	for (size_t i = 0; i < sizeof(sgx) / sizeof(sgx[0]); i++) {
		o = params(sgx[i].v, sgx[i].sub, &s, -1, 0, false);
		T_EQ_U64(VAL(o, KVM_P_SGX), sgx[i].val);
		T_EQ_U64(WHY(o, KVM_P_SGX), sgx[i].val ? KVM_WHY_NO_RULE : KVM_WHY_CPU);
	}
	uint32_t unc = 0;
	kvm_post_flags_at(P("5.15"), 50, &unc); /* between 16 (without) and 100 (with): assumed, uncertain */
	T_EQ_U64(unc, KVM_PV_SGX_RULE);
	kvm_post_flags_at(P("5.15"), 100, &unc);
	T_EQ_U64(unc, 0);
	T_EQ_U64(kvm_post_flags_at(P("5.15"), 16, &unc) & KVM_PV_SGX_RULE, 0);
	T_EQ_U64(unc, 0);

	/* pt_mode: settable without CONFIG_BROKEN in 6.6.47 and 6.10, not in 6.6.87, 6.11.11, 6.12. */
	static const struct { const char *v; int sub; bool settable; } pt[] = {
		{ "6.6", 47, true }, { "6.6", 87, false }, { "6.6", -1, false }, { "6.10", -1, true },
		{ "6.11", 0, true }, { "6.11", 11, false }, { "6.12", -1, false }, { "6.1", 0, true }, { "6.1", 119, false },
	};
	for (size_t i = 0; i < sizeof(pt) / sizeof(pt[0]); i++) {
		struct kvm_params_input in;
		kvm_params_input_init(&in, P(pt[i].v), &s);
		in.sublevel = pt[i].sub;
		T_EQ_U64(kvm_params_set(&in, P(pt[i].v), KVM_P_PT_MODE, 1) == VMX_OK, pt[i].settable);
	}
	/* pt_mode=1: up to 5.19 also needs VM-exit 'clear IA32_RTIT_CTL'; from 6.0 it needs kvm.enable_pmu. */
	t = s;
	t.msr[VMX_MSR_EXIT] &= ~((uint64_t)EXI(CLEAR_RTIT_CTL) << 32);
	t.msr[VMX_MSR_MISC] |= 1u << 14;
	o = params("5.19", -1, &t, KVM_P_PT_MODE, 1, false);
	T_EQ_U64(VAL(o, KVM_P_PT_MODE), 0);
	T_EQ_U64(WHY(o, KVM_P_PT_MODE), KVM_WHY_CPU);
	{
		struct kvm_params_input in;
		kvm_params_input_init(&in, P("6.0"), &t);
		in.sublevel = -1;
		T_EQ_U64(kvm_params_set(&in, P("6.0"), KVM_P_PT_MODE, 1), VMX_OK);
		T_EQ_U64(kvm_post_setup(P("6.0"), &in, &post), VMX_OK);
		/* 6.0's pair check: load-RTIT on entry without clear-RTIT on exit fails the load */
		T_EQ_U64(post.status, KVM_POST_EIO);
		kvm_params_input_init(&in, P("6.0"), &s);
		in.sublevel = -1;
		T_EQ_U64(kvm_params_set(&in, P("6.0"), KVM_P_PT_MODE, 1), VMX_OK);
		T_EQ_U64(kvm_params_set(&in, P("6.0"), KVM_P_ENABLE_PMU, 0), VMX_OK);
		kvm_post_setup(P("6.0"), &in, &post);
		T_EQ_U64(VAL(&post, KVM_P_PT_MODE), 0);
		T_EQ_U64(WHY(&post, KVM_P_PT_MODE), KVM_WHY_DEPENDS);
		T_EQ_U64(post.p[KVM_P_PT_MODE].dep, KVM_P_ENABLE_PMU);
	}

	/* NX check for ept=0: 5.13 loads without NX, 5.14 fails with -EOPNOTSUPP. */
	t = s;
	for (uint32_t i = 0; i < t.n_cpuid; i++)
		if (t.cpuid[i].leaf == 0x80000001u)
			t.cpuid[i].edx = 0;
	T_EQ_U64(params("5.13", -1, &t, KVM_P_EPT, 0, false)->status, KVM_POST_OK);
	T_EQ_U64(params("5.14", -1, &t, KVM_P_EPT, 0, false)->status, KVM_POST_EOPNOTSUPP);

	/* allow_smaller_maxphyaddr: set to 1 by the kernel when ept ends up 0 (5.9+). */
	o = params("5.9", -1, &s, KVM_P_EPT, 0, false);
	T_EQ_U64(VAL(o, KVM_P_ALLOW_SMALLER_MAXPHYADDR), 1);
	T_EQ_U64(WHY(o, KVM_P_ALLOW_SMALLER_MAXPHYADDR), KVM_WHY_KERNEL_SET);
	T_EQ_U64(VAL(params("5.9", -1, &s, -1, 0, false), KVM_P_ALLOW_SMALLER_MAXPHYADDR), 0);
	T_CHECK(!params("5.8", -1, &s, KVM_P_EPT, 0, false)->p[KVM_P_ALLOW_SMALLER_MAXPHYADDR].present);

	/* vnmi: pin control alone to 6.0, also NMI-window exiting from 6.1. */
	t = s;
	t.msr[VMX_MSR_PROCBASED] &= ~((uint64_t)PRI(NMI_WINDOW_EXITING) << 32);
	T_EQ_U64(VAL(params("6.0", -1, &t, -1, 0, false), KVM_P_VNMI), 1);
	T_EQ_U64(VAL(params("6.1", -1, &t, -1, 0, false), KVM_P_VNMI), 0);

	/* enable_ipiv from 6.0: tertiary IPI virtualization with APICv. */
	o = params("6.0", -1, &s, -1, 0, false);
	T_EQ_U64(VAL(o, KVM_P_ENABLE_IPIV), 1);

	/* Where a failing setup_vmcs_config is reported: hardware_setup to 6.17, vmx_init from 6.18. */
	t = s;
	t.msr[VMX_MSR_PROCBASED] &= ~((uint64_t)PRI(HLT_EXITING) << 32);
	T_EQ_STR(params("6.17", -1, &t, -1, 0, false)->failed_in, "hardware_setup");
	T_EQ_STR(params("6.18", -1, &t, -1, 0, false)->failed_in, "vmx_init");

	/* enable_device_posted_irqs (6.16+): off with enable_apicv=0; otherwise up to the IOMMU (not known). */
	o = params("6.16", -1, &s, KVM_P_ENABLE_APICV, 0, false);
	T_EQ_U64(VAL(o, KVM_P_ENABLE_DEVICE_POSTED_IRQS), 0);
	T_EQ_U64(WHY(o, KVM_P_ENABLE_DEVICE_POSTED_IRQS), KVM_WHY_DEPENDS);
	o = params("6.16", -1, &s, -1, 0, false);
	T_EQ_U64(WHY(o, KVM_P_ENABLE_DEVICE_POSTED_IRQS), KVM_WHY_HOST);

	/* enable_mediated_pmu=1 (7.0+) without load-PERF_GLOBAL_CTRL: off by the CPU. */
	t = s; /* both sides of the pair, or the pair check fails the load */
	t.msr[VMX_MSR_ENTRY] &= ~((uint64_t)ENT(LOAD_PERF_GLOBAL_CTRL) << 32);
	t.msr[VMX_MSR_EXIT] &= ~((uint64_t)EXI(LOAD_PERF_GLOBAL_CTRL) << 32);
	o = params("7.0", -1, &t, KVM_P_ENABLE_MEDIATED_PMU, 1, false);
	T_EQ_U64(o->status, KVM_POST_OK);
	T_EQ_U64(VAL(o, KVM_P_ENABLE_MEDIATED_PMU), 0);
	T_EQ_U64(WHY(o, KVM_P_ENABLE_MEDIATED_PMU), KVM_WHY_CPU);
	T_EQ_U64(VAL(params("7.0", -1, &s, -1, 0, false), KVM_P_ENABLE_MEDIATED_PMU), 0); /* default 0 */

	/* cet (7.1): off without VM-entry load-CET. */
	t = s;
	t.msr[VMX_MSR_ENTRY] &= ~((uint64_t)ENT(LOAD_CET_STATE) << 32);
	t.msr[VMX_MSR_EXIT] &= ~((uint64_t)EXI(LOAD_CET_STATE) << 32);
	T_EQ_U64(VAL(params("7.1", -1, &t, -1, 0, false), KVM_P_CET), 0);
	T_EQ_U64(VAL(params("7.1", -1, &s, -1, 0, false), KVM_P_CET), 1);
}

/* Nested MSRs: the L1 view differs 5.12 -> 5.13 (TSC scaling for L1) and 6.0 -> 6.1 (source words). */
static void test_nested_boundaries(void)
{
	static struct vmx_snapshot s;
	static struct kvm_nested n;
	permissive(&s, 0x000906e9);
	params("5.12", -1, &s, -1, 0, false);
	T_EQ_U64(kvm_nested_msrs(&post, &s, &n), VMX_OK);
	T_EQ_U64((kvm_nested_msr(&n, 0x48b) >> 32) & SEC(TSC_SCALING), 0);
	T_EQ_U64(kvm_nested_msr(&n, 0x48a), 0x2e);
	params("5.13", -1, &s, -1, 0, false);
	T_EQ_U64(kvm_nested_msrs(&post, &s, &n), VMX_OK);
	T_CHECK((kvm_nested_msr(&n, 0x48b) >> 32) & SEC(TSC_SCALING));
	T_EQ_U64(kvm_nested_msr(&n, 0x48a), 0x32);
	/* BASIC bit 56 (no error-code check) reaches L1 from 6.18 */
	s.msr[VMX_MSR_BASIC] |= 1ull << 56;
	params("6.17", -1, &s, -1, 0, false);
	kvm_nested_msrs(&post, &s, &n);
	T_EQ_U64(kvm_nested_msr(&n, 0x480) & (1ull << 56), 0);
	params("6.18", -1, &s, -1, 0, false);
	kvm_nested_msrs(&post, &s, &n);
	T_CHECK(kvm_nested_msr(&n, 0x480) & (1ull << 56));
}

int main(void)
{
	test_masks();
	test_table();
	test_groups();
	test_setup_rules();
	test_presence();
	test_param_rules();
	test_nested_boundaries();
	return T_DONE();
}
