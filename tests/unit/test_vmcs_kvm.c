/* SPDX-License-Identifier: MIT */
/*
 * On every embedded profile:
 *  - KVM's own per-vCPU controls (every kernel version) pass the error-7 checks;
 *  - the module parameters we derive agree with the golden post-setup results
 *    (tests/golden/expected-post, produced by running the real kernel code);
 *  - the reserved-bit sweep (the kvm-unit-tests method): setting each bit the
 *    capability MSR forbids and clearing each bit it forces fails with the
 *    right CAP rule; flipping each optional bit alone passes every CAP rule.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/bits.h>
#include <vmxcfg/kvm.h>
#include <vmxcfg/params.h>
#include <vmxcfg/vmcs.h>

#include "host/profile.h"
#include "t.h"
#include "t_profile.h"

static unsigned maxphy_of(const struct vmx_snapshot *s)
{
	uint32_t eax = vmx_snapshot_cpuid_reg(s, 0x80000008u, 0, 0);
	return (eax & 0xffu) ? (eax & 0xffu) : 36;
}

static uint64_t any_cap_failed(const struct vmcs_result *r)
{
	return r->failed[0] & ((1ull << (VMCS_R_CAP_08 + 1)) - 1);
}

/* Golden params: "key": N in the JSON text; -1 if absent. */
static int golden_param(const char *json, const char *key)
{
	char pat[64];
	const char *p;
	snprintf(pat, sizeof pat, "\"%s\": ", key);
	p = strstr(json, pat);
	return p ? atoi(p + strlen(pat)) : -1;
}

static int n_params_checked, n_sweeps, n_kvm_ok;

static void check_params(const char *name, const struct vmx_snapshot *snap)
{
	static const char *const vers[] = {"7.1", "6.6", "5.10"};
	unsigned i;
	for (i = 0; i < 3; i++) {
		char path[512];
		char *json = NULL;
		size_t len = 0;
		struct vmx_diag d;
		struct kvm_input in;
		struct kvm_result kr;
		struct vmcs_kvm_params p;
		snprintf(path, sizeof path, "tests/golden/expected-post/%s/%s.json", vers[i], name);
		if (vmx_read_file(path, &json, &len, &d) != 0)
			continue;
		kvm_input_init(&in, snap);
		kvm_setup_vmcs_config(kvm_policy_find(vers[i]), &in, &kr);
		if (kr.status == KVM_STATUS_OK && strstr(json, "\"status\": \"ok\"")) {
			vmcs_kvm_params_from(&kr, snap, &p);
#define P(key, val) \
	do { \
		int g = golden_param(json, key); \
		if (g >= 0 && g != (int)(val)) { \
			t_fail_++; \
			fprintf(stderr, "%s %s: param %s = %d, golden %d\n", vers[i], name, key, (int)(val), g); \
		} else { \
			t_pass_++; \
		} \
	} while (0)
			P("vpid", p.vpid);
			P("ept", p.ept);
			P("unrestricted_guest", p.unrestricted_guest);
			P("flexpriority", p.flexpriority);
			P("vnmi", p.vnmi);
			P("enable_apicv", p.enable_apicv);
			P("enable_ipiv", p.enable_ipiv);
			P("pml", p.pml);
			P("preemption_timer", p.preemption_timer);
			n_params_checked++;
		}
		free(json);
	}
}

/*
 * The capability a 32-bit class is judged by: TRUE MSR if BASIC[55], legacy otherwise; a snapshot
 * that lacks the TRUE MSR (partial capture) gives legacy with the default1 bits optional (undecided).
 */
static uint64_t cap_of(const struct vmx_snapshot *s, bool tc, enum vmx_msr_slot legacy, enum vmx_msr_slot tru,
		       uint32_t default1)
{
	if (!tc)
		return vmx_snapshot_msr(s, legacy);
	if (vmx_snapshot_has(s, tru))
		return vmx_snapshot_msr(s, tru);
	return vmx_snapshot_msr(s, legacy) & ~(uint64_t)default1;
}

/* Sweep one 32-bit control class against its capability MSR. */
static void sweep32(const char *name, const struct vmx_snapshot *snap, unsigned mp, const struct vmcs_fields *base,
		    enum vmcs_field field, uint64_t cap, enum vmcs_rule rule)
{
	unsigned bit;
	uint32_t lo = (uint32_t)cap, hi = (uint32_t)(cap >> 32);
	struct vmcs_fields f;
	struct vmcs_result r;
	for (bit = 0; bit < 32; bit++) {
		uint32_t m = 1u << bit;
		bool forced = lo & m, forbidden = !(hi & m);
		f = *base;
		if (forced)
			f.v[field] &= ~(uint64_t)m;
		else if (forbidden)
			f.v[field] |= m;
		else
			f.v[field] ^= m;
		vmcs_check(snap, mp, &f, VMCS_CHECK_NO_WARNINGS, &r);
		if (forced || forbidden) {
			unsigned i;
			bool hit = false;
			for (i = 0; i < r.n; i++)
				if (r.f[i].rule == rule && (r.f[i].bits & m) &&
				    r.f[i].detail == (forced ? VMCS_D_CLEAR_REQUIRED : VMCS_D_SET_NOT_ALLOWED))
					hit = true;
			if (hit && !(any_cap_failed(&r) & ~(1ull << rule))) {
				t_pass_++;
			} else {
				t_fail_++;
				fprintf(stderr, "%s: %s bit %u (%s) did not fail exactly %s\n", name,
					vmcs_field_get(field)->name, bit, forced ? "forced" : "forbidden", vmcs_rule_get(rule)->id);
			}
		} else if (any_cap_failed(&r)) {
			t_fail_++;
			fprintf(stderr, "%s: optional %s bit %u flipped fails a CAP rule\n", name, vmcs_field_get(field)->name,
				bit);
		} else {
			t_pass_++;
		}
	}
}

/* 64-bit allowed-1-only classes (tertiary, secondary exit, VM functions). */
static void sweep64(const char *name, const struct vmx_snapshot *snap, unsigned mp, const struct vmcs_fields *base,
		    enum vmcs_field field, uint64_t cap, enum vmcs_rule rule)
{
	unsigned bit;
	struct vmcs_fields f;
	struct vmcs_result r;
	for (bit = 0; bit < 64; bit++) {
		uint64_t m = 1ull << bit;
		f = *base;
		f.v[field] ^= m;
		vmcs_check(snap, mp, &f, VMCS_CHECK_NO_WARNINGS, &r);
		if (!(cap & m) && (f.v[field] & m)) {
			if (vmcs_rule_failed(&r, rule) && !(any_cap_failed(&r) & ~(1ull << rule)))
				t_pass_++;
			else {
				t_fail_++;
				fprintf(stderr, "%s: %s bit %u forbidden but %s did not fail alone\n", name,
					vmcs_field_get(field)->name, bit, vmcs_rule_get(rule)->id);
			}
		} else if (any_cap_failed(&r)) {
			t_fail_++;
			fprintf(stderr, "%s: %s bit %u allowed but a CAP rule fails\n", name, vmcs_field_get(field)->name, bit);
		} else {
			t_pass_++;
		}
	}
}

static void one_profile(const struct vmx_embedded_profile *e)
{
	struct vmx_profile prof;
	struct vmx_diag d;
	const struct vmx_snapshot *snap;
	unsigned mp;
	size_t k;
	struct vmcs_fields base;
	struct vmcs_result r;
	bool tc;

	vmx_profile_init(&prof);
	if (vmx_profile_parse(e->text, e->len, e->name, &prof, &d) != 0 || prof.n_cpus == 0) {
		t_fail_++;
		fprintf(stderr, "%s: cannot parse: %s\n", e->name, d.msg);
		return;
	}
	snap = &prof.cpus[0].snap;
	mp = maxphy_of(snap);

	/* KVM's own controls, every version */
	for (k = 0; k < kvm_policy_count(); k++) {
		const struct kvm_policy *pol = kvm_policy_at(k);
		struct kvm_input in;
		struct kvm_result kr;
		struct vmcs_kvm_params p;
		kvm_input_init(&in, snap);
		kvm_setup_vmcs_config(pol, &in, &kr);
		if (kr.status != KVM_STATUS_OK || kr.precheck != KVM_PRE_OK)
			continue;
		vmcs_kvm_params_from(&kr, snap, &p);
		/* our defaults agree with kvm_post_setup's (params.h), which the CLI uses */
		{
			static struct kvm_post post;
			struct kvm_params_input pin;
			kvm_params_input_init(&pin, pol, snap);
			kvm_post_setup(pol, &pin, &post);
			if (post.status == KVM_POST_OK &&
			    (p.vpid != (post.p[KVM_P_VPID].value != 0) || p.ept != (post.p[KVM_P_EPT].value != 0) ||
			     p.unrestricted_guest != (post.p[KVM_P_UNRESTRICTED_GUEST].value != 0) ||
			     p.flexpriority != (post.p[KVM_P_FLEXPRIORITY].value != 0) ||
			     p.vnmi != (post.p[KVM_P_VNMI].value != 0) ||
			     p.enable_apicv != (post.p[KVM_P_ENABLE_APICV].value != 0) ||
			     p.enable_ipiv != (post.p[KVM_P_ENABLE_IPIV].present && post.p[KVM_P_ENABLE_IPIV].value != 0) ||
			     p.pml != (post.p[KVM_P_PML].value != 0) ||
			     p.preemption_timer != (post.p[KVM_P_PREEMPTION_TIMER].value != 0 &&
						    (kr.cfg.pin & VMX_B32(PIN, PREEMPTION_TIMER))))) {
				t_fail_++;
				fprintf(stderr, "%s, KVM %s: vmcs_kvm_params_from disagrees with kvm_post_setup\n", e->name,
					pol->version);
			} else {
				t_pass_++;
			}
		}
		vmcs_from_kvm(&kr, &p, &base);
		vmcs_check(snap, mp, &base, VMCS_CHECK_HOST_64, &r);
		if (r.n_errors == 0) {
			t_pass_++;
			n_kvm_ok++;
		} else {
			unsigned i;
			t_fail_++;
			fprintf(stderr, "%s, KVM %s: KVM's own controls fail:\n", e->name, pol->version);
			for (i = 0; i < r.n; i++)
				fprintf(stderr, "   %s %s bits 0x%llx\n", vmcs_rule_get(r.f[i].rule)->id,
					vmcs_detail_text(r.f[i].detail), (unsigned long long)r.f[i].bits);
		}
	}
	check_params(e->name, snap);

	/* Sweep around KVM 7.1's controls (or all-default1 controls when KVM cannot load). */
	{
		struct kvm_input in;
		struct kvm_result kr;
		struct vmcs_kvm_params p;
		kvm_input_init(&in, snap);
		kvm_setup_vmcs_config(kvm_policy_find("7.1"), &in, &kr);
		if (kr.status != KVM_STATUS_OK || kr.precheck != KVM_PRE_OK)
			goto out;
		vmcs_kvm_params_from(&kr, snap, &p);
		vmcs_from_kvm(&kr, &p, &base);
	}
	tc = (vmx_snapshot_msr(snap, VMX_MSR_BASIC) >> 55) & 1u;
	sweep32(e->name, snap, mp, &base, VMCS_F_PIN, cap_of(snap, tc, VMX_MSR_PINBASED, VMX_MSR_TRUE_PINBASED, VMX_PIN_DEFAULT1),
		VMCS_R_CAP_01);
	sweep32(e->name, snap, mp, &base, VMCS_F_PRIMARY,
		cap_of(snap, tc, VMX_MSR_PROCBASED, VMX_MSR_TRUE_PROCBASED, VMX_PRIMARY_DEFAULT1), VMCS_R_CAP_02);
	sweep32(e->name, snap, mp, &base, VMCS_F_EXIT, cap_of(snap, tc, VMX_MSR_EXIT, VMX_MSR_TRUE_EXIT, VMX_EXIT_DEFAULT1),
		VMCS_R_CAP_05);
	sweep32(e->name, snap, mp, &base, VMCS_F_ENTRY, cap_of(snap, tc, VMX_MSR_ENTRY, VMX_MSR_TRUE_ENTRY, VMX_ENTRY_DEFAULT1),
		VMCS_R_CAP_07);
	if (base.v[VMCS_F_PRIMARY] & VMX_B(PRIMARY, SECONDARY_CONTROLS))
		sweep32(e->name, snap, mp, &base, VMCS_F_SECONDARY, vmx_snapshot_msr(snap, VMX_MSR_PROCBASED2),
			VMCS_R_CAP_03);
	{
		uint64_t proc_hi = vmx_snapshot_msr(snap, tc ? VMX_MSR_TRUE_PROCBASED : VMX_MSR_PROCBASED) >> 32;
		uint64_t exit_hi = vmx_snapshot_msr(snap, tc ? VMX_MSR_TRUE_EXIT : VMX_MSR_EXIT) >> 32;
		struct vmcs_fields b2 = base;
		if (proc_hi & VMX_B(PRIMARY, TERTIARY_CONTROLS)) {
			b2.v[VMCS_F_PRIMARY] |= VMX_B(PRIMARY, TERTIARY_CONTROLS);
			sweep64(e->name, snap, mp, &b2, VMCS_F_TERTIARY, vmx_snapshot_msr(snap, VMX_MSR_PROCBASED3), VMCS_R_CAP_04);
		}
		b2 = base;
		if (exit_hi & VMX_B(EXIT, SECONDARY_CONTROLS)) {
			b2.v[VMCS_F_EXIT] |= VMX_B(EXIT, SECONDARY_CONTROLS);
			sweep64(e->name, snap, mp, &b2, VMCS_F_EXIT2, vmx_snapshot_msr(snap, VMX_MSR_EXIT2), VMCS_R_CAP_06);
		}
		b2 = base;
		if ((b2.v[VMCS_F_PRIMARY] & VMX_B(PRIMARY, SECONDARY_CONTROLS)) &&
		    (vmx_snapshot_msr(snap, VMX_MSR_PROCBASED2) >> 32) & VMX_B(SECONDARY, VMFUNC)) {
			b2.v[VMCS_F_SECONDARY] |= VMX_B(SECONDARY, VMFUNC);
			sweep64(e->name, snap, mp, &b2, VMCS_F_VMFUNC_CONTROLS, vmx_snapshot_msr(snap, VMX_MSR_VMFUNC),
				VMCS_R_CAP_08);
		}
	}
	n_sweeps++;
out:
	vmx_profile_free(&prof);
}

/*
 * The fast path must never change a result: random mutations of KVM's sets on every profile, validated with
 * and without VMCS_CHECK_NO_FASTPATH, must give identical results (every finding, in order).
 */
static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
	return t_xorshift64(&rng);
}

static int n_fast_same, n_fast_failing;

static void fastpath_equivalence(void)
{
	size_t i, n = vmx_embedded_count();
	static const uint32_t flagsets[4] = {0, VMCS_CHECK_NO_WARNINGS, VMCS_CHECK_HOST_64, VMCS_CHECK_IN_SMM | VMCS_CHECK_HOST_32};
	for (i = 0; i < n; i++) {
		const struct vmx_embedded_profile *e = vmx_embedded_at(i);
		struct vmx_profile prof;
		struct vmx_diag d;
		struct kvm_input in;
		struct kvm_result kr;
		struct vmcs_kvm_params p;
		struct vmcs_fields base;
		unsigned k, bad = 0;
		vmx_profile_init(&prof);
		if (vmx_profile_parse(e->text, e->len, e->name, &prof, &d) != 0 || !prof.n_cpus)
			continue;
		kvm_input_init(&in, &prof.cpus[0].snap);
		kvm_setup_vmcs_config(kvm_policy_find("7.1"), &in, &kr);
		if (kr.status != KVM_STATUS_OK) {
			vmx_profile_free(&prof);
			continue;
		}
		vmcs_kvm_params_from(&kr, &prof.cpus[0].snap, &p);
		vmcs_from_kvm(&kr, &p, &base);
		for (k = 0; k < 3000; k++) {
			struct vmcs_fields f = base;
			static struct vmcs_result a, b;
			unsigned m, nm = (unsigned)(rnd() % 4), j;
			uint32_t fl = flagsets[rnd() % 4];
			for (m = 0; m < nm; m++) {
				unsigned fld = (unsigned)(rnd() % VMCS_F_COUNT);
				if (rnd() & 1)
					f.v[fld] ^= 1ull << (rnd() % 64);
				else
					f.v[fld] ^= 1ull << (rnd() % 32);
			}
			if (rnd() % 8 == 0)
				f.v[VMCS_F_ENTRY_INTR_INFO] = 0x80000000u | (rnd() & 0x7ff);
			if (rnd() % 8 == 0)
				f.v[VMCS_F_EXIT_MSR_LOAD_COUNT] = rnd() % 3;
			vmcs_check(&prof.cpus[0].snap, 39, &f, fl, &a);
			vmcs_check(&prof.cpus[0].snap, 39, &f, fl | VMCS_CHECK_NO_FASTPATH, &b);
			if (a.n != b.n || a.n_errors != b.n_errors || a.n_warnings != b.n_warnings ||
			    a.failed[0] != b.failed[0] || a.warned[0] != b.warned[0]) {
				bad++;
				continue;
			}
			for (j = 0; j < a.n; j++)
				if (a.f[j].rule != b.f[j].rule || a.f[j].detail != b.f[j].detail || a.f[j].bits != b.f[j].bits ||
				    a.f[j].kind != b.f[j].kind || a.f[j].field != b.f[j].field)
					break;
			if (j != a.n)
				bad++;
			else
				n_fast_same++;
			n_fast_failing += a.n_errors != 0;
		}
		if (bad) {
			t_fail_++;
			fprintf(stderr, "%s: fast path changed %u results\n", e->name, bad);
		} else {
			t_pass_++;
		}
		vmx_profile_free(&prof);
	}
}

int main(void)
{
	size_t i, n = vmx_embedded_count();
	for (i = 0; i < n; i++)
		one_profile(vmx_embedded_at(i));
	fastpath_equivalence();
	printf("fast path: %d random sets identical (%d failing)\n", n_fast_same, n_fast_failing);
	T_CHECK(n_fast_failing > 10000);
	T_CHECK(n >= 50);
	T_CHECK(n_params_checked >= 100);
	T_CHECK(n_sweeps >= 45);
	printf("%zu profiles, %d KVM control sets pass, %d param sets checked, %d sweeps\n", n, n_kvm_ok,
	       n_params_checked, n_sweeps);
	return T_DONE();
}
