/* SPDX-License-Identifier: MIT */
/*
 * Throughput of vmcs_check(): validations per second on one core (thread CPU
 * time, so other load on the machine does not count) over a varied input
 * set: KVM's per-vCPU controls on every embedded profile, half of them with
 * 1-3 seeded random bit flips in any field and some with event injection, so
 * passing and failing field sets are mixed as a fuzzer would produce them.
 *
 * Usage: bench_vmcs [SECONDS [MIX]]     (default: 1 s each of "mixed", "pass", "slow")
 *   mixed  the set above (the headline figure; target >= 20 million/s)
 *   pass   KVM's sets unmodified (all pass: the fast path)
 *   slow   mixed, with VMCS_CHECK_NO_FASTPATH (the detailed path only)
 *   one    a single set in a loop (hot cache)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmxcfg/kvm.h>
#include <vmxcfg/vmcs.h>

#include "host/profile.h"

#define NSET 4096

struct input {
	const struct vmx_snapshot *snap;
	unsigned maxphy;
	struct vmcs_fields f;
};

static struct input *base, *set;
static size_t nbase;

static uint64_t rng;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run(const char *mix, double secs)
{
	int mutate = strcmp(mix, "pass") != 0 && strcmp(mix, "one") != 0;
	size_t nuse = strcmp(mix, "one") == 0 ? 1 : NSET, i;
	uint32_t flags = strcmp(mix, "slow") == 0 ? VMCS_CHECK_NO_FASTPATH : 0;
	static struct vmcs_result r;
	uint64_t n = 0, errors = 0, findings = 0;
	double t0, t1;

	rng = 0x9e3779b97f4a7c15ull; /* same inputs for every mix */
	for (i = 0; i < NSET; i++) {
		set[i] = base[next() % nbase];
		if (mutate && (i & 1)) {
			unsigned k, m = 1 + (unsigned)(next() % 3);
			for (k = 0; k < m; k++) {
				unsigned fld = (unsigned)(next() % VMCS_F_COUNT);
				set[i].f.v[fld] ^= 1ull << (next() % 64);
			}
		}
		if (mutate && (i & 7) == 3)
			set[i].f.v[VMCS_F_ENTRY_INTR_INFO] =
				0x80000000u | ((next() % 8) << 8) | (next() % 256) | ((next() & 1) << 11);
	}
	t0 = t1 = now();
	while (t1 - t0 < secs) {
		for (i = 0; i < NSET; i++) {
			size_t j = nuse == 1 ? 0 : i;
			vmcs_check(set[j].snap, set[j].maxphy, &set[j].f, flags, &r);
			errors += r.n_errors != 0;
			findings += r.n;
		}
		n += NSET;
		t1 = now();
	}
	printf("vmcs_check [%-5s]: %6.1f million validations/s on one core (%llu in %.2f s CPU; %zu base sets, "
	       "%.0f%% failing, %.2f findings/set)\n",
	       mix, (double)n / (t1 - t0) / 1e6, (unsigned long long)n, t1 - t0, nbase, 100.0 * (double)errors / (double)n,
	       (double)findings / (double)n);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	size_t np = vmx_embedded_count(), i;
	struct vmx_profile *profs = calloc(np, sizeof *profs);
	base = calloc(np ? np : 1, sizeof *base);
	set = calloc(NSET, sizeof *set);
	if (!profs || !base || !set || secs <= 0)
		return 2;
	for (i = 0; i < np; i++) {
		const struct vmx_embedded_profile *e = vmx_embedded_at(i);
		struct vmx_diag d;
		struct kvm_input in;
		struct kvm_result kr;
		struct vmcs_kvm_params p;
		uint32_t eax;
		vmx_profile_init(&profs[i]);
		if (vmx_profile_parse(e->text, e->len, e->name, &profs[i], &d) != 0 || !profs[i].n_cpus)
			continue;
		kvm_input_init(&in, &profs[i].cpus[0].snap);
		kvm_setup_vmcs_config(kvm_policy_find("7.1"), &in, &kr);
		if (kr.status != KVM_STATUS_OK)
			continue;
		vmcs_kvm_params_from(&kr, &profs[i].cpus[0].snap, &p);
		base[nbase].snap = &profs[i].cpus[0].snap;
		eax = vmx_snapshot_cpuid_reg(base[nbase].snap, 0x80000008u, 0, 0) & 0xffu;
		base[nbase].maxphy = eax ? eax : 36;
		vmcs_from_kvm(&kr, &p, &base[nbase].f);
		nbase++;
	}
	if (!nbase) {
		fprintf(stderr, "bench_vmcs: no profile\n");
		return 2;
	}
	if (argc > 2) {
		run(argv[2], secs);
	} else {
		run("mixed", secs);
		run("pass", secs);
		run("slow", secs);
	}
	for (i = 0; i < np; i++)
		vmx_profile_free(&profs[i]);
	free(profs);
	free(base);
	free(set);
	return 0;
}
