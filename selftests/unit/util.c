// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>

#include <bootops/image.h>
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

static const char *const key_seed[2] = {
	"bootops unit-test key", "bootops unit-test wrong key",
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

static void put_le64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

void sign_image(u64 load_addr, u64 size, const void *bytes, bool wrong_key,
		u8 sig[BOOTOPS_SIG_SIZE])
{
	u8 hdr[BOOTOPS_HDR_SIZE] = { 0 }, hash[32], d[32];
	const char *seed = key_seed[wrong_key];
	mbedtls_ecp_group grp;
	mbedtls_mpi r, s, key;

	memcpy(hdr, BOOTOPS_HDR_MAGIC, 8);
	put_le64(hdr + BOOTOPS_HDR_OFF_LOAD_ADDR, load_addr);
	put_le64(hdr + BOOTOPS_HDR_OFF_SIZE, size);
	mbedtls_sha256_ret(bytes, size, hdr + BOOTOPS_HDR_OFF_DIGEST, 0);
	mbedtls_sha256_ret(hdr, sizeof(hdr), hash, 0);
	mbedtls_sha256_ret((const u8 *)seed, strlen(seed), d, 0);

	mbedtls_ecp_group_init(&grp);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	mbedtls_mpi_init(&key);
	if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) ||
	    mbedtls_mpi_read_binary(&key, d, sizeof(d)) ||
	    mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &key, hash, sizeof(hash),
				       MBEDTLS_MD_SHA256, test_rng, NULL) ||
	    mbedtls_mpi_write_binary(&r, sig, 32) ||
	    mbedtls_mpi_write_binary(&s, sig + 32, 32))
		abort();
	mbedtls_mpi_free(&key);
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_ecp_group_free(&grp);
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

static u8 *image_bytes_of(u64 size, u64 first_pfn)
{
	u64 npages = bootops_image_pages(size), k;
	u8 *buf = malloc(npages * PAGE);

	for (k = 0; k < npages; k++)
		memcpy(buf + k * PAGE, sim_page_bytes(first_pfn + k), PAGE);
	return buf;
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
