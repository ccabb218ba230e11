/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg caps [SOURCE] [--json | --format text|vmxcap] [--kernel V]
 * Every VMX capability MSR decoded: every named bit and every set bit without a name, five control states,
 * BASIC/MISC/CR fixed/VMCS_ENUM/EPT-VPID/VMFUNC/FEATURE_CONTROL fields, lints, per-CPU consistency.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "host/fmt.h"
#include "host/lint.h"
#include "host/percpu.h"

/* --- names that bits_def.h does not hold ---------------------------------------------------------- */

struct named {
	uint8_t bit;
	const char *name;
};

static const struct named fc_bits[] = {
	{ 0, "Lock" },
	{ 1, "Enable VMX inside SMX operation" },
	{ 2, "Enable VMX outside SMX operation" },
	{ 8, "SENTER local function 0" },
	{ 9, "SENTER local function 1" },
	{ 10, "SENTER local function 2" },
	{ 11, "SENTER local function 3" },
	{ 12, "SENTER local function 4" },
	{ 13, "SENTER local function 5" },
	{ 14, "SENTER local function 6" },
	{ 15, "SENTER global enable" },
	{ 17, "SGX launch control enable" },
	{ 18, "SGX global enable" },
	{ 20, "LMCE on" },
};

static const char *const cr0_names[64] = {
	[0] = "PE", [1] = "MP", [2] = "EM", [3] = "TS", [4] = "ET", [5] = "NE", [16] = "WP", [18] = "AM", [29] = "NW",
	[30] = "CD", [31] = "PG",
};
static const char *const cr4_names[64] = {
	[0] = "VME",	  [1] = "PVI",	     [2] = "TSD",	 [3] = "DE",	     [4] = "PSE",     [5] = "PAE",
	[6] = "MCE",	  [7] = "PGE",	     [8] = "PCE",	 [9] = "OSFXSR",     [10] = "OSXMMEXCPT",
	[11] = "UMIP",	  [12] = "LA57",     [13] = "VMXE",	 [14] = "SMXE",	     [16] = "FSGSBASE",
	[17] = "PCIDE",	  [18] = "OSXSAVE",  [19] = "KL",	 [20] = "SMEP",	     [21] = "SMAP",   [22] = "PKE",
	[23] = "CET",	  [24] = "PKS",	     [25] = "UINTR",	 [27] = "LASS",	     [28] = "LAM_SUP",
	[32] = "FRED",
};

static const char *memtype_name(uint32_t t)
{
	switch (t) {
	case 0: return "uncacheable (UC)";
	case 6: return "write-back (WB)";
	default: return "reserved";
	}
}

/* Bits covered by multi-bit fields (not shown as single bits). */
#define BASIC_FIELDS ((0x7fffffffull) | (0x1fffull << 32) | (0xfull << 50))
#define MISC_FIELDS ((0x1full) | (0x1ffull << 16) | (0x7ull << 25) | (0xffffffffull << 32))
#define EPT_FIELDS (0x3full << 48)
#define ENUM_FIELDS (0x1ffull << 1)

struct opts {
	bool json;
	bool vmxcap;
	const struct kvm_policy *pol;
	struct cli_kernel kern; /* --kernel, resolved: pol is kern.pol */
};

static enum vmx_class ctl_classes[] = { VMX_CLASS_PIN,	VMX_CLASS_PRIMARY, VMX_CLASS_SECONDARY, VMX_CLASS_TERTIARY,
					VMX_CLASS_EXIT, VMX_CLASS_EXIT2,   VMX_CLASS_ENTRY };

static bool partial(const struct vmx_snapshot *s)
{
	return (s->flags & VMX_SNAP_PARTIAL) != 0;
}

/* Known bits of a slot; a full snapshot's present MSR is fully known, an absent one reads 0. */
static uint64_t kn(const struct vmx_snapshot *s, enum vmx_msr_slot slot)
{
	return vmx_known_bits(s, slot);
}

static const char *bitword(const struct vmx_snapshot *s, enum vmx_msr_slot slot, unsigned b)
{
	if (!((kn(s, slot) >> b) & 1))
		return "unknown";
	return ((vmx_snapshot_msr(s, slot) >> b) & 1) ? "yes" : "no";
}

static bool field_known(const struct vmx_snapshot *s, enum vmx_msr_slot slot, uint64_t mask)
{
	return (kn(s, slot) & mask) == mask;
}

/* Word of a control state in the native text: five states, or allowed / not allowed for allowed-1-only classes. */
static const char *state_text(enum vmx_class cls, enum vmx_ctl_state st)
{
	bool allow_only = cls == VMX_CLASS_SECONDARY || cls == VMX_CLASS_TERTIARY || cls == VMX_CLASS_EXIT2 ||
			  cls == VMX_CLASS_VMFUNC;
	if (allow_only) {
		if (st == VMX_ST_YES || st == VMX_ST_ALLOWED)
			return "allowed";
		if (st == VMX_ST_NO)
			return "not allowed";
	}
	return vmx_ctl_state_word(st);
}

/* Bits shown for a control class: every named bit, and every bit set in any half of its MSRs. */
static uint64_t shown_bits(const struct vmx_snapshot *s, enum vmx_class cls)
{
	const struct vmx_class_info *ci = vmx_class_get(cls);
	uint64_t m = 0;
	for (size_t i = 0; i < ci->n_bits; i++)
		m |= 1ull << ci->bits[i].bit;
	int slot = vmx_class_cap_slot(cls), ts = vmx_class_true_slot(cls);
	uint64_t v = vmx_snapshot_msr(s, (enum vmx_msr_slot)slot) & kn(s, (enum vmx_msr_slot)slot);
	if (ci->width == 32) {
		m |= (v & 0xffffffffu) | (v >> 32);
		if (ts >= 0) {
			uint64_t t = vmx_snapshot_msr(s, (enum vmx_msr_slot)ts) & kn(s, (enum vmx_msr_slot)ts);
			m |= (t & 0xffffffffu) | (t >> 32);
		}
		m &= 0xffffffffu;
	} else {
		m |= v;
	}
	return m;
}

/* --- text ----------------------------------------------------------------------------------------- */

static void msr_line(FILE *f, const char *title, const struct vmx_snapshot *s, enum vmx_msr_slot slot)
{
	fprintf(f, "%s: %s (0x%" PRIx32 ")", title, vmx_msr_name(slot), vmx_msr_index(slot));
	if (!vmx_snapshot_has(s, slot))
		fprintf(f, " absent (reading it faults; every bit reads as 0)\n");
	else if (partial(s) && kn(s, slot) == 0)
		fprintf(f, " unknown (not in /proc/cpuinfo)\n");
	else if (partial(s) && kn(s, slot) != ~0ull)
		fprintf(f, " partly known: known bits 0x%016" PRIx64 ", their value 0x%016" PRIx64 "\n", kn(s, slot),
			s->msr[slot] & kn(s, slot));
	else
		fprintf(f, " = 0x%016" PRIx64 "\n", s->msr[slot]);
}

static void text_bit(FILE *f, unsigned b, const char *name, const char *word)
{
	char nm[64];
	if (!name) {
		snprintf(nm, sizeof(nm), "bit %u (reserved)", b);
		fprintf(f, "  %-52s %s\n", nm, word);
	} else {
		fprintf(f, "  bit %2u  %-44s %s\n", b, name, word);
	}
}

/* Single-bit flags of a capability MSR: named ones, then every other set bit outside multi-bit fields. */
static void text_flag_bits(FILE *f, const struct vmx_snapshot *s, enum vmx_msr_slot slot, enum vmx_class cls,
			   const struct named *tab, size_t ntab, uint64_t fields)
{
	uint64_t v = vmx_snapshot_msr(s, slot) & kn(s, slot);
	for (unsigned b = 0; b < 64; b++) {
		const char *name = NULL;
		if (tab) {
			for (size_t i = 0; i < ntab; i++)
				if (tab[i].bit == b)
					name = tab[i].name;
		} else {
			const struct vmx_bit_info *bi = vmx_bit_get(cls, b);
			name = bi ? bi->sdm : NULL;
		}
		if (name)
			text_bit(f, b, name, bitword(s, slot, b));
		else if (((v >> b) & 1) && !((fields >> b) & 1))
			text_bit(f, b, NULL, "yes");
	}
}

static void text_cpuid(FILE *f, const struct vmx_snapshot *s)
{
	const struct vmx_cpuid_leaf *l0 = vmx_snapshot_find_cpuid(s, 0, 0), *l1 = vmx_snapshot_find_cpuid(s, 1, 0);
	fprintf(f, "CPUID%s\n", partial(s) ? " (leaves 0 and 1 rebuilt from /proc/cpuinfo vendor_id, family/model/stepping, flags)" : "");
	if (!l0 || !l1) {
		fprintf(f, "  not in the source: CPU vendor and the VMX bit are unknown\n");
		return;
	}
	char vendor[13];
	uint32_t r[3] = { l0->ebx, l0->edx, l0->ecx };
	for (int i = 0; i < 12; i++)
		vendor[i] = (char)(r[i / 4] >> (8 * (i % 4)));
	vendor[12] = 0;
	fprintf(f, "  %-52s %s\n", "vendor (CPUID.0)", vendor);
	fprintf(f, "  %-52s 0x%08" PRIx32 " (family 0x%" PRIx32 ", model 0x%" PRIx32 ", stepping %" PRIu32 ")\n",
		"signature (CPUID.1:EAX)", l1->eax, vmx_cpuid_family(s), vmx_cpuid_model(s), l1->eax & 0xf);
	fprintf(f, "  %-52s %s\n", "VMX (CPUID.1:ECX bit 5)", vmx_cpuid_has_vmx(s) ? "yes" : "no");
}

static void text_feature_control(FILE *f, const struct vmx_snapshot *s)
{
	enum vmx_msr_slot sl = VMX_MSR_FEATURE_CONTROL;
	msr_line(f, "Feature control", s, sl);
	if (!vmx_snapshot_has(s, sl)) {
		fprintf(f, "  whether firmware enabled VMX is unknown\n");
		return;
	}
	text_flag_bits(f, s, sl, VMX_CLASS_COUNT, fc_bits, sizeof(fc_bits) / sizeof(fc_bits[0]), 0);
	uint64_t v = s->msr[sl], k = kn(s, sl);
	const char *verdict;
	if ((k & 5) != 5)
		verdict = "unknown";
	else if ((v & 1) && !(v & 4))
		verdict = "VMX disabled by firmware (locked with 'VMX outside SMX' clear): enable VT-x in the firmware setup";
	else if (v & 1)
		verdict = "VMX enabled by firmware (locked, VMX outside SMX allowed)";
	else
		verdict = "not locked: Linux sets and locks it at boot (VMX enabled) when the CPU has VMX";
	fprintf(f, "  => %s%s\n", verdict, partial(s) ? " (implied: Linux prints \"vmx flags\" only when VMX is enabled)" : "");
}

static void text_basic(FILE *f, const struct vmx_snapshot *s)
{
	enum vmx_msr_slot sl = VMX_MSR_BASIC;
	msr_line(f, "Basic VMX information", s, sl);
	if (!vmx_snapshot_has(s, sl) || kn(s, sl) == 0)
		return;
	uint64_t b = s->msr[sl];
	fprintf(f, "  bits 30:0  %-41s 0x%08" PRIx32 "\n", "VMCS revision identifier", vmx_basic_revision(b));
	fprintf(f, "  bits 44:32 %-41s %" PRIu32 " bytes\n", "VMXON/VMCS region size", vmx_basic_vmcs_size(b));
	fprintf(f, "  bits 53:50 %-41s %" PRIu32 " = %s\n", "memory type of VMCS and structures", vmx_basic_mem_type(b),
		memtype_name(vmx_basic_mem_type(b)));
	text_flag_bits(f, s, sl, VMX_CLASS_BASIC, NULL, 0, BASIC_FIELDS);
}

static void text_controls(FILE *f, const struct vmx_snapshot *s, enum vmx_class cls)
{
	const struct vmx_class_info *ci = vmx_class_get(cls);
	enum vmx_msr_slot sl = (enum vmx_msr_slot)vmx_class_cap_slot(cls);
	msr_line(f, ci->title, s, sl);
	int ts = vmx_class_true_slot(cls);
	if (ts >= 0) {
		char t[80];
		snprintf(t, sizeof(t), "  TRUE controls");
		msr_line(f, t, s, (enum vmx_msr_slot)ts);
	}
	uint64_t m = shown_bits(s, cls);
	for (unsigned b = 0; b < 64; b++) {
		if (!((m >> b) & 1))
			continue;
		const struct vmx_bit_info *bi = vmx_bit_get(cls, b);
		text_bit(f, b, bi ? bi->sdm : NULL, state_text(cls, vmx_ctl_state(s, cls, b)));
	}
}

static void text_misc(FILE *f, const struct vmx_snapshot *s)
{
	enum vmx_msr_slot sl = VMX_MSR_MISC;
	msr_line(f, "Miscellaneous data", s, sl);
	if (!vmx_snapshot_has(s, sl) || kn(s, sl) == 0)
		return;
	uint64_t m = s->msr[sl];
	unsigned rate = (unsigned)(m & 0x1f);
	fprintf(f, "  bits 4:0   %-41s %u: the timer counts down every %llu TSC cycles\n", "VMX-preemption timer rate",
		rate, 1ull << rate);
	fprintf(f, "  bits 24:16 %-41s %u\n", "number of CR3-target values", (unsigned)((m >> 16) & 0x1ff));
	unsigned n = (unsigned)((m >> 25) & 7);
	fprintf(f, "  bits 27:25 %-41s %u: 512 x (%u + 1) = %u entries\n", "MSR-list limit (recommended max)", n, n,
		512 * (n + 1));
	fprintf(f, "  bits 63:32 %-41s 0x%08" PRIx32 "\n", "MSEG revision identifier", (uint32_t)(m >> 32));
	text_flag_bits(f, s, sl, VMX_CLASS_MISC, NULL, 0, MISC_FIELDS);
}

static void text_cr(FILE *f, const struct vmx_snapshot *s, int cr)
{
	enum vmx_msr_slot s0 = cr ? VMX_MSR_CR4_FIXED0 : VMX_MSR_CR0_FIXED0, s1 = (enum vmx_msr_slot)(s0 + 1);
	const char *const *names = cr ? cr4_names : cr0_names;
	char title[64];
	snprintf(title, sizeof(title), "CR%d fixed bits", cr);
	msr_line(f, title, s, s0);
	msr_line(f, title, s, s1);
	if (!vmx_snapshot_has(s, s0) || !vmx_snapshot_has(s, s1) || kn(s, s0) == 0) {
		fprintf(f, "  CR%d constraints in VMX operation are unknown\n", cr);
		return;
	}
	uint64_t f0 = s->msr[s0], f1 = s->msr[s1];
	for (unsigned b = 0; b < 64; b++) {
		bool one = (f0 >> b) & 1, allowed = (f1 >> b) & 1;
		const char *w = one && !allowed ? "? (fixed to 1 by FIXED0 yet fixed to 0 by FIXED1)"
			      : one		? "fixed-1 (must be 1)"
			      : allowed		? "flexible"
						: "fixed-0 (must be 0)";
		if (names[b]) {
			char nm[64];
			snprintf(nm, sizeof(nm), "CR%d.%s", cr, names[b]);
			fprintf(f, "  bit %2u  %-44s %s\n", b, nm, w);
		} else if (one || allowed) {
			text_bit(f, b, NULL, w);
		}
	}
	fprintf(f, "  every other bit: fixed-0 (must be 0)\n");
}

static void text_enum(FILE *f, const struct vmx_snapshot *s)
{
	enum vmx_msr_slot sl = VMX_MSR_VMCS_ENUM;
	msr_line(f, "VMCS enumeration", s, sl);
	if (!vmx_snapshot_has(s, sl) || kn(s, sl) == 0)
		return;
	uint64_t v = s->msr[sl];
	fprintf(f, "  bits 9:1   %-41s 0x%02x\n", "highest index of VMCS field encodings", (unsigned)((v >> 1) & 0x1ff));
	for (unsigned b = 0; b < 64; b++)
		if (((v >> b) & 1) && !((ENUM_FIELDS >> b) & 1))
			text_bit(f, b, NULL, "yes");
}

static void text_ept(FILE *f, const struct vmx_snapshot *s)
{
	enum vmx_msr_slot sl = VMX_MSR_EPT_VPID_CAP;
	msr_line(f, "EPT and VPID capabilities", s, sl);
	if (vmx_snapshot_has(s, sl) && field_known(s, sl, EPT_FIELDS))
		fprintf(f, "  bits 53:48 %-41s %u\n", "maximum HLAT prefix size", (unsigned)((s->msr[sl] >> 48) & 0x3f));
	text_flag_bits(f, s, sl, VMX_CLASS_EPT_VPID, NULL, 0, EPT_FIELDS);
}

static void text_vmfunc(FILE *f, const struct vmx_snapshot *s)
{
	enum vmx_msr_slot sl = VMX_MSR_VMFUNC;
	msr_line(f, "VM functions", s, sl);
	text_flag_bits(f, s, sl, VMX_CLASS_VMFUNC, NULL, 0, 0);
}

static void text_lints(FILE *f, const struct vmx_snapshot *s)
{
	struct vmx_lint *l = malloc(VMX_LINT_MAX * sizeof(*l));
	if (!l)
		return;
	size_t n = vmx_lint_run(s, l, VMX_LINT_MAX);
	fprintf(f, "Lints: %zu%s\n", n, partial(s) ? " (on known bits only)" : "");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  [%s] %s\n", vmx_lint_get(l[i].id)->name, l[i].msg);
	free(l);
}

static void text_snapshot(FILE *f, const struct vmx_snapshot *s)
{
	text_cpuid(f, s);
	fputc('\n', f);
	text_feature_control(f, s);
	fputc('\n', f);
	text_basic(f, s);
	for (size_t i = 0; i < sizeof(ctl_classes) / sizeof(ctl_classes[0]); i++) {
		fputc('\n', f);
		text_controls(f, s, ctl_classes[i]);
	}
	fputc('\n', f);
	text_misc(f, s);
	fputc('\n', f);
	text_cr(f, s, 0);
	fputc('\n', f);
	text_cr(f, s, 4);
	fputc('\n', f);
	text_enum(f, s);
	fputc('\n', f);
	text_ept(f, s);
	fputc('\n', f);
	text_vmfunc(f, s);
	fputc('\n', f);
	text_lints(f, s);
}

static void cpu_list(FILE *f, const struct vmx_profile *p)
{
	for (size_t k = 0; k < p->n_cpus; k++)
		fprintf(f, "%s%d", k ? "," : "", p->cpus[k].id < 0 ? (int)k : p->cpus[k].id);
}

static int cpu_id(const struct vmx_profile *p, size_t k)
{
	return p->cpus[k].id < 0 ? (int)k : p->cpus[k].id;
}

/* "CPU 3" or "CPUs 0-7,9": the CPUs k with grp[k] == g, as ranges. */
static void group_list(FILE *f, const struct vmx_profile *p, const size_t *grp, size_t g)
{
	size_t n = 0;
	for (size_t k = 0; k < p->n_cpus; k++)
		n += grp[k] == g;
	fputs(n == 1 ? "CPU " : "CPUs ", f);
	const char *sep = "";
	for (size_t k = 0; k < p->n_cpus; k++) {
		if (grp[k] != g)
			continue;
		size_t e = k;
		while (e + 1 < p->n_cpus && grp[e + 1] == g && cpu_id(p, e + 1) == cpu_id(p, e) + 1)
			e++;
		if (e > k)
			fprintf(f, "%s%d-%d", sep, cpu_id(p, k), cpu_id(p, e));
		else
			fprintf(f, "%s%d", sep, cpu_id(p, k));
		sep = ",";
		k = e;
	}
}

/* One MSR that differs between the boot CPU (a) and a group's first CPU (b), bits named. */
static void text_msr_diff(FILE *f, const struct vmx_snapshot *a, const struct vmx_snapshot *b, enum vmx_msr_slot sl,
			  int ref)
{
	bool ha = vmx_snapshot_has(a, sl), hb = vmx_snapshot_has(b, sl);
	uint64_t m = (vmx_snapshot_msr(a, sl) ^ vmx_snapshot_msr(b, sl)) & kn(a, sl) & kn(b, sl);
	if (ha == hb && !m)
		return;
	fprintf(f, "    %s (0x%" PRIx32 ")", vmx_msr_name(sl), vmx_msr_index(sl));
	if (ha != hb) {
		fprintf(f, " is %s here but %s on CPU %d\n", hb ? "present" : "absent", ha ? "present" : "absent", ref);
		return;
	}
	fprintf(f, " = 0x%016" PRIx64 ", CPU %d = 0x%016" PRIx64 ", differing bits 0x%016" PRIx64 "\n",
		vmx_snapshot_msr(b, sl), ref, vmx_snapshot_msr(a, sl), m);
	enum vmx_class cls = VMX_CLASS_COUNT;
	for (size_t c = 0; c < sizeof(ctl_classes) / sizeof(ctl_classes[0]); c++)
		if (vmx_class_cap_slot(ctl_classes[c]) == (int)sl || vmx_class_true_slot(ctl_classes[c]) == (int)sl)
			cls = ctl_classes[c];
	if (sl == VMX_MSR_EPT_VPID_CAP)
		cls = VMX_CLASS_EPT_VPID;
	if (cls == VMX_CLASS_COUNT)
		return;
	const struct vmx_class_info *ci = vmx_class_get(cls);
	bool w32 = ci->width == 32 && sl != VMX_MSR_EPT_VPID_CAP;
	uint64_t a1m = w32 ? m >> 32 : m, a0m = w32 ? m & 0xffffffffu : 0;
	uint64_t bv = w32 ? vmx_snapshot_msr(b, sl) >> 32 : vmx_snapshot_msr(b, sl);
	if (a1m & bv) {
		fprintf(f, "      %s here only: ", sl == VMX_MSR_EPT_VPID_CAP ? "reported" : "allowed");
		vmx_fmt_bits(f, cls, a1m & bv);
		fputc('\n', f);
	}
	if (a1m & ~bv) {
		fprintf(f, "      %s on CPU %d only: ", sl == VMX_MSR_EPT_VPID_CAP ? "reported" : "allowed", ref);
		vmx_fmt_bits(f, cls, a1m & ~bv);
		fputc('\n', f);
	}
	if (a0m) {
		fprintf(f, "      allowed-0 (must be 1) differs: ");
		vmx_fmt_bits(f, cls, a0m);
		fputc('\n', f);
	}
}

static void text_percpu(FILE *f, const struct vmx_profile *p, const struct opts *o)
{
	size_t ndiff = vmx_percpu_count_differing(p);
	size_t *grp = malloc(p->n_cpus * sizeof(*grp));
	if (!grp)
		return;
	/* Group CPUs with equal capability MSRs; group g is named by its first CPU (index g). */
	for (size_t k = 0; k < p->n_cpus; k++) {
		grp[k] = k;
		for (size_t j = 0; j < k; j++)
			if (grp[j] == j && vmx_percpu_msrs_equal(&p->cpus[j].snap, &p->cpus[k].snap)) {
				grp[k] = j;
				break;
			}
	}
	int ref = cpu_id(p, 0);
	fprintf(f, "\nPer-CPU consistency (%zu CPUs; reference: boot CPU %d)\n", p->n_cpus, ref);
	if (!ndiff)
		fprintf(f, "  every CPU reports the same capability MSRs\n");
	else {
		fprintf(f, "  ");
		group_list(f, p, grp, 0);
		fprintf(f, ": the boot CPU's capabilities\n");
	}
	for (size_t g = 1; g < p->n_cpus; g++) {
		if (grp[g] != g)
			continue;
		fprintf(f, "  ");
		group_list(f, p, grp, g);
		fprintf(f, ", differences from CPU %d:\n", ref);
		for (int sl = 0; sl < VMX_MSR_COUNT; sl++)
			text_msr_diff(f, &p->cpus[0].snap, &p->cpus[g].snap, (enum vmx_msr_slot)sl, ref);
	}
	free(grp);
	if (partial(&p->cpus[0].snap)) {
		fprintf(f, "  kvm_intel's per-CPU verdict needs the full capability MSRs: not computed from a partial "
			   "snapshot%s\n",
			ndiff ? " (the differences above are real: kvm_intel would refuse to load if they reach its "
				"vmcs_config)"
			      : "");
		return;
	}
	struct kvm_input in;
	kvm_input_init(&in, &p->cpus[0].snap);
	struct vmx_percpu_kvm r;
	if (vmx_percpu_kvm_check(o->pol, &in, p, &r) == VMX_OK)
		vmx_percpu_kvm_print(f, &r, "  ");
}

static void print_text(FILE *f, const struct cli_source *src, const struct opts *o)
{
	const struct vmx_profile *p = &src->prof;
	const char *name = vmx_profile_meta(p, "name");
	const char *source = vmx_profile_meta(p, "source");
	fprintf(f, "CPU: %s (%s)\n", name ? name : src->label, src->label);
	if (source)
		fprintf(f, "source: %s\n", source);
	size_t ndiff = vmx_percpu_count_differing(p);
	if (p->n_cpus > 1) {
		fprintf(f, "CPUs: ");
		cpu_list(f, p);
		if (ndiff)
			fprintf(f, " (%zu differ from CPU %d; shown: CPU %d, differences below)\n", ndiff,
				p->cpus[0].id < 0 ? 0 : p->cpus[0].id, p->cpus[0].id < 0 ? 0 : p->cpus[0].id);
		else
			fprintf(f, " (all identical)\n");
	}
	if (partial(&p->cpus[0].snap))
		fprintf(f, "partial: only the allowed-1 bits of the controls Linux names in /proc/cpuinfo are known; "
			   "\"unknown\" marks everything else (never read it as \"no\"); \"allowed\" = may be 1 "
			   "(whether it must be 1 is unknown)\n");
	const struct vmx_snapshot *s0 = &p->cpus[0].snap;
	if (!partial(s0) && !vmx_snapshot_has(s0, VMX_MSR_BASIC))
		fprintf(f, "no VMX: IA32_VMX_BASIC (0x480) is absent%s, so this CPU has none of the capabilities below "
			   "(every MSR that faults is shown as absent)\n",
			vmx_snapshot_find_cpuid(s0, 1, 0) && !vmx_cpuid_has_vmx(s0) ? " and CPUID.1:ECX.VMX = 0" : "");
	fputc('\n', f);
	text_snapshot(f, s0);
	if (p->n_cpus > 1)
		text_percpu(f, p, o);
}

/* --- vmxcap layout (QEMU scripts/kvm/vmxcap) ------------------------------------------------------ */

struct vc_bit {
	uint8_t lo, hi; /* hi > lo: a numeric field */
	const char *name;
};

static const struct vc_bit vc_basic[] = {
	{ 0, 30, "Revision" }, { 32, 44, "VMCS size" }, { 48, 48, "VMCS restricted to 32 bit addresses" },
	{ 49, 49, "Dual-monitor support" }, { 50, 53, "VMCS memory type" }, { 54, 54, "INS/OUTS instruction information" },
	{ 55, 55, "IA32_VMX_TRUE_*_CTLS support" }, { 56, 56, "Skip checks on event error code" },
	{ 58, 58, "VMX nested exception support" },
};
static const struct vc_bit vc_pin[] = {
	{ 0, 0, "External interrupt exiting" }, { 3, 3, "NMI exiting" }, { 5, 5, "Virtual NMIs" },
	{ 6, 6, "Activate VMX-preemption timer" }, { 7, 7, "Process posted interrupts" },
};
static const struct vc_bit vc_primary[] = {
	{ 2, 2, "Interrupt window exiting" }, { 3, 3, "Use TSC offsetting" }, { 7, 7, "HLT exiting" },
	{ 9, 9, "INVLPG exiting" }, { 10, 10, "MWAIT exiting" }, { 11, 11, "RDPMC exiting" },
	{ 12, 12, "RDTSC exiting" }, { 15, 15, "CR3-load exiting" }, { 16, 16, "CR3-store exiting" },
	{ 17, 17, "Activate tertiary controls" }, { 19, 19, "CR8-load exiting" }, { 20, 20, "CR8-store exiting" },
	{ 21, 21, "Use TPR shadow" }, { 22, 22, "NMI-window exiting" }, { 23, 23, "MOV-DR exiting" },
	{ 24, 24, "Unconditional I/O exiting" }, { 25, 25, "Use I/O bitmaps" }, { 27, 27, "Monitor trap flag" },
	{ 28, 28, "Use MSR bitmaps" }, { 29, 29, "MONITOR exiting" }, { 30, 30, "PAUSE exiting" },
	{ 31, 31, "Activate secondary control" },
};
static const struct vc_bit vc_secondary[] = {
	{ 0, 0, "Virtualize APIC accesses" }, { 1, 1, "Enable EPT" }, { 2, 2, "Descriptor-table exiting" },
	{ 3, 3, "Enable RDTSCP" }, { 4, 4, "Virtualize x2APIC mode" }, { 5, 5, "Enable VPID" },
	{ 6, 6, "WBINVD exiting" }, { 7, 7, "Unrestricted guest" }, { 8, 8, "APIC register emulation" },
	{ 9, 9, "Virtual interrupt delivery" }, { 10, 10, "PAUSE-loop exiting" }, { 11, 11, "RDRAND exiting" },
	{ 12, 12, "Enable INVPCID" }, { 13, 13, "Enable VM functions" }, { 14, 14, "VMCS shadowing" },
	{ 15, 15, "Enable ENCLS exiting" }, { 16, 16, "RDSEED exiting" }, { 17, 17, "Enable PML" },
	{ 18, 18, "EPT-violation #VE" }, { 19, 19, "Conceal non-root operation from PT" },
	{ 20, 20, "Enable XSAVES/XRSTORS" }, { 22, 22, "Mode-based execute control (XS/XU)" },
	{ 23, 23, "Sub-page write permissions" }, { 24, 24, "GPA translation for PT" }, { 25, 25, "TSC scaling" },
	{ 26, 26, "User wait and pause" }, { 28, 28, "ENCLV exiting" },
};
static const struct vc_bit vc_tertiary[] = { { 4, 4, "Enable IPI virtualization" } };
static const struct vc_bit vc_exit[] = {
	{ 2, 2, "Save debug controls" }, { 9, 9, "Host address-space size" }, { 12, 12, "Load IA32_PERF_GLOBAL_CTRL" },
	{ 15, 15, "Acknowledge interrupt on exit" }, { 18, 18, "Save IA32_PAT" }, { 19, 19, "Load IA32_PAT" },
	{ 20, 20, "Save IA32_EFER" }, { 21, 21, "Load IA32_EFER" }, { 22, 22, "Save VMX-preemption timer value" },
	{ 23, 23, "Clear IA32_BNDCFGS" }, { 24, 24, "Conceal VM exits from PT" }, { 25, 25, "Clear IA32_RTIT_CTL" },
	{ 31, 31, "Activate secondary VM-exit controls" },
};
static const struct vc_bit vc_exit2[] = { { 0, 0, "Save IA32 FRED MSRs" }, { 1, 1, "Load IA32 FRED MSRs" } };
static const struct vc_bit vc_entry[] = {
	{ 2, 2, "Load debug controls" }, { 9, 9, "IA-32e mode guest" }, { 10, 10, "Entry to SMM" },
	{ 11, 11, "Deactivate dual-monitor treatment" }, { 13, 13, "Load IA32_PERF_GLOBAL_CTRL" },
	{ 14, 14, "Load IA32_PAT" }, { 15, 15, "Load IA32_EFER" }, { 16, 16, "Load IA32_BNDCFGS" },
	{ 17, 17, "Conceal VM entries from PT" }, { 18, 18, "Load IA32_RTIT_CTL" }, { 23, 23, "Load IA32 FRED MSRs" },
};
static const struct vc_bit vc_misc[] = {
	{ 0, 4, "VMX-preemption timer scale (log2)" }, { 5, 5, "Store EFER.LMA into IA-32e mode guest control" },
	{ 6, 6, "HLT activity state" }, { 7, 7, "Shutdown activity state" }, { 8, 8, "Wait-for-SIPI activity state" },
	{ 14, 14, "PT in VMX operation" }, { 15, 15, "IA32_SMBASE support" },
	{ 16, 24, "Number of CR3-target values" }, { 25, 27, "MSR-load/store count recommendation" },
	{ 28, 28, "IA32_SMM_MONITOR_CTL[2] can be set to 1" }, { 29, 29, "VMWRITE to VM-exit information fields" },
	{ 30, 30, "Inject event with insn length=0" }, { 32, 63, "MSEG revision identifier" },
};
static const struct vc_bit vc_ept[] = {
	{ 0, 0, "Execute-only EPT translations" }, { 6, 6, "Page-walk length 4" }, { 7, 7, "Page-walk length 5" },
	{ 8, 8, "Paging-structure memory type UC" }, { 14, 14, "Paging-structure memory type WB" },
	{ 16, 16, "2MB EPT pages" }, { 17, 17, "1GB EPT pages" }, { 20, 20, "INVEPT supported" },
	{ 21, 21, "EPT accessed and dirty flags" }, { 22, 22, "Advanced VM-exit information for EPT violations" },
	{ 25, 25, "Single-context INVEPT" }, { 26, 26, "All-context INVEPT" }, { 32, 32, "INVVPID supported" },
	{ 40, 40, "Individual-address INVVPID" }, { 41, 41, "Single-context INVVPID" },
	{ 42, 42, "All-context INVVPID" }, { 43, 43, "Single-context-retaining-globals INVVPID" },
};
static const struct vc_bit vc_vmfunc[] = { { 0, 0, "EPTP Switching" } };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void vc_line(FILE *f, const char *name, const char *val)
{
	fprintf(f, "  %-40s %s\n", name, val);
}

/* vmxcap's Misc groups: "Hex:" then each field (numbers in decimal, single bits yes/no). */
static void vc_misc_group(FILE *f, const char *title, const struct vmx_snapshot *s, enum vmx_msr_slot sl,
			  const struct vc_bit *t, size_t n)
{
	fprintf(f, "%s\n", title);
	uint64_t v = vmx_snapshot_msr(s, sl), k = kn(s, sl);
	if (k == ~0ull)
		fprintf(f, "  Hex: 0x%" PRIx64 "\n", v);
	else
		fprintf(f, "  Hex: unknown (partial snapshot)\n");
	for (size_t i = 0; i < n; i++) {
		unsigned w = (unsigned)(t[i].hi - t[i].lo + 1);
		uint64_t mask = (w >= 64 ? ~0ull : ((1ull << w) - 1)) << t[i].lo;
		char buf[32];
		if ((k & mask) != mask)
			vc_line(f, t[i].name, "unknown");
		else if (t[i].hi > t[i].lo) {
			snprintf(buf, sizeof(buf), "%" PRIu64, (v & mask) >> t[i].lo);
			vc_line(f, t[i].name, buf);
		} else
			vc_line(f, t[i].name, ((v >> t[i].lo) & 1) ? "yes" : "no");
	}
}

/* vmxcap's Control groups: the state from the legacy MSR and (when given) the TRUE MSR. */
static void vc_control(FILE *f, const char *title, const struct vmx_snapshot *s, enum vmx_class cls,
		       const struct vc_bit *t, size_t n)
{
	fprintf(f, "%s\n", title);
	int sl = vmx_class_cap_slot(cls), ts = vmx_class_true_slot(cls);
	uint64_t v = vmx_snapshot_msr(s, (enum vmx_msr_slot)sl);
	uint64_t tv = ts >= 0 ? vmx_snapshot_msr(s, (enum vmx_msr_slot)ts) : 0;
	bool is64 = cls == VMX_CLASS_TERTIARY || cls == VMX_CLASS_EXIT2;
	for (size_t i = 0; i < n; i++) {
		unsigned b = t[i].lo;
		if (partial(s)) {
			enum vmx_ctl_state st = vmx_ctl_state(s, cls, b);
			vc_line(f, t[i].name, st == VMX_ST_ALLOWED ? "allowed" : vmx_ctl_state_word(st));
			continue;
		}
		if (is64) {
			vc_line(f, t[i].name, ((v >> b) & 1) ? "yes" : "no");
			continue;
		}
		bool zero = !((v >> b) & 1), one = (v >> (b + 32)) & 1;
		bool tzero = !((tv >> b) & 1), tone = (tv >> (b + 32)) & 1;
		const char *w = "?";
		if (ts >= 0 && tzero && tone && one && !zero)
			w = "default";
		else if (zero && !one)
			w = "no";
		else if (one && !zero)
			w = "forced";
		else if (one && zero)
			w = "yes";
		vc_line(f, t[i].name, w);
	}
}

static void print_vmxcap(FILE *f, const struct vmx_snapshot *s)
{
	vc_misc_group(f, "Basic VMX Information", s, VMX_MSR_BASIC, vc_basic, N(vc_basic));
	vc_control(f, "pin-based controls", s, VMX_CLASS_PIN, vc_pin, N(vc_pin));
	vc_control(f, "primary processor-based controls", s, VMX_CLASS_PRIMARY, vc_primary, N(vc_primary));
	vc_control(f, "secondary processor-based controls", s, VMX_CLASS_SECONDARY, vc_secondary, N(vc_secondary));
	vc_control(f, "tertiary processor-based controls", s, VMX_CLASS_TERTIARY, vc_tertiary, N(vc_tertiary));
	vc_control(f, "VM-Exit controls", s, VMX_CLASS_EXIT, vc_exit, N(vc_exit));
	vc_control(f, "secondary VM-Exit controls", s, VMX_CLASS_EXIT2, vc_exit2, N(vc_exit2));
	vc_control(f, "VM-Entry controls", s, VMX_CLASS_ENTRY, vc_entry, N(vc_entry));
	vc_misc_group(f, "Miscellaneous data", s, VMX_MSR_MISC, vc_misc, N(vc_misc));
	vc_misc_group(f, "VPID and EPT capabilities", s, VMX_MSR_EPT_VPID_CAP, vc_ept, N(vc_ept));
	vc_misc_group(f, "VM Functions", s, VMX_MSR_VMFUNC, vc_vmfunc, N(vc_vmfunc));
}

/* --- JSON ----------------------------------------------------------------------------------------- */

static void json_bit(FILE *f, const char **sep, unsigned b, const char *name, const char *sdm, const char *state)
{
	fprintf(f, "%s{\"bit\": %u, \"name\": ", *sep, b);
	vmx_json_str(f, name ? name : "reserved");
	fputs(", \"sdm\": ", f);
	vmx_json_str(f, sdm ? sdm : "Reserved");
	fputs(", \"state\": ", f);
	vmx_json_str(f, state);
	fputs("}", f);
	*sep = ", ";
}

static void json_flag_bits(FILE *f, const struct vmx_snapshot *s, enum vmx_msr_slot sl, enum vmx_class cls,
			   const struct named *tab, size_t ntab, uint64_t fields)
{
	uint64_t v = vmx_snapshot_msr(s, sl) & kn(s, sl);
	const char *sep = "";
	fputs(", \"bits\": [", f);
	for (unsigned b = 0; b < 64; b++) {
		const char *name = NULL, *sdm = NULL;
		if (tab) {
			for (size_t i = 0; i < ntab; i++)
				if (tab[i].bit == b)
					name = sdm = tab[i].name;
		} else {
			const struct vmx_bit_info *bi = vmx_bit_get(cls, b);
			if (bi) {
				name = bi->name;
				sdm = bi->sdm;
			}
		}
		if (name)
			json_bit(f, &sep, b, name, sdm, bitword(s, sl, b));
		else if (((v >> b) & 1) && !((fields >> b) & 1))
			json_bit(f, &sep, b, NULL, NULL, "yes");
	}
	fputs("]", f);
}

static void json_num(FILE *f, const char *key, uint64_t v, bool known)
{
	fprintf(f, ", ");
	vmx_json_str(f, key);
	if (known)
		fprintf(f, ": %" PRIu64, v);
	else
		fputs(": null", f);
}

static void json_msr(FILE *f, const struct vmx_snapshot *s, enum vmx_msr_slot sl)
{
	const char *nm = vmx_msr_name(sl);
	vmx_json_str(f, nm);
	fprintf(f, ": {\"index\": \"0x%" PRIx32 "\", \"present\": %s", vmx_msr_index(sl),
		vmx_snapshot_has(s, sl) ? "true" : "false");
	uint64_t k = kn(s, sl);
	if (vmx_snapshot_has(s, sl)) {
		fputs(", \"value\": ", f);
		vmx_json_hex(f, s->msr[sl] & k);
	}
	if (partial(s)) {
		fputs(", \"known\": ", f);
		vmx_json_hex(f, vmx_snapshot_has(s, sl) ? k : 0);
	}
	uint64_t v = vmx_snapshot_msr(s, sl);
	switch (sl) {
	case VMX_MSR_FEATURE_CONTROL:
		json_flag_bits(f, s, sl, VMX_CLASS_COUNT, fc_bits, N(fc_bits), 0);
		break;
	case VMX_MSR_BASIC:
		json_num(f, "revision", vmx_basic_revision(v), field_known(s, sl, 0x7fffffffu));
		json_num(f, "vmcs_size", vmx_basic_vmcs_size(v), field_known(s, sl, 0x1fffull << 32));
		json_num(f, "memory_type", vmx_basic_mem_type(v), field_known(s, sl, 0xfull << 50));
		if (field_known(s, sl, 0xfull << 50)) {
			fputs(", \"memory_type_name\": ", f);
			vmx_json_str(f, memtype_name(vmx_basic_mem_type(v)));
		}
		json_flag_bits(f, s, sl, VMX_CLASS_BASIC, NULL, 0, BASIC_FIELDS);
		break;
	case VMX_MSR_MISC: {
		bool ok = field_known(s, sl, MISC_FIELDS);
		json_num(f, "preemption_timer_rate", v & 0x1f, ok);
		json_num(f, "cr3_targets", (v >> 16) & 0x1ff, ok);
		json_num(f, "msr_list_limit", 512 * (((v >> 25) & 7) + 1), ok);
		json_num(f, "mseg_revision", v >> 32, ok);
		json_flag_bits(f, s, sl, VMX_CLASS_MISC, NULL, 0, MISC_FIELDS);
		break;
	}
	case VMX_MSR_CR0_FIXED0:
	case VMX_MSR_CR4_FIXED0:
	case VMX_MSR_CR0_FIXED1:
	case VMX_MSR_CR4_FIXED1:
		break; /* decoded in "cr0"/"cr4" */
	case VMX_MSR_VMCS_ENUM:
		json_num(f, "highest_index", (v >> 1) & 0x1ff, field_known(s, sl, ENUM_FIELDS));
		json_flag_bits(f, s, sl, VMX_CLASS_COUNT, NULL, 0, ENUM_FIELDS);
		break;
	case VMX_MSR_EPT_VPID_CAP:
		json_num(f, "hlat_prefix_size", (v >> 48) & 0x3f, field_known(s, sl, EPT_FIELDS));
		json_flag_bits(f, s, sl, VMX_CLASS_EPT_VPID, NULL, 0, EPT_FIELDS);
		break;
	case VMX_MSR_VMFUNC:
		json_flag_bits(f, s, sl, VMX_CLASS_VMFUNC, NULL, 0, 0);
		break;
	default:
		for (size_t c = 0; c < N(ctl_classes); c++) {
			if (vmx_class_cap_slot(ctl_classes[c]) != (int)sl)
				continue;
			enum vmx_class cls = ctl_classes[c];
			fputs(", \"class\": ", f);
			vmx_json_str(f, vmx_class_get(cls)->name);
			fputs(", \"controls\": [", f);
			const char *sep = "";
			uint64_t m = shown_bits(s, cls);
			for (unsigned b = 0; b < 64; b++) {
				if (!((m >> b) & 1))
					continue;
				const struct vmx_bit_info *bi = vmx_bit_get(cls, b);
				json_bit(f, &sep, b, bi ? bi->name : NULL, bi ? bi->sdm : NULL,
					 vmx_ctl_state_word(vmx_ctl_state(s, cls, b)));
			}
			fputs("]", f);
		}
		break;
	}
	fputs("}", f);
}

static void json_cr(FILE *f, const struct vmx_snapshot *s, int cr)
{
	enum vmx_msr_slot s0 = cr ? VMX_MSR_CR4_FIXED0 : VMX_MSR_CR0_FIXED0, s1 = (enum vmx_msr_slot)(s0 + 1);
	const char *const *names = cr ? cr4_names : cr0_names;
	fprintf(f, "\"cr%d\": ", cr);
	if (!vmx_snapshot_has(s, s0) || !vmx_snapshot_has(s, s1) || kn(s, s0) != ~0ull || kn(s, s1) != ~0ull) {
		fputs("null", f);
		return;
	}
	uint64_t f0 = s->msr[s0], f1 = s->msr[s1];
	fputs("{\"bits\": [", f);
	const char *sep = "";
	for (unsigned b = 0; b < 64; b++) {
		bool one = (f0 >> b) & 1, allowed = (f1 >> b) & 1;
		if (!names[b] && !one && !allowed)
			continue;
		fprintf(f, "%s{\"bit\": %u, \"name\": ", sep, b);
		vmx_json_str(f, names[b] ? names[b] : "reserved");
		fprintf(f, ", \"state\": \"%s\"}", one && !allowed ? "?" : one ? "fixed-1" : allowed ? "flexible" : "fixed-0");
		sep = ", ";
	}
	fputs("]}", f);
}

static void json_snapshot(FILE *f, const struct vmx_snapshot *s)
{
	const struct vmx_cpuid_leaf *l0 = vmx_snapshot_find_cpuid(s, 0, 0), *l1 = vmx_snapshot_find_cpuid(s, 1, 0);
	fputs("{\"partial\": ", f);
	fputs(partial(s) ? "true" : "false", f);
	fputs(", \"cpuid\": ", f);
	if (l0 && l1) {
		char vendor[13];
		uint32_t r[3] = { l0->ebx, l0->edx, l0->ecx };
		for (int i = 0; i < 12; i++)
			vendor[i] = (char)(r[i / 4] >> (8 * (i % 4)));
		vendor[12] = 0;
		fputs("{\"vendor\": ", f);
		vmx_json_str(f, vendor);
		fprintf(f, ", \"signature\": \"0x%08" PRIx32 "\", \"family\": %" PRIu32 ", \"model\": %" PRIu32
			   ", \"vmx\": %s}",
			l1->eax, vmx_cpuid_family(s), vmx_cpuid_model(s), vmx_cpuid_has_vmx(s) ? "true" : "false");
	} else {
		fputs("null", f);
	}
	fputs(",\n  \"msrs\": {", f);
	for (int i = 0; i < VMX_MSR_COUNT; i++) {
		fputs(i ? ",\n   " : "\n   ", f);
		json_msr(f, s, (enum vmx_msr_slot)i);
	}
	fputs("},\n  ", f);
	json_cr(f, s, 0);
	fputs(",\n  ", f);
	json_cr(f, s, 4);
	fputs(",\n  \"lints\": [", f);
	struct vmx_lint *l = malloc(VMX_LINT_MAX * sizeof(*l));
	size_t n = l ? vmx_lint_run(s, l, VMX_LINT_MAX) : 0;
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		fputs("{\"id\": ", f);
		vmx_json_str(f, vmx_lint_get(l[i].id)->name);
		fprintf(f, ", \"msr\": \"0x%" PRIx32 "\", \"mask\": ", vmx_msr_index((enum vmx_msr_slot)l[i].slot));
		vmx_json_hex(f, l[i].bits);
		fputs(", \"message\": ", f);
		vmx_json_str(f, l[i].msg);
		fputs("}", f);
	}
	free(l);
	fputs("]}", f);
}

static void print_json(FILE *f, const struct cli_source *src, const struct opts *o)
{
	const struct vmx_profile *p = &src->prof;
	fputs("{\n \"source\": ", f);
	vmx_json_str(f, src->label);
	const char *name = vmx_profile_meta(p, "name"), *source = vmx_profile_meta(p, "source");
	fputs(",\n \"name\": ", f);
	vmx_json_str(f, name ? name : "");
	fputs(",\n \"origin\": ", f);
	vmx_json_str(f, source ? source : "");
	fputs(",\n \"cpu_ids\": [", f);
	for (size_t k = 0; k < p->n_cpus; k++)
		fprintf(f, "%s%d", k ? ", " : "", p->cpus[k].id < 0 ? (int)k : p->cpus[k].id);
	fprintf(f, "],\n \"identical\": %s", vmx_percpu_count_differing(p) ? "false" : "true");
	fputs(",\n \"cpus\": [", f);
	const char *sep = "\n  ";
	for (size_t k = 0; k < p->n_cpus; k++) {
		if (k && vmx_percpu_msrs_equal(&p->cpus[0].snap, &p->cpus[k].snap))
			continue;
		fprintf(f, "%s{\"cpu\": %d, \"caps\": ", sep, p->cpus[k].id < 0 ? (int)k : p->cpus[k].id);
		json_snapshot(f, &p->cpus[k].snap);
		fputs("}", f);
		sep = ",\n  ";
	}
	fputs("]", f);
	if (p->n_cpus > 1) {
		size_t nd = vmx_percpu_msr_diffs(p, NULL, 0);
		struct vmx_msr_diff *d = malloc((nd ? nd : 1) * sizeof(*d));
		if (d) {
			vmx_percpu_msr_diffs(p, d, nd);
			fputs(",\n \"differences\": [", f);
			for (size_t i = 0; i < nd; i++) {
				fprintf(f, "%s{\"cpu\": %d, \"msr\": \"0x%" PRIx32 "\", \"name\": ", i ? ", " : "", d[i].cpu,
					vmx_msr_index((enum vmx_msr_slot)d[i].slot));
				vmx_json_str(f, vmx_msr_name((enum vmx_msr_slot)d[i].slot));
				fprintf(f, ", \"presence\": %s, \"ref\": ", d[i].presence ? "true" : "false");
				vmx_json_hex(f, d[i].ref);
				fputs(", \"value\": ", f);
				vmx_json_hex(f, d[i].val);
				fputs(", \"mask\": ", f);
				vmx_json_hex(f, d[i].mask);
				fputs("}", f);
			}
			fputs("]", f);
			free(d);
		}
		struct kvm_input in;
		kvm_input_init(&in, &p->cpus[0].snap);
		struct vmx_percpu_kvm r;
		if (!partial(&p->cpus[0].snap) && vmx_percpu_kvm_check(o->pol, &in, p, &r) == VMX_OK) {
			fputs(",\n \"kernel_info\": ", f);
			cli_kernel_json(f, &o->kern);
			fputs(",\n \"kvm_per_cpu\": ", f);
			vmx_percpu_kvm_json(f, &r);
		}
	}
	fputs("\n}\n", f);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg caps [--live | --cpuinfo [FILE] | --profile FILE | --cpu NAME] [--sysroot DIR]\n"
		   "                   [--json | --format text|vmxcap] [--kernel VERSION]\n"
		   "  decode every VMX capability MSR (default source: --live)\n"
		   "  --format vmxcap  the layout of QEMU's scripts/kvm/vmxcap (boot CPU)\n"
		   "  --kernel         kvm_intel version for the per-CPU consistency verdict (default: newest)\n"
		   "exit: 0 decoded, 1 per-CPU inconsistency kvm_intel would refuse, 2 bad input or unreadable source\n");
	fputs(CLI_EXIT_HELP, f);
}

int cmd_caps(int argc, char **argv, FILE *out)
{
	struct cli_source src;
	cli_source_init(&src);
	struct opts o;
	memset(&o, 0, sizeof(o));
	const char *kernel = NULL;
	int rc = CLI_BAD;
	for (int i = 1; i < argc; i++) {
		int s = cli_source_opt(&src, argc, argv, &i);
		if (s == 0)
			s = cli_shared_opt(argc, argv, &i, &o.json, &kernel, NULL);
		if (s < 0)
			goto done;
		if (s > 0)
			continue;
		if (cli_opt(argv[i], "--format")) {
			const char *v = cli_value(argc, argv, &i, "--format");
			if (!v)
				goto done;
			if (!strcmp(v, "vmxcap"))
				o.vmxcap = true;
			else if (!strcmp(v, "json"))
				o.json = true;
			else if (strcmp(v, "text")) {
				cli_error("--format %s: expected text, json or vmxcap", v);
				goto done;
			}
		} else {
			rc = cli_common_opt("caps", argv[i], usage, out);
			goto done;
		}
	}
	if (o.json && o.vmxcap) {
		cli_error("caps: --json and --format vmxcap exclude each other");
		goto done;
	}
	if (!(o.pol = cli_kernel_resolve(kernel, o.json, &o.kern)))
		goto done;
	if ((rc = cli_source_load(&src, CLI_SRC_LIVE)) != CLI_OK)
		goto done;
	if (src.prof.n_cpus == 0) {
		rc = cli_error("caps: the source holds no CPU");
		goto done;
	}
	if (o.vmxcap) {
		print_vmxcap(out, &src.prof.cpus[0].snap);
		if (vmx_percpu_count_differing(&src.prof))
			cli_error("note: the CPUs differ; the vmxcap layout shows the boot CPU only (run 'vmxcfg caps' "
				  "for the differences)");
	}
	else if (o.json)
		print_json(out, &src, &o);
	else
		print_text(out, &src, &o);
	rc = CLI_OK;
	if (src.prof.n_cpus > 1 && !partial(&src.prof.cpus[0].snap)) {
		struct kvm_input in;
		kvm_input_init(&in, &src.prof.cpus[0].snap);
		struct vmx_percpu_kvm r;
		if (vmx_percpu_kvm_check(o.pol, &in, &src.prof, &r) == VMX_OK && !r.consistent)
			rc = CLI_NO;
	}
done:
	cli_source_free(&src);
	return rc;
}
