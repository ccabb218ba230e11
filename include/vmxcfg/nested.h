/* SPDX-License-Identifier: MIT */
/*
 * The nested (L1) view: the VMX capability MSRs 0x480-0x491 that KVM of a
 * kernel version exposes to an L1 guest (nested_vmx_setup_ctls_msrs() and
 * vmx_get_vmx_msr(); docs/kernel-versions.md), for a CPU
 * and a set of module parameters.
 *
 * Simplest use (one call):
 *   struct kvm_params_input in;  kvm_params_input_init(&in, policy, &l0);
 *   static struct kvm_post post; struct kvm_nested n; struct vmx_snapshot l1;
 *   kvm_nested_compute(policy, &in, &post, &n, &l1);
 *   if (n.valid) ... l1 is a snapshot of what L1 sees (feed it to kvm_post_setup for L2).
 *
 * Freestanding; no allocation.
 */
#ifndef VMXCFG_NESTED_H
#define VMXCFG_NESTED_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm.h"
#include "params.h"
#include "snapshot.h"

#define KVM_NESTED_FIRST_MSR 0x480u
#define KVM_NESTED_N_MSR 19 /* 0x480 .. 0x492 */

/* Why L1 has no VMX at all. */
enum kvm_nested_none {
	KVM_NESTED_YES = 0,     /* valid */
	KVM_NESTED_NOT_LOADED,  /* kvm_intel does not load on L0 (post status != ok, or the precheck stops it) */
	KVM_NESTED_DISABLED,    /* nested=0 */
};

struct kvm_nested {
	bool valid;                  /* false: L1 gets no VMX (see none) */
	enum kvm_nested_none none;
	/* vmx_get_vmx_msr() value of MSR 0x480 + i; legacy control MSRs have the default1 bits forced on. */
	uint64_t msr[KVM_NESTED_N_MSR];
	uint32_t exposed;            /* bit i: MSR 0x480 + i is exposed (0x492 never is) */
};

/* Value of an exposed MSR by index (0 if not exposed). */
uint64_t kvm_nested_msr(const struct kvm_nested *n, uint32_t index);

/*
 * The L1 MSRs from a post-setup result of L0 (kvm_post_setup on the L0 snapshot `l0`).
 * Returns VMX_OK or VMX_ERR_INVALID; *n->valid tells whether L1 gets VMX.
 */
int kvm_nested_msrs(const struct kvm_post *post, const struct vmx_snapshot *l0, struct kvm_nested *n);

/*
 * The snapshot an L1 guest sees: every CPUID leaf of l0 passed through, IA32_FEATURE_CONTROL = 0x5
 * (locked, VMX outside SMX, as QEMU/KVM set it for a VMX guest) and the exposed MSRs above.
 * Returns VMX_OK or VMX_ERR_INVALID (n not valid).
 */
int kvm_nested_snapshot(const struct kvm_nested *n, const struct vmx_snapshot *l0, struct vmx_snapshot *l1);

/* kvm_post_setup + kvm_nested_msrs + kvm_nested_snapshot.  *post is a large work area. l1 may be NULL. */
int kvm_nested_compute(const struct kvm_policy *p, const struct kvm_params_input *in, struct kvm_post *post,
		       struct kvm_nested *n, struct vmx_snapshot *l1);

#endif
