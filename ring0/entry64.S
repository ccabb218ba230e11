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
#define PUSH    pushq
#define PTR     .quad
#include "entry.h"

	.section .text.entry, "ax"
	.code32
	START32
	/* page tables: pml4[0] -> pdpt, pdpt[0] -> pd, pd[i] = i * 2 MiB (PS) */
	movl	$boot_pdpt, %eax
	orl	$3, %eax
	movl	%eax, boot_pml4
	movl	$boot_pd, %eax
	orl	$3, %eax
	movl	%eax, boot_pdpt
	IDENTITY_PD 21, 8, 512
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
	.text
	EXC_STUBS

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
	.p2align 3
	EXC_TABLE

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
	VMX_ENTER %edi
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

	GUEST_CODE

	GDT 0x00af9a000000ffff	/* 0x18: 64-bit code */

	.bss
	.p2align 12
	.globl	boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096
stack:		.skip 16384
stack_top:

	.section .note.GNU-stack,"",@progbits
