/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg group [FILE... | -] [--by kvm|caps] [--kernel V] [--json]
 * Groups hosts whose negotiated KVM configuration (or capability MSRs) are identical; prints each group with
 * its size, member names and how it differs from the largest group.  Reads profiles and streams of profiles
 * one at a time: memory grows with the number of groups, not hosts.  --json: one JSON object per line.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/hosts.h"
#include "host/baseline.h"
#include "host/fmt.h"
#include "host/group.h"

struct gctx {
	const struct kvm_policy *pol;
	bool by_caps;
	struct vmx_grouper g;
	struct kvm_result r;
	bool oom;
};

static int add_host(void *ctx, const struct vmx_stream_item *it)
{
	struct gctx *c = ctx;
	struct vmx_group_key k;
	if (c->by_caps) {
		vmx_group_key_caps(&it->snap, &k);
	} else {
		struct kvm_input in;
		kvm_input_init(&in, &it->snap);
		kvm_setup_vmcs_config(c->pol, &in, &c->r);
		vmx_group_key_kvm(&c->r, &k);
	}
	if (vmx_grouper_add(&c->g, &k, it->label) < 0) {
		c->oom = true;
		return cli_error("out of memory");
	}
	return 0;
}

/* KVM key words that carry bits, with the class that names them. */
static const struct {
	int idx;
	const char *name;
	enum vmx_class cls;
	int shift;
} kw[] = {
	{ 3, "pin", VMX_CLASS_PIN, 0 },   { 4, "primary", VMX_CLASS_PRIMARY, 0 }, { 5, "secondary", VMX_CLASS_SECONDARY, 0 },
	{ 6, "tertiary", VMX_CLASS_TERTIARY, 0 }, { 7, "exit", VMX_CLASS_EXIT, 0 }, { 8, "entry", VMX_CLASS_ENTRY, 0 },
	{ 10, "ept", VMX_CLASS_EPT_VPID, 0 }, { 11, "vpid", VMX_CLASS_EPT_VPID, 32 },
};

static const char *kvm_state(const struct vmx_group_key *k)
{
	if (k->w[1] == KVM_PRE_NO_VMX)
		return "no VMX";
	if (k->w[1] == KVM_PRE_FW_DISABLED)
		return "VMX disabled by firmware";
	return k->w[0] == KVM_STATUS_OK ? "loads" : "fails with -EIO";
}

static void kvm_diff(FILE *out, const struct vmx_group_key *big, const struct vmx_group_key *k, bool json)
{
	const char *sep = "";
	bool any = false;
	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		uint64_t a = k->w[kw[i].idx] << kw[i].shift, b = big->w[kw[i].idx] << kw[i].shift;
		uint64_t add = a & ~b, rem = b & ~a;
		if (!add && !rem)
			continue;
		any = true;
		if (json) {
			fprintf(out, "%s\"%s\": {\"extra\": ", sep, kw[i].name);
			vmx_json_bits(out, kw[i].cls, add);
			fputs(", \"missing\": ", out);
			vmx_json_bits(out, kw[i].cls, rem);
			fputc('}', out);
			sep = ", ";
		} else {
			fprintf(out, "    %-9s extra: ", kw[i].name);
			vmx_fmt_bits(out, kw[i].cls, add);
			fputs("; missing: ", out);
			vmx_fmt_bits(out, kw[i].cls, rem);
			fputc('\n', out);
		}
	}
	if (k->w[0] != big->w[0] || k->w[1] != big->w[1]) {
		if (json)
			fprintf(out, "%s\"kvm\": \"%s\"", sep, kvm_state(k));
		else
			fprintf(out, "    kvm_intel %s (largest group: %s)\n", kvm_state(k), kvm_state(big));
		any = true;
	}
	if (!any && !json)
		fputs("    (same words; differs in basic/misc only)\n", out);
}

static void caps_diff(FILE *out, const struct vmx_group_key *big, const struct vmx_group_key *k, bool json)
{
	static struct vmx_snapshot a, b;
	vmx_group_key_to_snapshot(big, &a);
	vmx_group_key_to_snapshot(k, &b);
	struct vmx_gap lacks[VMX_MAX_GAPS], more[VMX_MAX_GAPS];
	size_t nl, nm;
	vmx_caps_gaps(&a, &b, lacks, VMX_MAX_GAPS, &nl);
	vmx_caps_gaps(&b, &a, more, VMX_MAX_GAPS, &nm);
	if (json) {
		fputs("\"lacks\": [", out);
		const char *sep = "";
		for (size_t i = 0; i < nl; i++) {
			fputs(sep, out);
			vmx_gap_json(out, &lacks[i]);
			sep = ", ";
		}
		fputs("], \"extra\": [", out);
		sep = "";
		for (size_t i = 0; i < nm; i++) {
			if (more[i].kind == VMX_GAP_NOTE)
				continue;
			fputs(sep, out);
			vmx_gap_json(out, &more[i]);
			sep = ", ";
		}
		fputc(']', out);
		return;
	}
	for (size_t i = 0; i < nl; i++) {
		fputs(lacks[i].kind == VMX_GAP_NOTE ? "    differs:" : "    lacks:", out);
		vmx_gap_print(out, &lacks[i]);
	}
	for (size_t i = 0; i < nm; i++) {
		if (more[i].kind == VMX_GAP_NOTE)
			continue;
		fputs("    extra:", out);
		vmx_gap_print(out, &more[i]);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg group [FILE... | -] [--by kvm|caps] [--kernel VERSION] [--json]\n"
		   "  FILE      a profile, a stream of profiles (many '# vmxcfg-profile 1' blocks), an embedded\n"
		   "            profile name, or - for stdin (the default when no FILE is given)\n"
		   "  --by      kvm: identical negotiated kvm_intel configuration (default); caps: identical VMX MSRs\n"
		   "  --json    one JSON object per group and line (JSON lines)\n"
		   "exit: 0 ok, 2 bad input\n");
	fputs(CLI_EXIT_HELP, f);
}

int cmd_group(int argc, char **argv, FILE *out)
{
	const char *kernel = NULL;
	bool json = false, by_caps = false;
	char **files = cli_calloc((size_t)argc + 1, sizeof(char *));
	int nf = 0, rc = CLI_BAD;
	if (!files)
		return CLI_BAD;
	for (int i = 1; i < argc; i++) {
		int s = cli_shared_opt(argc, argv, &i, &json, &kernel, NULL);
		if (s < 0)
			goto done;
		if (s > 0)
			continue;
		if (cli_opt(argv[i], "--by")) {
			const char *v = cli_value(argc, argv, &i, "--by");
			if (!v)
				goto done;
			if (!strcmp(v, "caps"))
				by_caps = true;
			else if (!strcmp(v, "kvm"))
				by_caps = false;
			else {
				cli_error("--by %s: expected kvm or caps", v);
				goto done;
			}
		} else if (cli_is_option(argv[i])) {
			rc = cli_common_opt("group", argv[i], usage, out);
			goto done;
		} else {
			files[nf++] = argv[i];
		}
	}
	static char dash[] = "-";
	if (nf == 0)
		files[nf++] = dash;
	struct cli_kernel kern;
	const struct kvm_policy *pol = cli_kernel_resolve(kernel, json, &kern);
	if (!pol)
		goto done;
	struct gctx *c = cli_calloc(1, sizeof(*c));
	if (!c)
		goto done;
	c->pol = pol;
	c->by_caps = by_caps;
	vmx_grouper_init(&c->g);
	if (cli_hosts_foreach(nf, files, add_host, c, NULL) != CLI_OK)
		goto free_c;
	if (c->g.hosts == 0) {
		cli_error("group: no profiles in the input: expected at least one");
		goto free_c;
	}
	vmx_grouper_sort(&c->g);
	const struct vmx_group *big = &c->g.groups[0];
	if (!json)
		fprintf(out, "%zu group%s of %zu hosts by %s%s%s\n", c->g.n, c->g.n == 1 ? "" : "s", c->g.hosts,
			by_caps ? "capabilities" : "negotiated KVM configuration", by_caps ? "" : ", kernel ",
			by_caps ? "" : pol->version);
	for (size_t i = 0; i < c->g.n; i++) {
		const struct vmx_group *gr = &c->g.groups[i];
		if (json) {
			fprintf(out, "{\"group\": \"%016" PRIx64 "\", \"by\": \"%s\", ", gr->id, by_caps ? "caps" : "kvm");
			if (!by_caps) {
				fprintf(out, "\"kernel\": \"%s\", \"kernel_info\": ", pol->version);
				cli_kernel_json(out, &kern);
				fprintf(out, ", \"kvm\": \"%s\", ", kvm_state(&gr->key));
			}
			fprintf(out, "\"size\": %zu, \"rank\": %zu, \"largest\": %s, \"members\": [", gr->size, i + 1,
				i == 0 ? "true" : "false");
			for (size_t k = 0; k < gr->n_samples; k++) {
				fputs(k ? ", " : "", out);
				vmx_json_str(out, gr->samples[k]);
			}
			fprintf(out, "], \"members_omitted\": %zu, ", gr->size - gr->n_samples);
			if (by_caps) {
				fputs("\"msrs\": {", out);
				const char *sep = "";
				for (int s = 0; s < VMX_MSR_COUNT; s++) {
					if (!((gr->key.w[0] >> s) & 1))
						continue;
					fprintf(out, "%s\"0x%" PRIx32 "\": \"0x%016" PRIx64 "\"", sep,
						vmx_msr_index((enum vmx_msr_slot)s), gr->key.w[1 + s]);
					sep = ", ";
				}
				fputs("}, \"diff_from_largest\": {", out);
				caps_diff(out, &big->key, &gr->key, true);
			} else {
				static const char *const names[] = { "basic", "pin", "primary", "secondary", "tertiary",
								     "exit", "entry", "misc", "ept", "vpid" };
				fputs("\"vmcs_config\": {", out);
				for (int w = 0; w < 10; w++)
					fprintf(out, "%s\"%s\": \"0x%" PRIx64 "\"", w ? ", " : "", names[w], gr->key.w[2 + w]);
				fputs("}, \"diff_from_largest\": {", out);
				kvm_diff(out, &big->key, &gr->key, true);
			}
			fputs("}}\n", out);
			continue;
		}
		fprintf(out, "\ngroup %016" PRIx64 ": %zu host%s%s\n", gr->id, gr->size, gr->size == 1 ? "" : "s",
			i == 0 ? " (largest)" : "");
		if (!by_caps)
			fprintf(out, "  kvm_intel %s\n", kvm_state(&gr->key));
		fputs("  members: ", out);
		for (size_t k = 0; k < gr->n_samples; k++)
			fprintf(out, "%s%s", k ? ", " : "", gr->samples[k]);
		if (gr->size > gr->n_samples)
			fprintf(out, " and %zu more", gr->size - gr->n_samples);
		fputc('\n', out);
		if (i > 0) {
			fputs("  differs from the largest group:\n", out);
			if (by_caps)
				caps_diff(out, &big->key, &gr->key, false);
			else
				kvm_diff(out, &big->key, &gr->key, false);
		}
	}
	rc = CLI_OK;
free_c:
	vmx_grouper_free(&c->g);
	free(c);
done:
	free(files);
	return rc;
}
