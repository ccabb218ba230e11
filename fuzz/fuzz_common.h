/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libFuzzer harnesses: a byte reader that yields zeros past the end, a snapshot
 * decoder for binary inputs, and FUZZ_ASSERT (abort on a broken invariant, so libFuzzer records a crash).
 *
 * Binary snapshot layout (fuzz/mkseeds.py writes the same layout from data/profiles):
 *   u32 msr_present, u32 cpuid_present (bit i: leaf fuzz_leaves[i] present),
 *   VMX_MSR_COUNT x u64 MSR values, then for each of fuzz_leaves: u32 eax, ebx, ecx, edx.  Little endian.
 */
#ifndef VMXCFG_FUZZ_COMMON_H
#define VMXCFG_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <vmxcfg/snapshot.h>

#define FUZZ_ASSERT(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_u8(struct fz *z)
{
	if (!z->n)
		return 0;
	z->n--;
	return *z->p++;
}
static inline uint32_t fz_u32(struct fz *z)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)fz_u8(z) << (8 * i);
	return v;
}
static inline uint64_t fz_u64(struct fz *z)
{
	uint64_t lo = fz_u32(z);
	return lo | (uint64_t)fz_u32(z) << 32;
}

/* The CPUID (leaf, subleaf) pairs any policy or check reads. */
static const uint32_t fuzz_leaves[][2] = {
	{ 0x0, 0 }, { 0x1, 0 }, { 0x7, 0 }, { 0x12, 0 }, { 0x80000000u, 0 }, { 0x80000008u, 0 },
};
#define FUZZ_N_LEAVES (sizeof(fuzz_leaves) / sizeof(fuzz_leaves[0]))
#define FUZZ_SNAP_BYTES (8 + 8 * VMX_MSR_COUNT + 16 * FUZZ_N_LEAVES)

static inline void fz_snapshot(struct fz *z, struct vmx_snapshot *s)
{
	vmx_snapshot_init(s);
	uint32_t present = fz_u32(z), cpresent = fz_u32(z);
	for (int i = 0; i < VMX_MSR_COUNT; i++) {
		uint64_t v = fz_u64(z);
		if ((present >> i) & 1u)
			FUZZ_ASSERT(vmx_snapshot_set_msr(s, vmx_msr_index((enum vmx_msr_slot)i), v) == VMX_OK);
	}
	for (size_t i = 0; i < FUZZ_N_LEAVES; i++) {
		struct vmx_cpuid_leaf l = { fuzz_leaves[i][0], fuzz_leaves[i][1], 0, 0, 0, 0 };
		l.eax = fz_u32(z);
		l.ebx = fz_u32(z);
		l.ecx = fz_u32(z);
		l.edx = fz_u32(z);
		if ((cpresent >> i) & 1u)
			FUZZ_ASSERT(vmx_snapshot_set_cpuid(s, &l) == VMX_OK);
	}
}

#endif
