/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the adjust primitives and of every rule of the KVM engine on hand-made snapshots.
 * Expected values are worked out from kvm-setup.md, not taken from the code under test.
 */
#include <vmxcfg/vmxcfg.h>

#include "t.h"

/* A permissive CPU: every control allowed, default1 bits must-be-1, WB VMCS of 4 KiB, SGX absent, Intel family 6. */
static void permissive(struct vmx_snapshot *s)
{
	vmx_snapshot_init(s);
	struct vmx_cpuid_leaf l0 = { 0, 0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 };
	struct vmx_cpuid_leaf l1 = { 1, 0, 0x000906e9, 0, 1u << 5, 0 };
	vmx_snapshot_set_cpuid(s, &l0);
	vmx_snapshot_set_cpuid(s, &l1);
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

static void set(struct vmx_snapshot *s, uint32_t idx, uint64_t v)
{
	s->msr[vmx_msr_slot(idx)] = v;
	s->msr_present |= 1u << vmx_msr_slot(idx);
}

static void drop(struct vmx_snapshot *s, uint32_t idx)
{
	s->msr_present &= ~(1u << vmx_msr_slot(idx));
}

static void set_sig(struct vmx_snapshot *s, uint32_t sig)
{
	for (uint32_t i = 0; i < s->n_cpuid; i++)
		if (s->cpuid[i].leaf == 1)
			s->cpuid[i].eax = sig;
}

static int run(const char *ver, const struct vmx_snapshot *s, bool eoi, struct kvm_result *r)
{
	struct kvm_input in;
	kvm_input_init(&in, s);
	in.error_on_inconsistent_vmcs_config = eoi;
	return kvm_setup_vmcs_config(kvm_policy_find(ver), &in, r);
}

/* Did rule `rule` leave an event of `kind`; returns its bits (or ~0 when absent). */
static const struct kvm_event *find_ev(const struct kvm_result *r, enum kvm_rule rule, enum kvm_event_kind kind)
{
	for (size_t i = 0; i < r->n_events; i++)
		if (r->events[i].rule == rule && r->events[i].kind == kind)
			return &r->events[i];
	return NULL;
}

static void test_adjust(void)
{
	uint32_t out;
	/* (min|opt) & allowed1, | allowed0 */
	T_EQ_U64(vmx_adjust32(0x1, 0x6, 0x0000000300000008ull, &out), 0);
	T_EQ_U64(out, 0xb);
	/* required bit 2 not allowed-1: missing */
	T_EQ_U64(vmx_adjust32(0x4, 0x0, 0x0000000300000000ull, &out), 0x4);
	/* allowed-0 bit that is not allowed-1 (inconsistent MSR) still counts as present */
	T_EQ_U64(vmx_adjust32(0x8, 0x0, 0x0000000000000008ull, &out), 0);
	T_EQ_U64(out, 0x8);
	/* 64-bit: allowed-1 only */
	T_EQ_U64(vmx_adjust64(0x10 | (1ull << 40), 0xffull | (1ull << 40)), 0x10 | (1ull << 40));
	T_EQ_U64(vmx_adjust64(0x10, 0x0f), 0);
}

static void test_permissive(void)
{
	struct vmx_snapshot s;
	static struct kvm_result r;
	permissive(&s);
	T_EQ_U64(run("7.1", &s, true, &r), VMX_OK);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	/* primary: everything requested (0x21998E8C | 0xDA621000) plus default1 0x0401E172 */
	T_EQ_U64(r.cfg.primary, 0x21998E8Cu | 0xDA621000u | 0x0401E172u);
	/* secondary: opt 0xC71FFFFF minus EPT-violation #VE (no PROVE_VE) minus ENCLS (no SGX) */
	T_EQ_U64(r.cfg.secondary, 0xC71FFFFFu & ~(1u << 18) & ~(1u << 15));
	T_EQ_U64(r.cfg.tertiary, 0x10);
	T_EQ_U64(r.cfg.pin, 0xff & ~0u & 0xff);
	T_EQ_U64(r.cfg.exit, 0x8204u | 0x53FC1000u | 0x36DFFu);
	T_EQ_U64(r.cfg.entry, 0x204u | 0x0017E000u | 0x11FFu);
	T_EQ_U64(r.cfg.misc, 0x7004c1e7u);
	T_EQ_U64(r.cfg.basic, s.msr[VMX_MSR_BASIC]);
	T_EQ_U64(r.ept, 0x06334141u);
	T_EQ_U64(r.vpid, 0xf01u);
	T_CHECK(find_ev(&r, KVM_R_EPT_VE_NEEDS_PROVE_VE, KVM_EV_CLEARED) != NULL);
	T_CHECK(find_ev(&r, KVM_R_ENCLS_NEEDS_SGX, KVM_EV_CLEARED) != NULL);

	/* 5.10 on the same CPU: CR8 exits cleared under TPR shadow, CR3/INVLPG exits cleared under EPT, no tertiary */
	T_EQ_U64(run("5.10", &s, true, &r), VMX_OK);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	uint32_t p = (0x21998E88u | 0x90200000u | 0x0401E172u) & ~((1u << 19) | (1u << 20)) &
		     ~((1u << 15) | (1u << 16) | (1u << 9));
	T_EQ_U64(r.cfg.primary, p);
	T_EQ_U64(r.cfg.secondary, 0x071BFFFFu & ~(1u << 15)); /* ENCLS not requested without SGX */
	T_EQ_U64(r.cfg.tertiary, 0);
	T_EQ_U64(r.cfg.misc, 0); /* 5.10 does not store MISC */
	T_EQ_U64(r.cfg.entry, 0x4u | 0x0007E000u | 0x11FFu);
	T_CHECK(find_ev(&r, KVM_R_CR8_EXITS_UNDER_TPR, KVM_EV_CLEARED) != NULL);
	T_CHECK(find_ev(&r, KVM_R_EPT_DROPS_CR3_EXITS, KVM_EV_CLEARED) != NULL);
	T_CHECK(find_ev(&r, KVM_R_ENCLS_OPT_IF_SGX, KVM_EV_NOT_REQUESTED) != NULL);
}

static void test_missing_required(void)
{
	struct vmx_snapshot s;
	static struct kvm_result r;
	permissive(&s);
	/* CR8-load exiting (primary bit 19) not allowed: 7.1 and 5.10 both require it on x86_64 */
	set(&s, 0x482, 0xffffffff0401e172ull & ~(1ull << (32 + 19)));
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	T_CHECK(r.fail_event >= 0);
	T_EQ_U64(r.events[r.fail_event].kind, KVM_EV_MISSING);
	T_EQ_U64(r.events[r.fail_event].bits, 1u << 19);
	T_EQ_U64(r.events[r.fail_event].cls, VMX_CLASS_PRIMARY);
	T_EQ_U64(r.cfg.primary, 0); /* all zero on EIO */
	run("5.10", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	/* a 32-bit kernel does not require CR8 exits */
	struct kvm_input in;
	kvm_input_init(&in, &s);
	in.kernel_32bit = true;
	kvm_setup_vmcs_config(kvm_policy_find("7.1"), &in, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);

	/* interrupt-window exiting is required from 6.1 on, not in 5.10 */
	permissive(&s);
	set(&s, 0x482, 0xffffffff0401e172ull & ~(1ull << (32 + 2)));
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	run("5.10", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);

	/* IA-32e mode guest required at entry from 6.1 (x86_64), not in 5.10 */
	permissive(&s);
	set(&s, 0x484, 0xffffffff000011ffull & ~(1ull << (32 + 9)));
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	T_EQ_U64(r.events[r.fail_event].cls, VMX_CLASS_ENTRY);
	run("5.10", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);

	/* pin: NMI exiting */
	permissive(&s);
	set(&s, 0x481, 0xfffffff700000016ull);
	run("6.6", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	T_EQ_U64(r.events[r.fail_event].bits, 1u << 3);

	/* exit: host address-space size */
	permissive(&s);
	set(&s, 0x483, 0xfffffdff00036dffull);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	T_EQ_U64(r.events[r.fail_event].cls, VMX_CLASS_EXIT);

	/* absent primary MSR reads 0: everything required is missing */
	permissive(&s);
	drop(&s, 0x482);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	T_EQ_U64(r.events[r.fail_event].bits, 0x21998E8Cu);
}

static void test_tpr_and_apicv(void)
{
	struct vmx_snapshot s;
	static struct kvm_result r;
	permissive(&s);
	/* no TPR shadow: APIC-register virtualization, x2APIC virtualization and VID go; then posted interrupts */
	set(&s, 0x482, 0xffffffff0401e172ull & ~(1ull << (32 + 21)));
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	T_EQ_U64(r.cfg.secondary & ((1u << 8) | (1u << 4) | (1u << 9)), 0);
	T_EQ_U64(r.cfg.pin & (1u << 7), 0);
	const struct kvm_event *e = find_ev(&r, KVM_R_APICV_NEEDS_TPR, KVM_EV_CLEARED);
	T_CHECK(e && e->bits == ((1u << 8) | (1u << 4) | (1u << 9)));
	e = find_ev(&r, KVM_R_POSTED_INTR_NEEDS_VID, KVM_EV_CLEARED);
	T_CHECK(e && e->bits == (1u << 7));
	/* 5.10 without TPR shadow keeps CR8 exits */
	run("5.10", &s, true, &r);
	T_CHECK((r.cfg.primary & (3u << 19)) == (3u << 19));
	T_CHECK(find_ev(&r, KVM_R_CR8_EXITS_UNDER_TPR, KVM_EV_CLEARED) == NULL);

	/* 32-bit kernel without APIC-access virtualization loses the TPR shadow */
	permissive(&s);
	set(&s, 0x48b, 0xfffffffe00000000ull);
	struct kvm_input in;
	kvm_input_init(&in, &s);
	in.kernel_32bit = true;
	kvm_setup_vmcs_config(kvm_policy_find("7.1"), &in, &r);
	T_EQ_U64(r.cfg.primary & (1u << 21), 0);
	T_CHECK(find_ev(&r, KVM_R_TPR_NEEDS_APIC_ACCESS, KVM_EV_CLEARED) != NULL);
}

static void test_caps(void)
{
	struct vmx_snapshot s;
	static struct kvm_result r;
	permissive(&s);
	/* EPT capabilities without the EPT control: -EIO with error_on_inconsistent_vmcs_config=1 (6.1+) */
	set(&s, 0x48b, 0xfffffffd00000000ull);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	T_EQ_U64(r.events[r.fail_event].rule, KVM_R_EPT_CAP_WITHOUT_EPT);
	/* ... warn and discard with =0; 6.16+ also drop EPT-violation #VE (must-be-1 here to see it) */
	set(&s, 0x48b, 0xfffffffd00040000ull);
	struct kvm_input in;
	kvm_input_init(&in, &s);
	in.error_on_inconsistent_vmcs_config = false;
	in.prove_ve = true;
	kvm_setup_vmcs_config(kvm_policy_find("7.1"), &in, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	T_EQ_U64(r.ept, 0);
	T_EQ_U64(r.cfg.secondary & (1u << 18), 0);
	T_CHECK(find_ev(&r, KVM_R_EPT_CAP_WITHOUT_EPT, KVM_EV_CAP_ZEROED) != NULL);
	/* 6.6 keeps a must-be-1 #VE bit (§7.3) */
	kvm_setup_vmcs_config(kvm_policy_find("6.6"), &in, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	T_EQ_U64(r.cfg.secondary & (1u << 18), 1u << 18);
	/* 5.10 never fails on it */
	run("5.10", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	T_EQ_U64(r.ept, 0);

	/* VPID capabilities without VPID */
	permissive(&s);
	set(&s, 0x48b, 0xffffffdf00000000ull);
	run("6.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	T_EQ_U64(r.events[r.fail_event].rule, KVM_R_VPID_CAP_WITHOUT_VPID);
	run("6.1", &s, false, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	T_EQ_U64(r.vpid, 0);
	T_EQ_U64(r.ept, 0x06334141u);
	/* absent EPT_VPID_CAP MSR: both words 0, no inconsistency */
	drop(&s, 0x48c);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	T_EQ_U64(r.ept | r.vpid, 0);
}

static void test_sgx_and_tertiary(void)
{
	struct vmx_snapshot s;
	static struct kvm_result r;
	permissive(&s);
	struct vmx_cpuid_leaf l12 = { 0x12, 0, 1, 0, 0, 0 };
	vmx_snapshot_set_cpuid(&s, &l12);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.cfg.secondary & (1u << 15), 1u << 15);
	run("5.10", &s, true, &r);
	T_EQ_U64(r.cfg.secondary & (1u << 15), 1u << 15);
	/* max basic leaf below 0x12: SGX leaf ignored */
	s.cpuid[0].eax = 0x11;
	run("7.1", &s, true, &r);
	T_EQ_U64(r.cfg.secondary & (1u << 15), 0);
	/* 5.10 keeps a must-be-1 ENCLS bit without SGX (§7.3), 6.1+ clear it */
	set(&s, 0x48b, 0xffffffff00008000ull);
	run("5.10", &s, true, &r);
	T_EQ_U64(r.cfg.secondary & (1u << 15), 1u << 15);
	run("6.1", &s, true, &r);
	T_EQ_U64(r.cfg.secondary & (1u << 15), 0);

	/* tertiary: absent 0x492 reads 0; allowed-1 without IPI virt gives 0 */
	permissive(&s);
	drop(&s, 0x492);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.cfg.tertiary, 0);
	T_CHECK(find_ev(&r, KVM_R_ADJUST_TERTIARY, KVM_EV_DENIED) != NULL);
	set(&s, 0x492, ~0x10ull);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.cfg.tertiary, 0);
}

static void test_timer_and_errata(void)
{
	struct vmx_snapshot s;
	static struct kvm_result r;
	permissive(&s);
	/* Xeon E3-1220 V2 (0x306A8), with reserved bits 15:14 and 31:28 set: still matches */
	set_sig(&s, 0x000306A8u | (3u << 14) | (0xfu << 28));
	run("7.1", &s, true, &r);
	T_EQ_U64(r.cfg.pin & (1u << 6), 0);
	T_CHECK(find_ev(&r, KVM_R_BROKEN_PREEMPTION_TIMER, KVM_EV_CLEARED) != NULL);
	/* 4.19 does not list it */
	run("4.19", &s, true, &r);
	T_EQ_U64(r.cfg.pin & (1u << 6), 1u << 6);
	/* processor-type bits 13:12 are compared: no match */
	set_sig(&s, 0x000306A8u | (1u << 12));
	run("7.1", &s, true, &r);
	T_EQ_U64(r.cfg.pin & (1u << 6), 1u << 6);

	/* perf-global-ctrl errata: Westmere-EP (family 6 model 0x2C) */
	set_sig(&s, 0x000206C2u);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.cfg.entry & (1u << 13), 0);
	T_EQ_U64(r.cfg.exit & (1u << 12), 0);
	const struct kvm_event *e = find_ev(&r, KVM_R_PERF_GLOBAL_CTRL_ERRATA, KVM_EV_CLEARED);
	T_CHECK(e && e->value == 0x2c);
	run("5.10", &s, true, &r);
	T_EQ_U64(r.cfg.entry & (1u << 13), 0);
	/* 6.1/6.6/4.19 keep the bits in vmcs_config (§7.5) */
	run("6.6", &s, true, &r);
	T_EQ_U64(r.cfg.entry & (1u << 13), 1u << 13);
	/* 6.16+ test Intel only, 5.10 any vendor */
	s.cpuid[0].ebx = 0x68747541; /* "Auth" */
	run("7.1", &s, true, &r);
	T_EQ_U64(r.cfg.entry & (1u << 13), 1u << 13);
	run("5.10", &s, true, &r);
	T_EQ_U64(r.cfg.entry & (1u << 13), 0);
}

static void test_pairs(void)
{
	struct vmx_snapshot s;
	static struct kvm_result r;
	permissive(&s);
	/* entry load-EFER allowed, exit load-EFER not: inconsistent pair */
	set(&s, 0x483, 0xffdfffff00036dffull);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	T_EQ_U64(r.events[r.fail_event].rule, KVM_R_ENTRY_EXIT_PAIRS);
	T_EQ_U64(r.events[r.fail_event].bits, 1u << 15);
	run("7.1", &s, false, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	T_EQ_U64(r.cfg.entry & (1u << 15), 0);
	/* 5.10 has no pair table */
	run("5.10", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	T_EQ_U64(r.cfg.entry & (1u << 15), 1u << 15);
	/* CET pair only from 6.19 */
	permissive(&s);
	set(&s, 0x483, 0xefffffff00036dffull); /* no exit load-CET */
	run("6.19", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	run("6.16", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
}

static void test_basic(void)
{
	struct vmx_snapshot s;
	static struct kvm_result r;
	permissive(&s);
	set(&s, 0x480, (6ull << 50) | (0x1001ull << 32));
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_EIO);
	T_EQ_U64(r.events[r.fail_event].rule, KVM_R_BASIC_VMCS_SIZE);
	set(&s, 0x480, (6ull << 50) | (1ull << 48) | (0x400ull << 32));
	run("7.1", &s, true, &r);
	T_EQ_U64(r.events[r.fail_event].rule, KVM_R_BASIC_32BIT_ADDR);
	struct kvm_input in;
	kvm_input_init(&in, &s);
	in.kernel_32bit = true;
	kvm_setup_vmcs_config(kvm_policy_find("7.1"), &in, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
	set(&s, 0x480, (0ull << 50) | (0x400ull << 32));
	run("5.10", &s, true, &r);
	T_EQ_U64(r.events[r.fail_event].rule, KVM_R_BASIC_MEMTYPE);
	T_EQ_U64(r.events[r.fail_event].value, 0);
	/* VMCS size 0 is not checked by the kernel */
	set(&s, 0x480, 6ull << 50);
	run("7.1", &s, true, &r);
	T_EQ_U64(r.status, KVM_STATUS_OK);
}

static void test_precheck_and_tables(void)
{
	struct vmx_snapshot s;
	permissive(&s);
	T_EQ_U64(kvm_precheck(&s), KVM_PRE_OK);
	set(&s, 0x3a, 0x1);
	T_EQ_U64(kvm_precheck(&s), KVM_PRE_FW_DISABLED);
	set(&s, 0x3a, 0x0); /* unlocked: the kernel enables VMX itself */
	T_EQ_U64(kvm_precheck(&s), KVM_PRE_OK);
	drop(&s, 0x3a);
	T_EQ_U64(kvm_precheck(&s), KVM_PRE_UNKNOWN);
	s.cpuid[1].ecx = 0;
	T_EQ_U64(kvm_precheck(&s), KVM_PRE_NO_VMX);

	/* every rule has a distinct name, a reason and a reference */
	for (int i = 0; i < KVM_R_COUNT; i++) {
		const struct kvm_rule_info *ri = kvm_rule_get((enum kvm_rule)i);
		T_CHECK(ri && ri->id == (enum kvm_rule)i && ri->name && ri->reason && ri->ref);
		for (int j = 0; j < i; j++)
			T_CHECK(!vmx_streq(ri->name, kvm_rule_get((enum kvm_rule)j)->name));
	}
	T_CHECK(kvm_policy_find("7.1") == kvm_policy_at(0));
	T_CHECK(kvm_policy_find("3.10") == NULL);

	/* bit tables: names unique per class and consistent with the constants */
	for (int c = 0; c < VMX_CLASS_COUNT; c++) {
		const struct vmx_class_info *ci = vmx_class_get((enum vmx_class)c);
		T_CHECK(ci != NULL);
		for (size_t i = 0; i < ci->n_bits; i++) {
			T_CHECK(ci->bits[i].bit < ci->width);
			T_CHECK(vmx_bit_by_name((enum vmx_class)c, ci->bits[i].name) == &ci->bits[i]);
			T_CHECK(vmx_bit_get((enum vmx_class)c, ci->bits[i].bit) == &ci->bits[i]);
		}
	}
	T_EQ_U64(VMX_B32(PRIMARY, CR8_LOAD_EXITING), 1u << 19);
	T_EQ_U64(VMX_B32(SECONDARY, ENCLS_EXITING), 1u << 15);
	T_EQ_U64(VMX_B(EPT_VPID, INVVPID), 1ull << 32);
	T_EQ_STR(vmx_bit_get(VMX_CLASS_PRIMARY, 21)->linux_flag, "vtpr");
	T_EQ_STR(vmx_bit_get(VMX_CLASS_PIN, 7)->qemu, "vmx-posted-intr");
	T_EQ_STR(vmx_class_by_name("entry")->title, "VM-entry controls");
	T_EQ_U64(vmx_msr_index(VMX_MSR_PROCBASED3), 0x492);
	T_EQ_U64(vmx_msr_slot(0x3a), VMX_MSR_FEATURE_CONTROL);
	T_EQ_U64((uint64_t)(int64_t)vmx_msr_slot(0x494), (uint64_t)(int64_t)-1);
	T_EQ_U64(vmx_snapshot_set_msr(&s, 0x10, 1), (uint64_t)(int64_t)VMX_ERR_UNKNOWN_MSR);
	T_EQ_U64(vmx_snapshot_set_msr(&s, 0x480, 1), (uint64_t)(int64_t)VMX_ERR_DUPLICATE);
}

int main(void)
{
	test_adjust();
	test_permissive();
	test_missing_required();
	test_tpr_and_apicv();
	test_caps();
	test_sgx_and_tertiary();
	test_timer_and_errata();
	test_pairs();
	test_basic();
	test_precheck_and_tables();
	return T_DONE();
}
