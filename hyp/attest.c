// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attestation (include/bootops/attest.h): a verified VM's report of what
 * it booted, as hyp recorded it, with the guest's nonce, signed by hyp's
 * attestation key.
 *
 * Nothing here is kept between the steps of one call but the signature in
 * progress (crypto): each step reads the nonce again and encodes the
 * claims again, and the signer goes on only while the hash to sign is the
 * same.  So a guest that changes its nonce, or a VM torn down and its
 * vmid reused, starts over, and a report always signs what it says.
 *
 * Lock order: the VM's lock, then bootops_state.attest_lock, then the
 * signer's (crypto).  The remap lock is taken alone, inside the VM's.
 */
#include <bootops/attest.h>
#include <bootops/bootops.h>
#include <bootops/cbor.h>
#include <bootops/platform.h>
#include <bootops/state.h>

/*
 * The most the claims can take, item by item in encode_claims()'s order:
 * the map's head, eight keys, the profile, the nonce, three integers, the
 * manifest's digest, the images' array and the images, the hash's name.
 * The report adds its tag, heads, protected header and signature.  Both
 * are bounds at build time, so no encoding can outgrow its buffer.
 */
#define CBOR_HEAD_MAX		9
#define CLAIM_KEY_MAX		5
#define ATTEST_CLAIMS_MAX	(1 + 8 * CLAIM_KEY_MAX +				\
				 2 + sizeof(BOOTOPS_ATTEST_PROFILE) - 1 +		\
				 2 + BOOTOPS_ATTEST_NONCE_SIZE + 3 * CBOR_HEAD_MAX +	\
				 2 + BOOTOPS_DIGEST_SIZE + CBOR_HEAD_MAX +		\
				 BOOTOPS_MAX_LOAD_INFO *				\
				 (1 + 2 * CBOR_HEAD_MAX + 2 + BOOTOPS_DIGEST_SIZE) +	\
				 1 + sizeof(BOOTOPS_ATTEST_HASH_ALG) - 1)
#define ATTEST_REPORT_MAX	(2 + 1 + BOOTOPS_COSE_PROTECTED_SIZE + 1 +		\
				 CBOR_HEAD_MAX + ATTEST_CLAIMS_MAX + 2 + BOOTOPS_SIG_SIZE)
#define ATTEST_PAYLOAD_MAX	512
static_assert(ATTEST_CLAIMS_MAX <= ATTEST_PAYLOAD_MAX, "claims outgrow their buffer");
static_assert(ATTEST_REPORT_MAX <= BOOTOPS_ATTEST_MAX_SIZE, "a report outgrows its page");

/*
 * Under bootops_state.attest_lock, off the stack: EL2's is one page, and
 * signing needs most of it.
 */
static u8 payload[ATTEST_PAYLOAD_MAX];
static u8 nonce[BOOTOPS_ATTEST_NONCE_SIZE];
static u8 sig[BOOTOPS_SIG_SIZE];

static const u8 cose_protected[] = BOOTOPS_COSE_PROTECTED;
static const char sig_context[] = "Signature1";

#define TSTR(c, s)	bootops_cbor_tstr(c, s, sizeof(s) - 1)
/* A claim's key: attest.h writes the private ones as negative numbers. */
#define CLAIM(c, k)	bootops_cbor_int(c, k)

static void encode_images(struct bootops_cbor *c, const struct bootops_vm_info *vm)
{
	u32 i;

	bootops_cbor_array(c, vm->nr_load);
	for (i = 0; i < vm->nr_load; i++) {
		bootops_cbor_array(c, 3);
		bootops_cbor_uint(c, vm->load[i].load_addr);
		bootops_cbor_uint(c, vm->load[i].size);
		bootops_cbor_bstr(c, vm->load[i].digest, BOOTOPS_DIGEST_SIZE);
	}
}

/* The claims map of a verified VM; VM lock held. */
static void encode_claims(struct bootops_cbor *c, const struct bootops_vm_info *vm)
{
	const struct bootops_manifest *m = &vm->manifest;

	bootops_cbor_map(c, 8);
	CLAIM(c, BOOTOPS_CLAIM_PROFILE);
	TSTR(c, BOOTOPS_ATTEST_PROFILE);
	CLAIM(c, BOOTOPS_CLAIM_NONCE);
	bootops_cbor_bstr(c, nonce, BOOTOPS_ATTEST_NONCE_SIZE);
	CLAIM(c, BOOTOPS_CLAIM_KEY_ID);
	bootops_cbor_uint(c, m->set ? m->key_id : 0);
	CLAIM(c, BOOTOPS_CLAIM_SECVER);
	bootops_cbor_uint(c, m->set ? m->secver : 0);
	CLAIM(c, BOOTOPS_CLAIM_FLAGS);
	bootops_cbor_uint(c, m->set ? m->flags : 0);
	CLAIM(c, BOOTOPS_CLAIM_MANIFEST);
	if (m->set)
		bootops_cbor_bstr(c, m->hash, BOOTOPS_DIGEST_SIZE);
	else
		bootops_cbor_null(c);
	CLAIM(c, BOOTOPS_CLAIM_IMAGES);
	encode_images(c, vm);
	CLAIM(c, BOOTOPS_CLAIM_HASH_ALG);
	TSTR(c, BOOTOPS_ATTEST_HASH_ALG);
}

/* SHA-256 of the COSE Sig_structure ["Signature1", protected, h'', payload]. */
static void tbs_hash(u64 payload_len, u8 hash[BOOTOPS_DIGEST_SIZE])
{
	struct bootops_sha256 sha;
	struct bootops_cbor c;
	u8 head[32];

	bootops_cbor_init(&c, head, sizeof(head));
	bootops_cbor_array(&c, 4);
	TSTR(&c, sig_context);
	bootops_cbor_bstr(&c, cose_protected, sizeof(cose_protected));
	bootops_cbor_bstr_head(&c, 0);		/* external_aad: none */
	bootops_cbor_bstr_head(&c, payload_len);
	bootops_sha256_init(&sha);
	bootops_sha256_update(&sha, head, c.len);
	bootops_sha256_update(&sha, payload, payload_len);
	bootops_sha256_final(&sha, hash);
}

/* 18([protected, {}, payload, signature]) at out; its length. */
static u64 encode_report(u8 *out, u64 payload_len)
{
	struct bootops_cbor c;

	bootops_cbor_init(&c, out, BOOTOPS_ATTEST_MAX_SIZE);
	bootops_cbor_tag(&c, BOOTOPS_COSE_SIGN1_TAG);
	bootops_cbor_array(&c, 4);
	bootops_cbor_bstr(&c, cose_protected, sizeof(cose_protected));
	bootops_cbor_map(&c, 0);
	bootops_cbor_bstr(&c, payload, payload_len);
	bootops_cbor_bstr(&c, sig, BOOTOPS_SIG_SIZE);
	return c.len;
}

/* Who a signature in progress is for: one vCPU of one VM. */
static u64 attest_owner(u64 vmid, u64 vcpuid)
{
	return vmid << 16 | vcpuid;
}

/* One step, with the guest's page mapped at page; attest_lock held. */
static int attest_step(u64 vmid, u64 vcpuid, u8 *page, u64 *len)
{
	u8 hash[BOOTOPS_DIGEST_SIZE];
	struct bootops_cbor c;
	int ret;

	memcpy(nonce, page, sizeof(nonce));
	bootops_cbor_init(&c, payload, sizeof(payload));
	encode_claims(&c, bootops_vm(vmid));
	tbs_hash(c.len, hash);
	ret = bootops_crypto_sign_step(attest_owner(vmid, vcpuid), hash, sig);
	if (ret)
		return ret;
	*len = encode_report(page, c.len);
	return 0;
}

/* Is the page at ipa the VM's own RAM, whatever its kind: not MMIO, not a hole? */
static bool is_vm_ram(u64 vmid, u64 ipa)
{
	int kind = bootops_plat_s2_kind(vmid, ipa);

	return kind == BOOTOPS_S2_VM_PAGE || kind == BOOTOPS_S2_SHARED;
}

static int do_attest(u64 vmid, u64 vcpuid, u64 ipa, u64 *len)
{
	u64 slot, pfn;
	u8 *page;
	int ret;

	/* Running means VERIFIED: no vCPU of another VM runs. */
	ret = bootops_vcpu_running_here(vmid, vcpuid);
	if (ret)
		return ret;
	/* Without images hyp checked nothing, and has nothing to report. */
	if (!bootops_vm(vmid)->nr_load)
		return -EPERM;
	if (ipa & ~BOOTOPS_PAGE_MASK)
		return -EINVAL;
	if (!is_vm_ram(vmid, ipa))
		return -EINVAL;
	pfn = bootops_plat_s2_lookup(vmid, ipa);
	slot = bootops_alloc_remap(1);
	if (slot == BOOTOPS_INVALID64)
		return -ENOMEM;
	ret = bootops_plat_remap_map(slot, pfn);
	if (!ret) {
		page = bootops_plat_remap_va(slot);
		/* The nonce as the guest wrote it, and the report as it will read it. */
		bootops_plat_guest_page_sync(page);
		bootops_lock(&bootops_state.attest_lock);
		ret = attest_step(vmid, vcpuid, page, len);
		bootops_unlock(&bootops_state.attest_lock);
		bootops_plat_guest_page_sync(page);
		bootops_plat_remap_unmap(slot);
	}
	bootops_free_remap(slot, 1);
	return ret;
}

int bootops_attest(u64 vmid, u64 vcpuid, u64 ipa, u64 *len)
{
	int ret;

	*len = 0;
	if (!bootops_vmid_valid(vmid) || !bootops_vcpuid_valid(vcpuid))
		return -EINVAL;
	bootops_lock_vm(vmid);
	ret = do_attest(vmid, vcpuid, ipa, len);
	bootops_unlock_vm(vmid);
	return ret;
}

/* Teardown: a signature in progress for one of the VM's vCPUs is dropped. */
void bootops_attest_abort(u64 vmid)
{
	bootops_crypto_sign_abort(attest_owner(vmid, 0), attest_owner(vmid, BOOTOPS_MAX_VCPUS - 1));
}
