/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg negotiate --policy FILE (--profile FILE | --cpu NAME | --live) [--json]
 * Negotiate VMX controls with a custom policy (include/vmxcfg/policy.h, data/policies/README.md).
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "host/fmt.h"
#include "host/policy_file.h"

static const enum vmx_class shown[] = { VMX_CLASS_PIN,  VMX_CLASS_PRIMARY, VMX_CLASS_SECONDARY, VMX_CLASS_TERTIARY,
					VMX_CLASS_EXIT, VMX_CLASS_EXIT2,   VMX_CLASS_ENTRY,     VMX_CLASS_EPT_VPID };
#define N_SHOWN (sizeof(shown) / sizeof(shown[0]))

static const char *const kind_names[] = { "denied", "forced", "missing", "cleared", "unmet", "failed" };

static const char *cls_name(unsigned c)
{
	const struct vmx_class_info *ci = c < VMX_CLASS_COUNT ? vmx_class_get((enum vmx_class)c) : NULL;
	return ci ? ci->name : "-";
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg negotiate --policy FILE [--profile FILE | --cpu NAME | --live] [--sysroot DIR] [--json]\n"
		   "negotiate VMX controls with a custom policy (format: data/policies/README.md); no source option:\n"
		   "this machine (as --live)\n"
		   "exit: 0 the policy's requirements are met, 1 they are not, 3 the source is /proc/cpuinfo (only part\n"
		   "of the MSRs)\n");
	fputs(CLI_EXIT_HELP, f);
}

static void text_event(FILE *out, const struct vmx_neg_event *e)
{
	if (e->line)
		fprintf(out, "  line %-4d ", e->line);
	else
		fprintf(out, "  %-9s ", "");
	switch ((enum vmx_neg_event_kind)e->kind) {
	case VMX_NEG_DENIED:
		fprintf(out, "%s: optional, not allowed by the CPU: ", cls_name(e->cls));
		break;
	case VMX_NEG_FORCED:
		fprintf(out, "%s: set although not asked for (must be 1): ", cls_name(e->cls));
		break;
	case VMX_NEG_MISSING:
		fprintf(out, "%s: REQUIRED but not allowed by the CPU: ", cls_name(e->cls));
		break;
	case VMX_NEG_CLEARED:
		fprintf(out, "%s: cleared by the rule: ", cls_name(e->cls));
		break;
	case VMX_NEG_UNMET:
		fprintf(out, "%s: the rule requires, but not set: ", cls_name(e->cls));
		break;
	case VMX_NEG_FAILED:
		fprintf(out, "the rule fails the negotiation\n");
		return;
	}
	vmx_fmt_bits(out, (enum vmx_class)e->cls, e->bits);
	fputc('\n', out);
}

int cmd_negotiate(int argc, char **argv, FILE *out)
{
	struct cli_source src;
	cli_source_init(&src);
	const char *pfile = NULL;
	bool json = false;
	int rc = CLI_BAD;
	for (int i = 1; i < argc; i++) {
		int s = cli_source_opt(&src, argc, argv, &i);
		if (s == 0)
			s = cli_shared_opt(argc, argv, &i, &json, NULL, NULL);
		if (s == 0 && cli_opt(argv[i], "--policy"))
			s = (pfile = cli_value(argc, argv, &i, "--policy")) ? 1 : -1;
		if (s <= 0) {
			rc = s < 0 ? CLI_BAD : cli_common_opt("negotiate", argv[i], usage, out);
			goto done;
		}
	}
	if (!pfile) {
		cli_error("negotiate: no policy given: expected --policy FILE (e.g. data/policies/simplevisor.policy)");
		goto done;
	}
	/* No source option: this machine (--live, /proc/cpuinfo when the msr device is not readable). */
	src.no_vmx_ok = true;
	static struct vmx_policy pol;
	struct vmx_diag d;
	if (vmx_policy_load(pfile, &pol, &d)) {
		cli_diag(&d);
		goto done;
	}
	if ((rc = cli_source_load_msrs(&src)) != CLI_OK)
		goto done;
	static struct vmx_negotiation r;
	vmx_negotiate(&pol, &src.prof.cpus[0].snap, &r);
	const char *name = vmx_profile_meta(&src.prof, "name");
	bool ok = r.status == VMX_NEG_OK;
	if (json) {
		fputs("{\n \"policy\": ", out);
		vmx_json_str(out, pol.name);
		fputs(",\n \"policy_file\": ", out);
		vmx_json_str(out, pfile);
		fputs(",\n \"profile\": ", out);
		vmx_json_str(out, src.label);
		fprintf(out, ",\n \"status\": \"%s\",\n \"true_msrs\": %s", ok ? "ok" : "fail",
			r.used_true_msrs ? "true" : "false");
		if (r.precheck != KVM_PRE_OK)
			fprintf(out, ",\n \"precheck\": \"%s\"",
				r.precheck == KVM_PRE_NO_VMX	  ? "no_vmx"
				: r.precheck == KVM_PRE_FW_DISABLED ? "fw_disabled"
								    : "unknown");
		fputs(",\n \"controls\": {", out);
		for (size_t k = 0; k < N_SHOWN; k++) {
			fprintf(out, "%s\n  \"%s\": {\"value\": ", k ? "," : "", cls_name(shown[k]));
			vmx_json_hex(out, r.word[shown[k]]);
			fputs(", \"bits\": ", out);
			vmx_json_bits(out, shown[k], r.word[shown[k]]);
			fputs("}", out);
		}
		fputs("\n },\n \"events\": [", out);
		for (size_t i = 0; i < r.n_events; i++) {
			const struct vmx_neg_event *e = &r.events[i];
			fprintf(out, "%s\n  {\"kind\": \"%s\", \"line\": %d, \"class\": \"%s\", \"bits\": ", i ? "," : "",
				kind_names[e->kind], e->line, cls_name(e->cls));
			vmx_json_bits(out, e->cls < VMX_CLASS_COUNT ? (enum vmx_class)e->cls : VMX_CLASS_PIN,
				      e->cls < VMX_CLASS_COUNT ? e->bits : 0);
			fputs("}", out);
		}
		fprintf(out, "\n ],\n \"fail_event\": %d\n}\n", r.fail_event);
	} else {
		fprintf(out, "policy: %s (%s)\nCPU: %s (%s)\n", pol.name, pfile, name ? name : src.label, src.label);
		fprintf(out, "capability MSRs used: %s\n",
			r.used_true_msrs  ? "TRUE (0x48d-0x490)"
			: pol.use_true_msrs ? "legacy (the CPU has no TRUE MSRs)"
					    : "legacy (0x481-0x484)");
		if (r.precheck == KVM_PRE_NO_VMX || r.precheck == KVM_PRE_FW_DISABLED)
			fprintf(out, "note: %s\n", r.precheck == KVM_PRE_NO_VMX ? "the CPU has no VMX (CPUID.1:ECX[5] = 0)"
										: "firmware disabled VMX (IA32_FEATURE_CONTROL)");
		fprintf(out, "result: %s\n\n", ok ? "requirements met" : "FAILS");
		for (size_t k = 0; k < N_SHOWN; k++) {
			fprintf(out, "  %-10s 0x%0*" PRIx64 "  ", cls_name(shown[k]),
				shown[k] == VMX_CLASS_TERTIARY || shown[k] == VMX_CLASS_EXIT2 || shown[k] == VMX_CLASS_EPT_VPID
					? 16
					: 8,
				r.word[shown[k]]);
			vmx_fmt_bits(out, shown[k], r.word[shown[k]]);
			fputc('\n', out);
		}
		if (r.n_events) {
			fprintf(out, "\nwhy:\n");
			for (size_t i = 0; i < r.n_events; i++)
				text_event(out, &r.events[i]);
		}
	}
	rc = ok && (r.precheck == KVM_PRE_OK || r.precheck == KVM_PRE_UNKNOWN) ? CLI_OK : CLI_NO;
done:
	cli_source_free(&src);
	return rc;
}
