// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: the boot manifest (format: include/bootops/manifest.h).
 *
 * The host lends one page holding the manifest; hyp copies it into the
 * VM's record once and from then on reads only its own copy.  At
 * verification the images the host declared must be exactly the
 * manifest's, in number, order, address and size; the manifest's
 * signature is checked with the key it names before any page moves; each
 * image's digest must then equal the manifest's; and the manifest's
 * security version may not be below the minimum hyp holds for that key,
 * which only ever rises.
 */
#include <bootops/bootops.h>
#include <bootops/crypto.h>
#include <bootops/manifest.h>
#include <bootops/platform.h>
#include <bootops/state.h>
#include <bootops/trust_anchor.h>

#define MANIFEST_MAX	BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO)

static_assert(MANIFEST_MAX <= BOOTOPS_PAGE_SIZE, "a manifest fits in one page");

/* The fixed header; -EINVAL for a malformed one, -ENOKEY for a key hyp lacks. */
static int parse_header(const u8 *buf, struct bootops_manifest *m)
{
	if (memcmp(buf, BOOTOPS_MANIFEST_MAGIC, 8) ||
	    !bootops_all_zero(buf + BOOTOPS_MANIFEST_OFF_RESERVED,
			      BOOTOPS_MANIFEST_HDR_SIZE - BOOTOPS_MANIFEST_OFF_RESERVED))
		return -EINVAL;
	m->nr = bootops_get_le(buf + BOOTOPS_MANIFEST_OFF_NR, 4);
	m->flags = bootops_get_le(buf + BOOTOPS_MANIFEST_OFF_FLAGS, 8);
	if (!m->nr || m->nr > BOOTOPS_MAX_LOAD_INFO || (m->flags & ~BOOTOPS_MANIFEST_F_ALL))
		return -EINVAL;
	m->key_id = bootops_get_le(buf + BOOTOPS_MANIFEST_OFF_KEY_ID, 4);
	if (bootops_crypto_manifest_key(m->key_id) < 0)
		return -ENOKEY;
	m->secver = bootops_get_le(buf + BOOTOPS_MANIFEST_OFF_SECVER, 8);
	m->entry = bootops_get_le(buf + BOOTOPS_MANIFEST_OFF_ENTRY, 8);
	return 0;
}

/* Fills *m from buf, hyp's own copy; on error *m may be half filled. */
static int parse_manifest(const u8 *buf, struct bootops_manifest *m)
{
	const u8 *img = buf + BOOTOPS_MANIFEST_HDR_SIZE;
	u32 i;
	int ret;

	ret = parse_header(buf, m);
	if (ret)
		return ret;
	for (i = 0; i < m->nr; i++, img += BOOTOPS_MANIFEST_IMAGE_SIZE) {
		m->image[i].load_addr = bootops_get_le(img, 8);
		m->image[i].size = bootops_get_le(img + BOOTOPS_MANIFEST_IMG_OFF_SIZE, 8);
		memcpy(m->image[i].digest, img + BOOTOPS_MANIFEST_IMG_OFF_DIGEST,
		       BOOTOPS_DIGEST_SIZE);
	}
	memcpy(m->sig, img, BOOTOPS_SIG_SIZE);
	bootops_sha256(buf, BOOTOPS_MANIFEST_SIGNED_SIZE(m->nr), m->hash);
	m->set = 1;
	return 0;
}

/*
 * Copies the page's first bytes through a remap slot while the page is
 * claimed (the host's, and nobody else's); the host may still write it,
 * so everything after this reads hyp's copy in buf only.
 */
static int copy_from_host_page(u64 pfn, u8 *buf, u64 len)
{
	u64 slot = bootops_alloc_remap(1);
	int ret;

	if (slot == BOOTOPS_INVALID64)
		return -ENOMEM;
	ret = bootops_plat_claim_image_page(pfn);
	if (ret)
		goto free_slot;
	ret = bootops_plat_remap_map(slot, pfn);
	if (!ret) {
		memcpy(buf, bootops_plat_remap_va(slot), len);
		bootops_plat_remap_unmap(slot);
	}
	bootops_plat_release_image_page(pfn);
free_slot:
	bootops_free_remap(slot, 1);
	return ret;
}

static int do_set_manifest(u64 vmid, u64 pfn)
{
	struct bootops_manifest *m;
	u8 buf[MANIFEST_MAX];
	int ret;

	ret = bootops_check_vm_ready(vmid);
	if (ret)
		return ret;
	m = &bootops_vm(vmid)->manifest;
	if (m->set)
		return -EEXIST;
	ret = copy_from_host_page(pfn, buf, sizeof(buf));
	if (ret)
		return ret;
	ret = parse_manifest(buf, m);
	if (ret)
		memset(m, 0, sizeof(*m));	/* as it was: no manifest */
	return ret;
}

int bootops_set_manifest(u64 vmid, u64 pfn)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_set_manifest(vmid, pfn);
	bootops_unlock_vm(vmid);
	return ret;
}

bool bootops_vm_has_manifest(u64 vmid)
{
	return bootops_vm(vmid)->manifest.set;
}

u64 bootops_manifest_min(u32 key_id)
{
	int idx = bootops_crypto_manifest_key(key_id);
	u64 min;

	if (idx < 0)
		return BOOTOPS_INVALID64;
	bootops_lock(&bootops_state.keys_lock);
	min = bootops_state.secver_min[idx];
	bootops_unlock(&bootops_state.keys_lock);
	return min;
}

int bootops_manifest_raise_min(u32 key_id, u64 secver)
{
	int idx = bootops_crypto_manifest_key(key_id);

	if (idx < 0)
		return idx;
	bootops_lock(&bootops_state.keys_lock);
	if (secver > bootops_state.secver_min[idx])
		bootops_state.secver_min[idx] = secver;
	bootops_unlock(&bootops_state.keys_lock);
	return 0;
}

int bootops_manifest_key_info(u64 idx, u32 *key_id, u64 *min)
{
	if (idx >= bootops_nr_manifest_keys || idx >= BOOTOPS_MANIFEST_MAX_KEYS)
		return -ENOENT;
	*key_id = bootops_manifest_keys[idx].id;
	bootops_lock(&bootops_state.keys_lock);
	*min = bootops_state.secver_min[idx];
	bootops_unlock(&bootops_state.keys_lock);
	return 0;
}

/*
 * Before verification starts: the declared images are the manifest's,
 * one for one, and its version is not below the key's minimum.  0, or
 * BOOTOPS_WHY_* with the first image that differs in *idx.
 */
u32 bootops_manifest_check_images(u64 vmid, u32 *idx)
{
	struct bootops_manifest *m = &bootops_vm(vmid)->manifest;
	u32 nr = bootops_get_vm_next_load_idx(vmid);

	for (*idx = 0; *idx < nr && *idx < m->nr; ++*idx)
		if (bootops_get_vm_load_addr(vmid, *idx) != m->image[*idx].load_addr ||
		    bootops_get_vm_load_size(vmid, *idx) != m->image[*idx].size)
			return BOOTOPS_WHY_NOT_THE_SET;
	if (nr != m->nr)
		return BOOTOPS_WHY_NOT_THE_SET;
	*idx = 0;
	if (m->secver < bootops_manifest_min(m->key_id))
		return BOOTOPS_WHY_ROLLBACK;
	return 0;
}

/* The manifest's own signature, in bounded steps like an image's. */
int bootops_manifest_check_sig(u64 vmid)
{
	struct bootops_manifest *m = &bootops_vm(vmid)->manifest;

	return bootops_crypto_verify_step(vmid, m->key_id, m->hash, m->sig);
}

int bootops_manifest_check_digest(u64 vmid, u32 idx, const u8 digest[BOOTOPS_DIGEST_SIZE])
{
	struct bootops_manifest *m = &bootops_vm(vmid)->manifest;

	return memcmp(m->image[idx].digest, digest, BOOTOPS_DIGEST_SIZE) ? -EKEYREJECTED : 0;
}

/* The VM is VERIFIED: its manifest may raise the key's minimum. */
void bootops_manifest_verified(u64 vmid)
{
	struct bootops_manifest *m = &bootops_vm(vmid)->manifest;

	if (m->set && (m->flags & BOOTOPS_MANIFEST_F_RAISE_MIN))
		bootops_manifest_raise_min(m->key_id, m->secver);
}

/* vCPU 0's first PC, if the manifest names one. */
bool bootops_manifest_entry_ok(u64 vmid, u64 pc)
{
	struct bootops_manifest *m = &bootops_vm(vmid)->manifest;

	return !m->set || !m->entry || m->entry == pc;
}

bool bootops_manifest_requires_private(u64 vmid)
{
	struct bootops_manifest *m = &bootops_vm(vmid)->manifest;

	return m->set && (m->flags & BOOTOPS_MANIFEST_F_PRIVATE_MEM);
}
