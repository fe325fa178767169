// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot ops: boot images.
 *
 * The host declares an image (set_boot_info), lends its pages one by one
 * (remap_vm_image: claimed, mapped in hyp's remap area), and before the
 * first run hyp takes every page, maps it into the VM's stage 2 and checks
 * each signature over exactly the bytes the VM will see.
 */
#include <bootops/bootops.h>
#include <bootops/platform.h>
#include <bootops/state.h>

static u64 image_bytes(u64 size)
{
	return bootops_image_pages(size) << BOOTOPS_PAGE_SHIFT;
}

bool bootops_range_in_image(u64 vmid, u64 ipa, u64 size)
{
	u32 idx;

	for (idx = 0; idx < bootops_get_vm_next_load_idx(vmid); idx++) {
		struct bootops_load_info *li = bootops_load(vmid, idx);

		if (bootops_ranges_overlap(ipa, size, li->load_addr,
					   image_bytes(li->size)))
			return true;
	}
	return false;
}

/* Page aligned, of a size hyp accepts, inside the VM's IPA space. */
static bool image_range_valid(u64 vmid, u64 load_addr, u64 size)
{
	u64 limit = 1ULL << bootops_plat_vm_ipa_bits(vmid);

	if (!size || size > BOOTOPS_MAX_IMAGE_SIZE ||
	    !bootops_page_aligned(load_addr))
		return false;
	/* size is bounded above, so this cannot overflow; the sum can. */
	if (load_addr > limit || image_bytes(size) > limit - load_addr)
		return false;
	return true;
}

static bool s2_range_mapped(u64 vmid, u64 ipa, u64 npages)
{
	u64 k;

	for (k = 0; k < npages; k++)
		if (bootops_plat_s2_lookup(vmid, ipa + (k << BOOTOPS_PAGE_SHIFT)) !=
		    BOOTOPS_INVALID64)
			return true;
	return false;
}

static int do_set_boot_info(u64 vmid, u64 load_addr, u64 size,
			    const u8 sig[BOOTOPS_SIG_SIZE])
{
	u64 npages = bootops_image_pages(size), slot;
	struct bootops_load_info *li;
	int ret;
	u32 idx;

	ret = bootops_check_vm_ready(vmid);
	if (ret)
		return ret;
	idx = bootops_get_vm_next_load_idx(vmid);
	if (!image_range_valid(vmid, load_addr, size))
		return -EINVAL;
	if (idx >= BOOTOPS_MAX_LOAD_INFO)
		return -ENOSPC;
	if (bootops_range_in_image(vmid, load_addr, image_bytes(size)) ||
	    s2_range_mapped(vmid, load_addr, npages))
		return -EEXIST;
	slot = bootops_alloc_remap(npages);
	if (slot == BOOTOPS_INVALID64)
		return -ENOMEM;

	li = bootops_load(vmid, idx);
	bootops_set_vm_load_addr(vmid, idx, load_addr);
	bootops_set_vm_load_size(vmid, idx, size);
	bootops_set_vm_remap_addr(vmid, idx, slot);
	bootops_set_vm_mapped_pages(vmid, idx, 0);
	memcpy(li->sig, sig, BOOTOPS_SIG_SIZE);
	bootops_set_vm_next_load_idx(vmid, idx + 1);
	return idx;
}

int bootops_set_boot_info(u64 vmid, u64 load_addr, u64 size,
			  const u8 sig[BOOTOPS_SIG_SIZE])
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_set_boot_info(vmid, load_addr, size, sig);
	bootops_unlock_vm(vmid);
	return ret;
}

/* Undoes lend_page for the first nr pages of a batch. */
static void unlend_pages(u64 slot, const u64 *pfns, u64 nr)
{
	while (nr--) {
		bootops_plat_remap_unmap(slot + nr);
		bootops_plat_release_image_page(pfns[nr]);
	}
}

static int lend_page(u64 slot, u64 pfn)
{
	int ret = bootops_plat_claim_image_page(pfn);

	if (ret)
		return ret;
	ret = bootops_plat_remap_map(slot, pfn);
	if (ret)
		bootops_plat_release_image_page(pfn);
	return ret;
}

static int do_remap_vm_image(u64 vmid, u64 idx, const u64 *pfns, u64 nr, u64 *bad)
{
	u64 mapped, slot, i;
	int ret;

	ret = bootops_check_vm_ready(vmid);
	if (ret)
		return ret;
	if (idx >= bootops_get_vm_next_load_idx(vmid))
		return -ENOENT;
	mapped = bootops_get_vm_mapped_pages(vmid, idx);
	if (nr > bootops_image_pages(bootops_get_vm_load_size(vmid, idx)) - mapped)
		return -ENOSPC;
	/*
	 * A refused page undoes the batch: the caller sees nothing lent, and
	 * *bad names the page.  A pfn given twice is refused the second time.
	 */
	slot = bootops_get_vm_remap_addr(vmid, idx) + mapped;
	for (i = 0; i < nr; i++) {
		*bad = i;
		ret = lend_page(slot + i, pfns[i]);
		if (ret) {
			unlend_pages(slot, pfns, i);
			return ret;
		}
	}
	bootops_set_vm_mapped_pages(vmid, idx, mapped + nr);
	return 0;
}

int bootops_remap_vm_image_batch(u64 vmid, u64 load_idx, const u64 *pfns, u64 nr,
				 u64 *bad)
{
	int ret;

	*bad = 0;
	if (!bootops_vmid_valid(vmid) || load_idx >= BOOTOPS_MAX_LOAD_INFO ||
	    !nr || nr > BOOTOPS_LEND_BATCH)
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_remap_vm_image(vmid, load_idx, pfns, nr, bad);
	bootops_unlock_vm(vmid);
	return ret;
}

int bootops_remap_vm_image(u64 vmid, u64 pfn, u64 load_idx)
{
	u64 bad;

	return bootops_remap_vm_image_batch(vmid, load_idx, &pfn, 1, &bad);
}

static bool images_complete(u64 vmid)
{
	u32 idx;

	for (idx = 0; idx < bootops_get_vm_next_load_idx(vmid); idx++)
		if (bootops_get_vm_mapped_pages(vmid, idx) !=
		    bootops_image_pages(bootops_get_vm_load_size(vmid, idx)))
			return false;
	return true;
}

/*
 * Page k of image idx leaves the host and appears in the VM's stage 2 at
 * exactly load_addr + k * 4K.  In the last page, bytes past the image are
 * zeroed once the host can no longer write them (its stale translations
 * gone) and before the VM maps the page, so the VM sees nothing unsigned.
 */
static int load_page(u64 vmid, struct bootops_load_info *li, u64 k)
{
	u64 pfn = bootops_plat_remap_pfn(li->remap_slot + k);
	u64 end = (k + 1) << BOOTOPS_PAGE_SHIFT;
	int ret;

	ret = bootops_plat_donate_claimed_page(pfn, vmid);
	if (ret)
		return ret;
	if (end > li->size) {
		bootops_plat_host_tlb_sync();
		memset((u8 *)bootops_plat_remap_va(li->remap_slot) + li->size, 0,
		       end - li->size);
	}
	return bootops_plat_s2_map(vmid, li->load_addr + (k << BOOTOPS_PAGE_SHIFT),
				   pfn, BOOTOPS_S2_VM_PAGE);
}

/* Hashes pages [k, k + n) of the image, contiguous in hyp's remap area. */
static void hash_pages(struct bootops_load_info *li, struct bootops_sha256 *sha, u64 k, u64 n)
{
	u64 off = k << BOOTOPS_PAGE_SHIFT, len = n << BOOTOPS_PAGE_SHIFT;

	if (len > li->size - off)
		len = li->size - off;
	bootops_sha256_update(sha, (u8 *)bootops_plat_remap_va(li->remap_slot) + off, len);
}

/*
 * The image is hashed: its digest is what a manifest lists; without one,
 * what its owner signed is the header with that digest.
 */
static void finish_hash(u64 vmid, struct bootops_load_info *li, struct bootops_cursor *c)
{
	bootops_sha256_final(&c->sha, li->digest);
	li->verdict = BOOTOPS_IMAGE_HASHED;
	if (!bootops_vm_has_manifest(vmid))
		bootops_image_signed_hash(li->load_addr, li->size, li->digest, c->hash);
}

/* Why verification rejected the VM, for the load log. */
static void set_why(u64 vmid, u32 why, u32 idx)
{
	bootops_vm(vmid)->why = why;
	bootops_vm(vmid)->why_idx = idx;
}

/* The image's verdict in the load log, and the VM's if it is the bad one. */
static void image_checked(u64 vmid, struct bootops_load_info *li, u32 idx, int ret)
{
	li->verdict = ret ? BOOTOPS_IMAGE_REJECTED : BOOTOPS_IMAGE_VERIFIED;
	if (ret)
		set_why(vmid, bootops_vm_has_manifest(vmid) ? BOOTOPS_WHY_IMAGE_DIGEST :
							       BOOTOPS_WHY_IMAGE_SIG, idx);
}

/* An image's check: its signature (a slice or more), or its manifest digest. */
static int check_image(u64 vmid, struct bootops_load_info *li, struct bootops_cursor *c)
{
	if (bootops_vm_has_manifest(vmid))
		return bootops_manifest_check_digest(vmid, c->idx, li->digest);
	/* A check may take several slices (EL2: restartable ECDSA). */
	return bootops_crypto_verify_step(vmid, 0, c->hash, li->sig);
}

/* Past the last page of image c->idx: the next image, or the next step. */
static void next_image(struct bootops_cursor *c, u32 nr, u32 step, u32 step_after)
{
	c->page = 0;
	c->step = step;
	if (++c->idx < nr)
		return;
	c->idx = 0;
	c->step = step_after;
}

/*
 * Work at the cursor: load a page, hash as many pages as the budget
 * allows (in one run), or check a signature (which costs a whole slice).
 * BOOTOPS_CONTINUE if not even one unit fits in what is left of *budget.
 */
static int verify_one(u64 vmid, struct bootops_cursor *c, u64 *budget)
{
	struct bootops_load_info *li = bootops_load(vmid, c->idx);
	u64 npages = bootops_image_pages(li->size), n = 1;
	u32 nr = bootops_get_vm_next_load_idx(vmid);
	int ret = 0;

	if (c->step == BOOTOPS_STEP_MANIFEST ||
	    (c->step == BOOTOPS_STEP_CHECK && !bootops_vm_has_manifest(vmid)))
		n = BOOTOPS_SLICE_UNITS;
	else if (c->step == BOOTOPS_STEP_HASH)
		n = bootops_min(*budget, npages - c->page);
	if (!n || n > *budget)
		return BOOTOPS_CONTINUE;
	*budget -= n;
	switch (c->step) {
	case BOOTOPS_STEP_MANIFEST:
		ret = bootops_manifest_check_sig(vmid);
		if (!ret)
			c->step = BOOTOPS_STEP_LOAD;
		else if (ret != BOOTOPS_CONTINUE)
			set_why(vmid, BOOTOPS_WHY_MANIFEST_SIG, 0);
		break;
	case BOOTOPS_STEP_LOAD:
		ret = load_page(vmid, li, c->page);
		if (ret)
			set_why(vmid, BOOTOPS_WHY_LOAD, c->idx);
		if (!ret && ++c->page == npages)
			next_image(c, nr, BOOTOPS_STEP_LOAD, BOOTOPS_STEP_HASH);
		/* Nothing is hashed while the host may still write a page. */
		if (c->step == BOOTOPS_STEP_HASH)
			bootops_plat_host_tlb_sync();
		break;
	case BOOTOPS_STEP_HASH:
		if (!c->page)
			bootops_sha256_init(&c->sha);
		hash_pages(li, &c->sha, c->page, n);
		c->page += n;
		if (c->page == npages) {
			finish_hash(vmid, li, c);
			c->step = BOOTOPS_STEP_CHECK;
		}
		break;
	case BOOTOPS_STEP_CHECK:
		ret = check_image(vmid, li, c);
		if (ret != BOOTOPS_CONTINUE) {
			image_checked(vmid, li, c->idx, ret);
			next_image(c, nr, BOOTOPS_STEP_HASH, BOOTOPS_STEP_DONE);
		}
		break;
	}
	return ret;
}

static void start_verify(u64 vmid)
{
	struct bootops_cursor *c = &bootops_vm(vmid)->cursor;

	memset(c, 0, sizeof(*c));
	if (bootops_vm_has_manifest(vmid))
		c->step = BOOTOPS_STEP_MANIFEST;
	else
		c->step = bootops_get_vm_next_load_idx(vmid) ? BOOTOPS_STEP_LOAD :
							       BOOTOPS_STEP_DONE;
	bootops_set_vm_state(vmid, BOOTOPS_VM_VERIFYING);
}

/* The VM is REJECTED, for good, and the load log says why. */
static int reject(u64 vmid, u32 why, u32 idx, int err)
{
	set_why(vmid, why, idx);
	bootops_set_vm_state(vmid, BOOTOPS_VM_REJECTED);
	return err;
}

/*
 * What a READY VM must pass before verification starts: every image
 * complete, an image if it requires one, and with a manifest exactly
 * the manifest's set at a version not below the key's minimum.
 */
static int check_before_verify(u64 vmid)
{
	u32 why, idx = 0;
	int ret;

	ret = bootops_check_vm_ready(vmid);
	if (ret)
		return ret;
	/* Nothing moves before there is a stage 2 to map the images into. */
	if (!bootops_plat_s2_ready(vmid))
		return -ENOENT;
	if (!images_complete(vmid))
		return -EPERM;
	if (bootops_vm(vmid)->requires_images && !bootops_get_vm_next_load_idx(vmid))
		return reject(vmid, BOOTOPS_WHY_NO_IMAGE, 0, -ENOEXEC);
	/* Not the owner's set, or too old: as final as a bad signature. */
	why = bootops_vm_has_manifest(vmid) ? bootops_manifest_check_images(vmid, &idx) : 0;
	return why ? reject(vmid, why, idx, -EKEYREJECTED) : 0;
}

/*
 * Every page of every image leaves the host before any byte is hashed, so
 * what is verified is what the VM runs.  At most one slice of work per
 * call; BOOTOPS_CONTINUE keeps the VM VERIFYING.  A failure is final: the
 * VM is REJECTED and only teardown, which returns every page, is left.
 */
static int do_verify_and_load_images(u64 vmid)
{
	u64 budget = BOOTOPS_SLICE_UNITS;
	struct bootops_cursor *c;
	int ret = 0;

	if (bootops_get_vm_state(vmid) != BOOTOPS_VM_VERIFYING) {
		ret = check_before_verify(vmid);
		if (ret)
			return ret;
		start_verify(vmid);
	}
	c = &bootops_vm(vmid)->cursor;
	while (!ret && c->step != BOOTOPS_STEP_DONE)
		ret = verify_one(vmid, c, &budget);
	/* The pages this call took are the VM's alone when it returns. */
	if (c->step == BOOTOPS_STEP_LOAD)
		bootops_plat_host_tlb_sync();
	if (ret == BOOTOPS_CONTINUE)
		return ret;
	bootops_set_vm_state(vmid, ret ? BOOTOPS_VM_REJECTED : BOOTOPS_VM_VERIFIED);
	if (!ret)
		bootops_manifest_verified(vmid);
	return ret;
}

int bootops_verify_and_load_images(u64 vmid)
{
	int ret;

	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_verify_and_load_images(vmid);
	bootops_unlock_vm(vmid);
	return ret;
}

/*
 * Under the VM's lock, held by the caller: the address it returns is only
 * good while the lock keeps teardown away.
 */
u64 bootops_search_load_info(u64 vmid, u64 addr)
{
	u32 idx;

	if (bootops_get_vm_state(vmid) != BOOTOPS_VM_VERIFIED)
		return 0;
	for (idx = 0; idx < bootops_get_vm_next_load_idx(vmid); idx++) {
		struct bootops_load_info *li = bootops_load(vmid, idx);

		/* Unsigned difference: an address below load_addr never matches. */
		if (addr - li->load_addr < li->size)
			return (u64)(unsigned long)bootops_plat_remap_va(li->remap_slot) +
			       (addr - li->load_addr);
	}
	return 0;
}

/* Teardown: a page the VM took is scrubbed, a page only lent is returned. */
static void release_page(u64 vmid, struct bootops_load_info *li, u64 k)
{
	u64 pfn = bootops_plat_remap_pfn(li->remap_slot + k);
	u64 ipa = li->load_addr + (k << BOOTOPS_PAGE_SHIFT);

	bootops_plat_remap_unmap(li->remap_slot + k);
	if (bootops_plat_page_owned_by(pfn, vmid)) {
		if (bootops_plat_s2_lookup(vmid, ipa) == pfn)
			bootops_plat_s2_unmap(vmid, ipa);
		bootops_plat_reclaim_page(pfn, vmid);
	} else {
		bootops_plat_release_image_page(pfn);
	}
}

/*
 * Returns the pages of every image from the teardown cursor on, one unit
 * of *budget a page, then the remap runs.  BOOTOPS_CONTINUE if the budget
 * ran out first.
 */
int bootops_release_images(u64 vmid, u64 *budget)
{
	struct bootops_cursor *c = &bootops_vm(vmid)->cursor;
	u32 nr = bootops_get_vm_next_load_idx(vmid);

	for (; c->idx < nr; c->idx++, c->page = 0) {
		struct bootops_load_info *li = bootops_load(vmid, c->idx);

		for (; c->page < li->mapped_pages; c->page++) {
			if (!*budget)
				return BOOTOPS_CONTINUE;
			--*budget;
			release_page(vmid, li, c->page);
		}
		bootops_free_remap(li->remap_slot, bootops_image_pages(li->size));
	}
	bootops_set_vm_next_load_idx(vmid, 0);
	return 0;
}

static void log_vm(u64 vmid, u64 out[BOOTOPS_LOG_WORDS])
{
	struct bootops_vm_info *vm = bootops_vm(vmid);

	out[0] = vm->state;
	out[1] = vm->why | (u64)vm->why_idx << 32;
	out[2] = vm->manifest.set ? vm->manifest.key_id : BOOTOPS_INVALID64;
	out[3] = vm->manifest.set ? vm->manifest.secver : 0;
	out[4] = vm->nr_load;
}

static void log_image(struct bootops_load_info *li, u64 out[BOOTOPS_LOG_WORDS])
{
	int i;

	out[0] = li->load_addr;
	out[1] = li->size;
	out[2] = li->verdict;
	/* Zero until hashed: the record starts zeroed. */
	for (i = 0; i < 4; i++)
		out[3 + i] = bootops_get_le(li->digest + 8 * i, 8);
}

static int do_get_load_log(u64 vmid, u64 idx, u64 out[BOOTOPS_LOG_WORDS])
{
	if (bootops_get_vm_state(vmid) == BOOTOPS_VM_UNUSED)
		return -ENOENT;
	if (idx == BOOTOPS_LOG_VM) {
		log_vm(vmid, out);
		return 0;
	}
	if (idx >= bootops_get_vm_next_load_idx(vmid))
		return -ENOENT;
	log_image(bootops_load(vmid, idx), out);
	return 0;
}

int bootops_get_load_log(u64 vmid, u64 idx, u64 out[BOOTOPS_LOG_WORDS])
{
	int ret;

	memset(out, 0, BOOTOPS_LOG_WORDS * sizeof(u64));
	if (!bootops_vmid_valid(vmid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_get_load_log(vmid, idx, out);
	bootops_unlock_vm(vmid);
	return ret;
}
