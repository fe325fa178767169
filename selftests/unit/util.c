// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>

#include <bootops/image.h>
#include <bootops/manifest.h>
#include <bootops/trust_anchor.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/sha256.h>

#include "util.h"

/* The test trust anchor: the public point of SHA-256("bootops unit-test key"). */
const u8 bootops_trust_anchor[BOOTOPS_PUBKEY_SIZE] = {
	0x04, 0x45, 0x71, 0x60, 0x5b, 0xd4, 0x6b, 0x72, 0xf4, 0xa6, 0x25, 0xbb,
	0x45, 0xcf, 0xfc, 0x65, 0x26, 0x2d, 0xda, 0xe2, 0x19, 0x7c, 0x55, 0x56,
	0xd0, 0x96, 0x76, 0x31, 0x27, 0x9b, 0xe1, 0x67, 0xcd, 0xec, 0x23, 0x08,
	0x64, 0x86, 0x8e, 0x9e, 0x33, 0x46, 0x59, 0xb8, 0x3d, 0xb0, 0x44, 0x11,
	0x4d, 0x39, 0xcc, 0x81, 0x0c, 0x0a, 0xb0, 0xc1, 0x83, 0x64, 0x9f, 0x24,
	0xe8, 0x26, 0xeb, 0x4e, 0x89,
};

/* Manifest keys 1 and 2: the public points of SHA-256 of their seeds. */
const struct bootops_manifest_key bootops_manifest_keys[] = {
	{ .id = 1, .pub = {
	0x04, 0x64, 0x26, 0x49, 0x95, 0xc2, 0x7e, 0x32, 0x69, 0xf2, 0xc9, 0x0e,
	0xe0, 0x08, 0x45, 0xac, 0x34, 0x7d, 0x7d, 0x2b, 0x74, 0x73, 0xef, 0x3a,
	0x5d, 0x78, 0x22, 0x5e, 0x48, 0x5d, 0x90, 0x2d, 0xf3, 0x52, 0x54, 0xa7,
	0xcb, 0x25, 0x59, 0xaf, 0x09, 0xf4, 0x17, 0xf9, 0xdd, 0x4f, 0x7b, 0x1c,
	0xc1, 0x8f, 0x4b, 0x95, 0x6c, 0x8a, 0x36, 0xf7, 0x32, 0x17, 0xcf, 0x07,
	0xe4, 0x1d, 0x9a, 0x6e, 0xe4, } },
	{ .id = 2, .pub = {
	0x04, 0x52, 0x97, 0xb3, 0xcf, 0x6a, 0x5a, 0x24, 0xc5, 0xcd, 0x2e, 0x91,
	0xfe, 0x27, 0xae, 0x99, 0x8e, 0x60, 0x4e, 0xc3, 0x3e, 0xe7, 0xed, 0x17,
	0xde, 0x9a, 0xe7, 0x15, 0xed, 0x88, 0x1c, 0x8e, 0x4b, 0x65, 0xb4, 0x13,
	0xd0, 0x6f, 0x76, 0x08, 0xc3, 0xae, 0x17, 0x9c, 0xcd, 0x72, 0x50, 0x01,
	0x27, 0xe8, 0x59, 0x11, 0x6b, 0x0e, 0xb4, 0x10, 0x48, 0xe6, 0xdf, 0xfa,
	0x2c, 0xa5, 0x15, 0x08, 0x0c, } },
};
const u32 bootops_nr_manifest_keys = 2;

/* Private keys: the anchor's, a key hyp does not know, manifest keys 1 and 2. */
static const char *const key_seed[] = {
	"bootops unit-test key", "bootops unit-test wrong key",
	"bootops unit-test manifest key 1", "bootops unit-test manifest key 2",
};

/* Blinding randomness for the signer; any bytes will do in a test. */
static int test_rng(void *ctx, unsigned char *out, size_t len)
{
	static u8 x = 0x5a;
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = x = (u8)(x * 17 + 101);
	return 0;
}

static u8 *image_bytes_of(u64 size, u64 first_pfn)
{
	u64 npages = bootops_image_pages(size), k;
	u8 *buf = malloc(npages * PAGE);

	for (k = 0; k < npages; k++)
		memcpy(buf + k * PAGE, sim_page_bytes(first_pfn + k), PAGE);
	return buf;
}

static void put_le32(u8 *p, u32 v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void put_le64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* ECDSA P-256 of hash with the private key of key_seed[signer]. */
static void sign_hash(const u8 hash[32], unsigned int signer, u8 sig[BOOTOPS_SIG_SIZE])
{
	const char *seed = key_seed[signer];
	mbedtls_ecp_group grp;
	mbedtls_mpi r, s, key;
	u8 d[32];

	mbedtls_sha256_ret((const u8 *)seed, strlen(seed), d, 0);

	mbedtls_ecp_group_init(&grp);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	mbedtls_mpi_init(&key);
	if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) ||
	    mbedtls_mpi_read_binary(&key, d, sizeof(d)) ||
	    mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &key, hash, 32,
				       MBEDTLS_MD_SHA256, test_rng, NULL) ||
	    mbedtls_mpi_write_binary(&r, sig, 32) ||
	    mbedtls_mpi_write_binary(&s, sig + 32, 32))
		abort();
	mbedtls_mpi_free(&key);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_ecp_group_free(&grp);
}

void sign_image(u64 load_addr, u64 size, const void *bytes, bool wrong_key,
		u8 sig[BOOTOPS_SIG_SIZE])
{
	u8 hdr[BOOTOPS_HDR_SIZE] = { 0 }, hash[32];

	memcpy(hdr, BOOTOPS_HDR_MAGIC, 8);
	put_le64(hdr + BOOTOPS_HDR_OFF_LOAD_ADDR, load_addr);
	put_le64(hdr + BOOTOPS_HDR_OFF_SIZE, size);
	mbedtls_sha256_ret(bytes, size, hdr + BOOTOPS_HDR_OFF_DIGEST, 0);
	mbedtls_sha256_ret(hdr, sizeof(hdr), hash, 0);
	sign_hash(hash, wrong_key, sig);
}

void manifest_add_image(struct test_manifest *m, u64 load_addr, u64 size, u64 first_pfn)
{
	u8 *bytes = image_bytes_of(size, first_pfn);

	m->img[m->nr].load_addr = load_addr;
	m->img[m->nr].size = size;
	mbedtls_sha256_ret(bytes, size, m->img[m->nr].digest, 0);
	free(bytes);
	m->nr++;
}

u64 manifest_bytes(const struct test_manifest *m, u8 *out)
{
	u64 len = BOOTOPS_MANIFEST_SIGNED_SIZE(m->nr);
	u8 *img = out + BOOTOPS_MANIFEST_HDR_SIZE, hash[32];
	u32 i;

	memset(out, 0, BOOTOPS_MANIFEST_SIZE(m->nr));
	memcpy(out, BOOTOPS_MANIFEST_MAGIC, 8);
	put_le32(out + BOOTOPS_MANIFEST_OFF_KEY_ID, m->key_id);
	put_le32(out + BOOTOPS_MANIFEST_OFF_NR, m->nr);
	put_le64(out + BOOTOPS_MANIFEST_OFF_SECVER, m->secver);
	put_le64(out + BOOTOPS_MANIFEST_OFF_FLAGS, m->flags);
	put_le64(out + BOOTOPS_MANIFEST_OFF_ENTRY, m->entry);
	for (i = 0; i < m->nr; i++, img += BOOTOPS_MANIFEST_IMAGE_SIZE) {
		put_le64(img, m->img[i].load_addr);
		put_le64(img + BOOTOPS_MANIFEST_IMG_OFF_SIZE, m->img[i].size);
		memcpy(img + BOOTOPS_MANIFEST_IMG_OFF_DIGEST, m->img[i].digest, 32);
	}
	mbedtls_sha256_ret(out, len, hash, 0);
	/* Key id k's private key is key_seed[k + 1]; 9 stands for a key hyp lacks. */
	sign_hash(hash, m->signer ? m->signer : m->key_id + 1, out + len);
	return len + BOOTOPS_SIG_SIZE;
}

void write_manifest(u64 pfn, const struct test_manifest *m)
{
	u8 buf[BOOTOPS_MANIFEST_SIZE(BOOTOPS_MAX_LOAD_INFO)];
	u64 len = manifest_bytes(m, buf);

	if (sim_host_write(pfn, 0, buf, len))
		abort();
}

void fill_page(u64 pfn, u32 seed)
{
	u8 buf[PAGE];
	u64 i;

	for (i = 0; i < PAGE; i++)
		buf[i] = (u8)(seed * 131 + i * 7 + (i >> 8));
	if (sim_host_write(pfn, 0, buf, PAGE))
		abort();
}

int declare_image(u64 vmid, u64 load_addr, u64 size, u64 first_pfn, u32 seed)
{
	u64 npages = bootops_image_pages(size), k;
	u8 sig[BOOTOPS_SIG_SIZE], *bytes;

	for (k = 0; k < npages; k++)
		fill_page(first_pfn + k, seed + k);
	bytes = image_bytes_of(size, first_pfn);
	sign_image(load_addr, size, bytes, false, sig);
	free(bytes);
	return bootops_set_boot_info(vmid, load_addr, size, sig);
}

int load_image_pages(u64 vmid, u64 load_addr, u64 size, u64 first_pfn, u32 seed)
{
	int idx = declare_image(vmid, load_addr, size, first_pfn, seed), ret;
	u64 k;

	if (idx < 0)
		return idx;
	for (k = 0; k < bootops_image_pages(size); k++) {
		ret = bootops_remap_vm_image(vmid, first_pfn + k, idx);
		if (ret)
			return ret;
	}
	return 0;
}

int verify_images_calls(u64 vmid, u64 *calls)
{
	int ret;

	*calls = 0;
	do {
		ret = bootops_verify_and_load_images(vmid);
		++*calls;
	} while (ret == BOOTOPS_CONTINUE);
	return ret;
}

int verify_images(u64 vmid)
{
	u64 calls;

	return verify_images_calls(vmid, &calls);
}

int teardown_vm(u64 vmid)
{
	int ret;

	do
		ret = bootops_teardown_vm(vmid);
	while (ret == BOOTOPS_CONTINUE);
	return ret;
}

u64 verified_vm(u64 load_addr, u64 size, u64 first_pfn)
{
	int vmid = bootops_register_kvm(0x1000, sim_vm_memory());

	if (vmid <= 0 || bootops_register_vcpu(vmid, 0, 0x2000) ||
	    load_image_pages(vmid, load_addr, size, first_pfn, 1) ||
	    verify_images(vmid))
		abort();
	return vmid;
}

struct snapshot {
	struct bootops_state state;
	struct sim_page_info page[SIM_ALL_PAGES];
	u64 s2_count[BOOTOPS_MAX_VMS + 1];
	u64 remap_count, tables_used;
	u64 smmu_root[BOOTOPS_SMMU_NUM][BOOTOPS_SMMU_NUM_CB];
	u8 *mem;
};

static void snapshot_fill(struct snapshot *s)
{
	u64 i, j;

	memcpy(&s->state, &bootops_state, sizeof(bootops_state));
	for (i = 0; i < SIM_ALL_PAGES; i++) {
		s->page[i] = sim_page(sim_pfn_at(i));
		memcpy(s->mem + i * PAGE, sim_page_bytes(sim_pfn_at(i)), PAGE);
	}
	for (i = 0; i <= BOOTOPS_MAX_VMS; i++)
		s->s2_count[i] = sim_s2_count(i);
	s->remap_count = sim_remap_count();
	s->tables_used = sim_tables_used();
	for (i = 0; i < BOOTOPS_SMMU_NUM; i++)
		for (j = 0; j < BOOTOPS_SMMU_NUM_CB; j++)
			s->smmu_root[i][j] = sim_smmu_root(i, j);
}

struct snapshot *snapshot_take(void)
{
	struct snapshot *s = calloc(1, sizeof(*s));

	s->mem = malloc(SIM_ALL_PAGES * PAGE);
	snapshot_fill(s);
	return s;
}

bool snapshot_same(const struct snapshot *s)
{
	struct snapshot *now = snapshot_take();
	const char *diff = NULL;

	if (memcmp(&now->state, &s->state, sizeof(s->state)))
		diff = "hyp state";
	else if (memcmp(now->page, s->page, sizeof(s->page)))
		diff = "page ownership";
	else if (memcmp(now->s2_count, s->s2_count, sizeof(s->s2_count)))
		diff = "stage-2 mappings";
	else if (now->remap_count != s->remap_count)
		diff = "remap area";
	else if (now->tables_used != s->tables_used)
		diff = "page-table pool";
	else if (memcmp(now->smmu_root, s->smmu_root, sizeof(s->smmu_root)))
		diff = "SMMU roots";
	else if (memcmp(now->mem, s->mem, SIM_ALL_PAGES * PAGE))
		diff = "memory contents";
	if (diff)
		fprintf(stderr, "  state changed: %s\n", diff);
	snapshot_free(now);
	return !diff;
}

void snapshot_free(struct snapshot *s)
{
	free(s->mem);
	free(s);
}
