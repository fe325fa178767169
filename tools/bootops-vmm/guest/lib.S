/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the test guests (regs.S, smp.S, attest.S) share, #included at their end:
 * off, PSCI SYSTEM_OFF (does not return), and puts, bytes [x3, x4) to
 * the UART, x2 the UART afterwards.
 */
#define UART_BASE		0x09000000
#define PSCI_0_2_FN_SYSTEM_OFF	0x84000008

off:
	movz	x0, #(PSCI_0_2_FN_SYSTEM_OFF & 0xffff)
	movk	x0, #(PSCI_0_2_FN_SYSTEM_OFF >> 16), lsl #16
	hvc	#0
1:	wfi
	b	1b

puts:
	movz	x2, #(UART_BASE >> 16), lsl #16
1:	cmp	x3, x4
	b.hs	2f
	ldrb	w1, [x3], #1
	strb	w1, [x2]
	b	1b
2:	ret
