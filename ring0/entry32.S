/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg ring-0 test kernel, 32-bit entry (CPUs without long mode): entered
 * from the boot sector in protected mode at 0x10000; identity-maps 4 GiB in
 * 4 MiB pages (CR4.PSE), enables paging (VMX needs CR0.PG) and calls kmain().
 * Also: exception stubs and the VMLAUNCH/VMRESUME trampoline.
 */
#define KCODE32 0x08
#define KDATA   0x10

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
	cld
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$22, %eax
	orl	$0x83, %eax		/* P | RW | PS */
	movl	%eax, boot_pd(,%ecx,4)
	incl	%ecx
	cmpl	$1024, %ecx
	jb	2b
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

.macro	EXC vec, has_err
	.p2align 4
exc_\vec:
	.if	\has_err == 0
	pushl	$0
	.endif
	pushl	$\vec
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
	.globl	exc_stubs
	.p2align 2
exc_stubs:
	.irp	v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long	exc_\v
	.endr

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
	jbe	2f
	testl	%ecx, %ecx
	jnz	1f
	vmlaunch
	jmp	2f
1:	vmresume
2:	movl	$1, %eax
	jc	3f
	movl	$2, %eax
	jz	3f
	movl	$3, %eax
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
	.quad	0			/* 0x18: unused */
	.quad	0, 0			/* 0x20: TSS (filled by kmain) */
gdt_end:
	.globl	gdt_desc
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.bss
	.p2align 12
	.globl	boot_pd
boot_pd:	.skip 4096
stack:		.skip 16384
stack_top:

	.section .note.GNU-stack,"",@progbits
