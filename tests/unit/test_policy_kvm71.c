/* SPDX-License-Identifier: MIT */
/*
 * data/policies/kvm-7.1.policy must give what the built-in KVM 7.1 engine gives: same status, and on success the
 * same vmcs_config words and EPT/VPID capability words, on every embedded profile and on perturbed copies of them
 * (random bit flips in the capability MSRs and the CPUID signature, SGX leaf and vendor).
 */
#include <stdlib.h>

#include <vmxcfg/vmxcfg.h>

#include "host/policy_file.h"
#include "host/profile.h"
#include "t.h"
#include "t_profile.h"

static struct vmx_policy pol;
static struct kvm_result kr;
static struct vmx_negotiation nr;
static int mismatches;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	return t_xorshift64(&rng_state);
}

static void compare(const struct vmx_snapshot *s, const char *what)
{
	struct kvm_input in;
	kvm_input_init(&in, s);
	kvm_setup_vmcs_config(kvm_policy_find("7.1"), &in, &kr);
	vmx_negotiate(&pol, s, &nr);
	bool kok = kr.status == KVM_STATUS_OK, pok = nr.status == VMX_NEG_OK;
	bool same = kok == pok;
	if (same && kok) {
		same = kr.cfg.pin == nr.word[VMX_CLASS_PIN] && kr.cfg.primary == nr.word[VMX_CLASS_PRIMARY] &&
		       kr.cfg.secondary == nr.word[VMX_CLASS_SECONDARY] && kr.cfg.tertiary == nr.word[VMX_CLASS_TERTIARY] &&
		       kr.cfg.exit == nr.word[VMX_CLASS_EXIT] && kr.cfg.entry == nr.word[VMX_CLASS_ENTRY] &&
		       kr.cfg.basic == nr.word[VMX_CLASS_BASIC] && kr.cfg.misc == nr.word[VMX_CLASS_MISC] &&
		       kr.ept == (uint32_t)nr.word[VMX_CLASS_EPT_VPID] &&
		       kr.vpid == (uint32_t)(nr.word[VMX_CLASS_EPT_VPID] >> 32);
	}
	if (!same && mismatches++ < 10)
		fprintf(stderr, "%s: builtin %s (pri %x sec %x exit %x entry %x pin %x) vs policy %s (pri %llx sec %llx "
				"exit %llx entry %llx pin %llx)\n",
			what, kok ? "ok" : "eio", kr.cfg.primary, kr.cfg.secondary, kr.cfg.exit, kr.cfg.entry, kr.cfg.pin,
			pok ? "ok" : "fail", (unsigned long long)nr.word[VMX_CLASS_PRIMARY],
			(unsigned long long)nr.word[VMX_CLASS_SECONDARY], (unsigned long long)nr.word[VMX_CLASS_EXIT],
			(unsigned long long)nr.word[VMX_CLASS_ENTRY], (unsigned long long)nr.word[VMX_CLASS_PIN]);
	T_CHECK(same);
}

static void set_msr(struct vmx_snapshot *s, enum vmx_msr_slot slot, uint64_t v)
{
	s->msr[slot] = v;
	s->msr_present |= 1u << slot;
}

static void perturb(struct vmx_snapshot *s)
{
	static const enum vmx_msr_slot slots[] = { VMX_MSR_BASIC,  VMX_MSR_PINBASED,   VMX_MSR_PROCBASED,
						   VMX_MSR_EXIT,   VMX_MSR_ENTRY,      VMX_MSR_MISC,
						   VMX_MSR_PROCBASED2, VMX_MSR_EPT_VPID_CAP, VMX_MSR_PROCBASED3 };
	int n = 1 + (int)(rnd() % 4);
	for (int k = 0; k < n; k++) {
		uint64_t r = rnd();
		switch (r % 12) {
		case 0: /* drop an MSR */
			s->msr_present &= ~(1u << slots[(r >> 8) % 9]);
			break;
		case 1: { /* CPUID signature of a broken-timer / erratum CPU */
			static const uint32_t sigs[] = { 0x000206E6, 0x000106A5, 0x000306A8, 0x000106E5, 0x00020655 };
			for (uint32_t i = 0; i < s->n_cpuid; i++)
				if (s->cpuid[i].leaf == 1)
					s->cpuid[i].eax = sigs[(r >> 8) % 5];
			break;
		}
		case 2: /* SGX on/off */
			for (uint32_t i = 0; i < s->n_cpuid; i++)
				if (s->cpuid[i].leaf == 0x12 && s->cpuid[i].subleaf == 0)
					s->cpuid[i].eax ^= 1;
			break;
		default: {
			enum vmx_msr_slot sl = slots[(r >> 8) % 9];
			set_msr(s, sl, vmx_snapshot_msr(s, sl) ^ (1ull << ((r >> 20) % 64)));
			break;
		}
		}
	}
}

int main(void)
{
	struct vmx_diag d;
	if (vmx_policy_load("data/policies/kvm-7.1.policy", &pol, &d)) {
		fprintf(stderr, "%s:%d: %s (run from the repository root)\n", d.file, d.line, d.msg);
		T_CHECK(0);
		return T_DONE();
	}
	/* The sets equal the built-in ones. */
	const struct kvm_policy *k = kvm_policy_find("7.1");
	T_EQ_U64(pol.required[VMX_CLASS_PRIMARY], k->primary_min);
	T_EQ_U64(pol.optional[VMX_CLASS_PRIMARY], k->primary_opt);
	T_EQ_U64(pol.optional[VMX_CLASS_SECONDARY], k->secondary_opt);
	T_EQ_U64(pol.optional[VMX_CLASS_TERTIARY], k->tertiary_opt);
	T_EQ_U64(pol.required[VMX_CLASS_EXIT], k->exit_min);
	T_EQ_U64(pol.optional[VMX_CLASS_EXIT], k->exit_opt);
	T_EQ_U64(pol.required[VMX_CLASS_PIN], k->pin_min);
	T_EQ_U64(pol.optional[VMX_CLASS_PIN], k->pin_opt);
	T_EQ_U64(pol.required[VMX_CLASS_ENTRY], k->entry_min);
	T_EQ_U64(pol.optional[VMX_CLASS_ENTRY], k->entry_opt);
	T_CHECK(!pol.use_true_msrs);

	size_t n_ok = 0, n_eio = 0, n_var = 0, n_var_eio = 0;
	for (size_t i = 0; i < vmx_embedded_count(); i++) {
		const struct vmx_embedded_profile *e = vmx_embedded_at(i);
		struct vmx_profile p;
		vmx_profile_init(&p);
		if (vmx_profile_parse(e->text, e->len, e->name, &p, &d)) {
			T_CHECK(0);
			continue;
		}
		for (size_t c = 0; c < p.n_cpus; c++) {
			compare(&p.cpus[c].snap, e->name);
			if (kr.status == KVM_STATUS_OK)
				n_ok++;
			else
				n_eio++;
		}
		for (int v = 0; v < 60; v++) {
			static struct vmx_snapshot s;
			s = p.cpus[0].snap;
			perturb(&s);
			compare(&s, e->name);
			n_var++;
			if (kr.status != KVM_STATUS_OK)
				n_var_eio++;
		}
		vmx_profile_free(&p);
	}
	printf("embedded profiles: %zu ok, %zu eio; perturbed copies: %zu (%zu eio)\n", n_ok, n_eio, n_var, n_var_eio);
	T_CHECK(n_var_eio > 100 && n_var_eio < n_var / 2); /* the perturbations reach both outcomes */
	T_CHECK(n_ok + n_eio >= vmx_embedded_count()); /* at least one CPU per embedded profile */
	return T_DONE();
}
