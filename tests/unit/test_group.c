/* SPDX-License-Identifier: MIT */
/* Grouping: independent of input order, groups by identical keys, bounded member samples. */
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "host/group.h"
#include "host/profile.h"
#include "t.h"
#include "t_profile.h"

static struct vmx_snapshot *all;
static size_t n_all;

static void run(struct vmx_grouper *g, const size_t *order, int by_caps, int copies)
{
	static struct kvm_result r;
	const struct kvm_policy *pol = kvm_policy_at(0);
	vmx_grouper_init(g);
	for (int c = 0; c < copies; c++) {
		for (size_t k = 0; k < n_all; k++) {
			size_t i = order[k];
			struct vmx_group_key key;
			if (by_caps) {
				vmx_group_key_caps(&all[i], &key);
			} else {
				struct kvm_input in;
				kvm_input_init(&in, &all[i]);
				kvm_setup_vmcs_config(pol, &in, &r);
				vmx_group_key_kvm(&r, &key);
			}
			char name[64];
			snprintf(name, sizeof(name), "%s/%d", vmx_embedded_at(i)->name, c);
			T_CHECK(vmx_grouper_add(g, &key, name) >= 0);
		}
	}
	vmx_grouper_sort(g);
}

static int same(const struct vmx_grouper *a, const struct vmx_grouper *b)
{
	if (a->n != b->n || a->hosts != b->hosts)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct vmx_group *x = &a->groups[i], *y = &b->groups[i];
		if (x->id != y->id || x->size != y->size || x->n_samples != y->n_samples ||
		    memcmp(&x->key, &y->key, sizeof(x->key)))
			return 0;
		for (size_t k = 0; k < x->n_samples; k++)
			if (strcmp(x->samples[k], y->samples[k]))
				return 0;
	}
	return 1;
}

int main(void)
{
	all = t_load_all_embedded(&n_all);
	size_t *fwd = calloc(n_all, sizeof(size_t)), *rev = calloc(n_all, sizeof(size_t)),
	       *shuf = calloc(n_all, sizeof(size_t));
	for (size_t i = 0; i < n_all; i++) {
		fwd[i] = i;
		rev[i] = n_all - 1 - i;
	}
	/* A seeded Fisher-Yates shuffle. */
	memcpy(shuf, fwd, n_all * sizeof(size_t));
	uint64_t s = 7;
	for (size_t i = n_all - 1; i > 0; i--) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		size_t j = (size_t)(s >> 33) % (i + 1), t = shuf[i];
		shuf[i] = shuf[j];
		shuf[j] = t;
	}
	for (int by_caps = 0; by_caps < 2; by_caps++) {
		static struct vmx_grouper a, b, c;
		run(&a, fwd, by_caps, 3);
		run(&b, rev, by_caps, 3);
		run(&c, shuf, by_caps, 3);
		T_CHECK(same(&a, &b));
		T_CHECK(same(&a, &c));
		T_EQ_U64(a.hosts, 3 * n_all);
		/* Three copies of each host: every group size is a multiple of 3, and copies never split a group. */
		size_t total = 0;
		for (size_t i = 0; i < a.n; i++) {
			T_EQ_U64(a.groups[i].size % 3, 0);
			T_CHECK(a.groups[i].n_samples == (a.groups[i].size < VMX_GROUP_SAMPLES ? a.groups[i].size
												: VMX_GROUP_SAMPLES));
			for (size_t k = 1; k < a.groups[i].n_samples; k++)
				T_CHECK(strcmp(a.groups[i].samples[k - 1], a.groups[i].samples[k]) <= 0);
			total += a.groups[i].size;
			if (i)
				T_CHECK(a.groups[i - 1].size >= a.groups[i].size);
		}
		T_EQ_U64(total, 3 * n_all);
		/* Hosts in one group have equal keys; hosts with equal keys share one group (checked by recount). */
		size_t distinct = 0;
		for (size_t i = 0; i < n_all; i++) {
			int seen = 0;
			for (size_t j = 0; j < i && !seen; j++) {
				if (by_caps) {
					struct vmx_group_key ki, kj;
					vmx_group_key_caps(&all[i], &ki);
					vmx_group_key_caps(&all[j], &kj);
					seen = !memcmp(&ki, &kj, sizeof(ki));
				} else {
					static struct kvm_result ri, rj;
					struct kvm_input in;
					kvm_input_init(&in, &all[i]);
					kvm_setup_vmcs_config(kvm_policy_at(0), &in, &ri);
					kvm_input_init(&in, &all[j]);
					kvm_setup_vmcs_config(kvm_policy_at(0), &in, &rj);
					struct vmx_group_key ki, kj;
					vmx_group_key_kvm(&ri, &ki);
					vmx_group_key_kvm(&rj, &kj);
					seen = !memcmp(&ki, &kj, sizeof(ki));
				}
			}
			distinct += !seen;
		}
		T_EQ_U64(a.n, distinct);
		T_CHECK(a.n > 1 && a.n < n_all);
		vmx_grouper_free(&a);
		vmx_grouper_free(&b);
		vmx_grouper_free(&c);
	}
	/* Many hosts, few groups: memory is per group (the table stays small). */
	static struct vmx_grouper g;
	vmx_grouper_init(&g);
	struct vmx_group_key k;
	memset(&k, 0, sizeof(k));
	for (int i = 0; i < 100000; i++) {
		k.w[0] = (uint64_t)(i % 4);
		char nm[32];
		snprintf(nm, sizeof(nm), "h%06d", 99999 - i);
		vmx_grouper_add(&g, &k, nm);
	}
	vmx_grouper_sort(&g);
	T_EQ_U64(g.n, 4);
	T_CHECK(g.cap <= 16 && g.tcap <= 64);
	T_EQ_U64(g.groups[0].size, 25000);
	/* Each group keeps its smallest names: key 3 has h000000, key 2 h000001, ... */
	for (size_t i = 0; i < g.n; i++) {
		char want[32];
		snprintf(want, sizeof(want), "h%06d", 3 - (int)g.groups[i].key.w[0]);
		T_EQ_STR(g.groups[i].samples[0], want);
		T_EQ_U64(g.groups[i].n_samples, VMX_GROUP_SAMPLES);
	}
	vmx_grouper_free(&g);
	free(fwd);
	free(rev);
	free(shuf);
	return T_DONE();
}
