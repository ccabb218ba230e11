/* SPDX-License-Identifier: MIT */
/*
 * Capabilities of several hosts: the capability order ("B offers everything A does") as a list of gaps, and
 * the baseline (intersection) of many hosts as a synthetic snapshot, field by field as the SDM defines them
 * (appendix A): control MSRs allowed-0 union / allowed-1 intersection; BASIC, MISC, EPT/VPID flags
 * intersection and numeric fields the minimum every host supports; CR0/CR4 FIXED0 union, FIXED1 intersection;
 * VMCS_ENUM minimum.  Order independent: the result does not depend on the order hosts are added.
 */
#ifndef VMXCFG_HOST_BASELINE_H
#define VMXCFG_HOST_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vmxcfg/bits.h>
#include <vmxcfg/snapshot.h>

enum vmx_gap_kind {
	VMX_GAP_MAY1 = 0, /* control/flag bits A allows (may be 1 / supported) and B does not */
	VMX_GAP_MAY0,     /* control bits A lets be 0 and B forces to 1 (allowed-0) */
	VMX_GAP_FIXED0,   /* CR bits B forces to 1 (FIXED0) that A lets be 0 */
	VMX_GAP_FIXED1,   /* CR bits A lets be 1 (FIXED1) that B forces to 0 */
	VMX_GAP_FIELD,    /* a numeric field where A offers more than B */
	VMX_GAP_NOTE,     /* a field that differs without one being better (revision, timer rate, MSEG) */
};

struct vmx_gap {
	enum vmx_msr_slot slot;
	enum vmx_gap_kind kind;
	enum vmx_class cls; /* for bit gaps: the bit table to name bits with (VMX_CLASS_COUNT = none) */
	uint64_t bits;      /* bit gaps: the bits, numbered in the class (controls) or in the MSR */
	const char *field;  /* FIELD/NOTE: "vmcs_size", "cr3_targets", ... */
	uint64_t a, b;      /* FIELD/NOTE: the two values */
};

#define VMX_MAX_GAPS 64

/*
 * What A has that B lacks (notes are listed once, in both directions).  Returns the number of gaps
 * (excluding notes) found; fills at most max entries of out (gaps and notes) and *n_out.
 */
size_t vmx_caps_gaps(const struct vmx_snapshot *a, const struct vmx_snapshot *b, struct vmx_gap *out, size_t max,
		     size_t *n_out);
/* Does B offer everything A does (no gaps)? */
bool vmx_caps_covers(const struct vmx_snapshot *b, const struct vmx_snapshot *a);

/* Baseline accumulator. */
struct vmx_baseline {
	size_t n;                 /* hosts (CPUs) added */
	struct vmx_snapshot snap; /* the intersection so far */
	uint32_t conflict[VMX_MSR_COUNT]; /* control bits some host forces to 1 and another forbids */
	bool fw_disabled; /* some host's firmware disabled VMX */
	bool differs_revision, differs_memtype, differs_timer_rate, differs_mseg, differs_fw;
};
void vmx_baseline_init(struct vmx_baseline *b);
void vmx_baseline_add(struct vmx_baseline *b, const struct vmx_snapshot *s);

/* Print one gap as a text line (indent included) or as a JSON object. */
void vmx_gap_print(FILE *f, const struct vmx_gap *g);
void vmx_gap_json(FILE *f, const struct vmx_gap *g);

#endif
