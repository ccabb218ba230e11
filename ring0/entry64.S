/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg ring-0 test kernel, x86_64 entry: entered from the boot sector in
 * 32-bit protected mode at 0x10000; builds identity page tables (1 GiB in
 * 2 MiB pages), enters long mode and calls kmain().  Also: exception stubs
 * and the VMLAUNCH/VMRESUME trampoline.
 */
#define KCODE32 0x08
#define KDATA   0x10
#define KCODE64 0x18

	.section .text.entry, "ax"
	.code32
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
	/* zero .bss */
	cld
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	/* page tables: pml4[0] -> pdpt, pdpt[0] -> pd, pd[i] = i * 2 MiB (PS) */
	movl	$boot_pdpt, %eax
	orl	$3, %eax
	movl	%eax, boot_pml4
	movl	$boot_pd, %eax
	orl	$3, %eax
	movl	%eax, boot_pdpt
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax
	movl	%eax, boot_pd(,%ecx,8)
	incl	%ecx
	cmpl	$512, %ecx
	jb	2b
	movl	%cr4, %eax
	orl	$0x20, %eax		/* PAE */
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx	/* EFER.LME */
	rdmsr
	orl	$0x100, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000021, %eax	/* PG | NE | PE */
	movl	%eax, %cr0
	ljmp	$KCODE64, $long_entry

	.code64
long_entry:
	movw	$KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movq	$stack_top, %rsp
	xorl	%ebp, %ebp
	call	kmain
3:	cli
	hlt
	jmp	3b

/* Exception stubs: vector and error code, then all GPRs, then trap(frame). */
.macro	EXC vec, has_err
	.p2align 4
exc_\vec:
	.if	\has_err == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	exc_common
.endm
	.text
	EXC 0,0
	EXC 1,0
	EXC 2,0
	EXC 3,0
	EXC 4,0
	EXC 5,0
	EXC 6,0
	EXC 7,0
	EXC 8,1
	EXC 9,0
	EXC 10,1
	EXC 11,1
	EXC 12,1
	EXC 13,1
	EXC 14,1
	EXC 15,0
	EXC 16,0
	EXC 17,1
	EXC 18,0
	EXC 19,0
	EXC 20,0
	EXC 21,1
	EXC 22,0
	EXC 23,0
	EXC 24,0
	EXC 25,0
	EXC 26,0
	EXC 27,0
	EXC 28,0
	EXC 29,1
	EXC 30,1
	EXC 31,0

exc_common:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rbx
	pushq	%rbp
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rdi
	cld
	call	trap
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rbp
	popq	%rbx
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$16, %rsp
	iretq

	.section .rodata
	.globl	exc_stubs
	.p2align 3
exc_stubs:
	.irp	v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	exc_\v
	.endr

/*
 * int vmx_run(int resume): writes HOST_RSP, then VMLAUNCH (resume == 0) or
 * VMRESUME.  Returns 0 after a VM exit (through vmx_exit_point), 1 for
 * VMfailInvalid, 2 for VMfailValid (read VM_INSTRUCTION_ERROR).
 */
	.text
	.globl	vmx_run
	.globl	vmx_exit_point
vmx_run:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	$0x6c14, %rax		/* HOST_RSP */
	vmwrite	%rsp, %rax
	jbe	2f
	testl	%edi, %edi
	jnz	1f
	vmlaunch
	jmp	2f
1:	vmresume
2:	movl	$1, %eax
	jc	3f
	movl	$2, %eax
	jz	3f
	movl	$3, %eax
3:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
vmx_exit_point:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	xorl	%eax, %eax
	ret

/* The guest: CPUID (leaf 0), then HLT, forever. */
	.globl	guest_code
	.p2align 4
guest_code:
	xorl	%eax, %eax
	xorl	%ecx, %ecx
	cpuid
	hlt
	jmp	guest_code

	.data
	.p2align 4
	.globl	gdt
gdt:	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
	.quad	0, 0			/* 0x20: TSS (filled by kmain) */
gdt_end:
	.globl	gdt_desc
gdt_desc:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.bss
	.p2align 12
	.globl	boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096
stack:		.skip 16384
stack_top:

	.section .note.GNU-stack,"",@progbits
