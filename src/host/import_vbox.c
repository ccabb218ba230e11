/* SPDX-License-Identifier: MIT */
/*
 * VirtualBox VBox.log importer.
 *
 * What is read (everything else is ignored):
 * - the header "VirtualBox VM 7.0.22 r165102 linux.amd64 (...) release log" (older: "VirtualBox 4.0.4 ...");
 *   each one starts a capture (a VM start); "VMMDev: Guest Log:" lines are the guest's and never count;
 * - "HM: MSR_IA32_<NAME> = 0x<hex>" (VirtualBox 4.x: "HWACCM: MSR_IA32_<NAME> = <hex>" without 0x, and
 *   IA32_VMX_BASIC spelled MSR_IA32_VMX_BASIC_INFO); indented sub-field lines are skipped;
 * - the CPUID dump between "CPUID dump" and "End of CPUID dump": a guest line "Gst: LLLLLLLL[/SSSS] a b c d"
 *   is followed by the host's "Hst: a b c d"; host-only leaves are "Hst: LLLLLLLL/SSSS a b c d".
 *   Only Hst values are kept.
 * Leading blanks before the timestamp (an indented paste) are skipped.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <string.h>

#include "host/import.h"

/* VirtualBox MSR names (after "MSR_IA32_") and their indexes. */
static const struct {
	const char *name;
	uint32_t index;
} vbox_msrs[] = {
	{ "FEATURE_CONTROL", 0x3a },
	{ "VMX_BASIC", 0x480 },
	{ "VMX_BASIC_INFO", 0x480 },
	{ "VMX_PINBASED_CTLS", 0x481 },
	{ "VMX_PROCBASED_CTLS", 0x482 },
	{ "VMX_EXIT_CTLS", 0x483 },
	{ "VMX_ENTRY_CTLS", 0x484 },
	{ "VMX_MISC", 0x485 },
	{ "VMX_CR0_FIXED0", 0x486 },
	{ "VMX_CR0_FIXED1", 0x487 },
	{ "VMX_CR4_FIXED0", 0x488 },
	{ "VMX_CR4_FIXED1", 0x489 },
	{ "VMX_VMCS_ENUM", 0x48a },
	{ "VMX_PROCBASED_CTLS2", 0x48b },
	{ "VMX_EPT_VPID_CAP", 0x48c },
	{ "VMX_EPT_VPID_CAPS", 0x48c },
	{ "VMX_EPT_CAPS", 0x48c },
	{ "VMX_TRUE_PINBASED_CTLS", 0x48d },
	{ "VMX_TRUE_PROCBASED_CTLS", 0x48e },
	{ "VMX_TRUE_EXIT_CTLS", 0x48f },
	{ "VMX_TRUE_ENTRY_CTLS", 0x490 },
	{ "VMX_VMFUNC", 0x491 },
	{ "VMX_PROCBASED_CTLS3", 0x492 },
	{ "VMX_EXIT_CTLS2", 0x493 },
};

/* Header line?  Fills product ("VirtualBox 7.0.22 r165102 linux.amd64"). */
static int header(const char *p, const char *end, char *product, size_t pn)
{
	size_t n = (size_t)(end - p);
	if (!vmx_imp_starts(p, n, "VirtualBox "))
		return 0;
	if (n < 11 || !vmx_imp_find(p, n, "release log"))
		return 0;
	const char *q = p + 11;
	if (vmx_imp_starts(q, (size_t)(end - q), "VM "))
		q += 3;
	const char *stop = q;
	while (stop < end && *stop != '(')
		stop++;
	while (stop > q && stop[-1] == ' ')
		stop--;
	int len = (int)(stop - q);
	if (len > 120)
		len = 120;
	snprintf(product, pn, "VirtualBox %.*s", len, q);
	for (char *c = product; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	return 1;
}

/* Parse four 8-digit hex words; a trailing '*' (VirtualBox's "differs" mark) is allowed. */
static int four_regs(const char *p, const char *end, uint32_t regs[4])
{
	for (int i = 0; i < 4; i++) {
		uint64_t v;
		vmx_imp_skip_blank(&p, end);
		if (p < end && p[0] == '0' && end - p > 1 && (p[1] == 'x' || p[1] == 'X'))
			return -1;
		if (vmx_imp_hex(&p, end, 8, &v))
			return -1;
		regs[i] = (uint32_t)v;
	}
	if (p < end && *p == '*')
		p++;
	vmx_imp_skip_blank(&p, end);
	return p == end ? 0 : -1;
}

/* "LLLLLLLL[/SSSS]" */
static int leaf_id(const char **pp, const char *end, uint32_t *leaf, uint32_t *sub)
{
	const char *p = *pp;
	uint64_t v, s = 0;
	if (vmx_imp_hex(&p, end, 8, &v))
		return -1;
	if (p < end && *p == '/') {
		p++;
		if (vmx_imp_hex(&p, end, 8, &s))
			return -1;
	}
	if (p < end && *p != ' ' && *p != '\t')
		return -1;
	*leaf = (uint32_t)v;
	*sub = (uint32_t)s;
	*pp = p;
	return 0;
}

static int count_words(const char *p, const char *end)
{
	int n = 0;
	while (p < end) {
		vmx_imp_skip_blank(&p, end);
		if (p >= end)
			break;
		n++;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

int vmx_import_parse_vbox(struct vmx_import_ctx *c, const char *text, size_t len)
{
	struct vmx_imp_lines it = { text, text + len, 0 };
	const char *line;
	size_t n;
	int pending = 0; /* a Gst: line waits for its Hst: line */
	uint32_t pend_leaf = 0, pend_sub = 0;
	int dump_open = 0; /* line of an unterminated "CPUID dump" start */
	while (vmx_imp_next_line(&it, &line, &n)) {
		int ln = it.lineno;
		c->lines = ln;
		const char *p = line, *end = line + n;
		vmx_imp_skip_blank(&p, end); /* an indented paste (vmx_paste_clean leaves indentation alone) */
		vmx_imp_skip_vbox_stamp(&p, end);
		size_t m = (size_t)(end - p);
		char product[160];
		if (header(p, end, product, sizeof(product))) {
			if (dump_open) {
				vmx_diag_set(c->d, c->fname, dump_open,
					     "CPUID dump starting here never ends (no 'End of CPUID dump' before the next "
					     "VirtualBox header at line %d): the log is truncated",
					     ln);
				return -1;
			}
			if (!vmx_imp_capture(c, ln, product))
				return -1;
			pending = 0;
			continue;
		}
		if (vmx_imp_find(p, m, "Guest Log:"))
			continue;
		if (vmx_imp_find(p, m, "End of CPUID dump")) {
			dump_open = 0;
			pending = 0;
			if (c->n_caps)
				vmx_imp_cur(c, ln);
			continue;
		}
		if (vmx_imp_starts(p, m, "***") && vmx_imp_find(p, m, " CPUID dump ")) {
			dump_open = ln;
			pending = 0;
			if (!vmx_imp_cur(c, ln))
				return -1;
			continue;
		}
		const char *q = NULL;
		if (vmx_imp_starts(p, m, "HM: MSR_IA32_"))
			q = p + 13;
		else if (vmx_imp_starts(p, m, "HWACCM: MSR_IA32_"))
			q = p + 17;
		if (q) {
			const char *name = q;
			while (q < end && ((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_'))
				q++;
			size_t nl = (size_t)(q - name);
			vmx_imp_skip_blank(&q, end);
			if (q >= end || *q != '=')
				continue; /* a sub-field line such as "MSR_IA32_VMX_MISC_PREEMPT_TSC_BIT 0" */
			q++;
			int idx = -1;
			for (size_t k = 0; k < sizeof(vbox_msrs) / sizeof(vbox_msrs[0]); k++)
				if (strlen(vbox_msrs[k].name) == nl && memcmp(vbox_msrs[k].name, name, nl) == 0)
					idx = (int)vbox_msrs[k].index;
			uint64_t v;
			const char *vstart = q;
			if (vmx_imp_hex(&q, end, 16, &v) || (vmx_imp_skip_blank(&q, end), q != end)) {
				if (idx < 0)
					continue; /* an MSR we do not read: its odd value is not our business */
				vmx_diag_set(c->d, c->fname, ln,
					     "MSR_IA32_%.*s: bad value '%.*s': expected a hexadecimal number of at most 16 "
					     "digits, like 0x7f00000016",
					     (int)(nl > 60 ? 60 : nl), name, (int)((end - vstart) > 40 ? 40 : (end - vstart)),
					     vstart);
				return -1;
			}
			if (idx >= 0 && vmx_imp_msr(c, ln, (uint32_t)idx, v))
				return -1;
			continue;
		}
		int gst = vmx_imp_starts(p, m, "Gst: "), hst = vmx_imp_starts(p, m, "Hst: ");
		if (!gst && !hst)
			continue;
		const char *r = p + 5;
		int words = count_words(r, end);
		uint32_t regs[4], leaf, sub;
		if (gst) {
			struct vmx_import_capture *cap = vmx_imp_cur(c, ln);
			if (!cap)
				return -1;
			cap->guest_lines++;
			if (words != 5 || leaf_id(&r, end, &leaf, &sub) || four_regs(r, end, regs)) {
				vmx_diag_set(c->d, c->fname, ln,
					     "bad guest CPUID line: expected 'Gst: LLLLLLLL[/SSSS] EAX EBX ECX EDX' with "
					     "8-digit hexadecimal words");
				return -1;
			}
			pending = 1;
			pend_leaf = leaf;
			pend_sub = sub;
			continue;
		}
		if (words == 5) {
			if (leaf_id(&r, end, &leaf, &sub) || four_regs(r, end, regs)) {
				vmx_diag_set(c->d, c->fname, ln,
					     "bad host CPUID line: expected 'Hst: LLLLLLLL/SSSS EAX EBX ECX EDX' with "
					     "8-digit hexadecimal words");
				return -1;
			}
			pending = 0;
		} else if (words == 4) {
			if (!pending) {
				vmx_diag_set(c->d, c->fname, ln,
					     "host CPUID line without a leaf number and no guest 'Gst:' line before it: "
					     "expected 'Gst: LLLLLLLL[/SSSS] ...' on the previous line");
				return -1;
			}
			if (four_regs(r, end, regs)) {
				vmx_diag_set(c->d, c->fname, ln,
					     "bad host CPUID line: expected 'Hst: EAX EBX ECX EDX' with 8-digit hexadecimal "
					     "words");
				return -1;
			}
			leaf = pend_leaf;
			sub = pend_sub;
			pending = 0;
		} else {
			vmx_diag_set(c->d, c->fname, ln,
				     "bad host CPUID line (%d words): expected 'Hst: EAX EBX ECX EDX' after a Gst: line, or "
				     "'Hst: LLLLLLLL/SSSS EAX EBX ECX EDX' (is the line cut?)",
				     words);
			return -1;
		}
		if (vmx_imp_cpuid(c, ln, leaf, sub, regs))
			return -1;
	}
	if (dump_open) {
		vmx_diag_set(c->d, c->fname, dump_open,
			     "CPUID dump starting here never ends (no 'End of CPUID dump' before the end of the file at "
			     "line %d): the log is truncated",
			     c->lines);
		return -1;
	}
	return 0;
}
