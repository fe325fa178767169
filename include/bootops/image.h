/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a boot-image signature covers.
 *
 * The owner signs a 64-byte header, not the bytes alone, so that a signed
 * image cannot be loaded at another guest address or with another length:
 *
 *   offset size field
 *        0    8 magic      "BOOTOPS1"
 *        8    8 load_addr  guest physical load address, little endian
 *       16    8 size       image size in bytes, little endian
 *       24    8 reserved   zero
 *       32   32 digest     SHA-256 of the image bytes
 *
 * The signature is ECDSA P-256 over SHA-256(header), 64 bytes raw r || s
 * (big-endian 32-byte integers), as in Documentation/bootops.rst.
 */
#ifndef __BOOTOPS_IMAGE_H__
#define __BOOTOPS_IMAGE_H__

#define BOOTOPS_HDR_MAGIC		"BOOTOPS1"
#define BOOTOPS_HDR_SIZE		64
#define BOOTOPS_HDR_OFF_LOAD_ADDR	8
#define BOOTOPS_HDR_OFF_SIZE		16
#define BOOTOPS_HDR_OFF_DIGEST		32
#define BOOTOPS_DIGEST_SIZE		32

#endif /* __BOOTOPS_IMAGE_H__ */
