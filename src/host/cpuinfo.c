/* SPDX-License-Identifier: MIT */
/* /proc/cpuinfo "vmx flags" reader: partial snapshots (kvm-setup.md §4). */
#define _POSIX_C_SOURCE 200809L
#include "host/cpuinfo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/bits.h>

#include "host/fmt.h"
#include "host/import.h"
#include "host/lint.h"

/* One printable flag: the MSR slot and bit it reveals (allowed-1 half), and the first name set printing it. */
struct flag {
	const char *name;
	int slot;     /* enum vmx_msr_slot, or -1 for a synthetic flag */
	uint8_t bit;  /* bit of the 64-bit MSR value */
	uint8_t since; /* enum vmx_cpuinfo_names */
};

#define MAX_FLAGS 40

/* Flags with a kernel-version gate (kvm-setup.md §4: v5.10 lacks 4 names, v6.1/v6.6 lack 2). */
static enum vmx_cpuinfo_names flag_since(const char *name)
{
	if (!strcmp(name, "notify_vm_exiting") || !strcmp(name, "ipi_virt"))
		return VMX_CPUINFO_NAMES_6_1;
	if (!strcmp(name, "ept_5level") || !strcmp(name, "ept_violation_ve"))
		return VMX_CPUINFO_NAMES_6_16;
	return VMX_CPUINFO_NAMES_5_10;
}

static size_t build_flags(struct flag *f)
{
	static const struct {
		enum vmx_class cls;
		enum vmx_msr_slot slot;
		uint8_t shift; /* 32 for the allowed-1 half of a 32-bit control MSR */
	} map[] = {
		{ VMX_CLASS_PIN, VMX_MSR_PINBASED, 32 },	{ VMX_CLASS_PRIMARY, VMX_MSR_PROCBASED, 32 },
		{ VMX_CLASS_SECONDARY, VMX_MSR_PROCBASED2, 32 }, { VMX_CLASS_TERTIARY, VMX_MSR_PROCBASED3, 0 },
		{ VMX_CLASS_EPT_VPID, VMX_MSR_EPT_VPID_CAP, 0 },
	};
	size_t n = 0;
	for (size_t m = 0; m < sizeof(map) / sizeof(map[0]); m++) {
		const struct vmx_class_info *ci = vmx_class_get(map[m].cls);
		for (size_t i = 0; i < ci->n_bits && n < MAX_FLAGS - 3; i++) {
			const struct vmx_bit_info *b = &ci->bits[i];
			if (!b->linux_flag)
				continue;
			f[n].name = b->linux_flag;
			f[n].slot = (int)map[m].slot;
			f[n].bit = (uint8_t)(b->bit + map[m].shift);
			f[n].since = (uint8_t)flag_since(b->linux_flag);
			n++;
		}
	}
	/* Word 0 bits 31:28 = high half of IA32_VMX_VMFUNC (kernel reads the high half: bit 32, quirk §4). */
	f[n++] = (struct flag){ "eptp_switching", VMX_MSR_VMFUNC, 32, VMX_CPUINFO_NAMES_5_10 };
	/* Synthetic: derived from other printed bits; checked for consistency only. */
	f[n++] = (struct flag){ "flexpriority", -1, 0, VMX_CPUINFO_NAMES_5_10 };
	f[n++] = (struct flag){ "apicv", -1, 1, VMX_CPUINFO_NAMES_5_10 };
	return n;
}

int vmx_cpuinfo_names_for_release(const char *release)
{
	if (!release)
		return -1;
	char *end;
	long maj = strtol(release, &end, 10);
	if (end == release || *end != '.')
		return -1;
	const char *m = end + 1;
	long min = strtol(m, &end, 10);
	if (end == m)
		return -1;
	if (maj > 6 || (maj == 6 && min >= 16))
		return VMX_CPUINFO_NAMES_6_16;
	if (maj == 6 && min >= 1)
		return VMX_CPUINFO_NAMES_6_1;
	return VMX_CPUINFO_NAMES_5_10;
}

const char *vmx_cpuinfo_names_label(enum vmx_cpuinfo_names n)
{
	switch (n) {
	case VMX_CPUINFO_NAMES_6_16: return "6.16+";
	case VMX_CPUINFO_NAMES_6_1: return "6.1-6.15";
	default: return "5.6-6.0";
	}
}

/* --- line scanning -------------------------------------------------------------------------------- */

/*
 * Text pasted from a mail or a note is often hard-wrapped at 72-90 columns: the long "flags", "vmx flags" and
 * "bugs" values then continue on lines of their own.  Each physical line of such a value is a segment; the
 * value is the segments in order.
 */
struct seg {
	const char *p, *e; /* the segment's text (in the undecorated copy of the input) */
	int line;          /* its line */
};

/* One word of a value: text a (and b when it was broken across two lines), and its line. */
struct tok {
	const char *a, *b;
	size_t an, bn;
	int line, line2;
};

struct block {
	int processor;
	int line;          /* line of "processor" */
	int flags_line, vmx_line;
	size_t flags_seg, flags_nseg; /* the "flags" value: segments in the parse's table */
	size_t vmx_seg, vmx_nseg;     /* the "vmx flags" value */
	bool has_vmx;                 /* a "vmx flags" line */
	struct tok *tok;              /* the words of "vmx flags" (malloc'ed) */
	size_t ntok;
	bool vmx_flag, sgx_flag, svm_flag, hypervisor;
	int hypervisor_line;
	char vendor[16];
	char model_name[128];
	long family, model, stepping, level;
};

struct scan {
	struct seg *seg;
	size_t nseg, cap;
};

static int add_seg(struct scan *x, const char *p, const char *e, int line)
{
	if (x->nseg == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 64;
		struct seg *n = realloc(x->seg, cap * sizeof(*n));
		if (!n)
			return -1;
		x->seg = n;
		x->cap = cap;
	}
	x->seg[x->nseg++] = (struct seg){ p, e, line };
	return 0;
}

/* Append a remark to info->warning ("; "-separated; dropped when there is no room). */
static void remark(struct vmx_cpuinfo_info *info, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void remark(struct vmx_cpuinfo_info *info, const char *fmt, ...)
{
	char buf[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	size_t o = strlen(info->warning);
	if (o + strlen(buf) + 3 < sizeof(info->warning))
		snprintf(info->warning + o, sizeof(info->warning) - o, "%s%s", o ? "; " : "", buf);
}

/* Next word of [*p, e): 1 with [*w, *p) the word, 0 at the end. */
static int next_word(const char **p, const char *e, const char **w)
{
	while (*p < e && (**p == ' ' || **p == '\t'))
		(*p)++;
	*w = *p;
	while (*p < e && **p != ' ' && **p != '\t')
		(*p)++;
	return *p > *w;
}

/* A continuation of a wrapped value: no colon, only the characters of Linux flag names. */
static bool flag_words(const char *p, const char *e)
{
	bool any = false;
	for (; p < e; p++) {
		char ch = *p;
		if (ch == ' ' || ch == '\t')
			continue;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
		any = true;
	}
	return any;
}

/* Last and first word of two segments. */
static bool seg_last(const struct seg *s, const char **w, size_t *n)
{
	const char *e = s->e;
	while (e > s->p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	const char *b = e;
	while (b > s->p && b[-1] != ' ' && b[-1] != '\t')
		b--;
	*w = b;
	*n = (size_t)(e - b);
	return e > b;
}

static bool seg_first(const struct seg *s, const char **w, size_t *n)
{
	const char *p = s->p;
	if (!next_word(&p, s->e, w))
		return false;
	*n = (size_t)(p - *w);
	return true;
}

/*
 * Is w a word of the value (segments sg[0..n))?  0 no; 1 yes; 2 yes, made of the last word of one line and the
 * first of the next (*line = the first of the two lines): no Linux flag is a part of "vmx", "svm", "sgx" or
 * "hypervisor", so those pieces are a word broken by the wrap.
 */
static int value_has(const struct seg *sg, size_t n, const char *w, int *line)
{
	size_t wl = strlen(w);
	for (size_t i = 0; i < n; i++) {
		const char *p = sg[i].p, *x;
		while (next_word(&p, sg[i].e, &x))
			if ((size_t)(p - x) == wl && memcmp(x, w, wl) == 0)
				return 1;
	}
	for (size_t i = 0; i + 1 < n; i++) {
		const char *a, *b;
		size_t an, bn;
		if (seg_last(&sg[i], &a, &an) && seg_first(&sg[i + 1], &b, &bn) && an + bn == wl && !memcmp(w, a, an) &&
		    !memcmp(w + an, b, bn)) {
			*line = sg[i].line;
			return 2;
		}
	}
	return 0;
}

/* strtol within [v, ve): the text need not be NUL-terminated (found by fuzz/fuzz_cpuinfo). */
static long dec_in(const char *v, const char *ve, const char **endp)
{
	char tmp[24];
	size_t n = (size_t)(ve - v) < sizeof(tmp) - 1 ? (size_t)(ve - v) : sizeof(tmp) - 1;
	memcpy(tmp, v, n);
	tmp[n] = 0;
	char *e;
	long x = strtol(tmp, &e, 10);
	if (endp)
		*endp = v + (e - tmp);
	return x;
}

static void copy_val(char *dst, size_t n, const char *v, const char *end)
{
	size_t l = (size_t)(end - v);
	if (l >= n)
		l = n - 1;
	memcpy(dst, v, l);
	dst[l] = 0;
}

static void block_init(struct block *b)
{
	memset(b, 0, sizeof(*b));
	b->processor = -1;
	b->family = b->model = b->stepping = b->level = -1;
}

/* --- words of "vmx flags" ------------------------------------------------------------------------- */

static int tok_is(const struct tok *t, const char *name)
{
	size_t n = strlen(name);
	return n == t->an + t->bn && memcmp(name, t->a, t->an) == 0 && (t->bn == 0 || memcmp(name + t->an, t->b, t->bn) == 0);
}

static bool known_name(const struct flag *fl, size_t nf, const struct tok *t)
{
	for (size_t k = 0; k < nf; k++)
		if (tok_is(t, fl[k].name))
			return true;
	return false;
}

/*
 * The words of a block's "vmx flags" value.  A wrap between two words (hard-wrapped text never splits a word)
 * keeps them apart.  A word broken by an editor that cuts at a fixed column is rejoined only when that is the
 * one reading made of known names: the last word of a line and the first of the next form a name Linux prints
 * while one of them alone is none (no name is two other names in a row, tests/unit/test_cpuinfo.c checks it);
 * the join is remarked in info->warning with its lines.  Any other word that is no name stays a word of its
 * own and is refused by block_snapshot at its line, so a piece of a name is never silently lost (a lost name
 * would read as "known not allowed" and could turn into a wrong -EIO verdict).
 */
static int tokenize(struct block *b, const struct scan *x, const struct flag *fl, size_t nf, const char *fname,
		    struct vmx_cpuinfo_info *info, int *joins)
{
	size_t cap = 0;
	for (size_t i = 0; i < b->vmx_nseg; i++)
		cap += (size_t)(x->seg[b->vmx_seg + i].e - x->seg[b->vmx_seg + i].p) / 2 + 1;
	b->tok = malloc((cap + 1) * sizeof(*b->tok));
	if (!b->tok)
		return -1;
	b->ntok = 0;
	for (size_t i = 0; i < b->vmx_nseg; i++) {
		const struct seg *sg = &x->seg[b->vmx_seg + i];
		const char *p = sg->p, *w;
		bool first = true;
		while (next_word(&p, sg->e, &w)) {
			struct tok t = { w, NULL, (size_t)(p - w), 0, sg->line, sg->line };
			if (first && b->ntok > 0 && i > 0) {
				struct tok *prev = &b->tok[b->ntok - 1];
				struct tok j = { prev->a, w, prev->an, t.an, prev->line, sg->line };
				bool prev_last = prev->line == x->seg[b->vmx_seg + i - 1].line && prev->bn == 0;
				if (prev_last && known_name(fl, nf, &j) && (!known_name(fl, nf, prev) || !known_name(fl, nf, &t))) {
					if (!(*joins)++) /* names are short: no truncation needed */
						remark(info, "%s:%d: vmx flags: '%.*s' at the end of line %d and '%.*s' at the start "
							     "of line %d read as one name, '%.*s%.*s' (a word the wrap broke in two)",
						       fname, j.line, (int)j.an, j.a, j.line, (int)t.an, w, j.line2, (int)j.an, j.a,
						       (int)t.an, w);
					*prev = j;
					first = false;
					continue;
				}
			}
			first = false;
			b->tok[b->ntok++] = t;
		}
	}
	return 0;
}

/* --- snapshot ------------------------------------------------------------------------------------- */

static uint32_t signature(long fam, long model, long step)
{
	if (fam < 0 || model < 0 || step < 0)
		return 0;
	uint32_t basefam = fam > 0xf ? 0xf : (uint32_t)fam;
	uint32_t extfam = fam > 0xf ? (uint32_t)(fam - 0xf) : 0;
	return (uint32_t)(step & 0xf) | (uint32_t)(model & 0xf) << 4 | basefam << 8 | (uint32_t)((model >> 4) & 0xf) << 16 |
	       (extfam & 0xff) << 20;
}

static void synth_cpuid(struct vmx_snapshot *s, const struct block *b)
{
	uint32_t v[3] = { 0, 0, 0 };
	for (int i = 0; i < 12 && b->vendor[i]; i++)
		v[i / 4] |= (uint32_t)(unsigned char)b->vendor[i] << (8 * (i % 4));
	uint32_t level = b->level > 0 ? (uint32_t)b->level : 1;
	struct vmx_cpuid_leaf l0 = { 0, 0, level, v[0], v[2], v[1] };
	vmx_snapshot_set_cpuid(s, &l0);
	struct vmx_cpuid_leaf l1 = { 1, 0, signature(b->family, b->model, b->stepping), 0, b->vmx_flag ? 1u << 5 : 0,
				     0 };
	vmx_snapshot_set_cpuid(s, &l1);
	if (level >= 0x12) {
		struct vmx_cpuid_leaf l12 = { 0x12, 0, b->sgx_flag ? 1u : 0, 0, 0, 0 };
		vmx_snapshot_set_cpuid(s, &l12);
	}
}

static int block_snapshot(const struct block *b, const struct flag *fl, size_t nf, enum vmx_cpuinfo_names names,
			  struct vmx_snapshot *s, const char *fname, struct vmx_diag *d, struct vmx_cpuinfo_info *info,
			  bool *synth_warned)
{
	vmx_snapshot_init(s);
	s->flags |= VMX_SNAP_PARTIAL;
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		vmx_snapshot_set_msr(s, vmx_msr_index((enum vmx_msr_slot)i), 0);
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		s->known[i] = 0;
	/* vmx flags are printed only when firmware left VMX enabled (the kernel locks the MSR): lock + outside SMX. */
	s->msr[VMX_MSR_FEATURE_CONTROL] = 0x5;
	s->known[VMX_MSR_FEATURE_CONTROL] = 0x5;
	for (size_t i = 0; i < nf; i++)
		if (fl[i].slot >= 0 && fl[i].since <= names)
			s->known[fl[i].slot] |= 1ull << fl[i].bit;
	bool seen[MAX_FLAGS] = { false };
	int seen_line[MAX_FLAGS] = { 0 };
	bool synth[2] = { false, false };
	for (size_t i = 0; i < b->ntok; i++) {
		const struct tok *t = &b->tok[i];
		size_t k;
		for (k = 0; k < nf; k++)
			if (tok_is(t, fl[k].name))
				break;
		if (k == nf) {
			vmx_diag_set(d, fname, t->line,
				     "unknown vmx flag '%.*s': expected one of the names Linux 5.6 to 7.x prints "
				     "(vnmi, preemption_timer, posted_intr, invvpid, ept_x_only, ept_ad, ept_1gb, "
				     "ept_5level, flexpriority, apicv, eptp_switching, tsc_offset, vtpr, mtf, vapic, ept, "
				     "vpid, unrestricted_guest, vapic_reg, vid, ple, shadow_vmcs, pml, ept_violation_ve, "
				     "ept_mode_based_exec, tsc_scaling, usr_wait_pause, notify_vm_exiting, ipi_virt)%s",
				     (int)(t->an > 40 ? 40 : t->an), t->a,
				     b->vmx_nseg > 1 ? " (the value is wrapped over several lines: a word the wrap broke "
						       "in two is read as one only when it then forms a name)"
						     : "");
			return -1;
		}
		if (seen[k]) {
			if (seen_line[k] != t->line)
				vmx_diag_set(d, fname, t->line, "vmx flag '%s' appears twice (first at line %d)", fl[k].name,
					     seen_line[k]);
			else
				vmx_diag_set(d, fname, t->line, "vmx flag '%s' appears twice", fl[k].name);
			return -1;
		}
		seen[k] = true;
		seen_line[k] = t->line;
		if (fl[k].slot < 0) {
			synth[fl[k].bit] = true;
			continue;
		}
		s->msr[fl[k].slot] |= 1ull << fl[k].bit;
		s->known[fl[k].slot] |= 1ull << fl[k].bit; /* a name of a newer set: known 1 all the same */
	}
	/* The synthetic flags must agree with the bits they are made of. */
	uint64_t prim = s->msr[VMX_MSR_PROCBASED] >> 32, sec = s->msr[VMX_MSR_PROCBASED2] >> 32,
		 pin = s->msr[VMX_MSR_PINBASED] >> 32;
	bool tpr = (prim >> 21) & 1;
	bool flex = tpr && (sec & 1);
	bool apicv = tpr && ((sec >> 8) & 1) && ((sec >> 9) & 1) && ((pin >> 7) & 1);
	if (!*synth_warned && (flex != synth[0] || apicv != synth[1])) {
		*synth_warned = true;
		remark(info,
		       "%s:%d: the synthetic flag '%s' %s, which contradicts the flags it is derived from "
		       "(edited or mixed text?)",
		       fname, b->vmx_line, flex != synth[0] ? "flexpriority" : "apicv",
		       (flex != synth[0] ? synth[0] : synth[1]) ? "is present" : "is absent");
	}
	synth_cpuid(s, b);
	return 0;
}

/* --- parser --------------------------------------------------------------------------------------- */

/*
 * Close a block.  Only a block with a line /proc/cpuinfo prints counts: a paragraph of a mail or a note around
 * the paste ("On Mon, 3 Mar 2025 at 10:12, A. User wrote:", "Here it is:") has colons too, but none of these keys.
 */
static int push_block(struct block **bl, size_t *nb, size_t *cap, const struct block *cur)
{
	if (cur->processor < 0 && !cur->vendor[0] && !cur->model_name[0] && cur->family < 0 && cur->model < 0 &&
	    cur->stepping < 0 && cur->level < 0 && !cur->flags_line && !cur->has_vmx)
		return 0;
	if (*nb == *cap) {
		size_t c2 = *cap * 2;
		struct block *n2 = realloc(*bl, c2 * sizeof(**bl));
		if (!n2)
			return -1;
		*bl = n2;
		*cap = c2;
	}
	(*bl)[(*nb)++] = *cur;
	return 0;
}

/* What the wrapped value of the line before continues: nothing, "flags", "vmx flags", "bugs". */
enum field { F_NONE, F_FLAGS, F_VMX, F_BUGS };

int vmx_cpuinfo_parse(const char *text, size_t len, const char *fname, const char *kernel_release,
		      struct vmx_profile *p, struct vmx_cpuinfo_info *info, struct vmx_diag *d)
{
	vmx_profile_init(p);
	memset(info, 0, sizeof(*info));
	if (kernel_release)
		snprintf(info->release, sizeof(info->release), "%s", kernel_release);
	if (memchr(text, 0, len)) {
		vmx_diag_set(d, fname, 0, "binary data (a NUL byte): expected the text of /proc/cpuinfo");
		return -1;
	}
	/* Quote marks, prompt lines, CRs and trailing blanks removed; the lines stay the input's lines. */
	size_t clen;
	char *clean = vmx_paste_clean(text, len, &clen);
	size_t cap = 8, nb = 0;
	struct block *bl = malloc(cap * sizeof(*bl));
	struct scan x = { NULL, 0, 0 };
	if (!bl || !clean) {
		free(bl);
		free(clean);
		vmx_diag_set(d, fname, 0, "out of memory");
		return -1;
	}
	struct block cur;
	block_init(&cur);
	bool in_block = false;
	enum field field = F_NONE;
	int lineno = 0;
	const char *q = clean, *end = clean + clen;
	int rc = -1;
	while (q <= end) {
		const char *nl = q < end ? memchr(q, '\n', (size_t)(end - q)) : NULL;
		const char *le = nl ? nl : end;
		lineno++;
		const char *ve = le;
		if (ve > q && ve[-1] == '\r')
			ve--;
		const char *k = q;
		while (k < ve && (*k == ' ' || *k == '\t'))
			k++; /* an indented paste */
		bool blank = k == ve;
		const char *colon = memchr(k, ':', (size_t)(ve - k));
		/* A hard-wrapped value: a line without "key :" made of flag names continues the line before. */
		if (!blank && !colon && field != F_NONE && q < end && flag_words(k, ve)) {
			int bad = 0;
			if (field == F_FLAGS) {
				bad = add_seg(&x, k, ve, lineno);
				cur.flags_nseg++;
			} else if (field == F_VMX) {
				bad = add_seg(&x, k, ve, lineno);
				cur.vmx_nseg++;
			}
			if (bad) {
				vmx_diag_set(d, fname, 0, "out of memory");
				goto out;
			}
			q = nl ? nl + 1 : end + 1;
			continue;
		}
		field = F_NONE;
		bool new_block = false;
		const char *ke = colon ? colon : ve;
		while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		size_t kl = (size_t)(ke - k);
		if (colon && kl == 9 && !memcmp(k, "processor", 9))
			new_block = true;
		if ((blank || new_block || q >= end) && in_block) {
			if (push_block(&bl, &nb, &cap, &cur)) {
				vmx_diag_set(d, fname, 0, "out of memory");
				goto out;
			}
			block_init(&cur);
			in_block = false;
		}
		if (q >= end)
			break;
		if (colon && !blank) {
			const char *v = colon + 1;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			if (!in_block) {
				in_block = true;
				cur.line = lineno;
			}
			if (new_block) {
				const char *e2;
				long id = dec_in(v, ve, &e2);
				if (e2 == v || id < 0 || id > 65535) {
					vmx_diag_set(d, fname, lineno, "bad processor number '%.*s': expected a decimal CPU number",
						     (int)((ve - v) > 20 ? 20 : (ve - v)), v);
					goto out;
				}
				cur.processor = (int)id;
			} else if (kl == 9 && !memcmp(k, "vendor_id", 9)) {
				copy_val(cur.vendor, sizeof(cur.vendor), v, ve);
			} else if (kl == 10 && !memcmp(k, "model name", 10)) {
				copy_val(cur.model_name, sizeof(cur.model_name), v, ve);
			} else if (kl == 10 && !memcmp(k, "cpu family", 10)) {
				cur.family = dec_in(v, ve, NULL);
			} else if (kl == 5 && !memcmp(k, "model", 5)) {
				cur.model = dec_in(v, ve, NULL);
			} else if (kl == 8 && !memcmp(k, "stepping", 8)) {
				cur.stepping = dec_in(v, ve, NULL);
			} else if (kl == 11 && !memcmp(k, "cpuid level", 11)) {
				cur.level = dec_in(v, ve, NULL);
			} else if (kl == 5 && !memcmp(k, "flags", 5)) {
				cur.flags_line = lineno;
				cur.flags_seg = x.nseg;
				cur.flags_nseg = 1;
				if (add_seg(&x, v, ve, lineno)) {
					vmx_diag_set(d, fname, 0, "out of memory");
					goto out;
				}
				field = F_FLAGS;
			} else if (kl == 9 && !memcmp(k, "vmx flags", 9)) {
				if (cur.has_vmx) {
					vmx_diag_set(d, fname, lineno, "a second \"vmx flags\" line in the same processor block");
					goto out;
				}
				cur.has_vmx = true;
				cur.vmx_line = lineno;
				cur.vmx_seg = x.nseg;
				cur.vmx_nseg = 1;
				if (add_seg(&x, v, ve, lineno)) {
					vmx_diag_set(d, fname, 0, "out of memory");
					goto out;
				}
				field = F_VMX;
			} else if (kl == 4 && !memcmp(k, "bugs", 4)) {
				field = F_BUGS;
			}
		}
		q = nl ? nl + 1 : end + 1;
	}
	if (in_block && push_block(&bl, &nb, &cap, &cur)) { /* the text ends inside a block (no final newline) */
		vmx_diag_set(d, fname, 0, "out of memory");
		goto out;
	}
	if (nb == 0) {
		vmx_diag_set(d, fname, 0,
			     "no processor blocks: expected the text of /proc/cpuinfo ('processor : N' lines)");
		goto out;
	}
	/* The words read from "flags" (a word broken by the wrap counts: see value_has). */
	for (size_t i = 0; i < nb; i++) {
		struct block *b = &bl[i];
		const struct seg *sg = b->flags_nseg ? x.seg + b->flags_seg : NULL;
		size_t n = b->flags_nseg;
		int jl = 0, r;
		static const char *const words[] = { "vmx", "sgx", "svm", "hypervisor" };
		bool *dst[] = { &b->vmx_flag, &b->sgx_flag, &b->svm_flag, &b->hypervisor };
		for (size_t w = 0; w < 4; w++) {
			r = value_has(sg, n, words[w], &jl);
			*dst[w] = r != 0;
			if (r == 2 && i == 0)
				remark(info, "%s:%d: '%s' in flags is broken across lines %d-%d and was read as one word",
				       fname, jl, words[w], jl, jl + 1);
		}
		if (b->hypervisor) {
			b->hypervisor_line = b->flags_line;
			for (size_t s2 = 0; s2 < n; s2++)
				if (value_has(&sg[s2], 1, "hypervisor", &jl) == 1) {
					b->hypervisor_line = sg[s2].line;
					break;
				}
			if (value_has(sg, n, "hypervisor", &jl) == 2)
				b->hypervisor_line = jl;
		}
	}
	info->n_blocks = nb;
	snprintf(info->vendor, sizeof(info->vendor), "%s", bl[0].vendor);
	snprintf(info->model_name, sizeof(info->model_name), "%s", bl[0].model_name);
	info->hypervisor = bl[0].hypervisor;
	info->hypervisor_line = bl[0].hypervisor_line;
	info->vmx_flag = bl[0].vmx_flag;
	/* Every block must have the line, or none. */
	size_t with = 0;
	for (size_t i = 0; i < nb; i++)
		with += bl[i].has_vmx;
	if (with == 0) {
		const struct block *b = &bl[0];
		bool intel_like = !strcmp(b->vendor, "GenuineIntel") || !strcmp(b->vendor, "CentaurHauls") ||
				  !strcmp(b->vendor, "  Shanghai  ");
		int ln = b->flags_line ? b->flags_line : b->line;
		if (!intel_like) {
			info->novmx = VMX_CPUINFO_NOT_INTEL;
			vmx_diag_set(d, fname, ln,
				     "no \"vmx flags\" line: the CPU is %s, which has no Intel VMX%s; study an Intel CPU "
				     "with --cpu NAME or --profile FILE",
				     b->vendor[0] ? b->vendor : "not identified (no vendor_id)",
				     b->svm_flag ? " (it has AMD SVM)" : "");
		} else if (!b->vmx_flag) {
			info->novmx = VMX_CPUINFO_NO_VMX_FLAG;
			vmx_diag_set(d, fname, ln,
				     "no \"vmx flags\" line and no 'vmx' in flags: %s",
				     b->hypervisor ? "this is a virtual machine ('hypervisor' flag) whose hypervisor does "
						     "not expose VMX (nested virtualization is off)"
						   : "VMX is disabled by firmware (enable Intel VT-x in the BIOS/UEFI setup) or "
						     "the CPU has no VMX");
		} else {
			info->novmx = VMX_CPUINFO_OLD_KERNEL;
			vmx_diag_set(d, fname, ln,
				     "no \"vmx flags\" line although flags has 'vmx': the kernel is older than 5.6 (it does "
				     "not print VMX capabilities); use the live msr source (root, 'modprobe msr')");
		}
		goto out;
	}
	if (with != nb) {
		for (size_t i = 0; i < nb; i++)
			if (!bl[i].has_vmx) {
				vmx_diag_set(d, fname, bl[i].line,
					     "processor %d has no \"vmx flags\" line while other processors have one: VMX is "
					     "disabled on that CPU (or the text is cut short)",
					     bl[i].processor);
				goto out;
			}
	}
	struct flag fl[MAX_FLAGS];
	size_t nf = build_flags(fl);
	int joins = 0;
	for (size_t i = 0; i < nb; i++)
		if (tokenize(&bl[i], &x, fl, nf, fname, info, &joins)) {
			vmx_diag_set(d, fname, 0, "out of memory");
			goto out;
		}
	if (joins > 1)
		remark(info, "%d such names in all, counting every processor block", joins);
	/* Name set: from the release, else the oldest set that can print every name seen. */
	int names = vmx_cpuinfo_names_for_release(kernel_release);
	info->names_from_release = names >= 0;
	if (names < 0) {
		names = VMX_CPUINFO_NAMES_5_10;
		for (size_t i = 0; i < nb; i++)
			for (size_t t = 0; t < bl[i].ntok; t++)
				for (size_t k = 0; k < nf; k++)
					if ((int)fl[k].since > names && tok_is(&bl[i].tok[t], fl[k].name))
						names = fl[k].since;
	}
	info->names = (enum vmx_cpuinfo_names)names;
	struct vmx_snapshot *s = malloc(sizeof(*s));
	if (!s) {
		vmx_diag_set(d, fname, 0, "out of memory");
		goto out;
	}
	bool synth_warned = false;
	for (size_t i = 0; i < nb; i++) {
		if (block_snapshot(&bl[i], fl, nf, info->names, s, fname, d, info, &synth_warned)) {
			free(s);
			vmx_profile_free(p);
			goto out;
		}
		if (vmx_profile_add_cpu(p, bl[i].processor >= 0 ? bl[i].processor : (int)i, s)) {
			free(s);
			vmx_profile_free(p);
			vmx_diag_set(d, fname, 0, "out of memory");
			goto out;
		}
	}
	free(s);
	info->novmx = VMX_CPUINFO_HAS_VMX_FLAGS;
	if (bl[0].model_name[0])
		vmx_profile_set_meta(p, "name", bl[0].model_name);
	char src[400];
	snprintf(src, sizeof(src), "/proc/cpuinfo \"vmx flags\" (%s; names of Linux %s%s): allowed-1 bits of named controls only",
		 fname, vmx_cpuinfo_names_label(info->names), info->names_from_release ? "" : ", inferred");
	vmx_profile_set_meta(p, "source", src);
	rc = 0;
out:
	for (size_t i = 0; i < nb; i++)
		free(bl[i].tok);
	free(bl);
	free(x.seg);
	free(clean);
	return rc;
}

int vmx_cpuinfo_load(const char *path, const char *kernel_release, struct vmx_profile *p,
		     struct vmx_cpuinfo_info *info, struct vmx_diag *d)
{
	char *buf;
	size_t len;
	vmx_profile_init(p);
	memset(info, 0, sizeof(*info));
	if (vmx_read_file(path, &buf, &len, d))
		return -1;
	int rc = vmx_cpuinfo_parse(buf, len, path, kernel_release, p, info, d);
	free(buf);
	return rc;
}

/* --- what kvm can conclude on a partial snapshot ---------------------------------------------------- */


void vmx_partial_kvm(const struct kvm_policy *pol, const struct vmx_snapshot *s, struct vmx_partial_kvm *r)
{
	memset(r, 0, sizeof(*r));
	r->policy = pol;
	const struct {
		enum vmx_class cls;
		uint64_t min, opt;
	} req[6] = {
		{ VMX_CLASS_PRIMARY, pol->primary_min, pol->primary_opt },
		{ VMX_CLASS_SECONDARY, 0, pol->secondary_opt },
		{ VMX_CLASS_TERTIARY, 0, pol->tertiary_opt },
		{ VMX_CLASS_PIN, pol->pin_min, pol->pin_opt },
		{ VMX_CLASS_EXIT, pol->exit_min, pol->exit_opt },
		{ VMX_CLASS_ENTRY, pol->entry_min, pol->entry_opt },
	};
	bool all_known = true;
	for (size_t i = 0; i < 6; i++) {
		struct vmx_partial_kvm_class *c = &r->c[r->n++];
		c->cls = req[i].cls;
		for (unsigned b = 0; b < 64; b++) {
			uint64_t m = 1ull << b;
			if (!((req[i].min | req[i].opt) & m))
				continue;
			enum vmx_ctl_state st = vmx_ctl_state(s, req[i].cls, b);
			bool known = st != VMX_ST_UNKNOWN;
			bool allowed = st == VMX_ST_YES || st == VMX_ST_FORCED || st == VMX_ST_DEFAULT || st == VMX_ST_ALLOWED;
			if (req[i].min & m) {
				if (!known) {
					c->req_unknown |= m;
					all_known = false;
				} else if (!allowed) {
					c->req_missing |= m;
					r->fails = true;
				}
			} else if (!known) {
				c->opt_unknown |= m;
			} else if (allowed) {
				c->opt_allowed |= m;
			} else {
				c->opt_denied |= m;
			}
		}
	}
	r->decided = all_known && !r->fails;
}


