/* SPDX-License-Identifier: MIT */
/* Policy files: syntax errors name the line and what was expected; rules and TRUE-MSR use behave as documented. */
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "host/policy_file.h"
#include "t.h"

static struct vmx_policy pol;
static struct vmx_negotiation neg;

static int parse(const char *text, struct vmx_diag *d)
{
	return vmx_policy_parse(text, strlen(text), "t.policy", &pol, d);
}

static void bad(const char *text, int line, const char *needle)
{
	struct vmx_diag d;
	memset(&d, 0, sizeof(d));
	T_EQ_U64(parse(text, &d), (uint64_t)-1);
	T_EQ_U64(d.line, line);
	T_EQ_STR(d.file, "t.policy");
	if (!strstr(d.msg, needle)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", d.msg, needle);
		T_CHECK(0);
	}
}

static void msr(struct vmx_snapshot *s, uint32_t idx, uint64_t v)
{
	T_EQ_U64(vmx_snapshot_set_msr(s, idx, v), VMX_OK);
}

/* Policies that must be refused: the text, the line the error names and a part of its message. */
static const struct bad_policy {
	const char *text;
	int line;
	const char *needle;
} bad_policies[] = {
	{ "required primary hlt_exiting\noptional secondary eptx\n", 2, "unknown secondary control 'eptx'" },
	{ "required primary hlt_exiting\noptional secondary eptx\n", 2, "vpid" }, /* lists the valid names */
	{ "required prim hlt_exiting\n", 1, "unknown control class 'prim'" },
	{ "required ept_vpid ept_ad\n", 1, "unknown control class" },
	{ "# c\n\nrequired primary hlt_exiting\nif secondary.ept clear secondary.vpid\n", 4, "expected 'and' or 'then'" },
	{ "required primary hlt_exiting\nif secondary.ept then frob secondary.vpid\n", 2, "unknown action 'frob'" },
	{ "required primary hlt_exiting\nif cpu.sgxx then fail\n", 2, "unknown cpu predicate 'sgxx'" },
	{ "required primary hlt_exiting\nif secondary.ept then clear cpu.sgx\n", 2, "only be tested in a condition" },
	{ "required primary hlt_exiting\nif secondary then fail\n", 2, "expected CLASS.BIT" },
	{ "required primary hlt_exiting\nif misc.bogus then fail\n", 2, "unknown misc bit 'bogus'" },
	{ "required primary hlt_exiting\nclear basic.ins_outs\n", 2, "unknown class 'basic'" },
	{ "required primary hlt_exiting\ntrue-msrs maybe\n", 2, "expected 'yes' or 'no'" },
	{ "required primary hlt_exiting\nwhatever x\n", 2, "unknown statement 'whatever'" },
	{ "required primary hlt_exiting\nif secondary.ept then fail now\n", 2, "after 'fail'" },
	{ "name nothing\n", 0, "no 'required' or 'optional'" },
};

int main(void)
{
	struct vmx_diag d;
	for (size_t i = 0; i < sizeof(bad_policies) / sizeof(bad_policies[0]); i++)
		bad(bad_policies[i].text, bad_policies[i].line, bad_policies[i].needle);

	/* Accepted forms: "key:" spellings, bitN, groups, comments. */
	T_EQ_U64(parse("name: X Y\ntrue-msrs: yes\nrequired primary: hlt_exiting bit28 # msr bitmaps\n"
		       "optional secondary ept vpid\nif not secondary.ept and ept_vpid.ept_caps then fail\n"
		       "if secondary.ept then require secondary.vpid\nif not cpu.sgx then clear secondary.encls_exiting\n",
		       &d),
		 0);
	T_EQ_STR(pol.name, "X Y");
	T_CHECK(pol.use_true_msrs);
	T_EQ_U64(pol.required[VMX_CLASS_PRIMARY], VMX_B(PRIMARY, HLT_EXITING) | VMX_B(PRIMARY, MSR_BITMAPS));
	T_EQ_U64(pol.n_rules, 3);
	T_EQ_U64(pol.rules[0].line, 5);
	T_EQ_U64(pol.rules[0].n_terms, 2);
	T_CHECK(pol.rules[0].terms[0].negate);
	T_EQ_U64(pol.rules[0].terms[1].bits, VMX_POLICY_EPT_CAPS);

	/* Semantics on a synthetic CPU. TRUE MSRs allow clearing a default1 bit; legacy ones do not. */
	static struct vmx_snapshot s;
	vmx_snapshot_init(&s);
	msr(&s, 0x480, (1ull << 55) | (6ull << 50) | (0x400ull << 32) | 1);
	msr(&s, 0x481, 0x0000007f00000016ull);
	msr(&s, 0x482, 0xf7f9fffe0401e172ull); /* bit 4+32..: everything but bit 27 (MTF) allowed */
	msr(&s, 0x483, 0x00ffffff00036dffull);
	msr(&s, 0x484, 0x0000ffff000011ffull);
	msr(&s, 0x48b, 0x000000a300000000ull); /* virt_apic_accesses ept vpid unrestricted_guest */
	msr(&s, 0x48c, 0x00000f0106334041ull);
	msr(&s, 0x48d, 0x0000007f00000016ull);
	msr(&s, 0x48e, 0xf7f9fffe04006172ull); /* CR3-load/store may be 0 */
	msr(&s, 0x48f, 0x00ffffff00036dfbull);
	msr(&s, 0x490, 0x0000ffff000011fbull);
	const char *p1 = "required primary hlt_exiting secondary_controls\noptional secondary ept vpid\n";
	char buf[512];
	snprintf(buf, sizeof(buf), "true-msrs yes\n%s", p1);
	T_EQ_U64(parse(buf, &d), 0);
	vmx_negotiate(&pol, &s, &neg);
	T_EQ_U64(neg.status, VMX_NEG_OK);
	T_CHECK(neg.used_true_msrs);
	T_EQ_U64(neg.word[VMX_CLASS_PRIMARY] & VMX_B(PRIMARY, CR3_LOAD_EXITING), 0);
	T_EQ_U64(neg.word[VMX_CLASS_SECONDARY], VMX_B(SECONDARY, EPT) | VMX_B(SECONDARY, VPID));
	snprintf(buf, sizeof(buf), "true-msrs no\n%s", p1);
	T_EQ_U64(parse(buf, &d), 0);
	vmx_negotiate(&pol, &s, &neg);
	T_CHECK(!neg.used_true_msrs);
	T_CHECK(neg.word[VMX_CLASS_PRIMARY] & VMX_B(PRIMARY, CR3_LOAD_EXITING));
	/* A required bit the CPU lacks fails, naming the class's line. */
	T_EQ_U64(parse("optional pin virtual_nmis\nrequired primary monitor_trap_flag\n", &d), 0);
	vmx_negotiate(&pol, &s, &neg);
	T_EQ_U64(neg.status, VMX_NEG_FAIL);
	T_EQ_U64(neg.events[neg.fail_event].kind, VMX_NEG_MISSING);
	T_EQ_U64(neg.events[neg.fail_event].line, 2);
	T_EQ_U64(neg.events[neg.fail_event].bits, VMX_B(PRIMARY, MONITOR_TRAP_FLAG));
	/* if X then require Y: unmet fails; if not X then clear Y clears. */
	T_EQ_U64(parse("required primary secondary_controls\noptional secondary ept unrestricted_guest\n"
		       "if secondary.ept then require secondary.vpid\n", &d), 0);
	vmx_negotiate(&pol, &s, &neg);
	T_EQ_U64(neg.status, VMX_NEG_FAIL);
	T_EQ_U64(neg.events[neg.fail_event].kind, VMX_NEG_UNMET);
	T_EQ_U64(neg.events[neg.fail_event].line, 3);
	T_EQ_U64(parse("required primary secondary_controls\noptional secondary unrestricted_guest vpid\n"
		       "if not secondary.ept then clear secondary.unrestricted_guest\n", &d), 0);
	vmx_negotiate(&pol, &s, &neg);
	T_EQ_U64(neg.status, VMX_NEG_OK);
	T_EQ_U64(neg.word[VMX_CLASS_SECONDARY], VMX_B(SECONDARY, VPID));
	T_EQ_U64(neg.events[neg.n_events - 1].kind, VMX_NEG_CLEARED);
	T_EQ_U64(neg.events[neg.n_events - 1].line, 3);
	/* Rules see earlier rules' results (file order). */
	T_EQ_U64(parse("required primary secondary_controls\noptional secondary ept unrestricted_guest\n"
		       "clear secondary.ept\nif not secondary.ept then clear secondary.unrestricted_guest\n", &d), 0);
	vmx_negotiate(&pol, &s, &neg);
	T_EQ_U64(neg.word[VMX_CLASS_SECONDARY], 0);
	/* Secondary controls only with "activate secondary controls". */
	T_EQ_U64(parse("required secondary ept\n", &d), 0);
	vmx_negotiate(&pol, &s, &neg);
	T_EQ_U64(neg.status, VMX_NEG_FAIL);
	/* cpu predicates. */
	T_CHECK(vmx_policy_cpu_pred(&s, VMX_CPU_VMCS_FITS_PAGE));
	T_CHECK(vmx_policy_cpu_pred(&s, VMX_CPU_VMCS_WB));
	T_CHECK(vmx_policy_cpu_pred(&s, VMX_CPU_TRUE_CTLS));
	T_CHECK(!vmx_policy_cpu_pred(&s, VMX_CPU_SGX));
	T_CHECK(!vmx_policy_cpu_pred(&s, VMX_CPU_NX));
	/* The shipped SimpleVisor-style policy parses and runs. */
	T_EQ_U64(vmx_policy_load("data/policies/simplevisor.policy", &pol, &d), 0);
	T_CHECK(pol.use_true_msrs);
	vmx_negotiate(&pol, &s, &neg);
	T_EQ_U64(neg.status, VMX_NEG_OK);
	T_EQ_U64(neg.word[VMX_CLASS_SECONDARY], 0); /* no RDTSCP/INVPCID/XSAVES on this CPU: optional */
	return T_DONE();
}
