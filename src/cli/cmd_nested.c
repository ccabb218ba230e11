/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg nested (--profile FILE | --cpu NAME | --live) [--kernel V] [--param N=V]... [-o FILE] [--json]
 * The VMX capability MSRs KVM exposes to an L1 guest, written as a profile; text lists what L1 loses.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/kvm_opts.h"
#include "host/fmt.h"
#include "host/profile.h"

/* Capability views compared between L0 and L1: allowed-1 bits of each class. */
struct view {
	const char *name;
	enum vmx_class cls;
};
static const struct view views[] = {
	{ "pin", VMX_CLASS_PIN },       { "primary", VMX_CLASS_PRIMARY }, { "secondary", VMX_CLASS_SECONDARY },
	{ "tertiary", VMX_CLASS_TERTIARY }, { "exit", VMX_CLASS_EXIT }, { "entry", VMX_CLASS_ENTRY },
	{ "ept_vpid", VMX_CLASS_EPT_VPID }, { "basic", VMX_CLASS_BASIC }, { "misc", VMX_CLASS_MISC },
	{ "vmfunc", VMX_CLASS_VMFUNC },
};
#define N_VIEWS (sizeof(views) / sizeof(views[0]))

/* The bits a CPU (snapshot) offers in a class: allowed-1 of the TRUE MSR if present, else the legacy one. */
static uint64_t offered(const struct vmx_snapshot *s, enum vmx_class c)
{
	enum vmx_msr_slot legacy, tru = VMX_MSR_COUNT;
	switch (c) {
	case VMX_CLASS_PIN: legacy = VMX_MSR_PINBASED; tru = VMX_MSR_TRUE_PINBASED; break;
	case VMX_CLASS_PRIMARY: legacy = VMX_MSR_PROCBASED; tru = VMX_MSR_TRUE_PROCBASED; break;
	case VMX_CLASS_EXIT: legacy = VMX_MSR_EXIT; tru = VMX_MSR_TRUE_EXIT; break;
	case VMX_CLASS_ENTRY: legacy = VMX_MSR_ENTRY; tru = VMX_MSR_TRUE_ENTRY; break;
	case VMX_CLASS_SECONDARY:
		return (vmx_snapshot_msr(s, VMX_MSR_PROCBASED) >> 63) ? vmx_allowed1(vmx_snapshot_msr(s, VMX_MSR_PROCBASED2))
									 : 0;
	case VMX_CLASS_TERTIARY:
		return (vmx_snapshot_msr(s, VMX_MSR_PROCBASED) >> (32 + 17)) & 1 ? vmx_snapshot_msr(s, VMX_MSR_PROCBASED3)
										   : 0;
	case VMX_CLASS_EPT_VPID: return vmx_snapshot_msr(s, VMX_MSR_EPT_VPID_CAP);
	case VMX_CLASS_BASIC: return vmx_snapshot_msr(s, VMX_MSR_BASIC);
	case VMX_CLASS_MISC: return vmx_snapshot_msr(s, VMX_MSR_MISC);
	case VMX_CLASS_VMFUNC: return vmx_snapshot_msr(s, VMX_MSR_VMFUNC);
	default: return 0;
	}
	bool use_true = (vmx_snapshot_msr(s, VMX_MSR_BASIC) & VMX_B(BASIC, TRUE_CTLS)) && vmx_snapshot_has(s, tru);
	return vmx_allowed1(vmx_snapshot_msr(s, use_true ? tru : legacy));
}

/* Only named single-bit flags count for BASIC and MISC (multi-bit fields are compared as values). */
static uint64_t named_mask(enum vmx_class c)
{
	const struct vmx_class_info *ci = vmx_class_get(c);
	uint64_t m = 0;
	for (size_t i = 0; ci && i < ci->n_bits; i++)
		m |= 1ull << ci->bits[i].bit;
	return m;
}

static uint64_t view_bits(const struct vmx_snapshot *s, enum vmx_class c)
{
	uint64_t v = offered(s, c);
	if (c == VMX_CLASS_BASIC || c == VMX_CLASS_MISC)
		v &= named_mask(c);
	if (c != VMX_CLASS_EPT_VPID && c != VMX_CLASS_BASIC && c != VMX_CLASS_MISC && c != VMX_CLASS_VMFUNC &&
	    c != VMX_CLASS_TERTIARY) {
		const struct vmx_class_info *ci = vmx_class_get(c);
		v &= ~(ci ? ci->default1 : 0); /* default1 bits are not features */
	}
	return v;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg nested [--profile FILE | --cpu NAME | --live] [--sysroot DIR] [--kernel V]\n"
		   "                     [--param NAME=VALUE]... [-o FILE] [--json]\n"
		   "the VMX capability MSRs (0x480-0x491, TRUE and legacy) KVM exposes to an L1 guest; no source option:\n"
		   "this machine (as --live)\n"
		   "  -o FILE          write them as a profile (CPUID passed through); '-' = stdout instead of the text\n");
	kvm_opts_usage(f);
	fprintf(f, "exit: 0 L1 gets VMX, 1 it does not (kvm_intel fails to load, or nested=0), 3 the source is\n"
		   "/proc/cpuinfo (only part of the MSRs)\n");
	fputs(CLI_EXIT_HELP, f);
}

static void text_loss(FILE *out, const struct vmx_snapshot *l0, const struct vmx_snapshot *l1)
{
	fprintf(out, "\nwhat L1 loses compared with L0 (allowed-1 bits; TRUE MSRs where the CPU has them):\n");
	for (size_t k = 0; k < N_VIEWS; k++) {
		uint64_t a = view_bits(l0, views[k].cls), b = view_bits(l1, views[k].cls);
		fprintf(out, "  %-10s ", views[k].name);
		if (a & ~b) {
			fprintf(out, "lost: ");
			vmx_fmt_bits(out, views[k].cls, a & ~b);
		} else {
			fprintf(out, "nothing lost");
		}
		if (b & ~a) {
			fprintf(out, "; emulated/added by KVM: ");
			vmx_fmt_bits(out, views[k].cls, b & ~a);
		}
		fputc('\n', out);
	}
	uint64_t b0 = vmx_snapshot_msr(l0, VMX_MSR_BASIC), b1 = vmx_snapshot_msr(l1, VMX_MSR_BASIC);
	fprintf(out, "  VMCS revision 0x%" PRIx32 " -> 0x%" PRIx32 ", VMCS size %" PRIu32 " -> %" PRIu32
		     ", preemption-timer rate %u -> %u, CR3-target count %u -> %u, MSR-list limit %u -> %u\n",
		vmx_basic_revision(b0), vmx_basic_revision(b1), vmx_basic_vmcs_size(b0), vmx_basic_vmcs_size(b1),
		(unsigned)(vmx_snapshot_msr(l0, VMX_MSR_MISC) & 31), (unsigned)(vmx_snapshot_msr(l1, VMX_MSR_MISC) & 31),
		(unsigned)((vmx_snapshot_msr(l0, VMX_MSR_MISC) >> 16) & 0x1ff),
		(unsigned)((vmx_snapshot_msr(l1, VMX_MSR_MISC) >> 16) & 0x1ff),
		(unsigned)(512 * (((vmx_snapshot_msr(l0, VMX_MSR_MISC) >> 25) & 7) + 1)),
		(unsigned)(512 * (((vmx_snapshot_msr(l1, VMX_MSR_MISC) >> 25) & 7) + 1)));
}

static void json_loss(FILE *out, const struct vmx_snapshot *l0, const struct vmx_snapshot *l1)
{
	fputs(",\n \"lost\": {", out);
	for (size_t k = 0; k < N_VIEWS; k++) {
		uint64_t a = view_bits(l0, views[k].cls), b = view_bits(l1, views[k].cls);
		fprintf(out, "%s\"%s\": ", k ? ", " : "", views[k].name);
		vmx_json_bits(out, views[k].cls, a & ~b);
	}
	fputs("},\n \"added\": {", out);
	for (size_t k = 0; k < N_VIEWS; k++) {
		uint64_t a = view_bits(l0, views[k].cls), b = view_bits(l1, views[k].cls);
		fprintf(out, "%s\"%s\": ", k ? ", " : "", views[k].name);
		vmx_json_bits(out, views[k].cls, b & ~a);
	}
	fputs("}", out);
}

static const char *none_reason(const struct kvm_post *post, const struct kvm_nested *n)
{
	if (n->none == KVM_NESTED_DISABLED)
		return "nested=0: KVM offers no VMX to guests";
	if (post->status == KVM_POST_OK && post->setup.precheck == KVM_PRE_FW_DISABLED)
		return "kvm_intel does not load on L0: firmware left VMX disabled (IA32_FEATURE_CONTROL locked without "
		       "'VMX outside SMX'), so KVM offers no VMX to guests";
	if (post->status == KVM_POST_OK && post->setup.precheck == KVM_PRE_NO_VMX)
		return "kvm_intel does not load on L0: CPUID.1:ECX.VMX is 0";
	if (post->status == KVM_POST_EIO)
		return "kvm_intel does not load on L0 (setup_vmcs_config fails; see vmxcfg kvm)";
	return post->fail_reason ? post->fail_reason : "kvm_intel does not load on L0";
}

int cmd_nested(int argc, char **argv, FILE *out)
{
	struct cli_source src;
	cli_source_init(&src);
	struct kvm_opts opts;
	kvm_opts_init(&opts);
	const char *ofile = NULL;
	int rc = CLI_BAD;
	struct vmx_profile l1prof;
	vmx_profile_init(&l1prof);
	for (int i = 1; i < argc; i++) {
		int s = kvm_opts_cmdline(&opts, &src, argc, argv, &i, &ofile);
		if (s <= 0) {
			rc = s < 0 ? CLI_BAD : cli_common_opt("nested", argv[i], usage, out);
			goto done;
		}
	}
	bool json = opts.json;
	if (opts.kernel && !strcmp(opts.kernel, "all")) {
		cli_error("nested: --kernel all is not supported here: give one version");
		goto done;
	}
	struct cli_kernel kern;
	const struct kvm_policy *pol = cli_kernel_resolve(opts.kernel, json, &kern);
	if (!pol)
		goto done;
	opts.sublevel = kern.info.sublevel;
	/* No source option: this machine (--live, /proc/cpuinfo when the msr device is not readable). */
	src.no_vmx_ok = true;
	if (json && ofile && !strcmp(ofile, "-")) {
		cli_error("nested: -o - and --json both want stdout: give -o FILE");
		goto done;
	}
	if ((rc = cli_source_load_msrs(&src)) != CLI_OK)
		goto done;
	rc = CLI_BAD;
	const struct vmx_snapshot *l0 = &src.prof.cpus[0].snap;
	struct kvm_params_input in;
	if (kvm_opts_input(&opts, pol, l0, &in, false))
		goto done;
	static struct kvm_post post;
	struct kvm_nested n;
	static struct vmx_snapshot l1;
	kvm_nested_compute(pol, &in, &post, &n, &l1);
	const char *name = vmx_profile_meta(&src.prof, "name");
	if (!name)
		name = src.label;

	if (n.valid) {
		char buf[VMX_META_VAL];
		/* Chains: an L1 profile carries "level: 1" and the L0 name, so L2 is named after L0 too. */
		const char *lv = vmx_profile_meta(&src.prof, "level");
		const char *l0name = vmx_profile_meta(&src.prof, "l0");
		int level = (lv ? (int)(strtol(lv, NULL, 10) % 1000) : 0) + 1;
		if (level < 1)
			level = 1;
		if (!lv || !l0name)
			l0name = name;
		if (lv && l0name != name)
			snprintf(buf, sizeof(buf), "L%d guest of %s (KVM %s on L%d)", level, l0name, pol->version, level - 1);
		else
			snprintf(buf, sizeof(buf), "L%d guest of %s under KVM %s", level, l0name, pol->version);
		vmx_profile_set_meta(&l1prof, "name", buf);
		snprintf(buf, sizeof(buf), "%d", level);
		vmx_profile_set_meta(&l1prof, "level", buf);
		vmx_profile_set_meta(&l1prof, "l0", l0name);
		const char *uarch = vmx_profile_meta(&src.prof, "uarch");
		if (uarch)
			vmx_profile_set_meta(&l1prof, "uarch", uarch);
		snprintf(buf, sizeof(buf), "vmxcfg nested --kernel %s from %s (VMX MSRs KVM on L%d exposes to its guest; "
					   "CPUID passed through; IA32_FEATURE_CONTROL locked with VMX enabled)",
			 pol->version, src.label, level - 1);
		vmx_profile_set_meta(&l1prof, "source", buf);
		if (opts.n_params) {
			size_t off = 0;
			buf[0] = 0;
			for (size_t k = 0; k < opts.n_params && off < sizeof(buf); k++)
				off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", k ? " " : "",
							opts.params[k].arg);
			vmx_profile_set_meta(&l1prof, "note", buf);
		}
		if (vmx_profile_add_cpu(&l1prof, -1, &l1)) {
			cli_error("out of memory");
			goto done;
		}
	}

	bool to_stdout = ofile && !strcmp(ofile, "-");
	if (json) {
		fputs("{\n \"kernel\": ", out);
		vmx_json_str(out, pol->version);
		fputs(",\n \"kernel_info\": ", out);
		cli_kernel_json(out, &kern);
		fputs(",\n \"profile\": ", out);
		vmx_json_str(out, src.label);
		fprintf(out, ",\n \"status\": \"%s\",\n \"l1_vmx\": %s", kvm_post_status_name(post.status),
			n.valid ? "true" : "false");
		if (post.setup.precheck == KVM_PRE_UNKNOWN)
			fprintf(out, ",\n \"precheck\": {\"status\": \"unknown\", \"reason\": \"%s\"}", CLI_FW_ASSUMED);
		if (!n.valid) {
			fputs(",\n \"reason\": ", out);
			vmx_json_str(out, none_reason(&post, &n));
		}
		fputs(",\n \"params\": {", out);
		const char *sep = "";
		for (int i = 0; i < KVM_P_COUNT; i++) {
			if (!post.p[i].present)
				continue;
			fprintf(out, "%s\"%s\": %" PRId64, sep, kvm_param_get((enum kvm_param)i)->name, post.p[i].value);
			sep = ", ";
		}
		fputs("},\n \"nested\": ", out);
		if (!n.valid) {
			fputs("null", out);
		} else {
			fputs("{", out);
			for (unsigned i = 0; i < KVM_NESTED_N_MSR; i++) {
				fprintf(out, "%s\"0x%x\": ", i ? ", " : "", KVM_NESTED_FIRST_MSR + i);
				if ((n.exposed >> i) & 1)
					vmx_json_hex(out, n.msr[i]);
				else
					fputs("null", out);
			}
			fputs("}", out);
			json_loss(out, l0, &l1);
		}
		fputs("\n}\n", out);
	} else if (to_stdout) {
		if (n.valid && vmx_profile_write(out, &l1prof)) {
			cli_error("writing the profile failed");
			goto done;
		}
	} else {
		fprintf(out, "L0: %s (%s)\nkernel: %s (KVM on L0)\n", name, src.label, pol->version);
		if (post.setup.precheck == KVM_PRE_UNKNOWN)
			fprintf(out, "%s\n", CLI_FW_ASSUMED);
		if (!n.valid) {
			fprintf(out, "L1 gets no VMX: %s\n", none_reason(&post, &n));
		} else {
			fprintf(out, "L0 parameters that shape L1's VMX:");
			static const enum kvm_param shaping[] = { KVM_P_EPT, KVM_P_EPTAD, KVM_P_VPID,
								  KVM_P_UNRESTRICTED_GUEST, KVM_P_FLEXPRIORITY,
								  KVM_P_ENABLE_APICV, KVM_P_SGX };
			for (size_t k = 0; k < sizeof(shaping) / sizeof(shaping[0]); k++)
				if (post.p[shaping[k]].present)
					fprintf(out, " %s=%" PRId64, kvm_param_get(shaping[k])->name,
						post.p[shaping[k]].value);
			fprintf(out, "\n\nMSRs exposed to L1 (as L1 reads them):\n");
			for (unsigned i = 0; i < KVM_NESTED_N_MSR; i++) {
				int slot = vmx_msr_slot(KVM_NESTED_FIRST_MSR + i);
				fprintf(out, "  0x%x %-28s ", KVM_NESTED_FIRST_MSR + i,
					slot >= 0 ? vmx_msr_name((enum vmx_msr_slot)slot) : "?");
				if ((n.exposed >> i) & 1)
					fprintf(out, "0x%016" PRIx64 "\n", n.msr[i]);
				else
					fprintf(out, "not exposed (reading it faults in L1)\n");
			}
			text_loss(out, l0, &l1);
			if (ofile)
				fprintf(out, "\nL1 profile written to %s (try: vmxcfg kvm --profile %s)\n", ofile, ofile);
		}
	}
	if (n.valid && ofile && !to_stdout) {
		FILE *f = fopen(ofile, "w");
		if (!f) {
			cli_error("-o %s: cannot create the file", ofile);
			goto done;
		}
		int w = vmx_profile_write(f, &l1prof);
		if (fclose(f) || w) {
			cli_error("-o %s: writing failed", ofile);
			goto done;
		}
	}
	rc = n.valid ? CLI_OK : CLI_NO;
done:
	vmx_profile_free(&l1prof);
	cli_source_free(&src);
	return rc;
}
