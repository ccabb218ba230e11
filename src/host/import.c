/* SPDX-License-Identifier: MIT */
/*
 * Importers, common part: format detection, captures, the checks every log must pass (host values only,
 * Intel, not a VM on another hypervisor, not truncated), CPUID leaf filtering, VMware's zeros, grouping
 * captures into distinct hosts, and the profile metadata.  The per-format line parsers are import_*.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "host/import.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[VMX_IMPORT_FORMAT_COUNT] = {
	"auto", "vbox", "vmware", "vmxcap", "cpuinfo", "profile",
};

static const char *const format_titles[VMX_IMPORT_FORMAT_COUNT] = {
	"auto", "VirtualBox VBox.log", "VMware vmware.log", "QEMU vmxcap output", "/proc/cpuinfo", "vmxcfg profile",
};

const char *vmx_import_format_name(enum vmx_import_format f)
{
	return (unsigned)f < VMX_IMPORT_FORMAT_COUNT ? format_names[f] : "?";
}

int vmx_import_format_by_name(const char *name)
{
	for (int i = 0; i < VMX_IMPORT_FORMAT_COUNT; i++)
		if (strcmp(name, format_names[i]) == 0)
			return i;
	return -1;
}

/* ---- scanning helpers ------------------------------------------------------------------------------- */

const char *vmx_imp_find(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0)
		return s;
	for (size_t i = 0; i + m <= n; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, m) == 0)
			return s + i;
	return NULL;
}

int vmx_imp_starts(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);
	return n >= m && memcmp(s, prefix, m) == 0;
}

void vmx_imp_skip_blank(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

int vmx_imp_hex(const char **p, const char *end, unsigned maxdigits, uint64_t *out)
{
	const char *q = *p;
	vmx_imp_skip_blank(&q, end);
	if (end - q >= 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'X') && end - q >= 3 && vmx_hex_digit(q[2]) >= 0)
		q += 2;
	uint64_t v = 0;
	unsigned nd = 0, sig = 0;
	while (q < end && vmx_hex_digit(*q) >= 0) {
		int h = vmx_hex_digit(*q++);
		nd++;
		if (v == 0 && h == 0)
			continue;
		if (++sig > 16 || nd > maxdigits)
			return -1;
		v = (v << 4) | (uint64_t)h;
	}
	if (nd == 0 || nd > maxdigits)
		return -1;
	*p = q;
	*out = v;
	return 0;
}

int vmx_imp_next_line(struct vmx_imp_lines *it, const char **line, size_t *n)
{
	if (it->p >= it->end)
		return 0;
	const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	const char *le = nl ? nl : it->end;
	*line = it->p;
	*n = (size_t)(le - it->p);
	while (*n && ((*line)[*n - 1] == '\r'))
		(*n)--;
	it->p = nl ? nl + 1 : it->end;
	it->lineno++;
	return 1;
}

/* ---- captures --------------------------------------------------------------------------------------- */

#define MAX_CAPTURES 64

struct vmx_import_capture *vmx_imp_capture(struct vmx_import_ctx *c, int line, const char *product)
{
	if (c->n_caps >= MAX_CAPTURES) {
		vmx_diag_set(c->d, c->fname, line, "more than %d captures (product headers) in one log: split the file",
			     MAX_CAPTURES);
		return NULL;
	}
	if (c->n_caps == c->cap_caps) {
		size_t cap = c->cap_caps ? c->cap_caps * 2 : 2;
		struct vmx_import_capture *n = realloc(c->caps, cap * sizeof(*n));
		if (!n) {
			vmx_diag_set(c->d, c->fname, line, "out of memory");
			return NULL;
		}
		c->caps = n;
		c->cap_caps = cap;
	}
	struct vmx_import_capture *cap = &c->caps[c->n_caps++];
	memset(cap, 0, sizeof(*cap));
	cap->first_line = cap->last_line = line;
	snprintf(cap->product, sizeof(cap->product), "%s", product ? product : "");
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		cap->known[i] = ~(uint64_t)0;
	return cap;
}

struct vmx_import_capture *vmx_imp_cur(struct vmx_import_ctx *c, int line)
{
	if (c->n_caps == 0)
		return vmx_imp_capture(c, line, NULL);
	struct vmx_import_capture *cap = &c->caps[c->n_caps - 1];
	if (line > cap->last_line)
		cap->last_line = line;
	return cap;
}

void vmx_imp_note(struct vmx_import_capture *cap, const char *fmt, ...)
{
	if (cap->n_notes >= VMX_IMPORT_NOTE_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cap->notes[cap->n_notes], sizeof(cap->notes[0]), fmt, ap);
	va_end(ap);
	cap->n_notes++;
}

int vmx_imp_msr(struct vmx_import_ctx *c, int line, uint32_t index, uint64_t value)
{
	int slot = vmx_msr_slot(index);
	if (slot < 0)
		return 0;
	struct vmx_import_capture *cap = vmx_imp_cur(c, line);
	if (!cap)
		return -1;
	if (cap->msr_seen & (1u << slot)) {
		if (cap->msr[slot] == value)
			return 0;
		vmx_diag_set(c->d, c->fname, line,
			     "MSR 0x%" PRIx32 " = 0x%" PRIx64 " contradicts 0x%" PRIx64 " at line %d of the same capture: "
			     "the log mixes two machines without a product header between them; expected one value "
			     "per MSR (split the file)",
			     index, value, cap->msr[slot], cap->msr_line[slot]);
		return -1;
	}
	cap->msr_seen |= 1u << slot;
	cap->msr[slot] = value;
	cap->msr_line[slot] = line;
	return 0;
}

int vmx_imp_cpuid(struct vmx_import_ctx *c, int line, uint32_t leaf, uint32_t subleaf, const uint32_t regs[4])
{
	struct vmx_import_capture *cap = vmx_imp_cur(c, line);
	if (!cap)
		return -1;
	for (size_t i = 0; i < cap->n_leaf; i++) {
		struct vmx_cpuid_leaf *l = &cap->leaf[i];
		if (l->leaf != leaf || l->subleaf != subleaf)
			continue;
		if (l->eax != regs[0] || l->ebx != regs[1] || l->ecx != regs[2] || l->edx != regs[3])
			vmx_imp_note(cap, "CPUID 0x%" PRIx32 ".%" PRIx32 " repeated at line %d with other values; the first "
					  "(line %d) was kept",
				     leaf, subleaf, line, cap->leaf_line[i]);
		return 0;
	}
	if (cap->n_leaf >= VMX_IMPORT_LEAF_MAX) {
		vmx_diag_set(c->d, c->fname, line, "more than %d host CPUID leaves in one capture: expected a CPUID dump",
			     VMX_IMPORT_LEAF_MAX);
		return -1;
	}
	struct vmx_cpuid_leaf *l = &cap->leaf[cap->n_leaf];
	l->leaf = leaf;
	l->subleaf = subleaf;
	l->eax = regs[0];
	l->ebx = regs[1];
	l->ecx = regs[2];
	l->edx = regs[3];
	cap->leaf_line[cap->n_leaf] = line;
	cap->n_leaf++;
	return 0;
}

static const struct vmx_cpuid_leaf *cap_leaf(const struct vmx_import_capture *cap, uint32_t leaf, uint32_t sub,
					     int *line)
{
	for (size_t i = 0; i < cap->n_leaf; i++)
		if (cap->leaf[i].leaf == leaf && cap->leaf[i].subleaf == sub) {
			if (line)
				*line = cap->leaf_line[i];
			return &cap->leaf[i];
		}
	return NULL;
}

static int has(const struct vmx_import_capture *cap, enum vmx_msr_slot s)
{
	return (cap->msr_seen >> s) & 1u;
}

/* ---- format detection ------------------------------------------------------------------------------- */

/* Skip a leading VirtualBox timestamp "HH:MM:SS.ffffff " if there is one. */
void vmx_imp_skip_vbox_stamp(const char **p, const char *end)
{
	const char *q = *p;
	int digits = 0;
	while (q < end && ((*q >= '0' && *q <= '9') || *q == ':' || *q == '.')) {
		digits += (*q >= '0' && *q <= '9');
		q++;
	}
	if (digits >= 6 && q < end && *q == ' ') {
		vmx_imp_skip_blank(&q, end);
		*p = q;
	}
}

/* Detection on undecorated text (vmx_paste_clean): leading blanks are skipped on every line. */
static enum vmx_import_format detect_clean(const char *text, size_t len, const char *fname, struct vmx_diag *d)
{
	int first[VMX_IMPORT_FORMAT_COUNT] = { 0 };
	struct vmx_imp_lines it = { text, text + len, 0 };
	const char *line;
	size_t n;
	while (vmx_imp_next_line(&it, &line, &n)) {
		int f = 0;
		const char *end = line + n;
		vmx_imp_skip_blank(&line, end);
		n = (size_t)(end - line);
		const char *p = line;
		vmx_imp_skip_vbox_stamp(&p, end);
		size_t m = (size_t)(end - p);
		if (vmx_imp_starts(p, m, "HM: MSR_IA32_") || vmx_imp_starts(p, m, "HWACCM: MSR_IA32_") ||
		    (vmx_imp_starts(p, m, "Hst: ") && n < 200) ||
		    (vmx_imp_starts(p, m, "VirtualBox ") && vmx_imp_find(p, m, "release log")))
			f = VMX_IMPORT_VBOX;
		else if (vmx_imp_find(line, n, " hostCPUID level ") || vmx_imp_find(line, n, " Common: MSR ") ||
			 vmx_imp_find(line, n, "Log for VMware "))
			f = VMX_IMPORT_VMWARE;
		else if ((n == 21 && memcmp(line, "Basic VMX Information", 21) == 0) ||
			 (n == 18 && memcmp(line, "pin-based controls", 18) == 0) ||
			 (n == 32 && memcmp(line, "primary processor-based controls", 32) == 0))
			f = VMX_IMPORT_VMXCAP;
		else if (vmx_imp_starts(line, n, "vmx flags") ||
			 ((vmx_imp_starts(line, n, "processor\t") || vmx_imp_starts(line, n, "processor ")) &&
			  memchr(line, ':', n)))
			f = VMX_IMPORT_CPUINFO;
		if (f && !first[f])
			first[f] = it.lineno;
	}
	int found = 0, a = 0, b = 0;
	for (int f = 1; f < VMX_IMPORT_PROFILE; f++)
		if (first[f]) {
			found++;
			if (!a)
				a = f;
			else if (!b)
				b = f;
		}
	if (found == 1)
		return (enum vmx_import_format)a;
	if (found == 0) {
		vmx_diag_set(d, fname, 0,
			     "unknown format: not a vmxcfg profile ('# vmxcfg-profile 1' first line) nor anything vmxcfg "
			     "can import: expected a VirtualBox VBox.log ('HM: MSR_IA32_' and 'Hst:' lines), a VMware "
			     "vmware.log ('hostCPUID level' and 'Common: MSR' lines), vmxcap output ('Basic VMX "
			     "Information') or a /proc/cpuinfo ('processor' and 'vmx flags' lines)");
		return VMX_IMPORT_AUTO;
	}
	vmx_diag_set(d, fname, first[b],
		     "ambiguous content: a %s (from line %d) and a %s (from line %d) in one file: expected one "
		     "format; split the file or give --format",
		     format_titles[a], first[a], format_titles[b], first[b]);
	return VMX_IMPORT_AUTO;
}

enum vmx_import_format vmx_import_detect(const char *text, size_t len, const char *fname, struct vmx_diag *d)
{
	if (vmx_profile_looks_like(text, len))
		return VMX_IMPORT_PROFILE;
	size_t n;
	char *clean = vmx_paste_clean(text, len, &n);
	if (!clean) {
		vmx_diag_set(d, fname, 0, "out of memory");
		return VMX_IMPORT_AUTO;
	}
	enum vmx_import_format f = detect_clean(clean, n, fname, d);
	free(clean);
	return f;
}

/* ---- per-capture checks and conversion -------------------------------------------------------------- */

static void leaf_str(const struct vmx_cpuid_leaf *l, char *out /* 13 bytes */)
{
	uint32_t r[3] = { l->ebx, l->ecx, l->edx };
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 4; k++)
			out[i * 4 + k] = (char)((r[i] >> (8 * k)) & 0xff);
	out[12] = 0;
}

/* Vendor string of leaf 0 (EBX, EDX, ECX order). */
static void vendor_str(const struct vmx_cpuid_leaf *l, char *out /* 13 */)
{
	uint32_t r[3] = { l->ebx, l->edx, l->ecx };
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 4; k++) {
			char ch = (char)((r[i] >> (8 * k)) & 0xff);
			out[i * 4 + k] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
		}
	out[12] = 0;
}

/* A hypervisor signature in leaf 0x40000000: printable text of at least 4 letters. */
static int hv_signature(const struct vmx_cpuid_leaf *l, char *sig)
{
	if (l->eax < 0x40000000u || l->eax > 0x4000ffffu)
		return 0;
	leaf_str(l, sig);
	int letters = 0;
	for (int i = 0; i < 12; i++) {
		unsigned char ch = (unsigned char)sig[i];
		if (ch == 0)
			continue;
		if (ch < 0x20 || ch >= 0x7f)
			return 0;
		letters += (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
	}
	return letters >= 4;
}

static const char *slot_label(enum vmx_msr_slot s, char *buf, size_t n)
{
	snprintf(buf, n, "0x%" PRIx32 " %s", vmx_msr_index(s), vmx_msr_name(s));
	return buf;
}

/*
 * Does the CPU's own capability data say this MSR exists?  1 yes, 0 no; *why names the bit that decided.
 * Only for the MSRs whose existence is enumerated (0x48B-0x493).
 */
static int msr_exists(const uint64_t *msr, uint32_t seen, enum vmx_msr_slot s, char *why, size_t wn)
{
#define HAS_(sl) ((seen >> (sl)) & 1u)
#define A1_(sl, bit) (HAS_(sl) && ((msr[sl] >> (32 + (bit))) & 1u))
	int r;
	switch (s) {
	case VMX_MSR_PROCBASED2:
		r = A1_(VMX_MSR_PROCBASED, 31);
		snprintf(why, wn, "IA32_VMX_PROCBASED_CTLS allowed-1 bit 31 (activate secondary controls) is %d", r);
		return r;
	case VMX_MSR_EPT_VPID_CAP:
		r = A1_(VMX_MSR_PROCBASED, 31) && (A1_(VMX_MSR_PROCBASED2, 1) || A1_(VMX_MSR_PROCBASED2, 5));
		snprintf(why, wn, "secondary controls allowed-1 bits 1 (EPT) / 5 (VPID) are %d/%d",
			 A1_(VMX_MSR_PROCBASED2, 1), A1_(VMX_MSR_PROCBASED2, 5));
		return r;
	case VMX_MSR_TRUE_PINBASED:
	case VMX_MSR_TRUE_PROCBASED:
	case VMX_MSR_TRUE_EXIT:
	case VMX_MSR_TRUE_ENTRY:
		r = HAS_(VMX_MSR_BASIC) && ((msr[VMX_MSR_BASIC] >> 55) & 1u);
		snprintf(why, wn, "IA32_VMX_BASIC bit 55 (TRUE capability MSRs) is %d", r);
		return r;
	case VMX_MSR_VMFUNC:
		r = A1_(VMX_MSR_PROCBASED, 31) && A1_(VMX_MSR_PROCBASED2, 13);
		snprintf(why, wn, "secondary controls allowed-1 bit 13 (enable VM functions) is %d",
			 A1_(VMX_MSR_PROCBASED2, 13));
		return r;
	case VMX_MSR_PROCBASED3:
		r = A1_(VMX_MSR_PROCBASED, 17);
		snprintf(why, wn, "IA32_VMX_PROCBASED_CTLS allowed-1 bit 17 (activate tertiary controls) is %d", r);
		return r;
	case VMX_MSR_EXIT2:
		r = A1_(VMX_MSR_EXIT, 31);
		snprintf(why, wn, "IA32_VMX_EXIT_CTLS allowed-1 bit 31 (activate secondary VM-exit controls) is %d", r);
		return r;
	default:
		snprintf(why, wn, "every VMX CPU has it");
		return 1;
	}
#undef HAS_
#undef A1_
}

static int leaf_cmp(const void *a, const void *b)
{
	const struct vmx_cpuid_leaf *x = a, *y = b;
	if (x->leaf != y->leaf)
		return x->leaf < y->leaf ? -1 : 1;
	if (x->subleaf != y->subleaf)
		return x->subleaf < y->subleaf ? -1 : 1;
	return 0;
}

/* Append "0xLEAF[.SUB]" to a list string. */
static void list_add(char *buf, size_t n, int *count, const struct vmx_cpuid_leaf *l)
{
	size_t len = strlen(buf);
	if (*count == 12 && len + 6 < n)
		strcat(buf, ", ...");
	(*count)++;
	if (*count > 12 || len + 24 >= n)
		return;
	if (l->subleaf)
		snprintf(buf + len, n - len, "%s0x%" PRIx32 ".%" PRIx32, len ? ", " : "", l->leaf, l->subleaf);
	else
		snprintf(buf + len, n - len, "%s0x%" PRIx32, len ? ", " : "", l->leaf);
}

/* Last line of a capture: the line before the next capture's header, or the last line of the input. */
static int cap_end(const struct vmx_import_ctx *c, const struct vmx_import_capture *cap)
{
	size_t k = (size_t)(cap - c->caps);
	return k + 1 < c->n_caps ? c->caps[k + 1].first_line - 1 : c->lines;
}

/*
 * Check one capture of a full log (VirtualBox, VMware) and turn it into a snapshot.  Returns 1 when the
 * capture is empty (a header with nothing after it), 0 on success, -1 with *d.
 */
static int finish_full(struct vmx_import_ctx *c, struct vmx_import_capture *cap, struct vmx_snapshot *s)
{
	const char *fn = c->fname;
	const char *prod = cap->product[0] ? cap->product : format_titles[c->fmt];
	int at = cap->first_line;
	if (cap->msr_seen == 0 && cap->n_leaf == 0) {
		if (cap->guest_lines) {
			vmx_diag_set(c->d, fn, at,
				     "guest-only capture: %d guest CPUID line(s) but no host values: expected %s", cap->guest_lines,
				     c->fmt == VMX_IMPORT_VMWARE ? "'hostCPUID level' and 'Common: MSR' lines"
								 : "'Hst:' lines in the CPUID dump and 'HM: MSR_IA32_' lines");
			return -1;
		}
		return 1;
	}
	/* CPUID: host values, leaf 0, Intel, not a VM. */
	int l0line = 0;
	const struct vmx_cpuid_leaf *l0 = cap_leaf(cap, 0, 0, &l0line);
	if (cap->n_leaf == 0) {
		vmx_diag_set(c->d, fn, cap->last_line,
			     "no host CPUID values in the capture starting at line %d (%s): %s; expected %s (is the log "
			     "truncated?)",
			     at, prod, cap->guest_lines ? "only guest CPUID lines" : "the log ends before the CPUID dump",
			     c->fmt == VMX_IMPORT_VMWARE ? "'hostCPUID level' lines" : "'Hst:' lines in the CPUID dump");
		return -1;
	}
	if (!l0) {
		vmx_diag_set(c->d, fn, cap->leaf_line[0],
			     "the host CPUID values lack leaf 0 (vendor and maximum leaf): expected the dump to start at "
			     "leaf 0 (is the log truncated or trimmed?)");
		return -1;
	}
	char vendor[13];
	vendor_str(l0, vendor);
	if (strcmp(vendor, "GenuineIntel") != 0) {
		vmx_diag_set(c->d, fn, l0line, "host CPU vendor is '%s': expected GenuineIntel (vmxcfg describes Intel VMX)",
			     vendor);
		return -1;
	}
	int line1 = 0;
	const struct vmx_cpuid_leaf *l1 = cap_leaf(cap, 1, 0, &line1);
	if (l1 && (l1->ecx >> 31) & 1u) {
		vmx_diag_set(c->d, fn, line1,
			     "host CPUID.1:ECX bit 31 (hypervisor present) is set: %s ran under another hypervisor "
			     "(inside a virtual machine, or on a Windows host with Hyper-V enabled), so these are "
			     "virtual values, not a real CPU's; expected a log from a VM on bare metal",
			     prod);
		return -1;
	}
	for (size_t i = 0; i < cap->n_leaf; i++) {
		char sig[13];
		if (cap->leaf[i].leaf == 0x40000000u && hv_signature(&cap->leaf[i], sig)) {
			vmx_diag_set(c->d, fn, cap->leaf_line[i],
				     "host CPUID leaf 0x40000000 carries the hypervisor signature '%s': %s ran under "
				     "another hypervisor (inside a virtual machine, or on a Windows host with Hyper-V "
				     "enabled); expected a log from a VM on bare metal",
				     sig, prod);
			return -1;
		}
	}
	/* MSRs: present, not all zero, complete. */
	if (!(cap->msr_seen & ~1u)) {
		vmx_diag_set(c->d, fn, cap->last_line,
			     "no VMX capability MSR lines in the capture starting at line %d (%s): expected %s; %s did not "
			     "use VT-x here (VT-x off, or another hypervisor such as Hyper-V owns it), this version does "
			     "not log them, or the log is truncated",
			     at, prod,
			     c->fmt == VMX_IMPORT_VMWARE ? "'Common: MSR 0x480 = ...' lines" : "'HM: MSR_IA32_VMX_BASIC = ...' lines",
			     c->fmt == VMX_IMPORT_VMWARE ? "VMware" : "VirtualBox");
		return -1;
	}
	int nonzero = 0;
	for (int i = VMX_MSR_BASIC; i < VMX_MSR_COUNT; i++)
		if (has(cap, (enum vmx_msr_slot)i) && cap->msr[i])
			nonzero = 1;
	if (!nonzero || (has(cap, VMX_MSR_BASIC) && cap->msr[VMX_MSR_BASIC] == 0)) {
		vmx_diag_set(c->d, fn, has(cap, VMX_MSR_BASIC) ? cap->msr_line[VMX_MSR_BASIC] : at,
			     "%s: IA32_VMX_BASIC reads 0: no real VMX CPU reports that; the host is itself a virtual "
			     "machine whose hypervisor hides VMX (or the product ran on top of Hyper-V); expected real "
			     "capability MSR values",
			     nonzero ? "IA32_VMX_BASIC is 0" : "every VMX capability MSR is 0");
		return -1;
	}
	char missing[256] = "";
	for (int i = VMX_MSR_BASIC; i <= VMX_MSR_VMCS_ENUM; i++)
		if (!has(cap, (enum vmx_msr_slot)i)) {
			size_t len = strlen(missing);
			snprintf(missing + len, sizeof(missing) - len, "%s0x%" PRIx32, len ? ", " : "",
				 vmx_msr_index((enum vmx_msr_slot)i));
		}
	if (missing[0]) {
		int last = 0;
		for (int i = 0; i < VMX_MSR_COUNT; i++)
			if (has(cap, (enum vmx_msr_slot)i) && cap->msr_line[i] > last)
				last = cap->msr_line[i];
		vmx_diag_set(c->d, fn, last,
			     "incomplete MSR block: MSR(s) %s missing after this line; every VMX CPU has 0x480-0x48a and "
			     "%s logs them together (is the log truncated or trimmed?)",
			     missing, c->fmt == VMX_IMPORT_VMWARE ? "VMware" : "VirtualBox");
		return -1;
	}
	/* VMware's zeros: absent or real? */
	if (c->fmt == VMX_IMPORT_VMWARE) {
		char dropped[VMX_META_VAL] = "", kept[VMX_META_VAL] = "";
		for (int i = VMX_MSR_PROCBASED2; i < VMX_MSR_COUNT; i++) {
			if (!has(cap, (enum vmx_msr_slot)i) || cap->msr[i] != 0)
				continue;
			char why[160], lab[64];
			int ex = msr_exists(cap->msr, cap->msr_seen, (enum vmx_msr_slot)i, why, sizeof(why));
			char *dst = ex ? kept : dropped;
			size_t len = strlen(dst);
			snprintf(dst + len, VMX_META_VAL - len, "%s%s (%s)", len ? "; " : "",
				 slot_label((enum vmx_msr_slot)i, lab, sizeof(lab)), why);
			if (!ex)
				cap->msr_seen &= ~(1u << i);
		}
		if (dropped[0])
			vmx_imp_note(cap, "VMware logs 0 for an MSR the CPU lacks; dropped as absent: %s", dropped);
		if (kept[0])
			vmx_imp_note(cap, "VMware logs 0 for an MSR the CPU lacks; kept as a real 0 because the capability "
					  "bits say it exists: %s",
				     kept);
	}
	/* MSRs the capability bits promise but the log does not have. */
	{
		char lost[VMX_META_VAL] = "";
		for (int i = VMX_MSR_PROCBASED2; i < VMX_MSR_COUNT; i++) {
			char why[160];
			if (has(cap, (enum vmx_msr_slot)i) ||
			    !msr_exists(cap->msr, cap->msr_seen, (enum vmx_msr_slot)i, why, sizeof(why)))
				continue;
			size_t len = strlen(lost);
			snprintf(lost + len, sizeof(lost) - len, "%s0x%" PRIx32, len ? ", " : "",
				 vmx_msr_index((enum vmx_msr_slot)i));
		}
		int last = 0;
		for (int i = 0; i < VMX_MSR_COUNT; i++)
			if (has(cap, (enum vmx_msr_slot)i) && cap->msr_line[i] > last)
				last = cap->msr_line[i];
		if (lost[0] && c->fmt == VMX_IMPORT_VMWARE && last + 1 >= cap_end(c, cap)) {
			/* MSRs missing and the log ends within a line of the MSR block: cut in the middle of it. */
			vmx_diag_set(c->d, fn, last,
				     "incomplete MSR block: MSR(s) %s missing after this line although the CPU's capability "
				     "bits say they exist, and the log ends here: it is truncated",
				     lost);
			return -1;
		}
		if (lost[0])
			vmx_imp_note(cap, "MSR(s) %s not in the log though the CPU's capability bits say they exist: left "
					  "out (absent) of this profile",
				     lost);
		if (!has(cap, VMX_MSR_FEATURE_CONTROL))
			vmx_imp_note(cap, "IA32_FEATURE_CONTROL (0x3a) not in the log: whether firmware enabled VMX is "
					  "unknown");
	}
	/* CPUID: keep the real leaves only. */
	uint32_t max_basic = l0->eax;
	const struct vmx_cpuid_leaf *lx = cap_leaf(cap, 0x80000000u, 0, NULL);
	int ext_known = lx && lx->eax >= 0x80000000u && lx->eax <= 0x8000ffffu;
	uint32_t max_ext = ext_known ? lx->eax : 0;
	if (lx && !ext_known)
		max_ext = 0x80000000u; /* leaf 0x80000000 exists but enumerates no further extended leaf */
	char above[VMX_META_VAL] = "", outside[VMX_META_VAL] = "";
	int n_above = 0, n_outside = 0;
	struct vmx_cpuid_leaf *keep = malloc(cap->n_leaf * sizeof(*keep) + 1);
	if (!keep) {
		vmx_diag_set(c->d, fn, 0, "out of memory");
		return -1;
	}
	size_t nk = 0;
	for (size_t i = 0; i < cap->n_leaf; i++) {
		const struct vmx_cpuid_leaf *l = &cap->leaf[i];
		if (l->leaf < 0x40000000u) {
			if (l->leaf > max_basic) {
				list_add(above, sizeof(above), &n_above, l);
				continue;
			}
		} else if (l->leaf >= 0x80000000u && l->leaf <= 0x8000ffffu) {
			if (lx && l->leaf > max_ext) {
				list_add(above, sizeof(above), &n_above, l);
				continue;
			}
		} else {
			list_add(outside, sizeof(outside), &n_outside, l);
			continue;
		}
		keep[nk++] = *l;
	}
	qsort(keep, nk, sizeof(*keep), leaf_cmp);
	if (nk > VMX_CPUID_MAX) {
		free(keep);
		vmx_diag_set(c->d, fn, at, "%zu host CPUID leaves in the capture: a profile holds at most %d", nk,
			     VMX_CPUID_MAX);
		return -1;
	}
	if (n_above)
		vmx_imp_note(cap, "CPUID leaves above the CPU's own maximum (CPUID.0.EAX = 0x%" PRIx32
				  ", CPUID.80000000h.EAX = 0x%" PRIx32 ") dropped: %s",
			     max_basic, max_ext, above);
	if (n_outside)
		vmx_imp_note(cap, "CPUID leaves outside the basic and extended ranges (hypervisor, Centaur) dropped: %s",
			     outside);
	if (!lx)
		vmx_imp_note(cap, "no host CPUID leaf 0x80000000: extended leaves kept unfiltered");
	vmx_snapshot_init(s);
	for (size_t i = 0; i < nk; i++)
		vmx_snapshot_set_cpuid(s, &keep[i]);
	free(keep);
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		if (has(cap, (enum vmx_msr_slot)i))
			vmx_snapshot_set_msr(s, vmx_msr_index((enum vmx_msr_slot)i), cap->msr[i]);
	return 0;
}

/*
 * A capture of a partial format (vmxcap, cpuinfo): MSR bits known per known[]; CPUID only if the format
 * carries some.  1 = empty, 0 = ok, -1 with *d.
 */
static int finish_partial(struct vmx_import_ctx *c, struct vmx_import_capture *cap, struct vmx_snapshot *s)
{
	if (cap->msr_seen == 0 && cap->n_leaf == 0)
		return 1;
	for (size_t i = 0; i < cap->n_leaf; i++) {
		char sig[13];
		if (cap->leaf[i].leaf == 0x40000000u && hv_signature(&cap->leaf[i], sig)) {
			vmx_diag_set(c->d, c->fname, cap->leaf_line[i],
				     "hypervisor signature '%s': these values come from a virtual machine", sig);
			return -1;
		}
	}
	vmx_snapshot_init(s);
	struct vmx_cpuid_leaf *keep = malloc(cap->n_leaf * sizeof(*keep) + 1);
	if (!keep) {
		vmx_diag_set(c->d, c->fname, 0, "out of memory");
		return -1;
	}
	memcpy(keep, cap->leaf, cap->n_leaf * sizeof(*keep));
	qsort(keep, cap->n_leaf, sizeof(*keep), leaf_cmp);
	for (size_t i = 0; i < cap->n_leaf && i < VMX_CPUID_MAX; i++)
		vmx_snapshot_set_cpuid(s, &keep[i]);
	free(keep);
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		if (has(cap, (enum vmx_msr_slot)i)) {
			vmx_snapshot_set_msr(s, vmx_msr_index((enum vmx_msr_slot)i), cap->msr[i] & cap->known[i]);
			s->known[i] = cap->known[i];
			if (cap->known[i] != ~(uint64_t)0)
				s->flags |= VMX_SNAP_PARTIAL;
		}
	if (cap->partial)
		s->flags |= VMX_SNAP_PARTIAL;
	return 0;
}

/* ---- hosts ------------------------------------------------------------------------------------------ */

/* Same machine?  Every MSR both have is equal, and the CPU identity (leaf 0, leaf 1 without per-CPU and
 * per-OS bits, brand string) agrees. */
static int same_host(const struct vmx_snapshot *a, const struct vmx_snapshot *b)
{
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		if (vmx_snapshot_has(a, (enum vmx_msr_slot)i) && vmx_snapshot_has(b, (enum vmx_msr_slot)i) &&
		    ((a->msr[i] ^ b->msr[i]) & a->known[i] & b->known[i]))
			return 0;
	static const uint32_t ids[] = { 0, 1, 0x80000002u, 0x80000003u, 0x80000004u };
	for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		const struct vmx_cpuid_leaf *x = vmx_snapshot_find_cpuid(a, ids[k], 0);
		const struct vmx_cpuid_leaf *y = vmx_snapshot_find_cpuid(b, ids[k], 0);
		if (!x || !y)
			continue;
		uint32_t mb = ids[k] == 1 ? 0x00ffffffu : ~0u;         /* EBX[31:24]: initial APIC ID */
		uint32_t mc = ids[k] == 1 ? ~(1u << 27) : ~0u;         /* ECX[27]: OSXSAVE */
		if (x->eax != y->eax || ((x->ebx ^ y->ebx) & mb) || ((x->ecx ^ y->ecx) & mc) || x->edx != y->edx)
			return 0;
	}
	return 1;
}

/* Merge b into a: records a lacks are added (the first value seen wins). */
static void merge_into(struct vmx_snapshot *a, const struct vmx_snapshot *b)
{
	for (uint32_t i = 0; i < b->n_cpuid; i++)
		if (!vmx_snapshot_find_cpuid(a, b->cpuid[i].leaf, b->cpuid[i].subleaf) && a->n_cpuid < VMX_CPUID_MAX)
			vmx_snapshot_set_cpuid(a, &b->cpuid[i]);
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		if (vmx_snapshot_has(b, (enum vmx_msr_slot)i) && !vmx_snapshot_has(a, (enum vmx_msr_slot)i)) {
			vmx_snapshot_set_msr(a, vmx_msr_index((enum vmx_msr_slot)i), b->msr[i]);
			a->known[i] = b->known[i];
		}
	qsort(a->cpuid, a->n_cpuid, sizeof(a->cpuid[0]), leaf_cmp);
}

static void cpu_name(const struct vmx_snapshot *s, char *out, size_t n)
{
	char raw[49];
	size_t k = 0;
	for (uint32_t leaf = 0x80000002u; leaf <= 0x80000004u; leaf++) {
		const struct vmx_cpuid_leaf *l = vmx_snapshot_find_cpuid(s, leaf, 0);
		if (!l) {
			k = 0;
			break;
		}
		uint32_t r[4] = { l->eax, l->ebx, l->ecx, l->edx };
		for (int i = 0; i < 4; i++)
			for (int b = 0; b < 4; b++)
				raw[k++] = (char)((r[i] >> (8 * b)) & 0xff);
	}
	raw[k] = 0;
	/* Printable characters, runs of blanks collapsed, trimmed. */
	size_t o = 0;
	for (size_t i = 0; i < k && raw[i] && o + 1 < n; i++) {
		char ch = raw[i];
		if (ch < 0x20 || ch >= 0x7f)
			ch = ' ';
		if (ch == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = ch;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
	if (o == 0) {
		const struct vmx_cpuid_leaf *l1 = vmx_snapshot_find_cpuid(s, 1, 0);
		if (l1)
			snprintf(out, n, "Intel CPU family %u model 0x%x stepping %u", vmx_cpuid_family(s),
				 vmx_cpuid_model(s), l1->eax & 0xfu);
		else
			snprintf(out, n, "unknown Intel CPU");
	}
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

static int add_host(struct vmx_import_ctx *c, struct vmx_import_result *r, struct vmx_import_capture *cap,
		    const struct vmx_snapshot *s)
{
	/* Same as an earlier host? Merge. */
	for (size_t h = 0; h < r->n_hosts; h++) {
		struct vmx_import_host *H = &r->hosts[h];
		if (same_host(&H->prof.cpus[0].snap, s)) {
			merge_into(&H->prof.cpus[0].snap, s);
			H->n_captures++;
			char v[VMX_META_VAL];
			if (c->fmt == VMX_IMPORT_CPUINFO)
				snprintf(v, sizeof(v), "%d processor blocks with the same values: one profile", H->n_captures);
			else
				snprintf(v, sizeof(v), "%d captures of this host in the log (the first, lines %d-%d, wins; "
						       "later ones only add records it lacks)",
					 H->n_captures, H->first_line, H->last_line);
			vmx_profile_set_meta(&H->prof, "captures", v);
			return 0;
		}
	}
	struct vmx_import_host *nh = realloc(r->hosts, (r->n_hosts + 1) * sizeof(*nh));
	if (!nh) {
		vmx_diag_set(c->d, c->fname, 0, "out of memory");
		return -1;
	}
	r->hosts = nh;
	struct vmx_import_host *H = &r->hosts[r->n_hosts];
	memset(H, 0, sizeof(*H));
	vmx_profile_init(&H->prof);
	H->first_line = cap->first_line;
	H->last_line = cap->last_line;
	H->n_captures = 1;
	if (vmx_profile_add_cpu(&H->prof, -1, s)) {
		vmx_diag_set(c->d, c->fname, 0, "out of memory");
		return -1;
	}
	r->n_hosts++;
	char v[VMX_META_VAL];
	cpu_name(s, v, sizeof(v));
	if (cap->cpu_name[0] && !vmx_snapshot_find_cpuid(s, 0x80000002u, 0))
		snprintf(v, sizeof(v), "%s", cap->cpu_name);
	else if (c->fmt == VMX_IMPORT_VMXCAP && !vmx_snapshot_find_cpuid(s, 0x80000002u, 0))
		snprintf(v, sizeof(v), "unknown CPU (vmxcap output names no CPU)");
	vmx_profile_set_meta(&H->prof, "name", v);
	const char *prod = cap->product[0] ? cap->product : "unknown version (no product header in the log)";
	snprintf(v, sizeof(v), "%s, %s, lines %d-%d of %s (vmxcfg import --format %s)", format_titles[c->fmt], prod,
		 cap->first_line, cap->last_line, base_name(c->fname), format_names[c->fmt]);
	vmx_profile_set_meta(&H->prof, "source", v);
	vmx_profile_set_meta(&H->prof, "format", format_names[c->fmt]);
	vmx_profile_set_meta(&H->prof, "product", prod);
	for (int i = 0; i < cap->n_notes; i++) {
		char k[VMX_META_KEY];
		if (i == 0)
			snprintf(k, sizeof(k), "note");
		else
			snprintf(k, sizeof(k), "note%d", i + 1);
		vmx_profile_set_meta(&H->prof, k, cap->notes[i]);
	}
	/* Metadata is one line each: no control characters from file names or log text. */
	for (size_t i = 0; i < H->prof.n_meta; i++)
		for (char *q = H->prof.meta[i].value; *q; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f)
				*q = '?';
	return 0;
}

void vmx_import_result_free(struct vmx_import_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_hosts; i++)
		vmx_profile_free(&r->hosts[i].prof);
	free(r->hosts);
	r->hosts = NULL;
	r->n_hosts = 0;
}

int vmx_import_buf(const char *text, size_t len, const char *fname, enum vmx_import_format fmt,
		   struct vmx_import_result *r, struct vmx_diag *d)
{
	struct vmx_diag dummy;
	if (!d)
		d = &dummy;
	if (!fname)
		fname = "<input>";
	r->format = VMX_IMPORT_AUTO;
	r->n_hosts = 0;
	r->hosts = NULL;
	if (len == 0 || !text) {
		vmx_diag_set(d, fname, 0, "empty file: expected a log, vmxcap output or /proc/cpuinfo to import");
		return -1;
	}
	const char *nul = memchr(text, 0, len);
	if (nul) {
		int line = 1;
		for (const char *q = text; q < nul; q++)
			line += *q == '\n';
		vmx_diag_set(d, fname, line, "binary data (a NUL byte): expected a text log");
		return -1;
	}
	if (fmt == VMX_IMPORT_AUTO && vmx_profile_looks_like(text, len))
		fmt = VMX_IMPORT_PROFILE;
	if (fmt == VMX_IMPORT_PROFILE) {
		vmx_diag_set(d, fname, 1, "already a vmxcfg profile: nothing to import (use it with --profile)");
		return -1;
	}
	if ((unsigned)fmt >= VMX_IMPORT_PROFILE) {
		vmx_diag_set(d, fname, 0, "unknown import format %d", (int)fmt);
		return -1;
	}
	/* Every parser reads the undecorated text; its lines are the input's lines (vmx_paste_clean). */
	size_t clean_len;
	char *clean = vmx_paste_clean(text, len, &clean_len);
	if (!clean) {
		vmx_diag_set(d, fname, 0, "out of memory");
		return -1;
	}
	text = clean;
	len = clean_len;
	if (fmt == VMX_IMPORT_AUTO) {
		fmt = detect_clean(text, len, fname, d);
		if (fmt == VMX_IMPORT_AUTO) {
			free(clean);
			return -1;
		}
	}
	struct vmx_import_ctx c;
	memset(&c, 0, sizeof(c));
	c.fname = fname;
	c.fmt = fmt;
	c.d = d;
	int rc;
	switch (fmt) {
	case VMX_IMPORT_VBOX: rc = vmx_import_parse_vbox(&c, text, len); break;
	case VMX_IMPORT_VMWARE: rc = vmx_import_parse_vmware(&c, text, len); break;
	case VMX_IMPORT_VMXCAP: rc = vmx_import_parse_vmxcap(&c, text, len); break;
	case VMX_IMPORT_CPUINFO: rc = vmx_import_parse_cpuinfo(&c, text, len); break;
	default: rc = -1; vmx_diag_set(d, fname, 0, "no parser for this format"); break;
	}
	r->format = fmt;
	struct vmx_snapshot *s = rc == 0 ? malloc(sizeof(*s)) : NULL;
	if (rc == 0 && !s) {
		vmx_diag_set(d, fname, 0, "out of memory");
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < c.n_caps; i++) {
		int f = (fmt == VMX_IMPORT_VBOX || fmt == VMX_IMPORT_VMWARE) ? finish_full(&c, &c.caps[i], s)
									      : finish_partial(&c, &c.caps[i], s);
		if (f < 0)
			rc = -1;
		else if (f == 0 && add_host(&c, r, &c.caps[i], s))
			rc = -1;
	}
	if (rc == 0 && r->n_hosts == 0) {
		if (c.n_caps)
			vmx_diag_set(d, fname, c.lines,
				     "%zu capture(s) (product headers) but no host values after any of them: expected "
				     "VMX MSR and host CPUID lines (is the log truncated?)",
				     c.n_caps);
		else
			vmx_diag_set(d, fname, c.lines, "nothing to import: no host VMX MSR or CPUID lines in this %s",
				     format_titles[fmt]);
		rc = -1;
	}
	free(s);
	free(c.caps);
	free(clean);
	if (rc)
		vmx_import_result_free(r);
	return rc;
}

int vmx_import_file(const char *path, enum vmx_import_format fmt, struct vmx_import_result *r, struct vmx_diag *d)
{
	char *buf;
	size_t len;
	r->n_hosts = 0;
	r->hosts = NULL;
	if (vmx_read_file(path, &buf, &len, d))
		return -1;
	int rc = vmx_import_buf(buf, len, path, fmt, r, d);
	free(buf);
	return rc;
}

void vmx_import_describe_hosts(const struct vmx_import_result *r, char *buf, size_t len)
{
	buf[0] = 0;
	for (size_t i = 0; i < r->n_hosts; i++) {
		size_t o = strlen(buf);
		const char *name = vmx_profile_meta(&r->hosts[i].prof, "name");
		const char *prod = vmx_profile_meta(&r->hosts[i].prof, "product");
		snprintf(buf + o, len - o, "%s%zu: %s, %s (lines %d-%d)", i ? "; " : "", i + 1, name ? name : "?",
			 prod ? prod : "?", r->hosts[i].first_line, r->hosts[i].last_line);
	}
}

int vmx_import_one(const char *text, size_t len, const char *fname, enum vmx_import_format fmt, int host,
		   struct vmx_profile *p, struct vmx_diag *d)
{
	struct vmx_import_result r;
	vmx_profile_init(p);
	if (vmx_import_buf(text, len, fname, fmt, &r, d))
		return -1;
	if (host < 0 || (size_t)host > r.n_hosts || (host == 0 && r.n_hosts > 1)) {
		char list[VMX_META_VAL];
		vmx_import_describe_hosts(&r, list, sizeof(list));
		if (host == 0)
			vmx_diag_set(d, fname, 0,
				     "%zu different hosts in this log (%s): expected one; pick one with 'vmxcfg import "
				     "%s --host N -o FILE.profile'",
				     r.n_hosts, list, fname);
		else
			vmx_diag_set(d, fname, 0, "no host %d: the log holds %zu (%s)", host, r.n_hosts, list);
		vmx_import_result_free(&r);
		return -1;
	}
	size_t k = host ? (size_t)host - 1 : 0;
	*p = r.hosts[k].prof;
	vmx_profile_init(&r.hosts[k].prof);
	vmx_import_result_free(&r);
	return 0;
}

int vmx_import_load_any(const char *path, struct vmx_profile *p, enum vmx_import_format *imported,
			struct vmx_diag *d)
{
	char *buf;
	size_t len;
	vmx_profile_init(p);
	if (vmx_read_file(path, &buf, &len, d))
		return -1;
	int rc;
	if (len == 0 || vmx_profile_looks_like(buf, len)) {
		rc = vmx_profile_parse(buf, len, path, p, d);
		if (imported)
			*imported = VMX_IMPORT_PROFILE;
	} else {
		enum vmx_import_format f = vmx_import_detect(buf, len, path, d);
		if (imported)
			*imported = f;
		if (f == VMX_IMPORT_AUTO && d && strncmp(d->msg, "ambiguous", 9) != 0) {
			/* Neither a profile nor anything importable: the profile reader says what a profile needs. */
			rc = vmx_profile_parse(buf, len, path, p, d);
			if (rc && d) {
				size_t n = strlen(d->msg);
				snprintf(d->msg + n, sizeof(d->msg) - n,
					 " (nor is it a VBox.log, vmware.log, vmxcap output or /proc/cpuinfo that vmxcfg "
					 "imports)");
			}
		} else
			rc = f == VMX_IMPORT_AUTO ? -1 : vmx_import_one(buf, len, path, f, 0, p, d);
	}
	free(buf);
	return rc;
}
