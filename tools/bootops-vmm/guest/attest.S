/* SPDX-License-Identifier: GPL-2.0 */
/*
 * attest: a bare-metal guest that asks hyp for its attestation report
 * (include/bootops/attest.h) and prints it in hex on the UART, for the
 * attestation tests and the demo.
 *
 * x0 = the IPA of the page the report goes to; 0: the page at the end of
 * this image (REPORT_PAGE).  First it makes the calls hyp must refuse
 * (a page-unaligned address, the UART's page, an address with no memory)
 * and prints their x0; then it writes a 64-byte nonce from the virtual
 * counter, asks over HVC, then with the same nonce over SMC, and prints:
 *
 *   attest-bad <x0> <x0> <x0>
 *   attest-nonce <128 hex digits>
 *   attest-ret <x0> <x1>                   (HVC: SMCCC status, length)
 *   attest-report <hex>                    (if x0 was 0)
 *   attest-smc-ret <x0> <x1>
 *   attest-smc-report <hex>                (if x0 was 0)
 *   attest-ticks <a> <p> <f>               virtual counter ticks of the HVC
 *                                          call (a) and of a PSCI_VERSION,
 *                                          which the host answers (p), at
 *                                          f ticks per second (make bench)
 *
 * then asks for PSCI SYSTEM_OFF.  Numbers are 16 hex digits.
 */
#define UART_BASE		0x09000000
#define NO_MEMORY		0x70000000	/* below the VMM's one memslot */
#define BOOTOPS_ATTEST_FN	0xc6000078
#define PSCI_0_2_FN_PSCI_VERSION 0x84000000
#define NONCE_SIZE		64

	.section .text.boot, "ax"
	.globl	_start
_start:
	mov	x19, x0				/* x19 = the report's page */
	cbnz	x19, 1f
	adr	x19, report_page
1:	adr	x3, s_bad
	bl	puts_z
	add	x1, x19, #8			/* not page aligned */
	bl	attest_hvc
	bl	put_sp_hex
	movz	x1, #(UART_BASE >> 16), lsl #16	/* MMIO */
	bl	attest_hvc
	bl	put_sp_hex
	movz	x1, #(NO_MEMORY >> 16), lsl #16	/* nothing there */
	bl	attest_hvc
	bl	put_sp_hex
	bl	put_nl

	bl	fill_nonce
	adr	x3, s_nonce
	bl	puts_z
	mov	x3, x19
	add	x4, x19, #NONCE_SIZE
	bl	put_bytes
	bl	put_nl

	mov	x1, x19
	isb
	mrs	x26, cntvct_el0
	bl	attest_hvc
	isb
	mrs	x27, cntvct_el0
	sub	x26, x27, x26			/* x26 = the call's ticks */
	adr	x3, s_ret
	adr	x25, s_report
	bl	report

	bl	fill_nonce_again
	mov	x1, x19
	bl	attest_smc
	adr	x3, s_smc_ret
	adr	x25, s_smc_report
	bl	report

	/* A call the host answers, for scale. */
	movz	x0, #(PSCI_0_2_FN_PSCI_VERSION & 0xffff)
	movk	x0, #(PSCI_0_2_FN_PSCI_VERSION >> 16), lsl #16
	isb
	mrs	x27, cntvct_el0
	hvc	#0
	isb
	mrs	x28, cntvct_el0
	sub	x27, x28, x27
	adr	x3, s_ticks
	bl	puts_z
	mov	x0, x26
	bl	put_sp_hex
	mov	x0, x27
	bl	put_sp_hex
	mrs	x0, cntfrq_el0
	bl	put_sp_hex
	bl	put_nl
	b	off

/* x0 = status, x1 = length: "<x3> x0 x1\n", then "<x25>" and the report if status 0. */
report:
	mov	x23, x30
	mov	x21, x0
	mov	x22, x1
	bl	puts_z
	mov	x0, x21
	bl	put_sp_hex
	mov	x0, x22
	bl	put_sp_hex
	bl	put_nl
	cbnz	x21, 1f
	mov	x3, x25
	bl	puts_z
	mov	x3, x19
	add	x4, x19, x22
	bl	put_bytes
	bl	put_nl
1:	mov	x30, x23
	ret

/* The call with x1, over HVC or SMC: x0 = status, x1 = length. */
attest_hvc:
	movz	x0, #(BOOTOPS_ATTEST_FN & 0xffff)
	movk	x0, #(BOOTOPS_ATTEST_FN >> 16), lsl #16
	hvc	#0
	ret
attest_smc:
	movz	x0, #(BOOTOPS_ATTEST_FN & 0xffff)
	movk	x0, #(BOOTOPS_ATTEST_FN >> 16), lsl #16
	smc	#0
	ret

/* 64 bytes at x19 from the virtual counter, kept in x20 for a second time. */
fill_nonce:
	mrs	x20, cntvct_el0
fill_nonce_again:
	mov	x5, #0
	mov	x6, x20
1:	eor	x7, x6, x5, lsl #56
	str	x7, [x19, x5]
	ror	x6, x6, #13
	add	x5, x5, #8
	cmp	x5, #NONCE_SIZE
	b.lo	1b
	ret

/* The NUL-terminated string at x3. */
puts_z:
	movz	x2, #(UART_BASE >> 16), lsl #16
1:	ldrb	w1, [x3], #1
	cbz	w1, 2f
	strb	w1, [x2]
	b	1b
2:	ret

put_nl:
	movz	x2, #(UART_BASE >> 16), lsl #16
	mov	w1, #'\n'
	strb	w1, [x2]
	ret

/* One hex digit of w1's low nibble. */
put_nibble:
	and	w1, w1, #0xf
	cmp	w1, #10
	add	w8, w1, #'0'
	add	w9, w1, #('a' - 10)
	csel	w1, w8, w9, lo
	strb	w1, [x2]
	ret

/* " " and x0 as 16 hex digits. */
put_sp_hex:
	mov	x24, x30
	movz	x2, #(UART_BASE >> 16), lsl #16
	mov	w1, #' '
	strb	w1, [x2]
	mov	x10, #60
1:	lsr	x1, x0, x10
	bl	put_nibble
	subs	x10, x10, #4
	b.ge	1b
	mov	x30, x24
	ret

/* Bytes [x3, x4) in hex. */
put_bytes:
	mov	x24, x30
	movz	x2, #(UART_BASE >> 16), lsl #16
1:	cmp	x3, x4
	b.hs	2f
	ldrb	w11, [x3], #1
	lsr	w1, w11, #4
	bl	put_nibble
	mov	w1, w11
	bl	put_nibble
	b	1b
2:	mov	x30, x24
	ret

#include "lib.S"		/* off */

	.section .rodata.msg, "a"
s_bad:		.asciz	"attest-bad"
s_nonce:	.asciz	"attest-nonce "
s_ret:		.asciz	"attest-ret"
s_smc_ret:	.asciz	"attest-smc-ret"
s_report:	.asciz	"attest-report "
s_smc_report:	.asciz	"attest-smc-report "
s_ticks:	.asciz	"attest-ticks"

	/* The report's page: part of the image, so signed and the VM's own. */
	.section .rodata.page, "a"
	.balign	4096
report_page:
	.fill	4096, 1, 0
