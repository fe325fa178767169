/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The keys hyp trusts, as uncompressed P-256 points (0x04 || X || Y).
 *
 * bootops_trust_anchor (key id 0) signs images one at a time; the manifest
 * keys (ids 1..) sign boot manifests only (include/bootops/manifest.h), so
 * that a host can never fall back to per-image signatures for an owner who
 * signs manifests.  The kernel build generates the definitions from the
 * PEM files CONFIG_KVM_ARM_BOOTOPS_KEY and CONFIG_KVM_ARM_BOOTOPS_MANIFEST_KEYS
 * name; host tests define their own.
 */
#ifndef __BOOTOPS_TRUST_ANCHOR_H__
#define __BOOTOPS_TRUST_ANCHOR_H__

#include <bootops/port.h>

#define BOOTOPS_PUBKEY_SIZE	65

extern const u8 bootops_trust_anchor[BOOTOPS_PUBKEY_SIZE];

struct bootops_manifest_key {
	u32 id;
	u8 pub[BOOTOPS_PUBKEY_SIZE];
};

extern const struct bootops_manifest_key bootops_manifest_keys[];
extern const u32 bootops_nr_manifest_keys;

#endif /* __BOOTOPS_TRUST_ANCHOR_H__ */
