/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg baseline FILE... [-o FILE] [--kernel V] [--json]
 * The capability intersection of many hosts as a synthetic profile (src/host/baseline.c), and the QEMU -cpu
 * feature list a guest should be started with to migrate freely in that pool.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/hosts.h"
#include "host/baseline.h"
#include "host/fmt.h"
#include "host/qemu_names.h"

int cli_hosts_foreach(int n, char **args, cli_host_fn fn, void *ctx, size_t *count)
{
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		const char *a = args[i];
		struct vmx_diag d;
		struct vmx_stream *st;
		if (strcmp(a, "-") == 0 || strchr(a, '/') || access(a, F_OK) == 0) {
			st = vmx_stream_open(a, &d);
			if (!st)
				return cli_diag(&d);
		} else {
			const struct vmx_embedded_profile *e = vmx_embedded_find(a);
			if (!e)
				return cli_error("%s: no such file, and not an embedded profile name (see 'vmxcfg profiles')",
						 a);
			char nm[300];
			snprintf(nm, sizeof(nm), "<embedded>/%s.profile", e->name);
			st = vmx_stream_open_mem(e->text, e->len, nm);
			if (!st)
				return cli_error("out of memory");
		}
		struct vmx_stream_item *it;
		int r;
		while ((r = vmx_stream_next(st, &it, &d)) > 0) {
			total++;
			int x = fn(ctx, it);
			if (x) {
				vmx_stream_close(st);
				if (count)
					*count = total;
				return x;
			}
		}
		vmx_stream_close(st);
		if (r < 0)
			return cli_diag(&d);
	}
	if (count)
		*count = total;
	return CLI_OK;
}

struct bctx {
	struct vmx_baseline b;
	size_t hosts, cpus;
};

static int add_host(void *ctx, const struct vmx_stream_item *it)
{
	struct bctx *c = ctx;
	c->hosts++;
	if (it->full) {
		for (size_t k = 0; k < it->full->n_cpus; k++, c->cpus++)
			vmx_baseline_add(&c->b, &it->full->cpus[k].snap);
	} else {
		vmx_baseline_add(&c->b, &it->snap);
		c->cpus++;
	}
	return 0;
}

/* The QEMU feature list for a pool with this baseline: names on/off. */
static void qemu_list(FILE *out, const struct vmx_qemu_words *g, bool on_only, const char *sep, const char *prefix)
{
	const char *s = "";
	for (size_t i = 0; i < vmx_qemu_prop_count(); i++) {
		const struct vmx_qemu_prop *p = vmx_qemu_prop_at(i);
		bool on = vmx_qemu_prop_on(g, p);
		if (on_only && !on)
			continue;
		fprintf(out, "%s%s%s=%s", s, prefix, p->name, on ? "on" : "off");
		s = sep;
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vmxcfg baseline FILE... [-o FILE] [--kernel VERSION] [--json]\n"
		   "  FILE      a profile, a stream of profiles (many '# vmxcfg-profile 1' blocks), - for stdin,\n"
		   "            or an embedded profile name\n"
		   "  -o FILE   write the baseline profile to FILE (default: stdout)\n"
		   "exit: 0 ok, 1 the baseline has conflicting controls or KVM would not load with it, 2 bad input\n");
}

int cmd_baseline(int argc, char **argv, FILE *out)
{
	const char *ofile = NULL, *kernel = NULL;
	bool json = false;
	char **files = cli_calloc((size_t)argc, sizeof(char *));
	int nf = 0;
	if (!files)
		return CLI_BAD;
	int rc = CLI_BAD;
	for (int i = 1; i < argc; i++) {
		int s = cli_shared_opt(argc, argv, &i, &json, &kernel, &ofile);
		if (s == 0 && !cli_is_option(argv[i])) {
			files[nf++] = argv[i];
		} else if (s <= 0) {
			rc = s < 0 ? CLI_BAD : cli_common_opt("baseline", argv[i], usage, out);
			goto done;
		}
	}
	if (nf == 0) {
		cli_error("baseline: expected at least one FILE (profiles, streams, embedded names or - for stdin)");
		usage(stderr);
		goto done;
	}
	struct cli_kernel kern;
	const struct kvm_policy *pol = cli_kernel_resolve(kernel, json, &kern);
	if (!pol)
		goto done;
	struct bctx *c = cli_calloc(1, sizeof(*c));
	if (!c)
		goto done;
	vmx_baseline_init(&c->b);
	if (cli_hosts_foreach(nf, files, add_host, c, NULL) != CLI_OK) {
		free(c);
		goto done;
	}
	if (c->hosts == 0) {
		cli_error("baseline: no profiles in the input: expected at least one");
		free(c);
		goto done;
	}
	const struct vmx_snapshot *bs = &c->b.snap;

	/* The profile. */
	struct vmx_profile p;
	vmx_profile_init(&p);
	char buf[VMX_META_VAL];
	snprintf(buf, sizeof(buf), "baseline of %zu hosts (%zu CPUs)", c->hosts, c->cpus);
	vmx_profile_set_meta(&p, "name", buf);
	size_t o = (size_t)snprintf(buf, sizeof(buf), "vmxcfg baseline");
	for (int i = 0; i < nf && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, " %s", files[i]);
	vmx_profile_set_meta(&p, "source", buf);
	if (vmx_profile_add_cpu(&p, -1, bs)) {
		free(c);
		cli_error("out of memory");
		goto done;
	}

	/* KVM on the baseline and the QEMU features (from KVM's L1 offer when available, else the raw MSRs). */
	static struct kvm_result r;
	struct kvm_input in;
	kvm_input_init(&in, bs);
	kvm_setup_vmcs_config(pol, &in, &r);
	static struct vmx_snapshot l1;
	const char *no_l1 = NULL;
	bool has_l1 = cli_nested_snapshot(pol, kern.info.sublevel, bs, &l1, &no_l1);
	struct vmx_qemu_words hw, g;
	vmx_qemu_words_from_snapshot(has_l1 ? &l1 : bs, &hw);
	vmx_qemu_guest_features(&hw, bs, &g);
	uint32_t conflicts = 0;
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		conflicts |= c->b.conflict[i];

	FILE *pf = out;
	if (ofile) {
		pf = fopen(ofile, "w");
		if (!pf) {
			cli_error("%s: cannot write: %s", ofile, strerror(errno));
			vmx_profile_free(&p);
			free(c);
			goto done;
		}
	}
	if (ofile || !json) {
		vmx_profile_write(pf, &p);
		if (has_l1) {
			fprintf(pf, "# qemu-cpu-features (vmxcfg baseline; QEMU names, qemu-vmx-names.md):\n# ");
			qemu_list(pf, &g, false, ",", "");
			fputc('\n', pf);
		} else {
			fprintf(pf, "# qemu-cpu-features: none (kernel %s): %s: no QEMU -cpu line can be derived from KVM\n",
				pol->version, no_l1);
		}
	}
	if (ofile && fclose(pf) != 0) {
		cli_error("%s: write error", ofile);
		vmx_profile_free(&p);
		free(c);
		goto done;
	}
	const char *notes[5];
	int nn = 0;
	if (c->b.differs_revision)
		notes[nn++] = "VMCS revision identifiers differ: the baseline has the lowest";
	if (c->b.differs_memtype)
		notes[nn++] = "VMCS memory types differ: the baseline has the lowest";
	if (c->b.differs_timer_rate)
		notes[nn++] = "VMX-preemption timer rates differ: the baseline has the lowest";
	if (c->b.differs_mseg)
		notes[nn++] = "MSEG revision identifiers differ: the baseline has the lowest";
	if (c->b.differs_fw)
		notes[nn++] = "firmware disabled VMX on some hosts: the baseline is locked with VMX disabled";
	if (json) {
		fprintf(out, "{\n \"hosts\": %zu,\n \"cpus\": %zu,\n \"kernel\": \"%s\",\n \"kernel_info\": ", c->hosts, c->cpus,
			pol->version);
		cli_kernel_json(out, &kern);
		fprintf(out, ",\n \"kvm_loads\": %s,\n", cli_kvm_loads(&r) ? "true" : "false");
		fputs(" \"output\": ", out);
		if (ofile)
			vmx_json_str(out, ofile);
		else
			fputs("null", out);
		fputs(",\n \"msrs\": {", out);
		const char *sep = "";
		for (int i = 0; i < VMX_MSR_COUNT; i++) {
			if (!vmx_snapshot_has(bs, (enum vmx_msr_slot)i))
				continue;
			fprintf(out, "%s\"0x%" PRIx32 "\": \"0x%016" PRIx64 "\"", sep, vmx_msr_index((enum vmx_msr_slot)i),
				bs->msr[i]);
			sep = ", ";
		}
		fputs("},\n \"notes\": [", out);
		for (int i = 0; i < nn; i++) {
			fputs(i ? ", " : "", out);
			vmx_json_str(out, notes[i]);
		}
		fputs("],\n \"conflicts\": [", out);
		sep = "";
		for (int i = 0; i < VMX_MSR_COUNT; i++) {
			if (!c->b.conflict[i])
				continue;
			fprintf(out, "%s{\"msr\": \"0x%" PRIx32 "\", \"mask\": \"0x%" PRIx32 "\"}", sep,
				vmx_msr_index((enum vmx_msr_slot)i), c->b.conflict[i]);
			sep = ", ";
		}
		if (!has_l1) {
			fputs("],\n \"l1_offer\": null,\n \"l1_offer_reason\": ", out);
			vmx_json_str(out, no_l1);
			fputs(",\n \"qemu_features_from\": null,\n \"qemu_cpu\": null,\n \"qemu_on\": [],\n \"qemu_off\": []\n}\n",
			      out);
			goto json_done;
		}
		fputs("],\n \"l1_offer\": true,\n \"qemu_features_from\": \"kvm_nested\",\n \"qemu_cpu\": \"", out);
		qemu_list(out, &g, false, ",", "");
		fputs("\",\n \"qemu_on\": [", out);
		sep = "";
		for (size_t i = 0; i < vmx_qemu_prop_count(); i++) {
			const struct vmx_qemu_prop *qp = vmx_qemu_prop_at(i);
			if (!vmx_qemu_prop_on(&g, qp))
				continue;
			fputs(sep, out);
			vmx_json_str(out, qp->name);
			sep = ", ";
		}
		fputs("],\n \"qemu_off\": [", out);
		sep = "";
		for (size_t i = 0; i < vmx_qemu_prop_count(); i++) {
			const struct vmx_qemu_prop *qp = vmx_qemu_prop_at(i);
			if (vmx_qemu_prop_on(&g, qp))
				continue;
			fputs(sep, out);
			vmx_json_str(out, qp->name);
			sep = ", ";
		}
		fputs("]\n}\n", out);
	json_done:;
	} else if (ofile) {
		fprintf(out, "baseline of %zu hosts (%zu CPUs) written to %s\n", c->hosts, c->cpus, ofile);
		fprintf(out, "kvm_intel %s with the baseline: %s\n", pol->version,
			cli_kvm_loads(&r) ? "loads" : "does not load");
		for (int i = 0; i < nn; i++)
			fprintf(out, "note: %s\n", notes[i]);
		if (conflicts)
			fprintf(out, "conflict: some control is forced to 1 on one host and unavailable on another\n");
		if (has_l1) {
			fprintf(out, "QEMU (from KVM's L1 offer): -cpu host,migratable=on,");
			qemu_list(out, &g, false, ",", "");
			fputc('\n', out);
		} else {
			fprintf(out, "QEMU: none (kernel %s): %s: no QEMU -cpu line can be derived from KVM\n", pol->version,
				no_l1);
		}
	}
	rc = (conflicts || !cli_kvm_loads(&r)) ? CLI_NO : CLI_OK;
	vmx_profile_free(&p);
	free(c);
done:
	free(files);
	return rc;
}
