/* SPDX-License-Identifier: MIT */
/*
 * diff: the capability order on every pair of embedded profiles, and the QEMU features a guest loses when it
 * moves from A to B (raw-MSR view), hand-checked on Skylake -> Haswell.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <vmxcfg/vmxcfg.h>

#include "host/baseline.h"
#include "host/profile.h"
#include "host/qemu_names.h"
#include "t.h"
#include "t_profile.h"

static struct vmx_snapshot *all;
static size_t n_all;

static const struct vmx_snapshot *find(const char *name)
{
	for (size_t i = 0; i < n_all; i++)
		if (!strcmp(vmx_embedded_at(i)->name, name))
			return &all[i];
	return NULL;
}

static void lost_names(const struct vmx_snapshot *a, const struct vmx_snapshot *b, char *out, size_t n)
{
	struct vmx_qemu_words wa, wb, g, lost;
	vmx_qemu_words_from_snapshot(a, &wa);
	vmx_qemu_words_from_snapshot(b, &wb);
	vmx_qemu_guest_features(&wa, a, &g);
	for (int w = 0; w < VMX_QW_COUNT; w++)
		lost.w[w] = g.w[w] & ~wb.w[w];
	out[0] = 0;
	FILE *f = fmemopen(out, n, "w");
	vmx_qemu_print_lost(f, &lost, ",", false);
	fclose(f);
}

int main(void)
{
	all = t_load_all_embedded(&n_all);
	/* Pairwise: reflexive; when B covers A no QEMU feature is lost from A to B; mutual cover means the same
	 * control words. */
	size_t covers = 0, bad_lost = 0, bad_mutual = 0;
	for (size_t i = 0; i < n_all; i++) {
		T_CHECK(vmx_caps_covers(&all[i], &all[i]));
		for (size_t j = 0; j < n_all; j++) {
			if (i == j || !vmx_caps_covers(&all[j], &all[i]))
				continue;
			covers++;
			char buf[4096];
			lost_names(&all[i], &all[j], buf, sizeof(buf));
			bad_lost += buf[0] != 0;
			if (vmx_caps_covers(&all[i], &all[j]))
				bad_mutual += all[i].msr[VMX_MSR_PROCBASED2] != all[j].msr[VMX_MSR_PROCBASED2] ||
					      all[i].msr[VMX_MSR_TRUE_PROCBASED] != all[j].msr[VMX_MSR_TRUE_PROCBASED];
		}
	}
	T_CHECK(covers > 0);
	T_EQ_U64(bad_lost, 0);
	T_EQ_U64(bad_mutual, 0);

	const struct vmx_snapshot *sky = find("skylake-core-i7-6700k"), *has = find("haswell-core-i7-4770");
	T_CHECK(sky && has);
	if (sky && has) {
		char buf[4096];
		/* Worked out by hand from the two profiles' 0x48b, 0x48f, 0x490, 0x485 and Skylake's CPUID (MPX, RDSEED,
		 * XSAVES present). */
		lost_names(sky, has, buf, sizeof(buf));
		T_EQ_STR(buf, "vmx-encls-exit,vmx-rdseed-exit,vmx-pml,vmx-xsaves,vmx-exit-clear-bndcfgs,"
			      "vmx-entry-load-bndcfgs,vmx-zero-len-inject");
		lost_names(has, sky, buf, sizeof(buf));
		T_EQ_STR(buf, "");
		T_CHECK(!vmx_caps_covers(has, sky));
		/* Haswell -> Skylake: only the CR4 FIXED1 bit 14 (SMXE) and the VMCS revision differ. */
		struct vmx_gap g[VMX_MAX_GAPS];
		size_t n;
		size_t gaps = vmx_caps_gaps(has, sky, g, VMX_MAX_GAPS, &n);
		T_EQ_U64(gaps, 1);
		int cr4 = 0, notes = 0;
		for (size_t i = 0; i < n; i++) {
			notes += g[i].kind == VMX_GAP_NOTE;
			cr4 += g[i].slot == VMX_MSR_CR4_FIXED1 && g[i].kind == VMX_GAP_FIXED1 && g[i].bits == (1u << 14);
		}
		T_EQ_U64(cr4, 1);
		T_EQ_U64(notes, 2); /* VMCS revision and preemption-timer rate */
	}
	return T_DONE();
}
