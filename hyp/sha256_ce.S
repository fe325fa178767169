/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 block function using the ARMv8 Crypto Extensions, for the nVHE
 * hypervisor.  Image measurement at EL2 hashes megabytes; the CE
 * instructions do it an order of magnitude faster than portable C.
 *
 * At EL2 every SIMD&FP register belongs to the interrupted host (the hyp
 * does not switch FP state for its own use), so this saves and restores
 * ALL vector registers it touches (v0-v9), not just the AAPCS64 callee-saved
 * halves.  The SHA instructions neither read FPCR nor write FPSR.
 *
 * Builds inside the kernel (arch/arm64/kvm/hyp/nvhe/) and standalone with
 * `aarch64-linux-gnu-gcc -c` for the host test (selftests/sha256-ce/).
 *
 *   void bootops_sha256_ce_blocks(u32 state[8], const void *data, u64 nblocks);
 *
 *   x0: state, H0..H7 as native u32   x1: data, any alignment
 *   x2: number of 64-byte blocks, 0 allowed
 *
 * Registers: v0-v3 message schedule, v4 abcd, v5 efgh, v6 copy of abcd for
 * sha256h2, v7 W+K, v8/v9 state at block start; x3 walks the constants,
 * x4 holds their base.
 */

#ifdef __KERNEL__
#include <linux/linkage.h>
#else
#define SYM_FUNC_START(name)	.globl name; .type name, %function; \
				.balign 16; name:
#define SYM_FUNC_END(name)	.size name, . - name
	.section .note.GNU-stack, "", %progbits
#endif

	.arch	armv8-a+crypto

	.section .rodata
	.align	4
.Lsha256_k:
	.word	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5
	.word	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
	.word	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3
	.word	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
	.word	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc
	.word	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
	.word	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7
	.word	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
	.word	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13
	.word	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
	.word	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3
	.word	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
	.word	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5
	.word	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
	.word	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208
	.word	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2

	.text

/*
 * Four rounds on schedule words v\w0 = W[i..i+3].  With \upd, then extend
 * the schedule in place: v\w0 becomes W[i+16..i+19] from v\w1..v\w3.
 */
	.macro	rounds4, w0, w1, w2, w3, upd
	ld1	{v7.4s}, [x3], #16
	add	v7.4s, v7.4s, v\w0\().4s
	.if	\upd
	sha256su0 v\w0\().4s, v\w1\().4s
	.endif
	mov	v6.16b, v4.16b
	sha256h	q4, q5, v7.4s
	sha256h2 q5, q6, v7.4s
	.if	\upd
	sha256su1 v\w0\().4s, v\w2\().4s, v\w3\().4s
	.endif
	.endm

SYM_FUNC_START(bootops_sha256_ce_blocks)
	cbz	x2, 2f

	stp	q0, q1, [sp, #-160]!
	stp	q2, q3, [sp, #32]
	stp	q4, q5, [sp, #64]
	stp	q6, q7, [sp, #96]
	stp	q8, q9, [sp, #128]

	adrp	x4, .Lsha256_k
	add	x4, x4, :lo12:.Lsha256_k
	ld1	{v4.4s, v5.4s}, [x0]

1:	ld1	{v0.16b-v3.16b}, [x1], #64
	rev32	v0.16b, v0.16b
	rev32	v1.16b, v1.16b
	rev32	v2.16b, v2.16b
	rev32	v3.16b, v3.16b
	mov	x3, x4
	mov	v8.16b, v4.16b
	mov	v9.16b, v5.16b

	.rept	3			/* rounds 0-47 */
	rounds4	0, 1, 2, 3, 1
	rounds4	1, 2, 3, 0, 1
	rounds4	2, 3, 0, 1, 1
	rounds4	3, 0, 1, 2, 1
	.endr
	rounds4	0, 1, 2, 3, 0		/* rounds 48-63 */
	rounds4	1, 2, 3, 0, 0
	rounds4	2, 3, 0, 1, 0
	rounds4	3, 0, 1, 2, 0

	add	v4.4s, v4.4s, v8.4s
	add	v5.4s, v5.4s, v9.4s
	subs	x2, x2, #1
	b.ne	1b

	st1	{v4.4s, v5.4s}, [x0]

	ldp	q2, q3, [sp, #32]
	ldp	q4, q5, [sp, #64]
	ldp	q6, q7, [sp, #96]
	ldp	q8, q9, [sp, #128]
	ldp	q0, q1, [sp], #160
2:	ret
SYM_FUNC_END(bootops_sha256_ce_blocks)
