/* SPDX-License-Identifier: MIT */
/* Grouping hosts by key (group.h). */
#include "host/group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vmx_group_key_kvm(const struct kvm_result *r, struct vmx_group_key *k)
{
	memset(k, 0, sizeof(*k));
	k->w[0] = (uint64_t)r->status;
	k->w[1] = (uint64_t)r->precheck;
	k->w[2] = r->cfg.basic;
	k->w[3] = r->cfg.pin;
	k->w[4] = r->cfg.primary;
	k->w[5] = r->cfg.secondary;
	k->w[6] = r->cfg.tertiary;
	k->w[7] = r->cfg.exit;
	k->w[8] = r->cfg.entry;
	k->w[9] = r->cfg.misc;
	k->w[10] = r->ept;
	k->w[11] = r->vpid;
}

void vmx_group_key_caps(const struct vmx_snapshot *s, struct vmx_group_key *k)
{
	memset(k, 0, sizeof(*k));
	k->w[0] = s->msr_present;
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		k->w[1 + i] = vmx_snapshot_msr(s, (enum vmx_msr_slot)i);
}

void vmx_group_key_to_snapshot(const struct vmx_group_key *k, struct vmx_snapshot *s)
{
	vmx_snapshot_init(s);
	for (int i = 0; i < VMX_MSR_COUNT; i++)
		if ((k->w[0] >> i) & 1)
			vmx_snapshot_set_msr(s, vmx_msr_index((enum vmx_msr_slot)i), k->w[1 + i]);
}

static uint64_t hash_key(const struct vmx_group_key *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < VMX_GROUP_KEY_WORDS; i++) {
		h ^= k->w[i] + 0x632be59bd9b4e019ull + (h << 6) + (h >> 2);
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 32;
	return h;
}

void vmx_grouper_init(struct vmx_grouper *g)
{
	memset(g, 0, sizeof(*g));
}

void vmx_grouper_free(struct vmx_grouper *g)
{
	free(g->groups);
	free(g->table);
	memset(g, 0, sizeof(*g));
}

static int rehash(struct vmx_grouper *g, size_t tcap)
{
	uint32_t *t = calloc(tcap, sizeof(*t));
	if (!t)
		return -1;
	for (size_t i = 0; i < g->n; i++) {
		size_t j = (size_t)g->groups[i].id & (tcap - 1);
		while (t[j])
			j = (j + 1) & (tcap - 1);
		t[j] = (uint32_t)(i + 1);
	}
	free(g->table);
	g->table = t;
	g->tcap = tcap;
	return 0;
}

static void sample(struct vmx_group *gr, const char *name)
{
	char nm[VMX_GROUP_NAME];
	snprintf(nm, sizeof(nm), "%s", name ? name : "");
	size_t n = gr->n_samples;
	if (n == VMX_GROUP_SAMPLES && strcmp(nm, gr->samples[n - 1]) >= 0)
		return;
	size_t pos = n < VMX_GROUP_SAMPLES ? n : VMX_GROUP_SAMPLES - 1;
	while (pos > 0 && strcmp(nm, gr->samples[pos - 1]) < 0) {
		memcpy(gr->samples[pos], gr->samples[pos - 1], VMX_GROUP_NAME);
		pos--;
	}
	memcpy(gr->samples[pos], nm, VMX_GROUP_NAME);
	if (n < VMX_GROUP_SAMPLES)
		gr->n_samples++;
}

long vmx_grouper_add(struct vmx_grouper *g, const struct vmx_group_key *k, const char *name)
{
	if (g->tcap == 0 && rehash(g, 64))
		return -1;
	uint64_t h = hash_key(k);
	size_t j = (size_t)h & (g->tcap - 1);
	while (g->table[j]) {
		struct vmx_group *gr = &g->groups[g->table[j] - 1];
		if (gr->id == h && memcmp(&gr->key, k, sizeof(*k)) == 0) {
			gr->size++;
			g->hosts++;
			sample(gr, name);
			return (long)(g->table[j] - 1);
		}
		j = (j + 1) & (g->tcap - 1);
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		struct vmx_group *ng = realloc(g->groups, cap * sizeof(*ng));
		if (!ng)
			return -1;
		g->groups = ng;
		g->cap = cap;
	}
	struct vmx_group *gr = &g->groups[g->n];
	gr->id = h;
	gr->key = *k;
	gr->size = 1;
	gr->n_samples = 0;
	sample(gr, name);
	g->table[j] = (uint32_t)(g->n + 1);
	g->n++;
	g->hosts++;
	if (g->n * 2 > g->tcap && rehash(g, g->tcap * 2))
		return -1;
	return (long)(g->n - 1);
}

static int cmp_group(const void *a, const void *b)
{
	const struct vmx_group *x = a, *y = b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

void vmx_grouper_sort(struct vmx_grouper *g)
{
	if (g->n > 1)
		qsort(g->groups, g->n, sizeof(g->groups[0]), cmp_group);
	if (g->tcap)
		rehash(g, g->tcap);
}
