/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU consistency (kvm-setup.md §3).  kvm_intel computes its vmcs_config on the boot CPU, then runs the
 * same computation on every online CPU and refuses to load (-EIO) when one differs:
 *   7.0+      "VMCS config on CPU %d doesn't match reference config:" + one "Offset %u REF = ..., CPU%u = ...,
 *             mismatch = ..." line per differing 32-bit word
 *   6.6-6.19  "Inconsistent VMCS config on CPU %d"
 *   6.1, 5.x, 4.19 "kvm: CPU %d feature inconsistency!"
 * A CPU on which setup_vmcs_config itself fails stops the load too ("Failed to setup VMCS config on CPU %d"
 * from 7.0; silent -EIO before).
 */
#ifndef VMXCFG_HOST_PERCPU_H
#define VMXCFG_HOST_PERCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <vmxcfg/kvm.h>

#include "host/profile.h"

/* MSR-level differences: CPU `cpu` vs the boot CPU (the first CPU of the profile). */
struct vmx_msr_diff {
	int cpu;
	int slot;          /* enum vmx_msr_slot */
	bool presence;     /* present on one CPU only */
	uint64_t ref, val; /* values (0 when absent) */
	uint64_t mask;     /* ref ^ val (known bits only for partial snapshots) */
};
/* Fills up to max diffs; returns the total number (may exceed max). */
size_t vmx_percpu_msr_diffs(const struct vmx_profile *p, struct vmx_msr_diff *out, size_t max);
/* Same capability MSRs (presence, known bits, values); CPUID leaves are not compared (APIC IDs differ). */
bool vmx_percpu_msrs_equal(const struct vmx_snapshot *a, const struct vmx_snapshot *b);
/* Number of CPUs whose capability MSRs differ from the boot CPU's. */
size_t vmx_percpu_count_differing(const struct vmx_profile *p);

/* A 32-bit word of struct vmcs_config that differs (offsets as in the kernel, §1.8). */
struct vmx_cfg_diff {
	unsigned offset;   /* 0 basic lo, 4 basic hi, 8 pin, 12 primary, 16 secondary, 24/28 tertiary, 32 exit, 36 entry, 40/44 misc */
	const char *field; /* "pin", "primary", ... */
	int cls;           /* enum vmx_class of the word's bits, or -1 (basic, misc) */
	unsigned shift;    /* bit position of the word's bit 0 in the class (32 for the high half of a 64-bit field) */
	uint32_t ref, val;
};

#define VMX_PERCPU_MAX_DIFFS 12

struct vmx_percpu_kvm {
	const struct kvm_policy *policy;
	size_t n_cpus;
	bool consistent;       /* every CPU agrees with the boot CPU (and setup succeeds everywhere) */
	int boot_cpu;
	int fail_cpu;          /* first CPU (after the boot CPU) where setup_vmcs_config fails, or -1 */
	int mismatch_cpu;      /* first CPU whose vmcs_config differs, or -1 */
	size_t n_diffs;
	struct vmx_cfg_diff diffs[VMX_PERCPU_MAX_DIFFS];
	bool caps_differ;      /* EPT/VPID capability words differ (nested=1 compares them through the nested MSRs) */
	char message[200];     /* what the kernel prints ("Inconsistent VMCS config on CPU 3"), or "" */
};

/*
 * Run a policy on every CPU of the profile (in order; the first CPU is the boot CPU) the way kvm_intel's
 * per-CPU compatibility check does, and predict its verdict.  tmpl supplies the module parameters (its snap is
 * ignored).  Returns VMX_OK or VMX_ERR_INVALID.
 */
int vmx_percpu_kvm_check(const struct kvm_policy *pol, const struct kvm_input *tmpl, const struct vmx_profile *p,
			 struct vmx_percpu_kvm *r);

/* Text report of vmx_percpu_kvm_check (several lines, each starting with `indent`). */
void vmx_percpu_kvm_print(FILE *f, const struct vmx_percpu_kvm *r, const char *indent);
/* The same as a JSON object. */
void vmx_percpu_kvm_json(FILE *f, const struct vmx_percpu_kvm *r);

#endif
