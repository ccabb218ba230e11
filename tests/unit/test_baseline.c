/* SPDX-License-Identifier: MIT */
/* Baseline (capability intersection) and the capability order, on hand-checked values and the embedded profiles. */
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "host/baseline.h"
#include "host/profile.h"
#include "t.h"
#include "t_profile.h"

static struct vmx_snapshot *all;
static size_t n_all;

static void test_self(void)
{
	static struct vmx_baseline b;
	size_t same1 = 0, same2 = 0, covered = 0;
	for (size_t i = 0; i < n_all; i++) {
		vmx_baseline_init(&b);
		vmx_baseline_add(&b, &all[i]);
		same1 += vmx_snapshot_equal(&b.snap, &all[i]);
		vmx_baseline_add(&b, &all[i]);
		same2 += vmx_snapshot_equal(&b.snap, &all[i]);
		covered += vmx_caps_covers(&all[i], &all[i]);
	}
	/* The baseline of a host with itself is itself; a host covers itself. */
	T_EQ_U64(same1, n_all);
	T_EQ_U64(same2, n_all);
	T_EQ_U64(covered, n_all);
}

static void test_pool(void)
{
	static struct vmx_baseline fwd, rev, shuf;
	vmx_baseline_init(&fwd);
	vmx_baseline_init(&rev);
	vmx_baseline_init(&shuf);
	for (size_t i = 0; i < n_all; i++) {
		vmx_baseline_add(&fwd, &all[i]);
		vmx_baseline_add(&rev, &all[n_all - 1 - i]);
		vmx_baseline_add(&shuf, &all[(i * 17 + 5) % n_all]); /* 17 is coprime with the count below */
	}
	T_CHECK(n_all % 17 != 0);
	/* Order independent. */
	T_CHECK(vmx_snapshot_equal(&fwd.snap, &rev.snap));
	T_CHECK(vmx_snapshot_equal(&fwd.snap, &shuf.snap));
	/* Every member offers everything the baseline does. */
	size_t covered = 0;
	for (size_t i = 0; i < n_all; i++) {
		covered += vmx_caps_covers(&all[i], &fwd.snap);
		if (!vmx_caps_covers(&all[i], &fwd.snap))
			fprintf(stderr, "  member %zu does not cover the baseline\n", i);
	}
	T_EQ_U64(covered, n_all);
	/* And the baseline offers no more than the poorest host: its secondary controls are a subset of each. */
	for (size_t i = 0; i < n_all; i++)
		T_CHECK((vmx_allowed1(fwd.snap.msr[VMX_MSR_PROCBASED2]) & ~vmx_allowed1(all[i].msr[VMX_MSR_PROCBASED2])) ==
			0);
}

static void set(struct vmx_snapshot *s, uint32_t idx, uint64_t v)
{
	T_EQ_U64(vmx_snapshot_set_msr(s, idx, v), VMX_OK);
}

static void test_fields(void)
{
	static struct vmx_snapshot a, b;
	vmx_snapshot_init(&a);
	vmx_snapshot_init(&b);
	/* BASIC: revision 4 / 0x12, size 0x400 / 0x800, memtype 6, INS/OUTS only on A, TRUE_CTLS on both. */
	set(&a, 0x480, 0x00d8040000000004ull | (1ull << 54));
	set(&b, 0x480, 0x0098080000000012ull);
	set(&a, 0x481, 0x0000007f00000016ull);
	set(&b, 0x481, 0x0000003f00000017ull); /* b: bit 0 must be 1, no posted interrupts (bit 7)... */
	set(&a, 0x48d, 0x0000007f00000016ull);
	set(&b, 0x48d, 0x0000003f00000017ull);
	/* MISC: rate 5/7, CR3 targets 4/3, MSR list code 0/1, activity HLT on both, wait-SIPI only on a. */
	set(&a, 0x485, 0x0000000000041145ull | (1ull << 8));
	set(&b, 0x485, 0x0000000002030047ull);
	set(&a, 0x486, 0x80000021ull);
	set(&b, 0x486, 0x80000020ull);
	set(&a, 0x487, 0xffffffffull);
	set(&b, 0x487, 0x7fffffffull);
	set(&a, 0x48a, 0x2e);
	set(&b, 0x48a, 0x2a);
	set(&a, 0x48c, 0x0000010106334141ull);
	set(&b, 0x48c, 0x0000000106114141ull);
	set(&a, 0x3a, 0x5);
	set(&b, 0x3a, 0x1); /* locked, VMX disabled */
	static struct vmx_baseline bl;
	vmx_baseline_init(&bl);
	vmx_baseline_add(&bl, &a);
	vmx_baseline_add(&bl, &b);
	const struct vmx_snapshot *s = &bl.snap;
	uint64_t basic = s->msr[VMX_MSR_BASIC];
	T_EQ_U64(vmx_basic_revision(basic), 4);     /* lowest, and flagged */
	T_CHECK(bl.differs_revision);
	T_EQ_U64(vmx_basic_vmcs_size(basic), 0x800); /* the largest region any host needs */
	T_EQ_U64(vmx_basic_mem_type(basic), 6);
	T_EQ_U64(basic >> 54 & 1, 0);               /* INS/OUTS: only on a */
	T_EQ_U64(basic >> 55 & 1, 1);
	/* Controls: allowed-0 union, allowed-1 intersection; bit 0 forced by b and allowed by a: fine. */
	T_EQ_U64(s->msr[VMX_MSR_PINBASED], 0x0000003f00000017ull);
	T_EQ_U64(s->msr[VMX_MSR_TRUE_PINBASED], 0x0000003f00000017ull);
	T_EQ_U64(bl.conflict[VMX_MSR_PINBASED], 0);
	/* MISC: rate 5 (min), CR3 targets 3, MSR list code 0, HLT kept, wait-SIPI dropped. */
	uint64_t misc = s->msr[VMX_MSR_MISC];
	T_EQ_U64(misc & 0x1f, 5);
	T_EQ_U64(misc >> 16 & 0x1ff, 3);
	T_EQ_U64(misc >> 25 & 7, 0);
	T_EQ_U64(misc >> 6 & 1, 1);
	T_EQ_U64(misc >> 8 & 1, 0);
	T_CHECK(bl.differs_timer_rate);
	T_EQ_U64(s->msr[VMX_MSR_CR0_FIXED0], 0x80000021ull);
	T_EQ_U64(s->msr[VMX_MSR_CR0_FIXED1], 0x7fffffffull);
	T_EQ_U64(s->msr[VMX_MSR_VMCS_ENUM], 0x2a);
	T_EQ_U64(s->msr[VMX_MSR_EPT_VPID_CAP], 0x0000000106114141ull & 0x0000010106334141ull);
	T_EQ_U64(s->msr[VMX_MSR_FEATURE_CONTROL], 0x1);
	/* Absent in one host: absent in the baseline. */
	T_CHECK(!vmx_snapshot_has(s, VMX_MSR_PROCBASED2));

	/* A conflict: a forces bit 0 to 0 (allowed-1 clear), b forces it to 1. */
	static struct vmx_snapshot c;
	vmx_snapshot_init(&c);
	set(&c, 0x481, 0x0000007e00000016ull);
	vmx_baseline_add(&bl, &c);
	T_EQ_U64(bl.conflict[VMX_MSR_PINBASED], 1);

	/* Gaps: what a has and b lacks. */
	struct vmx_gap g[VMX_MAX_GAPS];
	size_t n;
	size_t gaps = vmx_caps_gaps(&a, &b, g, VMX_MAX_GAPS, &n);
	int may1_pin = 0, may0_pin = 0, fw = 0, cr3 = 0, fixed0 = 0, fixed1 = 0, note_rev = 0, size = 0;
	for (size_t i = 0; i < n; i++) {
		if (g[i].slot == VMX_MSR_TRUE_PINBASED && g[i].kind == VMX_GAP_MAY1)
			may1_pin = g[i].bits == 0x40; /* preemption timer (bit 6): 0x7f vs 0x3f */
		if (g[i].slot == VMX_MSR_TRUE_PINBASED && g[i].kind == VMX_GAP_MAY0)
			may0_pin = g[i].bits == 0x1;
		fw |= g[i].slot == VMX_MSR_FEATURE_CONTROL;
		cr3 |= g[i].field && !strcmp(g[i].field, "cr3_target_count");
		fixed0 |= g[i].slot == VMX_MSR_CR0_FIXED0; /* b lets bit 0 be 0: that is b's extra, not a gap of a */
		fixed1 |= g[i].slot == VMX_MSR_CR0_FIXED1 && g[i].bits == 0x80000000ull;
		note_rev |= g[i].kind == VMX_GAP_NOTE && !strcmp(g[i].field, "vmcs_revision");
		size |= g[i].field && !strncmp(g[i].field, "vmcs_size", 9);
	}
	T_CHECK(may1_pin);
	T_CHECK(may0_pin);
	T_CHECK(fw);
	T_CHECK(cr3);
	T_CHECK(!fixed0);
	T_CHECK(fixed1);
	T_CHECK(note_rev);
	T_CHECK(size);
	T_CHECK(gaps > 0 && !vmx_caps_covers(&b, &a));
	/* The reverse: b's extras are its CR0 bit 0 freedom and its MSR-list size. */
	vmx_caps_gaps(&b, &a, g, VMX_MAX_GAPS, &n);
	int rf0 = 0, msrlist = 0;
	for (size_t i = 0; i < n; i++) {
		rf0 |= g[i].slot == VMX_MSR_CR0_FIXED0 && g[i].kind == VMX_GAP_FIXED0 && g[i].bits == 1;
		msrlist |= g[i].field && !strcmp(g[i].field, "msr_list_size_code");
	}
	T_CHECK(rf0);
	T_CHECK(msrlist);
}

int main(void)
{
	all = t_load_all_embedded(&n_all);
	test_self();
	test_pool();
	test_fields();
	return T_DONE();
}
