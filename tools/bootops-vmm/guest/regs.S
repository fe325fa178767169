/* SPDX-License-Identifier: GPL-2.0 */
/*
 * regs: a guest that checks its own CPU state across exits, for the
 * tests of a verified vCPU's state (selftests/qemu/bootops_images.c).
 *
 * It keeps a secret in x19 (callee-saved), sets its own VBAR_EL1 and
 * notes DAIF, SCTLR_EL1 and VBAR_EL1.  Then, each an exit the host must
 * handle: a PSCI_VERSION HVC (x0 must come back a 1.x version, x4-x7
 * untouched), an 8-byte MMIO read at DOORBELL + 8 (x14 must be PATTERN,
 * x15 untouched), and an MMIO write of 1 to DOORBELL, where the test
 * tampers with the vCPU.  After it, everything noted must be unchanged.
 * It prints "regs: ok", or "regs: bad N" for the first check N that
 * failed, and powers off.  Entry at LOAD_ADDR + 4 or + 8 (where a host
 * that moves the PC aims) prints "host code ran"; any exception,
 * "exception".  Position independent, like hello.S.
 */
#define DOORBELL		0x09010000	/* no memslot, not the UART */
#define PSCI_0_2_FN_PSCI_VERSION 0x84000000

	.section .text.boot, "ax"
	.globl	_start
_start:
	b	main
	b	evil			/* LOAD_ADDR + 4 */
	b	evil			/* LOAD_ADDR + 8: + 4 after KVM's PC increment */

main:
	adr	x10, vectors
	msr	vbar_el1, x10
	isb
	movz	x9, #(DOORBELL >> 16), lsl #16
	ldr	x19, secret
	mrs	x11, daif
	mrs	x12, sctlr_el1
	mrs	x13, vbar_el1

	/* 1, 2: a host-handled HVC returns in x0-x3 only */
	movz	x0, #(PSCI_0_2_FN_PSCI_VERSION & 0xffff)
	movk	x0, #(PSCI_0_2_FN_PSCI_VERSION >> 16), lsl #16
	mov	x4, #0x44
	mov	x5, #0x55
	mov	x6, #0x66
	mov	x7, #0x77
	hvc	#0
	mov	x22, #1
	lsr	x16, x0, #16
	cmp	x16, #1
	b.ne	fail
	mov	x22, #2
	cmp	x4, #0x44
	b.ne	fail
	cmp	x5, #0x55
	b.ne	fail
	cmp	x6, #0x66
	b.ne	fail
	cmp	x7, #0x77
	b.ne	fail

	/* 3: an MMIO read writes its one register */
	mov	x15, #0x515
	ldr	x14, [x9, #8]
	mov	x22, #3
	ldr	x16, pattern
	cmp	x14, x16
	b.ne	fail
	cmp	x15, #0x515
	b.ne	fail

	/* The host tampers with the vCPU at this exit. */
	mov	x20, #1
	str	x20, [x9]

	/* 4-7: nothing the host wrote reached the vCPU */
	mov	x22, #4
	ldr	x16, secret
	cmp	x19, x16
	b.ne	fail
	mov	x22, #5
	mrs	x16, daif
	cmp	x16, x11
	b.ne	fail
	mov	x22, #6
	mrs	x16, sctlr_el1
	cmp	x16, x12
	b.ne	fail
	mov	x22, #7
	mrs	x16, vbar_el1
	cmp	x16, x13
	b.ne	fail
	adr	x3, ok_msg
	adr	x4, ok_end
	bl	puts
	b	off

fail:
	adr	x3, bad_msg
	adr	x4, bad_end
	bl	puts
	add	x1, x22, #'0'
	strb	w1, [x2]
	mov	x1, #'\n'
	strb	w1, [x2]
	b	off

evil:
	adr	x3, evil_msg
	adr	x4, evil_end
	bl	puts
	b	off

exception:
	adr	x3, exc_msg
	adr	x4, exc_end
	bl	puts

#include "lib.S"

	.balign	8
secret:
	.quad	0x5ec2e75ec2e75ec2
pattern:
	.quad	0x0123456789abcdef

	.balign	2048
vectors:
	.rept	16
	.balign	128
	b	exception
	.endr

	.section .rodata.msg, "a"
ok_msg:
	.ascii	"regs: ok\n"
ok_end:
bad_msg:
	.ascii	"regs: bad "
bad_end:
evil_msg:
	.ascii	"host code ran\n"
evil_end:
exc_msg:
	.ascii	"exception\n"
exc_end:
