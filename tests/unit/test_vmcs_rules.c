/* SPDX-License-Identifier: MIT */
/*
 * Every rule of sdm-entry-checks.md: a passing and a failing case, each
 * checked for the *exact* set of failed (and warned) rules, so a case that
 * trips a neighbouring rule by accident is caught too.
 */
#include <stdint.h>
#include <stdio.h>

#include <vmxcfg/bits.h>
#include <vmxcfg/vmcs.h>

#include "t.h"

static struct vmx_snapshot S;
static struct vmcs_fields F;
static struct vmcs_result R;
static unsigned MAXPHY = 39;
static uint32_t FLAGS;

#define NO (-1)
#define B(n) (1ull << (n))

static void setmsr(uint32_t idx, uint64_t v)
{
	int slot = vmx_msr_slot(idx);
	S.msr[slot] = v;
	S.msr_present |= 1u << slot;
}

/* A CPU that allows everything, with TRUE MSRs; and fields that pass every rule. */
static void reset(void)
{
	vmx_snapshot_init(&S);
	setmsr(0x480, B(55) | (6ull << 50) | (0x1000ull << 32) | 1);
	setmsr(0x481, 0xffffffff00000016ull);
	setmsr(0x482, 0xffffffff0401e172ull);
	setmsr(0x483, 0xffffffff00036dffull);
	setmsr(0x484, 0xffffffff000011ffull);
	setmsr(0x485, (4ull << 16) | B(30));
	setmsr(0x48b, 0xffffffff00000000ull);
	setmsr(0x48c, B(6) | B(7) | B(8) | B(14) | B(21) | B(23) | (0x3full << 48));
	setmsr(0x48d, 0xffffffff00000000ull);
	setmsr(0x48e, 0xffffffff00000000ull);
	setmsr(0x48f, 0xffffffff00000000ull);
	setmsr(0x490, 0xffffffff00000000ull);
	setmsr(0x491, ~0ull);
	setmsr(0x492, ~0ull);
	setmsr(0x493, ~0ull);
	vmcs_fields_init(&F);
	F.known = VMCS_KNOWN_ALL;
	F.v[VMCS_F_LINK_POINTER] = ~0ull;
	F.v[VMCS_F_GUEST_RFLAGS] = 0x202;
	MAXPHY = 39;
	FLAGS = 0;
}

static uint64_t mask(int rule)
{
	return rule < 0 ? 0 : B(rule);
}

/* Validate and compare the failed/warned rule sets with the expectation. */
static void expect_(const char *what, int line, int fail_rule, int warn_rule)
{
	int rc = vmcs_check(&S, MAXPHY, &F, FLAGS, &R);
	uint64_t want_f = mask(fail_rule), want_w = mask(warn_rule);
	if (rc != VMX_OK || R.failed[0] != want_f || R.warned[0] != want_w || R.failed[1] || R.warned[1] ||
	    (R.n_errors == 0) != (want_f == 0)) {
		unsigned i;
		t_fail_++;
		fprintf(stderr, "line %d: %s: rc %d, failed 0x%llx (want 0x%llx), warned 0x%llx (want 0x%llx)\n", line,
			what, rc, (unsigned long long)R.failed[0], (unsigned long long)want_f,
			(unsigned long long)R.warned[0], (unsigned long long)want_w);
		for (i = 0; i < R.n; i++)
			fprintf(stderr, "   %s kind %u detail %s field %u bits 0x%llx\n", vmcs_rule_get(R.f[i].rule)->id,
				R.f[i].kind, vmcs_detail_text(R.f[i].detail), R.f[i].field,
				(unsigned long long)R.f[i].bits);
	} else {
		t_pass_++;
	}
}
#define PASS(what) expect_(what, __LINE__, NO, NO)
#define FAIL(rule, what) expect_(what, __LINE__, VMCS_R_##rule, NO)
#define WARN(rule, what) expect_(what, __LINE__, NO, VMCS_R_##rule)

#define PIN_(x) VMX_B(PIN, x)
#define PRI_(x) VMX_B(PRIMARY, x)
#define SEC_(x) VMX_B(SECONDARY, x)
#define TER_(x) VMX_B(TERTIARY, x)
#define EXI_(x) VMX_B(EXIT, x)
#define ENT_(x) VMX_B(ENTRY, x)
#define V(f) F.v[VMCS_F_##f]
#define SECON(bits) (V(PRIMARY) |= PRI_(SECONDARY_CONTROLS), V(SECONDARY) |= (bits))
#define EPTP_OK (0x5000u | 6u | (3u << 3))

/* First finding of a rule (NULL if none). */
static const struct vmcs_finding *find(enum vmcs_rule r)
{
	unsigned i;
	for (i = 0; i < R.n; i++)
		if (R.f[i].rule == r)
			return &R.f[i];
	return NULL;
}

static void cap_rules(void)
{
	const struct vmcs_finding *x;

	reset();
	PASS("base: nothing enabled");

	/* CAP-01 */
	reset(); setmsr(0x48d, 0x0000007f00000016ull); V(PIN) = 0x17; PASS("CAP-01 fits TRUE_PINBASED");
	reset(); setmsr(0x48d, 0x0000003f00000016ull); V(PIN) = 0x56; FAIL(CAP_01, "CAP-01 bit 6 not allowed");
	x = find(VMCS_R_CAP_01);
	T_CHECK(x && x->detail == VMCS_D_SET_NOT_ALLOWED && x->bits == 0x40 && x->field == VMCS_F_PIN);
	reset(); setmsr(0x48d, 0x0000007f00000016ull); V(PIN) = 0x06; FAIL(CAP_01, "CAP-01 default1 bit 4 cleared");
	x = find(VMCS_R_CAP_01);
	T_CHECK(x && x->detail == VMCS_D_CLEAR_REQUIRED && x->bits == 0x10);

	/* CAP-02, and the TRUE-vs-legacy choice by IA32_VMX_BASIC[55] */
	reset(); setmsr(0x48e, 0xfff9fffe04006172ull); V(PRIMARY) = 0x04006172; PASS("CAP-02 TRUE allows CR3 exits 0");
	reset(); setmsr(0x48e, 0xfff9fffe04006172ull); V(PRIMARY) = 0x04006173; FAIL(CAP_02, "CAP-02 bit 0 reserved");
	reset(); setmsr(0x480, (6ull << 50) | (0x1000ull << 32) | 1); setmsr(0x482, 0xfff9fffe0401e172ull);
	V(PRIMARY) = 0x04006172; V(PIN) = 0x16; V(EXIT) = 0x36dff; V(ENTRY) = 0x11ff;
	FAIL(CAP_02, "CAP-02 BASIC[55]=0: legacy MSR forces CR3 exits");
	x = find(VMCS_R_CAP_02);
	T_CHECK(x && x->detail == VMCS_D_CLEAR_REQUIRED && x->bits == 0x18000);
	reset(); setmsr(0x48e, 0xfff9fffe04006172ull); setmsr(0x482, 0xfff9fffe0401e172ull); V(PRIMARY) = 0x04006172;
	PASS("CAP-02 BASIC[55]=1: legacy MSR ignored");

	/* BASIC[55] = 1 but the TRUE MSR missing from the snapshot (partial capture): legacy MSR, default1 bits undecided */
	reset(); S.msr_present &= ~(1u << VMX_MSR_TRUE_PROCBASED); setmsr(0x482, 0xfff9fffe0401e172ull);
	V(PRIMARY) = 0x04006172; WARN(CAP_02, "CAP-02 TRUE MSR missing: cleared CR3 exits are undecided");
	x = find(VMCS_R_CAP_02);
	T_CHECK(x && x->kind == VMCS_K_UNDECIDED && x->detail == VMCS_D_CAP_UNKNOWN && x->bits == 0x18000);
	reset(); S.msr_present &= ~(1u << VMX_MSR_TRUE_PROCBASED); setmsr(0x482, 0xfff9fffe0401e1f2ull);
	V(PRIMARY) = 0x0401e172; FAIL(CAP_02, "CAP-02 TRUE MSR missing: a non-default1 must-be-1 bit still fails");
	reset(); S.msr_present &= ~(1u << VMX_MSR_TRUE_PROCBASED); setmsr(0x482, 0xfff9fffe0401e172ull);
	V(PRIMARY) = 0x0401e172; PASS("CAP-02 TRUE MSR missing: all default1 bits set passes");

	/* CAP-03 */
	reset(); setmsr(0x48b, 0x0000000800000000ull); SECON(SEC_(RDTSCP)); PASS("CAP-03 RDTSCP allowed");
	reset(); setmsr(0x48b, 0x0000000800000000ull); SECON(SEC_(WBINVD_EXITING)); FAIL(CAP_03, "CAP-03 WBINVD not allowed");
	reset(); setmsr(0x48b, 0); V(SECONDARY) = 0xffffffff; PASS("CAP-03 secondary ignored while PROC[31]=0");

	/* CAP-04 */
	reset(); setmsr(0x492, 1); V(PRIMARY) = PRI_(TERTIARY_CONTROLS); V(TERTIARY) = 1; PASS("CAP-04 LOADIWKEY allowed");
	reset(); setmsr(0x492, 1); V(PRIMARY) = PRI_(TERTIARY_CONTROLS); V(TERTIARY) = 0x80; FAIL(CAP_04, "CAP-04 bit 7");
	reset(); setmsr(0x492, 0); V(TERTIARY) = ~0ull; PASS("CAP-04 tertiary ignored while PROC[17]=0");

	/* CAP-05 */
	reset(); setmsr(0x48f, 0xbfffffff00000000ull); V(EXIT) = EXI_(LOAD_EFER); PASS("CAP-05 allowed");
	reset(); setmsr(0x48f, 0xbfffffff00000000ull); V(EXIT) = EXI_(SAVE_PERF_GLOBAL_CTRL); FAIL(CAP_05, "CAP-05 bit 30");
	reset(); setmsr(0x48f, 0xffffffff00000004ull); V(EXIT) = 0; FAIL(CAP_05, "CAP-05 must-be-1 bit 2");

	/* CAP-06 */
	reset(); setmsr(0x493, 3); V(EXIT) = EXI_(SECONDARY_CONTROLS); V(EXIT2) = 1; PASS("CAP-06 allowed");
	reset(); setmsr(0x493, 3); V(EXIT) = EXI_(SECONDARY_CONTROLS); V(EXIT2) = 0x10; FAIL(CAP_06, "CAP-06 bit 4");
	reset(); setmsr(0x493, 0); V(EXIT2) = ~0ull; PASS("CAP-06 ignored while EXIT[31]=0");

	/* CAP-07 */
	reset(); setmsr(0x490, 0xffbfffff00000000ull); V(ENTRY) = ENT_(LOAD_PAT); PASS("CAP-07 allowed");
	reset(); setmsr(0x490, 0xffbfffff00000000ull); V(ENTRY) = ENT_(LOAD_PKRS); FAIL(CAP_07, "CAP-07 bit 22");

	/* CAP-08 */
	reset(); setmsr(0x491, 3); SECON(SEC_(VMFUNC)); V(VMFUNC_CONTROLS) = 2; PASS("CAP-08 allowed");
	reset(); setmsr(0x491, 3); SECON(SEC_(VMFUNC)); V(VMFUNC_CONTROLS) = 4; FAIL(CAP_08, "CAP-08 bit 2");
	reset(); setmsr(0x491, 0); SECON(0); V(VMFUNC_CONTROLS) = ~0ull; PASS("CAP-08 ignored while SEC[13]=0");
}

static void exec_rules(void)
{
	/* EXEC-01 */
	reset(); V(CR3_TARGET_COUNT) = 4; PASS("EXEC-01 count = MISC max");
	reset(); V(CR3_TARGET_COUNT) = 5; FAIL(EXEC_01, "EXEC-01 count > max");
	reset(); V(CR3_TARGET_COUNT) = 0xffffffffu; FAIL(EXEC_01, "EXEC-01 count -1 (unsigned)");

	/* EXEC-02 */
	reset(); V(PRIMARY) = PRI_(IO_BITMAPS); V(IO_BITMAP_A) = 0x1000; V(IO_BITMAP_B) = 0x2000; PASS("EXEC-02 ok");
	reset(); V(PRIMARY) = PRI_(IO_BITMAPS); V(IO_BITMAP_B) = 0x2001; FAIL(EXEC_02, "EXEC-02 B misaligned");
	reset(); V(PRIMARY) = PRI_(IO_BITMAPS); V(IO_BITMAP_A) = B(39); FAIL(EXEC_02, "EXEC-02 A beyond width 39");
	reset(); V(PRIMARY) = PRI_(IO_BITMAPS); V(IO_BITMAP_A) = B(39); MAXPHY = 40; PASS("EXEC-02 A fits width 40");
	reset(); V(IO_BITMAP_A) = 1; V(IO_BITMAP_B) = ~0ull; PASS("EXEC-02 addresses ignored without I/O bitmaps");
	reset(); setmsr(0x480, B(55) | B(48)); V(PRIMARY) = PRI_(IO_BITMAPS); V(IO_BITMAP_A) = B(32); MAXPHY = 46;
	FAIL(EXEC_02, "EXEC-02 BASIC[48] limits addresses to 32 bits");

	/* EXEC-03 */
	reset(); V(PRIMARY) = PRI_(MSR_BITMAPS); V(MSR_BITMAP) = 0x3000; PASS("EXEC-03 ok");
	reset(); V(PRIMARY) = PRI_(MSR_BITMAPS); V(MSR_BITMAP) = 0x3800; FAIL(EXEC_03, "EXEC-03 misaligned");

	/* EXEC-04 */
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); V(VIRTUAL_APIC_ADDR) = 0x4000; PASS("EXEC-04 ok");
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); V(VIRTUAL_APIC_ADDR) = 0x4004; FAIL(EXEC_04, "EXEC-04 misaligned");

	/* EXEC-05 */
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); V(TPR_THRESHOLD) = 0x10; FAIL(EXEC_05, "EXEC-05 bits 31:4");
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); SECON(SEC_(VIRT_INTR_DELIVERY)); V(PIN) = PIN_(EXT_INTR_EXITING);
	V(TPR_THRESHOLD) = 0x10; PASS("EXEC-05 not checked with virtual-interrupt delivery");

	/* EXEC-06 */
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); V(TPR_THRESHOLD) = 5; V(VTPR) = 0x40; FAIL(EXEC_06, "EXEC-06 5 > 4");
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); V(TPR_THRESHOLD) = 5; V(VTPR) = 0x50; PASS("EXEC-06 5 <= 5");
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); SECON(SEC_(VIRT_APIC_ACCESSES)); V(TPR_THRESHOLD) = 5; V(VTPR) = 0x40;
	PASS("EXEC-06 not checked with APIC-access virtualization");
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); V(TPR_THRESHOLD) = 5; F.known &= ~VMCS_BIT(VTPR);
	WARN(EXEC_06, "EXEC-06 undecided without VTPR");
	T_CHECK(find(VMCS_R_EXEC_06) && find(VMCS_R_EXEC_06)->kind == VMCS_K_UNDECIDED);

	/* EXEC-07, EXEC-08 */
	reset(); V(PIN) = PIN_(VIRTUAL_NMIS); FAIL(EXEC_07, "EXEC-07 vNMI without NMI exiting");
	reset(); V(PIN) = PIN_(VIRTUAL_NMIS) | PIN_(NMI_EXITING); PASS("EXEC-07 vNMI with NMI exiting");
	reset(); V(PRIMARY) = PRI_(NMI_WINDOW_EXITING); FAIL(EXEC_08, "EXEC-08 NMI window without vNMI");
	reset(); V(PRIMARY) = PRI_(NMI_WINDOW_EXITING); V(PIN) = PIN_(VIRTUAL_NMIS) | PIN_(NMI_EXITING);
	PASS("EXEC-08 NMI window with vNMI");

	/* EXEC-09 */
	reset(); SECON(SEC_(VIRT_APIC_ACCESSES)); V(APIC_ACCESS_ADDR) = 0xfee00000u; PASS("EXEC-09 ok");
	reset(); SECON(SEC_(VIRT_APIC_ACCESSES)); V(APIC_ACCESS_ADDR) = 0xfee00010u; FAIL(EXEC_09, "EXEC-09 misaligned");

	/* EXEC-10 */
	reset(); SECON(SEC_(APIC_REGISTER_VIRT)); FAIL(EXEC_10, "EXEC-10 APIC-register virt without TPR shadow");
	reset(); SECON(SEC_(APIC_REGISTER_VIRT)); V(PRIMARY) |= PRI_(TPR_SHADOW); PASS("EXEC-10 with TPR shadow");

	/* EXEC-11 */
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); SECON(SEC_(VIRT_X2APIC) | SEC_(VIRT_APIC_ACCESSES));
	FAIL(EXEC_11, "EXEC-11 x2APIC and APIC accesses");
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); SECON(SEC_(VIRT_X2APIC)); PASS("EXEC-11 x2APIC alone");

	/* EXEC-12 */
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); SECON(SEC_(VIRT_INTR_DELIVERY)); FAIL(EXEC_12, "EXEC-12 VID without ext-int exiting");
	reset(); V(PRIMARY) = PRI_(TPR_SHADOW); SECON(SEC_(VIRT_INTR_DELIVERY)); V(PIN) = PIN_(EXT_INTR_EXITING);
	PASS("EXEC-12 VID with ext-int exiting");

	/* EXEC-13a..d */
#define PI_OK() (reset(), V(PRIMARY) = PRI_(TPR_SHADOW), SECON(SEC_(VIRT_INTR_DELIVERY)), \
		  V(PIN) = PIN_(EXT_INTR_EXITING) | PIN_(POSTED_INTR), V(EXIT) = EXI_(ACK_INTR_ON_EXIT), \
		  V(POSTED_INTR_NV) = 0xf2, V(PI_DESC_ADDR) = 0x40)
	PI_OK(); PASS("EXEC-13 posted interrupts ok");
	PI_OK(); V(SECONDARY) = 0; FAIL(EXEC_13A, "EXEC-13a without VID");
	PI_OK(); V(EXIT) = 0; FAIL(EXEC_13B, "EXEC-13b without ack-on-exit");
	PI_OK(); V(POSTED_INTR_NV) = 0x1f2; FAIL(EXEC_13C, "EXEC-13c vector > 255");
	PI_OK(); V(PI_DESC_ADDR) = 0x20; FAIL(EXEC_13D, "EXEC-13d not 64-byte aligned");
	PI_OK(); V(PI_DESC_ADDR) = B(45); FAIL(EXEC_13D, "EXEC-13d beyond width");
	PI_OK(); V(PI_DESC_ADDR) = 0xc000; PASS("EXEC-13d 0xc000");

	/* EXEC-14 */
	reset(); SECON(SEC_(VPID)); V(VPID) = 0; FAIL(EXEC_14, "EXEC-14 VPID 0");
	reset(); SECON(SEC_(VPID)); V(VPID) = 1; PASS("EXEC-14 VPID 1");

	/* EXEC-15a..e */
	reset(); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK; PASS("EXEC-15 EPTP WB 4-level");
	reset(); SECON(SEC_(EPT)); V(EPTP) = (EPTP_OK & ~7u) | 1; FAIL(EXEC_15A, "EXEC-15a memory type 1");
	reset(); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK & ~7u; PASS("EXEC-15a UC allowed by cap");
	reset(); setmsr(0x48c, B(6) | B(14)); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK & ~7u; FAIL(EXEC_15A, "EXEC-15a UC not in cap");
	reset(); SECON(SEC_(EPT)); V(EPTP) = (EPTP_OK & ~0x38u) | (2u << 3); FAIL(EXEC_15B, "EXEC-15b 3-level walk");
	reset(); SECON(SEC_(EPT)); V(EPTP) = (EPTP_OK & ~0x38u) | (4u << 3); PASS("EXEC-15b 5-level with cap");
	reset(); setmsr(0x48c, B(6) | B(14)); SECON(SEC_(EPT)); V(EPTP) = (EPTP_OK & ~0x38u) | (4u << 3);
	FAIL(EXEC_15B, "EXEC-15b 5-level without cap");
	reset(); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK | 0x40; PASS("EXEC-15c A/D with cap");
	reset(); setmsr(0x48c, B(6) | B(14)); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK | 0x40; FAIL(EXEC_15C, "EXEC-15c A/D without cap");
	reset(); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK | 0x80; PASS("EXEC-15d SSS with cap");
	reset(); setmsr(0x48c, B(6) | B(14)); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK | 0x80; FAIL(EXEC_15D, "EXEC-15d SSS without cap");
	reset(); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK | 0x100; FAIL(EXEC_15E, "EXEC-15e bit 8");
	reset(); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK | B(39); FAIL(EXEC_15E, "EXEC-15e bit 39 beyond width");
	reset(); V(EPTP) = 7; PASS("EXEC-15 EPTP ignored without EPT");

	/* EXEC-16 */
	reset(); SECON(SEC_(EPT) | SEC_(PML)); V(EPTP) = EPTP_OK; V(PML_ADDRESS) = 0x6000; PASS("EXEC-16 PML ok");
	reset(); SECON(SEC_(PML)); V(PML_ADDRESS) = 0x6000; FAIL(EXEC_16, "EXEC-16 PML without EPT");
	reset(); SECON(SEC_(EPT) | SEC_(PML)); V(EPTP) = EPTP_OK; V(PML_ADDRESS) = 0x6008; FAIL(EXEC_16, "EXEC-16 misaligned");

	/* EXEC-17, EXEC-18 */
	reset(); SECON(SEC_(UNRESTRICTED_GUEST)); FAIL(EXEC_17, "EXEC-17 UG without EPT");
	reset(); SECON(SEC_(UNRESTRICTED_GUEST) | SEC_(EPT)); V(EPTP) = EPTP_OK; PASS("EXEC-17 UG with EPT");
	reset(); SECON(SEC_(MODE_BASED_EPT_EXEC)); FAIL(EXEC_18, "EXEC-18 MBEC without EPT");
	reset(); SECON(SEC_(MODE_BASED_EPT_EXEC) | SEC_(EPT)); V(EPTP) = EPTP_OK; PASS("EXEC-18 MBEC with EPT");

	/* EXEC-19 */
	reset(); SECON(SEC_(VMFUNC) | SEC_(EPT)); V(EPTP) = EPTP_OK; V(VMFUNC_CONTROLS) = 1; V(EPTP_LIST_ADDR) = 0x7000;
	PASS("EXEC-19 EPTP switching ok");
	reset(); SECON(SEC_(VMFUNC)); V(VMFUNC_CONTROLS) = 1; V(EPTP_LIST_ADDR) = 0x7000; FAIL(EXEC_19, "EXEC-19 without EPT");
	reset(); SECON(SEC_(VMFUNC) | SEC_(EPT)); V(EPTP) = EPTP_OK; V(VMFUNC_CONTROLS) = 1; V(EPTP_LIST_ADDR) = 0x7010;
	FAIL(EXEC_19, "EXEC-19 list misaligned");

	/* EXEC-20 */
	reset(); SECON(SEC_(SHADOW_VMCS)); V(VMREAD_BITMAP) = 0x8000; V(VMWRITE_BITMAP) = 0x9000; PASS("EXEC-20 ok");
	reset(); SECON(SEC_(SHADOW_VMCS)); V(VMREAD_BITMAP) = 0x8000; V(VMWRITE_BITMAP) = 0x9100; FAIL(EXEC_20, "EXEC-20 VMWRITE misaligned");

	/* EXEC-21 */
	reset(); SECON(SEC_(EPT_VIOLATION_VE)); V(VE_INFO_ADDR) = 0xa000; PASS("EXEC-21 ok");
	reset(); SECON(SEC_(EPT_VIOLATION_VE)); V(VE_INFO_ADDR) = 0xa001; FAIL(EXEC_21, "EXEC-21 misaligned");

	/* EXEC-22 */
	reset(); SECON(SEC_(SPP) | SEC_(EPT)); V(EPTP) = EPTP_OK; V(SPPTP) = 0xb000; PASS("EXEC-22 ok");
	reset(); SECON(SEC_(SPP)); V(SPPTP) = 0xb000; FAIL(EXEC_22, "EXEC-22 SPP without EPT");
	reset(); SECON(SEC_(SPP) | SEC_(EPT)); V(EPTP) = EPTP_OK; V(SPPTP) = B(50); FAIL(EXEC_22, "EXEC-22 beyond width");

	/* EXEC-23 */
	reset(); V(EXIT) = EXI_(SAVE_PREEMPTION_TIMER); FAIL(EXEC_23, "EXEC-23 save timer without timer");
	reset(); V(EXIT) = EXI_(SAVE_PREEMPTION_TIMER); V(PIN) = PIN_(PREEMPTION_TIMER); PASS("EXEC-23 with timer");

	/* EXEC-24: no check beyond CAP-03 */
	reset(); SECON(SEC_(ENCLS_EXITING) | SEC_(ENCLV_EXITING)); PASS("EXEC-24 ENCLS/ENCLV exiting allowed");
	reset(); setmsr(0x48b, 0); SECON(SEC_(ENCLS_EXITING)); FAIL(CAP_03, "EXEC-24 only CAP-03 can reject ENCLS exiting");

	/* EXEC-25 (unverified: warning) */
	reset(); V(PRIMARY) = PRI_(TERTIARY_CONTROLS); V(TERTIARY) = TER_(HLAT); WARN(EXEC_25, "EXEC-25 HLAT without EPT");
	reset(); V(PRIMARY) = PRI_(TERTIARY_CONTROLS); V(TERTIARY) = TER_(HLAT); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK;
	V(HLATP) = 0xc000; V(HLAT_PREFIX_SIZE) = 2; PASS("EXEC-25 HLAT ok");
	reset(); V(PRIMARY) = PRI_(TERTIARY_CONTROLS); V(TERTIARY) = TER_(HLAT); SECON(SEC_(EPT)); V(EPTP) = EPTP_OK;
	V(HLATP) = 0xc000; V(HLAT_PREFIX_SIZE) = 2; setmsr(0x48c, B(6) | B(14) | (1ull << 48));
	WARN(EXEC_25, "EXEC-25 HLAT prefix size above cap");
	reset(); SECON(SEC_(PT_USE_GPA)); WARN(EXEC_25, "EXEC-25 PT uses GPA without EPT and RTIT controls");
	reset(); SECON(SEC_(PT_USE_GPA) | SEC_(EPT)); V(EPTP) = EPTP_OK; V(ENTRY) = ENT_(LOAD_RTIT_CTL);
	V(EXIT) = EXI_(CLEAR_RTIT_CTL); PASS("EXEC-25 PT uses GPA ok");
	reset(); SECON(SEC_(PT_USE_GPA)); FLAGS = VMCS_CHECK_NO_WARNINGS; PASS("EXEC-25 switched off with warnings");

	/* EXEC-26 (peer-only: warning) */
	reset(); SECON(SEC_(TSC_SCALING)); V(TSC_MULTIPLIER) = 0; WARN(EXEC_26, "EXEC-26 multiplier 0");
	reset(); SECON(SEC_(TSC_SCALING)); V(TSC_MULTIPLIER) = B(48); PASS("EXEC-26 multiplier 1.0");
}

static void exit_entry_rules(void)
{
	const struct vmcs_finding *x;

	/* EXIT-01 / EXIT-02 / ENTRY-07: MSR areas */
	reset(); V(EXIT_MSR_STORE_COUNT) = 2; V(EXIT_MSR_STORE_ADDR) = 0x1000; PASS("EXIT-01 ok");
	reset(); V(EXIT_MSR_STORE_COUNT) = 2; V(EXIT_MSR_STORE_ADDR) = 0x1008; FAIL(EXIT_01, "EXIT-01 misaligned");
	reset(); V(EXIT_MSR_STORE_COUNT) = 2; V(EXIT_MSR_STORE_ADDR) = B(39) - 16; FAIL(EXIT_01, "EXIT-01 last byte beyond");
	x = find(VMCS_R_EXIT_01);
	T_CHECK(x && x->detail == VMCS_D_AREA_END_BEYOND);
	reset(); V(EXIT_MSR_STORE_COUNT) = 2; V(EXIT_MSR_STORE_ADDR) = B(39) - 32; PASS("EXIT-01 last byte at the top");
	reset(); V(EXIT_MSR_STORE_COUNT) = 0; V(EXIT_MSR_STORE_ADDR) = 7; PASS("EXIT-01 count 0: address ignored");
	reset(); V(EXIT_MSR_LOAD_COUNT) = 1; V(EXIT_MSR_LOAD_ADDR) = 0x2000; PASS("EXIT-02 ok");
	reset(); V(EXIT_MSR_LOAD_COUNT) = 1; V(EXIT_MSR_LOAD_ADDR) = B(40); FAIL(EXIT_02, "EXIT-02 beyond width");
	reset(); V(ENTRY_MSR_LOAD_COUNT) = 3; V(ENTRY_MSR_LOAD_ADDR) = 0x3010; PASS("ENTRY-07 ok");
	reset(); V(ENTRY_MSR_LOAD_COUNT) = 3; V(ENTRY_MSR_LOAD_ADDR) = 0x3004; FAIL(ENTRY_07, "ENTRY-07 misaligned");
	reset(); V(ENTRY_MSR_LOAD_COUNT) = 0xffffffffu; V(ENTRY_MSR_LOAD_ADDR) = B(39) - 0x1000;
	expect_("ENTRY-07 huge count runs past the width (and INFO-MSRLIST)", __LINE__, VMCS_R_ENTRY_07, VMCS_R_INFO_MSRLIST);

	/* INFO-MSRLIST (advisory) */
	reset(); V(EXIT_MSR_LOAD_COUNT) = 512; V(EXIT_MSR_LOAD_ADDR) = 0x2000; PASS("INFO-MSRLIST 512 entries");
	reset(); V(EXIT_MSR_LOAD_COUNT) = 513; V(EXIT_MSR_LOAD_ADDR) = 0x2000; WARN(INFO_MSRLIST, "INFO-MSRLIST 513 entries");

	/* ENTRY-01 */
#define INJ(type, vec, dec) (V(ENTRY_INTR_INFO) = 0x80000000u | ((type) << 8) | (vec) | ((dec) ? 0x800u : 0))
	reset(); INJ(1, 0, 0); FAIL(ENTRY_01, "ENTRY-01 type 1");
	reset(); INJ(7, 0, 0); PASS("ENTRY-01 type 7 with MTF support");
	reset(); setmsr(0x48e, 0xf7ffffff00000000ull); INJ(7, 0, 0); FAIL(ENTRY_01, "ENTRY-01 type 7 without MTF");
	reset(); V(ENTRY_INTR_INFO) = 0x100; PASS("ENTRY-01 invalid type ignored when not valid");

	/* ENTRY-02 */
	reset(); INJ(2, 3, 0); FAIL(ENTRY_02, "ENTRY-02 NMI vector 3");
	reset(); INJ(2, 2, 0); PASS("ENTRY-02 NMI vector 2");
	reset(); INJ(3, 32, 0); FAIL(ENTRY_02, "ENTRY-02 exception vector 32");
	reset(); INJ(3, 31, 0); PASS("ENTRY-02 exception vector 31");
	reset(); INJ(7, 1, 0); FAIL(ENTRY_02, "ENTRY-02 type 7 vector 1 without FRED");
	reset(); INJ(7, 1, 0); V(ENTRY) = ENT_(IA32E_MODE); V(EXIT) = EXI_(HOST_ADDR_SPACE_SIZE);
	V(GUEST_CR0) = 0x80000001u; V(GUEST_CR4) = B(32) | 0x20; V(ENTRY_INSTR_LEN) = 2;
	PASS("ENTRY-02 type 7 vector 1 with FRED guest");

	/* ENTRY-03 */
	reset(); INJ(3, 13, 0); FAIL(ENTRY_03, "ENTRY-03 #GP without error code");
	x = find(VMCS_R_ENTRY_03);
	T_CHECK(x && x->detail == VMCS_D_BIT_MUST_BE_1);
	reset(); INJ(3, 13, 1); PASS("ENTRY-03 #GP with error code");
	reset(); INJ(3, 6, 1); FAIL(ENTRY_03, "ENTRY-03 #UD with error code");
	reset(); INJ(0, 0x20, 1); FAIL(ENTRY_03, "ENTRY-03 external interrupt with error code");
	reset(); setmsr(0x480, B(55) | B(56)); INJ(3, 13, 0); PASS("ENTRY-03 BASIC[56]: #GP without error code");
	reset(); setmsr(0x480, B(55) | B(56)); INJ(3, 6, 1); PASS("ENTRY-03 BASIC[56]: #UD with error code");
	reset(); SECON(SEC_(UNRESTRICTED_GUEST) | SEC_(EPT)); V(EPTP) = EPTP_OK; V(GUEST_CR0) = 0; INJ(3, 13, 1);
	FAIL(ENTRY_03, "ENTRY-03 real-mode guest: no error code");
	reset(); SECON(SEC_(UNRESTRICTED_GUEST) | SEC_(EPT)); V(EPTP) = EPTP_OK; V(GUEST_CR0) = 0; INJ(3, 13, 0);
	PASS("ENTRY-03 real-mode guest #GP without error code");
	reset(); SECON(SEC_(UNRESTRICTED_GUEST) | SEC_(EPT)); V(EPTP) = EPTP_OK; F.known &= ~VMCS_BIT(GUEST_CR0); INJ(3, 13, 1);
	WARN(ENTRY_03, "ENTRY-03 undecided without guest CR0");

	/* ENTRY-04 */
	reset(); INJ(3, 13, 1); V(ENTRY_INTR_INFO) |= 0x1000; FAIL(ENTRY_04, "ENTRY-04 bit 12");
	reset(); setmsr(0x480, B(55) | B(58)); INJ(3, 13, 1); V(ENTRY_INTR_INFO) |= 0x2000; PASS("ENTRY-04 bit 13 with BASIC[58]");
	reset(); INJ(3, 13, 1); V(ENTRY_INTR_INFO) |= 0x2000; FAIL(ENTRY_04, "ENTRY-04 bit 13 without BASIC[58]");

	/* ENTRY-05 */
	reset(); INJ(3, 13, 1); V(ENTRY_EXC_ERRCODE) = 0x10000; FAIL(ENTRY_05, "ENTRY-05 bit 16");
	reset(); INJ(3, 13, 1); V(ENTRY_EXC_ERRCODE) = 0x7fff; PASS("ENTRY-05 bits 14:0");
	reset(); INJ(3, 13, 1); V(ENTRY_EXC_ERRCODE) = 0x8000; WARN(ENTRY_05, "ENTRY-05 bit 15: warning by default");
	reset(); INJ(3, 13, 1); V(ENTRY_EXC_ERRCODE) = 0x8000; FLAGS = VMCS_CHECK_STRICT_ERRCODE;
	FAIL(ENTRY_05, "ENTRY-05 bit 15: error with the strict option");

	/* ENTRY-06 */
	reset(); INJ(4, 0x80, 0); V(ENTRY_INSTR_LEN) = 2; PASS("ENTRY-06 INT 80h length 2");
	reset(); INJ(4, 0x80, 0); V(ENTRY_INSTR_LEN) = 16; FAIL(ENTRY_06, "ENTRY-06 length 16");
	reset(); INJ(6, 3, 0); V(ENTRY_INSTR_LEN) = 0; PASS("ENTRY-06 length 0 with MISC[30]");
	reset(); setmsr(0x485, 4ull << 16); INJ(6, 3, 0); V(ENTRY_INSTR_LEN) = 0; FAIL(ENTRY_06, "ENTRY-06 length 0 without MISC[30]");

	/* ENTRY-08, ENTRY-09 */
	reset(); V(ENTRY) = ENT_(DEACT_DUAL_MONITOR); FAIL(ENTRY_08, "ENTRY-08 outside SMM");
	reset(); V(ENTRY) = ENT_(DEACT_DUAL_MONITOR); FLAGS = VMCS_CHECK_IN_SMM; PASS("ENTRY-08 in SMM");
	reset(); V(ENTRY) = ENT_(DEACT_DUAL_MONITOR) | ENT_(SMM); FLAGS = VMCS_CHECK_IN_SMM; FAIL(ENTRY_09, "ENTRY-09 both");
}

static void related_rules(void)
{
	/* X-01 .. X-04 (not error 7: warnings) */
	reset(); V(ENTRY) = ENT_(IA32E_MODE); V(GUEST_CR0) = 0x80000001u; V(GUEST_CR4) = 0x20;
	WARN(X_01, "X-01 IA-32e guest with a 32-bit host");
	reset(); V(ENTRY) = ENT_(IA32E_MODE); V(EXIT) = EXI_(HOST_ADDR_SPACE_SIZE); V(GUEST_CR0) = 0x80000001u;
	V(GUEST_CR4) = 0x20; FLAGS = VMCS_CHECK_HOST_64; PASS("X-01 64-bit host, 64-bit guest");
	reset(); FLAGS = VMCS_CHECK_HOST_64; WARN(X_01, "X-01 64-bit host needs host address-space size");
	reset(); V(EXIT) = EXI_(HOST_ADDR_SPACE_SIZE); FLAGS = VMCS_CHECK_HOST_32; WARN(X_01, "X-01 32-bit host");
	reset(); V(ENTRY) = ENT_(IA32E_MODE); V(EXIT) = EXI_(HOST_ADDR_SPACE_SIZE); WARN(X_02, "X-02 64-bit guest, CR0.PG=0");
	reset(); V(ENTRY) = ENT_(IA32E_MODE) | ENT_(LOAD_EFER); V(EXIT) = EXI_(HOST_ADDR_SPACE_SIZE);
	V(GUEST_CR0) = 0x80000001u; V(GUEST_CR4) = 0x20; V(GUEST_EFER) = 0x500; PASS("X-02 EFER LMA/LME match");
	reset(); V(ENTRY) = ENT_(IA32E_MODE) | ENT_(LOAD_EFER); V(EXIT) = EXI_(HOST_ADDR_SPACE_SIZE);
	V(GUEST_CR0) = 0x80000001u; V(GUEST_CR4) = 0x20; V(GUEST_EFER) = 0x100; WARN(X_02, "X-02 EFER.LMA = 0");
	reset(); INJ(0, 0x20, 0); V(GUEST_RFLAGS) = 2; WARN(X_03, "X-03 external interrupt with IF = 0");
	reset(); INJ(0, 0x20, 0); PASS("X-03 external interrupt with IF = 1");
	reset(); INJ(4, 0x80, 0); V(ENTRY_INSTR_LEN) = 2; V(GUEST_ACTIVITY) = 1; WARN(X_03, "X-03 INT n in HLT state");
	reset(); INJ(2, 2, 0); V(GUEST_ACTIVITY) = 3; WARN(X_03, "X-03 NMI in wait-for-SIPI");
	reset(); INJ(2, 2, 0); V(PIN) = PIN_(NMI_EXITING) | PIN_(VIRTUAL_NMIS); V(GUEST_INTERRUPTIBILITY) = 8;
	WARN(X_03, "X-03 NMI with virtual-NMI blocking");
	reset(); V(LINK_POINTER) = 0x1000; PASS("X-04 aligned link pointer");
	reset(); V(LINK_POINTER) = 0x1001; WARN(X_04, "X-04 misaligned link pointer");
	reset(); V(LINK_POINTER) = 0x1001; FLAGS = VMCS_CHECK_NO_WARNINGS; PASS("X-04 switched off");
}

static void general(void)
{
	unsigned i, n;
	/* every violated rule is reported, not just the first */
	reset();
	V(PIN) = PIN_(VIRTUAL_NMIS) | B(20);
	setmsr(0x48d, 0x000000ff00000000ull);
	V(PRIMARY) = PRI_(MSR_BITMAPS);
	V(EXIT) = EXI_(SAVE_PREEMPTION_TIMER);
	V(MSR_BITMAP) = 1;
	V(CR3_TARGET_COUNT) = 9;
	V(ENTRY) = ENT_(SMM);
	INJ(1, 0, 0);
	vmcs_check(&S, 39, &F, 0, &R);
	T_CHECK(vmcs_rule_failed(&R, VMCS_R_CAP_01));
	T_CHECK(vmcs_rule_failed(&R, VMCS_R_EXEC_01));
	T_CHECK(vmcs_rule_failed(&R, VMCS_R_EXEC_03));
	T_CHECK(vmcs_rule_failed(&R, VMCS_R_EXEC_07));
	T_CHECK(vmcs_rule_failed(&R, VMCS_R_EXEC_23));
	T_CHECK(vmcs_rule_failed(&R, VMCS_R_ENTRY_01));
	T_CHECK(vmcs_rule_failed(&R, VMCS_R_ENTRY_08));
	T_EQ_U64(R.n_errors, 7);
	T_EQ_U64(R.paw, 39);
	T_CHECK(R.true_ctls);

	/* missing fields make rules undecided, never passed */
	vmcs_fields_init(&F);
	vmcs_set(&F, VMCS_F_PRIMARY, PRI_(MSR_BITMAPS));
	vmcs_check(&S, 39, &F, 0, &R);
	T_EQ_U64(R.n_errors, 0);
	T_CHECK(vmcs_rule_warned(&R, VMCS_R_EXEC_03));
	T_CHECK(vmcs_rule_warned(&R, VMCS_R_CAP_01));
	for (i = 0, n = 0; i < R.n; i++)
		n += R.f[i].kind == VMCS_K_UNDECIDED;
	T_EQ_U64(n, R.n_warnings);
	vmcs_check(&S, 39, &F, VMCS_CHECK_NO_WARNINGS, &R);
	T_EQ_U64(R.n_warnings, 0);
	T_EQ_U64(R.n, 0);

	/* arguments */
	reset();
	T_EQ_U64(vmcs_check(&S, 0, &F, 0, &R), (uint64_t)(int64_t)VMX_ERR_INVALID);
	T_EQ_U64(vmcs_check(&S, 65, &F, 0, &R), (uint64_t)(int64_t)VMX_ERR_INVALID);
	T_EQ_U64(vmcs_check(NULL, 39, &F, 0, &R), (uint64_t)(int64_t)VMX_ERR_INVALID);
	T_EQ_U64(vmcs_check(&S, 64, &F, 0, &R), VMX_OK);
	T_EQ_U64(R.n_errors, 0);

	/* tables */
	for (i = 0; i < VMCS_R_COUNT; i++) {
		const struct vmcs_rule_info *ri = vmcs_rule_get((enum vmcs_rule)i);
		T_CHECK(ri && ri->rule == (enum vmcs_rule)i && vmcs_rule_by_id(ri->id) == ri);
	}
	T_EQ_STR(vmcs_rule_by_id("exec-13a")->name, "PI-VID");
	T_CHECK(vmcs_rule_by_id("EXEC-99") == NULL);
	T_EQ_STR(vmcs_field_by_encoding(0x4002)->ident, "CPU_BASED_VM_EXEC_CONTROL");
	T_EQ_U64(vmcs_field_get(VMCS_F_EPTP)->encoding, 0x201a);
	T_CHECK(vmcs_field_by_encoding(0xffff) == NULL);
}

int main(void)
{
	cap_rules();
	exec_rules();
	exit_entry_rules();
	related_rules();
	general();
	return T_DONE();
}
