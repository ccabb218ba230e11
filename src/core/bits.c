/* SPDX-License-Identifier: MIT */
/* Bit tables generated from bits_def.h: the one source of names for every output. */
#include <vmxcfg/bits.h>

#define ROW_(bit, id, s, sdm, lx, q) { bit, #id, s, sdm, lx, q },
#define N_(t) (sizeof(t) / sizeof((t)[0]))

static const struct vmx_bit_info pin_bits[] = { VMX_PIN_BITS(ROW_) };
static const struct vmx_bit_info primary_bits[] = { VMX_PRIMARY_BITS(ROW_) };
static const struct vmx_bit_info secondary_bits[] = { VMX_SECONDARY_BITS(ROW_) };
static const struct vmx_bit_info tertiary_bits[] = { VMX_TERTIARY_BITS(ROW_) };
static const struct vmx_bit_info exit_bits[] = { VMX_EXIT_BITS(ROW_) };
static const struct vmx_bit_info exit2_bits[] = { VMX_EXIT2_BITS(ROW_) };
static const struct vmx_bit_info entry_bits[] = { VMX_ENTRY_BITS(ROW_) };
static const struct vmx_bit_info basic_bits[] = { VMX_BASIC_BITS(ROW_) };
static const struct vmx_bit_info misc_bits[] = { VMX_MISC_BITS(ROW_) };
static const struct vmx_bit_info ept_vpid_bits[] = { VMX_EPT_VPID_BITS(ROW_) };
static const struct vmx_bit_info vmfunc_bits[] = { VMX_VMFUNC_BITS(ROW_) };

static const struct vmx_class_info classes[VMX_CLASS_COUNT] = {
	{ VMX_CLASS_PIN, "pin", "Pin-based VM-execution controls", 0x481, 0x48d, 32, VMX_PIN_DEFAULT1, pin_bits,
	  N_(pin_bits) },
	{ VMX_CLASS_PRIMARY, "primary", "Primary processor-based VM-execution controls", 0x482, 0x48e, 32,
	  VMX_PRIMARY_DEFAULT1, primary_bits, N_(primary_bits) },
	{ VMX_CLASS_SECONDARY, "secondary", "Secondary processor-based VM-execution controls", 0x48b, 0, 32, 0,
	  secondary_bits, N_(secondary_bits) },
	{ VMX_CLASS_TERTIARY, "tertiary", "Tertiary processor-based VM-execution controls", 0x492, 0, 64, 0,
	  tertiary_bits, N_(tertiary_bits) },
	{ VMX_CLASS_EXIT, "exit", "Primary VM-exit controls", 0x483, 0x48f, 32, VMX_EXIT_DEFAULT1, exit_bits,
	  N_(exit_bits) },
	{ VMX_CLASS_EXIT2, "exit2", "Secondary VM-exit controls", 0x493, 0, 64, 0, exit2_bits, N_(exit2_bits) },
	{ VMX_CLASS_ENTRY, "entry", "VM-entry controls", 0x484, 0x490, 32, VMX_ENTRY_DEFAULT1, entry_bits,
	  N_(entry_bits) },
	{ VMX_CLASS_BASIC, "basic", "Basic VMX information", 0x480, 0, 64, 0, basic_bits, N_(basic_bits) },
	{ VMX_CLASS_MISC, "misc", "Miscellaneous data", 0x485, 0, 64, 0, misc_bits, N_(misc_bits) },
	{ VMX_CLASS_EPT_VPID, "ept_vpid", "VPID and EPT capabilities", 0x48c, 0, 64, 0, ept_vpid_bits,
	  N_(ept_vpid_bits) },
	{ VMX_CLASS_VMFUNC, "vmfunc", "VM functions", 0x491, 0, 64, 0, vmfunc_bits, N_(vmfunc_bits) },
};

int vmx_streq(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct vmx_class_info *vmx_class_get(enum vmx_class cls)
{
	return (unsigned)cls < VMX_CLASS_COUNT ? &classes[cls] : NULL;
}

const struct vmx_class_info *vmx_class_by_name(const char *name)
{
	for (int i = 0; i < VMX_CLASS_COUNT; i++)
		if (vmx_streq(classes[i].name, name))
			return &classes[i];
	return NULL;
}

const struct vmx_bit_info *vmx_bit_get(enum vmx_class cls, unsigned bit)
{
	const struct vmx_class_info *c = vmx_class_get(cls);
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n_bits; i++)
		if (c->bits[i].bit == bit)
			return &c->bits[i];
	return NULL;
}

const struct vmx_bit_info *vmx_bit_by_name(enum vmx_class cls, const char *name)
{
	const struct vmx_class_info *c = vmx_class_get(cls);
	if (!c)
		return NULL;
	for (size_t i = 0; i < c->n_bits; i++)
		if (vmx_streq(c->bits[i].name, name))
			return &c->bits[i];
	return NULL;
}
