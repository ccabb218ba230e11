/* SPDX-License-Identifier: MIT */
/*
 * QEMU's view of VMX capabilities: the nine VMX "feature words", their vmx-* property names (taken from the
 * `qemu` column of bits_def.h), the dependency rules QEMU applies to a guest's features, and the MSR values
 * QEMU writes for a guest.  Facts: QEMU's vmx-* feature table, restated in src/host/qemu_names.c.
 */
#ifndef VMXCFG_HOST_QEMU_NAMES_H
#define VMXCFG_HOST_QEMU_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vmxcfg/bits.h>
#include <vmxcfg/snapshot.h>

/* QEMU's VMX feature words (FEAT_VMX_*), in the order QEMU declares them. */
enum vmx_qemu_word {
	VMX_QW_PROCBASED = 0, /* 48EH, TRUE primary controls */
	VMX_QW_SECONDARY,     /* 48BH */
	VMX_QW_PINBASED,      /* 48DH, TRUE pin-based */
	VMX_QW_EXIT,          /* 48FH, TRUE exit */
	VMX_QW_ENTRY,         /* 490H, TRUE entry */
	VMX_QW_MISC,          /* 485H */
	VMX_QW_EPT_VPID,      /* 48CH */
	VMX_QW_BASIC,         /* 480H */
	VMX_QW_VMFUNC,        /* 491H */
	VMX_QW_COUNT
};

struct vmx_qemu_word_info {
	enum vmx_qemu_word word;
	const char *name;     /* "FEAT_VMX_PROCBASED_CTLS" */
	uint32_t msr;         /* MSR QEMU reads and prints: 0x48e */
	enum vmx_class cls;   /* our bit table for the word */
	enum vmx_msr_slot slot, legacy_slot; /* snapshot slots (TRUE MSR, and the legacy one for control words) */
	bool control;         /* allowed-0/allowed-1 control word */
	uint32_t default1;    /* QEMU's default1 constant for control words */
};
const struct vmx_qemu_word_info *vmx_qemu_word_get(enum vmx_qemu_word w);

/* The nine words as QEMU computes them from what KVM reports (§1.2). */
struct vmx_qemu_words {
	uint64_t w[VMX_QW_COUNT];
};

/*
 * The host words from a set of capability MSRs: control words = allowed-1 AND NOT allowed-0 of the TRUE MSR
 * (the legacy MSR when the TRUE one is absent), the other four raw.  An absent MSR gives 0.  Pass KVM's nested
 * (L1) MSRs to get what QEMU on that host sees; pass raw MSRs to get the hardware's upper bound.
 */
void vmx_qemu_words_from_snapshot(const struct vmx_snapshot *s, struct vmx_qemu_words *w);

/* A vmx-* property: one name, the bits it sets (bits 25 and 41 of 48CH share one name, §3.7). */
struct vmx_qemu_prop {
	const char *name;
	enum vmx_qemu_word word;
	uint64_t mask;
};
size_t vmx_qemu_prop_count(void);
const struct vmx_qemu_prop *vmx_qemu_prop_at(size_t i);
const struct vmx_qemu_prop *vmx_qemu_prop_find(const char *name);
/* The named (migratable) bits of a word. */
uint64_t vmx_qemu_named_mask(enum vmx_qemu_word w);
/* QEMU reads a property as on only when all its bits are set. */
bool vmx_qemu_prop_on(const struct vmx_qemu_words *w, const struct vmx_qemu_prop *p);

/*
 * What `-cpu host` (migratable=on) gives a guest on a host with words *host: named bits only, then QEMU's
 * dependency rules (§4).  cpuid (may be NULL: CPUID rules skipped) supplies vmx, lm, xsaves, rdrand, invpcid,
 * rdseed, rdtscp, mpx and waitpkg.
 */
void vmx_qemu_guest_features(const struct vmx_qemu_words *host, const struct vmx_snapshot *cpuid,
			     struct vmx_qemu_words *out);
/* Apply only the dependency rules to *w (in place). */
void vmx_qemu_apply_deps(struct vmx_qemu_words *w, const struct vmx_snapshot *cpuid);

/* The value QEMU writes into a control MSR for the guest (§2): allowed-1 = features|default1, allowed-0 = default1&~features. */
uint64_t vmx_qemu_guest_ctl_msr(enum vmx_qemu_word w, uint64_t features);

/* Print "vmx-a,vmx-b" for the properties with any bit in lost[]; returns how many. */
size_t vmx_qemu_print_lost(FILE *f, const struct vmx_qemu_words *lost, const char *sep, bool json);

#endif
