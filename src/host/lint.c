/* SPDX-License-Identifier: MIT */
/* Control states and capability lints (see lint.h). */
#define _POSIX_C_SOURCE 200809L
#include "host/lint.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const state_words[VMX_ST_COUNT] = { "no", "yes", "forced", "default", "?", "allowed", "unknown" };

const char *vmx_ctl_state_word(enum vmx_ctl_state st)
{
	return (unsigned)st < VMX_ST_COUNT ? state_words[st] : "?";
}

int vmx_class_cap_slot(enum vmx_class cls)
{
	switch (cls) {
	case VMX_CLASS_PIN: return VMX_MSR_PINBASED;
	case VMX_CLASS_PRIMARY: return VMX_MSR_PROCBASED;
	case VMX_CLASS_SECONDARY: return VMX_MSR_PROCBASED2;
	case VMX_CLASS_TERTIARY: return VMX_MSR_PROCBASED3;
	case VMX_CLASS_EXIT: return VMX_MSR_EXIT;
	case VMX_CLASS_EXIT2: return VMX_MSR_EXIT2;
	case VMX_CLASS_ENTRY: return VMX_MSR_ENTRY;
	case VMX_CLASS_BASIC: return VMX_MSR_BASIC;
	case VMX_CLASS_MISC: return VMX_MSR_MISC;
	case VMX_CLASS_EPT_VPID: return VMX_MSR_EPT_VPID_CAP;
	case VMX_CLASS_VMFUNC: return VMX_MSR_VMFUNC;
	default: return -1;
	}
}

int vmx_class_true_slot(enum vmx_class cls)
{
	switch (cls) {
	case VMX_CLASS_PIN: return VMX_MSR_TRUE_PINBASED;
	case VMX_CLASS_PRIMARY: return VMX_MSR_TRUE_PROCBASED;
	case VMX_CLASS_EXIT: return VMX_MSR_TRUE_EXIT;
	case VMX_CLASS_ENTRY: return VMX_MSR_TRUE_ENTRY;
	default: return -1;
	}
}

uint64_t vmx_known_bits(const struct vmx_snapshot *s, enum vmx_msr_slot slot)
{
	if (s->flags & VMX_SNAP_PARTIAL)
		return vmx_snapshot_has(s, slot) ? s->known[slot] : 0;
	return ~(uint64_t)0; /* absent MSRs of a full snapshot are known to read 0 */
}

static bool is32(enum vmx_class cls)
{
	return cls == VMX_CLASS_PIN || cls == VMX_CLASS_PRIMARY || cls == VMX_CLASS_SECONDARY || cls == VMX_CLASS_EXIT ||
	       cls == VMX_CLASS_ENTRY;
}

enum vmx_ctl_state vmx_ctl_state(const struct vmx_snapshot *s, enum vmx_class cls, unsigned bit)
{
	int slot = vmx_class_cap_slot(cls);
	if (slot < 0)
		return VMX_ST_UNKNOWN;
	uint64_t v = vmx_snapshot_msr(s, (enum vmx_msr_slot)slot), kn = vmx_known_bits(s, (enum vmx_msr_slot)slot);
	if (!is32(cls)) {
		if (bit > 63 || !((kn >> bit) & 1))
			return VMX_ST_UNKNOWN;
		return ((v >> bit) & 1) ? VMX_ST_YES : VMX_ST_NO;
	}
	if (bit > 31)
		return VMX_ST_UNKNOWN;
	bool k1 = (kn >> (bit + 32)) & 1, k0 = (kn >> bit) & 1;
	bool a1 = (v >> (bit + 32)) & 1, a0 = (v >> bit) & 1;
	if (!k1)
		return VMX_ST_UNKNOWN;
	if (!k0)
		return a1 ? VMX_ST_ALLOWED : VMX_ST_NO;
	if (!a0)
		return a1 ? VMX_ST_YES : VMX_ST_NO;
	if (!a1)
		return VMX_ST_INCONSISTENT;
	int ts = vmx_class_true_slot(cls);
	if (ts >= 0 && vmx_snapshot_has(s, (enum vmx_msr_slot)ts)) {
		uint64_t basic = vmx_snapshot_msr(s, VMX_MSR_BASIC);
		uint64_t bk = vmx_known_bits(s, VMX_MSR_BASIC), tk = vmx_known_bits(s, (enum vmx_msr_slot)ts);
		uint64_t t = s->msr[ts];
		if (((bk >> 55) & 1) && ((basic >> 55) & 1) && ((tk >> bit) & 1) && ((tk >> (bit + 32)) & 1) &&
		    !((t >> bit) & 1) && ((t >> (bit + 32)) & 1))
			return VMX_ST_DEFAULT;
	}
	return VMX_ST_FORCED;
}

/* --- lints ---------------------------------------------------------------------------------------- */

static const struct vmx_lint_info lint_infos[VMX_LINT_COUNT] = {
	{ VMX_LINT_ALLOWED0_NOT_ALLOWED1, "allowed0-not-allowed1",
	  "a control must be 1 (allowed-0 = 1) but may not be 1 (allowed-1 = 0)" },
	{ VMX_LINT_TRUE_MISMATCH, "true-legacy-mismatch",
	  "a TRUE capability MSR disagrees with its legacy MSR beyond the default1 class" },
	{ VMX_LINT_DEFAULT1_NOT_FORCED, "default1-not-forced",
	  "a default1 control is not reported must-be-1 by the legacy MSR" },
	{ VMX_LINT_EPT_CAP_WITHOUT_EPT, "ept-cap-without-ept",
	  "EPT capabilities are reported but 'enable EPT' cannot be set" },
	{ VMX_LINT_VPID_CAP_WITHOUT_VPID, "vpid-cap-without-vpid",
	  "VPID capabilities are reported but 'enable VPID' cannot be set" },
	{ VMX_LINT_ENTRY_EXIT_ASYMMETRIC, "entry-exit-asymmetric",
	  "a VM-entry control and its VM-exit counterpart are not allowed alike" },
	{ VMX_LINT_CR_FIXED_INCONSISTENT, "cr-fixed-inconsistent",
	  "a CR0/CR4 bit is fixed to 1 by FIXED0 but not allowed to be 1 by FIXED1" },
	{ VMX_LINT_TRUE_CTLS_PRESENCE, "true-ctls-presence",
	  "IA32_VMX_BASIC bit 55 and the presence of the TRUE MSRs (0x48D-0x490) disagree" },
	{ VMX_LINT_MSR_MISSING, "msr-missing", "a capability MSR that the controls enumerate is absent" },
	{ VMX_LINT_BASIC_FIELDS, "basic-fields", "IA32_VMX_BASIC has an invalid field" },
};

const struct vmx_lint_info *vmx_lint_get(enum vmx_lint_id id)
{
	return (unsigned)id < VMX_LINT_COUNT ? &lint_infos[id] : NULL;
}

struct lctx {
	const struct vmx_snapshot *s;
	struct vmx_lint *out;
	size_t n, max;
};

static struct vmx_lint *add(struct lctx *c, enum vmx_lint_id id, int slot, int slot2, uint64_t bits, uint64_t bits2)
{
	if (c->n >= c->max)
		return NULL;
	struct vmx_lint *l = &c->out[c->n++];
	l->id = id;
	l->slot = slot;
	l->slot2 = slot2;
	l->bits = bits;
	l->bits2 = bits2;
	l->msg[0] = 0;
	return l;
}

static void bitlist(char *buf, size_t n, uint64_t bits, unsigned shift)
{
	size_t used = 0;
	buf[0] = 0;
	for (unsigned b = 0; b < 64 && used + 8 < n; b++)
		if ((bits >> b) & 1)
			used += (size_t)snprintf(buf + used, n - used, "%s%u", used ? "," : "", b - shift);
}

/* Known value of slot: (value, known mask); a full snapshot's absent MSR is known 0. */
static uint64_t kv(const struct vmx_snapshot *s, int slot, uint64_t *known)
{
	*known = vmx_known_bits(s, (enum vmx_msr_slot)slot);
	return vmx_snapshot_msr(s, (enum vmx_msr_slot)slot) & *known;
}

static void lint_allowed(struct lctx *c)
{
	static const int slots[] = { VMX_MSR_PINBASED,	   VMX_MSR_PROCBASED,	   VMX_MSR_EXIT,	VMX_MSR_ENTRY,
				     VMX_MSR_PROCBASED2,   VMX_MSR_TRUE_PINBASED, VMX_MSR_TRUE_PROCBASED,
				     VMX_MSR_TRUE_EXIT,	   VMX_MSR_TRUE_ENTRY };
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		if (!vmx_snapshot_has(c->s, (enum vmx_msr_slot)slots[i]))
			continue;
		uint64_t k, v = kv(c->s, slots[i], &k);
		uint32_t known_both = (uint32_t)k & (uint32_t)(k >> 32);
		uint32_t bad = (uint32_t)v & ~(uint32_t)(v >> 32) & known_both;
		if (!bad)
			continue;
		struct vmx_lint *l = add(c, VMX_LINT_ALLOWED0_NOT_ALLOWED1, slots[i], -1, bad, 0);
		if (l) {
			char b[200];
			bitlist(b, sizeof(b), bad, 0);
			snprintf(l->msg, sizeof(l->msg), "%s (0x%x): bit(s) %s must be 1 (allowed-0) but may not be 1 (allowed-1)",
				 vmx_msr_name((enum vmx_msr_slot)slots[i]), vmx_msr_index((enum vmx_msr_slot)slots[i]), b);
		}
	}
}

static void lint_true(struct lctx *c)
{
	static const enum vmx_class cls[] = { VMX_CLASS_PIN, VMX_CLASS_PRIMARY, VMX_CLASS_EXIT, VMX_CLASS_ENTRY };
	for (size_t i = 0; i < 4; i++) {
		const struct vmx_class_info *ci = vmx_class_get(cls[i]);
		int ls = vmx_class_cap_slot(cls[i]), ts = vmx_class_true_slot(cls[i]);
		uint32_t d1 = (uint32_t)ci->default1;
		if (vmx_snapshot_has(c->s, (enum vmx_msr_slot)ls)) {
			uint64_t k, v = kv(c->s, ls, &k);
			uint32_t missing = d1 & (uint32_t)k & ~(uint32_t)v;
			if (missing) {
				struct vmx_lint *l = add(c, VMX_LINT_DEFAULT1_NOT_FORCED, ls, -1, missing, 0);
				if (l) {
					char b[200];
					bitlist(b, sizeof(b), missing, 0);
					snprintf(l->msg, sizeof(l->msg),
						 "%s (0x%x): default1 bit(s) %s are not must-be-1 (allowed-0 = 0); the SDM says "
						 "the legacy MSR reports every default1 control as 1",
						 vmx_msr_name((enum vmx_msr_slot)ls), vmx_msr_index((enum vmx_msr_slot)ls), b);
				}
			}
		}
		if (!vmx_snapshot_has(c->s, (enum vmx_msr_slot)ls) || !vmx_snapshot_has(c->s, (enum vmx_msr_slot)ts))
			continue;
		uint64_t lk, tk;
		uint64_t lv = kv(c->s, ls, &lk), tv = kv(c->s, ts, &tk);
		uint64_t k = lk & tk;
		uint32_t a1diff = (uint32_t)((lv ^ tv) >> 32) & (uint32_t)(k >> 32);
		/* allowed-0: TRUE may clear default1 bits only; outside default1 they must be equal, and TRUE must not add. */
		uint32_t l0 = (uint32_t)lv, t0 = (uint32_t)tv, k0 = (uint32_t)k;
		uint32_t a0diff = (((l0 ^ t0) & ~d1) | (t0 & ~l0)) & k0;
		if (!a1diff && !a0diff)
			continue;
		struct vmx_lint *l = add(c, VMX_LINT_TRUE_MISMATCH, ts, ls, (uint64_t)a1diff << 32 | a0diff, 0);
		if (l) {
			char b0[200], b1[200];
			bitlist(b0, sizeof(b0), a0diff, 0);
			bitlist(b1, sizeof(b1), a1diff, 0);
			snprintf(l->msg, sizeof(l->msg), "%s (0x%x) vs %s (0x%x): allowed-0 differs in bit(s) %s, allowed-1 in %s",
				 vmx_msr_name((enum vmx_msr_slot)ts), vmx_msr_index((enum vmx_msr_slot)ts),
				 vmx_msr_name((enum vmx_msr_slot)ls), vmx_msr_index((enum vmx_msr_slot)ls), a0diff ? b0 : "none",
				 a1diff ? b1 : "none");
		}
	}
}

/* Can the secondary control `bit` be 1, as far as known: 1 yes, 0 no, -1 unknown. */
static int sec_allowed(const struct vmx_snapshot *s, unsigned bit)
{
	uint64_t pk, sk;
	uint64_t pv = kv(s, VMX_MSR_PROCBASED, &pk), sv = kv(s, VMX_MSR_PROCBASED2, &sk);
	bool p31k = (pk >> 63) & 1, p31 = (pv >> 63) & 1;
	if (p31k && !p31)
		return 0;
	if (!((sk >> (bit + 32)) & 1))
		return -1;
	if (!((sv >> (bit + 32)) & 1))
		return 0;
	return p31k ? 1 : -1;
}

static void lint_ept_vpid(struct lctx *c)
{
	uint64_t k, v = kv(c->s, VMX_MSR_EPT_VPID_CAP, &k);
	uint32_t ept = (uint32_t)v, vpid = (uint32_t)(v >> 32);
	if (ept && sec_allowed(c->s, VMX_SECONDARY_EPT_BIT) == 0) {
		struct vmx_lint *l = add(c, VMX_LINT_EPT_CAP_WITHOUT_EPT, VMX_MSR_EPT_VPID_CAP, VMX_MSR_PROCBASED2, ept,
					 VMX_B(SECONDARY, EPT) << 32);
		if (l)
			snprintf(l->msg, sizeof(l->msg),
				 "IA32_VMX_EPT_VPID_CAP (0x48c) reports EPT capabilities 0x%08" PRIx32
				 " but secondary control 'enable EPT' (bit 1) cannot be 1; Linux 6.1+ refuses to load "
				 "(\"EPT CAP should not exist...\") unless error_on_inconsistent_vmcs_config=0",
				 ept);
	}
	if (vpid && sec_allowed(c->s, VMX_SECONDARY_VPID_BIT) == 0) {
		struct vmx_lint *l = add(c, VMX_LINT_VPID_CAP_WITHOUT_VPID, VMX_MSR_EPT_VPID_CAP, VMX_MSR_PROCBASED2,
					 (uint64_t)vpid << 32, VMX_B(SECONDARY, VPID) << 32);
		if (l)
			snprintf(l->msg, sizeof(l->msg),
				 "IA32_VMX_EPT_VPID_CAP (0x48c) reports VPID capabilities 0x%08" PRIx32
				 " but secondary control 'enable VPID' (bit 5) cannot be 1; Linux 6.1+ refuses to load "
				 "unless error_on_inconsistent_vmcs_config=0",
				 vpid);
	}
}

static void lint_pairs(struct lctx *c)
{
	/* entry bit, exit bit (KVM's pair table and the other load/clear pairs of the SDM). */
	static const uint8_t pairs[][2] = { { 13, 12 }, { 14, 19 }, { 15, 21 }, { 16, 23 }, { 18, 25 },
					    { 20, 28 }, { 17, 24 }, { 19, 27 }, { 21, 26 }, { 22, 29 } };
	uint64_t ek, xk;
	uint64_t ev = kv(c->s, VMX_MSR_ENTRY, &ek), xv = kv(c->s, VMX_MSR_EXIT, &xk);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		unsigned eb = pairs[i][0] + 32u, xb = pairs[i][1] + 32u;
		if (!((ek >> eb) & 1) || !((xk >> xb) & 1))
			continue;
		bool e = (ev >> eb) & 1, x = (xv >> xb) & 1;
		if (e == x)
			continue;
		struct vmx_lint *l = add(c, VMX_LINT_ENTRY_EXIT_ASYMMETRIC, VMX_MSR_ENTRY, VMX_MSR_EXIT, 1ull << eb, 1ull << xb);
		if (l) {
			const struct vmx_bit_info *bi = vmx_bit_get(VMX_CLASS_ENTRY, pairs[i][0]);
			const struct vmx_bit_info *bx = vmx_bit_get(VMX_CLASS_EXIT, pairs[i][1]);
			snprintf(l->msg, sizeof(l->msg),
				 "VM-entry '%s' (bit %u) is %sallowed but VM-exit '%s' (bit %u) is %sallowed", bi->sdm,
				 pairs[i][0], e ? "" : "not ", bx->sdm, pairs[i][1], x ? "" : "not ");
		}
	}
}

static void lint_cr(struct lctx *c)
{
	static const int f0[2] = { VMX_MSR_CR0_FIXED0, VMX_MSR_CR4_FIXED0 };
	for (int i = 0; i < 2; i++) {
		if (!vmx_snapshot_has(c->s, (enum vmx_msr_slot)f0[i]) ||
		    !vmx_snapshot_has(c->s, (enum vmx_msr_slot)(f0[i] + 1)))
			continue;
		uint64_t k0, k1;
		uint64_t v0 = kv(c->s, f0[i], &k0), v1 = kv(c->s, f0[i] + 1, &k1);
		uint64_t bad = v0 & ~v1 & k0 & k1;
		if (!bad)
			continue;
		struct vmx_lint *l = add(c, VMX_LINT_CR_FIXED_INCONSISTENT, f0[i], f0[i] + 1, bad, bad);
		if (l) {
			char b[200];
			bitlist(b, sizeof(b), bad, 0);
			snprintf(l->msg, sizeof(l->msg), "CR%d bit(s) %s: fixed to 1 by %s but not allowed to be 1 by %s", i ? 4 : 0,
				 b, vmx_msr_name((enum vmx_msr_slot)f0[i]), vmx_msr_name((enum vmx_msr_slot)(f0[i] + 1)));
		}
	}
}

static void lint_presence(struct lctx *c)
{
	const struct vmx_snapshot *s = c->s;
	if (s->flags & VMX_SNAP_PARTIAL)
		return; /* presence is not known from /proc/cpuinfo */
	if (!vmx_snapshot_has(s, VMX_MSR_BASIC))
		return; /* no VMX at all: nothing to lint */
	bool t55 = (s->msr[VMX_MSR_BASIC] >> 55) & 1;
	int ntrue = 0;
	for (int sl = VMX_MSR_TRUE_PINBASED; sl <= VMX_MSR_TRUE_ENTRY; sl++)
		ntrue += vmx_snapshot_has(s, (enum vmx_msr_slot)sl);
	if ((t55 && ntrue < 4) || (!t55 && ntrue > 0)) {
		struct vmx_lint *l = add(c, VMX_LINT_TRUE_CTLS_PRESENCE, VMX_MSR_BASIC, -1, 1ull << 55, 0);
		if (l)
			snprintf(l->msg, sizeof(l->msg), "IA32_VMX_BASIC bit 55 is %d but %d of the 4 TRUE MSRs (0x48d-0x490) are present",
				 t55, ntrue);
	}
	struct {
		int slot;
		int need_slot;
		unsigned need_bit; /* bit of the MSR value of need_slot */
		const char *why;
	} req[] = {
		{ VMX_MSR_PROCBASED2, VMX_MSR_PROCBASED, 63, "primary 'activate secondary controls' (bit 31) may be 1" },
		{ VMX_MSR_PROCBASED3, VMX_MSR_PROCBASED, 49, "primary 'activate tertiary controls' (bit 17) may be 1" },
		{ VMX_MSR_EXIT2, VMX_MSR_EXIT, 63, "VM-exit 'activate secondary controls' (bit 31) may be 1" },
		{ VMX_MSR_EPT_VPID_CAP, VMX_MSR_PROCBASED2, 33, "secondary 'enable EPT' (bit 1) may be 1" },
		{ VMX_MSR_EPT_VPID_CAP, VMX_MSR_PROCBASED2, 37, "secondary 'enable VPID' (bit 5) may be 1" },
		{ VMX_MSR_VMFUNC, VMX_MSR_PROCBASED2, 45, "secondary 'enable VM functions' (bit 13) may be 1" },
	};
	uint32_t reported = 0;
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		if (vmx_snapshot_has(s, (enum vmx_msr_slot)req[i].slot) || (reported >> req[i].slot) & 1)
			continue;
		if (!((vmx_snapshot_msr(s, (enum vmx_msr_slot)req[i].need_slot) >> req[i].need_bit) & 1))
			continue;
		reported |= 1u << req[i].slot;
		struct vmx_lint *l = add(c, VMX_LINT_MSR_MISSING, req[i].slot, req[i].need_slot, 0, 1ull << req[i].need_bit);
		if (l)
			snprintf(l->msg, sizeof(l->msg), "%s (0x%x) is absent although %s",
				 vmx_msr_name((enum vmx_msr_slot)req[i].slot), vmx_msr_index((enum vmx_msr_slot)req[i].slot),
				 req[i].why);
	}
	uint64_t b = s->msr[VMX_MSR_BASIC];
	uint32_t size = vmx_basic_vmcs_size(b), mt = vmx_basic_mem_type(b);
	if (size == 0 || size > 4096 || (mt != 0 && mt != 6) || ((b >> 31) & 1)) {
		struct vmx_lint *l = add(c, VMX_LINT_BASIC_FIELDS, VMX_MSR_BASIC, -1, b, 0);
		if (l)
			snprintf(l->msg, sizeof(l->msg),
				 "IA32_VMX_BASIC (0x480): VMCS size %" PRIu32 " (expected 1..4096), memory type %" PRIu32
				 " (expected 0 UC or 6 WB), bit 31 = %u (expected 0)",
				 size, mt, (unsigned)((b >> 31) & 1));
	}
}

size_t vmx_lint_run(const struct vmx_snapshot *s, struct vmx_lint *out, size_t max)
{
	struct lctx c = { s, out, 0, max };
	lint_allowed(&c);
	lint_true(&c);
	lint_ept_vpid(&c);
	lint_pairs(&c);
	lint_cr(&c);
	lint_presence(&c);
	return c.n;
}
