/* SPDX-License-Identifier: MIT */
/*
 * QEMU vmxcap output importer: a partial snapshot.
 *
 * vmxcap prints, per section, "  <label padded to 40> <word>".  What the words mean (facts about the tool):
 * - Basic, Miscellaneous, VPID/EPT and VM Functions sections print "Hex: 0x<raw MSR>" and decoded fields
 *   (yes/no for one bit, a decimal number for a range): those MSRs are known in full.
 * - Control sections read the legacy capability MSR (allowed-0 = bits 31:0, allowed-1 = bits 63:32) and,
 *   for pin/primary/exit/entry, the TRUE MSR: "no" = may not be 1; "yes" = may be 0 or 1; "forced" = must
 *   be 1; "default" = must be 1 in the legacy MSR but may be 0 in the TRUE one; "?" = must be 1 but may not
 *   be 1 (inconsistent data).  Only named bits are printed: every other bit stays unknown.
 * - Tertiary and secondary VM-exit controls are 64-bit allowed-1 vectors: "yes"/"no" per named bit.
 * - An MSR vmxcap cannot read prints as 0 (all "no"), so presence comes from the capability bits.
 * - The TRUE MSRs equal the legacy ones except that default1 controls may be 0 (SDM A.2/A.3); a named
 *   default1 control reported "forced" is known to be must-be-1 in the TRUE MSR only when the output
 *   uses the word "default" somewhere (a vmxcap that compares with the TRUE MSR); otherwise that bit of
 *   the TRUE MSR is unknown.
 * - vmxcap prints no CPUID, no IA32_FEATURE_CONTROL, no CR0/CR4 fixed MSRs and no VMCS_ENUM: those MSRs are
 *   present (every VMX CPU has them) with no known bit.
 * Pasted output (import.c runs vmx_paste_clean first) may be indented as a whole: a section title is a line
 * that is exactly a title, at any indentation; a line indented deeper than the first title is an entry, any
 * other line is an unknown section or text around the output.  A missing section is reported where it should
 * start (the next section's title), or at the line that carries its title after other text.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/bits.h>

#include "host/import.h"

enum sec_kind { SEC_RAW, SEC_CTL, SEC_A1 };

struct sec {
	const char *title;
	enum sec_kind kind;
	enum vmx_msr_slot slot, true_slot; /* true_slot = slot when none */
	uint32_t default1;
};

enum {
	S_BASIC, S_PIN, S_PRIMARY, S_SECONDARY, S_TERTIARY, S_EXIT, S_EXIT2, S_ENTRY, S_MISC, S_EPT, S_VMFUNC, S_COUNT
};

static const struct sec secs[S_COUNT] = {
	[S_BASIC] = { "Basic VMX Information", SEC_RAW, VMX_MSR_BASIC, VMX_MSR_BASIC, 0 },
	[S_PIN] = { "pin-based controls", SEC_CTL, VMX_MSR_PINBASED, VMX_MSR_TRUE_PINBASED, VMX_PIN_DEFAULT1 },
	[S_PRIMARY] = { "primary processor-based controls", SEC_CTL, VMX_MSR_PROCBASED, VMX_MSR_TRUE_PROCBASED,
			VMX_PRIMARY_DEFAULT1 },
	[S_SECONDARY] = { "secondary processor-based controls", SEC_CTL, VMX_MSR_PROCBASED2, VMX_MSR_PROCBASED2, 0 },
	[S_TERTIARY] = { "tertiary processor-based controls", SEC_A1, VMX_MSR_PROCBASED3, VMX_MSR_PROCBASED3, 0 },
	[S_EXIT] = { "VM-Exit controls", SEC_CTL, VMX_MSR_EXIT, VMX_MSR_TRUE_EXIT, VMX_EXIT_DEFAULT1 },
	[S_EXIT2] = { "secondary VM-Exit controls", SEC_A1, VMX_MSR_EXIT2, VMX_MSR_EXIT2, 0 },
	[S_ENTRY] = { "VM-Entry controls", SEC_CTL, VMX_MSR_ENTRY, VMX_MSR_TRUE_ENTRY, VMX_ENTRY_DEFAULT1 },
	[S_MISC] = { "Miscellaneous data", SEC_RAW, VMX_MSR_MISC, VMX_MSR_MISC, 0 },
	[S_EPT] = { "VPID and EPT capabilities", SEC_RAW, VMX_MSR_EPT_VPID_CAP, VMX_MSR_EPT_VPID_CAP, 0 },
	[S_VMFUNC] = { "VM Functions", SEC_RAW, VMX_MSR_VMFUNC, VMX_MSR_VMFUNC, 0 },
};

/* vmxcap's labels: (section, label, lowest bit, highest bit). */
struct label {
	unsigned char sec, lo, hi;
	const char *text;
};

static const struct label labels[] = {
	{ S_BASIC, 0, 30, "Revision" },
	{ S_BASIC, 32, 44, "VMCS size" },
	{ S_BASIC, 48, 48, "VMCS restricted to 32 bit addresses" },
	{ S_BASIC, 49, 49, "Dual-monitor support" },
	{ S_BASIC, 50, 53, "VMCS memory type" },
	{ S_BASIC, 54, 54, "INS/OUTS instruction information" },
	{ S_BASIC, 55, 55, "IA32_VMX_TRUE_*_CTLS support" },
	{ S_BASIC, 56, 56, "Skip checks on event error code" },
	{ S_BASIC, 58, 58, "VMX nested exception support" },
	{ S_PIN, 0, 0, "External interrupt exiting" },
	{ S_PIN, 3, 3, "NMI exiting" },
	{ S_PIN, 5, 5, "Virtual NMIs" },
	{ S_PIN, 6, 6, "Activate VMX-preemption timer" },
	{ S_PIN, 7, 7, "Process posted interrupts" },
	{ S_PRIMARY, 2, 2, "Interrupt window exiting" },
	{ S_PRIMARY, 3, 3, "Use TSC offsetting" },
	{ S_PRIMARY, 7, 7, "HLT exiting" },
	{ S_PRIMARY, 9, 9, "INVLPG exiting" },
	{ S_PRIMARY, 10, 10, "MWAIT exiting" },
	{ S_PRIMARY, 11, 11, "RDPMC exiting" },
	{ S_PRIMARY, 12, 12, "RDTSC exiting" },
	{ S_PRIMARY, 15, 15, "CR3-load exiting" },
	{ S_PRIMARY, 16, 16, "CR3-store exiting" },
	{ S_PRIMARY, 17, 17, "Activate tertiary controls" },
	{ S_PRIMARY, 19, 19, "CR8-load exiting" },
	{ S_PRIMARY, 20, 20, "CR8-store exiting" },
	{ S_PRIMARY, 21, 21, "Use TPR shadow" },
	{ S_PRIMARY, 22, 22, "NMI-window exiting" },
	{ S_PRIMARY, 23, 23, "MOV-DR exiting" },
	{ S_PRIMARY, 24, 24, "Unconditional I/O exiting" },
	{ S_PRIMARY, 25, 25, "Use I/O bitmaps" },
	{ S_PRIMARY, 27, 27, "Monitor trap flag" },
	{ S_PRIMARY, 28, 28, "Use MSR bitmaps" },
	{ S_PRIMARY, 29, 29, "MONITOR exiting" },
	{ S_PRIMARY, 30, 30, "PAUSE exiting" },
	{ S_PRIMARY, 31, 31, "Activate secondary control" },
	{ S_SECONDARY, 0, 0, "Virtualize APIC accesses" },
	{ S_SECONDARY, 1, 1, "Enable EPT" },
	{ S_SECONDARY, 2, 2, "Descriptor-table exiting" },
	{ S_SECONDARY, 3, 3, "Enable RDTSCP" },
	{ S_SECONDARY, 4, 4, "Virtualize x2APIC mode" },
	{ S_SECONDARY, 5, 5, "Enable VPID" },
	{ S_SECONDARY, 6, 6, "WBINVD exiting" },
	{ S_SECONDARY, 7, 7, "Unrestricted guest" },
	{ S_SECONDARY, 8, 8, "APIC register emulation" },
	{ S_SECONDARY, 9, 9, "Virtual interrupt delivery" },
	{ S_SECONDARY, 10, 10, "PAUSE-loop exiting" },
	{ S_SECONDARY, 11, 11, "RDRAND exiting" },
	{ S_SECONDARY, 12, 12, "Enable INVPCID" },
	{ S_SECONDARY, 13, 13, "Enable VM functions" },
	{ S_SECONDARY, 14, 14, "VMCS shadowing" },
	{ S_SECONDARY, 15, 15, "Enable ENCLS exiting" },
	{ S_SECONDARY, 16, 16, "RDSEED exiting" },
	{ S_SECONDARY, 17, 17, "Enable PML" },
	{ S_SECONDARY, 18, 18, "EPT-violation #VE" },
	{ S_SECONDARY, 19, 19, "Conceal non-root operation from PT" },
	{ S_SECONDARY, 20, 20, "Enable XSAVES/XRSTORS" },
	{ S_SECONDARY, 22, 22, "Mode-based execute control (XS/XU)" },
	{ S_SECONDARY, 23, 23, "Sub-page write permissions" },
	{ S_SECONDARY, 24, 24, "GPA translation for PT" },
	{ S_SECONDARY, 25, 25, "TSC scaling" },
	{ S_SECONDARY, 26, 26, "User wait and pause" },
	{ S_SECONDARY, 28, 28, "ENCLV exiting" },
	{ S_TERTIARY, 4, 4, "Enable IPI virtualization" },
	{ S_EXIT, 2, 2, "Save debug controls" },
	{ S_EXIT, 9, 9, "Host address-space size" },
	{ S_EXIT, 12, 12, "Load IA32_PERF_GLOBAL_CTRL" },
	{ S_EXIT, 15, 15, "Acknowledge interrupt on exit" },
	{ S_EXIT, 18, 18, "Save IA32_PAT" },
	{ S_EXIT, 19, 19, "Load IA32_PAT" },
	{ S_EXIT, 20, 20, "Save IA32_EFER" },
	{ S_EXIT, 21, 21, "Load IA32_EFER" },
	{ S_EXIT, 22, 22, "Save VMX-preemption timer value" },
	{ S_EXIT, 23, 23, "Clear IA32_BNDCFGS" },
	{ S_EXIT, 24, 24, "Conceal VM exits from PT" },
	{ S_EXIT, 25, 25, "Clear IA32_RTIT_CTL" },
	{ S_EXIT, 31, 31, "Activate secondary VM-exit controls" },
	{ S_EXIT2, 0, 0, "Save IA32 FRED MSRs" },
	{ S_EXIT2, 1, 1, "Load IA32 FRED MSRs" },
	{ S_ENTRY, 2, 2, "Load debug controls" },
	{ S_ENTRY, 9, 9, "IA-32e mode guest" },
	{ S_ENTRY, 10, 10, "Entry to SMM" },
	{ S_ENTRY, 11, 11, "Deactivate dual-monitor treatment" },
	{ S_ENTRY, 13, 13, "Load IA32_PERF_GLOBAL_CTRL" },
	{ S_ENTRY, 14, 14, "Load IA32_PAT" },
	{ S_ENTRY, 15, 15, "Load IA32_EFER" },
	{ S_ENTRY, 16, 16, "Load IA32_BNDCFGS" },
	{ S_ENTRY, 17, 17, "Conceal VM entries from PT" },
	{ S_ENTRY, 18, 18, "Load IA32_RTIT_CTL" },
	{ S_ENTRY, 23, 23, "Load IA32 FRED MSRs" },
	{ S_MISC, 0, 4, "VMX-preemption timer scale (log2)" },
	{ S_MISC, 5, 5, "Store EFER.LMA into IA-32e mode guest control" },
	{ S_MISC, 6, 6, "HLT activity state" },
	{ S_MISC, 7, 7, "Shutdown activity state" },
	{ S_MISC, 8, 8, "Wait-for-SIPI activity state" },
	{ S_MISC, 14, 14, "PT in VMX operation" },
	{ S_MISC, 15, 15, "IA32_SMBASE support" },
	{ S_MISC, 16, 24, "Number of CR3-target values" },
	{ S_MISC, 25, 27, "MSR-load/store count recommendation" },
	{ S_MISC, 28, 28, "IA32_SMM_MONITOR_CTL[2] can be set to 1" },
	{ S_MISC, 29, 29, "VMWRITE to VM-exit information fields" },
	{ S_MISC, 30, 30, "Inject event with insn length=0" },
	{ S_MISC, 32, 63, "MSEG revision identifier" },
	{ S_EPT, 0, 0, "Execute-only EPT translations" },
	{ S_EPT, 6, 6, "Page-walk length 4" },
	{ S_EPT, 7, 7, "Page-walk length 5" },
	{ S_EPT, 8, 8, "Paging-structure memory type UC" },
	{ S_EPT, 14, 14, "Paging-structure memory type WB" },
	{ S_EPT, 16, 16, "2MB EPT pages" },
	{ S_EPT, 17, 17, "1GB EPT pages" },
	{ S_EPT, 20, 20, "INVEPT supported" },
	{ S_EPT, 21, 21, "EPT accessed and dirty flags" },
	{ S_EPT, 22, 22, "Advanced VM-exit information for EPT violations" },
	{ S_EPT, 25, 25, "Single-context INVEPT" },
	{ S_EPT, 26, 26, "All-context INVEPT" },
	{ S_EPT, 32, 32, "INVVPID supported" },
	{ S_EPT, 40, 40, "Individual-address INVVPID" },
	{ S_EPT, 41, 41, "Single-context INVVPID" },
	{ S_EPT, 42, 42, "All-context INVVPID" },
	{ S_EPT, 43, 43, "Single-context-retaining-globals INVVPID" },
	{ S_VMFUNC, 0, 0, "EPTP Switching" },
};

/* What the lines said, per MSR slot: value bits and known bits (with the line that made a bit known). */
struct acc {
	uint64_t val[VMX_MSR_COUNT], known[VMX_MSR_COUNT];
	int seen[S_COUNT];      /* line of the section title, 0 = not seen */
	int hex_line[S_COUNT];  /* line of the Hex: line */
	uint64_t any_yes[S_COUNT];
	int default_word;       /* "default" appears: vmxcap compared with the TRUE MSRs */
	uint32_t forced_d1[S_COUNT]; /* named default1 controls reported "forced" */
	int unknown_labels, unknown_label_line;
	char unknown_label[80];
	int inconsistent, inconsistent_line;
};

static int set_bits(struct vmx_import_ctx *c, struct acc *a, enum vmx_msr_slot s, uint64_t mask, uint64_t v,
		    int line, const char *what)
{
	uint64_t clash = (a->val[s] ^ v) & mask & a->known[s];
	if (clash) {
		vmx_diag_set(c->d, c->fname, line,
			     "'%s' contradicts an earlier line of this output (MSR 0x%" PRIx32 " bits 0x%" PRIx64 "): "
			     "expected vmxcap's own consistent output",
			     what, vmx_msr_index(s), clash);
		return -1;
	}
	a->val[s] = (a->val[s] & ~mask) | (v & mask);
	a->known[s] |= mask;
	return 0;
}

static uint64_t range_mask(unsigned lo, unsigned hi)
{
	unsigned w = hi - lo + 1;
	return (w >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << w) - 1)) << lo;
}

static int word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

/* One "  label   value" line of section sec. */
static int entry(struct vmx_import_ctx *c, struct acc *a, int sec, const char *p, const char *end, int ln)
{
	const struct sec *S = &secs[sec];
	/* "Hex: 0x..." */
	if (vmx_imp_starts(p, (size_t)(end - p), "Hex:")) {
		const char *q = p + 4;
		uint64_t v;
		if (S->kind != SEC_RAW || vmx_imp_hex(&q, end, 16, &v) || (vmx_imp_skip_blank(&q, end), q != end)) {
			vmx_diag_set(c->d, c->fname, ln, "bad Hex line: expected 'Hex: 0x<hexadecimal MSR value>'%s",
				     S->kind != SEC_RAW ? " (and only in Basic, Miscellaneous, VPID/EPT, VM Functions)" : "");
			return -1;
		}
		a->hex_line[sec] = ln;
		return set_bits(c, a, S->slot, ~(uint64_t)0, v, ln, "Hex");
	}
	/* The value is the last word; the label is what comes before it. */
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	const char *we = end;
	const char *ws = we;
	while (ws > p && ws[-1] != ' ' && ws[-1] != '\t')
		ws--;
	const char *le = ws;
	while (le > p && (le[-1] == ' ' || le[-1] == '\t'))
		le--;
	size_t wn = (size_t)(we - ws), ln_label = (size_t)(le - p);
	if (ln_label == 0 || wn == 0) {
		vmx_diag_set(c->d, c->fname, ln, "expected '<label> <value>' under '%s' (is the line cut?)", S->title);
		return -1;
	}
	const struct label *L = NULL;
	for (size_t k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
		if (labels[k].sec == sec && strlen(labels[k].text) == ln_label && memcmp(labels[k].text, p, ln_label) == 0)
			L = &labels[k];
	int is_word = word_is(ws, wn, "yes") || word_is(ws, wn, "no") || word_is(ws, wn, "forced") ||
		      word_is(ws, wn, "default") || word_is(ws, wn, "?");
	int is_num = 1;
	uint64_t num = 0;
	for (size_t k = 0; k < wn; k++) {
		if (ws[k] < '0' || ws[k] > '9' || num > (UINT64_MAX - 9) / 10) {
			is_num = 0;
			break;
		}
		num = num * 10 + (uint64_t)(ws[k] - '0');
	}
	if (!is_word && !is_num) {
		vmx_diag_set(c->d, c->fname, ln,
			     "value '%.*s' for '%.*s': expected yes, no, forced, default or a decimal number (is the line "
			     "cut?)",
			     (int)(wn > 30 ? 30 : wn), ws, (int)(ln_label > 60 ? 60 : ln_label), p);
		return -1;
	}
	if (!L) {
		/* A label this importer does not know (a newer vmxcap): its bit stays unknown. */
		if (!a->unknown_labels++) {
			a->unknown_label_line = ln;
			snprintf(a->unknown_label, sizeof(a->unknown_label), "%.*s", (int)(ln_label > 60 ? 60 : ln_label), p);
		}
		return 0;
	}
	char what[120];
	snprintf(what, sizeof(what), "%s %.*s", L->text, (int)(wn > 20 ? 20 : wn), ws);
	if (S->kind == SEC_RAW) {
		uint64_t v;
		if (L->lo == L->hi) {
			if (!word_is(ws, wn, "yes") && !word_is(ws, wn, "no")) {
				vmx_diag_set(c->d, c->fname, ln, "'%s': expected yes or no", L->text);
				return -1;
			}
			v = word_is(ws, wn, "yes") ? 1 : 0;
		} else {
			if (!is_num || (range_mask(0, (unsigned)(L->hi - L->lo)) & num) != num) {
				vmx_diag_set(c->d, c->fname, ln, "'%s': expected a decimal number of at most %d bits",
					     L->text, L->hi - L->lo + 1);
				return -1;
			}
			v = num;
		}
		return set_bits(c, a, S->slot, range_mask(L->lo, L->hi), v << L->lo, ln, what);
	}
	unsigned b = L->lo;
	if (S->kind == SEC_A1) {
		if (!word_is(ws, wn, "yes") && !word_is(ws, wn, "no")) {
			vmx_diag_set(c->d, c->fname, ln, "'%s': expected yes or no (an allowed-1 vector)", L->text);
			return -1;
		}
		uint64_t one = word_is(ws, wn, "yes");
		if (one)
			a->any_yes[sec] |= (uint64_t)1 << b;
		return set_bits(c, a, S->slot, (uint64_t)1 << b, one << b, ln, what);
	}
	/* A 32-bit control: allowed-0 bit b, allowed-1 bit 32+b, in the legacy and the TRUE MSR. */
	if (!is_word) {
		vmx_diag_set(c->d, c->fname, ln, "'%s': expected yes, no, forced or default", L->text);
		return -1;
	}
	uint64_t m0 = (uint64_t)1 << b, m1 = (uint64_t)1 << (32 + b);
	int a0, a1, t0; /* t0: TRUE allowed-0 (-1 unknown) */
	if (word_is(ws, wn, "no"))
		a0 = 0, a1 = 0, t0 = 0;
	else if (word_is(ws, wn, "yes"))
		a0 = 0, a1 = 1, t0 = 0;
	else if (word_is(ws, wn, "forced"))
		a0 = 1, a1 = 1, t0 = (S->default1 >> b) & 1u ? -2 : 1; /* -2: decided after the whole output */
	else if (word_is(ws, wn, "default"))
		a0 = 1, a1 = 1, t0 = 0, a->default_word = 1;
	else {
		/* "?": must be 1 but may not be 1; nothing about this bit can be trusted. */
		if (!a->inconsistent++)
			a->inconsistent_line = ln;
		return 0;
	}
	if (a1)
		a->any_yes[sec] |= (uint64_t)1 << b;
	if (set_bits(c, a, S->slot, m0 | m1, ((uint64_t)a0 << b) | ((uint64_t)a1 << (32 + b)), ln, what))
		return -1;
	if (S->true_slot != S->slot) {
		if (set_bits(c, a, S->true_slot, m1, (uint64_t)a1 << (32 + b), ln, what))
			return -1;
		if (t0 == -2)
			a->forced_d1[sec] |= 1u << b;
		else if (set_bits(c, a, S->true_slot, m0, (uint64_t)t0 << b, ln, what))
			return -1;
	}
	return 0;
}

/* Indentation in columns (a tab moves to the next multiple of 8). */
static int indent_of(const char *p, const char *end)
{
	int col = 0;
	for (; p < end && (*p == ' ' || *p == '\t') && col < 10000; p++)
		col = *p == '\t' ? (col / 8 + 1) * 8 : col + 1;
	return col;
}

/* Allowed-1 bit of a control MSR, 0 when unknown. */
static int a1bit(const struct acc *a, enum vmx_msr_slot s, unsigned bit)
{
	uint64_t m = (uint64_t)1 << (32 + bit);
	return (a->val[s] & a->known[s] & m) != 0;
}

int vmx_import_parse_vmxcap(struct vmx_import_ctx *c, const char *text, size_t len)
{
	struct acc *a = calloc(1, sizeof(*a));
	if (!a) {
		vmx_diag_set(c->d, c->fname, 0, "out of memory");
		return -1;
	}
	struct vmx_imp_lines it = { text, text + len, 0 };
	const char *line;
	size_t n;
	int sec = -1, skipping = 0, started = 0, rc = -1, last = 0;
	int base = -1;            /* indentation of the first section title: deeper lines are entries */
	int glued[S_COUNT] = { 0 }; /* line where a title follows other text ("$ ./vmxcap Basic VMX Information") */
	char skipped[80] = "";
	int skipped_line = 0, skipped_entries = 0;
	while (vmx_imp_next_line(&it, &line, &n)) {
		int ln = it.lineno;
		c->lines = ln;
		const char *p = line, *end = line + n;
		int ind = indent_of(p, end);
		vmx_imp_skip_blank(&p, end);
		size_t m = (size_t)(end - p);
		if (m == 0)
			continue;
		int found = -1;
		for (int k = 0; k < S_COUNT; k++)
			if (strlen(secs[k].title) == m && memcmp(secs[k].title, p, m) == 0)
				found = k;
		if (found >= 0) {
			if (a->seen[found]) {
				vmx_diag_set(c->d, c->fname, ln,
					     "second '%s' section (first at line %d): expected the output of one vmxcap "
					     "run; split the file",
					     secs[found].title, a->seen[found]);
				goto out;
			}
			a->seen[found] = ln;
			sec = found;
			skipping = 0;
			started = 1;
			last = ln;
			if (base < 0)
				base = ind;
			continue;
		}
		if (base < 0 || ind <= base) {
			/* A title-level line that is no title. */
			for (int k = 0; k < S_COUNT; k++) {
				size_t tl = strlen(secs[k].title);
				if (!glued[k] && m > tl && memcmp(end - tl, secs[k].title, tl) == 0 &&
				    (end[-(ptrdiff_t)tl - 1] == ' ' || end[-(ptrdiff_t)tl - 1] == '\t'))
					glued[k] = ln;
			}
			if (started) {
				/* An unknown section (a newer vmxcap) or text after the output: skip its lines. */
				if (!skipped_line) {
					snprintf(skipped, sizeof(skipped), "%.*s", (int)(m > 60 ? 60 : m), p);
					skipped_line = ln;
				}
				skipping = 1;
			}
			continue;
		}
		if (skipping)
			skipped_entries++;
		if (!started || skipping)
			continue;
		last = ln;
		if (entry(c, a, sec, p, end, ln))
			goto out;
	}
	/* Every vmxcap prints these sections, in this order; one missing means a truncated or trimmed output. */
	static const int needed[] = { S_BASIC, S_PIN, S_PRIMARY, S_SECONDARY, S_EXIT, S_ENTRY, S_MISC, S_EPT };
	for (size_t k = 0; k < sizeof(needed) / sizeof(needed[0]); k++) {
		int s = needed[k];
		if (a->seen[s])
			continue;
		int next = -1;
		for (int j = s + 1; j < S_COUNT && next < 0; j++)
			if (a->seen[j])
				next = j;
		if (glued[s])
			vmx_diag_set(c->d, c->fname, glued[s],
				     "the '%s' heading follows other text on this line: expected it alone on its line, as "
				     "vmxcap prints it",
				     secs[s].title);
		else if (next >= 0)
			vmx_diag_set(c->d, c->fname, a->seen[next],
				     "no '%s' section before '%s': every vmxcap prints it, in this order (is the output "
				     "trimmed?)",
				     secs[s].title, secs[next].title);
		else
			vmx_diag_set(c->d, c->fname, last ? last : c->lines,
				     "no '%s' section: every vmxcap prints it (is the output truncated or trimmed?)",
				     secs[s].title);
		goto out;
	}
	if (!(a->known[VMX_MSR_BASIC] & range_mask(0, 30))) {
		vmx_diag_set(c->d, c->fname, a->seen[S_BASIC],
			     "'Basic VMX Information' has neither a Hex line nor a Revision: expected vmxcap's output");
		goto out;
	}
	if (a->val[VMX_MSR_BASIC] == 0) {
		vmx_diag_set(c->d, c->fname, a->hex_line[S_BASIC] ? a->hex_line[S_BASIC] : a->seen[S_BASIC],
			     "IA32_VMX_BASIC reads 0: vmxcap could not read the VMX MSRs (no VMX, VMX hidden by a "
			     "hypervisor, or the msr module not loaded), so every word it printed is a 0; expected real "
			     "values");
		goto out;
	}
	struct vmx_import_capture *cap = vmx_imp_capture(c, a->seen[S_BASIC], "QEMU scripts/kvm/vmxcap (prints no version)");
	if (!cap)
		goto out;
	cap->last_line = last;
	cap->partial = 1;
	/* Which MSRs exist. */
	int true_ctls = (a->val[VMX_MSR_BASIC] >> 55) & 1u;
	int sec_on = a1bit(a, VMX_MSR_PROCBASED, 31) || a->any_yes[S_SECONDARY];
	int ept = a1bit(a, VMX_MSR_PROCBASED2, 1), vpid = a1bit(a, VMX_MSR_PROCBASED2, 5);
	int vmfunc = a1bit(a, VMX_MSR_PROCBASED2, 13);
	int ter = a1bit(a, VMX_MSR_PROCBASED, 17) || a->any_yes[S_TERTIARY];
	int ex2 = a1bit(a, VMX_MSR_EXIT, 31) || a->any_yes[S_EXIT2];
	uint32_t present = (1u << VMX_MSR_FEATURE_CONTROL);
	for (int s = VMX_MSR_BASIC; s <= VMX_MSR_VMCS_ENUM; s++)
		present |= 1u << s;
	if (sec_on)
		present |= 1u << VMX_MSR_PROCBASED2;
	if (sec_on && (ept || vpid || a->val[VMX_MSR_EPT_VPID_CAP]))
		present |= 1u << VMX_MSR_EPT_VPID_CAP;
	if (true_ctls)
		present |= (1u << VMX_MSR_TRUE_PINBASED) | (1u << VMX_MSR_TRUE_PROCBASED) | (1u << VMX_MSR_TRUE_EXIT) |
			   (1u << VMX_MSR_TRUE_ENTRY);
	if (sec_on && (vmfunc || a->val[VMX_MSR_VMFUNC]))
		present |= 1u << VMX_MSR_VMFUNC;
	if (ter)
		present |= 1u << VMX_MSR_PROCBASED3;
	if (ex2)
		present |= 1u << VMX_MSR_EXIT2;
	/* "forced" default1 controls: must-be-1 in the TRUE MSR too, if this vmxcap looked at the TRUE MSR. */
	for (int s = 0; s < S_COUNT; s++)
		if (a->forced_d1[s] && a->default_word)
			for (unsigned b = 0; b < 32; b++)
				if ((a->forced_d1[s] >> b) & 1u)
					set_bits(c, a, secs[s].true_slot, (uint64_t)1 << b, (uint64_t)1 << b, last, "forced");
	for (int s = 0; s < VMX_MSR_COUNT; s++) {
		if (!((present >> s) & 1u))
			continue;
		cap->msr_seen |= 1u << s;
		cap->msr[s] = a->val[s] & a->known[s];
		cap->known[s] = a->known[s];
		cap->msr_line[s] = a->seen[S_BASIC];
	}
	/* CPUID: vmxcap prints none.  Readable VMX MSRs imply an Intel CPU with CPUID.1:ECX.VMX = 1; nothing else
	 * is known, so only leaves 0 (maximum 1, "GenuineIntel") and 1 (ECX bit 5) are written. */
	static const uint32_t l0[4] = { 1, 0x756e6547u, 0x6c65746eu, 0x49656e69u }, l1[4] = { 0, 0, 1u << 5, 0 };
	if (vmx_imp_cpuid(c, a->seen[S_BASIC], 0, 0, l0) || vmx_imp_cpuid(c, a->seen[S_BASIC], 1, 0, l1))
		goto out;
	vmx_imp_note(cap, "vmxcap output: only the bits vmxcap names are known (unnamed bits, IA32_FEATURE_CONTROL, "
			  "CR0/CR4 fixed MSRs and VMCS_ENUM unknown); vmxcap prints no CPUID: leaves 0 (GenuineIntel, "
			  "maximum leaf 1) and 1 (ECX.VMX = 1) follow from the readable VMX MSRs, every other CPUID value "
			  "(family, model, features) is unknown and reads 0");
	if (true_ctls && !a->default_word)
		vmx_imp_note(cap, "no control is reported 'default': this vmxcap did not compare with the TRUE MSRs, so "
				  "whether default1 controls may be 0 there is unknown");
	if (a->unknown_labels)
		vmx_imp_note(cap, "%d label(s) this importer does not know (first '%s', line %d): their bits are unknown",
			     a->unknown_labels, a->unknown_label, a->unknown_label_line);
	/* Only a skipped section with entries is worth a note; a closing remark of a mail or note is not. */
	if (skipped_entries)
		vmx_imp_note(cap, "lines from '%s' (line %d) on are not a section vmxcfg knows: skipped", skipped,
			     skipped_line);
	if (a->inconsistent)
		vmx_imp_note(cap, "%d control(s) reported '?' (must be 1 but not allowed; first at line %d): unknown",
			     a->inconsistent, a->inconsistent_line);
	rc = 0;
out:
	free(a);
	return rc;
}
