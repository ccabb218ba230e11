/* SPDX-License-Identifier: MIT */
/*
 * kvm_intel module parameters after load: what hardware_setup() leaves in
 * each parameter, for a kernel version, a CPU snapshot and the values the
 * user passed to modprobe (docs/kernel-versions.md).
 *
 * Usage:
 *   struct kvm_params_input in;
 *   kvm_params_input_init(&in, policy, &snapshot);        defaults of that version
 *   kvm_params_set(&in, policy, KVM_P_EPT, 0);            like "modprobe kvm_intel ept=0"
 *   struct kvm_post post;
 *   kvm_post_setup(policy, &in, &post);                   setup_vmcs_config + hardware_setup
 *   post.status, post.p[KVM_P_EPT].value, post.p[KVM_P_EPT].reason ...
 *
 * Freestanding; no allocation.  struct kvm_post is large (it holds the
 * setup_vmcs_config result with its events): keep it static or on the heap.
 */
#ifndef VMXCFG_PARAMS_H
#define VMXCFG_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bits.h"
#include "kvm.h"
#include "snapshot.h"

/* The parameters, in the order JSON output lists them. */
enum kvm_param {
	KVM_P_VPID = 0,
	KVM_P_EPT,
	KVM_P_EPTAD,
	KVM_P_UNRESTRICTED_GUEST,
	KVM_P_FLEXPRIORITY,
	KVM_P_VNMI,
	KVM_P_ENABLE_APICV,
	KVM_P_ENABLE_IPIV,
	KVM_P_PML,
	KVM_P_PREEMPTION_TIMER,
	KVM_P_PLE_GAP,
	KVM_P_PLE_WINDOW,
	KVM_P_PT_MODE,
	KVM_P_SGX,
	KVM_P_NESTED,
	KVM_P_ENABLE_SHADOW_VMCS,
	KVM_P_CET,
	KVM_P_ERROR_ON_INCONSISTENT,
	KVM_P_ENABLE_PMU, /* kvm.ko, not kvm_intel: an input of pt_mode */
	KVM_P_ALLOW_SMALLER_MAXPHYADDR,
	KVM_P_DUMP_INVALID_VMCS,
	KVM_P_NESTED_EARLY_CHECK,
	KVM_P_WARN_ON_MISSED_CC,
	KVM_P_ENABLE_DEVICE_POSTED_IRQS,
	KVM_P_TDX,
	KVM_P_ENABLE_MEDIATED_PMU,
	KVM_P_COUNT
};

enum kvm_param_type { KVM_PT_BOOL = 0, KVM_PT_INT, KVM_PT_UINT };

struct kvm_param_info {
	enum kvm_param id;
	const char *name;   /* sysfs / modprobe name */
	const char *module; /* "kvm_intel" or "kvm" */
	enum kvm_param_type type;
	const char *desc;   /* one line */
	uint32_t exists;    /* the KVM_PV_* flag of the releases that have it; 0: every release */
};

/* Description of a module parameter; NULL when id >= KVM_P_COUNT. */
const struct kvm_param_info *kvm_param_get(enum kvm_param id);
/* Parameter by name (len bytes of name, need not be NUL-terminated); -1 if unknown. */
int kvm_param_by_name(const char *name, size_t len);
/*
 * Does kernel version p have the parameter?  If not, *why (if non-NULL) gets a static sentence; the releases
 * that have it come from kvm_param_releases().
 */
bool kvm_param_present(const struct kvm_policy *p, enum kvm_param id, const char **why);
/* First and last modelled release (KVM_REL numbers) that have the parameter; false if none has it. */
bool kvm_param_releases(enum kvm_param id, unsigned *first, unsigned *last);
/* The default of the parameter in that version (nested: 0 in 4.19, 1 later). */
int64_t kvm_param_default(const struct kvm_policy *p, enum kvm_param id);
/*
 * Parse a value as the kernel does: booleans like kstrtobool (1/y/Y/on/0/n/N/off ...),
 * integers in decimal, 0x-hex or 0-octal with an optional sign (int) .
 * Returns VMX_OK or VMX_ERR_INVALID.
 */
int kvm_param_parse(enum kvm_param id, const char *s, size_t len, int64_t *out);

/* TSC frequency assumed when none is given (the golden data's fixed input). */
#define KVM_DEFAULT_TSC_KHZ 3000000u

struct kvm_params_input {
	const struct vmx_snapshot *snap;
	int64_t value[KVM_P_COUNT]; /* requested values (defaults, or what the user passed) */
	uint32_t given;             /* bit per parameter the user passed */
	uint64_t tsc_khz;           /* 0 = unknown: KVM_DEFAULT_TSC_KHZ is assumed */
	bool config_broken;         /* kernel built with CONFIG_BROKEN: pt_mode is settable (6.1+) */
	bool host_cet;              /* the host kernel offers SHSTK/IBT to guests (kvm_cpu_caps before vmx_set_cpu_caps) */
	bool kernel_32bit;          /* default false: x86_64 */
	bool prove_ve;              /* CONFIG_KVM_INTEL_PROVE_VE */
	int sublevel;               /* stable sublevel (6.6.87 -> 87) for backports; -1 unknown: newest checked */
};

/* Defaults of version p (all parameters at their default, TSC unknown, x86_64, no CET for guests). */
void kvm_params_input_init(struct kvm_params_input *in, const struct kvm_policy *p, const struct vmx_snapshot *s);
/*
 * Set a parameter as given on the modprobe command line.  Returns VMX_OK, or VMX_ERR_INVALID when the
 * version lacks it (or, on 6.1+, pt_mode without config_broken: set config_broken first).
 */
int kvm_params_set(struct kvm_params_input *in, const struct kvm_policy *p, enum kvm_param id, int64_t v);

enum kvm_post_status {
	KVM_POST_OK = 0,
	KVM_POST_EIO,        /* setup_vmcs_config failed */
	KVM_POST_EOPNOTSUPP, /* 5.14+: EPT ends up off and the CPU has no NX */
	KVM_POST_EINVAL,     /* pt_mode is neither 0 nor 1 */
};

/* Why a parameter has its value. */
enum kvm_param_why {
	KVM_WHY_DEFAULT = 0,  /* default value, nothing forced it */
	KVM_WHY_GIVEN,        /* as the user passed it, nothing forced it */
	KVM_WHY_USER_OFF,     /* the user turned it off */
	KVM_WHY_CPU,          /* forced off: the CPU (vmcs_config / capability MSRs) lacks something: see lack[] */
	KVM_WHY_DEPENDS,      /* forced off: another parameter it needs is off: see dep */
	KVM_WHY_TIMER_RATE,   /* preemption timer: TSC too fast for the timer rate */
	KVM_WHY_NOT_EVALUATED, /* not evaluated: load failed earlier, or nested=0 for enable_shadow_vmcs */
	KVM_WHY_ABSENT,       /* the version does not have this parameter */
	KVM_WHY_NOT_SETTABLE, /* pt_mode without CONFIG_BROKEN (6.1+): fixed at 0 */
	KVM_WHY_KERNEL_SET,   /* set by the kernel itself (allow_smaller_maxphyaddr when ept is off): see note */
	KVM_WHY_HOST,         /* decided by the host beyond the VMX capabilities (IOMMU, TDX module, perf): see note */
	KVM_WHY_NO_RULE,      /* this release keeps the requested value whatever the CPU: see note */
	KVM_WHY_ERRATUM,      /* forced off: the CPU is on an erratum list (note: the matching entry) */
	KVM_WHY_COUNT
};

#define KVM_PARAM_MAX_LACK 4

struct kvm_param_lack {
	uint8_t cls;   /* enum vmx_class */
	bool any_of;   /* the CPU needs one of these bits (and has none), else all of them (and lacks these) */
	uint64_t bits; /* bits of that class (capability MSR bit numbers for EPT_VPID, BASIC, MISC) */
};

struct kvm_param_value {
	bool present;     /* the version has it */
	bool given;       /* the user passed it */
	int64_t requested; /* default or given value */
	int64_t value;    /* effective value after hardware_setup */
	enum kvm_param_why why;
	const char *needs;  /* what the kernel requires to keep it on (static sentence), or NULL */
	const char *note;   /* extra static sentence for `why` (absent / not settable / not evaluated), or NULL */
	int dep;          /* KVM_WHY_DEPENDS: the parameter that is off (enum kvm_param), else -1 */
	size_t n_lack;    /* KVM_WHY_CPU: what the CPU lacks */
	struct kvm_param_lack lack[KVM_PARAM_MAX_LACK];
};

struct kvm_post {
	const struct kvm_policy *policy;
	uint32_t flags;           /* KVM_PV_* used (the policy's, adjusted for the stable sublevel) */
	uint32_t flags_uncertain; /* backported flags assumed without knowing the sublevel carries them */
	enum kvm_post_status status;
	const char *failed_in;   /* "vmx_init" / "hardware_setup" when status != OK, else NULL */
	const char *fail_reason; /* sentence for EOPNOTSUPP / EINVAL (EIO: see setup) */
	struct kvm_result setup; /* setup_vmcs_config */
	struct kvm_param_value p[KVM_P_COUNT];
	/* Preemption-timer limit (§6): on iff (tsc_khz * 1000) >> rate <= 0xffffffff / 10. */
	uint64_t tsc_khz;         /* used value */
	bool tsc_assumed;         /* tsc_khz was not given: KVM_DEFAULT_TSC_KHZ */
	unsigned timer_rate;      /* IA32_VMX_MISC[4:0] */
	uint64_t timer_max_tsc_khz; /* the largest TSC (kHz) at which the timer stays on */
	bool timer_tsc_matters;   /* pin timer available and the limit is below 10 GHz */
	bool has_nx;              /* CPUID 0x80000001:EDX[20] */
	/* Guest CET (kvm_cpu_caps SHSTK/IBT after vmx_set_cpu_caps; 6.19+), decides LOAD_CET for L1. */
	bool guest_cet;
};

/*
 * Run setup_vmcs_config and the parameter logic of hardware_setup for version p.
 * Always fills *out.  Returns VMX_OK or VMX_ERR_INVALID (NULL arguments).
 */
int kvm_post_setup(const struct kvm_policy *p, const struct kvm_params_input *in, struct kvm_post *out);

/*
 * What differs between releases after setup_vmcs_config (hardware_setup and the nested MSRs), as flags.  Their
 * first and last releases are in src/core/kvm_policies.c (POST_FLAGS); kvm_post_flags() gives a policy's
 * mainline flags, kvm_post_flags_at() (kvm.h) those of a stable sublevel.
 */
#define KVM_PV_IPIV            0x00000001u /* enable_ipiv exists (6.0+) */
#define KVM_PV_SGX             0x00000002u /* sgx exists (5.13+, CONFIG_X86_SGX_KVM assumed) */
#define KVM_PV_CET             0x00000004u /* cet exists (7.1+) */
#define KVM_PV_PMU             0x00000008u /* kvm.enable_pmu exists (5.17+) */
#define KVM_PV_PT_MODE         0x00000010u /* pt_mode exists (5.0+) */
#define KVM_PV_PT_BROKEN       0x00000020u /* pt_mode settable only with CONFIG_BROKEN (6.12+, stable backports) */
#define KVM_PV_PT_OLD          0x00000040u /* PT check also needs exit CLEAR_RTIT_CTL (5.0-5.19) */
#define KVM_PV_NX_CHECK        0x00000080u /* ept off needs NX, else -EOPNOTSUPP (5.14+) */
#define KVM_PV_VNMI_NMI_WINDOW 0x00000100u /* vnmi also needs NMI-window exiting (6.1+) */
#define KVM_PV_NESTED_OFF      0x00000200u /* nested defaults to 0 (4.19) */
#define KVM_PV_SETUP_IN_INIT   0x00000400u /* setup_vmcs_config runs in vmx_init (6.18+) */
#define KVM_PV_NESTED_OLD      0x00000800u /* nested MSRs from the raw MSRs and host MISC (<= 6.0) */
#define KVM_PV_NESTED_SIPI     0x00001000u /* wait-for-SIPI offered to L1 */
#define KVM_PV_NESTED_ERRCODE  0x00002000u /* BASIC bit 56 passed to L1 (6.18+) */
#define KVM_PV_VMCS_ENUM_TSC   0x00004000u /* VMCS_ENUM 0x32 only with TSC scaling, else 0x2e (7.0+) */
#define KVM_PV_VMCS_ENUM_32    0x00008000u /* VMCS_ENUM always 0x32; neither flag: 0x2e */
#define KVM_PV_GUEST_CET       0x00010000u /* CET state controls exist for guests and L1 (6.18+) */
#define KVM_PV_SGX_RULE        0x00020000u /* sgx forced off without ENCLS exiting (6.1+, stable backports) */
#define KVM_PV_PT_PMU          0x00040000u /* pt_mode needs kvm.enable_pmu (6.0+) */
#define KVM_PV_TIMER_RULE      0x00080000u /* preemption_timer forced off without the pin bit / too fast a TSC (5.3+) */
#define KVM_PV_SHADOW_ALWAYS   0x00100000u /* enable_shadow_vmcs ruled even with nested=0 (4.19-4.20) */
#define KVM_PV_SMALLER_MAXPHYADDR 0x00200000u /* allow_smaller_maxphyaddr exists, 1 when ept ends up 0 (5.9+) */
#define KVM_PV_DUMP_INVALID    0x00400000u /* dump_invalid_vmcs exists (5.1+) */
#define KVM_PV_EARLY_CHECK     0x00800000u /* nested_early_check exists (4.20-6.18) */
#define KVM_PV_MISSED_CC       0x01000000u /* warn_on_missed_cc exists (6.19+) */
#define KVM_PV_DEV_POSTED      0x02000000u /* enable_device_posted_irqs exists (6.16+) */
#define KVM_PV_TDX             0x04000000u /* tdx exists (6.16+) */
#define KVM_PV_MEDIATED_PMU    0x08000000u /* enable_mediated_pmu exists (7.0+) */
#define KVM_PV_EOIVC           0x10000000u /* error_on_inconsistent_vmcs_config exists (6.0+) */
#define KVM_PV_NESTED_SEC_EXTRA 0x20000000u /* L1 gets TSC scaling, user wait/pause, ENCLS, CR4.UMIP (5.13+) */
#define KVM_PV_ALL             0x00000000u /* (for kvm_param_info.exists) every release */
uint32_t kvm_post_flags(const struct kvm_policy *p);

/* Status name: "ok", "eio", "eopnotsupp", "einval". */
const char *kvm_post_status_name(enum kvm_post_status s);

/* Is the VMX-preemption timer usable at this TSC (kHz) and timer rate? */
bool kvm_timer_usable(uint64_t tsc_khz, unsigned rate);

#endif
