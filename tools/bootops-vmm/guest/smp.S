/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smp: a guest that starts its second vCPU with PSCI, for the test that
 * PSCI of a verified VM is hyp's (selftests/qemu/bootops_images.c).
 *
 * vCPU 0 calls CPU_ON(MPIDR 1, secondary, CONTEXT) and writes the result
 * to DOORBELL (hyp's answer: 0, whatever the host's KVM says), then asks
 * AFFINITY_INFO(1) until vCPU 1 is off and writes 1 to DOORBELL + 16.
 * Then it prints "smp: ok" and powers off.  vCPU 1, at secondary, writes
 * its x0 (CONTEXT) to DOORBELL + 8 and its MPIDR_EL1 to DOORBELL + 24,
 * and calls CPU_OFF; should that return, it writes to DOORBELL + 32.  A
 * vCPU that starts at LOAD_ADDR + 4 (where a host that moves the PC aims)
 * prints "host code ran".  Position independent, like hello.S.
 */
#define DOORBELL		0x09010000	/* no memslot, not the UART */
#define PSCI_0_2_FN_CPU_OFF	0x84000002
#define PSCI_0_2_FN64_CPU_ON	0xc4000003
#define PSCI_0_2_FN64_AFFINITY_INFO 0xc4000004

	.section .text.boot, "ax"
	.globl	_start
_start:
	b	primary
	b	evil			/* LOAD_ADDR + 4 */

primary:
	movz	x9, #(DOORBELL >> 16), lsl #16
	movz	x0, #(PSCI_0_2_FN64_CPU_ON & 0xffff)
	movk	x0, #(PSCI_0_2_FN64_CPU_ON >> 16), lsl #16
	mov	x1, #1
	adr	x2, secondary
	ldr	x3, context
	hvc	#0
	str	x0, [x9]
1:	movz	x0, #(PSCI_0_2_FN64_AFFINITY_INFO & 0xffff)
	movk	x0, #(PSCI_0_2_FN64_AFFINITY_INFO >> 16), lsl #16
	mov	x1, #1
	mov	x2, #0
	hvc	#0
	cmp	x0, #1			/* OFF */
	b.ne	1b
	mov	x1, #1
	str	x1, [x9, #16]
	adr	x3, ok_msg
	adr	x4, ok_end
	bl	puts
	b	off

secondary:
	movz	x9, #(DOORBELL >> 16), lsl #16
	str	x0, [x9, #8]
	mrs	x1, mpidr_el1
	str	x1, [x9, #24]
	movz	x0, #(PSCI_0_2_FN_CPU_OFF & 0xffff)
	movk	x0, #(PSCI_0_2_FN_CPU_OFF >> 16), lsl #16
	hvc	#0
	str	x0, [x9, #32]
2:	wfi
	b	2b

evil:
	adr	x3, evil_msg
	adr	x4, evil_end
	bl	puts

#include "lib.S"

	.balign	8
context:
	.quad	0xc0ffee00c0ffee00
ok_msg:
	.ascii	"smp: ok\n"
ok_end:
evil_msg:
	.ascii	"host code ran\n"
evil_end:
