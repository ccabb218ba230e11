/* SPDX-License-Identifier: MIT */
/* Per-CPU consistency: MSR differences and kvm_intel's per-CPU vmcs_config check (percpu.h). */
#define _POSIX_C_SOURCE 200809L
#include "host/percpu.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "host/fmt.h"
#include "host/lint.h"

static uint64_t known(const struct vmx_snapshot *s, int slot)
{
	return vmx_known_bits(s, (enum vmx_msr_slot)slot);
}

size_t vmx_percpu_msr_diffs(const struct vmx_profile *p, struct vmx_msr_diff *out, size_t max)
{
	size_t n = 0;
	if (p->n_cpus < 2)
		return 0;
	const struct vmx_snapshot *a = &p->cpus[0].snap;
	for (size_t k = 1; k < p->n_cpus; k++) {
		const struct vmx_snapshot *b = &p->cpus[k].snap;
		for (int slot = 0; slot < VMX_MSR_COUNT; slot++) {
			bool ha = vmx_snapshot_has(a, (enum vmx_msr_slot)slot), hb = vmx_snapshot_has(b, (enum vmx_msr_slot)slot);
			uint64_t va = vmx_snapshot_msr(a, (enum vmx_msr_slot)slot), vb = vmx_snapshot_msr(b, (enum vmx_msr_slot)slot);
			uint64_t m = (va ^ vb) & known(a, slot) & known(b, slot);
			if (ha == hb && !m)
				continue;
			if (n < max) {
				out[n].cpu = p->cpus[k].id;
				out[n].slot = slot;
				out[n].presence = ha != hb;
				out[n].ref = va;
				out[n].val = vb;
				out[n].mask = m;
			}
			n++;
		}
	}
	return n;
}

bool vmx_percpu_msrs_equal(const struct vmx_snapshot *a, const struct vmx_snapshot *b)
{
	for (int slot = 0; slot < VMX_MSR_COUNT; slot++) {
		if (vmx_snapshot_has(a, (enum vmx_msr_slot)slot) != vmx_snapshot_has(b, (enum vmx_msr_slot)slot))
			return false;
		if (known(a, slot) != known(b, slot))
			return false;
		if ((vmx_snapshot_msr(a, (enum vmx_msr_slot)slot) ^ vmx_snapshot_msr(b, (enum vmx_msr_slot)slot)) &
		    known(a, slot))
			return false;
	}
	return true;
}

size_t vmx_percpu_count_differing(const struct vmx_profile *p)
{
	size_t n = 0;
	for (size_t k = 1; k < p->n_cpus; k++)
		if (!vmx_percpu_msrs_equal(&p->cpus[0].snap, &p->cpus[k].snap))
			n++;
	return n;
}

/* --- kvm ------------------------------------------------------------------------------------------ */

static void version_of(const struct kvm_policy *pol, int *maj, int *min)
{
	*maj = (int)strtol(pol->version, NULL, 10);
	const char *d = strchr(pol->version, '.');
	*min = d ? (int)strtol(d + 1, NULL, 10) : 0;
}

static void words(const struct vmcs_config *c, uint32_t w[12])
{
	w[0] = (uint32_t)c->basic;
	w[1] = (uint32_t)(c->basic >> 32);
	w[2] = c->pin;
	w[3] = c->primary;
	w[4] = c->secondary;
	w[5] = 0; /* padding */
	w[6] = (uint32_t)c->tertiary;
	w[7] = (uint32_t)(c->tertiary >> 32);
	w[8] = c->exit;
	w[9] = c->entry;
	w[10] = (uint32_t)c->misc;
	w[11] = (uint32_t)(c->misc >> 32);
}

static const struct {
	const char *field;
	int cls;
	unsigned shift;
} word_info[12] = {
	{ "basic", -1, 0 },
	{ "basic", -1, 32 },
	{ "pin", VMX_CLASS_PIN, 0 },
	{ "primary", VMX_CLASS_PRIMARY, 0 },
	{ "secondary", VMX_CLASS_SECONDARY, 0 },
	{ "padding", -1, 0 },
	{ "tertiary", VMX_CLASS_TERTIARY, 0 },
	{ "tertiary", VMX_CLASS_TERTIARY, 32 },
	{ "exit", VMX_CLASS_EXIT, 0 },
	{ "entry", VMX_CLASS_ENTRY, 0 },
	{ "misc", -1, 0 },
	{ "misc", -1, 32 },
};

int vmx_percpu_kvm_check(const struct kvm_policy *pol, const struct kvm_input *tmpl, const struct vmx_profile *p,
			 struct vmx_percpu_kvm *r)
{
	if (!pol || !tmpl || !p || !r)
		return VMX_ERR_INVALID;
	memset(r, 0, sizeof(*r));
	r->policy = pol;
	r->n_cpus = p->n_cpus;
	r->fail_cpu = -1;
	r->mismatch_cpu = -1;
	r->consistent = true;
	if (p->n_cpus == 0)
		return VMX_OK;
	r->boot_cpu = p->cpus[0].id < 0 ? 0 : p->cpus[0].id;
	struct kvm_result *ref = malloc(sizeof(*ref)), *cur = malloc(sizeof(*cur));
	if (!ref || !cur) {
		free(ref);
		free(cur);
		return VMX_ERR_INVALID;
	}
	struct kvm_input in = *tmpl;
	in.snap = &p->cpus[0].snap;
	kvm_setup_vmcs_config(pol, &in, ref);
	int maj, min;
	version_of(pol, &maj, &min);
	if (ref->status != KVM_STATUS_OK) {
		/* The module fails on the boot CPU already; the per-CPU check is never reached. */
		free(ref);
		free(cur);
		return VMX_OK;
	}
	uint32_t wr[12], wc[12];
	words(&ref->cfg, wr);
	for (size_t k = 1; k < p->n_cpus; k++) {
		int id = p->cpus[k].id < 0 ? (int)k : p->cpus[k].id;
		in.snap = &p->cpus[k].snap;
		kvm_setup_vmcs_config(pol, &in, cur);
		if (cur->status != KVM_STATUS_OK) {
			r->consistent = false;
			r->fail_cpu = id;
			if (maj >= 7)
				snprintf(r->message, sizeof(r->message), "Failed to setup VMCS config on CPU %d", id);
			else
				snprintf(r->message, sizeof(r->message),
					 "(no message: setup_vmcs_config fails on CPU %d and the module returns -EIO)", id);
			break;
		}
		words(&cur->cfg, wc);
		bool differ = false;
		for (int w = 0; w < 12; w++)
			if (wr[w] != wc[w])
				differ = true;
		if (cur->ept != ref->ept || cur->vpid != ref->vpid)
			r->caps_differ = true;
		if (!differ)
			continue;
		r->consistent = false;
		r->mismatch_cpu = id;
		for (int w = 0; w < 12 && r->n_diffs < VMX_PERCPU_MAX_DIFFS; w++) {
			if (wr[w] == wc[w])
				continue;
			struct vmx_cfg_diff *d = &r->diffs[r->n_diffs++];
			d->offset = (unsigned)w * 4;
			d->field = word_info[w].field;
			d->cls = word_info[w].cls;
			d->shift = word_info[w].shift;
			d->ref = wr[w];
			d->val = wc[w];
		}
		if (maj >= 7)
			snprintf(r->message, sizeof(r->message), "VMCS config on CPU %d doesn't match reference config:", id);
		else if (maj == 6 && min >= 6)
			snprintf(r->message, sizeof(r->message), "Inconsistent VMCS config on CPU %d", id);
		else
			snprintf(r->message, sizeof(r->message), "kvm: CPU %d feature inconsistency!", id);
		break;
	}
	free(ref);
	free(cur);
	return VMX_OK;
}

static void diff_bits(FILE *f, const struct vmx_cfg_diff *d, uint32_t bits)
{
	if (d->cls < 0) {
		fprintf(f, "0x%08" PRIx32, bits);
		return;
	}
	vmx_fmt_bits(f, (enum vmx_class)d->cls, (uint64_t)bits << d->shift);
}

void vmx_percpu_kvm_print(FILE *f, const struct vmx_percpu_kvm *r, const char *ind)
{
	const char *v = r->policy->version;
	if (r->n_cpus < 2) {
		fprintf(f, "%sone CPU: nothing to compare\n", ind);
		return;
	}
	if (r->consistent) {
		fprintf(f, "%skvm_intel %s: every CPU computes the same vmcs_config as the boot CPU %d (%zu CPUs)\n", ind, v,
			r->boot_cpu, r->n_cpus);
		if (r->caps_differ)
			fprintf(f, "%s  but the EPT/VPID capability words differ: with nested=1 the nested VMX MSRs derived "
				   "from them differ too, and kvm_intel refuses to load\n",
				ind);
		return;
	}
	if (r->fail_cpu >= 0) {
		fprintf(f, "%skvm_intel %s refuses to load: setup_vmcs_config fails on CPU %d\n", ind, v, r->fail_cpu);
		fprintf(f, "%s  kernel log: %s\n", ind, r->message);
		return;
	}
	fprintf(f, "%skvm_intel %s refuses to load (-EIO): CPU %d computes a different vmcs_config than the boot CPU %d\n",
		ind, v, r->mismatch_cpu, r->boot_cpu);
	fprintf(f, "%s  kernel log: %s\n", ind, r->message);
	for (size_t i = 0; i < r->n_diffs; i++) {
		const struct vmx_cfg_diff *d = &r->diffs[i];
		uint32_t x = d->ref ^ d->val;
		fprintf(f, "%s  offset %2u %-9s REF = 0x%08" PRIx32 ", CPU%d = 0x%08" PRIx32 ", mismatch = 0x%08" PRIx32, ind,
			d->offset, d->field, d->ref, r->mismatch_cpu, d->val, x);
		if (x & d->ref) {
			fprintf(f, "; only on CPU %d: ", r->boot_cpu);
			diff_bits(f, d, x & d->ref);
		}
		if (x & d->val) {
			fprintf(f, "; only on CPU %d: ", r->mismatch_cpu);
			diff_bits(f, d, x & d->val);
		}
		fputc('\n', f);
	}
}

void vmx_percpu_kvm_json(FILE *f, const struct vmx_percpu_kvm *r)
{
	fputs("{\"kernel\": ", f);
	vmx_json_str(f, r->policy->version);
	fprintf(f, ", \"cpus\": %zu, \"consistent\": %s, \"boot_cpu\": %d", r->n_cpus, r->consistent ? "true" : "false",
		r->boot_cpu);
	if (r->fail_cpu >= 0)
		fprintf(f, ", \"fail_cpu\": %d", r->fail_cpu);
	if (r->mismatch_cpu >= 0)
		fprintf(f, ", \"mismatch_cpu\": %d", r->mismatch_cpu);
	fprintf(f, ", \"caps_differ\": %s, \"message\": ", r->caps_differ ? "true" : "false");
	vmx_json_str(f, r->message);
	fputs(", \"diffs\": [", f);
	for (size_t i = 0; i < r->n_diffs; i++) {
		const struct vmx_cfg_diff *d = &r->diffs[i];
		fprintf(f, "%s{\"offset\": %u, \"field\": ", i ? ", " : "", d->offset);
		vmx_json_str(f, d->field);
		fprintf(f, ", \"ref\": \"0x%08" PRIx32 "\", \"val\": \"0x%08" PRIx32 "\"", d->ref, d->val);
		if (d->cls >= 0) {
			fputs(", \"only_ref\": ", f);
			vmx_json_bits(f, (enum vmx_class)d->cls, (uint64_t)(d->ref & ~d->val) << d->shift);
			fputs(", \"only_cpu\": ", f);
			vmx_json_bits(f, (enum vmx_class)d->cls, (uint64_t)(d->val & ~d->ref) << d->shift);
		}
		fputs("}", f);
	}
	fputs("]}", f);
}
