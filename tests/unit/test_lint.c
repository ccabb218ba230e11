/* SPDX-License-Identifier: MIT */
/* Control states, every lint (fires on a crafted fault, silent on a clean CPU), per-CPU kvm verdicts. */
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "host/lint.h"
#include "host/percpu.h"
#include "t.h"

/* A clean Skylake-like snapshot (values typed from the SDM rules, not taken from the code). */
static void clean(struct vmx_snapshot *s)
{
	vmx_snapshot_init(s);
	static const struct {
		uint32_t i;
		uint64_t v;
	} m[] = {
		{ 0x3a, 0x5 },
		{ 0x480, 0x00da040000000004ull },
		{ 0x481, 0x0000007f00000016ull },
		{ 0x482, 0xfff9fffe0401e172ull },
		{ 0x483, 0x01ffffff00036dffull },
		{ 0x484, 0x0003ffff000011ffull },
		{ 0x485, 0x000000007004c1e7ull },
		{ 0x486, 0x0000000080000021ull },
		{ 0x487, 0x00000000ffffffffull },
		{ 0x488, 0x0000000000002000ull },
		{ 0x489, 0x00000000003727ffull },
		{ 0x48a, 0x000000000000002eull },
		{ 0x48b, 0x001ffcff00000000ull },
		{ 0x48c, 0x00000f0106334141ull },
		{ 0x48d, 0x0000007f00000016ull },
		{ 0x48e, 0xfff9fffe04006172ull },
		{ 0x48f, 0x01ffffff00036dfbull },
		{ 0x490, 0x0003ffff000011fbull },
		{ 0x491, 0x1 },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		vmx_snapshot_set_msr(s, m[i].i, m[i].v);
	struct vmx_cpuid_leaf l0 = { 0, 0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 };
	struct vmx_cpuid_leaf l1 = { 1, 0, 0x000506e3, 0, 1u << 5, 0 };
	vmx_snapshot_set_cpuid(s, &l0);
	vmx_snapshot_set_cpuid(s, &l1);
}

static size_t count(const struct vmx_snapshot *s, enum vmx_lint_id id, struct vmx_lint *first)
{
	struct vmx_lint l[VMX_LINT_MAX];
	size_t n = vmx_lint_run(s, l, VMX_LINT_MAX), k = 0;
	for (size_t i = 0; i < n; i++)
		if (l[i].id == id) {
			if (!k && first)
				*first = l[i];
			k++;
		}
	return k;
}

static size_t total(const struct vmx_snapshot *s)
{
	struct vmx_lint l[VMX_LINT_MAX];
	return vmx_lint_run(s, l, VMX_LINT_MAX);
}

static void test_states(void)
{
	struct vmx_snapshot s;
	clean(&s);
	T_EQ_U64(vmx_ctl_state(&s, VMX_CLASS_PIN, 0), VMX_ST_YES);
	T_EQ_U64(vmx_ctl_state(&s, VMX_CLASS_PIN, 7), VMX_ST_NO);
	T_EQ_U64(vmx_ctl_state(&s, VMX_CLASS_PIN, 1), VMX_ST_FORCED);        /* TRUE keeps it must-be-1 */
	T_EQ_U64(vmx_ctl_state(&s, VMX_CLASS_PRIMARY, 15), VMX_ST_DEFAULT);  /* CR3-load: TRUE allows 0 */
	T_EQ_U64(vmx_ctl_state(&s, VMX_CLASS_EXIT, 2), VMX_ST_DEFAULT);
	T_EQ_U64(vmx_ctl_state(&s, VMX_CLASS_SECONDARY, 1), VMX_ST_YES);
	T_EQ_U64(vmx_ctl_state(&s, VMX_CLASS_TERTIARY, 4), VMX_ST_NO);       /* absent MSR reads 0 */
	T_EQ_U64(vmx_ctl_state(&s, VMX_CLASS_VMFUNC, 0), VMX_ST_YES);
	T_EQ_STR(vmx_ctl_state_word(VMX_ST_DEFAULT), "default");
	T_EQ_STR(vmx_ctl_state_word(VMX_ST_INCONSISTENT), "?");
	/* Without BASIC[55] the TRUE MSR does not make a bit "default". */
	struct vmx_snapshot t = s;
	t.msr[VMX_MSR_BASIC] &= ~(1ull << 55);
	T_EQ_U64(vmx_ctl_state(&t, VMX_CLASS_PRIMARY, 15), VMX_ST_FORCED);
	/* must be 1 yet not allowed 1 */
	t = s;
	t.msr[VMX_MSR_PINBASED] &= ~(1ull << (32 + 1));
	T_EQ_U64(vmx_ctl_state(&t, VMX_CLASS_PIN, 1), VMX_ST_INCONSISTENT);
	/* Partial: allowed-1 known, allowed-0 unknown -> allowed; nothing known -> unknown; known 0 -> no. */
	t = s;
	t.flags |= VMX_SNAP_PARTIAL;
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		t.known[i] = 0;
	t.known[VMX_MSR_PINBASED] = 0xe0ull << 32;
	T_EQ_U64(vmx_ctl_state(&t, VMX_CLASS_PIN, 5), VMX_ST_ALLOWED);
	T_EQ_U64(vmx_ctl_state(&t, VMX_CLASS_PIN, 7), VMX_ST_NO);
	T_EQ_U64(vmx_ctl_state(&t, VMX_CLASS_PIN, 0), VMX_ST_UNKNOWN);
	T_EQ_U64(vmx_ctl_state(&t, VMX_CLASS_TERTIARY, 4), VMX_ST_UNKNOWN);
}

static void test_lints(void)
{
	struct vmx_snapshot s, t;
	struct vmx_lint l;
	clean(&s);
	T_EQ_U64(total(&s), 0);
	for (int id = 0; id < VMX_LINT_COUNT; id++)
		T_CHECK(vmx_lint_get((enum vmx_lint_id)id)->name != NULL);

	t = s; /* allowed-0 not in allowed-1 */
	t.msr[VMX_MSR_ENTRY] &= ~(1ull << (32 + 12));
	T_EQ_U64(count(&t, VMX_LINT_ALLOWED0_NOT_ALLOWED1, &l), 1);
	T_EQ_U64(l.slot, VMX_MSR_ENTRY);
	T_EQ_U64(l.bits, 1ull << 12);
	T_CHECK(strstr(l.msg, "12") != NULL);

	t = s; /* TRUE allows 0 outside the default1 class */
	t.msr[VMX_MSR_TRUE_PROCBASED] &= ~0x2ull; /* bit 1 is default1: fine */
	T_EQ_U64(count(&t, VMX_LINT_TRUE_MISMATCH, NULL), 0);
	t.msr[VMX_MSR_TRUE_PROCBASED] |= 1ull << 7; /* TRUE makes HLT exiting must-be-1: not allowed */
	T_EQ_U64(count(&t, VMX_LINT_TRUE_MISMATCH, &l), 1);
	T_EQ_U64(l.slot, VMX_MSR_TRUE_PROCBASED);
	t = s;
	t.msr[VMX_MSR_TRUE_EXIT] &= ~(1ull << (32 + 20)); /* allowed-1 differs */
	T_EQ_U64(count(&t, VMX_LINT_TRUE_MISMATCH, &l), 1);
	T_CHECK(strstr(l.msg, "allowed-1 in 20") != NULL);

	t = s; /* default1 bit not forced by the legacy MSR */
	t.msr[VMX_MSR_PINBASED] &= ~0x4ull;
	t.msr[VMX_MSR_TRUE_PINBASED] &= ~0x4ull;
	T_EQ_U64(count(&t, VMX_LINT_DEFAULT1_NOT_FORCED, &l), 1);
	T_EQ_U64(l.bits, 0x4);

	t = s; /* EPT caps without EPT */
	t.msr[VMX_MSR_PROCBASED2] &= ~(1ull << 33);
	T_EQ_U64(count(&t, VMX_LINT_EPT_CAP_WITHOUT_EPT, &l), 1);
	T_EQ_U64(count(&t, VMX_LINT_VPID_CAP_WITHOUT_VPID, NULL), 0);
	t = s; /* VPID caps without VPID */
	t.msr[VMX_MSR_PROCBASED2] &= ~(1ull << 37);
	T_EQ_U64(count(&t, VMX_LINT_VPID_CAP_WITHOUT_VPID, &l), 1);
	T_CHECK(strstr(l.msg, "0x00000f01") != NULL);
	t = s; /* no secondary controls at all: every cap is bogus */
	t.msr[VMX_MSR_PROCBASED] &= ~(1ull << 63);
	T_EQ_U64(count(&t, VMX_LINT_EPT_CAP_WITHOUT_EPT, NULL), 1);

	t = s; /* entry load_efer without exit load_efer */
	t.msr[VMX_MSR_EXIT] &= ~(1ull << (32 + 21));
	t.msr[VMX_MSR_TRUE_EXIT] &= ~(1ull << (32 + 21));
	T_EQ_U64(count(&t, VMX_LINT_ENTRY_EXIT_ASYMMETRIC, &l), 1);
	T_EQ_U64(l.bits2, 1ull << (32 + 21));
	T_CHECK(strstr(l.msg, "Load IA32_EFER") != NULL);

	t = s; /* CR4.VMXE fixed to 1 but not allowed to be 1 */
	t.msr[VMX_MSR_CR4_FIXED1] &= ~(1ull << 13);
	T_EQ_U64(count(&t, VMX_LINT_CR_FIXED_INCONSISTENT, &l), 1);
	T_EQ_U64(l.bits, 1ull << 13);

	t = s; /* BASIC[55] without TRUE MSRs */
	vmx_snapshot_init(&t);
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		if (vmx_snapshot_has(&s, (enum vmx_msr_slot)i) && (i < VMX_MSR_TRUE_PINBASED || i > VMX_MSR_TRUE_ENTRY))
			vmx_snapshot_set_msr(&t, vmx_msr_index((enum vmx_msr_slot)i), s.msr[i]);
	T_EQ_U64(count(&t, VMX_LINT_TRUE_CTLS_PRESENCE, NULL), 1);

	t = s; /* VMFUNC absent although VM functions may be enabled */
	t.msr_present &= ~(1u << VMX_MSR_VMFUNC);
	T_EQ_U64(count(&t, VMX_LINT_MSR_MISSING, &l), 1);
	T_EQ_U64(l.slot, VMX_MSR_VMFUNC);

	t = s; /* VMCS size 0 */
	t.msr[VMX_MSR_BASIC] &= ~(0x1fffull << 32);
	T_EQ_U64(count(&t, VMX_LINT_BASIC_FIELDS, NULL), 1);
	t = s; /* memory type 3 */
	t.msr[VMX_MSR_BASIC] = (t.msr[VMX_MSR_BASIC] & ~(0xfull << 50)) | (3ull << 50);
	T_EQ_U64(count(&t, VMX_LINT_BASIC_FIELDS, NULL), 1);

	/* Partial snapshots: unknown bits never lint. */
	t = s;
	t.flags |= VMX_SNAP_PARTIAL;
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		t.known[i] = 0;
	t.msr[VMX_MSR_ENTRY] &= ~(1ull << (32 + 12));
	T_EQ_U64(total(&t), 0);
	t.known[VMX_MSR_PROCBASED2] = 1ull << 33; /* EPT known not allowed, caps known */
	t.msr[VMX_MSR_PROCBASED2] &= ~(1ull << 33);
	t.known[VMX_MSR_EPT_VPID_CAP] = 1;
	T_EQ_U64(count(&t, VMX_LINT_EPT_CAP_WITHOUT_EPT, NULL), 1); /* EPT known not allowed is enough */
	t.known[VMX_MSR_PROCBASED2] = 0;                            /* EPT unknown: no lint */
	T_EQ_U64(count(&t, VMX_LINT_EPT_CAP_WITHOUT_EPT, NULL), 0);
}

static void test_percpu(void)
{
	struct vmx_profile p;
	vmx_profile_init(&p);
	struct vmx_snapshot s;
	clean(&s);
	vmx_profile_add_cpu(&p, 0, &s);
	vmx_profile_add_cpu(&p, 1, &s);
	s.msr[VMX_MSR_PROCBASED2] &= ~(1ull << (32 + 17)); /* CPU 5 lacks PML */
	vmx_profile_add_cpu(&p, 5, &s);
	struct kvm_input in;
	kvm_input_init(&in, &p.cpus[0].snap);
	struct vmx_percpu_kvm r;
	static const struct {
		const char *v, *msg;
	} cases[] = {
		{ "7.1", "VMCS config on CPU 5 doesn't match reference config:" },
		{ "6.6", "Inconsistent VMCS config on CPU 5" },
		{ "6.19", "Inconsistent VMCS config on CPU 5" },
		{ "6.1", "kvm: CPU 5 feature inconsistency!" },
		{ "5.10", "kvm: CPU 5 feature inconsistency!" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kvm_policy *pol = kvm_policy_find(cases[i].v);
		T_CHECK(pol != NULL);
		if (!pol)
			continue;
		T_EQ_U64(vmx_percpu_kvm_check(pol, &in, &p, &r), VMX_OK);
		T_CHECK(!r.consistent);
		T_EQ_U64(r.mismatch_cpu, 5);
		T_EQ_STR(r.message, cases[i].msg);
		T_EQ_U64(r.n_diffs, 1);
		T_EQ_U64(r.diffs[0].offset, 16);
		T_EQ_STR(r.diffs[0].field, "secondary");
		T_EQ_U64(r.diffs[0].ref ^ r.diffs[0].val, 1u << 17);
	}
	/* A difference KVM does not use (ENCLS without SGX) is consistent for KVM. */
	p.cpus[2].snap = p.cpus[0].snap;
	p.cpus[2].snap.msr[VMX_MSR_PROCBASED2] &= ~(1ull << (32 + 15));
	T_EQ_U64(vmx_percpu_count_differing(&p), 1);
	T_EQ_U64(vmx_percpu_kvm_check(kvm_policy_find("7.1"), &in, &p, &r), VMX_OK);
	T_CHECK(r.consistent);
	/* A CPU where setup itself fails (no HLT exiting). */
	p.cpus[2].snap.msr[VMX_MSR_PROCBASED] &= ~(1ull << (32 + 7));
	T_EQ_U64(vmx_percpu_kvm_check(kvm_policy_find("7.1"), &in, &p, &r), VMX_OK);
	T_EQ_U64(r.fail_cpu, 5);
	T_EQ_STR(r.message, "Failed to setup VMCS config on CPU 5");
	vmx_profile_free(&p);
}

int main(void)
{
	test_states();
	test_lints();
	test_percpu();
	return T_DONE();
}
