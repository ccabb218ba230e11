/* SPDX-License-Identifier: MIT */
/* Capability snapshot: storage and CPUID helpers (freestanding). */
#include <vmxcfg/snapshot.h>

static const char *const msr_names[VMX_MSR_COUNT] = {
	"IA32_FEATURE_CONTROL",
	"IA32_VMX_BASIC",
	"IA32_VMX_PINBASED_CTLS",
	"IA32_VMX_PROCBASED_CTLS",
	"IA32_VMX_EXIT_CTLS",
	"IA32_VMX_ENTRY_CTLS",
	"IA32_VMX_MISC",
	"IA32_VMX_CR0_FIXED0",
	"IA32_VMX_CR0_FIXED1",
	"IA32_VMX_CR4_FIXED0",
	"IA32_VMX_CR4_FIXED1",
	"IA32_VMX_VMCS_ENUM",
	"IA32_VMX_PROCBASED_CTLS2",
	"IA32_VMX_EPT_VPID_CAP",
	"IA32_VMX_TRUE_PINBASED_CTLS",
	"IA32_VMX_TRUE_PROCBASED_CTLS",
	"IA32_VMX_TRUE_EXIT_CTLS",
	"IA32_VMX_TRUE_ENTRY_CTLS",
	"IA32_VMX_VMFUNC",
	"IA32_VMX_PROCBASED_CTLS3",
	"IA32_VMX_EXIT_CTLS2",
};

uint32_t vmx_msr_index(enum vmx_msr_slot slot)
{
	if (slot == VMX_MSR_FEATURE_CONTROL)
		return 0x3a;
	if ((unsigned)slot < VMX_MSR_COUNT)
		return 0x480u + (uint32_t)slot - 1u;
	return 0;
}

int vmx_msr_slot(uint32_t index)
{
	if (index == 0x3a)
		return VMX_MSR_FEATURE_CONTROL;
	if (index >= 0x480 && index <= 0x493)
		return (int)(index - 0x480u) + 1;
	return -1;
}

const char *vmx_msr_name(enum vmx_msr_slot slot)
{
	return (unsigned)slot < VMX_MSR_COUNT ? msr_names[slot] : NULL;
}

void vmx_snapshot_init(struct vmx_snapshot *s)
{
	/* Field by field: no memset in a freestanding core. */
	for (int i = 0; i < VMX_MSR_COUNT; i++) {
		s->msr[i] = 0;
		s->known[i] = 0;
	}
	s->msr_present = 0;
	s->flags = 0;
	s->n_cpuid = 0;
}

int vmx_snapshot_set_msr(struct vmx_snapshot *s, uint32_t index, uint64_t value)
{
	int slot = vmx_msr_slot(index);
	if (slot < 0)
		return VMX_ERR_UNKNOWN_MSR;
	if (s->msr_present & (1u << slot))
		return VMX_ERR_DUPLICATE;
	s->msr[slot] = value;
	s->msr_present |= 1u << slot;
	s->known[slot] = ~(uint64_t)0;
	return VMX_OK;
}

const struct vmx_cpuid_leaf *vmx_snapshot_find_cpuid(const struct vmx_snapshot *s, uint32_t leaf,
						     uint32_t subleaf)
{
	for (uint32_t i = 0; i < s->n_cpuid; i++)
		if (s->cpuid[i].leaf == leaf && s->cpuid[i].subleaf == subleaf)
			return &s->cpuid[i];
	return NULL;
}

int vmx_snapshot_set_cpuid(struct vmx_snapshot *s, const struct vmx_cpuid_leaf *l)
{
	if (vmx_snapshot_find_cpuid(s, l->leaf, l->subleaf))
		return VMX_ERR_DUPLICATE;
	if (s->n_cpuid >= VMX_CPUID_MAX)
		return VMX_ERR_FULL;
	s->cpuid[s->n_cpuid++] = *l;
	return VMX_OK;
}

uint32_t vmx_snapshot_cpuid_reg(const struct vmx_snapshot *s, uint32_t leaf, uint32_t subleaf, int reg)
{
	const struct vmx_cpuid_leaf *l = vmx_snapshot_find_cpuid(s, leaf, subleaf);
	if (!l)
		return 0;
	switch (reg) {
	case 0: return l->eax;
	case 1: return l->ebx;
	case 2: return l->ecx;
	case 3: return l->edx;
	default: return 0;
	}
}

static bool leaf_eq(const struct vmx_cpuid_leaf *a, const struct vmx_cpuid_leaf *b)
{
	return a->leaf == b->leaf && a->subleaf == b->subleaf && a->eax == b->eax && a->ebx == b->ebx &&
	       a->ecx == b->ecx && a->edx == b->edx;
}

bool vmx_snapshot_equal(const struct vmx_snapshot *a, const struct vmx_snapshot *b)
{
	if (a->msr_present != b->msr_present || a->flags != b->flags || a->n_cpuid != b->n_cpuid)
		return false;
	for (int i = 0; i < VMX_MSR_COUNT; i++) {
		if (!(a->msr_present & (1u << i)))
			continue;
		if (a->msr[i] != b->msr[i] || a->known[i] != b->known[i])
			return false;
	}
	for (uint32_t i = 0; i < a->n_cpuid; i++) {
		const struct vmx_cpuid_leaf *o = vmx_snapshot_find_cpuid(b, a->cpuid[i].leaf, a->cpuid[i].subleaf);
		if (!o || !leaf_eq(&a->cpuid[i], o))
			return false;
	}
	return true;
}

uint32_t vmx_cpuid_signature(const struct vmx_snapshot *s)
{
	return vmx_snapshot_cpuid_reg(s, 1, 0, 0);
}

/* Family and model as the SDM (CPUID leaf 1) and Linux compute them. */
uint32_t vmx_cpuid_family(const struct vmx_snapshot *s)
{
	uint32_t sig = vmx_cpuid_signature(s);
	uint32_t fam = (sig >> 8) & 0xf;
	if (fam == 0xf)
		fam += (sig >> 20) & 0xff;
	return fam;
}

uint32_t vmx_cpuid_model(const struct vmx_snapshot *s)
{
	uint32_t sig = vmx_cpuid_signature(s);
	uint32_t model = (sig >> 4) & 0xf;
	if (vmx_cpuid_family(s) >= 6)
		model += ((sig >> 16) & 0xf) << 4;
	return model;
}

bool vmx_cpuid_is_intel(const struct vmx_snapshot *s)
{
	/* "GenuineIntel" in EBX, EDX, ECX of leaf 0. */
	return vmx_snapshot_cpuid_reg(s, 0, 0, 1) == 0x756e6547 && vmx_snapshot_cpuid_reg(s, 0, 0, 3) == 0x49656e69 &&
	       vmx_snapshot_cpuid_reg(s, 0, 0, 2) == 0x6c65746e;
}

bool vmx_cpuid_has_vmx(const struct vmx_snapshot *s)
{
	return (vmx_snapshot_cpuid_reg(s, 1, 0, 2) >> 5) & 1u;
}

bool vmx_cpuid_has_sgx(const struct vmx_snapshot *s)
{
	/* Raw CPUID: max basic leaf reaches 0x12 and SGX1 is enumerated (SDM vol. 3D, 34.7.2). */
	return vmx_snapshot_cpuid_reg(s, 0, 0, 0) >= 0x12 && (vmx_snapshot_cpuid_reg(s, 0x12, 0, 0) & 1u);
}
