// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attestation: the CBOR encoder, hyp's key, and bootops_attest()'s report
 * (include/bootops/attest.h), checked against mbedTLS's own verification.
 * tools/bootops-sign/test.sh checks the same reports with libcbor.
 */
#include <bootops/attest.h>
#include <bootops/cbor.h>
#include <bootops/crypto.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/sha256.h>

#include "util.h"

#define IMG_IPA		0x80000000ULL
#define RAM_IPA		0x80100000ULL
#define IO_IPA		0x09000000ULL
#define DEV_MMIO	((SIM_MMIO_PFN + SIM_MMIO_HYP_PAGES) * PAGE)

static const u8 seed_a[BOOTOPS_ATTEST_SEED_SIZE] = { 1, 2, 3 };
static const u8 seed_b[BOOTOPS_ATTEST_SEED_SIZE] = { 4, 5, 6 };
static const u8 no_seed[BOOTOPS_ATTEST_SEED_SIZE];

/* Encodes one item with f and compares it with the bytes CBOR defines. */
#define CHECK_CBOR(call, ...)						\
	do {								\
		static const u8 __want[] = { __VA_ARGS__ };		\
		u8 __buf[16];						\
		struct bootops_cbor __c;				\
		bootops_cbor_init(&__c, __buf, sizeof(__buf));		\
		call;							\
		CHECK_EQ(__c.len, sizeof(__want));			\
		CHECK(!memcmp(__buf, __want, sizeof(__want)));		\
	} while (0)

TEST(cbor_heads_are_the_shortest)
{
	CHECK_CBOR(bootops_cbor_uint(&__c, 0), 0x00);
	CHECK_CBOR(bootops_cbor_uint(&__c, 23), 0x17);
	CHECK_CBOR(bootops_cbor_uint(&__c, 24), 0x18, 24);
	CHECK_CBOR(bootops_cbor_uint(&__c, 255), 0x18, 0xff);
	CHECK_CBOR(bootops_cbor_uint(&__c, 256), 0x19, 0x01, 0x00);
	CHECK_CBOR(bootops_cbor_uint(&__c, 65535), 0x19, 0xff, 0xff);
	CHECK_CBOR(bootops_cbor_uint(&__c, 65536), 0x1a, 0, 1, 0, 0);
	CHECK_CBOR(bootops_cbor_uint(&__c, 0xffffffffULL), 0x1a, 0xff, 0xff, 0xff, 0xff);
	CHECK_CBOR(bootops_cbor_uint(&__c, 1ULL << 32), 0x1b, 0, 0, 0, 1, 0, 0, 0, 0);
	CHECK_CBOR(bootops_cbor_int(&__c, -1), 0x20);
	CHECK_CBOR(bootops_cbor_int(&__c, -7), 0x26);
	CHECK_CBOR(bootops_cbor_int(&__c, -75000), 0x3a, 0x00, 0x01, 0x24, 0xf7);
	CHECK_CBOR(bootops_cbor_int(&__c, 265), 0x19, 0x01, 0x09);
	CHECK_CBOR(bootops_cbor_bstr(&__c, "ab", 2), 0x42, 'a', 'b');
	CHECK_CBOR(bootops_cbor_tstr(&__c, "ab", 2), 0x62, 'a', 'b');
	CHECK_CBOR(bootops_cbor_array(&__c, 4), 0x84);
	CHECK_CBOR(bootops_cbor_map(&__c, 0), 0xa0);
	CHECK_CBOR(bootops_cbor_tag(&__c, 18), 0xd2);
	CHECK_CBOR(bootops_cbor_null(&__c), 0xf6);
}

TEST(cbor_never_writes_past_its_buffer)
{
	u8 buf[8] = { 0 };
	struct bootops_cbor c;

	memset(buf, 0xee, sizeof(buf));
	bootops_cbor_init(&c, buf, 4);
	bootops_cbor_bstr(&c, "abcdef", 6);	/* 7 bytes: does not fit */
	CHECK(!bootops_cbor_fits(&c));
	CHECK_EQ(c.len, 7);
	CHECK_EQ(buf[4], 0xee);
	bootops_cbor_uint(&c, 1);		/* still counted, still not written */
	CHECK_EQ(c.len, 8);
	CHECK_EQ(buf[4], 0xee);
}

TEST(attestation_key_is_a_function_of_the_seed)
{
	u8 a[BOOTOPS_ATTEST_PUB_SIZE], a2[BOOTOPS_ATTEST_PUB_SIZE], b[BOOTOPS_ATTEST_PUB_SIZE];
	mbedtls_ecp_group grp;
	mbedtls_ecp_point q;

	CHECK_EQ(bootops_crypto_attest_init(no_seed), -ENOKEY);
	CHECK_EQ(bootops_crypto_attest_pub(a), -ENOKEY);
	CHECK_EQ(bootops_crypto_attest_init(seed_a), 0);
	CHECK_EQ(bootops_crypto_attest_pub(a), 0);
	CHECK_EQ(bootops_crypto_attest_init(seed_b), 0);
	CHECK_EQ(bootops_crypto_attest_pub(b), 0);
	CHECK_EQ(bootops_crypto_attest_init(seed_a), 0);
	CHECK_EQ(bootops_crypto_attest_pub(a2), 0);
	CHECK(!memcmp(a, a2, sizeof(a)));
	CHECK(memcmp(a, b, sizeof(a)));
	/* A point on P-256, uncompressed. */
	CHECK_EQ(a[0], 0x04);
	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	CHECK_EQ(mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1), 0);
	CHECK_EQ(mbedtls_ecp_point_read_binary(&grp, &q, a, sizeof(a)), 0);
	CHECK_EQ(mbedtls_ecp_check_pubkey(&grp, &q), 0);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_group_free(&grp);
}

/* bootops_attest() until it is done (one step here: no restartable ECC). */
static int attest(u64 vmid, u64 vcpuid, u64 ipa, u64 *len)
{
	int ret, steps = 0;

	do
		ret = bootops_attest(vmid, vcpuid, ipa, len);
	while (ret == BOOTOPS_CONTINUE && ++steps < 100000);
	return ret;
}

/* A verified VM of one two-page image at IMG_IPA, a device page, vCPU 0 running here. */
static u64 attesting_vm(void)
{
	int vmid;

	sim_reset();
	CHECK_EQ(bootops_crypto_attest_init(seed_a), 0);
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	CHECK(vmid > 0);
	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0x2000), 0);
	CHECK_EQ(bootops_map_io(vmid, IO_IPA, DEV_MMIO), 0);
	CHECK_EQ(load_image_pages(vmid, IMG_IPA, 2 * PAGE, ram(0), 7), 0);
	CHECK_EQ(verify_images(vmid), 0);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	return vmid;
}

static void put_nonce(u64 pfn, u8 fill)
{
	memset(sim_page_bytes(pfn), fill, BOOTOPS_ATTEST_NONCE_SIZE);
}

/* The report's parts, found by their fixed shape; false if it has another. */
struct report {
	const u8 *payload, *sig;
	u64 payload_len;
};

static bool split_report(const u8 *r, u64 len, struct report *out)
{
	static const u8 head[] = { 0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0 };
	u64 n, at;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(head) + 3 || memcmp(r, head, sizeof(head)))
		return false;
	/* The payload's length: one byte (0x58) or two (0x59). */
	if (r[7] == 0x58) {
		n = r[8];
		at = 9;
	} else if (r[7] == 0x59) {
		n = (u64)r[8] << 8 | r[9];
		at = 10;
	} else {
		return false;
	}
	if (at + n + 2 + BOOTOPS_SIG_SIZE != len || r[at + n] != 0x58 ||
	    r[at + n + 1] != BOOTOPS_SIG_SIZE)
		return false;
	out->payload = r + at;
	out->payload_len = n;
	out->sig = r + at + n + 2;
	return true;
}

/* Does sig sign ["Signature1", h'A10126', h'', payload] with pub? */
static bool report_verifies(const struct report *r, const u8 pub[BOOTOPS_ATTEST_PUB_SIZE])
{
	static const u8 tbs_head[] = { 0x84, 0x6a, 'S', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e',
				       '1', 0x43, 0xa1, 0x01, 0x26, 0x40 };
	u8 bhead[3] = { 0x59, r->payload_len >> 8, r->payload_len & 0xff }, hash[32];
	u64 bhead_len = 3;
	mbedtls_sha256_context sha;
	mbedtls_ecp_group grp;
	mbedtls_ecp_point q;
	mbedtls_mpi rr, ss;
	bool ok;

	mbedtls_sha256_init(&sha);
	mbedtls_sha256_starts_ret(&sha, 0);
	mbedtls_sha256_update_ret(&sha, tbs_head, sizeof(tbs_head));
	if (r->payload_len < 256) {
		bhead[0] = 0x58;
		bhead[1] = r->payload_len;
		bhead_len = 2;
	}
	if (!r->payload)
		return false;
	mbedtls_sha256_update_ret(&sha, bhead, bhead_len);
	mbedtls_sha256_update_ret(&sha, r->payload, r->payload_len);
	mbedtls_sha256_finish_ret(&sha, hash);
	mbedtls_sha256_free(&sha);
	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	mbedtls_mpi_init(&rr);
	mbedtls_mpi_init(&ss);
	ok = !mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) &&
	     !mbedtls_ecp_point_read_binary(&grp, &q, pub, BOOTOPS_ATTEST_PUB_SIZE) &&
	     !mbedtls_mpi_read_binary(&rr, r->sig, 32) &&
	     !mbedtls_mpi_read_binary(&ss, r->sig + 32, 32) &&
	     !mbedtls_ecdsa_verify(&grp, hash, 32, &q, &rr, &ss);
	mbedtls_mpi_free(&ss);
	mbedtls_mpi_free(&rr);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_group_free(&grp);
	return ok;
}

static bool has(const struct report *r, const void *bytes, u64 n)
{
	u64 i;

	for (i = 0; i + n <= r->payload_len; i++)
		if (!memcmp(r->payload + i, bytes, n))
			return true;
	return false;
}

TEST(attest_reports_what_hyp_verified_signed_with_its_key)
{
	u64 vmid = attesting_vm(), len;
	u8 pub[BOOTOPS_ATTEST_PUB_SIZE], nonce[2 + BOOTOPS_ATTEST_NONCE_SIZE];
	struct bootops_vm_info *vm = bootops_vm(vmid);
	/* The claims map's head, its profile and the nonce's head: attest.h. */
	static const u8 head[] = { 0xa8, 0x19, 0x01, 0x09, 0x78, 0x19, 't', 'a', 'g', ':' };
	/* -75004: [[0x80000000, 8192, h'..']] */
	static const u8 images[] = { 0x3a, 0x00, 0x01, 0x24, 0xfb, 0x81, 0x83, 0x1a,
				     0x80, 0x00, 0x00, 0x00, 0x19, 0x20, 0x00, 0x58, 0x20 };
	static const u8 no_manifest[] = { 0x3a, 0x00, 0x01, 0x24, 0xfa, 0xf6 };
	struct report r;

	CHECK_EQ(bootops_crypto_attest_pub(pub), 0);
	put_nonce(ram(1), 0xab);
	CHECK_EQ(attest(vmid, 0, IMG_IPA + PAGE, &len), 0);
	CHECK(len > 0 && len < BOOTOPS_ATTEST_MAX_SIZE);
	CHECK(split_report(sim_page_bytes(ram(1)), len, &r));
	CHECK(report_verifies(&r, pub));
	CHECK(!memcmp(r.payload, head, sizeof(head)));
	nonce[0] = 0x58;
	nonce[1] = BOOTOPS_ATTEST_NONCE_SIZE;
	memset(nonce + 2, 0xab, BOOTOPS_ATTEST_NONCE_SIZE);
	CHECK(has(&r, nonce, sizeof(nonce)));
	CHECK(has(&r, images, sizeof(images)));
	CHECK(has(&r, vm->load[0].digest, BOOTOPS_DIGEST_SIZE));
	CHECK(has(&r, no_manifest, sizeof(no_manifest)));
	/* The image page keeps its place: the guest wrote into its own memory. */
	CHECK_EQ(sim_s2_lookup(vmid, IMG_IPA + PAGE), ram(1));
	CHECK_EQ(sim_remap_count(), 2);		/* the image's own two slots only */
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(attest_binds_the_nonce_and_the_key)
{
	u64 vmid = attesting_vm(), len1, len2;
	u8 first[BOOTOPS_ATTEST_MAX_SIZE], pub_b[BOOTOPS_ATTEST_PUB_SIZE];
	struct report r;

	put_nonce(ram(1), 0x11);
	CHECK_EQ(attest(vmid, 0, IMG_IPA + PAGE, &len1), 0);
	memcpy(first, sim_page_bytes(ram(1)), len1);
	/* The same nonce: the same report (deterministic ECDSA). */
	put_nonce(ram(1), 0x11);
	CHECK_EQ(attest(vmid, 0, IMG_IPA + PAGE, &len2), 0);
	CHECK_EQ(len2, len1);
	CHECK(!memcmp(first, sim_page_bytes(ram(1)), len1));
	/* Another nonce: another report, and another signature. */
	put_nonce(ram(1), 0x22);
	CHECK_EQ(attest(vmid, 0, IMG_IPA + PAGE, &len2), 0);
	CHECK(memcmp(first, sim_page_bytes(ram(1)), len1));
	/* Another key does not verify it. */
	CHECK(split_report(sim_page_bytes(ram(1)), len2, &r));
	CHECK_EQ(bootops_crypto_attest_init(seed_b), 0);
	CHECK_EQ(bootops_crypto_attest_pub(pub_b), 0);
	CHECK(!report_verifies(&r, pub_b));
}

TEST(attest_into_a_shared_page)
{
	u64 vmid = attesting_vm(), len;
	u8 pub[BOOTOPS_ATTEST_PUB_SIZE];
	struct report r;

	CHECK_EQ(bootops_share_guest_page(vmid, RAM_IPA, ram(10)), 0);
	put_nonce(ram(10), 0x33);
	CHECK_EQ(attest(vmid, 0, RAM_IPA, &len), 0);
	CHECK(split_report(sim_page_bytes(ram(10)), len, &r));
	CHECK_EQ(bootops_crypto_attest_pub(pub), 0);
	CHECK(report_verifies(&r, pub));
	CHECK_EQ(sim_check_invariants(), 0);
}

TEST(attest_refuses_what_is_not_the_vms_ram)
{
	u64 vmid = attesting_vm(), len;

	put_nonce(ram(1), 0x44);
	CHECK_REFUSED(bootops_attest(vmid, 0, IMG_IPA + PAGE + 8, &len), -EINVAL);
	CHECK_REFUSED(bootops_attest(vmid, 0, IMG_IPA + 2 * PAGE, &len), -EINVAL);
	CHECK_REFUSED(bootops_attest(vmid, 0, IO_IPA, &len), -EINVAL);
	CHECK_REFUSED(bootops_attest(vmid, 0, U64_MAX_ & BOOTOPS_PAGE_MASK, &len), -EINVAL);
	CHECK_REFUSED(bootops_attest(vmid, 0, 0, &len), -EINVAL);
	CHECK_EQ(len, 0);
	CHECK_REFUSED(bootops_attest(0, 0, IMG_IPA, &len), -EINVAL);
	CHECK_REFUSED(bootops_attest(BOOTOPS_MAX_VMS + 1, 0, IMG_IPA, &len), -EINVAL);
	CHECK_REFUSED(bootops_attest(1ULL << 32 | vmid, 0, IMG_IPA, &len), -EINVAL);
	CHECK_REFUSED(bootops_attest(vmid, BOOTOPS_MAX_VCPUS, IMG_IPA, &len), -EINVAL);
	CHECK_REFUSED(bootops_attest(vmid + 1, 0, IMG_IPA, &len), -ENOENT);
	CHECK_REFUSED(bootops_attest(vmid, 1, IMG_IPA, &len), -ENOENT);
	/* Not the caller's vCPU: not running, or running on another CPU. */
	sim_set_cpu(1);
	CHECK_REFUSED(bootops_attest(vmid, 0, IMG_IPA, &len), -EPERM);
	sim_set_cpu(0);
	CHECK_EQ(bootops_set_vcpu_inactive(vmid, 0), 0);
	CHECK_REFUSED(bootops_attest(vmid, 0, IMG_IPA, &len), -EPERM);
}

TEST(attest_refuses_vms_hyp_did_not_verify)
{
	u64 len;
	int vmid;

	/* READY, with an image declared and lent but not yet verified. */
	sim_reset();
	CHECK_EQ(bootops_crypto_attest_init(seed_a), 0);
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0x2000), 0);
	CHECK_EQ(load_image_pages(vmid, IMG_IPA, PAGE, ram(0), 7), 0);
	CHECK_REFUSED(bootops_attest(vmid, 0, IMG_IPA, &len), -EPERM);
	CHECK_EQ(teardown_vm(vmid), 0);
	/* Verified with no image, running: hyp checked nothing, and reports nothing. */
	vmid = bootops_register_kvm(0x1000, sim_vm_memory());
	CHECK_EQ(bootops_register_vcpu(vmid, 0, 0x2000), 0);
	CHECK_EQ(verify_images(vmid), 0);
	CHECK_EQ(bootops_get_vm_state(vmid), BOOTOPS_VM_VERIFIED);
	CHECK_EQ(bootops_set_vcpu_active(vmid, 0), 0);
	CHECK_REFUSED(bootops_attest(vmid, 0, IMG_IPA, &len), -EPERM);
}

TEST(attest_without_a_key_refuses_and_changes_nothing)
{
	u64 vmid = attesting_vm(), len;

	CHECK_EQ(bootops_crypto_attest_init(no_seed), -ENOKEY);
	put_nonce(ram(1), 0x55);
	CHECK_REFUSED(bootops_attest(vmid, 0, IMG_IPA + PAGE, &len), -ENOKEY);
	CHECK_EQ(sim_page_bytes(ram(1))[0], 0x55);
	CHECK_EQ(bootops_crypto_attest_init(seed_a), 0);
}

/* The report is written through a remap slot: none free, or none mappable, is -ENOMEM. */
TEST(attest_with_the_remap_area_full_changes_nothing)
{
	static const u8 zero_sig[BOOTOPS_SIG_SIZE];
	u64 vmid = attesting_vm(), size, len;
	int other = 0;

	put_nonce(ram(1), 0x66);
	sim_fail_remap_after(0);
	CHECK_REFUSED(bootops_attest(vmid, 0, IMG_IPA + PAGE, &len), -ENOMEM);
	sim_fail_remap_after(-1);
	/* Images of other VMs fill the remap area, to the last slot: halving sizes. */
	for (size = BOOTOPS_MAX_IMAGE_SIZE; size >= PAGE; size /= 2) {
		other = bootops_register_kvm(0, sim_vm_memory());
		CHECK(other > 0);
		while (bootops_set_boot_info(other, 0, size, zero_sig) >= 0)
			;
	}
	CHECK_REFUSED(bootops_attest(vmid, 0, IMG_IPA + PAGE, &len), -ENOMEM);
	CHECK_EQ(sim_page_bytes(ram(1))[0], 0x66);
	for (; other > (int)vmid; other--)
		CHECK_EQ(teardown_vm(other), 0);
	CHECK_EQ(attest(vmid, 0, IMG_IPA + PAGE, &len), 0);
}
