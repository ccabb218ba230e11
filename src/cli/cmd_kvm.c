/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg kvm [--kernel V|all|A..B] (--profile FILE | --cpu NAME | --live) [--param NAME=VALUE]... [--tsc-khz N]
 * [--json]
 * What kvm_intel's setup_vmcs_config() and hardware_setup() compute on a CPU, and why; with --kernel all (or a
 * range A..B) every release, grouped where the result is the same.  Also the shared kvm option helpers (cli/kvm_opts.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/kvm_opts.h"
#include "cli/live_source.h"
#include "host/fmt.h"

static const char *const kind_names[KVM_EV_COUNT] = {
	"cleared", "denied", "forced", "not_requested", "missing", "cap_zeroed", "inconsistent", "failed",
};

static const char *const class_msr_word[] = { "pin", "primary", "secondary", "tertiary", "exit",
					      "exit2", "entry", "basic", "misc", "ept_vpid", "vmfunc" };

/* ---- shared kvm options (cli/kvm_opts.h) ---- */

void kvm_opts_init(struct kvm_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sublevel = -1;
}

int kvm_opts_parse(struct kvm_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	int k = cli_shared_opt(argc, argv, i, NULL, &o->kernel, NULL);
	if (k != 0)
		return k;
	if (cli_is(a, "--config-broken")) {
		o->config_broken = true;
		return 1;
	}
	if (cli_is(a, "--32bit")) {
		o->kernel_32bit = true;
		return 1;
	}
	if (cli_is(a, "--guest-cet")) {
		o->host_cet = true;
		return 1;
	}
	if (cli_opt(a, "--tsc-khz")) {
		const char *v = cli_value(argc, argv, i, "--tsc-khz");
		if (!v)
			return -1;
		char *end;
		errno = 0;
		unsigned long long k = strtoull(v, &end, 10);
		if (errno || end == v || *end || k == 0 || k > 100000000ull || v[0] == '-') {
			cli_error("--tsc-khz %s: expected the TSC frequency in kHz, 1..100000000 (e.g. 3000000 for 3 GHz)",
				  v);
			return -1;
		}
		o->tsc_khz = k;
		return 1;
	}
	if (cli_opt(a, "--param")) {
		const char *pv = cli_value(argc, argv, i, "--param");
		if (!pv)
			return -1;
		const char *eq = strchr(pv, '=');
		if (!eq || eq == pv) {
			cli_error("--param %s: expected NAME=VALUE as given to modprobe, e.g. ept=0", pv);
			return -1;
		}
		size_t nl = (size_t)(eq - pv);
		/* modprobe accepts '-' for '_' in parameter names; also "kvm_intel.ept=0" / "kvm.enable_pmu=0". */
		char name[64];
		const char *n0 = pv;
		if (nl > 10 && !strncmp(pv, "kvm_intel.", 10))
			n0 += 10;
		else if (nl > 4 && !strncmp(pv, "kvm.", 4))
			n0 += 4;
		size_t len = (size_t)(eq - n0);
		if (len >= sizeof(name)) {
			cli_error("--param %s: unknown module parameter", pv);
			return -1;
		}
		for (size_t k = 0; k < len; k++)
			name[k] = n0[k] == '-' ? '_' : n0[k];
		name[len] = 0;
		int id = kvm_param_by_name(name, len);
		if (id < 0) {
			cli_error("--param %.*s: unknown module parameter: expected one of vpid ept eptad unrestricted_guest "
				  "flexpriority vnmi enable_apicv enable_ipiv pml preemption_timer ple_gap ple_window pt_mode "
				  "sgx nested enable_shadow_vmcs cet error_on_inconsistent_vmcs_config enable_pmu",
				  (int)nl, pv);
			return -1;
		}
		int64_t v;
		const char *val = eq + 1;
		if (kvm_param_parse((enum kvm_param)id, val, strlen(val), &v)) {
			const struct kvm_param_info *pi = kvm_param_get((enum kvm_param)id);
			cli_error("--param %s: expected %s", pv,
				  pi->type == KVM_PT_BOOL ? "a boolean (1/0, y/n, Y/N, on/off)"
				  : pi->type == KVM_PT_UINT ? "an unsigned integer"
							    : "an integer");
			return -1;
		}
		if (o->n_params >= KVM_OPTS_MAX_PARAMS) {
			cli_error("--param %s: too many --param options", pv);
			return -1;
		}
		o->params[o->n_params].id = id;
		o->params[o->n_params].value = v;
		o->params[o->n_params].arg = pv;
		o->n_params++;
		return 1;
	}
	return 0;
}

int kvm_opts_cmdline(struct kvm_opts *o, struct cli_source *src, int argc, char **argv, int *i, const char **ofile)
{
	int s = cli_source_opt(src, argc, argv, i);
	if (s == 0)
		s = kvm_opts_parse(o, argc, argv, i);
	return s != 0 ? s : cli_shared_opt(argc, argv, i, &o->json, NULL, ofile);
}

void kvm_opts_usage(FILE *f)
{
	fprintf(f, "  --kernel V       kernel release: 6.6, 6.6.87, or a distribution's release string (5.15.0-91-generic,\n"
		   "                   6.1.0-18-amd64, 6.11.4-301.fc41.x86_64 ...); modelled: every release %s ... %s\n"
		   "                   (newer ones are answered by %s; default %s)\n",
		kvm_policy_at(kvm_policy_count() - 1)->version, kvm_policy_at(0)->version, kvm_policy_at(0)->version,
		kvm_policy_at(0)->version);
	fputs("  --param N=V      a module parameter as given to modprobe (kvm_intel.N=V and kvm.enable_pmu=V too),\n"
		   "                   e.g. ept=0, enable_apicv=N, ple_gap=0, error_on_inconsistent_vmcs_config=0\n"
		   "  --tsc-khz N      TSC frequency in kHz for the preemption-timer limit (default: 3000000 assumed)\n"
		   "  --config-broken  kernel built with CONFIG_BROKEN (makes pt_mode settable on 6.1+)\n"
		   "  --guest-cet      the host kernel offers CET (SHSTK/IBT) to guests (6.19+: CET state for L1)\n"
		   "  --32bit          a 32-bit (i386) kernel: no CR8 exits, host address-space size or IA-32e entry required\n",
	      f);
}

int kvm_opts_input(const struct kvm_opts *o, const struct kvm_policy *p, const struct vmx_snapshot *s,
		   struct kvm_params_input *in, bool skip_absent)
{
	kvm_params_input_init(in, p, s);
	in->sublevel = o->sublevel; /* before kvm_params_set: pt_mode depends on the stable sublevel */
	in->tsc_khz = o->tsc_khz;
	in->config_broken = o->config_broken;
	in->host_cet = o->host_cet;
	in->kernel_32bit = o->kernel_32bit;
	for (size_t k = 0; k < o->n_params; k++) {
		enum kvm_param id = (enum kvm_param)o->params[k].id;
		const char *why = NULL;
		if (!kvm_param_present(p, id, &why)) {
			if (skip_absent)
				continue;
			unsigned first = 0, last = 0;
			if (kvm_param_releases(id, &first, &last))
				cli_error("--param %s: kvm_intel %s has no such parameter: %s exists in %u.%u-%u.%u",
					  o->params[k].arg, p->version, kvm_param_get(id)->name, KVM_REL_MAJOR(first),
					  KVM_REL_MINOR(first), KVM_REL_MAJOR(last), KVM_REL_MINOR(last));
			else
				cli_error("--param %s: kvm_intel %s has no such parameter (%s)", o->params[k].arg,
					  p->version, why);
			return -1;
		}
		if (kvm_params_set(in, p, id, o->params[k].value)) {
			if (skip_absent)
				continue;
			cli_error("--param %s: on kvm_intel %s, pt_mode is a module parameter only on kernels built "
				  "with CONFIG_BROKEN: add --config-broken if yours is",
				  o->params[k].arg, p->version);
			return -1;
		}
	}
	return 0;
}

static void lack_list(FILE *f, const struct kvm_param_value *v)
{
	for (size_t k = 0; k < v->n_lack; k++) {
		const struct kvm_param_lack *l = &v->lack[k];
		const struct vmx_class_info *ci = vmx_class_get((enum vmx_class)l->cls);
		fprintf(f, "%s%s%s:", k ? ", " : "", l->any_of ? "one of " : "", ci ? ci->name : "?");
		const char *sep = "";
		for (unsigned b = 0; b < 64; b++) {
			if (!((l->bits >> b) & 1))
				continue;
			const struct vmx_bit_info *bi = vmx_bit_get((enum vmx_class)l->cls, b);
			if (bi)
				fprintf(f, "%s%s", sep, bi->name);
			else
				fprintf(f, "%sbit%u", sep, b);
			sep = l->any_of ? "|" : "+";
		}
	}
}

static void timer_note(FILE *f, const struct kvm_post *o)
{
	fprintf(f, "; %s TSC %" PRIu64 " kHz%s: with IA32_VMX_MISC rate %u the timer is used up to a TSC of %" PRIu64
		   " kHz, so the TSC %s",
		o->tsc_assumed ? "assumes a" : "with a", o->tsc_khz, o->tsc_assumed ? " (give --tsc-khz)" : "",
		o->timer_rate, o->timer_max_tsc_khz,
		o->timer_tsc_matters ? "matters on this CPU" : "does not matter on this CPU (limit above 10 GHz)");
}

void kvm_param_reason(FILE *f, const struct kvm_post *o, enum kvm_param id)
{
	const struct kvm_param_value *v = &o->p[id];
	const struct kvm_param_info *pi = kvm_param_get(id);
	bool b = pi->type == KVM_PT_BOOL;
	switch (v->why) {
	case KVM_WHY_DEFAULT:
	case KVM_WHY_GIVEN:
		if (v->why == KVM_WHY_DEFAULT)
			fprintf(f, "default %" PRId64, v->requested);
		else
			fprintf(f, "set to %" PRId64 " (--param)", v->requested);
		if (v->needs && v->value && id != KVM_P_PT_MODE)
			fprintf(f, "; kept: needs %s, all present", v->needs);
		else if (id == KVM_P_PT_MODE && v->value == 0)
			fprintf(f, " (system mode: Intel PT is not virtualized)");
		else if (id == KVM_P_PT_MODE && v->needs)
			fprintf(f, "; kept: needs %s, all present", v->needs);
		else if (id == KVM_P_NESTED)
			fprintf(f, "%s", v->value ? "; KVM offers VMX to guests (see vmxcfg nested)" : "; no VMX for guests");
		break;
	case KVM_WHY_USER_OFF:
		fprintf(f, "set to 0 (--param)");
		break;
	case KVM_WHY_CPU:
		fprintf(f, "forced to 0: needs %s; the CPU lacks ", v->needs ? v->needs : "?");
		lack_list(f, v);
		break;
	case KVM_WHY_DEPENDS:
		fprintf(f, "forced to 0: needs %s=1, which is 0", kvm_param_get((enum kvm_param)v->dep)->name);
		break;
	case KVM_WHY_TIMER_RATE:
		fprintf(f, "forced to 0: the timer would tick %" PRIu64 " times a second (TSC %" PRIu64
			   " kHz >> rate %u), more than 0xffffffff/10",
			(o->tsc_khz * 1000u) >> o->timer_rate, o->tsc_khz, o->timer_rate);
		break;
	case KVM_WHY_ERRATUM:
		fprintf(f, "forced to 0: the CPU is on the kernel's broken-timer list: %s", v->note ? v->note : "?");
		break;
	case KVM_WHY_HOST:
		fprintf(f, "%s %" PRId64 " requested; %s", v->given ? "set to" : "default", v->requested,
			v->note ? v->note : "");
		break;
	case KVM_WHY_NO_RULE:
		fprintf(f, "%s %" PRId64 "; %s", v->given ? "set to" : "default", v->requested, v->note ? v->note : "");
		break;
	case KVM_WHY_ABSENT: {
		unsigned first = 0, last = 0;
		if (kvm_param_releases(id, &first, &last))
			fprintf(f, "not a parameter of kvm_intel %s: it exists in %u.%u-%u.%u", o->policy->version,
				KVM_REL_MAJOR(first), KVM_REL_MINOR(first), KVM_REL_MAJOR(last), KVM_REL_MINOR(last));
		else
			fprintf(f, "%s", v->note ? v->note : "");
		break;
	}
	case KVM_WHY_KERNEL_SET:
	case KVM_WHY_NOT_EVALUATED:
	case KVM_WHY_NOT_SETTABLE:
		fprintf(f, "%s", v->note ? v->note : "");
		break;
	default:
		break;
	}
	(void)b;
	if (id == KVM_P_PREEMPTION_TIMER && v->present && o->status == KVM_POST_OK &&
	    (o->setup.cfg.pin & VMX_B32(PIN, PREEMPTION_TIMER)) && v->why != KVM_WHY_USER_OFF)
		timer_note(f, o);
}

void kvm_post_fail_text(FILE *f, const struct kvm_post *o)
{
	if (o->status == KVM_POST_EOPNOTSUPP || o->status == KVM_POST_EINVAL)
		fprintf(f, "kvm_intel (%s) fails in %s with -%s: %s\n", o->policy->version, o->failed_in,
			o->status == KVM_POST_EINVAL ? "EINVAL" : "EOPNOTSUPP", o->fail_reason);
}

/* ---- vmxcfg kvm ---- */

static const char *precheck_reason(enum kvm_precheck p, const struct vmx_snapshot *s)
{
	(void)s;
	switch (p) {
	case KVM_PRE_NO_VMX:
		return "VMX not supported by CPU: CPUID.1:ECX.VMX[bit 5] = 0";
	case KVM_PRE_FW_DISABLED:
		return "VMX disabled by firmware: IA32_FEATURE_CONTROL (0x3a) is locked with 'enable VMX outside SMX' "
		       "(bit 2) clear";
	case KVM_PRE_UNKNOWN:
		return CLI_FW_ASSUMED;
	default:
		return "CPUID.1:ECX.VMX = 1 and IA32_FEATURE_CONTROL allows VMX outside SMX";
	}
}

static enum vmx_msr_slot class_slot(enum vmx_class c)
{
	switch (c) {
	case VMX_CLASS_PIN: return VMX_MSR_PINBASED;
	case VMX_CLASS_PRIMARY: return VMX_MSR_PROCBASED;
	case VMX_CLASS_SECONDARY: return VMX_MSR_PROCBASED2;
	case VMX_CLASS_TERTIARY: return VMX_MSR_PROCBASED3;
	case VMX_CLASS_EXIT: return VMX_MSR_EXIT;
	case VMX_CLASS_ENTRY: return VMX_MSR_ENTRY;
	case VMX_CLASS_EPT_VPID: return VMX_MSR_EPT_VPID_CAP;
	default: return VMX_MSR_BASIC;
	}
}

/* One line of explanation for an event. */
static void text_event(FILE *out, const struct kvm_result *r, const struct kvm_event *e)
{
	const struct kvm_rule_info *ri = kvm_rule_get((enum kvm_rule)e->rule);
	enum vmx_class c = (enum vmx_class)e->cls, c2 = (enum vmx_class)e->cls2;
	fprintf(out, "  [%s] ", ri->name);
	switch ((enum kvm_event_kind)e->kind) {
	case KVM_EV_DENIED:
		fprintf(out, "%s: CPU does not allow (allowed-1 = 0): ", class_msr_word[c]);
		vmx_fmt_bits(out, c, e->bits);
		break;
	case KVM_EV_FORCED:
		fprintf(out, "%s: set although not requested (allowed-0 = 1, must be 1): ", class_msr_word[c]);
		vmx_fmt_bits(out, c, e->bits);
		break;
	case KVM_EV_NOT_REQUESTED:
		fprintf(out, "%s: not requested: ", class_msr_word[c]);
		vmx_fmt_bits(out, c, e->bits);
		fprintf(out, " (%s)", ri->reason);
		break;
	case KVM_EV_CLEARED:
		if (e->rule == KVM_R_ENTRY_EXIT_PAIRS || e->rule == KVM_R_PERF_GLOBAL_CTRL_ERRATA) {
			fprintf(out, "cleared entry: ");
			vmx_fmt_bits(out, c, e->bits);
			fprintf(out, ", exit: ");
			vmx_fmt_bits(out, c2, e->bits2);
			if (e->rule == KVM_R_PERF_GLOBAL_CTRL_ERRATA)
				fprintf(out, " (family 6 model 0x%" PRIx64 ")", e->value);
		} else {
			fprintf(out, "cleared %s: ", class_msr_word[c]);
			vmx_fmt_bits(out, c, e->bits);
			if (e->rule == KVM_R_BROKEN_PREEMPTION_TIMER)
				fprintf(out, " (CPUID.1:EAX signature 0x%08" PRIx64 ")", e->value);
		}
		fprintf(out, " - %s (%s)", ri->reason, kvm_event_ref(r->policy, e));
		break;
	case KVM_EV_CAP_ZEROED:
		fprintf(out, "discarded %s capability word 0x%08" PRIx64 " - %s",
			e->rule == KVM_R_EPT_CAP_WITHOUT_EPT ? "EPT" : "VPID", e->value, ri->reason);
		break;
	case KVM_EV_INCONSISTENT:
		if (e->rule == KVM_R_ENTRY_EXIT_PAIRS) {
			fprintf(out, "inconsistent pair: entry ");
			vmx_fmt_bits(out, c, e->bits);
			fprintf(out, " is %s but exit ", e->value == 1 ? "set" : "clear");
			vmx_fmt_bits(out, c2, e->bits2);
			fprintf(out, " is %s", e->value == 1 ? "clear" : "set");
		} else {
			fprintf(out, "%s capability word 0x%08" PRIx64 " reported without its control",
				e->rule == KVM_R_EPT_CAP_WITHOUT_EPT ? "EPT" : "VPID", e->value);
		}
		fprintf(out, " - error_on_inconsistent_vmcs_config=1 makes this -EIO");
		break;
	case KVM_EV_MISSING:
		fprintf(out, "%s: required but not allowed: ", class_msr_word[c]);
		vmx_fmt_bits(out, c, e->bits);
		break;
	case KVM_EV_FAILED:
		if (e->rule == KVM_R_BASIC_VMCS_SIZE)
			fprintf(out, "VMCS size %" PRIu64 " > 4096", e->value);
		else if (e->rule == KVM_R_BASIC_MEMTYPE)
			fprintf(out, "VMCS memory type %" PRIu64 ", expected 6 (WB)", e->value);
		else
			fprintf(out, "IA32_VMX_BASIC bit 48 set");
		fprintf(out, " - %s (%s)", ri->reason, ri->ref);
		break;
	default:
		break;
	}
	fputc('\n', out);
	(void)r;
}

/* The failure sentence(s): one line per missing bit. */
static void text_failure(FILE *out, const struct kvm_result *r)
{
	const struct kvm_event *e = &r->events[r->fail_event];
	const char *ver = r->policy->version;
	if (e->kind == KVM_EV_MISSING) {
		enum vmx_class c = (enum vmx_class)e->cls;
		enum vmx_msr_slot slot = class_slot(c);
		for (unsigned b = 0; b < 64; b++) {
			if (!((e->bits >> b) & 1))
				continue;
			fprintf(out, "kvm_intel (%s) fails with -EIO: %s (0x%" PRIx32 ") %s ", ver, vmx_msr_name(slot),
				vmx_msr_index(slot), e->value ? "does not allow" : "is absent (reads 0), so it does not allow");
			vmx_fmt_bit_sdm(out, c, b);
			fputc('\n', out);
		}
		return;
	}
	fprintf(out, "kvm_intel (%s) fails with -EIO: ", ver);
	const char *sep = "";
	for (size_t i = (size_t)r->fail_event; i < r->n_events; i++) {
		const struct kvm_event *f = &r->events[i];
		if (f->kind != KVM_EV_INCONSISTENT && f->kind != KVM_EV_FAILED)
			continue;
		const struct kvm_rule_info *ri = kvm_rule_get((enum kvm_rule)f->rule);
		fputs(sep, out);
		sep = "; ";
		if (f->rule == KVM_R_BASIC_MEMTYPE && f->bits2)
			fprintf(out, "IA32_VMX_BASIC (0x480) is not in the profile although CPUID says VMX: the kernel's "
				     "read gives 0, so the VMCS memory type is 0 (expected 6, write-back)");
		else if (f->rule == KVM_R_BASIC_VMCS_SIZE)
			fprintf(out, "IA32_VMX_BASIC (0x480) reports a VMCS size of %" PRIu64 " bytes (more than 4096)",
				f->value);
		else if (f->rule == KVM_R_BASIC_MEMTYPE)
			fprintf(out, "IA32_VMX_BASIC (0x480) reports VMCS memory type %" PRIu64 " (expected 6, write-back)",
				f->value);
		else if (f->rule == KVM_R_BASIC_32BIT_ADDR)
			fprintf(out, "IA32_VMX_BASIC (0x480) limits VMX structures to 32-bit addresses (bit 48)");
		else if (f->rule == KVM_R_ENTRY_EXIT_PAIRS) {
			fprintf(out, "inconsistent VM-entry/VM-exit pair: entry ");
			vmx_fmt_bits(out, (enum vmx_class)f->cls, f->bits);
			fprintf(out, " / exit ");
			vmx_fmt_bits(out, (enum vmx_class)f->cls2, f->bits2);
		} else
			fprintf(out, "%s", ri->reason);
	}
	fprintf(out, "\n");
}

static void text_word(FILE *out, const char *label, enum vmx_class c, uint64_t v, int width)
{
	fprintf(out, "  %-10s 0x%0*" PRIx64 "  ", label, width, v);
	vmx_fmt_bits(out, c, v);
	fputc('\n', out);
}

static void params_text(FILE *out, const struct kvm_post *o)
{
	fprintf(out, "\nmodule parameters %s:\n",
		o->status == KVM_POST_OK ? "after hardware_setup"
		: o->status == KVM_POST_EIO ? "(kvm_intel does not load: not evaluated)"
					     : "(kvm_intel does not load: hardware_setup stops early)");
	for (int i = 0; i < KVM_P_COUNT; i++) {
		const struct kvm_param_value *v = &o->p[i];
		if (!v->present)
			continue;
		const struct kvm_param_info *pi = kvm_param_get((enum kvm_param)i);
		if (pi->type == KVM_PT_BOOL)
			fprintf(out, "  %-34s %s  ", pi->name, v->value ? "Y" : "N");
		else
			fprintf(out, "  %-34s %" PRId64 "  ", pi->name, v->value);
		kvm_param_reason(out, o, (enum kvm_param)i);
		fputc('\n', out);
	}
	const char *sep = "  not in this version: ";
	for (int i = 0; i < KVM_P_COUNT; i++) {
		if (o->p[i].present)
			continue;
		fprintf(out, "%s%s", sep, kvm_param_get((enum kvm_param)i)->name);
		sep = ", ";
	}
	if (*sep == ',')
		fputc('\n', out);
}

/* "kernel: 5.15 (facts from v5.15.100), asked as 5.15.0-91-generic (Ubuntu); setup_vmcs_config as in 5.12-5.19",
 * then the notes in a few words. */
static void kernel_header(FILE *out, const struct cli_kernel *k)
{
	const struct kvm_policy *pol = k->pol;
	char beh[32], sum[1024];
	if (pol->source && pol->source[0])
		fprintf(out, "kernel: %s (facts from %s)", pol->version, pol->source);
	else
		fprintf(out, "kernel: %s (no source read: inferred)", pol->version);
	if (k->given && strcmp(k->info.asked, pol->version)) {
		fprintf(out, ", asked as %s", k->info.asked);
		if (k->info.distro != KVM_DISTRO_NONE && k->info.distro != KVM_DISTRO_OTHER)
			fprintf(out, " (%s)", kvm_distro_name(k->info.distro));
	}
	cli_kernel_behaviour(pol, beh, sizeof(beh));
	if (strcmp(beh, pol->version))
		fprintf(out, "; setup_vmcs_config as in %s", beh);
	fputc('\n', out);
	cli_kernel_summary(k, sum, sizeof(sum));
	if (sum[0])
		fprintf(out, "  not exact: %s\n", sum);
}

static void print_text(FILE *out, const struct cli_source *src, const struct vmx_profile *p, size_t cpu,
		       const struct kvm_post *o, const struct cli_kernel *k)
{
	const struct kvm_result *r = &o->setup;
	const char *name = vmx_profile_meta(p, "name");
	fprintf(out, "CPU: %s (%s)%s\n", name ? name : src->label, src->label,
		p->n_cpus > 1 ? " [boot CPU]" : "");
	(void)cpu;
	kernel_header(out, k);
	const struct vmx_snapshot *s = &p->cpus[cpu].snap;
	if (r->precheck == KVM_PRE_UNKNOWN)
		fprintf(out, "%s\n", CLI_FW_ASSUMED);
	else if (r->precheck != KVM_PRE_OK)
		fprintf(out, "kvm_intel stops before setup_vmcs_config with -EOPNOTSUPP: %s\n",
			precheck_reason(r->precheck, s));
	if (r->status == KVM_STATUS_EIO) {
		text_failure(out, r);
	} else {
		fprintf(out, "setup_vmcs_config() succeeds%s\n",
			r->precheck == KVM_PRE_OK || r->precheck == KVM_PRE_UNKNOWN ? "" : " (if it were reached)");
		fprintf(out, "\nvmcs_config:\n");
		fprintf(out, "  %-10s 0x%016" PRIx64 "  revision 0x%" PRIx32 ", VMCS size %" PRIu32 ", memory type %" PRIu32
			     "\n",
			"basic", r->cfg.basic, vmx_basic_revision(r->cfg.basic), vmx_basic_vmcs_size(r->cfg.basic),
			vmx_basic_mem_type(r->cfg.basic));
		text_word(out, "pin", VMX_CLASS_PIN, r->cfg.pin, 8);
		text_word(out, "primary", VMX_CLASS_PRIMARY, r->cfg.primary, 8);
		text_word(out, "secondary", VMX_CLASS_SECONDARY, r->cfg.secondary, 8);
		text_word(out, "tertiary", VMX_CLASS_TERTIARY, r->cfg.tertiary, 16);
		text_word(out, "exit", VMX_CLASS_EXIT, r->cfg.exit, 8);
		text_word(out, "entry", VMX_CLASS_ENTRY, r->cfg.entry, 8);
		fprintf(out, "  %-10s 0x%016" PRIx64 "%s\n", "misc", r->cfg.misc,
			(r->policy->flags & KVM_PF_STORES_MISC) ? "" : "  (not stored by this version)");
		fprintf(out, "vmx_capability:\n");
		text_word(out, "ept", VMX_CLASS_EPT_VPID, r->ept, 8);
		fprintf(out, "  %-10s 0x%08" PRIx32 "  ", "vpid", r->vpid);
		vmx_fmt_bits(out, VMX_CLASS_EPT_VPID, (uint64_t)r->vpid << 32);
		fputc('\n', out);
	}
	if (r->n_events) {
		fprintf(out, "\nwhy (rules in the kernel's order):\n");
		for (size_t i = 0; i < r->n_events; i++)
			text_event(out, r, &r->events[i]);
		if (r->events_truncated)
			fprintf(out, "  (more events not recorded)\n");
	}
	if (o->status == KVM_POST_EOPNOTSUPP || o->status == KVM_POST_EINVAL) {
		fputc('\n', out);
		kvm_post_fail_text(out, o);
	}
	params_text(out, o);
}

static void json_event(FILE *out, const struct kvm_result *r, const struct kvm_event *e)
{
	const struct kvm_rule_info *ri = kvm_rule_get((enum kvm_rule)e->rule);
	fputs("{\"rule\": ", out);
	vmx_json_str(out, ri->name);
	fputs(", \"kind\": ", out);
	vmx_json_str(out, kind_names[e->kind]);
	fputs(", \"class\": ", out);
	vmx_json_str(out, class_msr_word[e->cls]);
	fputs(", \"mask\": ", out);
	vmx_json_hex(out, e->bits);
	fputs(", \"bits\": ", out);
	vmx_json_bits(out, (enum vmx_class)e->cls, e->bits);
	if (e->cls2 != e->cls) {
		fputs(", \"class2\": ", out);
		vmx_json_str(out, class_msr_word[e->cls2]);
		fputs(", \"mask2\": ", out);
		vmx_json_hex(out, e->bits2);
		fputs(", \"bits2\": ", out);
		vmx_json_bits(out, (enum vmx_class)e->cls2, e->bits2);
	}
	fputs(", \"value\": ", out);
	vmx_json_hex(out, e->value);
	fputs(", \"reason\": ", out);
	vmx_json_str(out, ri->reason);
	fputs(", \"ref\": ", out);
	vmx_json_str(out, kvm_event_ref(r->policy, e));
	fputs("}", out);
}

static void params_json(FILE *out, const struct kvm_post *o)
{
	fputs(",\n \"params\": {", out);
	const char *sep = "\n  ";
	char *buf = NULL;
	size_t len = 0;
	for (int i = 0; i < KVM_P_COUNT; i++) {
		const struct kvm_param_value *v = &o->p[i];
		if (!v->present)
			continue;
		const struct kvm_param_info *pi = kvm_param_get((enum kvm_param)i);
		fprintf(out, "%s\"%s\": {\"value\": ", sep, pi->name);
		if (pi->type == KVM_PT_BOOL)
			fputs(v->value ? "true" : "false", out);
		else
			fprintf(out, "%" PRId64, v->value);
		static const char *const whys[KVM_WHY_COUNT] = { "default", "given", "user_off", "cpu", "depends",
								 "timer_rate", "not_evaluated", "absent", "not_settable",
								 "kernel_set", "host", "no_rule", "erratum" };
		fprintf(out, ", \"why\": \"%s\", \"given\": %s, \"reason\": ", whys[v->why], v->given ? "true" : "false");
		FILE *m = open_memstream(&buf, &len);
		if (m) {
			kvm_param_reason(m, o, (enum kvm_param)i);
			fclose(m);
			vmx_json_str(out, buf);
			free(buf);
			buf = NULL;
		} else {
			vmx_json_str(out, "");
		}
		if (v->why == KVM_WHY_CPU) {
			fputs(", \"lacks\": [", out);
			for (size_t k = 0; k < v->n_lack; k++) {
				const struct vmx_class_info *ci = vmx_class_get((enum vmx_class)v->lack[k].cls);
				fprintf(out, "%s{\"class\": \"%s\", \"any_of\": %s, \"bits\": ", k ? ", " : "",
					ci ? ci->name : "?", v->lack[k].any_of ? "true" : "false");
				vmx_json_bits(out, (enum vmx_class)v->lack[k].cls, v->lack[k].bits);
				fputs("}", out);
			}
			fputs("]", out);
		}
		fputs("}", out);
		sep = ",\n  ";
	}
	fputs("\n },\n \"absent_params\": [", out);
	sep = "";
	for (int i = 0; i < KVM_P_COUNT; i++) {
		if (o->p[i].present)
			continue;
		fprintf(out, "%s\"%s\"", sep, kvm_param_get((enum kvm_param)i)->name);
		sep = ", ";
	}
	fprintf(out, "],\n \"tsc_khz\": {\"value\": %" PRIu64 ", \"assumed\": %s, \"timer_rate\": %u, "
		     "\"timer_max_tsc_khz\": %" PRIu64 ", \"matters\": %s}",
		o->tsc_khz, o->tsc_assumed ? "true" : "false", o->timer_rate, o->timer_max_tsc_khz,
		o->timer_tsc_matters ? "true" : "false");
}

static void print_json(FILE *out, const struct cli_source *src, const struct vmx_profile *p,
		       const struct kvm_post *o, int close)
{
	const struct kvm_result *r = &o->setup;
	fputs("{\n \"kernel\": ", out);
	vmx_json_str(out, r->policy->version);
	fputs(",\n \"profile\": ", out);
	vmx_json_str(out, src->label);
	const char *name = vmx_profile_meta(p, "name");
	fputs(",\n \"name\": ", out);
	vmx_json_str(out, name ? name : "");
	fprintf(out, ",\n \"status\": \"%s\"", kvm_post_status_name(o->status));
	if (o->failed_in) {
		fputs(",\n \"failed_in\": ", out);
		vmx_json_str(out, o->failed_in);
	}
	if (o->fail_reason) {
		fputs(",\n \"fail_reason\": ", out);
		vmx_json_str(out, o->fail_reason);
	}
	if (r->precheck != KVM_PRE_OK) {
		fprintf(out, ",\n \"precheck\": {\"status\": \"%s\", \"reason\": ",
			r->precheck == KVM_PRE_UNKNOWN ? "unknown" : "eopnotsupp");
		vmx_json_str(out, precheck_reason(r->precheck, &p->cpus[0].snap));
		fputs("}", out);
	}
	static const char *const cfg_names[] = { "basic", "pin", "primary", "secondary", "tertiary",
						 "exit",  "entry", "misc", "ept", "vpid" };
	const uint64_t cfg_vals[] = { r->cfg.basic, r->cfg.pin,   r->cfg.primary, r->cfg.secondary, r->cfg.tertiary,
				      r->cfg.exit,  r->cfg.entry, r->cfg.misc,    r->ept,           r->vpid };
	/* vmcs_config (the first 8) then vmx_capability (ept, vpid). */
	for (size_t k = 0; k < sizeof(cfg_vals) / sizeof(cfg_vals[0]); k++) {
		fprintf(out, "%s\"%s\": ", k == 0 ? ",\n \"vmcs_config\": {" : k == 8 ? "},\n \"vmx_capability\": {" : ", ",
			cfg_names[k]);
		vmx_json_hex(out, cfg_vals[k]);
	}
	fputs("},\n \"rules\": [", out);
	const char *sep = "\n  ";
	for (size_t i = 0; i < r->n_events; i++) {
		if (r->events[i].kind == KVM_EV_MISSING)
			continue;
		fputs(sep, out);
		json_event(out, r, &r->events[i]);
		sep = ",\n  ";
	}
	fputs("],\n \"missing\": [", out);
	sep = "";
	if (r->status == KVM_STATUS_EIO && r->events[r->fail_event].kind == KVM_EV_MISSING) {
		const struct kvm_event *e = &r->events[r->fail_event];
		enum vmx_class c = (enum vmx_class)e->cls;
		enum vmx_msr_slot slot = class_slot(c);
		for (unsigned b = 0; b < 64; b++) {
			if (!((e->bits >> b) & 1))
				continue;
			const struct vmx_bit_info *bi = vmx_bit_get(c, b);
			fprintf(out, "%s{\"msr\": \"0x%" PRIx32 "\", \"class\": \"%s\", \"bit\": %u, \"name\": ", sep,
				vmx_msr_index(slot), class_msr_word[c], b);
			vmx_json_str(out, bi ? bi->name : "reserved");
			fputs(", \"sdm\": ", out);
			vmx_json_str(out, bi ? bi->sdm : "Reserved");
			fputs("}", out);
			sep = ", ";
		}
	}
	fputs("]", out);
	params_json(out, o);
	/* close: 0 leave the object open (the caller adds keys), 1 close it, 2 close it and end the line. */
	if (close)
		fputs(close == 2 ? "\n}\n" : "\n}", out);
}

/* ---- --kernel all and --kernel A..B: releases grouped by identical results ---- */

struct cfg_field {
	const char *name;
	enum vmx_class cls;
};
static const struct cfg_field cfg_fields[] = {
	{ "pin", VMX_CLASS_PIN },     { "primary", VMX_CLASS_PRIMARY }, { "secondary", VMX_CLASS_SECONDARY },
	{ "tertiary", VMX_CLASS_TERTIARY }, { "exit", VMX_CLASS_EXIT }, { "entry", VMX_CLASS_ENTRY },
	{ "ept_vpid", VMX_CLASS_EPT_VPID },
};
#define N_CFG_FIELDS (sizeof(cfg_fields) / sizeof(cfg_fields[0]))

static uint64_t cfg_field(const struct kvm_post *o, size_t k)
{
	const struct vmcs_config *c = &o->setup.cfg;
	switch (k) {
	case 0: return c->pin;
	case 1: return c->primary;
	case 2: return c->secondary;
	case 3: return c->tertiary;
	case 4: return c->exit;
	case 5: return c->entry;
	default: return (uint64_t)o->setup.ept | ((uint64_t)o->setup.vpid << 32);
	}
}

static bool loads(const struct kvm_post *o)
{
	return o->status == KVM_POST_OK &&
	       (o->setup.precheck == KVM_PRE_OK || o->setup.precheck == KVM_PRE_UNKNOWN);
}

/* " +name +name" (or '-'): the set bits of a field by name, each with the sign. */
static void signed_bits(FILE *out, enum vmx_class c, uint64_t bits, char sign)
{
	for (unsigned b = 0; b < 64; b++) {
		if (!((bits >> b) & 1))
			continue;
		const struct vmx_bit_info *bi = vmx_bit_get(c, b);
		if (bi)
			fprintf(out, " %c%s", sign, bi->name);
		else
			fprintf(out, " %cbit%u", sign, b);
	}
}

/*
 * Text: the vmcs_config words and EPT/VPID capabilities of a (newer) against b (older), one line per word that
 * differs, each starting with ind: "secondary +name -name".  False when every word is the same.
 */
static bool diff_text(FILE *out, const struct kvm_post *a, const struct kvm_post *b, const char *ind)
{
	bool any = false;
	for (size_t k = 0; k < N_CFG_FIELDS; k++) {
		uint64_t x = cfg_field(a, k), y = cfg_field(b, k);
		if (x == y)
			continue;
		fprintf(out, "%s%-9s", ind, cfg_fields[k].name);
		signed_bits(out, cfg_fields[k].cls, x & ~y, '+');
		signed_bits(out, cfg_fields[k].cls, y & ~x, '-');
		fputc('\n', out);
		any = true;
	}
	if (a->setup.cfg.basic != b->setup.cfg.basic) {
		fprintf(out, "%s%-9s 0x%" PRIx64 " -> 0x%" PRIx64 "\n", ind, "basic", b->setup.cfg.basic, a->setup.cfg.basic);
		any = true;
	}
	if (a->setup.cfg.misc != b->setup.cfg.misc) {
		fprintf(out, "%s%-9s 0x%" PRIx64 " -> 0x%" PRIx64 "%s\n", ind, "misc", b->setup.cfg.misc, a->setup.cfg.misc,
			(a->policy->flags & KVM_PF_STORES_MISC) && !(b->policy->flags & KVM_PF_STORES_MISC)
				? " (vmcs_config keeps IA32_VMX_MISC from here on)"
				: "");
		any = true;
	}
	return any;
}

static void diff_json(FILE *out, const struct kvm_post *a, const struct kvm_post *b)
{
	fputs("{", out);
	const char *sep = "";
	for (size_t k = 0; k < N_CFG_FIELDS; k++) {
		uint64_t x = cfg_field(a, k), y = cfg_field(b, k);
		if (x == y)
			continue;
		fprintf(out, "%s\"%s\": {\"added\": ", sep, cfg_fields[k].name);
		vmx_json_bits(out, cfg_fields[k].cls, x & ~y);
		fputs(", \"removed\": ", out);
		vmx_json_bits(out, cfg_fields[k].cls, y & ~x);
		fputs("}", out);
		sep = ", ";
	}
	const char *const wname[2] = { "basic", "misc" };
	const uint64_t wa[2] = { a->setup.cfg.basic, a->setup.cfg.misc }, wb[2] = { b->setup.cfg.basic, b->setup.cfg.misc };
	for (int k = 0; k < 2; k++) {
		if (wa[k] == wb[k])
			continue;
		fprintf(out, "%s\"%s\": {\"value\": ", sep, wname[k]);
		vmx_json_hex(out, wa[k]);
		fputs(", \"older\": ", out);
		vmx_json_hex(out, wb[k]);
		fputs("}", out);
		sep = ", ";
	}
	fputs("}", out);
}

/* The rules that changed something (a bit per enum kvm_rule): optional bits the CPU denies change nothing. */
static uint32_t rules_fired(const struct kvm_result *r)
{
	_Static_assert(KVM_R_COUNT <= 32, "rule set in a uint32_t");
	uint32_t m = 0;
	for (size_t i = 0; i < r->n_events; i++)
		if (r->events[i].kind != KVM_EV_DENIED)
			m |= 1u << r->events[i].rule;
	return m;
}

static const struct kvm_event *fail_event(const struct kvm_result *r)
{
	return r->status == KVM_STATUS_EIO && r->fail_event >= 0 && (size_t)r->fail_event < r->n_events
		       ? &r->events[r->fail_event]
		       : NULL;
}

/* A parameter whose value the CPU did not decide (it has its requested value for a reason that is not the CPU). */
static bool param_neutral(const struct kvm_param_value *v)
{
	return v->value == v->requested &&
	       (v->why == KVM_WHY_DEFAULT || v->why == KVM_WHY_GIVEN || v->why == KVM_WHY_NO_RULE ||
		v->why == KVM_WHY_NOT_EVALUATED || v->why == KVM_WHY_NOT_SETTABLE || v->why == KVM_WHY_HOST);
}

/*
 * Do two releases give the same result on this CPU?  Same status and precheck, the same failure, every
 * vmcs_config word and the EPT/VPID words, the same rules changing something, and every module parameter with
 * the same effective value (not its reason: a rule that changes nothing on this CPU does not count).  A parameter
 * that one release lacks and the other has at a value the CPU did not decide does not split a group: the list
 * under the table names where parameters come and go.
 */
static bool post_same(const struct kvm_post *a, const struct kvm_post *b)
{
	const struct kvm_result *x = &a->setup, *y = &b->setup;
	if (a->status != b->status || x->status != y->status || x->precheck != y->precheck ||
	    x->cfg.basic != y->cfg.basic || x->cfg.misc != y->cfg.misc || rules_fired(x) != rules_fired(y))
		return false;
	for (size_t k = 0; k < N_CFG_FIELDS; k++)
		if (cfg_field(a, k) != cfg_field(b, k))
			return false;
	const struct kvm_event *e = fail_event(x), *f = fail_event(y);
	if (!e != !f || (e && (e->rule != f->rule || e->kind != f->kind || e->cls != f->cls || e->bits != f->bits ||
			       e->cls2 != f->cls2 || e->bits2 != f->bits2 || e->value != f->value)))
		return false;
	if (!a->fail_reason != !b->fail_reason || (a->fail_reason && strcmp(a->fail_reason, b->fail_reason)))
		return false;
	for (int k = 0; k < KVM_P_COUNT; k++) {
		const struct kvm_param_value *v = &a->p[k], *w = &b->p[k];
		if (v->present != w->present) {
			if (!param_neutral(v->present ? v : w))
				return false;
		} else if (v->present && v->value != w->value) {
			return false;
		}
	}
	return true;
}

void kvm_span_label(char *buf, size_t size, size_t newest, size_t oldest)
{
	const struct kvm_policy *lo = kvm_policy_at(oldest), *hi = kvm_policy_at(newest);
	int n = newest == oldest ? snprintf(buf, size, "%s", lo->version)
				 : snprintf(buf, size, "%s-%s", lo->version, hi->version);
	size_t off = n > 0 ? (size_t)n : 0;
	const char *sep = " (";
	for (size_t i = oldest + 1; i-- > newest;) {
		const struct kvm_policy *p = kvm_policy_at(i);
		if (!(p->rel_flags & (KVM_RELF_INFERRED | KVM_RELF_RC_ONLY)) || off >= size)
			continue;
		n = snprintf(buf + off, size - off, "%s%s %s", sep, p->version,
			     (p->rel_flags & KVM_RELF_INFERRED) ? "inferred" : "rc");
		off += n > 0 ? (size_t)n : 0;
		sep = ", ";
	}
	if (*sep == ',' && off < size)
		snprintf(buf + off, size - off, ")");
}

/* One end of --kernel A..B (len bytes at s): its kvm_policy_at() index in *idx and 1, or -1 after a message. */
static int span_end(const char *arg, const char *s, size_t len, const char *which, size_t *idx)
{
	/* Resolved like --kernel V (release.h): "5.15", "6.6.87", "5.15.0-91-generic"; newer than modelled: the newest. */
	struct kvm_release_info ri;
	if (kvm_release_resolve(s, len, &ri) != VMX_OK || !ri.policy) {
		char why[512];
		cli_kernel_refusal(&ri, why, sizeof(why));
		cli_error("--kernel %s: %s end '%.*s': %s; expected A..B (oldest first, inclusive), A.. or ..B, e.g. 5.4..6.6",
			  arg, which, (int)len, s, why);
		return -1;
	}
	/* Newer than the newest modelled release: the range can end there, not start there. */
	if (ri.status == KVM_RS_NEWER && !strcmp(which, "first")) {
		cli_error("--kernel %s: first end '%.*s' is newer than every modelled release (the newest is %s), so the "
			  "range is empty: expected A..B (oldest first, inclusive), A.. or ..B, e.g. 5.4..6.6",
			  arg, (int)len, s, kvm_policy_at(0)->version);
		return -1;
	}
	if (ri.status == KVM_RS_NEWER)
		fprintf(stderr, "vmxcfg: note: --kernel %s: %.*s is newer than every modelled release: the range ends at %s\n",
			arg, (int)len, s, ri.policy->version);
	size_t i = 0, n = kvm_policy_count();
	while (i < n && kvm_policy_at(i) != ri.policy)
		i++;
	if (i == n) {
		cli_error("--kernel %s: %s end '%.*s': no modelled release answers", arg, which, (int)len, s);
		return -1;
	}
	*idx = i;
	return 1;
}

int kvm_kernel_span(const char *arg, size_t *newest, size_t *oldest)
{
	size_t n = kvm_policy_count();
	if (!arg)
		return 0;
	if (!strcmp(arg, "all")) {
		*newest = 0;
		*oldest = n - 1;
		return 1;
	}
	const char *dots = strstr(arg, "..");
	if (!dots)
		return 0;
	const char *b = dots + 2;
	if (dots == arg && !*b) {
		cli_error("--kernel ..: empty range: expected A..B, A.. or ..B (A, B releases such as 5.4 and 6.6), or all");
		return -1;
	}
	size_t lo = 0, hi = n - 1;
	if (dots > arg && span_end(arg, arg, (size_t)(dots - arg), "first", &hi) < 0)
		return -1;
	if (*b && span_end(arg, b, strlen(b), "last", &lo) < 0)
		return -1;
	if (lo > hi) {
		cli_error("--kernel %s: %s is newer than %s, so the range is empty: expected A..B with A not newer than B "
			  "(oldest first), e.g. %s..%s",
			  arg, kvm_policy_at(hi)->version, kvm_policy_at(lo)->version, kvm_policy_at(lo)->version,
			  kvm_policy_at(hi)->version);
		return -1;
	}
	*newest = lo;
	*oldest = hi;
	return 1;
}

/* "Y"/"N" or the number; "-" when the release lacks the parameter. */
static void param_value_text(FILE *out, const struct kvm_post *o, int k)
{
	const struct kvm_param_value *v = &o->p[k];
	if (!v->present)
		fputs("-", out);
	else if (kvm_param_get((enum kvm_param)k)->type == KVM_PT_BOOL)
		fputs(v->value ? "Y" : "N", out);
	else
		fprintf(out, "%" PRId64, v->value);
}

static bool forced_off(const struct kvm_param_value *v)
{
	return v->present && (v->why == KVM_WHY_CPU || v->why == KVM_WHY_DEPENDS || v->why == KVM_WHY_TIMER_RATE);
}

/* One line's worth: the status, and what the CPU forces off ("same as above" when prev, the group above, loaded
 * with the same parameters forced off). */
static void group_summary(FILE *out, const struct kvm_post *o, const struct kvm_post *prev)
{
	const struct kvm_result *r = &o->setup;
	const struct kvm_event *e = fail_event(r);
	if (r->precheck == KVM_PRE_NO_VMX || r->precheck == KVM_PRE_FW_DISABLED) {
		fprintf(out, "-EOPNOTSUPP before setup_vmcs_config: %s",
			r->precheck == KVM_PRE_NO_VMX ? "no VMX in CPUID" : "VMX disabled by firmware");
		return;
	}
	if (o->status == KVM_POST_EIO) {
		fprintf(out, "-EIO in setup_vmcs_config: ");
		if (e && e->kind == KVM_EV_MISSING) {
			fprintf(out, "%s lacks ", class_msr_word[e->cls]);
			vmx_fmt_bits(out, (enum vmx_class)e->cls, e->bits);
		} else {
			fprintf(out, "[%s]", e ? kvm_rule_get((enum kvm_rule)e->rule)->name : "?");
		}
		return;
	}
	if (o->status != KVM_POST_OK) {
		fprintf(out, "-%s in %s: %s", o->status == KVM_POST_EINVAL ? "EINVAL" : "EOPNOTSUPP", o->failed_in,
			o->fail_reason);
		return;
	}
	fprintf(out, "ok; forced off:");
	bool same = prev && prev->status == KVM_POST_OK;
	for (int k = 0; k < KVM_P_COUNT && same; k++)
		same = forced_off(&o->p[k]) == forced_off(&prev->p[k]);
	if (same) {
		fprintf(out, " same as above");
		return;
	}
	bool any = false;
	for (int k = 0; k < KVM_P_COUNT; k++)
		if (forced_off(&o->p[k])) {
			fprintf(out, " %s", kvm_param_get((enum kvm_param)k)->name);
			any = true;
		}
	if (!any)
		fprintf(out, " none");
}

/* Why parameter k has its value: kvm_param_reason, or the note when that says nothing; "" on no memory.  Free it. */
static char *reason_dup(const struct kvm_post *o, int k)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	kvm_param_reason(m, o, (enum kvm_param)k);
	if (ftell(m) == 0 && o->p[k].note)
		fputs(o->p[k].note, m);
	fclose(m);
	return buf;
}

/* ": reason" of parameter k (nothing when there is none). */
static void reason_text(FILE *out, const struct kvm_post *o, int k)
{
	char *r = reason_dup(o, k);
	if (r && *r)
		fprintf(out, ": %s", r);
	free(r);
}

/* Text: what changed from o (the last release of the older group) to n (the first of the newer one). */
static void changes_text(FILE *out, const struct kvm_post *n, const struct kvm_post *o)
{
	const char *ind = "    ";
	if (n->status != o->status || n->setup.precheck != o->setup.precheck)
		fprintf(out, "%sstatus: %s -> %s\n", ind, kvm_post_status_name(o->status), kvm_post_status_name(n->status));
	if (n->setup.status == KVM_STATUS_OK && o->setup.status == KVM_STATUS_OK)
		diff_text(out, n, o, ind);
	uint32_t rn = rules_fired(&n->setup), ro = rules_fired(&o->setup);
	if (rn != ro) {
		fprintf(out, "%srules:", ind);
		for (int k = 0; k < KVM_R_COUNT; k++)
			if (((rn ^ ro) >> k) & 1)
				fprintf(out, " %c%s", (rn >> k) & 1 ? '+' : '-', kvm_rule_get((enum kvm_rule)k)->name);
		fputc('\n', out);
	}
	/* Parameters: changed values one a line with the newer reason; new ones at their default and removed ones
	 * on one line each. */
	for (int k = 0; k < KVM_P_COUNT; k++) {
		const struct kvm_param_value *v = &n->p[k], *w = &o->p[k];
		if (!v->present || (w->present && v->value == w->value))
			continue;
		if (!w->present && (v->why == KVM_WHY_DEFAULT || v->why == KVM_WHY_GIVEN || v->why == KVM_WHY_NOT_EVALUATED))
			continue;
		fprintf(out, "%s%s ", ind, kvm_param_get((enum kvm_param)k)->name);
		if (w->present) {
			param_value_text(out, o, k);
			fputs(" -> ", out);
		} else {
			fputs("(new) ", out);
		}
		param_value_text(out, n, k);
		reason_text(out, n, k);
		fputc('\n', out);
	}
	const char *sep = "new parameters:";
	for (int k = 0; k < KVM_P_COUNT; k++) {
		const struct kvm_param_value *v = &n->p[k];
		if (!v->present || o->p[k].present ||
		    !(v->why == KVM_WHY_DEFAULT || v->why == KVM_WHY_GIVEN || v->why == KVM_WHY_NOT_EVALUATED))
			continue;
		fprintf(out, "%s%s %s=", *sep == 'n' ? ind : "", sep, kvm_param_get((enum kvm_param)k)->name);
		param_value_text(out, n, k);
		sep = "";
	}
	if (!*sep)
		fputc('\n', out);
	sep = "parameters gone:";
	for (int k = 0; k < KVM_P_COUNT; k++) {
		if (n->p[k].present || !o->p[k].present)
			continue;
		fprintf(out, "%s%s %s", *sep == 'p' ? ind : "", sep, kvm_param_get((enum kvm_param)k)->name);
		sep = "";
	}
	if (!*sep)
		fputc('\n', out);
}

static void json_param_value(FILE *out, const struct kvm_post *o, int k)
{
	const struct kvm_param_value *v = &o->p[k];
	if (!v->present)
		fputs("null", out);
	else if (kvm_param_get((enum kvm_param)k)->type == KVM_PT_BOOL)
		fputs(v->value ? "true" : "false", out);
	else
		fprintf(out, "%" PRId64, v->value);
}

/* JSON: what changed from o (older group) to n (newer group). */
static void changes_json(FILE *out, const struct kvm_post *n, const struct kvm_post *o)
{
	fputs("{\"from\": ", out);
	vmx_json_str(out, o->policy->version);
	fputs(", \"to\": ", out);
	vmx_json_str(out, n->policy->version);
	if (n->status != o->status)
		fprintf(out, ", \"status\": {\"from\": \"%s\", \"to\": \"%s\"}", kvm_post_status_name(o->status),
			kvm_post_status_name(n->status));
	if (loads(n) != loads(o))
		fprintf(out, ", \"loads\": {\"from\": %s, \"to\": %s}", loads(o) ? "true" : "false",
			loads(n) ? "true" : "false");
	fputs(", \"vmcs_config\": ", out);
	if (n->setup.status == KVM_STATUS_OK && o->setup.status == KVM_STATUS_OK)
		diff_json(out, n, o);
	else
		fputs("{}", out);
	uint32_t rn = rules_fired(&n->setup), ro = rules_fired(&o->setup);
	for (int added = 1; added >= 0; added--) {
		fprintf(out, added ? ", \"rules\": {\"added\": [" : "], \"removed\": [");
		const char *sep = "";
		for (int k = 0; k < KVM_R_COUNT; k++)
			if ((((rn ^ ro) & (added ? rn : ro)) >> k) & 1) {
				fprintf(out, "%s\"%s\"", sep, kvm_rule_get((enum kvm_rule)k)->name);
				sep = ", ";
			}
	}
	fputs("]}, \"params\": {", out);
	const char *sep = "";
	for (int k = 0; k < KVM_P_COUNT; k++) {
		const struct kvm_param_value *v = &n->p[k], *w = &o->p[k];
		if (v->present == w->present && (!v->present || v->value == w->value))
			continue;
		fprintf(out, "%s\"%s\": {\"from\": ", sep, kvm_param_get((enum kvm_param)k)->name);
		json_param_value(out, o, k);
		fputs(", \"to\": ", out);
		json_param_value(out, n, k);
		if (v->present) {
			fputs(", \"reason\": ", out);
			char *r = reason_dup(n, k);
			vmx_json_str(out, r ? r : "");
			free(r);
		}
		fputs("}", out);
		sep = ", ";
	}
	fputs("}}", out);
}

/*
 * Releases kvm_policy_at(newest) ... kvm_policy_at(oldest): consecutive releases with the same result
 * (post_same) form a group; text prints a line per group, oldest first, with what changed in between.
 */
static int run_all(FILE *out, const struct kvm_opts *opts, struct cli_source *src, bool json, size_t newest,
		   size_t oldest)
{
	size_t m = oldest - newest + 1;
	/* posts[j]: the j-th release of the span, oldest first; start[g]: the first j of group g. */
	struct kvm_post *posts = cli_calloc(m, sizeof(*posts));
	size_t *start = posts ? cli_calloc(m + 1, sizeof(*start)) : NULL;
	if (!start) {
		free(posts);
		return CLI_BAD;
	}
	const struct vmx_snapshot *s = &src->prof.cpus[0].snap;
	size_t ng = 0;
	bool any = false;
	for (size_t j = 0; j < m; j++) {
		const struct kvm_policy *p = kvm_policy_at(oldest - j);
		struct kvm_params_input in;
		kvm_opts_input(opts, p, s, &in, true);
		kvm_post_setup(p, &in, &posts[j]);
		if (j == 0 || !post_same(&posts[j - 1], &posts[j]))
			start[ng++] = j;
		any |= loads(&posts[j]);
	}
	start[ng] = m;
	char label[512];
	if (json) {
		fputs("{\n\"profile\": ", out);
		vmx_json_str(out, src->label);
		fputs(",\n\"kernels\": [\n", out);
		for (size_t j = m; j-- > 0;) {
			print_json(out, src, &src->prof, &posts[j], 1);
			fputs(j ? ",\n" : "\n", out);
		}
		fputs("],\n\"diffs\": [", out);
		for (size_t j = m; j-- > 1;) {
			fprintf(out, "%s\n {\"kernel\": \"%s\", \"older\": \"%s\", \"loads\": %s, \"older_loads\": %s, "
				     "\"vmcs_config\": ",
				j + 1 < m ? "," : "", posts[j].policy->version, posts[j - 1].policy->version,
				loads(&posts[j]) ? "true" : "false", loads(&posts[j - 1]) ? "true" : "false");
			diff_json(out, &posts[j], &posts[j - 1]);
			fputs("}", out);
		}
		fputs("\n],\n\"groups\": [", out);
		for (size_t g = 0; g < ng; g++) {
			const struct kvm_post *o = &posts[start[g]];
			size_t last = start[g + 1] - 1;
			fprintf(out, "%s\n {\"first\": \"%s\", \"last\": \"%s\", \"releases\": [", g ? "," : "",
				o->policy->version, posts[last].policy->version);
			for (size_t j = start[g]; j <= last; j++)
				fprintf(out, "%s\"%s\"", j > start[g] ? ", " : "", posts[j].policy->version);
			static const char *const tag[2] = { "inferred", "rc_only" };
			static const unsigned flag[2] = { KVM_RELF_INFERRED, KVM_RELF_RC_ONLY };
			for (int t = 0; t < 2; t++) {
				fprintf(out, "], \"%s\": [", tag[t]);
				const char *sep = "";
				for (size_t j = start[g]; j <= last; j++)
					if (posts[j].policy->rel_flags & flag[t]) {
						fprintf(out, "%s\"%s\"", sep, posts[j].policy->version);
						sep = ", ";
					}
			}
			fprintf(out, "], \"loads\": %s, \"status\": \"%s\", \"forced_off\": [", loads(o) ? "true" : "false",
				kvm_post_status_name(o->status));
			const char *sep = "";
			for (int k = 0; k < KVM_P_COUNT; k++)
				if (o->status == KVM_POST_OK && forced_off(&o->p[k])) {
					fprintf(out, "%s\"%s\"", sep, kvm_param_get((enum kvm_param)k)->name);
					sep = ", ";
				}
			fputs("], \"changes_from_previous\": ", out);
			if (g)
				changes_json(out, o, &posts[start[g] - 1]);
			else
				fputs("null", out);
			fputs("}", out);
		}
		fputs("\n]\n}\n", out);
	} else {
		const char *name = vmx_profile_meta(&src->prof, "name");
		fprintf(out, "CPU: %s (%s)\n", name ? name : src->label, src->label);
		if (kvm_precheck(&src->prof.cpus[0].snap) == KVM_PRE_UNKNOWN)
			fprintf(out, "%s\n", CLI_FW_ASSUMED);
		if (opts->n_params) {
			fprintf(out, "parameters:");
			for (size_t k = 0; k < opts->n_params; k++)
				fprintf(out, " %s", opts->params[k].arg);
			fprintf(out, " (applied to the versions that have them)\n");
		}
		fprintf(out, "kernels %s to %s: %zu release%s in %zu group%s with the same result, oldest first;\n"
			     "indented under a group: what changed from the group above\n",
			posts[0].policy->version, posts[m - 1].policy->version, m, m == 1 ? "" : "s", ng,
			ng == 1 ? "" : "s");
		int w = 8;
		for (size_t g = 0; g < ng; g++) {
			kvm_span_label(label, sizeof(label), oldest - (start[g + 1] - 1), oldest - start[g]);
			if ((int)strlen(label) > w)
				w = (int)strlen(label);
		}
		fprintf(out, "\n%-*s  %-5s  %s\n", w, "releases", "loads", "status; parameters the CPU forces off");
		for (size_t g = 0; g < ng; g++) {
			const struct kvm_post *o = &posts[start[g]];
			kvm_span_label(label, sizeof(label), oldest - (start[g + 1] - 1), oldest - start[g]);
			fprintf(out, "%-*s  %-5s  ", w, label, loads(o) ? "yes" : "no");
			group_summary(out, o, g ? &posts[start[g] - 1] : NULL);
			fputc('\n', out);
			if (g)
				changes_text(out, o, &posts[start[g] - 1]);
		}
		/* Parameters that exist only in part of the span (their value is above where the CPU decides it). */
		const char *sep = "\nmodule parameters of only some of these releases:";
		for (int k = 0; k < KVM_P_COUNT; k++) {
			bool some = false, all = true;
			for (size_t j = 0; j < m; j++) {
				some |= posts[j].p[k].present;
				all &= posts[j].p[k].present;
			}
			unsigned first = 0, last = 0;
			if (!some || all || !kvm_param_releases((enum kvm_param)k, &first, &last))
				continue;
			fprintf(out, "%s %s (%u.%u", sep, kvm_param_get((enum kvm_param)k)->name, KVM_REL_MAJOR(first),
				KVM_REL_MINOR(first));
			if (last == kvm_policy_at(0)->rel)
				fputs("+)", out);
			else
				fprintf(out, "-%u.%u)", KVM_REL_MAJOR(last), KVM_REL_MINOR(last));
			sep = ",";
		}
		if (*sep == ',')
			fputc('\n', out);
	}
	free(start);
	free(posts);
	return any ? CLI_OK : CLI_NO;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg kvm [--kernel VERSION|all|A..B] [--profile FILE | --cpu NAME | --live | --cpuinfo [FILE]]\n"
		   "                  [--sysroot DIR] [--param NAME=VALUE]... [--tsc-khz N] [--json]\n"
		   "what kvm_intel's setup_vmcs_config() and hardware_setup() compute, and why; no source option: this\n"
		   "machine (as --live: /dev/cpu/N/msr, else /proc/cpuinfo with a note; under --sysroot DIR if given)\n");
	kvm_opts_usage(f);
	fprintf(f, "  --kernel all     every release, oldest first, consecutive releases with the same result as one line\n"
		   "                   (status, parameters forced off), and between them what changed: controls gained or\n"
		   "                   lost by name, parameters (old -> new value, and why), rules that fire or stop firing\n"
		   "  --kernel A..B    the same for releases A to B inclusive (oldest first): 5.4..6.6, 6.1.. (to the\n"
		   "                   newest), ..5.10 (from the oldest); A and B as for --kernel V (5.15.0-91-generic..6.8)\n"
		   "exit: 0 kvm_intel would load (all, A..B: on some release), 1 it would fail (on every one), 3 the\n"
		   "source (/proc/cpuinfo) does not show whether it loads\n");
	fputs(CLI_EXIT_HELP, f);
}

int cmd_kvm(int argc, char **argv, FILE *out)
{
	struct cli_source src;
	cli_source_init(&src);
	struct kvm_opts opts;
	kvm_opts_init(&opts);
	int rc = CLI_BAD;
	for (int i = 1; i < argc; i++) {
		int s = kvm_opts_cmdline(&opts, &src, argc, argv, &i, NULL);
		if (s <= 0) {
			rc = s < 0 ? CLI_BAD : cli_common_opt("kvm", argv[i], usage, out);
			goto done;
		}
	}
	bool json = opts.json;
	/* --kernel all / A..B: releases kvm_policy_at(span_new) ... kvm_policy_at(span_old), grouped (run_all). */
	size_t span_new = 0, span_old = 0;
	int span = kvm_kernel_span(opts.kernel, &span_new, &span_old);
	if (span < 0)
		goto done;
	bool all = span > 0;
	const struct kvm_policy *pol = NULL;
	struct cli_kernel kern;
	if (!all) {
		if (!(pol = cli_kernel_resolve(opts.kernel, json, &kern)))
			goto done;
		opts.sublevel = kern.info.sublevel;
	}
	if (all) {
		/* Every given parameter must exist in at least one version of the span. */
		for (size_t k = 0; k < opts.n_params; k++) {
			bool somewhere = false;
			for (size_t i = span_new; i <= span_old; i++)
				somewhere |= kvm_param_present(kvm_policy_at(i), (enum kvm_param)opts.params[k].id, NULL);
			if (!somewhere) {
				cli_error("--param %s: no kernel version %s has this parameter", opts.params[k].arg,
					  strcmp(opts.kernel, "all") ? "in the range" : "modelled");
				goto done;
			}
		}
	}
	/* No source option: this machine, as --live.  A machine without VMX is answered by kvm_intel's precheck. */
	src.no_vmx_ok = true;
	if ((rc = cli_source_load(&src, CLI_SRC_LIVE)) != CLI_OK)
		goto done;
	/* /proc/cpuinfo gives only part of the capabilities: say what can be concluded (src/cli/kvm_live.c). */
	if (src.prof.cpus[0].snap.flags & VMX_SNAP_PARTIAL) {
		rc = all ? cli_kvm_partial_span(out, &src, span_new, span_old, json) : cli_kvm_partial(out, &src, pol, json);
		goto done;
	}
	if (all) {
		rc = run_all(out, &opts, &src, json, span_new, span_old);
		goto done;
	}
	struct kvm_params_input in;
	if (kvm_opts_input(&opts, pol, &src.prof.cpus[0].snap, &in, false)) {
		rc = CLI_BAD;
		goto done;
	}
	static struct kvm_post post;
	kvm_post_setup(pol, &in, &post);
	bool eoi = in.value[KVM_P_ERROR_ON_INCONSISTENT] != 0;
	bool consistent = true;
	if (json) {
		print_json(out, &src, &src.prof, &post, 0);
		fputs(",\n \"kernel_info\": ", out);
		cli_kernel_json(out, &kern);
		/* Several CPUs: kvm_intel compares every CPU's vmcs_config with the boot CPU's. */
		if (src.prof.n_cpus > 1) {
			consistent = cli_kvm_percpu(out, &src, pol, eoi, false);
			fprintf(out, ",\n \"per_cpu\": {\"cpus\": %zu, \"consistent\": %s}", src.prof.n_cpus,
				consistent ? "true" : "false");
		}
		fputs("\n}\n", out);
	} else {
		print_text(out, &src, &src.prof, 0, &post, &kern);
		if (src.prof.n_cpus > 1)
			consistent = cli_kvm_percpu(out, &src, pol, eoi, true);
	}
	rc = loads(&post) && consistent ? CLI_OK : CLI_NO;
done:
	cli_source_free(&src);
	return rc;
}
