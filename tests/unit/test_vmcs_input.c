/* SPDX-License-Identifier: MIT */
/* The vmcs input parsers: field lookup, FIELD = VALUE text, JSON, and dump_vmcs pastes in their real shapes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <vmxcfg/vmcs.h>

#include "host/vmcs_input.h"
#include "t.h"

static struct vmcs_fields F;
static struct vmx_diag D;

static int parse(const char *text, enum vmcs_input_format fmt)
{
	enum vmcs_input_format used;
	int rc = vmcs_input_parse(text, strlen(text), "t.txt", fmt, &F, &used, &D);
	return rc;
}

#define KNOWN(f) ((F.known >> VMCS_F_##f) & 1u)
#define VAL(f) F.v[VMCS_F_##f]

static void lookups(void)
{
	int high;
	const struct vmcs_field_info *fi;
#define LK(s) vmcs_field_lookup(s, strlen(s), &high)
	T_CHECK((fi = LK("CPU_BASED_VM_EXEC_CONTROL")) && fi->field == VMCS_F_PRIMARY && !high);
	T_CHECK((fi = LK("Primary processor-based VM-execution controls")) && fi->field == VMCS_F_PRIMARY);
	T_CHECK((fi = LK("primary_processor_based_vm_execution_controls")) && fi->field == VMCS_F_PRIMARY);
	T_CHECK((fi = LK("0x4002")) && fi->field == VMCS_F_PRIMARY);
	T_CHECK((fi = LK("00004002H")) && fi->field == VMCS_F_PRIMARY);
	T_CHECK((fi = LK("0x201A")) && fi->field == VMCS_F_EPTP && !high);
	T_CHECK((fi = LK("0x201b")) && fi->field == VMCS_F_EPTP && high);
	T_CHECK((fi = LK("Virtual-processor identifier")) && fi->field == VMCS_F_VPID);
	T_CHECK((fi = LK("VPID")) && fi->field == VMCS_F_VPID);
	T_CHECK((fi = LK("eptp")) && fi->field == VMCS_F_EPTP);
	T_CHECK((fi = LK("secondary")) && fi->field == VMCS_F_SECONDARY);
	T_CHECK(LK("0x4003") == NULL); /* 32-bit fields have no high half */
	T_CHECK(LK("0x4004") == NULL); /* exception bitmap: not read by the checks */
	T_CHECK(LK("CPU_BASED") == NULL);
	T_CHECK(LK("") == NULL);
}

static void text(void)
{
	T_EQ_U64(parse("# comment\n\nPIN_BASED_VM_EXEC_CONTROL = 0x16\n  0x4002=0b101  # trailing\r\n"
		       "VM-entry controls = 4607\nEPT pointer = 0x0000_0001_1c3a_105e\n",
		       VMCS_IN_AUTO) == 0 ? 0 : 1, 0);
	T_EQ_U64(VAL(PIN), 0x16);
	T_EQ_U64(VAL(PRIMARY), 5);
	T_EQ_U64(VAL(ENTRY), 4607);
	T_EQ_U64(VAL(EPTP), 0x11c3a105eull);
	T_CHECK(KNOWN(PIN) && KNOWN(PRIMARY) && KNOWN(ENTRY) && KNOWN(EPTP) && !KNOWN(SECONDARY));
	/* a 64-bit field by halves, in either order */
	T_EQ_U64(parse("0x2800 = 0xffffffff\n0x2801 = 0xffffffff\n", VMCS_IN_TEXT), 0);
	T_EQ_U64(VAL(LINK_POINTER), ~0ull);
	T_EQ_U64(parse("0x2801 = 0x1\n0x2800 = 0x2000\n", VMCS_IN_TEXT), 0);
	T_EQ_U64(VAL(LINK_POINTER), 0x100002000ull);
	/* errors name the line */
	T_CHECK(parse("VPID = 1\nnonsense\n", VMCS_IN_TEXT) != 0 && D.line == 2 && strstr(D.msg, "FIELD = VALUE"));
	T_CHECK(parse("VPID = 0x10000\n", VMCS_IN_TEXT) != 0 && D.line == 1 && strstr(D.msg, "16-bit"));
	T_CHECK(parse("\n\nVPID =\n", VMCS_IN_TEXT) != 0 && D.line == 3);
	T_CHECK(parse("= 5\n", VMCS_IN_TEXT) != 0 && D.line == 1);
	T_CHECK(parse("VPID = 99999999999999999999999\n", VMCS_IN_TEXT) != 0);
	T_CHECK(parse("VPID = 1\0x", VMCS_IN_TEXT) == 0); /* strlen stops at NUL */
	T_CHECK(vmcs_input_parse("VPID = 1\n\0", 10, "t", VMCS_IN_TEXT, &F, NULL, &D) != 0 && strstr(D.msg, "NUL"));
	T_EQ_STR(D.file, "t");
}

static void json(void)
{
	T_EQ_U64(parse(" {\n \"PIN_BASED_VM_EXEC_CONTROL\": \"0x16\",\n \"0x4002\": 1234,\n \"VM-entry controls\": \"0x11ff\" }\n",
		       VMCS_IN_AUTO),
		 0);
	T_EQ_U64(VAL(PIN), 0x16);
	T_EQ_U64(VAL(PRIMARY), 1234);
	T_EQ_U64(VAL(ENTRY), 0x11ff);
	T_EQ_U64(parse("{}", VMCS_IN_JSON), 0);
	T_EQ_U64(F.known, 0);
	T_CHECK(parse("{\n\"VPID\": 1,\n\"VPID\": 2}", VMCS_IN_JSON) != 0 && D.line == 3 && strstr(D.msg, "twice"));
	T_CHECK(parse("{\n\"VPID\": [1]}", VMCS_IN_JSON) != 0 && D.line == 2);
	T_CHECK(parse("{\n\"VPID\": 1\n\n", VMCS_IN_JSON) != 0);
	T_CHECK(parse("{\"VPID\": 1} x", VMCS_IN_JSON) != 0 && strstr(D.msg, "after the JSON"));
	T_CHECK(parse("{\"VPID\": -1}", VMCS_IN_JSON) != 0);
	T_CHECK(parse("{\"VPID\": 1.5}", VMCS_IN_JSON) != 0);
	T_CHECK(parse("[1]", VMCS_IN_JSON) != 0 && D.line == 1);
	/* our own --json report: "fields" is read, the rest skipped */
	T_EQ_U64(parse("{\n \"input\": \"x\", \"maxphyaddr\": 39, \"ok\": true, \"findings\": [{\"a\": [1, \"b\\\"\"]}],\n"
		       " \"fields\": {\"VIRTUAL_PROCESSOR_ID\": \"0x1\", \"CPU_BASED_VM_EXEC_CONTROL\": \"0xb5a06dfa\"}\n}\n",
		       VMCS_IN_AUTO),
		 0);
	T_EQ_U64(VAL(VPID), 1);
	T_EQ_U64(VAL(PRIMARY), 0xb5a06dfa);
	T_EQ_U64(F.known, VMCS_BIT(VPID) | VMCS_BIT(PRIMARY));
	T_CHECK(parse("{\n\"frob\": 1,\n\"VPID\": 1}", VMCS_IN_JSON) != 0 && D.line == 2 && strstr(D.msg, "'frob'"));
	T_CHECK(parse("{\"fields\": {\"frob\": 1}}", VMCS_IN_JSON) != 0 && strstr(D.msg, "'frob'"));
	T_CHECK(parse("{\"fields\": {}, \"x\": [1, 2}", VMCS_IN_JSON) != 0);
}

/* Real shapes: KVM <= 5.x (no 0x, PinBased first), KVM 6.x (0x, CPUBased first, TertiaryExec), journalctl/syslog
 * prefixes, CRLF, Xen. */
static const char dump_old[] =
	"Sep  8 22:52:20 host kernel: [10639.238026] *** Guest State ***\n"
	"Sep  8 22:52:20 host kernel: [10639.238040] CR0: actual=0x0000000080010031, shadow=0x00000000e0000031, gh_mask=fffffffffffffff7\n"
	"Sep  8 22:52:20 host kernel: [10639.238047] CR4: actual=0x0000000000002061, shadow=0x0000000000000001, gh_mask=ffffffffffffe8f1\n"
	"Sep  8 22:52:20 host kernel: [10639.238063] RFLAGS=0x00020202         DR7 = 0x0000000000000400\n"
	"Sep  8 22:52:20 host kernel: [10639.238200] Interruptibility = 00000000  ActivityState = 00000000\n"
	"Sep  8 22:52:20 host kernel: [10639.238210] *** Host State ***\n"
	"Sep  8 22:52:20 host kernel: [10639.238220] EFER = 0x0000000000000d01  PAT = 0x0407050600070106\n"
	"Sep  8 22:52:20 host kernel: [10639.238230] *** Control State ***\n"
	"Sep  8 22:52:20 host kernel: [10639.238240] PinBased=0000003f CPUBased=b6a1edfa SecondaryExec=000000eb\n"
	"Sep  8 22:52:20 host kernel: [10639.238250] EntryControls=0000d1ff ExitControls=002fefff\n"
	"Sep  8 22:52:20 host kernel: [10639.238260] ExceptionBitmap=00060042 PFECmask=00000000 PFECmatch=00000000\n"
	"Sep  8 22:52:20 host kernel: [10639.238270] VMEntry: intr_info=80000306 errcode=00000000 ilen=00000002\n"
	"Sep  8 22:52:20 host kernel: [10639.238280] VMExit: intr_info=00000000 errcode=00000000 ilen=00000003\n"
	"Sep  8 22:52:20 host kernel: [10639.238290]         reason=80000021 qualification=0000000000000000\n"
	"Sep  8 22:52:20 host kernel: [10639.238300] IDTVectoring: info=00000000 errcode=00000000\n"
	"Sep  8 22:52:20 host kernel: [10639.238310] TSC Offset = 0xffffb6f4a0b2f6c5\n"
	"Sep  8 22:52:20 host kernel: [10639.238320] TPR Threshold = 0x00\n"
	"Sep  8 22:52:20 host kernel: [10639.238330] EPT pointer = 0x000000041a33e05e\n"
	"Sep  8 22:52:20 host kernel: [10639.238340] Virtual processor ID = 0x0001\n"
	"Sep  8 22:52:20 host kernel: [10639.238350] PinBased=00000000\n"; /* after the dump: not read */

static const char dump_new[] =
	"May 20 10:00:01 ci kernel: kvm_intel: VMCS 00000000f971be22, last attempted VM-entry on CPU 3\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: *** Guest State ***\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: CR0: actual=0x0000000080010033, shadow=0x0000000080010033, gh_mask=fffffffffffefff7\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: EFER= 0x0000000000000d01\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: *** Control State ***\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: CPUBased=0xb5a26dfa SecondaryExec=0x061037eb TertiaryExec=0x0000000000000010\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: PinBased=0x000000ff EntryControls=0000d1ff ExitControls=002befff\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: VMEntry: intr_info=00000000 errcode=00000000 ilen=00000000\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: SVI|RVI = 00|00 TPR Threshold = 0x00\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: APIC-access addr = 0x0000000132a9e000 virt-APIC addr = 0x00000001483c5000\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: PostedIntrVec = 0xf2\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: EPT pointer = 0x000000010d2c805e\r\n"
	"May 20 10:00:01 ci kernel: kvm_intel: CR3 target0=0000000000000000 target1=0000000000000000\r\n";

static void dumps(void)
{
	enum vmcs_input_format used;
	T_EQ_U64(vmcs_input_parse(dump_old, strlen(dump_old), "d", VMCS_IN_AUTO, &F, &used, &D), 0);
	T_EQ_U64(used, VMCS_IN_DUMP);
	T_EQ_U64(VAL(PIN), 0x3f);
	T_EQ_U64(VAL(PRIMARY), 0xb6a1edfa);
	T_EQ_U64(VAL(SECONDARY), 0xeb);
	T_EQ_U64(VAL(ENTRY), 0xd1ff);
	T_EQ_U64(VAL(EXIT), 0x2fefff);
	T_EQ_U64(VAL(ENTRY_INTR_INFO), 0x80000306); /* VMEntry's intr_info, not VMExit's */
	T_EQ_U64(VAL(ENTRY_INSTR_LEN), 2);
	T_EQ_U64(VAL(EPTP), 0x41a33e05eull);
	T_EQ_U64(VAL(VPID), 1);
	T_EQ_U64(VAL(GUEST_CR0), 0x80010031);
	T_EQ_U64(VAL(GUEST_CR4), 0x2061);
	T_EQ_U64(VAL(GUEST_RFLAGS), 0x20202);
	T_CHECK(KNOWN(GUEST_ACTIVITY) && KNOWN(GUEST_INTERRUPTIBILITY));
	T_CHECK(!KNOWN(GUEST_EFER)); /* the EFER line is in the host section */
	T_CHECK(!KNOWN(TERTIARY) && !KNOWN(MSR_BITMAP));

	T_EQ_U64(vmcs_input_parse(dump_new, strlen(dump_new), "d", VMCS_IN_AUTO, &F, &used, &D), 0);
	T_EQ_U64(VAL(PRIMARY), 0xb5a26dfa);
	T_EQ_U64(VAL(TERTIARY), 0x10);
	T_EQ_U64(VAL(PIN), 0xff);
	T_EQ_U64(VAL(APIC_ACCESS_ADDR), 0x132a9e000ull);
	T_EQ_U64(VAL(VIRTUAL_APIC_ADDR), 0x1483c5000ull);
	T_EQ_U64(VAL(POSTED_INTR_NV), 0xf2);
	T_EQ_U64(VAL(GUEST_EFER), 0xd01);
	T_CHECK(KNOWN(TPR_THRESHOLD) && VAL(TPR_THRESHOLD) == 0);

	/* bare control lines without the header */
	T_EQ_U64(parse("PinBased=0000003f CPUBased=b6a1edfa SecondaryExec=000000eb\nEntryControls=0000d1ff ExitControls=002fefff\n",
		       VMCS_IN_AUTO),
		 0);
	T_EQ_U64(VAL(EXIT), 0x2fefff);
	/* Xen */
	T_EQ_U64(parse("(XEN) *** Control State ***\n(XEN) PinBased=0000003f CPUBased=b62065fa SecondaryExec=000054eb\n"
		       "(XEN) Virtual processor ID = 0xf71d VMfunc controls = 0000000000000000\n(XEN) ********\n",
		       VMCS_IN_AUTO),
		 0);
	T_EQ_U64(VAL(VPID), 0xf71d);
	T_CHECK(KNOWN(VMFUNC_CONTROLS));
	/* errors */
	T_CHECK(parse("*** Control State ***\nPinBased=0000003f Frob=1\n", VMCS_IN_DUMP) != 0 && D.line == 2 &&
		strstr(D.msg, "'Frob'"));
	T_CHECK(parse("*** Control State ***\nPinBased=0000003f\nPinBased=0000003f\n", VMCS_IN_DUMP) != 0 && D.line == 3);
	T_CHECK(parse("*** Control State ***\nPinBased=0x\n", VMCS_IN_DUMP) != 0 && D.line == 2);
	T_CHECK(parse("hello\n", VMCS_IN_DUMP) != 0 && strstr(D.msg, "Control State"));
}

int main(void)
{
	lookups();
	text();
	json();
	dumps();
	return T_DONE();
}
