/* SPDX-License-Identifier: MIT */
/* Capability order and baseline (intersection) of VMX capability snapshots; see baseline.h. */
#include "host/baseline.h"

#include <inttypes.h>
#include <string.h>

#include "host/fmt.h"

/* Control classes: bit table, legacy and TRUE slot. */
static const struct ctl {
	enum vmx_class cls;
	enum vmx_msr_slot legacy, truem;
} ctls[] = {
	{ VMX_CLASS_PIN, VMX_MSR_PINBASED, VMX_MSR_TRUE_PINBASED },
	{ VMX_CLASS_PRIMARY, VMX_MSR_PROCBASED, VMX_MSR_TRUE_PROCBASED },
	{ VMX_CLASS_SECONDARY, VMX_MSR_PROCBASED2, VMX_MSR_PROCBASED2 },
	{ VMX_CLASS_EXIT, VMX_MSR_EXIT, VMX_MSR_TRUE_EXIT },
	{ VMX_CLASS_ENTRY, VMX_MSR_ENTRY, VMX_MSR_TRUE_ENTRY },
};
/* 64-bit allowed-1 vectors. */
static const struct vec {
	enum vmx_class cls;
	enum vmx_msr_slot slot;
} vecs[] = {
	{ VMX_CLASS_TERTIARY, VMX_MSR_PROCBASED3 },
	{ VMX_CLASS_EXIT2, VMX_MSR_EXIT2 },
	{ VMX_CLASS_VMFUNC, VMX_MSR_VMFUNC },
};

/* Field masks (SDM A.1, A.6, A.10, A.9). */
#define BASIC_REVISION 0x7fffffffull
#define BASIC_SIZE (0x1fffull << 32)
#define BASIC_ADDR32 (1ull << 48)
#define BASIC_MEMTYPE (0xfull << 50)
#define BASIC_FLAGS ((1ull << 49) | (0x3ffull << 54))
#define MISC_RATE 0x1full
#define MISC_CR3 (0x1ffull << 16)
#define MISC_MSRLIST (0x7ull << 25)
#define MISC_MSEG (0xffffffffull << 32)
#define MISC_FLAGS (~(MISC_RATE | MISC_CR3 | MISC_MSRLIST | MISC_MSEG))
#define EPT_HLAT (0x3full << 48)
#define EPT_FLAGS (~EPT_HLAT)
#define ENUM_INDEX 0x3feull

static inline uint64_t fld(uint64_t v, uint64_t m)
{
	return (v & m) >> __builtin_ctzll(m);
}

static bool fw_enabled(const struct vmx_snapshot *s)
{
	if (!vmx_snapshot_has(s, VMX_MSR_FEATURE_CONTROL))
		return true; /* unknown: as `vmxcfg kvm` treats it */
	uint64_t fc = s->msr[VMX_MSR_FEATURE_CONTROL];
	return !((fc & 1u) && !(fc & 4u));
}

struct gl {
	struct vmx_gap *out;
	size_t max, n, gaps;
};

static void add(struct gl *g, enum vmx_msr_slot slot, enum vmx_gap_kind k, enum vmx_class cls, uint64_t bits,
		const char *field, uint64_t a, uint64_t b)
{
	if (k != VMX_GAP_NOTE)
		g->gaps++;
	if (g->n >= g->max)
		return;
	struct vmx_gap *x = &g->out[g->n++];
	x->slot = slot;
	x->kind = k;
	x->cls = cls;
	x->bits = bits;
	x->field = field;
	x->a = a;
	x->b = b;
}

static void bits_gap(struct gl *g, enum vmx_msr_slot slot, enum vmx_gap_kind k, enum vmx_class cls, uint64_t bits)
{
	if (bits)
		add(g, slot, k, cls, bits, NULL, 0, 0);
}

size_t vmx_caps_gaps(const struct vmx_snapshot *a, const struct vmx_snapshot *b, struct vmx_gap *out, size_t max,
		     size_t *n_out)
{
	struct gl g = { out, max, 0, 0 };
	if (fw_enabled(a) && !fw_enabled(b))
		add(&g, VMX_MSR_FEATURE_CONTROL, VMX_GAP_FIELD, VMX_CLASS_COUNT, 0, "vmx_enabled_by_firmware", 1, 0);
	/* An MSR A does not have offers nothing: only what A has is compared (B's absent MSRs read 0). */
#define HAS(slot) vmx_snapshot_has(a, (slot))
	uint64_t ba = vmx_snapshot_msr(a, VMX_MSR_BASIC), bb = vmx_snapshot_msr(b, VMX_MSR_BASIC);
	if (!HAS(VMX_MSR_BASIC))
		goto ctls;
	if (fld(ba, BASIC_REVISION) != fld(bb, BASIC_REVISION))
		add(&g, VMX_MSR_BASIC, VMX_GAP_NOTE, VMX_CLASS_COUNT, 0, "vmcs_revision", fld(ba, BASIC_REVISION),
		    fld(bb, BASIC_REVISION));
	if (fld(ba, BASIC_SIZE) < fld(bb, BASIC_SIZE))
		add(&g, VMX_MSR_BASIC, VMX_GAP_FIELD, VMX_CLASS_COUNT, 0, "vmcs_size (B needs a larger region)",
		    fld(ba, BASIC_SIZE), fld(bb, BASIC_SIZE));
	if (!(ba & BASIC_ADDR32) && (bb & BASIC_ADDR32))
		add(&g, VMX_MSR_BASIC, VMX_GAP_FIELD, VMX_CLASS_COUNT, 0, "addresses_not_limited_to_32_bits", 1, 0);
	if (fld(ba, BASIC_MEMTYPE) != fld(bb, BASIC_MEMTYPE))
		add(&g, VMX_MSR_BASIC, VMX_GAP_FIELD, VMX_CLASS_COUNT, 0, "vmcs_memory_type", fld(ba, BASIC_MEMTYPE),
		    fld(bb, BASIC_MEMTYPE));
	bits_gap(&g, VMX_MSR_BASIC, VMX_GAP_MAY1, VMX_CLASS_BASIC, ba & ~bb & BASIC_FLAGS);
ctls:
	for (size_t i = 0; i < sizeof(ctls) / sizeof(ctls[0]); i++) {
		const struct ctl *c = &ctls[i];
		if (!HAS(c->truem) && !HAS(c->legacy))
			continue;
		enum vmx_msr_slot sa = vmx_snapshot_has(a, c->truem) ? c->truem : c->legacy;
		enum vmx_msr_slot sb = vmx_snapshot_has(b, c->truem) ? c->truem : c->legacy;
		uint64_t va = vmx_snapshot_msr(a, sa), vb = vmx_snapshot_msr(b, sb);
		enum vmx_msr_slot shown = (vmx_snapshot_has(a, c->truem) || vmx_snapshot_has(b, c->truem)) ? c->truem
												    : c->legacy;
		uint32_t m1 = vmx_allowed1(va) & ~vmx_allowed1(vb);
		uint32_t m0 = ~vmx_allowed0(va) & vmx_allowed0(vb);
		bits_gap(&g, shown, VMX_GAP_MAY1, c->cls, m1);
		bits_gap(&g, shown, VMX_GAP_MAY0, c->cls, m0);
		if (c->legacy != c->truem && HAS(c->legacy)) {
			/* The legacy MSRs (what kvm_intel reads) once more, for what the TRUE ones did not show. */
			uint64_t la = vmx_snapshot_msr(a, c->legacy), lb = vmx_snapshot_msr(b, c->legacy);
			bits_gap(&g, c->legacy, VMX_GAP_MAY1, c->cls, vmx_allowed1(la) & ~vmx_allowed1(lb) & ~m1);
			bits_gap(&g, c->legacy, VMX_GAP_MAY0, c->cls, ~vmx_allowed0(la) & vmx_allowed0(lb) & ~m0);
		}
	}
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
		if (HAS(vecs[i].slot))
			bits_gap(&g, vecs[i].slot, VMX_GAP_MAY1, vecs[i].cls,
			 vmx_snapshot_msr(a, vecs[i].slot) & ~vmx_snapshot_msr(b, vecs[i].slot));

	uint64_t ma = vmx_snapshot_msr(a, VMX_MSR_MISC), mb = vmx_snapshot_msr(b, VMX_MSR_MISC);
	if (!HAS(VMX_MSR_MISC))
		goto ept;
	if (fld(ma, MISC_RATE) != fld(mb, MISC_RATE))
		add(&g, VMX_MSR_MISC, VMX_GAP_NOTE, VMX_CLASS_COUNT, 0, "preemption_timer_rate", fld(ma, MISC_RATE),
		    fld(mb, MISC_RATE));
	if (fld(ma, MISC_CR3) > fld(mb, MISC_CR3))
		add(&g, VMX_MSR_MISC, VMX_GAP_FIELD, VMX_CLASS_COUNT, 0, "cr3_target_count", fld(ma, MISC_CR3),
		    fld(mb, MISC_CR3));
	if (fld(ma, MISC_MSRLIST) > fld(mb, MISC_MSRLIST))
		add(&g, VMX_MSR_MISC, VMX_GAP_FIELD, VMX_CLASS_COUNT, 0, "msr_list_size_code", fld(ma, MISC_MSRLIST),
		    fld(mb, MISC_MSRLIST));
	if (fld(ma, MISC_MSEG) != fld(mb, MISC_MSEG))
		add(&g, VMX_MSR_MISC, VMX_GAP_NOTE, VMX_CLASS_COUNT, 0, "mseg_revision", fld(ma, MISC_MSEG),
		    fld(mb, MISC_MSEG));
	bits_gap(&g, VMX_MSR_MISC, VMX_GAP_MAY1, VMX_CLASS_MISC, ma & ~mb & MISC_FLAGS);
ept:;

	uint64_t ea = vmx_snapshot_msr(a, VMX_MSR_EPT_VPID_CAP), eb = vmx_snapshot_msr(b, VMX_MSR_EPT_VPID_CAP);
	bits_gap(&g, VMX_MSR_EPT_VPID_CAP, VMX_GAP_MAY1, VMX_CLASS_EPT_VPID, ea & ~eb & EPT_FLAGS);
	if (fld(ea, EPT_HLAT) > fld(eb, EPT_HLAT))
		add(&g, VMX_MSR_EPT_VPID_CAP, VMX_GAP_FIELD, VMX_CLASS_COUNT, 0, "hlat_prefix_size", fld(ea, EPT_HLAT),
		    fld(eb, EPT_HLAT));

	static const enum vmx_msr_slot f0[2] = { VMX_MSR_CR0_FIXED0, VMX_MSR_CR4_FIXED0 };
	static const enum vmx_msr_slot f1[2] = { VMX_MSR_CR0_FIXED1, VMX_MSR_CR4_FIXED1 };
	for (int i = 0; i < 2; i++) {
		if (HAS(f0[i]))
			bits_gap(&g, f0[i], VMX_GAP_FIXED0, VMX_CLASS_COUNT,
			 vmx_snapshot_msr(b, f0[i]) & ~vmx_snapshot_msr(a, f0[i]));
		if (HAS(f1[i]))
			bits_gap(&g, f1[i], VMX_GAP_FIXED1, VMX_CLASS_COUNT,
			 vmx_snapshot_msr(a, f1[i]) & ~vmx_snapshot_msr(b, f1[i]));
	}
	uint64_t xa = fld(vmx_snapshot_msr(a, VMX_MSR_VMCS_ENUM), ENUM_INDEX);
	uint64_t xb = fld(vmx_snapshot_msr(b, VMX_MSR_VMCS_ENUM), ENUM_INDEX);
	if (HAS(VMX_MSR_VMCS_ENUM) && xa > xb)
		add(&g, VMX_MSR_VMCS_ENUM, VMX_GAP_FIELD, VMX_CLASS_COUNT, 0, "highest_vmcs_field_index", xa, xb);
#undef HAS
	if (n_out)
		*n_out = g.n;
	return g.gaps;
}

bool vmx_caps_covers(const struct vmx_snapshot *b, const struct vmx_snapshot *a)
{
	return vmx_caps_gaps(a, b, NULL, 0, NULL) == 0;
}

/* --- baseline -------------------------------------------------------------------------------------- */

void vmx_baseline_init(struct vmx_baseline *b)
{
	memset(b, 0, sizeof(*b));
	vmx_snapshot_init(&b->snap);
}

static inline uint64_t min_fld(uint64_t x, uint64_t y, uint64_t m)
{
	return ((x & m) < (y & m) ? x : y) & m;
}

static inline uint64_t max_fld(uint64_t x, uint64_t y, uint64_t m)
{
	return ((x & m) > (y & m) ? x : y) & m;
}

/* CPUID registers that are feature bit vectors (intersection); every other register takes the minimum. */
static uint32_t feature_regs(uint32_t leaf, uint32_t sub)
{
	/* bit r set: register r (EAX..EDX) is a feature vector. */
	if (leaf == 1)
		return 0xc; /* ECX, EDX */
	if (leaf == 7 && sub == 0)
		return 0xe; /* EBX, ECX, EDX */
	if (leaf == 7 && sub == 1)
		return 0xf;
	if (leaf == 0xd && sub == 1)
		return 0x1;
	if (leaf == 0x12 && sub == 0)
		return 0x1;
	if (leaf == 0x14 && sub == 0)
		return 0x6;
	if (leaf == 0x80000001u)
		return 0xc;
	return 0;
}

static void merge_cpuid(struct vmx_snapshot *acc, const struct vmx_snapshot *s)
{
	uint32_t w = 0;
	for (uint32_t i = 0; i < acc->n_cpuid; i++) {
		struct vmx_cpuid_leaf l = acc->cpuid[i];
		const struct vmx_cpuid_leaf *o = vmx_snapshot_find_cpuid(s, l.leaf, l.subleaf);
		if (!o)
			continue; /* not in every host: dropped */
		uint32_t fr = feature_regs(l.leaf, l.subleaf);
		uint32_t *ra[4] = { &l.eax, &l.ebx, &l.ecx, &l.edx };
		const uint32_t rb[4] = { o->eax, o->ebx, o->ecx, o->edx };
		for (int r = 0; r < 4; r++) {
			if ((fr >> r) & 1)
				*ra[r] &= rb[r];
			else if (rb[r] < *ra[r])
				*ra[r] = rb[r];
		}
		acc->cpuid[w++] = l;
	}
	acc->n_cpuid = w;
}

static void set(struct vmx_snapshot *s, enum vmx_msr_slot slot, uint64_t v)
{
	s->msr[slot] = v;
}

void vmx_baseline_add(struct vmx_baseline *b, const struct vmx_snapshot *s)
{
	struct vmx_snapshot *acc = &b->snap;
	if (!fw_enabled(s))
		b->fw_disabled = true;
	if (b->n++ == 0) {
		*acc = *s;
		acc->flags = 0;
		for (int i = 0; i < VMX_MSR_COUNT; i++) {
			if (!vmx_snapshot_has(acc, (enum vmx_msr_slot)i))
				acc->msr[i] = 0;
			acc->known[i] = vmx_snapshot_has(acc, (enum vmx_msr_slot)i) ? ~0ull : 0;
		}
		return;
	}
	acc->msr_present &= s->msr_present;
	/* IA32_FEATURE_CONTROL: VMX usable only if every host's firmware allows it. */
	{
		uint64_t x = acc->msr[VMX_MSR_FEATURE_CONTROL], y = s->msr[VMX_MSR_FEATURE_CONTROL];
		bool ex = !((x & 1u) && !(x & 4u)), ey = fw_enabled(s);
		uint64_t v = x & y;
		if (!ex || !ey)
			v = (v | 1u) & ~(uint64_t)4u;
		if (ex != ey)
			b->differs_fw = true;
		set(acc, VMX_MSR_FEATURE_CONTROL, v);
	}
	{
		uint64_t x = acc->msr[VMX_MSR_BASIC], y = s->msr[VMX_MSR_BASIC];
		if ((x & BASIC_REVISION) != (y & BASIC_REVISION))
			b->differs_revision = true;
		if ((x & BASIC_MEMTYPE) != (y & BASIC_MEMTYPE))
			b->differs_memtype = true;
		uint64_t v = min_fld(x, y, BASIC_REVISION) | max_fld(x, y, BASIC_SIZE) | ((x | y) & BASIC_ADDR32) |
			     min_fld(x, y, BASIC_MEMTYPE) | (x & y & BASIC_FLAGS);
		set(acc, VMX_MSR_BASIC, v);
	}
	for (size_t i = 0; i < sizeof(ctls) / sizeof(ctls[0]); i++) {
		enum vmx_msr_slot sl[2] = { ctls[i].legacy, ctls[i].truem };
		for (int k = 0; k < 2; k++) {
			uint64_t x = acc->msr[sl[k]], y = s->msr[sl[k]];
			uint32_t a0 = vmx_allowed0(x) | vmx_allowed0(y), a1 = vmx_allowed1(x) & vmx_allowed1(y);
			if (vmx_snapshot_has(acc, sl[k]))
				b->conflict[sl[k]] |= a0 & ~a1;
			set(acc, sl[k], ((uint64_t)a1 << 32) | a0);
		}
	}
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
		set(acc, vecs[i].slot, acc->msr[vecs[i].slot] & s->msr[vecs[i].slot]);
	{
		uint64_t x = acc->msr[VMX_MSR_MISC], y = s->msr[VMX_MSR_MISC];
		if ((x & MISC_RATE) != (y & MISC_RATE))
			b->differs_timer_rate = true;
		if ((x & MISC_MSEG) != (y & MISC_MSEG))
			b->differs_mseg = true;
		set(acc, VMX_MSR_MISC,
		    min_fld(x, y, MISC_RATE) | min_fld(x, y, MISC_CR3) | min_fld(x, y, MISC_MSRLIST) |
			    min_fld(x, y, MISC_MSEG) | (x & y & MISC_FLAGS));
	}
	{
		uint64_t x = acc->msr[VMX_MSR_EPT_VPID_CAP], y = s->msr[VMX_MSR_EPT_VPID_CAP];
		set(acc, VMX_MSR_EPT_VPID_CAP, min_fld(x, y, EPT_HLAT) | (x & y & EPT_FLAGS));
	}
	set(acc, VMX_MSR_CR0_FIXED0, acc->msr[VMX_MSR_CR0_FIXED0] | s->msr[VMX_MSR_CR0_FIXED0]);
	set(acc, VMX_MSR_CR4_FIXED0, acc->msr[VMX_MSR_CR4_FIXED0] | s->msr[VMX_MSR_CR4_FIXED0]);
	set(acc, VMX_MSR_CR0_FIXED1, acc->msr[VMX_MSR_CR0_FIXED1] & s->msr[VMX_MSR_CR0_FIXED1]);
	set(acc, VMX_MSR_CR4_FIXED1, acc->msr[VMX_MSR_CR4_FIXED1] & s->msr[VMX_MSR_CR4_FIXED1]);
	set(acc, VMX_MSR_VMCS_ENUM, min_fld(acc->msr[VMX_MSR_VMCS_ENUM], s->msr[VMX_MSR_VMCS_ENUM], ENUM_INDEX));
	/* Absent MSRs read 0 and stay absent. */
	for (int i = 0; i < VMX_MSR_COUNT; i++) {
		if (!vmx_snapshot_has(acc, (enum vmx_msr_slot)i)) {
			acc->msr[i] = 0;
			acc->known[i] = 0;
		}
	}
	/* Firmware that disables VMX on one host disables it for the pool, even if others do not report 0x3a. */
	if (b->fw_disabled) {
		acc->msr_present |= 1u << VMX_MSR_FEATURE_CONTROL;
		acc->known[VMX_MSR_FEATURE_CONTROL] = ~0ull;
		acc->msr[VMX_MSR_FEATURE_CONTROL] = (acc->msr[VMX_MSR_FEATURE_CONTROL] | 1u) & ~(uint64_t)4u;
	}
	merge_cpuid(acc, s);
}

/* --- printing -------------------------------------------------------------------------------------- */

static const char *kind_text(enum vmx_gap_kind k)
{
	switch (k) {
	case VMX_GAP_MAY1: return "may be 1";
	case VMX_GAP_MAY0: return "may be 0";
	case VMX_GAP_FIXED0: return "may be 0 (FIXED0)";
	case VMX_GAP_FIXED1: return "may be 1 (FIXED1)";
	case VMX_GAP_FIELD: return "field";
	default: return "note";
	}
}

static const char *kind_json(enum vmx_gap_kind k)
{
	static const char *const n[] = { "may1", "may0", "fixed0", "fixed1", "field", "note" };
	return n[k];
}

/* Control-register bit names (SDM vol. 3A 2.5) for the FIXED0/FIXED1 gaps. */
static const char *cr_name(enum vmx_msr_slot slot, unsigned bit)
{
	static const char *const cr0[32] = { [0] = "PE", [1] = "MP", [2] = "EM", [3] = "TS", [4] = "ET", [5] = "NE",
					     [16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD", [31] = "PG" };
	static const char *const cr4[32] = { [0] = "VME", [1] = "PVI", [2] = "TSD", [3] = "DE", [4] = "PSE",
					     [5] = "PAE", [6] = "MCE", [7] = "PGE", [8] = "PCE", [9] = "OSFXSR",
					     [10] = "OSXMMEXCPT", [11] = "UMIP", [12] = "LA57", [13] = "VMXE",
					     [14] = "SMXE", [16] = "FSGSBASE", [17] = "PCIDE", [18] = "OSXSAVE",
					     [19] = "KL", [20] = "SMEP", [21] = "SMAP", [22] = "PKE", [23] = "CET",
					     [24] = "PKS", [25] = "UINTR" };
	if (bit >= 32)
		return NULL;
	if (slot == VMX_MSR_CR0_FIXED0 || slot == VMX_MSR_CR0_FIXED1)
		return cr0[bit];
	if (slot == VMX_MSR_CR4_FIXED0 || slot == VMX_MSR_CR4_FIXED1)
		return cr4[bit];
	return NULL;
}

static void cr_bits(FILE *f, enum vmx_msr_slot slot, uint64_t bits, bool json)
{
	const char *sep = "";
	if (json)
		fputc('[', f);
	for (unsigned i = 0; i < 64; i++) {
		if (!((bits >> i) & 1))
			continue;
		const char *n = cr_name(slot, i);
		const char *q = json ? "\"" : "";
		if (n)
			fprintf(f, "%s%s%s%s", sep, q, n, q);
		else
			fprintf(f, "%s%sbit%u%s", sep, q, i, q);
		sep = json ? ", " : " ";
	}
	if (json)
		fputc(']', f);
}

void vmx_gap_print(FILE *f, const struct vmx_gap *g)
{
	fprintf(f, "  %s (0x%" PRIx32 ") ", vmx_msr_name(g->slot), vmx_msr_index(g->slot));
	if (g->kind == VMX_GAP_FIELD || g->kind == VMX_GAP_NOTE) {
		fprintf(f, "%s: 0x%" PRIx64 " vs 0x%" PRIx64 "%s\n", g->field, g->a, g->b,
			g->kind == VMX_GAP_NOTE ? " (differs; neither is better)" : "");
		return;
	}
	fprintf(f, "%s: ", kind_text(g->kind));
	if (g->cls == VMX_CLASS_COUNT)
		cr_bits(f, g->slot, g->bits, false);
	else
		vmx_fmt_bits(f, g->cls, g->bits);
	fputc('\n', f);
}

void vmx_gap_json(FILE *f, const struct vmx_gap *g)
{
	fprintf(f, "{\"msr\": \"0x%" PRIx32 "\", \"name\": \"%s\", \"kind\": \"%s\"", vmx_msr_index(g->slot),
		vmx_msr_name(g->slot), kind_json(g->kind));
	if (g->kind == VMX_GAP_FIELD || g->kind == VMX_GAP_NOTE) {
		fprintf(f, ", \"field\": ");
		vmx_json_str(f, g->field);
		fprintf(f, ", \"a\": \"0x%" PRIx64 "\", \"b\": \"0x%" PRIx64 "\"}", g->a, g->b);
		return;
	}
	fputs(", \"mask\": ", f);
	vmx_json_hex(f, g->bits);
	fputs(", \"bits\": ", f);
	if (g->cls == VMX_CLASS_COUNT)
		cr_bits(f, g->slot, g->bits, true);
	else
		vmx_json_bits(f, g->cls, g->bits);
	fputc('}', f);
}
