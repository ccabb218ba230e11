/* SPDX-License-Identifier: MIT */
/* Live-source helpers shared by caps, dump and check (src/cli/source_live.c). */
#ifndef VMXCFG_CLI_LIVE_SOURCE_H
#define VMXCFG_CLI_LIVE_SOURCE_H

#include <stdbool.h>
#include <stdio.h>

#include <vmxcfg/kvm.h>

#include "cli/cli.h"
#include "host/cpuinfo.h"
#include "host/live.h"
#include "host/profile.h"

/* Metadata of a live profile: source ("WHAT on host H, kernel K, DATE"), host, kernel, date. */
void cli_live_meta(struct vmx_profile *p, const char *sysroot, const char *what);
/* /proc/cpuinfo (or FILE) as partial snapshots; the kernel release of the sysroot picks the name set. */
int cli_live_cpuinfo(const char *file, const char *sysroot, struct vmx_profile *p, struct vmx_cpuinfo_info *info,
		     struct vmx_diag *d);
/* Every online CPU through the msr/cpuid devices, with metadata. -1: r says why (or *d for other errors). */
int cli_live_read(const char *sysroot, struct vmx_profile *p, struct vmx_live_report *r, struct vmx_diag *d);

/*
 * `vmxcfg kvm` on a partial source (/proc/cpuinfo): what can and cannot be concluded, for one policy or for
 * every policy (pol NULL).  Text or JSON, written to out.  Returns CLI_NO when a required control is known
 * missing; when nothing can be concluded CLI_UNKNOWN (3, "no verdict") with a message on stderr.
 */
int cli_kvm_partial(FILE *out, const struct cli_source *src, const struct kvm_policy *pol, bool json);
/*
 * The same for releases kvm_policy_at(newest) ... kvm_policy_at(oldest) (--kernel all / A..B): consecutive
 * releases with the same answer are reported once, oldest first; JSON keeps "kernels" (one per release, newest
 * first) and adds "groups".  0 when some release is known to load, 1 when every release is known to fail, else 3
 * (CLI_UNKNOWN, message on stderr).
 */
int cli_kvm_partial_span(FILE *out, const struct cli_source *src, size_t newest, size_t oldest, bool json);
/*
 * `vmxcfg kvm` on a multi-CPU source: run the policy on every CPU as kvm_intel's per-CPU check does; when
 * print is set, write a "per-CPU consistency" section (text).  Returns true when every CPU agrees (the module
 * would load as far as this check goes).  eoi = error_on_inconsistent_vmcs_config.
 */
bool cli_kvm_percpu(FILE *out, const struct cli_source *src, const struct kvm_policy *pol, bool eoi, bool print);

#endif
