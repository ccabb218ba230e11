/* SPDX-License-Identifier: MIT */
/*
 * Capability snapshot: every VMX capability MSR read once, with a presence
 * mask, plus the CPUID leaves a policy reads.  Plain data, no pointers, so it
 * can be copied, compared with memcmp-free helpers and embedded anywhere.
 * Freestanding: only <stdint.h>, <stddef.h>, <stdbool.h>.
 */
#ifndef VMXCFG_SNAPSHOT_H
#define VMXCFG_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MSR slots of a snapshot.  Slot 0 is IA32_FEATURE_CONTROL, then 0x480..0x493 in order. */
enum vmx_msr_slot {
	VMX_MSR_FEATURE_CONTROL = 0, /* 0x3A */
	VMX_MSR_BASIC,               /* 0x480 */
	VMX_MSR_PINBASED,            /* 0x481 */
	VMX_MSR_PROCBASED,           /* 0x482 */
	VMX_MSR_EXIT,                /* 0x483 */
	VMX_MSR_ENTRY,               /* 0x484 */
	VMX_MSR_MISC,                /* 0x485 */
	VMX_MSR_CR0_FIXED0,          /* 0x486 */
	VMX_MSR_CR0_FIXED1,          /* 0x487 */
	VMX_MSR_CR4_FIXED0,          /* 0x488 */
	VMX_MSR_CR4_FIXED1,          /* 0x489 */
	VMX_MSR_VMCS_ENUM,           /* 0x48A */
	VMX_MSR_PROCBASED2,          /* 0x48B */
	VMX_MSR_EPT_VPID_CAP,        /* 0x48C */
	VMX_MSR_TRUE_PINBASED,       /* 0x48D */
	VMX_MSR_TRUE_PROCBASED,      /* 0x48E */
	VMX_MSR_TRUE_EXIT,           /* 0x48F */
	VMX_MSR_TRUE_ENTRY,          /* 0x490 */
	VMX_MSR_VMFUNC,              /* 0x491 */
	VMX_MSR_PROCBASED3,          /* 0x492 */
	VMX_MSR_EXIT2,               /* 0x493 */
	VMX_MSR_COUNT
};

/* Maximum number of CPUID (leaf, subleaf) results a snapshot holds. */
#define VMX_CPUID_MAX 160

struct vmx_cpuid_leaf {
	uint32_t leaf, subleaf;
	uint32_t eax, ebx, ecx, edx;
};

/* Snapshot flags. */
#define VMX_SNAP_PARTIAL 0x1u /* some MSR bits are unknown: see known[] */

struct vmx_snapshot {
	uint64_t msr[VMX_MSR_COUNT];
	/* Bit s set: MSR slot s is present (reading it does not fault). */
	uint32_t msr_present;
	uint32_t flags;
	/*
	 * For partial snapshots (VMX_SNAP_PARTIAL, e.g. from /proc/cpuinfo):
	 * bits of msr[s] whose value is known.  Ignored otherwise.
	 */
	uint64_t known[VMX_MSR_COUNT];
	uint32_t n_cpuid;
	struct vmx_cpuid_leaf cpuid[VMX_CPUID_MAX];
};

/* Return codes shared by the core. */
enum vmx_err {
	VMX_OK = 0,
	VMX_ERR_UNKNOWN_MSR = -1,  /* index is not a VMX capability MSR */
	VMX_ERR_DUPLICATE = -2,    /* the same MSR or CPUID leaf twice */
	VMX_ERR_FULL = -3,         /* no room for another CPUID leaf */
	VMX_ERR_INVALID = -4,      /* argument out of range */
};

/* MSR index of a slot, or 0 for an invalid slot. */
uint32_t vmx_msr_index(enum vmx_msr_slot slot);
/* Slot of an MSR index, or -1 when the index is not one the snapshot holds. */
int vmx_msr_slot(uint32_t index);
/* SDM name of a slot ("IA32_VMX_BASIC"), or NULL. */
const char *vmx_msr_name(enum vmx_msr_slot slot);

/* Empty snapshot: no MSR present, no CPUID leaf. */
void vmx_snapshot_init(struct vmx_snapshot *s);
/*
 * Record an MSR by index.  Returns VMX_OK, VMX_ERR_UNKNOWN_MSR for an index
 * outside 0x3A/0x480..0x493, VMX_ERR_DUPLICATE if already present.
 */
int vmx_snapshot_set_msr(struct vmx_snapshot *s, uint32_t index, uint64_t value);
/* Record a CPUID result.  VMX_ERR_DUPLICATE if (leaf, subleaf) is already there, VMX_ERR_FULL if no room. */
int vmx_snapshot_set_cpuid(struct vmx_snapshot *s, const struct vmx_cpuid_leaf *l);

/* Is MSR slot `slot` (< VMX_MSR_COUNT) present in *s? */
static inline bool vmx_snapshot_has(const struct vmx_snapshot *s, enum vmx_msr_slot slot)
{
	return (s->msr_present >> slot) & 1u;
}

/* Value of a present MSR; an absent MSR reads 0 (what a plain rdmsr that faults leaves in the kernel). */
static inline uint64_t vmx_snapshot_msr(const struct vmx_snapshot *s, enum vmx_msr_slot slot)
{
	return vmx_snapshot_has(s, slot) ? s->msr[slot] : 0;
}

/* Look up a CPUID result; NULL if the snapshot does not hold it (the leaf then reads as zeros). */
const struct vmx_cpuid_leaf *vmx_snapshot_find_cpuid(const struct vmx_snapshot *s, uint32_t leaf,
						     uint32_t subleaf);
/* CPUID register of a leaf (reg 0..3 = EAX..EDX); 0 when the leaf is not held. */
uint32_t vmx_snapshot_cpuid_reg(const struct vmx_snapshot *s, uint32_t leaf, uint32_t subleaf, int reg);

/* Equality of two snapshots (MSRs, presence, known masks, CPUID set regardless of order). */
bool vmx_snapshot_equal(const struct vmx_snapshot *a, const struct vmx_snapshot *b);

/* The halves of a 32-bit control capability MSR (SDM A.3). */
static inline uint32_t vmx_allowed0(uint64_t msr) { return (uint32_t)msr; }
static inline uint32_t vmx_allowed1(uint64_t msr) { return (uint32_t)(msr >> 32); }

/* IA32_VMX_BASIC fields (SDM A.1). */
static inline uint32_t vmx_basic_revision(uint64_t b) { return (uint32_t)(b & 0x7fffffffu); }
static inline uint32_t vmx_basic_vmcs_size(uint64_t b) { return (uint32_t)((b >> 32) & 0x1fffu); }
static inline uint32_t vmx_basic_mem_type(uint64_t b) { return (uint32_t)((b >> 50) & 0xfu); }

/* CPUID helpers used by policies. */
uint32_t vmx_cpuid_signature(const struct vmx_snapshot *s); /* CPUID.1:EAX */
uint32_t vmx_cpuid_family(const struct vmx_snapshot *s);    /* family incl. extended, as Linux computes */
uint32_t vmx_cpuid_model(const struct vmx_snapshot *s);     /* model incl. extended for family >= 6 */
bool vmx_cpuid_is_intel(const struct vmx_snapshot *s);      /* vendor "GenuineIntel" */
bool vmx_cpuid_has_vmx(const struct vmx_snapshot *s);       /* CPUID.1:ECX[5] */
bool vmx_cpuid_has_sgx(const struct vmx_snapshot *s);       /* max leaf >= 0x12 && CPUID.(0x12,0):EAX[0] */

#endif
