// SPDX-License-Identifier: GPL-2.0-only
/* Boot manifests: one signed set of images per VM, and rollback protection. */
#include <bootops/manifest.h>

#include "util.h"

static const u8 zero_sig[BOOTOPS_SIG_SIZE];

#define LA		0x80000000ULL	/* image A's load address */
#define LB		0x80100000ULL	/* image B's */
#define MAN_PFN		ram(100)	/* the host page the manifest is written to */

/* The bytes of images A (2 pages, ram 0..1) and B (100 bytes, ram 2). */
static void fill_images(void)
{
	u64 k;

	for (k = 0; k < 3; k++)
		fill_page(ram(k), 10 + k);
}

/* A READY VM with vCPU 0, and images A and B in host pages. */
static u64 vm_with_images(void)
{
	int vmid = bootops_register_kvm(0x1000, sim_vm_memory());

	CHECK(vmid > 0);
	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0x2000), 0);
	fill_images();
	return vmid;
}

/* Declares an image with no per-image signature, and lends its pages. */
static int declare(u64 vmid, u64 load_addr, u64 size, u64 first_pfn)
{
	int idx = bootops_set_boot_info(vmid, load_addr, size, zero_sig);
	u64 k;

	if (idx < 0)
		return idx;
	for (k = 0; k < bootops_image_pages(size); k++)
		if (bootops_remap_vm_image(vmid, first_pfn + k, idx))
			return -1;
	return 0;
}

/* The owner's manifest of A and B, version secver, signed with key 1. */
static struct test_manifest owner_manifest(u64 secver)
{
	struct test_manifest m = { .key_id = 1, .secver = secver };

	fill_images();
	manifest_add_image(&m, LA, 2 * PAGE, ram(0));
	manifest_add_image(&m, LB, 100, ram(2));
	return m;
}

static int set_manifest(u64 vmid, const struct test_manifest *m)
{
	write_manifest(MAN_PFN, m);
	return bootops_set_manifest(vmid, MAN_PFN);
}

/* Declares A and B as the owner signed them and verifies. */
static int boot_owner_set(u64 vmid, const struct test_manifest *m)
{
	int ret = set_manifest(vmid, m);

	if (ret)
		return ret;
	if (declare(vmid, LA, 2 * PAGE, ram(0)) || declare(vmid, LB, 100, ram(2)))
		return -1;
	return verify_images(vmid);
}

TEST(manifest_verifies_exactly_the_owners_set)
{
	struct test_manifest m = owner_manifest(1);
	u64 vmid;

	sim_reset();
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), 0);
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_VERIFIED);
	CHECK_EQ(sim_s2_lookup(vmid, LA + PAGE), ram(1));
	CHECK_EQ(sim_s2_lookup(vmid, LB), ram(2));
	/* The manifest page itself was only read: the host's, unclaimed. */
	CHECK_EQ(sim_page(MAN_PFN).owner, SIM_OWNER_HOST);
	CHECK_EQ(sim_host_write(MAN_PFN, 0, "x", 1), 0);
	CHECK_EQ(sim_check_invariants(), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(set_manifest_refuses_bad_ids_pages_and_states)
{
	struct test_manifest m = owner_manifest(1);
	u64 vmid;

	sim_reset();
	vmid = vm_with_images();
	write_manifest(MAN_PFN, &m);
	CHECK_REFUSED(bootops_set_manifest(0, MAN_PFN), -EINVAL);
	CHECK_REFUSED(bootops_set_manifest(BOOTOPS_MAX_VMS + 1, MAN_PFN), -EINVAL);
	CHECK_REFUSED(bootops_set_manifest(1ULL << 32 | vmid, MAN_PFN), -EINVAL);
	CHECK_REFUSED(bootops_set_manifest(vmid + 1, MAN_PFN), -ENOENT);
	CHECK_REFUSED(bootops_set_manifest(vmid, SIM_HYP_PFN), -EPERM);
	CHECK_REFUSED(bootops_set_manifest(vmid, SIM_MMIO_PFN), -EPERM);
	CHECK_REFUSED(bootops_set_manifest(vmid, U64_MAX_), -EINVAL);
	/* A page lent for an image is not the host's alone. */
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	write_manifest(ram(1), &m);
	CHECK_REFUSED(bootops_set_manifest(vmid, ram(1)), -EPERM);
	CHECK_EQ(bootops_set_manifest(vmid, MAN_PFN), 0);
	/* Once only, even with the same bytes. */
	CHECK_REFUSED(bootops_set_manifest(vmid, MAN_PFN), -EEXIST);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(set_manifest_refuses_malformed_manifests)
{
	struct test_manifest m = owner_manifest(1);
	u8 buf[BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO)];
	u64 vmid, len;

	sim_reset();
	vmid = vm_with_images();
	len = manifest_bytes(&m, buf);
#define CORRUPT(off, val, err)						\
	do {								\
		u8 __b = buf[off];					\
		buf[off] = (val);					\
		CHECK_EQ(sim_host_write(MAN_PFN, 0, buf, len), 0);	\
		CHECK_REFUSED(bootops_set_manifest(vmid, MAN_PFN), err);\
		buf[off] = __b;						\
	} while (0)
	CORRUPT(0, 'X', -EINVAL);					/* magic */
	CORRUPT(BOOTOPS_MANIFEST_OFF_NR, 0, -EINVAL);			/* no image */
	CORRUPT(BOOTOPS_MANIFEST_OFF_NR, BOOTOPS_MAX_LOAD_INFO + 1, -EINVAL);
	CORRUPT(BOOTOPS_MANIFEST_OFF_NR + 3, 1, -EINVAL);		/* 2^24 + 2 images */
	CORRUPT(BOOTOPS_MANIFEST_OFF_FLAGS, 4, -EINVAL);		/* unknown flag */
	CORRUPT(BOOTOPS_MANIFEST_OFF_FLAGS + 7, 0x80, -EINVAL);
	CORRUPT(BOOTOPS_MANIFEST_OFF_RESERVED + 23, 1, -EINVAL);	/* reserved */
	CORRUPT(BOOTOPS_MANIFEST_OFF_KEY_ID, 0, -ENOKEY);		/* the per-image key */
	CORRUPT(BOOTOPS_MANIFEST_OFF_KEY_ID, 3, -ENOKEY);		/* no such key */
	CORRUPT(BOOTOPS_MANIFEST_OFF_KEY_ID + 3, 1, -ENOKEY);		/* 2^24 + 1 */
#undef CORRUPT
	CHECK_EQ(sim_host_write(MAN_PFN, 0, buf, len), 0);
	CHECK_EQ(bootops_set_manifest(vmid, MAN_PFN), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
}

TEST(set_manifest_after_verification_is_refused)
{
	struct test_manifest m = owner_manifest(1);
	u64 vmid;

	sim_reset();
	vmid = verified_vm(LA, PAGE, ram(10));
	write_manifest(MAN_PFN, &m);
	CHECK_REFUSED(bootops_set_manifest(vmid, MAN_PFN), -EPERM);
	CHECK_EQ(teardown_vm(vmid), 0);
}

/* The host rewrites the page after handing it over: hyp reads its copy. */
TEST(manifest_is_read_once_from_the_host)
{
	struct test_manifest m = owner_manifest(1), other = m;
	u64 vmid;

	sim_reset();
	vmid = vm_with_images();
	CHECK_EQ(set_manifest(vmid, &m), 0);
	other.img[1].load_addr = LB + PAGE;
	write_manifest(MAN_PFN, &other);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	CHECK_EQ(declare(vmid, LB, 100, ram(2)), 0);
	CHECK_EQ(verify_images(vmid), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
}

/* Rejected before any page leaves the host: the pages are lent, not taken. */
static void check_set_rejected(u64 vmid)
{
	CHECK_EQ(verify_images(vmid), -EKEYREJECTED);
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_REJECTED);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), -EPERM);
	CHECK_EQ(verify_images(vmid), -EPERM);
	CHECK_EQ(sim_check_invariants(), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_page(ram(0)).owner, SIM_OWNER_HOST);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(images_mixed_from_two_signed_sets_are_rejected)
{
	struct test_manifest a = owner_manifest(1), b;
	u64 vmid;

	sim_reset();
	vmid = vm_with_images();
	/* Set b: the same A, another B (other bytes) at the same place. */
	fill_page(ram(3), 99);
	b = (struct test_manifest){ .key_id = 1, .secver = 1 };
	manifest_add_image(&b, LA, 2 * PAGE, ram(0));
	manifest_add_image(&b, LB, 100, ram(3));
	CHECK_EQ(set_manifest(vmid, &a), 0);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	CHECK_EQ(declare(vmid, LB, 100, ram(3)), 0);	/* b's B */
	CHECK_EQ(verify_images(vmid), -EKEYREJECTED);
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_REJECTED);
	CHECK_EQ(teardown_vm(vmid), 0);
	/* b's B passed as a's with b's manifest: fine, it is b's set. */
	vmid = vm_with_images();
	fill_page(ram(3), 99);
	CHECK_EQ(set_manifest(vmid, &b), 0);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	CHECK_EQ(declare(vmid, LB, 100, ram(3)), 0);
	CHECK_EQ(verify_images(vmid), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
}

TEST(an_image_omitted_added_moved_or_resized_is_rejected)
{
	struct test_manifest m = owner_manifest(1);
	u64 vmid;

	sim_reset();
	vmid = vm_with_images();
	CHECK_EQ(set_manifest(vmid, &m), 0);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);	/* B omitted */
	check_set_rejected(vmid);

	vmid = vm_with_images();
	CHECK_EQ(set_manifest(vmid, &m), 0);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	CHECK_EQ(declare(vmid, LB, 100, ram(2)), 0);
	CHECK_EQ(declare(vmid, LB + PAGE, PAGE, ram(3)), 0);	/* one added */
	check_set_rejected(vmid);

	vmid = vm_with_images();
	CHECK_EQ(set_manifest(vmid, &m), 0);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	CHECK_EQ(declare(vmid, LB + PAGE, 100, ram(2)), 0);	/* B moved */
	check_set_rejected(vmid);

	vmid = vm_with_images();
	CHECK_EQ(set_manifest(vmid, &m), 0);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	CHECK_EQ(declare(vmid, LB, 101, ram(2)), 0);		/* B one byte longer */
	check_set_rejected(vmid);

	vmid = vm_with_images();
	CHECK_EQ(set_manifest(vmid, &m), 0);
	CHECK_EQ(declare(vmid, LB, 100, ram(2)), 0);		/* in another order */
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	check_set_rejected(vmid);
}

TEST(a_changed_byte_or_another_signer_is_rejected)
{
	struct test_manifest m = owner_manifest(1);
	u64 vmid;
	u8 b;

	sim_reset();
	vmid = vm_with_images();
	CHECK_EQ(set_manifest(vmid, &m), 0);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	CHECK_EQ(declare(vmid, LB, 100, ram(2)), 0);
	CHECK_EQ(sim_host_read(ram(2), 99, &b, 1), 0);
	b ^= 1;
	CHECK_EQ(sim_host_write(ram(2), 99, &b, 1), 0);		/* B's last byte */
	CHECK_EQ(verify_images(vmid), -EKEYREJECTED);
	CHECK_EQ(teardown_vm(vmid), 0);

	/* Signed by a key hyp does not know, or by key 2 while naming key 1. */
	m = owner_manifest(1);
	m.signer = 1;
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), -EKEYREJECTED);
	CHECK_EQ(teardown_vm(vmid), 0);
	m.signer = 3;
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), -EKEYREJECTED);
	CHECK_EQ(teardown_vm(vmid), 0);
	/* Key 2 signing as key 2 is fine. */
	m.key_id = 2;
	m.signer = 0;
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
}

/* The manifest keys sign nothing one image at a time. */
TEST(a_manifest_key_does_not_sign_single_images)
{
	struct test_manifest m = owner_manifest(1);
	u8 buf[BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO)];
	u64 vmid;

	sim_reset();
	vmid = vm_with_images();
	/* Key 1's signature over image A's per-image header, as its sig. */
	manifest_bytes(&m, buf);
	CHECK_EQ(declare_image(vmid, LA, PAGE, ram(0), 10), 0);
	memcpy(bootops_load(vmid, 0)->sig, buf + BOOTOPS_MANIFEST_SIGNED_SIZE(2),
	       BOOTOPS_SIG_SIZE);
	CHECK_EQ(bootops_remap_vm_image(vmid, ram(0), 0), 0);
	CHECK_EQ(verify_images(vmid), -EKEYREJECTED);
	CHECK_EQ(teardown_vm(vmid), 0);
}

TEST(rollback_minimum_refuses_older_sets_and_only_rises)
{
	struct test_manifest m;
	u64 vmid, min;
	u32 id;

	sim_reset();
	CHECK_EQ(bootops_manifest_min(1), 0);
	CHECK_EQ(bootops_manifest_min(0), BOOTOPS_INVALID64);
	CHECK_EQ(bootops_manifest_min(3), BOOTOPS_INVALID64);
	CHECK_EQ(bootops_manifest_raise_min(3, 1), -ENOKEY);
	CHECK_EQ(bootops_manifest_raise_min(0, 1), -ENOKEY);
	CHECK_EQ(bootops_manifest_raise_min(1, 5), 0);
	CHECK_EQ(bootops_manifest_raise_min(1, 2), 0);		/* never lowers */
	CHECK_EQ(bootops_manifest_min(1), 5);
	CHECK_EQ(bootops_manifest_min(2), 0);			/* per key */
	/* The host's list: each key hyp has, in order, then -ENOENT. */
	CHECK_EQ(bootops_manifest_key_info(0, &id, &min), 0);
	CHECK(id == 1 && min == 5);
	CHECK_EQ(bootops_manifest_key_info(1, &id, &min), 0);
	CHECK(id == 2 && min == 0);
	CHECK_EQ(bootops_manifest_key_info(2, &id, &min), -ENOENT);
	CHECK_EQ(bootops_manifest_key_info(U64_MAX_, &id, &min), -ENOENT);

	m = owner_manifest(4);
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), -EKEYREJECTED);
	CHECK_EQ(teardown_vm(vmid), 0);
	m = owner_manifest(5);
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), 0);
	CHECK_EQ(bootops_manifest_min(1), 5);			/* no RAISE flag */
	CHECK_EQ(teardown_vm(vmid), 0);

	/* A rejected manifest raises nothing, a verified one does. */
	m = owner_manifest(7);
	m.flags = BOOTOPS_MANIFEST_F_RAISE_MIN;
	m.signer = 1;
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), -EKEYREJECTED);
	CHECK_EQ(bootops_manifest_min(1), 5);
	CHECK_EQ(teardown_vm(vmid), 0);
	m.signer = 0;
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), 0);
	CHECK_EQ(bootops_manifest_min(1), 7);
	CHECK_EQ(teardown_vm(vmid), 0);
	m = owner_manifest(6);
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), -EKEYREJECTED);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

static int first_run(u64 vmid, u64 pc)
{
	struct bootops_vcpu_entry entry = { .pc = pc };

	return bootops_vcpu_first_run(vmid, 0, &entry);
}

TEST(the_manifest_entry_is_vcpu0s_only_first_pc)
{
	struct test_manifest m = owner_manifest(1);
	u64 vmid;

	sim_reset();
	m.entry = LA + PAGE;
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), 0);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	/* In a verified image, but not the entry: refused for good. */
	CHECK_EQ(first_run(vmid, LA), -EPERM);
	CHECK_EQ(first_run(vmid, LA + PAGE), -EPERM);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(teardown_vm(vmid), 0);

	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), 0);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_EQ(first_run(vmid, LA + PAGE), 1);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
}

TEST(a_manifest_requiring_private_memory_refuses_shared_pages)
{
	struct test_manifest m = owner_manifest(1);
	u64 vmid, ipa = 0x40000000;

	sim_reset();
	m.flags = BOOTOPS_MANIFEST_F_PRIVATE_MEM;
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), 0);
	CHECK_REFUSED(bootops_share_guest_page(vmid, ipa, ram(20)), -EPERM);
	CHECK_EQ(bootops_donate_guest_page(vmid, ipa, ram(20)), 0);
	CHECK_EQ(sim_page(ram(20)).owner, (u32)vmid);
	CHECK_EQ(teardown_vm(vmid), 0);

	/* Without the flag, sharing is the host's choice as before. */
	m.flags = 0;
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), 0);
	CHECK_EQ(bootops_share_guest_page(vmid, ipa, ram(20)), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(set_manifest_without_a_hyp_mapping_changes_nothing)
{
	struct test_manifest m = owner_manifest(1);
	u64 vmid;

	sim_reset();
	vmid = vm_with_images();
	write_manifest(MAN_PFN, &m);
	sim_fail_remap_after(0);
	CHECK_REFUSED(bootops_set_manifest(vmid, MAN_PFN), -ENOMEM);
	sim_fail_remap_after(-1);
	CHECK_EQ(bootops_set_manifest(vmid, MAN_PFN), 0);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}

/* The manifest is read through a remap slot: none free is -ENOMEM, nothing taken. */
TEST(set_manifest_with_the_remap_area_full_changes_nothing)
{
	struct test_manifest m = owner_manifest(1);
	u64 v, vmid;
	int ret = 0;

	sim_reset();
	vmid = vm_with_images();
	write_manifest(MAN_PFN, &m);
	/* 256 MiB images fill the remap area, to the last slot. */
	for (v = 0; ret >= 0; v++) {
		CHECK(bootops_register_kvm(0, sim_vm_memory()) > 0);
		ret = bootops_set_boot_info(vmid + 1 + v, 0, BOOTOPS_MAX_IMAGE_SIZE, zero_sig);
	}
	CHECK_EQ(ret, -ENOMEM);
	CHECK_REFUSED(bootops_set_manifest(vmid, MAN_PFN), -ENOMEM);
	CHECK_EQ(teardown_vm(vmid + 1), 0);
	CHECK_EQ(bootops_set_manifest(vmid, MAN_PFN), 0);
}

static u64 digest_word(const u8 *d, int i)
{
	u64 v = 0;
	int k;

	for (k = 7; k >= 0; k--)
		v = v << 8 | d[8 * i + k];
	return v;
}

/* The load log says which image failed and why, and each image's digest. */
TEST(load_log_names_the_image_and_the_reason)
{
	struct test_manifest a = owner_manifest(1);
	u64 out[BOOTOPS_LOG_WORDS], vmid;
	int i;

	sim_reset();
	vmid = vm_with_images();
	CHECK_EQ(set_manifest(vmid, &a), 0);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	fill_page(ram(3), 99);
	CHECK_EQ(declare(vmid, LB, 100, ram(3)), 0);		/* another release's B */
	CHECK_EQ(bootops_get_load_log(vmid, 1, out), 0);
	CHECK_EQ(out[2], BOOTOPS_IMAGE_PENDING);
	CHECK_EQ(out[3], 0);
	CHECK_EQ(verify_images(vmid), -EKEYREJECTED);
	CHECK_REFUSED(bootops_get_load_log(vmid, BOOTOPS_LOG_VM, out), 0);
	CHECK_EQ(out[0], BOOTOPS_VM_REJECTED);
	CHECK_EQ(out[1], BOOTOPS_WHY_IMAGE_DIGEST | 1ULL << 32);
	CHECK(out[2] == 1 && out[3] == 1 && out[4] == 2);
	CHECK_EQ(bootops_get_load_log(vmid, 0, out), 0);
	CHECK(out[0] == LA && out[1] == 2 * PAGE && out[2] == BOOTOPS_IMAGE_VERIFIED);
	for (i = 0; i < 4; i++)
		CHECK_EQ(out[3 + i], digest_word(a.img[0].digest, i));
	CHECK_EQ(bootops_get_load_log(vmid, 1, out), 0);
	CHECK(out[0] == LB && out[1] == 100 && out[2] == BOOTOPS_IMAGE_REJECTED);
	CHECK(out[3] != digest_word(a.img[1].digest, 0));
	CHECK_REFUSED(bootops_get_load_log(vmid, 2, out), -ENOENT);
	CHECK_REFUSED(bootops_get_load_log(vmid, 1ULL << 32, out), -ENOENT);
	CHECK_REFUSED(bootops_get_load_log(0, BOOTOPS_LOG_VM, out), -EINVAL);
	CHECK_REFUSED(bootops_get_load_log(BOOTOPS_MAX_VMS + 1, 0, out), -EINVAL);
	CHECK_REFUSED(bootops_get_load_log(vmid + 1, BOOTOPS_LOG_VM, out), -ENOENT);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_REFUSED(bootops_get_load_log(vmid, BOOTOPS_LOG_VM, out), -ENOENT);
}

static u64 log_why(u64 vmid)
{
	u64 out[BOOTOPS_LOG_WORDS];

	CHECK_EQ(bootops_get_load_log(vmid, BOOTOPS_LOG_VM, out), 0);
	return out[1];
}

TEST(load_log_reasons)
{
	struct test_manifest m = owner_manifest(1);
	u64 vmid;

	sim_reset();
	vmid = vm_with_images();				/* B left out */
	CHECK_EQ(set_manifest(vmid, &m), 0);
	CHECK_EQ(declare(vmid, LA, 2 * PAGE, ram(0)), 0);
	CHECK_EQ(verify_images(vmid), -EKEYREJECTED);
	CHECK_EQ(log_why(vmid), BOOTOPS_WHY_NOT_THE_SET | 1ULL << 32);
	CHECK_EQ(teardown_vm(vmid), 0);

	vmid = vm_with_images();				/* A moved */
	CHECK_EQ(set_manifest(vmid, &m), 0);
	CHECK_EQ(declare(vmid, LA + 4 * PAGE, 2 * PAGE, ram(0)), 0);
	CHECK_EQ(declare(vmid, LB, 100, ram(2)), 0);
	CHECK_EQ(verify_images(vmid), -EKEYREJECTED);
	CHECK_EQ(log_why(vmid), BOOTOPS_WHY_NOT_THE_SET);
	CHECK_EQ(teardown_vm(vmid), 0);

	CHECK_EQ(bootops_manifest_raise_min(1, 2), 0);		/* too old */
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), -EKEYREJECTED);
	CHECK_EQ(log_why(vmid), BOOTOPS_WHY_ROLLBACK);
	CHECK_EQ(teardown_vm(vmid), 0);

	m = owner_manifest(2);					/* another signer */
	m.signer = 1;
	vmid = vm_with_images();
	CHECK_EQ(boot_owner_set(vmid, &m), -EKEYREJECTED);
	CHECK_EQ(log_why(vmid), BOOTOPS_WHY_MANIFEST_SIG);
	CHECK_EQ(teardown_vm(vmid), 0);

	vmid = vm_with_images();				/* per image: a bad one */
	CHECK_EQ(load_image_pages(vmid, LA, PAGE, ram(0), 1), 0);
	fill_page(ram(0), 2);
	CHECK_EQ(verify_images(vmid), -EKEYREJECTED);
	CHECK_EQ(log_why(vmid), BOOTOPS_WHY_IMAGE_SIG);
	CHECK_EQ(teardown_vm(vmid), 0);

	vmid = vm_with_images();				/* requires images, none */
	CHECK_EQ(bootops_require_images(vmid), 0);
	CHECK_EQ(verify_images(vmid), -ENOEXEC);
	CHECK_EQ(log_why(vmid), BOOTOPS_WHY_NO_IMAGE);
	CHECK_EQ(teardown_vm(vmid), 0);

	vmid = vm_with_images();				/* no table memory */
	CHECK_EQ(load_image_pages(vmid, LA, PAGE, ram(0), 1), 0);
	sim_fail_tables_after(0);
	CHECK_EQ(verify_images(vmid), -ENOMEM);
	sim_fail_tables_after(-1);
	CHECK_EQ(log_why(vmid), BOOTOPS_WHY_LOAD);
	CHECK_EQ(teardown_vm(vmid), 0);

	vmid = vm_with_images();				/* and a good one: none */
	CHECK_EQ(load_image_pages(vmid, LA, PAGE, ram(0), 1), 0);
	CHECK_EQ(verify_images(vmid), 0);
	CHECK_EQ(log_why(vmid), BOOTOPS_WHY_NONE);
	CHECK_EQ(teardown_vm(vmid), 0);
	CHECK_EQ(sim_check_invariants(), 0);
}
