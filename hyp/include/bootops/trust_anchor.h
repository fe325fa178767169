/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM owner's public key: an uncompressed P-256 point (0x04 || X || Y).
 * The kernel build generates its definition from the PEM file that
 * CONFIG_KVM_ARM_BOOTOPS_KEY names; host tests define their own.
 */
#ifndef __BOOTOPS_TRUST_ANCHOR_H__
#define __BOOTOPS_TRUST_ANCHOR_H__

#include <bootops/port.h>

#define BOOTOPS_PUBKEY_SIZE	65

extern const u8 bootops_trust_anchor[BOOTOPS_PUBKEY_SIZE];

#endif /* __BOOTOPS_TRUST_ANCHOR_H__ */
