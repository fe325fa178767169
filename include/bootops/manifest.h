/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A boot manifest: the whole set of images one VM boots, signed once by
 * its owner (in the spirit of AVB's vbmeta), so that a host can neither
 * mix images from two signed sets, nor leave one out, add one or move
 * one, nor boot a set older than the minimum hyp holds for the key.
 *
 *   offset size field
 *        0    8 magic      "BOOTMAN1"
 *        8    4 key_id     the manifest key that signs it (1..)
 *       12    4 nr_images  1..BOOTOPS_MAX_LOAD_INFO
 *       16    8 secver     security version (rollback protection)
 *       24    8 flags      BOOTOPS_MANIFEST_F_*
 *       32    8 entry      vCPU 0's first PC; 0: anywhere in an image
 *       40   24 reserved   zero
 *       64   48 image[i]   load_addr (8), size (8), SHA-256 of the bytes (32),
 *                          in the order the host declares the images
 *   64+48n   64 signature  ECDSA P-256 over SHA-256 of bytes [0, 64+48n),
 *                          raw r || s (big-endian), as an image signature
 *
 * Integers are little endian.  The host passes the whole of it, signature
 * included, at the start of one page (__bootops_set_manifest).
 */
#ifndef __BOOTOPS_MANIFEST_H__
#define __BOOTOPS_MANIFEST_H__

#define BOOTOPS_MANIFEST_MAGIC		"BOOTMAN1"
#define BOOTOPS_MANIFEST_HDR_SIZE	64
#define BOOTOPS_MANIFEST_OFF_KEY_ID	8
#define BOOTOPS_MANIFEST_OFF_NR		12
#define BOOTOPS_MANIFEST_OFF_SECVER	16
#define BOOTOPS_MANIFEST_OFF_FLAGS	24
#define BOOTOPS_MANIFEST_OFF_ENTRY	32
#define BOOTOPS_MANIFEST_OFF_RESERVED	40
#define BOOTOPS_MANIFEST_IMAGE_SIZE	48
#define BOOTOPS_MANIFEST_IMG_OFF_SIZE	8
#define BOOTOPS_MANIFEST_IMG_OFF_DIGEST	16

/* The owner requires private memory: the host may not share its pages in. */
#define BOOTOPS_MANIFEST_F_PRIVATE_MEM	0x1ULL
/* Once verified, hyp raises its minimum for the key to this secver. */
#define BOOTOPS_MANIFEST_F_RAISE_MIN	0x2ULL
#define BOOTOPS_MANIFEST_F_ALL		(BOOTOPS_MANIFEST_F_PRIVATE_MEM | \
					 BOOTOPS_MANIFEST_F_RAISE_MIN)

/* Key id 0 is the per-image trust anchor: it signs no manifest. */
#define BOOTOPS_MANIFEST_MAX_KEYS	8

/* Signed bytes of a manifest of n images, and its whole size. */
#define BOOTOPS_MANIFEST_SIGNED_SIZE(n)	\
	(BOOTOPS_MANIFEST_HDR_SIZE + (n) * BOOTOPS_MANIFEST_IMAGE_SIZE)
#define BOOTOPS_MANIFEST_SIZE(n)	(BOOTOPS_MANIFEST_SIGNED_SIZE(n) + 64)

#endif /* __BOOTOPS_MANIFEST_H__ */
