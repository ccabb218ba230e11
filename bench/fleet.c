/* SPDX-License-Identifier: MIT */
/*
 * Synthetic fleets and throughput figures (make bench).
 *   fleet gen N [SEED]        write N profiles as one stream to stdout: host i is embedded profile i mod M in
 *                             one of 16 variants mutated by a seeded PRNG (optional controls and EPT/VPID caps
 *                             cleared, stepping, timer rate, firmware lock), with the MSRs and the CPUID leaves
 *                             the policies read
 *   fleet bench N [SEED]      in memory: stream parse, parse + negotiate (kvm 7.1), the full parser, one negotiation
 *   fleet negotiate K         K negotiations of one profile (for callgrind: instructions per negotiation)
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vmxcfg/vmxcfg.h>

#include "host/group.h"
#include "host/profile.h"
#include "host/stream.h"

static uint64_t rng_state, seed0;
static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Wall clock, and the CPU time of this process (what a busy shared machine disturbs least). */
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPUID leaves written for each host: those KVM's negotiation and QEMU's dependency rules read. */
static const uint32_t keep_leaves[][2] = { { 0, 0 }, { 1, 0 }, { 7, 0 }, { 0xd, 1 }, { 0x12, 0 }, { 0x80000001u, 0 } };

static struct vmx_snapshot *bases;
static const char **base_names;
static size_t n_bases;

static void load_bases(void)
{
	n_bases = vmx_embedded_count();
	bases = calloc(n_bases, sizeof(*bases));
	base_names = calloc(n_bases, sizeof(*base_names));
	for (size_t i = 0; i < n_bases; i++) {
		const struct vmx_embedded_profile *e = vmx_embedded_at(i);
		struct vmx_profile p;
		struct vmx_diag d;
		if (vmx_profile_parse(e->text, e->len, e->name, &p, &d)) {
			fprintf(stderr, "fleet: %s:%d: %s\n", d.file, d.line, d.msg);
			exit(2);
		}
		bases[i] = p.cpus[0].snap;
		base_names[i] = e->name;
		vmx_profile_free(&p);
	}
}

/* Clear up to n random optional (allowed-1 but not allowed-0) bits of a control class, TRUE and legacy alike. */
static void drop_ctl(struct vmx_snapshot *s, enum vmx_msr_slot legacy, enum vmx_msr_slot truem, int n)
{
	for (int k = 0; k < n; k++) {
		unsigned bit = (unsigned)(rnd() & 31);
		uint64_t m = 1ull << (32 + bit);
		if (vmx_allowed0(s->msr[legacy]) & (1u << bit))
			continue;
		s->msr[legacy] &= ~m;
		s->msr[truem] &= ~m;
	}
}

static void mutate(struct vmx_snapshot *s)
{
	uint64_t r = rnd();
	if (r & 1)
		drop_ctl(s, VMX_MSR_PROCBASED2, VMX_MSR_PROCBASED2, 1 + (int)((r >> 1) & 3));
	if ((r >> 3 & 3) == 0)
		drop_ctl(s, VMX_MSR_PROCBASED, VMX_MSR_TRUE_PROCBASED, 1);
	if ((r >> 5 & 3) == 0)
		drop_ctl(s, VMX_MSR_PINBASED, VMX_MSR_TRUE_PINBASED, 1);
	if ((r >> 7 & 7) == 0) {
		drop_ctl(s, VMX_MSR_EXIT, VMX_MSR_TRUE_EXIT, 1);
		drop_ctl(s, VMX_MSR_ENTRY, VMX_MSR_TRUE_ENTRY, 1);
	}
	if ((r >> 10 & 3) == 0)
		s->msr[VMX_MSR_EPT_VPID_CAP] &= ~(1ull << (rnd() & 63));
	if ((r >> 12 & 7) == 0)
		s->msr[VMX_MSR_MISC] = (s->msr[VMX_MSR_MISC] & ~0x1full) | (rnd() & 0x1f);
	if ((r >> 15 & 63) == 0 && vmx_snapshot_has(s, VMX_MSR_FEATURE_CONTROL))
		s->msr[VMX_MSR_FEATURE_CONTROL] = 1; /* locked, VMX off */
	for (uint32_t i = 0; i < s->n_cpuid; i++)
		if (s->cpuid[i].leaf == 1)
			s->cpuid[i].eax = (s->cpuid[i].eax & ~0xfu) | (uint32_t)(r >> 21 & 0xf);
}

#define VARIANTS 16

/*
 * One host as profile text into buf; returns its length.  Host i is embedded profile i mod M in one of
 * VARIANTS mutated variants (a fleet has few hardware/firmware configurations but many hosts); the variant's
 * mutation is seeded by (seed, profile, variant), the choice of variant by the host's own draw.
 */
static size_t emit(char *buf, size_t i)
{
	struct vmx_snapshot s = bases[i % n_bases];
	uint64_t host_draw = rnd(), saved = rng_state;
	rng_state = seed0 ^ ((uint64_t)(i % n_bases) << 32) ^ (host_draw % VARIANTS) * 0x9e3779b97f4a7c15ull;
	mutate(&s);
	rng_state = saved;
	char *p = buf;
	p += sprintf(p, "# vmxcfg-profile 1\n# name: host-%07zu (%s)\n", i, base_names[i % n_bases]);
	for (size_t k = 0; k < sizeof(keep_leaves) / sizeof(keep_leaves[0]); k++) {
		const struct vmx_cpuid_leaf *l = vmx_snapshot_find_cpuid(&s, keep_leaves[k][0], keep_leaves[k][1]);
		if (l)
			p += sprintf(p, "cpuid 0x%" PRIx32 " 0x%" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32
					" 0x%08" PRIx32 "\n",
				     l->leaf, l->subleaf, l->eax, l->ebx, l->ecx, l->edx);
	}
	for (int k = 0; k < VMX_MSR_COUNT; k++)
		if (vmx_snapshot_has(&s, (enum vmx_msr_slot)k))
			p += sprintf(p, "msr 0x%" PRIx32 " 0x%016" PRIx64 "\n", vmx_msr_index((enum vmx_msr_slot)k),
				     s.msr[k]);
	return (size_t)(p - buf);
}

static char *generate(size_t n, size_t *len)
{
	size_t cap = n * 1400 + 4096, o = 0;
	char *b = malloc(cap);
	if (!b) {
		fprintf(stderr, "fleet: out of memory\n");
		exit(2);
	}
	for (size_t i = 0; i < n; i++) {
		if (cap - o < 4096) {
			cap *= 2;
			b = realloc(b, cap);
			if (!b)
				exit(2);
		}
		o += emit(b + o, i);
	}
	*len = o;
	return b;
}

static int bench(size_t n)
{
	size_t len;
	double t0 = now();
	char *buf = generate(n, &len);
	double tg = now() - t0;
	printf("fleet: %zu profiles from %zu embedded ones, %.1f MB (%.0f bytes/profile), generated in %.2f s\n", n,
	       n_bases, (double)len / 1e6, (double)len / (double)n, tg);

	const struct kvm_policy *pol = kvm_policy_find("7.1");
	static struct kvm_result r;
	struct vmx_diag d;
	struct vmx_stream_item *it;
	for (int pass = 0; pass < 2; pass++) {
		struct vmx_stream *st = vmx_stream_open_mem(buf, len, "fleet");
		size_t cnt = 0, ok = 0;
		uint64_t sink = 0;
		t0 = now();
		double c0 = cpu();
		int rc;
		while ((rc = vmx_stream_next(st, &it, &d)) > 0) {
			cnt++;
			if (pass == 1) {
				struct kvm_input in;
				kvm_input_init(&in, &it->snap);
				kvm_setup_vmcs_config(pol, &in, &r);
				ok += r.status == KVM_STATUS_OK;
				sink += r.cfg.secondary;
			} else {
				sink += it->snap.msr[VMX_MSR_PROCBASED2];
			}
		}
		double t = now() - t0, tc = cpu() - c0;
		vmx_stream_close(st);
		if (rc < 0 || cnt != n) {
			fprintf(stderr, "fleet: stream error after %zu: %s:%d: %s\n", cnt, d.file, d.line, d.msg);
			return 2;
		}
		printf("%-28s %9.0f profiles/s  %7.0f ns/profile  %6.0f MB/s  wall; %9.0f profiles/s CPU time%s\n",
		       pass ? "parse + negotiate (7.1):" : "stream parse:", (double)cnt / t, t * 1e9 / (double)cnt,
		       (double)len / t / 1e6, (double)cnt / tc, sink == 42 ? " " : "");
		if (pass)
			printf("  %zu of %zu hosts: kvm_intel loads\n", ok, cnt);
	}
	/* The full parser (what every profile would cost without the stream fast path), on a slice. */
	{
		size_t m = n < 100000 ? n : 100000;
		struct vmx_stream *st = vmx_stream_open_mem(buf, len, "fleet");
		vmx_stream_set_slow(st, 1);
		size_t cnt = 0;
		t0 = now();
		while (cnt < m && vmx_stream_next(st, &it, &d) > 0)
			cnt++;
		double t = now() - t0;
		vmx_stream_close(st);
		printf("%-28s %9.0f profiles/s  %7.0f ns/profile\n", "full parser (reference):", (double)cnt / t,
		       t * 1e9 / (double)cnt);
	}
	/* One negotiation, repeated. */
	{
		struct kvm_input in;
		kvm_input_init(&in, &bases[0]);
		size_t k = 2000000;
		uint64_t sink = 0;
		t0 = now();
		double c0 = cpu();
		for (size_t i = 0; i < k; i++) {
			kvm_setup_vmcs_config(pol, &in, &r);
			sink += r.cfg.primary;
		}
		double t = now() - t0, tc = cpu() - c0;
		printf("%-28s %9.1f ns wall, %.1f ns CPU time (%s, kernel 7.1)%s\n", "one negotiation:",
		       t * 1e9 / (double)k, tc * 1e9 / (double)k, base_names[0], sink == 42 ? " " : "");
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: fleet gen N [SEED] | fleet bench N [SEED] | fleet negotiate K\n");
		return 2;
	}
	size_t n = (size_t)strtoull(argv[2], NULL, 10);
	rng_state = seed0 = argc > 3 ? strtoull(argv[3], NULL, 0) : 20261127;
	load_bases();
	if (!strcmp(argv[1], "gen")) {
		static char b[8192];
		for (size_t i = 0; i < n; i++) {
			size_t l = emit(b, i);
			if (fwrite(b, 1, l, stdout) != l)
				return 2;
		}
		return fflush(stdout) ? 2 : 0;
	}
	if (!strcmp(argv[1], "bench"))
		return bench(n);
	if (!strcmp(argv[1], "negotiate")) {
		const struct kvm_policy *pol = kvm_policy_find("7.1");
		static struct kvm_result r;
		struct kvm_input in;
		kvm_input_init(&in, &bases[0]);
		uint64_t sink = 0;
		for (size_t i = 0; i < n; i++) {
			kvm_setup_vmcs_config(pol, &in, &r);
			sink += r.cfg.primary;
		}
		return sink == 42;
	}
	fprintf(stderr, "fleet: unknown mode '%s'\n", argv[1]);
	return 2;
}
