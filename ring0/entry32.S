/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg ring-0 test kernel, 32-bit entry (CPUs without long mode): entered
 * from the boot sector in protected mode at 0x10000; identity-maps 4 GiB in
 * 4 MiB pages (CR4.PSE), enables paging (VMX needs CR0.PG) and calls kmain().
 * Also: exception stubs and the VMLAUNCH/VMRESUME trampoline.
 */
#define KCODE32 0x08
#define KDATA   0x10
#define PUSH    pushl
#define PTR     .long
#include "entry.h"

	.section .text.entry, "ax"
	.code32
	START32
	IDENTITY_PD 22, 4, 1024
	movl	%cr4, %eax
	orl	$0x10, %eax		/* PSE */
	movl	%eax, %cr4
	movl	$boot_pd, %eax
	movl	%eax, %cr3
	movl	%cr0, %eax
	orl	$0x80000021, %eax	/* PG | NE | PE */
	movl	%eax, %cr0
	jmp	3f
3:	xorl	%ebp, %ebp
	call	kmain
4:	cli
	hlt
	jmp	4b

	.text
	EXC_STUBS

exc_common:
	pushl	%eax
	pushl	%ecx
	pushl	%edx
	pushl	%ebx
	pushl	%ebp
	pushl	%esi
	pushl	%edi
	movl	%esp, %eax
	pushl	%eax
	cld
	call	trap
	addl	$4, %esp
	popl	%edi
	popl	%esi
	popl	%ebp
	popl	%ebx
	popl	%edx
	popl	%ecx
	popl	%eax
	addl	$8, %esp
	iretl

	.section .rodata
	.p2align 2
	EXC_TABLE

	.text
	.globl	vmx_run
	.globl	vmx_exit_point
vmx_run:
	movl	4(%esp), %ecx		/* resume flag */
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	$0x6c14, %eax		/* HOST_RSP */
	vmwrite	%esp, %eax
	VMX_ENTER %ecx
3:	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
vmx_exit_point:
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	xorl	%eax, %eax
	ret

	GUEST_CODE

	GDT 0		/* 0x18: unused */

	.bss
	.p2align 12
	.globl	boot_pd
boot_pd:	.skip 4096
stack:		.skip 16384
stack_top:

	.section .note.GNU-stack,"",@progbits
