/* SPDX-License-Identifier: MIT */
/*
 * Bit tables: constants and introspection over bits_def.h.
 */
#ifndef VMXCFG_BITS_H
#define VMXCFG_BITS_H

#include <stddef.h>
#include <stdint.h>

#include "bits_def.h"
#include "snapshot.h"

/* Control classes and capability fields that carry a bit table. */
enum vmx_class {
	VMX_CLASS_PIN = 0,
	VMX_CLASS_PRIMARY,
	VMX_CLASS_SECONDARY,
	VMX_CLASS_TERTIARY,
	VMX_CLASS_EXIT,
	VMX_CLASS_EXIT2,
	VMX_CLASS_ENTRY,
	VMX_CLASS_BASIC,
	VMX_CLASS_MISC,
	VMX_CLASS_EPT_VPID,
	VMX_CLASS_VMFUNC,
	VMX_CLASS_COUNT
};

/*
 * Bit numbers, VMX_<CLASS>_<IDENT>_BIT, generated from bits_def.h.
 * VMX_B(CLASS, IDENT) is the mask as a 64-bit value, VMX_B32 as a 32-bit one.
 */
#define VMX_BITNO_(cls, bit, id) VMX_##cls##_##id##_BIT = (bit),
#define VMX_PIN_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(PIN, bit, id)
#define VMX_PRIMARY_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(PRIMARY, bit, id)
#define VMX_SECONDARY_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(SECONDARY, bit, id)
#define VMX_TERTIARY_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(TERTIARY, bit, id)
#define VMX_EXIT_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(EXIT, bit, id)
#define VMX_EXIT2_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(EXIT2, bit, id)
#define VMX_ENTRY_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(ENTRY, bit, id)
#define VMX_BASIC_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(BASIC, bit, id)
#define VMX_MISC_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(MISC, bit, id)
#define VMX_EPT_VPID_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(EPT_VPID, bit, id)
#define VMX_VMFUNC_E_(bit, id, s, sdm, lx, q) VMX_BITNO_(VMFUNC, bit, id)
enum vmx_pin_bitno { VMX_PIN_BITS(VMX_PIN_E_) };
enum vmx_primary_bitno { VMX_PRIMARY_BITS(VMX_PRIMARY_E_) };
enum vmx_secondary_bitno { VMX_SECONDARY_BITS(VMX_SECONDARY_E_) };
enum vmx_tertiary_bitno { VMX_TERTIARY_BITS(VMX_TERTIARY_E_) };
enum vmx_exit_bitno { VMX_EXIT_BITS(VMX_EXIT_E_) };
enum vmx_exit2_bitno { VMX_EXIT2_BITS(VMX_EXIT2_E_) };
enum vmx_entry_bitno { VMX_ENTRY_BITS(VMX_ENTRY_E_) };
enum vmx_basic_bitno { VMX_BASIC_BITS(VMX_BASIC_E_) };
enum vmx_misc_bitno { VMX_MISC_BITS(VMX_MISC_E_) };
enum vmx_ept_vpid_bitno { VMX_EPT_VPID_BITS(VMX_EPT_VPID_E_) };
enum vmx_vmfunc_bitno { VMX_VMFUNC_BITS(VMX_VMFUNC_E_) };
#define VMX_B(cls, id) (1ull << VMX_##cls##_##id##_BIT)
#define VMX_B32(cls, id) ((uint32_t)1u << VMX_##cls##_##id##_BIT)

/* The default1 classes (SDM A.2): reserved controls that are 1 unless TRUE MSRs allow 0. */
#define VMX_PIN_DEFAULT1 0x00000016u
#define VMX_PRIMARY_DEFAULT1 0x0401E172u
#define VMX_EXIT_DEFAULT1 0x00036DFFu
#define VMX_ENTRY_DEFAULT1 0x000011FFu

struct vmx_bit_info {
	uint8_t bit;
	const char *ident;  /* C identifier suffix, e.g. "HLT_EXITING" */
	const char *name;   /* short name, e.g. "hlt_exiting" */
	const char *sdm;    /* SDM name, e.g. "HLT exiting" */
	const char *linux_flag; /* /proc/cpuinfo "vmx flags" name or NULL */
	const char *qemu;   /* QEMU vmx-* name or NULL */
};

struct vmx_class_info {
	enum vmx_class cls;
	const char *name;     /* "pin", "primary", ... (policy files, JSON) */
	const char *title;    /* "Pin-based VM-execution controls" */
	uint32_t cap_msr;     /* capability MSR (legacy), e.g. 0x481 */
	uint32_t true_msr;    /* TRUE capability MSR or 0 */
	uint8_t width;        /* 32 or 64 */
	uint64_t default1;    /* default1 mask or 0 */
	const struct vmx_bit_info *bits;
	size_t n_bits;
};

/* Table of a class (bits, capability MSRs, width, default1 mask); NULL when cls >= VMX_CLASS_COUNT. */
const struct vmx_class_info *vmx_class_get(enum vmx_class cls);
/* Class by its short name ("pin", "primary", "secondary", "tertiary", "exit", "exit2", "entry", ...), or NULL. */
const struct vmx_class_info *vmx_class_by_name(const char *name);
/* Bit info of a bit in a class, or NULL if the bit has no name. */
const struct vmx_bit_info *vmx_bit_get(enum vmx_class cls, unsigned bit);
/* Bit by short name within a class, or NULL. */
const struct vmx_bit_info *vmx_bit_by_name(enum vmx_class cls, const char *name);

/* Freestanding string helpers (no libc in the core). */
int vmx_streq(const char *a, const char *b);

#endif
