/* SPDX-License-Identifier: MIT */
/* Helpers shared by diff, baseline and group (implemented in cmd_diff.c). */
#ifndef VMXCFG_CLI_HOSTS_H
#define VMXCFG_CLI_HOSTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <vmxcfg/kvm.h>

#include "cli/cli.h"
#include "host/stream.h"

/* A host argument: "-" = this machine, an existing file (or a path with '/') = profile, else an embedded name. */
int cli_host_load(const char *arg, struct cli_source *src);
/* Does kvm_intel load (precheck passes or is unknown, and setup_vmcs_config succeeds)? */
bool cli_kvm_loads(const struct kvm_result *r);
/* The negotiated words: pin, primary, secondary, tertiary, exit, entry, ept, vpid<<32. */
void cli_kvm_words(const struct kvm_result *r, uint64_t w[8]);
/* Per word, bits only in a and only in b (text lines with indent, or one JSON object). */
void cli_kvm_word_diff(FILE *out, const struct kvm_result *a, const struct kvm_result *b, bool json,
		       const char *indent);
/*
 * KVM's nested (L1) MSRs for a host at stable sublevel `sublevel` (-1 unknown: the newest read,
 * cli_kernel_resolve).  True when KVM offers L1 VMX; false when there is no L1 offer (kvm_intel would not load:
 * no VMX, firmware disabled, -EIO; or nested=0): *l1 then holds only CPUID and *why (when why is not NULL) says
 * why in one sentence.  An unknown firmware state is assumed enabled (CLI_FW_ASSUMED).
 */
bool cli_nested_snapshot(const struct kvm_policy *p, int sublevel, const struct vmx_snapshot *s,
			 struct vmx_snapshot *l1, const char **why);

/*
 * Every profile of every argument: "-" = a stream on stdin, a file = a stream of profiles, else an embedded
 * profile name.  fn returns 0 to go on, nonzero to stop with that code.  Returns CLI_OK or CLI_BAD (message
 * printed).
 */
typedef int (*cli_host_fn)(void *ctx, const struct vmx_stream_item *it);
int cli_hosts_foreach(int n, char **args, cli_host_fn fn, void *ctx, size_t *count);

#endif
