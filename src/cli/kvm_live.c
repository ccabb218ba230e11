/* SPDX-License-Identifier: MIT */
/* `vmxcfg kvm` on partial (/proc/cpuinfo) and multi-CPU sources: see src/cli/live_source.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/live_source.h"
#include "host/fmt.h"
#include "host/percpu.h"

static const char *const cls_word[] = { "pin", "primary", "secondary", "tertiary", "exit", "exit2", "entry" };

static void json_partial(FILE *f, const struct vmx_partial_kvm *r)
{
	fputs("{\"kernel\": ", f);
	vmx_json_str(f, r->policy->version);
	fprintf(f, ", \"status\": \"%s\", \"partial\": true, \"classes\": [",
		r->fails ? "eio" : r->decided ? "ok" : "unknown");
	for (size_t i = 0; i < r->n; i++) {
		const struct vmx_partial_kvm_class *c = &r->c[i];
		enum vmx_class k = (enum vmx_class)c->cls;
		fprintf(f, "%s{\"class\": \"%s\", \"required_missing\": ", i ? ", " : "", cls_word[c->cls]);
		vmx_json_bits(f, k, c->req_missing);
		fputs(", \"required_unknown\": ", f);
		vmx_json_bits(f, k, c->req_unknown);
		fputs(", \"offered\": ", f);
		vmx_json_bits(f, k, c->opt_allowed);
		fputs(", \"not_offered\": ", f);
		vmx_json_bits(f, k, c->opt_denied);
		fputs(", \"unknown\": ", f);
		vmx_json_bits(f, k, c->opt_unknown);
		fputs("}", f);
	}
	fputs("]}", f);
}

int cli_kvm_partial(FILE *out, const struct cli_source *src, const struct kvm_policy *pol, bool json)
{
	const struct vmx_snapshot *s = &src->prof.cpus[0].snap;
	size_t n = pol ? 1 : kvm_policy_count();
	bool any_fail = false, all_decided = true;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return cli_error("out of memory");
	const char *name = vmx_profile_meta(&src->prof, "name");
	if (json) {
		fputs("{\n \"source\": ", f);
		vmx_json_str(f, src->label);
		fputs(",\n \"name\": ", f);
		vmx_json_str(f, name ? name : "");
		fputs(",\n \"partial\": true,\n \"kernels\": [", f);
	} else
		fprintf(f, "CPU: %s (%s)\npartial source: /proc/cpuinfo shows only the allowed-1 bits of the controls "
			   "Linux names\n",
			name ? name : src->label, src->label);
	for (size_t i = 0; i < n; i++) {
		const struct kvm_policy *p = pol ? pol : kvm_policy_at(i);
		struct vmx_partial_kvm r;
		vmx_partial_kvm(p, s, &r);
		any_fail |= r.fails;
		all_decided &= r.decided || r.fails;
		if (json) {
			fputs(i ? ",\n  " : "\n  ", f);
			json_partial(f, &r);
		} else {
			fprintf(f, "\nkernel %s:\n", p->version);
			vmx_partial_kvm_print(f, &r, "  ");
		}
	}
	if (json)
		fputs("\n ]\n}\n", f);
	fclose(f);
	int rc = any_fail ? CLI_NO : all_decided ? CLI_OK : CLI_BAD;
	/* main() prints `out` for exit 0 and 1 only; "could not tell" (2) still deserves the report. */
	FILE *dst = rc == CLI_BAD ? stdout : out;
	if (len)
		fwrite(buf, 1, len, dst);
	if (dst == stdout)
		fflush(stdout);
	free(buf);
	if (rc == CLI_BAD)
		cli_error("kvm: cannot tell from /proc/cpuinfo whether kvm_intel loads (exit 2): read the MSRs for a "
			  "prediction (root, 'modprobe msr', --live)");
	return rc;
}

bool cli_kvm_percpu(FILE *out, const struct cli_source *src, const struct kvm_policy *pol, bool eoi, bool print)
{
	if (src->prof.n_cpus < 2 || (src->prof.cpus[0].snap.flags & VMX_SNAP_PARTIAL))
		return true;
	struct kvm_input in;
	kvm_input_init(&in, &src->prof.cpus[0].snap);
	in.error_on_inconsistent_vmcs_config = eoi;
	struct vmx_percpu_kvm r;
	if (vmx_percpu_kvm_check(pol, &in, &src->prof, &r) != VMX_OK)
		return true;
	if (print) {
		fprintf(out, "\nper-CPU consistency (%zu CPUs, kvm_intel compares every CPU's vmcs_config with the boot "
			     "CPU's):\n",
			r.n_cpus);
		vmx_percpu_kvm_print(out, &r, "  ");
	}
	return r.consistent;
}
