/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg kvm [--kernel V] (--profile FILE | --cpu NAME) [--param NAME=VALUE]... [--json]
 * What kvm_intel's setup_vmcs_config() computes on a CPU, and why.
 */
#include <inttypes.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "host/fmt.h"

static const char *const kind_names[KVM_EV_COUNT] = {
	"cleared", "denied", "forced", "not_requested", "missing", "cap_zeroed", "inconsistent", "failed",
};

static const char *const class_msr_word[] = { "pin", "primary", "secondary", "tertiary", "exit",
					      "exit2", "entry", "basic", "misc", "ept_vpid", "vmfunc" };

/* Kernel boolean parameter syntax (kstrtobool): y/Y/1/on = true, n/N/0/off = false. */
static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "1") || !strcmp(v, "y") || !strcmp(v, "Y") || !strcmp(v, "on") || !strcmp(v, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "0") || !strcmp(v, "n") || !strcmp(v, "N") || !strcmp(v, "off") || !strcmp(v, "no")) {
		*out = false;
		return 0;
	}
	return -1;
}

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
		return "IA32_FEATURE_CONTROL (0x3a) is not in the profile: whether firmware enabled VMX is unknown";
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
		fprintf(out, " - %s (%s)", ri->reason, ri->ref);
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
	for (size_t i = (size_t)r->fail_event; i < r->n_events; i++) {
		const struct kvm_event *f = &r->events[i];
		if (f->kind != KVM_EV_INCONSISTENT && f->kind != KVM_EV_FAILED)
			continue;
		const struct kvm_rule_info *ri = kvm_rule_get((enum kvm_rule)f->rule);
		if (f->rule == KVM_R_BASIC_VMCS_SIZE)
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
		fprintf(out, "; ");
	}
	fprintf(out, "\n");
}

static void text_word(FILE *out, const char *label, enum vmx_class c, uint64_t v, int width)
{
	fprintf(out, "  %-10s 0x%0*" PRIx64 "  ", label, width, v);
	vmx_fmt_bits(out, c, v);
	fputc('\n', out);
}

static void print_text(FILE *out, const struct cli_source *src, const struct vmx_profile *p, size_t cpu,
		       const struct kvm_result *r)
{
	const char *name = vmx_profile_meta(p, "name");
	fprintf(out, "CPU: %s (%s)%s\n", name ? name : src->label, src->label,
		p->n_cpus > 1 ? " [boot CPU]" : "");
	(void)cpu;
	fprintf(out, "kernel: %s (facts from %s)\n", r->policy->version, r->policy->source);
	const struct vmx_snapshot *s = &p->cpus[cpu].snap;
	if (r->precheck != KVM_PRE_OK)
		fprintf(out, "%s: %s\n", r->precheck == KVM_PRE_UNKNOWN ? "unknown" : "kvm_intel stops before setup_vmcs_config with -EOPNOTSUPP",
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
}

static void json_event(FILE *out, const struct kvm_event *e)
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
	vmx_json_str(out, ri->ref);
	fputs("}", out);
}

static void print_json(FILE *out, const struct cli_source *src, const struct vmx_profile *p,
		       const struct kvm_result *r)
{
	fputs("{\n \"kernel\": ", out);
	vmx_json_str(out, r->policy->version);
	fputs(",\n \"profile\": ", out);
	vmx_json_str(out, src->label);
	const char *name = vmx_profile_meta(p, "name");
	fputs(",\n \"name\": ", out);
	vmx_json_str(out, name ? name : "");
	fprintf(out, ",\n \"status\": \"%s\"", r->status == KVM_STATUS_OK ? "ok" : "eio");
	if (r->precheck != KVM_PRE_OK) {
		fprintf(out, ",\n \"precheck\": {\"status\": \"%s\", \"reason\": ",
			r->precheck == KVM_PRE_UNKNOWN ? "unknown" : "eopnotsupp");
		vmx_json_str(out, precheck_reason(r->precheck, &p->cpus[0].snap));
		fputs("}", out);
	}
	fputs(",\n \"vmcs_config\": {\"basic\": ", out);
	vmx_json_hex(out, r->cfg.basic);
	fputs(", \"pin\": ", out);
	vmx_json_hex(out, r->cfg.pin);
	fputs(", \"primary\": ", out);
	vmx_json_hex(out, r->cfg.primary);
	fputs(", \"secondary\": ", out);
	vmx_json_hex(out, r->cfg.secondary);
	fputs(", \"tertiary\": ", out);
	vmx_json_hex(out, r->cfg.tertiary);
	fputs(", \"exit\": ", out);
	vmx_json_hex(out, r->cfg.exit);
	fputs(", \"entry\": ", out);
	vmx_json_hex(out, r->cfg.entry);
	fputs(", \"misc\": ", out);
	vmx_json_hex(out, r->cfg.misc);
	fputs("},\n \"vmx_capability\": {\"ept\": ", out);
	vmx_json_hex(out, r->ept);
	fputs(", \"vpid\": ", out);
	vmx_json_hex(out, r->vpid);
	fputs("},\n \"rules\": [", out);
	const char *sep = "\n  ";
	for (size_t i = 0; i < r->n_events; i++) {
		if (r->events[i].kind == KVM_EV_MISSING)
			continue;
		fputs(sep, out);
		json_event(out, &r->events[i]);
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
	fputs("]\n}\n", out);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg kvm [--kernel VERSION] (--profile FILE | --cpu NAME) [--param NAME=VALUE]... [--json]\n"
		   "  --kernel    one of:");
	for (size_t i = 0; i < kvm_policy_count(); i++)
		fprintf(f, " %s", kvm_policy_at(i)->version);
	fprintf(f, " (default: %s)\n"
		   "  --param     a kvm_intel module parameter as given to modprobe, e.g.\n"
		   "              error_on_inconsistent_vmcs_config=0 (6.1 and later)\n"
		   "exit: 0 kvm_intel would load, 1 it would fail, 2 bad input\n",
		kvm_policy_at(0)->version);
}

int cmd_kvm(int argc, char **argv, FILE *out)
{
	struct cli_source src;
	cli_source_init(&src);
	const char *kernel = NULL;
	bool json = false;
	bool eoi = true, eoi_set = false;
	int rc = CLI_BAD;
	for (int i = 1; i < argc; i++) {
		int s = cli_source_opt(&src, argc, argv, &i);
		if (s < 0)
			goto done;
		if (s > 0)
			continue;
		if (cli_is(argv[i], "--json")) {
			json = true;
		} else if (!strncmp(argv[i], "--kernel", 8) && (argv[i][8] == 0 || argv[i][8] == '=')) {
			if (!(kernel = cli_value(argc, argv, &i, "--kernel")))
				goto done;
		} else if (!strncmp(argv[i], "--param", 7) && (argv[i][7] == 0 || argv[i][7] == '=')) {
			const char *pv = cli_value(argc, argv, &i, "--param");
			if (!pv)
				goto done;
			const char *eq = strchr(pv, '=');
			if (!eq) {
				cli_error("--param %s: expected NAME=VALUE", pv);
				goto done;
			}
			if ((size_t)(eq - pv) == strlen("error_on_inconsistent_vmcs_config") &&
			    !strncmp(pv, "error_on_inconsistent_vmcs_config", (size_t)(eq - pv))) {
				if (parse_bool(eq + 1, &eoi)) {
					cli_error("--param %s: expected a boolean (1/0, y/n, on/off)", pv);
					goto done;
				}
				eoi_set = true;
			} else {
				cli_error("--param %.*s: unknown kvm_intel module parameter", (int)(eq - pv), pv);
				goto done;
			}
		} else if (cli_is(argv[i], "--help") || cli_is(argv[i], "-h")) {
			usage(out);
			rc = CLI_OK;
			goto done;
		} else {
			cli_error("kvm: unknown option '%s'", argv[i]);
			usage(stderr);
			goto done;
		}
	}
	const struct kvm_policy *pol = kernel ? kvm_policy_find(kernel) : kvm_policy_at(0);
	if (!pol) {
		cli_error("--kernel %s: unknown kernel version: expected one of 4.19 5.4 5.10 6.1 6.6 6.16 6.19 7.0 7.1",
			  kernel);
		goto done;
	}
	if (eoi_set && !(pol->flags & KVM_PF_ERROR_ON_INCONSISTENT)) {
		cli_error("--param error_on_inconsistent_vmcs_config: kvm_intel %s has no such parameter (6.1 and later)",
			  pol->version);
		goto done;
	}
	if (src.kind == CLI_SRC_NONE) {
		cli_error("kvm: no CPU given: expected --profile FILE or --cpu NAME");
		usage(stderr);
		goto done;
	}
	if ((rc = cli_source_load(&src, CLI_SRC_PROFILE)) != CLI_OK)
		goto done;
	struct kvm_input in;
	static struct kvm_result r;
	kvm_input_init(&in, &src.prof.cpus[0].snap);
	in.error_on_inconsistent_vmcs_config = eoi;
	kvm_setup_vmcs_config(pol, &in, &r);
	if (json)
		print_json(out, &src, &src.prof, &r);
	else
		print_text(out, &src, &src.prof, 0, &r);
	rc = (r.status == KVM_STATUS_OK && (r.precheck == KVM_PRE_OK || r.precheck == KVM_PRE_UNKNOWN)) ? CLI_OK
												 : CLI_NO;
done:
	cli_source_free(&src);
	return rc;
}
