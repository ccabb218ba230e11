/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg diff A B [--kernel V] [--json]
 * What host A offers and host B lacks (and the reverse), per MSR and bit; the KVM outcome on each; the nested
 * (L1) features that differ; the QEMU vmx-* features a guest started on A could not keep on B.
 * A and B: a profile file, an embedded profile name, or `-` for this machine.  Exit 0 when B offers everything
 * A does, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vmxcfg/nested.h>
#include <vmxcfg/params.h>
#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/hosts.h"
#include "host/baseline.h"
#include "host/fmt.h"
#include "host/qemu_names.h"

int cli_host_load(const char *arg, struct cli_source *src)
{
	cli_source_init(src);
	if (strcmp(arg, "-") == 0) {
		src->kind = CLI_SRC_LIVE;
	} else if (strchr(arg, '/') || access(arg, F_OK) == 0) {
		src->kind = CLI_SRC_PROFILE;
		src->arg = arg;
	} else {
		src->kind = CLI_SRC_CPU;
		src->arg = arg;
	}
	return cli_source_load(src, src->kind);
}

/* KVM words of a negotiation, with the class that names their bits. */
struct kw {
	const char *name;
	enum vmx_class cls;
	int shift;
};
static const struct kw kwords[] = {
	{ "pin", VMX_CLASS_PIN, 0 },      { "primary", VMX_CLASS_PRIMARY, 0 }, { "secondary", VMX_CLASS_SECONDARY, 0 },
	{ "tertiary", VMX_CLASS_TERTIARY, 0 }, { "exit", VMX_CLASS_EXIT, 0 },   { "entry", VMX_CLASS_ENTRY, 0 },
	{ "ept", VMX_CLASS_EPT_VPID, 0 }, { "vpid", VMX_CLASS_EPT_VPID, 32 },
};
#define N_KW (sizeof(kwords) / sizeof(kwords[0]))

void cli_kvm_words(const struct kvm_result *r, uint64_t w[8])
{
	w[0] = r->cfg.pin;
	w[1] = r->cfg.primary;
	w[2] = r->cfg.secondary;
	w[3] = r->cfg.tertiary;
	w[4] = r->cfg.exit;
	w[5] = r->cfg.entry;
	w[6] = r->ept;
	w[7] = (uint64_t)r->vpid << 32;
}

void cli_kvm_word_diff(FILE *out, const struct kvm_result *a, const struct kvm_result *b, bool json,
		       const char *indent)
{
	uint64_t wa[8], wb[8];
	cli_kvm_words(a, wa);
	cli_kvm_words(b, wb);
	const char *sep = "";
	if (json)
		fputc('{', out);
	for (size_t i = 0; i < N_KW; i++) {
		uint64_t only_a = wa[i] & ~wb[i], only_b = wb[i] & ~wa[i];
		if (!only_a && !only_b)
			continue;
		if (json) {
			fprintf(out, "%s\"%s\": {\"a_only\": ", sep, kwords[i].name);
			vmx_json_bits(out, kwords[i].cls, only_a);
			fputs(", \"b_only\": ", out);
			vmx_json_bits(out, kwords[i].cls, only_b);
			fputc('}', out);
			sep = ", ";
		} else {
			fprintf(out, "%s%-9s A only: ", indent, kwords[i].name);
			vmx_fmt_bits(out, kwords[i].cls, only_a);
			fputs("; B only: ", out);
			vmx_fmt_bits(out, kwords[i].cls, only_b);
			fputc('\n', out);
		}
	}
	if (json)
		fputc('}', out);
}

static const char *kvm_outcome(const struct kvm_result *r)
{
	if (r->precheck == KVM_PRE_NO_VMX)
		return "no VMX (CPUID.1:ECX.VMX = 0)";
	if (r->precheck == KVM_PRE_FW_DISABLED)
		return "VMX disabled by firmware (-EOPNOTSUPP)";
	return r->status == KVM_STATUS_OK ? "loads" : "fails with -EIO";
}

bool cli_kvm_loads(const struct kvm_result *r)
{
	return r->status == KVM_STATUS_OK && (r->precheck == KVM_PRE_OK || r->precheck == KVM_PRE_UNKNOWN);
}

/*
 * Nested (L1) view: the VMX MSRs KVM of this version (default module parameters) offers an L1 guest
 * (include/vmxcfg/nested.h).  This is what QEMU reads as the host's features (qemu-vmx-names.md §1).
 * When kvm_intel does not load or nested is off, L1 gets no VMX MSRs at all: *l1 holds only CPUID.
 */
bool cli_nested_snapshot(const struct kvm_policy *p, int sublevel, const struct vmx_snapshot *s,
			 struct vmx_snapshot *l1, const char **why)
{
	struct kvm_params_input in;
	static struct kvm_post post;
	struct kvm_nested n;
	kvm_params_input_init(&in, p, s);
	in.sublevel = sublevel;
	int rc = kvm_nested_compute(p, &in, &post, &n, l1);
	if (rc == VMX_OK && n.valid)
		return true;
	vmx_snapshot_init(l1);
	for (uint32_t i = 0; i < s->n_cpuid; i++)
		vmx_snapshot_set_cpuid(l1, &s->cpuid[i]);
	if (why) {
		if (rc == VMX_OK && n.none == KVM_NESTED_DISABLED)
			*why = "nested=0: KVM offers no VMX to guests";
		else if (post.setup.precheck == KVM_PRE_FW_DISABLED)
			*why = "kvm_intel would not load: VMX disabled by firmware (IA32_FEATURE_CONTROL locked without "
			       "'VMX outside SMX'), so there is no L1 offer";
		else if (post.setup.precheck == KVM_PRE_NO_VMX)
			*why = "kvm_intel would not load: no VMX in CPUID, so there is no L1 offer";
		else if (post.status == KVM_POST_EIO)
			*why = "kvm_intel would not load: setup_vmcs_config fails with -EIO (see vmxcfg kvm), so there is no "
			       "L1 offer";
		else
			*why = "kvm_intel would not load, so there is no L1 offer";
	}
	return false;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg diff A B [--kernel VERSION] [--json]\n"
		   "  A, B      a profile file, an embedded profile name (see 'vmxcfg profiles'), or - for this machine\n"
		   "  --kernel  kvm_intel version for the KVM and nested comparison (default: newest)\n"
		   "exit: 0 B offers everything A does, 1 it does not, 2 bad input\n");
}

struct side {
	struct cli_source src;
	const struct vmx_snapshot *s;
	struct kvm_result r;
	struct vmx_snapshot l1;
	bool has_l1;       /* KVM offers L1 VMX (else l1 is CPUID only and no_l1 says why) */
	const char *no_l1;
	struct vmx_qemu_words host, guest;
};

static void json_offer(FILE *out, const struct side *x)
{
	if (x->has_l1) {
		fputs("{\"l1_offer\": true}", out);
		return;
	}
	fputs("{\"l1_offer\": null, \"l1_offer_reason\": ", out);
	vmx_json_str(out, x->no_l1);
	fputc('}', out);
}

static void print_who(FILE *out, const char *tag, const struct side *x)
{
	const char *name = vmx_profile_meta(&x->src.prof, "name");
	fprintf(out, "%s: %s", tag, x->src.label);
	if (name)
		fprintf(out, " (%s)", name);
	fputc('\n', out);
}

int cmd_diff(int argc, char **argv, FILE *out)
{
	const char *args[2] = { NULL, NULL };
	int nargs = 0;
	const char *kernel = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		int s = cli_shared_opt(argc, argv, &i, &json, &kernel, NULL);
		if (s < 0)
			return CLI_BAD;
		if (s > 0)
			continue;
		if (cli_is_option(argv[i])) {
			return cli_common_opt("diff", argv[i], usage, out);
		} else if (nargs < 2) {
			args[nargs++] = argv[i];
		} else {
			cli_error("diff: too many arguments: expected two hosts A B");
			return CLI_BAD;
		}
	}
	if (nargs != 2) {
		cli_error("diff: expected two hosts A B (profile files, embedded names or - for this machine)");
		usage(stderr);
		return CLI_BAD;
	}
	struct cli_kernel kern;
	const struct kvm_policy *pol = cli_kernel_resolve(kernel, json, &kern);
	if (!pol)
		return CLI_BAD;
	struct side *x = cli_calloc(2, sizeof(*x));
	if (!x)
		return CLI_BAD;
	int rc = CLI_BAD;
	for (int k = 0; k < 2; k++) {
		if (cli_host_load(args[k], &x[k].src) != CLI_OK) {
			if (k == 1)
				cli_source_free(&x[0].src);
			cli_source_free(&x[k].src);
			free(x);
			return CLI_BAD;
		}
	}
	for (int k = 0; k < 2; k++) {
		struct kvm_input in;
		x[k].s = &x[k].src.prof.cpus[0].snap;
		kvm_input_init(&in, x[k].s);
		kvm_setup_vmcs_config(pol, &in, &x[k].r);
		x[k].has_l1 = cli_nested_snapshot(pol, kern.info.sublevel, x[k].s, &x[k].l1, &x[k].no_l1);
		/* QEMU's host features are KVM's L1 offer: none (CPUID only) when KVM offers no L1 VMX. */
		vmx_qemu_words_from_snapshot(&x[k].l1, &x[k].host);
		vmx_qemu_guest_features(&x[k].host, x[k].s, &x[k].guest);
	}
	struct vmx_gap ab[VMX_MAX_GAPS], ba[VMX_MAX_GAPS];
	size_t nab, nba;
	size_t gab = vmx_caps_gaps(x[0].s, x[1].s, ab, VMX_MAX_GAPS, &nab);
	size_t gba = vmx_caps_gaps(x[1].s, x[0].s, ba, VMX_MAX_GAPS, &nba);
	struct vmx_qemu_words lost, gained;
	bool any_lost = false;
	for (int w = 0; w < VMX_QW_COUNT; w++) {
		lost.w[w] = x[0].guest.w[w] & ~x[1].host.w[w];
		gained.w[w] = x[1].guest.w[w] & ~x[0].host.w[w];
		any_lost |= lost.w[w] != 0;
	}
	bool both_l1 = x[0].has_l1 && x[1].has_l1;
	struct vmx_gap nab_g[VMX_MAX_GAPS], nba_g[VMX_MAX_GAPS];
	size_t nnab = 0, nnba = 0, ngab = 0;
	if (both_l1) {
		ngab = vmx_caps_gaps(&x[0].l1, &x[1].l1, nab_g, VMX_MAX_GAPS, &nnab);
		vmx_caps_gaps(&x[1].l1, &x[0].l1, nba_g, VMX_MAX_GAPS, &nnba);
	}
	bool kvm_worse = cli_kvm_loads(&x[0].r) && !cli_kvm_loads(&x[1].r);
	/* A B without an L1 offer does not cover an A that has one. */
	bool l1_worse = x[0].has_l1 && !x[1].has_l1;
	bool covers = gab == 0 && !kvm_worse && !l1_worse && !any_lost && ngab == 0;

	if (json) {
		fputs("{\n \"a\": ", out);
		vmx_json_str(out, x[0].src.label);
		fputs(",\n \"b\": ", out);
		vmx_json_str(out, x[1].src.label);
		fputs(",\n \"a_not_b\": [", out);
		const char *sep = "";
		for (size_t i = 0; i < nab; i++) {
			if (ab[i].kind == VMX_GAP_NOTE)
				continue;
			fputs(sep, out);
			vmx_gap_json(out, &ab[i]);
			sep = ", ";
		}
		fputs("],\n \"b_not_a\": [", out);
		sep = "";
		for (size_t i = 0; i < nba; i++) {
			if (ba[i].kind == VMX_GAP_NOTE)
				continue;
			fputs(sep, out);
			vmx_gap_json(out, &ba[i]);
			sep = ", ";
		}
		fputs("],\n \"notes\": [", out);
		sep = "";
		for (size_t i = 0; i < nab; i++) {
			if (ab[i].kind != VMX_GAP_NOTE)
				continue;
			fputs(sep, out);
			vmx_gap_json(out, &ab[i]);
			sep = ", ";
		}
		fprintf(out, "],\n \"kvm\": {\"kernel\": \"%s\", \"kernel_info\": ", pol->version);
		cli_kernel_json(out, &kern);
		fprintf(out, ", \"a\": {\"status\": \"%s\", \"loads\": %s}, "
			     "\"b\": {\"status\": \"%s\", \"loads\": %s}, \"config_diff\": ",
			x[0].r.status == KVM_STATUS_OK ? "ok" : "eio",
			cli_kvm_loads(&x[0].r) ? "true" : "false", x[1].r.status == KVM_STATUS_OK ? "ok" : "eio",
			cli_kvm_loads(&x[1].r) ? "true" : "false");
		if (cli_kvm_loads(&x[0].r) && cli_kvm_loads(&x[1].r))
			cli_kvm_word_diff(out, &x[0].r, &x[1].r, true, "");
		else
			fputs("null", out);
		fputs("},\n \"nested\": ", out);
		if (!both_l1) {
			fputs("{\"available\": false, \"a\": ", out);
			json_offer(out, &x[0]);
			fputs(", \"b\": ", out);
			json_offer(out, &x[1]);
			fputc('}', out);
		} else {
			fputs("{\"available\": true, \"a_not_b\": [", out);
			sep = "";
			for (size_t i = 0; i < nnab; i++) {
				if (nab_g[i].kind == VMX_GAP_NOTE)
					continue;
				fputs(sep, out);
				vmx_gap_json(out, &nab_g[i]);
				sep = ", ";
			}
			fputs("], \"b_not_a\": [", out);
			sep = "";
			for (size_t i = 0; i < nnba; i++) {
				if (nba_g[i].kind == VMX_GAP_NOTE)
					continue;
				fputs(sep, out);
				vmx_gap_json(out, &nba_g[i]);
				sep = ", ";
			}
			fputs("]}", out);
		}
		fputs(",\n \"qemu\": {\"host_features_from\": \"kvm_nested\", \"lost_a_to_b\": [", out);
		vmx_qemu_print_lost(out, &lost, ", ", true);
		fputs("], \"lost_b_to_a\": [", out);
		vmx_qemu_print_lost(out, &gained, ", ", true);
		fprintf(out, "]},\n \"b_covers_a\": %s\n}\n", covers ? "true" : "false");
	} else {
		print_who(out, "A", &x[0]);
		print_who(out, "B", &x[1]);
		fprintf(out, "\nA has, B lacks (%zu):\n", gab);
		for (size_t i = 0; i < nab; i++)
			if (ab[i].kind != VMX_GAP_NOTE)
				vmx_gap_print(out, &ab[i]);
		if (!gab)
			fputs("  nothing\n", out);
		fprintf(out, "B has, A lacks (%zu):\n", gba);
		for (size_t i = 0; i < nba; i++)
			if (ba[i].kind != VMX_GAP_NOTE)
				vmx_gap_print(out, &ba[i]);
		if (!gba)
			fputs("  nothing\n", out);
		bool note = false;
		for (size_t i = 0; i < nab; i++) {
			if (ab[i].kind != VMX_GAP_NOTE)
				continue;
			if (!note)
				fputs("Differ (A vs B):\n", out);
			note = true;
			vmx_gap_print(out, &ab[i]);
		}
		fprintf(out, "\nKVM (kernel %s): A %s, B %s\n", pol->version, kvm_outcome(&x[0].r), kvm_outcome(&x[1].r));
		for (int k = 0; k < 2; k++)
			if (x[k].r.precheck == KVM_PRE_UNKNOWN)
				fprintf(out, "  %c: %s\n", "AB"[k], CLI_FW_ASSUMED);
		if (cli_kvm_loads(&x[0].r) && cli_kvm_loads(&x[1].r))
			cli_kvm_word_diff(out, &x[0].r, &x[1].r, false, "  ");
		if (both_l1) {
			fprintf(out, "\nNested (L1) features A offers and B lacks (%zu):\n", ngab);
			for (size_t i = 0; i < nnab; i++)
				if (nab_g[i].kind != VMX_GAP_NOTE)
					vmx_gap_print(out, &nab_g[i]);
			fputs("Nested (L1) features B offers and A lacks:\n", out);
			for (size_t i = 0; i < nnba; i++)
				if (nba_g[i].kind != VMX_GAP_NOTE)
					vmx_gap_print(out, &nba_g[i]);
		} else {
			fputs("\nNested (L1):\n", out);
			for (int k = 0; k < 2; k++)
				fprintf(out, "  %c: %s%s\n", "AB"[k], x[k].has_l1 ? "KVM offers L1 VMX" : "no L1 offer: ",
					x[k].has_l1 ? "" : x[k].no_l1);
		}
		fprintf(out, "\nQEMU: vmx-* features a guest started on A (-cpu host) could not keep on B%s:\n  ",
			!x[1].has_l1 ? " (B has no L1 offer: a guest there gets no VMX)"
			: !x[0].has_l1 ? " (A has no L1 offer: a guest there gets no VMX)"
				       : "");
		if (!vmx_qemu_print_lost(out, &lost, ",", false))
			fputs("none", out);
		fputs("\n  and from B to A: ", out);
		if (!vmx_qemu_print_lost(out, &gained, ",", false))
			fputs("none", out);
		fprintf(out, "\n\n%s\n", covers ? "B offers everything A does" : "B does not offer everything A does");
	}
	rc = covers ? CLI_OK : CLI_NO;
	cli_source_free(&x[0].src);
	cli_source_free(&x[1].src);
	free(x);
	return rc;
}
