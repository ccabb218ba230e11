/* SPDX-License-Identifier: MIT */
/* Shared CLI helpers: errors, source options (profile, embedded CPU, live). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "host/fmt.h"
#include "host/import.h"

/* "vmxcfg: <message>" on stderr. */
static void say(const char *fmt, va_list ap)
{
	fputs("vmxcfg: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return CLI_BAD;
}

int cli_unknown(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return CLI_UNKNOWN;
}

const char CLI_EXIT_HELP[] = "exit codes: 0 yes, 1 no, 2 usage error or malformed input (nothing on stdout), 3 no "
			     "verdict: what is known\n"
			     "            does not decide it (the report on stdout; stderr says which records would decide "
			     "it)\n";

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

/* ---- --kernel V (cli_kernel_*, cli.h) ---- */

static size_t policy_index(const struct kvm_policy *p)
{
	for (size_t i = 0; i < kvm_policy_count(); i++)
		if (kvm_policy_at(i) == p)
			return i;
	return kvm_policy_count();
}

/* "4.19 … 7.1": the modelled range (the table is newest first). */
static void modelled_range(char *buf, size_t n)
{
	snprintf(buf, n, "%s \u2026 %s", kvm_policy_at(kvm_policy_count() - 1)->version, kvm_policy_at(0)->version);
}

void cli_kernel_behaviour(const struct kvm_policy *p, char *buf, size_t n)
{
	size_t at = policy_index(p), cnt = kvm_policy_count();
	if (at == cnt) {
		snprintf(buf, n, "%s", p ? p->version : "");
		return;
	}
	size_t hi = at, lo = at; /* newest first: hi is the smaller index */
	while (hi > 0 && kvm_policy_same_setup(kvm_policy_at(hi - 1), kvm_policy_at(hi)))
		hi--;
	while (lo + 1 < cnt && kvm_policy_same_setup(kvm_policy_at(lo + 1), kvm_policy_at(lo)))
		lo++;
	if (hi == lo)
		snprintf(buf, n, "%s", p->version);
	else
		snprintf(buf, n, "%s-%s", kvm_policy_at(lo)->version, kvm_policy_at(hi)->version);
}

void cli_kernel_refusal(const struct kvm_release_info *info, char *buf, size_t n)
{
	char range[64];
	modelled_range(range, sizeof(range));
	if (info->status == KVM_RS_TOO_OLD) {
		bool ent = info->notes & KVM_RN_ENTERPRISE;
		snprintf(buf, n, "%u.%u is older than every modelled release (%s); the closest is %s%s%s%s", info->major,
			 info->minor, range, info->closest ? info->closest->version : kvm_policy_at(kvm_policy_count() - 1)->version,
			 ent ? " (and " : "", ent ? kvm_distro_name(info->distro) : "",
			 ent ? " kernels carry KVM backported from much newer releases, which vmxcfg does not model)" : "");
	} else if (info->major || info->minor) {
		snprintf(buf, n, "%u.%u is not a Linux release: vmxcfg models every release %s", info->major, info->minor,
			 range);
	} else {
		snprintf(buf, n, "not a kernel version: expected MAJOR.MINOR[.SUBLEVEL] with an optional suffix, e.g. 6.6, "
				 "6.6.87 or what 'uname -r' prints (5.15.0-91-generic); modelled: %s",
			 range);
	}
}

/* The release whose post_flags first have flag (the mainline release of a backported change). */
static const char *first_with(uint32_t flag)
{
	for (size_t i = kvm_policy_count(); i-- > 0;)
		if (kvm_policy_at(i)->post_flags & flag)
			return kvm_policy_at(i)->version;
	return "?";
}

/* A backported change: its name and, in parentheses' place, what it does. */
static const char *backport_what(uint32_t flag, const char **does)
{
	switch (flag) {
	case KVM_PV_SGX_RULE:
		*does = "sgx forced off when the CPU lacks ENCLS exiting";
		return "the sgx rule";
	case KVM_PV_PT_BROKEN:
		*does = "pt_mode a module parameter only on kernels built with CONFIG_BROKEN";
		return "the pt_mode rule";
	default:
		*does = "";
		return "a backported hardware_setup change";
	}
}

/* Append printf output to buf (n bytes, *off used so far); never overflows. */
static void append(char *buf, size_t n, size_t *off, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t n, size_t *off, const char *fmt, ...)
{
	if (*off >= n)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *off, n - *off, fmt, ap);
	va_end(ap);
	if (k > 0)
		*off += (size_t)k < n - *off ? (size_t)k : n - *off - 1;
}

void cli_kernel_note(const struct cli_kernel *k, uint32_t note, char *buf, size_t n)
{
	const struct kvm_release_info *in = &k->info;
	const struct kvm_policy *p = k->pol;
	size_t off = 0;
	buf[0] = 0;
	if (!p)
		return;
	const char *src = p->source && p->source[0] ? p->source : NULL;
	size_t at = policy_index(p);
	char beh[32], range[64];
	switch (note) {
	case KVM_RN_SUB_UNKNOWN:
		if (in->has_sublevel && in->distro != KVM_DISTRO_NONE && in->distro != KVM_DISTRO_OTHER)
			append(buf, n, &off, "the .0 of %s is %s's placeholder, not the upstream stable sublevel%s: ",
			       in->asked, kvm_distro_name(in->distro),
			       in->distro == KVM_DISTRO_UBUNTU ? " (the number after the dash is Ubuntu's ABI number)"
			       : in->distro == KVM_DISTRO_DEBIAN ? " (the number after the dash is Debian's ABI number)"
								  : "");
		else
			append(buf, n, &off, "%s names no stable release: ", in->asked);
		if (src)
			append(buf, n, &off, "answered with %s as of %s, the newest stable release vmxcfg read", p->version,
			       src);
		else
			append(buf, n, &off, "answered with vmxcfg's inferred model of %s", p->version);
		break;
	case KVM_RN_BACKPORT_GUESS: {
		const char *sep = "";
		for (size_t i = 0; i < kvm_backport_count(); i++) {
			const struct kvm_backport *b = kvm_backport_at(i);
			if (b->rel != p->rel || !(in->backport_guess & b->flag))
				continue;
			append(buf, n, &off, "%s", sep);
			if (in->sublevel >= 0)
				append(buf, n, &off, "%s.%d is assumed to carry ", p->version, in->sublevel);
			else
				append(buf, n, &off, "assumed to carry ");
			const char *does, *what = backport_what(b->flag, &does);
			append(buf, n, &off, "%s of %s%s%s%s, as v%s.%u does; ", what, first_with(b->flag), does[0] ? " (" : "",
			       does, does[0] ? ")" : "", p->version, b->with);
			if (b->without)
				append(buf, n, &off, "v%s.%u does not", p->version, b->without);
			else
				append(buf, n, &off, "v%s (mainline) does not", p->version);
			if (in->sublevel >= 0)
				append(buf, n, &off, ", and the stable release that brought it is not known");
			else if (in->has_sublevel)
				append(buf, n, &off, ": the upstream stable release the package is based on (its changelog names "
						     "it) decides; give it as --kernel %s.N for an exact answer",
				       p->version);
			else
				append(buf, n, &off, ": give the stable sublevel (--kernel %s.N) for an exact answer", p->version);
			sep = "; ";
		}
		break;
	}
	case KVM_RN_ENTERPRISE:
		append(buf, n, &off,
		       "%s is a %s kernel: enterprise kernels backport KVM from much newer releases; vmxcfg does not model "
		       "those backports and answers as %s, its base release: read /sys/module/kvm_intel/parameters for the "
		       "truth",
		       in->asked, kvm_distro_name(in->distro), p->version);
		break;
	case KVM_RN_NEWER:
		modelled_range(range, sizeof(range));
		append(buf, n, &off, "%u.%u is newer than every modelled release (%s): answered with %s%s%s%s, not verified "
				     "against %u.%u",
		       in->major, in->minor, range, p->version, src ? " (facts from " : "", src ? src : "", src ? ")" : "",
		       in->major, in->minor);
		break;
	case KVM_RN_INFERRED: {
		const struct kvm_policy *newer = at > 0 ? kvm_policy_at(at - 1) : NULL;
		const struct kvm_policy *older = kvm_policy_at(at + 1);
		append(buf, n, &off, "no source tree of %s was read: its behaviour is inferred from %s%s%s", p->version,
		       older ? older->version : "", older && newer ? " and " : "", newer ? newer->version : "");
		break;
	}
	case KVM_RN_RC_ONLY:
		append(buf, n, &off, "only %s, a release candidate, was read: the final %s is assumed identical",
		       src ? src : "a release candidate", p->version);
		break;
	case KVM_RN_NO_SETUP_GOLDEN:
		cli_kernel_behaviour(p, beh, sizeof(beh));
		append(buf, n, &off, "vmxcfg's setup_vmcs_config of %s was not compared with results of the real %s code", p->version,
		       p->version);
		if (strcmp(beh, p->version))
			append(buf, n, &off, "; its model is that of %s", beh);
		break;
	case KVM_RN_POST_NEAREST:
		if (in->post_from)
			append(buf, n, &off, "module parameters and nested MSRs follow vmxcfg's rules for %s, checked "
					     "against real code in %s, the nearest checked release, not in %s itself",
			       p->version, in->post_from->version, p->version);
		else
			append(buf, n, &off, "module parameters and nested MSRs of %s were not checked against real code",
			       p->version);
		break;
	default: {
		const char *t = kvm_release_note_text(note);
		append(buf, n, &off, "%s", t ? t : "");
		break;
	}
	}
}

/* The order notes are told in: what decides the answer first. */
static const uint32_t note_order[] = { KVM_RN_ENTERPRISE,     KVM_RN_NEWER,   KVM_RN_SUB_UNKNOWN,
				       KVM_RN_BACKPORT_GUESS, KVM_RN_INFERRED, KVM_RN_RC_ONLY,
				       KVM_RN_NO_SETUP_GOLDEN, KVM_RN_POST_NEAREST };
static const char *const note_ids[] = { "enterprise",     "newer",    "sub_unknown",      "backport_guess",
					"inferred",       "rc_only",  "no_setup_golden",  "post_nearest" };
#define N_NOTES (sizeof(note_order) / sizeof(note_order[0]))

void cli_kernel_summary(const struct cli_kernel *k, char *buf, size_t n)
{
	const struct kvm_release_info *in = &k->info;
	const struct kvm_policy *p = k->pol;
	size_t off = 0;
	buf[0] = 0;
	if (!p)
		return;
	const char *src = p->source && p->source[0] ? p->source : NULL;
	size_t at = policy_index(p);
	for (size_t i = 0; i < N_NOTES; i++) {
		uint32_t note = note_order[i];
		if (!(in->notes & note))
			continue;
		if (off)
			append(buf, n, &off, "; ");
		switch (note) {
		case KVM_RN_ENTERPRISE:
			append(buf, n, &off, "%s enterprise kernel: its KVM backports are not modelled", kvm_distro_name(in->distro));
			break;
		case KVM_RN_NEWER:
			append(buf, n, &off, "%u.%u is newer than %s: not verified", in->major, in->minor, p->version);
			break;
		case KVM_RN_SUB_UNKNOWN:
			append(buf, n, &off, "sublevel unknown: %s%s", src ? "as of " : "inferred model", src ? src : "");
			break;
		case KVM_RN_BACKPORT_GUESS: {
			const char *sep = "stable backport assumed: ";
			for (size_t b = 0; b < kvm_backport_count(); b++) {
				const struct kvm_backport *bp = kvm_backport_at(b);
				if (bp->rel != p->rel || !(in->backport_guess & bp->flag))
					continue;
				const char *does, *what = backport_what(bp->flag, &does);
				append(buf, n, &off, "%s%s of %s", sep, what, first_with(bp->flag));
				sep = ", ";
			}
			break;
		}
		case KVM_RN_INFERRED: {
			const struct kvm_policy *newer = at > 0 ? kvm_policy_at(at - 1) : NULL;
			const struct kvm_policy *older = kvm_policy_at(at + 1);
			append(buf, n, &off, "no source read: inferred from %s%s%s", older ? older->version : "",
			       older && newer ? " and " : "", newer ? newer->version : "");
			break;
		}
		case KVM_RN_RC_ONLY:
			append(buf, n, &off, "only %s read", src ? src : "a release candidate");
			break;
		case KVM_RN_NO_SETUP_GOLDEN:
			append(buf, n, &off, "setup_vmcs_config not compared with the real code's results");
			break;
		case KVM_RN_POST_NEAREST:
			append(buf, n, &off, "parameters and nested MSRs checked in %s, not %s",
			       in->post_from ? in->post_from->version : "no release", p->version);
			break;
		default:
			break;
		}
	}
}

void cli_kernel_notes(FILE *f, const struct cli_kernel *k, const char *prefix)
{
	char buf[1024];
	for (size_t i = 0; i < N_NOTES; i++) {
		if (!(k->info.notes & note_order[i]))
			continue;
		cli_kernel_note(k, note_order[i], buf, sizeof(buf));
		fprintf(f, "%s%s\n", prefix, buf);
	}
}

void cli_kernel_json(FILE *out, const struct cli_kernel *k)
{
	const struct kvm_release_info *in = &k->info;
	char beh[32], buf[1024];
	cli_kernel_behaviour(k->pol, beh, sizeof(beh));
	fputs("{\"asked\": ", out);
	if (k->given)
		vmx_json_str(out, in->asked);
	else
		fputs("null", out);
	fputs(", \"release\": ", out);
	vmx_json_str(out, k->pol->version);
	fputs(", \"source\": ", out);
	vmx_json_str(out, k->pol->source);
	fputs(", \"behaviour\": ", out);
	vmx_json_str(out, beh);
	fprintf(out, ", \"exact\": %s, \"sublevel\": ", in->notes ? "false" : "true");
	if (in->sublevel >= 0)
		fprintf(out, "%d", in->sublevel);
	else
		fputs("null", out);
	fputs(", \"distro\": ", out);
	if (in->distro != KVM_DISTRO_NONE)
		vmx_json_str(out, kvm_distro_name(in->distro));
	else
		fputs("null", out);
	fputs(", \"notes\": [", out);
	const char *sep = "";
	for (size_t i = 0; i < N_NOTES; i++) {
		if (!(in->notes & note_order[i]))
			continue;
		cli_kernel_note(k, note_order[i], buf, sizeof(buf));
		fputs(sep, out);
		vmx_json_str(out, buf);
		sep = ", ";
	}
	fputs("], \"note_ids\": [", out);
	sep = "";
	for (size_t i = 0; i < N_NOTES; i++) {
		if (!(in->notes & note_order[i]))
			continue;
		fprintf(out, "%s\"%s\"", sep, note_ids[i]);
		sep = ", ";
	}
	fputs("], \"post_from\": ", out);
	if (in->post_from)
		vmx_json_str(out, in->post_from->version);
	else
		fputs("null", out);
	fputs("}", out);
}

const struct kvm_policy *cli_kernel_resolve(const char *kernel, bool quiet, struct cli_kernel *k)
{
	struct cli_kernel tmp;
	if (!k)
		k = &tmp;
	memset(k, 0, sizeof(*k));
	k->given = kernel != NULL;
	const char *s = kernel ? kernel : kvm_policy_at(0)->version;
	if (kvm_release_resolve(s, strlen(s), &k->info) != VMX_OK) {
		char why[400];
		cli_kernel_refusal(&k->info, why, sizeof(why));
		cli_error("--kernel %s%s: %s", k->info.asked[0] ? k->info.asked : "''",
			  strlen(s) >= sizeof(k->info.asked) ? "..." : "", why);
		return NULL;
	}
	k->pol = k->info.policy;
	if (!quiet && k->given && k->info.notes) {
		char prefix[sizeof(k->info.asked) + 40];
		snprintf(prefix, sizeof(prefix), "vmxcfg: note: --kernel %s: ", k->info.asked);
		cli_kernel_notes(stderr, k, prefix);
	}
	return k->pol;
}

const struct kvm_policy *cli_kernel_policy(const char *kernel)
{
	return cli_kernel_resolve(kernel, false, NULL);
}

int cli_source_load_msrs(struct cli_source *s)
{
	int rc = cli_source_load(s, CLI_SRC_LIVE);
	if (rc != CLI_OK)
		return rc;
	if (s->prof.cpus[0].snap.flags & VMX_SNAP_PARTIAL)
		return cli_unknown("no verdict (exit 3): %s: only part of the VMX capabilities is known (/proc/cpuinfo): "
				   "read the MSRs (root, 'modprobe msr', --live) or give a profile",
				   s->label);
	return CLI_OK;
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
