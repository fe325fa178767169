/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Register-preservation harness for bootops_sha256_ce_blocks().
 *
 * void regs_call(const void *vin, void *vout, u64 gpr[16],
 *		  u32 state[8], const void *data, u64 nblocks);
 *
 * Loads v0-v31 from vin (512 bytes), x19-x28 from gpr[0..9], FPCR/FPSR from
 * gpr[10..11] (read back into gpr[10..11], as the CPU keeps them), calls
 * bootops_sha256_ce_blocks(state, data, nblocks), then stores v0-v31 to
 * vout, x19-x28 to gpr[0..9], FPCR/FPSR to gpr[12..13] and x29 - sp to
 * gpr[14].  The caller's own callee-saved registers and FPCR/FPSR are
 * restored before returning.
 */

	.arch	armv8-a
	.section .note.GNU-stack, "", %progbits
	.text

	.globl	regs_call
	.type	regs_call, %function
	.balign	16
regs_call:
	stp	x29, x30, [sp, #-192]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	stp	x1, x2, [sp, #160]		/* vout, gpr */
	mrs	x9, fpcr
	mrs	x10, fpsr
	stp	x9, x10, [sp, #176]

	ldp	x9, x10, [x2, #80]
	msr	fpcr, x9
	msr	fpsr, x10
	mrs	x9, fpcr
	mrs	x10, fpsr
	stp	x9, x10, [x2, #80]
	ldp	x19, x20, [x2]
	ldp	x21, x22, [x2, #16]
	ldp	x23, x24, [x2, #32]
	ldp	x25, x26, [x2, #48]
	ldp	x27, x28, [x2, #64]

	ld1	{v0.16b-v3.16b}, [x0], #64
	ld1	{v4.16b-v7.16b}, [x0], #64
	ld1	{v8.16b-v11.16b}, [x0], #64
	ld1	{v12.16b-v15.16b}, [x0], #64
	ld1	{v16.16b-v19.16b}, [x0], #64
	ld1	{v20.16b-v23.16b}, [x0], #64
	ld1	{v24.16b-v27.16b}, [x0], #64
	ld1	{v28.16b-v31.16b}, [x0]

	mov	x0, x3
	mov	x1, x4
	mov	x2, x5
	bl	bootops_sha256_ce_blocks

	ldr	x9, [sp, #160]
	st1	{v0.16b-v3.16b}, [x9], #64
	st1	{v4.16b-v7.16b}, [x9], #64
	st1	{v8.16b-v11.16b}, [x9], #64
	st1	{v12.16b-v15.16b}, [x9], #64
	st1	{v16.16b-v19.16b}, [x9], #64
	st1	{v20.16b-v23.16b}, [x9], #64
	st1	{v24.16b-v27.16b}, [x9], #64
	st1	{v28.16b-v31.16b}, [x9]

	ldr	x9, [sp, #168]
	stp	x19, x20, [x9]
	stp	x21, x22, [x9, #16]
	stp	x23, x24, [x9, #32]
	stp	x25, x26, [x9, #48]
	stp	x27, x28, [x9, #64]
	mrs	x10, fpcr
	mrs	x11, fpsr
	stp	x10, x11, [x9, #96]
	mov	x10, sp
	sub	x10, x29, x10
	str	x10, [x9, #112]

	ldp	x9, x10, [sp, #176]
	msr	fpcr, x9
	msr	fpsr, x10
	ldp	d14, d15, [sp, #144]
	ldp	d12, d13, [sp, #128]
	ldp	d10, d11, [sp, #112]
	ldp	d8, d9, [sp, #96]
	ldp	x27, x28, [sp, #80]
	ldp	x25, x26, [sp, #64]
	ldp	x23, x24, [sp, #48]
	ldp	x21, x22, [sp, #32]
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #192
	ret
	.size	regs_call, . - regs_call
