/* SPDX-License-Identifier: MIT */
/* Options shared by `vmxcfg kvm` and `vmxcfg nested`: --kernel, --param, --tsc-khz ... (cmd_kvm.c). */
#ifndef VMXCFG_CLI_KVM_OPTS_H
#define VMXCFG_CLI_KVM_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <vmxcfg/vmxcfg.h>

#define KVM_OPTS_MAX_PARAMS 64

struct kvm_opts {
	const char *kernel; /* NULL: newest; "all" where allowed */
	int sublevel;       /* stable sublevel of the resolved --kernel (cli_kernel_resolve), -1 unknown */
	size_t n_params;
	struct {
		int id;         /* enum kvm_param */
		int64_t value;
		const char *arg; /* as given, for messages */
	} params[KVM_OPTS_MAX_PARAMS];
	uint64_t tsc_khz;   /* 0: not given */
	bool config_broken;
	bool host_cet;
	bool kernel_32bit; /* --32bit: a 32-bit (i386) kernel */
	bool json;         /* --json (kvm_opts_cmdline only) */
};

void kvm_opts_init(struct kvm_opts *o);
/* If argv[*i] is one of --kernel, --param, --tsc-khz, --config-broken, --guest-cet: consume it, return 1;
 * 0 if not ours; -1 after printing an error. */
int kvm_opts_parse(struct kvm_opts *o, int argc, char **argv, int *i);
struct cli_source;
/* The same for the whole command line of kvm and nested: a source option (cli_source_opt), one of these,
 * --json, or -o FILE when ofile is not NULL. */
int kvm_opts_cmdline(struct kvm_opts *o, struct cli_source *src, int argc, char **argv, int *i, const char **ofile);
/* Usage lines of these options. */
void kvm_opts_usage(FILE *f);
/* Parameters input for policy p; a parameter p lacks is an error (message, -1) unless skip_absent. */
int kvm_opts_input(const struct kvm_opts *o, const struct kvm_policy *p, const struct vmx_snapshot *s,
		   struct kvm_params_input *in, bool skip_absent);
/* One sentence: why parameter id has its value. */
void kvm_param_reason(FILE *f, const struct kvm_post *o, enum kvm_param id);
/* "load failed" sentence for post->status != ok (not EIO details). */
void kvm_post_fail_text(FILE *f, const struct kvm_post *o);
/*
 * --kernel all, A..B, A.. or ..B (A, B release numbers, oldest first, inclusive): 1 with the span as kvm_policy_at()
 * indices (*newest <= *oldest); 0 when arg is a single version (or NULL); -1 after an error message naming
 * --kernel and what was expected (unknown end, A newer than B, "..").
 */
int kvm_kernel_span(const char *arg, size_t *newest, size_t *oldest);
/* "5.12-5.19 (5.13 inferred, 5.17 rc)": releases kvm_policy_at(oldest) ... kvm_policy_at(newest), marking the
 * inferred and release-candidate-only ones; truncated to size. */
void kvm_span_label(char *buf, size_t size, size_t newest, size_t oldest);

#endif
