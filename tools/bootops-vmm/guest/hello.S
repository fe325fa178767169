/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hello: the smallest bare-metal arm64 guest for bootops-vmm.
 *
 * Runs at its load address with the MMU off (position independent: the
 * message is found with ADR), writes the message one byte at a time to the
 * data register of a PL011-like UART at UART_BASE, which has no memslot, so
 * each store is a KVM_EXIT_MMIO the VMM turns into a byte on its stdout,
 * then asks for PSCI SYSTEM_OFF (KVM_EXIT_SYSTEM_EVENT, SHUTDOWN).
 *
 * Stores use "strb wN, [xM]": a single-register store without writeback,
 * so the data abort has a valid syndrome (ISV) and KVM can forward it.
 */
#define UART_BASE		0x09000000	/* UARTDR at offset 0 */
#define PSCI_0_2_FN_SYSTEM_OFF	0x84000008

	.section .text.boot, "ax"
	.globl	_start
_start:
	movz	x2, #(UART_BASE >> 16), lsl #16	/* x2 = UART data register */
	adr	x3, msg				/* x3 = next byte */
	adr	x4, msg_end			/* x4 = end of the message */
1:	cmp	x3, x4
	b.hs	2f
	ldrb	w1, [x3], #1
	strb	w1, [x2]			/* -> KVM_EXIT_MMIO, write, len 1 */
	b	1b
2:	movz	x0, #(PSCI_0_2_FN_SYSTEM_OFF & 0xffff)
	movk	x0, #(PSCI_0_2_FN_SYSTEM_OFF >> 16), lsl #16
	hvc	#0				/* PSCI SYSTEM_OFF: does not return */
3:	wfi					/* if it does, stay here */
	b	3b

	.section .rodata.msg, "a"
msg:
	.ascii	"hello from a verified guest\n"
msg_end:
