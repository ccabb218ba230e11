/* SPDX-License-Identifier: MIT */
/*
 * Custom negotiation policies: what a hypervisor requires and would like per
 * control class, whether it uses the TRUE capability MSRs, and ordered rules
 * ("if X then require Y", "if not X then clear Y", "... then fail").  The
 * text format is parsed by the host (src/host/policy_file.h,
 * docs in data/policies/README.md); this is the freestanding engine.
 *
 * Negotiation:
 *  1. each control class: ctl = (required | optional) & allowed-1 | allowed-0 of the legacy MSR, or of the
 *     TRUE MSR when the policy says `true-msrs yes` and IA32_VMX_BASIC bit 55 is set; a required bit the CPU
 *     does not allow fails.  Secondary controls only when primary has "activate secondary controls",
 *     tertiary (64-bit: optional & allowed, required must be allowed) only with "activate tertiary
 *     controls", exit2 only with the exit control "activate secondary VM-exit controls".
 *  2. ept_vpid = IA32_VMX_EPT_VPID_CAP (0 when absent), basic/misc/vmfunc = the raw MSRs.
 *  3. rules in file order, each on the words as the earlier rules left them.
 */
#ifndef VMXCFG_POLICY_H
#define VMXCFG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "kvm.h"
#include "snapshot.h"

/* Pseudo class of conditions about the CPU rather than a capability bit (term.cls). */
#define VMX_POLICY_CLS_CPU 0x80u

/* Predicates of the pseudo class "cpu" (bit numbers of term.bits). */
enum vmx_policy_cpu_pred {
	VMX_CPU_SGX = 0,              /* CPUID.0:EAX >= 0x12 and CPUID.(0x12,0):EAX[0] */
	VMX_CPU_NX,                   /* CPUID 0x80000001:EDX[20] */
	VMX_CPU_INTEL,                /* vendor GenuineIntel */
	VMX_CPU_BROKEN_TIMER,         /* CPUID.1:EAX in the broken VMX-preemption-timer list (docs/kernel-versions.md) */
	VMX_CPU_PERF_GLOBAL_ERRATUM,  /* Intel family 6, model with the IA32_PERF_GLOBAL_CTRL load erratum */
	VMX_CPU_VMCS_FITS_PAGE,       /* IA32_VMX_BASIC VMCS size <= 4096 */
	VMX_CPU_VMCS_WB,              /* IA32_VMX_BASIC memory type 6 (write-back) */
	VMX_CPU_TRUE_CTLS,            /* TRUE capability MSRs usable (BASIC bit 55 and the MSRs present) */
	VMX_CPU_PRED_COUNT
};
/* Name of a cpu predicate ("sgx", "nx", ...), or NULL. */
const char *vmx_policy_cpu_pred_name(unsigned pred);

/* Group names usable in conditions and clear targets of class ept_vpid: "ept_caps" (bits 31:0), "vpid_caps" (63:32). */
#define VMX_POLICY_EPT_CAPS 0x00000000ffffffffull
#define VMX_POLICY_VPID_CAPS 0xffffffff00000000ull

#define VMX_POLICY_MAX_TERMS 6
#define VMX_POLICY_MAX_TARGETS 8
#define VMX_POLICY_MAX_RULES 96
#define VMX_POLICY_NAME_MAX 96

struct vmx_policy_term {
	uint8_t cls;   /* enum vmx_class or VMX_POLICY_CLS_CPU */
	bool negate;   /* "not X" */
	uint64_t bits; /* true when any of these bits is set (a single bit, or a group) */
};

enum vmx_policy_action { VMX_POLICY_REQUIRE = 0, VMX_POLICY_CLEAR, VMX_POLICY_FAIL };

struct vmx_policy_rule {
	int line;                   /* line in the policy file (for messages) */
	size_t n_terms;             /* 0: unconditional */
	struct vmx_policy_term terms[VMX_POLICY_MAX_TERMS]; /* ANDed */
	enum vmx_policy_action action;
	size_t n_targets;           /* require/clear: (class, bits) */
	struct {
		uint8_t cls;
		uint64_t bits;
	} targets[VMX_POLICY_MAX_TARGETS];
};

struct vmx_policy {
	char name[VMX_POLICY_NAME_MAX];
	bool use_true_msrs;
	uint64_t required[VMX_CLASS_COUNT]; /* control classes only: pin primary secondary tertiary exit exit2 entry */
	uint64_t optional[VMX_CLASS_COUNT];
	int class_line[VMX_CLASS_COUNT];    /* line of the last required/optional statement of the class (messages) */
	size_t n_rules;
	struct vmx_policy_rule rules[VMX_POLICY_MAX_RULES];
};

/* Empty policy: no name, legacy capability MSRs, nothing required or optional, no rules.  p must not be NULL. */
void vmx_policy_init(struct vmx_policy *p);

/* Is the class one a policy negotiates (has required/optional sets)? */
bool vmx_policy_control_class(enum vmx_class c);

enum vmx_neg_status { VMX_NEG_OK = 0, VMX_NEG_FAIL };

enum vmx_neg_event_kind {
	VMX_NEG_DENIED = 0, /* optional bits the CPU does not allow */
	VMX_NEG_FORCED,     /* bits set although not asked for (allowed-0 = 1) */
	VMX_NEG_MISSING,    /* required bits the CPU does not allow: failure */
	VMX_NEG_CLEARED,    /* a clear rule removed bits */
	VMX_NEG_UNMET,      /* a require rule's bits are not set: failure */
	VMX_NEG_FAILED,     /* a fail rule fired */
};

#define VMX_NEG_MAX_EVENTS 64

struct vmx_neg_event {
	uint8_t kind; /* enum vmx_neg_event_kind */
	uint8_t cls;
	int line;     /* rule line, or the class's required/optional line */
	uint64_t bits;
};

struct vmx_negotiation {
	enum vmx_neg_status status;
	enum kvm_precheck precheck;       /* CPUID VMX / IA32_FEATURE_CONTROL, as for KVM */
	bool used_true_msrs;
	uint64_t word[VMX_CLASS_COUNT];   /* results; basic/misc/vmfunc raw; ept_vpid after rules */
	int fail_event;                   /* index of the first failing event, -1 if ok */
	size_t n_events;
	bool events_truncated;
	struct vmx_neg_event events[VMX_NEG_MAX_EVENTS];
};

/* Evaluate a cpu predicate on a snapshot. */
bool vmx_policy_cpu_pred(const struct vmx_snapshot *s, unsigned pred);

/* Negotiate.  Returns VMX_OK or VMX_ERR_INVALID (NULL arguments).  On failure the words keep the values
 * reached (they are not zeroed as kvm_intel does). */
int vmx_negotiate(const struct vmx_policy *p, const struct vmx_snapshot *s, struct vmx_negotiation *r);

#endif
