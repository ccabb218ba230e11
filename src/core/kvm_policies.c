/* SPDX-License-Identifier: MIT */
/*
 * KVM's setup_vmcs_config per kernel version, as data.  Masks and flags from
 * ../shared/reference/kvm-setup.md: §1.3/§1.11 (6.1 .. 7.1), §2.1/§2.3 (4.19 .. 5.10).
 */
#include <vmxcfg/kvm.h>

/* VM-entry/VM-exit controls that must be set together (kvm-setup.md §1.5). */
static const struct kvm_pair pairs_cet[] = {
	{ VMX_B32(ENTRY, LOAD_PERF_GLOBAL_CTRL), VMX_B32(EXIT, LOAD_PERF_GLOBAL_CTRL) },
	{ VMX_B32(ENTRY, LOAD_PAT), VMX_B32(EXIT, LOAD_PAT) },
	{ VMX_B32(ENTRY, LOAD_EFER), VMX_B32(EXIT, LOAD_EFER) },
	{ VMX_B32(ENTRY, LOAD_BNDCFGS), VMX_B32(EXIT, CLEAR_BNDCFGS) },
	{ VMX_B32(ENTRY, LOAD_RTIT_CTL), VMX_B32(EXIT, CLEAR_RTIT_CTL) },
	{ VMX_B32(ENTRY, LOAD_CET_STATE), VMX_B32(EXIT, LOAD_CET_STATE) }, /* from 6.19 */
};
#define N_PAIRS_NO_CET 5
#define N_PAIRS_CET 6

/* CPUID.1:EAX signatures with a broken VMX-preemption timer (§1.6); 4.19 lacks the last one. */
static const uint32_t broken_timer[] = {
	0x000206E6, 0x00020652, 0x00020655, 0x000106E5, 0x000106A0,
	0x000106A1, 0x000106A4, 0x000106A5, 0x000306A8,
};
#define N_TIMER 9
#define N_TIMER_419 8

/* Family-6 models with the IA32_PERF_GLOBAL_CTRL load erratum (§1.4 step 17). */
static const uint8_t perf_errata[] = { 0x1A, 0x1E, 0x25, 0x2C, 0x2E };
#define N_ERRATA 5

/* Required/optional sets, 64-bit kernels. */
#define PRIMARY_MIN_NEW 0x21998E8Cu /* + interrupt-window exiting */
#define PRIMARY_OPT_NEW 0xDA621000u
#define PRIMARY_MIN_OLD 0x21998E88u
#define PRIMARY_OPT_OLD 0x90200000u
#define SECONDARY_OPT_71 0xC71FFFFFu  /* with EPT-violation #VE (6.16+) */
#define SECONDARY_OPT_61 0xC71BFFFFu
#define SECONDARY_OPT_510 0x071BFFFFu /* ENCLS conditional in 5.10, unconditional in 5.4 */
#define SECONDARY_OPT_419 0x0213FFFFu
#define PIN_MIN 0x09u
#define PIN_OPT 0xE0u
#define EXIT_MIN 0x8204u
#define ENTRY_MIN_NEW 0x204u
#define ENTRY_MIN_OLD 0x4u

#define FLAGS_NEW (KVM_PF_ENCLS_NEEDS_SGX | KVM_PF_TERTIARY | KVM_PF_PAIRS | KVM_PF_ERROR_ON_INCONSISTENT | \
		   KVM_PF_STORES_MISC)
#define FLAGS_616 (FLAGS_NEW | KVM_PF_EPT_VE_PROVE | KVM_PF_CAP_CLEARS_VE | KVM_PF_ERRATA_INTEL)
#define FLAGS_OLD (KVM_PF_CR8_UNDER_TPR | KVM_PF_OLD_EPT_CAP)

#define NEW_COMMON \
	.primary_min = PRIMARY_MIN_NEW, .primary_opt = PRIMARY_OPT_NEW, .tertiary_opt = VMX_B(TERTIARY, IPI_VIRT), \
	.pin_min = PIN_MIN, .pin_opt = PIN_OPT, .exit_min = EXIT_MIN, .entry_min = ENTRY_MIN_NEW, \
	.pairs = pairs_cet, .broken_timer_sigs = broken_timer, .n_broken_timer_sigs = N_TIMER, \
	.perf_errata_models = perf_errata, .n_perf_errata_models = N_ERRATA
#define OLD_COMMON \
	.primary_min = PRIMARY_MIN_OLD, .primary_opt = PRIMARY_OPT_OLD, .pin_min = PIN_MIN, .pin_opt = PIN_OPT, \
	.exit_min = EXIT_MIN, .entry_min = ENTRY_MIN_OLD, .broken_timer_sigs = broken_timer, \
	.perf_errata_models = perf_errata, .n_perf_errata_models = N_ERRATA

static const struct kvm_policy policies[] = {
	{ .version = "7.1", .source = "v7.1.3", .flags = FLAGS_616, NEW_COMMON, .secondary_opt = SECONDARY_OPT_71,
	  .exit_opt = 0x53FC1000u, .entry_opt = 0x0017E000u, .n_pairs = N_PAIRS_CET },
	{ .version = "7.0", .source = "v7.0.0", .flags = FLAGS_616, NEW_COMMON, .secondary_opt = SECONDARY_OPT_71,
	  .exit_opt = 0x53FC1000u, .entry_opt = 0x0017E000u, .n_pairs = N_PAIRS_CET },
	{ .version = "6.19", .source = "v6.19", .flags = FLAGS_616, NEW_COMMON, .secondary_opt = SECONDARY_OPT_71,
	  .exit_opt = 0x13FC1000u, .entry_opt = 0x0017E000u, .n_pairs = N_PAIRS_CET },
	{ .version = "6.16", .source = "v6.16.1", .flags = FLAGS_616, NEW_COMMON, .secondary_opt = SECONDARY_OPT_71,
	  .exit_opt = 0x03FC1000u, .entry_opt = 0x0007E000u, .n_pairs = N_PAIRS_NO_CET },
	{ .version = "6.6", .source = "v6.6.87", .flags = FLAGS_NEW | KVM_PF_PAIRS_STOP_FIRST, NEW_COMMON,
	  .secondary_opt = SECONDARY_OPT_61, .exit_opt = 0x03FC1000u, .entry_opt = 0x0007E000u,
	  .n_pairs = N_PAIRS_NO_CET },
	{ .version = "6.1", .source = "v6.1.119", .flags = FLAGS_NEW | KVM_PF_PAIRS_STOP_FIRST, NEW_COMMON,
	  .secondary_opt = SECONDARY_OPT_61, .exit_opt = 0x03FC1000u, .entry_opt = 0x0007E000u,
	  .n_pairs = N_PAIRS_NO_CET },
	{ .version = "5.10", .source = "v5.10.89", .flags = FLAGS_OLD | KVM_PF_ENCLS_OPT_IF_SGX | KVM_PF_ERRATA_ANY_VENDOR,
	  OLD_COMMON, .secondary_opt = SECONDARY_OPT_510, .exit_opt = 0x03A81000u, .entry_opt = 0x0007E000u,
	  .n_broken_timer_sigs = N_TIMER },
	{ .version = "5.4", .source = "v5.4.286", .flags = FLAGS_OLD | KVM_PF_ERRATA_ANY_VENDOR, OLD_COMMON,
	  .secondary_opt = SECONDARY_OPT_510, .exit_opt = 0x03A81000u, .entry_opt = 0x0007E000u,
	  .n_broken_timer_sigs = N_TIMER },
	/* 4.19 handles the perf-global-ctrl erratum outside the control words (§2.3). */
	{ .version = "4.19", .source = "v4.19.13", .flags = FLAGS_OLD, OLD_COMMON, .secondary_opt = SECONDARY_OPT_419,
	  .exit_opt = 0x008C0000u, .entry_opt = 0x00014000u, .n_broken_timer_sigs = N_TIMER_419 },
};

size_t kvm_policy_count(void)
{
	return sizeof(policies) / sizeof(policies[0]);
}

const struct kvm_policy *kvm_policy_at(size_t i)
{
	return i < kvm_policy_count() ? &policies[i] : (const struct kvm_policy *)0;
}

const struct kvm_policy *kvm_policy_find(const char *version)
{
	for (size_t i = 0; i < kvm_policy_count(); i++)
		if (vmx_streq(policies[i].version, version))
			return &policies[i];
	return (const struct kvm_policy *)0;
}
