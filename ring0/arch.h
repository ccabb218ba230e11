/* SPDX-License-Identifier: MIT */
/* vmxcfg ring-0 test kernel: instruction wrappers for x86_64 and i386 builds. */
#ifndef RING0_ARCH_H
#define RING0_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__x86_64__)
typedef uint64_t ureg;
#define EX_PTR ".quad"
#else
typedef uint32_t ureg;
#define EX_PTR ".long"
#endif

/* Exception fix-up table entry: a fault at insn resumes at fixup. */
struct ex_entry {
	ureg insn, fixup;
};

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

/* rdmsr that survives #GP: returns 0 and the value, or -1 (value 0) if the MSR faults. */
static inline int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	int err = 1;
	__asm__ volatile("1: rdmsr\n\t"
			 "xorl %[err], %[err]\n"
			 "2:\n\t"
			 ".pushsection .ex_table, \"a\"\n\t" EX_PTR " 1b, 2b\n\t"
			 ".popsection"
			 : "+a"(lo), "+d"(hi), [err] "+r"(err)
			 : "c"(msr)
			 : "memory");
	if (err) {
		*val = 0;
		return -1;
	}
	*val = ((uint64_t)hi << 32) | lo;
	return 0;
}

static inline int wrmsr_safe(uint32_t msr, uint64_t val)
{
	int err = 1;
	__asm__ volatile("1: wrmsr\n\t"
			 "xorl %[err], %[err]\n"
			 "2:\n\t"
			 ".pushsection .ex_table, \"a\"\n\t" EX_PTR " 1b, 2b\n\t"
			 ".popsection"
			 : [err] "+r"(err)
			 : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			 : "memory");
	return err ? -1 : 0;
}

#define DEF_CR(n)                                                              \
	static inline ureg read_cr##n(void)                                    \
	{                                                                      \
		ureg v;                                                        \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));              \
		return v;                                                      \
	}                                                                      \
	static inline void write_cr##n(ureg v)                                 \
	{                                                                      \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");     \
	}
DEF_CR(0)
DEF_CR(3)
DEF_CR(4)

struct __attribute__((packed)) dtr {
	uint16_t limit;
	ureg base;
};

static inline void sgdt(struct dtr *d) { __asm__ volatile("sgdt %0" : "=m"(*d)); }
static inline void sidt(struct dtr *d) { __asm__ volatile("sidt %0" : "=m"(*d)); }
static inline void lidt(const struct dtr *d) { __asm__ volatile("lidt %0" : : "m"(*d)); }
static inline void lgdt(const struct dtr *d) { __asm__ volatile("lgdt %0" : : "m"(*d)); }
static inline void ltr(uint16_t sel) { __asm__ volatile("ltr %0" : : "r"(sel)); }

/*
 * VMX instructions.  Result: 0 success, -1 VMfailInvalid (CF), 1 VMfailValid (ZF;
 * the caller reads VM_INSTRUCTION_ERROR).
 */
#define VMX_RESULT(cf, zf) ((cf) ? -1 : (zf) ? 1 : 0)

static inline int vmxon(uint64_t pa)
{
	uint8_t cf, zf;
	__asm__ volatile("vmxon %2\n\tsetc %0\n\tsetz %1" : "=qm"(cf), "=qm"(zf) : "m"(pa) : "cc", "memory");
	return VMX_RESULT(cf, zf);
}
static inline int vmclear(uint64_t pa)
{
	uint8_t cf, zf;
	__asm__ volatile("vmclear %2\n\tsetc %0\n\tsetz %1" : "=qm"(cf), "=qm"(zf) : "m"(pa) : "cc", "memory");
	return VMX_RESULT(cf, zf);
}
static inline int vmptrld(uint64_t pa)
{
	uint8_t cf, zf;
	__asm__ volatile("vmptrld %2\n\tsetc %0\n\tsetz %1" : "=qm"(cf), "=qm"(zf) : "m"(pa) : "cc", "memory");
	return VMX_RESULT(cf, zf);
}
static inline int vmxoff(void)
{
	uint8_t cf, zf;
	__asm__ volatile("vmxoff\n\tsetc %0\n\tsetz %1" : "=qm"(cf), "=qm"(zf) : : "cc", "memory");
	return VMX_RESULT(cf, zf);
}
static inline int vmwrite_raw(ureg field, ureg val)
{
	uint8_t cf, zf;
	__asm__ volatile("vmwrite %2, %3\n\tsetc %0\n\tsetz %1"
			 : "=qm"(cf), "=qm"(zf)
			 : "rm"(val), "r"(field)
			 : "cc", "memory");
	return VMX_RESULT(cf, zf);
}
static inline int vmread_raw(ureg field, ureg *val)
{
	uint8_t cf, zf;
	ureg v = 0;
	__asm__ volatile("vmread %3, %2\n\tsetc %0\n\tsetz %1"
			 : "=qm"(cf), "=qm"(zf), "=rm"(v)
			 : "r"(field)
			 : "cc", "memory");
	*val = v;
	return VMX_RESULT(cf, zf);
}

/* int vmx_run(int resume): see entry*.S.  0 = VM exit, 1 = VMfailInvalid, 2 = VMfailValid. */
int vmx_run(int resume);
void vmx_exit_point(void);
void guest_code(void);

#endif
