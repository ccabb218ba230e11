/* SPDX-License-Identifier: MIT */
/*
 * VM-entry checks on VMX controls (VM-instruction error 7).
 *
 * One pass over the rules of the reference catalogue (sdm-entry-checks.md
 * §1), in catalogue order.  Every rule reads the *effective* controls: the
 * secondary, tertiary, secondary-exit and VM-function controls count as 0
 * when their gate (PROC[31], PROC[17], EXIT[31], SEC[13]) is 0, and are then
 * neither checked nor used.  A field that was not given makes the rules that
 * need it "undecided" (a warning) instead of silently passing.
 *
 * Written from the catalogue; no code of any hypervisor or emulator used.
 * Freestanding: no libc, no globals except const tables.
 */
#include "vmxcfg/vmcs.h"

#include "vmxcfg/bits.h"

/* ---- tables ------------------------------------------------------------ */

#define RULE_INFO_(id, sid, name, cls, text) {VMCS_R_##id, sid, name, cls, text},
static const struct vmcs_rule_info rule_tab[VMCS_R_COUNT] = {VMCS_RULES(RULE_INFO_)};
#undef RULE_INFO_

#define FIELD_INFO_(id, enc, w, ident, sdm, s) {VMCS_F_##id, enc, w, ident, sdm, s},
static const struct vmcs_field_info field_tab[VMCS_F_COUNT] = {VMCS_FIELDS(FIELD_INFO_)};
#undef FIELD_INFO_

#define DETAIL_TEXT_(id, text) text,
static const char *const detail_tab[VMCS_D_COUNT] = {VMCS_DETAILS(DETAIL_TEXT_)};
#undef DETAIL_TEXT_

const struct vmcs_rule_info *vmcs_rule_get(enum vmcs_rule r)
{
	return (unsigned)r < VMCS_R_COUNT ? &rule_tab[r] : NULL;
}

static int lc(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

const struct vmcs_rule_info *vmcs_rule_by_id(const char *id)
{
	unsigned i;
	if (!id)
		return NULL;
	for (i = 0; i < VMCS_R_COUNT; i++) {
		const char *a = rule_tab[i].id, *b = id;
		while (*a && lc(*a) == lc(*b)) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return &rule_tab[i];
	}
	return NULL;
}

const struct vmcs_field_info *vmcs_field_get(enum vmcs_field f)
{
	return (unsigned)f < VMCS_F_COUNT ? &field_tab[f] : NULL;
}

const struct vmcs_field_info *vmcs_field_by_encoding(uint32_t enc)
{
	unsigned i;
	for (i = 0; i < VMCS_F_COUNT; i++)
		if (field_tab[i].encoding != 0xFFFF && field_tab[i].encoding == enc)
			return &field_tab[i];
	return NULL;
}

const char *vmcs_detail_text(enum vmcs_detail d)
{
	return (unsigned)d < VMCS_D_COUNT ? detail_tab[d] : NULL;
}

/* ---- machinery ---------------------------------------------------------- */

#define FB(x) (1ull << VMCS_F_##x)
#define NONE VMCS_F_NONE

struct st {
	struct vmcs_result *r;
	const uint64_t *v;
	uint64_t kn;     /* known fields, with gated fields whose gate is 0 counted as known (= 0) */
	uint64_t himask; /* bits at or above the physical-address width */
	bool warn;
};

static void put(struct st *s, unsigned kind, enum vmcs_rule rule, enum vmcs_detail d, unsigned field,
		uint64_t bits, unsigned field2, uint64_t bits2, uint64_t value, uint64_t limit)
{
	struct vmcs_result *r = s->r;
	struct vmcs_finding *x;
	if (kind == VMCS_K_ERROR) {
		r->n_errors++;
		r->failed[(unsigned)rule >> 6] |= 1ull << ((unsigned)rule & 63);
	} else {
		if (!s->warn)
			return;
		r->n_warnings++;
		r->warned[(unsigned)rule >> 6] |= 1ull << ((unsigned)rule & 63);
	}
	if (r->n >= VMCS_MAX_FINDINGS) {
		r->truncated = true;
		return;
	}
	x = &r->f[r->n++];
	x->rule = (uint8_t)rule;
	x->kind = (uint8_t)kind;
	x->detail = (uint8_t)d;
	x->field = (uint8_t)field;
	x->field2 = (uint8_t)field2;
	x->bits = bits;
	x->bits2 = bits2;
	x->value = value;
	x->limit = limit;
}

/* A violation of `rule`: an error for error-7 rules, a warning for the others. */
static void fail(struct st *s, enum vmcs_rule rule, enum vmcs_detail d, unsigned field, uint64_t bits,
		 unsigned field2, uint64_t bits2, uint64_t limit)
{
	unsigned kind = rule_tab[rule].cls == VMCS_RC_ERROR7 ? VMCS_K_ERROR : VMCS_K_WARNING;
	put(s, kind, rule, d, field, bits, field2, bits2, field < VMCS_F_COUNT ? s->v[field] : 0, limit);
}

static bool need_slow(struct st *s, enum vmcs_rule rule, uint64_t miss)
{
	unsigned i;
	for (i = 0; !((miss >> i) & 1u); i++)
		;
	put(s, VMCS_K_UNDECIDED, rule, VMCS_D_UNDECIDED, i, 0, NONE, 0, 0, 0);
	return false;
}

/* True when every field of `need` is known; otherwise reports `rule` as undecided. */
static inline bool need(struct st *s, enum vmcs_rule rule, uint64_t need_mask)
{
	uint64_t miss = need_mask & ~s->kn;
	return !miss || need_slow(s, rule, miss);
}

static void addr_slow(struct st *s, enum vmcs_rule rule, unsigned field, uint64_t align, unsigned gate, uint64_t gbits)
{
	uint64_t a = s->v[field];
	uint64_t mis = a & (align - 1), hi = a & s->himask;
	if (!((1ull << field) & s->kn)) {
		put(s, VMCS_K_UNDECIDED, rule, VMCS_D_UNDECIDED, field, 0, gate, gbits, 0, 0);
		return;
	}
	if (mis)
		fail(s, rule, VMCS_D_MISALIGNED, field, mis, gate, gbits, align);
	if (hi)
		fail(s, rule, VMCS_D_BEYOND_WIDTH, field, hi, gate, gbits, (uint64_t)s->r->paw);
}

/* ADDR_OK(a, align): aligned and below 2^PAW.  `gate`/`gbits`: the control that makes the check apply. */
static inline void addr(struct st *s, enum vmcs_rule rule, unsigned field, uint64_t align, unsigned gate, uint64_t gbits)
{
	uint64_t a = s->v[field];
	if (((1ull << field) & s->kn) && !(a & ((align - 1) | s->himask)))
		return;
	addr_slow(s, rule, field, align, gate, gbits);
}

/* "if gate then dep must be 1" style rule on control bits. */
static void requires(struct st *s, enum vmcs_rule rule, unsigned field, uint64_t bits, unsigned field2, uint64_t bits2)
{
	fail(s, rule, VMCS_D_REQUIRES, field, bits, field2, bits2, 0);
}

/* MSR-switch area: count != 0 -> 16-byte aligned address, last byte below 2^PAW. */
static void msr_area_slow(struct st *s, enum vmcs_rule rule, unsigned fcount, unsigned faddr)
{
	uint64_t count, a, last;
	if (!need(s, rule, 1ull << fcount))
		return;
	count = s->v[fcount] & 0xffffffffu;
	if (!count)
		return;
	if (!need(s, rule, 1ull << faddr))
		return;
	a = s->v[faddr];
	if ((a & 15u) || (a & s->himask)) {
		addr(s, rule, faddr, 16, fcount, count);
		return;
	}
	last = a + count * 16u - 1u; /* a < 2^64 - 2^36 here only if PAW < 64; guard the wrap anyway */
	if ((last & s->himask) || last < a)
		fail(s, rule, VMCS_D_AREA_END_BEYOND, faddr, last, fcount, count, (uint64_t)s->r->paw);
}

static inline void msr_area(struct st *s, enum vmcs_rule rule, unsigned fcount, unsigned faddr)
{
	if (((1ull << fcount) & s->kn) && !(s->v[fcount] & 0xffffffffu))
		return;
	msr_area_slow(s, rule, fcount, faddr);
}

static uint64_t fits_set(uint64_t v, uint64_t allowed1) { return v & ~allowed1; }

/* ---- the validator ------------------------------------------------------ */

/* Control bit shorthands (bits.h numbers). */
#define PIN_(x) VMX_B(PIN, x)
#define PRI_(x) VMX_B(PRIMARY, x)
#define SEC_(x) VMX_B(SECONDARY, x)
#define TER_(x) VMX_B(TERTIARY, x)
#define EXI_(x) VMX_B(EXIT, x)
#define ENT_(x) VMX_B(ENTRY, x)
#define EPTC_(x) VMX_B(EPT_VPID, x)

/*
 * FITS(v, msr) for a 32-bit control.  `undecided`: must-be-1 bits that cannot
 * be judged (default1 bits when the TRUE MSR is missing): a 0 there is
 * reported as undecided, not as an error.
 */
static void cap32_slow(struct st *s, enum vmcs_rule rule, unsigned field, uint64_t msr, uint64_t undecided)
{
	uint64_t v = s->v[field] & 0xffffffffu;
	uint64_t lo = (msr & 0xffffffffu) & ~undecided, hi = msr >> 32;
	uint64_t bad1 = v & ~hi, bad0 = lo & ~v, unk = undecided & ~v;
	if (bad1)
		fail(s, rule, VMCS_D_SET_NOT_ALLOWED, field, bad1, NONE, 0, msr);
	if (bad0)
		fail(s, rule, VMCS_D_CLEAR_REQUIRED, field, bad0, NONE, 0, msr);
	if (unk)
		put(s, VMCS_K_UNDECIDED, rule, VMCS_D_CAP_UNKNOWN, field, unk, NONE, 0, v, msr);
}

static inline void cap32(struct st *s, enum vmcs_rule rule, unsigned field, uint64_t msr, uint64_t undecided)
{
	uint64_t v = s->v[field] & 0xffffffffu;
	if (!undecided && !(v & ~(msr >> 32)) && !((msr & 0xffffffffu) & ~v))
		return;
	cap32_slow(s, rule, field, msr, undecided);
}

/* The capability MSR of a 32-bit class and the bits cap32 cannot judge. */
static uint64_t cap_msr(const struct vmx_snapshot *snap, bool true_ctls, enum vmx_msr_slot legacy,
			enum vmx_msr_slot tru, uint64_t default1, uint64_t *undecided)
{
	*undecided = 0;
	if (!true_ctls)
		return vmx_snapshot_msr(snap, legacy);
	if (vmx_snapshot_has(snap, tru))
		return vmx_snapshot_msr(snap, tru);
	*undecided = default1;
	return vmx_snapshot_msr(snap, legacy);
}

/*
 * Fast path.  A branch-light restatement of every rule that answers "this
 * field set certainly produces no finding" for the common case: all fields
 * known, no event injection, no rare tertiary/PT features.  Anything else
 * (including every failing set) takes the detailed path below, which is the
 * reference; tests compare both on random inputs (VMCS_CHECK_NO_FASTPATH).
 */
/* Rule groups: the fast path names the groups that may have findings; only those run in detail. */
#define G_CAP 0x01u   /* CAP-01..08 */
#define G_EXEC 0x02u  /* EXEC-01..14, EXEC-23 */
#define G_EPT 0x04u   /* EXEC-15..22 */
#define G_MSR 0x08u   /* EXIT-01/02, ENTRY-07, INFO-MSRLIST */
#define G_ENTRY 0x10u /* ENTRY-01..06 (+ X-03), ENTRY-08/09 */
#define G_WARN 0x20u  /* EXEC-25/26, X-01, X-02, X-04 */
#define G_ALL 0x3fu

static unsigned quick_groups(const struct vmx_snapshot *snap, const uint64_t *v, uint64_t misc, uint64_t eptcap,
			     bool true_ctls, uint64_t himask, uint32_t flags, bool warn)
{
	const uint64_t pin = v[VMCS_F_PIN] & 0xffffffffu, proc = v[VMCS_F_PRIMARY] & 0xffffffffu;
	const uint64_t ex = v[VMCS_F_EXIT] & 0xffffffffu, ent = v[VMCS_F_ENTRY] & 0xffffffffu;
	const uint64_t pg = 0xfffu | himask; /* page-aligned and within the width */
	const uint64_t sec = (proc & PRI_(SECONDARY_CONTROLS)) ? v[VMCS_F_SECONDARY] & 0xffffffffu : 0;
	const uint64_t ter = (proc & PRI_(TERTIARY_CONTROLS)) ? v[VMCS_F_TERTIARY] : 0;
	const uint64_t vmf = (sec & SEC_(VMFUNC)) ? v[VMCS_F_VMFUNC_CONTROLS] : 0;
	unsigned bad = 0;

	/* G_CAP */
	{
		uint32_t need = true_ctls ? (1u << VMX_MSR_TRUE_PINBASED) | (1u << VMX_MSR_TRUE_PROCBASED) |
						(1u << VMX_MSR_TRUE_EXIT) | (1u << VMX_MSR_TRUE_ENTRY)
					  : (1u << VMX_MSR_PINBASED) | (1u << VMX_MSR_PROCBASED) | (1u << VMX_MSR_EXIT) |
						(1u << VMX_MSR_ENTRY);
		uint64_t pc, qc, xc, nc, x;
		if ((snap->msr_present & need) != need)
			goto cap_bad;
		pc = snap->msr[true_ctls ? VMX_MSR_TRUE_PINBASED : VMX_MSR_PINBASED];
		qc = snap->msr[true_ctls ? VMX_MSR_TRUE_PROCBASED : VMX_MSR_PROCBASED];
		xc = snap->msr[true_ctls ? VMX_MSR_TRUE_EXIT : VMX_MSR_EXIT];
		nc = snap->msr[true_ctls ? VMX_MSR_TRUE_ENTRY : VMX_MSR_ENTRY];
		x = (pin & ~(pc >> 32)) | ((uint32_t)pc & ~pin) | (proc & ~(qc >> 32)) | ((uint32_t)qc & ~proc);
		x |= (ex & ~(xc >> 32)) | ((uint32_t)xc & ~ex) | (ent & ~(nc >> 32)) | ((uint32_t)nc & ~ent);
		if (x)
			goto cap_bad;
		if (proc & PRI_(SECONDARY_CONTROLS)) {
			uint64_t c2 = vmx_snapshot_msr(snap, VMX_MSR_PROCBASED2);
			if ((sec & ~(c2 >> 32)) | ((uint32_t)c2 & ~sec))
				goto cap_bad;
		}
		if ((ter & ~vmx_snapshot_msr(snap, VMX_MSR_PROCBASED3)) || (vmf & ~vmx_snapshot_msr(snap, VMX_MSR_VMFUNC)))
			goto cap_bad;
		if ((ex & EXI_(SECONDARY_CONTROLS)) && (v[VMCS_F_EXIT2] & ~vmx_snapshot_msr(snap, VMX_MSR_EXIT2)))
			goto cap_bad;
		goto cap_ok;
	cap_bad:
		bad |= G_CAP;
	cap_ok:;
	}

	/* G_EXEC */
	if ((v[VMCS_F_CR3_TARGET_COUNT] & 0xffffffffu) > ((misc >> 16) & 0x1ffu))
		goto exec_bad;
	if ((proc & PRI_(IO_BITMAPS)) && ((v[VMCS_F_IO_BITMAP_A] | v[VMCS_F_IO_BITMAP_B]) & pg))
		goto exec_bad;
	if ((proc & PRI_(MSR_BITMAPS)) && (v[VMCS_F_MSR_BITMAP] & pg))
		goto exec_bad;
	if (proc & PRI_(TPR_SHADOW)) {
		uint64_t tpr = v[VMCS_F_TPR_THRESHOLD];
		if (v[VMCS_F_VIRTUAL_APIC_ADDR] & pg)
			goto exec_bad;
		if (!(sec & SEC_(VIRT_INTR_DELIVERY)) &&
		    ((tpr & 0xfffffff0u) ||
		     (!(sec & SEC_(VIRT_APIC_ACCESSES)) && (tpr & 0xfu) > ((v[VMCS_F_VTPR] >> 4) & 0xfu))))
			goto exec_bad;
	} else if (sec & (SEC_(VIRT_X2APIC) | SEC_(APIC_REGISTER_VIRT) | SEC_(VIRT_INTR_DELIVERY))) {
		goto exec_bad;
	}
	if ((pin & (PIN_(NMI_EXITING) | PIN_(VIRTUAL_NMIS))) == PIN_(VIRTUAL_NMIS))
		goto exec_bad;
	if ((proc & PRI_(NMI_WINDOW_EXITING)) && !(pin & PIN_(VIRTUAL_NMIS)))
		goto exec_bad;
	if (sec) {
		if ((sec & SEC_(VIRT_APIC_ACCESSES)) && (v[VMCS_F_APIC_ACCESS_ADDR] & pg))
			goto exec_bad;
		if ((sec & (SEC_(VIRT_X2APIC) | SEC_(VIRT_APIC_ACCESSES))) == (SEC_(VIRT_X2APIC) | SEC_(VIRT_APIC_ACCESSES)))
			goto exec_bad;
		if ((sec & SEC_(VIRT_INTR_DELIVERY)) && !(pin & PIN_(EXT_INTR_EXITING)))
			goto exec_bad;
		if ((sec & SEC_(VPID)) && !(v[VMCS_F_VPID] & 0xffffu))
			goto exec_bad;
	}
	if ((pin & PIN_(POSTED_INTR)) &&
	    (!(sec & SEC_(VIRT_INTR_DELIVERY)) || !(ex & EXI_(ACK_INTR_ON_EXIT)) || (v[VMCS_F_POSTED_INTR_NV] & 0xff00u) ||
	     (v[VMCS_F_PI_DESC_ADDR] & (63u | himask))))
		goto exec_bad;
	if ((ex & EXI_(SAVE_PREEMPTION_TIMER)) && !(pin & PIN_(PREEMPTION_TIMER)))
		goto exec_bad;
	goto exec_ok;
exec_bad:
	bad |= G_EXEC;
exec_ok:

	/* G_EPT */
	if (sec & SEC_(EPT)) {
		uint64_t e = v[VMCS_F_EPTP], mt = e & 7u, pwl = (e >> 3) & 7u;
		uint64_t ok_mt = mt == 6 ? eptcap & EPTC_(EPTP_WB) : mt == 0 ? eptcap & EPTC_(EPTP_UC) : 0;
		uint64_t ok_pwl = pwl == 3 ? eptcap & EPTC_(EPT_WALK4) : pwl == 4 ? eptcap & EPTC_(EPT_WALK5) : 0;
		if (!ok_mt || !ok_pwl || (e & (0xf00u | himask)) || ((e & 0x40u) && !(eptcap & EPTC_(EPT_AD))) ||
		    ((e & 0x80u) && !(eptcap & EPTC_(EPT_SSS))))
			goto ept_bad;
	} else if ((sec & (SEC_(PML) | SEC_(UNRESTRICTED_GUEST) | SEC_(MODE_BASED_EPT_EXEC) | SEC_(SPP))) || (vmf & 1u)) {
		goto ept_bad;
	}
	if (sec & (SEC_(PML) | SEC_(SHADOW_VMCS) | SEC_(EPT_VIOLATION_VE) | SEC_(SPP))) {
		if ((sec & SEC_(PML)) && (v[VMCS_F_PML_ADDRESS] & pg))
			goto ept_bad;
		if ((sec & SEC_(SHADOW_VMCS)) && ((v[VMCS_F_VMREAD_BITMAP] | v[VMCS_F_VMWRITE_BITMAP]) & pg))
			goto ept_bad;
		if ((sec & SEC_(EPT_VIOLATION_VE)) && (v[VMCS_F_VE_INFO_ADDR] & pg))
			goto ept_bad;
		if ((sec & SEC_(SPP)) && (v[VMCS_F_SPPTP] & pg))
			goto ept_bad;
	}
	if ((vmf & 1u) && (v[VMCS_F_EPTP_LIST_ADDR] & pg))
		goto ept_bad;
	goto ept_ok;
ept_bad:
	bad |= G_EPT;
ept_ok:

	/* G_MSR: EXIT-01/02, ENTRY-07 (16-byte aligned, last byte below 2^PAW) and INFO-MSRLIST */
	{
		static const uint8_t cf[3] = { VMCS_F_EXIT_MSR_STORE_COUNT, VMCS_F_EXIT_MSR_LOAD_COUNT,
					       VMCS_F_ENTRY_MSR_LOAD_COUNT };
		static const uint8_t af[3] = { VMCS_F_EXIT_MSR_STORE_ADDR, VMCS_F_EXIT_MSR_LOAD_ADDR,
					       VMCS_F_ENTRY_MSR_LOAD_ADDR };
		uint64_t max = warn ? 512u * (((misc >> 25) & 7u) + 1u) : 0xffffffffu;
		bool any = ((v[VMCS_F_EXIT_MSR_STORE_COUNT] | v[VMCS_F_EXIT_MSR_LOAD_COUNT] | v[VMCS_F_ENTRY_MSR_LOAD_COUNT]) &
			    0xffffffffu) != 0;
		for (unsigned i = 0; any && i < 3; i++) {
			uint64_t c = v[cf[i]] & 0xffffffffu, a = v[af[i]], last;
			if (!c)
				continue;
			last = a + c * 16u - 1u;
			if ((a & (15u | himask)) || (last & himask) || last < a || c > max) {
				bad |= G_MSR;
				break;
			}
		}
	}

	/* G_ENTRY */
	if ((v[VMCS_F_ENTRY_INTR_INFO] & 0x80000000u) ||
	    ((ent & (ENT_(SMM) | ENT_(DEACT_DUAL_MONITOR))) &&
	     (!(flags & VMCS_CHECK_IN_SMM) ||
	      (ent & (ENT_(SMM) | ENT_(DEACT_DUAL_MONITOR))) == (ENT_(SMM) | ENT_(DEACT_DUAL_MONITOR)))))
		bad |= G_ENTRY;

	/* G_WARN */
	if (warn) {
		uint64_t hs = ex & EXI_(HOST_ADDR_SPACE_SIZE), g64 = ent & ENT_(IA32E_MODE), cr0 = v[VMCS_F_GUEST_CR0];
		if ((ter & (TER_(HLAT) | TER_(EPT_PAGING_WRITE) | TER_(GUEST_PAGING_VERIFY) | TER_(IPI_VIRT))) ||
		    (sec & (SEC_(PT_USE_GPA) | SEC_(PASID_TRANSLATION))))
			goto warn_bad;
		if ((sec & SEC_(TSC_SCALING)) && !v[VMCS_F_TSC_MULTIPLIER])
			goto warn_bad;
		if ((g64 && !hs) || ((flags & VMCS_CHECK_HOST_64) && !hs) || ((flags & VMCS_CHECK_HOST_32) && (hs | g64)))
			goto warn_bad;
		if (g64 && (!(cr0 & 0x80000000u) || !(v[VMCS_F_GUEST_CR4] & 0x20u)))
			goto warn_bad;
		if (ent & ENT_(LOAD_EFER)) {
			uint64_t efer = v[VMCS_F_GUEST_EFER], lma = (efer >> 10) & 1u;
			if (lma != (g64 != 0) || ((cr0 & 0x80000000u) && lma != ((efer >> 8) & 1u)))
				goto warn_bad;
		}
		if (v[VMCS_F_LINK_POINTER] != ~0ull && (v[VMCS_F_LINK_POINTER] & pg))
			goto warn_bad;
		goto warn_ok;
	warn_bad:
		bad |= G_WARN;
	warn_ok:;
	}
	return bad;
}

int vmcs_check(const struct vmx_snapshot *snap, unsigned maxphyaddr, const struct vmcs_fields *f,
	       uint32_t flags, struct vmcs_result *r)
{
	struct st s;
	const uint64_t *v;
	uint64_t basic, misc, eptcap, kn;
	uint64_t pin, proc, sec, ter, ex, ex2, ent, vmf, und;
	bool true_ctls;
	unsigned paw, run;

	if (!r)
		return VMX_ERR_INVALID;
	r->n = r->n_errors = r->n_warnings = 0;
	r->truncated = false;
	r->failed[0] = r->failed[1] = r->warned[0] = r->warned[1] = 0;
	r->paw = 0;
	r->true_ctls = false;
	if (!snap || !f || maxphyaddr < 1 || maxphyaddr > 64)
		return VMX_ERR_INVALID;

	basic = vmx_snapshot_msr(snap, VMX_MSR_BASIC);
	misc = vmx_snapshot_msr(snap, VMX_MSR_MISC);
	eptcap = vmx_snapshot_msr(snap, VMX_MSR_EPT_VPID_CAP);
	true_ctls = (basic >> 55) & 1u;
	paw = ((basic >> 48) & 1u) ? 32u : maxphyaddr;
	r->paw = (uint8_t)paw;
	r->true_ctls = true_ctls;

	v = f->v;
	kn = f->known;
	s.himask = paw >= 64 ? 0 : ~0ull << paw;
	s.warn = !(flags & VMCS_CHECK_NO_WARNINGS);
	run = G_ALL;
	if (kn == VMCS_KNOWN_ALL && !(flags & VMCS_CHECK_NO_FASTPATH)) {
		run = quick_groups(snap, v, misc, eptcap, true_ctls, s.himask, flags, s.warn);
		if (!run)
			return VMX_OK;
	}
	s.r = r;
	s.v = v;

	pin = v[VMCS_F_PIN] & 0xffffffffu;
	proc = v[VMCS_F_PRIMARY] & 0xffffffffu;
	ex = v[VMCS_F_EXIT] & 0xffffffffu;
	ent = v[VMCS_F_ENTRY] & 0xffffffffu;
	/* Effective gated controls: 0 (and known) when the gate is known to be 0. */
	sec = (proc & PRI_(SECONDARY_CONTROLS)) ? v[VMCS_F_SECONDARY] & 0xffffffffu : 0;
	ter = (proc & PRI_(TERTIARY_CONTROLS)) ? v[VMCS_F_TERTIARY] : 0;
	ex2 = (ex & EXI_(SECONDARY_CONTROLS)) ? v[VMCS_F_EXIT2] : 0;
	if ((kn & FB(PRIMARY)) && !(proc & PRI_(SECONDARY_CONTROLS)))
		kn |= FB(SECONDARY);
	if ((kn & FB(PRIMARY)) && !(proc & PRI_(TERTIARY_CONTROLS)))
		kn |= FB(TERTIARY);
	if ((kn & FB(EXIT)) && !(ex & EXI_(SECONDARY_CONTROLS)))
		kn |= FB(EXIT2);
	if (!(kn & FB(PRIMARY)))
		kn &= ~(FB(SECONDARY) | FB(TERTIARY)); /* gate unknown: the gated value is unknown too */
	if (!(kn & FB(EXIT)))
		kn &= ~FB(EXIT2);
	vmf = (sec & SEC_(VMFUNC)) ? v[VMCS_F_VMFUNC_CONTROLS] : 0;
	if ((kn & FB(SECONDARY)) && !(sec & SEC_(VMFUNC)))
		kn |= FB(VMFUNC_CONTROLS);
	if (!(kn & FB(SECONDARY)))
		kn &= ~FB(VMFUNC_CONTROLS);
	s.kn = kn;


	if (!(run & G_CAP))
		goto cap_done;
	/* ---- 1A: capability MSRs ---- */
	if (need(&s, VMCS_R_CAP_01, FB(PIN))) {
		uint64_t m = cap_msr(snap, true_ctls, VMX_MSR_PINBASED, VMX_MSR_TRUE_PINBASED, VMX_PIN_DEFAULT1, &und);
		cap32(&s, VMCS_R_CAP_01, VMCS_F_PIN, m, und);
	}
	if (need(&s, VMCS_R_CAP_02, FB(PRIMARY))) {
		uint64_t m = cap_msr(snap, true_ctls, VMX_MSR_PROCBASED, VMX_MSR_TRUE_PROCBASED, VMX_PRIMARY_DEFAULT1, &und);
		cap32(&s, VMCS_R_CAP_02, VMCS_F_PRIMARY, m, und);
	}
	if ((kn & FB(PRIMARY)) && (proc & PRI_(SECONDARY_CONTROLS)) && need(&s, VMCS_R_CAP_03, FB(SECONDARY)))
		cap32(&s, VMCS_R_CAP_03, VMCS_F_SECONDARY, vmx_snapshot_msr(snap, VMX_MSR_PROCBASED2), 0);
	if ((kn & FB(PRIMARY)) && (proc & PRI_(TERTIARY_CONTROLS)) && need(&s, VMCS_R_CAP_04, FB(TERTIARY))) {
		uint64_t cap = vmx_snapshot_msr(snap, VMX_MSR_PROCBASED3), bad = fits_set(ter, cap);
		if (bad)
			fail(&s, VMCS_R_CAP_04, VMCS_D_SET_NOT_ALLOWED, VMCS_F_TERTIARY, bad, VMCS_F_PRIMARY,
			     PRI_(TERTIARY_CONTROLS), cap);
	}
	if (need(&s, VMCS_R_CAP_05, FB(EXIT))) {
		uint64_t m = cap_msr(snap, true_ctls, VMX_MSR_EXIT, VMX_MSR_TRUE_EXIT, VMX_EXIT_DEFAULT1, &und);
		cap32(&s, VMCS_R_CAP_05, VMCS_F_EXIT, m, und);
	}
	if ((kn & FB(EXIT)) && (ex & EXI_(SECONDARY_CONTROLS)) && need(&s, VMCS_R_CAP_06, FB(EXIT2))) {
		uint64_t cap = vmx_snapshot_msr(snap, VMX_MSR_EXIT2), bad = fits_set(ex2, cap);
		if (bad)
			fail(&s, VMCS_R_CAP_06, VMCS_D_SET_NOT_ALLOWED, VMCS_F_EXIT2, bad, VMCS_F_EXIT,
			     EXI_(SECONDARY_CONTROLS), cap);
	}
	if (need(&s, VMCS_R_CAP_07, FB(ENTRY))) {
		uint64_t m = cap_msr(snap, true_ctls, VMX_MSR_ENTRY, VMX_MSR_TRUE_ENTRY, VMX_ENTRY_DEFAULT1, &und);
		cap32(&s, VMCS_R_CAP_07, VMCS_F_ENTRY, m, und);
	}
	if ((kn & FB(SECONDARY)) && (sec & SEC_(VMFUNC)) && need(&s, VMCS_R_CAP_08, FB(VMFUNC_CONTROLS))) {
		uint64_t cap = vmx_snapshot_msr(snap, VMX_MSR_VMFUNC), bad = fits_set(vmf, cap);
		if (bad)
			fail(&s, VMCS_R_CAP_08, VMCS_D_SET_NOT_ALLOWED, VMCS_F_VMFUNC_CONTROLS, bad, VMCS_F_SECONDARY,
			     SEC_(VMFUNC), cap);
	}

cap_done:
	/* ---- 1B: VM-execution control fields ---- */
	if (!(run & G_EXEC))
		goto exec_done;
	if (need(&s, VMCS_R_EXEC_01, FB(CR3_TARGET_COUNT))) {
		uint64_t max = (misc >> 16) & 0x1ffu, cnt = v[VMCS_F_CR3_TARGET_COUNT] & 0xffffffffu;
		if (cnt > max)
			fail(&s, VMCS_R_EXEC_01, VMCS_D_TOO_LARGE, VMCS_F_CR3_TARGET_COUNT, 0, NONE, 0, max);
	}
	if (need(&s, VMCS_R_EXEC_02, FB(PRIMARY)) && (proc & PRI_(IO_BITMAPS))) {
		addr(&s, VMCS_R_EXEC_02, VMCS_F_IO_BITMAP_A, 4096, VMCS_F_PRIMARY, PRI_(IO_BITMAPS));
		addr(&s, VMCS_R_EXEC_02, VMCS_F_IO_BITMAP_B, 4096, VMCS_F_PRIMARY, PRI_(IO_BITMAPS));
	}
	if (need(&s, VMCS_R_EXEC_03, FB(PRIMARY)) && (proc & PRI_(MSR_BITMAPS)))
		addr(&s, VMCS_R_EXEC_03, VMCS_F_MSR_BITMAP, 4096, VMCS_F_PRIMARY, PRI_(MSR_BITMAPS));
	if (need(&s, VMCS_R_EXEC_04, FB(PRIMARY)) && (proc & PRI_(TPR_SHADOW)))
		addr(&s, VMCS_R_EXEC_04, VMCS_F_VIRTUAL_APIC_ADDR, 4096, VMCS_F_PRIMARY, PRI_(TPR_SHADOW));
	if (need(&s, VMCS_R_EXEC_05, FB(PRIMARY)) && (proc & PRI_(TPR_SHADOW)) &&
	    need(&s, VMCS_R_EXEC_05, FB(SECONDARY)) && !(sec & SEC_(VIRT_INTR_DELIVERY)) &&
	    need(&s, VMCS_R_EXEC_05, FB(TPR_THRESHOLD))) {
		uint64_t bad = v[VMCS_F_TPR_THRESHOLD] & 0xfffffff0u;
		if (bad)
			fail(&s, VMCS_R_EXEC_05, VMCS_D_RESERVED_SET, VMCS_F_TPR_THRESHOLD, bad, VMCS_F_PRIMARY,
			     PRI_(TPR_SHADOW), 0);
	}
	if (need(&s, VMCS_R_EXEC_06, FB(PRIMARY)) && (proc & PRI_(TPR_SHADOW)) &&
	    need(&s, VMCS_R_EXEC_06, FB(SECONDARY)) && !(sec & (SEC_(VIRT_INTR_DELIVERY) | SEC_(VIRT_APIC_ACCESSES))) &&
	    need(&s, VMCS_R_EXEC_06, FB(TPR_THRESHOLD) | FB(VTPR))) {
		uint64_t thr = v[VMCS_F_TPR_THRESHOLD] & 0xfu, vt = (v[VMCS_F_VTPR] >> 4) & 0xfu;
		if (thr > vt)
			fail(&s, VMCS_R_EXEC_06, VMCS_D_TOO_LARGE, VMCS_F_TPR_THRESHOLD, thr, VMCS_F_VTPR,
			     v[VMCS_F_VTPR] & 0xf0u, vt);
	}
	if (need(&s, VMCS_R_EXEC_07, FB(PIN)) && !(pin & PIN_(NMI_EXITING)) && (pin & PIN_(VIRTUAL_NMIS)))
		requires(&s, VMCS_R_EXEC_07, VMCS_F_PIN, PIN_(VIRTUAL_NMIS), VMCS_F_PIN, PIN_(NMI_EXITING));
	if (need(&s, VMCS_R_EXEC_08, FB(PIN) | FB(PRIMARY)) && !(pin & PIN_(VIRTUAL_NMIS)) &&
	    (proc & PRI_(NMI_WINDOW_EXITING)))
		requires(&s, VMCS_R_EXEC_08, VMCS_F_PRIMARY, PRI_(NMI_WINDOW_EXITING), VMCS_F_PIN, PIN_(VIRTUAL_NMIS));
	if (need(&s, VMCS_R_EXEC_09, FB(SECONDARY)) && (sec & SEC_(VIRT_APIC_ACCESSES)))
		addr(&s, VMCS_R_EXEC_09, VMCS_F_APIC_ACCESS_ADDR, 4096, VMCS_F_SECONDARY, SEC_(VIRT_APIC_ACCESSES));
	if (need(&s, VMCS_R_EXEC_10, FB(PRIMARY) | FB(SECONDARY)) && !(proc & PRI_(TPR_SHADOW))) {
		uint64_t bad = sec & (SEC_(VIRT_X2APIC) | SEC_(APIC_REGISTER_VIRT) | SEC_(VIRT_INTR_DELIVERY));
		if (bad)
			requires(&s, VMCS_R_EXEC_10, VMCS_F_SECONDARY, bad, VMCS_F_PRIMARY, PRI_(TPR_SHADOW));
	}
	if (need(&s, VMCS_R_EXEC_11, FB(SECONDARY)) && (sec & SEC_(VIRT_X2APIC)) && (sec & SEC_(VIRT_APIC_ACCESSES)))
		fail(&s, VMCS_R_EXEC_11, VMCS_D_CONFLICT, VMCS_F_SECONDARY, SEC_(VIRT_APIC_ACCESSES), VMCS_F_SECONDARY,
		     SEC_(VIRT_X2APIC), 0);
	if (need(&s, VMCS_R_EXEC_12, FB(SECONDARY)) && (sec & SEC_(VIRT_INTR_DELIVERY)) &&
	    need(&s, VMCS_R_EXEC_12, FB(PIN)) && !(pin & PIN_(EXT_INTR_EXITING)))
		requires(&s, VMCS_R_EXEC_12, VMCS_F_SECONDARY, SEC_(VIRT_INTR_DELIVERY), VMCS_F_PIN, PIN_(EXT_INTR_EXITING));
	if ((kn & FB(PIN)) && (pin & PIN_(POSTED_INTR))) {
		if (need(&s, VMCS_R_EXEC_13A, FB(SECONDARY)) && !(sec & SEC_(VIRT_INTR_DELIVERY)))
			requires(&s, VMCS_R_EXEC_13A, VMCS_F_PIN, PIN_(POSTED_INTR), VMCS_F_SECONDARY,
				 SEC_(VIRT_INTR_DELIVERY));
		if (need(&s, VMCS_R_EXEC_13B, FB(EXIT)) && !(ex & EXI_(ACK_INTR_ON_EXIT)))
			requires(&s, VMCS_R_EXEC_13B, VMCS_F_PIN, PIN_(POSTED_INTR), VMCS_F_EXIT, EXI_(ACK_INTR_ON_EXIT));
		if (need(&s, VMCS_R_EXEC_13C, FB(POSTED_INTR_NV)) && (v[VMCS_F_POSTED_INTR_NV] & 0xff00u))
			fail(&s, VMCS_R_EXEC_13C, VMCS_D_RESERVED_SET, VMCS_F_POSTED_INTR_NV,
			     v[VMCS_F_POSTED_INTR_NV] & 0xff00u, VMCS_F_PIN, PIN_(POSTED_INTR), 0xff);
		addr(&s, VMCS_R_EXEC_13D, VMCS_F_PI_DESC_ADDR, 64, VMCS_F_PIN, PIN_(POSTED_INTR));
	}
	if (need(&s, VMCS_R_EXEC_14, FB(SECONDARY)) && (sec & SEC_(VPID)) && need(&s, VMCS_R_EXEC_14, FB(VPID)) &&
	    (v[VMCS_F_VPID] & 0xffffu) == 0)
		fail(&s, VMCS_R_EXEC_14, VMCS_D_ZERO, VMCS_F_VPID, 0, VMCS_F_SECONDARY, SEC_(VPID), 0);
exec_done:
	if (!(run & G_EPT))
		goto ept_done;
	if ((kn & FB(SECONDARY)) && (sec & SEC_(EPT))) {
		if (!need(&s, VMCS_R_EXEC_15A, FB(EPTP))) {
			/* one undecided finding covers the EPTP rules */
		} else {
			uint64_t e = v[VMCS_F_EPTP];
			uint64_t mt = e & 7u, pwl = (e >> 3) & 7u;
			if (!((mt == 0 && (eptcap & EPTC_(EPTP_UC))) || (mt == 6 && (eptcap & EPTC_(EPTP_WB)))))
				fail(&s, VMCS_R_EXEC_15A, (mt == 0 || mt == 6) ? VMCS_D_UNSUPPORTED : VMCS_D_INVALID_VALUE,
				     VMCS_F_EPTP, 7u, VMCS_F_SECONDARY, SEC_(EPT), mt);
			if (!((pwl == 3 && (eptcap & EPTC_(EPT_WALK4))) || (pwl == 4 && (eptcap & EPTC_(EPT_WALK5)))))
				fail(&s, VMCS_R_EXEC_15B, (pwl == 3 || pwl == 4) ? VMCS_D_UNSUPPORTED : VMCS_D_INVALID_VALUE,
				     VMCS_F_EPTP, 0x38u, VMCS_F_SECONDARY, SEC_(EPT), pwl + 1);
			if ((e & 0x40u) && !(eptcap & EPTC_(EPT_AD)))
				fail(&s, VMCS_R_EXEC_15C, VMCS_D_UNSUPPORTED, VMCS_F_EPTP, 0x40u, VMCS_F_SECONDARY, SEC_(EPT), 0);
			if ((e & 0x80u) && !(eptcap & EPTC_(EPT_SSS)))
				fail(&s, VMCS_R_EXEC_15D, VMCS_D_UNSUPPORTED, VMCS_F_EPTP, 0x80u, VMCS_F_SECONDARY, SEC_(EPT), 0);
			if (e & 0xf00u)
				fail(&s, VMCS_R_EXEC_15E, VMCS_D_RESERVED_SET, VMCS_F_EPTP, e & 0xf00u, VMCS_F_SECONDARY,
				     SEC_(EPT), 0);
			if (e & s.himask)
				fail(&s, VMCS_R_EXEC_15E, VMCS_D_BEYOND_WIDTH, VMCS_F_EPTP, e & s.himask, VMCS_F_SECONDARY,
				     SEC_(EPT), paw);
		}
	}
	if (need(&s, VMCS_R_EXEC_16, FB(SECONDARY)) && (sec & SEC_(PML))) {
		if (!(sec & SEC_(EPT)))
			requires(&s, VMCS_R_EXEC_16, VMCS_F_SECONDARY, SEC_(PML), VMCS_F_SECONDARY, SEC_(EPT));
		addr(&s, VMCS_R_EXEC_16, VMCS_F_PML_ADDRESS, 4096, VMCS_F_SECONDARY, SEC_(PML));
	}
	if (need(&s, VMCS_R_EXEC_17, FB(SECONDARY)) && (sec & SEC_(UNRESTRICTED_GUEST)) && !(sec & SEC_(EPT)))
		requires(&s, VMCS_R_EXEC_17, VMCS_F_SECONDARY, SEC_(UNRESTRICTED_GUEST), VMCS_F_SECONDARY, SEC_(EPT));
	if (need(&s, VMCS_R_EXEC_18, FB(SECONDARY)) && (sec & SEC_(MODE_BASED_EPT_EXEC)) && !(sec & SEC_(EPT)))
		requires(&s, VMCS_R_EXEC_18, VMCS_F_SECONDARY, SEC_(MODE_BASED_EPT_EXEC), VMCS_F_SECONDARY, SEC_(EPT));
	if (need(&s, VMCS_R_EXEC_19, FB(VMFUNC_CONTROLS)) && (vmf & VMX_B(VMFUNC, EPTP_SWITCHING))) {
		if (!(sec & SEC_(EPT)))
			requires(&s, VMCS_R_EXEC_19, VMCS_F_VMFUNC_CONTROLS, VMX_B(VMFUNC, EPTP_SWITCHING), VMCS_F_SECONDARY,
				 SEC_(EPT));
		addr(&s, VMCS_R_EXEC_19, VMCS_F_EPTP_LIST_ADDR, 4096, VMCS_F_VMFUNC_CONTROLS, VMX_B(VMFUNC, EPTP_SWITCHING));
	}
	if (need(&s, VMCS_R_EXEC_20, FB(SECONDARY)) && (sec & SEC_(SHADOW_VMCS))) {
		addr(&s, VMCS_R_EXEC_20, VMCS_F_VMREAD_BITMAP, 4096, VMCS_F_SECONDARY, SEC_(SHADOW_VMCS));
		addr(&s, VMCS_R_EXEC_20, VMCS_F_VMWRITE_BITMAP, 4096, VMCS_F_SECONDARY, SEC_(SHADOW_VMCS));
	}
	if (need(&s, VMCS_R_EXEC_21, FB(SECONDARY)) && (sec & SEC_(EPT_VIOLATION_VE)))
		addr(&s, VMCS_R_EXEC_21, VMCS_F_VE_INFO_ADDR, 4096, VMCS_F_SECONDARY, SEC_(EPT_VIOLATION_VE));
	if (need(&s, VMCS_R_EXEC_22, FB(SECONDARY)) && (sec & SEC_(SPP))) {
		if (!(sec & SEC_(EPT)))
			requires(&s, VMCS_R_EXEC_22, VMCS_F_SECONDARY, SEC_(SPP), VMCS_F_SECONDARY, SEC_(EPT));
		addr(&s, VMCS_R_EXEC_22, VMCS_F_SPPTP, 4096, VMCS_F_SECONDARY, SEC_(SPP));
	}
ept_done:
	if ((run & G_EXEC) && need(&s, VMCS_R_EXEC_23, FB(PIN) | FB(EXIT)) && !(pin & PIN_(PREEMPTION_TIMER)) &&
	    (ex & EXI_(SAVE_PREEMPTION_TIMER)))
		requires(&s, VMCS_R_EXEC_23, VMCS_F_EXIT, EXI_(SAVE_PREEMPTION_TIMER), VMCS_F_PIN, PIN_(PREEMPTION_TIMER));
	/* EXEC-24: the reference states there is no check beyond CAP-03. */

	if (s.warn && (run & G_WARN)) {
		/* EXEC-25 (UNVERIFIED): tertiary features and PT-uses-GPA. */
		if ((kn & FB(TERTIARY)) && (ter & TER_(HLAT))) {
			if ((kn & FB(SECONDARY)) && !(sec & SEC_(EPT)))
				requires(&s, VMCS_R_EXEC_25, VMCS_F_TERTIARY, TER_(HLAT), VMCS_F_SECONDARY, SEC_(EPT));
			if (kn & FB(HLATP))
				addr(&s, VMCS_R_EXEC_25, VMCS_F_HLATP, 4096, VMCS_F_TERTIARY, TER_(HLAT));
			if ((kn & FB(HLAT_PREFIX_SIZE)) && (v[VMCS_F_HLAT_PREFIX_SIZE] & 0xffffu) > ((eptcap >> 48) & 0x3fu))
				fail(&s, VMCS_R_EXEC_25, VMCS_D_TOO_LARGE, VMCS_F_HLAT_PREFIX_SIZE, 0, VMCS_F_TERTIARY, TER_(HLAT),
				     (eptcap >> 48) & 0x3fu);
		}
		if ((kn & FB(TERTIARY)) && (kn & FB(SECONDARY)) && (ter & (TER_(EPT_PAGING_WRITE) | TER_(GUEST_PAGING_VERIFY))) &&
		    !(sec & SEC_(EPT)))
			requires(&s, VMCS_R_EXEC_25, VMCS_F_TERTIARY, ter & (TER_(EPT_PAGING_WRITE) | TER_(GUEST_PAGING_VERIFY)),
				 VMCS_F_SECONDARY, SEC_(EPT));
		if ((kn & FB(TERTIARY)) && (ter & TER_(IPI_VIRT)) && (kn & FB(PID_POINTER_TABLE)))
			addr(&s, VMCS_R_EXEC_25, VMCS_F_PID_POINTER_TABLE, 8, VMCS_F_TERTIARY, TER_(IPI_VIRT));
		if ((kn & FB(SECONDARY)) && (sec & SEC_(PASID_TRANSLATION)) && !(sec & SEC_(EPT)))
			requires(&s, VMCS_R_EXEC_25, VMCS_F_SECONDARY, SEC_(PASID_TRANSLATION), VMCS_F_SECONDARY, SEC_(EPT));
		if ((kn & FB(SECONDARY)) && (sec & SEC_(PT_USE_GPA))) {
			if (!(sec & SEC_(EPT)))
				requires(&s, VMCS_R_EXEC_25, VMCS_F_SECONDARY, SEC_(PT_USE_GPA), VMCS_F_SECONDARY, SEC_(EPT));
			if ((kn & FB(ENTRY)) && !(ent & ENT_(LOAD_RTIT_CTL)))
				requires(&s, VMCS_R_EXEC_25, VMCS_F_SECONDARY, SEC_(PT_USE_GPA), VMCS_F_ENTRY, ENT_(LOAD_RTIT_CTL));
			if ((kn & FB(EXIT)) && !(ex & EXI_(CLEAR_RTIT_CTL)))
				requires(&s, VMCS_R_EXEC_25, VMCS_F_SECONDARY, SEC_(PT_USE_GPA), VMCS_F_EXIT, EXI_(CLEAR_RTIT_CTL));
		}
		/* EXEC-26 (peer-only): TSC scaling with multiplier 0. */
		if ((kn & FB(SECONDARY)) && (sec & SEC_(TSC_SCALING)) && (kn & FB(TSC_MULTIPLIER)) && v[VMCS_F_TSC_MULTIPLIER] == 0)
			fail(&s, VMCS_R_EXEC_26, VMCS_D_ZERO, VMCS_F_TSC_MULTIPLIER, 0, VMCS_F_SECONDARY, SEC_(TSC_SCALING), 0);
	}

	/* ---- 1C: VM-exit control fields ---- */
	if (run & G_MSR) {
		msr_area(&s, VMCS_R_EXIT_01, VMCS_F_EXIT_MSR_STORE_COUNT, VMCS_F_EXIT_MSR_STORE_ADDR);
		msr_area(&s, VMCS_R_EXIT_02, VMCS_F_EXIT_MSR_LOAD_COUNT, VMCS_F_EXIT_MSR_LOAD_ADDR);
	}
	if (s.warn && (run & G_MSR)) {
		static const uint8_t cnt_fields[3] = {VMCS_F_EXIT_MSR_STORE_COUNT, VMCS_F_EXIT_MSR_LOAD_COUNT,
						      VMCS_F_ENTRY_MSR_LOAD_COUNT};
		uint64_t max = 512u * (((misc >> 25) & 7u) + 1u);
		unsigned i;
		for (i = 0; i < 3; i++)
			if (((kn >> cnt_fields[i]) & 1u) && (v[cnt_fields[i]] & 0xffffffffu) > max)
				fail(&s, VMCS_R_INFO_MSRLIST, VMCS_D_TOO_LARGE, cnt_fields[i], 0, NONE, 0, max);
	}

	/* ---- 1D: VM-entry control fields ---- */
	if ((run & G_ENTRY) && need(&s, VMCS_R_ENTRY_01, FB(ENTRY_INTR_INFO)) && (v[VMCS_F_ENTRY_INTR_INFO] & 0x80000000u)) {
		uint64_t info = v[VMCS_F_ENTRY_INTR_INFO] & 0xffffffffu;
		unsigned type = (unsigned)(info >> 8) & 7u, vec = (unsigned)info & 0xffu;
		bool dec = (info >> 11) & 1u;
		uint64_t proc_cap = cap_msr(snap, true_ctls, VMX_MSR_PROCBASED, VMX_MSR_TRUE_PROCBASED, 0, &und);
		bool fred_ok = false, fred_unknown = false;

		/* ENTRY-01 */
		if (type == 1)
			fail(&s, VMCS_R_ENTRY_01, VMCS_D_INVALID_VALUE, VMCS_F_ENTRY_INTR_INFO, 0x700u, NONE, 0, type);
		else if (type == 7 && !((proc_cap >> 32) & PRI_(MONITOR_TRAP_FLAG)))
			fail(&s, VMCS_R_ENTRY_01, VMCS_D_UNSUPPORTED, VMCS_F_ENTRY_INTR_INFO, 0x700u, NONE, 0, type);

		/* ENTRY-02 (FRED: type 7 may carry vector 1/2 for a 64-bit guest with CR4.FRED = 1) */
		if (type == 7 && (vec == 1 || vec == 2)) {
			if (!(kn & FB(ENTRY)) || ((ent & ENT_(IA32E_MODE)) && !(kn & FB(GUEST_CR4))))
				fred_unknown = true;
			else
				fred_ok = (ent & ENT_(IA32E_MODE)) && ((v[VMCS_F_GUEST_CR4] >> 32) & 1u);
		}
		if ((type == 2 && vec != 2) || (type == 3 && vec > 31) || (type == 7 && vec != 0 && !fred_ok && !fred_unknown))
			fail(&s, VMCS_R_ENTRY_02, VMCS_D_INVALID_VALUE, VMCS_F_ENTRY_INTR_INFO, 0xffu, NONE, 0, vec);
		else if (type == 7 && fred_unknown)
			put(&s, VMCS_K_UNDECIDED, VMCS_R_ENTRY_02, VMCS_D_UNDECIDED,
			    (kn & FB(ENTRY)) ? VMCS_F_GUEST_CR4 : VMCS_F_ENTRY, 0, NONE, 0, 0, 0);

		/* ENTRY-03: deliver-error-code consistency */
		{
			/* pm: protected mode guest = !URG || CR0.PE; tri-state when CR0 unknown */
			int pm;
			if (!(kn & FB(SECONDARY)))
				pm = -1;
			else if (!(sec & SEC_(UNRESTRICTED_GUEST)))
				pm = 1;
			else if (kn & FB(GUEST_CR0))
				pm = (int)(v[VMCS_F_GUEST_CR0] & 1u);
			else
				pm = -1;
			if (type != 3) {
				if (dec)
					fail(&s, VMCS_R_ENTRY_03, VMCS_D_BIT_MUST_BE_0, VMCS_F_ENTRY_INTR_INFO, 0x800u, NONE, 0, 0);
			} else {
				/* outcome for pm = 0 and pm = 1 */
				bool bad_real = dec;
				bool want = vec == 8 || vec == 10 || vec == 11 || vec == 12 || vec == 13 || vec == 14 || vec == 17;
				bool bad_pm = ((basic >> 56) & 1u) ? false : (dec != want);
				bool bad = pm == 1 ? bad_pm : pm == 0 ? bad_real : (bad_pm && bad_real);
				if (bad)
					fail(&s, VMCS_R_ENTRY_03, dec ? VMCS_D_BIT_MUST_BE_0 : VMCS_D_BIT_MUST_BE_1,
					     VMCS_F_ENTRY_INTR_INFO, 0x800u, pm == 0 ? VMCS_F_GUEST_CR0 : NONE, 0, vec);
				else if (pm < 0 && bad_pm != bad_real)
					put(&s, VMCS_K_UNDECIDED, VMCS_R_ENTRY_03, VMCS_D_UNDECIDED,
					    (kn & FB(SECONDARY)) ? VMCS_F_GUEST_CR0 : VMCS_F_SECONDARY, 0, NONE, 0, 0, 0);
			}
		}

		/* ENTRY-04: reserved bits 30:12 (bit 13 allowed for type 3 when BASIC[58]) */
		{
			uint64_t rsvd = info & 0x7ffff000u;
			if (((basic >> 58) & 1u) && type == 3)
				rsvd &= ~0x2000ull;
			if (rsvd)
				fail(&s, VMCS_R_ENTRY_04, VMCS_D_RESERVED_SET, VMCS_F_ENTRY_INTR_INFO, rsvd, NONE, 0, 0);
		}

		/* ENTRY-05: error-code value */
		if (dec && need(&s, VMCS_R_ENTRY_05, FB(ENTRY_EXC_ERRCODE))) {
			uint64_t ec = v[VMCS_F_ENTRY_EXC_ERRCODE] & 0xffffffffu;
			if (ec & 0xffff0000u)
				fail(&s, VMCS_R_ENTRY_05, VMCS_D_RESERVED_SET, VMCS_F_ENTRY_EXC_ERRCODE, ec & 0xffff0000u,
				     VMCS_F_ENTRY_INTR_INFO, 0x800u, 0);
			if (ec & 0x8000u)
				put(&s, (flags & VMCS_CHECK_STRICT_ERRCODE) ? VMCS_K_ERROR : VMCS_K_WARNING, VMCS_R_ENTRY_05,
				    VMCS_D_RESERVED_SET, VMCS_F_ENTRY_EXC_ERRCODE, 0x8000u, VMCS_F_ENTRY_INTR_INFO, 0x800u, ec,
				    15);
		}

		/* ENTRY-06: instruction length */
		if ((type >= 4 && type <= 6) || (type == 7 && (vec == 1 || vec == 2))) {
			if (need(&s, VMCS_R_ENTRY_06, FB(ENTRY_INSTR_LEN))) {
				uint64_t len = v[VMCS_F_ENTRY_INSTR_LEN] & 0xffffffffu;
				if (len > 15)
					fail(&s, VMCS_R_ENTRY_06, VMCS_D_TOO_LARGE, VMCS_F_ENTRY_INSTR_LEN, 0, VMCS_F_ENTRY_INTR_INFO,
					     0x700u, 15);
				else if (len == 0 && type != 7 && !((misc >> 30) & 1u))
					fail(&s, VMCS_R_ENTRY_06, VMCS_D_ZERO, VMCS_F_ENTRY_INSTR_LEN, 0, VMCS_F_ENTRY_INTR_INFO, 0x700u,
					     0);
			}
		}

		/* X-03 (not error 7): injection vs guest state, only when those fields are given */
		if (s.warn) {
			uint64_t intr = v[VMCS_F_GUEST_INTERRUPTIBILITY];
			bool kint = (kn & FB(GUEST_INTERRUPTIBILITY)) != 0;
			if (type == 0 && (kn & FB(GUEST_RFLAGS)) && !(v[VMCS_F_GUEST_RFLAGS] & 0x200u))
				fail(&s, VMCS_R_X_03, VMCS_D_BIT_MUST_BE_1, VMCS_F_GUEST_RFLAGS, 0x200u, VMCS_F_ENTRY_INTR_INFO,
				     0x700u, 0);
			if (type == 0 && kint && (intr & 3u))
				fail(&s, VMCS_R_X_03, VMCS_D_BIT_MUST_BE_0, VMCS_F_GUEST_INTERRUPTIBILITY, intr & 3u,
				     VMCS_F_ENTRY_INTR_INFO, 0x700u, 0);
			if (type == 2 && kint && (intr & 2u))
				fail(&s, VMCS_R_X_03, VMCS_D_BIT_MUST_BE_0, VMCS_F_GUEST_INTERRUPTIBILITY, 2u,
				     VMCS_F_ENTRY_INTR_INFO, 0x700u, 0);
			if (type == 2 && kint && (kn & FB(PIN)) && (pin & PIN_(VIRTUAL_NMIS)) && (intr & 8u))
				fail(&s, VMCS_R_X_03, VMCS_D_BIT_MUST_BE_0, VMCS_F_GUEST_INTERRUPTIBILITY, 8u, VMCS_F_PIN,
				     PIN_(VIRTUAL_NMIS), 0);
			if (kn & FB(GUEST_ACTIVITY)) {
				uint64_t act = v[VMCS_F_GUEST_ACTIVITY] & 0xffffffffu;
				bool ok = true;
				if (act == 1) /* HLT: ext-int, NMI, #DB, #MC, pending MTF */
					ok = type == 0 || type == 2 || (type == 3 && (vec == 1 || vec == 18)) ||
					     (type == 7 && vec == 0);
				else if (act == 2) /* shutdown: NMI, #MC */
					ok = type == 2 || (type == 3 && vec == 18);
				else if (act == 3) /* wait-for-SIPI: nothing */
					ok = false;
				if (!ok)
					fail(&s, VMCS_R_X_03, VMCS_D_INVALID_VALUE, VMCS_F_GUEST_ACTIVITY, 0, VMCS_F_ENTRY_INTR_INFO,
					     info, act);
			}
		}
	}
	if (run & G_MSR)
		msr_area(&s, VMCS_R_ENTRY_07, VMCS_F_ENTRY_MSR_LOAD_COUNT, VMCS_F_ENTRY_MSR_LOAD_ADDR);
	if ((run & G_ENTRY) && need(&s, VMCS_R_ENTRY_08, FB(ENTRY))) {
		uint64_t smm = ent & (ENT_(SMM) | ENT_(DEACT_DUAL_MONITOR));
		if (smm && !(flags & VMCS_CHECK_IN_SMM))
			fail(&s, VMCS_R_ENTRY_08, VMCS_D_BIT_MUST_BE_0, VMCS_F_ENTRY, smm, NONE, 0, 0);
		if (smm == (ENT_(SMM) | ENT_(DEACT_DUAL_MONITOR)))
			fail(&s, VMCS_R_ENTRY_09, VMCS_D_CONFLICT, VMCS_F_ENTRY, ENT_(DEACT_DUAL_MONITOR), VMCS_F_ENTRY,
			     ENT_(SMM), 0);
	}

	/* ---- 1E: related checks that are not error 7 (warnings; only with the fields they read) ---- */
	if (s.warn && (run & G_WARN)) {
		/* */
		if ((kn & FB(EXIT)) && (kn & FB(ENTRY))) {
			bool hs = ex & EXI_(HOST_ADDR_SPACE_SIZE), g64 = ent & ENT_(IA32E_MODE);
			if (!hs && g64)
				requires(&s, VMCS_R_X_01, VMCS_F_ENTRY, ENT_(IA32E_MODE), VMCS_F_EXIT, EXI_(HOST_ADDR_SPACE_SIZE));
			if ((flags & VMCS_CHECK_HOST_64) && !hs)
				fail(&s, VMCS_R_X_01, VMCS_D_BIT_MUST_BE_1, VMCS_F_EXIT, EXI_(HOST_ADDR_SPACE_SIZE), NONE, 0, 0);
			if ((flags & VMCS_CHECK_HOST_32) && (hs || g64)) {
				if (hs)
					fail(&s, VMCS_R_X_01, VMCS_D_BIT_MUST_BE_0, VMCS_F_EXIT, EXI_(HOST_ADDR_SPACE_SIZE), NONE, 0, 0);
				if (g64)
					fail(&s, VMCS_R_X_01, VMCS_D_BIT_MUST_BE_0, VMCS_F_ENTRY, ENT_(IA32E_MODE), NONE, 0, 0);
			}
		}
		/* */
		if (kn & FB(ENTRY)) {
			bool g64 = ent & ENT_(IA32E_MODE);
			if (g64 && (kn & FB(GUEST_CR0)) && !(v[VMCS_F_GUEST_CR0] & 0x80000000u))
				fail(&s, VMCS_R_X_02, VMCS_D_BIT_MUST_BE_1, VMCS_F_GUEST_CR0, 0x80000000u, VMCS_F_ENTRY,
				     ENT_(IA32E_MODE), 0);
			if (g64 && (kn & FB(GUEST_CR4)) && !(v[VMCS_F_GUEST_CR4] & 0x20u))
				fail(&s, VMCS_R_X_02, VMCS_D_BIT_MUST_BE_1, VMCS_F_GUEST_CR4, 0x20u, VMCS_F_ENTRY, ENT_(IA32E_MODE), 0);
			if ((ent & ENT_(LOAD_EFER)) && (kn & FB(GUEST_EFER))) {
				uint64_t efer = v[VMCS_F_GUEST_EFER];
				bool lma = (efer >> 10) & 1u, lme = (efer >> 8) & 1u;
				if (lma != g64)
					fail(&s, VMCS_R_X_02, g64 ? VMCS_D_BIT_MUST_BE_1 : VMCS_D_BIT_MUST_BE_0, VMCS_F_GUEST_EFER,
					     1u << 10, VMCS_F_ENTRY, ENT_(IA32E_MODE), 0);
				if ((kn & FB(GUEST_CR0)) && (v[VMCS_F_GUEST_CR0] & 0x80000000u) && lma != lme)
					fail(&s, VMCS_R_X_02, VMCS_D_CONFLICT, VMCS_F_GUEST_EFER, 1u << 8, VMCS_F_GUEST_EFER, 1u << 10,
					     0);
			}
		}
		/* */
		if ((kn & FB(LINK_POINTER)) && v[VMCS_F_LINK_POINTER] != ~0ull)
			addr(&s, VMCS_R_X_04, VMCS_F_LINK_POINTER, 4096, NONE, 0);
	}
	return VMX_OK;
}
