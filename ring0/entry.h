/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg ring-0 test kernel: assembler macros shared by entry32.S and entry64.S.  The includer defines
 * PUSH (pushl or pushq) and PTR (.long or .quad) for its mode; everything else here is mode-neutral.
 */
#ifndef RING0_ENTRY_H
#define RING0_ENTRY_H

/* Exceptions 8, 10-14, 17, 21, 29 and 30 push an error code; the other stubs push a 0 in its place. */
#define EXC_HAS_ERROR_CODE 0x60227d00

/*
 * _start, entered from the boot sector in 32-bit protected mode: load our GDT (KCODE32, KDATA, defined by the
 * includer), reload the segment registers, set the stack and zero .bss.  Paging is the includer's.
 */
.macro	START32
	.globl	_start
_start:
	cli
	movw	$KDATA, %ax		/* the boot sector's GDT has the same data selector */
	movw	%ax, %ds
	lgdt	gdt_desc
	ljmp	$KCODE32, $1f
1:	movw	$KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movl	$stack_top, %esp
	cld
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
.endm

/* boot_pd[i] = i << shift | P | RW | PS for i < count (entries of size bytes): identity-mapped large pages. */
.macro	IDENTITY_PD shift, size, count
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$\shift, %eax
	orl	$0x83, %eax		/* P | RW | PS */
	movl	%eax, boot_pd(,%ecx,\size)
	incl	%ecx
	cmpl	$\count, %ecx
	jb	2b
.endm

/* Exception stubs exc_0 .. exc_31: error code (or 0) and vector, then exc_common (in the includer). */
.macro	EXC_STUBS
	.irp	vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.p2align 4
exc_\vec:
	.if	((EXC_HAS_ERROR_CODE >> \vec) & 1) == 0
	PUSH	$0
	.endif
	PUSH	$\vec
	jmp	exc_common
	.endr
.endm

/* const void *exc_stubs[32]: the addresses of the stubs, for the IDT. */
.macro	EXC_TABLE
	.globl	exc_stubs
exc_stubs:
	.irp	vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	PTR	exc_\vec
	.endr
.endm

/*
 * VMLAUNCH (resume == 0) or VMRESUME after the HOST_RSP VMWRITE (its flags decide first); %eax = 1 for
 * VMfailInvalid, 2 for VMfailValid, 3 if the instruction fell through.  Ends at local label 3.
 */
.macro	VMX_ENTER resume
	jbe	2f
	testl	\resume, \resume
	jnz	1f
	vmlaunch
	jmp	2f
1:	vmresume
2:	movl	$1, %eax
	jc	3f
	movl	$2, %eax
	jz	3f
	movl	$3, %eax
.endm

/* The guest: CPUID (leaf 0), then HLT, forever. */
.macro	GUEST_CODE
	.globl	guest_code
	.p2align 4
guest_code:
	xorl	%eax, %eax
	xorl	%ecx, %ecx
	cpuid
	hlt
	jmp	guest_code
.endm

/* The GDT and its descriptor for LGDT: 0x08 32-bit code, 0x10 data, 0x18 desc18, 0x20 the TSS (kmain fills it). */
.macro	GDT desc18
	.data
	.p2align 4
	.globl	gdt
gdt:	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	\desc18
	.quad	0, 0			/* 0x20: TSS (filled by kmain) */
gdt_end:
	.globl	gdt_desc
gdt_desc:
	.word	gdt_end - gdt - 1
	PTR	gdt
.endm

#endif
