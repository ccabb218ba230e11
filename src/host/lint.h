/* SPDX-License-Identifier: MIT */
/*
 * Capability decoding helpers and lints for `vmxcfg caps`.
 *
 * Control states (the words of QEMU's vmxcap): for a bit of a 32-bit control capability MSR,
 *   yes      allowed-0 = 0, allowed-1 = 1 (may be 0 or 1)
 *   no       allowed-0 = 0, allowed-1 = 0 (must be 0)
 *   forced   allowed-0 = 1, allowed-1 = 1 (must be 1)
 *   default  must be 1 in the legacy MSR, may be 0 through the TRUE MSR (IA32_VMX_BASIC[55] = 1)
 *   ?        allowed-0 = 1, allowed-1 = 0 (must be 1 yet not allowed 1: inconsistent)
 * plus, for partial snapshots (/proc/cpuinfo): "allowed" (allowed-1 = 1, allowed-0 unknown) and "unknown".
 */
#ifndef VMXCFG_HOST_LINT_H
#define VMXCFG_HOST_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmxcfg/bits.h>
#include <vmxcfg/snapshot.h>

enum vmx_ctl_state {
	VMX_ST_NO = 0,
	VMX_ST_YES,
	VMX_ST_FORCED,
	VMX_ST_DEFAULT,
	VMX_ST_INCONSISTENT,
	VMX_ST_ALLOWED, /* partial: allowed-1 = 1, allowed-0 unknown */
	VMX_ST_UNKNOWN, /* partial: allowed-1 unknown */
	VMX_ST_COUNT
};
/* "yes", "no", "forced", "default", "?", "allowed", "unknown". */
const char *vmx_ctl_state_word(enum vmx_ctl_state st);

/* The capability MSR slot of a class (legacy), its TRUE slot (-1 if none). */
int vmx_class_cap_slot(enum vmx_class cls);
int vmx_class_true_slot(enum vmx_class cls);
/* Bits of an MSR slot whose value is known: all for a present MSR of a full snapshot, known[] for a partial one. */
uint64_t vmx_known_bits(const struct vmx_snapshot *s, enum vmx_msr_slot slot);

/*
 * State of a control bit.  For 32-bit classes (pin, primary, secondary, exit, entry) from the allowed-0/1 halves
 * of the legacy MSR and, for `default`, the TRUE MSR; for 64-bit allowed-1 classes (tertiary, exit2, vmfunc)
 * only yes / no / unknown.  An absent MSR of a full snapshot reads as 0 (no).
 */
enum vmx_ctl_state vmx_ctl_state(const struct vmx_snapshot *s, enum vmx_class cls, unsigned bit);

/* Lints. */
enum vmx_lint_id {
	VMX_LINT_ALLOWED0_NOT_ALLOWED1 = 0, /* must-be-1 bit not allowed to be 1 */
	VMX_LINT_TRUE_MISMATCH,             /* TRUE MSR differs from its legacy MSR beyond the default1 class */
	VMX_LINT_DEFAULT1_NOT_FORCED,       /* a default1 bit not reported must-be-1 by the legacy MSR */
	VMX_LINT_EPT_CAP_WITHOUT_EPT,
	VMX_LINT_VPID_CAP_WITHOUT_VPID,
	VMX_LINT_ENTRY_EXIT_ASYMMETRIC,
	VMX_LINT_CR_FIXED_INCONSISTENT,
	VMX_LINT_TRUE_CTLS_PRESENCE,        /* BASIC[55] and the presence of 0x48D-0x490 disagree */
	VMX_LINT_MSR_MISSING,               /* an MSR the controls enumerate is absent */
	VMX_LINT_BASIC_FIELDS,              /* VMCS size 0 or > 4096, memory type not UC/WB, bit 31 set */
	VMX_LINT_COUNT
};

struct vmx_lint_info {
	enum vmx_lint_id id;
	const char *name;  /* stable id, e.g. "allowed0-not-allowed1" */
	const char *title; /* one line */
};
const struct vmx_lint_info *vmx_lint_get(enum vmx_lint_id id);

struct vmx_lint {
	enum vmx_lint_id id;
	int slot;          /* MSR slot concerned */
	int slot2;         /* second MSR slot, or -1 */
	uint64_t bits;     /* bits concerned (of slot) */
	uint64_t bits2;    /* bits of slot2 */
	char msg[700];
};

#define VMX_LINT_MAX 64
/* Run every lint on a snapshot; partial snapshots are linted on known bits only.  Returns the count. */
size_t vmx_lint_run(const struct vmx_snapshot *s, struct vmx_lint *out, size_t max);

#endif
