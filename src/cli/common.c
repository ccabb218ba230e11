/* SPDX-License-Identifier: MIT */
/* Shared CLI helpers: errors, source options (profile, embedded CPU, live). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "host/import.h"

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("vmxcfg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_BAD;
}

int cli_diag(const struct vmx_diag *d)
{
	if (d->line > 0)
		return cli_error("%s:%d: %s", d->file, d->line, d->msg);
	if (d->file[0])
		return cli_error("%s: %s", d->file, d->msg);
	return cli_error("%s", d->msg);
}

bool cli_is(const char *arg, const char *name)
{
	return strcmp(arg, name) == 0;
}

const char *cli_value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) == 0 && a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc) {
		cli_error("option %s needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

void *cli_calloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		cli_error("out of memory");
	return p;
}

bool cli_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return strncmp(arg, name, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

bool cli_is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] != 0;
}

int cli_common_opt(const char *cmd, const char *arg, void (*usage)(FILE *), FILE *out)
{
	if (cli_is(arg, "--help") || cli_is(arg, "-h")) {
		usage(out);
		return CLI_OK;
	}
	cli_error("%s: unknown option '%s'", cmd, arg);
	usage(stderr);
	return CLI_BAD;
}

int cli_shared_opt(int argc, char **argv, int *i, bool *json, const char **kernel, const char **output)
{
	const char *a = argv[*i];
	const char **val;
	if (json && cli_is(a, "--json")) {
		*json = true;
		return 1;
	}
	if (kernel && cli_opt(a, "--kernel"))
		val = kernel;
	else if (output && (cli_is(a, "-o") || cli_opt(a, "--output")))
		val = output;
	else
		return 0;
	*val = cli_value(argc, argv, i, val == kernel ? "--kernel" : cli_is(a, "-o") ? "-o" : "--output");
	return *val ? 1 : -1;
}

const struct kvm_policy *cli_kernel_policy(const char *kernel)
{
	const struct kvm_policy *pol = kernel ? kvm_policy_find(kernel) : kvm_policy_at(0);
	if (!pol) {
		char list[200] = "";
		size_t off = 0;
		for (size_t i = 0; i < kvm_policy_count() && off < sizeof(list); i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, " %s", kvm_policy_at(i)->version);
		cli_error("--kernel %s: unknown kernel version: expected one of%s", kernel, list);
	}
	return pol;
}

int cli_source_load_msrs(struct cli_source *s)
{
	int rc = cli_source_load(s, CLI_SRC_PROFILE);
	if (rc != CLI_OK)
		return rc;
	if (s->prof.cpus[0].snap.flags & VMX_SNAP_PARTIAL)
		return cli_error("%s: only part of the VMX capabilities is known (/proc/cpuinfo): read the MSRs (root, "
				 "'modprobe msr', --live) or give a profile",
				 s->label);
	return cli_validate_for_negotiation(s);
}

void cli_source_init(struct cli_source *s)
{
	memset(s, 0, sizeof(*s));
	vmx_profile_init(&s->prof);
	const char *sr = getenv("VMXCFG_SYSROOT");
	s->sysroot = sr && *sr ? sr : NULL;
}

void cli_source_free(struct cli_source *s)
{
	vmx_profile_free(&s->prof);
}

static int set_kind(struct cli_source *s, enum cli_source_kind k, const char *opt)
{
	if (s->kind != CLI_SRC_NONE) {
		cli_error("option %s conflicts with an earlier source option: give one of --profile, --cpu, --live, "
			  "--cpuinfo",
			  opt);
		return -1;
	}
	s->kind = k;
	return 0;
}

int cli_source_opt(struct cli_source *s, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	if (cli_opt(a, "--profile") || cli_opt(a, "--cpu")) {
		bool prof = cli_opt(a, "--profile");
		const char *name = prof ? "--profile" : "--cpu";
		if (set_kind(s, prof ? CLI_SRC_PROFILE : CLI_SRC_CPU, name))
			return -1;
		s->arg = cli_value(argc, argv, i, name);
		return s->arg ? 1 : -1;
	}
	if (cli_is(a, "--live"))
		return set_kind(s, CLI_SRC_LIVE, a) ? -1 : 1;
	if (cli_opt(a, "--cpuinfo")) {
		if (set_kind(s, CLI_SRC_CPUINFO, "--cpuinfo"))
			return -1;
		if (a[9] == '=')
			s->arg = a + 10;
		else if (*i + 1 < argc && argv[*i + 1][0] != '-')
			s->arg = argv[++*i];
		return 1;
	}
	if (cli_opt(a, "--sysroot")) {
		s->sysroot = cli_value(argc, argv, i, "--sysroot");
		return s->sysroot ? 1 : -1;
	}
	return 0;
}

static int load_embedded(struct cli_source *s)
{
	const struct vmx_embedded_profile *e = vmx_embedded_find(s->arg);
	if (!e) {
		/* Accept a unique prefix or substring, as people type "6700k". */
		const struct vmx_embedded_profile *hit = NULL;
		int n = 0;
		for (size_t k = 0; k < vmx_embedded_count(); k++) {
			if (strstr(vmx_embedded_at(k)->name, s->arg)) {
				hit = vmx_embedded_at(k);
				n++;
			}
		}
		if (n == 1)
			e = hit;
		else if (n > 1)
			return cli_error("--cpu %s: ambiguous, %d embedded profiles match (see 'vmxcfg profiles')", s->arg,
					 n);
	}
	if (!e)
		return cli_error("--cpu %s: unknown CPU name: expected one of the embedded profiles listed by "
				 "'vmxcfg profiles'",
				 s->arg);
	struct vmx_diag d;
	char fname[300];
	snprintf(fname, sizeof(fname), "<embedded>/%s.profile", e->name);
	if (vmx_profile_parse(e->text, e->len, fname, &s->prof, &d))
		return cli_diag(&d);
	snprintf(s->label, sizeof(s->label), "%s", e->name);
	return CLI_OK;
}

int cli_source_load(struct cli_source *s, enum cli_source_kind def)
{
	if (s->kind == CLI_SRC_NONE)
		s->kind = def;
	switch (s->kind) {
	case CLI_SRC_PROFILE: {
		struct vmx_diag d;
		/* import (issue 9): a FILE that is not a profile (VBox.log, vmware.log, vmxcap, cpuinfo) is imported
		 * on the fly; vmx_import_load_any reads a real profile exactly as vmx_profile_load does. */
		if (vmx_import_load_any(s->arg, &s->prof, NULL, &d))
			return cli_diag(&d);
		/* end import */
		snprintf(s->label, sizeof(s->label), "%s", s->arg);
		return CLI_OK;
	}
	case CLI_SRC_CPU:
		return load_embedded(s);
	case CLI_SRC_LIVE:
	case CLI_SRC_CPUINFO:
		return cli_source_load_live(s);
	default:
		return cli_error("no source given: expected --profile FILE or --cpu NAME (or --live)");
	}
}
