/* SPDX-License-Identifier: MIT */
/* QEMU vmx-* feature words and names (qemu-vmx-names.md); the names come from bits_def.h. */
#include "host/qemu_names.h"

#include <string.h>

#include "host/fmt.h"

static const struct vmx_qemu_word_info words[VMX_QW_COUNT] = {
	{ VMX_QW_PROCBASED, "FEAT_VMX_PROCBASED_CTLS", 0x48e, VMX_CLASS_PRIMARY, VMX_MSR_TRUE_PROCBASED,
	  VMX_MSR_PROCBASED, true, VMX_PRIMARY_DEFAULT1 },
	{ VMX_QW_SECONDARY, "FEAT_VMX_SECONDARY_CTLS", 0x48b, VMX_CLASS_SECONDARY, VMX_MSR_PROCBASED2,
	  VMX_MSR_PROCBASED2, true, 0 },
	{ VMX_QW_PINBASED, "FEAT_VMX_PINBASED_CTLS", 0x48d, VMX_CLASS_PIN, VMX_MSR_TRUE_PINBASED, VMX_MSR_PINBASED,
	  true, VMX_PIN_DEFAULT1 },
	{ VMX_QW_EXIT, "FEAT_VMX_EXIT_CTLS", 0x48f, VMX_CLASS_EXIT, VMX_MSR_TRUE_EXIT, VMX_MSR_EXIT, true,
	  VMX_EXIT_DEFAULT1 },
	{ VMX_QW_ENTRY, "FEAT_VMX_ENTRY_CTLS", 0x490, VMX_CLASS_ENTRY, VMX_MSR_TRUE_ENTRY, VMX_MSR_ENTRY, true,
	  VMX_ENTRY_DEFAULT1 },
	{ VMX_QW_MISC, "FEAT_VMX_MISC", 0x485, VMX_CLASS_MISC, VMX_MSR_MISC, VMX_MSR_MISC, false, 0 },
	{ VMX_QW_EPT_VPID, "FEAT_VMX_EPT_VPID_CAPS", 0x48c, VMX_CLASS_EPT_VPID, VMX_MSR_EPT_VPID_CAP,
	  VMX_MSR_EPT_VPID_CAP, false, 0 },
	{ VMX_QW_BASIC, "FEAT_VMX_BASIC", 0x480, VMX_CLASS_BASIC, VMX_MSR_BASIC, VMX_MSR_BASIC, false, 0 },
	{ VMX_QW_VMFUNC, "FEAT_VMX_VMFUNC", 0x491, VMX_CLASS_VMFUNC, VMX_MSR_VMFUNC, VMX_MSR_VMFUNC, false, 0 },
};

const struct vmx_qemu_word_info *vmx_qemu_word_get(enum vmx_qemu_word w)
{
	return (unsigned)w < VMX_QW_COUNT ? &words[w] : NULL;
}

void vmx_qemu_words_from_snapshot(const struct vmx_snapshot *s, struct vmx_qemu_words *w)
{
	for (int i = 0; i < VMX_QW_COUNT; i++) {
		const struct vmx_qemu_word_info *wi = &words[i];
		enum vmx_msr_slot slot = vmx_snapshot_has(s, wi->slot) ? wi->slot : wi->legacy_slot;
		uint64_t v = vmx_snapshot_msr(s, slot);
		w->w[i] = wi->control ? (uint64_t)(vmx_allowed1(v) & ~vmx_allowed0(v)) : v;
	}
}

/* --- properties, built once from the bit table ------------------------------------------------------- */

#define MAX_PROPS 160
static struct vmx_qemu_prop props[MAX_PROPS];
static size_t n_props;
static uint64_t named[VMX_QW_COUNT];
static int props_ready;

static void build_props(void)
{
	if (props_ready)
		return;
	for (int wi = 0; wi < VMX_QW_COUNT; wi++) {
		const struct vmx_class_info *c = vmx_class_get(words[wi].cls);
		for (size_t b = 0; b < c->n_bits; b++) {
			const struct vmx_bit_info *bi = &c->bits[b];
			if (!bi->qemu)
				continue;
			uint64_t m = 1ull << bi->bit;
			named[wi] |= m;
			size_t k;
			for (k = 0; k < n_props; k++)
				if (props[k].word == (enum vmx_qemu_word)wi && strcmp(props[k].name, bi->qemu) == 0)
					break;
			if (k == n_props) {
				if (n_props == MAX_PROPS)
					continue;
				props[n_props].name = bi->qemu;
				props[n_props].word = (enum vmx_qemu_word)wi;
				props[n_props].mask = 0;
				n_props++;
			}
			props[k].mask |= m;
		}
	}
	props_ready = 1;
}

size_t vmx_qemu_prop_count(void)
{
	build_props();
	return n_props;
}

const struct vmx_qemu_prop *vmx_qemu_prop_at(size_t i)
{
	build_props();
	return i < n_props ? &props[i] : NULL;
}

const struct vmx_qemu_prop *vmx_qemu_prop_find(const char *name)
{
	build_props();
	for (size_t i = 0; i < n_props; i++)
		if (strcmp(props[i].name, name) == 0)
			return &props[i];
	return NULL;
}

uint64_t vmx_qemu_named_mask(enum vmx_qemu_word w)
{
	build_props();
	return (unsigned)w < VMX_QW_COUNT ? named[w] : 0;
}

bool vmx_qemu_prop_on(const struct vmx_qemu_words *w, const struct vmx_qemu_prop *p)
{
	return (w->w[p->word] & p->mask) == p->mask;
}

/* --- dependencies (§4) --------------------------------------------------------------------------------- */

static bool cpuid_bit(const struct vmx_snapshot *s, uint32_t leaf, uint32_t sub, int reg, unsigned bit)
{
	return (vmx_snapshot_cpuid_reg(s, leaf, sub, reg) >> bit) & 1u;
}

void vmx_qemu_apply_deps(struct vmx_qemu_words *w, const struct vmx_snapshot *c)
{
	/* In QEMU's table order, so a cleared prerequisite cascades. */
	if (c && !vmx_cpuid_has_vmx(c)) {
		w->w[VMX_QW_PROCBASED] = w->w[VMX_QW_PINBASED] = w->w[VMX_QW_EXIT] = 0;
		w->w[VMX_QW_ENTRY] = w->w[VMX_QW_MISC] = w->w[VMX_QW_BASIC] = 0;
	}
	if (c && !cpuid_bit(c, 0x80000001u, 0, 3, 29)) /* lm */
		w->w[VMX_QW_ENTRY] &= ~VMX_B(ENTRY, IA32E_MODE);
	if (!(w->w[VMX_QW_PROCBASED] & VMX_B(PRIMARY, SECONDARY_CONTROLS)))
		w->w[VMX_QW_SECONDARY] = 0;
	if (!(w->w[VMX_QW_SECONDARY] & VMX_B(SECONDARY, EPT))) {
		w->w[VMX_QW_EPT_VPID] &= ~0xffffffffull;
		w->w[VMX_QW_SECONDARY] &= ~VMX_B(SECONDARY, UNRESTRICTED_GUEST);
	}
	if (!(w->w[VMX_QW_SECONDARY] & VMX_B(SECONDARY, VPID)))
		w->w[VMX_QW_EPT_VPID] &= 0xffffffffull;
	if (!(w->w[VMX_QW_SECONDARY] & VMX_B(SECONDARY, VMFUNC)))
		w->w[VMX_QW_VMFUNC] = 0;
	if (!c)
		return;
	if (!cpuid_bit(c, 0xd, 1, 0, 3)) /* xsaves */
		w->w[VMX_QW_SECONDARY] &= ~VMX_B(SECONDARY, XSAVES);
	if (!cpuid_bit(c, 1, 0, 2, 30)) /* rdrand */
		w->w[VMX_QW_SECONDARY] &= ~VMX_B(SECONDARY, RDRAND_EXITING);
	if (!cpuid_bit(c, 7, 0, 1, 10)) /* invpcid */
		w->w[VMX_QW_SECONDARY] &= ~VMX_B(SECONDARY, INVPCID);
	if (!cpuid_bit(c, 7, 0, 1, 18)) /* rdseed */
		w->w[VMX_QW_SECONDARY] &= ~VMX_B(SECONDARY, RDSEED_EXITING);
	if (!cpuid_bit(c, 0x80000001u, 0, 3, 27)) /* rdtscp */
		w->w[VMX_QW_SECONDARY] &= ~VMX_B(SECONDARY, RDTSCP);
	if (!cpuid_bit(c, 7, 0, 1, 14)) { /* mpx */
		w->w[VMX_QW_EXIT] &= ~VMX_B(EXIT, CLEAR_BNDCFGS);
		w->w[VMX_QW_ENTRY] &= ~VMX_B(ENTRY, LOAD_BNDCFGS);
	}
	if (!cpuid_bit(c, 7, 0, 2, 5)) /* waitpkg */
		w->w[VMX_QW_SECONDARY] &= ~VMX_B(SECONDARY, USR_WAIT_PAUSE);
}

void vmx_qemu_guest_features(const struct vmx_qemu_words *host, const struct vmx_snapshot *cpuid,
			     struct vmx_qemu_words *out)
{
	build_props();
	for (int i = 0; i < VMX_QW_COUNT; i++)
		out->w[i] = host->w[i] & named[i];
	vmx_qemu_apply_deps(out, cpuid);
}

uint64_t vmx_qemu_guest_ctl_msr(enum vmx_qemu_word w, uint64_t features)
{
	const struct vmx_qemu_word_info *wi = vmx_qemu_word_get(w);
	if (!wi || !wi->control)
		return features;
	uint32_t f = (uint32_t)features, d1 = wi->default1;
	return ((uint64_t)(f | d1) << 32) | (uint64_t)(d1 & ~f);
}

size_t vmx_qemu_print_lost(FILE *f, const struct vmx_qemu_words *lost, const char *sep, bool json)
{
	build_props();
	size_t n = 0;
	for (size_t i = 0; i < n_props; i++) {
		if (!(lost->w[props[i].word] & props[i].mask))
			continue;
		if (n)
			fputs(sep, f);
		if (json)
			vmx_json_str(f, props[i].name);
		else
			fputs(props[i].name, f);
		n++;
	}
	return n;
}
