/* SPDX-License-Identifier: MIT */
/*
 * vmxcfg ring-0 test kernel: floppy boot sector (16-bit real mode).
 * Loads KSECTORS sectors (from LBA 1) to linear 0x10000 through the BIOS,
 * enables A20, enters 32-bit protected mode and jumps to the kernel at 0x10000.
 * Bytes 0x1b0..0x1fd hold run parameters that the runner patches per model
 * (see PARAM_* in kernel.c); the kernel reads them at 0x7db0.
 */
	.code16
	.section .text
	.globl _start
_start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$0x7c00, %sp
	ljmp	$0, $1f
1:	movb	%dl, drive
	sti
	inb	$0x92, %al		/* fast A20 */
	orb	$2, %al
	andb	$0xfe, %al
	outb	%al, $0x92

	movw	$0x1000, %ax
	movw	%ax, %es		/* destination es:0 */
	movw	$1, %si			/* LBA */
	movw	$KSECTORS, %di		/* sectors left */
next:
	/* read as many sectors as fit in this track, at most up to a 64 KiB boundary */
	movw	%si, %ax
	xorw	%dx, %dx
	movw	$18, %cx
	divw	%cx			/* ax = lba / 18, dx = lba % 18 */
	movw	$18, %bx
	subw	%dx, %bx		/* bx = sectors left in track */
	cmpw	%di, %bx
	jbe	2f
	movw	%di, %bx
2:	/* limit: (0x10000 - (es << 4 & 0xffff)) / 512 */
	pushw	%ax
	movw	%es, %ax
	shlw	$4, %ax
	negw	%ax			/* bytes to the 64 KiB boundary (0 = 64 KiB) */
	shrw	$9, %ax
	jz	3f
	cmpw	%ax, %bx
	jbe	3f
	movw	%ax, %bx
3:	popw	%ax
	movb	%dl, %cl
	incb	%cl			/* sector 1.. */
	xorw	%dx, %dx
	shrw	$1, %ax			/* ax = cylinder */
	adcb	$0, %dh			/* head = lba/18 & 1 */
	movb	%al, %ch
	movb	drive, %dl
	movb	$4, retries
4:	movb	%bl, %al
	movb	$2, %ah
	pushw	%bx
	xorw	%bx, %bx
	int	$0x13
	popw	%bx
	jnc	5f
	decb	retries
	jz	fail
	xorb	%ah, %ah		/* reset drive, retry */
	int	$0x13
	jmp	4b
5:	/* advance */
	addw	%bx, %si
	subw	%bx, %di
	movw	%bx, %ax
	shlw	$5, %ax			/* sectors * 512 / 16 */
	movw	%es, %cx
	addw	%ax, %cx
	movw	%cx, %es
	testw	%di, %di
	jnz	next

	/* motor off, then protected mode */
	movw	$0x3f2, %dx
	movb	$0x0c, %al
	outb	%al, %dx
	cli
	lgdtl	gdtdesc
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $0x10000

fail:	movw	$msg, %si
6:	lodsb
	testb	%al, %al
	jz	7f
	movb	$0x0e, %ah
	int	$0x10
	movb	%al, %al
	outb	%al, $0xe9
	jmp	6b
7:	hlt
	jmp	7b

msg:	.asciz	"boot: disk read error\r\n"
drive:	.byte	0
retries: .byte	0
	.p2align 3
gdt:	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
gdtdesc:
	.word	gdtdesc - gdt - 1
	.long	gdt

	.org	0x1b0
params:	.fill	0x4e, 1, 0
	.org	0x1fe
	.word	0xaa55
