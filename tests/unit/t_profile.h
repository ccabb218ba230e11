/* SPDX-License-Identifier: MIT */
/*
 * Fixtures for unit tests built on the embedded profiles (data/profiles compiled in): the first CPU's snapshot of
 * one profile or of all of them, and a seeded generator for perturbing them.  A profile that is missing or does
 * not parse is a failed check (with the parser's message), never a silent skip.
 */
#ifndef VMXCFG_T_PROFILE_H
#define VMXCFG_T_PROFILE_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <vmxcfg/vmxcfg.h>

#include "host/profile.h"
#include "t.h"

/* The first CPU's snapshot of embedded profile e into *out (left as it was on failure).  One check. */
static inline int t_snapshot_of(const struct vmx_embedded_profile *e, struct vmx_snapshot *out)
{
	struct vmx_profile p;
	struct vmx_diag d;
	vmx_profile_init(&p);
	int rc = vmx_profile_parse(e->text, e->len, e->name, &p, &d);
	if (rc)
		fprintf(stderr, "embedded profile %s: %s:%d: %s\n", e->name, d.file, d.line, d.msg);
	T_CHECK(rc == 0 && p.n_cpus > 0);
	if (rc || p.n_cpus == 0) {
		vmx_profile_free(&p);
		return -1;
	}
	*out = p.cpus[0].snap;
	vmx_profile_free(&p);
	return 0;
}

/* The first CPU's snapshot of the embedded profile called name.  One check. */
static inline int t_load_embedded(const char *name, struct vmx_snapshot *out)
{
	const struct vmx_embedded_profile *e = vmx_embedded_find(name);
	if (!e) {
		fprintf(stderr, "no embedded profile %s\n", name);
		T_CHECK(e != NULL);
		return -1;
	}
	return t_snapshot_of(e, out);
}

/*
 * Every embedded profile's first-CPU snapshot, in vmx_embedded_at order (calloc'ed; *n set to the count).
 * One check per profile.
 */
static inline struct vmx_snapshot *t_load_all_embedded(size_t *n)
{
	*n = vmx_embedded_count();
	struct vmx_snapshot *all = calloc(*n ? *n : 1, sizeof(*all));
	T_CHECK(all != NULL);
	for (size_t i = 0; all && i < *n; i++)
		t_snapshot_of(vmx_embedded_at(i), &all[i]);
	return all;
}

/* xorshift64: a reproducible pseudo-random sequence from *state (non-zero). */
static inline uint64_t t_xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif
