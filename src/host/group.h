/* SPDX-License-Identifier: MIT */
/*
 * Grouping many hosts by a fixed-size key (a negotiated KVM configuration, or the capability MSRs).  Memory
 * grows with the number of distinct groups, not with the number of hosts: a group keeps its key, its size and
 * the few lexicographically smallest member names (so the result does not depend on the input order).
 */
#ifndef VMXCFG_HOST_GROUP_H
#define VMXCFG_HOST_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include <vmxcfg/kvm.h>
#include <vmxcfg/snapshot.h>

#define VMX_GROUP_KEY_WORDS 24
#define VMX_GROUP_SAMPLES 5
#define VMX_GROUP_NAME 96

struct vmx_group_key {
	uint64_t w[VMX_GROUP_KEY_WORDS];
};

/* Key words of a KVM outcome: 0 status, 1 precheck, 2 basic, 3 pin, 4 primary, 5 secondary, 6 tertiary,
 * 7 exit, 8 entry, 9 misc, 10 ept, 11 vpid (the rest 0). */
void vmx_group_key_kvm(const struct kvm_result *r, struct vmx_group_key *k);
/* Key of the capability MSRs: 0 presence mask, 1 + slot = value of each present MSR (absent = 0). */
void vmx_group_key_caps(const struct vmx_snapshot *s, struct vmx_group_key *k);
/* The snapshot a caps key describes (MSRs only, no CPUID). */
void vmx_group_key_to_snapshot(const struct vmx_group_key *k, struct vmx_snapshot *s);

struct vmx_group {
	uint64_t id; /* hash of the key: stable across runs and input orders */
	struct vmx_group_key key;
	size_t size;
	size_t n_samples;
	char samples[VMX_GROUP_SAMPLES][VMX_GROUP_NAME]; /* smallest member names, sorted */
};

struct vmx_grouper {
	struct vmx_group *groups;
	size_t n, cap;
	uint32_t *table; /* open addressing: index + 1, 0 = empty */
	size_t tcap;
	size_t hosts;
};

void vmx_grouper_init(struct vmx_grouper *g);
void vmx_grouper_free(struct vmx_grouper *g);
/* Add a host. Returns the group index, or -1 when out of memory. */
long vmx_grouper_add(struct vmx_grouper *g, const struct vmx_group_key *k, const char *name);
/* Sort groups: largest first, ties by id.  Invalidates indices returned by add. */
void vmx_grouper_sort(struct vmx_grouper *g);

#endif
