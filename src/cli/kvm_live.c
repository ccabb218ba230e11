/* SPDX-License-Identifier: MIT */
/* `vmxcfg kvm` on partial (/proc/cpuinfo) and multi-CPU sources: see src/cli/live_source.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "cli/kvm_opts.h"
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

static bool partial_same(const struct vmx_partial_kvm *a, const struct vmx_partial_kvm *b)
{
	if (a->fails != b->fails || a->decided != b->decided || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct vmx_partial_kvm_class *x = &a->c[i], *y = &b->c[i];
		if (x->cls != y->cls || x->req_missing != y->req_missing || x->req_unknown != y->req_unknown ||
		    x->opt_allowed != y->opt_allowed || x->opt_denied != y->opt_denied || x->opt_unknown != y->opt_unknown)
			return false;
	}
	return true;
}

static const struct vmx_partial_kvm_class *partial_class(const struct vmx_partial_kvm *r, int cls)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->c[i].cls == cls)
			return &r->c[i];
	return NULL;
}

static const char *partial_answer(const struct vmx_partial_kvm *r)
{
	return r->fails ? "fails with -EIO: a required control is known not allowed"
	       : r->decided ? "every required control is known allowed"
			    : "cannot conclude: required controls unknown";
}

/*
 * Text for several releases (r[0..m-1] oldest first, first[j]: r[j] starts a group): a line per group with its
 * answer, under it what changed from the group above (per class and kind, bits by name), then the newest group
 * in full.
 */
static void partial_groups_text(FILE *f, const struct vmx_partial_kvm *r, const bool *first, size_t m, size_t oldest)
{
	static const char *const kind[5] = { "required, known not allowed", "required, unknown", "offered",
					     "not offered", "unknown" };
	size_t ng = 0, w = 8, last = 0;
	char label[512];
	for (size_t j = 0; j < m; j++)
		if (first[j]) {
			size_t k = j + 1;
			while (!first[k])
				k++;
			kvm_span_label(label, sizeof(label), oldest - (k - 1), oldest - j);
			w = strlen(label) > w ? strlen(label) : w;
			ng++;
			last = j;
		}
	fprintf(f, "kernels %s to %s: %zu release%s in %zu group%s with the same answer, oldest first;\n"
		   "indented under a group: what changed from the group above (the controls the release asks for, by "
		   "what /proc/cpuinfo shows)\n\n%-*s  %s\n",
		r[0].policy->version, r[m - 1].policy->version, m, m == 1 ? "" : "s", ng, ng == 1 ? "" : "s", (int)w,
		"releases", "answer");
	for (size_t j = 0, k; j < m; j = k) {
		for (k = j + 1; !first[k]; k++)
			;
		kvm_span_label(label, sizeof(label), oldest - (k - 1), oldest - j);
		fprintf(f, "%-*s  %s\n", (int)w, label, partial_answer(&r[j]));
		if (!j)
			continue;
		const struct vmx_partial_kvm *n = &r[j], *o = &r[j - 1];
		for (int cls = 0; cls < (int)(sizeof(cls_word) / sizeof(cls_word[0])); cls++) {
			const struct vmx_partial_kvm_class *x = partial_class(n, cls), *y = partial_class(o, cls);
			if (!x && !y)
				continue;
			const uint64_t nx[5] = { x ? x->req_missing : 0, x ? x->req_unknown : 0, x ? x->opt_allowed : 0,
						 x ? x->opt_denied : 0, x ? x->opt_unknown : 0 };
			const uint64_t ox[5] = { y ? y->req_missing : 0, y ? y->req_unknown : 0, y ? y->opt_allowed : 0,
						 y ? y->opt_denied : 0, y ? y->opt_unknown : 0 };
			for (int t = 0; t < 5; t++) {
				if (nx[t] == ox[t])
					continue;
				fprintf(f, "    %-9s %s:", cls_word[cls], kind[t]);
				for (int sign = 0; sign < 2; sign++) {
					uint64_t bits = sign ? ox[t] & ~nx[t] : nx[t] & ~ox[t];
					for (unsigned b = 0; b < 64; b++) {
						if (!((bits >> b) & 1))
							continue;
						const struct vmx_bit_info *bi = vmx_bit_get((enum vmx_class)cls, b);
						if (bi)
							fprintf(f, " %c%s", sign ? '-' : '+', bi->name);
						else
							fprintf(f, " %cbit%u", sign ? '-' : '+', b);
					}
				}
				fputc('\n', f);
			}
		}
	}
	/* The newest group in full; its report names the group's releases where one version would stand. */
	char range[32];
	snprintf(range, sizeof(range), m - 1 > last ? "%s-%s" : "%s", r[last].policy->version, r[m - 1].policy->version);
	struct kvm_policy shown = *r[last].policy;
	shown.version = range;
	struct vmx_partial_kvm g = r[last];
	g.policy = &shown;
	kvm_span_label(label, sizeof(label), oldest - (m - 1), oldest - last);
	fprintf(f, "\nkernel%s %s in full:\n", m - 1 > last ? "s" : "", label);
	vmx_partial_kvm_print(f, &g, "  ");
}

static int partial_run(FILE *out, const struct cli_source *src, size_t newest, size_t oldest, bool json, bool grouped);

int cli_kvm_partial(FILE *out, const struct cli_source *src, const struct kvm_policy *pol, bool json)
{
	size_t i = 0, n = kvm_policy_count();
	while (pol && i < n && kvm_policy_at(i) != pol)
		i++;
	return pol && i < n ? partial_run(out, src, i, i, json, false) : partial_run(out, src, 0, n - 1, json, true);
}

int cli_kvm_partial_span(FILE *out, const struct cli_source *src, size_t newest, size_t oldest, bool json)
{
	return partial_run(out, src, newest, oldest, json, true);
}

/* Releases kvm_policy_at(newest ... oldest); grouped: the --kernel all / A..B view, else one release's report. */
static int partial_run(FILE *out, const struct cli_source *src, size_t newest, size_t oldest, bool json, bool grouped)
{
	const struct vmx_snapshot *s = &src->prof.cpus[0].snap;
	size_t m = oldest - newest + 1;
	/* r[j]: the j-th release of the span, oldest first; consecutive equal results form a group. */
	struct vmx_partial_kvm *r = calloc(m, sizeof(*r));
	bool *first = calloc(m + 1, sizeof(*first));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = r && first ? open_memstream(&buf, &len) : NULL;
	if (!f) {
		free(r);
		free(first);
		return cli_error("out of memory");
	}
	bool all_fail = true, some_ok = false;
	for (size_t j = 0; j < m; j++) {
		vmx_partial_kvm(kvm_policy_at(oldest - j), s, &r[j]);
		all_fail &= r[j].fails;
		some_ok |= r[j].decided && !r[j].fails;
		first[j] = j == 0 || !partial_same(&r[j - 1], &r[j]);
	}
	first[m] = true;
	const char *name = vmx_profile_meta(&src->prof, "name");
	if (json) {
		fputs("{\n \"source\": ", f);
		vmx_json_str(f, src->label);
		fputs(",\n \"name\": ", f);
		vmx_json_str(f, name ? name : "");
		fputs(",\n \"partial\": true,\n \"kernels\": [", f);
		for (size_t j = m; j-- > 0;) {
			fputs(j + 1 < m ? ",\n  " : "\n  ", f);
			json_partial(f, &r[j]);
		}
		fputs("\n ]", f);
		if (grouped) {
			/* Consecutive releases with the same answer, oldest first (as vmxcfg kvm --kernel all). */
			fputs(",\n \"groups\": [", f);
			for (size_t j = 0; j < m; j++) {
				if (first[j])
					fprintf(f, "%s\n  {\"first\": \"%s\", \"releases\": [", j ? "]}," : "",
						r[j].policy->version);
				fprintf(f, "%s\"%s\"", first[j] ? "" : ", ", r[j].policy->version);
				if (first[j + 1])
					fprintf(f, "], \"last\": \"%s\", \"status\": \"%s\"", r[j].policy->version,
						r[j].fails ? "eio" : r[j].decided ? "ok" : "unknown");
			}
			fputs("}\n ]", f);
		}
		fputs("\n}\n", f);
	} else {
		fprintf(f, "CPU: %s (%s)\npartial source: /proc/cpuinfo shows only the allowed-1 bits of the controls "
			   "Linux names\n",
			name ? name : src->label, src->label);
		if (!grouped) {
			fprintf(f, "\nkernel %s:\n", r[0].policy->version);
			vmx_partial_kvm_print(f, &r[0], "  ");
		} else {
			partial_groups_text(f, r, first, m, oldest);
		}
	}
	fclose(f);
	free(r);
	free(first);
	int rc = some_ok ? CLI_OK : all_fail ? CLI_NO : CLI_BAD;
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
