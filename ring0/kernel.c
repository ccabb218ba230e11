/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg ring-0 test kernel.
 *
 * Boots under Bochs (x86_64 build: long mode; i386 build: 32-bit protected
 * mode with paging), reads CPUID and every VMX capability MSR with rdmsr
 * (#GP caught through the exception fix-up table) into the core's
 * struct vmx_snapshot, prints it on COM1 as a vmxcfg profile, runs the KVM 7.1
 * policy of the (unchanged) core, and proves the result on the processor:
 * VMXON, VMCLEAR, VMPTRLD, VMCS with the negotiated controls, VMLAUNCH of a
 * guest that executes CPUID then HLT, VMRESUME after the CPUID exit, VMXOFF.
 * KVM's own per-vCPU control set (vmcs_from_kvm) must launch as well, and a
 * deliberately broken control set must fail with VM-instruction error 7.
 * Optionally (params nsets > 0) it launches many control sets derived from the
 * negotiated one by seeded random changes, judges each with the core's
 * VM-entry validator (vmcs_check) and prints one line per set.
 *
 * Output lines on COM1 (all numbers hex with 0x; see README.md):
 *   profile lines   (# vmxcfg-profile 1, cpuid ..., msr ..., # end of profile)
 *   kvm <version> status <ok|eio> precheck <ok|no_vmx|fw_disabled|unknown> events N kernel <x86_64|32bit>
 *   kvm-cfg <basic|pin|primary|secondary|tertiary|exit|entry|misc> VALUE
 *   kvm-cap <ept|vpid> VALUE
 *   (i386 build also: kvm64 / kvm64-cfg / kvm64-cap, the x86_64 result)
 *   vmx: ..., launch ..., kvm-vcpu ..., broken: ..., set K ..., sets: ...
 *   RESULT: PASS|FAIL|SKIP bochs <model> <details>
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmxcfg/vmcs.h>
#include <vmxcfg/vmxcfg.h>

#include "arch.h"

void kmain(void);
void *memset(void *d, int c, size_t n);

/* ------------------------------------------------------------------------ */
/* Run parameters, patched into the boot sector (still at 0x7c00) by the runner. */

#define PARAM_BASE 0x7db0u
struct params {
	char model[40];  /* Bochs CPU model name, NUL-terminated */
	uint32_t seed;   /* seed for the random control sets */
	uint32_t nsets;  /* number of random control sets (0 = none) */
	uint32_t flags;  /* PF_* */
};
#define PF_VERBOSE 0x1u
#define PF_EXIT_EARLY 0x2u /* timing: shut down at once */
#define PF_HANG 0x4u       /* self-test of the runner: never print a result */
#define PF_BREAK 0x8u      /* self-test: launch the negotiated set with a forbidden pin bit */
#define PF_INVERT 0x10u    /* self-test: invert the validator's verdicts (every set must disagree) */

static const struct params *params(void)
{
	return (const struct params *)(uintptr_t)PARAM_BASE;
}

/* ------------------------------------------------------------------------ */
/* COM1 (8N1, polled: Bochs drops bytes if THR is written while full) and shutdown. */

#define COM1 0x3f8

static void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x0b);
}

static void putch(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s) {
		if (*s == '\n')
			putch('\r');
		putch(*s++);
	}
}

static void puthex(uint64_t v, int digits)
{
	static const char hx[] = "0123456789abcdef";
	char buf[20];
	int n = 0;
	if (digits <= 0) { /* minimal */
		do {
			buf[n++] = hx[v & 0xf];
			v >>= 4;
		} while (v);
	} else {
		while (n < digits) {
			buf[n++] = hx[v & 0xf];
			v >>= 4;
		}
	}
	putch('0');
	putch('x');
	while (n)
		putch(buf[--n]);
}

static void putdec(uint32_t v)
{
	char buf[12];
	int n = 0;
	do {
		buf[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	while (n)
		putch(buf[--n]);
}

static void shutdown(void)
{
	const char *s = "Shutdown";
	while (!(inb(COM1 + 5) & 0x40)) /* TEMT: the last byte has left */
		;
	for (; *s; s++)
		outb(0x8900, (uint8_t)*s);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static const char *model_name(void)
{
	const char *m = params()->model;
	return m[0] ? m : "unknown";
}

static void result(const char *verdict, const char *detail)
{
	puts_("RESULT: ");
	puts_(verdict);
	puts_(" bochs ");
	puts_(model_name());
	puts_(" ");
	puts_(detail);
	puts_("\n");
	shutdown();
}

/* ------------------------------------------------------------------------ */
/* Descriptor tables and exceptions. */

#if defined(__x86_64__)
struct frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vec, err, ip, cs, flags, sp, ss;
};
#define SEL_CODE 0x18
#else
struct frame {
	uint32_t edi, esi, ebp, ebx, edx, ecx, eax;
	uint32_t vec, err, ip, cs, flags;
};
#define SEL_CODE 0x08
#endif
#define SEL_DATA 0x10
#define SEL_TSS 0x20

extern const struct ex_entry __ex_table_start[], __ex_table_end[];
extern const ureg exc_stubs[32];
extern uint64_t gdt[];
extern struct dtr gdt_desc;

void trap(struct frame *f);
void trap(struct frame *f)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == f->ip) {
			f->ip = e->fixup;
			return;
		}
	}
	puts_("exception vector ");
	puthex(f->vec, 0);
	puts_(" error ");
	puthex(f->err, 0);
	puts_(" ip ");
	puthex(f->ip, 0);
	puts_("\n");
	result("FAIL", "unexpected exception");
}

static uint8_t tss[128] __attribute__((aligned(16)));
#if defined(__x86_64__)
static uint64_t idt[64] __attribute__((aligned(16)));
#else
static uint64_t idt[32] __attribute__((aligned(16)));
#endif

static void tables_init(void)
{
	uintptr_t t = (uintptr_t)tss;
	uint64_t lim = 103;
	struct dtr d;

	tss[102] = 104; /* I/O map base beyond the limit: no bitmap */
	gdt[SEL_TSS / 8] = (lim & 0xffff) | ((uint64_t)(t & 0xffffff) << 16) | (0x89ull << 40) |
			   ((lim >> 16) << 48) | ((uint64_t)((t >> 24) & 0xff) << 56);
#if defined(__x86_64__)
	gdt[SEL_TSS / 8 + 1] = (uint64_t)t >> 32;
	for (int i = 0; i < 32; i++) {
		uint64_t a = exc_stubs[i];
		idt[2 * i] = (a & 0xffff) | ((uint64_t)SEL_CODE << 16) | (0x8eull << 40) |
			     (((a >> 16) & 0xffff) << 48);
		idt[2 * i + 1] = a >> 32;
	}
#else
	for (int i = 0; i < 32; i++) {
		uint64_t a = exc_stubs[i];
		idt[i] = (a & 0xffff) | ((uint64_t)SEL_CODE << 16) | (0x8eull << 40) |
			 (((a >> 16) & 0xffff) << 48);
	}
#endif
	d.limit = sizeof(idt) - 1;
	d.base = (ureg)(uintptr_t)idt;
	lidt(&d);
	lgdt(&gdt_desc);
	ltr(SEL_TSS);
}

/* ------------------------------------------------------------------------ */
/* Snapshot: CPUID and every VMX capability MSR, read on this CPU. */

static struct vmx_snapshot snap;
static struct kvm_result kres;
static struct kvm_input kin;

static bool add_leaf(uint32_t leaf, uint32_t sub)
{
	struct vmx_cpuid_leaf l;
	uint32_t r[4];
	cpuid(leaf, sub, r);
	l.leaf = leaf;
	l.subleaf = sub;
	l.eax = r[0];
	l.ebx = r[1];
	l.ecx = r[2];
	l.edx = r[3];
	return vmx_snapshot_set_cpuid(&snap, &l) == VMX_OK;
}

static void read_snapshot(void)
{
	uint32_t r[4], max, maxext;

	vmx_snapshot_init(&snap);
	cpuid(0, 0, r);
	max = r[0];
	for (uint32_t leaf = 0; leaf <= max && leaf <= 0x20; leaf++) {
		uint32_t n = 1;
		switch (leaf) {
		case 0x4: /* cache parameters: until type 0 */
			for (uint32_t s = 0; s < 8; s++) {
				add_leaf(4, s);
				cpuid(4, s, r);
				if ((r[0] & 0x1f) == 0)
					break;
			}
			continue;
		case 0x7:
			cpuid(7, 0, r);
			n = r[0] + 1 > 4 ? 4 : r[0] + 1;
			break;
		case 0xb:
			for (uint32_t s = 0; s < 4; s++) {
				add_leaf(0xb, s);
				cpuid(0xb, s, r);
				if (((r[2] >> 8) & 0xff) == 0)
					break;
			}
			continue;
		case 0xd:
		case 0x14:
			n = 2;
			break;
		case 0x12:
			n = 2;
			break;
		default:
			break;
		}
		for (uint32_t s = 0; s < n; s++)
			add_leaf(leaf, s);
	}
	cpuid(0x80000000u, 0, r);
	maxext = r[0];
	if (maxext >= 0x80000000u && maxext < 0x80000100u)
		for (uint32_t leaf = 0x80000000u; leaf <= maxext && leaf <= 0x80000008u; leaf++)
			add_leaf(leaf, 0);

	for (int slot = 0; slot < VMX_MSR_COUNT; slot++) {
		uint32_t idx = vmx_msr_index((enum vmx_msr_slot)slot);
		uint64_t v;
		if (rdmsr_safe(idx, &v) == 0)
			vmx_snapshot_set_msr(&snap, idx, v);
	}
}

static void print_profile(void)
{
	puts_("# vmxcfg-profile 1\n# name: bochs ");
	puts_(model_name());
#if defined(__x86_64__)
	puts_("\n# source: vmxcfg ring0 kernel (x86_64), cpuid and rdmsr under Bochs; absent MSRs faulted (#GP)\n");
#else
	puts_("\n# source: vmxcfg ring0 kernel (i386), cpuid and rdmsr under Bochs; absent MSRs faulted (#GP)\n");
#endif
	for (uint32_t i = 0; i < snap.n_cpuid; i++) {
		const struct vmx_cpuid_leaf *l = &snap.cpuid[i];
		puts_("cpuid ");
		puthex(l->leaf, 0);
		putch(' ');
		puthex(l->subleaf, 0);
		putch(' ');
		puthex(l->eax, 8);
		putch(' ');
		puthex(l->ebx, 8);
		putch(' ');
		puthex(l->ecx, 8);
		putch(' ');
		puthex(l->edx, 8);
		putch('\n');
	}
	for (int slot = 0; slot < VMX_MSR_COUNT; slot++) {
		if (!vmx_snapshot_has(&snap, (enum vmx_msr_slot)slot))
			continue;
		puts_("msr ");
		puthex(vmx_msr_index((enum vmx_msr_slot)slot), 0);
		putch(' ');
		puthex(snap.msr[slot], 16);
		putch('\n');
	}
	puts_("# end of profile\n");
}

/* ------------------------------------------------------------------------ */
/* KVM policy through the library. */

static const char *precheck_name(enum kvm_precheck p)
{
	switch (p) {
	case KVM_PRE_OK: return "ok";
	case KVM_PRE_NO_VMX: return "no_vmx";
	case KVM_PRE_FW_DISABLED: return "fw_disabled";
	case KVM_PRE_UNKNOWN: return "unknown";
	}
	return "?";
}

static void print_cfg(const char *pfx, const char *name, uint64_t v, int digits)
{
	puts_(pfx);
	puts_("-cfg ");
	puts_(name);
	putch(' ');
	puthex(v, digits);
	putch('\n');
}

/* One result block: "<pfx> 7.1 status ..", "<pfx>-cfg NAME VALUE" x 8, "<pfx>-cap ept|vpid VALUE". */
static void print_kvm(const char *pfx, const struct kvm_policy *p, const struct kvm_input *in,
		      const struct kvm_result *r)
{
	puts_(pfx);
	putch(' ');
	puts_(p->version);
	puts_(r->status == KVM_STATUS_OK ? " status ok" : " status eio");
	puts_(" precheck ");
	puts_(precheck_name(r->precheck));
	puts_(" events ");
	putdec((uint32_t)r->n_events);
	puts_(in->kernel_32bit ? " kernel 32bit\n" : " kernel x86_64\n");
	print_cfg(pfx, "basic", r->cfg.basic, 16);
	print_cfg(pfx, "pin", r->cfg.pin, 8);
	print_cfg(pfx, "primary", r->cfg.primary, 8);
	print_cfg(pfx, "secondary", r->cfg.secondary, 8);
	print_cfg(pfx, "tertiary", r->cfg.tertiary, 16);
	print_cfg(pfx, "exit", r->cfg.exit, 8);
	print_cfg(pfx, "entry", r->cfg.entry, 8);
	print_cfg(pfx, "misc", r->cfg.misc, 16);
	puts_(pfx);
	puts_("-cap ept ");
	puthex(r->ept, 8);
	putch('\n');
	puts_(pfx);
	puts_("-cap vpid ");
	puthex(r->vpid, 8);
	putch('\n');
}

static bool run_kvm(void)
{
	const struct kvm_policy *p = kvm_policy_find("7.1");
	if (!p)
		result("FAIL", "kvm policy 7.1 not found");
#if !defined(__x86_64__)
	/*
	 * The i386 kernel also prints what an x86_64 kvm_intel would compute from
	 * the same snapshot (block "kvm64"), for comparison with the hosted
	 * default; it launches with the 32-bit result (block "kvm").
	 */
	{
		static struct kvm_result r64;
		kvm_input_init(&kin, &snap);
		if (kvm_setup_vmcs_config(p, &kin, &r64) != VMX_OK)
			result("FAIL", "kvm_setup_vmcs_config returned an error");
		print_kvm("kvm64", p, &kin, &r64);
	}
#endif
	kvm_input_init(&kin, &snap);
#if !defined(__x86_64__)
	kin.kernel_32bit = true; /* a 32-bit kernel negotiates without the x86_64-only controls */
#endif
	if (kvm_setup_vmcs_config(p, &kin, &kres) != VMX_OK)
		result("FAIL", "kvm_setup_vmcs_config returned an error");
	print_kvm("kvm", p, &kin, &kres);
	return kres.status == KVM_STATUS_OK && kres.precheck == KVM_PRE_OK;
}

/* ------------------------------------------------------------------------ */
/* VMCS field encodings (SDM Vol. 3D App. B). */

enum {
	F_VPID = 0x0000, F_PI_VECTOR = 0x0002, F_EPTP_INDEX = 0x0004,
	F_G_ES = 0x0800, F_G_CS = 0x0802, F_G_SS = 0x0804, F_G_DS = 0x0806, F_G_FS = 0x0808, F_G_GS = 0x080a,
	F_G_LDTR = 0x080c, F_G_TR = 0x080e, F_G_INTR_STATUS = 0x0810, F_PML_INDEX = 0x0812,
	F_H_ES = 0x0c00, F_H_CS = 0x0c02, F_H_SS = 0x0c04, F_H_DS = 0x0c06, F_H_FS = 0x0c08, F_H_GS = 0x0c0a,
	F_H_TR = 0x0c0c,
	F_IO_A = 0x2000, F_IO_B = 0x2002, F_MSR_BITMAP = 0x2004, F_EXIT_MSR_STORE = 0x2006,
	F_EXIT_MSR_LOAD = 0x2008, F_ENTRY_MSR_LOAD = 0x200a, F_PML_ADDR = 0x200e, F_TSC_OFFSET = 0x2010,
	F_VAPIC = 0x2012, F_APIC_ACCESS = 0x2014, F_PI_DESC = 0x2016, F_VMFUNC = 0x2018, F_EPTP = 0x201a,
	F_EOI0 = 0x201c, F_EOI1 = 0x201e, F_EOI2 = 0x2020, F_EOI3 = 0x2022, F_EPTP_LIST = 0x2024,
	F_VMREAD_BM = 0x2026, F_VMWRITE_BM = 0x2028, F_VE_INFO = 0x202a, F_XSS_BM = 0x202c,
	F_ENCLS_BM = 0x202e, F_TSC_MULT = 0x2032, F_TERTIARY = 0x2034,
	F_LINK = 0x2800, F_G_DEBUGCTL = 0x2802, F_G_PAT = 0x2804, F_G_EFER = 0x2806, F_G_PERF = 0x2808,
	F_G_PDPTE0 = 0x280a, F_G_BNDCFGS = 0x2812, F_G_RTIT = 0x2814,
	F_H_PAT = 0x2c00, F_H_EFER = 0x2c02, F_H_PERF = 0x2c04,
	F_PIN = 0x4000, F_PROC = 0x4002, F_EXC_BITMAP = 0x4004, F_PF_MASK = 0x4006, F_PF_MATCH = 0x4008,
	F_CR3_COUNT = 0x400a, F_EXIT = 0x400c, F_EXIT_MSR_STORE_N = 0x400e, F_EXIT_MSR_LOAD_N = 0x4010,
	F_ENTRY = 0x4012, F_ENTRY_MSR_LOAD_N = 0x4014, F_ENTRY_INTR = 0x4016, F_ENTRY_ERR = 0x4018,
	F_ENTRY_LEN = 0x401a, F_TPR_THRESHOLD = 0x401c, F_PROC2 = 0x401e, F_PLE_GAP = 0x4020,
	F_PLE_WINDOW = 0x4022,
	F_INSN_ERROR = 0x4400, F_EXIT_REASON = 0x4402, F_EXIT_INTR = 0x4404, F_EXIT_INSN_LEN = 0x440c,
	F_G_ES_LIM = 0x4800, F_G_CS_LIM = 0x4802, F_G_SS_LIM = 0x4804, F_G_DS_LIM = 0x4806,
	F_G_FS_LIM = 0x4808, F_G_GS_LIM = 0x480a, F_G_LDTR_LIM = 0x480c, F_G_TR_LIM = 0x480e,
	F_G_GDTR_LIM = 0x4810, F_G_IDTR_LIM = 0x4812,
	F_G_ES_AR = 0x4814, F_G_CS_AR = 0x4816, F_G_SS_AR = 0x4818, F_G_DS_AR = 0x481a, F_G_FS_AR = 0x481c,
	F_G_GS_AR = 0x481e, F_G_LDTR_AR = 0x4820, F_G_TR_AR = 0x4822,
	F_G_INTERRUPTIBILITY = 0x4824, F_G_ACTIVITY = 0x4826, F_G_SYSENTER_CS = 0x482a,
	F_G_TIMER = 0x482e, F_H_SYSENTER_CS = 0x4c00,
	F_CR0_MASK = 0x6000, F_CR4_MASK = 0x6002, F_CR0_SHADOW = 0x6004, F_CR4_SHADOW = 0x6006,
	F_EXIT_QUAL = 0x6400,
	F_G_CR0 = 0x6800, F_G_CR3 = 0x6802, F_G_CR4 = 0x6804, F_G_ES_BASE = 0x6806, F_G_CS_BASE = 0x6808,
	F_G_SS_BASE = 0x680a, F_G_DS_BASE = 0x680c, F_G_FS_BASE = 0x680e, F_G_GS_BASE = 0x6810,
	F_G_LDTR_BASE = 0x6812, F_G_TR_BASE = 0x6814, F_G_GDTR_BASE = 0x6816, F_G_IDTR_BASE = 0x6818,
	F_G_DR7 = 0x681a, F_G_RSP = 0x681c, F_G_RIP = 0x681e, F_G_RFLAGS = 0x6820, F_G_PENDING_DBG = 0x6822,
	F_G_SYSENTER_ESP = 0x6824, F_G_SYSENTER_EIP = 0x6826, F_G_S_CET = 0x6828, F_G_SSP = 0x682a,
	F_G_ISST = 0x682c,
	F_H_CR0 = 0x6c00, F_H_CR3 = 0x6c02, F_H_CR4 = 0x6c04, F_H_FS_BASE = 0x6c06, F_H_GS_BASE = 0x6c08,
	F_H_TR_BASE = 0x6c0a, F_H_GDTR_BASE = 0x6c0c, F_H_IDTR_BASE = 0x6c0e, F_H_SYSENTER_ESP = 0x6c10,
	F_H_SYSENTER_EIP = 0x6c12, F_H_RSP = 0x6c14, F_H_RIP = 0x6c16, F_H_S_CET = 0x6c18, F_H_SSP = 0x6c1a,
	F_H_ISST = 0x6c1c,
};

/* Control bits this kernel needs by number (SDM tables 25-5..25-14). */
#define PIN_EXT_INTR (1u << 0)
#define PIN_VIRTUAL_NMIS (1u << 5)
#define PIN_TIMER (1u << 6)
#define PIN_POSTED (1u << 7)
#define PROC_TSC_OFFSET (1u << 3)
#define PROC_NMI_WINDOW (1u << 22)
#define PROC_TPR_SHADOW (1u << 21)
#define PROC_TERTIARY (1u << 17)
#define PROC_SECONDARY (1u << 31)
#define P2_APIC_ACCESS (1u << 0)
#define P2_EPT (1u << 1)
#define P2_VIRT_X2APIC (1u << 4)
#define P2_VPID (1u << 5)
#define P2_UG (1u << 7)
#define P2_VID (1u << 9)
#define P2_PLE (1u << 10)
#define P2_VMFUNC (1u << 13)
#define P2_SHADOW_VMCS (1u << 14)
#define P2_ENCLS (1u << 15)
#define P2_PML (1u << 17)
#define P2_EPT_VE (1u << 18)
#define P2_XSAVES (1u << 20)
#define P2_TSC_SCALING (1u << 25)
#define EXIT_HOST_64 (1u << 9)
#define EXIT_LOAD_PERF (1u << 12)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_LOAD_EFER (1u << 21)
#define EXIT_SAVE_TIMER (1u << 22)
#define EXIT_CLEAR_BNDCFGS (1u << 23)
#define EXIT_CLEAR_RTIT (1u << 25)
#define EXIT_LOAD_CET (1u << 28)
#define ENTRY_IA32E (1u << 9)
#define ENTRY_LOAD_PERF (1u << 13)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)
#define ENTRY_LOAD_BNDCFGS (1u << 16)
#define ENTRY_LOAD_RTIT (1u << 18)
#define ENTRY_LOAD_CET (1u << 20)

/* ------------------------------------------------------------------------ */
/* VMX memory. */

#define PAGE __attribute__((aligned(4096)))
static uint8_t vmxon_region[4096] PAGE;
static uint8_t vmcs_region[4096] PAGE;
static uint8_t io_bitmap_a[4096] PAGE, io_bitmap_b[4096] PAGE, msr_bitmap[4096] PAGE;
static uint8_t vapic_page[4096] PAGE, apic_access_page[4096] PAGE, pi_desc_page[4096] PAGE;
static uint8_t pml_page[4096] PAGE, vmread_bitmap[4096] PAGE, vmwrite_bitmap[4096] PAGE;
static uint8_t ve_info_page[4096] PAGE;
static uint8_t guest_stack[8192] PAGE;
/* EPT: identity map of the first 32 MiB (Bochs megs: 32) in 4 KiB pages. */
#define EPT_PTS 16
static uint64_t ept_pml4[512] PAGE, ept_pdpt[512] PAGE, ept_pd[512] PAGE;
static uint64_t ept_pt[EPT_PTS][512] PAGE;

static uint64_t pa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* A VMX control set: everything a VM entry checks about the controls. */
struct ctlset {
	uint32_t pin, primary, secondary, exit, entry;
	uint64_t tertiary;
	uint32_t exc_bitmap, cr3_count, tpr_threshold;
	uint16_t vpid, pi_vector;
	uint64_t io_a, io_b, msr_bitmap, vapic, apic_access, pi_desc, eptp, pml, vmread_bm, vmwrite_bm, ve_info;
	uint64_t vmfunc, tsc_mult;
	uint32_t entry_intr, entry_err, entry_len;
	uint32_t exit_store_n, exit_load_n, entry_load_n;
	uint64_t exit_store, exit_load, entry_load;
	uint32_t interruptibility;
	uint32_t timer;
};

/* Host state read once after VMXON. */
static struct {
	ureg cr0, cr3, cr4;
	uint64_t efer, pat, perf;
	struct dtr gdtr, idtr;
} host;

static int vmcs_error(void)
{
	ureg e = 0;
	vmread_raw(F_INSN_ERROR, &e);
	return (int)e;
}

/* Width of a field: bits 14:13 of the encoding (0 16-bit, 1 64-bit, 2 32-bit, 3 natural). */
static int write_failures;
static bool verbose_writes;
/* Fields written into the current VMCS (Bochs panics on VMREAD of a field its CPU model lacks). */
static uint16_t written[256];
static unsigned n_written;

static bool was_written(uint32_t field)
{
	for (unsigned i = 0; i < n_written; i++)
		if (written[i] == field)
			return true;
	return false;
}

static int vmw(uint32_t field, uint64_t v)
{
	int rc;
#if defined(__x86_64__)
	rc = vmwrite_raw(field, v);
#else
	rc = vmwrite_raw(field, (ureg)v);
	if (rc == 0 && ((field >> 13) & 3) == 1 && !(field & 1))
		rc = vmwrite_raw(field + 1, (ureg)(v >> 32));
#endif
	if (rc == 0 && n_written < 256)
		written[n_written++] = (uint16_t)field;
	if (rc) {
		write_failures++;
		if (verbose_writes) {
			puts_("vmwrite ");
			puthex(field, 4);
			puts_(" failed: error ");
			putdec(rc < 0 ? 0xffffffffu : (uint32_t)vmcs_error());
			putch('\n');
		}
	}
	return rc;
}

static uint64_t vmr(uint32_t field)
{
	ureg v = 0;
	vmread_raw(field, &v);
#if !defined(__x86_64__)
	if (((field >> 13) & 3) == 1 && !(field & 1)) {
		ureg hi = 0;
		vmread_raw(field + 1, &hi);
		return ((uint64_t)hi << 32) | v;
	}
#endif
	return v;
}

/* allowed-1 halves: does the CPU have the field of this feature at all? */
static uint32_t cap1(enum vmx_msr_slot s)
{
	return vmx_allowed1(vmx_snapshot_msr(&snap, s));
}

static uint64_t ept_cap(void)
{
	return vmx_snapshot_msr(&snap, VMX_MSR_EPT_VPID_CAP);
}

static void build_ept(void)
{
	uint64_t mt = (ept_cap() & (1ull << 14)) ? 6 : 0; /* WB if supported, else UC */
	ept_pml4[0] = pa(ept_pdpt) | 7;
	ept_pdpt[0] = pa(ept_pd) | 7;
	for (int i = 0; i < EPT_PTS; i++) {
		ept_pd[i] = pa(ept_pt[i]) | 7;
		for (int j = 0; j < 512; j++)
			ept_pt[i][j] = ((uint64_t)(i * 512 + j) << 12) | (mt << 3) | 7;
	}
}

static uint64_t default_eptp(void)
{
	uint64_t mt = (ept_cap() & (1ull << 14)) ? 6 : 0;
	return pa(ept_pml4) | (3u << 3) | mt;
}

/* Load a fresh VMCS with a control set plus the fixed host and guest state. */
static int vmcs_setup(const struct ctlset *c)
{
	struct dtr *g = &host.gdtr, *i = &host.idtr;
	uint32_t p2cap = cap1(VMX_MSR_PROCBASED2);
	uint32_t pincap = cap1(VMX_MSR_PINBASED), proccap = cap1(VMX_MSR_PROCBASED);
	uint32_t exitcap = cap1(VMX_MSR_EXIT), entrycap = cap1(VMX_MSR_ENTRY);
	bool ia32e = (c->entry & ENTRY_IA32E) != 0;
	uint64_t pdpte = 0;

	memset(vmcs_region, 0, sizeof(vmcs_region));
	*(uint32_t *)vmcs_region = vmx_basic_revision(snap.msr[VMX_MSR_BASIC]);
	if (vmclear(pa(vmcs_region)))
		return -1;
	if (vmptrld(pa(vmcs_region)))
		return -2;
	write_failures = 0;
	n_written = 0;

	/* controls */
	vmw(F_PIN, c->pin);
	vmw(F_PROC, c->primary);
	vmw(F_EXIT, c->exit);
	vmw(F_ENTRY, c->entry);
	if (proccap & PROC_SECONDARY)
		vmw(F_PROC2, c->secondary);
	if (proccap & PROC_TERTIARY)
		vmw(F_TERTIARY, c->tertiary);
	vmw(F_EXC_BITMAP, c->exc_bitmap);
	vmw(F_PF_MASK, 0);
	vmw(F_PF_MATCH, 0);
	vmw(F_CR3_COUNT, c->cr3_count);
	vmw(F_CR0_MASK, 0);
	vmw(F_CR4_MASK, 0);
	vmw(F_CR0_SHADOW, 0);
	vmw(F_CR4_SHADOW, 0);
	vmw(F_IO_A, c->io_a);
	vmw(F_IO_B, c->io_b);
	if (proccap & (1u << 28))
		vmw(F_MSR_BITMAP, c->msr_bitmap);
	vmw(F_TSC_OFFSET, 0);
	vmw(F_EXIT_MSR_STORE_N, c->exit_store_n);
	vmw(F_EXIT_MSR_LOAD_N, c->exit_load_n);
	vmw(F_ENTRY_MSR_LOAD_N, c->entry_load_n);
	vmw(F_EXIT_MSR_STORE, c->exit_store);
	vmw(F_EXIT_MSR_LOAD, c->exit_load);
	vmw(F_ENTRY_MSR_LOAD, c->entry_load);
	vmw(F_ENTRY_INTR, c->entry_intr);
	vmw(F_ENTRY_ERR, c->entry_err);
	vmw(F_ENTRY_LEN, c->entry_len);
	if (proccap & PROC_TPR_SHADOW) {
		vmw(F_VAPIC, c->vapic);
		vmw(F_TPR_THRESHOLD, c->tpr_threshold);
	}
	if (p2cap & P2_APIC_ACCESS)
		vmw(F_APIC_ACCESS, c->apic_access);
	if (p2cap & P2_VPID)
		vmw(F_VPID, c->vpid);
	if (p2cap & P2_EPT)
		vmw(F_EPTP, c->eptp);
	if (p2cap & P2_VID) {
		vmw(F_G_INTR_STATUS, 0);
		vmw(F_EOI0, 0);
		vmw(F_EOI1, 0);
		vmw(F_EOI2, 0);
		vmw(F_EOI3, 0);
	}
	if (pincap & PIN_POSTED) {
		vmw(F_PI_VECTOR, c->pi_vector);
		vmw(F_PI_DESC, c->pi_desc);
	}
	if (p2cap & P2_PML) {
		vmw(F_PML_ADDR, c->pml);
		vmw(F_PML_INDEX, 511);
	}
	if (p2cap & P2_VMFUNC)
		vmw(F_VMFUNC, c->vmfunc);
	if (p2cap & P2_SHADOW_VMCS) {
		vmw(F_VMREAD_BM, c->vmread_bm);
		vmw(F_VMWRITE_BM, c->vmwrite_bm);
	}
	if (p2cap & P2_EPT_VE)
		vmw(F_VE_INFO, c->ve_info);
	if (p2cap & P2_XSAVES)
		vmw(F_XSS_BM, 0);
	if (p2cap & P2_ENCLS)
		vmw(F_ENCLS_BM, 0);
	if (p2cap & P2_TSC_SCALING)
		vmw(F_TSC_MULT, c->tsc_mult);
	if (p2cap & P2_PLE) {
		vmw(F_PLE_GAP, 0);
		vmw(F_PLE_WINDOW, 0);
	}
	if (pincap & PIN_TIMER)
		vmw(F_G_TIMER, c->timer);

	/* host state */
	vmw(F_H_CR0, host.cr0);
	vmw(F_H_CR3, host.cr3);
	vmw(F_H_CR4, host.cr4);
	vmw(F_H_ES, SEL_DATA);
	vmw(F_H_CS, SEL_CODE);
	vmw(F_H_SS, SEL_DATA);
	vmw(F_H_DS, SEL_DATA);
	vmw(F_H_FS, SEL_DATA);
	vmw(F_H_GS, SEL_DATA);
	vmw(F_H_TR, SEL_TSS);
	vmw(F_H_FS_BASE, 0);
	vmw(F_H_GS_BASE, 0);
	vmw(F_H_TR_BASE, pa(tss));
	vmw(F_H_GDTR_BASE, g->base);
	vmw(F_H_IDTR_BASE, i->base);
	vmw(F_H_SYSENTER_CS, 0);
	vmw(F_H_SYSENTER_ESP, 0);
	vmw(F_H_SYSENTER_EIP, 0);
	vmw(F_H_RIP, (ureg)(uintptr_t)vmx_exit_point);
	if (exitcap & (EXIT_LOAD_PAT | EXIT_SAVE_PAT))
		vmw(F_H_PAT, host.pat);
	if (exitcap & (EXIT_LOAD_EFER | EXIT_SAVE_EFER))
		vmw(F_H_EFER, host.efer);
	if (exitcap & EXIT_LOAD_PERF)
		vmw(F_H_PERF, host.perf);
	if (exitcap & EXIT_LOAD_CET) {
		vmw(F_H_S_CET, 0);
		vmw(F_H_SSP, 0);
		vmw(F_H_ISST, 0);
	}

	/* guest state: same flat segments, paging and tables as the host */
	vmw(F_G_CR0, host.cr0);
	vmw(F_G_CR3, host.cr3);
	vmw(F_G_CR4, host.cr4);
	vmw(F_G_DR7, 0x400);
	vmw(F_G_RSP, pa(guest_stack + sizeof(guest_stack)));
	vmw(F_G_RIP, (ureg)(uintptr_t)guest_code);
	vmw(F_G_RFLAGS, 0x2);
	vmw(F_G_CS, SEL_CODE);
	vmw(F_G_CS_BASE, 0);
	vmw(F_G_CS_LIM, 0xffffffffu);
	vmw(F_G_CS_AR, ia32e ? 0xa09b : 0xc09b);
	{
		static const uint32_t sel[] = { F_G_ES, F_G_SS, F_G_DS, F_G_FS, F_G_GS };
		for (int k = 0; k < 5; k++) {
			uint32_t f = sel[k];
			vmw(f, SEL_DATA);
			vmw(F_G_ES_BASE + (f - F_G_ES), 0);
			vmw(F_G_ES_LIM + (f - F_G_ES), 0xffffffffu);
			vmw(F_G_ES_AR + (f - F_G_ES), 0xc093);
		}
	}
	vmw(F_G_LDTR, 0);
	vmw(F_G_LDTR_BASE, 0);
	vmw(F_G_LDTR_LIM, 0);
	vmw(F_G_LDTR_AR, 0x10000); /* unusable */
	vmw(F_G_TR, SEL_TSS);
	vmw(F_G_TR_BASE, pa(tss));
	vmw(F_G_TR_LIM, 103);
	vmw(F_G_TR_AR, 0x8b); /* busy TSS */
	vmw(F_G_GDTR_BASE, g->base);
	vmw(F_G_GDTR_LIM, g->limit);
	/* The guest gets an empty IDT: an injected event cannot reach the host's handlers; it faults and exits. */
	vmw(F_G_IDTR_BASE, 0);
	vmw(F_G_IDTR_LIM, 0);
	vmw(F_G_SYSENTER_CS, 0);
	vmw(F_G_SYSENTER_ESP, 0);
	vmw(F_G_SYSENTER_EIP, 0);
	vmw(F_G_DEBUGCTL, 0);
	vmw(F_LINK, ~0ull);
	vmw(F_G_INTERRUPTIBILITY, c->interruptibility);
	vmw(F_G_ACTIVITY, 0);
	vmw(F_G_PENDING_DBG, 0);
	if (entrycap & ENTRY_LOAD_PAT || exitcap & EXIT_SAVE_PAT)
		vmw(F_G_PAT, host.pat);
	if (entrycap & ENTRY_LOAD_EFER || exitcap & EXIT_SAVE_EFER)
		vmw(F_G_EFER, ia32e ? host.efer : host.efer & ~0x500ull);
	if (entrycap & ENTRY_LOAD_PERF)
		vmw(F_G_PERF, 0);
	if (entrycap & ENTRY_LOAD_BNDCFGS || exitcap & EXIT_CLEAR_BNDCFGS)
		vmw(F_G_BNDCFGS, 0);
	if (entrycap & ENTRY_LOAD_RTIT || exitcap & EXIT_CLEAR_RTIT)
		vmw(F_G_RTIT, 0);
	if (entrycap & ENTRY_LOAD_CET) {
		vmw(F_G_S_CET, 0);
		vmw(F_G_SSP, 0);
		vmw(F_G_ISST, 0);
	}
	if (p2cap & P2_EPT)
		for (uint32_t k = 0; k < 4; k++)
			vmw(F_G_PDPTE0 + 2 * k, pdpte);
	return 0;
}

/* The control set a minimal guest runs with: the negotiated words, plus what they need. */
static uint32_t launch_dropped_secondary, launch_dropped_exit;
static void base_ctlset(struct ctlset *c)
{
	memset(c, 0, sizeof(*c));
	c->pin = kres.cfg.pin;
	c->primary = kres.cfg.primary;
	c->secondary = (c->primary & PROC_SECONDARY) ? kres.cfg.secondary : 0;
	c->tertiary = (c->primary & PROC_TERTIARY) ? kres.cfg.tertiary : 0;
	c->exit = kres.cfg.exit;
	c->entry = kres.cfg.entry;
	/*
	 * KVM sets "virtualize x2APIC mode" per vCPU only while the guest's APIC is in
	 * x2APIC mode, never together with "virtualize APIC accesses" (SDM: both 1 is
	 * invalid).  Our guest's APIC is in xAPIC mode: keep APIC-access virtualization.
	 */
	launch_dropped_secondary = 0;
	if ((c->secondary & P2_VIRT_X2APIC) && (c->secondary & P2_APIC_ACCESS))
		launch_dropped_secondary |= P2_VIRT_X2APIC;
	c->secondary &= ~launch_dropped_secondary;
	/* KVM saves the timer value only with the timer active (a fix-up may clear the pin bit). */
	launch_dropped_exit = 0;
	if ((c->exit & EXIT_SAVE_TIMER) && !(c->pin & PIN_TIMER))
		launch_dropped_exit |= EXIT_SAVE_TIMER;
	c->exit &= ~launch_dropped_exit;

	c->exc_bitmap = 0xffffffffu; /* any guest exception exits (reason 0) */
	c->vpid = 1;
	c->pi_vector = 0xf2;
	c->io_a = pa(io_bitmap_a);
	c->io_b = pa(io_bitmap_b);
	c->msr_bitmap = pa(msr_bitmap);
	c->vapic = pa(vapic_page);
	c->apic_access = pa(apic_access_page);
	c->pi_desc = pa(pi_desc_page);
	c->eptp = default_eptp();
	c->pml = pa(pml_page);
	c->vmread_bm = pa(vmread_bitmap);
	c->vmwrite_bm = pa(vmwrite_bitmap);
	c->ve_info = pa(ve_info_page);
	c->tsc_mult = 1ull << 48; /* 1.0 */
	c->timer = 0xffffffffu;
	/* With virtual NMIs, NMI-window exiting would exit at once unless (virtual-)NMI blocking is set. */
	if ((c->primary & PROC_NMI_WINDOW) && (c->pin & PIN_VIRTUAL_NMIS))
		c->interruptibility = 1u << 3;
}

/* ------------------------------------------------------------------------ */
/* VMX on/off. */

static void vmx_enable(void)
{
	uint64_t fc = vmx_snapshot_msr(&snap, VMX_MSR_FEATURE_CONTROL);
	uint64_t f0, f1;

	if (!(fc & 1)) {
		if (wrmsr_safe(0x3a, fc | 5))
			result("FAIL", "writing IA32_FEATURE_CONTROL faulted");
		puts_("vmx: IA32_FEATURE_CONTROL was unlocked, set to ");
		puthex(fc | 5, 0);
		putch('\n');
	} else if (!(fc & 4)) {
		result("FAIL", "VMX disabled (outside SMX) by firmware");
	}
	f0 = snap.msr[VMX_MSR_CR0_FIXED0];
	f1 = snap.msr[VMX_MSR_CR0_FIXED1];
	write_cr0((ureg)((read_cr0() | f0) & f1));
	f0 = snap.msr[VMX_MSR_CR4_FIXED0];
	f1 = snap.msr[VMX_MSR_CR4_FIXED1];
	write_cr4((ureg)((read_cr4() | f0 | (1u << 13)) & f1));

	memset(vmxon_region, 0, sizeof(vmxon_region));
	*(uint32_t *)vmxon_region = vmx_basic_revision(snap.msr[VMX_MSR_BASIC]);
	if (vmxon(pa(vmxon_region)))
		result("FAIL", "VMXON failed");

	host.cr0 = read_cr0();
	host.cr3 = read_cr3();
	host.cr4 = read_cr4();
	if (rdmsr_safe(0xc0000080u, &host.efer))
		host.efer = 0;
	if (rdmsr_safe(0x277, &host.pat))
		host.pat = 0x0007040600070406ull;
	if (rdmsr_safe(0x38f, &host.perf))
		host.perf = 0;
	sgdt(&host.gdtr);
	sidt(&host.idtr);
	build_ept();
	puts_("vmx: vmxon ok revision ");
	puthex(vmx_basic_revision(snap.msr[VMX_MSR_BASIC]), 0);
	puts_(" cr0 ");
	puthex(host.cr0, 0);
	puts_(" cr4 ");
	puthex(host.cr4, 0);
	puts_(" efer ");
	puthex(host.efer, 0);
	putch('\n');
}

/* Outcome of one launch. */
struct outcome {
	int stage;       /* 0 ok, -1/-2 VMCLEAR/VMPTRLD failed */
	int launch;      /* vmx_run result: 0 exit, 1 VMfailInvalid, 2 VMfailValid */
	int error;       /* VM-instruction error for launch == 2 */
	uint32_t reason; /* exit reason of the first exit */
	uint64_t qual;
	uint32_t reason2; /* after VMRESUME (full runs only) */
	int resume;      /* vmx_run result of VMRESUME */
	int resume_error;
};

/* Run the current VMCS (VMLAUNCH; after a CPUID exit and with full, VMRESUME), then VMCLEAR. */
static void run_current(bool full, struct outcome *o)
{
	o->launch = vmx_run(0);
	if (o->launch == 2)
		o->error = vmcs_error();
	if (o->launch == 0) {
		o->reason = (uint32_t)vmr(F_EXIT_REASON);
		o->qual = vmr(F_EXIT_QUAL);
		if (full && o->reason == 10) {
			vmw(F_G_RIP, vmr(F_G_RIP) + vmr(F_EXIT_INSN_LEN));
			o->resume = vmx_run(1);
			if (o->resume == 2)
				o->resume_error = vmcs_error();
			if (o->resume == 0)
				o->reason2 = (uint32_t)vmr(F_EXIT_REASON);
		}
	}
	vmclear(pa(vmcs_region));
}

static void launch(const struct ctlset *c, bool full, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->stage = vmcs_setup(c);
	if (o->stage)
		return;
	run_current(full, o);
}

static void print_ctls(const char *tag, const struct ctlset *c)
{
	puts_(tag);
	puts_(" pin ");
	puthex(c->pin, 8);
	puts_(" primary ");
	puthex(c->primary, 8);
	puts_(" secondary ");
	puthex(c->secondary, 8);
	puts_(" tertiary ");
	puthex(c->tertiary, 16);
	puts_(" exit ");
	puthex(c->exit, 8);
	puts_(" entry ");
	puthex(c->entry, 8);
	putch('\n');
}

static void print_outcome(const struct outcome *o)
{
	if (o->stage) {
		puts_(o->stage == -1 ? "vmclear failed" : "vmptrld failed");
	} else if (o->launch == 1) {
		puts_("vmfailinvalid");
	} else if (o->launch == 2) {
		puts_("vmfailvalid error ");
		putdec((uint32_t)o->error);
	} else {
		puts_("exit reason ");
		putdec(o->reason & 0xffff);
		if (o->reason & 0x80000000u)
			puts_(" entry-failure");
		puts_(" qual ");
		puthex(o->qual, 0);
	}
}


/* ------------------------------------------------------------------------ */
/*
 * Agreement with the VM-entry validator (vmcs_check): control sets derived
 * from the launch set by seeded random single-bit flips and small field
 * changes, each loaded into a fresh VMCS, read back with VMREAD, judged by
 * the validator and then launched.  Verdicts: "e7" (VMfailValid with
 * VM-instruction error 7) or valid (anything else: a VM exit, or another
 * VM-instruction error such as 8 for host state).
 *
 * Never generated, because Bochs 2.7 hangs or panics on them (bochs-ring0.md):
 * event injection type 7, and MSR-area counts large enough to wrap.
 */
static uint8_t msr_area[4096] PAGE;
static struct vmcs_fields vf;
static struct vmcs_result vres;
static uint32_t rng;

static uint32_t fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* A small string builder for the mutation description. */
static char mdesc[96];
static size_t mlen;
static void md_s(const char *t)
{
	while (*t && mlen + 1 < sizeof(mdesc))
		mdesc[mlen++] = *t++;
	mdesc[mlen] = 0;
}
static void md_x(uint64_t v)
{
	static const char hx[] = "0123456789abcdef";
	char b[18];
	int n = 0;
	do {
		b[n++] = hx[v & 0xf];
		v >>= 4;
	} while (v);
	md_s("0x");
	while (n) {
		char c[2] = { b[--n], 0 };
		md_s(c);
	}
}
static void md_u(uint32_t v)
{
	char b[12];
	int n = 0;
	do {
		b[n++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v);
	while (n) {
		char c[2] = { b[--n], 0 };
		md_s(c);
	}
}

/* vmcs_check flag: the host runs in IA-32e mode (x86_64 build) or not (i386 build). */
static uint32_t host_check_flag(void)
{
#if defined(__x86_64__)
	return VMCS_CHECK_HOST_64;
#else
	return VMCS_CHECK_HOST_32;
#endif
}

static unsigned maxphyaddr(void)
{
	uint32_t a = vmx_snapshot_cpuid_reg(&snap, 0x80000008u, 0, 0) & 0xff;
	return a ? a : 36;
}

/* Address beyond the physical-address width (bit MAXPHYADDR set). */
static uint64_t beyond(uint64_t a)
{
	return a | (1ull << maxphyaddr());
}

static void mutate_once(struct ctlset *c)
{
	uint32_t r = rnd(), k = rnd() % 100u, bit = r & 31u;
	if (mdesc[mlen - 1] != ':')
		md_s("+");
	if (k < 50) { /* single control bit */
		static const char *const nm[] = { "pin", "primary", "secondary", "exit", "entry" };
		uint32_t *w[] = { &c->pin, &c->primary, &c->secondary, &c->exit, &c->entry };
		uint32_t which = (r >> 5) % 5u;
		/*
		 * Bochs 2.7 panics ("VMread32: can't access encoding 0x401e") when
		 * "activate secondary controls" is set on a model without them: the
		 * entry reads the missing field before checking the capability.
		 */
		if (which == 1 && bit == 31 && !(cap1(VMX_MSR_PROCBASED) & PROC_SECONDARY))
			bit = 30;
		*w[which] ^= 1u << bit;
		md_s(nm[which]);
		md_s("^b");
		md_u(bit);
		return;
	}
	switch (k % 10u) {
	case 0:
		c->cr3_count = (r >> 5) % 9u;
		md_s("cr3_count=");
		md_u(c->cr3_count);
		break;
	case 1:
		c->tpr_threshold = (r >> 5) % 32u;
		md_s("tpr_threshold=");
		md_u(c->tpr_threshold);
		break;
	case 2:
		if (r & 0x100) {
			c->vpid = 0;
			md_s("vpid=0");
		} else {
			c->pi_vector = (uint16_t)((r >> 9) & 0x1ff);
			md_s("pi_vector=");
			md_x(c->pi_vector);
		}
		break;
	case 3: { /* an address: misaligned or beyond the width */
		static const char *const nm[] = { "io_a", "io_b", "msr_bitmap", "vapic", "apic_access", "pi_desc",
						  "pml", "vmread_bm", "vmwrite_bm", "ve_info" };
		uint64_t *a[] = { &c->io_a, &c->io_b, &c->msr_bitmap, &c->vapic, &c->apic_access, &c->pi_desc,
				  &c->pml, &c->vmread_bm, &c->vmwrite_bm, &c->ve_info };
		uint32_t which = (r >> 5) % 10u;
		uint32_t how = (r >> 12) % 3u;
		*a[which] = how == 0 ? *a[which] + 0x40 : how == 1 ? *a[which] + 0x800 : beyond(*a[which]);
		md_s(nm[which]);
		md_s("=");
		md_x(*a[which]);
		break;
	}
	case 4: { /* EPTP */
		uint32_t how = (r >> 5) % 4u;
		if (how == 0)
			c->eptp = (c->eptp & ~7ull) | ((r >> 8) & 7u);
		else if (how == 1)
			c->eptp = (c->eptp & ~0x38ull) | (((r >> 8) & 7u) << 3);
		else if (how == 2)
			c->eptp ^= 1ull << 6; /* accessed/dirty flags */
		else
			c->eptp ^= 1ull << (8 + ((r >> 8) & 3u)); /* reserved 11:8 */
		md_s("eptp=");
		md_x(c->eptp);
		break;
	}
	case 5:
	case 6: { /* event injection, never type 7 */
		uint32_t type = (r >> 5) % 7u, vec;
		uint32_t sel = (r >> 8) & 3u;
		vec = sel == 0 ? 2 : sel == 1 ? ((r >> 10) & 31u) : ((r >> 10) & 0xffu);
		c->entry_intr = 0x80000000u | (type << 8) | vec;
		if ((r >> 18) & 1)
			c->entry_intr |= 1u << 11; /* deliver error code */
		if (((r >> 19) & 7) == 0)
			c->entry_intr |= 1u << (12 + ((r >> 22) % 19u)); /* a reserved bit */
		c->entry_err = ((r >> 23) & 1) ? 0x10000u : 0;
		c->entry_len = (r >> 24) % 17u;
		md_s("inject=");
		md_x(c->entry_intr);
		md_s(",err=");
		md_x(c->entry_err);
		md_s(",len=");
		md_u(c->entry_len);
		break;
	}
	case 7: { /* MSR areas: 1..4 entries (IA32_SYSENTER_CS = 0), aligned, misaligned or beyond the width */
		uint32_t which = (r >> 5) % 3u, n = 1 + ((r >> 7) % 4u), how = (r >> 9) % 3u;
		uint64_t a = pa(msr_area);
		a = how == 0 ? a : how == 1 ? a + 8 : beyond(a);
		if (which == 0) {
			c->exit_store_n = n;
			c->exit_store = a;
			md_s("exit_msr_store=");
		} else if (which == 1) {
			c->exit_load_n = n;
			c->exit_load = a;
			md_s("exit_msr_load=");
		} else {
			c->entry_load_n = n;
			c->entry_load = a;
			md_s("entry_msr_load=");
		}
		md_x(a);
		md_s("x");
		md_u(n);
		break;
	}
	case 8: /* VM functions, with "enable VM functions" on half of the time */
		c->vmfunc = 1ull << ((r >> 5) % 4u);
		if ((r >> 8) & 1)
			c->secondary |= P2_VMFUNC;
		md_s("vmfunc=");
		md_x(c->vmfunc);
		if ((r >> 8) & 1)
			md_s(",secondary|vmfunc");
		break;
	default: /* TSC multiplier 0 (an EXEC-26 Bochs-only check) or a zero VPID with VPID on */
		if ((r >> 5) & 1) {
			c->tsc_mult = 0;
			md_s("tsc_mult=0");
		} else {
			c->secondary ^= 1u << ((r >> 6) % 32u);
			md_s("secondary^b");
			md_u((r >> 6) % 32u);
		}
		break;
	}
}

/* Read back every field the validator needs from the current VMCS (unsupported fields read as 0). */
static void read_fields(struct vmcs_fields *f)
{
	vmcs_fields_init(f);
	for (unsigned i = 0; i < VMCS_F_COUNT; i++) {
		const struct vmcs_field_info *fi = vmcs_field_get((enum vmcs_field)i);
		uint64_t v = 0;
		if (fi->encoding == 0xffff) {
			v = vapic_page[0x80]; /* VTPR */
		} else {
			ureg lo = 0;
			if (was_written(fi->encoding) && vmread_raw(fi->encoding, &lo) == 0) {
				v = lo;
#if !defined(__x86_64__)
				if (((fi->encoding >> 13) & 3u) == 1) { /* 64-bit field: high half */
					ureg hi = 0;
					if (vmread_raw(fi->encoding + 1u, &hi) == 0)
						v |= (uint64_t)hi << 32;
				}
#endif
			}
		}
		vmcs_set(f, (enum vmcs_field)i, v);
	}
}

static void put_rules(const struct vmcs_result *r, int kind)
{
	bool any = false;
	for (unsigned i = 0; i < VMCS_R_COUNT; i++) {
		bool hit = kind == VMCS_K_ERROR ? vmcs_rule_failed(r, (enum vmcs_rule)i)
						: vmcs_rule_warned(r, (enum vmcs_rule)i);
		if (!hit)
			continue;
		putch(any ? ',' : '=');
		puts_(vmcs_rule_get((enum vmcs_rule)i)->id);
		any = true;
	}
	if (!any)
		puts_("=-");
}

/*
 * A disagreement that bochs-ring0.md lists as a Bochs 2.7 departure from the
 * SDM: returns its rule id, or NULL.
 */
static const char *known_deviation(const struct vmcs_fields *f, bool bochs_e7)
{
	uint32_t sec = (f->v[VMCS_F_PRIMARY] & PROC_SECONDARY) ? (uint32_t)f->v[VMCS_F_SECONDARY] : 0;
	if (bochs_e7) {
		/* EXEC-26: Bochs rejects a zero TSC multiplier */
		if ((sec & P2_TSC_SCALING) && f->v[VMCS_F_TSC_MULTIPLIER] == 0)
			return "EXEC-26";
		return NULL;
	}
	/* the validator says error 7, Bochs accepted: every failed rule must be a known Bochs gap */
	uint64_t failed0 = vres.failed[0], failed1 = vres.failed[1];
	const char *id = NULL;
	if (vmcs_rule_failed(&vres, VMCS_R_ENTRY_08) && (f->v[VMCS_F_ENTRY] & (1u << 10))) {
		/* entry to SMM outside SMM: Bochs fails the entry with exit reason 33 instead */
		failed0 &= ~(VMCS_R_ENTRY_08 < 64 ? 1ull << VMCS_R_ENTRY_08 : 0);
		failed1 &= ~(VMCS_R_ENTRY_08 >= 64 ? 1ull << (VMCS_R_ENTRY_08 - 64) : 0);
		id = "ENTRY-08";
	}
	if (vmcs_rule_failed(&vres, VMCS_R_ENTRY_03) && (snap.msr[VMX_MSR_BASIC] & (1ull << 56))) {
		/* Bochs skips the deliver-error-code check on CPUs with IA32_VMX_BASIC[56] */
		failed0 &= ~(VMCS_R_ENTRY_03 < 64 ? 1ull << VMCS_R_ENTRY_03 : 0);
		failed1 &= ~(VMCS_R_ENTRY_03 >= 64 ? 1ull << (VMCS_R_ENTRY_03 - 64) : 0);
		id = id ? "ENTRY-08+ENTRY-03" : "ENTRY-03";
	}
	return (failed0 | failed1) ? NULL : id;
}

static void run_sets(const struct ctlset *base0, const struct ctlset *base1, uint32_t n, uint32_t seed,
		     uint32_t *n_dis)
{
	uint32_t agree = 0, both7 = 0, bothok = 0, dis = 0, known = 0;
	uint32_t flags = host_check_flag();
	uint32_t name_hash = 2166136261u;
	for (const char *p = model_name(); *p; p++)
		name_hash = (name_hash ^ (uint8_t)*p) * 16777619u;
	for (uint32_t i = 0; i < 16; i++) /* MSR-area entries: IA32_SYSENTER_CS (0x174), value 0 */
		*(uint32_t *)(msr_area + 16 * i) = 0x174;

	for (uint32_t k = 0; k < n; k++) {
		/* even sets start from the launch set, odd ones from KVM's per-vCPU set */
		struct ctlset c = (k & 1) ? *base1 : *base0;
		struct outcome o;
		uint64_t dummy;
		bool b7, v7;
		const char *kd = NULL;

		/* set k of (model, seed): reproducible, different on every model */
		rng = fmix32(seed ^ fmix32(k + 0x9e3779b9u * name_hash));
		if (!rng)
			rng = 1;
		mlen = 0;
		mdesc[0] = 0;
		md_s((k & 1) ? "vcpu:" : "launch:");
		mutate_once(&c);
		if (rnd() % 4u == 0)
			mutate_once(&c);

		rdmsr_safe(0xc0de0000u | k, &dummy); /* marker in bochs.log: "RDMSR: Unknown register 0xc0de...." */
		memset(&o, 0, sizeof(o));
		o.stage = vmcs_setup(&c);
		if (o.stage) {
			puts_("set ");
			putdec(k);
			puts_(" setup-failed\n");
			dis++;
			continue;
		}
		read_fields(&vf);
		vmcs_check(&snap, maxphyaddr(), &vf, flags, &vres);
		run_current(false, &o);
		b7 = o.launch == 2 && o.error == 7;
		v7 = vres.n_errors > 0;
		if (params()->flags & PF_INVERT)
			v7 = !v7;
		if (b7 == v7) {
			agree++;
			if (b7)
				both7++;
			else
				bothok++;
		} else if ((kd = known_deviation(&vf, b7)) != NULL) {
			known++;
		} else {
			dis++;
		}
		puts_("set ");
		putdec(k);
		puts_(b7 == v7 ? " agree" : kd ? " known:" : " DISAGREE");
		if (b7 != v7 && kd)
			puts_(kd);
		puts_(" bochs=");
		if (o.launch == 2) {
			putch('e');
			putdec((uint32_t)o.error);
		} else if (o.launch == 1) {
			puts_("failinvalid");
		} else {
			putch('x');
			putdec(o.reason & 0xffff);
			if (o.reason & 0x80000000u)
				putch('f');
		}
		puts_(v7 ? " val=e7 rules" : " val=ok rules");
		put_rules(&vres, VMCS_K_ERROR);
		if (vres.n_warnings) {
			puts_(" warn");
			put_rules(&vres, VMCS_K_WARNING);
		}
		puts_(" mut=");
		puts_(mdesc);
		putch('\n');
	}
	rdmsr_safe(0xc0de0000u | 0xffffu, &(uint64_t){ 0 });
	puts_("sets: ");
	putdec(n);
	puts_(" run (seed ");
	putdec(seed);
	puts_("), ");
	putdec(agree);
	puts_(" agree (");
	putdec(both7);
	puts_(" both error 7, ");
	putdec(bothok);
	puts_(" both valid), ");
	putdec(known);
	puts_(" known Bochs deviations, ");
	putdec(dis);
	puts_(" disagree\n");
	*n_dis = dis;
}

/* ------------------------------------------------------------------------ */

void kmain(void)
{
	struct ctlset c, broken;
	struct outcome o;
	uint32_t r[4];
	bool ok = true;

	if (params()->flags & PF_EXIT_EARLY)
		shutdown();
	serial_init();
	tables_init();
	puts_("\nvmxcfg ring0 kernel " VMXCFG_VERSION
#if defined(__x86_64__)
	      " x86_64"
#else
	      " i386"
#endif
	      " model ");
	puts_(model_name());
	putch('\n');

	read_snapshot();
	print_profile();

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 5)))
		result("SKIP", "no VMX in CPUID.1:ECX");
	if (!run_kvm())
		result("FAIL", "kvm 7.1 would fail on this CPU (kvm_intel -EIO or not supported)");

	if (params()->flags & PF_HANG)
		for (;;)
			__asm__ volatile("pause");
	vmx_enable();
	base_ctlset(&c);
	if (params()->flags & PF_BREAK)
		c.pin |= 1u << 31;
	print_ctls("launch controls", &c);
	if (launch_dropped_secondary || launch_dropped_exit) {
		puts_("launch dropped secondary ");
		puthex(launch_dropped_secondary, 8);
		puts_(" exit ");
		puthex(launch_dropped_exit, 8);
		putch('\n');
	}
	verbose_writes = true;
	memset(&o, 0, sizeof(o));
	o.stage = vmcs_setup(&c);
	verbose_writes = false;
	bool launch_valid = false;
	if (!o.stage) {
		read_fields(&vf);
		vmcs_check(&snap, maxphyaddr(), &vf, host_check_flag() | VMCS_CHECK_NO_WARNINGS, &vres);
		launch_valid = vres.n_errors == 0;
		run_current(true, &o);
	}
	puts_("launch: ");
	print_outcome(&o);
	if (o.launch == 0 && o.reason == 10) {
		puts_("; resume: ");
		if (o.resume == 0) {
			puts_("exit reason ");
			putdec(o.reason2 & 0xffff);
		} else {
			puts_("failed ");
			putdec((uint32_t)o.resume);
			puts_(" error ");
			putdec((uint32_t)o.resume_error);
		}
	}
	puts_(launch_valid ? "; validator: ok" : "; validator: error 7 rules");
	if (!launch_valid)
		put_rules(&vres, VMCS_K_ERROR);
	putch('\n');
	if (!(o.stage == 0 && o.launch == 0 && o.reason == 10 && o.resume == 0 && o.reason2 == 12) || !launch_valid)
		ok = false;

	/* A control set the capability MSR forbids: the lowest pin-based bit whose allowed-1 is 0. */
	broken = c;
	{
		bool use_true = vmx_snapshot_has(&snap, VMX_MSR_TRUE_PINBASED) &&
				(snap.msr[VMX_MSR_BASIC] & (1ull << 55));
		uint64_t capmsr = use_true ? snap.msr[VMX_MSR_TRUE_PINBASED] : snap.msr[VMX_MSR_PINBASED];
		uint32_t forbidden = ~vmx_allowed1(capmsr);
		uint32_t bit = forbidden & (0u - forbidden);
		broken.pin |= bit;
		puts_("broken: pin ");
		puthex(broken.pin, 8);
		puts_(" (bit ");
		for (uint32_t b = 0; b < 32; b++)
			if (bit == 1u << b)
				putdec(b);
		puts_(" not allowed by IA32_VMX_");
		puts_(use_true ? "TRUE_PINBASED_CTLS" : "PINBASED_CTLS");
		puts_(") -> ");
	}
	launch(&broken, false, &o);
	print_outcome(&o);
	putch('\n');
	bool broken_ok = o.stage == 0 && o.launch == 2 && o.error == 7;

	/*
	 * KVM's own per-vCPU controls (vmcs_from_kvm: what kvm_intel programs for a
	 * new vCPU), plus "IA-32e mode guest" in the x86_64 build, which KVM sets
	 * once its guest enables long mode, as ours has.  Own pages for addresses.
	 */
	bool vcpu_ok;
	struct ctlset kv = c;
	{
		static struct vmcs_fields kf;
		struct vmcs_kvm_params kp;
		vmcs_kvm_params_from(&kres, &snap, &kp);
		vmcs_from_kvm(&kres, &kp, &kf);
		kv.pin = (uint32_t)kf.v[VMCS_F_PIN];
		kv.primary = (uint32_t)kf.v[VMCS_F_PRIMARY];
		kv.secondary = (uint32_t)kf.v[VMCS_F_SECONDARY];
		kv.tertiary = kf.v[VMCS_F_TERTIARY];
		kv.exit = (uint32_t)kf.v[VMCS_F_EXIT];
		kv.entry = (uint32_t)kf.v[VMCS_F_ENTRY];
#if defined(__x86_64__)
		kv.entry |= ENTRY_IA32E;
#else
		/*
		 * vmcs_from_kvm models an x86_64 kernel, whose vmx_exec_control() turns
		 * on CR8-load/store exiting without a TPR shadow; that code is x86_64-only,
		 * so a 32-bit kvm_intel keeps the negotiated CR8 bits (none on 32-bit).
		 */
		kv.primary = (kv.primary & ~(3u << 19)) | (kres.cfg.primary & (3u << 19));
#endif
		kv.cr3_count = (uint32_t)kf.v[VMCS_F_CR3_TARGET_COUNT];
		kv.tpr_threshold = (uint32_t)kf.v[VMCS_F_TPR_THRESHOLD];
		kv.vpid = kf.v[VMCS_F_VPID] ? (uint16_t)kf.v[VMCS_F_VPID] : 1;
		kv.pi_vector = (uint16_t)kf.v[VMCS_F_POSTED_INTR_NV];
		kv.eptp = (c.eptp & ~0x7full) | (kf.v[VMCS_F_EPTP] & 0x7f);
		kv.interruptibility = 0;
		kv.vmfunc = 0;
		print_ctls("kvm-vcpu controls", &kv);
		memset(&o, 0, sizeof(o));
		o.stage = vmcs_setup(&kv);
		if (!o.stage) {
			read_fields(&vf);
			vmcs_check(&snap, maxphyaddr(), &vf, host_check_flag() | VMCS_CHECK_NO_WARNINGS, &vres);
			run_current((kv.primary & (1u << 7)) != 0, &o);
		}
		puts_("kvm-vcpu: ");
		print_outcome(&o);
		if (o.launch == 0 && o.reason == 10 && (kv.primary & (1u << 7))) {
			puts_("; resume: exit reason ");
			putdec(o.reason2 & 0xffff);
		}
		puts_(vres.n_errors ? "; validator: error 7 rules" : "; validator: ok");
		if (vres.n_errors)
			put_rules(&vres, VMCS_K_ERROR);
		putch('\n');
		vcpu_ok = o.stage == 0 && o.launch == 0 && o.reason == 10 && vres.n_errors == 0 &&
			  (!(kv.primary & (1u << 7)) || (o.resume == 0 && o.reason2 == 12));
	}

	uint32_t n_dis = 0;
	if (params()->nsets)
		run_sets(&c, &kv, params()->nsets, params()->seed, &n_dis);

	if (vmxoff())
		ok = false;
	puts_("vmx: vmxoff\n");

	if (ok && broken_ok && !vcpu_ok)
		result("FAIL", "launch+resume ok, broken set error 7, but KVM's per-vCPU control set did not launch (kvm-vcpu line)");
	if (ok && broken_ok && n_dis)
		result("FAIL", "launch+resume ok, broken set error 7, but the validator disagrees with Bochs (see set lines)");
	if (ok && broken_ok)
		result("PASS", "launch+resume ok (exit 10 cpuid, exit 12 hlt), KVM per-vCPU set ok, broken control set failed with error 7");
	if (!ok)
		result("FAIL", "negotiated control set did not launch/resume as expected");
	result("FAIL", "broken control set did not fail with VM-instruction error 7");
}
