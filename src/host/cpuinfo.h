/* SPDX-License-Identifier: MIT */
/*
 * /proc/cpuinfo "vmx flags" (Linux 5.6 and later) into partial snapshots.
 *
 * The kernel prints the allowed-1 halves of the legacy capability MSRs, only for the bits it names
 * (Linux's vmx feature-name table; docs/import.md).  Each processor block becomes one partial snapshot
 * (VMX_SNAP_PARTIAL): every MSR slot is present, known[] holds the bits the line determines, everything else
 * is unknown.  A name printed by no kernel is an error; a name of a newer kernel than the line seems to come
 * from widens the name set.
 *
 * Pasted text is read as the file it came from: vmx_paste_clean (host/import.h) removes quote marks, prompt
 * lines, CRs and trailing blanks first, keys may be indented, and a hard-wrapped "flags", "vmx flags" or
 * "bugs" value continues on the lines below it (lines without "key :" made of flag-name characters).  A
 * word broken by the wrap is rejoined only when the pieces form a name and one alone is none; the join is
 * remarked in info->warning.  See docs/import.md, "Pasted text".
 */
#ifndef VMXCFG_HOST_CPUINFO_H
#define VMXCFG_HOST_CPUINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <vmxcfg/kvm.h>

#include "host/profile.h"

/* The name sets of the kernels: a flag absent from the line is known 0 only if the kernel can print it. */
enum vmx_cpuinfo_names {
	VMX_CPUINFO_NAMES_5_10 = 0, /* 5.6 .. 6.0: 25 names */
	VMX_CPUINFO_NAMES_6_1,      /* 6.1 .. 6.15: + notify_vm_exiting, ipi_virt */
	VMX_CPUINFO_NAMES_6_16,     /* 6.16 and later (7.x): + ept_5level, ept_violation_ve */
};

/* Why a cpuinfo without "vmx flags" has none (used by the parser's error and by `vmxcfg check`). */
enum vmx_cpuinfo_novmx {
	VMX_CPUINFO_HAS_VMX_FLAGS = 0,
	VMX_CPUINFO_NOT_INTEL,       /* vendor has no VMX (AuthenticAMD, HygonGenuine, ...) */
	VMX_CPUINFO_NO_VMX_FLAG,     /* Intel, no "vmx" in flags: disabled by firmware, or a VM without nested VMX */
	VMX_CPUINFO_OLD_KERNEL,      /* "vmx" in flags, no "vmx flags" line: kernel older than 5.6 */
};

struct vmx_cpuinfo_info {
	enum vmx_cpuinfo_names names; /* name set used to decide what an absent flag means */
	bool names_from_release;      /* from the kernel release given (otherwise inferred from the names seen) */
	size_t n_blocks;              /* processor blocks */
	char vendor[16];              /* vendor_id of the first block */
	char model_name[128];
	bool hypervisor;              /* "hypervisor" in flags: a virtual machine */
	int hypervisor_line;          /* the line of flags that holds it */
	char warning[512];            /* non-fatal remarks, "; "-separated (synthetic flags that contradict the
				       * others, a name a hard wrap broke in two and that was read whole) */
	int novmx;                    /* enum vmx_cpuinfo_novmx: filled on success and on the no-"vmx flags" error */
	bool vmx_flag;                /* "vmx" in the flags line of the first block */
	char release[128];            /* kernel release given, if any */
};

/* The name set a kernel release ("6.1.0-18-amd64") prints; -1 if the release cannot be parsed. */
int vmx_cpuinfo_names_for_release(const char *release);
const char *vmx_cpuinfo_names_label(enum vmx_cpuinfo_names n);

/*
 * Parse cpuinfo text.  kernel_release may be NULL (name set inferred from the flags seen).  On success *p
 * holds one partial snapshot per processor block (ids = processor numbers) with metadata name/source.
 * Errors (return -1, *d = file, line, what was expected): no processor blocks; no "vmx flags" line (with
 * the likely reason: vendor without VMX, VMX disabled by firmware, or a kernel older than 5.6); an unknown
 * flag name (at the line of the word, also in a continuation line); a duplicated flag.
 */
int vmx_cpuinfo_parse(const char *text, size_t len, const char *fname, const char *kernel_release,
		      struct vmx_profile *p, struct vmx_cpuinfo_info *info, struct vmx_diag *d);
int vmx_cpuinfo_load(const char *path, const char *kernel_release, struct vmx_profile *p,
		     struct vmx_cpuinfo_info *info, struct vmx_diag *d);



/* --- what `vmxcfg kvm` can conclude on a partial snapshot ------------------------------------------ */
struct vmx_partial_kvm_class {
	int cls;              /* enum vmx_class */
	uint64_t req_missing; /* required bits known not allowed: -EIO is certain */
	uint64_t req_unknown; /* required bits not known */
	uint64_t opt_allowed; /* optional bits known allowed (kvm_intel uses them if it loads, fix-ups aside) */
	uint64_t opt_denied;  /* optional bits known not allowed */
	uint64_t opt_unknown; /* optional bits not known */
};

struct vmx_partial_kvm {
	const struct kvm_policy *policy;
	bool fails;           /* certain: a required control is known not allowed */
	bool decided;         /* every required bit is known allowed (never the case from /proc/cpuinfo) */
	size_t n;
	struct vmx_partial_kvm_class c[6]; /* primary, secondary, tertiary, pin, exit, entry */
};

/*
 * Split what a policy requests (required | optional, x86_64 masks) by what a partial snapshot knows.  Only the
 * capability side is judged: the fix-up rules (kvm-setup.md §1.4) are not applied, so "opt_allowed" is what the
 * CPU offers of what the kernel asks, not the final vmcs_config.
 */
void vmx_partial_kvm(const struct kvm_policy *pol, const struct vmx_snapshot *s, struct vmx_partial_kvm *r);

#endif
