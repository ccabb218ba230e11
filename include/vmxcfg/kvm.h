/* SPDX-License-Identifier: MIT */
/*
 * KVM's VMX negotiation (kvm_intel setup_vmcs_config) as data plus named
 * rules.  A policy is one kernel version: required/optional masks and the
 * ordered list of steps that version runs.  The engine executes the steps on
 * a snapshot and records every rule that changed something.
 */
#ifndef VMXCFG_KVM_H
#define VMXCFG_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "snapshot.h"

/* The steps/rules of setup_vmcs_config across versions (docs/kernel-versions.md). */
enum kvm_rule {
	KVM_R_ADJUST_PRIMARY = 0,
	KVM_R_CR8_EXITS_UNDER_TPR,   /* <= 5.10: TPR shadow replaces CR8 exits */
	KVM_R_ENCLS_OPT_IF_SGX,      /* 5.10: ENCLS requested only with SGX */
	KVM_R_ADJUST_SECONDARY,
	KVM_R_EPT_VE_NEEDS_PROVE_VE, /* 6.16+: #VE only with CONFIG_KVM_INTEL_PROVE_VE */
	KVM_R_TPR_NEEDS_APIC_ACCESS, /* 32-bit kernels only */
	KVM_R_APICV_NEEDS_TPR,       /* no TPR shadow: no APIC-register virt, x2APIC virt, VID */
	KVM_R_READ_EPT_VPID_CAP,
	KVM_R_EPT_DROPS_CR3_EXITS,   /* <= 5.10: EPT makes CR3/INVLPG exits unnecessary */
	KVM_R_EPT_CAP_WITHOUT_EPT,
	KVM_R_VPID_CAP_WITHOUT_VPID,
	KVM_R_ENCLS_NEEDS_SGX,       /* 6.1+ */
	KVM_R_ADJUST_TERTIARY,
	KVM_R_ADJUST_EXIT,
	KVM_R_ADJUST_PIN,
	KVM_R_BROKEN_PREEMPTION_TIMER,
	KVM_R_POSTED_INTR_NEEDS_VID,
	KVM_R_ADJUST_ENTRY,
	KVM_R_ENTRY_EXIT_PAIRS,
	KVM_R_PERF_GLOBAL_CTRL_ERRATA,
	KVM_R_BASIC_VMCS_SIZE,
	KVM_R_BASIC_32BIT_ADDR,
	KVM_R_BASIC_MEMTYPE,
	KVM_R_COUNT
};

struct kvm_rule_info {
	enum kvm_rule id;
	const char *name;   /* stable id, e.g. "apicv_needs_tpr_shadow" */
	const char *reason; /* one line: why the kernel does this */
	const char *ref;    /* SDM section or erratum ids */
};
/* Name, reason and reference of a rule; NULL when id >= KVM_R_COUNT.  The strings are static. */
const struct kvm_rule_info *kvm_rule_get(enum kvm_rule id);

/* What an event records. */
enum kvm_event_kind {
	KVM_EV_CLEARED = 0, /* a fix-up cleared bits the adjust step had granted */
	KVM_EV_DENIED,      /* optional bits the CPU does not allow (allowed-1 = 0) */
	KVM_EV_FORCED,      /* bits not requested, set because the MSR says must-be-1 */
	KVM_EV_NOT_REQUESTED, /* bits the CPU allows that this version does not ask for (by rule) */
	KVM_EV_MISSING,     /* required bits the CPU does not allow: -EIO */
	KVM_EV_CAP_ZEROED,  /* an EPT/VPID capability word was discarded */
	KVM_EV_INCONSISTENT, /* an inconsistency the kernel warns about (fails if error_on_inconsistent) */
	KVM_EV_FAILED,      /* a BASIC check failed: -EIO */
	KVM_EV_COUNT
};

struct kvm_event {
	uint8_t rule;  /* enum kvm_rule */
	uint8_t kind;  /* enum kvm_event_kind */
	uint8_t cls;   /* enum vmx_class of bits */
	uint8_t cls2;  /* second class (entry/exit pairs: the exit side), else = cls */
	uint64_t bits;
	uint64_t bits2; /* bits in cls2 */
	uint64_t value; /* a value the rule looked at (CPU signature, VMCS size, memory type, ...) */
};

/*
 * Policy flags: which steps and fix-ups a release's setup_vmcs_config runs.  Each flag's first and last
 * release is in the range table of src/core/kvm_policies.c (docs/kernel-versions.md lists them).
 */
#define KVM_PF_64BIT_MASKS_X86_64   0x0001u /* masks below are those of a 64-bit kernel */
#define KVM_PF_CR8_UNDER_TPR        0x0002u /* 4.19-6.0: TPR shadow drops CR8-load/store exiting */
#define KVM_PF_ENCLS_OPT_IF_SGX     0x0004u /* 5.6-6.0: ENCLS exiting requested only with SGX */
#define KVM_PF_EPT_VE_PROVE         0x0008u /* 6.10+: EPT-violation #VE kept only with CONFIG_KVM_INTEL_PROVE_VE */
#define KVM_PF_OLD_EPT_CAP          0x0010u /* 4.19-5.19: a stray EPT/VPID capability word is zeroed, never fails */
#define KVM_PF_CAP_CLEARS_VE        0x0020u /* 6.10+: a bogus EPT cap also clears EPT-violation #VE */
#define KVM_PF_ENCLS_NEEDS_SGX      0x0040u /* 6.1+: ENCLS exiting cleared after the adjust without SGX */
#define KVM_PF_TERTIARY             0x0080u /* 6.0+ */
#define KVM_PF_PAIRS                0x0100u /* 6.0+: VM-entry/VM-exit pair check */
#define KVM_PF_ERRATA_ANY_VENDOR    0x0200u /* 5.0-6.0: perf-global-ctrl erratum, family 6 of any vendor */
#define KVM_PF_ERRATA_INTEL         0x0400u /* 6.12+: the same erratum, Intel only */
#define KVM_PF_ERROR_ON_INCONSISTENT 0x0800u /* 6.0+: the module parameter exists */
#define KVM_PF_STORES_MISC          0x1000u /* 6.1+: vmcs_config keeps IA32_VMX_MISC */
#define KVM_PF_PAIRS_STOP_FIRST     0x2000u /* 6.0-6.14: stop at the first bad pair */
#define KVM_PF_EPT_DROPS_CR3        0x4000u /* 4.19-6.0: EPT drops CR3-load/store and INVLPG exiting */

/* Release numbers as one integer: KVM_REL(5, 15) == 515. */
#define KVM_REL(major, minor) ((unsigned)(major) * 100u + (unsigned)(minor))
#define KVM_REL_MAJOR(rel) ((unsigned)(rel) / 100u)
#define KVM_REL_MINOR(rel) ((unsigned)(rel) % 100u)

/* How well a release is known. */
#define KVM_RELF_INFERRED 0x1u /* no source tree of the release was read: behaviour inferred from its neighbours */
#define KVM_RELF_RC_ONLY  0x2u /* only a release candidate was read (final assumed identical) */
#define KVM_RELF_POST_CHECKED 0x4u /* module parameters and nested MSRs compared with the real code */

struct kvm_policy;

/* A VM-entry/VM-exit pair the kernel checks, in releases first..last (KVM_REL numbers). */
struct kvm_pair {
	uint32_t entry; /* entry control bit mask */
	uint32_t exit;  /* exit control bit mask */
	uint16_t first, last;
};
/* Does release `rel` (KVM_REL number) check the pair? */
bool kvm_pair_active(const struct kvm_pair *pr, unsigned rel);

/* An entry of an erratum list (CPU signature or model number), in releases first..last. */
struct kvm_listed {
	uint32_t value;
	uint16_t first, last;
	const char *note; /* the erratum ids and parts of this entry, e.g. "AAU65 K0 (Core i5-600/i3-500)" */
};
/* Is the entry on release `rel`'s list? */
bool kvm_listed_active(const struct kvm_listed *l, unsigned rel);

/*
 * A change of a later mainline release carried by a stable series: in series `rel`, sublevels <= `without`
 * were read without it, sublevels >= `with` with it.  `flag` is a KVM_PV_* flag (params.h).
 */
struct kvm_backport {
	uint32_t flag;
	uint16_t rel;
	uint16_t without, with;
};
/* The backports read, in no particular order: how many, and the i-th (NULL when i >= the count). */
size_t kvm_backport_count(void);
const struct kvm_backport *kvm_backport_at(size_t i);
/*
 * The KVM_PV_* flags of release p at stable sublevel `sublevel` (-1: unknown, which answers with the newest
 * checked stable release).  *uncertain (if non-NULL) gets the backported flags assumed present although the
 * sublevel is not known to carry them (unknown, or between the last release read without and the first with).
 */
uint32_t kvm_post_flags_at(const struct kvm_policy *p, int sublevel, uint32_t *uncertain);

/* One mainline release.  Built from the range tables of src/core/kvm_policies.c. */
struct kvm_policy {
	const char *version; /* "7.1" */
	const char *source;  /* the tree the facts were read from, e.g. "v7.1.3"; "" when inferred */
	uint16_t rel;        /* KVM_REL(7, 1) */
	uint16_t rel_flags;  /* KVM_RELF_* */
	uint32_t flags;      /* KVM_PF_*: setup_vmcs_config */
	uint32_t post_flags; /* KVM_PV_* (params.h): hardware_setup and the nested MSRs, mainline release */
	uint32_t primary_min, primary_opt;
	uint32_t secondary_opt;
	uint64_t tertiary_opt;
	uint32_t pin_min, pin_opt;
	uint32_t exit_min, exit_opt;
	uint32_t entry_min, entry_opt;
	const struct kvm_pair *pairs;       /* entries outside this release's range are skipped */
	size_t n_pairs;
	const struct kvm_listed *broken_timer_sigs; /* CPUID.1:EAX values, reserved bits cleared */
	size_t n_broken_timer_sigs;
	const struct kvm_listed *perf_errata_models; /* family 6 model numbers */
	size_t n_perf_errata_models;
};

/* Known releases (every mainline release 4.19 ... 7.1), newest first. */
size_t kvm_policy_count(void);
const struct kvm_policy *kvm_policy_at(size_t i);
/* By exact version string ("7.1", "5.10"); NULL if unknown.  User input goes through kvm_release_resolve(). */
const struct kvm_policy *kvm_policy_find(const char *version);
/* By release number (KVM_REL(5, 15)); NULL if not modelled. */
const struct kvm_policy *kvm_policy_by_rel(unsigned rel);
/* Do two releases run setup_vmcs_config to the same outcome on every CPU (same masks, steps and lists)? */
bool kvm_policy_same_setup(const struct kvm_policy *a, const struct kvm_policy *b);

struct kvm_input {
	const struct vmx_snapshot *snap;
	bool error_on_inconsistent_vmcs_config; /* module parameter; default true; ignored before 6.1 */
	bool kernel_32bit;                      /* a 32-bit kernel (default false: x86_64) */
	bool prove_ve;                          /* CONFIG_KVM_INTEL_PROVE_VE (default false) */
};
/* Defaults as a freshly loaded kvm_intel on x86_64 sees them. */
void kvm_input_init(struct kvm_input *in, const struct vmx_snapshot *snap);

/* The part of struct vmcs_config the function fills (SDM 25.6-25.8). */
struct vmcs_config {
	uint64_t basic;
	uint32_t pin, primary, secondary;
	uint64_t tertiary;
	uint32_t exit, entry;
	uint64_t misc;
};

enum kvm_status { KVM_STATUS_OK = 0, KVM_STATUS_EIO = 1 };

/* What happens before setup_vmcs_config (docs/kernel-versions.md). */
enum kvm_precheck {
	KVM_PRE_OK = 0,
	KVM_PRE_NO_VMX,       /* CPUID.1:ECX.VMX clear */
	KVM_PRE_FW_DISABLED,  /* IA32_FEATURE_CONTROL locked without VMX outside SMX */
	KVM_PRE_UNKNOWN,      /* IA32_FEATURE_CONTROL not in the snapshot */
};

#define KVM_MAX_EVENTS 48

struct kvm_result {
	const struct kvm_policy *policy;
	enum kvm_status status;
	enum kvm_precheck precheck;
	struct vmcs_config cfg; /* all zero on EIO */
	uint32_t ept, vpid;     /* struct vmx_capability after the fix-ups */
	int fail_event;         /* index of the event that failed, -1 if ok */
	size_t n_events;
	bool events_truncated;
	struct kvm_event events[KVM_MAX_EVENTS];
};

/* Is the CPU on release p's broken-preemption-timer list / a perf-global-ctrl erratum model (family 6)? */
bool kvm_broken_timer_cpu(const struct kvm_policy *p, const struct vmx_snapshot *s);
bool kvm_perf_erratum_model(const struct kvm_policy *p, uint32_t model);
/* The list entry that matched (value = CPUID.1:EAX signature / family-6 model), or NULL. */
const struct kvm_listed *kvm_broken_timer_entry(const struct kvm_policy *p, uint32_t signature);
const struct kvm_listed *kvm_perf_erratum_entry(const struct kvm_policy *p, uint32_t model);

/*
 * The reference of one event: for the erratum rules the ids of the list entry that matched this CPU (not the
 * whole list), else the rule's reference.  Static string.
 */
const char *kvm_event_ref(const struct kvm_policy *p, const struct kvm_event *e);

/* The kernel's precheck (feat_ctl / kvm_is_vmx_supported) on a snapshot. */
enum kvm_precheck kvm_precheck(const struct vmx_snapshot *s);

/*
 * Run a policy.  Always fills *r (status, precheck verdict, events).
 * Returns VMX_OK, or VMX_ERR_INVALID for NULL arguments.
 */
int kvm_setup_vmcs_config(const struct kvm_policy *p, const struct kvm_input *in, struct kvm_result *r);

/*
 * The adjust primitives (SDM A.3).
 * vmx_adjust32: ctl = (min | opt) & allowed1, then |= allowed0; *out = ctl.
 * Returns the required bits that are missing (min & ~ctl); 0 means success.
 */
uint32_t vmx_adjust32(uint32_t min, uint32_t opt, uint64_t cap_msr, uint32_t *out);
/* vmx_adjust64: opt & allowed-1 (64-bit capability MSRs with no allowed-0 half: tertiary). */
uint64_t vmx_adjust64(uint64_t opt, uint64_t cap_msr);

#endif
