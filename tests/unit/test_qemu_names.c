/* SPDX-License-Identifier: MIT */
/*
 * QEMU vmx-* names: the bit table (bits_def.h) against a table transcribed by hand from
 * ../shared/reference/qemu-vmx-names.md §3 (MSR QEMU prints, bit inside the feature word, name),
 * plus the word derivation (§1.2), the dependencies (§4) and the guest MSR values (§2).
 */
#include <vmxcfg/vmxcfg.h>

#include "host/qemu_names.h"
#include "t.h"

struct ref { uint32_t msr; unsigned bit; const char *name; };

/* Transcribed from qemu-vmx-names.md §3.1-§3.9 (not generated from the code). */
static const struct ref doc[] = {
	/* 3.1 48EH */
	{ 0x48e, 2, "vmx-vintr-pending" }, { 0x48e, 3, "vmx-tsc-offset" }, { 0x48e, 7, "vmx-hlt-exit" },
	{ 0x48e, 9, "vmx-invlpg-exit" }, { 0x48e, 10, "vmx-mwait-exit" }, { 0x48e, 11, "vmx-rdpmc-exit" },
	{ 0x48e, 12, "vmx-rdtsc-exit" }, { 0x48e, 15, "vmx-cr3-load-noexit" }, { 0x48e, 16, "vmx-cr3-store-noexit" },
	{ 0x48e, 19, "vmx-cr8-load-exit" }, { 0x48e, 20, "vmx-cr8-store-exit" }, { 0x48e, 21, "vmx-flexpriority" },
	{ 0x48e, 22, "vmx-vnmi-pending" }, { 0x48e, 23, "vmx-movdr-exit" }, { 0x48e, 24, "vmx-io-exit" },
	{ 0x48e, 25, "vmx-io-bitmap" }, { 0x48e, 27, "vmx-mtf" }, { 0x48e, 28, "vmx-msr-bitmap" },
	{ 0x48e, 29, "vmx-monitor-exit" }, { 0x48e, 30, "vmx-pause-exit" }, { 0x48e, 31, "vmx-secondary-ctls" },
	/* 3.2 48BH */
	{ 0x48b, 0, "vmx-apicv-xapic" }, { 0x48b, 1, "vmx-ept" }, { 0x48b, 2, "vmx-desc-exit" },
	{ 0x48b, 3, "vmx-rdtscp-exit" }, { 0x48b, 4, "vmx-apicv-x2apic" }, { 0x48b, 5, "vmx-vpid" },
	{ 0x48b, 6, "vmx-wbinvd-exit" }, { 0x48b, 7, "vmx-unrestricted-guest" }, { 0x48b, 8, "vmx-apicv-register" },
	{ 0x48b, 9, "vmx-apicv-vid" }, { 0x48b, 10, "vmx-ple" }, { 0x48b, 11, "vmx-rdrand-exit" },
	{ 0x48b, 12, "vmx-invpcid-exit" }, { 0x48b, 13, "vmx-vmfunc" }, { 0x48b, 14, "vmx-shadow-vmcs" },
	{ 0x48b, 15, "vmx-encls-exit" }, { 0x48b, 16, "vmx-rdseed-exit" }, { 0x48b, 17, "vmx-pml" },
	{ 0x48b, 20, "vmx-xsaves" }, { 0x48b, 25, "vmx-tsc-scaling" }, { 0x48b, 26, "vmx-enable-user-wait-pause" },
	/* 3.3 48DH */
	{ 0x48d, 0, "vmx-intr-exit" }, { 0x48d, 3, "vmx-nmi-exit" }, { 0x48d, 5, "vmx-vnmi" },
	{ 0x48d, 6, "vmx-preemption-timer" }, { 0x48d, 7, "vmx-posted-intr" },
	/* 3.4 48FH */
	{ 0x48f, 2, "vmx-exit-nosave-debugctl" }, { 0x48f, 12, "vmx-exit-load-perf-global-ctrl" },
	{ 0x48f, 15, "vmx-exit-ack-intr" }, { 0x48f, 18, "vmx-exit-save-pat" }, { 0x48f, 19, "vmx-exit-load-pat" },
	{ 0x48f, 20, "vmx-exit-save-efer" }, { 0x48f, 21, "vmx-exit-load-efer" },
	{ 0x48f, 22, "vmx-exit-save-preemption-timer" }, { 0x48f, 23, "vmx-exit-clear-bndcfgs" },
	{ 0x48f, 25, "vmx-exit-clear-rtit-ctl" }, { 0x48f, 29, "vmx-exit-load-pkrs" },
	{ 0x48f, 31, "vmx-exit-secondary-ctls" },
	/* 3.5 490H */
	{ 0x490, 2, "vmx-entry-noload-debugctl" }, { 0x490, 9, "vmx-entry-ia32e-mode" },
	{ 0x490, 13, "vmx-entry-load-perf-global-ctrl" }, { 0x490, 14, "vmx-entry-load-pat" },
	{ 0x490, 15, "vmx-entry-load-efer" }, { 0x490, 16, "vmx-entry-load-bndcfgs" },
	{ 0x490, 18, "vmx-entry-load-rtit-ctl" }, { 0x490, 22, "vmx-entry-load-pkrs" },
	{ 0x490, 23, "vmx-entry-load-fred" },
	/* 3.6 485H */
	{ 0x485, 5, "vmx-store-lma" }, { 0x485, 6, "vmx-activity-hlt" }, { 0x485, 7, "vmx-activity-shutdown" },
	{ 0x485, 8, "vmx-activity-wait-sipi" }, { 0x485, 29, "vmx-vmwrite-vmexit-fields" },
	{ 0x485, 30, "vmx-zero-len-inject" },
	/* 3.7 48CH (41 and 43 carry QEMU's misnomers) */
	{ 0x48c, 0, "vmx-ept-execonly" }, { 0x48c, 6, "vmx-page-walk-4" }, { 0x48c, 7, "vmx-page-walk-5" },
	{ 0x48c, 16, "vmx-ept-2mb" }, { 0x48c, 17, "vmx-ept-1gb" }, { 0x48c, 20, "vmx-invept" },
	{ 0x48c, 21, "vmx-eptad" }, { 0x48c, 22, "vmx-ept-advanced-exitinfo" },
	{ 0x48c, 25, "vmx-invept-single-context" }, { 0x48c, 26, "vmx-invept-all-context" },
	{ 0x48c, 32, "vmx-invvpid" }, { 0x48c, 40, "vmx-invvpid-single-addr" },
	{ 0x48c, 41, "vmx-invept-single-context" }, { 0x48c, 42, "vmx-invvpid-all-context" },
	{ 0x48c, 43, "vmx-invept-single-context-noglobals" },
	/* 3.8 480H */
	{ 0x480, 54, "vmx-ins-outs" }, { 0x480, 55, "vmx-true-ctls" }, { 0x480, 56, "vmx-any-errcode" },
	{ 0x480, 58, "vmx-nested-exception" },
	/* 3.9 491H */
	{ 0x491, 0, "vmx-eptp-switching" },
};
#define N_DOC (sizeof(doc) / sizeof(doc[0]))

static enum vmx_qemu_word word_of_msr(uint32_t msr)
{
	for (int w = 0; w < VMX_QW_COUNT; w++)
		if (vmx_qemu_word_get((enum vmx_qemu_word)w)->msr == msr)
			return (enum vmx_qemu_word)w;
	return VMX_QW_COUNT;
}

static const char *doc_name(uint32_t msr, unsigned bit)
{
	for (size_t i = 0; i < N_DOC; i++)
		if (doc[i].msr == msr && doc[i].bit == bit)
			return doc[i].name;
	return NULL;
}

static void test_table(void)
{
	/* Every documented name is in the bit table at the same word and bit. */
	for (size_t i = 0; i < N_DOC; i++) {
		enum vmx_qemu_word w = word_of_msr(doc[i].msr);
		T_CHECK(w != VMX_QW_COUNT);
		if (w == VMX_QW_COUNT)
			continue;
		const struct vmx_bit_info *bi = vmx_bit_get(vmx_qemu_word_get(w)->cls, doc[i].bit);
		T_CHECK(bi != NULL);
		if (!bi) {
			fprintf(stderr, "  MSR %xH bit %u (%s) missing from bits_def.h\n", doc[i].msr, doc[i].bit,
				doc[i].name);
			continue;
		}
		T_EQ_STR(bi->qemu, doc[i].name);
	}
	/* Every name in the bit table is documented (no invented names), and classes QEMU has no word for are unnamed. */
	size_t named = 0;
	for (int c = 0; c < VMX_CLASS_COUNT; c++) {
		const struct vmx_class_info *ci = vmx_class_get((enum vmx_class)c);
		enum vmx_qemu_word w = VMX_QW_COUNT;
		for (int k = 0; k < VMX_QW_COUNT; k++)
			if (vmx_qemu_word_get((enum vmx_qemu_word)k)->cls == (enum vmx_class)c)
				w = (enum vmx_qemu_word)k;
		for (size_t b = 0; b < ci->n_bits; b++) {
			const struct vmx_bit_info *bi = &ci->bits[b];
			if (!bi->qemu)
				continue;
			named++;
			T_CHECK(w != VMX_QW_COUNT);
			if (w == VMX_QW_COUNT) {
				fprintf(stderr, "  class %s bit %u has QEMU name %s but QEMU has no word for it\n",
					ci->name, bi->bit, bi->qemu);
				continue;
			}
			const char *d = doc_name(vmx_qemu_word_get(w)->msr, bi->bit);
			if (!d)
				fprintf(stderr, "  %s bit %u: %s is not in qemu-vmx-names.md\n", ci->name, bi->bit, bi->qemu);
			T_EQ_STR(bi->qemu, d);
		}
	}
	T_EQ_U64(named, N_DOC);
	/* One property covers both bit 25 and bit 41 of 48CH. */
	const struct vmx_qemu_prop *p = vmx_qemu_prop_find("vmx-invept-single-context");
	T_CHECK(p && p->word == VMX_QW_EPT_VPID && p->mask == ((1ull << 25) | (1ull << 41)));
	T_EQ_U64(vmx_qemu_prop_count(), N_DOC - 1);
	T_CHECK(vmx_qemu_prop_find("vmx-invvpid-single-context") == NULL);
	/* Word MSRs printed by QEMU (§0 table). */
	T_EQ_U64(vmx_qemu_word_get(VMX_QW_PINBASED)->msr, 0x48d);
	T_EQ_U64(vmx_qemu_word_get(VMX_QW_PROCBASED)->msr, 0x48e);
	T_EQ_U64(vmx_qemu_word_get(VMX_QW_EXIT)->msr, 0x48f);
	T_EQ_U64(vmx_qemu_word_get(VMX_QW_ENTRY)->msr, 0x490);
	T_EQ_U64(vmx_qemu_word_get(VMX_QW_SECONDARY)->msr, 0x48b);
}

static void test_words(void)
{
	struct vmx_snapshot s;
	vmx_snapshot_init(&s);
	/* Skylake values: TRUE pin 0x0000007f00000016 -> 0x69; TRUE proc lets CR3 exits be 0. */
	vmx_snapshot_set_msr(&s, 0x481, 0x0000007f00000016ull);
	vmx_snapshot_set_msr(&s, 0x48d, 0x0000007f00000016ull);
	vmx_snapshot_set_msr(&s, 0x482, 0xfff9fffe0401e172ull);
	vmx_snapshot_set_msr(&s, 0x48e, 0xfff9fffe04006172ull);
	vmx_snapshot_set_msr(&s, 0x48c, 0x00000f0106334141ull);
	struct vmx_qemu_words w;
	vmx_qemu_words_from_snapshot(&s, &w);
	T_EQ_U64(w.w[VMX_QW_PINBASED], 0x69);
	T_EQ_U64(w.w[VMX_QW_PROCBASED], 0xfff9fffeull & ~0x04006172ull);
	T_CHECK(w.w[VMX_QW_PROCBASED] & (1u << 15)); /* vmx-cr3-load-noexit */
	T_EQ_U64(w.w[VMX_QW_EPT_VPID], 0x00000f0106334141ull);
	T_EQ_U64(w.w[VMX_QW_SECONDARY], 0); /* 48BH absent */
	/* Legacy MSR used when the TRUE one is absent: CR3 exits are then must-be-1, no feature. */
	struct vmx_snapshot l;
	vmx_snapshot_init(&l);
	vmx_snapshot_set_msr(&l, 0x482, 0xfff9fffe0401e172ull);
	vmx_qemu_words_from_snapshot(&l, &w);
	T_CHECK(!(w.w[VMX_QW_PROCBASED] & (1u << 15)));

	/* §2 worked example: pin features 0xE9 -> 48DH 0x000000FF_00000016; without posted-intr 0x7F. */
	T_EQ_U64(vmx_qemu_guest_ctl_msr(VMX_QW_PINBASED, 0xe9), 0x000000ff00000016ull);
	T_EQ_U64(vmx_qemu_guest_ctl_msr(VMX_QW_PINBASED, 0x69), 0x0000007f00000016ull);
}

static void test_deps(void)
{
	struct vmx_qemu_words h = { { 0 } }, g;
	h.w[VMX_QW_PROCBASED] = 1u << 31;
	h.w[VMX_QW_SECONDARY] = (1u << 5) | (1u << 7) | (1u << 13) | (1u << 18); /* vpid, ug, vmfunc, unnamed #VE */
	h.w[VMX_QW_EPT_VPID] = (1ull << 21) | (1ull << 32) | (1ull << 8);
	h.w[VMX_QW_VMFUNC] = 1;
	vmx_qemu_guest_features(&h, NULL, &g);
	/* No EPT: EPT half and unrestricted guest go; VPID half stays; unnamed bits (18, 8) are never enabled. */
	T_EQ_U64(g.w[VMX_QW_SECONDARY], (1u << 5) | (1u << 13));
	T_EQ_U64(g.w[VMX_QW_EPT_VPID], 1ull << 32);
	T_EQ_U64(g.w[VMX_QW_VMFUNC], 1);
	/* Without secondary-ctls the whole secondary word goes, and with it VPID caps and VMFUNC. */
	h.w[VMX_QW_PROCBASED] = 0;
	vmx_qemu_guest_features(&h, NULL, &g);
	T_EQ_U64(g.w[VMX_QW_SECONDARY], 0);
	T_EQ_U64(g.w[VMX_QW_EPT_VPID], 0);
	T_EQ_U64(g.w[VMX_QW_VMFUNC], 0);
	/* CPUID rules: a CPU without rdrand loses vmx-rdrand-exit; no lm loses vmx-entry-ia32e-mode. */
	struct vmx_snapshot c;
	vmx_snapshot_init(&c);
	struct vmx_cpuid_leaf l1 = { 1, 0, 0x506e3, 0, 1u << 5, 0 };
	vmx_snapshot_set_cpuid(&c, &l1);
	h.w[VMX_QW_PROCBASED] = 1u << 31;
	h.w[VMX_QW_SECONDARY] = 1u << 11;
	h.w[VMX_QW_ENTRY] = 1u << 9;
	vmx_qemu_guest_features(&h, &c, &g);
	T_EQ_U64(g.w[VMX_QW_SECONDARY], 0);
	T_EQ_U64(g.w[VMX_QW_ENTRY], 0);
	/* No vmx in CPUID: the primary word goes too. */
	struct vmx_snapshot nc;
	vmx_snapshot_init(&nc);
	vmx_qemu_guest_features(&h, &nc, &g);
	T_EQ_U64(g.w[VMX_QW_PROCBASED], 0);
}

int main(void)
{
	test_table();
	test_words();
	test_deps();
	return T_DONE();
}
