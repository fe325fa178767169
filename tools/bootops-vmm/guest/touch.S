/* SPDX-License-Identifier: GPL-2.0 */
/*
 * touch: a bare-metal guest that writes to guest memory, for the memory
 * tests and the memory-touch benchmark.
 *
 * x0 = pages | passes << 32.  Each pass stores one 64-bit word at the
 * start of each of `pages` pages from TOUCH_BASE: the first pass takes a
 * stage-2 fault per page, the later ones measure steady state.  Then every
 * page is read back (page index | last pass << 32) and the guest prints
 * "touch ok" or "touch bad" on the UART and asks for PSCI SYSTEM_OFF.
 * The image itself sits at 0x80000000; TOUCH_BASE is 1 MiB above it.
 */
#define UART_BASE		0x09000000
#define TOUCH_BASE		0x80100000
#define PSCI_0_2_FN_SYSTEM_OFF	0x84000008

	.section .text.boot, "ax"
	.globl	_start
_start:
	and	x10, x0, #0xffffffff		/* x10 = pages */
	ubfx	x11, x0, #32, #16		/* x11 = passes, at least 1 */
	cmp	x11, #0
	csinc	x11, x11, xzr, ne
	movz	x12, #(TOUCH_BASE >> 16), lsl #16
	mov	x13, #0				/* x13 = pass */
pass:	mov	x14, #0				/* x14 = page */
	mov	x15, x12
1:	cmp	x14, x10
	b.hs	2f
	add	x16, x14, x13, lsl #32
	str	x16, [x15]
	add	x15, x15, #4096
	add	x14, x14, #1
	b	1b
2:	add	x13, x13, #1
	cmp	x13, x11
	b.lo	pass

	sub	x13, x11, #1			/* check what the last pass wrote */
	mov	x14, #0
	mov	x15, x12
3:	cmp	x14, x10
	b.hs	good
	ldr	x16, [x15]
	add	x17, x14, x13, lsl #32
	cmp	x16, x17
	b.ne	bad
	add	x15, x15, #4096
	add	x14, x14, #1
	b	3b
good:	adr	x3, msg_ok
	adr	x4, msg_bad
	b	print
bad:	adr	x3, msg_bad
	adr	x4, msg_end
print:	movz	x2, #(UART_BASE >> 16), lsl #16
4:	cmp	x3, x4
	b.hs	off
	ldrb	w1, [x3], #1
	strb	w1, [x2]			/* -> KVM_EXIT_MMIO, write, len 1 */
	b	4b
off:	movz	x0, #(PSCI_0_2_FN_SYSTEM_OFF & 0xffff)
	movk	x0, #(PSCI_0_2_FN_SYSTEM_OFF >> 16), lsl #16
	hvc	#0
5:	wfi
	b	5b

	.section .rodata.msg, "a"
msg_ok:
	.ascii	"touch ok\n"
msg_bad:
	.ascii	"touch bad\n"
msg_end:
