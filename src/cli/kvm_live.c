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

/*
 * What a partial source really was, for every message: /proc/cpuinfo (its "vmx flags" line shows that firmware
 * enabled VMX), QEMU vmxcap output (reads the MSRs whatever the firmware did; IA32_FEATURE_CONTROL not
 * recorded), or a profile with "known" masks.  The firmware state comes from the snapshot otherwise.
 */
struct partial_src {
	const char *what;   /* "/proc/cpuinfo", "QEMU vmxcap output", "the partial profile" */
	const char *shows;  /* what it shows */
	const char *format; /* JSON "source_format" */
	bool vmx_flags;     /* a real /proc/cpuinfo "vmx flags" line: the precheck passed on that machine */
	enum kvm_precheck pre;
};

static void partial_src_of(const struct cli_source *src, struct partial_src *ps)
{
	const char *fmt = vmx_profile_meta(&src->prof, "format");
	const char *from = vmx_profile_meta(&src->prof, "source");
	memset(ps, 0, sizeof(*ps));
	ps->pre = kvm_precheck(&src->prof.cpus[0].snap);
	if (src->kind == CLI_SRC_CPUINFO || src->kind == CLI_SRC_LIVE || (fmt && strcmp(fmt, "cpuinfo") == 0) ||
	    (!fmt && from && strncmp(from, "/proc/cpuinfo", 13) == 0)) {
		ps->what = "/proc/cpuinfo";
		ps->shows = "the allowed-1 bits of the controls Linux names";
		ps->format = "cpuinfo";
		ps->vmx_flags = ps->pre == KVM_PRE_OK;
	} else if (fmt && strcmp(fmt, "vmxcap") == 0) {
		ps->what = "QEMU vmxcap output";
		ps->shows = "the bits vmxcap names (IA32_FEATURE_CONTROL, unnamed bits, CR0/CR4 fixed MSRs and VMCS_ENUM "
			    "are not recorded)";
		ps->format = "vmxcap";
	} else {
		ps->what = "the partial profile";
		ps->shows = "the bits its \"known\" masks mark";
		ps->format = fmt ? fmt : "profile";
	}
}

static bool partial_stopped(const struct partial_src *ps)
{
	return ps->pre == KVM_PRE_NO_VMX || ps->pre == KVM_PRE_FW_DISABLED;
}

static const char *partial_precheck_line(const struct partial_src *ps)
{
	switch (ps->pre) {
	case KVM_PRE_NO_VMX:
		return "kvm_intel stops before setup_vmcs_config with -EOPNOTSUPP: VMX not supported by CPU: "
		       "CPUID.1:ECX.VMX[bit 5] = 0";
	case KVM_PRE_FW_DISABLED:
		return "kvm_intel stops before setup_vmcs_config with -EOPNOTSUPP: VMX disabled by firmware: "
		       "IA32_FEATURE_CONTROL (0x3a) is locked with 'enable VMX outside SMX' (bit 2) clear";
	case KVM_PRE_UNKNOWN:
		return CLI_FW_ASSUMED;
	default:
		return ps->vmx_flags ? "known: the kernel printed \"vmx flags\", so VMX is enabled by firmware and "
				       "kvm_intel passes its precheck"
				     : "known: IA32_FEATURE_CONTROL (0x3a) lets kvm_intel pass its precheck";
	}
}

/* Text report of one release on a partial source (several lines, each starting with ind). */
static void partial_print(FILE *f, const struct vmx_partial_kvm *r, const struct partial_src *ps, const char *ind)
{
	const char *v = r->policy->version;
	fprintf(f, "%s%s\n", ind, partial_precheck_line(ps));
	if (partial_stopped(ps))
		fprintf(f, "%sif VMX were usable, setup_vmcs_config of kvm_intel %s:\n", ind, v);
	if (r->fails)
		fprintf(f, "%skvm_intel %s fails with -EIO: a required control is known not allowed:\n", ind, v);
	else if (r->decided)
		fprintf(f, "%severy control kvm_intel %s requires is known allowed\n", ind, v);
	else
		fprintf(f, "%scannot conclude whether kvm_intel %s loads: %s does not show the controls it requires "
			   "(they are unknown, not absent):\n",
			ind, v, ps->what);
	for (size_t i = 0; i < r->n; i++) {
		const struct vmx_partial_kvm_class *c = &r->c[i];
		if (c->req_missing) {
			fprintf(f, "%s  %-9s required, known not allowed: ", ind, cls_word[c->cls]);
			vmx_fmt_bits(f, (enum vmx_class)c->cls, c->req_missing);
			fputc('\n', f);
		}
		if (c->req_unknown && !r->fails) {
			fprintf(f, "%s  %-9s required, unknown: ", ind, cls_word[c->cls]);
			vmx_fmt_bits(f, (enum vmx_class)c->cls, c->req_unknown);
			fputc('\n', f);
		}
	}
	fprintf(f, "%swhat can be concluded if it loads (optional controls, before the kernel's fix-up rules):\n", ind);
	for (size_t i = 0; i < r->n; i++) {
		const struct vmx_partial_kvm_class *c = &r->c[i];
		if (!(c->opt_allowed | c->opt_denied | c->opt_unknown))
			continue;
		fprintf(f, "%s  %-9s offered: ", ind, cls_word[c->cls]);
		vmx_fmt_bits(f, (enum vmx_class)c->cls, c->opt_allowed);
		fprintf(f, "; not offered: ");
		vmx_fmt_bits(f, (enum vmx_class)c->cls, c->opt_denied);
		fprintf(f, "; unknown: ");
		vmx_fmt_bits(f, (enum vmx_class)c->cls, c->opt_unknown);
		fputc('\n', f);
	}
	fprintf(f, "%sfor a full prediction read the MSRs (root, 'modprobe msr', --live)\n", ind);
}

static void json_partial(FILE *f, const struct vmx_partial_kvm *r, bool stopped)
{
	fputs("{\"kernel\": ", f);
	vmx_json_str(f, r->policy->version);
	fprintf(f, ", \"status\": \"%s\", \"partial\": true, \"classes\": [",
		stopped ? "eopnotsupp" : r->fails ? "eio" : r->decided ? "ok" : "unknown");
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
static void partial_groups_text(FILE *f, const struct vmx_partial_kvm *r, const bool *first, size_t m, size_t oldest,
				const struct partial_src *ps)
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
		   "what %s shows)\n\n%-*s  %s\n",
		r[0].policy->version, r[m - 1].policy->version, m, m == 1 ? "" : "s", ng, ng == 1 ? "" : "s", ps->what,
		(int)w, "releases", "answer");
	for (size_t j = 0, k; j < m; j = k) {
		for (k = j + 1; !first[k]; k++)
			;
		kvm_span_label(label, sizeof(label), oldest - (k - 1), oldest - j);
		fprintf(f, "%-*s  %s\n", (int)w, label,
			partial_stopped(ps) ? "stops with -EOPNOTSUPP before setup_vmcs_config" : partial_answer(&r[j]));
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
	partial_print(f, &g, ps, "  ");
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
	if (oldest < newest || oldest >= kvm_policy_count())
		return cli_error("kvm: empty kernel range");
	size_t m = oldest - newest + 1;
	if (m == 0)
		return cli_error("kvm: empty kernel range");
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
	struct partial_src ps;
	partial_src_of(src, &ps);
	/* No VMX or firmware disabled: every release stops before setup_vmcs_config; unknown firmware state: the
	 * verdict assumes firmware enabled VMX (CLI_FW_ASSUMED). */
	bool all_fail = true, some_ok = false;
	for (size_t j = 0; j < m; j++) {
		vmx_partial_kvm(kvm_policy_at(oldest - j), s, &r[j]);
		all_fail &= r[j].fails || partial_stopped(&ps);
		some_ok |= r[j].decided && !r[j].fails && !partial_stopped(&ps);
		first[j] = j == 0 || !partial_same(&r[j - 1], &r[j]);
	}
	first[m] = true;
	const char *name = vmx_profile_meta(&src->prof, "name");
	if (json) {
		fputs("{\n \"source\": ", f);
		vmx_json_str(f, src->label);
		fputs(",\n \"name\": ", f);
		vmx_json_str(f, name ? name : "");
		fputs(",\n \"partial\": true,\n \"source_format\": ", f);
		vmx_json_str(f, ps.format);
		fprintf(f, ",\n \"precheck\": {\"status\": \"%s\", \"reason\": ",
			partial_stopped(&ps) ? "eopnotsupp" : ps.pre == KVM_PRE_UNKNOWN ? "unknown" : "ok");
		vmx_json_str(f, partial_precheck_line(&ps));
		fputs("},\n \"kernels\": [", f);
		for (size_t j = m; j-- > 0;) {
			fputs(j + 1 < m ? ",\n  " : "\n  ", f);
			json_partial(f, &r[j], partial_stopped(&ps));
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
						partial_stopped(&ps) ? "eopnotsupp"
						: r[j].fails	     ? "eio"
						: r[j].decided	     ? "ok"
								     : "unknown");
			}
			fputs("}\n ]", f);
		}
		fputs("\n}\n", f);
	} else {
		fprintf(f, "CPU: %s (%s)\npartial source: %s shows only %s\n", name ? name : src->label, src->label,
			ps.what, ps.shows);
		if (!grouped) {
			fprintf(f, "\nkernel %s:\n", r[0].policy->version);
			partial_print(f, &r[0], &ps, "  ");
		} else {
			partial_groups_text(f, r, first, m, oldest, &ps);
		}
	}
	fclose(f);
	free(r);
	free(first);
	int rc = some_ok ? CLI_OK : all_fail ? CLI_NO : CLI_UNKNOWN;
	/* main() prints `out` for 0, 1 and 3 ("no verdict") alike. */
	if (len)
		fwrite(buf, 1, len, out);
	free(buf);
	if (rc == CLI_UNKNOWN)
		cli_unknown("kvm: no verdict (exit 3): %s does not show whether kvm_intel loads: read the MSRs "
			    "(root, 'modprobe msr', --live) or give a profile",
			    ps.what);
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
