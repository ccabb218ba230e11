/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg vmcs FILE (--profile F | --cpu NAME | --live) [--maxphyaddr N] [--json] [...]
 * vmxcfg vmcs --from-kvm [--kernel V] [--param N=V] (--profile F | --cpu NAME | --live) [--json]
 * Which SDM "checks on VMX controls" (VM-instruction error 7) a set of VMCS control fields breaks on a CPU.
 * Exit: 0 the controls pass, 1 some error-7 rule fails, 2 bad input.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>
#include <vmxcfg/params.h>
#include <vmxcfg/vmcs.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/kvm_opts.h"
#include "host/fmt.h"
#include "host/vmcs_input.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmxcfg vmcs FILE (--profile F | --cpu NAME | --live) [options]\n"
		"       vmxcfg vmcs --from-kvm [--kernel V] [--param N=V]... (--profile F | --cpu NAME | --live) [options]\n"
		"Check VMCS control fields against the SDM's VM-entry checks on VMX controls (VM-instruction error 7)\n"
		"on a CPU: every violated rule with its id (CAP-01, EXEC-07, ENTRY-03, ...), fields, bits and why.\n"
		"FILE ('-' = stdin): FIELD = VALUE lines (SDM names, identifiers like CPU_BASED_VM_EXEC_CONTROL or\n"
		"encodings like 0x4002), a JSON object with the same names (or a 'vmxcfg vmcs --json' report: its\n"
		"\"fields\"), or KVM's dump_vmcs output as pasted from dmesg / journalctl / xl dmesg.\n"
		"  --from-kvm        check the controls KVM programs for a new vCPU on this CPU (kvm-setup.md §6)\n"
		"  --maxphyaddr N    physical-address width (default: CPUID 0x80000008 of the source)\n"
		"  --format F        text, json or dump (default: detected)\n"
		"  --json            JSON output\n"
		"  --no-warnings     only error-7 rules (no unverified / not-error-7 / undecided reports)\n"
		"  --zero-missing    fields FILE does not give are 0 (default: unknown, their rules undecided)\n"
		"  --in-smm          the logical processor is in SMM (ENTRY-08)\n"
		"  --strict-errcode  ENTRY-05 with the 2016 SDM's bits 31:15 (default 31:16; bit 15 warns)\n"
		"  --host-64 | --host-32  the host's mode, for X-01 (default unknown; --from-kvm: 64)\n"
		"  --show-fields     print the field values checked\n");
	kvm_opts_usage(f);
	fprintf(f, "--from-kvm with no source option: this machine (as --live; --sysroot DIR)\n"
		   "exit: 0 the controls pass, 1 some rule fails (VM entry would fail with error 7), 2 bad input\n");
	fputs(CLI_EXIT_HELP, f);
}

/* Control class of a field, for bit names; -1 if the field is not a control vector. */
static int field_class(unsigned f)
{
	switch (f) {
	case VMCS_F_PIN: return VMX_CLASS_PIN;
	case VMCS_F_PRIMARY: return VMX_CLASS_PRIMARY;
	case VMCS_F_SECONDARY: return VMX_CLASS_SECONDARY;
	case VMCS_F_TERTIARY: return VMX_CLASS_TERTIARY;
	case VMCS_F_EXIT: return VMX_CLASS_EXIT;
	case VMCS_F_EXIT2: return VMX_CLASS_EXIT2;
	case VMCS_F_ENTRY: return VMX_CLASS_ENTRY;
	case VMCS_F_VMFUNC_CONTROLS: return VMX_CLASS_VMFUNC;
	default: return -1;
	}
}

static const char *kind_name(unsigned k)
{
	return k == VMCS_K_ERROR ? "error" : k == VMCS_K_WARNING ? "warning" : "undecided";
}

static const char *class_name(unsigned c)
{
	static const char *const n[] = { "error7", "unverified", "peer-only", "not-error7", "info", "none" };
	return c < 6 ? n[c] : "?";
}

static void text_bits(FILE *out, unsigned field, uint64_t bits)
{
	int cls = field_class(field);
	fprintf(out, "0x%" PRIx64, bits);
	if (cls >= 0) {
		fprintf(out, " (");
		vmx_fmt_bits(out, (enum vmx_class)cls, bits);
		fprintf(out, ")");
	}
}

static void text_finding(FILE *out, const struct vmcs_finding *x)
{
	const struct vmcs_rule_info *ri = vmcs_rule_get((enum vmcs_rule)x->rule);
	const struct vmcs_field_info *fi = x->field < VMCS_F_COUNT ? vmcs_field_get((enum vmcs_field)x->field) : NULL;
	const struct vmcs_field_info *f2 = x->field2 < VMCS_F_COUNT ? vmcs_field_get((enum vmcs_field)x->field2) : NULL;
	fprintf(out, "%-9s %-9s %s: %s", kind_name(x->kind), ri->id, ri->name, ri->text);
	if (x->kind == VMCS_K_UNDECIDED) {
		if (x->detail == VMCS_D_CAP_UNKNOWN && fi) {
			fprintf(out, " -- undecided: the TRUE capability MSR is missing from the snapshot, so %s bits ", fi->ident);
			text_bits(out, x->field, x->bits);
			fprintf(out, " (default1, clear here) may or may not be allowed to be 0\n");
		} else {
			fprintf(out, " -- undecided: %s not given\n", fi ? fi->ident : "a field");
		}
		return;
	}
	fprintf(out, " -- %s", vmcs_detail_text((enum vmcs_detail)x->detail));
	if (fi) {
		fprintf(out, ": %s = 0x%" PRIx64, fi->ident, x->value);
		if (x->bits) {
			fprintf(out, ", bits ");
			text_bits(out, x->field, x->bits);
		}
	}
	if (f2 && x->field2 != x->field) {
		fprintf(out, "; with %s", f2->ident);
		if (x->bits2) {
			fprintf(out, " bits ");
			text_bits(out, x->field2, x->bits2);
		}
	} else if (f2 && x->bits2) {
		fprintf(out, "; with bits ");
		text_bits(out, x->field2, x->bits2);
	}
	switch (x->detail) {
	case VMCS_D_SET_NOT_ALLOWED:
	case VMCS_D_CLEAR_REQUIRED:
		fprintf(out, "; capability MSR = 0x%016" PRIx64, x->limit);
		break;
	case VMCS_D_TOO_LARGE:
		fprintf(out, "; limit %" PRIu64, x->limit);
		break;
	case VMCS_D_MISALIGNED:
		fprintf(out, "; alignment %" PRIu64 " bytes", x->limit);
		break;
	case VMCS_D_BEYOND_WIDTH:
	case VMCS_D_AREA_END_BEYOND:
		fprintf(out, "; physical-address width %" PRIu64, x->limit);
		break;
	default:
		break;
	}
	fprintf(out, "\n");
}

static void json_finding(FILE *out, const struct vmcs_finding *x)
{
	const struct vmcs_rule_info *ri = vmcs_rule_get((enum vmcs_rule)x->rule);
	int cls;
	fprintf(out, "{\"rule\": \"%s\", \"name\": \"%s\", \"kind\": \"%s\", \"class\": \"%s\", \"text\": ", ri->id,
		ri->name, kind_name(x->kind), class_name(ri->cls));
	vmx_json_str(out, ri->text);
	fprintf(out, ", \"detail\": ");
	vmx_json_str(out, vmcs_detail_text((enum vmcs_detail)x->detail));
	if (x->field < VMCS_F_COUNT) {
		fprintf(out, ", \"field\": \"%s\", \"value\": ", vmcs_field_get((enum vmcs_field)x->field)->ident);
		vmx_json_hex(out, x->value);
		fprintf(out, ", \"bits\": ");
		vmx_json_hex(out, x->bits);
		if ((cls = field_class(x->field)) >= 0) {
			fprintf(out, ", \"bit_names\": ");
			vmx_json_bits(out, (enum vmx_class)cls, x->bits);
		}
	}
	if (x->field2 < VMCS_F_COUNT) {
		fprintf(out, ", \"field2\": \"%s\", \"bits2\": ", vmcs_field_get((enum vmcs_field)x->field2)->ident);
		vmx_json_hex(out, x->bits2);
		if ((cls = field_class(x->field2)) >= 0) {
			fprintf(out, ", \"bit_names2\": ");
			vmx_json_bits(out, (enum vmx_class)cls, x->bits2);
		}
	}
	fprintf(out, ", \"limit\": ");
	vmx_json_hex(out, x->limit);
	fprintf(out, "}");
}

/* MAXPHYADDR: CPUID 0x80000008 EAX[7:0]; without that leaf 36 if PAE or PSE-36, else 32 (SDM Vol. 3A 4.1.4). */
static unsigned snapshot_maxphyaddr(const struct vmx_snapshot *s, bool *from_cpuid)
{
	uint32_t max_ext = vmx_snapshot_cpuid_reg(s, 0x80000000u, 0, 0);
	uint32_t eax = max_ext >= 0x80000008u ? vmx_snapshot_cpuid_reg(s, 0x80000008u, 0, 0) & 0xffu : 0;
	uint32_t edx1 = vmx_snapshot_cpuid_reg(s, 1, 0, 3);
	*from_cpuid = eax != 0;
	if (eax)
		return eax;
	return (edx1 & ((1u << 6) | (1u << 17))) ? 36 : 32;
}

/* ko->kernel resolved to pol (cli_kernel_resolve; ko->sublevel set from it). */
static int kvm_fields(const struct kvm_opts *ko, const struct kvm_policy *pol, const struct vmx_snapshot *snap,
		      struct vmcs_fields *f, char *why, size_t whylen)
{
	static struct kvm_post post;
	struct kvm_params_input in;
	struct vmcs_kvm_params p;
	kvm_params_input_init(&in, pol, snap);
	if (kvm_opts_input(ko, pol, snap, &in, false))
		return CLI_BAD;
	kvm_post_setup(pol, &in, &post);
	/* An unknown firmware state (no IA32_FEATURE_CONTROL) is not a refusal: the caller says it assumes VMX on. */
	bool stopped = post.setup.precheck == KVM_PRE_NO_VMX || post.setup.precheck == KVM_PRE_FW_DISABLED;
	if (post.status != KVM_POST_OK || stopped) {
		snprintf(why, whylen, "kvm_intel %s would not load on this CPU (%s%s%s): no vCPU controls to check",
			 pol->version,
			 post.setup.precheck == KVM_PRE_NO_VMX	       ? "no VMX in CPUID"
			 : post.setup.precheck == KVM_PRE_FW_DISABLED ? "VMX disabled by firmware"
								       : kvm_post_status_name(post.status),
			 post.fail_reason && !stopped ? ": " : "", post.fail_reason && !stopped ? post.fail_reason : "");
		return CLI_NO;
	}
	/* effective module parameters -> per-vCPU derivation */
	p.vpid = post.p[KVM_P_VPID].value != 0;
	p.ept = post.p[KVM_P_EPT].value != 0;
	p.unrestricted_guest = post.p[KVM_P_UNRESTRICTED_GUEST].value != 0;
	p.flexpriority = post.p[KVM_P_FLEXPRIORITY].value != 0;
	p.vnmi = post.p[KVM_P_VNMI].value != 0;
	p.enable_apicv = post.p[KVM_P_ENABLE_APICV].value != 0;
	p.enable_ipiv = post.p[KVM_P_ENABLE_IPIV].present && post.p[KVM_P_ENABLE_IPIV].value != 0;
	p.pml = post.p[KVM_P_PML].value != 0;
	p.preemption_timer = post.p[KVM_P_PREEMPTION_TIMER].value != 0;
	p.cet = post.p[KVM_P_CET].present ? post.p[KVM_P_CET].value != 0
					  : (post.setup.cfg.entry & VMX_B32(ENTRY, LOAD_CET_STATE)) != 0;
	p.pt_mode_system = !post.p[KVM_P_PT_MODE].present || post.p[KVM_P_PT_MODE].value == 0;
	p.ple = post.p[KVM_P_PLE_GAP].value != 0 && (post.setup.cfg.secondary & VMX_B32(SECONDARY, PAUSE_LOOP_EXITING));
	vmcs_from_kvm(&post.setup, &p, f);
	return CLI_OK;
}

int cmd_vmcs(int argc, char **argv, FILE *out)
{
	struct cli_source src;
	struct kvm_opts ko;
	const char *file = NULL, *fmt_arg = NULL;
	bool json = false, from_kvm = false, zero_missing = false, show_fields = false, kvm_opt_used = false;
	unsigned maxphy = 0;
	uint32_t flags = 0;
	enum vmcs_input_format fmt = VMCS_IN_AUTO, used = VMCS_IN_AUTO;
	static struct vmcs_fields f;
	static struct vmcs_result r;
	const struct vmx_snapshot *snap;
	const struct kvm_policy *pol = NULL;
	struct cli_kernel kern;
	bool mp_from_cpuid = true;
	int rc;

	cli_source_init(&src);
	kvm_opts_init(&ko);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int k;
		if (cli_is(a, "--help") || cli_is(a, "-h")) {
			usage(out);
			return CLI_OK;
		}
		if ((k = cli_source_opt(&src, argc, argv, &i)) != 0) {
			if (k < 0)
				return CLI_BAD;
			continue;
		}
		if ((k = kvm_opts_parse(&ko, argc, argv, &i)) != 0) {
			if (k < 0)
				return CLI_BAD;
			kvm_opt_used = true;
			continue;
		}
		if (cli_is(a, "--json"))
			json = true;
		else if (cli_is(a, "--from-kvm"))
			from_kvm = true;
		else if (cli_is(a, "--no-warnings"))
			flags |= VMCS_CHECK_NO_WARNINGS;
		else if (cli_is(a, "--zero-missing"))
			zero_missing = true;
		else if (cli_is(a, "--in-smm"))
			flags |= VMCS_CHECK_IN_SMM;
		else if (cli_is(a, "--strict-errcode"))
			flags |= VMCS_CHECK_STRICT_ERRCODE;
		else if (cli_is(a, "--host-64"))
			flags |= VMCS_CHECK_HOST_64;
		else if (cli_is(a, "--host-32"))
			flags |= VMCS_CHECK_HOST_32;
		else if (cli_is(a, "--show-fields"))
			show_fields = true;
		else if (cli_opt(a, "--maxphyaddr")) {
			const char *v = cli_value(argc, argv, &i, "--maxphyaddr");
			char *end;
			unsigned long n;
			if (!v)
				return CLI_BAD;
			errno = 0;
			n = strtoul(v, &end, 10);
			if (errno || end == v || *end || n < 1 || n > 64 || v[0] == '-')
				return cli_error("--maxphyaddr %s: expected the physical-address width in bits, 1..64 (e.g. 39)", v);
			maxphy = (unsigned)n;
		} else if (cli_opt(a, "--format")) {
			fmt_arg = cli_value(argc, argv, &i, "--format");
			if (!fmt_arg)
				return CLI_BAD;
			if (strcmp(fmt_arg, "text") == 0)
				fmt = VMCS_IN_TEXT;
			else if (strcmp(fmt_arg, "json") == 0)
				fmt = VMCS_IN_JSON;
			else if (strcmp(fmt_arg, "dump") == 0 || strcmp(fmt_arg, "dump_vmcs") == 0)
				fmt = VMCS_IN_DUMP;
			else
				return cli_error("--format %s: expected text, json or dump", fmt_arg);
		} else if (a[0] == '-' && a[1] != 0) {
			return cli_error("vmcs: unknown option %s (see 'vmxcfg vmcs --help')", a);
		} else if (!file) {
			file = a;
		} else {
			return cli_error("vmcs: more than one FILE (%s and %s): expected one", file, a);
		}
	}
	if ((flags & VMCS_CHECK_HOST_64) && (flags & VMCS_CHECK_HOST_32))
		return cli_error("vmcs: --host-64 and --host-32 exclude each other");
	if (from_kvm == (file != NULL))
		return cli_error("vmcs: expected either FILE or --from-kvm (see 'vmxcfg vmcs --help')");
	if (kvm_opt_used && !from_kvm)
		return cli_error("vmcs: --kernel/--param/--tsc-khz only apply with --from-kvm");
	if (from_kvm && (fmt_arg || zero_missing))
		return cli_error("vmcs: --format/--zero-missing apply to FILE, not to --from-kvm");
	/* --from-kvm without a source option: this machine (as --live; a CPU without VMX answers by the precheck). */
	if (src.kind == CLI_SRC_NONE && !from_kvm)
		return cli_error("vmcs: no CPU given: expected --profile FILE, --cpu NAME or --live");
	src.no_vmx_ok = from_kvm;
	if (from_kvm) {
		if (!(pol = cli_kernel_resolve(ko.kernel, json, &kern)))
			return CLI_BAD;
		ko.sublevel = kern.info.sublevel;
	}

	if (file) {
		struct vmx_diag d;
		if (vmcs_input_load(file, fmt, &f, &used, &d))
			return cli_diag(&d);
	}
	if ((rc = cli_source_load(&src, CLI_SRC_LIVE)) != CLI_OK)
		return rc;
	if (src.prof.n_cpus == 0)
		return cli_error("%s: no CPU in the source", src.label);
	snap = &src.prof.cpus[0].snap;
	if (!maxphy)
		maxphy = snapshot_maxphyaddr(snap, &mp_from_cpuid);
	else
		mp_from_cpuid = true;

	bool fw_assumed = from_kvm && kvm_precheck(snap) == KVM_PRE_UNKNOWN;
	if (from_kvm) {
		char why[400];
		why[0] = 0;
		rc = kvm_fields(&ko, pol, snap, &f, why, sizeof why);
		if (rc == CLI_BAD) {
			cli_source_free(&src);
			return CLI_BAD;
		}
		if (rc == CLI_NO) {
			if (json) {
				fprintf(out, "{\"source\": ");
				vmx_json_str(out, src.label);
				fprintf(out, ", \"from_kvm\": \"%s\", \"kernel_info\": ", pol->version);
				cli_kernel_json(out, &kern);
				fprintf(out, ", \"verdict\": \"no_vcpu\", \"reason\": ");
				vmx_json_str(out, why);
				fprintf(out, "}\n");
			} else {
				fprintf(out, "%s\n", why);
			}
			cli_source_free(&src);
			return CLI_NO;
		}
		if (!(flags & VMCS_CHECK_HOST_32))
			flags |= VMCS_CHECK_HOST_64;
	} else if (zero_missing) {
		f.known = VMCS_KNOWN_ALL; /* values not given were initialized to 0 */
	}

	if (vmcs_check(snap, maxphy, &f, flags, &r) != VMX_OK) {
		cli_source_free(&src);
		return cli_error("vmcs: internal error: invalid arguments");
	}

	if (json) {
		fprintf(out, "{\n \"input\": ");
		vmx_json_str(out, file ? file : "--from-kvm");
		fprintf(out, ",\n \"format\": \"%s\",\n \"source\": ", from_kvm ? "kvm" : vmcs_input_format_name(used));
		vmx_json_str(out, src.label);
		if (pol) {
			fprintf(out, ",\n \"kernel\": \"%s\",\n \"kernel_info\": ", pol->version);
			cli_kernel_json(out, &kern);
		}
		if (fw_assumed)
			fprintf(out, ",\n \"precheck\": {\"status\": \"unknown\", \"reason\": \"%s\"}", CLI_FW_ASSUMED);
		fprintf(out, ",\n \"maxphyaddr\": %u, \"maxphyaddr_from_cpuid\": %s, \"paw\": %u, \"true_ctls\": %s,\n", maxphy,
			mp_from_cpuid ? "true" : "false", r.paw, r.true_ctls ? "true" : "false");
		fprintf(out, " \"verdict\": \"%s\", \"errors\": %u, \"warnings\": %u, \"truncated\": %s,\n",
			r.n_errors ? "fail" : "pass", r.n_errors, r.n_warnings, r.truncated ? "true" : "false");
		fprintf(out, " \"failed_rules\": [");
		for (unsigned i = 0, c = 0; i < VMCS_R_COUNT; i++)
			if (vmcs_rule_failed(&r, (enum vmcs_rule)i))
				fprintf(out, "%s\"%s\"", c++ ? ", " : "", vmcs_rule_get((enum vmcs_rule)i)->id);
		fprintf(out, "],\n \"findings\": [");
		for (unsigned i = 0; i < r.n; i++) {
			fprintf(out, "%s\n  ", i ? "," : "");
			json_finding(out, &r.f[i]);
		}
		fprintf(out, "%s],\n \"fields\": {", r.n ? "\n " : "");
		for (unsigned i = 0, c = 0; i < VMCS_F_COUNT; i++) {
			if (!((f.known >> i) & 1u))
				continue;
			fprintf(out, "%s\"%s\": ", c++ ? ", " : "", vmcs_field_get((enum vmcs_field)i)->ident);
			vmx_json_hex(out, f.v[i]);
		}
		fprintf(out, "}\n}\n");
	} else {
		fprintf(out, "%s (%s) on %s: %s capability MSRs, physical-address width %u%s\n",
			file ? file : "KVM's controls for a new vCPU", from_kvm ? pol->version : vmcs_input_format_name(used),
			src.label, r.true_ctls ? "TRUE" : "legacy", r.paw,
			mp_from_cpuid ? "" : " (CPUID 0x80000008 absent: SDM default)");
		if (fw_assumed)
			fprintf(out, "%s\n", CLI_FW_ASSUMED);
		if (show_fields || from_kvm) {
			for (unsigned i = 0; i < VMCS_F_COUNT; i++) {
				int cls = field_class(i);
				if (!((f.known >> i) & 1u) || (from_kvm && !show_fields && cls < 0))
					continue;
				fprintf(out, "  %-32s 0x%" PRIx64, vmcs_field_get((enum vmcs_field)i)->ident, f.v[i]);
				if (cls >= 0 && f.v[i]) {
					fprintf(out, "  ");
					vmx_fmt_bits(out, (enum vmx_class)cls, f.v[i]);
				}
				fprintf(out, "\n");
			}
		}
		for (unsigned i = 0; i < r.n; i++)
			text_finding(out, &r.f[i]);
		if (r.truncated)
			fprintf(out, "(more findings than %u: list truncated)\n", (unsigned)VMCS_MAX_FINDINGS);
		if (r.n_errors)
			fprintf(out, "FAIL: VM entry fails with VM-instruction error 7 (%u violation%s", r.n_errors,
				r.n_errors == 1 ? "" : "s");
		else
			fprintf(out, "PASS: the controls pass the VM-entry checks on VMX controls (");
		fprintf(out, "%s%u warning%s)\n", r.n_errors ? ", " : "", r.n_warnings, r.n_warnings == 1 ? "" : "s");
	}
	cli_source_free(&src);
	return r.n_errors ? CLI_NO : CLI_OK;
}
